//! Port model scenarios and properties, built from tracker segments.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::decode::Decoded;
use crate::tcp::testutil::{ep, seg};
use crate::tcp::{Role, TcpState, Tracker};

const S: i64 = 1_000_000_000;
const MS: i64 = 1_000_000;
const T0: i64 = 1_700_000_000 * S;

fn run(packets: &[(i64, Decoded)], end: i64) -> Tracker {
    let mut t = Tracker::new();
    for (i, (ts, d)) in packets.iter().enumerate() {
        t.push(i as u64, *ts, d);
    }
    t.finish(end);
    t
}

fn phases(m: &PortModel, conn: u32, server_side: bool) -> Vec<(Phase, i64, i64)> {
    m.spans
        .iter()
        .filter(|s| s.conn == conn && s.server_side == server_side && !s.udp)
        .map(|s| (s.phase, s.start_ns - T0, s.end_ns - T0))
        .collect()
}

/// Handshake at T0, data, then one side closes first at T0+1 s.
fn closed_by(closer: Role, port: u16) -> Vec<(i64, Decoded)> {
    let (c, s) = (ep(2, port), ep(5, 443));
    let mut v = vec![
        (T0, seg(c, s, "S", 100, 0, 0)),
        (T0 + 10 * MS, seg(s, c, "SA", 500, 101, 0)),
        (T0 + 20 * MS, seg(c, s, "A", 101, 501, 0)),
    ];
    let (a, b, aseq, bseq) = match closer {
        Role::Client => (c, s, 101, 501),
        Role::Server => (s, c, 501, 101),
    };
    v.push((T0 + S, seg(a, b, "FA", aseq, bseq, 0)));
    v.push((T0 + S + 10 * MS, seg(b, a, "FA", bseq, aseq + 1, 0)));
    v.push((T0 + S + 20 * MS, seg(a, b, "A", aseq + 1, bseq + 1, 0)));
    v
}

#[test]
fn client_close_assigned_active_time_wait_linux_and_windows() {
    let t = run(&closed_by(Role::Client, 54321), T0 + 300 * S);
    let lin = derive_under(t.connections(), &OsProfile::linux(), T0 + 300 * S);
    let tw_start = S + 20 * MS;
    assert_eq!(
        phases(&lin, 0, false),
        vec![
            (Phase::Assigned, 0, 20 * MS),
            (Phase::Active, 20 * MS, tw_start),
            (Phase::TimeWait, tw_start, tw_start + 60 * S),
        ]
    );
    assert!(
        phases(&lin, 0, true).is_empty(),
        "server holds no TIME-WAIT"
    );
    let win = derive_under(t.connections(), &OsProfile::windows(), T0 + 300 * S);
    assert_eq!(phases(&win, 0, false)[2].2, tw_start + 120 * S);
    assert_eq!(
        lin.phase_at(ep(2, 0).ip, 54321, T0 + 30 * S),
        Phase::TimeWait
    );
    assert_eq!(
        lin.phase_at(ep(2, 0).ip, 54321, T0 + 100 * S),
        Phase::Available
    );
}

#[test]
fn time_wait_outlasting_capture_runs_to_its_projected_end() {
    let t = run(&closed_by(Role::Client, 54321), T0 + 10 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 10 * S);
    let tw = m.spans.iter().find(|s| s.phase == Phase::TimeWait).unwrap();
    assert!(tw.truncated_by_capture_end, "its end was not observed");
    assert_eq!(tw.end_ns, tw.start_ns + 60 * S, "2×MSL of the profile");
    // The pool stays occupied after the last packet, as the kernel's would.
    assert_eq!(m.counts_at(T0 + 30 * S).time_wait, 1);
}

