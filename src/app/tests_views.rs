//! egui_kittest tests of the views under the timeline: ladder, state diagram, occupancy chart, connection
//! table, replay and SVG export, driven through the real app (loader and ladder threads
//! included), plus the pure view-model functions behind them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use etherparse::PacketBuilder;
use portlife::source::PcapWriter;

use super::inspector::ladder::model::LadderItem;
use super::inspector::ladder::state::LadderSlot;
use super::inspector::state::Tab;
use super::inspector::{ladder, occupancy, replay, states, table};
use super::profile::CustomParams;
use super::tests::{harness, open, temp_capture};
use super::PortlifeApp;
use portlife::ports::Phase;
use portlife::ports::ProfileKind;

const CLIENT: [u8; 4] = [10, 0, 0, 2];
const SERVER: [u8; 4] = [93, 184, 216, 34];
const T0: i64 = 1_700_000_000_000_000_000;
const MS: i64 = 1_000_000;
const ISN_C: u32 = 1000;
const ISN_S: u32 = 5000;

/// One scripted segment: time (ms), from the client?, flags, seq, ack, payload length.
struct Seg(i64, bool, &'static str, u32, u32, usize);

fn seg_frame(s: &Seg) -> Vec<u8> {
    let Seg(_, from_client, flags, seq, ack, len) = *s;
    let (src, dst, sp, dp) = if from_client {
        (CLIENT, SERVER, 40001, 80)
    } else {
        (SERVER, CLIENT, 80, 40001)
    };
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src, dst, 64)
        .tcp(sp, dp, seq, 64240);
    for f in flags.chars() {
        b = match f {
            'S' => b.syn(),
            'F' => b.fin(),
            'R' => b.rst(),
            'P' => b.psh(),
            'A' => b.ack(ack),
            _ => b,
        };
    }
    let mut out = Vec::new();
    b.write(&mut out, &vec![0x61; len]).expect("write frame");
    out
}

/// One HTTP-like connection 10.0.0.2:40001 → 93.184.216.34:80: handshake, a 100-byte request,
/// 8 × 1000-byte response segments (the third sent twice: a retransmission), client ACK, then
/// the client closes first (FIN, FIN, ACK). 18 packets.
fn write_http(path: &Path) {
    let c = ISN_C + 1;
    let s = ISN_S + 1;
    let mut script = vec![
        Seg(0, true, "S", ISN_C, 0, 0),
        Seg(10, false, "SA", ISN_S, c, 0),
        Seg(20, true, "A", c, s, 0),
        Seg(30, true, "PA", c, s, 100),
        Seg(40, false, "A", s, c + 100, 0),
    ];
    for k in 0..8u32 {
        script.push(Seg(
            50 + i64::from(k),
            false,
            "A",
            s + k * 1000,
            c + 100,
            1000,
        ));
    }
    script.push(Seg(300, false, "A", s + 2000, c + 100, 1000));
    script.push(Seg(310, true, "A", c + 100, s + 8000, 0));
    script.push(Seg(1500, true, "FA", c + 100, s + 8000, 0));
    script.push(Seg(1510, false, "FA", s + 8000, c + 101, 0));
    script.push(Seg(1520, true, "A", c + 101, s + 8001, 0));
    let file = std::fs::File::create(path).expect("create capture");
    let mut w = PcapWriter::new(std::io::BufWriter::new(file), 1).expect("pcap header");
    for seg in &script {
        w.write_packet(T0 + seg.0 * MS, &seg_frame(seg))
            .expect("write packet");
    }
    w.flush().expect("flush");
}

fn http_capture(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("http.pcap");
    write_http(&p);
    p
}

/// A window tall enough for the ladder's rows to be on screen.
fn tall_harness() -> Harness<'static, PortlifeApp> {
    let ctx = egui::Context::default();
    let mut app = PortlifeApp::new(&ctx, None);
    app.state.show_frame_time = false;
    Harness::builder()
        // Background work (the loader, the ladder's packet reader) keeps requesting frames
        // until it is done; on a busy machine that takes more than kittest's default 4 steps.
        .with_max_steps(2000)
        .with_size([1500.0, 1100.0])
        .build_ui_state(|ui, app: &mut PortlifeApp| app.show(ui), app)
}

