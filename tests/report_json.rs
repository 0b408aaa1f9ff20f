//! Snapshot of the report JSON (the schema documented in ARCHITECTURE.md, "## Report JSON") on a
//! small fixed capture. Run with `UPDATE_SNAPSHOTS=1` to rewrite the expected file after an
//! intended schema change, and review the diff.

mod common;

use common::*;
use portlife::analysis::analyze_file_with_profile;
use portlife::ports::Profile;

const EXPECTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/report_small.json"
);

/// Two parallel connections closed by the client, one refused, one closed by the server.
fn capture() -> Vec<(i64, Vec<u8>)> {
    let mut f = parallel_client_close(2, 100);
    let (c, s) = (([10, 0, 0, 2], 40000), ([10, 0, 0, 5], 81));
    f.push((T0 + 2 * S, tcp(c, s, "S", 5, 0, &[])));
    f.push((T0 + 2 * S + MS, tcp(s, c, "RA", 0, 6, &[])));
    let (c, s) = (([10, 0, 0, 2], 40001), ([10, 0, 0, 6], 80));
    f.push((T0 + 3 * S, tcp(c, s, "S", 10, 0, &[])));
    f.push((T0 + 3 * S + MS, tcp(s, c, "SA", 20, 11, &[])));
    f.push((T0 + 3 * S + 2 * MS, tcp(c, s, "A", 11, 21, &[])));
    f.push((T0 + 3 * S + 3 * MS, tcp(s, c, "FA", 21, 11, &[])));
    f.push((T0 + 3 * S + 4 * MS, tcp(c, s, "FA", 11, 22, &[])));
    f.push((T0 + 3 * S + 5 * MS, tcp(s, c, "A", 22, 12, &[])));
    f.sort_by_key(|x| x.0);
    f
}

#[test]
fn report_json_matches_snapshot() {
    let file = write_pcap(&capture());
    let a = analyze_file_with_profile(file.path(), Profile::Linux, Default::default()).unwrap();
    let mut v = serde_json::to_value(&a).unwrap();
    v["file"] = serde_json::Value::String("report_small.pcap".into());
    let got = serde_json::to_string_pretty(&v).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(EXPECTED, &got).unwrap();
    }
    let want = std::fs::read_to_string(EXPECTED)
        .expect("tests/snapshots/report_small.json missing: run with UPDATE_SNAPSHOTS=1");
    assert!(
        got == want,
        "report JSON changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff"
    );
}

/// The report's JSON renders its long arrays (connections, spans, the pool series' steps) on two
/// cores; what it writes is still serde_json's compact form of the whole analysis, byte for
/// byte, on every sample (those of a few hundred connections have arrays long enough to split).
#[test]
fn compact_json_on_two_cores_is_serde_jsons_on_every_sample() {
    let mut split = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        let a = portlife::analysis::analyze_file(&path, Default::default()).unwrap();
        let mut two = Vec::new();
        portlife::json::write_compact(&mut two, &a).unwrap();
        assert!(
            two == serde_json::to_vec(&a).unwrap(),
            "{} differs",
            path.display()
        );
        split += usize::from(a.ports.spans.len() > 512);
    }
    assert!(split >= 2, "samples long enough to be split: {split}");
}
