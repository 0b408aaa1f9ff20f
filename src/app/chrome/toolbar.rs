//! Top bar: File / Samples / View menus, the OS profile selector, the load progress bar with
//! Cancel, the path field (fallback when there is no native file dialog) and the error banner.

use std::path::PathBuf;

use portlife::i18n::Lang;

use crate::app::state::{AppState, TimeAxis};
use portlife::ports::ProfileKind;
use portlife::tr;

/// Ctrl+O (⌘O on macOS): open a capture, as File › Open….
const OPEN: egui::KeyboardShortcut =
    egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::O);

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    if ui.input_mut(|i| i.consume_shortcut(&OPEN)) {
        // The path field shows at once: with no native dialog (no portal, e.g. under Xvfb)
        // it is the way in, and it says so by being there.
        start_dialog(ui.ctx(), false);
        state.show_path_input = !WEB;
    }
    egui::Panel::top("toolbar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            file_menu(ui, state);
            samples_menu(ui, state);
            crate::app::tour::menu(ui, state);
            view_menu(ui, state);
            crate::app::live::menu(ui, state);
            ui.separator();
            ui.toggle_value(&mut state.pool_map.open, tr!(lang, "pool-map-title"))
                .on_hover_text(tr!(lang, "toolbar-pool-map-tooltip"));
            ui.separator();
            language_selector(ui, state);
            ui.separator();
            profile_selector(ui, state);
            ui.separator();
            loading_progress(ui, state);
        });
        poll_dialog(ui, state);
        if state.show_path_input {
            path_field(ui, state);
        }
        damage_banner(ui, state);
        if let Some(err) = state.error.clone() {
            ui.horizontal(|ui| {
                ui.colored_label(ui.visuals().error_fg_color, format!("! {err}"));
                if ui.small_button(tr!(lang, "toolbar-dismiss")).clicked() {
                    state.error = None;
                }
            });
        }
    });
}

/// Warning kinds that mean the file itself is cut short or damaged: what follows the damage
/// was not read, and the user must know before reading the timeline as the whole capture.
const DAMAGE: [&str; 5] = [
    "truncated",
    "bad_block",
    "bad_length",
    "read_error",
    "damaged_compression",
];

/// A banner under the menus while the open capture is damaged: where, and how much was read.
fn damage_banner(ui: &mut egui::Ui, state: &AppState) {
    let Some(l) = &state.loaded else { return };
    let Some(w) = l
        .capture
        .warnings
        .iter()
        .find(|w| DAMAGE.contains(&w.kind.id()))
    else {
        return;
    };
    let lang = state.lang;
    ui.colored_label(
        ui.visuals().warn_fg_color,
        tr!(
            lang,
            "toolbar-capture-damaged",
            problem = w.message,
            packets = l.capture.packets
        ),
    );
}

/// In a browser there is no path to type or reopen and no window to quit: the File menu has
/// the picker only.
const WEB: bool = cfg!(target_arch = "wasm32");

