//! Customer managed IAM policies of `identity.policies`: the name the primary region's stack
//! creates each under, which other regions' roles and the docs name.

use stratoform_spec::Policy;

use crate::{Model, Names};

impl Names {
    /// The IAM name of a policy of `identity.policies`: `{platform}-{env}-<policy>`.
    pub fn policy(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix())
    }
}

impl Model {
    /// A policy of `identity.policies` by name.
    pub fn policy(&self, name: &str) -> Option<&Policy> {
        self.platform.identity.policies.iter().find(|p| p.name.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::Names;

    #[test]
    fn a_policy_is_named_after_its_environment() {
        let names = Names { platform: "demo".into(), env: "prod".into(), account: None, tags: BTreeMap::new() };
        assert_eq!(names.policy("karpenter"), "demo-prod-karpenter");
    }
}
