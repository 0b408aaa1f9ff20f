//! The `portlife` binary as a user meets it: exit codes, one-line errors, warnings on stderr.

mod common;

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
        common::skip_or_fail("../shared/captures is not beside this checkout");
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
        common::skip_or_fail("../shared/captures is not beside this checkout");
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

/// A SYN flood past `--max-connections`: the report says how many records were summarised, and
/// the real connection in the capture is still reported.
#[test]
fn a_syn_flood_past_the_connection_cap_is_summarised_with_a_warning() {
    use etherparse::PacketBuilder;
    use portlife::source::PcapWriter;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("flood.pcap");
    let file = std::fs::File::create(&path).expect("create");
    let mut w = PcapWriter::new(std::io::BufWriter::new(file), 1).expect("header");
    let t0: i64 = 1_700_000_000_000_000_000;
    let frame = |src: [u8; 4], sp: u16, dst: [u8; 4], dp: u16, syn: bool, ack: Option<u32>| {
        let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(src, dst, 64)
            .tcp(sp, dp, 1000, 64240);
        let b = match (syn, ack) {
            (true, None) => b.syn(),
            (true, Some(a)) => b.syn().ack(a),
            (false, Some(a)) => b.ack(a),
            (false, None) => b,
        };
        let mut out = Vec::new();
        b.write(&mut out, &[]).expect("frame");
        out
    };
    let (client, server) = ([10, 0, 0, 2], [10, 0, 0, 5]);
    w.write_packet(t0, &frame(client, 40000, server, 80, true, None))
        .unwrap();
    w.write_packet(
        t0 + 1_000,
        &frame(server, 80, client, 40000, true, Some(1001)),
    )
    .unwrap();
    w.write_packet(
        t0 + 2_000,
        &frame(client, 40000, server, 80, false, Some(1001)),
    )
    .unwrap();
    for n in 0..3000u32 {
        let src = [198, 18, (n >> 8) as u8, n as u8];
        w.write_packet(
            t0 + 1_000_000 + i64::from(n) * 1000,
            &frame(src, 50000, server, 443, true, None),
        )
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let out = portlife()
        .args(["report", "--json", "--max-connections", "1000"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than 1000 connections"), "{err}");
    assert!(err.contains("half-open SYN-only attempts"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let kept = v["connections"].as_array().unwrap().len() as u64;
    let evicted = v["evicted"]["connections"].as_u64().unwrap();
    assert!(kept <= 1000, "{kept}");
    assert_eq!(kept + evicted, 3001);
    assert!(v["connections"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["server"]["port"] == 80 && c["outcome"] == "open_at_end"));
}

#[test]
fn profile_per_host_on_the_command_line() {
    let proxy = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/proxy.pcap"));
    let out = portlife()
        .args(["report", "--json", "--profile", "linux"])
        .args(["--profile", "192.168.1.23=windows"])
        .arg(&proxy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The bare profile is every host's, the HOST= one that host's alone.
    assert_eq!(v["profile"]["name"], "linux");
    let hosts = v["ports"]["host_profiles"].as_array().unwrap();
    assert_eq!(hosts.len(), 1, "{hosts:?}");
    assert_eq!(hosts[0]["host"], "192.168.1.23");
    assert_eq!(hosts[0]["profile"]["name"], "windows");
    assert_eq!(hosts[0]["source"], "chosen");
    let size = |ip: &str| {
        v["ports"]["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["host"] == ip)
            .map(|h| h["range_size"].as_u64().unwrap())
    };
    assert_eq!(size("192.168.1.23"), Some(16384));
    assert_eq!(size("192.168.1.31"), Some(28232));
    // A host that is not an address is a usage error that names the value.
    let out = portlife()
        .args(["report", "--profile", "10.0.0=linux"])
        .arg(&proxy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("10.0.0=linux"));
}
