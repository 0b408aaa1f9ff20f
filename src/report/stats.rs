//! Per-capture packet statistics: counts per link type and protocol, time span, distinct TCP
//! 4-tuples. Accumulated in one streaming pass; memory grows with distinct 4-tuples only.

use std::collections::BTreeMap;

use foldhash::HashSet;

use serde::Serialize;

use crate::decode::{linktype, Decoded, Endpoint};
use crate::source::Packet;

/// What the packets of a capture were, before any connection tracking.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaptureStats {
    pub packets: u64,
    /// Bytes on the wire (original lengths).
    pub wire_bytes: u64,
    /// Packets per link type name, e.g. `{"ethernet": 43}`.
    pub link_types: BTreeMap<String, u64>,
    /// Packets per decoded protocol label (`tcp`, `udp`, `icmp-error`, `non-ip`, …).
    pub protocols: BTreeMap<String, u64>,
    /// First and last timestamp (ns since the Unix epoch), in capture order extremes.
    pub first_ts_ns: Option<i64>,
    pub last_ts_ns: Option<i64>,
    /// Distinct TCP 4-tuples, direction-independent (A→B and B→A count once).
    pub tcp_4tuples: usize,
    /// Packets that carry no timestamp (pcapng Simple Packet Blocks).
    pub packets_without_timestamp: u64,
    /// Packets dropped as copies of a packet just seen (see `sanitize`); not modelled.
    pub duplicate_packets: u64,
    /// Packets whose timestamp is earlier than the packet before them.
    pub out_of_order_timestamps: u64,
    #[serde(skip)]
    tuples: HashSet<(Endpoint, Endpoint)>,
    #[serde(skip)]
    prev_ts: Option<i64>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(v) => *v += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

impl CaptureStats {
    pub fn observe(&mut self, pkt: &Packet<'_>, decoded: &Decoded) {
        self.packets += 1;
        self.wire_bytes += pkt.orig_len as u64;
        // Count without allocating: a key string is made only the first time it is seen.
        if linktype::is_supported(pkt.linktype) {
            bump(&mut self.link_types, linktype::name(pkt.linktype));
        } else {
            bump(
                &mut self.link_types,
                &format!("unsupported ({})", pkt.linktype),
            );
        }
        bump(&mut self.protocols, decoded.protocol_label());
        if !pkt.ts_known {
            self.packets_without_timestamp += 1;
        } else {
            self.first_ts_ns = Some(self.first_ts_ns.map_or(pkt.ts_ns, |t| t.min(pkt.ts_ns)));
            self.last_ts_ns = Some(self.last_ts_ns.map_or(pkt.ts_ns, |t| t.max(pkt.ts_ns)));
        }
        if let Some(prev) = self.prev_ts {
            if pkt.ts_ns < prev {
                self.out_of_order_timestamps += 1;
            }
        }
        self.prev_ts = Some(pkt.ts_ns);
        if let Decoded::Tcp(t) = decoded {
            let key = if t.src <= t.dst {
                (t.src, t.dst)
            } else {
                (t.dst, t.src)
            };
            if self.tuples.insert(key) {
                self.tcp_4tuples = self.tuples.len();
            }
        }
    }

    /// Time span in seconds between the first and last packet.
    pub fn duration_s(&self) -> f64 {
        match (self.first_ts_ns, self.last_ts_ns) {
            (Some(a), Some(b)) => (b - a) as f64 / 1e9,
            _ => 0.0,
        }
    }
}
