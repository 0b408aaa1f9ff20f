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
use std::sync::{Arc, Mutex};

use pcap_parser::nom::IResult;
use pcap_parser::pcapng::Block;
use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{LegacyPcapBlock, PcapBlockOwned, PcapError};

use super::{Packet, Progress, Warning};
use crate::decode::linktype;

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

/// pcap-parser's parser for one legacy pcap record (little- or big-endian).
type LegacyFrameFn = fn(&[u8]) -> IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

/// A pcap or pcapng capture read as a stream of [`Packet`]s.
pub struct FileSource {
    reader: Box<dyn PcapReaderIterator + Send>,
    /// Legacy pcap in the standard record format: the record parser, for [`Self::next_legacy`].
    legacy_frames: Option<LegacyFrameFn>,
    /// The reader's buffer size (it starts at [`BUFFER_SIZE`] and grows for large records).
    buf_cap: usize,
    format: Format,
    /// Legacy pcap: the single interface. pcapng: the current section's interfaces.
    interfaces: Vec<Interface>,
    big_endian: bool,
    section: u32,
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
    unknown_interface: u64,
    skipped_blocks: BTreeMap<&'static str, u64>,
    /// Where the compressed data went bad, if it did (the stream ends there).
    damage: Damage,
    compression: Option<Compression>,
}

/// The compressed formats a capture may come in, told by their magic numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compression {
    Gzip,
    /// RFC 8878 frame.
    Zstd,
    /// The LZ4 frame format.
    Lz4,
}

impl Compression {
    fn of(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.starts_with(&[0x04, 0x22, 0x4d, 0x18]) {
            Some(Compression::Lz4)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Lz4 => "lz4",
        }
    }
}

/// The largest zstd window accepted: what `zstd -19` uses is 8 MiB, the `--ultra` levels up to
/// 128 MiB; a frame header asking for more than this is refused rather than allocated.
const MAX_ZSTD_WINDOW: u64 = 32 << 20;

/// The decompressed offset and error at which a compressed stream went bad, shared between the
/// stream (inside pcap-parser's reader) and the source that reports it.
#[derive(Clone, Default)]
struct Damage(Arc<Mutex<Option<(u64, String)>>>);

impl Damage {
    fn get(&self) -> Option<(u64, String)> {
        self.0.lock().ok()?.clone()
    }
}

/// A decompressing stream that ends at its first error instead of failing: every byte that came
/// out before the damage (a cut trailer, a flipped bit, a stray byte after the last member) is
/// kept, so the whole records in it are read, and the error is reported as a warning.
struct UntilDamage<R> {
    inner: R,
    out: u64,
    damage: Damage,
}

impl<R: Read> Read for UntilDamage<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.damage.get().is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => {
                self.out += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                if let Ok(mut d) = self.damage.0.lock() {
                    *d = Some((self.out, e.to_string()));
                }
                Ok(0)
            }
        }
    }
}

