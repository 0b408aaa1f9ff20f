//! Tracker scenarios: every transition and ending the tracker handles, built from segments.

use super::*;
use crate::decode::{Decoded, Endpoint, IcmpError, IcmpReason, Transport};
use crate::tcp::testutil::{ep, seg};
use crate::tcp::{Connection, Outcome, Role, TcpState, ZeekConnState};

use TcpState::*;

/// A tracker fed one packet per millisecond.
struct Sim {
    t: Tracker,
    next: u64,
}

const MS: i64 = 1_000_000;
const T0: i64 = 1_700_000_000_000_000_000;

impl Sim {
    fn new() -> Self {
        Sim {
            t: Tracker::new(),
            next: 0,
        }
    }
    /// Push a segment at T0 + index ms; returns its packet index.
    fn push(&mut self, d: Decoded) -> u64 {
        let i = self.next;
        self.t.push(i, T0 + i as i64 * MS, &d);
        self.next += 1;
        i
    }
    fn at(&mut self, ts_ns: i64, d: Decoded) -> u64 {
        let i = self.next;
        self.t.push(i, ts_ns, &d);
        self.next += 1;
        i
    }
    fn conn(&self, id: usize) -> &Connection {
        &self.t.connections()[id]
    }
}

fn path(side: &crate::tcp::Side) -> Vec<(TcpState, TcpState, u64)> {
    side.transitions
        .iter()
        .map(|t| (t.from, t.to, u64::from(t.packet_index)))
        .collect()
}

fn states(side: &crate::tcp::Side) -> Vec<TcpState> {
    let mut v = vec![side.initial];
    v.extend(side.transitions.iter().map(|t| t.to));
    v
}

const C: u8 = 2;
const S: u8 = 5;

/// Handshake C:54321 → S:443 with ISNs 100 / 500; returns (client, server).
fn handshake(sim: &mut Sim) -> (Endpoint, Endpoint) {
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    sim.push(seg(c, s, "A", 101, 501, 0));
    (c, s)
}

/// A connection's packets are both sides' together, each side counting what it sent.
#[test]
fn a_connections_packets_are_both_sides_together() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "PA", 101, 501, 10));
    sim.push(seg(s, c, "A", 501, 111, 0));
    let k = sim.conn(0);
    assert_eq!((k.client_side.packets, k.server_side.packets), (3, 2));
    assert_eq!(k.packets(), 5);
}

#[test]
fn handshake_transitions_rfc9293_3_5() {
    let mut sim = Sim::new();
    handshake(&mut sim);
    let k = sim.conn(0);
    assert!(!k.roles_inferred);
    assert_eq!(k.client.port, 54321);
    assert_eq!(
        path(&k.client_side),
        vec![(Closed, SynSent, 0), (SynSent, Established, 2)]
    );
    assert_eq!(
        path(&k.server_side),
        vec![(Listen, SynReceived, 1), (SynReceived, Established, 2)]
    );
    assert_eq!(k.outcome, Outcome::OpenAtEnd);
    assert_eq!(k.conn_state, ZeekConnState::S1);
    assert_eq!(k.completeness, 1 | 2 | 4);
}

#[test]
fn normal_close_by_client_rfc9293_3_6() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "PA", 101, 501, 10)); // 3
    sim.push(seg(s, c, "PA", 501, 111, 20)); // 4
    sim.push(seg(c, s, "FA", 111, 521, 0)); // 5 client closes first
    sim.push(seg(s, c, "A", 521, 112, 0)); // 6
    sim.push(seg(s, c, "FA", 521, 112, 0)); // 7
    sim.push(seg(c, s, "A", 112, 522, 0)); // 8
    let k = sim.conn(0);
    assert_eq!(
        path(&k.client_side)[2..],
        [
            (Established, FinWait1, 5),
            (FinWait1, FinWait2, 6),
            (FinWait2, TimeWait, 8)
        ]
    );
    assert_eq!(
        path(&k.server_side)[2..],
        [
            (Established, CloseWait, 6),
            (CloseWait, LastAck, 7),
            (LastAck, Closed, 8)
        ]
    );
    assert_eq!(k.closed_first, Some(Role::Client));
    assert_eq!(k.outcome, Outcome::FinFin);
    assert_eq!(k.conn_state, ZeekConnState::SF);
    assert_eq!(k.history, "ShADdFaf");
    assert_eq!(k.completeness, 31);
    assert_eq!((k.client_side.bytes, k.server_side.bytes), (10, 20));
    assert_eq!((k.client_side.packets, k.server_side.packets), (5, 4));
    assert_eq!(k.end_ns, T0 + 8 * MS);
    assert!(k.is_over());
}

#[test]
fn normal_close_by_server_puts_server_in_time_wait() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(s, c, "FA", 501, 101, 0)); // 3
    sim.push(seg(c, s, "FA", 101, 502, 0)); // 4: ACK + own FIN in one segment
    sim.push(seg(s, c, "A", 502, 102, 0)); // 5
    let k = sim.conn(0);
    assert_eq!(k.closed_first, Some(Role::Server));
    assert_eq!(
        states(&k.server_side),
        vec![
            Listen,
            SynReceived,
            Established,
            FinWait1,
            FinWait2,
            TimeWait
        ]
    );
    assert_eq!(
        states(&k.client_side),
        vec![Closed, SynSent, Established, CloseWait, LastAck, Closed]
    );
    assert_eq!(k.outcome, Outcome::FinFin);
}

