//! Diagnostics ("expert info"): what went wrong in a capture, which connections and ports it is
//! about, the numbers that show it, what to do, and the book chapter that explains it.
//!
//! [`compute`] is a pure function of the connections, UDP flows and the port model (itself derived
//! under one OS profile), so it is recomputed whenever the profile changes. Each finding kind has
//! one detector; its doc comment states the rule and the threshold, and why. The detectors live
//! in one file per family:
//! - [`pool`]: a host's port pool filling, and ports used outside the range its profile gives;
//! - [`time_wait`]: TIME-WAIT piling up, cut short by a reused 4-tuple or a RST, or landing on
//!   the server because it closes first;
//! - [`handshake`]: SYNs unanswered or refused, handshakes that never completed, ICMP errors;
//! - [`capture`]: what the capture itself could not see (its start, its end, one direction).
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
use crate::i18n::{Args, Lang};
use crate::ports::profile::proves_range;
use crate::ports::{OsProfile, Phase, PoolSeries, Pools, PortModel, ProfileOf};
use crate::tcp::{Connection, Outcome, Role, TcpState, UdpFlow};
use crate::{args, tr};

mod capture;
mod handshake;
mod pool;
mod time_wait;

use capture::{end_not_captured, one_directional, start_not_captured};
use handshake::{
    connection_refused, handshake_stuck, icmp_unreachable, syn_ack_unacknowledged, syn_unanswered,
};
use pool::{client_port_uses, client_ports_outside_profile, port_pool_pressure};
use time_wait::{
    pileups, port_reused_in_time_wait, server_closes_first, time_wait_ended_by_rst,
    time_wait_pileup,
};

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

    /// What several findings of this kind are, in `lang`: the heading of a group of them.
    pub fn plural_name(self, lang: Lang) -> String {
        tr!(lang, &self.message("plural"))
    }

    /// The id of one of its messages: `finding-time-wait-pileup-title` for `title` (also
    /// `explanation`, `advice`, `plural`).
    pub fn message(self, part: &str) -> String {
        format!("finding-{}-{part}", self.id().replace('_', "-"))
    }

    /// Every kind.
    pub const ALL: [FindingKind; 13] = [
        FindingKind::PortPoolPressure,
        FindingKind::TimeWaitPileup,
        FindingKind::PortReusedInTimeWait,
        FindingKind::TimeWaitEndedByRst,
        FindingKind::SynUnanswered,
        FindingKind::SynAckUnacknowledged,
        FindingKind::ConnectionRefused,
        FindingKind::IcmpUnreachable,
        FindingKind::ServerClosesFirst,
        FindingKind::StartNotCaptured,
        FindingKind::EndNotCaptured,
        FindingKind::OneDirectional,
        FindingKind::ClientPortsOutsideProfile,
    ];

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
    /// The variables of its title, explanation and advice (the messages
    /// `finding-KIND-title`, `-explanation`, `-advice`), which [`Finding::text`] words in any
    /// language; the fields above are their English words, which the JSON report carries.
    #[serde(skip)]
    pub args: Args,
}

