//! The static search index: what the published search page fetches to
//! search with no server. It is made from the same analysis as the tantivy
//! index (tantivy's own tokenizer, lower-caser and English stemmer), so
//! both tiers find the same incidents for the same words, and cut into
//! small files so that a query downloads only what it needs:
//!
//! - `index.json`, the manifest: where each shard starts;
//! - `words/*.txt`, the dictionary, by written form: each form and its
//!   stem, so the browser needs no stemmer and can suggest close words;
//! - `terms/*.bin`, the postings, by stem: the incidents each stem is in,
//!   with a score;
//! - `filters/*.bin`, per filter (root cause, service, severity, year), the
//!   incidents of each value, fetched only once a filter is used;
//! - `doc/N.json`, one result each: what a result row shows, and its text
//!   to quote an excerpt from.
//!
//! Shards are cut where a key's hash says so (once past a minimum size),
//! not every so many bytes, and named by their content: editing one
//! postmortem changes only the shards its words fall in. Incidents are
//! numbered from the oldest, so a new incident takes the next number and
//! the others keep theirs. See docs/output.md for the formats.
//!
//! A build keeps each incident's word counts and the shards it published
//! (`word_counts`): the next one counts only the incidents whose text
//! changed, compares the records their words are in before and after, and
//! cuts again only the shards holding a record that changed, keeping the
//! others; what it publishes is what a build from nothing would.

mod word_counts;

use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
pub use word_counts::{Kept, save};
use word_counts::{Tf, varint};

/// The folder of the output the index is published in.
pub const FOLDER: &str = "search/data";

/// What one incident gives the index, in three fields that weigh as in
/// `coroner search`: the title and headings 3, the root cause 2, the
/// prose and keywords 1.
pub struct Searchable<'a> {
    pub title: Vec<&'a str>,
    pub root_cause: &'a str,
    pub body: Vec<&'a str>,
}

const BOOSTS: [f32; 3] = [3.0, 2.0, 1.0];

/// One filter of the search page (`tag`, `service`…): each value with the
/// incidents that have it, as indices in archive order.
pub struct Filter<'a> {
    pub name: &'static str,
    pub values: Vec<(&'a str, &'a [usize])>,
}

/// Shards are cut after a key whose hash is a multiple of this, once past
/// [`SHARD_MIN`] bytes, and always at [`SHARD_MAX`]: about 20 kB on
/// average (22 kB at 10,000 incidents), and a manifest entry each.
const CUT_EVERY: u64 = 256;
const SHARD_MIN: usize = 6_000;
const SHARD_MAX: usize = 40_000;

/// A record whose incidents take fewer bytes as a bitmap (an eighth of a
/// byte each) than as gaps keeps the bitmap, and scores only its best
/// [`DENSE_TOP`].
const DENSE_TOP: usize = 100;

/// BM25's usual constants, as tantivy uses them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// An incident's excerpt is quoted from at most this much of its text.
const FRAGMENT_TEXT: usize = 12_000;

/// The analysis tantivy's `en_stem` does, up to the stemmer: the written
/// forms, which the dictionary maps to stems.
fn forms_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
}

/// tantivy's `en_stem` itself.
fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Where the index's files go: a path inside the output, and its bytes.
pub type Put<'a, E> = dyn Fn(&str, &[u8]) -> Result<(), E> + Sync + 'a;

/// The path of the i-th of `n` incidents' result file.
pub fn result_path(n: usize, i: usize) -> String {
    format!("{FOLDER}/doc/{}.json", n - 1 - i)
}

