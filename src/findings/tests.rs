//! Detector scenarios built from tracker segments: a finding's numbers and the connections it
//! names, as a reader of the report would check them, worked out from each scenario's design.

use super::pool::pool_severity;
use super::*;
use crate::decode::Decoded;
use crate::ports::{derive, Profile};
use crate::tcp::testutil::{ep, seg};
use crate::tcp::Tracker;

const T0: i64 = 1_700_000_000 * S;

/// A connection from `c` to `s` opened at `t` and closed by the client: FIN at `t` + 100 ms,
/// the last ACK at `t` + 120 ms, when the client's port enters TIME-WAIT.
fn client_closed(c: Endpoint, s: Endpoint, t: i64) -> Vec<(i64, Decoded)> {
    vec![
        (t, seg(c, s, "S", 100, 0, 0)),
        (t + 10 * MS, seg(s, c, "SA", 500, 101, 0)),
        (t + 20 * MS, seg(c, s, "A", 101, 501, 0)),
        (t + 100 * MS, seg(c, s, "FA", 101, 501, 0)),
        (t + 110 * MS, seg(s, c, "FA", 501, 102, 0)),
        (t + 120 * MS, seg(c, s, "A", 102, 502, 0)),
    ]
}

/// The connections of `packets` (in any order) and their findings under `profile`, the capture
/// ending at `end`.
fn analyse(
    mut packets: Vec<(i64, Decoded)>,
    profile: Profile,
    end: i64,
) -> (Vec<Connection>, Vec<Finding>) {
    packets.sort_by_key(|p| p.0);
    let mut t = Tracker::new();
    for (i, (ts, d)) in packets.iter().enumerate() {
        t.push(i as u64, *ts, d);
    }
    t.finish(end);
    let conns = t.connections().to_vec();
    let model = derive(&conns, &[], profile, end);
    let findings = compute(&conns, &[], &model);
    (conns, findings)
}

fn of_kind(findings: &[Finding], kind: FindingKind) -> Vec<&Finding> {
    findings.iter().filter(|f| f.kind == kind).collect()
}

/// The ids of the connections whose client is `c`.
fn ids_from(conns: &[Connection], c: Endpoint) -> Vec<u32> {
    conns
        .iter()
        .filter(|x| x.client == c)
        .map(|x| x.id)
        .collect()
}

fn custom(lo: u16, hi: u16) -> Profile {
    Profile::Custom {
        lo,
        hi,
        time_wait_s: 60,
    }
}

/// A host's pool filled by three connections closed within a second (their ports in TIME-WAIT
/// for 60 s) in a range of four ports: 75 %, a warning. The finding names those three; not
/// another host's connection open at the same time, nor the host's connection a minute later.
#[test]
fn a_pool_finding_names_the_hosts_connections_up_to_its_peak_and_no_others() {
    let server = ep(9, 80);
    let mut p = Vec::new();
    for i in 0..3u16 {
        p.extend(client_closed(
            ep(2, 40000 + i),
            server,
            T0 + i as i64 * 300 * MS,
        ));
    }
    // Another host, at the same moment: one port of four, no finding of its own. Its second
    // connection, inside the host's long pause, is not the host's and does not shorten it.
    p.extend(client_closed(ep(3, 40000), server, T0 + 400 * MS));
    p.extend(client_closed(ep(3, 40001), server, T0 + 100 * S));
    // The host again, after its TIME-WAITs ended.
    p.extend(client_closed(ep(2, 40003), server, T0 + 200 * S));
    let (conns, findings) = analyse(p, custom(40000, 40003), T0 + 300 * S);
    let pools = of_kind(&findings, FindingKind::PortPoolPressure);
    assert_eq!(pools.len(), 1, "{pools:#?}");
    let f = pools[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.evidence["held"], 3);
    assert_eq!(f.evidence["range_size"], 4);
    assert_eq!(f.evidence["peak_pct"], 75.0);
    // The host's longest pause between two new connections: from its third (600 ms) to its
    // fourth (200 s).
    assert_eq!(f.evidence["longest_pause_ms"], 199_400);
    assert_eq!(f.evidence["longest_pause_from_ns"], T0 + 600 * MS);
    let mut expected: Vec<u32> = (0..3u16)
        .flat_map(|i| ids_from(&conns, ep(2, 40000 + i)))
        .collect();
    expected.sort_unstable();
    assert_eq!(f.connections, expected);
}

