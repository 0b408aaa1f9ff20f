//! The pool map window: every port of the profile's ephemeral range for one client host, as a
//! grid of small cells coloured by phase at the shared time cursor — Available included, so
//! exhaustion becomes visible. Beside it, the counters with the 60 % / 80 % thresholds; below,
//! the ports used outside the range and the order in which the host picked its ports.
//!
//! Hover a cell: the port, its phase and the connection holding it; click: select that
//! connection everywhere (`AppState::selection`).

pub mod model;

use egui::{Color32, Mesh, Pos2, Rect, Sense, Vec2};
use portlife::i18n::Lang;
use portlife::ports::choice::{ChoicePattern, ChoiceReading, MIN_CONNECTIONS};
use portlife::ports::occupancy::{CRITICAL_PCT, WARNING_PCT};
use portlife::ports::{Phase, PoolMap, PortState};

use crate::app::pool_map::model::PoolFrame;
use crate::app::state::AppState;
use crate::app::theme;
use crate::app::timeline::model as timeline_model;
use portlife::tr;

/// Smallest cell side, in points: below this, the grid scrolls.
const MIN_CELL: f32 = 2.0;
/// Largest cell side, in points (small ranges).
const MAX_CELL: f32 = 22.0;
/// Height the grid may take before it scrolls.
const GRID_H: f32 = 420.0;

/// Show the window when it is open.
pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    if !state.pool_map.open {
        return;
    }
    let mut open = true;
    egui::Window::new(tr!(state.lang, "pool-map-title"))
        .open(&mut open)
        .default_size([820.0, 640.0])
        .resizable(true)
        .vscroll(true)
        .show(ui.ctx(), |ui| contents(ui, state));
    state.pool_map.open = open;
}

fn contents(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    let Some(loaded) = state.loaded.as_ref() else {
        ui.label(tr!(lang, "pool-map-no-capture"));
        return;
    };
    let Some(frame) = state.pool_map.frame(loaded, state.time_cursor) else {
        ui.label(tr!(lang, "pool-map-no-client-ports"));
        return;
    };
    let extent_end = loaded.timeline.extent.1.max(loaded.timeline.capture_end);
    selectors(ui, state, &frame);
    time_slider(ui, state, frame.at_s, extent_end);
    ui.separator();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width((ui.available_width() - 200.0).max(200.0));
            if let Some(conn) = grid(ui, &frame.map, lang) {
                state.selection = Some(conn);
            }
            if let Some(conn) = outside_strip(ui, &frame.map, lang) {
                state.selection = Some(conn);
            }
        });
        ui.vertical(|ui| counters(ui, &frame, lang));
    });
    ui.separator();
    choice_plot(ui, &frame, state.selection, lang);
}

fn selectors(ui: &mut egui::Ui, state: &mut AppState, f: &PoolFrame) {
    let lang = state.lang;
    ui.horizontal(|ui| {
        let mut host = f.host;
        egui::ComboBox::from_label(tr!(lang, "pool-map-client-host"))
            .selected_text(host.to_string())
            .show_ui(ui, |ui| {
                for h in &f.hosts {
                    ui.selectable_value(
                        &mut host,
                        h.host,
                        tr!(
                            lang,
                            "pool-map-host-choice",
                            host = h.host,
                            count = h.connections
                        ),
                    );
                }
            });
        if host != f.host {
            state.pool_map.host = Some(host);
            state.pool_map.destination = None;
        }
        let mut dest = f.map.destination;
        let text = dest.map_or(tr!(lang, "occupancy-all-destinations"), |d| d.to_string());
        egui::ComboBox::from_label(tr!(lang, "occupancy-destination"))
            .selected_text(text)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut dest, None, tr!(lang, "occupancy-all-destinations"));
                for d in &f.destinations {
                    ui.selectable_value(&mut dest, Some(*d), d.to_string());
                }
            });
        if dest != f.map.destination {
            state.pool_map.destination = dest;
        }
    });
    ui.weak(tr!(
        lang,
        "pool-map-range",
        size = f.map.range_size(),
        lo = f.map.port_lo,
        hi = f.map.port_hi,
        profile = f.profile_label
    ));
}

