//! Data and storage: databases, caches, DocumentDB, SaaS databases, S3, EFS, ECR, EBS snapshot
//! schedules, storage classes and log groups.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Duration, Lifecycle, Name, PullThroughSecretName, RepositoryName, ResourceName, Url, VolumeType};

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

/// An ElastiCache Redis replication group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cache {
    /// Name within the region.
    pub name: Name,
    /// Engine version. Example: `7.1`.
    pub version: String,
    /// Node type. Example: `cache.r6g.large`.
    pub node_type: String,
    /// Replicas per shard. Default: `1`.
    #[serde(default = "crate::defaults::one")]
    pub replicas: u32,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier. Default: the VPC's first database tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// Who may connect on port 6379.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Snapshot retention. Default: `7d`.
    #[serde(default = "crate::defaults::seven_days")]
    pub snapshot_retention: Duration,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// What it caches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
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

/// An S3 bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bucket {
    /// The spec name other parts refer to. Example: `backups`.
    pub name: Name,
    /// The bucket name; placeholders allowed. Default: `{platform}-{env}-{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<ResourceName>,
    /// What it holds.
    pub purpose: String,
    /// Versioning. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub versioning: bool,
    /// `sseS3` (AES-256) or `kms`. Default: `kms`.
    #[serde(default)]
    pub encryption: BucketEncryption,
    /// The KMS key for `kms`. Default: a key created for the bucket's stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Lifecycle rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Replication to a bucket of another region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<Replication>,
    /// Server access logging into another bucket of the platform (its `name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<Name>,
    /// Default: `ephemeral`.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// Allow `terraform destroy` to empty it. Default: `false`.
    #[serde(default)]
    pub force_destroy: bool,
}

/// Bucket encryption.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BucketEncryption {
    /// SSE-S3 (AES-256).
    SseS3,
    /// SSE-KMS with a bucket key.
    #[default]
    Kms,
}

/// An S3 lifecycle rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LifecycleRule {
    /// Rule ID.
    pub name: String,
    /// Key prefix. Default: the whole bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Transitions to cheaper storage classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// Delete current versions after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_after: Option<Duration>,
    /// Delete noncurrent versions after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noncurrent_expire_after: Option<Duration>,
}

/// A storage class transition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transition {
    /// Age of the object. Example: `30d`.
    pub after: Duration,
    /// Storage class. Example: `STANDARD_IA`.
    pub storage_class: String,
}

/// Bucket replication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replication {
    /// The destination region.
    pub region: crate::RegionName,
    /// The destination bucket (a bucket `name` in that region).
    pub bucket: Name,
    /// Replicate delete markers. Default: `false`.
    #[serde(default)]
    pub delete_markers: bool,
}

/// An EFS file system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FileSystem {
    /// Name within the region.
    pub name: Name,
    /// What it holds.
    pub purpose: String,
    /// The VPC. Default: the region's first VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Name>,
    /// Subnet tier of the mount targets. Default: the VPC's first private tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_tier: Option<Name>,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// `bursting` or `elastic`. Default: `elastic`.
    #[serde(default)]
    pub throughput_mode: EfsThroughput,
    /// Move files to Infrequent Access after. Default: `30d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_to_ia: Option<Duration>,
    /// Who may mount it (NFS, port 2049).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_from: Vec<String>,
    /// Access points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_points: Vec<AccessPoint>,
}

/// EFS throughput mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EfsThroughput {
    /// Bursting.
    Bursting,
    /// Elastic.
    #[default]
    Elastic,
}

/// An EFS access point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessPoint {
    /// Name.
    pub name: Name,
    /// Root directory. Example: `/influxdb2`.
    pub path: String,
    /// POSIX user ID. Example: `1000`.
    pub uid: u32,
    /// POSIX group ID. Example: `1000`.
    pub gid: u32,
    /// Permissions of the root directory, in octal. Example: `"775"`.
    pub permissions: String,
}

/// ECR repositories and pull-through caches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ecr {
    /// Repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repositories: Vec<Repository>,
    /// Pull-through cache rules (an "ECR sync" of upstream images).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pull_through_caches: Vec<PullThroughCache>,
}

/// An ECR repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Repository {
    /// Repository name; `/` makes a namespace. Example: `backend`, `charts/aos`.
    pub name: RepositoryName,
    /// Immutable tags. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub immutable: bool,
    /// Scan on push. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub scan_on_push: bool,
    /// Keep this many tagged images. Default: `30`.
    #[serde(default = "crate::defaults::keep_images")]
    pub keep_tagged: u32,
    /// Expire untagged images after. Default: `14d`.
    #[serde(default = "crate::defaults::fourteen_days")]
    pub untagged_expiry: Duration,
    /// The KMS key. Default: AES-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// Default: `longLived` (images outlive environments).
    #[serde(default = "crate::defaults::long_lived")]
    pub lifecycle: Lifecycle,
}

/// A pull-through cache rule, created in the account and region of its `regions[]` entry: images
/// pulled as `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream path>` are fetched from
/// the upstream on first pull and cached in a repository ECR creates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullThroughCache {
    /// Repository prefix. Example: `quay`.
    pub prefix: Name,
    /// Upstream registry URL, one of the registries ECR caches: `https://public.ecr.aws`,
    /// `https://quay.io`, `https://registry.k8s.io`, `https://registry-1.docker.io`,
    /// `https://ghcr.io`, `https://registry.gitlab.com` or `https://<name>.azurecr.io`.
    /// Example: `https://quay.io`.
    pub upstream: Url,
    /// The Secrets Manager secret ECR signs in to the upstream with; required for the upstreams
    /// that need credentials (Docker Hub, GitHub Container Registry, GitLab Container Registry,
    /// Azure Container Registry), whose name must start with `ecr-pullthroughcache/`. The
    /// long-lived stack creates it beside the rule and writes its value (`username`,
    /// `accessToken`) from its sensitive input `pull_through_cache_credentials`, keyed by
    /// `prefix`, which the pipeline sets (`TF_VAR_pull_through_cache_credentials`). Default: none.
    /// Example: `ecr-pullthroughcache/docker-hub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_secret: Option<PullThroughSecretName>,
}

