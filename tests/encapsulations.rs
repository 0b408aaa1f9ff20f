//! Real captures of every encapsulation portlife peels (../shared/captures and the tunnel traces
//! of ../shared/zeek-dev, recorded by other projects): the TCP connections portlife rebuilds are
//! pinned to the TCP streams Wireshark finds (`tshark -r F -T fields -e tcp.stream | sort -u |
//! wc -l`, Debian's tshark 4), each difference explained where it is listed; the encapsulations
//! are counted by name, each connection says what it came through, and no frame that might
//! carry TCP is left undecoded without a warning.

use std::path::PathBuf;

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
        // Its 4 TCP connections are plain IPv4; the Teredo datagrams carry IPv6 bubbles
        // (no next header), counted through Teredo and decoded as other-ip.
        encapsulation: &[],
        counted: &["teredo"],
        tshark: 4,
        portlife: 4,
        why: "",
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
            assert_eq!(
                names.is_empty(),
                c.encapsulation.is_empty(),
                "{}: connection {}: {names:?}",
                c.file,
                conn.id
            );
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
        !a.warnings.iter().any(|w| w.kind == "fragments"),
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
            .filter(|w| w.kind == "not_decoded")
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
