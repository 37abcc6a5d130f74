//! The models of the last build, kept for the next one: parsing is most of
//! what a build of an unchanged archive would do (100,000 files take
//! 10 to 20 s on two cores), and a model read back takes a fraction of
//! that. A file whose bytes (by hash) are the ones a model was parsed from,
//! under the same coroner and site.toml, gets that model back instead of
//! being parsed again.
//!
//! Kept in [`SHARDS`] files by source path, so that an edit rewrites one
//! of them, not the whole cache; a build that parsed nothing writes none.
//! Each is a line of salt, then one JSON line per model. A shard that
//! cannot be read (corrupt, another coroner's) counts as empty. JSON, not
//! a binary format: a model holds free-form front-matter values
//! (`serde_json::Value`), which only a self-describing format reads back,
//! and serde_json is already built.

use crate::model::Postmortem;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many files the cache is cut into.
const SHARDS: u64 = 64;

/// One cached file: its source, the hash of its bytes, and its model with
/// the fields the model's JSON leaves out.
#[derive(Serialize)]
struct Entry<'a> {
    source: &'a str,
    hash: u64,
    model: &'a Postmortem,
    anchors: &'a [String],
    body: &'a str,
    text: &'a str,
    headings: &'a [String],
}

#[derive(Deserialize)]
struct ReadEntry {
    source: String,
    hash: u64,
    model: Postmortem,
    anchors: Vec<String>,
    body: String,
    text: String,
    headings: Vec<String>,
}

/// The models kept in a folder, by source path: the hash of the bytes
/// each was parsed from, and the model.
pub struct Cache {
    dir: PathBuf,
    salt: String,
    models: HashMap<String, (u64, Arc<Postmortem>)>,
}

impl Cache {
    /// The models kept in `dir` under `salt` (which changes with everything
    /// a model depends on beyond its file's bytes: coroner, site.toml).
    pub fn load(dir: &Path, salt: u64) -> Cache {
        let salt = format!("coroner-models 1 {salt:016x}");
        let shards: Vec<Vec<ReadEntry>> =
            (0..SHARDS).into_par_iter().map(|shard| read_shard(&dir.join(shard_name(shard)), &salt)).collect();
        let models = shards
            .into_iter()
            .flatten()
            .map(|e| {
                let mut model = e.model;
                (model.anchors, model.body, model.text, model.headings) = (e.anchors, e.body, e.text, e.headings);
                (e.source, (e.hash, Arc::new(model)))
            })
            .collect();
        Cache { dir: dir.to_path_buf(), salt, models }
    }

    /// The model parsed from `source` when its bytes hashed to `hash`.
    pub fn get(&self, source: &str, hash: u64) -> Option<Arc<Postmortem>> {
        self.models.get(source).filter(|(h, _)| *h == hash).map(|(_, p)| p.clone())
    }

    /// Keep `now` (each file's hash and model) for the next build: only
    /// the shards whose files differ from what they hold are written.
    /// Best effort: a shard not written is parsed again next time.
    pub fn save(&self, now: &[(u64, Arc<Postmortem>)]) {
        let mut by_shard: Vec<Vec<&(u64, Arc<Postmortem>)>> = vec![Vec::new(); SHARDS as usize];
        for entry in now {
            by_shard[shard_of(&entry.1.source) as usize].push(entry);
        }
        let mut kept = vec![0usize; SHARDS as usize];
        for source in self.models.keys() {
            kept[shard_of(source) as usize] += 1;
        }
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        // One shard after another: this runs beside the render, whose
        // threads it would otherwise take.
        by_shard.iter().enumerate().for_each(|(shard, entries)| {
            let same = entries.len() == kept[shard]
                && entries.iter().all(|(hash, p)| {
                    self.models.get(&p.source).is_some_and(|(h, kept)| h == hash && Arc::ptr_eq(kept, p))
                });
            if !same {
                let _ = self.write_shard(shard as u64, entries);
            }
        });
    }

