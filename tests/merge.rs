//! Several files read as one capture, merged by timestamp: a capture split into three files (as
//! `editcap -c` or `tcpdump -C` would), or dealt out packet by packet into two files whose times
//! interleave (two capture points), reports exactly what the whole capture reports; a directory
//! stands for its capture files; each warning names the file it is about.

use portlife::source::WarningKind;
use std::path::{Path, PathBuf};
use std::process::Command;

use portlife::analysis::{analyze_file, analyze_files_with_profile, Analysis, Options};
use portlife::ports::Profile;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/samples/http-no-keepalive.pcap"
);

/// The sample's 24-byte header and its records (legacy pcap, little-endian).
fn records() -> (Vec<u8>, Vec<Vec<u8>>) {
    let b = std::fs::read(SAMPLE).unwrap();
    let (mut at, mut out) = (24, Vec::new());
    while let Some(h) = b.get(at..at + 16) {
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
        out.push(b[at..at + 16 + len].to_vec());
        at += 16 + len;
    }
    (b[..24].to_vec(), out)
}

fn write(dir: &Path, name: &str, header: &[u8], recs: &[&Vec<u8>]) -> PathBuf {
    let p = dir.join(name);
    let mut b = header.to_vec();
    for r in recs {
        b.extend_from_slice(r);
    }
    std::fs::write(&p, b).unwrap();
    p
}

/// Everything but the file name.
fn model(a: &Analysis) -> serde_json::Value {
    let mut v = serde_json::to_value(a).unwrap();
    v["file"] = serde_json::Value::Null;
    v
}

fn merged(paths: &[PathBuf]) -> Analysis {
    analyze_files_with_profile(paths, Profile::Auto, Options::default()).unwrap()
}

#[test]
fn a_capture_split_in_three_reports_as_the_whole() {
    let whole = analyze_file(SAMPLE, Options::default()).unwrap();
    let (header, recs) = records();
    let dir = tempfile::tempdir().unwrap();
    let n = recs.len();
    let parts: Vec<PathBuf> = (0..3)
        .map(|i| {
            let part: Vec<&Vec<u8>> = recs[i * n / 3..(i + 1) * n / 3].iter().collect();
            write(dir.path(), &format!("cap.pcap{i}"), &header, &part)
        })
        .collect();
    assert_eq!(model(&merged(&parts)), model(&whole));
    // Listed in another order: merged by time, the same.
    let reversed: Vec<PathBuf> = parts.iter().rev().cloned().collect();
    assert_eq!(model(&merged(&reversed)), model(&whole));
    // The directory.
    let from_dir = merged(&[dir.path().to_path_buf()]);
    assert_eq!(model(&from_dir), model(&whole));
    assert!(from_dir.file.contains("cap.pcap0 + "), "{}", from_dir.file);
}

#[test]
fn two_interleaved_capture_points_merge_by_timestamp() {
    let whole = analyze_file(SAMPLE, Options::default()).unwrap();
    let (header, recs) = records();
    let dir = tempfile::tempdir().unwrap();
    let even: Vec<&Vec<u8>> = recs.iter().step_by(2).collect();
    let odd: Vec<&Vec<u8>> = recs.iter().skip(1).step_by(2).collect();
    let a = write(dir.path(), "a.pcap", &header, &even);
    let b = write(dir.path(), "b.pcap", &header, &odd);
    assert_eq!(model(&merged(&[b, a])), model(&whole));
}

#[test]
fn warnings_name_their_file_and_the_cli_takes_several_files() {
    let (header, recs) = records();
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<&Vec<u8>> = recs.iter().collect();
    let good = write(dir.path(), "good.pcap", &header, &all[..10]);
    let mut cut = header.clone();
    for r in &all[10..20] {
        cut.extend_from_slice(r);
    }
    cut.truncate(cut.len() - 5);
    let bad = dir.path().join("cut.pcap");
    std::fs::write(&bad, cut).unwrap();
    let a = merged(&[good.clone(), bad.clone()]);
    assert_eq!(a.stats.packets, 19);
    let w = a
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::Truncated)
        .unwrap();
    assert!(
        w.message.starts_with(&format!("{}: ", bad.display())),
        "{}",
        w.message
    );

    let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args(["report", "--json"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stats"]["packets"], 19);
}

#[test]
fn an_empty_directory_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = analyze_files_with_profile(
        &[dir.path().to_path_buf()],
        Profile::Auto,
        Options::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no capture files"), "{e}");
}
