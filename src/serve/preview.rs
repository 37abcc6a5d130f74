//! The preview's build, kept in memory between saves. A change re-reads
//! only the files that changed (each cached with a hash of its bytes),
//! assembles the archive again and renders only the pages whose inputs
//! changed (`render::Memo`). Every rebuild ends in a whole [`Snapshot`]
//! that replaces the one being served.

use crate::archive::{self, Archive};
use crate::build::{self, ContentFile, FileProblem, Ingested};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Finding, Severity};
use crate::ingest::Reader;
use crate::model::Postmortem;
use crate::render::output::{self, Memory};
use crate::render::urls::Urls;
use crate::render::{Memo, Scope, Site};
use crate::search::SearchIndex;
use bytes::Bytes;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// What changed on disk, as the watcher saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Files or folders in the content folder.
    Content(Vec<PathBuf>),
    /// A template or static file of the theme.
    Theme,
    /// site.toml.
    Config,
}

/// The site as served: replaced whole after every rebuild, so a request
/// never sees a half-built site.
#[derive(Debug)]
pub struct Snapshot {
    /// Counts rebuilds; the live-reload stream sends it.
    pub generation: u64,
    /// Path inside the site (`incidents/x/index.html`) → bytes.
    pub files: output::Site,
    pub archive: Archive,
    /// The configuration it was built with (for reading search queries).
    pub config: Config,
    /// Why the last rebuild failed (a broken template or site.toml), shown
    /// on every page until it is fixed; the pages are the last good ones.
    pub error: Option<String>,
    /// How long the rebuild took, and how many pages it rendered.
    pub took: Duration,
    pub rendered: usize,
    /// The summaries of the whole archive, rendered when first asked for.
    summaries: OnceLock<Result<output::Site, String>>,
    /// Each incident by its page path (`incidents/x/`), made when a page
    /// is first served (not on every save).
    pages: OnceLock<HashMap<String, usize>>,
}

impl Snapshot {
    /// Nothing built yet: what the first rebuild starts from.
    pub fn empty(config: &Config) -> Snapshot {
        Snapshot {
            generation: 0,
            files: HashMap::new(),
            archive: Archive::default(),
            config: config.clone(),
            error: None,
            took: Duration::ZERO,
            rendered: 0,
            summaries: OnceLock::new(),
            pages: OnceLock::new(),
        }
    }

    /// The warnings and errors of the page at `page` (`incidents/x/`),
    /// for its overlay: computed when the page is served, not for every
    /// incident on every save.
    pub fn notices(&self, page: &str) -> Vec<Finding> {
        let pages = self.pages.get_or_init(|| {
            let urls = Urls::new("/");
            let page_of = |p: &Postmortem| urls.incident(&p.id).trim_start_matches('/').to_string();
            self.archive.incidents.iter().enumerate().map(|(i, p)| (page_of(p), i)).collect()
        });
        let Some(p) = pages.get(page).map(|&i| &self.archive.incidents[i]) else { return Vec::new() };
        let mut found: Vec<Finding> = crate::check::incident_findings(p, &self.config)
            .into_iter()
            .chain(self.archive.findings.iter().filter(|f| f.source == p.source).cloned())
            .filter(|f| f.diagnostic.severity >= Severity::Warning)
            .collect();
        found.sort_by_key(|f| f.diagnostic.line);
        found
    }

    /// A file that sums up the whole archive (`stats/index.html`,
    /// `archive.json`…): any save changes them, so they are rendered from
    /// this snapshot when one is first asked for, not on every save.
    /// `Ok(None)` for a path that is no summary.
    pub fn summary(&self, file: &str) -> Result<Option<Bytes>, String> {
        let files = self.summaries.get_or_init(|| {
            let memory = Memory::default();
            Site::new(&self.archive, &self.config, &memory, None)
                .and_then(|site| site.render(Scope::Summaries, &|| {}))
                .map(|_| memory.into_files())
                .map_err(|err| err.to_string())
        });
        files.as_ref().map(|files| files.get(file).cloned()).map_err(Clone::clone)
    }
}

/// One file read again: the hash of its bytes and, when they changed,
/// its new model.
struct FileRead {
    source: String,
    stamp: build::Stamp,
    outcome: Result<(u64, Option<Postmortem>), Diagnostic>,
}

/// What the search index lacks of the archive last built.
enum Unindexed {
    /// The incidents at these indices changed or came; these ids went.
    Some { changed: Vec<crate::archive::IncidentIndex>, removed: Vec<String> },
    /// Anything: the whole archive is compared with the index.
    All,
}

