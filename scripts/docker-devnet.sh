#!/usr/bin/env bash
# The 4-validator devnet of docker/docker-compose.yml.
#   scripts/docker-devnet.sh up       build the image, create the node homes (once), start the four validators,
#                                     and wait until each serves JSON-RPC on 127.0.0.1:8545..8548 at block >= 1
#   scripts/docker-devnet.sh status   height and peer count of each validator
#   scripts/docker-devnet.sh logs     follow the validators' logs
#   scripts/docker-devnet.sh down     stop the containers (the chain stays in the `devnet` volume)
#   scripts/docker-devnet.sh reset    stop and delete the volume: the next `up` starts a new chain
# Needs Docker with the compose plugin, and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
compose=(docker compose -f docker/docker-compose.yml)

rpc() { # port method
  curl -sf -m 3 -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":[]}" "http://127.0.0.1:$1" |
    sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p'
}

status() {
  for i in 0 1 2 3; do
    port=$((8545 + i))
    height=$(rpc "$port" eth_blockNumber || true)
    peers=$(rpc "$port" net_peerCount || true)
    printf 'node%d  json-rpc http://127.0.0.1:%d  height %s  peers %s\n' "$i" "$port" \
      "$([ -n "$height" ] && echo $((height)) || echo '-')" "$([ -n "$peers" ] && echo $((peers)) || echo '-')"
  done
}

case "${1:-up}" in
  up)
    "${compose[@]}" up --build --detach
    for i in 0 1 2 3; do
      port=$((8545 + i))
      for _ in $(seq 1 120); do
        height=$(rpc "$port" eth_blockNumber || true)
        if [ -n "$height" ] && [ $((height)) -ge 1 ]; then break; fi
        sleep 1
      done
      if [ -z "${height:-}" ] || [ $((height)) -lt 1 ]; then
        echo "node$i is not committing after 120 s; see: ${compose[*]} logs node$i" >&2
        exit 1
      fi
    done
    status
    echo "Dev accounts (INSECURE keys): ${compose[*]} run --rm --entrypoint cat init /devnet/devnet.json"
    ;;
  status) status ;;
  logs) "${compose[@]}" logs --follow node0 node1 node2 node3 ;;
  down) "${compose[@]}" down ;;
  reset) "${compose[@]}" down --volumes ;;
  *) echo "usage: $0 [up|status|logs|down|reset]" >&2; exit 2 ;;
esac
