//! Waivers: findings accepted on purpose, with a reason and an optional expiry.
//!
//! A waiver (`review.waivers[]`) names a rule, optionally a spec path glob (`*` matches any
//! index or name; a waiver of `regions[*].hosts[0]` also covers everything under that host) and
//! the environments it holds in. A waived finding is still reported, marked waived. A waiver
//! past its `expires` date no longer applies and is itself an error.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_model::Model;
use stratoform_spec::{glob_match, Waiver};

use crate::{Context, Date, Finding};

/// Codes of the review's own diagnostics about waivers.
pub mod codes {
    /// A waiver past its expiry date.
    pub const EXPIRED: &str = "CHK001";
    /// A waiver of a rule that does not exist.
    pub const UNKNOWN_RULE: &str = "CHK002";
    /// A waiver that matched no finding.
    pub const UNUSED: &str = "CHK003";
    /// An expiry that is not a date.
    pub const INVALID_EXPIRY: &str = "CHK004";
    /// A waiver without a reason.
    pub const NO_REASON: &str = "CHK005";
    /// A waiver for an environment the platform does not declare.
    pub const UNKNOWN_ENVIRONMENT: &str = "CHK006";
    /// Every code with a one-line summary.
    pub const ALL: &[(&str, &str, &str)] = &[
        (EXPIRED, "expired-waiver", "a waiver is past its `expires` date and no longer applies"),
        (UNKNOWN_RULE, "unknown-rule", "a waiver names a rule that does not exist"),
        (UNUSED, "unused-waiver", "a waiver matched no finding"),
        (INVALID_EXPIRY, "invalid-expiry", "a waiver's `expires` is not a `YYYY-MM-DD` date"),
        (NO_REASON, "missing-reason", "a waiver does not say why the finding is accepted"),
        (UNKNOWN_ENVIRONMENT, "unknown-environment", "a waiver names an environment the platform does not declare"),
    ];
}

/// A waiver that applied to a finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Waived {
    /// Why the finding is accepted.
    pub reason: String,
    /// Until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The waiver's spec path, such as `review.waivers[2]`.
    pub waiver: String,
}

/// Whether a waiver's path glob covers a finding's spec path (the path itself or anything under it).
pub fn path_matches(glob: &str, path: &str) -> bool {
    if glob_match(glob, path) {
        return true;
    }
    path.char_indices().filter(|(_, c)| matches!(c, '.' | '[')).any(|(i, _)| glob_match(glob, &path[..i]))
}

fn applies_to_env(w: &Waiver, env: &str) -> bool {
    w.environments.is_empty() || w.environments.iter().any(|e| e.as_str() == env)
}

/// What became of a waiver in one environment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Use {
    /// Not for this environment, expired, or malformed.
    #[default]
    Inactive,
    /// In force but matched nothing.
    Unused,
    /// Matched at least one finding.
    Used,
}

