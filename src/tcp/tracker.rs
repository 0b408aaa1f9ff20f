//! The connection table: decoded segments in capture order → [`Connection`]s.
//!
//! ## How a segment drives the two state machines
//! For a segment from S to R, in this order:
//! 1. **What S proves it received.** If S's ACK field covers R's SYN or FIN and S had not yet
//!    processed it, S gets `RcvSyn` / `RcvFin` now (dated by this segment: the capture shows the
//!    receipt no earlier than the ACK).
//! 2. **What S sends.** SYN without ACK → `SendSyn`; FIN → `SendFin`; RST → `SendRst`.
//! 3. **What R receives.** RST → `RcvRst` at once. ACK of R's SYN/FIN → `RcvAck` at once (an
//!    ACK's receipt is never proven by a later segment, so delivery is assumed). A SYN or FIN
//!    from S waits until step 1 proves R got it, or until S sends a later segment (TCP delivers
//!    in order, so R has the SYN/FIN before anything after it) — provided R has sent anything
//!    at all.
//!
//! Deferring SYN/FIN receipt is what lets one function handle simultaneous open and close
//! (RFC 9293 §3.5 Figure 7, §3.6 Figure 13): a FIN sent before the peer's FIN arrived takes its
//! sender to FIN-WAIT-1 and then CLOSING, as the RFC says, instead of CLOSE-WAIT. It also keeps
//! an unanswered SYN from moving the (maybe unreachable) server out of LISTEN.
//!
//! ## Generations
//! The table maps a direction-free 4-tuple to the newest connection on it. A SYN without ACK
//! opens a new generation when the previous one has ended (both ends CLOSED/TIME-WAIT, a RST, an
//! ICMP error) or when it is a different attempt (another ISN than the previous SYN's; RFC 9293
//! §3.4.1 — a retransmitted SYN carries the same ISN and stays in the same attempt).

use crate::decode::{Decoded, EncapPath, Endpoint, IcmpError, IcmpReason, TcpSegment, Transport};

use super::evict::{self, Evictions, DEFAULT_MAX_CONNECTIONS};
use super::key::{Key, Table};
use super::live::{Live, SeqTrack};
use super::state::{next_state, Event, TcpState};
use super::udp::{UdpFlow, UdpTable};
use super::zeek::{self, ZeekConnState};
use super::{Connection, History, Outcome, Role, Side, Transition};

/// After a connection is gone (a RST, or both ends CLOSED), how long a segment on its 4-tuple
/// can still be one that was in flight before the end. Round trips a capture sees are
/// milliseconds to a second; Zeek keeps a reset connection as long (`tcp_reset_delay`, 5 s).
pub const IN_FLIGHT_NS: i64 = 5_000_000_000;

/// `a >= b` in sequence-number space (RFC 9293 §3.4: arithmetic modulo 2^32).
fn seq_ge(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) >= 0
}

/// `a > b` in sequence-number space.
fn seq_gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

fn ix(role: Role) -> usize {
    match role {
        Role::Client => 0,
        Role::Server => 1,
    }
}

impl Connection {
    fn new(
        id: u32,
        (client, server): (Endpoint, Endpoint),
        initial: (TcpState, TcpState),
        roles_inferred: bool,
        (packet_index, ts_ns): (u64, i64),
    ) -> Self {
        Connection {
            id,
            client,
            server,
            roles_inferred,
            generation: 0,
            prev_generation: None,
            next_generation: None,
            start_ns: ts_ns,
            end_ns: ts_ns,
            last_packet_ns: ts_ns,
            first_packet_index: packet_index,
            client_side: Side::new(initial.0),
            server_side: Side::new(initial.1),
            closed_first: None,
            outcome: Outcome::OpenAtEnd,
            syn_retransmits: 0,
            history: History::const_new(""),
            conn_state: ZeekConnState::OTH,
            completeness: 0,
            icmp: None,
            syn_options: None,
            direction_missing: None,
            reset_after_close: false,
            after_end_packets: 0,
            duplicates_dropped: 0,
            longest_idle_from_ns: ts_ns,
            longest_idle_ns: 0,
            idle_beyond_keepalive: false,
            encapsulation: EncapPath::EMPTY,
            reset_by: None,
        }
    }

