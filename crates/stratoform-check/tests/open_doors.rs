//! Every place a spec can open a door, set in turn to the internet (`0.0.0.0/0`, `::/0`), a wide
//! public range, a narrow public range and a private range, and every public entry point set to
//! an administrative port and to an application port: the review reports exactly the expected
//! rule, severity and spec path, and nothing for the safe values. Then the mutants: take away any
//! one of the rules, or any one branch of one, and the table fails.
//!
//! The specs come from `open_doors/platform.yaml`, whose `@NAME@` markers take a safe value
//! except the one under test. Whether validation rejects a spec is part of the expectation (it
//! refuses IPv6 blocks, which the spec cannot express); the rules then run over the spec as
//! written all the same, so they are seen to hold on their own.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use stratoform_check::{Context, Rule, RULES};
use stratoform_diagnostics::{Diagnostic, Severity, SourceFile, SpanMap};
use stratoform_model::{EffectiveSpec, Model};
use stratoform_spec::Platform;

const BASE: &str = include_str!("open_doors/platform.yaml");

/// The rules about open doors; the findings of the others are not this test's business.
const OPEN_DOOR_RULES: &[&str] = &["NET002", "NET006", "NET007", "NET008", "SEC004"];

/// How a field's findings depend on the block written in it.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A data store's `allowedFrom`: NET006, an error for the internet, a warning for any public block.
    DataStore,
    /// An inbound rule or an internal load balancer: NET002 for the internet, NET007 for a wide public block.
    Inbound,
    /// The EKS endpoint's allowlist: SEC004 for the internet, NET007 for a wide public block.
    Endpoint,
    /// An internet-facing load balancer with a listener on 22: NET008, an error or a warning.
    PublicEdge,
}

/// A field that takes a block: its marker, its safe value, the spec path of the finding, whether
/// the spec types it as an IPv4 block, and its kind.
struct Field(&'static str, &'static str, &'static str, bool, Kind);

const FIELDS: &[Field] = &[
    Field("DATABASE", "cluster:main", "regions[0].databases[0].allowedFrom[0]", false, Kind::DataStore),
    Field("CACHE", "cluster:main", "regions[0].caches[0].allowedFrom[0]", false, Kind::DataStore),
    Field("DOCUMENT_DB", "cluster:main", "regions[0].documentDbs[0].allowedFrom[0]", false, Kind::DataStore),
    Field("SEARCH_DOMAIN", "cluster:main", "regions[0].searchDomains[0].allowedFrom[0]", false, Kind::DataStore),
    Field("FILE_SYSTEM", "cluster:main", "regions[0].fileSystems[0].allowedFrom[0]", false, Kind::DataStore),
    Field("PEER_CIDR", "192.168.0.0/16", "regions[0].databases[1].allowedFrom[0]", true, Kind::DataStore),
    Field("SG_CIDR", "10.20.0.0/16", "regions[0].vpcs[0].securityGroups[0].ingress[0].cidrs[0]", true, Kind::Inbound),
    Field("SG_SOURCE", "cluster:main", "regions[0].vpcs[0].securityGroups[0].ingress[1].sources[0]", false, Kind::Inbound),
    Field("HOST_CIDR", "10.20.0.0/16", "regions[0].hosts[0].ingress[0].cidrs[0]", true, Kind::Inbound),
    Field("HOST_SOURCE", "cluster:main", "regions[0].hosts[0].ingress[1].sources[0]", false, Kind::Inbound),
    Field("INTERNAL_LB", "10.20.0.0/16", "regions[0].loadBalancers[0].allowedCidrs[0]", true, Kind::Inbound),
    Field("ENDPOINT", "203.0.113.0/24", "regions[0].clusters[0].endpoint.publicAccessCidrs[0]", true, Kind::Endpoint),
    Field("PUBLIC_LB", "10.20.0.0/16", "regions[0].loadBalancers[1].listeners[0].port", true, Kind::PublicEdge),
];

/// How far a value reaches, as the table expects it: stated here rather than taken from
/// `stratoform_check::reach`, so that a wrong classification there shows as a mismatch.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reach {
    Internet,
    WidePublic,
    Public,
    Private,
}

const VALUES: &[(&str, Reach)] = &[
    ("0.0.0.0/0", Reach::Internet),
    ("::/0", Reach::Internet),
    ("0.0.0.0/1", Reach::Internet),
    ("128.0.0.0/1", Reach::Internet),
    ("52.0.0.0/10", Reach::WidePublic),
    ("2001:db8::/32", Reach::WidePublic),
    ("203.0.113.0/24", Reach::Public),
    ("10.20.0.0/16", Reach::Private),
    ("172.16.0.0/12", Reach::Private),
    ("fd12:3456:789a::/48", Reach::Private),
];

