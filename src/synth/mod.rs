//! Deterministic scenario synthesizer: small simulated networks of hosts and TCP/UDP flows,
//! written as Ethernet pcap files in timestamp order (`portlife synth`).
//!
//! - [`rng`]: the seeded PRNG (self-written so samples never change with a dependency).
//! - [`os`], [`ports`]: what each OS does — TTL, SYN options, TIME-WAIT, ephemeral port choice.
//! - [`wire`]: frames with correct checksums (etherparse) and dissector-friendly payloads.
//! - [`conn`]: one TCP connection, generated phase by phase.
//! - [`engine`]: merges flows by time with a binary heap and streams them to a `PcapWriter`.
//! - [`scenarios`]: the stories, one lesson each.
//!
//! Same name + seed + scale → byte-identical file.

pub mod conn;
pub mod engine;
pub mod os;
pub mod ports;
pub mod rng;
pub mod scenarios;
pub mod wire;

use std::collections::HashMap;
use std::io::Write;

pub use engine::Summary;
pub use scenarios::{BASE_NS, SCENARIOS};

use crate::decode::linktype;
use crate::source::PcapWriter;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 1;

/// Why a scenario could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("unknown scenario '{name}'; valid scenarios: {}", scenario_names().join(", "))]
    UnknownScenario { name: String },
    #[error("--scale must be at least 1")]
    BadScale,
    #[error("writing the capture failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The names of all scenarios, in `--list` order.
pub fn scenario_names() -> Vec<&'static str> {
    SCENARIOS.iter().map(|(n, _)| *n).collect()
}

/// Scenarios that are shapes of traffic for the benchmarks and the tests rather than lessons: no
/// sample is committed for them (`scripts/bench.sh` writes them at the scale it needs).
pub const NOT_SAMPLES: &[&str] = &["many-pairs"];

/// The scenarios `samples/` holds a capture of, one each.
pub fn sample_names() -> Vec<&'static str> {
    scenario_names()
        .into_iter()
        .filter(|n| !NOT_SAMPLES.contains(n))
        .collect()
}

/// The one-line description of a scenario.
pub fn describe(name: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

/// Write scenario `name` with `seed` and `scale` (connection count multiplier, ≥ 1) to `out`
/// as a little-endian microsecond pcap with Ethernet link type.
pub fn write_scenario<W: Write>(
    name: &str,
    seed: u64,
    scale: u32,
    out: W,
) -> Result<Summary, SynthError> {
    if scale == 0 {
        return Err(SynthError::BadScale);
    }
    let mut scenario =
        scenarios::build(name, scale).ok_or_else(|| SynthError::UnknownScenario {
            name: name.to_string(),
        })?;
    let mut world = engine::World {
        // Mix the scenario name into the seed so scenarios do not share random streams.
        rng: rng::Rng::new(seed ^ fnv(name)),
        pools: HashMap::new(),
        failed_connects: 0,
        connections: 0,
    };
    let mut writer = PcapWriter::new(out, linktype::ETHERNET)?;
    Ok(engine::run(&mut scenario, &mut world, &mut writer)?)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
