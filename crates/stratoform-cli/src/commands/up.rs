//! `stratoform up FILE --env NAME --out DIR [--local [--local-endpoint URL]] [--yes]`: renders
//! the Terraform of one environment into a working copy and applies its stacks in dependency
//! order, with progress. `--local` runs against the local AWS emulator (started on a free
//! loopback port unless `--local-endpoint` names one); without it, a real account, after
//! confirmation. A failed apply keeps its state: `down` cleans up and `up` again finishes.
//!
//! DIR is the rendered repository Argo CD reads. Some Kubernetes files hold values that exist
//! only after the apply (VPC and file system IDs, certificate and key ARNs): the repository holds
//! their `templatefile()` templates, each environment stack renders them in its output
//! `kubernetes_files`, and `up` writes those files next to their templates in DIR, then says
//! which; committing and pushing DIR hands them to Argo CD. Then the cluster step (`bootstrap`):
//! on a real account, with `aws`, `helm` and `kubectl` and DIR pushed, Argo CD and the root
//! Application are installed and `up` waits for every wave; otherwise it prints the commands.
//! Once Argo CD has synced, `up --edge` applies the edge stack: DNS records of the load balancers
//! the clusters' controllers created.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use stratoform_model::{Model, StackKind};
use stratoform_terraform::runner::{is_aws, LocalRun};

use crate::exit::ExitStatus;
use super::spec::load_models;

/// How `up` and `down` reach AWS.
pub struct Target<'a> {
    /// Against the local emulator.
    pub local: bool,
    /// An emulator that is already running.
    pub endpoint: Option<&'a str>,
    /// Skip the confirmation (real accounts only).
    pub yes: bool,
    /// The command only reads (`drift`): no confirmation.
    pub read_only: bool,
}

/// Runs `up`; with `edge`, only the edge stack (after Argo CD has synced the clusters).
pub fn run(file: &Path, env: &str, repo: &Path, target: Target, edge: bool, color: bool) -> ExitStatus {
    let Some((model, run)) = prepare(file, env, &target, color, "up") else { return ExitStatus::Failure };
    if edge && !model.stacks.iter().any(|s| s.kind == StackKind::Edge) {
        println!("`{env}` has no records of load balancers created in its clusters: no edge stack to apply");
        return ExitStatus::Clean;
    }
    // Before anything changes: the repository holds the templates the stacks will render.
    let missing: Vec<String> =
        if edge { Vec::new() } else { after_apply_files(&model).iter().map(|f| f.template()).filter(|t| !repo.join(t).is_file()).collect() };
    if let Some(first) = missing.first() {
        eprintln!("error: `{}` lacks {} template(s) of `{env}`, such as `{first}`", repo.display(), missing.len());
        eprintln!("help: `--out` names the rendered repository; run `stratoform render {} --out {}` first", file.display(), repo.display());
        return ExitStatus::Failure;
    }
    // The edge stack looks up load balancers that exist only once Argo CD has synced the
    // clusters' Gateways and ingress controllers: it is applied by `up --edge`, afterwards.
    let stacks: Vec<_> = model.stacks.iter().filter(|s| is_aws(s) && (s.kind == StackKind::Edge) == edge).collect();
    // A sub-zone delegated from another account's zone: that account's stack lends the role.
    for f in model.foreign_parents().iter().filter(|_| !edge) {
        println!(
            "note: the `account` stack writes the NS record of `{}` into `{}` through role `{}` of account {}: that account's `account` stack is applied first (`stratoform up` of one of its environments)",
            f.zone, f.parent, f.role, f.account
        );
    }
    println!("applying {} stack(s) of `{env}` in order: {}", stacks.len(), stacks.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" -> "));
    let t0 = Instant::now();
    for (i, stack) in stacks.iter().enumerate() {
        print!("[{}/{}] {}: init", i + 1, stacks.len(), stack.name);
        let _ = std::io::stdout().flush();
        let step = run.init(&stack.name).and_then(|_| {
            print!(", apply");
            let _ = std::io::stdout().flush();
            run.apply(&stack.name)
        });
        match step {
            Ok(took) => println!(" done in {}", secs(took)),
            Err(e) => {
                println!(" failed");
                eprintln!("error: {e}");
                eprintln!(
                    "the state of what was created is kept in {}; run `stratoform up` again to finish, or `stratoform down` to remove it",
                    run.state_dir.display()
                );
                return ExitStatus::Failure;
            }
        }
    }
    // The baseline of `stratoform drift`: what the apply left, as the objects are now.
    print!("recording the live state of {} stack(s) for `stratoform drift`", stacks.len());
    let _ = std::io::stdout().flush();
    let t1 = Instant::now();
    for stack in &stacks {
        if let Err(e) = run.record_live(&stack.name) {
            println!(" failed");
            eprintln!("error: {e}");
            eprintln!("everything was applied; `stratoform drift` may list changes the apply itself made until `stratoform up` runs again");
            return ExitStatus::Failure;
        }
    }
    println!(": done in {}", secs(t1.elapsed()));
    println!("`{env}` is up: {} stack(s) in {}", stacks.len(), secs(t0.elapsed()));
    let mut written = Vec::new();
    for stack in stacks.iter().filter(|s| s.kind == StackKind::Environment) {
        let step = run.output_json(&stack.name, "kubernetes_files").map_err(|e| e.to_string()).and_then(|files| write_files(repo, &files));
        match step {
            Ok(paths) => written.extend(paths),
            Err(e) => {
                eprintln!("error: cannot write the Kubernetes files of stack `{}`: {e}", stack.name);
                return ExitStatus::Failure;
            }
        }
    }
    if !written.is_empty() {
        println!("wrote {} file(s) into {} from the stacks' `kubernetes_files` outputs:", written.len(), repo.display());
        for path in &written {
            println!("  {path}");
        }
        println!("next: commit and push them with the rest of {}; Argo CD reads them from the repository", repo.display());
    }
    if !edge && !cluster_step(&model, repo, &target) {
        return ExitStatus::Failure;
    }
    if let Some(e) = model.stacks.iter().find(|s| s.kind == StackKind::Edge).filter(|_| !edge) {
        println!(
            "next: once Argo CD has synced the clusters' Gateways and ingress controllers, `stratoform up {} --env {env} --out {} --edge` applies `{}`: the DNS records of the load balancers they created",
            file.display(),
            repo.display(),
            e.name
        );
    }
    if let Some(cf) = model.stacks.iter().find(|s| s.kind == StackKind::External) {
        println!("note: `{}` uses the Cloudflare provider and is not applied by `up`; apply it from {}", cf.name, run.root.join("stacks").join(&cf.name).display());
    }
    ExitStatus::Clean
}