    fn side_mut(&mut self, role: Role) -> &mut Side {
        match role {
            Role::Client => &mut self.client_side,
            Role::Server => &mut self.server_side,
        }
    }

    /// True when the attempt is over: both ends CLOSED/TIME-WAIT, a RST, or an ICMP error.
    pub fn ended(&self) -> bool {
        self.is_over() || self.reset_by.is_some() || self.icmp.is_some()
    }
}

impl Live<'_> {
    /// Apply one event to one endpoint; record the transition when the state changes.
    fn apply(&mut self, role: Role, event: Event, ts_ns: i64, packet_index: u64) {
        self.apply_as(role, event, (ts_ns, packet_index), false);
    }

    /// [`Self::apply`] for an event the capture does not show but the peer's segment proves.
    fn infer(&mut self, role: Role, event: Event, ts_ns: i64, packet_index: u64) {
        self.apply_as(role, event, (ts_ns, packet_index), true);
    }

    fn apply_as(
        &mut self,
        role: Role,
        event: Event,
        (ts_ns, packet_index): (i64, u64),
        inferred: bool,
    ) {
        let side = self.side_mut(role);
        let from = side.state;
        let to = next_state(from, event);
        if to != from {
            side.state = to;
            side.transitions.push(Transition {
                ts_ns,
                packet_index: u32::try_from(packet_index).unwrap_or(u32::MAX),
                from,
                to,
                inferred,
            });
        }
    }

    /// Ended and no end waits in TIME-WAIT: neither host holds a socket for this 4-tuple any
    /// more (a RST, an ICMP error, or both ends CLOSED).
    fn dead(&self) -> bool {
        self.ended()
            && self.client_side.state != TcpState::TimeWait
            && self.server_side.state != TcpState::TimeWait
    }

    /// Whether a segment without SYN at `ts_ns` belongs to a new connection on this 4-tuple
    /// whose start was not captured, rather than to this ended one. After a RST (or both ends
    /// CLOSED) no socket is left: a segment more than [`IN_FLIGHT_NS`] later cannot have been
    /// in flight before the end. While an end is in TIME-WAIT its socket still takes segments
    /// (a retransmitted FIN, a RST that ends it early), until the longest TIME-WAIT of any OS
    /// ([`evict::ENDED_HORIZON_NS`]) is over.
    fn is_new_midstream(&self, ts_ns: i64) -> bool {
        let Some(ended_at) = self.seq.ended_at else {
            return false;
        };
        let horizon = if self.dead() {
            IN_FLIGHT_NS
        } else {
            evict::ENDED_HORIZON_NS
        };
        ts_ns - ended_at > horizon
    }

    /// Whether a SYN (without ACK) from `sender` starts a new connection on this 4-tuple.
    fn is_new_attempt(&self, sender: Role, seq: u32) -> bool {
        if self.ended() {
            return true;
        }
        match self.seq.isn[ix(sender)] {
            Some(isn) => isn != seq,
            // No SYN from it yet: a simultaneous open if it is still listening, otherwise (a
            // mid-stream connection) a SYN means a new connection.
            None => !matches!(self.side(sender).state, TcpState::Listen | TcpState::Closed),
        }
    }

    /// Process one segment of this connection.
    fn on_segment(&mut self, packet_index: u64, ts_ns: i64, seg: &TcpSegment) {
        let s = if seg.src == self.client && seg.dst == self.server {
            Role::Client
        } else {
            Role::Server
        };
        let r = s.other();
        let (si, ri) = (ix(s), ix(r));
        let f = seg.flags;
        let was_ended = self.ended();
        {
            let side = self.side_mut(s);
            side.packets += 1;
            side.bytes += seg.payload_len as u64;
            side.seen = true;
        }
        let silence = ts_ns - self.last_packet_ns;
        if silence > self.longest_idle_ns {
            self.longest_idle_ns = silence;
            self.longest_idle_from_ns = self.last_packet_ns;
        }
        self.last_packet_ns = ts_ns;
        zeek::record_history(self, s, seg);
        if was_ended {
            self.after_end_packets = self.after_end_packets.saturating_add(1);
            if self.dead() {
                // No socket is left to change state: a segment that was in flight when the
                // connection ended.
                self.after_segment(ts_ns);
                return;
            }
        }

        if f.rst() {
            self.seq.sent_rst[si] = true;
            let client_was_connecting = self.client_side.state == TcpState::SynSent;
            let refused = s == Role::Server
                && client_was_connecting
                && !self.seq.sent_synack[1]
                && self.server_side.transitions.is_empty();
            if refused && !was_ended {
                // RFC 9293 §3.10.7.1: a SYN answered by a RST found no listener; the server's
                // end of this 4-tuple was CLOSED (no TCB) from the start, not LISTEN.
                self.server_side.initial = TcpState::Closed;
                self.server_side.state = TcpState::Closed;
            }
            let passive = self.side(r).initial == TcpState::Listen && !self.seq.sent_syn[ri];
            self.apply(s, Event::SendRst, ts_ns, packet_index);
            self.apply(r, Event::RcvRst { passive }, ts_ns, packet_index);
            let both_fins = self.seq.fin_seq[0].is_some() && self.seq.fin_seq[1].is_some();
            // After both FINs a RST only cuts the last ACK or a TIME-WAIT short (RFC 1337's
            // assassination): the close was normal, whether the RST came before the end or
            // into the TIME-WAIT after it.
            self.reset_after_close |= both_fins;
            if !was_ended {
                self.reset_by = Some(s);
                self.outcome = match s {
                    _ if both_fins => Outcome::FinFin,
                    Role::Server if refused => Outcome::Refused,
                    Role::Server => Outcome::ResetByServer,
                    Role::Client => Outcome::ResetByClient,
                };
            }
            self.after_segment(ts_ns);
            return;
        }

        self.infer_missing_handshake(s, seg, ts_ns, packet_index);

        // 1. What the sender proves it received.
        if f.ack() {
            if let Some(isn) = self.seq.isn[ri] {
                if !self.seq.got_syn[si] && seq_ge(seg.ack, isn.wrapping_add(1)) {
                    self.seq.got_syn[si] = true;
                    // A SYN-ACK is formed in SYN-RECEIVED (§3.10.7.3: "Otherwise, enter
                    // SYN-RECEIVED, form a SYN,ACK segment"), before its sender knew its own SYN
                    // was acknowledged; an ACK that crossed it is applied just after (below).
                    let ours_acked = self.seq.syn_acked[si] && !f.syn();
                    self.apply(s, Event::RcvSyn { ours_acked }, ts_ns, packet_index);
                }
            }
            if let Some(fin) = self.seq.fin_seq[ri] {
                if !self.seq.got_fin[si] && seq_ge(seg.ack, fin.wrapping_add(1)) {
                    self.deliver_fin(s, ts_ns, packet_index);
                }
            }
        }

        // 2. What the sender sends.
        if f.syn() {
            if f.ack() {
                self.seq.sent_synack[si] = true;
                self.seq.isn[si].get_or_insert(seg.seq);
                if self.seq.syn_acked[si] {
                    // Simultaneous open: the peer's SYN-ACK crossed this one (§3.5 Figure 7).
                    let ev = Event::RcvAck {
                        syn_acked: true,
                        fin_acked: self.seq.fin_acked[si],
                    };
                    self.apply(s, ev, ts_ns, packet_index);
                }
            } else {
                self.seq.sent_syn[si] = true;
                match self.seq.isn[si] {
                    None => {
                        self.seq.isn[si] = Some(seg.seq);
                        if s == Role::Client {
                            let o = &seg.options;
                            self.syn_options = Some(super::SynOptions {
                                ttl: seg.ttl,
                                window: seg.window,
                                mss: o.mss,
                                window_scale: o.window_scale,
                                sack_permitted: o.sack_permitted,
                                timestamps: o.timestamps.is_some(),
                            });
                        }
                        self.apply(s, Event::SendSyn, ts_ns, packet_index);
                    }
                    Some(isn) if isn == seg.seq && s == Role::Client => self.syn_retransmits += 1,
                    Some(_) => {}
                }
            }
        }
        if f.fin() && self.seq.fin_seq[si].is_none() {
            let fin = seg
                .seq
                .wrapping_add(seg.payload_len)
                .wrapping_add(f.syn() as u32);
            self.seq.fin_seq[si] = Some(fin);
            self.seq.first_fin.get_or_insert(s);
            self.apply(s, Event::SendFin, ts_ns, packet_index);
        }

        // 3. What the receiver gets: first what in-order delivery proves (S's earlier SYN/FIN),
        // then this segment's ACK. A receiver that never sent anything has shown no sign of
        // life (an unanswered SYN followed by a FIN): nothing is delivered to it — unless S's
        // segments proved it is there, on a direction the capture misses.
        let alive = self.side(r).seen || self.direction_missing == Some(r);
        if let Some(isn) = self.seq.isn[si] {
            if alive && !self.seq.got_syn[ri] && seq_gt(seg.seq, isn) {
                self.seq.got_syn[ri] = true;
                let ours_acked = self.seq.syn_acked[ri];
                self.apply(r, Event::RcvSyn { ours_acked }, ts_ns, packet_index);
            }
        }
        if let Some(fin) = self.seq.fin_seq[si] {
            if alive && !self.seq.got_fin[ri] && seq_gt(seg.seq, fin) {
                self.deliver_fin(r, ts_ns, packet_index);
            }
        }
        if f.ack() {
            let mut news = false;
            if let Some(isn) = self.seq.isn[ri] {
                if !self.seq.syn_acked[ri] && seq_ge(seg.ack, isn.wrapping_add(1)) {
                    self.seq.syn_acked[ri] = true;
                    news = true;
                }
            }
            if let Some(fin) = self.seq.fin_seq[ri] {
                if !self.seq.fin_acked[ri] && seq_ge(seg.ack, fin.wrapping_add(1)) {
                    self.seq.fin_acked[ri] = true;
                    news = true;
                }
            }
            if news {
                let ev = Event::RcvAck {
                    syn_acked: self.seq.syn_acked[ri],
                    fin_acked: self.seq.fin_acked[ri],
                };
                if self.side(r).seen {
                    self.apply(r, ev, ts_ns, packet_index);
                } else if self.direction_missing == Some(r) {
                    self.infer(r, ev, ts_ns, packet_index);
                }
            }
        }
        self.after_segment(ts_ns);
    }

    fn deliver_fin(&mut self, to: Role, ts_ns: i64, packet_index: u64) {
        self.seq.got_fin[ix(to)] = true;
        if self.side(to).seen {
            self.apply(to, Event::RcvFin, ts_ns, packet_index);
        } else {
            self.infer(to, Event::RcvFin, ts_ns, packet_index);
        }
    }

    /// A capture of one direction only: `s`'s segment proves a handshake step of a peer that
    /// has sent nothing captured, so that step happened on the other, missing direction.
    /// - A client in SYN-SENT sends a segment without SYN but with an ACK (or data): it got
    ///   the SYN-ACK (RFC 9293 §3.10.7.3: in SYN-SENT nothing but a SYN is sent before it).
    ///   The server got the SYN and answered (LISTEN → SYN-RECEIVED), and gets this ACK.
    /// - A server in SYN-RECEIVED sends a segment without SYN (data, or an ACK of the client's
    ///   data): its SYN-ACK was acknowledged (§3.10.2: in SYN-RECEIVED, data is only queued;
    ///   §3.10.7.4: SYN-RECEIVED enters ESTABLISHED on the ACK of its SYN). The client got the
    ///   SYN-ACK and answered it.
    ///
    /// The missing end's transitions are `inferred`, dated by this segment (the proof).
    fn infer_missing_handshake(
        &mut self,
        s: Role,
        seg: &TcpSegment,
        ts_ns: i64,
        packet_index: u64,
    ) {
        let f = seg.flags;
        let r = s.other();
        if f.syn() || self.side(r).seen || !(f.ack() || seg.payload_len > 0) {
            return;
        }
        match s {
            Role::Client if self.client_side.state == TcpState::SynSent => {
                let server_isn = seg.ack.wrapping_sub(1);
                self.seq.isn[1] = Some(server_isn);
                self.seq.got_syn[1] = true;
                self.infer(
                    Role::Server,
                    Event::RcvSyn { ours_acked: false },
                    ts_ns,
                    packet_index,
                );
                // The client's own SYN was acknowledged by the SYN-ACK it answers; step 1 of
                // `on_segment` then takes it to ESTABLISHED, and step 3 the server.
                self.seq.syn_acked[0] = true;
                self.direction_missing = Some(Role::Server);
            }
            Role::Server
                if self.server_side.state == TcpState::SynReceived && self.seq.isn[0].is_some() =>
            {
                self.seq.got_syn[0] = true;
                // The SYN-ACK reached the client (SYN-SENT → ESTABLISHED) ...
                self.seq.syn_acked[0] = true;
                let ev = Event::RcvSyn { ours_acked: true };
                self.infer(Role::Client, ev, ts_ns, packet_index);
                // ... whose ACK reached the server.
                self.seq.syn_acked[1] = true;
                let ev = Event::RcvAck {
                    syn_acked: true,
                    fin_acked: false,
                };
                self.apply(Role::Server, ev, ts_ns, packet_index);
                self.direction_missing = Some(Role::Client);
            }
            _ => {}
        }
    }

    /// An ICMP hard error about a segment `from` sent.
    fn on_icmp(&mut self, from: Role, reason: IcmpReason, ts_ns: i64, packet_index: u64) {
        if self.side(from).state != TcpState::SynSent || self.ended() {
            return;
        }
        self.apply(from, Event::IcmpHardError, ts_ns, packet_index);
        self.icmp = Some(reason);
        self.outcome = Outcome::Unreachable;
        self.after_segment(ts_ns);
    }

    /// Keep the derived fields (end, outcome, Zeek state, one direction) current after every
    /// event.
    fn after_segment(&mut self, ts_ns: i64) {
        if self.ended() {
            self.end_ns = *self.seq.ended_at.get_or_insert(ts_ns);
        } else {
            self.end_ns = ts_ns;
        }
        if self.direction_missing.is_none() && !self.seq.sent_syn[0] && !self.seq.sent_synack[1] {
            // Mid-stream: any segment carries an ACK of the peer's bytes, so a peer never seen
            // is on a direction the capture misses.
            self.direction_missing = match (self.client_side.seen, self.server_side.seen) {
                (true, false) => Some(Role::Server),
                (false, true) => Some(Role::Client),
                _ => None,
            };
        } else if self.direction_missing.is_some_and(|m| self.side(m).seen) {
            // The missing direction showed up after all (a capture started mid-handshake).
            self.direction_missing = None;
        }
        self.closed_first = match self.direction_missing {
            None => self.seq.first_fin,
            Some(_) => None,
        };
        self.outcome = self.current_outcome();
        self.conn_state = zeek::conn_state(self);
        self.idle_beyond_keepalive = self.longest_idle_ns > super::KEEPALIVE_IDLE_NS;
    }

    /// The capture ended at `end_ts_ns`: a connection still open ends there, and the silence
    /// after its last packet counts as idle. One whose other direction is missing ends at its
    /// last packet instead: what happened after it cannot be seen.
    fn finish(&mut self, end_ts_ns: i64) {
        if self.ended() {
            return;
        }
        if self.direction_missing.is_some() {
            self.end_ns = self.last_packet_ns;
            return;
        }
        self.end_ns = end_ts_ns.max(self.last_packet_ns);
        let tail = self.end_ns - self.last_packet_ns;
        if tail > self.longest_idle_ns {
            self.longest_idle_ns = tail;
            self.longest_idle_from_ns = self.last_packet_ns;
            self.idle_beyond_keepalive = tail > super::KEEPALIVE_IDLE_NS;
        }
    }

    /// How it ended so far (or would, if the capture stopped now).
    fn current_outcome(&self) -> Outcome {
        if self.reset_by.is_some() || self.icmp.is_some() {
            return self.outcome; // fixed when the RST / ICMP error arrived
        }
        if self.seq.fin_seq[0].is_some() && self.seq.fin_seq[1].is_some() {
            return Outcome::FinFin;
        }
        if let Some(missing) = self.direction_missing {
            let seen_fin = self.seq.fin_seq[ix(missing.other())].is_some();
            return match missing {
                _ if !self.seq.sent_syn[0] && !self.seq.sent_synack[1] => Outcome::MidStream,
                Role::Server if seen_fin => Outcome::ClosedByClient,
                Role::Client if seen_fin => Outcome::ClosedByServer,
                _ => Outcome::OpenAtEnd,
            };
        }
        if self.seq.sent_syn[0] && self.server_side.packets == 0 {
            return Outcome::Unanswered;
        }
        if !self.seq.sent_syn[0] && !self.seq.sent_synack[1] {
            return Outcome::MidStream;
        }
        Outcome::OpenAtEnd
    }
}

