#!/usr/bin/env bash
# A local 3-node order cluster on one machine, sharing a throwaway PostgreSQL.
#   scripts/cluster.sh start    # nodes 1-3: gRPC 127.0.0.1:5181-5183, REST 5281-5283, remoting 4051-4053
#   scripts/cluster.sh stop     # SIGTERM: each node leaves the cluster and hands its shards off
#   scripts/cluster.sh status
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${ORDERS_CLUSTER_DIR:-/tmp/orders-cluster}
DLL=src/Gateway/bin/Release/net10.0/Orders.Gateway.dll
SEEDS=("akka.tcp://orders@127.0.0.1:4051" "akka.tcp://orders@127.0.0.1:4052")

start() {
  mkdir -p "$RUN"
  dotnet build -c Release src/Gateway -v quiet -nologo >/dev/null
  local admin db
  admin=$(scripts/postgres-throwaway.sh start)
  db="${admin/Database=postgres/Database=orders_cluster}"
  psql "host=127.0.0.1 port=${ORDERS_PG_PORT:-55432} user=postgres dbname=postgres" -qtc \
    "SELECT 1 FROM pg_database WHERE datname='orders_cluster'" | grep -q 1 \
    || psql "host=127.0.0.1 port=${ORDERS_PG_PORT:-55432} user=postgres dbname=postgres" -qc "CREATE DATABASE orders_cluster"
  for n in 1 2 3; do
    if [ -f "$RUN/node$n.pid" ] && kill -0 "$(cat "$RUN/node$n.pid")" 2>/dev/null; then echo "node $n already running"; continue; fi
    nohup dotnet "$DLL" --contentRoot "$PWD/$(dirname "$DLL")" --Gateway:GrpcPort=518$n --Gateway:HttpPort=528$n \
      --Orders:Node:Port=405$n "--Orders:Node:SeedNodes:0=${SEEDS[0]}" "--Orders:Node:SeedNodes:1=${SEEDS[1]}" \
      --Orders:Persistence:Provider=PostgreSql "--Orders:Persistence:ConnectionString=$db" \
      >"$RUN/node$n.log" 2>&1 &
    echo $! >"$RUN/node$n.pid"
  done
  for n in 1 2 3; do
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:528$n/health/ready" >/dev/null && break
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:528$n/health/ready" >/dev/null \
      && echo "node $n ready: gRPC http://127.0.0.1:518$n  REST http://127.0.0.1:528$n  (log $RUN/node$n.log)" \
      || { echo "node $n did not become ready; see $RUN/node$n.log" >&2; exit 1; }
  done
}

stop() {
  for n in 3 2 1; do
    [ -f "$RUN/node$n.pid" ] || continue
    pid=$(cat "$RUN/node$n.pid")
    if kill -TERM "$pid" 2>/dev/null; then
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      echo "node $n stopped"
    fi
    rm -f "$RUN/node$n.pid"
  done
}

status() {
  for n in 1 2 3; do
    if curl -sf "http://127.0.0.1:528$n/health/ready" 2>/dev/null; then echo; else echo "node $n: not ready"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
