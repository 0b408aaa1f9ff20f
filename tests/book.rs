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

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use portlife::analysis::{analyze_file_with_profile, Analysis};
use portlife::ports::Profile;
use portlife::tcp::Role;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn book_pages() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("book/src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    v
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
                page: page.file_name().unwrap().to_string_lossy().into_owned(),
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
    assert!(all.len() >= 20, "only {} check markers found", all.len());
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
    assert!(n > 30, "only {n} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_chapter_is_in_the_summary() {
    let summary = std::fs::read_to_string(root().join("book/src/SUMMARY.md")).unwrap();
    for page in book_pages() {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        if name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not in SUMMARY.md"
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
        assert!(summary.contains(&format!("({ch}.md)")), "{ch} missing");
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
