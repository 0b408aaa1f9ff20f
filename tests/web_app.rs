//! The book with the app in it: the books and the web app (scripts/build-web.sh, which .ci/run
//! runs before the tests) served from 127.0.0.1 as any static file server would, opened in
//! headless Chromium. The app page must load the sample its address names and draw it; a
//! chapter page must put the app on the page, on its sample and tour, in its language.
#![cfg(feature = "gui")]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok())
}

/// Serve `dir` on 127.0.0.1 (GET and HEAD, one request per connection) until the test ends.
fn serve(dir: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || answer(stream, &dir));
        }
    });
    port
}

fn answer(mut stream: TcpStream, dir: &Path) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The headers are not needed: read them off.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = dir.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    let inside = !path.contains("..");
    let (status, body) = match std::fs::read(&file) {
        Ok(b) if inside => ("200 OK", b),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

/// Headless Chromium on `url` with a software WebGL, given `budget_ms` of page time; `extra`
/// says what to make of the page (`--dump-dom`, `--screenshot=…`).
fn chromium_on(browser: &str, url: &str, budget_ms: u32, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--no-first-run",
            "--disable-background-networking",
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
            "--ignore-gpu-blocklist",
            "--window-size=1280,800",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How many distinct colours the PNG at `path` has: a blank page has one or two.
fn colours(path: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for px in buf[..info.buffer_size()].chunks(step) {
        seen.insert(px.to_vec());
    }
    seen.len()
}

#[test]
fn the_book_opens_the_app_on_a_chapters_sample_in_a_browser() {
    let app = root().join("target/web-app/index.html");
    if !app.exists() {
        return common::skip_or_fail("the web app is not built (scripts/build-web.sh)");
    }
    let Some(mdbook) = common::mdbook() else {
        return common::skip_or_fail("mdbook missing: the books cannot be built");
    };
    let Some(browser) = chromium() else {
        return common::skip_or_fail("chromium missing: the web app was not tried in a browser");
    };
    let site = common::build_books(&mdbook);
    assert!(
        site.join("app/portlife_bg.wasm").exists(),
        "the app is not in the book"
    );
    let port = serve(site);
    let shots = tempfile::tempdir().unwrap();

    // The app page on a sample: the app sets the page's title once the capture is drawn.
    let url = format!("http://127.0.0.1:{port}/app/index.html?sample=browser-burst.pcap&lang=en");
    let dom = chromium_on(browser, &url, 20_000, &["--dump-dom".into()]);
    assert!(
        dom.contains("<title>portlife — browser-burst.pcap: 6 connections</title>"),
        "the app page did not say it opened the sample:\n{}",
        &dom[..dom.len().min(2000)]
    );
    let shot = shots.path().join("app.png");
    chromium_on(
        browser,
        &url,
        20_000,
        &[format!("--screenshot={}", shot.display())],
    );
    let n = colours(&shot);
    assert!(n > 50, "the app page's screenshot is blank ({n} colours)");

    // A chapter page opened with ?open-app puts the app on the page, on its sample and tour.
    let chapter = format!("http://127.0.0.1:{port}/ch07-browser.html?open-app");
    let dom = chromium_on(browser, &chapter, 20_000, &["--dump-dom".into()]);
    assert!(
        dom.contains(r#"class="portlife-frame""#)
            && dom.contains("app/index.html?sample=browser-burst.pcap&amp;lang=en&amp;tour=ch07"),
        "the chapter did not embed the app:\n{}",
        &dom[..dom.len().min(3000)]
    );
    let zh = format!("http://127.0.0.1:{port}/zh-TW/ch07-browser.html?open-app");
    let dom = chromium_on(browser, &zh, 20_000, &["--dump-dom".into()]);
    assert!(
        dom.contains("../app/index.html?sample=browser-burst.pcap&amp;lang=zh-TW&amp;tour=ch07"),
        "the Chinese chapter did not embed the app in Chinese"
    );
    let shot = shots.path().join("chapter.png");
    chromium_on(
        browser,
        &chapter,
        20_000,
        &[format!("--screenshot={}", shot.display())],
    );
    let n = colours(&shot);
    assert!(n > 50, "the chapter's screenshot is blank ({n} colours)");
}
