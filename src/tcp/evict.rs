//! Bounded memory: when the connection table reaches its cap, old connection records are
//! summarised into [`Evictions`] counts instead of kept whole.
//!
//! Memory grows with connections, not packets — but a SYN flood or a week-long live capture
//! has millions of connections. Past [`Tracker::max_connections`](super::Tracker) the tracker
//! compacts its records down to three quarters of the cap, evicting in this order (oldest
//! first within each class):
//! 1. connections that **ended more than [`ENDED_HORIZON_NS`] ago** — longer than any OS
//!    profile's TIME-WAIT, so the port timeline of the recent past stays exact;
//! 2. **half-open attempts**: only SYNs from the client and nothing back (a SYN flood's or a
//!    port scan's records, which carry no lesson one by one);
//! 3. other ended connections;
//! 4. anything else, by last packet (only when the cap is still exceeded: every record is live).
//!
//! Connection ids are indexes, so they are renumbered; links to evicted generations become
//! `None`. The user is told through the `evicted` warning built from [`Evictions`].

use serde::Serialize;

use super::key::Table;
use super::live::SeqTrack;
use super::{Connection, TcpState};

/// Ended connections older than this (4 min: FreeBSD/Windows/macOS TIME-WAIT is at most
/// 2×120 s) are the first to be summarised.
pub const ENDED_HORIZON_NS: i64 = 240 * 1_000_000_000;

/// Default cap on connection records. A SYN flood at this cap peaks at ~0.8 GB for the whole
/// report (records, port model, findings; BENCHMARKS.md), about 1.5 KiB per connection.
pub const DEFAULT_MAX_CONNECTIONS: usize = 500_000;

/// What was summarised to keep the table under its cap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evictions {
    /// The cap in force (connection records).
    pub cap: usize,
    /// Connection records evicted in total.
    pub connections: u64,
    /// Of those: ended more than 4 min before the newest packet.
    pub ended_long_ago: u64,
    /// Of those: half-open attempts (client SYNs only, never answered).
    pub half_open: u64,
    /// Of those: other ended connections.
    pub ended_recently: u64,
    /// Of those: still open (the cap was reached with every record live).
    pub live: u64,
    /// Packets that belonged to the evicted records.
    pub packets: u64,
    /// Index of the packet at which the cap was first reached.
    pub first_at_packet: Option<u64>,
}

impl Evictions {
    /// The warning text for a user, or `None` when nothing was evicted.
    pub fn message(&self) -> Option<String> {
        (self.connections > 0).then(|| {
            format!(
                "more than {} connections: {} older connection records were summarised, not kept \
                 ({} ended over 4 min earlier, {} half-open SYN-only attempts, {} ended recently, \
                 {} still open; {} packets), first at packet {}; the timeline and counts cover \
                 the connections kept",
                self.cap,
                self.connections,
                self.ended_long_ago,
                self.half_open,
                self.ended_recently,
                self.live,
                self.packets,
                self.first_at_packet.map_or(0, |p| p + 1),
            )
        })
    }
}

/// Why a record may go, in eviction order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    EndedLongAgo,
    HalfOpen,
    EndedRecently,
    Live,
}

fn classify(c: &Connection, now_ns: i64) -> Class {
    if c.ended() && c.end_ns.max(c.last_packet_ns) < now_ns - ENDED_HORIZON_NS {
        Class::EndedLongAgo
    } else if c.server_side.packets == 0
        && c.client_side.bytes == 0
        && c.client_side.state == TcpState::SynSent
    {
        Class::HalfOpen
    } else if c.ended() {
        Class::EndedRecently
    } else {
        Class::Live
    }
}