fn file_menu(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    ui.menu_button(tr!(lang, "toolbar-file"), |ui| {
        let open = egui::Button::new(tr!(lang, "toolbar-open"))
            .shortcut_text(ui.ctx().format_shortcut(&OPEN));
        if ui.add(open).clicked() {
            start_dialog(ui.ctx(), false);
            state.show_path_input = !WEB;
            ui.close();
        }
        if WEB {
            ui.label(tr!(lang, "toolbar-needs-desktop"));
            return;
        }
        if ui
            .button(tr!(lang, "toolbar-open-folder"))
            .on_hover_text(tr!(lang, "toolbar-open-folder-tooltip"))
            .clicked()
        {
            start_dialog(ui.ctx(), true);
            state.show_path_input = true;
            ui.close();
        }
        if ui.button(tr!(lang, "toolbar-open-path")).clicked() {
            state.show_path_input = true;
            ui.close();
        }
        ui.menu_button(tr!(lang, "toolbar-recent"), |ui| {
            if state.recent.is_empty() {
                ui.label(tr!(lang, "toolbar-recent-none"));
            }
            for p in state.recent.clone() {
                if ui.button(p.display().to_string()).clicked() {
                    state.open(p, ui.ctx());
                    ui.close();
                }
            }
        });
        ui.separator();
        if ui.button(tr!(lang, "toolbar-quit")).clicked() {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    });
}

fn samples_menu(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    ui.menu_button(tr!(lang, "toolbar-samples"), |ui| {
        if state.samples.is_empty() {
            ui.label(tr!(lang, "toolbar-no-samples"));
        }
        for s in state.samples.clone() {
            let text = if s.lesson.is_empty() {
                s.name.clone()
            } else {
                format!("{} — {}", s.name, s.lesson)
            };
            if ui.button(text).clicked() {
                state.open(s.path.clone(), ui.ctx());
                ui.close();
            }
        }
    });
}

/// Zoom in / out / actual size (egui answers Ctrl +, Ctrl −, Ctrl 0 itself; the menu names the
/// keys), and presentation mode for a projector.
fn zoom_items(ui: &mut egui::Ui, state: &mut AppState) {
    use egui::gui_zoom::kb_shortcuts::{ZOOM_IN, ZOOM_OUT, ZOOM_RESET};
    let lang = state.lang;
    let ctx = ui.ctx().clone();
    let item = |ui: &mut egui::Ui, text: &str, key: &egui::KeyboardShortcut| {
        ui.add(egui::Button::new(text).shortcut_text(ctx.format_shortcut(key)))
            .clicked()
    };
    if item(ui, &tr!(lang, "toolbar-zoom-in"), &ZOOM_IN) {
        egui::gui_zoom::zoom_in(&ctx);
    }
    if item(ui, &tr!(lang, "toolbar-zoom-out"), &ZOOM_OUT) {
        egui::gui_zoom::zoom_out(&ctx);
    }
    if item(ui, &tr!(lang, "toolbar-actual-size"), &ZOOM_RESET) {
        ctx.set_zoom_factor(1.0);
    }
    let mut on = state.presentation;
    if ui
        .checkbox(&mut on, tr!(lang, "toolbar-presentation-mode"))
        .on_hover_text(tr!(lang, "toolbar-presentation-tooltip"))
        .changed()
    {
        state.set_presentation(&ctx, on);
    }
}

fn view_menu(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    ui.menu_button(tr!(lang, "toolbar-view"), |ui| {
        if ui.button(tr!(lang, "toolbar-fit-all")).clicked() {
            state.fit_all();
            ui.close();
        }
        if ui
            .add_enabled(
                state.selection.is_some(),
                egui::Button::new(tr!(lang, "toolbar-zoom-selection")),
            )
            .clicked()
        {
            state.zoom_to_selection();
            ui.close();
        }
        ui.separator();
        zoom_items(ui, state);
        ui.separator();
        if ui
            .button(tr!(lang, "toolbar-reset-layout"))
            .on_hover_text(tr!(lang, "toolbar-reset-layout-tooltip"))
            .clicked()
        {
            state.reset_layout();
            ui.close();
        }
        ui.separator();
        ui.radio_value(
            &mut state.axis,
            TimeAxis::Relative,
            tr!(lang, "toolbar-axis-relative"),
        );
        ui.radio_value(
            &mut state.axis,
            TimeAxis::WallClock,
            tr!(lang, "toolbar-axis-wall-clock"),
        );
        ui.separator();
        // Words, not egui's sun/moon glyphs: those need an emoji font and show as empty boxes
        // where the CJK fallback font is the one that gets asked.
        let mut pref = ui.ctx().options(|o| o.theme_preference);
        let before = pref;
        for (p, text) in [
            (
                egui::ThemePreference::System,
                tr!(lang, "toolbar-theme-system"),
            ),
            (
                egui::ThemePreference::Light,
                tr!(lang, "toolbar-theme-light"),
            ),
            (egui::ThemePreference::Dark, tr!(lang, "toolbar-theme-dark")),
        ] {
            ui.radio_value(&mut pref, p, text);
        }
        if pref != before {
            ui.ctx().set_theme(pref);
        }
    });
    if ui
        .button(tr!(lang, "toolbar-fit-all"))
        .on_hover_text(tr!(lang, "toolbar-fit-all-tooltip"))
        .clicked()
    {
        state.fit_all();
    }
    if ui
        .add_enabled(
            state.selection.is_some(),
            egui::Button::new(tr!(lang, "toolbar-zoom-selection")),
        )
        .clicked()
    {
        state.zoom_to_selection();
    }
    let label = match state.axis {
        TimeAxis::Relative => tr!(lang, "toolbar-axis-relative-button"),
        TimeAxis::WallClock => tr!(lang, "toolbar-axis-wall-clock-button"),
    };
    if ui
        .button(label)
        .on_hover_text(tr!(lang, "toolbar-axis-toggle-tooltip"))
        .clicked()
    {
        state.axis = match state.axis {
            TimeAxis::Relative => TimeAxis::WallClock,
            TimeAxis::WallClock => TimeAxis::Relative,
        };
    }
}

fn profile_selector(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    let mut choice = state.profile;
    egui::ComboBox::from_label(tr!(lang, "toolbar-os-profile"))
        .selected_text(profile_label(lang, choice))
        .show_ui(ui, |ui| {
            for p in ProfileKind::ALL {
                ui.selectable_value(&mut choice, p, profile_label(lang, p));
            }
        });
    state.set_profile(choice);
    host_profile_menu(ui, state);
    if state.profile == ProfileKind::Custom {
        let mut c = state.custom;
        let l = ui.label(tr!(lang, "toolbar-custom-ports-from"));
        ui.add(egui::DragValue::new(&mut c.lo).range(1..=65535))
            .labelled_by(l.id);
        let l = ui.label(tr!(lang, "range-to"));
        ui.add(egui::DragValue::new(&mut c.hi).range(1..=65535))
            .labelled_by(l.id);
        let l = ui.label(tr!(lang, "toolbar-custom-time-wait"));
        ui.add(egui::DragValue::new(&mut c.time_wait_s).range(0..=3600))
            .labelled_by(l.id);
        if c != state.custom {
            state.custom = c;
            state.rebuild();
        }
    }
    if let Some(l) = &state.loaded {
        // The numbers first: the note after them can be long (one clause per host) and is
        // cut at the window's edge, whole on hover.
        let p = &l.timeline.profile;
        let uniform = portlife::ports::ProfileOf {
            default: p,
            hosts: &l.timeline.host_profiles,
        }
        .uniform();
        let note = l.timeline.profile_note.text(lang);
        let time_wait_s = (p.time_wait_ns as f64 / 1e9).to_string();
        let text = if uniform {
            tr!(
                lang,
                "toolbar-profile-summary",
                lo = p.port_lo,
                hi = p.port_hi,
                time_wait_s = time_wait_s,
                note = note
            )
        } else {
            tr!(
                lang,
                "toolbar-profile-summary-per-host",
                lo = p.port_lo,
                hi = p.port_hi,
                time_wait_s = time_wait_s,
                note = note
            )
        };
        ui.add(egui::Label::new(egui::RichText::new(&text).weak()).truncate())
            .on_hover_text(text);
    }
}

/// Hosts listed in the per-host menu, busiest first (a capture can hold thousands).
const HOST_MENU_MAX: usize = 60;

/// "Per host": each client host's profile, what its SYNs said, and a choice of its own.
fn host_profile_menu(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(l) = &state.loaded else { return };
    let model = std::sync::Arc::clone(&l.derived.ports);
    if model.hosts.is_empty() {
        return;
    }
    let lang = state.lang;
    let mut hosts: Vec<&portlife::ports::PoolSeries> = model.hosts.iter().collect();
    hosts.sort_by(|a, b| b.peak.held().cmp(&a.peak.held()).then(a.host.cmp(&b.host)));
    let mut change = None;
    ui.menu_button(tr!(lang, "toolbar-per-host"), |ui| {
        ui.weak(tr!(lang, "toolbar-per-host-tooltip"));
        for series in hosts.iter().take(HOST_MENU_MAX) {
            let host = series.host;
            let p = model.profile_of(host);
            let own = state
                .host_profiles
                .iter()
                .find(|(h, _)| *h == host)
                .map(|x| x.1);
            let text = tr!(
                lang,
                "toolbar-host-profile",
                host = host,
                label = p.label,
                lo = p.port_lo,
                hi = p.port_hi,
                time_wait_s = p.time_wait_ns / 1_000_000_000
            );
            let guess = model.host_guesses.iter().find(|g| g.host == host);
            let hover = match guess {
                Some(g) => g.reasons_text(lang),
                None => tr!(lang, "toolbar-host-no-syn"),
            };
            ui.menu_button(text, |ui| {
                ui.weak(hover);
                if ui
                    .selectable_label(own.is_none(), tr!(lang, "toolbar-host-as-default"))
                    .clicked()
                {
                    change = Some((host, None));
                }
                for c in ProfileKind::ALL {
                    let label = match c {
                        ProfileKind::Auto => tr!(lang, "toolbar-host-auto"),
                        c => profile_label(lang, c),
                    };
                    if ui.selectable_label(own == Some(c), label).clicked() {
                        change = Some((host, Some(c)));
                    }
                }
            });
        }
        if hosts.len() > HOST_MENU_MAX {
            ui.weak(tr!(
                lang,
                "toolbar-and-more",
                count = hosts.len() - HOST_MENU_MAX
            ));
        }
    });
    if let Some((host, p)) = change {
        state.set_host_profile(host, p);
    }
}

/// The profile's name in the menu: product names stay, Auto and Custom are translated.
fn profile_label(lang: Lang, p: ProfileKind) -> String {
    match p {
        ProfileKind::Auto => tr!(lang, "profile-kind-auto"),
        ProfileKind::Custom => tr!(lang, "profile-kind-custom"),
        p => p.label().to_string(),
    }
}

/// English / 繁體中文. The first switch to Chinese loads the CJK font (see `app::i18n`).
fn language_selector(ui: &mut egui::Ui, state: &mut AppState) {
    let mut lang = state.lang;
    egui::ComboBox::from_label(tr!(lang, "toolbar-language"))
        .selected_text(lang.native_name())
        .show_ui(ui, |ui| {
            for l in Lang::ALL {
                ui.selectable_value(&mut lang, l, l.native_name());
            }
        });
    state.lang = lang;
}

fn loading_progress(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    let Some(job) = &state.loading else {
        return;
    };
    let p = job.progress;
    let name = job
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match p.total_bytes {
        Some(total) => tr!(
            lang,
            "toolbar-loading-of",
            file = name,
            read = format!("{:.1}", p.bytes_read as f64 / 1e6),
            total = format!("{:.1}", total as f64 / 1e6)
        ),
        None => tr!(
            lang,
            "toolbar-loading",
            file = name,
            read = format!("{:.1}", p.bytes_read as f64 / 1e6)
        ),
    };
    ui.add(
        egui::ProgressBar::new(p.fraction().unwrap_or(0.0))
            .desired_width(220.0)
            .text(text)
            .animate(true),
    );
    if ui.button(tr!(lang, "toolbar-cancel")).clicked() {
        job.cancel();
    }
}

fn path_field(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    ui.horizontal(|ui| {
        ui.label(tr!(lang, "toolbar-capture-path"));
        let r = ui.add(
            egui::TextEdit::singleline(&mut state.path_input)
                .desired_width(500.0)
                .hint_text("/path/to/capture.pcap"),
        );
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(tr!(lang, "toolbar-open-path-go")).clicked() || enter {
            let p = PathBuf::from(state.path_input.trim());
            state.open(p, ui.ctx());
        }
        if ui.button(tr!(lang, "toolbar-close")).clicked() {
            state.show_path_input = false;
        }
    });
}

/// Run the native dialog (rfd, xdg portal) on its own thread, for a file or a folder. With no
/// portal (e.g. under Xvfb) it returns nothing and the path field, shown alongside, is the way
/// in (it takes a folder too).
#[cfg(not(target_arch = "wasm32"))]
fn start_dialog(ctx: &egui::Context, folder: bool) {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let ctx2 = ctx.clone();
    let started = std::thread::Builder::new()
        .name("portlife-dialog".into())
        .spawn(move || {
            let picked = if folder {
                rfd::FileDialog::new().pick_folder()
            } else {
                rfd::FileDialog::new()
                    .add_filter("captures", &["pcap", "pcapng", "cap", "gz", "zst", "lz4"])
                    .pick_file()
            };
            let _ = tx.send(picked);
            ctx2.request_repaint();
        });
    if started.is_ok() {
        ctx.data_mut(|d| d.insert_temp(egui::Id::unique("file-dialog"), DialogRx(rx)));
    }
}

/// In a browser: the page's file picker. The file's bytes are kept in memory under its name
/// (there is no path to read it from again); a folder cannot be picked there.
#[cfg(target_arch = "wasm32")]
fn start_dialog(ctx: &egui::Context, _folder: bool) {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let ctx2 = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let picked = rfd::AsyncFileDialog::new()
            .add_filter("captures", &["pcap", "pcapng", "cap", "gz", "zst", "lz4"])
            .pick_file()
            .await;
        let opened = match picked {
            Some(file) => {
                let path = PathBuf::from(file.file_name());
                crate::app::files::keep(&path, file.read().await.into());
                Some(path)
            }
            None => None,
        };
        let _ = tx.send(opened);
        ctx2.request_repaint();
    });
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique("file-dialog"), DialogRx(rx)));
}

#[derive(Clone)]
struct DialogRx(crossbeam_channel::Receiver<Option<PathBuf>>);

fn poll_dialog(ui: &mut egui::Ui, state: &mut AppState) {
    let id = egui::Id::unique("file-dialog");
    let Some(DialogRx(rx)) = ui.ctx().data(|d| d.get_temp::<DialogRx>(id)) else {
        return;
    };
    match rx.try_recv() {
        Ok(Some(path)) => {
            ui.ctx().data_mut(|d| d.remove::<DialogRx>(id));
            state.show_path_input = false;
            state.open(path, ui.ctx());
        }
        Ok(None) | Err(crossbeam_channel::TryRecvError::Disconnected) => {
            ui.ctx().data_mut(|d| d.remove::<DialogRx>(id));
        }
        Err(crossbeam_channel::TryRecvError::Empty) => {}
    }
}