/// The human-readable texts of a finding in one language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingText {
    pub title: String,
    pub explanation: String,
    pub advice: String,
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
            args: Args::new(),
        }
    }

    /// Its texts from `args`: the English ones into `title`, `explanation` and `advice`.
    fn say(&mut self, args: Args) {
        self.args = args;
        let en = self.render(Lang::En);
        self.title = en.title;
        self.explanation = en.explanation;
        self.advice = en.advice;
    }

    fn render(&self, lang: Lang) -> FindingText {
        let part = |p: &str| crate::i18n::format(lang, &self.kind.message(p), &self.args);
        FindingText {
            title: part("title"),
            explanation: part("explanation"),
            advice: part("advice"),
        }
    }

    /// Title, explanation and advice in `lang` (the English ones are the `title`,
    /// `explanation` and `advice` fields).
    pub fn text(&self, lang: Lang) -> FindingText {
        match lang {
            Lang::En => FindingText {
                title: self.title.clone(),
                explanation: self.explanation.clone(),
                advice: self.advice.clone(),
            },
            lang => self.render(lang),
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

/// All findings, most severe first (then by kind, then by the first connection).
pub fn compute(conns: &[Connection], udp: &[UdpFlow], ports: &PortModel) -> Vec<Finding> {
    let mut out = from_connections(conns, udp);
    out.extend(from_ports(conns, ports));
    most_severe_first(out)
}

/// The findings that depend on the OS profile ([`FindingKind::depends_on_profile`]), unsorted:
/// what the pool series say (pressure, pile-ups, ports outside the range), then what the spans
/// say (ports reused while in TIME-WAIT, TIME-WAITs ended by a RST).
pub fn from_ports(conns: &[Connection], ports: &PortModel) -> Vec<Finding> {
    let pools = ports.pools();
    // The pile-ups' grouping of every connection by host and destination is the largest piece:
    // it runs on a second core beside the rest, and the findings keep their order.
    let (piled, (mut out, rest)) = crate::cores::both(
        || {
            let mut out = Vec::new();
            time_wait_pileup(&pileups(conns), pools, &mut out);
            out
        },
        || {
            let (mut pressure, mut rest) = (Vec::new(), Vec::new());
            let uses = client_port_uses(conns, pools.profiles);
            port_pool_pressure(conns, &uses, pools, &mut pressure);
            client_ports_outside_profile(conns, &uses, pools.profiles, &mut rest);
            port_reused_in_time_wait(conns, ports, &mut rest);
            time_wait_ended_by_rst(conns, ports, &mut rest);
            (pressure, rest)
        },
    );
    out.extend(piled);
    out.extend(rest);
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

/// Findings of one kind and severity, shown together so that many alike (one per client ×
/// server pair, say) read as one: the members with the most connections first. JSON keeps
/// every finding on its own; grouping is how the report and the app show them.
#[derive(Debug)]
pub struct FindingGroup<'a> {
    pub kind: FindingKind,
    pub severity: Severity,
    /// Each with its index in the list it was grouped from (what a view selects it by).
    pub members: Vec<(usize, &'a Finding)>,
}

impl FindingGroup<'_> {
    /// A group this large is shown folded: its largest members, the rest counted. Up to this
    /// many are shown each in full, as single findings are.
    pub const SHOWN_WHOLE: usize = 3;
    /// The members a folded group lists.
    pub const LISTED: usize = 5;

    /// Whether the group is shown folded.
    pub fn folded(&self) -> bool {
        self.members.len() > Self::SHOWN_WHOLE
    }

    /// The connections of all its members.
    pub fn connections(&self) -> usize {
        self.members.iter().map(|(_, f)| f.connections.len()).sum()
    }
}

/// `findings` (in [`most_severe_first`] order) grouped by kind and severity, in that order. A
/// folded group's members are the largest first (most connections; the order before for
/// ties); a group shown whole keeps the order it had.
pub fn grouped(findings: &[Finding]) -> Vec<FindingGroup<'_>> {
    let mut groups: Vec<FindingGroup<'_>> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if g.kind == f.kind && g.severity == f.severity => g.members.push((i, f)),
            _ => groups.push(FindingGroup {
                kind: f.kind,
                severity: f.severity,
                members: vec![(i, f)],
            }),
        }
    }
    for g in &mut groups {
        if g.folded() {
            g.members
                .sort_by_key(|(_, f)| std::cmp::Reverse(f.connections.len()));
        }
    }
    groups
}

/// The order every list of findings is shown in: most severe first, then by kind and first
/// connection.
pub fn most_severe_first(mut out: Vec<Finding>) -> Vec<Finding> {
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.connections.first().cmp(&b.connections.first()))
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers the families share.

/// A variable a message selects on.
pub(super) fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub(super) fn fmt_ms(ns: i64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// A finding's ports: `host`'s distinct `ports` in order, then the other end.
pub(super) fn ports_then(
    host: IpAddr,
    ports: impl Iterator<Item = u16>,
    other: Endpoint,
) -> Vec<Endpoint> {
    let mut v: Vec<Endpoint> = ports
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| Endpoint::new(host, p))
        .collect();
    v.push(other);
    v
}

/// Group connections by their server endpoint.
pub(super) fn by_server<'a>(
    conns: impl Iterator<Item = &'a Connection>,
) -> BTreeMap<Endpoint, Vec<&'a Connection>> {
    let mut m: BTreeMap<Endpoint, Vec<&Connection>> = BTreeMap::new();
    for c in conns {
        m.entry(c.server).or_default().push(c);
    }
    m
}

pub(super) fn median(mut v: Vec<i64>) -> i64 {
    match v.len() {
        0 => 0,
        // The element a sort would put at n/2, found in linear time.
        n => *v.select_nth_unstable(n / 2).1,
    }
}

#[cfg(test)]
mod tests;
