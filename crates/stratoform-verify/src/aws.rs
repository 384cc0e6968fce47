//! AWS links: every AWS identifier the Kubernetes side uses is created by a stack the
//! environment applies, or is AWS-managed.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::finding::{self, Finding};
use crate::gitops::GitOps;
use crate::hcl_eval::{Created, Evaluator};
use crate::tree::{parse_yaml, Tree};
use crate::Links;

static ARN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^arn:aws(?:-[a-z-]+)?:([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}|aws)?:(.+)$").expect("valid"));
static ECR_IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)").expect("valid"));
static LITERAL_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(fs|fsap|sg|subnet|vpc)-[0-9a-f]{8,17}$").expect("valid"));
static TEMPLATE_VAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(^|[^$])\$\{\s*([A-Za-z_][A-Za-z0-9_]*)").expect("valid"));

/// What an identifier names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// An IAM role by name.
    Role(String),
    /// A customer-managed IAM policy by name.
    Policy(String),
    /// An instance profile by name.
    InstanceProfile(String),
    /// A KMS alias (`alias/...`) in a region.
    KmsAlias(String, Option<String>),
    /// An SQS queue by name.
    Queue(String, Option<String>),
    /// An S3 bucket.
    Bucket(String),
    /// A Secrets Manager secret by name.
    Secret(String, Option<String>),
    /// A target group by name.
    TargetGroup(String, Option<String>),
    /// An EKS cluster by name.
    Cluster(String),
    /// A security group by name.
    SecurityGroup(String),
    /// Subnets carrying a tag.
    SubnetTag(String, String),
    /// Security groups carrying a tag.
    SecurityGroupTag(String, String),
    /// An ECR repository (or a pull-through cache prefix) in a region.
    EcrRepository(String, String),
}

impl Ref {
    fn describe(&self) -> String {
        let base = self.name();
        match self {
            Ref::KmsAlias(_, Some(r)) | Ref::Queue(_, Some(r)) | Ref::Secret(_, Some(r)) | Ref::TargetGroup(_, Some(r)) => format!("{base} in `{r}`"),
            _ => base,
        }
    }

    fn name(&self) -> String {
        match self {
            Ref::Role(n) => format!("IAM role `{n}`"),
            Ref::Policy(n) => format!("IAM policy `{n}`"),
            Ref::InstanceProfile(n) => format!("instance profile `{n}`"),
            Ref::KmsAlias(n, _) => format!("KMS alias `{n}`"),
            Ref::Queue(n, _) => format!("SQS queue `{n}`"),
            Ref::Bucket(n) => format!("S3 bucket `{n}`"),
            Ref::Secret(n, _) => format!("Secrets Manager secret `{n}`"),
            Ref::TargetGroup(n, _) => format!("target group `{n}`"),
            Ref::Cluster(n) => format!("EKS cluster `{n}`"),
            Ref::SecurityGroup(n) => format!("security group `{n}`"),
            Ref::SubnetTag(k, v) => format!("subnets tagged `{k}={v}`"),
            Ref::SecurityGroupTag(k, v) => format!("security groups tagged `{k}={v}`"),
            Ref::EcrRepository(n, r) => format!("ECR repository `{n}` in `{r}`"),
        }
    }

