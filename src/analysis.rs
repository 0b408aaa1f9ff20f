//! The whole pipeline over one capture: source → decode → statistics → tracker → ports.
//! [`Pipeline`] takes one packet at a time (a file or, later, a live capture) and can give a
//! [`Snapshot`] at any moment; [`analyze_file`] is that pipeline run over a whole file.
//! The CLI, the app's loader thread and the tests all come through here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::cores;
use crate::decode;
use crate::defrag::{Defrag, FirstFragment};
use crate::findings::{self, Finding};
use crate::i18n::{english_count, english_verb};
use crate::ports::{self, OsProfile, PortModel, Profile, Profiles};
use crate::sanitize::{self, Sanitizer, Verdict};
use crate::source::merge::{self, MergedSource};
use crate::source::{
    FileSource, Format, OpenError, Packet, PacketMeta, Progress, Warning, WarningKind,
};
use crate::stats::CaptureStats;
use crate::tcp::evict::DEFAULT_MAX_CONNECTIONS;
use crate::tcp::{Connection, Evictions, Tracker, UdpFlow};

/// Everything learnt from one capture.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub file: String,
    pub format: Format,
    pub compressed: bool,
    pub stats: CaptureStats,
    pub warnings: Vec<Warning>,
    /// True when the read was cancelled before the end of the file.
    pub cancelled: bool,
    /// Every TCP connection, in order of first packet (`id` = index).
    #[serde(serialize_with = "crate::json::long_array")]
    pub connections: Vec<Connection>,
    /// UDP request/response flows (`id` = index).
    pub udp_flows: Vec<UdpFlow>,
    /// The OS profile the port model was derived under, for every host without its own
    /// (`ports.host_profiles`).
    pub profile: OsProfile,
    /// Port phases and pool occupancy under `profile`.
    pub ports: PortModel,
    /// Diagnostics under `profile`, most severe first ([`findings::compute`]).
    pub findings: Vec<Finding>,
    /// Connection records summarised to keep memory bounded (all zero below the cap).
    pub evicted: Evictions,
}

impl Analysis {
    /// Re-derive the port model under other profiles (one for all, or per host), from the
    /// connections in memory (no re-read of the capture).
    pub fn set_profile(&mut self, profile: impl Into<Profiles>) {
        let profile = &profile.into();
        let end = self.stats.last_ts_ns.unwrap_or(0);
        let prev = Some((&self.ports, self.findings.as_slice()));
        let (ports, findings, ()) = derive_with(
            &self.connections,
            &self.udp_flows,
            profile,
            end,
            prev,
            |_| (),
        );
        self.profile = ports.profile.clone();
        self.ports = ports;
        self.findings = findings;
    }
}

/// The model at one moment of an incremental run.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub stats: CaptureStats,
    pub connections: Vec<Connection>,
    pub udp_flows: Vec<UdpFlow>,
    pub profile: OsProfile,
    pub ports: PortModel,
    pub findings: Vec<Finding>,
    /// Connection records summarised so far to keep memory bounded.
    pub evicted: Evictions,
}

/// The incremental pipeline: push packets one at a time, take a [`Snapshot`] whenever.
/// A file and a live capture go through exactly this.
#[derive(Debug, Clone)]
pub struct Pipeline {
    stats: CaptureStats,
    sanitizer: Sanitizer,
    tracker: Tracker,
    profile: Profiles,
    /// IP fragments being put together ([`Self::push`]; the file pipeline keeps its own on the
    /// reading thread, where the bytes are).
    defrag: Defrag,
}

impl Pipeline {
    pub fn new(profile: impl Into<Profiles>) -> Self {
        Pipeline::with_max_connections(profile, DEFAULT_MAX_CONNECTIONS)
    }

