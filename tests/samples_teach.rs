//! Each bundled sample teaches one lesson; these tests check the lesson on the tracker's and the
//! port model's output (what a student sees in the report and the app), not on raw packets.

use std::path::PathBuf;

use portlife::analysis::{analyze_file, analyze_file_with_profile, Analysis};
use portlife::ports::{Phase, Profile};
use portlife::tcp::{Outcome, Role};

fn sample(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples")).join(name)
}

fn load(name: &str) -> Analysis {
    analyze_file(sample(name), Default::default()).unwrap()
}

fn load_as(name: &str, p: Profile) -> Analysis {
    analyze_file_with_profile(sample(name), p, Default::default()).unwrap()
}

/// Most client ports in TIME-WAIT at once, over the capture.
fn peak_time_wait(a: &Analysis) -> u32 {
    a.ports
        .hosts
        .iter()
        .map(|h| h.steps().iter().map(|s| s.time_wait).max().unwrap_or(0))
        .max()
        .unwrap_or(0)
}

fn count(a: &Analysis, o: Outcome) -> usize {
    a.connections.iter().filter(|c| c.outcome == o).count()
}

#[test]
fn no_keepalive_piles_up_time_wait_and_keepalive_does_not() {
    let before = load("http-no-keepalive.pcap");
    assert_eq!(before.connections.len(), 500);
    assert!(before
        .connections
        .iter()
        .all(|c| c.closed_first == Some(Role::Client)));
    assert_eq!(
        peak_time_wait(&before),
        500,
        "every port waits in TIME-WAIT at the end"
    );
    let after = load("http-keepalive.pcap");
    assert_eq!(after.connections.len(), 2);
    assert!(peak_time_wait(&after) <= 2);
}

#[test]
fn connection_pool_keeps_eight_ports_active_and_none_in_time_wait() {
    let a = load("connection-pool.pcap");
    assert_eq!(a.connections.len(), 8);
    assert_eq!(count(&a, Outcome::OpenAtEnd), 8);
    assert_eq!(peak_time_wait(&a), 0);
    let end = a.stats.last_ts_ns.unwrap() - 1;
    assert_eq!(a.ports.counts_at(end).active, 8);
}

#[test]
fn browser_burst_ports_go_through_every_phase_with_the_profiles_time_wait() {
    for (profile, tw_s) in [(Profile::Linux, 60), (Profile::Windows, 120)] {
        let a = load_as("browser-burst.pcap", profile);
        assert_eq!(a.connections.len(), 6);
        let ports: Vec<u16> = a.connections.iter().map(|c| c.client.port).collect();
        assert_eq!(ports.iter().min(), Some(&54321));
        assert_eq!(ports.iter().max(), Some(&54326));
        for c in &a.connections {
            let spans: Vec<_> = a
                .ports
                .spans
                .iter()
                .filter(|s| s.conn == c.id && !s.server_side)
                .collect();
            let phases: Vec<Phase> = spans.iter().map(|s| s.phase).collect();
            assert_eq!(
                phases,
                vec![Phase::Assigned, Phase::Active, Phase::TimeWait],
                "port {}",
                c.client.port
            );
            let tw = spans[2];
            assert_eq!(
                tw.end_ns - tw.start_ns,
                tw_s * 1_000_000_000,
                "TIME-WAIT length"
            );
        }
    }
}

#[test]
fn exhaustion_fills_its_small_range() {
    let a = load_as(
        "port-exhaustion.pcap",
        Profile::Custom {
            lo: 40000,
            hi: 40199,
            time_wait_s: 60,
        },
    );
    let host = a.ports.hosts.iter().max_by_key(|h| h.peak.held()).unwrap();
    assert_eq!(host.range_size, 200);
    assert!(
        host.peak.occupancy_pct >= 99.9,
        "{}",
        host.peak.occupancy_pct
    );
    assert_eq!(a.connections.len(), 400);
}

#[test]
fn failures_show_as_their_outcomes() {
    let drop = load("firewall-drop.pcap");
    assert_eq!(count(&drop, Outcome::Unanswered), 2);
    assert!(drop.connections.iter().any(|c| c.syn_retransmits == 6));
    let refused = load("refused.pcap");
    assert_eq!(count(&refused, Outcome::Refused), 3);
    let real = load("real-refused.pcap");
    assert_eq!(count(&real, Outcome::Refused), 3);
}

