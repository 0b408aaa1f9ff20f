//! Port lifecycle: connections → the phases of each (host, port) over time, and pool occupancy.
//!
//! For each connection, the client's port goes **Assigned** (SYN-SENT: first SYN until the
//! handshake completes, or until a RST / ICMP error / the profile's connect timeout) →
//! **Active** (ESTABLISHED and the closing states) → **TimeWait** (only when this host closed
//! first; 2×MSL of the [`OsProfile`], cut short when a new SYN reuses the 4-tuple or a RST ends
//! it) → **Available**. Available is never stored: it is every gap between spans.
//! When the server closes first, its TIME-WAIT is put on the server host's own row
//! (`server_side: true`), keyed by the 4-tuple like any span.
//!
//! Each client host is modelled under its own profile ([`per_host`]): its Assigned phase ends at
//! its own connect timeout, its TIME-WAIT lasts its own 2×MSL, its pool is counted against its
//! own range; a server's TIME-WAIT is timed by the server host's profile.
//!
//! [`derive`] is a pure function of the connection list and the profiles, so changing a profile
//! re-derives the model in memory without re-reading the capture.

pub mod choice;
pub mod end_state;
pub(crate) mod ids;
pub mod occupancy;
pub mod per_host;
pub mod pool;
pub mod profile;
mod two_halves;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use foldhash::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::decode::Endpoint;
use crate::tcp::{Connection, TcpState, UdpFlow};

pub use choice::{port_choices, read_choice, ChoicePattern, ChoiceReading, PortChoice};
pub use end_state::{Basis, EndState};
pub use occupancy::{Counts, OccupancyStep, PoolSeries};
pub use per_host::{HostProfile, ProfileArg, ProfileOf, ProfileSource, Profiles};
pub use pool::{
    client_hosts, destinations_of, grid_columns, pool_map, ClientHost, Holder, PhaseTally, PoolMap,
    PortState,
};
pub use profile::{
    host_guesses, Confidence, HostChoice, HostClause, HostGuess, NoteHow, OsProfile, Profile,
    ProfileKind, ProfileNote, ProfileParseError, RangeWhy, Reason,
};

/// The four phases of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Phase {
    Available,
    Assigned,
    Active,
    TimeWait,
}

impl Phase {
    /// The phases a port is held in: what a span is of (Available is every gap between them).
    pub const HELD: [Phase; 3] = [Phase::Assigned, Phase::Active, Phase::TimeWait];

    /// Its name, as DESIGN.md and the JSON write it.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Available => "Available",
            Phase::Assigned => "Assigned",
            Phase::Active => "Active",
            Phase::TimeWait => "TimeWait",
        }
    }
}

/// One phase of one port for one connection (or UDP flow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PortSpan {
    /// The host holding the port.
    pub host: IpAddr,
    pub port: u16,
    /// The other end of the 4-tuple.
    pub remote: Endpoint,
    /// Connection id (index into the connection list), or UDP flow id when `udp`.
    pub conn: u32,
    pub phase: Phase,
    /// [start_ns, end_ns), ns since the Unix epoch.
    pub start_ns: i64,
    pub end_ns: i64,
    /// Lane within the row: spans of different connections that overlap in time get different
    /// lanes (one port serving several destinations at once).
    pub lane: u16,
    /// The capture ended before this phase did. A TimeWait span then runs to its end projected
    /// from the profile (2×MSL after it began); any other phase is cut at the capture end and its
    /// real end is later.
    pub truncated_by_capture_end: bool,
    /// A TIME-WAIT cut short by a new SYN on the same 4-tuple (port reuse during TIME-WAIT).
    pub cut_by_reuse: bool,
    /// The capture cannot tell when this phase ended: the connection's other direction is not
    /// in it, so its close is unseen. The span stops at the connection's last captured packet,
    /// and what the port did after that is unknown (not Available, not still held).
    pub end_unseen: bool,
    /// The server's socket in TIME-WAIT (the server closed first): the port is the server's
    /// listening port, not an ephemeral one.
    pub server_side: bool,
    /// The span is a UDP flow (phase Active while the exchange lasts), not a TCP connection.
    pub udp: bool,
}

