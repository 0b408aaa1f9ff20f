//! egui_kittest tests that drive the real app: open a capture through the loader thread, find
//! rows and spans by their accessible labels, hover, click, switch the OS profile, open a bad
//! file; and a snapshot of the timeline.
//!
//! The capture is written by the test (deterministic, three kinds of connection) so the tests do
//! not depend on a sample produced elsewhere.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use etherparse::PacketBuilder;
use portlife::source::PcapWriter;

use super::PortlifeApp;
use portlife::ports::Phase;

const CLIENT: [u8; 4] = [10, 0, 0, 2];
const SERVER: [u8; 4] = [93, 184, 216, 34];
const T0: i64 = 1_700_000_000_000_000_000;
const MS: i64 = 1_000_000;

/// Flags of one segment.
#[derive(Clone, Copy)]
enum F {
    Syn,
    SynAck,
    Ack,
    FinAck,
    Rst,
    RstAck,
}

fn frame(from_client: bool, cport: u16, flags: F) -> Vec<u8> {
    let (src, dst, sp, dp) = if from_client {
        (CLIENT, SERVER, cport, 80)
    } else {
        (SERVER, CLIENT, 80, cport)
    };
    let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .tcp(sp, dp, 1000, 64240);
    let b = match flags {
        F::Syn => b.syn(),
        F::SynAck => b.syn().ack(1001),
        F::Ack => b.ack(1001),
        F::FinAck => b.fin().ack(1001),
        F::Rst => b.rst(),
        F::RstAck => b.rst().ack(1001),
    };
    let mut out = Vec::new();
    b.write(&mut out, &[]).expect("write frame");
    out
}

/// Three connections from 10.0.0.2 to 93.184.216.34:80:
/// - port 40001: handshake, client closes first → TIME-WAIT on the client;
/// - port 40002: SYN answered by RST (refused);
/// - port 40003: handshake, server closes first → the client's port is free at once.
fn write_capture(path: &Path) {
    use F::*;
    let script: &[(i64, bool, u16, F)] = &[
        (0, true, 40001, Syn),
        (10, false, 40001, SynAck),
        (20, true, 40001, Ack),
        (300, true, 40002, Syn),
        (310, false, 40002, RstAck),
        (500, true, 40003, Syn),
        (510, false, 40003, SynAck),
        (520, true, 40003, Ack),
        (1500, true, 40001, FinAck),
        (1510, false, 40001, FinAck),
        (1520, true, 40001, Ack),
        (2500, false, 40003, FinAck),
        (2510, true, 40003, FinAck),
        (2520, false, 40003, Ack),
    ];
    let _ = Rst;
    let file = std::fs::File::create(path).expect("create capture");
    let mut w = PcapWriter::new(std::io::BufWriter::new(file), 1).expect("pcap header");
    for (ms, from_client, port, flags) in script {
        w.write_packet(T0 + ms * MS, &frame(*from_client, *port, *flags))
            .expect("write packet");
    }
    w.flush().expect("flush");
}

pub(super) fn temp_capture(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("three.pcap");
    write_capture(&p);
    p
}

pub(super) fn harness() -> Harness<'static, PortlifeApp> {
    harness_sized(1400.0, 700.0)
}

/// The app in a `width` × `height` window, tooltips without delay, frame time hidden.
pub(super) fn harness_sized(width: f32, height: f32) -> Harness<'static, PortlifeApp> {
    let ctx = egui::Context::default();
    let mut app = PortlifeApp::new(&ctx, None);
    app.state.show_frame_time = false;
    Harness::builder()
        // Background work (the loader, the ladder's packet reader) keeps requesting frames
        // until it is done; on a busy machine that takes more than kittest's default 4 steps.
        .with_max_steps(2000)
        .with_size([width, height])
        .with_context_setup(|ctx| ctx.all_styles_mut(|s| s.interaction.tooltip_delay = 0.0))
        .build_ui_state(|ui, app: &mut PortlifeApp| app.show(ui), app)
}

