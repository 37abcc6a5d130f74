//! The search page and the records of the static search bundle behind it:
//! one Pagefind record per incident, with the same filter values as the
//! archive's term pages, so that ticking "database" finds what
//! `/tags/database/` lists.

use super::lists::term_pages;
use super::urls::{Browse, Urls};
use super::view::Row;
use super::{RenderError, Site};
use crate::archive::Archive;
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
pub fn search_records(archive: &Archive, base_url: &str) -> Vec<Record> {
    let mut filters: Vec<BTreeMap<String, Vec<String>>> = vec![BTreeMap::new(); archive.incidents.len()];
    for (browse, pages) in all_term_pages(archive) {
        for (name, list) in pages {
            for i in list {
                filters[i].entry(browse.filter().to_string()).or_default().push(name.clone());
            }
        }
    }
    let urls = Urls::new(base_url);
    // Result URLs are relative to the site root: Pagefind's script adds
    // the path it was loaded from, so a subpath base URL just works.
    let root_relative = Urls::new("/");
    archive
        .incidents
        .iter()
        .zip(filters)
        .map(|(p, filters)| {
            let row = serde_json::to_string(&Row::of(p, &urls)).unwrap_or_default();
            Record {
                url: root_relative.incident(&p.id),
                // The title is searched too; most pages start with it already.
                content: if p.text.starts_with(&p.display_title) {
                    p.text.clone()
                } else {
                    format!("{}\n{}", p.display_title, p.text)
                },
                meta: BTreeMap::from([("title".into(), p.display_title.clone()), ("row".into(), row)]),
                filters,
                sort: p.date.map(|d| ("date".to_string(), d.to_string())).into_iter().collect(),
            }
        })
        .collect()
}

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
                            .map(|(name, list)| serde_json::json!({ "name": name, "count": list.len() }))
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
