//! Command-line interface. Exit codes (DESIGN.md): 0 success (warnings on stderr), 1 input error
//! with a one-line cause, 2 usage error (clap's own exit code for bad arguments).

mod export;
mod report;
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The sample `portlife` opens when given no file.
pub const DEFAULT_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/browser-burst.pcap");

#[derive(Parser, Debug)]
#[command(
    name = "portlife",
    version,
    about = "See how ephemeral (client) ports live and die in a packet capture",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Capture to open (pcap, pcapng, optionally .gz). Without one, a bundled sample opens.
    file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print what a capture holds: packets, protocols, time span, TCP connections.
    Report(report::ReportArgs),
    /// Write figures as SVG: a capture's port timeline, or the port lifecycle diagram.
    Export(export::ExportArgs),
    /// Write a synthetic scenario capture (deterministic), or list the scenarios.
    Synth(synth::SynthArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Synth(args)) => synth::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        None => {
            let file = cli.file.unwrap_or_else(|| PathBuf::from(DEFAULT_SAMPLE));
            report::run(&report::ReportArgs::for_file(file))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portlife: {e:#}");
            ExitCode::from(1)
        }
    }
}
