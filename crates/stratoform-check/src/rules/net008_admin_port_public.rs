//! NET008: public entry points serve applications, never administrative or data-store ports.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::Scheme;

use crate::reach::{self, Reach};
use crate::{Context, Group, Rule};

/// Ports of remote administration, file sharing, data stores and cluster control planes, with
/// the service that listens on each. None of them belongs on a public entry point.
pub const ADMIN_PORTS: &[(u16, &str)] = &[
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (135, "Windows RPC"),
    (139, "NetBIOS"),
    (445, "SMB"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (2181, "ZooKeeper"),
    (2375, "the Docker API"),
    (2376, "the Docker API"),
    (2379, "etcd"),
    (2380, "etcd"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (5432, "PostgreSQL"),
    (5900, "VNC"),
    (5985, "WinRM"),
    (5986, "WinRM"),
    (6379, "Redis"),
    (6443, "the Kubernetes API"),
    (9042, "Cassandra"),
    (9092, "Kafka"),
    (9200, "Elasticsearch"),
    (10250, "the kubelet"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

/// The service of an administrative or data-store port.
pub fn admin_service(port: u16) -> Option<&'static str> {
    ADMIN_PORTS.iter().find(|(p, _)| *p == port).map(|(_, s)| *s)
}

/// The rule.
pub const RULE: Rule = Rule {
    id: "NET008",
    name: "admin-port-on-public-edge",
    group: Group::Net,
    severity: Severity::Error,
    production_only: false,
    summary: "internet-facing entry points listen on application ports, not on administrative or data-store ports",
    checks: "The ports of every public entry point: the listeners of `internetFacing` load balancers \
(`regions[].loadBalancers[]`), of `internetFacing` gateways (`clusters[].gateways[]`), the port a workload \
exposes through an `internetFacing` load balancer (`workloads[].expose`) and the listener ports of \
Global Accelerators (`edge.globalAccelerators[]`). A port of remote administration, file sharing, a \
data store or a control plane (FTP 21, SSH 22, Telnet 23, Windows RPC 135, NetBIOS 139, SMB 445, SQL \
Server 1433, Oracle 1521, NFS 2049, ZooKeeper 2181, the Docker API 2375 and 2376, etcd 2379 and 2380, \
MySQL 3306, RDP 3389, PostgreSQL 5432, VNC 5900, WinRM 5985 and 5986, Redis 6379, the Kubernetes API \
6443, Cassandra 9042, Kafka 9092, Elasticsearch 9200, the kubelet 10250, Memcached 11211, MongoDB 27017) \
is an **error** when the internet reaches it: always for gateways, exposed workloads \
and accelerators, and for a load balancer whose `allowedCidrs` is unset (`0.0.0.0/0`) or holds a block \
NET002 calls the internet. A load balancer that admits only a wide public block (see NET007) gets a \
**warning**; one that admits only narrow blocks passes. Web ports (80, 443) and application ports \
(MQTT, a TCP protocol of the product) pass: serving them is what a public edge is for. The NGINX ingress \
controller listens on 80 and 443 only.",
    why: "An internet-facing load balancer forwards whatever reaches its listeners: a listener on 22 or \
5432 puts a shell or a database login prompt on the internet, scanned within minutes, behind nothing but \
a password. Administration goes over the VPN, SSM or a bastion with an allowlist; data stores are reached \
from inside the network.",
    failing: "loadBalancers:\n  - name: db-public\n    type: nlb\n    scheme: internetFacing\n    listeners:\n      - { port: 5432, protocol: TCP }\n",
    fix: "Serve the port from an `internal` load balancer reached over the VPN or a peering, or limit \
`allowedCidrs` to the few blocks that need it.",
    fixed: "loadBalancers:\n  - name: db-internal\n    type: nlb\n    scheme: internal\n    listeners:\n      - { port: 5432, protocol: TCP }\n",
    help: "serve administrative and data-store ports only from an `internal` load balancer, or limit `allowedCidrs` to the blocks that need them",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let label = "administrative port on the internet";
    for (rp, r) in ctx.regions() {
        for (li, lb) in r.load_balancers.iter().enumerate().filter(|(_, lb)| lb.scheme == Scheme::InternetFacing) {
            let (widest, from) = match &lb.allowed_cidrs {
                None => (Reach::Internet, "`0.0.0.0/0` (no `allowedCidrs`)".to_owned()),
                Some(blocks) => match blocks.iter().max_by_key(|c| reach::reach(reach::v4(c))) {
                    Some(c) => (reach::reach(reach::v4(c)), format!("`{c}`")),
                    None => continue,
                },
            };
            let severity = match widest {
                Reach::Internet => Severity::Error,
                Reach::WidePublic => Severity::Warning,
                Reach::Public | Reach::Private => continue,
            };
            for (k, l) in lb.listeners.iter().enumerate() {
                if let Some(service) = admin_service(l.port) {
                    let message = format!("internet-facing load balancer `{}` listens on port {} ({service}) for {from}", lb.name, l.port);
                    out.push(ctx.finding_with(&RULE, severity, &format!("{rp}/loadBalancers/{li}/listeners/{k}/port"), message, label));
                }
            }
        }
    }
    for (cp, _, c) in ctx.clusters() {
        for (gi, g) in c.gateways.iter().enumerate().filter(|(_, g)| g.scheme == Scheme::InternetFacing) {
            for (k, l) in g.listeners.iter().enumerate() {
                if let Some(service) = admin_service(l.port) {
                    let message = format!("internet-facing gateway `{}` of cluster `{}` listens on port {} ({service})", g.name, c.name, l.port);
                    out.push(ctx.finding(&RULE, &format!("{cp}/gateways/{gi}/listeners/{k}/port"), message, label));
                }
            }
        }
    }
    for (wp, _, _, w) in ctx.workloads() {
        let Some(expose) = w.expose.as_ref().filter(|e| e.scheme == Scheme::InternetFacing) else { continue };
        let Some(port) = expose.port.or_else(|| w.ports.first().map(|p| p.port)) else { continue };
        if let Some(service) = admin_service(port) {
            let at = if expose.port.is_some() { format!("{wp}/expose/port") } else { format!("{wp}/expose") };
            let message = format!("workload `{}` exposes port {port} ({service}) through an internet-facing load balancer", w.name);
            out.push(ctx.finding(&RULE, &at, message, label));
        }
    }
    for (ai, ga) in ctx.model.edge().global_accelerators.iter().enumerate() {
        for (li, l) in ga.listeners.iter().enumerate() {
            for (k, port) in l.ports.iter().enumerate() {
                if let Some(service) = admin_service(*port) {
                    let message = format!("Global Accelerator `{}` listens on port {port} ({service})", ga.name);
                    out.push(ctx.finding(&RULE, &format!("/edge/globalAccelerators/{ai}/listeners/{li}/ports/{k}"), message, label));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{admin_service, ADMIN_PORTS, RULE};

    #[test]
    fn the_page_lists_every_port() {
        for (port, service) in ADMIN_PORTS {
            assert!(RULE.checks.contains(&format!(" {port}")), "the rule page does not list {service} {port}");
        }
        assert_eq!(admin_service(5432), Some("PostgreSQL"));
        assert_eq!((admin_service(443), admin_service(1883)), (None, None));
    }
}
