//! The window's frame around the views: the toolbar with its menus, the status bar and the
//! filters panel. None of them is a view of the capture; they change what the views show.

pub mod filters;
pub mod status;
pub mod toolbar;
