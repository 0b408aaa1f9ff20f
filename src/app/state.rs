//! The app's state, kept apart from the panels that draw it (the layout of egui's demo app):
//! the loaded capture, its timeline view-model, selection, filters, view transform and profile.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use portlife::i18n::Lang;
use portlife::ports::Profiles;

use super::derived::CaptureModel;
use super::i18n::{self, CjkFont};
use super::inspector::state::InspectorState;
use super::live::child::{LiveJob, LiveRequest, LiveState};
use super::loader::LoadJob;
use super::pool_map::model::PoolMapState;
use super::profile::CustomParams;
use super::samples::{self, Sample};
use super::timeline::model::{
    self as timeline_model, Filters, PhaseCounts, ProfileGhost, Timeline,
};
use super::timeline::state::TimelineState;
use super::tour::state::TourState;
use portlife::ports::ProfileKind;
use portlife::tr;

/// How the x axis is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeAxis {
    /// Seconds since the first connection began.
    Relative,
    /// UTC wall-clock time of the capture.
    WallClock,
}

/// The visible time window, in seconds from the timeline's t0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewTransform {
    pub start: f64,
    pub end: f64,
}

impl ViewTransform {
    pub fn width(&self) -> f64 {
        (self.end - self.start).max(1e-9)
    }
    /// Zoom by `factor` (>1 zooms in) keeping time `anchor` under the same pixel.
    pub fn zoom(&mut self, factor: f64, anchor: f64) {
        let f = factor.clamp(0.01, 100.0);
        let new_w = (self.width() / f).clamp(1e-6, 1e9);
        let frac = (anchor - self.start) / self.width();
        self.start = anchor - frac * new_w;
        self.end = self.start + new_w;
    }
    pub fn pan(&mut self, dt: f64) {
        self.start += dt;
        self.end += dt;
    }
    /// Show `[a, b]` with a small margin on each side.
    pub fn fit(a: f64, b: f64) -> Self {
        let w = (b - a).max(1e-3);
        ViewTransform {
            start: a - w * 0.02,
            end: b + w * 0.02,
        }
    }
}

pub use super::loaded::Loaded;

/// [`ViewTransform::fit`] on the drawn axis: its margins are a share of what is drawn, not of
/// the real span, which an idle break of days would make days wide.
fn fit_squeezed(tl: &Timeline, a: f64, b: f64) -> ViewTransform {
    let v = ViewTransform::fit(tl.squeeze(a), tl.squeeze(b));
    ViewTransform {
        start: tl.unsqueeze(v.start),
        end: tl.unsqueeze(v.end),
    }
}

