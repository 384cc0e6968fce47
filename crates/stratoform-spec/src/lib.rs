//! The stratoform platform spec: typed, closed and documented. This crate does no I/O.
//!
//! A spec is YAML with `apiVersion: stratoform.dev/v1alpha1` and `kind: Platform`. Every struct
//! denies unknown fields, every field documents its default, and the JSON Schema is generated
//! from these types ([`schema::json_schema`]).
//!
//! Modules:
//!
//! - `catalog`: offline facts about AWS instance types and prices
//! - `charts`: the Helm chart catalog and Argo CD
//! - `cluster`: EKS clusters, add-ons, access and namespaces
//! - `data`: databases, caches, buckets, file systems, registries, volumes, log groups
//! - `defaults`: default values of the spec's fields
//! - `edge`: DNS, Cloudflare load balancing, Global Accelerator
//! - `hosts`: plain EC2 hosts
//! - `identity`: IAM roles, policies, OIDC providers and secrets
//! - `manual_steps`: steps done by hand that stratoform does not generate
//! - `network`: regions, VPCs, subnets, NAT, endpoints, security groups
//! - `network_acls`: the network ACLs of a VPC's subnet tiers
//! - `newtype`: the macro behind the validated string newtypes
//! - `nodes`: node groups, Karpenter node pools
//! - `observability`: SNS topics, CloudWatch alarms and the CloudTrail trail
//! - `platform`: the root `Platform` and its environments
//! - `regional_prices`: how each region's EC2 prices compare with the catalog's
//! - `review`: the architecture review's settings
//! - `scenarios`: failover and scaling scenarios for `simulate`
//! - `schema`: the generated JSON Schema
//! - `state`: the Terraform state backend (S3 or HCP Terraform)
//! - `terraform`: the Terraform and provider version constraints
//! - `traffic`: load balancers, gateways, mesh, ingress, certificates
//! - `cidr`: IPv4 CIDR blocks
//! - `values`: validated scalar types
//! - `workloads`: Deployments and StatefulSets and what they carry

pub mod alb;
pub mod catalog;
pub mod charts;
pub mod cluster;
pub mod data;
mod defaults;
pub mod edge;
pub mod hosts;
pub mod identity;
pub mod manual_steps;
pub mod network;
pub mod network_acls;
pub mod newtype;
pub mod nodes;
pub mod observability;
pub mod platform;
pub mod regional_prices;
pub mod review;
pub mod scenarios;
pub mod schema;
pub mod state;
pub mod terraform;
pub mod traffic;
pub mod cidr;
pub mod values;
pub mod workloads;

pub use alb::*;
pub use catalog::Architecture;
pub use charts::*;
pub use cluster::*;
pub use data::*;
pub use edge::*;
pub use hosts::*;
pub use identity::*;
pub use manual_steps::*;
pub use network::*;
pub use network_acls::*;
pub use newtype::ParseError;
pub use nodes::*;
pub use observability::*;
pub use platform::*;
pub use review::*;
pub use scenarios::*;
pub use state::*;
pub use terraform::*;
pub use traffic::*;
pub use cidr::Ipv4Cidr;
pub use values::*;
pub use workloads::*;

/// Placeholders allowed in [`ResourceName`]s, replaced when the model is resolved.
pub const PLACEHOLDERS: &[&str] = &["platform", "env", "region", "cluster", "project"];
