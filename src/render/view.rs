//! What templates see besides the model itself: values formatted for
//! people (dates with their zone, durations), links as URLs, and where an
//! inferred value came from. Templates get `incident` (the model, same
//! field names as `inspect`) and `page` (these views).

use super::urls::{Browse, Urls};
use crate::archive::{Archive, IncidentIndex, Phases};
use crate::ingest::text::shorten;
use crate::model::{FactSource, Kind, Postmortem, Provenance, ZonedTime};
use serde::Serialize;

/// One incident as a line of a list.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    pub id: &'a str,
    pub url: String,
    pub title: &'a str,
    /// `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    pub severity: Option<TermLink>,
    pub tags: Vec<TermLink>,
    pub services: Vec<TermLink>,
    pub duration: Option<String>,
    pub duration_minutes: Option<u32>,
    pub summary: Option<&'a str>,
    pub kind: Kind,
    /// How many tags and services a list row leaves out (see `Row::capped`).
    pub more: usize,
    /// Start and end with their zone, when the start is known.
    pub when: Option<When>,
}

/// `2024-03-12 14:02 → 15:49 EDT` and its UTC offset(s), for a hover.
#[derive(Debug, Serialize)]
pub struct When {
    pub text: String,
    pub offset: String,
}

/// The most tags, and the most services, one line of a list shows.
pub const ROW_CHIPS: usize = 12;

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
}

/// Each name as a link to its term page.
fn term_links(urls: &Urls, browse: Browse, names: &[String]) -> Vec<TermLink> {
    names.iter().map(|n| TermLink { name: n.clone(), url: urls.term(browse, n) }).collect()
}

impl<'a> Row<'a> {
    /// `default_zone` names the zone of files that write none.
    pub fn of(p: &'a Postmortem, urls: &Urls, default_zone: &str) -> Row<'a> {
        Row {
            id: &p.id,
            url: urls.incident(&p.id),
            title: &p.display_title,
            date: p.date.map(|d| d.to_string()),
            severity: term_links(urls, Browse::Severity, p.severity.as_slice()).pop(),
            tags: term_links(urls, Browse::Tags, &p.tags),
            services: term_links(urls, Browse::Services, &p.services),
            duration: p.duration_minutes.map(|m| minutes_text(i64::from(m))),
            duration_minutes: p.duration_minutes,
            summary: p.summary.as_deref(),
            kind: p.kind,
            more: 0,
            when: when(p, default_zone),
        }
    }

    /// The row as a list page shows it: at most `ROW_CHIPS` tags and
    /// services, the rest counted in `more`. An incident with thousands of
    /// services would otherwise repeat them all on each of their pages.
    pub fn capped(mut self) -> Row<'a> {
        for chips in [&mut self.tags, &mut self.services] {
            self.more += chips.len().saturating_sub(ROW_CHIPS);
            chips.truncate(ROW_CHIPS);
        }
        self
    }
}

/// One line of the metadata panel.
#[derive(Debug, Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub text: Option<String>,
    /// Shown on hover over the text: the UTC offset of a time.
    pub hover: Option<String>,
    /// For tags, services and severity: the values as links.
    pub links: Vec<TermLink>,
    /// Set when coroner inferred the value: says from where.
    pub inferred: Option<String>,
}

