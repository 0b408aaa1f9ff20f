//! Link layer → IPv4/IPv6 → TCP/UDP/ICMP headers, and nothing else.
//!
//! Input: one captured frame and its link type. Output: a compact, owned [`Decoded`] record that
//! the tracker consumes, and the frame's [`Layers`]: the encapsulations it went through (VLAN,
//! MPLS, PPP, GRE, VXLAN, … — [`Encap`]) and, when it was not decoded, where and why. The link
//! layers and tunnel headers are peeled by hand ([`link`]); from each IP header on, etherparse
//! does the work.
//!
//! Decoding never panics and never allocates: a frame that cannot be decoded yields
//! [`Decoded::Other`] with the reason, so the caller can count it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::{
    icmpv4, icmpv6, IpNumber, Ipv4HeaderSlice, LaxIpSlice, LaxNetSlice, LaxSlicedPacket, TcpSlice,
    TransportSlice,
};
use serde::Serialize;

pub mod encap;
#[cfg(test)]
mod encap_tests;
mod link;
pub mod linktype;

use encap::{be16, Stop, MAX_DEPTH};
pub use encap::{Encap, EncapPath, Layers, Undecoded, Why};

/// TCP header flags, as on the wire (low 8 bits of the flags field).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
    pub const URG: u8 = 0x20;
    pub const ECE: u8 = 0x40;
    pub const CWR: u8 = 0x80;

    pub fn fin(self) -> bool {
        self.0 & Self::FIN != 0
    }
    pub fn syn(self) -> bool {
        self.0 & Self::SYN != 0
    }
    pub fn rst(self) -> bool {
        self.0 & Self::RST != 0
    }
    pub fn psh(self) -> bool {
        self.0 & Self::PSH != 0
    }
    pub fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }

    /// tcpdump-style flag letters: `S`, `S.`, `F.`, `R`, `P.` …
    pub fn letters(self) -> String {
        let mut s = String::new();
        for (bit, c) in [
            (Self::SYN, 'S'),
            (Self::FIN, 'F'),
            (Self::RST, 'R'),
            (Self::PSH, 'P'),
            (Self::URG, 'U'),
            (Self::ECE, 'E'),
            (Self::CWR, 'W'),
        ] {
            if self.0 & bit != 0 {
                s.push(c);
            }
        }
        if self.ack() {
            s.push('.');
        }
        s
    }
}

/// The TCP options that matter for understanding a connection (RFC 9293 §3.2, RFC 7323, RFC 2018).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TcpOptions {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// (TSval, TSecr)
    pub timestamps: Option<(u32, u32)>,
}

/// An IP address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub port: u16,
}

impl Endpoint {
    pub fn new(ip: IpAddr, port: u16) -> Self {
        Endpoint { ip, port }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ip {
            IpAddr::V4(ip) => write!(f, "{ip}:{}", self.port),
            IpAddr::V6(ip) => write!(f, "[{ip}]:{}", self.port),
        }
    }
}

/// One decoded TCP segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TcpSegment {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    /// Payload length from the IP header's length fields, not from the captured bytes: a
    /// snap-length-cut frame still reports the segment's real size.
    pub payload_len: u32,
    pub options: TcpOptions,
    /// The IP header's TTL (IPv4) or hop limit (IPv6), of the innermost header when tunnelled:
    /// what is left of the sender's initial value after the routers on the way.
    pub ttl: u8,
}

/// One decoded UDP datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct UdpDatagram {
    pub src: Endpoint,
    pub dst: Endpoint,
    pub payload_len: u32,
}

/// Why an ICMP error was sent, for the errors that end a connection attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IcmpReason {
    /// ICMPv4 type 3 code 3, ICMPv6 type 1 code 4.
    PortUnreachable,
    /// ICMPv4 type 3 codes 9, 10, 13; ICMPv6 type 1 code 1.
    AdminProhibited,
    /// Any other destination-unreachable code.
    Unreachable,
}

/// The transport protocol quoted inside an ICMP error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
}

