#!/usr/bin/env bash
# Installs what the node and its tests need on a fresh Debian 12 machine with .NET SDK 10 and Node 20:
# the native libsecp256k1 (fast signature recovery), libsodium (fast Ed25519 for libp2p) and the npm packages of the interop tests.
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ldconfig -p 2>/dev/null | grep -q 'libsecp256k1\.so\.1'; then
  echo "setup: installing libsecp256k1 (native secp256k1)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsecp256k1-1 >/dev/null
fi

if ! ldconfig -p 2>/dev/null | grep -q 'libsodium\.so\.'; then
  echo "setup: installing libsodium (native Ed25519 for libp2p signatures)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium23 >/dev/null
fi

if [ -f tests/interop/package-lock.json ] && [ ! -d tests/interop/node_modules ]; then
  echo "setup: installing interop test clients (npm ci in tests/interop)"
  (cd tests/interop && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
fi
