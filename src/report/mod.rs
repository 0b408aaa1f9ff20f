//! Views for the CLI and the book: text and JSON reports (and, later, SVG export).

pub mod stats;

pub use stats::CaptureStats;
