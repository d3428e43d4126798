#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for trying the PostgreSQL ledger by hand (the tests start their own).
#   scripts/pg-test-cluster.sh start [DIR]   initdb into DIR (default: a new temp dir), start on a free port, print the URL
#   scripts/pg-test-cluster.sh stop DIR      stop it and delete DIR
# Under root the cluster runs as the postgres user (PostgreSQL refuses root). Needs scripts/install-deps.sh first.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "pg-test-cluster: PostgreSQL 15 is not installed ($bin/initdb missing): run bash scripts/install-deps.sh" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=${2:-$(mktemp -d /tmp/batchgen-pg-manual-XXXXXX)}
    mkdir -p "$dir"
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" -ne 0 ] || chown -R postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U batchgen --pwfile "$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$dir/pwfile"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
    as_owner "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/server.log" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" >/dev/null
    PGPASSWORD=$password "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U batchgen -d postgres -c "CREATE DATABASE batches;"
    echo "postgres://batchgen:$password@127.0.0.1:$port/batches"
    echo "pg-test-cluster: running in $dir; stop it with: scripts/pg-test-cluster.sh stop $dir" >&2
    ;;
  stop)
    dir=${2:?usage: pg-test-cluster.sh stop DIR}
    [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" stop -m fast -w -D "$dir/data" >/dev/null
    rm -rf "$dir"
    ;;
  *)
    echo "usage: scripts/pg-test-cluster.sh start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
