//! The stratoform platform spec: typed, closed and documented. This crate does no I/O.
//!
//! A spec is YAML with `apiVersion: stratoform.dev/v1alpha1` and `kind: Platform`. Every struct
//! denies unknown fields, every field documents its default, and the JSON Schema is generated
//! from these types ([`schema::json_schema`]).

pub mod catalog;
pub mod charts;
pub mod cluster;
pub mod data;
mod defaults;
pub mod edge;
pub mod hosts;
pub mod identity;
pub mod network;
pub mod newtype;
pub mod nodes;
pub mod observability;
pub mod platform;
pub mod review;
pub mod scenarios;
pub mod schema;
pub mod traffic;
pub mod values;
pub mod workloads;

pub use catalog::Architecture;
pub use charts::*;
pub use cluster::*;
pub use data::*;
pub use edge::*;
pub use hosts::*;
pub use identity::*;
pub use network::*;
pub use newtype::ParseError;
pub use nodes::*;
pub use observability::*;
pub use platform::*;
pub use review::*;
pub use scenarios::*;
pub use traffic::*;
pub use values::*;
pub use workloads::*;

/// Placeholders allowed in [`ResourceName`]s, replaced when the model is resolved.
pub const PLACEHOLDERS: &[&str] = &["platform", "env", "region", "cluster", "project"];
