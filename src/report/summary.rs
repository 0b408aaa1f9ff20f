//! The text report: what a capture says about connections and ports, in plain sentences, in
//! English or Traditional Chinese ([`Lang`]). Every text goes through [`tr`] and the catalog
//! [`REPORT`]; numbers are formatted the same in both languages, so the two reports state the
//! same values.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::io::{self, Write};

use crate::analysis::Analysis;
use crate::findings::{self, Finding, FindingGroup, Severity};
use crate::i18n::{fill, lookup, Catalog, Lang};
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

/// `english` in `lang`, from [`REPORT`].
pub fn tr(lang: Lang, english: &'static str) -> &'static str {
    lookup(REPORT, lang, english)
}

/// [`tr`], then the `{}` placeholders filled in order.
fn trf(lang: Lang, english: &'static str, args: &[&dyn Display]) -> String {
    fill(tr(lang, english), args)
}

/// An outcome's description in `lang` (the English one is [`Outcome::describe`]).
pub fn outcome_text(lang: Lang, o: Outcome) -> &'static str {
    tr(lang, o.describe())
}

/// A severity's label in `lang` (the English one is [`Severity::label`]).
pub fn severity_text(lang: Lang, s: Severity) -> &'static str {
    tr(lang, s.label())
}

/// The profile note ("guessed linux: 6 client port(s) in …, inside …") in `lang`. The note is
/// made of fixed phrases (`ports::Profile::resolve`) around numbers, so it is translated phrase by
/// phrase with [`PROFILE_NOTE`]; the numbers stay where they are.
pub fn profile_note_text(lang: Lang, note: &str) -> String {
    match lang {
        Lang::En => note.to_string(),
        Lang::ZhTw => PROFILE_NOTE
            .iter()
            .fold(note.to_string(), |s, (en, zh)| s.replace(en, zh)),
    }
}

/// The phrases of `ports::Profile::resolve`'s notes, whole sentences before the short pieces
/// they contain.
pub const PROFILE_NOTE: Catalog = &[
    (
        "guessed: no client ports with known roles; assumed Linux (modern)",
        "猜測：沒有角色已知的用戶端埠；假設為 Linux (modern)",
    ),
    (
        "all in 49152–65535 (RFC 6335 dynamic range) and above Linux's 60999: Windows or macOS; chose Windows (120 s TIME-WAIT), use --profile macos for 30 s",
        "全部位於 49152–65535（RFC 6335 動態範圍）且高於 Linux 的 60999：是 Windows 或 macOS；選擇 Windows（TIME-WAIT 120 秒），要 30 秒請用 --profile macos",
    ),
    (
        "inside both Linux's 32768–60999 and Windows' 49152–65535; chose Linux, use --profile windows for 120 s TIME-WAIT",
        "同時位於 Linux 的 32768–60999 與 Windows 的 49152–65535 之內；選擇 Linux，要 120 秒的 TIME-WAIT 請用 --profile windows",
    ),
    ("inside Linux's 32768–60999", "位於 Linux 的 32768–60999 之內"),
    (
        "port 61000 used: Linux's old 32768–61000",
        "用到了埠 61000:Linux 舊版的 32768–61000",
    ),
    (
        "span Linux's and Windows' ranges (several hosts?); assumed Linux (modern)",
        "橫跨 Linux 與 Windows 的範圍（多台主機？）；假設為 Linux (modern)",
    ),
    (
        "some below 32768: FreeBSD's 10000–65535",
        "部分低於 32768:FreeBSD 的 10000–65535",
    ),
    (
        "some below 10000, outside every profile's range; assumed Linux (modern)",
        "部分低於 10000，在所有設定檔的範圍之外；假設為 Linux (modern)",
    ),
    (
        "but initial TTL 128, Windows' default",
        "但初始 TTL 是 128，也就是 Windows 的預設值",
    ),
    ("initial TTL ", "初始 TTL "),
    (
        "ports in 1025–5000, Windows' range before Vista",
        "埠位於 1025–5000,Vista 之前 Windows 的範圍",
    ),
    (
        "ports outside Vista's 49152–65535 (",
        "埠不在 Vista 以後的 49152–65535 之內（",
    ),
    (
        "): an older Windows or a tuned range",
        "）：較舊的 Windows 或調整過的範圍",
    ),
    ("no TCP timestamps in its SYNs", "SYN 不帶 TCP 時間戳記"),
    ("TCP timestamps in its SYNs", "SYN 帶有 TCP 時間戳記"),
    ("ports taken in sequence", "埠依序取用"),
    (
        "ports of one parity first, as Linux connect() takes them",
        "先用同一奇偶的埠，正如 Linux 的 connect() 的取法",
    ),
    (
        "ports above Linux's 60999, in 49152–65535",
        "埠高於 Linux 的 60999，位於 49152–65535",
    ),
    (
        "ports below 32768, in FreeBSD's 10000–65535",
        "埠低於 32768，位於 FreeBSD 的 10000–65535",
    ),
    ("ports in 49152–65535", "埠位於 49152–65535"),
    ("ports in 32768–60999", "埠位於 32768–60999"),
    ("observed range ", "觀察到的範圍 "),
    (" connections on these ", " 條連線只用了這 "),
    (" ports only", " 個埠"),
    (" (high confidence, ", "（信心度高，"),
    (" (medium confidence, ", "（信心度中，"),
    (" (low confidence, ", "（信心度低，"),
    (
        "; the hosts differ: each is modelled under its own, a host with no SYN captured under that of ",
        "；各主機不同：每台主機各用自己的設定檔，沒有擷取到 SYN 的主機則採用這台主機的：",
    ),
    (": chosen ", "：已選擇 "),
    (" connections): ", " 條連線）："),
    (" connection): ", " 條連線）："),
    (" client port(s) in ", " 個用戶端埠，位於 "),
    ("guessed ", "猜測為 "),
    ("chosen: ", "已選擇："),
];

