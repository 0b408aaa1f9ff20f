//! The timeline's view-model: turns the capture model (connections and their TCP-state
//! transitions) into what the timeline draws — host groups, (host, port) rows, lanes and phase
//! spans — plus the numbers the status bar shows and the selected connection's details. Panels
//! read only this module's types; they never touch the tracker, so the core can change without
//! the drawing code changing.
//!
//! Times here are `f64` seconds relative to the capture's first connection (`t0_ns`; the first
//! UDP exchange in a capture without TCP), which is what the x axis needs; absolute times are
//! `t0_ns + s·1e9`.

use std::collections::HashMap;
use std::net::IpAddr;

use portlife::i18n::Lang;
use portlife::ports::{self, Basis, EndState, OsProfile, Phase, PortModel};
use portlife::report::summary::outcome_text;
use portlife::tcp::{Connection, Outcome, Role, UdpFlow};

use crate::app::derived::{CaptureModel, OutcomeGroup};
use portlife::tr;

/// A phase's name in `lang`.
pub fn phase_text(p: Phase, lang: Lang) -> String {
    tr!(
        lang,
        match p {
            Phase::Available => "phase-available",
            Phase::Assigned => "phase-assigned",
            Phase::Active => "phase-active",
            Phase::TimeWait => "phase-time-wait",
        }
    )
}

/// One coloured bar: a connection holding a port in one phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Index into `CaptureModel::connections`, or into `CaptureModel::udp` when `udp`.
    pub conn: u32,
    /// A UDP flow (drawn Active while its datagrams go back and forth; UDP has no handshake
    /// and no TIME-WAIT), not a TCP connection.
    pub udp: bool,
    /// A TIME-WAIT cut short because a new SYN took the same 4-tuple (a shorter TIME-WAIT not
    /// cut so was ended by a RST).
    pub cut_by_reuse: bool,
    pub phase: Phase,
    pub start: f64,
    pub end: f64,
    /// Lane within the row (several destinations served by one port at once).
    pub lane: u16,
    /// The part after this time (seconds from t0) was not seen in the capture: it is derived
    /// from the profile (a TIME-WAIT running past the capture's end).
    pub derived_after: Option<f64>,
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
    /// Client ports in the group (0: the host is only a server holding TIME-WAIT sockets).
    pub clients: usize,
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
    /// Indexed like [`OutcomeGroup::ALL`].
    pub outcomes: [bool; 5],
    /// Substring of the connection's 4-tuple, outcome or any state name.
    pub search: String,
    /// Only these connection ids (sorted): the connections of the finding the user clicked.
    pub only: Option<Vec<u32>>,
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
            only: None,
        }
    }
}

impl Filters {
    /// A UDP flow passes the host, destination, port and search filters; the outcome groups
    /// and a finding's connection list are about TCP and leave UDP out only when a finding is
    /// focused.
    pub fn accepts_udp(&self, f: &UdpFlow) -> bool {
        if self.only.is_some() || !self.accepts_ends(f.client, f.server) {
            return false;
        }
        let needle = self.search.trim().to_lowercase();
        needle.is_empty()
            || format!("{} {} udp", f.client, f.server)
                .to_lowercase()
                .contains(&needle)
    }

    /// The client port range, the host and the destination filters, which TCP connections and
    /// UDP flows share.
    fn accepts_ends(
        &self,
        client: portlife::decode::Endpoint,
        server: portlife::decode::Endpoint,
    ) -> bool {
        (self.port_min..=self.port_max).contains(&client.port)
            && (self.host.is_empty() || client.ip.to_string().contains(self.host.trim()))
            && (self.destination.is_empty() || server.to_string().contains(self.destination.trim()))
    }

