//! Watching the files a preview is built from: the content folder,
//! site.toml and the theme. Events are debounced (an editor's
//! write-and-rename is one save) and sorted into [`Change`]s.

use super::preview::Change;
use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode, Watcher as _};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Quiet time after the last event of a save before rebuilding: long
/// enough for an editor's temp-file dance, short against the 100 ms a
/// reload may take.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// The folders a site's look comes from, beside its root.
const THEME_FOLDERS: [&str; 3] = ["themes", "templates", "static"];

/// The file watcher of a preview; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    /// Theme folders watched so far (one may be created later).
    theme_folders: Vec<PathBuf>,
}

impl Watcher {
    /// Watch `content` and the site at `root`; each debounced batch of
    /// events is sent as its changes.
    pub fn start(
        root: &Path,
        content: &Path,
        changes: Sender<Vec<Change>>,
    ) -> notify_debouncer_full::notify::Result<Watcher> {
        let (root, content) = (absolute(root), absolute(content));
        let classify = {
            let (root, content) = (root.clone(), content.clone());
            move |path: PathBuf| -> Option<Change> {
                if path.starts_with(&content) {
                    Some(Change::Content(vec![path]))
                } else if path == root.join(crate::config::FILE_NAME) {
                    Some(Change::Config)
                } else if THEME_FOLDERS.iter().any(|folder| path.starts_with(root.join(folder))) {
                    Some(Change::Theme)
                } else {
                    None
                }
            }
        };
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let Ok(events) = result else {
                // The watcher lost track (an overflow): read everything again.
                let _ = changes.send(vec![Change::Config]);
                return;
            };
            // Reading a file is an event too (inotify's open and close): only
            // what writes, creates, renames or removes counts.
            let batch: Vec<Change> = events
                .into_iter()
                .filter(|event| !event.kind.is_access() && !event.kind.is_other())
                .flat_map(|event| event.event.paths)
                .filter_map(&classify)
                .collect();
            if !batch.is_empty() {
                let _ = changes.send(batch);
            }
        })?;
        debouncer.watch(&content, RecursiveMode::Recursive)?;
        // site.toml is often replaced by a rename, and theme folders may be
        // created later: watch the folder holding them.
        debouncer.watch(&root, RecursiveMode::NonRecursive)?;
        let mut watcher = Watcher { debouncer, root, theme_folders: Vec::new() };
        watcher.watch_theme_folders();
        Ok(watcher)
    }

    /// Watch the theme folders that exist now and were not watched yet.
    pub fn watch_theme_folders(&mut self) {
        for folder in THEME_FOLDERS.map(|f| self.root.join(f)) {
            if folder.is_dir()
                && !self.theme_folders.contains(&folder)
                && self.debouncer.watch(&folder, RecursiveMode::Recursive).is_ok()
            {
                self.theme_folders.push(folder);
            }
        }
    }
}

/// Events name absolute paths: compare them with absolute ones.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).or_else(|_| std::path::absolute(path)).unwrap_or_else(|_| path.to_path_buf())
}

/// Merge batches into one list of changes, content paths together.
pub fn merge(batches: impl IntoIterator<Item = Vec<Change>>) -> Vec<Change> {
    let mut paths = Vec::new();
    let mut merged = Vec::new();
    for change in batches.into_iter().flatten() {
        match change {
            Change::Content(mut more) => paths.append(&mut more),
            other if !merged.contains(&other) => merged.push(other),
            _ => {}
        }
    }
    paths.sort();
    paths.dedup();
    if !paths.is_empty() {
        merged.push(Change::Content(paths));
    }
    merged
}

/// What the preview has seen change and its search index may not hold
/// yet, so that it can vouch for the index to `coroner search` (see
/// `crate::watching`). Its own watcher, without the debounce: each event
/// counts from the moment it is read, and a search's cookie is answered
/// in the order events came.
pub struct Vouching {
    state: Arc<Mutex<Unindexed>>,
    _watcher: RecommendedWatcher,
}

#[derive(Default)]
struct Unindexed {
    /// Each path changed and not yet known indexed, with the count of
    /// changes seen when it last changed.
    pending: HashMap<PathBuf, u64>,
    seen: u64,
    /// The watcher lost events: nothing can be vouched for any more.
    lost: bool,
    /// The last update of the index succeeded.
    indexed: bool,
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
                if crate::watching::is_cookie(&cookies, &path) {
                    if event.kind.is_create() {
                        let current = !state.lost && state.indexed && state.pending.is_empty();
                        crate::watching::answer(&path, current);
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

    /// The changes `batch` (from the debounced watcher) brings, as seen so
    /// far: all of them when site.toml changed (everything is read again).
    pub fn taken(&self, batch: &[Change]) -> Vec<(PathBuf, u64)> {
        let state = self.lock();
        if batch.contains(&Change::Config) {
            return state.pending.iter().map(|(p, &n)| (p.clone(), n)).collect();
        }
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
