//! What a run records: the running totals the report is measured from and the time series
//! the charts draw.

use crate::queue::Millis;

/// One named line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Legend.
    pub label: String,
    /// One value per recorded time.
    pub values: Vec<f64>,
}

/// Recorded series, one value per line per record time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Record times in seconds.
    pub t: Vec<f64>,
    /// Requests per second per region.
    pub traffic: Vec<Line>,
    /// Ready pods per cluster.
    pub ready: Vec<Line>,
    /// Nodes per cluster.
    pub nodes: Vec<Line>,
    /// Pending pods per cluster.
    pub pending: Vec<Line>,
    /// Failed requests per second per region.
    pub errors: Vec<Line>,
}

/// Running totals.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Requests.
    pub requests: f64,
    /// Failed requests.
    pub failed: f64,
    /// Requests per traffic group (entry points, then the rest).
    pub group_requests: Vec<f64>,
    /// Failed requests per traffic group.
    pub group_failed: Vec<f64>,
    /// Last second with failures per group.
    pub group_last_failure: Vec<Option<Millis>>,
    /// Last second with failures overall.
    pub last_failure: Option<Millis>,
    /// Minutes whose error rate exceeded the budget.
    pub slo_minutes_lost: u32,
    /// Node-hours.
    pub node_hours: f64,
    /// Node cost in USD.
    pub cost_usd: f64,
    /// First time every cluster was settled after the disruption began.
    pub settled_at: Option<Millis>,
}
