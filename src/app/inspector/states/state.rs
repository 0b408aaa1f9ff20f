//! What the state diagram remembers between frames: the capture's Figure 5 edge counts, counted
//! once per capture.

use std::sync::Arc;

use crate::app::inspector::states::model::TransitionCounts;

/// The state diagram's state.
#[derive(Default)]
pub struct DiagramState {
    /// Figure 5 edge counts of the capture at this address.
    pub fig5_counts: Option<(usize, Arc<TransitionCounts>)>,
}
