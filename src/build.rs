//! The pipeline in one place: discover the content files, parse them in
//! parallel, assemble the archive, render it and swap the output in. Used
//! by every command that reads an archive.

use crate::archive::{self, Archive};
use crate::config::Config;
pub use crate::content::{ContentFile, Discovered, FileProblem, Ingested, Stamp, symlink_outside};
use crate::content::{FolderStamp, WalkedFolder};
use crate::content::{outside_target, real_root};
pub(crate) use crate::content::{stamp, stamp_of};
use crate::diagnostics::Diagnostic;
use crate::ingest::Reader;
use crate::ingest::cache::Cache;
use crate::model::Postmortem;
use crate::render::output::Staging;
use crate::render::{Memo, RenderError, Rendered, Site};
use crate::search::SearchIndex;
use crate::search::static_index;
use crate::sources::Sources;
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("content directory {0} does not exist; pass --content DIR or create it")]
    NoContent(PathBuf),
    #[error("refusing to build into {0}: it holds the site or its content and would be replaced; pass --output DIR")]
    UnsafeOutput(PathBuf),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

/// How many files are stamped at a time while the walk goes on.
const STAMP_BATCH: usize = 256;

/// Walk `dir` for files with one of `extensions`, skipping hidden and
/// `_`-prefixed files and folders. Sorted, so output never depends on the
/// file system's order. A single file is accepted as its own content.
pub fn discover(dir: &Path, extensions: &[String]) -> Result<Discovered, BuildError> {
    if !dir.exists() {
        return Err(BuildError::NoContent(dir.to_path_buf()));
    }
    let mut found = Discovered::default();
    if dir.is_file() {
        let name = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
        found.files.push(ContentFile { path: dir.to_path_buf(), source: name, stamp: stamp(dir) });
        return Ok(found);
    }
    // Links are followed only where they stay inside the content folder:
    // one that leaves it is not read, and is reported instead.
    let root = real_root(dir);
    let walked = std::time::SystemTime::now();
    let outside = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(dir).follow_links(true).into_iter().filter_entry(|e| {
        if e.depth() == 0 || is_skipped(file_name(e)) {
            return e.depth() == 0;
        }
        if e.path_is_symlink()
            && let Some(target) = outside_target(e.path(), &root)
        {
            outside.borrow_mut().push(FileProblem {
                source: relative(dir, e.path()),
                diagnostic: symlink_outside(&target, "content folder"),
            });
            return false;
        }
        true
    });
    // The walk goes on while the files found so far are stamped on the
    // pool's threads: at 10,000 files the stats are as long as the walk,
    // and most of what `coroner search` does before it searches.
    let stamped = std::sync::Mutex::new(Vec::new());
    rayon::in_place_scope(|scope| {
        let stamp_all = |mut batch: Vec<(ContentFile, bool)>| {
            let stamped = &stamped;
            scope.spawn(move |_| {
                stamp_in_folders(&mut batch);
                stamped.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(batch);
            });
        };
        let mut batch = Vec::with_capacity(STAMP_BATCH);
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let has_extension = is_content(file_name(&entry), extensions);
                    let source = walked_source(dir, entry.path());
                    batch.push((ContentFile { path: entry.into_path(), source, stamp: None }, has_extension));
                    if batch.len() == STAMP_BATCH {
                        stamp_all(std::mem::replace(&mut batch, Vec::with_capacity(STAMP_BATCH)));
                    }
                }
                Ok(entry) if entry.file_type().is_dir() => {
                    let source = if entry.depth() == 0 { String::new() } else { walked_source(dir, entry.path()) };
                    found.folders.push(WalkedFolder { source, stamp: FolderStamp::of(entry.path(), walked) });
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or_else(|| dir.to_path_buf());
                    let diagnostic = if err.loop_ancestor().is_some() {
                        Diagnostic::warning("symlink-loop", 0, "symbolic link loop; the folder was read once")
                            .with_help("remove the link that points back to a parent folder")
                    } else if let Some(target) = outside_target(&path, &root) {
                        // A broken link that would lead out of the folder.
                        symlink_outside(&target, "content folder")
                    } else {
                        unreadable(&err)
                    };
                    found.problems.push(FileProblem { source: relative(dir, &path), diagnostic });
                }
            }
        }
        stamp_all(batch);
    });
    found.problems.append(&mut outside.into_inner());
    for (file, has_extension) in
        stamped.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).into_iter().flatten()
    {
        if has_extension { found.files.push(file) } else { found.assets.push(file) }
    }
    // In the order of a walk that sorts each folder by name, with one key
    // per file: walkdir's sorting compares names some 130,000 times at
    // 10,000 files, parsing both paths each time (a sixth of `coroner
    // search`). A separator sorts before any other byte, as a folder's
    // end comes before a longer name.
    let key = |file: &ContentFile| -> Vec<u8> {
        let path = file.path.as_os_str().as_encoded_bytes();
        path.iter().map(|&b| if std::path::is_separator(char::from(b)) { 0 } else { b }).collect()
    };
    found.files.sort_by_cached_key(key);
    found.assets.sort_by_cached_key(key);
    found.problems.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(found)
}

