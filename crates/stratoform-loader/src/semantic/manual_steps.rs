//! Manual steps (`manualSteps`): each says what is done, why it is not generated and who does
//! it, and names only environments the platform declares. Unique names are checked on the
//! document, with every other named list ([`super::names`]).

use stratoform_diagnostics::codes;

use super::Ctx;

/// Runs the manual step checks.
pub fn check(ctx: &mut Ctx<'_>) {
    let p = ctx.platform;
    let environments: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
    for (i, step) in p.manual_steps.iter().enumerate() {
        let sp = format!("/manualSteps/{i}");
        let texts = [
            ("description", &step.description, "say what is done, in a sentence"),
            ("reason", &step.reason, "say why stratoform does not generate it, for example where the setting lives"),
            ("owner", &step.owner, "name the team or role that does it"),
        ];
        for (field, text, help) in texts {
            if text.trim().is_empty() {
                let message = format!("manual step `{}` has an empty `{field}`", step.name);
                ctx.error(codes::INVALID_VALUE, &format!("{sp}/{field}"), message, "empty", help);
            }
        }
        if step.system.as_deref().is_some_and(|s| s.trim().is_empty()) {
            let message = format!("manual step `{}` has an empty `system`", step.name);
            ctx.error(codes::INVALID_VALUE, &format!("{sp}/system"), message, "empty", "name the vendor or system where it is done, or leave `system` out");
        }
        for (j, env) in step.environments.iter().enumerate() {
            if !environments.contains(&env.as_str()) {
                ctx.dangling(&format!("{sp}/environments/{j}"), "environment", env, environments.iter().copied());
            }
        }
    }
}
