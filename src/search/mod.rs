//! The tantivy index behind `coroner search`: one document per incident,
//! kept beside the site (never inside the published output) and updated
//! incrementally — an incident is re-indexed only when its digest changed.

mod query;
mod related;
pub mod static_index;
mod stemming;

use crate::archive::Archive;
use crate::model::Postmortem;
use crate::sources::Sources;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use tantivy::collector::{FacetCollector, TopDocs};
use tantivy::query::{AllQuery, Query};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, Index, IndexWriter, Order, TantivyDocument, Term};

pub use query::Parsed;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index in {path}: {source}; delete that folder to rebuild it")]
    Index { path: std::path::PathBuf, source: tantivy::TantivyError },
}

/// The index's fields, by name.
#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    digest: Field,
    title: Field,
    root_cause: Field,
    body: Field,
    tags: Field,
    services: Field,
    severity: Field,
    kind: Field,
    date: Field,
    duration: Field,
    /// `/tag/<tag>` and `/service/<service>`, for `--facets`.
    facets: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        digest: builder.add_text_field("digest", STRING | STORED),
        title: builder.add_text_field("title", stemmed(true)),
        root_cause: builder.add_text_field("root_cause", stemmed(true)),
        body: builder.add_text_field("body", stemmed(true)),
        tags: builder.add_text_field("tags", STRING | STORED),
        services: builder.add_text_field("services", STRING | STORED),
        severity: builder.add_text_field("severity", STRING | STORED),
        kind: builder.add_text_field("kind", STRING | STORED),
        date: builder.add_date_field("date", INDEXED | FAST | STORED),
        duration: builder.add_u64_field("duration", INDEXED | FAST | STORED),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
    };
    (builder.build(), fields)
}

/// What an update did, for the build's and search's messages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Updated {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// The file in the index folder holding the sources the index was last
/// updated from (see `crate::sources`).
const SOURCES_FILE: &str = "coroner-sources";

/// What an incident's document holds, as a number: change it with
/// `document`, so that an index made by an older build of the same
/// version is brought up to date although no source changed.
pub const DOCUMENT_FORMAT: u32 = 2;

/// Bring the index in `dir` up to date with an archive's `incidents`: add
/// new ones, re-index changed ones (delete by id, add), drop removed ones.
/// Then note `sources`, what the archive was read from (see
/// `crate::sources`).
pub fn update(dir: &Path, incidents: &[Arc<Postmortem>], sources: &Sources) -> Result<Updated, SearchError> {
    let error = |source| SearchError::Index { path: dir.to_path_buf(), source };
    let (index, fields) = open(dir).map_err(error)?;
    // The same analysis as tantivy's own `en_stem`, but each indexing
    // thread stems a form once, not at every occurrence.
    index.tokenizers().register("en_stem", stemming::en_stem());
    // What is indexed is read once the writer is ours: another coroner
    // updating the same index first has committed by then, so its new
    // incidents are not added a second time.
    let mut writer = writer(&index).map_err(error)?;
    let known = digests(&index, fields).map_err(error)?;
    let mut updated = Updated::default();
    let mut seen = std::collections::HashSet::new();
    for p in incidents {
        let digest = digest(p);
        seen.insert(p.id.as_str());
        match known.get(&p.id) {
            Some(old) if *old == digest => continue,
            Some(_) => {
                writer.delete_term(Term::from_field_text(fields.id, &p.id));
                updated.changed += 1;
            }
            None => updated.added += 1,
        }
        writer.add_document(document(p, &digest, fields)).map_err(error)?;
    }
    for id in known.keys().filter(|id| !seen.contains(String::as_str(id))) {
        writer.delete_term(Term::from_field_text(fields.id, id));
        updated.removed += 1;
    }
    if updated != Updated::default() {
        writer.commit().map_err(error)?;
    }
    save_sources(dir, sources)?;
    Ok(updated)
}

