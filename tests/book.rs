//! The book cannot drift from the tool: figures are regenerated and compared byte for byte,
//! every number the text states about a sample is recomputed, every relative link resolves, and
//! the code the book calls runnable runs (loopback only).
//!
//! A stated number is written next to the sentence as an HTML comment mdBook does not render:
//! `<!-- check: samples/FILE.pcap KEY=VALUE [KEY=VALUE…] [profile=P] -->`. Keys:
//! `connections`, `outcome.<Outcome variant>`, `closed_first.client` / `.server`,
//! `time_wait_at.<SECONDS>` (client ports in TIME-WAIT that many seconds after the first packet),
//! `server_time_wait`, `peak` (most ports one host held at once), `client_ports` (distinct
//! (host, port) a client used), `packets`, `udp_flows`, `reused_during_time_wait`,
//! `started_after.<SECONDS>` (connections whose first packet comes that late or later),
//! `held_at.<SECONDS>` (client ports held in any phase then), `tw_start_ms.<PORT>` (when client
//! port PORT entered TIME-WAIT, ms after the first packet; the text shows it in seconds, e.g.
//! `2.641`), `nth_start_ms.<N>` (when the Nth connection started, ms after the first packet,
//! shown in seconds), `assigned_us.<PORT>` (how long client port PORT stayed Assigned, µs,
//! shown in ms), `syn_retransmits.<PORT>`, `last_packet_ms.<PORT>` (the last packet of client port
//! PORT's connection, ms after its first, shown in seconds) and `server.<PORT>` (the server address client port PORT connected to).
//!
//! A marker annotates the number right after it: the first number (or address) the reader sees
//! after the marker, in the same sentence, must be one of its claims, and every claim must be
//! visible in that sentence. A worked answer is written `<!-- calc: EXPR = RESULT -->` before the
//! text that shows RESULT; the test evaluates EXPR (+ − × / and parentheses) and compares.
//! No marker may open a line: mdBook would then start a raw HTML block and not render the
//! paragraph's Markdown.
//!
//! There are two books with the same file names: the English one in `book/src` and its Traditional
//! Chinese translation in `book/zh-TW/src`. Every check above runs over both, and the translation
//! must have every page, check marker, figure and include of the English book, plus a language
//! switch link at the top of each page that points at the same page of the other book.

mod common;

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
    claims: Vec<(String, String)>,
    /// The visible text of the sentence from the end of the marker on (markers removed).
    after: String,
}

/// The page text after byte `from` up to the end of its sentence, with markers removed and code
/// backticks and emphasis dropped: what the reader sees right after a marker.
fn sentence_after(text: &str, from: usize) -> String {
    let mut rest = text[from..].to_string();
    // drop other markers
    while let Some(i) = rest.find("<!--") {
        let Some(j) = rest[i..].find("-->") else {
            break;
        };
        rest.replace_range(i..i + j + 3, "");
    }
    let rest = rest.replace(['`', '*'], "");
    let ends = [". ", ".\n", "。", "；", "; ", "\n\n", "|", "？", "! ", "！"];
    let end = ends
        .iter()
        .filter_map(|e| rest.find(e))
        .min()
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

/// Number-like tokens of a visible text: `28 232` (space-grouped thousands) is one token,
/// `2.641` one, an IPv4 address one.
fn tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut t = String::new();
            while i < chars.len() {
                let c = chars[i];
                let decimal_point =
                    c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
                if c.is_ascii_digit() || decimal_point {
                    t.push(c);
                    i += 1;
                } else if (c == ' ' || c == '\u{202f}' || c == '\u{a0}')
                    && chars.len() > i + 3
                    && chars[i + 1..i + 4].iter().all(|d| d.is_ascii_digit())
                    && chars.get(i + 4).is_none_or(|d| !d.is_ascii_digit())
                    && !t.contains('.')
                {
                    i += 1; // thousands separator
                } else {
                    break;
                }
            }
            out.push(t);
        } else {
            i += 1;
        }
    }
    out
}

/// How the reader sees a claimed value.
fn visible_form(key: &str, value: &str) -> String {
    if key.starts_with("tw_start_ms.")
        || key.starts_with("nth_start_ms.")
        || key.starts_with("last_packet_ms.")
        || key.starts_with("assigned_us.")
    {
        if let Ok(ms) = value.parse::<i64>() {
            let s = format!("{}.{:03}", ms / 1000, ms % 1000);
            return s.trim_end_matches('0').trim_end_matches('.').to_string();
        }
    }
    value.to_string()
}

