//! Diagnostics ("expert info"): what went wrong in a capture, which connections and ports it is
//! about, the numbers that show it, what to do, and the book chapter that explains it.
//!
//! [`compute`] is a pure function of the connections, UDP flows and the port model (itself derived
//! under one OS profile), so it is recomputed whenever the profile changes. Each finding kind has
//! one detector below; its doc comment states the rule and the threshold, and why.
//!
//! Advice rules (checked against primary sources):
//! - Pooling and keep-alive come first: they remove the cause (one connection per request).
//! - `net.ipv4.ip_local_port_range`: since Linux 4.2 (commit 07f4c90062f8, "tcp/dccp: try to not
//!   exhaust ip_local_port_range in connect()") connect() prefers ports of one parity and bind()
//!   the other, so a range should have ends of different parity (e.g. `32768 60999`).
//! - `net.ipv4.tcp_tw_reuse` (Documentation/networking/ip-sysctl.rst): 0 off, 1 on, 2 loopback
//!   only — the default since Linux 4.19 (commit 79e9fed46038). It lets *outgoing* connections
//!   (connect()) reuse a TIME-WAIT 4-tuple when it is safe, which needs TCP timestamps; it does
//!   nothing for a server's TIME-WAIT sockets.
//! - `tcp_tw_recycle` is never recommended: it was removed in Linux 4.12 (commit 4396e46187ca)
//!   because it dropped connections from clients behind NAT (per-host timestamp checks).

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

use crate::ports::occupancy::{CRITICAL_PCT, WARNING_PCT};

use crate::decode::{Endpoint, IcmpReason};
use crate::i18n::Lang;
use crate::ports::profile::proves_range;
use crate::ports::{OsProfile, Phase, PoolSeries, Pools, PortModel, ProfileOf};
use crate::tcp::{Connection, Outcome, Role, TcpState, UdpFlow};

const MS: i64 = 1_000_000;
const S: i64 = 1_000_000_000;

/// How bad a finding is. Ordered: `Info < Warning < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is failing.
    Info,
    /// Something failed or will fail if it grows.
    Warning,
    /// Connections are failing or about to: act now.
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// What a finding is about; the serde name is its stable id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A host's client-port pool (or its pool towards one destination) was ≥ 60 % full.
    PortPoolPressure,
    /// Many short connections to one destination, each leaving a port in TIME-WAIT.
    TimeWaitPileup,
    /// A new SYN reused a 4-tuple whose previous connection was still in TIME-WAIT.
    PortReusedInTimeWait,
    /// A RST ended a socket's TIME-WAIT before its 2×MSL (RFC 1337's "TIME-WAIT assassination").
    TimeWaitEndedByRst,
    /// SYNs retransmitted without any answer.
    SynUnanswered,
    /// The server answered with SYN-ACK but never saw the final ACK.
    SynAckUnacknowledged,
    /// SYN answered by RST.
    ConnectionRefused,
    /// An ICMP destination-unreachable error ended a TCP attempt or answered UDP.
    IcmpUnreachable,
    /// The server sent the first FIN, so TIME-WAIT lands on the server.
    ServerClosesFirst,
    /// Connections whose start (the SYN) is not in the capture.
    StartNotCaptured,
    /// Established connections still open when the capture ended.
    EndNotCaptured,
    /// Only one direction of a connection is in the capture.
    OneDirectional,
    /// Client ports outside the selected profile's ephemeral range.
    ClientPortsOutsideProfile,
}

impl FindingKind {
    /// The stable snake_case id (the JSON value).
    pub fn id(self) -> &'static str {
        match self {
            FindingKind::PortPoolPressure => "port_pool_pressure",
            FindingKind::TimeWaitPileup => "time_wait_pileup",
            FindingKind::PortReusedInTimeWait => "port_reused_in_time_wait",
            FindingKind::TimeWaitEndedByRst => "time_wait_ended_by_rst",
            FindingKind::SynUnanswered => "syn_unanswered",
            FindingKind::SynAckUnacknowledged => "syn_ack_unacknowledged",
            FindingKind::ConnectionRefused => "connection_refused",
            FindingKind::IcmpUnreachable => "icmp_unreachable",
            FindingKind::ServerClosesFirst => "server_closes_first",
            FindingKind::StartNotCaptured => "start_not_captured",
            FindingKind::EndNotCaptured => "end_not_captured",
            FindingKind::OneDirectional => "one_directional",
            FindingKind::ClientPortsOutsideProfile => "client_ports_outside_profile",
        }
    }

    /// Whether the OS profile changes this finding (port phases, the range, TIME-WAIT length).
    /// The others come from the connections alone and survive a profile switch unchanged.
    pub fn depends_on_profile(self) -> bool {
        matches!(
            self,
            FindingKind::PortPoolPressure
                | FindingKind::TimeWaitPileup
                | FindingKind::PortReusedInTimeWait
                | FindingKind::TimeWaitEndedByRst
                | FindingKind::ClientPortsOutsideProfile
        )
    }
}

/// One diagnostic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// What it means, in plain words.
    pub explanation: String,
    /// Connection ids (indexes into `Analysis::connections`) it is about; for
    /// `icmp_unreachable` over UDP, see `udp_flows`.
    pub connections: Vec<u32>,
    /// UDP flow ids it is about.
    pub udp_flows: Vec<u32>,
    /// The (host, port) pairs it is about, where that helps (a pool's host has port 0).
    pub ports: Vec<Endpoint>,
    /// The numbers behind it (names are stable, units in the name: `_ns`, `_ms`, `_pct`).
    pub evidence: BTreeMap<String, Value>,
    /// What to do.
    pub advice: String,
    /// The book chapter that explains it (file name under book/src/; the zh-TW book under
    /// book/zh-TW/src/ has the same names).
    pub chapter: &'static str,
    /// Title, explanation and advice in Traditional Chinese, written by the same detector from
    /// the same numbers (not in JSON: the JSON report is language-neutral). See [`Finding::text`].
    #[serde(skip)]
    pub zh_tw: FindingText,
}

/// The human-readable texts of a finding in one language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingText {
    pub title: String,
    pub explanation: String,
    pub advice: String,
}

/// Borrowed texts of a finding in one language ([`Finding::text`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FindingTextRef<'a> {
    pub title: &'a str,
    pub explanation: &'a str,
    pub advice: &'a str,
}

impl Finding {
    fn new(kind: FindingKind, severity: Severity, chapter: &'static str) -> Self {
        Finding {
            kind,
            severity,
            title: String::new(),
            explanation: String::new(),
            connections: Vec::new(),
            udp_flows: Vec::new(),
            ports: Vec::new(),
            evidence: BTreeMap::new(),
            advice: String::new(),
            chapter,
            zh_tw: FindingText::default(),
        }
    }

    /// Title, explanation and advice in `lang` (English is the `title`, `explanation` and
    /// `advice` fields; a missing translation falls back to them).
    pub fn text(&self, lang: Lang) -> FindingTextRef<'_> {
        let en = FindingTextRef {
            title: &self.title,
            explanation: &self.explanation,
            advice: &self.advice,
        };
        match lang {
            Lang::En => en,
            Lang::ZhTw => FindingTextRef {
                title: or(&self.zh_tw.title, en.title),
                explanation: or(&self.zh_tw.explanation, en.explanation),
                advice: or(&self.zh_tw.advice, en.advice),
            },
        }
    }

    fn ev(mut self, key: &str, v: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_string(), v.into());
        self
    }

    /// The evidence as one line, `key=value` pairs.
    pub fn evidence_line(&self) -> String {
        self.evidence
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                v => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn or<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.is_empty() {
        fallback
    } else {
        text
    }
}

/// All findings, most severe first (then by kind, then by the first connection).
pub fn compute(conns: &[Connection], udp: &[UdpFlow], ports: &PortModel) -> Vec<Finding> {
    let mut out = from_connections(conns, udp);
    out.extend(from_ports(conns, ports));
    most_severe_first(out)
}

