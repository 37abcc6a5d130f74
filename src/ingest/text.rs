//! Markdown and HTML markup → plain text, for the stages that read words
//! (facts, timeline, action items). Rendering never uses this.

use crate::config::ascii_word_boundaries;
use crate::per_thread::PerThread;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::borrow::Cow;

static IMAGE: PerThread<Regex> = PerThread::new(|| Regex::new(r"!\[([^\]]*)\]\([^)]*\)").unwrap());
static LINK: PerThread<Regex> = PerThread::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap());
static WIKI_LINK: PerThread<Regex> = PerThread::new(|| Regex::new(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]").unwrap());
static TAG: PerThread<Regex> = PerThread::new(|| Regex::new(r"</?[A-Za-z][^>]*>").unwrap());

/// The cells of a markdown table row, markup removed; `None` for the
/// `|---|:--:|` separator row.
pub fn table_cells(raw: &str) -> Option<Vec<String>> {
    let cells: Vec<String> =
        raw.trim().trim_matches('|').split('|').map(|c| strip_inline_markup(c).trim().to_string()).collect();
    let separator = cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch)));
    (!separator).then_some(cells)
}

/// A case-insensitive pattern of English words with ASCII word boundaries.
/// Only for built-in patterns: it panics on a bad one.
pub fn english(pattern: &str) -> Regex {
    RegexBuilder::new(&ascii_word_boundaries(pattern)).case_insensitive(true).build().expect("a valid built-in pattern")
}

/// [`english`] patterns as one set, matched in a single pass.
pub fn english_set<'a>(patterns: impl IntoIterator<Item = &'a str>) -> RegexSet {
    RegexSetBuilder::new(patterns.into_iter().map(ascii_word_boundaries))
        .case_insensitive(true)
        .build()
        .expect("valid built-in patterns")
}

/// One line without its list marker, task box, emphasis, links and tags:
/// `- **10:00 AM (UTC):** The [API](x) <b>failed</b>` → `10:00 AM (UTC): The API failed`.
pub fn strip_inline_markup(line: &str) -> Cow<'_, str> {
    // Each pass runs only when its marker character is present: most lines
    // are plain words, and this runs on every line of every file. One scan
    // of the bytes finds which markers there are.
    let mut line = Cow::Borrowed(without_line_prefix(line));
    let markers = Markers::of(&line);
    if markers.link {
        line = Cow::Owned(IMAGE.replace_all(&line, "$1").into_owned());
        line = Cow::Owned(LINK.replace_all(&line, "$1").into_owned());
        line = Cow::Owned(
            WIKI_LINK
                .replace_all(&line, |c: &regex::Captures| {
                    c.get(2).or_else(|| c.get(1)).map_or(String::new(), |m| m.as_str().to_string())
                })
                .into_owned(),
        );
    }
    // The passes only remove markup, so a marker missing before them is
    // still missing after (one that was removed costs a pass that changes
    // nothing).
    if markers.tag {
        line = Cow::Owned(TAG.replace_all(&line, " ").into_owned());
    }
    if markers.emphasis {
        line = Cow::Owned(without_emphasis(&line));
    }
    if markers.entity { Cow::Owned(decode_entities(&line)) } else { line }
}

/// Which markup characters a line holds, found in one pass over its bytes.
struct Markers {
    link: bool,
    tag: bool,
    emphasis: bool,
    entity: bool,
}

impl Markers {
    const LINK: u8 = 1;
    const TAG: u8 = 2;
    const EMPHASIS: u8 = 4;
    const ENTITY: u8 = 8;
    /// Each byte's marker bit: a table lookup per byte, without branches.
    const BITS: [u8; 256] = {
        let mut bits = [0; 256];
        bits[b'[' as usize] = Self::LINK;
        bits[b'<' as usize] = Self::TAG;
        bits[b'*' as usize] = Self::EMPHASIS;
        bits[b'_' as usize] = Self::EMPHASIS;
        bits[b'~' as usize] = Self::EMPHASIS;
        bits[b'`' as usize] = Self::EMPHASIS;
        bits[b'&' as usize] = Self::ENTITY;
        bits
    };

