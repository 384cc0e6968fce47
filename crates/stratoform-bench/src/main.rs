//! `stratoform-bench`: load + validate, then resolve, for synthetic platforms of 1, 10 and 100
//! clusters with up to 10,000 workloads; with `render`, every example rendered end to end (file in,
//! every layer written out). Prints Markdown tables for BENCHMARKS.md.
//!
//! usage: `cargo run -p stratoform-bench --release [-- --quick] [--only CLUSTERSxWORKLOADS]`
//!        `cargo run -p stratoform-bench --release -- render [--quick]` (from the repository root)
//!        `cargo run -p stratoform-bench --release -- verify [--quick]` (the proof over each
//!        example's checked-in `rendered/` tree)
//!        `cargo run -p stratoform-bench --release -- graph [--quick]` (each example environment's
//!        dependency graph: units, edges, waves, and how long it takes to build)
//!        `cargo run -p stratoform-bench --release -- process [--quick] [--compare] [--only CxW]`
//!        (the real `stratoform` binary, built beside this one, run end to end to disk: each
//!        example and synthetic specs, with peak memory; `--compare` also times the CDK EKS
//!        Blueprints peer and checkov in the same run)
//!        `cargo run -p stratoform-bench --release -- spec CLUSTERS WORKLOADS` (print a synthetic spec)
//!        `cargo run -p stratoform-bench --release -- lifecycle [EXAMPLE] [ENV]` (up, drift, down,
//!        up, down --all of one environment on the local emulator, timed)

use std::time::Duration;

use stratoform_bench::measure::{median, ms};
use stratoform_bench::{processes, render, synthetic, verify};
use stratoform_model::Model;

/// (clusters, workloads).
const CASES: &[(usize, usize)] = &[(1, 10), (1, 1_000), (10, 100), (10, 1_000), (10, 10_000), (100, 1_000), (100, 10_000)];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let (min_runs, min_time) = if quick { (1, Duration::ZERO) } else { (5, Duration::from_secs(2)) };
    if args.get(1).map(String::as_str) == Some("render") {
        render_examples(min_runs, min_time);
        return;
    }
    if args.get(1).map(String::as_str) == Some("process") {
        processes::main(&args, quick);
        return;
    }
    if args.get(1).map(String::as_str) == Some("spec") {
        let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok()).expect("usage: spec CLUSTERS WORKLOADS");
        print!("{}", synthetic::spec(number(2), number(3)));
        return;
    }
    if args.get(1).map(String::as_str) == Some("lifecycle") {
        stratoform_bench::lifecycle::main(&args);
        return;
    }
    if args.get(1).map(String::as_str) == Some("verify") {
        verify_examples(min_runs, min_time);
        return;
    }
    if args.get(1).map(String::as_str) == Some("graph") {
        graph_examples(min_runs, min_time);
        return;
    }
    println!("| clusters | workloads | spec lines | spec KiB | load + validate (ms) | resolve, 2 envs (ms) | total (ms) | runs |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &(clusters, workloads) in CASES {
        if only.as_ref().is_some_and(|o| *o != format!("{clusters}x{workloads}")) {
            continue;
        }
        let text = synthetic::spec(clusters, workloads);
        let loaded = stratoform_loader::load_str("synthetic.yaml", &text);
        assert!(loaded.diagnostics.is_empty(), "the synthetic spec is invalid: {:?}", loaded.diagnostics.first());
        let (load, runs) = median(min_runs, min_time, || stratoform_loader::load_str("synthetic.yaml", &text));
        let (resolve, _) = median(min_runs, min_time, || Model::resolve_all(&loaded, None).expect("a valid spec resolves"));
        println!(
            "| {clusters} | {workloads} | {} | {} | {} | {} | {} | {runs} |",
            text.lines().count(),
            text.len() / 1024,
            ms(load),
            ms(resolve),
            ms(load + resolve)
        );
    }
}

/// Every example under `examples/`, rendered end to end.
fn render_examples(min_runs: usize, min_time: Duration) {
    let root = std::env::current_dir().expect("a working directory");
    let examples = render::examples(&root);
    assert!(!examples.is_empty(), "no examples under {}/examples: run from the repository root", root.display());
    let scratch = std::env::temp_dir().join(format!("stratoform-bench-{}", std::process::id()));
    println!("{}", render::HEADER);
    for (name, spec) in &examples {
        println!("{}", render::measure(name, spec, &scratch, min_runs, min_time).markdown());
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

/// The dependency graph of every example environment: size and build time.
fn graph_examples(min_runs: usize, min_time: Duration) {
    let root = std::env::current_dir().expect("a working directory");
    let examples = render::examples(&root);
    assert!(!examples.is_empty(), "no examples under {}/examples: run from the repository root", root.display());
    println!("{}", stratoform_bench::graph::HEADER);
    for (name, spec) in &examples {
        stratoform_bench::graph::rows(name, spec, min_runs, min_time).iter().for_each(|r| println!("{r}"));
    }
}

/// `stratoform verify` over every example's checked-in rendered tree.
fn verify_examples(min_runs: usize, min_time: Duration) {
    let root = std::env::current_dir().expect("a working directory");
    let examples = render::examples(&root);
    assert!(!examples.is_empty(), "no examples under {}/examples: run from the repository root", root.display());
    println!("{}", verify::HEADER);
    for (name, spec) in &examples {
        let dir = spec.with_file_name("rendered");
        println!("{}", verify::measure(name, spec, &dir, min_runs, min_time));
    }
}
