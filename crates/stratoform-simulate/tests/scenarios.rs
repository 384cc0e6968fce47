//! Each scenario kind on a small fixture, checked against results worked out by hand; the run
//! is deterministic; the charts are well-formed SVG; invalid scenarios are refused with the
//! scenario, the place and the fix.

use std::path::Path;

use stratoform_model::Model;
use stratoform_simulate::{charts, simulate, Options, ScenarioReport, SimulateError, Simulation};

fn models(text: &str) -> Vec<Model> {
    let loaded = stratoform_loader::load_str("fixture.yaml", text);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics.iter().map(|d| format!("{} {:?}", d.message, d.path)).collect::<Vec<_>>());
    Model::resolve_all(&loaded, None).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

fn run_text(text: &str, only: &[&str], seed: Option<u64>) -> Result<Simulation, Vec<SimulateError>> {
    let read = |f: &str| -> Result<String, String> {
        match f {
            "load.csv" => Ok("seconds,rps\n0,200\n600,1000\n1200,1000\n".into()),
            other => Err(format!("no file `{other}`")),
        }
    };
    let options = Options { only: only.iter().map(|s| (*s).to_owned()).collect(), seed, read: &read, extra: Vec::new() };
    simulate(&models(text), &options)
}

fn scenario(file: &str, name: &str) -> ScenarioReport {
    let sim = run_text(&fixture(file), &[name], None).unwrap_or_else(|e| panic!("{e:?}"));
    sim.report.scenarios.into_iter().next().unwrap()
}

#[test]
fn az_outage_by_hand() {
    let s = scenario("one-region.yaml", "zone-a");
    // `web` runs one pod per zone. Its pod in us-east-1a stays in the Service's endpoints for
    // the 50 s node monitor grace period of Kubernetes 1.33, so a third of 200 rps fails for 50 s.
    assert!((s.failed_requests - 200.0 / 3.0 * 50.0).abs() < 1e-3, "{}", s.failed_requests);
    // Replacements: 50 s grace + 300 s unreachable toleration + 30 s startup.
    assert_eq!(s.rto_s, Some(380.0));
    let az = s.az_outage.as_ref().unwrap();
    assert_eq!(az.workloads_losing_capacity, ["web", "worker"]);
    // Two of the four spot nodes (and their `worker` pods) sit in us-east-1a: 2 of 4 ready < 3.
    assert_eq!(s.pdb_violations, ["us-east-1/main/worker"]);
    assert_eq!(s.unschedulable_pods, 0);
    // Nothing moves pods back when the zone returns: `web` ends 0/2/1 over the zones.
    assert_eq!(s.spread_violations, ["us-east-1/main/web"]);
    assert!(s.passed, "{:?}", s.assertions);
}

#[test]
fn spot_reclaim_by_hand() {
    let s = scenario("one-region.yaml", "reclaim");
    let spot = s.spot_reclaim.as_ref().unwrap();
    assert_eq!((spot.spot_nodes, spot.nodes_reclaimed, spot.pods_evicted, spot.pods_rescheduled), (4, 2, 2, 2));
    // The budget (3 of 4) lets one `worker` pod go at a time; each replacement takes 30 s.
    assert_eq!(s.rto_s, Some(60.0));
    assert!(s.pdb_violations.is_empty());
    assert!(s.passed, "{:?}", s.assertions);
}

#[test]
fn load_step_by_hand() {
    let s = scenario("one-region.yaml", "step");
    // At 5m the rate jumps to 1000 rps; 3 replicas serve 3 × 100 × (100 / 50) = 600 rps. The
    // HPA syncs at once and may add max(4, 100 %) pods: 7 replicas, ready 30 s later serve 1400.
    // Failed: 400 rps for 30 s.
    assert!((s.failed_requests - 12_000.0).abs() < 1e-6, "{}", s.failed_requests);
    let web = s.workloads.iter().find(|w| w.name == "us-east-1/main/web").unwrap();
    assert_eq!((web.replicas_start, web.replicas_max), (3, 10));
    assert_eq!(s.nodes_launched, 0);
    assert!(s.passed);
}

#[test]
fn load_surge_launches_nodes() {
    let s = scenario("one-region.yaml", "surge");
    // 4000 rps needs 40 replicas at 7 per m5.large: the three nodes are not enough, the
    // cluster autoscaler adds nodes that take 2 minutes to start, and pods wait for them.
    assert!(s.nodes_launched >= 3, "{}", s.nodes_launched);
    assert!(s.max_pending_s >= 120.0, "{}", s.max_pending_s);
    let web = s.workloads.iter().find(|w| w.name == "us-east-1/main/web").unwrap();
    assert_eq!(web.replicas_max, 40);
    // Errors stop before the new nodes: the 21 pods the three nodes hold serve 21 × 200 rps
    // at full CPU; the HPA keeps adding pods to bring CPU down to its 50 % target.
    assert!(s.failed_requests > 0.0);
    let caught_up = s.load.as_ref().unwrap().caught_up_s.unwrap();
    assert!((30.0..120.0).contains(&caught_up), "{caught_up}");
}

