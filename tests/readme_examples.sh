#!/usr/bin/env bash
# Compiles (and where it makes sense, runs) every code block of README.md against the library,
# so the README cannot drift from the API. Run inside the harness (make test-examples).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$root/README.md" "$work" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```(\w+)\n(.*?)```", text, re.S)
n = {"c": 0, "rust": 0, "go": 0, "cpp": 0}
for lang, body in blocks:
    if lang in n:
        n[lang] += 1
        open(f"{sys.argv[2]}/readme_{lang}_{n[lang]}.{lang}", "w").write(body)
print(f"README: {n['c']} C, {n['go']} Go, {n['cpp']} C++ blocks (Rust blocks are doc tests)", file=sys.stderr)
PY
lib="-L$root/target/release -Wl,-rpath,$root/target/release -llxdclient -lpthread"
passed=0 failed=0
for f in "$work"/readme_c_*.c; do
  if grep -q 'int main' "$f"; then
    if gcc -std=c11 -Wall -Wextra -Werror -I"$root/include" "$f" -o "$f.bin" $lib && "$f.bin" >/dev/null; then passed=$((passed+1)); else echo "FAIL: $f"; cat "$f"; failed=$((failed+1)); fi
  else
    # A fragment: compile it inside a function with the variables it uses declared.
    { echo '#include <lxdclient.h>'; echo 'int main(void) { lxd_client_builder *builder = 0; lxd_client *client = 0; lxd_error *err = 0;'; cat "$f"; echo 'lxd_error_free(err); lxd_client_free(client); lxd_client_builder_free(builder); return 0; }'; } > "$f.frag.c"
    if gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$root/include" "$f.frag.c"; then passed=$((passed+1)); else echo "FAIL: $f"; failed=$((failed+1)); fi
  fi
done
# Go blocks: the statements of a main function, built in the Go module and run.
for f in "$work"/readme_go_*.go; do
  [ -e "$f" ] || continue
  d=$(mktemp -d "$root/bindings/go/lxdclient/.readme.XXXXXX")
  { printf 'package main\n\nimport (\n\t"context"\n\t"errors"\n\t"fmt"\n\t"log"\n\n\tlxdclient "github.com/liblxdclient/lxdclient/bindings/go/lxdclient"\n)\n\nfunc main() {\n\tctx := context.Background()\n'; cat "$f"; echo '}'; } > "$d/main.go"
  if (cd "$root/bindings/go/lxdclient" && PKG_CONFIG_PATH="$root/build/pkgconfig" go run "./$(basename "$d")") >/dev/null; then passed=$((passed+1)); else echo "FAIL: Go block $f"; cat "$d/main.go"; failed=$((failed+1)); fi
  rm -rf "$d"
done
# C++ blocks: the statements of main, compiled against the C++ header and run.
for f in "$work"/readme_cpp_*.cpp; do
  [ -e "$f" ] || continue
  { echo '#include <lxdclient.hpp>'; echo '#include <iostream>'; echo 'int main() {'; cat "$f"; echo 'return 0; }'; } > "$f.main.cpp"
  if g++ -std=c++17 -Wall -Wextra -Werror -I"$root/include" -I"$root/bindings/cpp/include" "$f.main.cpp" -o "$f.bin" $lib && "$f.bin" >/dev/null; then passed=$((passed+1)); else echo "FAIL: C++ block $f"; failed=$((failed+1)); fi
done
# Rust blocks are checked as doc tests of the ffi crate (ffi/src/lib.rs includes README.md).
if gcc -std=c11 -Wall -Wextra -Werror -I"$root/include" "$root/examples/c/quickstart.c" -o "$work/quickstart" $lib && "$work/quickstart" >/dev/null; then passed=$((passed+1)); else echo "FAIL: examples/c/quickstart.c"; failed=$((failed+1)); fi
echo "readme-examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
