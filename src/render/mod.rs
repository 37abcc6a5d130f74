//! The HTML site: every page of the output layout (DESIGN.md), rendered
//! with tera from the [`Archive`], in parallel, into a [`Sink`]: a staging
//! folder for `build`, memory for `serve`. Nothing here parses
//! postmortems: the model and the archive say it all.

pub mod charts;
mod lists;
pub mod markdown;
pub mod output;
mod search;
pub mod theme;
pub mod touched;
pub mod urls;
pub mod view;

use crate::archive::stats::Stats;
use crate::archive::{Archive, IncidentIndex, Target};
use crate::config::Config;
use crate::diagnostics::{Finding, Severity};
use markdown::{LinkTarget, TocEntry};
use output::{OutputError, Sink};
use rayon::prelude::*;
use serde::{Serialize, Serializer as _};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use theme::{Theme, ThemeError};
use urls::Urls;
use view::{Fact, Moment, PhasesText, RecurrenceView, Row};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error("template {template} failed: {message}; fix the template or remove your override of it")]
    Template { template: String, message: String },
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("cannot read {path}, which a postmortem links to: {source}")]
    Asset { path: std::path::PathBuf, source: std::io::Error },
}

/// What was written, for the build's summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rendered {
    /// HTML pages (incidents, lists, stats…), redirects excluded.
    pub pages: usize,
    /// Every file written: pages, feeds, JSON, static files.
    pub files: usize,
    /// Files the memo kept as the previous render left them, counted in
    /// neither of the above, and how many of them are HTML pages.
    pub kept: usize,
    pub kept_pages: usize,
}

/// Which files of the site to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every file: what `build` publishes.
    Everything,
    /// Every page but the summaries of the whole archive: what the preview
    /// server renders on every save. (Neither scope holds the static search
    /// index: `build` writes it beside the render, and the preview answers
    /// searches itself.)
    Pages,
    /// The summaries, each of which changes with any incident: stats, open
    /// action items, archive.json, list.json, the site feed and sitemap.
    /// The preview renders them when one is asked for.
    Summaries,
}

/// What the preview server remembers of its previous render, so that it
/// renders again only the pages whose inputs changed.
pub struct Memo<'m> {
    /// Per incident, in archive order: changes whenever anything the
    /// incident shows of itself does (a hash of its source bytes and id).
    pub versions: &'m [u64],
    /// Each page's key at the previous render (see [`Site::keys`]).
    pub previous: &'m HashMap<String, u64>,
    /// Which incident pages may have changed since the previous render
    /// ([`touched::touched`]), given only when that render made every
    /// incident's page: the others are carried over unvisited, and keep
    /// their keys in `previous`. `None`: every page is checked.
    pub touched: Option<&'m touched::Touched>,
}

/// Items a page of the lists that grow with the archive but are no list
/// of incidents (open action items, recurrences): one page of them all
/// was 36,000 action items and 10 MB of HTML at 10,000 incidents.
const LONG_PAGE: usize = 500;
/// The newest recurrences the stats page shows; the rest are listed at
/// [`RECURRENCES_PAGE`].
const RECURRENCES_ON_STATS: usize = 10;
const RECURRENCES_PAGE: &str = "stats/recurrences/";

/// Everything a page needs, prepared once per build.
pub struct Site<'a> {
    archive: &'a Archive,
    config: &'a Config,
    urls: Urls,
    theme: Theme,
    tera: tera::Tera,
    /// Each incident as a list row, converted once and shared by every list.
    /// Made when first needed: the preview renders few pages per save.
    rows: Vec<std::sync::OnceLock<tera::Value>>,
    /// Archive findings (broken links…) by file, shown on the incident page.
    findings: HashMap<&'a str, Vec<&'a Finding>>,
    /// The day ages of action items are counted to.
    today: jiff::civil::Date,
    sink: &'a dyn Sink,
    memo: Option<Memo<'a>>,
    /// Per incident, the recurrences it is part of, so that a page and its
    /// key need not scan them all.
    recurring: Recurring,
    /// The key of every page checked against the memo, for the next one.
    keys: Mutex<HashMap<String, u64>>,
    pages: AtomicUsize,
    files: AtomicUsize,
    kept: AtomicUsize,
    kept_pages: AtomicUsize,
}