/// An entry's name, as `walkdir::DirEntry::file_name` gives it, without
/// parsing the path into components (a walk asks for it two or three
/// times per file).
fn file_name(entry: &walkdir::DirEntry) -> &[u8] {
    let path = entry.path().as_os_str().as_encoded_bytes();
    path.rsplit(|&b| std::path::is_separator(char::from(b))).next().unwrap_or(path)
}

/// Hidden and `_`-prefixed files and folders are not part of the archive.
pub(crate) fn is_skipped(name: &[u8]) -> bool {
    name.first().is_some_and(|b| *b == b'.' || *b == b'_')
}

/// Whether a file of this name is a postmortem (one of `extensions`), not
/// an attachment.
pub(crate) fn is_content(name: &[u8], extensions: &[String]) -> bool {
    let extension = name.iter().rposition(|&b| b == b'.').filter(|&dot| dot > 0).map(|dot| &name[dot + 1..]);
    extension.is_some_and(|e| extensions.iter().any(|x| x.as_bytes().eq_ignore_ascii_case(e)))
}

/// The diagnostic of a file that cannot be read at all.
pub fn unreadable(err: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error("unreadable", 0, format!("cannot read: {err}")).with_help("check the file's permissions")
}

/// `path` inside `root`, `/`-separated: a content file's `source`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A walked file's `source`, as [`relative`] gives it but from the bytes:
/// walkdir joins each name onto the root as given, so there is no
/// component to parse.
fn walked_source(root: &Path, path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    match bytes.strip_prefix(root.as_os_str().as_encoded_bytes()) {
        Some(rest) => {
            let rest = match rest.first() {
                Some(&b) if std::path::is_separator(char::from(b)) => &rest[1..],
                _ => rest,
            };
            let source = String::from_utf8_lossy(rest);
            if std::path::MAIN_SEPARATOR == '/' { source.into_owned() } else { source.replace('\\', "/") }
        }
        None => relative(root, path),
    }
}

/// Read and parse every file in parallel. The result is sorted by source
/// path whatever the thread count.
pub fn ingest(config: &Config, discovered: Discovered) -> Ingested {
    ingest_cached(config, discovered, None).0
}