    fn help(&self) -> &'static str {
        match self {
            Ref::KmsAlias(..) => "name the alias the environment stack's `kms` module creates (one name, computed once in the model and read by both layers), or create it",
            Ref::Role(_) | Ref::InstanceProfile(_) | Ref::Policy(_) => "use the role name the identity or EKS module creates (computed once in the model), or bind the role in the spec so a stack creates it",
            Ref::SubnetTag(..) | Ref::SecurityGroupTag(..) => "tag the subnets or security groups in the network or EKS module with the selector's tag, or select by a tag they carry",
            Ref::EcrRepository(..) => "create the repository (spec `ecr.repositories`) or a pull-through cache rule whose prefix is the image's first path segment, or pull from the upstream registry",
            _ => "create the resource in a stack the environment applies, or reference the name that stack gives it (computed once in the model)",
        }
    }

    /// Whether a created resource is what this names.
    fn matches(&self, c: &Created) -> bool {
        let regional = |r: &Option<String>| r.as_ref().is_none_or(|r| c.region.as_ref().is_none_or(|cr| cr == r));
        let tagged = |k: &str, v: &str| c.tag(k).is_some_and(|t| v == "*" || t == v) || (c.rtype == "aws_ec2_tag" && c.attr("key").as_deref() == Some(k) && c.attr("value").is_some_and(|t| v == "*" || t == v));
        match self {
            Ref::Role(n) => c.rtype == "aws_iam_role" && c.attr("name").as_ref() == Some(n),
            Ref::Policy(n) => c.rtype == "aws_iam_policy" && c.attr("name").as_ref() == Some(n),
            Ref::InstanceProfile(n) => c.rtype == "aws_iam_instance_profile" && c.attr("name").as_ref() == Some(n),
            Ref::KmsAlias(n, r) => c.rtype == "aws_kms_alias" && c.attr("name").as_ref() == Some(n) && regional(r),
            Ref::Queue(n, r) => c.rtype == "aws_sqs_queue" && c.attr("name").as_ref() == Some(n) && regional(r),
            Ref::Bucket(n) => c.rtype == "aws_s3_bucket" && c.attr("bucket").as_ref() == Some(n),
            Ref::Secret(n, r) => c.rtype == "aws_secretsmanager_secret" && c.attr("name").as_ref() == Some(n) && regional(r),
            Ref::TargetGroup(n, r) => c.rtype == "aws_lb_target_group" && c.attr("name").as_ref() == Some(n) && regional(r),
            Ref::Cluster(n) => c.rtype == "aws_eks_cluster" && c.attr("name").as_ref() == Some(n),
            Ref::SecurityGroup(n) => c.rtype == "aws_security_group" && c.attr("name").as_ref() == Some(n),
            Ref::SubnetTag(k, v) => (c.rtype == "aws_subnet" || c.rtype == "aws_ec2_tag") && tagged(k, v),
            Ref::SecurityGroupTag(k, v) => (c.rtype == "aws_security_group" || c.rtype == "aws_ec2_tag" || c.rtype == "aws_eks_cluster") && tagged(k, v),
            Ref::EcrRepository(n, r) => {
                regional(&Some(r.clone()))
                    && ((c.rtype == "aws_ecr_repository" && c.attr("name").as_ref() == Some(n))
                        || (c.rtype == "aws_ecr_pull_through_cache_rule" && c.attr("ecr_repository_prefix").is_some_and(|p| n.split('/').next() == Some(p.as_str()))))
            }
        }
    }
}

/// An identifier found in a Kubernetes document.
#[derive(Clone, Debug)]
pub struct Use {
    /// What it names.
    pub what: Result<Ref, String>,
    /// The text that names it, to locate the line.
    pub needle: String,
}

