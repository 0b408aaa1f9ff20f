//! Legacy pcap (libpcap's format): the file header, and each record parsed in place in the
//! reader's buffer where it lies whole there (the common case, on the fast path).

use pcap_parser::nom::IResult;
use pcap_parser::{LegacyPcapBlock, PcapError, PcapHeader};

use super::{FileSource, Interface, Layout, Record, Step};

/// pcap-parser's parser for one legacy pcap record (little- or big-endian).
pub(super) type LegacyFrameFn = fn(&[u8]) -> IResult<&[u8], LegacyPcapBlock<'_>, PcapError<&[u8]>>;

impl Layout {
    /// A legacy file header: the one interface, its byte order, and the record parser to use.
    pub(super) fn legacy_header(&mut self, h: &PcapHeader) {
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
    }
}

/// A legacy record that came through the reader: handed out in place when its bytes lie in the
/// reader's unconsumed data (`base`, `base_len`), else copied into `buf`.
pub(super) fn record(
    b: &LegacyPcapBlock<'_>,
    offset: usize,
    iface: Interface,
    (base, base_len): (usize, usize),
    buf: &mut Vec<u8>,
) -> Step {
    let ts_ns = legacy_ts_ns(b, iface);
    let start = (b.data.as_ptr() as usize).wrapping_sub(base);
    let in_reader =
        (start.checked_add(b.data.len()) <= Some(base_len)).then_some((start, b.data.len()));
    if in_reader.is_none() {
        buf.clear();
        buf.extend_from_slice(b.data);
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

impl FileSource {
    /// The common case, a whole legacy pcap record in the buffer, parsed in place with
    /// pcap-parser's record parser. The reader's `next` hands each record out wrapped in its
    /// block enum, and that value's copies through the stack stalled the reading thread.
    /// `None` for anything else (the buffer ends mid-record, the file ends, pcapng, a problem):
    /// [`Self::next_packet_through_reader`] then handles it as it always did.
    #[inline]
    pub(super) fn next_legacy(&mut self) -> Option<Record> {
        let parse = self.layout.legacy_frames?;
        if self.finished {
            return None;
        }
        let data = self.reader.data();
        let (rest, block) = parse(data).ok()?;
        let start = (block.data.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
        Some(Record {
            offset: data.len() - rest.len(),
            in_reader: Some((start, block.data.len())),
            ts_ns: Some(legacy_ts_ns(&block, self.layout.interfaces[0])),
            linktype: self.layout.interfaces[0].linktype,
            interface: 0,
            orig_len: block.origlen,
        })
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
