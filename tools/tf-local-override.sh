#!/usr/bin/env bash
# Prints a Terraform override file (save it as e.g. `moto_override.tf` next to a stack) that points
# the AWS provider, and each given alias, at a local emulator with fake credentials. Test-only:
# never part of generated code. Terraform merges an override provider block into the base block
# with the same name and alias, so the base block needs only `region` (and `alias`).
#
# usage: tools/tf-local-override.sh ENDPOINT [REGION] [--alias NAME[=REGION]]... [--no-default] [--services LIST]
#   ENDPOINT         the emulator URL, e.g. the output of `tools/moto.sh start`
#   REGION           override the region of the default (unaliased) provider; default: keep the base's
#   --alias N[=R]    also override `provider "aws" { alias = "N" }`, with region R if given (repeatable)
#   --no-default     emit no block for the unaliased provider (a stack that only has aliased blocks)
#   --services LIST  comma-separated extra endpoint names (hashicorp/aws `endpoints` block keys)
# exit: 0 ok (the file is on stdout), 2 usage error
set -euo pipefail

usage() {
  sed -n '7,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  printf 'tf-local-override.sh: %s\n' "$1" >&2
  exit 2
}

# Endpoint keys of hashicorp/aws 5.x (canonical names, never two aliases of one service, which the
# provider warns about). The services an EKS platform stack uses, those moto lacks included, so
# that nothing falls through to real AWS.
SERVICES=(
  acm acmpca apigateway apigatewayv2 appautoscaling athena autoscaling backup batch budgets
  cloudformation cloudfront cloudtrail cloudwatch codebuild codecommit codepipeline cognitoidp
  configservice datasync dax directconnect dlm docdb ds dynamodb ec2 ecr ecrpublic ecs efs eks
  elasticache elasticsearch elb elbv2 emr events firehose fsx globalaccelerator glue guardduty iam
  identitystore inspector2 iot kafka kinesis kms lakeformation lambda logs macie2 memorydb mq
  networkfirewall networkmanager opensearch organizations pipes ram rds redshift
  resourcegroupstaggingapi route53 route53domains route53resolver s3 s3control scheduler
  secretsmanager securityhub servicediscovery servicequotas ses sesv2 sfn shield sns sqs ssm
  ssoadmin sts swf timestreamwrite transfer vpclattice wafv2 xray
)

ident_re='^[A-Za-z_][A-Za-z0-9_-]*$'
region_re='^[a-z]{2}(-[a-z]+)+-[0-9]+$'

(($#)) || usage
[[ $1 == -h || $1 == --help ]] && { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; }
endpoint=$1
shift
[[ $endpoint =~ ^https?://[^[:space:]\"\\]+$ ]] || die "ENDPOINT must be an http(s) URL, got \`$endpoint\`"
endpoint=${endpoint%/}

default_region=""
emit_default=1
aliases=()
alias_regions=()
while (($#)); do
  case $1 in
    --alias | --alias=*)
      if [[ $1 == --alias ]]; then
        (($# >= 2)) || usage
        spec=$2
        shift
      else
        spec=${1#--alias=}
      fi
      name=${spec%%=*}
      region=""
      [[ $spec == *=* ]] && region=${spec#*=}
      [[ $name =~ $ident_re ]] || die "alias \`$name\` is not a Terraform identifier"
      [[ -z $region || $region =~ $region_re ]] || die "\`$region\` is not an AWS region name"
      aliases+=("$name")
      alias_regions+=("$region")
      ;;
    --no-default) emit_default=0 ;;
    --services | --services=*)
      if [[ $1 == --services ]]; then
        (($# >= 2)) || usage
        list=$2
        shift
      else
        list=${1#--services=}
      fi
      IFS=, read -r -a more <<<"$list"
      for s in "${more[@]}"; do
        [[ $s =~ ^[a-z0-9]+$ ]] || die "\`$s\` is not an endpoint name"
        [[ " ${SERVICES[*]} " == *" $s "* ]] || SERVICES+=("$s")
      done
      ;;
    -*) usage ;;
    *)
      [[ -z $default_region && $1 =~ $region_re ]] || die "unexpected argument \`$1\` (one REGION at most, like us-east-1)"
      default_region=$1
      ;;
  esac
  shift
done
((emit_default || ${#aliases[@]})) || die "--no-default without any --alias emits nothing"

# provider_block ALIAS REGION (either may be empty)
provider_block() {
  local alias=$1 region=$2 s width=0
  for s in "${SERVICES[@]}"; do ((${#s} > width)) && width=${#s}; done
  printf 'provider "aws" {\n'
  [[ -n $alias ]] && printf '  alias  = "%s"\n' "$alias"
  [[ -n $region ]] && printf '  region = "%s"\n' "$region"
  cat <<'EOF'

  # Fake credentials; never read the machine's AWS profile or account guards.
  access_key               = "test"
  secret_key               = "test"
  profile                  = null
  shared_config_files      = []
  shared_credentials_files = []
  allowed_account_ids      = null
  forbidden_account_ids    = null

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # The emulator answers unimplemented APIs with HTTP 500; the default 25 retries hang ~10 min.
  max_retries = 2

  endpoints {
EOF
  for s in "${SERVICES[@]}"; do printf '    %-*s = "%s"\n' "$width" "$s" "$endpoint"; done
  printf '  }\n}\n'
}

printf '# Test-only override, generated by tools/tf-local-override.sh: points hashicorp/aws at the\n'
printf '# local emulator %s. Never commit it or ship it with generated code.\n' "$endpoint"
if ((emit_default)); then
  printf '\n'
  provider_block "" "$default_region"
fi
for i in "${!aliases[@]}"; do
  printf '\n'
  provider_block "${aliases[$i]}" "${alias_regions[$i]}"
done
