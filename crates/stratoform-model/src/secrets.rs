//! Secrets Manager secrets: the name every layer uses for a secret of `identity.secrets`, and the
//! regions that read it. A secret lives in the primary region and is replicated to every other
//! region whose clusters read it (a SecretProviderClass reads the secret of its own region, and
//! a role's grant names the ARN of the region its cluster runs in).

use stratoform_spec::{GrantService, Secret, SecretMount};

use crate::{Model, Names};

impl Names {
    /// The name of a secret of `identity.secrets`: `{platform}/{env}/{name}`.
    pub fn secret(&self, name: &str) -> String {
        format!("{}/{}/{name}", self.platform, self.env)
    }
}

impl Model {
    /// The secrets of `identity.secrets`, in spec order.
    pub fn secrets(&self) -> &[Secret] {
        &self.platform.identity.secrets
    }

    /// The secrets a cluster mounts, with each mount (a secret mounted in two namespaces comes
    /// twice), in spec order.
    pub fn secret_mounts_in<'a>(&'a self, cluster: &'a str) -> impl Iterator<Item = (&'a Secret, &'a SecretMount)> + 'a {
        self.secrets().iter().flat_map(move |s| s.mounts.iter().filter(move |m| m.cluster.as_str() == cluster).map(move |m| (s, m)))
    }

    /// The secrets the long-lived stack creates, in spec order.
    pub fn long_lived_secrets(&self) -> impl Iterator<Item = &Secret> {
        self.secrets().iter().filter(|s| s.lifecycle.is_long_lived())
    }

    /// The secrets the primary region's environment stack creates (every secret not long-lived),
    /// in spec order.
    pub fn environment_secrets(&self) -> impl Iterator<Item = &Secret> {
        self.secrets().iter().filter(|s| !s.lifecycle.is_long_lived())
    }

    /// A secret of `identity.secrets` by name.
    pub fn secret(&self, name: &str) -> Option<&Secret> {
        self.secrets().iter().find(|s| s.name.as_str() == name)
    }

    /// The regions whose clusters read a secret, in spec order: those of the clusters that mount
    /// it and of the clusters whose roles are granted Secrets Manager access to it by name.
    pub fn secret_reader_regions(&self, secret: &Secret) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (region, cluster) in self.clusters() {
            let mounts = secret.mounts.iter().any(|m| m.cluster == cluster.name);
            let granted = cluster
                .roles
                .iter()
                .flat_map(|r| &r.grants)
                .any(|g| g.service == GrantService::SecretsManager && g.resources.iter().any(|x| x == secret.name.as_str()));
            if (mounts || granted) && !out.iter().any(|r| r == region.name.as_str()) {
                out.push(region.name.to_string());
            }
        }
        out
    }

    /// The regions a secret is replicated to: every region that reads it other than the primary,
    /// where the secret itself lives.
    pub fn secret_replica_regions(&self, secret: &Secret) -> Vec<String> {
        let primary = self.primary_region().name.to_string();
        self.secret_reader_regions(secret).into_iter().filter(|r| *r != primary).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    fn region(name: &str, cidr: &str, cluster: Option<&str>) -> serde_json::Value {
        json!({
            "name": name,
            "vpcs": [{
                "name": "main", "cidr": cidr, "azs": [format!("{name}a"), format!("{name}b")],
                "subnets": {"private": {"type": "private", "newbits": 4, "netnum": 1}}
            }],
            "clusters": [{"name": cluster.unwrap_or("main"), "vpc": "main", "version": "1.33"}]
        })
    }

    #[test]
    fn a_secret_is_replicated_where_its_clusters_read_it() {
        let mut primary = region("us-east-1", "10.0.0.0/16", None);
        primary["role"] = json!("primary");
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev", "account": "123456789012"}],
            "regions": [primary, region("us-west-2", "10.1.0.0/16", None), region("eu-west-1", "10.2.0.0/16", Some("other"))],
            "identity": {"secrets": [
                {"name": "db", "description": "d", "mounts": [{"cluster": "main", "namespace": "app"}]},
                {"name": "local", "description": "l"},
                {"name": "kept", "description": "k", "lifecycle": "longLived"}
            ]}
        }));
        let models = Model::resolve_all(&spec, None).expect("valid spec");
        let m = &models[0];
        assert_eq!(m.names.secret("db"), "demo/dev/db");
        let db = m.secret("db").expect("declared");
        assert_eq!(m.secret_reader_regions(db), ["us-east-1", "us-west-2"]);
        assert_eq!(m.secret_replica_regions(db), ["us-west-2"]);
        assert!(m.secret_replica_regions(m.secret("local").expect("declared")).is_empty());
        let names = |secrets: Vec<&stratoform_spec::Secret>| secrets.iter().map(|s| s.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(m.long_lived_secrets().collect()), ["kept"]);
        assert_eq!(names(m.environment_secrets().collect()), ["db", "local"]);
    }
}
