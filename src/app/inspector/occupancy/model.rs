//! The pool occupancy chart's view-model: for one host's ephemeral port pool (or its ports
//! towards one destination), the ports in Assigned / Active / TimeWait over time as a
//! percentage of the OS profile's range, and the TIME-WAIT count — what
//! `ss -tan state time-wait | wc -l` would print on that host. Built from the library's
//! [`portlife::ports::PoolSeries`] step series.

use std::net::IpAddr;

use portlife::decode::Endpoint;
use portlife::ports::{PoolSeries, PortModel};

#[cfg(test)]
use crate::app::derived::CaptureModel;
#[cfg(test)]
use crate::app::profile::CustomParams;
#[cfg(test)]
use portlife::ports::ProfileKind;

pub use portlife::ports::occupancy::{CRITICAL_PCT, WARNING_PCT};

/// The port model of `capture` under the chosen profile (what the app keeps in
/// [`crate::app::state::Loaded::derived`]).
#[cfg(test)]
pub fn port_model(
    capture: &CaptureModel,
    choice: ProfileKind,
    custom: CustomParams,
) -> std::sync::Arc<PortModel> {
    std::sync::Arc::clone(&capture.derive(choice, custom).ports)
}

/// The series of one pool: the host's whole pool, or towards one destination.
pub fn pool(model: &PortModel, host: IpAddr, destination: Option<Endpoint>) -> Option<&PoolSeries> {
    match destination {
        None => model.hosts.iter().find(|p| p.host == host),
        Some(d) => model
            .destinations
            .iter()
            .find(|p| p.host == host && p.destination == Some(d)),
    }
}

/// The host with the highest peak occupancy (the chart's default).
pub fn busiest_host(model: &PortModel) -> Option<IpAddr> {
    model
        .hosts
        .iter()
        .max_by(|a, b| a.peak.occupancy_pct.total_cmp(&b.peak.occupancy_pct))
        .map(|p| p.host)
}

/// What the chart draws for one pool: step lines (x = seconds from t0, y = % of the range).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    /// All three phases together.
    pub held_pct: Vec<[f64; 2]>,
    pub assigned_pct: Vec<[f64; 2]>,
    pub active_pct: Vec<[f64; 2]>,
    pub time_wait_pct: Vec<[f64; 2]>,
    /// Ports in TIME-WAIT (a count, not a percentage).
    pub time_wait_count: Vec<[f64; 2]>,
    pub range_size: u32,
    pub peak_pct: f64,
}

impl Chart {
    /// The highest occupancy the held line reaches (%).
    pub fn max_held_pct(&self) -> f64 {
        self.held_pct.iter().map(|p| p[1]).fold(0.0, f64::max)
    }
}

/// Turn a step series into the chart's lines. Each step is drawn as a vertical then horizontal
/// segment (the value holds until the next step).
pub fn chart(series: &PoolSeries, t0_ns: i64) -> Chart {
    let range = f64::from(series.range_size.max(1));
    let pct = |n: u32| f64::from(n) * 100.0 / range;
    let mut c = Chart {
        range_size: series.range_size,
        peak_pct: series.peak.occupancy_pct,
        ..Default::default()
    };
    let mut prev = (0u32, 0u32, 0u32);
    for s in series.steps().iter() {
        let x = (s.ts_ns - t0_ns) as f64 / 1e9;
        let now = (s.assigned, s.active, s.time_wait);
        for (line, before, after) in [
            (
                &mut c.held_pct,
                pct(prev.0 + prev.1 + prev.2),
                pct(s.held()),
            ),
            (&mut c.assigned_pct, pct(prev.0), pct(now.0)),
            (&mut c.active_pct, pct(prev.1), pct(now.1)),
            (&mut c.time_wait_pct, pct(prev.2), pct(now.2)),
            (&mut c.time_wait_count, f64::from(prev.2), f64::from(now.2)),
        ] {
            line.push([x, before]);
            line.push([x, after]);
        }
        prev = now;
    }
    c
}
