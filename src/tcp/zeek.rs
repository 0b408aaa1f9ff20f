//! The vocabularies experienced users already know, computed from the same segments:
//! Zeek conn.log `history` and `conn_state`, and Wireshark's `tcp.completeness`.
//!
//! Zeek: <https://docs.zeek.org/en/master/scripts/base/protocols/conn/main.zeek.html>
//! (`Conn::Info$history`, `Conn::Info$conn_state`, and the `conn_state()` function that maps the
//! two endpoint states to the code). Wireshark: `tcp.completeness` in epan/dissectors/packet-tcp.c
//! (1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST).

use serde::Serialize;

use crate::decode::TcpSegment;

/// The bits of Wireshark's `tcp.completeness`, as packet-tcp.c names them
/// (`TCP_COMPLETENESS_*` in packet-tcp.h): what kinds of segment a conversation showed.
pub mod completeness {
    pub const SYNSENT: u8 = 1;
    pub const SYNACK: u8 = 2;
    pub const ACK: u8 = 4;
    pub const DATA: u8 = 8;
    pub const FIN: u8 = 16;
    pub const RST: u8 = 32;
}

use super::live::Live;
use super::{Role, TcpState};

/// Zeek's `conn_state` codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ZeekConnState {
    /// Connection attempt seen, no reply.
    S0,
    /// Connection established, not terminated.
    S1,
    /// Normal establishment and termination.
    SF,
    /// Connection attempt rejected.
    REJ,
    /// Established, close attempt by originator seen (but no reply from responder).
    S2,
    /// Established, close attempt by responder seen (but no reply from originator).
    S3,
    /// Established, originator aborted (sent a RST).
    RSTO,
    /// Responder sent a RST.
    RSTR,
    /// Originator sent a SYN followed by a RST, no SYN-ACK from the responder.
    RSTOS0,
    /// Responder sent a SYN-ACK followed by a RST, no SYN from the (purported) originator.
    RSTRH,
    /// Originator sent a SYN followed by a FIN, no SYN-ACK from the responder.
    SH,
    /// Responder sent a SYN-ACK followed by a FIN, no SYN from the originator.
    SHR,
    /// No SYN seen, just midstream traffic.
    OTH,
}

/// Zeek's internal endpoint states (`TCP_INACTIVE` … `TCP_RESET`), as far as portlife needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZeekEndpoint {
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

fn endpoint_state(c: &Live<'_>, role: Role) -> ZeekEndpoint {
    let i = role as usize;
    let side = c.side(role);
    // A RST after both FINs leaves the endpoint closed for Zeek: the close was normal.
    if c.seq.sent_rst[i] && !c.reset_after_close {
        ZeekEndpoint::Reset
    } else if c.seq.fin_seq[i].is_some() {
        ZeekEndpoint::Closed
    } else if side.packets == 0 {
        ZeekEndpoint::Inactive
    } else if side.initial == TcpState::Established {
        ZeekEndpoint::Partial
    } else if side.entered(TcpState::Established).is_some() {
        ZeekEndpoint::Established
    } else if c.seq.sent_synack[i] {
        ZeekEndpoint::SynAckSent
    } else if c.seq.sent_syn[i] {
        ZeekEndpoint::SynSent
    } else {
        ZeekEndpoint::Partial
    }
}

/// Zeek's `conn_state()` (base/protocols/conn/main.zeek), with the client as originator.
pub(crate) fn conn_state(c: &Live<'_>) -> ZeekConnState {
    use ZeekEndpoint as E;
    let os = endpoint_state(c, Role::Client);
    let rs = endpoint_state(c, Role::Server);
    let o_inactive = matches!(os, E::Inactive | E::Partial);
    let r_inactive = matches!(rs, E::Inactive | E::Partial);
    if rs == E::Reset {
        if matches!(os, E::SynSent | E::SynAckSent)
            || (os == E::Reset && c.client_side.bytes == 0 && c.server_side.bytes == 0)
        {
            ZeekConnState::REJ
        } else if o_inactive {
            ZeekConnState::RSTRH
        } else {
            ZeekConnState::RSTR
        }
    } else if os == E::Reset {
        if r_inactive {
            if syn_then_reset(&c.history) {
                ZeekConnState::RSTOS0
            } else {
                ZeekConnState::OTH
            }
        } else {
            ZeekConnState::RSTO
        }
    } else if rs == E::Closed && os == E::Closed {
        ZeekConnState::SF
    } else if os == E::Closed {
        if r_inactive {
            ZeekConnState::SH
        } else {
            ZeekConnState::S2
        }
    } else if rs == E::Closed {
        if o_inactive {
            ZeekConnState::SHR
        } else {
            ZeekConnState::S3
        }
    } else if os == E::SynSent && rs == E::Inactive {
        ZeekConnState::S0
    } else if os == E::Established && rs == E::Established {
        ZeekConnState::S1
    } else {
        ZeekConnState::OTH
    }
}

