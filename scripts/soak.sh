#!/usr/bin/env bash
# Runs some specs many times in a row, to show they pass every time and not just once.
#   scripts/soak.sh [--runs N] [--busy] <test project> <filter>
#   scripts/soak.sh --runs 20 --busy tests/Gateway.Tests 'FullyQualifiedName~OutageSpecs'
# --busy keeps every core busy in another process for the whole soak (what a second build or a loaded CI machine
# does to timing). Builds once, then runs with --no-build; prints one line per run and the tally; exit 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=20
busy=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --busy) busy=1; shift ;;
    --) shift; break ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: $0 [--runs N] [--busy] <test project> <filter>" >&2
  exit 2
fi
project=$1
filter=$2
case "$runs" in ''|*[!0-9]*) echo "--runs must be a number, not '$runs'" >&2; exit 2 ;; esac

dotnet build "$project" -v q -nologo >/dev/null

burners=()
stop_burners() { for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_burners EXIT
if [ "$busy" = 1 ]; then
  for _ in $(seq 1 "$(nproc)"); do
    # Bounded: each burner ends by itself after two hours even if this script is killed.
    timeout 7200 bash -c 'while :; do :; done' &
    burners+=($!)
  done
fi

logs=$(mktemp -d /tmp/orders-soak-XXXXXX)
passed=0
failed=0
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  if dotnet test "$project" --no-build --filter "$filter" --logger "console;verbosity=normal" >"$logs/run-$run.log" 2>&1; then
    passed=$((passed + 1)); verdict=passed
  else
    failed=$((failed + 1)); verdict="FAILED (log: $logs/run-$run.log)"
  fi
  tally=$(grep -Eo 'Passed: +[0-9]+|Failed: +[0-9]+' "$logs/run-$run.log" | tr -s ' ' | paste -sd ' ' || true)
  printf 'run %2d/%d: %-8s %6.1f s  %s\n' "$run" "$runs" "$verdict" "$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')" "$tally"
done
echo "$passed of $runs runs passed$([ "$busy" = 1 ] && echo ", every core kept busy by another process")"
[ "$failed" = 0 ]
