//! Writing the site atomically: every file goes to a temporary folder
//! beside the output, which replaces the output only once the whole build
//! succeeded, so a failed build leaves the published site intact. A file
//! whose bytes did not change is hard-linked from the previous build, so
//! it keeps its mtime and an rsync deploy moves only what changed.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go: a [`Staging`] folder for `build`, or
/// [`Memory`] for the preview server. Written from many threads at once.
pub trait Sink: Sync {
    /// Write `bytes` to `relative`, a `/`-separated path inside the site.
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError>;
    /// Write what `fill` writes to `relative`: for the files as large as
    /// the whole archive (archive.json), which a folder takes as they come
    /// instead of all at once.
    fn write_with(
        &self,
        relative: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|source| OutputError::Write { path: relative.into(), source })?;
        self.write(relative, &bytes)
    }
    /// Whether this render already wrote `relative`.
    fn has(&self, relative: &str) -> bool;
    /// Keep `relative` as the previous render left it, when there was one:
    /// its page need not be rendered again. A folder has no previous render.
    fn keep(&self, _relative: &str) -> bool {
        false
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}; {}", write_hint(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("{0} exists and is not a folder; pass --output DIR to build elsewhere")]
    NotAFolder(PathBuf),
    #[error("cannot replace {path} with the new build: {source}")]
    Swap { path: PathBuf, source: io::Error },
}

/// What to do about a write that failed: a full disk is not a permission.
fn write_hint(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge => {
            "free some space and build again; the published site is left as it was"
        }
        _ => "check that the output folder is writable (or pass --output DIR)",
    }
}

/// A build in progress. Dropping it without [`Staging::commit`] deletes
/// the temporary folder and leaves the output as it was.
pub struct Staging {
    output: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn begin(output: &Path) -> Result<Staging, OutputError> {
        if output.exists() && !output.is_dir() {
            return Err(OutputError::NotAFolder(output.to_path_buf()));
        }
        let temp = sibling(output, "building");
        let old = sibling(output, "previous");
        if !output.exists() && old.is_dir() {
            // A build killed between its two renames (where the OS cannot
            // swap folders in one): the previous site goes back.
            fs::rename(&old, output).map_err(|source| OutputError::Write { path: output.to_path_buf(), source })?;
        } else if old.exists() {
            fs::remove_dir_all(&old).map_err(|source| OutputError::Write { path: old.clone(), source })?;
        }
        if temp.exists() {
            // Left over from a build that was killed: it is ours to remove.
            fs::remove_dir_all(&temp).map_err(|source| OutputError::Write { path: temp.clone(), source })?;
        }
        fs::create_dir_all(&temp).map_err(|source| OutputError::Write { path: temp.clone(), source })?;
        Ok(Staging { output: output.to_path_buf(), temp, committed: false })
    }

    /// Put the new site in place of the old one: in one step where the OS
    /// swaps two folders at once, so that the output is never missing.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let swap_error = |source| OutputError::Swap { path: self.output.clone(), source };
        if self.output.is_dir() && exchange(&self.temp, &self.output) {
            // The temporary folder now holds the previous site.
            self.committed = true;
            let _ = fs::remove_dir_all(&self.temp);
            return Ok(());
        }
        let old = sibling(&self.output, "previous");
        if self.output.exists() {
            if old.exists() {
                fs::remove_dir_all(&old).map_err(swap_error)?;
            }
            fs::rename(&self.output, &old).map_err(swap_error)?;
        }
        if let Err(err) = fs::rename(&self.temp, &self.output) {
            // Put the previous site back before reporting.
            let _ = fs::rename(&old, &self.output);
            return Err(swap_error(err));
        }
        self.committed = true;
        let _ = fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Sink for Staging {
    /// Unchanged files are hard-linked from the previous build.
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let target = self.temp.join(relative);
        let error = |source| OutputError::Write { path: target.clone(), source };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(error)?;
        }
        let previous = self.output.join(relative);
        let unchanged = fs::metadata(&previous).is_ok_and(|m| m.len() == bytes.len() as u64)
            && fs::read(&previous).is_ok_and(|old| old == bytes);
        if unchanged && fs::hard_link(&previous, &target).is_ok() {
            return Ok(());
        }
        fs::write(&target, bytes).map_err(error)
    }

    /// Streamed to the folder, then compared with the previous build's
    /// file a block at a time: hard-linked from it when the same.
    fn write_with(
        &self,
        relative: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let target = self.temp.join(relative);
        let error = |source| OutputError::Write { path: target.clone(), source };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(error)?;
        }
        let mut file = BufWriter::with_capacity(1 << 16, fs::File::create(&target).map_err(error)?);
        fill(&mut file).map_err(error)?;
        file.into_inner().map_err(|e| error(e.into_error()))?;
        let previous = self.output.join(relative);
        if same_bytes(&previous, &target).unwrap_or(false) {
            // Linked beside it, then renamed over it: where no link can be
            // made, the new copy stays.
            let link =
                target.with_file_name(format!(".{}.coroner-link", relative.rsplit('/').next().unwrap_or(relative)));
            if fs::hard_link(&previous, &link).is_ok() {
                fs::rename(&link, &target).map_err(error)?;
            }
        }
        Ok(())
    }

    fn has(&self, relative: &str) -> bool {
        self.temp.join(relative).exists()
    }
}