#[test]
fn csv_load() {
    let text = fixture("one-region.yaml").replace("load: { shape: step, base: 200, peak: 1000, start: 5m }", "load: { shape: csv, file: load.csv }");
    let s = run_text(&text, &["step"], None).unwrap().report.scenarios.remove(0);
    assert_eq!(s.load.as_ref().unwrap().peak_rps, 1000.0);
    assert!(s.requests > 0.0);
}

#[test]
fn region_outage_by_hand() {
    let s = scenario("two-regions.yaml", "east-down");
    let r = s.region_outage.as_ref().unwrap();
    let cf = &r.entry_points[0];
    // Cloudflare: one check = 3 tries × 5 s = 15 s; checks every 60 s; DNS only adds the 30 s TTL.
    assert_eq!((cf.detection_best_s, cf.detection_expected_s, cf.detection_worst_s, cf.failover_worst_s), (15.0, 45.0, 75.0, 105.0));
    let d = cf.detection_s.unwrap();
    assert!((15.0..=75.0).contains(&d), "{d}");
    assert!((cf.failover_s.unwrap() - d - 30.0).abs() < 1e-9);
    // Failover order: everything on us-east-1 before, on us-west-2 after.
    assert_eq!(cf.split_before, [("us-east-1".to_owned(), 100.0), ("us-west-2".to_owned(), 0.0)]);
    assert_eq!(cf.split_after, [("us-east-1".to_owned(), 0.0), ("us-west-2".to_owned(), 100.0)]);
    // Global Accelerator: 3 checks 30 s apart, no stated timeout: 60 s to 90 s.
    let ga = &r.entry_points[1];
    assert_eq!((ga.detection_best_s, ga.detection_expected_s, ga.detection_worst_s), (60.0, 75.0, 90.0));
    assert!((60.0..=90.0).contains(&ga.detection_s.unwrap()));
    // Dials 100 / 20 with clients split evenly: 90 % / 10 %.
    assert_eq!(ga.split_before, [("us-east-1".to_owned(), 90.0), ("us-west-2".to_owned(), 10.0)]);
    // Until routing moves, the share sent to us-east-1 fails: 200 rps × 100 % for the
    // Cloudflare failover, 200 rps × 90 % for the accelerator's detection (whole seconds).
    let cf_failed = 200.0 * cf.failover_s.unwrap().ceil();
    assert!((cf.failed_requests - cf_failed).abs() < 200.0 + 1e-6, "{} vs {cf_failed}", cf.failed_requests);
    let ga_failed = 180.0 * ga.detection_s.unwrap().ceil();
    assert!((ga.failed_requests - ga_failed).abs() < 180.0 + 1e-6, "{} vs {ga_failed}", ga.failed_requests);
    // us-west-2 carries the whole 400 rps with 2 + 2 replicas at 200 rps each.
    assert!(r.capacity[0].can_carry);
    assert_eq!(s.rto_s, Some(cf.rto_s.unwrap().max(ga.rto_s.unwrap())));
    assert!(s.passed, "{:?}", s.assertions);
}

#[test]
fn same_seed_same_json_other_seed_other_phase() {
    let text = fixture("two-regions.yaml");
    let a = serde_json::to_string(&run_text(&text, &[], None).unwrap().report).unwrap();
    let b = serde_json::to_string(&run_text(&text, &[], None).unwrap().report).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&run_text(&text, &[], Some(99)).unwrap().report).unwrap();
    assert_ne!(a, c, "the seed sets the health checks' phase");
}

#[test]
fn charts_are_well_formed_svg() {
    let mut outcomes = run_text(&fixture("two-regions.yaml"), &[], None).unwrap().outcomes;
    outcomes.extend(run_text(&fixture("one-region.yaml"), &[], None).unwrap().outcomes);
    assert_eq!(outcomes.len(), 5);
    for outcome in &outcomes {
        let files = charts("fixture.yaml", outcome);
        assert_eq!(files.len(), 5);
        for (name, svg) in files {
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg", "{name}");
            assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
            assert!(svg.contains("generated by stratoform simulate from fixture.yaml"), "{name}");
            let lines = root.descendants().filter(|n| n.has_tag_name("polyline")).count();
            assert!(lines >= 2, "{name}: axes and at least one series");
            for n in root.descendants().filter(|n| n.has_tag_name("polyline")) {
                let points = n.attribute("points").unwrap();
                assert!(points.split(' ').all(|p| p.split(',').all(|v| v.parse::<f64>().is_ok_and(f64::is_finite))), "{name}: {points}");
            }
        }
    }
}

fn errors(text: &str) -> Vec<String> {
    match run_text(text, &[], None) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.iter().map(|e| format!("{e} [{}] help: {}", e.pointer().unwrap_or("-"), e.help())).collect(),
    }
}