/// Every port of the block 40000–40003 used twice proves a range, but not one narrower than a
/// profile of three ports: the finding measures against the profile's range (8 held of 3), and
/// does not call the block an inferred range. Towards each server, the finding names that
/// server's connections.
#[test]
fn a_proven_block_no_narrower_than_the_profile_is_not_an_inferred_range() {
    let mut p = Vec::new();
    for i in 0..4u16 {
        for (k, server) in [ep(9, 80), ep(10, 80)].into_iter().enumerate() {
            let t = T0 + (i as i64 * 2 + k as i64) * 100 * MS;
            p.extend(client_closed(ep(2, 40000 + i), server, t));
        }
    }
    let (conns, findings) = analyse(p, custom(40000, 40002), T0 + 300 * S);
    let pools = of_kind(&findings, FindingKind::PortPoolPressure);
    let host = pools
        .iter()
        .find(|f| f.ports.len() == 1)
        .expect("the host's pool finding");
    assert_eq!(host.evidence["held"], 8);
    assert_eq!(host.evidence["range_source"], "profile");
    assert_eq!(
        (
            host.evidence["range_lo"].clone(),
            host.evidence["range_size"].clone()
        ),
        (40000.into(), 3.into())
    );
    // Towards each server it held four ports: a finding each, naming that server's four.
    for server in [ep(9, 80), ep(10, 80)] {
        let f = pools
            .iter()
            .find(|f| f.ports.get(1) == Some(&server))
            .expect("the pool finding towards one server");
        assert_eq!(f.evidence["held"], 4);
        let to_it: Vec<u32> = conns
            .iter()
            .filter(|c| c.server == server)
            .map(|c| c.id)
            .collect();
        assert_eq!(f.connections, to_it);
    }
}