/// Select the only connection by clicking its Active span, then wait for its ladder.
fn select_and_wait_ladder(h: &mut Harness<'static, PortlifeApp>, span: &str) {
    h.get_by_label(span).click();
    h.step();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // step, not run: the spinner repaints while the worker reads.
        h.step();
        match &h.state().state.inspector.ladder.slot {
            LadderSlot::Ready(_) => break,
            LadderSlot::Failed { error, .. } => panic!("ladder failed: {error}"),
            _ if Instant::now() > deadline => panic!("ladder not read in 30 s"),
            _ => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    h.run_steps(8);
}

fn y_of(h: &Harness<'static, PortlifeApp>, label: &str) -> f32 {
    h.get_by_label(label).rect().center().y
}

#[test]
fn selecting_a_connection_shows_its_ladder_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = tall_harness();
    open(&mut h, &http_capture(&dir));
    assert_eq!(h.state().state.inspector.tab, Tab::Ladder);
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    // Handshake, the folded request/response run, then the close, top to bottom.
    let order = [
        "#1 SYN ->",
        "#2 SYN-ACK <-",
        "#3 ACK ->",
        "12 segments: 100 B in 2 -> · 9.0 KB in 10 <- (1 retransmitted)",
        "#16 FIN-ACK ->",
        "#17 FIN-ACK <-",
        "#18 ACK ->",
    ];
    let ys: Vec<f32> = order.iter().map(|l| y_of(&h, l)).collect();
    assert!(
        ys.windows(2).all(|w| w[0] < w[1]),
        "arrows out of order: {ys:?}"
    );
    // Unfold the run: the retransmission is its own arrow, marked.
    h.get_by_label(order[3]).click();
    h.run();
    ladder::go_to_packet(&mut h.state_mut().state, 13);
    h.run();
    h.get_by_label("#14 data <-");
    h.get_by_label("packet 14 of 18 (frame #14)");
    let LadderSlot::Ready(ladder) = &h.state().state.inspector.ladder.slot else {
        unreachable!()
    };
    assert!(ladder.packets[13].retransmission);
    assert!(!ladder.packets[12].retransmission);
}

#[test]
fn stepping_the_ladder_moves_the_shared_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = tall_harness();
    open(&mut h, &http_capture(&dir));
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    h.get_by_label("Next packet >").click();
    h.run();
    h.get_by_label("packet 1 of 18 (frame #1)");
    assert_eq!(h.state().state.time_cursor, Some(0.0));
    // The → key steps too.
    h.key_press(egui::Key::ArrowRight);
    h.run();
    h.get_by_label("packet 2 of 18 (frame #2)");
    let t = h.state().state.time_cursor.expect("cursor");
    assert!((t - 0.010).abs() < 1e-9, "cursor at {t}");
    h.get_by_label("< Previous packet").click();
    h.run();
    h.get_by_label("packet 1 of 18 (frame #1)");
    // A cursor placed elsewhere (replay, timeline) moves the ladder's packet.
    h.state_mut().state.time_cursor = Some(1.505);
    h.run();
    h.get_by_label("packet 16 of 18 (frame #16)");
}

#[test]
fn state_diagram_highlights_established_between_handshake_and_fin() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &http_capture(&dir));
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    h.get_by_label("States").click();
    h.run();
    h.state_mut().state.time_cursor = Some(0.5);
    h.run();
    h.get_by_label("client: ESTABLISHED");
    h.get_by_label("server: ESTABLISHED");
    h.get_by_label("port phase: Active");
    h.get_by_label("state ESTABLISHED (client, server)");
    // The client's FIN: FIN-WAIT-1; the server's FIN-ACK: FIN-WAIT-2 / LAST-ACK; the client's
    // last ACK: TIME-WAIT, and the port waits.
    h.state_mut().state.time_cursor = Some(1.505);
    h.run();
    h.get_by_label("client: FIN-WAIT-1");
    h.get_by_label("server: ESTABLISHED");
    h.state_mut().state.time_cursor = Some(1.515);
    h.run();
    h.get_by_label("client: FIN-WAIT-2");
    h.get_by_label("server: LAST-ACK");
    // After the capture's last packet (1.52 s) the wait goes on by the profile's timer.
    h.state_mut().state.time_cursor = Some(2.0);
    h.run();
    h.get_by_label("client: TIME-WAIT (by the profile's timer)");
    h.get_by_label("server: CLOSED");
    h.get_by_label("port phase: TimeWait");
    // Before the SYN-ACK the client waits in SYN-SENT; its port is only Assigned.
    h.state_mut().state.time_cursor = Some(0.005);
    h.run();
    h.get_by_label("client: SYN-SENT");
    h.get_by_label("port phase: Assigned");
}

