//! Alert topics and CloudWatch alarms: the region each alarm watches (its `region`, else the
//! primary region), which decides the environment stack that creates it.

use stratoform_spec::{Alarm, Observability};

use crate::Model;

impl Model {
    /// Alert topics and alarms as the spec declares them.
    pub fn observability(&self) -> &Observability {
        &self.platform.observability
    }

    /// The region an alarm watches: its `region`, else the primary region.
    pub fn alarm_region<'a>(&'a self, alarm: &'a Alarm) -> &'a str {
        alarm.region.as_ref().map_or_else(|| self.primary_region().name.as_str(), |r| r.as_str())
    }

    /// The alarms that watch a region, in spec order.
    pub fn alarms_in(&self, region: &str) -> Vec<&Alarm> {
        self.platform.observability.alarms.iter().filter(|a| self.alarm_region(a) == region).collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::JsonSpec;
    use crate::Model;

    #[test]
    fn alarms_watch_the_primary_region_unless_they_name_one() {
        let alarm = |name: &str, region: Option<&str>| {
            let mut a = json!({
                "name": name, "description": "d", "namespace": "AWS/RDS", "metric": "CPUUtilization",
                "statistic": "Average", "comparison": "GreaterThanThreshold", "threshold": 80.0,
                "period": "5m", "evaluationPeriods": 3, "topic": "ops"
            });
            if let Some(r) = region {
                a["region"] = json!(r);
            }
            a
        };
        let spec = JsonSpec::new(json!({
            "apiVersion": "stratoform.dev/v1alpha1", "kind": "Platform", "metadata": {"name": "demo"},
            "environments": [{"name": "dev"}],
            "regions": [{"name": "eu-west-1", "role": "secondary"}, {"name": "us-east-1"}],
            "observability": {"topics": [{"name": "ops"}], "alarms": [alarm("cpu", None), alarm("lag", Some("eu-west-1")), alarm("io", Some("us-east-1"))]}
        }));
        let m = Model::resolve_all(&spec, None).expect("valid spec").remove(0);
        let names = |region: &str| m.alarms_in(region).iter().map(|a| a.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names("us-east-1"), ["cpu", "io"]);
        assert_eq!(names("eu-west-1"), ["lag"]);
        assert_eq!(m.alarm_region(&m.observability().alarms[0]), "us-east-1");
    }
}
