//! S3 replication: S3 replicates only between versioned buckets, so the source and the
//! destination both keep versioning on.

use stratoform_diagnostics::{codes, Diagnostic};

use super::Ctx;

/// Runs the replication checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    for (ri, region) in p.regions.iter().enumerate() {
        for (bi, b) in region.buckets.iter().enumerate() {
            let Some(rep) = &b.replication else { continue };
            let bp = format!("/regions/{ri}/buckets/{bi}");
            let target = p
                .regions
                .iter()
                .enumerate()
                .find(|(_, r)| r.name == rep.region)
                .and_then(|(ti, r)| r.buckets.iter().position(|x| x.name == rep.bucket).map(|di| (ti, di, &r.buckets[di])));
            // An unknown destination is reported by the reference checks.
            let Some((ti, di, dest)) = target else { continue };
            let dp = format!("/regions/{ti}/buckets/{di}");
            for (unversioned, at, other) in [(!b.versioning, &bp, &dp), (!dest.versioning, &dp, &bp)] {
                if !unversioned {
                    continue;
                }
                let which = if at == &bp { format!("source bucket `{}`", b.name) } else { format!("destination bucket `{}` of `{}`", dest.name, rep.region) };
                let versioning = format!("{at}/versioning");
                ctx.push(
                    Diagnostic::error(codes::REPLICATION_VERSIONING, format!("S3 replicates only between versioned buckets, and {which} has versioning off"))
                        .with_path(ctx.path(&versioning))
                        .with_span(ctx.span(&versioning).or_else(|| ctx.key_span(at)), "versioning off")
                        .with_secondary(ctx.span(&format!("{bp}/replication")), "replication")
                        .with_secondary(ctx.span(&format!("{other}/name")), "the other bucket")
                        .with_help("set `versioning: true` on both buckets (or drop `versioning`, which defaults to `true`)"),
                );
            }
        }
    }
}
