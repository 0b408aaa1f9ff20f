//! The replay bar: the shared time cursor's position, play/pause at ×1 … ×1000 (Space), and
//! stepping to the previous/next state change (of the selected connection, or of any
//! connection).
//!
//! Replay runs past the capture's last packet until the last TIME-WAIT has expired: the lesson
//! of TIME-WAIT is the wait, and after the capture only the hosts' profile timers move the ports
//! on (the bar says so while the cursor is there).

pub mod model;
pub mod state;

use std::sync::Arc;

use crate::app::derived::capture_key;
use crate::app::inspector::replay::model::SPEEDS;
use crate::app::state::AppState;
use portlife::tr;

/// Move the cursor while playing (once per frame, before anything draws).
pub fn tick(ui: &egui::Ui, state: &mut AppState) {
    if !state.inspector.replay.playing {
        return;
    }
    let Some(l) = &state.loaded else { return };
    let end = replay_end(l);
    let dt = f64::from(ui.input(|i| i.stable_dt).min(0.1));
    let from = state.time_cursor.unwrap_or(l.timeline.extent.0);
    let (mut t, done) = model::advance(from, dt, state.inspector.replay.speed, end);
    // No packet in a break: replay jumps over it rather than playing days of nothing.
    if let Some(b) = l.timeline.break_at(t) {
        t = b.to;
    }
    state.time_cursor = Some(t);
    if done {
        state.inspector.replay.playing = false;
    } else {
        ui.ctx().request_repaint();
    }
}

/// Where replay stops: the last span's end (a TIME-WAIT running on after the capture, by its
/// profile), or the last packet when nothing outlasts it.
fn replay_end(l: &crate::app::loaded::Loaded) -> f64 {
    let tl = &l.timeline;
    tl.capture_end.max(tl.extent.1).max(tl.extent.0)
}

/// State-change times for stepping, cached per capture and selection.
fn change_times(state: &mut AppState) -> Arc<Vec<f64>> {
    let Some(l) = &state.loaded else {
        return Arc::default();
    };
    let key = (capture_key(&l.capture), state.selection);
    match &state.inspector.replay.change_times {
        Some((k, v)) if *k == key => v.clone(),
        _ => {
            let v = Arc::new(model::change_times(
                &l.capture,
                l.timeline.t0_ns,
                state.selection,
            ));
            state.inspector.replay.change_times = Some((key, v.clone()));
            v
        }
    }
}

pub fn bar(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    let lang = state.lang;
    let start = l.timeline.extent.0;
    let end = replay_end(l);
    let capture_end = l.timeline.capture_end;
    let space = !ui.ctx().egui_wants_keyboard_input()
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Space));
    let play_text = if state.inspector.replay.playing {
        tr!(lang, "replay-pause")
    } else {
        tr!(lang, "replay-play")
    };
    if ui
        .button(play_text)
        .on_hover_text(tr!(lang, "replay-play-tooltip"))
        .clicked()
        || space
    {
        state.inspector.replay.playing = !state.inspector.replay.playing;
        if state.inspector.replay.playing && state.time_cursor.is_none_or(|t| t >= end) {
            state.time_cursor = Some(start);
        }
    }
    egui::ComboBox::from_label(tr!(lang, "replay-speed"))
        .selected_text(format!("×{}", state.inspector.replay.speed))
        .width(70.0)
        .show_ui(ui, |ui| {
            for s in SPEEDS {
                ui.selectable_value(&mut state.inspector.replay.speed, s, format!("×{s}"));
            }
        });
    let times = change_times(state);
    let (prev_hint, next_hint) = if state.selection.is_some() {
        (
            tr!(lang, "replay-previous-selected-tooltip"),
            tr!(lang, "replay-next-selected-tooltip"),
        )
    } else {
        (
            tr!(lang, "replay-previous-any-tooltip"),
            tr!(lang, "replay-next-any-tooltip"),
        )
    };
    let cursor = state.time_cursor;
    if ui
        .button(tr!(lang, "replay-previous-change"))
        .on_hover_text(prev_hint)
        .clicked()
    {
        if let Some(at) = cursor.and_then(|c| model::prev_change(&times, c)) {
            state.time_cursor = Some(at);
        }
    }
    if ui
        .button(tr!(lang, "replay-next-change"))
        .on_hover_text(next_hint)
        .clicked()
    {
        let from = cursor.unwrap_or(f64::NEG_INFINITY);
        if let Some(at) = model::next_change(&times, from) {
            state.time_cursor = Some(at);
        }
    }
    match state.time_cursor {
        Some(at) => {
            ui.label(tr!(lang, "replay-cursor-at", time = format!("{at:.6}")));
            if at > capture_end {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    tr!(
                        lang,
                        "replay-after-capture",
                        seconds = format!("{:.1}", at - capture_end)
                    ),
                );
            }
            if ui
                .small_button("x")
                .on_hover_text(tr!(lang, "replay-remove-cursor-tooltip"))
                .clicked()
            {
                state.time_cursor = None;
                state.inspector.replay.playing = false;
            }
        }
        None => {
            ui.weak(tr!(lang, "replay-no-cursor"));
        }
    }
}
