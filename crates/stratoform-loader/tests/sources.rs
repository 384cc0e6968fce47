//! Who may connect (`allowedFrom` of data stores, `sources` of security rules): an address block
//! that is not an IPv4 CIDR is reported as such, not as an unknown security group.

use stratoform_diagnostics::codes;

/// aoscloud with its first database's `allowedFrom` replaced by `sources`.
fn aoscloud_allowing(sources: &str) -> stratoform_loader::Loaded {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/aoscloud/platform.yaml");
    let text = std::fs::read_to_string(path).expect("the example");
    let first = "allowedFrom: [\"cluster:main\"]";
    assert!(text.contains(first), "the example still has the line this test edits");
    stratoform_loader::load_str("aoscloud.yaml", &text.replacen(first, &format!("allowedFrom: {sources}"), 1))
}

#[test]
fn an_address_block_that_is_not_ipv4_is_named_as_such() {
    for block in ["::/0", "2001:db8::/32", "10.0.0.0/33", "10.0.0.1", "0.0.0.0/"] {
        let loaded = aoscloud_allowing(&format!("[\"{block}\"]"));
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.severity == stratoform_diagnostics::Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{block}: {errors:?}");
        let d = errors[0];
        assert_eq!(d.code, codes::INVALID_VALUE, "{block}: {d:?}");
        assert_eq!(d.message, format!("`{block}` is not an IPv4 CIDR block"));
        assert!(d.path.as_deref().is_some_and(|p| p.ends_with("allowedFrom[0]")), "{d:?}");
        assert!(d.primary.is_some(), "located: {d:?}");
    }
}

#[test]
fn a_wide_ipv4_block_and_an_unknown_group_keep_their_verdicts() {
    // `0.0.0.0/0` is a valid block (the review's NET006 judges it); a name is a security group.
    assert!(aoscloud_allowing("[\"0.0.0.0/0\"]").diagnostics.iter().all(|d| d.severity != stratoform_diagnostics::Severity::Error));
    let loaded = aoscloud_allowing("[\"web-tier\"]");
    let codes_seen: Vec<_> = loaded.diagnostics.iter().map(|d| (d.code.as_str(), d.message.as_str())).collect();
    assert_eq!(codes_seen, [(codes::DANGLING_REFERENCE, "unknown security group `web-tier`")]);
}

/// infra-config with its cluster's `endpoint` replaced.
fn infra_config_endpoint(endpoint: &str) -> stratoform_loader::Loaded {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra-config/platform.yaml");
    let text = std::fs::read_to_string(path).expect("the example");
    let first = "privateAccessSources: [\"host:vpn-gateway\"]";
    assert!(text.contains(first), "the example still has the line this test edits");
    stratoform_loader::load_str("infra-config.yaml", &text.replacen(first, endpoint, 1))
}

fn errors(loaded: &stratoform_loader::Loaded) -> Vec<(&str, &str, &str)> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == stratoform_diagnostics::Severity::Error)
        .map(|d| (d.code.as_str(), d.message.as_str(), d.path.as_deref().unwrap_or("")))
        .collect()
}

#[test]
fn private_endpoint_sources_name_hosts_of_the_region_or_blocks() {
    assert_eq!(errors(&infra_config_endpoint("privateAccessSources: [\"host:vpn-gateway\", \"10.8.0.0/24\"]")), []);
    let loaded = infra_config_endpoint("privateAccessSources: [\"host:vpn-gw\"]");
    let got = errors(&loaded);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0, got[0].1), (codes::DANGLING_REFERENCE, "unknown host `vpn-gw`"));
    assert!(got[0].2.ends_with("endpoint.privateAccessSources[0]"), "{got:?}");
    let loaded = infra_config_endpoint("privateAccessSources: [\"::/0\"]");
    assert_eq!(errors(&loaded).iter().map(|e| e.0).collect::<Vec<_>>(), [codes::INVALID_VALUE]);
}

#[test]
fn private_endpoint_sources_need_a_private_endpoint() {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra-config/platform.yaml")).expect("the example");
    let edited = text.replacen("          private: true\n          public: false\n          privateAccessSources", "          private: false\n          public: true\n          publicAccessCidrs: [203.0.113.0/24]\n          privateAccessSources", 1);
    assert_ne!(edited, text, "the example still has the lines this test edits");
    let loaded = stratoform_loader::load_str("infra-config.yaml", &edited);
    let got = errors(&loaded);
    assert_eq!(got.iter().map(|e| e.0).collect::<Vec<_>>(), [codes::CONFLICTING_FIELDS], "{got:?}");
    assert!(got[0].2.ends_with("endpoint.privateAccessSources"), "{got:?}");
}

/// infra-config with its first workload's `imageUpdates` line edited.
fn infra_config_watching(from: &str, to: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/infra-config/platform.yaml")).expect("the example");
    let edited = text.replacen(from, to, 1);
    assert_ne!(edited, text, "the example still has the text this test edits");
    let loaded = stratoform_loader::load_str("infra-config.yaml", &edited);
    errors(&loaded).into_iter().map(|(c, m, p)| (c.to_owned(), format!("{m} @ {p}"))).collect()
}

#[test]
fn image_updates_need_the_updater_chart_and_an_ecr_image() {
    let got = infra_config_watching("image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app-backend:1.0.0", "image: ghcr.io/example/app-backend:1.0.0");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, codes::INVALID_VALUE);
    assert!(got[0].1.starts_with("image updates need an image from a private ECR registry") && got[0].1.ends_with("workloads[0].imageUpdates"), "{got:?}");
    let got = infra_config_watching("          - name: argocd-image-updater\n", "          - name: argocd-image-watcher\n");
    assert!(got.iter().any(|(c, m)| c == codes::DANGLING_REFERENCE && m.contains("installs no `argocd-image-updater` chart")), "{got:?}");
}

#[test]
fn a_project_owning_the_gateways_lists_their_namespaces_and_is_alone() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/oneconnect/platform.yaml");
    let text = std::fs::read_to_string(path).expect("the example");
    let ops = "namespaces: [istio-system, istio-ingress, cert-manager, argocd, monitoring]";
    assert!(text.contains(ops), "the example still has the line this test edits");
    let loaded = stratoform_loader::load_str("oneconnect.yaml", &text);
    assert_eq!(errors(&loaded), []);
    let loaded = stratoform_loader::load_str("oneconnect.yaml", &text.replacen(ops, "namespaces: [istio-system, cert-manager, argocd, monitoring]", 1));
    let got = errors(&loaded);
    assert!(!got.is_empty() && got.iter().all(|e| e.0 == codes::DANGLING_REFERENCE && e.1.contains("which it does not list") && e.2.ends_with("owns[0]")), "{got:?}");
    let dev = "namespaces: [oneconnect, portal]";
    assert!(text.contains(dev), "the example still has the line this test edits");
    let loaded = stratoform_loader::load_str("oneconnect.yaml", &text.replacen(dev, "namespaces: [oneconnect, portal, istio-ingress]\n              owns: [gateways]", 1));
    let got = errors(&loaded);
    assert!(got.iter().any(|e| e.0 == codes::CONFLICTING_FIELDS && e.1 == "project `developers` owns the gateways, which project `ops` owns already"), "{got:?}");
}
