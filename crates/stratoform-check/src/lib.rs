//! The architecture review as code: `stratoform check`.
//!
//! A catalogue of [`rules`], each in its own file with a stable ID (`SEC`, `REL`, `NET`, `IAM`,
//! `OPS`, `COST`, `ARCH`), reads one resolved [`stratoform_model::Model`] and reports
//! [`stratoform_diagnostics::Diagnostic`]s that point into the spec. [`waivers`] turn accepted
//! findings into waived ones; [`render`] prints a [`Report`] for people, machines and code
//! scanning (SARIF 2.1.0). [`open_items`] lists what the spec records as done by hand
//! (`manualSteps`): reported in every format, never failing the review.
//!
//! Adding a rule: a new file under `rules/` with a `RULE` constant (the next free ID of its
//! group, never a reused one), listed in `rules::RULES`; `tests/fixtures/<ID>/fail.yaml` and
//! `pass.yaml`; then `INSTA_UPDATE=always STRATOFORM_UPDATE_DOCS=1 cargo test -p stratoform-check`
//! and review the new snapshot and page. The version table of OPS001 is [`compat`], dated.
//!
//! [`reach`] tells how far a source block reaches (the internet, a wide or a narrow public range,
//! private space); the rules about doors left open (NET002, NET006, NET007, NET008, SEC004) share it.
//!
//! Cross-checks: `tests/sarif_schema.rs` validates the SARIF against the OASIS schema, and
//! `tests/checkov.rs` runs plain checkov over the examples' rendered trees, which carry the reason
//! of every check they fail by design inline (the renderers' `checkov` modules hold them).
//!
//! For the docs renderer: [`rule_docs`] returns one page per rule at `docs/rules/<ID>.md` plus
//! `docs/rules/index.md`, paths relative to the output root, so
//! `tree.merge_under("", stratoform_check::rule_docs())` puts them in `DIR/docs/rules/`.

pub mod compat;
pub mod context;
pub mod date;
pub mod docs;
pub mod open_items;
pub mod reach;
pub mod render;
pub mod report;
pub mod rule;
pub mod rules;
pub mod waivers;

pub use context::Context;
pub use date::Date;
pub use docs::rule_docs;
pub use open_items::OpenItem;
pub use report::{check, check_models, run_rules, Finding, Report};
pub use rule::{Group, Rule};
pub use rules::{lookup, RULES};