    /// A pipeline whose tracker keeps at most `max` connection records (older ones are
    /// summarised; see [`crate::tcp::evict`]).
    pub fn with_max_connections(profile: impl Into<Profiles>, max: usize) -> Self {
        Pipeline {
            stats: CaptureStats::default(),
            sanitizer: Sanitizer::default(),
            tracker: Tracker::with_max_connections(max),
            profile: profile.into(),
            defrag: Defrag::default(),
        }
    }

    /// Decode and account one packet. Duplicates (the same packet seen on two interfaces) are
    /// counted but not modelled; a timestamp earlier than the previous packet's is modelled at
    /// the previous packet's time (see [`crate::sanitize`]).
    pub fn push(&mut self, pkt: &Packet<'_>) {
        let mut defrag = std::mem::take(&mut self.defrag);
        Seen::of_then(pkt, &mut defrag, |seen| self.push_seen(&seen));
        self.defrag = defrag;
    }

    fn push_seen(&mut self, seen: &Seen) {
        let verdict = admit(&mut self.stats, &mut self.sanitizer, seen);
        self.track(seen.meta.index, verdict, &seen.decoded, seen.layers.path);
    }

    /// What [`Self::push`] does after [`admit`]: model the packet at `ts_ns`, or count it as a
    /// duplicate (`None`).
    fn track(
        &mut self,
        index: u64,
        ts_ns: Option<i64>,
        decoded: &decode::Decoded,
        path: decode::EncapPath,
    ) {
        match ts_ns {
            Some(ts_ns) => {
                self.tracker.push(index, ts_ns, decoded);
                if let (decode::Decoded::Tcp(seg), false) = (decoded, path.is_empty()) {
                    self.tracker.note_encapsulation(seg, path);
                }
            }
            None => self.tracker.count_duplicate(decoded),
        }
    }

    /// The statistics so far (a copy: cheap, a few counters and two small maps).
    pub fn stats(&self) -> CaptureStats {
        completed(self.stats.clone(), &self.tracker)
    }

    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Change the profile used by later snapshots.
    pub fn set_profile(&mut self, profile: impl Into<Profiles>) {
        self.profile = profile.into();
    }

    /// The model as if the capture ended at the last packet seen so far. Copies the connection
    /// list (O(connections)); the pipeline itself is untouched and can keep going.
    pub fn snapshot(&self) -> Snapshot {
        self.clone().finish()
    }

    /// End the run: the final model, without copying.
    pub fn finish(mut self) -> Snapshot {
        // The end gives up the datagrams still incomplete; their first fragments go last.
        self.defrag.finish();
        while let Some(first) = self.defrag.take_lost() {
            self.push_seen(&Seen::first_fragment(first));
        }
        let Pipeline {
            stats,
            mut tracker,
            profile,
            ..
        } = self;
        let stats = completed(stats, &tracker);
        let end = stats.last_ts_ns.unwrap_or(0);
        tracker.finish(end);
        let evicted = tracker.evictions().clone();
        let (connections, udp_flows) = tracker.into_parts();
        let (ports, findings, ()) =
            derive_with(&connections, &udp_flows, &profile, end, None, |_| ());
        Snapshot {
            stats,
            connections,
            udp_flows,
            profile: ports.profile.clone(),
            ports,
            findings,
            evicted,
        }
    }
}

/// The statistics with what they leave to the end: the last run of link-type/protocol counts
/// folded in, and the distinct 4-tuples from the tracker's table.
fn completed(mut stats: CaptureStats, tracker: &Tracker) -> CaptureStats {
    stats.flush();
    stats.tcp_4tuples = tracker.distinct_4tuples();
    stats
}

