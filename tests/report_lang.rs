//! `portlife report --lang`: the text report in English and Traditional Chinese states the same
//! numbers, the default follows the locale, and JSON does not change with the language.

use std::path::PathBuf;
use std::process::{Command, Output};

use portlife::analysis::analyze_file;
use portlife::i18n::Lang;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `portlife report ARGS` with a neutral locale unless `env` sets one.
fn report(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portlife"));
    cmd.current_dir(root()).arg("report").args(args);
    for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("run portlife");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 report")
}

/// Every run of ASCII digits in a text, in order (the numbers a reader compares). The "4" of
/// "4-tuple" is a name, not a number (Chinese says 四元組).
fn numbers(s: &str) -> Vec<String> {
    s.replace("4-tuple", "tuple")
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

const SAMPLE: &str = "samples/http-no-keepalive.pcap";

#[test]
fn zh_tw_report_has_chinese_headings_and_the_same_numbers() {
    let en = text(&report(&[SAMPLE, "--lang", "en"], &[]));
    let zh = text(&report(&[SAMPLE, "--lang", "zh-TW"], &[]));
    for heading in [
        "TCP 連線：500",
        "先關閉的一方：用戶端 500，伺服器 0",
        "各主機的尖峰占用量：",
        "各目的地的尖峰占用量：",
        "診斷結果（1 項）：",
        "[警告]",
        "設定檔：",
    ] {
        assert!(
            zh.contains(heading),
            "zh-TW report lacks {heading:?}:\n{zh}"
        );
    }
    assert!(en.contains("TCP connections: 500"), "{en}");
    assert!(
        !zh.contains("TCP connections"),
        "zh-TW report left English:\n{zh}"
    );
    // Line by line, the two reports state the same numbers (Chinese word order may move them
    // within a sentence, so each line's numbers are compared as a sorted list).
    let (en_lines, zh_lines): (Vec<&str>, Vec<&str>) = (en.lines().collect(), zh.lines().collect());
    assert_eq!(en_lines.len(), zh_lines.len(), "same lines in both");
    let sorted = |s: &str| {
        let mut v = numbers(s);
        v.sort();
        v
    };
    for (e, z) in en_lines.iter().zip(&zh_lines) {
        assert_eq!(sorted(e), sorted(z), "\nen: {e}\nzh: {z}");
    }
}

#[test]
fn the_default_language_follows_the_locale() {
    let zh = text(&report(&[SAMPLE], &[("LANG", "zh_TW.UTF-8")]));
    assert!(zh.contains("TCP 連線：500"), "{zh}");
    let en = text(&report(&[SAMPLE], &[("LANG", "de_DE.UTF-8")]));
    assert!(en.contains("TCP connections: 500"), "{en}");
    // --lang wins over the locale.
    let en = text(&report(
        &[SAMPLE, "--lang", "en"],
        &[("LC_ALL", "zh_TW.UTF-8")],
    ));
    assert!(en.contains("TCP connections: 500"), "{en}");
}

#[test]
fn json_is_identical_in_every_language() {
    let plain = report(&[SAMPLE, "--json"], &[]).stdout;
    let zh = report(&[SAMPLE, "--json", "--lang", "zh-TW"], &[]).stdout;
    let zh_locale = report(&[SAMPLE, "--json"], &[("LANG", "zh_TW.UTF-8")]).stdout;
    assert_eq!(plain, zh);
    assert_eq!(plain, zh_locale);
    assert!(!String::from_utf8_lossy(&plain).contains("連線"));
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .current_dir(root())
        .args(["report", SAMPLE, "--lang", "fr"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The profile note of every sample reads as Chinese: none of the resolver's English phrases
/// survive.
#[test]
fn every_profile_note_is_translated() {
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        let a = analyze_file(&path, Default::default()).unwrap();
        let zh = a.ports.profile_note.text(Lang::ZhTw);
        for english in [
            "guessed",
            "chosen",
            "inside",
            "client port",
            "assumed",
            "below",
        ] {
            assert!(
                !zh.contains(english),
                "{}: {english:?} left in {zh:?}",
                path.display()
            );
        }
    }
}

/// The findings of every sample capture, analysed once for the tests that read them all.
fn sample_findings() -> &'static [(std::path::PathBuf, Vec<portlife::findings::Finding>)] {
    static ALL: std::sync::OnceLock<Vec<(std::path::PathBuf, Vec<portlife::findings::Finding>)>> =
        std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(root().join("samples")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pcap") {
                let a = analyze_file(&path, Default::default()).unwrap();
                out.push((path, a.findings));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    })
}

/// Every finding any sample raises has its title, explanation and advice in zh-TW, in Chinese,
/// with the same numbers in the title as the English one.
#[test]
fn every_finding_of_every_sample_is_translated() {
    let mut seen = std::collections::BTreeSet::new();
    for (path, findings) in sample_findings() {
        for f in findings {
            seen.insert(f.kind.id());
            let zh = f.text(Lang::ZhTw);
            let en = f.text(Lang::En);
            for (what, z, e) in [
                ("title", &zh.title, &en.title),
                ("explanation", &zh.explanation, &en.explanation),
                ("advice", &zh.advice, &en.advice),
            ] {
                assert!(
                    z != e && z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: {} {what} not translated: {z}",
                    path.display(),
                    f.kind.id()
                );
            }
            let mut zn = numbers(&zh.title);
            let mut en_n = numbers(&en.title);
            zn.sort();
            en_n.sort();
            assert_eq!(zn, en_n, "{}: title numbers differ", f.kind.id());
        }
    }
    assert!(
        seen.len() >= 6,
        "only {} finding kinds seen: {seen:?}",
        seen.len()
    );
}

/// Every finding any sample raises writes its zh-TW title, explanation and advice with ，；：？！（）
/// beside Chinese, as the book does (its rule: `portlife::i18n::half_width_beside_chinese`). The
/// profile labels a text quotes ("Linux (modern)") are names, not Chinese prose: they are taken
/// out first.
#[test]
fn every_finding_of_every_sample_uses_full_width_punctuation() {
    use portlife::i18n::half_width_beside_chinese;
    use portlife::ports::OsProfile;
    let mut labels: Vec<String> = [
        "linux",
        "linux-old",
        "windows",
        "windows-old",
        "macos",
        "freebsd",
    ]
    .into_iter()
    .map(|name| OsProfile::named(name).label)
    .collect();
    labels.sort_by_key(|l| std::cmp::Reverse(l.len()));
    let mut bad = Vec::new();
    let mut n = 0;
    for (path, findings) in sample_findings() {
        for f in findings {
            let zh = f.text(Lang::ZhTw);
            for text in [zh.title, zh.explanation, zh.advice] {
                n += 1;
                let prose = labels
                    .iter()
                    .fold(text.to_string(), |t, l| t.replace(l.as_str(), "OS"));
                let marks = half_width_beside_chinese(&prose);
                if !marks.is_empty() {
                    bad.push(format!(
                        "{}: {}: {marks:?} in {text}",
                        path.display(),
                        f.kind.id()
                    ));
                }
            }
        }
    }
    assert!(n > 0, "no finding texts checked");
    assert!(
        bad.is_empty(),
        "half-width punctuation beside Chinese (write ，：；？！（） instead):\n{}",
        bad.join("\n")
    );
}

/// `text` without its bracketed parts (innermost first, so a message inside a message goes too).
fn outside_brackets(text: &str) -> String {
    let mut s = text.to_string();
    while let Some(close) = s.find(']') {
        let Some(open) = s[..close].rfind('[') else {
            break;
        };
        s.replace_range(open..=close, " ");
    }
    s
}

/// The report in the pseudo-locale (`--lang en-XA`, every message of the English resources in
/// brackets): whatever is left outside brackets is data (the file's name, link types and
/// protocols as the capture names them, addresses, numbers), never words. A text written in the
/// code instead of the resources would show here without its brackets.
#[test]
fn the_pseudo_locale_report_has_no_text_outside_the_resources() {
    let mut samples: Vec<String> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .map(|p| format!("samples/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    samples.sort();
    assert!(samples.len() > 10);
    for sample in &samples {
        let sample = sample.as_str();
        let pseudo = text(&report(&[sample, "--lang", "en-XA"], &[]));
        assert!(pseudo.contains("[TCP connections: "), "{pseudo}");
        let a = analyze_file(root().join(sample), Default::default()).unwrap();
        let mut data: Vec<String> = vec![a.file.clone(), sample.to_string()];
        data.extend(a.stats.link_types.keys().cloned());
        data.extend(a.stats.protocols.keys().cloned());
        data.extend(a.stats.encapsulations.keys().cloned());
        data.sort_by_key(|d| std::cmp::Reverse(d.len()));
        for line in pseudo.lines() {
            let mut rest = outside_brackets(line);
            for d in &data {
                rest = rest.replace(d.as_str(), " ");
            }
            // Addresses (IPv6 ones have letters) and the arrow between two of them.
            let words: Vec<&str> = rest
                .split_whitespace()
                .filter(|w| {
                    let w = w.trim_end_matches(',');
                    w.parse::<std::net::IpAddr>().is_err()
                        && w.parse::<std::net::SocketAddr>().is_err()
                })
                .filter(|w| w.chars().any(|c| c.is_alphabetic()))
                .collect();
            assert!(
                words.is_empty(),
                "{sample}: {words:?} outside the resources in {line:?}"
            );
        }
        let en = text(&report(&[sample, "--lang", "en"], &[]));
        assert_eq!(
            en.lines().count(),
            pseudo.lines().count(),
            "{sample}: the pseudo-locale report has the English one's lines"
        );
    }
}