#[test]
fn fin_ack_of_fin_in_one_segment_goes_fin_wait_1_to_time_wait_via_fin_wait_2() {
    // §3.10.7.4 eighth: FIN-WAIT-1 receiving FIN whose ACK covers our FIN → TIME-WAIT.
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "FA", 101, 501, 0)); // 3
    sim.push(seg(s, c, "FA", 501, 102, 0)); // 4
    sim.push(seg(c, s, "A", 102, 502, 0)); // 5
    let k = sim.conn(0);
    assert_eq!(
        path(&k.client_side)[2..],
        [
            (Established, FinWait1, 3),
            (FinWait1, FinWait2, 4),
            (FinWait2, TimeWait, 5)
        ]
    );
    assert_eq!(k.server_side.state, Closed);
}

#[test]
fn simultaneous_close_both_go_through_closing() {
    // §3.6 Figure 13: the FINs cross.
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "FA", 101, 501, 0)); // 3
    sim.push(seg(s, c, "FA", 501, 101, 0)); // 4: does not ack the client's FIN
    sim.push(seg(c, s, "A", 102, 502, 0)); // 5
    sim.push(seg(s, c, "A", 502, 102, 0)); // 6
    let k = sim.conn(0);
    assert_eq!(
        path(&k.client_side)[2..],
        [
            (Established, FinWait1, 3),
            (FinWait1, Closing, 5),
            (Closing, TimeWait, 6)
        ]
    );
    assert_eq!(
        path(&k.server_side)[2..],
        [
            (Established, FinWait1, 4),
            (FinWait1, Closing, 5),
            // The client's ACK (5) delivers its FIN and acknowledges the server's at once.
            (Closing, TimeWait, 5)
        ]
    );
    assert_eq!(k.closed_first, Some(Role::Client));
    assert_eq!(k.outcome, Outcome::FinFin);
}

#[test]
fn simultaneous_open_goes_through_syn_received() {
    // §3.5 Figure 7: both send SYN, both answer with SYN-ACK.
    let mut sim = Sim::new();
    let (a, b) = (ep(C, 40000), ep(S, 40001));
    sim.push(seg(a, b, "S", 100, 0, 0));
    sim.push(seg(b, a, "S", 500, 0, 0));
    sim.push(seg(a, b, "SA", 100, 501, 0));
    sim.push(seg(b, a, "SA", 500, 101, 0));
    assert_eq!(sim.t.connections().len(), 1);
    let k = sim.conn(0);
    assert_eq!(
        states(&k.client_side),
        vec![Closed, SynSent, SynReceived, Established]
    );
    assert_eq!(
        states(&k.server_side),
        vec![Listen, SynSent, SynReceived, Established]
    );
}

/// A SYN scan (the scanner answers the SYN-ACK with a RST): RFC 9293 §3.10.7.4 returns a
/// passively opened SYN-RECEIVED to LISTEN, so the server's port is still listening after it.
#[test]
fn a_syn_scans_rst_returns_the_listener_to_listen() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 61000), ep(S, 22));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    sim.push(seg(c, s, "R", 101, 0, 0));
    let k = sim.conn(0);
    assert_eq!(states(&k.server_side), vec![Listen, SynReceived, Listen]);
    assert_eq!(k.outcome, Outcome::ResetByClient);
}

/// The other SYN-RECEIVED of §3.10.7.4: an end that sent its own SYN (a simultaneous open)
/// was not passively opened, so a RST there closes it instead of returning it to LISTEN. Its
/// retransmitted SYN is not counted as the client's: that count is the client's retries.
#[test]
fn a_rst_in_syn_received_after_an_active_open_closes_that_end() {
    let mut sim = Sim::new();
    let (a, b) = (ep(C, 40000), ep(S, 40001));
    sim.push(seg(a, b, "S", 100, 0, 0));
    sim.push(seg(b, a, "S", 500, 0, 0));
    sim.push(seg(b, a, "S", 500, 0, 0));
    sim.push(seg(b, a, "SA", 500, 101, 0));
    sim.push(seg(a, b, "R", 101, 0, 0));
    let k = sim.conn(0);
    assert_eq!(
        states(&k.server_side),
        vec![Listen, SynSent, SynReceived, Closed]
    );
    assert_eq!(k.syn_retransmits, 0);
}

/// A server that still holds an old connection on the 4-tuple answers a new SYN with an ACK of
/// the old sequence numbers (RFC 9293 §3.10.7.4, RFC 5961 §4), and the client resets it. That
/// ACK, of a number before the new SYN's, does not acknowledge that SYN: the server never
/// entered SYN-RECEIVED for it.
#[test]
fn an_ack_that_does_not_cover_the_syn_leaves_the_server_listening() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 3_000_000, 0, 0));
    sim.push(seg(s, c, "A", 7000, 1_000, 0));
    sim.push(seg(c, s, "R", 1_000, 0, 0));
    let k = sim.conn(0);
    assert_eq!(states(&k.server_side), vec![Listen]);
    assert_eq!(states(&k.client_side), vec![Closed, SynSent, Closed]);
}

/// The same stale ACK does not acknowledge the client's SYN either: when the other end then
/// opens too (its own SYN, then data the client takes in order), the client has the peer's SYN
/// without its own acknowledged, which is SYN-RECEIVED (§3.5 Figure 7), not ESTABLISHED.
#[test]
fn a_stale_ack_does_not_acknowledge_the_clients_syn() {
    let mut sim = Sim::new();
    let (a, b) = (ep(C, 40000), ep(S, 40001));
    sim.push(seg(a, b, "S", 3_000_000, 0, 0));
    sim.push(seg(b, a, "A", 7000, 1_000, 0));
    sim.push(seg(b, a, "S", 500, 0, 0));
    sim.push(seg(b, a, "PA", 501, 1_000, 10));
    let k = sim.conn(0);
    assert_eq!(states(&k.client_side), vec![Closed, SynSent, SynReceived]);
}