/// The site-wide values every template sees as `site`.
#[derive(Serialize)]
struct SiteValues<'a> {
    title: &'a str,
    description: &'a str,
    /// Full URL of the root when `base_url` names a host, else its path.
    base_url: String,
    root: &'a str,
    extra: &'a toml::Table,
    recurrence_window_days: u32,
    urls: SiteUrls,
    generator: &'static str,
}

#[derive(Serialize)]
struct SiteUrls {
    home: String,
    tags: String,
    services: String,
    severity: String,
    years: String,
    stats: String,
    search: String,
    search_index: String,
    actions: String,
    feed: String,
    css: String,
    js: String,
    list_json: String,
    archive_json: String,
}

impl<'a> Site<'a> {
    /// `memo`, when given, lets pages whose inputs did not change keep
    /// what `sink` already holds.
    pub fn new(
        archive: &'a Archive,
        config: &'a Config,
        sink: &'a dyn Sink,
        memo: Option<Memo<'a>>,
    ) -> Result<Site<'a>, RenderError> {
        let theme = Theme::load(&config.root, &config.theme)?;
        let mut tera = theme.tera()?;
        let urls = Urls::new(&config.base_url);
        let site = SiteValues {
            title: &config.title,
            description: &config.description,
            base_url: urls.absolute(urls.root()),
            root: urls.root(),
            extra: &config.extra,
            recurrence_window_days: config.recurrence_window_days,
            urls: SiteUrls {
                home: urls.root().to_string(),
                tags: urls.browse(urls::Browse::Tags),
                services: urls.browse(urls::Browse::Services),
                severity: urls.browse(urls::Browse::Severity),
                years: urls.browse(urls::Browse::Years),
                stats: urls.page("stats/"),
                search: urls.page("search/"),
                search_index: urls.page("search/data/"),
                actions: urls.page("actions/"),
                feed: urls.page("feed.xml"),
                css: urls.page("style.css"),
                js: urls.page("coroner.js"),
                list_json: urls.page("list.json"),
                archive_json: urls.page("archive.json"),
            },
            generator: concat!("coroner ", env!("CARGO_PKG_VERSION")),
        };
        tera.global_context().insert("site", &site);
        let rows = archive.incidents.iter().map(|_| std::sync::OnceLock::new()).collect();
        let mut findings: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &archive.findings {
            findings.entry(f.source.as_str()).or_default().push(f);
        }
        Ok(Site {
            archive,
            config,
            urls,
            theme,
            tera,
            rows,
            findings,
            today: build_date(),
            sink,
            memo,
            recurring: Recurring::of(archive),
            keys: Mutex::default(),
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
            kept_pages: AtomicUsize::new(0),
        })
    }

    /// Render and write every file of the site. `tick` is called once per
    /// incident page, for a progress bar.
    pub fn render_all(&self, tick: &(dyn Fn() + Sync)) -> Result<Rendered, RenderError> {
        self.render(Scope::Everything, tick)
    }

    /// Render what `scope` says; see [`Site::render_all`].
    pub fn render(&self, scope: Scope, tick: &(dyn Fn() + Sync)) -> Result<Rendered, RenderError> {
        if scope == Scope::Summaries {
            self.summaries()?;
            return Ok(self.rendered());
        }
        let terms = lists::all_term_pages(self.archive);
        let carried = self.carry_untouched(&terms);
        let (touched, kept_lists) = carried.map_or((None, None), |(touched, kept)| (Some(touched), Some(kept)));
        (0..self.archive.incidents.len()).into_par_iter().try_for_each(|i| {
            if touched.is_none_or(|touched| touched[i]) {
                self.incident_page(i)?;
            }
            tick();
            Ok::<_, RenderError>(())
        })?;
        self.write_lists(&terms, kept_lists.as_ref())?;
        if scope == Scope::Everything {
            self.summaries()?;
        }
        self.search_page(&terms)?;
        self.page("404.html", "404.html", &tera::Context::new())?;
        self.redirects()?;
        self.write_static()?;
        Ok(self.rendered())
    }

    /// With the memo's `touched`, keep every untouched incident page and
    /// list page as the previous render left them (which must have rendered
    /// every page), in one pass, and return which incident pages and lists
    /// are still to visit. `None`: visit them all (no memo of touched
    /// pages, or a sink that cannot carry).
    fn carry_untouched(&self, terms: &lists::TermPages) -> Option<(&'a [bool], lists::KeptLists)> {
        let touched = self.memo.as_ref()?.touched?;
        let incidents = &self.archive.incidents;
        let visited: std::collections::HashSet<String> = (0..incidents.len())
            .filter(|&i| touched.pages[i])
            .map(|i| self.urls.file_for(&self.urls.incident(&incidents[i].id)))
            .collect();
        // A redirect may sit where an incident's page would: those of the
        // changed incidents are made again (or go) with the others.
        let redirects: std::collections::HashSet<String> =
            touched.aliases.iter().map(|path| self.urls.file_for(&self.urls.page(path))).collect();
        let kept_lists = self.kept_lists(terms, touched);
        let feeds = AtomicUsize::new(0);
        let carried = |file: &str| {
            let incident = touched::is_incident_page(file) && !visited.contains(file) && !redirects.contains(file);
            let carried = incident || kept_lists.keeps(file);
            if carried && file.ends_with(".xml") {
                feeds.fetch_add(1, Ordering::Relaxed);
            }
            carried
        };
        let kept = self.sink.keep_where(&carried)?;
        self.kept.fetch_add(kept, Ordering::Relaxed);
        self.kept_pages.fetch_add(kept - feeds.into_inner(), Ordering::Relaxed);
        Some((&touched.pages, kept_lists))
    }

    fn rendered(&self) -> Rendered {
        Rendered {
            pages: self.pages.load(Ordering::Relaxed),
            files: self.files.load(Ordering::Relaxed),
            kept: self.kept.load(Ordering::Relaxed),
            kept_pages: self.kept_pages.load(Ordering::Relaxed),
        }
    }

    /// The files that sum up the whole archive.
    fn summaries(&self) -> Result<(), RenderError> {
        self.stats_page()?;
        self.recurrences_pages()?;
        self.actions_page()?;
        self.machine_files()
    }

    /// Render `template` with `context` into the file for `url_path`.
    fn page(&self, template: &str, url_path: &str, context: &tera::Context) -> Result<(), RenderError> {
        let html = self
            .tera
            .render(template, context)
            .map_err(|e| RenderError::Template { template: template.to_string(), message: theme::one_line(&e) })?;
        if template.ends_with(".html") && template != "redirect.html" {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.write(&self.urls.file_for(url_path), html.as_bytes())
    }

    fn write(&self, file: &str, bytes: &[u8]) -> Result<(), RenderError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(self.sink.write(file, bytes)?)
    }

    /// Whether the page at `url_path` can stay as the previous render left
    /// it, because `key` (a hash of everything the page shows, given each
    /// incident's version) is the one it was rendered with. Always false
    /// without a memo, and then `key` is not computed.
    fn unchanged(&self, url_path: &str, key: impl FnOnce(&[u64], &mut std::hash::DefaultHasher)) -> bool {
        let Some(memo) = &self.memo else { return false };
        let mut hasher = std::hash::DefaultHasher::new();
        key(memo.versions, &mut hasher);
        let (file, key) = (self.urls.file_for(url_path), hasher.finish());
        let same = memo.previous.get(&file) == Some(&key) && self.sink.keep(&file);
        if same {
            self.kept.fetch_add(1, Ordering::Relaxed);
            if file.ends_with(".html") {
                self.kept_pages.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(file, key);
        same
    }

    /// Whether every file the previous render wrote under `folder` with
    /// `key` can stay as it left them: files made together from the
    /// whole archive (the static search index), kept or made again together.
    fn unchanged_folder(&self, folder: &str, key: u64) -> bool {
        let Some(memo) = &self.memo else { return false };
        let prefix = format!("{folder}/");
        let files: Vec<&String> =
            memo.previous.iter().filter(|&(file, k)| *k == key && file.starts_with(&prefix)).map(|(f, _)| f).collect();
        // Those kept before one that cannot be are written again, as is.
        if files.is_empty() || !files.iter().all(|file| self.sink.keep(file)) {
            return false;
        }
        self.kept.fetch_add(files.len(), Ordering::Relaxed);
        for file in files {
            self.remember(file, key);
        }
        true
    }

    /// Note `file`'s key for the next render's memo.
    fn remember(&self, file: &str, key: u64) {
        self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(file.to_string(), key);
    }

    /// The key of every page rendered or kept, for the next render's memo
    /// (but those carried over untouched: their keys stay as they were).
    pub fn keys(self) -> HashMap<String, u64> {
        self.keys.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The zone of files that write none, as `site.toml` names it.
    fn zone(&self) -> &str {
        &self.config.default_timezone.text
    }

    fn row(&self, index: IncidentIndex) -> tera::Value {
        let p = &self.archive.incidents[index];
        self.rows[index]
            .get_or_init(|| tera::Value::from_serializable(&Row::of(p, &self.urls, self.zone()).capped()))
            .clone()
    }

    /// Write one incident's page (unless the memo says it is unchanged).
    fn incident_page(&self, index: IncidentIndex) -> Result<(), RenderError> {
        let archive = self.archive;
        let p = &archive.incidents[index];
        let url = self.urls.incident(&p.id);
        if self.unchanged(&url, |versions, h| self.incident_key(index, versions, h)) {
            return Ok(());
        }
        let targets = archive.links[index]
            .iter()
            .map(|link| {
                let target = match &link.target {
                    Target::Incident { index: to, anchor } => {
                        let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
                        let page =
                            if *to == index { String::new() } else { self.urls.incident(&archive.incidents[*to].id) };
                        LinkTarget::Url(if page.is_empty() && fragment.is_empty() {
                            "#".into()
                        } else {
                            page + &fragment
                        })
                    }
                    Target::Asset { source } => LinkTarget::Url(self.urls.asset(source)),
                    Target::Broken { reason } => LinkTarget::Broken(reason.clone()),
                };
                (link.written.clone(), target)
            })
            .collect();
        // The page's header shows the title: the body need not repeat it.
        let shown: Vec<&str> = [Some(p.display_title.as_str()), p.title.as_deref()].into_iter().flatten().collect();
        let body = markdown::to_html(&p.body, &p.anchors, targets, self.config.unsafe_html, &shown);
        let (older, newer) = archive.neighbours(index);
        let zone = self.zone();
        let page = IncidentPage {
            url,
            body_html: body.html,
            toc: body.toc,
            title_id: body.title_id,
            facts: view::facts(p, &self.urls, zone),
            timeline: view::timeline(p, zone),
            phases: (&archive.phases[index]).into(),
            related: archive.related[index].iter().map(|&i| self.row(i)).collect(),
            backlinks: archive.backlinks[index].iter().map(|&i| self.row(i)).collect(),
            older: older.map(|i| self.row(i)),
            newer: newer.map(|i| self.row(i)),
            recurrences: view::recurrences(archive, index, self.recurring.at(index), &self.urls, zone),
            notices: self.notices(index),
        };
        let mut context = tera::Context::new();
        context.insert("incident", p);
        context.insert("page", &page);
        self.page("incident.html", &page.url, &context)
    }

    /// Everything an incident page shows, as versions: its own, those of
    /// the incidents it lists (related, backlinks, neighbours,
    /// recurrences) and where its links lead, and its findings.
    fn incident_key(&self, index: IncidentIndex, versions: &[u64], h: &mut std::hash::DefaultHasher) {
        let archive = self.archive;
        versions[index].hash(h);
        for &other in archive.related[index].iter().chain(archive.backlinks[index].iter()) {
            versions[other].hash(h);
        }
        let (older, newer) = archive.neighbours(index);
        (older.map(|i| versions[i]), newer.map(|i| versions[i])).hash(h);
        for link in archive.links[index].iter() {
            match &link.target {
                Target::Incident { index: to, anchor } => (versions[*to], anchor).hash(h),
                Target::Asset { source } => source.hash(h),
                Target::Broken { reason } => reason.hash(h),
            }
        }
        for r in self.recurring.at(index).iter().map(|&k| &archive.recurrences[k]) {
            (versions[r.earlier], versions[r.later], &r.tags, &r.services, r.days_apart).hash(h);
        }
        for finding in self.findings.get(archive.incidents[index].source.as_str()).into_iter().flatten() {
            (finding.diagnostic.code, finding.diagnostic.line, &finding.diagnostic.message).hash(h);
        }
    }

    /// Warnings and errors the reader should see on the page itself.
    fn notices(&self, index: IncidentIndex) -> Vec<Notice> {
        let p = &self.archive.incidents[index];
        let mut notices: Vec<Notice> = p
            .diagnostics
            .iter()
            .chain(self.findings.get(p.source.as_str()).into_iter().flatten().map(|f| &f.diagnostic))
            .filter(|d| d.severity >= Severity::Warning)
            .map(|d| Notice { code: d.code, line: d.line, message: d.message.clone(), help: d.help.clone() })
            .collect();
        if p.tz_assumed && p.start.is_some() {
            notices.push(Notice {
                code: "tz-assumed",
                line: 0,
                message: format!(
                    "No time zone is written in this postmortem; times are read as {}.",
                    self.config.default_timezone.text
                ),
                help: Some("write the zone next to the times, e.g. `## Timeline (UTC)`".into()),
            });
        }
        notices.sort_by_key(|n| n.line);
        notices
    }

    fn stats_page(&self) -> Result<(), RenderError> {
        let stats = Stats::of(self.archive);
        let bars = |counts: &[crate::archive::stats::Count]| -> Vec<charts::Bar> {
            counts
                .iter()
                .map(|c| charts::Bar { label: c.label.clone(), value: c.count as f64, text: c.count.to_string() })
                .collect()
        };
        let durations: Vec<charts::Bar> = stats
            .duration_by_tag
            .iter()
            .map(|s| charts::Bar { label: s.label.clone(), value: s.median as f64, text: view::minutes_text(s.median) })
            .collect();
        let charts = HashMap::from([
            ("per_quarter", charts::columns("Incidents per quarter", &bars(&stats.per_quarter))),
            ("by_tag", charts::horizontal("Incidents by root cause", &bars(&stats.by_tag))),
            ("by_severity", charts::horizontal("Incidents by severity", &bars(&stats.by_severity))),
            ("by_service", charts::horizontal("Incidents by service", &bars(&top(&stats.by_service, 20)))),
            ("duration_by_tag", charts::horizontal("Median duration by root cause", &durations)),
        ]);
        let newest = &self.archive.recurrences[..self.archive.recurrences.len().min(RECURRENCES_ON_STATS)];
        let recurrences: Vec<RecurrenceRow> = newest.iter().map(|r| self.recurrence_row(r)).collect();
        let spread = |s: &crate::archive::stats::Spread| {
            serde_json::json!({"label": s.label, "count": s.count,
                "median": view::minutes_text(s.median), "p90": view::minutes_text(s.p90)})
        };
        let mut context = tera::Context::new();
        context.insert("stats", &stats);
        context.insert("charts", &charts);
        context.insert("durations", &stats.duration_by_tag.iter().map(spread).collect::<Vec<_>>());
        context.insert("time_to_detect", &stats.time_to_detect.as_ref().map(spread));
        context.insert("time_to_resolve", &stats.time_to_resolve.as_ref().map(spread));
        context.insert("recurrences", &recurrences);
        context.insert("recurrences_url", &self.urls.page(RECURRENCES_PAGE));
        self.page("stats.html", &self.urls.page("stats/"), &context)
    }

    /// Every open action item, oldest incident first, a page at a time:
    /// only the order is kept for all of them, not their rows or text.
    fn actions_page(&self) -> Result<(), RenderError> {
        let age = |p: &crate::model::Postmortem| p.date.map(|d| i64::from((self.today - d).get_days()));
        let mut open: Vec<(Option<i64>, IncidentIndex, usize)> = Vec::new();
        for (i, p) in self.archive.postmortems() {
            let items = p.action_items.iter().enumerate().filter(|(_, a)| !a.done);
            open.extend(items.map(|(k, _)| (age(p), i, k)));
        }
        open.sort_by_key(|&(age, ..)| std::cmp::Reverse(age));
        self.long_list("actions.html", "actions/", &open, lists::OLDEST_FIRST, |shown, context| {
            let items: Vec<OpenItem> = shown
                .iter()
                .map(|&(age_days, i, k)| {
                    let (p, item) = (&self.archive.incidents[i], &self.archive.incidents[i].action_items[k]);
                    OpenItem {
                        text: &item.text,
                        owner: item.owner.as_deref(),
                        line: item.line,
                        incident: self.row(i),
                        opened: p.date.map(|d| d.to_string()),
                        age_days,
                    }
                })
                .collect();
            context.insert("items", &items);
        })
    }

    /// Every recurrence, newest first, a page at a time (the stats page
    /// shows the newest few): one per incident at most, but as a page of
    /// rows they took 130 MB at 10,000 incidents.
    fn recurrences_pages(&self) -> Result<(), RenderError> {
        self.long_list(
            "recurrences.html",
            RECURRENCES_PAGE,
            &self.archive.recurrences,
            lists::NEWEST_FIRST,
            |shown, context| {
                let recurrences: Vec<RecurrenceRow> = shown.iter().map(|r| self.recurrence_row(r)).collect();
                context.insert("recurrences", &recurrences);
            },
        )
    }

    fn recurrence_row<'r>(&self, r: &'r crate::archive::Recurrence) -> RecurrenceRow<'r> {
        RecurrenceRow {
            earlier: self.row(r.earlier),
            later: self.row(r.later),
            tags: &r.tags,
            services: &r.services,
            days_apart: r.days_apart,
        }
    }

    /// The pages of a list that grows with the archive, `LONG_PAGE` items
    /// a page, in parallel: `fill` adds one page's items to its context,
    /// beside `count` (of all items) and `pagination`.
    fn long_list<T: Sync>(
        &self,
        template: &str,
        path: &str,
        items: &[T],
        labels: [&'static str; 2],
        fill: impl Fn(&[T], &mut tera::Context) + Sync,
    ) -> Result<(), RenderError> {
        let first = self.urls.page(path);
        let total = items.len().div_ceil(LONG_PAGE).max(1);
        (1..=total).into_par_iter().try_for_each(|number| {
            let shown = items.chunks(LONG_PAGE).nth(number - 1).unwrap_or_default();
            let mut context = tera::Context::new();
            fill(shown, &mut context);
            context.insert("count", &items.len());
            context.insert("pagination", &self.pagination(&first, number, total, labels));
            self.page(template, &self.urls.paged(&first, number), &context)
        })
    }

    /// Redirect pages for front-matter aliases, never over a real page.
    fn redirects(&self) -> Result<(), RenderError> {
        for p in &self.archive.incidents {
            for alias in &p.aliases {
                let Some(path) = alias_path(alias) else { continue };
                let url = self.urls.page(&path);
                let file = self.urls.file_for(&url);
                if self.sink.has(&file) {
                    continue;
                }
                let mut context = tera::Context::new();
                context.insert("target", &self.urls.incident(&p.id));
                self.page("redirect.html", &url, &context)?;
            }
        }
        Ok(())
    }

    /// The theme's static files, and the content files postmortems link to.
    fn write_static(&self) -> Result<(), RenderError> {
        for (path, bytes) in self.theme.statics() {
            self.write(path, bytes)?;
        }
        for asset in &self.archive.assets {
            let bytes =
                std::fs::read(&asset.path).map_err(|source| RenderError::Asset { path: asset.path.clone(), source })?;
            self.write(&format!("assets/{}", asset.source), &bytes)?;
        }
        Ok(())
    }

    /// archive.json (the model of every incident, as `inspect` prints it)
    /// and list.json (the compact rows the home page filter searches),
    /// each written as it is serialised: both grow with the archive.
    fn machine_files(&self) -> Result<(), RenderError> {
        self.write_json("archive.json", |json| json.collect_seq(self.archive.incidents.iter()))?;
        // Rows again from the model: tera's maps have no stable key order.
        let rows = || self.archive.postmortems().map(|(_, p)| Row::of(p, &self.urls, self.zone()));
        self.write_json("list.json", |json| json.collect_seq(rows()))?;
        lists::feeds_and_sitemap(self)
    }

    /// Write the JSON array `serialise` makes into `file` as it comes.
    fn write_json(
        &self,
        file: &str,
        serialise: impl Fn(&mut serde_json::Serializer<&mut dyn std::io::Write>) -> serde_json::Result<()>,
    ) -> Result<(), RenderError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        let mut fill = |out: &mut dyn std::io::Write| {
            serialise(&mut serde_json::Serializer::new(out)).map_err(std::io::Error::from)
        };
        Ok(self.sink.write_with(file, &mut fill)?)
    }
}

