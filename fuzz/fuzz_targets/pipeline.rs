//! Bytes to report: file source → decode → sanitize → tracker → ports → findings → JSON, and a
//! profile switch, as `portlife report --json` and the app do (`drive::pipeline`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;
#[path = "../drive.rs"]
mod drive;

fuzz_target!(|data: &[u8]| {
    common::with_allocation_bound(data.len(), || {
        drive::pipeline(data);
    });
});
