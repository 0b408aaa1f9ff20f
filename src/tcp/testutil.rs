//! Test helpers: build segments from a few words instead of bytes.

use std::net::{IpAddr, Ipv4Addr};

use crate::decode::{Decoded, Endpoint, TcpFlags, TcpOptions, TcpSegment};

pub(crate) fn ep(last: u8, port: u16) -> Endpoint {
    Endpoint::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), port)
}

/// Build a segment from a tcpdump-like flag string: `S`, `SA`, `A`, `PA`, `FA`, `R`, `RA`.
pub(crate) fn seg(
    src: Endpoint,
    dst: Endpoint,
    flags: &str,
    seq: u32,
    ack: u32,
    len: u32,
) -> Decoded {
    let mut f = 0u8;
    for ch in flags.chars() {
        f |= match ch {
            'S' => TcpFlags::SYN,
            'A' => TcpFlags::ACK,
            'F' => TcpFlags::FIN,
            'R' => TcpFlags::RST,
            'P' => TcpFlags::PSH,
            _ => 0,
        };
    }
    Decoded::Tcp(TcpSegment {
        src,
        dst,
        seq,
        ack,
        flags: TcpFlags(f),
        window: 65535,
        payload_len: len,
        options: TcpOptions::default(),
        ttl: 64,
    })
}
