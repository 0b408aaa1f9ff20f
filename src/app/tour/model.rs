//! Where a tour step puts the views on the open capture: which connection it selects and where
//! the time cursor goes, in the timeline's own terms (row index, seconds from its origin).

use portlife::tour::Step;

use crate::app::loaded::Loaded;

/// The views a step asks for, on one capture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// The connection to select (index into the capture's connections).
    pub selection: Option<u32>,
    /// The time cursor, in seconds from the timeline's origin.
    pub cursor_s: Option<f64>,
}

/// Where `step` puts the views on `l`. The step's time counts from the capture's first packet;
/// the timeline's origin may differ (it starts at the first SYN), hence the conversion.
pub fn place(step: &Step, l: &Loaded) -> Place {
    let first = l.capture.first_ts_ns.unwrap_or(l.timeline.t0_ns);
    Place {
        selection: step
            .connection(&l.capture.connections, first)
            .map(|i| i as u32),
        cursor_s: step
            .at_ns(first)
            .map(|ns| (ns - l.timeline.t0_ns) as f64 / 1e9),
    }
}