    pub fn accepts(&self, c: &Connection) -> bool {
        if let Some(only) = &self.only {
            if only.binary_search(&c.id).is_err() {
                return false;
            }
        }
        let group = OutcomeGroup::of(c.outcome);
        let oi = OutcomeGroup::ALL
            .iter()
            .position(|o| *o == group)
            .unwrap_or(0);
        if !self.outcomes[oi] || !self.accepts_ends(c.client, c.server) {
            return false;
        }
        if !self.search.is_empty() {
            let needle = self.search.trim().to_lowercase();
            let hay = format!(
                "{} {} {} {} {} {}",
                c.client,
                c.server,
                group.name(),
                c.outcome.describe(),
                c.history,
                c.client_side
                    .transitions
                    .iter()
                    .chain(&c.server_side.transitions)
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
    /// The last packet of the capture (seconds from t0).
    pub capture_end: f64,
    pub groups: Vec<HostGroup>,
    pub rows: Vec<Row>,
    /// Connections that passed the filters.
    pub shown_connections: usize,
    /// UDP flows that passed them (drawn on their ports' rows, marked UDP).
    pub shown_udp: usize,
    /// The connection whose SYN came first (where the story of the capture starts).
    pub first_connection: Option<u32>,
    pub total_connections: usize,
    /// The profile actually used (Auto resolved) for every host without its own.
    pub profile: OsProfile,
    /// The hosts with a profile of their own, sorted by host.
    pub host_profiles: Vec<ports::HostProfile>,
    /// How the profile was chosen ("guessed …" for Auto).
    pub profile_note: portlife::ports::ProfileNote,
    pub peak: Peak,
    /// Stretches without a packet long enough to crush everything else on a linear axis (a
    /// capture spanning days with traffic in bursts), in time order: the timeline draws each
    /// squeezed to `break_len` and says how long it really was.
    pub breaks: Vec<AxisBreak>,
    /// The squeezed length (seconds of the drawn axis) of every break.
    pub break_len: f64,
}

/// An idle stretch of the time axis drawn squeezed (seconds from t0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisBreak {
    pub from: f64,
    pub to: f64,
}

/// A stretch is broken when no packet falls in it for at least this long …
const BREAK_MIN_S: f64 = 600.0;
/// … and for this many times the time that does hold traffic.
const BREAK_VS_ACTIVE: f64 = 4.0;
/// A break is drawn as this share of the time that holds traffic.
const BREAK_SHARE: f64 = 0.04;

/// The idle stretches of `intervals` (seconds, any order) worth breaking the axis for, and the
/// squeezed length to draw each with.
pub fn axis_breaks(mut intervals: Vec<(f64, f64)>) -> (Vec<AxisBreak>, f64) {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in intervals {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b.max(a))),
        }
    }
    let active: f64 = merged.iter().map(|(a, b)| b - a).sum();
    let min_gap = BREAK_MIN_S.max(BREAK_VS_ACTIVE * active);
    let breaks = merged
        .windows(2)
        .filter(|w| w[1].0 - w[0].1 >= min_gap)
        .map(|w| AxisBreak {
            from: w[0].1,
            to: w[1].0,
        })
        .collect();
    (breaks, (active * BREAK_SHARE).max(1e-3))
}