fn checks() -> Vec<Check> {
    let mut out = Vec::new();
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, _) in text.match_indices("<!-- check:") {
            if text[..i].ends_with('`') {
                continue; // a marker shown as code (appendix A), not a claim
            }
            let rest = &text[i + "<!-- check:".len()..];
            let close = rest.find("-->").expect("unclosed check marker");
            let body = &rest[..close];
            let mut words = body.split_whitespace();
            let file = words.next().expect("check names a sample").to_string();
            let mut profile = Profile::Auto;
            let mut claims = Vec::new();
            for w in words {
                let (k, v) = w.split_once('=').unwrap_or_else(|| panic!("bad claim {w}"));
                if k == "profile" {
                    profile = v.parse().expect("profile");
                } else {
                    claims.push((k.to_string(), v.to_string()));
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
                after: sentence_after(&text, i + "<!-- check:".len() + close + 3),
            });
        }
    }
    out
}

/// The value of one claim key, computed from the analysis.
fn measure(a: &Analysis, key: &str) -> Option<String> {
    let start = a.stats.first_ts_ns.unwrap_or(0);
    let n = |x: usize| Some(x.to_string());
    let at =
        |t: &str| -> Option<i64> { Some(start + (t.parse::<f64>().ok()? * 1e9).round() as i64) };
    if let Some(t) = key.strip_prefix("time_wait_at.") {
        return Some(a.ports.counts_at(at(t)?).time_wait.to_string());
    }
    if let Some(t) = key.strip_prefix("held_at.") {
        let c = a.ports.counts_at(at(t)?);
        return Some((c.assigned + c.active + c.time_wait).to_string());
    }
    if let Some(t) = key.strip_prefix("started_after.") {
        let t = at(t)?;
        return n(a.connections.iter().filter(|c| c.start_ns >= t).count());
    }
    if let Some(p) = key.strip_prefix("tw_start_ms.") {
        let p: u16 = p.parse().ok()?;
        let s = a.ports.spans.iter().find(|s| {
            !s.server_side && s.port == p && s.phase == portlife::ports::Phase::TimeWait
        })?;
        return Some(((s.start_ns - start) as f64 / 1e6).round().to_string());
    }
    if let Some(p) = key.strip_prefix("assigned_us.") {
        let p: u16 = p.parse().ok()?;
        let s = a.ports.spans.iter().find(|s| {
            !s.server_side && s.port == p && s.phase == portlife::ports::Phase::Assigned
        })?;
        return Some(((s.end_ns - s.start_ns) as f64 / 1e3).round().to_string());
    }
    if let Some(k) = key.strip_prefix("nth_start_ms.") {
        let k: usize = k.parse().ok()?;
        let mut starts: Vec<i64> = a.connections.iter().map(|c| c.start_ns).collect();
        starts.sort_unstable();
        let s = *starts.get(k.checked_sub(1)?)?;
        return Some(((s - start) as f64 / 1e6).round().to_string());
    }
    if let Some(p) = key.strip_prefix("syn_retransmits.") {
        let p: u16 = p.parse().ok()?;
        let c = a.connections.iter().find(|c| c.client.port == p)?;
        return Some(c.syn_retransmits.to_string());
    }
    if let Some(p) = key.strip_prefix("last_packet_ms.") {
        let p: u16 = p.parse().ok()?;
        let c = a.connections.iter().find(|c| c.client.port == p)?;
        return Some(
            ((c.last_packet_ns - c.start_ns) as f64 / 1e6)
                .round()
                .to_string(),
        );
    }
    if let Some(p) = key.strip_prefix("server.") {
        let p: u16 = p.parse().ok()?;
        let c = a.connections.iter().find(|c| c.client.port == p)?;
        return Some(c.server.ip.to_string());
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
        "packets" => Some(a.stats.packets.to_string()),
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
        "peak" => a
            .ports
            .hosts
            .iter()
            .map(|h| h.peak.held())
            .max()
            .map(|x| x.to_string()),
        "client_ports" => n(a
            .ports
            .rows
            .iter()
            .filter(|r| !r.server_side)
            .map(|r| (r.host, r.port))
            .collect::<BTreeSet<_>>()
            .len()),
        "reused_during_time_wait" => Some(a.ports.reused_during_time_wait.to_string()),
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

#[test]
fn every_checked_number_is_the_one_the_reader_sees() {
    let mut failures = Vec::new();
    for c in checks() {
        let toks = tokens(&c.after);
        let forms: Vec<String> = c.claims.iter().map(|(k, v)| visible_form(k, v)).collect();
        match toks.first() {
            Some(first) if forms.contains(first) => {}
            first => failures.push(format!(
                "{}: the marker claims {forms:?} but the text after it shows {first:?}: {:?}",
                c.page, c.after
            )),
        }
        for f in &forms {
            if !toks.contains(f) {
                failures.push(format!(
                    "{}: claimed {f} is not visible in the sentence: {:?}",
                    c.page, c.after
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Evaluate `+ - * /` with parentheses over decimal numbers (`×` and `−` accepted).
fn eval(expr: &str) -> f64 {
    fn sum(t: &[char], i: &mut usize) -> f64 {
        let mut v = product(t, i);
        while *i < t.len() && (t[*i] == '+' || t[*i] == '-') {
            let op = t[*i];
            *i += 1;
            let r = product(t, i);
            v = if op == '+' { v + r } else { v - r };
        }
        v
    }
    fn product(t: &[char], i: &mut usize) -> f64 {
        let mut v = atom(t, i);
        while *i < t.len() && (t[*i] == '*' || t[*i] == '/') {
            let op = t[*i];
            *i += 1;
            let r = atom(t, i);
            v = if op == '*' { v * r } else { v / r };
        }
        v
    }
    fn atom(t: &[char], i: &mut usize) -> f64 {
        if t[*i] == '(' {
            *i += 1;
            let v = sum(t, i);
            assert_eq!(t[*i], ')', "unbalanced parentheses");
            *i += 1;
            return v;
        }
        let s = *i;
        while *i < t.len() && (t[*i].is_ascii_digit() || t[*i] == '.') {
            *i += 1;
        }
        t[s..*i]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or_else(|_| panic!("bad number in {t:?}"))
    }
    let t: Vec<char> = expr
        .replace('×', "*")
        .replace('−', "-")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut i = 0;
    let v = sum(&t, &mut i);
    assert_eq!(i, t.len(), "trailing input in {expr}");
    v
}

#[test]
fn worked_answers_compute() {
    let mut n = 0;
    let mut failures = Vec::new();
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, _) in text.match_indices("<!-- calc:") {
            if text[..i].ends_with('`') {
                continue; // a marker shown as code (appendix A)
            }
            n += 1;
            let rest = &text[i + "<!-- calc:".len()..];
            let close = rest.find("-->").expect("unclosed calc marker");
            let (expr, result) = rest[..close].rsplit_once('=').expect("calc: EXPR = RESULT");
            let result = result.trim();
            let decimals = result.split_once('.').map_or(0, |(_, d)| d.len());
            let got = format!("{:.*}", decimals, eval(expr));
            if got != result {
                failures.push(format!(
                    "{}: {expr} = {got}, the book says {result}",
                    page.display()
                ));
            }
            let after = sentence_after(&text, i + "<!-- calc:".len() + close + 3);
            if !tokens(&after).iter().any(|t| t == result) {
                failures.push(format!(
                    "{}: worked result {result} is not visible after its marker: {after:?}",
                    page.display()
                ));
            }
        }
    }
    assert!(n >= 10, "only {n} worked answers are computed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_marker_opens_a_line() {
    let mut bad = Vec::new();
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("<!--") {
                bad.push(format!("{}:{}: {line}", page.display(), i + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a line starting with an HTML comment opens a raw HTML block (the paragraph splits and its \
         Markdown is not rendered); move the marker after the previous word:\n{}",
        bad.join("\n")
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
        return common::skip_or_fail("python3 missing: the book's labs cannot run");
    }
    let out = Command::new("bash")
        .arg(root().join("scripts/book-labs.sh"))
        .env("PORTLIFE", env!("CARGO_BIN_EXE_portlife"))
        .output()
        .expect("run scripts/book-labs.sh");
    assert!(
        out.status.success(),
        "book labs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every `<!-- check: … -->` and `<!-- calc: … -->` marker of a page, verbatim, whitespace
/// normalised.
fn markers(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .match_indices("<!-- check:")
        .chain(text.match_indices("<!-- calc:"))
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

/// The visible text of a built page's `<main>`, without code blocks, inline code and tags.
fn rendered_text(html: &str) -> String {
    let main = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map_or("", |(m, _)| m);
    let mut out = String::new();
    let mut rest = main;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let skip_to = ["<pre", "<code"]
            .iter()
            .find(|t| rest.starts_with(**t))
            .map(|t| if *t == "<pre" { "</pre>" } else { "</code>" });
        let end = match skip_to {
            Some(close) => rest.find(close).map(|j| j + close.len()),
            None => rest.find('>').map(|j| j + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    out.push_str(rest);
    out
}

#[test]
fn both_books_build_into_one_site_with_working_switch_links() {
    let Some(mdbook) = common::mdbook() else {
        return common::skip_or_fail("mdbook missing: the books cannot be built");
    };
    let site = common::build_books(&mdbook);
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
    // Appendices and references are unnumbered: the table of contents numbers only 1–12.
    for dir in [site.clone(), site.join("zh-TW")] {
        let toc: String = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            // mdBook 0.5 writes the table of contents to toc-HASH.js; 0.4 into every page
            .filter(|p| {
                let n = file_name(p);
                (n.starts_with("toc") && n.ends_with(".js")) || n == "index.html"
            })
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(
            toc.contains(">12.</strong>"),
            "{}: no chapter 12 in the toc",
            dir.display()
        );
        assert!(
            !toc.contains(">13.</strong>"),
            "{}: a 13th numbered entry: the appendices must be suffix chapters",
            dir.display()
        );
    }
    // Emphasis that did not render: CommonMark closes `**` only when it is not squeezed between
    // a punctuation mark and a letter (`**重點。**在` stays literal; `**重點**。在` is bold).
    let mut stray = Vec::new();
    for dir in [site.clone(), site.join("zh-TW")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            let name = file_name(&path);
            if !name.ends_with(".html") || name == "print.html" {
                continue;
            }
            let text = rendered_text(&std::fs::read_to_string(&path).unwrap());
            if let Some(i) = text.find('*') {
                let from = text.floor_char_boundary(i.saturating_sub(30));
                let to = text.ceil_char_boundary((i + 30).min(text.len()));
                stray.push(format!("{}: {:?}", path.display(), &text[from..to]));
            }
        }
    }
    assert!(
        stray.is_empty(),
        "a literal * in rendered text (emphasis that did not close):\n{}",
        stray.join("\n")
    );
    // Search data for the search page, Chinese words included.
    let zh = std::fs::read_to_string(site.join("zh-TW/searchdata.js")).expect("zh-TW search data");
    let en = std::fs::read_to_string(site.join("searchdata.js")).expect("English search data");
    for word in ["臨時埠", "防火牆", "連線池", "TIME-WAIT"] {
        assert!(zh.contains(word), "zh-TW search data lacks {word}");
    }
    assert!(en.contains("ephemeral port") && !en.contains("臨時埠是"));
    // And the page finds them, in a real browser.
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok());
    let Some(chromium) = chromium else {
        return common::skip_or_fail(
            "chromium missing: the search pages were not tried in a browser",
        );
    };
    let out = Command::new("bash")
        .arg(root().join("scripts/search-check.sh"))
        .env("CHROMIUM", chromium)
        .output()
        .expect("run scripts/search-check.sh");
    assert!(
        out.status.success(),
        "search-check.sh failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Han character or a full-width punctuation mark.
fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// One line of prose with inline code, HTML comments and tags, and link targets replaced by a
/// space each. `in_comment` carries an HTML comment over to the next line.
fn strip_line(line: &str, in_comment: &mut bool) -> String {
    let mut s = String::new();
    let mut rest = line;
    loop {
        if *in_comment {
            match rest.find("-->") {
                Some(j) => {
                    rest = &rest[j + 3..];
                    *in_comment = false;
                }
                None => return s,
            }
        }
        let Some(c) = rest.chars().next() else {
            return s;
        };
        if rest.starts_with("<!--") {
            *in_comment = true;
            rest = &rest[4..];
            s.push(' ');
            continue;
        }
        if rest.starts_with("](") {
            // a link target, which may itself hold parentheses: `(v=technet.10)`
            let mut depth = 0;
            let end = rest[1..].char_indices().find_map(|(j, d)| {
                match d {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(1 + j + 1);
                        }
                    }
                    _ => {}
                }
                None
            });
            if let Some(end) = end {
                rest = &rest[end..];
                s.push(' ');
                continue;
            }
        }
        let (skip, close) = match c {
            '<' => (1, Some('>')),
            '`' => (1, Some('`')),
            _ => (0, None),
        };
        if let Some(close) = close {
            if let Some(j) = rest[skip..].find(close) {
                rest = &rest[skip + j + 1..];
                s.push(' ');
                continue;
            }
        }
        s.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// The prose of a Markdown page, line by line: fenced code blocks become empty lines, and each
/// line goes through [`strip_line`]. Lines are kept, so line numbers still fit.
fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    let mut in_comment = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            out.push(String::new());
        } else if in_code {
            out.push(String::new());
        } else {
            out.push(strip_line(line, &mut in_comment));
        }
    }
    out
}

#[test]
fn zh_tw_prose_uses_full_width_punctuation() {
    let mut bad = Vec::new();
    for page in pages_of(BOOKS[1]) {
        let text = std::fs::read_to_string(&page).unwrap();
        // The same rule as the app's and the report's texts (portlife::i18n).
        for (n, line) in prose(&text).iter().enumerate() {
            for c in portlife::i18n::half_width_beside_chinese(line) {
                bad.push(format!("{}:{}: {c:?} in {line}", file_name(&page), n + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "half-width punctuation beside Chinese text (use ，：；？！（）):\n{}",
        bad.join("\n")
    );
}

#[test]
fn zh_tw_paragraphs_have_no_line_break_between_chinese_characters() {
    let mut bad = Vec::new();
    for page in pages_of(BOOKS[1]) {
        let text = std::fs::read_to_string(&page).unwrap();
        let lines = prose(&text);
        for (n, pair) in lines.windows(2).enumerate() {
            let (a, b) = (pair[0].trim_end(), pair[1].trim_start());
            let starts_block = b.starts_with(['-', '|', '#', '!', '*', '>'])
                || b.chars().next().is_some_and(|c| c.is_ascii_digit());
            if !starts_block
                && a.chars().last().is_some_and(is_cjk)
                && b.chars().next().is_some_and(is_cjk)
            {
                bad.push(format!("{}:{}", file_name(&page), n + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a line break inside a Chinese sentence renders as a space; join the lines:\n{}",
        bad.join("\n")
    );
}

#[test]
fn appendices_and_references_are_unnumbered_suffix_chapters() {
    for book in BOOKS {
        let summary = std::fs::read_to_string(root().join(book).join("SUMMARY.md")).unwrap();
        let last_numbered = summary
            .lines()
            .collect::<Vec<_>>()
            .iter()
            .rposition(|l| l.trim_start().starts_with("- ["))
            .expect("numbered chapters");
        for (i, line) in summary.lines().enumerate() {
            if line.contains("(appendix-") || line.contains("(references.md)") {
                assert!(
                    line.starts_with('[') && i > last_numbered,
                    "{book}/SUMMARY.md: {line:?} must be a suffix chapter (a plain link after the \
                     numbered list), not a numbered one"
                );
            }
        }
        assert!(
            summary.contains("(references.md)"),
            "{book}: no references page"
        );
    }
}

#[test]
fn every_sample_is_used_by_a_chapter_in_both_books() {
    let samples: Vec<String> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| file_name(&e.unwrap().path()))
        .filter(|n| n.ends_with(".pcap"))
        .collect();
    assert!(samples.len() >= 18, "only {} samples", samples.len());
    for book in BOOKS {
        let chapters: String = pages_of(book)
            .iter()
            .filter(|p| file_name(p).starts_with("ch") || file_name(p).starts_with("primer"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        for s in &samples {
            assert!(
                chapters.contains(&format!("samples/{s}")),
                "{book}: no chapter opens samples/{s}"
            );
        }
    }
}

#[test]
fn references_page_links_the_primary_sources() {
    for book in BOOKS {
        let text = std::fs::read_to_string(root().join(book).join("references.md"))
            .unwrap_or_else(|_| panic!("{book}/references.md missing"));
        for want in [
            "https://www.rfc-editor.org/rfc/rfc6335",
            "https://www.rfc-editor.org/rfc/rfc6056",
            "https://www.rfc-editor.org/rfc/rfc9293",
            "https://www.rfc-editor.org/rfc/rfc1122",
            "https://docs.kernel.org/networking/ip-sysctl.html",
            "https://learn.microsoft.com/",
            "https://docs.aws.amazon.com/vpc/latest/userguide/",
            "https://man.freebsd.org/",
            "https://git.kernel.org/",
        ] {
            assert!(
                text.contains(want),
                "{book}/references.md: no link to {want}"
            );
        }
    }
}

#[test]
fn range_examples_keep_different_parity_at_both_ends() {
    // Linux logs "prefer different parity for start/end values" otherwise (chapter 5).
    let mut n = 0;
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (i, _) in text.match_indices("ip_local_port_range") {
            let rest = text[i + "ip_local_port_range".len()..].trim_start_matches(['=', '"', ' ']);
            let nums: Vec<u32> = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|w| !w.is_empty())
                .take(2)
                .filter_map(|w| w.parse().ok())
                .collect();
            // only "LO HI" written right after the name (a setting, not prose about it)
            if nums.len() == 2
                && rest.starts_with(|c: char| c.is_ascii_digit())
                && rest.len() > 12
                && rest[..12].chars().filter(|c| c.is_ascii_digit()).count() >= 9
                && nums[0] > 1000
                && nums[1] > nums[0]
            {
                n += 1;
                assert!(
                    (nums[0] ^ nums[1]) & 1 == 1,
                    "{}: ip_local_port_range {} {} has the same parity at both ends",
                    page.display(),
                    nums[0],
                    nums[1]
                );
            }
        }
    }
    assert!(n >= 4, "only {n} range settings found");
}

/// Statements the book once made that a sample, a lab or a primary source showed false. Each is
/// (pattern a page must not contain, why).
const KNOWN_FALSE: [(&str, &str); 10] = [
    (
        "Usually all 30",
        "python3 -m http.server closes first: ch11 counts on the book's server now",
    ),
    ("6 × 120 = 720", "60 reloads × 6 ports = 360"),
    ("\"15000 64000\"", "same parity at both ends"),
    (
        "{print $NF}' | sort | uniq -c",
        "keeps fd=N: every count is 1",
    ),
    (
        "All six end in pink",
        "54325 enters TIME-WAIT at the capture's last packet",
    ),
    (
        "the last few connections\nare still closing",
        "the last 8 have not started",
    ),
    (
        "the client's FIN where blue turns",
        "pink starts at the server's FIN",
    ),
    ("per query is", "A and AAAA of one lookup share a port"),
    ("`1` = always", "tcp_tw_reuse=1 still needs TCP timestamps"),
    ("1 表示一律", "tcp_tw_reuse=1 still needs TCP timestamps"),
];

#[test]
fn statements_found_false_stay_out() {
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (pat, why) in KNOWN_FALSE {
            assert!(!text.contains(pat), "{}: {pat:?} ({why})", page.display());
        }
    }
    // Chapter 5's kernel history: the two-pass parity scan is Linux 4.6 (1580ab63fc9a), the
    // even starting point Linux 4.2 (07f4c90062f8).
    for book in BOOKS {
        let ch05 = std::fs::read_to_string(root().join(book).join("ch05-ranges.md")).unwrap();
        for want in ["1580ab63fc9a", "07f4c90062f8", "4.6", "4.2"] {
            assert!(ch05.contains(want), "{book}/ch05-ranges.md lacks {want}");
        }
    }
}

#[test]
fn every_figure_has_a_numbered_caption() {
    for (book, word, sep) in [(BOOKS[0], "Figure", ": "), (BOOKS[1], "圖", "：")] {
        for page in pages_of(book) {
            let name = file_name(&page);
            let num = if let Some(n) = name.strip_prefix("ch") {
                n[..2].trim_start_matches('0').to_string()
            } else if let Some(a) = name.strip_prefix("appendix-") {
                a[..1].to_uppercase()
            } else {
                continue;
            };
            let text = std::fs::read_to_string(&page).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let mut k = 0;
            for (i, line) in lines.iter().enumerate() {
                if line.starts_with("![") || line.starts_with("[![") {
                    k += 1;
                    let want = format!("*{word} {num}.{k}{sep}");
                    assert!(
                        lines.get(i + 2).is_some_and(|c| c.starts_with(&want)),
                        "{book}/{name}:{}: the figure needs the caption {want}…* two lines below",
                        i + 1
                    );
                }
            }
        }
    }
}
