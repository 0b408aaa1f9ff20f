//! The TCP state diagram's view-model: RFC 9293 Figure 5 ("TCP Connection State Diagram") as
//! nodes on a grid and labelled edges, how many connections took each edge in the capture, and
//! which states (and which port phase) the selected connection is in at the time cursor.
//!
//! Figure 5 draws CLOSED twice (top: before the connection; bottom: after it); so do we.

use std::collections::HashMap;

use portlife::ports::{EndState, PortModel};
use portlife::tcp::TcpState;

use crate::app::derived::CaptureModel;
use crate::app::timeline::model::Timeline;
use portlife::ports::Phase;

/// A box of the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    State(TcpState),
    /// The second CLOSED box at the bottom of Figure 5.
    ClosedEnd,
}

impl Node {
    pub fn state(self) -> TcpState {
        match self {
            Node::State(s) => s,
            Node::ClosedEnd => TcpState::Closed,
        }
    }
}

/// The boxes and their (column, row) on a 5 × 7 grid, laid out as in Figure 5.
pub const NODES: [(Node, (u8, u8)); 12] = [
    (Node::State(TcpState::Closed), (2, 0)),
    (Node::State(TcpState::Listen), (2, 1)),
    (Node::State(TcpState::SynReceived), (0, 2)),
    (Node::State(TcpState::SynSent), (4, 2)),
    (Node::State(TcpState::Established), (2, 3)),
    (Node::State(TcpState::FinWait1), (0, 4)),
    (Node::State(TcpState::CloseWait), (4, 4)),
    (Node::State(TcpState::FinWait2), (0, 5)),
    (Node::State(TcpState::Closing), (2, 5)),
    (Node::State(TcpState::LastAck), (4, 5)),
    (Node::State(TcpState::TimeWait), (2, 6)),
    (Node::ClosedEnd, (4, 6)),
];

/// One arrow of Figure 5, with its event / action label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: Node,
    pub to: Node,
    pub label: &'static str,
}

const fn e(from: TcpState, to: Node, label: &'static str) -> Edge {
    Edge {
        from: Node::State(from),
        to,
        label,
    }
}

use TcpState::*;

/// The edges of RFC 9293 Figure 5.
pub const EDGES: [Edge; 19] = [
    e(Closed, Node::State(Listen), "passive OPEN"),
    e(Closed, Node::State(SynSent), "active OPEN / snd SYN"),
    e(Listen, Node::State(Closed), "CLOSE"),
    e(Listen, Node::State(SynReceived), "rcv SYN / snd SYN,ACK"),
    e(Listen, Node::State(SynSent), "SEND / snd SYN"),
    e(SynSent, Node::State(Closed), "CLOSE"),
    e(SynSent, Node::State(SynReceived), "rcv SYN / snd ACK"),
    e(SynSent, Node::State(Established), "rcv SYN,ACK / snd ACK"),
    e(SynReceived, Node::State(Established), "rcv ACK of SYN"),
    e(SynReceived, Node::State(FinWait1), "CLOSE / snd FIN"),
    e(Established, Node::State(FinWait1), "CLOSE / snd FIN"),
    e(Established, Node::State(CloseWait), "rcv FIN / snd ACK"),
    e(FinWait1, Node::State(FinWait2), "rcv ACK of FIN"),
    e(FinWait1, Node::State(Closing), "rcv FIN / snd ACK"),
    e(FinWait2, Node::State(TimeWait), "rcv FIN / snd ACK"),
    e(Closing, Node::State(TimeWait), "rcv ACK of FIN"),
    e(CloseWait, Node::State(LastAck), "CLOSE / snd FIN"),
    e(LastAck, Node::ClosedEnd, "rcv ACK of FIN"),
    e(TimeWait, Node::ClosedEnd, "Timeout=2MSL"),
];

/// Where `edge`'s label sits: `(t, side)` with `t` along the edge (0 = start, 1 = end) and
/// `side` +1 / −1 to put it beside the arrow (to the left / right of its direction of travel)
/// or 0 on it. Opposite edges (CLOSED ⇄ LISTEN, CLOSED ⇄ SYN-SENT) are drawn side by side, each
/// labelled on its own side; the labels of the edges that run close together near SYN-SENT are
/// spread along them.
pub fn label_place(edge: &Edge) -> (f32, f32) {
    match (edge.from.state(), edge.to.state()) {
        (Closed, Listen) | (Listen, Closed) => (0.5, 1.0),
        (Closed, SynSent) => (0.35, 1.0),
        (SynSent, Closed) => (0.5, 1.0),
        (Listen, SynSent) => (0.6, 0.0),
        _ => (0.5, 0.0),
    }
}

/// Grid position of a node.
pub fn grid_of(n: Node) -> (u8, u8) {
    NODES
        .iter()
        .find(|(m, _)| *m == n)
        .map_or((0, 0), |(_, p)| *p)
}

/// How many times each (from, to) state change happened.
pub type TransitionCounts = HashMap<(TcpState, TcpState), u32>;

/// How many times each (from, to) state change happened in the capture, both ends counted
/// (a connection whose two ends both went ESTABLISHED → … counts twice on shared edges).
pub fn transition_counts(capture: &CaptureModel) -> TransitionCounts {
    let mut m = HashMap::new();
    for c in &capture.connections {
        for t in c
            .client_side
            .transitions
            .iter()
            .chain(&c.server_side.transitions)
        {
            *m.entry((t.from, t.to)).or_insert(0) += 1;
        }
    }
    m
}

/// The count shown on `edge`.
pub fn edge_count(counts: &TransitionCounts, edge: &Edge) -> u32 {
    counts
        .get(&(edge.from.state(), edge.to.state()))
        .copied()
        .unwrap_or(0)
}

/// Observed changes that Figure 5 does not draw (e.g. ESTABLISHED → CLOSED on a RST, or
/// FIN-WAIT-1 → TIME-WAIT when FIN and ACK arrive in one segment), most frequent first.
pub fn off_figure(counts: &TransitionCounts) -> Vec<((TcpState, TcpState), u32)> {
    let mut v: Vec<_> = counts
        .iter()
        .filter(|((f, t), _)| {
            !EDGES
                .iter()
                .any(|e| e.from.state() == *f && e.to.state() == *t)
        })
        .map(|(k, n)| (*k, *n))
        .collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0 .0.cmp(&b.0 .0))
            .then(a.0 .1.cmp(&b.0 .1))
    });
    v
}

/// The selected connection at the cursor: both ends' states and its client port's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtCursor {
    /// Each end's state as its kernel had it (past the last packet, the profile's timers).
    pub client: EndState,
    pub server: EndState,
    /// `None` = Available (the port is not held by this connection at that time).
    pub phase: Option<Phase>,
}

/// Where connection `conn` is at `t` (seconds from the timeline's t0).
pub fn at_cursor(
    capture: &CaptureModel,
    ports: &PortModel,
    tl: &Timeline,
    conn: u32,
    t: f64,
) -> Option<AtCursor> {
    let c = capture.connections.get(conn as usize)?;
    let (client, server) = ports.states_at(c, tl.abs_ns(t));
    let phase = tl
        .rows
        .iter()
        .filter(|r| !r.server_side)
        .flat_map(|r| r.spans.iter())
        .find(|s| s.conn == conn && !s.udp && s.start <= t && t < s.end)
        .map(|s| s.phase);
    Some(AtCursor {
        client,
        server,
        phase,
    })
}
