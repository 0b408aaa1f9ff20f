//! What the tour bar remembers between frames: the tour being played and its step.

use portlife::tour::Tour;

#[derive(Default)]
pub struct TourState {
    pub tour: Option<&'static Tour>,
    /// The step shown (index into the tour's steps).
    pub step: usize,
    /// The step waits for the tour's sample to open before it moves the views.
    pub pending: bool,
    /// A tour that could not be started, said in the bar.
    pub error: Option<String>,
}
