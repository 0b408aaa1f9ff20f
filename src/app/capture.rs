//! The capture model the app holds: the connections of one capture, each with the TCP-state
//! transitions of both endpoints.
//!
//! PROVISIONAL: this is a small stand-in for the library's `portlife::tcp` tracker, which is being
//! written on the `tracker` branch. It follows DESIGN.md's rules in their simplest form so the app
//! works on real captures today; when the tracker lands, [`load`] calls
//! `portlife::analysis::analyze_file` and maps its connections into these types (or these types
//! become re-exports), and the rest of the app does not change. Only
//! [`super::view_model`] reads these types; panels never do.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use portlife::decode::{self, Decoded, Endpoint, TcpSegment};
use portlife::source::{FileSource, Progress, Warning};

/// TCP states (RFC 9293 §3.3.2). The provisional tracker never produces CLOSING (simultaneous
/// close); the list is kept whole so the view code matches the real tracker.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

impl TcpState {
    /// The RFC 9293 spelling, e.g. `TIME-WAIT`.
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
}

/// Which end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

/// How a connection ended (the outcome filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Handshake and an orderly FIN close.
    Normal,
    /// SYN answered by RST.
    Refused,
    /// SYN never answered.
    Unanswered,
    /// Established, then ended by RST.
    Reset,
    /// Still open when the capture ended.
    Open,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Normal,
        Outcome::Refused,
        Outcome::Unanswered,
        Outcome::Reset,
        Outcome::Open,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Normal => "normal",
            Outcome::Refused => "refused",
            Outcome::Unanswered => "unanswered",
            Outcome::Reset => "reset",
            Outcome::Open => "open",
        }
    }
}

/// One state change of one endpoint, with the packet that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub ts_ns: i64,
    /// 0-based packet index in the capture (Wireshark frame number − 1).
    pub packet: u64,
    pub side: Side,
    pub from: TcpState,
    pub to: TcpState,
    /// Flags of the causing segment, e.g. `SA` (Wireshark-style letters).
    pub cause: String,
}

/// One TCP connection (one generation of a 4-tuple).
#[derive(Debug, Clone)]
pub struct Connection {
    pub client: Endpoint,
    pub server: Endpoint,
    /// 0 for the first connection on this 4-tuple, 1 for the next SYN after it closed, …
    pub generation: u32,
    pub first_ts_ns: i64,
    pub last_ts_ns: i64,
    pub packets: u64,
    pub outcome: Outcome,
    /// Who sent the first FIN (the active closer, who enters TIME-WAIT).
    pub closer: Option<Side>,
    /// Roles guessed because the SYN was not captured.
    pub inferred: bool,
    pub transitions: Vec<Transition>,
    client_state: TcpState,
    server_state: TcpState,
}

impl Connection {
    fn new(client: Endpoint, server: Endpoint, generation: u32, ts: i64, inferred: bool) -> Self {
        Connection {
            client,
            server,
            generation,
            first_ts_ns: ts,
            last_ts_ns: ts,
            packets: 0,
            outcome: Outcome::Open,
            closer: None,
            inferred,
            transitions: Vec::new(),
            client_state: if inferred {
                TcpState::Established
            } else {
                TcpState::Closed
            },
            server_state: if inferred {
                TcpState::Established
            } else {
                TcpState::Listen
            },
        }
    }

    fn state_mut(&mut self, side: Side) -> &mut TcpState {
        match side {
            Side::Client => &mut self.client_state,
            Side::Server => &mut self.server_state,
        }
    }

    fn set(&mut self, side: Side, to: TcpState, ts_ns: i64, packet: u64, cause: &str) {
        let from = *self.state_mut(side);
        if from == to {
            return;
        }
        *self.state_mut(side) = to;
        self.transitions.push(Transition {
            ts_ns,
            packet,
            side,
            from,
            to,
            cause: cause.to_string(),
        });
    }

    /// Both ends are done (closed or waiting out TIME-WAIT): a new SYN starts a new generation.
    fn finished(&self) -> bool {
        let done = |s| matches!(s, TcpState::Closed | TcpState::TimeWait);
        done(self.client_state) && done(self.server_state)
    }

