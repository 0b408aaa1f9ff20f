//! The port timeline: one row per (host, port), grouped by host (collapsible), sorted by first
//! use; x is time; each span is coloured by phase; overlapping connections on one port get
//! lanes. Zoom with ctrl+wheel or pinch, pan by dragging (or shift+wheel).
//!
//! Scale: only the rows inside the viewport are visited (rows are virtualised), and spans
//! narrower than a pixel are binned — at most one mark per pixel column and lane — so a capture
//! with 100 000 connections costs what is on screen, not what is in the file. Only spans at
//! least two pixels wide get an interactive (hover/click, accessible) widget.

pub mod export;
pub mod model;
pub mod state;

use chrono::{DateTime, Utc};
use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use portlife::i18n::Lang;

use crate::app::state::{AppState, TimeAxis, ViewTransform};
use crate::app::theme;
use crate::app::timeline::model::{phase_text, Row, Timeline};
use portlife::ports::Phase;
use portlife::tr;

const LABEL_W: f32 = 200.0;
const GROUP_H: f32 = 22.0;
const LANE_H: f32 = 14.0;
const ROW_PAD: f32 = 4.0;
const AXIS_H: f32 = 44.0;
/// At most this many span widgets per frame (hover/click/accessibility); the rest are paint only.
const MAX_SPAN_WIDGETS: usize = 4000;
/// The narrowest a span's hit target gets, in points (a finger's or a shaky mouse's width).
const MIN_HIT: f32 = 7.0;

/// One line of the virtualised list.
#[derive(Clone, Copy)]
enum Line {
    Group(usize),
    Row(u32),
}

fn row_height(r: &Row) -> f32 {
    r.lanes as f32 * LANE_H + ROW_PAD
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    egui::CentralPanel::default().show(ui, |ui| {
        let lang = state.lang;
        if state.loaded.is_none() {
            ui.centered_and_justified(|ui| {
                if state.loading.is_some() {
                    ui.label(tr!(lang, "timeline-loading"));
                } else {
                    ui.label(tr!(lang, "timeline-no-capture"));
                }
            });
            return;
        }
        if legend(ui, state) {
            state.ghost = None;
        }
        let full = ui.available_rect_before_wrap();
        // The rows end before the overview strip and its scroll bar.
        let plot_x = egui::Rangef::new(full.left() + LABEL_W, full.right() - 10.0 - MINIMAP_W);
        let axis_rect = Rect::from_x_y_ranges(full.x_range(), full.top()..=full.top() + AXIS_H);
        let axis = ui.allocate_rect(axis_rect, Sense::click_and_drag());
        axis.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Time axis"));
        // Clicking or dragging on the axis places the shared time cursor (replay, ladder, …).
        if axis.clicked() || axis.dragged() {
            if let Some(p) = axis.interact_pointer_pos().filter(|p| plot_x.contains(p.x)) {
                let at = state
                    .loaded
                    .as_ref()
                    .map(|l| t_of(&l.timeline, &state.view, plot_x, p.x));
                state.time_cursor = at.or(state.time_cursor);
            }
        }
        draw_axis(ui, state, axis_rect, plot_x);
        body(ui, state, plot_x);
    });
}

