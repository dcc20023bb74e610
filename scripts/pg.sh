#!/usr/bin/env bash
# parity's own private PostgreSQL 15 + PostGIS clusters (no system service,
# no Docker).
#
# Usage: scripts/pg.sh start|stop|status|url|destroy NAME
#   start NAME    initdb if needed, start, create database "parity" with the
#                 postgis extension; idempotent. Last stdout line: conninfo.
#   stop NAME     fast shutdown; succeeds if it is not running.
#   status NAME   exit 0 if running, 3 if stopped, 4 if not initialized.
#   url NAME      print the libpq conninfo (the only stdout line).
#   destroy NAME  stop and delete the instance's data.
# NAME: letters, digits, '_' or '-' (e.g. run, test); instances are
# independent and can run at the same time.
#
# Layout (relative to the repository root):
#   var/pg/NAME/data   cluster data directory
#   var/pg/NAME/run    unix socket directory (mode 0755)
#   var/pg/NAME/log    server log
# When the server user cannot reach the repository (e.g. a checkout under a
# mode-0700 temporary directory while running as root) or the socket path
# would exceed the 107-byte limit of unix sockets, the instance lives in
# /tmp/parity-pg-<hash of repo path>/NAME instead and var/pg/NAME is a
# symlink to it.
#
# The server listens on its unix socket only (listen_addresses=''), so the
# port number only names the socket file: run=55432, test=55433, other names
# get a stable port from 55440 up. Authentication is "trust": the cluster is
# private to this checkout, has no TCP listener and is reachable only through
# its socket on this machine; never use this setup for real data.
#
# Only the conninfo goes to stdout; every human message goes to stderr.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SOCK_MAX=107

say() { echo "pg.sh: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '5,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -eq 2 ] || usage
CMD=$1
NAME=$2
case "$CMD" in start|stop|status|url|destroy) ;; *) usage ;; esac
[[ "$NAME" =~ ^[A-Za-z0-9_-]{1,32}$ ]] || die "bad instance name '$NAME' (letters, digits, _ or -, at most 32)"
[ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 server not found in $PGBIN (run scripts/deps.sh)"

case "$NAME" in
  run) PORT=55432 ;;
  test) PORT=55433 ;;
  *) PORT=$((55440 + $(printf %s "$NAME" | cksum | cut -d' ' -f1) % 1000)) ;;
esac

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1
HASH_INPUT=$ROOT
[ $IS_ROOT -eq 1 ] || HASH_INPUT="$ROOT:$(id -u)"
FALLBACK_PARENT=/tmp/parity-pg-$(printf %s "$HASH_INPUT" | sha256sum | cut -c1-8)
LINK=$ROOT/var/pg/$NAME

# OS user that runs initdb/pg_ctl/postgres: when root, the owner of an
# existing data directory, else "postgres" (initdb and pg_ctl refuse root).
SERVER_USER=
server_user() {
  if [ $IS_ROOT -eq 0 ]; then SERVER_USER=$(id -un); return; fi
  local owner=
  [ -d "$DATA" ] && owner=$(stat -c %U "$DATA")
  if [ -n "$owner" ] && [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then
    SERVER_USER=$owner
  else
    id -u postgres >/dev/null 2>&1 || die "no 'postgres' OS user to run the server as (install postgresql-15)"
    SERVER_USER=postgres
  fi
}

# Run a command as the server user, from / so an unreachable cwd is harmless.
as_pg() {
  if [ $IS_ROOT -eq 1 ]; then
    (cd / && exec runuser -u "$SERVER_USER" -- "$@")
  else
    "$@"
  fi
}

bytes() { printf %s "$1" | wc -c; }

# Why the repository-local directory can't be used ("" if it can).
local_problem() {
  local sock="$ROOT/var/pg/$NAME/run/.s.PGSQL.$PORT"
  if [ "$(bytes "$sock")" -gt $SOCK_MAX ]; then
    echo "socket path $sock would be $(bytes "$sock") bytes (limit $SOCK_MAX)"
  elif [ $IS_ROOT -eq 1 ] && id -u postgres >/dev/null 2>&1 &&
       ! (cd / && runuser -u postgres -- test -x "$ROOT"); then
    echo "user postgres cannot traverse the directories above $ROOT"
  fi
}

# Set BASE (physical path of the instance directory) and DATA/RUN/LOG.
# With create=1, make the directories (choosing the fallback if needed).
resolve() {
  local create=${1:-0} why
  if [ -L "$LINK" ]; then
    BASE=$(readlink -m "$LINK")
    if [ ! -d "$BASE" ] && [ "$create" = 1 ]; then
      make_fallback "$BASE"
    fi
  elif [ -d "$LINK" ]; then
    BASE=$(cd "$LINK" && pwd -P)
    why=$(local_problem)
    if [ -n "$why" ] && [ "$create" = 1 ]; then
      die "existing $LINK cannot be used: $why; remove it with: scripts/pg.sh destroy $NAME"
    fi
  else
    why=$(local_problem)
    if [ -n "$why" ]; then
      BASE=$FALLBACK_PARENT/$NAME
      if [ "$create" = 1 ]; then
        say "using $BASE for instance $NAME: $why"
        make_fallback "$BASE"
        mkdir_0755 "$ROOT/var"; mkdir_0755 "$ROOT/var/pg"
        ln -sfn "$BASE" "$LINK"
      fi
    else
      BASE=$LINK
      if [ "$create" = 1 ]; then
        mkdir_0755 "$ROOT/var"; mkdir_0755 "$ROOT/var/pg"; mkdir_0755 "$LINK"
        if [ $IS_ROOT -eq 1 ]; then
          chown postgres: "$LINK"
          if ! (cd / && runuser -u postgres -- test -w "$LINK"); then
            rmdir "$LINK"
            BASE=$FALLBACK_PARENT/$NAME
            say "using $BASE for instance $NAME: user postgres cannot write to $LINK"
            make_fallback "$BASE"
            ln -sfn "$BASE" "$LINK"
          fi
        fi
      fi
    fi
  fi
  DATA=$BASE/data
  RUN=$BASE/run
  LOG=$BASE/log
}

mkdir_0755() { [ -d "$1" ] || mkdir -m 0755 "$1"; }

# Create /tmp/parity-pg-<hash>/NAME owned by the server user, refusing a
# parent directory that someone else planted in /tmp.
make_fallback() {
  local dir=$1 parent
  parent=$(dirname "$dir")
  mkdir_0755 "$parent"
  if [ -L "$parent" ] || [ "$(stat -c %u "$parent")" != "$(id -u)" ]; then
    die "$parent is not a directory owned by $(id -un); remove it and retry"
  fi
  mkdir_0755 "$dir"
  [ $IS_ROOT -eq 1 ] && chown postgres: "$dir"
  return 0
}

# libpq conninfo value, quoted when needed.
cq() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:-]+$ ]]; then printf %s "$1"
  else local v=${1//\\/\\\\}; printf "'%s'" "${v//\'/\\\'}"; fi
}
conninfo() { echo "host=$(cq "$RUN") port=$PORT dbname=parity user=postgres"; }

