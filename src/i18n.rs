//! Languages of the human-readable output: English, Traditional Chinese (zh-TW) and a
//! pseudo-locale that shows which texts come from the resources.
//!
//! Every text a person reads in the CLI report, the findings and the app is a message of a
//! [Project Fluent](https://projectfluent.org) resource, one folder per language under
//! `locales/` (`locales/en/*.ftl`, `locales/zh-TW/*.ftl`), embedded in the binary with
//! `include_str!` (the web build has them too; nothing is read at run time). The code names a
//! message by an id that says what the text is for and passes its variables by name:
//! [`tr!`](crate::tr)`(lang, "report-tcp-connections", count = n)`. Plurals and any other
//! wording that depends on a number are the resource's business (Fluent's selectors, CLDR plural
//! rules: English has one/other, Chinese only other), so the code never writes "(s)".
//!
//! Numbers that are already formatted (`12.5 %`, `1.5 ms`, six decimals) are passed as text, so
//! the output is the same bytes `format!` wrote; a count that chooses a plural is passed as a
//! number. A message missing in one language falls back to English, then to its id; tests check
//! that neither happens ([`resource_problems`], and the scan of the sources for the ids they use).
//! JSON output is never translated (field names and values are an API).
//!
//! The term choices (臨時埠, 四元組, 連線, 用戶端, TIME-WAIT kept as is, …) are fixed by the
//! glossary of the Chinese book, `book/zh-TW/src/appendix-b-glossary.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
/// A language of the human-readable output.
///
/// Adding one is adding its resources (`locales/TAG/`, the files of [`RESOURCE_FILES`]) and a
/// variant here with its row in [`Lang::info`]; the tests then hold the new resources to the
/// English ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the language the code is written in.
    #[default]
    En,
    /// Traditional Chinese as used in Taiwan.
    ZhTw,
    /// English with every message wrapped in brackets (`[TCP connections: 500]`), made from
    /// the English resources when first used: text on screen without brackets did not come from
    /// the resources. Not in [`Lang::ALL`] (no menu offers it); `--lang en-XA` chooses it.
    Pseudo,
}

/// What a language is, beside its resources.
pub struct LangInfo {
    /// The BCP 47 tag (`zh-TW`): the folder of its resources and what `--lang` accepts.
    pub tag: &'static str,
    /// Its name in itself, for a language menu.
    pub native_name: &'static str,
    /// Other spellings `--lang` accepts (lower case, `-` not `_`).
    pub aliases: &'static [&'static str],
    /// POSIX locale values (lower case, `_`) that choose it by their start.
    pub locales: &'static [&'static str],
    /// The text of each file of [`RESOURCE_FILES`], in that order.
    pub resources: [&'static str; RESOURCE_FILES.len()],
    /// The folder of its book under `book/`, or `None` where the English book is the one to
    /// read (`book/zh-TW/`: `Some("zh-TW")`).
    pub book: Option<&'static str>,
    /// Written with Han characters, which egui's own fonts lack (the app then loads a CJK font).
    pub needs_cjk_font: bool,
}

/// The resource files of every language, under `locales/TAG/`: the report's texts, the
/// findings', the app's.
pub const RESOURCE_FILES: [&str; 3] = ["report.ftl", "findings.ftl", "app.ftl"];

/// The resources of one language, embedded: `resources!("zh-TW")`.
macro_rules! resources {
    ($tag:literal) => {
        [
            include_str!(concat!("../locales/", $tag, "/report.ftl")),
            include_str!(concat!("../locales/", $tag, "/findings.ftl")),
            include_str!(concat!("../locales/", $tag, "/app.ftl")),
        ]
    };
}

const EN: LangInfo = LangInfo {
    tag: "en",
    native_name: "English",
    aliases: &["en-us", "en-gb", "english"],
    locales: &[],
    resources: resources!("en"),
    book: None,
    needs_cjk_font: false,
};

const ZH_TW: LangInfo = LangInfo {
    tag: "zh-TW",
    native_name: "繁體中文",
    aliases: &["zh-hant", "zh-hant-tw"],
    locales: &["zh_tw", "zh_hant"],
    resources: resources!("zh-TW"),
    book: Some("zh-TW"),
    needs_cjk_font: true,
};

