//! Pool occupancy: how many client ports a host (or a host towards one destination) holds over
//! time, as a step series, against the profile's ephemeral range size.
//!
//! Counted: every client-port span (TCP Assigned/Active/TimeWait, UDP Active); a port shared by
//! several destinations at once counts once per connection, which is what exhausts a per-
//! destination pool on Linux. Server-side TIME-WAIT spans hold no ephemeral port and are left out.
//! Per-destination series matter because Linux can reuse a port towards different destinations,
//! so exhaustion happens per (destination ip, port) first.

/// A pool held at or above this share of its range (%) is worth watching: the monitoring
/// threshold of the tutorial's source material (DESIGN.md "Monitoring thresholds"), which the
/// pressure finding, the pool map and the occupancy chart all draw from here.
pub const WARNING_PCT: f64 = 60.0;
/// At or above this share (%), `connect()` is about to fail with EADDRNOTAVAIL.
pub const CRITICAL_PCT: f64 = 80.0;

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::{Phase, PortSpan, ProfileOf};
use crate::decode::Endpoint;

/// Counts at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub assigned: u32,
    pub active: u32,
    pub time_wait: u32,
    /// Server sockets in TIME-WAIT (server closed first); not part of any ephemeral pool.
    pub server_time_wait: u32,
}

/// One step of a pool series: the ports held in each phase from `ts_ns` until the next step.
/// What a series stores (a series of 100 000 connections has hundreds of thousands); its
/// occupancy follows from the series' range ([`PoolSeries::occupancy`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStep {
    pub ts_ns: i64,
    pub assigned: u32,
    pub active: u32,
    pub time_wait: u32,
}

impl PoolStep {
    /// Ports held (all three phases).
    pub fn held(&self) -> u32 {
        self.assigned + self.active + self.time_wait
    }
}

/// A [`PoolStep`] with its occupancy: the counts from `ts_ns` until the next step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct OccupancyStep {
    pub ts_ns: i64,
    pub assigned: u32,
    pub active: u32,
    pub time_wait: u32,
    /// (assigned + active + time_wait) / range size × 100.
    pub occupancy_pct: f64,
}

impl OccupancyStep {
    /// Ports held (all three phases).
    pub fn held(&self) -> u32 {
        self.assigned + self.active + self.time_wait
    }
}

/// Occupancy over time of one host's pool, or of one host's pool towards one destination.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolSeries {
    pub host: IpAddr,
    /// `None` for the whole host; `Some(ip:port)` for the ports it holds towards one destination.
    pub destination: Option<Endpoint>,
    /// Size of the profile's ephemeral range (the denominator of `occupancy_pct`).
    pub range_size: u32,
    /// The step with the most ports held (the earliest such).
    pub peak: OccupancyStep,
    /// The most ports in TIME-WAIT at once (not necessarily at `peak`).
    pub most_time_wait: u32,
    /// The step series, counted the first time it is read ([`PoolSeries::steps`]).
    steps: Steps,
}

impl PoolSeries {
    /// The step series, sorted by time: the first step is the first change, the last returns
    /// to 0. Counted from the model's spans the first time it is asked for (a text report reads
    /// only the peaks, which the derivation counts, and never holds the steps); the same list
    /// after that.
    pub fn steps(&self) -> &[PoolStep] {
        self.steps.get()
    }

    /// The counts at `ts_ns` (zeros before the first step).
    pub fn at(&self, ts_ns: i64) -> OccupancyStep {
        let steps = self.steps();
        let n = steps.partition_point(|s| s.ts_ns <= ts_ns);
        match n {
            0 => OccupancyStep {
                ts_ns,
                ..Default::default()
            },
            _ => self.occupancy(&steps[n - 1]),
        }
    }

    /// `step` of this series with its occupancy of the series' range.
    pub fn occupancy(&self, step: &PoolStep) -> OccupancyStep {
        occupancy(step, self.range_size)
    }
}

