#!/usr/bin/env bash
# Installs the external tools the test suite drives into .tools/ (git-ignored) and writes
# .tools/env.sh. Idempotent: a step whose inputs did not change is skipped, so a second run
# takes well under a second. See tools/README.md.
#
# usage: bash scripts/setup.sh [--force] [--relock]
#   --force   rebuild every step even if its stamp is current
#   --relock  resolve tools/python/requirements*.txt afresh and rewrite the *.lock files
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

ROOT=$(sf_root)
TOOLS=$(sf_tools_dir)
FORCE=0
RELOCK=0
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    --relock) RELOCK=1; FORCE=1 ;;
    -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) sf_die "unknown argument \`$arg\`" "run \`bash scripts/setup.sh --help\`" ;;
  esac
done

START_MS=$(sf_now_ms)
mkdir -p "$TOOLS/stamps" "$TOOLS/run" "$TOOLS/bin"

# One setup at a time (test.sh may call setup.sh from several shells).
exec 9>"$TOOLS/.setup.lock"
flock 9

# A step is current when its stamp holds the fingerprint of its inputs.
stamp_ok() { [[ $FORCE == 0 && -f $TOOLS/stamps/$1 && $(<"$TOOLS/stamps/$1") == "$2" ]]; }
stamp_write() { printf '%s\n' "$2" >"$TOOLS/stamps/$1"; }

