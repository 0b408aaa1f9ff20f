//! OS profiles: which ports a client OS picks for connect(), how long its TIME-WAIT lasts, and
//! how long it keeps retrying an unanswered SYN. The numbers, with their primary sources:
//!
//! - **Linux (modern)**: ephemeral range 32768–60999, the default of `net.ipv4.ip_local_port_range`
//!   since kernel commit 07f4c90062f8 ("tcp/dccp: try to not exhaust ip_local_port_range in
//!   connect()", May 2015, first in Linux 4.2), which also made connect() prefer ports of one parity so bind() keeps
//!   the other — why the ends of the range differ in parity. TIME-WAIT 60 s:
//!   `#define TCP_TIMEWAIT_LEN (60*HZ)` in include/net/tcp.h ("how long to wait to destroy
//!   TIME-WAIT state, about 60 seconds"), not tunable. Connect timeout: `tcp_syn_retries` = 6
//!   (Documentation/networking/ip-sysctl.rst: "with the current initial RTO of 1 second ... the
//!   final timeout for an active TCP connection attempt will happen after 127 seconds"):
//!   1+2+4+8+16+32+64 s.
//! - **Linux (old)**: 32768–61000, the default before that commit (net/ipv4/af_inet.c,
//!   `inet_init_net`: `range[1] = 61000`); TIME-WAIT and SYN retries as above.
//! - **Windows (Vista / Server 2008 and later)**: 49152–65535, the IANA dynamic range of RFC 6335
//!   §6 (Microsoft KB 929851, "The default dynamic port range for TCP/IP has changed in Windows
//!   Vista and in Windows Server 2008": "The new default start port is 49152, and the default end
//!   port is 65535"; before, 1025–5000). TIME-WAIT 120 s: `TcpTimedWaitDelay` default 0x78 = 120 s
//!   (TechNet cc757512, Windows Server 2003 registry reference; Windows 2000's page cc938217 gives
//!   0xF0 = 240 s). Note: the 2003 page's prose still says "the value of this entry is equal
//!   twice that [MSL of 120 s], or 4 minutes", contradicting its own default column; portlife
//!   follows the default column. Connect timeout: `TcpMaxConnectRetransmissions` = 2 with a 3 s
//!   initial RTO: 3+6+12 = 21 s.
//! - **Windows (2000 / XP / Server 2003)**: 1025–5000, the range before Vista (KB 929851 above:
//!   "the default dynamic port range ... from 1025 through 5000"); TIME-WAIT 240 s, the default
//!   of `TcpTimedWaitDelay` (0xF0) on Windows 2000's registry page cc938217. Connect timeout as
//!   the later Windows: 21 s.
//! - **macOS**: 49152–65535 (XNU bsd/netinet/in.h `IPPORT_HIFIRSTAUTO`/`IPPORT_HILASTAUTO`; the
//!   sysctls are `net.inet.ip.portrange.first`/`last`, shown as `hifirst`/`hilast` on OS X 10.5);
//!   TIME-WAIT = 2×MSL with `net.inet.tcp.msl` = 15000 ms (XNU bsd/netinet/tcp_timer.h
//!   `#define TCPTV_MSL ( 15*TCP_RETRANSHZ)`) → 30 s. Connect timeout: `net.inet.tcp.keepinit`
//!   75 s (`TCPTV_KEEP_INIT`).
//! - **FreeBSD**: 10000–65535 (sys/netinet/in.h `IPPORT_EPHEMERALFIRST 10000` /
//!   `IPPORT_EPHEMERALLAST 65535`, used as `ipport_firstauto`/`ipport_lastauto` in
//!   sys/netinet/in_pcb.c, i.e. `net.inet.ip.portrange.first`/`last`); TIME-WAIT = 2×MSL with
//!   `net.inet.tcp.msl` = 30000 ms (sys/netinet/tcp_timer.h `TCPTV_MSL` = 30 s) → 60 s. Connect
//!   timeout: `net.inet.tcp.keepinit` 75 s.

use std::str::FromStr;

use serde::Serialize;

use std::collections::HashMap;
use std::net::IpAddr;

use super::choice::ChoicePattern;
use crate::i18n::Lang;
use crate::tcp::{Connection, SynOptions, UdpFlow};
use crate::tr;

const S: i64 = 1_000_000_000;

/// A concrete profile: the numbers the port model uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsProfile {
    /// Stable short name: `linux`, `linux-old`, `windows`, `macos`, `freebsd`, `custom`.
    pub name: String,
    /// For people: "Linux (modern)".
    pub label: String,
    /// Ephemeral port range, inclusive.
    pub port_lo: u16,
    pub port_hi: u16,
    /// How long the active closer's socket stays in TIME-WAIT (2×MSL), ns.
    pub time_wait_ns: i64,
    /// How long connect() keeps retrying an unanswered SYN before giving up, ns.
    pub connect_timeout_ns: i64,
}

impl OsProfile {
    fn new(name: &str, label: &str, range: (u16, u16), tw_s: i64, connect_s: i64) -> Self {
        OsProfile {
            name: name.to_string(),
            label: label.to_string(),
            port_lo: range.0,
            port_hi: range.1,
            time_wait_ns: tw_s * S,
            connect_timeout_ns: connect_s * S,
        }
    }

    pub fn linux() -> Self {
        Self::new("linux", "Linux (modern)", (32768, 60999), 60, 127)
    }
    pub fn linux_old() -> Self {
        Self::new("linux-old", "Linux (2.6–3.x era)", (32768, 61000), 60, 127)
    }
    pub fn windows() -> Self {
        Self::new(
            "windows",
            "Windows (Vista and later)",
            (49152, 65535),
            120,
            21,
        )
    }
    pub fn windows_old() -> Self {
        Self::new(
            "windows-old",
            "Windows (2000/XP/2003)",
            (1025, 5000),
            240,
            21,
        )
    }
    pub fn macos() -> Self {
        Self::new("macos", "macOS", (49152, 65535), 30, 75)
    }
    pub fn freebsd() -> Self {
        Self::new("freebsd", "FreeBSD", (10000, 65535), 60, 75)
    }
    /// A user-given range and TIME-WAIT (connect timeout as Linux).
    pub fn custom(lo: u16, hi: u16, time_wait_s: u32) -> Self {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        Self::new(
            "custom",
            &format!("custom {lo}–{hi}, TIME-WAIT {time_wait_s} s"),
            (lo, hi),
            time_wait_s as i64,
            127,
        )
    }

    /// The named OS's default profile (`linux` for an unknown name).
    pub fn named(name: &str) -> OsProfile {
        match name {
            "windows" => OsProfile::windows(),
            "windows-old" => OsProfile::windows_old(),
            "macos" => OsProfile::macos(),
            "freebsd" => OsProfile::freebsd(),
            "linux-old" => OsProfile::linux_old(),
            _ => OsProfile::linux(),
        }
    }

