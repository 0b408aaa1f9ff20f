//! The text report: what a capture says about connections and ports, in plain sentences, in
//! any [`Lang`]. Every text is a message of `locales/*/report.ftl` (the findings' of
//! `findings.ftl`, the profile note's of `report.ftl` too), written with [`tr!`](crate::tr);
//! numbers are formatted here, the same in every language, so the reports state the same values.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::findings::{self, Finding, FindingGroup, Severity};
use crate::i18n::Lang;
use crate::ports::PoolSeries;
use crate::tcp::Outcome;
use crate::tr;

fn ts(ns: i64) -> String {
    chrono::DateTime::from_timestamp_nanos(ns)
        .format("%Y-%m-%d %H:%M:%S%.6f UTC")
        .to_string()
}

fn secs(ns: i64) -> String {
    format!("{:.0} s", ns as f64 / 1e9)
}

/// An outcome's description in `lang` (the English one is also [`Outcome::describe`]).
pub fn outcome_text(lang: Lang, o: Outcome) -> String {
    tr!(lang, outcome_id(o))
}

/// The message of an outcome's description.
pub fn outcome_id(o: Outcome) -> &'static str {
    match o {
        Outcome::FinFin => "outcome-fin-fin",
        Outcome::ResetByClient => "outcome-reset-by-client",
        Outcome::ResetByServer => "outcome-reset-by-server",
        Outcome::Refused => "outcome-refused",
        Outcome::Unreachable => "outcome-unreachable",
        Outcome::Unanswered => "outcome-unanswered",
        Outcome::OpenAtEnd => "outcome-open-at-end",
        Outcome::MidStream => "outcome-mid-stream",
        Outcome::ClosedByClient => "outcome-closed-by-client",
        Outcome::ClosedByServer => "outcome-closed-by-server",
    }
}

/// A severity's label in `lang` (the English one is also [`Severity::label`]).
pub fn severity_text(lang: Lang, s: Severity) -> String {
    tr!(
        lang,
        match s {
            Severity::Info => "severity-info",
            Severity::Warning => "severity-warning",
            Severity::Critical => "severity-critical",
        }
    )
}

/// The whole text report: findings first, then the capture's statistics and its connections.
pub fn write_text(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    write_findings(out, a, lang)?;
    let s = &a.stats;
    writeln!(out, "{}", a.file)?;
    let gz = if a.compressed { " (gzip)" } else { "" };
    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-format",
            format = format!("{:?}", a.format),
            compression = gz
        )
    )?;
    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-packets",
            packets = s.packets,
            bytes = s.wire_bytes
        )
    )?;
    if let (Some(f), Some(l)) = (s.first_ts_ns, s.last_ts_ns) {
        writeln!(out, "  {}", tr!(lang, "report-first", time = ts(f)))?;
        writeln!(out, "  {}", tr!(lang, "report-last", time = ts(l)))?;
        let span = format!("{:.6} s", s.duration_s());
        writeln!(out, "  {}", tr!(lang, "report-span", span = span))?;
    }
    writeln!(out, "  {}", tr!(lang, "report-link-types"))?;
    for (k, v) in &s.link_types {
        writeln!(out, "    {k:<24} {v}")?;
    }
    writeln!(out, "  {}", tr!(lang, "report-protocols"))?;
    for (k, v) in &s.protocols {
        writeln!(out, "    {k:<24} {v}")?;
    }
    // Only when there is something to say, so a plain capture's report is as it was.
    if !s.encapsulations.is_empty() {
        writeln!(out, "  {}", tr!(lang, "report-encapsulations"))?;
        for (k, v) in &s.encapsulations {
            writeln!(out, "    {k:<24} {v}")?;
        }
    }
    if s.reassembled_datagrams > 0 {
        writeln!(
            out,
            "  {}",
            tr!(lang, "report-reassembled", count = s.reassembled_datagrams)
        )?;
    }
    writeln!(
        out,
        "  {}",
        tr!(lang, "report-tcp-4tuples", count = s.tcp_4tuples)
    )?;
    write_connections(out, a, lang)
}

