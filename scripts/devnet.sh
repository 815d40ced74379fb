#!/usr/bin/env bash
# Sets up what the node needs, builds it, and runs a local devnet on loopback. By default: the 4 validators of
# genesis/devnet.json, in ./.devnet. Extra arguments go to `openledger devnet`, e.g. a generated genesis with
#   ./scripts/devnet.sh --validators 1 --accounts 20
# Ctrl-C stops every node cleanly. Running it again restarts the same devnet (delete .devnet for a fresh one).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/OpenLedger.Node -c Release -nologo -v quiet -o .build/openledger
args=("$@")
if [[ " ${args[*]-} " != *" --home "* ]]; then args+=(--home .devnet); fi
if [[ " ${args[*]-} " != *" --validators "* && " ${args[*]-} " != *" --genesis "* ]]; then
  args+=(--validators 4 --genesis genesis/devnet.json)
fi
exec .build/openledger/openledger devnet "${args[@]}"