/// Give the series of a model their steps, to be counted from the model's `spans` when first
/// read. A host with one destination has one pool under two names: its two series share
/// their steps.
pub(crate) fn count_steps_from(
    spans: &Arc<Vec<PortSpan>>,
    hosts: &mut [PoolSeries],
    destinations: &mut [PoolSeries],
) {
    for h in hosts.iter_mut() {
        h.steps = Steps::from_spans(spans, h.host, None);
    }
    // Each host's series, and how many destinations it has.
    let mut of_host: foldhash::HashMap<IpAddr, (Option<&PoolSeries>, u32)> = Default::default();
    for h in hosts.iter() {
        of_host.entry(h.host).or_default().0 = Some(h);
    }
    for d in destinations.iter() {
        of_host.entry(d.host).or_default().1 += 1;
    }
    for d in destinations.iter_mut() {
        d.steps = match of_host.get(&d.host) {
            Some((Some(h), 1)) => h.steps.clone(),
            _ => Steps::from_spans(spans, d.host, d.destination),
        };
    }
}

/// Count the steps of every series of a model not yet counted, all at once: one pass bucketing
/// the spans by pool, instead of one pass over all of them per series read alone. For readers of
/// every series (the JSON report), on both cores: the hosts' on one, the destinations' on the
/// other. `hosts` and `destinations` are a model's, sorted as [`count`] made them.
pub(crate) fn count_all_steps(
    spans: &[PortSpan],
    hosts: &[PoolSeries],
    destinations: &[PoolSeries],
) {
    let uncounted = |all: &[PoolSeries]| all.iter().any(|s| s.steps.0.steps.get().is_none());
    if !uncounted(hosts) && !uncounted(destinations) {
        return;
    }
    match collect(spans).0 {
        Deltas::Packed(i) => fill_steps(i, hosts, destinations),
        Deltas::Wide(i) => fill_steps(i, hosts, destinations),
    }
}

fn fill_steps<D: Delta + Send>(input: Input<D>, hosts: &[PoolSeries], destinations: &[PoolSeries]) {
    let Input {
        base,
        hosts: by_host,
        dests: by_dest,
        ..
    } = input;
    // Each group's steps into the series of its key, unless read (and so counted) already.
    fn fill<K: Ord + Copy, D: Delta>(
        mut grouped: Grouped<K, D>,
        base: i64,
        series: &[PoolSeries],
        key: impl Fn(&PoolSeries) -> K,
    ) {
        grouped.sort_each();
        for (k, r) in &grouped.groups {
            let Ok(i) = series.binary_search_by_key(k, &key) else {
                continue;
            };
            let cell = &series[i].steps.0.steps;
            if cell.get().is_none() {
                let _ = cell.set(steps_of(&grouped.deltas[r.clone()], base));
            }
        }
    }
    crate::cores::both(
        || fill(by_host, base, hosts, |s| s.host),
        // A host with one destination has no group here: its series shares the host's steps.
        || {
            // Every destination series names its destination.
            fill(by_dest, base, destinations, |s| {
                (s.host, s.destination.expect("a destination"))
            })
        },
    );
}

/// A series' steps, counted from the spans on first use and kept. Clones share them.
#[derive(Clone, Default)]
struct Steps(Arc<LazySteps>);

#[derive(Default)]
struct LazySteps {
    /// The model's spans (none for a series made without a model: it has no steps), and the
    /// pool's: the client spans of `host`, towards `destination` if given.
    spans: Option<Arc<Vec<PortSpan>>>,
    host: Option<IpAddr>,
    destination: Option<Endpoint>,
    steps: OnceLock<Vec<PoolStep>>,
}

impl Steps {
    fn from_spans(
        spans: &Arc<Vec<PortSpan>>,
        host: IpAddr,
        destination: Option<Endpoint>,
    ) -> Steps {
        Steps(Arc::new(LazySteps {
            spans: Some(Arc::clone(spans)),
            host: Some(host),
            destination,
            steps: OnceLock::new(),
        }))
    }

    fn get(&self) -> &[PoolStep] {
        self.0.steps.get_or_init(|| {
            let (Some(spans), Some(host)) = (&self.0.spans, self.0.host) else {
                return Vec::new();
            };
            let destination = self.0.destination;
            let mut deltas: Vec<WideDelta> = Vec::new();
            for s in spans.iter().filter(|s| {
                !s.server_side && s.host == host && destination.is_none_or(|d| s.remote == d)
            }) {
                deltas.push(WideDelta::new(s.start_ns, Phase::Available, s.phase, 0));
                let end = s.end_ns.max(s.start_ns);
                deltas.push(WideDelta::new(end, s.phase, Phase::Available, 0));
            }
            deltas.sort_unstable_by_key(|d| d.key());
            steps_of(&deltas, 0)
        })
    }
}

