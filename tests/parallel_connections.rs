//! A browser-like client opens six parallel connections to one server:443 and closes them first:
//! each ephemeral port goes Assigned → Active → TimeWait → Available, with the TIME-WAIT length
//! of the chosen OS profile.

mod common;

use common::*;
use portlife::analysis::analyze_file_with_profile;
use portlife::ports::{Phase, Profile};
use portlife::tcp::{Outcome, Role};

fn check(profile: Profile, tw_s: i64) {
    let file = write_pcap(&parallel_client_close(6, 400));
    let a = analyze_file_with_profile(file.path(), profile, Default::default()).expect("analyze");
    assert_eq!(a.connections.len(), 6);
    assert!(a
        .connections
        .iter()
        .all(|c| c.outcome == Outcome::FinFin && c.closed_first == Some(Role::Client)));
    let host = "10.0.0.2".parse().unwrap();
    for port in 54321..=54326u16 {
        let row = a
            .ports
            .rows
            .iter()
            .find(|r| r.host == host && r.port == port)
            .unwrap_or_else(|| panic!("no row for port {port}"));
        let spans = a.ports.row_spans(row);
        let seq: Vec<Phase> = spans.iter().map(|s| s.phase).collect();
        assert_eq!(
            seq,
            vec![Phase::Assigned, Phase::Active, Phase::TimeWait],
            "port {port}"
        );
        // Contiguous: Assigned ends where Active starts, Active where TimeWait starts.
        assert_eq!(spans[0].end_ns, spans[1].start_ns);
        assert_eq!(spans[1].end_ns, spans[2].start_ns);
        let tw = &spans[2];
        assert_eq!(tw.end_ns - tw.start_ns, tw_s * S, "port {port}");
        assert!(!tw.truncated_by_capture_end);
        // Then Available.
        assert_eq!(a.ports.phase_at(host, port, tw.end_ns), Phase::Available);
        assert_eq!(a.ports.phase_at(host, port, tw.end_ns - 1), Phase::TimeWait);
    }
    // All six wait at once a few seconds after the burst.
    let at = a.ports.counts_at(T0 + 5 * S);
    assert_eq!((at.assigned, at.active, at.time_wait), (0, 0, 6));
    assert_eq!(a.ports.counts_at(T0 + (tw_s + 5) * S).time_wait, 0);
    assert_eq!(a.ports.hosts.len(), 1);
    assert_eq!(a.ports.hosts[0].peak.held(), 6);
}

#[test]
fn six_parallel_connections_linux_time_wait_60s() {
    check(Profile::Linux, 60);
}

#[test]
fn six_parallel_connections_windows_time_wait_120s() {
    check(Profile::Windows, 120);
}

#[test]
fn changing_the_profile_rederives_without_rereading() {
    let file = write_pcap(&parallel_client_close(6, 400));
    let mut a = analyze_file_with_profile(file.path(), Profile::Linux, Default::default()).unwrap();
    std::fs::remove_file(file.path()).unwrap();
    a.set_profile(&Profile::MacOs);
    assert_eq!(a.profile.name, "macos");
    let tw = a
        .ports
        .spans
        .iter()
        .find(|s| s.phase == Phase::TimeWait)
        .unwrap();
    assert_eq!(tw.end_ns - tw.start_ns, 30 * S);
}
