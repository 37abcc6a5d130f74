//! Links and heading ids: what other files a postmortem points at, and the
//! anchors it offers to links from elsewhere. The archive resolves the
//! links; the renderer gives headings the ids found here, in order.

use crate::model::{Reference, ReferenceKind};
use crate::per_thread::PerThread;
use pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use regex::Regex;
use std::collections::HashSet;

/// The links and heading ids of one body.
#[derive(Debug, Default, PartialEq)]
pub struct Links {
    pub references: Vec<Reference>,
    /// Heading ids in document order, unique within the document.
    pub anchors: Vec<String>,
}

/// Collect references and heading ids on their own, for tests; parsing
/// feeds a [`Collector`] from the outline's pass instead.
#[cfg(test)]
pub fn scan(body: &str, extensions: &[String]) -> Links {
    use super::sections::LineIndex;
    use pulldown_cmark::Parser;
    let index = LineIndex::new(&body.split('\n').collect::<Vec<_>>());
    let mut collector = Collector::new(extensions);
    for (event, range) in Parser::new_ext(body, crate::model::MARKDOWN_OPTIONS).into_offset_iter() {
        collector.observe(&event, index.line(range.start));
    }
    collector.finish()
}

/// Builds [`Links`] from a markdown event stream, so that the outline's one
/// pass over the body serves both.
pub struct Collector<'e> {
    extensions: &'e [String],
    links: Links,
    taken: HashSet<String>,
    /// The open heading: its `{#id}` if written, and its text so far.
    heading: Option<(Option<String>, String)>,
}

impl<'e> Collector<'e> {
    pub fn new(extensions: &'e [String]) -> Self {
        Collector { extensions, links: Links::default(), taken: HashSet::new(), heading: None }
    }

    /// One event, starting on 1-based `line`.
    pub fn observe(&mut self, event: &Event, line: u32) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                self.heading = Some((id.as_ref().map(|i| i.to_string()), String::new()))
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, words)) = &mut self.heading {
                    words.push_str(text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((id, words)) = self.heading.take() {
                    let wanted = id.unwrap_or_else(|| anchor_slug(&words));
                    self.links.anchors.push(unique(wanted, &mut self.taken));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (offset, dest) in html_destinations(html) {
                    if let Some(kind) = classify(dest, self.extensions) {
                        let line = line + html[..offset].matches('\n').count() as u32;
                        self.links.references.push(Reference { target: dest.to_string(), kind, line });
                    }
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, .. } | Tag::Image { link_type, dest_url, .. }) => {
                let kind = match link_type {
                    LinkType::WikiLink { .. } => Some(ReferenceKind::Id),
                    _ => classify(dest_url, self.extensions),
                };
                if let Some(kind) = kind {
                    self.links.references.push(Reference { target: dest_url.to_string(), kind, line });
                }
            }
            _ => {}
        }
    }

    pub fn finish(self) -> Links {
        self.links
    }
}

/// `href="…"` and `src="…"` values in raw HTML, with their byte offsets.
fn html_destinations(html: &str) -> impl Iterator<Item = (usize, &str)> {
    static ATTRIBUTE: PerThread<Regex> =
        PerThread::new(|| Regex::new(r#"(?i)\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#).unwrap());
    ATTRIBUTE.captures_iter(html).filter_map(|c| c.get(1).or_else(|| c.get(2))).map(|m| (m.start(), m.as_str()))
}

/// What kind of reference a link destination is; `None` for links that
/// leave the archive (`https:`, `mailto:`) or are site-absolute (`/x`).
fn classify(dest: &str, extensions: &[String]) -> Option<ReferenceKind> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with('/') || has_scheme(dest) {
        return None;
    }
    if dest.starts_with('#') {
        return Some(ReferenceKind::Anchor);
    }
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    let is_content =
        path.rsplit_once('.').is_some_and(|(_, ext)| extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)));
    Some(if is_content { ReferenceKind::File } else { ReferenceKind::Asset })
}

/// `scheme:` before any `/`, `#` or `?` (RFC 3986), e.g. `https:`,
/// `mailto:`, `commit-fix:`. A Windows drive letter is not one.
fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The id a heading gets: lower-case words joined by `-`, as GitHub and
/// Zola make them, so links written for those keep working.
pub fn anchor_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() { "section".to_string() } else { slug.to_string() }
}

/// `wanted`, or `wanted-1`, `wanted-2`… when an earlier heading has it.
fn unique(wanted: String, taken: &mut HashSet<String>) -> String {
    let mut id = wanted.clone();
    let mut n = 1;
    while !taken.insert(id.clone()) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exts() -> Vec<String> {
        vec!["md".into(), "txt".into()]
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(anchor_slug("Root Cause & Resolution"), "root-cause-resolution");
        assert_eq!(anchor_slug("Timeline (UTC)"), "timeline-utc");
        assert_eq!(anchor_slug("Résumé de l'incident"), "résumé-de-lincident");
        assert_eq!(anchor_slug("!!!"), "section");
    }

    #[test]
    fn repeated_headings_get_numbered_ids() {
        let links = scan("# A\n\n## Timeline\n\n## Timeline\n\n## Custom {#mine}\n", &exts());
        assert_eq!(links.anchors, ["a", "timeline", "timeline-1", "mine"]);
    }

    #[test]
    fn references_are_classified_with_their_line() {
        let body = "See [db](../2023/db.md#timeline).\n\n[[2023-06-09-outage]] and [top](#impact)\n\
                    ![chart](chart.png) [web](https://example.com) [abs](/x) [fix](commit-fix:f5b7)\n\n\
                    <p>\n<img alt=\"x\" src='img/a.png'>\n</p>\n";
        let links = scan(body, &exts());
        let found: Vec<(ReferenceKind, &str, u32)> =
            links.references.iter().map(|r| (r.kind, r.target.as_str(), r.line)).collect();
        assert_eq!(
            found,
            [
                (ReferenceKind::File, "../2023/db.md#timeline", 1),
                (ReferenceKind::Id, "2023-06-09-outage", 3),
                (ReferenceKind::Anchor, "#impact", 3),
                (ReferenceKind::Asset, "chart.png", 4),
                (ReferenceKind::Asset, "img/a.png", 7),
            ]
        );
    }
}
