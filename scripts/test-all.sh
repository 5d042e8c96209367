#!/usr/bin/env bash
# `npm test`: type check, lint, then the three test tiers one after another (so browser timings never
# compete with database-heavy integration tests): unit (*.test.ts), integration against a real Postgres
# (*.int.test.ts), browser e2e in Debian's Chromium (tests/e2e). Extra arguments go to every vitest run.
# Ends with the plain summary line "vitest: N passed, N failed[, N skipped][, N suites failed]"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# The browser tests drive Debian's Chromium: installed here when absent and we may (root with apt-get),
# so that `npm ci && npm test` is the whole set-up on a fresh Debian machine.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "browser tests need Chromium: apt-get install -y chromium (as root), or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
# The real-vocabulary model tests (and bench:worker's llama-20m) generate their ONNX models with Debian's
# python3-torch / python3-onnx / python3-regex: installed the same way when absent.
if ! /usr/bin/python3 -c "import torch, onnx, regex" 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's python3-torch, python3-onnx and python3-regex for the model generator…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-onnx python3-regex >/dev/null
  else
    echo "note: real-vocabulary model tests will be skipped (apt-get install -y python3-torch python3-onnx python3-regex)" >&2
  fi
fi
npm run --silent typecheck
npm run --silent lint
rm -rf test-results/vitest-*.json
mkdir -p test-results
status=0
for project in unit int e2e; do
  echo "── vitest: $project ──"
  npx vitest run --project "$project" --reporter=default --reporter=json \
    --outputFile.json="test-results/vitest-$project.json" "$@" || status=1
done
# The JSON reports are the source of truth: a tier that crashed before writing one counts as failed.
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0, suites = 0, ok = true;
  for (const p of ["unit", "int", "e2e"]) {
    const f = `test-results/vitest-${p}.json`;
    if (!fs.existsSync(f)) { console.error(`no report from the ${p} tier`); ok = false; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    // a file whose setup failed fails its suite and leaves its tests skipped, not failed: say so
    suites += r.numFailedTestSuites;
    if (!r.success) ok = false;
  }
  console.log(`vitest: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "") + (suites ? `, ${suites} suites failed` : ""));
  process.exit(ok && failed === 0 ? 0 : 1);
' || status=1
exit $status
