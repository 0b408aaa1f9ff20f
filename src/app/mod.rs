//! The portlife desktop app (egui + eframe). Only this module depends on egui; the library does
//! not. Layout follows egui's demo app: [`state::AppState`] holds what is shown, and each view
//! has one folder holding its panel (`mod.rs`), its model (`model.rs`, what the panel draws,
//! made from the open capture) and what it remembers between frames: a field of `AppState`,
//! so kept apart from the panel, which reads `AppState` (in `state.rs`; the pool map's and the
//! Capture window's beside the model or the child process they hold):
//!
//! - [`timeline`]: the port timeline in the middle, with its SVG/PNG export;
//! - [`inspector`]: the bottom panel's tabs (ladder, states, occupancy, table) and replay bar;
//! - [`pool_map`]: the pool map window; [`live`]: the Capture window and its child process;
//! - [`details`]: the selected connection's panel; [`findings`]: the findings strip;
//! - [`chrome`]: toolbar, status bar and filters, which frame the views.
//!
//! [`loaded::Loaded`] is the open capture with [`derived::Derived`], what was derived from it.

pub mod chrome;
pub mod derived;
pub mod details;
pub mod files;
pub mod findings;
pub mod i18n;
pub mod inspector;
pub mod live;
pub mod loaded;
pub mod loader;
pub mod pool_map;
pub mod profile;
pub mod samples;
pub mod settings;
pub mod state;
pub mod theme;
pub mod timeline;
pub mod tour;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(test)]
mod book_shots;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_capture;
#[cfg(test)]
mod tests_findings;
#[cfg(test)]
mod tests_pool_map;
#[cfg(test)]
mod tests_tour;
#[cfg(test)]
mod tests_views;

use std::path::PathBuf;
use web_time::Instant;

use state::AppState;

/// The eframe application: state plus the panels that draw it.
pub struct PortlifeApp {
    pub state: AppState,
    /// `PORTLIFE_FRAME_LOG=FILE` (the web page: `?frames`, to the console): every frame's whole
    /// cost written there (scripts/frame-times.sh).
    frame_log: Option<FrameLog>,
    /// The window's context, for what `save` reads from it (the theme, the zoom).
    ctx: Option<egui::Context>,
}

/// One line per frame: ms since the app started, the previous frame's whole cost as eframe
/// measures it (UI, tessellation and painting, without the wait for vsync), this frame's UI
/// time, and the connections loaded. Repaints continuously while it is on, so the frames
/// measured are back to back.
struct FrameLog {
    out: Box<dyn std::io::Write>,
    started: Instant,
}

impl PortlifeApp {
    /// A new app that starts loading `file` (if any) right away.
    pub fn new(ctx: &egui::Context, file: Option<PathBuf>) -> Self {
        let mut state = AppState::default();
        if let Some(f) = file {
            state.open(f, ctx);
        }
        PortlifeApp {
            state,
            frame_log: None,
            ctx: None,
        }
    }

