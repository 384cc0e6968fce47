//! Route 53 zones and the stack that owns each. A public zone that outlives environments is
//! created once per account by the account stack (environments that share an account share it). A private zone needs a VPC when it is created, so it is created
//! by the environment's primary-region stack, which owns its environment's VPCs; so is a zone whose
//! lifecycle is `ephemeral`. Every VPC of the environment is associated with its private zones: the
//! primary region's first VPC when the zone is created, the others by associations. A zone that
//! stratoform does not manage (`managed: false`) is looked up by name.

use stratoform_spec::{DnsProvider, DnsRecord, DnsZone, Platform, Region};

use crate::Model;

/// Who creates a Route 53 zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneHome {
    /// The account stack (a public zone that outlives environments).
    Account,
    /// The environment's primary-region stack (a private zone, or an ephemeral one).
    Environment,
    /// Nobody: it exists already and is looked up by name.
    Existing,
}

/// One VPC association of a private zone made outside the zone's creation.
#[derive(Clone, Debug)]
pub struct ZoneAssociation<'a> {
    /// The zone.
    pub zone: &'a DnsZone,
    /// The region of the VPC.
    pub region: &'a Region,
    /// The VPC's name in the spec.
    pub vpc: &'a str,
    /// Whether the primary-region stack makes it (its own VPCs, or a region the primary needs
    /// first); otherwise the VPC's own stack does, after the primary's.
    pub by_primary: bool,
}

impl Model {
    /// The Route 53 zone with a domain, if the spec declares one.
    pub fn route53_zone(&self, domain: &str) -> Option<&DnsZone> {
        self.platform.edge.zones.iter().find(|z| z.domain.as_str() == domain && z.provider == DnsProvider::Route53)
    }

    /// Whether a zone of that domain is private (split-horizon domains have a public zone too).
    pub fn has_private_zone(&self, domain: &str) -> bool {
        self.platform.edge.zones.iter().any(|z| z.domain.as_str() == domain && z.private)
    }

    /// The Cloudflare zones, in spec order.
    pub fn cloudflare_zones(&self) -> Vec<&DnsZone> {
        self.platform.edge.zones.iter().filter(|z| z.provider == DnsProvider::Cloudflare).collect()
    }

    /// The Cloudflare zone a domain belongs to: the zone of that domain or, else, of its longest
    /// parent domain (the first in spec order of equally long ones).
    pub fn cloudflare_zone_of(&self, domain: &str) -> Option<&DnsZone> {
        let mut best: Option<&DnsZone> = None;
        for z in self.cloudflare_zones() {
            let zone = z.domain.as_str();
            let holds = domain == zone || domain.strip_suffix(zone).is_some_and(|head| head.ends_with('.'));
            if holds && best.is_none_or(|b| zone.len() > b.domain.as_str().len()) {
                best = Some(z);
            }
        }
        best
    }

    /// Who creates a Route 53 zone.
    pub fn zone_home(zone: &DnsZone) -> ZoneHome {
        if !zone.managed.unwrap_or(true) {
            ZoneHome::Existing
        } else if zone.private || !zone.lifecycle.is_long_lived() {
            ZoneHome::Environment
        } else {
            ZoneHome::Account
        }
    }

    /// The Route 53 zones a stack of `home` creates, in spec order.
    pub fn zones_of(&self, home: ZoneHome) -> Vec<&DnsZone> {
        self.platform.edge.zones.iter().filter(|z| z.provider == DnsProvider::Route53 && Self::zone_home(z) == home).collect()
    }

    /// The sub-zones of `home` delegated from a parent zone of the same home, as (sub-zone,
    /// parent) domains: the stack that creates both writes the `NS` record.
    pub fn delegations(&self, home: ZoneHome) -> Vec<(String, String)> {
        self.zones_of(home).into_iter().filter_map(|z| Some((z.domain.to_string(), z.delegated_from.as_ref()?.to_string()))).collect()
    }

