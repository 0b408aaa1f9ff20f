//! The malformed corpus (tests/malformed/, made by scripts/make-malformed.py from a valid sample):
//! each broken or hostile file gives exactly the outcome listed in expected.tsv — which packets
//! are still read, which warnings the user gets, or the one-line error — and never a panic
//! (exit code 101).

use portlife::source::WarningKind;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed"))
}

#[test]
fn every_malformed_file_gives_its_expected_outcome() {
    let table = std::fs::read_to_string(corpus().join("expected.tsv")).unwrap();
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, code, packets, warnings) = (f[0], f[1], f[2], f[3]);
        let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
            .args(["report", "--json"])
            .arg(corpus().join(file))
            .output()
            .unwrap();
        let got = out.status.code();
        assert_ne!(got, Some(101), "{file}: panicked");
        assert_eq!(
            got,
            Some(code.parse().unwrap()),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        if code == "1" {
            assert_eq!(stderr.lines().count(), 1, "{file}: one line, got {stderr}");
            continue;
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["stats"]["packets"].to_string(),
            packets,
            "{file}: packets read"
        );
        let kinds: BTreeSet<String> = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["kind"].as_str().unwrap().to_string())
            .collect();
        let want: BTreeSet<String> = warnings
            .split(',')
            .filter(|w| *w != "-")
            .map(String::from)
            .collect();
        assert_eq!(kinds, want, "{file}: warnings {stderr}");
        // Every warning is also on stderr for a person.
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with("warning: "))
                .count(),
            v["warnings"].as_array().unwrap().len(),
            "{file}"
        );
        checked += 1;
    }
    assert!(checked >= 14, "the corpus lost cases: {checked}");
}

#[test]
fn truncation_warnings_name_the_byte_offset() {
    let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args(["report"])
        .arg(corpus().join("cut-mid-packet.pcap"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("capture truncated at byte "), "{err}");
    assert!(
        err.contains("the 9 packets before the cut were read"),
        "{err}"
    );
}

/// Records bigger than the reader's 1 MiB buffer still read whole, plain and gzip-compressed
/// (the buffer grows step by step as the bytes arrive); a gzip stream cut inside such a record
/// gives the packets before it and a `truncated` warning.
#[test]
fn records_larger_than_the_buffer_read_whole_and_a_cut_inside_one_is_reported() {
    use portlife::source::FileSource;
    use std::io::Write;
    let big = vec![0x42u8; 3 << 20];
    let small = vec![0x17u8; 60];
    // Legacy pcap, little-endian, µs, snaplen 64 MiB, Ethernet: written by hand because
    // PcapWriter keeps to the usual 256 KiB snaplen.
    let mut plain = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 64 << 20, 1] {
        plain.extend_from_slice(&v.to_le_bytes());
    }
    for (i, rec) in [&small, &big, &small].into_iter().enumerate() {
        let len = rec.len() as u32;
        for v in [1_700_000_000u32, i as u32, len, len] {
            plain.extend_from_slice(&v.to_le_bytes());
        }
        plain.extend_from_slice(rec);
    }
    let gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    };
    for (name, data) in [("plain", plain.clone()), ("gzip", gz(&plain))] {
        let len = data.len() as u64;
        let mut src = FileSource::from_reader(std::io::Cursor::new(data), Some(len), name).unwrap();
        let mut sizes = Vec::new();
        while let Some(p) = src.next_packet() {
            sizes.push(p.data.len());
        }
        assert_eq!(sizes, vec![60, 3 << 20, 60], "{name}");
        assert!(src.warnings().is_empty(), "{name}: {:?}", src.warnings());
    }
    // Cut in the middle of the big record, then compressed.
    let cut = &plain[..24 + 16 + 60 + 16 + (2 << 20)];
    let data = gz(cut);
    let len = data.len() as u64;
    let mut src = FileSource::from_reader(std::io::Cursor::new(data), Some(len), "cut").unwrap();
    let mut n = 0;
    while src.next_packet().is_some() {
        n += 1;
    }
    assert_eq!(n, 1, "only the packet before the cut");
    let w = src.warnings();
    assert!(w.iter().any(|w| w.kind == WarningKind::Truncated), "{w:?}");
}