/// The `page` value of `incident.html`.
#[derive(Serialize)]
struct IncidentPage<'a> {
    url: String,
    body_html: String,
    toc: Vec<TocEntry>,
    /// The id of the first heading the body leaves out (see `markdown::to_html`).
    title_id: Option<String>,
    facts: Vec<Fact>,
    timeline: Vec<Moment<'a>>,
    phases: PhasesText,
    related: Vec<tera::Value>,
    backlinks: Vec<tera::Value>,
    older: Option<tera::Value>,
    newer: Option<tera::Value>,
    recurrences: Vec<RecurrenceView<'a>>,
    notices: Vec<Notice>,
}

#[derive(Serialize)]
struct Notice {
    code: &'static str,
    line: u32,
    message: String,
    help: Option<String>,
}

/// One recurrence as `stats.html` and `recurrences.html` list it.
#[derive(Serialize)]
struct RecurrenceRow<'a> {
    earlier: tera::Value,
    later: tera::Value,
    tags: &'a [String],
    services: &'a [String],
    days_apart: i64,
}

#[derive(Serialize)]
struct OpenItem<'a> {
    text: &'a str,
    owner: Option<&'a str>,
    line: u32,
    incident: tera::Value,
    opened: Option<String>,
    age_days: Option<i64>,
}