/// Re-index the incidents of `archive` at `changed` and drop the ids in
/// `removed`: what the preview knows a save changed, so that the update
/// costs what changed, not what the archive holds (`update` reads every
/// digest). Then note `sources`.
pub fn update_incidents(
    dir: &Path,
    archive: &Archive,
    changed: &[crate::archive::IncidentIndex],
    removed: &[String],
    sources: &Sources,
) -> Result<(), SearchError> {
    let error = |source| SearchError::Index { path: dir.to_path_buf(), source };
    let (index, fields) = open(dir).map_err(error)?;
    index.tokenizers().register("en_stem", stemming::en_stem());
    let mut writer = writer_with(&index, 1, SMALL_WRITER).map_err(error)?;
    // Each call commits a segment of a few incidents: merge those among
    // themselves, never into the archive's large segments, which would
    // copy thousands of incidents again every few saves.
    let mut merges = tantivy::indexer::LogMergePolicy::default();
    merges.set_max_docs_before_merge(SMALL_SEGMENT);
    writer.set_merge_policy(Box::new(merges));
    for id in removed {
        writer.delete_term(Term::from_field_text(fields.id, id));
    }
    for p in changed.iter().filter_map(|&i| archive.incidents.get(i)) {
        writer.delete_term(Term::from_field_text(fields.id, &p.id));
        writer.add_document(document(p, &digest(p), fields)).map_err(error)?;
    }
    if !changed.is_empty() || !removed.is_empty() {
        writer.commit().map_err(error)?;
    }
    save_sources(dir, sources)
}

/// The memory of a writer for a few incidents (tantivy's least).
const SMALL_WRITER: usize = 15_000_000;
/// The most incidents a segment may hold for [`update_incidents`] to merge it.
const SMALL_SEGMENT: usize = 1_000;

/// What the index in `dir` was last updated from, as saved; `None` when
/// nothing was.
pub fn saved_sources(dir: &Path) -> Option<Vec<u8>> {
    std::fs::read(sources_path(dir)).ok()
}

/// Where [`save_sources`] saves them, for a watcher to see them saved again.
pub(crate) fn sources_path(dir: &Path) -> std::path::PathBuf {
    dir.join(SOURCES_FILE)
}

/// Note `sources` as what the index in `dir` holds (see [`update`]).
pub fn save_sources(dir: &Path, sources: &Sources) -> Result<(), SearchError> {
    write_aside(&sources_path(dir), &sources.encode())
        .map_err(|e| SearchError::Index { path: dir.to_path_buf(), source: e.into() })
}

/// Write `bytes` beside `path`, then rename: a reader sees the old file or
/// the new one, never half of one.
fn write_aside(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{}", std::process::id()));
    std::fs::write(&aside, bytes).and_then(|()| std::fs::rename(&aside, path))
}

/// The index's writer. Another coroner (a build beside a search) may hold
/// it for a moment: wait up to ten seconds rather than fail.
///
/// Two threads of 100 MB each index 10,000 incidents into two segments
/// (tantivy's default of 50 MB in all made four or five): every segment
/// costs each related-incidents query a term lookup per word, which made
/// that step about twice as slow.
fn writer(index: &Index) -> tantivy::Result<IndexWriter> {
    writer_with(index, 2, 200_000_000)
}

/// [`writer`] with `threads` and `memory` bytes in all, after the files
/// of a killed writer are cleared.
fn writer_with(index: &Index, threads: usize, memory: usize) -> tantivy::Result<IndexWriter> {
    let mut attempts = 0;
    loop {
        match index.writer_with_num_threads(threads, memory) {
            Err(tantivy::TantivyError::LockFailure(..)) if attempts < 100 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Ok(writer) => {
                // A writer killed while it committed leaves files no commit
                // names (a `.del` file): one of the same name would be made
                // again, and refused as already there.
                writer.garbage_collect_files().wait()?;
                return Ok(writer);
            }
            result => return result,
        }
    }
}