/// The cluster step: run on a real account when the tools are there and the repository is
/// pushed; printed otherwise. False when it ran and failed.
fn cluster_step(model: &Model, repo: &Path, target: &Target) -> bool {
    let steps = super::bootstrap::steps(model, repo);
    if target.local {
        super::bootstrap::print_next(&steps, "next: the cluster step (the local emulator runs no Kubernetes; on a real account `up` runs it once the repository is pushed):");
        return true;
    }
    let missing: Vec<&str> = ["aws", "helm", "kubectl"].into_iter().filter(|t| find(t).is_none()).collect();
    if !missing.is_empty() {
        super::bootstrap::print_next(&steps, &format!("next: the cluster step (`{}` not on PATH: run it where they are):", missing.join("`, `")));
        return true;
    }
    if let Err(why) = pushed(repo) {
        super::bootstrap::print_next(
            &steps,
            &format!("next: the cluster step, once the tree is in Git ({why}; Argo CD reads it from there): commit and push, then run this `stratoform up` again (Terraform finds nothing to change) or run:"),
        );
        return true;
    }
    for (label, step) in &steps {
        if let Ok(b) = step
            && let Err(e) = super::bootstrap::run_step(label, b, Duration::from_secs(30 * 60))
        {
            eprintln!("error: {e}");
            return false;
        }
    }
    true
}