/// The port model and findings of finished connections under `profile`: derived afresh, or
/// from `prev` — the model and findings of the same connections under another profile, whose
/// row layout (`ports::rederive`) and profile-independent findings carry over. `beside` runs on
/// the new model on this thread (the app builds its timeline there). The report, a profile
/// switch and the app all come through here, and this is where their work meets the two
/// cores: the findings the connections alone decide are found beside the port derivation, and
/// those the profile decides beside `beside`.
pub fn derive_with<T>(
    connections: &[Connection],
    udp_flows: &[UdpFlow],
    profile: &Profiles,
    end: i64,
    prev: Option<(&PortModel, &[Finding])>,
    beside: impl FnOnce(&PortModel) -> T,
) -> (PortModel, Vec<Finding>, T) {
    let (ports, mut all) = match prev {
        Some((prev_ports, found)) => {
            let ports = ports::rederive(prev_ports, connections, udp_flows, profile, end);
            let kept: Vec<Finding> = found
                .iter()
                .filter(|f| !f.kind.depends_on_profile())
                .cloned()
                .collect();
            (ports, kept)
        }
        None => {
            let (early, ports) = cores::both(
                || findings::from_connections(connections, udp_flows),
                || ports::derive(connections, udp_flows, profile, end),
            );
            (ports, early)
        }
    };
    let (from_ports, t) = cores::both(
        || findings::from_ports(connections, &ports),
        || beside(&ports),
    );
    all.extend(from_ports);
    (ports, findings::most_severe_first(all), t)
}

/// A packet once its bytes are done with: decoded, and fingerprinted for duplicate detection.
/// Everything the statistics, the sanitizer and the tracker need, owned, so the file pipeline
/// can make these on the reading thread and hand them to the tracking thread in batches.
struct Seen {
    meta: PacketMeta,
    fingerprint: Option<u64>,
    decoded: decode::Decoded,
    /// The encapsulations the packet came through, and why it was not decoded if it was not.
    layers: decode::Layers,
    origin: Origin,
}

impl Seen {
    /// Decode and fingerprint `pkt` and hand the result to `keep` (a continuation, so that the
    /// reading thread writes each packet straight into its batch: see [`decode::decode_then`]).
    #[inline(always)]
    fn of_then(pkt: &Packet<'_>, defrag: &mut Defrag, mut keep: impl FnMut(Seen)) {
        // The link layer is peeled once for both (the reading thread is the busier one).
        let fragment = decode::decode_then(pkt.linktype, pkt.data, |decoded, ip, layers| {
            let fragment = matches!(decoded, decode::Decoded::Other(decode::OtherKind::Fragment));
            // The fragment that completes a datagram stands for the whole datagram.
            let whole = if fragment {
                ip.and_then(|ip| defrag.push(ip, pkt.index, pkt.ts_ns))
            } else {
                None
            };
            let (decoded, layers, origin) = match whole {
                Some(whole) => {
                    let (decoded, layers) = decode::decode_ip(whole, layers.path);
                    (decoded, layers, Origin::Reassembled)
                }
                None => (decoded, layers, Origin::Frame),
            };
            keep(Seen {
                meta: pkt.meta(),
                fingerprint: ip.and_then(sanitize::ip_fingerprint),
                decoded,
                layers,
                origin,
            });
            fragment
        });
        if fragment {
            while let Some(first) = defrag.take_lost() {
                keep(Seen::first_fragment(first));
            }
        }
    }

    /// The first fragment of a datagram that was given up, modelled on its own (see
    /// [`crate::defrag::FirstFragment`]); already counted in the statistics as the fragment it
    /// was.
    fn first_fragment(first: FirstFragment) -> Seen {
        let (decoded, layers) = decode::decode_ip(&first.ip, decode::EncapPath::EMPTY);
        Seen {
            meta: PacketMeta {
                index: first.index,
                ts_ns: first.ts_ns,
                ts_known: true,
                linktype: 0,
                orig_len: 0,
            },
            fingerprint: None,
            decoded,
            layers,
            origin: Origin::FirstFragment,
        }
    }
}

/// Where a [`Seen`] packet came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A captured frame, as it was.
    Frame,
    /// The fragment that completed an IP datagram: the packet decoded is the whole datagram.
    Reassembled,
    /// The first fragment of a datagram given up, modelled late, not counted again.
    FirstFragment,
}

