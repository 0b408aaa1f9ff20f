//! The Capture panel: live capture on this machine. Pick an interface, optionally a port or host
//! filter, Start/Stop; the timeline follows "now" while packets arrive; Save as pcap copies the
//! capture. Capturing is done by a `portlife live` child process, so the app itself never needs
//! root: without CAP_NET_RAW the panel shows the child's message saying how to grant it.

pub mod child;

#[cfg(not(target_arch = "wasm32"))]
use portlife::source::live;

use crate::app::state::AppState;
use portlife::tr;

/// The "Capture" entry in the menu bar.
pub fn menu(ui: &mut egui::Ui, state: &mut AppState) {
    let label = if state.live.running() {
        tr!(state.lang, "live-title-recording")
    } else {
        tr!(state.lang, "live-title")
    };
    if ui.button(label).clicked() {
        state.live.open = !state.live.open;
    }
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    if !state.live.open {
        return;
    }
    let ctx = ui.ctx().clone();
    let mut open = true;
    egui::Window::new(tr!(state.lang, "live-title"))
        .open(&mut open)
        .default_width(380.0)
        .show(&ctx, |ui| form(ui, state));
    state.live.open = open;
}

#[cfg(target_arch = "wasm32")]
fn form(ui: &mut egui::Ui, state: &mut AppState) {
    ui.label(tr!(state.lang, "live-needs-desktop"));
}

#[cfg(not(target_arch = "wasm32"))]
fn form(ui: &mut egui::Ui, state: &mut AppState) {
    let running = state.live.running();
    let lang = state.lang;
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label(tr!(lang, "live-interface"));
            egui::ComboBox::from_id_salt("live_iface")
                .selected_text(state.live.interface.clone())
                .show_ui(ui, |ui| {
                    for i in live::interfaces() {
                        let addrs: Vec<String> =
                            i.addresses.iter().map(|a| a.to_string()).collect();
                        let text = format!(
                            "{}{}{}  {}",
                            i.name,
                            if i.up {
                                String::new()
                            } else {
                                tr!(lang, "live-interface-down")
                            },
                            if i.loopback {
                                tr!(lang, "live-interface-loopback")
                            } else {
                                String::new()
                            },
                            addrs.join(", ")
                        );
                        ui.selectable_value(&mut state.live.interface, i.name.clone(), text);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label(tr!(lang, "live-filter"));
            ui.add(
                egui::TextEdit::singleline(&mut state.live.filter)
                    .hint_text(tr!(lang, "live-filter-hint"))
                    .desired_width(220.0),
            )
            .labelled_by(l.id);
        });
    });
    ui.horizontal(|ui| {
        if running {
            let secs = state
                .live
                .job
                .as_ref()
                .map_or(0.0, |j| j.started.elapsed().as_secs_f64());
            ui.label(tr!(lang, "live-recording", seconds = format!("{secs:.0}")));
            if ui.button(tr!(lang, "live-stop")).clicked() {
                state.stop_live();
            }
        } else if ui.button(tr!(lang, "live-start")).clicked() {
            state.start_live(ui.ctx());
        }
        ui.checkbox(&mut state.live.follow_now, tr!(lang, "live-follow-now"));
    });
    if running {
        if let Some(l) = &state.loaded {
            ui.label(tr!(
                lang,
                "live-so-far",
                packets = l.capture.packets,
                connections = l.capture.connection_count()
            ));
        }
    }
    match &state.live.status {
        Some(Ok(msg)) => {
            ui.label(msg.as_str());
        }
        Some(Err(msg)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("! {msg}"));
        }
        None => {}
    }
    let finished = state.live.job.as_ref().is_some_and(|j| j.ended);
    if finished {
        ui.horizontal(|ui| {
            let l = ui.label(tr!(lang, "live-save-as"));
            ui.add(egui::TextEdit::singleline(&mut state.live.save_path).desired_width(200.0))
                .labelled_by(l.id);
            if ui.button(tr!(lang, "live-save-pcap")).clicked() {
                let from = state.live.job.as_ref().map(|j| j.request.out.clone());
                let to = std::path::PathBuf::from(state.live.save_path.trim());
                state.live.status = Some(match from.map(|f| std::fs::copy(&f, &to)) {
                    Some(Ok(bytes)) => {
                        Ok(tr!(lang, "live-saved", bytes = bytes, path = to.display()))
                    }
                    Some(Err(e)) => Err(tr!(
                        lang,
                        "live-save-failed",
                        path = to.display(),
                        error = e
                    )),
                    None => Err(tr!(lang, "live-nothing-yet")),
                });
            }
        });
    }
    ui.small(tr!(lang, "live-needs-cap-net-raw"));
}
