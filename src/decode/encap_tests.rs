//! Every encapsulation built on the fly around the same TCP segment: each alone, nested, cut at
//! every byte, and nested past the depth bound.

use etherparse::PacketBuilder;
use proptest::prelude::*;

use super::*;

/// An IPv4 TCP SYN 10.0.0.2:54321 → 10.0.0.5:443 with 5 payload bytes, from the IP header on.
fn ip4_tcp() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4([10, 0, 0, 2], [10, 0, 0, 5], 64)
        .tcp(54321, 443, 1000, 65535)
        .syn()
        .write(&mut out, b"hello")
        .unwrap();
    out
}

fn ip6_tcp() -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv6([1; 16], [2; 16], 64)
        .tcp(54321, 443, 1000, 65535)
        .syn()
        .write(&mut out, b"hello")
        .unwrap();
    out
}

const MACS: [u8; 12] = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// An Ethernet frame of this EtherType around `payload`.
fn ether(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    cat(&[&MACS, &ethertype.to_be_bytes(), payload])
}

/// An IPv4 packet of protocol `proto` around `payload`.
fn ip4(proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut h = etherparse::Ipv4Header::new(
        payload.len() as u16,
        64,
        etherparse::IpNumber(proto),
        [192, 0, 2, 1],
        [192, 0, 2, 2],
    )
    .unwrap();
    h.header_checksum = h.calc_header_checksum();
    let mut out = h.to_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

fn ip6(next: u8, payload: &[u8]) -> Vec<u8> {
    let h = etherparse::Ipv6Header {
        payload_length: payload.len() as u16,
        next_header: etherparse::IpNumber(next),
        hop_limit: 64,
        source: [3; 16],
        destination: [4; 16],
        ..Default::default()
    };
    cat(&[&h.to_bytes(), payload])
}

/// A UDP datagram (inside IPv4) from port 40000 to `dport` around `payload`.
fn udp4(dport: u16, payload: &[u8]) -> Vec<u8> {
    let len = (8 + payload.len()) as u16;
    let udp = cat(&[
        &40000u16.to_be_bytes(),
        &dport.to_be_bytes(),
        &len.to_be_bytes(),
        &[0, 0],
        payload,
    ]);
    ip4(17, &udp)
}

fn vlan(id: u16, inner_type: u16, payload: &[u8]) -> Vec<u8> {
    cat(&[&id.to_be_bytes(), &inner_type.to_be_bytes(), payload])
}

fn gre(proto: u16, flags: u16, extra: &[u8], payload: &[u8]) -> Vec<u8> {
    cat(&[&flags.to_be_bytes(), &proto.to_be_bytes(), extra, payload])
}

fn vxlan(inner_frame: &[u8]) -> Vec<u8> {
    udp4(4789, &cat(&[&[0x08, 0, 0, 0, 0, 0, 42, 0], inner_frame]))
}

/// An 802.11 QoS data frame to the distribution system with LLC/SNAP around an IPv4 packet.
fn wlan_data(ip: &[u8]) -> Vec<u8> {
    let mut f = vec![0x88, 0x01, 0, 0]; // QoS data, To DS; duration
    f.extend_from_slice(&[0x11; 18]); // three addresses
    f.extend_from_slice(&[0x10, 0x00]); // sequence 1, fragment 0
    f.extend_from_slice(&[0x00, 0x00]); // QoS control
    f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
    f.extend_from_slice(ip);
    f
}

fn swapped(mut f: Vec<u8>) -> Vec<u8> {
    f.swap(0, 1);
    f
}

fn names(path: EncapPath) -> Vec<&'static str> {
    path.iter().map(Encap::name).collect()
}

/// Decodes to the test segment, through exactly these layers.
#[track_caller]
fn assert_tcp_through(lt: u16, frame: &[u8], want: &[&str]) {
    let (d, layers) = decode_layers(lt, frame);
    let Decoded::Tcp(t) = d else {
        panic!("not TCP through {want:?}: {d:?} {layers:?}");
    };
    assert_eq!((t.src.port, t.dst.port, t.payload_len), (54321, 443, 5));
    assert_eq!(names(layers.path), want);
    assert_eq!(layers.undecoded, None);
}

