//! Views for the CLI and the book: text and JSON reports (and, later, SVG export).

pub mod stats;
pub mod summary;
pub mod pool_svg;
pub mod svg;

pub use stats::CaptureStats;
