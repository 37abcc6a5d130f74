//! Writing the site atomically, per file and per build. A first build
//! renders into a folder beside the output, renamed into place once the
//! whole build succeeded. Later builds update the published folder in
//! place: only a file whose bytes differ from the published one is
//! staged beside the output, and once the whole build succeeded each is
//! renamed over its published path (one atomic rename per file), then the
//! files this build did not produce are deleted. A failed build (a broken
//! template, a full disk) leaves the published site as it was; an
//! unchanged file is never touched, so it keeps its mtime and an rsync
//! deploy moves only what changed. Nothing is deleted wholesale: freeing
//! tens of thousands of folders on every build is what made a rebuild
//! slower than a clean one on a disk mounted with `discard`.
//!
//! Those renames and deletions are many steps, so before the first one the
//! commit writes a [`Journal`] of them all into the staging folder: a build
//! killed halfway through leaves it there, and the next build finishes that
//! commit before anything else (a journal's steps can be taken again), so
//! the site never stays half old, half new.
//!
//! A pages file outside the output (beside the search index) keeps each
//! page's render key (see `render::Memo`) and the stamp its file was
//! published with, so the next build neither renders nor reads a page
//! whose inputs and file did not change.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// Keep `relative` as the previous render left it, when there was one
    /// and it is still there as left: its page need not be rendered again.
    fn keep(&self, _relative: &str) -> bool {
        false
    }
    /// Keep, as the previous render left them, every file `carried` picks:
    /// one pass over them all instead of a [`Sink::keep`] per file. The
    /// number kept; `None` when this sink cannot (then keep them one by one).
    fn keep_where(&self, _carried: &(dyn Fn(&str) -> bool + Sync)) -> Option<usize> {
        None
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

/// A file's size and modification time (in nanoseconds): a published page
/// whose stamp is the one it was published with was not edited since.
type Stamp = (u64, i128);

fn stamp(metadata: &fs::Metadata) -> Option<Stamp> {
    let modified = metadata.modified().ok()?;
    let nanos = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    };
    Some((metadata.len(), nanos))
}

/// What this build did with one file of the site.
enum Produced {
    /// Staged as `temp/<n>`, to be renamed over the published file.
    Staged(usize),
    /// Written into the new tree of a first build (`temp/site`).
    Fresh,
    /// The published file already holds it, with this stamp.
    Published(Option<Stamp>),
}

/// A build in progress. Dropping it before [`Staging::commit`] wrote its
/// journal deletes the staging folder and leaves the output as it was.
pub struct Staging {
    output: PathBuf,
    temp: PathBuf,
    /// No output yet: `temp/site` is the whole new tree, renamed into place.
    fresh: bool,
    next: AtomicUsize,
    produced: Mutex<HashMap<String, Produced>>,
    /// The previous build's pages: render key and published stamp.
    previous: Pages,
    /// Where they are kept.
    pages_file: PathBuf,
    /// The commit has begun (its journal is written): the staging folder
    /// is the next build's to finish, never to delete.
    committed: bool,
}

/// Each page's render key and the stamp of the file it was published as.
#[derive(Default)]
struct Pages {
    keys: HashMap<String, u64>,
    stamps: HashMap<String, Stamp>,
}

/// The first line of the pages file: its format, then the salt.
const PAGES_HEADER: &str = "coroner-pages 1";

impl Staging {
    /// Start a build of `output`. `salt` changes with everything every
    /// page depends on beyond its key (the output folder, coroner,
    /// site.toml, the theme…): the previous build's page keys, read from
    /// `pages_file`, count only when it is the same.
    pub fn begin(output: &Path, pages_file: &Path, salt: u64) -> Result<Staging, OutputError> {
        if output.exists() && !output.is_dir() {
            return Err(OutputError::NotAFolder(output.to_path_buf()));
        }
        let temp = sibling(output, "building");
        if temp.exists() {
            // Left over from a build that was killed: one killed while it
            // published is finished first; any other is ours to remove.
            if let Some(journal) = Journal::read(&temp)? {
                journal.finish(output, &temp)?;
            }
            fs::remove_dir_all(&temp).map_err(|source| OutputError::Write { path: temp.clone(), source })?;
        }
        fs::create_dir_all(&temp).map_err(|source| OutputError::Write { path: temp.clone(), source })?;
        let fresh = !output.exists();
        let previous = if fresh { Pages::default() } else { Pages::load(pages_file, salt) };
        Ok(Staging {
            output: output.to_path_buf(),
            temp,
            fresh,
            next: AtomicUsize::new(0),
            produced: Mutex::default(),
            previous,
            pages_file: pages_file.to_path_buf(),
            committed: false,
        })
    }

