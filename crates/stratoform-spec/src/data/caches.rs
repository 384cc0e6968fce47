//! ElastiCache: Redis OSS and Valkey replication groups, and Memcached clusters.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Name};

/// An ElastiCache cache: a Redis OSS or Valkey replication group (a primary with replicas,
/// encrypted, with an AUTH token), or a Memcached cluster (nodes spread across the zones, no
/// replication, no snapshots, no AUTH).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cache {
    /// Name within the region.
    pub name: Name,
    /// The engine: `redis`, `valkey` or `memcached`. Default: `redis`.
    #[serde(default)]
    pub engine: CacheEngine,
    /// Engine version, in the engine's form. Examples: `7.1` (Redis OSS), `8.0` (Valkey), `1.6.22`
    /// (Memcached).
    pub version: String,
    /// Node type. Example: `cache.r6g.large`.
    pub node_type: String,
    /// Replicas per shard (Redis OSS and Valkey). Default: `1`.
    #[serde(default = "crate::defaults::one")]
    pub replicas: u32,
    /// Nodes of a Memcached cluster (1 to 40), spread across the zones of its subnet tier. Not
    /// set for Redis OSS or Valkey, which use `replicas`. Default: `2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<u32>,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the VPC's first database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Who may connect on the engine's port (6379 for Redis OSS and Valkey, 11211 for Memcached).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Snapshot retention (Redis OSS and Valkey; Memcached keeps no snapshots). Default: `7d`.
    #[serde(default = "crate::defaults::seven_days")]
    pub snapshot_retention: Duration,
    /// The KMS key for encryption at rest (Redis OSS and Valkey; Memcached has no encryption at
    /// rest). Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// What it caches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// ElastiCache engines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CacheEngine {
    /// Redis OSS, as a replication group.
    #[default]
    Redis,
    /// Valkey, as a replication group.
    Valkey,
    /// Memcached, as a cache cluster of independent nodes.
    Memcached,
}

impl CacheEngine {
    /// The engine name ElastiCache takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Redis => "redis",
            Self::Valkey => "valkey",
            Self::Memcached => "memcached",
        }
    }
    /// The engine's name in prose.
    pub fn title(self) -> &'static str {
        match self {
            Self::Redis => "Redis OSS",
            Self::Valkey => "Valkey",
            Self::Memcached => "Memcached",
        }
    }
    /// The port clients connect to.
    pub fn port(self) -> u16 {
        match self {
            Self::Redis | Self::Valkey => 6379,
            Self::Memcached => 11211,
        }
    }
    /// Whether the engine runs as a replication group with replicas, snapshots, encryption at
    /// rest and an AUTH token (Redis OSS and Valkey), rather than as independent nodes.
    pub fn replicates(self) -> bool {
        !matches!(self, Self::Memcached)
    }
}
