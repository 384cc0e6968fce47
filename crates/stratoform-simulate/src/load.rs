//! Request-rate curves: constant, step, ramp, diurnal, spike, or a CSV of `seconds,rps` rows.

use stratoform_spec::{LoadShape, Shape};

use crate::error::SimulateError;

/// A request rate over time, in requests per second.
#[derive(Clone, Debug, PartialEq)]
pub enum Curve {
    /// Flat.
    Constant(f64),
    /// `base` until `start`, then `peak`.
    Step {
        /// Requests per second before the step.
        base: f64,
        /// Requests per second from `start` on.
        peak: f64,
        /// Seconds from the start of the run.
        start: f64,
    },
    /// `base` until `start`, rising linearly to `peak` over `over`, then `peak`.
    Ramp {
        /// Requests per second before the ramp.
        base: f64,
        /// Requests per second at the top of the ramp and after.
        peak: f64,
        /// Seconds from the start of the run to the start of the ramp.
        start: f64,
        /// Seconds the ramp takes.
        over: f64,
    },
    /// A 24-hour cosine between `base` (at `start`) and `peak` (twelve hours later).
    Diurnal {
        /// Requests per second at the trough.
        base: f64,
        /// Requests per second at the crest.
        peak: f64,
        /// Seconds from the start of the run to the trough.
        start: f64,
    },
    /// `peak` from `start` for `over`, `base` otherwise.
    Spike {
        /// Requests per second outside the spike.
        base: f64,
        /// Requests per second during the spike.
        peak: f64,
        /// Seconds from the start of the run to the spike.
        start: f64,
        /// Seconds the spike lasts.
        over: f64,
    },
    /// Rows of (seconds, rps), linear between rows, the last value held.
    Table(Vec<(f64, f64)>),
}

const DAY_S: f64 = 86_400.0;

impl Curve {
    /// The rate at `t` seconds.
    pub fn rate(&self, t: f64) -> f64 {
        match *self {
            Self::Constant(r) => r,
            Self::Step { base, peak, start } => if t < start { base } else { peak },
            Self::Ramp { base, peak, start, over } => {
                if t < start {
                    base
                } else if over <= 0.0 || t >= start + over {
                    peak
                } else {
                    base + (peak - base) * (t - start) / over
                }
            }
            Self::Diurnal { base, peak, start } => {
                let phase = (t - start) / DAY_S * std::f64::consts::TAU;
                base + (peak - base) * (1.0 - phase.cos()) / 2.0
            }
            Self::Spike { base, peak, start, over } => if t >= start && t < start + over { peak } else { base },
            Self::Table(ref rows) => table_rate(rows, t),
        }
    }

    /// The highest rate the curve reaches in `[0, horizon]`.
    pub fn peak(&self, horizon: f64) -> f64 {
        match self {
            Self::Constant(r) => *r,
            Self::Step { base, peak, .. } | Self::Ramp { base, peak, .. } | Self::Spike { base, peak, .. } => base.max(*peak),
            Self::Diurnal { base, peak, .. } => base.max(*peak),
            Self::Table(rows) => rows.iter().filter(|(t, _)| *t <= horizon).map(|(_, r)| *r).fold(0.0, f64::max),
        }
    }
}

fn table_rate(rows: &[(f64, f64)], t: f64) -> f64 {
    let i = rows.partition_point(|(s, _)| *s <= t);
    match i {
        0 => rows.first().map_or(0.0, |r| r.1),
        i if i == rows.len() => rows[i - 1].1,
        i => {
            let (t0, r0) = rows[i - 1];
            let (t1, r1) = rows[i];
            r0 + (r1 - r0) * (t - t0) / (t1 - t0)
        }
    }
}

