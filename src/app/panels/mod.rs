//! The panels that draw [`super::state::AppState`]. Each reads the state and the view-model and
//! records user intent back into the state; none reads the capture model directly except through
//! the view-model helpers.

pub mod capture;
pub mod details;
pub mod export;
pub mod filters;
pub mod findings;
pub mod ladder;
pub mod occupancy;
pub mod pool_map;
pub mod replay;
pub mod state_diagram;
pub mod status;
pub mod table;
pub mod timeline;
pub mod toolbar;
pub mod views;