/// An ICMP/ICMPv6 destination-unreachable error that quotes a TCP or UDP header.
/// `quoted_src`/`quoted_dst` are the original packet's endpoints (the sender of the original is
/// the host the error is addressed to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IcmpError {
    /// Who sent the ICMP error (a router or the destination host).
    pub reporter: IpAddr,
    pub reason: IcmpReason,
    pub transport: Transport,
    pub quoted_src: Endpoint,
    pub quoted_dst: Endpoint,
}

/// Why a frame produced no TCP/UDP/ICMP record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherKind {
    /// The link type is not one portlife decodes.
    UnsupportedLinkType,
    /// A non-IP payload (ARP, LLDP, STP…).
    NotIp,
    /// IPv4/IPv6 carrying a protocol other than TCP/UDP/ICMP (or ICMP that is not an error).
    OtherProtocol,
    /// A non-first IP fragment, or a first fragment whose transport header is incomplete.
    Fragment,
    /// Too short or inconsistent to decode.
    Malformed,
}

/// What one frame turned into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Decoded {
    Tcp(TcpSegment),
    Udp(UdpDatagram),
    Icmp(IcmpError),
    Other(OtherKind),
}

impl Decoded {
    /// Short protocol label for statistics.
    pub fn protocol_label(&self) -> &'static str {
        match self {
            Decoded::Tcp(_) => "tcp",
            Decoded::Udp(_) => "udp",
            Decoded::Icmp(_) => "icmp-error",
            Decoded::Other(OtherKind::UnsupportedLinkType) => "unsupported-link",
            Decoded::Other(OtherKind::NotIp) => "non-ip",
            Decoded::Other(OtherKind::OtherProtocol) => "other-ip",
            Decoded::Other(OtherKind::Fragment) => "ip-fragment",
            Decoded::Other(OtherKind::Malformed) => "malformed",
        }
    }
}

/// Decode one frame of the given link type.
pub fn decode(linktype: u16, frame: &[u8]) -> Decoded {
    decode_then(linktype, frame, |decoded, _, _| decoded)
}

/// [`decode`] with the encapsulations the frame went through and, when it was not decoded,
/// where and why peeling stopped.
pub fn decode_layers(linktype: u16, frame: &[u8]) -> (Decoded, Layers) {
    decode_then(linktype, frame, |decoded, _, layers| (decoded, layers))
}

/// Decode one frame and hand the result to `keep`, with the bytes of the innermost IPv4/IPv6
/// header reached ([`ip_bytes`]) and the frame's [`Layers`]: the layers are peeled once for all.
///
/// `keep` is called on each decoding path separately, so a caller that stores the packet (the
/// reading thread pushes it into a batch) writes each field once, in place. Returned from a
/// function that merges the paths, the decoded packet was built on the stack and copied twice
/// more, and those copies (wide loads of bytes just written narrowly, which the CPU cannot
/// forward from its store buffer) cost the reading thread ≈ 20 ms per million packets.
#[inline(always)]
pub fn decode_then<'a, R>(
    linktype: u16,
    frame: &'a [u8],
    keep: impl FnOnce(Decoded, Option<&'a [u8]>, Layers) -> R,
) -> R {
    let mut path = EncapPath::EMPTY;
    match link::peel_link(linktype, frame, &mut path) {
        Ok(ip) => match decode_tcp_fast(ip) {
            Some(tcp) => keep(
                tcp,
                Some(ip),
                Layers {
                    path,
                    undecoded: None,
                },
            ),
            None => {
                let (decoded, ip, layers) = decode_ip_layers(ip, path);
                keep(decoded, Some(ip), layers)
            }
        },
        Err(stop) => keep(stopped(stop), None, layers_at(path, stop)),
    }
}

/// An IP packet that was not on the wire as one (a datagram put together from its fragments),
/// reached through `path`: decoded as [`decode_then`] decodes what follows the link layer.
pub fn decode_ip(ip: &[u8], path: EncapPath) -> (Decoded, Layers) {
    match decode_tcp_fast(ip) {
        Some(tcp) => (
            tcp,
            Layers {
                path,
                undecoded: None,
            },
        ),
        None => {
            let (decoded, _, layers) = decode_ip_layers(ip, path);
            (decoded, layers)
        }
    }
}

