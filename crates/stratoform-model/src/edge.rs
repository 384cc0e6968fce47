//! Edge records and the load balancers they point at. A record's `target` names either a load
//! balancer an environment stack creates (`<region>/<name>`) or the NLB the AWS Load Balancer
//! Controller creates for a Service in a cluster: a Gateway's (`<region>/<cluster>/gateway/<name>`)
//! or the ingress-nginx controller's (`<region>/<cluster>/ingress-nginx`). The controller names
//! that NLB from the Service's `aws-load-balancer-name` annotation; the name is computed here once,
//! so the manifest that asks for it and the edge stack that looks it up agree.

use stratoform_spec::{Cluster, DnsProvider, DnsRecord, Gateway, Region};

use crate::Model;

/// The Service annotation that fixes the NLB's name.
pub const LOAD_BALANCER_NAME_ANNOTATION: &str = "service.beta.kubernetes.io/aws-load-balancer-name";

/// The longest load balancer name AWS accepts.
const MAX_NAME: usize = 32;

/// What a record's target resolves to.
#[derive(Clone, Copy, Debug)]
pub enum RecordTarget<'a> {
    /// A load balancer of a region's environment stack.
    Stack {
        /// The region.
        region: &'a Region,
        /// The load balancer's name in the spec.
        load_balancer: &'a str,
    },
    /// The NLB of a Service in a cluster.
    Cluster {
        /// The region.
        region: &'a Region,
        /// The cluster.
        cluster: &'a Cluster,
        /// The Gateway, or `None` for the ingress-nginx controller.
        gateway: Option<&'a Gateway>,
    },
}

impl RecordTarget<'_> {
    /// The region the target lives in.
    pub fn region(&self) -> &Region {
        match self {
            RecordTarget::Stack { region, .. } | RecordTarget::Cluster { region, .. } => region,
        }
    }
}

/// The in-cluster object an NLB is made for (the last part of its name).
fn object_name(gateway: Option<&Gateway>) -> &str {
    gateway.map_or("ingress-nginx", |g| g.name.as_str())
}

/// A load balancer name AWS accepts (at most 32 letters, digits and hyphens, no hyphen at either
/// end): `<cluster>-<object>`, or when that is longer, `<env>-<object>` and `<cluster>` cut with an
/// 8-hex-digit hash of the whole, so that two clusters never share a name. AWS refuses names
/// that begin with `internal-`; those begin with `int-`.
pub fn load_balancer_name(cluster: &str, env: &str, object: &str) -> String {
    let clean = |s: &str| -> String { s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect() };
    let full = clean(&format!("{cluster}-{object}"));
    let name = if full.len() <= MAX_NAME {
        full.trim_matches('-').to_owned()
    } else {
        let hash = format!("{:08x}", fnv1a(full.as_bytes()) as u32);
        let room = MAX_NAME - hash.len() - 1;
        let head: String = clean(&format!("{env}-{object}")).chars().take(room).collect();
        format!("{}-{hash}", head.trim_matches('-'))
    };
    match name.strip_prefix("internal-") {
        Some(rest) => format!("int-{rest}"),
        None => name,
    }
}

/// 64-bit FNV-1a: a stable hash (the standard library's may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

impl Model {
    /// The name of the NLB the AWS Load Balancer Controller creates for a Gateway (or, with
    /// `None`, for the ingress-nginx controller) of a cluster.
    pub fn cluster_load_balancer(&self, region: &Region, cluster: &Cluster, gateway: Option<&Gateway>) -> String {
        load_balancer_name(&self.names.cluster_in(cluster, region), &self.names.env, object_name(gateway))
    }

    /// What a record's target names, when it names something the spec declares.
    pub fn record_target(&self, target: &str) -> Option<RecordTarget<'_>> {
        let parts: Vec<&str> = target.split('/').collect();
        let first = *parts.first()?;
        let region = self.platform.regions.iter().find(|r| r.name.as_str() == first)?;
        let in_cluster = |name: &str| region.clusters.iter().find(|c| c.name.as_str() == name);
        match parts.as_slice() {
            [_, lb] => region
                .load_balancers
                .iter()
                .find(|l| l.name.as_str() == *lb)
                .map(|l| RecordTarget::Stack { region, load_balancer: l.name.as_str() }),
            [_, cluster, "ingress-nginx"] => {
                let cluster = in_cluster(cluster)?;
                cluster.ingress_nginx.as_ref()?;
                Some(RecordTarget::Cluster { region, cluster, gateway: None })
            }
            [_, cluster, "gateway", name] => {
                let cluster = in_cluster(cluster)?;
                let gateway = cluster.gateways.iter().find(|g| g.name.as_str() == *name)?;
                Some(RecordTarget::Cluster { region, cluster, gateway: Some(gateway) })
            }
            _ => None,
        }
    }

    /// Records that point at an NLB in a cluster, with that NLB's name: the edge stack looks
    /// each one up after the cluster's controllers have created it.
    pub fn cluster_records(&self) -> Vec<(&DnsRecord, RecordTarget<'_>, String)> {
        self.platform
            .edge
            .records
            .iter()
            .filter_map(|r| {
                let t = self.record_target(r.target.as_deref()?)?;
                match t {
                    RecordTarget::Cluster { region, cluster, gateway } => Some((r, t, self.cluster_load_balancer(region, cluster, gateway))),
                    RecordTarget::Stack { .. } => None,
                }
            })
            .collect()
    }

    /// The DNS provider of a record's zone.
    pub fn zone_provider(&self, zone: &str) -> Option<DnsProvider> {
        self.platform.edge.zones.iter().find(|z| z.domain.as_str() == zone).map(|z| z.provider)
    }

    /// Whether the edge stack writes anything into Cloudflare (records or load balancers).
    pub fn uses_cloudflare(&self) -> bool {
        !self.platform.edge.cloudflare_load_balancers.is_empty() || self.platform.edge.zones.iter().any(|z| z.provider == DnsProvider::Cloudflare)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_the_cluster_and_the_object() {
        assert_eq!(load_balancer_name("shop-dev-main", "dev", "ingress-nginx"), "shop-dev-main-ingress-nginx");
        // AWS refuses names that begin with `internal-`.
        assert_eq!(load_balancer_name("internal-main", "dev", "gw"), "int-main-gw");
    }

    #[test]
    fn names_fit_aws_limits_and_stay_distinct() {
        let a = load_balancer_name("a-very-long-platform-name-prod-main", "prod", "ingress-nginx");
        let b = load_balancer_name("a-very-long-platform-name-prod-edge", "prod", "ingress-nginx");
        for n in [&a, &b] {
            assert!(n.len() <= MAX_NAME, "{n}");
            assert!(n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "{n}");
            assert!(!n.starts_with('-') && !n.ends_with('-'), "{n}");
        }
        assert_ne!(a, b);
        assert!(a.starts_with("prod-ingress-nginx-"), "{a}");
    }
}
