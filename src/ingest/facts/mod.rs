//! The facts of one postmortem, each with where it came from: title, when
//! (start, end, zone, duration), impact, severity, services, root cause and
//! its tags, summary, authors, and what kind of document this is.
//!
//! Order of trust, for every fact: front matter, then a label or heading
//! that names it (`Duration:`, `## Root Cause`), then prose, then the file
//! name, then what can be derived (end − start, the timeline's first entry).

mod cause;
mod document;
mod impact;
mod timing;

use super::actions;
use super::frontmatter::FrontMatter;
use super::sections::{LineKind, Outline, OutlineSection};
use super::text::{plain_text, sentences};
use super::timeline;
use super::when::{day_comes_first, other_language};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{FactSource, Impact, Kind, Postmortem, Provenance, Section, SectionKind, TagsSource};
use crate::per_thread::PerThread;
pub use document::{is_generic_title, slugify};
pub use impact::normalize_severity;
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;

pub struct Input<'a> {
    pub source: &'a str,
    pub front_matter: Option<&'a FrontMatter>,
    pub outline: &'a Outline,
    pub lines: &'a [&'a str],
    pub config: &'a Config,
}

struct Facts<'a> {
    input: &'a Input<'a>,
    provenance: BTreeMap<&'static str, Provenance>,
    diagnostics: Vec<Diagnostic>,
    /// Every line as plain text, computed once: most facts read lines
    /// several times. Most lines have no markup and stay borrowed.
    plain: Vec<Cow<'a, str>>,
    /// The plain text of every outline section, in outline order.
    section_texts: Vec<String>,
}

/// Everything but the body, conflicts and parse diagnostics, which the
/// caller adds.
pub fn extract(input: &Input) -> Postmortem {
    let mut f = Facts::new(input);
    let fm = input.front_matter;

    let title = f.title();
    let summary = f.summary();
    let (zone, zone_written) = f.zone();
    // East of UTC the day comes first whatever the language.
    let other_language = zone.offset.seconds() <= 0 && other_language(f.plain.iter().map(|l| l.as_ref()));
    let mut when = f.when(&zone, day_comes_first(&zone, other_language));
    let timeline = timeline::extract(
        input.outline,
        input.lines,
        &timeline::Context { zone: &zone, date: when.story_day.or(when.date), plain: &f.plain, other_language },
    );
    f.diagnostics.extend(timeline.diagnostics);
    if timeline.status_updates {
        f.start_end_from_status_updates(&mut when, &timeline.entries);
    }
    f.start_end_from_timeline(&mut when, &timeline.entries);
    f.drop_end_before_start(&mut when);
    let duration_minutes =
        f.duration(&when, timeline.span_minutes, title.as_deref()).and_then(|m| f.plausible_duration(m));
    f.end_from_duration(&mut when, duration_minutes);
    let impact = f.impact();
    let severity = f.severity();
    let root_cause = f.root_cause();
    let tags = f.tags(title.as_deref(), root_cause.as_ref());
    let action_items = actions::extract(input.outline, input.lines);
    let sections: Vec<Section> = input
        .outline
        .sections
        .iter()
        .flat_map(|s| {
            std::iter::once(s.section.clone())
                .chain(s.also.iter().map(|kind| Section { kind: *kind, ..s.section.clone() }))
        })
        .collect();

    let uses_time = when.start.is_some() || timeline.entries.iter().any(|e| e.time.is_some());
    let tz_assumed = uses_time && !zone_written && when.zone.is_none();
    if tz_assumed {
        f.diagnostics.push(
            Diagnostic::info(
                "tz-assumed",
                when.start_line.max(1),
                format!("no time zone written; times are read as {} (default_timezone)", zone.text),
            )
            .with_help("write the zone after the times (10:00 UTC) or add an \"All times in UTC\" line"),
        );
    }
    let timezone = when.zone.clone().or_else(|| (uses_time && zone_written).then(|| zone.text.clone()));

    let mut postmortem = Postmortem {
        source: input.source.to_string(),
        id: f.id(),
        kind: Kind::Postmortem,
        display_title: String::new(),
        title,
        date: when.date,
        start: when.start,
        end: when.end,
        timezone,
        tz_assumed,
        duration_minutes,
        impact,
        severity: severity.as_ref().map(|s| s.0.clone()),
        severity_text: severity.map(|s| s.1),
        services: f.services(),
        tags: tags.tags,
        tags_source: tags.source,
        tag_evidence: tags.evidence,
        keywords: tags.keywords,
        source_url: fm.and_then(|m| m.url.clone()),
        root_cause: root_cause.map(|r| r.text).filter(|t| !t.is_empty()),
        summary,
        authors: f.authors(),
        status: fm.and_then(|m| m.status.clone()).or_else(|| f.label_value(&["status", "state"])),
        draft: fm.and_then(|m| m.draft).unwrap_or(false),
        aliases: fm.map(|m| m.aliases.clone()).unwrap_or_default(),
        sections,
        timeline: timeline.entries,
        action_items,
        conflicts: Vec::new(),
        diagnostics: Vec::new(),
        provenance: BTreeMap::new(),
        extra: fm.map(|m| m.extra.clone()).unwrap_or_default(),
        references: Vec::new(),
        anchors: Vec::new(),
        body: String::new(),
        text: String::new(),
        headings: Vec::new(),
    };
    postmortem.kind = f.kind(&postmortem);
    if postmortem.kind == Kind::Template {
        // A blank template states no facts: its text is instructions.
        let p = &mut postmortem;
        (p.start, p.end, p.duration_minutes, p.date) = (None, None, None, None);
        (p.root_cause, p.summary, p.severity, p.severity_text) = (None, None, None, None);
        (p.timezone, p.tz_assumed, p.tags_source) = (None, false, None);
        p.impact = Impact::default();
        p.tags.clear();
        p.tag_evidence.clear();
        p.services.clear();
        p.timeline.clear();
        p.action_items.clear();
        f.provenance.retain(|field, _| ["title", "display_title", "id"].contains(field));
        f.diagnostics.retain(|d| d.code != "tz-assumed");
    }
    if matches!(postmortem.kind, Kind::Prompt | Kind::Other) && !postmortem.tag_evidence.is_empty() {
        // No incident, so no cause: the words matched describe something
        // else. Tags the front matter gives stay.
        let p = &mut postmortem;
        let evidence = std::mem::take(&mut p.tag_evidence);
        p.tags.retain(|tag| !evidence.iter().any(|e| e.tag == *tag));
        if p.tags_source == Some(TagsSource::Inferred) {
            p.tags_source = None;
            f.provenance.remove("tags");
        } else {
            p.tags_source = Some(TagsSource::FrontMatter);
        }
    }
    if postmortem.kind == Kind::List {
        // Several incidents: no single start, end, duration or impact.
        (postmortem.start, postmortem.end, postmortem.duration_minutes) = (None, None, None);
        postmortem.impact.users_pct = None;
        for field in ["start", "end", "duration_minutes", "users_pct"] {
            f.provenance.remove(field);
        }
    }
    postmortem.display_title = f.display_title(&postmortem);
    postmortem.provenance = f.provenance;
    postmortem.diagnostics = f.diagnostics;
    postmortem
}