/// The bytes of the innermost IPv4/IPv6 header reached, when the layers can be peeled.
pub fn ip_bytes(linktype: u16, frame: &[u8]) -> Option<&[u8]> {
    decode_then(linktype, frame, |_, ip, _| ip)
}

/// What a frame whose peeling stopped decodes to.
fn stopped(stop: Stop) -> Decoded {
    Decoded::Other(match stop {
        Stop::LinkType => OtherKind::UnsupportedLinkType,
        Stop::NotIp => OtherKind::NotIp,
        Stop::Undecoded(u) => match u.why {
            Why::Truncated | Why::TooDeep => OtherKind::Malformed,
            Why::UnknownType(_) | Why::Unsupported(_) | Why::Encrypted => OtherKind::NotIp,
        },
    })
}

fn layers_at(path: EncapPath, stop: Stop) -> Layers {
    Layers {
        path,
        undecoded: match stop {
            Stop::Undecoded(u) => Some(u),
            Stop::NotIp | Stop::LinkType => None,
        },
    }
}

/// An IP packet that is not plain TCP: a tunnel is peeled (IP in IP, GRE, the UDP tunnels) and
/// its inner packet decoded, layer after layer; anything else goes to the general path. Returns
/// the decoded packet, the innermost IP packet reached, and the layers.
#[inline(never)]
fn decode_ip_layers(mut ip: &[u8], mut path: EncapPath) -> (Decoded, &[u8], Layers) {
    // Each tunnel adds at least one layer to `path`, which refuses more than MAX_DEPTH: the
    // loop ends there at the latest.
    for _ in 0..=MAX_DEPTH {
        let inner = match tunnel_payload(ip, &mut path) {
            None => {
                let layers = Layers {
                    path,
                    undecoded: None,
                };
                return (decode_ip_general(ip), ip, layers);
            }
            Some(Ok(inner)) => inner,
            Some(Err(stop)) => return (stopped(stop), ip, layers_at(path, stop)),
        };
        ip = inner;
        if let Some(tcp) = decode_tcp_fast(ip) {
            let layers = Layers {
                path,
                undecoded: None,
            };
            return (tcp, ip, layers);
        }
    }
    let stop = Stop::at(path.last(), Why::TooDeep);
    (stopped(stop), ip, layers_at(path, stop))
}

/// The inner IP packet of a tunnel packet; `None` when `ip` is not one (or is a fragment: the
/// tunnel header may be in another piece).
fn tunnel_payload<'a>(ip: &'a [u8], path: &mut EncapPath) -> Option<Result<&'a [u8], Stop>> {
    let (slice, _) = LaxIpSlice::from_slice(ip).ok()?;
    let payload = slice.payload();
    if payload.fragmented {
        return None;
    }
    let proto = payload.ip_number.0;
    if link::is_tunnel_protocol(proto) {
        return Some(link::ip_tunnel(proto, payload.payload, path));
    }
    if payload.ip_number != IpNumber::UDP {
        return None;
    }
    let b = payload.payload;
    let (sport, dport, stated) = (be16(b, 0)?, be16(b, 2)?, be16(b, 4)? as usize);
    // The datagram as its length field states it, cut to the bytes captured.
    let body = b.get(8..stated.min(b.len()).max(8))?;
    if link::is_tunnel_port(sport, dport) {
        link::udp_tunnel(sport, dport, body, path)
    } else {
        link::teredo_elsewhere(body, stated.checked_sub(8)?, path)
    }
}

#[inline(always)]
fn ip_addrs(net: &LaxNetSlice<'_>) -> Option<(IpAddr, IpAddr)> {
    match net {
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            Some((
                IpAddr::V4(Ipv4Addr::from(h.source())),
                IpAddr::V4(Ipv4Addr::from(h.destination())),
            ))
        }
        LaxNetSlice::Ipv6(v6) => {
            let h = v6.header();
            Some((
                IpAddr::V6(Ipv6Addr::from(h.source())),
                IpAddr::V6(Ipv6Addr::from(h.destination())),
            ))
        }
        _ => None,
    }
}

