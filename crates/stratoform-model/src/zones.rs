//! Route 53 zones and the stack that owns each. A public zone that outlives environments is
//! created once per account by the account stack (environments that share an account share it). A private zone needs a VPC when it is created, so it is created
//! by the environment's primary-region stack, which owns its environment's VPCs; so is a zone whose
//! lifecycle is `ephemeral`. Every VPC of the environment is associated with its private zones: the
//! primary region's first VPC when the zone is created, the others by associations. A zone that
//! stratoform does not manage (`managed: false`) is looked up by name.

use stratoform_spec::{AccountId, AcmCertificate, DnsProvider, DnsRecord, DnsZone, Platform, Region};

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

/// A sub-zone this account's stack creates whose parent zone another account's stack creates:
/// the sub-zone's account stack writes the `NS` record into the parent through a role of the
/// parent's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignParent {
    /// The sub-zone's domain.
    pub zone: String,
    /// The parent zone's domain.
    pub parent: String,
    /// The parent zone's account.
    pub account: String,
    /// The role of that account that may write the sub-zone's `NS` record.
    pub role: String,
}

/// The role an account lends to the accounts whose sub-zones its zones delegate: it may write
/// the `NS` records of those sub-zones and nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationRole {
    /// The role's name.
    pub name: String,
    /// The accounts that may assume it, in first-seen order.
    pub accounts: Vec<String>,
    /// Each parent zone of this account with the sub-zones other accounts create in it.
    pub zones: Vec<(String, Vec<String>)>,
}

/// The ARN of an IAM role of an account, in the partition of a region.
pub fn role_arn(account: &str, role: &str, region: &str) -> String {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    format!("arn:{partition}:iam::{account}:role/{role}")
}

/// Whether a zone is one of an environment's (its `environments` name it, or name none).
pub fn zone_of_env(zone: &DnsZone, env: &str) -> bool {
    zone.environments.is_empty() || zone.environments.iter().any(|e| e.as_str() == env)
}

/// The accounts of the environments that have a zone, in spec order without repeats (`None`
/// for environments that name no account).
pub fn zone_accounts<'a>(platform: &'a Platform, zone: &DnsZone) -> Vec<Option<&'a AccountId>> {
    let mut out: Vec<Option<&AccountId>> = Vec::new();
    for e in platform.environments.iter().filter(|e| zone_of_env(zone, e.name.as_str())) {
        if !out.contains(&e.account.as_ref()) {
            out.push(e.account.as_ref());
        }
    }
    out
}

impl Model {
    /// Whether a zone is one of this environment's.
    pub fn has_zone(&self, zone: &DnsZone) -> bool {
        zone_of_env(zone, self.env_name())
    }

    /// The Route 53 zone with a domain, if this environment has one.
    pub fn route53_zone(&self, domain: &str) -> Option<&DnsZone> {
        self.platform.edge.zones.iter().find(|z| z.domain.as_str() == domain && z.provider == DnsProvider::Route53 && self.has_zone(z))
    }

    /// Whether a zone of that domain is private (split-horizon domains have a public zone too).
    pub fn has_private_zone(&self, domain: &str) -> bool {
        self.platform.edge.zones.iter().any(|z| z.domain.as_str() == domain && z.private && self.has_zone(z))
    }

