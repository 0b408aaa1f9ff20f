//! TIME-WAIT: the pile-up of one connection per request, a 4-tuple reused while its TIME-WAIT ran, a TIME-WAIT ended by a RST, and servers that close first (and so hold the TIME-WAIT themselves).

use super::*;

// ---------------------------------------------------------------------------------------------
// TIME-WAIT pile-up.

/// A pile-up needs at least this many short connections from one host to one destination, each
/// closed by the client (so its port went to TIME-WAIT). Fewer is ordinary traffic.
pub(super) const PILEUP_MIN_CONNECTIONS: usize = 50;
/// "Short": from the first SYN to the client's TIME-WAIT in under this long.
pub(super) const PILEUP_SHORT_NS: i64 = S;

/// A candidate TIME-WAIT pile-up: one client host's short, client-closed connections to one
/// destination, with the figures its finding quotes.
pub(super) struct Pileup {
    pub(super) host: IpAddr,
    pub(super) dst: Endpoint,
    pub(super) connections: Vec<u32>,
    pub(super) median_lifetime_ns: i64,
    pub(super) median_sent: i64,
    pub(super) median_received: i64,
    pub(super) first_ns: i64,
    pub(super) last_ns: i64,
}

/// The pile-ups of [`time_wait_pileup`], from the connections alone (the peak number of ports
/// in TIME-WAIT comes from the pool series later). Sorted by host and destination.
pub(super) fn pileups(conns: &[Connection]) -> Vec<Pileup> {
    /// What a pile-up quotes of one member, copied out in the one pass over the records: the
    /// figures are read per group, and a group's records lie far apart (one in every few dozen
    /// when many pairs interleave), so reading them again through references missed the cache
    /// on every one.
    struct Member {
        id: u32,
        lifetime_ns: i64,
        sent: i64,
        received: i64,
        start_ns: i64,
    }
    let mut groups: HashMap<(IpAddr, Endpoint), Vec<Member>> = HashMap::default();
    for c in conns {
        let Some(tw) = c.client_side.entered(TcpState::TimeWait) else {
            continue;
        };
        let lifetime_ns = tw.ts_ns - c.start_ns;
        if c.closed_first == Some(Role::Client) && lifetime_ns < PILEUP_SHORT_NS {
            groups
                .entry((c.client.ip, c.server))
                .or_default()
                .push(Member {
                    id: c.id,
                    lifetime_ns,
                    sent: c.client_side.bytes as i64,
                    received: c.server_side.bytes as i64,
                    start_ns: c.start_ns,
                });
        }
    }
    let mut groups: Vec<_> = groups
        .into_iter()
        .filter(|(_, ms)| ms.len() >= PILEUP_MIN_CONNECTIONS)
        .collect();
    groups.sort_unstable_by_key(|(k, _)| *k);
    groups
        .into_iter()
        .map(|((host, dst), ms)| Pileup {
            host,
            dst,
            connections: ms.iter().map(|m| m.id).collect(),
            median_lifetime_ns: median(ms.iter().map(|m| m.lifetime_ns).collect()),
            median_sent: median(ms.iter().map(|m| m.sent).collect()),
            median_received: median(ms.iter().map(|m| m.received).collect()),
            first_ns: ms.iter().map(|m| m.start_ns).min().unwrap_or(0),
            last_ns: ms.iter().map(|m| m.start_ns).max().unwrap_or(0),
        })
        .collect()
}