/// Open `path` through the real loader thread and wait for it.
pub(super) fn open(h: &mut Harness<'static, PortlifeApp>, path: &Path) {
    open_without_settling(h, path);
    h.run();
}

/// The open capture's timeline.
pub(super) fn timeline<'a>(
    h: &'a Harness<'static, PortlifeApp>,
) -> &'a super::timeline::model::Timeline {
    &h.state()
        .state
        .loaded
        .as_ref()
        .expect("a capture is open")
        .timeline
}

/// The TIME-WAIT span of the client's port 40001, in seconds.
fn time_wait_len(h: &Harness<'static, PortlifeApp>) -> f64 {
    let tl = &h.state().state.loaded.as_ref().expect("loaded").timeline;
    let row = tl
        .rows
        .iter()
        .find(|r| r.port == 40001 && !r.server_side)
        .expect("row 40001");
    let s = row
        .spans
        .iter()
        .find(|s| s.phase == Phase::TimeWait)
        .expect("a TIME-WAIT span");
    s.end - s.start
}

#[test]
fn rows_for_each_client_port_exist() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    for port in [40001, 40002, 40003] {
        h.get_by_label(&format!("10.0.0.2:{port}"));
    }
    h.get_by_label("10.0.0.2 — 3 client ports");
    // The server closed 40003 first: its TIME-WAIT is on the server's own row.
    h.get_by_label("93.184.216.34:80");
}

#[test]
fn hovering_a_span_shows_its_four_tuple_and_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("10.0.0.2:40001 TimeWait span").hover();
    h.run();
    h.get_by_label("10.0.0.2:40001 -> 93.184.216.34:80");
    h.get_by_label_contains("waits in TIME-WAIT for 60 s because this host closed first");
    h.get_by_label_contains("client TIME-WAIT");
}

#[test]
fn clicking_a_span_selects_it_and_lists_transitions() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("10.0.0.2:40001 Active span").click();
    h.run();
    let sel = h.state().state.selection.expect("a selection");
    let conn = &h.state().state.loaded.as_ref().unwrap().capture.connections[sel as usize];
    assert_eq!(conn.client.port, 40001);
    h.get_by_label("Connection");
    h.get_by_label("CLOSED -> SYN-SENT");
    h.get_by_label("ESTABLISHED -> FIN-WAIT-1");
    assert!(
        h.query_all_by_label("FIN-WAIT-2 -> TIME-WAIT").count()
            + h.query_all_by_label("FIN-WAIT-1 -> TIME-WAIT").count()
            + h.query_all_by_label("CLOSING -> TIME-WAIT").count()
            > 0
    );
    // Frame numbers are Wireshark's (1-based): the SYN is frame #1.
    h.get_by_label("#1");
}

#[test]
fn switching_profile_to_windows_stretches_time_wait() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("OS profile").click();
    h.run();
    h.get_by_label("Linux").click();
    h.run();
    assert!((time_wait_len(&h) - 60.0).abs() < 1e-6);
    h.get_by_label("OS profile").click();
    h.run();
    let linux_view = h.state().state.view;
    h.get_by_label("Windows").click();
    h.run();
    assert!((time_wait_len(&h) - 120.0).abs() < 1e-6);
    h.get_by_label_contains("TIME-WAIT 120 s");
    // The view refits to the longer waits, and Linux's 60 s stay outlined beside them.
    let st = &h.state().state;
    let extent = timeline(&h).extent;
    assert!(
        st.view.end >= extent.1 - 1e-6,
        "{:?} vs {extent:?}",
        st.view
    );
    assert!(
        st.view.end > linux_view.end + 50.0,
        "refit after the switch"
    );
    let ghost = st.ghost.as_ref().expect("the previous profile is outlined");
    assert_eq!(ghost.label, "Linux (modern)");
    h.get_by_label("where each TIME-WAIT ended under Linux (modern) before the switch");
    h.get_by_label("Hide").click();
    h.run();
    assert!(h.state().state.ghost.is_none());
}

