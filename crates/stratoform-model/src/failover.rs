//! Failure detection at the edge, derived from the spec's health-check settings. `check`
//! (against the RTO), the docs and `simulate` all read these numbers, so they cannot disagree.
//!
//! Cloudflare retries a timed-out check immediately, `retries` times, before the origin is
//! marked unhealthy; one failed check (with its retries) changes health. Global Accelerator
//! marks an endpoint unhealthy after `threshold` consecutive failed checks `interval` apart.

/// How long a health check takes to detect an endpoint that stopped answering, measured from
/// the failure to the verdict.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Detection {
    /// The failure happens just before a check starts.
    pub best_s: f64,
    /// The failure time is uniform over the check interval: the mean.
    pub expected_s: f64,
    /// The failure happens just after a check started.
    pub worst_s: f64,
}

impl Detection {
    /// From the checks needed, the interval and the time one failing check takes.
    ///
    /// The first failing check starts `u` after the failure, `u` uniform in `[0, interval)`;
    /// `checks − 1` more follow an interval apart; the last is judged when it has run `fail`.
    fn from_checks(checks: u32, interval_s: f64, fail_s: f64) -> Self {
        let tail = f64::from(checks.max(1) - 1) * interval_s + fail_s;
        Self { best_s: tail, expected_s: interval_s / 2.0 + tail, worst_s: interval_s + tail }
    }
}

/// Cloudflare: one check fails after `retries + 1` attempts, each timing out after `timeout`;
/// one failed check marks the origin unhealthy. With 60 s, 5 s and 2 retries: a check fails
/// 15 s after it starts, so detection takes 15 s to 75 s, 45 s on average.
pub fn cloudflare_detection(interval: stratoform_spec::Duration, timeout: stratoform_spec::Duration, retries: u32) -> Detection {
    let fail = f64::from(retries + 1) * timeout.as_secs_f64();
    Detection::from_checks(1, interval.as_secs_f64(), fail)
}

/// Global Accelerator: `threshold` consecutive failed checks `interval` apart; the last is
/// judged when its timeout runs out. With 30 s, threshold 3 and a 5 s timeout: the three
/// checks span up to 90 s after the failure, and the verdict comes 5 s later, so detection
/// takes 65 s to 95 s, 80 s on average.
pub fn accelerator_detection(interval: stratoform_spec::Duration, threshold: u32, timeout: Option<stratoform_spec::Duration>) -> Detection {
    let fail = timeout.map_or(0.0, |t| t.as_secs_f64());
    Detection::from_checks(threshold, interval.as_secs_f64(), fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> stratoform_spec::Duration {
        s.parse().unwrap()
    }

    #[test]
    fn accelerator_thirty_seconds_threshold_three() {
        // 3 checks 30 s apart: the third starts at most 3 × 30 = 90 s after the failure and
        // fails 5 s later.
        let det = accelerator_detection(d("30s"), 3, Some(d("5s")));
        assert_eq!(det, Detection { best_s: 65.0, expected_s: 80.0, worst_s: 95.0 });
        // Without a stated timeout the verdict is the third check itself: 90 s worst case.
        assert_eq!(accelerator_detection(d("30s"), 3, None).worst_s, 90.0);
        // The faster interval AWS allows: 10 s, threshold 3.
        assert_eq!(accelerator_detection(d("10s"), 3, None), Detection { best_s: 20.0, expected_s: 25.0, worst_s: 30.0 });
    }

    #[test]
    fn cloudflare_sixty_seconds_two_retries() {
        // One check = 1 try + 2 immediate retries, each timing out at 5 s = 15 s.
        let det = cloudflare_detection(d("60s"), d("5s"), 2);
        assert_eq!(det, Detection { best_s: 15.0, expected_s: 45.0, worst_s: 75.0 });
        assert_eq!(cloudflare_detection(d("15s"), d("2s"), 0).worst_s, 17.0);
    }

}
