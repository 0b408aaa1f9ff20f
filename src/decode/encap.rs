//! The names of the layers peeled between the link layer and the IP packet that carries TCP or
//! UDP, and why a frame could not be peeled. Plain data, shared by the peelers ([`super::link`])
//! and the statistics; it depends on nothing else in the crate.

use serde::{Serialize, Serializer};

/// One encapsulation peeled on the way to the IP packet (the link type itself is not one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Encap {
    Vlan = 1,
    Mpls,
    Pppoe,
    LlcSnap,
    Pbb,
    VnTag,
    ETag,
    FabricPath,
    Ppp,
    CiscoHdlc,
    Ipoib,
    IpInIp,
    Gre,
    Erspan,
    Vxlan,
    Geneve,
    GtpU,
    Teredo,
    Capwap,
    Wlan,
    Radiotap,
    Wccp,
    Juniper,
}

impl Encap {
    const ALL: [Encap; 23] = [
        Encap::Vlan,
        Encap::Mpls,
        Encap::Pppoe,
        Encap::LlcSnap,
        Encap::Pbb,
        Encap::VnTag,
        Encap::ETag,
        Encap::FabricPath,
        Encap::Ppp,
        Encap::CiscoHdlc,
        Encap::Ipoib,
        Encap::IpInIp,
        Encap::Gre,
        Encap::Erspan,
        Encap::Vxlan,
        Encap::Geneve,
        Encap::GtpU,
        Encap::Teredo,
        Encap::Capwap,
        Encap::Wlan,
        Encap::Radiotap,
        Encap::Wccp,
        Encap::Juniper,
    ];

    fn from_u8(b: u8) -> Option<Encap> {
        Encap::ALL.get((b as usize).checked_sub(1)?).copied()
    }

    /// The stable short name used in JSON (`encapsulation`, `stats.encapsulations`).
    pub fn name(self) -> &'static str {
        match self {
            Encap::Vlan => "vlan",
            Encap::Mpls => "mpls",
            Encap::Pppoe => "pppoe",
            Encap::LlcSnap => "llc-snap",
            Encap::Pbb => "pbb",
            Encap::VnTag => "vn-tag",
            Encap::ETag => "e-tag",
            Encap::FabricPath => "fabricpath",
            Encap::Ppp => "ppp",
            Encap::CiscoHdlc => "cisco-hdlc",
            Encap::Ipoib => "ipoib",
            Encap::IpInIp => "ip-in-ip",
            Encap::Gre => "gre",
            Encap::Erspan => "erspan",
            Encap::Vxlan => "vxlan",
            Encap::Geneve => "geneve",
            Encap::GtpU => "gtp-u",
            Encap::Teredo => "teredo",
            Encap::Capwap => "capwap",
            Encap::Wlan => "802.11",
            Encap::Radiotap => "radiotap",
            Encap::Wccp => "wccp",
            Encap::Juniper => "juniper",
        }
    }

    /// The name a person knows it by, for warnings.
    pub fn long_name(self) -> &'static str {
        match self {
            Encap::Vlan => "802.1Q VLAN",
            Encap::Mpls => "MPLS",
            Encap::Pppoe => "PPPoE",
            Encap::LlcSnap => "802.3 LLC/SNAP",
            Encap::Pbb => "802.1ah PBB",
            Encap::VnTag => "VN-Tag",
            Encap::ETag => "802.1BR E-Tag",
            Encap::FabricPath => "Cisco FabricPath",
            Encap::Ppp => "PPP",
            Encap::CiscoHdlc => "Cisco HDLC",
            Encap::Ipoib => "IP over InfiniBand",
            Encap::IpInIp => "IP in IP",
            Encap::Gre => "GRE",
            Encap::Erspan => "ERSPAN",
            Encap::Vxlan => "VXLAN",
            Encap::Geneve => "Geneve",
            Encap::GtpU => "GTP-U",
            Encap::Teredo => "Teredo",
            Encap::Capwap => "CAPWAP data",
            Encap::Wlan => "802.11",
            Encap::Radiotap => "radiotap",
            Encap::Wccp => "WCCP redirect",
            Encap::Juniper => "Juniper capture header",
        }
    }
}

/// How deep encapsulations may nest. Real traffic rarely goes past four (QinQ, MPLS, a tunnel,
/// a VLAN inside it); a frame nesting deeper is crafted, and stopping here bounds the work per
/// frame whatever its bytes say.
pub const MAX_DEPTH: usize = 8;

/// The encapsulations a frame went through, outermost first: up to [`MAX_DEPTH`] one-byte
/// [`Encap`] codes packed in an integer, so the record stays `Copy` and small and building it
/// never allocates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct EncapPath(u64);

