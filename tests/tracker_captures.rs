//! The tracker over real captures from other projects (../shared/captures), pinned against
//! tshark: `tshark -r F -T fields -e tcp.stream | sort -u | wc -l`, `tshark -r F -q -z conv,tcp`
//! and `tshark -r F -Y 'tcp.flags.syn==1 && tcp.flags.ack==0'`. The table and the reasons for
//! any difference are in the tracker's issue note.

mod common;

use portlife::source::WarningKind;
use std::collections::BTreeSet;
use std::path::Path;

use portlife::analysis::analyze_file;
use portlife::decode::{decode, Decoded, Endpoint};
use portlife::source::FileSource;
use portlife::tcp::Outcome;

const CAPTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures");

use Outcome::*;

/// (file, tshark tcp.stream count, portlife connections, every outcome as (outcome, count)).
/// Outcomes cross-checked with `tshark -Y 'tcp.flags.reset==1'` / `'tcp.flags.fin==1'`.
/// One pinned capture.
type Pin = (&'static str, usize, usize, &'static [(Outcome, usize)]);

const EXPECTED: &[Pin] = &[
    ("dpkt_http.pcap", 2, 2, &[(FinFin, 1), (MidStream, 1)]),
    // tshark's third stream is IPv6 inside L2TP (UDP 1701), a tunnel portlife does not peel.
    ("dpkt_ipv6_http.pcap", 3, 2, &[(FinFin, 2)]),
    // The encapsulation captures (why counts differ: tests/encapsulations.rs).
    ("tcpdump_geneve.pcap", 1, 1, &[(OpenAtEnd, 1)]),
    ("tcpdump_gso-ipv4-vxlan-ipv4.pcap", 1, 1, &[(MidStream, 1)]),
    ("tcpdump_wccp_redirect_gre.pcap", 1, 1, &[(MidStream, 1)]),
    ("tcpdump_bgp_vpn_attrset.pcap", 1, 1, &[(MidStream, 1)]),
    // One direction only: six SYNs that no SYN-ACK answers, the first followed by its data and
    // FIN (so the server's side took part, unseen: closed by the client).
    (
        "tcpdump_ipoib.pcap",
        6,
        6,
        &[(ClosedByClient, 1), (Unanswered, 5)],
    ),
    (
        "ndpi_6in4tunnel.pcap",
        6,
        5,
        &[(FinFin, 2), (MidStream, 2), (OpenAtEnd, 1)],
    ),
    ("ndpi_4in6tunnel.pcap", 1, 1, &[(OpenAtEnd, 1)]),
    ("ndpi_BGP_redist.pcap", 2, 2, &[(MidStream, 2)]),
    (
        "ndpi_ip_fragmented_garbage.pcap",
        4,
        2,
        &[(MidStream, 1), (OpenAtEnd, 1)],
    ),
    ("ndpi_capwap_data.pcapng", 1, 1, &[(OpenAtEnd, 1)]),
    ("gopacket_be_test001.pcapng", 0, 0, &[]),
    ("gopacket_be_test005.pcapng", 0, 0, &[]),
    ("gopacket_be_test010.pcapng", 0, 0, &[]),
    ("gopacket_be_test100.pcapng", 0, 0, &[]),
    ("gopacket_be_test200.pcapng", 0, 0, &[]),
    ("gopacket_be_test202.pcapng", 0, 0, &[]),
    (
        "gopacket_loopback.pcap",
        2,
        2,
        &[(MidStream, 1), (OpenAtEnd, 1)],
    ),
    (
        "tcpdump_bgp_6streams.pcap",
        6,
        6,
        &[(OpenAtEnd, 3), (Refused, 2), (FinFin, 1)],
    ),
    ("tcpdump_dns_tcp.pcap", 1, 1, &[(FinFin, 1)]),
    ("tcpdump_mptcp.pcap", 1, 1, &[(FinFin, 1)]),
    ("tcpdump_redis_18streams.pcap", 18, 18, &[(FinFin, 18)]),
    (
        "tcpdump_tcp_fast_open.pcap",
        3,
        3,
        // The third is a TFO SYN with data, then the client's ACK of the server's ISN and its
        // FIN: the SYN-ACK it acknowledges is not in the capture (only the client's direction).
        &[(FinFin, 2), (ClosedByClient, 1)],
    ),
    ("zeek_conn_size.pcap", 2, 2, &[(Unanswered, 1), (FinFin, 1)]),
    ("zeek_irc_dcc.pcapng", 3, 3, &[(FinFin, 3)]),
    ("zeek_nflog_http.pcap", 1, 1, &[(FinFin, 1)]),
];

fn captures_dir() -> Option<&'static Path> {
    let p = Path::new(CAPTURES);
    if p.is_dir() {
        Some(p)
    } else {
        common::skip_or_fail(&format!(
            "{CAPTURES} not found (CI clones have shared/ beside the repo)"
        ));
        None
    }
}

/// Senders of SYN-without-ACK segments, by portlife's own decoder (what tshark's
/// `tcp.flags.syn==1 && tcp.flags.ack==0` filter lists).
fn syn_senders(path: &Path) -> BTreeSet<Endpoint> {
    let mut src = FileSource::open(path).expect("open");
    let mut out = BTreeSet::new();
    while let Some(p) = src.next_packet() {
        if let Decoded::Tcp(t) = decode(p.linktype, p.data) {
            if t.flags.syn() && !t.flags.ack() {
                out.insert(t.src);
            }
        }
    }
    out
}

