//! Network ACLs: the rules of each public, private and database tier of a VPC that asks for them
//! (`networkAcls`), derived once from what the platform runs there — the VPC's block, the ports
//! its internet-facing load balancers and hosts listen on, the ports of its data stores and who
//! may reach them, its peerings — plus the spec's own rules, numbered before the derived ones.
//! The Terraform network module writes them as they are here.

use stratoform_spec::{AclAction, AclDirection, Ipv4Cidr, ListenerProtocol, Name, PortProtocol, Protocol, Region, Scheme, SubnetKind, Vpc};

use crate::network::tier_for;
use crate::{Model, VpcPlan};

/// The first rule number of the spec's own rules; each next one is 10 higher.
const SPEC_RULES_FROM: u16 = 100;
/// The first rule number of the derived rules, after room for 90 of the spec's.
const DERIVED_RULES_FROM: u16 = 1000;
/// The ports a client's side of a TCP connection uses (and a NAT gateway's, which picks from
/// 1024-65535): replies come back to them.
const EPHEMERAL: (u16, u16) = (1024, 65535);
/// ICMP "destination unreachable, fragmentation needed": path MTU discovery breaks without it.
const FRAGMENTATION_NEEDED: (i16, i16) = (3, 4);

/// The network ACL of one tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierAcl {
    /// The tier.
    pub tier: Name,
    /// The ACL's `Name` tag: `{platform}-{env}-<vpc>-<tier>`.
    pub name: String,
    /// The keys (`<tier>-<zone>`) of the subnets it is associated with.
    pub subnets: Vec<String>,
    /// Inbound rules, by rule number.
    pub ingress: Vec<AclEntry>,
    /// Outbound rules, by rule number.
    pub egress: Vec<AclEntry>,
}

/// One numbered rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclEntry {
    /// Rule number: lower numbers are evaluated first.
    pub rule_no: u16,
    /// Allow or deny.
    pub action: AclAction,
    /// The protocol.
    pub protocol: Protocol,
    /// The source (inbound) or destination (outbound) block.
    pub cidr: Ipv4Cidr,
    /// First port (0 for `all` and `icmp`).
    pub from_port: u16,
    /// Last port (0 for `all` and `icmp`).
    pub to_port: u16,
    /// ICMP type and code (`-1` for every one), for `icmp` only.
    pub icmp: Option<(i16, i16)>,
    /// Why the rule exists.
    pub why: String,
}

impl AclEntry {
    /// The protocol as the EC2 API names it: `tcp`, `udp`, `icmp` or `-1` for every protocol.
    pub fn protocol_name(&self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "-1",
        }
    }
}

/// A rule before it is numbered.
struct Draft {
    protocol: Protocol,
    ports: (u16, u16),
    cidr: Ipv4Cidr,
    icmp: Option<(i16, i16)>,
    why: String,
}

impl Draft {
    fn new(protocol: Protocol, ports: (u16, u16), cidr: Ipv4Cidr, why: impl Into<String>) -> Self {
        let ports = if matches!(protocol, Protocol::All | Protocol::Icmp) { (0, 0) } else { ports };
        let icmp = (protocol == Protocol::Icmp).then_some((-1, -1));
        Self { protocol, ports, cidr, icmp, why: why.into() }
    }
}

/// The inbound and outbound drafts of one tier.
#[derive(Default)]
struct Drafts {
    ingress: Vec<Draft>,
    egress: Vec<Draft>,
}

impl Drafts {
    /// Adds a rule unless one with the same protocol, ports and block is there.
    fn add(&mut self, direction: AclDirection, draft: Draft) {
        let list = match direction {
            AclDirection::Ingress => &mut self.ingress,
            AclDirection::Egress => &mut self.egress,
        };
        if !list.iter().any(|d| d.protocol == draft.protocol && d.ports == draft.ports && d.cidr == draft.cidr && d.icmp == draft.icmp) {
            list.push(draft);
        }
    }
}

