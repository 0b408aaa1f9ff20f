//! The view-model: turns the capture model (connections and their TCP-state transitions) into
//! what the panels draw — host groups, (host, port) rows, lanes and phase spans — plus the
//! numbers the status bar shows. Panels read only this module's types; they never touch the
//! tracker, so the core can change without the drawing code changing.
//!
//! Times here are `f64` seconds relative to the capture's first connection (`t0_ns`), which is
//! what the x axis needs; absolute times are `t0_ns + s·1e9`.

use std::collections::HashMap;
use std::net::IpAddr;

use portlife::decode::Endpoint;

use super::capture::{CaptureModel, Connection, Outcome, Side, TcpState};
use super::profile::{ProfileChoice, ProfileParams};

/// The port lifecycle phases the timeline draws (DESIGN.md). Available is the empty space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Assigned,
    Active,
    TimeWait,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Assigned, Phase::Active, Phase::TimeWait];
    pub fn name(self) -> &'static str {
        match self {
            Phase::Assigned => "Assigned",
            Phase::Active => "Active",
            Phase::TimeWait => "TimeWait",
        }
    }
}

/// One coloured bar: a connection holding a port in one phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Index into `CaptureModel::connections`.
    pub conn: u32,
    pub phase: Phase,
    pub start: f64,
    pub end: f64,
    /// Lane within the row (several destinations served by one port at once).
    pub lane: u16,
}

/// One (host, port) row.
#[derive(Debug, Clone)]
pub struct Row {
    pub host: IpAddr,
    pub port: u16,
    /// `host:port`, also the row's accessible label.
    pub label: String,
    /// True for a server's listening port that holds TIME-WAIT because the server closed first.
    pub server_side: bool,
    pub first_use: f64,
    pub lanes: u16,
    /// Sorted by start.
    pub spans: Vec<Span>,
}

/// A host and its rows, sorted by first use.
#[derive(Debug, Clone)]
pub struct HostGroup {
    pub host: IpAddr,
    pub label: String,
    pub rows: Vec<u32>,
}

/// Which connections to show. Empty text fields match everything.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    /// Substring of the client host address.
    pub host: String,
    /// Substring of the destination `ip:port`.
    pub destination: String,
    pub port_min: u16,
    pub port_max: u16,
    /// Indexed like [`Outcome::ALL`].
    pub outcomes: [bool; 5],
    /// Substring of the connection's 4-tuple, outcome or any state name.
    pub search: String,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            host: String::new(),
            destination: String::new(),
            port_min: 0,
            port_max: u16::MAX,
            outcomes: [true; 5],
            search: String::new(),
        }
    }
}

impl Filters {
    pub fn accepts(&self, c: &Connection) -> bool {
        let oi = Outcome::ALL.iter().position(|o| *o == c.outcome).unwrap_or(0);
        if !self.outcomes[oi] {
            return false;
        }
        if c.client.port < self.port_min || c.client.port > self.port_max {
            return false;
        }
        if !self.host.is_empty() && !c.client.ip.to_string().contains(self.host.trim()) {
            return false;
        }
        if !self.destination.is_empty() && !c.server.to_string().contains(self.destination.trim())
        {
            return false;
        }
        if !self.search.is_empty() {
            let needle = self.search.trim().to_lowercase();
            let hay = format!(
                "{} {} {} {}",
                c.client,
                c.server,
                c.outcome.name(),
                c.transitions
                    .iter()
                    .map(|t| t.to.name())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
            .to_lowercase();
            if !hay.contains(&needle) {
                return false;
            }
        }
        true
    }
}

/// Counts of ports in each phase at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseCounts {
    pub assigned: usize,
    pub active: usize,
    pub time_wait: usize,
}

/// The highest number of client ports one host held at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Peak {
    pub host: Option<IpAddr>,
    pub ports: usize,
    pub at: f64,
    /// `ports` as a percentage of the profile's ephemeral range.
    pub percent: f64,
}

/// Everything the timeline and status bar draw, for one capture, profile and filter set.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub t0_ns: i64,
    /// Earliest span start and latest span end (seconds from t0).
    pub extent: (f64, f64),
    pub groups: Vec<HostGroup>,
    pub rows: Vec<Row>,
    /// Connections that passed the filters.
    pub shown_connections: usize,
    pub total_connections: usize,
    pub profile: ProfileParams,
    /// The profile actually used (differs from the choice for Auto).
    pub resolved: ProfileChoice,
    pub peak: Peak,
}

