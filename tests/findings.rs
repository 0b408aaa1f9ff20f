//! Findings over every bundled sample: each raises exactly the finding kinds it was made to teach
//! (and none it should not), with the numbers a reader would check; real captures raise no false
//! critical finding.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use portlife::analysis::{analyze_file, Analysis};
use portlife::findings::{Finding, FindingKind, Severity};
use portlife::ports::Profile;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn analyze(name: &str) -> Analysis {
    analyze_file(sample(name), Default::default()).expect("sample reads")
}

fn kinds(a: &Analysis) -> BTreeSet<&'static str> {
    a.findings.iter().map(|f| f.kind.id()).collect()
}

fn only(a: &Analysis, kind: FindingKind) -> &Finding {
    let v: Vec<&Finding> = a.findings.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(v.len(), 1, "{}: expected one {kind:?}, got {v:#?}", a.file);
    v[0]
}

/// Scenario × finding kinds under the default `auto` profile. Every sample in samples/ is here.
const EXPECTED: &[(&str, &[&str])] = &[
    ("browser-burst.pcap", &[]),
    ("connection-pool.pcap", &["end_not_captured"]),
    ("dynamic-rpc.pcap", &[]),
    ("firewall-drop.pcap", &["syn_unanswered"]),
    ("http-keepalive.pcap", &[]),
    ("http-no-keepalive.pcap", &["time_wait_pileup"]),
    ("ipv6-client.pcap", &[]),
    (
        "port-exhaustion.pcap",
        &["port_pool_pressure", "time_wait_pileup"],
    ),
    ("proxy.pcap", &[]),
    ("refused.pcap", &["connection_refused"]),
    ("return-blocked.pcap", &["syn_ack_unacknowledged"]),
    (
        "reuse-in-timewait.pcap",
        &["port_pool_pressure", "port_reused_in_time_wait"],
    ),
    ("server-closes-first.pcap", &["server_closes_first"]),
    ("udp-dns-ntp.pcap", &["icmp_unreachable"]),
    ("real-http-keepalive.pcap", &[]),
    ("real-http-no-keepalive.pcap", &[]),
    // Only the client's direction: said once, and nothing mistaken for an unanswered SYN.
    ("real-one-direction.pcap", &["one_directional"]),
    ("real-refused.pcap", &["connection_refused"]),
    ("real-server-closes-first.pcap", &["server_closes_first"]),
    (
        "real-time-wait-early-exit.pcap",
        &["port_reused_in_time_wait", "time_wait_ended_by_rst"],
    ),
];

#[test]
fn every_sample_raises_exactly_its_findings() {
    let mut listed: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    listed.sort_unstable();
    let mut present: Vec<String> = std::fs::read_dir(sample(""))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    present.sort_unstable();
    assert_eq!(listed, present, "a sample is missing from EXPECTED");
    for (name, want) in EXPECTED {
        let a = analyze(name);
        let want: BTreeSet<&str> = want.iter().copied().collect();
        assert_eq!(kinds(&a), want, "{name}: {:#?}", a.findings);
    }
}

#[test]
fn findings_are_sorted_most_severe_first_and_complete() {
    for (name, _) in EXPECTED {
        let a = analyze(name);
        assert!(
            a.findings
                .windows(2)
                .all(|w| w[0].severity >= w[1].severity),
            "{name}"
        );
        for f in &a.findings {
            assert!(!f.title.is_empty() && !f.title.contains('\n'), "{name}");
            assert!(!f.explanation.is_empty() && !f.advice.is_empty(), "{name}");
            assert!(f.chapter.starts_with("ch") && f.chapter.ends_with(".md"));
            assert!(!f.evidence.is_empty(), "{name}: {:?}", f.kind);
            assert!(
                f.connections
                    .iter()
                    .all(|&c| (c as usize) < a.connections.len()),
                "{name}: connection ids in range"
            );
        }
    }
}