/// A [`Seen`] packet once [`admit`] has accounted it: what is left for the tracker.
struct Admitted {
    index: u64,
    /// When to model it; `None`: a duplicate, to be counted only.
    ts_ns: Option<i64>,
    decoded: decode::Decoded,
    path: decode::EncapPath,
}

impl Admitted {
    #[inline(always)]
    fn of(seen: &Seen, ts_ns: Option<i64>) -> Admitted {
        Admitted {
            index: seen.meta.index,
            ts_ns,
            decoded: seen.decoded,
            path: seen.layers.path,
        }
    }
}

/// Account one packet and say at what time the tracker should model it (`None`: a duplicate,
/// counted and dropped). Everything [`Pipeline::push`] does before the tracker.
fn admit(stats: &mut CaptureStats, sanitizer: &mut Sanitizer, seen: &Seen) -> Option<i64> {
    match seen.origin {
        Origin::Frame => {}
        Origin::Reassembled => stats.reassembled_datagrams += 1,
        // Counted when it was read; modelled now, at the latest time seen so far.
        Origin::FirstFragment => {
            return match sanitizer.check_fingerprint(None, seen.meta.ts_ns) {
                Verdict::Keep { ts_ns } => Some(ts_ns),
                Verdict::Duplicate => None,
            }
        }
    }
    stats.observe(&seen.meta, &seen.decoded);
    if !seen.layers.is_plain() {
        stats.observe_layers(seen.meta.linktype, &seen.layers);
    }
    match sanitizer.check_fingerprint(seen.fingerprint, seen.meta.ts_ns) {
        Verdict::Keep { ts_ns } => Some(ts_ns),
        Verdict::Duplicate => {
            stats.duplicate_packets += 1;
            None
        }
    }
}

/// Packets handed from the reading thread to the tracking thread at a time.
const BATCH: usize = 2048;

/// Which thread of the file pipeline accounts each packet ([`admit`]: statistics and the
/// sanitizer's verdict, which need nothing the tracker learns).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Accounting {
    /// The reading thread, where the packet's bytes still are.
    Reader,
    /// The tracking thread.
    Tracker,
}

impl Accounting {
    /// The reading thread's work grows with each frame's bytes (copying the file, decoding,
    /// fingerprinting), the tracking thread's with the number of frames: the accounting goes to
    /// the one with less to do, told by the first batch's mean captured length. Short frames
    /// (thousands of short exchanges) leave the tracker the slower thread; payload-heavy ones the
    /// reader (BENCHMARKS.md: both shapes).
    fn for_frames(bytes: usize, frames: usize) -> Accounting {
        if bytes <= SHORT_FRAME * frames {
            Accounting::Reader
        } else {
            Accounting::Tracker
        }
    }
}

/// The mean captured frame length up to which the reading thread accounts packets.
const SHORT_FRAME: usize = 160;

/// A batch of packets for the tracking thread: accounted or not, as [`Accounting`] says.
enum Batch {
    Seen(Vec<Seen>),
    Admitted(Vec<Admitted>),
}

impl Batch {
    fn len(&self) -> usize {
        match self {
            Batch::Seen(v) => v.len(),
            Batch::Admitted(v) => v.len(),
        }
    }
}