/// Classifies an ARN: the reference, `Ok(None)` when AWS-managed, `Err` for an ID that only
/// exists after apply.
pub fn classify_arn(arn: &str) -> Option<Result<Option<Ref>, String>> {
    let c = ARN.captures(arn)?;
    let (service, region, account, resource) = (&c[1], c.get(2).map(|m| m.as_str()).filter(|r| !r.is_empty()).map(str::to_owned), c.get(3).map_or("", |m| m.as_str()), &c[4]);
    if account == "aws" {
        return Some(Ok(None));
    }
    let out = match service {
        "iam" => {
            if let Some(role) = resource.strip_prefix("role/") {
                Ok(Some(Ref::Role(role.rsplit('/').next().unwrap_or(role).to_owned())))
            } else if let Some(p) = resource.strip_prefix("policy/") {
                Ok(Some(Ref::Policy(p.rsplit('/').next().unwrap_or(p).to_owned())))
            } else if let Some(p) = resource.strip_prefix("instance-profile/") {
                Ok(Some(Ref::InstanceProfile(p.rsplit('/').next().unwrap_or(p).to_owned())))
            } else {
                return None;
            }
        }
        "kms" if resource.starts_with("alias/aws/") => Ok(None),
        "kms" if resource.starts_with("alias/") => Ok(Some(Ref::KmsAlias(resource.to_owned(), region))),
        "kms" => Err(format!("KMS key `{resource}`")),
        "acm" => Err(format!("certificate `{resource}`")),
        "sqs" => Ok(Some(Ref::Queue(resource.to_owned(), region))),
        "s3" => Ok(Some(Ref::Bucket(resource.split('/').next().unwrap_or(resource).to_owned()))),
        "secretsmanager" => {
            let name = resource.strip_prefix("secret:").unwrap_or(resource);
            // A secret's ARN ends in `-` and six random characters.
            let name = match name.rsplit_once('-') {
                Some((base, suffix)) if suffix.len() == 6 => base,
                _ => name,
            };
            Ok(Some(Ref::Secret(name.to_owned(), region)))
        }
        "elasticloadbalancing" if resource.starts_with("targetgroup/") => Ok(Some(Ref::TargetGroup(resource.split('/').nth(1).unwrap_or("").to_owned(), region))),
        "eks" if resource.starts_with("cluster/") => Ok(Some(Ref::Cluster(resource.trim_start_matches("cluster/").to_owned()))),
        _ => return None,
    };
    Some(out)
}

/// Every AWS identifier in a document (or values tree), with the key path that holds it.
pub fn uses(kind: &str, value: &Value, in_app_values: bool) -> Vec<Use> {
    let mut out = Vec::new();
    walk(kind, value, &mut Vec::new(), in_app_values, &mut out);
    out
}

fn walk(kind: &str, v: &Value, path: &mut Vec<String>, in_values: bool, out: &mut Vec<Use>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(k.clone());
                walk(kind, child, path, in_values, out);
                path.pop();
            }
            // Selector terms of Karpenter's EC2NodeClass.
            let parent = path.iter().rev().nth(1).map(String::as_str);
            if kind == "EC2NodeClass"
                && let Some(Value::Object(tags)) = m.get("tags")
                && matches!(parent, Some("subnetSelectorTerms" | "securityGroupSelectorTerms"))
            {
                for (k, t) in tags {
                    let t = t.as_str().unwrap_or("").to_owned();
                    let what = if parent == Some("subnetSelectorTerms") { Ref::SubnetTag(k.clone(), t.clone()) } else { Ref::SecurityGroupTag(k.clone(), t.clone()) };
                    out.push(Use { what: Ok(what), needle: k.clone() });
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(i.to_string());
                walk(kind, child, path, in_values, out);
                path.pop();
            }
        }
        Value::String(s) => scalar(kind, s, path, in_values, out),
        _ => {}
    }
}