#[test]
fn past_the_last_packet_every_view_agrees_with_the_time_wait_timer() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = tall_harness();
    open(&mut h, &http_capture(&dir));
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    let (tw_start, tw_end) = {
        let tl = super::tests::timeline(&h);
        let tw = tl
            .rows
            .iter()
            .flat_map(|r| &r.spans)
            .find(|s| s.phase == Phase::TimeWait);
        let tw = tw.expect("the client's TIME-WAIT");
        (tw.start, tw.end)
    };
    assert!(
        (tw_start - 1.52).abs() < 1e-6,
        "TIME-WAIT starts at the last ACK"
    );
    h.get_by_label("States").click();
    h.run();
    // 10 s after the capture's last packet the client still waits, by its profile's timer.
    h.state_mut().state.time_cursor = Some(tw_start + 10.0);
    h.run();
    h.get_by_label("client: TIME-WAIT (by the profile's timer)");
    h.get_by_label("server: CLOSED");
    h.get_by_label("port phase: TimeWait");
    h.get_by_label("Ladder").click();
    h.run();
    h.get_by_label(
        "after the last packet: client TIME-WAIT (by the profile's timer) · server CLOSED",
    );
    h.get_by_label("States").click();
    h.run();
    // Once 2×MSL has passed the socket is gone and the port Available: no view says TIME-WAIT.
    h.state_mut().state.time_cursor = Some(tw_end + 1.0);
    h.run();
    h.get_by_label("client: CLOSED (by the profile's timer)");
    h.get_by_label("port phase: Available");
    h.get_by_label("Ladder").click();
    h.run();
    h.get_by_label("after the last packet: client CLOSED (by the profile's timer) · server CLOSED");
    h.get_by_label("Table").click();
    h.run();
    h.get_by_label("CLOSED (by the profile's timer) / CLOSED");
    // Space plays from there (the cursor is at the end, so it starts over) and pauses.
    h.key_press(egui::Key::Space);
    h.step();
    assert!(h.state().state.inspector.replay.playing, "Space plays");
    h.key_press(egui::Key::Space);
    h.step();
    assert!(!h.state().state.inspector.replay.playing, "Space pauses");
}

/// Drag the splitter above the views panel (the timeline's bottom edge) to height `y`.
fn drag_splitter_to(h: &mut Harness<'static, PortlifeApp>, y: f32) {
    let r = h.state().state.timeline_view.rect.expect("timeline drawn");
    let from = egui::pos2(r.center().x, r.bottom() + 1.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=4 {
        h.hover_at(egui::pos2(from.x, from.y + (y - from.y) * k as f32 / 4.0));
        h.step();
    }
    h.drop_at(egui::pos2(from.x, y));
    h.run_steps(4);
}

fn timeline_height(h: &Harness<'static, PortlifeApp>) -> f32 {
    h.state()
        .state
        .timeline_view
        .rect
        .expect("timeline drawn")
        .height()
}

#[test]
fn the_timeline_keeps_its_height_whatever_the_splitter_and_tabs_do() {
    use super::inspector::{MIN_TIMELINE_H, MIN_VIEWS_H};
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &http_capture(&dir));
    let default_h = timeline_height(&h);
    assert!(default_h >= MIN_TIMELINE_H, "{default_h}");
    // Splitter dragged to the top of the window: the timeline keeps its minimum.
    drag_splitter_to(&mut h, 0.0);
    let top = timeline_height(&h);
    assert!((MIN_TIMELINE_H - 1.0..default_h).contains(&top), "{top}");
    // Every tab, the ladder unfolded: still there.
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    for tab in ["States", "Occupancy", "Table", "Ladder"] {
        h.get_by_label(tab).click();
        h.run();
        assert!(
            timeline_height(&h) >= MIN_TIMELINE_H - 1.0,
            "{tab}: {}",
            timeline_height(&h)
        );
    }
    // Dragged to the bottom: the views keep theirs, the timeline takes the rest.
    let window_h = h.ctx.content_rect().height();
    drag_splitter_to(&mut h, window_h);
    let bottom = timeline_height(&h);
    assert!(bottom > default_h, "{bottom} vs {default_h}");
    let views_top = h.state().state.timeline_view.rect.unwrap().bottom();
    assert!(
        window_h - views_top >= MIN_VIEWS_H,
        "views panel {}",
        window_h - views_top
    );
    // View › Reset layout gives the default back.
    h.get_by_label("View").click_accesskit();
    h.run();
    h.get_by_label("Reset layout").click();
    h.run_steps(4);
    let reset = timeline_height(&h);
    assert!((reset - default_h).abs() < 20.0, "{reset} vs {default_h}");
    assert!(reset < bottom - 50.0, "{reset} vs dragged {bottom}");
}

