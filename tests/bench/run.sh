#!/usr/bin/env bash
# `make bench`: parity side by side with the ceilings and a peer, on loopback,
# in one run over the same data and the same fixed list of tiles:
#   - parity with a warm cache vs nginx serving the identical tile bytes as
#     static files (fetched from parity once);
#   - parity with the cache off vs pgbench running the identical tile SQL as
#     prepared statements, at the same concurrency (and, for reference, with
#     as many connections as parity's pool has);
#   - parity vs MapServer 8 (FastCGI behind nginx) on the same PostGIS: MVT
#     tiles, and OGC API Features GeoJSON for the same tiles' bounding boxes,
#     with the same properties as parity's tiles (the coverage metrics,
#     computed once before the run: tile_properties.sql), and for reference
#     with id, name and population only (the comparison of earlier runs);
#   - 100 clients at once on one heavy uncached tile (errors, and how many
#     times PostgreSQL ran the query, from pg_stat_statements);
#   - parity's peak memory (VmHWM) with its configured cache size.
# Datasets: the demo city and ../shared/data/large/us-counties.geojson.
# Prints a table (also written to var/bench/last.md). Numbers are reported,
# never asserted.
#
# Each comparison runs BENCH_ROUNDS rounds, the two sides alternating; the
# report gives each server's median round and each ratio as the median of
# the round-by-round ratios (the machine may be shared: adjacent runs see
# the same outside load, so a burst of someone else's work does not decide
# a ratio), with the spread, and the server's CPU time per answer.
#
# Environment: BENCH_SECONDS (each measurement, default 4), BENCH_ROUNDS
# (default 5), BENCH_CONNECTIONS (default 16), BENCH_THREADS (wrk and
# pgbench threads, default 2), BENCH_POOL (parity's --pool-size, default 2
# per CPU: the database runs on this machine), BENCH_PER_ZOOM (tiles per zoom in the list,
# default 30), BENCH_CACHE_SIZE (default 64M), BENCH_KEEP=1 keeps the work
# directory, BENCH_PARTS (default "cache nocache stampede": the warm-cache
# comparisons, the cache-off ones with pgbench and MapServer, the 100-client
# stampede; name fewer for a focused run).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
here=tests/bench
bin=$root/build/parity
seconds=${BENCH_SECONDS:-4}
rounds=${BENCH_ROUNDS:-5}
conns=${BENCH_CONNECTIONS:-16}
pool=${BENCH_POOL:-$((2 * $(nproc)))}
threads=${BENCH_THREADS:-2}
per_zoom=${BENCH_PER_ZOOM:-30}
cache_size=${BENCH_CACHE_SIZE:-64M}
parts=" ${BENCH_PARTS:-cache nocache stampede} "
part() { [[ "$parts" == *" $1 "* ]]; }
shared=${PARITY_SHARED_DATA:-$root/../shared/data}
counties=$shared/large/us-counties.geojson
[ -f "$counties" ] || { echo "bench: $counties not found (set PARITY_SHARED_DATA)" >&2; exit 1; }
for tool in wrk nginx pgbench spawn-fcgi curl psql node; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing (run scripts/deps.sh bench)" >&2; exit 1; }
done
mapserv=$(command -v mapserv || true)
[ -x /usr/lib/cgi-bin/mapserv ] && mapserv=/usr/lib/cgi-bin/mapserv
[ -n "$mapserv" ] || { echo "bench: mapserv missing (run scripts/deps.sh bench)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/parity-bench.XXXXXX")
chmod 755 "$work"
results=$work/results.tsv
notes=$work/notes.tsv
: >"$results"
: >"$notes"
pids=()
nginx_pid_file=$work/nginx/nginx.pid
fcgi_pid_file=$work/mapserver/fcgi.pid

say() { echo "bench: $*" >&2; }