fn scalar(kind: &str, s: &str, path: &[String], in_values: bool, out: &mut Vec<Use>) {
    if s.contains("${") {
        return;
    }
    let key = path.last().map(String::as_str).unwrap_or("");
    let parent = path.iter().rev().nth(1).map(String::as_str);
    let push = |out: &mut Vec<Use>, what| out.push(Use { what: Ok(what), needle: s.to_owned() });
    if let Some(c) = classify_arn(s) {
        match c {
            Ok(Some(r)) => push(out, r),
            Ok(None) => {}
            Err(what) => out.push(Use { what: Err(what), needle: s.to_owned() }),
        }
        return;
    }
    if s.starts_with("alias/") {
        if !s.starts_with("alias/aws/") {
            push(out, Ref::KmsAlias(s.to_owned(), None));
        }
        return;
    }
    // Container images (`image:`, or a chart's `image.repository`); a registry URL elsewhere
    // (an AppProject's `sourceRepos`, a repository secret) names no repository.
    if matches!(key, "image" | "repository")
        && let Some(c) = ECR_IMAGE.captures(s)
    {
        push(out, Ref::EcrRepository(c[3].to_owned(), c[2].to_owned()));
        return;
    }
    if LITERAL_ID.is_match(s) {
        out.push(Use { what: Err(format!("`{s}`")), needle: s.to_owned() });
        return;
    }
    match (kind, key, parent) {
        ("TargetGroupBinding", "targetGroupName", _) => push(out, Ref::TargetGroup(s.to_owned(), None)),
        ("EC2NodeClass", "role", Some("spec")) => push(out, Ref::Role(s.to_owned())),
        ("EC2NodeClass", "instanceProfile", Some("spec")) => push(out, Ref::InstanceProfile(s.to_owned())),
        ("EC2NodeClass", "name", _) if path.iter().any(|p| p == "securityGroupSelectorTerms") => push(out, Ref::SecurityGroup(s.to_owned())),
        (_, "interruptionQueue", _) if in_values => push(out, Ref::Queue(s.to_owned(), None)),
        (_, "clusterName", _) if in_values => push(out, Ref::Cluster(s.to_owned())),
        _ => {}
    }
}

/// The secrets a SecretProviderClass of the AWS provider reads.
pub fn provider_objects(doc: &Value) -> Vec<Use> {
    if doc.pointer("/spec/provider").and_then(Value::as_str) != Some("aws") {
        return Vec::new();
    }
    let region = doc.pointer("/spec/parameters/region").and_then(Value::as_str).map(str::to_owned);
    let Some(objects) = doc.pointer("/spec/parameters/objects").and_then(Value::as_str) else { return Vec::new() };
    let Ok(docs) = parse_yaml("", objects) else { return Vec::new() };
    let mut out = Vec::new();
    for d in docs {
        for o in d.value.as_array().into_iter().flatten() {
            let Some(name) = o.get("objectName").and_then(Value::as_str) else { continue };
            let t = o.get("objectType").and_then(Value::as_str).unwrap_or("");
            if name.starts_with("arn:") {
                if let Some(Ok(Some(r))) = classify_arn(name) {
                    out.push(Use { what: Ok(r), needle: name.to_owned() });
                }
            } else if t == "secretsmanager" {
                out.push(Use { what: Ok(Ref::Secret(name.to_owned(), region.clone())), needle: name.to_owned() });
            }
        }
    }
    out
}

/// The variables a `templatefile()` template uses.
pub fn template_vars(text: &str) -> Vec<String> {
    let mut vars: Vec<String> = TEMPLATE_VAR.captures_iter(text).map(|c| c[2].to_owned()).collect();
    vars.sort();
    vars.dedup();
    vars
}

