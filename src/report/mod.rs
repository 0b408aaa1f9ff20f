//! Views for the CLI and the book: the text and JSON reports and the SVG figures.

pub mod pool_svg;
pub mod summary;
pub mod svg;

pub use crate::stats::CaptureStats;