    fn of(line: &str) -> Self {
        let bits = line.bytes().fold(0, |bits, b| bits | Self::BITS[usize::from(b)]);
        Markers {
            link: bits & Self::LINK != 0,
            tag: bits & Self::TAG != 0,
            emphasis: bits & Self::EMPHASIS != 0,
            entity: bits & Self::ENTITY != 0,
        }
    }
}

/// Drop a line's block markers: quotes, a list marker (`-`, `*`, `1.`),
/// a task box (`[x]`).
fn without_line_prefix(line: &str) -> &str {
    let mut rest = line.trim_start();
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.trim_start();
    }
    let marker_len = if rest.starts_with(['-', '*', '+', '•', '=']) {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits) && rest[digits..].starts_with(['.', ')']) { digits + 1 } else { 0 }
    };
    if marker_len > 0 && rest[marker_len..].starts_with(char::is_whitespace) {
        rest = rest[marker_len..].trim_start();
    }
    for task in ["[ ]", "[x]", "[X]"] {
        if let Some(r) = rest.strip_prefix(task).filter(|r| r.starts_with(char::is_whitespace)) {
            rest = r.trim_start();
        }
    }
    rest
}

/// Remove `*`, `~~` and backticks, and underscores used as emphasis
/// (`_word_`), keeping the ones inside words (`user_id`), a `*` with
/// spaces on both sides (`2 * 3`), and all of a code span's text
/// (`` `*.corp.example.com` `` → `*.corp.example.com`).
fn without_emphasis(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => {
                let fence = line[i..].bytes().take_while(|b| *b == b'`').count();
                let after = i + fence;
                // A span closes on a run of as many backticks; an unclosed
                // run is only dropped.
                let closing = line[after..]
                    .match_indices(&line[i..after])
                    .map(|(at, _)| after + at)
                    .find(|&at| !line[at + fence..].starts_with('`') && !line[..at].ends_with('`'));
                let end = match closing {
                    Some(at) => {
                        out.push_str(&line[after..at]);
                        at + fence
                    }
                    None => after,
                };
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            '*' => {
                let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
                if spaced(previous) && spaced(chars.peek().map(|(_, n)| *n)) {
                    out.push('*');
                }
            }
            '~' if chars.peek().is_some_and(|(_, n)| *n == '~') => {
                chars.next();
            }
            '_' => {
                let run = line[i..].bytes().take_while(|b| *b == b'_').count();
                let next = line[i + run..].chars().next();
                let inside_word =
                    previous.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric);
                if inside_word {
                    out.extend(std::iter::repeat_n('_', run));
                }
                for _ in 1..run {
                    chars.next();
                }
            }
            c => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// The few HTML entities postmortems use.
fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// One line as plain text: markup removed, whitespace runs as single
/// spaces, no space at either end. Borrows the line when that changes
/// nothing, as it does for most lines.
pub fn plain_text(line: &str) -> Cow<'_, str> {
    let stripped = strip_inline_markup(line);
    if is_collapsed(&stripped) {
        return stripped;
    }
    Cow::Owned(stripped.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// No whitespace but single spaces between words. Each test is a scan the
/// compiler or std vectorises (this runs on every line); only a text that
/// is not ASCII is read char by char, for non-ASCII whitespace.
fn is_collapsed(text: &str) -> bool {
    let control_space = text.bytes().fold(false, |found, b| found | (b'\t'..=b'\r').contains(&b));
    !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !control_space
        && (text.is_ascii() || !text.chars().any(|c| !c.is_ascii() && c.is_whitespace()))
}

static SENTENCE_END: PerThread<Regex> = PerThread::new(|| Regex::new(r"[.!?。](?:\s+|$)").unwrap());

/// Words shortened with a period that go on with the same sentence: "On
/// Mar. 4, 2024", "approx. 40 minutes", "vs. last week".
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "aprox", "ca",
    "env", "vs", "mr", "mrs", "dr", "inc", "ltd", "corp", "incl", "bzw", "ggf",
];

/// Split plain text into sentences. A period inside a number ("3.5"), after
/// an abbreviation ("e.g.", "approx.", "Mar.") or before a word in lower
/// case does not end one.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in SENTENCE_END.find_iter(text) {
        let before = &text[start..m.start()];
        let last_word = before.rsplit(char::is_whitespace).next().unwrap_or("");
        let word = last_word.trim_start_matches(|c: char| !c.is_alphanumeric());
        let period = m.as_str().starts_with('.');
        let abbreviation = last_word.chars().count() <= 1
            || last_word.contains('.')
            || period && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
        let goes_on = period && text[m.end()..].starts_with(char::is_lowercase);
        if abbreviation || goes_on || last_word.ends_with(|c: char| c.is_ascii_digit()) && m.as_str().len() == 1 {
            continue;
        }
        let s = text[start..m.end()].trim();
        if !s.is_empty() {
            out.push(s);
        }
        start = m.end();
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out
}

