//! ALB links: every host an Ingress of the AWS Load Balancer Controller serves over TLS is covered
//! by an ACM certificate that a stack of the environment creates in the cluster's region. The
//! controller finds the certificate from the Ingress's TLS hosts (certificate discovery); with no
//! certificate covering a host it cannot build the HTTPS listener, and the Ingress never gets an
//! address. The bucket the ALBs write access logs to (the controller's `IngressClassParams`
//! attributes) is created in the cluster's region by a bucket module that admits load balancer log
//! delivery (it reads the account's ID only for that policy); without it the controller cannot
//! turn logging on, and the ALB is never built.

use serde_json::Value;
use stratoform_model::alb::{ACCESS_LOGS_BUCKET, ACCESS_LOGS_ENABLED, ACCESS_LOGS_PREFIX, ALB_INGRESS_CLASS, LOAD_BALANCER_CONTROLLER_CHART};

use crate::finding::{self, Finding};
use crate::gitops::GitOps;
use crate::hcl_eval::{Created, V};
use crate::tree::Tree;
use crate::Links;

/// Whether the certificate name `name` (exact, or a `*.` wildcard of one label) covers `host`.
pub fn covers(name: &str, host: &str) -> bool {
    let (name, host) = (name.trim_end_matches('.').to_ascii_lowercase(), host.trim_end_matches('.').to_ascii_lowercase());
    match name.strip_prefix("*.") {
        Some(parent) => host.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && label != "*" && rest == parent) || host == name,
        None => host == name,
    }
}

/// The names a created certificate covers: its domain and its subject alternative names.
fn names(c: &Created) -> Vec<String> {
    let mut out: Vec<String> = c.attr("domain_name").into_iter().collect();
    if let Some(V::List(sans)) = c.attrs.get("subject_alternative_names") {
        out.extend(sans.iter().filter_map(V::as_str));
    }
    out
}

/// The Application and source that install the controller in a cluster, when one does.
fn controller(gitops_cluster: &crate::gitops::Cluster) -> Option<(&crate::gitops::App, &crate::gitops::Source)> {
    gitops_cluster.apps.iter().find_map(|a| a.sources.iter().find(|s| s.chart.as_deref() == Some(LOAD_BALANCER_CONTROLLER_CHART)).map(|s| (a, s)))
}

/// The region the controller of a cluster runs for (its chart's `region` value), when set.
fn controller_region(gitops_cluster: &crate::gitops::Cluster) -> Option<String> {
    controller(gitops_cluster).and_then(|(_, s)| s.values.get("region").and_then(Value::as_str).map(str::to_owned))
}

/// The bucket of the access logs the controller turns on for every ALB of a cluster, and the
/// prefix the logs go under (empty for the bucket's root).
fn log_bucket(values: &Value) -> Option<(String, String)> {
    let attributes = values.pointer("/ingressClassParams/spec/loadBalancerAttributes")?.as_array()?;
    let value = |key: &str| attributes.iter().find(|a| a["key"] == key).and_then(|a| a["value"].as_str());
    (value(ACCESS_LOGS_ENABLED) == Some("true"))
        .then(|| (value(ACCESS_LOGS_BUCKET).unwrap_or_default().to_owned(), value(ACCESS_LOGS_PREFIX).unwrap_or_default().to_owned()))
}

