//! egui_kittest tests of the pool map window on the bundled samples: its counters are the
//! report's counts at the time cursor, switching the OS profile changes the number of cells, and
//! a snapshot of the exhaustion sample's full pool (also the book's and README's picture).

use std::path::{Path, PathBuf};
use std::time::Instant;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use portlife::analysis;

use super::profile::CustomParams;
use super::PortlifeApp;
use portlife::ports::ProfileKind;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn harness() -> Harness<'static, PortlifeApp> {
    super::tests::harness_sized(1400.0, 900.0)
}

/// Open `path` through the real loader thread, then open the pool map from the toolbar.
fn open_with_pool_map(h: &mut Harness<'static, PortlifeApp>, path: &Path) {
    super::tests::open(h, path);
    h.get_by_label("Pool map").click();
    h.run();
    assert!(h.state().state.pool_map.open, "the toolbar toggle opens it");
}

#[test]
fn pool_map_counters_equal_the_report_inside_the_time_wait_pile_up() {
    let path = sample("http-no-keepalive.pcap");
    let mut h = harness();
    open_with_pool_map(&mut h, &path);
    // 3 s in: about 300 of the 500 short connections are closed and in TIME-WAIT.
    h.state_mut().state.time_cursor = Some(3.0);
    h.run();
    let at_ns = h
        .state()
        .state
        .loaded
        .as_ref()
        .expect("loaded")
        .timeline
        .abs_ns(3.0);
    // The report's numbers: the library's occupancy step of the client at that instant.
    let a = analysis::analyze_file(&path, Default::default()).expect("sample reads");
    let host = a.ports.hosts.first().expect("one client host");
    let step = host.at(at_ns);
    assert!(step.time_wait > 100, "inside the pile-up: {step:?}");
    let size = a.ports.profile.range_size();
    assert_eq!(size, 28232, "auto guesses Linux for this sample");
    h.get_by_label(&format!("Available: {}", size - step.held()));
    h.get_by_label(&format!("Assigned: {}", step.assigned));
    h.get_by_label(&format!("Active: {}", step.active));
    h.get_by_label(&format!("TimeWait: {}", step.time_wait));
    h.get_by_label(&format!("Occupancy: {:.1} %", step.occupancy_pct));
    // The port choice reading: every port even, 2 apart.
    h.get_by_label_contains("Every port is even");
}

#[test]
fn switching_profile_redraws_the_grid_with_the_new_range() {
    let mut h = harness();
    open_with_pool_map(&mut h, &sample("http-no-keepalive.pcap"));
    h.get_by_label_contains("28232 ports (32768–60999)");
    h.state_mut().state.set_profile(ProfileKind::Windows);
    h.run();
    h.get_by_label_contains("16384 ports (49152–65535)");
    // This Linux client's ports (41774–42772) are all below Windows' range: marked outside.
    h.get_by_label_contains("500 ports used outside 49152–65535");
    // FreeBSD's 55 536 cells, drawn every frame; the frame time is printed, not asserted.
    h.state_mut().state.set_profile(ProfileKind::FreeBsd);
    h.state_mut().state.show_frame_time = true;
    h.run();
    h.get_by_label_contains("55536 ports (10000–65535)");
    let frames = 20;
    let started = Instant::now();
    for _ in 0..frames {
        h.step();
    }
    eprintln!(
        "pool map, 55536 cells: {:.2} ms per frame (UI build, smoothed {:.2} ms)",
        started.elapsed().as_secs_f64() * 1000.0 / frames as f64,
        h.state().state.frame_ms
    );
}

/// The exhaustion sample's real range, 40000–40199 with a 60 s TIME-WAIT, as the custom profile.
pub(super) fn exhaustion_range(state: &mut super::state::AppState) {
    state.custom = CustomParams {
        lo: 40000,
        hi: 40199,
        time_wait_s: 60,
    };
    state.profile = ProfileKind::Custom;
}

/// The exhaustion sample under its real range (40000–40199, narrowed `ip_local_port_range`), the
/// map open at 5 s: with that range the grid is the whole pool and every cell is TIME-WAIT.
fn exhaustion_at_5s() -> Harness<'static, PortlifeApp> {
    let mut h = harness();
    exhaustion_range(&mut h.state_mut().state);
    open_with_pool_map(&mut h, &sample("port-exhaustion.pcap"));
    h.state_mut().state.time_cursor = Some(5.0);
    h.run();
    h
}

#[test]
fn pool_map_exhaustion_snapshot() {
    let mut h = exhaustion_at_5s();
    h.get_by_label("Available: 0");
    h.get_by_label("TimeWait: 200");
    h.get_by_label("Occupancy: 100.0 %");
    h.get_by_label_contains("Even ports first, then odd ones");
    h.snapshot("pool_map_exhaustion");
}

#[test]
fn hovering_a_cell_names_its_connection_and_clicking_selects_it() {
    let mut h = exhaustion_at_5s();
    let grid = h.get_by_label("port pool grid").rect();
    // The first cell is port 40000.
    let pos = grid.min + egui::vec2(3.0, 3.0);
    h.hover_at(pos);
    h.run();
    h.get_by_label("port 40000 — TimeWait");
    let expected = {
        let st = &h.state().state;
        let l = st.loaded.as_ref().expect("loaded");
        let conn = l
            .capture
            .connections
            .iter()
            .filter(|c| c.client.port == 40000)
            .min_by_key(|c| c.start_ns)
            .expect("a connection on 40000");
        conn.id
    };
    h.get_by_label_contains(&format!("connection #{expected} to 10.0.0.5:8080"));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run();
    assert_eq!(h.state().state.selection, Some(expected));
}

/// Without choosing a profile, the app judges the exhaustion sample against the range its
/// client proved (40000–40199): the status bar, the pool map and the critical finding agree on
/// 100 %, instead of 0.71 % of Linux's 28 232 ports beside "200 of 200".
#[test]
fn auto_takes_the_observed_range_and_every_view_agrees() {
    let mut h = harness();
    open_with_pool_map(&mut h, &sample("port-exhaustion.pcap"));
    h.state_mut().state.time_cursor = Some(5.0);
    h.run();
    h.get_by_label("Occupancy: 100.0 %");
    h.get_by_label("Available: 0");
    h.get_by_label_contains("(100.00 % of the range)");
    h.get_by_label_contains("200 of 200 client ports held at once (100 %)");
}