/// The file pipeline on two cores: this thread reads, decodes and fingerprints (everything
/// that needs the packet's bytes); a second thread runs the tracker on batches of packets, in
/// capture order. The accounting goes to whichever of the two has less to do
/// ([`Accounting::for_frames`] on the first batch, unless `accounting` says); the same steps see
/// the same packets in the same order either way, so the result is the one-thread result.
fn run_two_threads(
    source: &mut impl PacketSource,
    profile: Profiles,
    max_connections: usize,
    opts: &mut Options<'_>,
    mut accounting: Option<Accounting>,
) -> (Pipeline, Defrag, bool) {
    let (full_tx, full_rx) = crossbeam_channel::bounded::<Batch>(8);
    let (empty_tx, empty_rx) = crossbeam_channel::bounded::<Batch>(8);
    let mut cancelled = false;
    let mut defrag = Defrag::default();
    let mut stats = CaptureStats::default();
    let mut sanitizer = Sanitizer::default();
    let ahead = std::sync::Arc::new(crate::prefault::Ahead::default());
    let tracker_ahead = std::sync::Arc::clone(&ahead);
    let (mut pipeline, ()) = cores::beside(
        move || {
            let mut pipeline = Pipeline::with_max_connections(profile, max_connections);
            pipeline.tracker.share_ahead(tracker_ahead);
            for mut batch in full_rx {
                // By reference: moving each packet out of the batch was a copy per packet.
                match &mut batch {
                    Batch::Seen(v) => {
                        v.iter().for_each(|seen| pipeline.push_seen(seen));
                        v.clear();
                    }
                    Batch::Admitted(v) => {
                        for a in v.iter() {
                            pipeline.track(a.index, a.ts_ns, &a.decoded, a.path);
                        }
                        v.clear();
                    }
                }
                let _ = empty_tx.try_send(batch); // recycled; dropped if the reader has enough
            }
            pipeline
        },
        || {
            let new_batch = |accounting: Option<Accounting>| match accounting {
                Some(Accounting::Reader) => Batch::Admitted(Vec::with_capacity(BATCH)),
                _ => Batch::Seen(Vec::with_capacity(BATCH)),
            };
            let mut batch = new_batch(accounting);
            let mut first_bytes = 0usize;
            let mut faulted_in = 0usize;
            let mut keep = |batch: &mut Batch, seen: Seen| match batch {
                Batch::Seen(v) => v.push(seen),
                Batch::Admitted(v) => {
                    let verdict = admit(&mut stats, &mut sanitizer, &seen);
                    v.push(Admitted::of(&seen, verdict));
                }
            };
            while let Some(pkt) = source.next_packet() {
                if accounting.is_none() {
                    first_bytes += pkt.data.len();
                }
                Seen::of_then(&pkt, &mut defrag, |seen| keep(&mut batch, seen));
                if batch.len() >= BATCH {
                    if accounting.is_none() {
                        // The first batch, held as it was read, decides; accounted now if it
                        // is the reader's to account.
                        let chosen = Accounting::for_frames(first_bytes, batch.len());
                        accounting = Some(chosen);
                        if let (Accounting::Reader, Batch::Seen(seen)) = (chosen, &mut batch) {
                            let mut admitted = new_batch(accounting);
                            for s in seen.drain(..) {
                                keep(&mut admitted, s);
                            }
                            batch = admitted;
                        }
                    }
                    let next = empty_rx
                        .try_recv()
                        .unwrap_or_else(|_| new_batch(accounting));
                    let full = std::mem::replace(&mut batch, next);
                    if !hand_over(&full_tx, full, &ahead, &mut faulted_in) {
                        break; // the tracking thread is gone (it panicked): join reports it
                    }
                }
                if checkpoint(pkt.index, &*source, opts) {
                    cancelled = true;
                    break;
                }
            }
            // The capture's end gives up what is still incomplete; their first fragments go last.
            defrag.finish();
            while let Some(first) = defrag.take_lost() {
                keep(&mut batch, Seen::first_fragment(first));
            }
            let _ = full_tx.send(batch);
            drop(full_tx);
        },
    );
    if accounting == Some(Accounting::Reader) {
        pipeline.stats = stats;
        pipeline.sanitizer = sanitizer;
    }
    (pipeline, defrag, cancelled)
}

/// Send `batch` to the tracking thread; false if it is gone. When the tracker is behind, the
/// wait is spent faulting in the memory its records grow into next, which it would otherwise
/// fault in itself ([`crate::prefault`]).
fn hand_over(
    tx: &crossbeam_channel::Sender<Batch>,
    batch: Batch,
    ahead: &crate::prefault::Ahead,
    faulted_in: &mut usize,
) -> bool {
    match tx.try_send(batch) {
        Ok(()) => true,
        Err(crossbeam_channel::TrySendError::Full(batch)) => {
            ahead.fault_in(faulted_in);
            tx.send(batch).is_ok()
        }
        Err(crossbeam_channel::TrySendError::Disconnected(_)) => false,
    }
}

