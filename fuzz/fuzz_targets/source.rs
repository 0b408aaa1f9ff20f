//! The file source on arbitrary bytes (pcap, pcapng, gzip — the magic decides): every record is
//! yielded or becomes a warning; nothing panics, and memory stays a small multiple of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;
#[path = "../drive.rs"]
#[allow(dead_code)] // pipeline() is the other target's
mod drive;

fuzz_target!(|data: &[u8]| {
    common::with_allocation_bound(data.len(), || {
        let Some(mut src) = drive::source(data) else {
            return;
        };
        // A record is never larger than the input, unless the input is gzip (it inflates).
        let gzip = data.starts_with(&[0x1f, 0x8b]);
        let mut last_index = None;
        while let Some(p) = src.next_packet() {
            // Indexes increase; a record skipped with a warning (an unknown interface) keeps its
            // number, so later numbers still match the record's position in the file.
            assert!(last_index.is_none_or(|i: u64| p.index > i));
            assert!(gzip || p.data.len() <= data.len());
            last_index = Some(p.index);
        }
        let _ = src.warnings();
    });
});
