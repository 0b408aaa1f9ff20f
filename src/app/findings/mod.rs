//! Findings strip under the toolbar: what portlife diagnosed in this capture, most severe first
//! (the same list `portlife report` prints). Hover a finding for its explanation, advice and book
//! chapter; click it to show only its connections on the timeline and its explanation and advice
//! under the list, readable on a projector, with a link that opens its book chapter. Many alike
//! (more than three of one kind and severity, as on a capture of many client × server pairs)
//! are one folded row, as the text report folds them; unfolding it lists each, largest first.

use egui::{Color32, RichText};
use portlife::findings::{self, Finding, FindingGroup, Severity};
use portlife::i18n::Lang;
use portlife::report::summary::{chapter_path, severity_text};

use crate::app::state::AppState;
use portlife::tr;

/// Badge colour per severity: red, Okabe–Ito orange, grey.
fn severity_color(s: Severity, visuals: &egui::Visuals) -> Color32 {
    match s {
        Severity::Critical => Color32::from_rgb(0xD5, 0x1E, 0x1E),
        Severity::Warning => Color32::from_rgb(0xE6, 0x9F, 0x00),
        Severity::Info => visuals.weak_text_color(),
    }
}

pub fn show(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(loaded) = &state.loaded else { return };
    let findings = &loaded.derived.findings;
    let lang = state.lang;
    let mut clicked: Option<usize> = None;
    let mut clear = false;
    egui::Panel::top("findings").show(ui, |ui| {
        let header = if findings.is_empty() {
            tr!(lang, "findings-none")
        } else {
            tr!(lang, "findings-heading", count = findings.len())
        };
        egui::CollapsingHeader::new(header)
            .id_salt("findings_header")
            .default_open(true)
            .show(ui, |ui| {
                if let Some(i) = state.finding_focus {
                    ui.horizontal(|ui| {
                        let n = loaded.timeline.shown_connections;
                        ui.label(tr!(lang, "findings-showing", count = n, finding = i + 1));
                        if ui.button(tr!(lang, "findings-show-all")).clicked() {
                            clear = true;
                        }
                    });
                }
                // Every finding reachable: the list scrolls (its bar always shown, so a fourth
                // finding is not hidden below the third) within a quarter of the window.
                let max_h = (ui.ctx().content_rect().height() * 0.25).max(120.0);
                egui::ScrollArea::vertical()
                    .id_salt("findings-list")
                    .max_height(max_h)
                    .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                    .show(ui, |ui| {
                        for g in findings::grouped(findings) {
                            if g.folded() {
                                group_row(ui, &g, lang, |ui, i, f| {
                                    let focused = state.finding_focus == Some(i);
                                    if finding_row(ui, f, focused, lang).clicked() {
                                        clicked = Some(i);
                                    }
                                });
                                continue;
                            }
                            for (i, f) in g.members {
                                let focused = state.finding_focus == Some(i);
                                if finding_row(ui, f, focused, lang).clicked() {
                                    clicked = Some(i);
                                }
                            }
                        }
                    });
                if let Some(f) = state.finding_focus.and_then(|i| findings.get(i)) {
                    ui.separator();
                    details(ui, f, lang);
                }
            });
    });
    if clear {
        state.clear_finding_focus();
    } else if let Some(i) = clicked {
        if state.finding_focus == Some(i) {
            state.clear_finding_focus();
        } else {
            state.focus_finding(i);
        }
    }
}

/// The focused finding in full: explanation, advice with its commands in monospace, and the
/// book chapter as a link.
fn details(ui: &mut egui::Ui, f: &Finding, lang: Lang) {
    let text = f.text(lang);
    egui::ScrollArea::vertical()
        .id_salt("finding-details")
        .max_height(160.0)
        .show(ui, |ui| {
            ui.label(prose(ui, &text.explanation));
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(tr!(lang, "findings-what-to-do")).strong());
                ui.label(prose(ui, &text.advice));
            });
            let chapter = chapter_path(lang, f.chapter);
            match book_page(&chapter) {
                Some(url) => {
                    ui.hyperlink_to(tr!(lang, "findings-book", chapter = chapter), url);
                }
                None => {
                    ui.label(tr!(lang, "findings-book", chapter = chapter))
                        .on_hover_text(tr!(lang, "findings-book-not-built"));
                }
            }
        });
}

/// Text whose `backticked` parts are commands or settings: drawn in monospace, without the
/// backticks a reader would otherwise see.
pub fn prose(ui: &egui::Ui, text: &str) -> egui::text::LayoutJob {
    let style = ui.style();
    let body = egui::TextStyle::Body.resolve(style);
    let mono = egui::TextStyle::Monospace.resolve(style);
    let color = ui.visuals().text_color();
    let mut job = egui::text::LayoutJob::default();
    for (k, part) in text.split('`').enumerate() {
        let font = if k % 2 == 1 {
            mono.clone()
        } else {
            body.clone()
        };
        job.append(part, 0.0, egui::TextFormat::simple(font, color));
    }
    job.wrap.max_width = ui.available_width();
    job
}

/// The built book's page for `chapter` (`ch04-time-wait.md`, `zh-TW/ch04-time-wait.md`), as a
/// file URL, when the book was built beside the sources (scripts/build-book.sh).
fn book_page(chapter: &str) -> Option<String> {
    let html = chapter.strip_suffix(".md").unwrap_or(chapter).to_string() + ".html";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("book/build")
        .join(html);
    path.is_file().then(|| format!("file://{}", path.display()))
}

/// A folded group: its badge and how many alike, unfolding to each member's row.
fn group_row(
    ui: &mut egui::Ui,
    g: &FindingGroup<'_>,
    lang: Lang,
    mut member: impl FnMut(&mut egui::Ui, usize, &Finding),
) {
    ui.horizontal(|ui| {
        let color = severity_color(g.severity, ui.visuals());
        ui.label(
            RichText::new(severity_text(lang, g.severity))
                .strong()
                .color(color),
        );
        let title = tr!(
            lang,
            "findings-group",
            count = g.members.len(),
            kind = g.kind.plural_name(lang),
            connections = g.connections()
        );
        egui::CollapsingHeader::new(title)
            .id_salt(("finding-group", g.kind, g.severity))
            .default_open(false)
            .show(ui, |ui| {
                ui.vertical(|ui| {
                    for &(i, f) in &g.members {
                        member(ui, i, f);
                    }
                });
            });
    });
}

/// One line: severity badge and title; the hover card explains and advises.
fn finding_row(ui: &mut egui::Ui, f: &Finding, focused: bool, lang: Lang) -> egui::Response {
    ui.horizontal(|ui| {
        let color = severity_color(f.severity, ui.visuals());
        let text = f.text(lang);
        ui.label(
            RichText::new(severity_text(lang, f.severity))
                .strong()
                .color(color),
        );
        let r = ui.selectable_label(focused, &text.title);
        let n = f.connections.len();
        let hint = if n > 0 {
            tr!(lang, "findings-click-to-show", count = n)
        } else {
            tr!(lang, "findings-not-tcp")
        };
        r.on_hover_ui(|ui| {
            ui.set_max_width(520.0);
            ui.label(RichText::new(&text.title).strong());
            ui.label(prose(ui, &text.explanation));
            ui.label(prose(
                ui,
                &tr!(lang, "findings-advice", advice = text.advice),
            ));
            ui.small(tr!(
                lang,
                "findings-book",
                chapter = chapter_path(lang, f.chapter)
            ));
            ui.small(hint);
        })
    })
    .inner
}
