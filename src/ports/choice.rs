//! Port choice: the order in which a host picked its client ports (port vs. connection index),
//! and a one-sentence reading of the pattern. Only what primary sources support is said:
//!
//! - **Linux** `connect()` (net/ipv4/inet_hashtables.c, `__inet_hash_connect`): the kernel's own
//!   comment names RFC 6056 §3.3.4, "Algorithm 4: Double-Hash Port Selection Algorithm": a
//!   per-destination hash gives the starting offset, a perturbation table (`table_perturb`)
//!   indexed by a second hash moves it on after each connection (`table_perturb[index] += i + 2`),
//!   so consecutive connections to one destination take ports 2 apart. "In first pass we try
//!   ports of @low parity. inet_csk_get_port() does the opposite choice": since commit
//!   07f4c90062f8 ("tcp/dccp: try to not exhaust ip_local_port_range in connect()", May 2015,
//!   Linux 4.2) connect() favours the parity of the range's low end (even for 32768) and leaves
//!   the other parity to bind(); only when that half is exhausted does it scan the other parity.
//!   Commit c579bd1b4021 ("tcp: add some entropy in __inet_hash_connect()", 2022) adds random
//!   noise to the step (up to 7 × 2 more), so newer kernels step by small even amounts.
//! - **Sequential** choice (each new port is the previous + 1) is what a capture shows when the
//!   stack walks the range one by one; HSC's article on Windows ephemeral port allocation
//!   (hsc.fr/ressources/articles/win_net_srv/ephem_port_alloc.html, §2.4) reports for Windows
//!   XP/2003 that "dynamic ports are allocated incrementally". portlife claims no more about newer
//!   Windows than the capture shows.
//! - Anything else is **spread**: consistent with the randomized algorithms of RFC 6056 §3.3.1,
//!   §3.3.2 and §3.3.5, or with Algorithm 3/4 across many destinations (§3.3.3, §3.3.4);
//!   a capture cannot tell these apart.

use std::net::IpAddr;

use serde::Serialize;

use super::PortModel;

/// One connection's port, in the order the host opened them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PortChoice {
    /// Connection id.
    pub conn: u32,
    pub port: u16,
    /// When the connection took the port (ns since the Unix epoch).
    pub at_ns: i64,
}

/// The TCP client ports `host` chose, in the order it took them (UDP flows and server-side
/// TIME-WAIT rows are left out: the question is how connect() picks).
pub fn port_choices(model: &PortModel, host: IpAddr) -> Vec<PortChoice> {
    let mut firsts: std::collections::HashMap<u32, PortChoice> = Default::default();
    for s in model
        .spans
        .iter()
        .filter(|s| s.host == host && !s.server_side && !s.udp)
    {
        let e = firsts.entry(s.conn).or_insert(PortChoice {
            conn: s.conn,
            port: s.port,
            at_ns: s.start_ns,
        });
        e.at_ns = e.at_ns.min(s.start_ns);
    }
    let mut v: Vec<PortChoice> = firsts.into_values().collect();
    v.sort_by_key(|c| (c.at_ns, c.conn));
    v
}

/// What the order of the ports suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ChoicePattern {
    /// Too few connections to say anything.
    TooFew,
    /// Most new ports are the previous one + 1.
    Sequential,
    /// Every port has one parity (the Linux connect() first pass).
    OneParity { even: bool },
    /// Long blocks of one parity: one parity first, the other once that half was used up
    /// (possibly several rounds).
    OneParityThenOther { first_even: bool },
    /// No order visible.
    Spread,
}

/// The pattern with the numbers behind it and a sentence for people.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceReading {
    pub pattern: ChoicePattern,
    pub connections: u32,
    /// Share of consecutive pairs whose port went up by exactly 1, in %.
    pub plus_one_pct: f64,
    /// Share of consecutive pairs whose port went up by exactly 2, in %.
    pub plus_two_pct: f64,
    /// Share of even ports, in %.
    pub even_pct: f64,
    pub sentence: String,
}

/// Below this many connections the reading is [`ChoicePattern::TooFew`].
pub const MIN_CONNECTIONS: usize = 6;

