#!/usr/bin/env bash
# Cold correlation look-ups (issue 21): the same /events/restSearch, asked of the simulator directly
# and through the gateway with its look-up cache cold, round after round, alternating; then once more
# through the gateway with the cache warm. The simulator answers every request after DELAY (a MISP
# whose answers take that long); the gateway caches look-ups for 1 s and each round waits 1.2 s, so
# every cold request finds the look-up cache empty (the identity cache stays warm).
#
# Usage: benchmarks/correlations/run.sh [ROUNDS] [DELAY] [CORRELATED]   (defaults: 15, 00:00:00.020, 0)
#   CORRELATED adds that many events to the simulator's 14 that all correlate with each other.
#   GATEWAY_DLL=/path/to/TlpGateway.dll  runs another build of the gateway (main's, say) against
#                                        the same simulator; SKIP_BUILD=1 skips the build.
# Prints one line per round and the median and range of each column; "look-ups" counts the
# gateway's own requests to MISP for the cold answer (http.client metrics, tlpgateway.client=lookup).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS="${1:-15}"
DELAY="${2:-00:00:00.020}"
CORRELATED="${3:-0}"
SIM_PORT="${SIM_PORT:-18181}"
GW_PORT="${GW_PORT:-15180}"
SIM_URL="http://127.0.0.1:$SIM_PORT"
GW_URL="http://127.0.0.1:$GW_PORT"
GATEWAY_DLL="${GATEWAY_DLL:-src/TlpGateway/bin/Release/net10.0/TlpGateway.dll}"
SIMULATOR_DLL=src/MispSimulator/bin/Release/net10.0/MispSimulator.dll
mkdir -p .run

if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build src/TlpGateway -c Release -nologo -v quiet >/dev/null
  dotnet build src/MispSimulator -c Release -nologo -v quiet >/dev/null
fi

sim_pid=""
gw_pid=""
cleanup() {
  for pid in $sim_pid $gw_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

dotnet "$SIMULATOR_DLL" --urls "$SIM_URL" --Simulator:ResponseDelay="$DELAY" --Simulator:CorrelatedEvents="$CORRELATED" >.run/bench-simulator.log 2>&1 &
sim_pid=$!
dotnet "$GATEWAY_DLL" --urls "$GW_URL" --Gateway:Upstream="$SIM_URL" --Gateway:MembersFile=deploy/members.demo.json \
  --Gateway:Audit:Path=.run/bench-audit.jsonl --Gateway:Filter:LookupCacheDuration=00:00:01 \
  --Gateway:Metrics:Prometheus=true >.run/bench-gateway.log 2>&1 &
gw_pid=$!
for _ in $(seq 1 150); do
  if curl -s -o /dev/null "$GW_URL/healthz" && curl -s -o /dev/null "$SIM_URL/servers/getVersion"; then break; fi
  sleep 0.2
done

KEY="$(dotnet "$SIMULATOR_DLL" --print-key orgC)"
BODY='{"returnFormat":"json"}'
ask() { curl -s -o /dev/null -w '%{time_total}' -H "Authorization: $KEY" -H 'Content-Type: application/json' -d "$BODY" "$1/events/restSearch"; }
lookups() {
  curl -s "$GW_URL/metrics" | awk '/^http_client_request_duration_seconds_count/ && /tlpgateway_client="lookup"/ { n += $NF } END { print n + 0 }'
}

# Warm the JIT up on every path first: cold code would be measured, not cold look-ups.
for _ in $(seq 1 20); do ask "$SIM_URL" >/dev/null; ask "$GW_URL" >/dev/null; done

printf '%-6s %10s %10s %10s %8s %10s\n' round direct_ms cold_ms warm_ms ratio look-ups
results=()
for round in $(seq 1 "$ROUNDS"); do
  sleep 1.2
  before=$(lookups)
  direct=$(ask "$SIM_URL")
  cold=$(ask "$GW_URL")
  sleep 0.35 # the exporter answers a scrape from its cache for 300 ms
  after=$(lookups)
  warm=$(ask "$GW_URL")
  line=$(awk -v d="$direct" -v c="$cold" -v w="$warm" -v n=$((after - before)) -v r="$round" \
    'BEGIN { printf "%-6s %10.1f %10.1f %10.1f %8.2f %10d", r, d * 1000, c * 1000, w * 1000, c / d, n }')
  echo "$line"
  results+=("$line")
done

col=2
for name in direct_ms cold_ms warm_ms ratio look-ups; do
  printf '%s\n' "${results[@]}" | awk -v c="$col" '{ print $c }' | sort -g | awk -v name="$name" '
    { v[NR] = $1 }
    END { printf "%-9s median %8.2f  range %8.2f - %8.2f\n", name, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
  col=$((col + 1))
done