/// Every (link type, frame, layers) the tests below build.
fn cases() -> Vec<(u16, Vec<u8>, Vec<&'static str>)> {
    let ip = ip4_tcp();
    let e_ip = ether(0x0800, &ip);
    let mut cases = vec![
        // 802.3 with LLC/SNAP.
        (
            linktype::ETHERNET,
            ether(
                (8 + ip.len()) as u16,
                &cat(&[&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], &ip]),
            ),
            vec!["llc-snap"],
        ),
        // PBB: B-VLAN, I-TAG, the customer's frame.
        (
            linktype::ETHERNET,
            ether(0x88a8, &vlan(7, 0x88e7, &cat(&[&[0, 0, 0, 9], &e_ip]))),
            vec!["vlan", "pbb"],
        ),
        // VN-Tag then a VLAN.
        (
            linktype::ETHERNET,
            ether(
                0x8926,
                &cat(&[&[0x80, 1, 0, 2], &[0x81, 0], &vlan(5, 0x0800, &ip)]),
            ),
            vec!["vn-tag", "vlan"],
        ),
        // FabricPath: forwarding tag, then the classical frame.
        (
            linktype::ETHERNET,
            ether(0x8903, &cat(&[&[0, 0x20], &e_ip])),
            vec!["fabricpath"],
        ),
        // E-Tag.
        (
            linktype::ETHERNET,
            ether(0x893f, &cat(&[&[0; 6], &[0x08, 0x00], &ip])),
            vec!["e-tag"],
        ),
        // VLAN inside MPLS (an Ethernet pseudowire with a control word) inside a VLAN.
        (
            linktype::ETHERNET,
            ether(
                0x8100,
                &vlan(
                    3,
                    0x8847,
                    &cat(&[
                        &[0, 0x10, 0x01, 64],
                        &[0, 0, 0, 0],
                        &MACS,
                        &[0x81, 0x00],
                        &vlan(4, 0x0800, &ip),
                    ]),
                ),
            ),
            vec!["vlan", "mpls", "vlan"],
        ),
        // PPPoE session.
        (
            linktype::ETHERNET,
            ether(0x8864, &cat(&[&[0x11, 0, 0, 1, 0, 0], &[0, 0x21], &ip])),
            vec!["pppoe"],
        ),
        // PPP (9) with and without address/control, compressed protocol; PPP in HDLC (50).
        (
            linktype::PPP,
            cat(&[&[0xff, 0x03, 0x00, 0x21], &ip]),
            vec!["ppp"],
        ),
        (linktype::PPP, cat(&[&[0x21], &ip]), vec!["ppp"]),
        (
            linktype::PPP_HDLC,
            cat(&[&[0xff, 0x03, 0x00, 0x21], &ip]),
            vec!["ppp"],
        ),
        (
            linktype::PPP_HDLC,
            cat(&[&[0x0f, 0x00, 0x08, 0x00], &ip]),
            vec!["cisco-hdlc"],
        ),
        (
            linktype::PPP_ETHER,
            cat(&[&[0x11, 0, 0, 1, 0, 0], &[0, 0x21], &ip]),
            vec!["pppoe"],
        ),
        // Cisco HDLC carrying MPLS.
        (
            linktype::C_HDLC,
            cat(&[&[0x0f, 0x00, 0x88, 0x47], &[0, 1, 0x2d, 0xfe], &ip]),
            vec!["cisco-hdlc", "mpls"],
        ),
        // IPoIB: 40 address bytes, EtherType, 2 reserved.
        (
            linktype::IPOIB,
            cat(&[&[0; 40], &[0x08, 0x00, 0, 0], &ip]),
            vec!["ipoib"],
        ),
        // Juniper's capture header: bare, with two extension TLVs (an interface index and a
        // name), and with the link layer stripped (4 bytes of protocol family, then IP).
        (
            linktype::JUNIPER_ETHER,
            cat(&[b"MGC", &[0x01], &ether(0x0800, &ip)]),
            vec!["juniper"],
        ),
        (
            linktype::JUNIPER_ETHER,
            cat(&[
                b"MGC",
                &[0x81, 0, 11],
                &[4, 2, 0, 7],
                &[1, 5],
                b"ge-0/",
                &ether(0x8100, &vlan(4, 0x0800, &ip)),
            ]),
            vec!["juniper", "vlan"],
        ),
        (
            linktype::JUNIPER_ETHER,
            cat(&[b"MGC", &[0x03], &[2, 0, 0, 0], &ip]),
            vec!["juniper"],
        ),
        // Cooked capture of an InfiniBand interface.
        (
            linktype::LINUX_SLL,
            cat(&[&[0, 0, 0, 32, 0, 0], &[0; 8], &[0x08, 0x00], &ip]),
            vec!["ipoib"],
        ),
        // IP in IP: 4in4, 6in4, 4in6.
        (
            linktype::ETHERNET,
            ether(0x0800, &ip4(4, &ip)),
            vec!["ip-in-ip"],
        ),
        (
            linktype::ETHERNET,
            ether(0x0800, &ip4(41, &ip6_tcp())),
            vec!["ip-in-ip"],
        ),
        (
            linktype::ETHERNET,
            ether(0x86dd, &ip6(4, &ip)),
            vec!["ip-in-ip"],
        ),
        // GRE: plain, with checksum+key+sequence, TEB, ERSPAN I/II/III, WCCP, PPTP.
        (
            linktype::ETHERNET,
            ether(0x0800, &ip4(47, &gre(0x0800, 0, &[], &ip))),
            vec!["gre"],
        ),
        (
            linktype::ETHERNET,
            ether(0x0800, &ip4(47, &gre(0x0800, 0xb000, &[0; 12], &ip))),
            vec!["gre"],
        ),
        (
            linktype::RAW,
            ip4(47, &gre(0x6558, 0, &[], &e_ip)),
            vec!["gre"],
        ),
        (
            linktype::RAW,
            ip4(47, &gre(0x88be, 0, &[], &e_ip)),
            vec!["gre", "erspan"],
        ),
        (
            linktype::RAW,
            ip4(
                47,
                &gre(0x88be, 0x1000, &[0, 0, 0, 1], &cat(&[&[0x10; 8], &e_ip])),
            ),
            vec!["gre", "erspan"],
        ),
        (
            linktype::RAW,
            ip4(
                47,
                &gre(
                    0x22eb,
                    0x1000,
                    &[0, 0, 0, 1],
                    &cat(&[&[0x20, 0, 0, 1], &[0; 7], &[0x01], &[0; 8], &e_ip]),
                ),
            ),
            vec!["gre", "erspan"],
        ),
        (
            linktype::RAW,
            ip4(
                47,
                &gre(0x883e, 0, &[], &cat(&[&[0x05, 0x59, 0, 0x48], &ip])),
            ),
            vec!["gre", "wccp"],
        ),
        (
            linktype::RAW,
            ip4(
                47,
                &gre(
                    0x880b,
                    0x3001,
                    &[0, 5, 0, 1, 0, 0, 0, 1],
                    &cat(&[&[0xff, 3, 0, 0x21], &ip]),
                ),
            ),
            vec!["gre", "ppp"],
        ),
        // UDP tunnels.
        (
            linktype::ETHERNET,
            ether(0x0800, &vxlan(&e_ip)),
            vec!["vxlan"],
        ),
        (
            linktype::RAW,
            udp4(
                6081,
                &cat(&[&[0x02, 0x40, 0x65, 0x58, 0, 0, 10, 0], &[0; 8], &e_ip]),
            ),
            vec!["geneve"],
        ),
        (
            linktype::RAW,
            udp4(
                2152,
                &cat(&[
                    &[0x34, 0xff, 0, 0, 0, 0, 0, 1],
                    &[0, 0, 0, 0x85],
                    &[1, 0, 0, 0],
                    &ip,
                ]),
            ),
            vec!["gtp-u"],
        ),
        (
            linktype::RAW,
            udp4(3544, &cat(&[&[0, 0, 0x12, 0x34, 1, 2, 3, 4], &ip6_tcp()])),
            vec!["teredo"],
        ),
        (
            linktype::RAW,
            udp4(
                5247,
                &cat(&[&[0x00, 0x10, 0x03, 0x00, 0, 0, 0, 0], &wlan_data(&ip)]),
            ),
            vec!["capwap", "802.11"],
        ),
        (
            linktype::RAW,
            udp4(5247, &cat(&[&[0x00, 0x10, 0x02, 0x00, 0, 0, 0, 0], &e_ip])),
            vec!["capwap"],
        ),
        // Frame control bytes swapped, as Cisco controllers send them.
        (
            linktype::RAW,
            udp4(
                5247,
                &cat(&[
                    &[0x00, 0x10, 0x03, 0x00, 0, 0, 0, 0],
                    &swapped(wlan_data(&ip)),
                ]),
            ),
            vec!["capwap", "802.11"],
        ),
        // 802.11 alone and with radiotap.
        (linktype::IEEE802_11, wlan_data(&ip), vec!["802.11"]),
        (
            linktype::IEEE802_11_RADIOTAP,
            cat(&[&[0, 0, 8, 0, 0, 0, 0, 0], &wlan_data(&ip)]),
            vec!["radiotap", "802.11"],
        ),
    ];
    // Nested: a VLAN-tagged GRE packet carrying VXLAN carrying QinQ carrying 6in4.
    let inner = ether(
        0x88a8,
        &vlan(1, 0x8100, &vlan(2, 0x0800, &ip4(41, &ip6_tcp()))),
    );
    cases.push((
        linktype::ETHERNET,
        ether(
            0x8100,
            &vlan(9, 0x0800, &ip4(47, &gre(0x0800, 0, &[], &vxlan(&inner)))),
        ),
        vec!["vlan", "gre", "vxlan", "vlan", "vlan", "ip-in-ip"],
    ));
    cases
}

