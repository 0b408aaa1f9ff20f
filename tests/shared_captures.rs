//! Every real capture in ../shared/captures (recorded by other projects, not shaped here) reads
//! with the packet count its README lists, and first/last timestamps that agree with Debian's
//! `capinfos -T -r -c -a -e -S` (µs precision). Where capinfos prints "n/a" (files holding pcapng
//! Simple Packet Blocks, which carry no timestamp), the values are the min/max of the packets that
//! do have one, as `tshark -T fields -e frame.time_epoch` lists them.

mod common;

use portlife::source::WarningKind;
use std::path::PathBuf;

use portlife::analysis::{analyze_file, Options};

fn captures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures"));
    dir.is_dir().then_some(dir)
}

/// The shared captures; without them a test is skipped (said on stderr), and fails under CI.
fn captures_or_skip() -> Option<PathBuf> {
    let dir = captures_dir();
    if dir.is_none() {
        common::skip_or_fail("../shared/captures is not beside this checkout");
    }
    dir
}

/// (file, packets, first ts µs, last ts µs, packets without a timestamp)
type Expected = (&'static str, u64, Option<i64>, Option<i64>, u64);
const EXPECTED: &[Expected] = &[
    (
        "dpkt_http.pcap",
        43,
        Some(1084443427311224),
        Some(1084443457704928),
        0,
    ),
    (
        "dpkt_ipv6_http.pcap",
        62,
        Some(1388651869848747),
        Some(1388651886615905),
        0,
    ),
    (
        "gopacket_loopback.pcap",
        24,
        Some(1357492952275121),
        Some(1357492952508959),
        0,
    ),
    (
        "tcpdump_bgp_6streams.pcap",
        91,
        Some(1555002999743518),
        Some(1555003020444552),
        0,
    ),
    (
        "tcpdump_dns_tcp.pcap",
        11,
        Some(1591780863720289),
        Some(1591780864101256),
        0,
    ),
    (
        "tcpdump_mptcp.pcap",
        20,
        Some(1578930666676845),
        Some(1578930666677429),
        0,
    ),
    (
        "tcpdump_redis_18streams.pcap",
        163,
        Some(1453924860856800),
        Some(1453924877993863),
        0,
    ),
    (
        "tcpdump_tcp_fast_open.pcap",
        14,
        Some(1349367980467968),
        Some(1349367990591516),
        0,
    ),
    (
        "zeek_conn_size.pcap",
        21,
        Some(1128727430350788),
        Some(1144876718032861),
        0,
    ),
    (
        "zeek_nflog_http.pcap",
        13,
        Some(1470574779148133),
        Some(1470574780138288),
        0,
    ),
    // The encapsulation captures (their TCP is checked in tests/encapsulations.rs).
    (
        "tcpdump_geneve.pcap",
        39,
        Some(1422828273817203),
        Some(1422828275817506),
        0,
    ),
    (
        "tcpdump_gso-ipv4-vxlan-ipv4.pcap",
        1,
        Some(1759509014343441),
        Some(1759509014343441),
        0,
    ),
    (
        "tcpdump_wccp_redirect_gre.pcap",
        1,
        Some(1140684626794117),
        Some(1140684626794117),
        0,
    ),
    (
        "tcpdump_bgp_vpn_attrset.pcap",
        1,
        Some(1072183874453556),
        Some(1072183874453556),
        0,
    ),
    (
        "tcpdump_ipoib.pcap",
        30,
        Some(1555605152697187),
        Some(1555605229323197),
        0,
    ),
    (
        "ndpi_6in4tunnel.pcap",
        127,
        Some(1444236893450580),
        Some(1444236915586195),
        0,
    ),
    (
        "ndpi_4in6tunnel.pcap",
        4,
        Some(1543235434019243),
        Some(1543235434019248),
        0,
    ),
    (
        "ndpi_BGP_redist.pcap",
        2,
        Some(1256636836167156),
        Some(1256636836167195),
        0,
    ),
    (
        "ndpi_ip_fragmented_garbage.pcap",
        1252,
        Some(1534244024697756),
        Some(1534244025612419),
        0,
    ),
    (
        "ndpi_capwap_data.pcapng",
        14,
        Some(1517901568789948),
        Some(1517901568910933),
        0,
    ),
    ("gopacket_be_test001.pcapng", 4, Some(0), Some(0), 0),
    (
        "gopacket_be_test005.pcapng",
        4,
        Some(1340954905298858),
        Some(1340954905301858),
        0,
    ),
    ("gopacket_be_test010.pcapng", 4, None, None, 4),
    (
        "gopacket_be_test100.pcapng",
        5,
        Some(1340954905298858),
        Some(1340954905301858),
        2,
    ),
    ("gopacket_be_test200.pcapng", 0, None, None, 0),
    (
        "gopacket_be_test202.pcapng",
        8,
        Some(1340954905298858),
        Some(1340954905301858),
        2,
    ),
    (
        "zeek_irc_dcc.pcapng",
        1184,
        Some(1753735709964970),
        Some(1753735879839923),
        0,
    ),
];

#[test]
fn every_shared_capture_reads_with_the_expected_counts_and_times() {
    let Some(dir) = captures_or_skip() else {
        return;
    };
    let mut seen = 0;
    for &(file, packets, first_us, last_us, no_ts) in EXPECTED {
        let a = analyze_file(dir.join(file), Options::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let s = &a.stats;
        assert_eq!(s.packets, packets, "{file}: packet count");
        assert_eq!(s.first_ts_ns.map(|t| t / 1000), first_us, "{file}: first");
        assert_eq!(s.last_ts_ns.map(|t| t / 1000), last_us, "{file}: last");
        assert_eq!(
            s.packets_without_timestamp, no_ts,
            "{file}: packets without timestamps"
        );
        assert!(
            !a.warnings
                .iter()
                .any(|w| w.kind == WarningKind::Truncated || w.kind == WarningKind::BadBlock),
            "{file}: {:?}",
            a.warnings
        );
        seen += 1;
    }
    // Every capture in the folder is covered by the table above.
    let on_disk = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.ends_with(".pcap") || n.ends_with(".pcapng")
        })
        .count();
    assert_eq!(
        seen, on_disk,
        "a capture in ../shared/captures is missing from the table"
    );
}

