#!/usr/bin/env bash
# End-to-end load harness (loopback only): an nginx upstream serving pre-generated MISP answers,
# the gateway (Release) in front of it, and nginx as a plain reverse proxy in front of the same
# upstream; wrk against each. Installs nginx and wrk from Debian when missing; stops by PID
# everything it starts. Usage: [WARMUP=seconds per gateway path, default 10] benchmarks/load/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-10}"
WARMUP="${WARMUP:-10}"
WORK="$(mktemp -d /tmp/tlpgw-load.XXXXXX)"
UP=18080 GW=18081 PX=18082
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; }
done

dotnet build src/TlpGateway -c Release -nologo -v quiet >/dev/null
dotnet build src/MispSimulator -c Release -nologo -v quiet >/dev/null
SIM="dotnet src/MispSimulator/bin/Release/net10.0/MispSimulator.dll"
SAMPLES=src/MispSimulator/bin/Release/net10.0/misp-samples/real-2.5.1
KEY_C="$($SIM --print-key orgC)"; KEY_D="$($SIM --print-key orgD)"

# Pre-generated answers: the upstream is never the bottleneck.
cp "$SAMPLES/users_view_me__orgC.json" "$WORK/me_orgc.json"
sed -e 's/"id": "3"/"id": "4"/g' -e 's/user@org-c.test/user@org-d.test/' -e 's/13c7e515-44c2-40dc-bc3e-0e7bcaf6d390/d03551b8-8496-4bd2-b178-72fb134e2520/' \
  "$SAMPLES/users_view_me__orgC.json" > "$WORK/me_orgd.json"
python3 - "$SAMPLES/events_restSearch_json__admin.json" "$WORK/event_small.json" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["response"]
small = min((e for e in events if e["Event"].get("Tag")), key=lambda e: len(json.dumps(e)))
json.dump(small, open(sys.argv[2], "w"), separators=(",", ":"))
PY
$SIM --generate-restsearch 1048576 42 > "$WORK/rs_1mb.json"
$SIM --generate-restsearch 20971520 42 > "$WORK/rs_20mb.json"
$SIM --generate-restsearch 209715200 42 > "$WORK/rs_200mb.json"

# nginx's workers run as another user: they must be able to read the answers.
chmod -R a+rX "$WORK"

cat > "$WORK/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  map \$http_authorization \$me { "$KEY_D" me_orgd.json; default me_orgc.json; }
  server {
    listen 127.0.0.1:$UP;
    root $WORK;
    location = /users/view/me.json { try_files /\$me =404; }
    location = /events/view/small { try_files /event_small.json =404; }
    location = /events/restSearch/json/1mb { try_files /rs_1mb.json =404; }
    location = /events/restSearch/json/20mb { try_files /rs_20mb.json =404; }
    location = /events/restSearch/json/200mb { try_files /rs_200mb.json =404; }
  }
  server {
    listen 127.0.0.1:$PX;
    location / { proxy_pass http://127.0.0.1:$UP; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$WORK/nginx.conf" -g 'daemon off;' & pids+=($!)

cat > "$WORK/members.json" <<JSON
{ "community": { "name": "Load", "forwarder": { "name": "Hub", "uuid": "00000000-0000-4000-8000-000000000001" }, "chathamHouse": "tagged" },
  "members": [
    { "id": "org-c", "orgUuid": "13c7e515-44c2-40dc-bc3e-0e7bcaf6d390", "networks": ["127.0.0.1"], "relation": "member", "maxTlp": "amber+strict" },
    { "id": "org-d", "orgUuid": "d03551b8-8496-4bd2-b178-72fb134e2520", "networks": ["127.0.0.1"], "relation": "member", "maxTlp": "green" } ] }
JSON
dotnet src/TlpGateway/bin/Release/net10.0/TlpGateway.dll --urls "http://127.0.0.1:$GW" --Gateway:Upstream="http://127.0.0.1:$UP" \
  --Gateway:MembersFile="$WORK/members.json" --Gateway:Audit:Path="$WORK/audit.jsonl" --Logging:LogLevel:Default=Warning >"$WORK/gateway.log" 2>&1 &
GW_PID=$!; pids+=($GW_PID)
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$GW/healthz" && break; sleep 0.1; done
for port in $UP $PX $GW; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $KEY_C" "http://127.0.0.1:$port/events/restSearch/json/1mb")
  [ "$status" = 200 ] || { echo "port $port answers $status, not 200: the harness is not set up right" >&2; exit 1; }
done

run() { # name url key connections
  local out; out="$(wrk -t2 -c"$4" -d"${DURATION}s" --latency -H "Authorization: $3" -H "Accept: application/json" "$2" 2>&1)"
  local rps mbs p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  mbs=$(awk '/Transfer\/sec/ {v=$2; if (v ~ /GB/) {sub("GB","",v); v*=1024} else if (v ~ /MB/) {sub("MB","",v)} else if (v ~ /KB/) {sub("KB","",v); v/=1024}; printf "%.1f", v}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$mbs" "$p50" "$p99"
}

# Peak RSS of the fresh gateway while it streams 200 MB, to a fast and to a slow reader: one event
# is held at a time, whatever the answer's size and the reader's pace.
peak() { local max=0 v; while kill -0 "$1" 2>/dev/null; do v=$(awk '/VmRSS/ {print $2}' /proc/$GW_PID/status); ((v > max)) && max=$v; sleep 0.05; done; echo "$((max / 1024)) MB"; }
stream_peak() { curl -s -o /dev/null "$@" -H "Authorization: $KEY_D" "http://127.0.0.1:$GW/events/restSearch/json/200mb" & peak $!; }
echo "gateway RSS idle: $(($(awk '/VmRSS/ {print $2}' /proc/$GW_PID/status) / 1024)) MB"
echo "gateway peak RSS, 200 MB to a fast reader: $(stream_peak)"
echo "gateway peak RSS, 200 MB to a slow reader (20 MB/s): $(stream_peak --limit-rate 20M)"

# The gateway's JIT compiles its hot code again and again in the first tens of seconds (tiered
# compilation with PGO): every gateway path is warmed up first, so the table shows steady state.
for key in "$KEY_C" "$KEY_D"; do
  for path in /events/view/small /events/restSearch/json/1mb /events/restSearch/json/20mb; do
    wrk -t2 -c8 -d"${WARMUP}s" -H "Authorization: $key" "http://127.0.0.1:$GW$path" >/dev/null
  done
done

echo "| run | req/s | MB/s | p50 | p99 |"
echo "|---|---:|---:|---:|---:|"
for size in small 1mb 20mb; do
  case $size in small) path=/events/view/small; c=32;; 1mb) path=/events/restSearch/json/1mb; c=16;; 20mb) path=/events/restSearch/json/20mb; c=4;; esac
  run "$size direct" "http://127.0.0.1:$UP$path" "$KEY_C" $c
  run "$size nginx proxy" "http://127.0.0.1:$PX$path" "$KEY_C" $c
  run "$size gateway, entitled (ORG_C, max amber+strict)" "http://127.0.0.1:$GW$path" "$KEY_C" $c
  run "$size gateway, filtering (ORG_D, max green)" "http://127.0.0.1:$GW$path" "$KEY_D" $c
done

# The same once the load runs have grown the heap (the GC keeps what it grew for concurrent answers).
echo "gateway peak RSS after the load runs, 200 MB to a fast reader: $(stream_peak)"
