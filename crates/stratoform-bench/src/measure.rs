//! Timing: each step runs repeatedly (at least `min_runs` times and for at least `min_time`) and
//! the median is reported, so one slow run on a shared machine does not decide the number.

use std::time::{Duration, Instant};

/// Median wall time of `f`, and how many runs it took.
pub fn median<T>(min_runs: usize, min_time: Duration, mut f: impl FnMut() -> T) -> (Duration, usize) {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < min_runs || start.elapsed() < min_time {
        let t = Instant::now();
        std::hint::black_box(f());
        times.push(t.elapsed());
        if times.len() >= 1000 {
            break;
        }
    }
    times.sort();
    (times[times.len() / 2], times.len())
}

/// A duration in milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}
