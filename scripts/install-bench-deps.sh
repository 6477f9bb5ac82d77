#!/usr/bin/env bash
# Installs the peers `npm run bench` compares enchufe with (Debian packages): ncat (ncat --chat),
# nats-server, redis-server, mosquitto; plus gcc for the load generator and util-linux for taskset.
# Skips what is already there; needs root. The bench skips, with a note, any peer that is missing.
# The Debian packages start system services on their default ports; the bench starts its own copies
# on free loopback ports and does not need them.
set -euo pipefail
source "$(dirname "$0")/ensure-commands.sh"
ensure_commands install-bench-deps cc:gcc,libc6-dev taskset:util-linux ncat:ncat nats-server:nats-server \
  redis-server:redis-server mosquitto:mosquitto
