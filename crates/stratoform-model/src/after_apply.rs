//! Values that exist only after the environment stack applies (VPC and file system IDs, the
//! cluster endpoint, certificate and key ARNs) and the Kubernetes files that need them.
//!
//! One path carries them: the Kubernetes layer writes each such file as a `templatefile()`
//! template, `<file>.tftpl`, whose variables are named by [`AfterApply::variable`]; the
//! environment stack of the cluster's region renders every template of its clusters in its output
//! `kubernetes_files` (the file's path in the rendered tree => its content), binding each variable
//! to the module output that holds the value; `stratoform up` writes that output's files into the
//! rendered repository, next to their templates, where the Applications read them.

use std::collections::BTreeMap;

use stratoform_spec::{Cluster, Region, Volume, Workload};

use crate::Model;

/// The folder of the Kubernetes layer in the rendered tree.
pub const KUBERNETES_DIR: &str = "kubernetes";
/// The folder of an overlay that holds the templates of chart values.
pub const TERRAFORM_VALUES: &str = "terraform-values";
/// The folder of an overlay that holds the templates of whole objects (EFS PersistentVolumes).
pub const TERRAFORM_MANIFESTS: &str = "terraform-manifests";
/// The file name suffix of a template.
pub const TEMPLATE_SUFFIX: &str = ".tftpl";

/// A value the environment stack knows only after apply.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AfterApply {
    /// The ID of a VPC of the cluster's region.
    VpcId(String),
    /// The API endpoint of a cluster (by spec name).
    ClusterEndpoint(String),
    /// The ARN of an ACM certificate of the region.
    CertificateArn(String),
    /// The ID of an EFS file system of the region.
    FileSystemId(String),
    /// The IDs of a file system's access points, a map by access point name.
    AccessPointIds(String),
    /// The ARN of a key of `identity.kmsKeys` in the region.
    KmsKeyArn(String),
    /// The ARN of a cluster's WAFv2 web ACL (by the cluster's spec name).
    WebAclArn(String),
}

/// A spec name as a Terraform identifier and template variable part: lower-case letters and
/// digits, anything else `_`.
fn snake(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

impl AfterApply {
    /// The template variable that carries the value (the environment stack also outputs it under
    /// this name).
    pub fn variable(&self) -> String {
        match self {
            Self::VpcId(v) => format!("network_{}_vpc_id", snake(v)),
            Self::ClusterEndpoint(c) => format!("eks_{}_endpoint", snake(c)),
            Self::CertificateArn(c) => format!("cert_{}_arn", snake(c)),
            Self::FileSystemId(f) => format!("efs_{}_id", snake(f)),
            Self::AccessPointIds(f) => format!("efs_{}_access_point_ids", snake(f)),
            Self::KmsKeyArn(k) => format!("kms_{}_arn", snake(k)),
            Self::WebAclArn(c) => format!("waf_{}_arn", snake(c)),
        }
    }

    /// Reads a `${...}` reference key of a cluster's values that names a value only the apply
    /// knows: the value, and the template expression that reads it (the variable, or one key of
    /// a map variable: attribute access, since the template sits inside YAML strings where quotes
    /// would be escaped).
    pub fn reference(model: &Model, region: &Region, cluster: &Cluster, key: &str) -> Option<(AfterApply, String)> {
        let parts: Vec<&str> = key.split('.').collect();
        let value = match parts.as_slice() {
            ["cluster", "endpoint"] => Self::ClusterEndpoint(cluster.name.to_string()),
            ["vpc", "id"] => Self::VpcId(cluster.vpc.to_string()),
            ["certificate", name, "arn"] => {
                region.certificates.iter().find(|c| c.name.as_str() == *name)?;
                Self::CertificateArn((*name).to_owned())
            }
            ["fileSystem", name, "id"] => {
                region.file_systems.iter().find(|f| f.name.as_str() == *name)?;
                Self::FileSystemId((*name).to_owned())
            }
            ["accessPoint", fs, ap, "id"] => {
                let f = region.file_systems.iter().find(|f| f.name.as_str() == *fs)?;
                f.access_points.iter().find(|a| a.name.as_str() == *ap)?;
                let value = Self::AccessPointIds((*fs).to_owned());
                let expr = format!("{}.{ap}", value.variable());
                return Some((value, expr));
            }
            ["webAcl", name, "arn"] if *name == cluster.name.as_str() => {
                model.web_acl_reference(cluster)?;
                Self::WebAclArn((*name).to_owned())
            }
            ["kmsKey", name, "arn"] => {
                model.kms_key(name)?;
                Self::KmsKeyArn((*name).to_owned())
            }
            _ => return None,
        };
        let expr = value.variable();
        Some((value, expr))
    }
}

/// A Kubernetes file whose content exists only after apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubernetesFile {
    /// Its path in the rendered tree (`kubernetes/<cluster>/overlays/<env>/...`), which `up`
    /// writes and the Applications read.
    pub path: String,
    /// The values its template reads, sorted, without repeats.
    pub values: Vec<AfterApply>,
}

