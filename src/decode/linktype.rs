//! pcap/pcapng LINKTYPE_* values portlife understands (see tcpdump.org/linktypes.html).

/// BSD loopback: 4-byte address family in the *capturing host's* byte order.
pub const NULL: u16 = 0;
pub const ETHERNET: u16 = 1;
/// DLT_RAW on some BSDs (12) and OpenBSD (14): raw IP.
pub const RAW_12: u16 = 12;
pub const RAW_14: u16 = 14;
pub const RAW: u16 = 101;
/// OpenBSD loopback: 4-byte address family in network byte order.
pub const LOOP: u16 = 108;
pub const LINUX_SLL: u16 = 113;
pub const IPV4: u16 = 228;
pub const IPV6: u16 = 229;
pub const NFLOG: u16 = 239;
pub const LINUX_SLL2: u16 = 276;
pub const PPP: u16 = 9;
/// PPP in HDLC-like framing (RFC 1662), or Cisco HDLC on the same serial line.
pub const PPP_HDLC: u16 = 50;
/// PPPoE: the session header without an Ethernet header in front.
pub const PPP_ETHER: u16 = 51;
pub const C_HDLC: u16 = 104;
pub const IEEE802_11: u16 = 105;
pub const IEEE802_11_RADIOTAP: u16 = 127;
pub const IPOIB: u16 = 242;
/// Juniper routers' Ethernet captures: a "MGC" header, maybe with extensions, before the frame.
pub const JUNIPER_ETHER: u16 = 178;

/// A short human name for a link type, for reports.
pub fn name(lt: u16) -> &'static str {
    match lt {
        NULL => "null (BSD loopback)",
        ETHERNET => "ethernet",
        RAW_12 | RAW_14 | RAW => "raw IP",
        LOOP => "loop (OpenBSD loopback)",
        LINUX_SLL => "linux-sll",
        IPV4 => "raw IPv4",
        IPV6 => "raw IPv6",
        NFLOG => "nflog",
        LINUX_SLL2 => "linux-sll2",
        PPP => "ppp",
        PPP_HDLC => "ppp-hdlc",
        PPP_ETHER => "pppoe",
        C_HDLC => "cisco-hdlc",
        IEEE802_11 => "802.11",
        IEEE802_11_RADIOTAP => "802.11 radiotap",
        IPOIB => "ipoib",
        JUNIPER_ETHER => "juniper-ether",
        _ => "unsupported",
    }
}

/// Whether [`super::decode`] knows how to peel this link layer.
pub fn is_supported(lt: u16) -> bool {
    name(lt) != "unsupported"
}