/// The colour key, with Available shown as the empty baseline it is.
/// The legend; `true` when the user asked to hide the previous profile's outlines. It ends
/// with the "Go to" field.
fn legend(ui: &mut egui::Ui, state: &mut AppState) -> bool {
    let lang = state.lang;
    let mut hide_ghost = false;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(tr!(lang, "legend-heading")).strong());
        let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
        ui.painter().line_segment(
            [r.left_center(), r.right_center()],
            Stroke::new(1.0, ui.visuals().weak_text_color()),
        );
        ui.label(tr!(lang, "legend-available"));
        for p in Phase::HELD {
            let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
            ui.painter().rect_filled(r, 2.0, theme::phase_color(p));
            let text = match p {
                Phase::Available => tr!(lang, "legend-available"),
                Phase::Assigned => tr!(lang, "legend-assigned"),
                Phase::Active => tr!(lang, "legend-active"),
                Phase::TimeWait => {
                    let tw = state.loaded.as_ref().map_or("60".to_string(), |l| {
                        let lengths: Vec<String> = l
                            .timeline
                            .time_wait_lengths_s()
                            .iter()
                            .map(|s| s.to_string())
                            .collect();
                        lengths.join(" / ")
                    });
                    tr!(lang, "legend-time-wait", time_wait_s = tw)
                }
            };
            ui.label(text);
        }
        let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
        ui.painter().rect_filled(r, 2.0, theme::TIME_WAIT);
        ui.painter()
            .rect_filled(r, 0.0, ui.visuals().extreme_bg_color.gamma_multiply(0.45));
        ui.label(tr!(lang, "legend-after-capture"));
        if let Some(g) = &state.ghost {
            let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
            ghost_outline(ui.painter(), r.left(), r.right(), r.top(), r.bottom());
            ui.label(tr!(lang, "timeline-previous-profile", profile = g.label));
            if ui
                .small_button(tr!(lang, "timeline-previous-profile-hide"))
                .on_hover_text(tr!(lang, "timeline-previous-profile-hide-tooltip"))
                .clicked()
            {
                hide_ghost = true;
            }
        }
        if state
            .loaded
            .as_ref()
            .is_some_and(|l| l.timeline.shown_udp > 0)
        {
            let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
            ui.painter()
                .rect_filled(r, 2.0, theme::phase_color(Phase::Active));
            udp_hatch(ui.painter(), r, ui.visuals());
            ui.label(tr!(lang, "hover-udp-flow"));
        }
        ui.separator();
        let l = ui.label(tr!(lang, "timeline-go-to"));
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.timeline_view.jump_input)
                    .hint_text(tr!(lang, "timeline-go-to-hint"))
                    .desired_width(170.0),
            )
            .labelled_by(l.id);
        if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            let q = state.timeline_view.jump_input.trim().to_string();
            if !q.is_empty() {
                state.timeline_view.jump_to = Some(q);
            }
        }
    });
    hide_ghost
}

/// The first line whose row or host matches `q`: a row whose `host:port` label starts with
/// it, else a host group whose address does.
fn jump_target(tl: &Timeline, lines: &[(Line, f32)], q: &str) -> Option<f32> {
    let row = lines.iter().find(|(line, _)| match line {
        Line::Row(ri) => tl.rows[*ri as usize].label.starts_with(q),
        Line::Group(_) => false,
    });
    let group = || {
        lines.iter().find(|(line, _)| match line {
            Line::Group(gi) => tl.groups[*gi].host.to_string().starts_with(q),
            Line::Row(_) => false,
        })
    };
    row.or_else(group).map(|(_, y)| *y)
}

/// What the overview strip's colours depend on: the rows, how many lines (folding), their
/// height, the strip's height in pixels, the theme.
type MinimapKey = (usize, usize, u32, usize, bool);

/// Each pixel row of the overview strip: the phase its rows spend most time in, grey for a
/// host header alone, nothing where no line falls.
fn minimap_colours(
    tl: &Timeline,
    lines: &[(Line, f32)],
    total_h: f32,
    px: usize,
    visuals: &egui::Visuals,
) -> Vec<Option<egui::Color32>> {
    let mut out = Vec::with_capacity(px);
    let mut k = 0;
    for y in 0..px {
        let to = (y + 1) as f32 * total_h / px as f32;
        let mut time = [0.0f64; 3];
        let mut header = false;
        while k < lines.len() && lines[k].1 < to {
            match lines[k].0 {
                Line::Group(_) => header = true,
                Line::Row(ri) => {
                    for s in &tl.rows[ri as usize].spans {
                        let i = match s.phase {
                            Phase::Available => continue,
                            Phase::Assigned => 0,
                            Phase::Active => 1,
                            Phase::TimeWait => 2,
                        };
                        time[i] += s.end - s.start;
                    }
                }
            }
            k += 1;
        }
        out.push(
            match time.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
                Some((i, t)) if *t > 0.0 => Some(theme::phase_color(Phase::HELD[i])),
                _ if header => Some(visuals.weak_text_color()),
                _ => None,
            },
        );
    }
    out
}

/// Width of the overview strip at the right of the rows.
const MINIMAP_W: f32 = 14.0;

