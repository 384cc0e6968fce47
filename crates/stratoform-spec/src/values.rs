//! Validated scalar types: names, regions, versions, instance types, durations and ARNs (CIDRs are in
//! `cidr`).
//!
//! Every parse failure of these types is also caught by the `pattern` each one publishes in the
//! JSON Schema, so the loader reports them all at once, with spans, before typed deserialization.

use std::fmt;
use std::str::FromStr;

use crate::ParseError;
use crate::string_newtype;

fn ok(_: &str) -> Result<(), String> {
    Ok(())
}

string_newtype!(
    /// A stratoform name: lowercase letters, digits and `-`, starting with a letter, at most 63 characters (a DNS-1123 label).
    Name,
    pattern = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
    example = "prod-eks",
    check = ok
);

string_newtype!(
    /// A free-form AWS resource name such as an S3 bucket, IAM role or Helm release name; may hold `{platform}`, `{env}`, `{region}` and `{cluster}` placeholders.
    ResourceName,
    pattern = r"^[A-Za-z0-9{}][-A-Za-z0-9_.{}<>]{0,127}$",
    example = "{cluster}-ebs-controller",
    check = check_placeholders
);

fn check_placeholders(s: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err("an opening `{` has no closing `}`".into());
        };
        let key = &rest[open + 1..open + close];
        if !crate::PLACEHOLDERS.contains(&key) {
            return Err(format!(
                "unknown placeholder `{{{key}}}`; the placeholders are {}",
                crate::PLACEHOLDERS.iter().map(|p| format!("`{{{p}}}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

string_newtype!(
    /// An AWS region code.
    RegionName,
    pattern = r"^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$",
    example = "us-east-1",
    check = ok
);

string_newtype!(
    /// An availability zone: the region code followed by one letter.
    AzName,
    pattern = r"^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9][a-z]$",
    example = "us-east-1a",
    check = ok
);

impl AzName {
    /// The region this zone belongs to.
    pub fn region(&self) -> &str {
        &self.0[..self.0.len() - 1]
    }
}

string_newtype!(
    /// A Kubernetes minor version as EKS names it.
    KubernetesVersion,
    pattern = r"^1\.[0-9]{2}$",
    example = "1.35",
    check = ok
);

impl KubernetesVersion {
    /// The minor version number (`35` for `1.35`).
    pub fn minor(&self) -> u32 {
        self.0[2..].parse().unwrap_or(0)
    }
}

string_newtype!(
    /// An EC2 instance type: `<class><generation><attributes>[-<variant>].<size>`, such as
    /// `m7g.large`, `m7i-flex.xlarge`, `c8gd.2xlarge` or `m7i.metal-24xl` (or a `u-<n>tb1` high
    /// memory type). Types stratoform's catalogue does not list are accepted with a warning.
    InstanceType,
    pattern = r"^([a-z]+[0-9]+[a-z]*(-[a-z0-9]+)?|u-[0-9]+tb1)\.(nano|micro|small|medium|large|[1-9][0-9]*xlarge|xlarge|metal(-[1-9][0-9]*xl)?)$",
    example = "m5.2xlarge",
    check = ok
);

impl InstanceType {
    /// The family (`m5` of `m5.2xlarge`).
    pub fn family(&self) -> &str {
        self.0.split('.').next().unwrap_or_default()
    }
    /// The size (`2xlarge` of `m5.2xlarge`).
    pub fn size(&self) -> &str {
        self.0.split('.').nth(1).unwrap_or_default()
    }
}

string_newtype!(
    /// An ARN.
    Arn,
    pattern = r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}|aws)?:.+$",
    example = "arn:aws:iam::123456789012:role/platform-admin",
    check = ok
);

string_newtype!(
    /// A 12-digit AWS account ID.
    AccountId,
    pattern = r"^[0-9]{12}$",
    example = "123456789012",
    check = ok
);

string_newtype!(
    /// A DNS name; a leading `*.` makes it a wildcard.
    DomainName,
    pattern = r"^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$",
    example = "api.example.com",
    check = ok
);

string_newtype!(
    /// A Kubernetes service account as `namespace:name`; `*` is a wildcard in either part, as IAM `StringLike` reads it.
    ServiceAccountRef,
    pattern = r"^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?:[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?$",
    example = "kube-system:ebs-csi-controller-sa",
    check = ok
);

impl ServiceAccountRef {
    /// The namespace part.
    pub fn namespace(&self) -> &str {
        self.0.split(':').next().unwrap_or_default()
    }
    /// The service account name part.
    pub fn name(&self) -> &str {
        self.0.split(':').nth(1).unwrap_or_default()
    }
    /// Whether either part holds a wildcard (the trust policy then needs `StringLike`).
    pub fn is_wildcard(&self) -> bool {
        self.0.contains('*')
    }
    /// Whether a concrete `namespace:name` matches this pattern.
    pub fn matches(&self, namespace: &str, name: &str) -> bool {
        glob_match(self.namespace(), namespace) && glob_match(self.name(), name)
    }
}

/// Matches `*` wildcards (any run of characters) the way IAM `StringLike` does.
pub fn glob_match(pattern: &str, value: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == value;
    }
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !value.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 {
            return value.len() >= pos + part.len() && value[pos..].ends_with(part);
        } else if let Some(found) = value[pos..].find(part) {
            pos += found + part.len();
        } else {
            return false;
        }
    }
    true
}

string_newtype!(
    /// A Kubernetes resource quantity such as `500m`, `2`, `512Mi` or `100Gi`.
    Quantity,
    pattern = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti|Pi)?$",
    example = "512Mi",
    check = ok
);

