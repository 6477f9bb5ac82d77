# Sourced by install-test-deps.sh and install-bench-deps.sh: installs the Debian packages of the commands
# that are missing. Usage: ensure_commands LABEL COMMAND:PACKAGE[,PACKAGE...] ...
# When everything is present it only looks (no apt-get call, no root needed). When something is missing
# and it cannot install (not root, or no apt-get), it fails at once with one line naming the commands and
# their Debian packages: a gap is never hidden behind a skipped test.
ensure_commands() {
  local label=$1
  shift
  local missing=() packages=() names=() entry command
  for entry in "$@"; do
    command=${entry%%:*}
    names+=("$command")
    if ! command -v "$command" >/dev/null; then
      missing+=("$command")
      packages+=(${entry#*:})
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local what="missing ${missing[*]} (Debian packages: ${packages[*]})"
    if [ "$(id -u)" != "0" ]; then
      echo "$label: $what; not root, so not installing: run as root or install them yourself (apt-get install ${packages[*]})" >&2
      return 1
    fi
    if ! command -v apt-get >/dev/null; then
      echo "$label: $what; no apt-get here: install them with this system's package manager" >&2
      return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    for command in "${missing[@]}"; do
      if ! command -v "$command" >/dev/null; then
        echo "$label: apt-get installed ${packages[*]} but $command is still missing" >&2
        return 1
      fi
    done
  fi
  echo "$label: ${names[*]} present"
}
