#!/usr/bin/env bash
# Runs the whole test suite: unit and property tests, deterministic simulations, and the end-to-end
# tests that start the real `openledger` binary and talk to it with ethers.js, @grpc/grpc-js and js-libp2p.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build OpenLedger.sln -c Release -nologo -v quiet
log=$(mktemp)
status=0
# One test assembly at a time: the process-level suites start up to four node processes each, and on a 2-core
# machine running them beside the timing-sensitive network tests made both flaky.
dotnet test OpenLedger.sln -c Release --no-build --nologo -v quiet -m:1 --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?
# One closing line for the whole run, summed over the test assemblies.
awk '/Passed!|Failed!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
