//! The ladder (sequence) diagram's view-model: the packets of ONE connection, each with its
//! direction, flags, relative seq/ack, payload, whether it retransmits, and both ends' TCP states
//! after it; long runs of plain data/ACK segments folded into one item.
//!
//! Where the packets come from: the capture model keeps connections, not packets (its memory
//! grows with connections, so a 10 GB capture still loads). The ladder therefore re-reads the
//! capture file for the selected connection on demand ([`read_packets`], run on a worker thread
//! by [`LadderJob`]): it streams the file with the library's `FileSource`, drops duplicates and
//! clamps backward timestamps exactly as the pipeline did (`Sanitizer`), decodes, and keeps the
//! TCP segments of the connection's 4-tuple whose packet index lies in this generation's range
//! (from its first packet up to the next generation's first packet). It stops as soon as it has
//! as many segments as the tracker counted, so a connection near the start of a big file costs
//! little. At most [`MAX_PACKETS`] are kept.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crossbeam_channel::{Receiver, TryRecvError};
use portlife::decode::{self, Decoded, TcpFlags};
use portlife::i18n::Lang;
use portlife::sanitize::{Sanitizer, Verdict};
use portlife::source::merge::MergedSource;
use portlife::source::FileSource;
use portlife::tcp::{Connection, Side, TcpState};

use crate::app::derived::CaptureModel;
use portlife::tr;

/// Packets kept for one ladder (bounds memory on a pathological connection).
pub const MAX_PACKETS: usize = 50_000;
/// Runs of at least this many plain segments (no SYN/FIN/RST, no state change) are folded.
pub const FOLD_MIN: usize = 6;

/// One segment of the connection, as the ladder draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderPacket {
    /// 0-based capture position (Wireshark frame number − 1).
    pub index: u64,
    pub ts_ns: i64,
    /// Sent by the client (arrow left → right).
    pub from_client: bool,
    pub flags: TcpFlags,
    /// Sequence and acknowledgement numbers relative to each direction's ISN (as Wireshark).
    pub rel_seq: u32,
    pub rel_ack: u32,
    pub payload: u32,
    /// Its sequence range was already sent (a retransmission).
    pub retransmission: bool,
    /// Both ends' states right after it.
    pub client_state: TcpState,
    pub server_state: TcpState,
    /// It made at least one end change state.
    pub changes_state: bool,
}

impl LadderPacket {
    /// The segment's kind in words: `SYN`, `SYN-ACK`, `ACK`, `data`, `FIN-ACK`, `RST` …
    pub fn kind(&self) -> &'static str {
        let f = self.flags;
        match (f.syn(), f.fin(), f.rst(), f.ack()) {
            (true, _, _, true) => "SYN-ACK",
            (true, _, _, false) => "SYN",
            (_, _, true, true) => "RST-ACK",
            (_, _, true, false) => "RST",
            (_, true, _, true) => "FIN-ACK",
            (_, true, _, false) => "FIN",
            _ if self.payload > 0 => "data",
            _ => "ACK",
        }
    }

    /// [`Self::kind`] in `lang`: flag names stay as they are, `data` is translated.
    pub fn kind_text(&self, lang: Lang) -> String {
        match self.kind() {
            "data" => tr!(lang, "ladder-data"),
            k => k.to_string(),
        }
    }

    /// Wireshark's 1-based frame number.
    pub fn frame(&self) -> u64 {
        self.index + 1
    }

    /// `->` for client → server, `<-` for the answer.
    pub fn arrow(&self) -> &'static str {
        if self.from_client {
            "->"
        } else {
            "<-"
        }
    }

    /// The arrow's accessible label, e.g. `#1 SYN ->` (frame, kind, direction).
    pub fn label(&self, lang: Lang) -> String {
        format!(
            "#{} {} {}",
            self.frame(),
            self.kind_text(lang),
            self.arrow()
        )
    }

    /// The text written on the arrow: kind, seq/ack, length, retransmission mark.
    pub fn detail(&self, lang: Lang) -> String {
        let mut s = format!("{} seq={}", self.kind_text(lang), self.rel_seq);
        if self.flags.ack() {
            s += &format!(" ack={}", self.rel_ack);
        }
        if self.payload > 0 {
            s += &format!(" len={}", self.payload);
        }
        if self.retransmission {
            s += &tr!(lang, "ladder-retransmission");
        }
        s
    }

    /// Plain: no SYN/FIN/RST and no state change: a candidate for folding.
    fn plain(&self) -> bool {
        let f = self.flags;
        !(f.syn() || f.fin() || f.rst() || self.changes_state)
    }
}

