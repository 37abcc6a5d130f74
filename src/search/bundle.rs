//! The static search bundle: a Pagefind index of every incident, published
//! under `pagefind/` so that the search page works on any static host. It
//! is fed from the model (each postmortem's plain text with it), never by
//! re-reading the HTML, and sharded by Pagefind so that a query downloads little.
//! A build whose records did not change keeps the bundle it published.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;
use std::path::Path;

/// The folder of the output the bundle is published in.
pub const FOLDER: &str = "pagefind";

/// The file in the index folder that describes the last bundle published.
const MANIFEST_FILE: &str = "coroner-bundle.json";

/// One searchable incident.
#[derive(Debug, Clone, Default, Hash)]
pub struct Record {
    /// The page's path from the site root (`/incidents/x/`); the browser
    /// prefixes the site's own path, so the bundle never depends on `base_url`.
    pub url: String,
    /// What is searched and quoted in excerpts.
    pub content: String,
    /// Shown with each result (`title`, `date`, `tags`…).
    pub meta: BTreeMap<String, String>,
    /// Filter name → the values this incident has.
    pub filters: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("static search bundle: {0:#}")]
pub struct BundleError(anyhow::Error);

/// Pagefind cuts its word index into chunks of about this many word
/// positions, in word order, and a query downloads the chunks its words
/// fall in. At its default, 20,000, a word of a few hundred incidents
/// often shares a chunk with "to" or "the", which are on every page: at
/// 10,000 incidents `timeout` fetched 99 kB of index; at 5,000, 7 kB,
/// for 3 kB more of chunk list in the metadata every search loads.
pub const INDEX_CHUNK_SIZE: usize = 5_000;

/// Where Pagefind reads its chunk size from, when an index is created:
/// it has no option for it.
const CHUNK_SIZE_VARIABLE: &str = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE";

/// Make Pagefind cut its index at [`INDEX_CHUNK_SIZE`]. The binary does
/// this first thing; a program that builds with the library calls it too,
/// or gets Pagefind's default chunks.
///
/// # Safety
///
/// Call before the process starts a second thread: setting a variable
/// while another thread reads the environment is undefined behaviour.
pub unsafe fn use_index_chunk_size() {
    // SAFETY: the caller runs this while the process has one thread.
    unsafe { std::env::set_var(CHUNK_SIZE_VARIABLE, INDEX_CHUNK_SIZE.to_string()) };
}

/// Index `records` and return the bundle's files as (path inside the
/// output, bytes). Records go in in archive order, so the output is the
/// same on every run, and filters alone list incidents as the archive's
/// pages do: Pagefind returns them in the order they were added. A date
/// sort would add to the metadata every search loads (21 kB at 10,000
/// incidents) and order incidents of the same day differently.
pub fn files(records: Vec<Record>, language: &str) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| BundleError(e.into()))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder().force_language(language.to_string()).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(BundleError)?;
        for record in records {
            let Record { url, content, meta, filters } = record;
            index
                .add_custom_record(url, content, language.to_string(), Some(meta), Some(filters), None)
                .await
                .map_err(BundleError)?;
        }
        let files = index.get_files().await.map_err(BundleError)?;
        Ok(files
            .into_iter()
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                let inside = name.trim_start_matches("./").trim_start_matches(&format!("{FOLDER}/")).to_string();
                let contents = match inside.ends_with(".pf_meta") {
                    true => chunk_ranges_that_meet(&file.contents).unwrap_or(file.contents),
                    false => file.contents,
                };
                (format!("{FOLDER}/{inside}"), contents)
            })
            .collect())
    })
}

/// What Pagefind puts before every CBOR document it gzips.
const PAGEFIND_MAGIC: &[u8] = b"pagefind_dcd";