/// Whether everything under the repository's `kubernetes/` folder is committed and pushed.
fn pushed(repo: &Path) -> Result<(), String> {
    let git = |args: &[&str]| {
        std::process::Command::new("git").arg("-C").arg(repo).args(args).stdin(Stdio::null()).output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let dirty = git(&["status", "--porcelain", "--", stratoform_model::after_apply::KUBERNETES_DIR]).ok_or_else(|| format!("{} is not a Git checkout", repo.display()))?;
    if !dirty.trim().is_empty() {
        return Err(format!("{} has changes that are not committed", repo.display()));
    }
    let ahead = git(&["rev-list", "--count", "@{upstream}..HEAD"]).ok_or_else(|| format!("the branch of {} has no upstream", repo.display()))?;
    if ahead.trim() != "0" {
        return Err(format!("{} has commits that are not pushed", repo.display()));
    }
    Ok(())
}

/// The files of the environment's clusters that only the apply can write.
fn after_apply_files(model: &Model) -> Vec<stratoform_model::KubernetesFile> {
    let dirs = stratoform_model::after_apply::cluster_dirs(std::slice::from_ref(model));
    model
        .clusters()
        .flat_map(|(r, c)| {
            let dir = &dirs[&(r.name.to_string(), c.name.to_string())];
            model.kubernetes_files(r, c, dir)
        })
        .collect()
}

/// Writes a `kubernetes_files` output (path in the rendered tree => content) under `repo`, and
/// returns the paths written. A path must stay inside the repository's `kubernetes/` folder.
pub fn write_files(repo: &Path, files: &serde_json::Value) -> Result<Vec<String>, String> {
    let files = files.as_object().ok_or("the output is not a map of paths to contents")?;
    let mut written = Vec::new();
    for (path, content) in files {
        let content = content.as_str().ok_or_else(|| format!("`{path}` has no text"))?;
        let rel = Path::new(path);
        let inside = rel.starts_with(stratoform_model::after_apply::KUBERNETES_DIR)
            && rel.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(format!("`{path}` is not a path inside `kubernetes/`"));
        }
        let target = repo.join(rel);
        std::fs::create_dir_all(target.parent().unwrap_or(repo))
            .and_then(|_| std::fs::write(&target, content))
            .map_err(|e| format!("`{}`: {e}", target.display()))?;
        written.push(path.clone());
    }
    Ok(written)
}

fn secs(d: Duration) -> String {
    format!("{:.0}s", d.as_secs_f64())
}

/// Loads the spec, checks the tools, confirms a real-account run, renders the working copy, finds
/// or starts the emulator and writes the runner's overrides.
pub fn prepare(file: &Path, env: &str, target: &Target, color: bool, verb: &str) -> Option<(Model, LocalRun)> {
    let model = load_models(file, Some(env), color, "nothing was applied").ok()?.1.remove(0);
    let Some(terraform) = find("terraform") else {
        eprintln!("error: `terraform` is not on PATH");
        eprintln!("help: install Terraform 1.6 or later (https://developer.hashicorp.com/terraform/install), or run `bash scripts/setup.sh` in a stratoform checkout");
        return None;
    };
    if !target.local && !target.read_only && !confirm(&model, verb, target.yes) {
        return None;
    }
    let work = Path::new(".stratoform").join(&model.names.platform).join(env);
    let root = work.join("terraform");
    // The Kubernetes layer too: the environment stacks render its templates from `../../../kubernetes`.
    let layers = [
        (root.clone(), stratoform_terraform::render(std::slice::from_ref(&model)).map_err(|e| format!("cannot render Terraform: {e}"))),
        (work.join("kubernetes"), stratoform_kubernetes::render(std::slice::from_ref(&model)).map_err(|e| format!("cannot render the Kubernetes layer: {e}"))),
    ];
    for (dir, tree) in layers {
        let tree = match tree {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return None;
            }
        };
        for (path, contents) in tree.iter() {
            let p = dir.join(path);
            if let Err(e) = std::fs::create_dir_all(p.parent().unwrap_or(&dir)).and_then(|_| std::fs::write(&p, contents)) {
                eprintln!("error: cannot write `{}`: {e}", p.display());
                return None;
            }
        }
    }
    let endpoint = if target.local {
        match emulator(&work, target.endpoint) {
            Ok(e) => e,
            Err(msg) => {
                eprintln!("error: {msg}");
                return None;
            }
        }
    } else {
        String::new()
    };
    let mut envs = Vec::new();
    let cache = work.join("plugin-cache");
    let _ = std::fs::create_dir_all(&cache);
    envs.push(("TF_PLUGIN_CACHE_DIR".to_owned(), absolute(&cache).display().to_string()));
    let run = LocalRun {
        root: absolute(&root),
        env: env.to_owned(),
        endpoint,
        state_dir: absolute(&work.join("state")),
        terraform,
        envs,
        local: target.local,
        stacks: model.stacks.clone(),
        workspaces: model.stack_workspaces(),
        step_limit: None,
    };
    if let Err(e) = run.prepare(&model.stacks, true) {
        eprintln!("error: {e}");
        return None;
    }
    Some((model, run))
}