const PSEUDO: LangInfo = LangInfo {
    tag: "en-XA",
    native_name: "[English]",
    aliases: &["pseudo"],
    locales: &[],
    // Made from the English ones when the bundle is built (`pseudo_resource`).
    resources: resources!("en"),
    book: None,
    needs_cjk_font: false,
};

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhTw];

    /// Every language there is a bundle for: [`Lang::ALL`] and the pseudo-locale.
    const EVERY: [Lang; 3] = [Lang::En, Lang::ZhTw, Lang::Pseudo];

    /// What this language is.
    pub fn info(self) -> &'static LangInfo {
        match self {
            Lang::En => &EN,
            Lang::ZhTw => &ZH_TW,
            Lang::Pseudo => &PSEUDO,
        }
    }

    /// The BCP 47 tag: `en` or `zh-TW` (what `--lang` accepts).
    pub fn tag(self) -> &'static str {
        self.info().tag
    }

    /// The language's name in itself, for a language menu.
    pub fn native_name(self) -> &'static str {
        self.info().native_name
    }

    /// The language a POSIX locale value names (`zh_TW.UTF-8`, `zh_TW`, `zh-TW`, `zh_Hant`…);
    /// a locale of no language here is English.
    pub fn from_locale(value: &str) -> Lang {
        let v = value.to_ascii_lowercase().replace('-', "_");
        Lang::ALL
            .into_iter()
            .find(|l| l.info().locales.iter().any(|p| v.starts_with(p)))
            .unwrap_or(Lang::En)
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
        let s2 = s.to_ascii_lowercase().replace('_', "-");
        Lang::EVERY
            .into_iter()
            .find(|l| l.tag().to_ascii_lowercase() == s2 || l.info().aliases.contains(&s2.as_str()))
            .ok_or_else(|| LangParseError(s.to_string()))
    }
}

/// A message's variable: text (shown as is) or a number (shown as Rust writes an integer, and
/// what a plural selector reads). A number with decimals is formatted by the caller and passed
/// as text, so it reads exactly as `format!` writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Text(String),
    /// Integers only (exact below 2^53, beyond any count a capture holds).
    Number(f64),
}

/// What [`tr!`](crate::tr) and [`args!`](crate::args) make of a value: an integer is an
/// [`Arg::Number`], anything else that displays is [`Arg::Text`] as `{}` writes it. Two traits
/// and autoref decide (a method found on `ArgOf<u32>` itself is preferred to one found on
/// `&ArgOf<T>`), so a caller never converts by hand.
#[doc(hidden)]
pub struct ArgOf<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait NumberArg {
    fn arg(&self) -> Arg;
}

#[doc(hidden)]
pub trait DisplayArg {
    fn arg(&self) -> Arg;
}

impl<T: std::fmt::Display + ?Sized> DisplayArg for &ArgOf<'_, T> {
    fn arg(&self) -> Arg {
        Arg::Text(self.0.to_string())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl NumberArg for ArgOf<'_, $t> {
            fn arg(&self) -> Arg {
                Arg::Number(*self.0 as f64)
            }
        }
        impl NumberArg for ArgOf<'_, &$t> {
            fn arg(&self) -> Arg {
                Arg::Number(**self.0 as f64)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64);

/// A message's variables by name.
pub type Args = Vec<(&'static str, Arg)>;

/// The message `id` in `lang` with its variables: `tr!(lang, "report-tcp-connections", count =
/// n)`. An integer is a number (what a plural selects on), anything else is its `{}` text.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::format($lang, $id, &$crate::args!($($name = $value),*))
    };
}

/// A message's variables: `args!(count = n, host = h.to_string())`, for a text rendered later
/// ([`format`]).
#[macro_export]
macro_rules! args {
    ($($name:ident = $value:expr),* $(,)?) => {{
        #[allow(unused_imports)]
        use $crate::i18n::{DisplayArg as _, NumberArg as _};
        vec![$((stringify!($name), (&$crate::i18n::ArgOf(&$value)).arg())),*]
    }};
}

