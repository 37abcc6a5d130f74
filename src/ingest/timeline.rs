//! Timeline entries from the timeline sections: bullet lines, table rows,
//! `### 13:35` sub-headings, HTML list items and lines inside code fences.
//! Each entry keeps its time as written; dates carry forward from date lines
//! and from the incident date; a time that goes back more than 12 hours is
//! read as the next day, anything else going backwards is a warning.

use super::sections::{LineKind, Outline};
use super::text::{english, english_set, strip_inline_markup, table_cells};
use super::when::{FoundTime, TimeProblem, Zone, day_comes_first, find_dates_with, find_zone, times};
use crate::diagnostics::Diagnostic;
use crate::model::{Milestone, SectionKind, TimelineEntry, ZonedTime};
use crate::per_thread::PerThread;
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use regex::{Regex, RegexSet};
use std::borrow::Cow;

/// What the timeline reader knows from the rest of the file.
pub struct Context<'a> {
    /// The file's zone (written somewhere, or the default).
    pub zone: &'a Zone,
    /// The incident date, used for entries that write only a time.
    pub date: Option<Date>,
    /// Every line of the body as plain text (index = line − 1).
    pub plain: &'a [Cow<'a, str>],
    /// The file is written in another language than English.
    pub other_language: bool,
}

pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
    /// The entries are a status page's updates ("**Resolved** - …" over
    /// "Jun 12, 2024 - 16:48 PDT"): the first was posted once the outage
    /// had begun, the last once it was over.
    pub status_updates: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// Minutes from the first timed entry to the latest, known even when
    /// the file never says on which day ("9:00 AM … 11:30 AM").
    pub span_minutes: Option<u32>,
}