/// The exhaustion sample's client uses exactly 40000–40199: the capture proves that range, so the
/// pool is judged against 200 ports, not Linux's 28 232, and crosses 80 %.
#[test]
fn port_exhaustion_is_critical_against_its_own_range() {
    let a = analyze("port-exhaustion.pcap");
    let f = only(&a, FindingKind::PortPoolPressure);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence["range_source"], "inferred");
    assert_eq!(f.evidence["range_lo"], 40000);
    assert_eq!(f.evidence["range_hi"], 40199);
    assert_eq!(f.evidence["held"], 200);
    assert_eq!(f.evidence["peak_pct"], 100.0);
    // The silence while every port waits in TIME-WAIT (connect() fails with EADDRNOTAVAIL).
    assert!(f.evidence["longest_pause_ms"].as_i64().unwrap() > 50_000);
    assert!(f.advice.contains("ip_local_port_range"));
    assert!(a.findings[0].kind == FindingKind::PortPoolPressure);
    // `auto` already models the host under that range: nothing to choose. Under Linux's
    // default the advice names the range, for that host alone.
    assert!(!f.advice.contains("--profile"), "{}", f.advice);
    let mut l = analyze("port-exhaustion.pcap");
    l.set_profile(&Profile::Linux);
    let f = only(&l, FindingKind::PortPoolPressure);
    assert!(
        f.advice
            .contains("--profile 10.0.0.2=custom:40000-40199:60"),
        "{}",
        f.advice
    );
}

/// The same result when the user gives the range explicitly.
#[test]
fn explicit_narrow_profile_gives_the_same_pressure() {
    let mut a = analyze("port-exhaustion.pcap");
    a.set_profile("custom:40000-40199:60".parse::<Profile>().unwrap());
    let f = only(&a, FindingKind::PortPoolPressure);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence["profile_pct"], 100.0);
}

/// `set_profile` recomputes findings: 500 TIME-WAIT ports are 1.8 % of Linux's range but 100 %
/// of a 500-port one.
#[test]
fn set_profile_recomputes_findings() {
    let mut a = analyze("http-no-keepalive.pcap");
    assert!(!kinds(&a).contains("port_pool_pressure"));
    a.set_profile("custom:32768-33267:60".parse::<Profile>().unwrap());
    assert_eq!(
        only(&a, FindingKind::PortPoolPressure).severity,
        Severity::Critical
    );
    assert!(kinds(&a).contains("client_ports_outside_profile"));
    a.set_profile(&Profile::Linux);
    assert_eq!(kinds(&a), BTreeSet::from(["time_wait_pileup"]));
}

#[test]
fn pileup_states_the_numbers() {
    let a = analyze("http-no-keepalive.pcap");
    let f = only(&a, FindingKind::TimeWaitPileup);
    assert_eq!(f.connections.len(), 500);
    assert_eq!(f.evidence["connections"], 500);
    assert_eq!(f.evidence["peak_time_wait"], 500);
    assert!(f
        .title
        .starts_with("500 short connections from 10.0.0.2 to 10.0.0.5:80"));
    assert!(f.advice.contains("keep-alive") && f.advice.contains("pool"));
}

/// A count of one reads as one in the English the report prints and the JSON carries: a SYN
/// answered once by a SYN-ACK that was never acknowledged, the SYN sent again once.
#[test]
fn a_count_of_one_is_said_in_the_singular() {
    let (c, s) = (([10, 0, 0, 2], 40_000), ([10, 0, 0, 9], 443));
    let frames = vec![
        (common::T0, common::tcp(c, s, "S", 7, 0, &[])),
        (
            common::T0 + common::MS,
            common::tcp(s, c, "SA", 900, 8, &[]),
        ),
        (
            common::T0 + 1000 * common::MS,
            common::tcp(c, s, "S", 7, 0, &[]),
        ),
    ];
    let file = common::write_pcap(&frames);
    let a = analyze_file(file.path(), Default::default()).unwrap();
    let f = only(&a, FindingKind::SynAckUnacknowledged);
    assert!(
        f.title.starts_with("1 handshake with 10.0.0.9:443"),
        "{}",
        f.title
    );
    assert!(
        f.explanation.contains("(1 time)") && !f.explanation.contains("times)"),
        "{}",
        f.explanation
    );
}