/// Build the timeline from the capture's port model under the chosen profile (derived once per
/// profile, `CaptureModel::derive_after_with`): keep the spans of the connections the filters accept,
/// and group rows by host. Cheap enough to run on every filter change.
pub fn build(capture: &CaptureModel, model: &PortModel, filters: &Filters) -> Timeline {
    let conns = &capture.connections;
    let accepted: Vec<bool> = conns.iter().map(|c| filters.accepts(c)).collect();
    let accepted_udp: Vec<bool> = capture.udp.iter().map(|f| filters.accepts_udp(f)).collect();
    let accepts = |s: &ports::PortSpan| {
        let list = if s.udp { &accepted_udp } else { &accepted };
        list.get(s.conn as usize).copied().unwrap_or(false)
    };
    // The first connection's SYN (the axis says "time since first SYN"); in a capture of UDP
    // alone, the first exchange (the pools count UDP ports, so the status bar's peak is there).
    let t0_ns = conns
        .iter()
        .map(|c| c.start_ns)
        .min()
        .or_else(|| capture.udp.iter().map(|f| f.start_ns).min())
        .unwrap_or(0);
    let secs = |ns: i64| (ns - t0_ns) as f64 / 1e9;
    let mut rows: Vec<Row> = Vec::with_capacity(model.rows.len());
    let mut extent = (f64::INFINITY, f64::NEG_INFINITY);
    for pr in &model.rows {
        let src = model.row_spans(pr);
        let tw_ns = model.profile_of(pr.host).time_wait_ns;
        // Sized for the whole row up front: growing from empty was most of a rebuild's time.
        let mut spans: Vec<Span> = Vec::with_capacity(src.len());
        spans.extend(src.iter().filter(|s| accepts(s)).filter_map(|s| {
            let phase = Some(s.phase).filter(|p| *p != Phase::Available)?;
            // A TIME-WAIT still running when the capture ended lasts its full 2×MSL: the
            // profile says when it ends even though no packet does. Draw it whole (marked as
            // derived) so the profile's TIME-WAIT length is visible.
            let full_tw = phase == Phase::TimeWait && s.truncated_by_capture_end && !s.cut_by_reuse;
            let end_ns = if full_tw {
                s.start_ns + tw_ns
            } else {
                s.end_ns.max(s.start_ns)
            };
            Some(Span {
                conn: s.conn,
                udp: s.udp,
                cut_by_reuse: s.cut_by_reuse,
                phase,
                start: secs(s.start_ns),
                end: secs(end_ns),
                lane: s.lane,
                // The span runs past the capture's end (projected from the profile); fade
                // what was not seen.
                derived_after: full_tw.then(|| secs(capture.capture_end_ns.max(s.start_ns))),
            })
        }));
        if spans.is_empty() {
            continue;
        }
        for s in &spans {
            extent.0 = extent.0.min(s.start);
            extent.1 = extent.1.max(s.end);
        }
        // UDP and TCP port numbers are separate spaces: a row holding UDP says so.
        let endpoint = portlife::decode::Endpoint::new(pr.host, pr.port);
        let label = match (spans.iter().any(|s| s.udp), spans.iter().all(|s| s.udp)) {
            (false, _) => endpoint.to_string(),
            (true, true) => format!("{endpoint} UDP"),
            (true, false) => format!("{endpoint} TCP+UDP"),
        };
        rows.push(Row {
            host: pr.host,
            port: pr.port,
            label,
            server_side: pr.server_side,
            first_use: spans[0].start,
            lanes: pr.lanes.max(1),
            spans,
        });
    }
    if !extent.0.is_finite() {
        extent = (0.0, 1.0);
    }
    // Where traffic is: every drawn span, an idle connection's Active phase split around its
    // longest silence (beyond the keep-alive time no packet crossed it).
    let mut busy: Vec<(f64, f64)> = Vec::new();
    for r in &rows {
        for s in &r.spans {
            let idle = (!s.udp && s.phase == Phase::Active)
                .then(|| conns.get(s.conn as usize))
                .flatten()
                .filter(|c| c.idle_beyond_keepalive)
                .map(|c| {
                    let from = secs(c.longest_idle_from_ns);
                    (from, from + c.longest_idle_ns as f64 / 1e9)
                })
                .filter(|(a, b)| s.start <= *a && *b <= s.end);
            match idle {
                Some((a, b)) => busy.extend([(s.start, a), (b, s.end)]),
                None => busy.push((s.start, s.end)),
            }
        }
    }
    let (breaks, break_len) = axis_breaks(busy);
    let groups = group_rows(&rows);
    let peak = model
        .hosts
        .iter()
        .max_by(|a, b| a.peak.occupancy_pct.total_cmp(&b.peak.occupancy_pct))
        .map(|h| Peak {
            host: Some(h.host),
            ports: h.peak.held() as usize,
            at: secs(h.peak.ts_ns),
            percent: h.peak.occupancy_pct,
        })
        .unwrap_or_default();
    Timeline {
        t0_ns,
        extent,
        capture_end: secs(capture.capture_end_ns),
        groups,
        rows,
        shown_connections: accepted.iter().filter(|a| **a).count(),
        shown_udp: accepted_udp.iter().filter(|a| **a).count(),
        first_connection: conns
            .iter()
            .min_by_key(|c| (c.start_ns, c.id))
            .map(|c| c.id),
        total_connections: conns.len(),
        profile: model.profile.clone(),
        host_profiles: model.host_profiles.clone(),
        profile_note: model.profile_note.clone(),
        peak,
        breaks,
        break_len,
    }
}