#[test]
fn server_closes_first_puts_time_wait_on_the_server() {
    let a = load("server-closes-first.pcap");
    assert_eq!(a.connections.len(), 50);
    assert!(a
        .connections
        .iter()
        .all(|c| c.closed_first == Some(Role::Server)));
    assert_eq!(peak_time_wait(&a), 0, "no client port waits");
    assert_eq!(
        a.ports
            .spans
            .iter()
            .filter(|s| s.server_side && s.phase == Phase::TimeWait)
            .count(),
        50
    );
}

#[test]
fn reuse_in_time_wait_is_counted() {
    let a = load("reuse-in-timewait.pcap");
    assert_eq!(a.connections.len(), 10);
    assert_eq!(a.ports.reused_during_time_wait, 6);
}

#[test]
fn ipv6_client_has_one_reset_and_seven_time_waits() {
    let a = load("ipv6-client.pcap");
    assert_eq!(a.connections.len(), 8);
    assert_eq!(count(&a, Outcome::ResetByClient), 1);
    assert_eq!(peak_time_wait(&a), 7);
}

#[test]
fn a_refused_connection_never_had_a_listener() {
    // RFC 9293 §3.10.7.1: the server's end is CLOSED throughout, with no transition for the
    // state diagram to count.
    for name in ["refused.pcap", "real-refused.pcap"] {
        let a = load(name);
        for c in a
            .connections
            .iter()
            .filter(|c| c.outcome == Outcome::Refused)
        {
            assert_eq!(
                c.server_side.initial,
                portlife::tcp::TcpState::Closed,
                "{name}"
            );
            assert!(c.server_side.transitions.is_empty(), "{name}");
        }
    }
}

#[test]
fn one_direction_is_said_not_mistaken_for_silence() {
    // The client's half of real-http-no-keepalive.pcap: every client ACKs the server's ISN, so
    // each SYN was answered, on the direction the capture misses.
    let half = load("real-one-direction.pcap");
    let whole = load("real-http-no-keepalive.pcap");
    assert_eq!(half.connections.len(), whole.connections.len());
    assert_eq!(count(&half, Outcome::ClosedByClient), 40);
    assert_eq!(count(&half, Outcome::Unanswered), 0);
    for c in &half.connections {
        assert_eq!(c.direction_missing, Some(Role::Server));
        assert!(!c.server_side.seen);
        assert!(c.server_side.transitions.iter().all(|t| t.inferred));
        assert!(c
            .server_side
            .entered(portlife::tcp::TcpState::Established)
            .is_some());
        // Who closed first cannot be told; the port stops at the last packet, unseen after.
        assert_eq!(c.closed_first, None);
        assert_eq!(c.end_ns, c.last_packet_ns);
    }
    let kinds: Vec<&str> = half.findings.iter().map(|f| f.kind.id()).collect();
    assert_eq!(kinds, ["one_directional"], "{kinds:?}");
    let active: Vec<_> = half
        .ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::Active)
        .collect();
    assert_eq!(active.len(), 40);
    assert!(active
        .iter()
        .all(|s| s.end_unseen && !s.truncated_by_capture_end));
    assert_eq!(
        peak_time_wait(&half),
        0,
        "no TIME-WAIT is claimed that was not seen"
    );
}

