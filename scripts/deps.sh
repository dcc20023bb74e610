#!/usr/bin/env bash
# Install the Debian 12 packages parity needs to build, test and run.
#
# Usage: scripts/deps.sh [bench] [fuzz] [lint]
#   (no argument)  build + run + test dependencies
#   bench          also load-testing / comparison tools (wrk, nginx, pgbench,
#                  MapServer CGI, spawn-fcgi)
#   fuzz           also clang with the sanitizer/libFuzzer runtimes
#   lint           also clang-format (the style `make lint` checks)
#
# Idempotent: it asks dpkg which packages are missing and only then runs
# `apt-get update` once and installs exactly the missing ones. Prints one
# line: what it installed, or "deps: all present". When not root and
# something is missing it prints the apt-get command to run and exits 1.
# PARITY_SKIP_DEPS=1 skips every check (e.g. in the Docker builder, whose
# Dockerfile installs its own, smaller package set).
set -euo pipefail

if [ "${PARITY_SKIP_DEPS:-}" = 1 ]; then
  echo "deps: skipped (PARITY_SKIP_DEPS=1)"
  exit 0
fi

core=(
  build-essential pkg-config
  libgdal-dev gdal-bin libproj-dev proj-bin
  libmicrohttpd-dev libpq-dev libjson-c-dev zlib1g-dev libssl-dev libxxhash-dev
  postgresql-15 postgresql-15-postgis-3 postgresql-client-15
  fonts-dejavu-core curl ca-certificates procps
  util-linux # runuser, used by scripts/pg.sh when run as root
)
# pgbench ships in postgresql-15 on Debian 12; postgresql-contrib pulls the
# contrib modules (pg_stat_statements etc.) that benchmarks may use.
bench=(wrk nginx-light postgresql-contrib mapserver-bin cgi-mapserver spawn-fcgi)
fuzz=(clang libclang-rt-14-dev)
lint=(clang-format)

wanted=("${core[@]}")
for group in "$@"; do
  case "$group" in
    bench) wanted+=("${bench[@]}") ;;
    fuzz) wanted+=("${fuzz[@]}") ;;
    lint) wanted+=("${lint[@]}") ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "deps: unknown group '$group' (known: bench, fuzz, lint)" >&2; exit 2 ;;
  esac
done

installed() {
  # "ii" = wanted install, currently installed.
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2)" = "ii" ]
}

missing=()
for pkg in "${wanted[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

# Node.js may come from another source whose nodejs package already provides
# npm (and conflicts with Debian's npm package): only install Debian's pair
# when node or npm is really missing.
if ! { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }; then
  for pkg in nodejs npm; do
    installed "$pkg" || missing+=("$pkg")
  done
fi

# Chromium (headless screenshots / browser tests): any /usr/bin/chromium will do.
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "deps: all present"
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${missing[*]}" >&2
  echo "deps: run as root (e.g. with sudo):" >&2
  echo "  $cmd" >&2
  exit 1
fi

# Keep apt quiet; show its output only if it fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "deps: apt-get failed installing: ${missing[*]}" >&2
  exit 1
fi
echo "deps: installed ${missing[*]}"