/// [`ingest`], taking the model of a file whose bytes did not change from
/// `cache`; with the hash of each postmortem's bytes, in the same order
/// (what tells a build which incidents changed since the last one), and
/// how many files were parsed, not taken from `cache`.
fn ingest_cached(config: &Config, discovered: Discovered, cache: Option<&Cache>) -> (Ingested, Vec<u64>, usize) {
    let reader = Reader::new(config);
    let parsed = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(Arc<Postmortem>, u64), FileProblem>> = discovered
        .files
        .par_iter()
        .map(|file| match std::fs::read(&file.path) {
            Ok(bytes) => {
                let hash = hash_of(&bytes);
                let model = cache.and_then(|cache| cache.get(&file.source, hash)).unwrap_or_else(|| {
                    parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Arc::new(reader.parse(&file.source, &bytes))
                });
                Ok((model, hash))
            }
            Err(err) => Err(FileProblem { source: file.source.clone(), diagnostic: unreadable(&err) }),
        })
        .collect();
    let mut ingested = Ingested {
        postmortems: Vec::with_capacity(results.len()),
        assets: discovered.assets,
        problems: discovered.problems,
    };
    let mut hashes = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok((p, hash)) => {
                hashes.push(hash);
                ingested.postmortems.push(p);
            }
            Err(problem) => ingested.problems.push(problem),
        }
    }
    ingested.problems.sort_by(|a, b| a.source.cmp(&b.source));
    (ingested, hashes, parsed.into_inner())
}

/// Discover and parse the content directory of `config`, or `content`
/// when given (a folder or a single file).
pub fn read_archive(config: &Config, content: Option<&Path>) -> Result<Ingested, BuildError> {
    let dir = content.map_or_else(|| config.content_dir.clone(), Path::to_path_buf);
    let discovered = discover(&dir, &config.extensions)?;
    let mut ingested = ingest(config, discovered);
    add_theme_problems(config, &mut ingested.problems);
    Ok(ingested)
}

/// The theme's links that lead out of the site folder (not read), beside
/// the content's problems.
pub fn add_theme_problems(config: &Config, problems: &mut Vec<FileProblem>) {
    problems.extend(crate::render::theme::Theme::outside_links(&config.root, &config.theme));
    problems.sort_by(|a, b| a.source.cmp(&b.source));
}

/// What the search index is built from (see [`Sources`]): the coroner
/// version and what it indexes, site.toml, the content folder, the drafts
/// flag, each content file's name and stamp (taken by `discover`), and the
/// folders walked, so that `coroner search` can tell that its index is
/// current without parsing the archive, or even walking it, again.
pub fn fingerprint(config: &Config, content: &Path, discovered: &Discovered, drafts: bool) -> Sources {
    Sources::of(sources_key(config, content, drafts), discovered)
}

/// What the search index depends on beside the content files (see [`fingerprint`]).
pub(crate) fn sources_key(config: &Config, content: &Path, drafts: bool) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (env!("CARGO_PKG_VERSION"), crate::search::DOCUMENT_FORMAT, drafts, std::path::absolute(content).ok())
        .hash(&mut hasher);
    stamp(&config.root.join(crate::config::FILE_NAME)).hash(&mut hasher);
    hasher.finish()
}

/// Stamp files that come folder by folder, from a handle on each folder:
/// one name to look up per file instead of every folder on its path.
fn stamp_in_folders(files: &mut [(ContentFile, bool)]) {
    #[cfg(unix)]
    {
        use rustix::fs::{AtFlags, Mode, OFlags};
        use std::os::unix::ffi::OsStrExt;
        let mut folder: Option<(&[u8], rustix::fd::OwnedFd)> = None;
        for (file, _) in files.iter_mut() {
            // Split at the last `/` (a walk's paths end in a name): parsing
            // each path into components for its parent and name showed in
            // profiles of `coroner search` beside the `stat` itself.
            let bytes = file.path.as_os_str().as_bytes();
            let Some(slash) = bytes.iter().rposition(|&b| b == b'/').filter(|&i| i + 1 < bytes.len()) else {
                file.stamp = stamp(&file.path);
                continue;
            };
            let (parent, name) = (&bytes[..slash.max(1)], std::ffi::OsStr::from_bytes(&bytes[slash + 1..]));
            if folder.as_ref().is_none_or(|(open, _)| *open != parent) {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                let opened = rustix::fs::open(std::ffi::OsStr::from_bytes(parent), flags, Mode::empty());
                folder = opened.ok().map(|fd| (parent, fd));
            }
            file.stamp = match &folder {
                Some((_, fd)) => rustix::fs::statat(fd, name, AtFlags::empty())
                    .ok()
                    .and_then(|st| crate::content::stamp_of_stat(&st)),
                None => stamp(&file.path),
            };
        }
    }
    #[cfg(not(unix))]
    for (file, _) in files.iter_mut() {
        file.stamp = stamp(&file.path);
    }
}

