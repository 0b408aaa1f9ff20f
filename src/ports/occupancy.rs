//! Pool occupancy: how many client ports a host (or a host towards one destination) holds over
//! time, as a step series, against the profile's ephemeral range size.
//!
//! Counted: every client-port span (TCP Assigned/Active/TimeWait, UDP Active); a port shared by
//! several destinations at once counts once per connection, which is what exhausts a per-
//! destination pool on Linux. Server-side TIME-WAIT spans hold no ephemeral port and are left out.
//! Per-destination series matter because Linux can reuse a port towards different destinations,
//! so exhaustion happens per (destination ip, port) first.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::Serialize;

use super::{OsProfile, Phase, PortSpan};
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

/// The counts from `ts_ns` until the next step.
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PoolSeries {
    pub host: IpAddr,
    /// `None` for the whole host; `Some(ip:port)` for the ports it holds towards one destination.
    pub destination: Option<Endpoint>,
    /// Size of the profile's ephemeral range (the denominator of `occupancy_pct`).
    pub range_size: u32,
    /// Step series, sorted by time; the first step is the first change, the last returns to 0.
    pub steps: Vec<OccupancyStep>,
    /// The step with the most ports held (the earliest such).
    pub peak: OccupancyStep,
}

impl PoolSeries {
    /// The counts at `ts_ns` (zeros before the first step).
    pub fn at(&self, ts_ns: i64) -> OccupancyStep {
        let n = self.steps.partition_point(|s| s.ts_ns <= ts_ns);
        match n {
            0 => OccupancyStep {
                ts_ns,
                ..Default::default()
            },
            _ => self.steps[n - 1],
        }
    }
}

/// Build the per-host and per-destination series from the spans.
pub(crate) fn pools(spans: &[PortSpan], profile: &OsProfile) -> (Vec<PoolSeries>, Vec<PoolSeries>) {
    type Deltas = Vec<(i64, Phase, i32)>;
    let mut by_host: BTreeMap<IpAddr, Deltas> = BTreeMap::new();
    let mut by_dest: BTreeMap<(IpAddr, Endpoint), Deltas> = BTreeMap::new();
    for s in spans.iter().filter(|s| !s.server_side) {
        for (ts, d) in [(s.start_ns, 1), (s.end_ns, -1)] {
            by_host.entry(s.host).or_default().push((ts, s.phase, d));
            by_dest
                .entry((s.host, s.remote))
                .or_default()
                .push((ts, s.phase, d));
        }
    }
    let size = profile.range_size();
    let hosts = by_host
        .into_iter()
        .map(|(h, d)| series(h, None, d, size))
        .collect();
    let dests = by_dest
        .into_iter()
        .map(|((h, dst), d)| series(h, Some(dst), d, size))
        .collect();
    (hosts, dests)
}

fn series(
    host: IpAddr,
    destination: Option<Endpoint>,
    mut deltas: Vec<(i64, Phase, i32)>,
    range_size: u32,
) -> PoolSeries {
    deltas.sort_by_key(|d| d.0);
    let mut steps: Vec<OccupancyStep> = Vec::new();
    let (mut assigned, mut active, mut tw) = (0i64, 0i64, 0i64);
    let mut i = 0;
    while i < deltas.len() {
        let ts = deltas[i].0;
        while i < deltas.len() && deltas[i].0 == ts {
            let (_, phase, d) = deltas[i];
            match phase {
                Phase::Assigned => assigned += d as i64,
                Phase::Active => active += d as i64,
                Phase::TimeWait => tw += d as i64,
                Phase::Available => {}
            }
            i += 1;
        }
        let (a, c, t) = (
            assigned.max(0) as u32,
            active.max(0) as u32,
            tw.max(0) as u32,
        );
        let step = OccupancyStep {
            ts_ns: ts,
            assigned: a,
            active: c,
            time_wait: t,
            occupancy_pct: (a + c + t) as f64 * 100.0 / range_size.max(1) as f64,
        };
        match steps.last() {
            Some(l) if (l.assigned, l.active, l.time_wait) == (a, c, t) => {}
            _ => steps.push(step),
        }
    }
    let peak = steps
        .iter()
        .copied()
        .fold(None::<OccupancyStep>, |best, s| match best {
            Some(b) if b.held() >= s.held() => Some(b),
            _ => Some(s),
        })
        .unwrap_or_default();
    PoolSeries {
        host,
        destination,
        range_size,
        steps,
        peak,
    }
}
