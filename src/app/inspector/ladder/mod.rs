//! The ladder (sequence) diagram of the selected connection, as in Wireshark's Flow Graph:
//! client and server as vertical lines, one arrow per segment (kind, relative seq/ack, length,
//! retransmissions marked), long runs of plain data/ACK segments folded into one thick arrow
//! (click to unfold), and beside each line the state that end is in after the segment.
//! Step packet by packet with the buttons or the Left/Right arrow keys: the step moves the shared time cursor, and a
//! cursor moved elsewhere (replay, timeline) moves the ladder's current packet.
//!
//! The packets are read from the capture file on a worker thread ([`LadderJob`]); see
//! [`crate::app::inspector::ladder::model`] for why.

pub mod model;
pub mod state;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use portlife::ports;

use crate::app::inspector::ladder::model::{Ladder, LadderItem, LadderJob};
use crate::app::inspector::ladder::state::LadderSlot;
use crate::app::state::AppState;
use crate::app::theme::{CLIENT_COLOR, SERVER_COLOR};
use crate::app::timeline::model::end_state_text;
use portlife::tr;

const ROW_H: f32 = 30.0;
const TIME_W: f32 = 110.0;
const STATE_W: f32 = 130.0;

/// One line of the drawn ladder.
#[derive(Clone, Copy)]
enum Line {
    Packet(usize),
    /// A folded run: its item index.
    Run(usize),
}

/// Start reading the selected connection's packets if the slot holds another connection, and
/// take a finished read. Called every frame the ladder is visible.
pub fn ensure(ctx: &egui::Context, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    let sel = state.selection;
    if state.inspector.ladder.slot.conn() != sel {
        state.inspector.ladder.pos = None;
        state.inspector.ladder.expanded_runs.clear();
        state.inspector.ladder.scrolled = None;
        state.inspector.ladder.slot =
            match sel.and_then(|s| Some((s, model::connection(&l.capture, s)?))) {
                None => LadderSlot::Empty,
                Some((s, c)) => {
                    let next_first = model::next_generation_start(&l.capture, c);
                    LadderSlot::Loading(LadderJob::spawn(
                        l.path.clone(),
                        s,
                        c.clone(),
                        next_first,
                        ctx.clone(),
                    ))
                }
            };
    }
    if let LadderSlot::Loading(job) = &state.inspector.ladder.slot {
        if let Some(r) = job.poll() {
            let conn = job.conn;
            state.inspector.ladder.slot = match r {
                Ok(ladder) => LadderSlot::Ready(ladder),
                Err(error) => LadderSlot::Failed { conn, error },
            };
        }
    }
}

/// The ladder's current packet: the one the last step chose, or the last at the cursor.
pub fn current_packet(state: &AppState, ladder: &Ladder) -> Option<usize> {
    let t = state.time_cursor?;
    if let Some((p, at)) = state.inspector.ladder.pos {
        if at == t && p < ladder.packets.len() {
            return Some(p);
        }
    }
    let tl = &state.loaded.as_ref()?.timeline;
    ladder.packet_at(tl.abs_ns(t) + 1)
}

/// With the cursor past the connection's last packet, where its ends went with no packet to
/// show it (a TIME-WAIT expiring by its timer, say): the same answer as the table, the tooltip
/// and the state diagram give there. `None` while the last packet still says it all.
fn after_last_packet(state: &AppState, ladder: &Ladder) -> Option<String> {
    let l = state.loaded.as_ref()?;
    let ns = l.timeline.abs_ns(state.time_cursor?) + 1;
    let last = ladder.packets.last()?;
    let c = model::connection(&l.capture, ladder.conn)?;
    if ladder.truncated || ns <= last.ts_ns {
        return None;
    }
    let (cs, ss) = l.derived.ports.states_at(c, ns);
    let unchanged = |e: ports::EndState, s| e.state == s && e.basis == ports::Basis::Seen;
    if unchanged(cs, last.client_state) && unchanged(ss, last.server_state) {
        return None;
    }
    Some(tr!(
        state.lang,
        "ladder-after-last-packet",
        client = end_state_text(cs, state.lang),
        server = end_state_text(ss, state.lang)
    ))
}