impl Timeline {
    /// The profile `host`'s ports are drawn under.
    pub fn profile_of(&self, host: IpAddr) -> &OsProfile {
        ports::ProfileOf {
            default: &self.profile,
            hosts: &self.host_profiles,
        }
        .of(host)
    }

    /// The TIME-WAIT lengths drawn, in seconds, shortest first (one unless hosts differ).
    pub fn time_wait_lengths_s(&self) -> Vec<f64> {
        let mut v: Vec<i64> = std::iter::once(&self.profile)
            .chain(self.host_profiles.iter().map(|h| &h.profile))
            .map(|p| p.time_wait_ns)
            .collect();
        v.sort_unstable();
        v.dedup();
        v.into_iter().map(|ns| ns as f64 / 1e9).collect()
    }
}

/// The profiles in force before a profile switch, kept so the timeline can outline where each
/// TIME-WAIT would have ended under them: the lesson of a switch is the difference, and with
/// only the new bars on screen, Linux and Windows look alike after a refit.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileGhost {
    /// The previous default profile's name for people ("Linux (modern)").
    pub label: String,
    pub default: OsProfile,
    pub hosts: Vec<ports::HostProfile>,
}

impl ProfileGhost {
    /// The profiles `tl` was drawn under.
    pub fn of(tl: &Timeline) -> ProfileGhost {
        ProfileGhost {
            label: tl.profile.label.clone(),
            default: tl.profile.clone(),
            hosts: tl.host_profiles.clone(),
        }
    }

    fn time_wait_s(&self, host: IpAddr) -> f64 {
        let of = ports::ProfileOf {
            default: &self.default,
            hosts: &self.hosts,
        };
        of.of(host).time_wait_ns as f64 / 1e9
    }

    /// Where span `s` of `row` would have ended under the ghost's profile: for a TIME-WAIT
    /// that runs its full 2×MSL now (one cut short by a new SYN or a RST would end the same
    /// way under any profile) and whose length differs there.
    pub fn end_of(&self, tl: &Timeline, row: &Row, s: &Span) -> Option<f64> {
        if s.phase != Phase::TimeWait || s.cut_by_reuse {
            return None;
        }
        let now = tl.profile_of(row.host).time_wait_ns as f64 / 1e9;
        let then = self.time_wait_s(row.host);
        let full = ((s.end - s.start) - now).abs() < 1e-6;
        (full && (then - now).abs() > 1e-6).then_some(s.start + then)
    }

    /// The latest ghost end in `tl` (for a fit that shows both).
    pub fn extent_end(&self, tl: &Timeline) -> Option<f64> {
        tl.rows
            .iter()
            .flat_map(|r| r.spans.iter().filter_map(move |s| self.end_of(tl, r, s)))
            .reduce(f64::max)
    }
}

