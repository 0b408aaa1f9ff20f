//! Handshakes that failed: SYNs never answered, SYN-ACKs never acknowledged, SYNs refused by a RST, and ICMP unreachable errors.

use super::*;

// ---------------------------------------------------------------------------------------------
// Handshake failures.

/// SYNs that were retransmitted at least once and never answered (outcome `unanswered`). A single
/// SYN without a retransmit is not evidence (the capture may have ended right after it).
pub(super) fn syn_unanswered(conns: &[Connection], out: &mut Vec<Finding>) {
    let failed = conns
        .iter()
        .filter(|c| c.outcome == Outcome::Unanswered && c.syn_retransmits >= 1);
    for (dst, cs) in by_server(failed) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let wait = cs
            .iter()
            .map(|c| c.last_packet_ns - c.start_ns)
            .max()
            .unwrap_or(0);
        let ok = conns
            .iter()
            .filter(|c| c.server == dst && c.client_side.entered(TcpState::Established).is_some())
            .count();
        let mut f = Finding::new(
            FindingKind::SynUnanswered,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.say(args![
            count = cs.len(),
            destination = dst.to_string(),
            sent = retx + 1,
            retransmits = retx,
            waited = format!("{:.0}", wait as f64 / 1e9),
            port = dst.port,
        ]);
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f
            .ev("attempts", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("waited_ms", wait / MS)
            .ev("successful_connections_to_same_server", ok);
        out.push(f);
    }
}

/// The server sent SYN-ACK (its side reached SYN-RECEIVED) but the client's final ACK never
/// arrived: the server never reached ESTABLISHED and the SYN or SYN-ACK was retransmitted (so it is
/// not just a capture that ended mid-handshake), and no RST ended it. Seen from the server, the
/// return traffic (SYN-ACK to the client) is being blocked.
pub(super) fn syn_ack_unacknowledged(conns: &[Connection], out: &mut Vec<Finding>) {
    let stuck = conns.iter().filter(|c| handshake_stuck(c));
    for (dst, cs) in by_server(stuck) {
        let retx: u32 = cs.iter().map(|c| c.syn_retransmits).max().unwrap_or(0);
        let synacks = cs.iter().map(|c| c.server_side.packets).max().unwrap_or(0);
        let mut f = Finding::new(
            FindingKind::SynAckUnacknowledged,
            Severity::Warning,
            "ch09-firewalls.md",
        );
        f.say(args![
            count = cs.len(),
            destination = dst.to_string(),
            synacks = synacks,
            retransmits = retx,
        ]);
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = cs.iter().map(|c| c.client).collect();
        f.ports.push(dst);
        f = f
            .ev("handshakes", cs.len())
            .ev("max_syn_retransmits", retx)
            .ev("max_server_packets", synacks);
        out.push(f);
    }
}

pub(super) fn handshake_stuck(c: &Connection) -> bool {
    !c.roles_inferred
        && c.server_side.entered(TcpState::SynReceived).is_some()
        && c.server_side.entered(TcpState::Established).is_none()
        && matches!(c.outcome, Outcome::OpenAtEnd | Outcome::Unanswered)
        && (c.syn_retransmits >= 1 || c.server_side.packets >= 2)
}

/// SYNs answered by RST (outcome `refused`): nothing listens on that port.
pub(super) fn connection_refused(conns: &[Connection], out: &mut Vec<Finding>) {
    let refused = conns.iter().filter(|c| c.outcome == Outcome::Refused);
    for (dst, cs) in by_server(refused) {
        let mut f = Finding::new(
            FindingKind::ConnectionRefused,
            Severity::Warning,
            "ch10-troubleshooting.md",
        );
        f.say(args![
            count = cs.len(),
            destination = dst.to_string(),
            port = dst.port,
        ]);
        f.connections = cs.iter().map(|c| c.id).collect();
        f.ports = vec![dst];
        f = f.ev("refused", cs.len());
        out.push(f);
    }
}

/// TCP attempts ended by an ICMP error and UDP requests answered by one, per (server, reason).
pub(super) fn icmp_unreachable(conns: &[Connection], udp: &[UdpFlow], out: &mut Vec<Finding>) {
    /// (server, reason, is UDP) → (TCP connection indices, UDP flow indices).
    type Group = (Endpoint, &'static str, bool);
    let mut groups: BTreeMap<Group, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
    let key = |r: IcmpReason| match r {
        IcmpReason::PortUnreachable => "port_unreachable",
        IcmpReason::AdminProhibited => "admin_prohibited",
        IcmpReason::Unreachable => "unreachable",
    };
    for c in conns {
        if let Some(r) = c.icmp {
            groups
                .entry((c.server, key(r), false))
                .or_default()
                .0
                .push(c.id);
        }
    }
    for u in udp {
        if let Some(r) = u.icmp {
            groups
                .entry((u.server, key(r), true))
                .or_default()
                .1
                .push(u.id);
        }
    }
    for ((dst, reason, is_udp), (tcp_ids, udp_ids)) in groups {
        let n = tcp_ids.len() + udp_ids.len();
        let proto = if is_udp { "UDP" } else { "TCP" };
        let mut f = Finding::new(
            FindingKind::IcmpUnreachable,
            Severity::Warning,
            if reason == "admin_prohibited" {
                "ch09-firewalls.md"
            } else {
                "ch10-troubleshooting.md"
            },
        );
        f.say(args![
            count = n,
            protocol = proto,
            destination = dst.to_string(),
            reason = reason,
            port = dst.port,
            address = dst.ip.to_string(),
        ]);
        f.connections = tcp_ids;
        f.udp_flows = udp_ids;
        f.ports = vec![dst];
        f = f.ev("count", n).ev("reason", reason).ev("protocol", proto);
        out.push(f);
    }
}
