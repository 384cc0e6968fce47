//! AWS rules `terraform validate` does not know (SF037 to SF041): each fixture under
//! `tests/fixtures/sf03x-*` reports exactly these codes at these spec paths and file positions, and
//! a valid spec that differs only in the faulty value reports none of them.

use stratoform_diagnostics::codes;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).join("platform.yaml")).unwrap()
}

/// `(code, spec path, line, column)` of every diagnostic of one of the AWS rule codes.
fn located(name: &str, text: &str) -> Vec<(String, String, usize, usize)> {
    let loaded = stratoform_loader::load_str(&format!("{name}/platform.yaml"), text);
    let ours = [codes::NODE_IMAGE, codes::FIREWALL_ROUTING, codes::PRIVATE_ASN, codes::REPLICATION_VERSIONING, codes::DATABASE_ENGINE];
    loaded
        .diagnostics
        .iter()
        .filter(|d| ours.contains(&d.code.as_str()))
        .map(|d| {
            let (line, col) = loaded.file.line_col(d.primary.as_ref().expect("located").span.start);
            (d.code.clone(), d.path.clone().unwrap_or_default(), line, col)
        })
        .collect()
}

fn at(code: &str, path: &str, line: usize, col: usize) -> (String, String, usize, usize) {
    (code.to_owned(), path.to_owned(), line, col)
}

/// Asserts the fixture's findings, then that the fix (a replacement of text) clears them.
fn case(name: &str, want: &[(String, String, usize, usize)], fixes: &[(&str, &str)]) {
    let text = fixture(name);
    assert_eq!(located(name, &text), want, "{name}");
    let mut fixed = text.clone();
    for (from, to) in fixes {
        assert!(fixed.contains(from), "{name}: `{from}` is not in the fixture");
        fixed = fixed.replace(from, to);
    }
    assert_eq!(located(name, &fixed), [], "{name}: the fix leaves findings");
}

#[test]
fn node_groups_need_an_image_for_their_version() {
    case(
        "sf037-node-image",
        &[
            at("SF037", "regions[0].clusters[0].nodeGroups[0].amiType", 24, 64),
            at("SF037", "regions[0].clusters[0].nodeGroups[1].amiType", 25, 35),
        ],
        &[("AL2_x86_64", "AL2023_x86_64_STANDARD"), ("AL2_ARM_64", "AL2023_ARM_64_STANDARD")],
    );
    // AL2 still has images for 1.32.
    let text = fixture("sf037-node-image").replace("\"1.33\"", "\"1.32\"");
    assert_eq!(located("sf037-node-image", &text), []);
}

#[test]
fn firewalls_need_endpoints_on_the_traffic_path() {
    case(
        "sf038-firewall-routing",
        &[
            at("SF038", "regions[0].vpcs[0].networkFirewall.subnetTier", 21, 54),
            at("SF038", "regions[0].vpcs[1].networkFirewall.subnetTier", 28, 54),
            at("SF038", "regions[0].vpcs[2].networkFirewall", 35, 26),
        ],
        &[
            ("layout: single, ", ""),
            ("subnetTier: private }", "subnetTier: firewall }\n        internetGateway: true"),
            (
                "          private: { type: private, newbits: 4, netnum: 1 }\n        networkFirewall: { name: shared",
                "          private: { type: private, newbits: 4, netnum: 1 }\n          firewall: { type: intra, newbits: 12, netnum: 4000 }\n        networkFirewall: { name: shared",
            ),
            ("          private: { type: private, newbits: 4, netnum: 1 }\n          firewall: { type: intra, newbits: 12, netnum: 4000 }\n        networkFirewall: { name: isolated", "          public: { type: public, newbits: 8, netnum: 0 }\n          private: { type: private, newbits: 4, netnum: 1 }\n          firewall: { type: intra, newbits: 12, netnum: 4000 }\n        networkFirewall: { name: isolated"),
        ],
    );
}

#[test]
fn transit_gateways_take_a_private_asn() {
    case("sf039-private-asn", &[at("SF039", "regions[0].transitGateway.amazonSideAsn", 20, 22)], &[("16509", "64512")]);
    for asn in ["4200000000", "4294967294", "65534"] {
        assert_eq!(located("sf039-private-asn", &fixture("sf039-private-asn").replace("16509", asn)), [], "{asn}");
    }
    for asn in ["64511", "65535", "4294967295"] {
        assert_eq!(located("sf039-private-asn", &fixture("sf039-private-asn").replace("16509", asn)).len(), 1, "{asn}");
    }
}

#[test]
fn replication_needs_versioning_on_both_sides() {
    case(
        "sf040-replication-versioning",
        &[at("SF040", "regions[0].buckets[0].versioning", 15, 21), at("SF040", "regions[1].buckets[0].versioning", 22, 21)],
        &[("versioning: false", "versioning: true")],
    );
}

#[test]
fn databases_use_versions_and_classes_their_engine_offers() {
    case(
        "sf041-database-engine",
        &[
            at("SF041", "regions[0].databases[0].instanceClass", 21, 83),
            at("SF041", "regions[0].databases[1].version", 22, 52),
            at("SF041", "regions[0].databases[2].version", 23, 54),
            at("SF041", "regions[0].databases[2].instanceClass", 23, 76),
            at("SF041", "regions[0].databases[3].instanceClass", 24, 75),
        ],
        &[
            ("instanceClass: db.m6g.large }\n      - { name: legacy", "instanceClass: db.r6g.large }\n      - { name: legacy"),
            ("\"10.21\"", "\"16.4\""),
            ("version: \"8.0\", instanceClass: db.t4g.small", "version: \"8.0.mysql_aurora.3.08.2\", instanceClass: db.t4g.medium"),
            ("db.serverless", "db.m6g.large"),
        ],
    );
}