/// A content file as last read.
struct Cached {
    /// Size and modification time, to skip unchanged files on a rescan.
    stamp: build::Stamp,
    /// Hash of the bytes: a save that changes nothing re-renders nothing.
    hash: u64,
    postmortem: Arc<Postmortem>,
}

pub struct Preview {
    config: Config,
    /// `--content`, when it replaces site.toml's folder.
    content: Option<PathBuf>,
    base_url: String,
    drafts: bool,
    files: BTreeMap<String, Cached>,
    /// Counts the changes to `files` (a model came, changed or went): with
    /// the assets and problems, it tells a save that changed nothing
    /// without hashing every file's path.
    files_changed: u64,
    assets: Vec<ContentFile>,
    problems: Vec<FileProblem>,
    /// Page keys of the last render (see `render::Memo`).
    keys: HashMap<String, u64>,
    /// Each incident's version in the archive last built (see `render::Memo`).
    versions: Vec<u64>,
    /// Whether the pages served are those of the archive served (false
    /// after a render failed): only then can a page be carried over untouched.
    pages_current: bool,
    /// Whether the last rebuild ran to its end (not while one runs, nor
    /// after one panicked): only then is the archive served the one the
    /// files read so far make, which a save can patch.
    settled: bool,
    generation: u64,
    /// Why site.toml could not be read, until it can: the previous
    /// configuration stays in use meanwhile.
    config_error: Option<String>,
    /// The search index: related incidents come from it, and it follows
    /// every rebuild. `None` when it could not be opened.
    index: Option<Arc<SearchIndex>>,
    unindexed: Unindexed,
}