/// The map's own time slider: it sets the shared time cursor, so replay and the map agree.
fn time_slider(ui: &mut egui::Ui, state: &mut AppState, at_s: f64, end: f64) {
    let lang = state.lang;
    ui.horizontal(|ui| {
        let mut at = at_s;
        let r = ui.add(
            egui::Slider::new(&mut at, 0.0..=end.max(0.001))
                .text(tr!(lang, "details-column-time"))
                .max_decimals(3),
        );
        if r.changed() {
            state.time_cursor = Some(at);
        }
        if ui
            .add_enabled(
                state.time_cursor.is_some(),
                egui::Button::new(tr!(lang, "pool-map-end")),
            )
            .on_hover_text(tr!(lang, "pool-map-end-tooltip"))
            .clicked()
        {
            state.time_cursor = None;
        }
        if state.time_cursor.is_none() {
            ui.weak(tr!(lang, "pool-map-at-end"));
        }
    });
}

/// Colour of a cell: the timeline's phase colours; Available a neutral grey for the theme.
fn cell_colour(p: Phase, dark: bool) -> Color32 {
    match p {
        Phase::Available => theme::available_color(dark),
        held => theme::phase_color(held),
    }
}

/// Cell side and columns so that `n` cells fit `width` × [`GRID_H`] (scrolling below
/// [`MIN_CELL`]).
fn layout(n: usize, width: f32) -> (f32, usize) {
    let n = n.max(1) as f32;
    let side = (width * GRID_H / n).sqrt().clamp(MIN_CELL, MAX_CELL);
    let cols = ((width / side).floor() as usize).max(1);
    (side, cols)
}

/// Draw the grid (visible rows only) and handle hover and click; returns a connection to select.
fn grid(ui: &mut egui::Ui, map: &PoolMap, lang: Lang) -> Option<u32> {
    let n = map.phases.len();
    let (side, cols) = layout(n, ui.available_width());
    let rows = n.div_ceil(cols);
    let dark = ui.visuals().dark_mode;
    let mut picked = None;
    egui::ScrollArea::vertical()
        .id_salt("pool-grid")
        .max_height(GRID_H)
        .show_viewport(ui, |ui, viewport| {
            let size = Vec2::new(cols as f32 * side, rows as f32 * side);
            let (rect, resp) = ui.allocate_exact_size(size, Sense::click());
            resp.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Canvas, true, tr!(lang, "pool-map-grid"))
            });
            let gap = if side >= 5.0 { 1.0 } else { 0.0 };
            let first = ((viewport.min.y / side).floor().max(0.0)) as usize;
            let last = (((viewport.max.y / side).ceil()) as usize).min(rows);
            let mut mesh = Mesh::default();
            for r in first..last {
                for c in 0..cols {
                    let i = r * cols + c;
                    if i >= n {
                        break;
                    }
                    let min = rect.min + Vec2::new(c as f32 * side, r as f32 * side);
                    let cell = Rect::from_min_size(min, Vec2::splat(side - gap));
                    mesh.add_colored_rect(cell, cell_colour(map.phases[i], dark));
                }
            }
            ui.painter().add(egui::Shape::mesh(mesh));
            let port_at = |p: Pos2| -> Option<u16> {
                let v = p - rect.min;
                if v.x < 0.0 || v.y < 0.0 {
                    return None;
                }
                let (c, r) = ((v.x / side) as usize, (v.y / side) as usize);
                let i = r * cols + c;
                (c < cols && i < n).then(|| map.port_lo + i as u16)
            };
            if let Some(port) = resp.hover_pos().and_then(port_at) {
                let st = map.state(port);
                resp.clone()
                    .on_hover_ui_at_pointer(|ui| cell_tooltip(ui, &st, map.at_ns, lang));
                if resp.clicked() {
                    picked = st.holder.filter(|h| !h.udp).map(|h| h.conn);
                }
            }
        });
    picked
}