#[test]
fn an_end_state_past_the_last_packet_follows_the_profile_timers() {
    // The capture ends 10 s after the client's TIME-WAIT began: the socket is still in
    // TIME-WAIT after the capture, by the 60 s timer, and CLOSED once it fired.
    let t = run(&closed_by(Role::Client, 54321), T0 + 10 * S);
    let c = &t.connections()[0];
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 10 * S);
    let tw_start = T0 + S + 20 * MS;
    let at = |ns| m.end_state_at(c, Role::Client, ns);
    assert_eq!(
        at(T0 + 5 * S),
        EndState {
            state: TcpState::TimeWait,
            basis: Basis::Seen
        }
    );
    assert_eq!(
        at(T0 + 30 * S),
        EndState {
            state: TcpState::TimeWait,
            basis: Basis::Timer
        }
    );
    assert_eq!(
        at(tw_start + 60 * S),
        EndState {
            state: TcpState::Closed,
            basis: Basis::Timer
        }
    );
    // The port phase drawn beside it agrees at every moment.
    for s in [5, 30, 61, 62, 120] {
        let ns = T0 + s * S;
        let tw = m.phase_at(c.client.ip, 54321, ns) == Phase::TimeWait;
        assert_eq!(at(ns).state == TcpState::TimeWait, tw, "at {s} s");
    }
    // Under Windows' 120 s the same moment is still TIME-WAIT.
    let w = derive_under(t.connections(), &OsProfile::windows(), T0 + 10 * S);
    assert_eq!(
        w.end_state_at(c, Role::Client, tw_start + 60 * S).state,
        TcpState::TimeWait
    );
    // The server end was CLOSED by the capture's own last ACK.
    assert_eq!(
        m.end_state_at(c, Role::Server, T0 + 30 * S).basis,
        Basis::Seen
    );

    // An unanswered SYN: CLOSED when connect() gives up (127 s on Linux) if the capture
    // lasts that long; past a shorter capture's end its fate is unknown.
    let (cl, sv) = (ep(2, 40000), ep(5, 443));
    let p = vec![(T0, seg(cl, sv, "S", 100, 0, 0))];
    let t = run(&p, T0 + 500 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 500 * S);
    let c = &t.connections()[0];
    assert_eq!(
        m.end_state_at(c, Role::Client, T0 + 100 * S).state,
        TcpState::SynSent
    );
    assert_eq!(
        m.end_state_at(c, Role::Client, T0 + 127 * S),
        EndState {
            state: TcpState::Closed,
            basis: Basis::Timer
        }
    );
    let t = run(&p, T0 + 5 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 5 * S);
    let c = &t.connections()[0];
    assert_eq!(
        m.end_state_at(c, Role::Client, T0 + 200 * S),
        EndState {
            state: TcpState::SynSent,
            basis: Basis::Unknown
        }
    );

    // An open connection past the capture's end: its last state, said to be unknown.
    let mut p = closed_by(Role::Client, 50000);
    p.truncate(3);
    let t = run(&p, T0 + 2 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 2 * S);
    let c = &t.connections()[0];
    assert_eq!(m.end_state_at(c, Role::Client, T0 + S).basis, Basis::Seen);
    assert_eq!(
        m.end_state_at(c, Role::Client, T0 + 3 * S),
        EndState {
            state: TcpState::Established,
            basis: Basis::Unknown
        }
    );
}

#[test]
fn server_closing_first_puts_time_wait_on_server_row() {
    let t = run(&closed_by(Role::Server, 54321), T0 + 300 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 300 * S);
    let client = phases(&m, 0, false);
    assert_eq!(
        client.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![Phase::Assigned, Phase::Active]
    );
    let server: Vec<&PortSpan> = m.spans.iter().filter(|s| s.server_side).collect();
    assert_eq!(server.len(), 1);
    assert_eq!((server[0].host, server[0].port), (ep(5, 0).ip, 443));
    assert_eq!(server[0].remote, ep(2, 54321));
    assert_eq!(server[0].end_ns - server[0].start_ns, 60 * S);
    let row = m.rows.iter().find(|r| r.server_side).unwrap();
    assert_eq!(row.port, 443);
    assert_eq!(m.counts_at(T0 + 5 * S).server_time_wait, 1);
    assert_eq!(m.counts_at(T0 + 5 * S).time_wait, 0);
    // Before the server's FIN and after its 60 s TIME-WAIT, the server holds no socket there.
    // TIME-WAIT began when the server's ACK showed it had the client's FIN (T0 + 1.02 s), so
    // at T0 + 61.02 s it is over.
    assert_eq!(m.counts_at(T0 + 500 * MS).server_time_wait, 0);
    assert_eq!(m.counts_at(T0 + 61 * S + 20 * MS - 1).server_time_wait, 1);
    assert_eq!(m.counts_at(T0 + 61 * S + 20 * MS).server_time_wait, 0);
    assert_eq!(m.counts_at(T0 + 200 * S).server_time_wait, 0);
}

