//! Traffic: the fraction of each traffic group that routing sends to each region, and the
//! sample each second that turns it and the clusters' ready capacity into served and failed
//! requests, the error-budget minutes and the recorded series.

use super::series::Line;
use super::World;
use crate::cluster::Cluster;
use crate::edge::EntryPoint;

impl World {
    /// The traffic fraction of group `g` that reaches region `r` now.
    fn group_fraction(&self, g: usize, r: usize) -> f64 {
        if self.entries.is_empty() {
            return 1.0;
        }
        let region = &self.regions[r];
        let of = |e: &EntryPoint| -> f64 {
            let split = e.split();
            e.regions.iter().zip(split).filter(|(name, _)| *name == region).map(|(_, f)| f).sum()
        };
        if g < self.entries.len() {
            return of(&self.entries[g]);
        }
        let total: f64 = self.entries.iter().map(|e| e.share).sum();
        if total <= 0.0 {
            return self.entries.iter().map(of).sum::<f64>() / self.entries.len() as f64;
        }
        self.entries.iter().map(|e| e.share / total * of(e)).sum()
    }

    pub(super) fn group_rates(&self, c: usize, rate: f64) -> Vec<f64> {
        let r = self.cluster_region[c];
        match &self.routing {
            Some(f) => f.iter().map(|by_region| rate * by_region[r]).collect(),
            None => (0..=self.entries.len()).map(|g| rate * self.group_fraction(g, r)).collect(),
        }
    }

    fn refresh_routing(&mut self) {
        if self.routing.is_none() {
            let f = (0..=self.entries.len()).map(|g| (0..self.regions.len()).map(|r| self.group_fraction(g, r)).collect()).collect();
            self.routing = Some(f);
        }
    }

    /// Recomputes, for each group of a cluster, the rate above which a workload fails requests.
    fn refresh_onset(&mut self, c: usize) {
        let groups = self.entries.len() + 1;
        let mut onset = vec![(f64::INFINITY, 0.0); groups];
        for w in &self.clusters[c].workloads {
            if w.share <= 0.0 {
                continue;
            }
            let g = w.group as usize;
            onset[g].1 += w.share;
            let at = if w.ready == 0 || w.zombie > 0 {
                0.0
            } else {
                w.serve_rps.map_or(f64::INFINITY, |s| s * f64::from(w.ready) / w.share)
            };
            onset[g].0 = onset[g].0.min(at);
        }
        self.onset[c] = onset;
        self.fresh[c] = Some(self.clusters[c].version);
    }

    pub(super) fn sample(&mut self) {
        let now = self.now;
        let rate = self.curve.rate(now as f64 / 1000.0);
        self.refresh_routing();
        let mut failed_s = 0.0;
        let mut requests_s = 0.0;
        for c in 0..self.clusters.len() {
            if self.fresh[c] != Some(self.clusters[c].version) {
                self.refresh_onset(c);
            }
            let r = self.cluster_region[c];
            let rates = self.group_rates(c, rate);
            let up = self.region_up[r];
            let in_window = now >= self.window.0 && now < self.window.1;
            // Fast path: no group is above the rate at which one of its workloads fails.
            if up && rates.iter().zip(&self.onset[c]).all(|(d, (at, _))| *d <= *at) {
                for (g, (d, (_, share))) in rates.iter().zip(&self.onset[c]).enumerate() {
                    let req = d * share;
                    requests_s += req;
                    self.totals.group_requests[g] += req;
                    self.acc_traffic_region[r] += req;
                }
            } else {
                let cl = &mut self.clusters[c];
                for w in &mut cl.workloads {
                    if w.share <= 0.0 {
                        continue;
                    }
                    let g = w.group as usize;
                    let d = rates[g] * w.share;
                    if d <= 0.0 {
                        continue;
                    }
                    let failed = if !up {
                        d
                    } else {
                        // Requests that land on endpoints of unreachable pods fail unless a proxy
                        // in front retries them onto a live one.
                        let total = w.ready + w.zombie;
                        let miss = if total == 0 { 1.0 } else { (f64::from(w.zombie) / f64::from(total)).powi(w.tries as i32) };
                        let routed = d * (1.0 - miss);
                        let cap = w.serve_rps.map_or(f64::INFINITY, |s| s * f64::from(w.ready));
                        d - routed.min(cap)
                    };
                    requests_s += d;
                    failed_s += failed;
                    w.failed += failed;
                    self.totals.group_requests[g] += d;
                    self.totals.group_failed[g] += failed;
                    if failed > 1e-9 && in_window {
                        self.totals.group_last_failure[g] = Some(now);
                    }
                    self.acc_traffic_region[r] += d;
                    self.acc_failed_region[r] += failed;
                }
            }
            let hourly = self.clusters[c].hourly;
            self.totals.cost_usd += hourly / 3600.0;
            let nodes = self.clusters[c].live_nodes();
            self.totals.node_hours += f64::from(nodes) / 3600.0;
        }
        self.totals.requests += requests_s;
        self.totals.failed += failed_s;
        if failed_s > 1e-9 {
            self.totals.last_failure = Some(now);
        }
        if now.is_multiple_of(60_000) {
            self.close_minute();
        }
        self.minute.0 += requests_s;
        self.minute.1 += failed_s;
        if let Some(at) = self.disruption_at
            && self.totals.settled_at.is_none()
            && now >= at.max(self.settle_after)
            && self.clusters.iter().all(Cluster::settled)
        {
            self.totals.settled_at = Some(now);
        }
        self.acc_n += 1;
        if now.is_multiple_of(self.record_every) {
            self.record();
        }
    }

    /// Counts the minute just ended against the error budget.
    pub(super) fn close_minute(&mut self) {
        let (req, failed) = std::mem::take(&mut self.minute);
        if req > 0.0 && failed / req > self.error_budget {
            self.totals.slo_minutes_lost += 1;
        }
    }

    fn record(&mut self) {
        let n = f64::from(self.acc_n.max(1));
        let s = &mut self.series;
        if s.t.is_empty() {
            for r in &self.regions {
                s.traffic.push(Line { label: r.clone(), values: Vec::new() });
                s.errors.push(Line { label: r.clone(), values: Vec::new() });
            }
            for c in &self.clusters {
                let label = format!("{}/{}", c.region, c.name);
                s.ready.push(Line { label: label.clone(), values: Vec::new() });
                s.nodes.push(Line { label: label.clone(), values: Vec::new() });
                s.pending.push(Line { label, values: Vec::new() });
            }
        }
        s.t.push(self.now as f64 / 1000.0);
        for r in 0..self.regions.len() {
            s.traffic[r].values.push(self.acc_traffic_region[r] / n);
            s.errors[r].values.push(self.acc_failed_region[r] / n);
        }
        for (i, c) in self.clusters.iter().enumerate() {
            s.ready[i].values.push(f64::from(c.ready_pods()));
            s.nodes[i].values.push(f64::from(c.live_nodes()));
            s.pending[i].values.push(f64::from(c.pending_pods()));
        }
        self.acc_failed_region.iter_mut().for_each(|v| *v = 0.0);
        self.acc_traffic_region.iter_mut().for_each(|v| *v = 0.0);
        self.acc_n = 0;
    }
}
