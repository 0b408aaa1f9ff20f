//! What the ladder remembers between frames: the selected connection's ladder (being read,
//! ready or failed), its current packet, and the folded runs the user opened.

use std::collections::HashSet;

use crate::app::inspector::ladder::model::{Ladder, LadderJob};

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

/// The ladder's state.
pub struct LadderState {
    pub slot: LadderSlot,
    /// The ladder's current packet and the cursor value it was set for; when the shared cursor
    /// moves elsewhere (replay, timeline click) the packet is found again from the cursor.
    pub pos: Option<(usize, f64)>,
    /// The ladder line last scrolled to (so it scrolls only when the current packet moves).
    pub scrolled: Option<usize>,
    /// Folded runs the user opened (item indices of the current ladder).
    pub expanded_runs: HashSet<usize>,
}

impl Default for LadderState {
    fn default() -> Self {
        LadderState {
            slot: LadderSlot::Empty,
            pos: None,
            scrolled: None,
            expanded_runs: HashSet::new(),
        }
    }
}
