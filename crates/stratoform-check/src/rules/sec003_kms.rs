//! SEC003: KMS keys for sensitive data.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_spec::BucketEncryption;

use crate::{Context, Group, Rule};

/// The rule.
pub const RULE: Rule = Rule {
    id: "SEC003",
    name: "kms-for-sensitive-data",
    group: Group::Sec,
    severity: Severity::Warning,
    production_only: false,
    summary: "sensitive data is encrypted with a KMS key, not SSE-S3",
    checks: "S3 buckets with `encryption: sseS3` and a Terraform state backend with `kms: false`. \
Databases, caches, DocumentDB, EFS, secrets and log groups are always encrypted with KMS (an AWS managed \
key by default, a key of `identity.kmsKeys` when `kmsKey` is set). A bucket that an ALB writes its access \
logs to (`albIngress.accessLogs`) is left alone: load balancers deliver only to SSE-S3 buckets. Terraform \
state holds every secret Terraform ever read, so the state finding is an error.",
    why: "With SSE-S3, anyone allowed `s3:GetObject` reads the data; with SSE-KMS, reading also needs \
`kms:Decrypt` on the key, key use is logged in CloudTrail, and access can be cut off by the key policy \
without touching bucket policies.",
    failing: "buckets:\n  - name: exports\n    purpose: Customer exports\n    encryption: sseS3\n",
    fix: "Use the default `kms` encryption, optionally with a key of `identity.kmsKeys`.",
    fixed: "buckets:\n  - name: exports\n    purpose: Customer exports\n    encryption: kms\n",
    help: "use `encryption: kms` (the default) or `state.kms: true`",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !ctx.model.state_backend().kms {
        out.push(ctx.finding_with(
            &RULE,
            Severity::Error,
            "/state/kms",
            "Terraform state is encrypted with SSE-S3, not KMS",
            "state without a KMS key",
        ));
    }
    for (rp, r) in ctx.regions() {
        for (i, b) in r.buckets.iter().enumerate() {
            // Load balancers write their access logs only to SSE-S3 buckets.
            if b.encryption == BucketEncryption::SseS3 && ctx.model.bucket_lb_logs(r, b).is_none() {
                out.push(ctx.finding(
                    &RULE,
                    &format!("{rp}/buckets/{i}/encryption"),
                    format!("bucket `{}` is encrypted with SSE-S3, not KMS", b.name),
                    "SSE-S3",
                ));
            }
        }
    }
    out
}
