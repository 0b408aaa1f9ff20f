//! The book's pictures of the app (`book/src/images/*.png`), made by driving the real app on the
//! samples each chapter names, in the light theme (the book's pages are light), each cropped to
//! the part the text talks about. Run by `scripts/book-screenshots.sh`; ignored in the suite,
//! since rendering is the software renderer's and the pictures are committed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;

use super::inspector::ladder::state::LadderSlot;
use super::inspector::state::Tab;
use super::PortlifeApp;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn light_harness() -> Harness<'static, PortlifeApp> {
    let h = super::tests::harness_sized(1400.0, 900.0);
    h.ctx.set_theme(egui::ThemePreference::Light);
    h
}

/// The views panel under the timeline (tabs and their content), without the side panels.
fn views_rect(h: &Harness<'static, PortlifeApp>) -> egui::Rect {
    let tl = h.state().state.timeline_view.rect.expect("timeline drawn");
    // The status bar is one line of about 24 points at the window's foot.
    let bottom = h.ctx.content_rect().bottom() - 30.0;
    egui::Rect::from_x_y_ranges(tl.x_range(), tl.bottom()..=bottom)
}

fn save(h: &mut Harness<'static, PortlifeApp>, rect: egui::Rect, name: &str) {
    let img = h.render().expect("render");
    let (w, hh) = (img.width() as usize, img.height() as usize);
    let color = egui::ColorImage::from_rgba_premultiplied([w, hh], img.as_raw());
    let ppp = w as f32 / h.ctx.content_rect().width();
    let png = super::timeline::export::crop_png(&color, rect, ppp).expect("crop");
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("book/src/images")
        .join(name);
    std::fs::write(&out, png).expect("write picture");
    println!("wrote {}", out.display());
}

fn wait_ladder(h: &mut Harness<'static, PortlifeApp>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !matches!(h.state().state.inspector.ladder.slot, LadderSlot::Ready(_)) {
        assert!(Instant::now() < deadline, "ladder not read in 30 s");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(8);
}

#[test]
#[ignore = "writes the book's pictures: scripts/book-screenshots.sh"]
fn book_pictures() {
    // Table and Ladder: the default sample, port 54321 selected (ch02, appendix A).
    let mut h = light_harness();
    super::tests::open(&mut h, &sample("browser-burst.pcap"));
    h.get_by_label("192.168.1.23:54321 Active span").click();
    h.run();
    wait_ladder(&mut h);
    let r = views_rect(&h);
    save(&mut h, r, "ladder.png");
    h.state_mut().state.inspector.tab = Tab::Table;
    h.run();
    let r = views_rect(&h);
    save(&mut h, r, "table.png");

    // States: the no-keep-alive recording, a connection in ESTABLISHED (ch02).
    let mut h = light_harness();
    super::tests::open(&mut h, &sample("real-http-no-keepalive.pcap"));
    let (conn, at) = {
        let l = h.state().state.loaded.as_ref().expect("loaded");
        let c = &l.capture.connections[0];
        let t = &c.client_side.transitions;
        let i = t
            .iter()
            .position(|t| t.to == portlife::tcp::TcpState::Established)
            .expect("established");
        // Halfway between the handshake and the client's next change: ESTABLISHED.
        let mid = (t[i].ts_ns + t.get(i + 1).map_or(t[i].ts_ns, |n| n.ts_ns)) / 2;
        (c.id, (mid - l.timeline.t0_ns) as f64 / 1e9)
    };
    h.state_mut().state.selection = Some(conn);
    h.state_mut().state.time_cursor = Some(at);
    h.state_mut().state.inspector.tab = Tab::States;
    h.run();
    h.get_by_label("client: ESTABLISHED");
    let r = views_rect(&h);
    save(&mut h, r, "states.png");

    // Occupancy and the pool map: the exhaustion sample under its real range (ch10).
    let mut h = light_harness();
    super::tests_pool_map::exhaustion_range(&mut h.state_mut().state);
    super::tests::open(&mut h, &sample("port-exhaustion.pcap"));
    h.state_mut().state.inspector.tab = Tab::Occupancy;
    h.state_mut().state.time_cursor = Some(5.0);
    h.run();
    let r = views_rect(&h);
    save(&mut h, r, "occupancy.png");
    h.get_by_label("Pool map").click();
    h.run();
    h.get_by_label("TimeWait: 200");
    let grid = h.get_by_label("port pool grid").rect();
    let counters = h.get_by_label("Occupancy: 100.0 %").rect();
    let choice = h
        .get_by_label_contains("Even ports first, then odd ones")
        .rect();
    let window = grid.union(counters).union(choice).expand(12.0);
    save(&mut h, window, "pool-map.png");
}
