//! `portlife synth SCENARIO -o OUT.pcap [--seed N] [--scale N]` and `portlife synth --list`.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use portlife::synth;

#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Scenario to write (see --list).
    #[arg(required_unless_present = "list")]
    pub scenario: Option<String>,
    /// Output pcap file.
    #[arg(short = 'o', long = "output", required_unless_present = "list")]
    pub output: Option<PathBuf>,
    /// Random seed: the same seed writes a byte-identical file.
    #[arg(long, default_value_t = synth::DEFAULT_SEED)]
    pub seed: u64,
    /// Multiply the scenario's connection count (for large benchmark captures).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub scale: u32,
    /// List the scenarios with one-line descriptions.
    #[arg(long, conflicts_with_all = ["scenario", "output"])]
    pub list: bool,
}

pub fn run(args: &SynthArgs) -> Result<()> {
    if args.list {
        for (name, desc) in synth::SCENARIOS {
            println!("{name:<20} {desc}");
        }
        return Ok(());
    }
    let (Some(name), Some(out)) = (&args.scenario, &args.output) else {
        bail!("synth needs a SCENARIO and -o OUT.pcap (or --list)");
    };
    if synth::describe(name).is_none() {
        bail!(
            "unknown scenario '{name}'; valid scenarios: {}",
            synth::scenario_names().join(", ")
        );
    }
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let summary = synth::write_scenario(name, args.seed, args.scale, BufWriter::new(file))
        .with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{}: {} packets, {} TCP connection attempts{}",
        out.display(),
        summary.packets,
        summary.connections,
        if summary.failed_connects > 0 {
            format!(
                ", {} connect() calls failed with EADDRNOTAVAIL (not on the wire)",
                summary.failed_connects
            )
        } else {
            String::new()
        }
    );
    Ok(())
}
