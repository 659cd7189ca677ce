#!/usr/bin/env bash
# What the agent adds per call (non-LLM, LLM blocking, LLM streaming) for the JDK client, OkHttp
# and Apache HttpClient 5, and what it adds to start-up and heap: fresh JVMs alternately without
# and with the real agent jar, several rounds each; medians compared.
#
# Usage: bench/agent-overhead.sh [rounds] [warmup] [iterations] [clients]
#        (defaults: 3 20000 20000 jdk,okhttp,apache5)
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/agent/dist/target/bench.cp"
mvn -B -q -DskipTests -pl agent/dist -am package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
java -cp "agent/dist/target/test-classes:$(cat "$cp_file")" dev.tollgate.agent.bench.OverheadBenchmark \
  agent/dist/target/tollgate-agent.jar "${1:-3}" "${2:-20000}" "${3:-20000}" "${4:-jdk,okhttp,apache5}"