/// Everything the panels read and change.
pub struct AppState {
    pub loaded: Option<Loaded>,
    pub loading: Option<LoadJob>,
    pub profile: ProfileKind,
    pub custom: CustomParams,
    /// Hosts given a profile of their own (the toolbar's per-host menu); every other host is
    /// under `profile`.
    pub host_profiles: Vec<(IpAddr, ProfileKind)>,
    pub filters: Filters,
    /// Index into the capture's connections.
    pub selection: Option<u32>,
    pub view: ViewTransform,
    pub axis: TimeAxis,
    /// Time under the pointer (seconds from t0), for the cursor line and status counts.
    pub cursor: Option<f64>,
    /// The shared time cursor (seconds from t0): the moment every view shows the state at —
    /// timeline marker, ladder, state diagrams, pool map. Replay moves it; `None` means "not
    /// placed" (views then show the end of the capture).
    pub time_cursor: Option<f64>,
    /// The finding (index into the timeline's findings) whose connections are shown alone.
    pub finding_focus: Option<usize>,
    cursor_counts: Option<(f64, PhaseCounts)>,
    pub collapsed: HashSet<IpAddr>,
    /// The last load error, shown in the window until dismissed.
    pub error: Option<String>,
    pub recent: Vec<PathBuf>,
    pub samples: Vec<Sample>,
    /// The path field used when no native file dialog is available.
    pub path_input: String,
    pub show_path_input: bool,
    /// Smoothed time spent building the UI each frame, in milliseconds.
    pub frame_ms: f32,
    /// Live capture (the Capture panel).
    pub live: LiveState,
    /// Show `frame_ms` in the status bar (off in snapshot tests: it changes run to run).
    pub show_frame_time: bool,
    /// What the timeline remembers between frames (scroll, "Go to", export of its window).
    pub timeline_view: TimelineState,
    /// The bottom panel: its tab, and the ladder, state diagram, occupancy, table and replay
    /// views' state.
    pub inspector: InspectorState,
    /// The pool map window: open or not, host, destination, cached port model.
    pub pool_map: PoolMapState,
    /// The language of every text (English by default; `app::run` takes the system locale).
    pub lang: Lang,
    /// The CJK font, loaded the first time a language needs it.
    pub cjk_font: CjkFont,
    /// Bumped by View › Reset layout: the side and bottom panels are keyed by it, so a new
    /// value gives them their default sizes again (egui remembers a panel's size by its id).
    pub layout_generation: u32,
    /// The profiles before the last profile switch, outlined on the timeline until the user
    /// hides them or opens another capture.
    pub ghost: Option<ProfileGhost>,
    /// Presentation mode (View menu): zoomed for a projector, text at full contrast.
    pub presentation: bool,
    /// The guided tour being played, if any.
    pub tour: TourState,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            loaded: None,
            loading: None,
            profile: ProfileKind::Auto,
            custom: CustomParams::default(),
            host_profiles: Vec::new(),
            filters: Filters::default(),
            selection: None,
            view: ViewTransform {
                start: 0.0,
                end: 1.0,
            },
            axis: TimeAxis::Relative,
            cursor: None,
            time_cursor: None,
            finding_focus: None,
            cursor_counts: None,
            collapsed: HashSet::new(),
            error: None,
            recent: Vec::new(),
            samples: samples::bundled(),
            path_input: String::new(),
            show_path_input: false,
            frame_ms: 0.0,
            show_frame_time: true,
            live: LiveState::default(),
            timeline_view: TimelineState::default(),
            inspector: InspectorState::default(),
            layout_generation: 0,
            ghost: None,
            presentation: false,
            tour: TourState::default(),
            pool_map: PoolMapState::default(),
            lang: Lang::En,
            cjk_font: CjkFont::NotLoaded,
        }
    }
}

impl AppState {
    /// Start loading `path` in the background; the current capture stays until it succeeds.
    pub fn open(&mut self, path: PathBuf, ctx: &egui::Context) {
        if let Some(job) = &self.loading {
            job.cancel();
        }
        self.error = None;
        self.loading = Some(LoadJob::spawn(path, ctx.clone()));
    }

    /// Take a finished load, if any: install it, or keep the old capture and show the error.
    pub fn poll_loading(&mut self) {
        let Some(job) = self.loading.as_mut() else {
            return;
        };
        if let Some(result) = job.poll() {
            let path = job.path.clone();
            self.loading = None;
            self.finish_load(path, result);
        }
    }

    /// Install a load result (the loader's, or a test's).
    pub fn finish_load(&mut self, path: PathBuf, result: Result<CaptureModel, String>) {
        match result {
            Ok(capture) => self.install(path, capture),
            Err(e) => {
                self.error = Some(tr!(
                    self.lang,
                    "app-open-failed",
                    path = path.display(),
                    error = e
                ));
            }
        }
    }

