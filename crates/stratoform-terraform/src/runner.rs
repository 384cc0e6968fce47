//! Applies and destroys rendered stacks in dependency order against a local AWS emulator
//! (`stratoform up --local`, `down --local` and the test suite). The stacks run from a working
//! copy of the rendered tree with override files that point the provider at the emulator and keep
//! state in local files; a failed or interrupted apply leaves its state, so `down` can clean up
//! and `up` can finish.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use stratoform_model::{Stack, StackKind};

use crate::local::{backend_override, gap_overrides, provider_override, quirk_overrides, sg_reference_overrides, stack_aliases};

/// Why a terraform step failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// terraform could not be started.
    #[error("could not run `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A file of the working copy could not be written.
    #[error("could not write `{path}`: {source}")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// terraform ran past the step limit and was stopped.
    #[error("`terraform {step}` in stack `{stack}` was still running after {limit:?} and was stopped:\n{output}")]
    Stuck {
        /// The step (`init`, `apply`, ...).
        step: String,
        /// The stack.
        stack: String,
        /// The limit it ran past.
        limit: Duration,
        /// The end of terraform's output.
        output: String,
    },
    /// terraform exited with an error.
    #[error("`terraform {step}` failed in stack `{stack}` (exit {code}):\n{output}")]
    Failed {
        /// The step (`init`, `apply`, ...).
        step: String,
        /// The stack.
        stack: String,
        /// The exit code.
        code: i32,
        /// The end of terraform's output.
        output: String,
    },
}

/// A working copy of the rendered `terraform/` tree and how to run it locally.
pub struct LocalRun {
    /// The `terraform/` directory of the working copy.
    pub root: PathBuf,
    /// The environment.
    pub env: String,
    /// The emulator's endpoint.
    pub endpoint: String,
    /// Where local state files are kept.
    pub state_dir: PathBuf,
    /// The terraform binary.
    pub terraform: PathBuf,
    /// Extra environment of every terraform run (TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR).
    pub envs: Vec<(String, String)>,
    /// Against the emulator (true) or a real account (false: S3 state, only the bootstrap stack
    /// keeps local state until it is migrated).
    pub local: bool,
    /// The stacks of the environment (their state scopes: the environment's, or the account's
    /// for the stacks applied once per account).
    pub stacks: Vec<Stack>,
    /// The HCP Terraform workspace of each stack, by stack name (`TF_WORKSPACE` of a run against
    /// a real account); empty with S3 state.
    pub workspaces: Vec<(String, String)>,
    /// How long one terraform step may run before it is interrupted and reported as stuck
    /// (`None`: as long as it takes). A provider waiting on an answer that never comes would
    /// otherwise hold the run forever.
    pub step_limit: Option<Duration>,
}

/// The result of a plan.
#[derive(Debug)]
pub struct PlanResult {
    /// Whether the plan has no changes.
    pub clean: bool,
    /// terraform's output.
    pub output: String,
    /// How long it took.
    pub took: Duration,
}

/// The override file `down` writes to release deletion protection before it destroys.
const RELEASE_PROTECTION_FILE: &str = "release_protection_override.tf";

/// Whether a stack runs against AWS (not the Cloudflare stack).
pub fn is_aws(stack: &Stack) -> bool {
    stack.kind != StackKind::External
}

impl LocalRun {
    fn stack_dir(&self, stack: &str) -> PathBuf {
        self.root.join("stacks").join(stack)
    }

    /// A stack's state scope: the account's for a stack applied once per account, else the
    /// environment's.
    pub fn scope(&self, stack: &str) -> &str {
        self.stacks.iter().find(|s| s.name == stack).map_or(self.env.as_str(), |s| s.scope.as_str())
    }

    /// The local state file of a stack: `<state_dir>/<scope>/<stack>.tfstate`, where the
    /// stacks' `terraform_remote_state` reads it with `state_backend = local`. Environments that
    /// share an account and a state directory share the account's stacks.
    pub fn state_file(&self, stack: &str) -> PathBuf {
        self.state_dir.join(self.scope(stack)).join(format!("{stack}.tfstate"))
    }

    fn write(path: &Path, text: &str) -> Result<(), RunError> {
        std::fs::write(path, text).map_err(|source| RunError::Write { path: path.display().to_string(), source })
    }