/// The bundle of every language, built on first use. One bundle per language shared by all
/// threads (the concurrent kind, whose plural-rule cache sits behind a mutex): the findings'
/// texts are written on the pipeline's worker threads and the app's loader thread as well as on
/// the main one, and a bundle per thread would parse the resources again on each.
fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| Lang::EVERY.into_iter().map(build_bundle).collect());
    let i = Lang::EVERY.iter().position(|l| *l == lang).unwrap_or(0);
    &all[i]
}

fn build_bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // Fluent puts U+2068/U+2069 around each variable for right-to-left scripts; these languages
    // have none, and the marks would reach the report's bytes and the app's labels.
    b.set_use_isolating(false);
    for text in lang.info().resources {
        let source = if lang == Lang::Pseudo {
            pseudo_resource(text)
        } else {
            text.to_string()
        };
        // A resource with a syntax error still gives the messages before and after it; the
        // tests fail on the error itself (`resource_problems`).
        let res = FluentResource::try_new(source).unwrap_or_else(|(res, _)| res);
        let _ = b.add_resource(res);
    }
    b
}

/// A resource whose every message is wrapped in brackets, placeholders and selectors kept:
/// the pseudo-locale ([`Lang::Pseudo`]). The brackets are string literals (`{ "[" }`), not
/// text: a message written over several lines starts on a line of its own, where a bare `[`
/// would open a variant.
pub fn pseudo_resource(source: &str) -> String {
    let literal = |value| ast::PatternElement::Placeable {
        expression: ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }),
    };
    let mut res = fluent_syntax::parser::parse(source).unwrap_or_else(|(res, _)| res);
    for entry in &mut res.body {
        if let ast::Entry::Message(m) = entry {
            if let Some(p) = &mut m.value {
                p.elements.insert(0, literal("["));
                p.elements.push(literal("]"));
            }
        }
    }
    fluent_syntax::serializer::serialize(&res)
}

/// The message `id` in `lang` with `args`; English where `lang` lacks it, the id itself where
/// English does too (both caught by the tests, never by a reader).
pub fn format(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let found = [lang, Lang::En].into_iter().find_map(|l| {
        let b = bundle(l);
        b.get_message(id).and_then(|m| m.value()).map(|p| (b, p))
    });
    let Some((b, pattern)) = found else {
        return id.to_string();
    };
    let fargs = (!args.is_empty()).then(|| {
        let mut fa = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fa.set(
                *name,
                match value {
                    Arg::Text(s) => FluentValue::from(s.as_str()),
                    Arg::Number(n) => FluentValue::from(*n),
                },
            );
        }
        fa
    });
    let mut errors = Vec::new();
    b.format_pattern(pattern, fargs.as_ref(), &mut errors)
        .into_owned()
}

/// Whether `lang`'s own resources have the message `id` (not by falling back to English).
pub fn has_message(lang: Lang, id: &str) -> bool {
    bundle(lang).has_message(id)
}

/// Every message of a resource text: its id, the variables it reads (`$count`, also inside
/// selectors and in the terms and messages it references… only its own), and its text with
/// each placeable as `{}` and each variant apart (what the punctuation and glossary checks read).
pub fn messages_of(source: &str) -> Result<Vec<MessageInfo>, String> {
    let res = fluent_syntax::parser::parse(source)
        .map_err(|(_, errs)| format!("{} syntax error(s): {errs:?}", errs.len()))?;
    let mut out = Vec::new();
    for entry in &res.body {
        if let ast::Entry::Message(m) = entry {
            let mut info = MessageInfo {
                id: m.id.name.to_string(),
                variables: BTreeSet::new(),
                texts: Vec::new(),
                has_attributes: !m.attributes.is_empty(),
            };
            if let Some(p) = &m.value {
                let mut main = String::new();
                walk_pattern(p, &mut main, &mut info);
                info.texts.insert(0, main);
            }
            out.push(info);
        }
    }
    Ok(out)
}

