//! Databases: Aurora and RDS, DocumentDB and SaaS databases reached from the clusters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Lifecycle, Name};

/// An Aurora cluster or RDS instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Database {
    /// Name within the region.
    pub name: Name,
    /// The engine.
    pub engine: DatabaseEngine,
    /// Engine version. Example: `16.4`.
    pub version: String,
    /// Instance class. Example: `db.r6g.large`.
    pub instance_class: String,
    /// Instances (Aurora: writer plus readers). Default: `2`.
    #[serde(default = "crate::defaults::two")]
    pub instances: u32,
    /// Multi-AZ (RDS). Default: `true` in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_az: Option<bool>,
    /// Allocated storage in GiB (RDS). Default: `100`.
    #[serde(default = "crate::defaults::hundred")]
    pub storage_gib: u32,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the VPC's first database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Who may connect on the database port: `cluster:<name>`, `host:<name>`, a security group of the VPC, or a peering (`peering:<name>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Backup retention. Default: `7d`.
    #[serde(default = "crate::defaults::seven_days")]
    pub backup_retention: Duration,
    /// Deletion protection. Default: `true` in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// The KMS key (of `identity.kmsKeys`). Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Default: `ephemeral`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// What it stores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// Database engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseEngine {
    /// Aurora PostgreSQL.
    AuroraPostgresql,
    /// Aurora MySQL.
    AuroraMysql,
    /// RDS PostgreSQL.
    Postgres,
    /// RDS MySQL.
    Mysql,
}

impl DatabaseEngine {
    /// The RDS engine name.
    pub fn as_rds(&self) -> &'static str {
        match self {
            Self::AuroraPostgresql => "aurora-postgresql",
            Self::AuroraMysql => "aurora-mysql",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
        }
    }
    /// Whether the engine is Aurora (a cluster with instances).
    pub fn is_aurora(&self) -> bool {
        matches!(self, Self::AuroraPostgresql | Self::AuroraMysql)
    }
    /// The default port.
    pub fn port(&self) -> u16 {
        match self {
            Self::AuroraPostgresql | Self::Postgres => 5432,
            Self::AuroraMysql | Self::Mysql => 3306,
        }
    }
}

/// A DocumentDB cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DocumentDb {
    /// Name within the region.
    pub name: Name,
    /// Engine version. Example: `5.0.0`.
    pub version: String,
    /// Instance class. Example: `db.r6g.large`.
    pub instance_class: String,
    /// Instances. Default: `2`.
    #[serde(default = "crate::defaults::two")]
    pub instances: u32,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the VPC's first database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Who may connect on port 27017.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Backup retention. Default: `7d`.
    #[serde(default = "crate::defaults::seven_days")]
    pub backup_retention: Duration,
    /// Deletion protection. Default: `true` in production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// What it stores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// A database run by a SaaS vendor, reached privately.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalDatabase {
    /// Name.
    pub name: Name,
    /// `mongodbAtlas` or `redisLabs`.
    pub vendor: DatabaseVendor,
    /// `privateLink` (an interface endpoint to the vendor's endpoint service) or `peering`.
    pub connectivity: Connectivity,
    /// For PrivateLink: the vendor's endpoint service name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_service: Option<String>,
    /// For peering: the peering (of `peerings`) that reaches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peering: Option<Name>,
    /// The VPC the endpoint or route lives in. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// TLS versions the vendor accepts. Example: `["1.2", "1.3"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls_versions: Vec<String>,
    /// `iam` or `usernamePassword`.
    pub auth: ExternalAuth,
    /// The vendor's replication topology, in its words. Example: `active/active regional endpoints`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<String>,
    /// The vendor's port range. Example: `[1024, 1074]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<u16>,
    /// Default: `longLived`.
    #[serde(default = "crate::defaults::long_lived")]
    pub lifecycle: Lifecycle,
    /// What it stores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// SaaS database vendors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseVendor {
    /// MongoDB Atlas.
    MongodbAtlas,
    /// Redis Labs (Redis Cloud).
    RedisLabs,
}

/// How a SaaS database is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Connectivity {
    /// AWS PrivateLink.
    PrivateLink,
    /// VPC peering.
    Peering,
}

/// How a SaaS database authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ExternalAuth {
    /// IAM-based access control.
    Iam,
    /// Username and password ACLs.
    UsernamePassword,
}
