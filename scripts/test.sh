#!/usr/bin/env bash
# Runs the whole test suite. Installs and builds what it needs first (idempotent).
#   scripts/test.sh [test files or dirs under dist/test …]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-image
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find dist/test -name '*.test.js' | sort)
fi
exec node --test --test-concurrency=1 --test-reporter=spec "${targets[@]}"
