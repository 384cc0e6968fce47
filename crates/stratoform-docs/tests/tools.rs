//! What only external tools can prove: every Mermaid block parses with mermaid's own parser,
//! and every SVG opens and renders in headless Chromium. With `STRATOFORM_REQUIRE_TOOLS=1` a
//! missing tool fails the test; otherwise the test skips and says why.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{docs, examples, mermaid_blocks, missing_tool};
use stratoform_output::OutputTree;

/// Every example's docs written under a temporary folder: (example, tree, folder).
fn written() -> (tempfile::TempDir, Vec<(PathBuf, OutputTree)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut out = Vec::new();
    for file in examples() {
        let name = file.parent().and_then(Path::file_name).expect("example dir").to_owned();
        let tree = docs(&file);
        for (path, text) in tree.iter() {
            let p = dir.path().join(&name).join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
        out.push((dir.path().join(&name), tree));
    }
    (dir, out)
}

fn mermaid_check() -> Option<PathBuf> {
    let script = std::env::var_os("STRATOFORM_MERMAID_CHECK")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/mermaid-check/mermaid-check.mjs"));
    let installed = script.parent().is_some_and(|d| d.join("node_modules/mermaid").is_dir());
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    (installed && node).then_some(script)
}

#[test]
fn mermaid_blocks_parse() {
    let Some(script) = mermaid_check() else { return missing_tool("node with tools/mermaid-check/node_modules") };
    let (_dir, trees) = written();
    let mut files = Vec::new();
    let mut expected = 0;
    for (root, tree) in &trees {
        expected += mermaid_blocks(tree).len();
        files.extend(tree.iter().filter(|(p, _)| p.ends_with(".md")).map(|(p, _)| root.join(p)));
    }
    let out = Command::new("node").arg(&script).args(&files).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "mermaid rejected a block:\n{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(summary.contains(&format!("blocks={expected} ok={expected} error=0")), "{summary}");
    assert!(expected >= 20, "only {expected} Mermaid blocks");
    eprintln!("mermaid: {summary}");
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
        .map(str::to_owned)
}

/// The width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}

fn chrome(bin: &str, profile: &Path, args: &[&str], file: &Path) -> std::process::Output {
    Command::new(bin)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(file)
        .output()
        .expect("chromium runs")
}

#[test]
fn svgs_render_in_headless_chromium() {
    let Some(bin) = chromium() else { return missing_tool("chromium") };
    let (dir, trees) = written();
    let svgs: Vec<PathBuf> = trees.iter().flat_map(|(root, t)| t.iter().filter(|(p, _)| p.ends_with(".svg")).map(|(p, _)| root.join(p)).collect::<Vec<_>>()).collect();
    assert!(svgs.len() >= 15, "only {} SVGs", svgs.len());
    // Two at a time: the machine has two cores.
    let chunks: Vec<Vec<PathBuf>> = svgs.chunks(svgs.len().div_ceil(2)).map(<[PathBuf]>::to_vec).collect();
    std::thread::scope(|s| {
        for (k, chunk) in chunks.iter().enumerate() {
            let (bin, dir) = (&bin, dir.path());
            s.spawn(move || {
                for (i, svg) in chunk.iter().enumerate() {
                    let profile = dir.join(format!("profile-{k}-{i}"));
                    // The DOM Chromium builds is the SVG itself, not an XML error page.
                    let dom = chrome(bin, &profile, &["--dump-dom"], svg);
                    let dom = String::from_utf8_lossy(&dom.stdout);
                    assert!(dom.trim_start().starts_with("<svg"), "{}: Chromium did not load it as SVG: {}", svg.display(), dom.chars().take(200).collect::<String>());
                    assert!(!dom.contains("parsererror"), "{}: XML error in Chromium", svg.display());
                    let png = dir.join(format!("shot-{k}-{i}.png"));
                    let shot = chrome(bin, &profile, &[&format!("--screenshot={}", png.display()), "--window-size=1200,800"], svg);
                    let bytes = std::fs::read(&png).unwrap_or_else(|_| panic!("{}: no screenshot: {}", svg.display(), String::from_utf8_lossy(&shot.stderr)));
                    assert_eq!(png_size(&bytes), Some((1200, 800)), "{}", svg.display());
                    assert!(bytes.len() > 4000, "{}: screenshot looks blank ({} bytes)", svg.display(), bytes.len());
                }
            });
        }
    });
    eprintln!("chromium rendered {} SVGs", svgs.len());
}
