//! The five seed documents this project was created from
//! (`../shared/seeds`, or `$CORONER_SEEDS`) come out as the ingest issue
//! says, with `default_timezone = "UTC"`.

use coroner::config::Config;
use coroner::ingest::Reader;
use coroner::model::{Postmortem, SectionKind};
use std::path::{Path, PathBuf};

fn seeds_dir() -> PathBuf {
    let dir = std::env::var_os("CORONER_SEEDS").map_or_else(|| PathBuf::from("../shared/seeds"), PathBuf::from);
    assert!(dir.is_dir(), "the seeds are not at {} (set CORONER_SEEDS)", dir.display());
    dir
}

fn seed(prefix: &str) -> Postmortem {
    let dir = seeds_dir();
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix} in {}", dir.display()));
    let config = Config::default_for(Path::new("."));
    let name = entry.file_name().unwrap().to_string_lossy().into_owned();
    Reader::new(&config).parse(&name, &std::fs::read(&entry).unwrap())
}

fn when(p: &Postmortem) -> (String, String, Option<u32>, Option<f64>) {
    (
        p.start.map(|t| t.to_string()).unwrap_or_default(),
        p.end.map(|t| t.to_string()).unwrap_or_default(),
        p.duration_minutes,
        p.impact.users_pct,
    )
}

fn has_codes(p: &Postmortem, code: &str) -> Vec<u32> {
    p.diagnostics.iter().filter(|d| d.code == code).map(|d| d.line).collect()
}

fn assert_core_sections(p: &Postmortem) {
    for kind in [
        SectionKind::Summary,
        SectionKind::Timeline,
        SectionKind::RootCause,
        SectionKind::Resolution,
        SectionKind::ActionItems,
    ] {
        assert!(p.sections.iter().any(|s| s.kind == kind), "{}: no {kind} section", p.source);
    }
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test seeds -- --ignored"]
fn seed_000_mojibake_title_and_query_bug() {
    let p = seed("000");
    assert_eq!(
        when(&p),
        ("2024-01-15T10:00:00+00:00".into(), "2024-01-15T12:00:00+00:00".into(), Some(120), Some(30.0))
    );
    assert!(p.display_title.contains("🚗💥"), "{}", p.display_title);
    assert!(!has_codes(&p, "mojibake").is_empty());
    assert!(p.tags.contains(&"software-bug".to_string()), "{:?}", p.tags);
    assert!(!p.tags.contains(&"database".to_string()), "a query-logic bug is not a database incident: {:?}", p.tags);
    assert_eq!(p.timeline.len(), 7);
    assert_core_sections(&p);
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test seeds -- --ignored"]
fn seed_001_database_overload_with_tasks() {
    let p = seed("001");
    assert_eq!(
        when(&p),
        ("2024-08-14T14:00:00+00:00".into(), "2024-08-14T16:30:00+00:00".into(), Some(150), Some(75.0))
    );
    assert!(p.tags.contains(&"database".to_string()), "{:?}", p.tags);
    assert_eq!(p.timeline.len(), 10);
    let texts: Vec<&str> = p.action_items.iter().map(|a| a.text.as_str()).collect();
    for task in [
        "Patch Nginx Server",
        "Add Monitoring on Server Memory",
        "Review and Optimize Database Queries",
        "Training Session for Developers",
        "Automate Load Testing",
    ] {
        assert!(texts.iter().any(|t| t.starts_with(task)), "task {task:?} missing from {texts:?}");
    }
    assert_core_sections(&p);
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test seeds -- --ignored"]
fn seed_002_conflict_markers_keep_head_and_the_other_side() {
    let p = seed("002");
    assert_eq!(
        when(&p),
        ("2023-06-09T10:00:00-08:00".into(), "2023-06-10T14:00:00-08:00".into(), Some(1680), Some(100.0))
    );
    assert_eq!(has_codes(&p, "conflict-marker").first(), Some(&1));
    assert_eq!(p.timezone.as_deref(), Some("PST"));
    // HEAD's table of contents is read; the other side is kept, not parsed.
    assert!(p.sections.iter().any(|s| s.heading == "Table of contents"));
    assert!(p.conflicts[0].theirs.contains("#Timeline:"));
    for tag in ["database", "data-corruption"] {
        assert!(p.tags.contains(&tag.to_string()), "{tag} missing from {:?}", p.tags);
    }
    assert!(!coroner::ingest::facts::is_generic_title(&p.display_title), "{}", p.display_title);
    assert_core_sections(&p);
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test seeds -- --ignored"]
fn seed_003_gmt_plus_one_and_generic_title() {
    let p = seed("003");
    assert_eq!(
        when(&p),
        ("2024-05-14T11:00:00+01:00".into(), "2024-05-14T14:00:00+01:00".into(), Some(180), Some(100.0))
    );
    assert!(p.tags.contains(&"database".to_string()), "{:?}", p.tags);
    assert_eq!(p.timeline.len(), 6);
    assert!(!coroner::ingest::facts::is_generic_title(&p.display_title), "{}", p.display_title);
    assert_core_sections(&p);
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test seeds -- --ignored"]
fn seed_004_plain_labels_impossible_and_backwards_times() {
    let p = seed("004");
    assert_eq!(
        when(&p),
        ("2023-05-15T09:00:00+00:00".into(), "2023-05-15T13:00:00+00:00".into(), Some(240), Some(100.0))
    );
    for tag in ["database", "config-change"] {
        assert!(p.tags.contains(&tag.to_string()), "{tag} missing from {:?}", p.tags);
    }
    assert_eq!(p.display_title, "E-commerce Website Outage Caused by Database Misconfiguration");
    // The 13:00 PM in the summary and in the timeline; 11:15 PM is the outlier.
    assert!(has_codes(&p, "impossible-time").len() >= 2);
    let backwards = p.diagnostics.iter().find(|d| d.code == "timeline-backwards").expect("a backwards warning");
    assert!(backwards.message.contains("11:15 PM"), "{}", backwards.message);
    // Sections come from plain `Label:` lines.
    let summary = p.sections.iter().find(|s| s.kind == SectionKind::Summary).unwrap();
    assert_eq!(summary.heading, "Issue Summary");
    assert_core_sections(&p);
}
