#!/usr/bin/env bash
# End-to-end load harness (loopback only): an nginx upstream serving pre-generated MISP answers,
# and in front of it: nginx as an operator configures a reverse proxy (a worker per core, a
# keep-alive upstream pool), YARP alone (benchmarks/YarpAlone), the gateway's pipeline without the
# egress filter (a benchmark host: admission, request model, ingress rules), and the gateway
# (Release); wrk against each. Installs nginx and wrk from Debian when missing; stops by PID
# everything it starts. Usage: [WARMUP=seconds per path, default 10] [ROWS=large: only the 20 MB event's
# rows, on a fresh gateway; ROWS=memory: only the gateway's idle RSS and its peaks streaming 200 MB;
# ROWS=small: only the small event view's rows, after their warm-up]
# benchmarks/load/run.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-10}"
WARMUP="${WARMUP:-10}"
ROWS="${ROWS:-all}"
WORK="$(mktemp -d /tmp/tlpgw-load.XXXXXX)"
UP=18080 GW=18081 PX=18082 YA=18083 NF=18084
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; }
done

dotnet build src/TlpGateway -c Release -nologo -v quiet >/dev/null
dotnet build src/MispSimulator -c Release -nologo -v quiet >/dev/null
dotnet build benchmarks/YarpAlone -c Release -nologo -v quiet >/dev/null
dotnet build benchmarks/TlpGateway.Benchmarks -c Release -nologo -v quiet >/dev/null
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
# One large event (45k attributes, about 20 MB) as /events/view answers it: held whole by the filter.
$SIM --generate-view 45000 42 > "$WORK/view_20mb.json"

# nginx's workers run as another user: they must be able to read the answers.
chmod -R a+rX "$WORK"

