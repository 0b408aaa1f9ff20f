//! UDP request/response "flows" (DNS, NTP …): just enough to show the client ports they hold.
//!
//! UDP has no connection, so a flow is every datagram on one 4-tuple with no gap longer than
//! [`UDP_IDLE_TIMEOUT_NS`] (30 s, the order of Linux conntrack's `nf_conntrack_udp_timeout` of
//! 30 s for unreplied flows; a DNS or NTP client closes its socket long before). The client is
//! the sender of the first datagram unless its port is a well-known one and the peer's is not.
//! A flow is labelled UDP everywhere; it has no TCP states.

use foldhash::HashMap;

use serde::Serialize;

use crate::decode::{Endpoint, IcmpError, IcmpReason, UdpDatagram};

/// A gap longer than this on a 4-tuple ends the flow; the next datagram starts a new one.
pub const UDP_IDLE_TIMEOUT_NS: i64 = 30_000_000_000;

/// One UDP request/response exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UdpFlow {
    /// Index into `Tracker::udp_flows`.
    pub id: u32,
    pub client: Endpoint,
    pub server: Endpoint,
    /// True when the first datagram came from the server's side (its start was not captured, or
    /// the "server" spoke first): the roles are a guess from the port numbers.
    pub roles_inferred: bool,
    pub start_ns: i64,
    /// Last datagram (or the ICMP error that ended it).
    pub end_ns: i64,
    pub first_packet_index: u64,
    pub client_packets: u64,
    pub server_packets: u64,
    /// UDP payload bytes each way.
    pub client_bytes: u64,
    pub server_bytes: u64,
    /// An ICMP port-unreachable / prohibited error answered the client.
    pub icmp: Option<IcmpReason>,
}

/// The UDP flow table.
#[derive(Clone, Debug, Default)]
pub(crate) struct UdpTable {
    flows: Vec<UdpFlow>,
    table: HashMap<(Endpoint, Endpoint), u32>,
}

impl UdpTable {
    pub(crate) fn push(&mut self, packet_index: u64, ts_ns: i64, u: &UdpDatagram) {
        let key = if u.src <= u.dst {
            (u.src, u.dst)
        } else {
            (u.dst, u.src)
        };
        let current = self.table.get(&key).copied().filter(|&id| {
            let f = &self.flows[id as usize];
            f.icmp.is_none() && ts_ns.saturating_sub(f.end_ns) <= UDP_IDLE_TIMEOUT_NS
        });
        let id = match current {
            Some(id) => id,
            None => {
                let id = self.flows.len() as u32;
                // The first sender is the client unless it sends from a well-known port to an
                // ephemeral-looking one (a reply whose request was not captured).
                let swap = u.src.port < 1024 && u.dst.port >= 1024;
                let (client, server) = if swap { (u.dst, u.src) } else { (u.src, u.dst) };
                self.flows.push(UdpFlow {
                    id,
                    client,
                    server,
                    roles_inferred: swap,
                    start_ns: ts_ns,
                    end_ns: ts_ns,
                    first_packet_index: packet_index,
                    client_packets: 0,
                    server_packets: 0,
                    client_bytes: 0,
                    server_bytes: 0,
                    icmp: None,
                });
                self.table.insert(key, id);
                id
            }
        };
        let f = &mut self.flows[id as usize];
        f.end_ns = f.end_ns.max(ts_ns);
        if u.src == f.client {
            f.client_packets += 1;
            f.client_bytes += u.payload_len as u64;
        } else {
            f.server_packets += 1;
            f.server_bytes += u.payload_len as u64;
        }
    }

    pub(crate) fn icmp(&mut self, ts_ns: i64, e: &IcmpError) {
        let key = if e.quoted_src <= e.quoted_dst {
            (e.quoted_src, e.quoted_dst)
        } else {
            (e.quoted_dst, e.quoted_src)
        };
        if let Some(&id) = self.table.get(&key) {
            let f = &mut self.flows[id as usize];
            if f.icmp.is_none() {
                f.icmp = Some(e.reason);
                f.end_ns = f.end_ns.max(ts_ns);
            }
        }
    }

    /// Nothing to close: a flow's end is its last datagram.
    pub(crate) fn finish(&mut self, _end_ts_ns: i64) {}

    pub(crate) fn flows(&self) -> &[UdpFlow] {
        &self.flows
    }

    pub(crate) fn into_flows(self) -> Vec<UdpFlow> {
        self.flows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcp::testutil::ep;

    fn flows(datagrams: &[(Endpoint, Endpoint, u32)]) -> Vec<UdpFlow> {
        let mut t = UdpTable::default();
        for (i, &(src, dst, payload_len)) in datagrams.iter().enumerate() {
            let ts = i as i64 * 1_000_000;
            t.push(
                i as u64,
                ts,
                &UdpDatagram {
                    src,
                    dst,
                    payload_len,
                },
            );
        }
        t.into_flows()
    }

    /// The first sender is the client, unless it sends from a well-known port (below 1024) to
    /// one that is not: then it is a reply whose request was not captured.
    #[test]
    fn the_first_sender_is_the_client_unless_it_answers_from_a_well_known_port() {
        for (src, dst, swapped) in [
            (ep(9, 53), ep(2, 40000), true),
            (ep(9, 1023), ep(2, 1024), true),
            (ep(2, 40000), ep(9, 53), false),
            (ep(2, 1000), ep(9, 53), false),
            (ep(2, 1024), ep(9, 40000), false),
            (ep(2, 5000), ep(9, 6000), false),
        ] {
            let f = &flows(&[(src, dst, 10)])[0];
            let (client, server) = if swapped { (dst, src) } else { (src, dst) };
            assert_eq!(
                (f.client, f.server, f.roles_inferred),
                (client, server, swapped),
                "{src} → {dst}"
            );
        }
    }

    /// Both directions of a 4-tuple are one flow; each side's datagrams and bytes are its own.
    #[test]
    fn a_flow_counts_each_sides_datagrams_and_bytes() {
        let (c, s) = (ep(2, 40000), ep(9, 53));
        let f = flows(&[(c, s, 10), (s, c, 100), (c, s, 20), (s, c, 200)]);
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!((f.client_packets, f.client_bytes), (2, 30));
        assert_eq!((f.server_packets, f.server_bytes), (2, 300));
        assert_eq!((f.start_ns, f.end_ns), (0, 3_000_000));
    }
}