    /// Writes the emulator overrides: providers and local state for every AWS stack, and the
    /// modules' `ignore_changes` for attributes the emulator drops. `gaps` also keeps the
    /// resource types the emulator cannot create out of the apply.
    pub fn prepare(&self, stacks: &[Stack], gaps: bool) -> Result<(), RunError> {
        // A `down` that released deletion protection left its overrides in the working copy: an
        // `up` that follows applies the protection the spec asks for.
        for module in std::fs::read_dir(self.root.join("modules")).into_iter().flatten().filter_map(Result::ok) {
            let _ = std::fs::remove_file(module.path().join(RELEASE_PROTECTION_FILE));
        }
        std::fs::create_dir_all(&self.state_dir).map_err(|source| RunError::Write { path: self.state_dir.display().to_string(), source })?;
        for stack in stacks.iter().filter(|s| is_aws(s)) {
            let scope_dir = self.state_dir.join(&stack.scope);
            std::fs::create_dir_all(&scope_dir).map_err(|source| RunError::Write { path: scope_dir.display().to_string(), source })?;
            let dir = self.stack_dir(&stack.name);
            if !self.local {
                if stack.kind == StackKind::Bootstrap {
                    let state = self.state_file(&stack.name);
                    Self::write(&dir.join("local_backend_override.tf"), &backend_override(&state.display().to_string()))?;
                }
                continue;
            }
            let providers = std::fs::read_to_string(dir.join("providers.tf")).unwrap_or_default();
            Self::write(&dir.join("emulator_provider_override.tf"), &provider_override(&self.endpoint, &stack_aliases(&providers)))?;
            let state = self.state_file(&stack.name);
            Self::write(&dir.join("emulator_backend_override.tf"), &backend_override(&state.display().to_string()))?;
        }
        self.set_gaps(gaps)
    }

