//! Peeling: from a captured frame (or the payload of a tunnel) down to the bytes that start with
//! an IPv4 or IPv6 header, through whatever link layers and encapsulations wrap it.
//!
//! Every peeler reads fixed-size or self-described headers out of the frame's own bytes: nothing
//! is allocated, no length field is trusted past the bytes that are there, and the walk is
//! bounded by [`MAX_DEPTH`] layers (each one recorded in the frame's [`EncapPath`]), so a frame
//! of nested headers cannot make the work grow.
//!
//! References for the header layouts: IEEE 802.1Q (VLAN, QinQ), 802.1ah (PBB I-TAG), 802.1BR
//! (E-Tag), 802.2 / RFC 1042 (LLC/SNAP), RFC 3032 (MPLS), RFC 4448 §4.6 (pseudowire control
//! word), RFC 1661/1662 (PPP), RFC 2516 (PPPoE), RFC 2784/2890 (GRE), RFC 2637 (enhanced GRE for
//! PPTP), draft-foschiano-erspan (ERSPAN I/II/III), RFC 7348 (VXLAN), RFC 8926 (Geneve), 3GPP
//! TS 29.281 (GTP-U), RFC 4380 (Teredo), RFC 5415/5416 (CAPWAP data, 802.11 binding), IEEE
//! 802.11 and radiotap.org, draft-mclaggan-wccp-v2 §4.12 (WCCP redirect header), tcpdump's
//! print-ipoib.c (the 44-byte LINKTYPE_IPOIB header), Cisco's FabricPath and VN-Tag formats as
//! Wireshark's packet-cfp.c and packet-vntag.c read them, and the Juniper capture header as
//! tcpdump's print-juniper.c and Wireshark's packet-juniper.c read it.

use super::encap::{be16, Encap, EncapPath, Stop, Why, MAX_DEPTH};
use super::linktype;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
const ETHERTYPE_MPLS: u16 = 0x8847;
const ETHERTYPE_MPLS_MC: u16 = 0x8848;
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
const ETHERTYPE_PBB: u16 = 0x88e7;
const ETHERTYPE_VNTAG: u16 = 0x8926;
const ETHERTYPE_ETAG: u16 = 0x893f;
const ETHERTYPE_FABRICPATH: u16 = 0x8903;
const ETHERTYPE_TEB: u16 = 0x6558;

/// EtherTypes of protocols that never carry IP: decoded as "not IP", without a warning.
const NOT_IP_ETHERTYPES: &[u16] = &[
    0x0806, // ARP
    0x8035, // RARP (and Cisco SLARP)
    0x0842, // Wake-on-LAN
    0x22f0, // AVTP
    0x22f3, // TRILL
    0x6002, // DEC MOP
    0x809b, // AppleTalk
    0x80f3, // AARP
    0x8102, // Cisco BOFL (breath of life)
    0x8137, // IPX
    0x8808, // Ethernet flow control
    0x8809, // slow protocols (LACP, OAM)
    0x8863, // PPPoE discovery
    0x886f, // Microsoft NLB
    0x8892, // PROFINET
    0x888e, // 802.1X EAPOL
    0x8899, // Realtek
    0x88a2, // ATA over Ethernet
    0x88a4, // EtherCAT
    0x88b8, // GOOSE
    0x88ba, // IEC 61850 sampled values
    0x88cc, // LLDP
    0x88e1, // HomePlug
    0x88f7, // PTP
    0x88fb, // PRP
    0x8902, // CFM
    0x893a, // IEEE 1905
    0x9000, // loopback
    0x2000, // CDP (over SNAP)
    0x2003, // VTP (over SNAP)
    0x2004, // DTP (over SNAP)
    0x010b, // PVST+ (over SNAP)
];