/// The hosts modelled under a profile other than the default one, each on its line (none
/// when every host is under the default: the profile line says it all).
fn write_host_profiles(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    if a.ports.profiles().uniform() {
        return Ok(());
    }
    const SHOWN: usize = 20;
    writeln!(out, "  {}", tr!(lang, "report-host-profiles"))?;
    for h in a.ports.host_profiles.iter().take(SHOWN) {
        let how = match h.source {
            crate::ports::ProfileSource::Guessed => tr!(lang, "report-profile-guessed"),
            crate::ports::ProfileSource::Chosen => tr!(lang, "report-profile-chosen"),
        };
        let p = &h.profile;
        writeln!(
            out,
            "    {:<24} {}",
            h.host.to_string(),
            tr!(
                lang,
                "report-host-profile",
                label = &p.label,
                lo = p.port_lo,
                hi = p.port_hi,
                time_wait = secs(p.time_wait_ns),
                source = how
            )
        )?;
    }
    if a.ports.host_profiles.len() > SHOWN {
        let more = a.ports.host_profiles.len() - SHOWN;
        writeln!(out, "    {}", tr!(lang, "report-and-more", count = more))?;
    }
    writeln!(out, "    {}", tr!(lang, "report-other-hosts"))
}

/// Connections, outcomes, port pools, TIME-WAIT, reuse and the ambiguities, as text.
pub fn write_connections(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    let p = &a.ports.profile;
    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-profile",
            label = &p.label,
            lo = p.port_lo,
            hi = p.port_hi,
            time_wait = secs(p.time_wait_ns),
            note = a.ports.profile_note.text(lang)
        )
    )?;
    write_host_profiles(out, a, lang)?;
    writeln!(
        out,
        "  {}",
        tr!(lang, "report-tcp-connections", count = a.connections.len())
    )?;
    let t = Tally::of(a);
    for (o, n) in &t.by_outcome {
        let text = outcome_text(lang, *o);
        writeln!(out, "    {} {n}", pad(&text, 42))?;
    }
    if !a.udp_flows.is_empty() {
        writeln!(
            out,
            "  {}",
            tr!(lang, "report-udp-flows", count = a.udp_flows.len())
        )?;
    }

    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-closed-first",
            client = t.closed_first[0],
            server = t.closed_first[1]
        )
    )?;
    if t.closed_untold > 0 {
        writeln!(
            out,
            "    {}",
            tr!(lang, "report-closed-untold", count = t.closed_untold)
        )?;
    }
    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-time-wait",
            clients = t.time_wait[0],
            servers = t.time_wait[1]
        )
    )?;
    writeln!(
        out,
        "  {}",
        tr!(
            lang,
            "report-reused-4tuples",
            reused = a.ports.reused_4tuples,
            during = a.ports.reused_during_time_wait
        )
    )?;
    let reused_ports = a
        .ports
        .rows
        .iter()
        .filter(|r| !r.server_side && r.uses > 1)
        .count();
    writeln!(
        out,
        "  {}",
        tr!(lang, "report-reused-ports", count = reused_ports)
    )?;

    writeln!(out, "  {}", tr!(lang, "report-peak-per-host"))?;
    for h in &a.ports.hosts {
        write_peak(out, h, lang)?;
    }
    if !a.ports.destinations.is_empty() {
        writeln!(out, "  {}", tr!(lang, "report-peak-per-destination"))?;
        let mut dests: Vec<&PoolSeries> = a.ports.destinations.iter().collect();
        dests.sort_by_key(|d| std::cmp::Reverse(d.peak.held()));
        for d in dests.iter().take(10) {
            write_peak(out, d, lang)?;
        }
        if dests.len() > 10 {
            writeln!(
                out,
                "    {}",
                tr!(lang, "report-and-more", count = dests.len() - 10)
            )?;
        }
    }

    // Ambiguities, said plainly.
    if t.roles_inferred > 0 {
        writeln!(
            out,
            "  {}",
            tr!(lang, "report-note-roles-inferred", count = t.roles_inferred)
        )?;
    }
    let open = t.count(Outcome::OpenAtEnd) + t.count(Outcome::MidStream);
    if open > 0 {
        writeln!(
            out,
            "  {}",
            tr!(lang, "report-note-open-at-end", count = open)
        )?;
    }
    if t.time_wait_outlasts > 0 {
        writeln!(
            out,
            "  {}",
            tr!(
                lang,
                "report-note-time-wait-outlasts",
                count = t.time_wait_outlasts
            )
        )?;
    }
    Ok(())
}