    /// Writes (or removes) the override files that keep unsupported resource types out.
    pub fn set_gaps(&self, gaps: bool) -> Result<(), RunError> {
        if !self.local {
            return Ok(());
        }
        let modules = self.root.join("modules");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&modules).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
        dirs.extend(std::fs::read_dir(self.root.join("stacks")).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>()).unwrap_or_default());
        for dir in dirs {
            let main = std::fs::read_to_string(dir.join("main.tf")).unwrap_or_default();
            if let Some(text) = sg_reference_overrides(&main) {
                Self::write(&dir.join("emulator_sg_override.tf"), &text)?;
            }
        }
        for (module, text) in quirk_overrides() {
            let dir = modules.join(module);
            if dir.is_dir() {
                Self::write(&dir.join("emulator_override.tf"), &text)?;
            }
        }
        for (module, text) in gap_overrides() {
            let file = modules.join(module).join("emulator_gaps_override.tf");
            if gaps {
                Self::write(&file, &text)?;
            } else {
                let _ = std::fs::remove_file(file);
            }
        }
        Ok(())
    }

    /// Writes overrides that turn deletion protection off (databases, load balancers), so that a
    /// following apply releases it and destroy can proceed.
    pub fn release_protection(&self) -> Result<(), RunError> {
        let files = [
            ("database", "resource \"aws_rds_cluster\" \"this\" {\n  deletion_protection = false\n  skip_final_snapshot = true\n}\n\nresource \"aws_db_instance\" \"this\" {\n  deletion_protection = false\n  skip_final_snapshot = true\n}\n"),
            ("load-balancing", "resource \"aws_lb\" \"this\" {\n  enable_deletion_protection = false\n}\n"),
        ];
        for (module, text) in files {
            let dir = self.root.join("modules").join(module);
            if dir.is_dir() {
                Self::write(&dir.join(RELEASE_PROTECTION_FILE), text)?;
            }
        }
        Ok(())
    }

    fn cmd(&self, stack: &str, args: &[&str]) -> Command {
        let mut c = Command::new(&self.terraform);
        c.current_dir(self.stack_dir(stack)).args(args).env("TF_IN_AUTOMATION", "1").env("CHECKPOINT_DISABLE", "1");
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        // A stack directory selects its HCP Terraform workspaces by tags: this picks the scope's.
        if let Some((_, workspace)) = self.workspaces.iter().find(|(s, _)| s == stack).filter(|_| !self.local) {
            c.env("TF_WORKSPACE", workspace);
        }
        c
    }

    fn var_args(&self, stack: &str) -> Vec<String> {
        let mut v = vec!["-input=false".to_owned(), "-no-color".to_owned()];
        if self.local {
            v.push("-var=state_backend=local".to_owned());
            v.push(format!("-var=local_state_dir={}", self.state_dir.display()));
        }
        let scope = self.scope(stack);
        if self.stack_dir(stack).join(format!("{scope}.tfvars")).is_file() {
            v.push(format!("-var-file={scope}.tfvars"));
        }
        v
    }

    fn exec(&self, stack: &str, step: &str, args: Vec<String>, ok_codes: &[i32]) -> Result<(i32, String, Duration), RunError> {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let t0 = Instant::now();
        let spawn_error = |source| RunError::Spawn { program: self.terraform.display().to_string(), source };
        let (status, stdout, stderr, stuck) = match self.step_limit {
            None => {
                let out = self.cmd(stack, &refs).stdin(Stdio::null()).output().map_err(spawn_error)?;
                (out.status, out.stdout, out.stderr, false)
            }
            Some(limit) => run_limited(&mut self.cmd(stack, &refs), limit, Duration::from_secs(60)).map_err(spawn_error)?,
        };
        let mut text = String::from_utf8_lossy(&stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&stderr));
        let lines: Vec<&str> = text.lines().collect();
        let output = || lines[lines.len().saturating_sub(40)..].join("\n");
        if stuck {
            let limit = self.step_limit.unwrap_or_default();
            return Err(RunError::Stuck { step: step.into(), stack: stack.into(), limit, output: output() });
        }
        let code = status.code().unwrap_or(-1);
        if !ok_codes.contains(&code) {
            return Err(RunError::Failed { step: step.into(), stack: stack.into(), code, output: output() });
        }
        Ok((code, text, t0.elapsed()))
    }

    /// `terraform init` with the local backend.
    pub fn init(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["init".to_owned(), "-input=false".to_owned(), "-no-color".to_owned(), "-reconfigure".to_owned()];
        let scope = self.scope(stack);
        let backend = self.stack_dir(stack).join(format!("{scope}.s3.tfbackend"));
        let bootstrap = self.stacks.iter().any(|s| s.name == stack && s.kind == StackKind::Bootstrap);
        if !self.local && !bootstrap && backend.is_file() {
            args.push(format!("-backend-config={scope}.s3.tfbackend"));
        }
        self.exec(stack, "init", args, &[0]).map(|r| r.2)
    }

    /// `terraform apply`.
    pub fn apply(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["apply".to_owned(), "-auto-approve".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "apply", args, &[0]).map(|r| r.2)
    }

    /// The apply after [`LocalRun::release_protection`]: `-refresh=false`, so that it changes the
    /// protection settings and nothing else. A refreshing apply would also take back what changed
    /// outside Terraform since the last plan (a controller's rule on the cluster's security group,
    /// which `down` sweeps later), and read every object of the stack again only to find that.
    pub fn apply_release(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["apply".to_owned(), "-auto-approve".to_owned(), "-refresh=false".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "apply", args, &[0]).map(|r| r.2)
    }

    /// `terraform plan -detailed-exitcode`.
    pub fn plan(&self, stack: &str) -> Result<PlanResult, RunError> {
        let mut args = vec!["plan".to_owned(), "-detailed-exitcode".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        let (code, output, took) = self.exec(stack, "plan", args, &[0, 2])?;
        Ok(PlanResult { clean: code == 0, output, took })
    }

    /// `terraform destroy`.
    pub fn destroy(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["destroy".to_owned(), "-auto-approve".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "destroy", args, &[0]).map(|r| r.2)
    }

    /// `terraform destroy -refresh=false`: for a stack whose state is known to match what exists
    /// (it re-planned clean, and only Terraform changed it since), so that the destroy does not
    /// read every object of the stack again before deleting it. `down` on a real account keeps
    /// refreshing: there, anything may have changed since the last apply.
    pub fn destroy_unrefreshed(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["destroy".to_owned(), "-auto-approve".to_owned(), "-refresh=false".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "destroy", args, &[0]).map(|r| r.2)
    }

    /// `terraform destroy -target=...`: only the given addresses and what depends on them.
    pub fn destroy_targets(&self, stack: &str, targets: &[String]) -> Result<Duration, RunError> {
        let mut args = vec!["destroy".to_owned(), "-auto-approve".to_owned(), "-parallelism=20".to_owned()];
        args.extend(targets.iter().map(|t| format!("-target={t}")));
        args.extend(self.var_args(stack));
        self.exec(stack, "destroy -target", args, &[0]).map(|r| r.2)
    }

    /// `terraform output -json NAME`: one output of an applied stack, as JSON.
    pub fn output_json(&self, stack: &str, name: &str) -> Result<serde_json::Value, RunError> {
        let out = self
            .cmd(stack, &["output", "-json", "-no-color", name])
            .stdin(Stdio::null())
            .output()
            .map_err(|source| RunError::Spawn { program: self.terraform.display().to_string(), source })?;
        let failed = |output: String| RunError::Failed { step: format!("output {name}"), stack: stack.into(), code: out.status.code().unwrap_or(-1), output };
        if !out.status.success() {
            return Err(failed(String::from_utf8_lossy(&out.stderr).into_owned()));
        }
        serde_json::from_slice(&out.stdout).map_err(|e| failed(format!("not JSON: {e}")))
    }

    /// `terraform apply -refresh-only`: records the live objects in the state without changing
    /// them. After an apply, the objects that other resources of the stack changed later in the
    /// same apply (a bucket's policy, a security group's rules) differ from what the state
    /// recorded when each was created; recording them once is the baseline against which
    /// [`LocalRun::refresh_only`] finds only what changed outside.
    pub fn record_live(&self, stack: &str) -> Result<Duration, RunError> {
        let mut args = vec!["apply".to_owned(), "-refresh-only".to_owned(), "-auto-approve".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "apply -refresh-only", args, &[0]).map(|r| r.2)
    }

    /// What changed outside Terraform: a refresh-only plan of the stack, saved and shown as
    /// JSON (its `resource_drift` lists each resource whose live object differs from the state).
    pub fn refresh_only(&self, stack: &str) -> Result<serde_json::Value, RunError> {
        let mut args = vec!["plan".to_owned(), "-refresh-only".to_owned(), "-lock=false".to_owned(), "-out=drift.tfplan".to_owned(), "-parallelism=20".to_owned()];
        args.extend(self.var_args(stack));
        self.exec(stack, "plan -refresh-only", args, &[0])?;
        let (_, shown, _) = self.exec(stack, "show", vec!["show".into(), "-json".into(), "-no-color".into(), "drift.tfplan".into()], &[0])?;
        let _ = std::fs::remove_file(self.stack_dir(stack).join("drift.tfplan"));
        serde_json::from_str(shown.lines().find(|l| l.starts_with('{')).unwrap_or("{}"))
            .map_err(|e| RunError::Failed { step: "show".into(), stack: stack.into(), code: 0, output: format!("not JSON: {e}") })
    }

    /// The addresses in a stack's state.
    pub fn state_list(&self, stack: &str) -> Result<Vec<String>, RunError> {
        if self.local && !self.state_file(stack).is_file() {
            return Ok(Vec::new());
        }
        let (_, out, _) = self.exec(stack, "state list", vec!["state".into(), "list".into(), "-no-color".into()], &[0])?;
        Ok(out.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect())
    }
}

