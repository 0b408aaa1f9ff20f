//! The text report: what a capture says about connections and ports, in plain sentences.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::ports::PoolSeries;
use crate::tcp::Outcome;

fn ts(ns: i64) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .format("%Y-%m-%d %H:%M:%S%.6f UTC")
        .to_string()
}

fn secs(ns: i64) -> String {
    format!("{:.0} s", ns as f64 / 1e9)
}

/// Connections, outcomes, port pools, TIME-WAIT, reuse and the ambiguities, as text.
pub fn write_connections(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    let p = &a.ports.profile;
    writeln!(
        out,
        "  profile: {} (ports {}–{}, TIME-WAIT {}) — {}",
        p.label,
        p.port_lo,
        p.port_hi,
        secs(p.time_wait_ns),
        a.ports.profile_note
    )?;
    writeln!(out, "  TCP connections: {}", a.connections.len())?;
    let mut by_outcome: BTreeMap<Outcome, usize> = BTreeMap::new();
    for c in &a.connections {
        *by_outcome.entry(c.outcome).or_default() += 1;
    }
    for (o, n) in &by_outcome {
        writeln!(out, "    {:<42} {n}", o.describe())?;
    }
    if !a.udp_flows.is_empty() {
        writeln!(
            out,
            "  UDP flows (request/response, 30 s idle timeout): {}",
            a.udp_flows.len()
        )?;
    }

    let closers = |server: bool| {
        a.connections
            .iter()
            .filter(|c| {
                c.closed_first
                    == Some(if server {
                        crate::tcp::Role::Server
                    } else {
                        crate::tcp::Role::Client
                    })
            })
            .count()
    };
    writeln!(
        out,
        "  closed first: client {}, server {}",
        closers(false),
        closers(true)
    )?;
    let tw_spans = |server_side: bool| {
        a.ports
            .spans
            .iter()
            .filter(|s| s.phase == crate::ports::Phase::TimeWait && s.server_side == server_side)
            .count()
    };
    writeln!(
        out,
        "  TIME-WAIT: {} client port(s), {} server socket(s)",
        tw_spans(false),
        tw_spans(true)
    )?;
    writeln!(
        out,
        "  reused 4-tuples: {} ({} while the previous connection was still in TIME-WAIT)",
        a.ports.reused_4tuples, a.ports.reused_during_time_wait
    )?;
    let reused_ports = a
        .ports
        .rows
        .iter()
        .filter(|r| !r.server_side && r.uses > 1)
        .count();
    writeln!(
        out,
        "  client ports used by more than one connection: {reused_ports}"
    )?;

    writeln!(out, "  peak occupancy per host:")?;
    for h in &a.ports.hosts {
        write_peak(out, h)?;
    }
    if !a.ports.destinations.is_empty() {
        writeln!(out, "  peak occupancy per destination:")?;
        let mut dests: Vec<&PoolSeries> = a.ports.destinations.iter().collect();
        dests.sort_by_key(|d| std::cmp::Reverse(d.peak.held()));
        for d in dests.iter().take(10) {
            write_peak(out, d)?;
        }
        if dests.len() > 10 {
            writeln!(out, "    … and {} more", dests.len() - 10)?;
        }
    }

    // Ambiguities, said plainly.
    let inferred = a.connections.iter().filter(|c| c.roles_inferred).count();
    if inferred > 0 {
        writeln!(
            out,
            "  note: {inferred} connection(s) started before the capture: roles inferred"
        )?;
    }
    let open = by_outcome.get(&Outcome::OpenAtEnd).copied().unwrap_or(0)
        + by_outcome.get(&Outcome::MidStream).copied().unwrap_or(0);
    if open > 0 {
        writeln!(
            out,
            "  note: {open} connection(s) still open when the capture ended: their spans are cut there"
        )?;
    }
    let truncated_tw = a
        .ports
        .spans
        .iter()
        .filter(|s| s.phase == crate::ports::Phase::TimeWait && s.truncated_by_capture_end)
        .count();
    if truncated_tw > 0 {
        writeln!(
            out,
            "  note: {truncated_tw} TIME-WAIT period(s) outlast the capture"
        )?;
    }
    Ok(())
}

fn write_peak(out: &mut impl Write, s: &PoolSeries) -> io::Result<()> {
    let who = match &s.destination {
        Some(d) => format!("{} → {d}", s.host),
        None => s.host.to_string(),
    };
    writeln!(
        out,
        "    {who:<44} {} port(s) = {:.2} % (assigned {}, active {}, TIME-WAIT {}) at {}",
        s.peak.held(),
        s.peak.occupancy_pct,
        s.peak.assigned,
        s.peak.active,
        s.peak.time_wait,
        ts(s.peak.ts_ns)
    )
}

/// The findings, most severe first: severity, title, the evidence on one line, the advice and
/// the book chapter. Says so when there are none.
pub fn write_findings(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    if a.findings.is_empty() {
        return writeln!(out, "findings: none");
    }
    writeln!(out, "findings ({}):", a.findings.len())?;
    for f in &a.findings {
        writeln!(out, "  [{}] {}", f.severity.label(), f.title)?;
        writeln!(out, "      evidence: {}", f.evidence_line())?;
        if !f.connections.is_empty() {
            let shown: Vec<String> = f.connections.iter().take(8).map(u32::to_string).collect();
            let more = f.connections.len().saturating_sub(8);
            let more = if more > 0 {
                format!(" … +{more}")
            } else {
                String::new()
            };
            writeln!(out, "      connections: {}{more}", shown.join(", "))?;
        }
        writeln!(out, "      why: {}", f.explanation)?;
        writeln!(out, "      do: {}", f.advice)?;
        writeln!(
            out,
            "      read: book chapter {} ({})",
            f.chapter,
            f.kind.id()
        )?;
    }
    writeln!(out)
}
