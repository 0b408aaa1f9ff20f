//! portlife beside Wireshark, run live: `tshark -2` on every sample, every capture in
//! `../shared/captures` and every Zeek trace in `../shared/zeek-dev`, compared stream by stream
//! with portlife's connections on `tcp.completeness` (1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN,
//! 32 RST) and packets. A stream and a connection are the same when they start at the same
//! frame; streams portlife splits or does not see (a tunnel it does not peel, a capture
//! duplicate it drops) are not compared here — tests/zeek_dev.rs and tests/tracker_captures.rs
//! account for those.
//!
//! tshark is installed by `.ci/run`; under `CI=true` a missing tshark fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use portlife::analysis::analyze_file;
use portlife::decode::linktype;

mod common;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// (file, the stream's first frame, where Wireshark's value comes from its own conversation
/// handling rather than from the segments). The test fails if one of these stops differing.
const KNOWN: &[(&str, u64, &str)] = &[
    (
        "handshake-reorder.pcap",
        1,
        "the SYN-ACK is captured before the SYN: Wireshark starts a new conversation at the \
         SYN, and its frames show two values (28, then 30), neither with the SYN bit",
    ),
    (
        "ipv6.pcap",
        30,
        "an FTP data connection: Wireshark's FTP dissector sets its conversation up from the \
         EPSV reply before the SYN arrives, and that SYN never sets bit 1 (30, not 31)",
    ),
    ("ipv6.pcap", 47, "the second FTP data connection, as above"),
    ("ipv6.pcap", 70, "the third FTP data connection, as above"),
    (
        "modbus-and-non-modbus-p502.pcap",
        62,
        "portlife ends this connection at the client's RST and makes the data 16 s later a new \
         one (no socket outlives a RST); Wireshark keeps one stream, whose value (43) also \
         lacks the ACK bit its later ACK-carrying segment would set",
    ),
    (
        "wikipedia.pcap",
        113,
        "a lone SYN-ACK, nothing else: Wireshark reports 0 for it",
    ),
    (
        "ndpi_BGP_redist.pcap",
        1,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "ndpi_BGP_redist.pcap",
        2,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "tcpdump_bgp_vpn_attrset.pcap",
        1,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "tcpdump_gso-ipv4-vxlan-ipv4.pcap",
        1,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "tcpdump_wccp_redirect_gre.pcap",
        1,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "ndpi_ip_fragmented_garbage.pcap",
        626,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "ndpi_ip_fragmented_garbage.pcap",
        939,
        "a stream of one segment: Wireshark reports 0 for it, as for wikipedia's lone SYN-ACK",
    ),
    (
        "ndpi_4in6tunnel.pcap",
        1,
        "SYN, SYN-ACK, then two ACKs that both carry data: Wireshark gives 11 (no 4), setting \
         its ACK bit only for an ACK without payload, where portlife sets it for any ACK",
    ),
];

fn captures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["samples", "../shared/captures", "../shared/zeek-dev/pcaps"] {
        let Ok(rd) = std::fs::read_dir(Path::new(ROOT).join(dir)) else {
            assert!(
                std::env::var_os("CI").is_none() || dir == "samples",
                "{dir} missing: CI needs ../shared beside the clone"
            );
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".pcap") || name.ends_with(".pcapng") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Whether tshark can be run; outside CI a missing one skips the test (and says so), under
/// `CI=true` it fails it.
fn tshark_present() -> bool {
    if Command::new("tshark").arg("-v").output().is_ok() {
        return true;
    }
    common::skip_or_fail("tshark not installed");
    false
}

/// Per tcp.stream: (first frame, completeness, packets), from `tshark -2`.
fn tshark_streams(file: &Path) -> BTreeMap<u64, (u64, u8, u64)> {
    let out = Command::new("tshark")
        .args(["-2", "-n", "-r"])
        .arg(file)
        .args(["-T", "fields", "-e", "tcp.stream", "-e", "frame.number"])
        .args(["-e", "tcp.completeness", "-Y", "tcp"])
        .output()
        .expect("tshark runs");
    let mut streams: BTreeMap<u64, (u64, u8, u64)> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: Vec<&str> = line.split('\t').collect();
        // A frame with a TCP header inside an ICMP error lists two streams: skip those.
        let (Ok(stream), Ok(frame), Ok(comp)) = (v[0].parse(), v[1].parse(), v[2].parse()) else {
            continue;
        };
        let e = streams.entry(stream).or_insert((frame, comp, 0));
        e.0 = e.0.min(frame);
        e.1 = comp;
        e.2 += 1;
    }
    streams
}

