//! Right panel: the selected connection — its 4-tuple and outcome, and every state transition of
//! both endpoints with its time and the packet (frame number) that caused it.

use crate::app::state::AppState;
use crate::app::timeline::model as timeline_model;
use portlife::tr;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(sel) = state.selection else {
        return;
    };
    let Some(l) = &state.loaded else {
        return;
    };
    let lang = state.lang;
    let Some(d) = timeline_model::details(&l.capture, &l.timeline, sel, lang) else {
        return;
    };
    let mut close = false;
    egui::Panel::right(state.panel_id("details"))
        .default_size(380.0)
        .resizable(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr!(lang, "details-connection"));
                if ui
                    .small_button("x")
                    .on_hover_text(tr!(lang, "details-clear-selection"))
                    .clicked()
                {
                    close = true;
                }
            });
            ui.label(egui::RichText::new(&d.title).monospace().strong());
            egui::Grid::new("facts").num_columns(2).show(ui, |ui| {
                for (k, v) in &d.facts {
                    ui.weak(tr!(lang, k));
                    ui.label(v);
                    ui.end_row();
                }
            });
            ui.separator();
            ui.label(egui::RichText::new(tr!(lang, "details-state-transitions")).strong());
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("transitions")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        for h in [
                            tr!(lang, "details-column-time"),
                            tr!(lang, "details-column-end"),
                            tr!(lang, "details-transition"),
                            tr!(lang, "details-column-frame"),
                        ] {
                            ui.strong(h);
                        }
                        ui.end_row();
                        for tr in &d.transitions {
                            ui.monospace(&tr.time);
                            ui.label(tr!(lang, tr.side));
                            if tr.inferred {
                                ui.label(format!(
                                    "{} -> {} ({})",
                                    tr.from,
                                    tr.to,
                                    tr!(lang, "details-inferred")
                                ))
                                .on_hover_text(tr!(lang, "details-inferred-tooltip"));
                            } else {
                                ui.label(format!("{} -> {}", tr.from, tr.to));
                            }
                            ui.monospace(format!("#{}", tr.frame));
                            ui.end_row();
                        }
                    });
            });
        });
    if close {
        state.selection = None;
    }
}
