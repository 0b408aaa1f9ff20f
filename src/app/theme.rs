//! Phase colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), safe for
//! the common colour-vision deficiencies and readable on both dark and light backgrounds.
//! Available is drawn as empty space with a thin baseline.

use egui::Color32;

use portlife::ports::Phase;

/// The client end's colour in every view (Okabe–Ito sky blue).
pub const CLIENT_COLOR: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
/// The server end's colour (Okabe–Ito vermillion).
pub const SERVER_COLOR: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);

/// Okabe–Ito orange.
pub const ASSIGNED: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
/// Okabe–Ito blue.
pub const ACTIVE: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);
/// Okabe–Ito reddish purple.
pub const TIME_WAIT: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);

/// The colour of a held phase. Available is every gap between spans: nothing is drawn for it
/// on the timeline (the pool map gives its free cells [`available_color`]).
pub fn phase_color(p: Phase) -> Color32 {
    match p {
        Phase::Available => Color32::TRANSPARENT,
        Phase::Assigned => ASSIGNED,
        Phase::Active => ACTIVE,
        Phase::TimeWait => TIME_WAIT,
    }
}

/// A free port's cell on the pool map: a neutral grey for the theme.
pub fn available_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(60)
    } else {
        Color32::from_gray(215)
    }
}

/// Outline of the selected connection's spans: the text colour, so it contrasts in both themes.
pub fn selection_stroke(visuals: &egui::Visuals) -> egui::Stroke {
    egui::Stroke::new(2.0, visuals.strong_text_color())
}

/// Black or white, whichever reads better on `fill` (the larger WCAG 2 contrast ratio): white
/// on the Active blue, black on the Assigned orange and the TIME-WAIT pink.
pub fn text_on(fill: egui::Color32) -> egui::Color32 {
    let lin = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(fill.r()) + 0.7152 * lin(fill.g()) + 0.0722 * lin(fill.b());
    // Contrast with white: 1.05 / (l + 0.05); with black: (l + 0.05) / 0.05.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 {
        egui::Color32::WHITE
    } else {
        egui::Color32::BLACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_on_the_phase_colours_take_the_readable_ink() {
        assert_eq!(text_on(ACTIVE), egui::Color32::WHITE);
        assert_eq!(text_on(ASSIGNED), egui::Color32::BLACK);
        assert_eq!(text_on(TIME_WAIT), egui::Color32::BLACK);
    }
}