#[test]
fn state_diagram_counts_each_edge_over_the_capture() {
    let dir = tempfile::tempdir().unwrap();
    let path = http_capture(&dir);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let cap = super::derived::load(&path, |_| {}, &cancel).expect("load");
    let counts = states::model::transition_counts(&cap);
    let edge = |from, to| {
        states::model::EDGES
            .iter()
            .find(|e| e.from.state() == from && e.to.state() == to)
            .map(|e| states::model::edge_count(&counts, e))
            .expect("edge of Figure 5")
    };
    use portlife::tcp::TcpState::*;
    assert_eq!(edge(Listen, SynReceived), 1);
    assert_eq!(edge(SynSent, Established), 1);
    assert_eq!(edge(SynReceived, Established), 1);
    assert_eq!(edge(Established, FinWait1), 1);
    assert_eq!(edge(Established, CloseWait), 1);
    assert_eq!(edge(CloseWait, LastAck), 1);
    assert_eq!(edge(SynSent, SynReceived), 0);
    assert_eq!(edge(FinWait1, FinWait2), 1);
    assert_eq!(edge(FinWait2, TimeWait), 1);
    assert_eq!(edge(LastAck, Closed), 1);
    // Every change of a normal close is an edge of Figure 5.
    assert_eq!(states::model::off_figure(&counts), vec![]);
}

/// The port-exhaustion sample under its real range (40000–40199, 60 s TIME-WAIT).
fn exhaustion_custom() -> CustomParams {
    CustomParams {
        lo: 40000,
        hi: 40199,
        time_wait_s: 60,
    }
}

const EXHAUSTION: &str = "samples/port-exhaustion.pcap";

#[test]
fn occupancy_of_the_exhaustion_sample_crosses_the_critical_line() {
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let cap = super::derived::load(Path::new(EXHAUSTION), |_| {}, &cancel).expect("load");
    let m = occupancy::model::port_model(&cap, ProfileKind::Custom, exhaustion_custom());
    let host = occupancy::model::busiest_host(&m).expect("a host");
    assert_eq!(host.to_string(), "10.0.0.2");
    let t0 = cap.connections.iter().map(|c| c.start_ns).min().unwrap();
    let chart = occupancy::model::chart(occupancy::model::pool(&m, host, None).unwrap(), t0);
    assert!(chart.max_held_pct() >= occupancy::model::CRITICAL_PCT);
    // Crossed while the first wave sat in TIME-WAIT: at 30 s every port waits.
    let at_30 = chart
        .time_wait_count
        .iter()
        .rev()
        .find(|p| p[0] <= 30.0)
        .expect("a point before 30 s");
    assert_eq!(at_30[1], 200.0);
    // Under the stock Linux range the same 200 ports are under 1 %.
    let linux = occupancy::model::port_model(&cap, ProfileKind::Linux, exhaustion_custom());
    let c = occupancy::model::chart(occupancy::model::pool(&linux, host, None).unwrap(), t0);
    assert!(c.max_held_pct() < 1.0);

    // The panel draws it and says so.
    let mut h = harness();
    h.state_mut().state.custom = exhaustion_custom();
    h.state_mut().state.profile = ProfileKind::Custom;
    open(&mut h, Path::new(EXHAUSTION));
    h.get_by_label("Occupancy").click();
    h.run();
    h.get_by_label_contains("crosses the 80 % critical line");
}

