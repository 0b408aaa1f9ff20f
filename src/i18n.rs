//! Languages of the human-readable output: English and Traditional Chinese (zh-TW).
//!
//! One mechanism for the CLI report and the app: a text is written in English in the code, and
//! [`lookup`] finds its translation in a [`Catalog`] — a static table of (English, zh-TW) pairs.
//! Texts with numbers are templates whose `{}` placeholders [`fill`] replaces in order, so the
//! translation may move them. A text missing from the catalog falls back to English; tests check
//! that every text the code passes exists in its catalog with a non-empty translation that has
//! the same placeholders. JSON output is never translated (field names and values are an API).
//!
//! The term choices (臨時埠, 四元組, 連線, 用戶端, TIME-WAIT kept as is, …) are fixed by the
//! glossary of the Chinese book, `book/zh-TW/src/appendix-b-glossary.md`.

use std::fmt::Display;
use std::str::FromStr;

/// A language of the human-readable output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the language the code is written in.
    #[default]
    En,
    /// Traditional Chinese as used in Taiwan.
    ZhTw,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// The BCP 47 tag: `en` or `zh-TW` (what `--lang` accepts).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhTw => "zh-TW",
        }
    }

    /// The language's name in itself, for a language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhTw => "繁體中文",
        }
    }

    /// The language a POSIX locale value names (`zh_TW.UTF-8`, `zh_TW`, `zh-TW`, `zh_Hant`…);
    /// any other locale is English, the only other language there is.
    pub fn from_locale(value: &str) -> Lang {
        let v = value.to_ascii_lowercase().replace('-', "_");
        if v.starts_with("zh_tw") || v.starts_with("zh_hant") {
            Lang::ZhTw
        } else {
            Lang::En
        }
    }

    /// The system default: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG` (POSIX precedence).
    pub fn from_env() -> Lang {
        Lang::from_env_vars(|k| std::env::var(k).ok())
    }

    /// [`Lang::from_env`] over any variable source (testable without touching the process).
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(get)
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }
}

/// `--lang` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: use en or zh-TW")]
pub struct LangParseError(pub String);

impl FromStr for Lang {
    type Err = LangParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "zh-tw" | "zh-hant" | "zh-hant-tw" => Ok(Lang::ZhTw),
            _ => Err(LangParseError(s.to_string())),
        }
    }
}

/// A table of (English text, zh-TW translation) pairs.
pub type Catalog = &'static [(&'static str, &'static str)];

