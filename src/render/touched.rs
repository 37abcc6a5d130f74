//! Which pages a save can change. The preview renders those and carries
//! every other incident and list page over as it is, without working out
//! its key: at 100,000 incidents, visiting every page to find the dozen
//! that changed took longer than rendering them.

use super::alias_path;
use super::urls::{Browse, term_slug};
use crate::archive::{Archive, IncidentIndex, Recurrence, Target, Taxonomies};
use crate::diagnostics::Finding;
use crate::model::Postmortem;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What a save can change among the incident pages (see [`touched`]).
pub struct Touched {
    /// Per incident, whether its page may show anything other than the
    /// page rendered before showed.
    pub pages: Vec<bool>,
    /// The aliases of the changed incidents, before and after, as paths
    /// in the site: their redirects are written again or go, never carried.
    pub aliases: Vec<String>,
    /// The incidents whose model is new: a list page showing one is visited.
    pub changed: Vec<IncidentIndex>,
    /// The term lists (by way of browsing and URL slug) whose incidents
    /// may not be those of `old`: each of their pages is visited, as is every
    /// page of the home list when `home_reshaped`.
    pub reshaped: HashSet<(Browse, String)>,
    pub home_reshaped: bool,
}

/// Which incident pages of `new` may differ from those rendered from
/// `old`. `changed` says which incidents' models are new (a file that
/// changed); every incident must be where it was in `old`, under the
/// same id (`None` otherwise).
///
/// A page shows its incident, the rows of the incidents it lists (related,
/// backlinks, neighbours, recurrences, link targets) and its findings. So
/// it is touched when its incident changed, when one it lists changed, or
/// when those lists or its findings are not the ones of `old`.
pub fn touched(old: &Archive, new: &Archive, changed: &[bool]) -> Option<Touched> {
    let count = new.incidents.len();
    if old.incidents.len() != count || changed.len() != count {
        return None;
    }
    let aliases = (old.incidents.iter().zip(changed).chain(new.incidents.iter().zip(changed)))
        .filter(|(_, c)| **c)
        .flat_map(|(p, _)| p.aliases.iter().filter_map(|a| alias_path(a)))
        .collect();
    // A kept list is shared by both archives: comparing it is comparing
    // pointers, and only the related lists are read through.
    let mut touched: Vec<bool> = (0..count)
        .into_par_iter()
        .map(|j| {
            let neighbour_changed = (j > 0 && changed[j - 1]) || changed.get(j + 1).copied().unwrap_or(false);
            changed[j]
                || neighbour_changed
                || new.related[j].iter().any(|&k| changed[k])
                || old.related[j] != new.related[j]
                || old.backlinks[j] != new.backlinks[j]
                || old.links[j] != new.links[j]
        })
        .collect();
    // The pages linking to a changed incident, and those it links to
    // (which list it among their backlinks).
    for c in (0..count).filter(|&c| changed[c]) {
        for &j in new.backlinks[c].iter() {
            touched[j] = true;
        }
        for link in new.links[c].iter() {
            if let Target::Incident { index, .. } = link.target {
                touched[index] = true;
            }
        }
    }
    for r in recurrences_apart(&old.recurrences, &new.recurrences) {
        touched[r.earlier] = true;
        touched[r.later] = true;
    }
    for r in &new.recurrences {
        if changed[r.earlier] || changed[r.later] {
            touched[r.earlier] = true;
            touched[r.later] = true;
        }
    }
    let sources = findings_apart(&old.findings, &new.findings);
    if !sources.is_empty() {
        for (j, p) in new.incidents.iter().enumerate() {
            touched[j] |= sources.contains(p.source.as_str());
        }
    }
    let changed: Vec<IncidentIndex> = (0..count).filter(|&i| changed[i]).collect();
    let mut reshaped = HashSet::new();
    for &i in &changed {
        for (browse, name) in terms_of(&old.incidents[i]).chain(terms_of(&new.incidents[i])) {
            if members(&old.taxonomies, browse, &name) != members(&new.taxonomies, browse, &name) {
                reshaped.insert((browse, term_slug(&name)));
            }
        }
    }
    let home_reshaped = changed.iter().any(|&i| old.incidents[i].kind != new.incidents[i].kind);
    Some(Touched { pages: touched, aliases, changed, reshaped, home_reshaped })
}