/// The file pipeline where there is one core to run it (a browser; [`cores::on_one_core`]):
/// the same [`Pipeline`] fed packet by packet, so the result is the two-thread one.
fn run_one_thread(
    source: &mut impl PacketSource,
    profile: Profiles,
    max_connections: usize,
    opts: &mut Options<'_>,
) -> (Pipeline, Defrag, bool) {
    let mut pipeline = Pipeline::with_max_connections(profile, max_connections);
    let mut defrag = Defrag::default();
    let mut cancelled = false;
    while let Some(pkt) = source.next_packet() {
        Seen::of_then(&pkt, &mut defrag, |seen| pipeline.push_seen(&seen));
        if checkpoint(pkt.index, &*source, opts) {
            cancelled = true;
            break;
        }
    }
    defrag.finish();
    while let Some(first) = defrag.take_lost() {
        pipeline.push_seen(&Seen::first_fragment(first));
    }
    (pipeline, defrag, cancelled)
}

/// Every 4096 packets: say how far the read has come, and whether it was asked to stop.
fn checkpoint(index: u64, source: &impl PacketSource, opts: &mut Options<'_>) -> bool {
    if !index.is_multiple_of(4096) {
        return false;
    }
    if opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return true;
    }
    if let Some(cb) = opts.on_progress.as_mut() {
        cb(source.progress());
    }
    false
}

/// The file pipeline on the cores there are.
fn run(
    source: &mut impl PacketSource,
    profile: Profiles,
    max_connections: usize,
    opts: &mut Options<'_>,
) -> (Pipeline, Defrag, bool) {
    if cores::two() {
        run_two_threads(source, profile, max_connections, opts, None)
    } else {
        run_one_thread(source, profile, max_connections, opts)
    }
}

/// Options for [`analyze_file`].
#[derive(Default)]
pub struct Options<'a> {
    /// Called every few thousand packets with how far the read has come.
    pub on_progress: Option<&'a mut dyn FnMut(Progress)>,
    /// Set from another thread to stop early; what was read so far is kept.
    pub cancel: Option<&'a AtomicBool>,
    /// Cap on connection records (default [`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: Option<usize>,
}

/// Read and analyse a whole capture file, guessing the OS profile (`auto`).
pub fn analyze_file(path: impl AsRef<Path>, opts: Options<'_>) -> Result<Analysis, OpenError> {
    analyze_file_with_profile(path, Profile::Auto, opts)
}

/// Read and analyse a whole capture file under the given OS profiles.
pub fn analyze_file_with_profile(
    path: impl AsRef<Path>,
    profile: impl Into<Profiles>,
    mut opts: Options<'_>,
) -> Result<Analysis, OpenError> {
    let profile = profile.into();
    let path = path.as_ref();
    let mut source = FileSource::open(path)?;
    let max = opts.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
    let (pipeline, defrag, cancelled) = run(&mut source, profile, max, &mut opts);
    let read = Read {
        file: path.display().to_string(),
        format: source.format(),
        compressed: source.is_compressed(),
        warnings: source.warnings().to_vec(),
    };
    // Its read buffer is not needed past the last packet.
    drop(source);
    Ok(finish(read, pipeline, defrag, cancelled))
}

/// Read and analyse a capture held in memory (what a browser page was given: a picked or
/// fetched file), named `name` in the report.
pub fn analyze_bytes_with_profile(
    name: &str,
    bytes: std::sync::Arc<[u8]>,
    profile: impl Into<Profiles>,
    mut opts: Options<'_>,
) -> Result<Analysis, OpenError> {
    let profile = profile.into();
    let len = bytes.len() as u64;
    let mut source = FileSource::from_reader(std::io::Cursor::new(bytes), Some(len), name)?;
    let max = opts.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
    let (pipeline, defrag, cancelled) = run(&mut source, profile, max, &mut opts);
    let read = Read {
        file: name.to_string(),
        format: source.format(),
        compressed: source.is_compressed(),
        warnings: source.warnings().to_vec(),
    };
    // Its read buffer is not needed past the last packet.
    drop(source);
    Ok(finish(read, pipeline, defrag, cancelled))
}

