//! EKS clusters with their node groups, roles and add-ons, and the Kubernetes files only this stack's
//! apply can write.

use std::collections::BTreeMap;

use hcl::Expression;
use stratoform_model::policies::{managed_policy_arn, node_role_policy_arns};
use stratoform_model::AfterApply;
use stratoform_spec::{NodeManagement, RoleBinding, SubnetKind};

use super::grants::{policy_ref, GrantResolver};
use super::kms::LOGS_KEY;
use super::Ctx;
use crate::dsl::*;
use crate::stacks::policies::{ebs_csi_key_policy, grant_policy, registry_auth_policy};
use crate::stacks::{days, retention_days};

/// The node-group module's name of a bootstrap format.
fn bootstrap_name(b: stratoform_spec::Bootstrap) -> &'static str {
    match b {
        stratoform_spec::Bootstrap::Nodeadm => "nodeadm",
        stratoform_spec::Bootstrap::BottlerocketToml => "bottlerocket",
        stratoform_spec::Bootstrap::BootstrapScript => "script",
    }
}

/// The control plane security group's rules for `endpoint.privateAccessSources` (a VPN gateway,
/// say): HTTPS from each host's or group's security group, or from each block.
fn endpoint_access(c: &mut Ctx, cl: &stratoform_spec::Cluster, id: &str, vpc: &str) {
    let port = n(i64::from(stratoform_model::endpoint_access::API_SERVER_PORT));
    for src in stratoform_model::endpoint_access::private_endpoint_sources(cl) {
        let (groups, cidrs) = c.sources(vpc, std::slice::from_ref(&src.source));
        let from = match (groups.into_iter().next(), cidrs.into_iter().next()) {
            (Some((_, group)), _) => attr("referenced_security_group_id", group),
            (None, Some(cidr)) => attr("cidr_ipv4", s(cidr)),
            (None, None) => continue,
        };
        c.b.main.push(block_owned(
            "resource",
            vec!["aws_vpc_security_group_ingress_rule".into(), format!("eks_{id}_api_from_{}", src.key)],
            vec![
                attr("security_group_id", ex(&format!("module.eks_{id}.control_plane_security_group_id"))),
                attr("description", s(src.description)),
                attr("ip_protocol", s("tcp")),
                attr("from_port", port.clone()),
                attr("to_port", port.clone()),
                from,
            ],
        ));
    }
}