/// The moments that shape one connection's spans.
struct Marks {
    syn: Option<i64>,
    established: Option<i64>,
    client_end: Option<i64>,
    client_tw: Option<i64>,
    server_tw: Option<i64>,
}

fn marks(c: &Connection) -> Marks {
    let mut m = Marks {
        syn: None,
        established: None,
        client_end: None,
        client_tw: None,
        server_tw: None,
    };
    for t in &c.transitions {
        match (t.side, t.to) {
            (Side::Client, TcpState::SynSent) => {
                m.syn.get_or_insert(t.ts_ns);
            }
            (Side::Client, TcpState::Established) => {
                m.established.get_or_insert(t.ts_ns);
            }
            (Side::Client, TcpState::TimeWait) => {
                m.client_tw.get_or_insert(t.ts_ns);
                m.client_end.get_or_insert(t.ts_ns);
            }
            (Side::Client, TcpState::Closed) => {
                m.client_end.get_or_insert(t.ts_ns);
            }
            (Side::Server, TcpState::TimeWait) => {
                m.server_tw.get_or_insert(t.ts_ns);
            }
            _ => {}
        }
    }
    m
}

/// The phase spans of one connection under a profile: (row key, phase, start ns, end ns).
/// `capture_end` closes spans still open when the capture ended; `next_gen` cuts TIME-WAIT short
/// when a new SYN reuses the 4-tuple (DESIGN.md).
fn connection_spans(
    c: &Connection,
    tw_ns: i64,
    capture_end: i64,
    next_gen: Option<i64>,
) -> Vec<(Endpoint, bool, Phase, i64, i64)> {
    let m = marks(c);
    let mut out = Vec::with_capacity(3);
    let client = c.client;
    let active_from = if c.inferred {
        Some(c.first_ts_ns)
    } else {
        m.established
    };
    if let Some(syn) = m.syn {
        let end = m
            .established
            .or(m.client_end)
            .unwrap_or(c.last_ts_ns.max(syn));
        out.push((client, false, Phase::Assigned, syn, end));
    }
    if let Some(a) = active_from {
        let end = m.client_end.unwrap_or(capture_end.max(a));
        out.push((client, false, Phase::Active, a, end));
    }
    let tw_end = |s: i64| next_gen.map_or(s + tw_ns, |n| n.clamp(s, s + tw_ns));
    if let Some(s) = m.client_tw {
        out.push((client, false, Phase::TimeWait, s, tw_end(s)));
    }
    if let Some(s) = m.server_tw {
        out.push((c.server, true, Phase::TimeWait, s, tw_end(s)));
    }
    out
}

/// Resolve Auto (and Custom) to concrete numbers.
pub fn resolve_profile(
    choice: ProfileChoice,
    custom: ProfileParams,
    capture: &CaptureModel,
) -> (ProfileChoice, ProfileParams) {
    match choice {
        ProfileChoice::Custom => (choice, custom),
        ProfileChoice::Auto => {
            let g = ProfileChoice::guess(
                capture
                    .connections
                    .iter()
                    .filter(|c| !c.inferred)
                    .map(|c| c.client.port),
            );
            (g, g.fixed().unwrap_or(custom))
        }
        named => (named, named.fixed().unwrap_or(custom)),
    }
}

