#!/usr/bin/env bash
# Installs the system programs the test suite drives (Debian packages): python3 for the
# interoperability scripts, openssl as an independent TLS peer, tmux for the terminal test,
# redis-server for the cluster tests, ip for the network-namespace test, a C compiler for the
# benchmark's load generator (its test), chromium for the browser tests (driven by playwright-core).
# Skips what is already there; needs root (CI runs as root).
set -euo pipefail
source "$(dirname "$0")/ensure-commands.sh"
ensure_commands install-test-deps python3:python3 openssl:openssl tmux:tmux redis-server:redis-server \
  ip:iproute2 cc:gcc,libc6-dev chromium:chromium