#[test]
fn a_bad_file_shows_an_error_and_keeps_the_open_capture() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    let bad = dir.path().join("bad.pcap");
    std::fs::write(&bad, b"this is not a capture file at all").unwrap();
    open(&mut h, &bad);
    h.get_by_label_contains("Could not open");
    h.get_by_label("10.0.0.2:40001");
    let l = h.state().state.loaded.as_ref().unwrap();
    assert!(l.path.ends_with("three.pcap"));
}

#[test]
fn timeline_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.run();
    h.snapshot("timeline_three_connections");
    h.get_by_label("OS profile").click();
    h.run();
    h.get_by_label("Windows").click();
    h.run();
    h.snapshot("timeline_three_connections_windows");
}

/// The app in Traditional Chinese: chosen in the toolbar's language menu, the panels, the group
/// header, the status bar and the hover sentence speak Chinese, and the CJK font is loaded (so
/// the glyphs are not boxes; `.ci/run` installs fonts-noto-cjk).
#[test]
fn the_app_speaks_traditional_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("Language").click();
    h.run();
    h.get_by_label("繁體中文").click();
    h.run();
    h.run();
    assert_eq!(h.state().state.lang, portlife::i18n::Lang::ZhTw);
    h.get_by_label("過濾條件");
    h.get_by_label("作業系統設定檔");
    h.get_by_label("埠的階段：");
    h.get_by_label("10.0.0.2 — 3 個用戶端埠");
    h.get_by_label("3 條連線");
    h.get_by_label("10.0.0.2:40001 TimeWait span").hover();
    h.run();
    h.get_by_label_contains("因為這台主機先關閉，在 TIME-WAIT 中等待 60 s");
    assert!(
        matches!(h.state().state.cjk_font, super::i18n::CjkFont::Loaded(_)),
        "no CJK font loaded ({:?}): install {}",
        h.state().state.cjk_font,
        super::i18n::CJK_FONT_PACKAGE
    );
    // And back: English texts return.
    h.get_by_label("語言").click();
    h.run();
    h.get_by_label("English").click();
    h.run();
    h.get_by_label("Filters");
}

/// A synthetic capture model with `n` connections from 50 hosts, fed through the real tracker.
fn synthetic_model(n: u32) -> super::derived::CaptureModel {
    use portlife::decode::{Decoded, Endpoint, TcpFlags, TcpOptions, TcpSegment};
    use std::net::{IpAddr, Ipv4Addr};
    let mut t = portlife::tcp::Tracker::new();
    let server = Endpoint::new(IpAddr::V4(Ipv4Addr::new(10, 9, 0, 1)), 443);
    let mut idx = 0u64;
    let mut push =
        |t: &mut portlife::tcp::Tracker, ts: i64, src: Endpoint, dst: Endpoint, f: u8| {
            let seg = TcpSegment {
                src,
                dst,
                seq: 1,
                ack: 1,
                flags: TcpFlags(f),
                window: 1000,
                payload_len: 0,
                options: TcpOptions::default(),
                ttl: 64,
            };
            t.push(idx, ts, &Decoded::Tcp(seg));
            idx += 1;
        };
    const S: u8 = TcpFlags::SYN;
    const A: u8 = TcpFlags::ACK;
    const FIN: u8 = TcpFlags::FIN;
    for i in 0..n {
        let host = IpAddr::V4(Ipv4Addr::new(10, 0, (i % 50) as u8, 2));
        let c = Endpoint::new(host, 32768 + ((i / 50) % 28000) as u16);
        let ts = T0 + i as i64 * 3 * MS;
        push(&mut t, ts, c, server, S);
        push(&mut t, ts + MS, server, c, S | A);
        push(&mut t, ts + 2 * MS, c, server, A);
        push(&mut t, ts + 200 * MS, c, server, FIN | A);
        push(&mut t, ts + 201 * MS, server, c, FIN | A);
        push(&mut t, ts + 202 * MS, c, server, A);
    }
    let end = t.last_ts_ns().unwrap_or(T0);
    t.finish(end);
    let (connections, udp) = t.into_parts();
    super::derived::CaptureModel {
        file: "synthetic".into(),
        packets: idx,
        connections,
        udp,
        capture_end_ns: end,
        ..Default::default()
    }
}

