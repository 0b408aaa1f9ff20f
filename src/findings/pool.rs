//! Port pool pressure: a host's client ports held at once against its range, and ports used outside the range the profile gives.

use super::*;

/// The range a host's kernel really used, when the capture proves it is narrower than the
/// profile's: the host's TCP client ports (SYN seen) fill a contiguous block of
/// ≥ [`crate::ports::profile::OBSERVED_RANGE_MIN_PORTS`] ports completely, no port outside it, and *every* port of the
/// block was used by more than one connection. A kernel picking from a wide range would not come
/// back to every port of a small block; one configured with that block has no other choice
/// (e.g. `ip_local_port_range 40000 40199`). The profile's range is then the wrong denominator.
pub(super) fn inferred_range(uses: Option<&PortUse>, profile: &OsProfile) -> Option<(u16, u16)> {
    let u = uses?;
    let proves = |default| proves_range(u.lo, u.hi, u.ports, u.all_reused, default);
    // `auto` may have taken the proven range as the profile's: it is still an inferred one.
    let taken = (profile.port_lo, profile.port_hi) == (u.lo, u.hi) && proves(u32::MAX);
    (proves(profile.range_size()) || taken).then_some((u.lo, u.hi))
}

/// What one host's client ports (connections with a captured SYN) looked like.
#[derive(Debug, Clone, Copy)]
pub(super) struct PortUse {
    pub(super) lo: u16,
    pub(super) hi: u16,
    /// Distinct ports.
    pub(super) ports: u32,
    /// Every one of them used by more than one connection.
    pub(super) all_reused: bool,
    /// One of them, at 1024 or above, lies outside the range of the host's profile.
    pub(super) outside_profile: bool,
}

/// Each client host's [`PortUse`]: its ports gathered in one pass over the connections (a
/// host is looked up once a run of its connections) and grouped by host with a counting sort,
/// then counted as the OS guess counts them ([`crate::ports::profile::port_uses`]: a flat table
/// for thousands of ports). A map of every (host, port) pair cost a hashed insert per
/// connection; a list per host, an allocation per host of a SYN flood.
pub(super) fn client_port_uses(
    conns: &[Connection],
    profiles: ProfileOf<'_>,
) -> HashMap<IpAddr, PortUse> {
    let mut ids = crate::ports::ids::Ids::new();
    let uses: Vec<(u32, u16)> = conns
        .iter()
        .filter(|c| !c.roles_inferred)
        .map(|c| (ids.of(c.client.ip), c.client.port))
        .collect();
    let hosts = ids.into_keys();
    let start = crate::ports::ids::bucket_starts(hosts.len(), uses.iter().map(|u| u.0), 1);
    let mut next = start.clone();
    let mut ports = vec![0u16; uses.len()];
    for (i, port) in uses {
        ports[next[i as usize]] = port;
        next[i as usize] += 1;
    }
    drop(next);
    let mut by_host = HashMap::with_capacity_and_hasher(hosts.len(), Default::default());
    by_host.extend(hosts.into_iter().enumerate().filter_map(|(i, host)| {
        let own = &ports[start[i]..start[i + 1]];
        let (lo, hi, distinct, all_reused) = crate::ports::profile::port_uses(own)?;
        let profile = profiles.of(host);
        let outside_profile = own.iter().any(|&p| p >= 1024 && !profile.contains(p));
        Some((
            host,
            PortUse {
                lo,
                hi,
                ports: distinct,
                all_reused,
                outside_profile,
            },
        ))
    }));
    by_host
}