/// What a layer hands to the next: bytes that start with a header of this kind.
#[derive(Clone, Copy, Debug)]
pub enum Inner<'a> {
    /// An IPv4 or IPv6 header (judged by its version nibble).
    Ip(&'a [u8]),
    /// A whole Ethernet frame (destination MAC first).
    Ether(&'a [u8]),
    /// What follows an EtherType field of this value.
    Typed(u16, &'a [u8]),
    /// An 802.11 MAC frame (frame control first).
    Wlan(&'a [u8]),
    /// An 802.11 frame from a CAPWAP tunnel, whose frame control bytes may be swapped (Cisco's
    /// controllers send them so; Wireshark's CAPWAP "swap frame control" setting, on by
    /// default, reads them back).
    WlanMaybeSwapped(&'a [u8]),
    /// A PPP frame, maybe with the HDLC address and control bytes `ff 03` in front.
    Ppp(&'a [u8]),
    /// An 802.2 LLC header.
    Llc(&'a [u8]),
}

fn push(path: &mut EncapPath, e: Encap) -> Result<(), Stop> {
    if path.push(e) {
        Ok(())
    } else {
        Err(Stop::at(path.last(), Why::TooDeep))
    }
}

fn truncated(path: &EncapPath) -> Stop {
    Stop::at(path.last(), Why::Truncated)
}

fn tail<'a>(b: &'a [u8], from: usize, path: &EncapPath) -> Result<&'a [u8], Stop> {
    b.get(from..).ok_or_else(|| truncated(path))
}

/// The link layer of a captured frame peeled down to its IP packet. The plain Ethernet/IP case
/// is answered before anything else is looked at (the reading thread's floor depends on it).
#[inline(always)]
pub fn peel_link<'a>(lt: u16, frame: &'a [u8], path: &mut EncapPath) -> Result<&'a [u8], Stop> {
    if lt == linktype::ETHERNET {
        if let (Some(ETHERTYPE_IPV4 | ETHERTYPE_IPV6), Some(rest)) =
            (be16(frame, 12), frame.get(14..))
        {
            return by_version(rest, path);
        }
    }
    link_general(lt, frame, path)
}

#[inline(never)]
fn link_general<'a>(lt: u16, frame: &'a [u8], path: &mut EncapPath) -> Result<&'a [u8], Stop> {
    use linktype::*;
    let first = match lt {
        ETHERNET => Inner::Ether(frame),
        RAW | RAW_12 | RAW_14 | IPV4 | IPV6 => Inner::Ip(frame),
        NULL | LOOP => {
            let fam = frame.get(0..4).ok_or_else(|| truncated(path))?;
            // NULL stores the family in the capturing host's byte order, LOOP in network order.
            // Families are small numbers, so whichever end is non-zero tells the order.
            let family = if fam[0] == 0 && fam[1] == 0 {
                u32::from_be_bytes([fam[0], fam[1], fam[2], fam[3]])
            } else {
                u32::from_le_bytes([fam[0], fam[1], fam[2], fam[3]])
            };
            match family {
                // AF_INET everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD),
                // 30 (macOS).
                2 | 10 | 24 | 28 | 30 => Inner::Ip(&frame[4..]),
                _ => return Err(Stop::NotIp),
            }
        }
        LINUX_SLL => {
            // 16-byte header: packet type, ARPHRD type, address length, 8 address bytes, then
            // the protocol (an EtherType, or a Linux ETH_P_* number below 0x0600).
            let proto = be16(frame, 14).ok_or_else(|| truncated(path))?;
            if be16(frame, 2) == Some(ARPHRD_INFINIBAND) {
                push(path, Encap::Ipoib)?;
            }
            sll_protocol(proto, tail(frame, 16, path)?)
        }
        LINUX_SLL2 => {
            // 20-byte header: protocol first, the ARPHRD type at offset 8.
            let proto = be16(frame, 0).ok_or_else(|| truncated(path))?;
            let rest = tail(frame, 20, path)?;
            if be16(frame, 8) == Some(ARPHRD_INFINIBAND) {
                push(path, Encap::Ipoib)?;
            }
            sll_protocol(proto, rest)
        }
        NFLOG => return nflog_payload(frame, path),
        PPP | PPP_HDLC => {
            // LINKTYPE_PPP_HDLC frames may be Cisco HDLC instead (tcpdump's ppp_hdlc_if_print
            // tells them apart by the first byte, as here).
            if lt == PPP_HDLC && matches!(frame.first(), Some(0x0f | 0x8f)) {
                chdlc(frame, path)?
            } else {
                Inner::Ppp(frame)
            }
        }
        PPP_ETHER => {
            push(path, Encap::Pppoe)?;
            pppoe_session(frame, path)?
        }
        C_HDLC => chdlc(frame, path)?,
        IPOIB => {
            // 44 bytes: 20-byte destination and source hardware addresses, the EtherType at
            // offset 40, two reserved bytes.
            push(path, Encap::Ipoib)?;
            let proto = be16(frame, 40).ok_or_else(|| truncated(path))?;
            Inner::Typed(proto, tail(frame, 44, path)?)
        }
        JUNIPER_ETHER => {
            push(path, Encap::Juniper)?;
            juniper(frame, path)?
        }
        IEEE802_11 => Inner::Wlan(frame),
        IEEE802_11_RADIOTAP => {
            push(path, Encap::Radiotap)?;
            // version 0, a pad byte, then the header's length (little-endian, RFC-less but
            // fixed by radiotap.org) covering every field.
            match frame.first() {
                Some(0) => {}
                Some(&v) => return Err(Stop::at(path.last(), Why::UnknownType(v as u16))),
                None => return Err(truncated(path)),
            }
            let len = frame
                .get(2..4)
                .map(|l| u16::from_le_bytes([l[0], l[1]]) as usize)
                .ok_or_else(|| truncated(path))?;
            Inner::Wlan(tail(frame, len.max(8), path)?)
        }
        _ => return Err(Stop::LinkType),
    };
    to_ip(first, path)
}

