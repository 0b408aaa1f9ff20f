//! SVG export for the book and for reports: the port timeline of a capture, and the four-phase
//! lifecycle diagram. Written by hand with `std::fmt` so the output is self-contained (no fonts,
//! scripts or external references) and deterministic: the same analysis and options give the same
//! bytes, which is what lets the book's test compare regenerated figures with committed ones.
//!
//! Colours are the Okabe–Ito colour-blind-safe palette: Assigned #E69F00 (orange), Active
//! #0072B2 (blue), TIME-WAIT #CC79A7 (reddish purple); Available is drawn as no bar.

use std::fmt::Write;
use std::net::IpAddr;
use std::path::Path;

use crate::analysis::Analysis;
use crate::ports::PortModel;
use crate::ports::{Phase, PortRow};

/// Okabe–Ito colour of a phase (`None` for Available: nothing is drawn).
pub fn phase_colour(phase: Phase) -> Option<&'static str> {
    match phase {
        Phase::Available => None,
        Phase::Assigned => Some("#E69F00"),
        Phase::Active => Some("#0072B2"),
        Phase::TimeWait => Some("#CC79A7"),
    }
}

/// What to draw: a time window (seconds from capture start) and how many rows at most.
#[derive(Clone, Debug)]
pub struct TimelineOptions {
    /// Window start, seconds from the first packet (default 0).
    pub from_s: Option<f64>,
    /// Window end, seconds from the first packet (default: the last packet).
    pub to_s: Option<f64>,
    /// Rows beyond this are summarised as "… N more ports".
    pub max_rows: usize,
}

impl Default for TimelineOptions {
    fn default() -> Self {
        TimelineOptions {
            from_s: None,
            to_s: None,
            max_rows: 60,
        }
    }
}

const WIDTH: f64 = 960.0;
const LEFT: f64 = 200.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 64.0;
const ROW_H: f64 = 14.0;
const HOST_H: f64 = 18.0;

/// Escape text for SVG character data and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` ticks over `span` seconds.
fn tick_step(span: f64, target: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let k = if norm < 1.5 {
        1.0
    } else if norm < 3.5 {
        2.0
    } else if norm < 7.5 {
        5.0
    } else {
        10.0
    };
    k * mag
}

/// Format a tick label with no more decimals than the step needs.
fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{v:.decimals$}")
}

/// What a figure is drawn from: what is already in memory, so a view that holds a capture's
/// model (the app) draws it without reading the capture again.
#[derive(Clone, Copy)]
pub struct Figure<'a> {
    /// The capture's path or name (its file name is the title).
    pub file: &'a str,
    /// The first and last packet (ns since the Unix epoch): the time axis.
    pub first_ts_ns: Option<i64>,
    pub last_ts_ns: Option<i64>,
    pub ports: &'a PortModel,
}

impl<'a> Figure<'a> {
    /// The figure of a whole analysis (`portlife export`).
    pub fn of(a: &'a Analysis) -> Figure<'a> {
        Figure {
            file: &a.file,
            first_ts_ns: a.stats.first_ts_ns,
            last_ts_ns: a.stats.last_ts_ns,
            ports: &a.ports,
        }
    }
}

/// Rows to draw: grouped by host (hosts in order of first use), within a host by first use; only
/// rows with a span inside the window.
fn visible_rows<'a>(a: &Figure<'a>, lo_ns: i64, hi_ns: i64) -> Vec<&'a PortRow> {
    let m = a.ports;
    let mut host_order: Vec<IpAddr> = Vec::new();
    for r in &m.rows {
        if !host_order.contains(&r.host) {
            host_order.push(r.host);
        }
    }
    let mut rows: Vec<&PortRow> = m
        .rows
        .iter()
        .filter(|r| {
            m.row_spans(r)
                .iter()
                .any(|s| s.start_ns < hi_ns && s.end_ns > lo_ns)
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            host_order.iter().position(|h| *h == r.host),
            r.first_use_ns,
            r.port,
            r.server_side,
        )
    });
    rows
}

/// The file's name without its directory, so the same capture gives the same title anywhere.
/// The capture's file name without its directories (figure titles).
pub(crate) fn file_name(a: &Figure<'_>) -> String {
    Path::new(a.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| a.file.to_string())
}