pub(super) fn pool_severity(pct: f64) -> Option<Severity> {
    if pct >= CRITICAL_PCT {
        Some(Severity::Critical)
    } else if pct >= WARNING_PCT {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// One finding per host pool over the threshold, and per destination pool over it unless the
/// destination held all of the host's peak (then the host finding says it). The percentage is of
/// the profile's range, or of the inferred narrower range (see [`inferred_range`]) if larger.
pub(super) fn port_pool_pressure(
    conns: &[Connection],
    uses: &HashMap<IpAddr, PortUse>,
    pools: Pools<'_>,
    out: &mut Vec<Finding>,
) {
    let mut dests_of: HashMap<IpAddr, Vec<&PoolSeries>> = HashMap::default();
    for d in pools.destinations {
        dests_of.entry(d.host).or_default().push(d);
    }
    for h in pools.hosts {
        let profile = pools.profiles.of(h.host);
        let inferred = inferred_range(uses.get(&h.host), profile);
        let dests = dests_of.remove(&h.host).unwrap_or_default();
        if let Some(f) = pool_finding(conns, h, inferred, profile) {
            out.push(f);
        }
        for d in dests {
            if d.peak.held() == h.peak.held() {
                continue;
            }
            if let Some(f) = pool_finding(conns, d, inferred, profile) {
                out.push(f);
            }
        }
    }
}

pub(super) fn pool_finding(
    conns: &[Connection],
    pool: &PoolSeries,
    inferred: Option<(u16, u16)>,
    profile: &OsProfile,
) -> Option<Finding> {
    let held = pool.peak.held();
    // Against the OS's default range, also when `auto` took the proven narrower one.
    let default = profile.os_default();
    let profile_pct = held as f64 * 100.0 / default.range_size().max(1) as f64;
    let (range, range_source) = match inferred {
        Some((lo, hi)) => ((lo, hi), "inferred"),
        None => ((profile.port_lo, profile.port_hi), "profile"),
    };
    let size = range.1 as u32 - range.0 as u32 + 1;
    let pct = held as f64 * 100.0 / size.max(1) as f64;
    let severity = pool_severity(pct.max(profile_pct))?;
    let who = match pool.destination {
        Some(d) => format!("{} → {d}", pool.host),
        None => pool.host.to_string(),
    };
    let mut f = Finding::new(
        FindingKind::PortPoolPressure,
        severity,
        if severity == Severity::Critical {
            "ch10-troubleshooting.md"
        } else {
            "ch08-good-practice.md"
        },
    );
    // Under `auto` the host's profile already has the inferred range.
    let not_taken = range_source == "inferred" && (profile.port_lo, profile.port_hi) != range;
    f.say(args![
        who = who,
        held = held,
        size = size,
        pct = format!("{pct:.0}"),
        assigned = pool.peak.assigned,
        active = pool.peak.active,
        time_wait = pool.peak.time_wait,
        scope = if pool.destination.is_some() {
            "destination"
        } else {
            "host"
        },
        destination = pool.destination.map(|d| d.to_string()).unwrap_or_default(),
        range_source = range_source,
        lo = range.0,
        hi = range.1,
        default_label = &default.label,
        default_lo = default.port_lo,
        default_hi = default.port_hi,
        mostly_time_wait = yes_no(pool.peak.time_wait * 2 >= held),
        suggest = yes_no(not_taken),
        host = pool.host.to_string(),
        time_wait_s = profile.time_wait_ns / S,
    ]);
    f.ports = vec![Endpoint::new(pool.host, 0)];
    if let Some(d) = pool.destination {
        f.ports.push(d);
    }
    f.connections = conns
        .iter()
        .filter(|c| {
            c.client.ip == pool.host
                && pool.destination.is_none_or(|d| d == c.server)
                && c.start_ns <= pool.peak.ts_ns
                && c.end_ns.max(c.start_ns) >= pool.peak.ts_ns - 2 * profile.time_wait_ns
        })
        .map(|c| c.id)
        .collect();
    let pause = longest_pause(conns, pool.host);
    let mut f = f
        .ev("held", held)
        .ev("assigned", pool.peak.assigned)
        .ev("active", pool.peak.active)
        .ev("time_wait", pool.peak.time_wait)
        .ev("range_lo", range.0)
        .ev("range_hi", range.1)
        .ev("range_size", size)
        .ev("range_source", range_source)
        .ev("peak_pct", round1(pct))
        .ev("profile_pct", round1(profile_pct))
        .ev("peak_ns", pool.peak.ts_ns);
    if let Some((gap, at)) = pause.filter(|(gap, _)| *gap >= S) {
        f = f
            .ev("longest_pause_ms", gap / MS)
            .ev("longest_pause_from_ns", at);
    }
    Some(f)
}

/// The longest time between two consecutive new connections (SYNs) of `host`, and its start.
pub(super) fn longest_pause(conns: &[Connection], host: IpAddr) -> Option<(i64, i64)> {
    let mut starts: Vec<i64> = conns
        .iter()
        .filter(|c| !c.roles_inferred && c.client.ip == host)
        .map(|c| c.start_ns)
        .collect();
    starts.sort_unstable();
    starts
        .windows(2)
        .map(|w| (w[1] - w[0], w[0]))
        .max_by_key(|(g, _)| *g)
}

// ---------------------------------------------------------------------------------------------
// Profile fit.

/// Per client host: TCP client ports (SYN seen, ≥ 1024 — lower ones are fixed, not ephemeral)
/// outside the range of that host's profile. Suggests the first named profile that holds them
/// all, for that host alone.
pub(super) fn client_ports_outside_profile(
    conns: &[Connection],
    uses: &HashMap<IpAddr, PortUse>,
    profiles: ProfileOf<'_>,
    out: &mut Vec<Finding>,
) {
    let counted = |c: &&Connection| !c.roles_inferred && c.client.port >= 1024;
    // The usual case, told without another pass over the connections: every port fits.
    if uses.values().all(|u| !u.outside_profile) {
        return;
    }
    // (host, port, connection) sorted: each host's uses are one run, its ports in order.
    let mut uses: Vec<(IpAddr, u16, u32)> = conns
        .iter()
        .filter(counted)
        .map(|c| (c.client.ip, c.client.port, c.id))
        .collect();
    uses.sort_unstable();
    for run in uses.chunk_by(|a, b| a.0 == b.0) {
        let host = run[0].0;
        let profile = profiles.of(host);
        let mut distinct: Vec<u16> = run.iter().map(|u| u.1).collect();
        distinct.dedup();
        let outside: Vec<u16> = distinct
            .iter()
            .copied()
            .filter(|p| !profile.contains(*p))
            .collect();
        if outside.is_empty() {
            continue;
        }
        let (lo, hi) = (distinct[0], distinct[distinct.len() - 1]);
        let ports = &distinct;
        let suggestion = [
            ("linux", OsProfile::linux()),
            ("windows", OsProfile::windows()),
            ("windows-old", OsProfile::windows_old()),
            ("freebsd", OsProfile::freebsd()),
        ]
        .into_iter()
        .find(|(_, p)| p.contains(lo) && p.contains(hi))
        .map(|(n, _)| n.to_string())
        .unwrap_or_else(|| format!("custom:{lo}-{hi}:{}", profile.time_wait_ns / S));
        let mut f = Finding::new(
            FindingKind::ClientPortsOutsideProfile,
            Severity::Info,
            "ch05-ranges.md",
        );
        f.say(args![
            host = host.to_string(),
            outside = outside.len(),
            ports = ports.len(),
            profile = &profile.label,
            lo = profile.port_lo,
            hi = profile.port_hi,
            lowest = lo,
            highest = hi,
            suggestion = &suggestion,
        ]);
        f.connections = run
            .iter()
            .filter(|u| !profile.contains(u.1))
            .map(|u| u.2)
            .collect();
        f.connections.sort_unstable();
        f.ports = outside.iter().map(|p| Endpoint::new(host, *p)).collect();
        f = f
            .ev("outside", outside.len())
            .ev("client_ports", ports.len())
            .ev("lowest", lo)
            .ev("highest", hi)
            .ev("suggested_profile", suggestion);
        out.push(f);
    }
}
