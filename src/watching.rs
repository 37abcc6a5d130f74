//! Vouching for the search index, as git's fsmonitor vouches for git's: a
//! process that watches the content folder anyway (`coroner serve`, or the
//! watcher a search starts, [`watch`]) tells `coroner search` whether
//! anything changed, so that the search `stat`s no file. The watcher notes
//! beside the index that it watches (its process, and the key of what it
//! indexes). A search drops a cookie file into the index folder; the
//! watcher sees events in the order they happened, so when it reaches the
//! cookie it has seen every change made before it, and answers: it removes
//! the cookie when all of them are in the index, and writes into it
//! otherwise. No note, a note of a process that is gone or of another key,
//! or no answer in time: the search checks the files itself.

use crate::config::Config;
use notify_debouncer_full::notify::{self, RecursiveMode, Watcher as _};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The watcher's note, in the index folder.
const NOTE: &str = "coroner-watched";
/// What a search's cookie is named by, in the index folder.
const COOKIE: &str = "coroner-cookie-";
/// How long a search waits for the answer: a server busy rebuilding
/// answers at once too (its watcher runs beside the rebuild).
const WAIT: Duration = Duration::from_millis(30);
/// How often a search's watcher looks at its note, site.toml and the
/// listing beside the index: a few `stat`s each time.
const TICK: Duration = Duration::from_millis(250);

/// Note that this process watches the archive whose index is in `dir`
/// with sources `key` (see `build::fingerprint`), for searches to ask.
pub fn note(dir: &Path, key: u64) -> std::io::Result<()> {
    let pid = std::process::id();
    let started = process_start(pid).ok_or_else(|| std::io::Error::other("no process start time"))?;
    let aside = dir.join(format!("{NOTE}.{pid}"));
    std::fs::write(&aside, format!("{pid} {started} {key}\n"))?;
    std::fs::rename(aside, dir.join(NOTE))
}

/// Take this process's note back (it stops watching); another's stays.
pub fn unnote(dir: &Path) {
    if noted(dir).is_some_and(|n| n.pid == std::process::id()) {
        let _ = std::fs::remove_file(dir.join(NOTE));
    }
}

/// Who noted that it watches the index in `dir`, and what.
struct Noted {
    pid: u32,
    started: u64,
    key: u64,
}

fn noted(dir: &Path) -> Option<Noted> {
    let note = std::fs::read_to_string(dir.join(NOTE)).ok()?;
    let fields: Vec<u64> = note.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let [pid, started, key] = fields[..] else { return None };
    Some(Noted { pid: u32::try_from(pid).ok()?, started, key })
}

impl Noted {
    /// The noting process still runs (not a later one given its id).
    fn alive(&self) -> bool {
        process_start(self.pid) == Some(self.started)
    }
}

/// Whether a live process notes that it watches the index in `dir`, for
/// whatever archive: then a search starts no watcher of its own.
pub fn watched(dir: &Path) -> bool {
    noted(dir).is_some_and(|n| n.alive())
}

/// Whether `path` is a search's cookie in the index folder `dir`.
fn is_cookie(dir: &Path, path: &Path) -> bool {
    path.parent() == Some(dir) && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(COOKIE))
}

/// Answer the cookie at `path`: removed when the index is current, else
/// written into.
fn answer(path: &Path, current: bool) {
    if current {
        let _ = std::fs::remove_file(path);
    } else {
        let _ = std::fs::OpenOptions::new().append(true).open(path).and_then(|mut f| f.write_all(b"changed\n"));
    }
}

/// Whether a running watcher vouches that the index in `dir` holds the
/// archive with sources `key` as it is on disk now. False whenever it
/// cannot tell.
pub fn vouched(dir: &Path, key: u64) -> bool {
    if !noted(dir).is_some_and(|n| n.key == key && n.alive()) {
        return false;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let cookie = dir.join(format!("{COOKIE}{}-{nanos}", std::process::id()));
    if std::fs::File::create_new(&cookie).is_err() {
        return false;
    }
    let asked = Instant::now();
    loop {
        match std::fs::metadata(&cookie) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return true,
            Ok(meta) if meta.len() == 0 && asked.elapsed() < WAIT => std::thread::sleep(Duration::from_micros(500)),
            _ => {
                let _ = std::fs::remove_file(&cookie);
                return false;
            }
        }
    }
}

