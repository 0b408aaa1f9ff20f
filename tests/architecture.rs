//! What ARCHITECTURE.md promises about the source's shape, checked on the source itself:
//! - the library flows one way, source → decode → tcp → ports → findings → analysis → report:
//!   no module imports one downstream of it;
//! - no two files import each other (a pair that does lacks a home of its own);
//! - comments say why the code is as it is, not which work item made it: none names an issue.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file: `src/ports/pool.rs` → ["ports", "pool"], `src/ports/mod.rs` →
/// ["ports"]; the binary's files (main.rs, cli/, app/) are under ["bin"].
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    if parts
        .first()
        .is_some_and(|p| p == "main" || p == "cli" || p == "app")
    {
        if parts == ["main"] {
            parts.clear();
        }
        parts.insert(0, "bin".into());
    }
    parts
}

/// The file a module path names, trimmed from the right until one exists (`crate::ports::Phase`
/// → src/ports/mod.rs).
fn file_of(module: &[String], files: &BTreeMap<Vec<String>, PathBuf>) -> Option<PathBuf> {
    (1..=module.len())
        .rev()
        .find_map(|n| files.get(&module[..n]).cloned())
}

/// Every path a file names: `crate::a::b`, `super::a`, `portlife::a` (from the binary), in `use`
/// lines and in code, with `{…}` groups of `use` lines opened one level.
fn imports(file: &Path, text: &str) -> BTreeSet<Vec<String>> {
    let me = module_of(file);
    let in_bin = me.first().is_some_and(|m| m == "bin");
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    for (start, _) in code.match_indices(['c', 's', 'p']) {
        let rest = &code[start..];
        let (root, after) = if let Some(r) = rest.strip_prefix("crate::") {
            (Root::Crate, r)
        } else if let Some(r) = rest.strip_prefix("super::") {
            (Root::Super, r)
        } else if let Some(r) = rest.strip_prefix("portlife::") {
            (Root::Lib, r)
        } else {
            continue;
        };
        // Inside a longer path (`x_crate::`, `super::super::`): that path was read whole.
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        if code[..start].ends_with("::") {
            continue;
        }
        // super::super:: chains.
        let mut ups = usize::from(root == Root::Super);
        let mut after = after;
        while let Some(r) = after.strip_prefix("super::") {
            ups += 1;
            after = r;
        }
        let mut base: Vec<String> = match root {
            Root::Crate if in_bin => vec!["bin".into()],
            Root::Crate | Root::Lib => Vec::new(),
            Root::Super => {
                // A module's `super` is its parent, whether it is a file or a mod.rs.
                let mut m = me.clone();
                for _ in 0..ups {
                    m.pop();
                }
                m
            }
        };
        let mut found = Vec::new();
        paths_in(after, &mut Vec::new(), &mut found);
        for p in found {
            let mut m = base.clone();
            m.extend(p);
            out.insert(m);
        }
        base.clear();
    }
    out
}

/// The module paths a use tree names (`a::b::{c, d::e}` → a::b::c, a::b::d::e): lowercase
/// segments only (a type or a function ends the module part).
fn paths_in(text: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut rest = text;
    let depth_at_start = prefix.len();
    loop {
        let seg: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if let Some(body) = rest.strip_prefix('{') {
            // Split the group's items at its top level and read each under the prefix.
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths_in(body[item_start..i].trim(), prefix, out);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths_in(body[item_start..i].trim(), prefix, out);
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
            break;
        }
        if seg.is_empty() || !seg.starts_with(|c: char| c.is_lowercase()) || seg == "self" {
            out.push(prefix.clone());
            break;
        }
        prefix.push(seg.clone());
        rest = &rest[seg.len()..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => {
                out.push(prefix.clone());
                break;
            }
        }
    }
    prefix.truncate(depth_at_start);
}

#[derive(PartialEq, Clone, Copy)]
enum Root {
    Crate,
    Super,
    Lib,
}