static RELATIVE: PerThread<Regex> = PerThread::new(|| Regex::new(r"^T\s*[+-]\s*\d{1,3}:\d{2}\b").unwrap());
/// Words that may stand before an entry's time: "Detected at 6:00 AM",
/// "Around 14:00", "~ 10:05".
static LEAD_IN: PerThread<Regex> = PerThread::new(|| {
    english(
        r"^[\s\p{P}\p{S}]*(?:(?:at|on|around|approx\.?|approximately|about|by|from|detected|started|issue|time|[a-z]+day|the|next|following|morning|afternoon|evening|night)\b[\s\p{P}]*){0,4}$",
    )
});
/// An entry on the day after the one before: "The next morning, 08:00".
static NEXT_DAY: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(next|following) (day|morning|afternoon|evening|night)\b|\blendemain\b|\bam nächsten (tag|morgen)\b|\bal día siguiente\b",
    )
});
static LIST_ITEM: PerThread<Regex> = PerThread::new(|| Regex::new(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S").unwrap());

/// The day entries fall on. Without a known date, times are still ordered
/// on a stand-in day, so that backwards entries and the span are found;
/// only entries on a known day get an instant.
struct Cursor {
    day: Date,
    known: bool,
    /// The previous timed entry: its reading (in its own zone) and index.
    last: Option<(ZonedTime, usize)>,
}

/// A timed entry's clock reading: when, in which offset, and whether the
/// day is real or the stand-in.
struct Clock {
    civil: DateTime,
    offset: Offset,
    known: bool,
}

/// Read every timeline section of the outline.
pub fn extract(outline: &Outline, lines: &[&str], ctx: &Context) -> Timeline {
    let mut entries: Vec<TimelineEntry> = Vec::new();
    let mut clocks: Vec<Option<Clock>> = Vec::new();
    let mut diagnostics = Vec::new();
    let stand_in = Date::constant(2000, 1, 1);
    let mut cursor = Cursor { day: ctx.date.unwrap_or(stand_in), known: ctx.date.is_some(), last: None };

    for section in outline
        .sections
        .iter()
        .filter(|s| s.section.kind == SectionKind::Timeline || s.also.contains(&SectionKind::Timeline))
    {
        let section_zone = find_zone(&section.section.heading).map(|(z, _)| z);
        let mut zone = section_zone.unwrap_or_else(|| ctx.zone.clone());
        let mut open: Option<usize> = None; // entry that continuation lines extend
        let mut header_seen = false;
        let mut untimed_items: Vec<(u32, String)> = Vec::new();
        let first_entry = entries.len();
        for (line, raw) in outline.content(section, lines) {
            let kind = if line == section.section.line { LineKind::Text } else { outline.line_kind(line) };
            let owned;
            let text: &str = match kind {
                LineKind::Table => match table_row(raw, &mut header_seen, &mut zone) {
                    Some(row) => {
                        owned = row;
                        &owned
                    }
                    None => continue,
                },
                // The label line holds only the label's value.
                _ if line == section.section.line => {
                    owned = strip_inline_markup(raw).into_owned();
                    &owned
                }
                _ => ctx.plain.get(line as usize - 1).map_or("", |l| l),
            };
            let text = text.trim();
            if text.is_empty() {
                if kind == LineKind::Heading {
                    open = None;
                }
                continue;
            }
            if is_zone_statement(text) {
                if let Some((z, _)) = find_zone(text) {
                    zone = z;
                }
                continue;
            }
            let day_first = day_comes_first(&zone, ctx.other_language);
            match read_entry(text, kind == LineKind::Heading, &mut cursor, &zone, day_first) {
                Read::Entry { mut clock, time_text, rest, problem, dated } => {
                    if let (Some(c), false) = (clock.as_mut(), dated) {
                        roll_over_midnight(&mut cursor, c);
                    }
                    if let Some(problem) = problem {
                        diagnostics.push(impossible_time(&time_text, &problem, line));
                    }
                    let time = clock.as_ref().filter(|c| c.known).map(|c| ZonedTime::new(c.civil, c.offset));
                    entries.push(TimelineEntry { time, time_text, milestone: None, text: rest, line });
                    if let Some(c) = &clock {
                        let reading = ZonedTime::new(c.civil, c.offset);
                        check_order(&mut cursor, reading, entries.len() - 1, &entries, &mut diagnostics);
                    }
                    clocks.push(clock);
                    open = Some(entries.len() - 1);
                }
                Read::DateOnly => open = None,
                Read::Continuation => {
                    if kind == LineKind::Text && LIST_ITEM.is_match(raw) {
                        untimed_items.push((line, text.to_string()));
                    }
                    if let Some(entry) = open.and_then(|i| entries.get_mut(i))
                        && entry.text.len() < 1000
                    {
                        if !entry.text.is_empty() {
                            entry.text.push(' ');
                        }
                        entry.text.push_str(text);
                    }
                }
            }
        }
        // A timeline written as a list with no times at all ("Reboot —
        // system hangs") still has entries, in order, without a time.
        if entries.len() == first_entry {
            for (line, text) in untimed_items {
                entries.push(TimelineEntry { time: None, time_text: String::new(), milestone: None, text, line });
                clocks.push(None);
            }
        }
    }
    // A status page's history has no timeline heading: its updates are
    // the timeline.
    let status_updates = entries.is_empty() && {
        entries = status_page_updates(outline, ctx);
        clocks =
            entries.iter().map(|e| e.time.map(|t| Clock { civil: t.civil, offset: t.offset, known: true })).collect();
        !entries.is_empty()
    };
    // Nor has a chat log pasted in ("[7:12 AM] dana: …"): a run of lines
    // that each open with a time, outside the sections that name
    // something else, is one.
    if entries.is_empty() {
        let mut cursor = Cursor { day: ctx.date.unwrap_or(stand_in), known: ctx.date.is_some(), last: None };
        (entries, clocks) = time_led_runs(outline, ctx, &mut cursor);
    }
    // The whole entry decides ("…reverted. Incident resolved." resolves),
    // so each is read once its continuation lines are all in.
    for entry in &mut entries {
        entry.milestone = milestone(&entry.text);
    }
    let span_minutes = span(&clocks);
    Timeline { entries, diagnostics, span_minutes, status_updates }
}

/// Runs of three or more lines that each open with a time (a blank line,
/// or one other line, may stand between two), in the preamble, in sections
/// of no known kind or in a summary (a log pasted under a "tl;dr").
fn time_led_runs(outline: &Outline, ctx: &Context, cursor: &mut Cursor) -> (Vec<TimelineEntry>, Vec<Option<Clock>>) {
    // The lines inside sections of a known kind, marked once.
    let mut named = vec![false; ctx.plain.len()];
    let named_kind = |kind: SectionKind| !matches!(kind, SectionKind::Other | SectionKind::Summary);
    for s in outline.sections.iter().filter(|s| named_kind(s.section.kind)) {
        let lines = (s.section.line as usize).saturating_sub(1)..(s.section.end_line as usize).min(named.len());
        named.get_mut(lines).into_iter().flatten().for_each(|n| *n = true);
    }
    let day_first = day_comes_first(ctx.zone, ctx.other_language);
    let (mut entries, mut clocks) = (Vec::new(), Vec::new());
    let mut run: Vec<(TimelineEntry, Option<Clock>)> = Vec::new();
    let mut others = 0;
    let mut close = |run: &mut Vec<(TimelineEntry, Option<Clock>)>| {
        if run.len() >= 3 {
            for (entry, clock) in run.drain(..) {
                entries.push(entry);
                clocks.push(clock);
            }
        }
        run.clear();
    };
    for (i, text) in ctx.plain.iter().enumerate() {
        let line = i as u32 + 1;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if outline.line_kind(line) != LineKind::Text || named[i] {
            close(&mut run);
            continue;
        }
        // A time opens the line: a digit comes early (most lines have none).
        let opens_with_digit = text.bytes().take(45).any(|b| b.is_ascii_digit());
        let read =
            if opens_with_digit { read_entry(text, false, cursor, ctx.zone, day_first) } else { Read::Continuation };
        match read {
            Read::Entry { clock: Some(clock), time_text, rest, .. } => {
                others = 0;
                let time = clock.known.then(|| ZonedTime::new(clock.civil, clock.offset));
                run.push((TimelineEntry { time, time_text, milestone: None, text: rest, line }, Some(clock)));
            }
            _ => {
                others += 1;
                if others > 1 {
                    close(&mut run);
                }
            }
        }
    }
    close(&mut run);
    (entries, clocks)
}

/// "Investigating - We are looking into …", "**Resolved** - …": a status
/// page's update, its status word first.
static STATUS_UPDATE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"^(investigating|identified|update|monitoring|resolved|postmortem|post-mortem|completed|scheduled|in progress|verifying)\s*[-–—:]\s*\S",
    )
});

