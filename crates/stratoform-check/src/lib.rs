//! The architecture review as code: `stratoform check`.
//!
//! A catalogue of [`rules`], each in its own file with a stable ID (`SEC`, `REL`, `NET`, `IAM`,
//! `OPS`, `COST`, `ARCH`), reads one resolved [`stratoform_model::Model`] and reports
//! [`stratoform_diagnostics::Diagnostic`]s that point into the spec. [`waivers`] turn accepted
//! findings into waived ones; [`render`] prints a [`Report`] for people, machines and code
//! scanning (SARIF 2.1.0).
//!
//! For the docs renderer: [`rule_docs`] returns one page per rule at `docs/rules/<ID>.md` plus
//! `docs/rules/index.md`, paths relative to the output root, so
//! `tree.merge_under("", stratoform_check::rule_docs())` puts them in `DIR/docs/rules/`.

pub mod compat;
pub mod context;
pub mod date;
pub mod docs;
pub mod render;
pub mod report;
pub mod rule;
pub mod rules;
pub mod waivers;

pub use context::Context;
pub use date::Date;
pub use docs::rule_docs;
pub use report::{check, check_models, run_rules, Finding, Report};
pub use rule::{Group, Rule};
pub use rules::{lookup, RULES};
