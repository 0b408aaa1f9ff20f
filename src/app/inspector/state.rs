//! State of the views in the bottom panel (ladder, state diagram, occupancy chart, connection
//! table, replay), kept in one field of [`crate::app::state::AppState`]: the tab shown and each
//! view's own state, from its folder. Caches there are keyed by what they were built from and
//! rebuilt when that changes.

use portlife::i18n::Lang;

use crate::app::inspector::ladder::state::LadderState;
use crate::app::inspector::occupancy::state::OccupancyState;
use crate::app::inspector::replay::state::ReplayState;
use crate::app::inspector::states::state::DiagramState;
use crate::app::inspector::table::state::TableState;
use portlife::tr;

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
    pub fn title(self, lang: Lang) -> String {
        match self {
            Tab::Ladder => tr!(lang, "tab-ladder"),
            Tab::States => tr!(lang, "tab-states"),
            Tab::Occupancy => tr!(lang, "tab-occupancy"),
            Tab::Table => tr!(lang, "tab-table"),
        }
    }
}

/// Everything the views in the bottom panel remember between frames.
pub struct InspectorState {
    pub tab: Tab,
    pub ladder: LadderState,
    pub states: DiagramState,
    pub occupancy: OccupancyState,
    pub table: TableState,
    pub replay: ReplayState,
}

impl Default for InspectorState {
    fn default() -> Self {
        InspectorState {
            tab: Tab::Ladder,
            ladder: LadderState::default(),
            states: DiagramState::default(),
            occupancy: OccupancyState::default(),
            table: TableState::default(),
            replay: ReplayState::default(),
        }
    }
}

impl InspectorState {
    /// Forget everything derived from the previous capture (keep the tab and the replay speed).
    pub fn reset_for_new_capture(&mut self) {
        let keep = (self.tab, self.replay.speed);
        *self = InspectorState::default();
        (self.tab, self.replay.speed) = keep;
    }
}