#[test]
fn each_encapsulation_and_nesting_decodes_the_inner_segment() {
    for (lt, frame, want) in cases() {
        assert_tcp_through(lt, &frame, &want);
    }
}

#[test]
fn the_fingerprint_bytes_are_the_innermost_ip_packet() {
    let ip = ip4_tcp();
    let f = ether(0x0800, &vxlan(&ether(0x0800, &ip)));
    assert_eq!(ip_bytes(linktype::ETHERNET, &f), Some(&ip[..]));
}

#[test]
fn cut_at_every_byte_never_panics() {
    for (lt, frame, _) in cases() {
        for cut in 0..frame.len() {
            let (d, layers) = decode_layers(lt, &frame[..cut]);
            // A cut in the TCP payload still decodes (payload length from the IP header).
            if let Decoded::Tcp(t) = d {
                assert_eq!((t.src.port, t.dst.port), (54321, 443));
            } else {
                assert!(layers.path.len() <= encap::MAX_DEPTH);
            }
        }
    }
}

#[test]
fn non_ip_payloads_are_quiet_and_unknown_ones_are_said() {
    // ARP, an LLC spanning-tree BPDU, an 802.11 beacon: known, nothing to warn about.
    let arp = ether(0x0806, &[0; 28]);
    let stp = ether(38, &cat(&[&[0x42, 0x42, 0x03], &[0; 35]]));
    let beacon = cat(&[&[0x80, 0, 0, 0], &[0xff; 20], &[0; 12]]);
    for (lt, f) in [
        (linktype::ETHERNET, arp),
        (linktype::ETHERNET, stp),
        (linktype::IEEE802_11, beacon),
    ] {
        let (d, layers) = decode_layers(lt, &f);
        assert_eq!(d, Decoded::Other(OtherKind::NotIp));
        assert_eq!(layers.undecoded, None, "{f:02x?}");
    }
    // An unknown EtherType inside PBB: said, with where.
    let f = ether(0x88e7, &cat(&[&[0, 0, 0, 9], &ether(0x1234, &[0; 20])]));
    let (d, layers) = decode_layers(linktype::ETHERNET, &f);
    assert_eq!(d, Decoded::Other(OtherKind::NotIp));
    assert_eq!(
        layers.undecoded,
        Some(Undecoded {
            at: Some(Encap::Pbb),
            why: Why::UnknownType(0x1234)
        })
    );
    // Truncated inside PBB.
    let (d, layers) = decode_layers(linktype::ETHERNET, &f[..16]);
    assert_eq!(d, Decoded::Other(OtherKind::Malformed));
    assert_eq!(layers.undecoded.map(|u| u.why), Some(Why::Truncated));
    // A protected 802.11 data frame.
    let mut w = wlan_data(&ip4_tcp());
    w[1] |= 0x40;
    let (_, layers) = decode_layers(linktype::IEEE802_11, &w);
    assert_eq!(layers.undecoded.map(|u| u.why), Some(Why::Encrypted));
    // A GRE keepalive (protocol type 0) is not an 802.3 length.
    let (_, layers) = decode_layers(linktype::RAW, &ip4(47, &gre(0, 0, &[], &[0; 8])));
    assert_eq!(layers.undecoded.map(|u| u.why), Some(Why::UnknownType(0)));
    assert!(!layers.path.contains(Encap::LlcSnap));
    // 802.3 inside a VLAN tag is.
    let (d, layers) = decode_layers(
        linktype::ETHERNET,
        &ether(0x8100, &vlan(1, 38, &cat(&[&[0x42, 0x42, 0x03], &[0; 35]]))),
    );
    assert_eq!(d, Decoded::Other(OtherKind::NotIp));
    assert_eq!(names(layers.path), ["vlan", "llc-snap"]);
    // Teredo between other ports: an IPv6 packet filling the datagram, from a Teredo address.
    let mut t6 = ip6_tcp();
    t6[8..12].copy_from_slice(&[0x20, 0x01, 0, 0]);
    let (d, layers) = decode_layers(linktype::RAW, &udp4(32900, &t6));
    assert!(matches!(d, Decoded::Tcp(_)), "{d:?}");
    assert_eq!(names(layers.path), ["teredo"]);
    // Not from a Teredo address, or not filling the datagram: plain UDP.
    let (d, _) = decode_layers(linktype::RAW, &udp4(32900, &ip6_tcp()));
    assert!(matches!(d, Decoded::Udp(_)), "{d:?}");
    let (d, _) = decode_layers(linktype::RAW, &udp4(32900, &cat(&[&t6, &[0]])));
    assert!(matches!(d, Decoded::Udp(_)), "{d:?}");
    // A Juniper capture whose header lacks the magic number is said, not guessed through.
    let (d, layers) = decode_layers(
        linktype::JUNIPER_ETHER,
        &cat(&[b"MGX", &[0x01], &ether(0x0800, &ip4_tcp())]),
    );
    assert_eq!(d, Decoded::Other(OtherKind::NotIp));
    assert_eq!(
        layers.undecoded,
        Some(Undecoded {
            at: Some(Encap::Juniper),
            why: Why::Unsupported("no Juniper magic number")
        })
    );
    // A UDP datagram on the VXLAN port that is not VXLAN stays UDP.
    let (d, layers) = decode_layers(linktype::RAW, &udp4(4789, &[0; 12]));
    assert!(matches!(d, Decoded::Udp(_)), "{d:?}");
    assert!(layers.is_plain());
}