/// A connection still open when the capture ends, both directions seen: its Active span runs
/// to the capture's end and says it was cut there; its end is not "unseen" (that is for a
/// connection whose other direction is missing).
#[test]
fn an_open_connection_is_active_to_the_capture_end_and_cut_there() {
    let (c, s) = (ep(2, 54321), ep(5, 443));
    let p = vec![
        (T0, seg(c, s, "S", 100, 0, 0)),
        (T0 + 10 * MS, seg(s, c, "SA", 500, 101, 0)),
        (T0 + 20 * MS, seg(c, s, "A", 101, 501, 0)),
    ];
    let t = run(&p, T0 + 10 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 10 * S);
    assert_eq!(
        phases(&m, 0, false),
        vec![
            (Phase::Assigned, 0, 20 * MS),
            (Phase::Active, 20 * MS, 10 * S)
        ]
    );
    let active = m.spans.iter().find(|s| s.phase == Phase::Active).unwrap();
    assert!(active.truncated_by_capture_end);
    assert!(!active.end_unseen);
}

#[test]
fn unanswered_syn_is_assigned_until_connect_timeout() {
    let (c, s) = (ep(2, 54321), ep(5, 443));
    let p = vec![
        (T0, seg(c, s, "S", 100, 0, 0)),
        (T0 + S, seg(c, s, "S", 100, 0, 0)),
    ];
    let t = run(&p, T0 + 500 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 500 * S);
    assert_eq!(phases(&m, 0, false), vec![(Phase::Assigned, 0, 127 * S)]);
    let m = derive_under(t.connections(), &OsProfile::windows(), T0 + 500 * S);
    assert_eq!(phases(&m, 0, false), vec![(Phase::Assigned, 0, 21 * S)]);
    let t = run(&p, T0 + 5 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 5 * S);
    assert!(m.spans[0].truncated_by_capture_end);
}

/// An unanswered SYN in a capture that ends before connect() gives up: up to and at the
/// capture's last instant the client is SYN-SENT as seen; after it, what became of the attempt
/// is not in the capture.
#[test]
fn an_unanswered_syn_is_seen_in_syn_sent_to_the_capture_end_then_unknown() {
    let (c, s) = (ep(2, 54321), ep(5, 443));
    let t = run(&[(T0, seg(c, s, "S", 100, 0, 0))], T0 + 5 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 5 * S);
    let conn = &t.connections()[0];
    let at = |ts| m.end_state_at(conn, Role::Client, ts);
    let seen = end_state::EndState {
        state: TcpState::SynSent,
        basis: end_state::Basis::Seen,
    };
    assert_eq!(at(T0 + 2 * S), seen);
    assert_eq!(at(T0 + 5 * S), seen);
    assert_eq!(at(T0 + 6 * S).basis, end_state::Basis::Unknown);
}

/// A capture of the client's direction only, ending with the client's FIN: up to and at that
/// last packet the client's state is as seen; after it, though the capture goes on, the server's
/// answer is not in it, so the state is unknown.
#[test]
fn a_one_direction_connection_is_seen_to_its_last_packet_then_unknown() {
    let (c, s) = (ep(2, 54321), ep(5, 22));
    let p = vec![
        (T0, seg(c, s, "S", 100, 0, 0)),
        (T0 + 10 * MS, seg(c, s, "A", 101, 9001, 0)),
        (T0 + 20 * MS, seg(c, s, "PA", 101, 9001, 300)),
        (T0 + 30 * MS, seg(c, s, "FA", 401, 9001, 0)),
    ];
    let t = run(&p, T0 + 10 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 10 * S);
    let conn = &t.connections()[0];
    assert!(conn.end_unobservable());
    let at = |ts| {
        let e = m.end_state_at(conn, Role::Client, ts);
        (e.state, e.basis)
    };
    use end_state::Basis::{Seen, Unknown};
    assert_eq!(at(T0 + 25 * MS), (TcpState::Established, Seen));
    assert_eq!(at(T0 + 30 * MS), (TcpState::FinWait1, Seen));
    assert_eq!(at(T0 + S), (TcpState::FinWait1, Unknown));
}