/// Prose of a section with the source line of every byte offset.
#[derive(Clone, Default)]
struct Prose {
    text: String,
    /// (offset in `text`, source line) where each source line starts.
    starts: Vec<(usize, u32)>,
    first_line: u32,
    /// Offsets in `text` where a paragraph ended (a blank line).
    paragraph_ends: Vec<usize>,
}

impl Prose {
    /// Sentences with their byte offset in `text`.
    pub(super) fn sentences(&self) -> Vec<(usize, &str)> {
        let base = self.text.as_ptr() as usize;
        sentences(&self.text).into_iter().map(|s| (s.as_ptr() as usize - base, s)).collect()
    }

    /// One line's text as prose.
    pub(super) fn of_line(text: &str, line: u32) -> Prose {
        Prose { text: text.to_string(), starts: vec![(0, line)], first_line: line, paragraph_ends: Vec::new() }
    }

    /// Where the first paragraph ends (after its ". "), or the end.
    pub(super) fn paragraph_end(&self) -> usize {
        self.paragraph_ends.first().copied().unwrap_or(self.text.len())
    }

    /// The prose before `offset` and after it (a char boundary).
    pub(super) fn split_at(&self, offset: usize) -> (Prose, Prose) {
        let offset = (offset..=self.text.len()).find(|i| self.text.is_char_boundary(*i)).unwrap_or(self.text.len());
        let head_starts = self.starts.iter().copied().filter(|(o, _)| *o < offset.max(1)).collect();
        let rest_line = self.line_at(offset);
        let mut rest_starts = vec![(0, rest_line)];
        rest_starts.extend(self.starts.iter().filter(|(o, _)| *o > offset).map(|(o, l)| (o - offset, *l)));
        let (head_ends, rest_ends) = self.paragraph_ends.iter().partition::<Vec<usize>, _>(|end| **end <= offset);
        let head = Prose {
            text: self.text[..offset].to_string(),
            starts: head_starts,
            first_line: self.first_line,
            paragraph_ends: head_ends,
        };
        let rest = Prose {
            text: self.text[offset..].to_string(),
            starts: rest_starts,
            first_line: rest_line,
            paragraph_ends: rest_ends.into_iter().map(|end| end - offset).collect(),
        };
        (head, rest)
    }