/// Length of the IP payload as the IP header states it (falls back to the captured length).
#[inline(always)]
fn stated_payload_len(net: &LaxNetSlice<'_>) -> Option<usize> {
    match net {
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            (h.total_len() as usize).checked_sub(h.ihl() as usize * 4)
        }
        LaxNetSlice::Ipv6(v6) => {
            let stated = v6.header().payload_length() as usize;
            // Extension headers are counted in payload_length; subtract what was walked.
            let ext_len = v6.extensions().slice().len();
            stated.checked_sub(ext_len)
        }
        _ => None,
    }
}

/// The common case, TCP over IPv4/IPv6 without fragments or header errors, without building the
/// whole `LaxSlicedPacket` (moving that large value around was a tenth of the reading time).
/// `None` for anything else: [`decode_then`] then takes the general path, which gives the same
/// result for these packets.
#[inline(always)]
fn decode_tcp_fast(ip: &[u8]) -> Option<Decoded> {
    if let Some(d) = decode_tcp_v4(ip) {
        return Some(d);
    }
    let Ok((ip_slice, None)) = LaxIpSlice::from_slice(ip) else {
        return None;
    };
    let payload = ip_slice.payload();
    if payload.fragmented || payload.ip_number != IpNumber::TCP {
        return None;
    }
    let tcp = TcpSlice::from_slice(payload.payload).ok()?;
    Some(tcp_decoded(&LaxNetSlice::from(ip_slice), &tcp))
}

/// The commonest packet of all, TCP in a whole IPv4 datagram (the total length within the
/// bytes captured, not a fragment, no authentication header), from etherparse's IPv4 header
/// slice alone: the lax slice [`decode_tcp_fast`] otherwise reads is a larger value, returned
/// through memory and read back at once, which stalled the reading thread on every packet.
/// `None` for anything else.
#[inline(always)]
fn decode_tcp_v4(ip: &[u8]) -> Option<Decoded> {
    let h = Ipv4HeaderSlice::from_slice(ip).ok()?;
    let (header_len, total) = (h.slice().len(), usize::from(h.total_len()));
    if total < header_len
        || total > ip.len()
        || h.is_fragmenting_payload()
        || h.protocol() != IpNumber::TCP
    {
        return None;
    }
    let tcp = TcpSlice::from_slice(&ip[header_len..total]).ok()?;
    Some(tcp_segment(
        (
            IpAddr::V4(h.source_addr()),
            IpAddr::V4(h.destination_addr()),
        ),
        Some(total - header_len),
        h.ttl(),
        &tcp,
    ))
}

/// A TCP segment as [`Decoded`] (addresses from `net`, payload length as the IP header states it).
#[inline(always)]
fn tcp_decoded(net: &LaxNetSlice<'_>, tcp: &TcpSlice<'_>) -> Decoded {
    let Some(addrs) = ip_addrs(net) else {
        return Decoded::Other(OtherKind::NotIp);
    };
    tcp_segment(addrs, stated_payload_len(net), ip_ttl(net), tcp)
}

/// A TCP segment between `addrs`, in an IP payload of `stated` bytes (as its header says).
#[inline(always)]
fn tcp_segment(
    (src_ip, dst_ip): (IpAddr, IpAddr),
    stated: Option<usize>,
    ttl: u8,
    tcp: &TcpSlice<'_>,
) -> Decoded {
    let header_len = tcp.header_len();
    let payload_len = stated
        .and_then(|l| l.checked_sub(header_len))
        .unwrap_or(tcp.payload().len());
    Decoded::Tcp(TcpSegment {
        src: Endpoint::new(src_ip, tcp.source_port()),
        dst: Endpoint::new(dst_ip, tcp.destination_port()),
        seq: tcp.sequence_number(),
        ack: tcp.acknowledgment_number(),
        flags: TcpFlags(tcp.slice()[13]),
        window: tcp.window_size(),
        payload_len: payload_len as u32,
        options: tcp_options(tcp.options()),
        ttl,
    })
}