    /// A zone's comment in Route 53: its purpose, or what it is.
    pub fn zone_comment(&self, zone: &DnsZone) -> String {
        zone.purpose.clone().unwrap_or_else(|| format!("{} zone of {}", zone.domain, self.names.platform))
    }

    /// The records with literal values in the zones of `home`: the stack that creates a zone
    /// writes them.
    pub fn literal_records(&self, home: ZoneHome) -> Vec<&DnsRecord> {
        let zones = self.zones_of(home);
        self.platform.edge.records.iter().filter(|r| r.target.is_none() && zones.iter().any(|z| z.domain == r.zone)).collect()
    }

    /// The VPC a private zone is created with: the primary region's first.
    pub fn private_zone_vpc(&self) -> Option<&str> {
        self.primary_region().vpcs.first().map(|v| v.name.as_str())
    }

    /// Every other VPC of the environment, associated with each private zone the environment creates.
    pub fn zone_associations(&self) -> Vec<ZoneAssociation<'_>> {
        let first = self.private_zone_vpc();
        let primary = self.primary_region().name.as_str();
        let stack = |r: &Region| format!("{}-{}", self.names.env, r.name);
        let primary_stack = stack(self.primary_region());
        let after_primary = |r: &Region| self.stacks.iter().any(|s| s.name == stack(r) && s.after.contains(&primary_stack));
        let mut out = Vec::new();
        for zone in self.zones_of(ZoneHome::Environment).into_iter().filter(|z| z.private) {
            for region in &self.platform.regions {
                for vpc in &region.vpcs {
                    if region.name.as_str() == primary && Some(vpc.name.as_str()) == first {
                        continue;
                    }
                    out.push(ZoneAssociation { zone, region, vpc: vpc.name.as_str(), by_primary: !after_primary(region) });
                }
            }
        }
        out
    }
}

/// Whether a region's stack reads the zones of the environment's primary-region stack: it
/// associates its VPCs with a private zone, validates a certificate in one of those zones or writes
/// a record there. The stack layout puts such a region after the primary one, unless the primary
/// already needs that region first; then the primary stack makes the region's associations.
pub fn reads_environment_zones(platform: &Platform, primary: &str, region: &Region) -> bool {
    if region.name.as_str() == primary {
        return false;
    }
    let env_zone = |domain: &str| {
        platform.edge.zones.iter().any(|z| z.domain.as_str() == domain && z.provider == DnsProvider::Route53 && Model::zone_home(z) == ZoneHome::Environment)
    };
    let private = platform.edge.zones.iter().any(|z| z.provider == DnsProvider::Route53 && z.private && Model::zone_home(z) == ZoneHome::Environment);
    (private && !region.vpcs.is_empty())
        || region.certificates.iter().any(|c| env_zone(c.zone.as_str()))
        || platform.edge.records.iter().any(|r| {
            env_zone(r.zone.as_str()) && r.target.as_deref().and_then(|t| t.split_once('/')).is_some_and(|(reg, lb)| reg == region.name.as_str() && !lb.contains('/'))
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn zones_of_a_domain() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}], "regions": [{"name": "us-east-1"}],
            "edge": {"zones": [
                {"domain": "example.com", "provider": "cloudflare"},
                {"domain": "api.example.com", "provider": "cloudflare"},
                {"domain": "internal.example.com", "provider": "route53"},
                {"domain": "internal.example.com", "provider": "route53", "private": true}
            ]}
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let zone = |d: &str| m.cloudflare_zone_of(d).map(|z| z.domain.to_string());
        assert_eq!(m.cloudflare_zones().len(), 2);
        assert_eq!(zone("example.com").as_deref(), Some("example.com"));
        assert_eq!(zone("www.example.com").as_deref(), Some("example.com"));
        assert_eq!(zone("v1.api.example.com").as_deref(), Some("api.example.com"));
        assert_eq!(zone("badexample.com"), None);
        assert!(m.has_private_zone("internal.example.com"));
        assert!(!m.has_private_zone("example.com"));
    }
}