impl Quantity {
    /// The value in base units (cores for CPU, bytes for memory).
    pub fn value(&self) -> f64 {
        let s = self.0.as_str();
        let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: f64 = num.parse().unwrap_or(0.0);
        let mult = match unit {
            "m" => 1e-3,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "Ki" => 1024.0,
            "Mi" => 1024.0 * 1024.0,
            "Gi" => 1024.0 * 1024.0 * 1024.0,
            "Ti" => 1024f64.powi(4),
            "Pi" => 1024f64.powi(5),
            _ => 1.0,
        };
        n * mult
    }
}

string_newtype!(
    /// An ECR repository name: lowercase path segments of letters and digits separated by `.`, `_`
    /// or `-`, joined by `/` (a namespace such as `charts/aos`); may hold `{platform}`, `{env}`
    /// and `{region}` placeholders.
    RepositoryName,
    pattern = r"^([a-z0-9{}]+([._-][a-z0-9{}]+)*/)*[a-z0-9{}]+([._-][a-z0-9{}]+)*$",
    example = "charts/aos",
    check = check_placeholders
);

string_newtype!(
    /// The name of the Secrets Manager secret an ECR pull-through cache reads its upstream
    /// registry's credentials from; ECR reads only secrets named `ecr-pullthroughcache/...`.
    PullThroughSecretName,
    pattern = r"^ecr-pullthroughcache/[A-Za-z0-9/_+=.@-]{1,480}$",
    example = "ecr-pullthroughcache/docker-hub",
    check = ok
);

string_newtype!(
    /// A URL (https, http, oci or s3 scheme).
    Url,
    pattern = r"^(https?|oci|s3|git)://[^\s]+$",
    example = "https://charts.example.com",
    check = ok
);

/// A duration written with a unit: `500ms`, `30s`, `5m`, `1h`, `7d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration {
    millis: u64,
}

impl Duration {
    /// The regular expression a duration must match.
    pub const PATTERN: &'static str = r"^[0-9]+(ms|s|m|h|d)$";

    /// A duration of whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self { millis: secs * 1000 }
    }
    /// The duration in milliseconds.
    pub fn as_millis(&self) -> u64 {
        self.millis
    }
    /// The duration in (possibly fractional) seconds.
    pub fn as_secs_f64(&self) -> f64 {
        self.millis as f64 / 1000.0
    }
    /// The duration in whole seconds, rounded down.
    pub fn as_secs(&self) -> u64 {
        self.millis / 1000
    }
}

impl FromStr for Duration {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseError::new("Duration", s, "expected a number and a unit (`ms`, `s`, `m`, `h`, `d`), for example `30s`");
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let (num, unit) = s.split_at(split);
        let n: u64 = num.parse().map_err(|_| err())?;
        let mult = match unit {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(err()),
        };
        Ok(Self { millis: n.checked_mul(mult).ok_or_else(err)? })
    }
}

impl TryFrom<String> for Duration {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Duration> for String {
    fn from(d: Duration) -> String {
        d.to_string()
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.millis;
        if m == 0 {
            return f.write_str("0s");
        }
        for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] {
            if m.is_multiple_of(size) {
                return write!(f, "{}{unit}", m / size);
            }
        }
        write!(f, "{m}ms")
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": Self::PATTERN,
            "description": "A duration with a unit: `ms`, `s`, `m`, `h` or `d`.",
            "examples": ["30s", "10m"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip() {
        for (s, ms) in [("30s", 30_000), ("5m", 300_000), ("250ms", 250), ("2h", 7_200_000), ("1d", 86_400_000)] {
            let d: Duration = s.parse().unwrap();
            assert_eq!(d.as_millis(), ms);
            assert_eq!(d.to_string(), s);
        }
        assert!("30".parse::<Duration>().is_err());
        assert!("5 m".parse::<Duration>().is_err());
    }

    #[test]
    fn newtypes_reject_bad_values() {
        assert!("Prod".parse::<Name>().is_err());
        assert!("prod-".parse::<Name>().is_err());
        assert!("us-east-1".parse::<RegionName>().is_ok());
        assert!("us-east".parse::<RegionName>().is_err());
        assert_eq!("us-west-2b".parse::<AzName>().unwrap().region(), "us-west-2");
        assert_eq!("m5.2xlarge".parse::<InstanceType>().unwrap().family(), "m5");
        assert!("{cluster}-ebs".parse::<ResourceName>().is_ok());
        let err = "{clustr}-ebs".parse::<ResourceName>().unwrap_err();
        assert!(err.reason.contains("unknown placeholder"), "{err}");
    }

    #[test]
    fn service_account_wildcards() {
        let sa: ServiceAccountRef = "kube-system:ebs-csi-*".parse().unwrap();
        assert!(sa.is_wildcard());
        assert!(sa.matches("kube-system", "ebs-csi-controller-sa"));
        assert!(!sa.matches("default", "ebs-csi-controller-sa"));
        let exact: ServiceAccountRef = "kube-system:aws-node".parse().unwrap();
        assert!(!exact.is_wildcard() && exact.matches("kube-system", "aws-node"));
        assert!(glob_match("efs-csi*", "efs-csi-node-sa"));
    }

    #[test]
    fn quantities() {
        assert_eq!("500m".parse::<Quantity>().unwrap().value(), 0.5);
        assert_eq!("1Gi".parse::<Quantity>().unwrap().value(), 1073741824.0);
    }
}