/// Frame time on 100 000 connections: fit-all (every span binned to pixels), then zoomed in and
/// panned. Prints the numbers (no timing assertion: the machine is shared); asserts the view
/// still draws rows.
#[test]
fn frame_time_with_100k_connections() {
    let model = synthetic_model(100_000);
    assert_eq!(model.connections.len(), 100_000);
    let mut h = harness();
    h.state_mut()
        .state
        .install(PathBuf::from("synthetic-100k"), model);
    h.run();
    let measure = |h: &mut Harness<'static, PortlifeApp>, label: &str| {
        let steps = 20;
        let start = Instant::now();
        for _ in 0..steps {
            h.step();
        }
        let per = start.elapsed().as_secs_f64() * 1000.0 / steps as f64;
        println!(
            "frame time, 100k connections, {label}: {per:.2} ms per frame (app ui {:.2} ms)",
            h.state().state.frame_ms
        );
    };
    measure(&mut h, "fit all");
    let v = h.state().state.view;
    h.state_mut().state.view.zoom(50.0, (v.start + v.end) / 2.0);
    measure(&mut h, "zoomed ×50");
    for _ in 0..20 {
        h.state_mut().state.view.pan(0.5);
        h.step();
    }
    measure(&mut h, "after panning");
    h.get_by_label("10.0.0.2:32768");
}

/// For `scripts/bench.sh --app` (BENCHMARKS.md), not the suite: on the capture named by
/// `PORTLIFE_BENCH_FILE`, the time from "open" to the first frame of its timeline beside the
/// library's analysis alone (what `portlife report` spends before printing), then frame times
/// while panning and zooming, and a profile switch. Prints; asserts only that rows are drawn.
#[test]
#[ignore = "benchmark: run by scripts/bench.sh --app on a large capture"]
fn first_frame_and_frame_times_on_a_large_capture() {
    let Some(path) = std::env::var_os("PORTLIFE_BENCH_FILE").map(PathBuf::from) else {
        println!("PORTLIFE_BENCH_FILE not set: nothing to measure");
        return;
    };
    let t = Instant::now();
    let a = portlife::analysis::analyze_file(&path, Default::default()).expect("readable");
    let analysis_s = t.elapsed().as_secs_f64();
    let conns = a.connections.len();
    drop(a);
    let mut h = harness();
    let t = Instant::now();
    open_without_settling(&mut h, &path);
    h.step();
    let first_frame_s = t.elapsed().as_secs_f64();
    println!(
        "app: {conns} connections; analysis {analysis_s:.3} s, first frame of the timeline {first_frame_s:.3} s ({:.2}x)",
        first_frame_s / analysis_s
    );
    // One frame = one harness step: the app's UI code and egui's layout and tessellation (the
    // GPU's part is not in it).
    let measure = |h: &mut Harness<'static, PortlifeApp>, label: &str, pan: f64| {
        let (mut worst, mut total) = (0.0f64, 0.0);
        for _ in 0..20 {
            if pan != 0.0 {
                h.state_mut().state.view.pan(pan);
            }
            let t = Instant::now();
            h.step();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            worst = worst.max(ms);
            total += ms;
        }
        println!(
            "app: {label}: {:.2} ms per frame on average, {worst:.2} ms at worst",
            total / 20.0
        );
    };
    measure(&mut h, "fit all", 0.0);
    measure(&mut h, "fit all, panning", 0.05);
    let v = h.state().state.view;
    h.state_mut().state.view.zoom(50.0, (v.start + v.end) / 2.0);
    measure(&mut h, "zoomed x50, panning", 0.5);
    for p in [
        portlife::ports::ProfileKind::Windows,
        portlife::ports::ProfileKind::Linux,
    ] {
        let t = Instant::now();
        h.state_mut().state.set_profile(p);
        let switch_ms = t.elapsed().as_secs_f64() * 1000.0;
        h.step();
        println!(
            "app: switch to {p:?}: {switch_ms:.1} ms to re-derive, {:.1} ms with the next frame",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    assert!(!timeline(&h).rows.is_empty());
}

/// [`open`] without running the app until it settles: the load, then nothing drawn yet.
fn open_without_settling(h: &mut Harness<'static, PortlifeApp>, path: &Path) {
    let ctx = h.ctx.clone();
    h.state_mut().state.open(path.to_path_buf(), &ctx);
    let job = h.state_mut().state.loading.as_mut().expect("a load job");
    let result = job.wait(Duration::from_secs(600)).expect("loader answered");
    let st = &mut h.state_mut().state;
    st.loading = None;
    st.finish_load(path.to_path_buf(), result);
}

fn sample_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).join(name)
}

