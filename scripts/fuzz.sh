#!/usr/bin/env bash
# Long fuzz runs on demand: scripts/fuzz.sh --minutes N [--target NAME …] [--seed S]
# (also `npm run fuzz -- …`). Failing inputs land in test/fuzz-corpus/; commit them with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
exec node dist/test/support/fuzz/long-run.js "$@"
