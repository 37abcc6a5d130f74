//! Repairs what would make a markdown reader see a different document than
//! the author meant: git conflict markers left in and `#Heading` without a
//! space. Every repair keeps the line count, so line numbers stay those of
//! the source file, and every repair is reported.

use crate::diagnostics::Diagnostic;
use crate::model::Conflict;

/// The repaired text, the conflicts found and what was done.
#[derive(Debug, Clone, PartialEq)]
pub struct Repaired {
    pub text: String,
    pub conflicts: Vec<Conflict>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Fix what breaks markdown reading, keeping line numbers: the output has exactly as many lines as the input.
pub fn repair(text: &str) -> Repaired {
    // Most files have neither a marker nor a `#Heading`: nothing to split,
    // fix and join again.
    if text.split('\n').all(|line| marker(line).is_none() && missing_heading_space(line).is_none()) {
        return Repaired { text: text.to_string(), conflicts: Vec::new(), diagnostics: Vec::new() };
    }
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut diagnostics = Vec::new();
    let conflicts = resolve_conflicts(&mut lines, &mut diagnostics);
    fix_headings(&mut lines, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.line);
    Repaired { text: lines.join("\n"), conflicts, diagnostics }
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// An open fenced code block: its char (`` ` `` or `~`) and length.
type Fence = (char, usize);

/// `line` opens a fenced code block: up to 3 spaces, then 3+ backticks or
/// tildes (a backtick fence's info string has no backtick).
fn fence_open(line: &str) -> Option<Fence> {
    let rest = strip_indent(line)?;
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|x| *x == c).count();
    let info = &rest[len..];
    (len >= 3 && !(c == '`' && info.contains('`'))).then_some((c, len))
}

/// `line` closes `fence`: the same char, at least as many, nothing after.
fn fence_closes(line: &str, (c, len): Fence) -> bool {
    let Some(rest) = strip_indent(line) else {
        return false;
    };
    let n = rest.chars().take_while(|x| *x == c).count();
    n >= len && rest[n..].trim().is_empty()
}

/// The line without its indentation, if that is at most 3 spaces.
fn strip_indent(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len() <= 3).then_some(rest)
}

#[derive(Clone, Copy, PartialEq)]
enum Marker {
    Open,
    Base,
    Separator,
    Close,
}

/// Git's markers: exactly 7 chars at line start; the separator alone on
/// its line (a longer `=====` run is a setext underline, not a marker).
fn marker(line: &str) -> Option<Marker> {
    let labelled =
        |m: &str| line.strip_prefix(m).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']));
    if labelled("<<<<<<<") {
        Some(Marker::Open)
    } else if labelled("|||||||") {
        Some(Marker::Base)
    } else if labelled(">>>>>>>") {
        Some(Marker::Close)
    } else if line.strip_prefix("=======").is_some_and(|rest| rest.trim().is_empty()) {
        Some(Marker::Separator)
    } else {
        None
    }
}

/// A conflict being read: indexes of its marker lines.
struct Open {
    start: usize,
    base: Option<usize>,
    separator: Option<usize>,
}

impl Open {
    fn at(start: usize) -> Self {
        Open { start, base: None, separator: None }
    }

    /// Still on the HEAD side, the one that is kept.
    fn in_ours(&self) -> bool {
        self.base.is_none() && self.separator.is_none()
    }
}