/// Two series' steps are equal when their lists are (counted to compare them).
impl PartialEq for Steps {
    fn eq(&self, other: &Steps) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.get() == other.get()
    }
}

impl std::fmt::Debug for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.steps.get() {
            Some(steps) => write!(f, "{} steps", steps.len()),
            None => f.write_str("steps not counted yet"),
        }
    }
}

fn occupancy(s: &PoolStep, range_size: u32) -> OccupancyStep {
    OccupancyStep {
        ts_ns: s.ts_ns,
        assigned: s.assigned,
        active: s.active,
        time_wait: s.time_wait,
        occupancy_pct: s.held() as f64 * 100.0 / range_size.max(1) as f64,
    }
}

/// The JSON report's form of a series: each step with its occupancy (`occupancy_pct`), as the
/// steps were once stored.
impl Serialize for PoolSeries {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Steps<'a>(&'a PoolSeries);
        impl Serialize for Steps<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let series = self.0;
                crate::json::long_array_with(series.steps(), |s| series.occupancy(s), serializer)
            }
        }
        let mut st = serializer.serialize_struct("PoolSeries", 5)?;
        st.serialize_field("host", &self.host)?;
        st.serialize_field("destination", &self.destination)?;
        st.serialize_field("range_size", &self.range_size)?;
        st.serialize_field("steps", &Steps(self))?;
        st.serialize_field("peak", &self.peak)?;
        st.end()
    }
}

/// A change of a pool at one instant: one port leaves phase `from` and enters phase `to`
/// (`Available` on either side: none). A span's start is a delta into its phase and its end one
/// out of it; where one phase of a connection ends as its next begins, the two are one delta
/// (a third fewer to sort). Times relative to `base`.
trait Delta: Copy {
    type Key: Ord;
    fn new(ts_ns: i64, from: Phase, to: Phase, base: i64) -> Self;
    fn ts_ns(self, base: i64) -> i64;
    fn from(self) -> Phase;
    fn to(self) -> Phase;
    /// Orders by time (what else it orders by does not matter).
    fn key(self) -> Self::Key;
}

/// A delta in 8 bytes: ns since `base` << 4 | from << 2 | to. Usable while every time is less
/// than 2^60 ns (36 years) after `base`; [`collect`] checks.
impl Delta for u64 {
    type Key = u64;
    fn new(ts_ns: i64, from: Phase, to: Phase, base: i64) -> Self {
        (((ts_ns - base) as u64) << 4) | (phase_bits(from) << 2) | phase_bits(to)
    }
    fn ts_ns(self, base: i64) -> i64 {
        base + (self >> 4) as i64
    }
    fn from(self) -> Phase {
        bits_phase(self >> 2)
    }
    fn to(self) -> Phase {
        bits_phase(self)
    }
    fn key(self) -> u64 {
        self
    }
}

/// `Available` (no phase) is 0, so a delta of nothing at `base` is all zeros.
fn phase_bits(p: Phase) -> u64 {
    match p {
        Phase::Available => 0,
        Phase::Assigned => 1,
        Phase::Active => 2,
        Phase::TimeWait => 3,
    }
}

fn bits_phase(b: u64) -> Phase {
    match b & 3 {
        0 => Phase::Available,
        1 => Phase::Assigned,
        2 => Phase::Active,
        _ => Phase::TimeWait,
    }
}

/// A delta in 16 bytes, for captures whose times span more than [`u64`]'s packing allows.
#[derive(Clone, Copy, Debug)]
struct WideDelta {
    ts_ns: i64,
    from: Phase,
    to: Phase,
}

impl Delta for WideDelta {
    type Key = i64;
    fn new(ts_ns: i64, from: Phase, to: Phase, _base: i64) -> Self {
        WideDelta { ts_ns, from, to }
    }
    fn ts_ns(self, _base: i64) -> i64 {
        self.ts_ns
    }
    fn from(self) -> Phase {
        self.from
    }
    fn to(self) -> Phase {
        self.to
    }
    fn key(self) -> i64 {
        self.ts_ns
    }
}

