#!/usr/bin/env bash
# Runs every test of parity against a throwaway private PostgreSQL + PostGIS:
#   unit         tests/unit (C, no database)
#   integration  tests/integration/*.test.mjs (real PostGIS, real GDAL files,
#                `parity serve` over HTTP), Node's built-in test runner
#   browser      tests/browser (the page in headless Chromium), against a
#   san-unit,    server with the demo city loaded
#   san-integration  unit and integration again with the AddressSanitizer +
#                UndefinedBehaviorSanitizer build (build/san, `make SAN=1`);
#                every sanitizer report written by any parity process (the
#                servers the tests start too) counts as one more failure
#   lint         `make lint`: clang-format's style and no banned C calls
#   fuzz         every libFuzzer target (build/fuzz, `make FUZZ=1
#                fuzz-build`) for PARITY_FUZZ_SECONDS each (default 10)
# and prints, as its last line, the total: `N passed, N failed`.
# Exit status: non-zero on any failure.
#
# Environment: PARITY_SHARED_DATA (default ../shared/data), PARITY_BUILD
# (default build), PARITY_SAN_BUILD (default build/san), PARITY_SUITES
# (default "lint unit integration browser san-unit san-integration fuzz"; a
# san-* or fuzz suite fails when its build is missing).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${PARITY_BUILD:-build}
san_build=${PARITY_SAN_BUILD:-build/san}
suites=${PARITY_SUITES:-lint unit integration browser san-unit san-integration fuzz}
instance=${PARITY_PG_INSTANCE:-test}
export PARITY_BIN="$root/$build/parity"
export PARITY_WEB_ROOT="$root/build/web"
export PARITY_SHARED_DATA=${PARITY_SHARED_DATA:-$(cd "$root/../shared/data" 2>/dev/null && pwd)}
artifacts="$root/tests/artifacts"
mkdir -p "$artifacts"

total_passed=0
total_failed=0
server_pid=

count() { # suite passed failed
    echo "== $1: $2 passed, $3 failed"
    total_passed=$((total_passed + $2))
    total_failed=$((total_failed + $3))
}

cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    scripts/pg.sh stop "$instance" >/dev/null 2>&1
}
trap cleanup EXIT

