//! The Samples menu: every capture in the bundled `samples/` directory, with its one-line
//! lesson from `samples/README.md`'s table when there is one.

use std::path::{Path, PathBuf};

/// Where the bundled samples live.
pub const SAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");

/// One bundled capture.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub path: PathBuf,
    pub name: String,
    /// What it teaches, from the README table; empty when not listed.
    pub lesson: String,
}

fn is_capture(p: &Path) -> bool {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz", ".cap"]
        .iter()
        .any(|ext| n.ends_with(ext))
}

/// List the captures in `dir`, sorted by name. A missing directory is an empty list.
pub fn list(dir: &Path) -> Vec<Sample> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    let mut out: Vec<Sample> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_capture(p))
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let lesson = lesson_for(&readme, &name);
            Sample { path, name, lesson }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The bundled samples: the `samples/` directory on the desktop. A web page lists no folder:
/// there, the names in the README's table (embedded at build time), fetched from the `samples/`
/// folder beside the page when chosen.
pub fn bundled() -> Vec<Sample> {
    if !cfg!(target_arch = "wasm32") {
        return list(Path::new(SAMPLES_DIR));
    }
    let readme = include_str!("../../samples/README.md");
    let mut out: Vec<Sample> = readme
        .lines()
        .filter_map(|l| l.trim().trim_matches('|').split('|').next())
        .map(|c| c.trim().trim_matches('`').to_string())
        .filter(|n| is_capture(Path::new(n)) && !n.contains('/'))
        .map(|name| Sample {
            path: PathBuf::from(&name),
            lesson: lesson_for(readme, &name),
            name,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

/// The lesson for `name` in a markdown table: the cell under a header naming "teach" or
/// "lesson", else the longest other cell of the row naming the file.
fn lesson_for(readme: &str, name: &str) -> String {
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect()
    };
    let mut lesson_col = None;
    for line in readme.lines().filter(|l| l.trim_start().starts_with('|')) {
        let row = cells(line);
        if lesson_col.is_none() {
            lesson_col = row
                .iter()
                .position(|c| c.contains("teach") || c.to_lowercase().contains("lesson"));
        }
        if row.first().is_some_and(|c| c == name) || row.iter().any(|c| c == name) {
            if let Some(c) = lesson_col.and_then(|i| row.get(i)) {
                return c.clone();
            }
            return row
                .into_iter()
                .filter(|c| !c.contains(name))
                .max_by_key(|c| c.len())
                .unwrap_or_default();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_comes_from_the_readme_table() {
        let md = "| file | what it teaches | notes |\n|---|---|---|\n| `a.pcap` | many short connections pile up in TIME-WAIT | a much longer cell describing every packet |\n";
        assert_eq!(
            lesson_for(md, "a.pcap"),
            "many short connections pile up in TIME-WAIT"
        );
        assert_eq!(lesson_for(md, "b.pcap"), "");
    }

    #[test]
    fn the_readme_table_names_every_bundled_sample() {
        // The web build's Samples menu is the README's table: it must name every file.
        let readme = include_str!("../../samples/README.md");
        for s in list(Path::new(SAMPLES_DIR)) {
            assert!(
                readme
                    .lines()
                    .any(|l| l.starts_with(&format!("| {} |", s.name))),
                "samples/README.md has no table row for {}",
                s.name
            );
        }
    }
}
