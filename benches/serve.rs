//! Preview-server benchmark. Two measurements of `coroner serve`:
//!
//! 1. From save to reload on a generated 10,000-postmortem archive: a
//!    postmortem is saved the way editors save (write aside, rename over),
//!    and the clock stops when the live-reload event reaches a client.
//! 2. Load: clients fetch pages, static files and the search API of the
//!    sample archive (this repository's `content/`) for a while, with a
//!    rebuild triggered every second; requests per second and errors.
//!
//! ```text
//! cargo bench --bench serve                           # 10,000 postmortems
//! CORONER_BENCH_FILES=1000 cargo bench --bench serve  # quick run
//! ```
//!
//! Environment: `CORONER_BENCH_FILES` (default 10000), `CORONER_BENCH_SEED`
//! (default 2026), `CORONER_BENCH_DIR` (work there and keep it),
//! `CORONER_BENCH_SAVES` (default 20), `CORONER_BENCH_CLIENTS` (default 8),
//! `CORONER_BENCH_SECONDS` (load duration, default 10).

mod common;
mod corpus;

use common::{Workspace, env_or};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// A `coroner serve` child process, killed when dropped.
struct Served {
    child: Child,
    url: String,
    started: Duration,
    stderr: Option<ChildStderr>,
}

impl Served {
    fn start(root: &Path) -> Served {
        let clock = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_coroner"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("coroner serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the URL line");
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL").to_string();
        Served { started: clock.elapsed(), url, stderr: child.stderr.take(), child }
    }

    /// Rebuild times the server reports (`rebuilt in N ms`), collected in
    /// the background.
    fn rebuild_times(&mut self) -> Arc<Mutex<Vec<u64>>> {
        let times = Arc::new(Mutex::new(Vec::new()));
        let stderr = self.stderr.take().expect("stderr once");
        let sink = times.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let ms = line.strip_prefix("rebuilt in ").and_then(|rest| rest.split(' ').next()?.parse().ok());
                if let Some(ms) = ms {
                    sink.lock().expect("not poisoned").push(ms);
                }
            }
        });
        times
    }

    /// A receiver that gets a message for every live-reload event.
    fn reloads(&self) -> mpsc::Receiver<Instant> {
        let response = ureq::get(format!("{}__coroner/events", self.url)).call().expect("the event stream");
        let (sender, receiver) = mpsc::channel();
        let mut lines = BufReader::new(response.into_body().into_reader()).lines();
        std::thread::spawn(move || {
            while let Some(Ok(line)) = lines.next() {
                if line == "event: reload" && sender.send(Instant::now()).is_err() {
                    return;
                }
            }
        });
        receiver
    }
}

impl Served {
    /// The server's peak resident memory so far, as Linux counts it
    /// (`VmHWM`); `None` elsewhere.
    fn peak_memory_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kilobytes: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kilobytes / 1024.0)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Save `path` as editors do: write a temporary file beside it, rename it over.
fn save(path: &Path, text: &str) {
    let aside = path.with_file_name(format!(".{}.swp", path.file_name().expect("a file").to_string_lossy()));
    std::fs::write(&aside, text).expect("write aside");
    std::fs::rename(&aside, path).expect("rename over");
}

fn content_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Save-to-reload latency over a generated archive.
fn save_to_reload(files: usize, seed: u64, saves: usize) {
    let workspace = Workspace::generate(files, seed);
    let mut served = Served::start(workspace.dir());
    let rebuilds = served.rebuild_times();
    eprintln!("serving {files} postmortems at {} after {:.1} s", served.url, served.started.as_secs_f64());
    let reloads = served.reloads();
    let sources = content_files(&workspace.dir().join("content"));
    let mut latencies = Vec::new();
    for n in 0..saves {
        // Spread over the archive: new and old incidents, long and short lists.
        let path = &sources[(n * 7919) % sources.len()];
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let before = Instant::now();
        save(path, &format!("{text}\n\nEdited during the benchmark, save {n}.\n"));
        let Ok(reloaded) = reloads.recv_timeout(Duration::from_secs(30)) else {
            panic!("no reload within 30 s after saving {}", path.display());
        };
        latencies.push(ms(reloaded - before));
        // Let the search index catch up, as between an author's saves.
        std::thread::sleep(Duration::from_millis(400));
    }
    latencies.sort_by(f64::total_cmp);
    let mut server: Vec<f64> = rebuilds.lock().expect("not poisoned").iter().map(|&m| m as f64).collect();
    server.sort_by(f64::total_cmp);
    println!(
        "\n| Preview, {files} postmortems ({:.1} MB), {saves} saves | median | p90 | max |",
        workspace.bytes as f64 / 1e6
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| save → reload event in the browser (targets: 100 ms at 10,000, 200 ms at 100,000) | {:.0} ms | {:.0} ms | {:.0} ms |",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        latencies.last().copied().unwrap_or_default()
    );
    if !server.is_empty() {
        println!(
            "| of which the rebuild (parse, assemble, render what changed) | {:.0} ms | {:.0} ms | {:.0} ms |",
            percentile(&server, 0.5),
            percentile(&server, 0.9),
            server.last().copied().unwrap_or_default()
        );
    }
    println!("| start-up (first build in memory, search index) | {:.1} s | | |", served.started.as_secs_f64());
    if let Some(peak) = served.peak_memory_mb() {
        println!("| peak memory of the server (VmHWM) | {peak:.0} MB | | |");
    }
}

