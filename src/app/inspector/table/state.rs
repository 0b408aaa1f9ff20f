//! What the connection table remembers between frames: filter, sort and marked rows, and the
//! rows, order and column width cached for them (rebuilt when what they were built from changes).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::app::inspector::table::model::{Sort, TableRow};

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