impl EncapPath {
    pub const EMPTY: EncapPath = EncapPath(0);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        (8 - self.0.leading_zeros() as usize / 8).min(MAX_DEPTH)
    }

    /// Append a layer; `false` (and no change) when the path is already [`MAX_DEPTH`] deep.
    #[must_use]
    pub fn push(&mut self, e: Encap) -> bool {
        let n = self.len();
        if n == MAX_DEPTH {
            return false;
        }
        self.0 |= (e as u64) << (8 * n);
        true
    }

    /// Add the layers of `other` not yet in this path, in their order (a connection seen
    /// through several paths keeps each kind once, in the order first seen).
    pub fn merge(&mut self, other: EncapPath) {
        for e in other.iter() {
            if !self.contains(e) && !self.push(e) {
                return;
            }
        }
    }

    pub fn contains(self, e: Encap) -> bool {
        self.iter().any(|x| x == e)
    }

    /// The innermost layer.
    pub fn last(self) -> Option<Encap> {
        self.iter().last()
    }

    pub fn iter(self) -> impl Iterator<Item = Encap> {
        (0..MAX_DEPTH).map_while(move |i| Encap::from_u8((self.0 >> (8 * i)) as u8))
    }
}

impl Serialize for EncapPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Encap::name))
    }
}

/// Why a frame's layers could not all be peeled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Why {
    /// The frame ends inside a header.
    Truncated,
    /// A type field names a protocol portlife does not peel (an EtherType, a PPP protocol, a
    /// GRE protocol type, a version).
    UnknownType(u16),
    /// A variant of the header portlife does not peel (GRE routing, a CAPWAP fragment, …).
    Unsupported(&'static str),
    /// The payload is encrypted (802.11 protected frames, CAPWAP DTLS).
    Encrypted,
    /// More than [`MAX_DEPTH`] encapsulations.
    TooDeep,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Truncated => f.write_str("truncated header"),
            Why::UnknownType(t) => write!(f, "unknown type 0x{t:04x}"),
            Why::Unsupported(what) => f.write_str(what),
            Why::Encrypted => f.write_str("encrypted"),
            Why::TooDeep => write!(f, "nested more than {MAX_DEPTH} deep"),
        }
    }
}

/// Where and why peeling stopped: in layer `at` (`None`: the link layer itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Undecoded {
    pub at: Option<Encap>,
    pub why: Why,
}

/// What the peelers say when they find no IP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A protocol known not to carry IP (ARP, LLDP, STP, PPP's control protocols, 802.11
    /// management frames …): nothing to decode, nothing to warn about.
    NotIp,
    /// Something that may carry IP and could not be peeled: counted and warned about.
    Undecoded(Undecoded),
    /// A link type portlife does not decode (warned about on its own).
    LinkType,
}

impl Stop {
    pub fn at(at: Option<Encap>, why: Why) -> Stop {
        Stop::Undecoded(Undecoded { at, why })
    }
}

/// Big-endian u16 at `at`, if the bytes are there.
#[inline(always)]
pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// The encapsulations of one frame and, when it was not decoded, why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layers {
    pub path: EncapPath,
    pub undecoded: Option<Undecoded>,
}

impl Layers {
    pub const PLAIN: Layers = Layers {
        path: EncapPath::EMPTY,
        undecoded: None,
    };

    /// Nothing beyond the link layer, and decoded: the common case, checked once per packet.
    #[inline(always)]
    pub fn is_plain(&self) -> bool {
        self.path.is_empty() && self.undecoded.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keeps_order_bounds_depth_and_merges() {
        let mut p = EncapPath::EMPTY;
        assert!(p.is_empty());
        for e in [Encap::Vlan, Encap::Mpls, Encap::Vlan] {
            assert!(p.push(e));
        }
        assert_eq!(p.len(), 3);
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            [Encap::Vlan, Encap::Mpls, Encap::Vlan]
        );
        for _ in 3..MAX_DEPTH {
            assert!(p.push(Encap::Gre));
        }
        assert!(!p.push(Encap::Vxlan), "a ninth layer is refused");
        assert_eq!(p.len(), MAX_DEPTH);
        assert_eq!(p.last(), Some(Encap::Gre));

        let mut c = EncapPath::EMPTY;
        let mut a = EncapPath::EMPTY;
        let _ = (a.push(Encap::Gre), a.push(Encap::Vxlan));
        c.merge(a);
        c.merge(a);
        let mut b = EncapPath::EMPTY;
        let _ = b.push(Encap::Vlan);
        c.merge(b);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"["gre","vxlan","vlan"]"#
        );
        for e in Encap::ALL {
            assert_eq!(Encap::from_u8(e as u8), Some(e));
        }
        assert_eq!(Encap::from_u8(0), None);
        assert_eq!(Encap::from_u8(Encap::ALL.len() as u8 + 1), None);
    }
}
