//! Lists: the home page, one index per way of browsing (root cause,
//! service, severity, year) with a page per term, all paginated so that a
//! 10,000-incident archive never makes a huge page; and the Atom feeds and
//! sitemap that list the same incidents for machines.

use super::urls::{Browse, term_slug};
use super::{RenderError, Site};
use crate::archive::{Archive, IncidentIndex};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// The pager's links of a list that starts from the newest incident.
pub(super) const NEWEST_FIRST: [&str; 2] = ["← Newer", "Older →"];
/// The pager's links of one that starts from the oldest.
pub(super) const OLDEST_FIRST: [&str; 2] = ["← Older", "Newer →"];

/// Entries per feed: recent incidents are what subscribers want.
const FEED_ENTRIES: usize = 50;

/// How many values of a filter a page offers to pick from (the search
/// page's boxes, the home page's choices): the most used. A free-form
/// field reaches thousands of values (services); every one is on its
/// browse page (`services/`), and the search page takes any in its address.
pub(super) const OFFERED_VALUES: usize = 50;

/// The [`OFFERED_VALUES`] most used of `items` (`uses`: how many
/// incidents each has; ties go to the first), in the order given.
pub(super) fn most_used<T>(items: &[T], uses: impl Fn(&T) -> usize) -> Vec<&T> {
    if items.len() <= OFFERED_VALUES {
        return items.iter().collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(uses(&items[i])));
    order.truncate(OFFERED_VALUES);
    order.sort_unstable();
    order.into_iter().map(|i| &items[i]).collect()
}

/// A list to paginate: its first page's URL and what it shows.
struct List<'a> {
    title: String,
    description: Option<String>,
    /// `home`, or the browse folder (`tags`…) for term pages.
    kind: &'static str,
    url: String,
    items: &'a [IncidentIndex],
    feed: Option<String>,
    /// The pages to visit when the others are kept as they were (see
    /// [`KeptLists`]); `None`: every page.
    visit: Option<&'a [usize]>,
}

/// Each way of browsing with its term pages (see [`term_pages`]).
pub(super) type TermPages = [(Browse, Vec<(String, Vec<IncidentIndex>)>); 4];

pub(super) fn all_term_pages(archive: &Archive) -> TermPages {
    Browse::ALL.map(|browse| (browse, term_pages(archive, browse)))
}

/// The list pages a save leaves as they were (see [`super::touched`]):
/// each list whose incidents are those the previous render listed, by
/// the folder it is written in (`tags/dns/`; the home page's is empty), with
/// the pages still to visit: those showing a changed incident, and the
/// home page's first, which shows every term. A term's feed is kept
/// when no page is visited.
pub(super) struct KeptLists(HashMap<String, Vec<usize>>);

impl KeptLists {
    /// Whether `file` is a page (or the feed) of a list kept as it was.
    pub(super) fn keeps(&self, file: &str) -> bool {
        let (folder, page) = match file.strip_suffix("feed.xml") {
            Some(folder) => (folder, None),
            None => {
                let Some(folder) = file.strip_suffix("index.html") else { return false };
                // `<list>page/<n>/`, or the list's first page.
                let paged = (folder.strip_suffix('/').and_then(|f| f.rsplit_once('/')))
                    .and_then(|(list, n)| Some((list.strip_suffix("page")?, n.parse::<usize>().ok()?)));
                paged.map_or((folder, Some(1)), |(list, n)| (list, Some(n)))
            }
        };
        self.0.get(folder).is_some_and(|visit| page.map_or(visit.is_empty(), |n| !visit.contains(&n)))
    }
}