#[test]
fn completeness_is_wiresharks_on_every_capture() {
    if !tshark_present() {
        return;
    }
    let mut compared = 0;
    let mut wrong = Vec::new();
    let mut known_seen = Vec::new();
    for file in captures() {
        let Ok(a) = analyze_file(&file, Default::default()) else {
            continue;
        };
        let ours: BTreeMap<u64, _> = a
            .connections
            .iter()
            .map(|c| (c.first_packet_index + 1, c))
            .collect();
        for (stream, (first, comp, _)) in tshark_streams(&file) {
            let Some(c) = ours.get(&first) else { continue };
            compared += 1;
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let known = KNOWN.iter().any(|&(f, fr, _)| f == name && fr == first);
            if known {
                known_seen.push((name.clone(), first));
                if c.completeness == comp {
                    wrong.push(format!(
                        "{name} frame {first}: listed in KNOWN but now agrees"
                    ));
                }
                continue;
            }
            if c.completeness != comp {
                wrong.push(format!(
                    "{} stream {stream} (frame {first}): tshark {comp}, portlife {} ({})",
                    file.file_name().unwrap().to_string_lossy(),
                    c.completeness,
                    c.history
                ));
            }
        }
    }
    assert!(compared >= 1000, "only {compared} streams compared");
    if std::path::Path::new(ROOT)
        .join("../shared/zeek-dev")
        .exists()
    {
        assert_eq!(
            known_seen.len(),
            KNOWN.len(),
            "KNOWN rows not met: {known_seen:?}"
        );
    }
    assert!(
        wrong.is_empty(),
        "{compared} compared:\n{}",
        wrong.join("\n")
    );
}

/// Juniper's capture header (link type 178), in the three shapes the router writes: bare, with
/// extension TLVs (an interface index and name), and with the link layer stripped. No capture
/// of it from a real router is within reach, so the frames are built here from the layout
/// tcpdump's print-juniper.c and Wireshark's packet-juniper.c read, and Wireshark's dissector
/// is the peer: both must find the same TCP streams, on the same ports.
#[test]
fn juniper_ethernet_frames_decode_as_wiresharks_do() {
    if !tshark_present() {
        return;
    }
    let heads: [&[u8]; 3] = [
        b"MGC\x01",
        b"MGC\x81\x00\x0b\x04\x02\x00\x07\x01\x05ge-0/",
        b"MGC\x03\x02\x00\x00\x00",
    ];
    let mut file = tempfile::NamedTempFile::new().unwrap();
    {
        let mut w =
            portlife::source::PcapWriter::new(file.as_file_mut(), linktype::JUNIPER_ETHER).unwrap();
        for (k, head) in heads.iter().enumerate() {
            let port = 40000 + k as u16;
            let (c, s) = (([10, 0, 0, 2], port), ([10, 0, 0, 5], 443));
            let t = common::T0 + k as i64 * common::S;
            for (i, (from_client, flags, seq, ack)) in [
                (true, "S", 100, 0),
                (false, "SA", 500, 101),
                (true, "A", 101, 501),
                (true, "FA", 101, 501),
                (false, "FA", 501, 102),
                (true, "A", 102, 502),
            ]
            .into_iter()
            .enumerate()
            {
                let (a, b) = if from_client { (c, s) } else { (s, c) };
                let frame = common::tcp(a, b, flags, seq, ack, &[]);
                // Without the link layer the router keeps the IP packet alone.
                let l2 = if head[3] & 0x02 != 0 {
                    &frame[14..]
                } else {
                    &frame[..]
                };
                w.write_packet(t + i as i64 * common::MS, &[*head, l2].concat())
                    .unwrap();
            }
        }
    }
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(file.path())
        .args([
            "-T",
            "fields",
            "-e",
            "tcp.stream",
            "-e",
            "tcp.srcport",
            "-Y",
            "tcp.flags.syn==1 && tcp.flags.ack==0",
        ])
        .output()
        .expect("tshark runs");
    let theirs: Vec<(u64, u16)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (s, p) = l.split_once('\t')?;
            Some((s.parse().ok()?, p.parse().ok()?))
        })
        .collect();
    assert_eq!(
        theirs,
        [(0, 40000), (1, 40001), (2, 40002)],
        "Wireshark's reading"
    );
    let a = analyze_file(file.path(), Default::default()).unwrap();
    let ours: Vec<(usize, u16)> = a
        .connections
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.client.port))
        .collect();
    assert_eq!(ours, [(0, 40000), (1, 40001), (2, 40002)]);
    for c in &a.connections {
        assert!(c.is_over(), "{c:?}");
        assert_eq!(
            serde_json::to_value(c.encapsulation).unwrap(),
            serde_json::json!(["juniper"])
        );
    }
    assert!(a.stats.not_decoded.is_empty(), "{:?}", a.stats.not_decoded);
}