const ARPHRD_INFINIBAND: u16 = 32;

/// The header a Juniper router puts before each captured frame: the magic "MGC", a flags byte,
/// then (flag 0x80) a 2-byte length and that many bytes of TLV extensions (interface names and
/// indexes). Flag 0x02 says the router stripped the link layer: 4 more bytes (a protocol family,
/// in the router's byte order) and then the IP packet; otherwise an Ethernet frame follows. The
/// extensions' total length is what tells where the frame starts, so the TLVs are skipped
/// without being read.
fn juniper<'a>(frame: &'a [u8], path: &EncapPath) -> Result<Inner<'a>, Stop> {
    const MAGIC: &[u8] = b"MGC";
    const EXTENSIONS: u8 = 0x80;
    const NO_L2: u8 = 0x02;
    let head = frame.get(0..4).ok_or_else(|| truncated(path))?;
    if &head[0..3] != MAGIC {
        return Err(Stop::at(
            path.last(),
            Why::Unsupported("no Juniper magic number"),
        ));
    }
    let flags = head[3];
    let mut len = 4;
    if flags & EXTENSIONS != 0 {
        len += 2 + be16(frame, 4).ok_or_else(|| truncated(path))? as usize;
    }
    if flags & NO_L2 != 0 {
        return Ok(Inner::Ip(tail(frame, len + 4, path)?));
    }
    Ok(Inner::Ether(tail(frame, len, path)?))
}

/// A cooked (SLL) protocol: an EtherType, or one of Linux's small ETH_P_* numbers.
fn sll_protocol(proto: u16, rest: &[u8]) -> Inner<'_> {
    match proto {
        // ETH_P_802_2: the frame starts with an LLC header.
        0x0004 => Inner::Llc(rest),
        _ => Inner::Typed(proto, rest),
    }
}

/// Peel layer after layer until an IP header. Each step consumes a header and all but the
/// EtherType dispatch record one layer, so the walk ends within `2 × MAX_DEPTH + 2` steps.
pub fn to_ip<'a>(mut next: Inner<'a>, path: &mut EncapPath) -> Result<&'a [u8], Stop> {
    for _ in 0..2 * MAX_DEPTH + 2 {
        next = match next {
            Inner::Ip(b) => return by_version(b, path),
            Inner::Ether(b) => {
                let t = be16(b, 12).ok_or_else(|| truncated(path))?;
                type_or_length(t, &b[14..], path)?
            }
            Inner::Typed(t, b) => ethertype(t, b, path)?,
            Inner::Llc(b) => llc(b, path)?,
            Inner::Ppp(b) => ppp(b, path)?,
            Inner::Wlan(b) => wlan(b, false, path)?,
            Inner::WlanMaybeSwapped(b) => wlan(b, true, path)?,
        };
    }
    Err(Stop::at(path.last(), Why::TooDeep))
}

fn by_version<'a>(b: &'a [u8], path: &EncapPath) -> Result<&'a [u8], Stop> {
    match b.first().map(|v| v >> 4) {
        Some(4) | Some(6) => Ok(b),
        Some(v) => Err(Stop::at(path.last(), Why::UnknownType(v as u16))),
        None => Err(truncated(path)),
    }
}