#[derive(Serialize)]
pub(super) struct Pagination {
    current: usize,
    total: usize,
    previous: Option<String>,
    next: Option<String>,
    /// What the links to the previous and next page say: lists go from
    /// the newest incident, open action items from the oldest.
    previous_label: &'static str,
    next_label: &'static str,
    /// First, last and the pages around the current one; `None` is a gap.
    pages: Vec<Option<PageLink>>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct TermCount {
    name: String,
    url: String,
    count: usize,
    label: Option<String>,
    description: Option<String>,
}

impl Site<'_> {
    /// The lists whose pages a save leaves as they were, but those it
    /// visits, given what it `touched`.
    pub(super) fn kept_lists(&self, pages: &TermPages, touched: &super::touched::Touched) -> KeptLists {
        let per_page = self.config.paginate;
        let folder = |url: &str| self.urls.file_for(url).trim_end_matches("index.html").to_string();
        let visit = |items: &[IncidentIndex]| -> Vec<usize> {
            let at = touched.changed.iter().filter_map(|i| items.binary_search(i).ok());
            at.map(|at| at / per_page + 1).collect()
        };
        let mut kept = HashMap::new();
        if !touched.home_reshaped {
            let postmortems: Vec<IncidentIndex> = (0..self.archive.postmortem_count()).collect();
            kept.insert(folder(self.urls.root()), [vec![1], visit(&postmortems)].concat());
        }
        for (browse, terms) in pages {
            for (name, items) in terms {
                if !touched.reshaped.contains(&(*browse, term_slug(name))) {
                    kept.insert(folder(&self.urls.term(*browse, name)), visit(items));
                }
            }
        }
        KeptLists(kept)
    }

    pub(super) fn write_lists(&self, pages: &TermPages, kept: Option<&KeptLists>) -> Result<(), RenderError> {
        let visit = |url: &str| {
            let kept = kept?;
            kept.0.get(self.urls.file_for(url).trim_end_matches("index.html")).map(Vec::as_slice)
        };
        let postmortems: Vec<IncidentIndex> = (0..self.archive.postmortem_count()).collect();
        let others: Vec<tera::Value> = (postmortems.len()..self.archive.incidents.len()).map(|i| self.row(i)).collect();
        let home = List {
            title: self.config.title.clone(),
            description: Some(self.config.description.clone()).filter(|d| !d.is_empty()),
            kind: "home",
            url: self.urls.root().to_string(),
            items: &postmortems,
            feed: Some(self.urls.page("feed.xml")),
            visit: visit(self.urls.root()),
        };
        // The values the search page filters by (a term page's name, one
        // per page), the most used of each: tags and services in
        // alphabetical order, years newest first.
        let names = |browse: Browse| {
            let (_, ordered) = pages.iter().find(|(b, _)| *b == browse).expect("every way of browsing");
            let mut names: Vec<&str> =
                most_used(ordered, |(_, list)| list.len()).into_iter().map(|(name, _)| name.as_str()).collect();
            if matches!(browse, Browse::Tags | Browse::Services) {
                names.sort_unstable();
            }
            names
        };
        let filters = serde_json::json!({
            "tags": names(Browse::Tags),
            "services": names(Browse::Services),
            "severity": names(Browse::Severity),
            "years": names(Browse::Years),
        });
        let others_and_filters = |versions: &[u64], h: &mut std::hash::DefaultHasher| {
            versions[postmortems.len()..].hash(h);
            filters.to_string().hash(h);
        };
        self.list(&home, others_and_filters, |context| {
            context.insert("others", &others);
            context.insert("filters", &filters);
        })?;
        for (browse, ordered) in pages {
            self.browse(*browse, ordered, &visit)?;
        }
        Ok(())
    }