fn anywhere() -> Ipv4Cidr {
    "0.0.0.0/0".parse().expect("a valid block")
}

/// A port the internet may reach on a VPC's public tiers (or on the one tier a load balancer names).
struct Opening {
    tier: Option<Name>,
    protocol: Protocol,
    port: u16,
    from: Vec<Ipv4Cidr>,
    what: String,
}

impl Model {
    /// The network ACLs of a VPC, tier by tier in carving order; empty when the VPC asks for none
    /// (or turns them off) and for its `intra` tiers.
    pub fn network_acls(&self, region: &Region, vpc: &Vpc) -> Vec<TierAcl> {
        let Some(acls) = vpc.network_acls.as_ref().filter(|a| a.enabled) else { return Vec::new() };
        let Some(plan) = self.network.vpc(region.name.as_str(), vpc.name.as_str()) else { return Vec::new() };
        let openings = self.internet_openings(region, vpc);
        plan.tiers
            .iter()
            .filter(|t| t.kind != SubnetKind::Intra)
            .map(|t| {
                let drafts = self.derived_rules(region, vpc, plan, &t.name, t.kind, &openings);
                let own = |direction: AclDirection| -> Vec<(AclAction, Draft)> {
                    acls.rules
                        .iter()
                        .filter(|r| r.tier == t.name && r.direction == direction)
                        .flat_map(|r| {
                            let why = r.description.clone().unwrap_or_else(|| "the spec's rule".to_owned());
                            r.cidrs.iter().map(move |c| (r.action, Draft::new(r.protocol, (r.from_port, r.to_port.unwrap_or(r.from_port)), *c, why.clone())))
                        })
                        .collect()
                };
                let number = |spec: Vec<(AclAction, Draft)>, derived: Vec<Draft>| -> Vec<AclEntry> {
                    let spec = spec.into_iter().enumerate().map(|(i, (a, d))| (SPEC_RULES_FROM + 10 * i as u16, a, d));
                    let derived = derived.into_iter().enumerate().map(|(i, d)| (DERIVED_RULES_FROM + 10 * i as u16, AclAction::Allow, d));
                    spec.chain(derived)
                        .map(|(rule_no, action, d)| AclEntry { rule_no, action, protocol: d.protocol, cidr: d.cidr, from_port: d.ports.0, to_port: d.ports.1, icmp: d.icmp, why: d.why })
                        .collect()
                };
                TierAcl {
                    tier: t.name.clone(),
                    name: format!("{}-{}-{}", self.names.prefix(), vpc.name, t.name),
                    subnets: t.subnets.iter().map(|s| s.key.clone()).collect(),
                    ingress: number(own(AclDirection::Ingress), drafts.ingress),
                    egress: number(own(AclDirection::Egress), drafts.egress),
                }
            })
            .collect()
    }