/// When process `pid` started (in clock ticks since boot), which tells
/// it from a later process given the same id; `None` when it is gone,
/// or has ended and is not reaped yet (a zombie answers nothing).
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the name in parentheses: the state, and 19 fields on, the start time.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    if matches!(fields.next()?, "Z" | "X") {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

/// What a watcher has seen change and the search index may not hold yet,
/// so that it can vouch for the index. Its own watcher, without the
/// preview's debounce: each event counts from the moment it is read, and
/// a search's cookie is answered in the order events came.
pub struct Vouching {
    state: Arc<Mutex<Unindexed>>,
    _watcher: notify::RecommendedWatcher,
}

#[derive(Default)]
struct Unindexed {
    /// Each path changed and not yet known indexed, with the count of
    /// changes seen when it last changed.
    pending: HashMap<PathBuf, u64>,
    seen: u64,
    /// The watcher lost events: nothing can be vouched for any more.
    lost: bool,
    /// The last update (or check) of the index succeeded.
    indexed: bool,
    /// Cookies answered so far.
    asked: u64,
}

impl Unindexed {
    fn current(&self) -> bool {
        !self.lost && self.indexed && self.pending.is_empty()
    }
}

impl Vouching {
    /// Watch `content` and site.toml at `root`, and the index folder
    /// `index` for cookies; nothing is vouched for until [`Vouching::indexed`].
    pub fn start(root: &Path, content: &Path, index: &Path) -> notify::Result<Vouching> {
        let (content, config, index) =
            (absolute(content), absolute(root).join(crate::config::FILE_NAME), absolute(index));
        let state = Arc::new(Mutex::new(Unindexed::default()));
        let seen = state.clone();
        let (cookies, changes) = (index.clone(), content.clone());
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let mut state = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let Ok(event) = event else {
                state.lost = true;
                return;
            };
            state.lost |= event.need_rescan();
            if event.kind.is_access() || event.kind.is_other() {
                return;
            }
            for path in event.paths {
                if is_cookie(&cookies, &path) {
                    if event.kind.is_create() {
                        state.asked += 1;
                        answer(&path, state.current());
                    }
                } else if path.starts_with(&changes) || path == config {
                    state.seen += 1;
                    let seen = state.seen;
                    state.pending.insert(path, seen);
                }
            }
        })?;
        watcher.watch(&content, RecursiveMode::Recursive)?;
        watcher.watch(&absolute(root), RecursiveMode::NonRecursive)?;
        watcher.watch(&index, RecursiveMode::NonRecursive)?;
        Ok(Vouching { state, _watcher: watcher })
    }

    /// Every change seen and not yet known indexed.
    pub fn pending(&self) -> Vec<(PathBuf, u64)> {
        self.lock().pending.iter().map(|(p, &n)| (p.clone(), n)).collect()
    }

    /// The changes `batch` (from the preview's debounced watcher) brings,
    /// as seen so far: all of them when site.toml changed (everything is
    /// read again).
    pub fn taken(&self, batch: &[crate::serve::Change]) -> Vec<(PathBuf, u64)> {
        use crate::serve::Change;
        if batch.contains(&Change::Config) {
            return self.pending();
        }
        let state = self.lock();
        let paths = batch.iter().flat_map(|c| if let Change::Content(paths) = c { paths.as_slice() } else { &[] });
        paths.filter_map(|p| state.pending.get(p).map(|&n| (p.clone(), n))).collect()
    }

    /// The index was brought up to date after the changes `taken` were
    /// read (`ok`), or failed to be: those not changed again since are
    /// done, and so is any other path that stands `as_read` (an editor's
    /// temporary file, a rename's old name the debounced watcher folded
    /// into the new one).
    pub fn indexed(&self, taken: Vec<(PathBuf, u64)>, ok: bool, as_read: impl Fn(&Path) -> bool) {
        let mut state = self.lock();
        state.indexed = ok;
        if ok {
            for (path, seen) in taken {
                if state.pending.get(&path) == Some(&seen) {
                    state.pending.remove(&path);
                }
            }
            state.pending.retain(|path, _| !as_read(path));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Unindexed> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Events name absolute paths: compare them with absolute ones.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

/// A search's own watcher (`coroner watch-index`, which `coroner search`
/// starts when no watcher runs): watch the archive as the preview does,
/// vouch for the index while it holds every change, and stop after
/// `[search] watcher_idle` without a search, when another watcher takes
/// over the note, when the index folder goes, when site.toml changes or
/// the content folder is replaced (what it watches is another archive
/// then), or when the kernel dropped events.
///
/// It never updates the index itself: a change makes it answer
/// "changed", the search then checks the files and re-indexes as without
/// a watcher, and the watcher checks the listing that search saved (the
/// same check as a search's) to vouch again.
pub fn watch(config: &Config, content: Option<&Path>) -> std::io::Result<()> {
    let content = content.map_or_else(|| config.content_dir.clone(), Path::to_path_buf);
    let dir = &config.index_dir;
    let key = crate::build::sources_key(config, &content, false);
    // The watches follow the folder, not its name: another folder put in
    // its place is not watched. Taken first, so that a folder replaced
    // while the watches are set up is noticed.
    let folder = identity(&content);
    let vouching = Vouching::start(&config.root, &content, dir).map_err(std::io::Error::other)?;
    // Watched first, checked next: a change made before the check is seen
    // by the check, and one made after it by the watcher.
    let check = || {
        let taken = vouching.pending();
        let saved = crate::search::saved_sources(dir).unwrap_or_default();
        vouching.indexed(taken, crate::sources::unchanged(&saved, key, &content), |_| false);
    };
    // What calls for another check once a change was seen: a search asked
    // (and heard "changed", so it checks and updates the index), or the
    // listing beside the index was saved again.
    let since = || (vouching.lock().asked, std::fs::metadata(crate::search::sources_path(dir)).ok().map(stamp));
    let mut checked = since();
    check();
    note(dir, key)?;
    let mut last_asked = (checked.0, Instant::now());
    loop {
        std::thread::sleep(TICK);
        let ours = noted(dir).is_some_and(|n| n.pid == std::process::id());
        let same = identity(&content) == folder && crate::build::sources_key(config, &content, false) == key;
        if !ours || !same || vouching.lock().lost {
            break;
        }
        let now = since();
        if now.0 != last_asked.0 {
            last_asked = (now.0, Instant::now());
        } else if last_asked.1.elapsed() >= config.search_watcher_idle {
            break;
        }
        if vouching.lock().current() {
            checked = now;
        } else if now != checked {
            checked = now;
            check();
        }
    }
    unnote(dir);
    Ok(())
}

/// Which folder `path` names (device and inode).
fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// What tells a saved file from the one saved before it.
fn stamp(meta: std::fs::Metadata) -> (Option<std::time::SystemTime>, u64) {
    (meta.modified().ok(), meta.len())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_note_vouches_only_while_its_watcher_answers() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!vouched(dir.path(), 7), "no note, no watcher");
        assert!(!watched(dir.path()));
        note(dir.path(), 7).unwrap();
        assert!(watched(dir.path()), "this process noted it");
        assert!(!vouched(dir.path(), 8), "another key is another archive");
        // Nobody answers: the search stops waiting and leaves no cookie behind.
        assert!(!vouched(dir.path(), 7));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the note");
        unnote(dir.path());
        assert!(!dir.path().join(NOTE).exists());
        // A note of a process that is gone (pid 0 has no /proc entry) is
        // no watcher, and not this process's to take back.
        std::fs::write(dir.path().join(NOTE), "0 1 7\n").unwrap();
        assert!(!vouched(dir.path(), 7));
        assert!(!watched(dir.path()));
        unnote(dir.path());
        assert!(dir.path().join(NOTE).exists());
        std::fs::write(dir.path().join(NOTE), "garbage").unwrap();
        assert!(!vouched(dir.path(), 7));
    }

    #[test]
    fn a_process_that_ended_is_gone_before_it_is_reaped() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let started = Instant::now();
        while std::fs::read_to_string(format!("/proc/{}/stat", child.id())).is_ok_and(|s| !s.contains(") Z")) {
            assert!(started.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(process_start(child.id()), None, "a zombie watches nothing");
        child.wait().unwrap();
        assert!(process_start(std::process::id()).is_some());
    }
}