fn absolute(p: &Path) -> PathBuf {
    std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
}

/// A program on PATH.
pub fn find(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// A program from the tools `scripts/setup.sh` installs (`.tools/venv/bin`), else from PATH.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    Some(Path::new(".tools/venv/bin").join(name)).filter(|p| p.is_file()).or_else(|| find(name))
}

/// Asks before touching a real account: type the environment's name (twice for production).
fn confirm(model: &Model, verb: &str, yes: bool) -> bool {
    let account = model.names.account.clone().unwrap_or_else(|| "the account of your credentials".into());
    if yes {
        eprintln!("`{verb}` runs against AWS account {account} (confirmed with --yes)");
        return true;
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("error: `stratoform {verb}` without `--local` changes AWS account {account}; confirm with `--yes` (no terminal to ask on)");
        return false;
    }
    let rounds = if model.is_production() { 2 } else { 1 };
    for round in 0..rounds {
        eprint!(
            "`stratoform {verb}` changes AWS account {account}{}. Type the environment name `{}` to continue: ",
            if round == 1 { " (production, asking twice)" } else { "" },
            model.env_name()
        );
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_err() || line.trim() != model.env_name() {
            eprintln!("not confirmed; nothing was changed");
            return false;
        }
    }
    true
}

/// The emulator's endpoint: the one named, the one this working copy started before (if it
/// still answers), or a new one on a free loopback port.
fn emulator(work: &Path, named: Option<&str>) -> Result<String, String> {
    let file = work.join("endpoint");
    if let Some(url) = named {
        if !answers(url) {
            return Err(format!("nothing answers at `{url}`; start the emulator or drop --local-endpoint to have one started"));
        }
        let _ = std::fs::write(&file, url);
        return Ok(url.to_owned());
    }
    if let Ok(url) = std::fs::read_to_string(&file) {
        let url = url.trim().to_owned();
        if answers(&url) {
            eprintln!("using the local emulator at {url}");
            return Ok(url);
        }
    }
    let bin = find_tool("moto_server")
        .ok_or("`moto_server` is not installed; `pip install 'moto[server]'` (or `bash scripts/setup.sh`), or pass --local-endpoint URL")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| format!("no free port: {e}"))?.port();
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    let log = std::fs::File::create(work.join("emulator.log")).map_err(|e| e.to_string())?;
    let child = stratoform_terraform::local::emulator_command(&bin, port)
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", bin.display()))?;
    let url = format!("http://127.0.0.1:{port}");
    let t0 = Instant::now();
    while !answers(&url) {
        if t0.elapsed() > Duration::from_secs(60) {
            return Err(format!("the emulator did not answer on {url} within 60 s; see {}", work.join("emulator.log").display()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = std::fs::write(&file, &url);
    let _ = std::fs::write(work.join("emulator.pid"), child.id().to_string());
    eprintln!("started the local emulator at {url} (pid {}; `stratoform down --all` stops it)", child.id());
    Ok(url)
}

fn answers(url: &str) -> bool {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    addr.parse::<std::net::SocketAddr>().is_ok_and(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_output_files_next_to_their_templates_and_nothing_outside_kubernetes() {
        let repo = tempfile::tempdir().unwrap();
        let path = "kubernetes/main/overlays/dev/terraform-values/aws-load-balancer-controller.yaml";
        let files = serde_json::json!({ path: "vpcId: \"vpc-0abc\"\n" });
        assert_eq!(write_files(repo.path(), &files).unwrap(), vec![path.to_owned()]);
        assert_eq!(std::fs::read_to_string(repo.path().join(path)).unwrap(), "vpcId: \"vpc-0abc\"\n");
        for bad in ["kubernetes/../terraform/x.yaml", "/etc/x.yaml", "docs/x.yaml"] {
            assert!(write_files(repo.path(), &serde_json::json!({ bad: "x" })).is_err(), "{bad} was accepted");
        }
        assert!(write_files(repo.path(), &serde_json::json!(["not a map"])).is_err());
    }
}
