//! The Helm chart catalog: each chart at its pinned version with its values, after stratoform adds
//! what the model knows (role ARNs on the chart's service account, the cluster autoscaler's
//! settings, NLB annotations of the NGINX controller and of a gateway's chart, Argo CD's health
//! checks, placement) and resolves `${...}` references.

use serde_json::{Map, Value, json};
use stratoform_spec::{ChartTier, HelmChart, Scheme};

use crate::chart_placement::set;
pub use crate::chart_placement::placement_keys;
use crate::refs::{SplitValues, split_values};
use crate::{ClusterCtx, Target};

/// Charts that only make sense on AWS; a kind cluster leaves them out (see `parity.md`).
pub const AWS_ONLY_CHARTS: &[&str] = &[
    "aws-load-balancer-controller",
    "cluster-autoscaler",
    "karpenter",
    "aws-for-fluent-bit",
    "secrets-store-csi-driver-provider-aws",
    "aws-node-termination-handler",
];

/// Argo CD's health check for `Application` resources: since Argo CD 1.8 a parent application
/// no longer reads its children's health, so without this a sync wave of child applications is
/// "healthy" as soon as they exist, and the next wave starts before the charts are up.
pub const APPLICATION_HEALTH_LUA: &str = "\
-- A child Application is as healthy as Argo CD says its resources are.
local hs = {status = \"Progressing\", message = \"\"}
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
";

/// The argocd-cm key that holds [`APPLICATION_HEALTH_LUA`].
pub const APPLICATION_HEALTH_KEY: &str = "resource.customizations.health.argoproj.io_Application";

/// One chart release, ready for an Argo CD Application.
#[derive(Clone, Debug)]
pub struct Release {
    /// The spec entry.
    pub chart: HelmChart,
    /// The release name, placeholders filled.
    pub release: String,
    /// Values known at render time and the Terraform-fed remainder.
    pub values: SplitValues,
    /// Installed before the chain because the rendered objects need it and the spec does not
    /// list it (`crate::installers`).
    pub prerequisite: bool,
}

/// Every chart of the cluster's spec (AWS-only ones left out on kind).
pub fn releases(ctx: &ClusterCtx<'_>) -> Vec<Release> {
    releases_of(ctx, &ctx.cluster.charts)
}

/// The releases of these charts (AWS-only ones left out on kind).
pub fn releases_of(ctx: &ClusterCtx<'_>, charts: &[HelmChart]) -> Vec<Release> {
    charts
        .iter()
        .filter(|c| !(ctx.target == Target::Kind && AWS_ONLY_CHARTS.contains(&c.chart_name())))
        .map(|c| {
            let release = ctx.fill(c.release.as_str());
            let mut values = injected(ctx, c);
            merge(&mut values, &c.values);
            // What the chart refuses to install without, where the spec left it unset.
            fill(&mut values, &stratoform_model::chart_requirements::required_values(c.chart_name(), &c.values));
            if c.chart_name() == stratoform_model::image_updates::CHART {
                // The registries of the watched images, with the auth scripts they log in with.
                fill(&mut values, &stratoform_model::image_updates::updater_values(&ctx.cluster.workloads));
            }
            let mut split = split_values(ctx, &release, &values);
            if ctx.target == Target::Kind {
                // Nothing from Terraform exists locally; parity.md lists what was dropped.
                split.terraform.clear();
                split.outputs.clear();
                localize(&mut split.values);
            }
            Release {
                chart: c.clone(),
                release,
                values: split,
                prerequisite: false,
            }
        })
        .collect()
}

/// Whether a chart is outside the install chain.
pub fn is_independent(c: &HelmChart) -> bool {
    c.tier == ChartTier::Independent
}

/// Deep-merges `over` into `base` (`over` wins on conflicts).
pub fn merge(base: &mut Map<String, Value>, over: &Map<String, Value>) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Value::Object(b)), Value::Object(o)) => merge(b, o),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Adds the entries of `defaults` that `base` lacks, deep (`base` wins on conflicts).
fn fill(base: &mut Map<String, Value>, defaults: &Map<String, Value>) {
    for (k, v) in defaults {
        match (base.get_mut(k), v) {
            (Some(Value::Object(b)), Value::Object(d)) => fill(b, d),
            (Some(_), _) => {}
            (None, _) => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The values stratoform adds before the spec's own (which win on conflicts).
fn injected(ctx: &ClusterCtx<'_>, c: &HelmChart) -> Map<String, Value> {
    let mut v = Map::new();
    let chart = c.chart_name();
    if let Some(role_name) = &c.role {
        match ctx.role(role_name.as_str()) {
            Some(role) => {
                // Where the chart reads its service account (see `contracts/`); thanos has one
                // per component, named after it by default, and gets only the IRSA annotation.
                let sa_paths: &[&[&str]] = match chart {
                    "cluster-autoscaler" => &[&["rbac", "serviceAccount"]],
                    "kube-prometheus-stack" => &[&["prometheus", "serviceAccount"]],
                    "thanos" => &[
                        &["storegateway", "serviceAccount"],
                        &["compactor", "serviceAccount"],
                    ],
                    _ => &[&["serviceAccount"]],
                };
                // The service account the role's trust policy admits in the chart's namespace:
                // the one named after the release or chart, else the only one.
                let release = ctx.fill(c.release.as_str());
                let admitted: Vec<&str> = role
                    .service_accounts
                    .iter()
                    .filter(|s| s.namespace() == c.namespace.as_str() && !s.is_wildcard())
                    .map(|s| s.name())
                    .collect();
                let pick = admitted
                    .iter()
                    .find(|n| **n == release || **n == chart)
                    .or_else(|| {
                        admitted
                            .iter()
                            .find(|n| n.contains(chart) || chart.contains(**n))
                    })
                    .or(if admitted.len() == 1 {
                        admitted.first()
                    } else {
                        None
                    });
                for sa_path in sa_paths {
                    if let Some(sa) = pick.filter(|_| sa_paths.len() == 1) {
                        set(&mut v, &[*sa_path, &["name"]].concat(), json!(sa));
                    }
                    if ClusterCtx::is_irsa(role)
                        && ctx.target == Target::Aws
                        && let Some(arn) = ctx.role_arn(role)
                    {
                        set(
                            &mut v,
                            &[*sa_path, &["annotations"]].concat(),
                            json!({"eks.amazonaws.com/role-arn": arn}),
                        );
                    }
                }
            }
            None => ctx.problem(crate::Problem::UnknownRole {
                env: ctx.env().into(),
                cluster: ctx.name().into(),
                owner: format!("chart `{}`", c.release),
                role: role_name.to_string(),
            }),
        }
    }
    match chart {
        "cluster-autoscaler" => {
            let a = ctx.cluster.autoscaler.clone().unwrap_or_default();
            set(
                &mut v,
                &["autoDiscovery", "clusterName"],
                json!(ctx.eks_name),
            );
            // The tags Terraform puts on every autoscaled node group.
            set(
                &mut v,
                &["autoDiscovery", "tags"],
                json!([
                    "k8s.io/cluster-autoscaler/enabled",
                    format!("k8s.io/cluster-autoscaler/{}", ctx.eks_name)
                ]),
            );
            set(&mut v, &["awsRegion"], json!(ctx.region.name.as_str()));
            set(
                &mut v,
                &["extraArgs"],
                json!({
                    "scale-down-utilization-threshold": format!("{:.2}", f64::from(a.scale_down_utilization) / 100.0),
                    "scale-down-unneeded-time": a.scale_down_delay.to_string(),
                    "scale-down-delay-after-add": a.scale_down_delay_after_add.to_string(),
                    "scan-interval": a.scan_interval.to_string(),
                    "expander": a.expander,
                    "balance-similar-node-groups": a.balance_similar_node_groups,
                }),
            );
        }
        crate::installers::CSI_DRIVER_CHART if crate::installers::syncs_secrets(ctx) => {
            // secretObjects are written by the driver, which needs the Secrets RBAC for it.
            set(&mut v, &["syncSecret", "enabled"], json!(true));
        }
        crate::installers::ASCP_CHART
            if crate::installers::spec_has_chart(ctx, crate::installers::CSI_DRIVER_CHART)
                || crate::installers::mounts_secrets(ctx) =>
        {
            // The pinned driver is its own release; the provider's unpinned copy stays out.
            set(
                &mut v,
                &["secrets-store-csi-driver", "install"],
                json!(false),
            );
        }
        stratoform_model::secrets::CERT_MANAGER_CHART if ctx.target == Target::Aws => {
            // The controller mounts the SecretProviderClasses that sync the Secrets its issuers
            // read: the CSI driver writes a synced Secret only while a pod mounts the volume.
            let mounts = ctx.model.chart_secret_mounts(ctx.cluster);
            if !mounts.is_empty() {
                let volume = |m: &stratoform_model::secrets::ChartSecretMount<'_>| format!("secret-{}", m.secret.name);
                set(
                    &mut v,
                    &["volumes"],
                    mounts
                        .iter()
                        .map(|m| json!({"name": volume(m), "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": true, "volumeAttributes": {"secretProviderClass": m.secret.name.as_str()}}}))
                        .collect(),
                );
                set(
                    &mut v,
                    &["volumeMounts"],
                    mounts.iter().map(|m| json!({"name": volume(m), "mountPath": format!("/var/run/secrets/stratoform/{}", m.secret.name), "readOnly": true})).collect(),
                );
            }
        }
        "argo-cd" => {
            set(
                &mut v,
                &["configs", "cm", APPLICATION_HEALTH_KEY],
                json!(APPLICATION_HEALTH_LUA),
            );
        }
        stratoform_model::alb::LOAD_BALANCER_CONTROLLER_CHART if ctx.target == Target::Aws && (ctx.model.has_alb_workloads(ctx.cluster) || ctx.cluster.alb_ingress.is_some()) => {
            // The IngressClass every ALB Ingress names, with the settings its ALBs share.
            let alb = ctx.model.alb_ingress(ctx.cluster);
            set(&mut v, &["ingressClass"], json!(stratoform_model::alb::ALB_INGRESS_CLASS));
            set(&mut v, &["createIngressClassResource"], json!(true));
            set(&mut v, &["ingressClassParams", "create"], json!(true));
            set(&mut v, &["ingressClassParams", "name"], json!(stratoform_model::alb::ALB_INGRESS_CLASS));
            set(&mut v, &["ingressClassParams", "spec", "sslPolicy"], json!(alb.ssl_policy));
            if let Some(reference) = ctx.model.web_acl_reference(ctx.cluster) {
                set(&mut v, &["ingressClassParams", "spec", "wafv2AclArn"], json!(format!("${{{reference}}}")));
            }
            if let Some(logs) = ctx.model.alb_logs(ctx.region, ctx.cluster) {
                use stratoform_model::alb::{ACCESS_LOGS_BUCKET, ACCESS_LOGS_ENABLED, ACCESS_LOGS_PREFIX};
                let attribute = |key: &str, value: &str| json!({"key": key, "value": value});
                set(
                    &mut v,
                    &["ingressClassParams", "spec", "loadBalancerAttributes"],
                    json!([attribute(ACCESS_LOGS_ENABLED, "true"), attribute(ACCESS_LOGS_BUCKET, &logs.bucket_name), attribute(ACCESS_LOGS_PREFIX, &logs.prefix)]),
                );
            }
        }
        "ingress-nginx" => {
            if let Some(n) = &ctx.cluster.ingress_nginx {
                set(
                    &mut v,
                    &["controller", "ingressClassResource", "name"],
                    json!(n.class_name),
                );
                set(&mut v, &["controller", "ingressClass"], json!(n.class_name));
                match ctx.target {
                    Target::Aws => {
                        let mut ann = crate::gateways::nlb_annotations(n.scheme, &n.nlb);
                        // The name the edge stack looks the NLB up by.
                        ann.insert(
                            stratoform_model::LOAD_BALANCER_NAME_ANNOTATION.into(),
                            json!(ctx.model.cluster_load_balancer(ctx.region, ctx.cluster, None)),
                        );
                        if let Some(cert) = ctx.model.ingress_nginx_certificate(ctx.cluster) {
                            // TLS ends at the NLB with the ACM certificate; NGINX gets plain HTTP.
                            ann.insert(
                                "service.beta.kubernetes.io/aws-load-balancer-ssl-cert".into(),
                                json!(format!("${{{cert}}}")),
                            );
                            ann.insert(
                                "service.beta.kubernetes.io/aws-load-balancer-ssl-ports".into(),
                                json!("https"),
                            );
                            set(
                                &mut v,
                                &["controller", "service", "targetPorts", "https"],
                                json!("http"),
                            );
                        }
                        set(
                            &mut v,
                            &["controller", "service", "annotations"],
                            Value::Object(ann),
                        );
                        if n.nlb.proxy_protocol {
                            set(
                                &mut v,
                                &["controller", "config", "use-proxy-protocol"],
                                json!("true"),
                            );
                        }
                        if n.scheme == Scheme::InternetFacing {
                            set(
                                &mut v,
                                &["controller", "service", "externalTrafficPolicy"],
                                json!("Local"),
                            );
                        }
                    }
                    Target::Kind => set(
                        &mut v,
                        &["controller", "service", "type"],
                        json!("NodePort"),
                    ),
                }
            }
        }
        _ => {}
    }
    if let Some(g) = crate::gateways::served_by(ctx, &c.name) {
        // The chart's Service is the gateway's only load balancer (`gateways[].chart`).
        match ctx.target {
            Target::Aws => {
                set(&mut v, &["service", "type"], json!("LoadBalancer"));
                set(
                    &mut v,
                    &["service", "annotations"],
                    Value::Object(crate::gateways::gateway_nlb_annotations(ctx, g)),
                );
                if let Some((k, config)) = crate::gateways::proxy_protocol_config(g) {
                    set(&mut v, &["podAnnotations", k], config);
                }
            }
            Target::Kind => set(&mut v, &["service", "type"], json!("NodePort")),
        }
    }
    crate::chart_placement::place_pods(ctx, c, chart, &mut v);
    v
}

/// Kind has no load balancer controller and no IAM: LoadBalancer Services in chart values become
/// NodePort, and AWS load balancer and IRSA annotations go.
fn localize(values: &mut Map<String, Value>) {
    let aws_key = |k: &str| {
        k.starts_with("service.beta.kubernetes.io/aws-load-balancer")
            || k == "eks.amazonaws.com/role-arn"
    };
    values.retain(|k, _| !aws_key(k));
    for (k, v) in values.iter_mut() {
        match v {
            Value::String(s) if k == "type" && s == "LoadBalancer" => *s = "NodePort".into(),
            Value::Object(m) => localize(m),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(m) = item {
                        localize(m);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_values_lose_aws_load_balancers_and_roles() {
        let mut v = json!({"service": {"type": "LoadBalancer", "annotations": {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing", "keep": "yes"}},
            "serviceAccount": {"annotations": {"eks.amazonaws.com/role-arn": "arn"}}})
        .as_object()
        .cloned()
        .unwrap();
        localize(&mut v);
        assert_eq!(
            Value::Object(v),
            json!({"service": {"type": "NodePort", "annotations": {"keep": "yes"}}, "serviceAccount": {"annotations": {}}})
        );
    }
}
