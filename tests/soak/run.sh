#!/usr/bin/env bash
# `make soak`: a bounded mixed load against `parity serve`, with the
# database restarted in the middle, and a report.
#
#   - a private PostgreSQL (scripts/pg.sh instance `soak`) with the demo city;
#   - parity serve on a free loopback port (127.0.0.1 only), with its
#     default settings plus SOAK_SERVER_ARGS;
#   - wrk (tests/soak/mixed.lua) for SOAK_SECONDS (default 60) over tiles
#     of every layer, TileJSON, /healthz and API reads (paths.mjs), with
#     SOAK_CONNECTIONS connections (default 16) on 2 threads;
#   - when the API takes writes, a writer (writer.mjs) that POSTs records
#     during the whole run and remembers which were acknowledged (201);
#   - at half time the database is stopped for SOAK_DOWN_SECONDS (default
#     3) and started again.
# Reports requests, answers by status, socket errors, latency percentiles,
# the server's VmRSS at start and end, and the writes; checks that the
# server survived, answered only 2xx/3xx or 503 (503 for a failure to
# reach the database only while it was away; outside that, only load
# shedding: pool busy past --pool-wait or the statement timeout),
# that every acknowledged write is in the database and that every write
# that failed was told so. Report: tests/artifacts/soak/report.md.
# Exit status non-zero when a check fails.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${SOAK_SECONDS:-60}
connections=${SOAK_CONNECTIONS:-16}
down=${SOAK_DOWN_SECONDS:-3}
out="$root/tests/artifacts/soak"
rm -rf "$out"
mkdir -p "$out"
bin="$root/${PARITY_BUILD:-build}/parity"
instance=soak
server_pid=
writer_pid=