/// A status word alone on its line, the update's words below it.
static STATUS_WORD: PerThread<Regex> = PerThread::new(|| {
    english(r"^(investigating|identified|update|monitoring|resolved|completed|scheduled|in progress|verifying)\s*$")
});

/// A status page's updates, oldest first, each stamped by the line of
/// its own that follows it ("Jun 12, 2024 - 16:48 PDT", "Posted
/// 11/19/2025 - 4:40 PM EST"). Two or more, or none.
fn status_page_updates(outline: &Outline, ctx: &Context) -> Vec<TimelineEntry> {
    let mut entries = Vec::new();
    let plain = |line: usize| ctx.plain.get(line).map_or("", |l| l.trim());
    let day_first = day_comes_first(ctx.zone, ctx.other_language);
    let next_written = |from: usize| (from..ctx.plain.len().min(from + 3)).find(|&j| !plain(j).is_empty());
    // A stamp is a time and its date ("Nov 6, 11:51 EST": the year the
    // document gives), or a time alone on the incident's day, and little
    // else.
    let year = ctx.date.map(|d| d.year());
    let read_stamp = |stamp: &str| {
        let time = times(stamp).next()?;
        let date = find_dates_with(stamp, year, day_first).first().cloned();
        let day = date.as_ref().map(|d| d.date).or(ctx.date)?;
        let rest = stamp.len().saturating_sub(date.map_or(0, |d| d.span.len()) + time.span.len());
        (rest <= 16).then(|| time.zone.as_ref().unwrap_or(ctx.zone).at(day.to_datetime(time.time)))
    };
    for (i, line) in ctx.plain.iter().enumerate() {
        let line = line.trim();
        if outline.line_kind(i as u32 + 1) != LineKind::Text {
            continue;
        }
        // "Resolved - Logins work again." over its stamp; "**Resolved** -
        // 17:58 AEST" over its words; "**Resolved**" alone, its words, then
        // its stamp.
        let (text, stamp) = if let Some(status) = STATUS_UPDATE.captures(line) {
            let (word, after) = (&status[1], line[status[1].len()..].trim_start_matches([' ', '-', '–', '—', ':']));
            match (read_stamp(after), next_written(i + 1)) {
                (Some(_), Some(words)) => (format!("{word} - {}", plain(words)), after),
                (None, Some(stamp)) => (line.to_string(), plain(stamp)),
                (_, None) => continue,
            }
        } else if STATUS_WORD.is_match(line) {
            let Some(words) = next_written(i + 1) else { continue };
            let Some(stamp) = next_written(words + 1) else { continue };
            (format!("{line} - {}", plain(words)), plain(stamp))
        } else {
            continue;
        };
        let Some(time) = read_stamp(stamp) else { continue };
        entries.push(TimelineEntry {
            time: Some(time),
            time_text: stamp.to_string(),
            milestone: None,
            text,
            line: i as u32 + 1,
        });
    }
    if entries.len() < 2 {
        return Vec::new();
    }
    entries.sort_by_key(|e| e.time.and_then(|t| t.timestamp()));
    entries
}

