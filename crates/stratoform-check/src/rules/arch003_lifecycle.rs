//! ARCH003: long-lived resources kept out of ephemeral stacks.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::{Lifecycle, Name};

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "ARCH003",
    name: "long-lived-in-ephemeral-stack",
    group: Group::Arch,
    severity: Severity::Error,
    production_only: false,
    summary: "what outlives an environment lives in the long-lived stack, and depends on nothing ephemeral",
    checks: "Errors: a `longLived` bucket, database, secret or ECR repository encrypted with a KMS key of \
`identity.kmsKeys` that is `ephemeral`; a `longLived` bucket replicating into, or logging to, an \
`ephemeral` bucket. Warnings: ECR repositories, DNS zones and OIDC providers set to `ephemeral` (their \
identity, such as name servers or provider ARNs, is referenced outside the platform), and production \
databases left `ephemeral`.",
    why: "`stratoform down` destroys the environment stacks. A key scheduled for deletion makes every \
object it encrypted unreadable once the window ends; a zone recreated gets new name servers and breaks \
the registrar's delegation; a production database in an environment stack is one `down` away from a \
restore.",
    failing: "identity:\n  kmsKeys:\n    - { name: data, description: Data key }          # ephemeral by default\nregions:\n  - buckets:\n      - { name: archive, purpose: Archive, lifecycle: longLived, kmsKey: data }\n",
    fix: "Make the key long-lived too (or anything else the long-lived resource depends on).",
    fixed: "identity:\n  kmsKeys:\n    - { name: data, description: Data key, lifecycle: longLived }\n",
    help: "mark what the long-lived resource depends on `lifecycle: longLived` as well",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let model = ctx.model;
    let mut out = Vec::new();
    let key_lifecycle = |name: &Name| model.kms_keys().iter().position(|k| &k.name == name).map(|i| (i, model.kms_keys()[i].lifecycle));
    let mut ephemeral_key = |at: String, what: String, key: Option<&Name>| {
        if let Some((ki, Lifecycle::Ephemeral)) = key.and_then(key_lifecycle) {
            out.push(
                ctx.finding(&RULE, &at, format!("long-lived {what} is encrypted with ephemeral KMS key `{}`", key.map(Name::as_str).unwrap_or_default()), "long-lived")
                    .with_secondary(ctx.span(&format!("/identity/kmsKeys/{ki}")), "destroyed with the environment"),
            );
        }
    };
    for (rp, r) in ctx.regions() {
        for (i, b) in r.buckets.iter().enumerate() {
            if b.lifecycle.is_long_lived() {
                ephemeral_key(format!("{rp}/buckets/{i}/kmsKey"), format!("bucket `{}`", b.name), b.kms_key.as_ref());
            }
        }
        for (i, d) in r.databases.iter().enumerate() {
            if d.lifecycle.is_long_lived() {
                ephemeral_key(format!("{rp}/databases/{i}/kmsKey"), format!("database `{}`", d.name), d.kms_key.as_ref());
            }
        }
        if let Some(ecr) = &r.ecr {
            for (i, repo) in ecr.repositories.iter().enumerate() {
                if repo.lifecycle.is_long_lived() {
                    ephemeral_key(format!("{rp}/ecr/repositories/{i}/kmsKey"), format!("repository `{}`", repo.name), repo.kms_key.as_ref());
                }
            }
        }
    }
    for (i, s) in model.secrets().iter().enumerate() {
        if s.lifecycle.is_long_lived() {
            ephemeral_key(format!("/identity/secrets/{i}/kmsKey"), format!("secret `{}`", s.name), s.kms_key.as_ref());
        }
    }
    // Buckets a long-lived bucket writes into.
    let bucket = |region: &str, name: &Name| {
        model.region(region).and_then(|r| r.buckets.iter().find(|b| &b.name == name))
    };
    for (rp, r) in ctx.regions() {
        for (i, b) in r.buckets.iter().enumerate() {
            if !b.lifecycle.is_long_lived() {
                continue;
            }
            if let Some(rep) = &b.replication
                && bucket(&rep.region, &rep.bucket).is_some_and(|d| !d.lifecycle.is_long_lived()) {
                    out.push(ctx.finding(&RULE, &format!("{rp}/buckets/{i}/replication/bucket"), format!("long-lived bucket `{}` replicates into ephemeral bucket `{}`", b.name, rep.bucket), "ephemeral destination"));
                }
            if let Some(logs) = &b.access_logs
                && r.buckets.iter().find(|x| &x.name == logs).is_some_and(|d| !d.lifecycle.is_long_lived()) {
                    out.push(ctx.finding(&RULE, &format!("{rp}/buckets/{i}/accessLogs"), format!("long-lived bucket `{}` logs into ephemeral bucket `{logs}`", b.name), "ephemeral destination"));
                }
        }
    }
    // Things whose identity is referenced outside the platform.
    let warn = |at: String, what: String| ctx.finding_with(&RULE, Severity::Warning, &at, format!("{what} is destroyed with its environment"), "ephemeral");
    for (rp, r) in ctx.regions() {
        if let Some(ecr) = &r.ecr {
            for (i, repo) in ecr.repositories.iter().enumerate() {
                if !repo.lifecycle.is_long_lived() {
                    out.push(warn(format!("{rp}/ecr/repositories/{i}/lifecycle"), format!("ECR repository `{}`", repo.name)));
                }
            }
        }
        if ctx.model.is_production() {
            for (i, d) in r.databases.iter().enumerate() {
                if !d.lifecycle.is_long_lived() {
                    out.push(warn(format!("{rp}/databases/{i}"), format!("production database `{}`", d.name)));
                }
            }
        }
    }
    for (i, z) in model.edge().zones.iter().enumerate() {
        if !z.lifecycle.is_long_lived() && z.managed != Some(false) {
            out.push(warn(format!("/edge/zones/{i}/lifecycle"), format!("DNS zone `{}`", z.domain)));
        }
    }
    for (i, o) in model.identity_spec().oidc_providers.iter().enumerate() {
        if !o.lifecycle.is_long_lived() {
            out.push(warn(format!("/identity/oidcProviders/{i}/lifecycle"), format!("OIDC provider `{}`", o.name)));
        }
    }
    out
}
