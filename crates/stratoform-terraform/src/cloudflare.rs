//! The `<env>-cloudflare` stack: DNS records in Cloudflare zones (including ACM validation
//! records and records pointing at the regions' load balancers) and Cloudflare load balancers
//! with a health monitor and one pool per region. It reads the AWS environment stacks' outputs
//! and the edge stack's (the NLBs of the clusters) through remote state and uses only the
//! `cloudflare/cloudflare` provider.

use hcl::Expression;
use stratoform_model::{Model, Stack};
use stratoform_spec::DnsProvider;

use crate::dsl::*;
use crate::file::tf_file;
use crate::stacks::state;

/// The Cloudflare provider constraint.
pub const CLOUDFLARE_PROVIDER_VERSION: &str = "~> 4.40";

/// The stack's files.
pub fn render(model: &Model, stack: &Stack, source: &str) -> Vec<(String, String)> {
    let dir = &stack.name;
    let path = |f: &str| format!("stacks/{dir}/{f}");
    let env = model.env_name();
    let zones: Vec<String> = model.cloudflare_zones().iter().map(|z| z.domain.to_string()).collect();
    let st = model.state_backend();
    let mut main = vec![block(
        "terraform",
        &[],
        vec![
            attr("required_version", s(model.versions().terraform)),
            block(
                "required_providers",
                &[],
                vec![attr("cloudflare", obj([("source", s("cloudflare/cloudflare")), ("version", s(CLOUDFLARE_PROVIDER_VERSION))]))],
            ),
        ],
    )];
    for up in &stack.after {
        main.push(block_owned(
            "data",
            vec!["terraform_remote_state".into(), ident(up)],
            vec![
                attr("backend", ex("var.state_backend")),
                attr("config", state::decoded(&st, &state::config_text(&st, "${var.env}", up))),
            ],
        ));
    }
    main.push(block(
        "data",
        &["cloudflare_zone", "this"],
        vec![attr("for_each", ex("toset(var.zones)")), attr("name", ex("each.key"))],
    ));
    // Records: literal values, load balancers of the platform, or NLBs of the clusters.
    for r in model.edge().records.iter().filter(|r| zones.contains(&r.zone.to_string())) {
        let content = match (&r.target, r.values.first()) {
            (Some(t), _) => {
                let parts: Vec<&str> = t.split('/').collect();
                if parts.len() == 2 {
                    ex(&format!("data.terraform_remote_state.{}.outputs.lb_{}_dns_name", ident(&format!("{env}-{}", parts[0])), ident(parts[1])))
                } else {
                    // An NLB a controller created in a cluster, looked up by the edge stack.
                    ex(&format!("data.terraform_remote_state.{}.outputs.load_balancers[{t:?}].dns_name", ident(&format!("{env}-edge"))))
                }
            }
            (None, Some(v)) => s(v.clone()),
            (None, None) => continue,
        };
        let kind = if r.target.is_some() { "CNAME".to_owned() } else { serde_name(&r.kind) };
        main.push(block_owned(
            "resource",
            vec!["cloudflare_record".into(), ident(&format!("{}_{}", r.name, kind))],
            vec![
                attr("zone_id", ex(&format!("data.cloudflare_zone.this[{:?}].id", r.zone.to_string()))),
                attr("name", s(r.name.to_string())),
                attr("type", s(kind)),
                attr("content", content),
                attr("proxied", r.proxied),
                attr("ttl", if r.proxied { n(1) } else { n(r.ttl.as_secs() as i64) }),
            ],
        ));
    }
    // ACM validation records of certificates validated through Cloudflare.
    for region in model.regions() {
        for cert in region.certificates.iter().filter(|c| c.validation_dns == DnsProvider::Cloudflare) {
            let Some(zone) = model.cloudflare_zone_of(cert.zone.as_str()).map(|z| z.domain.to_string()) else { continue };
            let remote = ident(&format!("{env}-{}", region.name));
            if !stack.after.iter().any(|a| ident(a) == remote) {
                continue;
            }
            main.push(block_owned(
                "resource",
                vec!["cloudflare_record".into(), ident(&format!("acm_{}_{}", region.name, cert.name))],
                vec![
                    attr(
                        "for_each",
                        ex(&format!(
                            "{{ for r in data.terraform_remote_state.{remote}.outputs.cert_{}_validation_records : r.name => r }}",
                            ident(cert.name.as_str())
                        )),
                    ),
                    attr("zone_id", ex(&format!("data.cloudflare_zone.this[{zone:?}].id"))),
                    attr("name", ex("trimsuffix(each.value.name, \".\")")),
                    attr("type", ex("each.value.type")),
                    attr("content", ex("trimsuffix(each.value.value, \".\")")),
                    attr("proxied", false),
                    attr("ttl", n(300)),
                ],
            ));
        }
    }
    for lb in &model.edge().cloudflare_load_balancers {
        let id = ident(lb.name.as_str());
        let m = &lb.monitor;
        let mut monitor = vec![
            attr("account_id", ex("var.cloudflare_account_id")),
            attr("type", s(m.protocol.clone())),
            attr("method", s(m.method.clone())),
            attr("path", s(m.path.clone())),
            attr("interval", n(m.interval.as_secs() as i64)),
            attr("timeout", n(m.timeout.as_secs() as i64)),
            attr("retries", n(m.retries as i64)),
            attr("expected_codes", s(m.expected_codes.clone())),
        ];
        if let Some(body) = &m.expected_body {
            monitor.push(attr("expected_body", s(body.clone())));
        }
        monitor.push(attr("description", s(format!("{} health", lb.hostname))));
        // The origin is the load balancer's AWS name, which its certificate does not cover: the
        // probe asks for the hostname clients use (Cloudflare sends it as SNI too).
        if matches!(m.protocol.as_str(), "http" | "https") {
            monitor.push(block("header", &[], vec![attr("header", s("Host".to_owned())), attr("values", list([s(lb.hostname.to_string())]))]));
        }
        main.push(block_owned("resource", vec!["cloudflare_load_balancer_monitor".into(), id.clone()], monitor));
        for pool in &lb.pools {
            let remote = ident(&format!("{env}-{}", pool.region));
            main.push(block_owned(
                "resource",
                vec!["cloudflare_load_balancer_pool".into(), ident(&format!("{}_{}", lb.name, pool.name))],
                vec![
                    attr("account_id", ex("var.cloudflare_account_id")),
                    attr("name", s(format!("{}-{}-{}", model.names.prefix(), lb.name, pool.name))),
                    attr("monitor", ex(&format!("cloudflare_load_balancer_monitor.{id}.id"))),
                    attr("minimum_origins", n(pool.minimum_origins as i64)),
                    block(
                        "origins",
                        &[],
                        vec![
                            attr("name", s(format!("{}-{}", pool.region, pool.load_balancer))),
                            attr("address", ex(&format!("data.terraform_remote_state.{remote}.outputs.lb_{}_dns_name", ident(pool.load_balancer.as_str())))),
                            attr("enabled", true),
                        ],
                    ),
                ],
            ));
        }
        let pool_ref = |name: &str| ex(&format!("cloudflare_load_balancer_pool.{}.id", ident(&format!("{}_{name}", lb.name))));
        main.push(block_owned(
            "resource",
            vec!["cloudflare_load_balancer".into(), id.clone()],
            vec![
                attr("zone_id", ex(&format!("data.cloudflare_zone.this[{:?}].id", lb.zone.to_string()))),
                attr("name", s(lb.hostname.to_string())),
                attr("steering_policy", s(lb.steering.as_api())),
                attr("default_pool_ids", list(lb.pools.iter().map(|p| pool_ref(p.name.as_str())))),
                attr("fallback_pool_id", pool_ref(lb.fallback_pool.as_str())),
                attr("proxied", lb.proxied),
            ],
        ));
    }
    let mut variables = vec![
        variable("env", "string", "The environment.", None),
        variable("zones", "list(string)", "The Cloudflare zones records are written into.", None),
        variable("cloudflare_account_id", "string", "The Cloudflare account of load balancer pools and monitors.", Some(Expression::Null)),
    ];
    if st.cloud.is_some() {
        variables.extend(state::variables(&st));
    } else {
        variables.extend([
            variable("state_backend", "string", "Where the AWS stacks' state is read: s3 or local.", Some(s("s3"))),
            variable("state_bucket", "string", "The state bucket.", None),
            variable("state_region", "string", "The state bucket's region.", None),
            variable("state_key_prefix", "string", "The prefix of state keys.", None),
            variable("local_state_dir", "string", "The directory of local state files.", Some(s("../../.state"))),
        ]);
    }
    let mut tfvars = vec![attr("env", s(env)), attr("zones", strs(zones.clone()))];
    tfvars.extend(state::values(&st));
    let backend = match state::cloud_block(&st, dir, &[env.to_owned()]) {
        Some((cloud, header)) => (header, cloud),
        None => ("Cloudflare stack: state in S3.".to_owned(), block("terraform", &[], vec![block("backend", &["s3"], state::s3_body(&st, env, dir))])),
    };
    vec![
        (path("main.tf"), tf_file(source, "Cloudflare stack: DNS records and load balancers.", main)),
        (
            path("providers.tf"),
            tf_file(source, "Cloudflare stack: the provider reads CLOUDFLARE_API_TOKEN from the environment.", vec![block("provider", &["cloudflare"], vec![])]),
        ),
        (path("variables.tf"), tf_file(source, "Cloudflare stack: inputs.", variables)),
        (path("backend.tf"), tf_file(source, &backend.0, vec![backend.1])),
        (path("terraform.tfvars"), tf_file(source, &format!("Cloudflare stack: values of environment `{env}`."), tfvars)),
    ]
}