# Runs `node --test` over files with the TAP reporter and counts its summary.
# --test-force-exit: a test file whose tests have all ended exits even if
# something it started (a server a failed test did not stop) would keep it
# alive; lib.mjs kills such servers as the file exits.
node_suite() { # name files...
    local name=$1 log="$artifacts/$1.tap"
    shift
    node --test --test-force-exit --test-reporter=tap --test-concurrency=2 "$@" >"$log" 2>&1
    local rc=$?
    local passed failed
    passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
    failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
    grep -E '^ *not ok ' "$log" | head -40
    if [ -z "$passed" ]; then
        tail -30 "$log"
        passed=0
        failed=$((${failed:-0} + 1))
    elif [ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
        failed=1 # the runner failed without counting a failed test
    fi
    count "$name" "$passed" "${failed:-0}"
}

if [ -z "$PARITY_SHARED_DATA" ]; then
    echo "tests: ../shared/data not found; set PARITY_SHARED_DATA" >&2
fi

# Sanitizer reports of every parity process of a san-* suite land in
# $artifacts/san/ (one file per process that had something to report).
# LeakSanitizer is on: parity frees what it allocates, and the third-party
# libraries it uses (libpq, GDAL, PROJ, libmicrohttpd, json-c) have shown no
# leak through these suites; tests/san/lsan.supp is where one would be
# suppressed, with a reason.
# A report holding nothing but "Unable to get registers from thread N." is
# not a finding: LeakSanitizer's stop-the-world could not read one thread's
# registers (ptrace raced the thread) and went on with that thread's whole
# stack counted as reachable. Upstream LLVM made it a verbose-only message
# (llvm-project pull request 116555); Debian 12's GCC 12 still prints it, a
# few times in a thousand processes. It is shown, not counted.
san_reports() { # count and show the reports written since the suite began
    local n=0 f
    for f in "$artifacts"/san/report.*; do
        [ -e "$f" ] || continue
        if ! grep -qv 'Unable to get registers from thread' "$f"; then
            echo "sanitizer note $f (not a finding): $(head -1 "$f")" >&2
            continue
        fi
        n=$((n + 1))
        echo "sanitizer report $f:" >&2
        head -30 "$f" >&2
    done
    echo "$n"
}
san_env() {
    rm -rf "$artifacts/san"
    mkdir -p "$artifacts/san"
    # detect_stack_use_after_return: a pointer into a returned function's
    # frame (a request handed to another thread still pointing at the
    # event thread's stack) is reported at the first read, not only when
    # the stack happens to be reused.
    export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:log_path=$artifacts/san/report:suppressions=$root/tests/san/asan.supp"
    export LSAN_OPTIONS="suppressions=$root/tests/san/lsan.supp"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$artifacts/san/report"
    export PARITY_BIN="$root/$san_build/parity"
}

for suite in $suites; do
    suite_build=$build
    name=$suite
    case $suite in
    san-*)
        if [ ! -x "$root/$san_build/parity" ] || [ ! -x "$root/$san_build/test-unit" ]; then
            echo "tests: $san_build not built (make SAN=1 all $san_build/test-unit)" >&2
            count "$suite" 0 1
            continue
        fi
        san_env
        suite_build=$san_build
        suite=${suite#san-}
        ;;
    *)
        unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
        export PARITY_BIN="$root/$build/parity"
        ;;
    esac
    case $suite in
    lint)
        log="$artifacts/lint.log"
        if make -s lint >"$log" 2>&1; then
            count lint 1 0
        else
            head -40 "$log"
            count lint 0 1
        fi
        ;;
    unit)
        log="$artifacts/$name.log"
        "$root/$suite_build/test-unit" >"$log" 2>&1
        rc=$?
        grep -E '^(not ok|FAIL)' "$log"
        line=$(tail -1 "$log")
        passed=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
        failed=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
        if [ -z "$passed" ]; then passed=0; failed=1; tail -20 "$log"; fi
        [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
        count "$name" "$passed" "$failed"
        ;;
    integration | browser)
        if [ -z "${PARITY_TEST_DB:-}" ]; then
            scripts/pg.sh destroy "$instance" >/dev/null 2>&1
            if ! PARITY_TEST_DB=$(scripts/pg.sh start "$instance" | tail -1); then
                echo "tests: the private PostgreSQL did not start" >&2
                count database 0 1
                break
            fi
            export PARITY_TEST_DB
        fi
        if [ "$suite" = integration ]; then
            node_suite "$name" tests/integration/*.test.mjs
        else
            tests/browser/install.sh >/dev/null || { count browser 0 1; continue; }
            # A database with the demo city, and a server on a free port.
            if ! PARITY_URL=$(node tests/integration/demo-server.mjs start \
                    "$artifacts/browser-server.log"); then
                echo "tests: could not start the demo server" >&2
                tail -20 "$artifacts/browser-server.log"
                count browser 0 1
                continue
            fi
            server_pid=${PARITY_URL##* }
            PARITY_URL=${PARITY_URL%% *}
            export PARITY_URL
            node_suite browser tests/browser/*.test.mjs
            kill "$server_pid" 2>/dev/null
            wait "$server_pid" 2>/dev/null
            server_pid=
        fi
        ;;
    fuzz)
        log="$artifacts/fuzz.log"
        FUZZ_SECONDS=${PARITY_FUZZ_SECONDS:-10} tests/fuzz/run.sh >"$log" 2>&1
        grep -E '^not ok' -A3 "$log"
        line=$(tail -1 "$log")
        passed=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
        failed=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
        if [ -z "$passed" ]; then passed=0; failed=1; tail -5 "$log"; fi
        count fuzz "$passed" "$failed"
        ;;
    *)
        echo "tests: unknown suite $suite" >&2
        count "$suite" 0 1
        ;;
    esac
    if [ "$name" != "$suite" ]; then
        reports=$(san_reports)
        [ "$reports" -gt 0 ] && count "$name reports" 0 "$reports"
    fi
done

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
