//! The app in a browser page: the book's "Open it here" (`book/build/app/`, built by
//! scripts/build-web.sh). The page's script starts it on the canvas `#portlife`; the page's
//! address says what to open:
//!
//! - `sample=NAME`: a capture in the `samples/` folder beside the page. Only a file name is
//!   taken, so nothing is fetched from anywhere but the book's own folder and the book works
//!   offline from any static file server.
//! - `lang=en|zh-TW`: the language (else the browser's).
//! - `tour=ID`: a chapter's guided tour (`ch07`), which opens its own sample.
//! - `frames`: every frame's cost to the console, repainting continuously, as the desktop's
//!   `PORTLIFE_FRAME_LOG` (BENCHMARKS.md's web figures).
//!
//! A page cannot write files or open a network interface: live capture, folders and exports are
//! the desktop app's, and its menus say so. Everything else is the same app, panel for panel.

use std::path::{Path, PathBuf};

use portlife::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{FrameLog, PortlifeApp, Start};

/// Start the app on the page's canvas.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let params = window
        .location()
        .search()
        .ok()
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok());
    let param = |k: &str| params.as_ref().and_then(|p| p.get(k));
    let lang = param("lang")
        .and_then(|l| l.parse::<Lang>().ok())
        .or_else(|| window.navigator().language().map(|l| Lang::from_locale(&l)));
    let file = param("sample")
        .and_then(|s| sample_name(&s))
        .map(PathBuf::from);
    let start = Start {
        file,
        lang,
        theme: param("theme"),
        presentation: param("presentation").is_some(),
        tour: param("tour"),
    };
    let frames = param("frames").is_some();
    wasm_bindgen_futures::spawn_local(async move {
        let canvas = window
            .document()
            .and_then(|d| d.get_element_by_id("portlife"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else {
            web_sys::console::error_1(&"portlife: the page has no <canvas id=\"portlife\">".into());
            return;
        };
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(move |cc| {
                    let mut app = PortlifeApp::started(cc, start);
                    if frames {
                        app.frame_log = Some(FrameLog {
                            out: Box::new(Console::default()),
                            started: web_time::Instant::now(),
                        });
                    }
                    Ok(Box::new(app))
                }),
            )
            .await;
        if let Err(e) = started {
            say_failed(&format!("portlife could not start: {e:?}"));
        }
    });
}

/// `name` if it is a plain file name (no folder, no scheme): what `sample=` may name.
fn sample_name(name: &str) -> Option<String> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    plain.then(|| name.to_string())
}

/// Fetch the sample named by `path`'s file name from the `samples/` folder beside the page.
pub async fn fetch_sample(path: &Path) -> Result<Vec<u8>, String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(sample_name)
        .ok_or_else(|| format!("{} is not a sample name", path.display()))?;
    fetch(&format!("samples/{name}")).await
}

/// Fetch `url` (relative to the page) as bytes.
pub async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let text = |e: wasm_bindgen::JsValue| format!("{url}: {e:?}");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(text)?
        .dyn_into()
        .map_err(text)?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(text)?)
        .await
        .map_err(text)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Say on the page that a capture is open: in its title (what a reader's tab shows, and what
/// the book's browser test waits for) and in the console, with the time since the page began
/// to load.
pub fn say_opened(path: &Path, connections: usize) {
    let text = format!("portlife — {}: {connections} connections", path.display());
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(d) = window.document() {
        d.set_title(&text);
    }
    let since = window.performance().map_or(f64::NAN, |p| p.now());
    web_sys::console::log_1(
        &format!("{text} (ready {since:.0} ms after the page began to load)").into(),
    );
}

/// Lines written here go to the browser's console, one message per line.
#[derive(Default)]
struct Console(Vec<u8>);

impl std::io::Write for Console {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        while let Some(end) = self.0.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.0.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line[..end]);
            web_sys::console::log_1(&format!("portlife frame {line}").into());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn say_failed(text: &str) {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(text);
    }
    web_sys::console::error_1(&text.into());
}
