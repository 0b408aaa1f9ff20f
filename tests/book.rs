//! The book cannot drift from the tool: figures are regenerated and compared byte for byte,
//! every number the text states about a sample is recomputed, every relative link resolves, and
//! the code the book calls runnable runs (loopback only).
//!
//! A stated number is written next to the sentence as an HTML comment mdBook does not render:
//! `<!-- check: samples/FILE.pcap KEY=VALUE [KEY=VALUE…] [profile=P] -->`. Keys:
//! `connections`, `outcome.<Outcome variant>`, `closed_first.client` / `.server`,
//! `time_wait_at.<SECONDS>` (client ports in TIME-WAIT that many seconds after the first packet),
//! `server_time_wait`, `peak` (most ports one host held at once), `client_ports` (distinct
//! (host, port) a client used), `packets`, `udp_flows`, `reused_during_time_wait`.
//!
//! There are two books with the same file names: the English one in `book/src` and its Traditional
//! Chinese translation in `book/zh-TW/src`. Every check above runs over both, and the translation
//! must have every page, check marker, figure and include of the English book, plus a language
//! switch link at the top of each page that points at the same page of the other book.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use portlife::analysis::{analyze_file_with_profile, Analysis};
use portlife::ports::Profile;
use portlife::tcp::Role;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The source directories of the English book and of its Traditional Chinese translation.
const BOOKS: [&str; 2] = ["book/src", "book/zh-TW/src"];

/// The Markdown pages of one book (`BOOKS` entry), sorted by file name.
fn pages_of(book: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(book))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    v
}

/// The Markdown pages of both books.
fn book_pages() -> Vec<PathBuf> {
    BOOKS.iter().flat_map(|b| pages_of(b)).collect()
}

fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn figures_are_current() {
    let tmp = std::env::temp_dir().join(format!("portlife-book-figures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let status = Command::new("bash")
        .arg(root().join("scripts/book-figures.sh"))
        .env("PORTLIFE", env!("CARGO_BIN_EXE_portlife"))
        .env("OUT", &tmp)
        .status()
        .expect("run scripts/book-figures.sh");
    assert!(status.success(), "book-figures.sh failed");
    let names = |d: &Path| -> BTreeSet<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let committed_dir = root().join("book/src/figures");
    assert_eq!(
        names(&tmp),
        names(&committed_dir),
        "figure set differs: run scripts/book-figures.sh"
    );
    for name in names(&tmp) {
        let fresh = std::fs::read(tmp.join(&name)).unwrap();
        let committed = std::fs::read(committed_dir.join(&name)).unwrap();
        assert!(
            fresh == committed,
            "book/src/figures/{name} is stale: run scripts/book-figures.sh"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// One `<!-- check: … -->` marker.
#[derive(Debug)]
struct Check {
    page: String,
    file: String,
    profile: Profile,
    claims: Vec<(String, i64)>,
}

fn checks() -> Vec<Check> {
    let mut out = Vec::new();
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, _) in text.match_indices("<!-- check:") {
            let rest = &text[i + "<!-- check:".len()..];
            let body = &rest[..rest.find("-->").expect("unclosed check marker")];
            let mut words = body.split_whitespace();
            let file = words.next().expect("check names a sample").to_string();
            let mut profile = Profile::Auto;
            let mut claims = Vec::new();
            for w in words {
                let (k, v) = w.split_once('=').unwrap_or_else(|| panic!("bad claim {w}"));
                if k == "profile" {
                    profile = v.parse().expect("profile");
                } else {
                    claims.push((k.to_string(), v.parse().expect("number")));
                }
            }
            out.push(Check {
                page: page
                    .strip_prefix(root())
                    .unwrap_or(&page)
                    .display()
                    .to_string(),
                file,
                profile,
                claims,
            });
        }
    }
    out
}

/// The value of one claim key, computed from the analysis.
fn measure(a: &Analysis, key: &str) -> Option<i64> {
    let start = a.stats.first_ts_ns.unwrap_or(0);
    let n = |x: usize| Some(x as i64);
    if let Some(t) = key.strip_prefix("time_wait_at.") {
        let t: f64 = t.parse().ok()?;
        return Some(a.ports.counts_at(start + (t * 1e9) as i64).time_wait as i64);
    }
    if let Some(o) = key.strip_prefix("outcome.") {
        return n(a
            .connections
            .iter()
            .filter(|c| format!("{:?}", c.outcome) == o)
            .count());
    }
    match key {
        "connections" => n(a.connections.len()),
        "packets" => Some(a.stats.packets as i64),
        "udp_flows" => n(a.udp_flows.len()),
        "closed_first.client" => n(a
            .connections
            .iter()
            .filter(|c| c.closed_first == Some(Role::Client))
            .count()),
        "closed_first.server" => n(a
            .connections
            .iter()
            .filter(|c| c.closed_first == Some(Role::Server))
            .count()),
        "server_time_wait" => n(a
            .ports
            .spans
            .iter()
            .filter(|s| s.server_side && s.phase == portlife::ports::Phase::TimeWait)
            .count()),
        "peak" => a.ports.hosts.iter().map(|h| h.peak.held() as i64).max(),
        "client_ports" => n(a
            .ports
            .rows
            .iter()
            .filter(|r| !r.server_side)
            .map(|r| (r.host, r.port))
            .collect::<BTreeSet<_>>()
            .len()),
        "reused_during_time_wait" => Some(a.ports.reused_during_time_wait as i64),
        _ => None,
    }
}

#[test]
fn stated_numbers_match_the_samples() {
    let all = checks();
    assert!(all.len() >= 40, "only {} check markers found", all.len());
    let mut failures = Vec::new();
    for c in &all {
        let a =
            analyze_file_with_profile(root().join(&c.file), c.profile.clone(), Default::default())
                .unwrap_or_else(|e| panic!("{}: {}: {e}", c.page, c.file));
        for (k, want) in &c.claims {
            match measure(&a, k) {
                Some(got) if got == *want => {}
                got => failures.push(format!(
                    "{}: {} {k}: book says {want}, tool says {got:?}",
                    c.page, c.file
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the book drifted:\n{}",
        failures.join("\n")
    );
}

/// Relative link and image targets in one Markdown page (`](target)` and `{{#include target}}`).
fn targets(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        if let Some(end) = rest.find(')') {
            v.push(rest[..end].to_string());
        }
    }
    for (i, _) in text.match_indices("{{#include ") {
        let rest = &text[i + "{{#include ".len()..];
        if let Some(end) = rest.find("}}") {
            v.push(rest[..end].trim().to_string());
        }
    }
    v.into_iter()
        .map(|t| {
            t.split('#')
                .next()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .filter(|t| !t.is_empty() && !t.starts_with("http") && !t.starts_with("mailto"))
        .collect()
}

#[test]
fn every_relative_link_and_image_resolves() {
    let mut broken = Vec::new();
    let mut n = 0;
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for t in targets(&text) {
            n += 1;
            let path = page.parent().unwrap().join(&t);
            if !path.exists() {
                broken.push(format!("{}: {t}", page.display()));
            }
        }
    }
    assert!(n > 60, "only {n} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_chapter_is_in_the_summary() {
    for book in BOOKS {
        every_chapter_is_in_the_summary_of(book);
    }
}

fn every_chapter_is_in_the_summary_of(book: &str) {
    let summary = std::fs::read_to_string(root().join(book).join("SUMMARY.md")).unwrap();
    for page in pages_of(book) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        if name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not in {book}/SUMMARY.md"
            );
        }
    }
    for ch in [
        "ch01-ephemeral-ports",
        "ch02-life-of-a-port",
        "ch03-four-tuple",
        "ch04-time-wait",
        "ch05-ranges",
        "ch06-who-uses",
        "ch07-browser",
        "ch08-good-practice",
        "ch09-firewalls",
        "ch10-troubleshooting",
        "ch11-live-lab",
        "ch12-dynamic-server-ports",
    ] {
        assert!(
            summary.contains(&format!("({ch}.md)")),
            "{ch} missing from {book}"
        );
    }
}

#[test]
fn runnable_book_code_runs_on_loopback() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 missing: skipping the book's labs");
        return;
    }
    let out = Command::new("bash")
        .arg(root().join("scripts/book-labs.sh"))
        .output()
        .expect("run scripts/book-labs.sh");
    assert!(
        out.status.success(),
        "book labs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `<!-- check: … -->` marker of a page, verbatim, whitespace normalised.
fn markers(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .match_indices("<!-- check:")
        .map(|(i, _)| {
            let rest = &text[i..];
            let body = &rest[..rest.find("-->").map_or(rest.len(), |e| e + 3)];
            body.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    v.sort();
    v
}

/// Figure and include targets of a page (what a faithful translation must show too).
fn figures_and_includes(text: &str) -> Vec<String> {
    let mut v: Vec<String> = targets(text)
        .into_iter()
        .filter(|t| t.starts_with("figures/") || t.starts_with("code/"))
        .collect();
    v.sort();
    v
}

/// Han characters in a text: a page that was copied instead of translated has next to none.
fn han_chars(text: &str) -> usize {
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count()
}

#[test]
fn zh_tw_book_has_every_page_check_and_figure_of_the_english_one() {
    let english = pages_of(BOOKS[0]);
    let chinese: BTreeSet<String> = pages_of(BOOKS[1]).iter().map(|p| file_name(p)).collect();
    assert!(english.len() >= 17, "only {} English pages", english.len());
    for page in &english {
        let name = file_name(page);
        assert!(chinese.contains(&name), "book/zh-TW/src/{name} is missing");
        let en = std::fs::read_to_string(page).unwrap();
        let zh = std::fs::read_to_string(root().join(BOOKS[1]).join(&name)).unwrap();
        assert_eq!(
            markers(&en),
            markers(&zh),
            "{name}: the zh-TW page must state the same checked numbers"
        );
        assert_eq!(
            figures_and_includes(&en),
            figures_and_includes(&zh),
            "{name}: the zh-TW page must show the same figures and code"
        );
        let headings = |t: &str| t.lines().filter(|l| l.starts_with("## ")).count();
        assert!(
            headings(&zh) >= headings(&en),
            "{name}: zh-TW has fewer sections than the English page"
        );
        assert!(
            han_chars(&zh) > en.len() / 20,
            "{name}: zh-TW page looks untranslated ({} Han characters)",
            han_chars(&zh)
        );
    }
}

#[test]
fn every_page_links_to_the_same_page_in_the_other_language() {
    for (book, href_prefix, label) in [
        (BOOKS[0], "zh-TW/", "繁體中文"),
        (BOOKS[1], "../", "English"),
    ] {
        for page in pages_of(book) {
            let name = file_name(&page);
            if name == "SUMMARY.md" {
                continue;
            }
            let text = std::fs::read_to_string(&page).unwrap();
            let first = text.lines().next().unwrap_or("");
            let html = name.replace(".md", ".html");
            let want = format!("<a href=\"{href_prefix}{html}\"");
            assert!(
                first.starts_with("<div class=\"lang-switch\">")
                    && first.contains(&want)
                    && first.contains(label),
                "{book}/{name}: first line must be the language switch to {href_prefix}{html}"
            );
            let other = if book == BOOKS[0] { BOOKS[1] } else { BOOKS[0] };
            assert!(
                root().join(other).join(&name).exists(),
                "{book}/{name}: the other book has no {name}"
            );
        }
    }
}

/// `mdbook`, from PATH or cargo's bin directory; `None` when it is not installed.
fn mdbook() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/mdbook"));
    let candidates = [Some(PathBuf::from("mdbook")), home];
    candidates
        .into_iter()
        .flatten()
        .find(|m| Command::new(m).arg("--version").output().is_ok())
}

#[test]
fn both_books_build_into_one_site_with_working_switch_links() {
    let Some(mdbook) = mdbook() else {
        eprintln!("mdbook missing: skipping the book build");
        return;
    };
    let out = Command::new("bash")
        .arg(root().join("scripts/build-book.sh"))
        .env("MDBOOK", &mdbook)
        .output()
        .expect("run scripts/build-book.sh");
    assert!(
        out.status.success(),
        "build-book.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = root().join("book/build");
    for page in ["ch04-time-wait.html", "appendix-b-glossary.html"] {
        let en = std::fs::read_to_string(site.join(page)).expect("English page built");
        let zh = std::fs::read_to_string(site.join("zh-TW").join(page)).expect("zh-TW page built");
        assert!(
            en.contains(&format!("href=\"zh-TW/{page}\"")),
            "{page}: no switch to zh-TW"
        );
        assert!(
            zh.contains(&format!("href=\"../{page}\"")),
            "{page}: no switch to English"
        );
        assert!(
            zh.contains("lang=\"zh-TW\""),
            "{page}: zh-TW page not marked zh-TW"
        );
    }
    assert!(
        site.join("zh-TW/figures/browser-burst.svg").exists(),
        "the zh-TW site has no figures"
    );
}