impl Preview {
    /// A preview of the archive `config` describes; nothing is read until
    /// the first [`Preview::rebuild`]. `base_url` is where the server listens.
    pub fn new(
        config: Config,
        content: Option<PathBuf>,
        base_url: String,
        drafts: bool,
        index: Option<Arc<SearchIndex>>,
    ) -> Preview {
        let mut preview = Preview {
            config,
            content,
            base_url,
            drafts,
            files: BTreeMap::new(),
            files_changed: 0,
            assets: Vec::new(),
            problems: Vec::new(),
            keys: HashMap::new(),
            versions: Vec::new(),
            pages_current: false,
            settled: false,
            generation: 0,
            config_error: None,
            index,
            unindexed: Unindexed::All,
        };
        preview.config.base_url = preview.base_url.clone();
        preview
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The content folder, as the watcher names it (absolute, resolved).
    pub fn content_dir(&self) -> PathBuf {
        let dir = self.content.clone().unwrap_or_else(|| self.config.content_dir.clone());
        std::fs::canonicalize(&dir).unwrap_or(dir)
    }

    /// Apply `changes` and render what they touch; `previous` is the
    /// snapshot being served. `None` when nothing the site is built from
    /// changed (a save without edits, an editor's temporary file). Never
    /// fails: a broken template or site.toml keeps the previous pages and
    /// reports itself in the snapshot.
    pub fn rebuild(&mut self, changes: &[Change], previous: &Snapshot) -> Option<Snapshot> {
        let started = Instant::now();
        let settled = std::mem::replace(&mut self.settled, false) && previous.generation == self.generation;
        let before = self.sources_digest();
        let first = self.generation == 0;
        let mut rescan = first;
        if changes.contains(&Change::Config) {
            match Config::load(&self.config.root) {
                Ok(mut config) => {
                    config.base_url = self.base_url.clone();
                    self.config = config;
                    self.config_error = None;
                    // Synonyms and rules may have changed: read everything again.
                    self.files.clear();
                    self.files_changed += 1;
                    self.keys.clear();
                    rescan = true;
                }
                Err(err) => self.config_error = Some(format!("site.toml: {err}")),
            }
        }
        let mut error = self.config_error.clone();
        if changes.contains(&Change::Theme) {
            self.keys.clear();
        }
        let paths: Vec<&PathBuf> =
            changes.iter().flat_map(|c| if let Change::Content(paths) = c { paths.as_slice() } else { &[] }).collect();
        let reparsed = if rescan { None } else { self.read_changed(&paths) };
        if reparsed.is_none() {
            self.rescan();
        }
        let only_content = !changes.iter().any(|c| matches!(c, Change::Theme | Change::Config));
        if only_content && self.generation > 0 && self.sources_digest() == before {
            self.settled = settled;
            return None;
        }
        self.generation += 1;
        let patched =
            (reparsed.filter(|_| only_content && settled)).and_then(|sources| self.patch(&previous.archive, &sources));
        let (mut archive, changed) = match patched {
            Some((archive, changed)) => (archive, Some(changed)),
            None => {
                let archive = self.assemble();
                let changed = changed(&previous.archive, &archive);
                (archive, changed)
            }
        };
        if let Err(err) = self.relate(&mut archive, &previous.archive, first, changed.as_deref()) {
            error = Some(err.to_string());
        }
        self.versions = self.versions(&archive, changed.as_deref());
        // Pages carried over untouched must be those of the archive served.
        let touched = changed
            .as_deref()
            .filter(|_| only_content && self.pages_current && !self.keys.is_empty())
            .and_then(|changed| crate::render::touched::touched(&previous.archive, &archive, changed));
        let memory = Memory::after(previous.files.clone());
        let memo = Memo { versions: &self.versions, previous: &self.keys, touched: touched.as_ref() };
        let rendered = Site::new(&archive, &self.config, &memory, Some(memo))
            .and_then(|site| site.render(Scope::Pages, &|| {}).map(|rendered| (rendered, site.keys())));
        self.pages_current = rendered.is_ok();
        let (files, rendered) = match rendered {
            Ok((rendered, keys)) => {
                match touched {
                    Some(_) => self.keys.extend(keys),
                    None => self.keys = keys,
                }
                (memory.into_files(), rendered.pages)
            }
            Err(err) => {
                error = Some(err.to_string());
                (previous.files.clone(), 0)
            }
        };
        let config = self.config.clone();
        self.settled = true;
        Some(Snapshot {
            generation: self.generation,
            files,
            archive,
            config,
            error,
            took: started.elapsed(),
            rendered,
            summaries: OnceLock::new(),
            pages: OnceLock::new(),
        })
    }

    /// Related incidents: an incident whose file did not change keeps its
    /// list from the previous archive; the others (and every one, on the
    /// first build) ask the index. So a preview does not re-rank the whole
    /// archive on every save: an unchanged incident's list is not updated
    /// for an incident that became similar to it (a build does that).
    /// Notes what the index lacks, for [`Preview::update_index`].
    fn relate(
        &mut self,
        archive: &mut Archive,
        previous: &Archive,
        first: bool,
        changed: Option<&[bool]>,
    ) -> Result<(), crate::build::BuildError> {
        let Some(index) = self.index.clone() else { return Ok(()) };
        if first {
            // Its first build: the index may hold an older archive, or none.
            self.unindexed = Unindexed::All;
            self.update_index(archive)?;
        }
        let mut fresh = Vec::new();
        let mut removed = Vec::new();
        if let Some(changed) = changed {
            // The common save: every incident where it was, so each kept
            // list stands as it is, without looking ids up.
            archive.related.clone_from(&previous.related);
            fresh = (0..changed.len()).filter(|&i| changed[i]).collect();
        } else {
            let now: HashMap<&str, usize> =
                archive.incidents.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
            let before: HashMap<&str, usize> =
                previous.incidents.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
            for (i, p) in archive.incidents.iter().enumerate() {
                let kept = before.get(p.id.as_str()).filter(|&&j| Arc::ptr_eq(&previous.incidents[j], p));
                match kept {
                    Some(&j) => {
                        archive.related[i] = previous.related[j]
                            .iter()
                            .filter_map(|&r| now.get(previous.incidents[r].id.as_str()).copied())
                            .collect();
                    }
                    None => fresh.push(i),
                }
            }
            removed = before.keys().filter(|id| !now.contains_key(*id)).map(|id| id.to_string()).collect();
        }
        if !first {
            self.unindexed = match &self.unindexed {
                Unindexed::Some { changed, removed: went } if changed.is_empty() && went.is_empty() => {
                    Unindexed::Some { changed: fresh.clone(), removed }
                }
                // An update of the index was missed: compare it all.
                _ => Unindexed::All,
            };
        }
        for (i, related) in index.related(archive, fresh)? {
            archive.related[i] = related.into();
        }
        Ok(())
    }

    /// Each incident's version (its file's hash and its id): only the
    /// changed ones hashed again when every incident is where it was.
    fn versions(&mut self, archive: &Archive, changed: Option<&[bool]>) -> Vec<u64> {
        let version = |p: &Postmortem| build::hash_of((self.files.get(&p.source).map(|c| c.hash), &p.id));
        match changed {
            Some(changed) if self.versions.len() == changed.len() => {
                let mut versions = std::mem::take(&mut self.versions);
                for (i, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
                    versions[i] = version(&archive.incidents[i]);
                }
                versions
            }
            _ => archive.incidents.par_iter().map(|p| version(p)).collect(),
        }
    }

    /// Bring the search index up to date with `archive`, the archive of the
    /// last rebuild (after it was served: searches follow a moment later
    /// than pages): only the incidents that changed, unless an earlier
    /// update failed. It waits for a build or a search updating the same
    /// index, as they wait for it.
    pub fn update_index(&mut self, archive: &Archive) -> Result<(), crate::build::BuildError> {
        let Some(index) = &self.index else { return Ok(()) };
        let unindexed = std::mem::replace(&mut self.unindexed, Unindexed::All);
        let _lock = crate::build::lock_index(&self.config)?;
        // Noted as from no known files: the preview follows edits that may
        // not be saved yet, so `coroner search` checks the files again.
        let sources = crate::sources::Sources::unknown();
        let dir = &self.config.index_dir;
        match &unindexed {
            Unindexed::All => drop(crate::search::update(dir, &archive.incidents, &sources)?),
            Unindexed::Some { changed, removed } => {
                crate::search::update_incidents(dir, archive, changed, removed, &sources)?
            }
        }
        index.reload()?;
        self.unindexed = Unindexed::Some { changed: Vec::new(), removed: Vec::new() };
        Ok(())
    }

    /// Changes with anything the archive is assembled from.
    fn sources_digest(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        self.files_changed.hash(&mut h);
        for asset in &self.assets {
            asset.source.hash(&mut h);
        }
        for problem in &self.problems {
            (&problem.source, &problem.diagnostic.message).hash(&mut h);
        }
        h.finish()
    }

    /// Whether `path`, a file or folder of the content folder, stands as
    /// the archive last read it: a path it does not read (skipped, not
    /// content), a content file read at its size and time now, or nothing
    /// on either side. A change seen there needs no rebuild.
    pub fn as_read(&self, path: &std::path::Path) -> bool {
        let dir = self.content_dir();
        if !path.starts_with(&dir) {
            return false;
        }
        let source = build::relative(&dir, path);
        if source.split('/').any(|part| build::is_skipped(part.as_bytes())) {
            return true;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => {
                let content = path
                    .file_name()
                    .is_some_and(|name| build::is_content(name.as_encoded_bytes(), &self.config.extensions));
                !content || self.files.get(&source).is_some_and(|c| c.stamp == Some(build::stamp_of(&meta)))
            }
            Ok(_) => false,
            Err(_) => {
                let folder = format!("{source}/");
                !self.files.contains_key(&source)
                    && self.files.range(folder.clone()..).next().is_none_or(|(s, _)| !s.starts_with(&folder))
            }
        }
    }

    /// Re-read the content files at `paths`; the files whose model is new.
    /// `None` when only a full rescan can tell what changed (a folder
    /// moved, a file of another kind came).
    fn read_changed(&mut self, paths: &[&PathBuf]) -> Option<Vec<String>> {
        let dir = self.content_dir();
        let mut read = Vec::new();
        for path in paths {
            if !path.starts_with(&dir) {
                continue;
            }
            let source = build::relative(&dir, path);
            if source.is_empty() || source.split('/').any(|part| build::is_skipped(part.as_bytes())) {
                continue;
            }
            let is_content = path
                .file_name()
                .is_some_and(|name| build::is_content(name.as_encoded_bytes(), &self.config.extensions));
            let metadata = std::fs::metadata(path);
            // Through a link out of the content folder: only a rescan
            // tells it (and reports it), nothing is read from there.
            if metadata.is_ok() && !std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(&dir)) {
                return None;
            }
            match metadata {
                Ok(meta) if meta.is_file() && is_content => {
                    read.push(ContentFile { path: path.to_path_buf(), source, stamp: Some(build::stamp_of(&meta)) })
                }
                Ok(_) => {
                    // A folder, or another kind of file: attachments are
                    // found by discovery; a known one is read at render.
                    if !self.assets.iter().any(|a| a.source == source) {
                        return None;
                    }
                }
                Err(_) => {
                    let folder = format!("{source}/");
                    let before = self.files.len();
                    self.files.retain(|s, _| *s != source && !s.starts_with(&folder));
                    if self.files.len() == before && self.assets.iter().any(|a| a.source == source) {
                        return None;
                    }
                    self.files_changed += u64::from(self.files.len() != before);
                }
            }
        }
        Some(self.read(read))
    }

