//! The golden trees: `examples/<name>/rendered/` is exactly what `stratoform render` writes for
//! `examples/<name>/platform.yaml` (and `rendered-kind/` what `--target kind` writes, for the
//! examples that run on kind too). `STRATOFORM_UPDATE_GOLDEN=1` rewrites them.

use crate::{examples, root, stratoform_in};

/// The examples whose `--target kind` render is checked in, as `examples/<name>/rendered-kind/`.
const KIND_EXAMPLES: &[&str] = &["oneconnect"];

#[test]
fn every_example_renders_to_its_golden_tree() {
    let update = std::env::var_os("STRATOFORM_UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let examples = examples();
    assert!(examples.len() >= 5, "expected the five examples, found {examples:?}");
    for (name, spec) in examples {
        // OneConnect's engineers run the platform on kind as well as on AWS (seed 000), so its
        // kind render is checked in beside the AWS one.
        let kind = KIND_EXAMPLES.contains(&name.as_str());
        for (out, target) in [(format!("examples/{name}/rendered"), "aws")].into_iter().chain(kind.then(|| (format!("examples/{name}/rendered-kind"), "kind"))) {
            let mut args = vec!["render", spec.as_str(), "--out", out.as_str(), "--target", target];
            if !update {
                args.push("--check");
            }
            let run = stratoform_in(&root(), &args);
            if run.code != 0 {
                stale.push(format!("{out} (exit {}):\n{}{}", run.code, run.stdout, run.stderr));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nthe golden trees above differ from what `stratoform render` writes now.\n\
         If the change is intended, rewrite them with\n  STRATOFORM_UPDATE_GOLDEN=1 cargo test -p stratoform-cli --test cli golden\n\
         then review `git diff examples/*/rendered` and commit it.",
        stale.join("\n")
    );
}
