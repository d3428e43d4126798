#!/usr/bin/env bash
# Fleet throughput: one batch run by 1, 2 and 4 `batchgen run --ledger postgres://...` workers at once against one
# simulator with generous limits (no rate or concurrency limits, 0.01 time scale). Prints jobs/s, claims/s and ledger
# events/s on PostgreSQL per worker count, and writes benchmarks/results/fleet-workers.md. Needs artifacts/bin/batchgen
# (make build) and PostgreSQL 15 (scripts/install-deps.sh). Starts a throwaway cluster in /tmp and a simulator; both
# are stopped at the end, whatever happens.
set -euo pipefail
JOBS=${JOBS:-200}
WORKERS=${WORKERS:-"1 2 4"}
BIN=${BIN:-$PWD/artifacts/bin/batchgen}
PGBIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/batchgen-bench-workers-XXXXXX)
chmod 755 "$work"
sim_pid=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  [ -f "$work/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
[ -x "$BIN" ] || { echo "bench-workers: $BIN missing (make build)"; exit 2; }
[ -x "$PGBIN/initdb" ] || { echo "bench-workers: PostgreSQL 15 missing (bash scripts/install-deps.sh)"; exit 2; }

# A throwaway cluster on a free port of 127.0.0.1 (trust auth: loopback only, deleted at the end).
mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$PGBIN/initdb" -D "$work/pg" -U batchgen --auth=trust >/dev/null
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 30000))
  if as_pg "$PGBIN/pg_ctl" -D "$work/pg" -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$work/pg -c max_connections=200" -l "$work/pg/server.log" -w start >/dev/null 2>&1; then
    break
  fi
done
as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U batchgen -d postgres -qc "CREATE DATABASE bench;" >/dev/null
url="postgres://batchgen@127.0.0.1:$port/bench"
psql_q() { as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U batchgen -d bench -Atqc "$1"; }

# The simulator: five providers, realistic latencies scaled by 0.01, no limits.
"$BIN" sim --port 0 --time-scale 0.01 --seed 5 >"$work/sim.log" 2>&1 &
sim_pid=$!
for i in $(seq 1 100); do grep -q "listening on" "$work/sim.log" && break; sleep 0.2; done
sim=$(grep -o 'listening on http://[^ ]*' "$work/sim.log" | head -1 | sed 's/listening on //; s#/$##')
{
  echo "providers:"
  for p in magnific gmicloud aimlapi pixwith segmind; do
    printf '  %s:\n    base_url: %s/%s\n    concurrency: 16\n    rate_limit: 400/s\n    nominal_latency_seconds: 0.6\n    poll_interval_seconds: 0.1\n    max_poll_interval_seconds: 0.3\n' "$p" "$sim" "$p"
  done
} >"$work/providers.yaml"
seeds=$(( (JOBS + 4) / 5 ))
{
  echo "version: 1"; echo "name: benchfleet"
  echo "defaults: {prompt: \"a cat surfing, take {take}\", image_url: https://example.com/cat.png, duration: 5, resolution: 540p}"
  echo "matrix:"; echo "  provider: [magnific, gmicloud, aimlapi, pixwith, segmind]"
  echo "  take: [$(seq -s, 1 "$seeds")]"
} >"$work/manifest.yaml"

export MAGNIFIC_API_KEY=bench GMICLOUD_API_KEY=bench AIMLAPI_API_KEY=bench PIXWITH_API_KEY=bench SEGMIND_API_KEY=bench
results="| workers | jobs | wall s | jobs/s | claims/s | ledger events/s | exit codes |\n|---:|---:|---:|---:|---:|---:|---|\n"
for n in $WORKERS; do
  batch="w$n"
  start=$(date +%s.%N)
  pids=()
  for w in $(seq 1 "$n"); do
    "$BIN" run "$work/manifest.yaml" --ledger "$url" --batch "$batch" --providers "$work/providers.yaml" --progress none \
      --out "$work/out-$batch" --no-report >"$work/run-$batch-$w.log" 2>&1 &
    pids+=($!)
  done
  codes=""
  for pid in "${pids[@]}"; do code=0; wait "$pid" || code=$?; codes="$codes$code "; done
  end=$(date +%s.%N)
  id=$(psql_q "SELECT id FROM batchgen.batches WHERE name = 'benchfleet' AND batch_key = '$batch';")
  done_jobs=$(psql_q "SELECT count(*) FROM batchgen.jobs WHERE batch_id = $id AND state = 'succeeded';")
  events=$(psql_q "SELECT count(*) FROM batchgen.events WHERE batch_id = $id;")
  claims=$(psql_q "SELECT COALESCE(sum(claims), 0) FROM batchgen.fleet_workers WHERE batch_id = $id;")
  row=$(awk -v n="$n" -v j="$done_jobs" -v s="$start" -v e="$end" -v c="$claims" -v ev="$events" -v codes="$codes" \
    'BEGIN { w = e - s; printf "| %d | %d | %.1f | %.2f | %.1f | %.1f | %s|", n, j, w, j / w, c / w, ev / w, codes }')
  echo "$row"
  results="$results$row\n"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p benchmarks/results
{
  echo "# Fleet throughput (make bench-workers)"
  echo
  echo "$JOBS jobs over five providers, simulator at time scale 0.01 with no limits, one PostgreSQL 15 on the same"
  echo "machine; each worker a separate \`batchgen run --ledger postgres://...\` process. Machine: $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at the end: $load (shared with other work)."
  echo
  printf "%b" "$results"
} >benchmarks/results/fleet-workers.md
echo "written benchmarks/results/fleet-workers.md (load average $load)"