/// Run `query` on the search index in `config.index_dir` as it holds the
/// archive on disk: the archive is parsed and re-indexed only when its
/// files changed, and the second value says what that update did. The
/// query runs on the index as it is while the files are looked at (each
/// against the listing saved beside the index, or by discovery when the
/// listing cannot tell), and again only if the index had to be brought up
/// to date.
pub fn search_current<T: Send>(
    config: &Config,
    content: Option<&Path>,
    query: impl Fn(&SearchIndex) -> Result<T, crate::search::SearchError> + Sync,
) -> Result<(T, Option<crate::search::Updated>), BuildError> {
    let dir = content.map_or_else(|| config.content_dir.clone(), Path::to_path_buf);
    // Read before the index is opened: a build that commits in between
    // leaves a listing older than the index, which sends this search to
    // discovery, never the other way round.
    let saved = crate::search::saved_sources(&config.index_dir).unwrap_or_default();
    let (existing, current) = rayon::join(
        || SearchIndex::open_existing(&config.index_dir).map(|index| query(&index)),
        || {
            // A running preview that vouches for the index saves the `stat`s.
            let key = sources_key(config, &dir, false);
            if crate::watching::vouched(&config.index_dir, key) || crate::sources::unchanged(&saved, key, &dir) {
                return Ok(None);
            }
            discover(&dir, &config.extensions).map(|d| Some((fingerprint(config, &dir, &d, false), d)))
        },
    );
    let (found, current) = match (existing, current?) {
        (Some(found), None) => return Ok((found?, None)),
        (found, Some(current)) => (found, current),
        // The listing vouched for the files, but there is no index.
        (None, None) => (None, discover(&dir, &config.extensions).map(|d| (fingerprint(config, &dir, &d, false), d))?),
    };
    let (sources, discovered) = current;
    match found {
        Some(found) if sources.same_archive(&saved) => {
            // The same files, but a folder's stamp changed (an editor's
            // file came and went): note the new listing, for a quick check
            // next time.
            if sources.encode() != saved {
                let _lock = lock_index(config)?;
                crate::search::save_sources(&config.index_dir, &sources)?;
            }
            Ok((found?, None))
        }
        _ => {
            let _lock = lock_index(config)?;
            let mut phases = Phases::new();
            let (ingested, hashed, cache) = ingest_kept(config, discovered, &mut phases);
            let updated = std::thread::scope(|threads| {
                // What was parsed is kept for the next search or build,
                // as a build keeps it: a search alone then parses only
                // what changed too.
                threads.spawn(|| cache.save(&hashed));
                let (incidents, _) = Archive::incidents(ingested.postmortems, archive::Options::default());
                phases.done("order");
                let updated = crate::search::update(&config.index_dir, &incidents, &sources);
                phases.done("search index");
                updated
            })?;
            Ok((query(&SearchIndex::open(&config.index_dir)?)?, Some(updated)))
        }
    }
}

/// The search index to oneself until dropped (see [`crate::lock`]):
/// builds, searches that bring it up to date and the preview's updates.
pub(crate) fn lock_index(config: &Config) -> Result<crate::lock::Lock, crate::lock::LockError> {
    let dir = &config.index_dir;
    crate::lock::lock_beside(dir, || {
        eprintln!("waiting for another coroner updating the search index {}", dir.display())
    })
}

