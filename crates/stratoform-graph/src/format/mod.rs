//! Ways to print a plan: text for people, JSON for machines, Mermaid and Graphviz dot for pictures.

mod dot;
mod human;
mod json;
mod mermaid;

pub use dot::dot;
pub use human::{human, human_teardown};
pub use json::{json, json_teardown};
pub use mermaid::{mermaid, mermaid_id};
