//! Writes legacy pcap files (the format every tool reads): used by `portlife synth`, by live
//! capture's `-w`, and by tests that build captures on the fly.

use std::io::{self, Write};

/// Timestamp resolution of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsResolution {
    Micro,
    Nano,
}

/// A streaming legacy-pcap writer.
pub struct PcapWriter<W: Write> {
    out: W,
    big_endian: bool,
    resolution: TsResolution,
    snaplen: u32,
}

impl<W: Write> PcapWriter<W> {
    /// Little-endian, microsecond pcap (what tcpdump writes on x86).
    pub fn new(out: W, linktype: u16) -> io::Result<Self> {
        Self::with_options(out, linktype, 262_144, TsResolution::Micro, false)
    }

    pub fn with_options(
        mut out: W,
        linktype: u16,
        snaplen: u32,
        resolution: TsResolution,
        big_endian: bool,
    ) -> io::Result<Self> {
        let magic: u32 = match resolution {
            TsResolution::Micro => 0xa1b2_c3d4,
            TsResolution::Nano => 0xa1b2_3c4d,
        };
        let mut h = Vec::with_capacity(24);
        let u32b = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let u16b = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        h.extend_from_slice(&u32b(magic));
        h.extend_from_slice(&u16b(2));
        h.extend_from_slice(&u16b(4));
        h.extend_from_slice(&u32b(0)); // thiszone
        h.extend_from_slice(&u32b(0)); // sigfigs
        h.extend_from_slice(&u32b(snaplen));
        h.extend_from_slice(&u32b(linktype as u32));
        out.write_all(&h)?;
        Ok(PcapWriter {
            out,
            big_endian,
            resolution,
            snaplen,
        })
    }

    /// Append one frame captured at `ts_ns` (ns since the Unix epoch). Frames longer than the
    /// snap length are cut to it, as a capturing kernel would.
    pub fn write_packet(&mut self, ts_ns: i64, frame: &[u8]) -> io::Result<()> {
        self.write_packet_with_len(ts_ns, frame, frame.len() as u32)
    }

    /// Like [`Self::write_packet`] with an explicit on-the-wire length.
    pub fn write_packet_with_len(
        &mut self,
        ts_ns: i64,
        frame: &[u8],
        orig_len: u32,
    ) -> io::Result<()> {
        let ts_ns = ts_ns.max(0);
        let secs = (ts_ns / 1_000_000_000) as u32;
        let frac = match self.resolution {
            TsResolution::Micro => ((ts_ns % 1_000_000_000) / 1000) as u32,
            TsResolution::Nano => (ts_ns % 1_000_000_000) as u32,
        };
        let cap = frame.len().min(self.snaplen as usize);
        let mut h = [0u8; 16];
        for (i, v) in [secs, frac, cap as u32, orig_len].into_iter().enumerate() {
            let b = if self.big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            };
            h[i * 4..i * 4 + 4].copy_from_slice(&b);
        }
        self.out.write_all(&h)?;
        self.out.write_all(&frame[..cap])
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}
