//! The fast paths give what the plain ones give: reading a file on two threads (reader and
//! tracker apart, BENCHMARKS.md) must yield exactly the model of pushing one packet at a time
//! through a [`Pipeline`], and a profile switch that keeps the profile-independent findings
//! must yield exactly a fresh analysis under that profile.

use std::path::{Path, PathBuf};

use portlife::analysis::{analyze_file_with_profile, Options, Pipeline};
use portlife::ports::Profile;
use portlife::source::FileSource;
use serde_json::{json, Value};

fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    // Real captures nobody here shaped, when ../shared is there.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    if let Ok(dir) = std::fs::read_dir(shared) {
        v.extend(
            dir.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng")),
        );
    }
    v.sort();
    assert!(v.len() >= 18, "samples missing: {v:?}");
    v
}

/// The model as one packet at a time through a `Pipeline` gives it.
fn one_at_a_time(path: &Path, profile: Profile, max: usize) -> Value {
    let mut src = FileSource::open(path).unwrap();
    let mut p = Pipeline::with_max_connections(profile, max);
    while let Some(pkt) = src.next_packet() {
        p.push(&pkt);
    }
    let s = p.finish();
    json!({
        "stats": s.stats, "connections": s.connections, "udp_flows": s.udp_flows,
        "profile": s.profile, "ports": s.ports, "findings": s.findings, "evicted": s.evicted,
    })
}

fn analysed(path: &Path, profile: Profile, max: usize) -> Value {
    let opts = Options {
        max_connections: Some(max),
        ..Options::default()
    };
    let a = analyze_file_with_profile(path, profile, opts).unwrap();
    json!({
        "stats": a.stats, "connections": a.connections, "udp_flows": a.udp_flows,
        "profile": a.profile, "ports": a.ports, "findings": a.findings, "evicted": a.evicted,
    })
}

#[test]
fn reading_on_two_threads_gives_the_one_packet_at_a_time_model() {
    for f in samples() {
        let (a, b) = (
            one_at_a_time(&f, Profile::Auto, 500_000),
            analysed(&f, Profile::Auto, 500_000),
        );
        assert!(a == b, "{} differs", f.display());
        assert!(a["stats"]["packets"].as_u64().is_some());
    }
}

#[test]
fn two_threads_agree_while_records_are_evicted() {
    // 500 connections through a table of 16 records: eviction runs many times mid-batch.
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/http-no-keepalive.pcap");
    let (a, b) = (
        one_at_a_time(&f, Profile::Linux, 16),
        analysed(&f, Profile::Linux, 16),
    );
    assert!(
        a["evicted"]["connections"].as_u64().unwrap() > 0,
        "{}",
        a["evicted"]
    );
    assert!(a == b);
}

#[test]
fn a_profile_switch_gives_what_a_fresh_analysis_under_that_profile_gives() {
    // Reuse inside TIME-WAIT, lanes (proxy), server-side TIME-WAIT, UDP, IPv6, refusals: a
    // profile switch reuses the row layout (ports::rederive), which must not show.
    for name in [
        "http-no-keepalive",
        "port-exhaustion",
        "refused",
        "udp-dns-ntp",
        "reuse-in-timewait",
        "proxy",
        "server-closes-first",
        "ipv6-client",
        "browser-burst",
        "firewall-drop",
    ] {
        let f = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("samples/{name}.pcap"));
        let mut a = analyze_file_with_profile(&f, Profile::Auto, Options::default()).unwrap();
        for p in [
            Profile::Windows,
            Profile::MacOs,
            "custom:40000-40199:60".parse().unwrap(),
            "custom:1024-65535:600".parse().unwrap(),
            Profile::Auto,
        ] {
            a.set_profile(&p);
            let fresh = analyze_file_with_profile(&f, p.clone(), Options::default()).unwrap();
            assert_eq!(
                serde_json::to_value(&a.findings).unwrap(),
                serde_json::to_value(&fresh.findings).unwrap(),
                "{name} under {p:?}"
            );
            assert_eq!(
                serde_json::to_value(&a.ports).unwrap(),
                serde_json::to_value(&fresh.ports).unwrap()
            );
        }
    }
}

#[test]
fn one_core_as_in_a_browser_gives_the_two_core_analysis() {
    // The web build has no threads: the reader, tracker, port derivation and findings all run
    // in sequence, and a capture comes as bytes (a picked or fetched file), not a path.
    for f in samples() {
        let two = analysed(&f, Profile::Auto, 500_000);
        let one = portlife::cores::on_one_core(|| {
            let bytes: std::sync::Arc<[u8]> = std::fs::read(&f).unwrap().into();
            let a = portlife::analysis::analyze_bytes_with_profile(
                &f.display().to_string(),
                bytes,
                Profile::Auto,
                Options::default(),
            )
            .unwrap();
            json!({
                "stats": a.stats, "connections": a.connections, "udp_flows": a.udp_flows,
                "profile": a.profile, "ports": a.ports, "findings": a.findings, "evicted": a.evicted,
            })
        });
        assert!(one == two, "{} differs on one core", f.display());
    }
}