#[test]
fn reset_by_client_and_by_server_end_both_at_once() {
    for (who, outcome, zeek) in [
        (Role::Client, Outcome::ResetByClient, ZeekConnState::RSTO),
        (Role::Server, Outcome::ResetByServer, ZeekConnState::RSTR),
    ] {
        let mut sim = Sim::new();
        let (c, s) = handshake(&mut sim);
        sim.push(seg(c, s, "PA", 101, 501, 5));
        let rst = match who {
            Role::Client => seg(c, s, "RA", 106, 501, 0),
            Role::Server => seg(s, c, "RA", 501, 106, 0),
        };
        let i = sim.push(rst);
        let k = sim.conn(0);
        assert_eq!(k.outcome, outcome);
        assert_eq!(k.conn_state, zeek);
        assert_eq!((k.client_side.state, k.server_side.state), (Closed, Closed));
        assert_eq!(
            k.client_side.transitions.last().unwrap().packet_index as u64,
            i
        );
        assert_eq!(
            k.server_side.transitions.last().unwrap().packet_index as u64,
            i
        );
        assert_eq!(k.end_ns, T0 + i as i64 * MS);
        // No TIME-WAIT anywhere.
        assert!(k.client_side.entered(TimeWait).is_none());
        assert!(k.server_side.entered(TimeWait).is_none());
        assert_eq!(k.completeness & 32, 32);
    }
}

/// A RST into a TIME-WAIT (RFC 1337's assassination) after a normal close: the close was
/// normal, so it stays Zeek's `SF`, as after both FINs Zeek logs SF with the RST in the history
/// (`ShAdDafFr` in its imap-starttls trace, `ShADadfFr` in xmpp-starttls); the TIME-WAIT ends
/// at the RST.
#[test]
fn a_rst_into_time_wait_after_a_normal_close_keeps_zeeks_sf() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "FA", 101, 501, 0));
    sim.push(seg(s, c, "FA", 501, 102, 0));
    sim.push(seg(c, s, "A", 102, 502, 0));
    assert_eq!(sim.conn(0).client_side.state, TimeWait);
    let i = sim.push(seg(s, c, "R", 502, 0, 0));
    let k = sim.conn(0);
    assert_eq!(k.client_side.state, Closed, "the RST ended the TIME-WAIT");
    assert_eq!(
        k.client_side.transitions.last().unwrap().packet_index as u64,
        i
    );
    assert!(k.reset_after_close);
    assert_eq!(k.outcome, Outcome::FinFin);
    assert_eq!(k.conn_state, ZeekConnState::SF);
    assert_eq!(k.history.as_str(), "ShAFfr");
}

#[test]
fn refused_syn_answered_by_rst() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 81));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(s, c, "RA", 0, 101, 0));
    let k = sim.conn(0);
    assert_eq!(k.outcome, Outcome::Refused);
    assert_eq!(k.conn_state, ZeekConnState::REJ);
    assert_eq!(states(&k.client_side), vec![Closed, SynSent, Closed]);
    // RFC 9293 §3.10.7.1: nothing listened, so the server's end was CLOSED (no TCB) before and
    // after its RST; there is no LISTEN → CLOSED transition to show or count.
    assert_eq!(states(&k.server_side), vec![Closed]);
    assert!(k.server_side.transitions.is_empty());
    assert_eq!(k.history, "Sr");
    // tshark -2: SYN 1 + ACK 4 (the RST,ACK carries the ACK bit) + RST 32.
    assert_eq!(k.completeness, 37);
}

#[test]
fn a_listeners_rst_to_a_stray_ack_keeps_it_listening() {
    // RFC 9293 §3.10.7.2 LISTEN, "second, check for an ACK ... form a reset ... return".
    assert_eq!(next_state(Listen, Event::SendRst), Listen);
}

#[test]
fn client_only_capture_infers_the_unseen_syn_ack() {
    // Only the client's direction: SYN, then an ACK of the server's ISN, data, and a FIN. The
    // client got the SYN-ACK (RFC 9293 §3.10.7.3: nothing but a SYN leaves SYN-SENT before it).
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 22));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "A", 101, 9001, 0));
    sim.push(seg(c, s, "PA", 101, 9001, 300));
    sim.push(seg(c, s, "PA", 401, 9500, 20));
    let fin = sim.push(seg(c, s, "FA", 421, 9600, 0));
    sim.t.finish(T0 + 3_600_000 * MS);
    let k = sim.conn(0);
    assert_eq!(k.direction_missing, Some(Role::Server));
    assert!(!k.server_side.seen && k.client_side.seen);
    assert_eq!(k.outcome, Outcome::ClosedByClient);
    // Which end closed first cannot be said: the server's FIN may have come earlier, unseen.
    assert_eq!(k.closed_first, None);
    assert_eq!(
        states(&k.client_side),
        vec![Closed, SynSent, Established, FinWait1]
    );
    // The server's steps are deduced from the client's ACK, and say so. Nothing after the
    // client's FIN proves the server got it: no CLOSE-WAIT is claimed.
    assert_eq!(
        states(&k.server_side),
        vec![Listen, SynReceived, Established]
    );
    assert!(k.server_side.transitions.iter().all(|t| t.inferred));
    assert!(k.client_side.transitions.iter().all(|t| !t.inferred));
    // Its end is not in the capture: it ends at its last packet, not an hour later.
    assert_eq!(k.end_ns, T0 + fin as i64 * MS);
    assert!(k.end_unobservable());
    // Zeek: originator closed, responder never seen.
    assert_eq!(k.conn_state, ZeekConnState::SH);
    assert_eq!(k.completeness, 1 | 4 | 8 | 16);
}

