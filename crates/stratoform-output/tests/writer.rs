//! The writer's promises: deterministic, atomic, and never touching what it did not generate.

use std::collections::BTreeMap;
use std::path::Path;

use stratoform_output::writer::{write_with, WriteOptions};
use stratoform_output::{check, check_with, write, CheckOptions, ConflictKind, Manifest, OutputTree, WriteError, MANIFEST_FILE};

fn tree(files: &[(&str, &str)]) -> OutputTree {
    let mut t = OutputTree::new();
    for (p, c) in files {
        t.insert(*p, *c);
    }
    t
}

/// Every file below `dir` with its bytes, to compare whole directories.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &e.path(), out);
            } else {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn siblings_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn writes_the_tree_and_a_manifest() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a/out");
    let report = write(&out, &tree(&[("terraform/main.tf", "x\n"), ("docs/index.md", "# y\n")]), "platform.yaml").unwrap();
    assert_eq!(report.added, ["docs/index.md", "terraform/main.tf"]);
    assert_eq!(std::fs::read_to_string(out.join("terraform/main.tf")).unwrap(), "x\n");
    let manifest = Manifest::read(&out).unwrap().unwrap();
    assert_eq!(manifest.spec, "platform.yaml");
    assert_eq!(manifest.files.len(), 2);
    assert_eq!(manifest.files["terraform/main.tf"], stratoform_output::manifest::sha256(b"x\n"));
    assert_eq!(siblings_of(&out), ["out"], "no staging or old directory is left behind");
}

#[test]
fn same_tree_same_bytes() {
    let root = tempfile::tempdir().unwrap();
    let t = tree(&[("b/c.yaml", "c: 1\n"), ("a.txt", "a\n"), ("b/a.yaml", "a: 1\n")]);
    let (one, two) = (root.path().join("one"), root.path().join("two"));
    write(&one, &t, "p.yaml").unwrap();
    write(&two, &t, "p.yaml").unwrap();
    assert_eq!(snapshot(&one), snapshot(&two));
    let before = snapshot(&one);
    let report = write(&one, &t, "p.yaml").unwrap();
    assert_eq!(report.unchanged, 3);
    assert!(report.added.is_empty() && report.changed.is_empty() && report.removed.is_empty());
    assert_eq!(snapshot(&one), before);
}

#[test]
fn removes_files_it_no_longer_generates_and_keeps_hand_written_ones() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("terraform/old/main.tf", "old\n"), ("terraform/keep.tf", "k\n")]), "p.yaml").unwrap();
    std::fs::write(out.join("terraform/NOTES.md"), "mine\n").unwrap();
    std::fs::write(out.join("README.md"), "also mine\n").unwrap();
    std::fs::create_dir_all(out.join("scratch/empty")).unwrap();
    std::os::unix::fs::symlink("README.md", out.join("link")).unwrap();

    let report = write(&out, &tree(&[("terraform/keep.tf", "k2\n"), ("terraform/new.tf", "n\n")]), "p.yaml").unwrap();
    assert_eq!(report.removed, ["terraform/old/main.tf"]);
    assert_eq!(report.changed, ["terraform/keep.tf"]);
    assert_eq!(report.kept, ["README.md", "terraform/NOTES.md"]);
    assert!(!out.join("terraform/old").exists(), "an emptied generated directory goes too");
    assert_eq!(std::fs::read_to_string(out.join("terraform/NOTES.md")).unwrap(), "mine\n");
    assert_eq!(std::fs::read_to_string(out.join("README.md")).unwrap(), "also mine\n");
    assert!(out.join("scratch/empty").is_dir());
    assert_eq!(std::fs::read_link(out.join("link")).unwrap(), Path::new("README.md"));
}

#[test]
fn refuses_to_overwrite_a_hand_written_file_and_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("a.tf", "a\n")]), "p.yaml").unwrap();
    std::fs::write(out.join("b.tf"), "mine\n").unwrap();
    let before = snapshot(&out);
    let err = write(&out, &tree(&[("a.tf", "a2\n"), ("b.tf", "generated\n")]), "p.yaml").unwrap_err();
    let WriteError::Refused { conflicts, .. } = &err else { panic!("{err}") };
    assert_eq!(conflicts.len(), 1);
    assert_eq!((conflicts[0].path.as_str(), conflicts[0].kind), ("b.tf", ConflictKind::HandWritten));
    let message = err.to_string();
    assert!(message.contains("`b.tf` exists and stratoform did not generate it"), "{message}");
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(siblings_of(&out), ["out"]);
}

