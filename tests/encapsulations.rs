//! Real captures of every encapsulation portlife peels (../shared/captures and the tunnel traces
//! of ../shared/zeek-dev, recorded by other projects): the TCP connections portlife rebuilds are
//! pinned to the TCP streams Wireshark finds (`tshark -r F -T fields -e tcp.stream | sort -u |
//! wc -l`, Debian's tshark 4), each difference explained where it is listed; the encapsulations
//! are counted by name, each connection says what it came through, and no frame that might
//! carry TCP is left undecoded without a warning.

use portlife::source::WarningKind;
use std::path::PathBuf;

mod common;

use common::write_pcap;
use portlife::analysis::{analyze_file, Options};

fn shared(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")).join(sub);
    dir.is_dir().then_some(dir)
}

struct Case {
    dir: &'static str,
    file: &'static str,
    /// The encapsulations the file's connections came through, outermost first.
    encapsulation: &'static [&'static str],
    /// Encapsulations counted in the statistics besides those.
    counted: &'static [&'static str],
    /// Wireshark's TCP stream count.
    tshark: usize,
    /// portlife's TCP connection count.
    portlife: usize,
    /// Why the two differ, when they do.
    why: &'static str,
}

const CASES: &[Case] = &[
    Case {
        dir: "captures",
        file: "tcpdump_geneve.pcap",
        encapsulation: &["geneve"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_gso-ipv4-vxlan-ipv4.pcap",
        encapsulation: &["vxlan"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_wccp_redirect_gre.pcap",
        encapsulation: &["gre", "wccp"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_bgp_vpn_attrset.pcap",
        encapsulation: &["ppp"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_ipoib.pcap",
        encapsulation: &["ipoib"],
        counted: &[],
        tshark: 6,
        portlife: 6,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_6in4tunnel.pcap",
        encapsulation: &["ip-in-ip"],
        counted: &[],
        tshark: 6,
        portlife: 5,
        why: "Wireshark's stream 0 is a TCP header quoted inside an ICMPv6 error (its only \
              packet); portlife reads that as an icmp-error about a connection, not as a \
              segment. `tshark -z conv,tcp` lists the same 5 conversations",
    },
    Case {
        dir: "captures",
        file: "ndpi_4in6tunnel.pcap",
        encapsulation: &["ip-in-ip"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_BGP_redist.pcap",
        encapsulation: &["cisco-hdlc", "mpls"],
        counted: &[],
        tshark: 2,
        portlife: 2,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_ip_fragmented_garbage.pcap",
        encapsulation: &[],
        counted: &[],
        tshark: 4,
        portlife: 2,
        why: "all 4 datagrams are reassembled (313 fragments each), but 2 of them hold a \
              TCP header whose data offset is below 5 words (16 and 8 bytes: Wireshark says \
              \"Bogus TCP header length\" and still numbers a stream); portlife counts \
              those 2 as malformed",
    },
    Case {
        dir: "captures",
        file: "ndpi_capwap_data.pcapng",
        encapsulation: &["vlan", "capwap", "802.11"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "pbb.pcap",
        encapsulation: &["vlan", "pbb"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "gre-sample.pcap",
        encapsulation: &["gre"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "vxlan-encapsulated-http.pcap",
        encapsulation: &["vxlan"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "Teredo.pcap",
        // 4 TCP connections over plain IPv4, and one over Teredo.
        encapsulation: &["teredo"],
        counted: &[],
        tshark: 4,
        portlife: 7,
        why: "one more, [2001:0:4137:9e50:8000:f12a:b9c8:2815]:1286 → [2001:4860:0:2001::68]:80 \
              (10 + 12 packets), runs between the Teredo client's port 3797 and a relay's 32900, \
              not port 3544: Wireshark's Teredo heuristic is off by default and shows them as \
              data; Zeek's conn.log has the same connection with the same packet counts. And two \
              late server RSTs on ports 1576 and 1578, more than 5 s after those connections \
              were reset, open new (mid-stream) generations, as Zeek logs them; Wireshark keeps \
              them in the old streams",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "pppoe-over-qinq.pcap",
        encapsulation: &["vlan", "pppoe"],
        counted: &[],
        tshark: 1,
        portlife: 1,
        why: "",
    },
];

#[test]
fn each_encapsulation_capture_has_wiresharks_tcp_streams() {
    let mut checked = 0;
    for c in CASES {
        let Some(dir) = shared(c.dir) else {
            eprintln!(
                "skipped {}: ../shared/{} is not beside this checkout",
                c.file, c.dir
            );
            continue;
        };
        let a = analyze_file(dir.join(c.file), Options::default())
            .unwrap_or_else(|e| panic!("{}: {e}", c.file));
        assert_eq!(
            a.connections.len(),
            c.portlife,
            "{}: connections (tshark: {} streams{}{})",
            c.file,
            c.tshark,
            if c.why.is_empty() { "" } else { "; " },
            c.why
        );
        assert!(
            c.portlife == c.tshark || !c.why.is_empty(),
            "{}: a difference from tshark needs its reason",
            c.file
        );
        // Every connection came through some of them, and all of them were used (a capture
        // may mix paths: one BGP session of ndpi_BGP_redist runs over MPLS, one not).
        let mut union: Vec<String> = Vec::new();
        for conn in &a.connections {
            let names: Vec<String> = serde_json::to_value(conn.encapsulation)
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            // Every connection came through one (Teredo.pcap also has plain IPv4 ones).
            if c.file != "Teredo.pcap" {
                assert_eq!(
                    names.is_empty(),
                    c.encapsulation.is_empty(),
                    "{}: connection {}: {names:?}",
                    c.file,
                    conn.id
                );
            }
            for n in names {
                if !union.contains(&n) {
                    union.push(n);
                }
            }
        }
        assert_eq!(union, c.encapsulation, "{}", c.file);
        for e in c.encapsulation.iter().chain(c.counted) {
            assert!(
                a.stats.encapsulations.get(*e).is_some_and(|&n| n > 0),
                "{}: stats.encapsulations {:?}",
                c.file,
                a.stats.encapsulations
            );
        }
        checked += 1;
    }
    eprintln!("{checked} encapsulation captures checked");
}

#[test]
fn fragments_of_the_garbage_capture_are_reassembled_or_said() {
    let Some(dir) = shared("captures") else {
        return;
    };
    let a = analyze_file(
        dir.join("ndpi_ip_fragmented_garbage.pcap"),
        Options::default(),
    )
    .unwrap();
    assert_eq!(a.stats.reassembled_datagrams, 4, "{:?}", a.stats);
    assert_eq!(a.stats.protocols.get("tcp"), Some(&2));
    assert_eq!(a.stats.protocols.get("malformed"), Some(&2));
    assert!(
        !a.warnings.iter().any(|w| w.kind == WarningKind::Fragments),
        "{:?}",
        a.warnings
    );
}

#[test]
fn no_frame_of_these_captures_is_left_undecoded_unsaid() {
    for c in CASES {
        let Some(dir) = shared(c.dir) else {
            continue;
        };
        let a = analyze_file(dir.join(c.file), Options::default()).unwrap();
        let warned = a
            .warnings
            .iter()
            .filter(|w| w.kind == WarningKind::NotDecoded)
            .count();
        assert_eq!(warned, a.stats.not_decoded.len(), "{}", c.file);
        assert!(
            a.stats.not_decoded.is_empty(),
            "{}: {:?}",
            c.file,
            a.stats.not_decoded
        );
    }
}

/// An Ethernet frame holding `ip`.
fn ether(ip: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00];
    f.extend_from_slice(ip);
    f
}

/// A TCP segment 10.0.0.1:40000 → 10.0.0.2:80 with flags and `len` payload bytes, cut into
/// fragments of 256 bytes of IP payload (all but the last), IPv4 identification `id`.
fn fragmented(syn: bool, ack: bool, seq: u32, len: usize, id: u16) -> Vec<Vec<u8>> {
    let b =
        etherparse::PacketBuilder::ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64).tcp(40000, 80, seq, 1000);
    let b = if syn { b.syn() } else { b };
    let b = if ack { b.ack(1) } else { b };
    let mut ip = Vec::new();
    b.write(&mut ip, &vec![0x5a; len]).unwrap();
    let body = &ip[20..];
    body.chunks(256)
        .enumerate()
        .map(|(i, c)| {
            let mut h = ip[..20].to_vec();
            let more = (i + 1) * 256 < body.len();
            h[2..4].copy_from_slice(&((20 + c.len()) as u16).to_be_bytes());
            h[4..6].copy_from_slice(&id.to_be_bytes());
            h[6..8].copy_from_slice(&((more as u16) << 13 | (i * 32) as u16).to_be_bytes());
            h.extend_from_slice(c);
            h
        })
        .collect()
}

#[test]
fn fragmented_segments_are_modelled_and_a_lost_fragment_keeps_the_tcp_header() {
    let s = 1_700_000_000_000_000_000i64;
    // A SYN sent whole in 4 fragments (the last first); then a data segment whose second
    // fragment never came.
    let mut frames = Vec::new();
    for (i, f) in fragmented(true, false, 100, 800, 1)
        .iter()
        .rev()
        .enumerate()
    {
        frames.push((s + i as i64, ether(f)));
    }
    let data = fragmented(false, true, 101, 800, 2);
    frames.push((s + 1_000_000, ether(&data[0])));
    frames.push((s + 2_000_000, ether(&data[2])));
    let file = write_pcap(&frames);
    let a = analyze_file(file.path(), Options::default()).unwrap();
    assert_eq!(a.stats.reassembled_datagrams, 1);
    assert_eq!(a.connections.len(), 1);
    let c = &a.connections[0];
    // The SYN (whole) and the data segment's header from its first fragment.
    assert_eq!(c.client_side.packets, 2, "{c:?}");
    assert_eq!(c.client_side.bytes, 800 + (256 - 20), "{c:?}");
    let w = a
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Fragments)
        .unwrap();
    assert!(
        w.message.contains("modelled from the first fragment"),
        "{}",
        w.message
    );
}
