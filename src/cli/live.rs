//! `portlife interfaces` and `portlife live -i IFACE [-w OUT.pcap] [--duration S] [--filter …]`.
//!
//! Live packets go through exactly the pipeline a file does ([`Pipeline`]); once a second a
//! one-screen summary is printed (connections by state, ports in each phase, pool occupancy
//! against the 60 %/80 % thresholds, and the kernel's own view from /proc). The capture is
//! streamed to a pcap file and flushed every second, so a crash or kill loses at most the last
//! second; at the end the file is re-read and reported like any other capture.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use portlife::analysis::Pipeline;
use portlife::decode::{self, Decoded};
use portlife::ports::occupancy::{CRITICAL_PCT, WARNING_PCT};
use portlife::ports::Profile;
use portlife::source::{kernel, live, LiveSource, PcapWriter};

#[derive(Args, Debug)]
pub struct LiveArgs {
    /// Interface to capture on (see `portlife interfaces`), e.g. lo or eth0.
    #[arg(short = 'i', long = "interface")]
    pub interface: String,
    /// Write the capture to this pcap file (default: a file in the temp directory).
    #[arg(short = 'w', long = "write")]
    pub write: Option<PathBuf>,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Keep only TCP/UDP packets to or from this port number or host address.
    #[arg(long)]
    pub filter: Option<String>,
    /// OS profile; default: this machine's own range from net.ipv4.ip_local_port_range.
    #[arg(long, value_parser = parse_profile)]
    pub profile: Option<Profile>,
    /// Ask for promiscuous mode (frames not addressed to this host; needs CAP_NET_ADMIN).
    #[arg(long)]
    pub promisc: bool,
    /// Print the one-line summary only at the end (for scripts and tests).
    #[arg(long)]
    pub quiet: bool,
    /// Keep at most this many connection records; connections that ended long ago (then
    /// half-open SYN-only attempts, then the oldest) are summarised beyond it.
    #[arg(long, default_value_t = portlife::tcp::evict::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

/// What `--filter` keeps.
#[derive(Debug, Clone, Copy)]
enum Filter {
    Port(u16),
    Host(IpAddr),
}

impl Filter {
    fn parse(s: &str) -> Result<Self> {
        if let Ok(p) = s.parse::<u16>() {
            return Ok(Filter::Port(p));
        }
        s.parse::<IpAddr>().map(Filter::Host).map_err(|_| {
            anyhow::anyhow!("--filter takes a port number or an IP address, not {s:?}")
        })
    }

