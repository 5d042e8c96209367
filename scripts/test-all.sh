#!/usr/bin/env bash
# `npm test`: type check, lint, then every test tier in one vitest run — unit (*.test.ts),
# integration against a real Postgres (*.int.test.ts), browser e2e in Debian's Chromium (tests/e2e).
# Ends with the plain summary line "vitest: N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
  exit 1
fi
npm run --silent typecheck
npm run --silent lint
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
