//! The facts of one postmortem, each with where it came from: title, when
//! (start, end, zone, duration), impact, severity, services, root cause and
//! its tags, summary, authors, and what kind of document this is.
//!
//! Order of trust, for every fact: front matter, then a label or heading
//! that names it (`Duration:`, `## Root Cause`), then prose, then the file
//! name, then what can be derived (end − start, the timeline's first entry).

use super::actions;
use super::frontmatter::FrontMatter;
use super::sections::{Outline, OutlineSection};
use super::text::{plain_text, sentences, shorten};
use super::timeline::{self, impossible_time};
use super::when::{FoundTime, Zone, find_dates, find_durations, find_times, find_zone, parse_datetime};
use crate::config::{Config, normalize_tag};
use crate::diagnostics::Diagnostic;
use crate::model::{FactSource, Impact, Kind, Postmortem, Provenance, Section, SectionKind, TagsSource, ZonedTime};
use jiff::ToSpan;
use jiff::civil::Date;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

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
}

/// Everything but the body, conflicts and parse diagnostics, which the
/// caller adds.
pub fn extract(input: &Input) -> Postmortem {
    let mut f = Facts { input, provenance: BTreeMap::new(), diagnostics: Vec::new() };
    let fm = input.front_matter;

    let title = f.title();
    let summary = f.summary();
    let (zone, zone_written) = f.zone();
    let mut when = f.when(&zone);
    let timeline = timeline::extract(input.outline, input.lines, &timeline::Context { zone: &zone, date: when.date });
    f.diagnostics.extend(timeline.diagnostics);
    f.start_end_from_timeline(&mut when, &timeline.entries);
    let duration_minutes = f.duration(&when, timeline.span_minutes);
    let impact = f.impact();
    let severity = f.severity();
    let root_cause = f.root_cause();
    let (tags, tags_source) = f.tags(root_cause.as_ref());
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
        tags,
        tags_source,
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
        body: String::new(),
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
        p.services.clear();
        p.timeline.clear();
        p.action_items.clear();
        f.provenance.retain(|field, _| ["title", "display_title", "id"].contains(field));
        f.diagnostics.retain(|d| d.code != "tz-assumed");
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
struct Prose {
    text: String,
    /// (offset in `text`, source line) where each source line starts.
    starts: Vec<(usize, u32)>,
    first_line: u32,
}

impl Prose {
    /// Sentences with their byte offset in `text`.
    fn sentences(&self) -> Vec<(usize, &str)> {
        let base = self.text.as_ptr() as usize;
        sentences(&self.text).into_iter().map(|s| (s.as_ptr() as usize - base, s)).collect()
    }

    fn line_at(&self, offset: usize) -> u32 {
        self.starts.iter().rev().find(|(o, _)| *o <= offset).map_or(self.first_line, |(_, l)| *l)
    }
}

/// A root cause and the text its tags are inferred from.
struct RootCause {
    text: String,
    tag_text: String,
}

#[derive(Default)]
struct When {
    /// The zone the start was written in, when the file says.
    zone: Option<String>,
    date: Option<Date>,
    start: Option<ZonedTime>,
    end: Option<ZonedTime>,
    start_line: u32,
    end_line: u32,
    /// Minutes of a written range on no known day ("from 6PM to 7PM GMT").
    range_minutes: Option<(u32, u32, FactSource)>,
}

static FILE_DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[/_-])(\d{4}-\d{2}-\d{2})").unwrap());
static USERS_PCT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d{1,3}(?:[.,]\d+)?)\s?%[^.%\n]{0,40}?\b(users?|customers?|requests?|visitors?|subscribers?|clients?|user ?base|traffic|tenants?|members?|players?|accounts?|transactions?|calls?|sessions?|utilisateurs|requêtes|nutzer\w*|benutzer\w*|kunden\w*|anfragen|usuarios|clientes|solicitudes|пользовател\w*)\b").unwrap()
});
static PCT_AFFECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:affect\w*|impact\w*|prevent\w*)\b[^.%\n]{0,30}?(\d{1,3}(?:[.,]\d+)?)\s?%").unwrap()
});
/// "利用者の約30%": a share written after its noun, for labels and
/// sections that are about impact.
static ANY_PCT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{1,3}(?:[.,]\d+)?)\s?%").unwrap());
static ALL_USERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(all (of )?(our |the )?(users|customers|visitors|clients|requests)|entire user ?base|every (user|customer)|100 percent)\b").unwrap()
});
static SEV_PROSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bsev(?:erity)?[- ]?([0-5])\b").unwrap());
static SEV_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:sev(?:erity)?|p|s|level)?[- ]?([0-5])\b").unwrap());
static CAUSE_PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(root cause|caused|due to|the cause|stemmed from|traced (back )?to|triggered by|resulted from|the culprit|ursache|cause racine|causa|原因)\b").unwrap()
});
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(not|no|never|ruled out|rather than|instead of|unrelated|n't|without any|suspected|initially|assum\w+)\b").unwrap()
});
static BY_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[Bb]y|Author|Authors|Written by)\s*[:]?\s+(@?[\w][\w .@'-]{1,60})").unwrap());
static GENERIC_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(post[- ]?mortem|post[- ]?mortems|postmoterm|postmortum|report|incident|outage|issue|the|a|an|my|our|first|project|template|web ?stack|writing|task|summary|using|debugging|for|of|on|and|\d+|0x[0-9a-f]+|readme|document|analysis|title|blameless|service|services|failure)\b").unwrap()
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[^}]*\}\}|<YYYY[^>]*>|\bYYYY[-/.]?(?:MM|DD)|\bHH:MM\b|\[(?:Time|Date|Name|Issue Name|start date|end date|Time range|Service|Owner|名前|数値)\]|\[[A-Z][a-z]+(?: [a-z]+){1,4}\](?:[^(\[]|$)|<!--\s*[A-Z][^>]{0,80}-->|\bXXX\b").unwrap()
});
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(must contain|requirements?:|write a postmortem|get creative|invent your own|be brief and straight|your own|should contain|this template|how to write|a postmortem is a|this readme|explain in detail|learn how to)\b").unwrap()
});
/// Headings that organise a document rather than name its incident.
static NOT_A_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\W*(table of contents|contents|toc|introduction|conclusion|appendix|references|resources|requirements|background|concepts|purpose|tasks|notes?)\b").unwrap()
});
static INCIDENT_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(incident|outage)\s*#?\s*\d+\b").unwrap());