#[test]
fn refuses_to_replace_or_remove_an_edited_generated_file() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("a.tf", "a\n"), ("b.tf", "b\n")]), "p.yaml").unwrap();
    std::fs::write(out.join("a.tf"), "edited\n").unwrap();
    std::fs::write(out.join("b.tf"), "edited too\n").unwrap();
    let before = snapshot(&out);
    let err = write(&out, &tree(&[("a.tf", "a2\n")]), "p.yaml").unwrap_err();
    let WriteError::Refused { conflicts, .. } = &err else { panic!("{err}") };
    let kinds: Vec<_> = conflicts.iter().map(|c| (c.path.as_str(), c.kind)).collect();
    assert_eq!(kinds, [("a.tf", ConflictKind::Edited), ("b.tf", ConflictKind::Edited)]);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn refuses_a_directory_where_a_file_goes() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    std::fs::create_dir_all(out.join("a.tf")).unwrap();
    std::fs::write(out.join("docs"), "a file where a directory goes\n").unwrap();
    let err = write(&out, &tree(&[("a.tf", "a\n"), ("docs/x.md", "x\n")]), "p.yaml").unwrap_err();
    let WriteError::Refused { conflicts, .. } = &err else { panic!("{err}") };
    let kinds: Vec<_> = conflicts.iter().map(|c| (c.path.as_str(), c.kind)).collect();
    assert_eq!(kinds, [("a.tf", ConflictKind::NotAFile), ("docs", ConflictKind::NotAFile)]);
}

#[test]
fn a_run_that_dies_before_the_swap_leaves_the_previous_output_intact() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("a.tf", "a\n"), ("old.tf", "o\n")]), "p.yaml").unwrap();
    std::fs::write(out.join("mine.txt"), "mine\n").unwrap();
    let before = snapshot(&out);
    let die = WriteOptions { die_before_swap: true, ..Default::default() };
    let next = tree(&[("a.tf", "a2\n"), ("b.tf", "b\n")]);
    assert!(write_with(&out, &next, "p.yaml", &die).is_err());
    assert_eq!(snapshot(&out), before, "the previous output is byte-identical");
    assert_eq!(siblings_of(&out), [".out.stratoform-staging", "out"], "the dead run left its staging directory");
    // The next run clears the leftover and finishes.
    let report = write(&out, &next, "p.yaml").unwrap();
    assert!(report.recovery.is_some());
    assert_eq!(siblings_of(&out), ["out"]);
    assert_eq!(std::fs::read_to_string(out.join("a.tf")).unwrap(), "a2\n");
    assert!(!out.join("old.tf").exists());
    assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "mine\n");
}

#[test]
fn a_run_that_fails_while_staging_leaves_the_previous_output_intact() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("a.tf", "a\n")]), "p.yaml").unwrap();
    let before = snapshot(&out);
    // A file name longer than any file system allows fails half-way through staging.
    let long = format!("dir/{}.tf", "x".repeat(300));
    let err = write(&out, &tree(&[("a.tf", "a2\n"), (&long, "x\n")]), "p.yaml").unwrap_err();
    assert!(matches!(err, WriteError::Stage { .. }), "{err}");
    assert_eq!(snapshot(&out), before);
    assert_eq!(siblings_of(&out), ["out"], "a failed run cleans up after itself");
}

#[test]
fn the_two_rename_fallback_gives_the_same_result() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    let renames = WriteOptions { exchange: false, ..Default::default() };
    for (dir, options) in [(&a, WriteOptions::default()), (&b, renames)] {
        write_with(dir, &tree(&[("x.tf", "1\n")]), "p.yaml", &options).unwrap();
        std::fs::write(dir.join("mine"), "m\n").unwrap();
        write_with(dir, &tree(&[("y.tf", "2\n")]), "p.yaml", &options).unwrap();
    }
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_eq!(siblings_of(&a), ["a", "b"]);
}

/// Mode and owner/group of a path, as `(mode, uid, gid)`.
fn meta(path: &Path) -> (u32, u32, u32) {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let m = std::fs::metadata(path).unwrap();
    (m.permissions().mode() & 0o7777, m.uid(), m.gid())
}