    /// This profile with its OS's default range: itself, unless `auto` narrowed the range to
    /// one a host's traffic proved (a custom profile is its own default).
    pub fn os_default(&self) -> OsProfile {
        match self.name.as_str() {
            "custom" => self.clone(),
            name => OsProfile::named(name),
        }
    }

    /// Number of ports in the ephemeral range.
    pub fn range_size(&self) -> u32 {
        self.port_hi as u32 - self.port_lo as u32 + 1
    }

    pub fn contains(&self, port: u16) -> bool {
        (self.port_lo..=self.port_hi).contains(&port)
    }
}

/// What the user chose: a named profile, a custom one, or `auto` (guess from the client ports).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    Linux,
    LinuxOld,
    Windows,
    WindowsOld,
    MacOs,
    FreeBsd,
    Custom {
        lo: u16,
        hi: u16,
        time_wait_s: u32,
    },
    #[default]
    Auto,
}

/// The profiles there are to choose from, without a custom profile's values: the one list a
/// selector shows and `--profile` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileKind {
    Linux,
    LinuxOld,
    Windows,
    WindowsOld,
    MacOs,
    FreeBsd,
    Custom,
    /// Guess from the observed client ports.
    Auto,
}

impl ProfileKind {
    pub const ALL: [ProfileKind; 8] = [
        ProfileKind::Linux,
        ProfileKind::LinuxOld,
        ProfileKind::Windows,
        ProfileKind::WindowsOld,
        ProfileKind::MacOs,
        ProfileKind::FreeBsd,
        ProfileKind::Custom,
        ProfileKind::Auto,
    ];

    /// A selector's short name for it.
    pub fn label(self) -> &'static str {
        match self {
            ProfileKind::Linux => "Linux",
            ProfileKind::LinuxOld => "Linux (2.6–3.x)",
            ProfileKind::Windows => "Windows",
            ProfileKind::WindowsOld => "Windows (2000/XP)",
            ProfileKind::MacOs => "macOS",
            ProfileKind::FreeBsd => "FreeBSD",
            ProfileKind::Custom => "Custom",
            ProfileKind::Auto => "Auto",
        }
    }

    /// The profile of this kind; a custom one takes `lo`–`hi` (put in order, never port 0) and
    /// `time_wait_s`, which the others ignore.
    pub fn with_custom(self, lo: u16, hi: u16, time_wait_s: u32) -> Profile {
        match self {
            ProfileKind::Linux => Profile::Linux,
            ProfileKind::LinuxOld => Profile::LinuxOld,
            ProfileKind::Windows => Profile::Windows,
            ProfileKind::WindowsOld => Profile::WindowsOld,
            ProfileKind::MacOs => Profile::MacOs,
            ProfileKind::FreeBsd => Profile::FreeBsd,
            ProfileKind::Custom => Profile::Custom {
                lo: lo.min(hi).max(1),
                hi: hi.max(lo),
                time_wait_s,
            },
            ProfileKind::Auto => Profile::Auto,
        }
    }
}

impl Profile {
    /// Which of the listed profiles this is.
    pub fn kind(&self) -> ProfileKind {
        match self {
            Profile::Linux => ProfileKind::Linux,
            Profile::LinuxOld => ProfileKind::LinuxOld,
            Profile::Windows => ProfileKind::Windows,
            Profile::WindowsOld => ProfileKind::WindowsOld,
            Profile::MacOs => ProfileKind::MacOs,
            Profile::FreeBsd => ProfileKind::FreeBsd,
            Profile::Custom { .. } => ProfileKind::Custom,
            Profile::Auto => ProfileKind::Auto,
        }
    }
}

/// Why a `--profile` value was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile {0:?}: expected linux, linux-old, windows, windows-old, macos, freebsd, auto or custom:LO-HI:TWSECS, optionally after HOST= (one client host's, e.g. 10.0.0.2=windows)")]
pub struct ProfileParseError(pub String);

impl FromStr for Profile {
    type Err = ProfileParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ProfileParseError(s.to_string());
        Ok(match s.to_ascii_lowercase().as_str() {
            "linux" => Profile::Linux,
            "linux-old" => Profile::LinuxOld,
            "windows" => Profile::Windows,
            "windows-old" => Profile::WindowsOld,
            "macos" => Profile::MacOs,
            "freebsd" => Profile::FreeBsd,
            "auto" => Profile::Auto,
            other => {
                let rest = other.strip_prefix("custom:").ok_or_else(err)?;
                let (range, tw) = rest.split_once(':').ok_or_else(err)?;
                let (lo, hi) = range.split_once('-').ok_or_else(err)?;
                let lo: u16 = lo.trim().parse().map_err(|_| err())?;
                let hi: u16 = hi.trim().parse().map_err(|_| err())?;
                let time_wait_s: u32 = tw.trim().parse().map_err(|_| err())?;
                if lo == 0 || lo > hi {
                    return Err(err());
                }
                Profile::Custom {
                    lo,
                    hi,
                    time_wait_s,
                }
            }
        })
    }
}

impl Profile {
    /// The concrete profile, and a note saying how it was chosen (a guess says so).
    pub fn resolve(&self, conns: &[Connection], udp: &[UdpFlow]) -> (OsProfile, ProfileNote) {
        self.resolve_with(conns, udp, &host_guesses(conns))
    }

    /// [`Self::resolve`] with the hosts' guesses already made.
    pub fn resolve_with(
        &self,
        conns: &[Connection],
        udp: &[UdpFlow],
        hosts: &[HostGuess],
    ) -> (OsProfile, ProfileNote) {
        let chosen = |p: OsProfile, label: &str| {
            let note = ProfileNote::new(NoteHow::Chosen(label.to_string()));
            (p, note)
        };
        match self {
            Profile::Linux => chosen(OsProfile::linux(), "Linux (modern)"),
            Profile::LinuxOld => chosen(OsProfile::linux_old(), "Linux (old)"),
            Profile::Windows => chosen(OsProfile::windows(), "Windows"),
            Profile::WindowsOld => chosen(OsProfile::windows_old(), "Windows (2000/XP/2003)"),
            Profile::MacOs => chosen(OsProfile::macos(), "macOS"),
            Profile::FreeBsd => chosen(OsProfile::freebsd(), "FreeBSD"),
            Profile::Custom {
                lo,
                hi,
                time_wait_s,
            } => {
                let p = OsProfile::custom(*lo, *hi, *time_wait_s);
                let label = p.label.clone();
                chosen(p, &label)
            }
            Profile::Auto => guess(conns, udp, hosts),
        }
    }
}

/// What one client host's SYNs and port choices say about its OS.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HostGuess {
    pub host: IpAddr,
    /// The profile name it points to (`linux`, `windows`, `windows-old`, `macos`, `freebsd`,
    /// `linux-old`).
    pub os: &'static str,
    pub confidence: Confidence,
    /// What the wire showed, in English words ("no TCP timestamps in its SYNs", …): `why` as
    /// the JSON report says it.
    pub reasons: Vec<String>,
    /// What the wire showed, for a view to say in its language ([`Reason::text`]).
    #[serde(skip)]
    pub why: Vec<Reason>,
    /// A range narrower than the OS default that its own traffic proves (`observed` below).
    pub observed_range: Option<(u16, u16)>,
    /// Connections whose SYN it sent (the evidence).
    pub connections: u32,
}

