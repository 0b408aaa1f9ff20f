//! Live capture on loopback, end to end: the test opens its own bounded loopback connections while
//! `portlife live -i lo` captures, then checks that portlife saw exactly those connections, with
//! the client ports the sockets really had, each packet once, and the right outcomes.
//! Needs root (CAP_NET_RAW); skipped with a printed reason otherwise. Traffic stays on 127.0.0.0/8.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A loopback address of its own, so the capture filter sees only this test's traffic.
const SERVER_IP: &str = "127.0.0.77";

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn has_loopback() -> bool {
    Path::new("/sys/class/net/lo").exists()
}

/// A tiny line server: answers each "ping\n" with "pong\n" until the client closes.
fn serve(listener: TcpListener, conns: usize) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for _ in 0..conns {
            let Ok((s, _)) = listener.accept() else {
                return;
            };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut w = s;
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                let _ = w.write_all(b"pong\n");
                line.clear();
            }
        }
    })
}

/// One client connection doing `requests` round trips, then closing first. Returns its port.
fn client(server: SocketAddr, requests: usize) -> u16 {
    let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(2)).unwrap();
    let port = s.local_addr().unwrap().port();
    let mut buf = [0u8; 5];
    for _ in 0..requests {
        s.write_all(b"ping\n").unwrap();
        s.read_exact(&mut buf).unwrap();
    }
    drop(s);
    port
}

#[test]
fn live_capture_on_loopback_sees_exactly_the_tests_connections() {
    if !is_root() || !has_loopback() {
        common::skip_or_fail("live capture needs root (CAP_NET_RAW) and a loopback interface");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lo.pcap");
    let listener = TcpListener::bind((SERVER_IP, 0)).unwrap();
    let server = listener.local_addr().unwrap();
    // A port with nothing listening, on the same address: connecting is refused (RST).
    let closed = TcpListener::bind((SERVER_IP, 0)).unwrap();
    let refused_addr = closed.local_addr().unwrap();
    drop(closed);

    let mut cap = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args([
            "live",
            "-i",
            "lo",
            "--duration",
            "4",
            "--quiet",
            "--filter",
            SERVER_IP,
        ])
        .arg("-w")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the capture runs.
    let mut err = BufReader::new(cap.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.contains("capturing on lo"), "{first}");
    std::thread::sleep(Duration::from_millis(300));

    let handle = serve(listener, 5);
    let mut ports = BTreeSet::new();
    for requests in [1, 1, 1, 3, 3] {
        ports.insert(client(server, requests));
    }
    let mut refused_ports = BTreeSet::new();
    for _ in 0..2 {
        // The kernel's port for a refused attempt is not reported back; learn it from a socket
        // bound first, exactly as connect() would have used it.
        let sock = std::net::TcpListener::bind((SERVER_IP, 0)).unwrap();
        let port = sock.local_addr().unwrap().port();
        drop(sock);
        let _ = bind_and_connect(port, refused_addr);
        refused_ports.insert(port);
    }
    handle.join().unwrap();

    let output = cap.wait_with_output().unwrap();
    assert!(output.status.success(), "{:?}", output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("TCP connections: 7"), "{stdout}");

    // Re-read the saved file: the same connections.
    let json = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .args(["report", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let conns = v["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 7, "exactly the test's connections");
    let mut seen_ok = BTreeSet::new();
    let mut seen_refused = BTreeSet::new();
    for c in conns {
        let port = c["client"]["port"].as_u64().unwrap() as u16;
        assert_eq!(c["syn_retransmits"], 0, "each packet once: {c}");
        match c["outcome"].as_str().unwrap() {
            "refused" => {
                seen_refused.insert(port);
            }
            other => {
                assert_eq!(other, "fin_fin", "{c}");
                assert_eq!(c["closed_first"], "client", "{c}");
                seen_ok.insert(port);
            }
        }
    }
    assert_eq!(seen_ok, ports);
    assert_eq!(seen_refused, refused_ports);
    // Loopback shows every packet once: a 1-request connection is exactly
    // SYN, SYN-ACK, ACK, ping, ack, pong, ack, FIN, FIN, ACK = at most 10-11 segments, never 20.
    for c in conns {
        let pkts = c["client_side"]["packets"].as_u64().unwrap()
            + c["server_side"]["packets"].as_u64().unwrap();
        assert!(pkts <= 16, "duplicated packets? {pkts} in {c}");
    }
}

/// connect() from a chosen local port (so the test knows it), expecting a refusal.
fn bind_and_connect(local_port: u16, to: SocketAddr) -> std::io::Result<()> {
    let out = Command::new("python3")
        .args([
            "-c",
            &format!(
                "import socket\ns=socket.socket()\ns.bind(('{SERVER_IP}',{local_port}))\ntry:\n  s.connect(('{}',{}))\nexcept OSError:\n  pass",
                to.ip(),
                to.port()
            ),
        ])
        .status()?;
    assert!(out.success());
    Ok(())
}

#[test]
fn live_capture_without_permission_says_how_to_grant_it() {
    if !is_root() || !Path::new("/usr/bin/setpriv").exists() {
        common::skip_or_fail("needs root and setpriv to drop the capability");
        return;
    }
    let out = Command::new("setpriv")
        .args([
            "--bounding-set=-net_raw,-net_admin",
            "--inh-caps=-net_raw,-net_admin",
        ])
        .arg(env!("CARGO_BIN_EXE_portlife"))
        .args(["live", "-i", "lo", "--duration", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("CAP_NET_RAW"), "{err}");
    assert!(
        err.contains("setcap cap_net_raw,cap_net_admin=eip"),
        "{err}"
    );
}

#[test]
fn interfaces_lists_loopback() {
    let out = Command::new(env!("CARGO_BIN_EXE_portlife"))
        .arg("interfaces")
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    if has_loopback() {
        assert!(
            s.lines()
                .any(|l| l.starts_with("lo ") && l.contains("loopback")),
            "{s}"
        );
    }
}
