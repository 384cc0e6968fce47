//! The "Not generated" section of an environment's `README.md`: the steps the spec records under
//! `manualSteps` as done by hand (a SaaS vendor's setting, a human process), each with its owner,
//! where it is done and why stratoform does not generate it. Like the other sections of the
//! page, it is left out when there is nothing to list.

use stratoform_model::Model;

use crate::link::md;
use crate::markdown::{code, Doc, Table};

pub(crate) fn section(model: &Model, doc: &mut Doc) {
    let steps = model.manual_steps();
    if steps.is_empty() {
        return;
    }
    doc.h2("Not generated");
    doc.para(&format!(
        "stratoform does not generate these steps: their owners do them by hand, outside the rendered Terraform and manifests. \
         `stratoform check` lists each one as an open item ({}).",
        code(stratoform_check::open_items::CODE)
    ));
    let mut t = Table::new(&["Step", "What is done", "Owner", "Where", "Why it is not generated", "Spec"]);
    for s in steps {
        let step = s.step;
        t.row(vec![
            code(step.name.as_str()),
            step.description.trim().to_owned(),
            step.owner.clone(),
            step.system.clone().unwrap_or_default(),
            step.reason.trim().to_owned(),
            md(model, &s.pointer()),
        ]);
    }
    doc.table(&t);
}