/// The port timeline of `a` as a standalone SVG document.
pub fn timeline_svg(a: &Figure<'_>, opts: &TimelineOptions) -> String {
    let start = a.first_ts_ns.unwrap_or(0);
    let end = a.last_ts_ns.unwrap_or(start);
    let from_s = opts.from_s.unwrap_or(0.0).max(0.0);
    let mut to_s = opts.to_s.unwrap_or((end - start) as f64 / 1e9);
    if to_s <= from_s {
        to_s = from_s + 1.0;
    }
    let lo_ns = start + (from_s * 1e9) as i64;
    let hi_ns = start + (to_s * 1e9) as i64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let x_of = |ns: i64| -> f64 {
        let s = ((ns - start) as f64 / 1e9).clamp(from_s, to_s);
        LEFT + (s - from_s) / (to_s - from_s) * plot_w
    };

    let rows = visible_rows(a, lo_ns, hi_ns);
    let shown = rows.len().min(opts.max_rows);
    let hidden = rows.len() - shown;

    // Body first (its height decides the document's).
    let mut body = String::new();
    let mut y = TOP;
    let mut last_host: Option<IpAddr> = None;
    for row in &rows[..shown] {
        if last_host != Some(row.host) {
            let _ = writeln!(
                body,
                r#"<text x="8" y="{:.1}" class="host">host {}</text>"#,
                y + 13.0,
                esc(&row.host.to_string())
            );
            y += HOST_H;
            last_host = Some(row.host);
        }
        let label = if row.server_side {
            format!(":{} (server TIME-WAIT)", row.port)
        } else {
            format!(":{}", row.port)
        };
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" class="port">{}</text>"#,
            LEFT - 6.0,
            y + 11.0,
            esc(&label)
        );
        let lanes = row.lanes.max(1) as f64;
        let lane_h = (ROW_H - 2.0) / lanes;
        for s in a.ports.row_spans(row) {
            let Some(colour) = phase_colour(s.phase) else {
                continue;
            };
            if s.end_ns <= lo_ns || s.start_ns >= hi_ns {
                continue;
            }
            let x0 = x_of(s.start_ns);
            let x1 = x_of(s.end_ns).max(x0 + 0.5);
            let _ = writeln!(
                body,
                r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                x0,
                y + 1.0 + s.lane as f64 * lane_h,
                x1 - x0,
                lane_h,
                colour
            );
        }
        y += ROW_H;
    }
    if hidden > 0 {
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" class="more">… {hidden} more port{}</text>"#,
            LEFT,
            y + 13.0,
            if hidden == 1 { "" } else { "s" }
        );
        y += HOST_H;
    }
    if rows.is_empty() {
        let _ = writeln!(
            body,
            r#"<text x="{:.1}" y="{:.1}" class="more">no port is in use in this window</text>"#,
            LEFT,
            y + 13.0
        );
        y += HOST_H;
    }
    let plot_bottom = y + 4.0;

    // Axis with ticks.
    let mut axis = String::new();
    let step = tick_step(to_s - from_s, 8.0);
    let _ = writeln!(
        axis,
        r##"<line x1="{LEFT:.1}" y1="{plot_bottom:.1}" x2="{:.1}" y2="{plot_bottom:.1}" stroke="#333"/>"##,
        LEFT + plot_w
    );
    let first_tick = (from_s / step).ceil() as i64;
    let last_tick = (to_s / step + 1e-9).floor() as i64;
    for k in first_tick..=last_tick {
        let v = k as f64 * step;
        let x = LEFT + (v - from_s) / (to_s - from_s) * plot_w;
        let _ = writeln!(
            axis,
            r##"<line x1="{x:.2}" y1="{:.1}" x2="{x:.2}" y2="{plot_bottom:.1}" stroke="#ddd"/>"##,
            TOP - 4.0
        );
        let _ = writeln!(
            axis,
            r#"<text x="{x:.2}" y="{:.1}" class="tick">{}</text>"#,
            plot_bottom + 14.0,
            tick_label(v, step)
        );
    }
    let _ = writeln!(
        axis,
        r#"<text x="{:.1}" y="{:.1}" class="axis">seconds since the first packet of the capture</text>"#,
        LEFT + plot_w / 2.0,
        plot_bottom + 32.0
    );
    let height = plot_bottom + 44.0;

    // Title and legend.
    let p = &a.ports.profile;
    let title = format!(
        "{} — port timeline, profile {} (ports {}–{}, TIME-WAIT {} s)",
        file_name(a),
        p.label,
        p.port_lo,
        p.port_hi,
        p.time_wait_ns / 1_000_000_000
    );
    let mut legend = String::new();
    let mut lx = LEFT;
    for (phase, name) in [
        (Phase::Assigned, "Assigned (SYN sent)"),
        (Phase::Active, "Active (connected)"),
        (Phase::TimeWait, "TIME-WAIT"),
    ] {
        let colour = phase_colour(phase).unwrap_or("#000");
        let _ = writeln!(
            legend,
            r#"<rect x="{lx:.1}" y="36" width="14" height="10" fill="{colour}"/><text x="{:.1}" y="45" class="legend">{name}</text>"#,
            lx + 18.0
        );
        lx += 170.0;
    }
    let _ = writeln!(
        legend,
        r#"<text x="{lx:.1}" y="45" class="legend">no bar = Available</text>"#
    );

    document(height, &title, STYLE, &[&legend, &axis, &body])
}

/// A standalone SVG figure `WIDTH` wide: white background, `title` as tooltip and heading, the
/// `style` sheet, then `parts` in order. Shared by the timeline and the pool map.
pub(crate) fn document(height: f64, title: &str, style: &str, parts: &[&str]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="sans-serif" role="img">"#
    );
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    out.push_str(style);
    let _ = writeln!(
        out,
        r#"<rect width="{WIDTH:.0}" height="{height:.0}" fill="white"/>"#
    );
    let _ = writeln!(
        out,
        r#"<text x="8" y="20" class="title">{}</text>"#,
        esc(title)
    );
    for part in parts {
        out.push_str(part);
    }
    out.push_str("</svg>\n");
    out
}

