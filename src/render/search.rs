//! The search page and the records of the static search bundle behind it:
//! one Pagefind record per incident, with the same filter values as the
//! archive's term pages, so that ticking "database" finds what
//! `/tags/database/` lists.

use super::lists::term_pages;
use super::urls::{Browse, Urls, term_slug};
use super::{RenderError, Site};
use crate::archive::Archive;
use crate::model::Kind;
use crate::search::bundle::Record;
use std::collections::BTreeMap;

/// Each way of browsing with its term pages (see `lists::term_pages`).
type TermPages = [(Browse, Vec<(String, Vec<crate::archive::IncidentIndex>)>); 4];

fn all_term_pages(archive: &Archive) -> TermPages {
    Browse::ALL.map(|browse| (browse, term_pages(archive, browse)))
}

/// The static search bundle's records, in archive order. They need only
/// the assembled archive (not its related incidents nor the rendered
/// pages), so the bundle can be built beside everything else.
///
/// Pagefind searches every meta field besides the text, so `meta` holds
/// only what may match a query: the title, the date, the duration in
/// minutes, the summary as lists show it, the headings, and the kind of a
/// file that is not a postmortem ("template"). A result's tags, services and severity
/// are its filter values; the search page links them to their term pages.
pub fn search_records(archive: &Archive) -> Vec<Record> {
    let mut filters: Vec<BTreeMap<String, Vec<String>>> = vec![BTreeMap::new(); archive.incidents.len()];
    for (browse, pages) in all_term_pages(archive) {
        for (name, list) in pages {
            for i in list {
                filters[i].entry(browse.filter().to_string()).or_default().push(name.clone());
            }
        }
    }
    // Tags and services in the incident's own order, as its rows list them.
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
    // Result URLs are relative to the site root: Pagefind's script adds
    // the path it was loaded from, so a subpath base URL just works.
    let root_relative = Urls::new("/");
    archive
        .incidents
        .iter()
        .zip(filters)
        .map(|(p, filters)| {
            let mut meta = BTreeMap::from([("title".to_string(), p.display_title.clone())]);
            let mut add = |name: &str, value: Option<String>| {
                if let Some(value) = value {
                    meta.insert(name.to_string(), value);
                }
            };
            add("date", p.date.map(|d| d.to_string()));
            add("minutes", p.duration_minutes.map(|m| m.to_string()));
            add("summary", p.summary.as_deref().map(list_summary));
            add("kind", (p.kind != Kind::Postmortem).then(|| p.kind.as_str().to_string()));
            add("keywords", (!p.keywords.is_empty()).then(|| p.keywords.join(", ")));
            add("headings", (!p.headings.is_empty()).then(|| p.headings.join(" · ")));
            Record {
                url: root_relative.incident(&p.id),
                // Prose only: an excerpt quotes the text around a match, and
                // where only the title or a heading matched, the text's start.
                content: p.text.clone(),
                meta,
                filters,
            }
        })
        .collect()
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
    /// The search page; its filters list the values of the term pages.
    pub(super) fn search_page(&self) -> Result<(), RenderError> {
        let mut context = tera::Context::new();
        context.insert(
            "filters",
            &all_term_pages(self.archive)
                .iter()
                .map(|(browse, pages)| {
                    serde_json::json!({
                        "name": browse.filter(),
                        "title": browse.title(),
                        "url": self.urls.browse(*browse),
                        "values": pages
                            .iter()
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

    /// Write the static search bundle's files (see `search::bundle::files`).
    pub fn write_search_bundle(&self, files: &[(String, Vec<u8>)]) -> Result<(), RenderError> {
        for (path, bytes) in files {
            self.write(path, bytes)?;
        }
        Ok(())
    }
}
