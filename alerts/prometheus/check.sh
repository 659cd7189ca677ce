#!/usr/bin/env bash
# Checks the Prometheus rules and runs their unit tests with promtool (Prometheus 2.42 or later;
# Debian: apt-get install prometheus). The Maven module tests/observability runs the same two
# commands in CI (PromtoolRulesIT).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: install Prometheus (Debian: apt-get install prometheus)" >&2
  exit 2
fi

promtool check rules --lint=all --lint-fatal tollgate-rules.yaml
promtool test rules tests/*.test.yaml