/// Zeek's `/\^?S[^HAFGIQ]*R.*/`: a SYN, then a RST, with no SYN-ACK, ACK, FIN … in between.
fn syn_then_reset(history: &str) -> bool {
    let h = history.strip_prefix('^').unwrap_or(history);
    let Some(rest) = h.strip_prefix('S') else {
        return false;
    };
    for ch in rest.chars() {
        match ch {
            'R' => return true,
            'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
            _ => {}
        }
    }
    false
}

/// Longest history kept: Zeek's letters repeat only on new sequence numbers, so real histories
/// stay short; the cap bounds a pathological flood of distinct SYNs/RSTs.
const MAX_HISTORY: usize = 32;

/// Update `history` and `completeness` for one segment from `role`.
///
/// Zeek's rules: `s` SYN without ACK, `h` SYN-ACK, `a` pure ACK, `d` payload, `f` FIN, `r` RST;
/// uppercase when the originator (client) sent it. `a` and `d` are recorded once per direction;
/// `s`, `h`, `f`, `r` again whenever the sequence number differs from the last one of the same
/// flag type in that direction.
pub(crate) fn record_history(c: &mut Live<'_>, role: Role, seg: &TcpSegment) {
    let f = seg.flags;
    let i = role as usize;
    // Wireshark tcp.completeness, as `tshark -2` computes it: a SYN sets 1 and a SYN-ACK 2; any
    // other segment with the ACK bit sets 4, whether or not a handshake was seen (a RST,ACK
    // answering a SYN, the ACKs of a mid-stream or one-direction capture), while a SYN-ACK
    // alone does not (SYN + retransmitted SYN-ACKs is 3).
    use completeness::*;
    if f.syn() {
        c.completeness |= if f.ack() { SYNACK } else { SYNSENT };
    } else if f.ack() {
        c.completeness |= ACK;
    }
    if seg.payload_len > 0 {
        c.completeness |= DATA;
    }
    if f.fin() {
        c.completeness |= FIN;
    }
    if f.rst() {
        c.completeness |= RST;
    }
    let push = |c: &mut Live<'_>, letter: char, slot: Option<usize>| {
        let ch = if role == Role::Client {
            letter.to_ascii_uppercase()
        } else {
            letter
        };
        let again = match slot {
            Some(k) => {
                let bit = 1u8 << (4 * i + k);
                let last = &mut c.seq.history_seq[i][k];
                let new = c.seq.history_seen & bit == 0 || *last != seg.seq;
                *last = seg.seq;
                c.seq.history_seen |= bit;
                new
            }
            None => !c.history.contains(ch),
        };
        if again && c.history.len() < MAX_HISTORY {
            c.history.push(ch);
        }
    };
    if f.syn() {
        if f.ack() {
            push(c, 'h', Some(1));
        } else {
            push(c, 's', Some(0));
        }
    }
    if f.fin() {
        push(c, 'f', Some(2));
    }
    if f.rst() {
        push(c, 'r', Some(3));
    }
    if seg.payload_len > 0 {
        push(c, 'd', None);
    } else if f.ack() && !f.syn() && !f.fin() && !f.rst() {
        push(c, 'a', None);
    }
}

#[cfg(test)]
mod tests {
    use super::syn_then_reset;

    #[test]
    fn rstos0_pattern() {
        assert!(syn_then_reset("SR"));
        assert!(syn_then_reset("^SsR"));
        assert!(syn_then_reset("ShR")); // Zeek's class is case-sensitive
        assert!(!syn_then_reset("SAR"));
        assert!(!syn_then_reset("ShAR"));
        assert!(!syn_then_reset("Dr"));
    }
}
