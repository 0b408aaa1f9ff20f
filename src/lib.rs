//! portlife: how ephemeral (client) ports live and die, read from packet captures.
//!
//! The pipeline runs one way: [`source`] → [`decode`] → tcp → ports → findings → views.
//! This library is the core; the desktop app and the CLI (in `src/main.rs`) are thin layers over
//! it. Nothing here depends on a GUI toolkit. See ARCHITECTURE.md for the map.

pub mod analysis;
pub mod cores;
pub mod decode;
pub mod defrag;
pub mod findings;
pub mod i18n;
pub mod json;
pub mod ports;
pub mod prefault;
pub mod report;
pub mod sanitize;
pub mod source;
pub mod stats;
pub mod synth;
pub mod tcp;
pub mod tour;
