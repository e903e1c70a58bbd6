#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for tests and local clusters (Debian's postgresql package).
#   scripts/postgres-throwaway.sh start   # starts it if needed; prints an Npgsql connection string
#   scripts/postgres-throwaway.sh stop
# ORDERS_PG_PORT (default 55432) and ORDERS_PG_DIR (default /tmp/orders-pg-PORT) choose where.
# ORDERS_PG_OWNER_PID ties the server to a process (a test host, the bench): a watchdog stops the server and deletes
# its data once that process is gone, however it ended (a killed test host runs no clean-up code of its own).
set -euo pipefail
PORT=${ORDERS_PG_PORT:-55432}
DIR=${ORDERS_PG_DIR:-/tmp/orders-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "PostgreSQL is not installed; install it with: sudo apt-get install -y postgresql" >&2
  exit 3
fi
# initdb refuses to run as root; CI runs as root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url="Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"

case "${1:-start}" in
  start)
    if [ -n "${ORDERS_PG_OWNER_PID:-}" ] && ! kill -0 "$ORDERS_PG_OWNER_PID" 2>/dev/null; then
      echo "owner process $ORDERS_PG_OWNER_PID is not running" >&2
      exit 2
    fi
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    exec 9>"$DIR.lock"
    flock 9   # two test runs may ask at once
    if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      [ -f "$DIR/data/PG_VERSION" ] || as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1
      as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=400 -c shared_buffers=256MB" start \
        </dev/null >/dev/null 2>&1 9>&-   # the server must not inherit the lock or our stdout
    fi
    if [ -n "${ORDERS_PG_OWNER_PID:-}" ]; then
      # Detached (own session, no inherited descriptors), so it outlives whoever called this script.
      ORDERS_PG_PORT=$PORT ORDERS_PG_DIR=$DIR setsid bash -c \
        'tail --pid="$1" -f /dev/null; "$2" stop; rm -rf "$3" "$3.lock"' watchdog "$ORDERS_PG_OWNER_PID" "$(readlink -f "$0")" "$DIR" \
        </dev/null >/dev/null 2>&1 9>&- &
    fi
    echo "$url"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
