//! Every link of every example's generated docs resolves when the output folder is far from the
//! spec: rendered into a temporary folder, each relative link of each Markdown page and SVG (and
//! each Mermaid `click`) must name a file that exists from the page's own folder, a `#L<n>`
//! fragment a line the file has, and any other fragment of a Markdown page one of its headings.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::{examples, files_below, root, stratoform_with};

#[test]
fn every_docs_link_of_every_example_resolves_when_rendered_elsewhere() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let mut broken = Vec::new();
    for (name, spec) in examples() {
        let out = tmp.path().join("far/away").join(&name);
        let spec = root().join(spec);
        let args = ["render", spec.to_str().expect("UTF-8"), "--out", out.to_str().expect("UTF-8"), "--allow-findings"];
        let run = stratoform_with(tmp.path(), &args, &[("STRATOFORM_TODAY", "2026-11-21")]);
        assert_eq!(run.code, 0, "{name}: {}{}", run.stdout, run.stderr);
        let mut lines_of: BTreeMap<PathBuf, usize> = BTreeMap::new();
        let (mut to_spec, mut between_pages) = (0, 0);
        let docs = out.join("docs");
        let pages = files_below(&docs).into_iter().filter(|p| p.extension().is_some_and(|e| e == "md" || e == "svg"));
        for page in pages.map(|p| docs.join(p)) {
            let text = std::fs::read_to_string(&page).expect("a page");
            let folder = page.parent().expect("a folder");
            for link in links(&text) {
                let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
                let at = format!("{name}: {}: `{link}`", page.strip_prefix(&out).expect("under out").display());
                let target = if path.is_empty() { page.clone() } else { normalize(&folder.join(path)) };
                if !target.is_file() {
                    broken.push(format!("{at}: no file at {}", target.display()));
                    continue;
                }
                if target == spec.canonicalize().expect("the spec") {
                    to_spec += 1;
                } else {
                    between_pages += 1;
                }
                if let Some(line) = fragment.strip_prefix('L').and_then(|n| n.parse::<usize>().ok()) {
                    let lines = *lines_of.entry(target.clone()).or_insert_with(|| std::fs::read_to_string(&target).expect("text").lines().count());
                    if !(1..=lines).contains(&line) {
                        broken.push(format!("{at}: line {line} of {lines}"));
                    }
                } else if !fragment.is_empty() && target.extension().is_some_and(|e| e == "md") {
                    let text = std::fs::read_to_string(&target).expect("a page");
                    if !text.lines().filter_map(|l| l.strip_prefix('#')).any(|h| slug(h.trim_start_matches('#')) == fragment) {
                        broken.push(format!("{at}: no heading `#{fragment}` in {}", target.display()));
                    }
                }
            }
        }
        // Every environment's pages link to the spec and to each other.
        assert!(to_spec > 100 && between_pages > 20, "{name}: only {to_spec} links to the spec and {between_pages} between pages");
    }
    assert!(broken.is_empty(), "{} broken link(s):\n{}", broken.len(), broken.join("\n"));
}

/// The relative link targets of a page: Markdown `](target)`, `href="target"` and Mermaid
/// `click ID href "target"`; addresses with a scheme are left out.
fn links(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (open, close) in [("](", ')'), ("href=\"", '"'), ("href \"", '"')] {
        for (at, _) in text.match_indices(open) {
            let rest = &text[at + open.len()..];
            let Some(end) = rest.find(close) else { continue };
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") && !target.is_empty() {
                out.push(target);
            }
        }
    }
    out
}

/// `path` with `.` and `..` taken out, without following links (a page's folder may not exist
/// under every spelling).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.canonicalize().unwrap_or(out)
}

/// The anchor a Markdown renderer gives a heading: lower case, spaces to `-`, punctuation other
/// than `-` and `_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}