#[test]
fn connection_counts_match_tshark() {
    let Some(dir) = captures_dir() else { return };
    let mut failures = Vec::new();
    for (file, tshark, want, outcomes) in EXPECTED {
        let path = dir.join(file);
        let a = analyze_file(&path, Default::default()).expect("analyze");
        let got = a.connections.len();
        if got != *want {
            failures.push(format!(
                "{file}: {got} connections, expected {want} (tshark {tshark})"
            ));
        }
        for (o, n) in outcomes.iter() {
            let k = a.connections.iter().filter(|c| c.outcome == *o).count();
            if k != *n {
                failures.push(format!("{file}: {k} × {o:?}, expected {n}"));
            }
        }
        let listed: usize = outcomes.iter().map(|o| o.1).sum();
        if listed != got {
            failures.push(format!(
                "{file}: outcomes list {listed} connections, found {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_capture_in_the_folder_is_pinned() {
    let Some(dir) = captures_dir() else { return };
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".pcap") || name.ends_with(".pcapng") {
            assert!(
                EXPECTED.iter().any(|e| e.0 == name),
                "{name} has no expected count"
            );
        }
    }
}

#[test]
fn client_endpoints_are_the_syn_senders() {
    let Some(dir) = captures_dir() else { return };
    for (file, ..) in EXPECTED {
        let path = dir.join(file);
        let a = analyze_file(&path, Default::default()).expect("analyze");
        let clients: BTreeSet<Endpoint> = a
            .connections
            .iter()
            .filter(|c| !c.roles_inferred)
            .map(|c| c.client)
            .collect();
        assert_eq!(clients, syn_senders(&path), "{file}");
        // Every connection with a captured SYN has a known client; the rest say they guessed.
        for c in &a.connections {
            assert_eq!(
                c.roles_inferred,
                !c.history.starts_with('S'),
                "{file} conn {}: history {}",
                c.id,
                c.history
            );
        }
    }
}

#[test]
fn details_match_tshark_filters() {
    let Some(dir) = captures_dir() else { return };
    // `tshark -Y 'tcp.flags.syn==1 && tcp.flags.ack==0'`: three SYNs, all in tcp.stream 0, which
    // Wireshark calls retransmissions. They carry the same IP ID (0xe8ef), TSval and timestamp:
    // one SYN logged three times by NFLOG, not three sends. portlife counts it once and says so.
    let a = analyze_file(dir.join("zeek_nflog_http.pcap"), Default::default()).unwrap();
    assert_eq!(a.connections[0].syn_retransmits, 0);
    assert_eq!(a.stats.duplicate_packets, 2);
    // Both copies were of that connection's SYN, and its details say so.
    assert_eq!(a.connections[0].duplicates_dropped, 2);
    assert!(a.warnings.iter().any(|w| w.kind == WarningKind::Duplicates));
    assert_eq!(a.connections[0].client.port, 49762);
    // `tshark -Y 'tcp.flags.reset==1'`: RSTs only in streams 1 and 2, each answering a SYN.
    let a = analyze_file(dir.join("tcpdump_bgp_6streams.pcap"), Default::default()).unwrap();
    let refused: BTreeSet<u16> = a
        .connections
        .iter()
        .filter(|c| c.outcome == Outcome::Refused)
        .map(|c| c.client.port)
        .collect();
    assert_eq!(refused, BTreeSet::from([43415, 34995]));
    // `tshark -Y 'tcp.flags.fin==1'`: in stream 5 port 179 sends the first FIN.
    let last = a
        .connections
        .iter()
        .find(|c| c.client.port == 33993)
        .unwrap();
    assert_eq!(last.closed_first, Some(portlife::tcp::Role::Server));
    // The first stream of dpkt_http.pcap has no SYN (tshark stream 1): mid-stream, guessed.
    let a = analyze_file(dir.join("dpkt_http.pcap"), Default::default()).unwrap();
    let mid = a.connections.iter().find(|c| c.roles_inferred).unwrap();
    assert_eq!((mid.client.port, mid.server.port), (3371, 80));
}

/// Our own loopback recording (tests/data/loopback_http10.pcap): `curl` against Python's
/// `http.server` on 127.0.0.1:18080 (HTTP/1.0: the server closes first) and once against the
/// closed port 18081. tshark: 8 tcp.stream values, 8 conv,tcp rows, 8 SYNs, RST only in stream 5.
#[test]
fn loopback_recording_server_closes_first() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/loopback_http10.pcap"
    );
    let a = analyze_file(path, Default::default()).unwrap();
    assert_eq!(a.connections.len(), 8);
    let refused: Vec<u16> = a
        .connections
        .iter()
        .filter(|c| c.outcome == Outcome::Refused)
        .map(|c| c.server.port)
        .collect();
    assert_eq!(refused, vec![18081]);
    let server_tw = a
        .ports
        .spans
        .iter()
        .filter(|s| s.server_side && s.phase == portlife::ports::Phase::TimeWait)
        .count();
    assert_eq!(
        server_tw, 7,
        "each HTTP/1.0 response leaves the server in TIME-WAIT"
    );
    assert!(a
        .ports
        .spans
        .iter()
        .all(|s| s.server_side || s.phase != portlife::ports::Phase::TimeWait));
}