/// Many short connections from one client host to one destination, each leaving a port in
/// TIME-WAIT (the client closed first): one connection per request.
pub(super) fn time_wait_pileup(pileups: &[Pileup], pools: Pools<'_>, out: &mut Vec<Finding>) {
    for p in pileups {
        let Pileup {
            host,
            dst,
            ref connections,
            median_lifetime_ns: med_ns,
            median_sent: sent,
            median_received: recv,
            first_ns: first,
            last_ns: last,
        } = *p;
        let n = connections.len();
        let span_s = (last - first) as f64 / 1e9;
        let profile = pools.profiles.of(host);
        let range = profile.range_size();
        let per_s = n as f64 / span_s.max(1e-3);
        let lasts_s = range as f64 / per_s;
        let peak_tw = pools
            .destinations
            .iter()
            .find(|d| d.host == host && d.destination == Some(dst))
            .map(|d| d.most_time_wait)
            .unwrap_or(0);
        let tw_s = profile.time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::TimeWaitPileup,
            Severity::Warning,
            "ch08-good-practice.md",
        );
        f.connections = connections.clone();
        f.ports = vec![Endpoint::new(host, 0), dst];
        f.say(args![
            count = n,
            host = host.to_string(),
            destination = dst.to_string(),
            span = format!("{span_s:.1}"),
            lifetime = fmt_ms(med_ns),
            peak = peak_tw,
            sent = sent,
            received = recv,
            time_wait_s = tw_s,
            profile = &profile.label,
            rate = format!("{per_s:.0}"),
            range = range,
            lasts = format!("{lasts_s:.0}"),
        ]);
        f = f
            .ev("connections", n)
            .ev("median_lifetime_ms", round1(med_ns as f64 / 1e6))
            .ev("median_client_bytes", sent)
            .ev("median_server_bytes", recv)
            .ev("peak_time_wait", peak_tw)
            .ev("time_wait_s", tw_s)
            .ev("first_ns", first)
            .ev("last_ns", last);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Port reused while in TIME-WAIT.

/// Every connection whose SYN cut short its 4-tuple's previous TIME-WAIT (as the profile times
/// it): Wireshark's "TCP port numbers reused". One finding per (client host, destination).
pub(super) fn port_reused_in_time_wait(
    conns: &[Connection],
    ports: &PortModel,
    out: &mut Vec<Finding>,
) {
    /// (new connection id, ns since the TIME-WAIT began, client port, server-side TIME-WAIT).
    type Reuse = (u32, i64, u16, bool);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Reuse>> = BTreeMap::new();
    for s in ports
        .spans
        .iter()
        .filter(|s| s.phase == Phase::TimeWait && s.cut_by_reuse && !s.udp)
    {
        let Some(prev) = conns.get(s.conn as usize) else {
            continue;
        };
        let Some(next) = prev.next_generation.and_then(|n| conns.get(n as usize)) else {
            continue;
        };
        groups
            .entry((prev.client.ip, prev.server))
            .or_default()
            .push((
                next.id,
                next.start_ns - s.start_ns,
                prev.client.port,
                s.server_side,
            ));
    }
    for ((host, dst), mut v) in groups {
        v.sort_unstable();
        v.dedup_by_key(|x| x.0);
        let after = median(v.iter().map(|x| x.1).collect());
        let server_side = v.iter().any(|x| x.3);
        // The TIME-WAIT cut short was the client's, unless only the server's ever was.
        let waited = if v.iter().all(|x| x.3) { dst.ip } else { host };
        let tw_s = ports.profile_of(waited).time_wait_ns / S;
        let mut f = Finding::new(
            FindingKind::PortReusedInTimeWait,
            Severity::Warning,
            "ch04-time-wait.md",
        );
        f.connections = v.iter().map(|x| x.0).collect();
        f.say(args![
            count = v.len(),
            host = host.to_string(),
            destination = dst.to_string(),
            after = format!("{:.1}", after as f64 / 1e9),
            time_wait_s = tw_s,
            side = if server_side { "server" } else { "client" },
        ]);
        f.ports = ports_then(host, v.iter().map(|x| x.2), dst);
        f = f
            .ev("reuses", v.len())
            .ev("median_reuse_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// TIME-WAIT ended by a RST.

/// Every TIME-WAIT a RST ended early, one finding per (host holding it, other end). Linux
/// honours such a RST while `net.ipv4.tcp_rfc1337` is 0, its default (tcp_timewait_state_process:
/// "TIME_WAIT assassination"); RFC 1337 §3 recommends ignoring it.
pub(super) fn time_wait_ended_by_rst(
    conns: &[Connection],
    ports: &PortModel,
    out: &mut Vec<Finding>,
) {
    /// (connection id, ns the TIME-WAIT lasted, port).
    type Ended = (u32, i64, u16);
    let mut groups: BTreeMap<(IpAddr, Endpoint), Vec<Ended>> = BTreeMap::new();
    for c in conns {
        for (side, holder, other) in [
            (&c.client_side, c.client, c.server),
            (&c.server_side, c.server, c.client),
        ] {
            let Some(tw) = side.entered(TcpState::TimeWait) else {
                continue;
            };
            let ended = side
                .transitions
                .iter()
                .find(|t| t.from == TcpState::TimeWait && t.to == TcpState::Closed);
            if let Some(e) = ended {
                groups.entry((holder.ip, other)).or_default().push((
                    c.id,
                    e.ts_ns - tw.ts_ns,
                    holder.port,
                ));
            }
        }
    }
    for ((host, other), v) in groups {
        let tw_s = ports.profile_of(host).time_wait_ns / S;
        let after = median(v.iter().map(|x| x.1).collect());
        let mut f = Finding::new(
            FindingKind::TimeWaitEndedByRst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.say(args![
            count = v.len(),
            host = host.to_string(),
            other = other.to_string(),
            after = format!("{:.1}", after as f64 / 1e9),
            time_wait_s = tw_s,
        ]);
        f.connections = v.iter().map(|x| x.0).collect();
        f.ports = ports_then(host, v.iter().map(|x| x.2), other);
        f = f
            .ev("ended", v.len())
            .ev("median_after_ms", after / MS)
            .ev("time_wait_s", tw_s);
        out.push(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Who closes first.

/// A server closes first in at least this many connections…
pub(super) const SERVER_CLOSE_MIN: usize = 10;

/// …and in at least half of its connections: TIME-WAIT accumulates on the server. One server
/// close now and then (an idle timeout, `Connection: close` on an error) is ordinary.
pub(super) fn server_closes_first(conns: &[Connection], out: &mut Vec<Finding>) {
    // Per server: its connections, and the ids of those it closed first. Counted in one pass;
    // the records are not visited again.
    let mut servers: HashMap<Endpoint, (usize, Vec<u32>)> = HashMap::default();
    for c in conns {
        let (count, first) = servers.entry(c.server).or_default();
        *count += 1;
        if c.closed_first == Some(Role::Server) {
            first.push(c.id);
        }
    }
    let mut servers: Vec<_> = servers.into_iter().collect();
    servers.sort_unstable_by_key(|(srv, _)| *srv);
    for (srv, (count, first)) in servers {
        if first.len() < SERVER_CLOSE_MIN || first.len() * 2 < count {
            continue;
        }
        let mut f = Finding::new(
            FindingKind::ServerClosesFirst,
            Severity::Info,
            "ch04-time-wait.md",
        );
        f.say(args![
            server = srv.to_string(),
            closed = first.len(),
            count = count,
        ]);
        f.ports = vec![srv];
        f = f
            .ev("server_closed_first", first.len())
            .ev("connections", count);
        f.connections = first;
        out.push(f);
    }
}
