//! The `<env>-edge` stack: DNS records of the NLBs that the AWS Load Balancer Controller creates
//! for Gateways and the ingress-nginx controller. It is applied after the clusters' Applications
//! have synced: it looks each NLB up by the name the model gave its Service
//! (`data "aws_lb"`), writes Route 53 alias records into the account stack's zones (or into zones
//! that exist already, found by name), and outputs the NLBs for the Cloudflare stack.

use std::collections::BTreeMap;

use hcl::Expression;
use stratoform_model::{Model, RecordTarget, StackKind, ZoneHome};
use stratoform_spec::RecordType;

use super::StackBuilder;
use crate::dsl::*;

/// The edge stack's files, when the environment has records of in-cluster load balancers.
pub fn render(model: &Model, source: &str) -> Vec<(String, String)> {
    let Some(stack) = model.stacks.iter().find(|s| s.kind == StackKind::Edge) else {
        return Vec::new();
    };
    let home = stack.region.clone().unwrap_or_else(|| model.primary_region().name.to_string());
    let mut b = StackBuilder::default();
    // One lookup per NLB, in the region of its cluster.
    let mut lookups: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for (record, target, lb) in model.cluster_records() {
        let entry = lookups.entry(lb).or_insert_with(|| (target.region().name.to_string(), Vec::new()));
        if let Some(t) = &record.target
            && !entry.1.contains(t)
        {
            entry.1.push(t.clone());
        }
    }
    for (lb, (region, _)) in &lookups {
        let mut body = Vec::new();
        if *region != home {
            body.push(attr("provider", ex(&b.alias(region))));
        }
        body.push(attr("name", s(lb.clone())));
        b.main.push(block_owned("data", vec!["aws_lb".into(), ident(lb)], body));
    }
    // Zones: those the account stack creates by its output, the others by name.
    let mut records = Vec::new();
    let mut by_name = Vec::new();
    for (record, target, lb) in model.cluster_records() {
        let Some(zone) = model.route53_zone(record.zone.as_str()) else { continue };
        let RecordTarget::Cluster { .. } = target else { continue };
        let kind = if record.kind == RecordType::Aaaa { "AAAA" } else { "A" };
        let zone_id = if Model::zone_home(zone) == ZoneHome::Account {
            let account = b.remote("account");
            ex(&format!("{account}.zone_ids[{:?}]", zone.domain.to_string()))
        } else {
            if !by_name.contains(&zone.domain.to_string()) {
                by_name.push(zone.domain.to_string());
            }
            ex(&format!("data.aws_route53_zone.{}.zone_id", ident(zone.domain.as_str())))
        };
        let lb = ident(&lb);
        records.push(block_owned(
            "resource",
            vec!["aws_route53_record".into(), ident(&format!("{}_{kind}", record.name))],
            vec![
                attr("zone_id", zone_id),
                attr("name", s(record.name.to_string())),
                attr("type", s(kind)),
                block(
                    "alias",
                    &[],
                    vec![
                        attr("name", ex(&format!("data.aws_lb.{lb}.dns_name"))),
                        attr("zone_id", ex(&format!("data.aws_lb.{lb}.zone_id"))),
                        attr("evaluate_target_health", true),
                    ],
                ),
            ],
        ));
    }
    for domain in &by_name {
        b.main.push(block_owned(
            "data",
            vec!["aws_route53_zone".into(), ident(domain)],
            vec![attr("name", s(domain.clone())), attr("private_zone", model.has_private_zone(domain))],
        ));
    }
    b.main.extend(records);
    let outputs: Vec<(String, Expression)> = lookups
        .iter()
        .flat_map(|(lb, (_, targets))| {
            let id = ident(lb);
            targets.iter().map(move |t| {
                (
                    t.clone(),
                    obj([
                        ("name", ex(&format!("data.aws_lb.{id}.name"))),
                        ("dns_name", ex(&format!("data.aws_lb.{id}.dns_name"))),
                        ("zone_id", ex(&format!("data.aws_lb.{id}.zone_id"))),
                    ]),
                )
            })
        })
        .collect();
    b.outputs.push(output(
        "load_balancers",
        "The NLBs that controllers created in the clusters, by record target: name, DNS name and hosted zone.",
        obj(outputs),
    ));
    b.files(source, &stack.name, &[(model, Vec::new())], false)
}
