//! The `portlife` binary: the CLI (clap) and, with the `gui` feature, the desktop app.
//! Both are thin layers over the library; see ARCHITECTURE.md.

#[cfg(feature = "gui")]
mod app;
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    give_back_large_blocks();
    cli::run()
}

/// Blocks of 1 MiB and more (connection records, spans, the pools' deltas, a model replaced by
/// a profile switch) are mapped on their own and returned to the system when freed. glibc's
/// default raises that threshold after the first such block is freed, and then keeps freed
/// blocks in its arenas: the resident memory of a report stayed at the sum of every stage's
/// largest moment instead of the largest moment of all (110 instead of 102 MB on 120 000
/// connections; BENCHMARKS.md). Fixing the threshold costs a page fault per page of each new
/// large block, which the arenas' reuse saved; measured within the noise.
#[cfg(not(target_arch = "wasm32"))]
fn give_back_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// In a browser (scripts/build-web.sh) the binary is the app on the page's canvas; the page's
/// address says what to open.
#[cfg(target_arch = "wasm32")]
fn main() {
    app::web::start();
}
