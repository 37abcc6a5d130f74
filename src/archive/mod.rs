//! Assemble: the one step that sees every postmortem at once. It orders
//! the archive, makes ids unique, resolves cross-links into backlinks,
//! groups the taxonomies and finds recurring incidents. Every output reads
//! the [`Archive`]; none of them parses markdown again. Related incidents
//! come from the search index, once the build has updated it.

mod links;
mod patch;
pub mod stats;

use crate::config::Config;
use crate::content::{ContentFile, FileProblem, Ingested};
use crate::diagnostics::{Diagnostic, Finding};
use crate::model::{Kind, Milestone, Postmortem, ZonedTime};
pub use links::{Link, Target};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Index of an incident in [`Archive::incidents`].
pub type IncidentIndex = usize;

/// The assembled archive.
#[derive(Debug, Default)]
pub struct Archive {
    /// Published documents: postmortems newest first (undated ones last),
    /// then lists, templates and other documents, each group by id.
    pub incidents: Vec<Arc<Postmortem>>,
    /// Per incident: its links, each resolved or marked broken. This list
    /// and the two below are shared, so that a save copies pointers to
    /// the lists it keeps, and tells a kept list by its pointer.
    pub links: Vec<Arc<[Link]>>,
    /// Per incident: the incidents that link to it.
    pub backlinks: Vec<Arc<[IncidentIndex]>>,
    /// Per incident: up to five postmortems sharing words, tags or
    /// services. Empty until filled from the search index
    /// ([`crate::search::SearchIndex::related`]), as the build does.
    pub related: Vec<Arc<[IncidentIndex]>>,
    /// Per incident: time to detect, mitigate and resolve.
    pub phases: Vec<Phases>,
    /// Pairs where the same root cause hit the same service again within
    /// the recurrence window, one per pair, newest first. Shared, so that
    /// a patched archive copies pointers, not every pair's terms.
    pub recurrences: Vec<Arc<Recurrence>>,
    pub taxonomies: Taxonomies,
    /// Files beside the postmortems that a postmortem links to (images,
    /// attachments): published under `assets/`.
    pub assets: Vec<ContentFile>,
    /// Files that could not be read at all.
    pub problems: Vec<FileProblem>,
    /// What assembling found: broken links, renamed duplicate ids.
    pub findings: Vec<Finding>,
    /// Drafts left out (published only with `--drafts`).
    pub drafts_skipped: usize,
    /// How links find incidents, kept for [`Archive::patched`].
    names: Arc<links::Names>,
    /// A hash of the postmortems' ids in order (see [`Archive::postmortem_ids`]).
    postmortem_ids: u64,
}

/// Minutes from the start of an incident to each phase, when its timeline
/// or front matter tells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Phases {
    pub detect: Option<i64>,
    pub mitigate: Option<i64>,
    pub resolve: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recurrence {
    pub earlier: IncidentIndex,
    pub later: IncidentIndex,
    /// Every root-cause tag the two share, in the later incident's order.
    pub tags: Vec<String>,
    /// Every service the two share, in the later incident's order.
    pub services: Vec<String>,
    pub days_apart: i64,
}

/// Term → incidents (in archive order) for each way of browsing.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Taxonomies {
    pub tags: BTreeMap<String, Vec<IncidentIndex>>,
    pub services: BTreeMap<String, Vec<IncidentIndex>>,
    pub severity: BTreeMap<String, Vec<IncidentIndex>>,
    pub years: BTreeMap<i16, Vec<IncidentIndex>>,
}

/// Which documents to publish.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub drafts: bool,
}

