#!/bin/sh
# Build the browser front end into OUTDIR:
#   OUTDIR/index.html, style.css, favicon.svg, ol.css, app.js (+ app.js.map)
# Usage: web/build.sh OUTDIR   (OUTDIR relative to the caller's directory)
# Installs web/node_modules with `npm ci` first when it is missing or older
# than package-lock.json. Exits non-zero on any failure.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi

mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
WEB=$(cd "$(dirname "$0")" && pwd)
cd "$WEB"

# npm ci leaves this stamp behind; it is newer than package-lock.json unless
# the lock file changed since the last install.
STAMP=node_modules/.parity-installed
if [ ! -d node_modules ] || [ ! -f "$STAMP" ] || [ package-lock.json -nt "$STAMP" ]; then
  echo "web: npm ci" >&2
  npm ci --no-audit --no-fund
  touch "$STAMP"
fi

./node_modules/.bin/esbuild src/main.js \
  --bundle \
  --format=iife \
  --target=es2020 \
  --minify \
  --sourcemap \
  --legal-comments=linked \
  --log-level=warning \
  --outfile="$OUTDIR/app.js"

# The server's Content-Security-Policy forbids eval and the Function
# constructor; make sure no dependency brought them in.
if grep -Eq '(^|[^A-Za-z0-9_$.])(eval\(|new Function\()' "$OUTDIR/app.js"; then
  echo "web: $OUTDIR/app.js uses eval or new Function, which the CSP forbids" >&2
  exit 1
fi

cp index.html style.css favicon.svg "$OUTDIR/"
cp node_modules/ol/ol.css "$OUTDIR/ol.css"
echo "web: built $OUTDIR" >&2
