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
