//! The plan as text: one block per wave, what deploys in parallel and why.

use std::fmt::Write;

use crate::{TeardownWave, Unit, Wave};

fn unit_lines(out: &mut String, u: &Unit) {
    let scope = u.scope.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
    let _ = writeln!(out, "  - {} `{}`{scope}", u.kind, u.name);
    if !u.detail.is_empty() {
        let _ = writeln!(out, "      {}", u.detail);
    }
    // One line per reason, naming every unit it holds back on.
    let mut reasons: Vec<(&str, Vec<String>)> = Vec::new();
    for b in &u.because {
        let who = format!("{} `{}`", b.kind, b.unit);
        match reasons.iter_mut().find(|(r, _)| *r == b.reason) {
            Some((_, units)) => units.push(who),
            None => reasons.push((&b.reason, vec![who])),
        }
    }
    for (reason, units) in reasons {
        let _ = writeln!(out, "      after {}: {reason}", units.join(", "));
    }
}

/// The deployment waves as text.
pub fn human(env: &str, waves: &[Wave]) -> String {
    let mut out = String::new();
    let units: usize = waves.iter().map(|w| w.units.len()).sum();
    let _ = writeln!(out, "deployment plan for `{env}`: {units} units in {} waves", waves.len());
    for w in waves {
        let _ = writeln!(out, "\nwave {} ({} in parallel)", w.index, w.units.len());
        for u in &w.units {
            unit_lines(&mut out, u);
        }
    }
    out
}

/// The teardown waves as text.
pub fn human_teardown(env: &str, waves: &[TeardownWave], kept: &[String]) -> String {
    let mut out = String::new();
    let units: usize = waves.iter().map(|w| w.units.len()).sum();
    let _ = writeln!(out, "teardown plan for `{env}`: {units} units in {} waves", waves.len());
    for w in waves {
        let _ = writeln!(out, "\nwave {} — {} ({} in parallel)", w.index, w.phase.describe(), w.units.len());
        for u in &w.units {
            let scope = u.scope.as_deref().map(|s| format!(" [{s}]")).unwrap_or_default();
            let _ = writeln!(out, "  - {} `{}`{scope}", u.kind, u.name);
            let mut gone: Vec<String> = Vec::new();
            for b in &u.because {
                let who = format!("{} `{}`", b.kind, b.unit);
                if !gone.contains(&who) {
                    gone.push(who);
                }
            }
            if !gone.is_empty() {
                let _ = writeln!(out, "      once gone: {}", gone.join(", "));
            }
        }
    }
    if !kept.is_empty() {
        let _ = writeln!(out, "\nkept (outlive the environment): {}", kept.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "));
    }
    out
}
