//! Bottom status bar: connections shown, ports in each phase at the cursor, peak occupancy, and
//! the time the last frames took to build.

use crate::app::i18n::{self, t, tf, CjkFont};
use crate::app::state::AppState;
use crate::app::timeline::model::fmt_duration;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let counts = state.counts_at_cursor();
    let lang = state.lang;
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if lang != portlife::i18n::Lang::En && state.cjk_font == CjkFont::Missing {
                ui.colored_label(ui.visuals().warn_fg_color, i18n::missing_font_warning());
                ui.separator();
            }
            let Some(l) = &state.loaded else {
                ui.label(t(
                    lang,
                    "No capture open — File -> Open, Samples, or drop a file here",
                ));
                return;
            };
            let tl = &l.timeline;
            let name = l
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ui.label(tf(lang, "{} · {} packets", &[&name, &l.capture.packets]))
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
                    tf(lang, "! {} warnings", &[&l.capture.warnings.len()]),
                )
                .on_hover_text(list);
            }
            ui.separator();
            if tl.shown_connections == tl.total_connections {
                ui.label(tf(lang, "{} connections", &[&tl.total_connections]));
                if !l.capture.udp.is_empty() {
                    ui.label(tf(lang, "· {} UDP flows", &[&tl.shown_udp]));
                }
            } else {
                ui.label(tf(
                    lang,
                    "{} of {} connections (filtered)",
                    &[&tl.shown_connections, &tl.total_connections],
                ));
            }
            ui.separator();
            match counts {
                Some((at, c)) => ui.label(tf(
                    lang,
                    "at {}: {} Assigned · {} Active · {} TimeWait",
                    &[
                        &fmt_duration(at.max(0.0)),
                        &c.assigned,
                        &c.active,
                        &c.time_wait,
                    ],
                )),
                None => ui.weak(t(lang, "hover the timeline for counts at a time")),
            };
            ui.separator();
            let p = &tl.peak;
            if let Some(h) = p.host {
                ui.label(tf(
                    lang,
                    "peak {} ports on {} ({} % of the range) at {}",
                    &[
                        &p.ports,
                        &h,
                        &format!("{:.2}", p.percent),
                        &fmt_duration(p.at.max(0.0)),
                    ],
                ));
            }
            // A class has no use for the frame time, and at 1.5× it would cover the peak.
            if state.show_frame_time && !state.presentation {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak(tf(
                        lang,
                        "frame {} ms",
                        &[&format!("{:.1}", state.frame_ms)],
                    ));
                });
            }
        });
    });
}
