//! Postmortems written as HTML (pages pasted whole, wiki and document
//! exports): markdown readers see one raw HTML block, so no heading, label,
//! timeline or cause. Such a file is read, and published, as the markdown
//! it stands for. Each HTML block becomes markdown on the lines it held,
//! padded with blank lines, so line numbers stay those of the source.

use crate::diagnostics::Diagnostic;
use crate::per_thread::PerThread;
use regex::{Captures, Regex};

/// A line that opens an HTML block.
static BLOCK_TAG: PerThread<Regex> = PerThread::new(|| {
    Regex::new(r"(?i)^\s*<(!doctype|html|head|body|h[1-6]|p|div|table|ul|ol|li|pre|section|article|blockquote)\b")
        .unwrap()
});
static HEADING: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"(?is)^\s*<h([1-6])\b[^>]*>(.*?)</h[1-6]\s*>\s*$").unwrap());
static ROW: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?is)<tr\b[^>]*>(.*?)</tr\s*>").unwrap());
static CELL: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?is)<t[hd]\b[^>]*>(.*?)</t[hd]\s*>").unwrap());
static LINK: PerThread<Regex> =
    PerThread::new(|| Regex::new(r#"(?is)<a\b[^>]*\bhref\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>"#).unwrap());
static STRONG: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?i)</?(strong|b)\s*>").unwrap());
static EMPHASIS: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?i)</?(em|i)\s*>").unwrap());
static CODE: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?i)</?(code|kbd|tt)\s*>").unwrap());
static LIST_ITEM: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?i)^\s*<li\b[^>]*>").unwrap());
static ANY_TAG: PerThread<Regex> = PerThread::new(|| Regex::new(r"</?[a-zA-Z!][^>]*>").unwrap());

/// Whether `body` is an HTML document rather than markdown with some HTML
/// in it: it opens with a block tag, has at least three, and has no
/// markdown headings.
pub fn is_html_document(body: &str) -> bool {
    let mut lines = body.lines().filter(|l| !l.trim().is_empty());
    if !lines.next().is_some_and(|first| BLOCK_TAG.is_match(first)) {
        return false;
    }
    let blocks = body.lines().filter(|l| BLOCK_TAG.is_match(l)).take(3).count();
    blocks >= 3 && !body.lines().any(|l| l.starts_with("# ") || l.starts_with("## "))
}

/// `body`, an HTML document, as markdown with the same lines, and a note that
/// it was read so.
pub fn to_markdown(body: &str) -> (String, Diagnostic) {
    let lines: Vec<&str> = body.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let lower = lines[i].to_ascii_lowercase();
        let spanning = SPANNING.iter().find(|(open, ..)| lower.contains(open));
        let Some((_, close, convert)) = spanning else {
            out.push(block_line(lines[i]));
            i += 1;
            continue;
        };
        let end = (i..lines.len()).find(|&j| lines[j].to_ascii_lowercase().contains(close)).unwrap_or(lines.len() - 1);
        fill(&mut out, convert(&lines[i..=end].join("\n")), end + 1 - i);
        i = end + 1;
    }
    let note = Diagnostic::info("html-document", 1, "the file is written in HTML: read and published as markdown")
        .with_help("write it in markdown to control how its page looks");
    (out.join("\n"), note)
}

/// What a block spanning lines becomes: its HTML, joined, to markdown lines.
type Convert = fn(&str) -> Vec<String>;

/// Blocks that span lines, by their opening and closing tags, and the
/// markdown each becomes.
const SPANNING: [(&str, &str, Convert); 4] = [
    ("<table", "</table", table),
    ("<style", "</style", |_| Vec::new()),
    ("<script", "</script", |_| Vec::new()),
    ("<pre", "</pre", preformatted),
];

/// A markdown file's lines that are a whole HTML heading
/// (`<h2>Impact</h2>`), as markdown headings on the same lines, so that
/// they start sections as the file's other headings do; `None` when there
/// is none. Code fences are left alone.
pub fn headings_to_markdown(body: &str) -> Option<String> {
    if !body.contains("</h") && !body.contains("</H") {
        return None;
    }
    let mut in_fence = false;
    let mut changed = false;
    let lines: Vec<String> = body
        .split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
            }
            match (!in_fence).then(|| HEADING.is_match(line)) {
                Some(true) => {
                    changed = true;
                    block_line(line)
                }
                _ => line.to_string(),
            }
        })
        .collect();
    changed.then(|| lines.join("\n"))
}

