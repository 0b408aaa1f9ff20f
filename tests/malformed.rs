//! The malformed corpus (tests/malformed/, made by scripts/make-malformed.py from a valid sample):
//! each broken or hostile file gives exactly the outcome listed in expected.tsv — which packets
//! are still read, which warnings the user gets, or the one-line error — and never a panic
//! (exit code 101).

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
