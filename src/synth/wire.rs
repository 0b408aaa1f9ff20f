//! Frame building: Ethernet + IPv4/IPv6 + TCP/UDP/ICMP with correct lengths and checksums
//! (etherparse's `PacketBuilder` computes them), plus application payloads that Wireshark's
//! dissectors accept (HTTP, TLS records, PostgreSQL messages, DNS, NTP).

use std::net::IpAddr;

use etherparse::{
    icmpv4::DestUnreachableHeader, IpHeaders, IpNumber, Ipv4Extensions, Ipv4Header, Ipv6Extensions,
    Ipv6FlowLabel, Ipv6Header, PacketBuilder,
};

use super::os::Os;

/// A simulated machine.
#[derive(Debug, Clone, Copy)]
pub struct Host {
    pub ip: IpAddr,
    pub os: Os,
}

impl Host {
    pub fn new(ip: IpAddr, os: Os) -> Self {
        Host { ip, os }
    }

    /// A locally administered MAC derived from the IP address (stable, unique per host).
    pub fn mac(&self) -> [u8; 6] {
        let o = match self.ip {
            IpAddr::V4(ip) => {
                let o = ip.octets();
                [o[0], o[1], o[2], o[3]]
            }
            IpAddr::V6(ip) => {
                let o = ip.octets();
                [o[12], o[13], o[14], o[15]]
            }
        };
        [0x02, 0x50, o[0] ^ o[1], o[1] ^ o[2], o[2], o[3]]
    }
}

/// The IP-level fields of one packet.
#[derive(Debug, Clone, Copy)]
pub struct IpMeta {
    pub ttl: u8,
    pub ip_id: u16,
    pub flow_label: u32,
}

/// TCP header fields of one segment.
#[derive(Debug, Clone, Copy)]
pub struct TcpMeta {
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub window: u16,
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

fn ip_headers(src: &Host, dst: &Host, m: IpMeta, proto: IpNumber) -> IpHeaders {
    match (src.ip, dst.ip) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            // Lengths and checksum are filled in by the builder.
            let mut h =
                Ipv4Header::new(0, m.ttl, proto, s.octets(), d.octets()).unwrap_or_default();
            h.identification = m.ip_id;
            h.dont_fragment = true;
            IpHeaders::Ipv4(h, Ipv4Extensions::default())
        }
        (s, d) => {
            let h = Ipv6Header {
                traffic_class: 0,
                flow_label: Ipv6FlowLabel::try_new(m.flow_label & 0xf_ffff).unwrap_or_default(),
                payload_length: 0,
                next_header: proto,
                hop_limit: m.ttl,
                source: v6(s),
                destination: v6(d),
            };
            IpHeaders::Ipv6(h, Ipv6Extensions::default())
        }
    }
}

fn v6(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V6(a) => a.octets(),
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
    }
}

/// One Ethernet frame carrying a TCP segment. `options` are raw option bytes (a multiple of 4).
pub fn tcp_frame(
    src: &Host,
    dst: &Host,
    ip: IpMeta,
    t: TcpMeta,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let proto = IpNumber::TCP;
    let mut b = PacketBuilder::ethernet2(src.mac(), dst.mac())
        .ip(ip_headers(src, dst, ip, proto))
        .tcp(t.sport, t.dport, t.seq, t.window);
    if t.flags & ACK != 0 {
        b = b.ack(t.ack);
    }
    if t.flags & SYN != 0 {
        b = b.syn();
    }
    if t.flags & FIN != 0 {
        b = b.fin();
    }
    if t.flags & RST != 0 {
        b = b.rst();
    }
    if t.flags & PSH != 0 {
        b = b.psh();
    }
    let b = match b.options_raw(options) {
        Ok(b) => b,
        Err(_) => unreachable_options(),
    };
    let mut out = Vec::with_capacity(b.size(payload.len()));
    // Writing to a Vec fails only on a payload larger than IP allows; segments are MSS-sized.
    let _ = b.write(&mut out, payload);
    out
}

#[cold]
fn unreachable_options() -> ! {
    // Options are built by this module as multiples of 4 bytes ≤ 40; anything else is a bug.
    panic!("synth: TCP options not a multiple of 4 or longer than 40 bytes")
}