#[allow(clippy::too_many_arguments)]
/// Proves the AWS links of one environment.
pub fn prove(tree: &Tree, env: &str, stacks: &[String], created: &[Created], eval: &Evaluator<'_>, gitops: &GitOps, findings: &mut Vec<Finding>, links: &mut Links) {
    let mut checked = 0;
    let mut check = |file: &str, from: usize, u: Use, findings: &mut Vec<Finding>| {
        checked += 1;
        let line = tree.line_of(file, from, &u.needle);
        match u.what {
            Ok(r) => {
                if !created.iter().any(|c| r.matches(c)) {
                    findings.push(Finding::new(
                        finding::AWS_NOT_CREATED,
                        file,
                        line,
                        format!("{} is created by no stack environment `{env}` applies ({})", r.describe(), stacks.join(", ")),
                        r.help(),
                    ));
                }
            }
            Err(what) => findings.push(Finding::new(
                finding::AWS_LITERAL_ID,
                file,
                line,
                format!("{what} is a literal ID; it exists only after apply"),
                "move the value into the cluster's `terraform-values/*.yaml.tftpl` template, bound to the stack output in `kubernetes_files`",
            )),
        }
    };
    let mut template_links = 0;
    let templates = &mut template_links;
    let calls = crate::argocd::provided_files(eval, stacks);
    for cluster in &gitops.clusters {
        for obj in &cluster.objects {
            let kind = obj.doc.kind();
            let mut found = uses(kind, &obj.doc.value, false);
            if kind == "Application" {
                for src in crate::gitops::sources(&obj.doc) {
                    found.extend(uses("", &src.values, true));
                    // An OCI chart in ECR is the repository `<path>/<chart>`.
                    if let (Some(chart), Some(c)) = (&src.chart, ECR_IMAGE.captures(&format!("{}/", src.repo_url.trim_start_matches("oci://")))) {
                        let repo = format!("{}{chart}", c[3].trim_end_matches('/').to_owned() + "/");
                        found.push(Use { what: Ok(Ref::EcrRepository(repo, c[2].to_owned())), needle: src.repo_url.clone() });
                    }
                }
            }
            if kind == "SecretProviderClass" {
                found.extend(provider_objects(&obj.doc.value));
            }
            for u in found {
                check(&obj.doc.file, obj.doc.line, u, findings);
            }
        }
        // Values files and templates of this environment (`overlays/<env>/terraform-*`).
        let overlay = format!("{}/overlays/{env}/", cluster.dir);
        let files: Vec<&str> = tree.paths().filter(|p| p.starts_with(&overlay) && (p.contains("/terraform-values/") || p.contains("/terraform-manifests/"))).collect();
        for file in files {
            let text = tree.get(file).unwrap_or_default();
            if let Ok(docs) = parse_yaml(file, text) {
                for d in docs {
                    let kind = d.kind().to_owned();
                    for u in uses(&kind, &d.value, true) {
                        check(file, d.line, u, findings);
                    }
                }
            }
            if !file.ends_with(".tftpl") {
                continue;
            }
            // A template no stack renders is reported where an Application reads it.
            let Some((stack, call)) = calls.iter().find(|(_, c)| c.template.as_deref() == Some(file)) else { continue };
            for var in template_vars(text) {
                *templates += 1;
                if !call.vars.contains(&var) {
                    findings.push(Finding::new(
                        finding::TEMPLATE_UNBOUND,
                        file,
                        tree.line_of(file, 1, &format!("${{{var}")),
                        format!("`${{{var}}}` is not bound in the `templatefile()` call of stack `{stack}`'s `kubernetes_files` output"),
                        format!("bind `{var}` to the module output it names in `terraform/stacks/{stack}` (`kubernetes_files`)"),
                    ));
                }
            }
        }
    }
    *links.entry("aws").or_default() += checked;
    *links.entry("template").or_default() += template_links;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_classify() {
        assert_eq!(classify_arn("arn:aws:iam::123456789012:role/x/y-role"), Some(Ok(Some(Ref::Role("y-role".into())))));
        assert_eq!(classify_arn("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"), Some(Ok(None)));
        assert_eq!(classify_arn("arn:aws:kms:us-east-1:123456789012:alias/a-b"), Some(Ok(Some(Ref::KmsAlias("alias/a-b".into(), Some("us-east-1".into()))))));
        assert_eq!(classify_arn("arn:aws:kms:us-east-1:123456789012:alias/aws/ebs"), Some(Ok(None)));
        assert!(matches!(classify_arn("arn:aws:acm:us-east-1:123456789012:certificate/abc"), Some(Err(_))));
        assert_eq!(classify_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"), Some(Ok(Some(Ref::Secret("app/db".into(), Some("us-east-1".into()))))));
        assert_eq!(classify_arn("not an arn"), None);
    }

    #[test]
    fn template_variables_skip_escapes() {
        assert_eq!(template_vars("a: \"${x}\"\nb: $${literal}\nc: ${ y }\n"), ["x", "y"]);
    }
}
