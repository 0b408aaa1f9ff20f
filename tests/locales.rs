//! The Fluent resources (`locales/*/*.ftl`) against the code that names their messages and
//! against the book's glossary: every id the code uses exists, every message is used, and the
//! Chinese uses the glossary's terms. (Each language having every English message with the same
//! variables, no empty text and full-width punctuation beside Chinese is
//! `portlife::i18n::resource_problems`, checked by the library's own tests.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use portlife::findings::FindingKind;
use portlife::i18n::{english_ids, messages_of, resource_problems, Lang, RESOURCE_FILES};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out
}

/// The string literals of a Rust source that name a message: the literal second argument of
/// each `tr!(` and every literal shaped like an id (`report-tcp-connections`) whose first word
/// is the first word of some message (`report`, `finding`, `toolbar`…), which is how the code
/// keeps ids it passes on (a table's outcome, a detail's label).
fn ids_named_in(source: &str, prefixes: &BTreeSet<String>) -> BTreeSet<String> {
    // Comments may quote a call to show its form.
    let code: Vec<&str> = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let joined = code.join("\n");
    let source = joined.as_str();
    let mut out: BTreeSet<String> = portlife::i18n::literals_passed_to(source, "tr!")
        .into_iter()
        .collect();
    let mut rest = source;
    while let Some(i) = rest.find('"') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('"') else { break };
        let lit = &after[..j];
        let shaped = !lit.is_empty()
            && lit.split('-').count() > 1
            && lit
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        // egui's ids of widgets and plots are names of another kind.
        let before = &source[..source.len() - rest.len() + i];
        let widget_id = [
            "id_salt(",
            "id_salt((",
            "Id::new(",
            "Id::unique(",
            "Plot::new(",
            ".with(",
            ".with((",
        ]
        .iter()
        .any(|f| before.trim_end().ends_with(f));
        if shaped && !widget_id && lit.split('-').next().is_some_and(|p| prefixes.contains(p)) {
            out.insert(lit.to_string());
        }
        rest = &after[j + 1..];
    }
    out
}

/// The ids the code names that no English message has, file by file.
fn missing_ids(files: &[(PathBuf, String)], known: &BTreeSet<String>) -> Vec<String> {
    let prefixes: BTreeSet<String> = known
        .iter()
        .filter_map(|id| id.split('-').next().map(str::to_string))
        .collect();
    let mut missing = Vec::new();
    for (path, text) in files {
        for id in ids_named_in(text, &prefixes) {
            if !known.contains(&id) {
                missing.push(format!("{}: {id}", path.display()));
            }
        }
    }
    missing
}

/// The ids the code builds instead of writing them out.
fn built_ids() -> BTreeSet<String> {
    FindingKind::ALL
        .iter()
        .flat_map(|k| ["title", "explanation", "advice", "plural"].map(|p| k.message(p)))
        .collect()
}

#[test]
fn every_message_the_code_names_exists() {
    let known = english_ids();
    let files = sources(&root().join("src"));
    assert!(files.len() > 50, "only {} source files found", files.len());
    assert_eq!(missing_ids(&files, &known), Vec::<String>::new());
    for id in built_ids() {
        assert!(known.contains(&id), "{id} is built by the code but missing");
    }
}

/// The scan above fails on an id the resources lack, whether it is passed to `tr!` or kept as
/// a literal for later.
#[test]
fn the_scan_finds_an_id_that_is_missing() {
    let known: BTreeSet<String> = ["report-tcp-connections".to_string()].into();
    let src = r#"let a = tr!(lang, "report-tcp-connections", count = n);
        let b = tr!(
            lang,
            "report-no-such-heading"
        );
        let facts = [("report-no-such-label", 1)];
        let plain = "not-an-id because of spaces";"#;
    let files = vec![(PathBuf::from("x.rs"), src.to_string())];
    assert_eq!(
        missing_ids(&files, &known),
        vec![
            "x.rs: report-no-such-heading".to_string(),
            "x.rs: report-no-such-label".to_string()
        ]
    );
}

