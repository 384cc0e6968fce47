//! Data and storage: databases, caches, DocumentDB, SaaS databases, OpenSearch, S3, EFS, ECR, EBS
//! snapshot schedules, storage classes and log groups.
//!
//! - `databases`: Aurora and RDS databases, DocumentDB, SaaS databases
//! - `caches`: ElastiCache (Redis OSS, Valkey, Memcached)
//! - `search`: OpenSearch Service domains
//! - `buckets`: S3 buckets, lifecycle rules, replication
//! - `file_systems`: EFS file systems and access points
//! - `registries`: ECR repositories and pull-through caches
//! - `volumes`: EBS snapshot schedules and storage classes
//! - `logs`: CloudWatch log groups

mod buckets;
mod caches;
mod databases;
mod file_systems;
mod logs;
mod registries;
mod search;
mod volumes;

pub use buckets::*;
pub use caches::*;
pub use databases::*;
pub use file_systems::*;
pub use logs::*;
pub use registries::*;
pub use search::*;
pub use volumes::*;
