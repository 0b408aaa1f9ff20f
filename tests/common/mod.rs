//! Building small captures for tests: frames with etherparse's PacketBuilder, written with
//! portlife's PcapWriter into a temporary file.

#![allow(dead_code)]

use std::io::Write;

use etherparse::PacketBuilder;
use portlife::decode::linktype;
use portlife::source::PcapWriter;

pub const S: i64 = 1_000_000_000;
pub const MS: i64 = 1_000_000;
/// 2023-11-14 22:13:20 UTC: a fixed start so outputs are reproducible.
pub const T0: i64 = 1_700_000_000 * S;

/// One IPv4 TCP segment in an Ethernet frame. `flags` like tcpdump: "S", "SA", "A", "PA", "FA", "R".
pub fn tcp(
    src: ([u8; 4], u16),
    dst: ([u8; 4], u16),
    flags: &str,
    seq: u32,
    ack: u32,
    payload: &[u8],
) -> Vec<u8> {
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src.0, dst.0, 64)
        .tcp(src.1, dst.1, seq, 64240);
    for ch in flags.chars() {
        b = match ch {
            'S' => b.syn(),
            'A' => b.ack(ack),
            'F' => b.fin(),
            'R' => b.rst(),
            'P' => b.psh(),
            _ => b,
        };
    }
    let mut out = Vec::new();
    b.write(&mut out, payload).expect("build frame");
    out
}

/// An ARP-typed Ethernet frame: not IP, used to extend a capture's end time.
pub fn not_ip() -> Vec<u8> {
    let mut f = vec![0xff; 6];
    f.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
    f.extend_from_slice(&[0x08, 0x06]);
    f.extend_from_slice(&[0u8; 28]);
    f
}

/// Write frames (with their timestamps) to a temporary pcap file.
pub fn write_pcap(frames: &[(i64, Vec<u8>)]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    {
        let mut w = PcapWriter::new(file.as_file_mut(), linktype::ETHERNET).expect("header");
        for (ts, f) in frames {
            w.write_packet(*ts, f).expect("write");
        }
        w.flush().expect("flush");
    }
    file.as_file_mut().flush().expect("flush");
    file
}

/// A browser-like burst: `n` parallel connections from 10.0.0.2:54321.. to 10.0.0.5:443, each
/// with a request and a response, all closed by the client first. The capture runs until
/// `T0 + end_s` seconds (a final non-IP frame).
pub fn parallel_client_close(n: u16, end_s: i64) -> Vec<(i64, Vec<u8>)> {
    let client = [10, 0, 0, 2];
    let server = [10, 0, 0, 5];
    let mut frames = Vec::new();
    for i in 0..n {
        let c = (client, 54321 + i);
        let s = (server, 443);
        let t = T0 + i as i64 * 5 * MS;
        let (cs, ss) = (1000 + i as u32 * 1000, 900_000 + i as u32 * 1000);
        frames.push((t, tcp(c, s, "S", cs, 0, &[])));
        frames.push((t + 20 * MS, tcp(s, c, "SA", ss, cs + 1, &[])));
        frames.push((t + 21 * MS, tcp(c, s, "A", cs + 1, ss + 1, &[])));
        frames.push((t + 22 * MS, tcp(c, s, "PA", cs + 1, ss + 1, &[b'q'; 100])));
        frames.push((t + 60 * MS, tcp(s, c, "PA", ss + 1, cs + 101, &[b'r'; 400])));
        frames.push((t + 61 * MS, tcp(c, s, "A", cs + 101, ss + 401, &[])));
        frames.push((t + 500 * MS, tcp(c, s, "FA", cs + 101, ss + 401, &[])));
        frames.push((t + 520 * MS, tcp(s, c, "FA", ss + 401, cs + 102, &[])));
        frames.push((t + 521 * MS, tcp(c, s, "A", cs + 102, ss + 402, &[])));
    }
    frames.sort_by_key(|f| f.0);
    frames.push((T0 + end_s * S, not_ip()));
    frames
}

/// A test whose prerequisite (../shared beside the clone, tshark, mdbook, Chromium, root) is
/// missing. Under `CI=true` it fails with the reason: CI installs and provides everything, so a
/// missing piece there is a broken setup, not a skip. Elsewhere it says `skipped: WHY` on the
/// terminal itself: the test harness shows a passing test's printed output only when asked, so
/// a skip printed the usual way would pass unseen in the summary.
pub fn skip_or_fail(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "under CI every prerequisite must be there: {why}"
    );
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// The mdbook to build the books with: on the PATH, or where `cargo install` puts it.
pub fn mdbook() -> Option<std::path::PathBuf> {
    let home =
        std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo/bin/mdbook"));
    [Some(std::path::PathBuf::from("mdbook")), home]
        .into_iter()
        .flatten()
        .find(|m| {
            std::process::Command::new(m)
                .arg("--version")
                .output()
                .is_ok()
        })
}

/// Both books built by `scripts/build-book.sh` into `book/build` (the English site, zh-TW under
/// it), with the web app copied in when it was built (`.ci/run` builds it before the tests: a
/// wasm build takes minutes). The site's folder.
pub fn build_books(mdbook: &std::path::Path) -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("bash")
        .arg(root.join("scripts/build-book.sh"))
        .env("MDBOOK", mdbook)
        .env("BOOK_APP", "if-built")
        .output()
        .expect("run scripts/build-book.sh");
    assert!(
        out.status.success(),
        "build-book.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    root.join("book/build")
}