/// A folded run of plain segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Range of indices into [`Ladder::packets`] (inclusive start, exclusive end).
    pub first: usize,
    pub end: usize,
    pub client_segments: u32,
    pub client_bytes: u64,
    pub server_segments: u32,
    pub server_bytes: u64,
    pub retransmissions: u32,
}

impl Run {
    /// E.g. `18 segments: 48.0 KB in 12 -> · 6 ACKs <-` (bytes of payload in how many segments,
    /// each way).
    pub fn label(&self, lang: Lang) -> String {
        let side = |segs: u32, bytes: u64, arrow: &str| match (segs, bytes) {
            (0, _) => None,
            (1, 0) => Some(tr!(lang, "ladder-one-ack", arrow = arrow)),
            (n, 0) => Some(tr!(lang, "ladder-acks", count = n, arrow = arrow)),
            (n, b) => Some(tr!(
                lang,
                "ladder-data-segments",
                bytes = fmt_bytes(b),
                count = n,
                arrow = arrow
            )),
        };
        let parts: Vec<String> = [
            side(self.client_segments, self.client_bytes, "->"),
            side(self.server_segments, self.server_bytes, "<-"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut s = tr!(
            lang,
            "ladder-folded-segments",
            count = self.end - self.first,
            parts = parts.join(" · ")
        );
        if self.retransmissions > 0 {
            s += &tr!(lang, "ladder-retransmitted", count = self.retransmissions);
        }
        s
    }
}

/// One line of the ladder: a single arrow, or a folded run.
#[derive(Debug, Clone, PartialEq)]
pub enum LadderItem {
    Packet(usize),
    Run(Run),
}

/// The ladder of one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// Index of the connection in the capture model.
    pub conn: u32,
    pub packets: Vec<LadderPacket>,
    pub items: Vec<LadderItem>,
    /// More than [`MAX_PACKETS`] matched: the rest is not shown.
    pub truncated: bool,
}

impl Ladder {
    /// Index of the last packet at or before `ts_ns` (None before the first).
    pub fn packet_at(&self, ts_ns: i64) -> Option<usize> {
        self.packets
            .partition_point(|p| p.ts_ns <= ts_ns)
            .checked_sub(1)
    }
}

/// Connection `conn` of the capture (the one a ladder is of).
pub fn connection(capture: &CaptureModel, conn: u32) -> Option<&Connection> {
    capture.connections.get(conn as usize)
}

/// The first packet index of `c`'s next generation on its 4-tuple, where `c`'s packets end.
pub fn next_generation_start(capture: &CaptureModel, c: &Connection) -> Option<u64> {
    c.next_generation
        .and_then(|g| connection(capture, g))
        .map(|n| n.first_packet_index)
}

/// `512 B`, `48.0 KB`, `3.2 MB` (decimal units, as Wireshark).
pub fn fmt_bytes(b: u64) -> String {
    if b < 1000 {
        format!("{b} B")
    } else if b < 1_000_000 {
        format!("{:.1} KB", b as f64 / 1e3)
    } else {
        format!("{:.1} MB", b as f64 / 1e6)
    }
}

/// A segment as read from the file, before the connection's states are attached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawSegment {
    pub index: u64,
    pub ts_ns: i64,
    pub from_client: bool,
    pub flags: TcpFlags,
    pub seq: u32,
    pub ack: u32,
    pub payload: u32,
}

