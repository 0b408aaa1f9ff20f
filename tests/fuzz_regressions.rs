//! Replays the fuzz seeds and every input that once crashed a fuzz target (fuzz/regressions/)
//! through the code the targets drive, so `cargo test` catches a crash coming back without
//! cargo-fuzz. The targets themselves are in fuzz/ (scripts/fuzz.sh runs them).

use std::io::Cursor;
use std::path::{Path, PathBuf};

use portlife::analysis::Pipeline;
use portlife::decode;
use portlife::ports::{self, Profile};
use portlife::source::FileSource;

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"));
    v.sort();
    v
}

/// What the `pipeline` target does (the `source` target's reading included).
fn pipeline(data: &[u8]) -> usize {
    let Ok(mut src) =
        FileSource::from_reader(Cursor::new(data.to_vec()), Some(data.len() as u64), "fuzz")
    else {
        return 0;
    };
    let mut p = Pipeline::with_max_connections(Profile::Auto, 64);
    let mut n = 0;
    while let Some(pkt) = src.next_packet() {
        p.push(&pkt);
        n += 1;
    }
    let snap = p.finish();
    serde_json::to_vec(&snap).expect("the model serialises");
    let end = snap.stats.last_ts_ns.unwrap_or(0);
    let m = ports::derive_for(&snap.connections, &snap.udp_flows, &Profile::Windows, end);
    let _ = portlife::findings::compute(&snap.connections, &snap.udp_flows, &m);
    n
}

#[test]
fn seeds_and_regressions_of_the_capture_targets_run_clean() {
    let seeds = files("seeds/source");
    assert!(seeds.len() >= 10, "seed corpus missing: {seeds:?}");
    let mut packets = 0;
    for f in seeds
        .iter()
        .chain(&files("regressions/source"))
        .chain(&files("regressions/pipeline"))
    {
        let data = std::fs::read(f).expect("read");
        packets += pipeline(&data);
    }
    // The valid seeds hold packets; a reader that silently read nothing would fail here.
    assert!(packets > 50, "{packets} packets from the seeds");
}

#[test]
fn seeds_and_regressions_of_the_decode_target_run_clean() {
    for f in files("seeds/decode")
        .iter()
        .chain(&files("regressions/decode"))
    {
        let data = std::fs::read(f).expect("read");
        if let Some((h, frame)) = data.split_first_chunk::<2>() {
            let _ = decode::decode(u16::from_be_bytes([h[0] & 0x7f, h[1]]), frame);
            let _ = decode::decode(1, frame);
        }
    }
}
