#!/usr/bin/env bash
# Installs the peers `npm run bench` compares enchufe with (Debian packages): ncat (ncat --chat),
# nats-server, redis-server, mosquitto; plus gcc for the load generator and util-linux for taskset.
# Skips what is already there; needs root. The bench skips, with a note, any peer that is missing.
set -euo pipefail
need=()
command -v cc >/dev/null || need+=(gcc)
command -v taskset >/dev/null || need+=(util-linux)
command -v ncat >/dev/null || need+=(ncat)
command -v nats-server >/dev/null || need+=(nats-server)
command -v redis-server >/dev/null || need+=(redis-server)
command -v mosquitto >/dev/null || need+=(mosquitto)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "install-bench-deps: missing ${need[*]}; install them as root (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The Debian packages start system services on their default ports; the bench starts its own copies
  # on free loopback ports and does not need them.
fi
echo "install-bench-deps: cc taskset ncat nats-server redis-server mosquitto present"
