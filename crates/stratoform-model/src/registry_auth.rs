//! Credentials of private chart registries: Argo CD pulls OCI charts through a repository secret
//! per chart repository, and a private ECR registry accepts only a token of `ecr
//! get-login-password`, valid 12 hours. A cluster whose Applications pull charts from such a
//! registry gets an IRSA role that may read those charts' repositories (the token carries the
//! rights of the role that asked for it), and a refresher in Argo CD's namespace, running as the
//! role's service account, that writes a fresh token into each repository secret.
//!
//! The names both sides use are resolved here once: the Terraform layer creates the role from
//! [`RegistryAuth::iam_name`] with [`RegistryAuth::repository_arns`], and the Kubernetes layer
//! annotates the service account with [`RegistryAuth::arn`] and patches the secrets named
//! [`repository_secret_name`].

use stratoform_spec::{Cluster, Region};

use crate::{Model, Names};

/// The service account (in Argo CD's namespace) of every refresher, and the name of its Role.
pub const REFRESHER_SERVICE_ACCOUNT: &str = "argocd-ecr-auth";
/// The suffix of the refresher role's IAM name, after the EKS cluster's name.
pub const ROLE_SUFFIX: &str = "-argocd-ecr-auth";
/// The longest IAM role name AWS accepts.
const IAM_ROLE_NAME_MAX: usize = 64;

/// A chart repository URL as Argo CD takes it: an OCI registry without its scheme.
pub fn argocd_repo_url(url: &str) -> String {
    url.strip_prefix("oci://").unwrap_or(url).to_owned()
}

/// The name of the Argo CD repository secret of an OCI chart repository (`oci://` or not):
/// `repo-` and the URL without its scheme, with `/`, `.`, `_` and `:` as `-`, in lower case and
/// without a trailing `-`.
pub fn repository_secret_name(url: &str) -> String {
    let host = argocd_repo_url(url);
    let name = format!("repo-{}", host.replace(['/', '.', '_', ':'], "-").to_ascii_lowercase());
    name.trim_end_matches('-').to_owned()
}

/// The account, region and partition of a private ECR registry host
/// (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`), or `None` for any other host.
pub fn ecr_registry(host: &str) -> Option<(String, String, &'static str)> {
    let (account, rest) = host.split_once('.')?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix("dkr.ecr-fips.").or_else(|| rest.strip_prefix("dkr.ecr."))?;
    let (region, china) = match rest.strip_suffix(".amazonaws.com.cn") {
        Some(r) => (r, true),
        None => (rest.strip_suffix(".amazonaws.com")?, false),
    };
    let valid = !region.is_empty() && region.contains('-') && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return None;
    }
    let partition = if china {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    Some((account.to_owned(), region.to_owned(), partition))
}

/// One chart repository of a private ECR registry, as Argo CD names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartRepository {
    /// The repository URL without `oci://` (the repository secret's `url`).
    pub url: String,
    /// The name of its Argo CD repository secret.
    pub secret: String,
    /// The ECR repositories of the charts pulled from it (`<path>/<chart>`), sorted.
    pub ecr_repositories: Vec<String>,
}

/// A private ECR registry a cluster's Applications pull charts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcrRegistry {
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub host: String,
    /// The registry's account.
    pub account: String,
    /// The registry's region (`get-login-password --region`).
    pub region: String,
    /// The ARN partition of that region.
    pub partition: &'static str,
    /// The name of the CronJob and of the Job that write its token into the repository secrets:
    /// `argocd-ecr-auth-<region>-<account>` (at most 43 characters, under the 52 a CronJob allows).
    pub refresher: String,
    /// Its chart repositories, by URL.
    pub repositories: Vec<ChartRepository>,
}

impl EcrRegistry {
    /// The ARN of an ECR repository of this registry.
    pub fn repository_arn(&self, repository: &str) -> String {
        format!("arn:{}:ecr:{}:{}:repository/{repository}", self.partition, self.region, self.account)
    }

    /// The repository secrets the refresher patches, in URL order.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.repositories.iter().map(|r| r.secret.as_str())
    }
}

/// The refresher identity of one cluster and the private ECR registries it keeps credentials of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryAuth {
    /// The cluster's region.
    pub region: String,
    /// The cluster's spec name.
    pub cluster: String,
    /// The EKS cluster name.
    pub cluster_name: String,
    /// The IAM role name: `<EKS cluster name>-argocd-ecr-auth`, the cluster's name cut so the
    /// whole fits the 64 characters IAM allows.
    pub iam_name: String,
    /// The role's ARN.
    pub arn: String,
    /// Argo CD's namespace, where the service account, the refreshers and the secrets live.
    pub namespace: String,
    /// The service account the role trusts.
    pub service_account: String,
    /// The registries, by host.
    pub registries: Vec<EcrRegistry>,
}