/// A TCP Fast Open SYN carries data; retransmitted and never answered, it is still an
/// unanswered attempt: a SYN proves nothing about the SYN-ACK, whatever it carries.
#[test]
fn a_fast_open_syn_with_data_retransmitted_and_unanswered_stays_unanswered() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 200));
    sim.push(seg(c, s, "S", 100, 0, 200));
    sim.t.finish(T0 + 10_000 * MS);
    let k = sim.conn(0);
    assert_eq!(k.outcome, Outcome::Unanswered);
    assert_eq!(k.direction_missing, None);
    assert_eq!(states(&k.server_side), vec![Listen]);
    assert_eq!(states(&k.client_side), vec![Closed, SynSent]);
    assert_eq!(k.syn_retransmits, 1);
}

/// The rule of a client-only capture is "anything but a SYN after SYN-SENT", data included:
/// a data segment after the SYN proves the SYN-ACK even on a stack that sent it without the
/// ACK bit.
#[test]
fn client_data_without_the_ack_bit_after_its_syn_still_proves_the_syn_ack() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 22));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "P", 101, 0, 30));
    let k = sim.conn(0);
    assert_eq!(k.direction_missing, Some(Role::Server));
    assert_eq!(states(&k.server_side)[..2], [Listen, SynReceived]);
    assert!(k.server_side.transitions.iter().all(|t| t.inferred));
}

#[test]
fn server_only_capture_infers_the_unseen_ack_of_the_syn_ack() {
    // Only the server's direction (Zeek's ssh.server-side-half-duplex): SYN-ACK, then data and
    // ACKs of the client's data. In SYN-RECEIVED a server sends no data (RFC 9293 §3.10.2), so
    // the client answered the SYN-ACK.
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 51880), ep(S, 22));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    sim.push(seg(s, c, "PA", 501, 101, 21));
    sim.push(seg(s, c, "A", 522, 122, 0));
    sim.push(seg(s, c, "FA", 522, 200, 0));
    let k = sim.conn(0);
    assert!(k.roles_inferred);
    assert_eq!(k.direction_missing, Some(Role::Client));
    assert_eq!(k.outcome, Outcome::ClosedByServer);
    assert_eq!(k.closed_first, None);
    assert_eq!(
        states(&k.server_side),
        vec![Listen, SynReceived, Established, FinWait1]
    );
    assert_eq!(states(&k.client_side), vec![SynSent, Established]);
    assert!(k.client_side.transitions.iter().all(|t| t.inferred));
    assert_eq!(k.conn_state, ZeekConnState::SHR);
    assert_eq!(k.completeness, 2 | 4 | 8 | 16);
}

#[test]
fn a_bare_unanswered_syn_is_not_a_missing_direction() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "R", 101, 0, 0));
    let k = sim.conn(0);
    assert_eq!(k.direction_missing, None);
    assert_eq!(k.outcome, Outcome::ResetByClient);
}

/// A SYN followed by a FIN and never answered (Zeek's SH): the server showed no sign of life,
/// so neither the SYN nor the FIN is delivered to it and it stays in LISTEN.
#[test]
fn a_syn_then_a_fin_never_answered_leaves_the_server_listening() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "F", 101, 0, 0));
    let k = sim.conn(0);
    assert_eq!(states(&k.server_side), vec![Listen]);
    assert_eq!(k.conn_state, ZeekConnState::SH);
}

/// A server that speaks first (an SMTP or SSH banner) right after its SYN-ACK, with the
/// client's ACK of the SYN-ACK not captured: the client took the banner in order, so it had
/// the SYN-ACK and is ESTABLISHED from the banner on, not left in SYN-SENT.
#[test]
fn a_banner_after_the_syn_ack_proves_the_client_established() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 25));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    let banner = sim.push(seg(s, c, "PA", 501, 101, 20));
    let k = sim.conn(0);
    assert_eq!(
        path(&k.client_side),
        vec![(Closed, SynSent, 0), (SynSent, Established, banner)]
    );
}

/// Zeek's history repeats a letter for a FIN with a new sequence number; a record's history is
/// kept to 32 letters however often that happens (the record's size is bounded).
#[test]
fn a_history_is_kept_to_32_letters() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    for n in 0..40 {
        sim.push(seg(c, s, "FA", 101 + n, 501, 0));
    }
    let h = &sim.conn(0).history;
    assert_eq!(h.len(), 32);
    assert!(h.starts_with("ShAF"));
}

#[test]
fn rst_after_both_fins_is_a_normal_close_for_zeek() {
    // Zeek (base/protocols/conn/main.zeek): a RST from an endpoint that had already closed,
    // after both FINs, leaves conn_state SF. The server FINs, the client answers with data and
    // its own FIN, and the server, having closed, resets (Zeek's imap-starttls trace).
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(s, c, "FPA", 501, 101, 10));
    sim.push(seg(c, s, "A", 101, 512, 0));
    sim.push(seg(c, s, "PA", 101, 512, 31));
    sim.push(seg(c, s, "FA", 132, 512, 0));
    sim.push(seg(s, c, "R", 512, 0, 0));
    let k = sim.conn(0);
    assert_eq!(k.outcome, Outcome::FinFin);
    assert!(k.reset_after_close);
    assert_eq!(k.conn_state, ZeekConnState::SF);
    assert_eq!((k.client_side.state, k.server_side.state), (Closed, Closed));
}

