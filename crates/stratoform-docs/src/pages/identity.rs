//! `identity.md`: the seeds' "pod to AWS service" table, every role with its service accounts
//! and permissions, custom policies, KMS keys, secrets and OIDC providers.

use stratoform_model::{BoundRole, Model};
use stratoform_spec::{AccessLevel, GrantService, PolicyTemplate, Role, RoleBinding};

use super::header;
use crate::link::md;
use crate::markdown::{code, Doc, Table};

fn service_name(s: GrantService) -> &'static str {
    match s {
        GrantService::S3 => "S3",
        GrantService::Kms => "KMS",
        GrantService::SecretsManager => "Secrets Manager",
        GrantService::Ec2 => "EC2",
        GrantService::Cloudwatch => "CloudWatch",
        GrantService::Logs => "CloudWatch Logs",
        GrantService::Autoscaling => "Auto Scaling Groups",
        GrantService::Elasticloadbalancing => "ELB",
        GrantService::Route53 => "Route 53",
        GrantService::Sqs => "SQS",
        GrantService::Opensearch => "OpenSearch",
    }
}

fn access(a: AccessLevel) -> &'static str {
    match a {
        AccessLevel::Read => "read",
        AccessLevel::Write => "write",
        AccessLevel::ReadWrite => "read/write",
        AccessLevel::EncryptDecrypt => "encrypt/decrypt",
        AccessLevel::Full => "full",
    }
}

fn managed_service(policy: &str) -> String {
    match policy {
        "AmazonEBSCSIDriverPolicy" => "EBS".into(),
        "AmazonEFSCSIDriverPolicy" => "EFS".into(),
        "AmazonEKS_CNI_Policy" => "EC2 (ENI management)".into(),
        p if p.starts_with("AmazonS3") => "S3".into(),
        p if p.starts_with("CloudWatch") => "CloudWatch".into(),
        p if p.starts_with("AmazonSSM") => "Systems Manager".into(),
        p => p.to_owned(),
    }
}

fn template_services(t: PolicyTemplate) -> Option<&'static str> {
    match t {
        PolicyTemplate::Custom => None,
        PolicyTemplate::ClusterAutoscaler => Some("Auto Scaling Groups, EC2"),
        PolicyTemplate::AwsLoadBalancerController => Some("EC2, ELB"),
        PolicyTemplate::KarpenterController => Some("EC2, SQS, IAM (pass node role)"),
        PolicyTemplate::ExternalDns => Some("Route 53"),
        PolicyTemplate::CertManagerRoute53 => Some("Route 53"),
    }
}

/// The AWS services a role reaches, in the seeds' words.
fn services(model: &Model, role: &Role) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for g in &role.grants {
        let name = service_name(g.service);
        if g.resources.is_empty() { push(name.to_owned()) } else { push(format!("{name} ({})", g.resources.join(", "))) }
    }
    for p in &role.managed_policies {
        push(managed_service(p));
    }
    for p in &role.policies {
        match model.policy(p) {
            Some(policy) => push(template_services(policy.template).map_or_else(|| policy.description.clone(), str::to_owned)),
            None => push(p.to_string()),
        }
    }
    out
}

/// What a role allows, spelled out.
fn permissions(model: &Model, role: &Role) -> String {
    let mut parts: Vec<String> = Vec::new();
    for g in &role.grants {
        let what = if g.resources.is_empty() { String::new() } else { format!(" ({})", g.resources.join(", ")) };
        parts.push(format!("{}{what} {}", service_name(g.service), access(g.access)));
    }
    parts.extend(role.managed_policies.iter().cloned());
    for p in &role.policies {
        let desc = model.policy(p).map(|x| x.description.clone()).unwrap_or_default();
        parts.push(if desc.is_empty() { format!("custom policy `{p}`") } else { format!("custom policy `{p}` ({desc})") });
    }
    parts.join("; ")
}

/// A key's alias as Terraform creates it: one for a long-lived key, copied to every region that
/// has it; the primary region's for a key of the environment stacks (each region that uses one
/// creates its own, with its region in the alias).
fn kms_alias_cell(model: &Model, key: &stratoform_spec::KmsKey) -> String {
    let primary = model.primary_region().name.as_str();
    let alias = format!("alias/{}", model.names.kms_alias(key, primary));
    if key.lifecycle.is_long_lived() { alias } else { format!("{alias} ({primary})") }
}

