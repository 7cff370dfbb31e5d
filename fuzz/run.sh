#!/usr/bin/env bash
# Run each fuzz target for a fixed time: with cargo-fuzz (libFuzzer, nightly) when available,
# else with the stable fixed-seed harness (tests/stable.rs) for the same time per target.
# Prints the executions per target and exits non-zero on any finding.
#   bash fuzz/run.sh SECONDS TARGET...
set -uo pipefail
cd "$(dirname "$0")/.."
secs=$1
shift
if cargo +nightly --version >/dev/null 2>&1 && { cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked >/dev/null 2>&1; }; then
    fail=0
    summary=()
    for t in "$@"; do
        log=$(mktemp)
        cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
        rc=$?
        runs=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)
        [ -z "$runs" ] && runs=$(grep -E 'stat::number_of_executed_units' "$log" | tail -1)
        if [ $rc -ne 0 ]; then
            fail=1
            tail -40 "$log"
            summary+=("$t: FINDING (exit $rc), artifacts in fuzz/artifacts/$t")
        else
            summary+=("$t: ${runs:-?}")
        fi
        rm -f "$log"
    done
    echo "cargo-fuzz (libFuzzer, ${secs}s per target):"
    printf '  %s\n' "${summary[@]}"
    exit $fail
else
    echo "nightly Rust or cargo-fuzz not available: running the stable harness (${secs}s per target)"
    LXD_FUZZ_SECS=$secs cargo test --manifest-path fuzz/Cargo.toml --no-default-features --target-dir target -- --nocapture
fi