/// The overview strip: every line of the timeline squeezed into the strip's height, each
/// pixel coloured by the phase its rows spend most time in (grey for a host header), with the
/// visible part outlined. Clicking or dragging scrolls there. Returns the scroll offset asked
/// for.
fn minimap(
    ui: &egui::Ui,
    tl: &Timeline,
    lines: &[(Line, f32)],
    total_h: f32,
    rect: Rect,
    scrolled: (f32, f32),
) -> Option<f32> {
    if total_h <= rect.height() || lines.is_empty() {
        return None;
    }
    let painter = ui.painter().with_clip_rect(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    let px = rect.height().max(1.0) as usize;
    // The strip's colours read every span once: kept in egui's memory until the rows, their
    // folding or the strip's height change, so a frame at 100 000 rows does not pay for it.
    type Cached = (MinimapKey, std::sync::Arc<Vec<Option<egui::Color32>>>);
    let key: MinimapKey = (
        tl.rows.as_ptr() as usize,
        lines.len(),
        total_h.to_bits(),
        px,
        visuals.dark_mode,
    );
    let id = ui.scope_id().with("timeline-minimap-colours");
    let cached = ui
        .ctx()
        .data(|d| d.get_temp::<Cached>(id))
        .filter(|(k, _)| *k == key);
    let colours = match cached {
        Some((_, c)) => c,
        None => {
            let c = std::sync::Arc::new(minimap_colours(tl, lines, total_h, px, visuals));
            ui.ctx()
                .data_mut(|d| d.insert_temp::<Cached>(id, (key, c.clone())));
            c
        }
    };
    for (y, colour) in colours.iter().enumerate() {
        let Some(color) = *colour else { continue };
        let yy = rect.top() + y as f32;
        painter.line_segment(
            [
                Pos2::new(rect.left() + 2.0, yy),
                Pos2::new(rect.right() - 2.0, yy),
            ],
            Stroke::new(1.0, color),
        );
    }
    let (offset, visible) = scrolled;
    let view = Rect::from_x_y_ranges(
        rect.x_range(),
        rect.top() + offset / total_h * rect.height()
            ..=rect.top() + ((offset + visible) / total_h * rect.height()).min(rect.height()),
    );
    painter.rect_stroke(
        view,
        2.0,
        Stroke::new(1.5, visuals.strong_text_color()),
        egui::StrokeKind::Inside,
    );
    let r = ui.interact(
        rect,
        ui.scope_id().with("timeline-minimap"),
        Sense::click_and_drag(),
    );
    r.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::ScrollBar, true, "Overview of all rows")
    });
    let p = r
        .interact_pointer_pos()
        .filter(|_| r.clicked() || r.dragged())?;
    // The strip's top shows the first rows, its bottom the last: the pointer's share of the
    // strip is the share of the scrollable range.
    // (A few points at each end stand for the very top and bottom.)
    let frac = ((p.y - rect.top() - 3.0) / (rect.height() - 6.0).max(1.0)).clamp(0.0, 1.0);
    Some(frac * (total_h - visible).max(0.0))
}

/// Where a TIME-WAIT would have ended under the profile before the switch: a dashed outline
/// from its start, so the new bar and the old length are seen together.
fn ghost_outline(painter: &egui::Painter, x0: f32, x1: f32, y0: f32, y1: f32) {
    let stroke = Stroke::new(1.5, theme::TIME_WAIT);
    let pts = [
        Pos2::new(x0, y0),
        Pos2::new(x1, y0),
        Pos2::new(x1, y1),
        Pos2::new(x0, y1),
    ];
    painter.extend(egui::Shape::dashed_line(&pts, stroke, 4.0, 3.0));
}

/// The mark of a UDP flow: diagonal lines across its bar, so it never reads as a TCP
/// connection's Active phase.
fn udp_hatch(painter: &egui::Painter, rect: Rect, visuals: &egui::Visuals) {
    const GAP: f32 = 6.0;
    let p = painter.with_clip_rect(painter.clip_rect().intersect(rect));
    let stroke = Stroke::new(1.5, visuals.extreme_bg_color.gamma_multiply(0.8));
    let h = rect.height();
    // Lines start left of the bar so its first pixels are hatched too; bounded per bar.
    let first = rect.left() - h;
    let n = (((rect.width() + h) / GAP).ceil() as usize).min(400);
    for i in 0..n {
        let x = first + i as f32 * GAP;
        p.line_segment(
            [Pos2::new(x, rect.bottom()), Pos2::new(x + h, rect.top())],
            stroke,
        );
    }
}

/// Seconds per tick giving about `target_px` between ticks: 1, 2 or 5 × 10ⁿ.
fn nice_step(view: &ViewTransform, plot_w: f32, target_px: f32) -> f64 {
    let raw = view.width() * target_px as f64 / plot_w.max(1.0) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// The stretches of `view` between the axis breaks.
fn segments(tl: &Timeline, view: &ViewTransform) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut cur = view.start;
    for b in visible_breaks(tl, view) {
        if b.from > cur {
            out.push((cur, b.from));
        }
        cur = cur.max(b.to);
    }
    if cur < view.end {
        out.push((cur, view.end));
    }
    out
}

fn visible_breaks<'a>(
    tl: &'a Timeline,
    view: &'a ViewTransform,
) -> impl Iterator<Item = model::AxisBreak> + 'a {
    tl.breaks
        .iter()
        .copied()
        .filter(|b| b.to > view.start && b.from < view.end)
}