    /// The previous build's page keys, for `render::Memo`.
    pub fn previous_keys(&self) -> &HashMap<String, u64> {
        &self.previous.keys
    }

    fn produced(&self) -> std::sync::MutexGuard<'_, HashMap<String, Produced>> {
        self.produced.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Where a new or changed file waits for the commit.
    fn stage(&self, relative: &str) -> Result<(PathBuf, Produced), OutputError> {
        if self.fresh {
            let target = self.temp.join(FRESH_TREE).join(relative);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|source| OutputError::Write { path: target.clone(), source })?;
            }
            return Ok((target, Produced::Fresh));
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok((self.temp.join(n.to_string()), Produced::Staged(n)))
    }

    /// Publish the build: the new tree renamed into place on a first
    /// build, else each staged file renamed over its published path and
    /// the files no longer produced deleted, as the journal written first
    /// lists them. `keys` (every page's render key, from `Site::keys`) are
    /// saved for the next build with the stamps the pages are published with.
    pub fn commit(mut self, keys: HashMap<String, u64>, salt: u64) -> Result<(), OutputError> {
        let produced = std::mem::take(&mut *self.produced());
        if self.fresh {
            fs::rename(self.temp.join(FRESH_TREE), &self.output)
                .map_err(|source| OutputError::Swap { path: self.output.clone(), source })?;
        } else {
            let journal = Journal::of(&self.output, &produced);
            journal.write(&self.temp)?;
            // From here on, the next build finishes what this one does not.
            self.committed = true;
            journal.finish(&self.output, &self.temp)?;
        }
        self.committed = true;
        let _ = fs::remove_file(self.temp.join(JOURNAL));
        let _ = fs::remove_dir_all(&self.temp);
        // The stamps the pages are published with, now that they are.
        use rayon::prelude::*;
        let pages: Vec<(&String, u64, Stamp)> = keys
            .par_iter()
            .filter_map(|(file, &key)| {
                let stamp = match produced.get(file) {
                    Some(Produced::Published(stamp)) => *stamp,
                    Some(_) => fs::metadata(self.output.join(file)).ok().as_ref().and_then(stamp),
                    None => None,
                }?;
                Some((file, key, stamp))
            })
            .collect();
        // Without it the next build renders every page again: not an error.
        let _ = Pages::save(&self.pages_file, salt, pages);
        Ok(())
    }
}

/// The folder of `temp` a first build writes the new tree into: a name no
/// staged file (`temp/<n>`) or journal takes.
const FRESH_TREE: &str = "site";

/// The file of `temp` that names a commit's steps (see [`Journal`]).
const JOURNAL: &str = "journal";

/// The first line of a journal: its format.
const JOURNAL_HEADER: &[u8] = b"coroner-commit 1\n";

/// Every step of one commit, written (atomically) before the first is
/// taken, so that a build killed while it publishes is finished by the
/// next. Each step can be taken twice: a staged file no longer in the
/// staging folder was renamed already, and deleting what is gone is
/// nothing.
#[derive(Debug, Default, PartialEq)]
struct Journal {
    /// Each staged file's published path and its number in `temp`,
    /// deepest first: the static search index's shards are in place before
    /// the manifest naming them is (and a reader of the folder during the
    /// commit finds no name pointing to a file not yet there).
    renames: Vec<(String, usize)>,
    /// What the published folder holds that this build did not produce (a
    /// deleted incident's page, a file put there by hand), then the
    /// folders that hold nothing else, a folder after what it holds.
    deletes: Vec<(PathBuf, Entry)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    File,
    /// Deleted only once empty.
    Folder,
}

