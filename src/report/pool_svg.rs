//! SVG export of the port pool map ([`crate::ports::pool_map`]): every port of the profile's
//! ephemeral range for one client host at one instant, as a grid of cells coloured by phase, with
//! a legend, the counts and the ports used outside the range. Same conventions as
//! [`super::svg`]: hand-written, self-contained and deterministic.
//!
//! To keep a 55 536-port grid small, the grid is one light rectangle (Available) with the held
//! ports drawn over it, runs of neighbouring ports in the same phase merged into one rectangle.

use std::fmt::Write;

use super::svg::{document, file_name, phase_colour, Figure};
use crate::ports::occupancy::{CRITICAL_PCT, WARNING_PCT};
use crate::ports::{grid_columns, Phase, PoolMap};

const LEFT: f64 = 70.0;
const TOP: f64 = 96.0;
const GRID_W: f64 = 860.0;
const MAX_CELL: f64 = 24.0;
/// Available cells: a light grey that reads as "free" on white paper.
pub const AVAILABLE_FILL: &str = "#EEEEEE";

fn fill(p: Phase) -> &'static str {
    phase_colour(p).unwrap_or(AVAILABLE_FILL)
}

/// How the occupancy compares with the thresholds, in words.
pub fn threshold_word(pct: f64) -> &'static str {
    if pct >= CRITICAL_PCT {
        "critical (≥ 80 %)"
    } else if pct >= WARNING_PCT {
        "warning (≥ 60 %)"
    } else {
        "below the 60 % warning"
    }
}

/// The pool map `map` of capture `a` as a standalone SVG document; `at_s` is the instant in
/// seconds since the first packet (for the title).
pub fn pool_map_svg(a: &Figure<'_>, map: &PoolMap, at_s: f64) -> String {
    let n = map.phases.len();
    let cols = grid_columns(n);
    let rows = n.div_ceil(cols);
    let cell = (GRID_W / cols as f64).min(MAX_CELL);
    let gap = if cell >= 6.0 { 1.0 } else { 0.0 };
    let mut body = String::new();
    let grid_h = rows as f64 * cell;
    // Available background: only the cells of the range (the last row may be short).
    let full_rows = n / cols;
    let _ = writeln!(
        body,
        r#"<rect x="{LEFT:.1}" y="{TOP:.1}" width="{:.2}" height="{:.2}" fill="{AVAILABLE_FILL}"/>"#,
        cols as f64 * cell,
        full_rows as f64 * cell
    );
    if !n.is_multiple_of(cols) {
        let _ = writeln!(
            body,
            r#"<rect x="{LEFT:.1}" y="{:.2}" width="{:.2}" height="{cell:.2}" fill="{AVAILABLE_FILL}"/>"#,
            TOP + full_rows as f64 * cell,
            (n % cols) as f64 * cell
        );
    }
    // Held ports: runs of one phase within a grid row.
    for r in 0..rows {
        let row = &map.phases[r * cols..((r + 1) * cols).min(n)];
        let mut c = 0;
        while c < row.len() {
            let p = row[c];
            let mut e = c + 1;
            while gap == 0.0 && e < row.len() && row[e] == p {
                e += 1;
            }
            if p != Phase::Available {
                let _ = writeln!(
                    body,
                    r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                    LEFT + c as f64 * cell + gap / 2.0,
                    TOP + r as f64 * cell + gap / 2.0,
                    (e - c) as f64 * cell - gap,
                    cell - gap,
                    fill(p)
                );
            }
            c = e;
        }
    }
    // Row labels: the first port of a row, every few rows.
    let every = ((12.0 / cell).ceil() as usize).max(1);
    for r in (0..rows).step_by(every) {
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.2}" class="port">{}</text>"#,
            LEFT - 6.0,
            TOP + r as f64 * cell + cell.min(12.0) - 1.0,
            map.port_lo as usize + r * cols
        );
    }
    let mut y = TOP + grid_h + 18.0;
    let _ = writeln!(
        body,
        r#"<text x="{LEFT:.1}" y="{y:.1}" class="legend">{cols} ports per row; port = row label + column</text>"#
    );
    // Outside the range.
    y += 20.0;
    if map.outside.is_empty() {
        let _ = writeln!(
            body,
            r#"<text x="{LEFT:.1}" y="{y:.1}" class="legend">no client port outside {}–{}</text>"#,
            map.port_lo, map.port_hi
        );
    } else {
        let n = map.outside.len();
        let ports = if n == 1 { "port" } else { "ports" };
        let _ = writeln!(
            body,
            r#"<text x="{LEFT:.1}" y="{y:.1}" class="legend">{n} client {ports} used outside {}–{}: the profile does not fit this client</text>"#,
            map.port_lo, map.port_hi
        );
        y += 8.0;
        let per_row = 60;
        for (i, s) in map.outside.iter().enumerate() {
            let _ = writeln!(
                body,
                r##"<rect x="{:.1}" y="{:.1}" width="12" height="12" fill="{}" stroke="#333" stroke-width="0.5"><title>port {}</title></rect>"##,
                LEFT + (i % per_row) as f64 * 14.0,
                y + (i / per_row) as f64 * 14.0,
                fill(s.phase),
                s.port
            );
        }
        y += map.outside.len().div_ceil(per_row) as f64 * 14.0;
    }
    let height = y + 20.0;

    // Title, legend, counts.
    let p = &a.ports.profile;
    let dest = map
        .destination
        .map(|d| format!(" towards {d}"))
        .unwrap_or_default();
    let title = format!(
        "{} — port pool of {}{dest} at {at_s} s, profile {} (ports {}–{}, {} ports)",
        file_name(a),
        map.host,
        p.label,
        map.port_lo,
        map.port_hi,
        n
    );
    let mut legend = String::new();
    let mut lx = LEFT;
    let t = &map.tally;
    for (phase, name, count) in [
        (Phase::Available, "Available", t.available),
        (Phase::Assigned, "Assigned", t.assigned),
        (Phase::Active, "Active", t.active),
        (Phase::TimeWait, "TIME-WAIT", t.time_wait),
    ] {
        let _ = writeln!(
            legend,
            r##"<rect x="{lx:.1}" y="36" width="14" height="10" fill="{}" stroke="#999" stroke-width="0.5"/><text x="{:.1}" y="45" class="legend">{name}: {count}</text>"##,
            fill(phase),
            lx + 18.0
        );
        lx += 170.0;
    }
    let pct = map.report.occupancy_pct;
    let _ = writeln!(
        legend,
        r#"<text x="{LEFT:.1}" y="66" class="legend">occupancy {pct:.1} % of the range ({} ports held by connections): {}</text>"#,
        map.report.held(),
        threshold_word(pct)
    );

    document(height, &title, STYLE, &[&legend, &body])
}

const STYLE: &str = "<style>\
.title{font-size:14px;font-weight:bold;fill:#111}\
.legend{font-size:12px;fill:#222}\
.port{font-size:10px;fill:#333;text-anchor:end}\
</style>\n";
