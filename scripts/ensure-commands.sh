# Sourced by install-test-deps.sh and install-bench-deps.sh: installs the Debian packages of the commands
# that are missing. Usage: ensure_commands LABEL COMMAND:PACKAGE[,PACKAGE...] ...
# Skips what is already there; needs root to install (CI runs as root).
ensure_commands() {
  local label=$1
  shift
  local need=() names=() entry command packages
  for entry in "$@"; do
    command=${entry%%:*}
    packages=${entry#*:}
    names+=("$command")
    command -v "$command" >/dev/null || need+=(${packages//,/ })
  done
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != "0" ]; then
      echo "$label: missing ${need[*]}; install them as root (Debian: apt-get install ${need[*]})" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  echo "$label: ${names[*]} present"
}