impl<'a> Facts<'a> {
    fn fm(&self) -> Option<&'a FrontMatter> {
        self.input.front_matter
    }

    fn note(&mut self, field: &'static str, source: FactSource, line: u32) {
        self.provenance.insert(field, Provenance { source, line });
    }

    fn fm_line(&self, key: &str) -> u32 {
        self.fm().and_then(|m| m.key_lines.get(key).copied()).unwrap_or(1)
    }

    /// All sections of a kind (including combined headings that feed it).
    fn sections_of(&self, kind: SectionKind) -> Vec<&'a OutlineSection> {
        self.input.outline.sections.iter().filter(|s| s.section.kind == kind || s.also.contains(&kind)).collect()
    }

    /// Plain text of a section, code fences and tables left out.
    fn section_text(&self, section: &OutlineSection) -> String {
        use super::sections::LineKind;
        let outline = self.input.outline;
        let content = outline.content(section, self.input.lines);
        plain_text(
            content
                .iter()
                .filter(|(l, _)| {
                    *l == section.section.line || matches!(outline.line_kind(*l), LineKind::Text | LineKind::Html)
                })
                .map(|(_, t)| *t),
        )
    }

    /// The value of the first label with one of these (normalised) names.
    fn label(&self, names: &[&str]) -> Option<(&'a str, u32)> {
        self.input.outline.labels.iter().find_map(|l| {
            let name = super::sections::normalize_heading(&l.name);
            (names.contains(&name.as_str()) && !l.value.trim().is_empty()).then_some((l.value.as_str(), l.line))
        })
    }

    fn label_value(&self, names: &[&str]) -> Option<String> {
        self.label(names).map(|(v, _)| plain_text([v])).filter(|v| !PLACEHOLDER.is_match(v))
    }

    fn title(&mut self) -> Option<String> {
        if let Some(t) = self.fm().and_then(|m| m.title.clone()) {
            self.note("title", FactSource::FrontMatter, self.fm_line("title"));
            return Some(t);
        }
        let outline = self.input.outline;
        let first_section = outline.sections.first().map_or(u32::MAX, |s| s.section.line);
        if let Some(h) = outline.headings.first().filter(|h| {
            h.line < first_section
                || outline
                    .sections
                    .first()
                    .is_some_and(|s| s.section.line == h.line && s.section.kind == SectionKind::Other)
        }) && self
            .input
            .outline
            .sections
            .iter()
            .all(|s| s.section.line != h.line || s.section.kind == SectionKind::Other)
        {
            self.note("title", FactSource::Heading, h.line);
            let text = plain_text([h.text.as_str()]);
            let text = text.strip_prefix("Title:").map_or(text.as_str(), str::trim).to_string();
            return Some(text);
        }
        // A first short line before any section: "0x19. Postmortem".
        for (i, line) in self.input.lines.iter().enumerate() {
            let line_no = i as u32 + 1;
            if line_no >= first_section {
                break;
            }
            let text = plain_text([*line]);
            if text.is_empty() || text.chars().all(|c| !c.is_alphanumeric()) {
                continue;
            }
            if text.chars().count() <= 100 && !text.ends_with(':') {
                self.note("title", FactSource::Prose, line_no);
                return Some(text);
            }
            break;
        }
        None
    }

    fn summary(&mut self) -> Option<String> {
        if let Some(s) = self.fm().and_then(|m| m.summary.clone()) {
            self.note("summary", FactSource::FrontMatter, self.fm_line("summary"));
            return Some(s);
        }
        let section = self.sections_of(SectionKind::Summary).into_iter().find(|s| !self.section_text(s).is_empty())?;
        let text = self.section_text(section);
        if PLACEHOLDER.is_match(&text) && text.len() < 200 {
            return None;
        }
        let source = if section.level <= 7 { FactSource::Heading } else { FactSource::Label };
        self.note("summary", source, section.section.line);
        Some(shorten(&text, 600))
    }

    /// The file's zone: written in front matter, a timeline heading, an
    /// "All times in …" line or next to a time; else the default.
    fn zone(&mut self) -> (Zone, bool) {
        let outline = self.input.outline;
        let mut found: Option<(Zone, u32)> = None;
        if let Some(fm) = self.fm() {
            found = [("start", &fm.start), ("end", &fm.end)].into_iter().find_map(|(key, value)| {
                let (_, offset) = parse_datetime(value.as_deref()?)?;
                let offset = offset?;
                Some((Zone { offset, text: offset.to_string() }, self.fm_line(key)))
            });
        }
        for s in self.sections_of(SectionKind::Timeline).into_iter().filter(|_| found.is_none()) {
            if let Some((z, _)) = find_zone(&s.section.heading) {
                found = Some((z, s.section.line));
                break;
            }
        }
        if found.is_none() {
            found = self.input.lines.iter().enumerate().find_map(|(i, l)| {
                let lower = l.to_lowercase();
                let statement =
                    lower.contains("all times") || lower.contains("times are in") || lower.contains("time zone:");
                statement.then(|| find_zone(l)).flatten().map(|(z, _)| (z, i as u32 + 1))
            });
        }
        if found.is_none() {
            found = self.input.lines.iter().enumerate().find_map(|(i, l)| {
                if outline.line_kind(i as u32 + 1) == super::sections::LineKind::FencedCode {
                    return None;
                }
                find_times(l).into_iter().find_map(|t| t.zone).map(|z| (z, i as u32 + 1))
            });
        }
        match found {
            Some((zone, line)) => {
                self.note("timezone", FactSource::Prose, line);
                (zone, true)
            }
            None => (self.input.config.default_timezone.clone(), false),
        }
    }

    /// Date, start and end from front matter, labels and prose.
    fn when(&mut self, zone: &Zone) -> When {
        let mut when = When::default();
        if let Some(fm) = self.fm() {
            for (key, value) in [("start", &fm.start), ("end", &fm.end)] {
                let Some((dt, offset)) = value.as_deref().and_then(parse_datetime) else { continue };
                let z = ZonedTime::new(dt, offset.unwrap_or(zone.offset));
                let line = self.fm_line(key);
                if key == "start" {
                    (when.start, when.start_line) = (Some(z), line);
                } else {
                    (when.end, when.end_line) = (Some(z), line);
                }
                self.note(if key == "start" { "start" } else { "end" }, FactSource::FrontMatter, line);
            }
            if let Some(date) = fm.date.as_deref().and_then(|d| {
                parse_datetime(d).map(|(dt, _)| dt.date()).or_else(|| find_dates(d, None).first().map(|f| f.date))
            }) {
                when.date = Some(date);
                self.note("date", FactSource::FrontMatter, self.fm_line("date"));
            }
        }

        // Candidate texts, most trusted first: when-labels, then the
        // summary's sentences, the impact's, the preamble and the title.
        let mut candidates: Vec<(String, u32, FactSource)> = Vec::new();
        for label in &self.input.outline.labels {
            let name = super::sections::normalize_heading(&label.name);
            let is_when = name.contains("duration") && !name.contains("detect")
                || [
                    "date",
                    "when",
                    "time",
                    "dates",
                    "window",
                    "incident date",
                    "date and time",
                    "durée",
                    "duración",
                    "dauer",
                    "fecha",
                    "datum",
                    "日時",
                ]
                .contains(&name.as_str());
            if is_when {
                // With its name: "Durée : 4h12" reads 4h12 as a duration, not a time.
                candidates.push((
                    plain_text([format!("{}: {}", label.name, label.value).as_str()]),
                    label.line,
                    FactSource::Label,
                ));
            }
        }
        for kind in [SectionKind::Summary, SectionKind::Impact] {
            for s in self.sections_of(kind) {
                let text = self.section_text(s);
                for sentence in sentences(&text) {
                    candidates.push((sentence.to_string(), s.section.line, FactSource::Prose));
                }
            }
        }
        let first_section =
            self.input.outline.sections.first().map_or(self.input.lines.len() as u32, |s| s.section.line);
        for (i, line) in self.input.lines.iter().enumerate().take(first_section as usize) {
            let text = plain_text([*line]);
            if !text.is_empty() {
                candidates.push((text, i as u32 + 1, FactSource::Prose));
            }
        }

        // The day the incident happened, for times written without one.
        let file_date = || {
            FILE_DATE.captures(self.input.source).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse::<Date>().ok())
        };
        let date_hint = when
            .date
            .or_else(|| candidates.iter().find_map(|(t, _, _)| find_dates(t, None).first().map(|d| d.date)))
            .or_else(file_date);

        // Explicit start/end labels ("Start Time: January 25, 2024, 10:30 AM").
        let default_year = date_hint.map(|d| d.year());
        for label in &self.input.outline.labels {
            let name = super::sections::normalize_heading(&label.name);
            let is_start =
                ["start", "start time", "started", "began", "outage start", "incident start", "発生日時", "발생 일시"]
                    .contains(&name.as_str());
            let is_end = ["end", "end time", "ended", "resolved", "outage end", "recovered", "復旧日時", "복구 일시"]
                .contains(&name.as_str());
            if !(is_start || is_end) {
                continue;
            }
            let value = plain_text([label.value.as_str()]);
            let (Some(d), Some(t)) = (
                find_dates(&value, default_year).first().map(|d| d.date).or(date_hint),
                find_times(&value).into_iter().next(),
            ) else {
                continue;
            };
            self.time_problem(&t, label.line);
            if let (Some(written), true) = (&t.zone, is_start) {
                when.zone = Some(written.text.clone());
            }
            let z = ZonedTime::new(d.to_datetime(t.time), t.zone.as_ref().unwrap_or(zone).offset);
            if is_start && when.start.is_none() {
                (when.start, when.start_line) = (Some(z), label.line);
                self.note("start", FactSource::Label, label.line);
            } else if is_end && when.end.is_none() {
                (when.end, when.end_line) = (Some(z), label.line);
                self.note("end", FactSource::Label, label.line);
            }
        }

        // A range in one sentence: "from 10:00 AM to 12:00 PM (UTC) on
        // January 15th, 2024", "June 9, 2023, 10:00 AM to June 10, 2023, 2:00 PM".
        if when.start.is_none() {
            for (text, line, source) in &candidates {
                // "4h12 (14:33 → 18:45 UTC)": the duration is not a time.
                let durations = find_durations(text);
                let mut times: Vec<FoundTime> = find_times(text);
                times.retain(|t| !durations.iter().any(|d| d.span.start < t.span.end && t.span.start < d.span.end));
                let dates = find_dates(text, default_year);
                let date = dates.first().map(|d| d.date).or(date_hint);
                if let ([first, second, ..], None, None) = (times.as_slice(), date, when.range_minutes) {
                    // "From 6PM to 7PM GMT" on no written day: still 60 minutes.
                    let seconds = second.time.duration_since(first.time).as_secs().rem_euclid(24 * 3600);
                    when.range_minutes = Some(((seconds / 60) as u32, *line, *source));
                }
                let (Some(first), Some(d)) = (times.first(), date) else { continue };
                if times.len() < 2 && dates.is_empty() {
                    continue;
                }
                for t in &times {
                    self.time_problem(t, *line);
                }
                let written = times
                    .get(1)
                    .and_then(|t| t.zone.clone())
                    .or_else(|| first.zone.clone())
                    .or_else(|| find_zone(text).map(|(z, _)| z));
                if let Some(w) = &written {
                    when.zone = Some(w.text.clone());
                }
                let z = written.unwrap_or_else(|| zone.clone());
                let start = ZonedTime::new(d.to_datetime(first.time), first.zone.as_ref().unwrap_or(&z).offset);
                when.start = Some(start);
                when.start_line = *line;
                self.note("start", *source, *line);
                if let Some(second) = times.get(1) {
                    let end_date = dates
                        .iter()
                        .find(|dd| dd.span.start > first.span.end && dd.span.start < second.span.start)
                        .map_or(d, |dd| dd.date);
                    let mut end =
                        ZonedTime::new(end_date.to_datetime(second.time), second.zone.as_ref().unwrap_or(&z).offset);
                    if end.civil < start.civil
                        && let Ok(next) = end.civil.checked_add(1.day())
                    {
                        end.civil = next;
                    }
                    when.end = Some(end);
                    when.end_line = *line;
                    self.note("end", *source, *line);
                }
                break;
            }
        }

        if when.date.is_none() {
            if let Some(start) = when.start {
                when.date = Some(start.civil.date());
                self.note("date", FactSource::Derived, when.start_line);
            } else if let Some((d, line, source)) =
                candidates.iter().find_map(|(t, l, s)| find_dates(t, None).first().map(|d| (d.date, *l, *s)))
            {
                when.date = Some(d);
                self.note("date", source, line);
            } else if let Some(d) = file_date() {
                when.date = Some(d);
                self.note("date", FactSource::Filename, 0);
            }
        }
        when
    }

    fn time_problem(&mut self, t: &FoundTime, line: u32) {
        if let Some(problem) = &t.problem {
            self.diagnostics.push(impossible_time(&t.text, problem, line));
        }
    }

    /// What the text did not say, the timeline does: its first dated entry
    /// is the start and its latest the end (provenance `derived`).
    fn start_end_from_timeline(&mut self, when: &mut When, entries: &[crate::model::TimelineEntry]) {
        let timed: Vec<_> = entries.iter().filter_map(|e| e.time.map(|t| (t, e.line))).collect();
        if when.start.is_none()
            && let Some((t, line)) = timed.first()
        {
            (when.start, when.start_line) = (Some(*t), *line);
            self.note("start", FactSource::Derived, *line);
        }
        if let (None, Some(start)) = (when.end, when.start) {
            let latest = timed.iter().max_by_key(|(t, _)| t.timestamp());
            if let Some((last, line)) = latest.filter(|(t, _)| t.timestamp() > start.timestamp()) {
                (when.end, when.end_line) = (Some(*last), *line);
                self.note("end", FactSource::Derived, *line);
            }
        }
        if when.date.is_none()
            && let Some((t, line)) = timed.first()
        {
            when.date = Some(t.civil.date());
            self.note("date", FactSource::Derived, *line);
        }
    }

    /// Minutes from an explicit statement, else end − start; a warning when
    /// both exist and differ by more than 10%.
    fn duration(&mut self, when: &When, timeline_span: Option<u32>) -> Option<u32> {
        let derived = match (when.start, when.end) {
            (Some(s), Some(e)) => s.minutes_until(&e).filter(|m| *m >= 0).and_then(|m| u32::try_from(m).ok()),
            _ => None,
        };
        // Without a day, a written range or the timeline still tell how long.
        let undated = when.range_minutes.or_else(|| {
            let first_timed = self
                .input
                .outline
                .sections
                .iter()
                .find(|s| s.section.kind == SectionKind::Timeline)
                .map_or(0, |s| s.section.line);
            timeline_span.map(|m| (m, first_timed, FactSource::Derived))
        });
        let mut explicit: Option<(u32, u32, FactSource)> = None;
        if let Some(text) = self.fm().and_then(|m| m.duration.clone()) {
            let minutes = text.trim().parse::<u32>().ok().or_else(|| find_durations(&text).first().map(|d| d.minutes));
            explicit = minutes.map(|m| (m, self.fm_line("duration"), FactSource::FrontMatter));
        }
        if explicit.is_none() {
            for label in &self.input.outline.labels {
                let name = super::sections::normalize_heading(&label.name);
                if (name.contains("duration")
                    || [
                        "durée",
                        "duración",
                        "dauer",
                        "downtime",
                        "lead time",
                        "総影響時間",
                        "影響時間",
                        "총 영향 시간",
                    ]
                    .contains(&name.as_str()))
                    && let Some(d) =
                        find_durations(&plain_text([format!("{}: {}", label.name, label.value).as_str()])).first()
                {
                    explicit = Some((d.minutes, label.line, FactSource::Label));
                    break;
                }
            }
        }
        if explicit.is_none() {
            explicit = self.prose_duration();
        }
        match (explicit, derived) {
            (Some((minutes, line, source)), derived) => {
                if let Some(derived) = derived {
                    let (a, b) = (minutes as f64, derived as f64);
                    if (a - b).abs() > 0.10 * a.max(b) {
                        // Written start and end are more precise than "about an hour".
                        let written = ["start", "end"]
                            .iter()
                            .all(|k| self.provenance.get(k).is_some_and(|p| p.source != FactSource::Derived));
                        let kept = if written { derived } else { minutes };
                        self.diagnostics.push(
                            Diagnostic::warning(
                                "duration-mismatch",
                                line,
                                format!("the stated duration ({minutes} min) disagrees with start → end ({derived} min); using {kept} min"),
                            )
                            .with_help("correct the stated duration or the start/end times"),
                        );
                        if written {
                            self.note("duration_minutes", FactSource::Derived, when.end_line.max(when.start_line));
                            return Some(derived);
                        }
                    }
                }
                self.note("duration_minutes", source, line);
                Some(minutes)
            }
            (None, Some(derived)) => {
                self.note("duration_minutes", FactSource::Derived, when.end_line.max(when.start_line));
                Some(derived)
            }
            (None, None) => {
                let (minutes, line, source) = undated.filter(|(m, _, _)| *m > 0)?;
                self.note(
                    "duration_minutes",
                    if source == FactSource::Label { FactSource::Label } else { FactSource::Derived },
                    line,
                );
                Some(minutes)
            }
        }
    }

    /// "lasted approximately 3 hours" in the summary or impact: a duration
    /// right after "lasted"/"for"/"of"… in a sentence about the outage, so
    /// that "some invoices were 2 hours late" is not read as its length.
    fn prose_duration(&self) -> Option<(u32, u32, FactSource)> {
        static LEAD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(lasted|lasting|last|for|of|took|within|spanned|totall?ing)\s*(about|approximately|approx\.?|around|roughly|nearly|almost|over|some|~)?\s*$").unwrap()
        });
        static OUTAGE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(outage|down|downtime|unavailab\w*|unusable|incident|issue|disruption|degrad\w*|stopped|fail\w*|errors?|broken|impact\w*|affect\w*|lasted|lasting|offline|inaccessible|unreachable)\b").unwrap()
        });
        for kind in [SectionKind::Summary, SectionKind::Impact] {
            for s in self.sections_of(kind) {
                let prose = self.prose(s);
                for (offset, sentence) in prose.sentences() {
                    if !OUTAGE.is_match(sentence) {
                        continue;
                    }
                    let found = find_durations(sentence).into_iter().find(|d| LEAD.is_match(&sentence[..d.span.start]));
                    if let Some(d) = found {
                        return Some((d.minutes, prose.line_at(offset + d.span.start), FactSource::Prose));
                    }
                }
            }
        }
        None
    }

    /// A section's prose joined across line breaks, so that a sentence
    /// wrapped over two lines reads as one. Code, tables and headings are
    /// left out.
    fn prose(&self, section: &OutlineSection) -> Prose {
        let content = self.input.outline.content(section, self.input.lines);
        self.prose_of(content, section.section.line)
    }

    /// The whole document's prose, for files with no usable sections.
    fn document_prose(&self) -> Prose {
        let lines = self.input.lines.iter().enumerate().map(|(i, l)| (i as u32 + 1, *l));
        self.prose_of(lines.collect(), 0)
    }

    /// `label_line`'s text is kept whatever its kind: it holds a label's value.
    fn prose_of(&self, content: Vec<(u32, &str)>, label_line: u32) -> Prose {
        use super::sections::LineKind;
        let outline = self.input.outline;
        let mut prose = Prose { text: String::new(), starts: Vec::new(), first_line: label_line.max(1) };
        for (line, raw) in content {
            if line != label_line && outline.line_kind(line) != LineKind::Text {
                continue;
            }
            let plain = plain_text([raw]);
            if plain.is_empty() {
                // A blank line ends a paragraph, and so a sentence.
                if !prose.text.is_empty() && !prose.text.ends_with(". ") {
                    prose.text.push_str(". ");
                }
                continue;
            }
            prose.starts.push((prose.text.len(), line));
            prose.text.push_str(&plain);
            prose.text.push(' ');
        }
        prose
    }

    fn impact(&mut self) -> Impact {
        let mut impact = Impact::default();
        let sections = self.sections_of(SectionKind::Impact);
        if let Some(s) = sections.iter().find(|s| !self.section_text(s).is_empty()) {
            let text = self.section_text(s);
            if !(PLACEHOLDER.is_match(&text) && text.len() < 200) {
                self.note("impact", if s.level <= 7 { FactSource::Heading } else { FactSource::Label }, s.section.line);
                impact.text = Some(shorten(&text, 800));
            }
        }
        if let Some((pct, line)) = self.users_pct() {
            impact.users_pct = Some(pct);
            self.note("users_pct", FactSource::Prose, line);
        }
        if impact.text.is_none() {
            // A sentence of the summary that says who was affected.
            let summary: Vec<_> = self.sections_of(SectionKind::Summary);
            for s in summary {
                let text = self.section_text(s);
                if let Some(sentence) = sentences(&text).into_iter().find(|x| {
                    let l = x.to_lowercase();
                    l.contains("affect") || l.contains("impact") || l.contains("users")
                }) {
                    impact.text = Some(sentence.to_string());
                    self.note("impact", FactSource::Prose, s.section.line);
                    break;
                }
            }
        }
        impact
    }

    /// The share of users or requests affected, 0–100: "30% of users",
    /// "affecting 80%", "All users", an impact label's "約30%".
    fn users_pct(&self) -> Option<(f64, u32)> {
        let outline = self.input.outline;
        let mut texts: Vec<(String, u32, bool)> = Vec::new(); // (text, line, about impact)
        for kind in [SectionKind::Impact, SectionKind::Summary] {
            for s in self.sections_of(kind) {
                texts.push((self.section_text(s), s.section.line, kind == SectionKind::Impact));
            }
        }
        for label in &outline.labels {
            let name = label.name.to_lowercase();
            let about_impact = ["impact", "affected", "影響", "touchés", "betroffen", "afectados", "영향"]
                .iter()
                .any(|w| name.contains(w));
            texts.push((plain_text([label.value.as_str()]), label.line, about_impact));
        }
        let parse = |m: regex::Match| m.as_str().replace(',', ".").parse::<f64>().ok().filter(|p| *p <= 100.0);
        let found = texts
            .iter()
            .find_map(|(t, l, _)| USERS_PCT.captures(t).and_then(|c| c.get(1)).and_then(parse).map(|p| (p, *l)))
            .or_else(|| {
                texts.iter().find_map(|(t, l, _)| {
                    PCT_AFFECTED.captures(t).and_then(|c| c.get(1)).and_then(parse).map(|p| (p, *l))
                })
            })
            .or_else(|| {
                texts
                    .iter()
                    .filter(|(_, _, about)| *about)
                    .find_map(|(t, l, _)| ANY_PCT.captures(t).and_then(|c| c.get(1)).and_then(parse).map(|p| (p, *l)))
            })
            .or_else(|| texts.iter().find_map(|(t, l, _)| ALL_USERS.is_match(t).then_some((100.0, *l))));
        if found.is_some() {
            return found;
        }
        // Narrative reports: "78% of our subscribers" anywhere in the prose.
        self.input.lines.iter().enumerate().find_map(|(i, raw)| {
            let line = i as u32 + 1;
            if outline.line_kind(line) != super::sections::LineKind::Text {
                return None;
            }
            USERS_PCT.captures(raw).and_then(|c| c.get(1)).and_then(parse).map(|p| (p, line))
        })
    }

    /// (`SEV2`, as written).
    fn severity(&mut self) -> Option<(String, String)> {
        let (text, line, source) = if let Some(s) = self.fm().and_then(|m| m.severity.clone()) {
            (s, self.fm_line("severity"), FactSource::FrontMatter)
        } else if let Some((v, line)) = self.label(&[
            "severity",
            "sev",
            "priority",
            "severidad",
            "sévérité",
            "severite",
            "schweregrad",
            "심각도",
            "障害レベル",
            "重大度",
            "incident severity",
            "impact level",
        ]) {
            (plain_text([v]), line, FactSource::Label)
        } else {
            let (line, m) = self
                .input
                .lines
                .iter()
                .enumerate()
                .find_map(|(i, l)| SEV_PROSE.find(l).map(|m| (i as u32 + 1, m.as_str().to_string())))?;
            (m, line, FactSource::Prose)
        };
        let normalized = normalize_severity(&text)?;
        self.note("severity", source, line);
        Some((normalized, text))
    }

    fn services(&mut self) -> Vec<String> {
        if let Some(fm) = self.fm().filter(|m| !m.services.is_empty()) {
            self.note("services", FactSource::FrontMatter, self.fm_line("services"));
            return fm.services.clone();
        }
        let Some((value, line)) = self.label(&[
            "services",
            "service",
            "affected services",
            "services affected",
            "affected service",
            "service affected",
            "services impactés",
            "servicios afectados",
            "betroffene dienste",
            "影響サービス",
            "systems",
            "system",
            "components",
        ]) else {
            return Vec::new();
        };
        let plain = plain_text([value]);
        if PLACEHOLDER.is_match(&plain) {
            return Vec::new();
        }
        let services: Vec<String> = plain
            .split([',', ';', '/'])
            .flat_map(|s| s.split(" and "))
            .map(|s| s.trim().trim_end_matches('.').to_string())
            .filter(|s| !s.is_empty() && s.chars().count() <= 60)
            .collect();
        if !services.is_empty() {
            self.note("services", FactSource::Label, line);
        }
        services
    }

    /// The root cause: the longest root-cause section, else a sentence that
    /// says "root cause" or "caused by".
    fn root_cause(&mut self) -> Option<RootCause> {
        let sections = self.sections_of(SectionKind::RootCause);
        let mut texts: Vec<(String, &OutlineSection)> =
            sections.iter().map(|s| (self.section_text(s), *s)).filter(|(t, _)| !t.is_empty()).collect();
        texts.retain(|(t, _)| !(PLACEHOLDER.is_match(t) && t.len() < 200));
        let factors: String = self
            .sections_of(SectionKind::ContributingFactors)
            .iter()
            .map(|s| self.section_text(s))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((text, section)) = texts.iter().max_by_key(|(t, _)| t.len()) {
            let source = if section.level <= 7 { FactSource::Heading } else { FactSource::Label };
            self.note("root_cause", source, section.section.line);
            let all: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
            return Some(RootCause { text: shorten(text, 1500), tag_text: format!("{} {}", all.join(" "), factors) });
        }
        let mut proses: Vec<Prose> = Vec::new();
        for kind in [SectionKind::Summary, SectionKind::Impact, SectionKind::Other] {
            proses.extend(self.sections_of(kind).into_iter().map(|s| self.prose(s)));
        }
        // Documents with no usable sections: anywhere in the prose.
        proses.push(self.document_prose());
        for prose in &proses {
            if let Some((offset, sentence)) = prose.sentences().into_iter().find(|(_, x)| CAUSE_PROSE.is_match(x)) {
                self.note("root_cause", FactSource::Prose, prose.line_at(offset));
                let sentence = sentence.trim_end_matches(". ").trim();
                return Some(RootCause { text: sentence.to_string(), tag_text: format!("{sentence} {factors}") });
            }
        }
        // Contributing factors alone still say what to tag.
        (!factors.is_empty()).then(|| RootCause { text: String::new(), tag_text: factors })
    }

    /// Front-matter tags win (aliases mapped). When none of them is in the
    /// taxonomy (keywords, blog categories), they are kept and the tags are
    /// also inferred: the taxonomy's rules run over the root-cause and
    /// contributing-factor text only, so a passing mention does not count.
    fn tags(&mut self, root_cause: Option<&RootCause>) -> (Vec<String>, Option<TagsSource>) {
        let taxonomy = &self.input.config.taxonomy;
        let mut tags: Vec<String> = Vec::new();
        if let Some(fm) = self.fm().filter(|m| !m.tags.is_empty()) {
            for tag in &fm.tags {
                let canonical = taxonomy.canonical(tag).map_or_else(|| normalize_tag(tag), str::to_string);
                if !tags.contains(&canonical) {
                    tags.push(canonical);
                }
            }
            self.note("tags", FactSource::FrontMatter, self.fm_line("tags"));
            if tags.iter().any(|t| taxonomy.get(t).is_some()) {
                return (tags, Some(TagsSource::FrontMatter));
            }
        }
        let inferred = root_cause.map(|rc| infer_tags(taxonomy, &rc.tag_text)).unwrap_or_default();
        if inferred.is_empty() {
            let source = (!tags.is_empty()).then_some(TagsSource::FrontMatter);
            return (tags, source);
        }
        if let Some(p) = self.provenance.get("root_cause").cloned() {
            self.provenance.insert("tags", Provenance { source: FactSource::Derived, line: p.line });
        }
        tags.extend(inferred);
        (tags, Some(TagsSource::Inferred))
    }

    fn authors(&mut self) -> Vec<String> {
        if let Some(fm) = self.fm().filter(|m| !m.authors.is_empty()) {
            self.note("authors", FactSource::FrontMatter, self.fm_line("authors"));
            return fm.authors.clone();
        }
        if let Some((value, line)) = self.label(&[
            "author",
            "authors",
            "authors roles",
            "written by",
            "autor",
            "auteur",
            "作成者",
            "작성자",
            "penulis",
        ]) {
            let value = plain_text([value]);
            if !PLACEHOLDER.is_match(&value) {
                self.note("authors", FactSource::Label, line);
                return value.split([',', ';']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            }
        }
        let first_section = self.input.outline.sections.first().map_or(30, |s| s.section.line as usize);
        for (i, line) in self.input.lines.iter().enumerate().take(first_section.min(30)) {
            if let Some(name) = BY_LINE.captures(line).and_then(|c| c.get(1)) {
                self.note("authors", FactSource::Prose, i as u32 + 1);
                return vec![name.as_str().trim().trim_end_matches(',').trim().to_string()];
            }
        }
        Vec::new()
    }

    fn id(&mut self) -> String {
        if let Some(id) = self.fm().and_then(|m| m.id.clone()) {
            self.note("id", FactSource::FrontMatter, self.fm_line("id"));
            return slugify(&id);
        }
        let stem = self.input.source.rsplit('/').next().unwrap_or(self.input.source);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        self.note("id", FactSource::Filename, 0);
        slugify(stem)
    }

    /// Template (placeholders, or headings with nothing under them), list
    /// (several incidents), other (no incident facts), else postmortem.
    fn kind(&mut self, p: &Postmortem) -> Kind {
        let lines = self.input.lines;
        let placeholders: Vec<(u32, String)> = lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| PLACEHOLDER.find_iter(l).map(move |m| (i as u32 + 1, m.as_str().trim().to_string())))
            .collect();
        let known: Vec<_> =
            self.input.outline.sections.iter().filter(|s| s.section.kind != SectionKind::Other).collect();
        let empty =
            known.iter().filter(|s| self.section_text(s).chars().filter(|c| c.is_alphanumeric()).count() < 3).count();
        let title_says_template = p.title.as_deref().is_some_and(|t| t.to_lowercase().contains("template"));
        let has_timed_entries = p.timeline.iter().any(|e| e.time.is_some());
        if placeholders.len() >= 3
            || (known.len() >= 4 && empty * 4 >= known.len() * 3)
            || (title_says_template && (!placeholders.is_empty() || empty >= 2 || !has_timed_entries))
        {
            if let Some((line, text)) = placeholders.first() {
                self.diagnostics.push(
                    Diagnostic::info(
                        "placeholder",
                        *line,
                        format!("template placeholder `{text}` ({} in the file)", placeholders.len()),
                    )
                    .with_help("fill in the template, or move it out of the content folder (a `_` prefix hides it)"),
                );
            }
            return Kind::Template;
        }
        if let Some((line, text)) = placeholders.first() {
            self.diagnostics.push(
                Diagnostic::warning("placeholder", *line, format!("placeholder `{text}` left in the postmortem"))
                    .with_help("replace the placeholder with the real value"),
            );
        }
        let body = lines.join("\n");
        if ASSIGNMENT.find_iter(&body).count() >= 2 && p.timeline.iter().all(|e| e.time.is_none()) {
            return Kind::Other;
        }
        let incident_headings =
            self.input.outline.headings.iter().filter(|h| INCIDENT_HEADING.is_match(&h.text)).count();
        let dated_headings = self
            .input
            .outline
            .headings
            .iter()
            .filter(|h| {
                h.level <= 3
                    && !self.in_timeline(h.line)
                    && find_dates(&h.text, None).len() == 1
                    && find_times(&h.text).is_empty()
                    && h.text.split_whitespace().count() >= 3
            })
            .count();
        if incident_headings >= 2 || dated_headings >= 3 {
            return Kind::List;
        }
        let evidence = [
            p.root_cause.is_some(),
            !p.timeline.is_empty(),
            p.date.is_some() || p.start.is_some(),
            p.impact.text.is_some() || p.impact.users_pct.is_some() || p.duration_minutes.is_some(),
            p.summary.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if evidence >= 2 || self.fm().is_some_and(|m| m.title.is_some() && (m.date.is_some() || m.start.is_some())) {
            Kind::Postmortem
        } else {
            Kind::Other
        }
    }

    fn in_timeline(&self, line: u32) -> bool {
        self.sections_of(SectionKind::Timeline).iter().any(|s| s.section.line < line && line <= s.section.end_line)
    }

    /// A title that says what happened: the title unless it is generic,
    /// else the first specific heading, else a short form of the summary's
    /// first sentence, else the file name.
    fn display_title(&mut self, p: &Postmortem) -> String {
        if let Some(t) = p.title.as_deref().filter(|t| !is_generic_title(t) || p.kind == Kind::Template) {
            return t.to_string();
        }
        let outline = self.input.outline;
        let first_known =
            outline.sections.iter().find(|s| s.section.kind != SectionKind::Other).map_or(u32::MAX, |s| s.section.line);
        if let Some(h) = outline.headings.iter().skip(1).find(|h| {
            h.line < first_known
                && !NOT_A_TITLE.is_match(&h.text)
                && self
                    .input
                    .outline
                    .sections
                    .iter()
                    .all(|s| s.section.line != h.line || s.section.kind == SectionKind::Other)
                && !is_generic_title(&h.text)
                && find_times(&h.text).is_empty()
                && h.text.split_whitespace().count() >= 3
        }) {
            self.note("display_title", FactSource::Heading, h.line);
            return plain_text([h.text.as_str()]);
        }
        for kind in [SectionKind::Summary, SectionKind::Impact, SectionKind::RootCause] {
            for s in self.sections_of(kind) {
                for (line, raw) in outline.content(s, self.input.lines) {
                    if outline.line_kind(line) != super::sections::LineKind::Text {
                        continue;
                    }
                    let text = plain_text([raw]);
                    if let Some(short) = sentences(&text).into_iter().find_map(headline) {
                        self.note("display_title", FactSource::Derived, line);
                        return short;
                    }
                }
            }
        }
        if let Some(t) = &p.title {
            return t.clone();
        }
        let stem = p.source.rsplit('/').next().unwrap_or(&p.source);
        stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_string()
    }
}