/// Open the index, or create it; an index with another schema (from an
/// older coroner) is rebuilt from scratch. Two coroners creating it at
/// once is fine: the second opens what the first created.
fn open(dir: &Path) -> tantivy::Result<(Index, Fields)> {
    let (schema, fields) = schema();
    if let Ok(index) = Index::open_in_dir(dir) {
        if index.schema() == schema {
            return Ok((index, fields));
        }
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    match Index::create_in_dir(dir, schema) {
        Err(tantivy::TantivyError::IndexAlreadyExists) => Ok((Index::open_in_dir(dir)?, fields)),
        created => Ok((created?, fields)),
    }
}

/// A reader that sees new commits only when told ([`SearchIndex::reload`]):
/// tantivy's default watches the index with two threads of its own, which
/// a single `coroner search` would start and stop for nothing.
fn reader(index: &Index) -> tantivy::Result<tantivy::IndexReader> {
    index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()
}

/// id → digest of every indexed incident. An id indexed more than once
/// (two updates racing on an empty index, before `update` read it under
/// the writer) gets no digest, so that it is indexed again, once.
fn digests(index: &Index, fields: Fields) -> tantivy::Result<HashMap<String, String>> {
    let searcher = reader(index)?.searcher();
    let limit = (searcher.num_docs() as usize).max(1);
    let mut out = HashMap::new();
    for (_, address) in searcher.search(&AllQuery, &TopDocs::with_limit(limit).order_by_score())? {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
        out.entry(text(fields.id)).and_modify(|digest: &mut String| digest.clear()).or_insert(text(fields.digest));
    }
    Ok(out)
}

/// Changes whenever anything searchable about the incident does.
fn digest(p: &Postmortem) -> String {
    hex_digest((
        (&p.display_title, &p.root_cause, &p.text, &p.headings, &p.tags, &p.services, &p.severity, &p.keywords),
        (p.kind, p.date.map(|d| d.to_string()), p.duration_minutes, &p.source),
    ))
}

/// `value`'s hash as 16 hex digits, as the digests kept beside the index
/// are written.
fn hex_digest(value: impl Hash) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn document(p: &Postmortem, digest: &str, f: Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &p.id);
    doc.add_text(f.digest, digest);
    doc.add_text(f.title, &p.display_title);
    // Headings are searched like the title; snippets quote the body, which
    // is prose only (see `Postmortem::text`), never markup or a heading.
    for heading in &p.headings {
        doc.add_text(f.title, heading);
    }
    doc.add_text(f.root_cause, p.root_cause.as_deref().unwrap_or(""));
    doc.add_text(f.body, &p.text);
    for keyword in &p.keywords {
        doc.add_text(f.body, keyword);
    }
    for tag in &p.tags {
        doc.add_text(f.tags, tag);
        doc.add_facet(f.facets, Facet::from_path([FACET_TAG, tag.as_str()]));
    }
    for service in &p.services {
        let service = service.to_lowercase();
        doc.add_facet(f.facets, Facet::from_path([FACET_SERVICE, service.as_str()]));
        doc.add_text(f.services, service);
    }
    if let Some(sev) = &p.severity {
        doc.add_text(f.severity, sev);
    }
    doc.add_text(f.kind, format!("{:?}", p.kind).to_lowercase());
    if let Some(date) = p.date {
        doc.add_date(f.date, day(date));
    }
    if let Some(minutes) = p.duration_minutes {
        doc.add_u64(f.duration, u64::from(minutes));
    }
    doc
}

/// Midnight UTC of a civil date, as tantivy stores dates.
fn day(date: jiff::civil::Date) -> DateTime {
    let seconds = date.to_zoned(jiff::tz::TimeZone::UTC).map_or(0, |z| z.timestamp().as_second());
    DateTime::from_timestamp_secs(seconds)
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Date,
}

/// One result.
#[derive(Debug, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub tags: Vec<String>,
    pub services: Vec<String>,
    pub severity: Option<String>,
    pub duration_minutes: Option<u64>,
    /// Where the match is, with `[` `]` around the matched words.
    pub snippet: Option<String>,
}

/// Results, and a note when the query had to be read leniently.
#[derive(Debug, Serialize)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub notes: Vec<String>,
    /// Over every match, not only the hits shown; when asked for.
    pub facets: Option<Facets>,
}

impl Found {
    /// What `coroner search --format json` prints, and `/api/search`
    /// answers: the list of hits, or with facets asked for, the whole
    /// object (hits, notes, facets).
    pub fn to_json(&self) -> serde_json::Value {
        let value = if self.facets.is_some() { serde_json::to_value(self) } else { serde_json::to_value(&self.hits) };
        value.unwrap_or_default()
    }
}

/// How many matching incidents have each tag and service, most first.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Facets {
    pub tags: Vec<(String, u64)>,
    pub services: Vec<(String, u64)>,
}

const FACET_TAG: &str = "tag";
const FACET_SERVICE: &str = "service";

/// What to ask of the index beside the query.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub limit: usize,
    pub sort: Sort,
    pub facets: bool,
}

/// An open index, to answer many queries without opening it again.
pub struct SearchIndex {
    dir: std::path::PathBuf,
    index: Index,
    reader: tantivy::IndexReader,
    fields: Fields,
    /// What [`SearchIndex::related`] last learnt of which document is
    /// which incident, for the next call (the preview's, on every save).
    addresses: std::sync::Mutex<related::Addresses>,
}