cleanup() {
    set +e
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    [ -f "$nginx_pid_file" ] && kill "$(cat "$nginx_pid_file")" 2>/dev/null
    if [ -f "$fcgi_pid_file" ]; then
        # MapServer's FastCGI processes do not all end on SIGTERM (a third
        # of them were found idle long after their run): ask, wait a
        # little, then make sure.
        mapfile -t fcgi_pids <"$fcgi_pid_file"
        kill "${fcgi_pids[@]}" 2>/dev/null
        for _ in $(seq 30); do
            kill -0 "${fcgi_pids[@]}" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "${fcgi_pids[@]}" 2>/dev/null
    fi
    scripts/pg.sh stop bench >/dev/null 2>&1
    if [ "${BENCH_KEEP:-}" = 1 ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ---- the database ----------------------------------------------------------

say "starting a fresh private PostgreSQL (instance bench) with pg_stat_statements"
scripts/pg.sh destroy bench >/dev/null 2>&1 || true
base=$(scripts/pg.sh start bench 2>/dev/null | tail -1)
psql "$base" -qXc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
scripts/pg.sh stop bench >/dev/null 2>&1
base=$(scripts/pg.sh start bench 2>/dev/null | tail -1)
dbof() { echo "${base/dbname=parity/dbname=$1}"; }

datasets=(demo counties)
for ds in "${datasets[@]}"; do
    psql "$base" -qXc "CREATE DATABASE bench_$ds"
done
say "loading the demo city and the 3,222 counties"
PARITY_BIN=$bin scripts/load-demo.sh "$(dbof bench_demo)" >/dev/null
"$bin" --db "$(dbof bench_counties)" db migrate >/dev/null
"$bin" --db "$(dbof bench_counties)" import boundaries --quiet "$counties" >/dev/null
psql "$(dbof bench_counties)" -qXc "CREATE EXTENSION pg_stat_statements"
for ds in "${datasets[@]}"; do
    psql "$(dbof "bench_$ds")" -qXc "VACUUM ANALYZE"
done
# The properties of parity's tiles for a request without filters, computed
# once (as the first tile of a map view computes them) and copied into
# typed columns, so MapServer serves the same layer.
declare -A ms_items
for ds in "${datasets[@]}"; do
    ms_items[$ds]=$(psql "$(dbof "bench_$ds")" -qXAt -v ON_ERROR_STOP=1 -f "$here/tile_properties.sql")
    say "$ds: MapServer serves $(tr ',' '\n' <<<"${ms_items[$ds]}" | wc -l) properties, as parity's tiles"
done

# ---- the tile lists --------------------------------------------------------

for ds in "${datasets[@]}"; do
    d=$work/$ds
    mkdir -p "$d/static"
    psql "$(dbof "bench_$ds")" -qXAt -F $'\t' -v zmin=8 -v zmax=16 -v per_zoom="$per_zoom" \
        -f "$here/tiles.sql" >"$d/tiles.tsv"
    awk -F'\t' '{printf "/tiles/neighborhoods/%d/%d/%d.geojson\n", $1, $2, $3}' "$d/tiles.tsv" >"$d/geojson.txt"
    awk -F'\t' '{printf "/tiles/neighborhoods/%d/%d/%d.mvt\n", $1, $2, $3}' "$d/tiles.tsv" >"$d/mvt.txt"
    for layer in neighborhoods neighborhoods_basic; do
        awk -F'\t' -v m="$ds" -v l="$layer" '{printf "/mapserv?map=%s&mode=tile&tilemode=gmap&tile=%d+%d+%d&layers=%s&map.imagetype=mvt\n", m, $2, $3, $1, l}' \
            "$d/tiles.tsv" >"$d/ms-mvt-$layer.txt"
        awk -F'\t' -v m="$ds" -v l="$layer" '{printf "/mapserv/%s/ogcapi/collections/%s/items?f=json&limit=100000&bbox=%.9f,%.9f,%.9f,%.9f\n", m, l, $5, $6, $7, $8}' \
            "$d/tiles.tsv" >"$d/ms-ogc-$layer.txt"
    done
    node "$here/pgbench-script.mjs" "$d/tiles.tsv" sql/queries/tile_neighborhoods.sql 20000 >"$d/pgb-geojson.sql"
    node "$here/pgbench-script.mjs" "$d/tiles.tsv" sql/queries/tile_neighborhoods_mvt.sql 20000 >"$d/pgb-mvt.sql"
    say "$ds: $(wc -l <"$d/tiles.tsv") tiles, zooms 8-16"
done

# ---- MapServer (FastCGI) and nginx -----------------------------------------

ms_port=$(free_port)
fcgi_port=$(free_port)
static_port_demo=$(free_port)
static_port_counties=$(free_port)
mkdir -p "$work/mapserver" "$work/nginx"
{
    echo "CONFIG"
    echo "  ENV"
    echo "    MS_MAP_NO_PATH \"1\""
    echo "  END"
    echo "  MAPS"
    for ds in "${datasets[@]}"; do echo "    $ds \"$work/mapserver/$ds.map\""; done
    echo "  END"
    echo "END"
} >"$work/mapserver/mapserver.conf"
for ds in "${datasets[@]}"; do
    sed -e "s|@NAME@|$ds|g" -e "s|@CONNECTION@|$(dbof "bench_$ds")|g" -e "s|@PORT@|$ms_port|g" \
        -e "s|@ITEMS@|${ms_items[$ds]}|g" "$here/mapserver.map.in" >"$work/mapserver/$ds.map"
done
MAPSERVER_CONFIG_FILE=$work/mapserver/mapserver.conf \
    spawn-fcgi -a 127.0.0.1 -p "$fcgi_port" -F "$pool" -P "$fcgi_pid_file" -- "$mapserv" >/dev/null

sed -e "s|@WORK@|$work|g" -e "s|@MS_PORT@|$ms_port|g" -e "s|@FCGI_PORT@|$fcgi_port|g" \
    -e "s|@STATIC_DEMO@|$static_port_demo|g" -e "s|@STATIC_COUNTIES@|$static_port_counties|g" \
    "$here/nginx.conf.in" >"$work/nginx/nginx.conf"
nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf"

# ---- parity ----------------------------------------------------------------

# Which side of a comparison goes first in a round: parity in odd rounds,
# the reference in even ones, so neither always runs on the heels of the
# other (or of MapServer's 16 processes) and a drift of the machine's speed
# within a round falls on both sides alike.
sides() { # round
    if [ $(($1 % 2)) -eq 1 ]; then echo "parity reference"; else echo "reference parity"; fi
}

parity_pid=
parity_url=
start_parity() { # db cache_size log
    local port
    port=$(free_port)
    "$bin" --db "$1" serve --listen "127.0.0.1:$port" --web-root "$root/build/web" \
        --cache-size "$2" --pool-size "$pool" --pool-reserve 0 --statement-timeout 60000 \
        --cache-control "public, max-age=60" 2>>"$3" &
    parity_pid=$!
    pids+=("$parity_pid")
    parity_url=http://127.0.0.1:$port
    for _ in $(seq 100); do
        curl -sf "$parity_url/healthz" >/dev/null && return 0
        sleep 0.1
    done
    say "parity did not start; see $3"
    exit 1
}
stop_parity() { # prints the peak RSS in kB
    local hwm
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$parity_pid/status")
    kill "$parity_pid"
    wait "$parity_pid" 2>/dev/null || true
    echo "$hwm"
}

# ---- measurements ----------------------------------------------------------

# One line per measured round: dataset name format round requests/s p50_ms
# p99_ms errors bytes_per_answer cpu_us_per_request.
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
}
# One line per observation that is not a rate: dataset what text.
note() {
    printf '%s\t%s\t%s\n' "$@" >>"$notes"
}
ms() { awk -v v="$1" 'BEGIN {printf "%.2f", v / 1000}'; }

# CPU time (user + system, clock ticks) of the processes listed in $account
# (the server measured): on a shared machine, the server's CPU per request
# is steadier than its rate.
account=
cpu_ticks() {
    local total=0 pid t
    for pid in $account; do
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}
nginx_workers() { pgrep -P "$(cat "$nginx_pid_file")" | tr '\n' ' '; }

measure_wrk() { # dataset name format round base_url list [header]
    local out line before after
    before=$(cpu_ticks)
    out=$(WRK_THREADS=$threads wrk -t "$threads" -c "$conns" -d "${seconds}s" --timeout 60s -s "$here/paths.lua" \
        "$5" -- "$6" ${7:+"$7"} 2>&1) || { say "wrk failed: $out"; return 1; }
    after=$(cpu_ticks)
    line=$(grep '^RESULT' <<<"$out")
    local requests duration_us bytes errors non2xx p50_us p90_us p99_us
    eval "${line#RESULT }"
    record "$1" "$2" "$3" "$4" \
        "$(awk -v r="$requests" -v d="$duration_us" 'BEGIN {printf "%.0f", r / (d / 1e6)}')" \
        "$(ms "$p50_us")" "$(ms "$p99_us")" "$((errors + non2xx))" \
        "$(awk -v b="$bytes" -v r="$requests" 'BEGIN {printf "%.0f", r ? b / r : 0}')" \
        "$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v r="$requests" \
            'BEGIN {if (r && t > 0) printf "%.1f", t / hz * 1e6 / r}')"
    say "$1 round $4: $2 $3: $(tail -1 "$results" | cut -f5) req/s"
}

measure_pgbench() { # dataset name format round db script clients
    local dir=$work/pgbench-$1-$3-$4-$7 out tps failed
    mkdir -p "$dir"
    out=$(cd "$dir" && pgbench -n -M prepared -c "$7" -j "$threads" -T "$seconds" -l \
        -f "$6" "$5" 2>&1) || { say "pgbench failed: $out"; return 1; }
    tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
    failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
    # Per-transaction log lines: client, transaction, latency (us), ...
    cat "$dir"/pgbench_log.* | awk '{print $3}' | sort -n >"$dir/latency"
    local n p50 p99
    n=$(wc -l <"$dir/latency")
    p50=$(sed -n "$(((n + 1) / 2))p" "$dir/latency")
    p99=$(sed -n "$(((n * 99 + 99) / 100))p" "$dir/latency")
    record "$1" "$2" "$3" "$4" "$(printf '%.0f' "$tps")" "$(ms "$p50")" "$(ms "$p99")" \
        "${failed:-0}" "" ""
    say "$1 round $4: $2 $3: $(printf '%.0f' "$tps") tx/s"
}

machine() {
    echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
    echo "- PostgreSQL $(psql "$base" -XAtc 'SHOW server_version'), PostGIS $(psql "$(dbof bench_demo)" -XAtc 'SELECT postgis_lib_version()'), $(nginx -v 2>&1 | sed 's/.*: //'), MapServer $("$mapserv" -v | sed -n 's/^MapServer version \([^ ]*\).*/\1/p'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- each measurement ${seconds} s, $rounds rounds alternating the two sides of each comparison, parity first in odd rounds and second in even ones (medians of round-by-round ratios reported), $conns connections, $threads client threads, loopback only (127.0.0.1); parity --pool-size $pool --pool-reserve 0 (2 connections per CPU of the machine the database runs on; no writes during the bench, so every connection may serve tiles; requests past the pool wait in line in parity, holding no thread), cache $cache_size; pgbench with $conns clients (the same concurrency) and, for reference, with $pool (as many connections as parity's pool); MapServer: $pool FastCGI processes (spawn-fcgi; as many database connections as parity's pool) behind nginx, PostGIS connection kept (CLOSE_CONNECTION=DEFER); nginx: 2 workers, sendfile, open_file_cache, no access log (parity logs every request)"
}
machine >"$work/machine.md"

for ds in "${datasets[@]}"; do
    d=$work/$ds
    db=$(dbof "bench_$ds")
    static_url=http://127.0.0.1:$static_port_demo
    [ "$ds" = counties ] && static_url=http://127.0.0.1:$static_port_counties

    if part cache; then
        say "$ds: parity with the cache on ($cache_size); warming it and saving the bytes for nginx"
        start_parity "$db" "$cache_size" "$work/parity-$ds-cached.log"
        : >"$d/curl.cfg"
        for f in geojson mvt; do
            while read -r p; do
                printf 'url = "%s%s"\noutput = "%s/static%s"\n' "$parity_url" "$p" "$d" "$p" >>"$d/curl.cfg"
            done <"$d/$f.txt"
        done
        curl -sS -f --create-dirs -K "$d/curl.cfg"
        chmod -R a+rX "$d/static"
        for round in $(seq "$rounds"); do
            for f in geojson mvt; do
                for side in $(sides "$round"); do
                    if [ "$side" = parity ]; then
                        account=$parity_pid
                        measure_wrk "$ds" "parity, warm cache" "$f" "$round" "$parity_url" "$d/$f.txt"
                    else
                        account=$(nginx_workers)
                        measure_wrk "$ds" "nginx, static files" "$f" "$round" "$static_url" "$d/$f.txt"
                    fi
                done
            done
        done
        account=$parity_pid
        measure_wrk "$ds" "parity, warm cache, gzip" geojson 1 "$parity_url" "$d/geojson.txt" "Accept-Encoding: gzip"
        hwm=$(stop_parity)
        note "$ds" "parity peak RSS (VmHWM), cache $cache_size" \
            "$((hwm / 1024)) MiB after every run with the cache on; the tiles of the list take $(du -sh "$d/static" | cut -f1) on disk"
    fi

    part nocache || continue
    say "$ds: parity with the cache off"
    start_parity "$db" 0 "$work/parity-$ds-nocache.log"
    # Warm up as a running server is: its pool's connections open and their
    # statements prepared, the window's metrics computed (pgbench gets the
    # metrics this computes; its fresh backends each round are its own).
    for f in geojson mvt; do
        WRK_THREADS=$threads wrk -t "$threads" -c "$conns" -d 2s -s "$here/paths.lua" \
            "$parity_url" -- "$d/$f.txt" >/dev/null 2>&1
    done
    for round in $(seq "$rounds"); do
        for f in geojson mvt; do
            # pgbench at parity's pool's concurrency first in odd rounds and
            # last in even ones: parity is always next to the comparison
            # that holds the goal.
            [ $((round % 2)) -eq 1 ] &&
                measure_pgbench "$ds" "pgbench, same SQL, parity's pool concurrency" "$f" "$round" "$db" "$d/pgb-$f.sql" "$pool"
            for side in $(sides "$round"); do
                if [ "$side" = parity ]; then
                    account=$parity_pid
                    measure_wrk "$ds" "parity, cache off" "$f" "$round" "$parity_url" "$d/$f.txt"
                else
                    measure_pgbench "$ds" "pgbench, same SQL" "$f" "$round" "$db" "$d/pgb-$f.sql" "$conns"
                fi
            done
            [ $((round % 2)) -eq 0 ] &&
                measure_pgbench "$ds" "pgbench, same SQL, parity's pool concurrency" "$f" "$round" "$db" "$d/pgb-$f.sql" "$pool"
        done
        account="$(tr '\n' ' ' <"$fcgi_pid_file")"
        measure_wrk "$ds" "MapServer 8, MVT, same properties" mvt "$round" "http://127.0.0.1:$ms_port" "$d/ms-mvt-neighborhoods.txt"
        measure_wrk "$ds" "MapServer 8, OGC API Features, same properties" geojson "$round" "http://127.0.0.1:$ms_port" "$d/ms-ogc-neighborhoods.txt"
        measure_wrk "$ds" "MapServer 8, MVT, 3 fields (reference)" mvt "$round" "http://127.0.0.1:$ms_port" "$d/ms-mvt-neighborhoods_basic.txt"
        measure_wrk "$ds" "MapServer 8, OGC API Features, 3 fields (reference)" geojson "$round" "http://127.0.0.1:$ms_port" "$d/ms-ogc-neighborhoods_basic.txt"
    done
    waits=$(grep -c 'cache=wait' "$work/parity-$ds-nocache.log" || true)
    total=$(grep -c 'event=http.access' "$work/parity-$ds-nocache.log" || true)
    note "$ds" "parity, cache off: shared fills" \
        "$waits of $total answers shared a concurrent request's query (single-flight stays on with the cache off)"
    hwm=$(stop_parity)
    note "$ds" "parity peak RSS (VmHWM), cache off" "$((hwm / 1024)) MiB"
done

# ---- 100 clients on one heavy uncached tile --------------------------------

heavy=/tiles/neighborhoods/4/4/6.geojson
db=$(dbof bench_counties)
for size in "$cache_size" 0; do
    part stampede || break
    say "100 clients at once on $heavy (counties), cache $size"
    start_parity "$db" "$size" "$work/parity-stampede-$size.log"
    psql "$db" -qXAtc "SELECT pg_stat_statements_reset()" >/dev/null
    out=$(wrk -t "$threads" -c 100 -d 5s --timeout 60s -s "$here/stampede.lua" "$parity_url$heavy" 2>&1)
    line=$(grep '^RESULT' <<<"$out")
    eval "${line#RESULT }"
    calls=$(psql "$db" -XAtc "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '-- tile_neighborhoods:%'")
    hwm=$(stop_parity)
    note counties "100 clients at once on one heavy uncached tile ($heavy), cache $size" \
        "$requests answers in 5 s ($(awk -v r="$requests" 'BEGIN {printf "%.0f", r / 5}')/s), $((errors + non2xx)) errors, p50 $(ms "$p50_us") ms, p99 $(ms "$p99_us") ms; X-Parity-Cache: $miss miss, $wait wait, $hit hit; PostgreSQL ran the tile query $calls times (pg_stat_statements); VmHWM $((hwm / 1024)) MiB"
done

mkdir -p var/bench
node "$here/report.mjs" "$results" "$notes" "$work/machine.md" | tee var/bench/last.md
