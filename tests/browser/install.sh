#!/bin/sh
# Install the browser tests' dependencies (playwright-core, pinned) into
# tests/browser/node_modules with `npm ci`, only when they are missing or
# older than package-lock.json. No browser is downloaded: the tests drive
# Debian's /usr/bin/chromium.
set -eu
cd "$(dirname "$0")"
STAMP=node_modules/.parity-installed
if [ ! -d node_modules ] || [ ! -f "$STAMP" ] || [ package-lock.json -nt "$STAMP" ]; then
  echo "tests/browser: npm ci" >&2
  npm ci --no-audit --no-fund
  touch "$STAMP"
fi
