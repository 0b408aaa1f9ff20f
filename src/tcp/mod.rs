//! TCP connection tracking: decoded segments → connections with the RFC 9293 state of both
//! endpoints over time. Also the simple UDP request/response flows ([`udp`]).
//!
//! - [`state`]: the per-endpoint state machine, one pure function ([`state::next_state`]).
//! - [`tracker`]: the connection table ([`Tracker`]): 4-tuples, generations, roles, outcomes.
//! - [`zeek`]: the vocabularies users already know: Zeek `history` / `conn_state`, Wireshark
//!   `tcp.completeness`.

pub mod evict;
mod key;
mod live;
pub mod state;
pub mod tracker;
pub mod udp;
pub mod zeek;

#[cfg(test)]
pub(crate) mod testutil;

use serde::Serialize;

use crate::decode::{EncapPath, Endpoint, IcmpReason};

pub use evict::Evictions;
pub use state::{next_state, Event, TcpState};
pub use tracker::Tracker;
pub use udp::UdpFlow;
pub use zeek::ZeekConnState;

/// Which end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sent the first SYN (without ACK): the side whose port is ephemeral.
    Client,
    /// Answered it.
    Server,
}

impl Role {
    pub fn other(self) -> Role {
        match self {
            Role::Client => Role::Server,
            Role::Server => Role::Client,
        }
    }
}

/// How a connection ended (or did not), as far as the capture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Both sides sent a FIN: a normal close (RFC 9293 §3.6).
    FinFin,
    /// The client sent a RST after the handshake.
    ResetByClient,
    /// The server sent a RST after the handshake.
    ResetByServer,
    /// The SYN was answered by a RST: no listener on that port ("connection refused").
    Refused,
    /// An ICMP port-unreachable / administratively-prohibited error ended the attempt.
    Unreachable,
    /// Only SYN(s), never an answer: a firewall dropping them or a dead server.
    Unanswered,
    /// Started in the capture and still open when it ended.
    OpenAtEnd,
    /// Neither its start (no SYN) nor its end was captured.
    MidStream,
    /// The client sent a FIN, and the server's direction is not in the capture: how the server
    /// answered (its FIN, the client's TIME-WAIT) cannot be seen.
    ClosedByClient,
    /// The server sent a FIN, and the client's direction is not in the capture.
    ClosedByServer,
}

impl Outcome {
    /// Short words for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::FinFin => "normal close (FIN/FIN)",
            Outcome::ResetByClient => "reset by client",
            Outcome::ResetByServer => "reset by server",
            Outcome::Refused => "refused (SYN answered by RST)",
            Outcome::Unreachable => "ICMP unreachable",
            Outcome::Unanswered => "SYN unanswered",
            Outcome::OpenAtEnd => "still open at capture end",
            Outcome::MidStream => "mid-stream (start and end not captured)",
            Outcome::ClosedByClient => "closed by the client (the server's direction not captured)",
            Outcome::ClosedByServer => "closed by the server (the client's direction not captured)",
        }
    }
}

/// The TCP options of a SYN and its IP TTL, as far as they tell which OS sent it (p0f's
/// approach): Windows leaves RFC 7323 timestamps off by default, Linux, macOS and FreeBSD send
/// them; Windows starts its TTL at 128, the others at 64; the window scale and MSS differ by OS
/// and link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SynOptions {
    /// The TTL (hop limit) the SYN arrived with at the capture point.
    pub ttl: u8,
    pub window: u16,
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub timestamps: bool,
}

/// One state change of one endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// When the capture showed it (ns since the Unix epoch).
    pub ts_ns: i64,
    /// The packet that caused or proved it (0-based capture position). 32 bits keep the record
    /// at 16 bytes (BENCHMARKS.md); a capture past 4 294 967 295 packets (hundreds of GB) pins
    /// later transitions at `u32::MAX`.
    pub packet_index: u32,
    pub from: TcpState,
    pub to: TcpState,
    /// Deduced, not seen: the segment that caused it was not captured (the other direction is
    /// missing), and what its peer did afterwards proves it happened. Dated by that proof.
    pub inferred: bool,
}

/// An endpoint's transitions (a slice by `Deref`; serialized as a list).
pub type Transitions = smallvec::SmallVec<[Transition; 5]>;

/// A connection's Zeek-style history (a `str` by `Deref`, inline up to 24 letters; serialized as
/// a string).
pub type History = compact_str::CompactString;

/// What one endpoint of a connection did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Its state before the first transition (CLOSED for a client, LISTEN for a server that was
    /// sent a SYN, ESTABLISHED for both ends of a mid-stream connection).
    pub initial: TcpState,
    /// Its state now (after the last transition).
    pub state: TcpState,
    /// Its state changes, in order. Inline up to five — a whole normal life on either end (e.g.
    /// SYN-SENT, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT) — so a connection record is one
    /// block of memory, not three.
    pub transitions: Transitions,
    /// TCP payload bytes it sent (retransmissions included).
    pub bytes: u64,
    /// Segments it sent.
    pub packets: u64,
    /// At least one of its segments is in the capture. A side never seen whose peer's segments
    /// prove it took part (see [`Connection::direction_missing`]) has only inferred transitions.
    pub seen: bool,
}

impl Side {
    fn new(initial: TcpState) -> Self {
        Side {
            initial,
            state: initial,
            transitions: Transitions::new(),
            bytes: 0,
            packets: 0,
            seen: false,
        }
    }

    /// Its state at time `ts_ns` (the initial state before the first transition).
    pub fn state_at(&self, ts_ns: i64) -> TcpState {
        let n = self.transitions.partition_point(|t| t.ts_ns <= ts_ns);
        match n {
            0 => self.initial,
            _ => self.transitions[n - 1].to,
        }
    }