impl SearchIndex {
    /// Open the index in `dir`, or create an empty one.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let error = |source| SearchError::Index { path: dir.to_path_buf(), source };
        let (index, fields) = open(dir).map_err(error)?;
        SearchIndex::with_reader(dir, index, fields).map_err(error)
    }

    /// The index in `dir` as it is; `None` when there is none, or only
    /// one of another coroner's schema (which `update` rebuilds).
    pub fn open_existing(dir: &Path) -> Option<SearchIndex> {
        let index = Index::open_in_dir(dir).ok()?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return None;
        }
        SearchIndex::with_reader(dir, index, fields).ok()
    }

    fn with_reader(dir: &Path, index: Index, fields: Fields) -> tantivy::Result<SearchIndex> {
        let reader = reader(&index)?;
        Ok(SearchIndex { dir: dir.to_path_buf(), index, reader, fields, addresses: Default::default() })
    }

    /// See the index's latest commit now, not at the reader's next poll.
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload().map_err(|source| SearchError::Index { path: self.dir.clone(), source })
    }

    /// Run a parsed query.
    pub fn search(&self, parsed: &Parsed, options: Options) -> Result<Found, SearchError> {
        let error = |source| SearchError::Index { path: self.dir.clone(), source };
        let (fields, searcher) = (self.fields, self.reader.searcher());
        let mut notes = parsed.notes.clone();
        let mut query = parsed.query(&self.index, fields, false);
        let mut addresses = run(&searcher, &*query, options, parsed.has_words()).map_err(error)?;
        if addresses.is_empty() && parsed.has_words() {
            // Typos never fail: nothing matched, so try words one or two edits away.
            query = parsed.query(&self.index, fields, true);
            addresses = run(&searcher, &*query, options, true).map_err(error)?;
            if !addresses.is_empty() {
                notes.push("no exact match; showing incidents with similar words".into());
            }
        }
        let facets = if options.facets { Some(facets(&searcher, &*query).map_err(error)?) } else { None };
        let snippets =
            [fields.root_cause, fields.body].map(|field| SnippetGenerator::create(&searcher, &*query, field).ok());
        let mut hits = Vec::new();
        for (rank, (score, address)) in addresses.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(address).map_err(error)?;
            let all = |field| doc.get_all(field).filter_map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>();
            let first = |field| doc.get_first(field).and_then(|v| v.as_str().map(str::to_string));
            let snippet =
                snippets.iter().flatten().map(|g| g.snippet_from_doc(&doc)).find(|s| !s.highlighted().is_empty());
            hits.push(Hit {
                rank: rank + 1,
                score,
                id: first(fields.id).unwrap_or_default(),
                title: first(fields.title).unwrap_or_default(),
                date: doc
                    .get_first(fields.date)
                    .and_then(|v| v.as_datetime())
                    .and_then(|d| jiff::Timestamp::from_second(d.into_timestamp_secs()).ok())
                    .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string()),
                tags: all(fields.tags),
                services: all(fields.services),
                severity: first(fields.severity),
                duration_minutes: doc.get_first(fields.duration).and_then(|v| v.as_u64()),
                snippet: snippet.map(|s| marked(&s)),
            });
        }
        Ok(Found { hits, notes, facets })
    }
}

/// Tag and service counts over every document `query` matches.
fn facets(searcher: &tantivy::Searcher, query: &dyn Query) -> tantivy::Result<Facets> {
    let mut collector = FacetCollector::for_field("facets");
    collector.add_facet(Facet::from_path([FACET_TAG]));
    collector.add_facet(Facet::from_path([FACET_SERVICE]));
    let counts = searcher.search(query, &collector)?;
    let top = |parent: &str| {
        let mut values: Vec<(String, u64)> = counts
            .get(Facet::from_path([parent]))
            .map(|(facet, count)| (facet.to_path().last().map_or_else(String::new, |v| v.to_string()), count))
            .collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        values
    };
    Ok(Facets { tags: top(FACET_TAG), services: top(FACET_SERVICE) })
}

/// Relevance when there are words, else newest first.
fn run(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    options: Options,
    has_words: bool,
) -> tantivy::Result<Vec<(f32, tantivy::DocAddress)>> {
    let limit = options.limit.max(1);
    if options.sort == Sort::Relevance && has_words {
        return searcher.search(query, &TopDocs::with_limit(limit).order_by_score());
    }
    let by_date = TopDocs::with_limit(limit).order_by_fast_field::<DateTime>("date", Order::Desc);
    Ok(searcher.search(query, &by_date)?.into_iter().map(|(_, address)| (0.0, address)).collect())
}

/// A snippet with its matches in brackets, on one line.
fn marked(snippet: &tantivy::snippet::Snippet) -> String {
    let text = snippet.fragment();
    let mut out = String::new();
    let mut at = 0;
    for range in snippet.highlighted() {
        out.push_str(&text[at..range.start]);
        out.push('[');
        out.push_str(&text[range.clone()]);
        out.push(']');
        at = range.end;
    }
    out.push_str(&text[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
