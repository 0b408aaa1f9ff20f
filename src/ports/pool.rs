//! The port pool map: every port of the profile's ephemeral range for one client host at one
//! instant, Available included — the view the timeline cannot give, since it shows only ports
//! that were used.
//!
//! [`pool_map`] is a pure function of the [`PortModel`]; it walks the host's rows (not every
//! span), so a 55 536-port FreeBSD range costs one small vector per call. A port's phase is the
//! busiest phase of the spans covering the instant (as [`PortModel::phase_at`]); the
//! Assigned/Active/TimeWait numbers the report prints (`PoolSeries` steps, one per connection) are
//! carried alongside in [`PoolMap::report`], since a port held towards several destinations at
//! once counts once per connection there.

use std::net::IpAddr;

use serde::Serialize;

use super::{OccupancyStep, Phase, PortModel, PortRow, PortSpan};
use crate::decode::Endpoint;

/// The connection (or UDP flow) holding a port at the map's instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Connection id, or UDP flow id when `udp`.
    pub conn: u32,
    pub udp: bool,
    /// The other end of the 4-tuple.
    pub remote: Endpoint,
    /// When the port entered its current phase (ns since the Unix epoch).
    pub phase_since_ns: i64,
    /// When this connection took the port (its first span on the port).
    pub held_since_ns: i64,
}

/// One port that is not Available at the map's instant, or one used outside the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PortState {
    pub port: u16,
    pub phase: Phase,
    /// `None` when Available.
    pub holder: Option<Holder>,
}

/// Ports of the range in each phase (one port, one phase): sums to the range size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PhaseTally {
    pub available: u32,
    pub assigned: u32,
    pub active: u32,
    pub time_wait: u32,
}

impl PhaseTally {
    pub fn total(&self) -> u32 {
        self.available + self.assigned + self.active + self.time_wait
    }
    fn add(&mut self, p: Phase) {
        match p {
            Phase::Available => self.available += 1,
            Phase::Assigned => self.assigned += 1,
            Phase::Active => self.active += 1,
            Phase::TimeWait => self.time_wait += 1,
        }
    }
}

/// The pool of one client host (optionally towards one destination) at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolMap {
    pub host: IpAddr,
    pub destination: Option<Endpoint>,
    pub at_ns: i64,
    /// The profile's range, inclusive.
    pub port_lo: u16,
    pub port_hi: u16,
    /// Phase of every port of the range: `phases[i]` is port `port_lo + i`.
    pub phases: Vec<Phase>,
    /// The ports of the range that are held, by port (for hover and click).
    pub held: Vec<PortState>,
    /// Ports of the range per phase.
    pub tally: PhaseTally,
    /// The report's counts at `at_ns` (the host's or destination's `PoolSeries` step): what
    /// `portlife report` and the occupancy thresholds use; `occupancy_pct` is relative to the
    /// range size.
    pub report: OccupancyStep,
    /// Client ports the host used outside the range at any time in the capture, with their
    /// phase at `at_ns`, by port: a non-empty list says the profile does not fit this client.
    pub outside: Vec<PortState>,
}

impl PoolMap {
    /// Number of ports in the range (= cells of the grid).
    pub fn range_size(&self) -> u32 {
        self.phases.len() as u32
    }

    /// Phase of `port` (Available outside the range).
    pub fn phase(&self, port: u16) -> Phase {
        if port < self.port_lo || port > self.port_hi {
            return Phase::Available;
        }
        self.phases[(port - self.port_lo) as usize]
    }

    /// The state of `port`, in or outside the range (Available with no holder when free).
    pub fn state(&self, port: u16) -> PortState {
        let find = |v: &[PortState]| v.binary_search_by_key(&port, |s| s.port).ok().map(|i| v[i]);
        find(&self.held)
            .or_else(|| find(&self.outside))
            .unwrap_or(PortState {
                port,
                phase: Phase::Available,
                holder: None,
            })
    }