    /// The index of one way of browsing, and a list per term (`ordered`,
    /// its [`term_pages`]); `visit` says which pages of a list to visit.
    fn browse<'k>(
        &self,
        browse: Browse,
        ordered: &[(String, Vec<IncidentIndex>)],
        visit: &(dyn Fn(&str) -> Option<&'k [usize]> + Sync),
    ) -> Result<(), RenderError> {
        let counts: Vec<TermCount> = ordered
            .iter()
            .map(|(name, list)| {
                let rule = (browse == Browse::Tags).then(|| self.config.taxonomy.get(name)).flatten();
                TermCount {
                    name: name.clone(),
                    url: self.urls.term(browse, name),
                    count: list.len(),
                    label: rule.map(|r| r.label.clone()),
                    description: rule.map(|r| r.description.clone()),
                }
            })
            .collect();
        let mut context = tera::Context::new();
        context.insert("browse", &browse);
        context.insert("title", browse.title());
        context.insert("terms", &counts);
        self.page("taxonomy.html", &self.urls.browse(browse), &context)?;

        ordered.par_iter().try_for_each(|(name, list)| {
            let rule = (browse == Browse::Tags).then(|| self.config.taxonomy.get(name)).flatten();
            let url = self.urls.term(browse, name);
            let title = match (browse, rule) {
                (Browse::Tags, Some(rule)) => format!("Root cause: {}", rule.label),
                (Browse::Tags, None) => format!("Root cause: {name}"),
                (Browse::Services, _) => format!("Service: {name}"),
                (Browse::Severity, _) => format!("Severity: {name}"),
                (Browse::Years, _) => format!("Incidents in {name}"),
            };
            let feed = (browse == Browse::Tags).then(|| format!("{url}feed.xml"));
            let visit = visit(&url);
            if let Some(feed_url) = feed.as_ref().filter(|_| visit.is_none_or(|pages| !pages.is_empty())) {
                let entries = |versions: &[u64], h: &mut std::hash::DefaultHasher| {
                    (&title, list.iter().map(|&i| versions[i]).collect::<Vec<_>>()).hash(h);
                };
                if !self.unchanged(feed_url, entries) {
                    self.feed(&title, feed_url, &url, list)?;
                }
            }
            let term = List {
                title,
                description: rule.map(|r| r.description.clone()),
                kind: browse.folder(),
                url,
                items: list,
                feed,
                visit,
            };
            self.list(
                &term,
                |_: &[u64], h: &mut std::hash::DefaultHasher| name.hash(h),
                |context| context.insert("term", name),
            )
        })
    }

    /// Every page of one list; `extend` adds to the first page's context,
    /// and `extended` hashes what it adds (for the preview's memo).
    fn list(
        &self,
        list: &List,
        extended: impl Fn(&[u64], &mut std::hash::DefaultHasher) + Sync,
        extend: impl Fn(&mut tera::Context) + Sync,
    ) -> Result<(), RenderError> {
        let per_page = self.config.paginate;
        let total = list.items.len().div_ceil(per_page).max(1);
        (1..=total).into_par_iter().try_for_each(|number| {
            if list.visit.is_some_and(|pages| !pages.contains(&number)) {
                return Ok(());
            }
            let start = (number - 1) * per_page;
            let shown = || list.items.iter().skip(start).take(per_page);
            let url = self.urls.paged(&list.url, number);
            let key = |versions: &[u64], h: &mut std::hash::DefaultHasher| {
                (&list.title, &list.description, list.kind, &list.url, list.items.len(), &list.feed).hash(h);
                (number, total, shown().map(|&i| versions[i]).collect::<Vec<_>>()).hash(h);
                if number == 1 {
                    extended(versions, h);
                }
            };
            if self.unchanged(&url, key) {
                return Ok(());
            }
            let rows: Vec<tera::Value> = shown().map(|&i| self.row(i)).collect();
            let mut context = tera::Context::new();
            context.insert(
                "list",
                &serde_json::json!({
                    "title": list.title,
                    "description": list.description,
                    "kind": list.kind,
                    "url": list.url,
                    "count": list.items.len(),
                    "feed": list.feed,
                }),
            );
            context.insert("rows", &rows);
            context.insert("pagination", &self.pagination(&list.url, number, total, NEWEST_FIRST));
            if number == 1 {
                extend(&mut context);
            }
            self.page("list.html", &url, &context)
        })
    }