/// The counts the connection summary states, from one pass over the connections and one over
/// the spans (each a pass over tens of megabytes at 100 000 connections).
struct Tally {
    /// Connections per outcome, in [`Outcome`]'s order; outcomes with none left out.
    by_outcome: Vec<(Outcome, usize)>,
    /// Connections whose client, and whose server, sent the first FIN.
    closed_first: [usize; 2],
    /// Connections with a FIN seen but one direction missing: who closed first is untold.
    closed_untold: usize,
    roles_inferred: usize,
    /// TIME-WAIT spans of clients' ports, and of servers' (the server closed first).
    time_wait: [usize; 2],
    /// TIME-WAIT spans that outlast the capture.
    time_wait_outlasts: usize,
}

impl Tally {
    /// The connections' pass and the spans' run on two cores.
    fn of(a: &Analysis) -> Tally {
        let (mut t, (time_wait, time_wait_outlasts)) = crate::cores::both(
            || Tally::of_connections(&a.connections),
            || {
                let (mut time_wait, mut outlasts) = ([0; 2], 0);
                for s in a.ports.spans.iter() {
                    if s.phase == crate::ports::Phase::TimeWait {
                        time_wait[usize::from(s.server_side)] += 1;
                        outlasts += usize::from(s.truncated_by_capture_end);
                    }
                }
                (time_wait, outlasts)
            },
        );
        (t.time_wait, t.time_wait_outlasts) = (time_wait, time_wait_outlasts);
        t
    }

    fn of_connections(conns: &[crate::tcp::Connection]) -> Tally {
        let mut outcomes: BTreeMap<Outcome, usize> = BTreeMap::new();
        let (mut closed_first, mut closed_untold, mut roles_inferred) = ([0; 2], 0, 0);
        // Runs of one outcome are long (a capture of many alike exchanges): the map is entered
        // once a run, not once a connection.
        let mut run: Option<(Outcome, usize)> = None;
        for c in conns {
            match &mut run {
                Some((o, n)) if *o == c.outcome => *n += 1,
                _ => {
                    if let Some((o, n)) = run {
                        *outcomes.entry(o).or_default() += n;
                    }
                    run = Some((c.outcome, 1));
                }
            }
            match c.closed_first {
                Some(crate::tcp::Role::Client) => closed_first[0] += 1,
                Some(crate::tcp::Role::Server) => closed_first[1] += 1,
                None => {}
            }
            closed_untold += usize::from(c.direction_missing.is_some() && c.completeness & 16 != 0);
            roles_inferred += usize::from(c.roles_inferred);
        }
        if let Some((o, n)) = run {
            *outcomes.entry(o).or_default() += n;
        }
        Tally {
            by_outcome: outcomes.into_iter().collect(),
            closed_first,
            closed_untold,
            roles_inferred,
            time_wait: [0; 2],
            time_wait_outlasts: 0,
        }
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.by_outcome
            .iter()
            .find(|(o, _)| *o == outcome)
            .map_or(0, |(_, n)| *n)
    }
}

/// `text` padded with spaces to `width` display columns (a Han character takes two).
fn pad(text: &str, width: usize) -> String {
    let cols: usize = text
        .chars()
        .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(cols)))
}

fn write_peak(out: &mut impl Write, s: &PoolSeries, lang: Lang) -> io::Result<()> {
    let who = match &s.destination {
        Some(d) => format!("{} → {d}", s.host),
        None => s.host.to_string(),
    };
    writeln!(
        out,
        "    {who:<44} {}",
        tr!(
            lang,
            "report-peak",
            held = s.peak.held(),
            pct = format!("{:.2}", s.peak.occupancy_pct),
            assigned = s.peak.assigned,
            active = s.peak.active,
            time_wait = s.peak.time_wait,
            time = ts(s.peak.ts_ns)
        )
    )
}