/// The default sample opens as what it is, a Windows client: the status bar says so and its
/// ports wait 120 s in TIME-WAIT, without choosing anything.
#[test]
fn the_default_sample_opens_as_windows_with_120_s_time_wait() {
    let mut h = harness();
    open(&mut h, &sample_path("browser-burst.pcap"));
    h.run();
    h.get_by_label_contains("guessed windows");
    h.get_by_label_contains("TIME-WAIT 120 s");
    let tl = timeline(&h);
    let tw: Vec<f64> = tl
        .rows
        .iter()
        .flat_map(|r| r.spans.iter())
        .filter(|s| s.phase == Phase::TimeWait)
        .map(|s| s.end - s.start)
        .collect();
    assert_eq!(tw.len(), 6);
    assert!(tw.iter().all(|d| (d - 120.0).abs() < 1e-6), "{tw:?}");
}

/// The per-host menu gives one host its own profile; the others keep theirs.
#[test]
fn one_host_gets_its_own_profile_from_the_per_host_menu() {
    let mut h = harness_sized(1600.0, 800.0);
    open(&mut h, &sample_path("proxy.pcap"));
    h.run();
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    let before = timeline(&h).profile_of(ip("192.168.1.23")).clone();
    assert_eq!(before.name, "windows");
    assert_eq!(timeline(&h).profile_of(ip("192.168.1.31")).name, "linux");
    h.get_by_label("Per host").click_accesskit();
    h.run();
    h.get_by_label_contains("192.168.1.31: Linux").hover();
    h.run();
    h.get_by_label("macOS").click();
    h.run();
    let tl = timeline(&h);
    assert_eq!(tl.profile_of(ip("192.168.1.31")).name, "macos");
    assert_eq!(tl.profile_of(ip("192.168.1.23")), &before);
    assert_eq!(tl.profile_of(ip("10.0.1.10")).name, "linux");
    assert_eq!(
        h.state().state.host_profiles,
        vec![(ip("192.168.1.31"), portlife::ports::ProfileKind::MacOs)]
    );
}

/// A refused connection lasts a fraction of a millisecond — far less than a pixel on a timeline
/// that shows the 60 s TIME-WAIT beside it — and can still be hovered and clicked.
#[test]
fn a_refused_connection_can_be_hovered_and_clicked() {
    let mut h = harness();
    open(&mut h, &sample_path("refused.pcap"));
    h.run();
    let label = "10.0.0.2:51016 Assigned span";
    h.get_by_label(label).hover();
    h.run();
    h.get_by_label_contains("10.0.0.2:51016 -> ");
    h.get_by_label(label).click();
    h.run();
    let sel = h
        .state()
        .state
        .selection
        .expect("the refused connection is selected");
    let c = &h.state().state.loaded.as_ref().unwrap().capture.connections[sel as usize];
    assert_eq!(c.client.port, 51016);
    assert_eq!(c.outcome, portlife::tcp::Outcome::Refused);
}