/// At most `max` characters, cut at a word boundary, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_removed_but_words_and_snake_case_stay() {
        assert_eq!(
            strip_inline_markup("- **10:00 AM (UTC):** The [API](http://x) <b>failed</b> in `user_id`"),
            "10:00 AM (UTC): The API  failed  in user_id"
        );
        assert_eq!(strip_inline_markup("_5:30 PM_ – tuned"), "5:30 PM – tuned");
        assert_eq!(strip_inline_markup("- [x] Add alert (owner: @ana)"), "Add alert (owner: @ana)");
        assert_eq!(strip_inline_markup("see [[2023-06-09-outage]]"), "see 2023-06-09-outage");
        assert_eq!(strip_inline_markup("&nbsp;&nbsp;•&nbsp;x"), "  • x");
    }

    #[test]
    fn code_spans_and_lone_stars_keep_their_text() {
        assert_eq!(
            strip_inline_markup("names under `*.corp.example.com` failed"),
            "names under *.corp.example.com failed"
        );
        assert_eq!(strip_inline_markup("the `__init__` hook and ``a ` b``"), "the __init__ hook and a ` b");
        assert_eq!(strip_inline_markup("**2 * 3** pods, `unclosed"), "2 * 3 pods, unclosed");
        assert_eq!(strip_inline_markup("purged `/*` by mistake"), "purged /* by mistake");
    }

    #[test]
    fn plain_text_collapses_any_whitespace_and_borrows_plain_lines() {
        assert_eq!(plain_text("a  b "), "a b");
        assert_eq!(plain_text("a\tb\u{a0}c\u{2003}d"), "a b c d");
        assert!(matches!(plain_text("Déjà vu — twice"), Cow::Borrowed("Déjà vu — twice")));
        for spaced in [" a", "a ", "a  b", "a\rb", "a\u{85}b", "\u{3000}"] {
            assert!(!is_collapsed(spaced), "{spaced:?}");
        }
        assert!(is_collapsed("") && is_collapsed("a b") && is_collapsed("Déjà vu — twice"));
    }

    #[test]
    fn sentences_do_not_break_on_decimals_or_initials() {
        let s = sentences("Version 1.5 failed. We rolled back e.g. twice! Done");
        assert_eq!(s, vec!["Version 1.5 failed.", "We rolled back e.g. twice!", "Done"]);
    }

    #[test]
    fn sentences_go_on_after_a_shortened_month_or_before_a_lower_case_word() {
        let s = sentences("On Mar. 4, 2024, from 9:40 AM it failed. It took approx. forty min. to fix. Done");
        assert_eq!(s, vec!["On Mar. 4, 2024, from 9:40 AM it failed.", "It took approx. forty min. to fix.", "Done"]);
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("my primary database experienced an outage", 30), "my primary database…");
        assert_eq!(shorten("short", 30), "short");
    }
}
