//! The whole pipeline over one capture file: source → decode → statistics (→ tracker, ports).
//! The CLI, the app's loader thread and the tests all come through here.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::decode;
use crate::report::CaptureStats;
use crate::source::{FileSource, Format, OpenError, Progress, Warning};

/// Everything learnt from one capture.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub file: String,
    pub format: Format,
    pub compressed: bool,
    pub stats: CaptureStats,
    pub warnings: Vec<Warning>,
    /// True when the read was cancelled before the end of the file.
    pub cancelled: bool,
}

/// Options for [`analyze_file`].
#[derive(Default)]
pub struct Options<'a> {
    /// Called every few thousand packets with how far the read has come.
    pub on_progress: Option<&'a mut dyn FnMut(Progress)>,
    /// Set from another thread to stop early; what was read so far is kept.
    pub cancel: Option<&'a AtomicBool>,
}


/// Read and analyse a whole capture file.
pub fn analyze_file(path: impl AsRef<Path>, mut opts: Options<'_>) -> Result<Analysis, OpenError> {
    let path = path.as_ref();
    let mut source = FileSource::open(path)?;
    let mut stats = CaptureStats::default();
    let mut cancelled = false;
    while let Some(pkt) = source.next_packet() {
        let d = decode::decode(pkt.linktype, pkt.data);
        stats.observe(&pkt, &d);
        if pkt.index % 4096 == 0 {
            if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                cancelled = true;
                break;
            }
            if let Some(cb) = opts.on_progress.as_mut() {
                cb(source.progress());
            }
        }
    }
    let mut warnings = source.warnings().to_vec();
    let unsupported: u64 = stats
        .link_types
        .iter()
        .filter(|(k, _)| k.starts_with("unsupported"))
        .map(|(_, v)| *v)
        .sum();
    if unsupported > 0 {
        warnings.push(Warning {
            kind: "unsupported_linktype",
            offset: None,
            message: format!("{unsupported} packets have a link type portlife does not decode; counted, not analysed"),
        });
    }
    if stats.packets_without_timestamp > 0 {
        warnings.push(Warning {
            kind: "no_timestamp",
            offset: None,
            message: format!(
                "{} packets carry no timestamp (pcapng simple packet blocks); shown at the time of the packet before them",
                stats.packets_without_timestamp
            ),
        });
    }
    if stats.out_of_order_timestamps > 0 {
        warnings.push(Warning {
            kind: "out_of_order",
            offset: None,
            message: format!(
                "{} packets have a timestamp earlier than the packet before them",
                stats.out_of_order_timestamps
            ),
        });
    }
    Ok(Analysis {
        file: path.display().to_string(),
        format: source.format(),
        compressed: source.is_compressed(),
        stats,
        warnings,
        cancelled,
    })
}