    pub(super) fn pagination(
        &self,
        first: &str,
        current: usize,
        total: usize,
        labels: [&'static str; 2],
    ) -> Pagination {
        let link = |number| PageLink { number, url: self.urls.paged(first, number), current: number == current };
        let mut pages = Vec::new();
        let mut last_shown = 0;
        for number in 1..=total {
            let near = number.abs_diff(current) <= 2;
            if number == 1 || number == total || near {
                if number > last_shown + 1 {
                    pages.push(None);
                }
                pages.push(Some(link(number)));
                last_shown = number;
            }
        }
        Pagination {
            current,
            total,
            previous: (current > 1).then(|| self.urls.paged(first, current - 1)),
            next: (current < total).then(|| self.urls.paged(first, current + 1)),
            previous_label: labels[0],
            next_label: labels[1],
            pages,
        }
    }

    /// An Atom feed of the newest dated incidents of `items`.
    fn feed(&self, title: &str, feed_url: &str, page_url: &str, items: &[IncidentIndex]) -> Result<(), RenderError> {
        let entries: Vec<serde_json::Value> = items
            .iter()
            .map(|&i| &self.archive.incidents[i])
            .filter_map(|p| Some((p, updated(p)?)))
            .take(FEED_ENTRIES)
            .map(|(p, updated)| {
                serde_json::json!({
                    "title": p.display_title,
                    "url": self.urls.absolute(&self.urls.incident(&p.id)),
                    "updated": updated,
                    "summary": p.summary,
                    "when": super::view::when(p, self.zone()).map(|w| w.text),
                    "tags": p.tags,
                    "authors": p.authors,
                })
            })
            .collect();
        let updated = entries.first().and_then(|e| e["updated"].as_str().map(str::to_string));
        let mut context = tera::Context::new();
        context.insert(
            "feed",
            &serde_json::json!({
                "title": title,
                "url": self.urls.absolute(feed_url),
                "page": self.urls.absolute(page_url),
                "updated": updated.unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
            }),
        );
        context.insert("entries", &entries);
        self.page("feed.xml", feed_url, &context)
    }
}

/// URLs a sitemap may hold (sitemaps.org): a larger site gets several,
/// listed by a sitemap index, and no more than one's URLs are held at once.
const SITEMAP_URLS: usize = 50_000;

/// One `<url>` of the sitemap.
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// The site feed and the sitemap: `sitemap.xml`, or when the site has
/// more pages than one sitemap may list, `sitemaps/1.xml`, `2.xml`… and
/// `sitemap.xml` indexing them.
pub(super) fn feeds_and_sitemap(site: &Site) -> Result<(), RenderError> {
    let postmortems: Vec<IncidentIndex> = site.archive.postmortems().map(|(i, _)| i).collect();
    let feed_url = site.urls.page("feed.xml");
    site.feed(&site.config.title, &feed_url, site.urls.root(), &postmortems)?;
    sitemaps(site, SITEMAP_URLS)
}

/// The sitemap, or sitemaps of `per_sitemap` URLs and their index.
fn sitemaps(site: &Site, per_sitemap: usize) -> Result<(), RenderError> {
    let absolute = |page: &str| SitemapUrl { loc: site.urls.absolute(page), lastmod: None };
    let listed = || {
        let summaries = ["stats/", super::RECURRENCES_PAGE, "actions/"].map(|page| absolute(&site.urls.page(page)));
        let browse = Browse::ALL.into_iter().flat_map(|browse| {
            let terms =
                terms(site.archive, browse).into_iter().map(move |(name, _)| absolute(&site.urls.term(browse, &name)));
            std::iter::once(absolute(&site.urls.browse(browse))).chain(terms)
        });
        let incidents = site.archive.incidents.iter().map(|p| SitemapUrl {
            loc: site.urls.absolute(&site.urls.incident(&p.id)),
            lastmod: p.date.map(|d| d.to_string()),
        });
        std::iter::once(absolute(site.urls.root())).chain(summaries).chain(browse).chain(incidents)
    };
    let count = 1
        + 3
        + Browse::ALL.iter().map(|&b| 1 + terms(site.archive, b).len()).sum::<usize>()
        + site.archive.incidents.len();
    let sitemaps = count.div_ceil(per_sitemap);
    let sitemap = |url: &str, urls: Vec<SitemapUrl>| {
        let mut context = tera::Context::new();
        context.insert("urls", &urls);
        site.page("sitemap.xml", url, &context)
    };
    if sitemaps <= 1 {
        return sitemap(&site.urls.page("sitemap.xml"), listed().collect());
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=sitemaps {
        let url = site.urls.page(&format!("sitemaps/{n}.xml"));
        sitemap(&url, listed().skip((n - 1) * per_sitemap).take(per_sitemap).collect())?;
        index.push_str("  <sitemap><loc>");
        let _ = pulldown_cmark_escape::escape_html_body_text(&mut index, &site.urls.absolute(&url));
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    site.write("sitemap.xml", index.as_bytes())
}

/// When an incident happened, as Atom wants it (RFC 3339), in the offset
/// the file wrote.
fn updated(p: &crate::model::Postmortem) -> Option<String> {
    match (p.start, p.date) {
        (Some(start), _) => Some(start.to_string()),
        (None, Some(date)) => Some(format!("{date}T00:00:00Z")),
        _ => None,
    }
}

/// Every term of one way of browsing, in order, with its incidents.
pub(super) fn terms(archive: &Archive, browse: Browse) -> Vec<(String, &[IncidentIndex])> {
    fn named(map: &BTreeMap<String, Vec<IncidentIndex>>) -> Vec<(String, &[IncidentIndex])> {
        map.iter().map(|(name, list)| (name.clone(), list.as_slice())).collect()
    }
    let taxonomies = &archive.taxonomies;
    match browse {
        Browse::Tags => named(&taxonomies.tags),
        Browse::Services => named(&taxonomies.services),
        Browse::Severity => named(&taxonomies.severity),
        Browse::Years => taxonomies.years.iter().map(|(year, list)| (year.to_string(), list.as_slice())).collect(),
    }
}

/// The terms that get a page, in display order (years newest first,
/// tags and services most used first), each with its incidents in archive order:
/// terms that make the same URL (`Order API`, `order-api`) share one,
/// under the first name.
pub(super) fn term_pages(archive: &Archive, browse: Browse) -> Vec<(String, Vec<IncidentIndex>)> {
    let mut by_slug: BTreeMap<String, (String, Vec<IncidentIndex>)> = BTreeMap::new();
    for (name, list) in terms(archive, browse) {
        let entry = by_slug.entry(term_slug(&name)).or_insert_with(|| (name, Vec::new()));
        entry.1.extend_from_slice(list);
    }
    let mut pages: Vec<(String, Vec<IncidentIndex>)> = by_slug.into_values().collect();
    for (_, list) in &mut pages {
        list.sort_unstable();
        list.dedup();
    }
    match browse {
        Browse::Years => pages.sort_by(|a, b| b.0.cmp(&a.0)),
        Browse::Severity => {}
        Browse::Tags | Browse::Services => pages.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0))),
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::content::Ingested;
    use crate::render::output::Memory;
    use std::sync::Arc;

    #[test]
    fn a_filter_offers_its_most_used_values_in_their_order() {
        let few: Vec<usize> = (0..OFFERED_VALUES).collect();
        assert_eq!(most_used(&few, |&n| n).len(), OFFERED_VALUES, "all, when no more than offered");
        // Uses 1, 0, 1, 0…: the ones are the most used, ties to the first.
        let many: Vec<(usize, usize)> = (0..OFFERED_VALUES * 3).map(|i| (i, (i + 1) % 2)).collect();
        let offered: Vec<usize> = most_used(&many, |&(_, uses)| uses).into_iter().map(|&(i, _)| i).collect();
        let expected: Vec<usize> = (0..OFFERED_VALUES).map(|n| 2 * n).collect();
        assert_eq!(offered, expected);
    }

    #[test]
    fn a_site_with_more_pages_than_a_sitemap_holds_gets_an_index_of_sitemaps() {
        let config = Config::default_for(std::path::Path::new("."));
        let reader = crate::ingest::Reader::new(&config);
        let postmortems = ["a", "b", "c"]
            .map(|id| Arc::new(reader.parse(&format!("{id}.md"), format!("# Outage {id}\n").as_bytes())))
            .to_vec();
        let archive = Archive::assemble(Ingested { postmortems, ..Ingested::default() }, &config, Default::default());
        let render = |per_sitemap| {
            let memory = Memory::default();
            sitemaps(&Site::new(&archive, &config, &memory, None).unwrap(), per_sitemap).unwrap();
            memory.into_files()
        };
        let text = |files: &crate::render::output::Site, name: &str| String::from_utf8(files[name].to_vec()).unwrap();
        let one = render(SITEMAP_URLS);
        let all = text(&one, "sitemap.xml").matches("<loc>").count();
        let split = render(4);
        let index = text(&split, "sitemap.xml");
        assert!(index.contains("<sitemapindex"), "{index}");
        let parts: Vec<String> =
            (1..=index.matches("<sitemap>").count()).map(|n| text(&split, &format!("sitemaps/{n}.xml"))).collect();
        assert!(parts.len() > 1 && parts.iter().all(|p| p.matches("<loc>").count() <= 4));
        assert_eq!(parts.concat().matches("<loc>").count(), all, "every URL once");
        assert!(index.contains("<loc>/sitemaps/2.xml</loc>"), "{index}");
    }
}