#[test]
fn table_sorts_and_its_selection_moves_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("Table").click();
    h.run();
    h.get_by_label("3 of 3 connections");
    // Sort by duration, then reverse: the refused connection (shortest) moves first then last.
    h.get_by_label("duration").click();
    h.run();
    let rows = |h: &Harness<'static, PortlifeApp>| {
        let st = &h.state().state;
        let (_, r) = st.inspector.table.rows.as_ref().expect("rows");
        let order = table::model::view(r, &st.inspector.table.filter, st.inspector.table.sort);
        order
            .iter()
            .map(|i| r[*i].client.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(&h)[0], "10.0.0.2:40002");
    h.get_by_label("duration ^").click();
    h.run();
    assert_eq!(rows(&h)[2], "10.0.0.2:40002");
    h.get_by_label("duration v");
    // Selecting a row selects the connection and zooms the timeline onto it.
    h.state_mut().state.fit_all();
    h.get_by_label("10.0.0.2:40002 -> 93.184.216.34:80").click();
    h.run();
    let st = &h.state().state;
    let sel = st.selection.expect("selected");
    let l = st.loaded.as_ref().unwrap();
    assert_eq!(l.capture.connections[sel as usize].client.port, 40002);
    let (a, b) = l.timeline.connection_extent(sel).unwrap();
    assert!(st.view.start <= a && b <= st.view.end);
    // …and the timeline took the request to scroll its row into sight.
    assert_eq!(st.timeline_view.reveal, None);
    assert!(st.view.width() < l.timeline.extent.1 - l.timeline.extent.0);
    // The "at cursor" column follows the shared cursor: at 1 s two connections are open.
    h.state_mut().state.time_cursor = Some(1.0);
    h.run();
    assert_eq!(h.query_all_by_label("ESTABLISHED / ESTABLISHED").count(), 2);
    // The filter box narrows the rows.
    h.state_mut().state.inspector.table.filter = "refused".into();
    h.run();
    h.get_by_label("1 of 3 connections");
}

#[test]
fn table_copies_marked_rows_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_capture(&dir);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let cap = super::derived::load(&path, |_| {}, &cancel).expect("load");
    let rows = table::model::rows(&cap, cap.connections[0].start_ns);
    let csv = table::model::to_csv(rows.iter().filter(|r| r.client.ends_with(":40002")));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("client,server,generation,start_s"));
    assert!(lines[1].starts_with("10.0.0.2:40002,93.184.216.34:80,0,0.300000,"));
    assert!(lines[1].contains("refused (SYN answered by RST)"));
}

#[test]
fn replay_steps_through_state_changes_and_plays() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    h.get_by_label("State change >>").click();
    h.run();
    assert_eq!(h.state().state.time_cursor, Some(0.0));
    h.get_by_label("State change >>").click();
    h.run();
    let t = h.state().state.time_cursor.unwrap();
    assert!((t - 0.010).abs() < 1e-9, "second change at {t}");
    h.get_by_label("<< State change").click();
    h.run();
    assert_eq!(h.state().state.time_cursor, Some(0.0));
    // Play at ×1: the cursor moves forward on its own; at ×1000 it soon stops at the end.
    h.state_mut().state.inspector.replay.speed = 1.0;
    h.get_by_label("Play").click();
    for _ in 0..5 {
        h.step();
    }
    let t = h.state().state.time_cursor.unwrap();
    assert!(t > 0.0);
    h.get_by_label("Pause");
    h.state_mut().state.inspector.replay.speed = 1000.0;
    // Replay ends when the last TIME-WAIT has expired, past the last packet.
    let tl = super::tests::timeline(&h);
    let end = tl.extent.1;
    assert!(
        end > tl.capture_end + 30.0,
        "a TIME-WAIT outlasts the capture"
    );
    for _ in 0..400 {
        h.step();
        if !h.state().state.inspector.replay.playing {
            break;
        }
    }
    assert_eq!(h.state().state.time_cursor, Some(end));
    assert!(!h.state().state.inspector.replay.playing);
}

#[test]
fn clicking_the_time_axis_places_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    assert_eq!(h.state().state.time_cursor, None);
    h.get_by_label("Time axis").click();
    h.run();
    let st = &h.state().state;
    let t = st.time_cursor.expect("cursor placed");
    assert!(st.view.start < t && t < st.view.end);
}

