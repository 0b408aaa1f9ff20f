//! The RFC 9293 TCP state machine of one endpoint, as one pure function.
//!
//! portlife watches both endpoints of a connection from a capture point, so it never sees a
//! socket's user calls (OPEN, CLOSE, ABORT); it sees segments. Each segment becomes events for the
//! sender ("it sent a SYN / FIN / RST") and for the receiver ("it got a SYN / ACK / FIN / RST").
//! [`next_state`] maps (state, event) to the next state and is the only place a state changes.
//! The tracker (`super::tracker`) decides *when* an event is applied: a receiver's SYN and FIN
//! events are dated by the first segment that shows the receiver got them (see the tracker docs).

use serde::Serialize;

/// The eleven connection states of RFC 9293 §3.3.2 (Figure 5), for one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TcpState {
    #[serde(rename = "CLOSED")]
    Closed,
    #[serde(rename = "LISTEN")]
    Listen,
    #[serde(rename = "SYN-SENT")]
    SynSent,
    #[serde(rename = "SYN-RECEIVED")]
    SynReceived,
    #[serde(rename = "ESTABLISHED")]
    Established,
    #[serde(rename = "FIN-WAIT-1")]
    FinWait1,
    #[serde(rename = "FIN-WAIT-2")]
    FinWait2,
    #[serde(rename = "CLOSE-WAIT")]
    CloseWait,
    #[serde(rename = "CLOSING")]
    Closing,
    #[serde(rename = "LAST-ACK")]
    LastAck,
    #[serde(rename = "TIME-WAIT")]
    TimeWait,
}

impl TcpState {
    /// The RFC's spelling, e.g. `SYN-SENT`, `TIME-WAIT` (also the JSON spelling).
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
        }
    }

    /// RFC 9293 §3.3.2: the states after the handshake completed ("synchronized states"),
    /// ESTABLISHED and every closing state except TIME-WAIT.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TcpState::Established
                | TcpState::FinWait1
                | TcpState::FinWait2
                | TcpState::CloseWait
                | TcpState::Closing
                | TcpState::LastAck
        )
    }

    /// CLOSED or TIME-WAIT: this endpoint is done with the connection (TIME-WAIT only waits).
    pub fn is_over(self) -> bool {
        matches!(self, TcpState::Closed | TcpState::TimeWait)
    }
}

impl std::fmt::Display for TcpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What happened to one endpoint, as far as the state machine cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// It sent a SYN without ACK: an active OPEN (RFC 9293 §3.10.1; §3.5 Figure 6 line 2).
    SendSyn,
    /// It got the peer's SYN. `ours_acked`: the peer's segment also acknowledged our own SYN.
    RcvSyn { ours_acked: bool },
    /// It got an acknowledgment of its own SYN and/or FIN.
    RcvAck { syn_acked: bool, fin_acked: bool },
    /// It sent a FIN: a CLOSE call (RFC 9293 §3.10.4, §3.6).
    SendFin,
    /// It got the peer's FIN (RFC 9293 §3.10.7.4, "eighth, check the FIN bit").
    RcvFin,
    /// It sent a RST: an ABORT, or the answer of a port with no listener (RFC 9293 §3.10.5,
    /// §3.10.7.1).
    SendRst,
    /// It got a RST. `passive`: this endpoint came to SYN-RECEIVED from LISTEN.
    RcvRst { passive: bool },
    /// An ICMP "port unreachable" or "administratively prohibited" error about its SYN: a hard
    /// error that aborts a connection attempt (RFC 1122 §4.2.3.9, RFC 5461 §4).
    IcmpHardError,
}