/// The prefixes a bucket's policy admits load balancer logs under: its `load_balancer_logs`
/// in the values of the stack that creates it (the object of that bucket name), when found.
fn admitted_prefixes(tree: &Tree, env: &str, bucket: &Created, name: &str) -> Option<Vec<String>> {
    let dir = format!("terraform/stacks/{}", bucket.stack);
    let values = [format!("{dir}/{env}.tfvars"), format!("{dir}/terraform.tfvars")].into_iter().find_map(|f| tree.get(&f).and_then(|t| hcl::from_str::<Value>(t).ok()))?;
    fn find<'v>(v: &'v Value, name: &str) -> Option<&'v Value> {
        match v {
            Value::Object(m) if m.get("name").and_then(Value::as_str) == Some(name) && m.contains_key("load_balancer_logs") => Some(v),
            Value::Object(m) => m.values().find_map(|x| find(x, name)),
            Value::Array(a) => a.iter().find_map(|x| find(x, name)),
            _ => None,
        }
    }
    let prefixes = find(&values, name)?.pointer("/load_balancer_logs/prefixes")?.as_array()?;
    Some(prefixes.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

/// Whether a bucket module instance (`module.x["k"]`) admits load balancer log delivery: its
/// policy's statement for it names the account, so the instance reads the account's ID.
fn admits_lb_logs(created: &[Created], bucket: &Created) -> bool {
    let Some(instance) = bucket.address.strip_suffix(".aws_s3_bucket.this") else { return false };
    created.iter().any(|c| c.rtype == "data.aws_caller_identity" && c.address.strip_prefix(instance).is_some_and(|rest| rest.starts_with(".data.aws_caller_identity.current")))
}

/// Proves that the bucket of a cluster's ALB access logs exists and admits them.
fn access_logs(tree: &Tree, env: &str, created: &[Created], cluster: &crate::gitops::Cluster, findings: &mut Vec<Finding>, links: &mut Links) {
    let Some((app, source)) = controller(cluster) else { return };
    let Some((bucket, prefix)) = log_bucket(&source.values) else { return };
    *links.entry("alb").or_default() += 1;
    let region = controller_region(cluster);
    let (file, line) = (app.doc.file.clone(), tree.line_of(&app.doc.file, app.doc.line, &bucket));
    let in_region = |c: &&Created| region.as_ref().is_none_or(|r| c.region.as_ref().is_none_or(|cr| cr == r));
    let made: Vec<&Created> = created.iter().filter(|c| c.rtype == "aws_s3_bucket" && c.attr("bucket").as_deref() == Some(bucket.as_str())).filter(in_region).collect();
    let at = region.as_deref().map_or(String::new(), |r| format!(" in {r}"));
    let (message, help) = match made.first() {
        None => (
            format!("the ALBs of cluster tree `{}` write access logs to bucket `{bucket}`, which no stack of `{env}` creates{at}: the controller cannot turn logging on", cluster.dir),
            "name a bucket of the cluster's region under `albIngress.accessLogs.bucket`, and re-render".to_owned(),
        ),
        Some(b) if !admits_lb_logs(created, b) => (
            format!("bucket `{bucket}` (`{}`) does not admit load balancer log delivery in its policy: the ALBs of cluster tree `{}` cannot write their access logs", b.address, cluster.dir),
            "re-render: the bucket's module gets `load_balancer_logs` when a cluster of its region writes ALB logs to it".to_owned(),
        ),
        Some(b) => match admitted_prefixes(tree, env, b, &bucket) {
            Some(prefixes) if !prefixes.contains(&prefix) => (
                format!(
                    "the ALBs of cluster tree `{}` write access logs to bucket `{bucket}` under prefix `{prefix}`, and its policy admits load balancer logs only under {}: the controller cannot turn logging on",
                    cluster.dir,
                    prefixes.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                ),
                "re-render: the model gives the controller and the bucket's policy the same prefix".to_owned(),
            ),
            _ => return,
        },
    };
    findings.push(Finding::new(finding::ALB_LOG_BUCKET, &file, line, message, help));
}

/// Proves the ALB links of one environment.
pub fn prove(tree: &Tree, env: &str, created: &[Created], gitops: &GitOps, findings: &mut Vec<Finding>, links: &mut Links) {
    let certificates: Vec<&Created> = created.iter().filter(|c| c.rtype == "aws_acm_certificate").collect();
    for cluster in &gitops.clusters {
        access_logs(tree, env, created, cluster, findings, links);
        let region = controller_region(cluster);
        for obj in cluster.objects.iter().filter(|o| o.doc.kind() == "Ingress") {
            let spec = &obj.doc.value["spec"];
            if spec["ingressClassName"].as_str() != Some(ALB_INGRESS_CLASS) {
                continue;
            }
            let hosts = spec["tls"].as_array().into_iter().flatten().flat_map(|t| t["hosts"].as_array().into_iter().flatten()).filter_map(Value::as_str);
            for host in hosts {
                *links.entry("alb").or_default() += 1;
                let in_region = |c: &&&Created| region.as_ref().is_none_or(|r| c.region.as_ref().is_none_or(|cr| cr == r));
                if certificates.iter().filter(in_region).any(|c| names(c).iter().any(|n| covers(n, host))) {
                    continue;
                }
                let name = obj.doc.value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("?");
                let at = region.as_deref().map_or(String::new(), |r| format!(" in {r}"));
                findings.push(Finding::new(
                    finding::ALB_HOST_NO_CERTIFICATE,
                    &obj.doc.file,
                    tree.line_of(&obj.doc.file, obj.doc.line, host),
                    format!("Ingress `{name}` serves `{host}` over HTTPS, and no ACM certificate that `{env}` creates{at} covers it: the controller cannot build the listener"),
                    format!("add `{host}` (or a wildcard of its parent) to a certificate under `regions[].certificates` of the cluster's region, or drop the workload's `expose.host`"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn a_wildcard_covers_one_label_only() {
        assert!(covers("*.example.com", "api.example.com"));
        assert!(covers("API.example.com.", "api.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(!covers("*.example.com", "a.b.example.com"));
        assert!(!covers("api.example.com", "www.example.com"));
    }
}