    /// Where the source line that holds `offset` is in `text`.
    pub(super) fn line_span(&self, offset: usize) -> std::ops::Range<usize> {
        let at = self.starts.partition_point(|(o, _)| *o <= offset);
        let start = at.checked_sub(1).map_or(0, |i| self.starts[i].0);
        let end = self.starts.get(at).map_or(self.text.len(), |(o, _)| *o);
        start..end
    }

    pub(super) fn line_at(&self, offset: usize) -> u32 {
        self.starts.iter().rev().find(|(o, _)| *o <= offset).map_or(self.first_line, |(_, l)| *l)
    }
}

/// A short text that holds a placeholder is template instructions, not a fact.
fn is_placeholder_text(text: &str) -> bool {
    text.len() < 200 && PLACEHOLDER.is_match(text)
}

/// Where a section's fact comes from: a heading (or a line that stands as
/// one) or an inline label.
fn section_source(section: &OutlineSection) -> FactSource {
    if section.level <= 7 { FactSource::Heading } else { FactSource::Label }
}

/// Template placeholders: `{{ … }}`, `<YYYY-MM-DD>`, `[Time]`, `HH:MM`.
static PLACEHOLDER: PerThread<Regex> = PerThread::new(|| {
    Regex::new(r"\{\{[^}]*\}\}|<YYYY[^>]*>|\bYYYY[-/.]?(?:MM|DD)|\b(?:JJJJ|AAAA)[-/.]MM|\b(?:DD|TT|JJ)[-/.]MM[-/.](?:YYYY|JJJJ|AAAA)\b|\b(?i:HH:MM)\b|&lt;[^&\n]{1,80}&gt;|\[(?:Time|Date|Name|Issue Name|start date|end date|Time range|Service|Owner|名前|数値)\]|\[[A-Z][a-z]+(?: [a-z]+){1,4}\](?:[^(\[]|$)|<!--\s*[A-Z][^>]{0,80}-->|\bXXX\b|[:：][ \t]*_{4,}").unwrap()
});

impl<'a> Facts<'a> {
    fn new(input: &'a Input<'a>) -> Self {
        let plain: Vec<Cow<str>> = input.lines.iter().map(|l| plain_text(l)).collect();
        let outline = input.outline;
        let section_texts = outline
            .sections
            .iter()
            .map(|section| {
                let mut text = plain_text(&section.value).into_owned();
                let first = section.section.line as usize; // index of the line after the heading
                let last = (section.section.end_line as usize).min(plain.len());
                for (i, line) in plain.iter().enumerate().take(last).skip(first) {
                    let kind = outline.line_kind(i as u32 + 1);
                    if !line.is_empty() && matches!(kind, LineKind::Text | LineKind::Html) {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(line);
                    }
                }
                text
            })
            .collect();
        Facts { input, provenance: BTreeMap::new(), diagnostics: Vec::new(), plain, section_texts }
    }