/// One message of a resource ([`messages_of`]).
#[derive(Debug, Clone)]
pub struct MessageInfo {
    pub id: String,
    pub variables: BTreeSet<String>,
    /// The text outside selectors first (placeables as `{}`), then each variant's.
    pub texts: Vec<String>,
    pub has_attributes: bool,
}

fn walk_pattern(p: &ast::Pattern<&str>, text: &mut String, info: &mut MessageInfo) {
    for el in &p.elements {
        match el {
            ast::PatternElement::TextElement { value } => text.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                walk_expression(expression, text, info)
            }
        }
    }
}

fn walk_expression(e: &ast::Expression<&str>, text: &mut String, info: &mut MessageInfo) {
    match e {
        ast::Expression::Inline(i) => walk_inline(i, text, info),
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, &mut String::new(), info);
            text.push_str("{}");
            for v in variants {
                let mut t = String::new();
                walk_pattern(&v.value, &mut t, info);
                info.texts.push(t);
            }
        }
    }
}

fn walk_inline(i: &ast::InlineExpression<&str>, text: &mut String, info: &mut MessageInfo) {
    match i {
        ast::InlineExpression::StringLiteral { value } => text.push_str(value),
        ast::InlineExpression::VariableReference { id } => {
            info.variables.insert(id.name.to_string());
            text.push_str("{}");
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, text, info),
        _ => text.push_str("{}"),
    }
}

/// What is wrong with the resources of every language of [`Lang::ALL`] against the English
/// ones: a syntax error, a message missing or extra, different variables, an empty text, an
/// attribute (the code reads message values only), a half-width mark beside Chinese. Empty
/// when all is well (what the tests assert).
pub fn resource_problems() -> Vec<String> {
    let mut problems = Vec::new();
    let mut english: BTreeMap<String, MessageInfo> = BTreeMap::new();
    for lang in Lang::ALL {
        let mut ids = BTreeMap::new();
        for (file, text) in RESOURCE_FILES.iter().zip(lang.info().resources) {
            let where_ = format!("locales/{}/{file}", lang.tag());
            match messages_of(text) {
                Err(e) => problems.push(format!("{where_}: {e}")),
                Ok(ms) => {
                    for m in ms {
                        if ids.insert(m.id.clone(), m.clone()).is_some() {
                            problems.push(format!("{where_}: {} defined twice", m.id));
                        }
                        if m.has_attributes {
                            problems.push(format!("{where_}: {} has attributes", m.id));
                        }
                        if m.texts.first().is_none_or(|t| t.trim().is_empty()) {
                            problems.push(format!("{where_}: {} is empty", m.id));
                        }
                        for t in &m.texts {
                            let bad = half_width_beside_chinese(t);
                            if !bad.is_empty() {
                                problems.push(format!(
                                    "{where_}: {} has {bad:?} beside Chinese in {t:?}",
                                    m.id
                                ));
                            }
                        }
                    }
                }
            }
        }
        if lang == Lang::En {
            english = ids;
            continue;
        }
        for (id, en) in &english {
            match ids.get(id) {
                None => problems.push(format!("{}: {id} missing", lang.tag())),
                Some(m) if m.variables != en.variables => problems.push(format!(
                    "{}: {id} reads {:?}, English {:?}",
                    lang.tag(),
                    m.variables,
                    en.variables
                )),
                Some(_) => {}
            }
        }
        for id in ids.keys().filter(|id| !english.contains_key(*id)) {
            problems.push(format!("{}: {id} is not in English", lang.tag()));
        }
    }
    problems
}

/// The ids of every message of the English resources.
pub fn english_ids() -> BTreeSet<String> {
    Lang::En
        .info()
        .resources
        .iter()
        .filter_map(|t| messages_of(t).ok())
        .flatten()
        .map(|m| m.id)
        .collect()
}

