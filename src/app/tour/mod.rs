//! The tour bar: a chapter's guided tour played over its sample. Each step moves the views
//! (time cursor, selection, tab, OS profile) and says in a sentence what is on screen; Next and
//! Back (→ and ←) step through it. The tours are the library's (`portlife::tour`), the same the
//! book's web pages play.

pub mod model;
pub mod state;

use std::path::PathBuf;

use portlife::ports::Profile;
use portlife::tour::{self, Tab as TourTab, Tour};

use crate::app::inspector::state::Tab;
use crate::app::state::AppState;
use portlife::tr;

/// The Tours menu: one entry per tour, by title.
pub fn menu(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    ui.menu_button(tr!(lang, "tour-menu"), |ui| match tour::all() {
        Ok(tours) => {
            for tr in tours {
                let text = format!("{} — {}", tr.id, tr.title.get(lang));
                if ui.button(text).on_hover_text(&tr.sample).clicked() {
                    start(state, tr, ui.ctx());
                    ui.close();
                }
            }
        }
        Err(e) => {
            ui.label(e.to_string());
        }
    });
}

/// Start the tour `id` (`portlife --tour ID`, the page's `tour=ID`).
pub fn start_by_id(state: &mut AppState, id: &str, ctx: &egui::Context) {
    match tour::by_id(id) {
        Ok(tr) => start(state, tr, ctx),
        Err(e) => state.tour.error = Some(e.to_string()),
    }
}

/// Play `tr` from its first step, opening its sample unless it is the capture already open.
pub fn start(state: &mut AppState, tr: &'static Tour, ctx: &egui::Context) {
    let open = sample_is_open(state, &tr.sample);
    if !open {
        state.open(sample_path(&tr.sample), ctx);
    }
    state.tour.tour = Some(tr);
    state.tour.step = 0;
    state.tour.pending = true;
    state.tour.error = None;
}

/// Where the sample named `name` is read from: the bundled folder on the desktop; in a browser
/// the name itself, fetched from the page's `samples/` folder.
fn sample_path(name: &str) -> PathBuf {
    if cfg!(target_arch = "wasm32") {
        PathBuf::from(name)
    } else {
        PathBuf::from(crate::app::samples::SAMPLES_DIR).join(name)
    }
}

/// The bundled sample `name` is the open capture: the same file, not one of the same name
/// elsewhere (a student's own `browser-burst.pcap` is not the tour's).
fn sample_is_open(state: &AppState, name: &str) -> bool {
    let same = |a: &std::path::Path, b: &std::path::Path| {
        a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    };
    state
        .loaded
        .as_ref()
        .is_some_and(|l| same(&l.path, &sample_path(name)))
}

/// Move the views to the current step, once its sample is open.
fn apply(state: &mut AppState) {
    let Some(tr) = state.tour.tour else {
        return;
    };
    if !sample_is_open(state, &tr.sample) {
        if state.loading.is_none() && state.tour.pending {
            // The sample did not open (the loader said why): nothing to move.
            state.tour.pending = false;
        }
        return;
    }
    state.tour.pending = false;
    let Some(step) = tr.steps.get(state.tour.step) else {
        return;
    };
    let profile = tr.profile_at(state.tour.step);
    if !matches!(profile, Profile::Custom { .. }) {
        state.set_profile(profile.kind());
    }
    let Some(l) = state.loaded.as_ref() else {
        return;
    };
    let place = model::place(step, l);
    if let Some(i) = place.selection {
        state.selection = Some(i);
    }
    if let Some(at) = place.cursor_s {
        state.time_cursor = Some(at);
        // Keep the cursor in view, in the middle when it had left it.
        let v = state.view;
        if at < v.start || at > v.end {
            state.view.pan(at - (v.start + v.end) / 2.0);
        }
    }
    if let Some(tab) = step.tab {
        state.inspector.tab = match tab {
            TourTab::Ladder => Tab::Ladder,
            TourTab::States => Tab::States,
            TourTab::Occupancy => Tab::Occupancy,
            TourTab::Table => Tab::Table,
        };
    }
}

fn go(state: &mut AppState, step: usize) {
    state.tour.step = step;
    apply(state);
}

/// The bar under the toolbar while a tour plays.
pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    if state.tour.pending {
        apply(state);
    }
    let lang = state.lang;
    if let Some(e) = state.tour.error.clone() {
        egui::Panel::top("tour").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.colored_label(ui.visuals().error_fg_color, e);
                if ui.small_button(tr!(lang, "toolbar-dismiss")).clicked() {
                    state.tour.error = None;
                }
            });
        });
    }
    let Some(tr) = state.tour.tour else {
        return;
    };
    let n = tr.steps.len();
    let i = state.tour.step.min(n.saturating_sub(1));
    let typing = ui.ctx().egui_wants_keyboard_input();
    // While a tour plays, → and ← are its own: taken here, before the ladder (which steps
    // packets with them) sees them.
    let (next, back) = ui.input_mut(|inp| {
        (
            !typing && inp.consume_key(egui::Modifiers::NONE, egui::Key::ArrowRight),
            !typing && inp.consume_key(egui::Modifiers::NONE, egui::Key::ArrowLeft),
        )
    });
    egui::Panel::top("tour").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.strong(tr.title.get(lang));
            ui.label(tr!(lang, "tour-step", step = i + 1, steps = n));
            ui.separator();
            if ui
                .add_enabled(i > 0, egui::Button::new(tr!(lang, "tour-back")))
                .clicked()
                || (back && i > 0)
            {
                go(state, i - 1);
            }
            if ui
                .add_enabled(i + 1 < n, egui::Button::new(tr!(lang, "tour-next")))
                .clicked()
                || (next && i + 1 < n)
            {
                go(state, i + 1);
            }
            if ui.small_button(tr!(lang, "tour-end")).clicked() {
                state.tour.tour = None;
            }
        });
        if let Some(step) = tr.steps.get(i) {
            let text = egui::RichText::new(step.text.get(lang)).size(16.0);
            ui.label(text);
        }
    });
}