    /// Make `capture` the open capture.
    pub fn install(&mut self, path: PathBuf, capture: CaptureModel) {
        if capture.cancelled {
            self.error = Some(tr!(self.lang, "app-load-cancelled", path = path.display()));
        }
        let capture = Arc::new(capture);
        // A finding's focus belongs to the capture it came from.
        self.finding_focus = None;
        self.filters.only = None;
        // Per-host choices belong to the capture whose hosts they name.
        self.host_profiles.clear();
        let profiles = self.profiles();
        let (derived, timeline) = capture.derive_after_with(None, &profiles, |m| {
            timeline_model::build(&capture, m, &self.filters)
        });
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path.clone());
        self.recent.truncate(10);
        self.selection = None;
        self.time_cursor = None;
        self.cursor_counts = None;
        self.ghost = None;
        self.collapsed.clear();
        self.timeline_view.reset_for_new_capture();
        self.inspector.reset_for_new_capture();
        self.view = fit_squeezed(&timeline, timeline.extent.0, timeline.extent.1);
        #[cfg(target_arch = "wasm32")]
        crate::app::web::say_opened(&path, capture.connection_count());
        self.loaded = Some(Loaded {
            path,
            capture,
            derived,
            derived_for: profiles,
            timeline,
        });
    }

    /// Start capturing on the Capture panel's interface (a `portlife live` child process).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub fn start_live(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.live.job {
            job.stop();
        }
        let req = LiveRequest {
            program: self.live.program.clone(),
            interface: self.live.interface.trim().to_string(),
            filter: self.live.filter.clone(),
            out: LiveState::capture_file(),
            lang: self.lang,
        };
        self.live.status = None;
        match LiveJob::start(req, ctx.clone()) {
            Ok(job) => self.live.job = Some(job),
            Err(e) => self.live.status = Some(Err(e)),
        }
    }

    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub fn stop_live(&mut self) {
        if let Some(job) = &self.live.job {
            job.stop();
        }
    }

    /// Take the live capture's newest snapshot into the view (selection and window kept; the
    /// window follows the newest minute when asked).
    pub fn poll_live(&mut self) {
        let Some(job) = self.live.job.as_mut() else {
            return;
        };
        let (snap, end) = job.poll();
        let path = job.request.out.clone();
        if let Some(end) = end {
            self.live.status = Some(end);
        }
        let Some(capture) = snap else { return };
        let same = self.loaded.as_ref().is_some_and(|l| l.path == path);
        if !same {
            self.install(path, capture);
        } else if let Some(l) = self.loaded.as_mut() {
            l.capture = Arc::new(capture);
            let profiles = Self::profiles_of(self.profile, self.custom, &self.host_profiles);
            let (derived, timeline) = l.capture.derive_after_with(None, &profiles, |m| {
                timeline_model::build(&l.capture, m, &self.filters)
            });
            l.derived = derived;
            l.derived_for = profiles;
            l.timeline = timeline;
            self.cursor_counts = None;
        }
        if self.live.follow_now {
            if let Some(l) = &self.loaded {
                let end = l.timeline.capture_end;
                self.view = ViewTransform {
                    start: end - 60.0,
                    end: end + 5.0,
                };
            }
        }
    }

    /// Load the CJK font once, on the first frame: the language menu names 繁體中文 in its own
    /// script even while the app speaks English. Latin text keeps egui's own fonts (the CJK font
    /// is only a fallback); the file is read once (~20 MB for the Noto collection).
    pub fn ensure_fonts(&mut self, ctx: &egui::Context) {
        if self.cjk_font == CjkFont::NotLoaded {
            self.cjk_font = i18n::install_cjk_font(ctx);
        }
    }

    /// Re-derive the timeline after a profile or filter change (the capture is not re-read).
    pub fn rebuild(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            let key = Self::profiles_of(self.profile, self.custom, &self.host_profiles);
            if l.derived_for != key {
                // The timeline rows are built while the findings are recomputed.
                let (derived, timeline) =
                    l.capture.derive_after_with(Some(&l.derived), &key, |m| {
                        timeline_model::build(&l.capture, m, &self.filters)
                    });
                l.derived = derived;
                l.derived_for = key;
                l.timeline = timeline;
            } else {
                l.timeline = timeline_model::build(&l.capture, &l.derived.ports, &self.filters);
            }
            self.cursor_counts = None;
        }
    }

    pub fn set_profile(&mut self, p: ProfileKind) {
        if p != self.profile {
            self.profile = p;
            self.profile_changed();
        }
    }

    /// Give one host its own profile (`Auto`: its own guess, whatever the default is); the
    /// other hosts keep theirs.
    pub fn set_host_profile(&mut self, host: IpAddr, p: Option<ProfileKind>) {
        let before = self.host_profiles.clone();
        self.host_profiles.retain(|(h, _)| *h != host);
        if let Some(p) = p {
            self.host_profiles.push((host, p));
            self.host_profiles.sort_by_key(|(h, _)| *h);
        }
        if self.host_profiles != before {
            self.profile_changed();
        }
    }

    fn profile_changed(&mut self) {
        // Findings are recomputed under the new profile: a focus on the old list is stale.
        self.finding_focus = None;
        self.filters.only = None;
        let before = self.loaded.as_ref().map(|l| ProfileGhost::of(&l.timeline));
        self.rebuild();
        // Refit so the new lengths are on screen, with the old ones outlined beside them.
        self.ghost = before.filter(|g| {
            self.loaded
                .as_ref()
                .is_some_and(|l| g.extent_end(&l.timeline).is_some())
        });
        self.fit_all();
    }

    /// The library's choice for every host: the selector's default and the per-host ones.
    pub fn profiles(&self) -> Profiles {
        Self::profiles_of(self.profile, self.custom, &self.host_profiles)
    }

    fn profiles_of(
        default: ProfileKind,
        custom: CustomParams,
        hosts: &[(IpAddr, ProfileKind)],
    ) -> Profiles {
        Profiles {
            default: custom.profile(default),
            hosts: hosts
                .iter()
                .map(|(h, p)| (*h, custom.profile(*p)))
                .collect(),
        }
    }

    /// Show only the connections finding `i` is about, select its first one and fit the view
    /// to them. A finding about no connection (e.g. only UDP flows) just clears the focus.
    pub fn focus_finding(&mut self, i: usize) {
        let Some(l) = &self.loaded else { return };
        let Some(f) = l.derived.findings.get(i) else {
            return;
        };
        let mut ids = f.connections.clone();
        ids.sort_unstable();
        ids.dedup();
        self.finding_focus = Some(i);
        self.selection = ids.first().copied();
        self.filters.only = (!ids.is_empty()).then_some(ids);
        self.rebuild();
        self.fit_all();
    }

    /// Back to every connection.
    pub fn clear_finding_focus(&mut self) {
        self.finding_focus = None;
        if self.filters.only.take().is_some() {
            self.rebuild();
            self.fit_all();
        }
    }

    /// The whole capture in view, and every ghost TIME-WAIT end with it.
    pub fn fit_all(&mut self) {
        if let Some(l) = &self.loaded {
            let tl = &l.timeline;
            let ghost_end = self.ghost.as_ref().and_then(|g| g.extent_end(tl));
            let end = ghost_end.map_or(tl.extent.1, |g| g.max(tl.extent.1));
            self.view = fit_squeezed(tl, tl.extent.0, end);
        }
    }

    /// How much larger presentation mode draws everything.
    pub const PRESENTATION_ZOOM: f32 = 1.5;

    /// Presentation mode on or off: the zoom factor, and every text at the theme's strongest
    /// colour (weak grey hints vanish on a projector).
    pub fn set_presentation(&mut self, ctx: &egui::Context, on: bool) {
        self.presentation = on;
        ctx.set_zoom_factor(if on { Self::PRESENTATION_ZOOM } else { 1.0 });
        ctx.all_styles_mut(|s| {
            s.visuals.override_text_color = on.then(|| s.visuals.strong_text_color());
        });
    }

    /// The panels back to their default sizes, and the whole capture in view.
    pub fn reset_layout(&mut self) {
        self.layout_generation = self.layout_generation.wrapping_add(1);
        self.fit_all();
    }

    /// The id of a panel under the current layout generation.
    pub fn panel_id(&self, name: &'static str) -> (&'static str, u32) {
        (name, self.layout_generation)
    }

    pub fn zoom_to_selection(&mut self) {
        if let (Some(l), Some(sel)) = (&self.loaded, self.selection) {
            if let Some((a, b)) = l.timeline.connection_extent(sel) {
                self.view = fit_squeezed(&l.timeline, a, b);
            }
        }
    }

    /// Ports in each phase at the cursor, cached while the cursor stays put.
    pub fn counts_at_cursor(&mut self) -> Option<(f64, PhaseCounts)> {
        let t = self.cursor?;
        let tl = &self.loaded.as_ref()?.timeline;
        match self.cursor_counts {
            Some((ct, c)) if ct == t => Some((t, c)),
            _ => {
                let c = tl.counts_at(t);
                self.cursor_counts = Some((t, c));
                Some((t, c))
            }
        }
    }
}
