#!/usr/bin/env bash
# The whole test suite, the README's test command (`npm test`) and what CI runs.
# Installs what is missing, then runs every layer and stops at the first failing one.
set -uo pipefail
cd "$(dirname "$0")/.."

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

step "typecheck" npx tsc --noEmit
step "unit tests" npx vitest run --project unit
step "protocol unit tests on the libsecp256k1 backend" npx vitest run --project unit-libsecp256k1
# Built once here; the e2e and lint steps run on this build (their npm scripts rebuild first
# for use on their own).
step "build (chrome + firefox)" npm run --silent build
step "firefox lint (web-ext)" npx web-ext lint --source-dir dist/firefox
step "chromium e2e" node e2e/run-chromium.mjs
step "firefox e2e" node e2e/run-firefox.mjs
step "background e2e (chromium: worker, real node, xmtp-js 13 peer)" node e2e/background.chromium.mjs
step "background e2e (firefox: event page, vault + one round trip)" node e2e/background.firefox.mjs
step "dapp e2e (chromium: example dapp, approvals, permissions, xmtp-js 13 peer)" node e2e/dapp.chromium.mjs
step "dapp e2e (firefox: the same scenario)" node e2e/dapp.firefox.mjs
step "node tests (real node process over HTTP)" npx vitest run --project node
step "interop tests (xmtp-js 13 through our node)" npx vitest run --project interop

echo
echo "steps: $passed passed, $failed failed"
