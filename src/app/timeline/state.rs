//! What the timeline remembers between frames: where it was drawn and scrolled, where other
//! views ask it to scroll next, and the export of its window. Kept apart from the panel, in
//! [`crate::app::state::AppState::timeline_view`].

/// The timeline's state between frames.
#[derive(Default)]
pub struct TimelineState {
    /// Where the timeline was drawn last frame (points), for "Export PNG".
    pub rect: Option<egui::Rect>,
    /// A connection the timeline should scroll to (set by the table; taken by the timeline).
    pub reveal: Option<u32>,
    /// The "Go to" field over the timeline: a host, or host:port, typed by the user.
    pub jump_input: String,
    /// A row or host to bring into sight (set by the "Go to" field; taken by the timeline).
    pub jump_to: Option<String>,
    /// A scroll position the minimap asked for (points from the top of the rows).
    pub scroll_to: Option<f32>,
    /// The timeline's scroll position and height last frame, for the minimap's viewport.
    pub scrolled: (f32, f32),
    /// "Export SVG" / "PNG" of the timeline's window.
    pub export: ExportState,
}

impl TimelineState {
    /// Forget everything about the previous capture (keep the export path).
    pub fn reset_for_new_capture(&mut self) {
        let path = std::mem::take(&mut self.export.path);
        *self = TimelineState::default();
        self.export.path = path;
    }
}

/// The export of the timeline's window.
pub struct ExportState {
    /// Where "Export SVG" writes ("PNG" beside it), and what happened last time.
    pub path: String,
    pub status: Option<String>,
    /// The export running on a worker thread: the written path, or an error.
    pub job: Option<crossbeam_channel::Receiver<Result<String, String>>>,
}

impl Default for ExportState {
    fn default() -> Self {
        ExportState {
            path: "portlife-timeline.svg".into(),
            status: None,
            job: None,
        }
    }
}