/// The type/length field of an Ethernet header or a VLAN tag: up to 1500 it is 802.3's length,
/// and an LLC header follows. (Everywhere else — GRE, SLL, Geneve, Cisco HDLC — the field is
/// always a protocol type.)
fn type_or_length<'a>(t: u16, b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    if t <= 1500 {
        push(path, Encap::LlcSnap)?;
        Ok(Inner::Llc(b))
    } else {
        Ok(Inner::Typed(t, b))
    }
}

/// One EtherType's header.
fn ethertype<'a>(t: u16, b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    Ok(match t {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => Inner::Ip(b),
        ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
            push(path, Encap::Vlan)?;
            let t = be16(b, 2).ok_or_else(|| truncated(path))?;
            type_or_length(t, &b[4..], path)?
        }
        ETHERTYPE_MPLS | ETHERTYPE_MPLS_MC => {
            push(path, Encap::Mpls)?;
            mpls(b, path)?
        }
        ETHERTYPE_PPPOE_SESSION => {
            push(path, Encap::Pppoe)?;
            pppoe_session(b, path)?
        }
        ETHERTYPE_PBB => {
            // 4-byte I-TAG (priority, flags, 24-bit I-SID), then the customer's frame.
            push(path, Encap::Pbb)?;
            Inner::Ether(tail(b, 4, path)?)
        }
        ETHERTYPE_VNTAG => {
            push(path, Encap::VnTag)?;
            let t = be16(b, 4).ok_or_else(|| truncated(path))?;
            Inner::Typed(t, &b[6..])
        }
        ETHERTYPE_ETAG => {
            push(path, Encap::ETag)?;
            let t = be16(b, 6).ok_or_else(|| truncated(path))?;
            Inner::Typed(t, &b[8..])
        }
        ETHERTYPE_FABRICPATH => {
            // The outer addresses were the Ethernet header; 2 bytes of forwarding tag and TTL,
            // then the classical Ethernet frame.
            push(path, Encap::FabricPath)?;
            Inner::Ether(tail(b, 2, path)?)
        }
        ETHERTYPE_TEB => Inner::Ether(b),
        t if NOT_IP_ETHERTYPES.contains(&t) => return Err(Stop::NotIp),
        // MACsec protects the frame: nothing readable inside.
        0x88e5 => return Err(Stop::at(path.last(), Why::Encrypted)),
        t => return Err(Stop::at(path.last(), Why::UnknownType(t))),
    })
}

/// 4-byte labels until the bottom-of-stack bit, then what the first nibble suggests (MPLS does
/// not say what it carries): IPv4, IPv6, a pseudowire control word (0000) before an Ethernet
/// frame, or an Ethernet frame without one — the same guess Wireshark makes.
fn mpls<'a>(mut b: &'a [u8], path: &EncapPath) -> Result<Inner<'a>, Stop> {
    loop {
        let label = b.get(0..4).ok_or_else(|| truncated(path))?;
        b = &b[4..];
        if label[2] & 0x01 != 0 {
            break;
        }
    }
    Ok(match b.first().map(|v| v >> 4) {
        Some(4 | 6) => Inner::Ip(b),
        Some(0) => Inner::Ether(tail(b, 4, path)?),
        Some(_) => Inner::Ether(b),
        None => return Err(truncated(path)),
    })
}

/// 6-byte PPPoE session header, then the PPP protocol number (RFC 2516 §4).
fn pppoe_session<'a>(b: &'a [u8], path: &EncapPath) -> Result<Inner<'a>, Stop> {
    let proto = be16(b, 6).ok_or_else(|| truncated(path))?;
    ppp_protocol(proto, &b[8..], path)
}

/// What a PPP protocol number carries.
fn ppp_protocol<'a>(proto: u16, b: &'a [u8], path: &EncapPath) -> Result<Inner<'a>, Stop> {
    Ok(match proto {
        0x0021 | 0x0057 => Inner::Ip(b),
        0x0281 | 0x0283 => Inner::Typed(ETHERTYPE_MPLS, b),
        0x002d | 0x002f => {
            return Err(Stop::at(
                path.last(),
                Why::Unsupported("Van Jacobson compressed TCP/IP"),
            ))
        }
        0x00fd | 0x00fb => return Err(Stop::at(path.last(), Why::Unsupported("compressed"))),
        0x0053 | 0x0055 => return Err(Stop::at(path.last(), Why::Encrypted)),
        // Network and link control protocols (LCP, IPCP, IPv6CP, PAP, CHAP, CCP …) carry no IP.
        p if p >= 0x8000 => return Err(Stop::NotIp),
        p => return Err(Stop::at(path.last(), Why::UnknownType(p))),
    })
}

