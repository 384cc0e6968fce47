//! The Terraform and provider version constraints every module and stack is written with.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The versions of Terraform and of the `hashicorp/aws` provider the output requires.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TerraformSettings {
    /// `required_version` of every module and stack. Default: `>= 1.6.0`, or `>= 1.10.0` when
    /// `state.lockWith` is `lockfile` or `both` (S3 native locking came with Terraform 1.10).
    /// Example: `~> 1.11`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_version: Option<VersionConstraint>,
    /// `required_providers.aws.version` of every module and stack. Default: `~> 5.100` (the 5.x
    /// line from 5.100 on, what stratoform's output is checked against). Example: `>= 5.100, < 6.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_provider_version: Option<VersionConstraint>,
}

impl TerraformSettings {
    /// Whether nothing is set (the section is then left out when the spec is written back).
    pub fn is_default(&self) -> bool {
        self == &Self::default()
    }
}

crate::string_newtype!(
    /// A Terraform version constraint: comma-separated conditions, each an optional operator (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`) and a version of one to three numbers with an optional pre-release suffix; `~>` takes at least a major and a minor version (`~> 5` would allow every later major version).
    VersionConstraint,
    pattern = r"^\s*(~>\s*[0-9]+(\.[0-9]+){1,2}|(=|!=|>=|<=|>|<)?\s*[0-9]+(\.[0-9]+){0,2})(-[0-9A-Za-z.]+)?\s*(,\s*(~>\s*[0-9]+(\.[0-9]+){1,2}|(=|!=|>=|<=|>|<)?\s*[0-9]+(\.[0-9]+){0,2})(-[0-9A-Za-z.]+)?\s*)*$",
    example = "~> 5.100",
    check = |_| Ok(())
);

#[cfg(test)]
mod tests {
    use super::VersionConstraint;

    #[test]
    fn constraints_terraform_accepts_parse() {
        for ok in ["~> 5.100", ">= 1.6.0", ">= 5.100, < 6.0", "= 1.11.4", "!= 1.10.0", "1.11.4", "~> 1.11.0-beta1"] {
            assert!(ok.parse::<VersionConstraint>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn malformed_constraints_are_refused() {
        for bad in ["", "latest", "=> 1.6", "~> 5", ">= 1.6.0,", "v1.6.0", "1.6.0.1", ">= 1.6 < 2.0"] {
            assert!(bad.parse::<VersionConstraint>().is_err(), "{bad}");
        }
    }
}