/// Group rows by host; rows by first use, hosts by their first row.
fn group_rows(rows: &[Row]) -> Vec<HostGroup> {
    let mut by_host: HashMap<IpAddr, Vec<u32>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        by_host.entry(r.host).or_default().push(i as u32);
    }
    let mut groups: Vec<HostGroup> = by_host
        .into_iter()
        .map(|(host, mut idx)| {
            idx.sort_by(|a, b| {
                let (ra, rb) = (&rows[*a as usize], &rows[*b as usize]);
                ra.first_use
                    .total_cmp(&rb.first_use)
                    .then(ra.port.cmp(&rb.port))
            });
            let clients = idx
                .iter()
                .filter(|i| !rows[**i as usize].server_side)
                .count();
            HostGroup {
                host,
                clients,
                rows: idx,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        let fa = rows[a.rows[0] as usize].first_use;
        let fb = rows[b.rows[0] as usize].first_use;
        fa.total_cmp(&fb).then(a.host.cmp(&b.host))
    });
    groups
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
                        // A span is of a held phase; Available is the gap between them.
                        Phase::Available => {}
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
            for s in r.spans.iter().filter(|s| s.conn == conn && !s.udp) {
                ext = Some(match ext {
                    Some((a, b)) => (a.min(s.start), b.max(s.end)),
                    None => (s.start, s.end),
                });
            }
        }
        ext
    }

    /// Time `t` (seconds from t0) on the drawn axis, where every break lasts `break_len`.
    pub fn squeeze(&self, t: f64) -> f64 {
        let mut cut = 0.0;
        for b in &self.breaks {
            if t <= b.from {
                break;
            }
            let len = b.to - b.from;
            if t < b.to {
                return t - cut - (t - b.from) + (t - b.from) / len * self.break_len;
            }
            cut += len - self.break_len;
        }
        t - cut
    }

    /// The inverse of [`Timeline::squeeze`].
    pub fn unsqueeze(&self, d: f64) -> f64 {
        let mut cut = 0.0;
        for b in &self.breaks {
            let from = b.from - cut;
            if d <= from {
                break;
            }
            if d < from + self.break_len {
                return b.from + (d - from) / self.break_len * (b.to - b.from);
            }
            cut += b.to - b.from - self.break_len;
        }
        d + cut
    }

    /// The break `t` falls in, if any.
    pub fn break_at(&self, t: f64) -> Option<AxisBreak> {
        self.breaks.iter().copied().find(|b| b.from < t && t < b.to)
    }

    /// Nanosecond timestamp of `s` seconds from t0.
    pub fn abs_ns(&self, s: f64) -> i64 {
        self.t0_ns + (s * 1e9) as i64
    }
}

impl HostGroup {
    /// The group's header in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if self.clients > 0 {
            tr!(
                lang,
                "timeline-group-client",
                host = self.host,
                count = self.clients
            )
        } else {
            tr!(lang, "timeline-group-server", host = self.host)
        }
    }
}

/// Human-readable duration: `850 ms`, `12.3 s`, `2 min 5 s`, `3 h 20 min`, `12 d 4 h`.
pub fn fmt_duration(s: f64) -> String {
    const H: f64 = 3600.0;
    const D: f64 = 86400.0;
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 120.0 {
        let r = (s * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            format!("{r:.0} s")
        } else {
            format!("{r:.1} s")
        }
    } else if s < 2.0 * H {
        format!("{} min {:.0} s", (s / 60.0).floor(), (s % 60.0).floor())
    } else if s < 2.0 * D {
        format!("{} h {} min", (s / H).floor(), ((s % H) / 60.0).floor())
    } else {
        format!("{} d {} h", (s / D).floor(), ((s % D) / H).floor())
    }
}

/// What a span means, in one sentence a student can read.
pub fn explain(span: &Span, row: &Row, c: &Connection, profile: &OsProfile, lang: Lang) -> String {
    let port = row.port;
    let dur = fmt_duration(span.end - span.start);
    let srv = c.server;
    match (span.phase, row.server_side) {
        // Spans are of held phases only: nothing to explain in a gap.
        (Phase::Available, _) => String::new(),
        (Phase::TimeWait, true) => tr!(
            lang,
            "hover-server-time-wait",
            port = port,
            duration = dur,
            client_port = c.client.port
        ),
        (Phase::TimeWait, false) => {
            let tw = profile.time_wait_ns as f64 / 1e9;
            let full = fmt_duration(tw);
            if span.end - span.start + 1e-6 < tw && span.cut_by_reuse {
                tr!(
                    lang,
                    "hover-time-wait-cut-by-reuse",
                    port = port,
                    waited = dur,
                    full = full
                )
            } else if span.end - span.start + 1e-6 < tw {
                tr!(
                    lang,
                    "hover-time-wait-ended-by-rst",
                    port = port,
                    waited = dur,
                    full = full
                )
            } else {
                let past = if span.derived_after.is_some() {
                    tr!(lang, "hover-time-wait-past-capture")
                } else {
                    String::new()
                };
                tr!(lang, "hover-time-wait", port = port, duration = dur) + &past
            }
        }
        (Phase::Assigned, _) => match c.outcome {
            Outcome::Unreachable => tr!(lang, "hover-assigned-icmp", port = port, server = srv),
            Outcome::Refused => tr!(lang, "hover-assigned-refused", port = port, server = srv),
            Outcome::Unanswered => tr!(lang, "hover-assigned-unanswered", port = port),
            _ => tr!(
                lang,
                "hover-assigned",
                port = port,
                duration = dur,
                server = srv
            ),
        },
        (Phase::Active, _) => match c.outcome {
            Outcome::ResetByClient | Outcome::ResetByServer => tr!(
                lang,
                "hover-active-reset",
                port = port,
                server = srv,
                duration = dur
            ),
            _ if c.direction_missing.is_some() => tr!(
                lang,
                "hover-active-one-direction",
                port = port,
                server = srv
            ),
            Outcome::OpenAtEnd | Outcome::MidStream => {
                tr!(lang, "hover-active-open-at-end", port = port, server = srv)
            }
            _ if c.closed_first == Some(Role::Server) => tr!(
                lang,
                "hover-active-server-closed",
                port = port,
                server = srv,
                duration = dur
            ),
            _ => tr!(
                lang,
                "hover-active",
                port = port,
                server = srv,
                duration = dur
            ),
        },
    }
}

