//! Where packets come from. A source yields [`Packet`]s in capture order, one at a time,
//! borrowing its own buffer (no per-packet allocation), and keeps the [`Warning`]s it met.
//!
//! - [`file::FileSource`]: legacy pcap and pcapng files (optionally gzip-compressed), streamed.
//! - [`merge::MergedSource`]: several files as one capture, merged by timestamp.
//! - [`live::LiveSource`]: a network interface, with pnet (needs CAP_NET_RAW).
//! - [`kernel`]: the kernel's own view (/proc): the ephemeral range and its TCP sockets.

pub mod file;
pub mod kernel;
#[cfg(not(target_arch = "wasm32"))]
pub mod live;
pub mod merge;
pub mod writer;

use serde::Serialize;

pub use file::{FileSource, Format, OpenError};
#[cfg(not(target_arch = "wasm32"))]
pub use live::{LiveError, LiveSource};
pub use writer::{PcapWriter, TsResolution};

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// 0-based position in the capture (counts every packet record, decodable or not).
    pub index: u64,
    /// Capture timestamp, nanoseconds since the Unix epoch, UTC.
    pub ts_ns: i64,
    /// False for pcapng Simple Packet Blocks, which carry no timestamp: `ts_ns` then repeats the
    /// previous packet's time so that ordering still holds.
    pub ts_known: bool,
    /// pcap LINKTYPE_* of the interface the frame was captured on.
    pub linktype: u16,
    /// Interface number (pcapng: the IDB index within its section; legacy pcap: 0).
    pub interface: u32,
    /// The captured bytes (may be shorter than `orig_len` when the snap length cut the frame).
    pub data: &'a [u8],
    /// The frame's length on the wire.
    pub orig_len: u32,
}

impl Packet<'_> {
    /// Everything about the packet but its bytes.
    #[inline]
    pub fn meta(&self) -> PacketMeta {
        PacketMeta {
            index: self.index,
            ts_ns: self.ts_ns,
            ts_known: self.ts_known,
            linktype: self.linktype,
            orig_len: self.orig_len,
        }
    }
}

/// A [`Packet`] without its bytes (owned: it can wait in a batch or cross threads).
#[derive(Debug, Clone, Copy)]
pub struct PacketMeta {
    pub index: u64,
    pub ts_ns: i64,
    pub ts_known: bool,
    pub linktype: u16,
    pub orig_len: u32,
}

/// What kind of problem a [`Warning`] is; its serde name (`truncated`, …) is the stable id the
/// JSON report gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The file ends inside a record; every whole record before it was read.
    Truncated,
    /// A record states a length that cannot be right; reading stopped there.
    BadLength,
    /// A pcapng block could not be parsed; skipped when its length allowed, else reading stopped.
    BadBlock,
    /// The operating system failed a read.
    ReadError,
    /// A record larger than any capture makes (256 MiB); reading stopped there.
    RecordTooLarge,
    /// Records longer than their interface's snapshot length (kept whole).
    SnaplenExceeded,
    /// pcapng packets naming an interface no description came before.
    UnknownInterface,
    /// An interface's timestamp resolution is invalid: microseconds assumed.
    BadTsresol,
    /// Frames of a link type the decoder does not peel.
    UnsupportedLinktype,
    /// pcapng simple packet blocks, which carry no time: the previous one is repeated.
    NoTimestamp,
    /// Timestamps that went backwards, kept monotonic for the tracker.
    OutOfOrder,
    /// Copies of a packet (same IP bytes within 50 µs) counted once.
    Duplicates,
    /// Connection records summarised to stay under the connection cap.
    Evicted,
    /// Frames in a layer not decoded, one warning per layer and reason.
    NotDecoded,
    /// IP datagrams not reassembled: overlapping, incomplete or over the limit.
    Fragments,
    /// The compressed data went bad; every whole packet before it was read.
    DamagedCompression,
}

impl WarningKind {
    /// The stable id, as in the JSON report.
    pub fn id(self) -> &'static str {
        match self {
            WarningKind::Truncated => "truncated",
            WarningKind::BadLength => "bad_length",
            WarningKind::BadBlock => "bad_block",
            WarningKind::ReadError => "read_error",
            WarningKind::RecordTooLarge => "record_too_large",
            WarningKind::SnaplenExceeded => "snaplen_exceeded",
            WarningKind::UnknownInterface => "unknown_interface",
            WarningKind::BadTsresol => "bad_tsresol",
            WarningKind::UnsupportedLinktype => "unsupported_linktype",
            WarningKind::NoTimestamp => "no_timestamp",
            WarningKind::OutOfOrder => "out_of_order",
            WarningKind::Duplicates => "duplicates",
            WarningKind::Evicted => "evicted",
            WarningKind::NotDecoded => "not_decoded",
            WarningKind::Fragments => "fragments",
            WarningKind::DamagedCompression => "damaged_compression",
        }
    }
}

/// Something odd about the input that did not stop reading (or stopped it without losing what
/// came before). Shown to the user; never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What kind of problem it is.
    pub kind: WarningKind,
    /// Byte offset in the (decompressed) file where the problem is, when there is one.
    pub offset: Option<u64>,
    /// One line for a person.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// How far a source has read, for progress bars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub bytes_read: u64,
    /// Total size of the input when known (file size on disk; for a gzip file, the compressed
    /// size, matched by `bytes_read` counting compressed bytes).
    pub total_bytes: Option<u64>,
}

impl Progress {
    /// Fraction done in 0..=1, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        self.total_bytes
            .filter(|t| *t > 0)
            .map(|t| (self.bytes_read as f64 / t as f64).min(1.0) as f32)
    }
}
