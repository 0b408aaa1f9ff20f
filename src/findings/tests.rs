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