#[test]
fn export_writes_the_visible_window_as_svg() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness();
    open(&mut h, &temp_capture(&dir));
    let out = dir.path().join("view.svg");
    h.state_mut().state.timeline_view.export.path = out.display().to_string();
    h.get_by_label("Export SVG").click();
    h.step();
    assert!(
        h.state().state.timeline_view.export.job.is_some(),
        "export started"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.state().state.timeline_view.export.status.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        h.run();
    }
    let status = h
        .state()
        .state
        .timeline_view
        .export
        .status
        .clone()
        .expect("export finished");
    assert!(status.starts_with("saved"), "{status}");
    let svg = std::fs::read_to_string(&out).expect("svg written");
    assert!(svg.contains("<svg"));
    assert!(svg.contains("40001"));
    // Drawn from the model on screen, it is what a fresh read of the file under the same
    // profiles draws (`portlife export --svg`).
    let st = &h.state().state;
    let l = st.loaded.as_ref().unwrap();
    let a =
        portlife::analysis::analyze_file_with_profile(&l.path, st.profiles(), Default::default())
            .unwrap();
    let shift = (l.timeline.t0_ns - a.stats.first_ts_ns.unwrap()) as f64 / 1e9;
    let opts = portlife::report::svg::TimelineOptions {
        from_s: Some((st.view.start + shift).max(0.0)),
        to_s: Some(st.view.end + shift),
        max_rows: 200,
    };
    let fresh = portlife::report::svg::timeline_svg(&portlife::report::svg::Figure::of(&a), &opts);
    assert_eq!(svg, fresh);
}

#[test]
fn png_export_crops_to_the_timeline() {
    // A 4×3-pixel window at 2 px per point; the timeline is the 1×1-point square at (1, 0).
    let mut img = egui::ColorImage::filled([4, 3], egui::Color32::BLACK);
    for y in 0..2 {
        for x in 2..4 {
            img.pixels[y * 4 + x] = egui::Color32::from_rgb(200, 10, 10);
        }
    }
    let rect = egui::Rect::from_min_size(egui::pos2(1.0, 0.0), egui::vec2(1.0, 1.0));
    let bytes = super::timeline::export::crop_png(&img, rect, 2.0).expect("png");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!((info.width, info.height), (2, 2));
    assert!(buf[..info.buffer_size()]
        .chunks(4)
        .all(|p| p == [200, 10, 10, 255]));
    // Off screen: an error, not a panic.
    let away = egui::Rect::from_min_size(egui::pos2(50.0, 50.0), egui::vec2(5.0, 5.0));
    assert!(super::timeline::export::crop_png(&img, away, 1.0).is_err());
}

#[test]
fn ladder_model_folds_runs_and_marks_retransmissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = http_capture(&dir);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let cap = super::derived::load(&path, |_| {}, &cancel).expect("load");
    let c = &cap.connections[0];
    let (raw, truncated) = ladder::model::read_packets(&path, c, None, &cancel).expect("read");
    assert!(!truncated);
    assert_eq!(raw.len(), 18);
    let l = ladder::model::build(0, c, &raw, false);
    let kinds: Vec<&str> = l.packets.iter().map(|p| p.kind()).collect();
    assert_eq!(&kinds[..4], &["SYN", "SYN-ACK", "ACK", "data"]);
    assert_eq!(&kinds[15..], &["FIN-ACK", "FIN-ACK", "ACK"]);
    // Relative numbers as Wireshark: the request is seq 1, the response acks 101.
    assert_eq!((l.packets[3].rel_seq, l.packets[3].payload), (1, 100));
    assert_eq!(l.packets[4].rel_ack, 101);
    assert_eq!(l.items.len(), 7);
    let LadderItem::Run(run) = &l.items[3] else {
        panic!("item 3 is not a folded run")
    };
    assert_eq!((run.first, run.end, run.retransmissions), (3, 15, 1));
    assert_eq!(run.server_bytes, 9000);
    // States after each packet, as the capture proves them: the SYN-ACK shows the server in
    // SYN-RECEIVED; the client's ACK shows the client ESTABLISHED (and completes the server's).
    assert_eq!(l.packets[1].client_state.name(), "SYN-SENT");
    assert_eq!(l.packets[1].server_state.name(), "SYN-RECEIVED");
    assert_eq!(l.packets[2].client_state.name(), "ESTABLISHED");
    assert_eq!(l.packets[2].server_state.name(), "ESTABLISHED");
    assert!(l.packets[2].changes_state && !l.packets[3].changes_state);
    assert_eq!(l.packets[17].client_state.name(), "TIME-WAIT");
}