/// One row of the timeline: one (host, port) and its spans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortRow {
    pub host: IpAddr,
    pub port: u16,
    /// The row holds a server's TIME-WAIT sockets, not a client port.
    pub server_side: bool,
    pub first_use_ns: i64,
    /// Number of lanes (1 unless the port served several connections at once).
    pub lanes: u16,
    /// The row's spans are `PortModel::spans[span_start..span_end]`, sorted by start.
    pub span_start: u32,
    pub span_end: u32,
    /// Connections (and UDP flows) that used this port.
    pub uses: u32,
}

/// The whole port model of a capture under its profiles.
#[derive(Clone, Debug, Serialize)]
pub struct PortModel {
    /// The profile of every host without one of its own in `host_profiles`.
    pub profile: OsProfile,
    /// How the profiles were chosen; says so when `auto` guessed (in JSON: its English text).
    pub profile_note: ProfileNote,
    /// The client hosts with a profile of their own (guessed or chosen), sorted by host.
    pub host_profiles: Vec<HostProfile>,
    /// What each client host's SYNs and ports say about its OS, busiest first (`auto` uses
    /// the first; shown whatever the profile, as what the wire says).
    pub host_guesses: Vec<HostGuess>,
    pub capture_end_ns: i64,
    /// Rows sorted by first use.
    #[serde(serialize_with = "crate::json::long_array")]
    pub rows: Vec<PortRow>,
    /// Shared with the pool series, whose steps are counted from them when first read.
    #[serde(serialize_with = "spans_json")]
    pub spans: Arc<Vec<PortSpan>>,
    /// Client-port occupancy per host, and per (host, destination ip:port).
    pub hosts: Vec<PoolSeries>,
    pub destinations: Vec<PoolSeries>,
    /// Connections that reused a 4-tuple seen before in the capture.
    pub reused_4tuples: u32,
    /// … of which the previous connection's TIME-WAIT (under this profile) was still running.
    pub reused_during_time_wait: u32,
    /// Where each span of the capture-order list (connections, then UDP flows) sits in `spans`:
    /// the row layout, which no profile changes ([`rederive`] reuses it).
    #[serde(skip)]
    layout: Arc<[u32]>,
    /// Each row by its (host, port, server side), built the first time a state at a moment is
    /// asked for ([`PortModel::end_state_at`]: the app asks every frame; the CLI never does).
    #[serde(skip)]
    row_index: std::sync::OnceLock<HashMap<RowKey, u32>>,
}

fn spans_json<S: serde::Serializer>(
    spans: &Arc<Vec<PortSpan>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    crate::json::long_array(spans.as_slice(), serializer)
}

/// A port model's pool series with the profiles they were counted under: what the pool findings
/// read.
#[derive(Clone, Copy, Debug)]
pub struct Pools<'a> {
    pub profiles: ProfileOf<'a>,
    pub hosts: &'a [PoolSeries],
    pub destinations: &'a [PoolSeries],
}

impl PortModel {
    /// The model's pool series, as the pool findings read them.
    pub fn pools(&self) -> Pools<'_> {
        Pools {
            profiles: self.profiles(),
            hosts: &self.hosts,
            destinations: &self.destinations,
        }
    }

    /// Count the steps of every pool series now, in one pass over the spans on both cores,
    /// for a reader of all of them (the JSON report). Each series counts its own steps when it
    /// is first read anyway ([`PoolSeries::steps`]); one by one, a capture of many pools would
    /// pass over every span once per pool.
    pub fn count_steps(&self) {
        occupancy::count_all_steps(&self.spans, &self.hosts, &self.destinations);
    }

    /// Each host's profile.
    pub fn profiles(&self) -> ProfileOf<'_> {
        ProfileOf {
            default: &self.profile,
            hosts: &self.host_profiles,
        }
    }

    /// The profile `host`'s ports are modelled under.
    pub fn profile_of(&self, host: IpAddr) -> &OsProfile {
        self.profiles().of(host)
    }

    /// The spans of one row.
    pub fn row_spans(&self, row: &PortRow) -> &[PortSpan] {
        &self.spans[row.span_start as usize..row.span_end as usize]
    }

    /// Phase of `host:port` at `ts_ns` (the busiest phase if lanes overlap; Available when no
    /// span covers it).
    pub fn phase_at(&self, host: IpAddr, port: u16, ts_ns: i64) -> Phase {
        self.rows
            .iter()
            .filter(|r| r.host == host && r.port == port)
            .flat_map(|r| self.row_spans(r))
            .filter(|s| s.start_ns <= ts_ns && ts_ns < s.end_ns)
            .map(|s| s.phase)
            .max()
            .unwrap_or(Phase::Available)
    }

    /// How many client ports are Assigned / Active / in TimeWait at `ts_ns`, over all hosts, and
    /// how many server sockets sit in TIME-WAIT.
    pub fn counts_at(&self, ts_ns: i64) -> Counts {
        // Every host's steps: counted in one pass over the spans, not one pass per host (a
        // capture of thousands of client hosts, read live every second).
        occupancy::count_all_steps(&self.spans, &self.hosts, &[]);
        let mut c = Counts::default();
        for h in &self.hosts {
            let s = h.at(ts_ns);
            c.assigned += s.assigned;
            c.active += s.active;
            c.time_wait += s.time_wait;
        }
        c.server_time_wait = self
            .spans
            .iter()
            .filter(|s| s.server_side && s.start_ns <= ts_ns && ts_ns < s.end_ns)
            .count() as u32;
        c
    }
}