/// Keeps the HEAD side of every conflict and blanks the rest, recording
/// both sides. Markers open a conflict only outside fenced code (tracked
/// through the kept side, which is what markdown will read); inside one,
/// its other markers count wherever they are.
fn resolve_conflicts(lines: &mut [String], diagnostics: &mut Vec<Diagnostic>) -> Vec<Conflict> {
    let mut conflicts = Vec::new();
    let mut fence: Option<Fence> = None;
    let mut open: Option<Open> = None;
    for i in 0..lines.len() {
        let found = marker(&lines[i]);
        match (open.as_mut(), found) {
            (None, Some(Marker::Open)) if fence.is_none() => open = Some(Open::at(i)),
            (Some(o), Some(Marker::Open)) if o.in_ours() && fence.is_none() => {
                // The previous `<<<<<<<` never got its `=======`.
                if let Some(previous) = open.replace(Open::at(i)) {
                    finish(lines, previous, None, &mut conflicts, diagnostics);
                }
            }
            (Some(o), Some(Marker::Base)) if o.in_ours() => o.base = Some(i),
            (Some(o), Some(Marker::Separator)) if o.separator.is_none() => o.separator = Some(i),
            (Some(_), Some(Marker::Close)) => {
                if let Some(o) = open.take() {
                    finish(lines, o, Some(i), &mut conflicts, diagnostics);
                }
            }
            // The base and the other side are blanked: markdown never reads them.
            (Some(o), _) if !o.in_ours() => {}
            _ => {
                fence = match fence {
                    Some(f) if fence_closes(&lines[i], f) => None,
                    Some(f) => Some(f),
                    None => fence_open(&lines[i]),
                }
            }
        }
    }
    if let Some(o) = open.take() {
        finish(lines, o, None, &mut conflicts, diagnostics);
    }
    conflicts
}

/// Settles one conflict that ends at `close` (or at the end of the file).
fn finish(
    lines: &mut [String],
    o: Open,
    close: Option<usize>,
    conflicts: &mut Vec<Conflict>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(separator) = o.separator else {
        // Without `=======` there is no other side: drop only the markers.
        for i in [Some(o.start), o.base, close].into_iter().flatten() {
            lines[i].clear();
        }
        diagnostics.push(
            Diagnostic::warning(
                "conflict-marker",
                line_no(o.start),
                "git conflict marker without `=======`: the marker line is ignored and the text after it is kept",
            )
            .with_help("resolve the conflict and delete the markers"),
        );
        return;
    };
    let end = close.unwrap_or(lines.len());
    // Each side as it stands in the file: its lines with their line breaks.
    let side = |range: std::ops::Range<usize>| -> String {
        if range.end >= lines.len() {
            return lines[range].join("\n");
        }
        lines[range].iter().map(|l| format!("{l}\n")).collect()
    };
    let ours = side(o.start + 1..o.base.unwrap_or(separator));
    let theirs = side(separator + 1..end);
    let last = close.unwrap_or(lines.len().saturating_sub(1));
    lines[o.start].clear();
    for line in &mut lines[o.base.unwrap_or(separator)..=last] {
        line.clear();
    }
    let span = match close {
        Some(c) => format!("lines {}–{}", line_no(o.start), line_no(c)),
        None => format!("line {}, never closed", line_no(o.start)),
    };
    diagnostics.push(
        Diagnostic::warning(
            "conflict-marker",
            line_no(o.start),
            format!("unresolved git conflict ({span}): the HEAD side is used; the other side is kept in the model"),
        )
        .with_help("resolve the conflict and delete the markers"),
    );
    conflicts.push(Conflict { line: line_no(o.start), end_line: close.map_or(0, line_no), ours, theirs });
}

/// Where a space must go in a `#Heading` line: the byte after the hashes.
fn missing_heading_space(line: &str) -> Option<usize> {
    let rest = strip_indent(line)?;
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let after = &rest[hashes..];
    let next = after.chars().next()?;
    if next.is_whitespace() || next == '#' || next == '!' {
        return None;
    }
    // `#123`, `#42.`: an issue reference, not a heading.
    let digits = after.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && after[digits..].chars().next().is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation()) {
        return None;
    }
    // `#sre #postmortem`: a line of hashtags.
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() > 1 && words.iter().all(|w| w.starts_with('#')) {
        return None;
    }
    Some(line.len() - after.len())
}

/// Adds the space in `#Heading` lines outside fenced code, HTML comments
/// and front matter (where `#` starts a comment).
fn fix_headings(lines: &mut [String], diagnostics: &mut Vec<Diagnostic>) {
    let mut fence: Option<Fence> = None;
    let mut in_comment = false;
    let front_matter_end = front_matter_end(lines).unwrap_or(0);
    for (i, line) in lines.iter_mut().enumerate().skip(front_matter_end) {
        if let Some(f) = fence {
            if fence_closes(line, f) {
                fence = None;
            }
            continue;
        }
        if !in_comment {
            if let Some(f) = fence_open(line) {
                fence = Some(f);
                continue;
            }
            if let Some(at) = missing_heading_space(line) {
                let shown: String = line.trim().chars().take(60).collect();
                let message = format!("`{shown}` has no space after the #: read as a heading");
                let column = u32::try_from(line[..at].chars().count() + 1).unwrap_or(u32::MAX);
                diagnostics.push(
                    Diagnostic::warning("heading-no-space", line_no(i), message)
                        .at_column(column)
                        .with_help("add a space after the #"),
                );
                line.insert(at, ' ');
            }
        }
        in_comment = comment_state_after(line, in_comment);
    }
}

