//! OPS002: the remote state is locked.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "OPS002",
    name: "state-locking",
    group: Group::Ops,
    severity: Severity::Error,
    production_only: false,
    summary: "Terraform state is locked while a run writes it",
    checks: "`state.locking` must not be `false`. By default every stack's backend locks through the \
DynamoDB table `{platform}-terraform-locks` created by the bootstrap stack.",
    why: "Two applies against unlocked state (a pipeline and a laptop, or two pipeline runs) each write \
their own view; the second silently drops the first one's resources from state, and the next plan \
proposes to create them again next to the live ones.",
    failing: "state:\n  locking: false\n",
    fix: "Remove `locking: false`; name an existing table with `lockTable` if you have one.",
    fixed: "state:\n  lockTable: \"{platform}-terraform-locks\"\n",
    help: "remove `state.locking: false`; state is locked with a DynamoDB table by default",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    if !ctx.model.state_backend().locking() {
        return vec![ctx.finding(&RULE, "/state/locking", "Terraform state is not locked", "locking off")];
    }
    Vec::new()
}