/// One line of the details panel's transition list.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionRow {
    /// Seconds from t0, formatted.
    pub time: String,
    /// `role-client` or `role-server`: the message that names the end.
    pub side: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// Wireshark frame number (1-based) of the packet that caused it (or, when `inferred`,
    /// of the peer's packet that proves it).
    pub frame: u64,
    /// Not seen: deduced from the other end's packets (that direction is not captured).
    pub inferred: bool,
}

/// What the details panel shows about the selected connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnDetails {
    pub title: String,
    pub facts: Vec<(&'static str, String)>,
    pub transitions: Vec<TransitionRow>,
}

/// Describe connection `idx` for the details panel.
/// Fact names are the ids of the messages that name them (the panel words them); values are
/// written in `lang`.
pub fn details(capture: &CaptureModel, tl: &Timeline, idx: u32, lang: Lang) -> Option<ConnDetails> {
    let c = capture.connections.get(idx as usize)?;
    let secs = |ns: i64| (ns - tl.t0_ns) as f64 / 1e9;
    let closer = match c.closed_first {
        Some(Role::Client) => tr!(lang, "details-closed-first-client"),
        Some(Role::Server) => tr!(lang, "details-closed-first-server"),
        None if c.direction_missing.is_some() => {
            tr!(lang, "details-closed-first-untold")
        }
        None => tr!(lang, "details-closed-first-nobody"),
    };
    let mut facts = vec![
        ("role-client", c.client.to_string()),
        ("role-server", c.server.to_string()),
        ("details-fact-generation", c.generation.to_string()),
        ("details-fact-outcome", outcome_text(lang, c.outcome)),
        ("details-fact-history", c.history.to_string()),
        ("details-fact-closed-first", closer),
        ("details-fact-packets", c.packets().to_string()),
        (
            "details-fact-seen",
            format!(
                "{:.3} s -> {:.3} s",
                secs(c.start_ns),
                secs(c.last_packet_ns)
            ),
        ),
    ];
    if c.roles_inferred && c.direction_missing.is_none() {
        facts.push(("details-fact-roles", tr!(lang, "details-roles-inferred")));
    }
    if let Some(missing) = c.direction_missing {
        let text = match missing {
            Role::Client => tr!(lang, "details-client-direction-missing"),
            Role::Server => tr!(lang, "details-server-direction-missing"),
        };
        facts.push(("details-fact-one-direction", text));
    }
    if c.reset_after_close {
        facts.push(("outcome-group-reset", tr!(lang, "details-rst-after-fins")));
    }
    if c.after_end_packets > 0 {
        facts.push((
            "details-fact-after-end",
            tr!(
                lang,
                "details-after-end-packets",
                count = c.after_end_packets
            ),
        ));
    }
    if c.duplicates_dropped > 0 {
        facts.push((
            "details-fact-duplicates",
            tr!(
                lang,
                "details-duplicates-dropped",
                count = c.duplicates_dropped
            ),
        ));
    }
    if c.idle_beyond_keepalive {
        let hours = c.longest_idle_ns as f64 / 3.6e12;
        facts.push((
            "details-fact-longest-silence",
            tr!(
                lang,
                "details-longest-silence",
                hours = format!("{hours:.1}"),
                from = format!("{:.3}", secs(c.longest_idle_from_ns))
            ),
        ));
    }
    if !c.encapsulation.is_empty() {
        // The protocol names are the same in every language.
        let names: Vec<&str> = c.encapsulation.iter().map(|e| e.long_name()).collect();
        facts.push(("details-fact-encapsulation", names.join(" / ")));
    }
    let mut transitions: Vec<(i64, TransitionRow)> = [
        ("role-client", &c.client_side),
        ("role-server", &c.server_side),
    ]
    .into_iter()
    .flat_map(|(side, s)| {
        s.transitions.iter().map(move |t| {
            (
                t.ts_ns,
                TransitionRow {
                    time: format!("{:.6}", secs(t.ts_ns)),
                    side,
                    from: t.from.name(),
                    to: t.to.name(),
                    frame: u64::from(t.packet_index) + 1,
                    inferred: t.inferred,
                },
            )
        })
    })
    .collect();
    transitions.sort_by_key(|(ts, t)| (*ts, t.frame, t.side));
    let transitions = transitions.into_iter().map(|(_, t)| t).collect();
    Some(ConnDetails {
        title: format!("{} -> {}", c.client, c.server),
        facts,
        transitions,
    })
}