/// Build the timeline for a capture, a profile and filters.
pub fn build(
    capture: &CaptureModel,
    choice: ProfileChoice,
    custom: ProfileParams,
    filters: &Filters,
) -> Timeline {
    let (resolved, profile) = resolve_profile(choice, custom, capture);
    let tw_ns = (profile.time_wait_s * 1e9) as i64;
    let conns = &capture.connections;
    let t0_ns = conns.iter().map(|c| c.first_ts_ns).min().unwrap_or(0);
    let capture_end = conns.iter().map(|c| c.last_ts_ns).max().unwrap_or(0);
    // Next generation of each 4-tuple, to end TIME-WAIT at port reuse.
    let mut next_gen: Vec<Option<i64>> = vec![None; conns.len()];
    let mut latest: HashMap<(Endpoint, Endpoint), usize> = HashMap::new();
    for (i, c) in conns.iter().enumerate() {
        if let Some(prev) = latest.insert((c.client, c.server), i) {
            next_gen[prev] = Some(c.first_ts_ns);
        }
    }
    let secs = |ns: i64| (ns - t0_ns) as f64 / 1e9;
    let mut row_index: HashMap<(Endpoint, bool), usize> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut shown = 0usize;
    for (i, c) in conns.iter().enumerate() {
        if !filters.accepts(c) {
            continue;
        }
        shown += 1;
        for (ep, server_side, phase, s, e) in connection_spans(c, tw_ns, capture_end, next_gen[i])
        {
            let ri = *row_index.entry((ep, server_side)).or_insert_with(|| {
                rows.push(Row {
                    host: ep.ip,
                    port: ep.port,
                    label: ep.to_string(),
                    server_side,
                    first_use: f64::INFINITY,
                    lanes: 1,
                    spans: Vec::new(),
                });
                rows.len() - 1
            });
            let row = &mut rows[ri];
            let (s, e) = (secs(s), secs(e.max(s)));
            row.first_use = row.first_use.min(s);
            row.spans.push(Span {
                conn: i as u32,
                phase,
                start: s,
                end: e,
                lane: 0,
            });
        }
    }
    let mut extent = (f64::INFINITY, f64::NEG_INFINITY);
    for row in &mut rows {
        row.spans
            .sort_by(|a, b| a.start.total_cmp(&b.start).then(a.phase.cmp(&b.phase)));
        row.lanes = assign_lanes(&mut row.spans);
        for s in &row.spans {
            extent.0 = extent.0.min(s.start);
            extent.1 = extent.1.max(s.end);
        }
    }
    if !extent.0.is_finite() {
        extent = (0.0, 1.0);
    }
    // Group by host; rows by first use, hosts by their first row.
    let mut by_host: HashMap<IpAddr, Vec<u32>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        by_host.entry(r.host).or_default().push(i as u32);
    }
    let mut groups: Vec<HostGroup> = by_host
        .into_iter()
        .map(|(host, mut idx)| {
            idx.sort_by(|a, b| {
                let (ra, rb) = (&rows[*a as usize], &rows[*b as usize]);
                ra.first_use.total_cmp(&rb.first_use).then(ra.port.cmp(&rb.port))
            });
            let clients = idx.iter().filter(|i| !rows[**i as usize].server_side).count();
            let label = if clients > 0 {
                format!("{host} — {clients} client ports")
            } else {
                format!("{host} — server")
            };
            HostGroup {
                host,
                label,
                rows: idx,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        let fa = rows[a.rows[0] as usize].first_use;
        let fb = rows[b.rows[0] as usize].first_use;
        fa.total_cmp(&fb).then(a.host.cmp(&b.host))
    });
    let peak = peak_occupancy(&rows, profile);
    Timeline {
        t0_ns,
        extent,
        groups,
        rows,
        shown_connections: shown,
        total_connections: conns.len(),
        profile,
        resolved,
        peak,
    }
}

/// Greedy interval colouring by connection: each connection keeps one lane; a connection goes
/// into the first lane free at its start. Returns the number of lanes.
fn assign_lanes(spans: &mut [Span]) -> u16 {
    // Interval of each connection within the row.
    let mut conn_iv: Vec<(u32, f64, f64)> = Vec::new();
    let mut pos: HashMap<u32, usize> = HashMap::new();
    for s in spans.iter() {
        match pos.get(&s.conn) {
            Some(&k) => {
                conn_iv[k].1 = conn_iv[k].1.min(s.start);
                conn_iv[k].2 = conn_iv[k].2.max(s.end);
            }
            None => {
                pos.insert(s.conn, conn_iv.len());
                conn_iv.push((s.conn, s.start, s.end));
            }
        }
    }
    if conn_iv.len() == 1 {
        return 1;
    }
    conn_iv.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut lane_end: Vec<f64> = Vec::new();
    let mut lane_of: HashMap<u32, u16> = HashMap::new();
    for (conn, s, e) in conn_iv {
        let lane = match lane_end.iter().position(|end| *end <= s) {
            Some(l) => l,
            None => {
                lane_end.push(f64::NEG_INFINITY);
                lane_end.len() - 1
            }
        };
        lane_end[lane] = e;
        lane_of.insert(conn, lane as u16);
    }
    for s in spans.iter_mut() {
        s.lane = lane_of[&s.conn];
    }
    lane_end.len().max(1) as u16
}

