//! Compressed captures: zstd and lz4 read like gzip (the fixtures in tests/data are the first
//! 300 000 bytes of samples/http-no-keepalive.pcap through `zstd -19` and `lz4 -B4`, so several
//! blocks of each), and a damaged
//! file keeps every whole packet before the damage, with a warning that says where (in
//! decompressed bytes) the data went bad — whatever the damage: a cut trailer, a cut in the
//! middle of the compressed stream, a flipped bit, a stray byte after the end. Small files
//! matter most: under the reader's first fill (64 KiB) a gzip error used to arrive before the
//! capture header was looked at, and the file was rejected as "not a pcap".

use portlife::source::WarningKind;
use std::io::Write;
use std::path::Path;

use portlife::analysis::{analyze_file, Analysis, Options};

fn sample(n: usize) -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/http-no-keepalive.pcap"
    );
    let mut b = std::fs::read(path).unwrap();
    b.truncate(n);
    b
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// Whole legacy-pcap records in `b` (little-endian, the sample's byte order).
fn whole_records(b: &[u8]) -> u64 {
    let (mut at, mut n) = (24, 0);
    while let Some(h) = b.get(at..at + 16) {
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
        if at + 16 + len > b.len() {
            break;
        }
        at += 16 + len;
        n += 1;
    }
    n
}

fn analyse(bytes: &[u8]) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.pcap.gz");
    std::fs::write(&p, bytes).unwrap();
    analyse_path(&p)
}

fn analyse_path(p: &Path) -> Analysis {
    analyze_file(p, Options::default()).unwrap_or_else(|e| panic!("rejected: {e}"))
}

fn damage_warning(a: &Analysis) -> &portlife::source::Warning {
    a.warnings
        .iter()
        .find(|w| w.kind == WarningKind::DamagedCompression)
        .unwrap_or_else(|| panic!("no damaged_compression warning: {:?}", a.warnings))
}

#[test]
fn a_cut_trailer_keeps_every_whole_packet_and_says_where() {
    // The repro: `head -c 60000 sample | gzip -c | head -c -4`.
    let plain = sample(60_000);
    let mut gz = gzip(&plain);
    gz.truncate(gz.len() - 4);
    let a = analyse(&gz);
    assert!(a.compressed);
    assert_eq!(a.stats.packets, whole_records(&plain));
    let w = damage_warning(&a);
    assert_eq!(w.offset, Some(60_000));
    assert!(
        w.message.contains("60000 decompressed bytes"),
        "{}",
        w.message
    );
}

#[test]
fn a_cut_in_the_compressed_stream_keeps_the_packets_decompressed_so_far() {
    let plain = sample(60_000);
    let gz = gzip(&plain);
    for keep in [gz.len() / 4, gz.len() / 2, gz.len() * 9 / 10] {
        let a = analyse(&gz[..keep]);
        let at = damage_warning(&a).offset.unwrap() as usize;
        assert!(at <= plain.len());
        // Exactly the whole records in what came out before the damage.
        assert_eq!(
            a.stats.packets,
            whole_records(&plain[..at]),
            "cut at {keep}"
        );
    }
}

#[test]
fn a_stray_byte_after_the_end_loses_nothing() {
    let plain = sample(60_000);
    let mut gz = gzip(&plain);
    gz.push(b'x');
    let a = analyse(&gz);
    assert_eq!(a.stats.packets, whole_records(&plain));
    assert_eq!(damage_warning(&a).offset, Some(60_000));
}

#[test]
fn a_flipped_bit_is_read_up_to_the_damage() {
    let plain = sample(60_000);
    let gz = gzip(&plain);
    // Every 97th byte of the compressed body, one bit each. A flip that garbles the capture
    // header itself (the first block's code tables come first) makes a file that is not a
    // pcap; any other is read up to the damage, which is said.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.pcap.gz");
    let mut read = 0;
    for at in (10..gz.len() - 8).step_by(97) {
        let mut bad = gz.clone();
        bad[at] ^= 0x10;
        std::fs::write(&p, &bad).unwrap();
        if let Ok(a) = analyze_file(&p, Options::default()) {
            // The damage, or a record the garbage made impossible, is said; either way the
            // read stopped there.
            assert!(
                a.warnings.iter().any(|w| matches!(
                    w.kind.id(),
                    "damaged_compression" | "bad_length" | "truncated" | "bad_block"
                )),
                "flip at {at}: {:?}",
                a.warnings
            );
            read += 1;
        }
    }
    assert!(read > 0);
}

#[test]
fn a_whole_file_has_no_damage_warning() {
    let plain = sample(60_000);
    let a = analyse(&gzip(&plain));
    assert_eq!(a.stats.packets, whole_records(&plain));
    assert!(!a
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::DamagedCompression));
}

#[test]
fn damage_before_the_capture_header_is_a_one_line_error() {
    let gz = gzip(&sample(60_000));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.pcap.gz");
    std::fs::write(&p, &gz[..12]).unwrap();
    let e = analyze_file(&p, Options::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("gzip"), "{e}");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn zstd_and_lz4_captures_read_like_the_plain_file() {
    let plain = sample(300_000);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.pcap");
    std::fs::write(&p, &plain).unwrap();
    let want = analyse_path(&p);
    for name in [
        "http-no-keepalive-300k.pcap.zst",
        "http-no-keepalive-300k.pcap.lz4",
    ] {
        let a = analyse(&fixture(name));
        assert!(a.compressed, "{name}");
        assert_eq!(a.stats.packets, want.stats.packets, "{name}");
        assert_eq!(a.connections.len(), want.connections.len(), "{name}");
        let kinds: Vec<_> = a.warnings.iter().map(|w| w.kind).collect();
        let want_kinds: Vec<_> = want.warnings.iter().map(|w| w.kind).collect();
        assert_eq!(kinds, want_kinds, "{name}");
    }
}

#[test]
fn cut_zstd_and_lz4_captures_keep_what_came_out_before_the_cut() {
    // Both formats decompress a block at a time: a cut inside a block loses that block, and
    // lz4 hands out every whole block before it. The zstd decoder hands out only what falls
    // outside its window (the back-reference history) before the frame ends, so a file that
    // fits in its window keeps nothing: that is a one-line error naming zstd, never a panic.
    let plain = sample(300_000);
    for name in [
        "http-no-keepalive-300k.pcap.zst",
        "http-no-keepalive-300k.pcap.lz4",
    ] {
        let z = fixture(name);
        for keep in [z.len() / 2, z.len() - 3] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("t.pcap");
            std::fs::write(&p, &z[..keep]).unwrap();
            match analyze_file(&p, Options::default()) {
                Ok(a) => {
                    let at = damage_warning(&a).offset.unwrap() as usize;
                    assert!(at <= plain.len(), "{name}");
                    assert_eq!(
                        a.stats.packets,
                        whole_records(&plain[..at]),
                        "{name} cut at {keep}"
                    );
                    assert!(a.stats.packets > 0 || name.ends_with(".zst"), "{name}");
                }
                Err(e) => {
                    assert!(name.ends_with(".zst"), "{name}: {e}");
                    assert!(e.to_string().contains("zstd data damaged"), "{e}");
                }
            }
        }
    }
}
