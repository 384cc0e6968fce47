//! `stratoform down FILE --env NAME [--local [--local-endpoint URL]] [--all] [--yes]`: destroys
//! the stacks of one environment in reverse dependency order. Locally everything goes (and the
//! emulator `up` started is stopped); against a real account the environment stacks go, and
//! `--all` also removes the environment's long-lived stack, and the account's stacks (account,
//! bootstrap) when no other environment of the spec shares the account.

use std::path::Path;
use std::time::Instant;

use stratoform_model::StackKind;
use stratoform_terraform::runner::is_aws;

use super::up::{prepare, Target};
use crate::exit::ExitStatus;

/// Runs `down`.
pub fn run(file: &Path, env: &str, target: Target, all: bool, color: bool) -> ExitStatus {
    let local = target.local;
    let Some((model, run)) = prepare(file, env, &target, color, "down") else { return ExitStatus::Failure };
    if let Err(e) = run.prepare(&model.stacks, true) {
        eprintln!("error: {e}");
        return ExitStatus::Failure;
    }
    if local {
        // Production turns deletion protection on; release it before destroying.
        if let Err(e) = run.release_protection() {
            eprintln!("error: {e}");
            return ExitStatus::Failure;
        }
        for stack in model.stacks.iter().filter(|s| s.kind == StackKind::Environment) {
            if run.state_file(&stack.name).is_file() {
                println!("{}: releasing deletion protection", stack.name);
                if let Err(e) = run.init(&stack.name).and_then(|_| run.apply(&stack.name)) {
                    eprintln!("error: {e}");
                    return ExitStatus::Failure;
                }
            }
        }
    }
    let everything = local || all;
    let others: Vec<&str> = model.account_environments().into_iter().filter(|e| *e != env).collect();
    let shared = !local && !others.is_empty();
    if all && shared {
        println!("keeping the account's stacks (account, bootstrap): `{}` share the account", others.join("`, `"));
    }
    let stacks: Vec<_> = model
        .stacks
        .iter()
        .rev()
        .filter(|s| is_aws(s) && (everything || matches!(s.kind, StackKind::Environment | StackKind::Edge)) && !(shared && s.per_account()))
        .collect();
    println!("destroying {} stack(s) of `{env}` in order: {}", stacks.len(), stacks.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" -> "));
    let t0 = Instant::now();
    let mut failed = false;
    for (i, stack) in stacks.iter().enumerate() {
        // A stack that was never applied has no state: nothing to do.
        if local && !run.state_file(&stack.name).is_file() {
            println!("[{}/{}] {}: nothing applied", i + 1, stacks.len(), stack.name);
            continue;
        }
        let step = run.init(&stack.name).and_then(|_| run.destroy(&stack.name));
        match step {
            Ok(took) => println!("[{}/{}] {}: destroyed in {:.0}s", i + 1, stacks.len(), stack.name, took.as_secs_f64()),
            Err(e) => {
                println!("[{}/{}] {}: failed", i + 1, stacks.len(), stack.name);
                eprintln!("error: {e}");
                failed = true;
                break;
            }
        }
    }
    if failed {
        eprintln!("state is kept in {}; fix the cause and run `stratoform down` again", run.state_dir.display());
        return ExitStatus::Failure;
    }
    println!("`{env}` is down ({:.0}s)", t0.elapsed().as_secs_f64());
    if local && target.endpoint.is_none() {
        stop_emulator(&Path::new(".stratoform").join(&model.names.platform).join(env));
    }
    ExitStatus::Clean
}

/// Stops the emulator `up` started for this working copy, by its recorded process id.
fn stop_emulator(work: &Path) {
    let Ok(pid) = std::fs::read_to_string(work.join("emulator.pid")) else { return };
    let pid = pid.trim();
    if pid.chars().all(|c| c.is_ascii_digit()) && !pid.is_empty() {
        let _ = std::process::Command::new("kill").arg(pid).status();
        let _ = std::fs::remove_file(work.join("emulator.pid"));
        let _ = std::fs::remove_file(work.join("endpoint"));
        println!("stopped the local emulator (pid {pid})");
    }
}