#[test]
fn refused_is_assigned_until_the_rst() {
    let (c, s) = (ep(2, 54321), ep(5, 81));
    let p = vec![
        (T0, seg(c, s, "S", 100, 0, 0)),
        (T0 + MS, seg(s, c, "RA", 0, 101, 0)),
    ];
    let t = run(&p, T0 + 5 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 5 * S);
    assert_eq!(phases(&m, 0, false), vec![(Phase::Assigned, 0, MS)]);
}

#[test]
fn reuse_inside_time_wait_cuts_it_short() {
    let (c, s) = (ep(2, 54321), ep(5, 443));
    let mut p = closed_by(Role::Client, 54321);
    p.push((T0 + 10 * S, seg(c, s, "S", 7000, 0, 0)));
    p.push((T0 + 10 * S + MS, seg(s, c, "SA", 9000, 7001, 0)));
    let t = run(&p, T0 + 300 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 300 * S);
    let tw = m
        .spans
        .iter()
        .find(|s| s.phase == Phase::TimeWait && s.conn == 0)
        .unwrap();
    assert!(tw.cut_by_reuse);
    assert_eq!(tw.end_ns, T0 + 10 * S);
    assert_eq!((m.reused_4tuples, m.reused_during_time_wait), (1, 1));
    // Both connections share the row and one lane: they follow each other.
    let row = &m.rows[0];
    assert_eq!((row.uses, row.lanes), (2, 1));
    // A minute and a half later the TIME-WAIT would be over: reuse, but not during TIME-WAIT.
    let mut p = closed_by(Role::Client, 54321);
    p.push((T0 + 90 * S, seg(c, s, "S", 7000, 0, 0)));
    let t = run(&p, T0 + 300 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 300 * S);
    assert_eq!((m.reused_4tuples, m.reused_during_time_wait), (1, 0));
}

#[test]
fn one_port_to_two_destinations_at_once_gets_two_lanes() {
    let c = ep(2, 40000);
    let (s1, s2) = (ep(5, 443), ep(6, 443));
    let p = vec![
        (T0, seg(c, s1, "S", 100, 0, 0)),
        (T0 + MS, seg(s1, c, "SA", 500, 101, 0)),
        (T0 + 2 * MS, seg(c, s1, "A", 101, 501, 0)),
        (T0 + 3 * MS, seg(c, s2, "S", 800, 0, 0)),
        (T0 + 4 * MS, seg(s2, c, "SA", 900, 801, 0)),
        (T0 + 5 * MS, seg(c, s2, "A", 801, 901, 0)),
    ];
    let t = run(&p, T0 + S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + S);
    assert_eq!(m.rows.len(), 1);
    assert_eq!(m.rows[0].lanes, 2);
    let lanes: Vec<u16> = m.row_spans(&m.rows[0]).iter().map(|s| s.lane).collect();
    assert!(lanes.contains(&0) && lanes.contains(&1));
    // Per-destination pools see one port each; the host pool sees two.
    assert_eq!(m.hosts[0].peak.held(), 2);
    assert_eq!(m.destinations.len(), 2);
    assert!(m.destinations.iter().all(|d| d.peak.held() == 1));
}

#[test]
fn a_host_with_one_destination_shares_its_series_and_one_with_two_gets_one_each() {
    let (a, b) = (ep(2, 40000), ep(3, 50000));
    let (s1, s2) = (ep(5, 443), ep(6, 443));
    let mut p = Vec::new();
    for (i, (c, s)) in [(a, s1), (b, s1), (a, s2)].into_iter().enumerate() {
        let c = Endpoint::new(c.ip, c.port + i as u16);
        let t = T0 + i as i64 * 10 * MS;
        p.push((t, seg(c, s, "S", 100, 0, 0)));
        p.push((t + MS, seg(s, c, "SA", 500, 101, 0)));
        p.push((t + 2 * MS, seg(c, s, "A", 101, 501, 0)));
    }
    p.sort_by_key(|x| x.0);
    let t = run(&p, T0 + S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + S);
    let hosts: Vec<_> = m.hosts.iter().map(|h| (h.host, h.peak.held())).collect();
    assert_eq!(hosts, vec![(a.ip, 2), (b.ip, 1)]);
    // Sorted by (host, destination), as before the sharing.
    let dests: Vec<_> = m
        .destinations
        .iter()
        .map(|d| (d.host, d.destination.unwrap(), d.peak.held()))
        .collect();
    assert_eq!(dests, vec![(a.ip, s1, 1), (a.ip, s2, 1), (b.ip, s1, 1)]);
    assert!(std::ptr::eq(m.hosts[1].steps(), m.destinations[2].steps()));
    assert!(!std::ptr::eq(m.hosts[0].steps(), m.destinations[0].steps()));
}