/// The port model of `conns` and `udp` under the user's choice of profiles (`auto` resolved
/// into each client host's guess), recording how each profile was chosen. The first derivation
/// of a capture; [`rederive`] is the next one under another profile.
pub fn derive(
    conns: &[Connection],
    udp: &[UdpFlow],
    profile: impl Into<Profiles>,
    capture_end_ns: i64,
) -> PortModel {
    derive_resolved(conns, udp, &profile.into(), capture_end_ns, None)
}

/// Derive under another profile the model `prev` was derived from the same connections and
/// flows under, reusing its row layout. A profile changes when phases end (TIME-WAIT, connect
/// timeout), never which spans exist or when they start; so the rows and the spans' order stay
/// and only ends, lanes and the pool series are recomputed. Lays the rows out anew if `prev`
/// turns out to come from other connections.
pub fn rederive(
    prev: &PortModel,
    conns: &[Connection],
    udp: &[UdpFlow],
    profile: impl Into<Profiles>,
    capture_end_ns: i64,
) -> PortModel {
    derive_resolved(conns, udp, &profile.into(), capture_end_ns, Some(prev))
}

/// The model with every host under one resolved profile, no guess and no per-host choice: what
/// the unit tests of the layout and the pools compare against.
#[cfg(test)]
pub(crate) fn derive_under(conns: &[Connection], profile: &OsProfile, end: i64) -> PortModel {
    let of = ProfileOf {
        default: profile,
        hosts: &[],
    };
    derive_reusing(conns, &[], of, end, None)
}

/// Resolve the user's choice (`auto` guesses) and derive, reusing `prev`'s row layout if given.
fn derive_resolved(
    conns: &[Connection],
    udp: &[UdpFlow],
    profile: &Profiles,
    capture_end_ns: i64,
    prev: Option<&PortModel>,
) -> PortModel {
    let guesses = profile::host_guesses(conns);
    let (default, note, hosts) = per_host::resolve(profile, conns, udp, &guesses);
    let of = ProfileOf {
        default: &default,
        hosts: &hosts,
    };
    let mut m = derive_reusing(conns, udp, of, capture_end_ns, prev);
    m.profile_note = note;
    m.host_guesses = guesses;
    m.host_profiles = hosts;
    m
}

