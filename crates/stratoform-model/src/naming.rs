//! Resource names: placeholders resolved, cluster names, ARNs and the tags every resource carries.

use std::collections::BTreeMap;

use stratoform_spec::{Cluster, Environment, Platform, Region};

/// Naming for one environment.
#[derive(Clone, Debug)]
pub struct Names {
    /// `{platform}`.
    pub platform: String,
    /// `{env}`.
    pub env: String,
    /// The account, when the environment names it.
    pub account: Option<String>,
    /// Tags on every AWS resource.
    pub tags: BTreeMap<String, String>,
}

impl Names {
    /// Naming for an environment of a platform.
    pub fn new(platform: &Platform, env: &Environment) -> Self {
        let mut tags = platform.metadata.tags.clone();
        tags.insert("Platform".into(), platform.metadata.name.to_string());
        tags.insert("Environment".into(), env.name.to_string());
        tags.insert("ManagedBy".into(), "stratoform".into());
        if let Some(owner) = &platform.metadata.owner {
            tags.insert("Owner".into(), owner.clone());
        }
        Self {
            platform: platform.metadata.name.to_string(),
            env: env.name.to_string(),
            account: env.account.as_ref().map(ToString::to_string),
            tags,
        }
    }

    /// The scope of what exists once per account (the state of the bootstrap and account
    /// stacks, and their values files): `account-<id>`, or `account` when the environment names
    /// no account (then every such environment is taken to share the caller's account).
    pub fn account_scope(&self) -> String {
        self.account.as_ref().map_or_else(|| "account".to_owned(), |a| format!("account-{a}"))
    }

    /// The tags of what exists once per account: every tag but `Environment`, since the object
    /// serves every environment of the account.
    pub fn account_tags(&self) -> BTreeMap<String, String> {
        self.tags.iter().filter(|(k, _)| k.as_str() != "Environment").map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// The alias of a KMS key that an account-level object (an ECR repository) is encrypted
    /// with, in a region: `alias/{platform}-account-<key>-<region>`. The environments' copies of
    /// the key are theirs; this copy serves every environment of the account.
    pub fn account_kms_alias(&self, key: &str, region: &str) -> String {
        format!("alias/{}-account-{key}-{region}", self.platform)
    }

    /// `{platform}-{env}`, the prefix of most names.
    pub fn prefix(&self) -> String {
        format!("{}-{}", self.platform, self.env)
    }

    /// The EKS cluster name.
    pub fn cluster(&self, cluster: &Cluster) -> String {
        match &cluster.full_name {
            Some(n) => self.fill(n, None, None),
            None => format!("{}-{}", self.prefix(), cluster.name),
        }
    }

    /// The EKS cluster name with `{region}` filled too (a `fullName` may hold it, as in
    /// `{platform}-{env}-{region}`); prefer this over [`Names::cluster`] when the region is known.
    pub fn cluster_in(&self, cluster: &Cluster, region: &Region) -> String {
        self.fill(&self.cluster(cluster), Some(region), None)
    }

    /// Replaces `{platform}`, `{project}`, `{env}`, `{region}` and `{cluster}` in a name.
    pub fn fill(&self, template: &str, region: Option<&Region>, cluster: Option<&Cluster>) -> String {
        // `{cluster}` first: the cluster's own name may hold `{region}`.
        let mut s = match cluster {
            Some(c) => template.replace("{cluster}", &self.cluster(c)),
            None => template.to_owned(),
        };
        s = s.replace("{platform}", &self.platform).replace("{project}", &self.platform).replace("{env}", &self.env);
        if let Some(r) = region {
            s = s.replace("{region}", r.name.as_str());
        }
        s
    }

    /// The target group name of one listener of a Terraform-managed load balancer, which
    /// Terraform creates and a TargetGroupBinding names: the load balancer's name
    /// (`{platform}-{env}-<lb>`, cut to 32 characters, no trailing `-`), `-`, the listener key
    /// (`<protocol in lower case>-<port>`, e.g. `https-443`), cut to the 32 characters AWS allows.
    pub fn target_group(&self, load_balancer: &str, protocol: &str, port: u16) -> String {
        let lb: String = format!("{}-{load_balancer}", self.prefix()).chars().take(32).collect();
        let full = format!("{}-{}-{port}", lb.trim_end_matches('-'), protocol.to_ascii_lowercase());
        full.chars().take(32).collect()
    }

    /// The ARN of an IAM role of this environment's account (`<account>` when the spec names none).
    pub fn role_arn(&self, role_name: &str) -> String {
        format!("arn:aws:iam::{}:role/{role_name}", self.account.as_deref().unwrap_or("<account>"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names { platform: "unibeam".into(), env: "prod".into(), account: None, tags: BTreeMap::new() }
    }

    #[test]
    fn target_groups_mirror_the_terraform_module() {
        // substr("${var.name}-${each.key}", 0, 32) with var.name = "<prefix>-<lb>" cut to 32.
        assert_eq!(names().target_group("api", "HTTPS", 443), "unibeam-prod-api-https-443");
        let long = names().target_group("a-very-long-load-balancer-name", "tcp", 9506);
        assert_eq!(long.len(), 32);
        assert_eq!(long, "unibeam-prod-a-very-long-load-ba");
    }
}
