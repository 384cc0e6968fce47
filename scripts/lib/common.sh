# Shared helpers for scripts/*.sh and tools/*.sh. Source it; it defines functions only.
# shellcheck shell=bash

# Repository root: the parent of the folder holding scripts/ or tools/.
sf_root() {
  (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

# Where setup.sh installs everything (git-ignored).
sf_tools_dir() {
  printf '%s\n' "${STRATOFORM_TOOLS_DIR:-$(sf_root)/.tools}"
}

sf_log() { printf '%s\n' "$*" >&2; }
sf_step() { printf '==> %s\n' "$*" >&2; }
sf_die() {
  printf 'error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  help: %s\n' "$line" >&2; done
  exit 1
}

# sha256 of the given files' contents plus any extra strings, as one hex word.
sf_fingerprint() {
  local f
  {
    for f in "$@"; do
      if [[ -f $f ]]; then cat -- "$f"; else printf '%s\n' "$f"; fi
    done
  } | sha256sum | cut -d' ' -f1
}

# Milliseconds since the epoch (for timing lines).
sf_now_ms() { date +%s%3N; }
