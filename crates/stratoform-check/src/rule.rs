//! A review rule: its stable ID, severity, documentation and the check itself.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::Context;

/// The groups rule IDs are named after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Security: encryption, metadata service, endpoints, TLS.
    Sec,
    /// Reliability: zones, sizes, disruption, failover, data protection.
    Rel,
    /// Networking: subnets, security groups, address space.
    Net,
    /// Identity and access.
    Iam,
    /// Operations: state, versions.
    Ops,
    /// Cost.
    Cost,
    /// Architecture: which layer owns what, and for how long.
    Arch,
}

impl Group {
    /// The ID prefix and a title.
    pub fn title(&self) -> (&'static str, &'static str) {
        match self {
            Self::Sec => ("SEC", "Security"),
            Self::Rel => ("REL", "Reliability"),
            Self::Net => ("NET", "Networking"),
            Self::Iam => ("IAM", "Identity and access"),
            Self::Ops => ("OPS", "Operations"),
            Self::Cost => ("COST", "Cost"),
            Self::Arch => ("ARCH", "Architecture"),
        }
    }
}

/// One rule of the catalogue.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The stable ID, such as `SEC001`; never reused or renumbered.
    pub id: &'static str,
    /// A short kebab-case name.
    pub name: &'static str,
    /// Its group.
    pub group: Group,
    /// The severity of its findings (some findings of a rule may be milder; see its page).
    pub severity: Severity,
    /// Whether it only applies to production environments.
    pub production_only: bool,
    /// One line on what it reports.
    pub summary: &'static str,
    /// What it checks, in a paragraph (Markdown).
    pub checks: &'static str,
    /// Why it matters (Markdown).
    pub why: &'static str,
    /// A spec fragment that triggers it (YAML).
    pub failing: &'static str,
    /// How to fix it (Markdown), shown after the failing example.
    pub fix: &'static str,
    /// The fixed fragment (YAML).
    pub fixed: &'static str,
    /// The one-line help attached to its findings.
    pub help: &'static str,
    /// The check.
    pub run: fn(&Context<'_>) -> Vec<Diagnostic>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).field("name", &self.name).finish()
    }
}

impl Rule {
    /// Runs the rule, skipping production-only rules outside production.
    pub fn check(&self, ctx: &Context<'_>) -> Vec<Diagnostic> {
        if self.production_only && !ctx.model.is_production() {
            return Vec::new();
        }
        (self.run)(ctx)
    }
}