/// The metadata panel: only the facts the postmortem has.
pub fn facts(p: &Postmortem, urls: &Urls, default_zone: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut add_with_hover = |label, key: &str, text: Option<String>, hover: Option<String>, links: Vec<TermLink>| {
        if text.is_some() || !links.is_empty() {
            let inferred = match key {
                "tags" => evidence_note(p),
                _ => p.provenance.get(key).and_then(inferred_note),
            };
            facts.push(Fact { label, text, hover, links, inferred });
        }
    };
    let when_key = if p.start.is_some() { "start" } else { "date" };
    let (when, hover) = match when(p, default_zone) {
        Some(When { text, offset }) => (Some(text), Some(offset)),
        None => (p.date.map(|d| d.to_string()), None),
    };
    add_with_hover("When", when_key, when, hover, Vec::new());
    let mut add = |label, key: &str, text, links| add_with_hover(label, key, text, None, links);
    add("Duration", "duration_minutes", p.duration_minutes.map(|m| minutes_text(i64::from(m))), Vec::new());
    let severity = term_links(urls, Browse::Severity, p.severity.as_slice());
    add("Severity", "severity", p.severity_text.clone().filter(|t| Some(t) != p.severity.as_ref()), severity);
    add("Services", "services", None, term_links(urls, Browse::Services, &p.services));
    add("Root cause", "tags", None, term_links(urls, Browse::Tags, &p.tags));
    add("Keywords", "keywords", (!p.keywords.is_empty()).then(|| p.keywords.join(", ")), Vec::new());
    let impact = match (&p.impact.text, p.impact.users_pct) {
        (Some(text), _) => Some(shorten(text, 240)),
        (None, Some(pct)) => Some(format!("{pct}% of users or requests affected")),
        _ => None,
    };
    add("Impact", "impact", impact, Vec::new());
    add("Authors", "authors", (!p.authors.is_empty()).then(|| p.authors.join(", ")), Vec::new());
    add("Status", "status", p.status.clone(), Vec::new());
    let source = p.source_url.iter().map(|url| TermLink { name: "original report".into(), url: url.clone() });
    add("Source", "source_url", None, source.collect());
    facts
}

/// "inferred from the root cause, line 12 ("disk full"); …": each
/// inferred tag with its strongest evidence.
fn evidence_note(p: &Postmortem) -> Option<String> {
    let strongest = p.tags.iter().filter_map(|tag| p.tag_evidence.iter().find(|e| e.tag == *tag));
    let said: Vec<String> = strongest
        .map(|e| format!("{}: the {}, line {} (\"{}\")", e.tag, e.place.replace('_', " "), e.line, e.phrase))
        .collect();
    (!said.is_empty()).then(|| format!("inferred from {}", said.join("; ")))
}

/// "inferred from the text, line 12" for every source but front matter.
fn inferred_note(provenance: &Provenance) -> Option<String> {
    let from = match provenance.source {
        FactSource::FrontMatter => return None,
        FactSource::Heading => "a heading",
        FactSource::Label => "a labelled line",
        FactSource::Prose => "the text",
        FactSource::Filename => "the file name",
        FactSource::Derived => "other facts (times, the root-cause text)",
    };
    Some(match provenance.line {
        0 => format!("inferred from {from}"),
        line => format!("inferred from {from}, line {line}"),
    })
}

/// `2024-03-12 14:02 → 15:49 EDT`: the day once for a same-day range, the
/// zone once, as the file wrote it; with the offset(s) for a hover.
pub fn when(p: &Postmortem, default_zone: &str) -> Option<When> {
    let start = p.start?;
    let day_time = |t: &ZonedTime| t.civil.strftime("%Y-%m-%d %H:%M").to_string();
    let zone = |t: &ZonedTime| zone_text(p, t, default_zone);
    let (text, offset) = match p.end {
        None => (format!("{} {}", day_time(&start), zone(&start)), offset_text(start.offset)),
        Some(end) if end.offset != start.offset => (
            format!("{} {} → {} {}", day_time(&start), zone(&start), day_time(&end), zone(&end)),
            format!("{} → {}", offset_text(start.offset), offset_text(end.offset)),
        ),
        Some(end) => {
            let same_day = end.civil.date() == start.civil.date();
            let end_text = if same_day { end.civil.strftime("%H:%M").to_string() } else { day_time(&end) };
            (format!("{} → {end_text} {}", day_time(&start), zone(&end)), offset_text(start.offset))
        }
    };
    Some(When { text, offset })
}

/// The zone as written (`EDT`, `GMT+1`), else as configured, marked assumed.
fn zone_text(p: &Postmortem, t: &ZonedTime, default_zone: &str) -> String {
    match (&p.timezone, p.tz_assumed) {
        (_, true) => format!("{default_zone} (assumed)"),
        // A bare offset as written (`-04`, `-04:00`) reads better as UTC−04:00.
        (Some(zone), false) if zone.chars().any(char::is_alphabetic) => zone.clone(),
        _ => offset_text(t.offset),
    }
}