/// Write the result file of each of `n` incidents (in archive order)
/// through `put`: `fragment(i)` is the JSON of the i-th incident's result,
/// or none when its published file stands. Returns the number written.
/// Apart from [`write`]: a result depends on its incident alone, so an
/// edit to one incident makes one result again, not all of them.
pub fn write_results<E: Send>(
    n: usize,
    fragment: &(dyn Fn(usize) -> Option<serde_json::Map<String, serde_json::Value>> + Sync),
    put: &Put<'_, E>,
) -> Result<usize, E> {
    (0..n)
        .into_par_iter()
        .map(|i| {
            let Some(mut fields) = fragment(i) else { return Ok(0) };
            if let Some(serde_json::Value::String(text)) = fields.get_mut("text") {
                truncate_at_char(text, FRAGMENT_TEXT);
            }
            let json = serde_json::to_vec(&fields).unwrap_or_default();
            put(&result_path(n, i), &json).map(|()| 1)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Where [`write`] puts the index: `put` writes a file (a path inside the
/// output, its bytes); `keep` keeps one as the previous build published
/// it, when it still stands as published (false when it cannot).
pub struct Output<'a, E> {
    pub put: &'a Put<'a, E>,
    pub keep: &'a (dyn Fn(&str) -> bool + Sync + 'a),
}

/// Write the rest of the index (the dictionary, postings and filter
/// shards and the manifest); `docs` are in archive order. With the
/// counts the `previous` build kept, only the incidents whose text
/// changed are counted again, and only the shards whose records changed
/// are made again: the others are kept. Returns the number of files
/// written (not kept), and what to keep for the next build (see [`save`]).
pub fn write<E: Send>(
    docs: &[Searchable],
    filters: &[Filter],
    previous: Option<&Kept>,
    output: &Output<'_, E>,
) -> Result<(usize, Vec<u8>), E> {
    let n = docs.len();
    let number = |i: usize| (n - 1 - i) as u32;
    let analysis = analyse(docs, previous);
    let scoring = Scoring::new(n, analysis.lengths.iter().copied());
    let changes = previous.map(|previous| Changes::between(previous, &analysis, &scoring));
    let mut manifest = serde_json::Map::new();
    let mut files = 0;
    let mut kept_shards: [Vec<(String, String)>; 2] = Default::default();
    let words = Dictionary::of(&analysis);
    let terms = Postings::of(&analysis, &scoring);
    let kinds: [(&str, &str, &dyn Records); 2] = [("words", "txt", &words), ("terms", "bin", &terms)];
    for (k, (kind, extension, records)) in kinds.into_iter().enumerate() {
        let old: &[(String, String)] = previous.map_or(&[], |p| &p.shards[k]);
        let affected = match &changes {
            Some(changes) => changes.affected(k, old),
            None => Vec::new(),
        };
        let (shards, made) = cut(kind, extension, records, old, &affected, output)?;
        files += made;
        manifest
            .insert(kind.to_string(), shards.iter().map(|(first, name)| serde_json::json!([first, name])).collect());
        kept_shards[k] = shards;
    }
    let mut filter_files = serde_json::Map::new();
    for filter in filters {
        let mut bytes = Vec::new();
        for (value, incidents) in &filter.values {
            let mut numbers: Vec<u32> = incidents.iter().map(|&i| number(i)).collect();
            numbers.sort_unstable();
            encode(&mut bytes, value, &numbers, None, n);
        }
        let name = format!("filters/{}-{}.bin", filter.name, content_name(&bytes));
        (output.put)(&format!("{FOLDER}/{name}"), &bytes)?;
        filter_files.insert(filter.name.to_string(), name.into());
        files += 1;
    }
    manifest.insert("filters".into(), filter_files.into());
    manifest.insert("docs".into(), n.into());
    manifest.insert("scale".into(), serde_json::json!(scoring.scale));
    (output.put)(&format!("{FOLDER}/index.json"), &serde_json::to_vec(&manifest).unwrap_or_default())?;
    let body =
        word_counts::body(&analysis.forms, &analysis.stems, (n, &analysis.kept), [&kept_shards[0], &kept_shards[1]]);
    Ok((files + 1, body))
}

/// Every written form, its stem, and per form the incidents it is in with
/// how often per field; each incident's field lengths, for BM25; and
/// each incident's digest and block, as the next build keeps them.
struct Analysis {
    forms: Vec<String>,
    stems: Vec<String>,
    postings: Vec<Vec<(u32, Tf)>>,
    lengths: Vec<[u32; 3]>,
    /// The incidents as [`word_counts::incident`] wrote them, and where
    /// each one's block is.
    kept: Vec<u8>,
    blocks: Vec<(u64, Range<usize>)>,
}

impl Analysis {
    /// Incident `number`'s forms and counts, decoded into `words`.
    fn block(&self, number: usize, words: &mut Vec<(u32, Tf)>) {
        word_counts::decode_block(&self.kept[self.blocks[number].1.clone()], self.forms.len(), words);
    }
}

/// A digest of what an incident gives the index: the counts of one whose
/// digest the previous build kept are read back, not counted again.
fn digest(doc: &Searchable) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    (&doc.title, doc.root_cause, &doc.body).hash(&mut hasher);
    hasher.finish()
}

fn analyse(docs: &[Searchable], previous: Option<&Kept>) -> Analysis {
    let n = docs.len();
    let mut analysis = Analysis {
        forms: Vec::new(),
        stems: Vec::new(),
        postings: Vec::new(),
        lengths: Vec::new(),
        kept: Vec::new(),
        blocks: Vec::new(),
    };
    let mut ids: HashMap<String, u32> = HashMap::new();
    // The previous build's forms keep their ids, so its blocks hold.
    if let Some(previous) = previous {
        for (id, (form, stem)) in previous.forms.iter().enumerate() {
            ids.insert(form.clone(), id as u32);
            analysis.forms.push(form.clone());
            analysis.stems.push(stem.clone());
            analysis.postings.push(Vec::new());
        }
    }
    let kept_forms = analysis.forms.len();
    let known: HashMap<u64, usize> = previous
        .map(|p| p.incidents.iter().enumerate().map(|(number, (digest, _))| (*digest, number)).collect())
        .unwrap_or_default();
    let numbered: Vec<usize> = (0..n).rev().collect();
    let mut words = Vec::new();
    // In slices, so that only a slice's counts are held at once; merged
    // in incident number order, so every form's postings come sorted.
    for slice in numbered.chunks(2_048) {
        let digests: Vec<u64> = slice.par_iter().map(|&i| digest(&docs[i])).collect();
        let counted: Vec<Option<Counted>> = slice
            .par_iter()
            .zip(&digests)
            .map_init(forms_analyzer, |analyzer, (&i, digest)| {
                (!known.contains_key(digest)).then(|| count(analyzer, &docs[i]))
            })
            .collect();
        for ((number, digest), counted) in (analysis.lengths.len() as u32..).zip(digests).zip(counted) {
            let old = known.get(&digest).and_then(|&old| {
                let previous = previous?;
                let lengths = previous.block(old, &mut words)?;
                Some((lengths, previous.raw_block(old)))
            });
            let counted_block;
            let (lengths, block) = match old {
                Some((lengths, raw)) => (lengths, raw),
                // Counted now (or kept unreadably, which is counted here).
                None => {
                    let (lengths, counts) =
                        counted.unwrap_or_else(|| count(&mut forms_analyzer(), &docs[n - 1 - number as usize]));
                    words.clear();
                    for (form, tf) in counts {
                        let id = *ids.entry(form).or_insert_with_key(|form| {
                            analysis.forms.push(form.clone());
                            analysis.postings.push(Vec::new());
                            (analysis.forms.len() - 1) as u32
                        });
                        words.push((id, tf));
                    }
                    words.sort_unstable_by_key(|&(id, _)| id);
                    counted_block = word_counts::encode_block(lengths, &words);
                    (lengths, counted_block.as_slice())
                }
            };
            analysis.lengths.push(lengths);
            for &(id, tf) in &words {
                analysis.postings[id as usize].push((number, tf));
            }
            let range = word_counts::incident(&mut analysis.kept, digest, block);
            analysis.blocks.push((digest, range));
        }
    }
    let new_stems: Vec<String> = analysis.forms[kept_forms..]
        .par_iter()
        .map_init(stem_analyzer, |analyzer, form| stem(analyzer, form))
        .collect();
    analysis.stems.extend(new_stems);
    analysis
}

/// One incident's field lengths, and its forms with their count per field.
type Counted = ([u32; 3], Vec<(String, Tf)>);

fn count(analyzer: &mut TextAnalyzer, doc: &Searchable) -> Counted {
    let mut counts: HashMap<String, Tf> = HashMap::new();
    let mut lengths = [0u32; 3];
    let fields: [&[&str]; 3] = [&doc.title, std::slice::from_ref(&doc.root_cause), &doc.body];
    for (field, texts) in fields.iter().enumerate() {
        for text in texts.iter() {
            let mut stream = analyzer.token_stream(text);
            while let Some(token) = stream.next() {
                lengths[field] += 1;
                match counts.get_mut(token.text.as_str()) {
                    Some(tf) => tf[field] = tf[field].saturating_add(1),
                    None => {
                        let mut tf = [0; 3];
                        tf[field] = 1;
                        counts.insert(token.text.clone(), tf);
                    }
                }
            }
        }
    }
    (lengths, counts.into_iter().collect())
}

fn stem(analyzer: &mut TextAnalyzer, form: &str) -> String {
    let mut stream = analyzer.token_stream(form);
    match stream.next() {
        Some(token) => token.text.clone(),
        None => form.to_string(),
    }
}

/// The records of one kind of shard, by key in browser order.
trait Records: Sync {
    fn keys(&self) -> &[&str];
    /// The record of the key at `place` in [`Records::keys`].
    fn record(&self, place: usize) -> Vec<u8>;
}

/// The dictionary's records: a form alone when it is its own stem, else
/// the form, a tab and the stem; one per line. Forms no incident has any
/// more are left out.
struct Dictionary<'a> {
    keys: Vec<&'a str>,
    stems: Vec<&'a str>,
}

