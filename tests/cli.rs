//! The `portlife` binary as a user meets it: exit codes, one-line errors, warnings on stderr.

use std::path::PathBuf;
use std::process::Command;

fn portlife() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portlife"))
}

fn shared(file: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/captures")).join(file);
    p.exists().then_some(p)
}

#[test]
fn a_file_that_is_not_a_capture_exits_1_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.txt");
    std::fs::write(&f, "these are my lecture notes, not packets\n").unwrap();
    let out = portlife().args(["report"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a pcap or pcapng file"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_and_empty_files_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = portlife()
        .args(["report"])
        .arg(dir.path().join("nope.pcap"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let empty = dir.path().join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    let out = portlife().args(["report"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty file"));
}

#[test]
fn usage_errors_exit_2() {
    let out = portlife()
        .args(["report", "--no-such-flag", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_truncated_capture_reports_what_was_read_and_warns_where_it_was_cut() {
    let Some(src) = shared("dpkt_http.pcap") else {
        eprintln!("skipped: ../shared/captures is not beside this checkout");
        return;
    };
    let bytes = std::fs::read(src).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.pcap");
    // Cut 10 bytes into the last packet record.
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let out = portlife()
        .args(["report", "--json"])
        .arg(&cut)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: capture truncated at byte"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stats"]["packets"], 42, "all but the cut packet");
    assert_eq!(v["warnings"][0]["kind"], "truncated");
}

#[test]
fn report_text_and_json_agree_on_counts() {
    let Some(src) = shared("tcpdump_redis_18streams.pcap") else {
        eprintln!("skipped: ../shared/captures is not beside this checkout");
        return;
    };
    let text = portlife().arg("report").arg(&src).output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("packets: 163"), "{text}");
    assert!(text.contains("linux-sll"), "{text}");
    let json = portlife()
        .args(["report", "--json"])
        .arg(&src)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["stats"]["packets"], 163);
    assert_eq!(v["stats"]["tcp_4tuples"], 18);
}

/// `portlife report F --json | head -c 1`: the reader closing the pipe early is not an error
/// (the 2.8 MB JSON cannot fit in the pipe, so the write does meet the closed pipe).
#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/http-no-keepalive.pcap"
    );
    let mut child = portlife()
        .args(["report", sample, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Read one byte, then close our end before the (long) report is written.
    let mut out = child.stdout.take().expect("stdout");
    let mut one = [0u8; 1];
    let _ = out.read(&mut one);
    drop(out);
    let status = child.wait().expect("wait");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(status.success(), "exit {status:?}, stderr: {err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}