/// The model under resolved profiles. Its work is spread over two cores: the pool series are
/// counted from the spans on one while the other lays out the rows (neither needs the other).
fn derive_reusing(
    conns: &[Connection],
    udp: &[UdpFlow],
    profiles: ProfileOf<'_>,
    capture_end_ns: i64,
    prev: Option<&PortModel>,
) -> PortModel {
    // The spans of the two halves of the capture on two cores: each connection's spans are its
    // own (a next generation on the same 4-tuple is only looked at), so the halves joined are
    // the spans in capture order. Most connections have three (Assigned, Active, TIME-WAIT on
    // one end): the first half is given room for that many, and the second half's follow.
    let half = conns.len() / 2;
    let (
        mut spans,
        (mut reused_4tuples, mut reused_during_time_wait),
        (later_reused, later_reused_in_tw),
    ) = two_halves::fill(
        conns.len() * 3 + udp.len(),
        half * 3,
        |out| tcp_spans_of(conns, 0..half, profiles, capture_end_ns, out),
        |out| tcp_spans_of(conns, half..conns.len(), profiles, capture_end_ns, out),
    );
    reused_4tuples += later_reused;
    reused_during_time_wait += later_reused_in_tw;
    for f in udp {
        spans.push(PortSpan {
            host: f.client.ip,
            port: f.client.port,
            remote: f.server,
            conn: f.id,
            phase: Phase::Active,
            start_ns: f.start_ns,
            end_ns: f.end_ns,
            lane: 0,
            truncated_by_capture_end: false,
            cut_by_reuse: false,
            end_unseen: false,
            server_side: false,
            udp: true,
        });
    }
    // The pool series do not depend on the spans' order. The second core takes what they need
    // from the spans while this one works out the row layout (or, re-deriving, copies the spans
    // into `prev`'s order); then it counts the series while this one moves the spans into their
    // rows.
    enum Laid {
        Reused((Vec<PortRow>, Vec<PortSpan>, Arc<[u32]>)),
        Planned(RowPlan),
    }
    let reuse = prev.filter(|p| p.layout.len() == spans.len());
    let (input, laid) = crate::cores::both(
        || occupancy::collect(&spans),
        || {
            let reused = reuse.and_then(|p| {
                relayout(p, &spans).map(|(rows, laid_out)| (rows, laid_out, Arc::clone(&p.layout)))
            });
            match reused {
                Some(r) => Laid::Reused(r),
                // No previous model, or not of the same connections after all: lay out anew.
                None => Laid::Planned(RowPlan::new(&spans)),
            }
        },
    );
    let ((mut hosts, mut destinations), (rows, spans, layout)) = crate::cores::both(
        move || occupancy::count(input, profiles),
        || match laid {
            Laid::Reused(r) => r,
            Laid::Planned(plan) => {
                // The layout the model keeps is the plan's: the spans are moved by reading it.
                let RowPlan { rows, dest } = plan;
                let layout: Arc<[u32]> = dest.into();
                let (rows, spans) = lay_out(rows, spans, &layout);
                (rows, spans, layout)
            }
        },
    );
    let spans = Arc::new(spans);
    occupancy::count_steps_from(&spans, &mut hosts, &mut destinations);
    PortModel {
        profile: profiles.default.clone(),
        profile_note: ProfileNote::default(),
        host_profiles: profiles.hosts.to_vec(),
        host_guesses: Vec::new(),
        capture_end_ns,
        rows,
        spans,
        hosts,
        destinations,
        reused_4tuples,
        reused_during_time_wait,
        layout,
        row_index: std::sync::OnceLock::new(),
    }
}

/// The spans of the TCP connections `range` of `conns`, in order, into `out`; and how many of
/// those connections reused a 4-tuple, and reused it during TIME-WAIT.
fn tcp_spans_of(
    conns: &[Connection],
    range: std::ops::Range<usize>,
    profiles: ProfileOf<'_>,
    capture_end_ns: i64,
    out: &mut two_halves::Sink<'_>,
) -> (u32, u32) {
    let (mut reused_4tuples, mut reused_during_time_wait) = (0, 0);
    // A client's connections mostly follow each other: its profile is looked up once a run.
    let mut last: Option<(IpAddr, &OsProfile)> = None;
    for c in &conns[range] {
        let client_profile = match last {
            Some((h, p)) if h == c.client.ip => p,
            _ => {
                let p = profiles.of(c.client.ip);
                last = Some((c.client.ip, p));
                p
            }
        };
        let next_start = c
            .next_generation
            .and_then(|n| conns.get(n as usize))
            .map(|n| n.start_ns);
        let cut = next_start.unwrap_or(i64::MAX);
        if c.prev_generation.is_some() {
            reused_4tuples += 1;
        }
        if tcp_spans(c, client_profile, profiles, capture_end_ns, cut, out) {
            reused_during_time_wait += 1;
        }
    }
    (reused_4tuples, reused_during_time_wait)
}