/// The connection table. Feed it decoded packets in capture order with [`Tracker::push`].
#[derive(Clone, Debug)]
pub struct Tracker {
    conns: Vec<Connection>,
    /// Each connection's sequence bookkeeping, by the same index as `conns`.
    seqs: Vec<SeqTrack>,
    table: Table,
    udp: UdpTable,
    last_ts_ns: Option<i64>,
    /// Cap on connection records before old ones are summarised (see [`super::evict`]).
    max_connections: usize,
    evictions: Evictions,
    /// Keys ever added to `table`: the distinct 4-tuples (a key summarised away and seen again
    /// counts twice; only after eviction).
    keys_added: usize,
    /// Where the records will grow next, for another thread to fault in ([`Self::share_ahead`]).
    ahead: Option<std::sync::Arc<crate::prefault::Ahead>>,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::with_max_connections(DEFAULT_MAX_CONNECTIONS)
    }
}

impl Tracker {
    pub fn new() -> Self {
        Self::default()
    }

    /// A tracker that keeps at most `max` connection records (at least 16), summarising older
    /// ones into [`Tracker::evictions`] beyond that.
    pub fn with_max_connections(max: usize) -> Self {
        Tracker {
            conns: Vec::new(),
            seqs: Vec::new(),
            table: Table::new(),
            udp: UdpTable::default(),
            last_ts_ns: None,
            max_connections: max.max(16),
            evictions: Evictions {
                cap: max.max(16),
                ..Evictions::default()
            },
            keys_added: 0,
            ahead: None,
        }
    }

