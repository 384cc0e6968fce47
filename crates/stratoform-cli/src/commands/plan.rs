//! `stratoform plan FILE [--env NAME] [--destroy] [--format human|json|mermaid|dot]`: the
//! deployment waves of each environment (or the teardown), and why each edge exists.

use std::path::Path;

use stratoform_graph::format;
use stratoform_model::Model;

use crate::cli::PlanFormat;
use crate::exit::ExitStatus;
use super::spec::load_models;

/// Prints the plan of every selected environment.
pub fn run(file: &Path, env: Option<&str>, destroy: bool, fmt: PlanFormat, color: bool) -> ExitStatus {
    let (loaded, models) = match load_models(file, env, color, "nothing was planned") {
        Ok(m) => m,
        Err(status) => return status,
    };
    match output(&models, destroy, fmt) {
        Ok(out) => print!("{out}"),
        Err((env, e)) => {
            eprintln!("error: {}: environment `{env}`: {e}", loaded.file.name());
            eprintln!("help: {}", e.help());
            return ExitStatus::Failure;
        }
    }
    ExitStatus::Clean
}

/// The plan of every model in one format; a cycle names its environment.
fn output(models: &[Model], destroy: bool, fmt: PlanFormat) -> Result<String, (String, stratoform_graph::CycleError)> {
    let mut out = String::new();
    for (i, model) in models.iter().enumerate() {
        let env = model.env_name();
        let graph = stratoform_graph::build(model).map_err(|e| (env.to_owned(), e))?;
        if i > 0 {
            // Text is separated by a blank line; JSON documents become the items of one array.
            out.push_str(if fmt == PlanFormat::Json { ",\n" } else { "\n" });
        }
        out.push_str(&match (fmt, destroy) {
            (PlanFormat::Human, false) => format::human(env, &graph.waves()),
            (PlanFormat::Human, true) => format::human_teardown(env, &graph.teardown(), &graph.kept_stacks()),
            (PlanFormat::Json, false) => format::json(env, &graph.waves()),
            (PlanFormat::Json, true) => format::json_teardown(env, &graph.teardown(), &graph.kept_stacks()),
            (PlanFormat::Mermaid, false) => format::mermaid(&graph.waves(), &|_| None),
            (PlanFormat::Dot, false) => format::dot(&graph.waves()),
            (PlanFormat::Mermaid | PlanFormat::Dot, true) => {
                let waves: Vec<stratoform_graph::Wave> =
                    graph.teardown().into_iter().map(|w| stratoform_graph::Wave { index: w.index, units: w.units }).collect();
                if fmt == PlanFormat::Mermaid { format::mermaid(&waves, &|_| None) } else { format::dot(&waves) }
            }
        });
    }
    if fmt == PlanFormat::Json && models.len() > 1 {
        out = format!("[\n{out}]\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aoscloud(env: &str) -> Vec<Model> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aoscloud/platform.yaml");
        let loaded = stratoform_loader::load_file(&path).expect("example reads");
        Model::resolve_all(&loaded, Some(env)).expect("example resolves")
    }

    #[test]
    fn json_has_the_issue_shape() {
        let out = output(&aoscloud("prod"), false, PlanFormat::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let waves = v["waves"].as_array().unwrap();
        assert_eq!(waves[0]["index"], 0);
        let cert = waves.iter().flat_map(|w| w["units"].as_array().unwrap()).find(|u| u["name"] == "cert-manager").unwrap();
        assert_eq!(cert["kind"], "helm-chart");
        assert_eq!(cert["after"], serde_json::json!(["ecr-sync", "auth-patch", "prod-us-east-1", "namespaces"]));
        assert!(cert["reason"].as_str().unwrap().starts_with("primary charts install in parallel after the bootstrap steps"));
    }

    #[test]
    fn human_destroy_mermaid_and_dot() {
        let models = aoscloud("prod");
        let human = output(&models, false, PlanFormat::Human).unwrap();
        assert!(human.starts_with("deployment plan for `prod`: 34 units in 13 waves"), "{human}");
        assert!(human.contains("\nwave 8 (11 in parallel)\n"), "{human}");
        let down = output(&models, true, PlanFormat::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&down).unwrap();
        assert_eq!(v["kept"], serde_json::json!(["bootstrap", "account", "long-lived"]));
        assert_eq!(v["waves"][0]["phase"], "drain-applications");
        assert!(output(&models, false, PlanFormat::Mermaid).unwrap().starts_with("flowchart LR\n"));
        assert!(output(&models, true, PlanFormat::Dot).unwrap().starts_with("digraph plan {"));
    }

    #[test]
    fn a_cycle_and_an_unknown_environment_exit_2() {
        let spec = r#"
apiVersion: stratoform.dev/v1alpha1
kind: Platform
metadata: { name: loop }
environments: [{ name: dev }]
regions:
  - name: eu-west-1
    vpcs: [{ name: main, cidr: 10.0.0.0/16, azs: [eu-west-1a], subnets: { private: { type: private, newbits: 4 } } }]
    clusters:
      - name: c
        vpc: main
        version: "1.33"
        nodeGroups: [{ name: ng, instanceTypes: [m5.large], min: 1, max: 2 }]
        charts:
          - { name: a, release: a, repo: "https://example.com/charts", version: 1.0.0, namespace: a, dependsOn: [b] }
          - { name: b, release: b, repo: "https://example.com/charts", version: 1.0.0, namespace: b, dependsOn: [a] }
"#;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("platform.yaml");
        std::fs::write(&file, spec).unwrap();
        let loaded = stratoform_loader::load_file(&file).unwrap();
        let models = Model::resolve_all(&loaded, None).unwrap();
        let (env, err) = output(&models, false, PlanFormat::Human).unwrap_err();
        assert_eq!(env, "dev");
        assert_eq!(err.to_string(), "dependency cycle: helm-chart `eu-west-1/c/b` -> helm-chart `eu-west-1/c/a` -> helm-chart `eu-west-1/c/b`");
        assert_eq!(run(&file, None, false, PlanFormat::Human, false), ExitStatus::Failure);
        assert_eq!(run(&file, Some("nope"), false, PlanFormat::Json, false), ExitStatus::Failure);
    }

    #[test]
    fn several_environments_in_json_are_one_array() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aoscloud/platform.yaml");
        let loaded = stratoform_loader::load_file(&path).expect("example reads");
        let models = Model::resolve_all(&loaded, None).expect("example resolves");
        let v: serde_json::Value = serde_json::from_str(&output(&models, false, PlanFormat::Json).unwrap()).unwrap();
        let envs: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["environment"].as_str().unwrap()).collect();
        assert_eq!(envs, ["dev", "prod"]);
    }
}
