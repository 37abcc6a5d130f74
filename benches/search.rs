//! Search benchmark on a generated archive: the tantivy index and the
//! static index (build time, size), `coroner search` as a whole process
//! and in process, and the bytes a browser downloads for one-word queries
//! (eight common words, and a hundred drawn from the index), beside
//! Pagefind's own CLI indexing the same HTML.
//!
//! ```text
//! (cd benches/search && npm ci)                        # Chromium driver + Pagefind CLI
//! cargo bench --bench search                           # 10,000 postmortems
//! CORONER_BENCH_FILES=1000 cargo bench --bench search  # quick run
//! ```
//!
//! Environment: `CORONER_BENCH_FILES` (default 10000), `CORONER_BENCH_SEED`
//! (default 2026), `CORONER_BENCH_DIR` (work there and keep it),
//! `CORONER_BENCH_PAGEFIND` (run Pagefind's CLI above 30,000 incidents too). The
//! browser figures need `benches/search/node_modules` and Debian's
//! Chromium; without them they are skipped with a note.

mod common;
mod corpus;

use common::{Workspace, env_or, settle, timed};
use coroner::build::{self, BuildOptions};
use coroner::config::Config;
use coroner::search::{Options, Parsed, SearchIndex, Sort};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// What on-call engineers type: words, phrases, filters, a typo.
const QUERIES: &[&str] = &[
    "database",
    "timeout",
    "tag:database",
    "\"connection pool\"",
    "certificate expired",
    "service:checkout sev:1",
    "dns -tag:dns",
    "after:2024-01 tag:deploy",
    "duration>120 capacity",
    "databse",
];

/// The one-word queries whose downloads the browser figures report; the
/// first is shown on its own, file by file on stderr.
const ONE_WORDS: [&str; 8] = ["timeout", "database", "rollback", "deploy", "dns", "latency", "memory", "certificate"];