/// A PPP frame (RFC 1661 §2, RFC 1662 §3): optional `ff 03`, then a 1- or 2-byte protocol (an
/// odd first byte is a compressed one-byte protocol).
fn ppp<'a>(b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    push(path, Encap::Ppp)?;
    let b = if b.starts_with(&[0xff, 0x03]) {
        &b[2..]
    } else {
        b
    };
    let first = *b.first().ok_or_else(|| truncated(path))?;
    if first & 1 == 1 {
        ppp_protocol(first as u16, &b[1..], path)
    } else {
        let proto = be16(b, 0).ok_or_else(|| truncated(path))?;
        ppp_protocol(proto, &b[2..], path)
    }
}

/// Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, then an EtherType.
fn chdlc<'a>(b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    push(path, Encap::CiscoHdlc)?;
    let t = be16(b, 2).ok_or_else(|| truncated(path))?;
    Ok(Inner::Typed(t, &b[4..]))
}

/// 802.2 LLC: SNAP (AA AA 03, an OUI and an EtherType) or IP's own SAP (06); every other SAP
/// (spanning tree, NetBIOS, IPX, IS-IS …) carries no IP.
fn llc<'a>(b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    let h = b.get(0..3).ok_or_else(|| truncated(path))?;
    match (h[0], h[1], h[2]) {
        (0xaa, 0xaa, 0x03) => {
            let snap = b.get(3..8).ok_or_else(|| truncated(path))?;
            let t = u16::from_be_bytes([snap[3], snap[4]]);
            match [snap[0], snap[1], snap[2]] {
                // RFC 1042 and 802.1H: the EtherType as on Ethernet.
                [0, 0, 0] | [0, 0, 0xf8] => Ok(Inner::Typed(t, &b[8..])),
                // Cisco's own protocols (CDP, VTP, DTP, PVST+).
                [0, 0, 0x0c] => Err(Stop::NotIp),
                // 802.1 bridged Ethernet, without (7) or with (1) the FCS: 2 pad bytes, then the
                // frame.
                [0, 0x80, 0xc2] if t == 7 || t == 1 => Ok(Inner::Ether(tail(b, 10, path)?)),
                _ => Err(Stop::at(
                    path.last(),
                    Why::Unsupported("SNAP with an organisation's own protocol"),
                )),
            }
        }
        (0x06, 0x06, _) => Ok(Inner::Ip(&b[3..])),
        _ => Err(Stop::NotIp),
    }
}

/// An 802.11 data frame with LLC/SNAP, as it arrives on a monitor interface or in CAPWAP.
fn wlan<'a>(b: &'a [u8], maybe_swapped: bool, path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    push(path, Encap::Wlan)?;
    let fc = b.get(0..2).ok_or_else(|| truncated(path))?;
    // The protocol version (the low 2 bits of the first byte) is 0: a first byte with another
    // version and a second byte with 0 there is a swapped frame control.
    let fc = if maybe_swapped && fc[0] & 3 != 0 && fc[1] & 3 == 0 {
        [fc[1], fc[0]]
    } else {
        [fc[0], fc[1]]
    };
    let (kind, subtype, flags) = ((fc[0] >> 2) & 3, fc[0] >> 4, fc[1]);
    if fc[0] & 3 != 0 {
        return Err(Stop::at(path.last(), Why::UnknownType(fc[0] as u16 & 3)));
    }
    // Management (0) and control (1) frames, and data frames without data (Null, QoS Null…)
    // carry no IP.
    if kind != 2 || subtype & 0x4 != 0 {
        return Err(Stop::NotIp);
    }
    let qos = subtype & 0x8 != 0;
    let four_addresses = flags & 0x03 == 0x03;
    let mut len = 24 + if four_addresses { 6 } else { 0 };
    if qos {
        let qc = *b.get(len).ok_or_else(|| truncated(path))?;
        if qc & 0x80 != 0 {
            return Err(Stop::at(path.last(), Why::Unsupported("A-MSDU")));
        }
        len += 2;
        if flags & 0x80 != 0 {
            len += 4; // HT control
        }
    }
    if b.len() < 24 {
        return Err(truncated(path));
    }
    // More fragments follow: this piece is not a whole packet. (A fragment number without
    // that flag is read as a whole frame, as Wireshark does when it has no earlier pieces:
    // some access points number their frames so.)
    if flags & 0x04 != 0 {
        return Err(Stop::at(path.last(), Why::Unsupported("802.11 fragment")));
    }
    if flags & 0x40 != 0 {
        return Err(Stop::at(path.last(), Why::Encrypted));
    }
    Ok(Inner::Llc(tail(b, len, path)?))
}