/// Compact `conns` to at most `target` records, never evicting `keep` (the record the packet
/// being tracked belongs to); renumber ids and the table; count what went.
pub(super) fn compact(
    conns: &mut Vec<Connection>,
    seqs: &mut Vec<SeqTrack>,
    table: &mut Table,
    (target, keep): (usize, Option<u32>),
    now_ns: i64,
    ev: &mut Evictions,
) {
    let excess = conns.len().saturating_sub(target);
    if excess == 0 {
        return;
    }
    let mut order: Vec<(Class, i64, u32)> = conns
        .iter()
        .map(|c| match keep == Some(c.id) {
            true => (Class::Live, i64::MAX, c.id),
            false => (classify(c, now_ns), c.last_packet_ns, c.id),
        })
        .collect();
    order.sort_unstable();
    let mut evict = vec![false; conns.len()];
    for &(class, _, id) in &order[..excess] {
        evict[id as usize] = true;
        let c = &conns[id as usize];
        ev.connections += 1;
        ev.packets += c.packets();
        match class {
            Class::EndedLongAgo => ev.ended_long_ago += 1,
            Class::HalfOpen => ev.half_open += 1,
            Class::EndedRecently => ev.ended_recently += 1,
            Class::Live => ev.live += 1,
        }
    }
    let mut new_id: Vec<Option<u32>> = vec![None; conns.len()];
    let mut next = 0u32;
    for (old, gone) in evict.iter().enumerate() {
        if !gone {
            new_id[old] = Some(next);
            next += 1;
        }
    }
    let remap = |id: Option<u32>| id.and_then(|i| new_id.get(i as usize).copied().flatten());
    // In place: a second vector of records for every compaction was a fresh allocation (and a
    // page fault per 4 KiB of it) each quarter-cap connections.
    conns.retain_mut(|c| match new_id[c.id as usize] {
        Some(id) => {
            c.id = id;
            c.prev_generation = remap(c.prev_generation);
            c.next_generation = remap(c.next_generation);
            true
        }
        None => false,
    });
    let mut old = 0;
    seqs.retain(|_| {
        old += 1;
        new_id[old - 1].is_some()
    });
    table.retain(|id| match new_id[*id as usize] {
        Some(n) => {
            *id = n;
            true
        }
        None => false,
    });
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use crate::decode::Endpoint;
    use crate::tcp::testutil::{ep, seg};
    use crate::tcp::{Outcome, Tracker};

    const S: i64 = 1_000_000_000;
    const T0: i64 = 1_700_000_000 * S;

    /// A full client-closes-first connection from 10.0.0.2:`port` to 10.0.0.5:80 at `t`.
    fn normal(t: &mut Tracker, i: &mut u64, ts: i64, port: u16) {
        let (c, s) = (ep(2, port), ep(5, 80));
        for (k, d) in [
            seg(c, s, "S", 100, 0, 0),
            seg(s, c, "SA", 500, 101, 0),
            seg(c, s, "A", 101, 501, 0),
            seg(c, s, "FA", 101, 501, 0),
            seg(s, c, "FA", 501, 102, 0),
            seg(c, s, "A", 102, 502, 0),
        ]
        .into_iter()
        .enumerate()
        {
            t.push(*i, ts + k as i64 * 1_000_000, &d);
            *i += 1;
        }
    }

    /// One spoofed SYN from a distinct source per index (a SYN flood).
    fn flood_syn(n: u32) -> crate::decode::Decoded {
        let src = Endpoint::new(
            IpAddr::V4(Ipv4Addr::from(0x0a01_0000 + n / 60_000)),
            1024 + (n % 60_000) as u16,
        );
        seg(src, ep(5, 443), "S", n, 0, 0)
    }

    #[test]
    fn a_syn_flood_stays_under_the_cap_and_keeps_the_real_connections() {
        let cap = 10_000;
        let mut t = Tracker::with_max_connections(cap);
        let mut i = 0u64;
        normal(&mut t, &mut i, T0, 40_000);
        let flood = 200_000u32;
        for n in 0..flood {
            t.push(i, T0 + S + i64::from(n) * 10_000, &flood_syn(n));
            i += 1;
        }
        normal(&mut t, &mut i, T0 + 10 * S, 40_002);
        let conns = t.connections();
        assert!(conns.len() <= cap, "{} records", conns.len());
        let ev = t.evictions();
        assert_eq!(ev.connections as usize + conns.len(), flood as usize + 2);
        assert_eq!(
            ev.half_open, ev.connections,
            "only flood SYNs were evicted: {ev:?}"
        );
        assert_eq!(ev.packets, ev.connections);
        assert!(ev.message().unwrap().contains("half-open"));
        // Both real connections survive whole, and ids are still indexes.
        for (k, c) in conns.iter().enumerate() {
            assert_eq!(c.id as usize, k);
        }
        let real: Vec<_> = conns.iter().filter(|c| c.server.port == 80).collect();
        assert_eq!(real.len(), 2);
        assert!(real.iter().all(|c| c.outcome == Outcome::FinFin));
    }

    /// A server busy with long connections at the cap: the SYN that fills the table is the only
    /// half-open record, and its own SYN-ACK makes the room. The attempt keeps its SYN (its roles
    /// are seen, not guessed; Zeek's history starts with it) and open connections go instead.
    #[test]
    fn the_syn_that_fills_the_table_is_not_summarised_by_its_own_syn_ack() {
        let mut t = Tracker::with_max_connections(16);
        let mut i = 0u64;
        let s = ep(5, 80);
        for k in 0..15u16 {
            let c = ep(2, 43_000 + k);
            for d in [
                seg(c, s, "S", 100, 0, 0),
                seg(s, c, "SA", 500, 101, 0),
                seg(c, s, "A", 101, 501, 0),
            ] {
                t.push(i, T0 + i64::from(k) * S, &d);
                i += 1;
            }
        }
        let c = ep(2, 44_000);
        for (k, d) in [
            seg(c, s, "S", 100, 0, 0),
            seg(s, c, "SA", 500, 101, 0),
            seg(c, s, "A", 101, 501, 0),
            seg(c, s, "FA", 101, 501, 0),
            seg(s, c, "FA", 501, 102, 0),
            seg(c, s, "A", 102, 502, 0),
        ]
        .into_iter()
        .enumerate()
        {
            t.push(i, T0 + 20 * S + k as i64 * 1_000_000, &d);
            i += 1;
        }
        let ev = t.evictions();
        assert_eq!((ev.connections, ev.live, ev.half_open), (4, 4, 0), "{ev:?}");
        let last = t.connections().last().unwrap();
        assert_eq!(last.client, c);
        assert!(!last.roles_inferred, "the SYN was kept");
        assert_eq!(last.history.as_str(), "ShAFf");
        assert_eq!(last.outcome, Outcome::FinFin);
        assert_eq!(t.connections().len(), 12);
    }

    #[test]
    fn connections_that_ended_long_ago_go_first_and_links_stay_consistent() {
        let mut t = Tracker::with_max_connections(16);
        let mut i = 0u64;
        // 12 connections on 3 ports (generations 0..3 of each 4-tuple), 10 min ago.
        for k in 0..12u16 {
            normal(&mut t, &mut i, T0 + i64::from(k) * S, 41_000 + k % 3);
        }
        // Later: 4 half-open attempts and 8 fresh connections.
        for n in 0..4 {
            t.push(i, T0 + 600 * S, &flood_syn(n));
            i += 1;
        }
        for k in 0..8u16 {
            normal(&mut t, &mut i, T0 + 601 * S + i64::from(k) * S, 42_000 + k);
        }
        let ev = t.evictions().clone();
        assert!(ev.connections > 0);
        assert_eq!(ev.half_open, 0, "old ended ones went first: {ev:?}");
        assert_eq!(ev.ended_long_ago, ev.connections);
        let conns = t.connections();
        for c in conns {
            for link in [c.prev_generation, c.next_generation].into_iter().flatten() {
                let other = &conns[link as usize];
                assert_eq!((other.client, other.server), (c.client, c.server));
            }
        }
        // The fresh connections are all there, closed normally.
        let fresh = conns.iter().filter(|c| c.client.port >= 42_000).count();
        assert_eq!(fresh, 8);
    }

    /// When the table reaches its cap it is compacted to three quarters of it at once, so the
    /// next quarter of new connections is taken without evicting. With a cap of 16: 15 closed
    /// connections and a scan's first SYN fill it; the next SYN compacts it to 12 (the SYN
    /// first, then the 3 oldest closed ones) and makes 13; three more make 16, and the fifth
    /// compacts again (4 more, all SYNs), leaving 13.
    #[test]
    fn at_the_cap_the_table_compacts_to_three_quarters_then_takes_a_quarter_more() {
        let mut t = Tracker::with_max_connections(16);
        let mut i = 0u64;
        for k in 0..15u16 {
            normal(&mut t, &mut i, T0 + i64::from(k) * S, 44_000 + k);
        }
        let mut seen = Vec::new();
        for n in 0..6 {
            t.push(i, T0 + 20 * S, &flood_syn(n));
            i += 1;
            seen.push((t.connections().len(), t.evictions().connections));
        }
        assert_eq!(seen, [(16, 0), (13, 4), (14, 4), (15, 4), (16, 4), (13, 8)]);
        let ev = t.evictions();
        assert_eq!(ev.first_at_packet, Some(15 * 6 + 1));
        assert_eq!((ev.half_open, ev.ended_recently), (5, 3));
    }

    /// "Ended long ago" is more than 4 min before the packet that compacts: a connection that
    /// ended exactly 240 s earlier still ranks after the half-open attempts, one that ended a
    /// nanosecond more before goes first. A cap of 16: one closed connection and 15 SYNs fill
    /// it, the 16th SYN compacts it by 4.
    #[test]
    fn ended_long_ago_is_more_than_four_minutes() {
        for (late, long_ago, half_open) in [(0, 0, 4), (1, 1, 3)] {
            let mut t = Tracker::with_max_connections(16);
            let mut i = 0u64;
            // Closed at its sixth packet, 5 ms after its SYN.
            normal(&mut t, &mut i, T0, 46_000);
            for n in 0..15 {
                t.push(i, T0 + (n + 1) * S, &flood_syn(n as u32));
                i += 1;
            }
            t.push(i, T0 + 5_000_000 + 240 * S + late, &flood_syn(15));
            let ev = t.evictions();
            assert_eq!(ev.connections, 4);
            assert_eq!(
                (ev.ended_long_ago, ev.half_open),
                (long_ago, half_open),
                "{late} ns late"
            );
        }
    }

    /// A half-open attempt is a client's SYN with nothing back and nothing sent: neither a SYN
    /// the server answered nor a connection whose server direction is missing from the capture
    /// (the client sent data) is one, so a flood's SYNs go before them even when younger.
    #[test]
    fn answered_syns_and_one_direction_connections_are_not_half_open() {
        let mut t = Tracker::with_max_connections(16);
        let (x, y, s) = (ep(2, 47_000), ep(2, 47_001), ep(5, 80));
        t.push(0, T0, &seg(x, s, "S", 100, 0, 0));
        t.push(1, T0 + 1_000_000, &seg(x, s, "A", 101, 501, 0));
        t.push(2, T0 + 2_000_000, &seg(x, s, "PA", 101, 501, 300));
        t.push(3, T0 + 3_000_000, &seg(y, s, "S", 100, 0, 0));
        t.push(4, T0 + 4_000_000, &seg(s, y, "SA", 900, 101, 0));
        for n in 0..15 {
            t.push(5 + u64::from(n), T0 + S + i64::from(n) * S, &flood_syn(n));
        }
        let ev = t.evictions();
        assert_eq!((ev.connections, ev.half_open), (4, 4));
        let ports: Vec<u16> = t.connections().iter().map(|c| c.client.port).collect();
        assert!(
            ports.contains(&47_000) && ports.contains(&47_001),
            "{ports:?}"
        );
    }

    /// When every record is a connection still open (here each seen mid-stream), the oldest
    /// open ones go, and the count says they were open.
    #[test]
    fn with_every_record_open_the_oldest_open_ones_are_evicted_and_counted_so() {
        let mut t = Tracker::with_max_connections(16);
        let s = ep(5, 80);
        for k in 0..17u16 {
            let c = ep(2, 48_000 + k);
            t.push(
                u64::from(k),
                T0 + i64::from(k) * S,
                &seg(c, s, "PA", 100, 500, 10),
            );
        }
        let ev = t.evictions();
        assert_eq!((ev.connections, ev.live), (4, 4), "{ev:?}");
        let first = t.connections().iter().map(|c| c.client.port).min();
        assert_eq!(first, Some(48_004));
    }

    #[test]
    fn below_the_cap_nothing_is_evicted() {
        let mut t = Tracker::with_max_connections(100);
        let mut i = 0u64;
        for k in 0..50u16 {
            normal(&mut t, &mut i, T0 + i64::from(k) * S, 43_000 + k);
        }
        assert_eq!(t.evictions().connections, 0);
        assert!(t.evictions().message().is_none());
        assert_eq!(t.connections().len(), 50);
    }
}