/// Minutes from the first timed entry to the latest one.
fn span(clocks: &[Option<Clock>]) -> Option<u32> {
    let instants: Vec<i64> =
        clocks.iter().flatten().filter_map(|c| c.offset.to_timestamp(c.civil).ok()).map(|t| t.as_second()).collect();
    let (first, last) = (instants.first()?, instants.iter().max()?);
    u32::try_from((last - first) / 60).ok().filter(|m| *m > 0)
}

enum Read {
    Entry { clock: Option<Clock>, time_text: String, rest: String, problem: Option<TimeProblem>, dated: bool },
    DateOnly,
    Continuation,
}

/// One line: an entry (time first, perhaps after a date), a date line that
/// sets the day for the entries below it, or text continuing an entry.
/// A heading that is only a date (`### 2018-01-11`) is an entry of its own.
fn read_entry(text: &str, heading: bool, cursor: &mut Cursor, zone: &Zone, day_first: bool) -> Read {
    if let Some(m) = RELATIVE.find(text) {
        let rest = text[m.end()..].trim_start_matches([' ', ':', '-', '–', '—', '|']).to_string();
        return Read::Entry { clock: None, time_text: m.as_str().to_string(), rest, problem: None, dated: false };
    }
    let default_year = cursor.known.then(|| cursor.day.year());
    let mut dates: Vec<_> =
        find_dates_with(text, default_year, day_first).into_iter().filter(|d| d.span.start <= 24).collect();
    if dates.is_empty()
        && let Some(day) = cursor.known.then(|| short_day(text, cursor.day)).flatten()
    {
        dates.push(day);
    }
    let time = times(text).next().filter(|t| leads(text, t, &dates));
    let line_date = dates.first().filter(|d| time.as_ref().is_none_or(|t| d.span.start < t.span.end));
    if let Some(d) = line_date {
        (cursor.day, cursor.known) = (d.date, true);
    }
    // "The next morning, 08:00" after a dated entry: the day after it.
    let next_day =
        line_date.is_none() && cursor.known && time.as_ref().is_some_and(|t| NEXT_DAY.is_match(&text[..t.span.start]));
    if next_day && let Ok(next) = cursor.day.checked_add(1.day()) {
        cursor.day = next;
    }
    match (time, line_date) {
        (Some(t), date) => {
            let civil = cursor.day.to_datetime(t.time);
            let offset = t.zone.as_ref().unwrap_or(zone).offset_at(civil);
            let start = date.map_or(t.span.start, |d| d.span.start.min(t.span.start));
            let time_text = text[start..t.span.end].trim().to_string();
            let rest = clean_rest(&text[t.span.end.max(date.map_or(0, |d| d.span.end))..]);
            let clock = Clock { civil, offset, known: cursor.known };
            Read::Entry { clock: Some(clock), time_text, rest, problem: t.problem, dated: date.is_some() || next_day }
        }
        (None, Some(d)) if d.span.start <= 12 => {
            let rest = clean_rest(&text[d.span.end..]);
            if rest.chars().filter(|c| c.is_alphabetic()).count() < 4 && !heading {
                return Read::DateOnly;
            }
            // A dated entry without a time ("2018-01-11 A team member …").
            Read::Entry { clock: None, time_text: text[d.span.clone()].to_string(), rest, problem: None, dated: true }
        }
        _ => Read::Continuation,
    }
}