/// Applies the waivers of a model to its findings. Returns the findings, the review's own
/// diagnostics about the waivers, and what became of each waiver (by index).
pub fn apply(model: &Model, diagnostics: Vec<Diagnostic>, today: Date) -> (Vec<Finding>, Vec<Diagnostic>, Vec<Use>) {
    let ctx = Context::new(model);
    let waivers = &model.review().waivers;
    let mut problems = Vec::new();
    let mut active = vec![false; waivers.len()];
    let declared: Vec<&str> = model.environments().iter().map(|e| e.name.as_str()).collect();
    for (i, w) in waivers.iter().enumerate() {
        for (j, env) in w.environments.iter().enumerate() {
            if !declared.contains(&env.as_str()) {
                let at = format!("/review/waivers/{i}/environments/{j}");
                let path = stratoform_loader::tree::spec_path(&at);
                problems.push(
                    Diagnostic::error(codes::UNKNOWN_ENVIRONMENT, format!("waiver of `{}` names unknown environment `{env}` at `{path}`", w.rule))
                        .with_path(path)
                        .with_span(ctx.span(&at), "no such environment")
                        .with_help(format!("use one of {}", declared.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", "))),
                );
            }
        }
        if !applies_to_env(w, model.env_name()) {
            continue;
        }
        let at = format!("/review/waivers/{i}");
        let path = stratoform_loader::tree::spec_path(&at);
        let known = crate::lookup(&w.rule).is_some();
        if !known {
            let ids: Vec<&str> = crate::RULES.iter().map(|r| r.id).collect();
            problems.push(
                Diagnostic::error(codes::UNKNOWN_RULE, format!("waiver of unknown rule `{}` at `{path}.rule`", w.rule))
                    .with_path(format!("{path}.rule"))
                    .with_span(ctx.span(&format!("{at}/rule")), "no such rule")
                    .with_help(format!("use one of {}", ids.join(", "))),
            );
        }
        if w.reason.trim().is_empty() {
            problems.push(
                Diagnostic::error(codes::NO_REASON, format!("waiver of `{}` gives no reason at `{path}.reason`", w.rule))
                    .with_path(format!("{path}.reason"))
                    .with_span(ctx.span(&format!("{at}/reason")), "empty")
                    .with_help("say why the finding is accepted, citing the design decision"),
            );
        }
        let mut expired = w.reason.trim().is_empty();
        if let Some(exp) = &w.expires {
            match exp.parse::<Date>() {
                Ok(d) if d < today => {
                    expired = true;
                    problems.push(
                        Diagnostic::error(codes::EXPIRED, format!("waiver of `{}` expired on {d} at `{path}.expires`", w.rule))
                            .with_path(format!("{path}.expires"))
                            .with_span(ctx.span(&format!("{at}/expires")), format!("expired; today is {today}"))
                            .with_help("fix the finding, or renew the waiver with a new date and a reason that still holds"),
                    );
                }
                Ok(_) => {}
                Err(e) => {
                    expired = true;
                    problems.push(
                        Diagnostic::error(codes::INVALID_EXPIRY, format!("{e} at `{path}.expires`"))
                            .with_path(format!("{path}.expires"))
                            .with_span(ctx.span(&format!("{at}/expires")), "not a date")
                            .with_help("write the date as `YYYY-MM-DD`, for example `2027-03-31`"),
                    );
                }
            }
        }
        active[i] = known && !expired;
    }
    let mut used: Vec<Use> = active.iter().map(|a| if *a { Use::Unused } else { Use::Inactive }).collect();
    let findings = diagnostics
        .into_iter()
        .map(|d| {
            let hit = waivers.iter().enumerate().find(|(i, w)| {
                active[*i]
                    && w.rule.eq_ignore_ascii_case(&d.code)
                    && w.path.as_deref().is_none_or(|g| d.path.as_deref().is_some_and(|p| path_matches(g, p)))
            });
            let waiver = hit.map(|(i, w)| {
                used[i] = Use::Used;
                Waived {
                    reason: w.reason.clone(),
                    expires: w.expires.clone(),
                    waiver: stratoform_loader::tree::spec_path(&format!("/review/waivers/{i}")),
                }
            });
            Finding { waiver, ..Finding::new(d) }
        })
        .collect();
    (findings, problems, used)
}

/// The warning for a waiver that matched nothing in any environment checked.
pub fn unused(model: &Model, index: usize) -> Diagnostic {
    let w = &model.review().waivers[index];
    let at = format!("/review/waivers/{index}");
    let path = stratoform_loader::tree::spec_path(&at);
    Diagnostic::new(codes::UNUSED, Severity::Warning, format!("waiver of `{}` matches no finding at `{path}`", w.rule))
        .with_path(path)
        .with_span(Context::new(model).span(&format!("{at}/rule")), "matches nothing")
        .with_help("remove the waiver, or correct its `rule` or `path`")
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn globs_cover_paths_and_their_children() {
        assert!(path_matches("regions[*].hosts[1]", "regions[0].hosts[1].ingress[0].cidrs[0]"));
        assert!(path_matches("regions[0].clusters[*].gateways[*].scheme", "regions[0].clusters[0].gateways[1].scheme"));
        assert!(!path_matches("regions[0].hosts[1]", "regions[0].hosts[10]"));
        assert!(!path_matches("regions[1]", "regions[0].hosts[1]"));
    }
}
