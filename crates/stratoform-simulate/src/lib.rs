//! `stratoform simulate`: a deterministic discrete-event simulation of the failures and loads
//! the spec's scenarios describe, against the resolved model — region outages behind Cloudflare
//! and Global Accelerator, zone outages, spot reclaims and load curves driving the HPA and the
//! node autoscalers — with assertions that gate CI, a JSON and human report, SVG charts and
//! monthly cost per environment.
//!
//! The modules, in the order a run goes through them:
//!
//! - `scenario`: runs one scenario: builds its world, runs it, measures, checks its assertions;
//!   `scenario::failover` measures a region outage;
//! - `build`: the resolved model turned into simulated clusters and entry points;
//! - `world`: the event loop, and (`world::traffic`, `world::series`) the per-second traffic
//!   accounting and what a run records;
//! - `cluster`: one cluster's state, HPA, scheduler, node autoscalers and disruptions;
//! - `edge`: Cloudflare load balancers and Global Accelerators, health checks and routing;
//! - `load`: request-rate curves;
//! - `queue`, `rng`, `params`: the event queue and simulated time, seeded randomness, fixed
//!   parameters and timing rules;
//! - `assertion`: the assertion language;
//! - `report`, `svg`, `cost`: the JSON and human report, the charts, monthly node cost;
//! - `error`: why a scenario cannot be simulated;
//! - this file: [`simulate`] over every scenario of the spec, and [`charts`].

pub mod assertion;
pub mod build;
pub mod cluster;
pub mod cost;
pub mod edge;
pub mod error;
pub mod load;
pub mod params;
pub mod queue;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod svg;
pub mod world;

use stratoform_model::Model;
use stratoform_spec::Scenario;

pub use error::SimulateError;
pub use report::{Report, ScenarioReport};
pub use scenario::Outcome;

/// What to simulate.
pub struct Options<'a> {
    /// Only these scenarios (by name); all when empty.
    pub only: Vec<String>,
    /// Overrides every scenario's seed.
    pub seed: Option<u64>,
    /// Reads a load file named in the spec (relative to it).
    pub read: &'a dyn Fn(&str) -> Result<String, String>,
    /// Scenarios from a separate scenario file, run after the spec's own; their errors carry
    /// pointers into that file (`/0/assert/1`).
    pub extra: Vec<Scenario>,
}

/// A finished run: the report and each scenario's outcome (for charts).
pub struct Simulation {
    /// The report.
    pub report: Report,
    /// Per scenario, in report order.
    pub outcomes: Vec<Outcome>,
}

/// Runs every scenario of the spec (each in its environment) and prices every environment.
/// Returns every invalid scenario at once.
pub fn simulate(models: &[Model], options: &Options<'_>) -> Result<Simulation, Vec<SimulateError>> {
    let mut errors = Vec::new();
    let mut outcomes = Vec::new();
    let Some(first) = models.first() else { return Err(errors) };
    let all: Vec<(&Scenario, String)> = first
        .scenarios()
        .iter()
        .enumerate()
        .map(|(i, s)| (s, format!("/scenarios/{i}")))
        .chain(options.extra.iter().enumerate().map(|(i, s)| (s, format!("/{i}"))))
        .collect();
    let known: Vec<String> = all.iter().map(|(s, _)| s.name.to_string()).collect();
    for name in &options.only {
        if !known.contains(name) {
            errors.push(SimulateError::Invalid {
                scenario: name.clone(),
                pointer: "/scenarios".into(),
                message: "no such scenario in the spec".into(),
                help: if known.is_empty() { "declare `scenarios:` in the spec".into() } else { error::one_of(name, known.iter().map(String::as_str)) },
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (s, ptr) in all {
        if !options.only.is_empty() && !options.only.contains(&s.name.to_string()) {
            continue;
        }
        if !seen.insert(s.name.to_string()) {
            errors.push(SimulateError::Invalid {
                scenario: s.name.to_string(),
                pointer: format!("{ptr}/name"),
                message: "another scenario has this name".into(),
                help: "give every scenario its own name".into(),
            });
            continue;
        }
        let env = first.scenario_environment(s);
        let Some(model) = models.iter().find(|m| m.env_name() == env) else {
            errors.push(SimulateError::Invalid {
                scenario: s.name.to_string(),
                pointer: format!("{ptr}/environment"),
                message: format!("no environment `{env}`"),
                help: error::one_of(&env, first.environments().iter().map(|e| e.name.as_str())),
            });
            continue;
        };
        // A spec scenario as its environment's overrides leave it.
        let s = if ptr.starts_with("/scenarios/") { model.scenarios().iter().find(|x| x.name == s.name).unwrap_or(s) } else { s };
        let bad = scenario::assertion_errors(s, &ptr);
        if !bad.is_empty() {
            errors.extend(bad);
            continue;
        }
        match scenario::run(model, s, &ptr, options.read, options.seed) {
            Ok(o) => outcomes.push(o),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let report = Report {
        generator: format!("stratoform simulate {}", env!("CARGO_PKG_VERSION")),
        spec: first.source.clone(),
        costs: models.iter().map(cost::environment_cost).collect(),
        scenarios: outcomes.iter().map(|o| o.report.clone()).collect(),
    };
    Ok(Simulation { report, outcomes })
}

/// The charts of one scenario: (file name, SVG text).
pub fn charts(spec: &str, outcome: &Outcome) -> Vec<(String, String)> {
    let s = &outcome.series;
    let name = &outcome.report.name;
    let header = format!("generated by stratoform simulate from {spec}, scenario {name}, seed {}", outcome.report.seed);
    [
        ("traffic", "requests per second by region", "rps", &s.traffic),
        ("ready", "ready pods by cluster", "pods", &s.ready),
        ("nodes", "nodes by cluster", "nodes", &s.nodes),
        ("pending", "pending pods by cluster", "pods", &s.pending),
        ("errors", "failed requests per second by region", "rps", &s.errors),
    ]
    .into_iter()
    .map(|(file, title, unit, lines)| (format!("{name}-{file}.svg"), svg::chart(&header, &format!("{name}: {title}"), unit, &s.t, lines, &outcome.marks)))
    .collect()
}