cat > "$WORK/nginx.conf" <<NGINX
worker_processes auto;
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
    # As asked, and as the gateway forwards it (/events/restSearch/value:1mb/excludeLocalTags:0/returnFormat:json).
    location ~ ^/events/restSearch/(json/|value:)1mb(/|\$) { try_files /rs_1mb.json =404; }
    location ~ ^/events/restSearch/(json/|value:)20mb(/|\$) { try_files /rs_20mb.json =404; }
    location ~ ^/events/restSearch/(json/|value:)200mb(/|\$) { try_files /rs_200mb.json =404; }
    location = /events/view/large { try_files /view_20mb.json =404; }
  }
  upstream misp { server 127.0.0.1:$UP; keepalive 64; }
  server {
    listen 127.0.0.1:$PX;
    location / { proxy_pass http://misp; proxy_http_version 1.1; proxy_set_header Connection ""; }
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
gateway_args() { echo --urls "http://127.0.0.1:$1" --Gateway:Upstream="http://127.0.0.1:$UP" --Gateway:MembersFile="$WORK/members.json" --Gateway:Audit:Path="$WORK/audit-$1.jsonl" --Logging:LogLevel:Default=Warning; }
start_gateway() {
  # shellcheck disable=SC2046 # the arguments hold no spaces
  dotnet src/TlpGateway/bin/Release/net10.0/TlpGateway.dll $(gateway_args $GW) >>"$WORK/gateway.log" 2>&1 &
  GW_PID=$!; pids+=($GW_PID)
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$GW/healthz" && break; sleep 0.1; done
}
start_gateway
# shellcheck disable=SC2046
dotnet benchmarks/TlpGateway.Benchmarks/bin/Release/net10.0/TlpGateway.Benchmarks.dll --gateway-without-filter $(gateway_args $NF) >"$WORK/nofilter.log" 2>&1 &
NF_PID=$!; pids+=($NF_PID)
dotnet benchmarks/YarpAlone/bin/Release/net10.0/YarpAlone.dll --urls "http://127.0.0.1:$YA" --Upstream="http://127.0.0.1:$UP" --Logging:LogLevel:Default=Warning >"$WORK/yarp.log" 2>&1 &
YA_PID=$!; pids+=($YA_PID)
for port in $NF $YA; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
done
for port in $UP $PX $YA $NF $GW; do
  status=$(curl -s -o "$WORK/check.out" -w '%{http_code}' -H "Authorization: $KEY_C" "http://127.0.0.1:$port/events/restSearch/json/1mb")
  [ "$status" = 200 ] || { echo "port $port answers $status, not 200: the harness is not set up right: $(head -c 300 "$WORK/check.out")" >&2;  exit 1; }
done

rss() { echo $(($(awk '/VmRSS/ {print $2}' "/proc/$1/status") / 1024)); }
run() { # name url key connections [pid whose idle and peak RSS to print]
  local idle="" peak="" v
  [ -n "${5:-}" ] && idle="$(rss "$5")" && peak=$idle
  wrk -t2 -c"$4" -d"${DURATION}s" --timeout 30s --latency -H "Authorization: $3" -H "Accept: application/json" "$2" >"$WORK/wrk.out" 2>&1 & local wrk_pid=$!
  if [ -n "${5:-}" ]; then
    while kill -0 $wrk_pid 2>/dev/null; do v=$(rss "$5"); ((v > peak)) && peak=$v; sleep 0.05; done
  fi
  wait $wrk_pid
  local out; out="$(cat "$WORK/wrk.out")"
  local rps mbs p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  mbs=$(awk '/Transfer\/sec/ {v=$2; if (v ~ /GB/) {sub("GB","",v); v*=1024} else if (v ~ /MB/) {sub("MB","",v)} else if (v ~ /KB/) {sub("KB","",v); v/=1024} else {sub("B","",v); v/=1048576}; printf "%.1f", v}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$mbs" "$p50" "$p99" "${idle:+$idle MB}" "${peak:+$peak MB}"
}

# Peak RSS of the fresh gateway while it streams 200 MB, to a fast and to a slow reader: one event
# is held at a time, whatever the answer's size and the reader's pace.
peak() { local max=0 v; while kill -0 "$1" 2>/dev/null; do v=$(awk '/VmRSS/ {print $2}' /proc/$GW_PID/status); ((v > max)) && max=$v; sleep 0.05; done; echo "$((max / 1024)) MB"; }
stream_peak() { curl -s -o /dev/null "$@" -H "Authorization: $KEY_D" "http://127.0.0.1:$GW/events/restSearch/json/200mb" & peak $!; }
rows() { # name path connections
  run "$1, direct" "http://127.0.0.1:$UP$2" "$KEY_C" "$3"
  run "$1, nginx (auto workers, keep-alive pool)" "http://127.0.0.1:$PX$2" "$KEY_C" "$3"
  run "$1, YARP alone" "http://127.0.0.1:$YA$2" "$KEY_C" "$3" $YA_PID
  run "$1, gateway pipeline without the filter" "http://127.0.0.1:$NF$2" "$KEY_C" "$3" $NF_PID
  run "$1, gateway, entitled (ORG_C, max amber+strict)" "http://127.0.0.1:$GW$2" "$KEY_C" "$3" $GW_PID
  run "$1, gateway, filtering (ORG_D, max green)" "http://127.0.0.1:$GW$2" "$KEY_D" "$3" $GW_PID
}
if [ "$ROWS" != large ]; then
echo "gateway RSS idle: $(rss $GW_PID) MB"
echo "gateway peak RSS, 200 MB to a fast reader: $(stream_peak)"
echo "gateway peak RSS, 200 MB to a slow reader (20 MB/s): $(stream_peak --limit-rate 20M)"
[ "$ROWS" = memory ] && exit 0
fi
if [ "$ROWS" = small ]; then
  for port in $YA $NF; do wrk -t2 -c8 -d"${WARMUP}s" --timeout 30s -H "Authorization: $KEY_C" "http://127.0.0.1:$port/events/view/small" >/dev/null; done
  wrk -t2 -c8 -d"${WARMUP}s" --timeout 30s -H "Authorization: $KEY_C" "http://127.0.0.1:$GW/events/view/small" >/dev/null
  echo "| run | req/s | MB/s | p50 | p99 | idle RSS | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  rows "small event view" /events/view/small 32
  exit 0
fi
if [ "$ROWS" = all ]; then

# The JIT compiles hot code again and again in the first tens of seconds (tiered compilation with
# PGO): every .NET proxy's path is warmed up first, so the table shows steady state. (The gateway's
# large event is warmed up on a fresh gateway below: the heap it grows would stay for the other rows.)
for path in /events/view/small /events/restSearch/json/1mb /events/restSearch/json/20mb /events/view/large; do
  for port in $YA $NF; do
    wrk -t2 -c8 -d"${WARMUP}s" --timeout 30s -H "Authorization: $KEY_C" "http://127.0.0.1:$port$path" >/dev/null
  done
  [ $path = /events/view/large ] && continue
  for key in "$KEY_C" "$KEY_D"; do
    wrk -t2 -c8 -d"${WARMUP}s" --timeout 30s -H "Authorization: $key" "http://127.0.0.1:$GW$path" >/dev/null
  done
done

echo "| run | req/s | MB/s | p50 | p99 | idle RSS | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
rows "small event view" /events/view/small 32
rows "1 MB restSearch" /events/restSearch/json/1mb 16
rows "20 MB restSearch" /events/restSearch/json/20mb 4
else
  echo "| run | req/s | MB/s | p50 | p99 | idle RSS | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
fi

# One 20 MB event (45k attributes), 4 clients at once, on a fresh gateway: its idle and peak RSS are
# the memory figure of the single large event (the peak counts the warm-up's too). ORG_D may not
# receive it (TLP:AMBER): its answer is MISP's 404, after the whole event was held and judged.
kill $GW_PID; wait $GW_PID 2>/dev/null || true
start_gateway
DURATION_RUN=$DURATION DURATION=$WARMUP
run "20 MB event view, gateway, entitled, warm-up" "http://127.0.0.1:$GW/events/view/large" "$KEY_C" 4 $GW_PID
DURATION=$DURATION_RUN
rows "20 MB event view" /events/view/large 4

# The same once the load runs have grown the heap (the GC keeps what it grew for concurrent answers).
if [ "$ROWS" = all ]; then
  echo "gateway peak RSS after the load runs, 200 MB to a fast reader: $(stream_peak)"
fi
