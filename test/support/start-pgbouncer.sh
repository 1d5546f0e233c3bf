#!/usr/bin/env bash
# Starts a throwaway PgBouncer in transaction pooling mode in front of a
# PostgreSQL server, for the tests that must prove the runtime works behind
# one. Everything it writes (config, log, pid) lives in a new temp dir.
#
# Usage: start-pgbouncer.sh [UPSTREAM_URL]
#   UPSTREAM_URL defaults to postgres://postgres@127.0.0.1:5432/test.
#   PGBOUNCER_PORT picks the listen port (default: the first free one from
#   6432 up).
#
# Prints shell assignments for `eval`:
#   PGBOUNCER_URL=postgres://USER@127.0.0.1:PORT/DATABASE
#   PGBOUNCER_PID=<pid>   stop it with: kill "$PGBOUNCER_PID"
#   PGBOUNCER_DIR=<dir>   its config and log; remove it after stopping
set -euo pipefail

upstream="${1:-postgres://postgres@127.0.0.1:5432/test}"

# postgres://user[:password]@host:port/database, the only shape we need.
pattern='^postgres(ql)?://([^:@/]+)(:([^@/]*))?@([^:/]+):([0-9]+)/([^?]+)'
if [[ ! "$upstream" =~ $pattern ]]; then
  echo "start-pgbouncer.sh: cannot read the upstream URL." >&2
  exit 2
fi
user="${BASH_REMATCH[2]}"
password="${BASH_REMATCH[4]}"
host="${BASH_REMATCH[5]}"
upstream_port="${BASH_REMATCH[6]}"
database="${BASH_REMATCH[7]}"

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port="${PGBOUNCER_PORT:-}"
if [[ -z "$port" ]]; then
  for candidate in $(seq 6432 6532); do
    if ! port_in_use "$candidate"; then
      port="$candidate"
      break
    fi
  done
fi
if [[ -z "$port" ]]; then
  echo "start-pgbouncer.sh: no free port between 6432 and 6532." >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/pgbouncer.XXXXXX")"

# `*` routes every database name to the upstream server, so databases the
# tests create on the fly are reachable without editing this file.
# auth_type = any ignores the client's user name and logs in to the server
# as the user written here, which suits a trust-auth (or fixed password)
# test server and needs no auth_file.
connection="host=$host port=$upstream_port user=$user"
if [[ -n "$password" ]]; then
  connection="$connection password=$password"
fi
cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = $connection

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = any
pool_mode = transaction
; A pool per database; the shared server allows 100 connections in all.
default_pool_size = 5
max_db_connections = 5
max_client_conn = 1000
; node-postgres sends none of these today; listed so a driver that does
; is not refused at startup.
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF

# PgBouncer refuses to run as root: hand it to the postgres user then.
run_as=()
if [[ "$(id -u)" == "0" ]]; then
  chown -R postgres "$dir"
  run_as=(-u postgres)
fi
pgbouncer -d -q "${run_as[@]}" "$dir/pgbouncer.ini"

for _ in $(seq 1 50); do
  if [[ -s "$dir/pgbouncer.pid" ]] && port_in_use "$port"; then
    break
  fi
  sleep 0.1
done
if ! port_in_use "$port"; then
  echo "start-pgbouncer.sh: PgBouncer did not start; its log:" >&2
  cat "$dir/pgbouncer.log" >&2 || true
  exit 1
fi

echo "PGBOUNCER_URL=postgres://$user@127.0.0.1:$port/$database"
echo "PGBOUNCER_PID=$(cat "$dir/pgbouncer.pid")"
echo "PGBOUNCER_DIR=$dir"
