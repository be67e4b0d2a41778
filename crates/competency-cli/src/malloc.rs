//! glibc's allocator, set for `competency batch`, whose memory is bounded by what is in flight
//! (docs/batch.md#memory-and-threads). Two of glibc's defaults make it keep memory it has freed:
//!
//! - the mmap threshold is dynamic: once a block over it (128 KiB) is freed, it rises to that
//!   block's size (up to 32 MiB) and the trim threshold to twice that, so after one large line
//!   every arena keeps blocks of a few MB, and up to twice the largest line free at its top.
//!   Setting it to its default, 128 KiB, keeps it there: large blocks are mapped and given back
//!   when freed.
//! - each thread gets an arena of its own, which keeps what its thread freed. The main thread
//!   only reads lines and writes records: at most one arena per worker makes it share one with
//!   a worker, which then reuses the memory of the lines freed there.
//!
//! On 200 MB of realistic portfolios with a 4.5 MB one among them and `--jobs 2`, the peak went
//! from 45 MB to 37 MB (with the spool and buffer changes), at the same CPU time within 2%
//! (docs/performance.md#batch-memory). On other targets this does nothing.

/// Sets the allocator for a batch checked by `jobs` threads (1: by the main thread alone); call
/// it before they start.
pub fn tune_for_batch(jobs: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // A setting given in the environment (glibc's own tunables) is the user's, and wins.
        let unset = |name: &str| std::env::var_os(name).is_none();
        if unset("MALLOC_MMAP_THRESHOLD_") {
            glibc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
        if jobs > 1 && unset("MALLOC_ARENA_MAX") {
            glibc::mallopt(libc::M_ARENA_MAX, i32::try_from(jobs).unwrap_or(i32::MAX));
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = jobs;
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
}
