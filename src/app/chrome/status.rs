//! Bottom status bar: connections shown, ports in each phase at the cursor, peak occupancy, and
//! the time the last frames took to build.

use crate::app::i18n::{self, CjkFont};
use crate::app::state::AppState;
use crate::app::timeline::model::fmt_duration;
use portlife::tr;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let counts = state.counts_at_cursor();
    let lang = state.lang;
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if lang.info().needs_cjk_font && state.cjk_font == CjkFont::Missing {
                ui.colored_label(ui.visuals().warn_fg_color, i18n::missing_font_warning());
                ui.separator();
            }
            let Some(l) = &state.loaded else {
                ui.label(tr!(lang, "status-no-capture"));
                return;
            };
            let tl = &l.timeline;
            let name = l
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ui.label(tr!(
                lang,
                "status-file-packets",
                file = name,
                packets = l.capture.packets
            ))
            .on_hover_text(&l.capture.file);
            if !l.capture.warnings.is_empty() {
                let list = l
                    .capture
                    .warnings
                    .iter()
                    .map(|w| w.to_string())
                    .collect::<Vec<_>>()
                    .join("\n");
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    tr!(lang, "status-warnings", count = l.capture.warnings.len()),
                )
                .on_hover_text(list);
            }
            ui.separator();
            if tl.shown_connections == tl.total_connections {
                ui.label(tr!(
                    lang,
                    "status-connections",
                    count = tl.total_connections
                ));
                if !l.capture.udp.is_empty() {
                    ui.label(tr!(lang, "status-udp-flows", count = tl.shown_udp));
                }
            } else {
                ui.label(tr!(
                    lang,
                    "status-connections-filtered",
                    shown = tl.shown_connections,
                    count = tl.total_connections
                ));
            }
            ui.separator();
            match counts {
                Some((at, c)) => ui.label(tr!(
                    lang,
                    "status-counts-at",
                    time = fmt_duration(at.max(0.0)),
                    assigned = c.assigned,
                    active = c.active,
                    time_wait = c.time_wait
                )),
                None => ui.weak(tr!(lang, "status-hover-hint")),
            };
            ui.separator();
            let p = &tl.peak;
            if let Some(h) = p.host {
                ui.label(tr!(
                    lang,
                    "status-peak",
                    ports = p.ports,
                    host = h,
                    pct = format!("{:.2}", p.percent),
                    time = fmt_duration(p.at.max(0.0))
                ));
            }
            // A class has no use for the frame time, and at 1.5× it would cover the peak.
            if state.show_frame_time && !state.presentation {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak(tr!(
                        lang,
                        "status-frame-time",
                        ms = format!("{:.1}", state.frame_ms)
                    ));
                });
            }
        });
    });
}
