//! What the app remembers across restarts, in eframe's storage (a file in the platform's data
//! directory): recent files, language, theme and presentation mode. The window's size and the
//! panels' sizes are eframe's and egui's own memory, stored beside it.

use std::path::PathBuf;

use portlife::i18n::Lang;
use serde::{Deserialize, Serialize};

use super::state::AppState;

/// The key under which [`Settings`] are stored.
pub const KEY: &str = "portlife-settings";

/// The remembered settings. Every field has a default, so a file written by another version
/// still loads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Most recent first, as File › Recent lists them.
    pub recent: Vec<PathBuf>,
    /// A BCP 47 tag (`en`, `zh-TW`); `None` follows the system locale.
    pub lang: Option<String>,
    /// `dark`, `light` or `system`.
    pub theme: Option<String>,
    pub presentation: bool,
}

impl Settings {
    /// What `state` and `ctx` show now.
    pub fn of(state: &AppState, ctx: &egui::Context) -> Settings {
        let theme = match ctx.options(|o| o.theme_preference) {
            egui::ThemePreference::Dark => "dark",
            egui::ThemePreference::Light => "light",
            egui::ThemePreference::System => "system",
        };
        Settings {
            recent: state.recent.clone(),
            lang: Some(state.lang.tag().to_string()),
            theme: Some(theme.to_string()),
            presentation: state.presentation,
        }
    }

    /// Put the remembered settings back. Recent files that no longer exist are dropped.
    pub fn apply(self, state: &mut AppState, ctx: &egui::Context) {
        state.recent = self.recent.into_iter().filter(|p| p.exists()).collect();
        if let Some(tag) = self.lang {
            state.lang = Lang::from_locale(&tag);
        }
        if let Some(name) = &self.theme {
            set_theme(ctx, name);
        }
        if self.presentation {
            state.set_presentation(ctx, true);
        }
    }
}

/// Set the theme named `dark`, `light` or `system` (`--theme`, the stored setting); any other
/// name changes nothing.
pub fn set_theme(ctx: &egui::Context, name: &str) {
    let theme = match name {
        "dark" => egui::ThemePreference::Dark,
        "light" => egui::ThemePreference::Light,
        "system" => egui::ThemePreference::System,
        _ => return,
    };
    ctx.set_theme(theme);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_app_and_a_stored_string() {
        let ctx = egui::Context::default();
        let mut state = AppState::default();
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("a.pcap");
        std::fs::write(&kept, b"").unwrap();
        state.recent = vec![kept.clone(), dir.path().join("gone.pcap")];
        state.lang = Lang::ZhTw;
        ctx.set_theme(egui::ThemePreference::Light);
        state.set_presentation(&ctx, true);
        let stored = serde_json::to_string(&Settings::of(&state, &ctx)).unwrap();

        let ctx2 = egui::Context::default();
        let mut fresh = AppState::default();
        let read: Settings = serde_json::from_str(&stored).unwrap();
        read.apply(&mut fresh, &ctx2);
        // egui applies a new zoom factor when the next frame starts.
        let mut out = ctx2.run_ui(Default::default(), |_| {});
        out.textures_delta.clear();
        assert_eq!(fresh.lang, Lang::ZhTw);
        assert!(fresh.presentation);
        assert_eq!(ctx2.zoom_factor(), AppState::PRESENTATION_ZOOM);
        assert_eq!(
            ctx2.options(|o| o.theme_preference),
            egui::ThemePreference::Light
        );
        // A recent file deleted since is not offered again.
        assert_eq!(fresh.recent, vec![kept]);
        // An older file with fields missing still loads.
        let old: Settings = serde_json::from_str(r#"{"recent": []}"#).unwrap();
        assert_eq!(old, Settings::default());
    }
}
