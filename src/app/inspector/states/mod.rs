//! The TCP state diagram (RFC 9293 Figure 5) drawn with the egui painter: states as boxes,
//! transitions as labelled arrows with how many times the capture's connections took each one;
//! the selected connection's client and server states at the time cursor outlined in their
//! colours. Beside it the port lifecycle (Available → Assigned → Active → TimeWait → Available)
//! with the selected client port's phase at the cursor highlighted.
//!
//! The highlighted states are also written as text ("client: ESTABLISHED"), which is what a
//! screen reader (and the tests) read.

pub mod model;
pub mod state;

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};
use portlife::i18n::Lang;

use crate::app::derived::capture_key;
use crate::app::inspector::states::model::{AtCursor, Node, TransitionCounts, EDGES, NODES};
use crate::app::state::AppState;
use crate::app::theme;
use crate::app::theme::{CLIENT_COLOR, SERVER_COLOR};
use crate::app::timeline::model::end_state_text;
use portlife::ports::Phase;
use portlife::tr;

const BOX: Vec2 = Vec2::new(104.0, 24.0);
const LIFECYCLE_W: f32 = 230.0;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    let key = capture_key(&l.capture);
    let counts = match &state.inspector.states.fig5_counts {
        Some((k, c)) if *k == key => c.clone(),
        _ => {
            let c = Arc::new(model::transition_counts(&l.capture));
            state.inspector.states.fig5_counts = Some((key, c.clone()));
            c
        }
    };
    let lang = state.lang;
    let at_s = state.time_cursor.unwrap_or(l.timeline.capture_end);
    let at = state
        .selection
        .and_then(|s| model::at_cursor(&l.capture, &l.derived.ports, &l.timeline, s, at_s));
    ui.horizontal(|ui| match at {
        Some(a) => {
            ui.colored_label(
                CLIENT_COLOR,
                tr!(
                    lang,
                    "states-client",
                    state = end_state_text(a.client, lang)
                ),
            );
            ui.colored_label(
                SERVER_COLOR,
                tr!(
                    lang,
                    "states-server",
                    state = end_state_text(a.server, lang)
                ),
            );
            ui.label(tr!(
                lang,
                "states-port-phase",
                phase = phase_text(a.phase, lang)
            ));
            ui.weak(if state.time_cursor.is_some() {
                tr!(lang, "states-at", time = format!("{at_s:.6}"))
            } else {
                tr!(lang, "states-at-end")
            });
        }
        None => {
            ui.weak(tr!(lang, "states-no-selection"));
        }
    });
    let off = model::off_figure(&counts);
    if !off.is_empty() {
        let text: Vec<String> = off
            .iter()
            .take(6)
            .map(|((f, to), n)| format!("{} -> {} ×{n}", f.name(), to.name()))
            .collect();
        ui.weak(tr!(
            lang,
            "states-also-taken",
            transitions = text.join(", ")
        ));
    }
    let avail = ui.available_rect_before_wrap();
    let (rect, _) = ui.allocate_exact_size(avail.size(), Sense::hover());
    let fig = Rect::from_min_max(
        rect.min,
        Pos2::new(rect.right() - LIFECYCLE_W, rect.bottom()),
    );
    let life = Rect::from_min_max(Pos2::new(fig.right() + 10.0, rect.top()), rect.max);
    figure5(ui, fig, &counts, at, lang);
    lifecycle(ui, life, at.map(|a| a.phase), lang);
}

/// A port phase's name in `lang`; `None` is Available (the timeline draws no Available phase).
fn phase_text(phase: Option<Phase>, lang: Lang) -> String {
    phase.map_or_else(
        || tr!(lang, "phase-available"),
        |p| crate::app::timeline::model::phase_text(p, lang),
    )
}

/// Centre of a node's box inside `rect` (5 columns × 7 rows).
fn centre(rect: Rect, n: Node) -> Pos2 {
    let (c, r) = model::grid_of(n);
    let dx = (rect.width() - BOX.x) / 4.0;
    let dy = (rect.height() - BOX.y) / 6.0;
    Pos2::new(
        rect.left() + BOX.x / 2.0 + f32::from(c) * dx,
        rect.top() + BOX.y / 2.0 + f32::from(r) * dy,
    )
}

