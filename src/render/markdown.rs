//! A postmortem's markdown → HTML, the Zola way: collect pulldown-cmark
//! events, rewrite them (heading ids, cross-links, unsafe URLs), then
//! `push_html`. Raw HTML in the markdown is sanitised with ammonia unless
//! the site allows it.

use crate::model::MARKDOWN_OPTIONS;
use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;
use std::collections::HashMap;

/// Where a link destination leads, as the archive resolved it.
#[derive(Debug, Clone)]
pub enum LinkTarget {
    /// Rewrite the destination to this URL.
    Url(String),
    /// Keep it, visibly marked broken, with the reason as a tooltip.
    Broken(String),
    /// Leave it as written (external links).
    AsWritten,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

pub struct Html {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The id of the first heading left out, for the page's own title to
    /// carry: links to it still land.
    pub title_id: Option<String>,
}

/// Link destination as written → where it goes; destinations not in the
/// table (external links) are left as written.
pub type Targets = HashMap<String, LinkTarget>;

/// Render `body`. `anchors` are the heading ids the ingest step found, in
/// order; `targets` says where each link destination goes. Leading
/// headings and paragraphs that say only one of `shown` (the title, which
/// the page's header shows already) are left out.
pub fn to_html(body: &str, anchors: &[String], targets: Targets, unsafe_html: bool, shown: &[&str]) -> Html {
    let resolve = |dest: &str| targets.get(dest).cloned().unwrap_or(LinkTarget::AsWritten);
    let mut toc = Vec::new();
    let mut headings = anchors.iter();
    let mut heading_text: Option<(u8, String, String)> = None;
    // One flag per open link or image: was it rendered as broken?
    let mut broken_stack: Vec<bool> = Vec::new();
    let mut has_raw_html = false;
    // Before the first block that is not the title: where the current
    // leading block's events start, and its words.
    let mut at_top = true;
    let mut leading: Option<(usize, String)> = None;
    let mut title_id = None;
    let mut events = Vec::new();
    for event in Parser::new_ext(body, MARKDOWN_OPTIONS) {
        match (&event, &mut leading) {
            (Event::Start(Tag::Heading { .. } | Tag::Paragraph), None) if at_top => {
                leading = Some((events.len(), String::new()));
            }
            (Event::Start(_) | Event::Html(_) | Event::Rule, None) => at_top = false,
            (Event::Text(t) | Event::Code(t), Some((_, words))) => words.push_str(t),
            (Event::SoftBreak | Event::HardBreak, Some((_, words))) => words.push(' '),
            _ => {}
        }
        let ends = match &event {
            Event::End(TagEnd::Heading(_)) => Some(true),
            Event::End(TagEnd::Paragraph) => Some(false),
            _ => None,
        };
        match event {
            Event::Start(Tag::Heading { level, id: _, classes, attrs }) => {
                let id = headings.next().cloned().unwrap_or_default();
                heading_text = Some((level as u8, id.clone(), String::new()));
                events.push(Event::Start(Tag::Heading { level, id: Some(id.into()), classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((level, id, text)) = heading_text.take() {
                    toc.push(TocEntry { level, id, text: text.trim().to_string() });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Text(ref text) | Event::Code(ref text) => {
                if let Some((_, _, words)) = &mut heading_text {
                    words.push_str(text);
                }
                events.push(event);
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let (rewritten, broken) = rewrite_destination(tag, resolve);
                broken_stack.push(broken);
                events.push(rewritten);
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                if broken_stack.pop() == Some(true) {
                    let close = if end == TagEnd::Link { "</a>" } else { "</span>" };
                    events.push(Event::InlineHtml(close.into()));
                } else {
                    events.push(Event::End(end));
                }
            }
            // pulldown-cmark's checkbox has no label; a screen reader would
            // announce an unlabelled control.
            Event::TaskListMarker(done) => {
                let (checked, label) = if done { (" checked", "Done") } else { ("", "Open") };
                let input = format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ");
                events.push(Event::InlineHtml(input.into()));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                events.push(event);
            }
            other => events.push(other),
        }
        if let Some(heading) = ends
            && let Some((start, words)) = leading.take()
        {
            if shown.contains(&words.trim()) {
                events.truncate(start);
                if heading {
                    title_id = title_id.or(toc.pop().map(|entry: TocEntry| entry.id));
                }
            } else {
                at_top = false;
            }
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && !unsafe_html {
        html = sanitizer(targets).clean(&html).to_string();
    }
    Html { html, toc, title_id }
}

/// A link or image with its destination resolved; a broken one becomes
/// an opening `broken_open` tag (and `true`, so its end tag follows suit).
fn rewrite_destination<'a>(tag: Tag<'a>, resolve: impl Fn(&str) -> LinkTarget) -> (Event<'a>, bool) {
    let (Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &tag else {
        return (Event::Start(tag), false);
    };
    let element = if matches!(tag, Tag::Link { .. }) { "a" } else { "span" };
    match target_of(dest_url, resolve) {
        LinkTarget::Broken(reason) => (Event::InlineHtml(broken_open(element, dest_url, &reason).into()), true),
        LinkTarget::Url(url) => {
            let tag = match tag {
                Tag::Link { link_type, title, id, .. } => Tag::Link { link_type, dest_url: url.into(), title, id },
                Tag::Image { link_type, title, id, .. } => Tag::Image { link_type, dest_url: url.into(), title, id },
                other => other,
            };
            (Event::Start(tag), false)
        }
        LinkTarget::AsWritten => (Event::Start(tag), false),
    }
}

/// Resolve a destination, refusing scripts whatever the resolver says.
fn target_of(dest: &CowStr, resolve: impl Fn(&str) -> LinkTarget) -> LinkTarget {
    let scheme = dest.trim_start().split(':').next().unwrap_or("").to_ascii_lowercase();
    if dest.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
        return LinkTarget::Broken("scripts and data URLs are not allowed in links".into());
    }
    resolve(dest)
}

/// `<a class="broken-link" …>`: no href, so no reader or link checker
/// follows it, but the destination as written stays visible on hover.
fn broken_open(tag: &str, dest: &str, reason: &str) -> String {
    let mut html = format!("<{tag} class=\"broken-link\" data-href=\"");
    let _ = escape_href(&mut html, dest);
    html.push_str("\" title=\"Broken link: ");
    let _ = escape_html(&mut html, reason);
    html.push_str("\">");
    html
}

/// ammonia's safe defaults, plus what the markdown renderer itself emits:
/// heading and footnote ids, task-list checkboxes, table alignment,
/// broken-link markers. Links written in raw HTML are resolved like
/// markdown ones; a broken one loses its URL (the page keeps its text).
fn sanitizer(targets: Targets) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .add_generic_attributes(["id", "class"])
        .add_tag_attributes("a", ["data-href", "title"])
        .add_tag_attributes("span", ["data-href", "title"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(["text-align"].into())
        .attribute_filter(move |_, attribute, value| {
            if !matches!(attribute, "href" | "src") {
                return Some(value.into());
            }
            match targets.get(value) {
                Some(LinkTarget::Url(url)) => Some(url.clone().into()),
                Some(LinkTarget::Broken(_)) => None,
                Some(LinkTarget::AsWritten) | None => Some(value.into()),
            }
        });
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str) -> String {
        let anchors = crate::ingest::links::scan(body, &["md".into()]).anchors;
        let targets = Targets::from([
            ("other.md".into(), LinkTarget::Url("/incidents/other/".into())),
            ("gone.md".into(), LinkTarget::Broken("no postmortem at `gone.md`".into())),
            ("img/gone.png".into(), LinkTarget::Broken("not published".into())),
        ]);
        to_html(body, &anchors, targets, false, &[]).html
    }

    #[test]
    fn headings_get_the_ingest_ids_and_a_toc() {
        let anchors = ["title".into(), "timeline-utc".into(), "timeline-utc-1".into()];
        let html = to_html("# Title\n\n## Timeline (UTC)\n\n## Timeline (UTC)\n", &anchors, Targets::new(), false, &[]);
        assert!(html.html.contains("<h2 id=\"timeline-utc-1\">"), "{}", html.html);
        assert_eq!(html.toc[1], TocEntry { level: 2, id: "timeline-utc".into(), text: "Timeline (UTC)".into() });
    }

    #[test]
    fn the_title_is_left_out_where_it_leads_the_body_only() {
        let anchors = ["postmortem".into(), "disk-full".into(), "summary".into(), "disk-full-1".into()];
        let body = "# Postmortem\n\n# [Disk full](gone.md)\nDisk full\n\n## Summary\n\nDisk full\n\n# Disk full\n";
        let html = to_html(body, &anchors, Targets::new(), false, &["Disk full", "Postmortem"]);
        let kept = "<h2 id=\"summary\">Summary</h2>\n<p>Disk full</p>\n<h1 id=\"disk-full-1\">Disk full</h1>\n";
        assert_eq!(html.html, kept);
        assert_eq!(html.title_id.as_deref(), Some("postmortem"));
        assert_eq!(html.toc.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["summary", "disk-full-1"]);
    }

    #[test]
    fn links_are_rewritten_or_marked_broken() {
        let html = render("[a](other.md) [b](gone.md) [c](https://example.com)");
        assert!(html.contains("<a href=\"/incidents/other/\">a</a>"), "{html}");
        assert!(
            html.contains(
                "<a class=\"broken-link\" data-href=\"gone.md\" title=\"Broken link: no postmortem at `gone.md`\">b</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://example.com\">c</a>"));
    }

    #[test]
    fn raw_html_is_sanitised_but_markdown_features_survive() {
        let html = render(
            "## Impact\n\n<script>alert(1)</script><b onclick=\"x()\">bold</b>\n\n- [x] done\n\n| a |\n|:-:|\n| 1 |\n",
        );
        assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
        assert!(html.contains("<h2 id=\"impact\">"), "{html}");
        assert!(html.contains("type=\"checkbox\"") && html.contains("aria-label=\"Done\""), "{html}");
        assert!(html.contains("text-align"), "{html}");
    }

    #[test]
    fn links_in_raw_html_are_resolved_too() {
        let html = render("<p><a href=\"other.md\">x</a> <img alt=\"chart\" src=\"img/gone.png\"></p>");
        assert!(html.contains("href=\"/incidents/other/\""), "{html}");
        assert!(html.contains("<img alt=\"chart\">"), "{html}");
    }

    #[test]
    fn script_urls_never_become_links() {
        let html = render("[x](javascript:alert(1)) [y](JavaScript:alert(2))");
        assert!(!html.contains(" href=\"javascript") && !html.contains(" href=\"JavaScript"), "{html}");
        assert!(html.contains("class=\"broken-link\""), "shown as broken, not dropped: {html}");
    }
}