/// What a hovered cell says: port, phase, the connection holding it and for how long.
fn cell_tooltip(ui: &mut egui::Ui, st: &PortState, at_ns: i64, lang: Lang) {
    ui.strong(tr!(
        lang,
        "pool-map-cell-tooltip",
        port = st.port,
        phase = phase_name(st.phase, lang)
    ));
    match st.holder {
        None => {
            ui.label(tr!(lang, "pool-map-free"));
        }
        Some(h) => {
            let holder = if h.udp {
                tr!(
                    lang,
                    "pool-map-holder-udp",
                    flow = h.conn,
                    remote = h.remote
                )
            } else {
                tr!(
                    lang,
                    "pool-map-holder-tcp",
                    connection = h.conn,
                    remote = h.remote
                )
            };
            ui.label(holder);
            ui.label(tr!(
                lang,
                "pool-map-held-for",
                phase_for = timeline_model::fmt_duration((at_ns - h.phase_since_ns) as f64 / 1e9),
                held_for = timeline_model::fmt_duration((at_ns - h.held_since_ns) as f64 / 1e9)
            ));
            if !h.udp {
                ui.weak(tr!(lang, "pool-map-click-to-select"));
            }
        }
    }
}

/// A phase's name in `lang` (the timeline's names: Available, Assigned, Active, TimeWait).
fn phase_name(p: Phase, lang: Lang) -> String {
    match p {
        Phase::Available => tr!(lang, "phase-available"),
        Phase::Assigned => tr!(lang, "phase-assigned"),
        Phase::Active => tr!(lang, "phase-active"),
        Phase::TimeWait => tr!(lang, "phase-time-wait"),
    }
}

/// Ports the host used outside the range: a strip of cells after the grid.
fn outside_strip(ui: &mut egui::Ui, map: &PoolMap, lang: Lang) -> Option<u32> {
    if map.outside.is_empty() {
        ui.weak(tr!(
            lang,
            "pool-map-none-outside",
            lo = map.port_lo,
            hi = map.port_hi
        ));
        return None;
    }
    ui.colored_label(
        ui.visuals().warn_fg_color,
        tr!(
            lang,
            "pool-map-outside",
            count = map.outside.len(),
            lo = map.port_lo,
            hi = map.port_hi
        ),
    );
    let dark = ui.visuals().dark_mode;
    let mut picked = None;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing = Vec2::splat(2.0);
        for st in &map.outside {
            let (rect, resp) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::click());
            ui.painter()
                .rect_filled(rect, 1.0, cell_colour(st.phase, dark));
            let resp = resp.on_hover_ui(|ui| cell_tooltip(ui, st, map.at_ns, lang));
            if resp.clicked() {
                picked = st.holder.filter(|h| !h.udp).map(|h| h.conn);
            }
        }
    });
    picked
}

/// The counters: ports per phase (the report's numbers) and occupancy against the thresholds.
fn counters(ui: &mut egui::Ui, f: &PoolFrame, lang: Lang) {
    let m = &f.map;
    let dark = ui.visuals().dark_mode;
    let row = |ui: &mut egui::Ui, p: Phase, n: u32| {
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
            ui.painter().rect_filled(r, 1.0, cell_colour(p, dark));
            ui.label(format!("{}: {n}", phase_name(p, lang)));
        });
    };
    ui.strong(tr!(lang, "states-at", time = format!("{:.3}", f.at_s)));
    row(ui, Phase::Available, m.tally.available);
    row(ui, Phase::Assigned, m.report.assigned);
    row(ui, Phase::Active, m.report.active);
    row(ui, Phase::TimeWait, m.report.time_wait);
    let pct = m.report.occupancy_pct;
    let colour = if pct >= CRITICAL_PCT {
        ui.visuals().error_fg_color
    } else if pct >= WARNING_PCT {
        ui.visuals().warn_fg_color
    } else {
        ui.visuals().text_color()
    };
    ui.colored_label(
        colour,
        tr!(lang, "pool-map-occupancy", pct = format!("{pct:.1}")),
    );
    ui.weak(tr!(
        lang,
        if pct >= CRITICAL_PCT {
            "threshold-critical"
        } else if pct >= WARNING_PCT {
            "threshold-warning"
        } else {
            "threshold-below"
        }
    ));
    let cells_held = m.range_size() - m.tally.available
        + m.outside
            .iter()
            .filter(|s| s.phase != Phase::Available)
            .count() as u32;
    if cells_held != m.report.held() {
        ui.weak(tr!(
            lang,
            "pool-map-shared-ports",
            count = m.report.held(),
            ports = cells_held
        ));
    }
}