/// The findings, most severe first: severity, title, the evidence on one line, the advice and
/// the book chapter. Many alike (more than [`FindingGroup::SHOWN_WHOLE`] of one kind and
/// severity) are folded into one: the largest listed by title, the rest counted, the
/// explanation and advice once. Says so when there are none.
pub fn write_findings(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    if a.findings.is_empty() {
        return writeln!(out, "{}", tr!(lang, "report-findings-none"));
    }
    let groups = findings::grouped(&a.findings);
    if groups.iter().any(FindingGroup::folded) {
        writeln!(
            out,
            "{}",
            tr!(lang, "report-findings-grouped", count = a.findings.len())
        )?;
    } else {
        writeln!(
            out,
            "{}",
            tr!(lang, "report-findings", count = a.findings.len())
        )?;
    }
    for g in &groups {
        if g.folded() {
            write_group(out, g, lang)?;
        } else {
            for (_, f) in &g.members {
                write_finding(out, f, lang)?;
            }
        }
    }
    writeln!(out)
}

fn write_finding(out: &mut impl Write, f: &Finding, lang: Lang) -> io::Result<()> {
    let text = f.text(lang);
    writeln!(
        out,
        "  [{}] {}",
        severity_text(lang, f.severity),
        text.title
    )?;
    writeln!(
        out,
        "      {}",
        tr!(lang, "report-evidence", evidence = f.evidence_line())
    )?;
    if !f.connections.is_empty() {
        let shown: Vec<String> = f.connections.iter().take(8).map(u32::to_string).collect();
        let more = f.connections.len().saturating_sub(8);
        let more = if more > 0 {
            format!(" … +{more}")
        } else {
            String::new()
        };
        let list = format!("{}{more}", shown.join(", "));
        writeln!(
            out,
            "      {}",
            tr!(lang, "report-connections", list = list)
        )?;
    }
    writeln!(
        out,
        "      {}",
        tr!(lang, "report-why", text = &text.explanation)
    )?;
    writeln!(out, "      {}", tr!(lang, "report-do", text = &text.advice))?;
    write_chapter(out, f, lang)
}

/// A folded group: how many, the largest by title, what the first one means, the advice once.
fn write_group(out: &mut impl Write, g: &FindingGroup<'_>, lang: Lang) -> io::Result<()> {
    let first = g.members[0].1;
    writeln!(
        out,
        "  [{}] {}",
        severity_text(lang, g.severity),
        tr!(
            lang,
            "report-group",
            count = g.members.len(),
            kind = g.kind.plural_name(lang),
            connections = g.connections()
        )
    )?;
    for (_, f) in g.members.iter().take(FindingGroup::LISTED) {
        writeln!(out, "      - {}", f.text(lang).title)?;
    }
    let more = g.members.len().saturating_sub(FindingGroup::LISTED);
    if more > 0 {
        writeln!(
            out,
            "      {}",
            tr!(lang, "report-group-more", count = more)
        )?;
    }
    let text = first.text(lang);
    writeln!(
        out,
        "      {}",
        tr!(lang, "report-why-first", text = &text.explanation)
    )?;
    writeln!(out, "      {}", tr!(lang, "report-do", text = &text.advice))?;
    write_chapter(out, first, lang)
}

fn write_chapter(out: &mut impl Write, f: &Finding, lang: Lang) -> io::Result<()> {
    writeln!(
        out,
        "      {}",
        tr!(
            lang,
            "report-read",
            chapter = chapter_path(lang, f.chapter),
            kind = f.kind.id()
        )
    )
}

/// The book chapter a finding points at, in the book of `lang`.
pub fn chapter_path(lang: Lang, chapter: &str) -> String {
    match lang.info().book {
        None => chapter.to_string(),
        Some(book) => format!("{book}/{chapter}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every outcome and severity has its own message, different in Chinese.
    #[test]
    fn outcomes_and_severities_have_messages() {
        for o in [
            Outcome::FinFin,
            Outcome::ResetByClient,
            Outcome::ResetByServer,
            Outcome::Refused,
            Outcome::Unreachable,
            Outcome::Unanswered,
            Outcome::OpenAtEnd,
            Outcome::MidStream,
            Outcome::ClosedByClient,
            Outcome::ClosedByServer,
        ] {
            assert_eq!(outcome_text(Lang::En, o), o.describe(), "{o:?}");
            assert_ne!(outcome_text(Lang::ZhTw, o), o.describe(), "{o:?}");
        }
        for s in [Severity::Info, Severity::Warning, Severity::Critical] {
            assert_eq!(severity_text(Lang::En, s), s.label());
            assert_ne!(severity_text(Lang::ZhTw, s), s.label());
        }
    }

    #[test]
    fn padding_counts_han_characters_twice() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("正常", 6), "正常  ");
    }
}
