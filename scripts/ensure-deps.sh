#!/usr/bin/env bash
# Installs what a fresh machine lacks: npm dependencies (from the lockfile) and,
# with --browsers, Debian's chromium and firefox-esr for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm writes node_modules/.package-lock.json after every install; a lockfile newer than
# it (a fresh clone has none, a pull may bring a new one) means install again.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
# npm ci runs it as postinstall; again here for trees installed before it existed (idempotent, fast).
node --import tsx scripts/build/patch-deps.ts

if [ "${1:-}" = "--browsers" ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
  # Emoji in messages and reactions render in screenshots only with a colour emoji font.
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "==> installing ${missing[*]} with apt-get"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "error: the browser tests need: ${missing[*]} (install them with: sudo apt-get install -y ${missing[*]})" >&2
      exit 1
    fi
  fi
fi
