//! Live capture from the app without the app needing privileges: a child process
//! (`portlife live -i IFACE -w FILE --quiet`, the CLI, which needs CAP_NET_RAW) captures and
//! writes the pcap, flushed every second; a worker thread here follows that growing file through
//! the library's `FileSource` and `Pipeline` — the same path as a file — and sends a model
//! snapshot to the UI every half second. Stop sends the child SIGINT so it flushes and exits;
//! the file is then a complete capture that "Save as" copies.
//!
//! In a browser nothing here runs (no process can be started there; the Capture window says
//! so), but it stays compiled so the app's state has one shape on both.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::fs::File;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;
use web_time::Instant;

use crossbeam_channel::{Receiver, TryRecvError};
use portlife::analysis::Pipeline;
use portlife::i18n::Lang;
use portlife::ports::Profile;
use portlife::source::FileSource;

use crate::app::derived::CaptureModel;
use portlife::tr;

/// What the worker sends the UI.
pub enum LiveMsg {
    /// The model so far.
    Snapshot(CaptureModel),
    /// The capture ended: `Ok` with the child's last words, or why it failed (the child's
    /// stderr, e.g. the missing-capability message).
    Ended(Result<String, String>),
}

/// What to capture.
#[derive(Debug, Clone)]
pub struct LiveRequest {
    /// The `portlife` binary to run as the capturing child.
    pub program: PathBuf,
    pub interface: String,
    /// `--filter`: a port or a host address, or empty.
    pub filter: String,
    /// Where the child writes the capture.
    pub out: PathBuf,
    /// The language of the job's own messages (the child's stderr is passed on as it is).
    pub lang: Lang,
}

/// A running (or finished) live capture.
pub struct LiveJob {
    pub request: LiveRequest,
    pub started: Instant,
    rx: Receiver<LiveMsg>,
    stop: Arc<AtomicBool>,
    child_pid: u32,
    /// Set once `Ended` arrived.
    pub ended: bool,
}

/// The `portlife` CLI next to the running program (the app is the same binary; under
/// `cargo test` the test harness lives in `deps/`, the binary one directory up).
pub fn default_program() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("portlife"));
    let is_harness = exe.parent().is_some_and(|p| p.ends_with("deps"));
    match exe.parent().and_then(Path::parent) {
        Some(dir) if is_harness => dir.join("portlife"),
        _ => exe,
    }
}

impl LiveJob {
    /// Start the child and the follower thread. Errors: the child could not be started.
    pub fn start(req: LiveRequest, ctx: egui::Context) -> Result<LiveJob, String> {
        let _ = std::fs::remove_file(&req.out);
        let mut cmd = Command::new(&req.program);
        cmd.args(["live", "--quiet", "-i", &req.interface, "-w"])
            .arg(&req.out)
            .stdin(Stdio::null())
            // Its final report is not needed (the app has the model); its stderr carries errors.
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if !req.filter.trim().is_empty() {
            cmd.args(["--filter", req.filter.trim()]);
        }
        let child = cmd.spawn().map_err(|e| {
            tr!(
                req.lang,
                "live-start-failed",
                program = req.program.display(),
                error = e
            )
        })?;
        let pid = child.id();
        let (tx, rx) = crossbeam_channel::unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let (out, stop2, lang) = (req.out.clone(), stop.clone(), req.lang);
        thread::Builder::new()
            .name("portlife-live".into())
            .spawn(move || {
                let (tx2, ctx2) = (tx.clone(), ctx.clone());
                let ended = follow(child, &out, &stop2, lang, move |m| {
                    let _ = tx2.send(LiveMsg::Snapshot(m));
                    ctx2.request_repaint();
                });
                let _ = tx.send(LiveMsg::Ended(ended));
                ctx.request_repaint();
            })
            .map_err(|e| tr!(req.lang, "live-thread-failed", error = e))?;
        Ok(LiveJob {
            request: req,
            started: Instant::now(),
            rx,
            stop,
            child_pid: pid,
            ended: false,
        })
    }

    /// Ask the child to stop (SIGINT: it flushes the file and exits); the follower then reads
    /// to the end and sends `Ended`.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // In a browser no child is ever started (the Capture window says so).
        #[cfg(not(target_arch = "wasm32"))]
        if !self.ended {
            // SAFETY: kill(2) with a pid we spawned and a valid signal number has no memory
            // effects; at worst the process is gone and it returns ESRCH.
            unsafe {
                libc::kill(self.child_pid as libc::pid_t, libc::SIGINT);
            }
        }
    }

    /// Drain messages: the newest snapshot (if any) and the end (if it came).
    pub fn poll(&mut self) -> (Option<CaptureModel>, Option<Result<String, String>>) {
        let (mut snap, mut end) = (None, None);
        loop {
            match self.rx.try_recv() {
                Ok(LiveMsg::Snapshot(m)) => snap = Some(m),
                Ok(LiveMsg::Ended(r)) => {
                    self.ended = true;
                    end = Some(r);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if !self.ended {
                        self.ended = true;
                        end = Some(Err(tr!(self.request.lang, "live-thread-no-answer")));
                    }
                    break;
                }
            }
        }
        (snap, end)
    }
}