impl<'a> Dictionary<'a> {
    fn of(analysis: &'a Analysis) -> Dictionary<'a> {
        let mut order: Vec<usize> = (0..analysis.forms.len()).filter(|&id| !analysis.postings[id].is_empty()).collect();
        order.par_sort_unstable_by(|&a, &b| browser_order(&analysis.forms[a], &analysis.forms[b]));
        Dictionary {
            keys: order.iter().map(|&id| analysis.forms[id].as_str()).collect(),
            stems: order.iter().map(|&id| analysis.stems[id].as_str()).collect(),
        }
    }
}

impl Records for Dictionary<'_> {
    fn keys(&self) -> &[&str] {
        &self.keys
    }

    fn record(&self, place: usize) -> Vec<u8> {
        let (form, stem) = (self.keys[place], self.stems[place]);
        if form == stem { format!("{form}\n") } else { format!("{form}\t{stem}\n") }.into_bytes()
    }
}

/// The postings' records, one per stem: the incidents of all its forms,
/// each with its BM25 score over the three fields.
struct Postings<'a> {
    analysis: &'a Analysis,
    scoring: &'a Scoring,
    keys: Vec<&'a str>,
    /// Each key's forms.
    forms: Vec<Vec<u32>>,
}

impl<'a> Postings<'a> {
    fn of(analysis: &'a Analysis, scoring: &'a Scoring) -> Postings<'a> {
        let mut by_stem: HashMap<&str, Vec<u32>> = HashMap::new();
        for (id, stem) in analysis.stems.iter().enumerate() {
            if !analysis.postings[id].is_empty() {
                by_stem.entry(stem.as_str()).or_default().push(id as u32);
            }
        }
        let mut stems: Vec<(&str, Vec<u32>)> = by_stem.into_iter().collect();
        stems.par_sort_unstable_by(|a, b| browser_order(a.0, b.0));
        let (keys, forms) = stems.into_iter().unzip();
        Postings { analysis, scoring, keys, forms }
    }
}