/// Copy capture-order `spans` into `prev`'s row order (see [`rederive`]) and give lanes anew (a
/// longer TIME-WAIT can make connections overlap). Reads `spans` only, so the pool series can
/// be counted from them at the same time. `None` when a span does not belong to the row `prev`
/// puts it in.
fn relayout(prev: &PortModel, spans: &[PortSpan]) -> Option<(Vec<PortRow>, Vec<PortSpan>)> {
    let mut src = vec![0u32; spans.len()];
    for (j, &d) in prev.layout.iter().enumerate() {
        *src.get_mut(d as usize)? = j as u32;
    }
    let mut laid_out: Vec<PortSpan> = src.iter().map(|&j| spans[j as usize]).collect();
    drop(src);
    let mut rows = prev.rows.clone();
    let mut lanes = Lanes::default();
    for r in &mut rows {
        let row = laid_out.get_mut(r.span_start as usize..r.span_end as usize)?;
        // Starts do not depend on the profile, so a row of the same connections still holds
        // the same ports, begins at the same time and is still in order; check it is so.
        let order = |s: &PortSpan| (s.start_ns, s.udp, s.conn, s.phase);
        if row
            .iter()
            .any(|s| (s.host, s.port, s.server_side) != (r.host, r.port, r.server_side))
            || row.first().map(|s| s.start_ns) != Some(r.first_use_ns)
            || row.windows(2).any(|w| order(&w[0]) > order(&w[1]))
        {
            return None;
        }
        let (lane_count, uses) = lanes.assign(row);
        r.lanes = lane_count;
        r.uses = uses;
    }
    Some((rows, laid_out))
}

/// Move `spans[i]` to `spans[dest[i]]` for every i, in place, cycle by cycle, each span moved
/// once; `dest` (a permutation) is only read, so the model keeps it as its layout.
fn permute(spans: &mut [PortSpan], dest: &[u32]) {
    let mut done = vec![false; spans.len()];
    for start in 0..spans.len() {
        if done[start] {
            continue;
        }
        // Carry the span at `start` to its place, the one found there to its own, and so on
        // round the cycle back to `start`.
        let mut carried = spans[start];
        let mut at = start;
        loop {
            done[at] = true;
            let to = dest[at] as usize;
            if to == start {
                spans[start] = carried;
                break;
            }
            carried = std::mem::replace(&mut spans[to], carried);
            at = to;
        }
    }
}

/// When an endpoint's state first satisfied `pred` (after its initial state).
fn first_entry(side: &crate::tcp::Side, pred: impl Fn(TcpState) -> bool) -> Option<i64> {
    side.transitions
        .iter()
        .find(|t| pred(t.to))
        .map(|t| t.ts_ns)
}

/// The spans of one TCP connection: the client's Assigned/Active/TimeWait, the server's
/// TimeWait, each timed by its host's profile (`profile` is the client's). `cut` is when the
/// next connection on the same 4-tuple starts. True when a TIME-WAIT of it was cut short by
/// that next connection.
fn tcp_spans(
    c: &Connection,
    profile: &OsProfile,
    profiles: ProfileOf<'_>,
    capture_end: i64,
    cut: i64,
    out: &mut two_halves::Sink<'_>,
) -> bool {
    let cs = &c.client_side;
    let horizon = capture_end.min(cut);
    let mut time_wait_cut = false;
    let mut push = |host: Endpoint,
                    remote: Endpoint,
                    phase: Phase,
                    start: i64,
                    natural_end: Option<i64>,
                    server_side: bool,
                    end_unseen: bool| {
        // natural_end None: the phase had not ended when the capture (or the 4-tuple) did.
        let (end, truncated, by_reuse) = match natural_end {
            Some(e) if e <= horizon => (e, false, false),
            // TIME-WAIT still running when the capture ended: its end is known from the profile
            // (2×MSL), so the span runs to it, marked as not observed. The pool stays occupied
            // after the last packet exactly as the kernel's would.
            Some(e) if phase == Phase::TimeWait && e <= cut => (e, true, false),
            Some(e) if cut <= capture_end && cut < e => (cut, false, true),
            None if cut <= capture_end => (cut, false, true),
            _ => (capture_end, true, false),
        };
        let end = end.max(start);
        let cut_by_reuse = by_reuse && phase == Phase::TimeWait;
        time_wait_cut |= cut_by_reuse;
        out.push(PortSpan {
            host: host.ip,
            port: host.port,
            remote,
            conn: c.id,
            phase,
            start_ns: start,
            end_ns: end,
            lane: 0,
            truncated_by_capture_end: truncated,
            cut_by_reuse,
            end_unseen,
            server_side,
            udp: false,
        });
    };

    // Assigned: from the first SYN (or the first packet of a SYN-ACK-first connection).
    let established = first_entry(cs, TcpState::is_active);
    let active_start = if matches!(cs.initial, TcpState::Closed | TcpState::SynSent) {
        let aborted = first_entry(cs, |s| s == TcpState::Closed);
        let end = match (established, aborted) {
            (Some(e), _) => Some(e),
            (None, Some(a)) => Some(a),
            // Never answered: connect() gives up after the profile's timeout.
            (None, None) => Some(c.start_ns.saturating_add(profile.connect_timeout_ns)),
        };
        push(
            c.client,
            c.server,
            Phase::Assigned,
            c.start_ns,
            end,
            false,
            false,
        );
        established
    } else if cs.initial.is_active() {
        Some(c.start_ns) // mid-stream: active from the first packet seen
    } else {
        None
    };

    // Active: until the client's socket enters TIME-WAIT or CLOSED.
    let Some(active_start) = active_start else {
        return time_wait_cut;
    };
    let active_end = cs
        .transitions
        .iter()
        .find(|t| t.ts_ns >= active_start && t.to.is_over())
        .map(|t| t.ts_ns);
    let end_unseen = active_end.is_none() && c.end_unobservable();
    push(
        c.client,
        c.server,
        Phase::Active,
        active_start,
        if end_unseen {
            Some(c.end_ns)
        } else {
            active_end
        },
        false,
        end_unseen,
    );

    // TimeWait: for each endpoint that entered it (the active closer; both in a simultaneous
    // close), for 2×MSL of the profile or until it left TIME-WAIT (a RST).
    for (side, host, remote, server_side) in [
        (cs, c.client, c.server, false),
        (&c.server_side, c.server, c.client, true),
    ] {
        let Some(tw) = side.entered(TcpState::TimeWait) else {
            continue;
        };
        let left = side
            .transitions
            .iter()
            .find(|t| t.from == TcpState::TimeWait)
            .map(|t| t.ts_ns);
        let time_wait_ns = if server_side {
            profiles.of(host.ip).time_wait_ns
        } else {
            profile.time_wait_ns
        };
        let natural = left.unwrap_or(tw.ts_ns.saturating_add(time_wait_ns));
        push(
            host,
            remote,
            Phase::TimeWait,
            tw.ts_ns,
            Some(natural),
            server_side,
            false,
        );
    }
    time_wait_cut
}

