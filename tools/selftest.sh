#!/usr/bin/env bash
# Checks that the tool wrappers give the documented verdicts on tools/testdata (about 3 s), so a
# broken tool install shows up as such and not as a failing product test.
#
# usage: tools/selftest.sh      (after `bash scripts/setup.sh`)
# exit: 0 all checks passed, 1 some check failed
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
TOOLS=${STRATOFORM_TOOLS_DIR:-$ROOT/.tools}
# shellcheck source=/dev/null
. "$TOOLS/env.sh" || { echo "selftest: no $TOOLS/env.sh; run bash scripts/setup.sh" >&2; exit 1; }
cd "$ROOT" || exit 1
K8S=$ROOT/tools/testdata/k8s
failed=0
# A private moto run folder, so the selftest never touches an instance someone else started.
STRATOFORM_MOTO_RUN_DIR=$(mktemp -d)
export STRATOFORM_MOTO_RUN_DIR
trap 'tools/moto.sh stop all 2>/dev/null; rm -rf "$STRATOFORM_MOTO_RUN_DIR"' EXIT

# expect WANT_RC DESCRIPTION CMD...
expect() {
  local want=$1 what=$2 out rc
  shift 2
  out=$("$@" 2>&1)
  rc=$?
  if ((rc == want)); then
    printf 'ok    %s (exit %s)\n' "$what" "$rc"
  else
    printf 'FAIL  %s: exit %s, expected %s\n' "$what" "$rc" "$want"
    printf '%s\n' "$out" | tail -n 15 | sed 's/^/      /'
    failed=1
  fi
}

expect 0 "kv-check: core kinds pass" tools/kv-check.sh 1.33 "$K8S/good"
expect 0 "kv-check: CRD groups are skipped" tools/kv-check.sh 1.33 "$K8S/crd-good" "$K8S/mixed"
expect 1 "kv-check: unknown field (--strict)" tools/kv-check.sh 1.33 "$K8S/bad/unknown-field.yaml"
expect 1 "kv-check: wrong type" tools/kv-check.sh 1.33 "$K8S/bad/wrong-type.yaml"
expect 1 "kv-check: removed API has no schema" tools/kv-check.sh 1.33 "$K8S/bad/removed-api.yaml"
expect 2 "kv-check: bad version" tools/kv-check.sh nope "$K8S/good"

V=$ROOT/tools/k8s-validate/validate-k8s.mjs
expect 0 "validate-k8s: core + CRD kinds pass" node "$V" "$K8S/good" "$K8S/crd-good"
expect 1 "validate-k8s: CRD required field and enum" node "$V" --skip-core "$K8S/crd-bad/route.yaml"
expect 1 "validate-k8s: core enum" node "$V" "$K8S/bad/bad-enum.yaml"
expect 2 "validate-k8s: kind without model" node "$V" "$K8S/crd-bad/old-version.yaml"
expect 2 "validate-k8s: SecretProviderClass is unknown" node "$V" "$K8S/mixed"
expect 0 "validate-k8s: --allow-unknown" node "$V" --allow-unknown secrets-store.csi.x-k8s.io "$K8S/mixed"

expect 0 "python venv: jsonschema 2020-12" "$STRATOFORM_PYTHON" -c \
  'import jsonschema; jsonschema.Draft202012Validator.check_schema({"type": "object"})'
expect 0 "tf-local-override: valid HCL" bash -c \
  "tools/tf-local-override.sh http://127.0.0.1:1 us-east-1 --alias west=us-west-2 | terraform fmt -"

port=""
if endpoint=$(tools/moto.sh start 2>/dev/null); then
  port=${endpoint##*:}
  printf 'ok    moto: started at %s\n' "$endpoint"
  expect 0 "moto: status" tools/moto.sh status "$port"
  expect 0 "moto: reset" tools/moto.sh reset "$port"
  expect 0 "moto: stop" tools/moto.sh stop "$port"
  expect 1 "moto: status after stop" tools/moto.sh status "$port"
else
  printf 'FAIL  moto: start\n'
  failed=1
fi

((failed == 0)) && echo "selftest: all checks passed" || echo "selftest: FAILED"
exit "$failed"