const STYLE: &str = "<style>\
.title{font-size:14px;font-weight:bold;fill:#111}\
.legend{font-size:12px;fill:#222}\
.host{font-size:12px;font-weight:bold;fill:#111}\
.port{font-size:10px;fill:#333;text-anchor:end}\
.tick{font-size:10px;fill:#333;text-anchor:middle}\
.axis{font-size:12px;fill:#222;text-anchor:middle}\
.more{font-size:11px;font-style:italic;fill:#555}\
.box{font-size:13px;fill:#111;text-anchor:middle}\
.small{font-size:11px;fill:#333;text-anchor:middle}\
</style>\n";

/// The four phases of a port and the events between them, as a standalone SVG document.
pub fn lifecycle_svg() -> String {
    // (phase, label, fill, x)
    let boxes: [(&str, &str, &str, f64); 4] = [
        ("Available", "in the pool", "#FFFFFF", 20.0),
        ("Assigned", "connect(): SYN sent", "#E69F00", 250.0),
        ("Active", "connected, data", "#0072B2", 480.0),
        ("TIME-WAIT", "2×MSL after closing first", "#CC79A7", 710.0),
    ];
    let (w, h, y) = (190.0, 64.0, 60.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="920" height="240" viewBox="0 0 920 240" font-family="sans-serif" role="img">"#
    );
    out.push_str("<title>The four phases of an ephemeral port</title>\n");
    out.push_str(STYLE);
    out.push_str(concat!(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>"##,
        "\n",
        r#"<rect width="920" height="240" fill="white"/>"#,
        "\n",
        r#"<text x="8" y="24" class="title">The four phases of an ephemeral port</text>"#,
        "\n"
    ));
    for (name, sub, fill, x) in boxes {
        let text_fill = if fill == "#0072B2" {
            "#FFFFFF"
        } else {
            "#111111"
        };
        let _ = writeln!(
            out,
            r##"<rect x="{x:.0}" y="{y:.0}" width="{w:.0}" height="{h:.0}" rx="10" fill="{fill}" stroke="#333"/>"##
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="{:.0}" class="box" style="fill:{text_fill};font-weight:bold">{name}</text>"#,
            x + w / 2.0,
            y + 27.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="{:.0}" class="small" style="fill:{text_fill}">{}</text>"#,
            x + w / 2.0,
            y + 47.0,
            esc(sub)
        );
    }
    // Forward arrows with their events.
    for (i, event) in [
        "OS picks a port",
        "handshake done",
        "this side closes first",
    ]
    .iter()
    .enumerate()
    {
        let x0 = boxes[i].3 + w;
        let x1 = boxes[i + 1].3;
        let _ = writeln!(
            out,
            r##"<line x1="{x0:.0}" y1="{:.0}" x2="{x1:.0}" y2="{:.0}" stroke="#333" stroke-width="1.5" marker-end="url(#arrow)"/>"##,
            y + h / 2.0,
            y + h / 2.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="{:.0}" class="small">{event}</text>"#,
            (x0 + x1) / 2.0,
            y - 8.0
        );
    }
    // Return paths to Available.
    let back = [
        (
            3usize,
            "TIME-WAIT expires (60 s Linux, 120 s Windows, 30 s macOS)",
            178.0,
        ),
        (2, "the other side closed first, or RST", 158.0),
        (1, "refused (RST), unreachable or timed out", 138.0),
    ];
    for (i, label, ly) in back {
        let xs = boxes[i].3 + w / 2.0;
        let xa = boxes[0].3 + w / 2.0;
        let _ = writeln!(
            out,
            r##"<path d="M{xs:.0},{:.0} L{xs:.0},{ly:.0} L{xa:.0},{ly:.0} L{xa:.0},{:.0}" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#arrow)"/>"##,
            y + h,
            y + h + 2.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="{:.0}" class="small" style="text-anchor:start">{}</text>"#,
            xa + 8.0,
            ly - 4.0,
            esc(label)
        );
    }
    out.push_str(
        r#"<text x="460" y="222" class="small">Only the side that closes first keeps its socket in TIME-WAIT (RFC 9293); the other side's port is free at once.</text>"#,
    );
    out.push_str("\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_steps_are_round_numbers() {
        assert_eq!(tick_step(10.0, 8.0), 1.0);
        assert_eq!(tick_step(60.0, 8.0), 10.0);
        assert_eq!(tick_step(4.23, 8.0), 0.5);
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(20.0, 10.0), "20");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn lifecycle_names_every_phase() {
        let s = lifecycle_svg();
        for p in ["Available", "Assigned", "Active", "TIME-WAIT"] {
            assert!(s.contains(p), "{p}");
        }
    }
}
