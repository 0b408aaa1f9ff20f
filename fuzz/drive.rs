//! What the capture fuzz targets drive, shared with tests/fuzz_regressions.rs (which replays the
//! seeds and past crashes through it in `cargo test`).

use std::io::Cursor;

use portlife::analysis::Pipeline;
use portlife::ports::{self, Profile};
use portlife::source::FileSource;

/// A file source over the bytes (the magic decides pcap, pcapng or gzip); `None` when they are
/// not a capture at all.
pub fn source(data: &[u8]) -> Option<FileSource> {
    FileSource::from_reader(Cursor::new(data.to_vec()), Some(data.len() as u64), "fuzz").ok()
}

/// Bytes to report: file source → decode → sanitize → tracker → ports → findings → JSON, and a
/// profile switch, as `portlife report --json` and the app do. Returns the packets read.
pub fn pipeline(data: &[u8]) -> usize {
    let Some(mut src) = source(data) else {
        return 0;
    };
    // A small cap so eviction runs too.
    let mut p = Pipeline::with_max_connections(Profile::Auto, 64);
    let mut n = 0;
    while let Some(pkt) = src.next_packet() {
        p.push(&pkt);
        n += 1;
    }
    let snap = p.finish();
    for c in &snap.connections {
        assert!(c.start_ns <= c.end_ns || c.end_ns == 0, "{c:?}");
    }
    let json = serde_json::to_vec(&snap).expect("the model serialises");
    assert!(!json.is_empty());
    let end = snap.stats.last_ts_ns.unwrap_or(0);
    let m = ports::derive(&snap.connections, &snap.udp_flows, &Profile::Windows, end);
    let _ = portlife::findings::compute(&snap.connections, &snap.udp_flows, &m);
    n
}
