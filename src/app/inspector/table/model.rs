//! The connection table's view-model: one row per connection (4-tuple, generation, start,
//! duration, outcome, who closed, bytes each way, Zeek history) and per UDP flow, sorting,
//! filtering and CSV.

use portlife::i18n::Lang;
use portlife::tcp::{Connection, Role};

use crate::app::derived::CaptureModel;
use crate::app::timeline::model::fmt_duration;
use portlife::tr;

/// One connection as the table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Index into the capture's connections, or into its UDP flows when `udp`.
    pub conn: u32,
    /// A UDP flow: no states, no closer, no history.
    pub udp: bool,
    pub client: String,
    pub server: String,
    pub generation: u32,
    /// Seconds from the timeline's t0.
    pub start: f64,
    /// Seconds from the first to the last packet.
    pub duration: f64,
    pub outcome: &'static str,
    /// The message that words `outcome` in the table's language.
    pub outcome_id: &'static str,
    pub closed_by: &'static str,
    pub bytes_to_server: u64,
    pub bytes_to_client: u64,
    pub history: String,
}

impl TableRow {
    /// `client -> server`, as the details panel and tooltips write it.
    pub fn tuple(&self) -> String {
        format!("{} -> {}", self.client, self.server)
    }

    /// Lower-cased text the filter box matches against.
    fn haystack(&self) -> String {
        format!(
            "{} {} {} {} {} {}",
            self.client,
            self.server,
            self.outcome,
            self.closed_by,
            self.history,
            if self.udp { "udp" } else { "tcp" }
        )
        .to_lowercase()
    }
}

/// The table's columns, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Tuple,
    Generation,
    Start,
    Duration,
    Outcome,
    ClosedBy,
    BytesToServer,
    BytesToClient,
    History,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Tuple,
        Column::Generation,
        Column::Start,
        Column::Duration,
        Column::Outcome,
        Column::ClosedBy,
        Column::BytesToServer,
        Column::BytesToClient,
        Column::History,
    ];

    /// The column's header in `lang`.
    pub fn title(self, lang: Lang) -> String {
        match self {
            Column::Tuple => tr!(lang, "table-column-tuple"),
            Column::Generation => tr!(lang, "table-column-generation"),
            Column::Start => tr!(lang, "table-column-start"),
            Column::Duration => tr!(lang, "table-column-duration"),
            Column::Outcome => tr!(lang, "details-fact-outcome"),
            Column::ClosedBy => tr!(lang, "table-column-closed-by"),
            Column::BytesToServer => tr!(lang, "table-column-bytes-out"),
            Column::BytesToClient => tr!(lang, "table-column-bytes-in"),
            Column::History => tr!(lang, "table-column-history"),
        }
    }
}

/// How the table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: Column::Start,
            descending: false,
        }
    }
}

/// Connection `conn` of the capture (a TCP row's connection).
pub fn connection(capture: &CaptureModel, conn: u32) -> Option<&Connection> {
    capture.connections.get(conn as usize)
}

/// Every connection of the capture as a row, in capture order, then every UDP flow. `t0_ns`
/// is the timeline's t0.
pub fn rows(capture: &CaptureModel, t0_ns: i64) -> Vec<TableRow> {
    let udp = capture.udp.iter().map(|f| TableRow {
        conn: f.id,
        udp: true,
        client: f.client.to_string(),
        server: f.server.to_string(),
        generation: 0,
        start: (f.start_ns - t0_ns) as f64 / 1e9,
        duration: (f.end_ns - f.start_ns).max(0) as f64 / 1e9,
        outcome: if f.icmp.is_some() {
            "UDP flow answered by an ICMP error"
        } else {
            "UDP flow"
        },
        outcome_id: if f.icmp.is_some() {
            "outcome-udp-icmp"
        } else {
            "outcome-udp-flow"
        },
        closed_by: "-",
        bytes_to_server: f.client_bytes,
        bytes_to_client: f.server_bytes,
        history: String::new(),
    });
    capture
        .connections
        .iter()
        .enumerate()
        .map(|(i, c)| TableRow {
            conn: i as u32,
            udp: false,
            client: c.client.to_string(),
            server: c.server.to_string(),
            generation: c.generation,
            start: (c.start_ns - t0_ns) as f64 / 1e9,
            duration: (c.last_packet_ns - c.start_ns).max(0) as f64 / 1e9,
            outcome: c.outcome.describe(),
            outcome_id: portlife::report::summary::outcome_id(c.outcome),
            closed_by: match c.closed_first {
                Some(Role::Client) => "client",
                Some(Role::Server) => "server",
                None => "-",
            },
            bytes_to_server: c.client_side.bytes,
            bytes_to_client: c.server_side.bytes,
            history: c.history.to_string(),
        })
        .chain(udp)
        .collect()
}