impl Journal {
    /// The steps that turn the published `output` into what was `produced`.
    fn of(output: &Path, produced: &HashMap<String, Produced>) -> Journal {
        let mut renames: Vec<(String, usize)> = produced
            .iter()
            .filter_map(|(file, p)| if let Produced::Staged(n) = p { Some((file.clone(), *n)) } else { None })
            .collect();
        let depth = |file: &str| std::cmp::Reverse(file.matches('/').count());
        renames.sort_unstable_by(|a, b| depth(&a.0).cmp(&depth(&b.0)).then_with(|| a.0.cmp(&b.0)));
        // Depth first, a folder after what it holds: `occupied[d]` says
        // whether the folder open at depth `d` keeps anything.
        let mut deletes = Vec::new();
        let mut occupied = vec![false; 1];
        let walk = walkdir::WalkDir::new(output).min_depth(1).contents_first(true);
        for entry in walk.into_iter().filter_map(Result::ok) {
            let depth = entry.depth();
            if occupied.len() <= depth {
                occupied.resize(depth + 1, false);
            }
            let Ok(relative) = entry.path().strip_prefix(output) else { continue };
            let kept = if entry.file_type().is_dir() {
                let kept = std::mem::take(&mut occupied[depth]);
                if !kept {
                    deletes.push((relative.to_path_buf(), Entry::Folder));
                }
                kept
            } else {
                let file = relative.to_str().map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"));
                let kept = file.is_some_and(|f| produced.contains_key(&f));
                if !kept {
                    deletes.push((relative.to_path_buf(), Entry::File));
                }
                kept
            };
            occupied[depth - 1] |= kept;
        }
        Journal { renames, deletes }
    }

    /// Written beside, flushed to disk, then renamed into `temp`: a
    /// journal is there whole or not at all.
    fn write(&self, temp: &Path) -> Result<(), OutputError> {
        let path = temp.join(JOURNAL);
        let error = |source| OutputError::Write { path: path.clone(), source };
        let mut bytes = JOURNAL_HEADER.to_vec();
        // NUL ends each step: the one byte no path holds.
        for (file, n) in &self.renames {
            bytes.extend_from_slice(format!("R{n}\t{file}\0").as_bytes());
        }
        for (path, entry) in &self.deletes {
            if let Some(name) = path_bytes(path) {
                bytes.push(if *entry == Entry::Folder { b'E' } else { b'D' });
                bytes.extend_from_slice(name);
                bytes.push(0);
            }
        }
        let aside = temp.join(format!("{JOURNAL}.part"));
        let mut file = fs::File::create(&aside).map_err(error)?;
        file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(error)?;
        fs::rename(&aside, &path).map_err(error)?;
        // The rename itself reaches the disk with its folder's entry.
        #[cfg(unix)]
        fs::File::open(temp).and_then(|folder| folder.sync_all()).map_err(error)?;
        Ok(())
    }

