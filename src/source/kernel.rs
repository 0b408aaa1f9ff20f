//! The kernel's own view of ports on this machine (Linux /proc), to set beside what the wire
//! shows: the configured ephemeral range and the TCP sockets with their states, TIME-WAIT
//! included (what `ss -tan` prints).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use crate::decode::Endpoint;

/// `net.ipv4.ip_local_port_range` (it applies to IPv6 too), e.g. (32768, 60999).
pub fn local_port_range() -> Option<(u16, u16)> {
    let s = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
    parse_port_range(&s)
}

pub fn parse_port_range(s: &str) -> Option<(u16, u16)> {
    let mut it = s.split_whitespace().map(|t| t.parse::<u16>());
    match (it.next(), it.next()) {
        (Some(Ok(lo)), Some(Ok(hi))) if lo <= hi => Some((lo, hi)),
        _ => None,
    }
}

/// One TCP socket as the kernel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KernelSocket {
    pub local: Endpoint,
    pub remote: Endpoint,
    /// Kernel state name as `ss` prints it: ESTAB, SYN-SENT, TIME-WAIT, LISTEN, …
    pub state: &'static str,
}

/// Every TCP socket in /proc/net/tcp and /proc/net/tcp6 (empty where /proc is not Linux's).
pub fn tcp_sockets() -> Vec<KernelSocket> {
    let mut out = Vec::new();
    for path in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(s) = std::fs::read_to_string(path) {
            out.extend(parse_proc_net_tcp(&s));
        }
    }
    out
}

/// Kernel TCP state numbers (include/net/tcp_states.h) → `ss` names.
fn state_name(n: u8) -> &'static str {
    match n {
        1 => "ESTAB",
        2 => "SYN-SENT",
        3 => "SYN-RECV",
        4 => "FIN-WAIT-1",
        5 => "FIN-WAIT-2",
        6 => "TIME-WAIT",
        7 => "CLOSE",
        8 => "CLOSE-WAIT",
        9 => "LAST-ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW-SYN-RECV",
        _ => "UNKNOWN",
    }
}

/// Parse the text of /proc/net/tcp or tcp6. Addresses are hex in the kernel's (little-endian on
/// x86) 32-bit word order, ports hex in network order.
pub fn parse_proc_net_tcp(text: &str) -> Vec<KernelSocket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let _sl = f.next()?;
            let local = parse_addr(f.next()?)?;
            let remote = parse_addr(f.next()?)?;
            let st = u8::from_str_radix(f.next()?, 16).ok()?;
            Some(KernelSocket {
                local,
                remote,
                state: state_name(st),
            })
        })
        .collect()
}

fn parse_addr(s: &str) -> Option<Endpoint> {
    let (ip, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let ip = match ip.len() {
        8 => {
            let v = u32::from_str_radix(ip, 16).ok()?;
            IpAddr::V4(Ipv4Addr::from(v.to_le_bytes()))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for w in 0..4 {
                let v = u32::from_str_radix(&ip[w * 8..w * 8 + 8], 16).ok()?;
                bytes[w * 4..w * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        _ => return None,
    };
    Some(Endpoint::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_tcp_lines_parse_to_endpoints_and_states() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n   1: 0100007F:D431 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0\n";
        let v = parse_proc_net_tcp(text);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].local.to_string(), "127.0.0.1:8080");
        assert_eq!(v[0].state, "LISTEN");
        assert_eq!(v[1].local.to_string(), "127.0.0.1:54321");
        assert_eq!(v[1].state, "TIME-WAIT");
        let v6 = parse_proc_net_tcp("hdr\n 0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0\n");
        assert_eq!(v6[0].local.to_string(), "[::1]:80");
    }

    #[test]
    fn port_range_parses_and_rejects_nonsense() {
        assert_eq!(parse_port_range("32768\t60999\n"), Some((32768, 60999)));
        assert_eq!(parse_port_range("60999 32768"), None);
        assert_eq!(parse_port_range("x"), None);
    }

    #[test]
    fn this_machine_has_a_range_when_it_is_linux() {
        if std::path::Path::new("/proc/sys/net/ipv4/ip_local_port_range").exists() {
            let (lo, hi) = local_port_range().expect("readable range");
            assert!(lo >= 1024 && hi > lo);
        }
    }
}