/// Another capture of the same ports, ten seconds later: every span is on the row the
/// previous model puts it in, but the rows begin at other times, so the layout cannot be
/// reused and the model must be the fresh one.
#[test]
fn rederiving_from_the_same_ports_at_other_times_gives_the_fresh_model() {
    let end = T0 + 300 * S;
    let capture = |shift: i64| {
        let mut o = closed_by(Role::Client, 54321);
        o.extend(
            closed_by(Role::Client, 54322)
                .into_iter()
                .map(|(t, d)| (t + 2 * S, d)),
        );
        run(
            &o.into_iter()
                .map(|(t, d)| (t + shift, d))
                .collect::<Vec<_>>(),
            end,
        )
    };
    let (one, two) = (capture(0), capture(10 * S));
    let prev = derive_under(one.connections(), &OsProfile::linux(), end);
    for profile in [Profile::Windows, Profile::Linux] {
        let fresh = derive(two.connections(), &[], &profile, end);
        let re = rederive(&prev, two.connections(), &[], &profile, end);
        assert_eq!(re.rows, fresh.rows);
        assert_eq!(re.spans, fresh.spans);
    }
}

#[test]
fn rederiving_from_another_captures_model_falls_back_to_a_full_derivation() {
    let end = T0 + 300 * S;
    // The same number of spans (six), other ports: the layout check must catch it.
    let mut o = closed_by(Role::Client, 54321);
    o.extend(
        closed_by(Role::Client, 54322)
            .into_iter()
            .map(|(t, d)| (t + 2 * S, d)),
    );
    let one = run(&o, end);
    let mut p = closed_by(Role::Client, 50000);
    p.extend(
        closed_by(Role::Server, 50001)
            .into_iter()
            .map(|(t, d)| (t + 2 * S, d)),
    );
    let two = run(&p, end);
    let prev = derive_under(one.connections(), &OsProfile::linux(), end);
    assert_eq!(prev.spans.len(), 6);
    assert_eq!(
        derive_under(two.connections(), &OsProfile::linux(), end)
            .spans
            .len(),
        6
    );
    for profile in [Profile::Windows, Profile::Linux] {
        let fresh = derive(two.connections(), &[], &profile, end);
        let re = rederive(&prev, two.connections(), &[], &profile, end);
        assert_eq!(re.rows, fresh.rows);
        assert_eq!(re.spans, fresh.spans);
        assert_eq!(re.hosts, fresh.hosts);
    }
}

#[test]
fn occupancy_counts_and_percent() {
    let mut p = closed_by(Role::Client, 54321);
    p.extend(closed_by(Role::Client, 54322));
    p.sort_by_key(|x| x.0);
    let t = run(&p, T0 + 300 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 300 * S);
    let at = m.counts_at(T0 + 30 * S);
    assert_eq!((at.assigned, at.active, at.time_wait), (0, 0, 2));
    let h = &m.hosts[0];
    assert_eq!(h.peak.held(), 2);
    assert!((h.peak.occupancy_pct - 200.0 / 28232.0).abs() < 1e-9);
    assert_eq!(m.counts_at(T0 + 200 * S), Counts::default());
}

