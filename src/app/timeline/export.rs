//! "Export SVG": the timeline's current window written as SVG by the same renderer as
//! `portlife export --svg` ([`portlife::report::svg::timeline_svg`]), from the port model on
//! screen (the current OS profiles), on a worker thread so the UI keeps running; the path is a
//! text field (no native save dialog needed).
//!
//! "PNG": the timeline exactly as on screen — a screenshot of the window (egui's
//! `request_screenshot`) cropped to the timeline panel, written next to the SVG path with a
//! `.png` extension.

use std::path::PathBuf;
use std::sync::Arc;

use portlife::i18n::Lang;
use portlife::ports::PortModel;
use portlife::report::svg::{self, Figure, TimelineOptions};

use crate::app::state::AppState;
use portlife::tr;

/// What the worker needs: the model on screen, shared.
struct Request {
    file: String,
    first_ts_ns: Option<i64>,
    last_ts_ns: i64,
    ports: Arc<PortModel>,
    out: PathBuf,
    /// The window, seconds from the timeline's t0, and that t0 (ns).
    window: (f64, f64),
    t0_ns: i64,
    /// The language of the error text.
    lang: Lang,
}

/// Draw and write; the SVG's time axis starts at the first packet, the app's at the first
/// connection, so the window is shifted by their difference.
fn export(r: &Request) -> Result<String, String> {
    let figure = Figure {
        file: &r.file,
        first_ts_ns: r.first_ts_ns,
        last_ts_ns: Some(r.last_ts_ns),
        ports: &r.ports,
    };
    let first = r.first_ts_ns.unwrap_or(r.t0_ns);
    let shift = (r.t0_ns - first) as f64 / 1e9;
    let opts = TimelineOptions {
        from_s: Some((r.window.0 + shift).max(0.0)),
        to_s: Some(r.window.1 + shift),
        max_rows: 200,
    };
    std::fs::write(&r.out, svg::timeline_svg(&figure, &opts))
        .map_err(|e| cannot_write(r.lang, &r.out, &e))?;
    Ok(r.out.display().to_string())
}

/// "cannot write PATH: ERROR" in `lang`.
fn cannot_write(lang: Lang, path: &std::path::Path, e: &dyn std::fmt::Display) -> String {
    tr!(
        lang,
        "export-write-failed",
        path = path.display(),
        error = e
    )
}

/// The toolbar's path field and button, and the status of the last export.
pub fn toolbar_item(ui: &mut egui::Ui, state: &mut AppState) {
    let lang = state.lang;
    if let Some(rx) = &state.timeline_view.export.job {
        if let Ok(r) = rx.try_recv() {
            state.timeline_view.export.status = Some(match r {
                Ok(p) => tr!(lang, "export-saved", path = p),
                Err(e) => tr!(lang, "export-failed", error = e),
            });
            state.timeline_view.export.job = None;
        }
    }
    let Some(l) = &state.loaded else { return };
    // A web page writes no files: exporting is the desktop app's (or `portlife export`'s).
    if cfg!(target_arch = "wasm32") {
        return;
    }
    let l2 = ui.label(tr!(lang, "export-path-label"));
    ui.add(
        egui::TextEdit::singleline(&mut state.timeline_view.export.path)
            .desired_width(160.0)
            .hint_text("portlife-timeline.svg"),
    )
    .labelled_by(l2.id);
    let busy = state.timeline_view.export.job.is_some();
    if ui
        .add_enabled(!busy, egui::Button::new(tr!(lang, "export-svg")))
        .on_hover_text(tr!(lang, "export-svg-tooltip"))
        .clicked()
    {
        let req = Request {
            file: l.capture.file.clone(),
            first_ts_ns: l.capture.first_ts_ns,
            last_ts_ns: l.capture.capture_end_ns,
            ports: Arc::clone(&l.derived.ports),
            out: PathBuf::from(state.timeline_view.export.path.trim()),
            window: (state.view.start, state.view.end),
            t0_ns: l.timeline.t0_ns,
            lang,
        };
        let (tx, rx) = crossbeam_channel::bounded(1);
        let ctx = ui.ctx().clone();
        let spawned = std::thread::Builder::new()
            .name("portlife-export".into())
            .spawn(move || {
                let _ = tx.send(export(&req));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => state.timeline_view.export.job = Some(rx),
            Err(e) => {
                state.timeline_view.export.status = Some(tr!(lang, "export-failed", error = e))
            }
        }
    }
    if ui
        .add_enabled(!busy, egui::Button::new("PNG"))
        .on_hover_text(tr!(lang, "export-png-tooltip"))
        .clicked()
    {
        if let Some(rect) = state.timeline_view.rect {
            let out = PathBuf::from(state.timeline_view.export.path.trim()).with_extension("png");
            let (tx, rx) = crossbeam_channel::bounded(1);
            let ctx = ui.ctx().clone();
            let ppp = ui.ctx().pixels_per_point();
            ui.ctx().request_screenshot(move |img| {
                let r = crop_png(&img, rect, ppp).and_then(|bytes| {
                    std::fs::write(&out, bytes).map_err(|e| cannot_write(lang, &out, &e))
                });
                let _ = tx.send(r.map(|()| out.display().to_string()));
                ctx.request_repaint();
            });
            state.timeline_view.export.job = Some(rx);
        }
    }
    if busy {
        ui.spinner();
    } else if let Some(s) = &state.timeline_view.export.status {
        ui.weak(s);
    }
}

/// The part of `img` under `rect` (in points; `ppp` physical pixels per point) as PNG bytes.
pub fn crop_png(img: &egui::ColorImage, rect: egui::Rect, ppp: f32) -> Result<Vec<u8>, String> {
    let [w, h] = img.size;
    let px = |v: f32, max: usize| ((v * ppp).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.left(), w), px(rect.right(), w));
    let (y0, y1) = (px(rect.top(), h), px(rect.bottom(), h));
    if x1 <= x0 || y1 <= y0 {
        return Err("the timeline is not on screen".into());
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for c in &img.pixels[y * w + x0..y * w + x1] {
            rgba.extend_from_slice(&c.to_srgba_unmultiplied());
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, (x1 - x0) as u32, (y1 - y0) as u32);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgba).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
