//! State of the views under the timeline (ladder, state diagram, occupancy chart, connection table, replay,
//! SVG export), kept in one field of [`super::state::AppState`]. Caches here are keyed by what they were built from and rebuilt when that changes.

use std::collections::{BTreeSet, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use portlife::decode::Endpoint;
use portlife::i18n::Lang;

use super::derived::CaptureModel;
use super::i18n::t;
use super::inspector::ladder::model::{Ladder, LadderJob};
use super::inspector::occupancy::model::Chart;
use super::inspector::states::model::TransitionCounts;
use super::inspector::table::model::{Sort, TableRow};

/// The tabs of the bottom panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Ladder,
    States,
    Occupancy,
    Table,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Ladder, Tab::States, Tab::Occupancy, Tab::Table];
    /// The tab's title in `lang`.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Ladder => t(lang, "Ladder"),
            Tab::States => t(lang, "States"),
            Tab::Occupancy => t(lang, "Occupancy"),
            Tab::Table => t(lang, "Table"),
        }
    }
}

/// The ladder of the selected connection: being read, ready, or failed.
pub enum LadderSlot {
    Empty,
    Loading(LadderJob),
    Ready(Ladder),
    Failed { conn: u32, error: String },
}

impl LadderSlot {
    /// The connection this slot is about.
    pub fn conn(&self) -> Option<u32> {
        match self {
            LadderSlot::Empty => None,
            LadderSlot::Loading(j) => Some(j.conn),
            LadderSlot::Ready(l) => Some(l.conn),
            LadderSlot::Failed { conn, .. } => Some(*conn),
        }
    }
}

/// What a cached table order was computed for: rows address, filter text, sort.
pub type OrderKey = (usize, String, Sort);

/// The connection table's state.
#[derive(Default)]
pub struct TableState {
    /// Rows of the capture with this address (rebuilt when another capture is open).
    pub rows: Option<(usize, Arc<Vec<TableRow>>)>,
    pub filter: String,
    pub sort: Sort,
    /// Rows marked for "Copy as CSV" (connection indices); ctrl/cmd-click adds.
    pub marked: BTreeSet<u32>,
    /// The selection the table last scrolled to (to follow selection from the timeline).
    pub followed: Option<u32>,
    /// Row order for (rows address, filter, sort): re-sorted only when one of them changes.
    pub order: Option<(OrderKey, Arc<Vec<usize>>)>,
    /// The longest `client -> server` of the rows with this address, in characters (the 4-tuple
    /// column's width).
    pub longest_tuple: Option<(usize, usize)>,
}

/// The occupancy chart's state.
#[derive(Default)]
pub struct OccupancyState {
    pub host: Option<IpAddr>,
    pub destination: Option<Endpoint>,
    /// The lines drawn for (model address, host, destination).
    pub chart: Option<(ChartKey, Arc<Chart>)>,
}

/// What a cached occupancy chart was drawn from: model address, host, destination.
pub type ChartKey = (usize, IpAddr, Option<Endpoint>);

/// What the cached state-change times were computed for: capture address and selection.
pub type ChangeTimesKey = (usize, Option<u32>);

/// Everything the views under the timeline remember between frames.
pub struct ViewsState {
    pub tab: Tab,
    pub ladder: LadderSlot,
    /// The ladder's current packet and the cursor value it was set for; when the shared cursor
    /// moves elsewhere (replay, timeline click) the packet is found again from the cursor.
    pub ladder_pos: Option<(usize, f64)>,
    /// The ladder line last scrolled to (so it scrolls only when the current packet moves).
    pub ladder_scrolled: Option<usize>,
    /// Folded runs the user opened (item indices of the current ladder).
    pub expanded_runs: HashSet<usize>,
    pub playing: bool,
    pub speed: f64,
    pub table: TableState,
    pub occupancy: OccupancyState,
    /// Where "Export SVG" writes, and what happened last time.
    pub export_path: String,
    pub export_status: Option<String>,
    /// The export running on a worker thread: the written path, or an error.
    pub export_job: Option<crossbeam_channel::Receiver<Result<String, String>>>,
    /// Figure 5 edge counts of the capture at this address.
    pub fig5_counts: Option<(usize, Arc<TransitionCounts>)>,
    /// Where the timeline was drawn last frame (points), for "Export PNG".
    pub timeline_rect: Option<egui::Rect>,
    /// A connection the timeline should scroll to (set by the table; taken by the timeline).
    pub reveal_in_timeline: Option<u32>,
    /// The "Go to" field over the timeline: a host, or host:port, typed by the user.
    pub jump_input: String,
    /// A row or host to bring into sight (set by the "Go to" field; taken by the timeline).
    pub jump_to: Option<String>,
    /// A scroll position the minimap asked for (points from the top of the rows).
    pub scroll_to: Option<f32>,
    /// The timeline's scroll position and height last frame, for the minimap's viewport.
    pub scrolled: (f32, f32),
    /// State change times (seconds from t0): key = (capture address, selection).
    pub change_times: Option<(ChangeTimesKey, Arc<Vec<f64>>)>,
}

impl Default for ViewsState {
    fn default() -> Self {
        ViewsState {
            tab: Tab::Ladder,
            ladder: LadderSlot::Empty,
            ladder_pos: None,
            ladder_scrolled: None,
            expanded_runs: HashSet::new(),
            playing: false,
            speed: 10.0,
            table: TableState::default(),
            occupancy: OccupancyState::default(),
            export_path: "portlife-timeline.svg".into(),
            export_status: None,
            export_job: None,
            change_times: None,
            reveal_in_timeline: None,
            jump_input: String::new(),
            jump_to: None,
            scroll_to: None,
            scrolled: (0.0, 0.0),
            fig5_counts: None,
            timeline_rect: None,
        }
    }
}

impl ViewsState {
    /// Forget everything derived from the previous capture (keep the tab, speed, paths).
    pub fn reset_for_new_capture(&mut self) {
        let keep = (self.tab, self.speed, std::mem::take(&mut self.export_path));
        *self = ViewsState::default();
        (self.tab, self.speed, self.export_path) = keep;
    }
}

/// A capture's identity for the caches: the address of its shared model.
pub fn capture_key(c: &Arc<CaptureModel>) -> usize {
    Arc::as_ptr(c) as usize
}