    pub(super) fn fm(&self) -> Option<&'a FrontMatter> {
        self.input.front_matter
    }

    pub(super) fn note(&mut self, field: &'static str, source: FactSource, line: u32) {
        self.provenance.insert(field, Provenance { source, line });
    }

    pub(super) fn fm_line(&self, key: &str) -> u32 {
        self.fm().and_then(|m| m.key_lines.get(key).copied()).unwrap_or(1)
    }

    /// All sections of a kind (including combined headings that feed it).
    pub(super) fn sections_of(&self, kind: SectionKind) -> Vec<&'a OutlineSection> {
        self.input.outline.sections.iter().filter(|s| s.section.kind == kind || s.also.contains(&kind)).collect()
    }

    /// Plain text of a section, code fences and tables left out.
    pub(super) fn section_text(&self, section: &OutlineSection) -> &str {
        let index = self.input.outline.sections.iter().position(|s| std::ptr::eq(s, section));
        index.and_then(|i| self.section_texts.get(i)).map_or("", String::as_str)
    }

    /// The line the title was read from (1 when it has none yet).
    pub(super) fn title_line(&self) -> u32 {
        self.provenance.get("title").map_or(1, |p| p.line)
    }

    /// A source line as plain text (1-based; empty past the end).
    pub(super) fn plain_line(&self, line: u32) -> &str {
        self.plain.get((line as usize).wrapping_sub(1)).map_or("", |l| l)
    }

    /// The value of the first of `names` (normalised) the file labels: the names come
    /// in order of preference (a "Severity" row beats an earlier "Priority").
    pub(super) fn label(&self, names: &[&str]) -> Option<(&'a str, u32)> {
        let labels = &self.input.outline.labels;
        names.iter().find_map(|name| {
            let l = labels.iter().find(|l| l.key == *name && !l.value.trim().is_empty())?;
            Some((l.value.as_str(), l.line))
        })
    }

    pub(super) fn label_value(&self, names: &[&str]) -> Option<String> {
        self.label(names).map(|(v, _)| plain_text(v).into_owned()).filter(|v| !PLACEHOLDER.is_match(v))
    }

    /// A section's prose joined across line breaks, so that a sentence
    /// wrapped over two lines reads as one. Code, tables and headings are
    /// left out.
    pub(super) fn prose(&self, section: &OutlineSection) -> Prose {
        let content = self.input.outline.content(section, self.input.lines);
        self.prose_of(content, section.section.line, false)
    }

    /// A section's prose with its tables' rows, each a sentence of its
    /// cells: a timeline or the causes are as often told in a table.
    pub(super) fn prose_with_tables(&self, section: &OutlineSection) -> Prose {
        let content = self.input.outline.content(section, self.input.lines);
        self.prose_of(content, section.section.line, true)
    }

    /// The whole document's prose, for files with no usable sections.
    pub(super) fn document_prose(&self) -> Prose {
        let lines = self.input.lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, *l));
        self.prose_of(lines.collect(), 0, false)
    }

    /// The story the document tells: every line but those of the sections
    /// that analyse it or plan what follows (root cause, contributing
    /// factors, action items, lessons), whose spans ("sat at 10% for 72h")
    /// are not the outage's.
    pub(super) fn story_prose(&self) -> Prose {
        let analysis: Vec<_> = (self.input.outline.sections.iter())
            .filter(|s| {
                matches!(
                    s.section.kind,
                    SectionKind::RootCause
                        | SectionKind::ContributingFactors
                        | SectionKind::ActionItems
                        | SectionKind::LessonsLearned
                )
            })
            .map(|s| s.section.line..=s.section.end_line)
            .collect();
        let lines = self.input.lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, *l));
        self.prose_of(lines.filter(|(n, _)| !analysis.iter().any(|span| span.contains(n))).collect(), 0, false)
    }

    /// The lines before the first section: a blog post's lead paragraph.
    pub(super) fn preamble_prose(&self) -> Prose {
        let first = self.input.outline.sections.first().map_or(u32::MAX, |s| s.section.line);
        let lines =
            self.input.lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, *l)).take_while(|(n, _)| *n < first);
        self.prose_of(lines.collect(), 0, false)
    }

    /// `label_line`'s text is kept whatever its kind: it holds a label's value.
    pub(super) fn prose_of(&self, content: Vec<(u32, &str)>, label_line: u32, tables: bool) -> Prose {
        let outline = self.input.outline;
        let mut prose = Prose { first_line: label_line.max(1), ..Prose::default() };
        for (line, raw) in content {
            if tables && line != label_line && outline.line_kind(line) == LineKind::Table {
                self.push_row(&mut prose, line);
                continue;
            }
            if line != label_line && outline.line_kind(line) != LineKind::Text {
                continue;
            }
            // The label line's content is its value, not the whole line.
            let value;
            let plain = if line == label_line {
                value = plain_text(raw);
                &*value
            } else {
                self.plain_line(line)
            };
            if plain.is_empty() {
                // A blank line ends a paragraph, and so a sentence.
                if !prose.text.is_empty() && !prose.text.ends_with(". ") {
                    prose.text.truncate(prose.text.trim_end().len());
                    prose.text.push_str(". ");
                }
                if !prose.text.is_empty() && prose.paragraph_ends.last() != Some(&prose.text.len()) {
                    prose.paragraph_ends.push(prose.text.len());
                }
                continue;
            }
            prose.starts.push((prose.text.len(), line));
            prose.text.push_str(plain);
            prose.text.push(' ');
        }
        prose
    }

    /// A table row as a sentence of its cells. The dashes under the header
    /// add nothing, nor does the header, which names the columns.
    fn push_row(&self, prose: &mut Prose, line: u32) {
        let is_rule = |l: u32| {
            let text = self.plain_line(l);
            !text.is_empty() && text.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        };
        if is_rule(line) || (self.input.outline.line_kind(line + 1) == LineKind::Table && is_rule(line + 1)) {
            return;
        }
        let cells: Vec<&str> = self.plain_line(line).split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        if cells.is_empty() {
            return;
        }
        if !prose.text.is_empty() && !prose.text.trim_end().ends_with('.') {
            prose.text.truncate(prose.text.trim_end().len());
            prose.text.push_str(". ");
        }
        prose.starts.push((prose.text.len(), line));
        prose.text.push_str(&cells.join(" — "));
        prose.text.push_str(". ");
    }

    pub(super) fn in_timeline(&self, line: u32) -> bool {
        self.sections_of(SectionKind::Timeline).iter().any(|s| s.section.line < line && line <= s.section.end_line)
    }
}