/// Every term `p` is listed under, as the term pages name them.
fn terms_of(p: &Postmortem) -> impl Iterator<Item = (Browse, String)> + '_ {
    fn named(browse: Browse, terms: &[String]) -> impl Iterator<Item = (Browse, String)> + '_ {
        terms.iter().map(move |t| (browse, t.clone()))
    }
    (named(Browse::Tags, &p.tags))
        .chain(named(Browse::Services, &p.services))
        .chain(p.severity.iter().map(|s| (Browse::Severity, s.clone())))
        .chain(p.date.map(|d| (Browse::Years, d.year().to_string())))
}

/// The incidents listed under one term.
fn members<'t>(taxonomies: &'t Taxonomies, browse: Browse, name: &str) -> Option<&'t Vec<IncidentIndex>> {
    match browse {
        Browse::Tags => taxonomies.tags.get(name),
        Browse::Services => taxonomies.services.get(name),
        Browse::Severity => taxonomies.severity.get(name),
        Browse::Years => taxonomies.years.get(&name.parse().ok()?),
    }
}

/// The recurrences in one list and not the other (both in the archive's
/// order: by later, then earlier incident).
fn recurrences_apart<'r>(old: &'r [Arc<Recurrence>], new: &'r [Arc<Recurrence>]) -> Vec<&'r Recurrence> {
    // A kept recurrence is shared: the runs of the same ones at both ends
    // are passed over without reading them.
    let same = |(a, b): (&Arc<Recurrence>, &Arc<Recurrence>)| Arc::ptr_eq(a, b);
    let front = old.iter().zip(new).take_while(|&pair| same(pair)).count();
    let (old, new) = (&old[front..], &new[front..]);
    let back = old.iter().rev().zip(new.iter().rev()).take_while(|&pair| same(pair)).count();
    let (old, new) = (&old[..old.len() - back], &new[..new.len() - back]);
    let key = |r: &Recurrence| (r.later, r.earlier);
    let (mut a, mut b) = (old.iter().map(|r| &**r).peekable(), new.iter().map(|r| &**r).peekable());
    let mut apart = Vec::new();
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => return apart,
            (Some(x), Some(y)) if key(x) == key(y) => {
                // A kept recurrence is shared: its pointer tells it.
                if !std::ptr::eq(*x, *y) && x != y {
                    apart.extend([*x, *y]);
                }
                a.next();
                b.next();
            }
            (Some(x), Some(y)) if key(x) < key(y) => apart.extend(a.next()),
            (Some(_), Some(_)) | (None, Some(_)) => apart.extend(b.next()),
            (Some(_), None) => apart.extend(a.next()),
        }
    }
}

/// The files whose findings differ between the two lists.
fn findings_apart<'f>(old: &'f [Finding], new: &'f [Finding]) -> HashSet<&'f str> {
    if old == new {
        return HashSet::new();
    }
    let by_source = |findings: &'f [Finding]| {
        let mut grouped: HashMap<&'f str, Vec<&'f Finding>> = HashMap::new();
        for f in findings {
            grouped.entry(f.source.as_str()).or_default().push(f);
        }
        grouped
    };
    let (old, new) = (by_source(old), by_source(new));
    old.keys().chain(new.keys()).filter(|s| old.get(*s) != new.get(*s)).copied().collect()
}

/// Whether `file` is where an incident's page is written (`incidents/<id>/index.html`).
pub(super) fn is_incident_page(file: &str) -> bool {
    file.strip_prefix("incidents/")
        .and_then(|rest| rest.strip_suffix("/index.html"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}
