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

/// Sets the allocator for a batch; call it before its threads start.
pub fn tune_for_batch() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // A setting given in the environment (glibc's own tunables) is the user's, and wins.
        let unset = |name: &str| std::env::var_os(name).is_none();
        if unset("MALLOC_MMAP_THRESHOLD_") {
            glibc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }
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
