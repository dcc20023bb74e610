#!/bin/sh
# Loads the synthetic demo city (data/demo) into the database given as the
# first argument (a libpq conninfo), after migrating it. Used by `make run`
# and by the browser tests, so both see the same city.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
db=$1
parity=${PARITY_BIN:-$root/build/parity}
"$parity" --db "$db" db migrate
"$parity" --db "$db" import boundaries --quiet "$root/data/demo/neighborhoods.geojson"
