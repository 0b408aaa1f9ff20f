//! Left panel: filters (host, destination, port range, outcome, text search). Any change
//! rebuilds the view-model; the capture is not re-read.

use super::super::capture::OutcomeGroup;
use super::super::state::AppState;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    egui::Panel::left("filters")
        .default_size(200.0)
        .resizable(true)
        .show(ui, |ui| {
            ui.heading("Filters");
            let mut f = state.filters.clone();
            labelled_text(ui, "Host", &mut f.host, "client IP contains");
            labelled_text(
                ui,
                "Destination",
                &mut f.destination,
                "server ip:port contains",
            );
            ui.label("Client port range");
            ui.horizontal(|ui| {
                let from = ui.label("from");
                ui.add(egui::DragValue::new(&mut f.port_min).range(0..=65535))
                    .labelled_by(from.id);
                let to = ui.label("to");
                ui.add(egui::DragValue::new(&mut f.port_max).range(0..=65535))
                    .labelled_by(to.id);
            });
            ui.label("Outcome");
            for (i, o) in OutcomeGroup::ALL.iter().enumerate() {
                ui.checkbox(&mut f.outcomes[i], o.name());
            }
            labelled_text(ui, "Search", &mut f.search, "tuple, state, outcome");
            if ui.button("Clear filters").clicked() {
                f = Default::default();
            }
            if f != state.filters {
                state.filters = f;
                state.rebuild();
            }
            ui.separator();
            legend_help(ui);
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
fn legend_help(ui: &mut egui::Ui) {
    ui.label(egui::RichText::new("How to read it").strong());
    ui.small("Each row is one client port (host:port). Empty = Available: no socket holds it.");
    ui.small("Orange: Assigned — SYN sent, waiting for the handshake.");
    ui.small("Blue: Active — the connection is open (or closing).");
    ui.small("Purple: TimeWait — this host closed first and must wait 2×MSL before reuse.");
    ui.small("Ctrl+wheel or pinch: zoom · drag: pan · click a bar: details.");
}