type RowKey = (IpAddr, u16, bool);

/// How spans group into rows (sorted by first use): worked out from the spans without moving
/// them, so it can run beside the occupancy count.
struct RowPlan {
    /// The rows in display order, their lanes not yet given (that needs the spans in place).
    rows: Vec<PortRow>,
    /// Each span's index in the final order.
    dest: Vec<u32>,
}

impl RowPlan {
    fn new(spans: &[PortSpan]) -> RowPlan {
        // Each span's row (a connection's spans come together and share one), and each row's
        // key and first use. A connection has about three spans and a row at least one
        // connection: room for a row per four spans spares the table most of its growing, each
        // step of which moved every key (12 ms of pairs-1m's report, for about 1 MB more at
        // the peak).
        let mut ids = ids::Ids::<RowKey>::with_capacity(spans.len() / 4);
        let mut firsts: Vec<i64> = Vec::new();
        let mut dest: Vec<u32> = Vec::with_capacity(spans.len());
        for s in spans {
            let id = ids.of((s.host, s.port, s.server_side));
            match firsts.get_mut(id as usize) {
                Some(first) => *first = (*first).min(s.start_ns),
                None => firsts.push(s.start_ns),
            }
            dest.push(id);
        }
        let keys: Vec<(i64, RowKey)> = firsts.into_iter().zip(ids.into_keys()).collect();
        // Rows in order of first use; a counting sort then gives every span its place in its
        // row's bucket (the rows are small, so each is sorted on its own later — far cheaper
        // than one sort of all spans by a wide key).
        let mut order: Vec<u32> = (0..keys.len() as u32).collect();
        order.sort_unstable_by_key(|&r| keys[r as usize]);
        let mut rank = vec![0u32; keys.len()];
        for (i, &r) in order.iter().enumerate() {
            rank[r as usize] = i as u32;
        }
        let start = ids::bucket_starts(keys.len(), dest.iter().map(|&r| rank[r as usize]), 1);
        let mut next = start.clone();
        for r in dest.iter_mut() {
            let b = &mut next[rank[*r as usize] as usize];
            *r = *b as u32;
            *b += 1;
        }
        drop((next, rank));
        // The rows now, so that the keys are gone before the spans move (the derivation's
        // largest moment: the pool count runs beside it).
        let rows = order
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let (first_use_ns, (host, port, server_side)) = keys[r as usize];
                PortRow {
                    host,
                    port,
                    server_side,
                    first_use_ns,
                    lanes: 0,
                    span_start: start[i] as u32,
                    span_end: start[i + 1] as u32,
                    uses: 0,
                }
            })
            .collect();
        RowPlan { rows, dest }
    }
}