/// The findings that depend on the OS profile ([`FindingKind::depends_on_profile`]), unsorted.
pub fn from_ports(conns: &[Connection], ports: &PortModel) -> Vec<Finding> {
    let mut out = from_pools(conns, &PoolPrep::new(conns), ports.pools());
    out.extend(from_spans(conns, ports));
    out
}

/// What the pool findings need from the connections alone, worked out before the pool series
/// exist (the analysis does it on one core while the other builds the port spans): each client
/// host's port uses, and the TIME-WAIT pile-up candidates with their figures.
pub struct PoolPrep {
    uses: HashMap<IpAddr, PortUse>,
    pileups: Vec<Pileup>,
}

impl PoolPrep {
    pub fn new(conns: &[Connection]) -> PoolPrep {
        PoolPrep {
            uses: client_port_uses(conns),
            pileups: pileups(conns),
        }
    }
}

/// Those of [`from_ports`] that need only the pool series, not the row layout: the port
/// derivation works them out on one core while it lays out the rows on the other
/// ([`crate::ports::derive_beside`]). `prep` is [`PoolPrep::new`] of the same connections.
pub fn from_pools(conns: &[Connection], prep: &PoolPrep, pools: Pools<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    port_pool_pressure(conns, &prep.uses, pools, &mut out);
    time_wait_pileup(&prep.pileups, pools, &mut out);
    client_ports_outside_profile(conns, pools.profiles, &mut out);
    out
}

/// The rest of [`from_ports`]: what the spans say (ports reused while in TIME-WAIT).
pub fn from_spans(conns: &[Connection], ports: &PortModel) -> Vec<Finding> {
    let mut out = Vec::new();
    port_reused_in_time_wait(conns, ports, &mut out);
    time_wait_ended_by_rst(conns, ports, &mut out);
    out
}

/// The findings the connections alone decide (the same under every profile), unsorted.
pub fn from_connections(conns: &[Connection], udp: &[UdpFlow]) -> Vec<Finding> {
    let mut out = Vec::new();
    syn_unanswered(conns, &mut out);
    syn_ack_unacknowledged(conns, &mut out);
    connection_refused(conns, &mut out);
    icmp_unreachable(conns, udp, &mut out);
    server_closes_first(conns, &mut out);
    start_not_captured(conns, &mut out);
    end_not_captured(conns, &mut out);
    one_directional(conns, &mut out);
    out
}

/// The order every list of findings is shown in: most severe first, then by kind and first
/// connection; their English counts said in the singular or plural they call for.
pub fn most_severe_first(mut out: Vec<Finding>) -> Vec<Finding> {
    for f in &mut out {
        for text in [&mut f.title, &mut f.explanation, &mut f.advice] {
            if text.contains("(s)") {
                *text = crate::i18n::english_counts(text);
            }
        }
    }
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.connections.first().cmp(&b.connections.first()))
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Shared advice texts.

const ADVICE_REUSE_CONNECTIONS: &str = "Reuse connections instead of opening one per request: \
HTTP keep-alive (HTTP/1.1 persistent connections, or HTTP/2) or a connection pool (a database \
driver's pool, an HTTP client session) keeps a few ports busy instead of hundreds in TIME-WAIT.";

const ADVICE_RANGE: &str = "If the load is real, widen the range: `sysctl net.ipv4.ip_local_port_range` \
shows it, `sysctl -w net.ipv4.ip_local_port_range=\"15000 64001\"` sets it (Linux since 4.2 prefers \
even ports for connect() and odd ones for bind(), so pick ends of different parity). Spreading \
connections over more destination IPs or ports also helps, since Linux counts ports per destination.";

const ADVICE_TW_REUSE: &str = "`net.ipv4.tcp_tw_reuse` lets outgoing connections reuse a \
TIME-WAIT 4-tuple when TCP timestamps make it safe: 0 = off, 1 = on, 2 = loopback only (the \
default since Linux 4.19). It does nothing for a server's TIME-WAIT. Do not look for \
`tcp_tw_recycle`: it broke clients behind NAT and was removed in Linux 4.12.";

const ZH_ADVICE_REUSE_CONNECTIONS: &str =
    "重複使用連線，而不是每個請求都開一條新連線：HTTP keep-alive\
（HTTP/1.1 持續連線，或 HTTP/2）或連線池（資料庫驅動程式的連線池、HTTP 用戶端的 session）\
只讓少數幾個埠忙碌，而不是讓數百個埠停在 TIME-WAIT。";

const ZH_ADVICE_RANGE: &str = "如果負載是真實的，就擴大範圍：`sysctl net.ipv4.ip_local_port_range` \
會顯示範圍，`sysctl -w net.ipv4.ip_local_port_range=\"15000 64001\"` 可以設定它（Linux 4.2 起 connect() \
優先使用偶數埠、bind() 使用奇數埠，所以範圍的兩端要一奇一偶）。把連線分散到更多目的地 IP 或埠也有幫助，\
因為 Linux 是以目的地計算埠的。";

const ZH_ADVICE_TW_REUSE: &str = "`net.ipv4.tcp_tw_reuse` 允許對外連線在 TCP 時間戳記確保安全時，\
重複使用處於 TIME-WAIT 的四元組：0 = 關閉，1 = 開啟，2 = 只限 loopback（Linux 4.19 起的預設值）。\
它對伺服器的 TIME-WAIT 沒有作用。不要去找 `tcp_tw_recycle`：它讓 NAT 後方的用戶端出問題，\
已在 Linux 4.12 中移除。";

// ---------------------------------------------------------------------------------------------
// Port pool pressure.

/// The range a host's kernel really used, when the capture proves it is narrower than the
/// profile's: the host's TCP client ports (SYN seen) fill a contiguous block of
/// ≥ [`crate::ports::profile::OBSERVED_RANGE_MIN_PORTS`] ports completely, no port outside it, and *every* port of the
/// block was used by more than one connection. A kernel picking from a wide range would not come
/// back to every port of a small block; one configured with that block has no other choice
/// (e.g. `ip_local_port_range 40000 40199`). The profile's range is then the wrong denominator.
fn inferred_range(uses: Option<&PortUse>, profile: &OsProfile) -> Option<(u16, u16)> {
    let u = uses?;
    let proves = |default| proves_range(u.lo, u.hi, u.ports, u.all_reused, default);
    // `auto` may have taken the proven range as the profile's: it is still an inferred one.
    let taken = (profile.port_lo, profile.port_hi) == (u.lo, u.hi) && proves(u32::MAX);
    (proves(profile.range_size()) || taken).then_some((u.lo, u.hi))
}

/// What one host's client ports (connections with a captured SYN) looked like.
#[derive(Debug, Clone, Copy)]
struct PortUse {
    lo: u16,
    hi: u16,
    /// Distinct ports.
    ports: u32,
    /// Every one of them used by more than one connection.
    all_reused: bool,
}

/// Each client host's [`PortUse`]: one pass over the connections and one over the distinct
/// (host, port) pairs, so hosts × connections never multiply (a SYN flood has as many hosts as
/// connections).
fn client_port_uses(conns: &[Connection]) -> HashMap<IpAddr, PortUse> {
    let mut per_port: HashMap<(IpAddr, u16), u32> = HashMap::default();
    for c in conns.iter().filter(|c| !c.roles_inferred) {
        *per_port.entry((c.client.ip, c.client.port)).or_default() += 1;
    }
    let mut by_host: HashMap<IpAddr, PortUse> = HashMap::default();
    for ((host, port), n) in per_port {
        by_host
            .entry(host)
            .and_modify(|u| {
                u.lo = u.lo.min(port);
                u.hi = u.hi.max(port);
                u.ports += 1;
                u.all_reused &= n > 1;
            })
            .or_insert(PortUse {
                lo: port,
                hi: port,
                ports: 1,
                all_reused: n > 1,
            });
    }
    by_host
}