/// Read the pattern of `ports`, in the order they were chosen.
pub fn read_choice(ports: &[u16]) -> ChoiceReading {
    let n = ports.len();
    let pairs = n.saturating_sub(1).max(1) as f64;
    let step_share = |k: i32| {
        ports
            .windows(2)
            .filter(|w| w[1] as i32 - w[0] as i32 == k)
            .count() as f64
            * 100.0
            / pairs
    };
    let plus_one_pct = step_share(1);
    let plus_two_pct = step_share(2);
    let evens = ports.iter().filter(|p| p.is_multiple_of(2)).count();
    let even_pct = evens as f64 * 100.0 / n.max(1) as f64;
    let pattern = classify(ports, plus_one_pct);
    let sentence = sentence(pattern, n, plus_one_pct, plus_two_pct);
    ChoiceReading {
        pattern,
        connections: n as u32,
        plus_one_pct,
        plus_two_pct,
        even_pct,
        sentence,
    }
}

fn classify(ports: &[u16], plus_one_pct: f64) -> ChoicePattern {
    let n = ports.len();
    if n < MIN_CONNECTIONS {
        return ChoicePattern::TooFew;
    }
    if plus_one_pct >= 70.0 {
        return ChoicePattern::Sequential;
    }
    let first_even = ports[0].is_multiple_of(2);
    // Parity changes between consecutive ports: none = one parity throughout; a few (≤ 5 % of
    // the pairs) = long blocks of one parity, the other taken only once the first was used up.
    let changes = ports
        .windows(2)
        .filter(|w| w[0].is_multiple_of(2) != w[1].is_multiple_of(2))
        .count();
    let first_block = ports
        .iter()
        .take_while(|p| p.is_multiple_of(2) == first_even)
        .count();
    if changes == 0 {
        ChoicePattern::OneParity { even: first_even }
    } else if changes * 20 <= n && first_block >= MIN_CONNECTIONS / 2 {
        ChoicePattern::OneParityThenOther { first_even }
    } else {
        ChoicePattern::Spread
    }
}

fn parity(even: bool) -> &'static str {
    if even {
        "even"
    } else {
        "odd"
    }
}

