//! Cross-links: each reference a postmortem makes (relative `.md` path,
//! `[[id]]`, `#anchor`) resolved to an incident and anchor, or marked
//! broken with a diagnostic at its line. Broken links are still rendered,
//! visibly, never dropped.

use super::IncidentIndex;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::Finding;
use crate::ingest::links::anchor_slug;
use crate::model::{Postmortem, Reference, ReferenceKind};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One reference of one postmortem and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written in the markdown.
    pub written: String,
    pub line: u32,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An incident page, optionally at a heading id.
    Incident { index: IncidentIndex, anchor: Option<String> },
    /// A file beside the postmortems (an image), by its content path.
    Asset { source: String },
    /// Does not resolve; the reason is shown to the reader.
    Broken { reason: String },
}

/// Resolve every reference of every incident; `assets` are the content
/// paths of the other files in the content folder.
pub fn resolve(
    incidents: &[Arc<Postmortem>],
    names: &Names,
    assets: &HashSet<&str>,
) -> (Vec<Arc<[Link]>>, Vec<Finding>) {
    let mut findings = Vec::new();
    let links =
        (0..incidents.len()).map(|from| links_of(incidents, names, assets, from, &mut findings).into()).collect();
    (links, findings)
}

/// The links of incident `from`, its broken ones added to `findings`.
pub fn links_of(
    incidents: &[Arc<Postmortem>],
    names: &Names,
    assets: &HashSet<&str>,
    from: IncidentIndex,
    findings: &mut Vec<Finding>,
) -> Vec<Link> {
    let p = &incidents[from];
    p.references
        .iter()
        .map(|reference| {
            let target = target(incidents, names, assets, from, reference);
            if let Target::Broken { reason } = &target {
                findings.push(broken(p, reference, reason));
            }
            Link { written: reference.target.clone(), line: reference.line, target }
        })
        .collect()
}

/// Who links to whom, each list in archive order without repeats or self.
pub fn backlinks(links: &[Arc<[Link]>], count: usize) -> Vec<Arc<[IncidentIndex]>> {
    let mut back = vec![Vec::new(); count];
    for (from, outgoing) in links.iter().enumerate() {
        for link in outgoing.iter() {
            if let Target::Incident { index, .. } = link.target
                && index != from
            {
                back[index].push(from);
            }
        }
    }
    for list in &mut back {
        list.sort_unstable();
        list.dedup();
    }
    back.into_iter().map(Arc::from).collect()
}

fn broken(p: &Postmortem, reference: &Reference, reason: &str) -> Finding {
    let help = match reference.kind {
        ReferenceKind::File => {
            "link to another postmortem by its path relative to this file, e.g. `../2023/db-outage.md`"
        }
        ReferenceKind::Id => "use the target's id (its file name without extension, or its front-matter `id`)",
        ReferenceKind::Anchor => "link to a heading of the page, e.g. `#timeline` for `## Timeline`",
        ReferenceKind::Asset => {
            "coroner publishes postmortems only; put the file on your static host and link to it by URL"
        }
    };
    Finding {
        source: p.source.clone(),
        diagnostic: Diagnostic::warning("broken-link", reference.line, format!("`{}`: {reason}", reference.target))
            .with_help(help),
    }
}

/// Ways to find an incident: by source path, by id or alias. They hold
/// while every incident keeps its place, source, id and aliases, so a
/// patched archive shares them with the one it was patched from.
#[derive(Debug, Default)]
pub struct Names {
    by_source: HashMap<String, IncidentIndex>,
    by_name: HashMap<String, IncidentIndex>,
}

impl Names {
    pub fn new(incidents: &[Arc<Postmortem>]) -> Names {
        let by_source = incidents.iter().enumerate().map(|(i, p)| (p.source.clone(), i)).collect();
        let mut by_name = HashMap::new();
        // Aliases first, so that an id always wins over another file's alias.
        for (i, p) in incidents.iter().enumerate() {
            for alias in &p.aliases {
                by_name.insert(alias_key(alias), i);
            }
        }
        for (i, p) in incidents.iter().enumerate() {
            by_name.insert(p.id.to_lowercase(), i);
        }
        Names { by_source, by_name }
    }
}

fn target(
    incidents: &[Arc<Postmortem>],
    names: &Names,
    assets: &HashSet<&str>,
    from: IncidentIndex,
    reference: &Reference,
) -> Target {
    let p = &incidents[from];
    let (path, anchor) = reference.split();
    let index = match reference.kind {
        ReferenceKind::Anchor => Some(from),
        ReferenceKind::Id => names.by_name.get(&path.trim().to_lowercase()).copied(),
        ReferenceKind::File => names.by_source.get(join(&p.source, path).as_str()).copied(),
        ReferenceKind::Asset => {
            let source = join(&p.source, path.split('?').next().unwrap_or(path));
            return match assets.contains(source.as_str()) {
                true => Target::Asset { source },
                false => Target::Broken { reason: format!("no file at `{source}` in the content folder") },
            };
        }
    };
    let Some(index) = index else {
        let reason = match reference.kind {
            ReferenceKind::Id => format!("no postmortem has the id `{path}`"),
            _ => format!("no postmortem at `{}`", join(&p.source, path)),
        };
        return Target::Broken { reason };
    };
    let target = &incidents[index];
    match anchor.filter(|a| !a.is_empty()) {
        None => Target::Incident { index, anchor: None },
        Some(anchor) => match find_anchor(target, anchor) {
            Some(id) => Target::Incident { index, anchor: Some(id.to_string()) },
            None => Target::Broken { reason: format!("\"{}\" has no heading `#{anchor}`", target.display_title) },
        },
    }
}

/// The heading id an anchor means: exact, or written as the heading text.
fn find_anchor<'p>(target: &'p Postmortem, anchor: &str) -> Option<&'p str> {
    let slug = anchor_slug(&anchor.replace("%20", " "));
    target.anchors.iter().find(|a| *a == anchor || **a == slug).map(String::as_str)
}

/// Aliases are URL paths (`/2023/old-name/`); the last segment is the name.
fn alias_key(alias: &str) -> String {
    alias.trim_matches('/').rsplit('/').next().unwrap_or(alias).to_lowercase()
}

/// The content path `relative` points at from the file `source`, with
/// `.` and `..` resolved and `%20` decoded.
fn join(source: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = source.split('/').collect();
    parts.pop();
    let decoded = relative.replace("%20", " ");
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_linking_file() {
        assert_eq!(join("2024/a.md", "../2023/db.md"), "2023/db.md");
        assert_eq!(join("2024/a.md", "./b.md"), "2024/b.md");
        assert_eq!(join("a.md", "sub/My%20Outage.md"), "sub/My Outage.md");
        assert_eq!(join("a.md", "../../x.md"), "x.md");
    }

    #[test]
    fn aliases_are_matched_by_their_last_segment() {
        assert_eq!(alias_key("/2023/Old-Name/"), "old-name");
        assert_eq!(alias_key("old"), "old");
    }
}
