//! A save of a few postmortems, applied to the archive assembled before
//! it: only the changed incidents' terms, recurrences, links and findings
//! are worked out again, not the whole archive's. The preview does this
//! on every save; at 100,000 incidents assembling again took most of it.

use super::links::{self, Link, Target};
use super::{
    Archive, IncidentIndex, Options, Recurrence, Taxonomies, archive_order, consecutive, linked_assets, recurrence,
    sort_findings,
};
use crate::content::ContentFile;
use crate::model::{Kind, Postmortem};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The links, backlinks and findings of a patched archive.
type Relinked = (Vec<Arc<[Link]>>, Vec<Arc<[IncidentIndex]>>, Vec<crate::diagnostics::Finding>);

impl Archive {
    /// This archive with `edits` applied (incident index → its file's new
    /// model), as [`Archive::assemble`] would make it from all the files
    /// with `assets` beside them. `None` when an edit changes what the
    /// patch keeps: the incident's place in the order, its id or aliases
    /// (links find incidents by them), its kind, whether it is published,
    /// or an id it shares with another file. Then assemble again.
    pub fn patched(
        &self,
        edits: Vec<(IncidentIndex, Arc<Postmortem>)>,
        assets: &[ContentFile],
        config: &crate::config::Config,
        options: Options,
    ) -> Option<Archive> {
        let mut incidents = self.incidents.clone();
        for (i, p) in &edits {
            incidents[*i] = p.clone();
        }
        let count = incidents.len();
        let in_order = |i: IncidentIndex| {
            (i == 0 || archive_order(&incidents[i - 1], &incidents[i]).is_lt())
                && (i + 1 == count || archive_order(&incidents[i], &incidents[i + 1]).is_lt())
        };
        let kept = edits.iter().all(|(i, p)| {
            let old = &self.incidents[*i];
            (p.source == old.source && p.id == old.id && p.aliases == old.aliases && p.kind == old.kind)
                && (options.drafts || !p.draft)
                && in_order(*i)
        });
        let shares_id = self.findings.iter().any(|f| {
            f.diagnostic.code == "duplicate-id" && edits.iter().any(|(i, _)| f.source == self.incidents[*i].source)
        });
        if !kept || shares_id {
            return None;
        }
        let edited: BTreeSet<IncidentIndex> = edits.iter().map(|(i, _)| *i).collect();
        let mut taxonomies = self.taxonomies.clone();
        for &i in &edited {
            taxonomies.file(&self.incidents[i], i, false);
            taxonomies.file(&incidents[i], i, true);
        }
        let recurrences = self.recurrences_patched(&incidents, &taxonomies, &edited, config.recurrence_window_days);
        let (links, backlinks, findings) = self.links_patched(&incidents, assets, &edited);
        let relinked = links.iter().zip(&self.links).any(|(new, old)| new != old);
        let mut phases = self.phases.clone();
        for &i in &edited {
            phases[i] = super::phases(&incidents[i]);
        }
        Some(Archive {
            assets: if relinked { linked_assets(&links, assets) } else { self.assets.clone() },
            incidents,
            links,
            backlinks,
            related: vec![Arc::from([]); count],
            phases,
            recurrences,
            taxonomies,
            problems: self.problems.clone(),
            findings,
            drafts_skipped: self.drafts_skipped,
            names: self.names.clone(),
            postmortem_ids: self.postmortem_ids,
        })
    }

    /// The links of the incidents an edit can change (the edited ones,
    /// those linking to them, where an anchor may have come or gone, and
    /// every broken link, which may now lead to an edited incident),
    /// resolved again; the backlinks and findings that follow.
    fn links_patched(
        &self,
        incidents: &[Arc<Postmortem>],
        assets: &[ContentFile],
        edited: &BTreeSet<IncidentIndex>,
    ) -> Relinked {
        let broken = |links: &[Link]| links.iter().any(|l| matches!(l.target, Target::Broken { .. }));
        let again: BTreeSet<IncidentIndex> = (edited.iter().copied())
            .chain(edited.iter().flat_map(|&i| self.backlinks[i].iter().copied()))
            .chain((0..incidents.len()).filter(|&j| broken(&self.links[j])))
            .collect();
        let asset_sources: HashSet<&str> = assets.iter().map(|a| a.source.as_str()).collect();
        let mut links = self.links.clone();
        let mut found = Vec::new();
        let mut relinked = Vec::new();
        for &j in &again {
            let now = links::links_of(incidents, &self.names, &asset_sources, j, &mut found);
            if now[..] != *links[j] {
                links[j] = now.into();
                relinked.push(j);
            }
        }
        // The broken links of the files looked at again are those just found.
        let looked_at: HashSet<&str> = again.iter().map(|&j| incidents[j].source.as_str()).collect();
        let mut findings: Vec<_> = (self.findings.iter())
            .filter(|f| f.diagnostic.code != "broken-link" || !looked_at.contains(f.source.as_str()))
            .cloned()
            .chain(found)
            .collect();
        sort_findings(&mut findings);
        let mut backlinks = self.backlinks.clone();
        let leads_to = |links: &[Link], to: IncidentIndex| {
            links.iter().any(|l| matches!(l.target, Target::Incident { index, .. } if index == to))
        };
        let targets: BTreeSet<IncidentIndex> = (relinked.iter())
            .flat_map(|&j| self.links[j].iter().chain(links[j].iter()))
            .filter_map(|l| if let Target::Incident { index, .. } = l.target { Some(index) } else { None })
            .collect();
        for to in targets {
            let mut from: Vec<IncidentIndex> = (self.backlinks[to].iter().copied())
                .filter(|j| !relinked.contains(j))
                .chain(relinked.iter().copied().filter(|&j| j != to && leads_to(&links[j], to)))
                .collect();
            from.sort_unstable();
            from.dedup();
            backlinks[to] = from.into();
        }
        (links, backlinks, findings)
    }