    /// Keep `ahead` told where the connection records will grow next, so that a thread with
    /// time to spare can fault that memory in ([`crate::prefault`]).
    pub fn share_ahead(&mut self, ahead: std::sync::Arc<crate::prefault::Ahead>) {
        ahead.publish(&self.conns);
        self.ahead = Some(ahead);
    }

    /// Distinct TCP 4-tuples seen (direction-free).
    pub fn distinct_4tuples(&self) -> usize {
        self.keys_added
    }

    /// What was summarised to stay under the cap.
    pub fn evictions(&self) -> &Evictions {
        &self.evictions
    }

    /// A copy of `d` was dropped as a capture duplicate: count it on its connection.
    pub fn count_duplicate(&mut self, d: &Decoded) {
        if let Decoded::Tcp(seg) = d {
            if let Some(&id) = self.table.get(&Key::new(seg.src, seg.dst)) {
                let c = &mut self.conns[id as usize];
                c.duplicates_dropped = c.duplicates_dropped.saturating_add(1);
            }
        }
    }

    /// Process one decoded packet. Non-TCP/UDP/ICMP packets are ignored.
    pub fn push(&mut self, packet_index: u64, ts_ns: i64, d: &Decoded) {
        self.last_ts_ns = Some(self.last_ts_ns.map_or(ts_ns, |t| t.max(ts_ns)));
        match d {
            Decoded::Tcp(seg) => self.push_tcp(packet_index, ts_ns, seg),
            Decoded::Udp(u) => self.udp.push(packet_index, ts_ns, u),
            Decoded::Icmp(e) => self.push_icmp(packet_index, ts_ns, e),
            Decoded::Other(_) => {}
        }
    }

