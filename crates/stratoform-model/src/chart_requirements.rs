//! Values a chart refuses to install without (its own `validate` template fails the render), at
//! the versions the examples pin, computed from the values the spec gives: only what the spec
//! leaves unset, so the spec's own choice always wins.

use serde_json::{json, Map, Value};

/// Loki's deployment modes (`deploymentMode`) and the components each runs, with the replicas the
/// chart's own example of the mode gives them (`distributed-values.yaml`, `single-binary-values.yaml`
/// and the chart defaults at 6.x). The chart fails unless the other modes' components have none.
const LOKI_MODES: &[(&str, &[(&str, u32)])] = &[
    ("SingleBinary", &[("singleBinary", 1)]),
    ("SimpleScalable", &[("write", 3), ("read", 3), ("backend", 3)]),
    (
        "Distributed",
        &[
            ("ingester", 3),
            ("distributor", 3),
            ("querier", 3),
            ("queryFrontend", 2),
            ("queryScheduler", 2),
            ("indexGateway", 2),
            ("compactor", 1),
        ],
    ),
];

/// The chart's default deployment mode.
const LOKI_DEFAULT_MODE: &str = "SimpleScalable";

/// The first day of the schema a new Loki starts with (TSDB index, schema v13, the schema the
/// chart's examples and Loki 3 recommend). A running Loki keeps the periods it has: a later
/// schema is a new entry of `schemaConfig.configs` with a later date.
const LOKI_SCHEMA_FROM: &str = "2024-04-01";

/// The values the `loki` chart requires that `values` (the spec's) leave unset: the replicas of
/// the components of the chosen deployment mode, zero replicas for every other mode's components
/// (the chart refuses to run two modes at once), and a schema (`loki.schemaConfig`, which the
/// chart has no default for) on the storage the values name.
pub fn loki_required_values(values: &Map<String, Value>) -> Map<String, Value> {
    let mode = values.get("deploymentMode").and_then(Value::as_str).unwrap_or(LOKI_DEFAULT_MODE);
    let mut out = Map::new();
    if !values.contains_key("deploymentMode") {
        out.insert("deploymentMode".into(), json!(mode));
    }
    for (m, components) in LOKI_MODES {
        for (component, replicas) in *components {
            let set = values.get(*component).and_then(|c| c.get("replicas")).is_some();
            if !set {
                let n = if *m == mode { *replicas } else { 0 };
                out.insert((*component).into(), json!({ "replicas": n }));
            }
        }
    }
    let loki = values.get("loki");
    let has_schema = loki.is_some_and(|l| {
        l.get("schemaConfig").is_some_and(|s| s.as_object().is_none_or(|o| !o.is_empty()))
            || l.get("structuredConfig").and_then(|s| s.get("schema_config")).is_some()
            || l.get("useTestSchema") == Some(&json!(true))
    });
    if !has_schema {
        let store = loki.and_then(|l| l.get("storage")).and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("s3");
        out.insert(
            "loki".into(),
            json!({"schemaConfig": {"configs": [{
                "from": LOKI_SCHEMA_FROM,
                "store": "tsdb",
                "object_store": store,
                "schema": "v13",
                "index": {"prefix": "index_", "period": "24h"},
            }]}}),
        );
    }
    out
}

/// The values a chart requires that the spec's `values` leave unset (none for most charts).
pub fn required_values(chart: &str, values: &Map<String, Value>) -> Map<String, Value> {
    match chart {
        "loki" => loki_required_values(values),
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn distributed_loki_runs_its_components_and_no_other_mode() {
        let got = loki_required_values(&obj(json!({
            "deploymentMode": "Distributed",
            "querier": {"replicas": 4},
            "loki": {"storage": {"type": "s3"}},
        })));
        assert!(!got.contains_key("deploymentMode"), "the spec's mode stays");
        assert!(!got.contains_key("querier"), "the spec's replicas stay");
        assert_eq!(got["distributor"], json!({"replicas": 3}));
        assert_eq!(got["compactor"], json!({"replicas": 1}));
        for other in ["write", "read", "backend", "singleBinary"] {
            assert_eq!(got[other], json!({"replicas": 0}), "{other}");
        }
        let schema = &got["loki"]["schemaConfig"]["configs"][0];
        assert_eq!((schema["store"].as_str(), schema["schema"].as_str(), schema["object_store"].as_str()), (Some("tsdb"), Some("v13"), Some("s3")));
    }

    #[test]
    fn single_binary_loki_on_a_filesystem_gets_a_filesystem_schema() {
        let got = loki_required_values(&obj(json!({
            "deploymentMode": "SingleBinary",
            "singleBinary": {"replicas": 1},
            "loki": {"storage": {"type": "filesystem"}},
        })));
        assert_eq!(got["write"], json!({"replicas": 0}));
        assert_eq!(got["ingester"], json!({"replicas": 0}));
        assert_eq!(got["loki"]["schemaConfig"]["configs"][0]["object_store"], "filesystem");
    }

    #[test]
    fn a_schema_the_spec_gives_is_kept_and_the_default_mode_is_written() {
        let got = loki_required_values(&obj(json!({"loki": {"schemaConfig": {"configs": [{"from": "2023-01-01"}]}}})));
        assert!(!got.contains_key("loki"));
        assert_eq!(got["deploymentMode"], "SimpleScalable");
        assert_eq!(got["write"], json!({"replicas": 3}));
        assert_eq!(got["querier"], json!({"replicas": 0}));
        assert!(required_values("grafana", &Map::new()).is_empty());
    }
}