    /// Ports of the range held at `at_ns` as a percentage of the range.
    pub fn held_pct(&self) -> f64 {
        let held = self.range_size() - self.tally.available;
        held as f64 * 100.0 / self.range_size().max(1) as f64
    }
}

/// The pool map of `host` (its client ports; towards `destination` only when given) at `at_ns`,
/// over the range of that host's profile.
pub fn pool_map(
    model: &PortModel,
    host: IpAddr,
    destination: Option<Endpoint>,
    at_ns: i64,
) -> PoolMap {
    let profile = model.profile_of(host);
    let (lo, hi) = (profile.port_lo, profile.port_hi);
    let size = profile.range_size() as usize;
    let mut phases = vec![Phase::Available; size];
    let mut held = Vec::new();
    let mut outside = Vec::new();
    for row in client_rows(model, host) {
        let spans: Vec<&PortSpan> = model
            .row_spans(row)
            .iter()
            .filter(|s| destination.is_none_or(|d| s.remote == d))
            .collect();
        if spans.is_empty() {
            continue;
        }
        let state = state_at(row.port, &spans, at_ns);
        if (lo..=hi).contains(&row.port) {
            if state.phase != Phase::Available {
                phases[(row.port - lo) as usize] = state.phase;
                held.push(state);
            }
        } else {
            outside.push(state);
        }
    }
    held.sort_by_key(|s| s.port);
    outside.sort_by_key(|s| s.port);
    let mut tally = PhaseTally::default();
    for p in &phases {
        tally.add(*p);
    }
    let series = model
        .hosts
        .iter()
        .chain(&model.destinations)
        .find(|s| s.host == host && s.destination == destination);
    let report = series.map(|s| s.at(at_ns)).unwrap_or(OccupancyStep {
        ts_ns: at_ns,
        ..Default::default()
    });
    PoolMap {
        host,
        destination,
        at_ns,
        port_lo: lo,
        port_hi: hi,
        phases,
        held,
        tally,
        report,
        outside,
    }
}

/// The rows holding `host`'s client ports (not its server-side TIME-WAIT sockets).
fn client_rows(model: &PortModel, host: IpAddr) -> impl Iterator<Item = &PortRow> {
    model
        .rows
        .iter()
        .filter(move |r| r.host == host && !r.server_side)
}

/// The state of one port from its spans (sorted by start): the busiest phase covering `at`, the
/// latest-started on a tie.
fn state_at(port: u16, spans: &[&PortSpan], at: i64) -> PortState {
    let covering = spans
        .iter()
        .take_while(|s| s.start_ns <= at)
        .filter(|s| at < s.end_ns)
        .max_by_key(|s| (s.phase, s.start_ns));
    let Some(s) = covering else {
        return PortState {
            port,
            phase: Phase::Available,
            holder: None,
        };
    };
    let held_since_ns = spans
        .iter()
        .filter(|o| o.conn == s.conn && o.udp == s.udp)
        .map(|o| o.start_ns)
        .min()
        .unwrap_or(s.start_ns);
    PortState {
        port,
        phase: s.phase,
        holder: Some(Holder {
            conn: s.conn,
            udp: s.udp,
            remote: s.remote,
            phase_since_ns: s.start_ns,
            held_since_ns,
        }),
    }
}

/// Columns of the pool grid for a range of `n` ports: a round number giving a grid about 2.5
/// times wider than tall or more, so port = row start + column is easy to read (200 ports:
/// 25 × 8; 16 384: 256 × 64; 28 232: 400 × 71; 55 536: 400 × 139).
pub fn grid_columns(n: usize) -> usize {
    let want = ((n as f64) * 2.5).sqrt();
    [10, 20, 25, 50, 100, 128, 200, 256, 400, 512]
        .into_iter()
        .find(|c| *c as f64 >= want)
        .unwrap_or(512)
        .min(n.max(1))
}

