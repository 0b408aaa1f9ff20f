//! `portlife export FILE --pool-map OUT.svg --at T`: the pool map as a user exports it for a book
//! or a ticket — the SVG is written, and the counts it states are the capture's.

use std::path::PathBuf;
use std::process::Command;

fn portlife() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portlife"))
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).join(name)
}

/// Export the exhaustion sample's pool map at `at` seconds under `profile`; the SVG text.
fn export_exhaustion(at: &str, profile: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pool.svg");
    let st = portlife()
        .arg("export")
        .arg(sample("port-exhaustion.pcap"))
        .args(["--pool-map"])
        .arg(&out)
        .args(["--at", at, "--profile", profile])
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn exhaustion_sample_fills_its_200_port_range_with_time_wait() {
    // 200 connections in the first 2 s, each closed by the client: at 5 s every port of the
    // sample's 40000–40199 range is in TIME-WAIT.
    let svg = export_exhaustion("5", "custom:40000-40199:60");
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.contains("port pool of 10.0.0.2 at 5 s"), "default host");
    assert!(svg.contains("Available: 0<"));
    assert!(svg.contains("TIME-WAIT: 200<"));
    assert!(svg.contains("occupancy 100.0 %"));
    assert!(svg.contains("critical"));
}

#[test]
fn under_the_linux_profile_the_same_200_ports_are_a_corner_of_the_grid() {
    let svg = export_exhaustion("5", "linux");
    assert!(svg.contains("28232 ports"));
    assert!(svg.contains("Available: 28032<"));
    assert!(svg.contains("TIME-WAIT: 200<"));
    assert!(svg.contains("below the 60 % warning"));
}

#[test]
fn at_the_first_packet_one_port_is_assigned_and_the_rest_available() {
    let early = export_exhaustion("0", "custom:40000-40199:60");
    assert!(early.contains("Available: 199<"));
    assert!(early.contains("Assigned: 1<"));
    assert!(early.contains("occupancy 0.5 %"));
}

#[test]
fn pool_map_needs_a_time_and_a_known_host() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pool.svg");
    let run = |extra: &[&str]| {
        portlife()
            .arg("export")
            .arg(sample("http-no-keepalive.pcap"))
            .arg("--pool-map")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let no_at = run(&[]);
    assert_eq!(no_at.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_at.stderr).contains("--at"));
    let stranger = run(&["--at", "1", "--host", "192.0.2.99"]);
    assert_eq!(stranger.status.code(), Some(1));
    let err = String::from_utf8_lossy(&stranger.stderr);
    assert!(err.contains("10.0.0.2"), "names the client hosts: {err}");
    assert!(!out.exists());
}

/// The reading of each sample's port order is the one its scenario was built to teach.
#[test]
fn port_choice_reading_of_the_samples() {
    use portlife::analysis::analyze_file;
    use portlife::ports::{client_hosts, port_choices, read_choice, ChoicePattern};
    let read = |name: &str| {
        let a = analyze_file(sample(name), Default::default()).unwrap();
        let host = client_hosts(&a.ports)[0].host;
        let ports: Vec<u16> = port_choices(&a.ports, host)
            .iter()
            .map(|c| c.port)
            .collect();
        read_choice(&ports)
    };
    let linux = read("http-no-keepalive.pcap");
    assert_eq!(linux.pattern, ChoicePattern::OneParity { even: true });
    assert_eq!(linux.connections, 500);
    assert_eq!(
        read("browser-burst.pcap").pattern,
        ChoicePattern::Sequential
    );
    assert_eq!(
        read("port-exhaustion.pcap").pattern,
        ChoicePattern::OneParityThenOther { first_even: true }
    );
}