/// Port reuse: each generation of a 4-tuple gets exactly its own packets (the next generation's
/// first packet ends the range), as many as the tracker counted.
#[test]
fn ladder_reads_each_generation_of_a_reused_tuple_apart() {
    let path = Path::new("samples/reuse-in-timewait.pcap");
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let cap = super::derived::load(path, |_| {}, &cancel).expect("load");
    let reused: Vec<_> = cap
        .connections
        .iter()
        .filter(|c| c.generation > 0)
        .collect();
    assert!(!reused.is_empty(), "the sample reuses 4-tuples");
    for c in &cap.connections {
        let next = c
            .next_generation
            .map(|g| cap.connections[g as usize].first_packet_index);
        let (raw, _) = ladder::model::read_packets(path, c, next, &cancel).expect("read");
        assert_eq!(raw.len() as u64, c.packets(), "connection {}", c.id);
        assert_eq!(raw[0].index, c.first_packet_index);
        assert!(raw[0].flags.syn());
        assert!(next.is_none_or(|n| raw.iter().all(|p| p.index < n)));
        let l = ladder::model::build(c.id, c, &raw, false);
        assert_eq!(l.packets.last().unwrap().client_state, c.client_side.state);
    }
}

#[test]
fn replay_model_steps_and_stops_at_the_end() {
    let times = [0.0, 0.01, 0.3];
    assert_eq!(
        replay::model::next_change(&times, f64::NEG_INFINITY),
        Some(0.0)
    );
    assert_eq!(replay::model::next_change(&times, 0.0), Some(0.01));
    assert_eq!(replay::model::next_change(&times, 0.3), None);
    assert_eq!(replay::model::prev_change(&times, 0.3), Some(0.01));
    assert_eq!(replay::model::prev_change(&times, 0.0), None);
    assert_eq!(replay::model::advance(1.0, 0.5, 100.0, 10.0), (10.0, true));
    assert_eq!(replay::model::advance(1.0, 0.01, 100.0, 10.0), (2.0, false));
}

/// Renders each view on a fitting sample into docs/*.png (the screenshots the book links).
/// Run on purpose: `cargo test --bin portlife view_screenshots -- --ignored`.
#[test]
#[ignore = "writes docs/*.png; run on purpose"]
fn view_screenshots() {
    let shot = |h: &mut Harness<'static, PortlifeApp>, name: &str| {
        h.run();
        let img = h.render().expect("render");
        img.save(format!("docs/{name}.png")).expect("save png");
    };
    let big = || {
        let ctx = egui::Context::default();
        let mut app = PortlifeApp::new(&ctx, None);
        app.state.show_frame_time = false;
        Harness::builder()
            // Background work (the loader, the ladder's packet reader) keeps requesting frames
            // until it is done; on a busy machine that takes more than kittest's default 4 steps.
            .with_max_steps(2000)
            .with_size([1500.0, 1150.0])
            .build_ui_state(|ui, app: &mut PortlifeApp| app.show(ui), app)
    };
    let wait_ladder = |h: &mut Harness<'static, PortlifeApp>| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !matches!(h.state().state.inspector.ladder.slot, LadderSlot::Ready(_))
            && Instant::now() < deadline
        {
            h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    // Ladder: one page load of the browser burst (handshake, folded data, close).
    let mut h = big();
    open(&mut h, Path::new("samples/browser-burst.pcap"));
    h.state_mut().state.selection = Some(0);
    h.state_mut().state.zoom_to_selection();
    h.step();
    wait_ladder(&mut h);
    for _ in 0..3 {
        ladder::step(&mut h.state_mut().state, 1);
    }
    shot(&mut h, "ladder");
    // States: one HTTP connection of the no-keep-alive capture, after its request.
    let mut h = big();
    open(&mut h, Path::new("samples/real-http-no-keepalive.pcap"));
    h.state_mut().state.selection = Some(0);
    h.state_mut().state.zoom_to_selection();
    h.step();
    wait_ladder(&mut h);
    for _ in 0..4 {
        ladder::step(&mut h.state_mut().state, 1);
    }
    h.state_mut().state.inspector.tab = Tab::States;
    shot(&mut h, "states");
    // Occupancy: the exhaustion sample under its real range.
    let mut h = big();
    h.state_mut().state.custom = exhaustion_custom();
    h.state_mut().state.profile = ProfileKind::Custom;
    open(&mut h, Path::new(EXHAUSTION));
    h.state_mut().state.inspector.tab = Tab::Occupancy;
    h.state_mut().state.time_cursor = Some(30.0);
    shot(&mut h, "occupancy");
    // Table: the browser burst.
    let mut h = big();
    open(&mut h, Path::new("samples/browser-burst.pcap"));
    h.state_mut().state.inspector.tab = Tab::Table;
    table::select(&mut h.state_mut().state, 3);
    h.state_mut().state.time_cursor = Some(3.0);
    shot(&mut h, "table");
}