/// An end's state as the views print it: the state's RFC name, and when no packet of the
/// capture put it there, what did (the profile's timer, the port's reuse) or that the capture
/// cannot tell.
pub fn end_state_text(e: EndState, lang: Lang) -> String {
    let name = e.state.name();
    match e.basis {
        Basis::Seen => name.to_string(),
        Basis::Timer => tr!(lang, "state-by-timer", state = name),
        Basis::Reused => tr!(lang, "state-port-reused", state = name),
        Basis::Unknown => tr!(lang, "state-last-seen", state = name),
    }
}

/// What the tooltip over a span says.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanInfo {
    /// `client:port → server:port`.
    pub tuple: String,
    pub phase: Phase,
    /// Both ends' TCP states at the hovered moment, client first (`None` for UDP, which has
    /// none).
    pub states: Option<(String, String)>,
    pub start: f64,
    pub end: f64,
    pub sentence: String,
}

/// Describe a span, with both ends' TCP states at time `at` (seconds from t0).
pub fn span_info(
    capture: &CaptureModel,
    ports: &PortModel,
    tl: &Timeline,
    row: &Row,
    span: &Span,
    at: f64,
    lang: Lang,
) -> Option<SpanInfo> {
    if span.udp {
        let f = capture.udp.get(span.conn as usize)?;
        return Some(SpanInfo {
            tuple: format!("{} -> {} UDP", f.client, f.server),
            phase: span.phase,
            states: None,
            start: span.start,
            end: span.end,
            sentence: tr!(
                lang,
                "hover-udp-exchange",
                port = row.port,
                server = f.server,
                sent = f.client_packets,
                received = f.server_packets
            ),
        });
    }
    let c = capture.connections.get(span.conn as usize)?;
    // Within the span: its states while it lasted, not those of the moment it ended (a refused
    // SYN's Assigned lasts a fraction of a millisecond and would otherwise read CLOSED).
    let within = if at >= span.end {
        span.start
    } else {
        at.max(span.start)
    };
    let (cs, ss) = ports.states_at(c, tl.abs_ns(within));
    Some(SpanInfo {
        tuple: format!("{} -> {}", c.client, c.server),
        phase: span.phase,
        states: Some((end_state_text(cs, lang), end_state_text(ss, lang))),
        start: span.start,
        end: span.end,
        sentence: explain(span, row, c, tl.profile_of(row.host), lang),
    })
}