    /// The rules a tier needs for what the platform runs in and around it.
    fn derived_rules(&self, region: &Region, vpc: &Vpc, plan: &VpcPlan, tier: &Name, kind: SubnetKind, openings: &[Opening]) -> Drafts {
        use AclDirection::{Egress, Ingress};
        let mut d = Drafts::default();
        let all = anywhere();
        if kind == SubnetKind::Database {
            for own in plan.tier(tier.as_str()).map(|t| t.subnets.as_slice()).unwrap_or_default() {
                d.add(Ingress, Draft::new(Protocol::All, (0, 0), own.cidr, format!("the tier's own subnet {} (replication between members)", own.az)));
                d.add(Egress, Draft::new(Protocol::All, (0, 0), own.cidr, format!("the tier's own subnet {}", own.az)));
            }
        } else {
            d.add(Ingress, Draft::new(Protocol::All, (0, 0), vpc.cidr, "the VPC"));
            d.add(Egress, Draft::new(Protocol::All, (0, 0), vpc.cidr, "the VPC"));
        }
        if kind == SubnetKind::Public {
            for o in openings.iter().filter(|o| o.tier.as_ref().is_none_or(|t| t == tier)) {
                for c in &o.from {
                    d.add(Ingress, Draft::new(o.protocol, (o.port, o.port), *c, o.what.clone()));
                    if o.protocol == Protocol::Udp {
                        d.add(Egress, Draft::new(Protocol::Udp, EPHEMERAL, *c, format!("replies of {}", o.what)));
                    }
                }
            }
        }
        // Hosts admit what their security groups admit from outside the VPC (from inside, for a
        // database tier, which does not admit the VPC as a whole).
        for h in region.hosts.iter().filter(|h| h.vpc.as_ref().is_none_or(|v| v == &vpc.name) && &h.subnet_tier == tier) {
            for r in &h.ingress {
                let blocks = r.cidrs.iter().copied().chain(r.sources.iter().flat_map(|s| self.source_blocks(region, plan, s)));
                for c in blocks.filter(|c| kind == SubnetKind::Database || !vpc.cidr.contains(c)) {
                    let why = format!("host `{}`: {}", h.name, r.description.clone().unwrap_or_else(|| format!("port {}", r.from_port)));
                    d.add(Ingress, Draft::new(r.protocol, (r.from_port, r.to_port.unwrap_or(r.from_port)), c, why));
                    // TCP replies of public and private tiers go out by their general rule.
                    if kind == SubnetKind::Database || r.protocol != Protocol::Tcp {
                        d.add(Egress, Draft::new(r.protocol, EPHEMERAL, c, format!("replies of host `{}`", h.name)));
                    }
                }
            }
        }
        if matches!(kind, SubnetKind::Public | SubnetKind::Private) {
            d.add(Ingress, Draft::new(Protocol::Tcp, EPHEMERAL, all, "replies to connections out (through NAT, to peers)"));
            d.add(Ingress, Draft { icmp: Some(FRAGMENTATION_NEEDED), ..Draft::new(Protocol::Icmp, (0, 0), all, "fragmentation needed (path MTU discovery)") });
            d.add(Egress, Draft::new(Protocol::Tcp, (80, 80), all, "HTTP out"));
            d.add(Egress, Draft::new(Protocol::Tcp, (443, 443), all, "HTTPS out"));
            d.add(Egress, Draft::new(Protocol::Tcp, EPHEMERAL, all, "replies, and connections to high ports (peered data stores)"));
        }
        if kind == SubnetKind::Private {
            for p in region.peerings.iter().filter(|p| p.vpc == vpc.name) {
                let Some(peer) = self.peer_block(region, p.name.as_str()) else { continue };
                for port in &p.allowed_ports {
                    d.add(Ingress, Draft::new(Protocol::Tcp, (*port, *port), peer, format!("peering `{}`: port {port}", p.name)));
                }
            }
        }
        if kind == SubnetKind::Database {
            for ds in self.data_stores().into_iter().filter(|s| s.region.name == region.name && s.vpc.is_none_or(|v| v == &vpc.name)) {
                let default_kind = if ds.kind == crate::DataStoreKind::FileSystem { SubnetKind::Private } else { SubnetKind::Database };
                if tier_for(&plan.tiers, ds.subnet_tier, default_kind).is_none_or(|t| &t.name != tier) {
                    continue;
                }
                for src in ds.allowed_from {
                    for c in self.source_blocks(region, plan, src) {
                        d.add(Ingress, Draft::new(Protocol::Tcp, (ds.port, ds.port), c, format!("{} `{}` from `{src}`", ds.kind.title(), ds.name)));
                        d.add(Egress, Draft::new(Protocol::Tcp, EPHEMERAL, c, format!("replies to `{src}`")));
                    }
                }
            }
        }
        d
    }