/// A capture cut short says so where it cannot be missed, with what was read.
#[test]
fn a_cut_capture_shows_a_banner_with_what_was_read() {
    let mut h = harness();
    let cut = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/malformed/cut-mid-packet.pcap"
    ));
    open(&mut h, &cut);
    h.run();
    h.get_by_label_contains(
        "! This capture is cut short or damaged (capture truncated at byte 2300",
    );
    h.get_by_label_contains("the 9 packets read before it are shown");
    // A whole file has no banner.
    open(&mut h, &sample_path("browser-burst.pcap"));
    h.run();
    assert_eq!(
        h.query_all_by_label_contains("cut short or damaged")
            .count(),
        0
    );
}

/// Ctrl+O opens a capture as File › Open… does: the path field is there at once (the native
/// dialog, when the desktop has one, opens beside it).
#[test]
fn ctrl_o_opens_the_open_dialog_and_the_path_field() {
    let mut h = harness();
    h.run();
    assert!(!h.state().state.show_path_input);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run();
    assert!(h.state().state.show_path_input);
}

/// DNS and NTP use ephemeral ports too: UDP flows are drawn on their ports' rows, marked UDP,
/// hoverable, and listed in the table.
#[test]
fn udp_flows_are_drawn_hovered_and_listed() {
    let mut h = harness();
    open(&mut h, &sample_path("udp-dns-ntp.pcap"));
    h.run();
    let tl = timeline(&h);
    let udp_flows = h.state().state.loaded.as_ref().unwrap().capture.udp.len();
    assert!(udp_flows > 0);
    assert_eq!(tl.shown_udp, udp_flows);
    let row = tl
        .rows
        .iter()
        .find(|r| r.spans.iter().any(|s| s.udp))
        .expect("a row of UDP spans");
    assert!(row.label.ends_with(" UDP"), "{}", row.label);
    let label = format!("{} Active span", row.label);
    h.get_by_label(&format!("· {udp_flows} UDP flows"));
    h.get_by_label(&label).hover();
    h.run();
    h.get_by_label_contains("UDP has no handshake and no TIME-WAIT");
    // Clicking a UDP flow selects no TCP connection.
    h.get_by_label(&label).click();
    h.run();
    assert_eq!(h.state().state.selection, None);
    h.get_by_label("Table").click();
    h.run();
    h.get_by_label_contains(&format!("{udp_flows} UDP flows)"));
    assert!(!h
        .query_all_by_label("UDP flow")
        .collect::<Vec<_>>()
        .is_empty());
}

/// The first screen starts the story: the Ladder tab offers the capture's first connection.
#[test]
fn the_ladder_tab_offers_the_first_connection_to_start_with() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    assert_eq!(h.state().state.selection, None);
    h.get_by_label_contains("Start here: the first connection, from ")
        .click();
    h.run();
    let st = &h.state().state;
    let sel = st.selection.expect("a connection selected");
    let conns = &st.loaded.as_ref().unwrap().capture.connections;
    let first = conns.iter().map(|c| c.start_ns).min().unwrap();
    assert_eq!(conns[sel as usize].start_ns, first);
}

