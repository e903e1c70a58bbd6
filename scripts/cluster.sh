#!/usr/bin/env bash
# A local 3-node order cluster on one machine, sharing a throwaway PostgreSQL and one provider simulator.
#   scripts/cluster.sh start    # nodes 1-3: gRPC 127.0.0.1:5181-5183, REST 5281-5283, remoting 4051-4053
#                               # provider simulator (payment, warehouse, email, analytics): http://127.0.0.1:5390
#   scripts/cluster.sh stop     # SIGTERM: each node leaves the cluster and hands its shards off
#   scripts/cluster.sh status
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${ORDERS_CLUSTER_DIR:-/tmp/orders-cluster}
DLL=src/Gateway/bin/Release/net10.0/Orders.Gateway.dll
SEEDS=("akka.tcp://orders@127.0.0.1:4051" "akka.tcp://orders@127.0.0.1:4052")
SIMULATOR=http://127.0.0.1:5390

start() {
  mkdir -p "$RUN"
  dotnet build -c Release src/Gateway -v quiet -nologo >/dev/null
  local admin db
  admin=$(scripts/postgres-throwaway.sh start)
  db="${admin/Database=postgres/Database=orders_cluster}"
  psql "host=127.0.0.1 port=${ORDERS_PG_PORT:-55432} user=postgres dbname=postgres" -qtc \
    "SELECT 1 FROM pg_database WHERE datname='orders_cluster'" | grep -q 1 \
    || psql "host=127.0.0.1 port=${ORDERS_PG_PORT:-55432} user=postgres dbname=postgres" -qc "CREATE DATABASE orders_cluster"
  # The outside world is shared, as a real payment processor is: idempotency keys hold whichever node calls.
  if ! { [ -f "$RUN/simulator.pid" ] && kill -0 "$(cat "$RUN/simulator.pid")" 2>/dev/null; }; then
    nohup dotnet "$DLL" simulate-providers --contentRoot "$PWD/$(dirname "$DLL")" --Simulator:Port=5390 \
      --Simulator:Profile="${ORDERS_SIMULATION_PROFILE:-seed}" >"$RUN/simulator.log" 2>&1 &
    echo $! >"$RUN/simulator.pid"
  fi
  for n in 1 2 3; do
    if [ -f "$RUN/node$n.pid" ] && kill -0 "$(cat "$RUN/node$n.pid")" 2>/dev/null; then echo "node $n already running"; continue; fi
    nohup dotnet "$DLL" --contentRoot "$PWD/$(dirname "$DLL")" --Gateway:GrpcPort=518$n --Gateway:HttpPort=528$n \
      --Orders:Node:Port=405$n "--Orders:Node:SeedNodes:0=${SEEDS[0]}" "--Orders:Node:SeedNodes:1=${SEEDS[1]}" \
      --Orders:Persistence:Provider=PostgreSql "--Orders:Persistence:ConnectionString=$db" \
      --Orders:ProviderSimulatorUrl=$SIMULATOR --Orders:SimulationProfile="${ORDERS_SIMULATION_PROFILE:-seed}" \
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
  for name in node3 node2 node1 simulator; do
    [ -f "$RUN/$name.pid" ] || continue
    pid=$(cat "$RUN/$name.pid")
    if kill -TERM "$pid" 2>/dev/null; then
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      echo "$name stopped"
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  curl -sf "$SIMULATOR/ledger" && echo " (provider simulator ledger)" || echo "provider simulator: not running"
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
