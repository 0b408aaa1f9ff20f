//! Many alike findings read as one: on a capture of 8 clients talking to 12 server endpoints,
//! each of the 96 pairs piles up TIME-WAIT. The text report folds them into one finding (the
//! largest listed, the rest counted, the advice once) in both languages, while `--json` keeps
//! every pair with its own numbers.

use std::collections::BTreeSet;
use std::process::Command;

fn portlife(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args(args)
        .output()
        .expect("portlife runs");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn many_pairs() -> tempfile::TempPath {
    let path = tempfile::Builder::new()
        .suffix(".pcap")
        .tempfile()
        .unwrap()
        .into_temp_path();
    portlife(&[
        "synth",
        "many-pairs",
        "--scale",
        "10",
        "-o",
        path.to_str().unwrap(),
    ]);
    path
}

#[test]
fn ninety_six_pile_ups_print_as_one_finding_and_json_keeps_every_pair() {
    let file = many_pairs();
    let file = file.to_str().unwrap();

    let json: serde_json::Value =
        serde_json::from_str(&portlife(&["report", file, "--json"])).unwrap();
    let pileups: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "time_wait_pileup")
        .collect();
    // Every client × server pair, each once, each with its own connections.
    let pairs: BTreeSet<(String, String)> = pileups
        .iter()
        .map(|f| {
            let p = f["ports"].as_array().unwrap();
            (p[0]["ip"].to_string(), p[1].to_string())
        })
        .collect();
    assert_eq!(pileups.len(), 96);
    assert_eq!(pairs.len(), 96, "8 clients × 12 server endpoints");
    assert!(pileups
        .iter()
        .all(|f| f["evidence"]["connections"].as_u64().unwrap() >= 50));

    let text = portlife(&["report", file, "--lang", "en"]);
    let findings_part = text.split("\n\n").next().unwrap();
    assert!(
        text.lines().count() <= 120,
        "{} lines:\n{text}",
        text.lines().count()
    );
    let headings = findings_part
        .lines()
        .filter(|l| l.starts_with("  ["))
        .count();
    assert!(headings <= 12, "{headings} findings printed");
    assert!(
        findings_part
            .contains("96 TIME-WAIT pile-ups (10000 connections in all), the largest first:"),
        "{findings_part}"
    );
    assert!(
        findings_part.contains("… 91 more like these"),
        "{findings_part}"
    );
    // The advice once, not 96 times.
    assert_eq!(
        findings_part.matches("Reuse connections instead").count(),
        1
    );
    // Listed members are whole titles of real findings.
    let listed: Vec<&str> = findings_part
        .lines()
        .filter_map(|l| l.strip_prefix("      - "))
        .collect();
    assert_eq!(listed.len(), 5);
    for l in &listed {
        assert!(pileups.iter().any(|f| f["title"] == *l), "{l}");
    }

    let zh = portlife(&["report", file, "--lang", "zh-TW"]);
    assert!(
        zh.contains("96 項 TIME-WAIT 堆積（共 10000 條連線），由大到小："),
        "{zh}"
    );
    assert!(zh.contains("另有 91 項相似的"));
    assert_eq!(zh.matches("重複使用連線").count(), 1);
}