/// A public entry point's port: its marker, its safe (application) port, an administrative port,
/// and the spec path of the finding.
const PORTS: &[(&str, &str, &str, &str)] = &[
    ("LB_PORT", "443", "3389", "regions[0].loadBalancers[2].listeners[0].port"),
    ("GATEWAY_PORT", "443", "5432", "regions[0].clusters[0].gateways[0].listeners[0].port"),
    ("EXPOSE_PORT", "1883", "6379", "regions[0].clusters[0].workloads[0].expose"),
    ("ACCELERATOR_PORT", "9506", "22", "edge.globalAccelerators[0].listeners[0].ports[0]"),
];

type Found = BTreeSet<(String, Severity, String)>;

/// What a mutant does to each finding: keeps it, changes it or drops it.
type Mutant = Box<dyn Fn(Diagnostic) -> Option<Diagnostic>>;

/// The spec with `marker` set to `value` and every other marker to its safe value.
fn spec(marker: &str, value: &str) -> String {
    let safe = FIELDS.iter().map(|f| (f.0, f.1)).chain(PORTS.iter().map(|p| (p.0, p.1)));
    safe.fold(BASE.to_owned(), |text, (m, s)| text.replace(&format!("@{m}@"), if m == marker { value } else { s }))
}

/// One generated spec: the marker set, its value, what the review must say, whether validation
/// rejected the spec, and its models (resolved all the same).
struct Case {
    marker: &'static str,
    value: &'static str,
    want: (bool, Found),
    rejected: bool,
    models: Vec<Model>,
}

/// Every case, read once: the mutants re-run the rules, not the loader.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut table = Vec::new();
        for field in FIELDS {
            for (value, reach) in VALUES {
                table.push((field.0, *value, expected(field, value, *reach)));
            }
        }
        for (marker, safe, admin, path) in PORTS {
            table.push((*marker, *safe, (false, Found::new())));
            table.push((*marker, *admin, (false, one("NET008", Severity::Error, path))));
        }
        table.push(("", "", (false, Found::new())));
        table
            .into_iter()
            .map(|(marker, value, want)| {
                let text = spec(marker, value);
                let rejected = stratoform_loader::load_str("platform.yaml", &text).has_errors();
                Case { marker, value, want, rejected, models: unvalidated(&text).into_iter().collect() }
            })
            .collect()
    })
}

/// The model of a spec as written, without validation (the loader resolves only valid specs):
/// `None` when the spec does not even read as the spec's types. The base spec has no overrides.
fn unvalidated(text: &str) -> Option<Model> {
    let file = SourceFile::new("platform.yaml", text);
    let root = stratoform_loader::yaml::parse(&file).0?;
    let mut spans = SpanMap::new();
    let doc = stratoform_loader::tree::to_json(&root, "", None, &mut spans);
    let platform: Platform = serde_json::from_value(doc).ok()?;
    let env = platform.environments.first()?.name.to_string();
    Some(Model::resolve("platform.yaml", &EffectiveSpec { name: &env, platform: &platform, spans: &spans }))
}

/// The open-door findings of `rules` over a case's models, each passed through `mutant` (which
/// may drop or change it).
fn review(case: &Case, rules: &[Rule], mutant: &dyn Fn(Diagnostic) -> Option<Diagnostic>) -> (bool, Found) {
    let mut found = Found::new();
    for model in &case.models {
        let ctx = Context::new(model);
        for d in rules.iter().flat_map(|r| r.check(&ctx)).filter_map(mutant) {
            if OPEN_DOOR_RULES.contains(&d.code.as_str()) {
                found.insert((d.code, d.severity, d.path.unwrap_or_default()));
            }
        }
    }
    (case.rejected, found)
}

fn one(id: &str, severity: Severity, path: &str) -> Found {
    Found::from([(id.to_owned(), severity, path.to_owned())])
}

/// What the review must say about a block in a field: whether validation rejects it, and the
/// findings.
fn expected(field: &Field, value: &str, reach: Reach) -> (bool, Found) {
    let ipv6 = value.contains(':');
    // The spec's typed blocks are IPv4: an IPv6 block there never reaches the model.
    if ipv6 && field.3 {
        return (true, Found::new());
    }
    // Validation takes a string source that is no IPv4 block for a security group's name, which
    // does not exist; and refuses an external peer whose block holds the VPC's own (SF014).
    let rejected = ipv6 || (field.0 == "PEER_CIDR" && value.starts_with("0.0.0.0/"));
    let path = field.2;
    let found = match (field.4, reach) {
        (_, Reach::Private) => Found::new(),
        (Kind::DataStore, Reach::Internet) => one("NET006", Severity::Error, path),
        (Kind::DataStore, _) => one("NET006", Severity::Warning, path),
        (Kind::Inbound, Reach::Internet) => one("NET002", Severity::Error, path),
        (Kind::Endpoint, Reach::Internet) => one("SEC004", Severity::Error, path),
        (Kind::Inbound | Kind::Endpoint, Reach::WidePublic) => one("NET007", Severity::Warning, path),
        (Kind::PublicEdge, Reach::Internet) => one("NET008", Severity::Error, path),
        (Kind::PublicEdge, Reach::WidePublic) => one("NET008", Severity::Warning, path),
        (Kind::Inbound | Kind::Endpoint | Kind::PublicEdge, Reach::Public) => Found::new(),
    };
    (rejected, found)
}