/// Read and analyse several captures as one, merged by timestamp (a directory stands for the
/// capture files in it, in name order): the rotated files of `tcpdump -C/-G/-W`, or one
/// exchange captured at several points. One path that is a file is [`analyze_file_with_profile`].
pub fn analyze_files_with_profile(
    paths: &[PathBuf],
    profile: impl Into<Profiles>,
    mut opts: Options<'_>,
) -> Result<Analysis, OpenError> {
    let profile = profile.into();
    let mut files = Vec::new();
    for p in paths {
        let found = merge::files_in(p).map_err(|source| OpenError::Io {
            path: p.display().to_string(),
            source,
        })?;
        if found.is_empty() {
            return Err(OpenError::Io {
                path: p.display().to_string(),
                source: std::io::Error::other("no capture files in this directory"),
            });
        }
        files.extend(found);
    }
    if let [one] = files.as_slice() {
        return analyze_file_with_profile(one, profile, opts);
    }
    let mut source = MergedSource::open(&files)?;
    let max = opts.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS);
    let (pipeline, defrag, cancelled) = run(&mut source, profile, max, &mut opts);
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let read = Read {
        file: names.join(" + "),
        format: source.format(),
        compressed: source.is_compressed(),
        warnings: source.warnings(),
    };
    drop(source);
    Ok(finish(read, pipeline, defrag, cancelled))
}

/// What the reading side leaves for the analysis.
struct Read {
    file: String,
    format: Format,
    compressed: bool,
    warnings: Vec<Warning>,
}

/// What the two-thread pipeline reads from: one file, or several merged.
trait PacketSource {
    fn next_packet(&mut self) -> Option<Packet<'_>>;
    fn progress(&self) -> Progress;
}

impl PacketSource for FileSource {
    #[inline(always)]
    fn next_packet(&mut self) -> Option<Packet<'_>> {
        FileSource::next_packet(self)
    }
    fn progress(&self) -> Progress {
        FileSource::progress(self)
    }
}

impl PacketSource for MergedSource {
    fn next_packet(&mut self) -> Option<Packet<'_>> {
        MergedSource::next_packet(self)
    }
    fn progress(&self) -> Progress {
        MergedSource::progress(self)
    }
}

