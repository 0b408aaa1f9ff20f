//! The `portlife` binary: the CLI (clap) and, with the `gui` feature, the desktop app.
//! Both are thin layers over the library; see ARCHITECTURE.md.

#[cfg(feature = "gui")]
mod app;
mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
