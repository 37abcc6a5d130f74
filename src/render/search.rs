//! The search page and the static search index behind it: one document
//! per incident, with the same filter values as the archive's term pages,
//! so that ticking "database" finds what `/tags/database/` lists.

use super::lists::{TermPages, all_term_pages, most_used};
use super::urls::{Browse, Urls, term_slug};
use super::{RenderError, Site};
use crate::archive::Archive;
use crate::model::Kind;
use crate::search::static_index::{self, Filter, Searchable};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

/// Each incident's filter values, named as the term pages name them (and
/// the search page's boxes), its tags and services in its own order as
/// its rows list them.
fn filter_values(archive: &Archive, pages: &TermPages) -> Vec<BTreeMap<&'static str, Vec<String>>> {
    let mut filters: Vec<BTreeMap<&'static str, Vec<String>>> = vec![BTreeMap::new(); archive.incidents.len()];
    for (browse, pages) in pages {
        for (name, list) in pages {
            for &i in list {
                filters[i].entry(browse.filter()).or_default().push(name.clone());
            }
        }
    }
    for (p, filters) in archive.incidents.iter().zip(&mut filters) {
        for (browse, own) in [(Browse::Tags, &p.tags), (Browse::Services, &p.services)] {
            if let Some(values) = filters.get_mut(browse.filter()) {
                // One slug per name, so that thousands of services stay linear.
                let mut place = std::collections::HashMap::with_capacity(own.len());
                for (i, o) in own.iter().enumerate() {
                    place.entry(term_slug(o)).or_insert(i);
                }
                values.sort_by_cached_key(|v| place.get(&term_slug(v)).copied());
            }
        }
    }
    filters
}

/// What a result shows: what the archive's rows show (title, date,
/// duration, summary, kind of a file that is not a postmortem, severity,
/// tags, services) and the text its excerpt quotes: prose only, so that
/// an excerpt never quotes a heading or a label. The URL is relative to
/// the site root; the page adds its own path, so a subpath `base_url` works.
fn result(archive: &Archive, i: usize, filters: &BTreeMap<&'static str, Vec<String>>) -> Map<String, Value> {
    let p = &archive.incidents[i];
    let mut fields = Map::new();
    fields.insert("url".into(), Urls::new("/").incident(&p.id).into());
    fields.insert("title".into(), p.display_title.clone().into());
    let mut add = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            fields.insert(name.into(), value);
        }
    };
    add("date", p.date.map(|d| d.to_string().into()));
    add("minutes", p.duration_minutes.map(Value::from));
    add("summary", p.summary.as_deref().map(|s| list_summary(s).into()));
    add("kind", (p.kind != Kind::Postmortem).then(|| p.kind.as_str().into()));
    for (name, values) in filters {
        fields.insert((*name).into(), json!(values));
    }
    fields.insert("text".into(), p.text.clone().into());
    fields
}

/// A summary as the archive's lists show it (`truncate(length=240)`).
fn list_summary(summary: &str) -> String {
    match summary.char_indices().nth(240) {
        Some((cut, _)) => format!("{}…", &summary[..cut]),
        None => summary.to_string(),
    }
}

/// "template", "list", "other": the kind as the archive's pages name it.
impl Site<'_> {
    /// The search page; its filters list the values of the term pages,
    /// the most used of each (`more`: how many others its browse page has).
    pub(super) fn search_page(&self, pages: &TermPages) -> Result<(), RenderError> {
        let mut context = tera::Context::new();
        context.insert(
            "filters",
            &pages
                .iter()
                .map(|(browse, pages)| {
                    let offered = most_used(pages, |(_, list)| list.len());
                    serde_json::json!({
                        "name": browse.filter(),
                        "title": browse.title(),
                        "url": self.urls.browse(*browse),
                        "more": pages.len() - offered.len(),
                        "values": offered
                            .into_iter()
                            .map(|(name, list)| {
                                let url = self.urls.term(*browse, name);
                                serde_json::json!({ "name": name, "count": list.len(), "url": url })
                            })
                            .collect::<Vec<_>>(),
                    })
                })
                .collect::<Vec<_>>(),
        );
        self.page("search.html", &self.urls.page("search/"), &context)
    }

    /// Write the static search index (see `search::static_index`). Each
    /// incident's result file is made again only when what it shows or
    /// its number changed. The rest is made from every incident's word
    /// counts, those of the incidents that did not change as the previous
    /// build kept them (`previous`, read only when needed), and only its
    /// shards that changed are made again. When no incident changed (the
    /// memo's versions are the same), its files stay as published and it
    /// is not made at all. Returns the number of files written (those kept
    /// are counted as the memo's), and the counts to keep for the next
    /// build, when made.
    pub fn write_search_index(
        &self,
        previous: impl FnOnce() -> Option<static_index::Kept>,
    ) -> Result<(usize, Option<Vec<u8>>), RenderError> {
        let archive = self.archive;
        let pages = all_term_pages(archive);
        let values = filter_values(archive, &pages);
        let n = archive.incidents.len();
        // Straight to the sink: the pages' file count is read while this runs.
        let put = |path: &str, bytes: &[u8]| Ok::<_, RenderError>(self.sink.write(path, bytes)?);
        let results = static_index::write_results(
            n,
            &|i| {
                let shows = |versions: &[u64], h: &mut std::hash::DefaultHasher| (versions[i], n, &values[i]).hash(h);
                (!self.unchanged(&static_index::result_path(n, i), shows)).then(|| result(archive, i, &values[i]))
            },
            &put,
        )?;
        let key = self.memo.as_ref().map(|memo| {
            let mut hasher = std::hash::DefaultHasher::new();
            memo.versions.hash(&mut hasher);
            hasher.finish()
        });
        if let Some(key) = key
            && self.unchanged_folder(static_index::FOLDER, key)
        {
            return Ok((results, None));
        }
        let docs: Vec<Searchable> = archive
            .incidents
            .iter()
            .map(|p| Searchable {
                title: std::iter::once(p.display_title.as_str()).chain(p.headings.iter().map(String::as_str)).collect(),
                root_cause: p.root_cause.as_deref().unwrap_or(""),
                body: std::iter::once(p.text.as_str()).chain(p.keywords.iter().map(String::as_str)).collect(),
            })
            .collect();
        let filters: Vec<Filter> = pages
            .iter()
            .map(|(browse, pages)| Filter {
                name: browse.filter(),
                values: pages.iter().map(|(name, list)| (name.as_str(), list.as_slice())).collect(),
            })
            .collect();
        let remember = |path: &str| {
            if let Some(key) = key {
                self.remember(path, key);
            }
        };
        let put_rest = |path: &str, bytes: &[u8]| {
            remember(path);
            put(path, bytes)
        };
        let keep = |path: &str| {
            let kept = self.sink.keep(path);
            if kept {
                self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                remember(path);
            }
            kept
        };
        let output = static_index::Output { put: &put_rest, keep: &keep };
        let (files, kept) = static_index::write(&docs, &filters, previous().as_ref(), &output)?;
        Ok((results + files, Some(kept)))
    }
}
