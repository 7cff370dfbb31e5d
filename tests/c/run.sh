#!/usr/bin/env bash
# Run every compiled C suite (tests/c/bin/test_*) under valgrind, against the LXD daemons in
# $LXD_TEST_* (run it inside tests/harness/with-lxd.sh; `make test-c` compiles the suites first).
#
#   bash tests/c/run.sh                 # every suite
#   bash tests/c/run.sh instances args  # only test_instances and test_args
#   VALGRIND=0 bash tests/c/run.sh      # without valgrind (quicker while developing)
#
# Each suite prints `<suite>: N passed, N failed`; a suite that crashes, leaks (definite or
# indirect), has a valgrind error, or exits non-zero counts as a failure. It also checks that
# include/lxdclient.h compiles alone as C and as C++. Prints `N passed, N failed` and exits
# non-zero on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$HERE/bin
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}
VALGRIND=${VALGRIND:-1}
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99
    --suppressions="$HERE/valgrind.supp")

total_pass=0
total_fail=0
results=()

record() { # suite passed failed seconds note
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    results+=("$(printf '%-18s %4d passed %3d failed %6.1fs %s' "$1" "$2" "$3" "$4" "$5")")
}

# --- the public header compiles on its own, as C and as C++ ---------------------------------
header_checks() {
    local pass=0 fail=0 out
    local -a cmds=(
        "gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c"
        "gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c"
        "g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++"
        "g++ -Wall -Wextra -Werror -fsyntax-only -x c++"
    )
    echo "== header-standalone"
    for cmd in "${cmds[@]}"; do
        # The header alone (as its own translation unit), then included by an empty program.
        if out=$($cmd "$ROOT/include/lxdclient.h" 2>&1) &&
            out=$(printf '#include "lxdclient.h"\nint main(void) { return 0; }\n' | $cmd -I"$ROOT/include" - 2>&1); then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "  FAIL $cmd include/lxdclient.h:"
            echo "$out" | sed 's/^/    /'
        fi
    done
    echo "header-standalone: $pass passed, $fail failed"
    record header-standalone "$pass" "$fail" 0 ""
}

run_suite() { # path-to-binary
    local bin=$1 name out vglog rc start end secs line p f note=""
    name=$(basename "$bin")
    out=$(mktemp)
    vglog=$(mktemp)
    start=$(date +%s%3N)
    if [ "$VALGRIND" != 0 ]; then
        timeout -k 10 "$SUITE_TIMEOUT" "${VG[@]}" --log-file="$vglog" "$bin" >"$out" 2>&1
    else
        timeout -k 10 "$SUITE_TIMEOUT" "$bin" >"$out" 2>&1
    fi
    rc=$?
    end=$(date +%s%3N)
    secs=$(( (end - start) / 1000 )).$(( (end - start) % 1000 / 100 ))
    cat "$out"
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
    else
        p=0 f=1
        note="no summary line (crashed?)"
        echo "  FAIL $name printed no summary line (exit status $rc)"
    fi
    if [ -s "$vglog" ]; then
        echo "  valgrind ($name):"
        sed 's/^/    /' "$vglog"
    fi
    if [ "$rc" = 99 ]; then
        f=$((f + 1))
        note="valgrind: errors or leaks"
        echo "  FAIL $name: valgrind reported errors or definite/indirect leaks"
    elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        f=$((f + 1))
        note="timed out after ${SUITE_TIMEOUT}s"
        echo "  FAIL $name: killed after ${SUITE_TIMEOUT}s"
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        f=1
        note="exit status $rc"
        echo "  FAIL $name exited with status $rc"
    fi
    rm -f "$out" "$vglog"
    record "${name#test_}" "$p" "$f" "$secs" "$note"
}

if [ "$VALGRIND" != 0 ] && ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (make deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

header_checks

shopt -s nullglob
bins=()
if [ $# -gt 0 ]; then
    for s in "$@"; do bins+=("$BIN/test_${s#test_}"); done
else
    bins=("$BIN"/test_*)
fi
if [ ${#bins[@]} -eq 0 ]; then
    echo "no suites in $BIN: run 'make test-c' (it compiles tests/c/test_*.c)"
    record none 0 1 0 "no suites"
fi
for bin in "${bins[@]}"; do
    if [ ! -x "$bin" ]; then
        echo "  FAIL $bin: not built"
        record "$(basename "$bin")" 0 1 0 "not built"
        continue
    fi
    run_suite "$bin"
done

echo
echo "C suites$([ "$VALGRIND" != 0 ] && echo " (under valgrind)"):"
printf '  %s\n' "${results[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