#[test]
fn link_types_of_the_shared_captures_are_all_decoded() {
    let Some(dir) = captures_or_skip() else {
        return;
    };
    for (file, link) in [
        ("gopacket_loopback.pcap", "null (BSD loopback)"),
        ("tcpdump_mptcp.pcap", "linux-sll"),
        ("zeek_nflog_http.pcap", "nflog"),
        ("dpkt_ipv6_http.pcap", "ethernet"),
    ] {
        let a = analyze_file(dir.join(file), Options::default()).unwrap();
        assert_eq!(
            a.stats.link_types.keys().collect::<Vec<_>>(),
            vec![link],
            "{file}"
        );
        assert!(
            a.stats.protocols.get("tcp").copied().unwrap_or(0) > 0,
            "{file}: no TCP decoded"
        );
        assert_eq!(a.stats.protocols.get("malformed"), None, "{file}");
    }
}

/// What the clients of other projects' captures are read as, from their SYNs (TCP timestamps,
/// initial TTL) and ports, checked by hand against what each capture is known to be:
/// - dpkt's `http.pcap` is Wireshark's classic http.cap, a Windows XP client (TTL 128, no
///   timestamps, port 3372 from XP's 1025–5000): the pre-Vista Windows profile, 240 s TIME-WAIT;
/// - gopacket's loopback capture is a Linux host talking to itself (TTL 64, timestamps).
#[test]
fn real_clients_are_read_as_the_systems_they_are() {
    let Some(dir) = captures_or_skip() else {
        return;
    };
    let guess = |file: &str| {
        let a = analyze_file(dir.join(file), Options::default()).unwrap();
        let g = a.ports.host_guesses[0].clone();
        let p = a.ports.profile_of(g.host).clone();
        (g, p)
    };
    let (g, p) = guess("dpkt_http.pcap");
    assert_eq!(g.host.to_string(), "145.254.160.237");
    assert_eq!(g.os, "windows-old");
    assert!(g.reasons.iter().any(|r| r == "initial TTL 128"), "{g:?}");
    assert_eq!(
        (p.port_lo, p.port_hi, p.time_wait_ns),
        (1025, 5000, 240_000_000_000)
    );
    let (g, p) = guess("gopacket_loopback.pcap");
    assert_eq!(g.os, "linux");
    assert!(g.reasons.iter().any(|r| r == "initial TTL 64"), "{g:?}");
    assert_eq!(p.time_wait_ns, 60_000_000_000);
}