    /// The journal a commit left in `temp`, if it wrote one.
    fn read(temp: &Path) -> Result<Option<Journal>, OutputError> {
        let path = temp.join(JOURNAL);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(OutputError::Swap { path, source }),
        };
        let corrupt =
            || OutputError::Swap { path: path.clone(), source: io::Error::other("the journal is unreadable") };
        let steps = bytes.strip_prefix(JOURNAL_HEADER).ok_or_else(corrupt)?;
        let mut journal = Journal::default();
        for step in steps.split(|&b| b == 0).filter(|s| !s.is_empty()) {
            let (kind, rest) = step.split_first().ok_or_else(corrupt)?;
            match kind {
                b'R' => {
                    let text = std::str::from_utf8(rest).map_err(|_| corrupt())?;
                    let (n, file) = text.split_once('\t').ok_or_else(corrupt)?;
                    journal.renames.push((file.to_string(), n.parse().map_err(|_| corrupt())?));
                }
                b'D' | b'E' => {
                    let entry = if *kind == b'E' { Entry::Folder } else { Entry::File };
                    journal.deletes.push((path_from(rest).ok_or_else(corrupt)?, entry));
                }
                _ => return Err(corrupt()),
            }
        }
        Ok(Some(journal))
    }

    /// Take every step not taken yet: rename each staged file still in
    /// `temp` over its published path, making the folders it needs (a
    /// file or folder in the way, an alias page where a folder is now,
    /// goes), then delete what is listed. Best effort for the deletions:
    /// what cannot be deleted stays.
    fn finish(&self, output: &Path, temp: &Path) -> Result<(), OutputError> {
        for (relative, n) in &self.renames {
            let staged = temp.join(n.to_string());
            if fs::symlink_metadata(&staged).is_err() {
                continue;
            }
            let target = output.join(relative);
            let error = |source| OutputError::Swap { path: target.clone(), source };
            if let Some(parent) = target.parent()
                && !parent.is_dir()
            {
                for ancestor in parent.ancestors().take_while(|a| a.starts_with(output) && *a != output) {
                    if ancestor.is_file() {
                        fs::remove_file(ancestor).map_err(error)?;
                    }
                }
                fs::create_dir_all(parent).map_err(error)?;
            }
            if target.is_dir() {
                fs::remove_dir_all(&target).map_err(error)?;
            }
            fs::rename(&staged, &target).map_err(error)?;
        }
        for (relative, entry) in &self.deletes {
            let path = output.join(relative);
            let _ = match entry {
                Entry::File => fs::remove_file(path),
                Entry::Folder => fs::remove_dir(path),
            };
        }
        Ok(())
    }
}

/// A path's bytes as the journal keeps them.
fn path_bytes(path: &Path) -> Option<&[u8]> {
    #[cfg(unix)]
    return Some(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()));
    #[cfg(not(unix))]
    path.to_str().map(str::as_bytes)
}

fn path_from(bytes: &[u8]) -> Option<PathBuf> {
    #[cfg(unix)]
    return Some(PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes)));
    #[cfg(not(unix))]
    std::str::from_utf8(bytes).ok().map(PathBuf::from)
}

