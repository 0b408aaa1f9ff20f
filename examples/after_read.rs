//! Where the time after the last packet goes: read a capture once, then run each stage that
//! follows the read on its own, on the same connections, several times, and print the median of
//! each. The stages are the ones `analysis::derive_with` runs (some of them side by side on two
//! cores there; here one after the other, so each is timed alone). scripts/bench.sh runs it.
//!
//!     cargo run --release --example after_read -- FILE [RUNS]

use std::time::Instant;

use portlife::analysis::analyze_file;
use portlife::findings;
use portlife::ports::{self, Profile, Profiles};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: after_read FILE [RUNS]");
    let runs: usize = args
        .next()
        .map_or(7, |r| r.parse().expect("RUNS is a number"));
    let a = analyze_file(&path, Default::default()).expect("read the capture");
    let (conns, udp, end) = (&a.connections, &a.udp_flows, a.ports.capture_end_ns);
    let auto = Profiles::from(Profile::Auto);
    println!("{} connections, {} spans", conns.len(), a.ports.spans.len());
    let mut model = None;
    let stages: [(&str, &mut dyn FnMut()); 4] = [
        ("OS guess per host", &mut || {
            std::hint::black_box(ports::profile::host_guesses(conns));
        }),
        ("port derivation (guess included)", &mut || {
            model = Some(ports::derive(conns, udp, &auto, end));
        }),
        ("findings from connections", &mut || {
            std::hint::black_box(findings::from_connections(conns, udp));
        }),
        ("findings from ports", &mut || {
            std::hint::black_box(findings::from_ports(conns, &a.ports));
        }),
    ];
    for (name, stage) in stages {
        let mut ms: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                stage();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "{name:<34} {:>7.1} ms  ({:.1}–{:.1})",
            ms[ms.len() / 2],
            ms[0],
            ms[ms.len() - 1]
        );
    }
    drop(model);
}