/// Indices into `rows` of the rows matching `filter` (case-insensitive substring of the
/// 4-tuple, outcome, closer or history; empty matches all), sorted by `sort` (ties by start).
pub fn view(rows: &[TableRow], filter: &str, sort: Sort) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|i| needle.is_empty() || rows[*i].haystack().contains(&needle))
        .collect();
    idx.sort_by(|a, b| {
        let (ra, rb) = (&rows[*a], &rows[*b]);
        let ord = match sort.column {
            Column::Tuple => ra.tuple().cmp(&rb.tuple()),
            Column::Generation => ra.generation.cmp(&rb.generation),
            Column::Start => ra.start.total_cmp(&rb.start),
            Column::Duration => ra.duration.total_cmp(&rb.duration),
            Column::Outcome => ra.outcome.cmp(rb.outcome),
            Column::ClosedBy => ra.closed_by.cmp(rb.closed_by),
            Column::BytesToServer => ra.bytes_to_server.cmp(&rb.bytes_to_server),
            Column::BytesToClient => ra.bytes_to_client.cmp(&rb.bytes_to_client),
            Column::History => ra.history.cmp(&rb.history),
        };
        let ord = if sort.descending { ord.reverse() } else { ord };
        ord.then(ra.start.total_cmp(&rb.start))
            .then(ra.udp.cmp(&rb.udp))
            .then(ra.conn.cmp(&rb.conn))
    });
    idx
}

/// The cell text of `row` in `col`, in `lang` (the outcome and the closer are words; the rest
/// are numbers, addresses and Zeek history letters). The CSV stays English: it is data.
pub fn cell(row: &TableRow, col: Column, lang: Lang) -> String {
    match col {
        Column::Tuple => row.tuple(),
        Column::Generation => row.generation.to_string(),
        Column::Start => format!("{:.6}", row.start),
        Column::Duration => fmt_duration(row.duration),
        Column::Outcome => tr!(lang, row.outcome_id),
        Column::ClosedBy => match row.closed_by {
            "client" => tr!(lang, "role-client"),
            "server" => tr!(lang, "role-server"),
            other => other.to_string(),
        },
        Column::BytesToServer => row.bytes_to_server.to_string(),
        Column::BytesToClient => row.bytes_to_client.to_string(),
        Column::History => row.history.clone(),
    }
}

/// Quote a CSV field when it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `rows` as CSV with a header line (RFC 4180), numbers unformatted.
pub fn to_csv<'a>(rows: impl IntoIterator<Item = &'a TableRow>) -> String {
    let mut out = String::from(
        "client,server,generation,start_s,duration_s,outcome,closed_by,bytes_to_server,bytes_to_client,history,protocol\n",
    );
    for r in rows {
        let fields = [
            r.client.clone(),
            r.server.clone(),
            r.generation.to_string(),
            format!("{:.6}", r.start),
            format!("{:.6}", r.duration),
            r.outcome.to_string(),
            r.closed_by.to_string(),
            r.bytes_to_server.to_string(),
            r.bytes_to_client.to_string(),
            r.history.clone(),
            if r.udp { "udp" } else { "tcp" }.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out += &line.join(",");
        out.push('\n');
    }
    out
}