impl Pages {
    /// The pages file, when it was written with `salt`; else none.
    fn load(path: &Path, salt: u64) -> Pages {
        let mut pages = Pages::default();
        let Ok(text) = fs::read_to_string(path) else { return pages };
        let mut lines = text.lines();
        if lines.next() != Some(&format!("{PAGES_HEADER} {salt:016x}")) {
            return pages;
        }
        for line in lines {
            let mut fields = line.splitn(4, ' ');
            let (Some(key), Some(len), Some(nanos), Some(file)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let (Ok(key), Ok(len), Ok(nanos)) = (u64::from_str_radix(key, 16), len.parse(), nanos.parse()) else {
                continue;
            };
            pages.keys.insert(file.to_string(), key);
            pages.stamps.insert(file.to_string(), (len, nanos));
        }
        pages
    }

    /// One line per page, sorted; written beside, then renamed.
    fn save(path: &Path, salt: u64, mut pages: Vec<(&String, u64, Stamp)>) -> io::Result<()> {
        pages.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let aside = path.with_extension(format!("{}", std::process::id()));
        let mut out = BufWriter::new(fs::File::create(&aside)?);
        writeln!(out, "{PAGES_HEADER} {salt:016x}")?;
        for (file, key, (len, nanos)) in pages {
            // A path with a line break could not be read back: its page
            // is rendered again next time.
            if !file.contains('\n') {
                writeln!(out, "{key:016x} {len} {nanos} {file}")?;
            }
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        fs::rename(&aside, path)
    }
}

impl Sink for Staging {
    /// A file whose bytes are the published ones is left alone.
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let published = if self.fresh { None } else { same_as_published(&self.output.join(relative), bytes) };
        let produced = match published {
            Some(stamp) => Produced::Published(stamp),
            None => {
                let (target, produced) = self.stage(relative)?;
                fs::write(&target, bytes).map_err(|source| OutputError::Write { path: target.clone(), source })?;
                produced
            }
        };
        self.produced().insert(relative.to_string(), produced);
        Ok(())
    }

    /// Compared with the published file as it is made, and left alone when
    /// the same; else made again into the staging folder. Nothing is
    /// written for an unchanged archive.json (500 MB at 100,000 incidents),
    /// and a changed one is made twice only up to its first difference.
    fn write_with(
        &self,
        relative: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let published = self.output.join(relative);
        if let Some(file) = (!self.fresh).then(|| fs::File::open(&published).ok()).flatten() {
            let before = file.metadata().ok().filter(fs::Metadata::is_file).as_ref().and_then(stamp);
            let mut compare =
                SameAs { published: io::BufReader::with_capacity(1 << 16, file), differs: false, scratch: Vec::new() };
            match fill(&mut compare) {
                Ok(()) if before.is_some() && compare.at_end() => {
                    self.produced().insert(relative.to_string(), Produced::Published(before));
                    return Ok(());
                }
                Err(_) if compare.differs => {}
                Err(source) => return Err(OutputError::Write { path: published, source }),
                Ok(()) => {}
            }
        }
        let (target, produced) = self.stage(relative)?;
        let error = |source| OutputError::Write { path: target.clone(), source };
        let mut file = BufWriter::with_capacity(1 << 16, fs::File::create(&target).map_err(error)?);
        fill(&mut file).map_err(error)?;
        file.into_inner().map_err(|e| error(e.into_error()))?;
        self.produced().insert(relative.to_string(), produced);
        Ok(())
    }

    fn has(&self, relative: &str) -> bool {
        self.produced().contains_key(relative)
    }

    /// Kept when the published file is the one the previous build
    /// published (same size and mtime): not edited or deleted since.
    fn keep(&self, relative: &str) -> bool {
        let Some(&saved) = self.previous.stamps.get(relative) else { return false };
        let now = fs::metadata(self.output.join(relative)).ok().as_ref().and_then(stamp);
        if now != Some(saved) {
            return false;
        }
        self.produced().insert(relative.to_string(), Produced::Published(now));
        true
    }
}

/// The published file's stamp when it holds exactly `bytes`.
fn same_as_published(path: &Path, bytes: &[u8]) -> Option<Option<Stamp>> {
    let mut file = fs::File::open(path).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() || metadata.len() != bytes.len() as u64 {
        return None;
    }
    let mut old = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut old).ok()?;
    (old == bytes).then(|| stamp(&metadata))
}

/// A writer that compares what it is given with a published file, and
/// fails at the first difference (so that making the rest is not waited for).
struct SameAs {
    published: io::BufReader<fs::File>,
    differs: bool,
    /// The published bytes each write is compared with.
    scratch: Vec<u8>,
}

impl SameAs {
    /// Whether the published file holds nothing more.
    fn at_end(&mut self) -> bool {
        use io::BufRead;
        self.published.fill_buf().is_ok_and(|rest| rest.is_empty())
    }
}