    fn write_shard(&self, shard: u64, entries: &[&(u64, Arc<Postmortem>)]) -> std::io::Result<()> {
        let path = self.dir.join(shard_name(shard));
        let aside = path.with_extension(std::process::id().to_string());
        let mut out = std::io::BufWriter::new(std::fs::File::create(&aside)?);
        writeln!(out, "{}", self.salt)?;
        for (hash, p) in entries {
            let entry = Entry {
                source: &p.source,
                hash: *hash,
                model: p,
                anchors: &p.anchors,
                body: &p.body,
                text: &p.text,
                headings: &p.headings,
            };
            serde_json::to_writer(&mut out, &entry)?;
            out.write_all(b"\n")?;
        }
        out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        std::fs::rename(&aside, &path)
    }
}

/// A shard's models, when it was written under `salt`; a line that cannot
/// be read back is left out (its file is parsed again).
fn read_shard(path: &Path, salt: &str) -> Vec<ReadEntry> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let mut lines = text.lines();
    if lines.next() != Some(salt) {
        return Vec::new();
    }
    lines.filter_map(|line| serde_json::from_str(line).ok()).collect()
}

fn shard_of(source: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    source.hash(&mut hasher);
    hasher.finish() % SHARDS
}

fn shard_name(shard: u64) -> String {
    format!("{shard:02}.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Every fixture (CRLF, conflicts, zones, tables, front matter of all
    /// kinds…) as parsed and as read back from the cache.
    #[test]
    fn a_model_read_back_is_the_model_parsed() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let config = Config::default_for(&fixtures);
        let reader = crate::ingest::Reader::new(&config);
        let mut parsed = Vec::new();
        for entry in std::fs::read_dir(&fixtures).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                let source = path.file_name().unwrap().to_string_lossy().into_owned();
                let p = reader.parse(&source, &std::fs::read(&path).unwrap());
                parsed.push((parsed.len() as u64, Arc::new(p)));
            }
        }
        assert!(parsed.len() > 20);
        let dir = tempfile::tempdir().unwrap();
        Cache::load(dir.path(), 1).save(&parsed);
        let cache = Cache::load(dir.path(), 1);
        for (hash, p) in &parsed {
            let read = cache.get(&p.source, *hash).unwrap_or_else(|| panic!("{} not kept", p.source));
            assert_eq!(format!("{read:?}"), format!("{p:?}"), "{}", p.source);
            assert!(cache.get(&p.source, hash + 1).is_none(), "other bytes, no model");
        }
        // Another coroner or site.toml: nothing is taken from the cache.
        assert!(Cache::load(dir.path(), 2).get(&parsed[0].1.source, parsed[0].0).is_none());
    }

    #[test]
    fn only_the_shards_that_changed_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default_for(dir.path());
        let reader = crate::ingest::Reader::new(&config);
        let models: Vec<(u64, Arc<Postmortem>)> = (0..200)
            .map(|i| (i, Arc::new(reader.parse(&format!("{i}.md"), format!("# Incident {i}\n").as_bytes()))))
            .collect();
        Cache::load(dir.path(), 1).save(&models);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let shards: Vec<PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        for shard in &shards {
            std::fs::File::options().write(true).open(shard).unwrap().set_modified(old).unwrap();
        }
        let cache = Cache::load(dir.path(), 1);
        let mut now: Vec<(u64, Arc<Postmortem>)> =
            models.iter().map(|(hash, p)| (*hash, cache.get(&p.source, *hash).unwrap())).collect();
        cache.save(&now);
        let rewritten = || shards.iter().filter(|s| std::fs::metadata(s).unwrap().modified().unwrap() != old).count();
        assert_eq!(rewritten(), 0, "nothing changed");
        now[7] = (1_000, Arc::new(reader.parse("7.md", b"# Incident 7, edited\n")));
        cache.save(&now);
        assert_eq!(rewritten(), 1, "one file changed");
    }
}
