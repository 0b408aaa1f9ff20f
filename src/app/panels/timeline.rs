//! The port timeline: one row per (host, port), grouped by host (collapsible), sorted by first
//! use; x is time; each span is coloured by phase; overlapping connections on one port get
//! lanes. Zoom with ctrl+wheel or pinch, pan by dragging (or shift+wheel).
//!
//! Scale: only the rows inside the viewport are visited (rows are virtualised), and spans
//! narrower than a pixel are binned — at most one mark per pixel column and lane — so a capture
//! with 100 000 connections costs what is on screen, not what is in the file. Only spans at
//! least two pixels wide get an interactive (hover/click, accessible) widget.

use chrono::{DateTime, Utc};
use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use portlife::i18n::Lang;

use super::super::i18n::{t, tf};
use super::super::state::{AppState, TimeAxis, ViewTransform};
use super::super::theme;
use super::super::view_model::{self, Phase, Row, Timeline};

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
                    ui.label(t(lang, "Loading…"));
                } else {
                    ui.label(t(
                        lang,
                        "No capture open. File -> Open, Samples, or drop a pcap/pcapng file here.",
                    ));
                }
            });
            return;
        }
        legend(ui, state);
        let full = ui.available_rect_before_wrap();
        let plot_x = egui::Rangef::new(full.left() + LABEL_W, full.right() - 6.0);
        let axis_rect = Rect::from_x_y_ranges(full.x_range(), full.top()..=full.top() + AXIS_H);
        let axis = ui.allocate_rect(axis_rect, Sense::click_and_drag());
        axis.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Time axis"));
        // Clicking or dragging on the axis places the shared time cursor (replay, ladder, …).
        if axis.clicked() || axis.dragged() {
            if let Some(p) = axis.interact_pointer_pos().filter(|p| plot_x.contains(p.x)) {
                state.time_cursor = Some(t_of(&state.view, plot_x, p.x));
            }
        }
        draw_axis(ui, state, axis_rect, plot_x);
        body(ui, state, plot_x);
    });
}

/// The colour key, with Available shown as the empty baseline it is.
fn legend(ui: &mut egui::Ui, state: &AppState) {
    let lang = state.lang;
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(t(lang, "Port phases:")).strong());
        let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
        ui.painter().line_segment(
            [r.left_center(), r.right_center()],
            Stroke::new(1.0, ui.visuals().weak_text_color()),
        );
        ui.label(t(lang, "Available (empty)"));
        for p in Phase::ALL {
            let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
            ui.painter().rect_filled(r, 2.0, theme::phase_color(p));
            let text = match p {
                Phase::Assigned => t(lang, "Assigned (SYN sent, handshake pending)").to_string(),
                Phase::Active => t(lang, "Active (connection open or closing)").to_string(),
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
                    tf(
                        lang,
                        "TimeWait (this host closed first; waits {} s)",
                        &[&tw],
                    )
                }
            };
            ui.label(text);
        }
        let (r, _) = ui.allocate_exact_size(Vec2::new(28.0, 12.0), Sense::hover());
        ui.painter().rect_filled(r, 2.0, theme::TIME_WAIT);
        ui.painter()
            .rect_filled(r, 0.0, ui.visuals().extreme_bg_color.gamma_multiply(0.45));
        ui.label(t(lang, "after the capture ended (from the OS profile)"));
    });
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

fn x_of(view: &ViewTransform, plot_x: egui::Rangef, t: f64) -> f32 {
    plot_x.min + ((t - view.start) / view.width()) as f32 * plot_x.span()
}

