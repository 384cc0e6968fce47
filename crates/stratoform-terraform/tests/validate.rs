//! Proofs 1 and 2 for every example: `terraform fmt -check -recursive` accepts the rendered tree
//! byte for byte, and `terraform init -backend=false` (offline, from the provider mirror) plus
//! `terraform validate` pass for every AWS stack and every module.

mod support;

use support::*;

#[test]
fn rendered_terraform_is_formatted_and_valid() {
    if !require("terraform", terraform().is_some()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    let mut modules_added = false;
    // The examples, then the fixtures (shapes no example has, such as keys shared by regions).
    let fixtures = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| (format!("fixture-{}", e.file_name().to_string_lossy()), e.path().join("platform.yaml")))
        .filter(|(_, p)| p.is_file());
    let mut fixtures: Vec<_> = fixtures.collect();
    fixtures.sort();
    for (name, spec) in examples().into_iter().chain(fixtures) {
        let root = dir.path().join(&name).join("terraform");
        let models = render_into(&spec, None, &root);
        let mut stacks: Vec<String> = models
            .iter()
            .flat_map(|m| m.stacks.iter())
            .filter(|s| stratoform_terraform::runner::is_aws(s))
            .map(|s| s.name.clone())
            .collect();
        stacks.sort();
        stacks.dedup();
        dirs.extend(stacks.into_iter().map(|s| root.join("stacks").join(s)));
        if !modules_added {
            modules_added = true;
            // Every module once, on its own, so that modules no example calls are proven too.
            for module in stratoform_terraform::modules::all() {
                if module.aliases.is_empty() {
                    dirs.push(root.join("modules").join(module.name));
                }
            }
        }
    }

    let (code, out) = run(tf(dir.path(), &["fmt", "-check", "-recursive", "-diff", "-no-color"]));
    assert_eq!(code, 0, "terraform fmt wants changes:\n{}", tail(&out, 60));

    // Validate in parallel: init is mostly waiting on the file system.
    let base = dir.path().to_path_buf();
    let chunks: Vec<Vec<std::path::PathBuf>> = dirs.chunks(dirs.len().div_ceil(4).max(1)).map(<[_]>::to_vec).collect();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let base = base.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for d in chunk {
                    let (code, out) = run(tf(&d, &["init", "-backend=false", "-input=false", "-no-color"]));
                    if code != 0 {
                        failures.push(format!("init {}:\n{}", d.display(), tail(&out, 20)));
                        continue;
                    }
                    let (code, out) = run(tf(&d, &["validate", "-no-color"]));
                    if code != 0 {
                        failures.push(format!("validate {}:\n{}", d.display(), tail(&out, 30)));
                    }
                    let what = d.strip_prefix(&base).unwrap_or(&d).display().to_string();
                    progress(&format!("terraform validate: {what}: {}", if code == 0 { "valid" } else { "INVALID" }));
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