/// A block of four ports proves a range only when every one of its ports was used more than
/// once. Here one port of each host's block was used once: no range is inferred, and eight
/// ports held of Linux's 28 232 is no pressure. Many hosts, because the detector visits a host's
/// ports in hash order and a fault that reads only the first port visited shows on some of them.
#[test]
fn a_block_with_one_port_used_once_proves_no_range() {
    let mut p = Vec::new();
    for h in 0..48u8 {
        for i in 0..4u16 {
            let uses: &[Endpoint] = if i == 3 {
                &[ep(200, 80)]
            } else {
                &[ep(200, 80), ep(201, 80)]
            };
            for (k, server) in uses.iter().enumerate() {
                let t = T0 + (h as i64 * 8 + i as i64 * 2 + k as i64) * 10 * MS;
                p.extend(client_closed(ep(2 + h, 40000 + i), *server, t));
            }
        }
    }
    let (_, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    assert!(
        of_kind(&findings, FindingKind::PortPoolPressure).is_empty(),
        "{findings:#?}"
    );
}

/// Client ports outside the host's profile: under Linux (32768–60999) a host that used ports
/// 2000, 2001 and 40000 gets one finding naming the two outside and their connections, and the
/// suggestion is a range holding its lowest and highest port together — no named profile does,
/// so a custom one. A port below 1024 is a fixed one (rsh, NFS), not drawn from the range: it
/// is not counted, and a host that used only such a port gets no finding.
#[test]
fn ports_outside_the_profile_are_one_finding_per_host_with_a_range_that_holds_them_all() {
    let server = ep(9, 80);
    let mut p = Vec::new();
    for (i, port) in [2000u16, 2001, 40000].into_iter().enumerate() {
        p.extend(client_closed(ep(2, port), server, T0 + i as i64 * S));
    }
    p.extend(client_closed(ep(3, 1000), server, T0));
    let (conns, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    let outside = of_kind(&findings, FindingKind::ClientPortsOutsideProfile);
    assert_eq!(outside.len(), 1, "{outside:#?}");
    let f = outside[0];
    assert_eq!(f.evidence["outside"], 2);
    assert_eq!(f.evidence["client_ports"], 3);
    assert_eq!(f.evidence["suggested_profile"], "custom:2000-40000:60");
    assert_eq!(f.ports, vec![ep(2, 2000), ep(2, 2001)]);
    let mut expected: Vec<u32> = [2000, 2001]
        .into_iter()
        .flat_map(|port| ids_from(&conns, ep(2, port)))
        .collect();
    expected.sort_unstable();
    assert_eq!(f.connections, expected);
}

/// A connection from `c` to `s` opened at `t` (initial sequence number `isn`), closed first by
/// the client or the server; the closer's port or socket enters TIME-WAIT with the last ACK, at
/// `t` + `life`.
fn closed_by(
    c: Endpoint,
    s: Endpoint,
    t: i64,
    isn: u32,
    client_closes: bool,
    life: i64,
) -> Vec<(i64, Decoded)> {
    let (closer, other, cs, os) = if client_closes {
        (c, s, isn + 1, 501)
    } else {
        (s, c, 501, isn + 1)
    };
    vec![
        (t, seg(c, s, "S", isn, 0, 0)),
        (t + 10 * MS, seg(s, c, "SA", 500, isn + 1, 0)),
        (t + 20 * MS, seg(c, s, "A", isn + 1, 501, 0)),
        (t + life - 20 * MS, seg(closer, other, "FA", cs, os, 0)),
        (t + life - 10 * MS, seg(other, closer, "FA", os, cs + 1, 0)),
        (t + life, seg(closer, other, "A", cs + 1, os + 1, 0)),
    ]
}

/// Fifty connections of 120 ms from one host to one server, 100 ms apart, each closed by the
/// client: a pile-up whose numbers are those of its design. Not in it: the host's connection
/// of exactly one second (not "short"), nor one of two seconds, nor the host's one connection
/// to another server, nor another host's to the same server.
#[test]
fn a_pileup_counts_the_hosts_short_client_closed_connections_to_one_destination() {
    let server = ep(9, 80);
    let mut p = Vec::new();
    for i in 0..50u16 {
        let t = T0 + i as i64 * 100 * MS;
        p.extend(closed_by(ep(2, 40000 + i), server, t, 100, true, 120 * MS));
    }
    p.extend(closed_by(ep(2, 41000), server, T0 + 10 * S, 100, true, S));
    p.extend(closed_by(
        ep(2, 41001),
        server,
        T0 + 12 * S,
        100,
        true,
        2 * S,
    ));
    // Sorted before the pile-up's pool: a finder that matched the host or the destination
    // alone would read one of these.
    p.extend(closed_by(ep(2, 42000), ep(8, 80), T0, 100, true, 120 * MS));
    p.extend(closed_by(ep(1, 42000), server, T0, 100, true, 120 * MS));
    let (conns, findings) = analyse(p, custom(32768, 60999), T0 + 300 * S);
    let piles = of_kind(&findings, FindingKind::TimeWaitPileup);
    assert_eq!(piles.len(), 1, "{piles:#?}");
    let f = piles[0];
    let expected: Vec<u32> = (0..50u16)
        .flat_map(|i| ids_from(&conns, ep(2, 40000 + i)))
        .collect();
    assert_eq!(f.connections, expected);
    assert_eq!(f.evidence["connections"], 50);
    assert_eq!(f.evidence["median_lifetime_ms"], 120.0);
    // Each TIME-WAIT lasts 60 s and all began within 15 s: at the peak the fifty and the two
    // longer connections' ports, all towards this server, are in TIME-WAIT at once.
    assert_eq!(f.evidence["peak_time_wait"], 52);
    assert_eq!(f.evidence["time_wait_s"], 60);
    assert_eq!(f.evidence["first_ns"], T0);
    assert_eq!(f.evidence["last_ns"], T0 + 4_900 * MS);
}

/// A client reuses its port towards the same server 5 s into the 4-tuple's TIME-WAIT (a larger
/// initial sequence number, as Linux accepts): one finding, the reuse after 5 000 ms of a 60 s
/// TIME-WAIT, naming the new connection.
#[test]
fn a_port_reused_during_time_wait_is_timed_from_the_start_of_that_time_wait() {
    let (c, server) = (ep(2, 40000), ep(9, 80));
    let mut p = closed_by(c, server, T0, 100, true, 120 * MS);
    p.extend(closed_by(
        c,
        server,
        T0 + 120 * MS + 5 * S,
        100_000,
        true,
        120 * MS,
    ));
    let (conns, findings) = analyse(p, custom(32768, 60999), T0 + 300 * S);
    let reused = of_kind(&findings, FindingKind::PortReusedInTimeWait);
    assert_eq!(reused.len(), 1, "{reused:#?}");
    let f = reused[0];
    assert_eq!(f.evidence["reuses"], 1);
    assert_eq!(f.evidence["median_reuse_after_ms"], 5_000);
    assert_eq!(f.evidence["time_wait_s"], 60);
    assert_eq!(f.connections, vec![conns[1].id]);
}

/// The server answers 3 s into the client's TIME-WAIT with a RST, which ends it (Linux's
/// default): one finding, after 3 000 ms of a 60 s TIME-WAIT.
#[test]
fn a_time_wait_ended_by_a_rst_is_timed_from_its_start() {
    let (c, server) = (ep(2, 40000), ep(9, 80));
    let mut p = closed_by(c, server, T0, 100, true, 120 * MS);
    p.push((T0 + 120 * MS + 3 * S, seg(server, c, "R", 502, 0, 0)));
    let (conns, findings) = analyse(p, custom(32768, 60999), T0 + 300 * S);
    let ended = of_kind(&findings, FindingKind::TimeWaitEndedByRst);
    assert_eq!(ended.len(), 1, "{ended:#?}");
    let f = ended[0];
    assert_eq!(f.evidence["ended"], 1);
    assert_eq!(f.evidence["median_after_ms"], 3_000);
    assert_eq!(f.evidence["time_wait_s"], 60);
    assert_eq!(f.connections, vec![conns[0].id]);
}

/// A server that closed first in exactly ten of its twenty connections meets both bounds (at
/// least ten, at least half): one finding. One more connection closed by the client and it is
/// under half: none.
#[test]
fn a_server_closing_first_in_ten_of_twenty_connections_is_a_finding_and_in_ten_of_twenty_one_not() {
    let server = ep(9, 80);
    let mut p = Vec::new();
    for i in 0..20u16 {
        let t = T0 + i as i64 * S;
        p.extend(closed_by(
            ep(2, 40000 + i),
            server,
            t,
            100,
            i % 2 == 0,
            120 * MS,
        ));
    }
    let (conns, findings) = analyse(p.clone(), Profile::Linux, T0 + 300 * S);
    let first = of_kind(&findings, FindingKind::ServerClosesFirst);
    assert_eq!(first.len(), 1, "{findings:#?}");
    assert_eq!(first[0].evidence["server_closed_first"], 10);
    assert_eq!(first[0].evidence["connections"], 20);
    let by_server: Vec<u32> = conns
        .iter()
        .filter(|c| c.closed_first == Some(Role::Server))
        .map(|c| c.id)
        .collect();
    assert_eq!(by_server.len(), 10);
    assert_eq!(first[0].connections, by_server);
    p.extend(closed_by(
        ep(2, 40100),
        server,
        T0 + 30 * S,
        100,
        true,
        120 * MS,
    ));
    let (_, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    assert!(of_kind(&findings, FindingKind::ServerClosesFirst).is_empty());
}

/// Two SYN attempts to a server; one answered and established, one sent three times (at 0, 1
/// and 3 s) and never answered. Two connections established to another server are not the
/// server's. The finding: one attempt, two retransmits, 3 s waited, one success beside it.
#[test]
fn an_unanswered_syn_is_counted_with_its_wait_and_the_servers_successes() {
    let (server, other) = (ep(9, 443), ep(8, 443));
    let lost = ep(2, 40000);
    let mut p = vec![
        (T0, seg(lost, server, "S", 100, 0, 0)),
        (T0 + S, seg(lost, server, "S", 100, 0, 0)),
        (T0 + 3 * S, seg(lost, server, "S", 100, 0, 0)),
    ];
    p.extend(closed_by(ep(2, 40001), server, T0, 100, true, 120 * MS));
    p.extend(closed_by(ep(2, 40002), other, T0, 100, true, 120 * MS));
    p.extend(closed_by(ep(2, 40003), other, T0, 100, true, 120 * MS));
    let (conns, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    let f = of_kind(&findings, FindingKind::SynUnanswered);
    assert_eq!(f.len(), 1, "{findings:#?}");
    let f = f[0];
    assert_eq!(f.connections, ids_from(&conns, lost));
    assert_eq!(f.evidence["attempts"], 1);
    assert_eq!(f.evidence["max_syn_retransmits"], 2);
    assert_eq!(f.evidence["waited_ms"], 3_000);
    assert_eq!(f.evidence["successful_connections_to_same_server"], 1);
}

/// A SYN answered by a SYN-ACK twice (the server retransmitted it) and never acknowledged: the
/// return path is suspect. The SYN was sent once, so the server's two packets are the evidence.
#[test]
fn a_syn_ack_sent_twice_and_never_acknowledged_is_a_finding() {
    let (c, server) = (ep(2, 40000), ep(9, 443));
    let p = vec![
        (T0, seg(c, server, "S", 100, 0, 0)),
        (T0 + 10 * MS, seg(server, c, "SA", 500, 101, 0)),
        (T0 + 1_010 * MS, seg(server, c, "SA", 500, 101, 0)),
    ];
    let (conns, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    let f = of_kind(&findings, FindingKind::SynAckUnacknowledged);
    assert_eq!(f.len(), 1, "{findings:#?}");
    assert_eq!(f[0].connections, vec![conns[0].id]);
    assert_eq!(f[0].evidence["max_server_packets"], 2);
    assert_eq!(f[0].evidence["max_syn_retransmits"], 0);
}

/// SYNs ended by ICMP errors: one finding per server and reason, counting its attempts, and the
/// chapter to read follows the reason (a firewall's "administratively prohibited" or a port
/// with nothing behind it).
#[test]
fn icmp_errors_are_counted_per_server_and_reason_with_the_chapter_for_that_reason() {
    use crate::decode::{IcmpError, IcmpReason, Transport};
    let mut p = Vec::new();
    for (i, (server, reason)) in [
        (ep(9, 443), IcmpReason::AdminProhibited),
        (ep(9, 443), IcmpReason::AdminProhibited),
        (ep(8, 53), IcmpReason::PortUnreachable),
    ]
    .into_iter()
    .enumerate()
    {
        let c = ep(2, 40000 + i as u16);
        let t = T0 + i as i64 * S;
        p.push((t, seg(c, server, "S", 100, 0, 0)));
        p.push((
            t + 5 * MS,
            Decoded::Icmp(IcmpError {
                reporter: server.ip,
                reason,
                transport: Transport::Tcp,
                quoted_src: c,
                quoted_dst: server,
            }),
        ));
    }
    let (_, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    let icmp = of_kind(&findings, FindingKind::IcmpUnreachable);
    let of = |server: Endpoint| {
        icmp.iter()
            .find(|f| f.ports == vec![server])
            .unwrap_or_else(|| panic!("no ICMP finding for {server}: {icmp:#?}"))
    };
    assert_eq!(icmp.len(), 2);
    assert_eq!(of(ep(9, 443)).evidence["count"], 2);
    assert_eq!(of(ep(9, 443)).chapter, "ch09-firewalls.md");
    assert_eq!(of(ep(8, 53)).evidence["count"], 1);
    assert_eq!(of(ep(8, 53)).chapter, "ch10-troubleshooting.md");
}

/// Connections whose SYN is not in the capture: one seen mid-stream in both directions and one
/// seen mid-stream from the server alone are the start-not-captured finding; one whose SYN-ACK
/// is in the capture but whose client direction is not started during the capture, its SYN on
/// the unseen direction (the one-direction finding tells that one).
#[test]
fn a_start_not_captured_is_a_missing_syn_not_a_missing_direction() {
    let both = (ep(2, 40000), ep(9, 80));
    let server_only = (ep(2, 40001), ep(9, 80));
    let synack_only = (ep(2, 40002), ep(9, 80));
    let p = vec![
        (T0, seg(both.0, both.1, "PA", 100, 500, 10)),
        (T0 + MS, seg(both.1, both.0, "PA", 500, 110, 20)),
        (T0 + 2 * MS, seg(both.0, both.1, "A", 110, 520, 0)),
        (T0, seg(server_only.1, server_only.0, "PA", 1000, 2000, 100)),
        (
            T0 + MS,
            seg(server_only.1, server_only.0, "PA", 1100, 2100, 100),
        ),
        (T0, seg(synack_only.1, synack_only.0, "SA", 500, 101, 0)),
        (T0 + MS, seg(synack_only.1, synack_only.0, "A", 501, 150, 0)),
        (
            T0 + 2 * MS,
            seg(synack_only.1, synack_only.0, "PA", 501, 150, 100),
        ),
    ];
    let (conns, findings) = analyse(p, Profile::Linux, T0 + 300 * S);
    let by_client = |c: Endpoint| conns.iter().find(|x| x.client == c).expect("connection");
    // What the scenario is made of, as the tracker read it.
    assert!(by_client(both.0).roles_inferred && by_client(both.0).direction_missing.is_none());
    assert!(by_client(server_only.0).direction_missing.is_some());
    assert_eq!(by_client(server_only.0).completeness & 2, 0);
    assert!(by_client(synack_only.0).direction_missing.is_some());
    assert_ne!(by_client(synack_only.0).completeness & 2, 0);
    let start = of_kind(&findings, FindingKind::StartNotCaptured);
    assert_eq!(start.len(), 1, "{findings:#?}");
    let mut expected = vec![by_client(both.0).id, by_client(server_only.0).id];
    expected.sort_unstable();
    assert_eq!(start[0].connections, expected);
    assert_eq!(start[0].evidence["connections"], 2);
}

fn finding(kind: FindingKind, severity: Severity, conns: usize) -> Finding {
    let mut f = Finding::new(kind, severity, "ch04-time-wait.md");
    f.connections = (0..conns as u32).collect();
    f
}

/// Findings are grouped by kind and severity together; a group of up to three is shown whole in
/// its order, a larger one folded with its largest members first.
#[test]
fn findings_group_by_kind_and_severity_and_only_large_groups_fold() {
    use FindingKind::{ConnectionRefused, TimeWaitPileup};
    let list = vec![
        finding(TimeWaitPileup, Severity::Warning, 1),
        finding(TimeWaitPileup, Severity::Warning, 2),
        finding(TimeWaitPileup, Severity::Warning, 3),
        finding(TimeWaitPileup, Severity::Info, 1),
        finding(ConnectionRefused, Severity::Info, 1),
        finding(ConnectionRefused, Severity::Info, 1),
        finding(ConnectionRefused, Severity::Info, 5),
        finding(ConnectionRefused, Severity::Info, 2),
    ];
    let groups = grouped(&list);
    let shape: Vec<(FindingKind, Severity, Vec<usize>, bool)> = groups
        .iter()
        .map(|g| {
            let order = g.members.iter().map(|(i, _)| *i).collect();
            (g.kind, g.severity, order, g.folded())
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (TimeWaitPileup, Severity::Warning, vec![0, 1, 2], false),
            (TimeWaitPileup, Severity::Info, vec![3], false),
            (ConnectionRefused, Severity::Info, vec![6, 7, 4, 5], true),
        ]
    );
    assert_eq!(groups[2].connections(), 9);
}

#[test]
fn durations_under_ten_ms_keep_a_decimal() {
    assert_eq!(fmt_ms(2_500_000), "2.5 ms");
    assert_eq!(fmt_ms(10 * MS), "10 ms");
    assert_eq!(fmt_ms(120 * MS + 400_000), "120 ms");
}

#[test]
fn a_findings_ports_are_the_hosts_distinct_ports_in_order_then_the_other_end() {
    let host = ep(2, 0).ip;
    assert_eq!(
        ports_then(host, [40003, 40001, 40003].into_iter(), ep(9, 80)),
        vec![ep(2, 40001), ep(2, 40003), ep(9, 80)]
    );
}

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

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Each host's port uses, however its connections interleave with other hosts': the lowest
    /// and highest port, the distinct ports, whether every one was used again, and whether an
    /// unprivileged one lies outside the profile, as a plain count of every (host, port) says.
    #[test]
    fn port_uses_per_host_match_a_plain_count(
        uses in proptest::collection::vec(
            (2u8..6, proptest::sample::select(vec![80u16, 1023, 1024, 32767, 32768, 40000, 40001, 60999, 61000, 65535])),
            1..40,
        )
    ) {
        let server = ep(9, 80);
        let mut p = Vec::new();
        for (i, &(host, port)) in uses.iter().enumerate() {
            p.extend(client_closed(ep(host, port), server, T0 + i as i64 * 200 * MS));
        }
        let (conns, _) = analyse(p, Profile::Linux, T0 + 300 * S);
        let linux = OsProfile::linux();
        let profiles = ProfileOf { default: &linux, hosts: &[] };
        let got = pool::client_port_uses(&conns, profiles);
        let mut plain: BTreeMap<IpAddr, BTreeMap<u16, u32>> = BTreeMap::new();
        for c in conns.iter().filter(|c| !c.roles_inferred) {
            *plain.entry(c.client.ip).or_default().entry(c.client.port).or_default() += 1;
        }
        proptest::prop_assert_eq!(got.len(), plain.len());
        for (host, ports) in &plain {
            let u = got[host];
            proptest::prop_assert_eq!(u.lo, *ports.keys().next().unwrap());
            proptest::prop_assert_eq!(u.hi, *ports.keys().last().unwrap());
            proptest::prop_assert_eq!(u.ports as usize, ports.len());
            proptest::prop_assert_eq!(u.all_reused, ports.values().all(|&n| n > 1));
            let outside = ports.keys().any(|&p| p >= 1024 && !linux.contains(p));
            proptest::prop_assert_eq!(u.outside_profile, outside);
        }
    }
}
