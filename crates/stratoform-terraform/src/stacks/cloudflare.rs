//! The `<env>-cloudflare` stack: Cloudflare DNS records (also ACM validation records) and load
//! balancers with a pool per region, reading the AWS stacks' outputs. It uses the Cloudflare
//! provider only, so no AWS stack depends on a provider this machine cannot install.

use stratoform_model::{Model, StackKind};

/// The Cloudflare stack's files (rendered by the Cloudflare renderer when the spec uses it).
pub fn render(model: &Model, source: &str) -> Vec<(String, String)> {
    let Some(stack) = model.stacks.iter().find(|s| s.kind == StackKind::External) else {
        return Vec::new();
    };
    crate::cloudflare::render(model, stack, source)
}
