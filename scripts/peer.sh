#!/usr/bin/env bash
# Installs the speed peer, CDK EKS Blueprints, into .tools/peers/cdk-eks-blueprints (git-ignored)
# for `stratoform-bench process --compare`. The blueprint (`app.js`, 1 cluster, 1 managed node
# group, 5 add-ons) and its offline context come from the peers folder beside the project
# (`../shared/peers/cdk-eks-blueprints`, or STRATOFORM_PEER_SOURCE); nothing of it is committed.
# Idempotent: a second run with the same inputs does nothing.
#
# usage: bash scripts/peer.sh
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/common.sh"

ROOT=$(sf_root)
TOOLS=$(sf_tools_dir)
SOURCE=${STRATOFORM_PEER_SOURCE:-$ROOT/../shared/peers/cdk-eks-blueprints}
DEST=$TOOLS/peers/cdk-eks-blueprints
# The versions the peer's own notes name.
PACKAGES=(aws-cdk-lib@2.261.0 constructs aws-cdk@2.1129.0 @aws-quickstart/eks-blueprints@1.19.0)

[[ -f $SOURCE/app.js && -f $SOURCE/cdk.context.json ]] ||
  sf_die "no peer blueprint at $SOURCE" "set STRATOFORM_PEER_SOURCE to the folder that holds app.js and cdk.context.json"
command -v node >/dev/null && command -v npm >/dev/null || sf_die "\`node\`/\`npm\` not found on PATH" "install Node.js >= 20 with npm"

mkdir -p "$DEST" "$TOOLS/stamps"
FINGERPRINT=$(cat "$SOURCE/app.js" "$SOURCE/cdk.context.json" <(printf '%s\n' "${PACKAGES[@]}") | sha256sum | cut -d' ' -f1)
if [[ -f $TOOLS/stamps/peer && $(<"$TOOLS/stamps/peer") == "$FINGERPRINT" && -d $DEST/node_modules ]]; then
  sf_step "peer (CDK EKS Blueprints): up to date"
  exit 0
fi
sf_step "peer (CDK EKS Blueprints): npm install ${PACKAGES[*]}"
cp "$SOURCE/app.js" "$SOURCE/cdk.context.json" "$DEST/"
(
  cd "$DEST"
  [[ -f package.json ]] || npm init -y >/dev/null
  npm install --no-audit --no-fund --loglevel=error "${PACKAGES[@]}" >/dev/null
)
# One synth proves the install works offline.
CDK_OUTDIR=$(mktemp -d) && trap 'rm -rf "$CDK_OUTDIR"' EXIT
(cd "$DEST" && CDK_OUTDIR=$CDK_OUTDIR node app.js) || sf_die "the peer's synth failed in $DEST" "read the error above"
printf '%s\n' "$FINGERPRINT" >"$TOOLS/stamps/peer"
sf_step "peer installed in $DEST"
