//! The capture that is open, with everything derived from it: what the views read, apart from
//! the state that decides how it was derived (`AppState`), so a view can take it without
//! knowing the app's state.

use std::path::PathBuf;
use std::sync::Arc;

use portlife::ports::Profiles;

use super::derived::{CaptureModel, Derived};
use super::timeline::model::Timeline;

/// A capture that is open, with everything derived from it.
pub struct Loaded {
    /// What was opened: a capture file, or a folder of them.
    pub path: PathBuf,
    pub capture: Arc<CaptureModel>,
    /// The port model and findings under `derived_for` (re-derived only when a profile
    /// changes; a filter change reuses them).
    pub derived: Arc<Derived>,
    pub derived_for: Profiles,
    pub timeline: Timeline,
}