    /// Discover the content folder again; read only the files whose size or
    /// modification time changed.
    fn rescan(&mut self) {
        let discovered = match build::discover(&self.content_dir(), &self.config.extensions) {
            Ok(discovered) => discovered,
            Err(err) => {
                self.files.clear();
                self.files_changed += 1;
                let diagnostic = Diagnostic::error("no-content", 0, err.to_string());
                self.problems = vec![FileProblem { source: self.content_dir().display().to_string(), diagnostic }];
                return;
            }
        };
        let kept: std::collections::HashSet<&str> = discovered.files.iter().map(|f| f.source.as_str()).collect();
        let before = self.files.len();
        self.files.retain(|source, _| kept.contains(source.as_str()));
        self.files_changed += u64::from(self.files.len() != before);
        let changed = discovered
            .files
            .into_iter()
            .filter(|f| self.files.get(&f.source).is_none_or(|c| c.stamp.is_none() || c.stamp != f.stamp))
            .collect();
        self.assets = discovered.assets;
        self.problems = discovered.problems;
        self.read(changed);
    }

    /// Read and parse `files` in parallel, keeping the cached model of any
    /// whose bytes did not change; the files whose model is new.
    fn read(&mut self, files: Vec<ContentFile>) -> Vec<String> {
        let reader = Reader::new(&self.config);
        let cache = &self.files;
        let results: Vec<FileRead> = files
            .into_par_iter()
            .map(|file| {
                let stamp = file.stamp;
                let outcome = std::fs::read(&file.path)
                    .map(|bytes| {
                        let hash = build::hash_of(&bytes);
                        let unchanged = cache.get(&file.source).is_some_and(|c| c.hash == hash);
                        (hash, (!unchanged).then(|| reader.parse(&file.source, &bytes)))
                    })
                    .map_err(|err| build::unreadable(&err));
                FileRead { source: file.source, stamp, outcome }
            })
            .collect();
        let mut reparsed = Vec::new();
        for FileRead { source, stamp, outcome } in results {
            self.problems.retain(|p| p.source != source);
            match outcome {
                Ok((hash, Some(postmortem))) => {
                    reparsed.push(source.clone());
                    self.files.insert(source, Cached { stamp, hash, postmortem: Arc::new(postmortem) });
                    self.files_changed += 1;
                }
                Ok((_, None)) => {
                    if let Some(cached) = self.files.get_mut(&source) {
                        cached.stamp = stamp;
                    }
                }
                Err(diagnostic) => {
                    self.files_changed += u64::from(self.files.remove(&source).is_some());
                    self.problems.push(FileProblem { source, diagnostic });
                }
            }
        }
        self.problems.sort_by(|a, b| a.source.cmp(&b.source));
        reparsed
    }