#[test]
fn no_two_files_import_each_other() {
    let mut list = Vec::new();
    rust_files(&src(), &mut list);
    let files: BTreeMap<Vec<String>, PathBuf> =
        list.iter().map(|f| (module_of(f), f.clone())).collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for f in &list {
        // Test files sit beside what they test and import it: not a cycle of the design.
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("tests") || name.ends_with("_tests.rs") || name == "testutil.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Only the code before a file's own `mod tests` counts.
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for m in imports(f, text) {
            if let Some(to) = file_of(&m, &files) {
                if &to != f {
                    edges.entry(f.clone()).or_default().insert(to);
                }
            }
        }
    }
    let mut cycles = Vec::new();
    for (a, tos) in &edges {
        for b in tos {
            if a < b && edges.get(b).is_some_and(|t| t.contains(a)) {
                let rel = |p: &PathBuf| p.strip_prefix(src()).unwrap().display().to_string();
                cycles.push(format!("{} <-> {}", rel(a), rel(b)));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "files that import each other:\n  {}",
        cycles.join("\n  ")
    );
}

#[test]
fn no_comment_names_an_issue() {
    let mut list = Vec::new();
    rust_files(&src(), &mut list);
    let mut found = Vec::new();
    for f in &list {
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let Some(at) = line.find("//") else { continue };
            let comment = line[at..].to_ascii_lowercase();
            let names_issue = comment.match_indices("issue").any(|(j, _)| {
                let after = comment[j + 5..].trim_start_matches([' ', '-', '#']);
                after.starts_with(|c: char| c.is_ascii_digit())
            });
            if names_issue {
                found.push(format!(
                    "{}:{}: {}",
                    f.strip_prefix(src()).unwrap().display(),
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "comments naming issues (say why, not which work item):\n  {}",
        found.join("\n  ")
    );
}

/// Each library module's place in the data flow (ARCHITECTURE.md, "Bird's-eye view"): a module may
/// import only modules of a lower rank. `i18n` and `decode` depend on nothing.
const RANKS: &[(&str, u8)] = &[
    ("cores", 0),
    ("prefault", 0),
    ("json", 1),
    ("i18n", 0),
    ("decode", 0),
    ("source", 1),
    ("defrag", 1),
    ("sanitize", 1),
    ("stats", 2),
    ("synth", 2),
    ("tcp", 2),
    ("ports", 3),
    ("findings", 4),
    ("analysis", 5),
    ("report", 6),
    ("tour", 7),
];

#[test]
fn the_core_flows_one_way() {
    let mut list = Vec::new();
    rust_files(&src(), &mut list);
    let rank = |m: &str| RANKS.iter().find(|(n, _)| *n == m).map(|x| x.1);
    let mut back = BTreeSet::new();
    for f in &list {
        let me = module_of(f);
        let Some(top) = me.first().filter(|m| *m != "bin") else {
            continue;
        };
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("tests") || name.ends_with("_tests.rs") || name == "testutil.rs" {
            continue;
        }
        let my_rank = rank(top).unwrap_or_else(|| panic!("module {top} has no rank in RANKS"));
        let text = std::fs::read_to_string(f).unwrap();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for m in imports(f, text) {
            let Some(to) = m.first() else { continue };
            if to == top {
                continue;
            }
            if let Some(r) = rank(to) {
                if r >= my_rank {
                    back.insert(format!("{top} -> {to} ({})", module_of(f).join("::")));
                }
            }
        }
    }
    assert!(
        back.is_empty(),
        "imports against the data flow:\n  {}",
        back.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

/// The library's files with their text before any `mod tests` (test code may do what the
/// library does not: print, spawn, read files).
fn library_code() -> Vec<(PathBuf, String)> {
    let mut list = Vec::new();
    rust_files(&src(), &mut list);
    list.into_iter()
        .filter(|f| module_of(f).first().is_some_and(|m| m != "bin"))
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            !(name.starts_with("tests") || name.ends_with("_tests.rs") || name == "testutil.rs")
        })
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap().to_string();
            (f, code)
        })
        .collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(src()).unwrap().display().to_string()
}

/// Code lines (not comments) of `code` containing any of `needles`.
fn lines_with(code: &str, needles: &[&str]) -> Vec<String> {
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| needles.iter().any(|n| l.contains(n)))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn the_library_has_no_gui_dependency() {
    let mut found = Vec::new();
    for (f, code) in library_code() {
        for l in lines_with(&code, &["egui", "eframe", "rfd::"]) {
            found.push(format!("{}: {l}", rel(&f)));
        }
    }
    assert!(
        found.is_empty(),
        "GUI code in the library:\n  {}",
        found.join("\n  ")
    );
    let manifest =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    for dep in ["eframe", "egui ", "egui_extras", "egui_plot", "rfd"] {
        let line = manifest
            .lines()
            .find(|l| l.starts_with(dep))
            .unwrap_or_else(|| panic!("{dep} not in Cargo.toml"));
        assert!(
            line.contains("optional = true"),
            "{dep} must be optional: {line}"
        );
    }
}

#[test]
fn the_library_never_prints() {
    let mut found = Vec::new();
    for (f, code) in library_code() {
        for l in lines_with(&code, &["println!", "print!(", "dbg!("]) {
            found.push(format!("{}: {l}", rel(&f)));
        }
    }
    assert!(
        found.is_empty(),
        "the library returns what it found; the CLI and the app print it:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn threads_start_only_in_the_cores_module() {
    let allowed = ["cores.rs"];
    let mut found = Vec::new();
    for (f, code) in library_code() {
        if allowed.contains(&rel(&f).as_str()) {
            continue;
        }
        for l in lines_with(
            &code,
            &[
                "thread::spawn",
                "thread::scope",
                "thread::Builder",
                "rayon::",
            ],
        ) {
            found.push(format!("{}: {l}", rel(&f)));
        }
    }
    assert!(
        found.is_empty(),
        "threads outside the pipeline's schedule:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn the_pool_thresholds_have_one_home() {
    let mut defined = Vec::new();
    let mut stray = Vec::new();
    let mut list = Vec::new();
    rust_files(&src(), &mut list);
    for f in &list {
        let text = std::fs::read_to_string(f).unwrap();
        for l in lines_with(&text, &["const WARNING_PCT", "const CRITICAL_PCT"]) {
            defined.push(format!("{}: {l}", rel(f)));
        }
        for l in lines_with(&text, &["60.0", "80.0"]) {
            let about = ["pct", "PCT", "threshold"].iter().any(|w| l.contains(w));
            if about && !l.contains("const ") {
                stray.push(format!("{}: {l}", rel(f)));
            }
        }
    }
    assert_eq!(defined.len(), 2, "{defined:#?}");
    assert!(
        defined.iter().all(|d| d.starts_with("ports/occupancy.rs")),
        "{defined:#?}"
    );
    assert!(stray.is_empty(), "a threshold written again: {stray:#?}");
}

#[test]
fn every_key_of_the_json_report_is_in_its_schema() {
    let root = env!("CARGO_MANIFEST_DIR");
    let snap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/tests/snapshots/report_small.json")).unwrap(),
    )
    .unwrap();
    let doc = std::fs::read_to_string(format!("{root}/docs/report-json.md")).unwrap();
    // Maps whose keys are data (link type names, protocol labels, evidence names, …).
    const DATA_KEYS: &[&str] = &[
        "link_types",
        "protocols",
        "encapsulations",
        "not_decoded",
        "evidence",
    ];
    fn walk(v: &serde_json::Value, parent: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if !DATA_KEYS.contains(&parent) {
                        out.insert(k.clone());
                    }
                    walk(x, k, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, parent, out)),
            _ => {}
        }
    }
    let mut keys = BTreeSet::new();
    walk(&snap, "", &mut keys);
    let named = |k: &str| {
        doc.match_indices(k).any(|(i, _)| {
            let before = doc[..i].chars().next_back();
            let after = doc[i + k.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !word(before) && !word(after)
        })
    };
    let missing: Vec<&String> = keys.iter().filter(|k| !named(k)).collect();
    assert!(
        missing.is_empty(),
        "JSON keys docs/report-json.md does not describe: {missing:?}"
    );
}

/// ARCHITECTURE.md states each invariant on a line starting `**Architecture Invariant:**` and
/// ending with the test that checks it, `(checked: tests/FILE.rs::name)`; that test must exist.
#[test]
fn every_stated_invariant_names_a_test_that_exists() {
    let root = env!("CARGO_MANIFEST_DIR");
    let arch = std::fs::read_to_string(format!("{root}/ARCHITECTURE.md")).unwrap();
    let mut problems = Vec::new();
    let mut count = 0;
    for para in arch.split("\n\n") {
        let para = para.replace('\n', " ");
        let Some(at) = para
            .find("**Architecture Invariant:**")
            .filter(|&at| para[..at].trim().is_empty())
        else {
            continue;
        };
        count += 1;
        let stated = &para[at..];
        let Some(checked) = stated.split("(checked: ").nth(1) else {
            problems.push(format!("no `(checked: …)`: {stated}"));
            continue;
        };
        for check in checked.split(')').next().unwrap().split(", ") {
            let check = check.trim_matches('`');
            let Some((file, name)) = check.split_once("::") else {
                problems.push(format!("not FILE::name: {check}"));
                continue;
            };
            let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap_or_default();
            if !text.contains(&format!("fn {name}(")) {
                problems.push(format!("{check}: no such test"));
            }
        }
    }
    assert!(count >= 8, "only {count} invariants stated");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The app's files that are not a view's panel: its models, the open capture and its loading,
/// the app's state, and the tests (which look at everything).
fn reads_the_core_model(f: &Path) -> bool {
    let name = f.file_name().unwrap().to_string_lossy();
    let rel = rel(f);
    name == "model.rs"
        || name.starts_with("tests")
        || name == "book_shots.rs"
        || [
            "app/mod.rs",
            "app/state.rs",
            "app/loaded.rs",
            "app/loader.rs",
            "app/derived.rs",
            "app/live/child.rs",
        ]
        .contains(&rel.as_str())
}

#[test]
fn panels_read_the_capture_only_through_their_models() {
    let mut list = Vec::new();
    rust_files(&src().join("app"), &mut list);
    let mut found = Vec::new();
    for f in list.iter().filter(|f| !reads_the_core_model(f)) {
        let text = std::fs::read_to_string(f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let needles = [
            "capture.connections",
            "capture.udp_flows",
            ".connections.get(",
            ".connections[",
            "derived.model.spans",
            "derived.model.rows",
            "model.spans[",
        ];
        for l in lines_with(code, &needles) {
            found.push(format!("{}: {l}", rel(f)));
        }
    }
    assert!(
        found.is_empty(),
        "panels reading the capture past their model:\n  {}",
        found.join("\n  ")
    );
}