/// `UTC`, `UTC+05:30`, `UTC−04:00`: an offset people can read.
fn offset_text(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    if seconds == 0 {
        return "UTC".into();
    }
    let sign = if seconds < 0 { '−' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `45 min`, `2 h 15 min`, `3 d 4 h`: a duration as people say it.
pub fn minutes_text(minutes: i64) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// A timeline entry as shown: time, offset from the start, milestone.
#[derive(Debug, Serialize)]
pub struct Moment<'a> {
    pub time_text: &'a str,
    /// The entry's zone when its time does not say it (`UTC` after `17:55`
    /// under a `Time (UTC)` column), so that it reads beside the facts' zone.
    pub zone: Option<String>,
    /// `+1 h 5 min` after the incident started, when both are known.
    pub since_start: Option<String>,
    pub text: &'a str,
    pub milestone: Option<crate::model::Milestone>,
    pub line: u32,
}

pub fn timeline<'a>(p: &'a Postmortem, default_zone: &str) -> Vec<Moment<'a>> {
    let start = p.start.or_else(|| p.timeline.iter().find_map(|e| e.time));
    // Letters other than AM/PM in the time as written name its zone already.
    let names_zone = |text: &str| {
        text.chars().filter(char::is_ascii_alphabetic).any(|c| !matches!(c.to_ascii_lowercase(), 'a' | 'p' | 'm'))
    };
    p.timeline
        .iter()
        .map(|e| Moment {
            time_text: &e.time_text,
            zone: e.time.filter(|_| !names_zone(&e.time_text)).map(|t| match p.start {
                Some(s) if s.offset == t.offset && !p.tz_assumed => zone_text(p, &t, default_zone),
                _ => offset_text(t.offset),
            }),
            since_start: start
                .zip(e.time)
                .and_then(|(s, t)| s.minutes_until(&t))
                .filter(|m| *m > 0)
                .map(|m| format!("+{}", minutes_text(m))),
            text: &e.text,
            milestone: e.milestone,
            line: e.line,
        })
        .collect()
}

/// Time to detect / mitigate / resolve, formatted.
#[derive(Debug, Serialize)]
pub struct PhasesText {
    pub detect: Option<String>,
    pub mitigate: Option<String>,
    pub resolve: Option<String>,
}

impl From<&Phases> for PhasesText {
    fn from(p: &Phases) -> Self {
        PhasesText {
            detect: p.detect.map(minutes_text),
            mitigate: p.mitigate.map(minutes_text),
            resolve: p.resolve.map(minutes_text),
        }
    }
}

/// Recurrences seen from one incident: the other incident of each pair.
#[derive(Debug, Serialize)]
pub struct RecurrenceView<'a> {
    /// `recurs` (this incident repeats an earlier one) or `recurred`.
    pub relation: &'static str,
    pub other: Row<'a>,
    pub tags: &'a [String],
    pub services: &'a [String],
    pub days_apart: i64,
}

/// The recurrences incident `index` is part of, seen from it: `recurring`
/// names them (indices into `archive.recurrences`, in order), as scanning
/// them all for each page grew with the square of the archive.
pub fn recurrences<'a>(
    archive: &'a Archive,
    index: IncidentIndex,
    recurring: &[usize],
    urls: &Urls,
    default_zone: &str,
) -> Vec<RecurrenceView<'a>> {
    recurring
        .iter()
        .map(|&k| &archive.recurrences[k])
        .filter_map(|r| {
            let (relation, other) = match (r.later == index, r.earlier == index) {
                (true, _) => ("recurs", r.earlier),
                (_, true) => ("recurred", r.later),
                _ => return None,
            };
            let other = Row::of(&archive.incidents[other], urls, default_zone);
            Some(RecurrenceView { relation, other, tags: &r.tags, services: &r.services, days_apart: r.days_apart })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(minutes_text(45), "45 min");
        assert_eq!(minutes_text(120), "2 h");
        assert_eq!(minutes_text(135), "2 h 15 min");
        assert_eq!(minutes_text(1440 * 3 + 250), "3 d 4 h");
    }

    #[test]
    fn offsets_read_as_utc_plus_or_minus() {
        let offset = |h: i8, m: i32| jiff::tz::Offset::from_seconds(i32::from(h) * 3600 + m * 60).unwrap();
        assert_eq!(offset_text(offset(0, 0)), "UTC");
        assert_eq!(offset_text(offset(-4, 0)), "UTC−04:00");
        assert_eq!(offset_text(offset(5, 30)), "UTC+05:30");
    }
}
