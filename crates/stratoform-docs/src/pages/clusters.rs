//! `clusters.md`: cluster settings, node groups, Karpenter node pools, add-ons with versions and
//! roles, namespaces and the autoscaler, in the seeds' Parameter / Value style.

use stratoform_model::Model;
use stratoform_spec::{Cluster, ControlPlaneLog, NodeManagement, Region};

use super::{header, yes_no};
use crate::link::md;
use crate::markdown::{code, Doc, Table};

fn role_cell(model: &Model, region: &Region, cluster: &Cluster, role: Option<&str>) -> String {
    match role {
        Some(r) => {
            let iam = model.names.fill(r, Some(region), Some(cluster));
            if iam == r { code(&iam) } else { format!("{} ({})", code(&iam), code(r)) }
        }
        None => "None".into(),
    }
}

pub(crate) fn page(model: &Model) -> String {
    let mut doc = Doc::new(&header(model), "Clusters");
    for (ri, region) in model.regions().iter().enumerate() {
        for (ci, c) in region.clusters.iter().enumerate() {
            let base = format!("/regions/{ri}/clusters/{ci}");
            let name = model.names.cluster_in(c, region);
            doc.h2(&format!("EKS cluster `{name}` ({})", region.name));
            doc.h3("Cluster settings");
            let mut t = Table::new(&["Parameter", "Value", "Spec"]);
            t.row(vec!["Kubernetes version".into(), c.version.to_string(), md(model, &format!("{base}/version"))]);
            let access = match (c.endpoint.private, c.endpoint.public) {
                (true, false) => "Private".to_owned(),
                (true, true) => format!("Private and public ({})", c.endpoint.public_access_cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                (false, true) => format!("Public ({})", c.endpoint.public_access_cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                (false, false) => "none".to_owned(),
            };
            t.row(vec!["API endpoint access".into(), access, md(model, &format!("{base}/endpoint"))]);
            t.row(vec!["VPC".into(), format!("{} (subnet tier {})", c.vpc, c.subnet_tier.as_ref().map_or("first private".into(), ToString::to_string)), md(model, &format!("{base}/vpc"))]);
            let cni = c.addons.iter().find(|a| a.name == "vpc-cni").map_or("VPC CNI (EKS default)".to_owned(), |a| format!("VPC CNI {} (pod-level ENI attachment)", a.version));
            t.row(vec!["Networking".into(), cni, md(model, &format!("{base}/addons"))]);
            t.row(vec!["Services CIDR".into(), c.services_cidr.as_ref().map_or("chosen by EKS".into(), ToString::to_string), md(model, &format!("{base}/servicesCidr"))]);
            let logs: Vec<&str> = c
                .log_types
                .iter()
                .map(|l| match l {
                    ControlPlaneLog::Api => "api",
                    ControlPlaneLog::Audit => "audit",
                    ControlPlaneLog::Authenticator => "authenticator",
                    ControlPlaneLog::ControllerManager => "controllerManager",
                    ControlPlaneLog::Scheduler => "scheduler",
                })
                .collect();
            t.row(vec![
                "Logging".into(),
                format!("CloudWatch Log Group (/aws/eks/{name}/cluster): {}, kept {}", logs.join(", "), c.log_retention),
                md(model, &format!("{base}/logTypes")),
            ]);
            let enc = if c.secrets_encryption.enabled { c.secrets_encryption.kms_key.as_ref().map_or("KMS key created for the cluster".into(), |k| format!("KMS key `{k}`")) } else { "disabled".into() };
            t.row(vec!["Secrets encryption".into(), enc, md(model, &format!("{base}/secretsEncryption"))]);
            t.row(vec!["Cluster role policies".into(), c.cluster_role_policies.join(", "), md(model, &format!("{base}/clusterRolePolicies"))]);
            doc.table(&t);

            for (ni, ng) in c.node_groups.iter().enumerate() {
                let p = format!("{base}/nodeGroups/{ni}");
                doc.h3(&format!("Node group `{}`", ng.name));
                if let Some(purpose) = &ng.purpose {
                    doc.para(purpose);
                }
                let mut t = Table::new(&["Parameter", "Value", "Spec"]);
                let mgmt = match ng.management { NodeManagement::Managed => "EKS managed node group", NodeManagement::SelfManaged => "self-managed Auto Scaling group" };
                t.row(vec!["Management".into(), mgmt.into(), md(model, &format!("{p}/management"))]);
                t.row(vec!["AMI type".into(), ng.ami_type.as_eks().into(), md(model, &format!("{p}/amiType"))]);
                t.row(vec!["Instance types".into(), ng.instance_types.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "), md(model, &format!("{p}/instanceTypes"))]);
                t.row(vec!["Capacity type".into(), format!("{:?}", ng.capacity_type).replace("OnDemand", "on-demand").replace("Spot", "spot"), md(model, &format!("{p}/capacityType"))]);
                t.row(vec!["Scaling — minimum nodes".into(), ng.min.to_string(), md(model, &format!("{p}/min"))]);
                t.row(vec!["Scaling — desired nodes".into(), ng.desired_size().to_string(), md(model, &format!("{p}/desired"))]);
                t.row(vec!["Scaling — maximum nodes".into(), ng.max.to_string(), md(model, &format!("{p}/max"))]);
                let rv = &ng.root_volume;
                t.row(vec![
                    "Root volume".into(),
                    format!("{} GB {} EBS{}", rv.size_gib, rv.volume_type.as_str(), if rv.encrypted { ", encrypted" } else { ", unencrypted" }),
                    md(model, &format!("{p}/rootVolume")),
                ]);
                let imds = if ng.metadata.imdsv2_required { format!("IMDSv2 required (http_tokens = \"required\"), hop limit {}", ng.metadata.hop_limit) } else { "IMDSv1 allowed".into() };
                t.row(vec!["Metadata service".into(), imds, md(model, &format!("{p}/metadata"))]);
                if !ng.labels.is_empty() {
                    t.row(vec!["Labels".into(), ng.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "), md(model, &format!("{p}/labels"))]);
                }
                if !ng.taints.is_empty() {
                    t.row(vec![
                        "Taints".into(),
                        ng.taints.iter().map(|t| format!("{}={}:{:?}", t.key, t.value.clone().unwrap_or_default(), crate::markdown::spec_name(&t.effect))).collect::<Vec<_>>().join(", "),
                        md(model, &format!("{p}/taints")),
                    ]);
                }
                t.row(vec!["Cluster autoscaler".into(), yes_no(ng.autoscaler), md(model, &format!("{p}/autoscaler"))]);
                if let Some(b) = &ng.bottlerocket {
                    t.row(vec![
                        "Bottlerocket".into(),
                        format!("admin container {}, control container {}", if b.admin_container { "enabled" } else { "disabled" }, if b.control_container { "enabled" } else { "disabled" }),
                        md(model, &format!("{p}/bottlerocket")),
                    ]);
                }
                doc.table(&t);
            }

            // Which workloads and charts run where (nodeSelector and tolerations follow from it).
            let mut placed = Table::new(&["Worker group", "Workloads", "Charts", "Spec"]);
            let groups = c.node_groups.iter().enumerate().map(|(i, g)| (g.name.as_str(), format!("{base}/nodeGroups/{i}")));
            let pools = c.node_pools.iter().enumerate().map(|(i, p)| (p.name.as_str(), format!("{base}/nodePools/{i}")));
            for (name, pointer) in groups.chain(pools) {
                let workloads: Vec<&str> = c
                    .workloads
                    .iter()
                    .filter(|w| w.placement.as_ref().is_some_and(|p| p.node_group.as_deref() == Some(name) || p.node_pool.as_deref() == Some(name)))
                    .map(|w| w.name.as_str())
                    .collect();
                let charts: Vec<String> = c.charts.iter().filter(|ch| ch.placement.as_deref() == Some(name)).map(|ch| model.names.fill(&ch.release, Some(region), Some(c))).collect();
                if !workloads.is_empty() || !charts.is_empty() {
                    placed.row(vec![name.to_owned(), workloads.join(", "), charts.join(", "), md(model, &pointer)]);
                }
            }
            if !placed.is_empty() {
                doc.h3("Workload placement");
                doc.table(&placed);
            }

            if !c.node_pools.is_empty() {
                doc.h3("Karpenter node pools");
                let mut t = Table::new(&["Pool", "Instances", "Capacity", "Limits", "Consolidation", "Spec"]);
                for (pi, np) in c.node_pools.iter().enumerate() {
                    let inst: Vec<String> = np.instance_families.iter().cloned().chain(np.instance_types.iter().map(ToString::to_string)).collect();
                    let limits = format!("{} CPU, {} GiB", np.cpu_limit.map_or("no".into(), |v| v.to_string()), np.memory_limit_gib.map_or("no".into(), |v| v.to_string()));
                    t.row(vec![
                        np.name.to_string(),
                        inst.join(", "),
                        np.capacity_types.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "),
                        limits,
                        format!("{} after {}", crate::markdown::spec_name(&np.consolidation), np.consolidate_after),
                        md(model, &format!("{base}/nodePools/{pi}")),
                    ]);
                }
                doc.table(&t);
            }

            if !c.addons.is_empty() {
                doc.h3("EKS managed add-ons");
                let mut t = Table::new(&["Addon", "Version", "Purpose", "IRSA Role", "Spec"]);
                for (ai, a) in c.addons.iter().enumerate() {
                    t.row(vec![
                        a.name.clone(),
                        a.version.clone(),
                        a.purpose.clone().unwrap_or_default(),
                        role_cell(model, region, c, a.role.as_deref()),
                        md(model, &format!("{base}/addons/{ai}")),
                    ]);
                }
                doc.table(&t);
            }

            if !c.namespaces.is_empty() {
                doc.h3("Namespaces");
                let mut t = Table::new(&["Namespace", "Ambient mesh", "Pod security", "Team", "Spec"]);
                for (i, n) in c.namespaces.iter().enumerate() {
                    t.row(vec![
                        n.name.to_string(),
                        yes_no(n.ambient),
                        format!("{:?}", n.pod_security).to_lowercase(),
                        n.team.as_ref().map_or("platform".into(), ToString::to_string),
                        md(model, &format!("{base}/namespaces/{i}")),
                    ]);
                }
                doc.table(&t);
            }

            if let Some(a) = &c.autoscaler {
                doc.h3("Cluster autoscaler");
                let mut t = Table::new(&["Parameter", "Value", "Spec"]);
                let p = format!("{base}/autoscaler");
                t.row(vec!["Scale up at utilisation".into(), format!("{}%", a.scale_up_utilization), md(model, &p)]);
                t.row(vec!["Scale down below utilisation".into(), format!("{}%", a.scale_down_utilization), md(model, &p)]);
                t.row(vec!["Scale-down delay".into(), a.scale_down_delay.to_string(), md(model, &p)]);
                t.row(vec!["Scan interval".into(), a.scan_interval.to_string(), md(model, &p)]);
                t.row(vec!["Expander".into(), a.expander.clone(), md(model, &p)]);
                t.row(vec!["Balance similar node groups".into(), yes_no(a.balance_similar_node_groups), md(model, &p)]);
                doc.table(&t);
            }

            if !c.workloads.is_empty() {
                doc.h3("Workloads");
                let mut t = Table::new(&["Workload", "Namespace", "Replicas", "Resources", "Autoscaling", "Disruption budget", "Placement", "Role", "Spec"]);
                for (wi, w) in c.workloads.iter().enumerate() {
                    let hpa = w.autoscaling.as_ref().map_or(String::new(), |a| {
                        let mut parts = vec![format!("HPA {}-{}", a.min.unwrap_or(w.replicas), a.max)];
                        if let Some(cpu) = a.cpu {
                            parts.push(format!("CPU {cpu}%"));
                        }
                        if let Some(mem) = a.memory {
                            parts.push(format!("memory {mem}%"));
                        }
                        if let Some(v) = a.vpa {
                            parts.push(format!("VPA {v:?}").to_lowercase().replace("vpa", "VPA"));
                        }
                        parts.join(", ")
                    });
                    let pdb = w.disruption_budget.as_ref().map_or_else(
                        || if w.replicas > 1 { "minAvailable 1".to_owned() } else { String::new() },
                        |d| match (d.min_available, d.max_unavailable) {
                            (Some(m), _) => format!("minAvailable {m}"),
                            (None, Some(m)) => format!("maxUnavailable {m}"),
                            _ => String::new(),
                        },
                    );
                    let placement = w.placement.as_ref().map_or(String::new(), |p| {
                        p.node_group.as_ref().map(|g| format!("node group {g}")).or_else(|| p.node_pool.as_ref().map(|n| format!("node pool {n}"))).unwrap_or_default()
                    });
                    let r = &w.resources;
                    t.row(vec![
                        w.name.to_string(),
                        w.namespace.to_string(),
                        w.replicas.to_string(),
                        format!("{} CPU, {} memory", r.cpu, r.memory),
                        hpa,
                        pdb,
                        placement,
                        role_cell(model, region, c, w.role.as_deref()),
                        md(model, &format!("{base}/workloads/{wi}")),
                    ]);
                }
                doc.table(&t);
            }

            if !c.access.is_empty() {
                doc.h3("Access entries");
                let mut t = Table::new(&["Principal", "Policy", "Namespaces", "Spec"]);
                for (i, a) in c.access.iter().enumerate() {
                    t.row(vec![a.principal_arn.to_string(), a.policy.clone(), if a.namespaces.is_empty() { "cluster".into() } else { a.namespaces.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }, md(model, &format!("{base}/access/{i}"))]);
                }
                doc.table(&t);
            }
        }
    }
    doc.finish()
}