/// A message no code names is dead text a translator would translate for nothing.
#[test]
fn every_message_is_used() {
    let known = english_ids();
    let prefixes: BTreeSet<String> = known
        .iter()
        .filter_map(|id| id.split('-').next().map(str::to_string))
        .collect();
    let mut used = built_ids();
    for (_, text) in sources(&root().join("src")) {
        used.extend(ids_named_in(&text, &prefixes));
    }
    let unused: Vec<&String> = known.iter().filter(|id| !used.contains(*id)).collect();
    assert!(unused.is_empty(), "messages no code names: {unused:?}");
}

#[test]
fn resources_have_no_problems() {
    assert_eq!(resource_problems(), Vec::<String>::new());
}

/// The texts of every message of `lang`, text outside placeables only (a variable's value is
/// not the resource's wording), with their ids.
fn texts(lang: Lang) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for text in lang.info().resources {
        for m in messages_of(text).unwrap() {
            out.push((m.id.clone(), m.texts.join(" ")));
        }
    }
    out
}

/// The zh-TW resources use the glossary's terms (book/zh-TW/src/appendix-b-glossary.md): where
/// the English says one of its terms, the Chinese says the glossary's word for it, and none of
/// the words the glossary rejects (mainland forms, 「客戶端」 for client…) appears.
#[test]
fn zh_tw_uses_the_glossary_terms() {
    let glossary =
        std::fs::read_to_string(root().join("book/zh-TW/src/appendix-b-glossary.md")).unwrap();
    // (English term, its Chinese words in the glossary: any one of them).
    let terms: &[(&str, &[&str])] = &[
        ("ephemeral", &["臨時埠"]),
        ("4-tuple", &["四元組"]),
        ("firewall", &["防火牆"]),
        ("retransmi", &["重傳"]),
        ("kernel", &["核心"]),
        ("occupancy", &["占用"]),
        ("timeline", &["時間軸"]),
        ("ladder", &["階梯圖"]),
        ("socket", &["socket"]),
        ("timeout", &["逾時"]),
        ("handshake", &["握手", "交握"]),
        ("TIME-WAIT", &["TIME-WAIT"]),
        ("keep-alive", &["keep-alive"]),
    ];
    for (_, words) in terms {
        for w in *words {
            assert!(glossary.contains(w), "{w} is not in the glossary");
        }
    }
    let rejected = [
        "端口",
        "客戶端",
        "數據",
        "服務器",
        "默認",
        "信息",
        "套接字",
        "世代",
        "超時",
        "網絡",
    ];
    let en: std::collections::BTreeMap<String, String> = texts(Lang::En).into_iter().collect();
    let mut problems = Vec::new();
    for (id, zh) in texts(Lang::ZhTw) {
        let english = en.get(&id).cloned().unwrap_or_default();
        for (term, words) in terms {
            if english.contains(term) && !words.iter().any(|w| zh.contains(w)) {
                problems.push(format!("{id}: says {term:?} without {words:?}: {zh}"));
            }
        }
        for r in rejected {
            if zh.contains(r) {
                problems.push(format!("{id}: {r:?} is not the glossary's word: {zh}"));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

/// No Chinese message is the English one left untranslated (names and numbers alone may be).
#[test]
fn zh_tw_translates_every_message() {
    let en: std::collections::BTreeMap<String, String> = texts(Lang::En).into_iter().collect();
    // Texts that are the same in both languages by nature: a separator, a bare placeholder.
    let same: Vec<(String, String)> = texts(Lang::ZhTw)
        .into_iter()
        .filter(|(id, zh)| en.get(id) == Some(zh))
        .filter(|(_, zh)| zh.chars().any(|c| c.is_ascii_alphabetic()))
        .collect();
    assert_eq!(same, Vec::<(String, String)>::new());
}

/// Every language has the resource files every other has.
#[test]
fn every_language_has_every_resource_file() {
    for lang in Lang::ALL {
        for file in RESOURCE_FILES {
            let path = root().join("locales").join(lang.tag()).join(file);
            assert!(path.is_file(), "{} missing", path.display());
        }
    }
}