/// "4/8 10:02 — …": a day and month without a year, opening an entry,
/// in whichever order puts it nearer the day the story is on (4/7 the
/// evening before 4/8 is 7 April, not 4 July), within a week of it: a
/// timeline moves by days, and a farther reading is of a misread day.
fn short_day(text: &str, near: Date) -> Option<super::when::FoundDate> {
    static SHORT_DAY: PerThread<Regex> =
        PerThread::new(|| Regex::new(r"^\W{0,4}?(\d{1,2})/(\d{1,2})\s+\d{1,2}[:：]\d{2}\b").unwrap());
    let caps = SHORT_DAY.captures(text)?;
    let (first, second): (i8, i8) = (caps[1].parse().ok()?, caps[2].parse().ok()?);
    let distance = |d: &Date| near.since(*d).map_or(i64::MAX, |span| i64::from(span.get_days()).abs());
    let date = [(first, second), (second, first)]
        .into_iter()
        .filter_map(|(month, day)| Date::new(near.year(), month, day).ok())
        .min_by_key(distance)
        .filter(|d| distance(d) <= 7)?;
    let span = caps.get(1)?.start()..caps.get(2)?.end();
    Some(super::when::FoundDate { date, year_written: false, span, ambiguous: false })
}

/// The time must open the line: only a date, a weekday or a couple of
/// lead-in words may stand before it.
fn leads(text: &str, time: &FoundTime, dates: &[super::when::FoundDate]) -> bool {
    let before = &text[..time.span.start];
    if before.trim().is_empty() {
        return true;
    }
    let mut prefix = before.to_string();
    for d in dates.iter().rev().filter(|d| d.span.end <= time.span.start) {
        prefix.replace_range(d.span.clone(), " ");
    }
    prefix.chars().count() <= 40 && LEAD_IN.is_match(&prefix)
}

fn clean_rest(rest: &str) -> String {
    rest.trim_start_matches(|c: char| c.is_whitespace() || ":-–—|,.)]*_".contains(c)).trim().to_string()
}

/// "All times in PST", "All times are UTC." — a statement, not an entry.
fn is_zone_statement(text: &str) -> bool {
    let starts = |p: &str| text.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p));
    text.len() < 80 && (starts("all times") || starts("times are") || starts("time zone"))
}