/// The mark of a broken axis: a zigzag from `top` to `bottom` at `x`.
fn zigzag(painter: &egui::Painter, x: f32, top: f32, bottom: f32, color: egui::Color32) {
    let n = ((bottom - top) / 4.0).max(1.0) as usize;
    let pts: Vec<Pos2> = (0..=n)
        .map(|i| {
            let dx = if i % 2 == 0 { -3.0 } else { 3.0 };
            Pos2::new(x + dx, top + (bottom - top) * i as f32 / n as f32)
        })
        .collect();
    painter.add(egui::Shape::line(pts, Stroke::new(1.5, color)));
}

/// The view in the axis's squeezed seconds (every idle break drawn short).
fn squeezed(tl: &Timeline, view: &ViewTransform) -> ViewTransform {
    ViewTransform {
        start: tl.squeeze(view.start),
        end: tl.squeeze(view.end),
    }
}

fn x_of(tl: &Timeline, view: &ViewTransform, plot_x: egui::Rangef, t: f64) -> f32 {
    let v = squeezed(tl, view);
    plot_x.min + ((tl.squeeze(t) - v.start) / v.width()) as f32 * plot_x.span()
}

fn t_of(tl: &Timeline, view: &ViewTransform, plot_x: egui::Rangef, x: f32) -> f64 {
    let v = squeezed(tl, view);
    tl.unsqueeze(v.start + ((x - plot_x.min) / plot_x.span()) as f64 * v.width())
}

fn tick_label(axis: TimeAxis, tl: &Timeline, t: f64, step: f64) -> String {
    match axis {
        TimeAxis::Relative => {
            let decimals = (-step.log10()).ceil().max(0.0) as usize;
            format!("{t:.decimals$} s")
        }
        TimeAxis::WallClock => {
            let dt: DateTime<Utc> = DateTime::from_timestamp_nanos(tl.abs_ns(t));
            if step >= 1.0 {
                dt.format("%H:%M:%S").to_string()
            } else if step >= 0.01 {
                dt.format("%H:%M:%S%.3f").to_string()
            } else {
                dt.format("%H:%M:%S%.6f").to_string()
            }
        }
    }
}

fn draw_axis(ui: &egui::Ui, state: &AppState, rect: Rect, plot_x: egui::Rangef) {
    let Some(l) = &state.loaded else { return };
    let painter = ui.painter().with_clip_rect(rect);
    let visuals = ui.visuals();
    let text_color = visuals.text_color();
    let lang = state.lang;
    let title = match state.axis {
        TimeAxis::Relative => tr!(lang, "timeline-axis-relative"),
        TimeAxis::WallClock => {
            let d: DateTime<Utc> = DateTime::from_timestamp_nanos(l.timeline.t0_ns);
            tr!(
                lang,
                "timeline-axis-wall-clock",
                date = d.format("%Y-%m-%d")
            )
        }
    };
    painter.text(
        Pos2::new(rect.left() + 4.0, rect.center().y),
        Align2::LEFT_CENTER,
        title,
        FontId::proportional(12.0),
        visuals.weak_text_color(),
    );
    let tl = &l.timeline;
    let baseline = rect.bottom() - 2.0;
    painter.line_segment(
        [
            Pos2::new(plot_x.min, baseline),
            Pos2::new(plot_x.max, baseline),
        ],
        Stroke::new(1.0, text_color),
    );
    let xe = x_of(&l.timeline, &state.view, plot_x, l.timeline.capture_end);
    if plot_x.contains(xe) {
        // Right of the line, or left of it when the line is near the right edge.
        let text = tr!(lang, "timeline-capture-end-marker");
        let font = FontId::proportional(11.0);
        let w = ui.ctx().fonts_mut(|f| {
            f.layout_no_wrap(text.to_string(), font.clone(), visuals.strong_text_color())
                .size()
                .x
        });
        let (x, align) = if xe + 3.0 + w > plot_x.max {
            (xe - 3.0, Align2::RIGHT_TOP)
        } else {
            (xe + 3.0, Align2::LEFT_TOP)
        };
        painter.text(
            Pos2::new(x, rect.top() + 1.0),
            align,
            text,
            font,
            visuals.strong_text_color(),
        );
    }
    // Ticks per stretch between breaks: each has its own seconds per pixel.
    for (a, b) in segments(tl, &state.view) {
        let (xa, xb) = (
            x_of(tl, &state.view, plot_x, a),
            x_of(tl, &state.view, plot_x, b),
        );
        if xb - xa < 40.0 {
            continue;
        }
        let step = nice_step(&ViewTransform { start: a, end: b }, xb - xa, 110.0);
        let first = (a / step).ceil() as i64;
        let last = (b / step).floor() as i64;
        for k in first..=last.min(first + 200) {
            let t = k as f64 * step;
            let x = x_of(tl, &state.view, plot_x, t);
            painter.line_segment(
                [Pos2::new(x, baseline - 5.0), Pos2::new(x, baseline)],
                Stroke::new(1.0, text_color),
            );
            painter.text(
                Pos2::new(x, baseline - 6.0),
                Align2::CENTER_BOTTOM,
                tick_label(state.axis, tl, t, step),
                FontId::proportional(12.0),
                text_color,
            );
        }
    }
    // Each break: a zigzag across the baseline and how long the silence really was.
    for (i, br) in visible_breaks(tl, &state.view).enumerate() {
        let (x0, x1) = (
            x_of(tl, &state.view, plot_x, br.from),
            x_of(tl, &state.view, plot_x, br.to),
        );
        let mid = (x0 + x1) / 2.0;
        let text = tr!(
            lang,
            "timeline-break-tooltip",
            duration = model::fmt_duration(br.to - br.from)
        );
        let band = Rect::from_x_y_ranges(x0.max(plot_x.min)..=x1.min(plot_x.max), rect.y_range());
        let r = ui.interact(band, ui.scope_id().with(("axis-break", i)), Sense::hover());
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
        r.on_hover_text(tr!(lang, "timeline-break-explanation"));
        painter.rect_filled(
            Rect::from_x_y_ranges(x0..=x1, rect.y_range()),
            0.0,
            visuals.extreme_bg_color,
        );
        zigzag(
            &painter,
            mid,
            rect.top() + 2.0,
            baseline,
            visuals.strong_text_color(),
        );
        painter.text(
            Pos2::new(mid, rect.top() + 1.0),
            Align2::CENTER_TOP,
            text,
            FontId::proportional(11.0),
            visuals.strong_text_color(),
        );
    }
}