/// The index after a leading `---`/`+++` block, if the text has one.
fn front_matter_end(lines: &[String]) -> Option<usize> {
    let open = lines.iter().position(|l| !l.trim().is_empty())?;
    let fence = lines[open].trim_end();
    if fence != "---" && fence != "+++" {
        return None;
    }
    let is_close = |l: &String| l.trim_end() == fence || (fence == "---" && l.trim_end() == "...");
    let close = open + 1 + lines[open + 1..].iter().position(is_close)?;
    Some(close + 1)
}

/// Whether an HTML comment is still open at the end of `line`.
fn comment_state_after(line: &str, mut in_comment: bool) -> bool {
    let mut rest = line;
    loop {
        let token = if in_comment { "-->" } else { "<!--" };
        match rest.find(token) {
            Some(at) => {
                rest = &rest[at + token.len()..];
                in_comment = !in_comment;
            }
            None => return in_comment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn lines(s: &str) -> usize {
        s.split('\n').count()
    }

    #[test]
    fn keeps_head_side_of_a_conflict() {
        let input = "intro\n<<<<<<< HEAD\n# Ours\nkept\n=======\n#Theirs\nother\n>>>>>>> feature\nafter\n";
        let r = repair(input);
        assert_eq!(r.text, "intro\n\n# Ours\nkept\n\n\n\n\nafter\n");
        assert_eq!(
            r.conflicts,
            vec![Conflict { line: 2, end_line: 8, ours: "# Ours\nkept\n".into(), theirs: "#Theirs\nother\n".into() }]
        );
        assert_eq!(r.diagnostics.len(), 1);
        let d = &r.diagnostics[0];
        assert_eq!((d.code, d.severity, d.line), ("conflict-marker", Severity::Warning, 2));
        assert_eq!(
            d.message,
            "unresolved git conflict (lines 2–8): the HEAD side is used; the other side is kept in the model"
        );
        assert_eq!(d.help.as_deref(), Some("resolve the conflict and delete the markers"));
    }

    #[test]
    fn diff3_base_section_is_blanked() {
        let r = repair("<<<<<<< ours\na\n||||||| base\nb\n=======\nc\n>>>>>>> theirs");
        assert_eq!(r.text, "\na\n\n\n\n\n");
        assert_eq!(r.conflicts[0].ours, "a\n");
        assert_eq!(r.conflicts[0].theirs, "c\n");
        assert_eq!((r.conflicts[0].line, r.conflicts[0].end_line), (1, 7));
    }

    #[test]
    fn unclosed_conflict_runs_to_the_end() {
        let r = repair("<<<<<<< HEAD\na\n=======\nb\nc");
        assert_eq!(r.text, "\na\n\n\n");
        assert_eq!(r.conflicts[0].end_line, 0);
        assert_eq!(r.conflicts[0].theirs, "b\nc");
        assert!(r.diagnostics[0].message.contains("never closed"));
    }

    #[test]
    fn open_marker_without_separator_blanks_only_markers() {
        let r = repair("a\n<<<<<<< HEAD\nb\nc\n");
        assert_eq!(r.text, "a\n\nb\nc\n");
        assert!(r.conflicts.is_empty());
        assert_eq!((r.diagnostics[0].code, r.diagnostics[0].line), ("conflict-marker", 2));
    }

    #[test]
    fn markers_without_separator_are_dropped_and_a_later_conflict_still_counts() {
        let input = "<<<<<<< HEAD\nb\n>>>>>>> x\n<<<<<<< one\nc\n<<<<<<< two\nd\n=======\ne\n>>>>>>> y";
        let r = repair(input);
        assert_eq!(r.text, "\nb\n\n\nc\n\nd\n\n\n");
        let c = &r.conflicts;
        assert_eq!((c.len(), c[0].line, c[0].end_line), (1, 6, 10));
        assert_eq!((c[0].ours.as_str(), c[0].theirs.as_str()), ("d\n", "e\n"));
        let lines: Vec<u32> = r.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(lines, [1, 4, 6]);
    }

    #[test]
    fn stray_markers_and_setext_underlines_are_left_alone() {
        let input = "Title\n=======\nText\n===\n>>>>>>> x\n> quote\n<<<<<<<<< nine\n";
        let r = repair(input);
        assert_eq!(r.text, input);
        assert!(r.diagnostics.is_empty() && r.conflicts.is_empty());
    }

    #[test]
    fn conflict_markers_in_code_are_left_alone() {
        let input = "```diff\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n```\n";
        assert_eq!(repair(input).text, input);
    }

    #[test]
    fn fence_inside_the_kept_side_does_not_hide_the_separator() {
        let r = repair("<<<<<<< HEAD\n```\ncode\n=======\nb\n>>>>>>> x\n```\n#After");
        assert_eq!(r.text, "\n```\ncode\n\n\n\n```\n# After");
        assert_eq!(r.conflicts.len(), 1);
    }

    #[test]
    fn adds_space_to_hash_headings() {
        let r = repair("#Timeline:\n  ##Root cause\n####### seven\n#**Bold**\n# Fine\n");
        assert_eq!(r.text, "# Timeline:\n  ## Root cause\n####### seven\n# **Bold**\n# Fine\n");
        let got: Vec<(u32, u32)> = r.diagnostics.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(got, vec![(1, 2), (2, 5), (4, 2)]);
        let d = &r.diagnostics[0];
        assert_eq!((d.code, d.severity), ("heading-no-space", Severity::Warning));
        assert_eq!(d.help.as_deref(), Some("add a space after the #"));
    }

    #[test]
    fn leaves_non_headings_alone() {
        let input = "#123 is fixed\n#42.\n#7\n#!/bin/sh\n    #indented\n#sre #postmortem\n##\n#\n";
        let r = repair(input);
        assert_eq!(r.text, input);
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn no_heading_fix_in_code_or_comments() {
        let input = "```c\n#include <x.h>\n~~~\n#define A\n````\n~~~ sh\n#comment\n~~~\n<!--\n#hidden\n-->\n<!-- a --> <!--\n#still\n-->\n#Yes";
        let r = repair(input);
        let want = input.replace("\n#Yes", "\n# Yes");
        assert_eq!(r.text, want);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, 15);
    }

    #[test]
    fn front_matter_comments_are_not_headings() {
        let input = "---\n#comment\ntitle: x\n---\n#Title\n";
        assert_eq!(repair(input).text, "---\n#comment\ntitle: x\n---\n# Title\n");
        assert_eq!(repair("+++\n#c\n").text, "+++\n# c\n");
    }

    #[test]
    fn conflict_and_heading_from_one_file() {
        let input = "<<<<<<< HEAD\n#Summary:\n=======\n#Issue Summary:\n>>>>>>> branch\n";
        let r = repair(input);
        assert_eq!(r.text, "\n# Summary:\n\n\n\n");
        assert_eq!(r.conflicts[0].theirs, "#Issue Summary:\n");
        let codes: Vec<_> = r.diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(codes, vec![(1, "conflict-marker"), (2, "heading-no-space")]);
    }

    #[test]
    fn odd_inputs_never_panic_and_keep_line_count() {
        let huge = format!("#{}\n", "é".repeat(200_000));
        let inputs = [
            "",
            "\n",
            "<<<<<<<",
            "<<<<<<< HEAD\n=======",
            "=======\n>>>>>>>",
            "|||||||\n<<<<<<<\n|||||||\n|||||||",
            "#",
            "#\u{0}",
            "   #é",
            "```",
            "~~~~\n~~~",
            "<!--",
            "-->#x",
            "\r\n#x\r",
            "<<<<<<< a\n<<<<<<< b\n=======\n",
            huge.as_str(),
        ];
        for input in inputs {
            let r = repair(input);
            assert_eq!(lines(&r.text), lines(input), "{input:?}");
        }
    }
}
