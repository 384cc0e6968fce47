//! IPv4 CIDR blocks and the subnet arithmetic Terraform's `cidrsubnet` does.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::Ipv4Net;

use crate::ParseError;

/// An IPv4 CIDR block such as `10.0.0.0/16`.
///
/// Parsing accepts host bits (`10.0.0.1/16`) so that the validator can point at the value and
/// suggest the network address; [`Ipv4Cidr::is_canonical`] tells the two apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ipv4Cidr(Ipv4Net);

impl Ipv4Cidr {
    /// The regular expression a CIDR must match.
    pub const PATTERN: &'static str = r"^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(3[0-2]|[12]?[0-9])$";

    /// Builds a CIDR from an address and prefix length.
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Option<Self> {
        Ipv4Net::new(addr, prefix).ok().map(Self)
    }
    /// The underlying network.
    pub fn net(&self) -> Ipv4Net {
        self.0
    }
    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }
    /// Whether the address is the network address (no host bits set).
    pub fn is_canonical(&self) -> bool {
        self.0.addr() == self.0.network()
    }
    /// The same block written with its network address.
    pub fn canonical(&self) -> Self {
        Self(self.0.trunc())
    }
    /// Whether the two blocks share any address.
    pub fn overlaps(&self, other: &Self) -> bool {
        let (a, b) = (self.0.trunc(), other.0.trunc());
        a.contains(&b.network()) || b.contains(&a.network())
    }
    /// Whether `other` lies wholly inside this block.
    pub fn contains(&self, other: &Self) -> bool {
        self.0.trunc().contains(&other.0.trunc())
    }
    /// The number of addresses in the block.
    pub fn size(&self) -> u64 {
        1u64 << (32 - self.0.prefix_len())
    }
    /// Terraform's `cidrsubnet(prefix, newbits, netnum)`.
    pub fn subnet(&self, newbits: u8, netnum: u32) -> Option<Self> {
        let prefix = self.0.prefix_len().checked_add(newbits)?;
        if prefix > 32 || (newbits < 32 && u64::from(netnum) >= (1u64 << newbits)) {
            return None;
        }
        let base = u32::from(self.0.network());
        let offset = if prefix == 0 { 0 } else { (netnum as u64) << (32 - prefix) };
        let addr = Ipv4Addr::from(base.checked_add(u32::try_from(offset).ok()?)?);
        Ipv4Net::new(addr, prefix).ok().map(Self)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse::<Ipv4Net>()
            .map(Self)
            .map_err(|_| ParseError::new("Ipv4Cidr", s, "expected an IPv4 block such as `10.0.0.0/16`"))
    }
}

impl TryFrom<String> for Ipv4Cidr {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Ipv4Cidr> for String {
    fn from(c: Ipv4Cidr) -> String {
        c.to_string()
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl schemars::JsonSchema for Ipv4Cidr {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ipv4Cidr".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": Self::PATTERN,
            "description": "An IPv4 CIDR block.",
            "examples": ["10.0.0.0/16"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrsubnet_matches_terraform() {
        let vpc: Ipv4Cidr = "10.0.0.0/16".parse().unwrap();
        assert_eq!(vpc.subnet(4, 0).unwrap().to_string(), "10.0.0.0/20");
        assert_eq!(vpc.subnet(4, 3).unwrap().to_string(), "10.0.48.0/20");
        assert_eq!(vpc.subnet(8, 101).unwrap().to_string(), "10.0.101.0/24");
        assert!(vpc.subnet(4, 16).is_none());
        assert!(vpc.subnet(17, 0).is_none());
    }

    #[test]
    fn overlap_and_containment() {
        let a: Ipv4Cidr = "10.0.0.0/16".parse().unwrap();
        let b: Ipv4Cidr = "10.0.128.0/17".parse().unwrap();
        let c: Ipv4Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a) && a.contains(&b) && !b.contains(&a));
        assert!(!a.overlaps(&c));
        let host: Ipv4Cidr = "10.0.0.1/16".parse().unwrap();
        assert!(!host.is_canonical());
        assert_eq!(host.canonical().to_string(), "10.0.0.0/16");
    }
}