/// The scrolled body: group headers and rows, only those in view.
fn body(ui: &mut egui::Ui, state: &mut AppState, plot_x: egui::Rangef) {
    // A connection another view asked to bring into sight (the table's selection), a row the
    // "Go to" field named (its host unfolded first), a place on the overview strip.
    let reveal = state.timeline_view.reveal.take();
    let mut jump = state.timeline_view.jump_to.take();
    let scroll_to = state.timeline_view.scroll_to.take();
    if let Some(q) = &jump {
        let host = state.loaded.as_ref().and_then(|l| {
            let tl = &l.timeline;
            tl.rows
                .iter()
                .find(|r| r.label.starts_with(q.as_str()))
                .map(|r| r.host)
        });
        // A folded host is unfolded first; the scroll area learns its new height this frame
        // and would clamp the jump to the old one, so the jump waits a frame.
        if host.is_some_and(|h| state.collapsed.remove(&h)) {
            state.timeline_view.jump_to = jump.take();
            ui.ctx().request_repaint();
        }
    }
    let outer = ui.available_rect_before_wrap();
    let Some(l) = state.loaded.as_ref() else {
        return;
    };
    let tl = &l.timeline;
    let lang = state.lang;
    // Flatten groups and rows into lines with their y offsets.
    let mut lines: Vec<(Line, f32)> = Vec::with_capacity(tl.rows.len() + tl.groups.len());
    let mut y = 0.0f32;
    for (gi, g) in tl.groups.iter().enumerate() {
        lines.push((Line::Group(gi), y));
        y += GROUP_H;
        if !state.collapsed.contains(&g.host) {
            for &ri in &g.rows {
                lines.push((Line::Row(ri), y));
                y += row_height(&tl.rows[ri as usize]);
            }
        }
    }
    let total_h = y;
    let reveal_y = reveal.and_then(|conn| {
        lines.iter().find_map(|(line, ly)| match line {
            Line::Row(ri)
                if tl.rows[*ri as usize]
                    .spans
                    .iter()
                    .any(|s| s.conn == conn && !s.udp) =>
            {
                Some(*ly)
            }
            _ => None,
        })
    });
    let jump_y = jump.and_then(|q| jump_target(tl, &lines, &q));
    let mut actions = Actions::default();
    let pointer = ui.input(|i| i.pointer.hover_pos());
    let mut area = egui::ScrollArea::vertical();
    // Within the scrollable range (beyond it the area would spring back).
    let max = (total_h - ui.available_height()).max(0.0);
    if let Some(y) = reveal_y.or(jump_y) {
        area = area.vertical_scroll_offset((y - 3.0 * GROUP_H).clamp(0.0, max));
    } else if let Some(y) = scroll_to {
        area = area.vertical_scroll_offset(y.clamp(0.0, max));
    }
    let out = area
        .auto_shrink([false, false])
        .scroll_source(egui::scroll_area::ScrollSource {
            drag: egui::scroll_area::DragScroll::Never,
            ..Default::default()
        })
        .show_viewport(ui, |ui, viewport| {
            ui.set_min_height(total_h);
            let origin = ui.max_rect().top();
            let clip = ui.clip_rect();
            let plot_rect = Rect::from_x_y_ranges(plot_x, clip.y_range());
            // The canvas takes drags (pan) and clicks on empty space (clear selection); span
            // widgets registered later sit on top and take clicks.
            let canvas = ui.interact(
                plot_rect,
                ui.scope_id().with("timeline-canvas"),
                Sense::click_and_drag(),
            );
            canvas.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Canvas, true, "Port timeline")
            });
            if canvas.dragged() {
                actions.pan_px += canvas.drag_delta().x;
            }
            if canvas.clicked() {
                actions.clear_selection = true;
            }
            let hovering_plot = pointer.is_some_and(|p| plot_rect.contains(p));
            if hovering_plot {
                let (zoom, scroll_x) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta.x));
                actions.zoom = zoom;
                actions.pan_px += scroll_x;
            }
            // Binary search the first visible line.
            let first = lines
                .partition_point(|(_, ly)| *ly < viewport.min.y)
                .saturating_sub(1);
            let painter = ui.painter().with_clip_rect(clip);
            let visuals = ui.visuals().clone();
            let mut budget = MAX_SPAN_WIDGETS;
            for (k, &(line, ly)) in lines.iter().enumerate().skip(first) {
                if ly > viewport.max.y {
                    break;
                }
                let top = origin + ly;
                match line {
                    Line::Group(gi) => {
                        let g = &tl.groups[gi];
                        let rect = Rect::from_x_y_ranges(clip.x_range(), top..=top + GROUP_H);
                        let collapsed = state.collapsed.contains(&g.host);
                        let name = g.text(lang);
                        let text = format!("{} {name}", if collapsed { "+" } else { "-" });
                        let r =
                            ui.interact(rect, ui.scope_id().with(("group", gi)), Sense::click());
                        r.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, &name)
                        });
                        if r.clicked() {
                            actions.toggle_group = Some(g.host);
                        }
                        painter.rect_filled(rect, 0.0, visuals.faint_bg_color);
                        painter.text(
                            Pos2::new(rect.left() + 4.0, rect.center().y),
                            Align2::LEFT_CENTER,
                            text,
                            FontId::proportional(14.0),
                            visuals.strong_text_color(),
                        );
                    }
                    Line::Row(ri) => {
                        let row = &tl.rows[ri as usize];
                        let h = row_height(row);
                        let rect = Rect::from_x_y_ranges(clip.x_range(), top..=top + h);
                        if k % 2 == 0 {
                            painter.rect_filled(
                                rect,
                                0.0,
                                visuals.faint_bg_color.gamma_multiply(0.6),
                            );
                        }
                        row_label(ui, &painter, row, rect, ri, &visuals, lang);
                        draw_row(
                            ui,
                            &painter,
                            state,
                            tl,
                            row,
                            ri,
                            top,
                            plot_x,
                            &mut budget,
                            &mut actions,
                            &visuals,
                        );
                    }
                }
            }
            // Breaks: a faint band over the rows, so a bar crossing one reads as squeezed.
            for br in visible_breaks(tl, &state.view) {
                let x0 = x_of(tl, &state.view, plot_x, br.from).max(plot_x.min);
                let x1 = x_of(tl, &state.view, plot_x, br.to).min(plot_x.max);
                painter.rect_filled(
                    Rect::from_x_y_ranges(x0..=x1, clip.y_range()),
                    0.0,
                    visuals.extreme_bg_color.gamma_multiply(0.6),
                );
            }
            let xe = x_of(tl, &state.view, plot_x, tl.capture_end);
            if plot_x.contains(xe) {
                painter.line_segment(
                    [Pos2::new(xe, clip.top()), Pos2::new(xe, clip.bottom())],
                    Stroke::new(1.5, visuals.strong_text_color().gamma_multiply(0.6)),
                );
            }
            if let Some(tc) = state.time_cursor {
                let xc = x_of(tl, &state.view, plot_x, tc);
                if plot_x.contains(xc) {
                    painter.line_segment(
                        [Pos2::new(xc, clip.top()), Pos2::new(xc, clip.bottom())],
                        Stroke::new(2.0, visuals.selection.stroke.color),
                    );
                }
            }
            if let Some(p) = pointer.filter(|_| hovering_plot) {
                painter.line_segment(
                    [Pos2::new(p.x, clip.top()), Pos2::new(p.x, clip.bottom())],
                    Stroke::new(1.0, visuals.weak_text_color()),
                );
                actions.cursor = Some(t_of(tl, &state.view, plot_x, p.x));
            }
        });
    let strip = Rect::from_x_y_ranges(
        plot_x.max + 2.0..=plot_x.max + 2.0 + MINIMAP_W,
        outer.y_range(),
    );
    let asked = minimap(ui, tl, &lines, total_h, strip, state.timeline_view.scrolled);
    let scrolled = (out.state.clamped_offset().y, out.inner_rect.height());
    apply(state, actions, plot_x);
    state.timeline_view.scrolled = scrolled;
    if let Some(y) = asked {
        state.timeline_view.scroll_to = Some(y);
        ui.ctx().request_repaint();
    }
}