/// The finished pipeline and what was read, as an [`Analysis`] with its warnings.
fn finish(read: Read, pipeline: Pipeline, defrag: Defrag, cancelled: bool) -> Analysis {
    let Read {
        file,
        format,
        compressed,
        warnings: mut source_warnings,
    } = read;
    let Snapshot {
        stats,
        connections,
        udp_flows,
        profile,
        ports,
        findings,
        evicted,
    } = pipeline.finish();
    let mut warnings = std::mem::take(&mut source_warnings);
    let unsupported: u64 = stats
        .link_types
        .iter()
        .filter(|(k, _)| k.starts_with("unsupported"))
        .map(|(_, v)| *v)
        .sum();
    if unsupported > 0 {
        warnings.push(Warning {
            kind: WarningKind::UnsupportedLinktype,
            offset: None,
            message: format!(
                "{} {} a link type portlife does not decode; counted, not analysed",
                english_count(unsupported, "packet"),
                english_verb(unsupported, "has", "have")
            ),
        });
    }
    if let Some(message) = defrag.message() {
        warnings.push(Warning {
            kind: WarningKind::Fragments,
            offset: None,
            message,
        });
    }
    for message in stats.not_decoded_messages() {
        warnings.push(Warning {
            kind: WarningKind::NotDecoded,
            offset: None,
            message,
        });
    }
    if stats.packets_without_timestamp > 0 {
        warnings.push(Warning {
            kind: WarningKind::NoTimestamp,
            offset: None,
            message: format!(
                "{} {} no timestamp (pcapng simple packet blocks); shown at the time of the packet before them",
                english_count(stats.packets_without_timestamp, "packet"),
                english_verb(stats.packets_without_timestamp, "carries", "carry")
            ),
        });
    }
    if stats.out_of_order_timestamps > 0 {
        warnings.push(Warning {
            kind: WarningKind::OutOfOrder,
            offset: None,
            message: format!(
                "{} {} a timestamp earlier than the packet before {} (a multi-interface or merged capture?); modelled at the previous packet's time, in capture order",
                english_count(stats.out_of_order_timestamps, "packet"),
                english_verb(stats.out_of_order_timestamps, "has", "have"),
                english_verb(stats.out_of_order_timestamps, "it", "them")
            ),
        });
    }
    if let Some(message) = evicted.message() {
        warnings.push(Warning {
            kind: WarningKind::Evicted,
            offset: None,
            message,
        });
    }
    if stats.duplicate_packets > 0 {
        warnings.push(Warning {
            kind: WarningKind::Duplicates,
            offset: None,
            message: format!(
                "{} {} of a packet seen less than 50 µs before (captured on two interfaces?); counted once",
                english_count(stats.duplicate_packets, "packet"),
                english_verb(stats.duplicate_packets, "is an exact copy", "are exact copies")
            ),
        });
    }
    Analysis {
        file,
        format,
        compressed,
        stats,
        warnings,
        cancelled,
        connections,
        udp_flows,
        profile,
        ports,
        findings,
        evicted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model a capture gives when the reading thread accounts its packets, when the
    /// tracking thread does, and when one thread does everything: the same, to the byte.
    #[test]
    fn the_accounting_gives_the_same_model_on_either_thread() {
        if !cores::two() {
            return;
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<PathBuf> = ["samples/port-exhaustion.pcap", "samples/proxy.pcap"]
            .iter()
            .map(|f| root.join(f))
            .collect();
        // Duplicates, a timestamp out of order and fragments given up, for the sanitizer's
        // and the first fragments' part.
        for f in [
            "../shared/zeek-dev/pcaps/ssh-dups.pcap",
            "../shared/captures/gopacket_be_test202.pcapng",
            "../shared/captures/ndpi_ip_fragmented_garbage.pcap",
        ] {
            if root.join(f).exists() {
                files.push(root.join(f));
            }
        }
        let model = |f: &Path, how: Option<Option<Accounting>>| {
            let mut source = FileSource::open(f).unwrap();
            let mut opts = Options::default();
            let (pipeline, _, _) = match how {
                Some(accounting) => run_two_threads(
                    &mut source,
                    Profile::Auto.into(),
                    DEFAULT_MAX_CONNECTIONS,
                    &mut opts,
                    accounting,
                ),
                None => run_one_thread(
                    &mut source,
                    Profile::Auto.into(),
                    DEFAULT_MAX_CONNECTIONS,
                    &mut opts,
                ),
            };
            serde_json::to_string(&pipeline.finish()).unwrap()
        };
        for f in &files {
            let one = model(f, None);
            for how in [Accounting::Reader, Accounting::Tracker] {
                assert!(
                    model(f, Some(Some(how))) == one,
                    "{how:?} on {}",
                    f.display()
                );
            }
            assert!(model(f, Some(None)) == one, "chosen on {}", f.display());
        }
    }

    #[test]
    fn short_frames_are_accounted_by_the_reader_and_long_ones_by_the_tracker() {
        assert_eq!(Accounting::for_frames(2048 * 90, 2048), Accounting::Reader);
        assert_eq!(
            Accounting::for_frames(2048 * 240, 2048),
            Accounting::Tracker
        );
    }
}
