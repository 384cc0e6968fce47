//! The shape of the source tree: no source file of a crate (outside `tests/`) is over 500 lines,
//! and no file reaches back to itself through the files it uses (`crate::…` and `super::…`
//! paths, outside comments and test modules), so each file can be read after those it uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::{files_below, root};

/// The most lines a source file may have.
const MAX_LINES: usize = 500;

#[test]
fn no_source_file_is_over_500_lines_and_no_files_use_each_other_in_a_circle() {
    let mut long = Vec::new();
    let mut circles = Vec::new();
    let crates = root().join("crates");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&crates).expect("crates/").filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    let mut files_seen = 0;
    for krate in names {
        let src = krate.join("src");
        if !src.is_dir() {
            continue;
        }
        let files: Vec<PathBuf> = files_below(&src).into_iter().filter(|p| p.extension().is_some_and(|x| x == "rs")).map(|p| src.join(p)).collect();
        files_seen += files.len();
        let mut uses: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        for file in &files {
            let text = std::fs::read_to_string(file).expect("a source file");
            let lines = text.lines().count();
            if lines > MAX_LINES {
                long.push(format!("{}: {lines} lines", file.strip_prefix(root()).expect("under the root").display()));
            }
            uses.insert(file.clone(), used_files(&src, file, &text));
        }
        for circle in circles_of(&uses) {
            let names: Vec<String> = circle.iter().map(|f| f.strip_prefix(&src).expect("under src").display().to_string()).collect();
            circles.push(format!("{}: {}", krate.file_name().expect("a name").to_string_lossy(), names.join(" -> ")));
        }
    }
    assert!(files_seen > 100, "only {files_seen} source files found");
    assert!(long.is_empty(), "source files over {MAX_LINES} lines; split them by concept:\n{}", long.join("\n"));
    assert!(circles.is_empty(), "files that use each other in a circle:\n{}", circles.join("\n"));
}

#[test]
fn the_circle_finder_finds_a_circle_and_only_a_circle() {
    let p = |s: &str| PathBuf::from(s);
    let mut uses: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    uses.insert(p("a.rs"), [p("b.rs")].into());
    uses.insert(p("b.rs"), [p("c.rs")].into());
    uses.insert(p("c.rs"), BTreeSet::new());
    assert!(circles_of(&uses).is_empty());
    uses.insert(p("c.rs"), [p("a.rs")].into());
    assert_eq!(circles_of(&uses), [vec![p("a.rs"), p("b.rs"), p("c.rs")]]);
    // Paths resolve to the longest module prefix that is a file.
    let src = root().join("crates/stratoform-docs/src");
    let used = used_files(&src, &src.join("pages/traffic.rs"), "use crate::link::md;\n// crate::markdown::Doc\nuse super::traffic_path::scheme;\n");
    assert_eq!(used, [src.join("link.rs"), src.join("pages/traffic_path.rs")].into());
}

/// The module path of a file under `src` (`pages/traffic.rs` is `[pages, traffic]`).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src").with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The file that holds the longest prefix of a module path that is a file.
fn file_of(src: &Path, path: &[String]) -> Option<PathBuf> {
    (0..=path.len()).rev().find_map(|n| {
        let base = path[..n].iter().fold(src.to_path_buf(), |p, s| p.join(s));
        if n == 0 {
            return ["lib.rs", "main.rs"].iter().map(|f| src.join(f)).find(|f| f.is_file());
        }
        [base.with_extension("rs"), base.join("mod.rs")].into_iter().find(|f| f.is_file())
    })
}

/// The other files of the crate that `file` names through `crate::` and `super::` paths.
fn used_files(src: &Path, file: &Path, text: &str) -> BTreeSet<PathBuf> {
    let module = module_of(src, file);
    // Test modules may use anything.
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    for line in code.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        for start in ["crate::", "super::"] {
            for (at, _) in line.match_indices(start) {
                let before = line[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let path: Vec<&str> = line[at..].split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).next().unwrap_or("").split("::").collect();
                let mut base: Vec<String> = if start == "crate::" { Vec::new() } else { module[..module.len().saturating_sub(1)].to_vec() };
                let mut rest = &path[1..];
                while rest.first() == Some(&"super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().filter(|s| !s.is_empty()).map(|s| (*s).to_owned()));
                if let Some(target) = file_of(src, &base)
                    && target != file
                {
                    out.insert(target);
                }
            }
        }
    }
    out
}

/// Every set of files that reach each other (Tarjan's strongly connected components of more
/// than one file), each sorted.
fn circles_of(uses: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct Walk<'a> {
        uses: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, (usize, usize)>,
        stack: Vec<&'a PathBuf>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a PathBuf) {
        let n = w.index.len();
        w.index.insert(v, (n, n));
        w.stack.push(v);
        let uses = w.uses;
        for u in uses.get(v).into_iter().flatten() {
            let Some(u) = uses.get_key_value(u).map(|(k, _)| k) else { continue };
            match w.index.get(u) {
                None => {
                    visit(w, u);
                    let low = w.index[u].1.min(w.index[v].1);
                    w.index.get_mut(v).expect("visited").1 = low;
                }
                Some(&(i, _)) if w.stack.contains(&u) => {
                    let low = i.min(w.index[v].1);
                    w.index.get_mut(v).expect("visited").1 = low;
                }
                Some(_) => {}
            }
        }
        let (i, low) = w.index[v];
        if i == low {
            let at = w.stack.iter().rposition(|x| *x == v).expect("on the stack");
            let mut part: Vec<PathBuf> = w.stack.drain(at..).cloned().collect();
            if part.len() > 1 {
                part.sort();
                w.out.push(part);
            }
        }
    }
    let mut w = Walk { uses, index: BTreeMap::new(), stack: Vec::new(), out: Vec::new() };
    for v in uses.keys() {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.out
}