/// The packets of what the app opened: one file, or a folder's files merged by timestamp as
/// the loader read them (so packet indexes mean the same).
enum Packets {
    One(FileSource),
    Merged(MergedSource),
}

impl Packets {
    fn open(path: &Path) -> Result<Packets, String> {
        if !path.is_dir() {
            return crate::app::files::open(path)
                .map(Packets::One)
                .map_err(|e| e.to_string());
        }
        let files = portlife::source::merge::files_in(path).map_err(|e| e.to_string())?;
        MergedSource::open(&files)
            .map(Packets::Merged)
            .map_err(|e| e.to_string())
    }

    fn next_packet(&mut self) -> Option<portlife::source::Packet<'_>> {
        match self {
            Packets::One(s) => s.next_packet(),
            Packets::Merged(s) => s.next_packet(),
        }
    }
}

/// Read the segments of `conn` from the capture at `path`. `next_first_index` is the first
/// packet of the next generation on the same 4-tuple (it ends this one's range). Stops early,
/// with what it has, once `cancel` is set.
pub fn read_packets(
    path: &Path,
    conn: &Connection,
    next_first_index: Option<u64>,
    cancel: &AtomicBool,
) -> Result<(Vec<RawSegment>, bool), String> {
    let mut src = Packets::open(path)?;
    let mut sanitizer = Sanitizer::default();
    let want = conn.packets() as usize;
    let mut out = Vec::new();
    let mut truncated = false;
    while let Some(pkt) = src.next_packet() {
        if next_first_index.is_some_and(|n| pkt.index >= n) || cancel.load(Ordering::Relaxed) {
            break;
        }
        // The sanitizer must see every packet (duplicates and clamped times, as the pipeline).
        let Verdict::Keep { ts_ns } = sanitizer.check(pkt.linktype, pkt.data, pkt.ts_ns) else {
            continue;
        };
        if pkt.index < conn.first_packet_index {
            continue;
        }
        let Decoded::Tcp(seg) = decode::decode(pkt.linktype, pkt.data) else {
            continue;
        };
        let from_client = seg.src == conn.client && seg.dst == conn.server;
        let from_server = seg.src == conn.server && seg.dst == conn.client;
        if !(from_client || from_server) {
            continue;
        }
        if out.len() >= MAX_PACKETS {
            truncated = true;
            break;
        }
        out.push(RawSegment {
            index: pkt.index,
            ts_ns,
            from_client,
            flags: seg.flags,
            seq: seg.seq,
            ack: seg.ack,
            payload: seg.payload_len,
        });
        if want > 0 && out.len() >= want {
            break;
        }
    }
    Ok((out, truncated))
}

/// An end's state right after packet `index` (its last transition at or before it).
fn state_after(side: &Side, index: u64) -> TcpState {
    let n = side
        .transitions
        .partition_point(|t| u64::from(t.packet_index) <= index);
    match n {
        0 => side.initial,
        _ => side.transitions[n - 1].to,
    }
}

/// True when `a` is at or before `b` in sequence space (RFC 9293 §3.4, modulo 2³²).
fn seq_le(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) >= 0
}

