//! Which incident pages a save can change. The preview renders those and
//! carries every other incident page over as it is, without working out
//! its key: at 100,000 incidents, visiting every page to find the dozen
//! that changed took longer than rendering them.

use super::alias_path;
use crate::archive::{Archive, Recurrence, Target};
use crate::diagnostics::Finding;
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
    let mut touched: Vec<bool> = (0..count)
        .into_par_iter()
        .map(|j| {
            let lists_changed = new.related[j].iter().chain(&new.backlinks[j]).any(|&k| changed[k]);
            let links_changed =
                new.links[j].iter().any(|l| matches!(l.target, Target::Incident { index, .. } if changed[index]));
            let neighbour_changed = (j > 0 && changed[j - 1]) || changed.get(j + 1).copied().unwrap_or(false);
            changed[j]
                || lists_changed
                || links_changed
                || neighbour_changed
                || old.related[j] != new.related[j]
                || old.backlinks[j] != new.backlinks[j]
                || old.links[j] != new.links[j]
        })
        .collect();
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
    Some(Touched { pages: touched, aliases })
}

/// The recurrences in one list and not the other (both in the archive's
/// order: by later, then earlier incident).
fn recurrences_apart<'r>(old: &'r [Arc<Recurrence>], new: &'r [Arc<Recurrence>]) -> Vec<&'r Recurrence> {
    let key = |r: &Recurrence| (r.later, r.earlier);
    let (mut a, mut b) = (old.iter().map(|r| &**r).peekable(), new.iter().map(|r| &**r).peekable());
    let mut apart = Vec::new();
    loop {
        match (a.peek(), b.peek()) {
            (None, None) => return apart,
            (Some(x), Some(y)) if key(x) == key(y) => {
                if x != y {
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