impl HostGuess {
    /// [`HostGuess::why`] in `lang`, in one line.
    pub fn reasons_text(&self, lang: Lang) -> String {
        join(
            lang,
            "profile-note-reasons-separator",
            self.why.iter().map(|r| r.text(lang)),
        )
    }

    /// The profile this host's ports are modelled under: its OS's, with the range its traffic
    /// proves if narrower.
    pub fn profile(&self) -> OsProfile {
        let mut p = OsProfile::named(self.os);
        if let Some((lo, hi)) = self.observed_range {
            p.port_lo = lo;
            p.port_hi = hi;
            p.label = format!("{}, observed range {lo}–{hi}", p.label);
        }
        p
    }
}

/// How sure a [`HostGuess`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Only the port range speaks for it (ranges overlap between OSes).
    Low,
    /// The SYN options and the range agree.
    Medium,
    /// Options, range and the order of the ports all agree.
    High,
}

impl Confidence {
    /// Its serde name (`low`, `medium`, `high`), which the profile note's messages select on.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The OS guess of every host that opened TCP connections whose SYN was captured, busiest
/// first. The reasoning is p0f's (a SYN's options are the OS's defaults) narrowed to what
/// decides the port model here, with what the ports themselves show:
/// - RFC 7323 timestamps: Windows leaves them off by default (`Tcp1323Opts`), Linux
///   (`net.ipv4.tcp_timestamps` = 1), macOS and FreeBSD (`net.inet.tcp.rfc1323` = 1) send them;
/// - the range the ports fall in (the table at the top of this file);
/// - the order: Windows takes ports in sequence (see `choice`), Linux ≥ 4.2 connect() one parity
///   first (commit 07f4c90062f8).
pub fn host_guesses(conns: &[Connection]) -> Vec<HostGuess> {
    // What the guess reads of each connection, copied out in one pass over the records: a
    // host's records lie far apart when several hosts interleave, and reading them again per
    // host (to sort them, then for their ports and SYNs) missed the cache on each one.
    let mut by_host: foldhash::HashMap<IpAddr, Vec<Opened>> = Default::default();
    for c in conns {
        if c.roles_inferred || c.client.port < 1024 {
            continue;
        }
        if let Some(syn) = c.syn_options {
            by_host.entry(c.client.ip).or_default().push(Opened {
                start_ns: c.start_ns,
                id: c.id,
                port: c.client.port,
                syn,
            });
        }
    }
    let mut out: Vec<HostGuess> = by_host
        .into_iter()
        .map(|(host, mut cs)| {
            // Usually in this order already (a capture opens connections in time order).
            if !cs.is_sorted_by_key(|c| (c.start_ns, c.id)) {
                cs.sort_by_key(|c| (c.start_ns, c.id));
            }
            guess_host(host, &cs)
        })
        .collect();
    out.sort_by(|a, b| b.connections.cmp(&a.connections).then(a.host.cmp(&b.host)));
    out
}

/// One connection a client host opened with a SYN, as the guess reads it.
struct Opened {
    start_ns: i64,
    id: u32,
    port: u16,
    syn: SynOptions,
}

fn guess_host(host: IpAddr, cs: &[Opened]) -> HostGuess {
    let ports: Vec<u16> = cs.iter().map(|c| c.port).collect();
    let (min, max) = (
        *ports.iter().min().unwrap_or(&0),
        *ports.iter().max().unwrap_or(&0),
    );
    // Only a SYN with an MSS option is an OS stack's own (every stack sends one; a SYN with no
    // options is crafted, a scanner's or a test's, and its missing timestamps say nothing).
    let printed: Vec<&SynOptions> = cs
        .iter()
        .map(|c| &c.syn)
        .filter(|o| o.mss.is_some())
        .collect();
    let with_ts = printed.iter().filter(|o| o.timestamps).count();
    let stamped = !printed.is_empty() && with_ts * 2 > printed.len();
    let ttl = usual_initial_ttl(printed.iter().map(|o| o.ttl));
    let (ttl64, ttl128) = (ttl == Some(64), ttl == Some(128));
    let reading = super::choice::read_choice(&ports);
    let sequential = reading.pattern == ChoicePattern::Sequential;
    let parity = matches!(
        reading.pattern,
        ChoicePattern::OneParity { .. } | ChoicePattern::OneParityThenOther { .. }
    );
    let mut reasons: Vec<Reason> = Vec::new();
    let dynamic = min >= 49152;
    let linux = min >= 32768 && max <= 60999;
    // What the TTL says beside the options: Windows starts at 128, the others at 64.
    let ttl_reason = |reasons: &mut Vec<Reason>, windows: bool| match (windows, ttl) {
        (true, Some(128)) | (false, Some(64)) => {
            reasons.push(Reason::InitialTtl(if windows { 128 } else { 64 }));
            true
        }
        (false, Some(128)) => {
            reasons.push(Reason::ButTtl128);
            false
        }
        _ => true,
    };
    let (os, confidence) = if !printed.is_empty() && with_ts == 0 && dynamic && !ttl64 {
        reasons.push(Reason::NoTimestamps);
        ttl_reason(&mut reasons, true);
        reasons.push(Reason::PortsDynamic);
        if sequential {
            reasons.push(Reason::Sequential);
        }
        let sure = sequential || max > 60999 || ttl128;
        (
            "windows",
            if sure {
                Confidence::High
            } else {
                Confidence::Medium
            },
        )
    } else if !printed.is_empty() && with_ts == 0 && ttl128 {
        // Windows' SYN below its modern range: Windows before Vista, or a range set by hand
        // (then the range finding says which profile would hold the ports).
        reasons.push(Reason::NoTimestamps);
        ttl_reason(&mut reasons, true);
        if min >= 1025 && max <= 5000 {
            reasons.push(Reason::PortsWindowsOld);
            ("windows-old", Confidence::Medium)
        } else {
            reasons.push(Reason::OutsideVista { min, max });
            ("windows", Confidence::Low)
        }
    } else if stamped && linux {
        reasons.push(Reason::Timestamps);
        let agrees = ttl_reason(&mut reasons, false);
        reasons.push(Reason::PortsLinux);
        if parity {
            reasons.push(Reason::OneParity);
        }
        (
            "linux",
            match (agrees, parity) {
                (false, _) => Confidence::Low,
                (true, true) => Confidence::High,
                (true, false) => Confidence::Medium,
            },
        )
    } else if stamped && dynamic && max > 60999 {
        reasons.push(Reason::Timestamps);
        let agrees = ttl_reason(&mut reasons, false);
        reasons.push(Reason::AboveLinux);
        (
            "macos",
            if agrees {
                Confidence::Medium
            } else {
                Confidence::Low
            },
        )
    } else if stamped && (10000..32768).contains(&min) {
        reasons.push(Reason::Timestamps);
        ttl_reason(&mut reasons, false);
        reasons.push(Reason::BelowLinux);
        // A NAT or a tuned range shows the same: only the range speaks for FreeBSD here.
        ("freebsd", Confidence::Low)
    } else {
        let (p, why) = by_range(min, max);
        reasons.push(Reason::Range(why));
        (p, Confidence::Low)
    };
    let observed_range = observed(&ports, os);
    if let Some((lo, hi)) = observed_range {
        reasons.push(Reason::Observed {
            lo,
            hi,
            connections: cs.len(),
            ports: u32::from(hi) - u32::from(lo) + 1,
        });
    }
    HostGuess {
        host,
        os,
        confidence,
        reasons: reasons.iter().map(|r| r.text(Lang::En)).collect(),
        why: reasons,
        observed_range,
        connections: cs.len() as u32,
    }
}

/// The initial TTL most of a host's SYNs started from: the smallest usual initial value (64:
/// Linux, macOS, FreeBSD; 128: Windows; 255: Solaris and network gear) not below what arrived,
/// as p0f rounds it. `None` without SYNs. A TTL of 0 says nothing: no router forwards it, so
/// it was written so (an anonymised or rewritten capture).
fn usual_initial_ttl(ttls: impl Iterator<Item = u8>) -> Option<u8> {
    let mut counts = [0u32; 3];
    for t in ttls.filter(|&t| t > 0) {
        counts[match t {
            0..=64 => 0,
            65..=128 => 1,
            _ => 2,
        }] += 1;
    }
    let (i, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, n)| (**n, 2 - *i))?;
    (n > 0).then_some([64, 128, 255][i])
}

