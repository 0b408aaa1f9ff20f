//! The CJK font that draws the app's Chinese.
//!
//! The app's texts are messages of `locales/*/app.ftl`, written with [`portlife::tr!`] like the
//! report's (see [`portlife::i18n`]); the terms are those of the Chinese book's glossary
//! (`book/zh-TW/src/appendix-b-glossary.md`).
//!
//! egui's built-in fonts have no CJK glyphs, so [`install_cjk_font`] loads an installed one
//! (Noto Sans CJK TC from Debian's `fonts-noto-cjk`, SIL Open Font License 1.1; or WenQuanYi /
//! Droid fallbacks) as a fallback after egui's own fonts, the first time a language that needs
//! one is shown. No font is shipped in the repository.

use std::path::PathBuf;

/// The Debian package that provides the preferred CJK font (said in the warning when none is found).
pub const CJK_FONT_PACKAGE: &str = "fonts-noto-cjk";

/// Installed CJK fonts to try, best first: (path, face index in a collection).
/// Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order: index 3 is Traditional
/// Chinese (Taiwan) glyph forms.
#[cfg(not(target_arch = "wasm32"))]
pub const CJK_FONT_CANDIDATES: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 3),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 3),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        3,
    ),
    ("/usr/share/fonts/opentype/noto/NotoSansTC-Regular.otf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:\\Windows\\Fonts\\msjh.ttc", 0),
];

/// Whether the CJK font has been looked for, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CjkFont {
    #[default]
    NotLoaded,
    Loaded(PathBuf),
    /// None of [`CJK_FONT_CANDIDATES`] exists: Chinese would show as boxes.
    Missing,
}

/// The first candidate font that exists, with its face index.
#[cfg(not(target_arch = "wasm32"))]
pub fn find_cjk_font(candidates: &[(&str, u32)]) -> Option<(PathBuf, u32)> {
    candidates
        .iter()
        .map(|(p, i)| (PathBuf::from(p), *i))
        .find(|(p, _)| p.is_file())
}

/// In a browser there are no installed fonts to read: the page's folder has a CJK font cut
/// down to the characters portlife writes (scripts/build-web.sh), fetched once; Chinese
/// shows as soon as it arrives.
#[cfg(target_arch = "wasm32")]
pub fn install_cjk_font(ctx: &egui::Context) -> CjkFont {
    const URL: &str = "fonts/cjk-tc.otf";
    let ctx = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::app::web::fetch(URL).await {
            Ok(bytes) => {
                add_font(&ctx, bytes, 0);
                ctx.request_repaint();
            }
            Err(e) => web_sys::console::warn_1(&format!("portlife: no CJK font: {e}").into()),
        }
    });
    CjkFont::Loaded(PathBuf::from(URL))
}

/// Add the first installed CJK font as a fallback of both font families (after egui's own fonts,
/// so Latin text looks the same). Returns what was found.
#[cfg(not(target_arch = "wasm32"))]
pub fn install_cjk_font(ctx: &egui::Context) -> CjkFont {
    let Some((path, index)) = find_cjk_font(CJK_FONT_CANDIDATES) else {
        return CjkFont::Missing;
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            add_font(ctx, bytes, index);
            CjkFont::Loaded(path)
        }
        Err(_) => CjkFont::Missing,
    }
}

fn add_font(ctx: &egui::Context, bytes: Vec<u8>, index: u32) {
    let mut fonts = egui::FontDefinitions::default();
    let mut data = egui::FontData::from_owned(bytes);
    data.index = index;
    fonts
        .font_data
        .insert("cjk".to_owned(), std::sync::Arc::new(data));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("cjk".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// The one-line warning shown instead of boxes when Chinese is chosen and no CJK font exists.
pub fn missing_font_warning() -> String {
    format!(
        "Chinese text needs a CJK font: install {CJK_FONT_PACKAGE} (apt-get install {CJK_FONT_PACKAGE}) \
         and restart / 顯示中文需要 CJK 字型"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use portlife::i18n::half_width_beside_chinese;

    /// The warning shown when no CJK font exists is in both languages at once (the Chinese
    /// cannot be drawn), so it is no message; its Chinese half follows the punctuation rule.
    #[test]
    fn the_missing_font_warning_uses_full_width_punctuation() {
        assert_eq!(
            half_width_beside_chinese(&missing_font_warning()),
            Vec::<char>::new()
        );
    }

    #[test]
    fn the_first_installed_font_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let font = dir.path().join("x.ttc");
        std::fs::write(&font, b"not really a font").unwrap();
        let missing = dir.path().join("missing.ttc");
        let cands = [(missing.to_str().unwrap(), 1), (font.to_str().unwrap(), 3)];
        assert_eq!(find_cjk_font(&cands), Some((font.clone(), 3)));
        assert_eq!(find_cjk_font(&cands[..1]), None);
        assert!(missing_font_warning().contains(CJK_FONT_PACKAGE));
    }
}
