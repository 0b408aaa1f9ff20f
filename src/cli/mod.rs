//! Command-line interface. Exit codes (DESIGN.md): 0 success (warnings on stderr), 1 input error
//! with a one-line cause, 2 usage error (clap's own exit code for bad arguments).

mod export;
mod live;
mod report;
mod synth;
mod tour;

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
    /// Open the app in presentation mode (larger, full-contrast text: for a projector).
    #[arg(long)]
    presentation: bool,
    /// The app's language (`en` or `zh-TW`); default: the last one used, else the system's.
    #[arg(long, value_parser = report::parse_lang)]
    lang: Option<portlife::i18n::Lang>,
    /// The app's theme: `light`, `dark` or `system`; default: the last one used.
    #[arg(long, value_parser = ["light", "dark", "system"])]
    theme: Option<String>,
    /// Play a chapter's guided tour (`ch07`; `portlife tour` lists them): opens its sample.
    #[arg(long, value_parser = tour::parse_id)]
    tour: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print what a capture holds: packets, protocols, time span, TCP connections.
    Report(report::ReportArgs),
    /// Write figures as SVG: a capture's port timeline or pool map, or the port lifecycle diagram.
    Export(export::ExportArgs),
    /// Print a chapter's guided tour step by step, or list the tours.
    Tour(tour::TourArgs),
    /// Write a synthetic scenario capture (deterministic), or list the scenarios.
    Synth(synth::SynthArgs),
    /// Capture live from an interface (needs CAP_NET_RAW), with a running summary.
    Live(live::LiveArgs),
    /// List the interfaces live capture can use.
    Interfaces,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Synth(args)) => synth::run(&args),
        Some(Command::Live(args)) => live::run(&args),
        Some(Command::Interfaces) => live::interfaces(),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Tour(args)) => tour::run(&args),
        None => open_default(
            cli.file,
            StartOptions {
                presentation: cli.presentation,
                lang: cli.lang,
                theme: cli.theme,
                tour: cli.tour,
            },
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`portlife report F | head`): not an error of ours.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portlife: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().map(|io| io.kind()) == pipe
            // serde_json wraps the io::Error without exposing it as a source.
            || c.downcast_ref::<serde_json::Error>().and_then(|j| j.io_error_kind()) == pipe
    })
}

/// How the app starts when the command line says so (over what it remembered). Without the
/// `gui` feature there is no app to start, and the options are only parsed.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(feature = "gui"), allow(dead_code))]
pub struct StartOptions {
    pub presentation: bool,
    pub lang: Option<portlife::i18n::Lang>,
    pub theme: Option<String>,
    pub tour: Option<String>,
}

/// `portlife [FILE]` with the `gui` feature: open the desktop app on FILE or the bundled sample.
#[cfg(feature = "gui")]
fn open_default(file: Option<PathBuf>, start: StartOptions) -> anyhow::Result<()> {
    let file = file.unwrap_or_else(|| PathBuf::from(DEFAULT_SAMPLE));
    crate::app::run(Some(file), start).map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// `portlife [FILE]` without the `gui` feature: print the report.
#[cfg(not(feature = "gui"))]
fn open_default(file: Option<PathBuf>, _start: StartOptions) -> anyhow::Result<()> {
    let file = file.unwrap_or_else(|| PathBuf::from(DEFAULT_SAMPLE));
    report::run(&report::ReportArgs::for_file(file))
}
