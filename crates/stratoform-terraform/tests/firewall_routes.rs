//! A Network Firewall carries the traffic it is meant to inspect: the public subnets' default
//! route goes to the firewall endpoint of their zone, the firewall's subnets route to the internet
//! gateway, and the gateway's edge route table returns each public subnet's block through the
//! endpoint of that subnet's zone. The stacks pass the subnets from the model's inspection plan
//! (unibeam), and the route set is proven by evaluating the transit module's own expression.

mod support;

use std::collections::BTreeMap;

use hcl::{Body, Expression};
use support::*;






/// An object key as written, without quotes.
fn key_text(k: &hcl::ObjectKey) -> String {
    match k {
        hcl::ObjectKey::Identifier(id) => id.as_str().to_owned(),
        hcl::ObjectKey::Expression(Expression::String(s)) => s.clone(),
        hcl::ObjectKey::Expression(e) => expr_text(e),
        other => format!("{other:?}"),
    }
}

/// The value at `key` of an object expression.
fn field<'e>(e: &'e Expression, key: &str) -> Option<&'e Expression> {
    let Expression::Object(o) = e else { return None };
    o.iter().find(|(k, _)| key_text(k) == key).map(|(_, v)| v)
}

fn keys(e: &Expression) -> Vec<String> {
    let Expression::Object(o) = e else { panic!("not an object: {}", expr_text(e)) };
    o.keys().map(key_text).collect()
}