/// Smallest block of ports from which a range narrower than the default is inferred.
pub const OBSERVED_RANGE_MIN_PORTS: u32 = 4;

/// Whether a host's TCP client ports prove its kernel's range is the block `lo..=hi`, narrower
/// than a default of `default_size` ports: `distinct` ports fill the block completely, and
/// *every* one was used by more than one connection (`all_reused`). A kernel picking from a wide
/// range would not come back to every port of a small block (Linux hashes and steps on, Windows
/// walks the whole range); one configured with that block has no other choice (e.g.
/// `ip_local_port_range 40000 40199`). Six ports of a browser, none reused, prove nothing.
pub fn proves_range(lo: u16, hi: u16, distinct: u32, all_reused: bool, default_size: u32) -> bool {
    let width = u32::from(hi) - u32::from(lo) + 1;
    distinct == width && width >= OBSERVED_RANGE_MIN_PORTS && all_reused && width < default_size
}

/// [`proves_range`] over one host's ports (in any order).
fn observed(ports: &[u16], os: &str) -> Option<(u16, u16)> {
    let (lo, hi, distinct, all_reused) = port_uses(ports)?;
    let default = OsProfile::named(os).range_size();
    proves_range(lo, hi, distinct, all_reused, default).then_some((lo, hi))
}

/// The lowest and highest port, how many distinct ports, and whether every one was used more
/// than once.
pub(crate) fn port_uses(ports: &[u16]) -> Option<(u16, u16, u32, bool)> {
    // Thousands of ports: a flat table of uses per port (a tree of them cost more than the rest
    // of the guess). A few: a sorted copy (a SYN flood has hundreds of thousands of hosts with
    // one port each, and a table apiece would cost seconds).
    if ports.len() >= 4096 {
        // Uses per port, saturating at 2: all the proof asks is "used" and "used again".
        let mut uses = vec![0u8; 1 << 16];
        for &p in ports {
            let n = &mut uses[usize::from(p)];
            *n = (*n + 1).min(2);
        }
        let lo = uses.iter().position(|&n| n > 0)?;
        let hi = uses.iter().rposition(|&n| n > 0)?;
        let block = &uses[lo..=hi];
        let distinct = block.iter().filter(|&&n| n > 0).count() as u32;
        Some((
            lo as u16,
            hi as u16,
            distinct,
            block.iter().all(|&n| n != 1),
        ))
    } else {
        let mut sorted = ports.to_vec();
        sorted.sort_unstable();
        let runs = sorted.chunk_by(|a, b| a == b);
        let distinct = runs.clone().count() as u32;
        let all_reused = runs.clone().all(|r| r.len() > 1);
        Some((*sorted.first()?, *sorted.last()?, distinct, all_reused))
    }
}

/// The profile a port range alone points to, and why (when the SYNs say nothing surer).
fn by_range(min: u16, max: u16) -> (&'static str, RangeWhy) {
    if min >= 49152 && max > 60999 {
        ("windows", RangeWhy::DynamicAboveLinux)
    } else if min >= 49152 {
        ("linux", RangeWhy::LinuxAndWindows)
    } else if min >= 32768 && max <= 60999 {
        ("linux", RangeWhy::InsideLinux)
    } else if min >= 32768 && max == 61000 {
        ("linux-old", RangeWhy::LinuxOld)
    } else if min >= 32768 {
        ("linux", RangeWhy::SpansLinuxAndWindows)
    } else if min >= 10000 {
        ("freebsd", RangeWhy::FreeBsd)
    } else {
        ("linux", RangeWhy::BelowEvery)
    }
}

/// `auto`'s default, for every host without a guess of its own: the profile of the busiest
/// client host, from its SYNs and ports ([`host_guesses`]), with its observed range if it has
/// one; from the client ports alone when
/// no SYN says more (UDP ones only when there are no TCP ones: UDP "clients" are often fixed
/// ports — L2TP 1701, NTP 123, mDNS 5353).
fn guess(conns: &[Connection], udp: &[UdpFlow], hosts: &[HostGuess]) -> (OsProfile, ProfileNote) {
    if let Some(first) = hosts.first() {
        let p = first.profile();
        let clauses = hosts
            .iter()
            .map(|h| HostClause {
                host: h.host,
                label: OsProfile::named(h.os).label,
                confidence: h.confidence,
                connections: h.connections,
                why: h.why.clone(),
            })
            .collect();
        let differ = hosts.iter().any(|h| h.os != first.os).then_some(first.host);
        let how = NoteHow::Guessed {
            profile: p.name.clone(),
            hosts: clauses,
            differ_from: differ,
        };
        return (p, ProfileNote::new(how));
    }
    let mut ports: Vec<u16> = conns
        .iter()
        .filter(|c| !c.roles_inferred && c.client.port >= 1024)
        .map(|c| c.client.port)
        .collect();
    if ports.is_empty() {
        ports = udp
            .iter()
            .filter(|f| !f.roles_inferred && f.client.port >= 1024)
            .map(|f| f.client.port)
            .collect();
    }
    let (Some(&min), Some(&max)) = (ports.iter().min(), ports.iter().max()) else {
        return (OsProfile::linux(), ProfileNote::new(NoteHow::NoClientPorts));
    };
    let (name, why) = by_range(min, max);
    let p = OsProfile::named(name);
    let how = NoteHow::ByRange {
        profile: p.name.clone(),
        ports: ports.len(),
        min,
        max,
        why,
    };
    (p, ProfileNote::new(how))
}