say() { echo "soak: $*" >&2; }
cleanup() {
    [ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    scripts/pg.sh destroy "$instance" >/dev/null 2>&1
}
trap cleanup EXIT

command -v wrk >/dev/null || { say "wrk is missing (scripts/deps.sh bench)"; exit 1; }
scripts/pg.sh destroy "$instance" >/dev/null 2>&1
db=$(scripts/pg.sh start "$instance" 2>/dev/null | tail -1) || { say "PostgreSQL did not start"; exit 1; }
PARITY_BIN="$bin" scripts/load-demo.sh "$db" >"$out/load.log" 2>&1 || { say "loading the demo failed"; cat "$out/load.log"; exit 1; }

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
url="http://127.0.0.1:$port"
"$bin" --db "$db" serve --listen "127.0.0.1:$port" --web-root build/web \
    ${SOAK_SERVER_ARGS:-} >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    curl -sf "$url/readyz" >/dev/null && break
    sleep 0.1
done
curl -sf "$url/readyz" >/dev/null || { say "the server did not become ready"; tail "$out/server.log"; exit 1; }

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$server_pid/status"; }
node tests/soak/paths.mjs "$url" "$out/paths.txt" >&2
# One pass over every path first: the memory at start is that of a server
# that has done each kind of work once.
while read -r p; do curl -s -o /dev/null "$url$p"; done <"$out/paths.txt"
rss_start=$(rss)
say "server pid $server_pid, VmRSS ${rss_start} kB; ${seconds}s of load, database down for ${down}s at half time"

writer=0
SOAK_TOKEN=$("$bin" --db "$db" token create soak-writer 2>/dev/null) && export SOAK_TOKEN
if node tests/soak/writer.mjs probe "$url" 2>/dev/null; then
    node tests/soak/writer.mjs run "$url" "$db" "$seconds" "$out/writes.json" >"$out/writer.log" 2>&1 &
    writer_pid=$!
    writer=1
fi

wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s tests/soak/mixed.lua "$url" \
    -- "$out/paths.txt" >"$out/wrk.txt" 2>&1 &
wrk_pid=$!
sleep $((seconds / 2))
stopped_at=$(date +%s.%N)
scripts/pg.sh stop "$instance" >/dev/null 2>&1
sleep "$down"
scripts/pg.sh start "$instance" >/dev/null 2>&1
started_at=$(date +%s.%N)
say "database restarted"
wait "$wrk_pid"
if [ -n "$writer_pid" ]; then
    wait "$writer_pid"
    writer_rc=$?
    writer_pid=
fi
rss_end=$(rss)
alive=1
kill -0 "$server_pid" 2>/dev/null || alive=0
curl -s "$url/metrics" >"$out/metrics.txt"
kill -TERM "$server_pid"
wait "$server_pid"
exit_code=$?
server_pid=

summary=$(sed -n 's/^SOAK //p' "$out/wrk.txt")
if [ -z "$summary" ]; then
    say "wrk gave no summary:"
    cat "$out/wrk.txt" >&2
    exit 1
fi
node - "$summary" "$rss_start" "$rss_end" "$alive" "$exit_code" "$writer" "$out" "$seconds" "$down" "$connections" \
    "$stopped_at" "$started_at" <<'NODE'
const [summaryText, rssStart, rssEnd, alive, exitCode, writer, out, seconds, down, connections, stoppedAt, startedAt] =
  process.argv.slice(2);
const fs = require('node:fs');
// When the server answered 503, from its log: while the database was away
// (from its stop until a few seconds after its start) any 503 is expected;
// outside that window a 503 may only be load shedding (every pooled
// connection busy past --pool-wait, or the statement timeout), never a
// failure to reach the database.
const inWindow = (t) => t >= Number(stoppedAt) - 0.5 && t <= Number(startedAt) + 5;
let outside503 = 0;
let shedOutside = 0;
let unreachableOutside = 0;
let firstOkAfter = null;
let accessLines = 0;
for (const line of fs.readFileSync(`${out}/server.log`, 'utf8').split('\n')) {
  if (!line.startsWith('ts=')) continue;
  const t = Date.parse(line.slice(3, line.indexOf(' '))) / 1000;
  if (line.includes('event=http.access')) {
    accessLines++;
    const status = Number(line.match(/ status=(\d+)/)[1]);
    if (status === 503 && !inWindow(t)) outside503++;
    else if (status === 200 && t > Number(startedAt) && firstOkAfter === null) firstOkAfter = t;
  } else if (/event=db\.(unavailable|query_failed)/.test(line) && !inWindow(t)) {
    if (/status=timeout/.test(line)) shedOutside++;
    else unreachableOutside++;
  }
}
const s = JSON.parse(summaryText);
const total = Object.values(s.statuses).reduce((a, b) => a + b, 0);
const ok = Object.entries(s.statuses).filter(([c]) => c < 400).reduce((a, [, n]) => a + n, 0);
const unavailable = s.statuses['503'] || 0;
const other = total - ok - unavailable;
const socketErrors = Object.values(s.socket_errors).reduce((a, b) => a + b, 0);
const checks = [];
const check = (ok, what) => checks.push([ok, what]);
check(alive === '1', 'the server was running at the end');
check(exitCode === '0', `it exited 0 on SIGTERM (exit ${exitCode})`);
check(other === 0, `only 2xx/3xx and 503 answers (${other} others)`);
check(socketErrors === 0, `no socket errors or timeouts (${socketErrors})`);
check(Number(rssEnd) < Number(rssStart) * 2 + 64 * 1024, `memory bounded: VmRSS ${rssStart} kB -> ${rssEnd} kB`);
check(unreachableOutside === 0,
  `a database failure only while it was away (${unreachableOutside} outside the outage); ${outside503} answers 503 outside it, load shed (${shedOutside} pool-busy or statement timeouts)`);
check(firstOkAfter !== null, `served again after the restart (${firstOkAfter === null ? 'never' : `${(firstOkAfter - startedAt).toFixed(2)} s after the database was up`})`);
check(accessLines >= s.requests, `an access-log line per request (${accessLines} lines; wrk made ${s.requests}, plus the warm-up and probes)`);
let writes = null;
if (writer === '1') {
  writes = JSON.parse(fs.readFileSync(`${out}/writes.json`, 'utf8'));
  check(writes.acknowledged_missing === 0, `every acknowledged write is in the database (${writes.acknowledged} acknowledged, ${writes.acknowledged_missing} missing)`);
  check(writes.unanswered === 0, `every write was answered (${writes.unanswered} without an answer)`);
  check(writes.failed_without_error === 0 && Object.keys(writes.refused_by_status).every((c) => c === '503'),
    `every failed write was told so: ${JSON.stringify(writes.refused_by_status)} (503 only; no 2xx other than 201)`);
  check(writes.stored_not_attempted === 0, `nothing stored that was not written (${writes.stored_not_attempted})`);
}
const lines = [
  `# Soak run`,
  ``,
  `- duration ${seconds} s, ${connections} connections (wrk, 2 threads, loopback), database stopped for ${down} s at half time`,
  `- requests: ${s.requests} (${(s.requests / s.seconds).toFixed(0)}/s)`,
  `- answers: ${Object.entries(s.statuses).map(([c, n]) => `${c}: ${n}`).join(', ')}`,
  `- socket errors: connect ${s.socket_errors.connect}, read ${s.socket_errors.read}, write ${s.socket_errors.write}, timeout ${s.socket_errors.timeout}`,
  `- latency ms: p50 ${s.latency_ms.p50}, p90 ${s.latency_ms.p90}, p99 ${s.latency_ms.p99}, max ${s.latency_ms.max}`,
  `- server VmRSS: ${rssStart} kB at start, ${rssEnd} kB at end`,
  writes
    ? `- writes (POST /api/events, 4 writers): ${writes.attempted} attempted, ${writes.acknowledged} acknowledged (201), ${writes.refused} refused ${JSON.stringify(writes.refused_by_status)} (of which stored anyway: ${writes.refused_present}), ${writes.unanswered} unanswered; acknowledged but missing: ${writes.acknowledged_missing}; write p99 ${writes.p99_ms} ms`
    : `- writes: none (no write API in this build)`,
  ``,
  ...checks.map(([ok, what]) => `- [${ok ? 'x' : ' '}] ${what}`),
  ``,
];
fs.writeFileSync(`${out}/report.md`, lines.join('\n'));
console.log(lines.join('\n'));
process.exit(checks.every(([ok]) => ok) ? 0 : 1);
NODE