pub(super) fn clusters(c: &mut Ctx) {
    let region = c.region;
    for cl in &region.clusters {
        let name = c.model.names.cluster_in(cl, region);
        let id = ident(cl.name.as_str());
        let vpc = cl.vpc.to_string();
        let subnets = c.tier(&vpc, cl.subnet_tier.as_ref(), SubnetKind::Private);
        let key = if cl.secrets_encryption.enabled { c.kms(cl.secrets_encryption.kms_key.as_ref().map(|k| k.as_str())) } else { Expression::Null };
        let policies: Vec<String> = cl.cluster_role_policies.iter().map(|p| managed_policy_arn(p)).collect();
        let karpenter = !cl.node_pools.is_empty();
        let mut eks_args = vec![
            ("name", s(name.clone())),
            ("kubernetes_version", s(cl.version.to_string())),
            ("vpc_id", ex(&format!("module.network_{}.vpc_id", ident(&vpc)))),
            ("subnet_ids", subnets.clone()),
            ("endpoint_private", cl.endpoint.private.into()),
            ("endpoint_public", cl.endpoint.public.into()),
            ("public_access_cidrs", strs(cl.endpoint.public_access_cidrs.iter().map(|x| x.to_string()))),
            ("log_types", strs(cl.log_types.iter().map(serde_name))),
            ("log_retention_days", n(retention_days(days(&cl.log_retention)))),
            ("secrets_encryption", cl.secrets_encryption.enabled.into()),
            ("secrets_kms_key_arn", key),
            ("service_ipv4_cidr", cl.services_cidr.map(|x| s(x.to_string())).unwrap_or(Expression::Null)),
            ("cluster_role_policy_arns", strs(policies)),
            ("log_kms_key_arn", ex(LOGS_KEY)),
        ];
        // Self-managed nodes need an access entry of the node role; EKS adds the managed groups'.
        if let Some(ng) = cl.node_groups.iter().find(|ng| ng.management == NodeManagement::SelfManaged) {
            eks_args.push(("node_access_entry_type", s(ng.ami_type.access_entry_type())));
        }
        // Node-level agents that use the node role (a log shipper without its own role).
        let node_policies = node_role_policy_arns(cl);
        if !node_policies.is_empty() {
            eks_args.push(("node_role_policy_arns", strs(node_policies)));
        }
        if cl.node_security_group == Some(stratoform_spec::NodeSecurityGroup::ClusterPrimary) {
            eks_args.push(("nodes_use_cluster_security_group", true.into()));
        }
        if let Some(mode) = cl.authentication_mode {
            eks_args.push(("authentication_mode", s(mode.as_api())));
        }
        if karpenter {
            eks_args.push(("node_security_group_tags", obj([("karpenter.sh/discovery", s(name.clone()))])));
        }
        c.b.module(&crate::cluster_module(cl), "eks", eks_args);
        let eks = crate::cluster_module_address(cl);
        endpoint_access(c, cl, &id, &vpc);
        if karpenter {
            c.b.module(
                &format!("karpenter_{id}"),
                "karpenter",
                vec![
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("cluster_arn", ex(&format!("{eks}.arn"))),
                    ("interruption_queue", cl.karpenter_interruption_queue.into()),
                ],
            );
            c.b.outputs.push(output(
                &format!("karpenter_{id}_node_role_name"),
                &format!("The IAM role of the `{}` cluster's Karpenter nodes.", cl.name),
                ex(&format!("module.karpenter_{id}.node_role_name")),
            ));
            c.b.outputs.push(output(
                &format!("karpenter_{id}_interruption_queue"),
                &format!("The `{}` cluster's Karpenter interruption queue, or null.", cl.name),
                ex(&format!("module.karpenter_{id}.interruption_queue")),
            ));
        }
        for ng in &cl.node_groups {
            let ng_subnets = if ng.subnet_tier.is_some() { c.tier(&vpc, ng.subnet_tier.as_ref(), SubnetKind::Private) } else { subnets.clone() };
            let br = ng.bottlerocket.clone().unwrap_or(stratoform_spec::Bottlerocket { admin_container: false, control_container: true });
            let mut ng_args = vec![
                ("cluster_name", ex(&format!("{eks}.name"))),
                ("name", s(ng.name.to_string())),
                ("management", s(if ng.management == NodeManagement::Managed { "managed" } else { "selfManaged" })),
                ("ami_type", s(ng.ami_type.as_eks())),
                ("ami_ssm_parameter", s(ng.ami_type.image_parameter(&cl.version))),
                ("bootstrap", s(bootstrap_name(ng.ami_type.bootstrap()))),
                ("instance_types", strs(ng.instance_types.iter().map(|t| t.to_string()))),
                ("capacity_type", s(if ng.capacity_type == stratoform_spec::CapacityType::Spot { "SPOT" } else { "ON_DEMAND" })),
                ("min_size", n(ng.min as i64)),
                ("max_size", n(ng.max as i64)),
                ("desired_size", n(ng.desired_size() as i64)),
                ("subnet_ids", ng_subnets),
                ("security_group_ids", ex(&format!("[{eks}.node_security_group_id]"))),
                ("node_role_arn", ex(&format!("{eks}.node_role_arn"))),
                ("instance_profile", ex(&format!("{eks}.node_instance_profile"))),
                ("cluster_endpoint", ex(&format!("{eks}.endpoint"))),
                ("cluster_certificate_authority", ex(&format!("{eks}.certificate_authority"))),
                ("cluster_service_cidr", ex(&format!("{eks}.service_cidr"))),
                (
                    "root_volume",
                    obj([
                        ("size_gib", n(ng.root_volume.size_gib as i64)),
                        ("type", s(ng.root_volume.volume_type.as_str())),
                        ("encrypted", ng.root_volume.encrypted.into()),
                        ("iops", ng.root_volume.iops.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                        ("throughput", ng.root_volume.throughput.map(|x| n(x as i64)).unwrap_or(Expression::Null)),
                    ]),
                ),
                ("imdsv2_required", ng.metadata.imdsv2_required.into()),
                ("metadata_hop_limit", n(ng.metadata.hop_limit as i64)),
                ("labels", string_map(ng.labels.iter())),
                (
                    "taints",
                    list(ng.taints.iter().map(|t| {
                        let effect = match t.effect {
                            stratoform_spec::TaintEffect::NoSchedule => "NO_SCHEDULE",
                            stratoform_spec::TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
                            stratoform_spec::TaintEffect::NoExecute => "NO_EXECUTE",
                        };
                        obj([("key", s(t.key.clone())), ("value", t.value.clone().map(s).unwrap_or(Expression::Null)), ("effect", s(effect))])
                    })),
                ),
                ("autoscaler", ng.autoscaler.into()),
                ("bottlerocket_admin_container", br.admin_container.into()),
                ("bottlerocket_control_container", br.control_container.into()),
            ];
            if let Some(v) = &ng.release_version {
                ng_args.push(("release_version", s(v.to_string())));
            }
            c.b.module(&format!("ng_{id}_{}", ident(ng.name.as_str())), "node-group", ng_args);
        }
        // The EBS CSI driver creates the volumes of the cluster's StorageClasses: their keys exist
        // in this region and its role may use them.
        let ebs_keys = c.model.ebs_kms_keys(cl);
        for k in &ebs_keys {
            c.kms(Some(k));
        }
        let ebs_csi_role = c.model.ebs_csi_role(region, cl).map(|r| r.iam_name.clone());
        // Roles for pods.
        for role in c.model.identity.roles.clone().iter().filter(|r| r.region == region.name.as_str() && r.cluster == cl.name.as_str()) {
            let rid = format!("role_{id}_{}", ident(&role.iam_name.replace(&name, "")).trim_matches('_'));
            let mut managed: Vec<(String, Expression)> = role
                .role
                .managed_policies
                .iter()
                .map(|p| (p.clone(), s(managed_policy_arn(p))))
                .collect();
            for p in &role.role.policies {
                // The Karpenter controller gets its cluster's scoped policy instead of a shared one.
                let karpenter_template = c.model.policy(p.as_str()).is_some_and(|x| x.template == stratoform_spec::PolicyTemplate::KarpenterController);
                let arn = if karpenter && karpenter_template { ex(&format!("module.karpenter_{id}.controller_policy_arn")) } else { policy_ref(c, p.as_str()) };
                managed.push((p.to_string(), arn));
            }
            let mut inline = Vec::new();
            if !role.role.grants.is_empty() {
                let mut r = GrantResolver { ctx: c };
                inline.push(("grants", grant_policy(&role.role.grants, &mut r)));
            }
            if ebs_csi_role.as_deref() == Some(role.iam_name.as_str()) && !ebs_keys.is_empty() {
                let keys: Vec<Expression> = ebs_keys.iter().map(|k| c.kms(Some(k))).collect();
                inline.push(("ebs-csi-kms", ebs_csi_key_policy(keys)));
            }
            c.b.module(
                &rid,
                "identity",
                vec![
                    ("name", s(role.iam_name.clone())),
                    ("binding", s(if role.binding == RoleBinding::PodIdentity { "podIdentity" } else { "irsa" })),
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("oidc_provider_arn", ex(&format!("{eks}.oidc_provider_arn"))),
                    ("oidc_issuer", ex(&format!("{eks}.oidc_issuer"))),
                    ("service_accounts", strs(role.service_accounts.iter().map(|x| format!("{}:{}", x.namespace(), x.name())))),
                    ("managed_policy_arns", obj(managed)),
                    ("inline_policies", obj(inline)),
                ],
            );
        }
        // The role whose ECR tokens keep the Argo CD repository secrets of private chart
        // registries current (the Kubernetes layer's refresher runs as its service account).
        if let Some(auth) = c.model.registry_auth(region, cl) {
            c.b.module(
                &format!("role_{id}_argocd_ecr_auth"),
                "identity",
                vec![
                    ("name", s(auth.iam_name.clone())),
                    ("binding", s("irsa")),
                    ("cluster_name", ex(&format!("{eks}.name"))),
                    ("oidc_provider_arn", ex(&format!("{eks}.oidc_provider_arn"))),
                    ("oidc_issuer", ex(&format!("{eks}.oidc_issuer"))),
                    ("service_accounts", strs([auth.service_account_ref()])),
                    ("managed_policy_arns", obj::<&str>([])),
                    ("inline_policies", obj([("ecr-chart-pull", registry_auth_policy(&auth.repository_arns()))])),
                ],
            );
        }
        // Add-ons with their roles, and access entries.
        let addons: Vec<(String, Expression)> = cl
            .addons
            .iter()
            .map(|a| {
                let role = a.role.as_ref().and_then(|r| c.model.identity.role(region.name.as_str(), cl.name.as_str(), r.as_str()));
                let role_expr = role
                    .map(|r| ex(&format!("module.role_{id}_{}.arn", ident(&r.iam_name.replace(&name, "")).trim_matches('_'))))
                    .unwrap_or(Expression::Null);
                (
                    a.name.clone(),
                    obj([
                        ("version", s(a.version.clone())),
                        ("service_account_role_arn", role_expr),
                        ("configuration", c.model.addon_configuration(a).map(|v| s(v.to_string())).unwrap_or(Expression::Null)),
                    ]),
                )
            })
            .collect();
        let access: Vec<(String, Expression)> = cl
            .access
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    format!("entry-{}", i + 1),
                    obj([
                        ("principal_arn", s(a.principal_arn.to_string())),
                        ("policy_arn", s(format!("arn:aws:eks::aws:cluster-access-policy/{}", a.policy))),
                        ("namespaces", strs(a.namespaces.iter().map(|x| x.to_string()))),
                    ]),
                )
            })
            .collect();
        if !addons.is_empty() || !access.is_empty() {
            c.b.module(
                &format!("addons_{id}"),
                "eks-addons",
                vec![("cluster_name", ex(&format!("{eks}.name"))), ("addons", obj(addons)), ("access_entries", obj(access))],
            );
        }
        c.b.outputs.push(output(&format!("eks_{id}_name"), &format!("The `{}` cluster's name.", cl.name), ex(&format!("{eks}.name"))));
        c.b.outputs.push(output(&format!("eks_{id}_endpoint"), &format!("The `{}` cluster's API endpoint.", cl.name), ex(&format!("{eks}.endpoint"))));
        c.b.outputs.push(output(&format!("eks_{id}_oidc_provider_arn"), &format!("The `{}` cluster's OIDC provider.", cl.name), ex(&format!("{eks}.oidc_provider_arn"))));
    }
}