/// Peak number of ports one client host held at once (a port counts once however many
/// destinations it serves), swept over merged per-row intervals.
fn peak_occupancy(rows: &[Row], profile: ProfileParams) -> Peak {
    let mut events: HashMap<IpAddr, Vec<(f64, i32)>> = HashMap::new();
    for r in rows.iter().filter(|r| !r.server_side) {
        let ev = events.entry(r.host).or_default();
        let mut cur: Option<(f64, f64)> = None;
        for s in &r.spans {
            cur = match cur {
                Some((a, b)) if s.start <= b => Some((a, b.max(s.end))),
                Some((a, b)) => {
                    ev.push((a, 1));
                    ev.push((b, -1));
                    Some((s.start, s.end))
                }
                None => Some((s.start, s.end)),
            };
        }
        if let Some((a, b)) = cur {
            ev.push((a, 1));
            ev.push((b, -1));
        }
    }
    let range = (profile.range.1 as f64 - profile.range.0 as f64 + 1.0).max(1.0);
    let mut best = Peak::default();
    for (host, mut ev) in events {
        ev.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut n = 0i32;
        for (t, d) in ev {
            n += d;
            if n as usize > best.ports {
                best = Peak {
                    host: Some(host),
                    ports: n as usize,
                    at: t,
                    percent: n as f64 / range * 100.0,
                };
            }
        }
    }
    best
}

impl Timeline {
    /// Ports in each phase at time `t` (client rows only: those are the ephemeral ports).
    pub fn counts_at(&self, t: f64) -> PhaseCounts {
        let mut c = PhaseCounts::default();
        for r in self.rows.iter().filter(|r| !r.server_side) {
            // Spans start sorted; stop once they start after t.
            for s in r.spans.iter().take_while(|s| s.start <= t) {
                if t < s.end {
                    match s.phase {
                        Phase::Assigned => c.assigned += 1,
                        Phase::Active => c.active += 1,
                        Phase::TimeWait => c.time_wait += 1,
                    }
                }
            }
        }
        c
    }

    /// Seconds from t0 of a connection's first and last span, for "zoom to selection".
    pub fn connection_extent(&self, conn: u32) -> Option<(f64, f64)> {
        let mut ext: Option<(f64, f64)> = None;
        for r in &self.rows {
            for s in r.spans.iter().filter(|s| s.conn == conn) {
                ext = Some(match ext {
                    Some((a, b)) => (a.min(s.start), b.max(s.end)),
                    None => (s.start, s.end),
                });
            }
        }
        ext
    }

    /// Nanosecond timestamp of `s` seconds from t0.
    pub fn abs_ns(&self, s: f64) -> i64 {
        self.t0_ns + (s * 1e9) as i64
    }
}

/// The states of both ends of `c` at absolute time `ts_ns`.
pub fn states_at(c: &Connection, ts_ns: i64) -> (TcpState, TcpState) {
    let (mut cl, mut sv) = if c.inferred {
        (TcpState::Established, TcpState::Established)
    } else {
        (TcpState::Closed, TcpState::Listen)
    };
    for t in c.transitions.iter().take_while(|t| t.ts_ns <= ts_ns) {
        match t.side {
            Side::Client => cl = t.to,
            Side::Server => sv = t.to,
        }
    }
    (cl, sv)
}

/// Human-readable duration: `850 ms`, `12.3 s`, `2 min 5 s`.
pub fn fmt_duration(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 120.0 {
        let r = (s * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            format!("{r:.0} s")
        } else {
            format!("{r:.1} s")
        }
    } else {
        format!("{} min {:.0} s", (s / 60.0).floor(), s % 60.0)
    }
}