pg_running() {
  [ -f "$DATA/PG_VERSION" ] || return 1
  as_pg "$PGBIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

# A postmaster.pid left by a crash whose PID now belongs to some other
# process makes pg_ctl believe the server runs; detect and drop it.
drop_stale_pid() {
  local pid
  [ -f "$DATA/postmaster.pid" ] || return 0
  pid=$(head -n1 "$DATA/postmaster.pid" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
    return 0
  fi
  say "removing stale $DATA/postmaster.pid (pid ${pid:-?} is not a postgres server)"
  rm -f "$DATA/postmaster.pid"
}

write_conf() {
  local sq_run=${RUN//\'/\'\'}
  {
    echo "# Written by scripts/pg.sh on every start; edits are overwritten."
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$sq_run'"
    echo "unix_socket_permissions = 0777"
    echo "port = $PORT"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
    if [ "$NAME" = test ]; then
      echo "# test instance: durability traded for speed"
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_pg tee "$DATA/parity.conf" >/dev/null
  grep -q "^include_if_exists = 'parity.conf'" "$DATA/postgresql.conf" ||
    echo "include_if_exists = 'parity.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

psql_q() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$PORT" -U postgres "$@"
}

cmd_start() {
  resolve 1
  server_user
  if [ ! -d "$RUN" ]; then
    as_pg mkdir -m 0755 "$RUN"
  fi
  as_pg chmod 0755 "$RUN"

  if [ ! -f "$DATA/PG_VERSION" ]; then
    local out nosync=()
    [ "$NAME" = test ] && nosync=(--no-sync)
    if ! out=$(as_pg "$PGBIN/initdb" -D "$DATA" --auth=trust -U postgres -E UTF8 \
                 --locale=C.UTF-8 "${nosync[@]}" 2>&1); then
      echo "$out" >&2
      die "initdb failed for instance $NAME"
    fi
    say "initialized instance $NAME in $DATA"
  fi

  drop_stale_pid
  if pg_running; then
    # Running, or still starting up / recovering: wait for it.
    if pg_isready -q -h "$RUN" -p "$PORT" -U postgres -d postgres -t 60; then
      say "instance $NAME already running"
      ensure_db
      conninfo
      return 0
    fi
  fi

  write_conf
  [ -e "$LOG" ] || as_pg touch "$LOG"
  local out
  if ! out=$(as_pg "$PGBIN/pg_ctl" start -D "$DATA" -l "$LOG" -w -t 60 -s 2>&1) ||
     ! pg_isready -q -h "$RUN" -p "$PORT" -U postgres -d postgres -t 30; then
    [ -z "$out" ] || echo "$out" >&2
    say "instance $NAME failed to start; end of $LOG:"
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
  say "instance $NAME started (socket $RUN, port $PORT)"
  ensure_db
  conninfo
}

ensure_db() {
  local have
  have=$(psql_q -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = 'parity'")
  if [ "$have" != 1 ]; then
    psql_q -d postgres -c "CREATE DATABASE parity" >/dev/null
    say "created database parity"
  fi
  psql_q -d parity -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

cmd_stop() {
  resolve 0
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "instance $NAME not running (not initialized)"
    return 0
  fi
  server_user
  if ! pg_running; then
    say "instance $NAME not running"
    return 0
  fi
  as_pg "$PGBIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >&2
  say "instance $NAME stopped"
}

cmd_status() {
  resolve 0
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "instance $NAME: not initialized ($BASE)"
    exit 4
  fi
  server_user
  if pg_running; then
    say "instance $NAME: running (pid $(head -n1 "$DATA/postmaster.pid")), $(conninfo)"
    exit 0
  fi
  say "instance $NAME: stopped ($DATA)"
  exit 3
}

cmd_url() {
  resolve 0
  conninfo
}

cmd_destroy() {
  resolve 0
  if [ -f "$DATA/PG_VERSION" ]; then
    server_user
    if pg_running; then
      as_pg "$PGBIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 -s >&2
    fi
  fi
  if [ -L "$LINK" ]; then
    rm -rf -- "$BASE"
    rm -f -- "$LINK"
    rmdir -- "$(dirname "$BASE")" 2>/dev/null || true
  else
    rm -rf -- "$LINK"
  fi
  say "instance $NAME destroyed"
}

"cmd_$CMD"
