//! Tuning of the C allocator for the server's pattern of work.
//!
//! Every change builds the tree of a whole flow (many small allocations)
//! and frees the tree of the version before. With glibc's default "fast
//! bins", the small chunks freed in bulk stay unmerged until a larger
//! request sweeps them all (`malloc_consolidate`), which the next check's
//! first big buffer does: a profile of the server on the 500 KiB bench flow
//! showed a third of its time in `malloc`, `_int_free`, `unlink_chunk` and
//! `malloc_consolidate`. Without fast bins (small chunks still go through
//! the per-thread cache) a change's diagnostics came 30% sooner.

/// Turns glibc's fast bins off for this process (`mallopt(M_MXFAST, 0)`).
/// Does nothing on other C libraries.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: `mallopt` only changes allocator parameters; called once
        // at start-up, before the server's threads allocate.
        let ok = unsafe { libc::mallopt(libc::M_MXFAST, 0) };
        if ok != 1 {
            tracing::debug!("mallopt(M_MXFAST, 0) was refused");
        }
    }
}
