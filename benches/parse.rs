//! Parsing benchmark: parse + extract a generated corpus of postmortems on
//! one and on two threads, in memory, then once end to end from disk.
//!
//! ```text
//! cargo bench --bench parse                           # 10,000 files
//! CORONER_BENCH_FILES=500 cargo bench --bench parse   # quick run
//! ```
//!
//! Environment: `CORONER_BENCH_FILES` (default 10000), `CORONER_BENCH_PASSES`
//! (timed passes per thread count, default 7, at least 5),
//! `CORONER_BENCH_SEED` (default 2026). Prints a markdown table for docs/benchmarks.md.

mod corpus;

use coroner::build;
use coroner::config::Config;
use coroner::ingest::Reader;
use coroner::model::{Kind, Postmortem};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The allocator of the `coroner` binary, so that the figures are its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const THREADS: [usize; 2] = [1, 2];
const TARGET_MB_S: f64 = 50.0;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.trim().replace(['_', ','], "").parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// Wall times of the timed passes of one measurement.
struct Timing {
    label: &'static str,
    threads: usize,
    times: Vec<Duration>,
}

impl Timing {
    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        let n = t.len();
        if n % 2 == 1 { t[n / 2] } else { (t[n / 2 - 1] + t[n / 2]) / 2 }
    }

    fn min(&self) -> Duration {
        self.times.iter().copied().min().expect("at least one pass")
    }
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("build a rayon pool")
}

/// The parallel parse of `build::ingest`, minus the disk reads.
fn parse_all(reader: &Reader, docs: &[(String, Vec<u8>)]) -> Vec<Postmortem> {
    docs.par_iter().map(|(source, bytes)| reader.parse(source, bytes)).collect()
}

fn main() {
    let files: usize = env_or("CORONER_BENCH_FILES", 10_000);
    let passes: usize = env_or("CORONER_BENCH_PASSES", 7usize).max(5);
    let seed: u64 = env_or("CORONER_BENCH_SEED", 2026);
    assert!(files > 0, "CORONER_BENCH_FILES must be at least 1");

    let t = Instant::now();
    let docs = corpus::generate(files, seed);
    let bytes = corpus::total_bytes(&docs);
    eprintln!(
        "generated {files} documents ({:.2} MB) in {:.2?}; {passes} timed passes per thread count",
        bytes as f64 / 1e6,
        t.elapsed()
    );

    let config = Config::default_for(Path::new("."));
    let reader = Reader::new(&config);
    let mut timings = Vec::new();
    let mut parsed_once: Option<Vec<Postmortem>> = None;
    for threads in THREADS {
        let pool = pool(threads);
        let warm = pool.install(|| parse_all(&reader, &docs));
        assert_eq!(warm.len(), docs.len());
        parsed_once.get_or_insert(warm);
        let mut times = Vec::with_capacity(passes);
        for _ in 0..passes {
            let start = Instant::now();
            let parsed = pool.install(|| parse_all(&reader, &docs));
            times.push(start.elapsed());
            black_box(parsed); // dropped outside the timed region
        }
        eprintln!("in memory, {threads} thread(s): {:?}", times);
        timings.push(Timing { label: "parse + extract, in memory", threads, times });
    }

    // End to end: discover + read + parse from a real directory. One warm-up
    // pass fills the page cache (a user re-running a build has a warm cache).
    let dir = tempfile::Builder::new()
        .prefix("coroner-bench-")
        .tempdir_in(std::env::temp_dir())
        .expect("create a temporary directory");
    let content = dir.path().join("content");
    let written = corpus::write_to(&content, files, seed, corpus::Terms::NONE).expect("write the corpus");
    assert_eq!(written, bytes, "write_to writes what generate returns");
    let disk_config = Config::default_for(dir.path());
    for threads in THREADS {
        let pool = pool(threads);
        let run = || {
            let archive = build::read_archive(&disk_config, Some(&content)).expect("read the archive");
            assert_eq!(archive.postmortems.len(), files, "every generated file is read");
            assert!(archive.problems.is_empty(), "no unreadable files");
            archive
        };
        black_box(pool.install(run));
        let mut times = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            let archive = pool.install(run);
            times.push(start.elapsed());
            black_box(archive);
        }
        eprintln!("from disk, {threads} thread(s): {:?}", times);
        timings.push(Timing { label: "discover + read + parse, from disk", threads, times });
    }
    drop(dir);

    print_report(&timings, files, bytes, passes, seed, parsed_once.as_deref().unwrap_or_default());
}

fn print_report(timings: &[Timing], files: usize, bytes: u64, passes: usize, seed: u64, parsed: &[Postmortem]) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_string()))
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let mb = bytes as f64 / 1e6;
    println!("### Parsing benchmark (`cargo bench --bench parse`)");
    println!();
    println!(
        "Machine: {cores} cores available ({cpu}), {} {}. coroner {}, release profile.",
        std::env::consts::OS,
        std::env::consts::ARCH,
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "Corpus: {} generated postmortems (seed {seed}), {mb:.2} MB, average {} bytes per file. \
         MB = 10^6 bytes of input. In-memory rows: median and best of {passes} passes after one warm-up; \
         disk rows: median of 3 passes after one warm-up (warm page cache).",
        group(files as u64),
        group(bytes / files as u64)
    );
    println!();
    println!("| Measurement | Threads | Median wall | Best wall | Files/s (median) | MB/s (median) | MB/s (best) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for t in timings {
        let (med, min) = (t.median().as_secs_f64(), t.min().as_secs_f64());
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} |",
            t.label,
            t.threads,
            secs(med),
            secs(min),
            group((files as f64 / med).round() as u64),
            mb / med,
            mb / min
        );
    }
    if let Some(two) = timings.iter().find(|t| t.threads == 2 && t.label.contains("in memory")) {
        let rate = mb / two.median().as_secs_f64();
        let verdict = if rate >= TARGET_MB_S { "met" } else { "NOT met" };
        println!();
        println!("Target: parse + extract at ≥ {TARGET_MB_S} MB/s on two threads: {verdict} ({rate:.1} MB/s median).");
    }

    // What the parser made of the corpus, so a regression in the generator
    // (or the parser) that makes the benchmark trivially fast is visible.
    let n = parsed.len();
    let count = |f: &dyn Fn(&Postmortem) -> bool| parsed.iter().filter(|p| f(p)).count();
    let pct = |k: usize| format!("{:.1}%", 100.0 * k as f64 / n.max(1) as f64);
    println!();
    println!(
        "Parsed: kind postmortem {}, date {}, start+end {}, duration {}, tags {}, timeline entries {}, action items {}; \
         {} timeline entries and {} diagnostics in all.",
        pct(count(&|p| p.kind == Kind::Postmortem)),
        pct(count(&|p| p.date.is_some())),
        pct(count(&|p| p.start.is_some() && p.end.is_some())),
        pct(count(&|p| p.duration_minutes.is_some())),
        pct(count(&|p| !p.tags.is_empty())),
        pct(count(&|p| !p.timeline.is_empty())),
        pct(count(&|p| !p.action_items.is_empty())),
        group(parsed.iter().map(|p| p.timeline.len() as u64).sum()),
        group(parsed.iter().map(|p| p.diagnostics.len() as u64).sum()),
    );
}

fn secs(s: f64) -> String {
    if s >= 1.0 { format!("{s:.2} s") } else { format!("{:.1} ms", s * 1e3) }
}

/// `12345` → `12,345`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
