#!/usr/bin/env bash
# The whole test suite, the README's test command (`npm test`) and what CI runs.
# Installs what is missing, then runs every layer and stops at the first failing one.
set -uo pipefail
cd "$(dirname "$0")/.."
# CI logs are read as plain text: no colour codes from any tool (build, vitest, the node).
if [ -n "${CI:-}" ] && [ "${CI}" != "false" ]; then export NO_COLOR=1; fi

bash scripts/ensure-deps.sh --browsers || exit 1

passed=0
failed=0
step() {
  local name="$1"
  shift
  local start=$SECONDS
  echo
  echo "==> $name"
  if "$@"; then
    passed=$((passed + 1))
    echo "<== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1))
    echo "<== $name: FAILED ($((SECONDS - start)) s)"
    echo
    echo "steps: $passed passed, $failed failed"
    exit 1
  fi
}

# A build that warns fails the step: warnings left alone soon hide the one that matters.
quiet_build() {
  local out
  if ! out=$(npm run --silent build 2>&1); then
    echo "$out"
    return 1
  fi
  if grep -qiE '(^|[^a-z])warn(ing)?s?([^a-z]|$)' <<<"$out"; then
    echo "$out"
    echo "error: the build printed warnings (above)"
    return 1
  fi
  echo "$out" | grep -E '^✓ built' || true
}

step "typecheck" npx tsc --noEmit
# No import circle under src/ and no hand-written module over 400 lines, printed beside the
# commit before (scripts/structure/check.ts).
step "structure (no import circle, no module over 400 lines)" npx tsx scripts/structure/check.ts
step "unit tests" npx vitest run --project unit
step "protocol unit tests on the libsecp256k1 backend" npx vitest run --project unit-libsecp256k1
# Built once here; the e2e and lint steps run on this build (their npm scripts rebuild first
# for use on their own).
step "build (chrome + firefox), no warnings" quiet_build
step "firefox lint (web-ext), no warnings" npx web-ext lint --source-dir dist/firefox --warnings-as-errors
step "chromium e2e" node e2e/run-chromium.mjs
step "firefox e2e" node e2e/run-firefox.mjs
step "background e2e (chromium: worker, real node, xmtp-js 13 peer)" node e2e/background.chromium.mjs
step "background e2e (firefox: event page, vault + one round trip)" node e2e/background.firefox.mjs
step "offload e2e (chromium: invitation workers in the offscreen document)" npx tsx e2e/offload.chromium.mjs
step "offload e2e (firefox: invitation workers of the event page)" npx tsx e2e/offload.firefox.mjs
step "popup e2e (chromium: two profiles, xmtp-js 13, real node)" npx tsx e2e/popup.chromium.mjs
step "popup e2e (firefox: onboarding, round trip, read receipt, attachment preview, restore)" npx tsx e2e/popup.firefox.mjs
step "dapp e2e (chromium: example dapp, approvals, permissions, xmtp-js 13 peer)" node e2e/dapp.chromium.mjs
step "dapp e2e (firefox: the same scenario)" node e2e/dapp.firefox.mjs
# The node layer includes the PostgreSQL store's own tests, so it runs beside a throwaway
# PostgreSQL (scripts/with-postgres.sh installs Debian's postgresql when missing, initdb's
# into a temporary folder, pg_ctl on a loopback port, stops it at the end).
step "node tests (real node process over HTTP)" bash scripts/with-postgres.sh npx vitest run --project node
step "interop tests (xmtp-js 13 through our node)" npx vitest run --project interop
# The same node and interop tests with the nodes on PostgreSQL (PARLEY_TEST_STORE=postgres).
# Selective, to keep CI short: the API semantics and kill -9 durability files, and the interop
# files that lean on the store hardest (paged and batch queries, both directions with
# xmtp-js). The full interop suite on PostgreSQL passes too (npm run test:interop:postgres,
# about 2 minutes here), but would double the interop step.
step "node tests on PostgreSQL" env PARLEY_TEST_STORE=postgres bash scripts/with-postgres.sh \
  npx vitest run --project node src/node/api.int.test.ts src/node/durability.int.test.ts
step "interop tests on PostgreSQL" env PARLEY_TEST_STORE=postgres bash scripts/with-postgres.sh \
  npx vitest run --project interop src/node/xmtp-js.interop.test.ts src/protocol/api/client.interop.test.ts \
  test/interop/conversations-v2.interop.test.ts test/interop/listing.interop.test.ts

echo
echo "steps: $passed passed, $failed failed"