/// What `coroner build` was asked to do, beyond site.toml.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Content folder instead of site.toml's.
    pub content: Option<PathBuf>,
    /// Output folder instead of site.toml's `output_dir`.
    pub output: Option<PathBuf>,
    /// Publish drafts too.
    pub drafts: bool,
}

/// A finished build, for the summary line and the diagnostics.
pub struct Built {
    pub archive: Archive,
    pub rendered: Rendered,
    pub output: PathBuf,
    /// Time spent writing the static search index (for the benchmark).
    pub static_search: std::time::Duration,
}

/// The whole pipeline: read, assemble, update the search index and find
/// related incidents in it, render into a staging folder, swap it in. `progress` advances once per incident
/// page (pass `ProgressBar::hidden()` for none). Content problems are in the archive's
/// findings; only an unusable theme or output folder is an error.
pub fn build_site(config: &Config, options: &BuildOptions, progress: &ProgressBar) -> Result<Built, BuildError> {
    let output = options.output.clone().unwrap_or_else(|| config.output_dir.clone());
    let content = options.content.clone().unwrap_or_else(|| config.content_dir.clone());
    refuse_unsafe_output(&output, &content, &config.root)?;
    // Another build into the same output, or of the same search index,
    // finishes first: two at once would swap half-built folders.
    let _output_lock =
        crate::lock::lock_beside(&output, || eprintln!("waiting for another build of {}", output.display()))?;
    let _index_lock = lock_index(config)?;
    let mut phases = Phases::new();
    let discovered = discover(&content, &config.extensions)?;
    let fingerprint = fingerprint(config, &content, &discovered, options.drafts);
    phases.done("discover");
    let (mut ingested, hashed, cache) = ingest_kept(config, discovered, &mut phases);
    // By source: the archive orders incidents its own way.
    let hashes: HashMap<&str, u64> = hashed.iter().map(|(hash, p)| (p.source.as_str(), *hash)).collect();
    std::thread::scope(|threads| {
        // The models are kept for the next build while this one goes on
        // (at 10,000 incidents, writing them all took 0.8 s).
        threads.spawn(|| cache.save(&hashed));
        add_theme_problems(config, &mut ingested.problems);
        let mut archive = Archive::assemble(ingested, config, archive::Options { drafts: options.drafts });
        phases.done("assemble");
        // The search index lives beside the site and follows every build;
        // the pages' related incidents come from it, so it is updated first.
        crate::search::update(&config.index_dir, &archive.incidents, &fingerprint)?;
        phases.done("search index");
        let related = SearchIndex::open(&config.index_dir)?.related_all(&archive, hash_of(coroner_itself()))?;
        archive.related = related.into_iter().map(Into::into).collect();
        phases.done("related");
        progress.set_length(archive.incidents.len() as u64);
        let salt = render_salt(config, options, &output)?;
        let staging = Staging::begin(&output, &config.index_dir.join(PAGES_FILE), salt).map_err(RenderError::from)?;
        phases.done("staging");
        // What each incident shows of itself changes with its bytes, its id and
        // its path; the render memo keeps every page none of whose incidents
        // changed, as the published file has it.
        let versions: Vec<u64> =
            archive.incidents.iter().map(|p| hash_of((hashes.get(p.source.as_str()), &p.id, &p.source))).collect();
        let memo = Memo { versions: &versions, previous: staging.previous_keys(), touched: None };
        let site = Site::new(&archive, config, &staging, Some(memo))?;
        // The static search index is written beside the pages, from the
        // word counts the last build kept.
        let counts_file = config.index_dir.join(COUNTS_FILE);
        let counts_salt = hash_of(coroner_itself());
        let (rendered, counts, static_search) = std::thread::scope(|threads| {
            let writing_index = threads.spawn(|| {
                let started = std::time::Instant::now();
                let previous = || static_index::Kept::load(&counts_file, counts_salt);
                site.write_search_index(previous).map(|written| (written, started.elapsed()))
            });
            let rendered = site.render_all(&|| progress.inc(1));
            let written = writing_index.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let (mut rendered, ((files, counts), static_search)) = (rendered?, written?);
            rendered.files += files;
            Ok::<_, RenderError>((rendered, counts, static_search))
        })?;
        let keys = site.keys();
        progress.finish_and_clear();
        phases.done("render");
        phases.note("static index", static_search);
        staging.commit(keys, salt).map_err(RenderError::from)?;
        // Kept only once the shards they name are published. Without them
        // the next build counts every incident again: not an error.
        if let Some(counts) = counts {
            let _ = static_index::save(&counts_file, counts_salt, &counts);
        }
        phases.done("commit");
        Ok(Built { archive, rendered, output, static_search })
    })
}

