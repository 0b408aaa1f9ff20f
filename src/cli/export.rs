//! `portlife export FILE --svg OUT.svg [--from S] [--to S] [--profile P] [--max-rows N]`, and
//! `portlife export --lifecycle OUT.svg`, and
//! `portlife export FILE --pool-map OUT.svg --at T [--host H] [--profile P]`: figures for the book
//! and for reports.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use portlife::analysis;
use portlife::ports::{self, ProfileArg, Profiles};
use portlife::report::pool_svg;
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
    /// Write the port pool map of FILE (every port of the profile's range at `--at`) to this path.
    #[arg(long, value_name = "OUT.svg")]
    pub pool_map: Option<PathBuf>,
    /// The instant of the pool map, seconds since the first packet.
    #[arg(long, value_name = "SECONDS")]
    pub at: Option<f64>,
    /// The client host of the pool map (default: the one with the most connections).
    #[arg(long, value_name = "IP")]
    pub host: Option<IpAddr>,
    /// Window start, seconds since the first packet.
    #[arg(long, value_name = "SECONDS")]
    pub from: Option<f64>,
    /// Window end, seconds since the first packet.
    #[arg(long, value_name = "SECONDS")]
    pub to: Option<f64>,
    /// OS profile (as for `report`; repeatable, HOST=PROFILE for one host).
    #[arg(long, value_name = "[HOST=]PROFILE", value_parser = super::report::parse_profile)]
    pub profile: Vec<ProfileArg>,
    /// Rows beyond this are summarised as "… N more ports".
    #[arg(long, default_value_t = 60)]
    pub max_rows: usize,
}

pub fn run(args: &ExportArgs) -> Result<()> {
    if args.svg.is_none() && args.lifecycle.is_none() && args.pool_map.is_none() {
        bail!(
            "nothing to export: give --svg OUT.svg or --pool-map OUT.svg (with a capture), or \
             --lifecycle OUT.svg"
        );
    }
    if let Some(out) = &args.lifecycle {
        std::fs::write(out, svg::lifecycle_svg())
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    if let Some(out) = &args.svg {
        let Some(file) = &args.file else {
            bail!("--svg needs a capture file");
        };
        let a = analysis::analyze_file_with_profile(
            file,
            super::report::profiles(&args.profile),
            Default::default(),
        )?;
        for w in &a.warnings {
            eprintln!("warning: {w}");
        }
        let opts = TimelineOptions {
            from_s: args.from,
            to_s: args.to,
            max_rows: args.max_rows,
        };
        std::fs::write(out, svg::timeline_svg(&svg::Figure::of(&a), &opts))
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    if let Some(out) = &args.pool_map {
        let Some(file) = &args.file else {
            bail!("--pool-map needs a capture file");
        };
        let Some(at) = args.at else {
            bail!("--pool-map needs --at SECONDS (since the first packet)");
        };
        export_pool_map(
            file,
            out,
            at,
            args.host,
            super::report::profiles(&args.profile),
        )?;
    }
    Ok(())
}

/// `--pool-map`: the pool of `host` (default: the client with the most connections) at `at_s`.
fn export_pool_map(
    file: &Path,
    out: &Path,
    at_s: f64,
    host: Option<IpAddr>,
    profile: Profiles,
) -> Result<()> {
    if !at_s.is_finite() || at_s < 0.0 {
        bail!("--at must be a number of seconds ≥ 0, got {at_s}");
    }
    let a = analysis::analyze_file_with_profile(file, profile, Default::default())?;
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    let clients = ports::client_hosts(&a.ports);
    let host = match host {
        Some(h) if clients.iter().any(|c| c.host == h) => h,
        Some(h) => {
            let known: Vec<String> = clients.iter().map(|c| c.host.to_string()).collect();
            bail!(
                "{h} used no client port in {}; client hosts: {}",
                file.display(),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        }
        None => match clients.first() {
            Some(c) => c.host,
            None => bail!("{} has no client ports to map", file.display()),
        },
    };
    let start = a.stats.first_ts_ns.unwrap_or(0);
    let at_ns = start.saturating_add((at_s * 1e9) as i64);
    let map = ports::pool_map(&a.ports, host, None, at_ns);
    std::fs::write(
        out,
        pool_svg::pool_map_svg(&svg::Figure::of(&a), &map, at_s),
    )
    .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}
