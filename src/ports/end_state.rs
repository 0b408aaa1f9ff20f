//! A TCP end's state at a moment as its kernel had it, past what the capture shows.
//!
//! The capture's transitions stop at the last packet, but a socket goes on changing without
//! one: TIME-WAIT ends when its 2×MSL timer fires (RFC 9293 §3.10.8), an unanswered connect()
//! gives up when its retries run out, and a new SYN on the same 4-tuple takes a TIME-WAIT
//! socket over. The port model already times each of these from the host's profile; the
//! answer here is read off the same spans, so the state a view prints and the port phase it
//! draws beside it cannot disagree. Past the capture's end, a state no timer ends (an open
//! connection) is said to be unknown rather than held forever.

use serde::Serialize;

use foldhash::{HashMap, HashMapExt};

use super::{Phase, PortModel, PortSpan};
use crate::tcp::{Connection, Role, TcpState};

/// What a state at a moment rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The capture's own segments put the end there.
    Seen,
    /// A timer of the host's profile did, with no packet to show it: TIME-WAIT running on
    /// after the capture, or ended by its 2×MSL; connect() giving up.
    Timer,
    /// The port's next connection on the same 4-tuple ended the TIME-WAIT.
    Reused,
    /// Past the capture's end, in a state no timer ends: what happened is not in the capture
    /// (the state given is the last one seen).
    Unknown,
}

/// One end's state at a moment, and what says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EndState {
    pub state: TcpState,
    pub basis: Basis,
}

impl PortModel {
    /// The state of `c`'s `role` end at `ts_ns`: the capture's transitions, then what the
    /// profile's timers did after them.
    pub fn end_state_at(&self, c: &Connection, role: Role, ts_ns: i64) -> EndState {
        let seen = c.side(role).state_at(ts_ns);
        let at = |state, basis| EndState { state, basis };
        let after_capture = ts_ns > self.capture_end_ns;
        match seen {
            TcpState::TimeWait => match self.span_of(c, role, Phase::TimeWait) {
                Some(s) if ts_ns >= s.end_ns => at(
                    TcpState::Closed,
                    if s.cut_by_reuse {
                        Basis::Reused
                    } else {
                        Basis::Timer
                    },
                ),
                _ if after_capture => at(TcpState::TimeWait, Basis::Timer),
                _ => at(TcpState::TimeWait, Basis::Seen),
            },
            // Never answered: the Assigned span ends where connect() gives up, unless the
            // capture ended first (then the attempt's fate is not in it).
            TcpState::SynSent if role == Role::Client => {
                match self.span_of(c, role, Phase::Assigned) {
                    Some(s) if !s.truncated_by_capture_end && ts_ns >= s.end_ns => {
                        at(TcpState::Closed, Basis::Timer)
                    }
                    _ if after_capture => at(seen, Basis::Unknown),
                    _ => at(seen, Basis::Seen),
                }
            }
            TcpState::Closed | TcpState::Listen => at(seen, Basis::Seen),
            _ if after_capture || c.end_unobservable() && ts_ns > c.last_packet_ns => {
                at(seen, Basis::Unknown)
            }
            _ => at(seen, Basis::Seen),
        }
    }

    /// Both ends' [`PortModel::end_state_at`], client first.
    pub fn states_at(&self, c: &Connection, ts_ns: i64) -> (EndState, EndState) {
        (
            self.end_state_at(c, Role::Client, ts_ns),
            self.end_state_at(c, Role::Server, ts_ns),
        )
    }

    /// `c`'s span of `phase` on the row of its `role` end (a server's row holds only its
    /// TIME-WAIT).
    fn span_of(&self, c: &Connection, role: Role, phase: Phase) -> Option<&PortSpan> {
        let (ep, server_side) = match role {
            Role::Client => (c.client, false),
            Role::Server => (c.server, true),
        };
        let index = self.row_index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.rows.len());
            for (i, r) in self.rows.iter().enumerate() {
                index.insert((r.host, r.port, r.server_side), i as u32);
            }
            index
        });
        let row = &self.rows[*index.get(&(ep.ip, ep.port, server_side))? as usize];
        self.row_spans(row)
            .iter()
            .find(|s| s.conn == c.id && !s.udp && s.phase == phase)
    }
}