/// One Ethernet frame carrying a UDP datagram.
pub fn udp_frame(
    src: &Host,
    dst: &Host,
    ip: IpMeta,
    sport: u16,
    dport: u16,
    payload: &[u8],
) -> Vec<u8> {
    let b = PacketBuilder::ethernet2(src.mac(), dst.mac())
        .ip(ip_headers(src, dst, ip, IpNumber::UDP))
        .udp(sport, dport);
    let mut out = Vec::with_capacity(b.size(payload.len()));
    let _ = b.write(&mut out, payload);
    out
}

/// An ICMPv4 port-unreachable from `src` to `dst` quoting `original` (the offending frame).
pub fn icmp_port_unreachable(src: &Host, dst: &Host, ip: IpMeta, original: &[u8]) -> Vec<u8> {
    // Quote the original IP packet (after the 14-byte Ethernet header), as Linux does when it
    // fits in 576 bytes (RFC 1812 §4.3.2.3).
    let quoted = original.get(14..).unwrap_or(&[]);
    let quoted = &quoted[..quoted.len().min(576 - 28)];
    let b = PacketBuilder::ethernet2(src.mac(), dst.mac())
        .ip(ip_headers(src, dst, ip, IpNumber::ICMP))
        .icmpv4(etherparse::Icmpv4Type::DestinationUnreachable(
            DestUnreachableHeader::Port,
        ));
    let mut out = Vec::with_capacity(b.size(quoted.len()));
    let _ = b.write(&mut out, quoted);
    out
}

/// TCP options, byte-exact as each OS sends them.
pub mod opts {
    /// MSS, SACK-permitted, timestamps, NOP, window scale: Linux's SYN and SYN-ACK layout.
    pub fn linux_syn(mss: u16, ws: u8, tsval: u32, tsecr: u32) -> Vec<u8> {
        let mut o = vec![2, 4];
        o.extend_from_slice(&mss.to_be_bytes());
        o.extend_from_slice(&[4, 2, 8, 10]);
        o.extend_from_slice(&tsval.to_be_bytes());
        o.extend_from_slice(&tsecr.to_be_bytes());
        o.extend_from_slice(&[1, 3, 3, ws]);
        o
    }

    /// MSS, NOP, window scale, NOP, NOP, SACK-permitted: Windows' SYN (no timestamps), also
    /// what a Linux server answers to a SYN without timestamps.
    pub fn no_ts_syn(mss: u16, ws: u8) -> Vec<u8> {
        let mut o = vec![2, 4];
        o.extend_from_slice(&mss.to_be_bytes());
        o.extend_from_slice(&[1, 3, 3, ws, 1, 1, 4, 2]);
        o
    }

    /// NOP, NOP, timestamps: on every segment after the handshake when both sides agreed.
    pub fn ts(tsval: u32, tsecr: u32) -> Vec<u8> {
        let mut o = vec![1, 1, 8, 10];
        o.extend_from_slice(&tsval.to_be_bytes());
        o.extend_from_slice(&tsecr.to_be_bytes());
        o
    }
}

/// Application messages. Each returns exactly the requested number of bytes where a size is
/// given, padded in a way the protocol's dissector accepts.
pub mod app {
    use super::super::rng::Rng;

