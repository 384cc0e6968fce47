//! `review.md`: the architecture review's findings (from `stratoform-check`) and the waivers
//! that accept some of them, each linked to its rule page and its place in the spec.

use stratoform_check::{Date, Report};
use stratoform_model::Model;

use super::header;
use crate::link::{href_offset, md, spec_file};
use crate::markdown::{code, Doc, Table};

/// Waivers are applied as of this fixed date so that the same spec always gives the same docs;
/// each waiver's own expiry is listed, and `stratoform check` applies them against today.
fn as_of() -> Date {
    Date::new(2000, 1, 1).expect("a valid date")
}

pub(crate) fn report(model: &Model) -> Report {
    stratoform_check::check(model, as_of(), None)
}

pub(crate) fn page(model: &Model, report: &Report) -> String {
    let mut doc = Doc::new(&header(model), "Architecture review");
    doc.para(&format!(
        "What `stratoform check` finds in this environment: {}. Each rule has a page under [rules](../rules/index.md). \
         Waivers are listed with their expiry; `stratoform check` applies them against today's date.",
        report.summary()
    ));
    let mut t = Table::new(&["Rule", "Severity", "Finding", "Fix", "Waived because", "Spec"]);
    for f in &report.findings {
        let d = &f.diagnostic;
        let path = d.path.clone().unwrap_or_default();
        let link = match &d.primary {
            Some(l) => format!("[{}]({})", code(if path.is_empty() { spec_file(model) } else { path.clone() }.as_str()), href_offset(model, l.span.start)),
            None => code(&path),
        };
        let waived = f.waiver.as_ref().map_or(String::new(), |w| {
            format!("{}{} ({})", w.reason, w.expires.as_ref().map(|e| format!(", until {e}")).unwrap_or_default(), w.waiver)
        });
        // Rules have a page each; open items and the review's own codes are in the index.
        let page = match (stratoform_check::lookup(&d.code), f.is_open()) {
            (Some(_), _) => format!("{}.md", d.code),
            (None, true) => "index.md#open-items".to_owned(),
            (None, false) => "index.md#waivers".to_owned(),
        };
        t.row(vec![
            format!("[{}](../rules/{page})", d.code),
            d.severity.as_str().to_owned(),
            d.message.clone(),
            d.help.clone().unwrap_or_default(),
            waived,
            link,
        ]);
    }
    if t.is_empty() {
        doc.para("No findings.");
    } else {
        doc.h2("Findings");
        doc.table(&t);
    }
    let waivers = &model.review().waivers;
    if !waivers.is_empty() {
        doc.h2("Waivers");
        let mut t = Table::new(&["Rule", "Path", "Reason", "Expires", "Environments", "Spec"]);
        for (i, w) in waivers.iter().enumerate() {
            t.row(vec![
                w.rule.clone(),
                w.path.clone().unwrap_or_else(|| "*".into()),
                w.reason.clone(),
                w.expires.clone().unwrap_or_default(),
                if w.environments.is_empty() { "all".into() } else { w.environments.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") },
                md(model, &format!("/review/waivers/{i}")),
            ]);
        }
        doc.table(&t);
    }
    doc.finish()
}
