//! How far a source of inbound traffic reaches: the internet at large, a wide public range, a
//! narrow public range, or private address space. The rules about doors left open (NET002,
//! NET006, NET007, NET008, SEC004) classify every block they read here, IPv4 and IPv6 alike.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use stratoform_model::Model;
use stratoform_spec::SecurityRule;

/// An IPv4 block with a prefix shorter than this reaches the internet at large: it is wider
/// than a /8, the largest block ever assigned to a single holder.
pub const INTERNET_V4: u8 = 8;
/// An IPv6 block with a prefix shorter than this reaches the internet at large: it is wider than
/// the blocks the regional registries hand out (/12 to /23 from IANA's /3).
pub const INTERNET_V6: u8 = 16;
/// A public IPv4 block with a prefix shorter than this is wider than one organisation's egress
/// (an office, a VPN, a CI fleet): more than 65,536 addresses.
pub const WIDE_V4: u8 = 16;
/// A public IPv6 block with a prefix shorter than this is wider than one site's assignment (/48).
pub const WIDE_V6: u8 = 48;

/// Address space that is not routed on the internet: RFC 1918, the RFC 6598 shared space (which
/// EKS custom networking uses for pods) and IPv6 unique local addresses (RFC 4193).
const PRIVATE_V4: [(u32, u8); 4] = [(0x0a00_0000, 8), (0xac10_0000, 12), (0xc0a8_0000, 16), (0x6440_0000, 10)];

/// How far a block reaches, from narrowest to widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Wholly inside private address space.
    Private,
    /// Public, and no wider than [`WIDE_V4`] / [`WIDE_V6`].
    Public,
    /// Public and wider than [`WIDE_V4`] / [`WIDE_V6`], but not the internet.
    WidePublic,
    /// `0.0.0.0/0`, `::/0`, or wider than [`INTERNET_V4`] / [`INTERNET_V6`].
    Internet,
}

impl Reach {
    /// Whether the block holds public addresses.
    pub fn is_public(self) -> bool {
        self != Self::Private
    }
}

/// How far a block reaches. Host bits are ignored (`10.0.0.1/8` is `10.0.0.0/8`).
pub fn reach(block: IpNet) -> Reach {
    let block = block.trunc();
    let (prefix, internet, wide) = match block {
        IpNet::V4(n) => (n.prefix_len(), INTERNET_V4, WIDE_V4),
        IpNet::V6(n) => (n.prefix_len(), INTERNET_V6, WIDE_V6),
    };
    if is_private(block) {
        Reach::Private
    } else if prefix < internet {
        Reach::Internet
    } else if prefix < wide {
        Reach::WidePublic
    } else {
        Reach::Public
    }
}

fn is_private(block: IpNet) -> bool {
    match block {
        IpNet::V4(n) => PRIVATE_V4.iter().any(|&(addr, len)| Ipv4Net::new(addr.into(), len).is_ok_and(|p| p.contains(&n))),
        IpNet::V6(n) => Ipv6Net::new("fc00::".parse().expect("an IPv6 address"), 7).is_ok_and(|p| p.contains(&n)),
    }
}

/// The block of an IPv4 CIDR of the spec.
pub fn v4(cidr: &stratoform_spec::Ipv4Cidr) -> IpNet {
    IpNet::V4(cidr.net())
}

/// The block a source of `allowedFrom` or of a security rule's `sources` stands for, when it is
/// one: a CIDR written as such (IPv4 or IPv6), or `peering:<name>` of an external peer, whose
/// block is `peer.cidr`. Named sources (`cluster:`, `host:`, security groups, peerings between
/// the platform's own VPCs) are not blocks.
pub fn source_block(model: &Model, source: &str) -> Option<IpNet> {
    if let Some(name) = source.strip_prefix("peering:") {
        return model
            .regions()
            .iter()
            .flat_map(|r| &r.peerings)
            .find(|p| p.name.as_str() == name)
            .and_then(|p| p.peer.cidr.as_ref())
            .map(v4);
    }
    source.parse().ok()
}

/// Every block an inbound rule admits, with where it is written below the rule (`cidrs/0`,
/// `sources/2`), how messages show it and how far it reaches.
pub fn rule_blocks(model: &Model, rule: &SecurityRule) -> Vec<(String, String, Reach)> {
    let cidrs = rule.cidrs.iter().enumerate().map(|(i, c)| (format!("cidrs/{i}"), format!("`{c}`"), reach(v4(c))));
    let sources = rule.sources.iter().enumerate().filter_map(|(i, s)| {
        let block = source_block(model, s)?;
        Some((format!("sources/{i}"), shown(s, block), reach(block)))
    });
    cidrs.chain(sources).collect()
}

/// A source for messages: `` `0.0.0.0/0` ``, or `` `peering:vendor` (`0.0.0.0/0`) `` when the
/// block stands behind a name.
pub fn shown(source: &str, block: IpNet) -> String {
    if source.parse::<IpNet>().is_ok() { format!("`{source}`") } else { format!("`{source}` (`{block}`)") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(s: &str) -> Reach {
        reach(s.parse().expect("a block"))
    }

    #[test]
    fn blocks_by_reach() {
        let table = [
            ("0.0.0.0/0", Reach::Internet),
            ("::/0", Reach::Internet),
            ("0.0.0.0/1", Reach::Internet),
            ("128.0.0.0/7", Reach::Internet),
            ("2000::/3", Reach::Internet),
            ("2001::/15", Reach::Internet),
            ("2001::/16", Reach::WidePublic),
            ("2001:db8::/32", Reach::WidePublic),
            ("2001:db8::/48", Reach::Public),
            ("2001:db8:1:2::/64", Reach::Public),
            ("fd00:1234::/32", Reach::Private),
            ("fc00::/6", Reach::Internet),
            ("fc00::/8", Reach::Private),
            ("8.0.0.0/8", Reach::WidePublic),
            ("52.0.0.0/10", Reach::WidePublic),
            ("198.51.0.0/16", Reach::Public),
            ("203.0.113.0/24", Reach::Public),
            ("203.0.113.7/32", Reach::Public),
            ("10.0.0.0/8", Reach::Private),
            ("10.20.0.0/16", Reach::Private),
            ("172.16.0.0/12", Reach::Private),
            ("172.31.5.0/24", Reach::Private),
            ("172.32.0.0/16", Reach::Public),
            ("192.168.10.0/24", Reach::Private),
            ("100.64.0.0/10", Reach::Private),
            ("100.128.0.0/16", Reach::Public),
            ("10.0.0.0/7", Reach::Internet),
            ("10.9.8.7/8", Reach::Private),
        ];
        for (block, want) in table {
            assert_eq!(of(block), want, "{block}");
        }
    }

    #[test]
    fn only_private_space_is_not_public() {
        assert!(!Reach::Private.is_public());
        assert!(Reach::Public.is_public() && Reach::WidePublic.is_public() && Reach::Internet.is_public());
    }
}