fn main() {
    let files: usize = env_or("CORONER_BENCH_FILES", 10_000);
    let seed: u64 = env_or("CORONER_BENCH_SEED", 2026);
    let workspace = Workspace::generate(files, seed);
    let (work, bytes) = (workspace.dir(), workspace.bytes);

    // One build, in process, for the static index's share of it.
    let config = Config::load(work).expect("defaults");
    let public = work.join("public");
    let options = BuildOptions { output: Some(public.clone()), ..BuildOptions::default() };
    let started = Instant::now();
    let built = build::build_site(&config, &options, &indicatif::ProgressBar::hidden()).expect("build");
    let build_time = started.elapsed();
    let static_time = built.static_search;
    let incidents = built.archive.incidents.len();
    drop(built);

    // The tantivy index from scratch, as the first `coroner search` makes it.
    std::fs::remove_dir_all(&config.index_dir).expect("remove the index");
    let started = Instant::now();
    build::search_current(&config, None, |_| Ok(())).expect("index");
    let index_time = started.elapsed();

    let coroner = env!("CARGO_BIN_EXE_coroner");
    let root = work.to_str().expect("UTF-8 path");
    let processes = || {
        let mut times = Vec::new();
        for _ in 0..3 {
            for query in QUERIES {
                let started = Instant::now();
                let out = Command::new(coroner)
                    .args(["search", query, "--root", root, "--watcher", "never"])
                    .output()
                    .expect("coroner search");
                times.push(started.elapsed());
                assert!(out.status.success(), "{query}: {}", String::from_utf8_lossy(&out.stderr));
                assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("brought up to date"));
            }
        }
        times
    };
    let mut process_times = processes();
    // Again with the watcher a search starts (`coroner watch-index`) running.
    let mut watcher = Command::new(coroner).args(["watch-index", "--root", root]).spawn().expect("coroner watch-index");
    let note = config.index_dir.join("coroner-watched");
    let started = Instant::now();
    while !note.exists() {
        assert!(started.elapsed() < Duration::from_secs(120), "the watcher noted nothing in 120 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut watched_times = processes();
    let _ = watcher.kill();
    let _ = watcher.wait();

    let index = SearchIndex::open(&config.index_dir).expect("open the index");
    let options = Options { limit: 10, sort: Sort::Relevance, facets: false };
    let mut latencies = Vec::new();
    for round in 0..110 {
        for query in QUERIES {
            let started = Instant::now();
            let found = index.search(&Parsed::parse(query, &config), options).expect("search");
            std::hint::black_box(found);
            if round >= 10 {
                latencies.push(started.elapsed());
            }
        }
    }

    println!("\n| Search, {incidents} incidents ({:.1} MB of markdown) | coroner |", bytes as f64 / 1e6);
    println!("|---|---:|");
    println!("| full build (pages, feeds, both search tiers) | {:.2} s |", build_time.as_secs_f64());
    println!("| tantivy index, from scratch | {:.2} s |", index_time.as_secs_f64());
    println!("| tantivy index size | {:.1} MB |", dir_size(&config.index_dir) as f64 / 1e6);
    println!("| static index, written beside the pages | {:.2} s |", static_time.as_secs_f64());
    println!("| static index size | {:.1} MB |", dir_size(&public.join("search/data")) as f64 / 1e6);
    println!(
        "| `coroner search`, whole process, index current, {} runs | median {}, max {} (targets: 30 ms at 10,000, 50 ms at 100,000) |",
        process_times.len(),
        ms(percentile(&mut process_times, 0.5)),
        ms(percentile(&mut process_times, 1.0))
    );
    println!(
        "| the same, with the watcher a search starts running | median {}, max {} |",
        ms(percentile(&mut watched_times, 0.5)),
        ms(percentile(&mut watched_times, 1.0))
    );
    println!(
        "| in process, {} queries | p50 {}, p99 {} (target: p99 under 5 ms) |",
        latencies.len(),
        ms(percentile(&mut latencies, 0.5)),
        ms(percentile(&mut latencies, 0.99))
    );
    browser_figures(work, &public);
}

/// How many words drawn from the index the browser figures query.
const DRAWN: usize = 100;

/// Pagefind's CLI needs about 370 kB of memory per incident: above this
/// many, it runs only when asked (`CORONER_BENCH_PAGEFIND`).
const PAGEFIND_MOST: usize = 30_000;

/// How many incidents the static index holds (its manifest says).
fn files_in(public: &Path) -> usize {
    let manifest = std::fs::read(public.join("search/data/index.json")).expect("the static index's manifest");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).expect("JSON");
    manifest["docs"].as_u64().unwrap_or(0) as usize
}

