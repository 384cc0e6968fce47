//! Open items: the steps a spec records under `manualSteps` as done by hand, outside what
//! stratoform generates. The review lists each one in every output so that nothing left to do is
//! silent. An open item never fails the review, and no waiver applies to it (a waiver naming
//! its code is a waiver of an unknown rule): it goes away only when the step leaves the spec.

use serde::Serialize;
use stratoform_diagnostics::{Diagnostic, Severity};
use stratoform_model::{Model, ResolvedManualStep};

use crate::{Context, Finding};

/// The code of an open item.
pub const CODE: &str = "OPEN001";
/// Its short kebab-case name.
pub const NAME: &str = "manual-step";
/// One line on what it reports.
pub const SUMMARY: &str = "a step the spec records under `manualSteps`: done by hand by its owner, not generated";

/// What an open item is about, as data: the manual step's fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenItem {
    /// The step's name.
    pub name: String,
    /// What is done.
    pub description: String,
    /// Why stratoform does not generate it.
    pub reason: String,
    /// Who does it.
    pub owner: String,
    /// Where it is done, when the spec says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
}

/// The open items of one environment, in spec order.
pub fn of(model: &Model) -> Vec<Finding> {
    let ctx = Context::new(model);
    model.manual_steps().into_iter().map(|s| finding(&ctx, s)).collect()
}

fn finding(ctx: &Context<'_>, resolved: ResolvedManualStep<'_>) -> Finding {
    let step = resolved.step;
    let at = resolved.pointer();
    let path = stratoform_loader::tree::spec_path(&at);
    let place = step.system.as_ref().map(|s| format!(" in {s}")).unwrap_or_default();
    let diagnostic = Diagnostic::new(
        CODE,
        Severity::Info,
        format!("open item: manual step `{}` is not generated; `{}` does it by hand{place}", step.name, step.owner),
    )
    .with_path(path)
    .with_span(ctx.span(&format!("{at}/name")), format!("not generated: {}", step.reason.trim()))
    .with_help(format!("by hand: {}", step.description.trim()));
    let open = OpenItem {
        name: step.name.to_string(),
        description: step.description.trim().to_owned(),
        reason: step.reason.trim().to_owned(),
        owner: step.owner.clone(),
        system: step.system.clone(),
    };
    Finding { diagnostic, waiver: None, open: Some(open) }
}
