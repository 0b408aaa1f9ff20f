//! egui_kittest tests of the findings strip and of the default sample, on the bundled samples
//! (`samples/`), through the real loader thread.

use std::path::PathBuf;

use egui_kittest::kittest::Queryable;

use super::tests::{harness, open};

fn sample(name: &str) -> PathBuf {
    PathBuf::from(super::samples::SAMPLES_DIR).join(name)
}

/// `portlife` with no file opens browser-burst: six client ports of one host, no findings.
#[test]
fn the_default_sample_opens_with_six_ports_and_no_findings() {
    let mut h = harness();
    open(&mut h, &PathBuf::from(crate::cli::DEFAULT_SAMPLE));
    let l = h.state().state.loaded.as_ref().expect("loaded");
    let tl = &l.timeline;
    assert_eq!(tl.total_connections, 6);
    assert_eq!(tl.rows.iter().filter(|r| !r.server_side).count(), 6);
    assert!(l.derived.findings.is_empty(), "{:?}", l.derived.findings);
    h.get_by_label_contains("Findings: none");
    for port in 54321..=54326 {
        h.get_by_label(&format!("192.168.1.23:{port}"));
    }
}

/// Clicking the refused finding shows only the three refused connections and selects one.
#[test]
fn clicking_a_finding_shows_its_connections_alone() {
    let mut h = harness();
    open(&mut h, &sample("refused.pcap"));
    assert_eq!(super::tests::timeline(&h).shown_connections, 4);
    h.get_by_label_contains("refused (SYN answered by RST)")
        .click();
    h.run();
    let st = &h.state().state;
    let tl = &st.loaded.as_ref().unwrap().timeline;
    assert_eq!(tl.shown_connections, 3);
    assert_eq!(st.finding_focus, Some(0));
    let sel = st.selection.expect("a refused connection is selected");
    let c = &st.loaded.as_ref().unwrap().capture.connections[sel as usize];
    assert_eq!(c.server.port, 8081);
    h.get_by_label("Show all connections").click();
    h.run();
    let tl = &h.state().state.loaded.as_ref().unwrap().timeline;
    assert_eq!(tl.shown_connections, 4);
    assert_eq!(h.state().state.finding_focus, None);
}

/// The pile-up sample raises the pile-up finding in the app, as in `portlife report`; a profile
/// switch recomputes the list and drops a stale focus.
#[test]
fn the_no_keepalive_sample_lists_its_pileup_and_profile_switch_recomputes() {
    let mut h = harness();
    open(&mut h, &sample("http-no-keepalive.pcap"));
    let kinds = |h: &egui_kittest::Harness<'static, super::PortlifeApp>| {
        let l = h.state().state.loaded.as_ref().unwrap();
        l.derived
            .findings
            .iter()
            .map(|f| format!("{:?}", f.kind))
            .collect::<Vec<_>>()
    };
    assert!(
        kinds(&h).contains(&"TimeWaitPileup".to_string()),
        "{:?}",
        kinds(&h)
    );
    let i = h
        .state()
        .state
        .loaded
        .as_ref()
        .unwrap()
        .derived
        .findings
        .iter()
        .position(|f| format!("{:?}", f.kind) == "TimeWaitPileup")
        .unwrap();
    h.state_mut().state.focus_finding(i);
    h.run();
    assert_eq!(super::tests::timeline(&h).shown_connections, 500);
    h.state_mut()
        .state
        .set_profile(portlife::ports::ProfileKind::Windows);
    h.run();
    assert_eq!(h.state().state.finding_focus, None);
    // Linux's even ports 32768–60999 fall partly outside Windows' 49152–65535.
    assert!(
        kinds(&h).contains(&"ClientPortsOutsideProfile".to_string()),
        "{:?}",
        kinds(&h)
    );
}

