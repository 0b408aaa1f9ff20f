//! Per-capture packet statistics: counts per link type and protocol, time span. Accumulated in
//! one streaming pass with constant memory; the distinct-4-tuple count comes from the tracker's
//! table (which holds every 4-tuple anyway) when the pipeline takes a snapshot.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decode::{linktype, Decoded, Encap, Layers, Undecoded};
use crate::source::PacketMeta;

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
    /// Distinct TCP 4-tuples, direction-independent (A→B and B→A count once). Filled in from
    /// the tracker by [`crate::analysis::Pipeline`]; once connection records are summarised
    /// (`evicted`), a 4-tuple seen again after its record went counts again.
    pub tcp_4tuples: usize,
    /// Packets that carry no timestamp (pcapng Simple Packet Blocks).
    pub packets_without_timestamp: u64,
    /// Packets dropped as copies of a packet just seen (see `sanitize`); not modelled.
    pub duplicate_packets: u64,
    /// Packets whose timestamp is earlier than the packet before them.
    pub out_of_order_timestamps: u64,
    /// Packets per encapsulation they came through (`{"vlan": 12, "vxlan": 3}`, the names of
    /// [`Encap::name`]); a packet counts once per kind.
    pub encapsulations: BTreeMap<String, u64>,
    /// Frames that may carry IP but whose layers could not be peeled, by layer and reason
    /// (`{"802.1ah PBB: truncated header": 12}`); each key is also said in a `not_decoded`
    /// warning. Protocols known to carry no IP (ARP, LLDP, STP …) are not here.
    pub not_decoded: BTreeMap<String, u64>,
    /// IP datagrams put back together from their fragments (see `defrag`); each is modelled
    /// at the fragment that completed it.
    pub reassembled_datagrams: u64,
    /// The counts behind `encapsulations` and `not_decoded`, kept as numbers and turned into
    /// names when the statistics are handed out ([`CaptureStats::flush`]).
    #[serde(skip)]
    encap_counts: BTreeMap<Encap, u64>,
    #[serde(skip)]
    undecoded_counts: BTreeMap<(u16, Undecoded), u64>,
    #[serde(skip)]
    prev_ts: Option<i64>,
    /// Run-length counters: consecutive packets nearly always share link type and protocol, so
    /// the maps are touched once per run instead of once per packet ([`CaptureStats::flush`]).
    #[serde(skip)]
    run: Option<Run>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    linktype: u16,
    protocol: &'static str,
    packets: u64,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    match map.get_mut(key) {
        Some(v) => *v += n,
        None => {
            map.insert(key.to_string(), n);
        }
    }
}

impl CaptureStats {
    pub fn observe(&mut self, pkt: &PacketMeta, decoded: &Decoded) {
        self.packets += 1;
        self.wire_bytes += pkt.orig_len as u64;
        let protocol = decoded.protocol_label();
        match &mut self.run {
            Some(r) if r.linktype == pkt.linktype && r.protocol == protocol => r.packets += 1,
            _ => {
                self.flush();
                self.run = Some(Run {
                    linktype: pkt.linktype,
                    protocol,
                    packets: 1,
                });
            }
        }
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
    }

    /// Count the encapsulations of one packet and, if it was not decoded, why. Called only for
    /// packets that are not plain ([`Layers::is_plain`]).
    pub fn observe_layers(&mut self, linktype: u16, layers: &Layers) {
        let path = layers.path;
        for (i, e) in path.iter().enumerate() {
            // Once per kind: QinQ is two VLAN tags on one packet.
            if !path.iter().take(i).any(|x| x == e) {
                *self.encap_counts.entry(e).or_default() += 1;
            }
        }
        if let Some(u) = layers.undecoded {
            *self.undecoded_counts.entry((linktype, u)).or_default() += 1;
        }
    }

    /// One sentence per reason frames were not decoded, for the warnings.
    pub fn not_decoded_messages(&self) -> Vec<String> {
        self.undecoded_counts
            .iter()
            .map(|(&(lt, u), n)| {
                format!(
                    "{n} frames in {} not decoded ({}); counted, not analysed",
                    layer_name(lt, u),
                    u.why
                )
            })
            .collect()
    }

    /// Fold the current run into `link_types` / `protocols` (done before anyone reads them:
    /// [`crate::analysis::Pipeline`] flushes when it hands the statistics out).
    pub fn flush(&mut self) {
        let Some(r) = self.run.take() else {
            return;
        };
        // A key string is made only the first time it is seen.
        if linktype::is_supported(r.linktype) {
            bump(&mut self.link_types, linktype::name(r.linktype), r.packets);
        } else {
            let name = format!("unsupported ({})", r.linktype);
            bump(&mut self.link_types, &name, r.packets);
        }
        bump(&mut self.protocols, r.protocol, r.packets);
        if !self.encap_counts.is_empty() || !self.undecoded_counts.is_empty() {
            self.encapsulations = self
                .encap_counts
                .iter()
                .map(|(e, n)| (e.name().to_string(), *n))
                .collect();
            self.not_decoded = self
                .undecoded_counts
                .iter()
                .map(|(&(lt, u), n)| (format!("{}: {}", layer_name(lt, u), u.why), *n))
                .collect();
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

/// The layer a frame stopped in: an encapsulation, or the link layer itself.
fn layer_name(linktype: u16, u: Undecoded) -> &'static str {
    match u.at {
        Some(e) => e.long_name(),
        None => linktype::name(linktype),
    }
}