/// What a span means, in one sentence a student can read.
pub fn explain(span: &Span, row: &Row, c: &Connection, profile: ProfileParams) -> String {
    let port = row.port;
    let dur = fmt_duration(span.end - span.start);
    match (span.phase, row.server_side) {
        (Phase::TimeWait, true) => format!(
            "server port {port} holds this 4-tuple in TIME-WAIT for {dur} because the server closed first; the client's port {} is free at once",
            c.client.port
        ),
        (Phase::TimeWait, false) => {
            let full = fmt_duration(profile.time_wait_s);
            if span.end - span.start + 1e-6 < profile.time_wait_s {
                format!("port {port} waits in TIME-WAIT because this host closed first; after {dur} (of {full}) a new SYN reused the same 4-tuple")
            } else {
                format!("port {port} waits in TIME-WAIT for {dur} because this host closed first (2×MSL on this OS), then becomes Available")
            }
        }
        (Phase::Assigned, _) => match c.outcome {
            Outcome::Refused => format!("port {port} was assigned for connect(), but {} answered the SYN with RST (connection refused); the port is free again", c.server),
            Outcome::Unanswered => format!("port {port} is assigned and stays in SYN-SENT: nobody answered the SYN (a firewall dropping it, or a dead server)"),
            _ => format!("port {port} was assigned by the kernel for connect() and waits {dur} for the handshake with {}", c.server),
        },
        (Phase::Active, _) => match c.outcome {
            Outcome::Reset => format!("port {port} carries a connection to {} for {dur}; it ends with RST, so no TIME-WAIT follows", c.server),
            Outcome::Open => format!("port {port} carries a connection to {} that was still open when the capture ended", c.server),
            _ if c.closer == Some(Side::Server) => format!("port {port} carries a connection to {} for {dur}; the server closed first, so the port is Available right after", c.server),
            _ => format!("port {port} carries a connection to {} for {dur}", c.server),
        },
    }
}

/// One line of the details panel's transition list.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionRow {
    /// Seconds from t0, formatted.
    pub time: String,
    /// `client` or `server`.
    pub side: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// Wireshark frame number (1-based) of the packet that caused it.
    pub frame: u64,
    pub cause: String,
}

/// What the details panel shows about the selected connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnDetails {
    pub title: String,
    pub facts: Vec<(&'static str, String)>,
    pub transitions: Vec<TransitionRow>,
}

/// Describe connection `idx` for the details panel.
pub fn details(capture: &CaptureModel, tl: &Timeline, idx: u32) -> Option<ConnDetails> {
    let c = capture.connections.get(idx as usize)?;
    let secs = |ns: i64| (ns - tl.t0_ns) as f64 / 1e9;
    let closer = match c.closer {
        Some(Side::Client) => "client (it gets TIME-WAIT)",
        Some(Side::Server) => "server (TIME-WAIT on the server)",
        None => "nobody (no FIN)",
    };
    let mut facts = vec![
        ("client", c.client.to_string()),
        ("server", c.server.to_string()),
        ("generation", c.generation.to_string()),
        ("outcome", c.outcome.name().to_string()),
        ("closed first by", closer.to_string()),
        ("packets", c.packets.to_string()),
        (
            "seen",
            format!(
                "{:.3} s → {:.3} s",
                secs(c.first_ts_ns),
                secs(c.last_ts_ns)
            ),
        ),
    ];
    if c.inferred {
        facts.push(("roles", "inferred (start not captured)".into()));
    }
    let transitions = c
        .transitions
        .iter()
        .map(|t| TransitionRow {
            time: format!("{:.6}", secs(t.ts_ns)),
            side: match t.side {
                Side::Client => "client",
                Side::Server => "server",
            },
            from: t.from.name(),
            to: t.to.name(),
            frame: t.packet + 1,
            cause: t.cause.clone(),
        })
        .collect();
    Some(ConnDetails {
        title: format!("{} → {}", c.client, c.server),
        facts,
        transitions,
    })
}

/// What the tooltip over a span says.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanInfo {
    /// `client:port → server:port`.
    pub tuple: String,
    pub phase: Phase,
    pub client_state: &'static str,
    pub server_state: &'static str,
    pub start: f64,
    pub end: f64,
    pub sentence: String,
}

/// Describe a span, with both ends' TCP states at time `at` (seconds from t0).
pub fn span_info(
    capture: &CaptureModel,
    tl: &Timeline,
    row: &Row,
    span: &Span,
    at: f64,
) -> Option<SpanInfo> {
    let c = capture.connections.get(span.conn as usize)?;
    let (cs, ss) = states_at(c, tl.abs_ns(at.clamp(span.start, span.end)));
    Some(SpanInfo {
        tuple: format!("{} → {}", c.client, c.server),
        phase: span.phase,
        client_state: cs.name(),
        server_state: ss.name(),
        start: span.start,
        end: span.end,
        sentence: explain(span, row, c, tl.profile),
    })
}