#[test]
fn failures_name_their_connections() {
    let a = analyze("firewall-drop.pcap");
    let f = only(&a, FindingKind::SynUnanswered);
    assert_eq!(f.connections.len(), 2);
    assert_eq!(f.evidence["max_syn_retransmits"], 6);
    let a = analyze("refused.pcap");
    assert_eq!(
        only(&a, FindingKind::ConnectionRefused).connections.len(),
        3
    );
    let a = analyze("return-blocked.pcap");
    assert_eq!(
        only(&a, FindingKind::SynAckUnacknowledged)
            .connections
            .len(),
        2
    );
    let a = analyze("reuse-in-timewait.pcap");
    let f = only(&a, FindingKind::PortReusedInTimeWait);
    assert_eq!(f.connections.len(), 6);
    let a = analyze("udp-dns-ntp.pcap");
    assert_eq!(only(&a, FindingKind::IcmpUnreachable).udp_flows.len(), 2);
    let a = analyze("server-closes-first.pcap");
    assert_eq!(
        only(&a, FindingKind::ServerClosesFirst).connections.len(),
        50
    );
}

/// Advice never recommends tcp_tw_recycle; where it is named, it is said to be removed.
#[test]
fn advice_never_recommends_tw_recycle() {
    for (name, _) in EXPECTED {
        for f in analyze(name).findings {
            for text in [&f.advice, &f.explanation] {
                if text.contains("tcp_tw_recycle") {
                    assert!(text.contains("removed in Linux 4.12"), "{name}: {text}");
                }
            }
            if f.advice.contains("tcp_tw_reuse") {
                assert!(f.advice.contains("outgoing"), "{name}");
            }
            if f.kind == FindingKind::TimeWaitPileup {
                assert!(f.advice.contains("0 = off, 1 = on, 2 = loopback only"));
            }
        }
    }
}

fn shared_captures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/captures");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        common::skip_or_fail("../shared/captures is not beside this checkout");
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng" || e == "gz")
        })
        .collect();
    v.sort();
    v
}

/// Real traffic (the loopback recordings in samples/ and the other projects' captures in
/// ../shared/captures) holds no port exhaustion: no finding may be critical.
#[test]
fn no_false_critical_on_real_captures() {
    let mut files: Vec<PathBuf> = EXPECTED
        .iter()
        .filter(|(n, _)| n.starts_with("real-"))
        .map(|(n, _)| sample(n))
        .collect();
    files.extend(shared_captures());
    for p in files {
        let a = analyze_file(&p, Default::default()).unwrap();
        let crit: Vec<&Finding> = a
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Critical)
            .collect();
        assert!(crit.is_empty(), "{}: {crit:#?}", p.display());
    }
}

fn portlife(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args(args)
        .output()
        .expect("run portlife")
}