impl Records for Postings<'_> {
    fn keys(&self) -> &[&str] {
        &self.keys
    }

    fn record(&self, place: usize) -> Vec<u8> {
        let postings = &self.analysis.postings;
        let merged = merge(self.forms[place].iter().flat_map(|&id| postings[id as usize].iter().copied()));
        self.scoring.record(self.keys[place], &merged, &|number| self.analysis.lengths[number as usize])
    }
}

/// A stem's postings from those of its forms: by incident number, the
/// counts of one incident's forms summed.
fn merge(postings: impl Iterator<Item = (u32, Tf)>) -> Vec<(u32, Tf)> {
    let mut merged: Vec<(u32, Tf)> = postings.collect();
    merged.sort_unstable_by_key(|&(number, _)| number);
    merged.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = add(kept.1, later.1);
        }
        same
    });
    merged
}

/// Two forms' counts in one incident, as their stem's.
fn add(a: Tf, b: Tf) -> Tf {
    [a[0].saturating_add(b[0]), a[1].saturating_add(b[1]), a[2].saturating_add(b[2])]
}

/// What every score of an archive depends on beyond its own incident:
/// how many incidents there are and their average field lengths.
#[derive(PartialEq)]
struct Scoring {
    n: usize,
    scale: f32,
    average: [f32; 3],
}

impl Scoring {
    fn new(n: usize, lengths: impl Iterator<Item = [u32; 3]>) -> Scoring {
        let mut average = [0f32; 3];
        for lengths in lengths {
            for (sum, length) in average.iter_mut().zip(lengths) {
                *sum += length as f32;
            }
        }
        // Whole words: an edit that changes an incident's length by a few
        // words then leaves every other incident's scores, and shards, as they were.
        average.iter_mut().for_each(|sum| *sum = (*sum / n.max(1) as f32).round().max(1.0));
        Scoring { n, scale: score_scale(n), average }
    }

    /// A stem's record from its merged postings; `lengths` gives an
    /// incident's field lengths by number.
    fn record(&self, stem: &str, merged: &[(u32, Tf)], lengths: &dyn Fn(u32) -> [u32; 3]) -> Vec<u8> {
        let idf = self.idf(merged.len());
        let numbers: Vec<u32> = merged.iter().map(|&(number, _)| number).collect();
        let scores: Vec<u8> = merged.iter().map(|&(number, tf)| self.score(idf, tf, lengths(number))).collect();
        let mut bytes = Vec::new();
        encode(&mut bytes, stem, &numbers, Some(&scores), self.n);
        bytes
    }

    /// The inverse document frequency of a stem `df` incidents have.
    fn idf(&self, df: usize) -> f32 {
        let df = df as f32;
        (1.0 + (self.n as f32 - df + 0.5) / (df + 0.5)).ln()
    }

    /// The score of an incident of field `lengths` with `tf` of a stem, as a byte.
    fn score(&self, idf: f32, tf: Tf, lengths: [u32; 3]) -> u8 {
        let score: f32 = (0..3)
            .filter(|&f| tf[f] > 0)
            .map(|f| {
                let tf = f32::from(tf[f]);
                let norm = 1.0 - B + B * lengths[f] as f32 / self.average[f];
                BOOSTS[f] * tf * (K1 + 1.0) / (tf + K1 * norm)
            })
            .sum();
        quantize(idf * score, self.scale)
    }
}