#[inline(always)]
fn ip_ttl(net: &LaxNetSlice<'_>) -> u8 {
    match net {
        LaxNetSlice::Ipv4(v4) => v4.header().ttl(),
        LaxNetSlice::Ipv6(v6) => v6.header().hop_limit(),
        _ => 0,
    }
}

/// The fast path with its fallback, as [`decode_then`] takes them (the property test compares
/// this with the general path alone).
#[cfg(test)]
fn decode_ip_fast_or_general(ip: &[u8]) -> Decoded {
    decode_tcp_fast(ip).unwrap_or_else(|| decode_ip_general(ip))
}

/// Any IP packet, through etherparse's whole `LaxSlicedPacket`.
#[inline(never)]
fn decode_ip_general(ip: &[u8]) -> Decoded {
    let Ok(pkt) = LaxSlicedPacket::from_ip(ip) else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let Some(net) = &pkt.net else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let Some((src_ip, dst_ip)) = ip_addrs(net) else {
        return Decoded::Other(OtherKind::NotIp);
    };
    let fragmenting = match net {
        LaxNetSlice::Ipv4(v4) => v4.payload().fragmented,
        LaxNetSlice::Ipv6(v6) => v6.payload().fragmented,
        _ => false,
    };
    match &pkt.transport {
        Some(TransportSlice::Tcp(tcp)) if !fragmenting => tcp_decoded(net, tcp),
        Some(TransportSlice::Udp(udp)) if !fragmenting => Decoded::Udp(UdpDatagram {
            src: Endpoint::new(src_ip, udp.source_port()),
            dst: Endpoint::new(dst_ip, udp.destination_port()),
            payload_len: (udp.length() as u32).saturating_sub(8),
        }),
        Some(TransportSlice::Icmpv4(icmp)) => {
            let reason = match icmp.icmp_type() {
                etherparse::Icmpv4Type::DestinationUnreachable(h) => match h {
                    icmpv4::DestUnreachableHeader::Port => IcmpReason::PortUnreachable,
                    icmpv4::DestUnreachableHeader::NetworkProhibited
                    | icmpv4::DestUnreachableHeader::HostProhibited
                    | icmpv4::DestUnreachableHeader::FilterProhibited => {
                        IcmpReason::AdminProhibited
                    }
                    _ => IcmpReason::Unreachable,
                },
                _ => return Decoded::Other(OtherKind::OtherProtocol),
            };
            quoted(src_ip, reason, icmp.payload())
        }
        Some(TransportSlice::Icmpv6(icmp)) => {
            let reason = match icmp.icmp_type() {
                etherparse::Icmpv6Type::DestinationUnreachable(code) => match code {
                    icmpv6::DestUnreachableCode::Port => IcmpReason::PortUnreachable,
                    icmpv6::DestUnreachableCode::Prohibited
                    | icmpv6::DestUnreachableCode::SourceAddressFailedPolicy
                    | icmpv6::DestUnreachableCode::RejectRoute => IcmpReason::AdminProhibited,
                    _ => IcmpReason::Unreachable,
                },
                _ => return Decoded::Other(OtherKind::OtherProtocol),
            };
            quoted(src_ip, reason, icmp.payload())
        }
        _ if fragmenting => Decoded::Other(OtherKind::Fragment),
        None if is_transport(&pkt, net) => Decoded::Other(OtherKind::Malformed),
        _ => Decoded::Other(OtherKind::OtherProtocol),
    }
}

/// True when the IP header names TCP/UDP but no transport header could be sliced.
fn is_transport(_pkt: &LaxSlicedPacket<'_>, net: &LaxNetSlice<'_>) -> bool {
    let proto = match net {
        LaxNetSlice::Ipv4(v4) => v4.payload().ip_number,
        LaxNetSlice::Ipv6(v6) => v6.payload().ip_number,
        _ => return false,
    };
    proto == IpNumber::TCP || proto == IpNumber::UDP
}