/// [`ingest_cached`] with the models kept beside the search index by the
/// last build or search, which a file whose bytes did not change gets
/// back; with each postmortem's hash and model, for the cache's `save`.
fn ingest_kept(
    config: &Config,
    discovered: Discovered,
    phases: &mut Phases,
) -> (Ingested, Vec<(u64, Arc<Postmortem>)>, Cache) {
    let cache = Cache::load(&config.index_dir.join(MODELS_DIR), parse_salt(config));
    phases.done("read models");
    let (ingested, hashes, parsed) = ingest_cached(config, discovered, Some(&cache));
    phases.done("parse");
    phases.count("parsed", parsed, ingested.postmortems.len());
    let hashed = hashes.into_iter().zip(ingested.postmortems.iter().cloned()).collect();
    (ingested, hashed, cache)
}

/// The folder beside the search index that keeps the models of the last
/// build or search (see `ingest::cache`).
const MODELS_DIR: &str = "coroner-models";

/// Changes with everything a model depends on beyond its file's bytes:
/// coroner and site.toml (its rules and synonyms).
fn parse_salt(config: &Config) -> u64 {
    let site_toml = std::fs::read(config.root.join(crate::config::FILE_NAME)).ok();
    hash_of((coroner_itself(), site_toml))
}

/// The file beside the search index that keeps each incident's word
/// counts and the static index's shards for the next build (see
/// `search::static_index`): never published.
const COUNTS_FILE: &str = "coroner-word-counts";

/// The file beside the search index that keeps each page's render key for
/// the next build (see `render::output::Staging`): never published.
const PAGES_FILE: &str = "coroner-pages";

/// Changes with everything every page depends on beyond its render key:
/// the output folder (the keys are of its files), coroner itself (see [`coroner_itself`]: its binary holds the default
/// theme), site.toml, the base URL and drafts flag as given, and the
/// theme's files. A page rendered under another salt is rendered again.
fn render_salt(config: &Config, options: &BuildOptions, output: &Path) -> Result<u64, RenderError> {
    let theme = crate::render::theme::Theme::load(&config.root, &config.theme)?;
    let site_toml = std::fs::read(config.root.join(crate::config::FILE_NAME)).ok();
    let output = std::path::absolute(output).ok();
    Ok(hash_of((output, coroner_itself(), site_toml, &config.base_url, options.drafts, &theme.files)))
}

/// A value's hash, for what tells whether something changed between two
/// builds or two saves (a file's bytes, an incident's version).
pub(crate) fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Coroner itself, for what a build keeps for the next one: its version,
/// and its binary's size and mtime, which change with any new build of it
/// (the version alone does not, between releases).
fn coroner_itself() -> impl Hash {
    (env!("CARGO_PKG_VERSION"), std::env::current_exe().ok().and_then(|exe| stamp(&exe)))
}

/// Each phase's wall time on stderr when `CORONER_TIMINGS=1`: what a
/// build spends where, without a profiler.
struct Phases {
    last: Option<std::time::Instant>,
}