/// Builds a curve from the scenario's load shape; `read` returns a CSV file's text.
pub fn curve(
    scenario: &str,
    pointer: &str,
    shape: Option<&LoadShape>,
    default_rate: f64,
    default_peak: f64,
    default_start: f64,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Curve, SimulateError> {
    let Some(shape) = shape else { return Ok(Curve::Constant(default_rate)) };
    let base = shape.base.unwrap_or(default_rate);
    let peak = shape.peak.unwrap_or(default_peak);
    let start = shape.start.map_or(default_start, |d| d.as_secs_f64());
    let over = shape.over.map_or(600.0, |d| d.as_secs_f64());
    Ok(match shape.shape {
        Shape::Constant => Curve::Constant(base),
        Shape::Step => Curve::Step { base, peak, start },
        Shape::Ramp => Curve::Ramp { base, peak, start, over },
        Shape::Diurnal => Curve::Diurnal { base, peak, start },
        Shape::Spike => Curve::Spike { base, peak, start, over },
        Shape::Csv => {
            let file = shape.file.as_deref().ok_or_else(|| SimulateError::Load {
                scenario: scenario.to_owned(),
                pointer: format!("{pointer}/file"),
                message: "a `csv` load needs `file`".into(),
                help: "add `file: load.csv` (rows of `seconds,rps`, relative to the spec)".into(),
            })?;
            let text = read(file).map_err(|e| SimulateError::Load {
                scenario: scenario.to_owned(),
                pointer: format!("{pointer}/file"),
                message: format!("cannot read the load file `{file}`: {e}"),
                help: "give a path relative to the spec file".into(),
            })?;
            Curve::Table(parse_csv(&text).map_err(|message| SimulateError::Load {
                scenario: scenario.to_owned(),
                pointer: format!("{pointer}/file"),
                message: format!("`{file}`: {message}"),
                help: "write one `seconds,rps` row per line, seconds increasing; a header line is allowed".into(),
            })?)
        }
    })
}

/// Parses `seconds,rps` rows; a first line that is not numeric is a header.
pub fn parse_csv(text: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut rows: Vec<(f64, f64)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cells = line.split(',').map(str::trim);
        let (a, b) = (cells.next().unwrap_or(""), cells.next().unwrap_or(""));
        match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(t), Ok(r)) if t.is_finite() && r.is_finite() && r >= 0.0 => {
                if rows.last().is_some_and(|(last, _)| t <= *last) {
                    return Err(format!("line {}: seconds must increase (`{t}` after `{}`)", i + 1, rows.last().map_or(0.0, |r| r.0)));
                }
                rows.push((t, r));
            }
            _ if rows.is_empty() && i == 0 && a.parse::<f64>().is_err() => {}
            _ => return Err(format!("line {}: expected `seconds,rps` with a non-negative rate, found `{line}`", i + 1)),
        }
    }
    if rows.is_empty() {
        return Err("no rows".into());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(Curve::Step { base: 1.0, peak: 5.0, start: 10.0 }.rate(9.9), 1.0);
        assert_eq!(Curve::Step { base: 1.0, peak: 5.0, start: 10.0 }.rate(10.0), 5.0);
        let ramp = Curve::Ramp { base: 100.0, peak: 300.0, start: 60.0, over: 100.0 };
        assert_eq!((ramp.rate(0.0), ramp.rate(110.0), ramp.rate(500.0)), (100.0, 200.0, 300.0));
        let spike = Curve::Spike { base: 1.0, peak: 9.0, start: 5.0, over: 5.0 };
        assert_eq!((spike.rate(4.0), spike.rate(5.0), spike.rate(10.0)), (1.0, 9.0, 1.0));
        let day = Curve::Diurnal { base: 100.0, peak: 300.0, start: 0.0 };
        assert!((day.rate(0.0) - 100.0).abs() < 1e-9 && (day.rate(43_200.0) - 300.0).abs() < 1e-9);
    }

    #[test]
    fn csv_rows() {
        let rows = parse_csv("seconds,rps\n0,100\n60,200\n").unwrap();
        let c = Curve::Table(rows);
        assert_eq!((c.rate(30.0), c.rate(600.0)), (150.0, 200.0));
        assert!(parse_csv("0,1\n0,2").unwrap_err().contains("line 2"));
        assert!(parse_csv("0,x").unwrap_err().contains("line 1"));
    }
}
