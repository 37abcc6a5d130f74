//! The search page and the static search bundle behind it: one Pagefind
//! record per incident, with the same filter values as the archive's term
//! pages, so that ticking "database" finds what `/tags/database/` lists.

use super::urls::{Browse, Urls};
use super::view::Row;
use super::{RenderError, Site};
use crate::search::bundle::{self, Record};
use std::collections::BTreeMap;

/// Each way of browsing with its term pages (see `Site::term_pages`).
pub(super) type TermPages = [(Browse, Vec<(String, Vec<crate::archive::IncidentIndex>)>); 4];

impl Site<'_> {
    /// Index every incident (`texts[i]` is the plain text of incident
    /// `i`'s page) and write the bundle and `search/index.html`.
    pub(super) fn search(&self, texts: Vec<String>) -> Result<(), RenderError> {
        let term_pages = self.all_term_pages();
        self.search_bundle(texts, &term_pages)?;
        self.search_page(&term_pages)
    }

    /// Every way of browsing with its term pages.
    pub(super) fn all_term_pages(&self) -> TermPages {
        Browse::ALL.map(|browse| (browse, self.term_pages(browse)))
    }

    fn search_bundle(&self, texts: Vec<String>, term_pages: &TermPages) -> Result<(), RenderError> {
        let mut filters: Vec<BTreeMap<String, Vec<String>>> = vec![BTreeMap::new(); texts.len()];
        for (browse, pages) in term_pages {
            for (name, list) in pages {
                for &i in list {
                    filters[i].entry(browse.filter().to_string()).or_default().push(name.clone());
                }
            }
        }
        // Result URLs are relative to the site root: Pagefind's script adds
        // the path it was loaded from, so a subpath base URL just works.
        let root_relative = Urls::new("/");
        let records = self
            .archive
            .incidents
            .iter()
            .zip(texts)
            .zip(filters)
            .map(|((p, text), filters)| {
                let row = serde_json::to_string(&Row::of(p, &self.urls)).unwrap_or_default();
                Record {
                    url: root_relative.incident(&p.id),
                    // The title is searched too; most pages start with it already.
                    content: if text.starts_with(&p.display_title) {
                        text
                    } else {
                        format!("{}\n{text}", p.display_title)
                    },
                    meta: BTreeMap::from([("title".into(), p.display_title.clone()), ("row".into(), row)]),
                    filters,
                    sort: p.date.map(|d| ("date".to_string(), d.to_string())).into_iter().collect(),
                }
            })
            .collect();
        for (path, bytes) in bundle::files(records, "en")? {
            self.write(&path, &bytes)?;
        }
        Ok(())
    }

    /// The search page; its filters list the values of the term pages.
    pub(super) fn search_page(&self, term_pages: &TermPages) -> Result<(), RenderError> {
        let mut context = tera::Context::new();
        context.insert(
            "filters",
            &term_pages
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
}
