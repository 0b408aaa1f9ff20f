//! The reader on files built byte by byte: both byte orders and resolutions, pcapng sections
//! and interfaces, every truncated prefix, lying lengths, compression.
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
    assert!(warnings
        .iter()
        .any(|w| w.kind == WarningKind::UnknownInterface));
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
                let truncated: Vec<_> = warnings
                    .iter()
                    .filter(|w| w.kind == WarningKind::Truncated)
                    .collect();
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
                assert!(
                    warnings.iter().any(|w| w.kind == WarningKind::Truncated),
                    "cut {cut}"
                );
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
            .any(|w| w.kind == WarningKind::BadLength || w.kind == WarningKind::Truncated),
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
    let mut src = FileSource::from_reader(io::Cursor::new(bytes), Some(len), "t.pcap.gz").unwrap();
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
