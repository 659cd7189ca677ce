#!/usr/bin/env bash
# Tollgate in one command: builds what it needs, starts the sidecar and a fake LLM server, runs a
# sample service under the agent, drives it through a calm phase, a 429 storm and an outage, and
# prints what the sidecar saw. About two minutes once built.
#
#   ./demo.sh            run the demo, then stop everything it started
#   ./demo.sh --keep     leave the sidecar running afterwards (its API and /metrics stay up)
#   ./demo.sh --rebuild  rebuild the jars first even if they exist
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

keep=false
rebuild=false
phase_seconds=${DEMO_PHASE_SECONDS:-15}
for a in "$@"; do
  case "$a" in
    --keep) keep=true ;;
    --rebuild) rebuild=true ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $a (try --help)" >&2; exit 2 ;;
  esac
done

agent=agent/dist/target/tollgate-agent.jar
sidecar=sidecar/target/tollgate-sidecar.jar
fake=samples/fake-llm/target/fake-llm.jar
loadgen=samples/loadgen/target/tollgate-loadgen.jar
service=samples/apps/target/tollgate-sample-apps.jar

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if $rebuild || [ ! -f "$agent" ] || [ ! -f "$sidecar" ] || [ ! -f "$fake" ] || [ ! -f "$loadgen" ] || [ ! -f "$service" ]; then
  say "Building the agent, the sidecar and the samples (first run only; a few minutes on a fresh machine)"
  mvn -B -q -DskipTests package -pl agent/dist,sidecar,samples/fake-llm,samples/loadgen,samples/apps -am
fi

work=.demo
rm -rf "$work"
mkdir -p "$work/data"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# start NAME COMMAND...: starts a process in this shell (so cleanup can stop it) whose first
# line says "... listening on http://127.0.0.1:PORT"; then url_of NAME reads that URL back.
start() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
url_of() {
  local name=$1
  for _ in $(seq 1 300); do
    if grep -q 'listening on http' "$work/$name.log" 2>/dev/null; then
      grep -m1 -o 'http://127.0.0.1:[0-9]*' "$work/$name.log"
      return 0
    fi
    sleep 0.1
  done
  echo "$name did not start; its log:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

free_port() { java "$root/demo/FreePort.java"; }

say "Starting the sidecar, the fake LLM server, and the sample service under the agent"
sidecar_port=$(free_port)
java -jar "$sidecar" --port "$sidecar_port" --data-dir "$work/data" --config demo/sidecar.yaml >"$work/sidecar.log" 2>&1 &
sidecar_pid=$!
pids+=($sidecar_pid)
sidecar_url="http://127.0.0.1:$sidecar_port"
if ! java demo/Http.java wait "$sidecar_url/healthz"; then
  cat "$work/sidecar.log" >&2
  exit 1
fi
echo "sidecar         $sidecar_url  (log $work/sidecar.log)"

start fake-llm java -jar "$fake" --port 0 --latency-ms 60 --jitter-ms 40 --ttft-ms 120 --per-token-ms 4 --output-tokens 24 --knee 64
fake_url=$(url_of fake-llm)
echo "fake LLM server $fake_url"

sed "s#@FAKE@#$fake_url#g" demo/tollgate.yaml >"$work/tollgate.yaml"
start sample-service java -javaagent:"$agent" \
  -Dtollgate.config="$work/tollgate.yaml" \
  -Dotel.service.name=demo-chat-service \
  -Dtollgate.exporter.endpoint="$sidecar_url" \
  -Dtollgate.metrics.interval=2s \
  -jar "$service" --base-url "$fake_url/v1" --model gpt-4o-mini --port 0
service_url=$(url_of sample-service)
echo "sample service  $service_url  (java.net.http inside; the agent attached with -javaagent)"

# load SECONDS LABEL [extra loadgen flags]: closed-loop load on the sample service's POST /ask.
load() {
  local seconds=$1 label=$2
  shift 2
  java -jar "$loadgen" --url "$service_url" --scenario service --concurrency 16 --duration "${seconds}s" \
    --progress off --timeout 10s "$@" >"$work/load-$label.txt" 2>&1 || true
}
# The load generator's headline: requests, throughput, latency and the error kinds that occurred.
summary_of() {
  grep -E '^(requests|throughput)|^  request |^  (timeout|429|5xx|4xx|connection) +[1-9]' "$1" || true
}
fake_config() { java demo/Http.java post "$fake_url/admin/config" "$1"; }

say "Phase 1: calm (${phase_seconds}s, 16 concurrent users, half of them streaming)"
load "$phase_seconds" calm &
l1=$!
load "$phase_seconds" calm-stream --stream
wait $l1 || true
cat "$work/load-calm.txt"

say "Phase 2: a 429 storm (30% of requests answered 429 with Retry-After: 1); the agent retries with backoff"
fake_config '{"rate429": 0.3, "retryAfterSeconds": 1}'
load "$phase_seconds" storm
fake_config '{"rate429": 0}'
summary_of "$work/load-storm.txt"

say "Phase 3: an outage (every request 503); the circuit breaker opens and calls fail fast"
fake_config '{"outage": true, "outageMode": "503"}'
load 8 outage
fake_config '{"outage": false}'
summary_of "$work/load-outage.txt"

say "Phase 4: recovery (${phase_seconds}s); the breaker probes and closes, alerts resolve"
load "$phase_seconds" recovery
summary_of "$work/load-recovery.txt"
sleep 4

say "What the sidecar saw"
java -cp "$sidecar" demo/Report.java "$sidecar_url"

say "Where to look next"
cat <<TXT
  Sidecar API:        $sidecar_url/api/v1/summary?window=15m   (docs/api.md)
  Prometheus metrics: $sidecar_url/metrics                      (docs/sidecar.md)
  Grafana dashboards: dashboards/*.json, provisioning in dashboards/provisioning (dashboards/README.md)
  Prometheus:         scrape_configs: [{job_name: tollgate, static_configs: [{targets: ['127.0.0.1:$sidecar_port']}]}]
                      alert rules in alerts/prometheus/tollgate-rules.yaml
  Logs of this run:   $work/
TXT

if $keep; then
  # Everything but the sidecar stops; the sidecar keeps its data in $work/data.
  for p in "${pids[@]}"; do [ "$p" != "$sidecar_pid" ] && kill "$p" 2>/dev/null || true; done
  trap - EXIT
  echo
  echo "The sidecar keeps running (pid $sidecar_pid) at $sidecar_url; stop it with: kill $sidecar_pid"
fi