#[test]
fn directories_keep_their_mode_and_owner_across_renders() {
    use std::os::unix::fs::PermissionsExt as _;
    let root = tempfile::tempdir().unwrap();
    // Only root can give a directory to someone else; other users test the modes alone.
    let as_root = meta(root.path()).1 == 0;
    let renames = WriteOptions { exchange: false, ..Default::default() };
    for (name, options) in [("exchange", WriteOptions::default()), ("renames", renames)] {
        let out = root.path().join(name);
        let first = tree(&[("terraform/main.tf", "1\n"), ("docs/dev/a.md", "a\n")]);
        write_with(&out, &first, "p.yaml", &options).unwrap();
        std::fs::create_dir_all(out.join("mine/deeper")).unwrap();
        std::fs::write(out.join("mine/deeper/notes"), "n\n").unwrap();
        std::fs::write(out.join("terraform/NOTES.md"), "n\n").unwrap();
        // The output directory, a hand-made one, a mixed one (generated files and a hand-made
        // one) and a generated one.
        let dirs = [("", 0o750), ("mine", 0o700), ("mine/deeper", 0o2751), ("terraform", 0o750), ("docs/dev", 0o700)];
        for (i, (dir, mode)) in dirs.iter().enumerate() {
            std::fs::set_permissions(out.join(dir), std::fs::Permissions::from_mode(*mode)).unwrap();
            if as_root {
                std::os::unix::fs::chown(out.join(dir), Some(12345 + i as u32), Some(23456 + i as u32)).unwrap();
            }
        }
        let expected: Vec<_> = dirs.iter().map(|(dir, _)| meta(&out.join(dir))).collect();
        for contents in ["2\n", "3\n"] {
            write_with(&out, &tree(&[("terraform/main.tf", contents), ("docs/dev/a.md", "a\n"), ("docs/prod/b.md", "b\n")]), "p.yaml", &options).unwrap();
            let now: Vec<_> = dirs.iter().map(|(dir, _)| meta(&out.join(dir))).collect();
            assert_eq!(now, expected, "{name}: (mode, uid, gid) of {:?}", dirs.map(|d| d.0));
        }
        assert_eq!(std::fs::read_to_string(out.join("terraform/main.tf")).unwrap(), "3\n");
        if !as_root {
            eprintln!("skip: owners are only checked when the test runs as root");
        }
    }
}

#[test]
fn rejects_paths_that_leave_the_directory() {
    let root = tempfile::tempdir().unwrap();
    let err = write(&root.path().join("out"), &tree(&[("../escape", "x")]), "p.yaml").unwrap_err();
    assert!(matches!(err, WriteError::InvalidPath { .. }), "{err}");
    assert!(!root.path().join("escape").exists() && !root.path().join("out").exists());
    let err = write(Path::new("."), &tree(&[("a", "x")]), "p.yaml").unwrap_err();
    assert!(matches!(err, WriteError::InvalidDir { .. }), "{err}");
}

#[test]
fn check_lists_drift_without_writing() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let first = tree(&[("a.tf", "1\n2\n"), ("gone.tf", "g\n")]);
    assert_eq!(check(&out, &first).unwrap().added, ["a.tf", "gone.tf"]);
    write(&out, &first, "p.yaml").unwrap();
    assert!(check(&out, &first).unwrap().is_clean());
    std::fs::write(out.join("in-the-way.tf"), "mine\n").unwrap();
    let before = snapshot(&out);
    let drift = check(&out, &tree(&[("a.tf", "1\n3\n4\n"), ("new.tf", "n\n"), ("in-the-way.tf", "x\n")])).unwrap();
    assert_eq!(snapshot(&out), before);
    assert_eq!(drift.added, ["new.tf"]);
    assert_eq!(drift.removed, ["gone.tf"]);
    assert_eq!(drift.conflicts, ["in-the-way.tf"]);
    assert_eq!((drift.changed[0].added_lines, drift.changed[0].removed_lines), (2, 1));
    assert_eq!(
        drift.to_string(),
        "~ a.tf (+2 -1 lines)\n- gone.tf (no longer generated)\n! in-the-way.tf (not generated by stratoform, in the way)\n+ new.tf (new)\n"
    );
    assert!(out.join(MANIFEST_FILE).exists());
    assert!(drift.diffs.is_empty(), "diffs are gathered only when asked for");
}

#[test]
fn check_with_diff_gives_a_unified_diff_per_file_that_differs() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let next = tree(&[("a.tf", "1\n3\n4\n"), ("new.tf", "n\n"), ("in-the-way.tf", "x\n")]);
    let diff = CheckOptions { diff: true };
    let missing = check_with(&out, &next, &diff).unwrap();
    assert_eq!(missing.diffs.len(), 3, "{:?}", missing.diffs);
    assert_eq!(missing.diffs[0], "--- /dev/null\n+++ b/a.tf\n@@ -0,0 +1,3 @@\n+1\n+3\n+4\n");
    write(&out, &tree(&[("a.tf", "1\n2\n"), ("gone.tf", "g\n")]), "p.yaml").unwrap();
    std::fs::write(out.join("in-the-way.tf"), "mine\n").unwrap();
    let before = snapshot(&out);
    let drift = check_with(&out, &next, &diff).unwrap();
    assert_eq!(snapshot(&out), before);
    // In path order; the hand-made file in the way gets no diff.
    assert_eq!(
        drift.diffs,
        [
            "--- a/a.tf\n+++ b/a.tf\n@@ -1,2 +1,3 @@\n 1\n-2\n+3\n+4\n",
            "--- a/gone.tf\n+++ /dev/null\n@@ -1 +0,0 @@\n-g\n",
            "--- /dev/null\n+++ b/new.tf\n@@ -0,0 +1 @@\n+n\n",
        ]
    );
    assert!(check_with(&out, &tree(&[("a.tf", "1\n2\n"), ("gone.tf", "g\n")]), &diff).unwrap().diffs.is_empty());
}