impl Drop for LiveJob {
    /// Closing the app (or a test ending early) must not leave a capturing child behind.
    fn drop(&mut self) {
        if !self.ended {
            self.stop();
        }
    }
}

/// A reader over a file another process is still writing: at the end of the data it waits
/// for more, until the writer has exited (then the end is the end).
struct Tail {
    file: File,
    child: Child,
    exited: bool,
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.file.read(buf)?;
            if n > 0 || self.exited {
                return Ok(n);
            }
            if let Ok(Some(_)) = self.child.try_wait() {
                // One more read after the exit picks up the final flush.
                self.exited = true;
                continue;
            }
            thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Follow the child's capture file until the child exits; returns how it ended.
fn follow(
    mut child: Child,
    out: &Path,
    stop: &AtomicBool,
    lang: Lang,
    mut send: impl FnMut(CaptureModel) + Send + 'static,
) -> Result<String, String> {
    // Wait for the file to exist (the child creates it before capturing) or for the child to fail.
    let file = loop {
        if let Ok(f) = File::open(out) {
            if f.metadata().map(|m| m.len()).unwrap_or(0) >= 24 {
                break f;
            }
        }
        if let Ok(Some(_)) = child.try_wait() {
            return Err(child_words(&mut child, true, lang));
        }
        if stop.load(Ordering::SeqCst) {
            let _ = child.wait();
            return Err(child_words(&mut child, true, lang));
        }
        thread::sleep(Duration::from_millis(100));
    };
    let mut file = file;
    let _ = file.rewind();
    let tail = Tail {
        file,
        child,
        exited: false,
    };
    let name = out.display().to_string();
    let mut src = FileSource::from_reader(tail, None, &name).map_err(|e| e.to_string())?;
    // The reader blocks while the child has nothing new, so snapshots come from a ticker thread
    // that shares the pipeline (locked only for one push or one snapshot at a time).
    let shared = Arc::new(Mutex::new(Pipeline::new(Profile::Auto)));
    let reading = Arc::new(AtomicBool::new(true));
    let ticker = {
        let (shared, reading, name) = (shared.clone(), reading.clone(), name.clone());
        thread::spawn(move || {
            let mut sent = u64::MAX;
            while reading.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(500));
                let snap = {
                    let p = shared.lock().unwrap_or_else(|e| e.into_inner());
                    let n = p.stats().packets;
                    (n != sent).then(|| {
                        sent = n;
                        p.snapshot()
                    })
                };
                if let Some(snap) = snap {
                    send(CaptureModel::from_snapshot(&name, snap, Vec::new()));
                }
            }
            send
        })
    };
    while let Some(pkt) = src.next_packet() {
        shared.lock().unwrap_or_else(|e| e.into_inner()).push(&pkt);
    }
    reading.store(false, Ordering::SeqCst);
    let mut send = ticker
        .join()
        .map_err(|_| tr!(lang, "live-snapshot-crashed"))?;
    let warnings = src.warnings().to_vec();
    let pipeline = std::mem::replace(
        &mut *shared.lock().unwrap_or_else(|e| e.into_inner()),
        Pipeline::new(Profile::Auto),
    );
    send(CaptureModel::from_snapshot(
        &name,
        pipeline.finish(),
        warnings,
    ));
    Ok(tr!(lang, "live-capture-saved", path = name))
}

/// The child's stderr (its error message), or a generic line.
fn child_words(child: &mut Child, failed: bool, lang: Lang) -> String {
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let line = err
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("capturing on"))
        .collect::<Vec<_>>()
        .join("\n");
    match (line.is_empty(), failed) {
        (true, true) => tr!(lang, "live-process-ended"),
        _ => line,
    }
}

/// The Capture panel's state: the form, the running job and its last words.
pub struct LiveState {
    /// The panel is shown.
    pub open: bool,
    pub interface: String,
    pub filter: String,
    /// Where "Save as pcap" copies the capture.
    pub save_path: String,
    /// Keep the timeline's window on the newest minute while capturing.
    pub follow_now: bool,
    pub job: Option<LiveJob>,
    /// How the last capture ended, or why it failed.
    pub status: Option<Result<String, String>>,
    pub program: PathBuf,
}

impl Default for LiveState {
    fn default() -> Self {
        LiveState {
            open: false,
            interface: "lo".into(),
            filter: String::new(),
            save_path: "portlife-capture.pcap".into(),
            follow_now: true,
            job: None,
            status: None,
            program: default_program(),
        }
    }
}

impl LiveState {
    /// Where the child writes: one file per app process in the temp directory.
    pub fn capture_file() -> PathBuf {
        std::env::temp_dir().join(format!("portlife-app-live-{}.pcap", std::process::id()))
    }

    pub fn running(&self) -> bool {
        self.job.as_ref().is_some_and(|j| !j.ended)
    }
}