#[test]
fn segments_long_after_a_reset_are_a_new_connection_not_an_extension() {
    // Zeek's modbus-and-non-modbus-p502: the client resets, and 16 s later the same 4-tuple
    // carries data, answered by a RST. No socket outlives a RST; a segment that late was not in
    // flight before it.
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 60293), ep(S, 502));
    sim.at(T0, seg(c, s, "S", 0, 0, 0));
    sim.at(T0 + MS, seg(s, c, "SA", 500, 1, 0));
    let rst = T0 + 117 * MS;
    sim.at(rst, seg(c, s, "R", 1, 0, 0));
    // In flight when the RST was sent: a stray on the ended record.
    sim.at(rst + MS, seg(s, c, "A", 501, 1, 0));
    sim.at(T0 + 15_700 * MS, seg(c, s, "PA", 1, 501, 109));
    sim.at(T0 + 15_701 * MS, seg(s, c, "R", 501, 0, 0));
    let conns = sim.t.connections();
    assert_eq!(conns.len(), 2);
    let (a, b) = (&conns[0], &conns[1]);
    assert_eq!(a.outcome, Outcome::ResetByClient);
    assert_eq!(a.conn_state, ZeekConnState::RSTO);
    assert_eq!(a.after_end_packets, 1);
    assert_eq!(a.end_ns, rst);
    assert!(a.last_packet_ns < T0 + 15_000 * MS);
    assert_eq!(a.next_generation, Some(1));
    assert_eq!((b.generation, b.client), (1, c));
    assert!(b.roles_inferred);
    assert_eq!(b.outcome, Outcome::ResetByServer);
    assert_eq!(b.conn_state, ZeekConnState::RSTRH);
    assert_eq!(b.history, "Dr");
}

/// The rule's boundary: a segment up to 5 s (the in-flight bound) after a RST is a stray of the
/// ended connection; one nanosecond later it is a new connection on the 4-tuple. A user sees it
/// as the connection count and the stray packet counted on the ended record.
#[test]
fn a_segment_exactly_the_in_flight_bound_after_a_reset_is_still_a_stray() {
    for (late_ns, conns, strays) in [(5_000 * MS, 1, 1), (5_000 * MS + 1, 2, 0)] {
        let mut sim = Sim::new();
        let (c, s) = handshake(&mut sim);
        let rst = T0 + 10 * MS;
        sim.at(rst, seg(c, s, "R", 101, 0, 0));
        sim.at(rst + late_ns, seg(s, c, "A", 501, 101, 0));
        let all = sim.t.connections();
        assert_eq!(all.len(), conns, "a segment {late_ns} ns after the RST");
        assert_eq!(
            all[0].after_end_packets, strays,
            "a segment {late_ns} ns after the RST"
        );
        assert_eq!(all[0].outcome, Outcome::ResetByClient);
    }
}

#[test]
fn a_rst_into_time_wait_ends_it_early() {
    // RFC 9293 §3.10.7.4 (TIME-WAIT, RST bit set → CLOSED); Linux's default tcp_rfc1337 = 0
    // does the same. The port is free before 2×MSL.
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    close_by_client(&mut sim, c, s, 101, 501);
    assert_eq!(sim.conn(0).client_side.state, TimeWait);
    let i = sim.push(seg(s, c, "R", 502, 0, 0));
    let k = sim.conn(0);
    assert_eq!(k.client_side.state, Closed);
    assert_eq!(
        k.client_side
            .transitions
            .last()
            .map(|t| (t.from, t.to, t.packet_index as u64)),
        Some((TimeWait, Closed, i))
    );
    assert_eq!(k.outcome, Outcome::FinFin);
    assert_eq!(k.after_end_packets, 1);
}

#[test]
fn idle_gaps_are_recorded_and_keep_alive_long_ones_labelled() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    let quiet = T0 + 2 * MS;
    let back = quiet + 3 * 3_600_000 * MS; // three hours later
    sim.at(back, seg(c, s, "PA", 101, 501, 5));
    let k = sim.conn(0);
    assert_eq!(
        (k.longest_idle_from_ns, k.longest_idle_ns),
        (quiet, back - quiet)
    );
    assert!(k.idle_beyond_keepalive);
    let mut sim = Sim::new();
    handshake(&mut sim);
    sim.t.finish(T0 + 60 * 60_000 * MS);
    let k = sim.conn(0);
    assert_eq!(k.longest_idle_ns, T0 + 60 * 60_000 * MS - (T0 + 2 * MS));
    assert!(
        !k.idle_beyond_keepalive,
        "an hour is within the 2 h keep-alive idle time"
    );
}

/// The keep-alive label's boundary, within the capture and at its end: an idle time of exactly
/// 2 h is not beyond the keep-alive idle time, a second more is; the silence after the last
/// packet of a connection still open counts as idle, and of two equal silences the first is
/// the one shown.
#[test]
fn keep_alive_idle_boundaries_within_and_after_the_capture() {
    const H2: i64 = 7200 * 1000 * MS;
    for (gap, beyond) in [(H2, false), (H2 + 1000 * MS, true)] {
        let mut sim = Sim::new();
        let (c, s) = handshake(&mut sim);
        sim.at(T0 + 2 * MS + gap, seg(c, s, "PA", 101, 501, 5));
        let k = sim.conn(0);
        assert_eq!(k.longest_idle_ns, gap);
        assert_eq!(k.idle_beyond_keepalive, beyond, "an idle gap of {gap} ns");
    }
    for (tail, beyond) in [(H2, false), (3 * 3600 * 1000 * MS, true)] {
        let mut sim = Sim::new();
        handshake(&mut sim);
        sim.t.finish(T0 + 2 * MS + tail);
        let k = sim.conn(0);
        assert_eq!(
            (k.longest_idle_from_ns, k.longest_idle_ns),
            (T0 + 2 * MS, tail)
        );
        assert_eq!(
            k.idle_beyond_keepalive, beyond,
            "a capture ending {tail} ns later"
        );
    }
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    let back = T0 + 2 * MS + 10_000 * MS;
    sim.at(back, seg(c, s, "PA", 101, 501, 5));
    sim.t.finish(back + 10_000 * MS);
    let k = sim.conn(0);
    assert_eq!(
        (k.longest_idle_from_ns, k.longest_idle_ns),
        (T0 + 2 * MS, 10_000 * MS)
    );
}