/// Decode the IP header + first 8 transport bytes an ICMP error quotes (RFC 792, RFC 4443 §3.1).
fn quoted(reporter: IpAddr, reason: IcmpReason, payload: &[u8]) -> Decoded {
    let Ok(inner) = LaxSlicedPacket::from_ip(payload) else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let Some(net) = &inner.net else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let Some((src_ip, dst_ip)) = ip_addrs(net) else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let (proto, body) = match net {
        LaxNetSlice::Ipv4(v4) => (v4.payload().ip_number, v4.payload().payload),
        LaxNetSlice::Ipv6(v6) => (v6.payload().ip_number, v6.payload().payload),
        _ => return Decoded::Other(OtherKind::Malformed),
    };
    // Only the first 8 bytes are guaranteed: both TCP and UDP carry their ports in bytes 0..4.
    let (Some(sp), Some(dp)) = (be16(body, 0), be16(body, 2)) else {
        return Decoded::Other(OtherKind::Malformed);
    };
    let transport = if proto == IpNumber::TCP {
        Transport::Tcp
    } else if proto == IpNumber::UDP {
        Transport::Udp
    } else {
        return Decoded::Other(OtherKind::OtherProtocol);
    };
    Decoded::Icmp(IcmpError {
        reporter,
        reason,
        transport,
        quoted_src: Endpoint::new(src_ip, sp),
        quoted_dst: Endpoint::new(dst_ip, dp),
    })
}