    /// An HTTP/1.1 GET request.
    pub fn http_request(host: &str, path: &str, ua: &str, close: bool) -> Vec<u8> {
        let conn = if close { "Connection: close\r\n" } else { "" };
        format!(
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {ua}\r\nAccept: */*\r\n{conn}\r\n"
        )
        .into_bytes()
    }

    /// An HTTP/1.1 200 response of `total` bytes (header + body of 'x'-filled JSON-ish text).
    pub fn http_response(total: usize, close: bool) -> Vec<u8> {
        let conn = if close { "Connection: close\r\n" } else { "" };
        let head_for = |body: usize| {
            format!(
                "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: {body}\r\n{conn}\r\n"
            )
        };
        // The header length depends on the digits of the body length: settle it in two steps.
        let mut body = total.saturating_sub(head_for(total).len()).max(2);
        body = total.saturating_sub(head_for(body).len()).max(2);
        let mut out = head_for(body).into_bytes();
        out.push(b'{');
        out.extend(std::iter::repeat_n(b'x', body - 2));
        out.push(b'}');
        out
    }

    /// TLS 1.2/1.3 application-data records totalling `total` bytes (≥ 6), random content.
    pub fn tls_records(total: usize, rng: &mut Rng) -> Vec<u8> {
        let mut out = Vec::with_capacity(total);
        let mut left = total.max(6);
        while left > 0 {
            // A record is 5 header bytes + up to 16384 + 256 (RFC 8446 §5.2); keep ≥ 1 byte body.
            let mut body = (left - 5).min(16_384 + 17);
            if left - 5 - body > 0 && left - 5 - body < 6 {
                body -= 6;
            }
            out.extend_from_slice(&[0x17, 0x03, 0x03]);
            out.extend_from_slice(&(body as u16).to_be_bytes());
            let start = out.len();
            out.resize(start + body, 0);
            rng.fill(&mut out[start..]);
            left -= 5 + body;
        }
        out
    }

    /// A PostgreSQL simple-query message ('Q').
    pub fn pg_query(sql: &str) -> Vec<u8> {
        let mut out = vec![b'Q'];
        out.extend_from_slice(&((sql.len() + 5) as u32).to_be_bytes());
        out.extend_from_slice(sql.as_bytes());
        out.push(0);
        out
    }

    /// A PostgreSQL result: `rows` DataRow messages of one text column, CommandComplete and
    /// ReadyForQuery.
    pub fn pg_result(rows: usize, row_len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for _ in 0..rows {
            out.push(b'D');
            out.extend_from_slice(&((4 + 2 + 4 + row_len) as u32).to_be_bytes());
            out.extend_from_slice(&1u16.to_be_bytes());
            out.extend_from_slice(&(row_len as u32).to_be_bytes());
            out.extend(std::iter::repeat_n(b'a', row_len));
        }
        let tag = format!("SELECT {rows}");
        out.push(b'C');
        out.extend_from_slice(&((tag.len() + 5) as u32).to_be_bytes());
        out.extend_from_slice(tag.as_bytes());
        out.push(0);
        out.extend_from_slice(&[b'Z', 0, 0, 0, 5, b'I']);
        out
    }

    /// Opaque application bytes (for protocols not modelled, e.g. the RPC teaser).
    pub fn opaque(total: usize, rng: &mut Rng) -> Vec<u8> {
        let mut out = vec![0u8; total];
        rng.fill(&mut out);
        if let Some(b) = out.first_mut() {
            *b = 0; // not DCE/RPC version 5: dissectors show it as data, not as a broken PDU
        }
        out
    }

    fn dns_name(out: &mut Vec<u8>, name: &str) {
        for label in name.split('.') {
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
        out.push(0);
    }

    /// A DNS query for an A (1) or AAAA (28) record, recursion desired (RFC 1035 §4.1).
    pub fn dns_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        dns_name(&mut out, name);
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&1u16.to_be_bytes());
        out
    }

    /// The answer to [`dns_query`]: one record pointing back at the question's name.
    pub fn dns_answer(id: u16, name: &str, qtype: u16, rdata: &[u8], ttl: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
        dns_name(&mut out, name);
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&[0xc0, 0x0c]);
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&ttl.to_be_bytes());
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(rdata);
        out
    }

    /// NTP seconds (since 1900) for a Unix time in ns, as the 64-bit fixed-point timestamp.
    fn ntp_ts(unix_ns: i64) -> [u8; 8] {
        let secs = (unix_ns / 1_000_000_000 + 2_208_988_800) as u32;
        let frac = (((unix_ns % 1_000_000_000) as u64) << 32) / 1_000_000_000;
        let mut o = [0u8; 8];
        o[..4].copy_from_slice(&secs.to_be_bytes());
        o[4..].copy_from_slice(&(frac as u32).to_be_bytes());
        o
    }

    /// An NTPv4 client request (mode 3, RFC 5905 §7.3), transmit timestamp = `now`.
    pub fn ntp_request(now: i64) -> Vec<u8> {
        let mut out = vec![0u8; 48];
        out[0] = 0x23; // LI 0, VN 4, mode 3
        out[2] = 6; // poll
        out[3] = 0xe9; // precision
        out[40..48].copy_from_slice(&ntp_ts(now));
        out
    }

    /// An NTPv4 server reply (mode 4, stratum 2).
    pub fn ntp_reply(origin: i64, recv: i64, xmit: i64) -> Vec<u8> {
        let mut out = vec![0u8; 48];
        out[0] = 0x24; // LI 0, VN 4, mode 4
        out[1] = 2;
        out[2] = 6;
        out[3] = 0xe9;
        out[12..16].copy_from_slice(&[192, 0, 2, 123]); // reference id
        out[16..24].copy_from_slice(&ntp_ts(recv - 64_000_000_000));
        out[24..32].copy_from_slice(&ntp_ts(origin));
        out[32..40].copy_from_slice(&ntp_ts(recv));
        out[40..48].copy_from_slice(&ntp_ts(xmit));
        out
    }
}
