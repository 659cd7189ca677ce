#!/usr/bin/env bash
# What the agent adds per call (non-LLM, LLM blocking, LLM streaming), to start-up and to heap.
# Usage: bench/agent-overhead.sh [rounds] [warmup] [iterations]   (after mvn -B verify or package)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=agent/dist/target/tollgate-agent.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package -pl agent/dist -am
mvn -B -q -pl agent/dist test-compile >/dev/null
cp=$(mvn -B -q -pl agent/dist dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test 2>/dev/null || true)
java -cp "agent/dist/target/test-classes:$cp" dev.tollgate.agent.bench.OverheadBenchmark "$jar" "${1:-3}" "${2:-20000}" "${3:-20000}"