const NO_GROUP: u32 = u32::MAX;

/// Build the per-host and per-destination series from the spans.
#[cfg(test)]
pub(crate) fn pools(
    spans: &[PortSpan],
    profiles: ProfileOf<'_>,
) -> (Vec<PoolSeries>, Vec<PoolSeries>) {
    let (mut hosts, mut dests) = count(collect(spans), profiles);
    count_steps_from(&Arc::new(spans.to_vec()), &mut hosts, &mut dests);
    (hosts, dests)
}

/// What the pool series need from the spans: each pool's deltas, bucketed (not yet sorted).
/// Taken in a few passes over the spans; [`count`] then needs no spans, so the port derivation
/// moves the spans into their rows while the series are counted.
pub(crate) struct PoolInput(Deltas);

enum Deltas {
    Packed(Input<u64>),
    Wide(Input<WideDelta>),
}

struct Input<D> {
    base: i64,
    hosts: Grouped<IpAddr, D>,
    /// Each client host's destination, when it talked to only one (its series is the host's).
    only: OnlyDestination,
    /// The pools towards each destination of the hosts that talked to several.
    dests: Grouped<(IpAddr, Endpoint), D>,
}

/// Deltas bucketed by group: groups in key order, each a range of `deltas`.
struct Grouped<K, D> {
    groups: Vec<(K, std::ops::Range<usize>)>,
    deltas: Vec<D>,
}

pub(crate) fn collect(spans: &[PortSpan]) -> PoolInput {
    let pairs = pair_ids(spans);
    let (base, last) = pairs.range.unwrap_or((0, 0));
    // Half the memory for the deltas whenever the times fit the packed form (any real capture).
    if (last as i128 - base as i128) < 1 << 60 {
        PoolInput(Deltas::Packed(collect_with(spans, base, pairs)))
    } else {
        PoolInput(Deltas::Wide(collect_with(spans, base, pairs)))
    }
}

/// Each host's destination when it had one (`None`: several).
type OnlyDestination = foldhash::HashMap<IpAddr, Option<Endpoint>>;

/// What one pass over the spans finds: every client span's (host, destination) pair. A host's
/// pool and its pools towards each destination are then both filled from it in one more pass.
struct PairIds {
    /// The client spans' time range.
    range: Option<(i64, i64)>,
    /// The pairs, by id, and each span's pair ([`NO_GROUP`]: server side).
    keys: Vec<(IpAddr, Endpoint)>,
    pair_of: Vec<u32>,
    /// The deltas of each pair: two per span, one fewer for each span that continues the one
    /// before it ([`continues`]).
    deltas: Vec<usize>,
}

fn pair_ids(spans: &[PortSpan]) -> PairIds {
    let mut ids = super::ids::Ids::new();
    let mut range: Option<(i64, i64)> = None;
    let mut deltas: Vec<usize> = Vec::new();
    let mut pair_of: Vec<u32> = Vec::with_capacity(spans.len());
    for (i, s) in spans.iter().enumerate() {
        if s.server_side {
            pair_of.push(NO_GROUP);
            continue;
        }
        let end = s.end_ns.max(s.start_ns);
        range = Some(range.map_or((s.start_ns, end), |(a, b)| (a.min(s.start_ns), b.max(end))));
        let id = ids.of((s.host, s.remote));
        pair_of.push(id);
        if id as usize == deltas.len() {
            deltas.push(0);
        }
        deltas[id as usize] += 2 - continues(spans, &pair_of, i) as usize;
    }
    PairIds {
        range,
        keys: ids.into_keys(),
        pair_of,
        deltas,
    }
}

/// The series of [`collect`]'s input, each host's against its own profile's range size.
pub(crate) fn count(
    input: PoolInput,
    profiles: ProfileOf<'_>,
) -> (Vec<PoolSeries>, Vec<PoolSeries>) {
    match input.0 {
        Deltas::Packed(i) => count_with(i, profiles),
        Deltas::Wide(i) => count_with(i, profiles),
    }
}