impl Archive {
    pub fn assemble(ingested: Ingested, config: &Config, options: Options) -> Archive {
        let total = ingested.postmortems.len();
        let (incidents, mut findings) = Archive::incidents(ingested.postmortems, options);
        let drafts_skipped = total - incidents.len();
        let asset_sources = ingested.assets.iter().map(|a| a.source.as_str()).collect();
        // Links, and the taxonomies with what recurs in them, need only the
        // ordered incidents: worked out side by side.
        let ((names, (links, link_findings)), (taxonomies, recurrences)) = rayon::join(
            || {
                let names = links::Names::new(&incidents);
                let resolved = links::resolve(&incidents, &names, &asset_sources);
                (names, resolved)
            },
            || {
                let taxonomies = Taxonomies::of(&incidents);
                let recurrences = recurrences(&incidents, &taxonomies, config.recurrence_window_days);
                (taxonomies, recurrences)
            },
        );
        findings.extend(link_findings);
        let assets = linked_assets(&links, &ingested.assets);
        let backlinks = links::backlinks(&links, incidents.len());
        let related = vec![Arc::from([]); incidents.len()];
        let phases = incidents.par_iter().map(|p| phases(p)).collect();
        sort_findings(&mut findings);
        let postmortem_ids = {
            let mut hasher = std::hash::DefaultHasher::new();
            let count = incidents.partition_point(|p| p.kind == Kind::Postmortem);
            incidents[..count].iter().enumerate().for_each(|(i, p)| (i, &p.id).hash(&mut hasher));
            hasher.finish()
        };
        Archive {
            incidents,
            links,
            backlinks,
            related,
            phases,
            recurrences,
            taxonomies,
            assets,
            problems: ingested.problems,
            findings,
            drafts_skipped,
            names: Arc::new(names),
            postmortem_ids,
        }
    }

    /// The incidents an archive of `postmortems` holds, in its order and
    /// with unique ids, and the findings of ids made unique: all that the
    /// search index needs of an archive, without its links, lists and
    /// recurrences (assembling those was a tenth of a search re-indexing
    /// 100,000 incidents).
    pub fn incidents(postmortems: Vec<Arc<Postmortem>>, options: Options) -> (Vec<Arc<Postmortem>>, Vec<Finding>) {
        let mut incidents: Vec<Arc<Postmortem>> =
            postmortems.into_iter().filter(|p| options.drafts || !p.draft).collect();
        incidents.sort_by(|a, b| archive_order(a, b));
        let findings = unique_ids(&mut incidents);
        (incidents, findings)
    }

    /// Changes when a postmortem's id or place does: worked out when the
    /// archive is assembled and kept by a patch (which changes neither),
    /// so that telling that they stand costs nothing on a save.
    pub fn postmortem_ids(&self) -> u64 {
        self.postmortem_ids
    }

    /// The incidents of kind postmortem, in archive order.
    pub fn postmortems(&self) -> impl Iterator<Item = (IncidentIndex, &Postmortem)> {
        self.incidents[..self.postmortem_count()].iter().enumerate().map(|(i, p)| (i, &**p))
    }

    /// How many incidents are postmortems: they come first in the archive's
    /// order, so this looks at a few, not at every incident.
    pub fn postmortem_count(&self) -> usize {
        self.incidents.partition_point(|p| p.kind == Kind::Postmortem)
    }

    /// Older and newer postmortem than `index`, for prev/next links.
    pub fn neighbours(&self, index: IncidentIndex) -> (Option<IncidentIndex>, Option<IncidentIndex>) {
        if self.incidents[index].kind != Kind::Postmortem {
            return (None, None);
        }
        let is_postmortem = |i: &IncidentIndex| self.incidents[*i].kind == Kind::Postmortem;
        let older = Some(index + 1).filter(|i| *i < self.incidents.len()).filter(is_postmortem);
        let newer = index.checked_sub(1);
        (older, newer)
    }
}

/// The files beside the postmortems that `links` lead to.
fn linked_assets(links: &[Arc<[Link]>], assets: &[ContentFile]) -> Vec<ContentFile> {
    let linked: HashSet<&str> = links
        .iter()
        .flat_map(|links| links.iter())
        .filter_map(|l| if let Target::Asset { source } = &l.target { Some(source.as_str()) } else { None })
        .collect();
    assets.iter().filter(|a| linked.contains(a.source.as_str())).cloned().collect()
}