/// What the user asked for this frame, applied after drawing (the view-model is borrowed while
/// drawing).
#[derive(Default)]
struct Actions {
    pan_px: f32,
    zoom: f32,
    select: Option<u32>,
    clear_selection: bool,
    toggle_group: Option<std::net::IpAddr>,
    cursor: Option<f64>,
}

fn apply(state: &mut AppState, a: Actions, plot_x: egui::Rangef) {
    // Pan and zoom act on the drawn (squeezed) axis, so a break moves by its drawn width.
    if let Some(l) = &state.loaded {
        let tl = &l.timeline;
        let mut v = squeezed(tl, &state.view);
        if a.pan_px != 0.0 {
            v.pan(-(a.pan_px as f64) / plot_x.span().max(1.0) as f64 * v.width());
        }
        if a.zoom != 0.0 && a.zoom != 1.0 {
            let anchor = a.cursor.map_or((v.start + v.end) / 2.0, |c| tl.squeeze(c));
            v.zoom(a.zoom as f64, anchor);
        }
        if a.pan_px != 0.0 || (a.zoom != 0.0 && a.zoom != 1.0) {
            state.view = ViewTransform {
                start: tl.unsqueeze(v.start),
                end: tl.unsqueeze(v.end),
            };
        }
    }
    if let Some(s) = a.select {
        state.selection = Some(s);
    } else if a.clear_selection {
        state.selection = None;
    }
    if let Some(h) = a.toggle_group {
        if !state.collapsed.remove(&h) {
            state.collapsed.insert(h);
        }
    }
    state.cursor = a.cursor;
}

