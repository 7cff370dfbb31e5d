#!/usr/bin/env bash
# Run every compiled C suite (tests/c/bin/test_*) under valgrind, against the LXD daemons in
# $LXD_TEST_* (run it inside tests/harness/with-lxd.sh; `make test-c` compiles the suites first).
#
#   bash tests/c/run.sh                 # every suite
#   bash tests/c/run.sh instances args  # only test_instances and test_args
#   VALGRIND=0 bash tests/c/run.sh      # without valgrind (quicker while developing)
#   C_TEST_JOBS=1 bash tests/c/run.sh   # one suite at a time (default: 3 at once)
#
# Each suite prints `<suite>: N passed, N failed`; a suite that crashes, leaks (definite or
# indirect), has a valgrind error, times out or exits non-zero counts as a failure. It also
# checks that include/lxdclient.h compiles alone as C and as C++. Prints each suite's output
# (in order), a table, the total `N passed, N failed`, and exits non-zero on any failure.
#
# Suites run in parallel (each uses its own uniquely named objects), except those in SERIAL:
# they change whether the daemon trusts the harness's second client certificate (CLIENT2), so
# they run one after another in a single lane. (test_client is the only suite that uses the
# first one, CLIENT; suites that only need an untrusted HTTPS client use no certificate.)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$HERE/bin
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}
VALGRIND=${VALGRIND:-1}
JOBS=${C_TEST_JOBS:-3}
SERIAL=" server certificates fullapi "
VG=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99
    --suppressions="$HERE/valgrind.supp")

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- the public header compiles on its own, as C and as C++ ---------------------------------
header_checks() { # writes $WORK/header-standalone.{out,rec}
    local pass=0 fail=0 out
    local -a cmds=(
        "gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c"
        "gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c"
        "g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++"
        "g++ -Wall -Wextra -Werror -fsyntax-only -x c++"
    )
    {
        echo "== header-standalone"
        for cmd in "${cmds[@]}"; do
            # The header as its own translation unit, then included by an otherwise empty program.
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
    } >"$WORK/header-standalone.out"
    echo "header-standalone $pass $fail 0.0 " >"$WORK/header-standalone.rec"
}

# Run one suite; its output goes to $WORK/<name>.out, its result to $WORK/<name>.rec.
run_suite() { # path-to-binary
    local bin=$1 name out vglog rc start end secs line p f note=""
    name=$(basename "$bin")
    name=${name#test_}
    out=$WORK/$name.out
    vglog=$WORK/$name.vg
    if [ ! -x "$bin" ]; then
        echo "  FAIL $bin: not built (make test-c compiles tests/c/test_*.c)" >"$out"
        echo "$name 0 1 0.0 not built" >"$WORK/$name.rec"
        return
    fi
    start=$(date +%s%3N)
    if [ "$VALGRIND" != 0 ]; then
        timeout -k 10 "$SUITE_TIMEOUT" "${VG[@]}" --log-file="$vglog" "$bin" >"$out" 2>&1
    else
        timeout -k 10 "$SUITE_TIMEOUT" "$bin" >"$out" 2>&1
    fi
    rc=$?
    end=$(date +%s%3N)
    secs=$(((end - start) / 1000)).$(((end - start) % 1000 / 100))
    line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1/')
        f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\2/')
    else
        p=0 f=1
        note="no summary line (crashed?)"
        echo "  FAIL test_$name printed no summary line (exit status $rc)" >>"$out"
    fi
    if [ -s "$vglog" ]; then
        {
            echo "  valgrind (test_$name):"
            sed 's/^/    /' "$vglog"
        } >>"$out"
    fi
    if [ "$rc" = 99 ]; then
        f=$((f + 1))
        note="valgrind: errors or leaks"
        echo "  FAIL test_$name: valgrind reported errors or definite/indirect leaks" >>"$out"
    elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        f=$((f + 1))
        note="timed out after ${SUITE_TIMEOUT}s"
        echo "  FAIL test_$name: killed after ${SUITE_TIMEOUT}s" >>"$out"
    elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        f=1
        note="exit status $rc"
        echo "  FAIL test_$name exited with status $rc" >>"$out"
    fi
    echo "$name $p $f $secs $note" >"$WORK/$name.rec"
}

if [ "$VALGRIND" != 0 ] && ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (make deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

shopt -s nullglob
bins=()
if [ $# -gt 0 ]; then
    for s in "$@"; do bins+=("$BIN/test_${s#test_}"); done
else
    bins=("$BIN"/test_*)
fi

header_checks
order=(header-standalone)
serial=()
parallel=()
for bin in "${bins[@]}"; do
    name=$(basename "$bin")
    name=${name#test_}
    order+=("$name")
    if [[ "$SERIAL" == *" $name "* ]]; then serial+=("$bin"); else parallel+=("$bin"); fi
done
if [ ${#bins[@]} -eq 0 ]; then
    echo "  FAIL no suites in $BIN: run 'make test-c' (it compiles tests/c/test_*.c)" >"$WORK/none.out"
    echo "none 0 1 0.0 no suites" >"$WORK/none.rec"
    order+=(none)
fi

started=$(date +%s)
running=0
if [ ${#serial[@]} -gt 0 ]; then
    (for bin in "${serial[@]}"; do run_suite "$bin"; done) &
    running=$((running + 1))
fi
for bin in "${parallel[@]}"; do
    while [ "$running" -ge "$JOBS" ]; do
        wait -n
        running=$((running - 1))
    done
    run_suite "$bin" &
    running=$((running + 1))
done
wait

total_pass=0
total_fail=0
table=()
for name in "${order[@]}"; do
    cat "$WORK/$name.out" 2>/dev/null
    read -r n p f secs note <"$WORK/$name.rec" 2>/dev/null || { n=$name p=0 f=1 secs=0.0 note="no result"; }
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    table+=("$(printf '%-18s %4d passed %3d failed %6.1fs %s' "$n" "$p" "$f" "$secs" "$note")")
done

echo
echo "C suites$([ "$VALGRIND" != 0 ] && echo " under valgrind"), $JOBS at a time, $(($(date +%s) - started))s:"
printf '  %s\n' "${table[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
