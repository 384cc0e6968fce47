//! `stratoform-bench`: load + validate, then resolve, for synthetic platforms of 1, 10 and 100
//! clusters with up to 10,000 workloads; prints a Markdown table for BENCHMARKS.md.
//!
//! usage: `cargo run -p stratoform-bench --release [-- --quick] [--only CLUSTERSxWORKLOADS]`

use std::time::Duration;

use stratoform_bench::measure::{median, ms};
use stratoform_bench::synthetic;
use stratoform_model::Model;

/// (clusters, workloads).
const CASES: &[(usize, usize)] = &[(1, 10), (1, 1_000), (10, 100), (10, 1_000), (10, 10_000), (100, 1_000), (100, 10_000)];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let (min_runs, min_time) = if quick { (1, Duration::ZERO) } else { (5, Duration::from_secs(2)) };
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
