//! Who reaches a cluster's private API endpoint through the control plane's security group,
//! besides the cluster's own nodes (which the EKS module always admits).

use stratoform_spec::Cluster;

/// The port the Kubernetes API server listens on behind the EKS endpoint.
pub const API_SERVER_PORT: u16 = 443;

/// One extra inbound rule of the control plane's security group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointSource {
    /// The source as the spec names it: `host:<name>`, `cluster:<name>`, `peering:<name>`, a
    /// security group of the VPC or an IPv4 block.
    pub source: String,
    /// A stable key for the rule's resource name.
    pub key: String,
    /// The rule's description.
    pub description: String,
}

/// The sources admitted to the private endpoint of `cluster`, in spec order, without repeats.
/// None when the endpoint is not private: the rules would open a port nothing listens on.
pub fn private_endpoint_sources(cluster: &Cluster) -> Vec<EndpointSource> {
    if !cluster.endpoint.private {
        return Vec::new();
    }
    let mut out: Vec<EndpointSource> = Vec::new();
    for src in &cluster.endpoint.private_access_sources {
        if out.iter().any(|o| o.source == *src) {
            continue;
        }
        let key: String = src.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let what = match src.split_once(':') {
            Some((kind, name)) if matches!(kind, "host" | "cluster" | "peering") => format!("{kind} {name}"),
            _ => src.clone(),
        };
        out.push(EndpointSource {
            source: src.clone(),
            key,
            description: format!("Kubernetes API of {} from {what}", cluster.name),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(private: bool, sources: &[&str]) -> Cluster {
        let mut c: Cluster = serde_json::from_value(serde_json::json!({ "name": "main", "vpc": "main", "version": "1.33" })).expect("a cluster");
        c.endpoint.private = private;
        c.endpoint.private_access_sources = sources.iter().map(|s| (*s).to_owned()).collect();
        c
    }

    #[test]
    fn hosts_and_blocks_are_admitted_once_each() {
        let got = private_endpoint_sources(&cluster(true, &["host:vpn-gateway", "10.8.0.0/24", "host:vpn-gateway"]));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].key, "host_vpn_gateway");
        assert_eq!(got[0].description, "Kubernetes API of main from host vpn-gateway");
        assert_eq!(got[1].key, "10_8_0_0_24");
        assert_eq!(got[1].description, "Kubernetes API of main from 10.8.0.0/24");
    }

    #[test]
    fn a_public_only_endpoint_admits_nobody_through_the_group() {
        assert!(private_endpoint_sources(&cluster(false, &["host:vpn-gateway"])).is_empty());
        assert!(private_endpoint_sources(&cluster(true, &[])).is_empty());
    }
}