/// A capture of one direction of a connection already open: the other direction is missing,
/// so the connection ends at its last packet (what came after is not in the capture) instead
/// of staying open to the capture's end.
#[test]
fn a_mid_stream_capture_of_one_direction_ends_at_its_last_packet() {
    for from_client in [true, false] {
        let mut sim = Sim::new();
        let (c, s) = (ep(C, 51000), ep(S, 80));
        let (a, b) = if from_client { (c, s) } else { (s, c) };
        sim.push(seg(a, b, "PA", 7000, 9000, 100));
        let last = sim.push(seg(a, b, "PA", 7100, 9000, 100));
        sim.t.finish(T0 + 3_600_000 * MS);
        let k = sim.conn(0);
        let missing = if from_client {
            Role::Server
        } else {
            Role::Client
        };
        assert_eq!(k.direction_missing, Some(missing));
        assert_eq!(k.end_ns, T0 + last as i64 * MS);
        assert_eq!(k.outcome, Outcome::MidStream);
    }
}

/// A capture of one direction with no FIN in it: nothing was closed in it, so it is open at
/// the end, not "closed by client" or "closed by server".
#[test]
fn a_one_direction_capture_without_a_fin_is_open_at_the_end() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 22));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "A", 101, 9001, 0));
    sim.push(seg(c, s, "PA", 101, 9001, 300));
    let k = sim.conn(0);
    assert_eq!(k.direction_missing, Some(Role::Server));
    assert_eq!(k.outcome, Outcome::OpenAtEnd);
    // For Zeek, neither S0 (the client's ACK shows the attempt was answered) nor S1 (the
    // server's end was never seen established): OTH.
    assert_eq!(k.conn_state, ZeekConnState::OTH);

    let mut sim = Sim::new();
    let (c, s) = (ep(C, 51880), ep(S, 22));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    sim.push(seg(s, c, "PA", 501, 101, 21));
    let k = sim.conn(0);
    assert_eq!(k.direction_missing, Some(Role::Client));
    assert_eq!(k.outcome, Outcome::OpenAtEnd);
}

#[test]
fn unanswered_syn_with_retransmits() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.at(T0, seg(c, s, "S", 100, 0, 0));
    sim.at(T0 + 1_000 * MS, seg(c, s, "S", 100, 0, 0));
    sim.at(T0 + 3_000 * MS, seg(c, s, "S", 100, 0, 0));
    sim.t.finish(T0 + 10_000 * MS);
    assert_eq!(sim.t.connections().len(), 1);
    let k = sim.conn(0);
    assert_eq!(k.syn_retransmits, 2);
    assert_eq!(k.outcome, Outcome::Unanswered);
    assert_eq!(k.conn_state, ZeekConnState::S0);
    assert_eq!(states(&k.client_side), vec![Closed, SynSent]);
    // The server never showed it got the SYN: it stays LISTEN.
    assert_eq!(states(&k.server_side), vec![Listen]);
    assert_eq!(k.history, "S");
    assert_eq!(k.end_ns, T0 + 10_000 * MS);
}

#[test]
fn icmp_port_unreachable_ends_the_attempt() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(Decoded::Icmp(IcmpError {
        reporter: s.ip,
        reason: IcmpReason::AdminProhibited,
        transport: Transport::Tcp,
        quoted_src: c,
        quoted_dst: s,
    }));
    let k = sim.conn(0);
    assert_eq!(k.outcome, Outcome::Unreachable);
    assert_eq!(k.icmp, Some(IcmpReason::AdminProhibited));
    assert_eq!(states(&k.client_side), vec![Closed, SynSent, Closed]);
    // The next SYN on the same 4-tuple is a new attempt even with the same ISN.
    sim.push(seg(c, s, "S", 100, 0, 0));
    assert_eq!(sim.t.connections().len(), 2);
}

/// A hard ICMP error aborts only an attempt in SYN-SENT (RFC 1122 §4.2.3.9, RFC 5461 §4): one
/// quoting an established connection's data leaves it open and not "unreachable".
#[test]
fn an_icmp_error_about_an_established_connection_does_not_end_it() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    sim.push(seg(c, s, "PA", 101, 501, 10));
    sim.push(Decoded::Icmp(IcmpError {
        reporter: s.ip,
        reason: IcmpReason::PortUnreachable,
        transport: Transport::Tcp,
        quoted_src: c,
        quoted_dst: s,
    }));
    let k = sim.conn(0);
    assert_eq!(k.outcome, Outcome::OpenAtEnd);
    assert_eq!(k.icmp, None);
    assert_eq!(
        (k.client_side.state, k.server_side.state),
        (Established, Established)
    );
}

#[test]
fn mid_stream_roles_inferred_from_ports() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 51000), ep(S, 80));
    // First packet seen goes server → client.
    sim.push(seg(s, c, "PA", 9000, 7000, 100));
    sim.push(seg(c, s, "A", 7000, 9100, 0));
    sim.t.finish(T0 + 5 * MS);
    let k = sim.conn(0);
    assert!(k.roles_inferred);
    assert_eq!((k.client, k.server), (c, s));
    assert_eq!(k.outcome, Outcome::MidStream);
    assert_eq!(k.conn_state, ZeekConnState::OTH);
    assert_eq!(
        (k.client_side.initial, k.server_side.initial),
        (Established, Established)
    );
    assert_eq!(k.end_ns, T0 + 5 * MS);
}

/// Mid-stream, the end whose port looks ephemeral (at least 1024 and above the other) is the
/// client, whichever end sent first: 8080 to 5000 is the client's 8080.
#[test]
fn mid_stream_the_higher_unprivileged_port_is_the_client() {
    for (first, second) in [(5000, 8080), (8080, 5000), (443, 1024)] {
        let mut sim = Sim::new();
        let (a, b) = (ep(C, first), ep(S, second));
        sim.push(seg(a, b, "PA", 7000, 9000, 100));
        let k = sim.conn(0);
        let client_port = first.max(second);
        assert_eq!(k.client.port, client_port, "{first} → {second}");
    }
}

