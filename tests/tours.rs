//! The guided tours (book/tours/*.json) are true to their samples: every step's time falls in
//! its capture, every selection names a connection there, every stated TCP state is the one
//! portlife's model has at that time, and every sentence is there in both languages.

use std::path::Path;

use portlife::analysis::{analyze_file, Options};
use portlife::tour;

#[test]
fn every_tour_step_is_true_to_its_sample() {
    let tours = tour::all().expect("every tour file reads");
    let mut problems = Vec::new();
    for t in tours {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(&t.sample);
        let a = match analyze_file(&path, Options::default()) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("{}: sample {}: {e}", t.id, t.sample));
                continue;
            }
        };
        problems.extend(tour::check(t, &a));
        for (lang, title) in [("en", &t.title.en), ("zh-TW", &t.title.zh_tw)] {
            if title.trim().is_empty() {
                problems.push(format!("{}: no {lang} title", t.id));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_tour_file_is_embedded_and_names_a_chapter_that_names_its_sample() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/tours");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut ids: Vec<&str> = tour::ids().collect();
    ids.sort();
    assert_eq!(
        files, ids,
        "book/tours and the tours embedded in portlife differ"
    );
    let chapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    for t in tour::all().unwrap() {
        let page = std::fs::read_dir(&chapters)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{}-", t.id)))
            })
            .unwrap_or_else(|| panic!("tour {} names no chapter", t.id));
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(
            text.contains(&t.sample),
            "{} does not name the sample of its tour ({})",
            page.display(),
            t.sample
        );
        assert!(
            text.contains(&format!("data-tour=\"{}\"", t.id)),
            "{} does not offer its tour",
            page.display()
        );
    }
}
