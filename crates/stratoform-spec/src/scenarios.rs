//! Failover and scaling scenarios for `stratoform simulate`, and the load profile they use.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{AzName, Duration, Name, RegionName};

/// The load the platform is designed for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrafficProfile {
    /// Steady requests per second across all entry points.
    pub request_rate: f64,
    /// Peak requests per second. Default: twice the steady rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rate: Option<f64>,
    /// The availability objective in percent. Example: `99.9`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_slo: Option<f64>,
}

/// A simulation scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Name.
    pub name: Name,
    /// What happens.
    pub kind: ScenarioKind,
    /// The environment simulated. Default: the first production environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Name>,
    /// The region that fails (region outage) or is loaded (load). Default: the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionName>,
    /// The zone that fails (AZ outage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<AzName>,
    /// The cluster affected (AZ outage, spot reclaim, load). Default: the region's first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Name>,
    /// When the failure starts. Default: `5m`.
    #[serde(default = "crate::defaults::five_minutes")]
    pub at: Duration,
    /// How long the failure lasts. Default: `30m`.
    #[serde(default = "crate::defaults::thirty_minutes")]
    pub lasts: Duration,
    /// Total simulated time. Default: `2h`.
    #[serde(default = "crate::defaults::two_hours")]
    pub horizon: Duration,
    /// Spot reclaim: percentage of spot nodes reclaimed. Default: `50`.
    #[serde(default = "crate::defaults::fifty")]
    pub spot_share: u8,
    /// The load shape. Default: constant at `traffic.requestRate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadShape>,
    /// Random seed. Default: `1`.
    #[serde(default = "crate::defaults::one_u64")]
    pub seed: u64,
    /// Assertions that gate CI, such as `rto <= 5m`, `failed_requests <= 0.1%`, `no_unschedulable_pods`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assert: Vec<String>,
}

/// Scenario kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ScenarioKind {
    /// A region fails and later recovers.
    RegionOutage,
    /// One availability zone's nodes, NAT and subnets disappear.
    AzOutage,
    /// Spot nodes are reclaimed with two minutes' notice.
    SpotReclaim,
    /// A request-rate curve drives the autoscalers.
    Load,
}

/// A request-rate curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadShape {
    /// `constant`, `step`, `ramp`, `diurnal`, `spike` or `csv`.
    pub shape: Shape,
    /// Base requests per second. Default: `traffic.requestRate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    /// Peak requests per second (step, ramp, diurnal, spike). Default: `traffic.peakRate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<f64>,
    /// When the change starts. Default: the scenario's `at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Duration>,
    /// How long the ramp or spike takes. Default: `10m`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over: Option<Duration>,
    /// For `csv`: a file of `seconds,rps` rows, relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// Load shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Shape {
    /// Flat.
    Constant,
    /// Jumps from base to peak at `start`.
    Step,
    /// Rises linearly from base to peak over `over`.
    Ramp,
    /// A 24-hour sine between base and peak.
    Diurnal,
    /// Peak for `over`, then back to base.
    Spike,
    /// Read from a CSV file.
    Csv,
}
