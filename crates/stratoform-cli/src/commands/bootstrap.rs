//! The cluster step of `up` ([`stratoform_model::bootstrap`]): per cluster, the kubeconfig
//! context, Argo CD from the pinned chart and the root Application; then it waits, wave by wave,
//! until every Application is synced and healthy, with progress, and stops naming the units that
//! are not. Against the emulator (no cluster), without the tools, or while the rendered
//! repository still has files to push, it prints the exact commands instead.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use stratoform_model::bootstrap::{shell_line, Bootstrap, NoBootstrap};
use stratoform_model::Model;

/// The cluster step of every cluster of the environment, labelled `<cluster> (<region>)`.
pub fn steps(model: &Model, repo: &Path) -> Vec<(String, Result<Bootstrap, NoBootstrap>)> {
    let dirs = stratoform_model::after_apply::cluster_dirs(std::slice::from_ref(model));
    let repo = repo.display().to_string();
    model
        .clusters()
        .map(|(r, c)| {
            let dir = &dirs[&(r.name.to_string(), c.name.to_string())];
            (format!("`{}` ({})", c.name, r.name), model.bootstrap(r, c, dir, &repo))
        })
        .collect()
}

/// Prints `lead`, then the commands of every cluster step, each cluster under a `#` line.
pub fn print_next(steps: &[(String, Result<Bootstrap, NoBootstrap>)], lead: &str) {
    if steps.iter().any(|(_, s)| s.is_ok()) {
        println!("{lead}");
    }
    for (label, step) in steps {
        match step {
            Ok(b) => {
                println!("  # {label}");
                for c in &b.commands {
                    println!("  {}", shell_line(c));
                }
            }
            Err(NoBootstrap::NoArgoCd) => println!("note: {label} has no `argocd` section: nothing is synced from Git, so it has no cluster step"),
            Err(NoBootstrap::NoArgoCdChart) => {
                println!("note: {label} has `argocd` but no `argo-cd` chart to install it from: add the chart (pinned) to its charts, or install Argo CD yourself and apply its root Application")
            }
        }
    }
}

/// What the Applications of a cluster say, by sync wave.
#[derive(Debug, PartialEq)]
pub struct Assessment {
    /// Per wave: how many Applications are synced and healthy, of how many.
    pub waves: BTreeMap<i64, (usize, usize)>,
    /// The Applications that are not (yet): name, sync status, health status, message.
    pub pending: Vec<(String, String, String, String)>,
    /// The root Application exists and every Application is synced and healthy.
    pub done: bool,
}

/// Reads `kubectl get applications -o json`.
pub fn assess(list: &Value) -> Assessment {
    let mut waves: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    let mut pending = Vec::new();
    let mut root = false;
    for app in list["items"].as_array().into_iter().flatten() {
        let name = app["metadata"]["name"].as_str().unwrap_or_default().to_owned();
        root |= name == "root";
        let wave = app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"].as_str().and_then(|w| w.parse().ok()).unwrap_or(0);
        let sync = app["status"]["sync"]["status"].as_str().unwrap_or("Unknown").to_owned();
        let health = app["status"]["health"]["status"].as_str().unwrap_or("Unknown").to_owned();
        let entry = waves.entry(wave).or_default();
        entry.1 += 1;
        if sync == "Synced" && health == "Healthy" {
            entry.0 += 1;
        } else {
            let message = app["status"]["health"]["message"].as_str().or_else(|| app["status"]["conditions"][0]["message"].as_str()).unwrap_or_default().to_owned();
            pending.push((name, sync, health, message));
        }
    }
    let done = root && pending.is_empty();
    Assessment { waves, pending, done }
}

fn run(command: &[String]) -> Result<String, String> {
    let out = Command::new(&command[0]).args(&command[1..]).stdin(Stdio::null()).output().map_err(|e| format!("cannot run `{}`: {e}", command[0]))?;
    if !out.status.success() {
        return Err(format!("`{}` failed:\n{}", shell_line(command), String::from_utf8_lossy(&out.stderr).trim_end()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs a cluster step and waits until every Application is synced and healthy, for at most
/// `patience`.
pub fn run_step(label: &str, b: &Bootstrap, patience: Duration) -> Result<(), String> {
    for command in &b.commands {
        println!("{label}: {}", shell_line(command));
        run(command)?;
    }
    let list = [
        "kubectl".to_owned(),
        "--context".into(),
        b.context.clone(),
        "--namespace".into(),
        b.namespace.clone(),
        "get".into(),
        "applications.argoproj.io".into(),
        "--output".into(),
        "json".into(),
    ];
    let t0 = Instant::now();
    let mut last = String::new();
    loop {
        let a = assess(&serde_json::from_str(&run(&list)?).map_err(|e| format!("`kubectl get applications` printed no JSON: {e}"))?);
        let line = a.waves.iter().map(|(w, (ok, n))| format!("wave {w}: {ok}/{n}")).collect::<Vec<_>>().join(", ");
        if line != last {
            println!("{label}: healthy and synced by wave: {line} ({:.0}s)", t0.elapsed().as_secs_f64());
            let _ = std::io::stdout().flush();
            last = line;
        }
        if a.done {
            return Ok(());
        }
        if t0.elapsed() > patience {
            let names: Vec<String> = a.pending.iter().map(|(n, s, h, m)| format!("  {n}: {s}, {h}{}", if m.is_empty() { String::new() } else { format!(": {m}") })).collect();
            return Err(format!(
                "{label}: not every Application is synced and healthy after {}s:\n{}\nhelp: `kubectl --context {} -n {} describe application <name>` says why",
                patience.as_secs(),
                names.join("\n"),
                b.context,
                b.namespace
            ));
        }
        std::thread::sleep(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn app(name: &str, wave: &str, sync: &str, health: &str) -> Value {
        json!({"metadata": {"name": name, "annotations": {"argocd.argoproj.io/sync-wave": wave}}, "status": {"sync": {"status": sync}, "health": {"status": health, "message": "waiting"}}})
    }

    #[test]
    fn waves_are_counted_and_the_units_not_healthy_are_named() {
        let list = json!({"items": [
            app("root", "0", "Synced", "Healthy"),
            app("cert-manager", "-1", "Synced", "Healthy"),
            app("gateways", "2", "OutOfSync", "Progressing"),
        ]});
        let a = assess(&list);
        assert_eq!(a.waves, BTreeMap::from([(-1, (1, 1)), (0, (1, 1)), (2, (0, 1))]));
        assert_eq!(a.pending, vec![("gateways".into(), "OutOfSync".into(), "Progressing".into(), "waiting".into())]);
        assert!(!a.done);
        let all = json!({"items": [app("root", "0", "Synced", "Healthy"), app("cert-manager", "-1", "Synced", "Healthy")]});
        assert!(assess(&all).done);
        assert!(!assess(&json!({"items": [app("cert-manager", "-1", "Synced", "Healthy")]})).done, "not done before the root Application exists");
        assert!(!assess(&json!({"items": []})).done);
    }
}
