#!/usr/bin/env bash
# Fuzzes the loader or the whole pipeline with libFuzzer (cargo fuzz, nightly Rust). The seed
# corpus is built from the repository each run: examples/*/platform.yaml, the loader's test
# fixtures and fuzz/regressions/TARGET/. The dictionary is fuzz/yaml-syntax.dict plus every key
# and enum value of schema/platform.schema.json. See fuzz/README.md.
#
# usage: bash scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_ARGS...]
#        bash scripts/fuzz.sh TARGET --runs N [LIBFUZZER_ARGS...]
#   TARGET   loader or pipeline
#   SECONDS  -max_total_time; the run keeps what it found in fuzz/corpus/TARGET (git-ignored)
#   --runs N replay the seeds, then N more inputs (a bounded run)
# A crash is kept in fuzz/artifacts/TARGET/ (cargo fuzz's default) and the script exits
# non-zero. cargo-fuzz is installed into .tools/cargo-fuzz when it is not on PATH.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

ROOT=$(sf_root)
TOOLS=$(sf_tools_dir)
cd "$ROOT"

(($# >= 2)) || sf_die "usage: bash scripts/fuzz.sh TARGET SECONDS|--runs N [LIBFUZZER_ARGS...]"
TARGET=$1
shift
case $TARGET in loader | pipeline) ;; *) sf_die "unknown fuzz target \`$TARGET\`" "use \`loader\` or \`pipeline\`" ;; esac
if [[ $1 == --runs ]]; then
  (($# >= 2)) || sf_die "--runs needs a number"
  BOUND=("-runs=$2")
  shift 2
else
  BOUND=("-max_total_time=$1")
  shift
fi

# --- tools ---------------------------------------------------------------------------------------
rustup toolchain list | grep -q '^nightly' ||
  sf_die "cargo fuzz needs a nightly Rust toolchain" "run \`rustup toolchain install nightly --profile minimal\`"
if ! command -v cargo-fuzz >/dev/null; then
  export PATH=$TOOLS/cargo-fuzz/bin:$PATH
  if ! command -v cargo-fuzz >/dev/null; then
    sf_step "cargo-fuzz: cargo install cargo-fuzz --locked (into .tools/cargo-fuzz)"
    mkdir -p "$TOOLS/cargo-fuzz"
    CARGO_TARGET_DIR=$TOOLS/cargo-fuzz/build cargo install cargo-fuzz --locked --root "$TOOLS/cargo-fuzz" --quiet
    rm -rf "$TOOLS/cargo-fuzz/build"
  fi
fi

# --- seeds and dictionary --------------------------------------------------------------------------
SEEDS=fuzz/seeds/$TARGET
rm -rf "$SEEDS"
mkdir -p "$SEEDS" "fuzz/corpus/$TARGET" "fuzz/artifacts/$TARGET"
seed() {
  local f
  for f in "$@"; do
    [[ -f $f ]] || continue
    cp "$f" "$SEEDS/$(sha1sum "$f" | cut -c1-40)"
  done
}
seed examples/*/platform.yaml crates/stratoform-loader/tests/fixtures/*/platform.yaml fuzz/regressions/"$TARGET"/*
python3 - schema/platform.schema.json fuzz/yaml-syntax.dict >fuzz/seeds/spec.dict <<'PY'
import json, sys
schema = json.load(open(sys.argv[1]))
keys, values = set(), set()
def walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                keys.update(v)
            elif k == "enum" and isinstance(v, list):
                values.update(x for x in v if isinstance(x, str))
            elif k == "const" and isinstance(v, str):
                values.add(v)
            walk(v)
    elif isinstance(node, list):
        for x in node:
            walk(x)
walk(schema)
sys.stdout.write(open(sys.argv[2]).read())
quote = lambda s: json.dumps(s, ensure_ascii=True).replace("\\u00", "\\x")
for k in sorted(keys):
    print(quote(k + ": "))
for v in sorted(values):
    print(quote(v))
PY
sf_step "fuzz $TARGET: $(ls "$SEEDS" | wc -l) seeds, $(ls "fuzz/corpus/$TARGET" | wc -l) inputs kept from earlier runs, ${BOUND[*]}"

# --- run -----------------------------------------------------------------------------------------
# No sanitizer: the product is safe Rust, and without ASan it runs about twice as fast. Debug
# assertions (overflow checks included) are on, so arithmetic that would wrap is a finding.
cd fuzz
exec cargo +nightly fuzz run --sanitizer none --debug-assertions "$TARGET" "corpus/$TARGET" "seeds/$TARGET" -- \
  -dict=seeds/spec.dict -rss_limit_mb=2048 -timeout=10 -max_len=131072 -print_final_stats=1 \
  "${BOUND[@]}" "$@"