impl KubernetesFile {
    /// The template's path in the rendered tree.
    pub fn template(&self) -> String {
        format!("{}{TEMPLATE_SUFFIX}", self.path)
    }
}

/// Each cluster's folder under `kubernetes/`: its spec name, or `<name>-<region>` when regions
/// of the rendered environments share the name. Keyed by `(region, cluster)`.
pub fn cluster_dirs(models: &[Model]) -> BTreeMap<(String, String), String> {
    let mut regions_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in models {
        for (r, c) in m.clusters() {
            let list = regions_of.entry(c.name.to_string()).or_default();
            if !list.contains(&r.name.to_string()) {
                list.push(r.name.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, regions) in regions_of {
        for r in &regions {
            let dir = if regions.len() == 1 { name.clone() } else { format!("{name}-{r}") };
            out.insert((r.clone(), name.clone()), dir);
        }
    }
    out
}

/// The overlay folder of a cluster folder and environment, relative to `kubernetes/`.
pub fn overlay(dir: &str, env: &str) -> String {
    format!("{dir}/overlays/{env}")
}

/// The chart values file of a release, relative to `kubernetes/`.
pub fn values_file(dir: &str, env: &str, release: &str) -> String {
    format!("{}/{TERRAFORM_VALUES}/{release}.yaml", overlay(dir, env))
}

/// An object file of `terraform-manifests`, relative to `kubernetes/`.
pub fn manifest_file(dir: &str, env: &str, file: &str) -> String {
    format!("{}/{TERRAFORM_MANIFESTS}/{file}", overlay(dir, env))
}

/// The claim name of a workload volume (the seed's `mongodb-data` stays `mongodb-data`).
pub fn claim_name(w: &Workload, volume: &str) -> String {
    if volume.starts_with(w.name.as_str()) { volume.to_owned() } else { format!("{}-{volume}", w.name) }
}

/// The static PersistentVolume of a workload's EFS volume: cluster-wide, so the namespace goes in
/// front of the claim's name.
pub fn efs_volume_name(w: &Workload, v: &Volume) -> String {
    format!("{}-{}", w.namespace, claim_name(w, v.name.as_str()))
}

/// Every `${...}` key in the strings of a JSON value.
fn reference_keys(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                let Some(end) = rest[i + 2..].find('}') else { break };
                out.push(rest[i + 2..i + 2 + end].to_owned());
                rest = &rest[i + 2 + end..];
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| reference_keys(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| reference_keys(v, out)),
        _ => {}
    }
}

impl Model {
    /// A chart's release name in a cluster, placeholders filled.
    pub fn release_name(&self, region: &Region, cluster: &Cluster, release: &str) -> String {
        self.names.fill(release, Some(region), Some(cluster))
    }

    /// The reference stratoform adds to the `ingress-nginx` chart's values when TLS ends at its
    /// NLB with an ACM certificate (`service.beta.kubernetes.io/aws-load-balancer-ssl-cert`).
    pub fn ingress_nginx_certificate(&self, cluster: &Cluster) -> Option<String> {
        let cert = cluster.ingress_nginx.as_ref()?.nlb.certificate.as_ref()?;
        Some(format!("certificate.{cert}.arn"))
    }

    /// The files of a cluster (in folder `dir`) that only the apply of its region's environment
    /// stack can write, on EKS: the values of each chart whose values name such a value, and the
    /// PersistentVolume of each EFS volume of a workload.
    pub fn kubernetes_files(&self, region: &Region, cluster: &Cluster, dir: &str) -> Vec<KubernetesFile> {
        let env = self.env_name();
        let mut out = Vec::new();
        let mut push = |path: String, mut values: Vec<AfterApply>| {
            values.sort();
            values.dedup();
            if !values.is_empty() {
                out.push(KubernetesFile { path: format!("{KUBERNETES_DIR}/{path}"), values });
            }
        };
        for chart in &cluster.charts {
            let mut keys = Vec::new();
            for v in chart.values.values() {
                reference_keys(v, &mut keys);
            }
            if chart.chart_name() == "ingress-nginx" {
                keys.extend(self.ingress_nginx_certificate(cluster));
            }
            if chart.chart_name() == crate::alb::LOAD_BALANCER_CONTROLLER_CHART {
                keys.extend(self.web_acl_reference(cluster));
            }
            let values = keys.iter().filter_map(|k| AfterApply::reference(self, region, cluster, k)).map(|(v, _)| v).collect();
            push(values_file(dir, env, &self.release_name(region, cluster, chart.release.as_str())), values);
        }
        for w in &cluster.workloads {
            for v in &w.volumes {
                let Some((fs, ap)) = v.efs.as_deref().and_then(|e| e.split_once('/')) else { continue };
                let found = region.file_systems.iter().find(|f| f.name.as_str() == fs).is_some_and(|f| f.access_points.iter().any(|a| a.name.as_str() == ap));
                if found {
                    let file = format!("persistentvolume-{}.yaml", efs_volume_name(w, v));
                    push(manifest_file(dir, env, &file), vec![AfterApply::FileSystemId(fs.to_owned()), AfterApply::AccessPointIds(fs.to_owned())]);
                }
            }
        }
        out
    }
}
