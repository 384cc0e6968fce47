//! Account scope: what exists once per AWS account, however many environments share it. The
//! bootstrap and account stacks are applied once per account scope ([`Names::account_scope`]);
//! each environment that shares the account reads them and applies and destroys its own stacks
//! without touching them.

use crate::{Model, ZoneHome};

impl Model {
    /// The environments that share this environment's account scope (itself included), in spec
    /// order. An environment without an `account` shares the scope of the others without one.
    pub fn account_environments(&self) -> Vec<&str> {
        self.environments().iter().filter(|e| e.account == self.env.account).map(|e| e.name.as_str()).collect()
    }

    /// The models of every environment of this account scope (this one included), in spec order.
    pub fn account_models(&self) -> Vec<&Model> {
        let order = self.account_environments();
        let mut all: Vec<&Model> = std::iter::once(self).chain(&self.account_peers).collect();
        all.sort_by_key(|m| order.iter().position(|e| *e == m.env_name()));
        all
    }
}

/// Where AWS keeps a name unique.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uniqueness {
    /// Once in all of AWS (S3 bucket names).
    Global,
    /// Once per account (IAM) or per account and region (EKS clusters).
    Account,
}

/// A name that AWS admits only once, which this environment's stacks create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueName {
    /// What it names (`EKS cluster`, `IAM role`, `S3 bucket`).
    pub kind: &'static str,
    /// The name.
    pub name: String,
    /// The region it is unique in; `None` for account-wide or global names.
    pub region: Option<String>,
    /// Where AWS keeps it unique.
    pub uniqueness: Uniqueness,
    /// Whether the environments of one account share it by design (the state bucket of the
    /// bootstrap stack): then only environments of different accounts collide.
    pub per_account: bool,
    /// The spec value that makes the name.
    pub pointer: String,
}

impl UniqueName {
    /// Whether two environments, each creating one of these, would ask AWS for the same name
    /// twice (`same_account`: they share an account scope).
    pub fn collides(&self, other: &UniqueName, same_account: bool) -> bool {
        if self.kind != other.kind || self.name != other.name || self.region != other.region {
            return false;
        }
        match (self.uniqueness, self.per_account) {
            (Uniqueness::Global, true) => !same_account,
            (Uniqueness::Global, false) => true,
            (Uniqueness::Account, true) => false,
            (Uniqueness::Account, false) => same_account,
        }
    }
}

