//! Guided tours: a chapter's sample, step by step. Each tour is a small JSON file beside the
//! book (`book/tours/<id>.json`), embedded in the binary, played by the app (the Tours menu,
//! `portlife --tour ID`, the web page's `tour=ID`) and printed by `portlife tour ID`.
//!
//! A step puts the views somewhere — a time, a connection, a tab, an OS profile — and says in a
//! sentence (English and Traditional Chinese) what the reader sees there. A sentence on screen
//! teaches, so a step may also state the two ends' TCP states at its time; [`check`] holds
//! every step to the model portlife builds of its sample (the tour test runs it on every tour).

use std::str::FromStr;

use serde::Deserialize;

use crate::analysis::Analysis;
use crate::i18n::Lang;
use crate::ports::Profile;
use crate::tcp::Connection;

/// The tours, in chapter order: (id, file text).
const FILES: &[(&str, &str)] = &[
    ("ch01", include_str!("../book/tours/ch01.json")),
    ("ch02", include_str!("../book/tours/ch02.json")),
    ("ch04", include_str!("../book/tours/ch04.json")),
    ("ch05", include_str!("../book/tours/ch05.json")),
    ("ch07", include_str!("../book/tours/ch07.json")),
    ("ch08", include_str!("../book/tours/ch08.json")),
    ("ch09", include_str!("../book/tours/ch09.json")),
];

/// One guided tour.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tour {
    /// Set from the file name (`ch07`), not written in the file.
    #[serde(skip)]
    pub id: String,
    /// The sample it walks through: a file name in `samples/`.
    pub sample: String,
    pub title: Text,
    pub steps: Vec<Step>,
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        // A tour is teaching content written beside its sample, as the book is, not an
        // interface text: a language without a sentence of its own reads the English one.
        match lang {
            Lang::ZhTw => &self.zh_tw,
            Lang::En | Lang::Pseudo => &self.en,
        }
    }
}

/// One step: where the views go, and what to say there.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The time cursor, in seconds after the capture's first packet.
    #[serde(default)]
    pub at_s: Option<f64>,
    /// The connection to select, by its client end (`10.0.0.5:49152`, `[2001:db8::5]:49152`):
    /// of the connections on that port, the one open at `at_s` (else the first).
    #[serde(default)]
    pub select: Option<String>,
    /// The tab under the timeline to show.
    #[serde(default)]
    pub tab: Option<Tab>,
    /// The OS profile to model the clients under (`linux`, `windows`, `auto`…).
    #[serde(default)]
    pub profile: Option<String>,
    /// What the client's and the server's ends are in at `at_s`, as the step's sentence says
    /// (RFC 9293 names: `TIME-WAIT`); checked against the model.
    #[serde(default)]
    pub client_state: Option<String>,
    #[serde(default)]
    pub server_state: Option<String>,
    pub text: Text,
}

/// The tabs under the timeline a step can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tab {
    Ladder,
    States,
    Occupancy,
    Table,
}

/// A tour file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tour {id}: {why}")]
pub struct TourError {
    pub id: String,
    pub why: String,
}

/// Every tour, or the first that cannot be read: parsed once (the app's Tours menu asks each
/// frame it is open), then lent out.
pub fn all() -> Result<&'static [Tour], TourError> {
    static ALL: std::sync::OnceLock<Result<Vec<Tour>, TourError>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| FILES.iter().map(|(id, text)| parse(id, text)).collect())
        .as_deref()
        .map_err(Clone::clone)
}

/// The ids of the tours there are.
pub fn ids() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(id, _)| *id)
}

/// The tour `id`.
pub fn by_id(id: &str) -> Result<&'static Tour, TourError> {
    all()?.iter().find(|t| t.id == id).ok_or_else(|| TourError {
        id: id.to_string(),
        why: format!(
            "no such tour; there are {}",
            ids().collect::<Vec<_>>().join(", ")
        ),
    })
}

/// Read one tour file.
pub fn parse(id: &str, text: &str) -> Result<Tour, TourError> {
    let mut tour: Tour = serde_json::from_str(text).map_err(|e| TourError {
        id: id.to_string(),
        why: e.to_string(),
    })?;
    tour.id = id.to_string();
    Ok(tour)
}

impl Tour {
    /// The profile the views are under at step `i`: the one the latest step up to `i` asked
    /// for, else `auto` (each host its guessed OS), the model the tour's sentences were checked
    /// against. So stepping back past a step that changed the profile changes it back.
    pub fn profile_at(&self, i: usize) -> Profile {
        self.steps
            .iter()
            .take(i + 1)
            .rev()
            .find_map(|s| s.profile().and_then(Result::ok))
            .unwrap_or(Profile::Auto)
    }
}

impl Step {
    /// The profile this step asks for, if any and if it is one portlife knows.
    pub fn profile(&self) -> Option<Result<Profile, String>> {
        self.profile
            .as_deref()
            .map(|p| Profile::from_str(p).map_err(|e| e.to_string()))
    }