/// Port vs. connection index for the host, even ports blue and odd ones orange, with the
/// library's reading of the pattern.
fn choice_plot(ui: &mut egui::Ui, f: &PoolFrame, selection: Option<u32>, lang: Lang) {
    ui.strong(tr!(lang, "pool-map-choice-title", host = f.host));
    let ch = &f.choices;
    if ch.is_empty() {
        ui.weak(tr!(lang, "pool-map-choice-none"));
        return;
    }
    let (lo, hi) = ch
        .iter()
        .fold((u16::MAX, 0u16), |(a, b), c| (a.min(c.port), b.max(c.port)));
    let w = ui.available_width().max(200.0);
    let (rect, resp) = ui.allocate_exact_size(Vec2::new(w, 120.0), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_stroke(
        rect,
        0.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    let plot = rect.shrink2(Vec2::new(50.0, 8.0));
    let span = (hi - lo).max(1) as f32;
    let n = ch.len().max(2) as f32 - 1.0;
    let pos = |i: usize, port: u16| {
        Pos2::new(
            plot.left() + i as f32 / n * plot.width(),
            plot.bottom() - (port - lo) as f32 / span * plot.height(),
        )
    };
    for (i, c) in ch.iter().enumerate() {
        let col = if c.port.is_multiple_of(2) {
            theme::ACTIVE
        } else {
            theme::ASSIGNED
        };
        let r = if selection == Some(c.conn) { 3.5 } else { 1.5 };
        painter.circle_filled(pos(i, c.port), r, col);
    }
    let text = ui.visuals().text_color();
    let font = egui::FontId::proportional(10.0);
    painter.text(
        Pos2::new(rect.left() + 4.0, plot.top()),
        egui::Align2::LEFT_TOP,
        hi.to_string(),
        font.clone(),
        text,
    );
    painter.text(
        Pos2::new(rect.left() + 4.0, plot.bottom()),
        egui::Align2::LEFT_BOTTOM,
        lo.to_string(),
        font,
        text,
    );
    if let Some(p) = resp.hover_pos() {
        let i =
            (((p.x - plot.left()) / plot.width() * n).round().max(0.0) as usize).min(ch.len() - 1);
        let c = ch[i];
        resp.on_hover_text(tr!(
            lang,
            "pool-map-choice-point",
            index = i + 1,
            count = ch.len(),
            connection = c.conn,
            port = c.port
        ));
    }
    ui.label(tr!(lang, "pool-map-choice-axes", count = ch.len()));
    ui.label(reading_text(&f.reading, lang));
}

/// The library's reading of the port choice ([`ChoiceReading::sentence`], the English the SVG
/// and the CLI print) in `lang`, from the same pattern and numbers.
fn reading_text(r: &ChoiceReading, lang: Lang) -> String {
    let parity = |even: bool| {
        if even {
            tr!(lang, "pool-map-even")
        } else {
            tr!(lang, "pool-map-odd")
        }
    };
    let pct = |v: f64| format!("{v:.0}");
    match r.pattern {
        ChoicePattern::TooFew => tr!(
            lang,
            "pool-map-choice-too-few",
            count = r.connections,
            needed = MIN_CONNECTIONS
        ),
        ChoicePattern::Sequential => tr!(
            lang,
            "pool-map-choice-sequential",
            pct = pct(r.plus_one_pct)
        ),
        ChoicePattern::OneParity { even } => tr!(
            lang,
            "pool-map-choice-one-parity",
            parity = parity(even),
            pct = pct(r.plus_two_pct)
        ),
        ChoicePattern::OneParityThenOther { first_even } => tr!(
            lang,
            "pool-map-choice-parity-then-other",
            first = if first_even { "even" } else { "odd" },
            then = parity(!first_even)
        ),
        ChoicePattern::Spread => tr!(lang, "pool-map-choice-random"),
    }
}