    /// Record that `seg`, just pushed, came through these encapsulations: its connection (the
    /// newest on its 4-tuple) keeps them. Apart from [`Self::push`] because nearly every
    /// packet has none, and then this costs nothing.
    pub fn note_encapsulation(&mut self, seg: &TcpSegment, path: EncapPath) {
        if let Some(&id) = self.table.get(&Key::new(seg.src, seg.dst)) {
            if let Some(c) = self.conns.get_mut(id as usize) {
                c.encapsulation.merge(path);
            }
        }
    }

    fn push_tcp(&mut self, packet_index: u64, ts_ns: i64, seg: &TcpSegment) {
        let key = Key::new(seg.src, seg.dst);
        // Make room before this segment is applied; a segment opens at most one connection, so
        // the table never exceeds the cap. The record it belongs to stays whatever its class:
        // the SYN that filled the table must not be summarised away as half-open by its own
        // SYN-ACK. Ids change when records go, so the lookup comes after.
        if self.conns.len() >= self.max_connections {
            let current = self.table.get(&key).copied();
            self.evict(packet_index, ts_ns, current);
        }
        let is_syn = seg.flags.syn() && !seg.flags.ack();
        let id = match self.table.get(&key) {
            Some(&id) => {
                let c = self.live(id);
                let sender = if seg.src == c.client {
                    Role::Client
                } else {
                    Role::Server
                };
                let new = (is_syn && c.is_new_attempt(sender, seg.seq))
                    || (!is_syn && c.is_new_midstream(ts_ns));
                if new {
                    self.open(key, packet_index, ts_ns, seg, Some(id))
                } else {
                    id
                }
            }
            None => self.open(key, packet_index, ts_ns, seg, None),
        };
        self.live(id).on_segment(packet_index, ts_ns, seg);
    }

