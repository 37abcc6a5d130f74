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

use rayon::prelude::*;
use std::collections::HashMap;
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};

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

/// Write the rest of the index through `put` (a path inside the output,
/// its bytes): the dictionary, postings and filter shards and the
/// manifest, made from every incident; `docs` are in archive order.
/// Returns the number of files written.
pub fn write<E: Send>(docs: &[Searchable], filters: &[Filter], put: &Put<'_, E>) -> Result<usize, E> {
    let n = docs.len();
    let number = |i: usize| (n - 1 - i) as u32;
    let analysis = analyse(docs);
    let scale = score_scale(n);
    let mut manifest = serde_json::Map::new();
    let mut files = 0;
    let mut write_shards = |kind: &str, extension: &str, records: Vec<(String, Vec<u8>)>| -> Result<(), E> {
        let mut starts = Vec::new();
        for (first, bytes) in shards(records) {
            let name = format!("{kind}/{}.{extension}", content_name(&bytes));
            put(&format!("{FOLDER}/{name}"), &bytes)?;
            starts.push(serde_json::json!([first, name]));
            files += 1;
        }
        manifest.insert(kind.to_string(), starts.into());
        Ok(())
    };
    write_shards("words", "txt", dictionary(&analysis))?;
    write_shards("terms", "bin", postings(&analysis, n, scale))?;
    let mut filter_files = serde_json::Map::new();
    for filter in filters {
        let mut bytes = Vec::new();
        for (value, incidents) in &filter.values {
            let mut numbers: Vec<u32> = incidents.iter().map(|&i| number(i)).collect();
            numbers.sort_unstable();
            encode(&mut bytes, value, &numbers, None, n);
        }
        let name = format!("filters/{}-{}.bin", filter.name, content_name(&bytes));
        put(&format!("{FOLDER}/{name}"), &bytes)?;
        filter_files.insert(filter.name.to_string(), name.into());
        files += 1;
    }
    manifest.insert("filters".into(), filter_files.into());
    manifest.insert("docs".into(), n.into());
    manifest.insert("scale".into(), serde_json::json!(scale));
    put(&format!("{FOLDER}/index.json"), &serde_json::to_vec(&manifest).unwrap_or_default())?;
    Ok(files + 1)
}

/// Every written form, its stem, and per form the incidents it is in with
/// how often per field; and each incident's field lengths, for BM25.
struct Analysis {
    forms: Vec<String>,
    stems: Vec<String>,
    postings: Vec<Vec<(u32, [u16; 3])>>,
    lengths: Vec<[u32; 3]>,
}

fn analyse(docs: &[Searchable]) -> Analysis {
    let n = docs.len();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut analysis = Analysis { forms: Vec::new(), stems: Vec::new(), postings: Vec::new(), lengths: Vec::new() };
    let numbered: Vec<usize> = (0..n).rev().collect();
    // In slices, so that only a slice's counts are held at once; merged
    // in incident number order, so every form's postings come sorted.
    for slice in numbered.chunks(2_048) {
        let counted: Vec<Counted> =
            slice.par_iter().map_init(forms_analyzer, |analyzer, &i| count(analyzer, &docs[i])).collect();
        for (number, (lengths, counts)) in (analysis.lengths.len() as u32..).zip(counted) {
            analysis.lengths.push(lengths);
            for (form, tf) in counts {
                let id = *ids.entry(form).or_insert_with_key(|form| {
                    analysis.forms.push(form.clone());
                    analysis.postings.push(Vec::new());
                    (analysis.forms.len() - 1) as u32
                });
                analysis.postings[id as usize].push((number, tf));
            }
        }
    }
    analysis.stems = analysis.forms.par_iter().map_init(stem_analyzer, |analyzer, form| stem(analyzer, form)).collect();
    analysis
}

/// One incident's field lengths, and its forms with their count per field.
type Counted = ([u32; 3], Vec<(String, [u16; 3])>);