/// The output `kubernetes_files`: every Kubernetes file of this region's clusters that only this
/// stack's apply can write (chart values and EFS PersistentVolumes, as the model lists them), by
/// its path in the rendered tree, rendered from its template with the module outputs that hold
/// the values. `stratoform up` writes them into the repository the Applications read.
pub(super) fn kubernetes_files(c: &mut Ctx, dirs: &BTreeMap<(String, String), String>) {
    let region = c.region;
    let mut files = Vec::new();
    for cl in &region.clusters {
        let Some(dir) = dirs.get(&(region.name.to_string(), cl.name.to_string())) else { continue };
        for file in c.model.kubernetes_files(region, cl, dir) {
            let vars: Vec<(String, Expression)> = file
                .values
                .iter()
                .map(|v| {
                    let value = match v {
                        AfterApply::VpcId(vpc) => ex(&format!("module.network_{}.vpc_id", ident(vpc))),
                        AfterApply::ClusterEndpoint(cluster) => ex(&format!("module.eks_{}.endpoint", ident(cluster))),
                        AfterApply::CertificateArn(cert) => ex(&format!("module.cert_{}.arn", ident(cert))),
                        AfterApply::FileSystemId(fs) => ex(&format!("module.efs_{}.id", ident(fs))),
                        AfterApply::AccessPointIds(fs) => ex(&format!("module.efs_{}.access_point_ids", ident(fs))),
                        AfterApply::KmsKeyArn(key) => c.kms(Some(key)),
                        AfterApply::WebAclArn(cluster) => ex(&format!("module.waf_{}.arn", ident(cluster))),
                    };
                    (v.variable(), value)
                })
                .collect();
            let template = ex(&format!("\"${{path.module}}/../../../{}\"", file.template()));
            files.push((file.path.clone(), call("templatefile", [template, obj(vars)])));
        }
    }
    c.b.outputs.push(output(
        "kubernetes_files",
        "Kubernetes files whose values exist only after this apply, by path in the rendered tree (`stratoform up` writes them there).",
        obj(files),
    ));
}
