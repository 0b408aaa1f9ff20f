//! Left panel: filters (host, destination, port range, outcome, text search). Any change
//! rebuilds the view-model; the capture is not re-read.

use crate::app::derived::OutcomeGroup;
use crate::app::state::AppState;
use portlife::tr;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    egui::Panel::left(state.panel_id("filters"))
        .default_size(200.0)
        .resizable(true)
        .show(ui, |ui| {
            let lang = state.lang;
            ui.heading(tr!(lang, "filters-heading"));
            let mut f = state.filters.clone();
            labelled_text(
                ui,
                &tr!(lang, "filters-host"),
                &mut f.host,
                &tr!(lang, "filters-host-hint"),
            );
            labelled_text(
                ui,
                &tr!(lang, "filters-destination"),
                &mut f.destination,
                &tr!(lang, "filters-destination-hint"),
            );
            ui.label(tr!(lang, "filters-client-port-range"));
            ui.horizontal(|ui| {
                let from = ui.label(tr!(lang, "range-from"));
                ui.add(egui::DragValue::new(&mut f.port_min).range(0..=65535))
                    .labelled_by(from.id);
                let to = ui.label(tr!(lang, "range-to"));
                ui.add(egui::DragValue::new(&mut f.port_max).range(0..=65535))
                    .labelled_by(to.id);
            });
            ui.label(tr!(lang, "filters-outcome"));
            for (i, o) in OutcomeGroup::ALL.iter().enumerate() {
                ui.checkbox(&mut f.outcomes[i], tr!(lang, o.name()));
            }
            labelled_text(
                ui,
                &tr!(lang, "filters-search"),
                &mut f.search,
                &tr!(lang, "filters-search-hint"),
            );
            if ui.button(tr!(lang, "filters-clear-filters")).clicked() {
                f = Default::default();
            }
            if f != state.filters {
                state.filters = f;
                state.rebuild();
            }
            ui.separator();
            legend_help(ui, lang);
        });
}

fn labelled_text(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, label));
}

/// How to read the picture, for a student who has not read the manual.
fn legend_help(ui: &mut egui::Ui, lang: portlife::i18n::Lang) {
    ui.label(egui::RichText::new(tr!(lang, "legend-help")).strong());
    ui.label(tr!(lang, "legend-help-rows"));
    ui.label(tr!(lang, "legend-help-assigned"));
    ui.label(tr!(lang, "legend-help-active"));
    ui.label(tr!(lang, "legend-help-time-wait"));
    ui.label(tr!(lang, "legend-help-controls"));
}