fn inode(path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.nlink())
}

#[test]
fn unchanged_files_keep_their_inode_and_changed_ones_are_written_anew() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("a/same.tf", "same\n"), ("a/changes.tf", "one\n")]), "p.yaml").unwrap();
    let (same, _) = inode(&out.join("a/same.tf"));
    let (changes, _) = inode(&out.join("a/changes.tf"));
    let report = write(&out, &tree(&[("a/same.tf", "same\n"), ("a/changes.tf", "two\n")]), "p.yaml").unwrap();
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.changed, ["a/changes.tf"]);
    // The unchanged file is the previous generation's inode, now linked only from the output.
    assert_eq!(inode(&out.join("a/same.tf")), (same, 1));
    assert_ne!(inode(&out.join("a/changes.tf")).0, changes);
    assert_eq!(std::fs::read_to_string(out.join("a/same.tf")).unwrap(), "same\n");
    assert_eq!(std::fs::read_to_string(out.join("a/changes.tf")).unwrap(), "two\n");
    assert_eq!(siblings_of(&out), ["out"]);
}

#[test]
fn a_shared_inode_survives_a_run_that_dies_before_the_swap() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    write(&out, &tree(&[("same.tf", "same\n"), ("changes.tf", "one\n")]), "p.yaml").unwrap();
    let before = snapshot(&out);
    let die = WriteOptions { die_before_swap: true, ..Default::default() };
    let _ = write_with(&out, &tree(&[("same.tf", "same\n"), ("changes.tf", "two\n")]), "p.yaml", &die);
    assert_eq!(snapshot(&out), before);
    // The next run clears the staging directory (one link of the shared inode) and goes on.
    write(&out, &tree(&[("same.tf", "same\n"), ("changes.tf", "three\n")]), "p.yaml").unwrap();
    assert_eq!(std::fs::read_to_string(out.join("same.tf")).unwrap(), "same\n");
    assert_eq!(inode(&out.join("same.tf")).1, 1);
    assert_eq!(siblings_of(&out), ["out"]);
}

#[test]
fn every_flush_mode_writes_the_same_tree() {
    use stratoform_output::Flush;
    let root = tempfile::tempdir().unwrap();
    let first = tree(&[("terraform/a/main.tf", "a\n"), ("terraform/b/main.tf", "b\n"), ("docs/index.md", "# i\n")]);
    let second = tree(&[("terraform/a/main.tf", "a\n"), ("terraform/b/main.tf", "b2\n"), ("docs/new/x.md", "x\n")]);
    let mut trees = Vec::new();
    for (name, flush) in [("none", Flush::None), ("written", Flush::Written), ("filesystem", Flush::FileSystem)] {
        let out = root.path().join(name).join("out");
        let options = WriteOptions { flush, ..Default::default() };
        write_with(&out, &first, "p.yaml", &options).unwrap();
        std::fs::write(out.join("NOTES.md"), "mine\n").unwrap();
        let report = write_with(&out, &second, "p.yaml", &options).unwrap();
        assert_eq!((report.unchanged, report.changed.len(), report.added.len()), (1, 1, 1), "{name}");
        assert_eq!(siblings_of(&out), ["out"], "{name}");
        trees.push(snapshot(&out));
    }
    assert_eq!(trees[0], trees[1]);
    assert_eq!(trees[1], trees[2]);
    assert_eq!(trees[0]["NOTES.md"], b"mine\n");
    assert!(!trees[0].contains_key("docs/index.md"));
}

#[test]
fn a_render_that_changes_nothing_leaves_the_directory_as_it_is() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let t = tree(&[("a/x.tf", "x\n"), ("b.md", "b\n")]);
    write(&out, &t, "p.yaml").unwrap();
    std::fs::write(out.join("NOTES.md"), "mine\n").unwrap();
    let (dir, _) = inode(&out);
    let report = write(&out, &t, "p.yaml").unwrap();
    assert_eq!(report.unchanged, 2);
    assert_eq!(report.kept, ["NOTES.md"]);
    assert_eq!(report.method, None, "no new generation was swapped in");
    assert_eq!(inode(&out).0, dir);
    // Another spec name changes the manifest: a new generation.
    write(&out, &t, "q.yaml").unwrap();
    assert_ne!(inode(&out).0, dir);
    assert_eq!(Manifest::read(&out).unwrap().unwrap().spec, "q.yaml");
    assert_eq!(std::fs::read_to_string(out.join("NOTES.md")).unwrap(), "mine\n");
}
