//! Scenario assertions: a small typed language of `metric comparator value[unit]` or a named
//! check, such as `rto <= 5m`, `failed_requests <= 0.1%` or `no_unschedulable_pods`.

use std::fmt;

use serde::Serialize;
use stratoform_spec::ScenarioKind;

/// A metric a scenario reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Time from the failure until every affected service runs normally again.
    Rto,
    /// Time until the entry points mark the failed region unhealthy (region outage, worst entry point).
    Detection,
    /// Time until all new traffic reaches the healthy region (region outage, worst entry point).
    Failover,
    /// The worst-case detection the health-check settings imply (region outage, worst entry point).
    DetectionWorst,
    /// The worst-case failover the settings imply: detection plus DNS propagation.
    FailoverWorst,
    /// Requests failed, as a count or as a share of all requests of the horizon.
    FailedRequests,
    /// Pods that no node could take and no autoscaler could make room for.
    UnschedulablePods,
    /// Workloads whose ready pods fell below their disruption budget.
    PdbViolations,
    /// Workloads whose pods are not spread over the live zones with a skew of at most one.
    SpreadViolations,
    /// Minutes in which the error rate exceeded the availability objective's budget.
    SloMinutesLost,
    /// The longest time a pod waited for a node.
    PendingTime,
    /// The most nodes running at once.
    MaxNodes,
}

impl Metric {
    /// Every metric.
    const ALL: [Self; 12] = [
        Self::Rto,
        Self::Detection,
        Self::Failover,
        Self::DetectionWorst,
        Self::FailoverWorst,
        Self::FailedRequests,
        Self::UnschedulablePods,
        Self::PdbViolations,
        Self::SpreadViolations,
        Self::SloMinutesLost,
        Self::PendingTime,
        Self::MaxNodes,
    ];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "rto" => Self::Rto,
            "detection" => Self::Detection,
            "failover" => Self::Failover,
            "detection_worst" => Self::DetectionWorst,
            "failover_worst" => Self::FailoverWorst,
            "failed_requests" => Self::FailedRequests,
            "unschedulable_pods" => Self::UnschedulablePods,
            "pdb_violations" => Self::PdbViolations,
            "spread_violations" => Self::SpreadViolations,
            "slo_minutes_lost" => Self::SloMinutesLost,
            "pending_time" => Self::PendingTime,
            "max_nodes" => Self::MaxNodes,
            _ => return None,
        })
    }

    /// The name used in assertions.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Rto => "rto",
            Self::Detection => "detection",
            Self::Failover => "failover",
            Self::DetectionWorst => "detection_worst",
            Self::FailoverWorst => "failover_worst",
            Self::FailedRequests => "failed_requests",
            Self::UnschedulablePods => "unschedulable_pods",
            Self::PdbViolations => "pdb_violations",
            Self::SpreadViolations => "spread_violations",
            Self::SloMinutesLost => "slo_minutes_lost",
            Self::PendingTime => "pending_time",
            Self::MaxNodes => "max_nodes",
        }
    }

    fn is_duration(&self) -> bool {
        matches!(self, Self::Rto | Self::Detection | Self::Failover | Self::DetectionWorst | Self::FailoverWorst | Self::PendingTime)
    }

    fn applies_to(&self, kind: ScenarioKind) -> bool {
        match self {
            Self::Detection | Self::Failover | Self::DetectionWorst | Self::FailoverWorst => kind == ScenarioKind::RegionOutage,
            Self::Rto => kind != ScenarioKind::Load,
            _ => true,
        }
    }
}

const METRICS: &str = "`rto`, `detection`, `failover`, `detection_worst`, `failover_worst`, `failed_requests`, `unschedulable_pods`, `pdb_violations`, `spread_violations`, `slo_minutes_lost`, `pending_time`, `max_nodes`";
const CHECKS: &str = "`no_unschedulable_pods`, `no_pdb_violations`, `spread_holds`";

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Comparator {
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `==`
    #[serde(rename = "==")]
    Eq,
}

impl Comparator {
    fn holds(&self, actual: f64, bound: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Self::Le => actual <= bound + EPS,
            Self::Lt => actual < bound,
            Self::Ge => actual >= bound - EPS,
            Self::Gt => actual > bound,
            Self::Eq => (actual - bound).abs() <= EPS,
        }
    }
    fn as_str(&self) -> &'static str {
        match self {
            Self::Le => "<=",
            Self::Lt => "<",
            Self::Ge => ">=",
            Self::Gt => ">",
            Self::Eq => "==",
        }
    }
}

/// A bound with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Seconds (written `s`, `m` or `h`).
    Seconds(f64),
    /// A percentage of requests.
    Percent(f64),
    /// A plain number.
    Count(f64),
}

/// A parsed assertion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assertion {
    /// As written.
    pub text: String,
    /// The metric.
    pub metric: Metric,
    /// The comparison.
    pub comparator: Comparator,
    /// The bound.
    pub bound: Bound,
}

/// Why an assertion did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AssertionError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

fn err(message: impl Into<String>, help: impl Into<String>) -> AssertionError {
    AssertionError { message: message.into(), help: help.into() }
}