/// Put the spans in row order (in place, `layout` giving each its index), sort each row by time
/// and give overlapping connections their own lanes.
fn lay_out(
    mut rows: Vec<PortRow>,
    mut spans: Vec<PortSpan>,
    layout: &[u32],
) -> (Vec<PortRow>, Vec<PortSpan>) {
    permute(&mut spans, layout);
    let mut lanes = Lanes::default();
    for r in &mut rows {
        let row = &mut spans[r.span_start as usize..r.span_end as usize];
        row.sort_unstable_by_key(|s| (s.start_ns, s.udp, s.conn, s.phase));
        (r.lanes, r.uses) = lanes.assign(row);
    }
    (rows, spans)
}

/// Greedy interval colouring per connection: a connection's spans share one lane; a connection
/// that starts before every lane is free takes a new lane. Scratch space is kept between rows
/// (a capture has tens of thousands of rows; allocating per row was most of the cost).
#[derive(Default)]
struct Lanes {
    /// Each use (connection or flow) of the row: (udp, id, start, end), in order of first span.
    uses: Vec<(bool, u32, i64, i64)>,
    /// The use of each span of the row.
    use_of: Vec<u32>,
    /// Use index by (udp, id), kept only once a row has more uses than a short search covers.
    index: HashMap<(bool, u32), u32>,
    /// Min-heap of (free from, lane).
    free: BinaryHeap<Reverse<(i64, u16)>>,
    lane_of: Vec<u16>,
}

/// Uses searched from the newest back before the index is consulted.
const RECENT_USES: usize = 8;

impl Lanes {
    /// Give the spans of one row (sorted by start) their lanes. Returns (lanes, uses).
    fn assign(&mut self, row: &mut [PortSpan]) -> (u16, u32) {
        // The common row: one connection's spans (a port used once).
        if let Some(first) = row.first() {
            let one = (first.udp, first.conn);
            if row.iter().all(|s| (s.udp, s.conn) == one) {
                row.iter_mut().for_each(|s| s.lane = 0);
                return (1, 1);
            }
        }
        let Lanes {
            uses,
            use_of,
            index,
            free,
            lane_of,
        } = self;
        uses.clear();
        use_of.clear();
        index.clear();
        free.clear();
        lane_of.clear();
        for s in row.iter() {
            let key = (s.udp, s.conn);
            // A connection's spans follow each other closely: look at the newest uses first.
            let recent = uses
                .iter()
                .rev()
                .take(RECENT_USES)
                .position(|u| (u.0, u.1) == key)
                .map(|p| (uses.len() - 1 - p) as u32);
            let found = recent.or_else(|| index.get(&key).copied());
            let k = match found {
                Some(k) => k,
                None => {
                    uses.push((s.udp, s.conn, s.start_ns, s.end_ns));
                    let k = uses.len() as u32 - 1;
                    if uses.len() == RECENT_USES + 1 {
                        // From now on the short search no longer sees every use.
                        index.extend(uses.iter().enumerate().map(|(i, u)| ((u.0, u.1), i as u32)));
                    } else if uses.len() > RECENT_USES {
                        index.insert(key, k);
                    }
                    k
                }
            };
            let u = &mut uses[k as usize];
            u.3 = u.3.max(s.end_ns);
            use_of.push(k);
        }
        let mut lanes: u16 = 0;
        for &(_, _, start, end) in uses.iter() {
            let lane = match free.peek() {
                Some(Reverse((at, l))) if *at <= start => {
                    let l = *l;
                    free.pop();
                    l
                }
                _ => {
                    lanes = lanes.saturating_add(1);
                    lanes - 1
                }
            };
            free.push(Reverse((end, lane)));
            lane_of.push(lane);
        }
        for (s, &k) in row.iter_mut().zip(use_of.iter()) {
            s.lane = lane_of[k as usize];
        }
        (lanes.max(1), uses.len() as u32)
    }
}

#[cfg(test)]
mod tests;
