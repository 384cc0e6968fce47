//! Regional prices: the same platform costs more in eu-west-1 than in us-east-1, by the table's
//! factor, in the monthly cost and in a scenario's node cost; a region the table does not price
//! is priced at us-east-1 list prices with a warning that names it.

use std::path::Path;

use stratoform_model::Model;
use stratoform_simulate::{report, simulate, Options, Simulation};

fn in_region(region: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/one-region.yaml")).unwrap();
    text.replace("us-east-1", region)
}

fn run(text: &str) -> Simulation {
    let loaded = stratoform_loader::load_str("fixture.yaml", text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    let models = Model::resolve_all(&loaded, None).unwrap();
    let read = |f: &str| -> Result<String, String> { Err(format!("no file `{f}`")) };
    let options = Options { only: vec!["step".into()], seed: None, read: &read, extra: Vec::new() };
    simulate(&models, &options).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn eu_west_1_prices_above_us_east_1_by_its_factor() {
    let virginia = run(&in_region("us-east-1"));
    let ireland = run(&in_region("eu-west-1"));
    let (v, i) = (&virginia.report.costs[0], &ireland.report.costs[0]);
    // m5.large: $0.096 an hour in us-east-1, $0.107 in eu-west-1; 7 nodes at rest for 730 hours.
    assert!((v.monthly_usd - 7.0 * 0.096 * 730.0).abs() < 0.02, "{}", v.monthly_usd);
    assert!((i.monthly_usd - 7.0 * 0.107 * 730.0).abs() < 0.02, "{}", i.monthly_usd);
    assert!((i.node_groups[0].hourly_usd - 0.107).abs() < 1e-9);
    assert!(v.warnings.is_empty() && i.warnings.is_empty());
    assert_eq!((i.regions[0].region.as_str(), i.regions[0].listed), ("eu-west-1", true));
    // A scenario's node-hours are priced in the region too.
    let (vs, is) = (&virginia.report.scenarios[0], &ireland.report.scenarios[0]);
    assert!(vs.node_hours > 0.0);
    assert_eq!(vs.node_hours, is.node_hours, "the same nodes run in either region");
    assert!((vs.cost_usd - vs.node_hours * 0.096).abs() < 1e-3, "{} for {} node-hours", vs.cost_usd, vs.node_hours);
    assert!((is.cost_usd - is.node_hours * 0.107).abs() < 1e-3, "{} for {} node-hours", is.cost_usd, is.node_hours);
    let human = report::human(&ireland.report);
    assert!(human.contains("prod: $547 a month in nodes at rest (list prices of 2026-11-01, us-east-1; eu-west-1 ×1.115 (regional prices of 2026-12-07))"), "{human}");
    assert!(report::human(&virginia.report).contains("prod: $491 a month in nodes at rest (list prices of 2026-11-01, us-east-1)\n"));
}

#[test]
fn a_region_without_prices_is_priced_as_us_east_1_with_a_warning_naming_it() {
    let cape_town = run(&in_region("af-south-1"));
    let c = &cape_town.report.costs[0];
    assert!((c.monthly_usd - 7.0 * 0.096 * 730.0).abs() < 0.02, "{}", c.monthly_usd);
    assert_eq!((c.regions[0].listed, c.regions[0].factor), (false, 1.0));
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].starts_with("no prices for region `af-south-1`: its nodes are priced at us-east-1 list prices"), "{}", c.warnings[0]);
    let human = report::human(&cape_town.report);
    assert!(human.contains("(list prices of 2026-11-01, us-east-1; af-south-1 at us-east-1 prices (none for it))"), "{human}");
    assert!(human.contains("\n  warning: prod: no prices for region `af-south-1`: its nodes are priced at us-east-1 list prices"), "{human}");
    let json = serde_json::to_value(&cape_town.report).unwrap();
    assert_eq!(json["costs"][0]["warnings"].as_array().map(Vec::len), Some(1));
}
