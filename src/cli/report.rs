//! `portlife report FILE [--json] [--profile P]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use portlife::analysis::{self, Analysis};
use portlife::ports::Profile;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Capture file (pcap, pcapng, optionally gzip-compressed).
    pub file: PathBuf,
    /// Print JSON instead of text (field names documented in ARCHITECTURE.md).
    #[arg(long)]
    pub json: bool,
    /// OS profile for port ranges and TIME-WAIT: linux, linux-old, windows, macos, freebsd,
    /// auto (guess from the client ports), or custom:LO-HI:TWSECS.
    #[arg(long, default_value = "auto", value_parser = parse_profile)]
    pub profile: Profile,
    /// Keep at most this many connection records; older ones are summarised with a warning
    /// (bounded memory for SYN floods and very long captures; ~0.5 KiB per record).
    #[arg(long, default_value_t = portlife::tcp::evict::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

pub(crate) fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
        .map_err(|e: portlife::ports::ProfileParseError| e.to_string())
}

impl ReportArgs {
    #[cfg_attr(feature = "gui", allow(dead_code))]
    pub fn for_file(file: PathBuf) -> Self {
        ReportArgs {
            file,
            json: false,
            profile: Profile::Auto,
            max_connections: portlife::tcp::evict::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let opts = analysis::Options {
        max_connections: Some(args.max_connections),
        ..Default::default()
    };
    let a = analysis::analyze_file_with_profile(&args.file, args.profile.clone(), opts)?;
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &a)?;
        writeln!(out)?;
    } else {
        write_text(&mut out, &a)?;
    }
    Ok(())
}

fn ts(ns: i64) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .format("%Y-%m-%d %H:%M:%S%.6f UTC")
        .to_string()
}

fn write_text(out: &mut impl Write, a: &Analysis) -> std::io::Result<()> {
    portlife::report::summary::write_findings(out, a)?;
    let s = &a.stats;
    writeln!(out, "{}", a.file)?;
    writeln!(
        out,
        "  format: {:?}{}",
        a.format,
        if a.compressed { " (gzip)" } else { "" }
    )?;
    writeln!(
        out,
        "  packets: {}  ({} bytes on the wire)",
        s.packets, s.wire_bytes
    )?;
    if let (Some(f), Some(l)) = (s.first_ts_ns, s.last_ts_ns) {
        writeln!(out, "  first: {}", ts(f))?;
        writeln!(out, "  last:  {}", ts(l))?;
        writeln!(out, "  span:  {:.6} s", s.duration_s())?;
    }
    writeln!(out, "  link types:")?;
    for (k, v) in &s.link_types {
        writeln!(out, "    {k:<24} {v}")?;
    }
    writeln!(out, "  protocols:")?;
    for (k, v) in &s.protocols {
        writeln!(out, "    {k:<24} {v}")?;
    }
    writeln!(out, "  distinct TCP 4-tuples: {}", s.tcp_4tuples)?;
    portlife::report::summary::write_connections(out, a)
}
