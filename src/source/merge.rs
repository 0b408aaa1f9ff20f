//! Several capture files read as one capture, merged by timestamp as mergecap does: the rotated
//! files of `tcpdump -C/-G/-W`, or captures of one exchange taken at several points.
//!
//! Streaming: one record per file is held (its bytes copied into that file's own buffer, reused),
//! and the earliest of them is handed out next; equal timestamps keep the order of the files.
//! Packet indexes count the merged stream. Each file's warnings are kept, each naming its file.

use std::path::{Path, PathBuf};

use super::{FileSource, Format, OpenError, Packet, Progress, Warning};

/// One file's next record, waiting to be merged.
struct Head {
    ts_ns: i64,
    ts_known: bool,
    linktype: u16,
    interface: u32,
    orig_len: u32,
    data: Vec<u8>,
}

/// The files of a merged capture, each with its next record.
pub struct MergedSource {
    files: Vec<(String, FileSource, Option<Head>)>,
    /// The bytes of the packet handed out last.
    current: Vec<u8>,
    next_index: u64,
}

/// The capture files a path names: the file itself, or a directory's capture files (by their
/// extensions, compressed ones included) in name order, which is the order tcpdump rotates them.
pub fn files_in(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && looks_like_capture(p))
        .collect();
    out.sort();
    Ok(out)
}

fn looks_like_capture(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = ["gz", "zst", "lz4"]
        .iter()
        .find_map(|c| name.strip_suffix(&format!(".{c}")).map(str::to_string))
        .unwrap_or(name);
    // tcpdump -C names its files NAME, NAME1, NAME2 …: a digit after the extension.
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
    [".pcap", ".pcapng", ".cap", ".dmp"]
        .iter()
        .any(|e| name.ends_with(e))
}

impl MergedSource {
    /// Open every file; the first that cannot be opened as a capture is the error.
    pub fn open(paths: &[PathBuf]) -> Result<Self, OpenError> {
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            let mut src = FileSource::open(p)?;
            let head = take_head(&mut src);
            files.push((p.display().to_string(), src, head));
        }
        Ok(MergedSource {
            files,
            current: Vec::new(),
            next_index: 0,
        })
    }

    /// The earliest packet of all the files.
    pub fn next_packet(&mut self) -> Option<Packet<'_>> {
        let (i, _) = self
            .files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.2.as_ref().map(|h| (i, h.ts_ns)))
            .min_by_key(|&(i, ts)| (ts, i))?;
        let (_, src, slot) = &mut self.files[i];
        let mut head = slot.take()?;
        std::mem::swap(&mut self.current, &mut head.data);
        // The buffer just handed back becomes the one the file's next record is copied into.
        *slot = refill(src, head.data);
        let index = self.next_index;
        self.next_index += 1;
        Some(Packet {
            index,
            ts_ns: head.ts_ns,
            ts_known: head.ts_known,
            linktype: head.linktype,
            interface: head.interface,
            data: &self.current,
            orig_len: head.orig_len,
        })
    }

    /// Every file's warnings, each naming its file. Complete once [`Self::next_packet`] has
    /// returned `None`.
    pub fn warnings(&self) -> Vec<Warning> {
        self.files
            .iter()
            .flat_map(|(name, src, _)| {
                src.warnings().iter().map(move |w| Warning {
                    kind: w.kind,
                    offset: w.offset,
                    message: format!("{name}: {}", w.message),
                })
            })
            .collect()
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            bytes_read: 0,
            total_bytes: Some(0),
        };
        for (_, src, _) in &self.files {
            let q = src.progress();
            p.bytes_read += q.bytes_read;
            p.total_bytes = p.total_bytes.zip(q.total_bytes).map(|(a, b)| a + b);
        }
        p
    }

    /// The first file's format (the report names one).
    pub fn format(&self) -> Format {
        self.files
            .first()
            .map_or(Format::Pcap, |(_, src, _)| src.format())
    }

    pub fn is_compressed(&self) -> bool {
        self.files.iter().any(|(_, src, _)| src.is_compressed())
    }
}

fn take_head(src: &mut FileSource) -> Option<Head> {
    refill(src, Vec::new())
}

fn refill(src: &mut FileSource, mut data: Vec<u8>) -> Option<Head> {
    let pkt = src.next_packet()?;
    data.clear();
    data.extend_from_slice(pkt.data);
    Some(Head {
        ts_ns: pkt.ts_ns,
        ts_known: pkt.ts_known,
        linktype: pkt.linktype,
        interface: pkt.interface,
        orig_len: pkt.orig_len,
        data,
    })
}