/// In Traditional Chinese the views speak Chinese too: the tabs, the ladder's folded run and
/// step buttons, the state diagram, the occupancy verdict, the table's headers and the pool map
/// (its toolbar toggle, grid and port-choice plot); the English tab names are gone. Span names
/// stay English accessible names (the timeline keeps them for tests and screen readers).
#[test]
fn the_views_and_the_pool_map_speak_traditional_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = tall_harness();
    open(&mut h, &http_capture(&dir));
    h.get_by_label("Language").click();
    h.run();
    h.get_by_label("繁體中文").click();
    h.run();
    assert_eq!(h.state().state.lang, portlife::i18n::Lang::ZhTw);
    // Ladder (the default tab): before a selection it says what to do, then the arrows.
    h.get_by_label("封包階梯圖");
    h.get_by_label_contains("即可看到它的封包階梯圖");
    assert!(
        h.query_by_label("Ladder").is_none(),
        "English tab name left"
    );
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    h.get_by_label("下一個封包 >");
    h.get_by_label("12 個區段：100 B（共 2 個區段）-> · 9.0 KB（共 10 個區段）<-（重傳 1 個）");
    h.get_by_label("播放");
    // States: RFC state names stay English inside Chinese sentences.
    h.get_by_label("狀態圖").click();
    h.run();
    h.get_by_label("狀態 ESTABLISHED");
    h.get_by_label_contains("用戶端：");
    // Occupancy: the verdict line.
    h.get_by_label("占用量").click();
    h.run();
    h.get_by_label_contains("尖峰占用量");
    // Table: headers and the copy button.
    h.get_by_label("連線表").click();
    h.run();
    h.get_by_label("持續時間");
    h.get_by_label("複製為 CSV");
    // Pool map: the toolbar toggle opens the window.
    h.get_by_label("埠池地圖").click();
    h.run();
    assert!(h.state().state.pool_map.open, "the toolbar toggle opens it");
    h.get_by_label("埠池方格");
    h.get_by_label_contains("的埠選擇");
}

/// A folder of rotated capture files opens as one capture (merged by time, as `portlife report
/// DIR` reads it), and the ladder re-reads a connection's packets from the same merged stream:
/// frame numbers and order as in the single file.
#[test]
fn a_folder_of_capture_files_opens_as_one_capture_with_its_ladder() {
    let dir = tempfile::tempdir().unwrap();
    let whole = http_capture(&dir);
    let folder = dir.path().join("rotated");
    std::fs::create_dir(&folder).unwrap();
    let mut src = portlife::source::FileSource::open(&whole).unwrap();
    let mut parts: Vec<PcapWriter<std::fs::File>> = ["cap-0.pcap", "cap-1.pcap"]
        .iter()
        .map(|n| PcapWriter::new(std::fs::File::create(folder.join(n)).unwrap(), 1).unwrap())
        .collect();
    let mut n = 0;
    while let Some(p) = src.next_packet() {
        // Alternate packets between the two files: only the merge by time puts them back.
        parts[n % 2].write_packet(p.ts_ns, p.data).unwrap();
        n += 1;
    }
    for w in &mut parts {
        w.flush().unwrap();
    }
    drop(parts);
    let mut h = tall_harness();
    open(&mut h, &folder);
    {
        let l = h.state().state.loaded.as_ref().expect("the folder opened");
        assert_eq!(l.capture.packets, n as u64);
        assert_eq!(l.capture.connections.len(), 1);
    }
    select_and_wait_ladder(&mut h, "10.0.0.2:40001 Active span");
    for label in ["#1 SYN ->", "#2 SYN-ACK <-", "#16 FIN-ACK ->", "#18 ACK ->"] {
        h.get_by_label(label);
    }
}
