#!/usr/bin/env bash
# Installs the system programs the test suite drives (Debian packages): python3 for the
# interoperability scripts, openssl as an independent TLS peer, tmux for the terminal test,
# redis-server for the cluster tests, a C compiler for the benchmark's load generator (its test).
# Skips what is already there; needs root (CI runs as root).
set -euo pipefail
need=()
command -v python3 >/dev/null || need+=(python3)
command -v openssl >/dev/null || need+=(openssl)
command -v tmux >/dev/null || need+=(tmux)
command -v redis-server >/dev/null || need+=(redis-server)
command -v ip >/dev/null || need+=(iproute2)
command -v cc >/dev/null || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "install-test-deps: missing ${need[*]}; install them (Debian: apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "install-test-deps: python3 openssl tmux redis-server ip cc present"