    /// The names of an ACM certificate (its domain and SANs, as written) whose validation records
    /// go to another zone than its `zone`, each with that zone: the environment's public Route 53
    /// zone whose domain is the name's longest suffix. A name under a delegated sub-zone is
    /// answered by the sub-zone's name servers only, so its record must be there.
    pub fn certificate_zones(&self, cert: &AcmCertificate) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for name in std::iter::once(&cert.domain).chain(&cert.sans) {
            let bare = name.as_str().strip_prefix("*.").unwrap_or(name.as_str());
            let best = self
                .platform
                .edge
                .zones
                .iter()
                .filter(|z| z.provider == DnsProvider::Route53 && !z.private && self.has_zone(z))
                .map(|z| z.domain.as_str())
                .filter(|d| bare == *d || bare.strip_suffix(d).is_some_and(|head| head.ends_with('.')))
                .max_by_key(|d| d.len());
            if let Some(zone) = best.filter(|z| *z != cert.zone.as_str())
                && !out.iter().any(|(n, _)| n == name.as_str())
            {
                out.push((name.to_string(), zone.to_owned()));
            }
        }
        out
    }

    /// Whether this environment's account stack creates a zone: an environment of the same
    /// account has it, and the account stack is its home.
    fn account_creates(&self, zone: &DnsZone) -> bool {
        zone.provider == DnsProvider::Route53
            && Self::zone_home(zone) == ZoneHome::Account
            && zone_accounts(&self.platform, zone).contains(&self.env.account.as_ref())
    }

    /// The role of this platform that an account lends for the `NS` records of sub-zones that
    /// other accounts create.
    pub fn delegation_role_name(&self) -> String {
        format!("{}-zone-delegation", self.names.platform)
    }

    /// This environment's sub-zones (of the account stack) whose parent zone another account
    /// creates. The loader has checked that the parent's account is named and is one.
    pub fn foreign_parents(&self) -> Vec<ForeignParent> {
        let mut out = Vec::new();
        for z in self.zones_of(ZoneHome::Account) {
            let Some(parent) = &z.delegated_from else { continue };
            let Some(p) = self.platform.edge.zones.iter().find(|p| p.domain == *parent && p.provider == DnsProvider::Route53) else { continue };
            if self.account_creates(p) {
                continue;
            }
            if let Some(Some(account)) = zone_accounts(&self.platform, p).first() {
                out.push(ForeignParent { zone: z.domain.to_string(), parent: parent.to_string(), account: account.to_string(), role: self.delegation_role_name() });
            }
        }
        out
    }

    /// The delegation role this environment's account lends, when zones this account creates
    /// have sub-zones that other accounts create.
    pub fn delegation_role(&self) -> Option<DelegationRole> {
        let mut accounts: Vec<String> = Vec::new();
        let mut zones: Vec<(String, Vec<String>)> = Vec::new();
        for child in self.platform.edge.zones.iter().filter(|z| z.provider == DnsProvider::Route53 && Self::zone_home(z) == ZoneHome::Account) {
            let Some(parent) = &child.delegated_from else { continue };
            let Some(p) = self.platform.edge.zones.iter().find(|p| p.domain == *parent && p.provider == DnsProvider::Route53) else { continue };
            if !self.account_creates(p) {
                continue;
            }
            let others: Vec<String> =
                zone_accounts(&self.platform, child).into_iter().flatten().filter(|a| Some(*a) != self.env.account.as_ref()).map(ToString::to_string).collect();
            if others.is_empty() {
                continue;
            }
            for a in others {
                if !accounts.contains(&a) {
                    accounts.push(a);
                }
            }
            match zones.iter_mut().find(|(d, _)| d == parent.as_str()) {
                Some((_, subs)) => subs.push(child.domain.to_string()),
                None => zones.push((parent.to_string(), vec![child.domain.to_string()])),
            }
        }
        (!accounts.is_empty()).then(|| DelegationRole { name: self.delegation_role_name(), accounts, zones })
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
        self.platform.edge.zones.iter().filter(|z| z.provider == DnsProvider::Route53 && Self::zone_home(z) == home && self.has_zone(z)).collect()
    }

    /// The sub-zones of `home` delegated from a parent zone that the same stack creates, as
    /// (sub-zone, parent) domains: the stack that creates both writes the `NS` record. For the
    /// account stack, that is a parent which an environment of the same account has; a parent of
    /// another account is a [`ForeignParent`].
    pub fn delegations(&self, home: ZoneHome) -> Vec<(String, String)> {
        let same_stack = |parent: &str| match home {
            ZoneHome::Account => self.platform.edge.zones.iter().any(|p| p.domain.as_str() == parent && self.account_creates(p)),
            _ => self.zones_of(home).iter().any(|p| p.domain.as_str() == parent),
        };
        self.zones_of(home)
            .into_iter()
            .filter_map(|z| Some((z.domain.to_string(), z.delegated_from.as_ref()?.to_string())))
            .filter(|(_, parent)| same_stack(parent))
            .collect()
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
pub fn reads_environment_zones(platform: &Platform, env: &str, primary: &str, region: &Region) -> bool {
    if region.name.as_str() == primary {
        return false;
    }
    let env_zones = || platform.edge.zones.iter().filter(|z| z.provider == DnsProvider::Route53 && Model::zone_home(z) == ZoneHome::Environment && zone_of_env(z, env));
    let env_zone = |domain: &str| env_zones().any(|z| z.domain.as_str() == domain);
    let private = env_zones().any(|z| z.private);
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
    use crate::{Model, ZoneHome};

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

    #[test]
    fn a_certificate_name_validates_in_the_zone_that_answers_for_it() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "us-east-1", "certificates": [{
                "name": "public", "domain": "*.example.com", "validationDns": "route53", "zone": "example.com",
                "sans": ["example.com", "*.eu.example.com", "api.eu.example.com", "*.internal.example.com", "*.other.example.com"]
            }]}],
            "edge": {"zones": [
                {"domain": "example.com", "provider": "route53"},
                {"domain": "eu.example.com", "provider": "route53", "delegatedFrom": "example.com"},
                {"domain": "internal.example.com", "provider": "route53", "private": true},
                {"domain": "other.example.com", "provider": "route53", "environments": ["prod"]}
            ]}
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let cert = &m.regions()[0].certificates[0];
        // The sub-zone answers for its names; a private zone and another environment's do not.
        assert_eq!(
            m.certificate_zones(cert),
            [("*.eu.example.com".to_owned(), "eu.example.com".to_owned()), ("api.eu.example.com".to_owned(), "eu.example.com".to_owned())]
        );
    }

    #[test]
    fn sub_zones_of_another_accounts_zone_are_delegated_through_its_role() {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [
                {"name": "dev", "account": "111111111111"},
                {"name": "qa", "account": "111111111111"},
                {"name": "prod", "account": "333333333333"}
            ],
            "regions": [{"name": "cn-north-1"}],
            "edge": {"zones": [
                {"domain": "example.com", "provider": "route53", "environments": ["prod"]},
                {"domain": "www.example.com", "provider": "route53", "environments": ["prod"], "delegatedFrom": "example.com"},
                {"domain": "dev.example.com", "provider": "route53", "environments": ["dev"], "delegatedFrom": "example.com"},
                {"domain": "qa.example.com", "provider": "route53", "environments": ["qa"], "delegatedFrom": "example.com"},
                {"domain": "qa-api.qa.example.com", "provider": "route53", "environments": ["dev"], "delegatedFrom": "qa.example.com"}
            ]}
        }));
        let models = Model::resolve_all(&spec, None).expect("valid spec");
        let (dev, qa, prod) = (&models[0], &models[1], &models[2]);
        let domains = |m: &Model| m.zones_of(ZoneHome::Account).iter().map(|z| z.domain.to_string()).collect::<Vec<_>>();
        assert_eq!(domains(dev), ["dev.example.com", "qa-api.qa.example.com"]);
        assert_eq!(domains(prod), ["example.com", "www.example.com"]);
        // Production's own sub-zone is delegated in its stack; dev's parent is another account's,
        // and qa's sub-zone of dev's account is delegated in the account stack both share.
        assert_eq!(prod.delegations(ZoneHome::Account), [("www.example.com".to_owned(), "example.com".to_owned())]);
        assert_eq!(dev.delegations(ZoneHome::Account), [("qa-api.qa.example.com".to_owned(), "qa.example.com".to_owned())]);
        let f = dev.foreign_parents();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].zone.as_str(), f[0].parent.as_str(), f[0].account.as_str(), f[0].role.as_str()), ("dev.example.com", "example.com", "333333333333", "demo-zone-delegation"));
        assert_eq!(super::role_arn(&f[0].account, &f[0].role, "cn-north-1"), "arn:aws-cn:iam::333333333333:role/demo-zone-delegation");
        assert_eq!(qa.foreign_parents().len(), 1);
        assert!(prod.foreign_parents().is_empty());
        let role = prod.delegation_role().expect("production lends its role");
        assert_eq!(role.accounts, ["111111111111"]);
        assert_eq!(role.zones, [("example.com".to_owned(), vec!["dev.example.com".to_owned(), "qa.example.com".to_owned()])]);
        assert!(dev.delegation_role().is_none(), "a parent in the same account needs no role");
        assert!(dev.route53_zone("example.com").is_none(), "another account's zone is not dev's");
    }
}
