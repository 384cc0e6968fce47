#!/usr/bin/env bash
# Validates core Kubernetes kinds with kubernetes-validate --strict, and makes its "no schema"
# warnings fatal except for known CRD groups (those are checked by validate-k8s.mjs instead).
#
# usage: tools/kv-check.sh K8S_VERSION FILE_OR_DIR...
#   K8S_VERSION  1.33, 1.33.0 or v1.33; an unbundled version is mapped to the nearest bundled one
#   FILE_OR_DIR  YAML files, `-` for stdin, or folders (searched recursively for *.yaml and *.yml)
# env: STRATOFORM_KV_EXTRA_CRD_GROUPS  comma-separated API groups to accept without a schema
# exit: 0 valid, 1 invalid (an ERROR, a YAML error, or a missing schema outside the CRD groups),
#       2 usage error or kubernetes-validate missing
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/lib/common.sh"

# API groups served by CRDs; kubernetes-validate bundles no schema for them.
CRD_GROUPS=(
  gateway.networking.k8s.io security.istio.io networking.istio.io argoproj.io cert-manager.io
  karpenter.sh karpenter.k8s.aws secrets-store.csi.x-k8s.io rabbitmq.com kafka.strimzi.io
  autoscaling.k8s.io monitoring.coreos.com
  kustomize.config.k8s.io # a kustomization.yaml is a build input, not a cluster object
)
IFS=, read -r -a extra <<<"${STRATOFORM_KV_EXTRA_CRD_GROUPS:-}"
CRD_GROUPS+=("${extra[@]}")

usage() {
  sed -n '5,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }
(($# >= 2)) || usage

TOOLS=$(sf_tools_dir)
KV=$TOOLS/venv/bin/kubernetes-validate
[[ -x $KV ]] || KV=$(command -v kubernetes-validate || true)
if [[ -z $KV ]]; then
  printf 'kv-check: error: kubernetes-validate not found\n  help: run `bash scripts/setup.sh`\n' >&2
  exit 2
fi

# --- version: map to a bundled schema set ---------------------------------------------------------
requested=${1#v}
shift
[[ $requested =~ ^1\.([0-9]+)(\.[0-9]+)?$ ]] || {
  printf 'kv-check: error: `%s` is not a Kubernetes version like 1.33\n' "$requested" >&2
  exit 2
}
want=${BASH_REMATCH[1]}
# The bundled sets are the v1.NN.0-local-strict folders next to the package.
schema_dir=$(compgen -G "$(dirname "$(readlink -f "$KV")")/../lib/python*/site-packages/kubernetes_validate/kubernetes-json-schema" | head -n1 || true)
mapfile -t bundled < <(
  if [[ -n $schema_dir ]]; then
    compgen -G "$schema_dir/v1.*.0-local-strict" | sed -E 's|.*/v1\.([0-9]+)\.0-local-strict$|\1|' | sort -n
  else
    seq 25 37 # kubernetes-validate 1.37.0 bundles 1.25 ... 1.37
  fi
)
((${#bundled[@]})) || { printf 'kv-check: error: no bundled schemas found under %s\n' "$schema_dir" >&2; exit 2; }
use=${bundled[0]}
for m in "${bundled[@]}"; do
  if (((m > want ? m - want : want - m) < (use > want ? use - want : want - use))); then use=$m; fi
done
if ((use != want)); then
  printf 'kv-check: note: no bundled schema for Kubernetes 1.%s; validating against 1.%s (bundled: 1.%s ... 1.%s)\n' \
    "$want" "$use" "${bundled[0]}" "${bundled[-1]}" >&2
fi

# --- inputs: kubernetes-validate takes files only ------------------------------------------------
files=()
for input in "$@"; do
  if [[ $input == - || -f $input ]]; then
    files+=("$input")
  elif [[ -d $input ]]; then
    mapfile -t found < <(find "$input" \( -name '.?*' -o -name node_modules \) -prune -o \
      -type f \( -name '*.yaml' -o -name '*.yml' \) -print | LC_ALL=C sort)
    files+=("${found[@]}")
  else
    printf 'kv-check: error: no such file or folder: %s\n' "$input" >&2
    exit 2
  fi
done
((${#files[@]})) || { printf 'kv-check: error: no *.yaml or *.yml files in %s\n' "$*" >&2; exit 2; }

# --- run ------------------------------------------------------------------------------------------
# kubernetes-validate stops at the first unreadable or unparsable file (SystemExit), so report that
# file and run again on the files after it.
out=""
fatal=()
rc=0
errfile=$(mktemp)
trap 'rm -f "$errfile"' EXIT
rest=("${files[@]}")
while ((${#rest[@]})); do
  set +e
  out+=$("$KV" --strict --quiet -k "1.$use.0" "${rest[@]}" 2>"$errfile")$'\n'
  run_rc=$?
  set -e
  ((run_rc == 0)) || rc=$run_rc
  [[ -s $errfile ]] || break
  fatal+=("$(<"$errfile")")
  first=$(head -n1 "$errfile")
  next=()
  for i in "${!rest[@]}"; do
    f=${rest[$i]}
    if [[ $first == "Couldn't parse YAML from file $f: "* || $first == "Couldn't open file $f for reading"* ]]; then
      next=("${rest[@]:i+1}")
      break
    fi
  done
  rest=("${next[@]}")
done

# --- classify ---------------------------------------------------------------------------------------
is_crd_group() {
  local g
  for g in "${CRD_GROUPS[@]}"; do [[ $1 == "$g" ]] && return 0; done
  return 1
}

problems=0
skipped=0
no_schema_re="^WARN (.*) Couldn't find schema for kind ([^ ]+) with api version ([^ ]+) for kubernetes version"
while IFS= read -r line; do
  [[ -n $line ]] || continue
  if [[ $line =~ $no_schema_re ]]; then
    file=${BASH_REMATCH[1]} kind=${BASH_REMATCH[2]} api=${BASH_REMATCH[3]}
    group=""
    [[ $api == */* ]] && group=${api%/*}
    if is_crd_group "$group"; then
      skipped=$((skipped + 1))
      printf 'SKIP %s %s/%s: CRD group %s has no bundled schema (check it with validate-k8s.mjs)\n' "$file" "$api" "$kind" "$group"
    else
      problems=$((problems + 1))
      printf 'ERROR %s %s/%s: no schema in Kubernetes 1.%s (a removed or misspelled API, or a CRD group kv-check does not know)\n' \
        "$file" "$api" "$kind" "$use"
    fi
  elif [[ $line == ERROR* || $line == WARN* || $line == FATAL* ]]; then
    problems=$((problems + 1))
    printf '%s\n' "$line"
  else
    printf '%s\n' "$line"
  fi
done <<<"$out"

# YAML parse errors and unreadable files (multi-line messages on stderr).
for msg in "${fatal[@]}"; do
  problems=$((problems + 1))
  printf '%s\n' "$msg" | sed -E "1s/^/ERROR /; 2,\$s/^/    /"
done
if ((rc != 0 && problems == 0)); then
  problems=1
  printf 'ERROR kubernetes-validate exited with status %s\n' "$rc"
fi

printf 'summary: files=%s kubernetes=1.%s problems=%s crd-skipped=%s\n' "${#files[@]}" "$use" "$problems" "$skipped"
((problems == 0))