/// The whole text report: findings first, then the capture's statistics and its connections.
pub fn write_text(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    write_findings(out, a, lang)?;
    let s = &a.stats;
    writeln!(out, "{}", a.file)?;
    let gz = if a.compressed { " (gzip)" } else { "" };
    writeln!(
        out,
        "  {}",
        trf(lang, "format: {}{}", &[&format!("{:?}", a.format), &gz])
    )?;
    writeln!(
        out,
        "  {}",
        trf(
            lang,
            "packets: {}  ({} bytes on the wire)",
            &[&s.packets, &s.wire_bytes]
        )
    )?;
    if let (Some(f), Some(l)) = (s.first_ts_ns, s.last_ts_ns) {
        writeln!(out, "  {}", trf(lang, "first: {}", &[&ts(f)]))?;
        writeln!(out, "  {}", trf(lang, "last:  {}", &[&ts(l)]))?;
        let span = format!("{:.6} s", s.duration_s());
        writeln!(out, "  {}", trf(lang, "span:  {}", &[&span]))?;
    }
    writeln!(out, "  {}", tr(lang, "link types:"))?;
    for (k, v) in &s.link_types {
        writeln!(out, "    {k:<24} {v}")?;
    }
    writeln!(out, "  {}", tr(lang, "protocols:"))?;
    for (k, v) in &s.protocols {
        writeln!(out, "    {k:<24} {v}")?;
    }
    // Only when there is something to say, so a plain capture's report is as it was.
    if !s.encapsulations.is_empty() {
        writeln!(out, "  {}", tr(lang, "encapsulations:"))?;
        for (k, v) in &s.encapsulations {
            writeln!(out, "    {k:<24} {v}")?;
        }
    }
    if s.reassembled_datagrams > 0 {
        writeln!(
            out,
            "  {}",
            trf(
                lang,
                "IP datagrams reassembled from fragments: {}",
                &[&s.reassembled_datagrams]
            )
        )?;
    }
    writeln!(
        out,
        "  {}",
        trf(lang, "distinct TCP 4-tuples: {}", &[&s.tcp_4tuples])
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
    writeln!(out, "  {}", tr(lang, "each host's profile:"))?;
    for h in a.ports.host_profiles.iter().take(SHOWN) {
        let how = match h.source {
            crate::ports::ProfileSource::Guessed => tr(lang, "guessed"),
            crate::ports::ProfileSource::Chosen => tr(lang, "chosen"),
        };
        let p = &h.profile;
        writeln!(
            out,
            "    {:<24} {}",
            h.host.to_string(),
            trf(
                lang,
                "{} (ports {}–{}, TIME-WAIT {}), {}",
                &[
                    &p.label,
                    &p.port_lo,
                    &p.port_hi,
                    &secs(p.time_wait_ns),
                    &how
                ]
            )
        )?;
    }
    if a.ports.host_profiles.len() > SHOWN {
        let more = a.ports.host_profiles.len() - SHOWN;
        writeln!(out, "    {}", trf(lang, "… and {} more", &[&more]))?;
    }
    writeln!(
        out,
        "    {}",
        tr(lang, "(any other host: the profile above)")
    )
}

/// Connections, outcomes, port pools, TIME-WAIT, reuse and the ambiguities, as text.
pub fn write_connections(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    let p = &a.ports.profile;
    writeln!(
        out,
        "  {}",
        trf(
            lang,
            "profile: {} (ports {}–{}, TIME-WAIT {}) — {}",
            &[
                &p.label,
                &p.port_lo,
                &p.port_hi,
                &secs(p.time_wait_ns),
                &profile_note_text(lang, &a.ports.profile_note)
            ]
        )
    )?;
    write_host_profiles(out, a, lang)?;
    writeln!(
        out,
        "  {}",
        trf(lang, "TCP connections: {}", &[&a.connections.len()])
    )?;
    let mut by_outcome: BTreeMap<Outcome, usize> = BTreeMap::new();
    for c in &a.connections {
        *by_outcome.entry(c.outcome).or_default() += 1;
    }
    for (o, n) in &by_outcome {
        let text = outcome_text(lang, *o);
        writeln!(out, "    {} {n}", pad(text, 42))?;
    }
    if !a.udp_flows.is_empty() {
        writeln!(
            out,
            "  {}",
            trf(
                lang,
                "UDP flows (request/response, 30 s idle timeout): {}",
                &[&a.udp_flows.len()]
            )
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
        "  {}",
        trf(
            lang,
            "closed first: client {}, server {}",
            &[&closers(false), &closers(true)]
        )
    )?;
    let untold = a
        .connections
        .iter()
        .filter(|c| c.direction_missing.is_some() && c.completeness & 16 != 0)
        .count();
    if untold > 0 {
        writeln!(
            out,
            "    {}",
            trf(
                lang,
                "… and {} closed where one direction is missing: who closed first cannot be told",
                &[&untold]
            )
        )?;
    }
    let tw_spans = |server_side: bool| {
        a.ports
            .spans
            .iter()
            .filter(|s| s.phase == crate::ports::Phase::TimeWait && s.server_side == server_side)
            .count()
    };
    writeln!(
        out,
        "  {}",
        trf(
            lang,
            "TIME-WAIT: {} client port(s), {} server socket(s)",
            &[&tw_spans(false), &tw_spans(true)]
        )
    )?;
    writeln!(
        out,
        "  {}",
        trf(
            lang,
            "reused 4-tuples: {} ({} while the previous connection was still in TIME-WAIT)",
            &[&a.ports.reused_4tuples, &a.ports.reused_during_time_wait]
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
        trf(
            lang,
            "client ports used by more than one connection: {}",
            &[&reused_ports]
        )
    )?;

    writeln!(out, "  {}", tr(lang, "peak occupancy per host:"))?;
    for h in &a.ports.hosts {
        write_peak(out, h, lang)?;
    }
    if !a.ports.destinations.is_empty() {
        writeln!(out, "  {}", tr(lang, "peak occupancy per destination:"))?;
        let mut dests: Vec<&PoolSeries> = a.ports.destinations.iter().collect();
        dests.sort_by_key(|d| std::cmp::Reverse(d.peak.held()));
        for d in dests.iter().take(10) {
            write_peak(out, d, lang)?;
        }
        if dests.len() > 10 {
            writeln!(
                out,
                "    {}",
                trf(lang, "… and {} more", &[&(dests.len() - 10)])
            )?;
        }
    }

    // Ambiguities, said plainly.
    let inferred = a.connections.iter().filter(|c| c.roles_inferred).count();
    if inferred > 0 {
        writeln!(
            out,
            "  {}",
            trf(
                lang,
                "note: {} connection(s) started before the capture: roles inferred",
                &[&inferred]
            )
        )?;
    }
    let open = by_outcome.get(&Outcome::OpenAtEnd).copied().unwrap_or(0)
        + by_outcome.get(&Outcome::MidStream).copied().unwrap_or(0);
    if open > 0 {
        writeln!(
            out,
            "  {}",
            trf(
                lang,
                "note: {} connection(s) still open when the capture ended: their spans are cut there",
                &[&open]
            )
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
            "  {}",
            trf(
                lang,
                "note: {} TIME-WAIT period(s) outlast the capture",
                &[&truncated_tw]
            )
        )?;
    }
    Ok(())
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
        trf(
            lang,
            "{} port(s) = {} % (assigned {}, active {}, TIME-WAIT {}) at {}",
            &[
                &s.peak.held(),
                &format!("{:.2}", s.peak.occupancy_pct),
                &s.peak.assigned,
                &s.peak.active,
                &s.peak.time_wait,
                &ts(s.peak.ts_ns)
            ]
        )
    )
}

/// The findings, most severe first: severity, title, the evidence on one line, the advice and
/// the book chapter. Many alike (more than [`FindingGroup::SHOWN_WHOLE`] of one kind and
/// severity) are folded into one: the largest listed by title, the rest counted, the
/// explanation and advice once. Says so when there are none.
pub fn write_findings(out: &mut impl Write, a: &Analysis, lang: Lang) -> io::Result<()> {
    if a.findings.is_empty() {
        return writeln!(out, "{}", tr(lang, "findings: none"));
    }
    let groups = findings::grouped(&a.findings);
    if groups.iter().any(FindingGroup::folded) {
        writeln!(
            out,
            "{}",
            trf(
                lang,
                "findings ({}; alike ones grouped, every one in --json):",
                &[&a.findings.len()]
            )
        )?;
    } else {
        writeln!(out, "{}", trf(lang, "findings ({}):", &[&a.findings.len()]))?;
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
        trf(lang, "evidence: {}", &[&f.evidence_line()])
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
        writeln!(out, "      {}", trf(lang, "connections: {}", &[&list]))?;
    }
    writeln!(out, "      {}", trf(lang, "why: {}", &[&text.explanation]))?;
    writeln!(out, "      {}", trf(lang, "do: {}", &[&text.advice]))?;
    write_chapter(out, f, lang)
}

/// A folded group: how many, the largest by title, what the first one means, the advice once.
fn write_group(out: &mut impl Write, g: &FindingGroup<'_>, lang: Lang) -> io::Result<()> {
    let first = g.members[0].1;
    writeln!(
        out,
        "  [{}] {}",
        severity_text(lang, g.severity),
        trf(
            lang,
            "{} {} ({} connections in all), the largest first:",
            &[
                &g.members.len(),
                &g.kind.plural_name(lang),
                &g.connections()
            ]
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
            trf(
                lang,
                "… {} more like these (each with its numbers in --json)",
                &[&more]
            )
        )?;
    }
    let text = first.text(lang);
    writeln!(
        out,
        "      {}",
        trf(lang, "why (the first): {}", &[&text.explanation])
    )?;
    writeln!(out, "      {}", trf(lang, "do: {}", &[&text.advice]))?;
    write_chapter(out, first, lang)
}

fn write_chapter(out: &mut impl Write, f: &Finding, lang: Lang) -> io::Result<()> {
    writeln!(
        out,
        "      {}",
        trf(
            lang,
            "read: book chapter {} ({})",
            &[&chapter_path(lang, f.chapter), &f.kind.id()]
        )
    )
}

/// The book chapter a finding points at, in the book of `lang`.
pub fn chapter_path(lang: Lang, chapter: &str) -> String {
    match lang {
        Lang::En => chapter.to_string(),
        Lang::ZhTw => format!("zh-TW/{chapter}"),
    }
}

/// Every text of the report with its Traditional Chinese translation (terms: the glossary of
/// `book/zh-TW`). Keys are the exact English texts passed to [`tr`].
pub const REPORT: Catalog = &[
    ("format: {}{}", "格式：{}{}"),
    (
        "packets: {}  ({} bytes on the wire)",
        "封包：{}（線路上共 {} 位元組）",
    ),
    ("first: {}", "第一個封包：{}"),
    ("last:  {}", "最後一個封包：{}"),
    ("span:  {}", "時間長度：{}"),
    ("link types:", "鏈路類型："),
    ("protocols:", "協定："),
    ("encapsulations:", "封裝："),
    (
        "IP datagrams reassembled from fragments: {}",
        "由分段重組的 IP 資料包：{}",
    ),
    ("distinct TCP 4-tuples: {}", "不同的 TCP 四元組：{}"),
    (
        "profile: {} (ports {}–{}, TIME-WAIT {}) — {}",
        "設定檔：{}（埠 {}–{},TIME-WAIT {}）— {}",
    ),
    ("each host's profile:", "各主機的設定檔："),
    ("guessed", "猜測"),
    ("chosen", "已選擇"),
    (
        "{} (ports {}–{}, TIME-WAIT {}), {}",
        "{}（埠 {}–{},TIME-WAIT {}），{}",
    ),
    (
        "(any other host: the profile above)",
        "（其他主機：採用上面的設定檔）",
    ),
    ("TCP connections: {}", "TCP 連線：{}"),
    (
        "UDP flows (request/response, 30 s idle timeout): {}",
        "UDP 流（請求/回應，閒置 30 秒逾時）：{}",
    ),
    (
        "closed first: client {}, server {}",
        "先關閉的一方：用戶端 {}，伺服器 {}",
    ),
    (
        "… and {} closed where one direction is missing: who closed first cannot be told",
        "……另有 {} 條在少了一個方向的情況下關閉：無法判斷哪一方先關閉",
    ),
    (
        "TIME-WAIT: {} client port(s), {} server socket(s)",
        "TIME-WAIT:{} 個用戶端埠，{} 個伺服器 socket",
    ),
    (
        "reused 4-tuples: {} ({} while the previous connection was still in TIME-WAIT)",
        "重複使用的四元組：{}（其中 {} 次發生在前一條連線仍處於 TIME-WAIT 時）",
    ),
    (
        "client ports used by more than one connection: {}",
        "被多條連線使用的用戶端埠：{}",
    ),
    ("peak occupancy per host:", "各主機的尖峰占用量："),
    ("peak occupancy per destination:", "各目的地的尖峰占用量："),
    ("… and {} more", "… 另有 {} 個"),
    (
        "note: {} connection(s) started before the capture: roles inferred",
        "注意：{} 條連線在擷取開始前就已建立：用戶端與伺服器的角色是推論而來",
    ),
    (
        "note: {} connection(s) still open when the capture ended: their spans are cut there",
        "注意：{} 條連線在擷取結束時仍開著：它們的時段在擷取結束處截斷",
    ),
    (
        "note: {} TIME-WAIT period(s) outlast the capture",
        "注意：{} 段 TIME-WAIT 持續到擷取結束之後",
    ),
    (
        "{} port(s) = {} % (assigned {}, active {}, TIME-WAIT {}) at {}",
        "{} 個埠 = {} %（已分配 {}，使用中 {},TIME-WAIT {}），時間 {}",
    ),
    ("findings: none", "診斷結果：無"),
    (
        "findings ({}; alike ones grouped, every one in --json):",
        "診斷結果（{} 項；相似的已合併，每一項都在 --json 中）：",
    ),
    (
        "{} {} ({} connections in all), the largest first:",
        "{} 項 {}（共 {} 條連線），由大到小：",
    ),
    (
        "… {} more like these (each with its numbers in --json)",
        "…… 另有 {} 項相似的（各自的數字在 --json 中）",
    ),
    ("why (the first): {}", "原因（以第一項為例）：{}"),
    ("findings ({}):", "診斷結果（{} 項）："),
    ("evidence: {}", "證據：{}"),
    ("connections: {}", "連線：{}"),
    ("why: {}", "原因：{}"),
    ("do: {}", "建議：{}"),
    ("read: book chapter {} ({})", "閱讀：書中章節 {}({})"),
    // Outcome::describe
    ("normal close (FIN/FIN)", "正常關閉（FIN/FIN）"),
    ("reset by client", "被用戶端重設"),
    ("reset by server", "被伺服器重設"),
    ("refused (SYN answered by RST)", "被拒絕（SYN 收到 RST）"),
    ("ICMP unreachable", "ICMP 無法到達"),
    ("SYN unanswered", "SYN 未獲回應"),
    ("still open at capture end", "擷取結束時仍開著"),
    (
        "mid-stream (start and end not captured)",
        "中途擷取（開始與結束都不在擷取中）",
    ),
    (
        "closed by the client (the server's direction not captured)",
        "由用戶端關閉（伺服器方向的封包不在擷取中）",
    ),
    (
        "closed by the server (the client's direction not captured)",
        "由伺服器關閉（用戶端方向的封包不在擷取中）",
    ),
    // Severity::label
    ("info", "資訊"),
    ("warning", "警告"),
    ("CRITICAL", "嚴重"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{catalog_problems, literals_passed_to};

    #[test]
    fn report_catalog_is_complete() {
        assert_eq!(catalog_problems(REPORT), Vec::<String>::new());
        let src = include_str!("summary.rs");
        let used: Vec<String> = ["tr", "trf"]
            .iter()
            .flat_map(|c| literals_passed_to(src, c))
            .collect();
        assert!(used.len() > 20, "only {} texts found", used.len());
        for k in used {
            assert!(
                REPORT.iter().any(|(en, _)| *en == k),
                "report text {k:?} has no zh-TW translation"
            );
        }
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
            assert_ne!(outcome_text(Lang::ZhTw, o), o.describe(), "{o:?}");
        }
        for s in [Severity::Info, Severity::Warning, Severity::Critical] {
            assert_ne!(severity_text(Lang::ZhTw, s), s.label());
        }
    }

    #[test]
    fn profile_note_phrases_are_complete() {
        assert_eq!(catalog_problems(PROFILE_NOTE), Vec::<String>::new());
        let src = [
            include_str!("../ports/profile.rs"),
            include_str!("../ports/per_host.rs"),
        ]
        .concat();
        // Every phrase is one the resolver writes (joined across its line continuations).
        let joined: String = src
            .split("\\\n")
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join("");
        for (en, _) in PROFILE_NOTE {
            assert!(
                joined.contains(en.trim()),
                "profile.rs no longer says {en:?}"
            );
        }
    }

    #[test]
    fn padding_counts_han_characters_twice() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("正常", 6), "正常  ");
    }
}