/// Why a port range alone points to a profile ([`by_range`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeWhy {
    DynamicAboveLinux,
    LinuxAndWindows,
    InsideLinux,
    LinuxOld,
    SpansLinuxAndWindows,
    FreeBsd,
    BelowEvery,
}

/// One thing a host's SYNs or ports showed about its OS ([`HostGuess::why`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    InitialTtl(u8),
    ButTtl128,
    NoTimestamps,
    Timestamps,
    PortsDynamic,
    Sequential,
    PortsWindowsOld,
    OutsideVista {
        min: u16,
        max: u16,
    },
    PortsLinux,
    OneParity,
    AboveLinux,
    BelowLinux,
    Range(RangeWhy),
    Observed {
        lo: u16,
        hi: u16,
        connections: usize,
        ports: u32,
    },
}

impl Reason {
    /// In `lang` (a message `profile-reason-*` or `profile-range-*`).
    pub fn text(&self, lang: Lang) -> String {
        match *self {
            Reason::InitialTtl(ttl) => tr!(lang, "profile-reason-initial-ttl", ttl = ttl),
            Reason::ButTtl128 => tr!(lang, "profile-reason-but-ttl-128"),
            Reason::NoTimestamps => tr!(lang, "profile-reason-no-timestamps"),
            Reason::Timestamps => tr!(lang, "profile-reason-timestamps"),
            Reason::PortsDynamic => tr!(lang, "profile-reason-ports-dynamic"),
            Reason::Sequential => tr!(lang, "profile-reason-sequential"),
            Reason::PortsWindowsOld => tr!(lang, "profile-reason-ports-windows-old"),
            Reason::OutsideVista { min, max } => {
                tr!(lang, "profile-reason-outside-vista", min = min, max = max)
            }
            Reason::PortsLinux => tr!(lang, "profile-reason-ports-linux"),
            Reason::OneParity => tr!(lang, "profile-reason-one-parity"),
            Reason::AboveLinux => tr!(lang, "profile-reason-above-linux"),
            Reason::BelowLinux => tr!(lang, "profile-reason-below-linux"),
            Reason::Range(why) => why.text(lang),
            Reason::Observed {
                lo,
                hi,
                connections,
                ports,
            } => tr!(
                lang,
                "profile-reason-observed",
                lo = lo,
                hi = hi,
                connections = connections,
                ports = ports
            ),
        }
    }
}

impl RangeWhy {
    /// In `lang` (a message `profile-range-*`).
    pub fn text(self, lang: Lang) -> String {
        tr!(
            lang,
            match self {
                RangeWhy::DynamicAboveLinux => "profile-range-dynamic-above-linux",
                RangeWhy::LinuxAndWindows => "profile-range-linux-and-windows",
                RangeWhy::InsideLinux => "profile-range-inside-linux",
                RangeWhy::LinuxOld => "profile-range-linux-old",
                RangeWhy::SpansLinuxAndWindows => "profile-range-spans-linux-and-windows",
                RangeWhy::FreeBsd => "profile-range-freebsd",
                RangeWhy::BelowEvery => "profile-range-below-every",
            }
        )
    }
}

/// One client host's guess as the profile note states it.
#[derive(Clone, Debug, PartialEq)]
pub struct HostClause {
    pub host: IpAddr,
    pub label: String,
    pub confidence: Confidence,
    pub connections: u32,
    pub why: Vec<Reason>,
}

/// How the default profile was chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum NoteHow {
    /// By the user; the label of what was chosen.
    Chosen(String),
    /// `auto`, from the client hosts' SYNs and ports ([`host_guesses`]), busiest first; a host
    /// whose guess differs from the others names the one whose profile the rest get.
    Guessed {
        profile: String,
        hosts: Vec<HostClause>,
        differ_from: Option<IpAddr>,
    },
    /// `auto`, from the client ports' range alone (no SYN said more).
    ByRange {
        profile: String,
        ports: usize,
        min: u16,
        max: u16,
        why: RangeWhy,
    },
    /// `auto` with no client port whose role is known.
    NoClientPorts,
}

/// How the profiles were chosen: the default's [`NoteHow`] and the hosts the user gave a
/// profile of their own (`HOST=P`). A view says it in its language ([`ProfileNote::text`]); the
/// JSON report has it in English ([`ProfileNote::json`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileNote {
    pub how: NoteHow,
    pub host_choices: Vec<HostChoice>,
}

/// A host given a profile of its own: the label of its profile and the range its traffic
/// proved, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct HostChoice {
    pub host: IpAddr,
    pub label: String,
    pub observed: Option<(u16, u16)>,
}

impl Default for ProfileNote {
    fn default() -> Self {
        ProfileNote::new(NoteHow::NoClientPorts)
    }
}

impl ProfileNote {
    pub fn new(how: NoteHow) -> Self {
        ProfileNote {
            how,
            host_choices: Vec::new(),
        }
    }

    /// The note in `lang`. Hosts guessed alike (same profile, confidence and reasons) are said
    /// once, with their first addresses and their number: a capture of a thousand clients
    /// would otherwise repeat one sentence a thousand times.
    pub fn text(&self, lang: Lang) -> String {
        self.render(lang, true)
    }

    fn render(&self, lang: Lang, group_alike: bool) -> String {
        let out = match &self.how {
            NoteHow::Chosen(label) => tr!(lang, "profile-note-chosen", label = label),
            NoteHow::NoClientPorts => tr!(lang, "profile-note-no-client-ports"),
            NoteHow::ByRange {
                profile,
                ports,
                min,
                max,
                why,
            } => tr!(
                lang,
                "profile-note-by-range",
                profile = profile,
                ports = ports,
                min = min,
                max = max,
                why = why.text(lang)
            ),
            NoteHow::Guessed {
                profile,
                hosts,
                differ_from,
            } => {
                let groups = if group_alike {
                    alike(hosts, lang)
                } else {
                    hosts.iter().map(|h| vec![h]).collect()
                };
                let clauses = groups.into_iter().map(|g| {
                    let h = g[0];
                    let reasons = h.why.iter().map(|r| r.text(lang));
                    let reasons = join(lang, "profile-note-reasons-separator", reasons);
                    if g.len() == 1 {
                        return tr!(
                            lang,
                            "profile-note-host",
                            host = h.host.to_string(),
                            label = &h.label,
                            confidence = h.confidence.name(),
                            connections = h.connections,
                            reasons = reasons
                        );
                    }
                    let first = g.iter().take(ALIKE_LISTED).map(|h| h.host.to_string());
                    let mut listed = join(lang, "profile-note-host-list-separator", first);
                    if g.len() > ALIKE_LISTED {
                        listed = tr!(
                            lang,
                            "profile-note-host-list-more",
                            first = listed,
                            more = g.len() - ALIKE_LISTED
                        );
                    }
                    tr!(
                        lang,
                        "profile-note-host-group",
                        hosts = listed,
                        count = g.len(),
                        label = &h.label,
                        confidence = h.confidence.name(),
                        connections = g.iter().map(|h| u64::from(h.connections)).sum::<u64>(),
                        reasons = reasons
                    )
                });
                let mut s = tr!(
                    lang,
                    "profile-note-guessed",
                    profile = profile,
                    hosts = join(lang, "profile-note-hosts-separator", clauses)
                );
                if let Some(host) = differ_from {
                    s.push_str(&tr!(
                        lang,
                        "profile-note-hosts-differ",
                        host = host.to_string()
                    ));
                }
                s
            }
        };
        out + &self.host_choices_text(lang)
    }