impl Model {
    /// The names this environment's stacks create that AWS admits only once per account (or in
    /// all of AWS), each with the spec value it comes from: what `validate` compares between
    /// environments. What the account stack creates is not here: it is created once per account.
    pub fn unique_names(&self) -> Vec<UniqueName> {
        let mut out = Vec::new();
        let named = self.state().bucket.is_some();
        let state = self.state_backend();
        // HCP Terraform keeps the state: there is no bucket to create.
        if state.cloud.is_none() {
            out.push(UniqueName { kind: "S3 bucket", name: state.bucket, region: None, uniqueness: Uniqueness::Global, per_account: true, pointer: if named { "/state/bucket".into() } else { "/metadata/name".into() } });
        }
        for (ri, r) in self.regions().iter().enumerate() {
            for (ci, c) in r.clusters.iter().enumerate() {
                let field = if c.full_name.is_some() { "fullName" } else { "name" };
                out.push(UniqueName {
                    kind: "EKS cluster",
                    name: self.names.cluster_in(c, r),
                    region: Some(r.name.to_string()),
                    uniqueness: Uniqueness::Account,
                    per_account: false,
                    pointer: format!("/regions/{ri}/clusters/{ci}/{field}"),
                });
                for (ki, role) in c.roles.iter().enumerate() {
                    if let Some(bound) = self.identity.role(r.name.as_str(), c.name.as_str(), role.name.as_str()) {
                        out.push(UniqueName {
                            kind: "IAM role",
                            name: bound.iam_name.clone(),
                            region: None,
                            uniqueness: Uniqueness::Account,
                            per_account: false,
                            pointer: format!("/regions/{ri}/clusters/{ci}/roles/{ki}/name"),
                        });
                    }
                }
            }
            for (bi, b) in r.buckets.iter().enumerate() {
                let field = if b.bucket_name.is_some() { "bucketName" } else { "name" };
                out.push(UniqueName {
                    kind: "S3 bucket",
                    name: self.bucket_name(r, b),
                    region: None,
                    uniqueness: Uniqueness::Global,
                    per_account: false,
                    pointer: format!("/regions/{ri}/buckets/{bi}/{field}"),
                });
            }
        }
        // A record that targets a gateway or a load balancer is written by the environment's
        // edge stack; in a zone the account shares (the account stack's, or an existing one),
        // a name and type exist once.
        for (i, r) in self.platform.edge.records.iter().enumerate() {
            let shared = self.route53_zone(r.zone.as_str()).is_some_and(|z| Self::zone_home(z) != ZoneHome::Environment);
            if r.target.is_some() && shared {
                out.push(UniqueName {
                    kind: "Route 53 record",
                    name: format!("{} {} in zone {}", r.name, serde_json::to_value(r.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), r.zone),
                    region: None,
                    uniqueness: Uniqueness::Account,
                    per_account: false,
                    pointer: format!("/edge/records/{i}/name"),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    fn name(kind: &'static str, name: &str, uniqueness: Uniqueness, per_account: bool) -> UniqueName {
        UniqueName { kind, name: name.into(), region: None, uniqueness, per_account, pointer: String::new() }
    }

    #[test]
    fn what_collides_depends_on_where_aws_keeps_the_name_unique() {
        let bucket = name("S3 bucket", "b", Uniqueness::Global, false);
        assert!(bucket.collides(&bucket, true) && bucket.collides(&bucket, false), "a bucket name is unique in all of AWS");
        let state = name("S3 bucket", "s", Uniqueness::Global, true);
        assert!(!state.collides(&state, true), "one account's environments share its state bucket");
        assert!(state.collides(&state, false), "two accounts cannot both own one bucket name");
        let role = name("IAM role", "r", Uniqueness::Account, false);
        assert!(role.collides(&role, true) && !role.collides(&role, false), "a role name is unique per account");
        assert!(!role.collides(&name("IAM role", "other", Uniqueness::Account, false), true));
        assert!(!role.collides(&name("EKS cluster", "r", Uniqueness::Account, false), true), "different kinds never collide");
    }

    #[test]
    fn records_the_edge_stack_writes_into_a_shared_zone_are_unique_per_account() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev", "account": "111111111111"}],
            "regions": [{"name": "us-east-1"}],
            "edge": {
                "zones": [
                    {"domain": "demo.example.com", "provider": "route53"},
                    {"domain": "internal.demo", "provider": "route53", "private": true}
                ],
                "records": [
                    {"zone": "demo.example.com", "name": "api.demo.example.com", "type": "A", "target": "us-east-1/main/gateway/edge"},
                    {"zone": "demo.example.com", "name": "www.demo.example.com", "type": "CNAME", "values": ["api.demo.example.com"]},
                    {"zone": "internal.demo", "name": "api.internal.demo", "type": "A", "target": "us-east-1/main/gateway/edge"}
                ]
            }
        }));
        let dev = Model::resolve_all(&spec, Some("dev")).expect("valid spec").remove(0);
        let records: Vec<(String, String)> = dev.unique_names().into_iter().filter(|n| n.kind == "Route 53 record").map(|n| (n.name, n.pointer)).collect();
        // The literal record is the account stack's (written once); the private zone is the
        // environment's own.
        assert_eq!(records, [("api.demo.example.com A in zone demo.example.com".to_owned(), "/edge/records/0/name".to_owned())]);
    }

    #[test]
    fn environments_of_one_account_share_its_scope_and_render_from_each_other() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev", "account": "111111111111"}, {"name": "qa", "account": "222222222222"}, {"name": "prod", "account": "111111111111"}],
            "regions": [{"name": "us-east-1"}]
        }));
        let prod = Model::resolve_all(&spec, Some("prod")).expect("valid spec").remove(0);
        assert_eq!(prod.names.account_scope(), "account-111111111111");
        assert_eq!(prod.account_environments(), ["dev", "prod"]);
        let models: Vec<&str> = prod.account_models().iter().map(|m| m.env_name()).collect();
        assert_eq!(models, ["dev", "prod"], "a command asked for prod alone still sees dev's account-level objects");
        let scopes: Vec<(&str, &str)> = prod.stacks.iter().map(|s| (s.name.as_str(), s.scope.as_str())).collect();
        assert_eq!(&scopes[..3], [("bootstrap", "account-111111111111"), ("account", "account-111111111111"), ("long-lived", "prod")]);
    }
}