    /// Connection `id` with its bookkeeping, to follow it.
    fn live(&mut self, id: u32) -> Live<'_> {
        Live {
            c: &mut self.conns[id as usize],
            seq: &mut self.seqs[id as usize],
        }
    }

    /// Start a connection whose first captured segment is `seg`.
    fn open(
        &mut self,
        key: Key,
        packet_index: u64,
        ts_ns: i64,
        seg: &TcpSegment,
        prev: Option<u32>,
    ) -> u32 {
        use TcpState::*;
        let id = self.conns.len() as u32;
        let f = seg.flags;
        let at = (packet_index, ts_ns);
        let mut seq = SeqTrack::default();
        let mut c = if f.syn() && !f.ack() {
            Connection::new(id, (seg.src, seg.dst), (Closed, Listen), false, at)
        } else if f.syn() {
            // A SYN-ACK first: its sender is the server; the client's SYN was not captured.
            seq.isn[0] = Some(seg.ack.wrapping_sub(1));
            Connection::new(id, (seg.dst, seg.src), (SynSent, Listen), true, at)
        } else if let Some(p) = prev {
            // The 4-tuple's previous connection says who the client is.
            let pc = &self.conns[p as usize];
            let pair = (pc.client, pc.server);
            Connection::new(id, pair, (Established, Established), true, at)
        } else {
            let client_is_src = looks_ephemeral(seg.src.port, seg.dst.port)
                || !looks_ephemeral(seg.dst.port, seg.src.port);
            let pair = if client_is_src {
                (seg.src, seg.dst)
            } else {
                (seg.dst, seg.src)
            };
            Connection::new(id, pair, (Established, Established), true, at)
        };
        if let Some(p) = prev {
            let pc = &mut self.conns[p as usize];
            pc.next_generation = Some(id);
            c.generation = pc.generation + 1;
            c.prev_generation = Some(p);
        }
        self.conns.push(c);
        self.seqs.push(seq);
        if let Some(ahead) = &self.ahead {
            // Every few dozen records: the stretch published is two megabytes.
            if self.conns.len().is_multiple_of(64) {
                ahead.publish(&self.conns);
            }
        }
        if self.table.insert(key, id).is_none() {
            self.keys_added += 1;
        }
        id
    }

    /// Compact to three quarters of the cap (so compaction runs once per quarter-cap new
    /// connections, amortised O(1) per connection).
    fn evict(&mut self, packet_index: u64, now_ns: i64, keep: Option<u32>) {
        self.evictions.first_at_packet.get_or_insert(packet_index);
        let target = self.max_connections / 4 * 3;
        evict::compact(
            &mut self.conns,
            &mut self.seqs,
            &mut self.table,
            (target, keep),
            now_ns,
            &mut self.evictions,
        );
    }

    fn push_icmp(&mut self, packet_index: u64, ts_ns: i64, e: &IcmpError) {
        if !matches!(
            e.reason,
            IcmpReason::PortUnreachable | IcmpReason::AdminProhibited
        ) {
            return; // RFC 1122 §4.2.3.9: other unreachables are soft errors.
        }
        match e.transport {
            Transport::Udp => self.udp.icmp(ts_ns, e),
            Transport::Tcp => {
                let key = Key::new(e.quoted_src, e.quoted_dst);
                if let Some(&id) = self.table.get(&key) {
                    let mut c = self.live(id);
                    let from = if e.quoted_src == c.client {
                        Role::Client
                    } else {
                        Role::Server
                    };
                    c.on_icmp(from, e.reason, ts_ns, packet_index);
                }
            }
        }
    }

    /// The capture (or a snapshot of it) ends at `end_ts_ns`: connections still open end there.
    pub fn finish(&mut self, end_ts_ns: i64) {
        for (c, seq) in self.conns.iter_mut().zip(&mut self.seqs) {
            Live { c, seq }.finish(end_ts_ns);
        }
        self.udp.finish(end_ts_ns);
    }

    pub fn connections(&self) -> &[Connection] {
        &self.conns
    }

    pub fn udp_flows(&self) -> &[UdpFlow] {
        self.udp.flows()
    }

    /// Latest packet timestamp seen.
    pub fn last_ts_ns(&self) -> Option<i64> {
        self.last_ts_ns
    }

    /// (client, server) states of connection `conn` at `ts_ns` ((CLOSED, CLOSED) for an unknown
    /// id).
    pub fn state_at(&self, conn: u32, ts_ns: i64) -> (TcpState, TcpState) {
        self.conns
            .get(conn as usize)
            .map_or((TcpState::Closed, TcpState::Closed), |c| c.state_at(ts_ns))
    }

    /// Move the connections and flows out (for a finished analysis).
    pub fn into_parts(mut self) -> (Vec<Connection>, Vec<UdpFlow>) {
        // The doubling growth left up to half the records' size unused; a large block shrinks
        // in place (mremap), so this is cheap and lowers the peak of what follows.
        self.conns.shrink_to_fit();
        drop(self.seqs);
        (self.conns, self.udp.into_flows())
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

/// A port that looks like a client's: at least 1024 and above the other end's (the heuristic
/// for connections whose SYN was not captured).
pub fn looks_ephemeral(port: u16, other: u16) -> bool {
    port >= 1024 && port > other
}