    /// The hosts with a profile of their own, as the note's end says them.
    fn host_choices_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        for HostChoice {
            host,
            label,
            observed,
        } in &self.host_choices
        {
            let mut label = label.clone();
            if let Some((lo, hi)) = observed {
                label.push_str(&tr!(lang, "profile-label-observed", lo = lo, hi = hi));
            }
            out.push_str(&tr!(
                lang,
                "profile-note-host-chosen",
                host = host.to_string(),
                label = label
            ));
        }
        out
    }

    /// The note as the JSON report has it: the English one, but for a guess from the range
    /// alone, whose count of client ports the JSON has always written "port(s)" (JSON never
    /// changes, so that sentence keeps its wording here).
    pub fn json(&self) -> String {
        match &self.how {
            NoteHow::ByRange {
                profile,
                ports,
                min,
                max,
                why,
            } => format!(
                "guessed {profile}: {ports} client port(s) in {min}–{max}, {}{}",
                why.text(Lang::En),
                self.host_choices_text(Lang::En)
            ),
            // Every host on its own, as the JSON has always listed them.
            _ => self.render(Lang::En, false),
        }
    }
}

/// How many addresses of a group of hosts guessed alike the note lists.
const ALIKE_LISTED: usize = 3;

/// `hosts` in groups guessed alike (label, confidence and reasons as said in `lang`), each
/// group where its first host was.
fn alike(hosts: &[HostClause], lang: Lang) -> Vec<Vec<&HostClause>> {
    let mut groups: Vec<Vec<&HostClause>> = Vec::new();
    let mut index: HashMap<(&str, &str, Vec<String>), usize> = HashMap::default();
    for h in hosts {
        let key = (
            h.label.as_str(),
            h.confidence.name(),
            h.why.iter().map(|r| r.text(lang)).collect(),
        );
        match index.get(&key) {
            Some(&i) => groups[i].push(h),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![h]);
            }
        }
    }
    groups
}

impl Serialize for ProfileNote {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.json())
    }
}