/// By file and line; stable, so a file's findings on one line keep the
/// order they were found in.
fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.source.as_str(), a.diagnostic.line).cmp(&(b.source.as_str(), b.diagnostic.line)));
}

/// Postmortems first, newest first by start (or date); undated after the
/// dated; other kinds last; ties by id so the order never depends on disk.
fn archive_order(a: &Postmortem, b: &Postmortem) -> std::cmp::Ordering {
    let key = |p: &Postmortem| {
        let when = p.start.map(|s| s.civil).or_else(|| p.date.map(|d| d.to_datetime(jiff::civil::Time::midnight())));
        (p.kind, std::cmp::Reverse(when.is_some()), std::cmp::Reverse(when))
    };
    key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id)).then_with(|| a.source.cmp(&b.source))
}

/// Two files with one id would write one page: every file of the group
/// gets an error, and all but the first (in archive order) are published
/// as `id-2`, `id-3`….
fn unique_ids(incidents: &mut [Arc<Postmortem>]) -> Vec<Finding> {
    // Ids are copied only when two files share one: the preview assembles
    // on every save, and copying all of them was a tenth of that.
    let mut first: std::collections::HashMap<&str, IncidentIndex> =
        std::collections::HashMap::with_capacity(incidents.len());
    let mut groups: BTreeMap<String, Vec<IncidentIndex>> = BTreeMap::new();
    for (i, p) in incidents.iter().enumerate() {
        match first.get(p.id.as_str()) {
            Some(&j) => groups.entry(p.id.clone()).or_insert_with(|| vec![j]).push(i),
            None => {
                first.insert(&p.id, i);
            }
        }
    }
    if groups.is_empty() {
        return Vec::new();
    }
    let mut taken: HashSet<String> = first.into_keys().map(str::to_string).collect();
    let mut findings = Vec::new();
    for (id, members) in &groups {
        let mut suffix = 2;
        for (n, &i) in members.iter().enumerate() {
            let others: Vec<&str> =
                members.iter().filter(|&&j| j != i).map(|&j| incidents[j].source.as_str()).collect();
            let mut message = format!("id `{id}` is also used by {}", others.join(", "));
            if n > 0 {
                while !taken.insert(format!("{id}-{suffix}")) {
                    suffix += 1;
                }
                Arc::make_mut(&mut incidents[i]).id = format!("{id}-{suffix}");
                message += &format!("; this file is published as `{}`", incidents[i].id);
            }
            let p = &incidents[i];
            let line = p.provenance.get("id").map_or(0, |pr| pr.line);
            findings.push(Finding {
                source: p.source.clone(),
                diagnostic: Diagnostic::error("duplicate-id", line, message)
                    .with_help("give each postmortem a unique `id:` in its front matter, or rename the file"),
            });
        }
    }
    findings
}

/// Minutes from the start to the first detected and mitigated milestones
/// and to the last resolved one (an incident can look resolved, then flare
/// up again); the end time stands in for "resolved" when none is marked.
fn phases(p: &Postmortem) -> Phases {
    let Some(start) = p.start.or_else(|| milestone_time(p, Milestone::Started)) else {
        return Phases::default();
    };
    let since_start = |t: Option<ZonedTime>| t.and_then(|t| start.minutes_until(&t)).filter(|m| *m >= 0);
    let last_resolved = p.timeline.iter().rev().find(|e| e.milestone == Some(Milestone::Resolved)).and_then(|e| e.time);
    Phases {
        detect: since_start(milestone_time(p, Milestone::Detected)),
        mitigate: since_start(milestone_time(p, Milestone::Mitigated)),
        resolve: since_start(last_resolved).or_else(|| since_start(p.end)),
    }
}

fn milestone_time(p: &Postmortem, milestone: Milestone) -> Option<ZonedTime> {
    p.timeline.iter().find(|e| e.milestone == Some(milestone)).and_then(|e| e.time)
}

impl Taxonomies {
    /// Every published document is browsable by its terms, whatever its
    /// kind: a list or essay tagged `database` belongs on that page too.
    fn of(incidents: &[Arc<Postmortem>]) -> Taxonomies {
        let mut t = Taxonomies::default();
        for (i, p) in incidents.iter().enumerate() {
            t.file(p, i, true);
        }
        t
    }