#[test]
fn each_client_hosts_os_is_read_from_its_syns_and_ports() {
    use portlife::ports::Confidence;
    // The default sample: a Windows client (no TCP timestamps, ports in sequence from the
    // dynamic range), so Windows' range and 120 s TIME-WAIT without choosing anything.
    let a = load("browser-burst.pcap");
    assert_eq!(a.profile.name, "windows");
    assert_eq!((a.profile.port_lo, a.profile.port_hi), (49152, 65535));
    assert_eq!(a.profile.time_wait_ns, 120_000_000_000);
    let g = &a.ports.host_guesses[0];
    assert_eq!((g.os, g.confidence), ("windows", Confidence::High));
    assert!(g
        .reasons
        .iter()
        .any(|r| r == "no TCP timestamps in its SYNs"));
    assert!(a
        .ports
        .profile_note
        .json()
        .contains("ports taken in sequence"));
    // The proxy's capture holds Linux hosts and a Windows one: each is named as it is.
    let p = load("proxy.pcap");
    let os = |ip: &str| {
        p.ports
            .host_guesses
            .iter()
            .find(|g| g.host.to_string() == ip)
            .map(|g| g.os)
    };
    assert_eq!(os("192.168.1.23"), Some("windows"));
    assert_eq!(os("192.168.1.31"), Some("linux"));
    assert_eq!(os("10.0.1.10"), Some("linux"));
    assert!(p.ports.profile_note.json().contains("the hosts differ"));
    // Six ports of a browser prove no range; 400 connections on exactly 200 ports do.
    assert_eq!(g.observed_range, None);
    let x = load("port-exhaustion.pcap");
    assert_eq!(x.ports.host_guesses[0].observed_range, Some((40000, 40199)));
    assert_eq!((x.profile.port_lo, x.profile.port_hi), (40000, 40199));
    let json = serde_json::to_value(&x.ports.hosts[0]).unwrap();
    let peak = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["occupancy_pct"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(peak, 100.0, "JSON ports.hosts[].steps[].occupancy_pct");
    // A profile the user names is used as named; the guesses stay, as what the wire says.
    let l = load_as("browser-burst.pcap", Profile::Linux);
    assert_eq!(l.profile.time_wait_ns, 60_000_000_000);
    assert_eq!(l.ports.host_guesses[0].os, "windows");
}

/// A guess from the client ports alone (no SYN says more: the sample's clients are UDP), and a
/// host chosen by hand. The report says the guess in plural English and ends with the choice;
/// the JSON keeps the sentence it has always had ("port(s)"), choice included.
#[test]
fn a_guess_from_the_range_alone_and_a_host_chosen_by_hand_are_said_in_the_note() {
    use portlife::i18n::Lang;
    use portlife::ports::Profiles;
    let mut choice = Profiles::default();
    choice.push("10.9.9.9=windows").unwrap();
    let a =
        analyze_file_with_profile(sample("udp-dns-ntp.pcap"), choice, Default::default()).unwrap();
    let note = &a.ports.profile_note;
    assert_eq!(
        note.text(Lang::En),
        "guessed linux: 18 client ports in 33329–59238, inside Linux's 32768–60999; \
         10.9.9.9: chosen Windows (Vista and later)"
    );
    assert_eq!(
        note.json(),
        "guessed linux: 18 client port(s) in 33329–59238, inside Linux's 32768–60999; \
         10.9.9.9: chosen Windows (Vista and later)"
    );
}

#[test]
fn each_client_host_is_modelled_under_its_own_profile() {
    use portlife::ports::{ProfileSource, Profiles};
    // The proxy's capture: a Windows client, two Linux clients and the Linux proxy itself.
    let a = load("proxy.pcap");
    let range = |a: &Analysis, ip: &str| {
        a.ports
            .hosts
            .iter()
            .find(|h| h.host.to_string() == ip)
            .map(|h| h.range_size)
    };
    // Each pool is counted against its own host's range: 16 384 ports on Windows, 28 232 on
    // Linux — one profile for all would give one of them the other's denominator.
    assert_eq!(range(&a, "192.168.1.23"), Some(16384));
    assert_eq!(range(&a, "192.168.1.31"), Some(28232));
    assert_eq!(range(&a, "10.0.1.10"), Some(28232));
    let win = a
        .ports
        .host_profiles
        .iter()
        .find(|h| h.host.to_string() == "192.168.1.23")
        .expect("the Windows client has its own profile");
    assert_eq!(win.profile.name, "windows");
    assert_eq!(win.profile.time_wait_ns, 120_000_000_000);
    assert_eq!(win.source, ProfileSource::Guessed);
    assert!(a
        .ports
        .profile_note
        .json()
        .contains("each is modelled under its own"));

    // An override changes its host and no other.
    let ip: std::net::IpAddr = "192.168.1.31".parse().unwrap();
    let mut choice = Profiles::default();
    choice.push("192.168.1.31=custom:1024-2047:45").unwrap();
    let o = analyze_file_with_profile(sample("proxy.pcap"), choice, Default::default()).unwrap();
    assert_eq!(range(&o, "192.168.1.31"), Some(1024));
    assert_eq!(range(&o, "192.168.1.23"), Some(16384));
    assert_eq!(range(&o, "10.0.1.10"), Some(28232));
    let of = |a: &Analysis, pred: &dyn Fn(std::net::IpAddr) -> bool| {
        a.ports
            .spans
            .iter()
            .filter(|s| pred(s.host))
            .map(|s| (s.host, s.port, s.conn, s.phase, s.start_ns, s.end_ns))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(&o, &|h| h != ip), of(&a, &|h| h != ip));
    assert_eq!(
        o.ports.profile_of(ip).label,
        "custom 1024–2047, TIME-WAIT 45 s"
    );
    let mut text = Vec::new();
    portlife::report::summary::write_text(&mut text, &o, portlife::i18n::Lang::En).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("192.168.1.31             custom 1024–2047, TIME-WAIT 45 s (ports 1024–2047, TIME-WAIT 45 s), chosen"),
        "{text}"
    );
    assert!(text.contains("192.168.1.23             Windows (Vista and later) (ports 49152–65535, TIME-WAIT 120 s), guessed"));

    // Everyone Linux but one host left to its own guess.
    let mut back = Profiles::from(Profile::Linux);
    back.push("192.168.1.23=auto").unwrap();
    let w = analyze_file_with_profile(sample("proxy.pcap"), back, Default::default()).unwrap();
    let win: std::net::IpAddr = "192.168.1.23".parse().unwrap();
    assert_eq!(w.ports.profile_of(win).name, "windows");
    assert_eq!(w.ports.host_profiles[0].source, ProfileSource::Guessed);
    assert_eq!(range(&w, "192.168.1.23"), Some(16384));
    assert_eq!(range(&w, "192.168.1.31"), Some(28232));
    assert_eq!(w.profile.name, "linux");
    // One client, one system: the profile line says it all, no per-host lines.
    let mut one = Vec::new();
    let b = load("browser-burst.pcap");
    portlife::report::summary::write_text(&mut one, &b, portlife::i18n::Lang::En).unwrap();
    assert!(!String::from_utf8(one)
        .unwrap()
        .contains("each host's profile:"));
    // A host the capture holds no SYN of has no guess: it takes the default.
    let ghost: std::net::IpAddr = "10.9.9.9".parse().unwrap();
    assert_eq!(o.ports.profile_of(ghost), &o.ports.profile);
}