fn warn(kind: &'static str, offset: Option<u64>, message: String) -> Warning {
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
            interfaces: Vec::new(),
            legacy_frames: None,
            big_endian: false,
            section: 0,
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
            unknown_interface: 0,
            skipped_blocks: BTreeMap::new(),
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
        self.interfaces.iter().map(|i| i.linktype).collect()
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

    /// The common case, a whole legacy pcap record in the buffer, parsed in place with
    /// pcap-parser's record parser. The reader's `next` hands each record out wrapped in its
    /// block enum, and that value's copies through the stack stalled the reading thread.
    /// `None` for anything else (the buffer ends mid-record, the file ends, pcapng, a problem):
    /// [`Self::next_packet_through_reader`] then handles it as it always did.
    #[inline]
    fn next_legacy(&mut self) -> Option<Record> {
        let parse = self.legacy_frames?;
        if self.finished {
            return None;
        }
        let data = self.reader.data();
        let (rest, block) = parse(data).ok()?;
        let start = (block.data.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
        Some(Record {
            offset: data.len() - rest.len(),
            in_reader: Some((start, block.data.len())),
            ts_ns: Some(legacy_ts_ns(&block, self.interfaces[0])),
            linktype: self.interfaces[0].linktype,
            interface: 0,
            orig_len: block.origlen,
        })
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
                Ok((offset, block)) => match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        self.big_endian = h.is_bigendian();
                        self.legacy_frames = match (h.is_modified_format(), h.is_bigendian()) {
                            (false, false) => Some(pcap_parser::pcap::parse_pcap_frame),
                            (false, true) => Some(pcap_parser::pcap::parse_pcap_frame_be),
                            (true, _) => None, // 24-byte records: through the reader
                        };
                        let units = if h.is_nanosecond_precision() {
                            1_000_000_000
                        } else {
                            1_000_000
                        };
                        self.interfaces = vec![Interface {
                            linktype: h.network.0 as u16,
                            snaplen: h.snaplen,
                            units_per_sec: units,
                            offset_s: 0,
                        }];
                        Step::Skip(offset)
                    }
                    PcapBlockOwned::Legacy(b) => {
                        let iface = self.interfaces[0];
                        let ts_ns = legacy_ts_ns(&b, iface);
                        let start = (b.data.as_ptr() as usize).wrapping_sub(base);
                        let in_reader = (start.checked_add(b.data.len()) <= Some(base_len))
                            .then_some((start, b.data.len()));
                        if in_reader.is_none() {
                            self.buf.clear();
                            self.buf.extend_from_slice(b.data);
                        }
                        Step::Packet(Record {
                            offset,
                            in_reader,
                            ts_ns: Some(ts_ns),
                            linktype: iface.linktype,
                            interface: 0,
                            orig_len: b.origlen,
                        })
                    }
                    PcapBlockOwned::NG(block) => match block {
                        Block::SectionHeader(shb) => {
                            if self.next_index > 0 || !self.interfaces.is_empty() {
                                self.section += 1;
                            }
                            self.big_endian = shb.big_endian();
                            self.interfaces.clear();
                            Step::Skip(offset)
                        }
                        Block::InterfaceDescription(idb) => {
                            let units = match units_per_second(idb.if_tsresol) {
                                Some(u) if u > 0 => u,
                                _ => {
                                    self.warnings.push(warn(
                                        "bad_tsresol",
                                        None,
                                        format!(
                                            "interface {} has an invalid if_tsresol ({:#04x}); assuming microseconds",
                                            self.interfaces.len(),
                                            idb.if_tsresol
                                        ),
                                    ));
                                    1_000_000
                                }
                            };
                            self.interfaces.push(Interface {
                                linktype: idb.linktype.0 as u16,
                                snaplen: idb.snaplen,
                                units_per_sec: units,
                                offset_s: idb.if_tsoffset,
                            });
                            Step::Skip(offset)
                        }
                        Block::EnhancedPacket(epb) => {
                            match self.interfaces.get(epb.if_id as usize).copied() {
                                Some(iface) => {
                                    let units = ((epb.ts_high as u64) << 32) | epb.ts_low as u64;
                                    let ts_ns = units_to_ns(units, iface);
                                    let caplen = (epb.caplen as usize).min(epb.data.len());
                                    self.buf.clear();
                                    self.buf.extend_from_slice(&epb.data[..caplen]);
                                    Step::Packet(Record {
                                        offset,
                                        in_reader: None,
                                        ts_ns: Some(ts_ns),
                                        linktype: iface.linktype,
                                        interface: epb.if_id,
                                        orig_len: epb.origlen,
                                    })
                                }
                                None => {
                                    self.unknown_interface += 1;
                                    self.next_index += 1;
                                    Step::Skip(offset)
                                }
                            }
                        }
                        Block::SimplePacket(spb) => match self.interfaces.first().copied() {
                            Some(iface) => {
                                let data = spb.packet_data();
                                let keep = if iface.snaplen > 0 {
                                    data.len().min(iface.snaplen as usize)
                                } else {
                                    data.len()
                                };
                                self.buf.clear();
                                self.buf.extend_from_slice(&data[..keep]);
                                // SPBs carry no timestamp (pcapng spec §4.4).
                                Step::Packet(Record {
                                    offset,
                                    in_reader: None,
                                    ts_ns: None,
                                    linktype: iface.linktype,
                                    interface: 0,
                                    orig_len: spb.origlen,
                                })
                            }
                            None => {
                                self.unknown_interface += 1;
                                self.next_index += 1;
                                Step::Skip(offset)
                            }
                        },
                        other => {
                            let name = match other {
                                Block::NameResolution(_) => "name resolution",
                                Block::InterfaceStatistics(_) => "interface statistics",
                                Block::SystemdJournalExport(_) => "systemd journal",
                                Block::DecryptionSecrets(_) => "decryption secrets",
                                Block::ProcessInformation(_) => "process information",
                                Block::Custom(_) => "custom",
                                _ => "unknown",
                            };
                            *self.skipped_blocks.entry(name).or_default() += 1;
                            Step::Skip(offset)
                        }
                    },
                },
                Err(PcapError::Eof) => {
                    self.finish();
                    return None;
                }
                Err(PcapError::Incomplete(_)) => {
                    if let Err(e) = self.reader.refill() {
                        let msg = format!("read error: {e}");
                        self.stop_with("read_error", msg);
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
                        "truncated",
                        format!(
                            "capture truncated at byte {at}: the last record is cut off after {have} bytes; \
                             the {} packets before the cut were read",
                            self.next_index
                        ),
                    );
                    continue;
                }
                Err(PcapError::ReadError) => {
                    self.stop_with("read_error", "read error (I/O)".to_string());
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
            Format::Pcap => read_u32(data, 8, self.big_endian).map(|c| c as u64 + 16),
            // pcapng block: total length at bytes 4..8.
            Format::Pcapng => read_u32(data, 4, self.big_endian).map(|l| l as u64),
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
                        self.stop_with("read_error", msg);
                    } else if self.reader.data().len() == before && self.reader.reader_exhausted() {
                        self.stop_with(
                            "truncated",
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
                        "record_too_large",
                        format!("record at byte {at} ({len} bytes) does not fit in memory"),
                    );
                } else {
                    self.buf_cap = new_cap;
                    if let Err(e) = self.reader.refill() {
                        let msg = format!("read error: {e}");
                        self.stop_with("read_error", msg);
                    }
                }
            }
            Some(len) => self.stop_with(
                "bad_length",
                format!(
                    "record at byte {at} claims {len} bytes, more than the file can hold; \
                     stopping there ({} packets read)",
                    self.next_index
                ),
            ),
            None => self.stop_with("truncated", format!("capture truncated at byte {at}")),
        }
    }

    /// A block that pcap-parser rejects. pcapng blocks carry their own length, so a corrupt block
    /// whose length still looks sane is skipped; anything else ends the read.
    fn skip_or_stop_after_bad_block(&mut self, why: String) {
        let at = self.offset();
        if self.format == Format::Pcapng {
            let data = self.reader.data();
            if let Some(len) = read_u32(data, 4, self.big_endian) {
                let len = len as usize;
                if len >= 12 && len.is_multiple_of(4) && len <= data.len() {
                    self.warnings.push(warn(
                        "bad_block",
                        Some(at),
                        format!("malformed pcapng block at byte {at} skipped ({why})"),
                    ));
                    self.reader.consume_noshift(len);
                    return;
                }
            }
        }
        self.stop_with(
            "bad_block",
            format!(
                "malformed record at byte {at} ({why}); stopping there ({} packets read)",
                self.next_index
            ),
        );
    }

    fn stop_with(&mut self, kind: &'static str, message: String) {
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
                "damaged_compression",
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
                "snaplen_exceeded",
                None,
                format!(
                    "{} packets have a captured length above the snap length (first: packet #{}); read as stored",
                    self.snaplen_exceeded,
                    self.first_snaplen_exceeded.unwrap_or(0) + 1
                ),
            ));
        }
        if self.unknown_interface > 0 {
            self.warnings.push(warn(
                "unknown_interface",
                None,
                format!(
                    "{} packets name an interface that was never described; skipped",
                    self.unknown_interface
                ),
            ));
        }
        let _ = &self.skipped_blocks; // informational only: unknown blocks are legal pcapng
    }

    /// pcapng blocks skipped because they carry no packets (name resolution, statistics, …).
    pub fn skipped_blocks(&self) -> &BTreeMap<&'static str, u64> {
        &self.skipped_blocks
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