    /// Add incident `i`, `p`, to the list of each of its terms, or (not
    /// `joining`) take it out of them: a term left with no incident goes.
    fn file(&mut self, p: &Postmortem, i: IncidentIndex, joining: bool) {
        for tag in &p.tags {
            file(&mut self.tags, tag.as_str(), i, joining);
        }
        for service in &p.services {
            file(&mut self.services, service.as_str(), i, joining);
        }
        if let Some(sev) = &p.severity {
            file(&mut self.severity, sev.as_str(), i, joining);
        }
        if let Some(date) = p.date {
            file(&mut self.years, &date.year(), i, joining);
        }
    }
}

fn file<K, Q>(terms: &mut BTreeMap<K, Vec<IncidentIndex>>, term: &Q, i: IncidentIndex, joining: bool)
where
    K: std::borrow::Borrow<Q> + Ord,
    Q: ToOwned<Owned = K> + Ord + ?Sized,
{
    if joining { enter(terms, term, i) } else { leave(terms, term, i) }
}

fn enter<K, Q>(terms: &mut BTreeMap<K, Vec<IncidentIndex>>, term: &Q, i: IncidentIndex)
where
    K: std::borrow::Borrow<Q> + Ord,
    Q: ToOwned<Owned = K> + Ord + ?Sized,
{
    let Some(list) = terms.get_mut(term) else {
        terms.insert(term.to_owned(), vec![i]);
        return;
    };
    match list.last() {
        // The whole archive goes in order: most incidents come last.
        Some(&last) if last >= i => {
            if let Err(at) = list.binary_search(&i) {
                list.insert(at, i);
            }
        }
        _ => list.push(i),
    }
}

fn leave<K, Q>(terms: &mut BTreeMap<K, Vec<IncidentIndex>>, term: &Q, i: IncidentIndex)
where
    K: std::borrow::Borrow<Q> + Ord,
    Q: Ord + ?Sized,
{
    if let Some(list) = terms.get_mut(term) {
        if let Ok(at) = list.binary_search(&i) {
            list.remove(at);
        }
        if list.is_empty() {
            terms.remove(term);
        }
    }
}

/// Same root-cause tag and same service within `window_days`: the later
/// incident recurs the earlier one. Only pairs consecutive in some tag and
/// service are listed, each once, with everything the two share.
fn recurrences(incidents: &[Arc<Postmortem>], taxonomies: &Taxonomies, window_days: u32) -> Vec<Arc<Recurrence>> {
    let mut pairs: BTreeMap<(IncidentIndex, IncidentIndex), i64> = BTreeMap::new();
    for tagged in taxonomies.tags.values() {
        let mut by_service: BTreeMap<&str, Vec<(jiff::civil::Date, IncidentIndex)>> = BTreeMap::new();
        for &i in tagged.iter().filter(|&&i| incidents[i].kind == Kind::Postmortem) {
            if let Some(date) = incidents[i].date {
                for service in &incidents[i].services {
                    by_service.entry(service).or_default().push((date, i));
                }
            }
        }
        for mut dated in by_service.into_values() {
            dated.sort();
            pairs.extend(consecutive(&dated, window_days));
        }
    }
    // Lower index is newer: the map's order lists the newest recurrence first.
    pairs.into_iter().map(|((later, earlier), days_apart)| recurrence(incidents, later, earlier, days_apart)).collect()
}

/// The pairs next to each other in `dated` (one tag and service, by date)
/// at most `window_days` apart: (later, earlier) and the days between.
fn consecutive(
    dated: &[(jiff::civil::Date, IncidentIndex)],
    window_days: u32,
) -> impl Iterator<Item = ((IncidentIndex, IncidentIndex), i64)> + '_ {
    dated.windows(2).filter_map(move |pair| {
        let [(d1, earlier), (d2, later)] = [pair[0], pair[1]];
        let days = (d2 - d1).get_days() as i64;
        (days <= i64::from(window_days) && earlier != later).then_some(((later, earlier), days))
    })
}