#[test]
fn nesting_past_the_bound_stops_there() {
    // 1 000 VLAN tags: a few kilobytes of frame, MAX_DEPTH steps of work.
    let mut f = ip4_tcp();
    for _ in 0..1000 {
        f = vlan(1, 0x8100, &f);
    }
    let f = ether(0x8100, &f);
    let (d, layers) = decode_layers(linktype::ETHERNET, &f);
    assert_eq!(d, Decoded::Other(OtherKind::Malformed));
    assert_eq!(layers.undecoded.map(|u| u.why), Some(Why::TooDeep));
    assert_eq!(layers.path.len(), encap::MAX_DEPTH);
    // GRE in GRE in GRE …
    let mut p = ip4_tcp();
    for _ in 0..50 {
        p = ip4(47, &gre(0x0800, 0, &[], &p));
    }
    let (d, layers) = decode_layers(linktype::RAW, &p);
    assert_eq!(d, Decoded::Other(OtherKind::Malformed));
    assert_eq!(layers.undecoded.map(|u| u.why), Some(Why::TooDeep));
    // Exactly MAX_DEPTH layers still decode.
    let mut p = ip4_tcp();
    for _ in 0..encap::MAX_DEPTH {
        p = ip4(4, &p);
    }
    assert_tcp_through(linktype::RAW, &p, &["ip-in-ip"; encap::MAX_DEPTH]);
}

