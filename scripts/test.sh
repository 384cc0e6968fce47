#!/usr/bin/env bash
# Runs the Rust test suite with the external tools from .tools/ on PATH (runs setup.sh first if
# .tools/env.sh is missing). STRATOFORM_REQUIRE_TOOLS=1 makes tests that need an external tool
# fail instead of skip when it is missing.
#
# usage: bash scripts/test.sh [ARGS...]
#   ARGS go to `cargo nextest run` (or `cargo test` when cargo-nextest is not installed).
#   With nextest, doc tests run afterwards via `cargo test --doc` unless ARGS are given
#   (set STRATOFORM_DOCTESTS=1 to run them anyway). Without ARGS, tools/selftest.sh runs first.
# moto instances that tests start through tools/moto.sh live in a per-run folder and are stopped
# when the run ends.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

ROOT=$(sf_root)
TOOLS=$(sf_tools_dir)
cd "$ROOT"

[[ -f $TOOLS/env.sh ]] || bash scripts/setup.sh
# shellcheck source=/dev/null
. "$TOOLS/env.sh"
export STRATOFORM_REQUIRE_TOOLS=1

STRATOFORM_MOTO_RUN_DIR=$TOOLS/run/test-$$
export STRATOFORM_MOTO_RUN_DIR
# The long proofs (Terraform on the emulator, terraform validate) append a line per step to this
# file (`progress` in their support code); it is printed as they go, while the test harness keeps
# the rest of a test's output until the test ends.
mkdir -p "$STRATOFORM_MOTO_RUN_DIR"
STRATOFORM_PROGRESS=$STRATOFORM_MOTO_RUN_DIR/progress.log
export STRATOFORM_PROGRESS
: >"$STRATOFORM_PROGRESS"
(tail -n +1 -F "$STRATOFORM_PROGRESS" 2>/dev/null | sed -u 's/^/  progress: /' >&2) &
PROGRESS_PID=$!
cleanup() {
  # SIGPIPE: the subshell then ends without a "Terminated" line.
  pkill -PIPE -P "$PROGRESS_PID" 2>/dev/null || true
  if [[ -d $STRATOFORM_MOTO_RUN_DIR ]]; then
    "$ROOT/tools/moto.sh" stop all 2>/dev/null || true
    rm -rf "$STRATOFORM_MOTO_RUN_DIR"
  fi
}
trap cleanup EXIT

status=0
if (($# == 0)); then
  sf_step "tools/selftest.sh (the external tools give their documented verdicts)"
  "$ROOT/tools/selftest.sh" || status=$?
fi
if command -v cargo-nextest >/dev/null; then
  sf_step "cargo nextest run --workspace --no-fail-fast $*"
  cargo nextest run --workspace --no-fail-fast "$@" || status=$?
  if (($# == 0)) || [[ ${STRATOFORM_DOCTESTS:-} == 1 ]]; then
    sf_step "cargo test --doc --workspace"
    log=$(mktemp)
    set +e
    cargo test --doc --workspace 2>&1 | tee "$log"
    doc_status=${PIPESTATUS[0]}
    set -e
    # A workspace without library crates has no doc tests; cargo reports that as an error.
    if ((doc_status != 0)) && ! grep -q 'no library targets found' "$log"; then status=$doc_status; fi
    rm -f "$log"
  fi
else
  sf_step "cargo test --workspace --no-fail-fast $* (cargo-nextest not found)"
  cargo test --workspace --no-fail-fast "$@" || status=$?
fi
exit "$status"
