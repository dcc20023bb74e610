#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a fixed time each, starting
# from its seed corpus (tests/fuzz/corpus/<target>, committed), and prints
# one line per target and a last line `N passed, N failed`.
#
# Environment: FUZZ_SECONDS (default 30) per target; FUZZ_TARGETS (default
# every build/fuzz/fuzz_*); PARITY_FUZZ_BUILD (default build/fuzz).
# New inputs the fuzzer finds go to build/fuzz/corpus/<target> (not the
# repository); a crash, leak, UB or failed invariant leaves its input in
# tests/artifacts/fuzz/ and fails the target.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
build=${PARITY_FUZZ_BUILD:-build/fuzz}
seconds=${FUZZ_SECONDS:-30}
artifacts="$root/tests/artifacts/fuzz"
mkdir -p "$artifacts"
# LeakSanitizer is on (libFuzzer's default); parity's parsers allocate
# nothing that outlives a call, so any leak is a finding.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

targets=${FUZZ_TARGETS:-$(cd "$build" 2>/dev/null && ls fuzz_* 2>/dev/null | grep -v '\.d$')}
if [ -z "$targets" ]; then
    echo "fuzz: no targets in $build (run: make FUZZ=1 fuzz-build)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0
for t in $targets; do
    seeds="tests/fuzz/corpus/$t"
    work="$build/corpus/$t"
    mkdir -p "$work"
    log="$artifacts/$t.log"
    "$build/$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" "$work" "$seeds" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok - $t: ${runs:-?} runs in ${seconds}s, ${cov:-cov: ?}, corpus $(ls "$work" | wc -l)"
    else
        failed=$((failed + 1))
        echo "not ok - $t (exit $rc); see $log"
        grep -E 'ERROR|invariant failed|runtime error|SUMMARY' "$log" | head -5
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
