//! The static search bundle: a Pagefind index of every incident, published
//! under `pagefind/` so that the search page works on any static host. It
//! is fed from the model and the rendered plain text, never by re-reading
//! the HTML, and sharded by Pagefind so that a query downloads little.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::BTreeMap;

/// The folder of the output the bundle is published in.
pub const FOLDER: &str = "pagefind";

/// One searchable incident.
#[derive(Debug, Clone, Default)]
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
    /// Sort key name → value (`date` → `2024-01-15`).
    pub sort: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
#[error("static search bundle: {0:#}")]
pub struct BundleError(anyhow::Error);

/// Index `records` (in this order, so the output is the same on every
/// run) and return the bundle's files as (path inside the output, bytes).
pub fn files(records: Vec<Record>, language: &str) -> Result<Vec<(String, Vec<u8>)>, BundleError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| BundleError(e.into()))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder().force_language(language.to_string()).build();
        let mut index = PagefindIndex::new(Some(options)).map_err(BundleError)?;
        for record in records {
            let Record { url, content, meta, filters, sort } = record;
            index
                .add_custom_record(url, content, language.to_string(), Some(meta), Some(filters), Some(sort))
                .await
                .map_err(BundleError)?;
        }
        let files = index.get_files().await.map_err(BundleError)?;
        Ok(files
            .into_iter()
            .map(|file| {
                let name = file.filename.to_string_lossy().replace('\\', "/");
                let inside = name.trim_start_matches("./").trim_start_matches(&format!("{FOLDER}/")).to_string();
                (format!("{FOLDER}/{inside}"), file.contents)
            })
            .collect())
    })
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
            sort: BTreeMap::from([("date".into(), "2024-01-15".into())]),
        }
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
}
