//! `stratoform-bench process`: the tables of whole `stratoform` runs for BENCHMARKS.md.
//!
//! - Every example: `validate`; `render` into a new directory; `render` again into a directory
//!   that is up to date (the edit-and-re-render loop), by default and with `--durable`;
//!   `render --check`; `check --rendered`. Peak RSS is the highest of any of these runs.
//! - Synthetic specs (see [`crate::synthetic`]): `render --allow-findings` into a new directory
//!   and again into the same one, with peak RSS against the spec's size.
//! - `--compare`: the CDK EKS Blueprints peer (`node app.js`, 1 cluster, 1 node group, 5 add-ons)
//!   against `stratoform render` of the same platform (`specs/peer.yaml`), and checkov against
//!   `stratoform check` on the largest example's rendered Terraform, in the same run, as ratios.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::measure::ms;
use crate::process::{self, mib, median, Sample, Scratch};
use crate::render::examples;
use crate::synthetic;

/// Synthetic cases (clusters, workloads): the corners, and series that show how the cost
/// grows with workloads (at 100 clusters) and with clusters (one workload each).
pub const CASES: &[(usize, usize)] = &[
    (1, 10),
    (10, 1_000),
    (100, 1_000),
    (100, 10_000),
    (100, 100),
    (250, 250),
    (500, 500),
    (1_000, 1_000),
];

/// Runs the whole suite; `args` are the bench binary's arguments.
pub fn main(args: &[String], quick: bool) {
    let (min_runs, min_time) = if quick { (1, Duration::ZERO) } else { (5, Duration::from_secs(2)) };
    let compare = args.iter().any(|a| a == "--compare");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let binary = args
        .iter()
        .position(|a| a == "--binary")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_exe().expect("the bench binary's path").with_file_name("stratoform"));
    assert!(binary.is_file(), "{} is missing: `cargo build --release -p stratoform-cli` first (or pass --binary PATH)", binary.display());
    let root = std::env::current_dir().expect("a working directory");
    let mut scratch = Scratch::new(std::env::temp_dir().join(format!("stratoform-bench-process-{}", std::process::id())));
    println!("load average before: {}", load_average());
    if only.is_none() {
        examples_table(&binary, &root, &mut scratch, min_runs, min_time);
    }
    synthetic_table(&binary, &mut scratch, only.as_deref(), min_runs, min_time);
    if compare {
        compare_peer(&binary, &root, &mut scratch, min_runs, min_time);
        compare_checkov(&binary, &root, &mut scratch, min_runs.min(3));
    }
    println!("\nload average after: {}", load_average());
}

/// `/proc/loadavg`'s three averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

fn expect_code(what: &str, sample: Sample, code: i32) -> Sample {
    assert_eq!(sample.code, code, "{what} exited {} (expected {code})", sample.code);
    sample
}

fn examples_table(binary: &Path, root: &Path, scratch: &mut Scratch, min_runs: usize, min_time: Duration) {
    let examples = examples(root);
    assert!(!examples.is_empty(), "no examples under {}/examples: run from the repository root", root.display());
    println!("\n| example | spec KiB | files | validate | render, new DIR | same, `--durable` | render, DIR up to date | same, `--durable` | `render --check` | `check --rendered` | peak RSS (MiB) | runs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, spec) in &examples {
        let spec_kib = std::fs::metadata(spec).map(|m| m.len() / 1024).unwrap_or(0);
        let validate = expect_code("validate", median(min_runs, min_time, || process::command(binary, "validate", spec, &[])), 0);
        let fresh = expect_code("render", median(min_runs, min_time, || process::render(binary, spec, &scratch.fresh(name), &[])), 0);
        let fresh_durable = expect_code("render --durable", median(min_runs, min_time, || process::render(binary, spec, &scratch.fresh(name), &["--durable"])), 0);
        let out = scratch.file(&format!("{name}-current"));
        expect_code("render", median(1, Duration::ZERO, || process::render(binary, spec, &out, &[])), 0);
        let again = expect_code("render again", median(min_runs, min_time, || process::render(binary, spec, &out, &[])), 0);
        let durable = expect_code("render --durable", median(min_runs, min_time, || process::render(binary, spec, &out, &["--durable"])), 0);
        let check = expect_code("render --check", median(min_runs, min_time, || process::render(binary, spec, &out, &["--check"])), 0);
        let out_arg = out.to_string_lossy().into_owned();
        let review = expect_code("check", median(min_runs, min_time, || process::command(binary, "check", spec, &["--rendered", &out_arg])), 0);
        let (files, _) = process::tree_size(&out);
        let rss = [validate, fresh, fresh_durable, again, durable, check, review].iter().map(|s| s.max_rss_kib).max().unwrap_or(0);
        println!(
            "| {name} | {spec_kib} | {files} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            ms(validate.wall),
            ms(fresh.wall),
            ms(fresh_durable.wall),
            ms(again.wall),
            ms(durable.wall),
            ms(check.wall),
            ms(review.wall),
            mib(rss),
            fresh.runs
        );
        scratch.clear();
    }
}

