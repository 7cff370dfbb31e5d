#!/usr/bin/env bash
# The exported ABI only grows: every symbol in tests/abi/symbols.txt (the released list) must still
# be exported by liblxdclient.so, and a new export must be added to the list in the same commit
# (so growth is deliberate). Removing or renaming a symbol is an ABI break: bump the soname.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
so=${1:-$root/target/release/liblxdclient.so}
now=$(mktemp)
trap 'rm -f "$now"' EXIT
nm -D --defined-only "$so" | awk '$2=="T"{print $3}' | grep '^lxd_' | sort > "$now"
missing=$(comm -23 "$root/tests/abi/symbols.txt" "$now")
added=$(comm -13 "$root/tests/abi/symbols.txt" "$now")
if [ -n "$missing" ]; then
  echo "ABI break: these exported functions disappeared:"; echo "$missing"; exit 1
fi
if [ -n "$added" ]; then
  echo "new exported functions not yet in tests/abi/symbols.txt (add them):"; echo "$added"; exit 1
fi
echo "abi symbols: $(wc -l < "$now") exported, none removed"