fn pool_severity(pct: f64) -> Option<Severity> {
    if pct >= CRITICAL_PCT {
        Some(Severity::Critical)
    } else if pct >= WARNING_PCT {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// One finding per host pool over the threshold, and per destination pool over it unless the
/// destination held all of the host's peak (then the host finding says it). The percentage is of
/// the profile's range, or of the inferred narrower range (see [`inferred_range`]) if larger.
fn port_pool_pressure(
    conns: &[Connection],
    uses: &HashMap<IpAddr, PortUse>,
    pools: Pools<'_>,
    out: &mut Vec<Finding>,
) {
    let mut dests_of: HashMap<IpAddr, Vec<&PoolSeries>> = HashMap::default();
    for d in pools.destinations {
        dests_of.entry(d.host).or_default().push(d);
    }
    for h in pools.hosts {
        let profile = pools.profiles.of(h.host);
        let inferred = inferred_range(uses.get(&h.host), profile);
        let dests = dests_of.remove(&h.host).unwrap_or_default();
        if let Some(f) = pool_finding(conns, h, inferred, profile) {
            out.push(f);
        }
        for d in dests {
            if d.peak.held() == h.peak.held() {
                continue;
            }
            if let Some(f) = pool_finding(conns, d, inferred, profile) {
                out.push(f);
            }
        }
    }
}

fn pool_finding(
    conns: &[Connection],
    pool: &PoolSeries,
    inferred: Option<(u16, u16)>,
    profile: &OsProfile,
) -> Option<Finding> {
    let held = pool.peak.held();
    // Against the OS's default range, also when `auto` took the proven narrower one.
    let default = profile.os_default();
    let profile_pct = held as f64 * 100.0 / default.range_size().max(1) as f64;
    let (range, range_source) = match inferred {
        Some((lo, hi)) => ((lo, hi), "inferred"),
        None => ((profile.port_lo, profile.port_hi), "profile"),
    };
    let size = range.1 as u32 - range.0 as u32 + 1;
    let pct = held as f64 * 100.0 / size.max(1) as f64;
    let severity = pool_severity(pct.max(profile_pct))?;
    let who = match pool.destination {
        Some(d) => format!("{} → {d}", pool.host),
        None => pool.host.to_string(),
    };
    let mut f = Finding::new(
        FindingKind::PortPoolPressure,
        severity,
        if severity == Severity::Critical {
            "ch10-troubleshooting.md"
        } else {
            "ch08-good-practice.md"
        },
    );
    f.title = format!("{who}: {held} of {size} client ports held at once ({pct:.0} %)");
    let mut expl = format!(
        "At its peak this host held {held} ephemeral ports ({} assigned, {} active, {} in \
         TIME-WAIT){} out of a range of {size}. ",
        pool.peak.assigned,
        pool.peak.active,
        pool.peak.time_wait,
        match pool.destination {
            Some(d) => format!(" towards {d}"),
            None => String::new(),
        }
    );
    if range_source == "inferred" {
        expl.push_str(&format!(
            "The capture shows the range is only {}–{}: every port of that block was used, and \
             used again, and no port outside it — a range much narrower than {}'s {}–{}. ",
            range.0, range.1, default.label, default.port_lo, default.port_hi
        ));
    }
    expl.push_str(
        "When every port is held, connect() fails with EADDRNOTAVAIL (\"Cannot assign requested \
         address\"): nothing is sent, so the failures are invisible on the wire — look for a \
         silence in new connections.",
    );
    f.explanation = expl;
    let mut advice = String::new();
    if pool.peak.time_wait * 2 >= held {
        advice.push_str("Most held ports are in TIME-WAIT: ");
        advice.push_str(ADVICE_REUSE_CONNECTIONS);
        advice.push(' ');
    }
    advice.push_str(ADVICE_RANGE);
    // Under `auto` the host's profile already has the inferred range.
    let not_taken = range_source == "inferred" && (profile.port_lo, profile.port_hi) != range;
    if not_taken {
        advice.push_str(&format!(
            " To see the timeline against this range: `portlife report FILE --profile \
             {}=custom:{}-{}:{}`.",
            pool.host,
            range.0,
            range.1,
            profile.time_wait_ns / S
        ));
    }
    f.advice = advice;
    f.zh_tw.title = format!("{who}：同時占用 {size} 個用戶端埠中的 {held} 個（{pct:.0} %）");
    let mut zh = format!(
        "在尖峰時，這台主機{}占用了 {held} 個臨時埠（已分配 {}、使用中 {}、TIME-WAIT {}），\
         範圍共有 {size} 個埠。",
        match pool.destination {
            Some(d) => format!("對 {d} "),
            None => String::new(),
        },
        pool.peak.assigned,
        pool.peak.active,
        pool.peak.time_wait,
    );
    if range_source == "inferred" {
        zh.push_str(&format!(
            "擷取檔顯示範圍只有 {}–{}：這一段的每個埠都被使用、而且被重複使用，範圍外則沒有任何埠——\
             比 {} 的 {}–{} 窄得多。",
            range.0, range.1, default.label, default.port_lo, default.port_hi
        ));
    }
    zh.push_str(
        "當每個埠都被占用時，connect() 會以 EADDRNOTAVAIL（「Cannot assign requested address」，\
         無法分配請求的位址）失敗：什麼都不會送出，所以在線路上看不到這些失敗——請留意新連線中出現的空白時段。",
    );
    f.zh_tw.explanation = zh;
    let mut zh = String::new();
    if pool.peak.time_wait * 2 >= held {
        zh.push_str("被占用的埠大多處於 TIME-WAIT：");
        zh.push_str(ZH_ADVICE_REUSE_CONNECTIONS);
    }
    zh.push_str(ZH_ADVICE_RANGE);
    if not_taken {
        zh.push_str(&format!(
            "要以這個範圍檢視時間軸：`portlife report FILE --profile {}=custom:{}-{}:{}`。",
            pool.host,
            range.0,
            range.1,
            profile.time_wait_ns / S
        ));
    }
    f.zh_tw.advice = zh;
    f.ports = vec![Endpoint::new(pool.host, 0)];
    if let Some(d) = pool.destination {
        f.ports.push(d);
    }
    f.connections = conns
        .iter()
        .filter(|c| {
            c.client.ip == pool.host
                && pool.destination.is_none_or(|d| d == c.server)
                && c.start_ns <= pool.peak.ts_ns
                && c.end_ns.max(c.start_ns) >= pool.peak.ts_ns - 2 * profile.time_wait_ns
        })
        .map(|c| c.id)
        .collect();
    let pause = longest_pause(conns, pool.host);
    let mut f = f
        .ev("held", held)
        .ev("assigned", pool.peak.assigned)
        .ev("active", pool.peak.active)
        .ev("time_wait", pool.peak.time_wait)
        .ev("range_lo", range.0)
        .ev("range_hi", range.1)
        .ev("range_size", size)
        .ev("range_source", range_source)
        .ev("peak_pct", round1(pct))
        .ev("profile_pct", round1(profile_pct))
        .ev("peak_ns", pool.peak.ts_ns);
    if let Some((gap, at)) = pause.filter(|(gap, _)| *gap >= S) {
        f = f
            .ev("longest_pause_ms", gap / MS)
            .ev("longest_pause_from_ns", at);
    }
    Some(f)
}

/// The longest time between two consecutive new connections (SYNs) of `host`, and its start.
fn longest_pause(conns: &[Connection], host: IpAddr) -> Option<(i64, i64)> {
    let mut starts: Vec<i64> = conns
        .iter()
        .filter(|c| !c.roles_inferred && c.client.ip == host)
        .map(|c| c.start_ns)
        .collect();
    starts.sort_unstable();
    starts
        .windows(2)
        .map(|w| (w[1] - w[0], w[0]))
        .max_by_key(|(g, _)| *g)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

// ---------------------------------------------------------------------------------------------
// TIME-WAIT pile-up.

/// A pile-up needs at least this many short connections from one host to one destination, each
/// closed by the client (so its port went to TIME-WAIT). Fewer is ordinary traffic.
const PILEUP_MIN_CONNECTIONS: usize = 50;
/// "Short": from the first SYN to the client's TIME-WAIT in under this long.
const PILEUP_SHORT_NS: i64 = S;

fn median(mut v: Vec<i64>) -> i64 {
    match v.len() {
        0 => 0,
        // The element a sort would put at n/2, found in linear time.
        n => *v.select_nth_unstable(n / 2).1,
    }
}

/// A candidate TIME-WAIT pile-up: one client host's short, client-closed connections to one
/// destination, with the figures its finding quotes.
struct Pileup {
    host: IpAddr,
    dst: Endpoint,
    connections: Vec<u32>,
    median_lifetime_ns: i64,
    median_sent: i64,
    median_received: i64,
    first_ns: i64,
    last_ns: i64,
}

/// The pile-ups of [`time_wait_pileup`], from the connections alone (the peak number of ports
/// in TIME-WAIT comes from the pool series later). Sorted by host and destination.
fn pileups(conns: &[Connection]) -> Vec<Pileup> {
    let mut groups: HashMap<(IpAddr, Endpoint), Vec<&Connection>> = HashMap::default();
    for c in conns {
        let Some(tw) = c.client_side.entered(TcpState::TimeWait) else {
            continue;
        };
        if c.closed_first == Some(Role::Client) && tw.ts_ns - c.start_ns < PILEUP_SHORT_NS {
            groups.entry((c.client.ip, c.server)).or_default().push(c);
        }
    }
    let mut groups: Vec<_> = groups
        .into_iter()
        .filter(|(_, cs)| cs.len() >= PILEUP_MIN_CONNECTIONS)
        .collect();
    groups.sort_unstable_by_key(|(k, _)| *k);
    groups
        .into_iter()
        .map(|((host, dst), cs)| {
            let lifetimes: Vec<i64> = cs
                .iter()
                .filter_map(|c| {
                    c.client_side
                        .entered(TcpState::TimeWait)
                        .map(|t| t.ts_ns - c.start_ns)
                })
                .collect();
            Pileup {
                host,
                dst,
                connections: cs.iter().map(|c| c.id).collect(),
                median_lifetime_ns: median(lifetimes),
                median_sent: median(cs.iter().map(|c| c.client_side.bytes as i64).collect()),
                median_received: median(cs.iter().map(|c| c.server_side.bytes as i64).collect()),
                first_ns: cs.iter().map(|c| c.start_ns).min().unwrap_or(0),
                last_ns: cs.iter().map(|c| c.start_ns).max().unwrap_or(0),
            }
        })
        .collect()
}

/// Many short connections from one client host to one destination, each leaving a port in
/// TIME-WAIT (the client closed first): one connection per request.
fn time_wait_pileup(pileups: &[Pileup], pools: Pools<'_>, out: &mut Vec<Finding>) {
    for p in pileups {
        let Pileup {
            host,
            dst,
            ref connections,
            median_lifetime_ns: med_ns,
            median_sent: sent,
            median_received: recv,
            first_ns: first,
            last_ns: last,
        } = *p;
        let n = connections.len();
        let span_s = (last - first) as f64 / 1e9;
        let profile = pools.profiles.of(host);
        let range = profile.range_size();
        let per_s = n as f64 / span_s.max(1e-3);
        let lasts_s = range as f64 / per_s;
        let peak_tw = pools
            .destinations
            .iter()
            .find(|d| d.host == host && d.destination == Some(dst))
            .map(|d| d.steps.iter().map(|s| s.time_wait).max().unwrap_or(0))
            .unwrap_or(0);
        let tw_s = profile.time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::TimeWaitPileup,
            Severity::Warning,
            "ch08-good-practice.md",
        );
        f.title = format!(
            "{} short connections from {host} to {dst} in {span_s:.1} s, median lifetime {}, \
             up to {peak_tw} ports in TIME-WAIT",
            n,
            fmt_ms(med_ns)
        );
        f.explanation = format!(
            "{host} opened a new connection for almost every exchange with {dst} (median {sent} \
             bytes sent, {recv} bytes received per connection) and closed each one itself, so \
             each port then waits in TIME-WAIT for {tw_s} s ({}). Ports leave the pool much \
             faster than they come back: at this rate ({:.0} per second) the {} ports of the \
             range last about {:.0} s.",
            profile.label, per_s, range, lasts_s,
        );
        f.advice = format!("{ADVICE_REUSE_CONNECTIONS} {ADVICE_TW_REUSE}");
        f.connections = connections.clone();
        f.ports = vec![Endpoint::new(host, 0), dst];
        f.zh_tw.title = format!(
            "{host} 在 {span_s:.1} 秒內對 {dst} 開了 {} 條短連線，存續時間中位數 {}，\
             最多 {peak_tw} 個埠處於 TIME-WAIT",
            n,
            fmt_ms(med_ns)
        );
        f.zh_tw.explanation = format!(
            "{host} 幾乎每次與 {dst} 交換資料都開一條新連線（每條連線送出的位元組中位數 {sent}、\
             收到 {recv}），而且每條都由自己關閉，所以每個埠接著要在 TIME-WAIT 等待 {tw_s} 秒（{}）。\
             埠離開池子的速度遠快於回來的速度：以這個速率（每秒 {:.0} 條），範圍中的 {} 個埠大約只能撐 {:.0} 秒。",
            profile.label,
            per_s,
            range,
            lasts_s,
        );
        f.zh_tw.advice = format!("{ZH_ADVICE_REUSE_CONNECTIONS}{ZH_ADVICE_TW_REUSE}");
        f = f
            .ev("connections", n)
            .ev("median_lifetime_ms", round1(med_ns as f64 / 1e6))
            .ev("median_client_bytes", sent)
            .ev("median_server_bytes", recv)
            .ev("peak_time_wait", peak_tw)
            .ev("time_wait_s", tw_s)
            .ev("first_ns", first)
            .ev("last_ns", last);
        out.push(f);
    }
}

fn fmt_ms(ns: i64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

// ---------------------------------------------------------------------------------------------
// Port reused while in TIME-WAIT.

/// Every connection whose SYN cut short its 4-tuple's previous TIME-WAIT (as the profile times
/// it): Wireshark's "TCP port numbers reused". One finding per (client host, destination).
fn port_reused_in_time_wait(conns: &[Connection], ports: &PortModel, out: &mut Vec<Finding>) {
    /// (new connection id, ns since the TIME-WAIT began, client port, server-side TIME-WAIT).
    type Reuse = (u32, i64, u16, bool);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Reuse>> = BTreeMap::new();
    for s in ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::TimeWait && s.cut_by_reuse && !s.udp)
    {
        let Some(prev) = conns.get(s.conn as usize) else {
            continue;
        };
        let Some(next) = prev.next_generation.and_then(|n| conns.get(n as usize)) else {
            continue;
        };
        groups
            .entry((prev.client.ip, prev.server))
            .or_default()
            .push((
                next.id,
                next.start_ns - s.start_ns,
                prev.client.port,
                s.server_side,
            ));
    }
    for ((host, dst), mut v) in groups {
        v.sort_unstable();
        v.dedup_by_key(|x| x.0);
        let after = median(v.iter().map(|x| x.1).collect());
        let server_side = v.iter().any(|x| x.3);
        // The TIME-WAIT cut short was the client's, unless only the server's ever was.
        let waited = if v.iter().all(|x| x.3) { dst.ip } else { host };
        let tw_s = ports.profile_of(waited).time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::PortReusedInTimeWait,
            Severity::Warning,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{} connection(s) from {host} to {dst} reused a port still in TIME-WAIT",
            v.len()
        );
        f.explanation = format!(
            "A new SYN used the same 4-tuple (same client port, same server) as a connection \
             that ended a median {:.1} s before, inside its {tw_s} s TIME-WAIT{}. Wireshark \
             marks such SYNs \"TCP Port numbers reused\". It works when the other end accepts \
             the new SYN (higher sequence number or a newer TCP timestamp); otherwise the SYN \
             is answered with an old ACK or dropped and the connect stalls. Reuse this early \
             means the client is short of ports or has tcp_tw_reuse enabled.",
            after as f64 / 1e9,
            if server_side {
                " (the server's socket was the one in TIME-WAIT)"
            } else {
                ""
            }
        );
        f.advice = format!("{ADVICE_REUSE_CONNECTIONS} {ADVICE_TW_REUSE}");
        f.connections = v.iter().map(|x| x.0).collect();
        f.zh_tw.title = format!(
            "從 {host} 到 {dst} 有 {} 條連線重複使用了仍處於 TIME-WAIT 的埠",
            v.len()
        );
        f.zh_tw.explanation = format!(
            "新的 SYN 使用了同一個四元組（相同的用戶端埠、相同的伺服器），而使用它的前一條連線在中位數 {:.1} 秒前\
             才結束，仍在它 {tw_s} 秒的 TIME-WAIT 之內{}。Wireshark 會把這種 SYN 標示為「TCP Port numbers \
             reused」。只要另一端接受新的 SYN（序號較大或 TCP 時間戳記較新）就能運作；否則 SYN 會收到舊的 ACK \
             或被丟棄，連線就會卡住。這麼早就重複使用，表示用戶端缺少埠，或啟用了 tcp_tw_reuse。",
            after as f64 / 1e9,
            if server_side {
                "（處於 TIME-WAIT 的是伺服器的 socket）"
            } else {
                ""
            }
        );
        f.zh_tw.advice = format!("{ZH_ADVICE_REUSE_CONNECTIONS}{ZH_ADVICE_TW_REUSE}");
        f.ports = ports_then(host, v.iter().map(|x| x.2), dst);
        f = f
            .ev("reuses", v.len())
            .ev("median_reuse_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

/// A finding's ports: `host`'s distinct `ports` in order, then the other end.
fn ports_then(host: IpAddr, ports: impl Iterator<Item = u16>, other: Endpoint) -> Vec<Endpoint> {
    let mut v: Vec<Endpoint> = ports
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| Endpoint::new(host, p))
        .collect();
    v.push(other);
    v
}

// ---------------------------------------------------------------------------------------------
// TIME-WAIT ended by a RST.

/// Every TIME-WAIT a RST ended early, one finding per (host holding it, other end). Linux
/// honours such a RST while `net.ipv4.tcp_rfc1337` is 0, its default (tcp_timewait_state_process:
/// "TIME_WAIT assassination"); RFC 1337 §3 recommends ignoring it.
fn time_wait_ended_by_rst(conns: &[Connection], ports: &PortModel, out: &mut Vec<Finding>) {
    /// (connection id, ns the TIME-WAIT lasted, port).
    type Ended = (u32, i64, u16);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Ended>> = BTreeMap::new();
    for c in conns {
        for (side, holder, other) in [
            (&c.client_side, c.client, c.server),
            (&c.server_side, c.server, c.client),
        ] {
            let Some(tw) = side.entered(TcpState::TimeWait) else {
                continue;
            };
            let ended = side
                .transitions
                .iter()
                .find(|t| t.from == TcpState::TimeWait && t.to == TcpState::Closed);
            if let Some(e) = ended {
                groups.entry((holder.ip, other)).or_default().push((
                    c.id,
                    e.ts_ns - tw.ts_ns,
                    holder.port,
                ));
            }
        }
    }
    for ((host, other), v) in groups {
        let tw_s = ports.profile_of(host).time_wait_ns / S;
        let after = median(v.iter().map(|x| x.1).collect());
        let mut f = Finding::new(
            FindingKind::TimeWaitEndedByRst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{} TIME-WAIT(s) of {host} with {other} ended early by a RST",
            v.len()
        );
        f.explanation = format!(
            "A RST from {other} arrived while {host}'s socket was in TIME-WAIT and ended it a \
             median {:.1} s in, instead of after {tw_s} s: RFC 1337's \"TIME-WAIT \
             assassination\". Linux honours such a RST while net.ipv4.tcp_rfc1337 is 0 (the \
             default); the port is Available again at once, and a late segment of the old \
             connection could then be taken for part of a new one on the same 4-tuple.",
            after as f64 / 1e9
        );
        f.advice = "Usually harmless. RFC 1337 recommends ignoring a RST in TIME-WAIT: on Linux \
                    `sysctl net.ipv4.tcp_rfc1337=1`."
            .into();
        f.zh_tw.title = format!(
            "{host} 與 {other} 之間有 {} 個 TIME-WAIT 被 RST 提前結束",
            v.len()
        );
        f.zh_tw.explanation = format!(
            "{host} 的 socket 還在 TIME-WAIT 時收到了來自 {other} 的 RST，於是在中位數 {:.1} 秒時就結束，\
             而不是等滿 {tw_s} 秒：這就是 RFC 1337 所說的「TIME-WAIT assassination」（TIME-WAIT 暗殺）。\
             只要 net.ipv4.tcp_rfc1337 是 0（預設值），Linux 就會接受這樣的 RST；埠立刻回到可用狀態，\
             而舊連線遲到的區段就可能被當成同一個四元組上新連線的一部分。",
            after as f64 / 1e9
        );
        f.zh_tw.advice =
            "通常無害。RFC 1337 建議在 TIME-WAIT 時忽略 RST：在 Linux 上可設定 `sysctl net.ipv4.tcp_rfc1337=1`。"
                .into();
        f.connections = v.iter().map(|x| x.0).collect();
        f.ports = ports_then(host, v.iter().map(|x| x.2), other);
        f = f
            .ev("ended", v.len())
            .ev("median_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Handshake failures.

/// Group connections by their server endpoint.
fn by_server<'a>(
    conns: impl Iterator<Item = &'a Connection>,
) -> BTreeMap<Endpoint, Vec<&'a Connection>> {
    let mut m: BTreeMap<Endpoint, Vec<&Connection>> = BTreeMap::new();
    for c in conns {
        m.entry(c.server).or_default().push(c);
    }
    m
}

/// SYNs that were retransmitted at least once and never answered (outcome `unanswered`). A single
/// SYN without a retransmit is not evidence (the capture may have ended right after it).
fn syn_unanswered(conns: &[Connection], out: &mut Vec<Finding>) {
    let failed = conns
        .iter()
        .filter(|c| c.outcome == Outcome::Unanswered && c.syn_retransmits >= 1);
    for (dst, cs) in by_server(failed) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let wait = cs
            .iter()
            .map(|c| c.last_packet_ns - c.start_ns)
            .max()
            .unwrap_or(0);
        let ok = conns
            .iter()
            .filter(|c| c.server == dst && c.client_side.entered(TcpState::Established).is_some())
            .count();
        let mut f = Finding::new(
            FindingKind::SynUnanswered,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.title = format!(
            "{} connection attempt(s) to {dst} got no answer (SYN sent {} times)",
            cs.len(),
            retx + 1
        );
        f.explanation = format!(
            "The client sent a SYN and retransmitted it {retx} time(s) over {:.0} s, each time \
             waiting twice as long, and nothing came back: no SYN-ACK, no RST, no ICMP error. \
             Either a firewall on the way silently drops the packets, or the host is down or \
             does not exist. The client's port stays Assigned until connect() gives up.",
            wait as f64 / 1e9
        );
        f.advice = format!(
            "Check that {dst} is up and that firewalls (host firewall, security groups, network \
             ACLs) allow TCP port {} from this client; a firewall that rejects instead of drops \
             (RST or ICMP admin-prohibited) makes clients fail fast instead of hanging. In the \
             client, set a connect timeout shorter than the OS's (Linux gives up after ~127 s \
             with tcp_syn_retries=6).",
            dst.port
        );
        f.zh_tw.title = format!(
            "對 {dst} 的 {} 次連線嘗試沒有得到任何回應（SYN 送了 {} 次）",
            cs.len(),
            retx + 1
        );
        f.zh_tw.explanation = format!(
            "用戶端送出 SYN，並在 {:.0} 秒內重傳了 {retx} 次，每次等待的時間加倍，卻什麼都沒回來：\
             沒有 SYN-ACK、沒有 RST、沒有 ICMP 錯誤。要不是路上的防火牆默默丟棄了封包，就是主機已停機或不存在。\
             在 connect() 放棄之前，用戶端的埠一直處於已分配（Assigned）。",
            wait as f64 / 1e9
        );
        f.zh_tw.advice = format!(
            "確認 {dst} 正常運作，而且防火牆（主機防火牆、安全群組、網路 ACL）允許這個用戶端連到 TCP 埠 {}；\
             以拒絕（RST 或 ICMP admin-prohibited）取代丟棄的防火牆，能讓用戶端快速失敗而不是卡住。\
             在用戶端設定比作業系統更短的連線逾時（Linux 在 tcp_syn_retries=6 時約 127 秒後才放棄）。",
            dst.port
        );
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f
            .ev("attempts", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("waited_ms", wait / MS)
            .ev("successful_connections_to_same_server", ok);
        out.push(f);
    }
}

/// The server sent SYN-ACK (its side reached SYN-RECEIVED) but the client's final ACK never
/// arrived: the server never reached ESTABLISHED and the SYN or SYN-ACK was retransmitted (so it is
/// not just a capture that ended mid-handshake), and no RST ended it. Seen from the server, the
/// return traffic (SYN-ACK to the client) is being blocked.
fn syn_ack_unacknowledged(conns: &[Connection], out: &mut Vec<Finding>) {
    let stuck = conns.iter().filter(|c| handshake_stuck(c));
    for (dst, cs) in by_server(stuck) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let synacks = cs.iter().map(|c| c.server_side.packets).max().unwrap_or(0);
        let mut f = Finding::new(
            FindingKind::SynAckUnacknowledged,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.title = format!(
            "{} handshake(s) with {dst}: SYN-ACK sent, final ACK never seen",
            cs.len()
        );
        f.explanation = format!(
            "The SYN arrived and {dst} answered with a SYN-ACK ({synacks} times), but the \
             client's ACK never came; the client kept retransmitting its SYN ({retx} times) as \
             if it never got the answer. The answer is lost on the way back: typically a \
             stateful firewall or NAT that did not see the outgoing SYN (asymmetric routing), or \
             an egress rule blocking traffic to the client's ephemeral port."
        );
        f.advice = "Allow return traffic to the client's ephemeral ports: stateful firewalls do \
            this by tracking the connection (\"established, related\"); stateless ACLs need the \
            ephemeral range (e.g. 32768–60999 for Linux, 49152–65535 for Windows) open for \
            replies. Check that replies leave by the same path the request came in."
            .to_string();
        f.zh_tw.title = format!(
            "與 {dst} 的 {} 次握手：已送出 SYN-ACK，卻從未看到最後的 ACK",
            cs.len()
        );
        f.zh_tw.explanation = format!(
            "SYN 到達了，{dst} 也以 SYN-ACK 回應（{synacks} 次），但用戶端的 ACK 從未出現；用戶端一直重傳它的 SYN\
             （{retx} 次），彷彿從沒收到回應。回應在回程中遺失了：典型的原因是沒有看到對外 SYN 的狀態防火牆或 NAT\
             （非對稱路由），或是一條阻擋送往用戶端臨時埠之流量的輸出規則。"
        );
        f.zh_tw.advice = "允許回傳流量到達用戶端的臨時埠：狀態防火牆靠追蹤連線（「established, related」）\
            做到這一點；無狀態 ACL 則需要為回應開放臨時埠範圍（例如 Linux 為 32768–60999,Windows 為 49152–65535）。\
            並確認回應走的路徑與請求進來的路徑相同。"
            .to_string();
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = cs.iter().map(|c| c.client).collect();
        f.ports.push(dst);
        f = f
            .ev("handshakes", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("max_server_packets", synacks);
        out.push(f);
    }
}

fn handshake_stuck(c: &Connection) -> bool {
    !c.roles_inferred
        && c.server_side.entered(TcpState::SynReceived).is_some()
        && c.server_side.entered(TcpState::Established).is_none()
        && matches!(c.outcome, Outcome::OpenAtEnd | Outcome::Unanswered)
        && (c.syn_retransmits >= 1 || c.server_side.packets >= 2)
}

/// SYNs answered by RST (outcome `refused`): nothing listens on that port.
fn connection_refused(conns: &[Connection], out: &mut Vec<Finding>) {
    let refused = conns.iter().filter(|c| c.outcome == Outcome::Refused);
    for (dst, cs) in by_server(refused) {
        let mut f = Finding::new(
            FindingKind::ConnectionRefused,
            Severity::Warning,
            "ch10-troubleshooting.md",
        );
        f.title = format!(
            "{} connection(s) to {dst} refused (SYN answered by RST)",
            cs.len()
        );
        f.explanation = format!(
            "{dst} answered each SYN with a RST: the host is up but nothing listens on port {} \
             (or a firewall rejects with RST). The client gets ECONNREFUSED at once, and its \
             port goes straight back to Available — no TIME-WAIT.",
            dst.port
        );
        f.advice = format!(
            "Check that the service runs and listens on {dst} (`ss -ltn` on the server), on \
             the right address (not only 127.0.0.1) and port. If it restarts, retry with back-off \
             rather than in a tight loop."
        );
        f.zh_tw.title = format!("對 {dst} 的 {} 條連線被拒絕（SYN 收到 RST）", cs.len());
        f.zh_tw.explanation = format!(
            "{dst} 對每個 SYN 都回應 RST：主機正常運作，但埠 {} 上沒有任何程式在監聽（或是防火牆以 RST 拒絕）。\
             用戶端立刻得到 ECONNREFUSED，它的埠直接回到可用（Available）——沒有 TIME-WAIT。",
            dst.port
        );
        f.zh_tw.advice = format!(
            "確認服務正在執行，並在 {dst} 上監聽（在伺服器上用 `ss -ltn`），而且位址（不只是 127.0.0.1）\
             與埠都正確。如果服務正在重新啟動，請以退避（back-off）方式重試，而不是在緊密迴圈中重試。"
        );
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f.ev("refused", cs.len());
        out.push(f);
    }
}

/// TCP attempts ended by an ICMP error and UDP requests answered by one, per (server, reason).
fn icmp_unreachable(conns: &[Connection], udp: &[UdpFlow], out: &mut Vec<Finding>) {
    /// (server, reason, is UDP) → (TCP connection indices, UDP flow indices).
    type Group = (Endpoint, &'static str, bool);
    let mut groups: BTreeMap<Group, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
    let key = |r: IcmpReason| match r {
        IcmpReason::PortUnreachable => "port_unreachable",
        IcmpReason::AdminProhibited => "admin_prohibited",
        IcmpReason::Unreachable => "unreachable",
    };
    for c in conns {
        if let Some(r) = c.icmp {
            groups
                .entry((c.server, key(r), false))
                .or_default()
                .0
                .push(c.id);
        }
    }
    for u in udp {
        if let Some(r) = u.icmp {
            groups
                .entry((u.server, key(r), true))
                .or_default()
                .1
                .push(u.id);
        }
    }
    for ((dst, reason, is_udp), (tcp_ids, udp_ids)) in groups {
        let n = tcp_ids.len() + udp_ids.len();
        let proto = if is_udp { "UDP" } else { "TCP" };
        let mut f = Finding::new(
            FindingKind::IcmpUnreachable,
            Severity::Warning,
            if reason == "admin_prohibited" {
                "ch09-firewalls.md"
            } else {
                "ch10-troubleshooting.md"
            },
        );
        let what = match reason {
            "port_unreachable" => "port unreachable",
            "admin_prohibited" => "administratively prohibited",
            _ => "destination unreachable",
        };
        f.title = format!("{n} {proto} exchange(s) with {dst} answered by ICMP {what}");
        f.explanation = match reason {
            "port_unreachable" => format!(
                "{dst} (or a router for it) said with ICMP that nothing listens on {proto} port \
                 {}. For UDP this is how \"connection refused\" looks; the client's port is free \
                 again at once.",
                dst.port
            ),
            "admin_prohibited" => format!(
                "A firewall rejected the {proto} packets to {dst} and said so with ICMP \
                 \"administratively prohibited\": a rule forbids this traffic."
            ),
            _ => format!("An ICMP error said {dst} cannot be reached (no route or host down)."),
        };
        f.advice = match reason {
            "port_unreachable" => format!(
                "Check that the service on {dst} runs, or point the client at one that does \
                 (for DNS: the resolver list)."
            ),
            "admin_prohibited" => format!(
                "Find the firewall rule that rejects {proto} port {} to {} and allow the traffic \
                 if it is legitimate.",
                dst.port, dst.ip
            ),
            _ => "Check routing and that the host is up.".to_string(),
        };
        let zh_what = match reason {
            "port_unreachable" => "埠無法到達（port unreachable）",
            "admin_prohibited" => "管理上禁止（administratively prohibited）",
            _ => "目的地無法到達（destination unreachable）",
        };
        f.zh_tw.title = format!("與 {dst} 的 {n} 次 {proto} 交換收到 ICMP {zh_what}");
        f.zh_tw.explanation = match reason {
            "port_unreachable" => format!(
                "{dst}（或替它轉送的路由器）以 ICMP 表示 {proto} 埠 {} 上沒有任何程式在監聽。\
                 對 UDP 來說，這就是「連線被拒絕」的樣子；用戶端的埠會立刻再度可用。",
                dst.port
            ),
            "admin_prohibited" => format!(
                "防火牆拒絕了送往 {dst} 的 {proto} 封包，並以 ICMP「administratively prohibited」\
                 告知：有一條規則禁止這種流量。"
            ),
            _ => format!("一個 ICMP 錯誤表示無法到達 {dst}（沒有路由或主機已停機）。"),
        };
        f.zh_tw.advice = match reason {
            "port_unreachable" => format!(
                "確認 {dst} 上的服務正在執行，或讓用戶端改連到有在執行的服務（DNS 的話：檢查解析器清單）。"
            ),
            "admin_prohibited" => format!(
                "找出拒絕 {proto} 埠 {} 送往 {} 的防火牆規則；如果這是正當流量，就允許它。",
                dst.port, dst.ip
            ),
            _ => "檢查路由，並確認主機正常運作。".to_string(),
        };
        f.connections = tcp_ids;
        f.udp_flows = udp_ids;
        f.ports = vec![dst];
        f = f.ev("count", n).ev("reason", reason).ev("protocol", proto);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Who closes first.

/// A server closes first in at least this many connections…
const SERVER_CLOSE_MIN: usize = 10;

/// …and in at least half of its connections: TIME-WAIT accumulates on the server. One server
/// close now and then (an idle timeout, `Connection: close` on an error) is ordinary.
fn server_closes_first(conns: &[Connection], out: &mut Vec<Finding>) {
    for (srv, cs) in by_server(conns.iter()) {
        let first: Vec<&Connection> = cs
            .iter()
            .copied()
            .filter(|c| c.closed_first == Some(Role::Server))
            .collect();
        if first.len() < SERVER_CLOSE_MIN || first.len() * 2 < cs.len() {
            continue;
        }
        let mut f = Finding::new(
            FindingKind::ServerClosesFirst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.title = format!(
            "{srv} closed first in {} of {} connections: TIME-WAIT sits on the server",
            first.len(),
            cs.len()
        );
        f.explanation = format!(
            "Whoever sends the first FIN enters TIME-WAIT. Here the server {srv} did, so its \
             sockets (keyed by each client's 4-tuple) wait in TIME-WAIT while the clients' ports \
             are free at once. This uses no ephemeral ports, but a busy server accumulates \
             TIME-WAIT sockets (memory, `ss -tan state time-wait` counts) — typical of HTTP \
             with `Connection: close` or a server-side idle timeout."
        );
        f.advice = "Usually harmless for the server's ports. To avoid the churn, keep connections \
            alive (HTTP keep-alive, longer server idle timeouts) or let the client close first. \
            `tcp_tw_reuse` does not help here: it only affects outgoing connections."
            .to_string();
        f.zh_tw.title = format!(
            "{srv} 在 {} 條連線中的 {} 條先關閉：TIME-WAIT 落在伺服器上",
            cs.len(),
            first.len()
        );
        f.zh_tw.explanation = format!(
            "先送出 FIN 的一方進入 TIME-WAIT。這裡是伺服器 {srv}，所以它的 socket（以每個用戶端的四元組區分）\
             在 TIME-WAIT 中等待，而用戶端的埠立刻就自由了。這不會耗用臨時埠，但繁忙的伺服器會累積 TIME-WAIT \
             socket（耗用記憶體，可用 `ss -tan state time-wait` 計數）——這是 HTTP 使用 `Connection: close` \
             或伺服器端閒置逾時的典型現象。"
        );
        f.zh_tw.advice = "對伺服器的埠來說通常無害。要避免這種反覆開關，就讓連線保持開啟（HTTP keep-alive、\
            較長的伺服器閒置逾時），或讓用戶端先關閉。`tcp_tw_reuse` 在這裡幫不上忙：它只影響對外連線。"
            .to_string();
        f.connections = first.iter().map(|c| c.id).collect();
        f.ports = vec![srv];
        f = f
            .ev("server_closed_first", first.len())
            .ev("connections", cs.len());
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Capture gaps.

/// Connections whose SYN is not in the capture (roles inferred): their Assigned phase and maybe
/// their start are missing.
fn start_not_captured(conns: &[Connection], out: &mut Vec<Finding>) {
    // A SYN-ACK seen with the client's direction missing: the connection started during the
    // capture, its SYN on the other direction (the one-direction finding says so).
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| c.roles_inferred)
        .filter(|c| !(c.direction_missing.is_some() && c.completeness & 2 != 0))
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::StartNotCaptured,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.title = format!("{} connection(s) started before the capture", ids.len());
    f.explanation = "Their SYN is not in the capture, so which side is the client was guessed \
        (the SYN-ACK's sender is the server; otherwise the port in an ephemeral range is the \
        client's), and their port's Assigned phase is missing."
        .to_string();
    f.advice = "Start the capture before the application connects, or accept that the first \
        connections are partial."
        .to_string();
    f.zh_tw.title = format!("{} 條連線在擷取開始前就已建立", ids.len());
    f.zh_tw.explanation =
        "它們的 SYN 不在擷取檔中，所以哪一方是用戶端是猜測的（送出 SYN-ACK 的是伺服器；\
        否則，位於臨時埠範圍內的埠屬於用戶端），而且它們的埠缺少已分配（Assigned）階段。"
            .to_string();
    f.zh_tw.advice = "在應用程式連線之前就開始擷取，或接受最初的幾條連線是不完整的。".to_string();
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}

/// Connections that completed the handshake and were still open at the capture's end (not the
/// failures other findings explain): their close and TIME-WAIT are not in it.
fn end_not_captured(conns: &[Connection], out: &mut Vec<Finding>) {
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| {
            matches!(c.outcome, Outcome::OpenAtEnd | Outcome::MidStream)
                && !handshake_stuck(c)
                && c.direction_missing.is_none()
        })
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::EndNotCaptured,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.title = format!(
        "{} connection(s) still open when the capture ended",
        ids.len()
    );
    f.explanation = "Their close (FIN or RST) and any TIME-WAIT are after the capture: their \
        ports are shown as held until the capture's end. For a connection pool this is \
        expected — long-lived connections are the point."
        .to_string();
    f.advice = "Capture longer if the close matters.".to_string();
    f.zh_tw.title = format!("{} 條連線在擷取結束時仍開著", ids.len());
    f.zh_tw.explanation =
        "它們的關閉（FIN 或 RST）以及可能的 TIME-WAIT 都在擷取結束之後：它們的埠顯示為\
        一直被占用到擷取結束。對連線池來說這是預料中的——長壽的連線正是它的目的。"
            .to_string();
    f.zh_tw.advice = "如果關閉過程很重要，就擷取久一點。".to_string();
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}

/// Connections whose one side sent nothing captured although the other side's segments prove
/// it took part ([`Connection::direction_missing`]): the capture sees only one direction
/// (asymmetric routing, or a capture filter / a mirror port that sees one way). A SYN followed
/// by the client's own RST proves no answer, so it is not one of them.
fn one_directional(conns: &[Connection], out: &mut Vec<Finding>) {
    let ids: Vec<u32> = conns
        .iter()
        .filter(|c| c.direction_missing.is_some())
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let mut f = Finding::new(
        FindingKind::OneDirectional,
        Severity::Info,
        "ch11-live-lab.md",
    );
    f.title = format!("{} connection(s) seen in one direction only", ids.len());
    f.explanation = "Only one side's packets of these connections are in the capture, yet they \
        carry acknowledgements or data that need the other side: the capture point sees one \
        direction only (asymmetric routing, a mirror port, or a capture filter). The unseen \
        side's state changes are inferred from what the seen side did (marked so), and how each \
        connection ended is not in the capture: its port is drawn until its last packet."
        .to_string();
    f.advice = "Capture where both directions pass (on one of the two hosts, or both mirror \
        directions), or check the capture filter."
        .to_string();
    f.zh_tw.title = format!("{} 條連線只看到單一方向", ids.len());
    f.zh_tw.explanation = "擷取檔中只有這些連線其中一方的封包，但它們帶有需要另一方才會有的確認或資料：\
        擷取點只看得到一個方向（非對稱路由、鏡像埠或擷取過濾器）。看不到的那一方的狀態變化是從看得到的一方的行為推斷出來的（已標明），而每條連線如何結束不在擷取中：它的埠只畫到最後一個封包為止。"
        .to_string();
    f.zh_tw.advice =
        "在兩個方向都會經過的地方擷取（在兩台主機之一上，或鏡像兩個方向），或檢查擷取過濾器。"
            .to_string();
    f = f.ev("connections", ids.len());
    f.connections = ids;
    out.push(f);
}

// ---------------------------------------------------------------------------------------------
// Profile fit.

/// Per client host: TCP client ports (SYN seen, ≥ 1024 — lower ones are fixed, not ephemeral)
/// outside the range of that host's profile. Suggests the first named profile that holds them
/// all, for that host alone.
fn client_ports_outside_profile(
    conns: &[Connection],
    profiles: ProfileOf<'_>,
    out: &mut Vec<Finding>,
) {
    let counted = |c: &&Connection| !c.roles_inferred && c.client.port >= 1024;
    // The usual case, checked without building anything: every port fits.
    if conns
        .iter()
        .filter(counted)
        .all(|c| profiles.of(c.client.ip).contains(c.client.port))
    {
        return;
    }
    // (host, port, connection) sorted: each host's uses are one run, its ports in order.
    let mut uses: Vec<(IpAddr, u16, u32)> = conns
        .iter()
        .filter(counted)
        .map(|c| (c.client.ip, c.client.port, c.id))
        .collect();
    uses.sort_unstable();
    for run in uses.chunk_by(|a, b| a.0 == b.0) {
        let host = run[0].0;
        let profile = profiles.of(host);
        let mut distinct: Vec<u16> = run.iter().map(|u| u.1).collect();
        distinct.dedup();
        let outside: Vec<u16> = distinct
            .iter()
            .copied()
            .filter(|p| !profile.contains(*p))
            .collect();
        if outside.is_empty() {
            continue;
        }
        let (lo, hi) = (distinct[0], distinct[distinct.len() - 1]);
        let ports = &distinct;
        let suggestion = [
            ("linux", OsProfile::linux()),
            ("windows", OsProfile::windows()),
            ("windows-old", OsProfile::windows_old()),
            ("freebsd", OsProfile::freebsd()),
        ]
        .into_iter()
        .find(|(_, p)| p.contains(lo) && p.contains(hi))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| format!("custom:{lo}-{hi}:{}", profile.time_wait_ns / S));
        let mut f = Finding::new(
            FindingKind::ClientPortsOutsideProfile,
            Severity::Info,
            "ch05-ranges.md",
        );
        f.title = format!(
            "{host}: {} of {} client ports outside {}'s range {}–{}",
            outside.len(),
            ports.len(),
            profile.label,
            profile.port_lo,
            profile.port_hi
        );
        f.explanation = format!(
            "This host used client ports {lo}–{hi}; {} of them are outside the selected \
             profile's ephemeral range, so the occupancy percentages and TIME-WAIT lengths may \
             not match this host's OS (or the application bound its ports explicitly).",
            outside.len()
        );
        f.advice = format!("Try `--profile {host}={suggestion}`.");
        f.zh_tw.title = format!(
            "{host}:{} 個用戶端埠中有 {} 個在 {} 的範圍 {}–{} 之外",
            ports.len(),
            outside.len(),
            profile.label,
            profile.port_lo,
            profile.port_hi
        );
        f.zh_tw.explanation = format!(
            "這台主機使用了用戶端埠 {lo}–{hi}；其中 {} 個在所選設定檔的臨時埠範圍之外，所以占用百分比與 \
             TIME-WAIT 長度可能與這台主機的作業系統不符（或是應用程式明確地綁定了它的埠）。",
            outside.len()
        );
        f.zh_tw.advice = format!("試試 `--profile {host}={suggestion}`。");
        f.connections = run
            .iter()
            .filter(|u| !profile.contains(u.1))
            .map(|u| u.2)
            .collect();
        f.connections.sort_unstable();
        f.ports = outside.iter().map(|p| Endpoint::new(host, *p)).collect();
        f = f
            .ev("outside", outside.len())
            .ev("client_ports", ports.len())
            .ev("lowest", lo)
            .ev("highest", hi)
            .ev("suggested_profile", suggestion);
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_most_severe_last() {
        assert!(Severity::Critical > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
        assert_eq!(pool_severity(59.9), None);
        assert_eq!(pool_severity(60.0), Some(Severity::Warning));
        assert_eq!(pool_severity(80.0), Some(Severity::Critical));
    }

    #[test]
    fn kind_ids_match_serde() {
        let v = serde_json::to_value(FindingKind::PortReusedInTimeWait).unwrap();
        assert_eq!(v, serde_json::json!(FindingKind::PortReusedInTimeWait.id()));
    }

    #[test]
    fn median_of_odd_and_empty() {
        assert_eq!(median(vec![3, 1, 2]), 2);
        assert_eq!(median(vec![]), 0);
    }
}
