//! What the replay bar remembers between frames: playing or not, at which speed, and the state
//! change times it steps to (cached per capture and selection).

use std::sync::Arc;

/// What the cached state-change times were computed for: capture address and selection.
pub type ChangeTimesKey = (usize, Option<u32>);

/// The replay bar's state.
pub struct ReplayState {
    pub playing: bool,
    pub speed: f64,
    /// State change times (seconds from t0): key = (capture address, selection).
    pub change_times: Option<(ChangeTimesKey, Arc<Vec<f64>>)>,
}

impl Default for ReplayState {
    fn default() -> Self {
        ReplayState {
            playing: false,
            speed: 10.0,
            change_times: None,
        }
    }
}