/// Parse the TCP options we report. Unknown or malformed options end the walk quietly.
#[inline(always)]
fn tcp_options(mut o: &[u8]) -> TcpOptions {
    let mut out = TcpOptions::default();
    while let Some(&kind) = o.first() {
        match kind {
            0 => break,
            1 => {
                o = &o[1..];
                continue;
            }
            _ => {}
        }
        let Some(&len) = o.get(1) else { break };
        let len = len as usize;
        if len < 2 || len > o.len() {
            break;
        }
        let body = &o[2..len];
        match (kind, body.len()) {
            (2, 2) => out.mss = Some(u16::from_be_bytes([body[0], body[1]])),
            (3, 1) => out.window_scale = Some(body[0]),
            (4, 0) => out.sack_permitted = true,
            (8, 8) => {
                out.timestamps = Some((
                    u32::from_be_bytes([body[0], body[1], body[2], body[3]]),
                    u32::from_be_bytes([body[4], body[5], body[6], body[7]]),
                ))
            }
            _ => {}
        }
        o = &o[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::PacketBuilder;

    fn tcp_v4_frame(payload: &[u8]) -> Vec<u8> {
        let b = PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 2], [10, 0, 0, 5], 64)
            .tcp(54321, 443, 1000, 65535)
            .syn()
            .options(&[
                etherparse::TcpOptionElement::MaximumSegmentSize(1460),
                etherparse::TcpOptionElement::WindowScale(7),
                etherparse::TcpOptionElement::SelectiveAcknowledgementPermitted,
                etherparse::TcpOptionElement::Timestamp(11, 0),
            ])
            .unwrap();
        let mut out = Vec::new();
        b.write(&mut out, payload).unwrap();
        out
    }

    #[test]
    fn ethernet_ipv4_tcp_syn_with_options() {
        let f = tcp_v4_frame(&[]);
        let Decoded::Tcp(t) = decode(linktype::ETHERNET, &f) else {
            panic!("not tcp: {:?}", decode(linktype::ETHERNET, &f));
        };
        assert_eq!(t.src.to_string(), "10.0.0.2:54321");
        assert_eq!(t.dst.to_string(), "10.0.0.5:443");
        assert!(t.flags.syn() && !t.flags.ack());
        assert_eq!(t.flags.letters(), "S");
        assert_eq!(t.seq, 1000);
        assert_eq!(t.options.mss, Some(1460));
        assert_eq!(t.options.window_scale, Some(7));
        assert!(t.options.sack_permitted);
        assert_eq!(t.options.timestamps, Some((11, 0)));
    }

    #[test]
    fn payload_length_comes_from_ip_header_even_when_snapped() {
        let f = tcp_v4_frame(&[7u8; 1000]);
        let cut = &f[..f.len() - 900];
        let Decoded::Tcp(t) = decode(linktype::ETHERNET, cut) else {
            panic!("snapped frame not decoded");
        };
        assert_eq!(t.payload_len, 1000);
    }

    #[test]
    fn vlan_qinq_mpls_pppoe_are_peeled() {
        let f = tcp_v4_frame(b"hi");
        let ip = &f[14..];
        // QinQ: 88a8 outer, 8100 inner.
        let mut q = f[..12].to_vec();
        q.extend_from_slice(&[0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00]);
        q.extend_from_slice(ip);
        assert!(matches!(decode(linktype::ETHERNET, &q), Decoded::Tcp(_)));
        // MPLS with two labels, bottom of stack on the second.
        let mut m = f[..12].to_vec();
        m.extend_from_slice(&[0x88, 0x47, 0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64]);
        m.extend_from_slice(ip);
        assert!(matches!(decode(linktype::ETHERNET, &m), Decoded::Tcp(_)));
        // PPPoE session carrying IPv4.
        let mut p = f[..12].to_vec();
        p.extend_from_slice(&[0x88, 0x64, 0x11, 0, 0, 1, 0, 0, 0x00, 0x21]);
        p.extend_from_slice(ip);
        assert!(matches!(decode(linktype::ETHERNET, &p), Decoded::Tcp(_)));
    }

    #[test]
    fn loopback_raw_and_cooked_link_types() {
        let f = tcp_v4_frame(b"x");
        let ip = &f[14..];
        let mut null_le = 2u32.to_le_bytes().to_vec();
        null_le.extend_from_slice(ip);
        assert!(matches!(decode(linktype::NULL, &null_le), Decoded::Tcp(_)));
        let mut lo = 2u32.to_be_bytes().to_vec();
        lo.extend_from_slice(ip);
        assert!(matches!(decode(linktype::LOOP, &lo), Decoded::Tcp(_)));
        assert!(matches!(decode(linktype::RAW, ip), Decoded::Tcp(_)));
        assert!(matches!(decode(linktype::IPV4, ip), Decoded::Tcp(_)));
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x08, 0x00]);
        sll.extend_from_slice(ip);
        assert!(matches!(decode(linktype::LINUX_SLL, &sll), Decoded::Tcp(_)));
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0u8; 18]);
        sll2.extend_from_slice(ip);
        assert!(matches!(
            decode(linktype::LINUX_SLL2, &sll2),
            Decoded::Tcp(_)
        ));
        assert_eq!(
            decode(999, ip),
            Decoded::Other(OtherKind::UnsupportedLinkType)
        );
    }

    #[test]
    fn ipv6_udp() {
        let b = PacketBuilder::ip(etherparse::IpHeaders::Ipv6(
            etherparse::Ipv6Header {
                source: [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                destination: [0x20, 0x01, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                hop_limit: 64,
                ..Default::default()
            },
            Default::default(),
        ))
        .udp(50000, 53);
        let mut out = Vec::new();
        b.write(&mut out, &[0u8; 30]).unwrap();
        let Decoded::Udp(u) = decode(linktype::RAW, &out) else {
            panic!("not udp");
        };
        assert_eq!(u.dst.port, 53);
        assert_eq!(u.payload_len, 30);
        assert_eq!(u.src.to_string(), "[fe80::1]:50000");
    }

    #[test]
    fn icmp_port_unreachable_quotes_udp() {
        // The original datagram 10.0.0.2:40000 → 10.0.0.5:53, quoted by 10.0.0.5.
        let mut orig = Vec::new();
        PacketBuilder::ipv4([10, 0, 0, 2], [10, 0, 0, 5], 64)
            .udp(40000, 53)
            .write(&mut orig, &[1, 2, 3, 4])
            .unwrap();
        let mut out = Vec::new();
        PacketBuilder::ipv4([10, 0, 0, 5], [10, 0, 0, 2], 64)
            .icmpv4(etherparse::Icmpv4Type::DestinationUnreachable(
                icmpv4::DestUnreachableHeader::Port,
            ))
            .write(&mut out, &orig[..28])
            .unwrap();
        let Decoded::Icmp(e) = decode(linktype::RAW, &out) else {
            panic!("not icmp error: {:?}", decode(linktype::RAW, &out));
        };
        assert_eq!(e.reason, IcmpReason::PortUnreachable);
        assert_eq!(e.transport, Transport::Udp);
        assert_eq!(e.quoted_src.to_string(), "10.0.0.2:40000");
        assert_eq!(e.quoted_dst.to_string(), "10.0.0.5:53");
    }

    #[test]
    fn garbage_is_other_never_panic() {
        for lt in [0u16, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276] {
            for len in 0..64 {
                let junk: Vec<u8> = (0..len).map(|i| (i * 37 + lt as usize) as u8).collect();
                let _ = decode(lt, &junk);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(lt in proptest::sample::select(vec![0u16, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276]),
                               bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = decode(lt, &bytes);
        }

        /// The TCP fast path says what the general path says, on valid segments (IPv4 and
        /// IPv6, options, payload shorter or longer than stated) and on arbitrary bytes.
        #[test]
        fn tcp_fast_path_agrees_with_the_general_path(
            v6 in proptest::bool::ANY, sp in 1u16.., dp in 1u16.., seq in proptest::num::u32::ANY,
            len in 0usize..300, cut in 0usize..400, extra in 0usize..8,
            mss in proptest::option::of(500u16..1500),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..120),
        ) {
            let b = if v6 {
                PacketBuilder::ip(etherparse::IpHeaders::Ipv6(
                    etherparse::Ipv6Header {
                        source: [1; 16], destination: [2; 16], hop_limit: 64,
                        ..Default::default()
                    },
                    Default::default(),
                ))
            } else {
                PacketBuilder::ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            };
            let mut b = b.tcp(sp, dp, seq, 1000).syn();
            if let Some(m) = mss {
                b = b.options(&[etherparse::TcpOptionElement::MaximumSegmentSize(m)]).unwrap();
            }
            let mut ip = Vec::new();
            b.write(&mut ip, &vec![7u8; len]).unwrap();
            ip.extend(std::iter::repeat_n(0u8, extra)); // trailing padding
            let whole = ip.len();
            ip.truncate(cut.max(1).min(ip.len())); // and cut short
            if ip.len() == whole {
                proptest::prop_assert!(decode_tcp_fast(&ip).is_some(), "the fast path is taken");
                proptest::prop_assert_eq!(decode_tcp_v4(&ip).is_some(), !v6, "IPv4's own is");
            }
            for bytes in [&ip[..], &noise[..]] {
                for fast in [decode_tcp_fast(bytes), decode_tcp_v4(bytes)].into_iter().flatten() {
                    proptest::prop_assert_eq!(fast, decode_ip_general(bytes));
                }
            }
            proptest::prop_assert_eq!(decode_ip_fast_or_general(&ip), decode_ip_general(&ip));
        }

        #[test]
        fn tcp_fields_round_trip(sp in 1u16.., dp in 1u16.., seq in proptest::num::u32::ANY,
                                 ack in proptest::num::u32::ANY, win in proptest::num::u16::ANY,
                                 len in 0usize..1500) {
            let b = PacketBuilder::ethernet2([1; 6], [2; 6])
                .ipv4([192, 168, 1, 2], [192, 168, 1, 9], 64)
                .tcp(sp, dp, seq, win)
                .ack(ack);
            let mut out = Vec::new();
            b.write(&mut out, &vec![0u8; len]).unwrap();
            let Decoded::Tcp(t) = decode(linktype::ETHERNET, &out) else { panic!("not tcp") };
            proptest::prop_assert_eq!((t.src.port, t.dst.port, t.seq, t.ack, t.window, t.payload_len),
                                      (sp, dp, seq, ack, win, len as u32));
        }
    }
}