/// Make packet `p` the current one: the shared cursor moves to its time.
pub fn go_to_packet(state: &mut AppState, p: usize) {
    let Some(l) = &state.loaded else { return };
    let LadderSlot::Ready(ladder) = &state.inspector.ladder.slot else {
        return;
    };
    let Some(pkt) = ladder.packets.get(p) else {
        return;
    };
    let t = (pkt.ts_ns - l.timeline.t0_ns) as f64 / 1e9;
    state.time_cursor = Some(t);
    state.inspector.ladder.pos = Some((p, t));
}

/// Step one packet forward (`+1`) or back (`-1`).
pub fn step(state: &mut AppState, dir: i32) {
    let LadderSlot::Ready(ladder) = &state.inspector.ladder.slot else {
        return;
    };
    let n = ladder.packets.len();
    if n == 0 {
        return;
    }
    let cur = current_packet(state, ladder);
    let next = match (cur, dir > 0) {
        (None, true) => Some(0),
        (None, false) => None,
        (Some(p), true) => Some((p + 1).min(n - 1)),
        (Some(p), false) => p.checked_sub(1),
    };
    if let Some(p) = next {
        go_to_packet(state, p);
    }
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    ensure(ui.ctx(), state);
    let lang = state.lang;
    let Some(sel) = state.selection else {
        // Where the story starts: the capture's first connection, one click away.
        let first = state.loaded.as_ref().and_then(|l| {
            let id = l.timeline.first_connection?;
            let c = model::connection(&l.capture, id)?;
            Some((id, c.client.to_string()))
        });
        ui.label(tr!(lang, "ladder-no-selection"));
        if let Some((id, client)) = first {
            if ui
                .button(tr!(lang, "ladder-start-here", client = client))
                .on_hover_text(tr!(lang, "ladder-start-here-tooltip"))
                .clicked()
            {
                crate::app::inspector::table::select(state, id);
            }
        }
        return;
    };
    match &state.inspector.ladder.slot {
        LadderSlot::Empty => return,
        LadderSlot::Loading(_) => {
            // No spinner: it would repaint every frame; the reader asks for one when done.
            ui.label(tr!(lang, "ladder-reading"));
            return;
        }
        LadderSlot::Failed { error, .. } => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                tr!(lang, "ladder-read-failed", connection = sel, error = error),
            );
            return;
        }
        LadderSlot::Ready(_) => {}
    }
    let keys_free = !ui.ctx().egui_wants_keyboard_input();
    let (fwd, back) = ui.input_mut(|i| {
        (
            keys_free && i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight),
            keys_free && i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft),
        )
    });
    ui.horizontal(|ui| {
        if ui
            .button(tr!(lang, "ladder-previous-packet"))
            .on_hover_text(tr!(lang, "ladder-previous-packet-tooltip"))
            .clicked()
            || back
        {
            step(state, -1);
        }
        if ui
            .button(tr!(lang, "ladder-next-packet"))
            .on_hover_text(tr!(lang, "ladder-next-packet-tooltip"))
            .clicked()
            || fwd
        {
            step(state, 1);
        }
        if let LadderSlot::Ready(ladder) = &state.inspector.ladder.slot {
            match current_packet(state, ladder) {
                Some(p) => ui.label(tr!(
                    lang,
                    "ladder-packet-of",
                    packet = p + 1,
                    packets = ladder.packets.len(),
                    frame = ladder.packets[p].frame()
                )),
                None => ui.label(tr!(
                    lang,
                    "ladder-cursor-before-first",
                    count = ladder.packets.len()
                )),
            };
            if ladder.truncated {
                ui.colored_label(ui.visuals().warn_fg_color, tr!(lang, "ladder-truncated"));
            }
            if let Some(after) = after_last_packet(state, ladder) {
                ui.colored_label(ui.visuals().warn_fg_color, after);
            }
        }
    });
    draw(ui, state);
}

