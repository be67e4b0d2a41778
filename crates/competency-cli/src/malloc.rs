//! glibc's allocator, set for `competency batch`, whose memory is bounded by what is in flight
//! (docs/batch.md#memory-and-threads). glibc's mmap threshold is dynamic: once a block over it
//! (128 KiB) is freed, it rises to that block's size (up to 32 MiB) and the trim threshold to
//! twice that, so after one large line every arena keeps blocks of a few MB, and up to twice
//! the largest line free at its top. Setting it to its default, 128 KiB, keeps it there: large
//! blocks are mapped and given back when freed.
//!
//! The number of arenas is left alone. Fewer arenas than threads (one per worker) saved 1 to 3
//! MB, but a thread that finds no arena of its own is given one in use, and when the two
//! workers shared one, a 1 GB batch with `--jobs 2` took 22 s instead of 8, in 900,000 context
//! switches of contention on the arena's lock (docs/performance.md#batch-memory).
//!
//! On 200 MB of realistic portfolios with a 4.5 MB one among them and `--jobs 2`, the threshold,
//! the spool and the buffer changes took the peak from 45 MB to about 38 MB, at the same CPU
//! time within 2%. On other targets this does nothing.
//!
//! Held at its default, the mmap threshold no longer raises the trim threshold either, so the
//! heap is given back whenever 128 KiB of its top is free, and faulted in again for the next
//! line: about 284,000 page faults and 0.8 s of system time on the 1 GB benchmark. With one
//! thread, a trim threshold of 8 MiB cut that to 81,000 and 0.3 s (about 4% of the CPU time)
//! for 0.3 MB more at the peak. With several, each arena keeping up to 8 MiB took the peak over
//! 32 MB, and at 4 MiB some runs peaked 2.5 MB higher than others, so they keep 2 MiB: on the
//! 1 GB benchmark with two jobs, about 190,000 page faults instead of 270,000, and about 2.5%
//! of the wall-clock time, for about 0.5 MB at the peak
//! (docs/performance.md#eleventh-pass-2026-11-26-lines-beside-a-line-checked-alone).
//!
//! glibc's fast bins are left on. Turning them off (`M_MXFAST` 0) took 0.55% of the
//! instructions off a one-job batch but 1.9 MB onto its peak, and its CPU time moved within the
//! host's noise (docs/performance.md#tenth-pass-2026-11-26-a-plan-built-in-place).
//!
//! A setting the environment gives, in glibc's `GLIBC_TUNABLES` or its older `MALLOC_*_`
//! variables, is the user's, and wins.

/// Keeps this much free at the top of the heap with one checking thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ONE_THREAD_TRIM: libc::c_int = 8 * 1024 * 1024;

/// Keeps this much free at the top of each thread's heap with several checking threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const THREADS_TRIM: libc::c_int = 2 * 1024 * 1024;

/// Sets the allocator for a batch on `threads` checking threads; call it before they start.
pub fn tune_for_batch(threads: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
        let unset = |variable: &str, tunable: &str| {
            std::env::var_os(variable).is_none() && !names(&tunables, tunable)
        };
        if unset("MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold") {
            glibc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
        if unset("MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold") {
            let trim = if threads == 1 {
                ONE_THREAD_TRIM
            } else {
                THREADS_TRIM
            };
            glibc::mallopt(libc::M_TRIM_THRESHOLD, trim);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = threads;
}

/// True when `tunables`, a `GLIBC_TUNABLES` value (`name=value` settings separated by `:`),
/// sets `name`.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
fn names(tunables: &str, name: &str) -> bool {
    tunables
        .split(':')
        .any(|setting| setting.split_once('=').is_some_and(|(n, _)| n == name))
}

/// Gives back to the system the memory the allocator keeps free, in every thread's arena.
/// Batch calls it before a line it checks alone, with nothing else in flight
/// (`BatchOptions::release_memory`): the arenas of the other threads otherwise keep what their
/// last lines used, and that is added to what the large line takes. On the 1 GB benchmark with
/// two jobs this took the peak from about 37 MB to 30 to 31.5 MB (28.5 with one job)
/// (docs/performance.md#batch-memory). On other targets this does nothing.
pub fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::malloc_trim();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    /// `mallopt(3)`. Failure (a 0 return) leaves glibc's default, which is only more memory.
    #[allow(unsafe_code)]
    pub fn mallopt(param: libc::c_int, value: libc::c_int) {
        // SAFETY: mallopt takes two integers and only changes the allocator's parameters; glibc
        // takes its own lock, so it is sound at any time, from any thread.
        unsafe {
            libc::mallopt(param, value);
        }
    }

    /// `malloc_trim(3)` with no padding: every arena's free memory is given back.
    #[allow(unsafe_code)]
    pub fn malloc_trim() {
        // SAFETY: malloc_trim takes an integer and only releases free memory; glibc takes each
        // arena's lock, so it is sound at any time, from any thread.
        unsafe {
            libc::malloc_trim(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_setting_in_glibc_tunables_is_found_by_its_whole_name() {
        let tunables = "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0";
        assert!(names(tunables, "glibc.malloc.mxfast"));
        assert!(names(tunables, "glibc.malloc.tcache_count"));
        assert!(!names(tunables, "glibc.malloc.mmap_threshold"));
        // A prefix or a value is not a name.
        assert!(!names("glibc.malloc.mxfast_x=1", "glibc.malloc.mxfast"));
        assert!(!names("x=glibc.malloc.mxfast", "glibc.malloc.mxfast"));
        assert!(!names("", "glibc.malloc.mxfast"));
    }
}
