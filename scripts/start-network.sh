#!/usr/bin/env bash
# `npm start -- --nodes 3` (or `bash scripts/start-network.sh 3`): a peer-to-peer network of N
# Parley nodes on this machine. Node i serves HTTP on 127.0.0.1:(5554+i), gRPC on
# 127.0.0.1:(5655+i) and libp2p on
# 127.0.0.1:(6000+i), keeps its data in data/network/node-i.db (peer key beside it), and every
# node after the first joins through node 1. Ctrl+C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

count="${1:-3}"
if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt 20 ]; then
  echo "error: --nodes needs a number from 1 to 20, got \"$count\"" >&2
  exit 2
fi
http_base="${PORT:-5555}"
p2p_base="${P2P_PORT:-6001}"
grpc_base="${GRPC_PORT:-5656}"
data="${PARLEY_NETWORK_DATA:-data/network}"
mkdir -p "$data"

pids=()
stop_all() {
  trap - INT TERM
  echo
  echo "==> stopping ${#pids[@]} nodes"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM

echo "==> starting $count XMTP nodes (Ctrl+C stops all)"
for i in $(seq 1 "$count"); do
  http=$((http_base + i - 1))
  p2p=$((p2p_base + i - 1))
  grpc=$((grpc_base + i - 1))
  args=(--host 127.0.0.1 --port "$http" --grpc-port "$grpc" --db "$data/node-$i.db" --p2p-port "$p2p")
  # Node 1 is the bootstrap peer; the others learn each other from it (peer exchange).
  if [ "$i" -gt 1 ]; then args+=(--bootstrap "/ip4/127.0.0.1/tcp/$p2p_base"); fi
  echo "    node $i: http://127.0.0.1:$http  gRPC 127.0.0.1:$grpc  libp2p /ip4/127.0.0.1/tcp/$p2p  data $data/node-$i.db"
  node --import tsx src/node/cli.ts "${args[@]}" > >(sed -u "s/^/[node-$i] /") 2>&1 &
  pids+=($!)
done
echo "    peers of node 1: curl -s http://127.0.0.1:$http_base/peers"

# Stop everything when any node exits on its own (a port in use, a bad flag).
set +e
wait -n "${pids[@]}"
status=$?
echo "error: a node exited (status $status); stopping the others" >&2
stop_all
exit 1