/// The diagram itself. When the current packet changes (a step, replay, a timeline click) the
/// list scrolls to it.
fn draw(ui: &mut egui::Ui, state: &mut AppState) {
    let (Some(l), LadderSlot::Ready(ladder)) = (&state.loaded, &state.inspector.ladder.slot) else {
        return;
    };
    let Some(c) = model::connection(&l.capture, ladder.conn) else {
        return;
    };
    let t0 = l.timeline.t0_ns;
    let lang = state.lang;
    let cur = current_packet(state, ladder);
    let lines: Vec<Line> = ladder
        .items
        .iter()
        .enumerate()
        .flat_map(|(ii, it)| match it {
            LadderItem::Packet(p) => vec![Line::Packet(*p)],
            LadderItem::Run(r) if state.inspector.ladder.expanded_runs.contains(&ii) => {
                (r.first..r.end).map(Line::Packet).collect()
            }
            LadderItem::Run(_) => vec![Line::Run(ii)],
        })
        .collect();
    let cur_line = cur.and_then(|p| {
        lines.iter().position(|ln| match *ln {
            Line::Packet(q) => q == p,
            Line::Run(ii) => match &ladder.items[ii] {
                LadderItem::Run(r) => (r.first..r.end).contains(&p),
                LadderItem::Packet(_) => false,
            },
        })
    });
    // Header: who is on which line.
    let header = ui.available_rect_before_wrap();
    let xs = columns(header);
    let (hr, _) = ui.allocate_exact_size(Vec2::new(header.width(), 18.0), Sense::hover());
    let p = ui.painter();
    let font = FontId::proportional(13.0);
    p.text(
        Pos2::new(xs.client, hr.center().y),
        Align2::CENTER_CENTER,
        tr!(lang, "ladder-client", endpoint = c.client),
        font.clone(),
        CLIENT_COLOR,
    );
    p.text(
        Pos2::new(xs.server, hr.center().y),
        Align2::CENTER_CENTER,
        tr!(lang, "ladder-server", endpoint = c.server),
        font,
        SERVER_COLOR,
    );
    let mut clicked_packet: Option<usize> = None;
    let mut toggle_run: Option<usize> = None;
    let mut area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .id_salt("ladder-scroll");
    let scroll_to = cur_line.filter(|cl| state.inspector.ladder.scrolled != Some(*cl));
    if let Some(cl) = scroll_to {
        // Centre it, within the scrollable range (beyond it the area would spring back).
        let visible = ui.available_height();
        let max = (lines.len() as f32 * ROW_H - visible).max(0.0);
        let centred = cl as f32 * ROW_H - visible / 2.0;
        area = area.vertical_scroll_offset(centred.clamp(0.0, max));
    }
    area.show_rows(ui, ROW_H, lines.len(), |ui, range| {
        for li in range {
            let (rect, _) =
                ui.allocate_exact_size(Vec2::new(ui.available_width(), ROW_H), Sense::hover());
            let xs = columns(rect);
            let painter = ui.painter();
            let visuals = ui.visuals();
            if Some(li) == cur_line {
                painter.rect_filled(rect, 2.0, visuals.selection.bg_fill.gamma_multiply(0.5));
            }
            for x in [xs.client, xs.server] {
                painter.line_segment(
                    [Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())],
                    Stroke::new(2.0, visuals.weak_text_color()),
                );
            }
            let (y0, y1) = (rect.top() + 10.0, rect.bottom() - 4.0);
            match lines[li] {
                Line::Packet(pi) => {
                    let pk = &ladder.packets[pi];
                    let prev = pi.checked_sub(1).map(|q| &ladder.packets[q]);
                    painter.text(
                        Pos2::new(rect.left() + 4.0, rect.center().y),
                        Align2::LEFT_CENTER,
                        format!("{:.6}  #{}", (pk.ts_ns - t0) as f64 / 1e9, pk.frame()),
                        FontId::monospace(11.0),
                        visuals.weak_text_color(),
                    );
                    let color = if pk.retransmission {
                        visuals.warn_fg_color
                    } else if pk.flags.rst() {
                        visuals.error_fg_color
                    } else {
                        visuals.strong_text_color()
                    };
                    let (a, b) = if pk.from_client {
                        (Pos2::new(xs.client, y0), Pos2::new(xs.server, y1))
                    } else {
                        (Pos2::new(xs.server, y0), Pos2::new(xs.client, y1))
                    };
                    arrow(painter, a, b, Stroke::new(1.5, color));
                    painter.text(
                        Pos2::new((xs.client + xs.server) / 2.0, rect.top() + 1.0),
                        Align2::CENTER_TOP,
                        pk.detail(lang),
                        FontId::proportional(12.0),
                        color,
                    );
                    state_label(
                        painter,
                        visuals,
                        Pos2::new(xs.client - 8.0, rect.center().y),
                        Align2::RIGHT_CENTER,
                        pk.client_state.name(),
                        prev.is_none_or(|q| q.client_state != pk.client_state),
                        CLIENT_COLOR,
                    );
                    state_label(
                        painter,
                        visuals,
                        Pos2::new(xs.server + 8.0, rect.center().y),
                        Align2::LEFT_CENTER,
                        pk.server_state.name(),
                        prev.is_none_or(|q| q.server_state != pk.server_state),
                        SERVER_COLOR,
                    );
                    let hit = Rect::from_x_y_ranges(xs.client..=xs.server, rect.y_range());
                    let r =
                        ui.interact(hit, ui.scope_id().with(("ladder-pkt", pi)), Sense::click());
                    let label = pk.label(lang);
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                    if r.clicked() {
                        clicked_packet = Some(pi);
                    }
                    r.on_hover_text(tr!(
                        lang,
                        "ladder-packet-tooltip",
                        detail = pk.detail(lang),
                        flags = pk.flags.letters(),
                        client = pk.client_state.name(),
                        server = pk.server_state.name()
                    ));
                }
                Line::Run(ii) => {
                    let LadderItem::Run(run) = &ladder.items[ii] else {
                        continue;
                    };
                    let color = visuals.text_color();
                    let a = Pos2::new(xs.client, rect.center().y + 4.0);
                    let b = Pos2::new(xs.server, rect.center().y + 4.0);
                    painter.line_segment([a, b], Stroke::new(5.0, color.gamma_multiply(0.35)));
                    let label = run.label(lang);
                    painter.text(
                        Pos2::new((xs.client + xs.server) / 2.0, rect.top() + 1.0),
                        Align2::CENTER_TOP,
                        tr!(lang, "ladder-folded-tooltip", label = label),
                        FontId::proportional(12.0),
                        color,
                    );
                    let first = &ladder.packets[run.first];
                    painter.text(
                        Pos2::new(rect.left() + 4.0, rect.center().y),
                        Align2::LEFT_CENTER,
                        format!(
                            "{:.6}  #{}…",
                            (first.ts_ns - t0) as f64 / 1e9,
                            first.frame()
                        ),
                        FontId::monospace(11.0),
                        visuals.weak_text_color(),
                    );
                    let hit = Rect::from_x_y_ranges(xs.client..=xs.server, rect.y_range());
                    let r =
                        ui.interact(hit, ui.scope_id().with(("ladder-run", ii)), Sense::click());
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                    if r.clicked() {
                        toggle_run = Some(ii);
                    }
                }
            }
        }
    });
    if scroll_to.is_some() {
        state.inspector.ladder.scrolled = scroll_to;
    }
    if let Some(p) = clicked_packet {
        go_to_packet(state, p);
    }
    if let Some(ii) = toggle_run {
        if !state.inspector.ladder.expanded_runs.remove(&ii) {
            state.inspector.ladder.expanded_runs.insert(ii);
        }
        state.inspector.ladder.scrolled = None;
    }
}

/// x positions of the client and server lines inside `rect`.
struct Xs {
    client: f32,
    server: f32,
}

fn columns(rect: Rect) -> Xs {
    let client = rect.left() + TIME_W + STATE_W;
    let server = (rect.right() - STATE_W).max(client + 200.0);
    Xs { client, server }
}

/// A line from `a` to `b` with an arrowhead at `b`.
fn arrow(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke) {
    painter.line_segment([a, b], stroke);
    let dir = (b - a).normalized();
    let n = Vec2::new(-dir.y, dir.x);
    let head = 9.0;
    painter.line_segment([b, b - dir * head + n * head * 0.45], stroke);
    painter.line_segment([b, b - dir * head - n * head * 0.45], stroke);
}

/// One end's state next to its line: strong and coloured where it changed, faint otherwise.
fn state_label(
    painter: &egui::Painter,
    visuals: &egui::Visuals,
    at: Pos2,
    align: Align2,
    name: &str,
    changed: bool,
    color: Color32,
) {
    let (c, font) = if changed {
        (color, FontId::proportional(12.0))
    } else {
        (
            visuals.weak_text_color().gamma_multiply(0.7),
            FontId::proportional(11.0),
        )
    };
    painter.text(at, align, name, font, c);
}
