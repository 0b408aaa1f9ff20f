//! Views for the CLI and the book: text and JSON reports (and, later, SVG export).

pub mod pool_svg;
pub mod stats;
pub mod summary;
pub mod svg;

pub use stats::CaptureStats;
