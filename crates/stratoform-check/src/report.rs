//! Running the review: every rule over every environment, waivers applied, findings merged.

use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_model::Model;
use stratoform_output::OutputTree;

use crate::waivers::{self, Waived};
use crate::{open_items, Context, Date, OpenItem, RULES};

/// One finding, waived or not.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What was found, where, and the fix.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
    /// The waiver that accepts it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Waived>,
    /// For an open item (code [`open_items::CODE`]): the manual step it lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open: Option<OpenItem>,
}

impl Finding {
    /// A finding of a rule or of the review itself, not yet waived.
    pub fn new(diagnostic: Diagnostic) -> Self {
        Self { diagnostic, waiver: None, open: None }
    }
    /// Whether it fails the review: an error nobody waived.
    pub fn fails(&self) -> bool {
        self.waiver.is_none() && self.diagnostic.severity == Severity::Error
    }
    /// Whether it is an open item: a step done by hand, listed and never failing.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }
}

/// The review of one or more environments of a spec.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Findings sorted by position in the spec, then code.
    pub findings: Vec<Finding>,
    /// The environments reviewed.
    pub environments: Vec<String>,
}

impl Report {
    /// Whether an unwaived error exists (exit status 1).
    pub fn failed(&self) -> bool {
        self.findings.iter().any(Finding::fails)
    }
    /// Counts of unwaived errors, unwaived warnings and waived findings.
    pub fn counts(&self) -> (usize, usize, usize) {
        let open = |s| self.findings.iter().filter(|f| f.waiver.is_none() && f.diagnostic.severity == s).count();
        (open(Severity::Error), open(Severity::Warning), self.findings.iter().filter(|f| f.waiver.is_some()).count())
    }
    /// The number of open items: manual steps left to their owners.
    pub fn open_items(&self) -> usize {
        self.findings.iter().filter(|f| f.is_open()).count()
    }
    /// A one-line summary such as `1 error, 2 warnings, 3 waived`, followed by `, 2 open items`
    /// when there are any.
    pub fn summary(&self) -> String {
        let (e, w, x) = self.counts();
        let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
        let open = match self.open_items() {
            0 => String::new(),
            n => format!(", {}", plural(n, "open item")),
        };
        format!("{}, {}, {x} waived{open}", plural(e, "error"), plural(w, "warning"))
    }
}

/// Every rule's raw findings for one environment (no waivers applied).
pub fn run_rules(model: &Model, rendered: Option<&OutputTree>) -> Vec<Diagnostic> {
    let mut ctx = Context::new(model);
    if let Some(tree) = rendered {
        ctx = ctx.with_rendered(tree);
    }
    RULES.iter().flat_map(|r| r.check(&ctx)).collect()
}

/// Reviews one environment: its findings with waivers applied, plus the review's diagnostics
/// about the waivers themselves.
pub fn check(model: &Model, today: Date, rendered: Option<&OutputTree>) -> Report {
    check_models(std::slice::from_ref(model), today, &[rendered])
}

/// Reviews several environments of one spec. A finding that occurs in every environment is
/// reported once; one that occurs in some names them. `rendered[i]`, when given, is the
/// rendered output of `models[i]`.
pub fn check_models(models: &[Model], today: Date, rendered: &[Option<&OutputTree>]) -> Report {
    let mut per_env: Vec<(String, Vec<Finding>)> = Vec::new();
    let mut used: Vec<waivers::Use> = Vec::new();
    for (i, model) in models.iter().enumerate() {
        let raw = run_rules(model, rendered.get(i).copied().flatten());
        let (mut findings, problems, env_used) = waivers::apply(model, raw, today);
        findings.extend(problems.into_iter().map(Finding::new));
        // Open items bypass the waivers: nothing hides a step left to do by hand.
        findings.extend(open_items::of(model));
        if used.len() < env_used.len() {
            used.resize(env_used.len(), waivers::Use::Inactive);
        }
        for (u, e) in used.iter_mut().zip(env_used) {
            *u = (*u).max(e);
        }
        per_env.push((model.env_name().to_owned(), findings));
    }
    let mut findings = merge(per_env);
    if let Some(model) = models.first() {
        for (i, u) in used.iter().enumerate() {
            if *u == waivers::Use::Unused {
                findings.push(Finding::new(waivers::unused(model, i)));
            }
        }
    }
    findings.sort_by(|a, b| a.diagnostic.order_key().cmp(&b.diagnostic.order_key()).then_with(|| a.diagnostic.path.cmp(&b.diagnostic.path)));
    Report { findings, environments: models.iter().map(|m| m.env_name().to_owned()).collect() }
}

/// What makes two environments' findings the same one (with severity and waiver): position,
/// code, message and spec path.
type FindingKey = (usize, usize, String, String, Option<String>);

fn merge(per_env: Vec<(String, Vec<Finding>)>) -> Vec<Finding> {
    let total = per_env.len();
    let mut merged: Vec<(Finding, Vec<String>)> = Vec::new();
    // The merged findings by position, code, message and path (severity and waiver are compared
    // among the few that share those), so merging is linear in the number of findings.
    let mut index: std::collections::HashMap<FindingKey, Vec<usize>> = std::collections::HashMap::new();
    for (env, findings) in per_env {
        for f in findings {
            let (s, e, code, message) = f.diagnostic.order_key();
            let key = (s, e, code.to_owned(), message.to_owned(), f.diagnostic.path.clone());
            let candidates = index.entry(key).or_default();
            let same = candidates.iter().copied().find(|&i| {
                let m = &merged[i].0;
                m.diagnostic.severity == f.diagnostic.severity && m.waiver == f.waiver && m.open == f.open
            });
            match same {
                Some(i) => merged[i].1.push(env.clone()),
                None => {
                    candidates.push(merged.len());
                    merged.push((f, vec![env.clone()]));
                }
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut f, envs)| {
            if envs.len() < total {
                f.diagnostic.environments = envs;
            }
            f
        })
        .collect()
}