impl RegistryAuth {
    /// The role's trusted service account, as `namespace:name`.
    pub fn service_account_ref(&self) -> String {
        format!("{}:{}", self.namespace, self.service_account)
    }

    /// The ARNs of every ECR repository the role may pull from, sorted.
    pub fn repository_arns(&self) -> Vec<String> {
        let mut out: Vec<String> = self.registries.iter().flat_map(|g| g.repositories.iter().flat_map(move |r| r.ecr_repositories.iter().map(move |e| g.repository_arn(e)))).collect();
        out.sort();
        out.dedup();
        out
    }

    /// Every repository secret a refresher of this cluster patches.
    pub fn secrets(&self) -> Vec<&str> {
        self.registries.iter().flat_map(EcrRegistry::secrets).collect()
    }
}

impl Names {
    /// The IAM name of a cluster's registry credentials role (see [`RegistryAuth::iam_name`]).
    pub fn registry_auth_role(&self, cluster_name: &str) -> String {
        let room = IAM_ROLE_NAME_MAX - ROLE_SUFFIX.len();
        let base: String = cluster_name.chars().take(room).collect();
        format!("{}{ROLE_SUFFIX}", base.trim_end_matches('-'))
    }
}

impl Model {
    /// The private ECR registries the Argo CD Applications of one cluster pull charts from, with
    /// the refresher identity; `None` when the cluster has no Argo CD or pulls no chart from one.
    pub fn registry_auth(&self, region: &Region, cluster: &Cluster) -> Option<RegistryAuth> {
        let argo = cluster.argocd.as_ref()?;
        let mut registries: Vec<EcrRegistry> = Vec::new();
        for chart in &cluster.charts {
            let Some(repo) = chart.repo.as_ref().map(|u| u.as_str()) else { continue };
            let Some(rest) = repo.strip_prefix("oci://") else { continue };
            let rest = rest.trim_end_matches('/');
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let Some((account, registry_region, partition)) = ecr_registry(host) else { continue };
            let ecr_repository = if path.is_empty() { chart.chart_name().to_owned() } else { format!("{path}/{}", chart.chart_name()) };
            let registry = match registries.iter_mut().position(|g| g.host == host) {
                Some(i) => &mut registries[i],
                None => {
                    registries.push(EcrRegistry {
                        host: host.to_owned(),
                        refresher: format!("{REFRESHER_SERVICE_ACCOUNT}-{registry_region}-{account}"),
                        account,
                        region: registry_region,
                        partition,
                        repositories: Vec::new(),
                    });
                    registries.last_mut().expect("just pushed")
                }
            };
            let url = argocd_repo_url(repo);
            match registry.repositories.iter_mut().find(|r| r.url == url) {
                Some(r) => {
                    if !r.ecr_repositories.contains(&ecr_repository) {
                        r.ecr_repositories.push(ecr_repository);
                        r.ecr_repositories.sort();
                    }
                }
                None => registry.repositories.push(ChartRepository { secret: repository_secret_name(repo), url, ecr_repositories: vec![ecr_repository] }),
            }
        }
        if registries.is_empty() {
            return None;
        }
        registries.sort_by(|a, b| a.host.cmp(&b.host));
        for g in &mut registries {
            g.repositories.sort_by(|a, b| a.url.cmp(&b.url));
        }
        let cluster_name = self.names.cluster_in(cluster, region);
        let iam_name = self.names.registry_auth_role(&cluster_name);
        Some(RegistryAuth {
            region: region.name.to_string(),
            cluster: cluster.name.to_string(),
            arn: self.names.role_arn(&iam_name),
            iam_name,
            cluster_name,
            namespace: argo.namespace.to_string(),
            service_account: REFRESHER_SERVICE_ACCOUNT.to_owned(),
            registries,
        })
    }