/// `english` in `lang`, from `catalog`; English (the key itself) when missing.
pub fn lookup(catalog: Catalog, lang: Lang, english: &'static str) -> &'static str {
    match lang {
        Lang::En => english,
        Lang::ZhTw => catalog
            .iter()
            .find(|(en, _)| *en == english)
            .map_or(english, |(_, zh)| zh),
    }
}

/// English whose `word(s)` endings take the form their count asks for: the nearest number
/// before each one decides (`1 connection(s)` → `1 connection`, `0 port(s)` → `0 ports`). An
/// ending with no number before it, and a `(s)` standing alone (`time (s)`: seconds), stay as
/// written. Texts in other languages have no such endings and pass through unchanged.
pub fn english_counts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut count: Option<u64> = None;
    let mut word = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let attached = word.chars().last().is_some_and(char::is_alphabetic);
        if attached && rest.starts_with("(s)") {
            match count {
                Some(1) => {}
                Some(_) => out.push('s'),
                None => out.push_str("(s)"),
            }
            rest = &rest[3..];
            continue;
        }
        if c.is_whitespace() {
            if !word.is_empty() && word.chars().all(|d| d.is_ascii_digit()) {
                count = word.parse().ok().or(Some(2));
            }
            word.clear();
        } else {
            word.push(c);
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `template` with each `{}` replaced by the next of `args` (extra placeholders stay as they are),
/// English `(s)` endings resolved by their counts ([`english_counts`]).
pub fn fill(template: &str, args: &[&dyn Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut args = args.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        match args.next() {
            Some(a) => out.push_str(&a.to_string()),
            None => out.push_str("{}"),
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    if template.contains("(s)") {
        english_counts(&out)
    } else {
        out
    }
}

/// Problems of a catalog: empty or untranslated entries, placeholder counts that differ, keys
/// listed twice. Empty when the catalog is complete (what the tests assert).
pub fn catalog_problems(catalog: Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (en, zh) in catalog {
        if !seen.insert(*en) {
            problems.push(format!("listed twice: {en:?}"));
        }
        if zh.trim().is_empty() {
            problems.push(format!("no zh-TW for {en:?}"));
        }
        if en.matches("{}").count() != zh.matches("{}").count() {
            problems.push(format!("placeholders differ: {en:?} / {zh:?}"));
        }
    }
    problems
}

/// A Han character or a full-width punctuation mark: what a half-width mark may not stand
/// beside (the rule of the Chinese book's test, `tests/book.rs`).
pub fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// The half-width `,;:?!()` of a zh-TW text that stand beside Chinese, in order: Taiwanese prose
/// writes them ，；：？！（）. The rule is the Chinese book's
/// (`tests/book.rs`, `zh_tw_prose_uses_full_width_punctuation`): code in backticks and a name
/// with its arguments (`connect()`, `tcp(4)`) are not prose; a mark's neighbours are the nearest
/// characters that are not a space, `*` or `_`; a colon before a digit belongs to an address or a
/// time (`10.0.0.2:54321`, `12:30`); a mark is wrong when a neighbour is [`is_cjk`].
pub fn half_width_beside_chinese(text: &str) -> Vec<char> {
    let mut s = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // `connect()`, `tcp(4)`: a function or a manual page named in the text, not punctuation
        if c.is_ascii_alphanumeric() {
            if let Some(inner) = rest[1..].strip_prefix('(') {
                if let Some(j) = inner.find(')') {
                    if inner[..j].chars().all(|d| d.is_ascii_alphanumeric()) {
                        s.push(c);
                        s.push_str("  ");
                        rest = &inner[j + 1..];
                        continue;
                    }
                }
            }
        }
        if c == '`' {
            if let Some(j) = rest[1..].find('`') {
                rest = &rest[1 + j + 1..];
                s.push(' ');
                continue;
            }
        }
        s.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let chars: Vec<char> = s.chars().collect();
    let mut bad = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if !",;:?!()".contains(c) {
            continue;
        }
        let skip = |c: &&char| **c != ' ' && **c != '*' && **c != '_';
        let prev = chars[..i].iter().rev().find(skip).copied();
        let next = chars[i + 1..].iter().find(skip).copied();
        // `10.0.0.2:54321`, `10:00:00`: a colon before a digit is part of an address or a time.
        if c == ':' && next.is_some_and(|d| d.is_ascii_digit()) {
            continue;
        }
        if prev.is_some_and(is_cjk) || next.is_some_and(is_cjk) {
            bad.push(c);
        }
    }
    bad
}

/// The translations of `catalog` with half-width punctuation beside Chinese
/// ([`half_width_beside_chinese`]). Empty when every one writes ，；：？！（） (what the tests
/// assert).
pub fn punctuation_problems(catalog: Catalog) -> Vec<String> {
    catalog
        .iter()
        .filter_map(|(en, zh)| {
            let bad = half_width_beside_chinese(zh);
            (!bad.is_empty()).then(|| format!("{bad:?} beside Chinese in {zh:?} (for {en:?})"))
        })
        .collect()
}

/// The string literals passed as the second argument of `call(` in a Rust source text, e.g. every
/// `"…"` in `tr(lang, "…")`. Lets a test prove that every text the code looks up is in its
/// catalog. A call whose arguments hold no string literal (a variable, `o.describe()`) is skipped.
pub fn literals_passed_to(source: &str, call: &str) -> Vec<String> {
    let mut out = Vec::new();
    let pat = format!("{call}(");
    for (i, _) in source.match_indices(&pat) {
        // A longer identifier ending in `call` (e.g. `str` for `tr`) is another function.
        if source[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let args = &source[i + pat.len()..];
        // The first literal among the arguments (rustfmt may put it on a later line); a `)` or
        // `;` before any quote means the call has no literal argument.
        let Some(q) = args
            .find(['"', ')', ';'])
            .filter(|&q| args[q..].starts_with('"'))
        else {
            continue;
        };
        let mut lit = String::new();
        let mut chars = args[q + 1..].chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => lit.push('\n'),
                    Some(o) => lit.push(o),
                    None => {}
                },
                '"' => break,
                c => lit.push(c),
            }
        }
        out.push(lit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_values_pick_the_language() {
        assert_eq!(Lang::from_locale("zh_TW.UTF-8"), Lang::ZhTw);
        assert_eq!(Lang::from_locale("zh-TW"), Lang::ZhTw);
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
        let env = |vars: &'static [(&'static str, &'static str)]| {
            Lang::from_env_vars(move |k| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(env(&[("LANG", "zh_TW.UTF-8")]), Lang::ZhTw);
        // LC_ALL overrides LANG; an empty LC_ALL does not count.
        assert_eq!(env(&[("LC_ALL", "C"), ("LANG", "zh_TW.UTF-8")]), Lang::En);
        assert_eq!(env(&[("LC_ALL", ""), ("LANG", "zh_TW.UTF-8")]), Lang::ZhTw);
        assert_eq!(env(&[]), Lang::En);
    }

    #[test]
    fn lang_parses_its_tags() {
        for l in Lang::ALL {
            assert_eq!(l.tag().parse::<Lang>(), Ok(l));
        }
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn english_counts_take_their_number() {
        assert_eq!(
            english_counts("1 connection(s) refused"),
            "1 connection refused"
        );
        assert_eq!(
            english_counts("20 connection(s) refused"),
            "20 connections refused"
        );
        assert_eq!(english_counts("0 port(s)"), "0 ports");
        assert_eq!(
            english_counts("TIME-WAIT: 1 client port(s), 3 server socket(s)"),
            "TIME-WAIT: 1 client port, 3 server sockets"
        );
        assert_eq!(
            english_counts("2 UDP exchange(s) with 10.0.0.1:53"),
            "2 UDP exchanges with 10.0.0.1:53"
        );
        assert_eq!(english_counts("time (s)"), "time (s)");
        assert_eq!(
            english_counts("connection(s) of the finding"),
            "connection(s) of the finding"
        );
        assert_eq!(
            english_counts("1 TIME-WAIT(s) of 10.0.0.2"),
            "1 TIME-WAIT of 10.0.0.2"
        );
        assert_eq!(
            fill("{} attempt(s) to {}", &[&1, &"10.0.0.5:80"]),
            "1 attempt to 10.0.0.5:80"
        );
        assert_eq!(english_counts("用戶端埠（秒）"), "用戶端埠（秒）");
    }

    #[test]
    fn lookup_and_fill() {
        const C: Catalog = &[("{} ports", "{} 個埠")];
        assert_eq!(fill(lookup(C, Lang::ZhTw, "{} ports"), &[&3]), "3 個埠");
        assert_eq!(fill(lookup(C, Lang::En, "{} ports"), &[&3]), "3 ports");
        assert_eq!(lookup(C, Lang::ZhTw, "missing"), "missing");
        assert!(catalog_problems(C).is_empty());
        assert_eq!(catalog_problems(&[("{} a", "甲"), ("b", " ")]).len(), 2);
    }

    #[test]
    fn half_width_punctuation_beside_chinese_is_found() {
        // zh-punct-check: off (scripts/zh-punct-check.py: these are meant to be found)
        assert_eq!(half_width_beside_chinese("格式:{}"), vec![':']);
        assert_eq!(half_width_beside_chinese("(尚無)"), vec!['(', ')']);
        assert_eq!(half_width_beside_chinese("連線 , 埠?"), vec![',', '?']);
        // English in parentheses beside Chinese, and a mark beside a full-width one.
        assert_eq!(half_width_beside_chinese("歷程(Zeek)"), vec!['(']);
        assert_eq!(half_width_beside_chinese("秒（Linux (modern)）"), vec![')']);
        assert_eq!(
            half_width_beside_chinese("找 `tcp_tw_recycle`:它"),
            vec![':']
        );
        for fine in [
            "格式：{}（埠 {}–{}），時間 {}；好？是！",
            "連到 10.0.0.2:54321，在 12:30 時",
            "TCP 連線:500",
            "connect() 失敗，tcp(4) 說明",
            "用 `sysctl -w net.ipv4.ip_local_port_range=\"15000 64001\"` 設定",
            "{}:{}，假設為 Linux (modern)",
            "1,000 個埠",
            "{pct:.0} %",
        ] {
            assert_eq!(
                half_width_beside_chinese(fine),
                Vec::<char>::new(),
                "{fine}"
            );
        }
        assert_eq!(
            punctuation_problems(&[("a: {}", "甲：{}"), ("b: {}", "乙:{}")]).len(),
            1
        );
        // zh-punct-check: on
    }

    /// The report's texts (the app's are checked in `app::i18n`, the findings' in
    /// `tests/report_lang.rs`) write Chinese punctuation full-width, as the book does.
    #[test]
    fn zh_tw_catalogs_use_full_width_punctuation() {
        use crate::report::summary::{PROFILE_NOTE, REPORT};
        for catalog in [REPORT, PROFILE_NOTE] {
            assert_eq!(punctuation_problems(catalog), Vec::<String>::new());
        }
    }

    #[test]
    fn literals_are_found_in_source() {
        let src = "let a = tr(lang, \"one {}\");\nlet b = str(\"no\"); t(x, \"q\\\"\")\n\
                   tr(\n  lang,\n  \"two\"); tr(lang, o.describe()); f(\"x\")";
        assert_eq!(literals_passed_to(src, "tr"), vec!["one {}", "two"]);
        assert_eq!(literals_passed_to(src, "t"), vec!["q\"".to_string()]);
    }
}