fn collect_with<D: Delta>(spans: &[PortSpan], base: i64, pairs: PairIds) -> Input<D> {
    let PairIds {
        keys,
        pair_of,
        deltas: pair_deltas,
        ..
    } = pairs;
    // Each pair's host, and the hosts that talked to one destination only: those need no pools
    // towards their destination, which would be their host's (often every host's).
    let mut hosts = super::ids::Ids::new();
    let host_of_pair: Vec<u32> = keys.iter().map(|&(h, _)| hosts.of(h)).collect();
    let host_keys = hosts.into_keys();
    let mut only = OnlyDestination::default();
    for &(h, d) in &keys {
        only.entry(h)
            .and_modify(|o| {
                if *o != Some(d) {
                    *o = None
                }
            })
            .or_insert(Some(d));
    }
    // The buckets: the hosts' from their pairs' counts; the pairs' for the hosts with several.
    let mut host_deltas = vec![0usize; host_keys.len()];
    for (p, &n) in pair_deltas.iter().enumerate() {
        host_deltas[host_of_pair[p] as usize] += n;
    }
    let (mut dest_keys, mut dest_deltas) = (Vec::new(), Vec::new());
    let dest_bucket: Vec<u32> = keys
        .iter()
        .zip(&pair_deltas)
        .map(|(&(h, d), &n)| {
            if only[&h].is_some() {
                return NO_GROUP;
            }
            dest_keys.push((h, d));
            dest_deltas.push(n);
            dest_keys.len() as u32 - 1
        })
        .collect();
    let mut by_host = Buckets::<D>::new(&host_deltas, base);
    let mut by_dest = Buckets::<D>::new(&dest_deltas, base);
    for (i, (s, &p)) in spans.iter().zip(&pair_of).enumerate() {
        if p == NO_GROUP {
            continue;
        }
        let from = continues(spans, &pair_of, i).then(|| spans[i - 1].phase);
        by_host.put(host_of_pair[p as usize], s, from, base);
        let d = dest_bucket[p as usize];
        if d != NO_GROUP {
            by_dest.put(d, s, from, base);
        }
    }
    Input {
        base,
        hosts: by_host.grouped(host_keys),
        only,
        dests: by_dest.grouped(dest_keys),
    }
}

fn count_with<D: Delta>(
    input: Input<D>,
    profiles: ProfileOf<'_>,
) -> (Vec<PoolSeries>, Vec<PoolSeries>) {
    let size = |h: IpAddr| profiles.of(h).range_size();
    let Input {
        base,
        mut hosts,
        only,
        mut dests,
    } = input;
    hosts.sort_each();
    let host_series: Vec<PoolSeries> = hosts
        .groups
        .iter()
        .map(|(h, r)| series(*h, None, &hosts.deltas[r.clone()], base, size(*h)))
        .collect();
    drop(hosts);
    let mut dest_series: Vec<PoolSeries> = host_series
        .iter()
        .filter_map(|h| {
            let dst = only.get(&h.host).copied().flatten()?;
            Some(PoolSeries {
                destination: Some(dst),
                ..h.clone()
            })
        })
        .collect();
    dests.sort_each();
    dest_series.extend(
        dests
            .groups
            .iter()
            .map(|((h, dst), r)| series(*h, Some(*dst), &dests.deltas[r.clone()], base, size(*h))),
    );
    dest_series.sort_unstable_by_key(|d| (d.host, d.destination));
    (host_series, dest_series)
}

impl<K, D: Delta> Grouped<K, D> {
    /// Sort each group's deltas by time. Deltas at one instant are summed before a step is
    /// emitted, so their order among themselves is moot.
    fn sort_each(&mut self) {
        for (_, r) in &self.groups {
            self.deltas[r.clone()].sort_unstable_by_key(|d| d.key());
        }
    }
}

/// Deltas bucketed by group in one flat array (a counting sort: no vector per group, which was
/// a third of the report's memory at 100 000 connections); each group's in span order until
/// [`Grouped::sort_each`].
struct Buckets<D> {
    start: Vec<usize>,
    next: Vec<usize>,
    deltas: Vec<D>,
}

impl<D: Delta> Buckets<D> {
    /// Buckets of `sizes` deltas, one per group.
    fn new(sizes: &[usize], base: i64) -> Self {
        let start = super::ids::starts_of(sizes);
        let none = Phase::Available;
        Buckets {
            next: start.clone(),
            // Zero in the packed form: the allocator's zeroed pages, touched only as filled.
            deltas: vec![D::new(base, none, none, base); start[sizes.len()]],
            start,
        }
    }