/// Every case of the table where `rules` (with `mutant` applied) disagree with the expectation.
fn mismatches(rules: &[Rule], mutant: &dyn Fn(Diagnostic) -> Option<Diagnostic>) -> Vec<String> {
    cases()
        .iter()
        .filter_map(|case| {
            let got = review(case, rules, mutant);
            (got != case.want).then(|| format!("{} = {}: expected {:?}, got {got:?}", case.marker, case.value, case.want))
        })
        .collect()
}

fn unchanged(d: Diagnostic) -> Option<Diagnostic> {
    Some(d)
}

#[test]
fn the_base_spec_is_valid_and_opens_no_door() {
    let base = cases().iter().find(|c| c.marker.is_empty()).expect("the base case");
    assert!(!base.rejected, "the base spec is invalid: {:#?}", stratoform_loader::load_str("platform.yaml", &spec("", "")).diagnostics);
    assert_eq!(base.models.len(), 1);
    assert_eq!(review(base, RULES, &unchanged), (false, Found::new()));
}

#[test]
fn every_open_door_is_reported_and_no_private_range() {
    let wrong = mismatches(RULES, &unchanged);
    assert!(wrong.is_empty(), "{} cases disagree:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn the_table_fails_without_any_one_rule() {
    for id in OPEN_DOOR_RULES {
        let without: Vec<Rule> = RULES.iter().filter(|r| r.id != *id).copied().collect();
        assert!(!mismatches(&without, &unchanged).is_empty(), "the table passes without {id}");
    }
}

#[test]
fn the_table_fails_without_any_one_branch() {
    // Each mutant stands for a rule that forgot one of the places it reads, or one of its severities.
    let drop = |code: &'static str, within: &'static str| {
        move |d: Diagnostic| (!(d.code == code && d.path.as_deref().is_some_and(|p| p.contains(within)))).then_some(d)
    };
    let soften = |code: &'static str| {
        move |mut d: Diagnostic| {
            if d.code == code && d.severity == Severity::Error {
                d.severity = Severity::Warning;
            }
            Some(d)
        }
    };
    let keep_errors = |code: &'static str| move |d: Diagnostic| (d.code != code || d.severity == Severity::Error).then_some(d);
    let mutants: Vec<(&str, Mutant)> = vec![
        ("NET006 without databases", Box::new(drop("NET006", ".databases[0]"))),
        ("NET006 without peerings", Box::new(drop("NET006", ".databases[1]"))),
        ("NET006 without caches", Box::new(drop("NET006", ".caches["))),
        ("NET006 without DocumentDB", Box::new(drop("NET006", ".documentDbs["))),
        ("NET006 without search domains", Box::new(drop("NET006", ".searchDomains["))),
        ("NET006 without file systems", Box::new(drop("NET006", ".fileSystems["))),
        ("NET006 only warns", Box::new(soften("NET006"))),
        ("NET006 without public blocks", Box::new(keep_errors("NET006"))),
        ("NET002 without security groups", Box::new(drop("NET002", ".securityGroups["))),
        ("NET002 without hosts", Box::new(drop("NET002", ".hosts["))),
        ("NET002 without sources", Box::new(drop("NET002", ".sources["))),
        ("NET002 without load balancers", Box::new(drop("NET002", ".loadBalancers["))),
        ("NET007 without security groups", Box::new(drop("NET007", ".securityGroups["))),
        ("NET007 without hosts", Box::new(drop("NET007", ".hosts["))),
        ("NET007 without sources", Box::new(drop("NET007", ".sources["))),
        ("NET007 without the endpoint", Box::new(drop("NET007", ".endpoint."))),
        ("NET007 without load balancers", Box::new(drop("NET007", ".loadBalancers["))),
        ("NET008 without allowlisted load balancers", Box::new(drop("NET008", ".loadBalancers[1]"))),
        ("NET008 without open load balancers", Box::new(drop("NET008", ".loadBalancers[2]"))),
        ("NET008 without gateways", Box::new(drop("NET008", ".gateways["))),
        ("NET008 without exposed workloads", Box::new(drop("NET008", ".workloads["))),
        ("NET008 without accelerators", Box::new(drop("NET008", "globalAccelerators["))),
        ("NET008 only warns", Box::new(soften("NET008"))),
        ("SEC004 without the allowlist", Box::new(drop("SEC004", ".publicAccessCidrs["))),
    ];
    for (name, mutant) in &mutants {
        assert!(!mismatches(RULES, mutant.as_ref()).is_empty(), "the table does not catch the mutant `{name}`");
    }
}
