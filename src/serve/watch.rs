//! Watching the files a preview is built from: the content folder,
//! site.toml and the theme. Events are debounced (an editor's
//! write-and-rename is one save) and sorted into [`Change`]s.

use super::preview::Change;
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
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
        let (root, content) = (crate::watching::absolute(root), crate::watching::absolute(content));
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