    /// The ports the internet may reach in a VPC: the listeners of its internet-facing load
    /// balancers, gateways, ingress controllers and exposed workloads.
    fn internet_openings(&self, region: &Region, vpc: &Vpc) -> Vec<Opening> {
        let first_vpc = region.vpcs.first().map(|v| &v.name);
        let mut out = Vec::new();
        for lb in region.load_balancers.iter().filter(|l| l.scheme == Scheme::InternetFacing && l.vpc.as_ref().or(first_vpc) == Some(&vpc.name)) {
            let from = lb.allowed_cidrs.clone().unwrap_or_else(|| vec![anywhere()]);
            for l in &lb.listeners {
                let protocol = if l.protocol == ListenerProtocol::Udp { Protocol::Udp } else { Protocol::Tcp };
                out.push(Opening { tier: lb.subnet_tier.clone(), protocol, port: l.port, from: from.clone(), what: format!("load balancer `{}`", lb.name) });
            }
        }
        for c in region.clusters.iter().filter(|c| c.vpc == vpc.name) {
            let mut open = |protocol, port, what: String| out.push(Opening { tier: None, protocol, port, from: vec![anywhere()], what });
            if c.ingress_nginx.as_ref().is_some_and(|i| i.scheme == Scheme::InternetFacing) {
                open(Protocol::Tcp, 80, "the NGINX ingress controller's load balancer".to_owned());
                open(Protocol::Tcp, 443, "the NGINX ingress controller's load balancer".to_owned());
            }
            for g in c.gateways.iter().filter(|g| g.scheme == Scheme::InternetFacing) {
                for l in &g.listeners {
                    open(Protocol::Tcp, l.port, format!("gateway `{}`", g.name));
                }
            }
            for w in &c.workloads {
                let Some(e) = w.expose.as_ref().filter(|e| e.scheme == Scheme::InternetFacing) else { continue };
                let Some(port) = e.port.or_else(|| w.ports.first().map(|p| p.port)) else { continue };
                let udp = w.ports.iter().find(|p| p.port == port).is_some_and(|p| p.protocol == PortProtocol::Udp);
                open(if udp { Protocol::Udp } else { Protocol::Tcp }, port, format!("workload `{}`'s load balancer", w.name));
            }
        }
        out
    }

    /// The blocks a security source (`cluster:<name>`, `host:<name>`, `peering:<name>`, a block
    /// or a security group of the VPC) stands for: a cluster's or host's subnets, the peer's
    /// block, the block itself, or the whole VPC for a security group (it may be on anything).
    fn source_blocks(&self, region: &Region, plan: &VpcPlan, source: &str) -> Vec<Ipv4Cidr> {
        let subnets_of = |tiers: &[&Name]| plan.tiers.iter().filter(|t| tiers.contains(&&t.name)).flat_map(|t| t.subnets.iter().map(|s| s.cidr)).collect::<Vec<_>>();
        if let Some(c) = source.strip_prefix("cluster:") {
            plan.clusters.iter().filter(|p| p.cluster.as_str() == c).flat_map(|p| subnets_of(&p.tiers.iter().collect::<Vec<_>>())).collect()
        } else if let Some(h) = source.strip_prefix("host:") {
            region.hosts.iter().filter(|x| x.name.as_str() == h).flat_map(|x| subnets_of(&[&x.subnet_tier])).collect()
        } else if let Some(p) = source.strip_prefix("peering:") {
            self.peer_block(region, p).into_iter().collect()
        } else if let Ok(c) = source.parse::<Ipv4Cidr>() {
            vec![c]
        } else {
            vec![plan.cidr]
        }
    }

