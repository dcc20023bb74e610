#!/bin/sh
# `make run`: starts the private PostgreSQL + PostGIS (instance "run"),
# migrates, loads the demo city and serves the map on http://127.0.0.1:8080
# (PARITY_LISTEN overrides). Ctrl-C stops the server; the database keeps
# running for the next start (`make db-stop` stops it).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
db=$(scripts/pg.sh start run | tail -1)
scripts/load-demo.sh "$db"
listen=${PARITY_LISTEN:-127.0.0.1:8080}
echo "parity: open http://$listen/ (Ctrl-C stops)"
exec build/parity --db "$db" serve --listen "$listen" --web-root build/web
