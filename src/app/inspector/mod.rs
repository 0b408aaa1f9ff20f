//! The bottom panel of the views under the timeline: the replay bar (shared time cursor), SVG export of
//! the timeline window, and the tabs Ladder | States | Occupancy | Table. Every view shows the state at `AppState::time_cursor`.
//!
//! Each view has its folder here: its panel (`mod.rs`), its model (`model.rs`) and what it
//! remembers between frames (`state.rs`), gathered with the tab shown in [`state::InspectorState`].

pub mod ladder;
pub mod occupancy;
pub mod replay;
pub mod state;
pub mod states;
pub mod table;

use crate::app::inspector::state::Tab;
use crate::app::state::AppState;
use crate::app::timeline::export;

/// The height the timeline keeps, however the views panel is dragged or filled.
pub const MIN_TIMELINE_H: f32 = 220.0;
/// The least the views panel shrinks to: its tab bar, replay bar and a few lines.
pub const MIN_VIEWS_H: f32 = 140.0;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    if state.loaded.is_none() {
        return;
    }
    replay::tick(ui, state);
    // About 45 % of the window at first. The splitter moves it within bounds that leave the
    // timeline its own minimum, whatever a tab's content asks for: an unfolded ladder or the
    // state diagram must never push the timeline out of the window.
    let avail = ui.available_height();
    let max_h = (avail - MIN_TIMELINE_H).max(MIN_VIEWS_H);
    let default_h = (avail * 0.45).clamp(MIN_VIEWS_H, max_h);
    egui::Panel::bottom(state.panel_id("views"))
        .resizable(true)
        .default_size(default_h)
        .size_range(MIN_VIEWS_H..=max_h)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for tab in Tab::ALL {
                    ui.selectable_value(&mut state.inspector.tab, tab, tab.title(state.lang));
                }
                ui.separator();
                replay::bar(ui, state);
                ui.separator();
                export::toolbar_item(ui, state);
            });
            ui.separator();
            match state.inspector.tab {
                Tab::Ladder => ladder::show(ui, state),
                Tab::States => states::show(ui, state),
                Tab::Occupancy => occupancy::show(ui, state),
                Tab::Table => table::show(ui, state),
            }
            // Fill the panel: a panel whose content is short (e.g. "Reading…") would
            // otherwise remember the short height.
            let rest = ui.available_rect_before_wrap();
            ui.allocate_rect(rest, egui::Sense::hover());
        });
    // What is left is where the timeline (the central panel) goes: "Export PNG" crops to it.
    state.timeline_view.rect = Some(ui.available_rect_before_wrap());
}
