#!/bin/sh
# Loads the synthetic demo city (data/demo) into the database given as the
# first argument (a libpq conninfo), after migrating it: the neighborhoods,
# then partners, programs, sites and events (in that order: each names rows
# of the one before), the need indicators and incidents, and the city's time
# zone. Used by `make run` and by the tests, so both see the same city.
# Loading again updates the rows instead of adding copies (sites, events and
# incidents are keyed by their file's name and their id; indicators replace
# their values).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
db=$1
parity=${PARITY_BIN:-$root/build/parity}
demo=$root/data/demo
"$parity" --db "$db" db migrate
"$parity" --db "$db" import boundaries --quiet "$demo/neighborhoods.geojson"
"$parity" --db "$db" import partners --quiet "$demo/partners.csv"
"$parity" --db "$db" import programs --quiet "$demo/programs.csv"
"$parity" --db "$db" import sites --quiet "$demo/sites.csv"
# Two events (E0976, E2009) lie outside the city on purpose: they are stored
# without a neighborhood and listed in the summary.
"$parity" --db "$db" import events --quiet "$demo/events.csv"
# Need: indicators per neighborhood (matched by nbhd_id) and incidents; the
# coverage analysis reads local dates in the city's time zone.
"$parity" --db "$db" import indicators --key id "$demo/indicators.csv"
"$parity" --db "$db" import incidents --quiet "$demo/incidents.csv"
"$parity" --db "$db" settings set time_zone America/Chicago