    /// Both ends of span `s` into group `g`: its start a move from phase `from` if the span
    /// continues the one before it (whose end delta, the last in the group, it then shares).
    fn put(&mut self, g: u32, s: &PortSpan, from: Option<Phase>, base: i64) {
        let none = Phase::Available;
        let at = &mut self.next[g as usize];
        match from {
            Some(from) => self.deltas[*at - 1] = D::new(s.start_ns, from, s.phase, base),
            None => {
                self.deltas[*at] = D::new(s.start_ns, none, s.phase, base);
                *at += 1;
            }
        }
        // An end before its start (never derived; kept safe) counts at the start.
        self.deltas[*at] = D::new(s.end_ns.max(s.start_ns), s.phase, none, base);
        *at += 1;
    }

    /// The groups, `keys` by id, in key order.
    fn grouped<K: Ord + Copy>(self, keys: Vec<K>) -> Grouped<K, D> {
        debug_assert_eq!(self.next[..keys.len()], self.start[1..]);
        let mut groups: Vec<(K, std::ops::Range<usize>)> = keys
            .into_iter()
            .enumerate()
            .map(|(g, k)| (k, self.start[g]..self.start[g + 1]))
            .collect();
        groups.sort_unstable_by_key(|(k, _)| *k);
        Grouped {
            groups,
            deltas: self.deltas,
        }
    }
}

/// Span `i` is the next phase of span `i - 1`'s port and connection, in the same group, from
/// the instant that one ended: the port goes from one phase to the next in one delta.
fn continues(spans: &[PortSpan], group: &[u32], i: usize) -> bool {
    let Some(p) = i.checked_sub(1).map(|p| &spans[p]) else {
        return false;
    };
    let s = &spans[i];
    group[i] != NO_GROUP
        && group[i - 1] == group[i]
        && p.conn == s.conn
        && p.udp == s.udp
        && (p.host, p.port, p.server_side) == (s.host, s.port, s.server_side)
        && p.end_ns.max(p.start_ns) == s.start_ns
}

/// The series of one pool from its deltas (sorted by time): its peaks. The steps themselves
/// are counted again from the spans only when read ([`PoolSeries::steps`]).
fn series<D: Delta>(
    host: IpAddr,
    destination: Option<Endpoint>,
    deltas: &[D],
    base: i64,
    range_size: u32,
) -> PoolSeries {
    let (mut peak, mut most_time_wait) = (None::<PoolStep>, 0);
    each_step(deltas, base, |s| {
        most_time_wait = most_time_wait.max(s.time_wait);
        // The earliest of equal peaks.
        if peak.is_none_or(|p| s.held() > p.held()) {
            peak = Some(s);
        }
    });
    PoolSeries {
        host,
        destination,
        range_size,
        peak: peak.map(|s| occupancy(&s, range_size)).unwrap_or_default(),
        most_time_wait,
        steps: Steps::default(),
    }
}

/// The steps of deltas sorted by time.
fn steps_of<D: Delta>(deltas: &[D], base: i64) -> Vec<PoolStep> {
    // At most one step per distinct instant: reserving that (instead of doubling) keeps the
    // largest series from holding twice its size while it grows.
    let instants = 1 + deltas
        .windows(2)
        .filter(|w| w[0].ts_ns(base) != w[1].ts_ns(base))
        .count();
    let mut steps: Vec<PoolStep> = Vec::with_capacity(instants);
    each_step(deltas, base, |s| steps.push(s));
    steps.shrink_to_fit();
    steps
}