# --- prerequisites -----------------------------------------------------------------------------
check_prereqs() {
  local missing=()
  command -v terraform >/dev/null ||
    missing+=("\`terraform\` not found on PATH; install Terraform >= 1.5 (this project is tested with 1.11.4) and put it on PATH")
  command -v kubectl >/dev/null ||
    missing+=("\`kubectl\` not found on PATH; install kubectl >= 1.30 (it provides \`kubectl kustomize\`)")
  command -v node >/dev/null && command -v npm >/dev/null ||
    missing+=("\`node\`/\`npm\` not found on PATH; install Node.js >= 20 with npm")
  command -v "${STRATOFORM_PYTHON:-python3}" >/dev/null ||
    missing+=("\`${STRATOFORM_PYTHON:-python3}\` not found; install Python >= 3.9 with the venv module, or set STRATOFORM_PYTHON")
  if ((${#missing[@]})); then
    printf 'error: setup cannot continue, missing prerequisites\n' >&2
    printf '  help: %s\n' "${missing[@]}" >&2
    exit 1
  fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  ((node_major >= 20)) || sf_die "node $(node --version) is too old" "install Node.js >= 20"
}

# --- Python venvs --------------------------------------------------------------------------------
# setup_venv NAME REQUIREMENTS LOCK SMOKE_CMD...
setup_venv() {
  local name=$1 req=$2 lock=$3
  shift 3
  local dir=$TOOLS/$name fp
  fp=$(sf_fingerprint "$req" "$lock" "${STRATOFORM_PYTHON:-python3}")
  if [[ -x $dir/bin/python ]] && stamp_ok "$name" "$fp"; then
    sf_step "$name: up to date"
    return
  fi
  sf_step "$name: installing $(grep -v '^#' "$req" | grep -v '^$' | tr '\n' ' ')"
  local py=${STRATOFORM_PYTHON:-python3} t0
  t0=$(sf_now_ms)
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
    sf_die "$py is $("$py" --version 2>&1); Python >= 3.9 is needed" "install a newer Python or set STRATOFORM_PYTHON"
  rm -f "$TOOLS/stamps/$name"
  "$py" -m venv --clear "$dir" ||
    sf_die "could not create the venv $dir" "install the Python venv module (Debian/Ubuntu: apt-get install python3-venv)"
  local pip=("$dir/bin/python" -m pip --disable-pip-version-check --no-input -q)
  if [[ $RELOCK == 1 || ! -f $lock ]]; then
    "${pip[@]}" install -r "$req"
    {
      printf '# Frozen by `bash scripts/setup.sh --relock` from %s; used as pip constraints.\n' "$(basename "$req")"
      "${pip[@]}" freeze --all --exclude pip --exclude setuptools --exclude wheel
    } >"$lock"
    sf_log "    wrote ${lock#"$ROOT"/}"
    fp=$(sf_fingerprint "$req" "$lock" "$py")
  else
    "${pip[@]}" install -r "$req" -c "$lock"
  fi
  "$@" >/dev/null || sf_die "$name: smoke test \`$*\` failed" "re-run with \`bash scripts/setup.sh --force\`"
  stamp_write "$name" "$fp"
  sf_log "    done in $((($(sf_now_ms) - t0) / 1000)) s"
}

# --- npm packages for CRD validation -------------------------------------------------------------
setup_npm() {
  local dir=$ROOT/tools/k8s-validate fp
  fp=$(sf_fingerprint "$dir/package.json" "$dir/package-lock.json" "node-$(node -p 'process.versions.node.split(".")[0]')")
  if [[ -d $dir/node_modules/@kubernetes-models ]] && stamp_ok k8s-validate "$fp"; then
    sf_step "k8s-validate (npm): up to date"
    return
  fi
  sf_step "k8s-validate (npm): npm ci"
  local t0
  t0=$(sf_now_ms)
  rm -f "$TOOLS/stamps/k8s-validate"
  # The newest @kubernetes-models releases declare engines.node >= 22 but work on Node 20;
  # --loglevel=error hides the EBADENGINE warnings. No package here needs install scripts.
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  node "$dir/validate-k8s.mjs" "$ROOT/tools/testdata/k8s/crd-good" >/dev/null ||
    sf_die "k8s-validate: smoke test failed" "run \`node tools/k8s-validate/validate-k8s.mjs tools/testdata/k8s/crd-good\`"
  stamp_write k8s-validate "$fp"
  sf_log "    done in $((($(sf_now_ms) - t0) / 1000)) s"
}

# --- docs diagrams: mermaid's parser (npm) and headless Chromium ----------------------------------
setup_mermaid() {
  local dir=$ROOT/tools/mermaid-check fp
  fp=$(sf_fingerprint "$dir/package.json" "$dir/package-lock.json" "node-$(node -p 'process.versions.node.split(".")[0]')")
  if [[ -d $dir/node_modules/mermaid ]] && stamp_ok mermaid-check "$fp"; then
    sf_step "mermaid-check (npm): up to date"
    return
  fi
  sf_step "mermaid-check (npm): npm ci"
  rm -f "$TOOLS/stamps/mermaid-check"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  printf 'flowchart LR\n  a --> b\n' >"$TOOLS/mermaid-smoke.mmd"
  node "$dir/mermaid-check.mjs" "$TOOLS/mermaid-smoke.mmd" >/dev/null ||
    sf_die "mermaid-check: smoke test failed" "run \`node tools/mermaid-check/mermaid-check.mjs\` on a .mmd file"
  stamp_write mermaid-check "$fp"
}

# The docs tests open every generated SVG in headless Chromium (Debian package `chromium`).
setup_chromium() {
  if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
    sf_step "chromium: $(command -v chromium || command -v chromium-browser)"
  elif [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    sf_step "chromium: apt-get install chromium (system-wide; the docs tests open every SVG in it)"
    # A fresh machine has no package lists yet: refresh them once, then install.
    { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }; } ||
      sf_die "chromium: apt-get install failed" "install the Debian package \`chromium\` (or put a Chromium on PATH as \`chromium\`)"
  else
    sf_log "    chromium not found: the SVG rendering tests skip (or fail with STRATOFORM_REQUIRE_TOOLS=1); install the Debian package \`chromium\`"
  fi
}

# --- Terraform: offline provider mirror ----------------------------------------------------------
# Prints the directory that holds registry.terraform.io/hashicorp/aws/... (unpacked or packed layout).
mirror_root_of() { local p=$1; printf '%s\n' "${p%%/registry.terraform.io/hashicorp/aws/*}"; }
is_mirror() { compgen -G "$1/registry.terraform.io/hashicorp/aws/*" >/dev/null; }

find_tf_mirror() {
  if [[ -n ${STRATOFORM_TF_MIRROR:-} ]]; then
    is_mirror "$STRATOFORM_TF_MIRROR" ||
      sf_die "STRATOFORM_TF_MIRROR=$STRATOFORM_TF_MIRROR holds no registry.terraform.io/hashicorp/aws"
    printf '%s\n' "$STRATOFORM_TF_MIRROR"
    return
  fi
  local hit
  # Likely places first (milliseconds), then the whole file system (a few seconds).
  # Provider copies inside working dirs (.terraform/) or our own .tools are not mirrors.
  for roots in "/opt /usr/local/share /usr/share /usr/local/lib /var/lib ${HOME:-/root}/.terraform.d" "/"; do
    # shellcheck disable=SC2086
    hit=$(find $roots \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -name .terraform \
      -o -path "$TOOLS" -o -path "$ROOT/target" -o -name node_modules \) -prune \
      -o -name 'terraform-provider-aws_*' -path '*/registry.terraform.io/hashicorp/aws/*' -print 2>/dev/null |
      sort | head -n1 || true)
    [[ -n $hit ]] && break
  done
  [[ -n $hit ]] || sf_die "no Terraform provider mirror with hashicorp/aws found on this machine" \
    "create one with \`terraform providers mirror <dir>\` on a connected machine (aws 5.x), copy it here" \
    "then re-run with STRATOFORM_TF_MIRROR=<dir>"
  mirror_root_of "$hit"
}

setup_terraform() {
  local cached=$TOOLS/stamps/tf-mirror mirror
  if [[ $FORCE == 0 && -f $cached && -f $TOOLS/terraformrc ]] && is_mirror "$(<"$cached")" &&
    [[ -z ${STRATOFORM_TF_MIRROR:-} || $STRATOFORM_TF_MIRROR == "$(<"$cached")" ]]; then
    TF_MIRROR=$(<"$cached")
    sf_step "terraform: up to date (provider mirror $TF_MIRROR)"
  else
    sf_step "terraform: locating the provider mirror"
    mirror=$(find_tf_mirror)
    cat >"$TOOLS/terraformrc.tmp" <<EOF
# Generated by scripts/setup.sh. hashicorp/aws comes from the local mirror only; other providers
# would be fetched directly (and fail offline).
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
    mv "$TOOLS/terraformrc.tmp" "$TOOLS/terraformrc"
    printf '%s\n' "$mirror" >"$cached"
    TF_MIRROR=$mirror
    sf_log "    mirror $mirror, wrote .tools/terraformrc"
  fi
  # Versions are directory names in the unpacked layout, or part of the zip names in the packed one.
  TF_AWS_VERSIONS=$(
    cd "$TF_MIRROR/registry.terraform.io/hashicorp/aws" &&
      for e in *; do
        if [[ -d $e ]]; then printf '%s\n' "$e"; else e=${e#terraform-provider-aws_}; printf '%s\n' "${e%%_*}"; fi
      done | sort -uV | tr '\n' ' ' | sed 's/ $//'
  )
}

# --- entry points and env.sh --------------------------------------------------------------------
link_bins() {
  # Only the entry points go on PATH, not the venv bin dirs, so `python`/`pip` are not shadowed.
  local target
  for target in \
    "$TOOLS/venv/bin/kubernetes-validate" "$TOOLS/venv/bin/moto_server" "$TOOLS/venv/bin/jsonschema" "$TOOLS/venv/bin/aws" \
    "$TOOLS/venv-checkov/bin/checkov" \
    "$ROOT/tools/kv-check.sh" "$ROOT/tools/moto.sh" "$ROOT/tools/tf-local-override.sh" \
    "$ROOT/tools/k8s-validate/validate-k8s.mjs" "$ROOT/tools/mermaid-check/mermaid-check.mjs"; do
    [[ -e $target ]] || continue
    [[ $(readlink "$TOOLS/bin/${target##*/}" 2>/dev/null) == "$target" ]] || ln -sfn "$target" "$TOOLS/bin/${target##*/}"
  done
}

write_env() {
  local new=$TOOLS/env.sh.tmp
  cat >"$new" <<EOF
# Generated by scripts/setup.sh; do not edit. Source it: . .tools/env.sh
export STRATOFORM_ROOT='$ROOT'
export STRATOFORM_TOOLS_DIR='$TOOLS'
export TF_CLI_CONFIG_FILE='$TOOLS/terraformrc'
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export STRATOFORM_TF_PROVIDER_MIRROR='$TF_MIRROR'
export STRATOFORM_TF_AWS_VERSIONS='$TF_AWS_VERSIONS'
export STRATOFORM_PYTHON='$TOOLS/venv/bin/python'
export STRATOFORM_CHECKOV='$TOOLS/venv-checkov/bin/checkov'
export STRATOFORM_KV_CHECK='$ROOT/tools/kv-check.sh'
export STRATOFORM_K8S_VALIDATE='$ROOT/tools/k8s-validate/validate-k8s.mjs'
export STRATOFORM_MERMAID_CHECK='$ROOT/tools/mermaid-check/mermaid-check.mjs'
export STRATOFORM_MOTO='$ROOT/tools/moto.sh'
export STRATOFORM_TF_LOCAL_OVERRIDE='$ROOT/tools/tf-local-override.sh'
case ":\$PATH:" in *':$TOOLS/bin:'*) ;; *) export PATH='$TOOLS/bin':"\$PATH" ;; esac
EOF
  if cmp -s "$new" "$TOOLS/env.sh"; then rm -f "$new"; else mv "$new" "$TOOLS/env.sh"; sf_log "    wrote .tools/env.sh"; fi
}

# run_parallel NAME CMD... ; wait_parallel: the slow, independent steps (two pip installs, npm ci)
# run side by side, each logging to .tools/logs/NAME.log. Each says when it starts; its log is
# printed when it ends, with its time; while any runs, a line every 20 s says which and for how long.
PAR_NAMES=()
PAR_PIDS=()
PAR_START=()
run_parallel() {
  local name=$1
  shift
  mkdir -p "$TOOLS/logs"
  ("$@") >"$TOOLS/logs/$name.log" 2>&1 &
  PAR_NAMES+=("$name")
  PAR_PIDS+=($!)
  PAR_START+=("$(sf_now_ms)")
  sf_step "$name: started (log: .tools/logs/$name.log)"
}
wait_parallel() {
  local i failed=() pending=("${!PAR_PIDS[@]}") still running last_note now
  last_note=$(sf_now_ms)
  while ((${#pending[@]})); do
    still=()
    for i in "${pending[@]}"; do
      if kill -0 "${PAR_PIDS[$i]}" 2>/dev/null; then
        still+=("$i")
        continue
      fi
      now=$(sf_now_ms)
      if wait "${PAR_PIDS[$i]}"; then
        cat "$TOOLS/logs/${PAR_NAMES[$i]}.log" >&2
        sf_log "    ${PAR_NAMES[$i]}: finished in $(((now - PAR_START[i]) / 1000)) s"
      else
        tail -n 40 "$TOOLS/logs/${PAR_NAMES[$i]}.log" >&2
        sf_log "    ${PAR_NAMES[$i]}: FAILED after $(((now - PAR_START[i]) / 1000)) s"
        failed+=("${PAR_NAMES[$i]}")
      fi
    done
    pending=("${still[@]}")
    ((${#pending[@]})) || break
    now=$(sf_now_ms)
    if ((now - last_note >= 20000)); then
      running=""
      for i in "${pending[@]}"; do running+=" ${PAR_NAMES[$i]} ($(((now - PAR_START[i]) / 1000)) s)"; done
      sf_log "    still running:$running"
      last_note=$now
    fi
    sleep 0.5
  done
  ((${#failed[@]} == 0)) || sf_die "setup failed: ${failed[*]}" "see .tools/logs/<step>.log, then re-run \`bash scripts/setup.sh\`"
}

check_prereqs
run_parallel venv setup_venv venv "$ROOT/tools/python/requirements.txt" "$ROOT/tools/python/requirements.lock" \
  "$TOOLS/venv/bin/python" -c 'import jsonschema, kubernetes_validate, moto.server'
run_parallel venv-checkov setup_venv venv-checkov "$ROOT/tools/python/requirements-checkov.txt" \
  "$ROOT/tools/python/requirements-checkov.lock" "$TOOLS/venv-checkov/bin/checkov" --version
run_parallel k8s-validate setup_npm
run_parallel mermaid-check setup_mermaid
setup_chromium
setup_terraform
wait_parallel
link_bins
write_env
sf_step "setup done in $(($(sf_now_ms) - START_MS)) ms; use: . .tools/env.sh"