/// The upstream registries ECR pull-through caches, with what each needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamRegistry {
    /// Amazon ECR Public (`public.ecr.aws`).
    EcrPublic,
    /// Quay (`quay.io`).
    Quay,
    /// The Kubernetes registry (`registry.k8s.io`).
    Kubernetes,
    /// Docker Hub (`registry-1.docker.io`).
    DockerHub,
    /// GitHub Container Registry (`ghcr.io`).
    GitHub,
    /// GitLab Container Registry (`registry.gitlab.com`).
    GitLab,
    /// Azure Container Registry (`<name>.azurecr.io`).
    Azure,
}

impl UpstreamRegistry {
    /// The registry a URL names, by its host (the form ECR's `upstreamRegistryUrl` takes).
    pub fn of_host(host: &str) -> Option<Self> {
        Some(match host {
            "public.ecr.aws" => Self::EcrPublic,
            "quay.io" => Self::Quay,
            "registry.k8s.io" => Self::Kubernetes,
            "registry-1.docker.io" => Self::DockerHub,
            "ghcr.io" => Self::GitHub,
            "registry.gitlab.com" => Self::GitLab,
            h if h.ends_with(".azurecr.io") && h.len() > ".azurecr.io".len() => Self::Azure,
            _ => return None,
        })
    }

    /// Whether ECR needs a Secrets Manager secret with credentials to pull from it.
    pub fn needs_credentials(self) -> bool {
        matches!(self, Self::DockerHub | Self::GitHub | Self::GitLab | Self::Azure)
    }

    /// Its name, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::EcrPublic => "Amazon ECR Public",
            Self::Quay => "Quay",
            Self::Kubernetes => "the Kubernetes registry",
            Self::DockerHub => "Docker Hub",
            Self::GitHub => "GitHub Container Registry",
            Self::GitLab => "GitLab Container Registry",
            Self::Azure => "Azure Container Registry",
        }
    }
}

impl PullThroughCache {
    /// The upstream's host, as ECR's rule names it (`quay.io`): the URL without scheme or path.
    pub fn upstream_host(&self) -> &str {
        let rest = self.upstream.as_str().split_once("://").map_or(self.upstream.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }

    /// The upstream registry, when it is one ECR caches.
    pub fn registry(&self) -> Option<UpstreamRegistry> {
        UpstreamRegistry::of_host(self.upstream_host())
    }
}

/// An EBS snapshot schedule (a Data Lifecycle Manager policy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotSchedule {
    /// Name.
    pub name: Name,
    /// Volumes with all of these tags are snapshotted.
    pub target_tags: BTreeMap<String, String>,
    /// Interval. Example: `24h`.
    pub every: Duration,
    /// Time of day (UTC) of the first snapshot. Default: `03:00`.
    #[serde(default = "crate::defaults::three_am")]
    pub at: String,
    /// Snapshots kept. Example: `7`.
    pub retain: u32,
}

/// A Kubernetes StorageClass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageClass {
    /// Name. Example: `ebs-sc`.
    pub name: Name,
    /// `ebs` or `efs`. Default: `ebs`.
    #[serde(default)]
    pub provisioner: StorageProvisioner,
    /// EBS volume type. Default: `gp3`.
    #[serde(default)]
    pub volume_type: VolumeType,
    /// EBS IOPS. Example: `3000`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    /// EBS throughput in MiB/s. Example: `125`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
    /// Encrypted volumes. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub encrypted: bool,
    /// The KMS key. Default: the AWS managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
    /// For EFS: the file system (its `name` in the cluster's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_system: Option<Name>,
    /// `Delete` or `Retain`. Default: `Delete`.
    #[serde(default)]
    pub reclaim_policy: ReclaimPolicy,
    /// Allow volume expansion. Default: `true`.
    #[serde(default = "crate::defaults::yes")]
    pub allow_expansion: bool,
    /// When a claim's volume is provisioned: `WaitForFirstConsumer` (in the zone of the first pod
    /// that uses it) or `Immediate`. Default: `WaitForFirstConsumer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_binding_mode: Option<VolumeBindingMode>,
    /// The cluster's default class. Default: `false`.
    #[serde(default)]
    pub default: bool,
}

/// When a StorageClass provisions and binds a volume.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VolumeBindingMode {
    /// Wait for a pod that uses the claim, so the volume is created in that pod's zone.
    #[default]
    WaitForFirstConsumer,
    /// Provision as soon as the claim is created.
    Immediate,
}

/// Storage provisioner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StorageProvisioner {
    /// The EBS CSI driver.
    #[default]
    Ebs,
    /// The EFS CSI driver.
    Efs,
}

/// What happens to a volume when its claim goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ReclaimPolicy {
    /// Delete the volume.
    #[default]
    Delete,
    /// Keep the volume.
    Retain,
}

/// A CloudWatch log group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogGroup {
    /// The group name. Example: `/aws/containerinsights/{cluster}/application`.
    pub name: String,
    /// What it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Retention. Default: `90d`.
    #[serde(default = "crate::defaults::flow_log_retention")]
    pub retention: Duration,
    /// The KMS key. Default: a key created for the stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<Name>,
}