#[test]
fn invalid_scenarios_name_the_scenario_the_place_and_the_fix() {
    let text = fixture("one-region.yaml")
        .replace("assert: [no_unschedulable_pods, rto <= 7m]", "assert: [no_unschedulable_pods, rto <= 7]")
        .replace("load: { shape: step, base: 200, peak: 1000, start: 5m }", "load: { shape: csv, file: missing.csv }")
        .replace("assert: [\"failed_requests <= 100%\"]", "assert: [\"latency <= 1s\", \"failover <= 1m\"]");
    insta::assert_snapshot!(errors(&text).join("\n"), @r"
    scenario `zone-a`: assertion `rto <= 7`: `rto` is a duration but `7` has no unit [/scenarios/0/assert/1] help: write `7s` or `7m`
    scenario `step`: cannot read the load file `missing.csv`: no file `missing.csv` [/scenarios/2/load/file] help: give a path relative to the spec file
    scenario `surge`: assertion `latency <= 1s`: unknown metric `latency` [/scenarios/3/assert/0] help: use one of `rto`, `detection`, `failover`, `detection_worst`, `failover_worst`, `failed_requests`, `unschedulable_pods`, `pdb_violations`, `spread_violations`, `slo_minutes_lost`, `pending_time`, `max_nodes`
    scenario `surge`: assertion `failover <= 1m`: `failover` does not apply to a `load` scenario [/scenarios/3/assert/1] help: `detection`, `failover` and their `_worst` forms apply to region outages; `rto` to every kind but `load`
    ");
    let no_edge = fixture("one-region.yaml").replace("kind: azOutage\n    zone: us-east-1a", "kind: regionOutage");
    insta::assert_snapshot!(errors(&no_edge).join("\n"), @"scenario `zone-a`: a region outage needs an entry point in front of the regions, and the platform has none [/scenarios/0/kind] help: declare `edge.cloudflareLoadBalancers` or `edge.globalAccelerators` with a pool or endpoint group per region");
}

#[test]
fn a_failing_assertion_fails_the_report() {
    let text = fixture("one-region.yaml").replace("assert: [failed_requests <= 12000, no_unschedulable_pods]", "assert: [failed_requests <= 0.1%, slo_minutes_lost <= 0]");
    let sim = run_text(&text, &["step"], None).unwrap();
    let s = &sim.report.scenarios[0];
    assert!(!sim.report.passed());
    // 12000 failed of 200 × 300 + 1000 × 1500 requests.
    assert_eq!(s.assertions[0].actual, format!("{:.4}%", 12_000.0 / 1_560_000.0 * 100.0));
    assert!(!s.assertions[0].passed && !s.assertions[1].passed);
    assert!(s.slo_minutes_lost >= 1);
}

#[test]
fn karpenter_provisions_for_pending_pods() {
    // No cluster autoscaler: the node groups stay at their size, and a node pool with the same
    // (empty) labels and taints takes the pods that do not fit. Karpenter waits 1 s for the
    // batch, then its nodes take `provisioningTime` (45 s).
    let text = fixture("one-region.yaml")
        .replace("        autoscaler: { scanInterval: 10s, nodeStartupTime: 2m }\n", "")
        .replace(
            "        workloads:\n",
            "        nodePools:\n          - { name: burst, instanceFamilies: [m5], provisioningTime: 45s, cpuLimit: 64 }\n        workloads:\n",
        );
    let s = run_text(&text, &["surge"], None).unwrap().report.scenarios.remove(0);
    assert!(s.nodes_launched >= 1, "{}", s.nodes_launched);
    assert!((46.0..60.0).contains(&s.max_pending_s), "{}", s.max_pending_s);
    assert_eq!(s.unschedulable_pods, 0);
    let web = s.workloads.iter().find(|w| w.name == "us-east-1/main/web").unwrap();
    assert_eq!(web.replicas_max, 40);
}

#[test]
fn a_passive_region_too_small_for_the_full_load() {
    // 1500 rps: after failover us-west-2 gets all of it, 750 rps per workload. There each HPA
    // stops at 3 replicas of 100 × (100 / 50) = 200 rps: 600 rps; and its one node (at most)
    // holds 3.9 vCPU while the 2 × 3 pods the HPAs may run need 6; one of the four minimum
    // pods already finds no node.
    let text = fixture("two-regions.yaml").replace("traffic: { requestRate: 400,", "traffic: { requestRate: 1500,");
    let (east, west) = text.split_once("  - name: us-west-2").unwrap();
    let west = west
        .replace("max: 10, cpu: 50 }", "max: 3, cpu: 50 }, resources: { cpu: 1000m }")
        .replace("min: 2, max: 4 }]", "min: 1, max: 1 }]");
    let s = run_text(&format!("{east}  - name: us-west-2{west}"), &[], None).unwrap().report.scenarios.remove(0);
    let cap = &s.region_outage.as_ref().unwrap().capacity[0];
    assert_eq!(cap.cluster, "us-west-2/main");
    assert!(!cap.can_carry);
    insta::assert_snapshot!(cap.limited_by.join("\n"), @r"
    `api` at most 3 replicas × 200 rps < 750 rps
    `tcp` at most 3 replicas × 200 rps < 750 rps
    general holds 3.9 vCPU at most, the full load needs 6.0
    `api` pods found no node
    `tcp` pods found no node
    ");
    assert_eq!(s.rto_s, None, "the errors do not stop while us-east-1 is down");
    assert!(!s.passed);
}