impl Write for SameAs {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.scratch.resize(bytes.len(), 0);
        if self.published.read_exact(&mut self.scratch).is_err() || self.scratch != bytes {
            self.differs = true;
            return Err(io::Error::other("differs from the published file"));
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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

/// The site in memory: path inside it → bytes. Its paths are shared, so
/// that the next render starts from a copy of it without copying each.
pub type Site = HashMap<std::sync::Arc<str>, bytes::Bytes>;

#[derive(Debug, Default)]
struct Files {
    previous: Site,
    current: Site,
}

impl Memory {
    pub fn after(previous: Site) -> Memory {
        Memory { files: Mutex::new(Files { previous, current: HashMap::new() }) }
    }

    /// The site as this render left it.
    pub fn into_files(self) -> Site {
        self.files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).current
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Memory {
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.lock().current.insert(relative.into(), bytes::Bytes::copy_from_slice(bytes));
        Ok(())
    }

    fn has(&self, relative: &str) -> bool {
        self.lock().current.contains_key(relative)
    }

    fn keep(&self, relative: &str) -> bool {
        let mut files = self.lock();
        match files.previous.remove_entry(relative) {
            Some((file, bytes)) => {
                files.current.insert(file, bytes);
                true
            }
            None => false,
        }
    }

    fn keep_where(&self, carried: &(dyn Fn(&str) -> bool + Sync)) -> Option<usize> {
        let mut files = self.lock();
        let Files { previous, current } = &mut *files;
        // The few others move out; the many kept stay in their map, which
        // becomes the current one when nothing was written yet.
        let others: Site = previous.extract_if(|file, _| !carried(file)).collect();
        let kept = std::mem::replace(previous, others);
        let count = kept.len();
        if current.is_empty() {
            *current = kept;
        } else {
            current.extend(kept);
        }
        Some(count)
    }
}

/// `.public.coroner-building` beside `public`: same file system, so each
/// rename into it is atomic; outside it, so never published.
fn sibling(output: &Path, purpose: &str) -> PathBuf {
    let name = output.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.coroner-{purpose}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    /// Build `files` into `out` and publish them, with a key for each.
    fn build(out: &Path, files: &[(&str, &[u8])]) {
        let staging = Staging::begin(out, &out.with_file_name("pages"), 1).unwrap();
        for (file, bytes) in files {
            staging.write(file, bytes).unwrap();
        }
        staging.commit(files.iter().map(|(f, _)| (f.to_string(), 7)).collect(), 1).unwrap();
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort();
        found
    }

    #[test]
    fn unchanged_files_keep_their_mtime_and_changed_ones_are_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a/index.html", b"same"), ("b.html", b"old")]);
        let old_time = SystemTime::now() - Duration::from_secs(3600);
        for f in ["a/index.html", "b.html"] {
            fs::File::options().write(true).open(out.join(f)).unwrap().set_modified(old_time).unwrap();
        }
        build(&out, &[("a/index.html", b"same"), ("b.html", b"new")]);
        let mtime = |f: &str| fs::metadata(out.join(f)).unwrap().modified().unwrap();
        assert_eq!(mtime("a/index.html"), old_time);
        assert!(mtime("b.html") > old_time);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"new");
    }