    /// When it first entered `state`, if it did.
    pub fn entered(&self, state: TcpState) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.to == state)
    }
}

/// One TCP connection: one generation of one 4-tuple.
#[derive(Clone, Debug, Serialize)]
pub struct Connection {
    /// Index into [`Tracker::connections`].
    pub id: u32,
    pub client: Endpoint,
    pub server: Endpoint,
    /// True when the start (the client's SYN) was not captured: the roles are a guess
    /// (SYN-ACK sender = server; otherwise the ephemeral-looking port is the client's).
    pub roles_inferred: bool,
    /// 0 for the first connection on this 4-tuple in the capture, 1 for the next, …
    pub generation: u32,
    /// The connection before this one on the same 4-tuple (port reuse), and the one after.
    pub prev_generation: Option<u32>,
    pub next_generation: Option<u32>,
    /// First packet (ns since the Unix epoch).
    pub start_ns: i64,
    /// When both ends were done (CLOSED or TIME-WAIT), else the last packet seen, or the capture
    /// end once [`Tracker::finish`] ran for connections still open.
    pub end_ns: i64,
    /// Last packet seen.
    pub last_packet_ns: i64,
    pub first_packet_index: u64,
    pub client_side: Side,
    pub server_side: Side,
    /// The first FIN's sender: the active closer, the one that enters TIME-WAIT. `None` when no
    /// FIN was seen, and when one direction is missing (`direction_missing`): a FIN seen from
    /// one end does not say the unseen end had not closed before.
    pub closed_first: Option<Role>,
    pub outcome: Outcome,
    /// SYNs from the client beyond the first, with the same ISN.
    pub syn_retransmits: u32,
    /// Zeek conn.log `history` (uppercase = client/originator, lowercase = server/responder).
    pub history: History,
    /// Zeek conn.log `conn_state`.
    pub conn_state: ZeekConnState,
    /// Wireshark `tcp.completeness` bitmask: 1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST.
    pub completeness: u8,
    /// The ICMP error that ended the attempt, if one did.
    pub icmp: Option<IcmpReason>,
    /// What the client's first SYN carried: the options an OS chooses by default (the
    /// fingerprint `ports::profile` reads the client host's OS from).
    pub syn_options: Option<SynOptions>,
    /// The end whose direction is not in the capture although the other end's segments prove
    /// it took part (they acknowledge its SYN or data, or a server sends data after its
    /// SYN-ACK): a capture of one direction only. Its transitions are then all `inferred`, and
    /// the connection's end is not observable.
    pub direction_missing: Option<Role>,
    /// Both ends had sent their FIN when a RST came (Zeek keeps `SF` for it: the close was
    /// normal; the RST only cut the last ACK or the TIME-WAIT short).
    pub reset_after_close: bool,
    /// Segments on this 4-tuple after the connection ended (a RST, or both ends done) that are
    /// not a new connection: in flight when it ended, or a retransmission the peer sent into a
    /// TIME-WAIT. Counted in the sides' packets, they change no state.
    pub after_end_packets: u32,
    /// Copies of its segments dropped as capture duplicates (the same frame seen twice within
    /// [`crate::sanitize::DUP_WINDOW_NS`]); not counted in the sides' packets.
    pub duplicates_dropped: u32,
    /// The longest silence between two of its packets (or, for a connection still open, between
    /// its last packet and the capture's end): when it began and how long it lasted (0: none).
    pub longest_idle_from_ns: i64,
    pub longest_idle_ns: i64,
    /// `longest_idle_ns` is longer than the keep-alive idle time every common OS starts with
    /// (2 h: RFC 1122 §4.2.3.6's minimum default; Linux `tcp_keepalive_time` 7200 s, Windows
    /// `KeepAliveTime` 7 200 000 ms, macOS and FreeBSD `keepidle` 7 200 000 ms): had keep-alive
    /// been on, probes would have shown. A view should break its time axis there.
    pub idle_beyond_keepalive: bool,
    /// The encapsulations its packets came through (`["vlan", "vxlan"]`), outermost first;
    /// several paths are merged, each kind once in the order first seen. Empty for plain frames.
    pub encapsulation: EncapPath,
    /// Whoever sent the RST that ended the connection (a RST after the end does not count).
    #[serde(skip)]
    pub(crate) reset_by: Option<Role>,
}

impl Connection {
    pub fn side(&self, role: Role) -> &Side {
        match role {
            Role::Client => &self.client_side,
            Role::Server => &self.server_side,
        }
    }

    pub fn endpoint(&self, role: Role) -> Endpoint {
        match role {
            Role::Client => self.client,
            Role::Server => self.server,
        }
    }

    /// (client, server) states at `ts_ns`.
    pub fn state_at(&self, ts_ns: i64) -> (TcpState, TcpState) {
        (
            self.client_side.state_at(ts_ns),
            self.server_side.state_at(ts_ns),
        )
    }

    /// True once both ends are CLOSED or in TIME-WAIT.
    pub fn is_over(&self) -> bool {
        self.client_side.state.is_over() && self.server_side.state.is_over()
    }

    /// Total packets both ways.
    pub fn packets(&self) -> u64 {
        self.client_side.packets + self.server_side.packets
    }

    /// Neither its start nor its end can be said from the capture and one direction is missing:
    /// every phase after its last packet is unknown.
    pub fn end_unobservable(&self) -> bool {
        self.direction_missing.is_some() && !self.is_over()
    }
}

/// The keep-alive idle time common OSes start with (see [`Connection::idle_beyond_keepalive`]).
pub const KEEPALIVE_IDLE_NS: i64 = 7200 * 1_000_000_000;
