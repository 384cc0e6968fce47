//! `stratoform init`: the starter and every `--from` example validate and render from a fresh
//! directory, the schema lands next to the spec that names it, and no file is ever overwritten.

use std::path::Path;

use crate::{examples, root, stratoform_in, Run};

/// The first line of every checked-in example: the repository's schema, two folders up.
const EXAMPLE_SCHEMA_LINE: &str = "# yaml-language-server: $schema=../../schema/platform.schema.json";
/// The first line of every spec `init` writes: the schema file next to it.
const SCHEMA_LINE: &str = "# yaml-language-server: $schema=platform.schema.json";

/// `init ARGS` in `dir`, then `validate` and `render` of the spec it wrote at `spec` (relative to `dir`).
fn init_validate_render(dir: &Path, args: &[&str], spec: &str) -> Run {
    let init = stratoform_in(dir, args);
    assert_eq!(init.code, 0, "init {args:?}: {}{}", init.stdout, init.stderr);
    let text = std::fs::read_to_string(dir.join(spec)).expect("init wrote the spec");
    assert_eq!(text.lines().next(), Some(SCHEMA_LINE), "{spec}: the first line names the schema next to it");
    let schema_at = dir.join(spec).parent().expect("a folder").join("platform.schema.json");
    let schema = std::fs::read_to_string(&schema_at).expect("init wrote the schema next to the spec");
    assert_eq!(schema, stratoform_in(dir, &["schema"]).stdout, "the schema file is `stratoform schema`");
    let validate = stratoform_in(dir, &["validate", spec]);
    assert_eq!(validate.code, 0, "validate {spec}: {}{}", validate.stdout, validate.stderr);
    assert!(validate.stderr.is_empty(), "no warnings for {spec}: {}", validate.stderr);
    let render = stratoform_in(dir, &["render", spec, "--out", "rendered"]);
    assert_eq!(render.code, 0, "render {spec}: {}{}", render.stdout, render.stderr);
    init
}

#[test]
fn the_starter_validates_renders_and_says_what_to_run_next() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let init = init_validate_render(tmp.path(), &["init"], "platform.yaml");
    let text = std::fs::read_to_string(tmp.path().join("platform.yaml")).expect("the starter");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("init_starter_spec", text);
        insta::assert_snapshot!("init_starter_stdout", init.stdout);
    });
    let verify = stratoform_in(tmp.path(), &["verify", "platform.yaml", "--out", "rendered"]);
    assert_eq!(verify.code, 0, "verify: {}{}", verify.stdout, verify.stderr);
    let check = stratoform_in(tmp.path(), &["check", "platform.yaml"]);
    assert!(check.stdout.contains("0 errors"), "the starter passes the review:\n{}{}", check.stdout, check.stderr);
}

#[test]
fn init_from_each_example_writes_it_with_the_schema_next_to_it() {
    let names: Vec<String> = examples().into_iter().map(|(name, _)| name).collect();
    let help = stratoform_in(&root(), &["init", "--help"]);
    for name in &names {
        assert!(help.stdout.contains(name.as_str()), "`init --help` lists `{name}` (embed every example):\n{}", help.stdout);
    }
    for (name, spec) in examples() {
        let tmp = tempfile::tempdir().expect("a temp dir");
        init_validate_render(tmp.path(), &["init", "--from", &name, "team"], "team/platform.yaml");
        let original = std::fs::read_to_string(root().join(&spec)).expect("the example");
        let body = original.strip_prefix(EXAMPLE_SCHEMA_LINE).unwrap_or_else(|| panic!("{spec}: the first line is `{EXAMPLE_SCHEMA_LINE}`"));
        let written = std::fs::read_to_string(tmp.path().join("team/platform.yaml")).expect("written");
        assert_eq!(written, format!("{SCHEMA_LINE}{body}"), "init --from {name}: the example with its first line naming the schema next to it");
    }
}

#[test]
fn init_names_the_examples_when_one_is_unknown() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let run = stratoform_in(tmp.path(), &["init", "--from", "nope"]);
    assert_eq!(run.code, 2);
    for (name, _) in examples() {
        assert!(run.stderr.contains(&name), "the error lists `{name}`: {}", run.stderr);
    }
    assert!(std::fs::read_dir(tmp.path()).expect("the dir").next().is_none(), "nothing written");
}

#[test]
fn init_never_overwrites_a_file() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("platform.yaml"), "mine\n").expect("write");
    let run = stratoform_in(dir, &["init"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error: `platform.yaml` exists") && run.stderr.contains("help: pass another path"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("platform.yaml")).expect("kept"), "mine\n");
    assert!(!dir.join("platform.schema.json").exists(), "nothing written when the spec exists");

    // A directory as PATH means `platform.yaml` in it: the same refusal.
    let run = stratoform_in(dir, &["init", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("platform.yaml")).expect("kept"), "mine\n");

    // A schema file that is not this stratoform's schema is kept, and the spec is not written.
    std::fs::write(dir.join("platform.schema.json"), "{}\n").expect("write");
    let run = stratoform_in(dir, &["init", "other.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`platform.schema.json` exists and is not the schema") && run.stderr.contains("stratoform schema > platform.schema.json"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("platform.schema.json")).expect("kept"), "{}\n");
    assert!(!dir.join("other.yaml").exists());

    // The same schema is kept as it is: a second spec in the folder of the first.
    std::fs::remove_file(dir.join("platform.schema.json")).expect("remove");
    assert_eq!(stratoform_in(dir, &["init", "a.yaml"]).code, 0);
    let run = stratoform_in(dir, &["init", "--from", "oves", "b.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("kept platform.schema.json"), "{}", run.stdout);
    let leftovers: Vec<String> = std::fs::read_dir(dir).expect("dir").filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");
}

#[test]
fn every_example_names_the_schema_on_its_first_line() {
    for (_, spec) in examples() {
        let text = std::fs::read_to_string(root().join(&spec)).expect("the example");
        assert_eq!(text.lines().next(), Some(EXAMPLE_SCHEMA_LINE), "{spec}");
        let schema = root().join(&spec).parent().expect("its folder").join("../../schema/platform.schema.json");
        assert!(schema.is_file(), "{spec}: the first line names {}, which exists", schema.display());
    }
}