/// Where the segment from the centre of a box towards `towards` leaves the box.
fn border_point(c: Pos2, towards: Pos2) -> Pos2 {
    let d = towards - c;
    if d.length() < 1e-3 {
        return c;
    }
    let sx = if d.x.abs() > 1e-3 {
        (BOX.x / 2.0 + 2.0) / d.x.abs()
    } else {
        f32::INFINITY
    };
    let sy = if d.y.abs() > 1e-3 {
        (BOX.y / 2.0 + 2.0) / d.y.abs()
    } else {
        f32::INFINITY
    };
    c + d * sx.min(sy)
}

fn figure5(ui: &egui::Ui, rect: Rect, counts: &TransitionCounts, at: Option<AtCursor>, lang: Lang) {
    let painter = ui.painter().with_clip_rect(rect);
    let visuals = ui.visuals();
    let max = EDGES
        .iter()
        .map(|e| model::edge_count(counts, e))
        .max()
        .unwrap_or(0)
        .max(1);
    for e in &EDGES {
        let (a, b) = (centre(rect, e.from), centre(rect, e.to));
        let n = (b - a).normalized();
        // Opposite edges (LISTEN ⇄ CLOSED, CLOSED ⇄ SYN-SENT) are drawn side by side.
        let reverse = EDGES.iter().any(|o| o.from == e.to && o.to == e.from);
        let nrm = Vec2::new(n.y, -n.x);
        let offset = if reverse { nrm * 5.0 } else { Vec2::ZERO };
        let (pa, pb) = (border_point(a, b) + offset, border_point(b, a) + offset);
        let count = model::edge_count(counts, e);
        let width = if count == 0 {
            1.0
        } else {
            1.5 + 2.5 * count as f32 / max as f32
        };
        let color = if count == 0 {
            visuals.weak_text_color().gamma_multiply(0.6)
        } else {
            visuals.text_color()
        };
        arrow(&painter, pa, pb, Stroke::new(width, color));
        // The label: on the arrow or beside it (see `label_place`), on an opaque patch.
        let (frac, side) = model::label_place(e);
        let out = nrm * side;
        let anchor = pa + (pb - pa) * frac + out * 6.0;
        let text = if count > 0 {
            format!("{} ×{count}", e.label)
        } else {
            e.label.to_string()
        };
        let galley = painter.layout_no_wrap(text, FontId::proportional(10.5), color);
        let h = if out.x > 0.2 {
            egui::Align::Min
        } else if out.x < -0.2 {
            egui::Align::Max
        } else {
            egui::Align::Center
        };
        let v = if out.y > 0.2 {
            egui::Align::Min
        } else if out.y < -0.2 {
            egui::Align::Max
        } else {
            egui::Align::Center
        };
        let r = Align2([h, v]).anchor_size(anchor, galley.size());
        painter.rect_filled(r.expand(1.0), 2.0, visuals.panel_fill.gamma_multiply(0.85));
        painter.galley(r.min, galley, color);
    }
    for (node, _) in NODES {
        let c = centre(rect, node);
        let r = Rect::from_center_size(c, BOX);
        let s = node.state();
        let is_client = at.is_some_and(|a| a.client.state == s);
        let is_server = at.is_some_and(|a| a.server.state == s);
        let fill = if is_client || is_server {
            visuals.selection.bg_fill.gamma_multiply(0.6)
        } else {
            visuals.extreme_bg_color
        };
        painter.rect_filled(r, 4.0, fill);
        painter.rect_stroke(
            r,
            4.0,
            Stroke::new(1.0, visuals.text_color()),
            egui::StrokeKind::Inside,
        );
        if is_client {
            painter.rect_stroke(
                r,
                4.0,
                Stroke::new(3.0, CLIENT_COLOR),
                egui::StrokeKind::Outside,
            );
        }
        if is_server {
            let outer = if is_client { r.expand(3.0) } else { r };
            painter.rect_stroke(
                outer,
                5.0,
                Stroke::new(3.0, SERVER_COLOR),
                egui::StrokeKind::Outside,
            );
        }
        painter.text(
            c,
            Align2::CENTER_CENTER,
            s.name(),
            FontId::proportional(12.0),
            visuals.strong_text_color(),
        );
        let who = match (is_client, is_server) {
            (true, true) => tr!(lang, "states-ends-both"),
            (true, false) => tr!(lang, "states-end-client"),
            (false, true) => tr!(lang, "states-end-server"),
            _ => String::new(),
        };
        let after = if node == Node::ClosedEnd {
            tr!(lang, "states-after")
        } else {
            String::new()
        };
        let label = tr!(
            lang,
            "states-state-tooltip",
            state = s.name(),
            after = after,
            who = who
        );
        let resp = ui.interact(
            r,
            ui.scope_id().with(("fig5", c.x as i32, c.y as i32)),
            Sense::hover(),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
    }
    painter.text(
        rect.left_bottom() + Vec2::new(2.0, -2.0),
        Align2::LEFT_BOTTOM,
        tr!(lang, "states-figure-5"),
        FontId::proportional(11.0),
        visuals.weak_text_color(),
    );
}

/// The four-phase port lifecycle, top to bottom, with the loop back to Available.
fn lifecycle(ui: &egui::Ui, rect: Rect, phase: Option<Option<Phase>>, lang: Lang) {
    let painter = ui.painter().with_clip_rect(rect);
    let visuals = ui.visuals();
    painter.text(
        rect.center_top(),
        Align2::CENTER_TOP,
        tr!(lang, "states-port-lifecycle"),
        FontId::proportional(13.0),
        visuals.strong_text_color(),
    );
    let steps: [(Option<Phase>, String, Color32); 4] = [
        (None, tr!(lang, "phase-available"), visuals.extreme_bg_color),
        (
            Some(Phase::Assigned),
            tr!(lang, "phase-assigned"),
            theme::ASSIGNED,
        ),
        (
            Some(Phase::Active),
            tr!(lang, "phase-active"),
            theme::ACTIVE,
        ),
        (
            Some(Phase::TimeWait),
            tr!(lang, "phase-time-wait"),
            theme::TIME_WAIT,
        ),
    ];
    let top = rect.top() + 26.0;
    let dy = ((rect.height() - 40.0) / 4.0).clamp(30.0, 60.0);
    let size = Vec2::new(120.0, 26.0);
    let x = rect.center().x - 20.0;
    let centres: Vec<Pos2> = (0..4)
        .map(|i| Pos2::new(x, top + size.y / 2.0 + i as f32 * dy))
        .collect();
    for i in 0..3 {
        arrow(
            &painter,
            centres[i] + Vec2::new(0.0, size.y / 2.0),
            centres[i + 1] - Vec2::new(0.0, size.y / 2.0 + 1.0),
            Stroke::new(1.5, visuals.text_color()),
        );
    }
    // TimeWait (and Assigned/Active without TIME-WAIT) back to Available, on the right.
    let rx = x + size.x / 2.0 + 24.0;
    let back = [
        centres[3] + Vec2::new(size.x / 2.0, 0.0),
        Pos2::new(rx, centres[3].y),
        Pos2::new(rx, centres[0].y),
    ];
    painter.line(back.to_vec(), Stroke::new(1.5, visuals.text_color()));
    arrow(
        &painter,
        Pos2::new(rx, centres[0].y),
        centres[0] + Vec2::new(size.x / 2.0 + 1.0, 0.0),
        Stroke::new(1.5, visuals.text_color()),
    );
    for (i, (p, name, color)) in steps.iter().enumerate() {
        let r = Rect::from_center_size(centres[i], size);
        painter.rect_filled(r, 4.0, *color);
        painter.rect_stroke(
            r,
            4.0,
            Stroke::new(1.0, visuals.text_color()),
            egui::StrokeKind::Inside,
        );
        let here = phase == Some(*p);
        if here {
            painter.rect_stroke(
                r,
                4.0,
                Stroke::new(3.0, CLIENT_COLOR),
                egui::StrokeKind::Outside,
            );
        }
        let text_color = if p.is_none() {
            visuals.strong_text_color()
        } else {
            theme::text_on(*color)
        };
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            name,
            FontId::proportional(12.0),
            text_color,
        );
    }
}

/// A line from `a` to `b` with an arrowhead at `b`.
fn arrow(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke) {
    painter.line_segment([a, b], stroke);
    let dir = (b - a).normalized();
    let n = Vec2::new(-dir.y, dir.x);
    let head = 8.0;
    painter.line_segment([b, b - dir * head + n * head * 0.45], stroke);
    painter.line_segment([b, b - dir * head - n * head * 0.45], stroke);
}
