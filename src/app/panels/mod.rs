//! The panels that draw [`super::state::AppState`]. Each reads the state and the view-model and
//! records user intent back into the state; none reads the capture model directly except through
//! the view-model helpers.

pub mod details;
pub mod filters;
pub mod pool_map;
pub mod status;
pub mod timeline;
pub mod toolbar;