/// A Han character or a full-width punctuation mark: what a half-width mark may not stand
/// beside (the rule of the Chinese book's test, `tests/book.rs`).
/// `n` and `noun`, with an "s" unless `n` is 1 (`1 packet`, `2 packets`): for the texts that
/// stay English, the library's warnings and errors, which no resource words.
pub fn english_count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `singular` when `n` is 1, else `plural`: the verb after [`english_count`] (`has`/`have`).
pub fn english_verb(
    n: impl Into<u64>,
    singular: &'static str,
    plural: &'static str,
) -> &'static str {
    if n.into() == 1 {
        singular
    } else {
        plural
    }
}

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

/// The string literals passed as the second argument of `call(` in a Rust source text, e.g. every
/// `"…"` in `tr!(lang, "…")`. Lets a test prove that every message the code names exists. A call
/// whose second argument is no string literal (a variable, `o.id()`) is skipped.
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
        // The first argument (`lang`, `state.lang`) has no comma or quote of its own; rustfmt
        // may put the second on a later line.
        let Some(comma) = args
            .find([',', ')', '"'])
            .filter(|&c| args[c..].starts_with(','))
        else {
            continue;
        };
        let second = args[comma + 1..].trim_start();
        let Some(rest) = second.strip_prefix('"') else {
            continue;
        };
        let mut lit = String::new();
        let mut chars = rest.chars();
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
    fn english_counts_take_their_number() {
        assert_eq!(english_count(1u64, "packet"), "1 packet");
        assert_eq!(english_count(0u64, "packet"), "0 packets");
        assert_eq!(english_count(2u32, "packet"), "2 packets");
        assert_eq!(
            (
                english_verb(1u64, "has", "have"),
                english_verb(3u64, "has", "have")
            ),
            ("has", "have")
        );
    }

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
    fn pseudo_locale_is_chosen_by_its_tag_and_offered_by_no_menu() {
        assert_eq!("en-XA".parse::<Lang>(), Ok(Lang::Pseudo));
        assert!(!Lang::ALL.contains(&Lang::Pseudo));
    }

    /// Named variables, English plurals from the count, Chinese without them, no isolation
    /// marks, a missing message falls back to its id.
    #[test]
    fn messages_format_with_named_variables_and_plurals() {
        let one = crate::tr!(Lang::En, "report-tcp-connections", count = 1);
        assert_eq!(one, "TCP connections: 1");
        let en = crate::tr!(Lang::En, "report-note-roles-inferred", count = 1);
        assert!(en.contains("1 connection started"), "{en}");
        let en = crate::tr!(Lang::En, "report-note-roles-inferred", count = 2);
        assert!(en.contains("2 connections started"), "{en}");
        let zh = crate::tr!(Lang::ZhTw, "report-note-roles-inferred", count = 1);
        assert!(zh.contains("1 條連線"), "{zh}");
        assert!(!zh.contains('\u{2068}') && !en.contains('\u{2068}'));
        assert_eq!(
            format(Lang::ZhTw, "no-such-message", &[]),
            "no-such-message"
        );
        let pseudo = crate::tr!(Lang::Pseudo, "report-tcp-connections", count = 500);
        assert_eq!(pseudo, "[TCP connections: 500]");
    }

    /// Every language has every English message with the same variables, no empty text, no
    /// half-width punctuation beside Chinese; the pseudo-locale brackets every message.
    #[test]
    fn resources_are_complete_in_every_language() {
        assert_eq!(resource_problems(), Vec::<String>::new());
        for id in english_ids() {
            assert!(has_message(Lang::Pseudo, &id), "{id}");
            let text = format(Lang::Pseudo, &id, &[]);
            assert!(
                text.starts_with('[') && text.ends_with(']'),
                "{id}: {text:?}"
            );
        }
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
        // zh-punct-check: on
    }

    #[test]
    fn literals_are_found_in_source() {
        let src =
            "let a = tr!(lang, \"report-findings\");\nlet b = str!(x, \"no\"); t(x, \"q\\\"\")\n\
                   tr!(\n  lang,\n  \"report-tcp-connections\", n = 2); tr!(lang, o.id(\"no\")); f(\"x\")";
        assert_eq!(
            literals_passed_to(src, "tr!"),
            vec!["report-findings", "report-tcp-connections"]
        );
        assert_eq!(literals_passed_to(src, "t"), vec!["q\"".to_string()]);
    }
}