    /// `previous` with the models of the files at `sources` put in,
    /// when they are files it was assembled from and the patch can take
    /// them (see [`Archive::patched`]): no file came or went. With it, per
    /// incident, whether its model is new.
    fn patch(&self, previous: &Archive, sources: &[String]) -> Option<(Archive, Vec<bool>)> {
        if self.files.len() != previous.incidents.len() + previous.drafts_skipped {
            return None;
        }
        let models: Vec<(&str, &Arc<Postmortem>)> =
            sources.iter().map(|s| Some((s.as_str(), &self.files.get(s)?.postmortem))).collect::<Option<_>>()?;
        // A save names a file or two: comparing with each is cheaper than
        // hashing every incident's source.
        let edits: Vec<(usize, Arc<Postmortem>)> = (previous.incidents.par_iter().enumerate())
            .filter_map(|(i, p)| models.iter().find(|(s, _)| *s == p.source).map(|(_, m)| (i, Arc::clone(m))))
            .collect();
        // A file not in `previous`: a draft, or one that came.
        if edits.len() != models.len() {
            return None;
        }
        let mut changed = vec![false; previous.incidents.len()];
        for (i, _) in &edits {
            changed[*i] = true;
        }
        let archive = previous.patched(edits, &self.assets, &self.config, archive::Options { drafts: self.drafts })?;
        Some((archive, changed))
    }

    fn assemble(&self) -> Archive {
        let mut ingested = Ingested {
            postmortems: self.files.values().map(|c| c.postmortem.clone()).collect(),
            assets: self.assets.clone(),
            problems: self.problems.clone(),
        };
        build::add_theme_problems(&self.config, &mut ingested.problems);
        Archive::assemble(ingested, &self.config, archive::Options { drafts: self.drafts })
    }
}

/// Per incident, whether its model is new since `previous` (its file
/// changed); `None` unless every incident is where it was, under its id.
fn changed(previous: &Archive, archive: &Archive) -> Option<Vec<bool>> {
    let (before, now) = (&previous.incidents, &archive.incidents);
    let same_places = before.len() == now.len() && before.iter().zip(now).all(|(p, q)| p.id == q.id);
    same_places.then(|| before.par_iter().zip(now).map(|(p, q)| !Arc::ptr_eq(p, q)).collect())
}