/// `items` joined by the message `separator` (a list's comma in `lang`).
fn join(lang: Lang, separator: &str, items: impl Iterator<Item = String>) -> String {
    let sep = tr!(lang, separator);
    items.collect::<Vec<_>>().join(&sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A host's port uses read the same from a flat table (thousands of ports) as from a
        /// sorted copy (a few), on both sides of where one gives way to the other: the same
        /// lowest and highest port, distinct count and "every port used again".
        #[test]
        fn port_uses_are_counted_alike_however_many_ports(
            base in 30000u16..60000,
            offsets in proptest::collection::vec(0u16..5000, 1..6000),
            twice in proptest::bool::ANY,
        ) {
            let mut ports: Vec<u16> = offsets.iter().map(|o| base.saturating_add(*o)).collect();
            if twice {
                ports.extend(ports.clone());
            }
            let mut uses: std::collections::BTreeMap<u16, u32> = Default::default();
            for &p in &ports {
                *uses.entry(p).or_default() += 1;
            }
            let expected = (
                *uses.keys().next().unwrap(),
                *uses.keys().next_back().unwrap(),
                uses.len() as u32,
                uses.values().all(|&n| n > 1),
            );
            proptest::prop_assert_eq!(port_uses(&ports), Some(expected));
        }
    }

    /// Hosts guessed alike are one clause in the note, listing three addresses and counting
    /// the rest; a host guessed otherwise keeps its own. The JSON still names every host.
    #[test]
    fn hosts_guessed_alike_are_said_once() {
        let clause = |last: u8, label: &str, why: Vec<Reason>| HostClause {
            host: IpAddr::from([10, 0, 0, last]),
            label: label.to_string(),
            confidence: Confidence::High,
            connections: 10,
            why,
        };
        let mut hosts: Vec<HostClause> = (1..=5)
            .map(|i| clause(i, "Linux (modern)", vec![Reason::Timestamps]))
            .collect();
        hosts.insert(
            2,
            clause(9, "Windows (Vista and later)", vec![Reason::NoTimestamps]),
        );
        let note = ProfileNote::new(NoteHow::Guessed {
            profile: "linux".into(),
            hosts,
            differ_from: None,
        });
        assert_eq!(
            note.text(Lang::En),
            "guessed linux: 10.0.0.1, 10.0.0.2, 10.0.0.3 and 2 more (5 hosts) Linux (modern) \
             (high confidence, 50 connections in all): TCP timestamps in its SYNs; 10.0.0.9 \
             Windows (Vista and later) (high confidence, 10 connections): no TCP timestamps in \
             its SYNs"
        );
        let json = note.json();
        for last in [1, 2, 3, 4, 5, 9] {
            assert!(json.contains(&format!("10.0.0.{last} ")), "{json}");
        }
    }

    /// An OS stack's SYN from `c` to `s`: an MSS, window scaling, SACK, TCP timestamps when
    /// `stamped`, sent with initial TTL `ttl`.
    fn stack_syn(
        c: crate::decode::Endpoint,
        s: crate::decode::Endpoint,
        stamped: bool,
        ttl: u8,
    ) -> crate::decode::Decoded {
        use crate::decode::{Decoded, TcpOptions};
        let mut syn = crate::tcp::testutil::seg(c, s, "S", 100, 0, 0);
        if let Decoded::Tcp(tcp) = &mut syn {
            tcp.options = TcpOptions {
                mss: Some(1460),
                window_scale: Some(7),
                sack_permitted: true,
                timestamps: stamped.then_some((1, 0)),
            };
            tcp.ttl = ttl;
        }
        syn
    }

    /// Connections from `host`'s `ports` to one server, each SYN with an MSS and TCP timestamps
    /// where `stamped` says so.
    fn syns(host: u8, ports: &[(u16, bool)], t: &mut crate::tcp::Tracker, i: &mut u64) {
        syns_ttl(host, ports, 64, t, i)
    }

    fn syns_ttl(
        host: u8,
        ports: &[(u16, bool)],
        ttl: u8,
        t: &mut crate::tcp::Tracker,
        i: &mut u64,
    ) {
        use crate::tcp::testutil::{ep, seg};
        for &(port, stamped) in ports {
            let (c, s) = (ep(host, port), ep(9, 443));
            let syn = stack_syn(c, s, stamped, ttl);
            let at = 1_700_000_000_000_000_000 + *i as i64 * 1_000_000;
            t.push(*i, at, &syn);
            t.push(*i + 1, at + 100_000, &seg(s, c, "SA", 500, 101, 0));
            *i += 2;
        }
    }

    /// A host's SYNs read as stamped when more than half carry TCP timestamps; a SYN from a
    /// port below 1024 (a fixed one) is not a client's choice and gives its host no guess.
    #[test]
    fn timestamps_count_when_more_than_half_of_the_syns_carry_them() {
        let mut t = crate::tcp::Tracker::new();
        let mut i = 0;
        syns(
            2,
            &[(40000, true), (40002, true), (40004, false), (40006, false)],
            &mut t,
            &mut i,
        );
        syns(
            3,
            &[(40000, true), (40002, true), (40004, true), (40006, false)],
            &mut t,
            &mut i,
        );
        syns(4, &[(40000, true), (40002, false)], &mut t, &mut i);
        syns(5, &[(1000, true)], &mut t, &mut i);
        t.finish(1_700_000_001_000_000_000);
        let guesses = host_guesses(t.connections());
        let stamped = |last: u8| {
            let g = guesses
                .iter()
                .find(|g| g.host == IpAddr::from([10, 0, 0, last]))
                .unwrap_or_else(|| panic!("no guess for 10.0.0.{last}: {guesses:#?}"));
            g.why.contains(&Reason::Timestamps)
        };
        assert!(!stamped(2), "two of four");
        assert!(stamped(3), "three of four");
        let three = guesses
            .iter()
            .find(|g| g.host == IpAddr::from([10, 0, 0, 3]));
        let said = three.map(|g| g.reasons_text(Lang::En)).unwrap_or_default();
        assert!(said.contains("TCP timestamps in its SYNs"), "{said}");
        assert!(!stamped(4), "one of two");
        assert_eq!(guesses.len(), 3, "{guesses:#?}");
    }

    /// SYNs without timestamps from ports in Linux's range: with an initial TTL of 128 that is
    /// Windows with a range set by hand (low confidence); with 64 it is not Windows at all.
    #[test]
    fn no_timestamps_below_windows_range_is_windows_only_with_ttl_128() {
        let ports: Vec<(u16, bool)> = (0..8).map(|k| (40000 + 7 * k, false)).collect();
        let mut t = crate::tcp::Tracker::new();
        let mut i = 0;
        syns_ttl(2, &ports, 128, &mut t, &mut i);
        syns_ttl(3, &ports, 64, &mut t, &mut i);
        t.finish(1_700_000_001_000_000_000);
        let guesses = host_guesses(t.connections());
        let of = |last: u8| {
            guesses
                .iter()
                .find(|g| g.host == IpAddr::from([10, 0, 0, last]))
                .expect("a guess")
        };
        assert_eq!((of(2).os, of(2).confidence), ("windows", Confidence::Low));
        assert_ne!(of(3).os, "windows", "{:?}", of(3));
    }

    /// The guess for one host whose SYNs came from `ports` (spread, not in sequence unless
    /// the ports are), all with or all without timestamps, at initial TTL `ttl` (0: unknown).
    fn guess_of(ports: &[u16], stamped: bool, ttl: u8) -> HostGuess {
        let ports: Vec<(u16, bool)> = ports.iter().map(|&p| (p, stamped)).collect();
        let mut t = crate::tcp::Tracker::new();
        let mut i = 0;
        syns_ttl(2, &ports, ttl, &mut t, &mut i);
        t.finish(1_700_000_001_000_000_000);
        host_guesses(t.connections()).remove(0)
    }

    /// Spread ports from `lo` to `hi`: eight, not in sequence, of both parities.
    fn spread(lo: u16, hi: u16) -> Vec<u16> {
        let step = (hi - lo) / 7;
        (0..8)
            .map(|k| if k == 7 { hi } else { lo + k * step + k % 2 })
            .collect()
    }

    /// Each branch of the OS guess at its bounds, with what it says and how sure it is.
    #[test]
    fn each_os_guess_at_its_bounds() {
        use Confidence::{High, Low, Medium};
        /// Name, ports, timestamps, initial TTL, then the guess and its confidence.
        type Case = (&'static str, Vec<u16>, bool, u8, &'static str, Confidence);
        let cases: Vec<Case> = vec![
            // No timestamps, dynamic ports: Windows; sure with TTL 128, ports above Linux's
            // range or in sequence, else medium.
            (
                "win ttl?",
                spread(50000, 60999),
                false,
                0,
                "windows",
                Medium,
            ),
            ("win above", spread(50000, 61000), false, 0, "windows", High),
            (
                "win ttl128",
                spread(50000, 60999),
                false,
                128,
                "windows",
                High,
            ),
            (
                "win seq",
                (50000..50010).collect(),
                false,
                0,
                "windows",
                High,
            ),
            // No timestamps, TTL 128, below the dynamic range: Windows before Vista inside
            // 1025–5000, else Windows with a hand-set range.
            (
                "win-old",
                spread(1025, 5000),
                false,
                128,
                "windows-old",
                Medium,
            ),
            ("win set", spread(1025, 40000), false, 128, "windows", Low),
            // Timestamps inside Linux's 32768–60999, its bounds included: Linux; a TTL of
            // 128 beside them lowers the confidence.
            ("linux", spread(32768, 60999), true, 64, "linux", Medium),
            ("linux 128", spread(32768, 60999), true, 128, "linux", Low),
            // Timestamps above Linux's range in the dynamic one: macOS.
            ("macos", spread(50000, 65000), true, 64, "macos", Medium),
            // Timestamps from 10000–32767: FreeBSD's range; without them the range alone.
            ("freebsd", spread(20000, 30000), true, 64, "freebsd", Low),
        ];
        for (name, ports, stamped, ttl, os, confidence) in cases {
            let g = guess_of(&ports, stamped, ttl);
            assert_eq!((g.os, g.confidence), (os, confidence), "{name}: {g:?}");
        }
        let g = guess_of(&spread(20000, 30000), false, 64);
        assert!(!g.why.contains(&Reason::BelowLinux), "{g:?}");
        // What the TTL adds to the reasons.
        let g = guess_of(&spread(32768, 60999), true, 64);
        assert!(g.why.contains(&Reason::InitialTtl(64)), "{g:?}");
        let g = guess_of(&spread(32768, 60999), true, 128);
        assert!(g.why.contains(&Reason::ButTtl128), "{g:?}");
    }

    /// A block every port of which was used twice proves the range: the reason counts its
    /// ports.
    #[test]
    fn an_observed_range_counts_its_ports() {
        use crate::tcp::testutil::{ep, seg};
        let mut t = crate::tcp::Tracker::new();
        let mut i = 0u64;
        for server in [9, 10] {
            for port in 40000..40004 {
                let (c, s) = (ep(2, port), ep(server, 443));
                let syn = stack_syn(c, s, true, 64);
                let at = 1_700_000_000_000_000_000 + i as i64 * 1_000_000;
                t.push(i, at, &syn);
                t.push(i + 1, at + 100_000, &seg(s, c, "SA", 500, 101, 0));
                i += 2;
            }
        }
        t.finish(1_700_000_001_000_000_000);
        let g = host_guesses(t.connections()).remove(0);
        assert_eq!(g.observed_range, Some((40000, 40003)));
        assert!(
            g.why.contains(&Reason::Observed {
                lo: 40000,
                hi: 40003,
                connections: 8,
                ports: 4
            }),
            "{g:?}"
        );
    }

    /// A block proves a range only when narrower than the default: one as wide proves nothing.
    #[test]
    fn a_proven_block_is_narrower_than_the_default() {
        assert!(proves_range(40000, 40003, 4, true, 5));
        assert!(!proves_range(40000, 40003, 4, true, 4));
    }

    /// The usual initial TTL of most SYNs; on a tie, the smallest (64 before 128 before 255).
    #[test]
    fn the_usual_initial_ttl_prefers_the_smallest_on_a_tie() {
        assert_eq!(usual_initial_ttl([60u8, 120].into_iter()), Some(64));
        assert_eq!(usual_initial_ttl([120u8, 250].into_iter()), Some(128));
        assert_eq!(usual_initial_ttl([120u8, 120, 60].into_iter()), Some(128));
        assert_eq!(usual_initial_ttl([0u8].into_iter()), None);
    }

    /// Without a SYN to read, `auto` goes by the client ports' range: TCP ones from 1024 up,
    /// else UDP ones from 1024 up; none at all is said so.
    #[test]
    fn without_syns_the_range_of_client_ports_decides() {
        use crate::tcp::testutil::{ep, seg};
        let connections = |port: u16| {
            let mut t = crate::tcp::Tracker::new();
            let (c, s) = (ep(2, port), ep(9, 80));
            t.push(0, 1_700_000_000_000_000_000, &seg(c, s, "S", 100, 0, 0));
            t.finish(1_700_000_001_000_000_000);
            t.connections().to_vec()
        };
        let flow = |port: u16| UdpFlow {
            id: 0,
            client: ep(2, port),
            server: ep(9, 53),
            roles_inferred: false,
            start_ns: 0,
            end_ns: 0,
            first_packet_index: 0,
            client_packets: 1,
            server_packets: 0,
            client_bytes: 10,
            server_bytes: 0,
            icmp: None,
        };
        let how = |conns: &[Connection], udp: &[UdpFlow]| guess(conns, udp, &[]).1.how;
        assert_eq!(how(&connections(1000), &[]), NoteHow::NoClientPorts);
        assert!(matches!(
            how(&connections(40000), &[]),
            NoteHow::ByRange { ports: 1, .. }
        ));
        assert_eq!(how(&[], &[flow(1000)]), NoteHow::NoClientPorts);
        assert!(matches!(
            how(&[], &[flow(40000)]),
            NoteHow::ByRange { ports: 1, .. }
        ));
        assert_eq!(by_range(32768, 61000).0, "linux-old");
        assert_eq!(by_range(32768, 61001).1, RangeWhy::SpansLinuxAndWindows);
        assert_eq!(by_range(20000, 61000).0, "freebsd");
    }

    /// The note names the host whose profile the others get only when the guesses differ.
    #[test]
    fn the_note_says_the_hosts_differ_only_when_they_do() {
        let g = |last: u8, os: &'static str| HostGuess {
            host: IpAddr::from([10, 0, 0, last]),
            os,
            confidence: Confidence::High,
            reasons: Vec::new(),
            why: Vec::new(),
            observed_range: None,
            connections: 1,
        };
        let differ = |hosts: &[HostGuess]| match guess(&[], &[], hosts).1.how {
            NoteHow::Guessed { differ_from, .. } => differ_from,
            other => panic!("{other:?}"),
        };
        assert_eq!(differ(&[g(1, "linux"), g(2, "linux")]), None);
        assert_eq!(
            differ(&[g(1, "linux"), g(2, "windows")]),
            Some(IpAddr::from([10, 0, 0, 1]))
        );
    }

    /// A selector's kinds give their profiles; a custom one its range in order.
    #[test]
    fn a_kind_gives_its_profile_and_a_custom_range_in_order() {
        assert_eq!(ProfileKind::Windows.with_custom(1, 2, 3), Profile::Windows);
        assert_eq!(ProfileKind::Auto.with_custom(1, 2, 3), Profile::Auto);
        assert!(matches!(
            ProfileKind::Custom.with_custom(2000, 1000, 45),
            Profile::Custom {
                lo: 1000,
                hi: 2000,
                time_wait_s: 45
            }
        ));
        let labels: Vec<&str> = ProfileKind::ALL.iter().map(|k| k.label()).collect();
        assert_eq!(labels[0], "Linux");
        assert!(labels.iter().all(|l| !l.is_empty()));
    }

    /// A custom range of one port is a range (Linux's ip_local_port_range accepts equal ends).
    #[test]
    fn a_custom_range_of_one_port_parses() {
        assert_eq!(
            "custom:40000-40000:60".parse(),
            Ok(Profile::Custom {
                lo: 40000,
                hi: 40000,
                time_wait_s: 60
            })
        );
    }

    /// Every profile name the guesses and the JSON use gives that OS's profile back.
    #[test]
    fn a_profile_is_found_by_its_name() {
        for p in [
            OsProfile::linux(),
            OsProfile::linux_old(),
            OsProfile::windows(),
            OsProfile::windows_old(),
            OsProfile::macos(),
            OsProfile::freebsd(),
        ] {
            assert_eq!(OsProfile::named(&p.name), p, "{}", p.name);
        }
        assert_eq!(OsProfile::named("plan9"), OsProfile::linux());
    }

    #[test]
    fn parse_profiles() {
        assert_eq!("linux".parse(), Ok(Profile::Linux));
        assert_eq!("Windows".parse(), Ok(Profile::Windows));
        assert_eq!(
            "custom:1024-2047:45".parse(),
            Ok(Profile::Custom {
                lo: 1024,
                hi: 2047,
                time_wait_s: 45
            })
        );
        assert!("custom:9-1:4".parse::<Profile>().is_err());
        assert!("solaris".parse::<Profile>().is_err());
    }

    #[test]
    fn initial_ttl_is_rounded_up_to_the_usual_starting_values() {
        assert_eq!(usual_initial_ttl([64, 63, 57].into_iter()), Some(64));
        assert_eq!(usual_initial_ttl([128, 117, 64].into_iter()), Some(128));
        assert_eq!(usual_initial_ttl([250].into_iter()), Some(255));
        assert_eq!(usual_initial_ttl([0, 0].into_iter()), None);
        assert_eq!(usual_initial_ttl(std::iter::empty()), None);
    }

    #[test]
    fn profile_numbers() {
        assert_eq!(OsProfile::linux().range_size(), 28232);
        assert_eq!(OsProfile::windows().range_size(), 16384);
        assert_eq!(OsProfile::windows().time_wait_ns, 120 * S);
        assert_eq!(OsProfile::macos().time_wait_ns, 30 * S);
        assert_eq!(OsProfile::custom(2000, 1000, 5).port_lo, 1000);
    }
}
