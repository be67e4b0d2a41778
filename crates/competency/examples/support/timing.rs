//! How `throughput` times a measure: by the measuring thread's on-CPU time where Linux gives
//! it, each timing repeated until it spans [`SPAN`], the best of several kept, and measures
//! that are compared timed in rounds.

use std::time::{Duration, Instant};

/// Time this thread has spent on a CPU (Linux), so that other processes on a shared machine
/// inflate the figures less than they inflate wall-clock time.
fn on_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(ns))
}

/// What the figures are timed by: on-CPU time where the kernel gives it, else wall-clock time.
pub fn clock_name() -> &'static str {
    if on_cpu().is_some() {
        "on-CPU time of the measuring thread (/proc/thread-self/schedstat), not wall-clock time"
    } else {
        "wall-clock time (no /proc/thread-self/schedstat here)"
    }
}

/// The clock the figures are taken by (see [`clock_name`]).
fn now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    on_cpu().unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

/// The kernel adds to a thread's on-CPU time at scheduler ticks (every 4 ms here), so each
/// timing spans at least this long, calling `f` as often as needed: the error is then under 2%.
pub const SPAN: Duration = Duration::from_millis(250);

/// Time per call of `f`, the best of `runs` timings of at least [`SPAN`] each.
pub fn best(runs: u32, mut f: impl FnMut()) -> Duration {
    let [time] = best_of_each(runs, [&mut f]);
    time
}

/// Time per call of each of `fs`, the best of `runs` rounds in which each is timed in turn
/// (for at least [`SPAN`]): the host's speed moves by a quarter within minutes (docs/
/// performance.md, twelfth pass), and taking all of one measure's runs before the next
/// would put such a change into their ratio; in rounds it falls on every measure alike.
pub fn best_of_each<const N: usize>(runs: u32, mut fs: [&mut dyn FnMut(); N]) -> [Duration; N] {
    let mut best = [Duration::MAX; N];
    for _ in 0..runs.max(1) {
        for (f, best) in fs.iter_mut().zip(&mut best) {
            *best = (*best).min(time_per_call(f));
        }
    }
    best
}

/// Time per call of `f`, calling it as often as it takes to span [`SPAN`].
fn time_per_call(f: &mut dyn FnMut()) -> Duration {
    let start = now();
    let (mut calls, mut batch) = (0u32, 1u32);
    loop {
        for _ in 0..batch {
            f();
        }
        calls += batch;
        let spent = now().saturating_sub(start);
        if spent >= SPAN {
            break spent / calls;
        }
        batch = calls;
    }
}

/// The load average, printed beside the figures: what else the machine was doing.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}