fn sentence(p: ChoicePattern, n: usize, plus_one: f64, plus_two: f64) -> String {
    match p {
        ChoicePattern::TooFew => {
            format!(
                "Only {}: too few to read a pattern (need {MIN_CONNECTIONS}).",
                crate::i18n::english_count(n as u64, "connection")
            )
        }
        ChoicePattern::Sequential => format!(
            "Sequential: {plus_one:.0} % of new ports are the previous one + 1 — the stack walks \
             the range in order (incremental allocation, as reported for Windows), so the next \
             port is predictable."
        ),
        ChoicePattern::OneParity { even } => format!(
            "Every port is {}, {plus_two:.0} % of them 2 above the previous one: Linux connect() \
             since 4.2 tries the range start's parity first (leaving the other to bind()) and \
             steps a per-destination offset by 2 (RFC 6056 §3.3.4, Algorithm 4).",
            parity(even)
        ),
        ChoicePattern::OneParityThenOther { first_even } => format!(
            "{} ports first, then {} ones: Linux connect() used up its preferred parity half of \
             the range and fell back to the other half — a sign the pool was exhausted.",
            capitalised(parity(first_even)),
            parity(!first_even)
        ),
        ChoicePattern::Spread => "No order: consistent with randomized choice (RFC 6056 \
             §3.3.1, §3.3.2, §3.3.5) or hash-based choice across many destinations (§3.3.3, \
             §3.3.4); a capture cannot tell which."
            .to_string(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A host's choices are its own TCP client ports in the order it took them: another host's
    /// connections in between are not among them.
    #[test]
    fn a_hosts_choices_are_its_own_ports_in_the_order_taken() {
        use crate::ports::{derive_under, OsProfile};
        use crate::tcp::testutil::{ep, seg};
        use crate::tcp::Tracker;
        const MS: i64 = 1_000_000;
        let server = ep(9, 443);
        let mut t = Tracker::new();
        let mut i = 0;
        for (k, (host, port)) in [(2, 40004), (3, 50000), (2, 40002), (3, 50001), (2, 40006)]
            .into_iter()
            .enumerate()
        {
            let (c, at) = (ep(host, port), 1_700_000_000_000 * MS + k as i64 * 10 * MS);
            for (dt, d) in [
                (0, seg(c, server, "S", 100, 0, 0)),
                (MS, seg(server, c, "SA", 500, 101, 0)),
                (2 * MS, seg(c, server, "A", 101, 501, 0)),
            ] {
                t.push(i, at + dt, &d);
                i += 1;
            }
        }
        let end = 1_700_000_000_000 * MS + 1_000 * MS;
        t.finish(end);
        let m = derive_under(t.connections(), &OsProfile::linux(), end);
        let ports: Vec<u16> = port_choices(&m, ep(2, 0).ip)
            .iter()
            .map(|c| c.port)
            .collect();
        assert_eq!(ports, vec![40004, 40002, 40006]);
    }

    /// Blocks of one parity read as the other half taken once the first ran out only when the
    /// changes are few (at most one pair in twenty) and the first block is not a stray port or
    /// two.
    #[test]
    fn one_parity_then_the_other_needs_few_changes_and_a_real_first_block() {
        // 40 ports: even, then odd, then even again — two changes in 39 pairs (≤ 1 in 20).
        let mut ports: Vec<u16> = (0..20).map(|i| 40000 + 2 * i).collect();
        ports.extend((0..19).map(|i| 40001 + 2 * i));
        ports.push(40100);
        assert_eq!(
            read_choice(&ports).pattern,
            ChoicePattern::OneParityThenOther { first_even: true }
        );
        // A first block of four: short, but the half it ran through was small.
        let mut short: Vec<u16> = (0..4).map(|i| 40000 + 2 * i).collect();
        short.extend((0..36).map(|i| 40001 + 2 * i));
        assert_eq!(
            read_choice(&short).pattern,
            ChoicePattern::OneParityThenOther { first_even: true }
        );
        // A first block of one port: a stray, not a parity half used up.
        let mut stray = vec![40001u16];
        stray.extend((0..39).map(|i| 40000 + 2 * i));
        assert_eq!(read_choice(&stray).pattern, ChoicePattern::Spread);
        // Six changes in 39 pairs: more than one in twenty.
        let mut mixed: Vec<u16> = Vec::new();
        for block in 0..7u16 {
            mixed.extend((0..5).map(|i| 40000 + block * 100 + 2 * i + block % 2));
        }
        mixed.extend((0..5).map(|i| 41000 + 2 * i));
        assert_eq!(read_choice(&mixed).pattern, ChoicePattern::Spread);
    }

    #[test]
    fn too_few_connections_are_counted_in_words() {
        assert!(read_choice(&[40000])
            .sentence
            .starts_with("Only 1 connection:"));
        assert!(read_choice(&[40000, 40010])
            .sentence
            .starts_with("Only 2 connections:"));
    }

    /// The share of even ports is of all the ports read.
    #[test]
    fn the_even_share_is_of_all_ports() {
        let r = read_choice(&[2, 4, 6, 7, 9, 11, 13, 15]);
        assert_eq!(r.even_pct, 37.5);
    }

    #[test]
    fn plus_one_steps_read_as_sequential() {
        let ports: Vec<u16> = (54321..54330).collect();
        let r = read_choice(&ports);
        assert_eq!(r.pattern, ChoicePattern::Sequential);
        assert!(r.sentence.starts_with("Sequential"));
    }

    #[test]
    fn even_steps_of_two_read_as_linux_connect() {
        let ports: Vec<u16> = (0..20).map(|i| 41774 + 2 * i).collect();
        let r = read_choice(&ports);
        assert_eq!(r.pattern, ChoicePattern::OneParity { even: true });
        assert_eq!(r.plus_two_pct, 100.0);
        assert!(r.sentence.contains("§3.3.4"));
    }

    #[test]
    fn even_then_odd_reads_as_exhaustion() {
        let mut ports: Vec<u16> = (0..100).map(|i| 40000 + 2 * i).collect();
        ports.extend((0..100).map(|i| 40001 + 2 * i));
        let r = read_choice(&ports);
        assert_eq!(
            r.pattern,
            ChoicePattern::OneParityThenOther { first_even: true }
        );
        assert!(r.sentence.starts_with("Even ports first"));
        // A second round (the exhaustion sample: 400 connections over 200 ports) reads the same.
        let again = [ports.clone(), ports].concat();
        assert_eq!(
            read_choice(&again).pattern,
            ChoicePattern::OneParityThenOther { first_even: true }
        );
    }

    #[test]
    fn alternating_parity_is_not_a_parity_preference() {
        let ports: Vec<u16> = (0..40).map(|i| 40000 + 3 * i).collect();
        assert_eq!(read_choice(&ports).pattern, ChoicePattern::Spread);
    }

    #[test]
    fn scattered_ports_read_as_spread() {
        let ports = [40001, 51234, 33333, 60000, 45002, 38887, 59999, 41000];
        assert_eq!(read_choice(&ports).pattern, ChoicePattern::Spread);
    }

    #[test]
    fn few_connections_say_so() {
        assert_eq!(read_choice(&[1, 2, 3]).pattern, ChoicePattern::TooFew);
        assert_eq!(read_choice(&[]).pattern, ChoicePattern::TooFew);
    }
}
