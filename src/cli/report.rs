//! `portlife report FILE… [--json] [--profile P] [--lang en|zh-TW]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use portlife::analysis;
use portlife::i18n::Lang;
use portlife::ports::{ProfileArg, Profiles};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Capture file (pcap, pcapng, optionally gzip/zstd/lz4-compressed), or a directory of them.
    pub file: PathBuf,
    /// More capture files or directories: all are read as one capture, merged by timestamp.
    pub more: Vec<PathBuf>,
    /// Print JSON instead of text (its fields are documented in docs/report-json.md).
    #[arg(long)]
    pub json: bool,
    /// With --json: indent it for reading (several times larger; pipe to `jq` instead for big
    /// captures).
    #[arg(long, requires = "json")]
    pub pretty: bool,
    /// OS profile for port ranges and TIME-WAIT: linux, linux-old, windows, windows-old, macos,
    /// freebsd, auto (each client host's guessed from its SYNs and ports; the default), or
    /// custom:LO-HI:TWSECS. Repeatable: HOST=PROFILE gives one client host its own
    /// (e.g. 10.0.0.2=custom:40000-40199:60), a bare PROFILE is every other host's.
    #[arg(long, value_name = "[HOST=]PROFILE", value_parser = parse_profile)]
    pub profile: Vec<ProfileArg>,
    /// Keep at most this many connection records; older ones are summarised with a warning
    /// (bounded memory for SYN floods and very long captures; ~1.5 KiB per connection at peak).
    #[arg(long, default_value_t = portlife::tcp::evict::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Language of the text report: en or zh-TW (Traditional Chinese). Default: from LC_ALL,
    /// LC_MESSAGES or LANG (zh_TW… gives zh-TW). JSON is the same in every language.
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

pub(crate) fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
        .map_err(|e: portlife::i18n::LangParseError| e.to_string())
}

pub(crate) fn parse_profile(s: &str) -> Result<ProfileArg, String> {
    s.parse()
        .map_err(|e: portlife::ports::ProfileParseError| e.to_string())
}

/// The `--profile` values, in order, as one choice (the last bare one is the default).
pub(crate) fn profiles(args: &[ProfileArg]) -> Profiles {
    args.iter().cloned().collect()
}

impl ReportArgs {
    #[cfg_attr(feature = "gui", allow(dead_code))]
    pub fn for_file(file: PathBuf) -> Self {
        ReportArgs {
            file,
            more: Vec::new(),
            json: false,
            pretty: false,
            profile: Vec::new(),
            max_connections: portlife::tcp::evict::DEFAULT_MAX_CONNECTIONS,
            lang: None,
        }
    }
}

/// Standard output without std's line buffer under it: the report has a buffer of its own, and
/// the line buffer searched every 64 KiB written for its last newline (a few percent of writing
/// hundreds of megabytes of one-line JSON).
fn unbuffered_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let opts = analysis::Options {
        max_connections: Some(args.max_connections),
        ..Default::default()
    };
    let mut files = vec![args.file.clone()];
    files.extend(args.more.iter().cloned());
    let a = analysis::analyze_files_with_profile(&files, profiles(&args.profile), opts)?;
    for w in &a.warnings {
        eprintln!("warning: {w}");
    }
    // Stdout is line-buffered: without a buffer of our own, pretty JSON for 100 k connections
    // costs one write(2) per line (~10 s instead of well under 1 s).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, unbuffered_stdout());
    if args.json {
        // The JSON lists every pool's steps: counted together, not one pass per pool.
        a.ports.count_steps();
    }
    if args.json && args.pretty {
        serde_json::to_writer_pretty(&mut out, &a)?;
        writeln!(out)?;
    } else if args.json {
        // Compact: one line, a third the size of the indented form (100 k connections ≈ 200 MB).
        portlife::json::write_compact(&mut out, &a)?;
        writeln!(out)?;
    } else {
        let lang = args.lang.unwrap_or_else(Lang::from_env);
        portlife::report::summary::write_text(&mut out, &a, lang)?;
    }
    out.flush()?;
    // The process ends right after: freeing 100 000 connection records one by one would cost a
    // few percent of the run for nothing.
    std::mem::forget(a);
    Ok(())
}