/// Bytes for one-word queries on coroner's search page, then with
/// Pagefind's CLI bundle over the same HTML, on the same page.
fn browser_figures(work: &Path, public: &Path) {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/search");
    let pagefind_cli = here.join("node_modules/.bin/pagefind");
    if !pagefind_cli.exists() || !Path::new("/usr/bin/chromium").exists() {
        eprintln!("browser figures skipped: run `(cd benches/search && npm ci)` and install Debian's chromium");
        return;
    }
    let script = here.join("bytes.mjs");
    let words = work.join("bench-words.txt");
    let drawn = drawn_words(public, DRAWN);
    let all: Vec<&str> = ONE_WORDS.iter().copied().chain(drawn.iter().map(String::as_str)).collect();
    std::fs::write(&words, all.join("\n")).expect("write the words");
    let ours = downloads(&script, public, &words, None);
    let (common, drawn_bytes) = ours.split_at(ONE_WORDS.len());
    println!("| one-word query (`{}`), bytes downloaded, everything included | {} |", ONE_WORDS[0], kb(ours[0]));
    println!("| {} one-word queries ({}) | {} |", common.len(), ONE_WORDS.join(", "), spread(common));
    println!("| {} words drawn from the index | {} |", drawn_bytes.len(), spread(drawn_bytes));

    if files_in(public) > PAGEFIND_MOST && std::env::var("CORONER_BENCH_PAGEFIND").is_err() {
        println!(
            "\n(Pagefind's CLI skipped above {PAGEFIND_MOST} incidents: it took 3.7 GB at 10,000; set CORONER_BENCH_PAGEFIND=1 to run it)"
        );
        return;
    }
    let cli_bundle = work.join("pagefind-cli");
    let _ = std::fs::remove_dir_all(&cli_bundle); // a kept CORONER_BENCH_DIR holds the last run's
    let (site, out) = (public.to_str().expect("UTF-8"), cli_bundle.to_str().expect("UTF-8"));
    settle();
    let run = timed(pagefind_cli.to_str().expect("UTF-8"), &["--site", site, "--output-path", out, "--silent"]);
    let theirs = downloads(&script, public, &words, Some(&cli_bundle));
    let (common, drawn_bytes) = theirs.split_at(ONE_WORDS.len());
    println!("\n| Pagefind CLI 1.6.0 over the same HTML | |");
    println!("|---|---:|");
    println!("| index build | {:.2} s, {:.0} MB peak |", run.wall.as_secs_f64(), run.peak_rss_mb);
    println!("| bundle size | {:.1} MB |", dir_size(&cli_bundle) as f64 / 1e6);
    println!("| one-word query (`{}`), same page, bytes downloaded | {} |", ONE_WORDS[0], kb(theirs[0]));
    println!("| the same {} one-word queries | {} |", common.len(), spread(common));
    println!("| the same {} words drawn from the index | {} |", drawn_bytes.len(), spread(drawn_bytes));
}

/// `count` words of the static index's dictionary, evenly spaced: words of
/// letters only, at least three, as people type them.
fn drawn_words(public: &Path, count: usize) -> Vec<String> {
    let mut forms: Vec<String> = walkdir::WalkDir::new(public.join("search/data/words"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .flat_map(|e| {
            std::fs::read_to_string(e.path())
                .expect("a dictionary shard")
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|line| line.split('\t').next().unwrap_or_default().to_string())
        .filter(|form| form.len() >= 3 && form.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    forms.sort();
    let step = (forms.len() / count.max(1)).max(1);
    forms.into_iter().step_by(step).take(count).collect()
}

/// What `bytes.mjs` reports for each word of `words`.
fn downloads(script: &Path, site: &Path, words: &Path, pagefind: Option<&Path>) -> Vec<u64> {
    let mut command = Command::new("node");
    command.arg(script).arg(site).arg(words);
    if let Some(bundle) = pagefind {
        command.arg(bundle);
    }
    let out = command.output().expect("node runs");
    assert!(out.status.success(), "bytes.mjs: {}", String::from_utf8_lossy(&out.stderr));
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("bytes.mjs prints JSON");
    if let Some(first) = reports.first() {
        eprintln!("{}: {} results; files: {}", first["word"], first["results"], first["files"]);
    }
    reports.iter().map(|report| report["bytes"].as_u64().expect("bytes")).collect()
}

/// "median 120 kB, p90 150 kB, 247–278 kB, 8 of 8 under 300 kB".
fn spread(bytes: &[u64]) -> String {
    let mut sorted = bytes.to_vec();
    sorted.sort_unstable();
    let at = |p: f64| sorted.get(((sorted.len().max(1) - 1) as f64 * p).round() as usize).copied().unwrap_or(0);
    let under = bytes.iter().filter(|&&b| b <= 300_000).count();
    format!(
        "median {}, p90 {}, {}–{}, {under} of {} at most 300 kB",
        kb(at(0.5)),
        kb(at(0.9)),
        kb(at(0.0)).trim_end_matches(" kB"),
        kb(at(1.0)),
        bytes.len()
    )
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn kb(bytes: u64) -> String {
    format!("{:.0} kB", bytes as f64 / 1000.0)
}
