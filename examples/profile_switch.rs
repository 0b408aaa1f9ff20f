//! How long switching the OS profile takes on a big capture: read it once, then re-derive the
//! port model and findings under each profile (what the app does on a profile change, before
//! it filters rows). scripts/bench.sh runs it.
//!
//!     cargo run --release --example profile_switch -- FILE

use std::time::Instant;

use portlife::analysis::analyze_file;
use portlife::ports::{Profile, Profiles};

fn main() {
    let path = std::env::args().nth(1).expect("usage: profile_switch FILE");
    let t = Instant::now();
    let mut a = analyze_file(&path, Default::default()).expect("read the capture");
    println!(
        "read + analyse: {:.3} s ({} connections)",
        t.elapsed().as_secs_f64(),
        a.connections.len()
    );
    for p in [
        Profile::Windows,
        Profile::Linux,
        Profile::MacOs,
        Profile::FreeBsd,
        Profile::Auto,
    ] {
        let t = Instant::now();
        a.set_profile(&p);
        println!(
            "switch to {:<8} {:>7.1} ms ({} spans, {} findings)",
            a.profile.name,
            t.elapsed().as_secs_f64() * 1000.0,
            a.ports.spans.len(),
            a.findings.len()
        );
    }
    // One host switched alone (the app's per-host menu), the others left to `auto`.
    let Some(busiest) = a
        .ports
        .hosts
        .iter()
        .max_by_key(|h| h.peak.held())
        .map(|h| h.host)
    else {
        return;
    };
    for p in [Profile::Windows, Profile::Auto] {
        let mut choice = Profiles::default();
        choice.set_host(busiest, p);
        let t = Instant::now();
        a.set_profile(&choice);
        println!(
            "switch {busiest} alone to {:<8} {:>7.1} ms ({} spans, {} findings)",
            a.ports.profile_of(busiest).name,
            t.elapsed().as_secs_f64() * 1000.0,
            a.ports.spans.len(),
            a.findings.len()
        );
    }
}