/// LINKTYPE_NFLOG: a 4-byte header (family, version, resource id) then TLVs whose length and type
/// are in the capturing host's byte order (little-endian on every host that runs Linux NFLOG
/// captures today); NFULA_PAYLOAD (type 9) holds the IP packet. TLVs are padded to 4 bytes.
fn nflog_payload<'a>(frame: &'a [u8], path: &EncapPath) -> Result<&'a [u8], Stop> {
    const NFULA_PAYLOAD: u16 = 9;
    let mut at = 4;
    while at + 4 <= frame.len() {
        let len = u16::from_le_bytes([frame[at], frame[at + 1]]) as usize;
        let typ = u16::from_le_bytes([frame[at + 2], frame[at + 3]]) & 0x7fff;
        if len < 4 {
            return Err(truncated(path));
        }
        if typ == NFULA_PAYLOAD {
            let end = (at + len).min(frame.len());
            return by_version(&frame[at + 4..end], path);
        }
        at += (len + 3) & !3;
    }
    Err(Stop::NotIp)
}

/// IP protocol numbers that carry a tunnel: IPv4 (4) or IPv6 (41) in IP, GRE (47).
pub fn is_tunnel_protocol(proto: u8) -> bool {
    matches!(proto, 4 | 41 | 47)
}

/// The payload of an IP packet of a tunnel protocol, peeled to the inner IP packet.
pub fn ip_tunnel<'a>(proto: u8, b: &'a [u8], path: &mut EncapPath) -> Result<&'a [u8], Stop> {
    match proto {
        4 | 41 => {
            push(path, Encap::IpInIp)?;
            by_version(b, path)
        }
        _ => {
            push(path, Encap::Gre)?;
            let next = gre(b, path)?;
            to_ip(next, path)
        }
    }
}

/// GRE (RFC 2784, RFC 2890 key and sequence number; version 1 is PPTP's enhanced GRE).
fn gre<'a>(b: &'a [u8], path: &mut EncapPath) -> Result<Inner<'a>, Stop> {
    let flags = be16(b, 0).ok_or_else(|| truncated(path))?;
    let proto = be16(b, 2).ok_or_else(|| truncated(path))?;
    let (checksum, routing, key, seq) = (
        flags & 0x8000 != 0,
        flags & 0x4000 != 0,
        flags & 0x2000 != 0,
        flags & 0x1000 != 0,
    );
    let version = flags & 0x0007;
    if routing {
        return Err(Stop::at(
            path.last(),
            Why::Unsupported("GRE source routing"),
        ));
    }
    let len = match version {
        0 => 4 + 4 * (checksum as usize + key as usize + seq as usize),
        // PPTP: the key is always there, the acknowledgment number when A (0x0080) is set.
        1 => 4 + 4 * (key as usize + seq as usize + (flags & 0x0080 != 0) as usize),
        v => return Err(Stop::at(path.last(), Why::UnknownType(v))),
    };
    let rest = tail(b, len, path)?;
    Ok(match proto {
        0x88be if !seq => {
            // ERSPAN type I: no ERSPAN header, the mirrored frame at once.
            push(path, Encap::Erspan)?;
            Inner::Ether(rest)
        }
        0x88be => {
            // ERSPAN type II: an 8-byte header (version 1).
            push(path, Encap::Erspan)?;
            Inner::Ether(tail(rest, 8, path)?)
        }
        0x22eb => {
            // ERSPAN type III: 12 bytes, 8 more when O (the low bit of byte 11) says a
            // platform-specific subheader follows; the frame type (bits 10..14 of the third
            // word) says Ethernet (0) or IP (2).
            push(path, Encap::Erspan)?;
            let h = rest.get(0..12).ok_or_else(|| truncated(path))?;
            let len = if h[11] & 0x01 != 0 { 20 } else { 12 };
            let frame_type = (h[10] >> 2) & 0x1f;
            let inner = tail(rest, len, path)?;
            match frame_type {
                0 => Inner::Ether(inner),
                2 => Inner::Ip(inner),
                t => return Err(Stop::at(path.last(), Why::UnknownType(t as u16))),
            }
        }
        0x883e => {
            // WCCP: an IP packet at once (WCCPv1), or after a 4-byte redirect header (v2).
            push(path, Encap::Wccp)?;
            match rest.first().map(|v| v >> 4) {
                Some(4) => Inner::Ip(rest),
                _ => Inner::Ip(tail(rest, 4, path)?),
            }
        }
        0x880b => Inner::Ppp(rest),
        t => Inner::Typed(t, rest),
    })
}