/// The next state of one endpoint after `event`, or `state` unchanged when the RFC has no
/// transition for that pair (a duplicate, a retransmission, or a segment the endpoint would
/// discard). The one place where TCP states change.
pub fn next_state(state: TcpState, event: Event) -> TcpState {
    use Event::*;
    use TcpState::*;
    match (state, event) {
        // §3.10.1 OPEN call, CLOSED: active open, "send SYN, enter SYN-SENT".
        // §3.10.2 SEND call, LISTEN: "change the connection from passive to active ... send a
        // SYN ... enter SYN-SENT" (the listener side of a simultaneous open).
        (Closed | Listen, SendSyn) => SynSent,
        // §3.10.7.2 LISTEN, third check (SYN): "set the state to SYN-RECEIVED".
        (Listen, RcvSyn { .. }) => SynReceived,
        // §3.10.7.3 SYN-SENT, fourth check (SYN): "If SND.UNA > ISS (our SYN has been ACKed),
        // change the connection state to ESTABLISHED ... Otherwise, enter SYN-RECEIVED"
        // (the latter is simultaneous open, §3.5 Figure 7).
        (SynSent, RcvSyn { ours_acked: true }) => Established,
        (SynSent, RcvSyn { ours_acked: false }) => SynReceived,
        // §3.10.7.4 fifth check (ACK), SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT, then
        // enter ESTABLISHED state".
        (
            SynReceived,
            RcvAck {
                syn_acked: true, ..
            },
        ) => Established,
        // §3.10.7.4 fifth check, FIN-WAIT-1: "if the FIN segment is now acknowledged, then enter
        // FIN-WAIT-2"; CLOSING: "if the ACK acknowledges our FIN, then enter the TIME-WAIT
        // state"; LAST-ACK: "if our FIN is now acknowledged, delete the TCB, enter the CLOSED
        // state".
        (
            FinWait1,
            RcvAck {
                fin_acked: true, ..
            },
        ) => FinWait2,
        (
            Closing,
            RcvAck {
                fin_acked: true, ..
            },
        ) => TimeWait,
        (
            LastAck,
            RcvAck {
                fin_acked: true, ..
            },
        ) => Closed,
        // §3.10.4 CLOSE call: SYN-RECEIVED and ESTABLISHED "form a FIN segment ... enter
        // FIN-WAIT-1"; CLOSE-WAIT "send a FIN ... enter LAST-ACK" (§3.6 case 2).
        // A FIN from an endpoint still seen as SYN-SENT means its SYN-ACK was not captured;
        // it is then treated as ESTABLISHED (RFC 9293 has no FIN from SYN-SENT).
        (SynSent | SynReceived | Established, SendFin) => FinWait1,
        (CloseWait, SendFin) => LastAck,
        // §3.10.7.4 eighth check (FIN): SYN-RECEIVED/ESTABLISHED "enter the CLOSE-WAIT state";
        // FIN-WAIT-1 "If our FIN has been ACKed ... enter TIME-WAIT ... otherwise, enter the
        // CLOSING state" (our FIN's ACK is handled first, making it FIN-WAIT-2); FIN-WAIT-2
        // "enter the TIME-WAIT state" (§3.6 cases 1 and 3).
        (SynReceived | Established, RcvFin) => CloseWait,
        (FinWait1, RcvFin) => Closing,
        (FinWait2, RcvFin) => TimeWait,
        // §3.10.7.2 LISTEN: a segment with an ACK is answered with a RST and the listener
        // stays in LISTEN ("form a reset segment ... return"). §3.10.7.1: a port with no
        // listener answers a SYN with RST, and the endpoint was CLOSED all along (the tracker
        // records such a refused attempt's server as CLOSED from the start).
        (Listen, SendRst) => Listen,
        // §3.10.5 ABORT: every other state sends a RST and enters CLOSED.
        (_, SendRst) => Closed,
        // §3.10.7.3 SYN-SENT: "If the RST bit is set ... enter CLOSED state".
        // §3.10.7.4 second check, SYN-RECEIVED: "If this connection was initiated with a passive
        // OPEN (i.e., came from the LISTEN state), then return this connection to LISTEN state";
        // the synchronized states and TIME-WAIT enter CLOSED.
        (SynReceived, RcvRst { passive: true }) => Listen,
        (Listen | Closed, RcvRst { .. }) => state,
        (_, RcvRst { .. }) => Closed,
        // RFC 1122 §4.2.3.9 / RFC 5461 §4: a hard ICMP error aborts a connection in SYN-SENT.
        (SynSent, IcmpHardError) => Closed,
        _ => state,
    }
}

#[cfg(test)]
mod tests {
    use super::Event::*;
    use super::TcpState::*;
    use super::*;