/// Snapshot of the default sample: six ports of a Windows browser, each Assigned → Active →
/// TimeWait; a visual regression shows up as a failing test with a diff image.
#[test]
fn default_sample_snapshot() {
    let mut h = harness();
    open(&mut h, &PathBuf::from(crate::cli::DEFAULT_SAMPLE));
    h.run();
    h.snapshot("timeline_default_sample");
    // Click the first port's Active span: the details panel lists its transitions.
    h.get_by_label("192.168.1.23:54321 Active span").click();
    // The ladder reads the connection's packets on a worker thread: wait for it, so the picture
    // does not depend on how busy the machine is.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !matches!(
        h.state().state.inspector.ladder.slot,
        super::inspector::ladder::state::LadderSlot::Ready(_)
            | super::inspector::ladder::state::LadderSlot::Failed { .. }
    ) {
        assert!(
            std::time::Instant::now() < deadline,
            "ladder not read in 30 s"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    h.snapshot("timeline_default_sample_selected");
}

/// The app derives the port model once per profile: the loader's `auto` model is shown as is,
/// a filter change reuses it (the timeline, the occupancy chart and the pool map all read that
/// one model), and a profile switch replaces it with the report's model under that profile.
#[test]
fn filters_reuse_the_derived_model_and_a_profile_switch_replaces_it() {
    use std::sync::Arc;
    let mut h = harness();
    let path = sample("http-no-keepalive.pcap");
    open(&mut h, &path);
    let loaded = |h: &egui_kittest::Harness<'static, super::PortlifeApp>| {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        (Arc::clone(&l.derived), Arc::clone(&l.capture))
    };
    let (first, capture) = loaded(&h);
    assert!(Arc::ptr_eq(
        &first,
        capture.auto.as_ref().expect("the loader's model")
    ));
    let st = &mut h.state_mut().state;
    st.filters.port_min = 42_000; // its client ports run 41774–42772
    st.rebuild();
    h.run();
    let (after_filter, _) = loaded(&h);
    assert!(Arc::ptr_eq(&first, &after_filter));
    let shown = super::tests::timeline(&h).shown_connections;
    assert!(shown < 500, "the filter hid some connections ({shown})");

    h.state_mut()
        .state
        .set_profile(portlife::ports::ProfileKind::Windows);
    h.run();
    let (windows, _) = loaded(&h);
    assert!(!Arc::ptr_eq(&first, &windows));
    assert_eq!(windows.ports.profile.name, "windows");
    // The same model and findings `portlife report --profile windows` derives.
    let report = portlife::analysis::analyze_file_with_profile(
        &path,
        portlife::ports::Profile::Windows,
        Default::default(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&*windows.ports).unwrap(),
        serde_json::to_value(&report.ports).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&windows.findings).unwrap(),
        serde_json::to_value(&report.findings).unwrap()
    );
}

/// A capture of UDP alone: the status bar's peak (UDP ports count in the pools, as in the report)
/// is dated within the capture, not from the Unix epoch.
#[test]
fn a_udp_only_capture_dates_its_peak_within_the_capture() {
    let mut h = harness();
    open(&mut h, &sample("udp-dns-ntp.pcap"));
    let tl = &h.state().state.loaded.as_ref().unwrap().timeline;
    assert_eq!(tl.total_connections, 0);
    assert_eq!(tl.peak.ports, 2, "{:?}", tl.peak);
    assert!(
        tl.capture_end < 60.0,
        "axis from the first exchange: {}",
        tl.capture_end
    );
    assert!(
        (0.0..=tl.capture_end).contains(&tl.peak.at),
        "peak at {} s, capture ends at {} s",
        tl.peak.at,
        tl.capture_end
    );
}

/// A clicked finding shows its explanation and advice under the list, where a class can read
/// them without hovering, and its commands without the backticks of the source text.
#[test]
fn a_clicked_finding_shows_its_advice_readably() {
    let mut h = harness();
    open(&mut h, &sample("http-no-keepalive.pcap"));
    let (i, advice) = {
        let l = h.state().state.loaded.as_ref().unwrap();
        let (i, f) = l
            .derived
            .findings
            .iter()
            .enumerate()
            .find(|(_, f)| f.advice.contains('`'))
            .expect("a finding whose advice names a command");
        (i, f.advice.replace('`', ""))
    };
    let title = h.state().state.loaded.as_ref().unwrap().derived.findings[i]
        .title
        .clone();
    h.get_by_label(&title).click();
    h.run();
    assert_eq!(h.state().state.finding_focus, Some(i));
    h.get_by_label(&advice);
    h.get_by_label_contains("Book: ch");
    assert!(
        h.query_all_by_label_contains("`").next().is_none(),
        "no raw backtick on screen"
    );
}

/// 96 alike TIME-WAIT pile-ups (8 clients × 12 server endpoints) are one folded row, as the
/// report folds them: the strip stays a few lines, unfolding lists every pair, and clicking one
/// shows its connections alone.
#[test]
fn many_alike_findings_fold_into_one_row_that_unfolds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many-pairs.pcap");
    let file = std::fs::File::create(&path).unwrap();
    portlife::synth::write_scenario("many-pairs", portlife::synth::DEFAULT_SEED, 10, file).unwrap();
    let mut h = harness();
    open(&mut h, &path);
    let n = h
        .state()
        .state
        .loaded
        .as_ref()
        .unwrap()
        .derived
        .findings
        .len();
    assert_eq!(n, 96);
    let group = "96 TIME-WAIT pile-ups (10000 connections in all)";
    h.get_by_label(group);
    let member = "105 short connections from 10.1.0.11 to 10.2.0.21:80";
    assert!(
        h.query_by_label_contains(member).is_none(),
        "folded at first"
    );
    h.get_by_label(group).click();
    h.run();
    h.get_by_label_contains(member).click();
    h.run();
    let st = &h.state().state;
    let focus = st.finding_focus.expect("a member is focused");
    let f = &st.loaded.as_ref().unwrap().derived.findings[focus];
    assert!(f.title.starts_with(member), "{}", f.title);
    assert_eq!(super::tests::timeline(&h).shown_connections, 105);
}