/// Runs a command for at most `limit`: past it, terraform gets an interrupt (it stops its
/// operations and writes its state), then, `grace` later, its whole process group (the provider
/// plugins too) is killed. Returns the exit status, both outputs and whether the limit was hit.
fn run_limited(cmd: &mut Command, limit: Duration, grace: Duration) -> std::io::Result<(std::process::ExitStatus, Vec<u8>, Vec<u8>, bool)> {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0).spawn()?;
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let t0 = Instant::now();
    let mut stuck = false;
    let mut signalled: Option<Instant> = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        let group = format!("-{}", child.id());
        match signalled {
            None if t0.elapsed() > limit => {
                stuck = true;
                let _ = Command::new("kill").args(["-INT", "--", &group]).status();
                signalled = Some(Instant::now());
            }
            Some(at) if at.elapsed() > grace => {
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                break child.wait()?;
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok((status, stdout, stderr, stuck))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preparing_a_working_copy_drops_the_protection_release_a_down_left() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("modules/database");
        std::fs::create_dir_all(&module).unwrap();
        let run = LocalRun {
            root: dir.path().to_path_buf(),
            env: "dev".into(),
            endpoint: "http://127.0.0.1:1".into(),
            state_dir: dir.path().join("state"),
            terraform: PathBuf::from("terraform"),
            envs: Vec::new(),
            local: true,
            stacks: Vec::new(),
            workspaces: Vec::new(),
            step_limit: None,
        };
        run.release_protection().unwrap();
        assert!(module.join(RELEASE_PROTECTION_FILE).is_file());
        run.prepare(&[], false).unwrap();
        assert!(!module.join(RELEASE_PROTECTION_FILE).exists(), "an `up` after a `down` would apply without deletion protection");
    }

    #[test]
    fn a_step_past_its_limit_is_interrupted_and_then_killed_with_its_children() {
        let quick = run_limited(Command::new("sh").args(["-c", "echo done"]), Duration::from_secs(30), Duration::from_secs(1)).unwrap();
        assert!(quick.0.success() && !quick.3 && quick.1 == b"done\n", "a step within its limit runs to its end");
        // Stops at the interrupt.
        let t0 = Instant::now();
        let interrupted = run_limited(Command::new("sleep").arg("30"), Duration::from_millis(300), Duration::from_secs(20)).unwrap();
        assert!(interrupted.3 && !interrupted.0.success() && t0.elapsed() < Duration::from_secs(15));
        // Ignores the interrupt, and its child holds the output open: both are killed.
        let t0 = Instant::now();
        let deaf = run_limited(Command::new("sh").args(["-c", "trap '' INT; sleep 30 & wait"]), Duration::from_millis(300), Duration::from_secs(1)).unwrap();
        assert!(deaf.3 && t0.elapsed() < Duration::from_secs(15), "took {:?}", t0.elapsed());
    }
}
