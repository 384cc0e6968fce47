//! The horizontal pod autoscaler: the documented replica calculation with its tolerance,
//! stabilisation windows and scale-up rate limits. The cluster's HPA sync (in `scheduler`)
//! applies its recommendations.

use std::collections::VecDeque;

use crate::params;
use crate::queue::Millis;

/// The HPA's settings and its recommendation history.
#[derive(Clone, Debug)]
pub struct Hpa {
    /// Minimum replicas.
    pub min: u32,
    /// Maximum replicas.
    pub max: u32,
    /// Requests per second one replica serves at the target utilisation.
    pub target_rps: f64,
    /// Scale-up stabilisation window.
    pub up_window_ms: Millis,
    /// Scale-down stabilisation window.
    pub down_window_ms: Millis,
    /// Recommendations, increasing, for the sliding minimum (scale-up window).
    up: VecDeque<(Millis, u32)>,
    /// Recommendations, decreasing, for the sliding maximum (scale-down window).
    down: VecDeque<(Millis, u32)>,
}

impl Hpa {
    /// New settings.
    pub fn new(min: u32, max: u32, target_rps: f64, up_window_ms: Millis, down_window_ms: Millis) -> Self {
        Self { min, max: max.max(min), target_rps, up_window_ms, down_window_ms, up: VecDeque::new(), down: VecDeque::new() }
    }

    /// One sync: the new replica count for `current` replicas, `ready` of them serving `demand`.
    pub fn recommend(&mut self, now: Millis, current: u32, ready: u32, demand: f64) -> u32 {
        let raw = if ready == 0 {
            current
        } else {
            let ratio = demand / (f64::from(ready) * self.target_rps);
            if (ratio - 1.0).abs() <= params::HPA_TOLERANCE { current } else { ceil_u32(f64::from(ready) * ratio - 1e-9) }
        };
        let rec = raw.clamp(self.min, self.max);
        // Sliding minimum and maximum over the windows (monotonic queues). The common case, the
        // same recommendation again, only refreshes the newest entry's time.
        match self.up.back_mut() {
            Some(back) if back.1 == rec => back.0 = now,
            _ => {
                while self.up.back().is_some_and(|&(_, r)| r >= rec) {
                    self.up.pop_back();
                }
                self.up.push_back((now, rec));
            }
        }
        match self.down.back_mut() {
            Some(back) if back.1 == rec => back.0 = now,
            _ => {
                while self.down.back().is_some_and(|&(_, r)| r <= rec) {
                    self.down.pop_back();
                }
                self.down.push_back((now, rec));
            }
        }
        while self.up.front().is_some_and(|&(t, _)| t + self.up_window_ms < now) {
            self.up.pop_front();
        }
        while self.down.front().is_some_and(|&(t, _)| t + self.down_window_ms < now) {
            self.down.pop_front();
        }
        let up_rec = self.up.front().map_or(rec, |&(_, r)| r);
        let down_rec = self.down.front().map_or(rec, |&(_, r)| r);
        let target = if current < up_rec {
            up_rec.min((current * params::HPA_SCALE_UP_FACTOR).max(current + params::HPA_SCALE_UP_PODS))
        } else if current > down_rec {
            down_rec
        } else {
            current
        };
        target.clamp(self.min, self.max)
    }
}

/// `x.ceil()` for the replica counts the HPA computes (non-negative, below `u32::MAX`),
/// without a call into libm in the hot loop.
fn ceil_u32(x: f64) -> u32 {
    if x <= 0.0 {
        return 0;
    }
    let t = x as u32;
    if f64::from(t) < x { t + 1 } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hpa_scales_up_by_the_documented_limits_and_down_after_the_window() {
        // 100 rps per replica at target; 2 replicas; demand jumps to 1000 rps.
        let mut h = Hpa::new(2, 20, 100.0, 0, 300_000);
        // Ratio 5: wants 10, limited to max(2 × 2, 2 + 4) = 6.
        assert_eq!(h.recommend(0, 2, 2, 1000.0), 6);
        assert_eq!(h.recommend(15_000, 6, 6, 1000.0), 10);
        // Within the 10 % tolerance: no change.
        assert_eq!(h.recommend(30_000, 10, 10, 1050.0), 10);
        // Demand falls: the scale-down window keeps the highest recommendation for 5 minutes.
        assert_eq!(h.recommend(45_000, 10, 10, 200.0), 10);
        assert_eq!(h.recommend(300_000, 10, 10, 200.0), 10);
        assert_eq!(h.recommend(346_000, 10, 10, 200.0), 2);
    }
}
