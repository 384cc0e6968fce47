//! REL008: deletion protection on production data stores.

use stratoform_diagnostics::{Diagnostic, Severity};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "REL008",
    name: "deletion-protection",
    group: Group::Rel,
    severity: Severity::Error,
    production_only: true,
    summary: "production databases keep deletion protection and production buckets cannot be force-destroyed",
    checks: "In production environments: `deletionProtection: false` on `databases[]` and \
`documentDbs[]` (the production default is `true`) and `forceDestroy: true` on `buckets[]` are errors; \
`deletionProtection: false` on a load balancer is a warning.",
    why: "A mistyped `terraform destroy`, a renamed resource or a stack moved between states deletes a \
protected database only after someone first turns protection off, in a reviewed change. Without it the \
data, and with `forceDestroy` every object version of a bucket, is gone in one apply.",
    failing: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n    deletionProtection: false\n",
    fix: "Drop the override; turn protection off in the change that really deletes the store.",
    fixed: "databases:\n  - name: orders\n    engine: auroraPostgresql\n    version: \"16.4\"\n    instanceClass: db.r6g.large\n",
    help: "remove `deletionProtection: false` / `forceDestroy: true` in production",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rp, r) in ctx.regions() {
        for (i, d) in r.databases.iter().enumerate() {
            if d.deletion_protection == Some(false) {
                out.push(ctx.finding(&RULE, &format!("{rp}/databases/{i}/deletionProtection"), format!("production database `{}` can be deleted", d.name), "protection off"));
            }
        }
        for (i, d) in r.document_dbs.iter().enumerate() {
            if d.deletion_protection == Some(false) {
                out.push(ctx.finding(&RULE, &format!("{rp}/documentDbs/{i}/deletionProtection"), format!("production DocumentDB cluster `{}` can be deleted", d.name), "protection off"));
            }
        }
        for (i, b) in r.buckets.iter().enumerate() {
            if b.force_destroy {
                out.push(ctx.finding(&RULE, &format!("{rp}/buckets/{i}/forceDestroy"), format!("production bucket `{}` is emptied by `terraform destroy`", b.name), "force destroy"));
            }
        }
        for (i, lb) in r.load_balancers.iter().enumerate() {
            if lb.deletion_protection == Some(false) {
                out.push(ctx.finding_with(
                    &RULE,
                    Severity::Warning,
                    &format!("{rp}/loadBalancers/{i}/deletionProtection"),
                    format!("production load balancer `{}` can be deleted (its DNS name changes when recreated)", lb.name),
                    "protection off",
                ));
            }
        }
    }
    out
}