fn count(analyzer: &mut TextAnalyzer, doc: &Searchable) -> Counted {
    let mut counts: HashMap<String, [u16; 3]> = HashMap::new();
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

/// The dictionary's records: a form alone when it is its own stem, else
/// the form, a tab and the stem; one per line.
fn dictionary(analysis: &Analysis) -> Vec<(String, Vec<u8>)> {
    let mut order: Vec<usize> = (0..analysis.forms.len()).collect();
    order.par_sort_unstable_by(|&a, &b| browser_order(&analysis.forms[a], &analysis.forms[b]));
    order
        .into_iter()
        .map(|id| {
            let (form, stem) = (&analysis.forms[id], &analysis.stems[id]);
            let line = if form == stem { format!("{form}\n") } else { format!("{form}\t{stem}\n") };
            (form.clone(), line.into_bytes())
        })
        .collect()
}

/// The postings' records, one per stem in browser order: the incidents
/// of all its forms, each with its BM25 score over the three fields.
fn postings(analysis: &Analysis, n: usize, scale: f32) -> Vec<(String, Vec<u8>)> {
    let mut by_stem: HashMap<&str, Vec<usize>> = HashMap::new();
    for (id, stem) in analysis.stems.iter().enumerate() {
        by_stem.entry(stem.as_str()).or_default().push(id);
    }
    let mut stems: Vec<(&str, Vec<usize>)> = by_stem.into_iter().collect();
    stems.par_sort_unstable_by(|a, b| browser_order(a.0, b.0));
    let mut average = [0f32; 3];
    for lengths in &analysis.lengths {
        for (sum, &length) in average.iter_mut().zip(lengths) {
            *sum += length as f32;
        }
    }
    // Whole words: an edit that changes an incident's length by a few
    // words then leaves every other incident's scores, and shards, as they were.
    average.iter_mut().for_each(|sum| *sum = (*sum / n.max(1) as f32).round().max(1.0));
    stems
        .into_par_iter()
        .map(|(stem, forms)| {
            let mut merged: Vec<(u32, [u16; 3])> =
                forms.iter().flat_map(|&id| analysis.postings[id].iter().copied()).collect();
            merged.sort_unstable_by_key(|&(number, _)| number);
            merged.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    for (k, l) in kept.1.iter_mut().zip(later.1) {
                        *k = k.saturating_add(l);
                    }
                }
                same
            });
            let df = merged.len() as f32;
            let idf = (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln();
            let numbers: Vec<u32> = merged.iter().map(|&(number, _)| number).collect();
            let scores: Vec<u8> = merged
                .iter()
                .map(|(number, tf)| {
                    let lengths = analysis.lengths[*number as usize];
                    let score: f32 = (0..3)
                        .filter(|&f| tf[f] > 0)
                        .map(|f| {
                            let tf = f32::from(tf[f]);
                            let norm = 1.0 - B + B * lengths[f] as f32 / average[f];
                            BOOSTS[f] * tf * (K1 + 1.0) / (tf + K1 * norm)
                        })
                        .sum();
                    quantize(idf * score, scale)
                })
                .collect();
            let mut bytes = Vec::new();
            encode(&mut bytes, stem, &numbers, Some(&scores), n);
            (stem.to_string(), bytes)
        })
        .collect()
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

fn varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Records cut into shards, each with its first key. A cut falls after a
/// key whose hash says so, so it stays where it was when records before
/// or after it change.
fn shards(records: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut shards = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for (key, bytes) in records {
        let (_, shard) = current.get_or_insert_with(|| (key.clone(), Vec::new()));
        shard.extend_from_slice(&bytes);
        let size = shard.len();
        if size >= SHARD_MAX || (size >= SHARD_MIN && fnv(key.as_bytes()).is_multiple_of(CUT_EVERY)) {
            shards.extend(current.take());
        }
    }
    shards.extend(current);
    shards
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
            + write(&docs, &[], &put).unwrap();
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
