//! Postmortems written in Confluence or Jira wiki markup (`h2. Summary`,
//! `||Time||Event||`, `{{code}}`), as exports and pastes from those tools
//! are: markdown readers see one paragraph, so no heading, table or label.
//! Such a file is read, and published, as the markdown it stands for, line
//! for line, so line numbers stay those of the source.

use crate::diagnostics::Diagnostic;
use crate::per_thread::PerThread;
use regex::Regex;

static HEADING: PerThread<Regex> = PerThread::new(|| Regex::new(r"^h([1-6])\.\s+(.*)$").unwrap());
/// `{toc}`, `{panel:title=…}`, `{code:java}`: a macro alone on its line.
static MACRO: PerThread<Regex> = PerThread::new(|| Regex::new(r"^\{([a-z]+)(?::[^}]*)?\}\s*$").unwrap());
static MONOSPACE: PerThread<Regex> = PerThread::new(|| Regex::new(r"\{\{(.+?)\}\}").unwrap());
static STRONG: PerThread<Regex> = PerThread::new(|| Regex::new(r"(^|[\s(|])\*([^*\s](?:[^*]*[^*\s])?)\*").unwrap());
static LINK: PerThread<Regex> = PerThread::new(|| Regex::new(r"\[([^\]|]+)\|([^\]\s]+)\]").unwrap());
static LIST: PerThread<Regex> = PerThread::new(|| Regex::new(r"^([*#]+)\s+(.*)$").unwrap());

/// Whether `body` is wiki markup rather than markdown: two `h1.`–`h6.`
/// headings, and no markdown section heading (`# ` is a numbered item in
/// wiki markup).
pub fn is_wiki_markup(body: &str) -> bool {
    let headings = body.lines().filter(|l| HEADING.is_match(l)).take(2).count();
    headings >= 2 && !body.lines().any(|l| l.starts_with("## "))
}

/// `body`, in wiki markup, as markdown with the same lines, and a note
/// that it was read so.
pub fn to_markdown(body: &str) -> (String, Diagnostic) {
    let mut out: Vec<String> = Vec::new();
    let mut in_code = false;
    for line in body.split('\n') {
        if let Some(name) = MACRO.captures(line.trim()).and_then(|c| c.get(1)).map(|m| m.as_str()) {
            // Code and preformatted blocks open and close with the same
            // macro; the others (a table of contents, a panel) show nothing.
            let fence = matches!(name, "code" | "noformat");
            in_code ^= fence;
            out.push(if fence { "```".to_string() } else { String::new() });
            continue;
        }
        if in_code {
            out.push(line.to_string());
            continue;
        }
        let converted = block(line, &mut out);
        out.push(inline(&converted));
    }
    let note = Diagnostic::info(
        "wiki-markup",
        1,
        "the file is written in Confluence or Jira wiki markup: read and published as markdown",
    )
    .with_help("write it in markdown to control how its page looks");
    (out.join("\n"), note)
}

/// One line's block markup as markdown. A table's header row (`||a||b||`)
/// needs a delimiter row under it: it moves up into the blank line before
/// it, when there is one, and the delimiter takes its line.
fn block(line: &str, out: &mut [String]) -> String {
    if let Some(c) = HEADING.captures(line) {
        return format!("{} {}", "#".repeat(c[1].parse().unwrap_or(2)), &c[2]);
    }
    let trimmed = line.trim_end();
    if let Some(inner) = trimmed.strip_prefix("||").and_then(|r| r.strip_suffix("||")) {
        let cells: Vec<&str> = inner.split("||").map(str::trim).collect();
        let header = format!("| {} |", cells.join(" | "));
        return match out.last_mut() {
            Some(before) if before.trim().is_empty() => {
                *before = header;
                format!("|{}", " --- |".repeat(cells.len()))
            }
            _ => header,
        };
    }
    if let Some(inner) = trimmed.strip_prefix('|').and_then(|r| r.strip_suffix('|')) {
        let cells: Vec<&str> = inner.split('|').map(str::trim).collect();
        let in_table = out.last().is_some_and(|before| before.starts_with('|'));
        // A key and its value outside a table with a header: a label.
        if let [key, value] = cells.as_slice()
            && !in_table
        {
            let key = key.trim_matches('*');
            return format!("**{key}:** {value}");
        }
        return format!("| {} |", cells.join(" | "));
    }
    if let Some(c) = LIST.captures(line) {
        let depth = c[1].len() - 1;
        let marker = if c[1].ends_with('#') { "1." } else { "-" };
        return format!("{}{marker} {}", "  ".repeat(depth), &c[2]);
    }
    line.to_string()
}

/// Monospace, bold and links as markdown.
fn inline(line: &str) -> String {
    let line = MONOSPACE.replace_all(line, "`$1`");
    let line = LINK.replace_all(&line, "[$1]($2)");
    STRONG.replace_all(&line, "$1**$2**").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "h1. INC-7 Review\n|*Date*|01 Oct 2024|\n{toc}\nh2. Timeline\n\n||Time||Event||\n|08:58|Cert for {{api.example}} *expires*.|\nh2. Follow-up\n# Alert on [expiry|https://wiki.example/x]\n{code}\n# not a list\n{code}\n";

    #[test]
    fn wiki_markup_reads_as_markdown_line_for_line() {
        assert!(is_wiki_markup(PAGE));
        let (markdown, note) = to_markdown(PAGE);
        assert_eq!(note.code, "wiki-markup");
        let want = "# INC-7 Review\n**Date:** 01 Oct 2024\n\n## Timeline\n| Time | Event |\n| --- | --- |\n| 08:58 | Cert for `api.example` **expires**. |\n## Follow-up\n1. Alert on [expiry](https://wiki.example/x)\n```\n# not a list\n```\n";
        assert_eq!(markdown, want);
        assert_eq!(markdown.split('\n').count(), PAGE.split('\n').count());
    }

    #[test]
    fn markdown_is_left_alone() {
        assert!(!is_wiki_markup("# Outage\n\nh2. is how a wiki writes it\n\n## Cause\n\nh3. too\n"));
        assert!(!is_wiki_markup("# Outage\n\n## Summary\n\nIt broke.\n"));
    }
}