/// Requests per second against the sample archive while it rebuilds every second.
fn load(clients: usize, seconds: u64) {
    let root = tempfile::tempdir().expect("a temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.path().join("content"));
    std::fs::copy(repo.join("site.toml"), root.path().join("site.toml")).expect("site.toml");
    let mut served = Served::start(root.path());
    let rebuilds = served.rebuild_times();
    let incidents: Vec<String> = ureq::get(format!("{}list.json", served.url))
        .call()
        .ok()
        .and_then(|r| r.into_body().read_to_string().ok())
        .and_then(|text| serde_json::from_str::<Vec<serde_json::Value>>(&text).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|row| row["url"].as_str().map(str::to_string))
        .collect();
    let mut paths: Vec<String> =
        ["/", "/tags/", "/tags/dns/", "/stats/", "/search/", "/style.css", "/coroner.js"].map(String::from).to_vec();
    paths.extend(incidents);
    paths.push("/api/search?q=database%20timeout".into());
    paths.push("/api/search?q=tag:dns".into());
    let base = served.url.trim_end_matches('/').to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let (done, errors) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let edited = content_files(&root.path().join("content")).into_iter().next().expect("a content file");
    let original = std::fs::read_to_string(&edited).expect("read");
    let editor = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(1));
                n += 1;
                save(&edited, &format!("{original}\n\nRebuild {n} during the load test.\n"));
            }
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (stop, done, errors, latencies) = (stop.clone(), done.clone(), errors.clone(), latencies.clone());
            let (paths, base) = (paths.clone(), base.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut mine = Vec::new();
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let clock = Instant::now();
                    let ok = agent
                        .get(format!("{base}{}", paths[i % paths.len()]))
                        .call()
                        .is_ok_and(|r| r.status() == 200 && r.into_body().read_to_vec().is_ok_and(|b| !b.is_empty()));
                    mine.push(ms(clock.elapsed()));
                    (if ok { &done } else { &errors }).fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
                latencies.lock().expect("not poisoned").extend(mine);
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("a client thread");
    }
    let elapsed = started.elapsed().as_secs_f64();
    editor.join().expect("the editor thread");
    let mut latencies = latencies.lock().expect("not poisoned").clone();
    latencies.sort_by(f64::total_cmp);
    let (ok, failed) = (done.load(Ordering::Relaxed), errors.load(Ordering::Relaxed));
    let rebuilt = rebuilds.lock().expect("not poisoned").len();
    println!("\n| Load on the sample archive, {clients} keep-alive clients, {seconds} s, a rebuild every second | |");
    println!("|---|---:|");
    println!("| requests per second (target ≥ 2,000) | {:.0} |", (ok + failed) as f64 / elapsed);
    println!("| errors (non-200 or failed) | {failed} of {} |", ok + failed);
    println!("| latency p50 / p99 | {:.2} ms / {:.2} ms |", percentile(&latencies, 0.5), percentile(&latencies, 0.99));
    println!("| rebuilds during the run | {rebuilt} |");
}

/// A copy of a folder, as `cp -r` makes it.
fn copy_dir(from: &Path, to: &Path) {
    let copied = Command::new("cp").arg("-r").arg(from).arg(to).status();
    assert!(copied.is_ok_and(|s| s.success()), "cp -r {} {}", from.display(), to.display());
}

fn main() {
    let files: usize = env_or("CORONER_BENCH_FILES", 10_000);
    let seed: u64 = env_or("CORONER_BENCH_SEED", 2026);
    let saves: usize = env_or("CORONER_BENCH_SAVES", 20usize).max(1);
    let clients: usize = env_or("CORONER_BENCH_CLIENTS", 8usize).max(1);
    let seconds: u64 = env_or("CORONER_BENCH_SECONDS", 10u64).max(1);
    save_to_reload(files, seed, saves);
    load(clients, seconds);
}
