//! Bytes to report: file source → decode → sanitize → tracker → ports → findings → JSON, and a
//! profile switch, as `portlife report --json` and the app do.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use portlife::analysis::Pipeline;
use portlife::ports::{self, Profile};
use portlife::source::FileSource;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::with_allocation_bound(data.len(), || {
        let Ok(mut src) =
            FileSource::from_reader(Cursor::new(data.to_vec()), Some(data.len() as u64), "fuzz")
        else {
            return;
        };
        // A small cap so eviction runs too.
        let mut p = Pipeline::with_max_connections(Profile::Auto, 64);
        while let Some(pkt) = src.next_packet() {
            p.push(&pkt);
        }
        let snap = p.finish();
        for c in &snap.connections {
            assert!(c.start_ns <= c.end_ns || c.end_ns == 0, "{c:?}");
        }
        let json = serde_json::to_vec(&snap).expect("the model serialises");
        assert!(!json.is_empty());
        let end = snap.stats.last_ts_ns.unwrap_or(0);
        let m = ports::derive_for(&snap.connections, &snap.udp_flows, &Profile::Windows, end);
        let _ = portlife::findings::compute(&snap.connections, &snap.udp_flows, &m);
    });
});