/// Mid-stream between two ports neither of which looks ephemeral (both under 1024, or the
/// same port): nothing tells the roles apart, so the first packet's sender is the client.
#[test]
fn mid_stream_between_ports_that_do_not_look_ephemeral_takes_the_first_sender_as_client() {
    for (a_port, b_port) in [(700, 80), (5000, 5000), (80, 443)] {
        let mut sim = Sim::new();
        let (a, b) = (ep(C, a_port), ep(S, b_port));
        sim.push(seg(a, b, "PA", 7000, 9000, 100));
        sim.push(seg(b, a, "A", 9000, 7100, 0));
        let k = sim.conn(0);
        assert_eq!((k.client, k.server), (a, b), "{a_port} → {b_port}");
        assert!(k.roles_inferred);
    }
}

#[test]
fn mid_stream_connection_closed_normally() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 51000), ep(S, 80));
    sim.push(seg(c, s, "PA", 7000, 9000, 10)); // 0
    sim.push(seg(c, s, "FA", 7010, 9000, 0)); // 1
    sim.push(seg(s, c, "FA", 9000, 7011, 0)); // 2
    sim.push(seg(c, s, "A", 7011, 9001, 0)); // 3
    let k = sim.conn(0);
    assert!(k.roles_inferred);
    assert_eq!(k.outcome, Outcome::FinFin);
    assert_eq!(
        states(&k.client_side),
        vec![Established, FinWait1, FinWait2, TimeWait]
    );
    assert_eq!(
        states(&k.server_side),
        vec![Established, CloseWait, LastAck, Closed]
    );
}

#[test]
fn syn_ack_first_means_start_not_captured() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(s, c, "SA", 500, 101, 0));
    sim.push(seg(c, s, "A", 101, 501, 0));
    let k = sim.conn(0);
    assert!(k.roles_inferred);
    assert_eq!((k.client, k.server), (c, s));
    assert_eq!(states(&k.client_side), vec![SynSent, Established]);
    assert_eq!(
        states(&k.server_side),
        vec![Listen, SynReceived, Established]
    );
}

fn close_by_client(sim: &mut Sim, c: Endpoint, s: Endpoint, cseq: u32, sseq: u32) {
    sim.push(seg(c, s, "FA", cseq, sseq, 0));
    sim.push(seg(s, c, "FA", sseq, cseq + 1, 0));
    sim.push(seg(c, s, "A", cseq + 1, sseq + 1, 0));
}

#[test]
fn port_reuse_new_syn_in_time_wait_is_a_new_generation() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    close_by_client(&mut sim, c, s, 101, 501);
    assert_eq!(sim.conn(0).client_side.state, TimeWait);
    // A new SYN on the same 4-tuple 5 s later (inside a 60 s TIME-WAIT), another ISN.
    sim.at(T0 + 5_000 * MS, seg(c, s, "S", 9_000, 0, 0));
    sim.at(T0 + 5_001 * MS, seg(s, c, "SA", 7_000, 9_001, 0));
    sim.at(T0 + 5_002 * MS, seg(c, s, "A", 9_001, 7_001, 0));
    // A retransmitted SYN of the same ISN stays in the new connection.
    assert_eq!(sim.t.connections().len(), 2);
    let (a, b) = (sim.conn(0), sim.conn(1));
    assert_eq!((a.generation, b.generation), (0, 1));
    assert_eq!(a.next_generation, Some(1));
    assert_eq!(b.prev_generation, Some(0));
    assert_eq!(b.client_side.state, Established);
    assert_eq!(b.start_ns, T0 + 5_000 * MS);
    // The old connection keeps its end.
    assert_eq!(a.outcome, Outcome::FinFin);
}

#[test]
fn port_reuse_after_time_wait_and_retransmitted_syn_stays_one_attempt() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    close_by_client(&mut sim, c, s, 101, 501);
    sim.at(T0 + 90_000 * MS, seg(c, s, "S", 100, 0, 0)); // same ISN as gen 0: still new
    sim.at(T0 + 91_000 * MS, seg(c, s, "S", 100, 0, 0)); // retransmission
    assert_eq!(sim.t.connections().len(), 2);
    assert_eq!(sim.conn(1).syn_retransmits, 1);
    assert_eq!(sim.conn(1).generation, 1);
}

#[test]
fn new_isn_while_unanswered_is_a_new_attempt() {
    let mut sim = Sim::new();
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.push(seg(c, s, "S", 100, 0, 0));
    sim.push(seg(c, s, "S", 200, 0, 0));
    assert_eq!(sim.t.connections().len(), 2);
    assert_eq!(sim.conn(0).outcome, Outcome::Unanswered);
}

/// The tracker's clock is the newest timestamp it was given, not the last one: a capture's
/// packets can be out of order, and an empty capture has none.
#[test]
fn the_trackers_clock_is_the_newest_timestamp_seen() {
    let mut sim = Sim::new();
    assert_eq!(sim.t.last_ts_ns(), None);
    let (c, s) = (ep(C, 54321), ep(S, 443));
    sim.at(T0 + 30 * MS, seg(c, s, "S", 100, 0, 0));
    sim.at(T0 + 10 * MS, seg(c, s, "S", 100, 0, 0));
    assert_eq!(sim.t.last_ts_ns(), Some(T0 + 30 * MS));
}