/// pcapng `if_tsresol` → timestamp units per second (pcapng spec §4.2: high bit clear = 10^-n s,
/// set = 2^-n s). Written here because pcap-parser 0.17's `build_ts_resolution` checks the 2^-n
/// exponent before masking the high bit, so it rejects every power-of-two resolution.
fn units_per_second(tsresol: u8) -> Option<u64> {
    let exp = (tsresol & 0x7f) as u32;
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exp)
    } else {
        1u64.checked_shl(exp).filter(|_| exp < 64)
    }
}

/// A legacy record's timestamp in ns (the fraction is µs or ns, as the file header said).
#[inline]
fn legacy_ts_ns(b: &LegacyPcapBlock<'_>, iface: Interface) -> i64 {
    let frac = b.ts_usec as i64;
    let frac_ns = if iface.units_per_sec == 1_000_000_000 {
        frac
    } else {
        frac * 1000
    };
    (b.ts_sec as i64) * 1_000_000_000 + frac_ns
}

fn units_to_ns(units: u64, iface: Interface) -> i64 {
    let ns = (units as u128 * 1_000_000_000u128) / iface.units_per_sec as u128;
    let ns = i64::try_from(ns).unwrap_or(i64::MAX);
    ns.saturating_add(iface.offset_s.saturating_mul(1_000_000_000))
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
mod tests {
    use super::*;
    use crate::source::{PcapWriter, TsResolution};
    use proptest::prelude::*;

    /// Collect (index, ts_ns, linktype, interface, data) of every packet, plus the warnings.
    type Row = (u64, i64, u16, u32, Vec<u8>);
    fn read_all(bytes: Vec<u8>) -> Result<(Vec<Row>, Vec<Warning>), OpenError> {
        let len = bytes.len() as u64;
        let mut src = FileSource::from_reader(io::Cursor::new(bytes), Some(len), "test")?;
        let mut rows = Vec::new();
        while let Some(p) = src.next_packet() {
            rows.push((p.index, p.ts_ns, p.linktype, p.interface, p.data.to_vec()));
        }
        Ok((rows, src.warnings().to_vec()))
    }

    fn legacy(big_endian: bool, res: TsResolution, pkts: &[(i64, Vec<u8>)]) -> Vec<u8> {
        let mut w = PcapWriter::with_options(Vec::new(), 1, 65535, res, big_endian).unwrap();
        for (ts, d) in pkts {
            w.write_packet(*ts, d).unwrap();
        }
        w.into_inner()
    }

    /// A tiny pcapng writer for tests: enough to build sections, interfaces and packets in
    /// either byte order.
    pub(crate) struct Ng {
        pub out: Vec<u8>,
        pub be: bool,
    }

    impl Ng {
        pub fn new(be: bool) -> Self {
            let mut ng = Ng {
                out: Vec::new(),
                be,
            };
            ng.shb();
            ng
        }
        fn u32b(&self, v: u32) -> [u8; 4] {
            if self.be {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        }
        fn u16b(&self, v: u16) -> [u8; 2] {
            if self.be {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        }
        pub fn block(&mut self, typ: u32, body: &[u8]) {
            let mut body = body.to_vec();
            while !body.len().is_multiple_of(4) {
                body.push(0);
            }
            let total = 12 + body.len() as u32;
            let (t, l) = (self.u32b(typ), self.u32b(total));
            self.out.extend_from_slice(&t);
            self.out.extend_from_slice(&l);
            self.out.extend_from_slice(&body);
            self.out.extend_from_slice(&l);
        }
        pub fn shb(&mut self) {
            let mut b = self.u32b(0x1A2B_3C4D).to_vec();
            b.extend_from_slice(&self.u16b(1));
            b.extend_from_slice(&self.u16b(0));
            b.extend_from_slice(&(-1i64).to_le_bytes());
            self.block(0x0A0D_0D0A, &b);
        }
        /// An interface; `tsresol` None = default (µs).
        pub fn idb(&mut self, linktype: u16, tsresol: Option<u8>) {
            let mut b = self.u16b(linktype).to_vec();
            b.extend_from_slice(&self.u16b(0));
            b.extend_from_slice(&self.u32b(0)); // snaplen: unlimited
            if let Some(r) = tsresol {
                b.extend_from_slice(&self.u16b(9)); // if_tsresol
                b.extend_from_slice(&self.u16b(1));
                b.extend_from_slice(&[r, 0, 0, 0]);
                b.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
            }
            self.block(1, &b);
        }
        pub fn epb(&mut self, if_id: u32, ts_units: u64, data: &[u8]) {
            let mut b = self.u32b(if_id).to_vec();
            b.extend_from_slice(&self.u32b((ts_units >> 32) as u32));
            b.extend_from_slice(&self.u32b(ts_units as u32));
            b.extend_from_slice(&self.u32b(data.len() as u32));
            b.extend_from_slice(&self.u32b(data.len() as u32));
            b.extend_from_slice(data);
            self.block(6, &b);
        }
        pub fn spb(&mut self, data: &[u8]) {
            let mut b = self.u32b(data.len() as u32).to_vec();
            b.extend_from_slice(data);
            self.block(3, &b);
        }
    }

    fn frame(n: u8) -> Vec<u8> {
        (0..40 + n as usize).map(|i| i as u8 ^ n).collect()
    }

    #[test]
    fn legacy_pcap_both_byte_orders_both_resolutions() {
        let pkts = vec![
            (1_700_000_000_123_456_000, frame(1)),
            (1_700_000_001_000_001_000, frame(2)),
        ];
        for be in [false, true] {
            for res in [TsResolution::Micro, TsResolution::Nano] {
                let (rows, warnings) = read_all(legacy(be, res, &pkts)).unwrap();
                assert!(warnings.is_empty(), "{warnings:?}");
                assert_eq!(rows.len(), 2);
                assert_eq!(rows[0].1, pkts[0].0, "be={be} res={res:?}");
                assert_eq!(rows[1].1, pkts[1].0);
                assert_eq!(rows[1].4, pkts[1].1);
                assert_eq!(rows[0].2, 1);
            }
        }
        // Nanosecond precision survives only in the nanosecond format.
        let ns = vec![(1_000_000_000_000_000_123, frame(3))];
        let (rows, _) = read_all(legacy(false, TsResolution::Nano, &ns)).unwrap();
        assert_eq!(rows[0].1, 1_000_000_000_000_000_123);
    }

    #[test]
    fn pcapng_two_interfaces_with_different_link_types_and_resolutions() {
        for be in [false, true] {
            let mut ng = Ng::new(be);
            ng.idb(1, None); // ethernet, µs
            ng.idb(101, Some(9)); // raw IP, ns
            ng.idb(113, Some(0x80 | 10)); // SLL, 2^-10 s units
            ng.block(0x0000_0BAD, &[1, 2, 3, 4]); // unknown block: skipped
            ng.epb(0, 1_700_000_000_500_000, &frame(1));
            ng.epb(1, 1_700_000_000_500_000_123, &frame(2));
            ng.epb(2, 1024 * 1_700_000_001 + 512, &frame(3));
            ng.spb(&frame(4));
            let (rows, warnings) = read_all(ng.out).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(rows.len(), 4);
            assert_eq!((rows[0].1, rows[0].2), (1_700_000_000_500_000_000, 1));
            assert_eq!(
                (rows[1].1, rows[1].2, rows[1].3),
                (1_700_000_000_500_000_123, 101, 1)
            );
            assert_eq!((rows[2].1, rows[2].2), (1_700_000_001_500_000_000, 113));
            // SPB: interface 0's link type, timestamp carried forward.
            assert_eq!((rows[3].2, rows[3].1), (1, rows[2].1));
            assert_eq!(rows[3].4, frame(4));
        }
    }

    #[test]
    fn pcapng_new_section_with_other_byte_order_resets_interfaces() {
        let mut ng = Ng::new(false);
        ng.idb(1, None);
        ng.epb(0, 1_000_000, &frame(1));
        let mut second = Ng::new(true);
        second.idb(101, Some(9));
        second.epb(0, 2_000_000_000, &frame(2));
        let mut bytes = ng.out;
        bytes.extend_from_slice(&second.out);
        let (rows, warnings) = read_all(bytes).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].1, rows[0].2), (1_000_000_000, 1));
        assert_eq!((rows[1].1, rows[1].2), (2_000_000_000, 101));
    }

    #[test]
    fn packet_for_an_undescribed_interface_is_skipped_with_a_warning() {
        let mut ng = Ng::new(false);
        ng.idb(1, None);
        ng.epb(5, 1, &frame(1));
        ng.epb(0, 2, &frame(2));
        let (rows, warnings) = read_all(ng.out).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 1, "packet numbering counts the skipped record");
        assert!(warnings.iter().any(|w| w.kind == "unknown_interface"));
    }

    /// Byte offsets where each record ends, for a file built of `header` + records.
    fn record_ends_legacy(pkts: &[(i64, Vec<u8>)]) -> Vec<usize> {
        let mut at = 24;
        pkts.iter()
            .map(|(_, d)| {
                at += 16 + d.len();
                at
            })
            .collect()
    }

    #[test]
    fn every_truncated_prefix_yields_exactly_the_whole_packets_before_the_cut() {
        let pkts: Vec<(i64, Vec<u8>)> = (0..5)
            .map(|i| (i * 1_000_000_000, frame(i as u8)))
            .collect();
        let full = legacy(false, TsResolution::Micro, &pkts);
        let ends = record_ends_legacy(&pkts);
        for cut in 0..=full.len() {
            let prefix = full[..cut].to_vec();
            match read_all(prefix) {
                Err(e) => {
                    assert!(cut < 24, "cut {cut}: open failed: {e}");
                }
                Ok((rows, warnings)) => {
                    let whole = ends.iter().filter(|&&e| e <= cut).count();
                    assert_eq!(rows.len(), whole, "cut at {cut}");
                    let at_boundary = cut == 24 || ends.contains(&cut);
                    let truncated: Vec<_> =
                        warnings.iter().filter(|w| w.kind == "truncated").collect();
                    if at_boundary {
                        assert!(truncated.is_empty(), "cut {cut}: {warnings:?}");
                    } else {
                        assert_eq!(truncated.len(), 1, "cut {cut}: {warnings:?}");
                        let last_end = ends
                            .iter()
                            .filter(|&&e| e <= cut)
                            .max()
                            .copied()
                            .unwrap_or(24);
                        assert_eq!(truncated[0].offset, Some(last_end as u64), "cut {cut}");
                        assert!(truncated[0].message.contains(&format!("byte {last_end}")));
                    }
                }
            }
        }
    }

    #[test]
    fn every_truncated_pcapng_prefix_keeps_the_packets_before_the_cut() {
        let mut ng = Ng::new(false);
        ng.idb(1, None);
        let mut ends = Vec::new();
        for i in 0..4u8 {
            ng.epb(0, i as u64 * 1_000_000, &frame(i));
            ends.push(ng.out.len());
        }
        let full = ng.out.clone();
        for cut in 0..=full.len() {
            if let Ok((rows, warnings)) = read_all(full[..cut].to_vec()) {
                let whole = ends.iter().filter(|&&e| e <= cut).count();
                assert_eq!(rows.len(), whole, "cut at {cut}");
                if !ends.contains(&cut) && cut > ends[0] {
                    assert!(warnings.iter().any(|w| w.kind == "truncated"), "cut {cut}");
                }
            }
        }
    }

    #[test]
    fn not_a_capture_empty_and_too_short_are_clear_errors() {
        let e = read_all(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n".to_vec()).unwrap_err();
        assert!(
            e.to_string().starts_with("not a pcap or pcapng file: test"),
            "{e}"
        );
        let e = read_all(Vec::new()).unwrap_err();
        assert!(matches!(e, OpenError::Empty { .. }), "{e}");
        let e = read_all(vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).unwrap_err();
        assert!(e.to_string().contains("too short"), "{e}");
    }

    #[test]
    fn a_lying_length_field_stops_with_a_warning_and_no_huge_allocation() {
        let pkts = vec![(0, frame(1)), (1_000, frame(2))];
        let mut bytes = legacy(false, TsResolution::Micro, &pkts);
        // Append a record header claiming a 4 GiB packet.
        bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        bytes.extend_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        bytes.extend_from_slice(&[0u8; 64]);
        let (rows, warnings) = read_all(bytes).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(
            warnings
                .iter()
                .any(|w| w.kind == "bad_length" || w.kind == "truncated"),
            "{warnings:?}"
        );
    }

    #[test]
    fn records_larger_than_the_buffer_are_read() {
        let big = vec![0xabu8; BUFFER_SIZE + 1000];
        let mut w =
            PcapWriter::with_options(Vec::new(), 1, u32::MAX, TsResolution::Micro, false).unwrap();
        w.write_packet(5_000, &frame(1)).unwrap();
        w.write_packet(6_000, &big).unwrap();
        w.write_packet(7_000, &frame(2)).unwrap();
        let (rows, warnings) = read_all(w.into_inner()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].4.len(), big.len());
    }

    #[test]
    fn gzip_compressed_capture_is_read() {
        use std::io::Write;
        let pkts = vec![(1_000_000_000, frame(1)), (2_000_000_000, frame(2))];
        let raw = legacy(false, TsResolution::Micro, &pkts);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&raw).unwrap();
        let bytes = gz.finish().unwrap();
        let len = bytes.len() as u64;
        let mut src =
            FileSource::from_reader(io::Cursor::new(bytes), Some(len), "t.pcap.gz").unwrap();
        assert!(src.is_compressed());
        let mut n = 0;
        while src.next_packet().is_some() {
            n += 1;
        }
        assert_eq!(n, 2);
        assert_eq!(src.progress().bytes_read, len);
    }

    proptest! {
        #[test]
        fn legacy_round_trip(be in any::<bool>(), nano in any::<bool>(),
                             pkts in prop::collection::vec((0i64..4_000_000_000_000_000_000, prop::collection::vec(any::<u8>(), 0..300)), 0..20)) {
            let res = if nano { TsResolution::Nano } else { TsResolution::Micro };
            let pkts: Vec<(i64, Vec<u8>)> = pkts
                .into_iter()
                .map(|(t, d)| (if nano { t } else { t / 1000 * 1000 }, d))
                .collect();
            let (rows, warnings) = read_all(legacy(be, res, &pkts)).unwrap();
            prop_assert!(warnings.is_empty());
            prop_assert_eq!(rows.len(), pkts.len());
            for (r, p) in rows.iter().zip(&pkts) {
                prop_assert_eq!(r.1, p.0);
                prop_assert_eq!(&r.4, &p.1);
            }
        }

        #[test]
        fn pcapng_round_trip(be in any::<bool>(), resol in prop::sample::select(vec![None, Some(3u8), Some(6), Some(9), Some(0x80 | 20)]),
                             pkts in prop::collection::vec((0u64..4_000_000_000_000_000_000, prop::collection::vec(any::<u8>(), 0..200)), 0..20)) {
            let units: u128 = match resol {
                None => 1_000_000,
                Some(r) if r & 0x80 != 0 => 1u128 << (r & 0x7f),
                Some(r) => 10u128.pow(r as u32),
            };
            // Timestamps given in ns, stored in the interface's units.
            let pkts: Vec<(u64, Vec<u8>)> = pkts
                .into_iter()
                .map(|(ns, d)| ((ns as u128 * units / 1_000_000_000) as u64, d))
                .collect();
            let mut ng = Ng::new(be);
            ng.idb(1, resol);
            for (t, d) in &pkts {
                ng.epb(0, *t, d);
            }
            let (rows, warnings) = read_all(ng.out).unwrap();
            prop_assert!(warnings.is_empty(), "{:?}", warnings);
            prop_assert_eq!(rows.len(), pkts.len());
            for (r, p) in rows.iter().zip(&pkts) {
                prop_assert_eq!(r.1 as u128, p.0 as u128 * 1_000_000_000 / units);
                prop_assert_eq!(&r.4, &p.1);
            }
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), magic in 0usize..3) {
            let mut data = match magic {
                0 => vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0],
                1 => Ng::new(false).out,
                _ => Vec::new(),
            };
            data.extend_from_slice(&bytes);
            if let Ok((rows, _)) = read_all(data) {
                prop_assert!(rows.len() < 400);
            }
        }
    }
}
