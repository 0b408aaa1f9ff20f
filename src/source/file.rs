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

use pcap_parser::pcapng::Block;
use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{PcapBlockOwned, PcapError};

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
    /// A packet was copied into `buf`; consume `offset` bytes before the next call.
    Packet {
        offset: usize,
        ts_ns: i64,
        linktype: u16,
        interface: u32,
        orig_len: u32,
    },
    /// A block that carries no packet (or a packet we skip); consume and go on.
    Skip(usize),
}

/// A pcap or pcapng capture read as a stream of [`Packet`]s.
pub struct FileSource {
    reader: Box<dyn PcapReaderIterator + Send>,
    format: Format,
    /// Legacy pcap: the single interface. pcapng: the current section's interfaces.
    interfaces: Vec<Interface>,
    big_endian: bool,
    section: u32,
    next_index: u64,
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
}

fn warn(kind: &'static str, offset: Option<u64>, message: String) -> Warning {
    Warning {
        kind,
        offset,
        message,
    }
}

impl FileSource {
    /// Open a capture file (pcap, pcapng, or either gzip-compressed).
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
        let compressed = head.starts_with(&[0x1f, 0x8b]);
        let stream: Box<dyn Read + Send> = if compressed {
            Box::new(flate2::read::MultiGzDecoder::new(buffered))
        } else {
            Box::new(buffered)
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
            big_endian: false,
            section: 0,
            next_index: 0,
            buf: Vec::with_capacity(65536),
            pending_consume: 0,
            read_bytes,
            total_bytes,
            data_len,
            compressed,
            warnings: Vec::new(),
            finished: false,
            snaplen_exceeded: 0,
            first_snaplen_exceeded: None,
            unknown_interface: 0,
            skipped_blocks: BTreeMap::new(),
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
    pub fn next_packet(&mut self) -> Option<Packet<'_>> {
        if self.pending_consume > 0 {
            self.reader.consume(self.pending_consume);
            self.pending_consume = 0;
        }
        loop {
            if self.finished {
                return None;
            }
            let step = match self.reader.next() {
                Ok((offset, block)) => match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        self.big_endian = h.is_bigendian();
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
                        let frac = b.ts_usec as i64;
                        let frac_ns = if iface.units_per_sec == 1_000_000_000 {
                            frac
                        } else {
                            frac * 1000
                        };
                        let ts_ns = (b.ts_sec as i64) * 1_000_000_000 + frac_ns;
                        self.buf.clear();
                        self.buf.extend_from_slice(b.data);
                        Step::Packet {
                            offset,
                            ts_ns,
                            linktype: iface.linktype,
                            interface: 0,
                            orig_len: b.origlen,
                        }
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
                            let units = match idb.ts_resolution() {
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
                                    Step::Packet {
                                        offset,
                                        ts_ns,
                                        linktype: iface.linktype,
                                        interface: epb.if_id,
                                        orig_len: epb.origlen,
                                    }
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
                                // SPBs carry no timestamp (pcapng spec §4.4): use 0 and let the
                                // report say the time is unknown.
                                Step::Packet {
                                    offset,
                                    ts_ns: 0,
                                    linktype: iface.linktype,
                                    interface: 0,
                                    orig_len: spb.origlen,
                                }
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
                Step::Skip(offset) => self.reader.consume(offset),
                Step::Packet {
                    offset,
                    ts_ns,
                    linktype: lt,
                    interface,
                    orig_len,
                } => {
                    self.pending_consume = offset;
                    let index = self.next_index;
                    self.next_index += 1;
                    let iface_snaplen = self
                        .interfaces
                        .get(interface as usize)
                        .map_or(0, |i| i.snaplen);
                    if iface_snaplen > 0 && self.buf.len() as u64 > iface_snaplen as u64 {
                        self.snaplen_exceeded += 1;
                        self.first_snaplen_exceeded.get_or_insert(index);
                    }
                    return Some(Packet {
                        index,
                        ts_ns,
                        linktype: lt,
                        interface,
                        data: &self.buf,
                        orig_len,
                    });
                }
            }
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
                // Headroom so the next refill is not immediately too small again.
                if !self.reader.grow(len as usize + 4096) {
                    self.stop_with(
                        "record_too_large",
                        format!("record at byte {at} ({len} bytes) does not fit in memory"),
                    );
                } else if let Err(e) = self.reader.refill() {
                    let msg = format!("read error: {e}");
                    self.stop_with("read_error", msg);
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
                    self.reader.consume(len);
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
