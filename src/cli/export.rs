//! `portlife export FILE --svg OUT.svg [--from S] [--to S] [--profile P] [--max-rows N]`, and
//! `portlife export --lifecycle OUT.svg`: figures for the book and for reports.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use portlife::analysis;
use portlife::ports::Profile;
use portlife::report::svg::{self, TimelineOptions};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Capture file (pcap, pcapng, optionally gzip-compressed).
    pub file: Option<PathBuf>,
    /// Write the port timeline of FILE as SVG to this path.
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write the four-phase port lifecycle diagram (needs no capture) to this path.
    #[arg(long, value_name = "OUT.svg")]
    pub lifecycle: Option<PathBuf>,
    /// Window start, seconds since the first packet.
    #[arg(long, value_name = "SECONDS")]
    pub from: Option<f64>,
    /// Window end, seconds since the first packet.
    #[arg(long, value_name = "SECONDS")]
    pub to: Option<f64>,
    /// OS profile (as for `report`).
    #[arg(long, default_value = "auto", value_parser = parse_profile)]
    pub profile: Profile,
    /// Rows beyond this are summarised as "… N more ports".
    #[arg(long, default_value_t = 60)]
    pub max_rows: usize,
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
        .map_err(|e: portlife::ports::ProfileParseError| e.to_string())
}

pub fn run(args: &ExportArgs) -> Result<()> {
    if args.svg.is_none() && args.lifecycle.is_none() {
        bail!("nothing to export: give --svg OUT.svg (with a capture) or --lifecycle OUT.svg");
    }
    if let Some(out) = &args.lifecycle {
        std::fs::write(out, svg::lifecycle_svg())
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    if let Some(out) = &args.svg {
        let Some(file) = &args.file else {
            bail!("--svg needs a capture file");
        };
        let a =
            analysis::analyze_file_with_profile(file, args.profile.clone(), Default::default())?;
        for w in &a.warnings {
            eprintln!("warning: {w}");
        }
        let opts = TimelineOptions {
            from_s: args.from,
            to_s: args.to,
            max_rows: args.max_rows,
        };
        std::fs::write(out, svg::timeline_svg(&a, &opts))
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    Ok(())
}
