//! The 81 real postmortems in `../shared/corpus` (or `$CORONER_CORPUS`):
//! every file parses, `inspect` and `check` finish normally, and the facts a
//! reader can see are found in most of them. The floors below are a little
//! under the figures docs/accuracy.md reports, so that a regression fails here.

use coroner::config::Config;
use coroner::model::{Kind, Postmortem};
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CORONER_CORPUS").map_or_else(|| PathBuf::from("../shared/corpus"), PathBuf::from);
    assert!(dir.is_dir(), "the corpus is not at {} (set CORONER_CORPUS)", dir.display());
    dir
}

fn parse_all() -> Vec<std::sync::Arc<Postmortem>> {
    let config = Config::default_for(Path::new("."));
    let dir = corpus_dir();
    let discovered = coroner::build::discover(&dir, &config.extensions).unwrap();
    coroner::build::ingest(&config, discovered).postmortems
}

fn share(postmortems: &[&Postmortem], has: impl Fn(&Postmortem) -> bool) -> f64 {
    postmortems.iter().filter(|p| has(p)).count() as f64 / postmortems.len() as f64
}

#[test]
fn every_corpus_file_parses_and_most_facts_are_found() {
    let all = parse_all();
    assert_eq!(all.len(), 81);
    let incidents: Vec<&Postmortem> = all.iter().filter(|p| p.kind == Kind::Postmortem).map(|p| &**p).collect();
    assert!(incidents.len() >= 50, "only {} files read as postmortems", incidents.len());
    type Has = dyn Fn(&Postmortem) -> bool;
    let floors: [(&str, f64, &Has); 5] = [
        ("a date", 0.72, &|p| p.date.is_some()),
        ("a duration", 0.75, &|p| p.duration_minutes.is_some()),
        ("root-cause text", 0.80, &|p| p.root_cause.is_some()),
        ("root-cause tags", 0.75, &|p| !p.tags.is_empty()),
        ("a timeline", 0.72, &|p| !p.timeline.is_empty()),
    ];
    for (what, floor, has) in floors {
        let got = share(&incidents, has);
        assert!(got >= floor, "{what}: {:.0}% of postmortems, floor {:.0}%", got * 100.0, floor * 100.0);
    }
}

#[test]
fn inspect_and_check_finish_normally_on_the_corpus() {
    let dir = corpus_dir();
    let bin = env!("CARGO_BIN_EXE_coroner");
    let inspect = Command::new(bin).arg("inspect").arg(&dir).output().unwrap();
    assert!(inspect.status.success());
    let json: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 81);
    let check = Command::new(bin).arg("check").arg("--content").arg(&dir).output().unwrap();
    // Findings exit 1 (the corpus has invalid front matter); never a crash.
    assert!(matches!(check.status.code(), Some(0 | 1)), "{:?}", check.status);
    assert!(String::from_utf8_lossy(&check.stdout).contains("checked 81 files"));
}