/// The recurrence of `earlier` in `later`, with every tag and service the two share.
fn recurrence(
    incidents: &[Arc<Postmortem>],
    later: IncidentIndex,
    earlier: IncidentIndex,
    days_apart: i64,
) -> Arc<Recurrence> {
    let shared = |of: fn(&Postmortem) -> &Vec<String>| -> Vec<String> {
        of(&incidents[later]).iter().filter(|v| of(&incidents[earlier]).contains(v)).cloned().collect()
    };
    Arc::new(Recurrence { earlier, later, tags: shared(|p| &p.tags), services: shared(|p| &p.services), days_apart })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Reader;

    fn archive(files: &[(&str, &str)]) -> Archive {
        let config = Config::default_for(std::path::Path::new("."));
        let reader = Reader::new(&config);
        let postmortems = files.iter().map(|(source, text)| Arc::new(reader.parse(source, text.as_bytes()))).collect();
        Archive::assemble(Ingested { postmortems, ..Ingested::default() }, &config, Options::default())
    }

    fn postmortem(date: &str, tags: &str, services: &str) -> String {
        format!(
            "---\ndate: {date}\ntags: [{tags}]\nservices: [{services}]\n---\n# Outage on {date}\n\nRoot cause: x.\n"
        )
    }

    #[test]
    fn same_cause_and_service_within_the_window_is_a_recurrence() {
        let a = archive(&[
            ("a.md", &postmortem("2024-01-10", "dns", "checkout")),
            ("b.md", &postmortem("2024-03-01", "dns", "checkout")),
            ("c.md", &postmortem("2024-12-01", "dns", "checkout")),
            ("d.md", &postmortem("2024-03-02", "dns", "billing")),
        ]);
        let pairs: Vec<(&str, &str, i64)> = a
            .recurrences
            .iter()
            .map(|r| (a.incidents[r.earlier].source.as_str(), a.incidents[r.later].source.as_str(), r.days_apart))
            .collect();
        assert_eq!(pairs, [("a.md", "b.md", 51)], "c is 275 days later; d is another service");
    }

    #[test]
    fn a_pair_sharing_several_tags_and_services_recurs_once() {
        let a = archive(&[
            ("a.md", &postmortem("2024-01-10", "dns, config-change", "checkout, cdn, api")),
            ("b.md", &postmortem("2024-03-01", "config-change, dns", "cdn, checkout")),
        ]);
        let shared: Vec<(&[String], &[String])> =
            a.recurrences.iter().map(|r| (r.tags.as_slice(), r.services.as_slice())).collect();
        assert_eq!(shared.len(), 1, "one row for the pair, not one per tag × service");
        assert_eq!(shared[0].0, ["config-change", "dns"], "in the later incident's order");
        assert_eq!(shared[0].1, ["cdn", "checkout"]);
    }

    #[test]
    fn duplicate_ids_are_both_reported_and_the_later_renamed() {
        let a = archive(&[
            ("2024/outage.md", &postmortem("2024-05-01", "dns", "x")),
            ("2023/outage.md", &postmortem("2023-05-01", "dns", "x")),
        ]);
        let ids: Vec<&str> = a.incidents.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["outage", "outage-2"], "newest first keeps the id");
        assert_eq!(a.findings.iter().filter(|f| f.diagnostic.code == "duplicate-id").count(), 2);
    }

    #[test]
    fn time_to_resolve_runs_to_the_last_resolved_entry() {
        let text = "---\nstart: 2024-01-10T10:00:00Z\n---\n# X\n\n## Timeline (UTC)\n\n\
                    - 10:05 Alert fires\n- 10:20 Rolled back\n- 10:30 Resolved\n- 10:40 Errors again\n- 11:00 Resolved for good\n";
        let a = archive(&[("a.md", text)]);
        assert_eq!(a.phases[0], Phases { detect: Some(5), mitigate: Some(20), resolve: Some(60) });
    }
}