    /// Apply one segment sent by `from` (RFC 9293 §3.10, simplified to what a capture shows).
    fn observe(&mut self, seg: &TcpSegment, from: Side, ts: i64, packet: u64) {
        use TcpState::*;
        self.packets += 1;
        self.last_ts_ns = ts;
        let other = match from {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        };
        let f = seg.flags;
        let cause = f.letters();
        if f.rst() {
            let before_est = self.client_state == SynSent || self.server_state == SynReceived;
            self.outcome = if before_est && self.transitions.iter().all(|t| t.to != Established) {
                Outcome::Refused
            } else {
                Outcome::Reset
            };
            self.set(from, Closed, ts, packet, &cause);
            self.set(other, Closed, ts, packet, &cause);
            return;
        }
        if f.syn() && !f.ack() && from == Side::Client {
            self.set(Side::Client, SynSent, ts, packet, &cause);
            self.outcome = Outcome::Unanswered;
            return;
        }
        if f.syn() && f.ack() && from == Side::Server {
            self.set(Side::Server, SynReceived, ts, packet, &cause);
            self.outcome = Outcome::Open;
            return;
        }
        if f.ack() && self.client_state == SynSent && from == Side::Client {
            self.set(Side::Client, Established, ts, packet, &cause);
            self.set(Side::Server, Established, ts, packet, &cause);
        }
        if f.fin() {
            let mine = match from {
                Side::Client => self.client_state,
                Side::Server => self.server_state,
            };
            match mine {
                Established | SynReceived => {
                    self.closer.get_or_insert(from);
                    self.set(from, FinWait1, ts, packet, &cause);
                    self.set(other, CloseWait, ts, packet, &cause);
                }
                CloseWait => {
                    self.set(from, LastAck, ts, packet, &cause);
                    let o = match other {
                        Side::Client => self.client_state,
                        Side::Server => self.server_state,
                    };
                    if o == FinWait1 && f.ack() {
                        // The FIN also acknowledges the closer's FIN.
                        self.set(other, FinWait2, ts, packet, &cause);
                    }
                    if matches!(o, FinWait1 | FinWait2) {
                        // The closer will ACK this FIN and wait 2×MSL.
                        self.set(other, TimeWait, ts, packet, &cause);
                    }
                }
                _ => {}
            }
            return;
        }
        if f.ack() {
            let o = match other {
                Side::Client => self.client_state,
                Side::Server => self.server_state,
            };
            let mine = match from {
                Side::Client => self.client_state,
                Side::Server => self.server_state,
            };
            if o == FinWait1 && mine == CloseWait {
                self.set(other, FinWait2, ts, packet, &cause);
            }
            if o == LastAck && mine == TimeWait {
                self.set(other, Closed, ts, packet, &cause);
                self.outcome = Outcome::Normal;
            }
        }
    }
}

/// What the loader hands to the app.
#[derive(Debug, Clone)]
pub struct CaptureModel {
    pub file: String,
    pub packets: u64,
    pub connections: Vec<Connection>,
    pub warnings: Vec<Warning>,
    pub cancelled: bool,
}

/// Ports at or above this are taken to be ephemeral when a connection's start was not captured.
const INFER_EPHEMERAL_FROM: u16 = 32768;

/// Read a capture and rebuild its connections. Reports progress, honours `cancel`.
pub fn load(
    path: &Path,
    mut on_progress: impl FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<CaptureModel, String> {
    let mut source = FileSource::open(path).map_err(|e| e.to_string())?;
    // Canonical (low endpoint, high endpoint) → index of the latest connection on that pair.
    let mut table: HashMap<(Endpoint, Endpoint), usize> = HashMap::new();
    let mut conns: Vec<Connection> = Vec::new();
    let mut packets = 0u64;
    let mut cancelled = false;
    let total_bytes = source.progress().total_bytes;
    let read = source.progress_counter();
    let progress = || Progress {
        bytes_read: read.load(Ordering::Relaxed),
        total_bytes,
    };
    while let Some(pkt) = source.next_packet() {
        packets += 1;
        if pkt.index % 4096 == 0 {
            if cancel.load(Ordering::Relaxed) {
                cancelled = true;
                break;
            }
            on_progress(progress());
        }
        let Decoded::Tcp(seg) = decode::decode(pkt.linktype, pkt.data) else {
            continue;
        };
        let key = if seg.src <= seg.dst {
            (seg.src, seg.dst)
        } else {
            (seg.dst, seg.src)
        };
        let is_syn = seg.flags.syn() && !seg.flags.ack();
        let existing = table.get(&key).copied();
        let idx = match existing {
            Some(i) if !(is_syn && conns[i].finished() && conns[i].client == seg.src) => i,
            _ => {
                let generation = existing.map_or(0, |i| conns[i].generation + 1);
                let (client, server, inferred) = if is_syn {
                    (seg.src, seg.dst, false)
                } else if seg.src.port >= INFER_EPHEMERAL_FROM && seg.dst.port < seg.src.port {
                    (seg.src, seg.dst, true)
                } else {
                    (seg.dst, seg.src, true)
                };
                conns.push(Connection::new(client, server, generation, pkt.ts_ns, inferred));
                table.insert(key, conns.len() - 1);
                conns.len() - 1
            }
        };
        let c = &mut conns[idx];
        let from = if seg.src == c.client {
            Side::Client
        } else {
            Side::Server
        };
        c.observe(&seg, from, pkt.ts_ns, pkt.index);
    }
    on_progress(source.progress());
    Ok(CaptureModel {
        file: path.display().to_string(),
        packets,
        connections: conns,
        warnings: source.warnings().to_vec(),
        cancelled,
    })
}

