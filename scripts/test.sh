#!/usr/bin/env bash
# Runs the whole test suite. Installs and builds what it needs first (idempotent).
#   scripts/test.sh                  unit (in parallel), then integration and compat (one file at a time)
#   scripts/test.sh unit|integration|compat
#   scripts/test.sh <test files or dirs under dist/test …>
# test/unit needs no root and runs files side by side; test/integration and test/compat start daemons
# of their own and run one file at a time. test/compat runs against $DOCKER_HOST when it is set
# (a real dockerd: scripts/compat-dockerd.sh), else against a berthd of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-image
files_in() { [ -d "dist/test/$1" ] && find "dist/test/$1" -name '*.test.js' | sort; return 0; }
run() {
  local concurrency=$1; shift
  [ "$#" -gt 0 ] || return 0
  node --test --test-concurrency="$concurrency" --test-reporter=spec "$@"
}
cores=$(nproc 2>/dev/null || echo 2)
case "${1:-all}" in
  all)
    mapfile -t unit < <(files_in unit)
    mapfile -t serial < <(files_in integration; files_in compat)
    run "$cores" "${unit[@]}"
    run 1 "${serial[@]}"
    ;;
  unit) mapfile -t t < <(files_in unit); run "$cores" "${t[@]}" ;;
  integration|compat) mapfile -t t < <(files_in "$1"); run 1 "${t[@]}" ;;
  *) run 1 "$@" ;;
esac
