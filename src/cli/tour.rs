//! `portlife tour [ID] [--lang L]`: a chapter's guided tour as text, each step with the
//! connection it selects and both ends' TCP states at its time as portlife models them; with no
//! ID, the list of tours. The app plays the same tours (`portlife --tour ID`, Tours menu).

use std::path::Path;

use anyhow::{Context, Result};
use clap::Args;
use portlife::analysis::{self, Options};
use portlife::i18n::Lang;
use portlife::tour;
use portlife::tr;

#[derive(Args, Debug)]
pub struct TourArgs {
    /// The tour (`ch07`); without one, the tours are listed.
    #[arg(value_parser = parse_id)]
    pub id: Option<String>,
    /// Language of the sentences: `en` or `zh-TW` (default: the system's).
    #[arg(long, value_parser = super::report::parse_lang)]
    pub lang: Option<Lang>,
}

/// A tour id that exists.
pub(crate) fn parse_id(s: &str) -> Result<String, String> {
    tour::by_id(s)
        .map(|t| t.id.clone())
        .map_err(|e| e.to_string())
}

pub fn run(args: &TourArgs) -> Result<()> {
    let lang = args.lang.unwrap_or_else(Lang::from_env);
    let Some(id) = &args.id else {
        for t in tour::all()? {
            println!(
                "{}",
                tr!(
                    lang,
                    "tour-list-entry",
                    id = &t.id,
                    title = t.title.get(lang),
                    sample = &t.sample,
                    steps = t.steps.len()
                )
            );
        }
        return Ok(());
    };
    let t = tour::by_id(id)?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(&t.sample);
    let a = analysis::analyze_file(&path, Options::default())
        .with_context(|| format!("tour {}: its sample {}", t.id, path.display()))?;
    let first = a.stats.first_ts_ns.unwrap_or(0);
    println!(
        "{}",
        tr!(
            lang,
            "tour-heading",
            id = &t.id,
            title = t.title.get(lang),
            sample = &t.sample
        )
    );
    for (i, step) in t.steps.iter().enumerate() {
        let mut place = Vec::new();
        if let Some(s) = step.at_s {
            place.push(tr!(lang, "tour-step-at", time = format!("{s:.3}")));
        }
        if let Some(c) = step.connection(&a.connections, first) {
            let c = &a.connections[c];
            let mut conn = format!("{} → {}", c.client, c.server);
            if let Some(at) = step.at_ns(first) {
                let (client, server) = c.state_at(at);
                conn.push_str(&tr!(
                    lang,
                    "tour-step-states",
                    client = client.name(),
                    server = server.name()
                ));
            }
            place.push(conn);
        }
        if let Some(p) = &step.profile {
            place.push(tr!(lang, "tour-step-profile", profile = p));
        }
        println!("\n{}. {}", i + 1, step.text.get(lang));
        if !place.is_empty() {
            println!("   {}", place.join(" · "));
        }
    }
    Ok(())
}