impl Phases {
    fn new() -> Phases {
        let on = std::env::var_os("CORONER_TIMINGS").is_some_and(|v| v == "1");
        Phases { last: on.then(std::time::Instant::now) }
    }

    /// A part of the last phase, timed where it ran.
    fn note(&self, part: &str, took: std::time::Duration) {
        if self.last.is_some() {
            eprintln!("{:>14}: {:7.2} s", format!("({part})"), took.as_secs_f64());
        }
    }

    /// How many of `of` files a phase did something to, as `CORONER_TIMINGS`
    /// tells it: what tests see of the work saved without timing it.
    fn count(&self, what: &str, done: usize, of: usize) {
        if self.last.is_some() {
            eprintln!("{what:>14}: {done} of {of} files");
        }
    }

    fn done(&mut self, phase: &str) {
        if let Some(last) = &mut self.last {
            eprintln!("{phase:>14}: {:7.2} s", last.elapsed().as_secs_f64());
            *last = std::time::Instant::now();
        }
    }
}

/// Building replaces the output folder: never let that be the site's root
/// or a folder holding the content.
fn refuse_unsafe_output(output: &Path, content: &Path, root: &Path) -> Result<(), BuildError> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (output_abs, content_abs, root_abs) = (absolute(output), absolute(content), absolute(root));
    if content_abs.starts_with(&output_abs) || root_abs.starts_with(&output_abs) {
        return Err(BuildError::UnsafeOutput(output.to_path_buf()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_lists_each_folder_by_name_as_a_sorted_walk_would() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["b.md", "a.md", "a-b/y.MD", "a/x.md", "a/_draft.md", ".git/z.md", "a/img.png", "c.txt"] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "# x\n").unwrap();
        }
        let found = discover(dir.path(), &["md".into(), "txt".into()]).unwrap();
        let sources = |files: &[ContentFile]| files.iter().map(|f| f.source.clone()).collect::<Vec<_>>();
        // `a` before `a-b` before `a.md`: a folder's files come before any
        // longer name that starts with the folder's.
        assert_eq!(sources(&found.files), ["a/x.md", "a-b/y.MD", "a.md", "b.md", "c.txt"]);
        assert_eq!(sources(&found.assets), ["a/img.png"]);
        // The root as a user types it: with a trailing `/`, or `./`.
        let root = dir.path().to_str().unwrap();
        for written in [format!("{root}/"), format!("{root}/./"), format!("{root}/a/..")] {
            let again = discover(Path::new(&written), &["md".into(), "txt".into()]).unwrap();
            assert_eq!(sources(&again.files), sources(&found.files), "{written}");
            let relatives: Vec<_> = again.files.iter().map(|f| relative(Path::new(&written), &f.path)).collect();
            assert_eq!(relatives, sources(&found.files), "{written}");
        }
    }

    #[test]
    fn discovery_stamps_each_file_as_its_metadata_tells_so_a_rescan_compares() {
        let dir = tempfile::tempdir().unwrap();
        // More files than one batch, in two folders, so that stamps come
        // from several handles on several threads.
        for i in 0..STAMP_BATCH + 3 {
            let path = dir.path().join(if i % 2 == 0 { "2024" } else { "2025" }).join(format!("{i:04}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x".repeat(i)).unwrap();
        }
        let found = discover(dir.path(), &["md".into()]).unwrap();
        assert_eq!(found.files.len(), STAMP_BATCH + 3);
        for file in &found.files {
            assert_eq!(file.stamp, stamp(&file.path), "{}", file.source);
            assert!(file.stamp.is_some_and(|(_, modified)| modified.is_some()), "{}", file.source);
        }
        let before = fingerprint(&Config::default_for(dir.path()), dir.path(), &found, false);
        std::fs::write(dir.path().join("2024/0000.md"), "changed").unwrap();
        let again = discover(dir.path(), &["md".into()]).unwrap();
        assert_ne!(fingerprint(&Config::default_for(dir.path()), dir.path(), &again, false), before);
    }
}