/// Pagefind's metadata (`pagefind.*.pf_meta`, which every search loads)
/// with each index chunk's range raised to meet the next one, or `None`
/// when it is not the metadata Pagefind 1.6 writes.
///
/// Pagefind names a chunk by its first and last word, each cut to the
/// shortest prefix that tells it from the neighbouring chunk's, so the
/// last words of a chunk sort after its upper bound (`august` after
/// `aug`). Its browser code loads the chunks whose range holds the word
/// and, when none does, every chunk whose bounds match the word by
/// prefix: at 10,000 incidents `august` loaded five chunks, one of them
/// the 124 kB that holds `a`, and went over 300 kB. Raised to just below
/// the next chunk's lower bound, the ranges neither leave a gap nor
/// overlap: a word loads the one chunk it is in.
/// The file keeps its name; its content still follows from the records.
///
/// Nothing a search finds is lost: a bound is the words' common prefix
/// and one more letter, so a word in the gap can only be the beginning
/// of words in the chunk below it, which is the one it now loads.
fn chunk_ranges_that_meet(gzipped: &[u8]) -> Option<Vec<u8>> {
    use std::io::{Read, Write};
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(gzipped).read_to_end(&mut plain).ok()?;
    let cbor = plain.strip_prefix(PAGEFIND_MAGIC)?;

    // [version, pages, [[from, to, hash], …], filters, sorts, meta fields]
    let mut decoder = minicbor::Decoder::new(cbor);
    decoder.array().ok()??;
    decoder.skip().ok()?;
    decoder.skip().ok()?;
    let chunks_start = decoder.position();
    let count = decoder.array().ok()??;
    let mut chunks = Vec::new();
    for _ in 0..count {
        if decoder.array().ok()? != Some(3) {
            return None;
        }
        let from = decoder.str().ok()?.to_string();
        let to = decoder.str().ok()?.to_string();
        let hash = decoder.str().ok()?.to_string();
        chunks.push((from, to, hash));
    }
    let chunks_end = decoder.position();

    for next in 1..chunks.len() {
        let Some(below) = just_below(&chunks[next].0) else { continue };
        if chunks[next - 1].1 < below {
            chunks[next - 1].1 = below;
        }
    }
    let mut encoder = minicbor::Encoder::new(Vec::new());
    encoder.array(chunks.len() as u64).ok()?;
    for (from, to, hash) in &chunks {
        encoder.array(3).ok()?.str(from).ok()?.str(to).ok()?.str(hash).ok()?;
    }
    let mut raised = PAGEFIND_MAGIC.to_vec();
    raised.extend_from_slice(&cbor[..chunks_start]);
    raised.extend_from_slice(&encoder.into_writer());
    raised.extend_from_slice(&cbor[chunks_end..]);

    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&raised).ok()?;
    gzip.finish().ok()
}

/// A string that sorts after every word before `bound` and before `bound`
/// itself: its last letter one lower, then the highest `char`. Raised to
/// `bound` itself, a chunk's range would also take in a query that is
/// exactly `bound`, which is in the next chunk (`the` loaded 50 kB more).
fn just_below(bound: &str) -> Option<String> {
    let mut letters: Vec<char> = bound.chars().collect();
    let last = letters.pop()?;
    letters.push(char::from_u32((last as u32).checked_sub(1)?)?);
    letters.push(char::MAX);
    Some(letters.into_iter().collect())
}

/// What a bundle is made from: the same digest, the same bundle. Pagefind
/// is keyed through coroner's version, which pins it, and the chunk size
/// it will read.
pub fn digest(records: &[Record], language: &str) -> String {
    let chunk_size = std::env::var(CHUNK_SIZE_VARIABLE).ok();
    super::hex_digest((env!("CARGO_PKG_VERSION"), chunk_size, language, records))
}

/// The last bundle published: what it was made from, and each file's
/// path, size and hash, to tell that the output still holds it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Manifest {
    digest: String,
    files: Vec<(String, u64, String)>,
}

