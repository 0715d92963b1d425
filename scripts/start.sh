#!/usr/bin/env bash
# `npm start`: installs what is missing, checks that the port and the database are free, builds
# both extensions, says how to load them, and runs a local node in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<'TXT'
Usage: npm start [-- options]

Builds the Parley extension (dist/chrome, dist/firefox) and runs a local XMTP node.

Options:
  --browser[=chromium|firefox]  also open a fresh browser profile with the extension loaded
                                (Chromium by default; see npm run browser -- --help)
  --no-build                    use the existing build in dist/ instead of building
  --nodes <n>                   a local peer-to-peer network of n nodes instead of one
                                (scripts/start-network.sh)
  -h, --help                    show this help

Environment:
  PORT=<n>         the node's port on 127.0.0.1 (default 5555; 0 picks a free one)
  GRPC_PORT=<n>    the node's gRPC port (default 5556; 0 picks a free one)
  EXAMPLE_PORT=<n> the example dapp's port (default 5580)
  PARLEY_DB=<file> the node's SQLite database (default data/parley-node.db)
  LOG_LEVEL=<lvl>  the node's log level (default info; debug logs one line per request)
TXT
}

# --- options --------------------------------------------------------------------------------
build=yes
browser=
nodes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --browser) browser=chromium ;;
    --browser=chromium | --browser=firefox) browser="${1#--browser=}" ;;
    --no-build) build= ;;
    --nodes)
      nodes="${2:-}"
      [ -n "$nodes" ] || { echo "error: --nodes needs a count, e.g. --nodes 3" >&2; exit 2; }
      shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "error: unknown option \"$1\"" >&2; echo >&2; usage >&2; exit 2 ;;
  esac
  shift
done

readonly DEFAULT_URL="http://127.0.0.1:5555"
host=127.0.0.1
port="${PORT:-5555}"
db="${PARLEY_DB:-data/parley-node.db}"
log_level="${LOG_LEVEL:-info}"

# --- checks, before the slow part -----------------------------------------------------------
bash scripts/ensure-deps.sh
# (a network checks its own ports: scripts/start-network.sh)
[ -n "$nodes" ] || node --import tsx scripts/start/preflight.ts --host "$host" --port "$port" --db "$db" || exit $?

# --- the extension --------------------------------------------------------------------------
if [ -n "$build" ]; then
  echo "==> building the extension (dist/chrome, dist/firefox)"
  log=$(mktemp)
  if ! npm run --silent build >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: the extension build failed (output above)" >&2
    exit 1
  fi
  rm -f "$log"
  echo
  echo "Parley is built."
else
  for target in chrome firefox; do
    [ -f "dist/$target/manifest.json" ] || echo "warning: dist/$target has no build; run npm start without --no-build" >&2
  done
  echo "Using the existing build (--no-build)."
fi

# --- the banner: what was actually chosen ---------------------------------------------------
db_shown="$db"
[ "$db" = ":memory:" ] || db_shown="$(realpath -m "$db")"
cat <<TXT
  Chrome/Chromium: open chrome://extensions, turn on Developer mode, "Load unpacked", choose
                   $PWD/dist/chrome
  Firefox:         open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…", choose
                   $PWD/dist/firefox/manifest.json
  Or try it in a fresh browser profile with the extension already loaded: npm run browser

TXT
# The example dapp (examples/dapp), served beside the node(s); Ctrl+C stops both (same process
# group), and it exits on its own once this process (exec'd into the node below) is gone.
node scripts/serve-example.mjs --port "${EXAMPLE_PORT:-5580}" --exit-with $$ &

# `--nodes <n>`: the network script prints its own nodes' URLs and runs them.
if [ -n "$nodes" ]; then exec bash scripts/start-network.sh "$nodes"; fi
if [ "$port" = "0" ]; then
  echo "==> starting the XMTP node on a free port of $host (database: $db_shown; Ctrl+C to stop)"
  echo "    It prints its URL below; enter that URL as the node URL in Parley's settings."
else
  url="http://$host:$((10#$port))"
  echo "==> starting the XMTP node at $url (database: $db_shown; Ctrl+C to stop)"
  if [ "$url" != "$DEFAULT_URL" ]; then
    echo "    Not the extension's default node ($DEFAULT_URL): enter $url as the node URL in Parley's settings."
  fi
fi
[ "$log_level" = "debug" ] || echo "    One log line per request: LOG_LEVEL=debug npm start"
echo

# --- a browser to try it in (optional), then the node in the foreground -----------------------
if [ -n "$browser" ]; then
  browser_args=(--no-build)
  [ "$browser" = "firefox" ] && browser_args+=(--firefox)
  node --import tsx scripts/browser.ts "${browser_args[@]}" &
fi
exec node --import tsx src/node/cli.ts --host "$host" --port "$port" --db "$db" --log-level "$log_level"