/// One wrapping layer, for the property test's random nestings.
fn wrap(kind: u8, inner_ip: &[u8]) -> Vec<u8> {
    // Every wrapper takes an IP packet and returns one (Ethernet-carrying tunnels get an
    // Ethernet header, with a tag or two).
    match kind % 8 {
        0 => ip4(4, inner_ip),
        1 => ip6(41 - 37 * (inner_ip[0] >> 4 == 4) as u8, inner_ip),
        2 => ip4(47, &gre(ip_type(inner_ip), 0, &[], inner_ip)),
        3 => vxlan(&ether(ip_type(inner_ip), inner_ip)),
        4 => ip4(
            47,
            &gre(
                0x6558,
                0x2000,
                &[0, 0, 0, 7],
                &ether(0x8100, &vlan(3, ip_type(inner_ip), inner_ip)),
            ),
        ),
        5 => udp4(2152, &cat(&[&[0x30, 0xff, 0, 0, 0, 0, 0, 1], inner_ip])),
        6 => udp4(
            6081,
            &cat(&[
                &[0, 0, 0x65, 0x58, 0, 0, 1, 0],
                &ether(ip_type(inner_ip), inner_ip),
            ]),
        ),
        _ => ip4(
            47,
            &gre(0x8847, 0, &[], &cat(&[&[0, 0x10, 0x01, 64], inner_ip])),
        ),
    }
}