/// Whether two files hold the same bytes, read a block at a time.
fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    let (mut a, mut b) = (fs::File::open(a)?, fs::File::open(b)?);
    if a.metadata()?.len() != b.metadata()?.len() {
        return Ok(false);
    }
    let (mut block_a, mut block_b) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let read = a.read(&mut block_a)?;
        if read == 0 {
            return Ok(true);
        }
        b.read_exact(&mut block_b[..read])?;
        if block_a[..read] != block_b[..read] {
            return Ok(false);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// The site held in memory, as the preview server serves it: path → bytes.
/// A render starts from the files of the one before: a page whose inputs
/// did not change is kept ([`Sink::keep`]) instead of rendered again, and
/// a page neither written nor kept (a deleted incident) is gone.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Files>,
}

#[derive(Debug, Default)]
struct Files {
    previous: HashMap<String, bytes::Bytes>,
    current: HashMap<String, bytes::Bytes>,
}

impl Memory {
    pub fn after(previous: HashMap<String, bytes::Bytes>) -> Memory {
        Memory { files: Mutex::new(Files { previous, current: HashMap::new() }) }
    }

    /// The site as this render left it.
    pub fn into_files(self) -> HashMap<String, bytes::Bytes> {
        self.files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).current
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Memory {
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.lock().current.insert(relative.to_string(), bytes::Bytes::copy_from_slice(bytes));
        Ok(())
    }

    fn has(&self, relative: &str) -> bool {
        self.lock().current.contains_key(relative)
    }

    fn keep(&self, relative: &str) -> bool {
        let mut files = self.lock();
        match files.previous.remove(relative) {
            Some(bytes) => {
                files.current.insert(relative.to_string(), bytes);
                true
            }
            None => false,
        }
    }
}

/// Swap two folders in one step (`renameat2` with `RENAME_EXCHANGE`);
/// false where the OS or file system cannot.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// `.public.coroner-building` beside `public`: same file system, so the
/// final rename is atomic and hard links work.
fn sibling(output: &Path, purpose: &str) -> PathBuf {
    let name = output.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.coroner-{purpose}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn unchanged_files_keep_their_mtime_and_changed_ones_are_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a/index.html", b"same").unwrap();
        first.write("b.html", b"old").unwrap();
        first.commit().unwrap();
        let old_time = SystemTime::now() - Duration::from_secs(3600);
        for f in ["a/index.html", "b.html"] {
            fs::File::options().write(true).open(out.join(f)).unwrap().set_modified(old_time).unwrap();
        }

        let second = Staging::begin(&out).unwrap();
        second.write("a/index.html", b"same").unwrap();
        second.write("b.html", b"new").unwrap();
        second.commit().unwrap();

        let mtime = |f: &str| fs::metadata(out.join(f)).unwrap().modified().unwrap();
        assert_eq!(mtime("a/index.html"), old_time);
        assert!(mtime("b.html") > old_time);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"new");
    }

    #[test]
    fn a_build_that_is_not_committed_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"v1").unwrap();
        first.commit().unwrap();
        {
            let failed = Staging::begin(&out).unwrap();
            failed.write("index.html", b"v2").unwrap();
        }
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"v1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary folder left behind");
    }
}