    /// The recurrences after the edits. A pair can only come, go or change
    /// where it involves an edited incident or was next to one in a tag
    /// and service the edited incident has or had; each such pair is
    /// looked up in every tag and service its two incidents share now.
    fn recurrences_patched(
        &self,
        incidents: &[Arc<Postmortem>],
        taxonomies: &Taxonomies,
        edited: &BTreeSet<IncidentIndex>,
        window_days: u32,
    ) -> Vec<Arc<Recurrence>> {
        let mut groups: BTreeSet<(&str, &str)> = BTreeSet::new();
        for &i in edited {
            for p in [&self.incidents[i], &incidents[i]] {
                for tag in &p.tags {
                    groups.extend(p.services.iter().map(|service| (tag.as_str(), service.as_str())));
                }
            }
        }
        let mut now: HashMap<(&str, &str), Vec<(jiff::civil::Date, IncidentIndex)>> = HashMap::new();
        let mut looked_at: BTreeSet<(IncidentIndex, IncidentIndex)> = BTreeSet::new();
        for &(tag, service) in &groups {
            let before: BTreeMap<_, _> =
                consecutive(&group(&self.incidents, &self.taxonomies, tag, service), window_days).collect();
            let dated = now.entry((tag, service)).or_insert_with(|| group(incidents, taxonomies, tag, service));
            let after: BTreeMap<_, _> = consecutive(dated, window_days).collect();
            looked_at.extend(before.iter().chain(&after).filter_map(|(&pair, _)| {
                let involved = edited.contains(&pair.0) || edited.contains(&pair.1);
                (involved || before.get(&pair) != after.get(&pair)).then_some(pair)
            }));
        }
        let mut found = Vec::new();
        for &(later, earlier) in &looked_at {
            let (a, b) = (&incidents[later], &incidents[earlier]);
            let (Some(later_date), Some(earlier_date)) = (a.date, b.date) else { continue };
            let days = (later_date - earlier_date).get_days() as i64;
            if a.kind != Kind::Postmortem || b.kind != Kind::Postmortem || days > i64::from(window_days) {
                continue;
            }
            let mut recurs = false;
            for tag in a.tags.iter().filter(|t| b.tags.contains(t)) {
                for service in a.services.iter().filter(|s| b.services.contains(s)) {
                    let (tag, service) = (tag.as_str(), service.as_str());
                    let dated = now.entry((tag, service)).or_insert_with(|| group(incidents, taxonomies, tag, service));
                    let at = |entry| dated.binary_search(&entry).ok();
                    recurs |= matches!((at((earlier_date, earlier)), at((later_date, later))), (Some(e), Some(l)) if l == e + 1);
                }
            }
            if recurs {
                found.push(recurrence(incidents, later, earlier, days));
            }
        }
        let mut recurrences: Vec<Arc<Recurrence>> = (self.recurrences.iter())
            .filter(|r| !looked_at.contains(&(r.later, r.earlier)))
            .cloned()
            .chain(found)
            .collect();
        recurrences.sort_by_key(|r| (r.later, r.earlier));
        recurrences
    }
}

