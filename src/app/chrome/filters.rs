//! Left panel: filters (host, destination, port range, outcome, text search). Any change
//! rebuilds the view-model; the capture is not re-read.

use crate::app::derived::OutcomeGroup;
use crate::app::i18n::t;
use crate::app::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    egui::Panel::left(state.panel_id("filters"))
        .default_size(200.0)
        .resizable(true)
        .show(ui, |ui| {
            let lang = state.lang;
            ui.heading(t(lang, "Filters"));
            let mut f = state.filters.clone();
            labelled_text(
                ui,
                t(lang, "Host"),
                &mut f.host,
                t(lang, "client IP contains"),
            );
            labelled_text(
                ui,
                t(lang, "Destination"),
                &mut f.destination,
                t(lang, "server ip:port contains"),
            );
            ui.label(t(lang, "Client port range"));
            ui.horizontal(|ui| {
                let from = ui.label(t(lang, "from"));
                ui.add(egui::DragValue::new(&mut f.port_min).range(0..=65535))
                    .labelled_by(from.id);
                let to = ui.label(t(lang, "to"));
                ui.add(egui::DragValue::new(&mut f.port_max).range(0..=65535))
                    .labelled_by(to.id);
            });
            ui.label(t(lang, "Outcome"));
            for (i, o) in OutcomeGroup::ALL.iter().enumerate() {
                ui.checkbox(&mut f.outcomes[i], t(lang, o.name()));
            }
            labelled_text(
                ui,
                t(lang, "Search"),
                &mut f.search,
                t(lang, "tuple, state, outcome"),
            );
            if ui.button(t(lang, "Clear filters")).clicked() {
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
    ui.label(egui::RichText::new(t(lang, "How to read it")).strong());
    ui.label(t(
        lang,
        "Each row is one client port (host:port). Empty = Available: no socket holds it.",
    ));
    ui.label(t(
        lang,
        "Orange: Assigned — SYN sent, waiting for the handshake.",
    ));
    ui.label(t(
        lang,
        "Blue: Active — the connection is open (or closing).",
    ));
    ui.label(t(
        lang,
        "Pink: TimeWait — this host closed first and must wait 2×MSL before reuse.",
    ));
    ui.label(t(
        lang,
        "Ctrl+wheel or pinch: zoom · drag: pan · click a bar: details.",
    ));
}
