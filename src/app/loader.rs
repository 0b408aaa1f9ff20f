//! Loading a capture off the UI thread: a worker thread reads the file and sends progress and
//! the result over a channel; the UI polls it each frame, shows a progress bar and can cancel.
//! A panic in the worker becomes an error message, never a dead window.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
#[cfg(not(target_arch = "wasm32"))]
use std::thread;
#[cfg(test)]
use std::time::Duration;

use crossbeam_channel::{Receiver, TryRecvError};
use portlife::source::Progress;

use super::derived::{self, CaptureModel};

/// What the worker sends.
enum LoadMsg {
    Progress(Progress),
    Done(Result<CaptureModel, String>),
}

/// One capture being loaded.
pub struct LoadJob {
    pub path: PathBuf,
    pub progress: Progress,
    rx: Receiver<LoadMsg>,
    cancel: Arc<AtomicBool>,
}

impl LoadJob {
    /// Start reading `path` on a worker thread. `ctx` is asked to repaint on every message so
    /// the progress bar moves without user input.
    pub fn spawn(path: PathBuf, ctx: egui::Context) -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, c) = (path.clone(), cancel.clone());
        // `fetch_failed`: the browser could not fetch the capture (the web build fetches first).
        let work = move |fetch_failed: Option<String>| {
            if let Some(e) = fetch_failed {
                let _ = tx.send(LoadMsg::Done(Err(e)));
                ctx.request_repaint();
                return;
            }
            let tx2 = tx.clone();
            let ctx2 = ctx.clone();
            let result = catch_unwind(AssertUnwindSafe(|| {
                derived::load(
                    &p,
                    |pr| {
                        let _ = tx2.send(LoadMsg::Progress(pr));
                        ctx2.request_repaint();
                    },
                    &c,
                )
            }))
            .unwrap_or_else(|panic| Err(format!("the loader crashed: {}", panic_text(&panic))));
            let _ = tx.send(LoadMsg::Done(result));
            ctx.request_repaint();
        };
        let spawned = start(&path, work);
        let job = LoadJob {
            path: path.clone(),
            progress: Progress::default(),
            rx,
            cancel,
        };
        if let Err(e) = spawned {
            // The sender was moved into the closure and dropped: poll() reports the error.
            eprintln!("portlife: cannot start loader thread: {e}");
        }
        job
    }

    /// Ask the worker to stop; what it read so far is kept and shown.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Drain messages; `Some(result)` once the worker is done.
    pub fn poll(&mut self) -> Option<Result<CaptureModel, String>> {
        loop {
            match self.rx.try_recv() {
                Ok(LoadMsg::Progress(p)) => self.progress = p,
                Ok(LoadMsg::Done(r)) => return Some(r),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(Err("the loader stopped without an answer".into()))
                }
            }
        }
    }

    /// Block until the worker is done (tests, and nothing else: the UI never blocks).
    #[cfg(test)]
    pub fn wait(&mut self, timeout: Duration) -> Option<Result<CaptureModel, String>> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            match self.rx.recv_deadline(deadline) {
                Ok(LoadMsg::Progress(p)) => self.progress = p,
                Ok(LoadMsg::Done(r)) => return Some(r),
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => return None,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                    return Some(Err("the loader stopped without an answer".into()))
                }
            }
        }
    }
}

/// Run the load on a worker thread.
#[cfg(not(target_arch = "wasm32"))]
fn start(
    _path: &std::path::Path,
    work: impl FnOnce(Option<String>) + Send + 'static,
) -> std::io::Result<()> {
    thread::Builder::new()
        .name("portlife-loader".into())
        .spawn(|| work(None))
        .map(|_| ())
}

/// In a browser: fetch the capture first if the page was not given its bytes (a sample named
/// in the page's address, from the `samples/` folder beside the page), then read it, in one
/// task on the page's only thread.
#[cfg(target_arch = "wasm32")]
fn start(
    path: &std::path::Path,
    work: impl FnOnce(Option<String>) + Send + 'static,
) -> std::io::Result<()> {
    let path = path.to_path_buf();
    wasm_bindgen_futures::spawn_local(async move {
        let mut failed = None;
        if crate::app::files::kept(&path).is_none() {
            match crate::app::web::fetch_sample(&path).await {
                Ok(bytes) => crate::app::files::keep(&path, bytes.into()),
                Err(e) => failed = Some(e),
            }
        }
        work(failed);
    });
    Ok(())
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}