/// The keys whose records differ from the previous build's, per kind of
/// shard; none when every record of a kind may have changed.
struct Changes {
    /// Forms come or gone; none when a changed incident's kept counts are unreadable.
    words: Option<Vec<String>>,
    /// Stems whose record differs; none as well when the scoring changed.
    terms: Option<Vec<String>>,
}

impl Changes {
    /// Compare the incidents whose digest changed at their number (or that
    /// came or went) with what the `previous` build counted there.
    fn between(previous: &Kept, analysis: &Analysis, scoring: &Scoring) -> Changes {
        let (old_n, n) = (previous.incidents.len(), analysis.blocks.len());
        let changed: Vec<usize> = (0..old_n.max(n))
            .filter(|&k| previous.incidents.get(k).map(|b| b.0) != analysis.blocks.get(k).map(|b| b.0))
            .collect();
        // Each changed incident's words before and after, and how many of
        // them had or have each form.
        let (mut old_words, mut new_words) = (HashMap::new(), HashMap::new());
        let mut df_change: HashMap<u32, i64> = HashMap::new();
        let mut words = Vec::new();
        for &k in &changed {
            if k < old_n {
                let Some(lengths) = previous.block(k, &mut words) else {
                    return Changes { words: None, terms: None };
                };
                words.iter().for_each(|&(id, _)| *df_change.entry(id).or_default() -= 1);
                old_words.insert(k as u32, (lengths, words.clone()));
            }
            if k < n {
                analysis.block(k, &mut words);
                words.iter().for_each(|&(id, _)| *df_change.entry(id).or_default() += 1);
                new_words.insert(k as u32, words.clone());
            }
        }
        let forms = |id: u32| analysis.forms[id as usize].clone();
        let came_or_went = df_change.iter().filter(|&(&id, &change)| {
            let now = analysis.postings[id as usize].len() as i64;
            (now > 0) != (now - change > 0)
        });
        let words = Some(came_or_went.map(|(&id, _)| forms(id)).collect());
        let old_scoring = Scoring::new(
            old_n,
            (0..old_n as u32).map(|k| old_words.get(&k).map_or_else(|| analysis.lengths[k as usize], |w| w.0)),
        );
        let terms = (old_scoring == *scoring).then(|| {
            let mut stems: Vec<&str> = df_change.keys().map(|&id| analysis.stems[id as usize].as_str()).collect();
            stems.sort_unstable();
            stems.dedup();
            let mut forms_of: HashMap<&str, Vec<u32>> = HashMap::new();
            for (id, stem) in analysis.stems.iter().enumerate() {
                if df_change.contains_key(&(id as u32)) || stems.binary_search(&stem.as_str()).is_ok() {
                    forms_of.entry(stem.as_str()).or_default().push(id as u32);
                }
            }
            // With the scoring the same, a record is the same when every
            // changed incident has the stem before and after or neither,
            // and with the same score (the other incidents' are as they were).
            stems
                .into_par_iter()
                .filter(|stem| {
                    let forms = &forms_of[stem];
                    let tf = |words: &[(u32, Tf)]| {
                        let mut found = words.iter().filter(|(id, _)| forms.contains(id)).map(|&(_, tf)| tf).peekable();
                        found.peek().is_some().then(|| found.fold([0; 3], add))
                    };
                    let numbers = old_words.keys().chain(new_words.keys().filter(|k| !old_words.contains_key(k)));
                    let pairs: Vec<(u32, Option<Tf>, Option<Tf>)> = numbers
                        .map(|&k| (k, old_words.get(&k).and_then(|w| tf(&w.1)), new_words.get(&k).and_then(|w| tf(w))))
                        .collect();
                    if pairs.iter().any(|(_, before, now)| before.is_some() != now.is_some()) {
                        return true;
                    }
                    let df = match forms.as_slice() {
                        [form] => analysis.postings[*form as usize].len(),
                        _ => merge(forms.iter().flat_map(|&id| analysis.postings[id as usize].iter().copied())).len(),
                    };
                    let idf = scoring.idf(df);
                    pairs.iter().any(|&(k, before, now)| match (before, now) {
                        (Some(before), Some(now)) => {
                            scoring.score(idf, before, old_words[&k].0)
                                != scoring.score(idf, now, analysis.lengths[k as usize])
                        }
                        _ => false,
                    })
                })
                .map(str::to_string)
                .collect()
        });
        Changes { words, terms }
    }