/// unibeam's stacks hand each firewall the public subnets it inspects and its own subnets, by
/// the keys of the model's inspection plan, and turn the network module's direct internet route off.
#[test]
fn unibeam_firewalls_get_the_subnets_they_inspect() {
    let (models, tree) = render_example("unibeam");
    let mut checked = 0;
    for m in &models {
        for region in m.regions() {
            let stack = format!("{}-{}", m.env_name(), region.name);
            let main = parse_tf(&tree, &format!("stacks/{stack}/main.tf"));
            for vpc in &region.vpcs {
                let Some(fw) = &vpc.network_firewall else { continue };
                let plan = m.network.vpc(region.name.as_str(), vpc.name.as_str()).unwrap();
                let inspection = plan.inspection.as_ref().expect("unibeam's firewalls inspect the internet path");
                let net = find_block(&main, "module", &[&format!("network_{}", vpc.name)]).unwrap();
                assert_eq!(expr_text(attr_of(net, "internet_via_firewall").unwrap()), "true", "{stack}");
                let transit = find_block(&main, "module", &["transit"]).unwrap();
                let firewalls = attr_of(transit, "firewalls").unwrap();
                let name = format!("{}-{}", m.names.prefix(), fw.name);
                let f = field(firewalls, &name).unwrap_or_else(|| panic!("{stack}: no firewall {name}"));
                assert_eq!(expr_text(field(f, "internet_gateway_id").unwrap()), format!("module.network_{}.internet_gateway_id", vpc.name));
                let public = field(f, "public_subnets").unwrap();
                assert_eq!(keys(public), inspection.public.iter().map(|s| s.key.clone()).collect::<Vec<_>>());
                for sn in &inspection.public {
                    let s = field(public, &sn.key).unwrap();
                    assert_eq!(expr_text(field(s, "route_table_id").unwrap()), format!("module.network_{}.route_table_ids[\"{}\"]", vpc.name, sn.key));
                    assert_eq!(expr_text(field(s, "az").unwrap()), format!("\"{}\"", sn.az));
                    assert_eq!(expr_text(field(s, "cidr").unwrap()), format!("\"{}\"", sn.cidr));
                    // Each zone's traffic has an endpoint in its own zone.
                    assert!(inspection.endpoints.iter().any(|e| e.az == sn.az), "{stack}: no endpoint subnet in {}", sn.az);
                }
                let own = field(f, "firewall_subnets").unwrap();
                assert_eq!(keys(own), inspection.endpoints.iter().map(|s| s.key.clone()).collect::<Vec<_>>());
                assert!(inspection.endpoints.iter().all(|s| s.key.starts_with(&format!("{}-", fw.subnet_tier))));
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "unibeam has a firewall in each region of each environment");
    // The network module leaves the public default route to the firewall's routes.
    let network = parse_tf(&tree, "modules/network/main.tf");
    let internet = find_block(&network, "resource", &["aws_route", "internet"]).unwrap();
    assert!(expr_text(attr_of(internet, "for_each").unwrap()).contains("!var.internet_via_firewall"));
    // The transit module routes through the endpoints the firewall reports per zone.
    let transit = parse_tf(&tree, "modules/transit/main.tf");
    let route = find_block(&transit, "resource", &["aws_route", "this"]).expect("the transit module writes the inspection routes");
    assert_eq!(expr_text(attr_of(route, "for_each").unwrap()), "local.firewall_routes");
    assert!(expr_text(attr_of(route, "vpc_endpoint_id").unwrap()).contains("local.firewall_endpoints[each.value.firewall][each.value.az]"));
    let locals = transit.blocks().find(|b| b.identifier() == "locals").unwrap();
    let endpoints = expr_text(attr_of(locals, "firewall_endpoints").unwrap());
    assert!(endpoints.contains("fw.firewall_status[0].sync_states") && endpoints.contains("s.availability_zone => s.attachment[0].endpoint_id"), "{endpoints}");
    let assoc = find_block(&transit, "resource", &["aws_route_table_association", "edge"]).expect("the internet gateway's edge route table");
    assert_eq!(expr_text(attr_of(assoc, "gateway_id").unwrap()), "var.firewalls[each.key].internet_gateway_id");
}

/// Examples without a firewall keep the public subnets' direct route to the internet gateway.
#[test]
fn vpcs_without_a_firewall_keep_their_internet_route() {
    let (models, tree) = render_example("aoscloud");
    for m in &models {
        for region in m.regions() {
            let main = tree.get(&format!("stacks/{}-{}/main.tf", m.env_name(), region.name)).unwrap();
            assert!(!main.contains("internet_via_firewall = true"));
        }
    }
}

/// Evaluates the transit module's `firewall_routes` for one firewall over two zones, with the
/// edge route table's ID and the endpoints standing in for what AWS returns, and checks every
/// route: its table, destination and target.
#[test]
fn inspection_routes_are_symmetric_per_zone() {
    if !require("terraform", terraform().is_some()) {
        return;
    }
    let module = stratoform_terraform::modules::transit::module();
    let locals = module.main.iter().find_map(|s| match s {
        hcl::structure::Structure::Block(b) if b.identifier() == "locals" => Some(b.clone()),
        _ => None,
    });
    let locals = locals.expect("the transit module has locals");
    let routes = expr_text(attr_of(&locals, "firewall_routes").unwrap()).replace("aws_route_table.edge[k].id", "\"rtb-edge-${k}\"");
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<hcl::structure::Structure> = module.variables;
    files.retain(|s| matches!(s, hcl::structure::Structure::Block(b) if b.labels().first().map(|l| l.as_str()) == Some("firewalls")));
    let mut main = stratoform_terraform::printer::print_body(&Body(files));
    main.push_str(&format!("locals {{\n  firewall_routes = {routes}\n}}\n"));
    std::fs::write(dir.path().join("main.tf"), main).unwrap();
    std::fs::write(
        dir.path().join("terraform.tfvars"),
        r#"firewalls = {
  egress = {
    vpc_id = "vpc-1", subnet_ids = [], allowed_domains = [], delete_protection = false, kms_key_arn = "k", log_retention_days = 90
    internet_gateway_id = "igw-1"
    public_subnets = {
      public-a = { route_table_id = "rtb-public-a", az = "us-east-1a", cidr = "10.10.0.0/24" }
      public-b = { route_table_id = "rtb-public-b", az = "us-east-1b", cidr = "10.10.1.0/24" }
    }
    firewall_subnets = {
      firewall-a = { route_table_id = "rtb-firewall-a", az = "us-east-1a" }
      firewall-b = { route_table_id = "rtb-firewall-b", az = "us-east-1b" }
    }
  }
}
"#,
    )
    .unwrap();
    let printed = console_json(dir.path(), "local.firewall_routes");
    let routes: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(&printed).unwrap();
    // (table, destination, target): an endpoint by zone, or the internet gateway.
    let got: Vec<(String, String, String)> = routes
        .values()
        .map(|r| {
            let target = if r["target"] == "gateway" { "igw-1".to_owned() } else { format!("endpoint@{}", r["az"]) };
            (r["route_table_id"].clone(), r["destination"].clone(), target)
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("rtb-edge-egress", "10.10.0.0/24", "endpoint@us-east-1a"),
        ("rtb-edge-egress", "10.10.1.0/24", "endpoint@us-east-1b"),
        ("rtb-firewall-a", "0.0.0.0/0", "igw-1"),
        ("rtb-firewall-b", "0.0.0.0/0", "igw-1"),
        ("rtb-public-a", "0.0.0.0/0", "endpoint@us-east-1a"),
        ("rtb-public-b", "0.0.0.0/0", "endpoint@us-east-1b"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    let mut got = got;
    got.sort();
    assert_eq!(got, want);
}