    /// States are written as RFC 9293 names them.
    #[test]
    fn states_display_as_rfc_9293_names_them() {
        let names: Vec<String> = [Closed, Listen, SynSent, SynReceived, Established, FinWait1]
            .into_iter()
            .chain([FinWait2, CloseWait, Closing, LastAck, TimeWait])
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "CLOSED",
                "LISTEN",
                "SYN-SENT",
                "SYN-RECEIVED",
                "ESTABLISHED",
                "FIN-WAIT-1",
                "FIN-WAIT-2",
                "CLOSE-WAIT",
                "CLOSING",
                "LAST-ACK",
                "TIME-WAIT"
            ]
        );
    }

    #[test]
    fn three_way_handshake_transitions() {
        // §3.5 Figure 6.
        assert_eq!(next_state(Closed, SendSyn), SynSent);
        assert_eq!(
            next_state(Listen, RcvSyn { ours_acked: false }),
            SynReceived
        );
        assert_eq!(
            next_state(SynSent, RcvSyn { ours_acked: true }),
            Established
        );
        let ack = RcvAck {
            syn_acked: true,
            fin_acked: false,
        };
        assert_eq!(next_state(SynReceived, ack), Established);
    }

    #[test]
    fn simultaneous_open_goes_through_syn_received() {
        // §3.5 Figure 7.
        assert_eq!(
            next_state(SynSent, RcvSyn { ours_acked: false }),
            SynReceived
        );
        assert_eq!(next_state(Listen, SendSyn), SynSent);
    }

    #[test]
    fn closing_transitions() {
        let fin_ack = RcvAck {
            syn_acked: false,
            fin_acked: true,
        };
        // §3.6 case 1: active close.
        assert_eq!(next_state(Established, SendFin), FinWait1);
        assert_eq!(next_state(FinWait1, fin_ack), FinWait2);
        assert_eq!(next_state(FinWait2, RcvFin), TimeWait);
        // Passive close.
        assert_eq!(next_state(Established, RcvFin), CloseWait);
        assert_eq!(next_state(CloseWait, SendFin), LastAck);
        assert_eq!(next_state(LastAck, fin_ack), Closed);
        // §3.6 case 2: simultaneous close.
        assert_eq!(next_state(FinWait1, RcvFin), Closing);
        assert_eq!(next_state(Closing, fin_ack), TimeWait);
    }

    #[test]
    fn resets_and_icmp() {
        for s in [
            SynSent,
            Established,
            FinWait1,
            FinWait2,
            CloseWait,
            Closing,
            LastAck,
            TimeWait,
        ] {
            assert_eq!(next_state(s, RcvRst { passive: false }), Closed, "{s}");
            assert_eq!(next_state(s, SendRst), Closed, "{s}");
        }
        assert_eq!(next_state(SynReceived, RcvRst { passive: true }), Listen);
        assert_eq!(next_state(SynReceived, RcvRst { passive: false }), Closed);
        // §3.10.7.2: a listener's RST to a stray ACK keeps it listening; §3.10.7.1: a port
        // with no listener is CLOSED before and after its RST.
        assert_eq!(next_state(Listen, SendRst), Listen);
        assert_eq!(next_state(Closed, SendRst), Closed);
        // §3.10.7.2 LISTEN, first check: "An incoming RST segment could not be valid ... it
        // should be ignored"; a stray RST does not close a listener.
        for passive in [false, true] {
            assert_eq!(next_state(Listen, RcvRst { passive }), Listen);
            assert_eq!(next_state(Closed, RcvRst { passive }), Closed);
        }
        assert_eq!(next_state(SynSent, IcmpHardError), Closed);
        assert_eq!(next_state(Established, IcmpHardError), Established);
    }

    #[test]
    fn duplicates_change_nothing() {
        assert_eq!(next_state(SynSent, SendSyn), SynSent);
        assert_eq!(next_state(TimeWait, RcvFin), TimeWait);
        assert_eq!(next_state(Closed, RcvFin), Closed);
        let fin_ack = RcvAck {
            syn_acked: false,
            fin_acked: true,
        };
        assert_eq!(next_state(FinWait2, fin_ack), FinWait2);
    }
}