/// Build the ladder of `conn` (index `conn_idx`) from its segments: relative numbers,
/// retransmissions, states after each, folded runs.
pub fn build(conn_idx: u32, conn: &Connection, raw: &[RawSegment], truncated: bool) -> Ladder {
    // Each direction's ISN: its SYN's seq, else its first segment's.
    let isn = |client: bool| {
        raw.iter()
            .find(|s| s.from_client == client && s.flags.syn())
            .or_else(|| raw.iter().find(|s| s.from_client == client))
            .map_or(0, |s| s.seq)
    };
    let (isn_c, isn_s) = (isn(true), isn(false));
    // Highest sequence end sent so far, per direction.
    let mut high: [Option<u32>; 2] = [None, None];
    let mut packets = Vec::with_capacity(raw.len());
    for s in raw {
        let dir = usize::from(!s.from_client);
        let (own, peer) = if s.from_client {
            (isn_c, isn_s)
        } else {
            (isn_s, isn_c)
        };
        let seg_len = s.payload + u32::from(s.flags.syn()) + u32::from(s.flags.fin());
        let end = s.seq.wrapping_add(seg_len);
        let retransmission = seg_len > 0 && high[dir].is_some_and(|h| seq_le(end, h));
        if seg_len > 0 && high[dir].is_none_or(|h| !seq_le(end, h)) {
            high[dir] = Some(end);
        }
        let client_state = state_after(&conn.client_side, s.index);
        let server_state = state_after(&conn.server_side, s.index);
        let changes_state = conn
            .client_side
            .transitions
            .iter()
            .chain(&conn.server_side.transitions)
            .any(|t| u64::from(t.packet_index) == s.index);
        packets.push(LadderPacket {
            index: s.index,
            ts_ns: s.ts_ns,
            from_client: s.from_client,
            flags: s.flags,
            rel_seq: s.seq.wrapping_sub(own),
            rel_ack: if s.flags.ack() {
                s.ack.wrapping_sub(peer)
            } else {
                0
            },
            payload: s.payload,
            retransmission,
            client_state,
            server_state,
            changes_state,
        });
    }
    let items = fold(&packets);
    Ladder {
        conn: conn_idx,
        packets,
        items,
        truncated,
    }
}

/// Fold runs of at least [`FOLD_MIN`] plain segments into one item each.
fn fold(packets: &[LadderPacket]) -> Vec<LadderItem> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < packets.len() {
        let run_end = i + packets[i..].iter().take_while(|p| p.plain()).count();
        if run_end - i >= FOLD_MIN {
            let mut r = Run {
                first: i,
                end: run_end,
                client_segments: 0,
                client_bytes: 0,
                server_segments: 0,
                server_bytes: 0,
                retransmissions: 0,
            };
            for p in &packets[i..run_end] {
                if p.from_client {
                    r.client_segments += 1;
                    r.client_bytes += u64::from(p.payload);
                } else {
                    r.server_segments += 1;
                    r.server_bytes += u64::from(p.payload);
                }
                r.retransmissions += u32::from(p.retransmission);
            }
            items.push(LadderItem::Run(r));
            i = run_end;
        } else if run_end > i {
            items.extend((i..run_end).map(LadderItem::Packet));
            i = run_end;
        } else {
            items.push(LadderItem::Packet(i));
            i += 1;
        }
    }
    items
}

/// The ladder of one connection being read on a worker thread. Dropping it (another
/// connection was selected) stops the reader.
pub struct LadderJob {
    pub conn: u32,
    rx: Receiver<Result<Ladder, String>>,
    cancel: Arc<AtomicBool>,
}

impl Drop for LadderJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl LadderJob {
    /// Start reading connection `conn_idx` of the capture at `path`.
    pub fn spawn(
        path: PathBuf,
        conn_idx: u32,
        conn: Connection,
        next_first_index: Option<u64>,
        ctx: egui::Context,
    ) -> Self {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let spawned = crate::app::files::in_background("portlife-ladder", move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_packets(&path, &conn, next_first_index, &stop)
                    .map(|(raw, truncated)| build(conn_idx, &conn, &raw, truncated))
            }))
            .unwrap_or_else(|_| Err("reading the packets crashed".into()));
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            eprintln!("portlife: cannot start ladder thread: {e}");
        }
        LadderJob {
            conn: conn_idx,
            rx,
            cancel,
        }
    }

    /// `Some(result)` once the worker is done.
    pub fn poll(&self) -> Option<Result<Ladder, String>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the ladder reader stopped".into())),
        }
    }
}