/// The bundle files `output` holds, when the last bundle published there
/// (noted in `index_dir`) was made from `digest` and every file is as it
/// was written; otherwise `None`, and the bundle is built again. Pagefind
/// takes most of a build's time and has no incremental mode: a build that
/// changes pages but no search record (a theme edit, a rebuild with
/// nothing changed) keeps the bundle it has.
pub fn previous(index_dir: &Path, output: &Path, digest: &str) -> Option<Vec<(String, Vec<u8>)>> {
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(index_dir.join(MANIFEST_FILE)).ok()?).ok()?;
    if manifest.digest != digest || manifest.files.is_empty() {
        return None;
    }
    manifest
        .files
        .into_iter()
        .map(|(path, size, hash)| {
            let file = output.join(&path);
            let bytes =
                std::fs::metadata(&file).is_ok_and(|m| m.len() == size).then(|| std::fs::read(&file).ok())??;
            (super::hex_digest(bytes.as_slice()) == hash).then_some((path, bytes))
        })
        .collect()
}

/// Note in `index_dir` the bundle just published from `digest`.
pub fn remember(index_dir: &Path, digest: &str, files: &[(String, Vec<u8>)]) -> std::io::Result<()> {
    let files = files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.len() as u64, super::hex_digest(bytes.as_slice())))
        .collect();
    let manifest = serde_json::to_vec(&Manifest { digest: digest.to_string(), files })?;
    super::write_aside(&index_dir.join(MANIFEST_FILE), &manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, content: &str, tag: &str) -> Record {
        Record {
            url: url.into(),
            content: content.into(),
            meta: BTreeMap::from([("title".into(), content.into())]),
            filters: BTreeMap::from([("tag".into(), vec![tag.into()])]),
        }
    }

    #[test]
    fn just_below_a_bound_sorts_after_the_words_before_it() {
        let below = just_below("downs").unwrap();
        assert!("downright" < below.as_str() && below.as_str() < "downs", "{below:?}");
        let below = just_below("catha").unwrap();
        assert!("cath" < below.as_str() && below.as_str() < "catha", "{below:?}");
        assert_eq!(just_below(""), None);
    }

    #[test]
    fn the_bundle_has_pagefinds_entry_and_library_and_is_the_same_every_time() {
        let records = || vec![record("/incidents/a/", "disk full", "capacity"), record("/incidents/b/", "dns", "dns")];
        let first = files(records(), "en").unwrap();
        let names: Vec<&str> = first.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"pagefind/pagefind.js"), "{names:?}");
        assert!(names.contains(&"pagefind/pagefind-entry.json"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("pagefind/filter/")), "{names:?}");
        let mut sorted = first.clone();
        sorted.sort();
        let mut again = files(records(), "en").unwrap();
        again.sort();
        assert!(sorted == again, "the bundle differs between two runs");
    }

    #[test]
    fn a_bundle_is_kept_only_while_its_records_and_its_files_are_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (index, output) = (dir.path().join("index"), dir.path().join("public"));
        std::fs::create_dir_all(&index).unwrap();
        let records = vec![record("/incidents/a/", "disk full", "capacity")];
        let key = digest(&records, "en");
        assert!(previous(&index, &output, &key).is_none(), "nothing published yet");

        let built = files(records.clone(), "en").unwrap();
        for (path, bytes) in &built {
            std::fs::create_dir_all(output.join(path).parent().unwrap()).unwrap();
            std::fs::write(output.join(path), bytes).unwrap();
        }
        remember(&index, &key, &built).unwrap();
        let mut kept = previous(&index, &output, &key).expect("the same records keep the bundle");
        let mut expected = built.clone();
        kept.sort();
        expected.sort();
        assert!(kept == expected);

        let other = digest(&[record("/incidents/a/", "disk full again", "capacity")], "en");
        assert_ne!(other, key);
        assert!(previous(&index, &output, &other).is_none(), "changed records build again");

        let (path, _) = &built[0];
        std::fs::write(output.join(path), b"edited by hand").unwrap();
        assert!(previous(&index, &output, &key).is_none(), "a file no longer as written builds again");
    }
}