/// Two bursts three days apart: the axis is broken between them instead of squeezing both
/// into slivers at its ends, the break says how long it was, and replay jumps over it.
#[test]
fn days_without_a_packet_break_the_time_axis() {
    use F::*;
    const DAY: i64 = 86_400_000 * MS;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-bursts.pcap");
    {
        let file = std::fs::File::create(&path).unwrap();
        let mut w = PcapWriter::new(std::io::BufWriter::new(file), 1).unwrap();
        for (base, port) in [(0, 40001), (3 * DAY, 40005)] {
            for (ms, from_client, flags) in [
                (0, true, Syn),
                (10, false, SynAck),
                (20, true, Ack),
                (1500, true, FinAck),
                (1510, false, FinAck),
                (1520, true, Ack),
            ] {
                w.write_packet(T0 + base + ms * MS, &frame(from_client, port, flags))
                    .unwrap();
            }
        }
        w.flush().unwrap();
    }
    let mut h = harness();
    open(&mut h, &path);
    let tl = timeline(&h);
    assert_eq!(tl.breaks.len(), 1, "{:?}", tl.breaks);
    let b = tl.breaks[0];
    assert!(b.from < 200.0 && b.to > 3.0 * 86_400.0 - 1.0, "{b:?}");
    // Drawn, the whole capture is a few minutes long and each burst a visible share of it.
    let drawn = tl.squeeze(tl.extent.1) - tl.squeeze(tl.extent.0);
    assert!(drawn < 300.0, "{drawn}");
    assert!((tl.unsqueeze(tl.squeeze(b.to + 5.0)) - (b.to + 5.0)).abs() < 1e-6);
    let days = super::timeline::model::fmt_duration(b.to - b.from);
    assert!(days.starts_with("2 d 23 h"), "{days}");
    h.get_by_label(&format!("{days} without a packet"));
    h.get_by_label("10.0.0.2:40005");
    // Replay in the silence goes straight to its end.
    h.state_mut().state.time_cursor = Some(b.from + 10.0);
    h.state_mut().state.inspector.replay.playing = true;
    h.step();
    let t = h.state().state.time_cursor.unwrap();
    assert!(t >= b.to, "{t} vs {b:?}");
}

/// A TIME-WAIT a RST cut short is said to be so, not blamed on a reusing SYN (the real
/// loopback recording: port 34129's wait ends at the crafted RST 0.6 s in).
#[test]
fn a_time_wait_ended_by_a_rst_says_so() {
    let mut h = harness();
    open(&mut h, &sample_path("real-time-wait-early-exit.pcap"));
    h.get_by_label("127.0.0.1:34129 TimeWait span").hover();
    h.run();
    h.get_by_label_contains("a RST from the other end ended the wait after");
    // The port's first wait, cut by the reusing SYN (its second runs the full 60 s).
    h.get_all_by_label("127.0.0.1:43819 TimeWait span")
        .next()
        .expect("a TIME-WAIT on port 43819")
        .hover();
    h.run();
    h.get_by_label_contains("a new SYN reused the same 4-tuple");
}

/// Presentation mode, for a projector: everything 1.5× and text at full contrast.
#[test]
fn presentation_mode_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_sized(1600.0, 1000.0);
    open(&mut h, &temp_capture(&dir));
    let ctx = h.ctx.clone();
    h.state_mut().state.set_presentation(&ctx, true);
    h.run();
    assert_eq!(
        h.ctx.zoom_factor(),
        super::state::AppState::PRESENTATION_ZOOM
    );
    h.get_by_label("10.0.0.2:40001");
    h.snapshot("presentation_mode");
}

/// At thousands of rows: "Go to" brings a host:port into sight (unfolding its host), and the
/// overview strip scrolls to where it is clicked.
#[test]
fn go_to_and_the_overview_strip_reach_any_row() {
    let mut h = harness();
    h.state_mut()
        .state
        .install(PathBuf::from("synthetic-3000"), synthetic_model(3000));
    h.run();
    let target = "10.0.49.2:32827";
    assert!(h.query_by_label(target).is_none(), "not in sight at first");
    h.state_mut()
        .state
        .collapsed
        .insert("10.0.49.2".parse().unwrap());
    h.get_by_label("Go to:").click();
    h.run();
    h.get_by_label("Go to:").type_text(target);
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label(target);
    assert!(!h
        .state()
        .state
        .collapsed
        .contains(&"10.0.49.2".parse().unwrap()));
    // The top of the strip: the first rows; its bottom: the last ones.
    let strip = h.get_by_label("Overview of all rows").rect();
    let click = |h: &mut Harness<'static, PortlifeApp>, y: f32| {
        let at = egui::pos2(strip.center().x, y);
        h.hover_at(at);
        h.step();
        h.drag_at(at);
        h.step();
        h.drop_at(at);
        h.run();
        h.state().state.timeline_view.scrolled.0
    };
    let top = click(&mut h, strip.top() + 1.0);
    assert!(top < 500.0, "{top}");
    h.get_by_label("10.0.0.2:32768 Active span");
    let bottom = click(&mut h, strip.bottom() - 1.0);
    assert!(bottom > 40_000.0, "{bottom}");
    h.get_by_label(target);
}