/// Per incident, the recurrences it is part of (indices into
/// `archive.recurrences`, in their order), in two vectors rather than one
/// per incident: made on every save, for 100,000 incidents.
struct Recurring {
    /// Those of incident `i` are `of[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    of: Vec<usize>,
}

impl Recurring {
    fn of(archive: &Archive) -> Recurring {
        let ends = |r: &crate::archive::Recurrence| [r.earlier, r.later];
        let mut start = vec![0; archive.incidents.len() + 1];
        for i in archive.recurrences.iter().flat_map(|r| ends(r)) {
            start[i + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut of = vec![0; archive.recurrences.len() * 2];
        for (k, r) in archive.recurrences.iter().enumerate() {
            for i in ends(r) {
                of[next[i]] = k;
                next[i] += 1;
            }
        }
        Recurring { start, of }
    }

    fn at(&self, index: IncidentIndex) -> &[usize] {
        &self.of[self.start[index]..self.start[index + 1]]
    }
}

fn top(counts: &[crate::archive::stats::Count], n: usize) -> Vec<crate::archive::stats::Count> {
    counts.iter().take(n).cloned().collect()
}

/// An alias (`/2023/old-name/`, or a full URL) as a path inside the site;
/// `None` for anything that would leave the output folder.
fn alias_path(alias: &str) -> Option<String> {
    let path = alias.split_once("://").map_or(alias, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() || segments.iter().any(|s| *s == ".." || *s == "." || s.contains('\\')) {
        return None;
    }
    let joined = segments.join("/");
    Some(if joined.ends_with(".html") { joined } else { format!("{joined}/") })
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else today (UTC).
fn build_date() -> jiff::civil::Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(alias_path("/2023/old-name/").as_deref(), Some("2023/old-name/"));
        assert_eq!(alias_path("https://wiki.corp/pm/x").as_deref(), Some("pm/x/"));
        assert_eq!(alias_path("old.html").as_deref(), Some("old.html"));
        assert_eq!(alias_path("../../etc"), None);
        assert_eq!(alias_path("/"), None);
    }
}
