//! egui_kittest tests that drive the real app.
