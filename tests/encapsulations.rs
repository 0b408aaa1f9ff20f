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
    /// The encapsulations every connection of the file came through, outermost first.
    encapsulation: &'static [&'static str],
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
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_gso-ipv4-vxlan-ipv4.pcap",
        encapsulation: &["vxlan"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_wccp_redirect_gre.pcap",
        encapsulation: &["gre", "wccp"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_bgp_vpn_attrset.pcap",
        encapsulation: &["ppp"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "tcpdump_ipoib.pcap",
        encapsulation: &["ipoib"],
        tshark: 6,
        portlife: 6,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_6in4tunnel.pcap",
        encapsulation: &["ip-in-ip"],
        tshark: 6,
        portlife: 6,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_4in6tunnel.pcap",
        encapsulation: &["ip-in-ip"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_BGP_redist.pcap",
        encapsulation: &["cisco-hdlc", "mpls"],
        tshark: 2,
        portlife: 2,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_ip_fragmented_garbage.pcap",
        encapsulation: &[],
        tshark: 4,
        portlife: 4,
        why: "",
    },
    Case {
        dir: "captures",
        file: "ndpi_capwap_data.pcapng",
        encapsulation: &["capwap", "802.11"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "pbb.pcap",
        encapsulation: &["vlan", "pbb"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "gre-sample.pcap",
        encapsulation: &["gre"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "vxlan-encapsulated-http.pcap",
        encapsulation: &["vxlan"],
        tshark: 1,
        portlife: 1,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "Teredo.pcap",
        encapsulation: &["teredo"],
        tshark: 4,
        portlife: 4,
        why: "",
    },
    Case {
        dir: "zeek-dev/pcaps",
        file: "pppoe-over-qinq.pcap",
        encapsulation: &["vlan", "pppoe"],
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
            eprintln!("skipped {}: ../shared/{} is not beside this checkout", c.file, c.dir);
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
        for conn in &a.connections {
            let names: Vec<String> = serde_json::to_value(conn.encapsulation)
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(names, c.encapsulation, "{}: connection {}", c.file, conn.id);
        }
        for e in c.encapsulation {
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
    assert!(a.stats.reassembled_datagrams > 0, "{:?}", a.stats);
}