/// Taxonomy tags whose rules match the text, most evidence first; at most
/// five, so a long root cause does not collect every tag it brushes against.
fn infer_tags(taxonomy: &crate::config::Taxonomy, text: &str) -> Vec<String> {
    let mut scored: Vec<(usize, usize, &str)> = Vec::new();
    for (order, rule) in taxonomy.tags.iter().enumerate() {
        let hits = rule.patterns.iter().flat_map(|p| p.find_iter(text)).filter(|m| !negated(text, m.start())).count();
        if hits > 0 {
            scored.push((hits, order, rule.name.as_str()));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.iter().take(5).map(|(_, _, n)| n.to_string()).collect()
}

/// A match is negated when its clause says it was not the cause.
fn negated(text: &str, at: usize) -> bool {
    let clause_start = text[..at].rfind(['.', ';', '!', '?']).map_or(0, |i| i + 1);
    let clause_start = clause_start.max(at.saturating_sub(60));
    let start = (clause_start..=at).find(|i| text.is_char_boundary(*i)).unwrap_or(at);
    NEGATION.is_match(&text[start..at])
}

/// "Postmortem", "Post-Mortem Report", "0x19. Postmortem": nothing specific.
pub fn is_generic_title(title: &str) -> bool {
    let rest = GENERIC_WORDS.replace_all(title, " ");
    rest.chars().filter(|c| c.is_alphabetic()).count() < 3
}

/// A sentence cut down to a headline: a leading label, date or time
/// removed, first clause, at most ~70 characters, capitalised. `None` for
/// sentences too short to say anything.
fn headline(sentence: &str) -> Option<String> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{L}[\p{L} /&'-]{0,30}:(?:\s+|$)").unwrap());
    static LEAD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^(?:on|at|from|between|during|around|since|by)?[\s,]*$").unwrap());
    static CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r",|;|\(| - | – | — | that | which | lasting | resulting | leading | causing | where ").unwrap()
    });
    let mut s = sentence.trim();
    while let Some(m) = LABEL.find(s) {
        s = &s[m.end()..];
    }
    // "On May 14th, 2024, at 6:48 AM PDT, the database …" → "the database …"
    loop {
        let date_end = find_dates(s, None).first().filter(|d| LEAD.is_match(&s[..d.span.start])).map(|d| d.span.end);
        let time_end = find_times(s).first().filter(|t| LEAD.is_match(&s[..t.span.start])).map(|t| t.span.end);
        let Some(end) = date_end.or(time_end) else { break };
        s = s[end..].trim_start_matches(|c: char| c.is_whitespace() || ",.:;".contains(c));
    }
    let clause = CLAUSE.split(s).next().unwrap_or(s).trim().trim_end_matches('.');
    // A clause that is about when ("The outage occurred on Aug 08") does
    // not say what happened.
    let about_when = !find_dates(clause, Some(2000)).is_empty() || !find_times(clause).is_empty();
    if clause.split_whitespace().count() < 4 || about_when {
        return None;
    }
    let short = shorten(clause, 70);
    let mut chars = short.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// `P2 Medium` → `SEV2`, `critical` → `SEV1`, `SEV-3` → `SEV3`.
pub fn normalize_severity(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if let Some(n) = SEV_VALUE.captures(&lower).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
        && (lower.trim_start().starts_with(|c: char| c.is_ascii_digit() || "psl".contains(c))
            || lower.contains("sev")
            || lower.contains("level"))
    {
        return Some(format!("SEV{n}"));
    }
    let word = |w: &str| lower.split(|c: char| !c.is_alphanumeric()).any(|x| x == w);
    if word("critical") || word("blocker") || word("major") && word("outage") {
        Some("SEV1".into())
    } else if word("high") || word("major") || word("severe") {
        Some("SEV2".into())
    } else if word("medium") || word("moderate") {
        Some("SEV3".into())
    } else if word("low") || word("minor") {
        Some("SEV4".into())
    } else {
        None
    }
}

/// Lower-case ASCII letters, digits and single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "untitled".to_string() } else { out }
}