fn synthetic_table(binary: &Path, scratch: &mut Scratch, only: Option<&str>, min_runs: usize, min_time: Duration) {
    println!("\n| clusters | workloads | spec KiB | files | MiB written | render, new DIR | render, DIR up to date | peak RSS (MiB) | RSS ÷ spec size | runs |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &(clusters, workloads) in CASES {
        if only.is_some_and(|o| o != format!("{clusters}x{workloads}")) {
            continue;
        }
        let spec = scratch.file(&format!("synthetic-{clusters}x{workloads}.yaml"));
        let text = synthetic::spec(clusters, workloads);
        std::fs::write(&spec, &text).unwrap_or_else(|e| panic!("cannot write {}: {e}", spec.display()));
        let findings = ["--allow-findings"];
        let name = format!("{clusters}x{workloads}");
        let fresh = expect_code("render", median(min_runs, min_time, || process::render(binary, &spec, &scratch.fresh(&name), &findings)), 0);
        let out = scratch.file(&format!("{name}-current"));
        expect_code("render", median(1, Duration::ZERO, || process::render(binary, &spec, &out, &findings)), 0);
        let again = expect_code("render again", median(min_runs, min_time, || process::render(binary, &spec, &out, &findings)), 0);
        let (files, bytes) = process::tree_size(&out);
        let rss = fresh.max_rss_kib.max(again.max_rss_kib);
        let spec_kib = text.len() as f64 / 1024.0;
        println!(
            "| {clusters} | {workloads} | {:.0} | {files} | {:.1} | {} | {} | {} | {:.1} | {} |",
            spec_kib,
            bytes as f64 / 1048576.0,
            ms(fresh.wall),
            ms(again.wall),
            mib(rss),
            rss as f64 / spec_kib,
            fresh.runs
        );
        scratch.clear();
    }
}

/// Where `scripts/peer.sh` installs the peer, unless `STRATOFORM_PEER_DIR` says otherwise.
fn peer_dir(root: &Path) -> PathBuf {
    std::env::var_os("STRATOFORM_PEER_DIR").map_or_else(|| root.join(".tools/peers/cdk-eks-blueprints"), PathBuf::from)
}

fn compare_peer(binary: &Path, root: &Path, scratch: &mut Scratch, min_runs: usize, min_time: Duration) {
    let dir = peer_dir(root);
    assert!(dir.join("app.js").is_file(), "no peer at {}: run `bash scripts/peer.sh` first", dir.display());
    let spec = root.join("crates/stratoform-bench/specs/peer.yaml");
    let runs = min_runs.max(3);
    let peer = expect_code(
        "the peer",
        median(runs, min_time, || {
            let out = scratch.fresh("cdk.out");
            process::run(Command::new("node").arg("app.js").current_dir(&dir).env("CDK_OUTDIR", &out))
        }),
        0,
    );
    let ours = expect_code("render", median(runs, min_time, || process::render(binary, &spec, &scratch.fresh("peer"), &[])), 0);
    println!("\n| tool | the same platform (1 cluster, 1 node group, 5 add-ons) | median (ms) | peak RSS (MiB) | runs |");
    println!("|---|---|---:|---:|---:|");
    println!("| CDK EKS Blueprints 1.19.0 | `node app.js` (synth) | {} | {} | {} |", ms(peer.wall), mib(peer.max_rss_kib), peer.runs);
    println!("| stratoform | `render specs/peer.yaml --out DIR` (new DIR) | {} | {} | {} |", ms(ours.wall), mib(ours.max_rss_kib), ours.runs);
    println!("\nstratoform is {:.0}x faster than the peer on the same machine, in the same run.", peer.wall.as_secs_f64() / ours.wall.as_secs_f64());
    scratch.clear();
}

/// The checkov of `scripts/setup.sh`, or `STRATOFORM_CHECKOV`.
fn checkov(root: &Path) -> PathBuf {
    std::env::var_os("STRATOFORM_CHECKOV").map_or_else(|| root.join(".tools/venv-checkov/bin/checkov"), PathBuf::from)
}

fn compare_checkov(binary: &Path, root: &Path, scratch: &mut Scratch, runs: usize) {
    let examples = examples(root);
    // The largest example by spec size.
    let Some((name, spec)) = examples.iter().max_by_key(|(_, spec)| std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0)) else { return };
    let checkov = checkov(root);
    assert!(checkov.is_file(), "no checkov at {}: run `bash scripts/setup.sh` first", checkov.display());
    let out = scratch.file(&format!("{name}-checkov"));
    expect_code("render", median(1, Duration::ZERO, || process::render(binary, spec, &out, &[])), 0);
    let terraform = out.join("terraform");
    let theirs = median(runs, Duration::ZERO, || {
        process::run(Command::new(&checkov).arg("-d").arg(&terraform).args(["--framework", "terraform", "--skip-download", "--quiet", "--compact"]))
    });
    let out_arg = out.to_string_lossy().into_owned();
    let ours = expect_code("check", median(5, Duration::from_secs(2), || process::command(binary, "check", spec, &["--rendered", &out_arg])), 0);
    println!("\n| tool | {name}'s rendered Terraform | median (ms) | peak RSS (MiB) | runs |");
    println!("|---|---|---:|---:|---:|");
    println!("| checkov | `checkov -d DIR/terraform --framework terraform` (exit {}) | {} | {} | {} |", theirs.code, ms(theirs.wall), mib(theirs.max_rss_kib), theirs.runs);
    println!("| stratoform | `check SPEC --rendered DIR` | {} | {} | {} |", ms(ours.wall), mib(ours.max_rss_kib), ours.runs);
    println!("\n`stratoform check` is {:.0}x faster than checkov on the same tree, in the same run.", theirs.wall.as_secs_f64() / ours.wall.as_secs_f64());
    scratch.clear();
}
