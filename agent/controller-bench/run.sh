#!/usr/bin/env bash
# Admission + release: Tollgate and Resilience4j, uncontended and with 8 threads, interleaved
# rounds, one table with error bars. To measure a change against the code before it, run this at
# both commits (a git worktree for the old one), one after the other.
# About 8 minutes with the defaults. Usage: agent/controller-bench/run.sh [rounds] [threads,...]
# Builds offline with the reactor (no install), from any directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -o -q -pl agent/controller,agent/controller-bench -am package -DskipTests
exec java -cp agent/controller-bench/target/benchmarks.jar \
  dev.tollgate.controller.bench.Compare "${1:-5}" "${2:-1,8}"
