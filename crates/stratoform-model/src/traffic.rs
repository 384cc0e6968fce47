//! The traffic the platform is sized and simulated for, with its defaults applied, and the
//! environment each scenario runs in.

use stratoform_spec::Scenario;

use crate::Model;

/// The traffic profile of `traffic`, resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Traffic {
    /// Whether the spec states `traffic` at all (else no requests are simulated).
    pub stated: bool,
    /// Steady requests per second (0 when the spec states no traffic).
    pub request_rate: f64,
    /// Peak requests per second; twice the steady rate by default.
    pub peak_rate: f64,
    /// The availability objective in percent; 99.9 by default.
    pub availability_slo: f64,
}

impl Model {
    /// The traffic profile with its defaults.
    pub fn traffic(&self) -> Traffic {
        let t = self.platform.traffic.as_ref();
        let request_rate = t.map_or(0.0, |t| t.request_rate);
        Traffic {
            stated: t.is_some(),
            request_rate,
            peak_rate: t.and_then(|t| t.peak_rate).unwrap_or(request_rate * 2.0),
            availability_slo: t.and_then(|t| t.availability_slo).unwrap_or(99.9),
        }
    }

    /// The environment a scenario runs in: its own, else the first production environment, else
    /// the first.
    pub fn scenario_environment(&self, scenario: &Scenario) -> String {
        if let Some(e) = &scenario.environment {
            return e.to_string();
        }
        let envs = &self.platform.environments;
        envs.iter().find(|e| e.is_production()).or(envs.first()).map(|e| e.name.to_string()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    fn model(extra: serde_json::Value) -> Model {
        let mut spec = json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}, {"name": "prod", "production": true}], "regions": [{"name": "us-east-1"}]
        });
        spec.as_object_mut().expect("an object").extend(extra.as_object().expect("an object").clone());
        Model::resolve_all(&JsonSpec::new(spec), Some("dev")).expect("valid spec").remove(0)
    }

    #[test]
    fn traffic_defaults_to_twice_the_rate_at_three_nines() {
        let t = model(json!({"traffic": {"requestRate": 100.0}})).traffic();
        assert_eq!((t.stated, t.request_rate, t.peak_rate, t.availability_slo), (true, 100.0, 200.0, 99.9));
        let none = model(json!({})).traffic();
        assert_eq!((none.stated, none.request_rate, none.peak_rate), (false, 0.0, 0.0));
    }

    #[test]
    fn a_scenario_without_an_environment_runs_in_production() {
        let m = model(json!({"scenarios": [
            {"name": "a", "kind": "azOutage"},
            {"name": "b", "kind": "azOutage", "environment": "dev"}
        ]}));
        let envs: Vec<String> = m.scenarios().iter().map(|s| m.scenario_environment(s)).collect();
        assert_eq!(envs, ["prod", "dev"]);
    }
}
