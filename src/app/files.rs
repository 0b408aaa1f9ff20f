//! Where the open capture's bytes come from. On the desktop it is a path on disk. A browser has
//! no file system: a file the reader picked or dropped, or a sample the page fetched, is kept
//! here under its name, and every reader of the capture (the loader, the ladder) asks here
//! before it asks the disk.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use portlife::source::{FileSource, OpenError};

/// Captures held in memory, newest last. Two: the open one, and the one being opened (which
/// may fail and leave the open one in place).
static KEPT: Mutex<Vec<(PathBuf, Arc<[u8]>)>> = Mutex::new(Vec::new());
const KEEP: usize = 2;

/// Hold `bytes` as the capture named `path`. On the desktop every capture has a path; only a
/// browser gives bytes.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn keep(path: &Path, bytes: Arc<[u8]>) {
    let mut kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
    kept.retain(|(p, _)| p != path);
    kept.push((path.to_path_buf(), bytes));
    let extra = kept.len().saturating_sub(KEEP);
    kept.drain(..extra);
}

/// The bytes held for `path`, if it was given in memory.
pub fn kept(path: &Path) -> Option<Arc<[u8]>> {
    let kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
    kept.iter()
        .find(|(p, _)| p == path)
        .map(|(_, b)| Arc::clone(b))
}

/// Captures that arrived in memory since the last frame (a file dropped on the page), to open.
static ARRIVED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The newest capture that arrived in memory and is not open yet.
pub fn take_arrived() -> Option<PathBuf> {
    let mut arrived = ARRIVED.lock().unwrap_or_else(|p| p.into_inner());
    let newest = arrived.pop();
    arrived.clear();
    newest
}

/// Read a file dropped on the page (the browser reads it asynchronously), keep it under its
/// name, and have the next frame open it.
#[cfg(target_arch = "wasm32")]
pub fn read_dropped(file: egui::DroppedFileHandle, ctx: egui::Context) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = PathBuf::from(file.path().file_name().unwrap_or(file.path().as_os_str()));
        match file.bytes_async().await {
            Ok(bytes) => {
                keep(&name, bytes.into());
                ARRIVED.lock().unwrap_or_else(|p| p.into_inner()).push(name);
            }
            Err(e) => web_sys::console::error_1(&format!("{}: {e}", name.display()).into()),
        }
        ctx.request_repaint();
    });
}

/// A reader of the capture named `path`: from memory if it was given so, else from the disk.
pub fn open(path: &Path) -> Result<FileSource, OpenError> {
    match kept(path) {
        Some(bytes) => {
            let len = bytes.len() as u64;
            FileSource::from_reader(
                std::io::Cursor::new(bytes),
                Some(len),
                &path.display().to_string(),
            )
        }
        None => FileSource::open(path),
    }
}

/// Start `work` off the UI thread; in a browser, which has none to spare, run it now.
pub fn in_background(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    if cfg!(target_arch = "wasm32") {
        work();
        Ok(())
    } else {
        std::thread::Builder::new()
            .name(name.into())
            .spawn(work)
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_given_in_memory_is_read_from_memory_before_the_disk() {
        let sample = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/browser-burst.pcap"
        ));
        let named = PathBuf::from("in-memory/browser-burst.pcap");
        assert!(open(&named).is_err(), "no such file on disk");
        keep(&named, std::fs::read(&sample).unwrap().into());
        let mut from_memory = open(&named).unwrap();
        let mut from_disk = FileSource::open(&sample).unwrap();
        let (mut a, mut b) = (0, 0);
        while from_memory.next_packet().is_some() {
            a += 1;
        }
        while from_disk.next_packet().is_some() {
            b += 1;
        }
        assert_eq!((a, a > 0), (b, true));
        // Only the newest two are held.
        keep(Path::new("x"), Arc::from(&b""[..]));
        keep(Path::new("y"), Arc::from(&b""[..]));
        assert!(kept(&named).is_none());
    }
}
