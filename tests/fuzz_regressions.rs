//! Replays the fuzz seeds and every input that once crashed a fuzz target (fuzz/regressions/)
//! through the code the targets drive, so `cargo test` catches a crash coming back without
//! cargo-fuzz. The targets themselves are in fuzz/ (scripts/fuzz.sh runs them).

use std::path::{Path, PathBuf};

use portlife::decode;

/// What the capture targets run (`pipeline`: the `source` target's reading included).
#[path = "../fuzz/drive.rs"]
mod drive;

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"));
    v.sort();
    v
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
        packets += drive::pipeline(&data);
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
            let _ = decode::decode_layers(u16::from_be_bytes([h[0] & 0x7f, h[1]]), frame);
            for lt in [1, 101, 9, 104, 105, 127, 242] {
                let _ = decode::decode_layers(lt, frame);
            }
        }
    }
}