/// UDP ports whose datagrams are tunnels portlife looks into.
pub const VXLAN_PORT: u16 = 4789;
pub const GENEVE_PORT: u16 = 6081;
pub const GTPU_PORT: u16 = 2152;
pub const TEREDO_PORT: u16 = 3544;
pub const CAPWAP_DATA_PORT: u16 = 5247;

/// Whether a UDP datagram between these ports may be a tunnel.
#[inline(always)]
pub fn is_tunnel_port(sport: u16, dport: u16) -> bool {
    let t = |p| {
        matches!(
            p,
            VXLAN_PORT | GENEVE_PORT | GTPU_PORT | TEREDO_PORT | CAPWAP_DATA_PORT
        )
    };
    t(dport) || t(sport)
}

/// A UDP payload on a tunnel port, peeled to the inner IP packet. `None`: the header is not
/// that tunnel's (another program uses the port), so the datagram is plain UDP.
pub fn udp_tunnel<'a>(
    sport: u16,
    dport: u16,
    b: &'a [u8],
    path: &mut EncapPath,
) -> Option<Result<&'a [u8], Stop>> {
    let port = if is_tunnel_port(0, dport) {
        dport
    } else {
        sport
    };
    let (encap, inner) = match port {
        VXLAN_PORT => (Encap::Vxlan, vxlan(b)?),
        GENEVE_PORT => (Encap::Geneve, geneve(b)?),
        GTPU_PORT => (Encap::GtpU, gtpu(b)?),
        TEREDO_PORT => (Encap::Teredo, teredo(b)?),
        _ => (Encap::Capwap, capwap(b)?),
    };
    Some(push(path, encap).and_then(|()| match inner {
        Ok(inner) => to_ip(inner, path),
        Err(why) => Err(why.map_or(Stop::NotIp, |why| Stop::at(path.last(), why))),
    }))
}

/// Teredo away from port 3544: once a client has its address from a Teredo server (on 3544), it
/// talks to relays and peers from the same port to theirs, any ports (RFC 4380 §5.2). Such a
/// datagram is taken for Teredo when it holds exactly one IPv6 packet (its payload length fills
/// the datagram's stated length) to or from a Teredo address (2001:0::/32, RFC 4380 §2.6): a
/// plain UDP payload meets both by chance once in 2^32 or less. Zeek decodes these; Wireshark,
/// whose Teredo heuristic is off by default, shows them as data.
pub fn teredo_elsewhere<'a>(
    b: &'a [u8],
    stated: usize,
    path: &mut EncapPath,
) -> Option<Result<&'a [u8], Stop>> {
    let ip = match teredo(b)? {
        Ok(Inner::Ip(ip)) => ip,
        _ => return None,
    };
    let h = ip.get(0..40)?;
    let indicators = b.len() - ip.len();
    let teredo_address = |a: &[u8]| a[0..4] == [0x20, 0x01, 0, 0];
    if 40 + u16::from_be_bytes([h[4], h[5]]) as usize + indicators != stated
        || !(teredo_address(&h[8..24]) || teredo_address(&h[24..40]))
    {
        return None;
    }
    Some(push(path, Encap::Teredo).and_then(|()| by_version(ip, path)))
}

/// A tunnel header's verdict: the inner frame, or why not (`None`: carries no IP).
type Tunnelled<'a> = Result<Inner<'a>, Option<Why>>;

/// VXLAN (RFC 7348 §5): flags with I (0x08) set, reserved, 24-bit VNI, reserved; an Ethernet
/// frame follows.
fn vxlan(b: &[u8]) -> Option<Tunnelled<'_>> {
    let h = b.get(0..8)?;
    if h[0] & 0x08 == 0 {
        return None;
    }
    Some(Ok(Inner::Ether(&b[8..])))
}