    /// [`Model::registry_auth`] of every cluster that has one, in spec order.
    pub fn registry_auths(&self) -> Vec<RegistryAuth> {
        self.clusters().filter_map(|(r, c)| self.registry_auth(r, c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::JsonSpec;

    #[test]
    fn secret_names_follow_the_repository_url() {
        assert_eq!(repository_secret_name("oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts"), "repo-123456789012-dkr-ecr-us-east-1-amazonaws-com-charts");
        assert_eq!(repository_secret_name("oci://registry-1.docker.io/bitnamicharts/"), "repo-registry-1-docker-io-bitnamicharts");
        assert_eq!(repository_secret_name("public.ecr.aws/Karpenter"), "repo-public-ecr-aws-karpenter");
    }

    #[test]
    fn only_private_ecr_hosts_are_registries() {
        assert_eq!(ecr_registry("123456789012.dkr.ecr.us-east-1.amazonaws.com"), Some(("123456789012".into(), "us-east-1".into(), "aws")));
        assert_eq!(ecr_registry("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"), Some(("123456789012".into(), "us-gov-west-1".into(), "aws-us-gov")));
        assert_eq!(ecr_registry("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"), Some(("123456789012".into(), "cn-north-1".into(), "aws-cn")));
        for host in ["public.ecr.aws", "registry-1.docker.io", "12345678901.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr..amazonaws.com", "123456789012.dkr.ecr.us-east-1.example.com"] {
            assert_eq!(ecr_registry(host), None, "{host}");
        }
    }

    #[test]
    fn role_names_fit_iam() {
        let names = Names { platform: "p".into(), env: "dev".into(), account: None, tags: Default::default() };
        assert_eq!(names.registry_auth_role("aoscloud-dev-main"), "aoscloud-dev-main-argocd-ecr-auth");
        let long = names.registry_auth_role(&format!("{}-x", "a".repeat(60)));
        assert_eq!(long.len(), 64);
        assert!(long.ends_with(ROLE_SUFFIX));
    }

    fn chart(name: &str, repo: &str) -> serde_json::Value {
        json!({"name": name, "release": name, "repo": repo, "version": "1.0.0", "namespace": "apps"})
    }

    #[test]
    fn a_cluster_lists_its_private_ecr_charts() {
        let ecr = "oci://123456789012.dkr.ecr.us-east-1.amazonaws.com/charts";
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev", "account": "210987654321"}],
            "regions": [{
                "name": "eu-west-1",
                "vpcs": [{"name": "main", "cidr": "10.0.0.0/16", "azs": ["eu-west-1a", "eu-west-1b"], "subnets": {"private": {"type": "private", "newbits": 4, "netnum": 1}}}],
                "clusters": [
                    {"name": "main", "vpc": "main", "version": "1.35", "argocd": {"repoUrl": "https://example.com/gitops.git"},
                     "charts": [chart("b", ecr), chart("a", ecr), chart("pub", "oci://registry-1.docker.io/bitnamicharts"), chart("web", "https://charts.example.com"),
                                chart("top", "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com")]},
                    {"name": "plain", "vpc": "main", "version": "1.35", "charts": [chart("b", ecr)]}
                ]
            }]
        }));
        let models = Model::resolve_all(&spec, None).expect("valid spec");
        let m = &models[0];
        let all = m.registry_auths();
        assert_eq!(all.len(), 1, "a cluster without Argo CD pulls with no repository secret");
        let auth = &all[0];
        assert_eq!((auth.cluster.as_str(), auth.cluster_name.as_str(), auth.namespace.as_str()), ("main", "demo-dev-main", "argocd"));
        assert_eq!(auth.iam_name, "demo-dev-main-argocd-ecr-auth");
        assert_eq!(auth.arn, "arn:aws:iam::210987654321:role/demo-dev-main-argocd-ecr-auth");
        assert_eq!(auth.service_account_ref(), "argocd:argocd-ecr-auth");
        let hosts: Vec<(&str, &str)> = auth.registries.iter().map(|g| (g.host.as_str(), g.refresher.as_str())).collect();
        assert_eq!(
            hosts,
            [
                ("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "argocd-ecr-auth-eu-west-1-123456789012"),
                ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "argocd-ecr-auth-us-east-1-123456789012"),
            ]
        );
        assert_eq!(auth.secrets(), ["repo-123456789012-dkr-ecr-eu-west-1-amazonaws-com", "repo-123456789012-dkr-ecr-us-east-1-amazonaws-com-charts"]);
        assert_eq!(auth.registries[1].repositories[0].ecr_repositories, ["charts/a", "charts/b"]);
        assert_eq!(
            auth.repository_arns(),
            [
                "arn:aws:ecr:eu-west-1:123456789012:repository/top",
                "arn:aws:ecr:us-east-1:123456789012:repository/charts/a",
                "arn:aws:ecr:us-east-1:123456789012:repository/charts/b",
            ]
        );
    }
}
