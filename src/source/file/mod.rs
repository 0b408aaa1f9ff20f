//! Streaming reader for legacy pcap and pcapng files, built on pcap-parser's buffered readers.
//!
//! One pass, a fixed buffer (grown only for a record that really is larger, never past what the
//! file can hold), no per-packet allocation. Problems in the middle of a file become
//! [`Warning`]s: every packet before the problem is still delivered.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapError};

mod compression;
mod legacy;
mod pcapng;

use compression::{Compression, Damage, UntilDamage, MAX_ZSTD_WINDOW};

use super::{Packet, Progress, Warning, WarningKind};
use crate::decode::linktype;
use crate::i18n::{english_count, english_verb};

/// Initial read buffer; records larger than this grow it (bounded by [`MAX_RECORD`]).
const BUFFER_SIZE: usize = 1 << 20;
/// No sane capture record is larger than this (pcapng blocks are limited to what one packet or
/// option set needs); a length field claiming more is corrupt.
const MAX_RECORD: u64 = 256 << 20;

/// Why a file could not be opened as a capture at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("empty file: {path}")]
    Empty { path: String },
    #[error("not a pcap or pcapng file: {path} (starts with {first_bytes})")]
    NotCapture { path: String, first_bytes: String },
    #[error("not a pcap or pcapng file: {path} ({len} bytes, too short for a capture header)")]
    TooShort { path: String, len: u64 },
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pcap,
    Pcapng,
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: u16,
    snaplen: u32,
    /// Timestamp units per second (pcapng `if_tsresol`); 1e6 for legacy µs pcap, 1e9 for ns.
    units_per_sec: u64,
    /// Seconds to add to every timestamp (pcapng `if_tsoffset`).
    offset_s: i64,
}

/// Counts the bytes read from the underlying file, for progress reporting from another thread.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What happened to a problem record, decided while the reader's block is borrowed.
enum Step {
    /// A packet: see [`Record`].
    Packet(Record),
    /// A block that carries no packet (or a packet we skip); consume and go on.
    Skip(usize),
}

/// A packet record found in the reader's buffer, without borrowing it: [`FileSource::packet`]
/// turns it into a [`Packet`].
#[derive(Clone, Copy)]
struct Record {
    /// Bytes to consume before the next call.
    offset: usize,
    /// The packet's bytes in the reader's buffer (start, length), or else copied into `buf`.
    in_reader: Option<(usize, usize)>,
    ts_ns: Option<i64>,
    linktype: u16,
    interface: u32,
    orig_len: u32,
}

/// What the file's headers say about the records after them, and the blocks skipped so far.
/// Kept apart from the reader so a block borrowed from the reader can update it.
struct Layout {
    /// Legacy pcap: the single interface. pcapng: the current section's interfaces.
    interfaces: Vec<Interface>,
    big_endian: bool,
    /// Legacy pcap in the standard record format: the record parser, for the fast path.
    legacy_frames: Option<legacy::LegacyFrameFn>,
    section: u32,
    /// Packets skipped because no interface description came before them.
    unknown_interface: u64,
    skipped_blocks: BTreeMap<&'static str, u64>,
}

/// A pcap or pcapng capture read as a stream of [`Packet`]s.
pub struct FileSource {
    reader: Box<dyn PcapReaderIterator + Send>,
    /// What the headers read so far say of the records to come.
    layout: Layout,
    /// The reader's buffer size (it starts at [`BUFFER_SIZE`] and grows for large records).
    buf_cap: usize,
    format: Format,
    next_index: u64,
    /// Timestamp of the last packet, carried forward to packets without one (pcapng SPB).
    last_ts_ns: i64,
    buf: Vec<u8>,
    pending_consume: usize,
    read_bytes: Arc<AtomicU64>,
    total_bytes: Option<u64>,
    /// Size of the data pcap-parser sees (the file, or unknown for a decompressed stream).
    data_len: Option<u64>,
    compressed: bool,
    warnings: Vec<Warning>,
    finished: bool,
    // Counters summarised as warnings at the end, so a million odd packets make one line each.
    snaplen_exceeded: u64,
    first_snaplen_exceeded: Option<u64>,
    /// Where the compressed data went bad, if it did (the stream ends there).
    damage: Damage,
    compression: Option<Compression>,
}