    fn keeps(&self, d: &Decoded) -> bool {
        let (a, b) = match d {
            Decoded::Tcp(t) => (t.src, t.dst),
            Decoded::Udp(u) => (u.src, u.dst),
            Decoded::Icmp(e) => (e.quoted_src, e.quoted_dst),
            Decoded::Other(_) => return false,
        };
        match *self {
            Filter::Port(p) => a.port == p || b.port == p,
            Filter::Host(h) => a.ip == h || b.ip == h,
        }
    }
}

pub fn interfaces() -> Result<()> {
    let list = live::interfaces();
    if list.is_empty() {
        anyhow::bail!("no network interfaces found");
    }
    for i in list {
        let addrs: Vec<String> = i.addresses.iter().map(|a| a.to_string()).collect();
        println!(
            "{:<16} {:<5} {:<9} {}",
            i.name,
            if i.up { "up" } else { "down" },
            if i.loopback { "loopback" } else { "" },
            addrs.join(", ")
        );
    }
    Ok(())
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
        .map_err(|e: portlife::ports::ProfileParseError| e.to_string())
}

/// The profile live capture uses unless told otherwise: this machine's real range.
fn machine_profile() -> (Profile, String) {
    match kernel::local_port_range() {
        Some((lo, hi)) => (
            Profile::Custom {
                lo,
                hi,
                time_wait_s: 60,
            },
            format!("this machine's net.ipv4.ip_local_port_range {lo}–{hi}, TIME-WAIT 60 s (Linux TCP_TIMEWAIT_LEN)"),
        ),
        None => (Profile::Auto, "auto (no /proc range on this machine)".into()),
    }
}

pub fn run(args: &LiveArgs) -> Result<()> {
    let filter = args.filter.as_deref().map(Filter::parse).transpose()?;
    let (profile, profile_note) = match &args.profile {
        Some(p) => (p.clone(), format!("{p:?}")),
        None => machine_profile(),
    };
    let mut source = LiveSource::open(&args.interface, args.promisc)?;
    let out_path = args.write.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!(
            "portlife-live-{}.pcap",
            live::now_ns() / 1_000_000_000
        ))
    });
    let file =
        File::create(&out_path).with_context(|| format!("cannot write {}", out_path.display()))?;
    let mut writer = PcapWriter::new(BufWriter::new(file), source.linktype())?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second handler cannot be installed in the same process; ignore that case.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    eprintln!(
        "capturing on {} (clock: system wall clock when portlife reads each frame; pnet gives no kernel timestamps); profile: {profile_note}; writing {}; Ctrl-C stops",
        source.interface(),
        out_path.display()
    );

    let mut pipeline = Pipeline::with_max_connections(profile, args.max_connections);
    let started = Instant::now();
    let mut last_flush = Instant::now();
    let mut kept: u64 = 0;
    let tty = std::io::stdout().is_terminal() && !args.quiet;
    let end_reason;
    loop {
        if stop.load(Ordering::SeqCst) {
            end_reason = "stopped by Ctrl-C".into();
            break;
        }
        if let Some(d) = args.duration {
            if started.elapsed().as_secs_f64() >= d {
                end_reason = format!("{d} s elapsed");
                break;
            }
        }
        match source.next_packet() {
            Ok(Some(pkt)) => {
                let keep = filter.is_none_or(|f| f.keeps(&decode::decode(pkt.linktype, pkt.data)));
                if keep {
                    let mut pkt = pkt;
                    pkt.index = kept;
                    writer.write_packet(pkt.ts_ns, pkt.data)?;
                    pipeline.push(&pkt);
                    kept += 1;
                }
            }
            Ok(None) => {}
            Err(e) => {
                // Interface down or an I/O error: keep what was captured.
                end_reason = e.to_string();
                eprintln!("portlife: {e}");
                break;
            }
        }
        if last_flush.elapsed() >= Duration::from_secs(1) {
            writer.flush()?;
            last_flush = Instant::now();
            if tty {
                print_summary(&pipeline, started.elapsed().as_secs_f64(), true);
            }
        }
    }
    writer.flush()?;
    drop(writer);
    print_summary(&pipeline, started.elapsed().as_secs_f64(), false);
    println!(
        "capture ended ({end_reason}): {kept} packets written to {}",
        out_path.display()
    );
    if source.duplicates_dropped() > 0 {
        println!(
            "{} loopback duplicate copies dropped",
            source.duplicates_dropped()
        );
    }
    println!();
    super::report::run(&super::report::ReportArgs {
        file: out_path,
        more: Vec::new(),
        json: false,
        pretty: false,
        lang: None,
        profile: vec![portlife::ports::ProfileArg::Default(
            args.profile.clone().unwrap_or_else(|| machine_profile().0),
        )],
        max_connections: args.max_connections,
    })
}

/// The one-screen live summary.
fn print_summary(p: &Pipeline, elapsed_s: f64, clear: bool) {
    let snap = p.snapshot();
    let mut s = String::new();
    if clear {
        s.push_str("\x1b[2J\x1b[H");
    }
    let now = snap.stats.last_ts_ns.unwrap_or_else(live::now_ns);
    s.push_str(&format!(
        "portlife live — {:.1} s, {} packets, {} TCP connections\n",
        elapsed_s,
        snap.stats.packets,
        snap.connections.len()
    ));
    let mut by_state: std::collections::BTreeMap<&'static str, u32> = Default::default();
    for c in &snap.connections {
        let (cs, _) = c.state_at(now);
        *by_state.entry(cs.name()).or_default() += 1;
    }
    s.push_str("  client side by state: ");
    s.push_str(
        &by_state
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push('\n');
    // Spans still running are cut at the last packet, so ask just before it.
    let c = snap.ports.counts_at(now.saturating_sub(1));
    let held = c.assigned + c.active + c.time_wait;
    let size = snap.profile.range_size().max(1);
    let pct = 100.0 * held as f64 / size as f64;
    let level = if pct >= CRITICAL_PCT {
        format!("CRITICAL (≥ {CRITICAL_PCT} %)")
    } else if pct >= WARNING_PCT {
        format!("WARNING (≥ {WARNING_PCT} %)")
    } else {
        format!("ok (< {WARNING_PCT} %)")
    };
    s.push_str(&format!(
        "  ports (wire): Assigned {} · Active {} · TimeWait {} · server TIME-WAIT {}\n  pool: {held} of {size} = {pct:.2} % {level}  [{}]\n",
        c.assigned, c.active, c.time_wait, c.server_time_wait, snap.profile.label
    ));
    if let Some(m) = snap.evicted.message() {
        s.push_str(&format!("  summarised: {m}\n"));
    }
    let k = kernel::tcp_sockets();
    if !k.is_empty() {
        let tw = k.iter().filter(|s| s.state == "TIME-WAIT").count();
        let est = k.iter().filter(|s| s.state == "ESTAB").count();
        s.push_str(&format!(
            "  kernel (/proc/net/tcp*): {} sockets, ESTAB {est}, TIME-WAIT {tw}  (ss -tan state time-wait | wc -l)\n",
            k.len()
        ));
    }
    print!("{s}");
    let _ = std::io::stdout().flush();
}