fn ip_type(ip: &[u8]) -> u16 {
    if ip[0] >> 4 == 6 {
        0x86dd
    } else {
        0x0800
    }
}

proptest! {
    /// Random nestings decode to the same segment as the bare packet, as long as they stay
    /// within the bound; and flipping any byte never panics.
    #[test]
    fn random_nestings_decode_like_the_bare_packet(
        kinds in proptest::collection::vec(0u8..8, 0..6),
        v6 in any::<bool>(),
        flip in any::<usize>(), to in any::<u8>(),
    ) {
        let bare = if v6 { ip6_tcp() } else { ip4_tcp() };
        let mut p = bare.clone();
        for &k in &kinds {
            p = wrap(k, &p);
        }
        let f = ether(ip_type(&p), &p);
        let (d, layers) = decode_layers(linktype::ETHERNET, &f);
        if layers.path.len() < encap::MAX_DEPTH {
            prop_assert_eq!(d, decode(linktype::RAW, &bare), "{:?}", layers);
        }
        let mut g = f.clone();
        let at = flip % g.len();
        g[at] = to;
        let _ = decode_layers(linktype::ETHERNET, &g);
        for cut in [at, g.len() / 2, g.len().saturating_sub(1)] {
            let _ = decode_layers(linktype::ETHERNET, &g[..cut]);
        }
    }

    #[test]
    fn arbitrary_bytes_under_every_new_link_type_never_panic(
        lt in proptest::sample::select(vec![
            linktype::PPP, linktype::PPP_HDLC, linktype::PPP_ETHER, linktype::C_HDLC,
            linktype::IEEE802_11, linktype::IEEE802_11_RADIOTAP, linktype::IPOIB,
            linktype::JUNIPER_ETHER,
            linktype::ETHERNET, linktype::RAW,
        ]),
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let _ = decode_layers(lt, &bytes);
    }
}