    /// One frame: poll the loader, take dropped files, draw every panel.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.state.ensure_fonts(&ctx);
        self.state.poll_loading();
        self.state.poll_live();
        // The frame time shown is drawing's: a capture installed by the polls above (a one-off
        // rebuild of the timeline) would otherwise dominate the smoothed figure for a long while.
        let started = Instant::now();
        if self.state.live.running() {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        }
        if self.state.loading.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        let dropped: Option<PathBuf> = ctx.input(|i| {
            // A browser gives a name and bytes to read, no path: read in the background, kept
            // in memory by name, opened when they have arrived.
            #[cfg(target_arch = "wasm32")]
            if let Some(f) = i.raw.dropped_files.first() {
                files::read_dropped(std::sync::Arc::clone(f), ctx.clone());
                return None;
            }
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        let dropped = dropped.or_else(files::take_arrived);
        if let Some(p) = dropped {
            self.state.open(p, &ctx);
        }
        chrome::toolbar::show(ui, &mut self.state);
        tour::show(ui, &mut self.state);
        findings::show(ui, &mut self.state);
        chrome::status::show(ui, &mut self.state);
        chrome::filters::show(ui, &mut self.state);
        live::show(ui, &mut self.state);
        details::show(ui, &mut self.state);
        inspector::show(ui, &mut self.state);
        pool_map::show(ui, &mut self.state);
        timeline::show(ui, &mut self.state);
        let ms = started.elapsed().as_secs_f32() * 1000.0;
        self.state.frame_ms = if self.state.frame_ms == 0.0 {
            ms
        } else {
            self.state.frame_ms * 0.9 + ms * 0.1
        };
    }
}

impl eframe::App for PortlifeApp {
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Called by eframe now and then and on exit: what to remember for the next start.
        if let Some(ctx) = self.ctx.as_ref() {
            eframe::set_value(
                storage,
                settings::KEY,
                &settings::Settings::of(&self.state, ctx),
            );
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let ui_started = Instant::now();
        self.show(ui);
        if let Some(log) = self.frame_log.as_mut() {
            use std::io::Write;
            let conns = self
                .state
                .loaded
                .as_ref()
                .map_or(0, |l| l.capture.connections.len());
            let whole = frame.info().cpu_usage.map_or(f32::NAN, |s| s * 1000.0);
            // A log that cannot be written is not worth stopping the app for.
            let _ = writeln!(
                log.out,
                "{:.3} {:.3} {:.3} {conns}",
                log.started.elapsed().as_secs_f64() * 1000.0,
                whole,
                ui_started.elapsed().as_secs_f64() * 1000.0
            );
            ui.ctx().request_repaint();
        }
    }
}

/// How the app starts: what the command line (the desktop) or the page's address (the web)
/// asked for, over what the last session left.
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub file: Option<PathBuf>,
    pub lang: Option<portlife::i18n::Lang>,
    pub theme: Option<String>,
    pub presentation: bool,
    /// A guided tour to play from the start (its sample is opened).
    pub tour: Option<String>,
}

impl PortlifeApp {
    /// The app eframe runs, on the desktop and in a browser alike.
    fn started(cc: &eframe::CreationContext<'_>, start: Start) -> Self {
        // A tour opens its own sample.
        let file = start.file.clone().filter(|_| start.tour.is_none());
        let mut app = PortlifeApp::new(&cc.egui_ctx, file);
        app.state.lang = portlife::i18n::Lang::from_env();
        // What the last session left: recent files, language, theme, presentation mode.
        if let Some(s) = cc
            .storage
            .and_then(|st| eframe::get_value::<settings::Settings>(st, settings::KEY))
        {
            s.apply(&mut app.state, &cc.egui_ctx);
        }
        // The command line (or the page's address) has the last word.
        if let Some(lang) = start.lang {
            app.state.lang = lang;
        }
        if let Some(theme) = &start.theme {
            settings::set_theme(&cc.egui_ctx, theme);
        }
        if start.presentation {
            app.state.set_presentation(&cc.egui_ctx, true);
        }
        if let Some(id) = &start.tour {
            tour::start_by_id(&mut app.state, id, &cc.egui_ctx);
        }
        app.ctx = Some(cc.egui_ctx.clone());
        app
    }
}

/// Open the desktop window on `file`.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(file: Option<PathBuf>, start: crate::cli::StartOptions) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("portlife")
            .with_inner_size([1500.0, 900.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let start = Start {
        file,
        lang: start.lang,
        theme: start.theme,
        presentation: start.presentation,
        tour: start.tour,
    };
    eframe::run_native(
        "portlife",
        options,
        Box::new(move |cc| {
            let mut app = PortlifeApp::started(cc, start);
            if let Some(path) = std::env::var_os("PORTLIFE_FRAME_LOG") {
                let f = std::fs::File::create(&path)
                    .map_err(|e| format!("PORTLIFE_FRAME_LOG {}: {e}", path.to_string_lossy()))?;
                app.frame_log = Some(FrameLog {
                    out: Box::new(std::io::LineWriter::new(f)),
                    started: Instant::now(),
                });
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| e.to_string())
}
