//! The cluster step of `up`: once the environment's stacks are applied and the rendered
//! repository is pushed, each cluster gets Argo CD from the argo-cd chart the spec pins (with the
//! values of `kubernetes/<cluster>/bootstrap/<env>/argocd-values.yaml`), then the root
//! Application (`root-application.yaml`), which syncs everything else wave by wave. The folder,
//! the file names and the commands are computed here, once: the Kubernetes layer writes the files
//! where these say, and `up` runs (or prints) these commands.

use stratoform_spec::{Cluster, HelmChart, Region};

use crate::after_apply::KUBERNETES_DIR;
use crate::Model;

/// The values file of Argo CD's first install, in a bootstrap folder.
pub const ARGOCD_VALUES: &str = "argocd-values.yaml";
/// The root Application, in a bootstrap folder.
pub const ROOT_APPLICATION: &str = "root-application.yaml";
/// The chart Argo CD is installed from.
pub const ARGOCD_CHART: &str = "argo-cd";
/// How long the first install of Argo CD may take before Helm gives up.
const HELM_TIMEOUT: &str = "10m";

/// The bootstrap folder of a cluster folder and environment, relative to `kubernetes/`.
pub fn bootstrap_dir(dir: &str, env: &str) -> String {
    format!("{dir}/bootstrap/{env}")
}

/// The cluster step of one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bootstrap {
    /// The EKS cluster, also the kubeconfig context the commands use.
    pub context: String,
    /// Its region.
    pub region: String,
    /// Argo CD's namespace.
    pub namespace: String,
    /// The commands, in order, each as its arguments.
    pub commands: Vec<Vec<String>>,
}

/// Why a cluster has no cluster step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoBootstrap {
    /// The cluster has no `argocd` section: nothing is synced from Git.
    NoArgoCd,
    /// Argo CD is configured but the cluster's charts do not pin the argo-cd chart to install it from.
    NoArgoCdChart,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

/// The chart reference and repository arguments of `helm upgrade --install`.
fn chart_args(chart: &HelmChart, repo_dir: &str) -> Vec<String> {
    match (&chart.repo, &chart.local_path) {
        (_, Some(path)) => vec![format!("{repo_dir}/{path}")],
        (Some(repo), _) if repo.as_str().starts_with("oci://") => vec![format!("{}/{}", repo.as_str().trim_end_matches('/'), chart.chart_name())],
        (Some(repo), _) => vec![chart.chart_name().to_owned(), "--repo".into(), repo.to_string()],
        (None, None) => vec![chart.chart_name().to_owned()],
    }
}

impl Model {
    /// The cluster step of a cluster whose Kubernetes folder is `dir`, with the rendered
    /// repository checked out at `repo_dir` (as the commands name it).
    pub fn bootstrap(&self, region: &Region, cluster: &Cluster, dir: &str, repo_dir: &str) -> Result<Bootstrap, NoBootstrap> {
        let argo = cluster.argocd.as_ref().ok_or(NoBootstrap::NoArgoCd)?;
        let chart = cluster.charts.iter().find(|c| c.chart_name() == ARGOCD_CHART).ok_or(NoBootstrap::NoArgoCdChart)?;
        let context = self.names.cluster_in(cluster, region);
        let folder = format!("{repo_dir}/{KUBERNETES_DIR}/{}", bootstrap_dir(dir, self.env_name()));
        let namespace = argo.namespace.to_string();
        let mut helm = words(&["helm", "upgrade", "--install", &chart.release.to_string()]);
        helm.extend(chart_args(chart, repo_dir));
        helm.extend(words(&["--version", &chart.version, "--namespace", &namespace, "--create-namespace", "--kube-context", &context]));
        helm.extend(words(&["--values", &format!("{folder}/{ARGOCD_VALUES}"), "--wait", "--timeout", HELM_TIMEOUT]));
        let commands = vec![
            words(&["aws", "eks", "update-kubeconfig", "--region", region.name.as_str(), "--name", &context, "--alias", &context]),
            helm,
            words(&["kubectl", "--context", &context, "apply", "-f", &format!("{folder}/{ROOT_APPLICATION}")]),
        ];
        Ok(Bootstrap { context, region: region.name.to_string(), namespace, commands })
    }
}

/// A command as a shell line (arguments with characters the shell reads are quoted).
pub fn shell_line(command: &[String]) -> String {
    command
        .iter()
        .map(|w| {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c)) {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    fn model(charts: serde_json::Value) -> Model {
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "eu-west-1", "clusters": [
                {"name": "main", "vpc": "main", "version": "1.33", "argocd": {"repoUrl": "https://example.com/gitops.git"}, "charts": charts},
                {"name": "bare", "vpc": "main", "version": "1.33"}
            ]}]
        }));
        Model::resolve_all(&spec, None).expect("valid spec").remove(0)
    }

    #[test]
    fn argo_cd_from_the_pinned_chart_then_the_root_application() {
        let m = model(json!([{"name": "argo-cd", "release": "argocd", "repo": "https://argoproj.github.io/argo-helm", "version": "8.5.10", "namespace": "argocd"}]));
        let (region, cluster) = m.clusters().next().unwrap();
        let b = m.bootstrap(region, cluster, "main", "out").unwrap();
        assert_eq!(b.context, "demo-dev-main");
        let lines: Vec<String> = b.commands.iter().map(|c| shell_line(c)).collect();
        assert_eq!(
            lines,
            [
                "aws eks update-kubeconfig --region eu-west-1 --name demo-dev-main --alias demo-dev-main",
                "helm upgrade --install argocd argo-cd --repo https://argoproj.github.io/argo-helm --version 8.5.10 --namespace argocd --create-namespace --kube-context demo-dev-main --values out/kubernetes/main/bootstrap/dev/argocd-values.yaml --wait --timeout 10m",
                "kubectl --context demo-dev-main apply -f out/kubernetes/main/bootstrap/dev/root-application.yaml",
            ]
        );
        let (region, bare) = m.clusters().nth(1).unwrap();
        assert_eq!(m.bootstrap(region, bare, "bare", "out"), Err(NoBootstrap::NoArgoCd));
    }

    #[test]
    fn an_oci_chart_is_named_by_its_reference_and_a_missing_chart_is_said() {
        let m = model(json!([{"name": "argo-cd", "release": "argo-cd", "repo": "oci://ghcr.io/argoproj/argo-helm", "version": "8.5.10", "namespace": "argocd"}]));
        let (region, cluster) = m.clusters().next().unwrap();
        let helm = &m.bootstrap(region, cluster, "main", "repo dir").unwrap().commands[1];
        assert_eq!(&helm[3..5], ["argo-cd", "oci://ghcr.io/argoproj/argo-helm/argo-cd"]);
        assert!(shell_line(helm).contains("'repo dir/kubernetes/main/bootstrap/dev/argocd-values.yaml'"), "a path with a space is quoted");
        let m = model(json!([]));
        let (region, cluster) = m.clusters().next().unwrap();
        assert_eq!(m.bootstrap(region, cluster, "main", "out"), Err(NoBootstrap::NoArgoCdChart));
    }
}