#[test]
fn browser_burst_draws_windows_time_wait_for_its_client() {
    let a = load("browser-burst.pcap");
    let tw: Vec<i64> = a
        .ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::TimeWait && !s.server_side)
        .map(|s| s.end_ns - s.start_ns)
        .collect();
    assert_eq!(tw.len(), 6);
    assert!(tw.iter().all(|&d| d == 120_000_000_000), "{tw:?}");
}

/// A real Linux kernel's TIME-WAIT, three ways (samples/record.sh): ended at once by a RST
/// (RFC 1337's assassination, honoured while net.ipv4.tcp_rfc1337 = 0), cut short by a new SYN
/// on the same 4-tuple (tcp_tw_reuse on loopback), and left to run its 60 s past the capture.
#[test]
fn time_wait_ends_early_on_a_rst_or_a_reusing_syn() {
    let a = load("real-time-wait-early-exit.pcap");
    assert_eq!(a.connections.len(), 3);
    let tw: Vec<_> = a
        .ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::TimeWait)
        .map(|s| (s.conn, s))
        .collect();
    assert_eq!(tw.len(), 3);
    let span = |conn: u32| tw.iter().find(|(c, _)| *c == conn).unwrap().1;
    let c0 = &a.connections[0];
    let entered = c0
        .client_side
        .entered(portlife::tcp::TcpState::TimeWait)
        .unwrap();
    let left = c0
        .client_side
        .transitions
        .iter()
        .find(|t| t.from == portlife::tcp::TcpState::TimeWait)
        .expect("the RST ends the client's TIME-WAIT");
    assert_eq!(left.to, portlife::tcp::TcpState::Closed);
    // Ended by the RST, about 0.6 s in: at the RST, not after 60 s.
    assert_eq!(span(0).end_ns, left.ts_ns);
    let lasted = left.ts_ns - entered.ts_ns;
    assert!(lasted > 100_000_000 && lasted < 5_000_000_000, "{lasted}");
    assert!(!span(0).truncated_by_capture_end && !span(0).cut_by_reuse);
    // Cut by the reusing SYN of connection 2, which starts then.
    assert!(span(1).cut_by_reuse);
    assert_eq!(span(1).end_ns, a.connections[2].start_ns);
    assert_eq!(a.connections[2].client.port, a.connections[1].client.port);
    // The last one runs its whole 60 s, past the capture's end.
    assert!(span(2).truncated_by_capture_end);
    assert_eq!(span(2).end_ns - span(2).start_ns, 60_000_000_000);
}
