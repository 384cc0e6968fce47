//! `stratoform down FILE --env NAME [--local [--local-endpoint URL]] [--all] [--yes]`: destroys
//! the stacks of one environment in reverse dependency order. Of a stack that holds clusters, the
//! clusters go first (so no controller runs any more), then what their controllers created
//! outside Terraform, found by its tags (`sweep`), then the rest of the stack: nothing is left to
//! block the deletion of the subnets and the VPC. The environment stacks go; `--all` also removes the environment's long-lived
//! stack, and the account's stacks (account, bootstrap) when no other environment of the spec
//! shares the account. Locally, `--all` also stops the emulator `up` started; without it the
//! emulator keeps the long-lived resources for the next `up`.

use std::path::Path;
use std::time::{Duration, Instant};

use stratoform_model::StackKind;
use stratoform_terraform::runner::is_aws;

use super::sweep::{report, sweep, Aws};
use super::up::{prepare, Target};
use crate::exit::ExitStatus;

/// Runs `down`.
pub fn run(file: &Path, env: &str, target: Target, all: bool, color: bool) -> ExitStatus {
    let local = target.local;
    let Some((model, run)) = prepare(file, env, &target, color, "down") else { return ExitStatus::Failure };
    if local {
        // Production turns deletion protection on; release it before destroying.
        if let Err(e) = run.release_protection() {
            eprintln!("error: {e}");
            return ExitStatus::Failure;
        }
        for stack in model.stacks.iter().filter(|s| s.kind == StackKind::Environment) {
            if run.state_file(&stack.name).is_file() {
                println!("{}: releasing deletion protection", stack.name);
                if let Err(e) = run.init(&stack.name).and_then(|_| run.apply_release(&stack.name)) {
                    eprintln!("error: {e}");
                    return ExitStatus::Failure;
                }
            }
        }
    }
    let everything = all;
    let others: Vec<&str> = model.account_environments().into_iter().filter(|e| *e != env).collect();
    let shared = !local && !others.is_empty();
    if all && shared {
        println!("keeping the account's stacks (account, bootstrap): `{}` share the account", others.join("`, `"));
    }
    if let Some(role) = model.delegation_role().filter(|_| all && !shared) {
        println!(
            "note: accounts {} write NS records of their sub-zones into this account's zones (role `{}`): remove their environments (`down --all`) first, or Route 53 refuses to delete a zone that still holds their records",
            role.accounts.join(", "),
            role.name
        );
    }
    let stacks: Vec<_> = model
        .stacks
        .iter()
        .rev()
        .filter(|s| is_aws(s) && (everything || matches!(s.kind, StackKind::Environment | StackKind::Edge)) && !(shared && s.per_account()))
        .collect();
    let kept: Vec<&str> = model.stacks.iter().filter(|s| is_aws(s) && !stacks.iter().any(|x| x.name == s.name)).map(|s| s.name.as_str()).collect();
    // Before a stack that holds clusters goes, the sweep removes what their controllers created;
    // it needs the AWS CLI.
    let sweeps = stacks.iter().any(|s| s.kind == StackKind::Environment) && model.clusters().next().is_some();
    let aws = Aws::find(local.then_some(run.endpoint.as_str()));
    if sweeps && aws.is_none() {
        eprintln!("error: the AWS CLI (`aws`) is not on PATH; `down` uses it to remove what the clusters' controllers created outside Terraform before it destroys the network");
        eprintln!("help: install it (https://aws.amazon.com/cli/, or `bash scripts/setup.sh` in a stratoform checkout); nothing was destroyed");
        return ExitStatus::Failure;
    }
    println!("destroying {} stack(s) of `{env}` in order: {}", stacks.len(), stacks.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" -> "));
    let t0 = Instant::now();
    let mut failed = false;
    for (i, stack) in stacks.iter().enumerate() {
        // A stack that was never applied has no state: nothing to do.
        if local && !run.state_file(&stack.name).is_file() {
            println!("[{}/{}] {}: nothing applied", i + 1, stacks.len(), stack.name);
            continue;
        }
        if let Err(e) = run.init(&stack.name) {
            println!("[{}/{}] {}: failed", i + 1, stacks.len(), stack.name);
            eprintln!("error: {e}");
            failed = true;
            break;
        }
        if let (StackKind::Environment, Some(aws)) = (stack.kind, &aws)
            && let Err(e) = clusters_first(&model, &run, aws, stack, local)
        {
            eprintln!("error: {e}");
            eprintln!("`{}` and the stacks after it were not destroyed; run `stratoform down` again once it is fixed", stack.name);
            return ExitStatus::Failure;
        }
        match run.destroy(&stack.name) {
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
    if !kept.is_empty() {
        println!("kept {} (long-lived and account-level); `--all` removes them too", kept.join(", "));
    }
    if local && all && target.endpoint.is_none() {
        stop_emulator(&Path::new(".stratoform").join(&model.names.platform).join(env));
    }
    ExitStatus::Clean
}

/// Before an environment stack goes: its clusters first (with their node groups, add-ons and
/// everything else that depends on them), so that no controller runs any more and nothing is
/// created again, then what their controllers created outside Terraform, found by its tags.
fn clusters_first(model: &stratoform_model::Model, run: &stratoform_terraform::runner::LocalRun, aws: &Aws, stack: &stratoform_model::Stack, local: bool) -> Result<(), String> {
    let Some(region) = stack.region.as_deref() else { return Ok(()) };
    let clusters: Vec<_> = model.clusters().filter(|(r, _)| r.name.as_str() == region).collect();
    if clusters.is_empty() {
        return Ok(());
    }
    let targets: Vec<String> = clusters.iter().map(|(_, c)| stratoform_terraform::cluster_module_address(c)).collect();
    let took = run.destroy_targets(&stack.name, &targets).map_err(|e| e.to_string())?;
    println!("{}: {} cluster(s) destroyed first in {:.0}s, so no controller re-creates what goes next", stack.name, clusters.len(), took.as_secs_f64());
    println!("removing what the clusters' controllers created outside Terraform (found by their tags):");
    let patience = if local { Duration::from_secs(60) } else { Duration::from_secs(15 * 60) };
    let removed = sweep(model, aws, region, patience)?;
    report(&removed).iter().for_each(|l| println!("{l}"));
    Ok(())
}

/// Stops the emulator `up` started for this working copy, by its recorded process id.
fn stop_emulator(work: &Path) {
    if let Some(pid) = stratoform_terraform::local::stop_recorded(&work.join("emulator.pid")) {
        let _ = std::fs::remove_file(work.join("endpoint"));
        println!("stopped the local emulator (pid {pid})");
    }
}
