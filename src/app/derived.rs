//! The capture model the app holds: the connections of one capture (from the library's
//! [`portlife::tcp::Tracker`] via `analysis::analyze_file`), read on the loader thread, and
//! [`Derived`], what one choice of profiles makes of it. The views read it through their models
//! ([`crate::app::timeline::model`] and each view's `model.rs`); their panels never do.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use portlife::analysis::{self, Options, Snapshot};
use portlife::findings::Finding;
use portlife::ports::{PortModel, Profiles};
use portlife::source::{Progress, Warning};
use portlife::tcp::{Connection, Outcome, UdpFlow};

#[cfg(test)]
use crate::app::profile::CustomParams;
#[cfg(test)]
use portlife::ports::ProfileKind;

/// The outcome groups of the filter panel (the list), over the tracker's finer
/// [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeGroup {
    /// FIN/FIN close.
    Normal,
    /// SYN answered by RST or by an ICMP error.
    Refused,
    /// SYN never answered.
    Unanswered,
    /// Ended by RST after the handshake.
    Reset,
    /// Still open at capture end, or seen only mid-stream.
    Open,
}

impl OutcomeGroup {
    pub const ALL: [OutcomeGroup; 5] = [
        OutcomeGroup::Normal,
        OutcomeGroup::Refused,
        OutcomeGroup::Unanswered,
        OutcomeGroup::Reset,
        OutcomeGroup::Open,
    ];

    /// The message that names it (`outcome-group-normal`, …).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeGroup::Normal => "outcome-group-normal",
            OutcomeGroup::Refused => "outcome-group-refused",
            OutcomeGroup::Unanswered => "outcome-group-unanswered",
            OutcomeGroup::Reset => "outcome-group-reset",
            OutcomeGroup::Open => "outcome-group-open",
        }
    }

    pub fn of(o: Outcome) -> OutcomeGroup {
        match o {
            Outcome::FinFin => OutcomeGroup::Normal,
            Outcome::Refused | Outcome::Unreachable => OutcomeGroup::Refused,
            Outcome::Unanswered => OutcomeGroup::Unanswered,
            Outcome::ResetByClient | Outcome::ResetByServer => OutcomeGroup::Reset,
            // Closed by one end, the rest unseen: not known to be over.
            Outcome::OpenAtEnd
            | Outcome::MidStream
            | Outcome::ClosedByClient
            | Outcome::ClosedByServer => OutcomeGroup::Open,
        }
    }
}

/// What the loader hands to the app.
#[derive(Debug, Clone, Default)]
pub struct CaptureModel {
    pub file: String,
    pub packets: u64,
    pub connections: Vec<Connection>,
    pub udp: Vec<UdpFlow>,
    /// Timestamp of the first packet (ns since the Unix epoch), if there was one.
    pub first_ts_ns: Option<i64>,
    /// Timestamp of the last packet (ns since the Unix epoch).
    pub capture_end_ns: i64,
    pub warnings: Vec<Warning>,
    pub cancelled: bool,
    /// The port model and findings the loader already derived under `auto` (the library's
    /// analysis does so anyway): the app's default profile shows them without deriving again.
    pub auto: Option<Arc<Derived>>,
}

/// A capture's identity for the views' caches: the address of its shared model.
pub fn capture_key(c: &Arc<CaptureModel>) -> usize {
    Arc::as_ptr(c) as usize
}

/// What the views show of a capture under one profile: the port model (with the UDP flows, as
/// the report derives it) and the findings. Derived once per capture and profile; filters,
/// the occupancy chart and the pool map all read this one.
#[derive(Debug)]
pub struct Derived {
    pub ports: Arc<PortModel>,
    pub findings: Vec<Finding>,
}

impl CaptureModel {
    /// The port model and findings under the chosen profile (what `derive_after_with` gives,
    /// without a previous model or anything beside).
    #[cfg(test)]
    pub fn derive(&self, choice: ProfileKind, custom: CustomParams) -> Arc<Derived> {
        let profiles = Profiles::from(custom.profile(choice));
        self.derive_after_with(None, &profiles, |_| ()).0
    }

    /// The port model and findings under the chosen profile: the loader's for `auto`, otherwise
    /// the library's `analysis::derive_with` (pure, no re-read; from `prev`, this capture under
    /// another profile, when given), with `beside` run on the new port model while the findings
    /// are computed on the other core (the app builds the timeline rows there).
    pub fn derive_after_with<T>(
        &self,
        prev: Option<&Derived>,
        profiles: &Profiles,
        beside: impl FnOnce(&PortModel) -> T,
    ) -> (Arc<Derived>, T) {
        if *profiles == Profiles::default() {
            if let Some(a) = &self.auto {
                let t = beside(&a.ports);
                return (Arc::clone(a), t);
            }
        }
        let (ports, findings, t) = analysis::derive_with(
            &self.connections,
            &self.udp,
            profiles,
            self.capture_end_ns,
            prev.map(|p| (&*p.ports, p.findings.as_slice())),
            beside,
        );
        let derived = Derived {
            ports: Arc::new(ports),
            findings,
        };
        (Arc::new(derived), t)
    }
}

impl CaptureModel {
    /// How many TCP connections the capture holds (so far, while a live capture grows).
    pub fn connection_count(&self) -> usize {
        self.connections.len()
    }

    /// The model of a pipeline snapshot (live capture), with the source's warnings.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub fn from_snapshot(file: &str, s: Snapshot, warnings: Vec<Warning>) -> CaptureModel {
        CaptureModel {
            file: file.to_string(),
            packets: s.stats.packets,
            first_ts_ns: s.stats.first_ts_ns,
            capture_end_ns: s.ports.capture_end_ns,
            connections: s.connections,
            udp: s.udp_flows,
            warnings,
            cancelled: false,
            // The live pipeline runs under `auto` (live/child.rs).
            auto: Some(Arc::new(Derived {
                ports: Arc::new(s.ports),
                findings: s.findings,
            })),
        }
    }
}

/// Read a capture and rebuild its connections, through the library's
/// [`analysis::analyze_file`]. Reports progress, honours `cancel`.
pub fn load(
    path: &Path,
    mut on_progress: impl FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<CaptureModel, String> {
    let opts = Options {
        on_progress: Some(&mut on_progress),
        cancel: Some(cancel),
        ..Options::default()
    };
    let auto = portlife::ports::Profile::Auto;
    let a = match crate::app::files::kept(path) {
        // Given in memory (a browser's picked or fetched file).
        Some(bytes) => {
            analysis::analyze_bytes_with_profile(&path.display().to_string(), bytes, auto, opts)
        }
        // A folder is the capture files in it, read as one merged by timestamp (tcpdump's
        // rotated files); a file is itself.
        None => analysis::analyze_files_with_profile(&[path.to_path_buf()], auto, opts),
    }
    .map_err(|e| e.to_string())?;
    Ok(CaptureModel {
        file: a.file,
        packets: a.stats.packets,
        first_ts_ns: a.stats.first_ts_ns,
        capture_end_ns: a.ports.capture_end_ns,
        connections: a.connections,
        udp: a.udp_flows,
        warnings: a.warnings,
        cancelled: a.cancelled,
        auto: Some(Arc::new(Derived {
            ports: Arc::new(a.ports),
            findings: a.findings,
        })),
    })
}