/// The counts at a moment (what `portlife live` prints) add every client host's ports: two
/// hosts each waiting on an unanswered SYN are 2 Assigned, and one of them with an open
/// connection besides is 1 Active.
#[test]
fn counts_at_a_moment_add_up_every_hosts_assigned_and_active_ports() {
    let s = ep(5, 443);
    let (a, b, b2) = (ep(2, 54321), ep(3, 40000), ep(3, 40001));
    let p = vec![
        (T0, seg(a, s, "S", 100, 0, 0)),
        (T0 + MS, seg(b, s, "S", 100, 0, 0)),
        (T0 + 2 * MS, seg(b2, s, "S", 700, 0, 0)),
        (T0 + 3 * MS, seg(s, b2, "SA", 900, 701, 0)),
        (T0 + 4 * MS, seg(b2, s, "A", 701, 901, 0)),
    ];
    let t = run(&p, T0 + 10 * S);
    let m = derive_under(t.connections(), &OsProfile::linux(), T0 + 10 * S);
    let at = m.counts_at(T0 + 5 * S);
    assert_eq!((at.assigned, at.active, at.time_wait), (2, 1, 0));
    assert_eq!(m.phase_at(b.ip, 40000, T0 + 5 * S), Phase::Assigned);
}

#[test]
fn auto_profile_guesses_and_says_so() {
    let t = run(&closed_by(Role::Client, 54321), T0 + S);
    let m = derive(t.connections(), &[], &Profile::Auto, T0 + S);
    assert_eq!(m.profile.name, "linux");
    let note = m.profile_note.json();
    assert!(note.starts_with("guessed"), "{note}");
    let t = run(&closed_by(Role::Client, 64000), T0 + S);
    let m = derive(t.connections(), &[], &Profile::Auto, T0 + S);
    assert_eq!(m.profile.name, "windows");
    let t = run(&closed_by(Role::Client, 20000), T0 + S);
    let m = derive(t.connections(), &[], &Profile::Auto, T0 + S);
    assert_eq!(m.profile.name, "freebsd");
}

/// One random segment between a client (two possible ports) and one server.
fn arb_segment() -> impl Strategy<Value = (bool, u16, &'static str, u32, u32, u32, i64)> {
    (
        any::<bool>(),
        prop::sample::select(vec![50000u16, 50001]),
        prop::sample::select(vec!["S", "SA", "A", "PA", "FA", "R", "RA"]),
        prop::sample::select(vec![100u32, 101, 102, 111, 112, 500, 501, 502, 7000]),
        prop::sample::select(vec![0u32, 101, 102, 112, 501, 502, 503, 7001]),
        prop::sample::select(vec![0u32, 0, 10]),
        prop::sample::select(vec![MS, S, 30 * S, 90 * S]),
    )
}

proptest! {
    #[test]
    fn random_segments_never_panic_and_phases_never_overlap(
        segs in prop::collection::vec(arb_segment(), 1..60)
    ) {
        let server = ep(5, 443);
        let mut t = Tracker::new();
        let mut ts = T0;
        for (i, (from_client, port, flags, sq, ak, len, dt)) in segs.iter().enumerate() {
            let client = ep(2, *port);
            let (a, b) = if *from_client { (client, server) } else { (server, client) };
            ts += dt;
            t.push(i as u64, ts, &seg(a, b, flags, *sq, *ak, *len));
            // state_at never panics on any id / time.
            let _ = t.state_at(i as u32, ts);
        }
        let end = ts + S;
        t.finish(end);
        let conns = t.connections();
        for profile in [OsProfile::linux(), OsProfile::windows()] {
            let m = derive_under(conns, &profile, end);
            // Phases of one (host, port, remote) never overlap.
            let mut by_key: HashMap<_, Vec<&PortSpan>> = HashMap::new();
            for s in m.spans.iter() {
                prop_assert!(s.start_ns <= s.end_ns);
                // Only a TIME-WAIT outlives the capture, and only to its projected 2×MSL end.
                prop_assert!(
                    s.end_ns <= end
                        || (s.phase == Phase::TimeWait
                            && s.truncated_by_capture_end
                            && s.end_ns - s.start_ns <= profile.time_wait_ns)
                );
                by_key.entry((s.host, s.port, s.remote)).or_default().push(s);
            }
            for spans in by_key.values_mut() {
                spans.sort_by_key(|s| (s.start_ns, s.end_ns));
                for w in spans.windows(2) {
                    prop_assert!(w[0].end_ns <= w[1].start_ns, "overlap: {:?} {:?}", w[0], w[1]);
                }
            }
            // TIME-WAIT only follows an active close: the endpoint sent a FIN first.
            for s in m.spans.iter().filter(|s| s.phase == Phase::TimeWait) {
                let c = &conns[s.conn as usize];
                let side = if s.server_side { &c.server_side } else { &c.client_side };
                let fin = side.transitions.iter().position(|t| t.to == TcpState::FinWait1);
                let tw = side.transitions.iter().position(|t| t.to == TcpState::TimeWait);
                prop_assert!(c.closed_first.is_some());
                prop_assert!(matches!((fin, tw), (Some(f), Some(w)) if f < w));
            }
            // Lanes stay inside the row.
            for r in &m.rows {
                prop_assert!(m.row_spans(r).iter().all(|s| s.lane < r.lanes));
            }
        }
        // Every recorded transition is a real change and times never go backwards.
        for c in conns {
            for side in [&c.client_side, &c.server_side] {
                for w in side.transitions.windows(2) {
                    prop_assert_eq!(w[0].to, w[1].from);
                    prop_assert!(w[0].ts_ns <= w[1].ts_ns);
                }
                prop_assert!(side.transitions.iter().all(|t| t.from != t.to));
            }
        }
    }
}

