//! The `portlife` binary: the CLI (clap) and, with the `gui` feature, the desktop app.
//! Both are thin layers over the library; see ARCHITECTURE.md.

#[cfg(feature = "gui")]
mod app;
#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::run()
}

/// In a browser (scripts/build-web.sh) the binary is the app on the page's canvas; the page's
/// address says what to open.
#[cfg(target_arch = "wasm32")]
fn main() {
    app::web::start();
}