/// A client host of the capture and how many connections (and UDP flows) it opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ClientHost {
    pub host: IpAddr,
    pub connections: u32,
}

/// The hosts that used client ports, most connections first (ties by address): the first is the
/// default host of the map.
pub fn client_hosts(model: &PortModel) -> Vec<ClientHost> {
    let mut by_host: std::collections::BTreeMap<IpAddr, u32> = Default::default();
    for r in model.rows.iter().filter(|r| !r.server_side) {
        *by_host.entry(r.host).or_default() += r.uses;
    }
    let mut v: Vec<ClientHost> = by_host
        .into_iter()
        .map(|(host, connections)| ClientHost { host, connections })
        .collect();
    v.sort_by_key(|h| (std::cmp::Reverse(h.connections), h.host));
    v
}

/// The destinations `host` reached from its client ports, as in the model's per-destination
/// series (sorted by address).
pub fn destinations_of(model: &PortModel, host: IpAddr) -> Vec<Endpoint> {
    let mut v: Vec<Endpoint> = model
        .destinations
        .iter()
        .filter(|s| s.host == host)
        .filter_map(|s| s.destination)
        .collect();
    v.sort_by_key(|e| (e.ip, e.port));
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::decode::Decoded;
    use crate::ports::{derive_under, OsProfile};
    use crate::tcp::testutil::{ep, seg};
    use crate::tcp::Tracker;

    const S: i64 = 1_000_000_000;
    const MS: i64 = 1_000_000;
    const T0: i64 = 1_700_000_000 * S;

    /// One connection from 10.0.0.2:`port` to 10.0.0.`server`:443 opened at `at`: handshake,
    /// then the client closes after `life` (TIME-WAIT) or the SYN is refused.
    fn conn(port: u16, server: u8, at: i64, life: i64, refused: bool) -> Vec<(i64, Decoded)> {
        let (c, s) = (ep(2, port), ep(server, 443));
        if refused {
            return vec![
                (at, seg(c, s, "S", 100, 0, 0)),
                (at + MS, seg(s, c, "RA", 0, 101, 0)),
            ];
        }
        vec![
            (at, seg(c, s, "S", 100, 0, 0)),
            (at + MS, seg(s, c, "SA", 500, 101, 0)),
            (at + 2 * MS, seg(c, s, "A", 101, 501, 0)),
            (at + life, seg(c, s, "FA", 101, 501, 0)),
            (at + life + MS, seg(s, c, "FA", 501, 102, 0)),
            (at + life + 2 * MS, seg(c, s, "A", 102, 502, 0)),
        ]
    }

    fn model(conns: Vec<Vec<(i64, Decoded)>>, profile: &OsProfile) -> PortModel {
        let mut pkts: Vec<(i64, Decoded)> = conns.into_iter().flatten().collect();
        pkts.sort_by_key(|p| p.0);
        let mut t = Tracker::new();
        for (i, (ts, d)) in pkts.iter().enumerate() {
            t.push(i as u64, *ts, d);
        }
        let end = pkts.last().map(|p| p.0).unwrap_or(T0);
        t.finish(end);
        derive_under(t.connections(), profile, end)
    }

    fn client() -> IpAddr {
        ep(2, 0).ip
    }

    #[test]
    fn every_port_of_the_range_has_a_phase_and_free_ones_are_available() {
        let p = OsProfile::custom(40000, 40009, 60);
        let m = model(
            vec![
                conn(40000, 5, T0, S, false),
                conn(40002, 5, T0 + 10 * MS, 10 * S, false),
                conn(40004, 5, T0 + 20 * MS, S, true),
            ],
            &p,
        );
        // At T0 + 2 s: 40000 in TIME-WAIT, 40002 Active, 40004 free again (refused).
        let map = pool_map(&m, client(), None, T0 + 2 * S);
        assert_eq!(map.range_size(), 10);
        assert_eq!(map.phase(40000), Phase::TimeWait);
        assert_eq!(map.phase(40002), Phase::Active);
        assert_eq!(map.phase(40004), Phase::Available);
        assert_eq!(
            map.tally,
            PhaseTally {
                available: 8,
                assigned: 0,
                active: 1,
                time_wait: 1
            }
        );
        assert_eq!(map.held.len(), 2);
        let h = map.state(40000).holder.expect("held");
        assert_eq!(h.conn, 0);
        assert_eq!(h.held_since_ns, T0);
        assert_eq!(h.phase_since_ns, T0 + S + 2 * MS);
        assert!(map.outside.is_empty());
        assert!((map.held_pct() - 20.0).abs() < 1e-9);
        assert_eq!(map.report.time_wait, 1);
        assert_eq!(map.report.active, 1);
    }

    #[test]
    fn ports_outside_the_range_are_listed_apart() {
        // A Windows-like client (49152+) read under the Linux profile: 61000+ is outside.
        let m = model(
            vec![
                conn(61500, 5, T0, S, false),
                conn(50000, 5, T0 + MS, S, false),
            ],
            &OsProfile::linux(),
        );
        let map = pool_map(&m, client(), None, T0 + 2 * S);
        assert_eq!(map.range_size(), 28232);
        assert_eq!(map.outside.len(), 1);
        assert_eq!(map.outside[0].port, 61500);
        assert_eq!(map.outside[0].phase, Phase::TimeWait);
        assert_eq!(map.tally.time_wait, 1);
        // Long after, the port is still listed (used), but Available.
        let later = pool_map(&m, client(), None, T0 + 600 * S);
        assert_eq!(later.outside[0].phase, Phase::Available);
        assert_eq!(later.tally.available, 28232);
    }

    #[test]
    fn a_destination_keeps_only_its_connections() {
        let p = OsProfile::custom(40000, 40003, 60);
        let m = model(
            vec![
                conn(40000, 5, T0, S, false),
                conn(40001, 6, T0 + MS, S, false),
            ],
            &p,
        );
        let d5 = ep(5, 443);
        assert_eq!(destinations_of(&m, client()), vec![d5, ep(6, 443)]);
        let map = pool_map(&m, client(), Some(d5), T0 + 2 * S);
        assert_eq!(map.phase(40000), Phase::TimeWait);
        assert_eq!(map.phase(40001), Phase::Available);
        assert_eq!(map.report.time_wait, 1);
        assert_eq!(client_hosts(&m)[0].connections, 2);
    }

    #[test]
    fn a_tally_totals_every_phase() {
        let t = PhaseTally {
            available: 10,
            assigned: 2,
            active: 3,
            time_wait: 1,
        };
        assert_eq!(t.total(), 16);
    }

    #[test]
    fn a_host_with_no_rows_has_an_empty_pool() {
        let m = model(vec![conn(40000, 5, T0, S, false)], &OsProfile::windows());
        let map = pool_map(&m, ep(9, 0).ip, None, T0);
        assert_eq!(map.tally.available, 16384);
        assert_eq!(map.report.held(), 0);
        assert_eq!(map.report.ts_ns, T0);
    }

    /// A port used twice: while the second connection holds it, it is held since that
    /// connection's SYN (not the first's); the instant a TIME-WAIT ends, the port is free.
    #[test]
    fn a_port_is_held_since_its_own_connections_syn_and_free_when_time_wait_ends() {
        let p = OsProfile::custom(40000, 40009, 2);
        let m = model(
            vec![
                conn(40000, 5, T0, S, false),
                conn(40000, 5, T0 + 10 * S, S, false),
            ],
            &p,
        );
        let held = pool_map(&m, client(), None, T0 + 10 * S + 500 * MS).state(40000);
        assert_eq!(held.phase, Phase::Active);
        assert_eq!(held.holder.map(|h| h.held_since_ns), Some(T0 + 10 * S));
        // The first connection's last ACK at T0 + 1 s + 2 ms, then the profile's 2 s of TIME-WAIT.
        let tw_end = T0 + S + 2 * MS + 2 * S;
        let map = |at| pool_map(&m, client(), None, at).phase(40000);
        assert_eq!(map(tw_end - 1), Phase::TimeWait);
        assert_eq!(map(tw_end), Phase::Available);
    }

    /// The grid's widths the doc names: about 2.5 times wider than tall, in round numbers.
    #[test]
    fn grid_columns_are_round_and_about_two_and_a_half_times_the_rows() {
        for (ports, columns) in [
            (200, 25),
            (16_384, 256),
            (28_232, 400),
            (55_536, 400),
            (3, 3),
        ] {
            assert_eq!(grid_columns(ports), columns, "{ports} ports");
        }
    }

    /// A host's map shows its own client ports: not another host's on the same port number, nor
    /// a port outside the range (Available there, as no cell is drawn for it).
    #[test]
    fn a_hosts_map_shows_only_its_own_ports() {
        let p = OsProfile::custom(40000, 40009, 60);
        let (other, s) = (ep(3, 40001), ep(5, 443));
        let others = vec![
            (T0, seg(other, s, "S", 100, 0, 0)),
            (T0 + MS, seg(s, other, "SA", 500, 101, 0)),
            (T0 + 2 * MS, seg(other, s, "A", 101, 501, 0)),
        ];
        let m = model(vec![conn(40000, 5, T0, 10 * S, false), others], &p);
        let map = pool_map(&m, client(), None, T0 + S);
        assert_eq!(map.phase(40000), Phase::Active);
        assert_eq!(map.phase(40001), Phase::Available);
        assert_eq!(map.tally.active, 1);
        assert_eq!(map.phase(39999), Phase::Available);
        assert_eq!(map.phase(40010), Phase::Available);
    }

    proptest! {
        /// The grid's counts sum to the range size, and match the report's occupancy steps at the
        /// same instant (one destination: a port never holds two connections at once).
        #[test]
        fn counts_sum_to_the_range_and_match_the_report(
            conns in prop::collection::vec(
                (40000u16..40020, 0i64..20_000, 5i64..3_000, prop::bool::weighted(0.2)),
                1..40,
            ),
            at_ms in 0i64..90_000,
            to_second in prop::bool::ANY,
        ) {
            let p = OsProfile::custom(40000, 40015, 30);
            let m = model(
                conns
                    .iter()
                    .map(|&(port, at, life, refused)| {
                        conn(port, 5, T0 + at * MS, life * MS, refused)
                    })
                    .collect(),
                &p,
            );
            let at = T0 + at_ms * MS;
            let map = pool_map(&m, client(), None, at);
            prop_assert_eq!(map.tally.total(), 16);
            prop_assert_eq!(map.phases.len(), 16);
            let outside = |ph: Phase| map.outside.iter().filter(|s| s.phase == ph).count() as u32;
            let step = m.hosts.iter().find(|h| h.host == client()).map(|h| h.at(at));
            let step = step.unwrap_or_default();
            prop_assert_eq!(map.tally.assigned + outside(Phase::Assigned), step.assigned);
            prop_assert_eq!(map.tally.active + outside(Phase::Active), step.active);
            prop_assert_eq!(map.tally.time_wait + outside(Phase::TimeWait), step.time_wait);
            prop_assert_eq!(map.report.held(), step.held());
            // Each cell agrees with the model's own per-port answer.
            for port in 40000..=40015u16 {
                prop_assert_eq!(map.phase(port), m.phase_at(client(), port, at));
            }
            if to_second {
                let d = pool_map(&m, client(), Some(ep(5, 443)), at);
                prop_assert_eq!(d.tally, map.tally);
            }
        }
    }
}