/// The old, allocation-per-row lane colouring, kept as the reference for [`Lanes`].
fn reference_lanes(row: &mut [PortSpan]) -> (u16, u32) {
    let mut index: HashMap<(bool, u32), usize> = HashMap::new();
    let mut uses: Vec<(i64, i64)> = Vec::new();
    for s in row.iter() {
        let k = *index.entry((s.udp, s.conn)).or_insert_with(|| {
            uses.push((s.start_ns, s.end_ns));
            uses.len() - 1
        });
        uses[k].1 = uses[k].1.max(s.end_ns);
    }
    let mut free: BinaryHeap<Reverse<(i64, u16)>> = BinaryHeap::new();
    let mut lanes: u16 = 0;
    let mut lane_of = Vec::new();
    for &(start, end) in &uses {
        let lane = match free.peek() {
            Some(Reverse((at, l))) if *at <= start => {
                let l = *l;
                free.pop();
                l
            }
            _ => {
                lanes += 1;
                lanes - 1
            }
        };
        free.push(Reverse((end, lane)));
        lane_of.push(lane);
    }
    for s in row.iter_mut() {
        s.lane = lane_of[index[&(s.udp, s.conn)]];
    }
    (lanes.max(1), uses.len() as u32)
}

proptest! {
    /// Lanes with scratch space and a short search give what the plain colouring gives, also
    /// for rows with many more uses than the search covers, and with scratch reused across rows.
    #[test]
    fn lanes_match_the_plain_colouring(
        rows in proptest::collection::vec(
            proptest::collection::vec((0u32..40, proptest::bool::ANY, 0i64..1000, 0i64..300), 1..60),
            1..4,
        )
    ) {
        let mut lanes = Lanes::default();
        for uses in rows {
            let mut row: Vec<PortSpan> = Vec::new();
            for (conn, udp, start, len) in uses {
                row.push(PortSpan {
                    host: ep(2, 40000).ip,
                    port: 40000,
                    remote: ep(5, 80),
                    conn,
                    phase: Phase::Active,
                    start_ns: start,
                    end_ns: start + len,
                    lane: 99,
                    truncated_by_capture_end: false,
                    cut_by_reuse: false,
                    end_unseen: false,
                    server_side: false,
                    udp,
                });
            }
            row.sort_by_key(|s| (s.start_ns, s.udp, s.conn, s.phase));
            let mut expected = row.clone();
            let want = reference_lanes(&mut expected);
            let got = lanes.assign(&mut row);
            prop_assert_eq!(got, want);
            prop_assert_eq!(
                row.iter().map(|s| s.lane).collect::<Vec<_>>(),
                expected.iter().map(|s| s.lane).collect::<Vec<_>>()
            );
        }
    }
}