#[test]
fn report_prints_findings_first_and_json_includes_them() {
    let file = sample("port-exhaustion.pcap");
    let out = portlife(&["report", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "findings are not errors");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("findings (2):\n  [CRITICAL] 10.0.0.2: 200 of 200"),
        "{text}"
    );
    assert!(text.contains("read: book chapter ch10-troubleshooting.md"));

    let out = portlife(&["report", "--json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["kind"], "port_pool_pressure");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["chapter"], "ch10-troubleshooting.md");
    assert_eq!(f["ports"][1], serde_json::json!(null));
    assert_eq!(f["ports"][0]["ip"], "10.0.0.2");
    assert_eq!(v["findings"][1]["kind"], "time_wait_pileup");
}

/// The pile-up's numbers, computed here from the sample's own connections (500 connections,
/// first to last SYN 5.06 s; Linux's 28 232 ports) rather than read back from the finding: a
/// wrong rate would teach a wrong lesson in both languages.
#[test]
fn time_wait_pile_up_rate_and_runway_are_the_samples() {
    let a = analyze("http-no-keepalive.pcap");
    let f = only(&a, FindingKind::TimeWaitPileup);
    let starts: Vec<i64> = a.connections.iter().map(|c| c.start_ns).collect();
    let span_s = (starts.iter().max().unwrap() - starts.iter().min().unwrap()) as f64 / 1e9;
    let per_s = a.connections.len() as f64 / span_s;
    let runway_s = 28_232.0 / per_s;
    assert_eq!(a.connections.len(), 500);
    assert!((5.0..5.1).contains(&span_s), "{span_s}");
    let rate = format!("({} per second)", per_s.round());
    let lasts = format!("last about {} s", runway_s.round());
    assert!(f.explanation.contains(&rate), "{rate} in {}", f.explanation);
    assert!(
        f.explanation.contains(&lasts),
        "{lasts} in {}",
        f.explanation
    );
    let zh = f.text(portlife::i18n::Lang::ZhTw).explanation.to_string();
    assert!(zh.contains(&format!("{}", per_s.round())), "{zh}");
    assert!(zh.contains(&format!("{}", runway_s.round())), "{zh}");
}

/// The pool thresholds, seen on the no-keep-alive sample's 500 ports in TIME-WAIT against
/// ranges a class could configure: 500 of 900 ports (55.6 %) is nothing to report, of 800
/// (62.5 %) a warning, of 650 (76.9 %) still a warning, of 620 (80.6 %) critical. Moving either
/// line (60 %, 80 %) by more than a few points changes one of these.
#[test]
fn pool_pressure_thresholds_are_sixty_and_eighty_percent() {
    let mut a = analyze("http-no-keepalive.pcap");
    let severity = |a: &Analysis| {
        a.findings
            .iter()
            .find(|f| f.kind == FindingKind::PortPoolPressure)
            .map(|f| (f.severity, f.evidence["peak_pct"].as_f64().unwrap()))
    };
    let mut at = |size: u32| {
        let hi = 32768 + size - 1;
        a.set_profile(format!("custom:32768-{hi}:60").parse::<Profile>().unwrap());
        severity(&a)
    };
    assert_eq!(at(900), None);
    assert_eq!(at(800), Some((Severity::Warning, 62.5)));
    assert_eq!(at(650), Some((Severity::Warning, 76.9)));
    assert_eq!(at(620), Some((Severity::Critical, 80.6)));
}

/// `findings::compute`, the one-thread pure function, gives what the pipeline's two-core
/// derivation gives, on every sample.
#[test]
fn compute_agrees_with_the_pipeline_on_every_sample() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        let a = analyze_file(&path, Default::default()).unwrap();
        let alone = portlife::findings::compute(&a.connections, &a.udp_flows, &a.ports);
        assert_eq!(
            serde_json::to_value(&alone).unwrap(),
            serde_json::to_value(&a.findings).unwrap(),
            "{}",
            path.display()
        );
    }
}

/// A profile switch recomputes what the profile decides and keeps what the connections alone
/// decide: the refused attempts are still found under every profile.
#[test]
fn a_profile_switch_keeps_the_findings_of_the_connections_alone() {
    let mut a = analyze("refused.pcap");
    for p in [Profile::Windows, Profile::Linux, Profile::MacOs] {
        a.set_profile(&p);
        let f = only(&a, FindingKind::ConnectionRefused);
        assert_eq!(f.connections.len(), 3);
    }
}

/// The text report gives each finding's evidence on one line, key=value.
#[test]
fn the_text_report_prints_each_findings_evidence() {
    let a = analyze("refused.pcap");
    let f = only(&a, FindingKind::ConnectionRefused);
    assert_eq!(f.evidence_line(), "refused=3");
    let mut out = Vec::new();
    portlife::report::summary::write_findings(&mut out, &a, portlife::i18n::Lang::En).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("      evidence: refused=3\n"), "{text}");
}