    /// The time cursor in capture nanoseconds, counted from `first_ts_ns`.
    pub fn at_ns(&self, first_ts_ns: i64) -> Option<i64> {
        self.at_s.map(|s| first_ts_ns + (s * 1e9).round() as i64)
    }

    /// The index in `conns` of the connection this step selects.
    pub fn connection(&self, conns: &[Connection], first_ts_ns: i64) -> Option<usize> {
        let client = self.select.as_deref()?;
        let mut on_port = conns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.client.to_string() == client)
            .peekable();
        let first = on_port.peek().map(|(i, _)| *i);
        match self.at_ns(first_ts_ns) {
            Some(at) => on_port
                .find(|(_, c)| c.start_ns <= at && at <= c.end_ns)
                .map(|(i, _)| i)
                .or(first),
            None => first,
        }
    }
}

/// What is wrong with `tour` against `analysis`, the model of its sample: a time outside the
/// capture, a selection that names no connection, a profile portlife does not know, a stated
/// state the model does not have then, a sentence missing in a language. Empty when the tour
/// is true to its sample.
pub fn check(tour: &Tour, analysis: &Analysis) -> Vec<String> {
    let mut problems = Vec::new();
    let (Some(first), Some(last)) = (analysis.stats.first_ts_ns, analysis.stats.last_ts_ns) else {
        return vec![format!(
            "{}: its sample {} has no packet with a time",
            tour.id, tour.sample
        )];
    };
    let mut say =
        |i: usize, why: String| problems.push(format!("{} step {}: {why}", tour.id, i + 1));
    if tour.steps.is_empty() {
        say(0, "a tour needs steps".into());
    }
    for (i, step) in tour.steps.iter().enumerate() {
        for (lang, text) in [("en", &step.text.en), ("zh-TW", &step.text.zh_tw)] {
            if text.trim().is_empty() {
                say(i, format!("no {lang} sentence"));
            }
        }
        if let Some(at) = step.at_ns(first) {
            // Past the last packet is allowed: the kernel's timers go on (replay runs there).
            if at < first || step.at_s.is_some_and(|s| !s.is_finite()) {
                say(i, format!("time {:?} s is before the capture", step.at_s));
            }
            if at > last + 240_000_000_000 {
                say(
                    i,
                    format!("time {:?} s is past every timer of the capture", step.at_s),
                );
            }
        }
        if let Some(Err(e)) = step.profile() {
            say(i, e);
        }
        if matches!(step.profile(), Some(Ok(Profile::Custom { .. }))) {
            say(i, "a tour cannot ask for a custom profile".into());
        }
        let conn = match (&step.select, step.connection(&analysis.connections, first)) {
            (Some(sel), None) => {
                say(i, format!("no connection has the client end {sel}"));
                None
            }
            (_, c) => c.map(|c| &analysis.connections[c]),
        };
        let stated = [
            ("client", &step.client_state),
            ("server", &step.server_state),
        ];
        if stated.iter().any(|(_, s)| s.is_some()) {
            let (Some(c), Some(at)) = (conn, step.at_ns(first)) else {
                say(i, "a stated state needs a selection and a time".into());
                continue;
            };
            if step.profile.is_some() {
                say(
                    i,
                    "a stated state is read from the capture: no profile may be asked for".into(),
                );
            }
            let (client, server) = c.state_at(at);
            for ((who, want), got) in stated.iter().zip([client, server]) {
                if let Some(want) = want {
                    if got.name() != want.as_str() {
                        say(
                            i,
                            format!(
                                "the {who} is {} at {:?} s, not {want}",
                                got.name(),
                                step.at_s
                            ),
                        );
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tour_file_reads() {
        let tours = all().unwrap();
        assert_eq!(tours.len(), FILES.len());
        assert!(tours.iter().all(|t| !t.steps.is_empty()));
    }

    #[test]
    fn stepping_back_past_a_profile_change_undoes_it() {
        let tr = parse(
            "x",
            r#"{"sample":"a.pcap","title":{"en":"a","zh-TW":"甲"},"steps":[
                {"text":{"en":"1","zh-TW":"一"}},
                {"profile":"linux","text":{"en":"2","zh-TW":"二"}},
                {"text":{"en":"3","zh-TW":"三"}},
                {"profile":"windows","text":{"en":"4","zh-TW":"四"}}]}"#,
        )
        .unwrap();
        let kinds: Vec<_> = (0..4).map(|i| tr.profile_at(i).kind()).collect();
        use crate::ports::ProfileKind::*;
        assert_eq!(kinds, [Auto, Linux, Linux, Windows]);
    }

    #[test]
    fn an_unknown_field_or_tour_is_an_error_not_a_panic() {
        let e = parse(
            "x",
            r#"{"sample":"a.pcap","title":{"en":"a","zh-TW":"甲"},"steps":[],"colour":1}"#,
        )
        .unwrap_err();
        assert!(e.why.contains("colour"), "{e}");
        assert!(by_id("ch99").unwrap_err().why.contains("ch07"));
        assert!(parse("x", "{").is_err());
    }
}
