#!/usr/bin/env bash
# `npm start`: installs what is missing, builds both extensions, starts a local node.
set -euo pipefail
cd "$(dirname "$0")/.."

# `npm start -- --nodes 3`: a local peer-to-peer network instead of one node (start-network.sh).
nodes=""
if [ "${1:-}" = "--nodes" ]; then nodes="${2:-}"; [ -n "$nodes" ] || { echo "error: --nodes needs a count, e.g. --nodes 3" >&2; exit 2; }; fi

bash scripts/ensure-deps.sh
echo "==> building the extension (dist/chrome, dist/firefox)"
log=$(mktemp)
if ! npm run --silent build >"$log" 2>&1; then
  cat "$log" >&2
  echo "error: the extension build failed (output above)" >&2
  exit 1
fi
rm -f "$log"

cat <<TXT

Parley is built.
  Chrome/Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked", choose
                   $PWD/dist/chrome
  Firefox:         open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…", choose
                   $PWD/dist/firefox/manifest.json
  The extension talks to the local XMTP node below (http://127.0.0.1:5555).

==> starting the XMTP node on 127.0.0.1:5555 (storage: ${PARLEY_DB:-data/parley-node.db}; Ctrl+C to stop)
TXT
if [ -n "$nodes" ]; then exec bash scripts/start-network.sh "$nodes"; fi
exec npx tsx src/node/cli.ts --host 127.0.0.1 --port "${PORT:-5555}" --db "${PARLEY_DB:-data/parley-node.db}"