/// `text` without its bracketed parts, innermost first (a message inside a message goes too).
fn outside_brackets(text: &str) -> String {
    let mut s = text.to_string();
    while let Some(close) = s.find(']') {
        let Some(open) = s[..close].rfind('[') else {
            break;
        };
        s.replace_range(open..=close, " ");
    }
    s
}

/// The app in the pseudo-locale (every English message in brackets), on a capture with a
/// connection selected and its hover sentence shown: every word of every widget's text is
/// inside brackets, or is data (addresses, numbers, the file's name, TCP state and flag names,
/// OS names), or is one of the accessible names tests find widgets by. A text written in the
/// code instead of the resources would be found here.
#[test]
fn the_pseudo_locale_leaves_no_app_text_outside_the_resources() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    h.state_mut().state.lang = portlife::i18n::Lang::Pseudo;
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("10.0.0.2:40001 TimeWait span").click();
    h.run();
    h.get_by_label("10.0.0.2:40001 TimeWait span").hover();
    h.run();
    assert!(h.query_by_label("[Filters]").is_some());
    // Names that are the same in every language, and the data on screen.
    let mut names: Vec<String> = [
        "SYN-SENT",
        "SYN-RECEIVED",
        "ESTABLISHED",
        "FIN-WAIT-1",
        "FIN-WAIT-2",
        "CLOSE-WAIT",
        "CLOSING",
        "LAST-ACK",
        "TIME-WAIT",
        "CLOSED",
        "LISTEN",
        "Linux",
        "Windows",
        "macOS",
        "FreeBSD",
        "English",
        "three.pcap",
        "portlife-timeline.svg",
        "2×MSL",
    ]
    .map(str::to_string)
    .to_vec();
    let capture = &h.state().state.loaded.as_ref().unwrap().capture;
    names.extend(capture.connections.iter().map(|c| c.history.to_string()));
    // Accessible names the tests find widgets by (ours, and egui's own), English on purpose.
    let accessible = [
        "Port timeline",
        "Time axis",
        "Overview of all rows",
        "Resize panel",
    ];
    // One text per widget; a label wrapped over lines is a widget per line, so the texts are
    // read in order as one, and a message's brackets may open on one and close on another.
    use egui_kittest::kittest::NodeT;
    let mut all = String::new();
    for node in h.query_all(egui_kittest::kittest::By::new()) {
        let ak = node.accesskit_node();
        for text in [ak.label(), ak.value()].into_iter().flatten() {
            // Accessible names of spans and cells, which the tests query in English.
            if text.ends_with(" span") || text.ends_with(" cell") || accessible.contains(&&*text) {
                continue;
            }
            // A label cut at the window's edge ends in … before its closing bracket.
            if text.starts_with('[') && text.ends_with('…') {
                continue;
            }
            all.push_str(&text);
            all.push('\n');
        }
    }
    let mut bare = std::collections::BTreeSet::new();
    for line in outside_brackets(&all).lines() {
        let words: Vec<String> = line
            .split(|c: char| c.is_whitespace() || "(),:;·→<>=/|".contains(c))
            .filter(|w| !w.is_empty())
            .filter(|w| w.parse::<std::net::IpAddr>().is_err())
            .filter(|w| w.parse::<std::net::SocketAddr>().is_err())
            .filter(|w| !names.iter().any(|n| n == w))
            // Acronyms: flags, protocols, formats (SYN-ACK, UTC, PNG).
            .filter(|w| !w.chars().all(|c| c.is_ascii_uppercase() || c == '-'))
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 1)
            .map(str::to_string)
            .collect();
        if !words.is_empty() {
            bare.insert(format!("{line:?}: {words:?}"));
        }
    }
    assert!(bare.is_empty(), "text outside the resources:\n{bare:#?}");
}