/// A RST in TIME-WAIT ends it there (RFC 9293 §3.10.7.4: TIME-WAIT enters CLOSED on a RST, which
/// Linux honours unless net.ipv4.tcp_rfc1337 is set): the port is Available at once, whatever
/// the profile's 2×MSL.
#[test]
fn a_rst_in_time_wait_ends_it_at_the_rst() {
    let (c, s) = (ep(2, 54321), ep(5, 443));
    let mut p = closed_by(Role::Client, 54321);
    p.push((T0 + 3 * S, seg(s, c, "R", 502, 0, 0)));
    let t = run(&p, T0 + 300 * S);
    for profile in [OsProfile::linux(), OsProfile::windows()] {
        let m = derive_under(t.connections(), &profile, T0 + 300 * S);
        assert_eq!(
            phases(&m, 0, false)[2],
            (Phase::TimeWait, S + 20 * MS, 3 * S),
            "{}",
            profile.name
        );
        assert_eq!(m.phase_at(c.ip, 54321, T0 + 4 * S), Phase::Available);
    }
}

/// Two clients, two systems: each one's TIME-WAIT and pool follow its own profile, and an
/// override moves its host alone.
#[test]
fn each_client_host_times_its_ports_under_its_own_profile() {
    let mut p = closed_by(Role::Client, 54321);
    let other = closed_by(Role::Client, 40000);
    // The second client is host .3 (closed_by's client is .2).
    let (c2, s) = (ep(3, 40000), ep(5, 443));
    p.extend(other.iter().enumerate().map(|(i, (ts, _))| {
        let d = match i {
            0 => seg(c2, s, "S", 100, 0, 0),
            1 => seg(s, c2, "SA", 500, 101, 0),
            2 => seg(c2, s, "A", 101, 501, 0),
            3 => seg(c2, s, "FA", 101, 501, 0),
            4 => seg(s, c2, "FA", 501, 102, 0),
            _ => seg(c2, s, "A", 102, 502, 0),
        };
        (*ts + 5 * MS, d)
    }));
    p.sort_by_key(|x| x.0);
    let t = run(&p, T0 + 300 * S);
    let mut choice = Profiles::from(Profile::Linux);
    choice.set_host(c2.ip, Profile::Windows);
    let m = derive(t.connections(), &[], &choice, T0 + 300 * S);
    let tw = |host| {
        m.spans
            .iter()
            .find(|s| s.host == host && s.phase == Phase::TimeWait)
            .map(|s| s.end_ns - s.start_ns)
    };
    assert_eq!(tw(ep(2, 0).ip), Some(60 * S));
    assert_eq!(tw(c2.ip), Some(120 * S));
    let size = |host| m.hosts.iter().find(|h| h.host == host).unwrap().range_size;
    assert_eq!((size(ep(2, 0).ip), size(c2.ip)), (28232, 16384));
    assert_eq!(m.profile_of(c2.ip).name, "windows");
    assert_eq!(m.host_profiles.len(), 1);
}

proptest! {
    /// Moving the spans into their rows puts each where the layout says, whatever the cycles of
    /// the permutation, and leaves the layout as it was (the model keeps it).
    #[test]
    fn permute_puts_every_span_where_the_layout_says(
        order in Just((0..200u32).collect::<Vec<u32>>()).prop_shuffle(),
        n in 0usize..200,
    ) {
        let layout: Vec<u32> = order.iter().copied().filter(|&i| (i as usize) < n).collect();
        let mut spans: Vec<PortSpan> = (0..n)
            .map(|i| client_span(i as u32, 80, Phase::Active, 0, 1))
            .collect();
        let kept = layout.clone();
        permute(&mut spans, &layout);
        prop_assert_eq!(&layout, &kept);
        for (i, &d) in layout.iter().enumerate() {
            prop_assert_eq!(spans[d as usize].conn, i as u32);
        }
    }
}

/// A client span of 10.0.0.2 (port 40000 + `conn`) towards 10.0.0.9:`remote_port`.
pub(crate) fn client_span(
    conn: u32,
    remote_port: u16,
    phase: Phase,
    start_ns: i64,
    end_ns: i64,
) -> PortSpan {
    PortSpan {
        host: IpAddr::from([10, 0, 0, 2]),
        port: 40000 + conn as u16,
        remote: Endpoint::new(IpAddr::from([10, 0, 0, 9]), remote_port),
        conn,
        phase,
        start_ns,
        end_ns,
        lane: 0,
        truncated_by_capture_end: false,
        cut_by_reuse: false,
        end_unseen: false,
        server_side: false,
        udp: false,
    }
}