    /// The block on the other side of a peering named in any region, as seen from `from`: the
    /// peer's block from the requester's region, the requester's from the accepter's.
    pub fn peer_block(&self, from: &Region, peering: &str) -> Option<Ipv4Cidr> {
        let (r, p) = self.regions().iter().find_map(|r| r.peerings.iter().find(|p| p.name.as_str() == peering).map(|p| (r, p)))?;
        if let Some(c) = p.peer.cidr {
            return Some(c);
        }
        let (region, vpc) = if r.name == from.name {
            (p.peer.region.as_ref().map_or_else(|| r.name.to_string(), ToString::to_string), p.peer.vpc.as_ref()?.to_string())
        } else {
            (r.name.to_string(), p.vpc.to_string())
        };
        self.network.vpc(&region, &vpc).map(|v| v.cidr)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    fn model(acls: serde_json::Value) -> Model {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [
                {"name": "us-east-1",
                 "vpcs": [{"name": "main", "cidr": "10.0.0.0/16", "azs": ["us-east-1a", "us-east-1b"], "networkAcls": acls,
                           "subnets": {
                               "public": {"type": "public", "newbits": 8, "netnum": 0},
                               "private": {"type": "private", "newbits": 4, "netnum": 1},
                               "database": {"type": "database", "newbits": 8, "netnum": 200},
                               "firewall": {"type": "intra", "newbits": 12, "netnum": 4000}
                           }}],
                 "clusters": [{"name": "main", "vpc": "main", "version": "1.33"}],
                 "peerings": [{"name": "to-db", "vpc": "main", "peer": {"region": "eu-west-1", "vpc": "db"}, "allowedPorts": [9090]}],
                 "loadBalancers": [{"name": "api", "type": "nlb", "scheme": "internetFacing", "listeners": [{"port": 8883, "protocol": "TCP"}, {"port": 4500, "protocol": "UDP"}]}],
                 "hosts": [{"name": "vpn", "purpose": "p", "subnetTier": "public", "instanceType": "t3.small", "os": "amazonLinux2023",
                            "ingress": [{"protocol": "udp", "fromPort": 1194, "cidrs": ["0.0.0.0/0"]}, {"fromPort": 22, "sources": ["cluster:main"]}]}],
                 "databases": [{"name": "orders", "engine": "postgres", "version": "16.4", "instanceClass": "db.r6g.large", "allowedFrom": ["cluster:main"]}]},
                {"name": "eu-west-1", "role": "secondary",
                 "vpcs": [{"name": "db", "cidr": "10.30.0.0/16", "azs": ["eu-west-1a"], "networkAcls": acls,
                           "subnets": {"database": {"type": "database", "newbits": 8, "netnum": 0}}}],
                 "caches": [{"name": "sessions", "version": "7.1", "nodeType": "cache.r6g.large", "allowedFrom": ["peering:to-db"]}]}
            ]
        }));
        Model::resolve_all(&spec, None).expect("valid spec").remove(0)
    }

    fn acls(m: &Model, region: usize) -> Vec<TierAcl> {
        let r = &m.regions()[region];
        m.network_acls(r, &r.vpcs[0])
    }

    /// A tier's rules as `<no> <allow|deny> <protocol> <block> <from>-<to>` lines.
    fn lines(rules: &[AclEntry]) -> Vec<String> {
        rules
            .iter()
            .map(|e| {
                let action = if e.action == AclAction::Allow { "allow" } else { "deny" };
                let ports = e.icmp.map_or_else(|| format!("{}-{}", e.from_port, e.to_port), |(t, c)| format!("type {t} code {c}"));
                format!("{} {action} {} {} {ports}", e.rule_no, e.protocol_name(), e.cidr)
            })
            .collect()
    }

    #[test]
    fn none_unless_the_vpc_asks() {
        assert!(acls(&model(serde_json::Value::Null), 0).is_empty());
        assert!(acls(&model(json!({"enabled": false})), 0).is_empty());
    }

    #[test]
    fn every_tier_but_intra_gets_one_named_after_it() {
        let m = model(json!({}));
        let all = acls(&m, 0);
        let tiers: Vec<(&str, &str, Vec<&str>)> = all.iter().map(|a| (a.tier.as_str(), a.name.as_str(), a.subnets.iter().map(String::as_str).collect())).collect();
        assert_eq!(
            tiers,
            [
                ("public", "demo-dev-main-public", vec!["public-us-east-1a", "public-us-east-1b"]),
                ("private", "demo-dev-main-private", vec!["private-us-east-1a", "private-us-east-1b"]),
                ("database", "demo-dev-main-database", vec!["database-us-east-1a", "database-us-east-1b"]),
            ]
        );
    }

    #[test]
    fn the_public_tier_admits_the_listeners_and_replies() {
        let m = model(json!({}));
        let public = &acls(&m, 0)[0];
        assert_eq!(
            lines(&public.ingress),
            [
                "1000 allow -1 10.0.0.0/16 0-0",
                "1010 allow tcp 0.0.0.0/0 8883-8883",
                "1020 allow udp 0.0.0.0/0 4500-4500",
                "1030 allow udp 0.0.0.0/0 1194-1194",
                "1040 allow tcp 0.0.0.0/0 1024-65535",
                "1050 allow icmp 0.0.0.0/0 type 3 code 4",
            ]
        );
        assert_eq!(
            lines(&public.egress),
            [
                "1000 allow -1 10.0.0.0/16 0-0",
                "1010 allow udp 0.0.0.0/0 1024-65535",
                "1020 allow tcp 0.0.0.0/0 80-80",
                "1030 allow tcp 0.0.0.0/0 443-443",
                "1040 allow tcp 0.0.0.0/0 1024-65535",
            ]
        );
    }

    #[test]
    fn the_private_tier_admits_the_vpc_replies_and_the_peers_ports() {
        let m = model(json!({}));
        let private = &acls(&m, 0)[1];
        assert_eq!(
            lines(&private.ingress),
            ["1000 allow -1 10.0.0.0/16 0-0", "1010 allow tcp 0.0.0.0/0 1024-65535", "1020 allow icmp 0.0.0.0/0 type 3 code 4", "1030 allow tcp 10.30.0.0/16 9090-9090"]
        );
        assert!(private.ingress.iter().all(|e| e.protocol != Protocol::Tcp || e.from_port != 80), "nothing from the internet below 1024");
    }

    #[test]
    fn a_database_tier_admits_its_ports_from_the_allowed_sources_only() {
        let m = model(json!({}));
        let database = &acls(&m, 0)[2];
        // The cluster's nodes are in the private subnets; PostgreSQL's port comes from its engine.
        assert_eq!(
            lines(&database.ingress),
            [
                "1000 allow -1 10.0.200.0/24 0-0",
                "1010 allow -1 10.0.201.0/24 0-0",
                "1020 allow tcp 10.0.16.0/20 5432-5432",
                "1030 allow tcp 10.0.32.0/20 5432-5432",
            ]
        );
        assert_eq!(
            lines(&database.egress),
            ["1000 allow -1 10.0.200.0/24 0-0", "1010 allow -1 10.0.201.0/24 0-0", "1020 allow tcp 10.0.16.0/20 1024-65535", "1030 allow tcp 10.0.32.0/20 1024-65535"]
        );
        assert!(database.ingress.iter().all(|e| e.cidr.to_string() != "10.0.0.0/16"), "the VPC as a whole is not admitted");
        // Across the peering, the accepter's cache admits the requester's block.
        let db = acls(&m, 1);
        assert_eq!(lines(&db[0].ingress), ["1000 allow -1 10.30.0.0/24 0-0", "1010 allow tcp 10.0.0.0/16 6379-6379"]);
    }

    #[test]
    fn the_specs_rules_come_first_one_entry_per_block() {
        let m = model(json!({"rules": [
            {"tier": "public", "direction": "ingress", "action": "deny", "protocol": "all", "fromPort": 0, "cidrs": ["198.51.100.0/24", "203.0.113.0/24"]},
            {"tier": "private", "direction": "egress", "fromPort": 25, "toPort": 26, "cidrs": ["192.0.2.0/24"]}
        ]}));
        let all = acls(&m, 0);
        assert_eq!(lines(&all[0].ingress[..3]), ["100 deny -1 198.51.100.0/24 0-0", "110 deny -1 203.0.113.0/24 0-0", "1000 allow -1 10.0.0.0/16 0-0"]);
        assert_eq!(lines(&all[1].egress[..2]), ["100 allow tcp 192.0.2.0/24 25-26", "1000 allow -1 10.0.0.0/16 0-0"]);
        assert_eq!(all[0].ingress[0].why, "the spec's rule");
    }
}
