//! `stratoform-bench lifecycle [EXAMPLE] [ENV]`: the time of an environment's whole cycle on the
//! local emulator, run by the real `stratoform` binary built beside this one: `up` from nothing
//! (the emulator started), `drift`, `down` (the long-lived and account stacks kept), a second
//! `up` that re-uses them, and `down --all`. Default: aoscloud's `dev`. Prints a Markdown table
//! for BENCHMARKS.md with the machine's load before and after. Needs Terraform, the emulator and
//! the AWS CLI (`. .tools/env.sh`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::processes::load_average;

/// Runs the cycle from the repository root.
pub fn main(args: &[String]) {
    let example = args.get(2).map_or("aoscloud", String::as_str);
    let env = args.get(3).map_or("dev", String::as_str);
    let binary = std::env::current_exe().expect("the bench binary's path").with_file_name("stratoform");
    assert!(binary.is_file(), "{} is missing: `cargo build --release -p stratoform-cli` first", binary.display());
    let spec = std::env::current_dir().expect("a working directory").join("examples").join(example).join("platform.yaml");
    assert!(spec.is_file(), "{} is missing: run from the repository root", spec.display());
    let spec = spec.display().to_string();
    let scratch = std::env::temp_dir().join(format!("stratoform-bench-lifecycle-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    let before = load_average();
    let steps: [(&str, Vec<&str>); 6] = [
        ("render", vec!["render", &spec, "--out", "out"]),
        ("up, from nothing", vec!["up", &spec, "--env", env, "--out", "out", "--local", "--yes"]),
        ("drift", vec!["drift", &spec, "--env", env, "--local"]),
        ("down, keeping long-lived and account", vec!["down", &spec, "--env", env, "--local", "--yes"]),
        ("up, re-using them", vec!["up", &spec, "--env", env, "--out", "out", "--local", "--yes"]),
        ("down --all", vec!["down", &spec, "--env", env, "--local", "--yes", "--all"]),
    ];
    let mut rows = Vec::new();
    let mut cycle = 0.0;
    for (name, args) in &steps {
        let t0 = Instant::now();
        let out = Command::new(&binary).args(args).current_dir(&scratch).env("NO_COLOR", "1").output().expect("stratoform runs");
        let took = t0.elapsed().as_secs_f64();
        assert!(out.status.success(), "`stratoform {}` failed:\n{}{}", args.join(" "), String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        if *name != "render" {
            cycle += took;
        }
        rows.push(format!("| {name} | {took:.1} |"));
    }
    let after = load_average();
    stop_leftover(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    println!("`{example}` / `{env}` on the local emulator; load average {before} before, {after} after.\n");
    println!("| step | seconds |\n|---|---:|");
    for r in rows {
        println!("{r}");
    }
    println!("| **cycle** (up, drift, down, up, down --all) | **{cycle:.1}** |");
}

/// Stops an emulator a failed step left running (`.stratoform/<platform>/<env>/emulator.pid`).
fn stop_leftover(scratch: &Path) {
    let below = |dir: &Path| std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>();
    for platform in below(&scratch.join(".stratoform")) {
        for env in below(&platform) {
            stratoform_terraform::local::stop_recorded(&env.join("emulator.pid"));
        }
    }
}