/// Each step of deltas sorted by time, in order: the counts after every instant at which they
/// change. Deltas at one instant are summed first, so their order among themselves is moot.
fn each_step<D: Delta>(deltas: &[D], base: i64, mut step: impl FnMut(PoolStep)) {
    let (mut assigned, mut active, mut tw) = (0i64, 0i64, 0i64);
    let mut last: Option<(u32, u32, u32)> = None;
    let mut i = 0;
    while i < deltas.len() {
        let ts = deltas[i].ts_ns(base);
        while i < deltas.len() && deltas[i].ts_ns(base) == ts {
            for (phase, d) in [(deltas[i].from(), -1), (deltas[i].to(), 1)] {
                match phase {
                    Phase::Assigned => assigned += d,
                    Phase::Active => active += d,
                    Phase::TimeWait => tw += d,
                    Phase::Available => {}
                }
            }
            i += 1;
        }
        let counts = (
            assigned.max(0) as u32,
            active.max(0) as u32,
            tw.max(0) as u32,
        );
        if last != Some(counts) {
            last = Some(counts);
            step(PoolStep {
                ts_ns: ts,
                assigned: counts.0,
                active: counts.1,
                time_wait: counts.2,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::OsProfile;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    fn span(conn: u32, remote_port: u16, phase: Phase, start_ns: i64, end_ns: i64) -> PortSpan {
        crate::ports::tests::client_span(conn, remote_port, phase, start_ns, end_ns)
    }

    /// The host series of `spans` under Linux's profile.
    fn linux_pools(spans: &[PortSpan]) -> Vec<PoolSeries> {
        let linux = OsProfile::linux();
        let p = ProfileOf {
            default: &linux,
            hosts: &[],
        };
        pools(spans, p).0
    }

    const T0: i64 = 1_700_000_000_000_000_000;
    const S: i64 = 1_000_000_000;

    /// Spans of two client hosts towards two destinations (ports, phases and times from the
    /// generator), a few on the server side; many the next phase of the span before them (the
    /// same port and connection, from the instant it ended), as a connection's phases are.
    fn arb_spans() -> impl Strategy<Value = Vec<PortSpan>> {
        let one = (
            any::<bool>(),
            prop::sample::select(vec![80u16, 443]),
            prop::sample::select(vec![Phase::Assigned, Phase::Active, Phase::TimeWait]),
            0..20i64,
            0..5i64,
            prop::sample::select(vec![false, false, false, true]),
            any::<bool>(),
        );
        prop::collection::vec(one, 1..80).prop_map(|v| {
            let mut spans: Vec<PortSpan> = Vec::new();
            for (i, (second, remote, phase, at, len, server_side, next_phase)) in
                v.into_iter().enumerate()
            {
                let s = match spans.last() {
                    Some(&prev) if next_phase => PortSpan {
                        phase,
                        start_ns: prev.end_ns,
                        end_ns: prev.end_ns + len * S,
                        ..prev
                    },
                    _ => {
                        let mut s = span(i as u32, remote, phase, T0 + at * S, T0 + (at + len) * S);
                        if second {
                            s.host = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 3));
                        }
                        s.server_side = server_side;
                        s
                    }
                };
                spans.push(s);
            }
            spans
        })
    }

    proptest::proptest! {
        /// The peaks the derivation counts (from packed deltas, the steps never stored) are the
        /// peaks of the steps a reader gets later (counted from the spans), for every host and
        /// destination: the report and the charts agree.
        #[test]
        fn peaks_counted_up_front_are_those_of_the_steps_counted_later(spans in arb_spans()) {
            let linux = OsProfile::linux();
            let p = ProfileOf { default: &linux, hosts: &[] };
            let (hosts, dests) = pools(&spans, p);
            for series in hosts.iter().chain(&dests) {
                let steps = series.steps();
                proptest::prop_assert!(!steps.is_empty());
                let most = steps.iter().map(PoolStep::held).max().unwrap();
                let first_most = steps.iter().find(|s| s.held() == most).unwrap();
                proptest::prop_assert_eq!(series.peak, series.occupancy(first_most));
                let most_tw = steps.iter().map(|s| s.time_wait).max().unwrap();
                proptest::prop_assert_eq!(series.most_time_wait, most_tw);
                proptest::prop_assert_eq!(steps.last().unwrap().held(), 0);
            }
            // Counted all at once (the JSON report's way), the steps are the same.
            let (all_hosts, all_dests) = pools(&spans, p);
            count_all_steps(&spans, &all_hosts, &all_dests);
            for (one, all) in hosts.iter().chain(&dests).zip(all_hosts.iter().chain(&all_dests)) {
                proptest::prop_assert!(all.steps.0.steps.get().is_some());
                proptest::prop_assert_eq!(one.steps(), all.steps());
            }
        }
    }

    /// A derived model holds no steps until one is read: a text report never counts them.
    #[test]
    fn steps_are_counted_only_when_read() {
        let spans = vec![
            span(0, 80, Phase::Active, T0, T0 + S),
            span(1, 443, Phase::TimeWait, T0, T0 + 2 * S),
        ];
        let hosts = linux_pools(&spans);
        assert_eq!(format!("{:?}", hosts[0].steps), "steps not counted yet");
        assert_eq!(hosts[0].peak.held(), 2);
        assert_eq!(hosts[0].steps().len(), 3);
        assert_eq!(format!("{:?}", hosts[0].steps), "3 steps");
    }

    /// The 8-byte deltas count exactly what the 16-byte ones count.
    #[test]
    fn packed_and_wide_deltas_give_the_same_series() {
        let mut spans = Vec::new();
        for c in 0..50u32 {
            let t = T0 + c as i64 * S / 10;
            let port = if c % 3 == 0 { 443 } else { 80 };
            spans.push(span(c, port, Phase::Assigned, t, t + S / 100));
            spans.push(span(c, port, Phase::Active, t + S / 100, t + S));
            spans.push(span(c, port, Phase::TimeWait, t + S, t + 61 * S));
        }
        let linux = OsProfile::linux();
        let p = ProfileOf {
            default: &linux,
            hosts: &[],
        };
        let base = pair_ids(&spans).range.unwrap().0;
        let packed = collect_with::<u64>(&spans, base, pair_ids(&spans));
        let wide = collect_with::<WideDelta>(&spans, base, pair_ids(&spans));
        assert_eq!(count_with(packed, p), count_with(wide, p));
        let (hosts, dests) = pools(&spans, p);
        assert_eq!(hosts[0].peak.held(), 50);
        assert_eq!(dests.len(), 2);
    }

    /// Each step of a series as (time, ports held).
    fn held_steps(series: &PoolSeries) -> Vec<(i64, u32)> {
        series.steps().iter().map(|s| (s.ts_ns, s.held())).collect()
    }

    /// Times a century apart (a broken clock) do not fit the packed form: the wide one counts.
    #[test]
    fn a_century_between_spans_takes_the_wide_deltas() {
        let year = 365 * 24 * 3600 * S;
        let spans = vec![
            span(0, 80, Phase::Active, 0, S),
            span(1, 80, Phase::Active, 100 * year, 100 * year + S),
        ];
        let hosts = linux_pools(&spans);
        assert_eq!(
            held_steps(&hosts[0]),
            vec![(0, 1), (S, 0), (100 * year, 1), (100 * year + S, 0)]
        );
        // Before the first step nothing is held, at the time asked about.
        let before = hosts[0].at(-S);
        assert_eq!((before.ts_ns, before.held()), (-S, 0));
        assert_eq!(hosts[0].at(S / 2).held(), 1);
    }

    /// A step is a change: when one port's TIME-WAIT ends at the instant another's begins, the
    /// counts stay as they were and no step is written there.
    #[test]
    fn an_instant_where_the_counts_stay_the_same_is_no_step() {
        let spans = vec![
            span(0, 80, Phase::TimeWait, T0, T0 + S),
            span(1, 80, Phase::TimeWait, T0 + S, T0 + 2 * S),
        ];
        let hosts = linux_pools(&spans);
        let steps: Vec<(i64, u32)> = hosts[0]
            .steps()
            .iter()
            .map(|s| (s.ts_ns, s.time_wait))
            .collect();
        assert_eq!(steps, vec![(T0, 1), (T0 + 2 * S, 0)]);
    }

    /// The packed form holds times up to 2^60 ns after the first; a capture whose last time is
    /// exactly that far takes the wide form, and its last step is where it is.
    #[test]
    fn times_exactly_two_to_the_60_ns_apart_take_the_wide_deltas() {
        let far = 1i64 << 60;
        let spans = vec![
            span(0, 80, Phase::Active, 0, S),
            span(1, 80, Phase::Active, far - S, far),
        ];
        let hosts = linux_pools(&spans);
        assert_eq!(
            held_steps(&hosts[0]),
            vec![(0, 1), (S, 0), (far - S, 1), (far, 0)]
        );
    }
}
