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

/// Each library module's place in the data flow (ARCHITECTURE.md, "Data flow"): a module may
/// import only modules of a lower rank. `i18n` and `decode` depend on nothing.
const RANKS: &[(&str, u8)] = &[
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