    /// Which of the previous build's shards of kind `k` (0 words, 1 terms)
    /// hold a changed key.
    fn affected(&self, k: usize, old: &[(String, String)]) -> Vec<bool> {
        let Some(keys) = (if k == 0 { &self.words } else { &self.terms }) else {
            return vec![true; old.len()];
        };
        let mut affected = vec![false; old.len()];
        for key in keys {
            if let Some(m) = shard_of(old, key) {
                affected[m] = true;
            }
        }
        affected
    }
}

/// The place of the shard of `old` whose keys `key` falls among.
fn shard_of(old: &[(String, String)], key: &str) -> Option<usize> {
    old.partition_point(|(first, _)| browser_order(first, key) != std::cmp::Ordering::Greater).checked_sub(1)
}

/// Cut the records into shards and write them, each with its first key,
/// keeping each of the previous build's shards (`old`) that is not
/// `affected` where the cut comes to its first key. A cut falls after a
/// key whose hash says so (once past a minimum size), so cutting from
/// any shard's start gives the shards a clean cut gives from there: the
/// shards are those of a build from nothing. Returns them, and how many
/// were made (not kept).
fn cut<E: Send>(
    kind: &str,
    extension: &str,
    records: &dyn Records,
    old: &[(String, String)],
    affected: &[bool],
    output: &Output<'_, E>,
) -> Result<(Vec<(String, String)>, usize), E> {
    let keys = records.keys();
    let unaffected = |m: Option<usize>| m.is_some_and(|m| !affected.get(m).copied().unwrap_or(true));
    // Made ahead, in parallel: the records of the shards to cut again.
    let mut made: Vec<Option<Vec<u8>>> = keys
        .par_iter()
        .enumerate()
        .map(|(place, key)| (!unaffected(shard_of(old, key))).then(|| records.record(place)))
        .collect();
    let (mut shards, mut made_shards) = (Vec::new(), 0);
    let mut place = 0;
    while place < keys.len() {
        let m = shard_of(old, keys[place]).filter(|&m| old[m].0 == keys[place] && unaffected(Some(m)));
        if let Some(m) = m
            && (output.keep)(&format!("{FOLDER}/{}", old[m].1))
        {
            shards.push(old[m].clone());
            place += match old.get(m + 1) {
                Some((next, _)) => {
                    keys[place..].partition_point(|key| browser_order(key, next) == std::cmp::Ordering::Less)
                }
                None => keys.len() - place,
            };
            continue;
        }
        let first = keys[place];
        let mut bytes = Vec::new();
        while place < keys.len() {
            bytes.extend(made[place].take().unwrap_or_else(|| records.record(place)));
            place += 1;
            let size = bytes.len();
            if size >= SHARD_MAX || (size >= SHARD_MIN && fnv(keys[place - 1].as_bytes()).is_multiple_of(CUT_EVERY)) {
                break;
            }
        }
        let name = format!("{kind}/{}.{extension}", content_name(&bytes));
        (output.put)(&format!("{FOLDER}/{name}"), &bytes)?;
        shards.push((first.to_string(), name));
        made_shards += 1;
    }
    Ok((shards, made_shards))
}

/// The highest score an incident can have for one stem, in an archive of
/// `n`, as a logarithm: scores are kept as a byte on that scale.
fn score_scale(n: usize) -> f32 {
    let idf = (1.0 + (n.max(1) as f32 - 0.5) / 1.5).ln();
    let most = idf * BOOSTS.iter().sum::<f32>() * (K1 + 1.0);
    most.ln_1p()
}

/// A score as a byte, 1 to 255, on a log scale (the browser turns it back
/// with `exp(q / 255 × scale) − 1`).
fn quantize(score: f32, scale: f32) -> u8 {
    (score.max(0.0).ln_1p() / scale * 255.0).round().clamp(1.0, 255.0) as u8
}

