//! Bottom status bar: connections shown, ports in each phase at the cursor, peak occupancy, and
//! the time the last frames took to build.

use super::super::state::AppState;
use super::super::view_model::fmt_duration;

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let counts = state.counts_at_cursor();
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let Some(l) = &state.loaded else {
                ui.label("No capture open — File -> Open, Samples, or drop a file here");
                return;
            };
            let tl = &l.timeline;
            let name = l
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            ui.label(format!("{name} · {} packets", l.capture.packets))
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
                    format!("! {} warnings", l.capture.warnings.len()),
                )
                .on_hover_text(list);
            }
            ui.separator();
            if tl.shown_connections == tl.total_connections {
                ui.label(format!("{} connections", tl.total_connections));
                if !l.capture.udp.is_empty() {
                    ui.weak(format!("(+{} UDP flows, not drawn)", l.capture.udp.len()));
                }
            } else {
                ui.label(format!(
                    "{} of {} connections (filtered)",
                    tl.shown_connections, tl.total_connections
                ));
            }
            ui.separator();
            match counts {
                Some((t, c)) => ui.label(format!(
                    "at {}: {} Assigned · {} Active · {} TimeWait",
                    fmt_duration(t.max(0.0)),
                    c.assigned,
                    c.active,
                    c.time_wait
                )),
                None => ui.weak("hover the timeline for counts at a time"),
            };
            ui.separator();
            let p = &tl.peak;
            if let Some(h) = p.host {
                ui.label(format!(
                    "peak {} ports on {h} ({:.2} % of the range) at {}",
                    p.ports,
                    p.percent,
                    fmt_duration(p.at.max(0.0))
                ));
            }
            if state.show_frame_time {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak(format!("frame {:.1} ms", state.frame_ms));
                });
            }
        });
    });
}