fn method(b: RoleBinding) -> &'static str {
    match b {
        RoleBinding::Irsa => "IRSA",
        RoleBinding::PodIdentity => "Pod Identity",
    }
}

fn role_pointer(model: &Model, r: &BoundRole) -> String {
    for (ri, region) in model.regions().iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            if region.name.as_str() == r.region && c.name.as_str() == r.cluster
                && let Some(k) = c.roles.iter().position(|x| x.name.as_str() == r.spec_name) {
                    return format!("/regions/{ri}/clusters/{ci}/roles/{k}");
                }
        }
    }
    "/regions".into()
}

pub(crate) fn page(model: &Model) -> String {
    let mut doc = Doc::new(&header(model), "Identity");
    doc.h2("Pod-to-AWS-service mapping");
    doc.para("How pods reach AWS services: through a role bound to their service account, or over the network.");
    let several = model.clusters().count() > 1;
    for (ri, region) in model.regions().iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            let mut t = Table::new(&["Pod / Service Account", "AWS Service", "Access Method", "Purpose", "Spec"]);
            let base = format!("/regions/{ri}/clusters/{ci}");
            // Workloads, grouped by the service account they share.
            let mut seen: Vec<(String, String)> = Vec::new();
            for (wi, w) in c.workloads.iter().enumerate() {
                let sa = w.service_account.clone().unwrap_or_else(|| w.name.clone()).to_string();
                let Some(role_name) = &w.role else { continue };
                if seen.contains(&(w.namespace.to_string(), sa.clone())) {
                    continue;
                }
                seen.push((w.namespace.to_string(), sa.clone()));
                let pods: Vec<String> = c.workloads.iter().filter(|o| o.namespace == w.namespace && o.service_account.clone().unwrap_or_else(|| o.name.clone()).as_str() == sa).map(|o| o.name.to_string()).collect();
                let Some(bound) = model.identity.role(region.name.as_str(), c.name.as_str(), role_name) else { continue };
                t.row(vec![
                    format!("{} ({})", pods.join(", "), code(&format!("{}:{sa}", w.namespace))),
                    services(model, &bound.role).join(", "),
                    method(bound.binding).into(),
                    bound.role.purpose.clone().unwrap_or_default(),
                    md(model, &format!("{base}/workloads/{wi}")),
                ]);
            }
            for (ai, a) in c.addons.iter().enumerate() {
                let Some(role_name) = &a.role else { continue };
                let Some(bound) = model.identity.role(region.name.as_str(), c.name.as_str(), role_name) else { continue };
                t.row(vec![
                    format!("{} (EKS add-on)", a.name),
                    services(model, &bound.role).join(", "),
                    format!("{} (EKS addon)", method(bound.binding)),
                    a.purpose.clone().unwrap_or_default(),
                    md(model, &format!("{base}/addons/{ai}")),
                ]);
            }
            for (hi, h) in c.charts.iter().enumerate() {
                let Some(role_name) = &h.role else { continue };
                let Some(bound) = model.identity.role(region.name.as_str(), c.name.as_str(), role_name) else { continue };
                t.row(vec![
                    format!("{} (chart)", model.names.fill(&h.release, Some(region), Some(c))),
                    services(model, &bound.role).join(", "),
                    method(bound.binding).into(),
                    h.purpose.clone().unwrap_or_default(),
                    md(model, &format!("{base}/charts/{hi}")),
                ]);
            }
            let cluster_ref = format!("cluster:{}", c.name);
            let mut network = |kind: &str, name: &str, purpose: Option<&String>, allowed: &[String], pointer: String| {
                if allowed.iter().any(|a| a == &cluster_ref) {
                    t.row(vec![format!("pods of `{}`", model.names.cluster_in(c, region)), format!("{kind} ({name})"), "Network (security group)".into(), purpose.cloned().unwrap_or_default(), md(model, &pointer)]);
                }
            };
            for (di, d) in region.databases.iter().enumerate() {
                let kind = match d.engine {
                    stratoform_spec::DatabaseEngine::AuroraPostgresql => "Aurora PostgreSQL",
                    stratoform_spec::DatabaseEngine::AuroraMysql => "Aurora MySQL",
                    stratoform_spec::DatabaseEngine::Postgres => "RDS PostgreSQL",
                    stratoform_spec::DatabaseEngine::Mysql => "RDS MySQL",
                };
                network(kind, d.name.as_str(), d.purpose.as_ref(), &d.allowed_from, format!("/regions/{ri}/databases/{di}"));
            }
            for (k, x) in region.caches.iter().enumerate() {
                network(super::data::cache_kind(x.engine), x.name.as_str(), x.purpose.as_ref(), &x.allowed_from, format!("/regions/{ri}/caches/{k}"));
            }
            for (k, x) in region.document_dbs.iter().enumerate() {
                network("DocumentDB", x.name.as_str(), x.purpose.as_ref(), &x.allowed_from, format!("/regions/{ri}/documentDbs/{k}"));
            }
            for (k, x) in region.search_domains.iter().enumerate() {
                network("OpenSearch", x.name.as_str(), x.purpose.as_ref(), &x.allowed_from, format!("/regions/{ri}/searchDomains/{k}"));
            }
            for (k, x) in region.file_systems.iter().enumerate() {
                network("EFS", x.name.as_str(), Some(&x.purpose), &x.allowed_from, format!("/regions/{ri}/fileSystems/{k}"));
            }
            if several {
                doc.h3(&format!("Cluster `{}` ({})", model.names.cluster_in(c, region), region.name));
            }
            if t.is_empty() {
                doc.para("No pod reaches an AWS service through a role or the network.");
            } else {
                doc.table(&t);
            }
        }
    }

    doc.h2("Roles");
    let mut t = Table::new(&["Role Name", "Template", "ARN", "Service Accounts", "Binding", "Permissions", "Spec"]);
    for r in &model.identity.roles {
        t.row(vec![
            code(&r.iam_name),
            code(&r.spec_name),
            code(&r.arn),
            r.service_accounts.iter().map(|s| code(s)).collect::<Vec<_>>().join(", "),
            method(r.binding).into(),
            permissions(model, &r.role),
            md(model, &role_pointer(model, r)),
        ]);
    }
    doc.table(&t);

    let id = model.identity_spec();
    if !id.policies.is_empty() {
        doc.h2("Custom policies");
        let mut t = Table::new(&["Policy", "IAM name", "Template", "Description", "Spec"]);
        for (i, p) in id.policies.iter().enumerate() {
            t.row(vec![p.name.to_string(), model.names.policy(p.name.as_str()), crate::markdown::spec_name(&p.template), p.description.clone(), md(model, &format!("/identity/policies/{i}"))]);
        }
        doc.table(&t);
    }
    if !id.kms_keys.is_empty() {
        doc.h2("KMS keys");
        let mut t = Table::new(&["Key", "Alias", "Rotation", "Deletion window", "Lifecycle", "Description", "Spec"]);
        for (i, k) in id.kms_keys.iter().enumerate() {
            t.row(vec![
                k.name.to_string(),
                kms_alias_cell(model, k),
                super::yes_no(k.rotation),
                k.deletion_window.to_string(),
                super::data::lifecycle(k.lifecycle),
                k.description.clone(),
                md(model, &format!("/identity/kmsKeys/{i}")),
            ]);
        }
        doc.table(&t);
    }
    if !id.secrets.is_empty() {
        doc.h2("Secrets");
        let mut t = Table::new(&["Secret", "Name", "KMS key", "Mounted in", "Description", "Spec"]);
        for (i, s) in id.secrets.iter().enumerate() {
            let mounts: Vec<String> = s.mounts.iter().map(|m| format!("{}/{}", m.cluster, m.namespace)).collect();
            t.row(vec![
                s.name.to_string(),
                model.names.secret(s.name.as_str()),
                s.kms_key.as_ref().map_or("AWS managed".into(), ToString::to_string),
                mounts.join(", "),
                s.description.clone(),
                md(model, &format!("/identity/secrets/{i}")),
            ]);
        }
        doc.table(&t);
    }
    if !id.oidc_providers.is_empty() {
        doc.h2("OIDC identity providers");
        let mut t = Table::new(&["Name", "URL", "Audiences", "Lifecycle", "Spec"]);
        for (i, o) in id.oidc_providers.iter().enumerate() {
            t.row(vec![o.name.to_string(), o.url.to_string(), o.client_ids.join(", "), super::data::lifecycle(o.lifecycle), md(model, &format!("/identity/oidcProviders/{i}"))]);
        }
        doc.table(&t);
    }
    doc.finish()
}