/// A table row as "cell cell …"; `None` for the header and separator rows.
fn table_row(raw: &str, header_seen: &mut bool, zone: &mut Zone) -> Option<String> {
    let cells = table_cells(raw)?;
    if !*header_seen {
        // A header such as `| Time (UTC) | Event |` gives the rows' zone.
        if let Some((written, _)) = find_zone(raw) {
            *zone = written;
        }
        *header_seen = true;
        return None;
    }
    Some(cells.into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | "))
}

/// A time more than 12 hours before the previous entry, on a line that
/// writes no date, is the next day: midnight passed (23:19, then 02:00).
fn roll_over_midnight(cursor: &mut Cursor, clock: &mut Clock) {
    let Some((previous, _)) = &cursor.last else { return };
    if clock.civil < previous.civil
        && previous.civil.duration_since(clock.civil).as_secs() > 12 * 3600
        && let Ok(next) = clock.civil.checked_add(1.day())
    {
        clock.civil = next;
        cursor.day = next.date();
    }
}

/// Whether `a` is earlier than `b` as instants: "03:00 CEST" then "02:00
/// CET", the hour the clocks go back, is the same moment, not a step back.
fn earlier(a: &ZonedTime, b: &ZonedTime) -> bool {
    match (a.timestamp(), b.timestamp()) {
        (Some(a), Some(b)) => a < b,
        _ => a.civil < b.civil,
    }
}

/// Warn when an entry is earlier than the one before it.
fn check_order(
    cursor: &mut Cursor,
    current: ZonedTime,
    index: usize,
    entries: &[TimelineEntry],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some((previous, prev_index)) = &cursor.last
        && earlier(&current, previous)
    {
        let prev_index = *prev_index;
        // The outlier is the previous entry when this one still
        // follows the entry before that (10:30, 23:15, 13:00).
        let before = index.checked_sub(2).and_then(|i| entries.get(i)).and_then(|e| e.time);
        let (culprit, other) = if prev_index > 0 && before.is_some_and(|b| !earlier(&current, &b)) {
            (&entries[prev_index], &entries[index])
        } else {
            (&entries[index], &entries[prev_index])
        };
        diagnostics.push(
            Diagnostic::warning(
                "timeline-backwards",
                culprit.line,
                format!(
                    "timeline goes backwards: `{}` (line {}) is out of order with `{}` (line {})",
                    culprit.time_text, culprit.line, other.time_text, other.line
                ),
            )
            .with_help("check the time and its AM/PM; entries should be in time order"),
        );
    }
    cursor.last = Some((current, index));
}

pub fn impossible_time(text: &str, problem: &TimeProblem, line: u32) -> Diagnostic {
    let why = match problem {
        TimeProblem::MeridiemOnTwentyFourHour => "an hour past 12 cannot take AM or PM",
    };
    Diagnostic::warning("impossible-time", line, format!("impossible time `{text}`: {why}; read as 24-hour time"))
        .with_help("write the time in 24-hour form (13:00) or with a valid AM/PM (1:00 PM)")
}

/// Words that mark a phase, most decisive first: an entry that says
/// "resolved" is a resolution even when it also mentions the alert.
const MILESTONES: [(Milestone, &str); 5] = [
    (
        Milestone::Resolved,
        r"\b(resolved|fully (restored|recovered|operational)|back to normal|returned to normal|back online|incident (closed|over)|all (healthy|clear)|service(s)? (was |were )?restored|fully functional|(outage|incident|impact) end(s|ed)?)\b",
    ),
    (
        Milestone::Mitigated,
        r"\b(mitigat\w*|rolled back|roll(ed)?[- ]?back|revert(ed)?|workaround|restart(ed)?|partial(ly)? restor\w*|failover|failed over|hotfix)\b",
    ),
    (
        Milestone::Escalated,
        r"\b(escalat\w*|incident declared|declared (an )?incident|engaged the|upgraded to sev\w*|takes incident command)\b",
    ),
    (
        Milestone::Detected,
        r"\b(detect\w*|noticed|alert(s|ed)?|paged|reported|complain\w*|became aware|first indication|notified|monitoring (triggered|fired))\b",
    ),
    (
        Milestone::Started,
        // "the outage began", "site is hard down", "pods started crashlooping",
        // "ALB starts returning 503": the harm itself, not what set it off.
        r"\b((outage|incident|breakdown|impact|issue|problem|degradation) (began|begins|started|starts)|start of (the )?(incident|outage)|went down|(is|was|are|were|goes) (hard |completely |fully |totally )?(down|offline|unreachable)|(started|starts|began|begins) (to )?(crash\w*|fail\w*|error\w*|throw\w*|tim(e|ing) ?out|reject\w*|refus\w*|return\w* (5\d\d|errors?|http 5))|(errors?|5xx|[45]\d\d|failures?|timeouts?)( rates?)? (jump\w*|spik\w*|surg\w*|climb\w*|(rise|rises|rising|rose) (from|to|above))|first (\w+ ){0,2}(errors?|failures?|5xx|[45]\d\ds?|timeouts?)|(errors?|5xx|[45]\d\ds|failures?|timeouts?) (begin|began|begins|start|started|starts|appear|appeared|appears))\b",
    ),
];
static MILESTONE_SET: PerThread<RegexSet> = PerThread::new(|| english_set(MILESTONES.iter().map(|(_, p)| *p)));

/// "resolved" as an adjective ("includes the resolved CNAME") names a
/// thing, not the end of the incident.
static ATTRIBUTIVE_RESOLVED: PerThread<Regex> = PerThread::new(|| english(r"\b(the|a|an|its|their) resolved \w"));

/// The phase an entry marks, if its words say so.
pub fn milestone(text: &str) -> Option<Milestone> {
    let text = if text.contains("resolved") { ATTRIBUTIVE_RESOLVED.replace_all(text, "") } else { text.into() };
    let found = MILESTONE_SET.matches(&text).iter().next().map(|i| MILESTONES[i].0);
    // "I was offline", "the on-call was unreachable": a person away is
    // why a response was slow, not the harm beginning.
    static PERSON_AWAY: PerThread<Regex> = PerThread::new(|| {
        english(
            r"\b(i|he|she|on-?call( engineer)?|engineer|responder|maintainer|owner)\s+(is|was|were|went)\s+(\w+ )?(offline|unreachable|down)\b",
        )
    });
    found.filter(|m| *m != Milestone::Started || !PERSON_AWAY.is_match(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_as_an_adjective_is_not_a_resolution() {
        let text = "Synthetic check fails; the message now includes the resolved CNAME, which points at DNS.";
        assert_eq!(milestone(text), None);
        assert_eq!(milestone("Error rate at baseline. Resolved."), Some(Milestone::Resolved));
        assert_eq!(milestone("Issue resolved after the rollback"), Some(Milestone::Resolved));
    }

    #[test]
    fn the_harm_beginning_is_the_start() {
        for text in [
            "Site is hard down, engineers respond",
            "Pods, including KIAM, started crashlooping and become pending",
            "Target group reports 0/8 healthy. ALB starts returning 503.",
            "The outage began",
            "429 rate jumps from 0.2% to 7%; first synthetic check failure",
            "Error rate spikes to 40%",
            "First 502s at the edge",
            "`promote-prod` deploys the image to production; checkout 500s begin",
        ] {
            assert_eq!(milestone(text), Some(Milestone::Started), "{text}");
        }
        // What set it off, and a recovery, are not.
        for text in [
            "Regular maintenance: node roll over",
            "Deploy of v2 started",
            "API started returning 200s again",
            "~40 issues and duplicates. I was offline (evening in Lyon).",
            "Primary on-call was unreachable; paging the secondary",
        ] {
            assert_ne!(milestone(text), Some(Milestone::Started), "{text}");
        }
    }
}
