//! Compressed captures (gzip, zstd, lz4: Wireshark 4 reads all three), told by their magic
//! numbers and decompressed in pure Rust, and a stream that ends at its first damaged byte
//! instead of failing, so every whole record before the damage is still read.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

/// The compressed formats a capture may come in, told by their magic numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Compression {
    Gzip,
    /// RFC 8878 frame.
    Zstd,
    /// The LZ4 frame format.
    Lz4,
}

impl Compression {
    pub(super) fn of(head: &[u8]) -> Option<Compression> {
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

    pub(super) fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Lz4 => "lz4",
        }
    }
}

/// The largest zstd window accepted: what `zstd -19` uses is 8 MiB, the `--ultra` levels up to
/// 128 MiB; a frame header asking for more than this is refused rather than allocated.
pub(super) const MAX_ZSTD_WINDOW: u64 = 32 << 20;

/// The decompressed offset and error at which a compressed stream went bad, shared between the
/// stream (inside pcap-parser's reader) and the source that reports it.
#[derive(Clone, Default)]
pub(super) struct Damage(pub(super) Arc<Mutex<Option<(u64, String)>>>);

impl Damage {
    pub(super) fn get(&self) -> Option<(u64, String)> {
        self.0.lock().ok()?.clone()
    }
}

/// A decompressing stream that ends at its first error instead of failing: every byte that came
/// out before the damage (a cut trailer, a flipped bit, a stray byte after the last member) is
/// kept, so the whole records in it are read, and the error is reported as a warning.
pub(super) struct UntilDamage<R> {
    pub(super) inner: R,
    pub(super) out: u64,
    pub(super) damage: Damage,
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