/// One record of a postings or filter shard: the key, then the incidents,
/// as gaps between numbers (LEB128) or, when that is larger, a bitmap of
/// every incident; then the scores, one byte each, when given. A bitmap
/// scores only the best [`DENSE_TOP`] (their numbers, then their scores)
/// and gives the others the best score left out.
fn encode(out: &mut Vec<u8>, key: &str, numbers: &[u32], scores: Option<&[u8]>, n: usize) {
    varint(out, key.len() as u32);
    out.extend_from_slice(key.as_bytes());
    let gaps = |numbers: &[u32]| {
        let mut bytes = Vec::with_capacity(numbers.len());
        let mut last = 0;
        for (i, &number) in numbers.iter().enumerate() {
            varint(&mut bytes, if i == 0 { number } else { number - last });
            last = number;
        }
        bytes
    };
    let sparse = gaps(numbers);
    let bitmap_len = n.div_ceil(8);
    let dense = numbers.len() > DENSE_TOP && bitmap_len + 3 * DENSE_TOP < sparse.len() + numbers.len();
    out.push(u8::from(dense) | (u8::from(scores.is_some()) << 1));
    if !dense {
        varint(out, numbers.len() as u32);
        out.extend_from_slice(&sparse);
        out.extend_from_slice(scores.unwrap_or_default());
        return;
    }
    let mut bitmap = vec![0u8; bitmap_len];
    for &number in numbers {
        bitmap[number as usize / 8] |= 1 << (number % 8);
    }
    varint(out, bitmap_len as u32);
    out.extend_from_slice(&bitmap);
    if let Some(scores) = scores {
        let mut best: Vec<usize> = (0..numbers.len()).collect();
        best.sort_by_key(|&i| (std::cmp::Reverse(scores[i]), numbers[i]));
        let rest = best.get(DENSE_TOP).map_or(0, |&i| scores[i]);
        best.truncate(DENSE_TOP);
        best.sort_unstable();
        let top: Vec<u32> = best.iter().map(|&i| numbers[i]).collect();
        varint(out, top.len() as u32);
        out.extend_from_slice(&gaps(&top));
        out.extend(best.iter().map(|&i| scores[i]));
        out.push(rest);
    }
}

/// FNV-1a: stable across runs and Rust versions, unlike std's hasher.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// A shard's file name: its content's hash, so a browser may cache it for good.
fn content_name(bytes: &[u8]) -> String {
    format!("{:016x}", fnv(bytes))
}