/// Geneve (RFC 8926 §3.4): version 0, options length in 4-byte words, a protocol type.
fn geneve(b: &[u8]) -> Option<Tunnelled<'_>> {
    let h = b.get(0..8)?;
    if h[0] >> 6 != 0 {
        return None;
    }
    let len = 8 + 4 * (h[0] & 0x3f) as usize;
    let t = u16::from_be_bytes([h[2], h[3]]);
    let Some(rest) = b.get(len..) else {
        return Some(Err(Some(Why::Truncated)));
    };
    Some(Ok(Inner::Typed(t, rest)))
}

/// GTP-U (3GPP TS 29.281 §5): version 1, PT 1; a G-PDU (type 255) carries the user's IP
/// packet after the 8-byte header, 4 more bytes when E, S or PN is set, and each extension
/// header (its length in 4-byte units first, the next type last).
fn gtpu(b: &[u8]) -> Option<Tunnelled<'_>> {
    let h = b.get(0..8)?;
    if h[0] >> 5 != 1 || h[0] & 0x10 == 0 {
        return None;
    }
    if h[1] != 0xff {
        return Some(Err(None)); // echo, error indication, end marker: signalling
    }
    let mut at = 8;
    if h[0] & 0x07 != 0 {
        let Some(&next) = b.get(11) else {
            return Some(Err(Some(Why::Truncated)));
        };
        at = 12;
        let mut next = if h[0] & 0x04 != 0 { next } else { 0 };
        // Each extension header is at least 4 bytes, so this ends within the datagram.
        while next != 0 {
            let Some(&units) = b.get(at) else {
                return Some(Err(Some(Why::Truncated)));
            };
            if units == 0 {
                return Some(Err(Some(Why::Unsupported("GTP-U extension of length 0"))));
            }
            at += 4 * units as usize;
            let Some(&n) = b.get(at - 1) else {
                return Some(Err(Some(Why::Truncated)));
            };
            next = n;
        }
    }
    match b.get(at..) {
        Some(rest) => Some(Ok(Inner::Ip(rest))),
        None => Some(Err(Some(Why::Truncated))),
    }
}

/// Teredo (RFC 4380 §5.1.1): an IPv6 packet, optionally after an authentication indicator
/// (00 01, lengths of client id and authentication value, 8 bytes of nonce and confirmation)
/// and/or an origin indication (00 00, 6 more bytes).
fn teredo(b: &[u8]) -> Option<Tunnelled<'_>> {
    let mut at = 0;
    if b.get(0..2)? == [0, 1] {
        let id_len = *b.get(2)? as usize;
        let auth_len = *b.get(3)? as usize;
        at = 4 + id_len + auth_len + 9;
    }
    if b.get(at..at + 2)? == [0, 0] {
        at += 8;
    }
    let rest = b.get(at..)?;
    if rest.first()? >> 4 != 6 {
        return None;
    }
    Some(Ok(Inner::Ip(rest)))
}

/// CAPWAP data (RFC 5415 §4.3): preamble (version 0, type 0 = clear, 1 = DTLS), HLEN in 4-byte
/// words, WBID and T: T set with WBID 1 is a native 802.11 frame (RFC 5416), T clear an 802.3
/// frame. Keep-alives (K) carry no frame; fragments (F) are not put together.
fn capwap(b: &[u8]) -> Option<Tunnelled<'_>> {
    let h = b.get(0..8)?;
    if h[0] >> 4 != 0 {
        return None;
    }
    if h[0] & 0x0f == 1 {
        return Some(Err(Some(Why::Encrypted)));
    }
    if h[0] & 0x0f != 0 {
        return None;
    }
    let hlen = 4 * (h[1] >> 3) as usize;
    if hlen < 8 {
        return None;
    }
    let wbid = (h[2] >> 1) & 0x1f;
    let native = h[2] & 0x01 != 0;
    let (fragment, keep_alive) = (h[3] & 0x80 != 0, h[3] & 0x08 != 0);
    if keep_alive {
        return Some(Err(None));
    }
    if fragment {
        return Some(Err(Some(Why::Unsupported("CAPWAP fragment"))));
    }
    let Some(rest) = b.get(hlen..) else {
        return Some(Err(Some(Why::Truncated)));
    };
    Some(Ok(match (native, wbid) {
        (false, _) => Inner::Ether(rest),
        (true, 1) => Inner::WlanMaybeSwapped(rest),
        (true, w) => return Some(Err(Some(Why::UnknownType(w as u16)))),
    }))
}
