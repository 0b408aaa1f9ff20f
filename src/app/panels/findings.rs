//! Findings strip under the toolbar: what portlife diagnosed in this capture, most severe first
//! (the same list `portlife report` prints). Hover a finding for its explanation, advice and book
//! chapter; click it to show only its connections on the timeline.

use egui::{Color32, RichText};
use portlife::findings::{Finding, Severity};
use portlife::i18n::Lang;
use portlife::report::summary::{chapter_path, severity_text};

use super::super::i18n::{t, tf};
use super::super::state::AppState;

/// Badge colour per severity: red, Okabe–Ito orange, grey.
fn severity_color(s: Severity, visuals: &egui::Visuals) -> Color32 {
    match s {
        Severity::Critical => Color32::from_rgb(0xD5, 0x1E, 0x1E),
        Severity::Warning => Color32::from_rgb(0xE6, 0x9F, 0x00),
        Severity::Info => visuals.weak_text_color(),
    }
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(loaded) = &state.loaded else { return };
    let findings = &loaded.derived.findings;
    let lang = state.lang;
    let mut clicked: Option<usize> = None;
    let mut clear = false;
    egui::Panel::top("findings").show(ui, |ui| {
        let header = if findings.is_empty() {
            t(lang, "Findings: none — nothing unusual under this profile").to_string()
        } else {
            tf(lang, "Findings ({})", &[&findings.len()])
        };
        egui::CollapsingHeader::new(header)
            .id_salt("findings_header")
            .default_open(true)
            .show(ui, |ui| {
                if let Some(i) = state.finding_focus {
                    ui.horizontal(|ui| {
                        let n = loaded.timeline.shown_connections;
                        ui.label(tf(
                            lang,
                            "Showing the {} connection(s) of finding {}.",
                            &[&n, &(i + 1)],
                        ));
                        if ui.button(t(lang, "Show all connections")).clicked() {
                            clear = true;
                        }
                    });
                }
                egui::ScrollArea::vertical()
                    .max_height(120.0)
                    .show(ui, |ui| {
                        for (i, f) in findings.iter().enumerate() {
                            if finding_row(ui, f, state.finding_focus == Some(i), lang).clicked() {
                                clicked = Some(i);
                            }
                        }
                    });
            });
    });
    if clear {
        state.clear_finding_focus();
    } else if let Some(i) = clicked {
        if state.finding_focus == Some(i) {
            state.clear_finding_focus();
        } else {
            state.focus_finding(i);
        }
    }
}

/// One line: severity badge and title; the hover card explains and advises.
fn finding_row(ui: &mut egui::Ui, f: &Finding, focused: bool, lang: Lang) -> egui::Response {
    ui.horizontal(|ui| {
        let color = severity_color(f.severity, ui.visuals());
        let text = f.text(lang);
        ui.label(
            RichText::new(severity_text(lang, f.severity))
                .strong()
                .color(color),
        );
        let r = ui.selectable_label(focused, text.title);
        let n = f.connections.len();
        let hint = if n > 0 {
            tf(
                lang,
                "Click to show its {} connection(s) alone; click again for all.",
                &[&n],
            )
        } else {
            t(lang, "It is about UDP flows or ports, not TCP connections.").to_string()
        };
        r.on_hover_ui(|ui| {
            ui.set_max_width(520.0);
            ui.label(RichText::new(text.title).strong());
            ui.label(text.explanation);
            ui.label(RichText::new(tf(lang, "What to do: {}", &[&text.advice])));
            ui.small(tf(lang, "Book: {}", &[&chapter_path(lang, f.chapter)]));
            ui.small(hint);
        })
    })
    .inner
}
