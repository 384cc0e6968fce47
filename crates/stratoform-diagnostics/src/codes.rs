//! The loader's stable diagnostic codes. Codes are never reused or renumbered. A code is an error
//! unless declared a warning (a spec with warnings loads and renders).

use crate::Severity;

/// A diagnostic code and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// The code, such as `SF005`.
    pub code: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// One line on what it reports.
    pub summary: &'static str,
    /// The severity of its diagnostics.
    pub severity: Severity,
}

macro_rules! codes {
    (@severity) => { Severity::Error };
    (@severity $severity:ident) => { Severity::$severity };
    ($($ident:ident = $code:literal, $name:literal, $summary:literal $(, $severity:ident)?;)*) => {
        $(
            #[doc = $summary]
            pub const $ident: &str = $code;
        )*
        /// Every loader code, in order.
        pub const CODES: &[Code] = &[$(Code { code: $code, name: $name, summary: $summary, severity: codes!(@severity $($severity)?) }),*];
    };
}

codes! {
    YAML_SYNTAX = "SF001", "yaml-syntax", "the file is not valid YAML";
    DUPLICATE_KEY = "SF002", "duplicate-key", "a mapping has the same key twice";
    API_VERSION = "SF003", "unsupported-api-version", "`apiVersion` is missing or not one this build reads";
    KIND = "SF004", "wrong-kind", "`kind` is missing or not `Platform`";
    UNKNOWN_KEY = "SF005", "unknown-key", "a key the spec does not define";
    WRONG_TYPE = "SF006", "wrong-type", "a value of the wrong type";
    MISSING_FIELD = "SF007", "missing-field", "a required field is missing";
    INVALID_ENUM = "SF008", "invalid-enum", "a value outside the allowed set";
    INVALID_NAME = "SF009", "invalid-name", "a name that is not a DNS-1123 label";
    INVALID_CIDR = "SF010", "invalid-cidr", "a value that is not an IPv4 CIDR block";
    CIDR_HOST_BITS = "SF011", "cidr-host-bits", "a CIDR block with host bits set";
    SUBNET_OVERLAP = "SF012", "subnet-overlap", "two subnets of a VPC overlap";
    SUBNET_OUTSIDE_VPC = "SF013", "subnet-outside-vpc", "a subnet does not fit in its VPC";
    VPC_OVERLAP = "SF014", "vpc-overlap", "VPCs that are peered or share a Transit Gateway overlap";
    MIN_MAX = "SF015", "min-greater-than-max", "a minimum above its maximum, or a desired size outside them";
    UNKNOWN_INSTANCE_TYPE = "SF016", "unknown-instance-type", "a value that cannot be an EC2 instance type";
    ARCH_MISMATCH = "SF017", "architecture-mismatch", "an instance type of another architecture than the AMI";
    DANGLING_REFERENCE = "SF018", "dangling-reference", "a reference to something the spec does not define";
    DUPLICATE_NAME = "SF019", "duplicate-name", "two items of a list share a name";
    INVALID_REGION = "SF020", "invalid-region", "a value that is not an AWS region code";
    INVALID_AZ = "SF021", "invalid-az", "an availability zone outside its region";
    INVALID_DURATION = "SF022", "invalid-duration", "a value that is not a duration";
    INVALID_VERSION = "SF023", "invalid-version", "a version in the wrong form";
    INVALID_FORMAT = "SF024", "invalid-format", "a value in the wrong form";
    NO_ENVIRONMENTS = "SF025", "no-environments", "a platform without environments";
    INVALID_OVERRIDE = "SF026", "invalid-override", "an environment override that cannot be merged";
    SUBNET_PLAN = "SF027", "subnet-plan", "a subnet tier that cannot be carved";
    UNKNOWN_MANAGED_POLICY = "SF028", "unknown-managed-policy", "a value that cannot be an AWS managed policy";
    CHART_SOURCE = "SF029", "chart-source", "a chart with neither or both of `repo` and `localPath`";
    OUT_OF_RANGE = "SF030", "out-of-range", "a number outside its allowed range";
    MISSING_ACCOUNT = "SF031", "missing-account", "an environment without the account its ARNs need";
    INVALID_VALUE = "SF032", "invalid-value", "a value its type rejects";
    MISSING_TIER = "SF033", "missing-tier", "a VPC without the subnet tier a resource needs";
    EMPTY_LIST = "SF034", "empty-list", "a list that needs at least one item";
    CONFLICTING_FIELDS = "SF035", "conflicting-fields", "fields that cannot be set together";
    HEALTH_CHECK = "SF036", "health-check", "health check settings the service does not accept";
    NODE_IMAGE = "SF037", "node-image", "a node group whose AMI family has no EKS image for the cluster's Kubernetes version";
    FIREWALL_ROUTING = "SF038", "firewall-routing", "a Network Firewall whose endpoints cannot carry the VPC's traffic";
    PRIVATE_ASN = "SF039", "private-asn", "a Transit Gateway ASN outside the private ranges";
    REPLICATION_VERSIONING = "SF040", "replication-versioning", "S3 replication between buckets that are not both versioned";
    DATABASE_ENGINE = "SF041", "database-engine", "a database version or instance class its engine does not offer";
    SHARED_UNIQUE_NAME = "SF042", "shared-unique-name", "two environments that would create a name AWS admits once per account (or once in all of AWS)";
    INPUT_TOO_LARGE = "SF043", "input-too-large", "a spec file larger than the 64 MiB the loader reads";
    NESTING_TOO_DEEP = "SF044", "nesting-too-deep", "mappings and sequences nested more than 64 deep";
    TOO_MANY_VALUES = "SF045", "too-many-values", "a document of more than 2,097,152 values, aliases expanded";
    ALIAS_EXPANSION = "SF046", "alias-expansion", "more aliases than allowed, or aliases that add too much to the document";
    TOO_LONG = "SF047", "too-long", "a line, key or value longer than 1 MiB";
    TOO_MANY_DOCUMENTS = "SF048", "too-many-documents", "a file of more than one YAML document";
    UNKNOWN_OVERRIDE_TARGET = "SF049", "unknown-override-target", "an environment override of a list item the base spec does not have, and too incomplete to be a new one";
    UNLISTED_INSTANCE_TYPE = "SF050", "unlisted-instance-type", "an instance type of the right form that stratoform's catalogue does not list", Warning;
    UNLISTED_MANAGED_POLICY = "SF051", "unlisted-managed-policy", "an AWS managed policy of the right form that stratoform's catalogue does not list", Warning;
    UNLISTED_ENGINE_VERSION = "SF052", "unlisted-engine-version", "a database engine version of the right form in a line stratoform does not list", Warning;
    UNDELETABLE_LOG_BUCKET = "SF053", "undeletable-log-bucket", "a bucket that AWS writes logs into and that goes with its environment, without `forceDestroy`: the environment's destroy stops on it", Warning;
}

/// The severity of a code's diagnostics (an error for a code this build does not know).
pub fn severity(code: &str) -> Severity {
    lookup(code).map_or(Severity::Error, |c| c.severity)
}

/// Looks a code up.
pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}