/// Keys sorted as the browser compares strings (UTF-16 code units), so
/// its binary search over the manifest finds the right shard.
fn browser_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// The files `write` makes of `texts` (one incident each, the text as its body).
    fn index(texts: &[&str]) -> BTreeMap<String, Vec<u8>> {
        let docs: Vec<Searchable> =
            texts.iter().map(|t| Searchable { title: vec![], root_cause: "", body: vec![t] }).collect();
        let files = Mutex::new(BTreeMap::new());
        let put = |path: &str, bytes: &[u8]| {
            files.lock().unwrap().insert(path.to_string(), bytes.to_vec());
            Ok::<_, ()>(())
        };
        let written = write_results(docs.len(), &|_| Some(serde_json::Map::new()), &put).unwrap()
            + write(&docs, &[], None, &Output { put: &put, keep: &|_| false }).unwrap().0;
        let files = files.into_inner().unwrap();
        assert_eq!(written, files.len());
        files
    }

    #[test]
    fn varints_take_seven_bits_a_byte() {
        let mut out = Vec::new();
        for value in [0, 127, 128, 300, u32::MAX] {
            varint(&mut out, value);
        }
        assert_eq!(out, [0, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    #[test]
    fn the_dictionary_maps_each_written_form_to_tantivys_stem() {
        let files = index(&["The databases were Timing out", "database timeouts"]);
        let words: String = files
            .iter()
            .filter(|(p, _)| p.contains("/words/"))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect();
        for line in ["databases\tdatabas", "database\tdatabas", "timing\ttime", "timeouts\ttimeout", "out"] {
            assert!(words.lines().any(|l| l == line), "{line:?} in {words}");
        }
        assert!(!words.contains("Timing"), "forms are lower-cased: {words}");
    }

    #[test]
    fn incidents_are_numbered_from_the_oldest() {
        // Archive order is newest first: the last incident is number 0.
        let files = index(&["newest", "oldest"]);
        let first: serde_json::Value = serde_json::from_slice(&files[&format!("{FOLDER}/index.json")]).unwrap();
        assert_eq!(first["docs"], 2);
        assert!(
            files.contains_key(&format!("{FOLDER}/doc/0.json")) && files.contains_key(&format!("{FOLDER}/doc/1.json"))
        );
    }

    #[test]
    fn the_same_incidents_make_the_same_files() {
        let texts: Vec<String> = (0..300).map(|i| format!("incident {i} word{i} shared text of some length")).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        assert!(index(&texts) == index(&texts));
    }

    #[test]
    fn editing_one_incident_changes_only_the_shards_its_words_are_in() {
        // Enough distinct words for many shards of each kind.
        let texts: Vec<String> = (0..3_000).map(|i| format!("w{i}a w{i}b w{i}c common words here")).collect();
        let mut edited = texts.clone();
        edited[1_500] = "w1500a w1500b zzedited common words here".to_string();
        let as_strs = |t: &[String]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (before, after) = (as_strs(&texts), as_strs(&edited));
        let before = index(&before.iter().map(String::as_str).collect::<Vec<_>>());
        let after = index(&after.iter().map(String::as_str).collect::<Vec<_>>());
        for kind in ["terms", "words"] {
            let shards = |files: &BTreeMap<String, Vec<u8>>| -> std::collections::BTreeSet<String> {
                files.keys().filter(|p| p.contains(&format!("/{kind}/"))).cloned().collect()
            };
            let (old, new) = (shards(&before), shards(&after));
            assert!(old.len() >= 5, "{kind}: {} shards", old.len());
            let changed = new.difference(&old).count();
            // One word gone (w1500c), one come (zzedited): at most two shards each.
            assert!((1..=2).contains(&changed), "{kind}: {changed} of {} shards changed", new.len());
        }
    }

    /// The files `write` makes of `texts` after the build that made
    /// `previous` (its files and what it kept); what this one keeps, and
    /// the words and terms shards it wrote rather than kept.
    fn rebuild(
        texts: &[String],
        previous: Option<&(BTreeMap<String, Vec<u8>>, Kept)>,
    ) -> (BTreeMap<String, Vec<u8>>, Kept, usize) {
        let docs: Vec<Searchable> =
            texts.iter().map(|t| Searchable { title: vec![&t[..2]], root_cause: "", body: vec![t] }).collect();
        let (files, made) = (Mutex::new(BTreeMap::new()), Mutex::new(0));
        let put = |path: &str, bytes: &[u8]| {
            *made.lock().unwrap() += usize::from(path.contains("/words/") || path.contains("/terms/"));
            files.lock().unwrap().insert(path.to_string(), bytes.to_vec());
            Ok::<_, ()>(())
        };
        let keep = |path: &str| match previous.and_then(|(old, _)| old.get(path)) {
            Some(bytes) => files.lock().unwrap().insert(path.to_string(), bytes.clone()).is_none(),
            None => false,
        };
        let (_, body) = write(&docs, &[], previous.map(|p| &p.1), &Output { put: &put, keep: &keep }).unwrap();
        let dir = tempfile::tempdir().unwrap();
        save(&dir.path().join("counts"), 1, &body).unwrap();
        let kept = Kept::load(&dir.path().join("counts"), 1).unwrap();
        (files.into_inner().unwrap(), kept, made.into_inner().unwrap())
    }

    #[test]
    fn an_index_patched_from_the_kept_counts_is_the_index_made_from_nothing() {
        let texts: Vec<String> = (0..3_000).map(|i| format!("w{i}a w{i}b w{} common words here", i % 97)).collect();
        let first = rebuild(&texts, None);
        let (clean_shards, _, clean_made) = rebuild(&texts, None);
        assert_eq!(first.0, clean_shards);
        type Edit = (&'static str, fn(&mut Vec<String>));
        let edits: [Edit; 7] = [
            ("a sentence appended", |t| t[1_500].push_str(" and zzappended words here")),
            ("a word gone", |t| t[10] = "w10a w10b common here".into()),
            ("an incident's only word replaced", |t| t[2_999] = "w2999a w2999b zzsole common words here".into()),
            ("nothing", |_| {}),
            ("an incident added", |t| t.insert(0, "zznew incident words".into())),
            ("an incident gone", |t| drop(t.remove(1_200))),
            ("two incidents swap places", |t| t.swap(5, 2_000)),
        ];
        let mut previous = (first.0, first.1);
        let mut texts = texts;
        for (edit, apply) in edits {
            apply(&mut texts);
            let patched = rebuild(&texts, Some(&(previous.0, previous.1)));
            let clean = rebuild(&texts, None);
            assert!(patched.0 == clean.0, "{edit}: the patched index differs from a clean one");
            if edit == "a sentence appended" || edit == "nothing" {
                assert!(patched.2 <= 6, "{edit}: {} of {clean_made} shards made again", patched.2);
            }
            previous = (patched.0, patched.1);
        }
    }

    #[test]
    fn a_word_in_most_incidents_is_a_bitmap_with_its_best_scored() {
        let mut out = Vec::new();
        let numbers: Vec<u32> = (0..1_000).collect();
        let scores: Vec<u8> = (0..1_000).map(|i| (i % 200) as u8 + 1).collect();
        encode(&mut out, "the", &numbers, Some(&scores), 1_000);
        assert_eq!(out[0..4], [3, b't', b'h', b'e']);
        assert_eq!(out[4], 0b11, "dense and scored");
        // 125 bytes of bitmap, 100 best, their 100 scores, the rest's score.
        assert!(out.len() < 4 + 1 + 2 + 125 + 2 + 200 + 100 + 1, "{} bytes", out.len());
        assert_eq!(*out.last().unwrap(), 180, "the best score left out (the 100 best are 181 to 200)");

        let mut sparse = Vec::new();
        encode(&mut sparse, "rare", &[5, 900], Some(&[9, 10]), 1_000);
        assert_eq!(sparse, [4, b'r', b'a', b'r', b'e', 0b10, 2, 5, 0xff, 0x06, 9, 10], "895 after 5");
    }
}