fn t_of(view: &ViewTransform, plot_x: egui::Rangef, x: f32) -> f64 {
    view.start + ((x - plot_x.min) / plot_x.span()) as f64 * view.width()
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
        TimeAxis::Relative => t(lang, "time since first SYN (s)").to_string(),
        TimeAxis::WallClock => {
            let d: DateTime<Utc> = DateTime::from_timestamp_nanos(l.timeline.t0_ns);
            tf(lang, "wall-clock, UTC ({})", &[&d.format("%Y-%m-%d")])
        }
    };
    painter.text(
        Pos2::new(rect.left() + 4.0, rect.center().y),
        Align2::LEFT_CENTER,
        title,
        FontId::proportional(12.0),
        visuals.weak_text_color(),
    );
    let step = nice_step(&state.view, plot_x.span(), 110.0);
    let first = (state.view.start / step).ceil() as i64;
    let last = (state.view.end / step).floor() as i64;
    let baseline = rect.bottom() - 2.0;
    painter.line_segment(
        [
            Pos2::new(plot_x.min, baseline),
            Pos2::new(plot_x.max, baseline),
        ],
        Stroke::new(1.0, text_color),
    );
    let xe = x_of(&state.view, plot_x, l.timeline.capture_end);
    if plot_x.contains(xe) {
        painter.text(
            Pos2::new(xe + 3.0, rect.top() + 1.0),
            Align2::LEFT_TOP,
            t(lang, "capture ends | later: from the OS profile"),
            FontId::proportional(11.0),
            visuals.strong_text_color(),
        );
    }
    for k in first..=last.min(first + 200) {
        let t = k as f64 * step;
        let x = x_of(&state.view, plot_x, t);
        painter.line_segment(
            [Pos2::new(x, baseline - 5.0), Pos2::new(x, baseline)],
            Stroke::new(1.0, text_color),
        );
        painter.text(
            Pos2::new(x, baseline - 6.0),
            Align2::CENTER_BOTTOM,
            tick_label(state.axis, &l.timeline, t, step),
            FontId::proportional(12.0),
            text_color,
        );
    }
}

/// The scrolled body: group headers and rows, only those in view.
fn body(ui: &mut egui::Ui, state: &mut AppState, plot_x: egui::Rangef) {
    // A connection another view asked to bring into sight (the table's selection).
    let reveal = state.views.reveal_in_timeline.take();
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
            Line::Row(ri) if tl.rows[*ri as usize].spans.iter().any(|s| s.conn == conn) => {
                Some(*ly)
            }
            _ => None,
        })
    });
    let mut actions = Actions::default();
    let pointer = ui.input(|i| i.pointer.hover_pos());
    let mut area = egui::ScrollArea::vertical();
    if let Some(y) = reveal_y {
        // Within the scrollable range (beyond it the area would spring back).
        let max = (total_h - ui.available_height()).max(0.0);
        area = area.vertical_scroll_offset((y - 3.0 * GROUP_H).clamp(0.0, max));
    }
    area.auto_shrink([false, false])
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
            let xe = x_of(&state.view, plot_x, tl.capture_end);
            if plot_x.contains(xe) {
                painter.line_segment(
                    [Pos2::new(xe, clip.top()), Pos2::new(xe, clip.bottom())],
                    Stroke::new(1.5, visuals.strong_text_color().gamma_multiply(0.6)),
                );
            }
            if let Some(tc) = state.time_cursor {
                let xc = x_of(&state.view, plot_x, tc);
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
                actions.cursor = Some(t_of(&state.view, plot_x, p.x));
            }
        });
    apply(state, actions, plot_x);
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
    if a.pan_px != 0.0 {
        let dt = -(a.pan_px as f64) / plot_x.span().max(1.0) as f64 * state.view.width();
        state.view.pan(dt);
    }
    if a.zoom != 0.0 && a.zoom != 1.0 {
        let anchor = a
            .cursor
            .unwrap_or((state.view.start + state.view.end) / 2.0);
        state.view.zoom(a.zoom as f64, anchor);
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
        tf(lang, "{} (server)", &[&row.label])
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
        let x0 = x_of(view, plot_x, s.start).max(plot_x.min - 2.0);
        let x1 = x_of(view, plot_x, s.end).min(plot_x.max + 2.0);
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
            if let Some(d) = s.derived_after {
                // Past the capture's end: known from the profile, not seen. Drawn fainter.
                let xd = x_of(view, plot_x, d).clamp(x0, rect.right());
                let faded = Rect::from_min_max(Pos2::new(xd, y0), rect.max);
                plot_painter.rect_filled(faded, 0.0, visuals.extreme_bg_color.gamma_multiply(0.45));
            }
            rect
        };
        if state.selection == Some(s.conn) {
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
            if r.clicked() {
                actions.select = Some(s.conn);
            }
            if r.hovered() {
                let at = r.hover_pos().map_or(s.start, |p| t_of(view, plot_x, p.x));
                if let Some(l) = &state.loaded {
                    if let Some(info) =
                        view_model::span_info(&l.capture, tl, row, s, at, state.lang)
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
    info: &view_model::SpanInfo,
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
        ui.label(egui::RichText::new(info.phase.text(lang)).strong());
    });
    ui.label(tf(
        lang,
        "client {} · server {}",
        &[&info.client_state, &info.server_state],
    ));
    let step = 0.001;
    ui.label(format!(
        "{} -> {} ({})",
        tick_label(axis, tl, info.start, step),
        tick_label(axis, tl, info.end, step),
        view_model::fmt_duration(info.end - info.start)
    ));
    ui.label(&info.sentence);
}
