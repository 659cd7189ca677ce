#!/usr/bin/env bash
# What the agent adds per call (non-LLM, LLM blocking, LLM streaming) for the JDK client, OkHttp
# and Apache HttpClient 5, and what it adds to start-up and heap: fresh JVMs alternately without
# and with the real agent jar, several rounds each; medians compared.
#
# Usage: bench/agent-overhead.sh [rounds] [warmup] [iterations] [clients] [baseline-agent-jar]
#        (defaults: 3 20000 20000 jdk,okhttp,apache5, no baseline)
# A baseline jar (say, the previous build's agent) is measured in the same rounds, so a change is
# compared with the old code on the same machine at the same time. Start-up is reported with the
# agent's class cache warm (the usual case) and empty (the first start of a new agent build).
#
# MODE=paired bench/agent-overhead.sh ... measures the agent's LLM path inside each JVM instead:
# every LLM call is paired with a call to a twin path the agent does not recognize, answered with
# the same bytes, in alternating order, and every non-LLM call with the agent's hooks is paired with
# the same call with its no-op hooks swapped in. Rows "*_minus_twin_us", column "added": what the
# LLM path costs beyond a non-LLM call, and what the non-LLM path costs beyond the advice shell,
# each with the harness's own bias (the same figure without the agent) taken out. This resolves
# about a microsecond; comparing separate JVMs does not (see docs/agent.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/agent/dist/target/bench.cp"
mvn -B -q -DskipTests -pl agent/dist -am package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
java -cp "agent/dist/target/test-classes:$(cat "$cp_file")" dev.tollgate.agent.bench.OverheadBenchmark \
  agent/dist/target/tollgate-agent.jar "${1:-3}" "${2:-20000}" "${3:-20000}" "${4:-jdk,okhttp,apache5}" "${5:-}" "${MODE:-standard}"
