//! The capture model the app holds: the connections of one capture (from the library's
//! [`portlife::tcp::Tracker`]), read on the loader thread. Only [`super::view_model`] reads it;
//! panels never do.
//!
//! The loader drives source → decode → tracker itself (the same steps as
//! `portlife::analysis::analyze_file`) so it can report progress and stop on cancel.
// TODO(tracker): switch to `analysis::analyze_file` once its `Analysis` carries the connections.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use portlife::decode;
use portlife::source::{FileSource, Progress, Warning};
use portlife::tcp::{Connection, Outcome, Tracker, UdpFlow};

/// The outcome groups of the filter panel (the list), over the tracker's finer
/// [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeGroup {
    /// FIN/FIN close.
    Normal,
    /// SYN answered by RST or by an ICMP error.
    Refused,
    /// SYN never answered.
    Unanswered,
    /// Ended by RST after the handshake.
    Reset,
    /// Still open at capture end, or seen only mid-stream.
    Open,
}

impl OutcomeGroup {
    pub const ALL: [OutcomeGroup; 5] = [
        OutcomeGroup::Normal,
        OutcomeGroup::Refused,
        OutcomeGroup::Unanswered,
        OutcomeGroup::Reset,
        OutcomeGroup::Open,
    ];

    pub fn name(self) -> &'static str {
        match self {
            OutcomeGroup::Normal => "normal",
            OutcomeGroup::Refused => "refused",
            OutcomeGroup::Unanswered => "unanswered",
            OutcomeGroup::Reset => "reset",
            OutcomeGroup::Open => "open",
        }
    }

    pub fn of(o: Outcome) -> OutcomeGroup {
        match o {
            Outcome::FinFin => OutcomeGroup::Normal,
            Outcome::Refused | Outcome::Unreachable => OutcomeGroup::Refused,
            Outcome::Unanswered => OutcomeGroup::Unanswered,
            Outcome::ResetByClient | Outcome::ResetByServer => OutcomeGroup::Reset,
            Outcome::OpenAtEnd | Outcome::MidStream => OutcomeGroup::Open,
        }
    }
}

/// What the loader hands to the app.
#[derive(Debug, Clone, Default)]
pub struct CaptureModel {
    pub file: String,
    pub packets: u64,
    pub connections: Vec<Connection>,
    pub udp: Vec<UdpFlow>,
    /// Timestamp of the last packet (ns since the Unix epoch).
    pub capture_end_ns: i64,
    pub warnings: Vec<Warning>,
    pub cancelled: bool,
}

/// Read a capture and rebuild its connections. Reports progress, honours `cancel`.
pub fn load(
    path: &Path,
    mut on_progress: impl FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<CaptureModel, String> {
    let mut source = FileSource::open(path).map_err(|e| e.to_string())?;
    let mut tracker = Tracker::new();
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
        let d = decode::decode(pkt.linktype, pkt.data);
        tracker.push(pkt.index, pkt.ts_ns, &d);
    }
    on_progress(progress());
    let capture_end_ns = tracker.last_ts_ns().unwrap_or(0);
    tracker.finish(capture_end_ns);
    let warnings = source.warnings().to_vec();
    let (connections, udp) = tracker.into_parts();
    Ok(CaptureModel {
        file: path.display().to_string(),
        packets,
        connections,
        udp,
        capture_end_ns,
        warnings,
        cancelled,
    })
}
