//! Names that AWS admits once: two environments must not both create one. Environments that
//! share an account share what the account stack creates once; what each environment's own
//! stacks create (clusters, roles, buckets) must differ by environment, or by account when the
//! name is unique in all of AWS (bucket names, including the state bucket of each account).

use stratoform_diagnostics::{codes, Diagnostic};
use stratoform_model::{EffectiveSpec, Model, UniqueName, Uniqueness};

use crate::tree::{span_of, spec_path};
use crate::LoadedEnvironment;

/// Compares the unique names of every pair of environments; reports each collision once, at the
/// later environment's value, with the earlier one's as the second place.
pub fn check(source: &str, envs: &[LoadedEnvironment]) -> Vec<Diagnostic> {
    let resolved: Vec<(&LoadedEnvironment, Model)> = envs
        .iter()
        .map(|e| (e, Model::resolve(source, &EffectiveSpec { name: &e.name, platform: &e.platform, spans: &e.spans })))
        .collect();
    let names: Vec<Vec<UniqueName>> = resolved.iter().map(|(_, m)| m.unique_names()).collect();
    let mut seen: std::collections::HashSet<(usize, usize, &str, &str)> = std::collections::HashSet::new();
    let mut diags = Vec::new();
    for (j, (later, lm)) in resolved.iter().enumerate() {
        for (i, (earlier, em)) in resolved.iter().enumerate().take(j) {
            let same_account = em.names.account_scope() == lm.names.account_scope();
            // An environment without an `account` runs in whichever account deploys it: against
            // one that names its account, only what is unique in all of AWS is known to collide.
            let unknown = em.names.account.is_none() != lm.names.account.is_none();
            // One account, one bootstrap stack: its environments keep their state in one bucket.
            let state = |n: &[UniqueName]| n.iter().find(|x| x.per_account).cloned();
            if same_account
                && let (Some(a), Some(b)) = (state(&names[i]), state(&names[j]))
                && a.name != b.name
            {
                diags.push(
                    Diagnostic::error(
                        codes::SHARED_UNIQUE_NAME,
                        format!("environments `{}` and `{}` share account scope `{}` but name different state buckets (`{}`, `{}`)", earlier.name, later.name, lm.names.account_scope(), a.name, b.name),
                    )
                    .with_path(spec_path(&b.pointer))
                    .with_span(span_of(&later.spans, &b.pointer).map(|s| s.value), format!("`{}` in `{}`", b.name, later.name))
                    .with_help("the bootstrap stack creates one state bucket per account: give `state.bucket` one name for the environments of an account, or give them their own `account`"),
                );
            }
            // The earlier environment's names by name: only equal names collide.
            let mut by_name: std::collections::HashMap<&str, Vec<&UniqueName>> = std::collections::HashMap::new();
            for a in &names[i] {
                by_name.entry(a.name.as_str()).or_default().push(a);
            }
            for b in &names[j] {
                let candidates = by_name.get(b.name.as_str()).map(Vec::as_slice).unwrap_or_default();
                let Some(a) = candidates.iter().find(|a| a.collides(b, same_account) && !(unknown && (a.per_account || a.uniqueness == Uniqueness::Account))) else { continue };
                // One report per name and pair of environments, however many values make it.
                if !seen.insert((i, j, b.kind, b.name.as_str())) {
                    continue;
                }
                let (whose, help) = match b.uniqueness {
                    Uniqueness::Global if b.per_account => (
                        format!("the accounts of `{}` and `{}`", earlier.name, later.name),
                        "S3 bucket names are unique in all of AWS and each account has its own state bucket: name it per account in the environment's `overrides` (`state: {bucket: ...}`), or keep the environments in one account".to_owned(),
                    ),
                    Uniqueness::Global => (
                        format!("environments `{}` and `{}`", earlier.name, later.name),
                        "S3 bucket names are unique in all of AWS: put `{env}` in `bucketName`, or drop it for the default `{platform}-{env}-<name>`".to_owned(),
                    ),
                    Uniqueness::Account if b.kind == "Route 53 record" => (
                        format!("environments `{}` and `{}`, which share account scope `{}`,", earlier.name, later.name, lm.names.account_scope()),
                        "a zone holds one record of a name and type, and the zone is the account's: give each environment its own record (declare it in each environment's `overrides`, under `edge.records`, with names such as `api.dev.<zone>`), or give the environments their own `account`".to_owned(),
                    ),
                    Uniqueness::Account => (
                        format!("environments `{}` and `{}`, which share account scope `{}`,", earlier.name, later.name, lm.names.account_scope()),
                        format!(
                            "an {} name is unique per account{}: put `{{env}}` in the name, or give each environment its own `account`",
                            b.kind,
                            if b.region.is_some() { " and region" } else { "" }
                        ),
                    ),
                };
                let span = span_of(&later.spans, &b.pointer).map(|s| s.value);
                let first = span_of(&earlier.spans, &a.pointer).map(|s| s.value);
                let mut d = Diagnostic::error(codes::SHARED_UNIQUE_NAME, format!("{whose} would both create {} `{}`", b.kind, b.name))
                    .with_path(spec_path(&b.pointer))
                    .with_span(span, format!("names `{}` in `{}`", b.name, later.name))
                    .with_help(help);
                if first != span {
                    d = d.with_secondary(first, format!("the same name in `{}`", earlier.name));
                }
                diags.push(d);
            }
        }
    }
    diags
}