fn warn(kind: WarningKind, offset: Option<u64>, message: String) -> Warning {
    Warning {
        kind,
        offset,
        message,
    }
}

impl FileSource {
    /// Open a capture file (pcap, pcapng, or either compressed with gzip, zstd or lz4).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, OpenError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io_err = |source| OpenError::Io {
            path: name.clone(),
            source,
        };
        let file = File::open(path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        if path.is_dir() {
            return Err(io_err(io::Error::other("is a directory")));
        }
        Self::from_reader(file, Some(len), &name)
    }

    /// Read a capture from any byte stream. `total_bytes` is its size when known (for progress).
    pub fn from_reader<R: Read + Send + 'static>(
        inner: R,
        total_bytes: Option<u64>,
        name: &str,
    ) -> Result<Self, OpenError> {
        let read_bytes = Arc::new(AtomicU64::new(0));
        let counting = Counting {
            inner,
            count: read_bytes.clone(),
        };
        let mut buffered = BufReader::with_capacity(64 * 1024, counting);
        let head = buffered.fill_buf().map_err(|source| OpenError::Io {
            path: name.to_string(),
            source,
        })?;
        let compression = Compression::of(head);
        let compressed = compression.is_some();
        let damage = Damage::default();
        let until_damage = |inner: Box<dyn Read + Send>| -> Box<dyn Read + Send> {
            Box::new(UntilDamage {
                inner,
                out: 0,
                damage: damage.clone(),
            })
        };
        let stream: Box<dyn Read + Send> = match compression {
            None => Box::new(buffered),
            Some(Compression::Gzip) => {
                until_damage(Box::new(flate2::read::MultiGzDecoder::new(buffered)))
            }
            Some(Compression::Lz4) => {
                until_damage(Box::new(lz4_flex::frame::FrameDecoder::new(buffered)))
            }
            Some(Compression::Zstd) => {
                match ruzstd::decoding::StreamingDecoder::new_with_max_window_size(
                    buffered,
                    MAX_ZSTD_WINDOW,
                ) {
                    Ok(d) => until_damage(Box::new(d)),
                    Err(e) => {
                        return Err(OpenError::Io {
                            path: name.to_string(),
                            source: io::Error::other(format!("damaged zstd data: {e}")),
                        })
                    }
                }
            }
        };
        let mut head = [0u8; 24];
        let mut stream = io::BufReader::with_capacity(64 * 1024, stream);
        let peek = stream.fill_buf().map_err(|source| OpenError::Io {
            path: name.to_string(),
            source,
        })?;
        let n = peek.len().min(24);
        head[..n].copy_from_slice(&peek[..n]);
        let data_len = if compressed { None } else { total_bytes };
        let reader = match pcap_parser::create_reader(BUFFER_SIZE, stream) {
            Ok(r) => r,
            // The compressed data is damaged before a whole capture header came out of it.
            Err(_) if damage.get().is_some() => {
                let (at, why) = damage.get().unwrap_or_default();
                return Err(OpenError::Io {
                    path: name.to_string(),
                    source: io::Error::other(format!(
                        "{} data damaged after {at} decompressed bytes ({why})",
                        compression.map_or("compressed", Compression::name)
                    )),
                });
            }
            Err(PcapError::Eof) => {
                return Err(OpenError::Empty {
                    path: name.to_string(),
                })
            }
            Err(PcapError::Incomplete(_)) if is_capture_magic(&head[..n]) => {
                return Err(OpenError::TooShort {
                    path: name.to_string(),
                    len: n as u64,
                })
            }
            Err(_) => {
                let shown: Vec<String> = head[..n.min(8)]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                return Err(OpenError::NotCapture {
                    path: name.to_string(),
                    first_bytes: if shown.is_empty() {
                        "nothing".into()
                    } else {
                        shown.join(" ")
                    },
                });
            }
        };
        let format = if is_pcapng_magic(&head[..n]) {
            Format::Pcapng
        } else {
            Format::Pcap
        };
        Ok(FileSource {
            reader,
            format,
            layout: Layout {
                interfaces: Vec::new(),
                big_endian: false,
                legacy_frames: None,
                section: 0,
                unknown_interface: 0,
                skipped_blocks: BTreeMap::new(),
            },
            next_index: 0,
            last_ts_ns: 0,
            buf: Vec::with_capacity(65536),
            pending_consume: 0,
            read_bytes,
            total_bytes,
            data_len,
            buf_cap: BUFFER_SIZE,
            compressed,
            warnings: Vec::new(),
            finished: false,
            snaplen_exceeded: 0,
            first_snaplen_exceeded: None,
            damage,
            compression,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// Everything odd seen so far. Complete once [`Self::next_packet`] has returned `None`.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    pub fn progress(&self) -> Progress {
        Progress {
            bytes_read: self.read_bytes.load(Ordering::Relaxed),
            total_bytes: self.total_bytes,
        }
    }

    /// A counter of bytes read that another thread can poll while this source is busy.
    pub fn progress_counter(&self) -> Arc<AtomicU64> {
        self.read_bytes.clone()
    }

    /// Byte offset (in the decompressed data) of the next record to read.
    fn offset(&self) -> u64 {
        self.reader.consumed() as u64
    }

    /// Link types of the interfaces seen so far in the current section.
    pub fn linktypes(&self) -> Vec<u16> {
        self.layout.interfaces.iter().map(|i| i.linktype).collect()
    }

    /// The next packet, or `None` at the end of the file or at the first unrecoverable problem
    /// (which is then in [`Self::warnings`]).
    #[inline]
    pub fn next_packet(&mut self) -> Option<Packet<'_>> {
        if self.pending_consume > 0 {
            // `consume` would move the unread half of the buffer to its front each time the read
            // position passes the middle — a second copy of the whole file. `refill` moves only
            // the partial record left at the end, before it reads.
            self.reader.consume_noshift(self.pending_consume);
            self.pending_consume = 0;
        }
        match self.next_legacy() {
            Some(record) => Some(self.packet(record)),
            None => self.next_packet_through_reader(),
        }
    }

    #[inline(never)]
    fn next_packet_through_reader(&mut self) -> Option<Packet<'_>> {
        loop {
            if self.finished {
                return None;
            }
            // Where the reader's unconsumed bytes start: a legacy record's data is a slice of
            // them, handed out without a copy (a memmove per packet was ~8 % of a report).
            let (base, base_len) = {
                let d = self.reader.data();
                (d.as_ptr() as usize, d.len())
            };
            let step = match self.reader.next() {
                Ok((offset, PcapBlockOwned::LegacyHeader(h))) => {
                    self.layout.legacy_header(&h);
                    Step::Skip(offset)
                }
                Ok((offset, PcapBlockOwned::Legacy(b))) => {
                    let iface = self.layout.interfaces[0];
                    legacy::record(&b, offset, iface, (base, base_len), &mut self.buf)
                }
                Ok((offset, PcapBlockOwned::NG(block))) => self.layout.pcapng_block(
                    block,
                    offset,
                    &mut self.next_index,
                    &mut self.buf,
                    &mut self.warnings,
                ),
                Err(PcapError::Eof) => {
                    self.finish();
                    return None;
                }
                Err(PcapError::Incomplete(_)) => {
                    if let Err(e) = self.reader.refill() {
                        let msg = format!("read error: {e}");
                        self.stop_with(WarningKind::ReadError, msg);
                    }
                    continue;
                }
                Err(PcapError::BufferTooSmall) => {
                    self.grow_for_large_record();
                    continue;
                }
                Err(PcapError::UnexpectedEof) => {
                    let have = self.reader.data().len();
                    let at = self.offset();
                    self.stop_with(
                        WarningKind::Truncated,
                        format!(
                            "capture truncated at byte {at}: the last record is cut off after {have} bytes; \
                             the {} before the cut {} read",
                            english_count(self.next_index, "packet"),
                            english_verb(self.next_index, "was", "were")
                        ),
                    );
                    continue;
                }
                Err(PcapError::ReadError) => {
                    self.stop_with(WarningKind::ReadError, "read error (I/O)".to_string());
                    continue;
                }
                Err(e) => {
                    let msg = e.to_string();
                    self.skip_or_stop_after_bad_block(msg);
                    continue;
                }
            };
            match step {
                Step::Skip(offset) => self.reader.consume_noshift(offset),
                Step::Packet(record) => return Some(self.packet(record)),
            }
        }
    }

    /// The [`Packet`] of a record found in the buffer; counts it and remembers what to consume.
    #[inline]
    fn packet(&mut self, record: Record) -> Packet<'_> {
        let Record {
            offset,
            in_reader,
            ts_ns,
            linktype: lt,
            interface,
            orig_len,
        } = record;
        self.pending_consume = offset;
        let ts_known = ts_ns.is_some();
        let ts_ns = ts_ns.unwrap_or(self.last_ts_ns);
        self.last_ts_ns = ts_ns;
        let index = self.next_index;
        self.next_index += 1;
        let iface_snaplen = self
            .layout
            .interfaces
            .get(interface as usize)
            .map_or(0, |i| i.snaplen);
        let data: &[u8] = match in_reader {
            Some((start, len)) => &self.reader.data()[start..start + len],
            None => &self.buf,
        };
        if iface_snaplen > 0 && data.len() as u64 > iface_snaplen as u64 {
            self.snaplen_exceeded += 1;
            self.first_snaplen_exceeded.get_or_insert(index);
        }
        Packet {
            index,
            ts_ns,
            ts_known,
            linktype: lt,
            interface,
            data,
            orig_len,
        }
    }

    /// The next record does not fit the buffer: grow it if the record's stated length is
    /// believable, otherwise stop with a warning.
    fn grow_for_large_record(&mut self) {
        let at = self.offset();
        let data = self.reader.data();
        let stated = match self.format {
            // Legacy record header: caplen at bytes 8..12.
            Format::Pcap => read_u32(data, 8, self.layout.big_endian).map(|c| c as u64 + 16),
            // pcapng block: total length at bytes 4..8.
            Format::Pcapng => read_u32(data, 4, self.layout.big_endian).map(|l| l as u64),
        };
        let limit = self.data_len.map_or(MAX_RECORD, |l| l.min(MAX_RECORD));
        match stated {
            Some(len) if len <= limit && len as usize > data.len() => {
                // Grow only a buffer the stream has really filled, and at most double it: the
                // memory held follows the bytes that exist, not what a length field claims (a
                // small gzip file must not make us allocate its record's stated 256 MiB).
                let have = data.len();
                if have < self.buf_cap {
                    let before = have;
                    if let Err(e) = self.reader.refill() {
                        let msg = format!("read error: {e}");
                        self.stop_with(WarningKind::ReadError, msg);
                    } else if self.reader.data().len() == before && self.reader.reader_exhausted() {
                        self.stop_with(
                            WarningKind::Truncated,
                            format!(
                                "capture truncated at byte {at}: its last record claims {len} bytes,                                  {have} are there"
                            ),
                        );
                    }
                    return;
                }
                let new_cap = (len as usize + 4096).min(self.buf_cap.saturating_mul(2));
                if !self.reader.grow(new_cap) {
                    self.stop_with(
                        WarningKind::RecordTooLarge,
                        format!("record at byte {at} ({len} bytes) does not fit in memory"),
                    );
                } else {
                    self.buf_cap = new_cap;
                    if let Err(e) = self.reader.refill() {
                        let msg = format!("read error: {e}");
                        self.stop_with(WarningKind::ReadError, msg);
                    }
                }
            }
            Some(len) => self.stop_with(
                WarningKind::BadLength,
                format!(
                    "record at byte {at} claims {len} bytes, more than the file can hold; \
                     stopping there ({} read)",
                    english_count(self.next_index, "packet")
                ),
            ),
            None => self.stop_with(
                WarningKind::Truncated,
                format!("capture truncated at byte {at}"),
            ),
        }
    }

    /// A block that pcap-parser rejects. pcapng blocks carry their own length, so a corrupt block
    /// whose length still looks sane is skipped; anything else ends the read.
    fn skip_or_stop_after_bad_block(&mut self, why: String) {
        let at = self.offset();
        if self.format == Format::Pcapng {
            let data = self.reader.data();
            if let Some(len) = read_u32(data, 4, self.layout.big_endian) {
                let len = len as usize;
                if len >= 12 && len.is_multiple_of(4) && len <= data.len() {
                    self.warnings.push(warn(
                        WarningKind::BadBlock,
                        Some(at),
                        format!("malformed pcapng block at byte {at} skipped ({why})"),
                    ));
                    self.reader.consume_noshift(len);
                    return;
                }
            }
        }
        self.stop_with(
            WarningKind::BadBlock,
            format!(
                "malformed record at byte {at} ({why}); stopping there ({} read)",
                english_count(self.next_index, "packet")
            ),
        );
    }

    fn stop_with(&mut self, kind: WarningKind, message: String) {
        let at = self.offset();
        self.warnings.push(warn(kind, Some(at), message));
        self.finish();
    }

    fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        if let Some((at, why)) = self.damage.get() {
            self.warnings.push(warn(
                WarningKind::DamagedCompression,
                Some(at),
                format!(
                    "the {} data is damaged after {at} decompressed bytes ({why}); the {} whole packets before it were read",
                    self.compression.map_or("compressed", Compression::name),
                    self.next_index
                ),
            ));
        }
        if self.snaplen_exceeded > 0 {
            self.warnings.push(warn(
                WarningKind::SnaplenExceeded,
                None,
                format!(
                    "{} {} a captured length above the snap length (first: packet #{}); read as stored",
                    english_count(self.snaplen_exceeded, "packet"),
                    english_verb(self.snaplen_exceeded, "has", "have"),
                    self.first_snaplen_exceeded.unwrap_or(0) + 1
                ),
            ));
        }
        if self.layout.unknown_interface > 0 {
            self.warnings.push(warn(
                WarningKind::UnknownInterface,
                None,
                format!(
                    "{} {} an interface that was never described; skipped",
                    english_count(self.layout.unknown_interface, "packet"),
                    english_verb(self.layout.unknown_interface, "names", "name")
                ),
            ));
        }
        let _ = &self.layout.skipped_blocks; // informational only: unknown blocks are legal pcapng
    }

    /// pcapng blocks skipped because they carry no packets (name resolution, statistics, …).
    pub fn skipped_blocks(&self) -> &BTreeMap<&'static str, u64> {
        &self.layout.skipped_blocks
    }

    /// Number of packet records read so far (including ones skipped for a missing interface).
    pub fn packets_read(&self) -> u64 {
        self.next_index
    }

    /// Whether the interface a packet came from has a link type portlife decodes.
    pub fn supported(lt: u16) -> bool {
        linktype::is_supported(lt)
    }
}

fn read_u32(data: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

fn is_pcapng_magic(head: &[u8]) -> bool {
    head.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a])
}

fn is_capture_magic(head: &[u8]) -> bool {
    const MAGICS: [[u8; 4]; 7] = [
        [0xd4, 0xc3, 0xb2, 0xa1],
        [0xa1, 0xb2, 0xc3, 0xd4],
        [0x4d, 0x3c, 0xb2, 0xa1],
        [0xa1, 0xb2, 0x3c, 0x4d],
        [0xa1, 0xb2, 0xcd, 0x34],
        [0x34, 0xcd, 0xb2, 0xa1],
        [0x0a, 0x0d, 0x0d, 0x0a],
    ];
    MAGICS
        .iter()
        .any(|m| head.starts_with(&m[..head.len().min(4)]))
        && !head.is_empty()
}

#[cfg(test)]
mod tests;