/// Preformatted text as a code fence, its tags dropped.
fn preformatted(html: &str) -> Vec<String> {
    let code = ANY_TAG.replace_all(html, "");
    let mut block = vec!["```".to_string()];
    block.extend(code.split('\n').filter(|l| !l.trim().is_empty()).map(str::to_string));
    block.push("```".to_string());
    block
}

/// Puts `block` on the `lines` lines it replaces, blank lines after it; a
/// block longer than its lines keeps all of its own.
fn fill(out: &mut Vec<String>, block: Vec<String>, lines: usize) {
    let extra = lines.saturating_sub(block.len());
    out.extend(block);
    out.extend(std::iter::repeat_n(String::new(), extra));
}

/// A table as markdown rows, its first row the header.
fn table(html: &str) -> Vec<String> {
    let rows: Vec<Vec<String>> = ROW
        .captures_iter(html)
        .map(|row| CELL.captures_iter(&row[1]).map(|c| inline(&c[1]).replace('|', "\\|")).collect())
        .filter(|cells: &Vec<String>| !cells.is_empty())
        .collect();
    let mut out: Vec<String> = rows.iter().map(|cells| format!("| {} |", cells.join(" | "))).collect();
    if let Some(header) = rows.first() {
        out.insert(1, format!("|{}", "---|".repeat(header.len())));
    }
    out
}

/// One line outside tables and preformatted text.
fn block_line(line: &str) -> String {
    if let Some(h) = HEADING.captures(line) {
        let level: usize = h[1].parse().unwrap_or(2);
        return format!("{} {}", "#".repeat(level), inline(&h[2]));
    }
    if let Some(item) = LIST_ITEM.find(line) {
        return format!("- {}", inline(&line[item.end()..]));
    }
    inline(line)
}

/// Inline markup as markdown; every other tag dropped. Entities are left
/// for the markdown reader, which decodes them.
fn inline(html: &str) -> String {
    let text = LINK.replace_all(html, |c: &Captures| format!("[{}]({})", ANY_TAG.replace_all(&c[2], ""), &c[1]));
    let text = STRONG.replace_all(&text, "**");
    let text = EMPHASIS.replace_all(&text, "*");
    let text = CODE.replace_all(&text, "`");
    ANY_TAG.replace_all(&text, "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_headings_in_markdown_become_markdown_headings_on_their_lines() {
        let body = "# Postmortem\n\n<h2>Impact</h2>\n\nMany users.\n\n```html\n<h2>kept</h2>\n```\n";
        let want = "# Postmortem\n\n## Impact\n\nMany users.\n\n```html\n<h2>kept</h2>\n```\n";
        assert_eq!(headings_to_markdown(body).as_deref(), Some(want));
        assert_eq!(headings_to_markdown("# Plain\n\ntext\n"), None);
    }

    const PAGE: &str = "<h1>Postmortem: api stopped resolving</h1>\n\n<p><strong>Severity:</strong> P1</p>\n\n<h2>Timeline</h2>\n<table>\n  <thead>\n    <tr><th>Time</th><th>Event</th></tr>\n  </thead>\n  <tbody>\n    <tr><td>06:58</td><td>Terraform apply &ldquo;rename&rdquo; completes</td></tr>\n    <tr><td>08:26</td><td>Record re-created by <em>hand</em></td></tr>\n  </tbody>\n</table>\n<ul>\n<li>Add a <a href=\"https://x.example/plan\">plan check</a></li>\n</ul>";

    #[test]
    fn an_html_page_reads_as_markdown_on_the_same_lines() {
        assert!(is_html_document(PAGE));
        let (markdown, note) = to_markdown(PAGE);
        assert_eq!(note.code, "html-document");
        let lines: Vec<&str> = markdown.split('\n').collect();
        assert_eq!(lines.len(), PAGE.split('\n').count());
        assert_eq!(lines[0], "# Postmortem: api stopped resolving");
        assert_eq!(lines[2], "**Severity:** P1");
        assert_eq!(lines[4], "## Timeline");
        assert_eq!(
            &lines[5..9],
            [
                "| Time | Event |",
                "|---|---|",
                "| 06:58 | Terraform apply &ldquo;rename&rdquo; completes |",
                "| 08:26 | Record re-created by *hand* |"
            ]
        );
        assert_eq!(lines[15], "- Add a [plan check](https://x.example/plan)");
    }

    #[test]
    fn markdown_with_some_html_is_left_alone() {
        assert!(!is_html_document("# Outage\n\n<p>one</p>\n<div>two</div>\n<p>three</p>"));
        assert!(!is_html_document("Some text first.\n<p>one</p>\n<p>two</p>\n<p>three</p>"));
        assert!(!is_html_document("<p>only one block</p>\n\nthen markdown"));
    }
}