/// The dated postmortems with `tag` and `service`, by date then index:
/// the order recurrences are found in.
fn group(
    incidents: &[Arc<Postmortem>],
    taxonomies: &Taxonomies,
    tag: &str,
    service: &str,
) -> Vec<(jiff::civil::Date, IncidentIndex)> {
    let (Some(tagged), Some(served)) = (taxonomies.tags.get(tag), taxonomies.services.get(service)) else {
        return Vec::new();
    };
    // The shorter list, each of its incidents checked for the other term.
    let members: Box<dyn Iterator<Item = &IncidentIndex>> = match tagged.len() <= served.len() {
        true => Box::new(tagged.iter().filter(|&&i| incidents[i].services.iter().any(|s| s == service))),
        false => Box::new(served.iter().filter(|&&i| incidents[i].tags.iter().any(|t| t == tag))),
    };
    let mut dated: Vec<_> = members
        .filter(|&&i| incidents[i].kind == Kind::Postmortem)
        .filter_map(|&i| Some((incidents[i].date?, i)))
        .collect();
    dated.sort();
    dated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::content::Ingested;
    use crate::ingest::Reader;

    fn parse(config: &Config, files: &[(&str, String)]) -> Vec<Arc<Postmortem>> {
        let reader = Reader::new(config);
        files.iter().map(|(source, text)| Arc::new(reader.parse(source, text.as_bytes()))).collect()
    }

    fn assemble(config: &Config, postmortems: Vec<Arc<Postmortem>>) -> Archive {
        Archive::assemble(Ingested { postmortems, ..Ingested::default() }, config, Options::default())
    }

    fn doc(date: &str, tags: &str, services: &str, body: &str) -> String {
        format!("---\ndate: {date}\ntags: [{tags}]\nservices: [{services}]\n---\n# Outage on {date}\n\n{body}\n")
    }

    fn archive_files() -> Vec<(&'static str, String)> {
        vec![
            ("a.md", doc("2024-01-10", "dns", "checkout, cdn", "Root cause: x.\n\n## Timeline\n\n- 10:00 start")),
            ("b.md", doc("2024-02-01", "dns, database", "checkout", "See [a](a.md#timeline).")),
            ("c.md", doc("2024-03-01", "database", "checkout", "See [[b]] and [a](a.md#nowhere).")),
            ("d.md", doc("2024-03-20", "dns", "cdn", "Root cause: y.")),
            ("e.md", doc("2024-06-01", "database, dns", "checkout, cdn", "Root cause: z.")),
        ]
    }

    /// The archive patched with `edit` (a file and its new text), beside
    /// the one assembled from every file with the edit: `None` when the
    /// patch declines.
    fn patched_and_assembled(source: &str, text: String) -> Option<(Archive, Archive)> {
        let config = Config::default_for(std::path::Path::new("."));
        let files = archive_files();
        let before = assemble(&config, parse(&config, &files));
        let edited: Vec<(&str, String)> =
            files.into_iter().map(|(s, t)| if s == source { (s, text.clone()) } else { (s, t) }).collect();
        let after = parse(&config, &edited);
        let model = after.iter().find(|p| p.source == source).expect("the edited file").clone();
        let at = before.incidents.iter().position(|p| p.source == source).expect("in the archive");
        let patched = before.patched(vec![(at, model)], &[], &config, Options::default())?;
        Some((patched, assemble(&config, after)))
    }

    fn assert_same(patched: &Archive, assembled: &Archive) {
        let sources = |a: &Archive| a.incidents.iter().map(|p| (p.source.clone(), p.id.clone())).collect::<Vec<_>>();
        assert_eq!(sources(patched), sources(assembled));
        assert_eq!(patched.links, assembled.links);
        assert_eq!(patched.backlinks, assembled.backlinks);
        assert_eq!(patched.phases, assembled.phases);
        assert_eq!(patched.recurrences, assembled.recurrences);
        assert_eq!(patched.taxonomies, assembled.taxonomies);
        assert_eq!(patched.findings, assembled.findings);
        assert_eq!(patched.assets, assembled.assets);
        assert_eq!(patched.drafts_skipped, assembled.drafts_skipped);
    }

    #[test]
    fn a_patch_makes_what_assembling_makes() {
        let edits = [
            ("a.md", doc("2024-01-10", "database", "checkout, cdn", "Root cause: x.\n\n## Timeline\n\n- 10:00 start")),
            ("c.md", doc("2024-03-01", "database, dns", "cdn, checkout", "See [[b]] and [a](a.md#nowhere).")),
            ("d.md", doc("2024-03-20", "dns", "checkout", "Root cause: y.")),
            ("d.md", doc("2024-03-02", "dns", "cdn", "Root cause: y.")),
            ("b.md", doc("2024-02-01", "dns, database", "checkout", "See [a](a.md).")),
            (
                "e.md",
                doc("2024-06-01", "database, dns", "checkout, cdn", "See [[c]], [d](d.md) and [a](a.md#timeline)."),
            ),
            ("a.md", doc("2024-01-10", "dns", "checkout, cdn", "Root cause: x.\n\n## Nowhere\n\n## Timeline")),
            ("a.md", doc("2024-01-10", "dns", "checkout, cdn", "Root cause: x, no headings.")),
            ("c.md", doc("2024-03-01", "database", "checkout", "A [picture](diagram.png), [[nothing]].")),
        ];
        for (source, text) in edits {
            let (patched, assembled) =
                patched_and_assembled(source, text.clone()).unwrap_or_else(|| panic!("{source} patched with\n{text}"));
            assert_same(&patched, &assembled);
        }
    }

    #[test]
    fn an_edit_that_moves_renames_or_hides_an_incident_is_assembled_again() {
        let edits = [
            ("d.md", doc("2023-03-20", "dns", "cdn", "Moved before a.")),
            ("d.md", "---\nid: other\ndate: 2024-03-20\n---\n# Renamed\n".to_string()),
            ("d.md", "---\ndraft: true\ndate: 2024-03-20\n---\n# A draft now\n".to_string()),
        ];
        for (source, text) in edits {
            assert!(patched_and_assembled(source, text).is_none(), "{source} is not patched");
        }
    }
}