#[test]
fn state_at_answers_hover_queries() {
    let mut sim = Sim::new();
    let (c, s) = handshake(&mut sim);
    close_by_client(&mut sim, c, s, 101, 501);
    assert_eq!(sim.t.state_at(0, T0 - 1), (Closed, Listen));
    assert_eq!(sim.t.state_at(0, T0), (SynSent, Listen));
    assert_eq!(sim.t.state_at(0, T0 + MS), (SynSent, SynReceived));
    assert_eq!(sim.t.state_at(0, T0 + 2 * MS), (Established, Established));
    assert_eq!(sim.t.state_at(0, T0 + 9 * MS), (TimeWait, Closed));
    assert_eq!(sim.t.state_at(99, T0), (Closed, Closed));
}

#[test]
fn udp_flows_split_on_idle_timeout() {
    use crate::decode::UdpDatagram;
    let mut t = Tracker::new();
    let (c, s) = (ep(C, 40000), ep(S, 53));
    let q = Decoded::Udp(UdpDatagram {
        src: c,
        dst: s,
        payload_len: 30,
    });
    let r = Decoded::Udp(UdpDatagram {
        src: s,
        dst: c,
        payload_len: 90,
    });
    t.push(0, T0, &q);
    t.push(1, T0 + 20 * MS, &r);
    t.push(2, T0 + 40_000 * MS, &q); // 40 s later: a new flow
    let f = t.udp_flows();
    assert_eq!(f.len(), 2);
    assert_eq!((f[0].client, f[0].server), (c, s));
    assert_eq!((f[0].client_bytes, f[0].server_bytes), (30, 90));
    assert_eq!(f[0].end_ns, T0 + 20 * MS);
}

#[test]
fn connection_record_stays_compact() {
    // No per-packet storage: the record is fixed-size plus short transition lists, and the
    // sequence bookkeeping that only tracking needs is kept apart (and dropped with the table).
    let size = std::mem::size_of::<Connection>();
    println!("size_of::<Connection>() = {size}");
    assert!(size <= 416, "Connection grew to {size} bytes");
    assert_eq!(std::mem::size_of::<crate::tcp::Transition>(), 16);
}

#[test]
fn packet_numbers_past_u32_pin_at_the_maximum_instead_of_wrapping() {
    let (c, s) = (ep(1, 40000), ep(2, 80));
    let mut t = Tracker::new();
    let far = u64::from(u32::MAX) + 10;
    t.push(7, T0, &seg(c, s, "S", 100, 0, 0));
    t.push(far, T0 + MS, &seg(s, c, "SA", 500, 101, 0));
    let k = &t.connections()[0];
    assert_eq!(k.client_side.transitions[0].packet_index, 7);
    assert_eq!(k.server_side.transitions[0].packet_index, u32::MAX);
}

proptest::proptest! {
    /// Any flag combination, any numbers, ICMP and UDP mixed in: never a panic, and every
    /// connection keeps consistent transition lists.
    #[test]
    fn arbitrary_packets_never_panic(
        pkts in proptest::collection::vec(
            (0u8..4, proptest::num::u8::ANY, proptest::num::u32::ANY, proptest::num::u32::ANY,
             0u32..3000, proptest::bool::ANY, 0i64..5_000_000_000),
            0..80)
    ) {
        let (c, s) = (ep(C, 50000), ep(S, 443));
        let mut t = Tracker::new();
        let mut ts = T0;
        for (i, (kind, flags, sq, ak, len, dir, dt)) in pkts.into_iter().enumerate() {
            let (a, b) = if dir { (c, s) } else { (s, c) };
            ts += dt;
            let d = match kind {
                0 | 1 => Decoded::Tcp(crate::decode::TcpSegment {
                    src: a, dst: b, seq: sq, ack: ak,
                    flags: crate::decode::TcpFlags(flags), window: 0,
                    payload_len: len, options: Default::default(), ttl: 64,
                }),
                2 => Decoded::Udp(crate::decode::UdpDatagram { src: a, dst: b, payload_len: len }),
                _ => Decoded::Icmp(IcmpError {
                    reporter: b.ip, reason: IcmpReason::PortUnreachable,
                    transport: if flags & 1 == 0 { Transport::Tcp } else { Transport::Udp },
                    quoted_src: a, quoted_dst: b,
                }),
            };
            t.push(i as u64, ts, &d);
        }
        t.finish(ts);
        for k in t.connections() {
            for side in [&k.client_side, &k.server_side] {
                let mut st = side.initial;
                for tr in &side.transitions {
                    proptest::prop_assert_eq!(tr.from, st);
                    proptest::prop_assert_ne!(tr.from, tr.to);
                    st = tr.to;
                }
                proptest::prop_assert_eq!(st, side.state);
            }
            proptest::prop_assert!(k.start_ns <= k.end_ns);
            proptest::prop_assert!(k.history.len() <= 32);
        }
    }
}

#[test]
fn an_ipv4_address_and_its_ipv6_mapped_form_are_different_connections() {
    use std::net::{IpAddr, Ipv4Addr};
    let v4 = |last: u8, port: u16| Endpoint::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), port);
    let mapped = |last: u8, port: u16| {
        Endpoint::new(
            IpAddr::V6(Ipv4Addr::new(10, 0, 0, last).to_ipv6_mapped()),
            port,
        )
    };
    let mut t = Tracker::new();
    t.push(0, T0, &seg(v4(1, 40000), v4(2, 80), "S", 100, 0, 0));
    t.push(
        1,
        T0 + MS,
        &seg(mapped(1, 40000), mapped(2, 80), "S", 100, 0, 0),
    );
    t.push(
        2,
        T0 + 2 * MS,
        &seg(v4(2, 80), v4(1, 40000), "SA", 500, 101, 0),
    );
    let c = t.connections();
    assert_eq!(c.len(), 2);
    assert_eq!(
        c[0].server_side.packets, 1,
        "the SYN-ACK belongs to the IPv4 one"
    );
    assert_eq!(c[1].server_side.packets, 0);
}