fn row_label(
    ui: &egui::Ui,
    painter: &egui::Painter,
    row: &Row,
    rect: Rect,
    ri: u32,
    visuals: &egui::Visuals,
    lang: Lang,
) {
    let lrect = Rect::from_min_size(rect.min, Vec2::new(LABEL_W - 8.0, rect.height()));
    let r = ui.interact(lrect, ui.scope_id().with(("row", ri)), Sense::hover());
    let text = if row.server_side {
        tr!(lang, "timeline-row-server", row = row.label)
    } else {
        row.label.clone()
    };
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &row.label));
    painter.text(
        Pos2::new(lrect.left() + 14.0, lrect.center().y),
        Align2::LEFT_CENTER,
        text,
        FontId::monospace(12.0),
        visuals.text_color(),
    );
}

#[allow(clippy::too_many_arguments)]
fn draw_row(
    ui: &egui::Ui,
    painter: &egui::Painter,
    state: &AppState,
    tl: &Timeline,
    row: &Row,
    ri: u32,
    top: f32,
    plot_x: egui::Rangef,
    budget: &mut usize,
    actions: &mut Actions,
    visuals: &egui::Visuals,
) {
    let view = &state.view;
    let plot_painter = painter.with_clip_rect(
        painter
            .clip_rect()
            .intersect(Rect::from_x_y_ranges(plot_x, painter.clip_rect().y_range())),
    );
    // Available: a faint baseline per lane, so an empty stretch reads as "free port".
    for lane in 0..row.lanes {
        let y = top + ROW_PAD / 2.0 + lane as f32 * LANE_H + LANE_H / 2.0;
        plot_painter.line_segment(
            [Pos2::new(plot_x.min, y), Pos2::new(plot_x.max, y)],
            Stroke::new(1.0, visuals.weak_text_color().gamma_multiply(0.35)),
        );
    }
    // Spans start sorted: stop at the first that starts after the view.
    let end = row.spans.partition_point(|s| s.start <= view.end);
    // Binning: the last pixel column drawn per lane, and its phase.
    let mut last_col: Vec<(i32, Option<Phase>)> = vec![(i32::MIN, None); row.lanes as usize];
    for (si, s) in row.spans[..end].iter().enumerate() {
        if s.end < view.start {
            continue;
        }
        let x0 = x_of(tl, view, plot_x, s.start).max(plot_x.min - 2.0);
        let x1 = x_of(tl, view, plot_x, s.end).min(plot_x.max + 2.0);
        let y0 = top + ROW_PAD / 2.0 + s.lane as f32 * LANE_H + 1.0;
        let y1 = y0 + LANE_H - 2.0;
        let color = theme::phase_color(s.phase);
        let rect = if x1 - x0 < 1.0 {
            let col = x0.floor() as i32;
            let slot = &mut last_col[s.lane as usize];
            if slot.0 == col && slot.1 >= Some(s.phase) {
                continue;
            }
            *slot = (col, Some(s.phase));
            let tick =
                Rect::from_min_max(Pos2::new(col as f32, y0), Pos2::new(col as f32 + 1.0, y1));
            plot_painter.rect_filled(tick, 0.0, color);
            tick
        } else {
            let rect = Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1.max(x0 + 1.0), y1));
            plot_painter.rect_filled(rect, 2.0, color);
            if s.udp {
                udp_hatch(&plot_painter, rect, visuals);
            }
            if let Some(d) = s.derived_after {
                // Past the capture's end: known from the profile, not seen. Drawn fainter.
                let xd = x_of(tl, view, plot_x, d).clamp(x0, rect.right());
                let faded = Rect::from_min_max(Pos2::new(xd, y0), rect.max);
                plot_painter.rect_filled(faded, 0.0, visuals.extreme_bg_color.gamma_multiply(0.45));
            }
            rect
        };
        if let Some(ge) = state.ghost.as_ref().and_then(|g| g.end_of(tl, row, s)) {
            ghost_outline(
                &plot_painter,
                x_of(tl, view, plot_x, s.start),
                x_of(tl, view, plot_x, ge),
                y0,
                y1,
            );
        }
        if !s.udp && state.selection == Some(s.conn) {
            plot_painter.rect_stroke(
                rect,
                2.0,
                theme::selection_stroke(visuals),
                egui::StrokeKind::Outside,
            );
        }
        // Every span can be hovered and clicked, however short: a refused SYN's Assigned phase
        // lasts a fraction of a millisecond, a pixel or less at any useful zoom. Narrow ones get
        // a hit target MIN_HIT wide around them (the tooltip gives the true duration).
        let hit = if rect.width() < MIN_HIT {
            Rect::from_center_size(rect.center(), Vec2::new(MIN_HIT, rect.height()))
        } else {
            rect
        };
        if *budget > 0 {
            *budget -= 1;
            let hit = hit.intersect(plot_painter.clip_rect());
            let r = ui.interact(hit, ui.scope_id().with(("span", ri, si)), Sense::click());
            let label = format!("{} {} span", row.label, s.phase.name());
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if r.clicked() && !s.udp {
                actions.select = Some(s.conn);
            }
            if r.hovered() {
                let at = r
                    .hover_pos()
                    .map_or(s.start, |p| t_of(tl, view, plot_x, p.x));
                if let Some(l) = &state.loaded {
                    if let Some(info) =
                        model::span_info(&l.capture, &l.derived.ports, tl, row, s, at, state.lang)
                    {
                        r.on_hover_ui(|ui| span_tooltip(ui, &info, state.axis, tl, state.lang));
                    }
                }
            }
        }
    }
}

fn span_tooltip(
    ui: &mut egui::Ui,
    info: &model::SpanInfo,
    axis: TimeAxis,
    tl: &Timeline,
    lang: Lang,
) {
    ui.set_max_width(420.0);
    ui.label(egui::RichText::new(&info.tuple).monospace().strong());
    ui.horizontal(|ui| {
        let (r, _) = ui.allocate_exact_size(Vec2::new(12.0, 12.0), Sense::hover());
        ui.painter()
            .rect_filled(r, 2.0, theme::phase_color(info.phase));
        ui.label(egui::RichText::new(phase_text(info.phase, lang)).strong());
    });
    if let Some((client, server)) = &info.states {
        ui.label(tr!(
            lang,
            "timeline-end-states",
            client = client,
            server = server
        ));
    }
    let step = 0.001;
    ui.label(format!(
        "{} -> {} ({})",
        tick_label(axis, tl, info.start, step),
        tick_label(axis, tl, info.end, step),
        model::fmt_duration(info.end - info.start)
    ));
    ui.label(&info.sentence);
}