impl Assertion {
    /// Parses an assertion for a scenario of `kind`.
    pub fn parse(text: &str, kind: ScenarioKind) -> Result<Self, AssertionError> {
        let t = text.trim();
        let named = |metric, comparator, bound| Self { text: t.to_owned(), metric, comparator, bound };
        match t {
            "no_unschedulable_pods" => return Ok(named(Metric::UnschedulablePods, Comparator::Eq, Bound::Count(0.0))),
            "no_pdb_violations" => return Ok(named(Metric::PdbViolations, Comparator::Eq, Bound::Count(0.0))),
            "spread_holds" => return Ok(named(Metric::SpreadViolations, Comparator::Eq, Bound::Count(0.0))),
            _ => {}
        }
        let ops = [("<=", Comparator::Le), (">=", Comparator::Ge), ("==", Comparator::Eq), ("<", Comparator::Lt), (">", Comparator::Gt)];
        let Some((pos, op, comparator)) = ops.iter().filter_map(|(op, c)| t.find(op).map(|p| (p, *op, *c))).min_by_key(|(p, op, _)| (*p, usize::MAX - op.len())) else {
            return Err(err(
                format!("`{t}` is neither a comparison nor a named check"),
                format!("write `<metric> <= <value>` (metrics: {METRICS}) or one of {CHECKS}"),
            ));
        };
        let (name, value) = (t[..pos].trim(), t[pos + op.len()..].trim());
        let metric = Metric::parse(name).ok_or_else(|| err(format!("unknown metric `{name}`"), crate::error::one_of(name, Metric::ALL.iter().map(Metric::name))))?;
        if !metric.applies_to(kind) {
            return Err(err(
                format!("`{}` does not apply to a `{}` scenario", metric.name(), kind_name(kind)),
                "`detection`, `failover` and their `_worst` forms apply to region outages; `rto` to every kind but `load`",
            ));
        }
        let bound = parse_bound(metric, value)?;
        Ok(Self { text: t.to_owned(), metric, comparator, bound })
    }

    /// Checks the assertion against a measured value (seconds, percent or count as the bound
    /// says; `percent` is the measured share when the bound is a percentage).
    pub fn holds(&self, value: f64, percent: Option<f64>) -> bool {
        match self.bound {
            Bound::Seconds(b) | Bound::Count(b) => self.comparator.holds(value, b),
            Bound::Percent(b) => self.comparator.holds(percent.unwrap_or(value), b),
        }
    }
}

impl fmt::Display for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = match self.bound {
            Bound::Seconds(s) => format!("{s}s"),
            Bound::Percent(p) => format!("{p}%"),
            Bound::Count(c) => format!("{c}"),
        };
        write!(f, "{} {} {b}", self.metric.name(), self.comparator.as_str())
    }
}

fn kind_name(kind: ScenarioKind) -> &'static str {
    match kind {
        ScenarioKind::RegionOutage => "regionOutage",
        ScenarioKind::AzOutage => "azOutage",
        ScenarioKind::SpotReclaim => "spotReclaim",
        ScenarioKind::Load => "load",
    }
}

fn parse_bound(metric: Metric, value: &str) -> Result<Bound, AssertionError> {
    let split = value.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(value.len());
    let (num, unit) = (&value[..split], value[split..].trim());
    let n: f64 = num.parse().map_err(|_| err(format!("`{value}` is not a number with a unit"), "write a number and a unit, for example `5m`, `90s` or `0.1%`"))?;
    if metric.is_duration() {
        let mult = match unit {
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(err(format!("`{}` is a duration but `{value}` has no unit", metric.name()), format!("write `{n}s` or `{n}m`"))),
            other => return Err(err(format!("`{other}` is not a duration unit"), "use `s`, `m` or `h`")),
        };
        return Ok(Bound::Seconds(n * mult));
    }
    match (metric, unit) {
        (Metric::FailedRequests, "%") => {
            if n > 100.0 {
                return Err(err(format!("`{value}` is more than 100%"), "a share of requests lies between 0% and 100%"));
            }
            Ok(Bound::Percent(n))
        }
        (Metric::SloMinutesLost, "m" | "") => Ok(Bound::Count(n)),
        (_, "") => Ok(Bound::Count(n)),
        (_, other) => Err(err(
            format!("`{}` takes a plain number{}, not `{other}`", metric.name(), if metric == Metric::FailedRequests { " or a percentage" } else { "" }),
            format!("write `{} <= {n}`", metric.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: ScenarioKind = ScenarioKind::RegionOutage;

    #[test]
    fn parses_the_documented_forms() {
        let a = Assertion::parse("rto <= 5m", R).unwrap();
        assert_eq!((a.metric, a.comparator, a.bound), (Metric::Rto, Comparator::Le, Bound::Seconds(300.0)));
        let a = Assertion::parse("failed_requests <= 0.1%", R).unwrap();
        assert_eq!(a.bound, Bound::Percent(0.1));
        assert!(a.holds(12.0, Some(0.05)) && !a.holds(12.0, Some(0.2)));
        let a = Assertion::parse("no_unschedulable_pods", ScenarioKind::AzOutage).unwrap();
        assert!(a.holds(0.0, None) && !a.holds(1.0, None));
        assert_eq!(Assertion::parse("detection<90s", R).unwrap().comparator, Comparator::Lt);
        assert_eq!(Assertion::parse("max_nodes >= 3", R).unwrap().bound, Bound::Count(3.0));
    }

    #[test]
    fn rejects_with_a_fix() {
        let e = Assertion::parse("rto <= 5", R).unwrap_err();
        assert_eq!(e.message, "`rto` is a duration but `5` has no unit");
        assert_eq!(e.help, "write `5s` or `5m`");
        assert!(Assertion::parse("latency <= 5s", R).unwrap_err().message.contains("unknown metric `latency`"));
        assert!(Assertion::parse("failover <= 1m", ScenarioKind::Load).unwrap_err().message.contains("does not apply"));
        assert!(Assertion::parse("failed_requests <= 120%", R).is_err());
        assert!(Assertion::parse("all good", R).unwrap_err().message.contains("neither"));
    }
}