    #[test]
    fn a_streamed_file_is_rewritten_only_when_its_bytes_change() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stream = |text: &'static str| {
            let staging = Staging::begin(&out, &dir.path().join("pages"), 1).unwrap();
            staging.write_with("archive.json", &mut |w| w.write_all(text.as_bytes())).unwrap();
            staging.commit(HashMap::new(), 1).unwrap();
        };
        stream("[1,2,3]");
        let old_time = SystemTime::now() - Duration::from_secs(3600);
        fs::File::options().write(true).open(out.join("archive.json")).unwrap().set_modified(old_time).unwrap();
        stream("[1,2,3]");
        assert_eq!(fs::metadata(out.join("archive.json")).unwrap().modified().unwrap(), old_time);
        for text in ["[1,2,4]", "[1,2]", "[1,2,4,5]"] {
            stream(text);
            assert_eq!(fs::read_to_string(out.join("archive.json")).unwrap(), text);
        }
    }

    #[test]
    fn a_build_that_is_not_committed_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"v1"), ("gone/index.html", b"x")]);
        {
            let failed = Staging::begin(&out, &dir.path().join("pages"), 1).unwrap();
            failed.write("index.html", b"v2").unwrap();
            failed.write("new/index.html", b"v2").unwrap();
        }
        assert_eq!(listing(&out), ["gone", "gone/index.html", "index.html"]);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"v1");
        let beside: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(!beside.iter().any(|n| n.to_string_lossy().contains("building")), "{beside:?}");
    }

    #[test]
    fn a_commit_killed_halfway_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"v1"), ("same.html", b"same"), ("gone/index.html", b"x"), ("old", b"a file")]);
        let v2: &[(&str, &[u8])] =
            &[("index.html", b"v2"), ("same.html", b"same"), ("new/index.html", b"v2"), ("old/index.html", b"moved")];
        // Killed after the journal and one of its renames.
        let staging = Staging::begin(&out, &dir.path().join("pages"), 1).unwrap();
        for (file, bytes) in v2 {
            staging.write(file, bytes).unwrap();
        }
        let journal = Journal::of(&out, &staging.produced());
        assert_eq!(journal.renames.len(), 3, "{journal:?}");
        journal.write(&staging.temp).unwrap();
        let first = Journal { renames: journal.renames[..1].to_vec(), deletes: Vec::new() };
        first.finish(&out, &staging.temp).unwrap();
        let temp = staging.temp.clone();
        std::mem::forget(staging);
        assert_eq!(Journal::read(&temp).unwrap(), Some(journal));

        drop(Staging::begin(&out, &dir.path().join("pages"), 1).unwrap());
        assert_eq!(listing(&out), ["index.html", "new", "new/index.html", "old", "old/index.html", "same.html"]);
        for (file, bytes) in v2 {
            assert_eq!(fs::read(out.join(file)).unwrap(), *bytes, "{file}");
        }
        assert!(!temp.exists());
    }

    #[test]
    fn a_build_killed_before_its_commit_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"v1")]);
        let staging = Staging::begin(&out, &dir.path().join("pages"), 1).unwrap();
        staging.write("index.html", b"v2").unwrap();
        std::mem::forget(staging);
        drop(Staging::begin(&out, &dir.path().join("pages"), 1).unwrap());
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"v1");
    }

    #[test]
    fn a_journal_reads_back_as_written_whatever_the_names() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal {
            renames: vec![("a/b\nc\td.html".into(), 12), ("index.html".into(), 0)],
            deletes: vec![("by hand\t.txt".into(), Entry::File), ("empty".into(), Entry::Folder)],
        };
        journal.write(dir.path()).unwrap();
        assert_eq!(Journal::read(dir.path()).unwrap(), Some(journal));
        fs::write(dir.path().join(JOURNAL), "something else").unwrap();
        assert!(Journal::read(dir.path()).is_err(), "an unreadable journal is an error, not a half-published site");
    }

    #[test]
    fn files_no_longer_built_and_stray_files_go_with_their_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", b"home"), ("incidents/a/index.html", b"a"), ("incidents/b/index.html", b"b")]);
        fs::write(out.join("incidents/a/notes.txt"), "by hand").unwrap();
        // An alias page where a folder now is, and the other way round.
        fs::write(out.join("old"), "a file").unwrap();
        build(&out, &[("index.html", b"home"), ("incidents/b/index.html", b"b"), ("old/index.html", b"moved")]);
        assert_eq!(
            listing(&out),
            ["incidents", "incidents/b", "incidents/b/index.html", "index.html", "old", "old/index.html"]
        );
        build(&out, &[("index.html", b"home"), ("old", b"a file again")]);
        assert_eq!(listing(&out), ["index.html", "old"]);
        assert_eq!(fs::read(out.join("old")).unwrap(), b"a file again");
    }

    #[test]
    fn a_page_is_kept_only_as_the_last_build_published_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", b"a"), ("b.html", b"b"), ("c.html", b"c")]);
        fs::write(out.join("b.html"), "edited by hand").unwrap();
        fs::remove_file(out.join("c.html")).unwrap();
        let next = Staging::begin(&out, &dir.path().join("pages"), 1).unwrap();
        assert_eq!(next.previous_keys().get("a.html"), Some(&7));
        assert!(next.keep("a.html"));
        assert!(!next.keep("b.html") && !next.keep("c.html"));
        assert!(next.has("a.html") && !next.has("b.html"));
        // Another salt (another theme, site.toml, coroner): no page counts.
        assert!(Staging::begin(&out, &dir.path().join("pages"), 2).unwrap().previous_keys().is_empty());
    }
}
