//! What the benchmarks share: numbers from the environment, and commands
//! timed by `/usr/bin/time` (Debian package `time`).

#![allow(dead_code)] // each bench uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A folder holding a generated archive under `content/`: a temp dir, or
/// `CORONER_BENCH_DIR` (kept afterwards, for a look by hand).
pub struct Workspace {
    temp: tempfile::TempDir,
    kept: Option<PathBuf>,
    /// Bytes of markdown generated.
    pub bytes: u64,
}

impl Workspace {
    /// Generate `files` postmortems from `seed` into `content/`.
    pub fn generate(files: usize, seed: u64) -> Workspace {
        Workspace::with_terms(files, seed, crate::corpus::Terms::NONE)
    }

    /// [`Workspace::generate`], with `terms` added to the postmortems.
    pub fn with_terms(files: usize, seed: u64, terms: crate::corpus::Terms) -> Workspace {
        let temp = tempfile::tempdir().expect("a temp dir");
        let kept = std::env::var_os("CORONER_BENCH_DIR").map(PathBuf::from);
        let content = kept.as_deref().unwrap_or(temp.path()).join("content");
        let started = std::time::Instant::now();
        let bytes = crate::corpus::write_to(&content, files, seed, terms).expect("write the corpus");
        settle();
        eprintln!(
            "generated {files} postmortems ({:.1} MB) in {} in {:.1} s",
            bytes as f64 / 1e6,
            content.display(),
            started.elapsed().as_secs_f64()
        );
        Workspace { temp, kept, bytes }
    }

    pub fn dir(&self) -> &Path {
        self.kept.as_deref().unwrap_or(self.temp.path())
    }

    /// Done with: into `trash`, deleted when it is (a kept
    /// `CORONER_BENCH_DIR` stays).
    pub fn discard(self, trash: &Trash) {
        if self.kept.is_none() {
            trash.put(&self.temp.keep());
        }
    }
}

/// Where a bench puts the folders it is done with (an earlier build's
/// output, a whole archive), deleted only when the bench ends. On ext4
/// without a journal (this project's VMs), a file created within a minute
/// of many being deleted costs kernel time that grows with how many were:
/// ext4 passes over each recently freed inode before it reuses one. A
/// build timed just after `rm -rf` of the last one's output paid for that
/// deletion (at 10,000 postmortems, 15 s instead of 4 s, most of it in the
/// kernel); renaming the folder aside costs nothing.
pub struct Trash {
    dir: tempfile::TempDir,
    next: std::cell::Cell<usize>,
}

impl Trash {
    pub fn new() -> Trash {
        Trash { dir: tempfile::tempdir().expect("a temp dir"), next: std::cell::Cell::new(0) }
    }

    /// Move `path` (a file or folder, if it is there) into the trash. The
    /// trash is in the system's temp dir: `path` must be on its file system.
    pub fn put(&self, path: &Path) {
        if std::fs::symlink_metadata(path).is_err() {
            return;
        }
        let n = self.next.replace(self.next.get() + 1);
        let aside = self.dir.path().join(n.to_string());
        if std::fs::rename(path, &aside).is_err() {
            // Another file system (a `CORONER_BENCH_DIR` elsewhere): delete it now.
            let _ = std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path));
        }
    }
}

pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v.trim().replace(['_', ','], "").parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// One timed run of a command.
pub struct Run {
    pub wall: Duration,
    pub peak_rss_mb: f64,
}

/// Run `program args…` under `/usr/bin/time` and read its wall time and
/// peak resident memory; panics with the command's stderr if it fails.
pub fn timed(program: &str, args: &[&str]) -> Run {
    let report = tempfile::NamedTempFile::new().expect("a temp file");
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%e %M", "-o"])
        .arg(report.path())
        .arg(program)
        .args(args)
        .output()
        .expect("/usr/bin/time runs (apt-get install time)");
    let said = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(output.status.success(), "{program} failed: {}{}", said(&output.stdout), said(&output.stderr));
    let text = std::fs::read_to_string(report.path()).expect("time's report");
    let mut fields = text.split_whitespace();
    let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).expect("elapsed seconds");
    let kilobytes: f64 = fields.next().and_then(|s| s.parse().ok()).expect("max RSS");
    Run { wall: Duration::from_secs_f64(seconds), peak_rss_mb: kilobytes / 1024.0 }
}

pub fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(runs.len() / 2)
}

/// Write back what earlier steps wrote, so that no run pays for another's.
pub fn settle() {
    let _ = Command::new("sync").status();
}
