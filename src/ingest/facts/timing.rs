//! When: the file's zone, start, end and date, and how long it lasted.

use super::{Facts, Prose};
use crate::diagnostics::Diagnostic;
use crate::ingest::sections::{Label, LineKind};
use crate::ingest::text::{english, plain_text, sentences};
use crate::ingest::timeline::impossible_time;
use crate::ingest::when::{
    FoundDate, FoundTime, Zone, find_dates, find_dates_with, find_durations, find_times, find_zone, is_weekday,
    month_and_year, parse_datetime, plausible, times, window_after, window_before,
};
use crate::model::{FactSource, SectionKind, ZonedTime};
use crate::per_thread::PerThread;
use crate::zone::compile;
use jiff::ToSpan;
use jiff::civil::Date;
use regex::Regex;

#[derive(Default)]
pub(super) struct When {
    /// The zone the start was written in, when the file says.
    pub(super) zone: Option<String>,
    pub(super) date: Option<Date>,
    /// The day the story's times fall on where it is not `date`: a blog
    /// posted on the 10th tells "On Friday, June 7 …", and its timeline's
    /// bare times are that Friday's.
    pub(super) story_day: Option<Date>,
    pub(super) start: Option<ZonedTime>,
    pub(super) end: Option<ZonedTime>,
    pub(super) start_line: u32,
    pub(super) end_line: u32,
    /// Minutes of a written range on no known day ("from 6PM to 7PM GMT").
    pub(super) range_minutes: Option<(u32, u32, FactSource)>,
}

static FILE_DATE: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?:^|[/_-])(\d{4}-\d{2}-\d{2})").unwrap());

/// "All times in PST", "Time zone: CET", "Times are Slack display times
/// for the exporter (PT)", "times shown in UTC", "Усі часи …". ASCII case
/// only, so no lower-cased copy of the line is needed: the phrases with
/// other letters are written in both the cases a line starts with.
static ZONE_STATEMENT: PerThread<Regex> = PerThread::new(|| {
    Regex::new(concat!(
        r"(?i-u)all times|(^|[ \t_*(>])(times|timestamps) are\b|\btimes (shown|given|listed|quoted|below) (are )?in\b|time ?zone:",
        // The same in the other languages of the corpus.
        r"|alle (zeiten|zeitangaben|uhrzeiten|tijden)|zeitzone|toutes les heures|tous les horaires|fuseau horaire",
        r"|tod[oa]s (los|las|os|as) (horarios|horas|horários)|zona horaria|fuso hor|tutti gli orari|tijdzone",
        r"|wszystkie godziny|strefa czasowa|alla tider|tidszon|semua waktu|zona waktu",
        r"|Усі часи|усі часи|Все время|все время|ремя указано|час указано|часовой пояс|часовий пояс",
        r"|すべての時刻|全ての時刻|時刻は|所有时间|时间均为|모든 시간",
        r"|saat dilimi|Časové pásmo|časové pásmo|tidszone|alle tider|aikavy|kaikki ajat|fus orar|időzóna|múi giờ",
        r"|时区|時區|タイムゾーン|시간대|समय क्षेत्र|Ζώνη ώρας|ζώνη ώρας|אזור זמן|المنطقة الزمنية",
        r"|Όλες οι ώρες|όλες οι ώρες|כל השעות|כל הזמנים|جميع الأوقات|كل الأوقات|सभी समय|[Tt]ất cả thời gian|[Tt]ất cả giờ",
        r"|[Tt]üm saatler|[Vv]šechny časy|[Vv]šetky časy|[Mm]inden időpont|[Tt]oate orele",
    ))
    .unwrap()
});

/// What may stand between the two times of a range, dates aside.
const RANGE_WORDS: &[&str] = &[
    "-", "–", "—", "→", "->", "~", "to", "until", "till", "through", "thru", "and", "bis", "à", "au", "a", "〜", "～",
    // "entre 14h10 et 14h55", "zwischen 9:00 und 9:40", "entre las 10:00 y las 11:00",
    // "dalle 08:10 alle 09:35", "das 10:00 às 11:00", "van 9:00 tot 10:15".
    "et", "und", "y", "e", "alle", "al", "às", "as", "até", "hasta", "tot",
    // "13時10分から15時10分まで", "10:00至11:30", "15:20부터 17:05까지".
    "から", "至", "到", "부터",
    // "kl. 07.45 till 12.55", "od 10:00 do 12:00", "с 10:00 до 12:00", "з 18:40 до 23:15".
    "till", "do", "до", "sampai", "hingga",
];

/// Words that make a time approximate, beside it.
const APPROXIMATE: &[&str] = &[
    "about",
    "around",
    "approximately",
    "approx",
    "approx.",
    "roughly",
    "circa",
    "ca.",
    "~",
    "etwa",
    "gegen",
    "vers",
    "environ",
];
/// The same written against the time in Japanese and Chinese: "14時40分頃から", "14:40左右至".
const APPROXIMATE_CJK: &[&str] = &["頃", "ごろ", "前後", "左右"];

/// A day told without its year, after the day the story was posted, is
/// the year before's: "On December 28" in a post of 3 January.
fn before_posting(found: &FoundDate, posted: Date) -> Date {
    match !found.year_written && found.date > posted {
        true => found.date.checked_sub(1.year()).unwrap_or(found.date),
        false => found.date,
    }
}

/// "… ended at", "was resolved by": the time that follows is the end.
static ENDED_AT: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(ended|resolved|restored|recovered|mitigated|fixed|over|back to normal|back online|back up|(was|were|came|fully|all) back|(flowing|working) again)\b[^.;]{0,15}\b(at|by|around|as of|(shortly |just |soon )?(before|after))\s*(about|approximately|around|~)?\s*$",
    )
});

/// "Posted on …", "Published …", "Last updated …", "By Jane Doe, March
/// 12"; or a name and a team, a dash and the date: "Jane Doe,
/// Infrastructure team — March 12, 2025" (a line with nothing else).
static BYLINE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"^\W*(posted|published|written|updated|exported|generated|printed|last (updated|modified|edited)|date published|by (?-i:\p{Lu}\S*( \p{Lu}\S*){0,3})\s*([,—–|·•]| on\b))|^\W*(?-i:\p{Lu}\p{Ll}+( \p{Lu}[\p{L}'’.-]+){1,2})(,[^—–|·•]{0,40})?\s+[—–|·•]\s+[^—–|·•]{4,30}$",
    )
});

/// How an e-mail tells the day of its story against the day it was sent.
static MAIL_DAY: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(this morning|this afternoon|this evening|earlier today|today|tonight|yesterday|last night)\b")
});

/// An e-mail's header lines: its `Date:` is when the mail was sent.
static MAIL_HEADER: PerThread<Regex> = PerThread::new(|| english(r"^(from|to|cc|subject|date|sent|reply-to):\s"));

/// "… started 13:05 UTC", "began at about 9:40": a time that needs no date
/// of its own to be the start, the day being known from elsewhere.
static STARTED_AT: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(started|starting|began|begun|beginning|first (noticed|seen|reported|observed|detected)|went (down|offline|dark)|stopped (working|responding|serving))\b[^.;]{0,15}?\s*(at|around|from|since)?\s*(about|approximately|around|~)?\s*$",
    )
});

/// "We started investigating at 10:30": the response started, not the
/// outage; "messages started flowing again at 11:06": the recovery.
static RESPONSE_STARTED: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(started|starting|began|begun|beginning) ((to )?(investigat|look|work|debug|respond|roll|deploy|fix|mitigat|restor|migrat|recover|revert)|[^.;]{0,15}\b(again|back)\b)",
    )
});

/// A duration the document states: where, how, whether only about, and
/// whether as the whole ("… in total"), which no start and end told for
/// part of the story contradicts.
#[derive(Clone, Copy)]
pub(super) struct Stated {
    minutes: u32,
    line: u32,
    source: FactSource,
    approximate: bool,
    total: bool,
}

impl Stated {
    fn exactly(minutes: u32, line: u32, source: FactSource) -> Stated {
        Stated { minutes, line, source, approximate: false, total: false }
    }
}

/// The span of the sentence of `text` that holds byte `at`.
fn sentence_around(text: &str, at: usize) -> std::ops::Range<usize> {
    let base = text.as_ptr() as usize;
    let spans = sentences(text).into_iter().map(|s| {
        let start = s.as_ptr() as usize - base;
        start..start + s.len()
    });
    let mut start = 0;
    for span in spans {
        if span.end > at {
            return start..span.end;
        }
        start = span.end;
    }
    start..text.len()
}

/// Whether the words before a time tell it as when the outage started.
fn told_to_start(before: &str) -> bool {
    STARTED_AT.is_match(before) && !RESPONSE_STARTED.is_match(before)
}

/// "At …", "Shortly after …" opening a sentence; the same in the other
/// languages of the corpus ("Por volta das", "Gegen", "Vers", "Około").
static OPENS_WITH: PerThread<Regex> = PerThread::new(|| {
    english(concat!(
        r"^\W*(at|around|(shortly|just|right) (after|before)",
        r"|às|as|por volta das?|cerca das|a las|alrededor de las|hacia las|sobre las|à|vers|aux alentours de",
        r"|alle|verso le|intorno alle|um|gegen|om|rond|omstreeks|około|o godzinie|kolem|noin|kello|klo|kl\.?)",
        r"\s*(about|approximately|around|~|ca\.|circa|etwa)?\s*$",
    ))
});

/// A sentence that tells its time as the end, in the words before it
/// ("was resolved on 5 March 2024 at", "rétabli le 13 août à") or, where
/// the verb comes last, after it ("gegen 16 Uhr … behoben werden").
static END_BEFORE: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"(?i)\b(?:ended|resolved|restored|recovered|back to normal|back online|rétabli\w*|résolu\w*|resuelt[oa]|restablecid[oa]|resolvid[oa]|restabelecid[oa]|risolt[oa]|ripristinat[oa]|behoben|wiederhergestellt)\b[^.;]{0,40}$",
    )
});
static END_AFTER: PerThread<Regex> = PerThread::new(|| {
    compile(r"(?i)^[^.;,]{0,60}\b(?:behoben|wiederhergestellt|wieder hergestellt|beseitigt|opgelost|hersteld)\b")
});

/// "By 14:13 the error rate was back to normal": the time before is the
/// end (read on the text after it, the time following "by" or "at").
static THEN_RECOVERED: PerThread<Regex> = PerThread::new(|| {
    english(
        r"^[^.;:]{0,60}?\b(was|were|had|came|is|are|started|began)?\s*(back to normal|back online|back up|fully back|fully restored|fully recovered|restored|recovered|resolved|(flowing|working|loading|responding) (again|normally))\b",
    )
});
/// "… and the placement subsystem at": another part, the same verb (no
/// verb nor person of its own, as in "and we closed the ticket at").
static AND_ANOTHER_AT: PerThread<Regex> = PerThread::new(|| {
    english(r"^[^\w.;]*and (the |its |our )?([\w-]+ ){1,3}(at|by)( about| around| approximately)?\s*$")
});
static ACTS_OF_ITS_OWN: PerThread<Regex> =
    PerThread::new(|| english(r"\b(we|i|they|he|she|it|was|were|is|are|had|has|\w+ed)\b"));

static BY_OR_AT: PerThread<Regex> = PerThread::new(|| english(r"\b(by|at)\s*$"));

/// "… started at 10:00 AM and was resolved at 11:30 AM": the second time
/// is when the same outage ended.
static THEN_RESOLVED_AT: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(and|until|then)\b[^.;]{0,25}\b(resolved|restored|recovered|mitigated|fixed|ended|over|back online|back up)\s*(at|by|around|on)?\s*$",
    )
});

/// "At 14:31 GMT every pod … was down until 15:05 GMT": what began at the
/// first time lasted until the second.
static UNTIL: PerThread<Regex> =
    PerThread::new(|| english(r"\b(until|till|bis|jusqu.(à|a|au)|hasta|fino alle|até)\s*$"));

/// `first … second` reads as a range: only a connector (and perhaps a
/// date) between them, "and was resolved at", or "until" right before the
/// second in the same sentence.
fn is_range(text: &str, first: &FoundTime, second: &FoundTime, dates: &[crate::ingest::when::FoundDate]) -> bool {
    let Some(between) = text.get(first.span.end..second.span.start) else { return false };
    // "09:15 PT (17:15 UTC)", "09:15 PT / 17:15 UTC": the same moment in
    // another zone.
    if matches!(between.trim(), "(" | "[" | "/") {
        return false;
    }
    if between.len() <= 60 && THEN_RESOLVED_AT.is_match(between) || between.len() <= 200 && UNTIL.is_match(between) {
        return true;
    }
    let mut between = between.to_string();
    for d in dates.iter().rev().filter(|d| d.span.start >= first.span.end && d.span.end <= second.span.start) {
        let (a, mut b) = (d.span.start - first.span.end, d.span.end - first.span.end);
        // An ISO date's "T" goes with it: "until 2024-03-10T04:10:00-07:00".
        if between.get(b..).is_some_and(|rest| rest.starts_with('T')) {
            b += 1;
        }
        if between.is_char_boundary(a) && between.is_char_boundary(b) {
            between.replace_range(a..b, " ");
        }
    }
    // "until Monday 11 September 2023 at 08:30": the second time's own
    // date, and the "at" or "on" before it, stand between "until" and it.
    let mut told_until = between.trim_end_matches(|c: char| c.is_whitespace() || ",*".contains(c));
    for word in [" at", " on", " um", " à", " alle", " às", " a las"] {
        told_until = told_until.strip_suffix(word).unwrap_or(told_until);
    }
    if between.len() <= 200 && UNTIL.is_match(told_until) {
        return true;
    }
    // "from 21:45 on Saturday 3 August 2024 to 01:15": the first time's
    // own day, its date taken out above, and the "on" before it.
    // "14時40分頃から16時35分頃まで", "from about 14:40 to about 16:35":
    // an approximation beside a time stands for neither end.
    let words: Vec<String> = between
        .split(|c: char| c.is_whitespace() || ",()[]:;".contains(c))
        .map(|w| APPROXIMATE_CJK.iter().fold(w, |w, mark| w.strip_prefix(mark).unwrap_or(w)))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !APPROXIMATE.contains(&w.as_str()))
        .collect();
    let skip = usize::from(words.first().is_some_and(|w| w == "on") && words.len() > 1);
    let skip = skip + usize::from(words.get(skip).is_some_and(|w| is_weekday(w)) && words.len() > skip + 1);
    let words = &words[skip..];
    match words {
        [] => true, // "10:00–12:00" with the dash inside a span
        [w] => RANGE_WORDS.contains(&w.as_str()),
        [w, on] => RANGE_WORDS.contains(&w.as_str()) && ["on", "of"].contains(&on.as_str()),
        _ => false,
    }
}

/// A label as plain text with its name: "Durée : 4h12" reads 4h12 as a
/// duration, where "4h12" alone would be a clock time.
/// A start or end label's core word: "impact started at" → "started",
/// "outage end time" → "end" (an incident tool's key timestamps).
fn when_label_core(key: &str) -> &str {
    let core = key.strip_suffix(" at").or_else(|| key.strip_suffix(" time")).unwrap_or(key);
    let core = ["impact ", "customer impact ", "incident ", "outage "]
        .iter()
        .find_map(|p| core.strip_prefix(p))
        .unwrap_or(core);
    match ["start", "started", "began", "end", "ended", "resolved", "recovered"].contains(&core) {
        true => core,
        false => key,
    }
}

fn labelled_text(label: &Label) -> String {
    plain_text(&format!("{}: {}", label.name, label.value)).into_owned()
}

fn implausible_date(key: &str, written: &str, line: u32) -> Diagnostic {
    Diagnostic::warning(
        "implausible-date",
        line,
        format!("`{key}: {}` is before 1970 or after next year; not used as the incident's {key}", written.trim()),
    )
    .with_help(format!("correct the year, or remove `{key}` from the front matter"))
}

impl Facts<'_> {
    /// The file's zone: written in front matter, a timeline heading, an
    /// "All times in …" line or next to a time; else the default.
    pub(super) fn zone(&mut self) -> (Zone, bool) {
        let outline = self.input.outline;
        let front_matter = self.fm().and_then(|fm| {
            [("start", &fm.start), ("end", &fm.end)].into_iter().find_map(|(key, value)| {
                let (written, offset) = parse_datetime(value.as_deref()?)?;
                let offset = offset?;
                Some((Zone { offset, rules: None, text: offset.to_string() }, self.fm_line(key), written))
            })
        });
        // Front matter gives an offset; the text may name it (`EDT` for -04:00).
        let names_it = |z: &Zone| front_matter.as_ref().is_none_or(|(fm, _, at)| fm.offset == z.offset_at(*at));
        let mut found: Option<(Zone, u32)> = None;
        for s in self.sections_of(SectionKind::Timeline) {
            if let Some((z, _)) = find_zone(&s.section.heading).filter(|(z, _)| names_it(z)) {
                found = Some((z, s.section.line));
                break;
            }
        }
        if found.is_none() {
            found = self.input.lines.iter().enumerate().find_map(|(i, l)| {
                let statement = ZONE_STATEMENT.find(l)?;
                // "… All times in this post are / CEST.": a statement
                // wrapped onto the next line.
                let zone = find_zone(l)
                    .or_else(|| {
                        // "All times are Eastern.": a US region alone, which
                        // elsewhere names a region, names its zone here.
                        let rest = l[statement.end()..].trim_start_matches(|c: char| !c.is_alphanumeric());
                        let rest = ["are in ", "are ", "in "].iter().find_map(|w| rest.strip_prefix(w)).unwrap_or(rest);
                        crate::zone::zone_at_start(rest).map(|(z, _)| (z, 0..0))
                    })
                    .or_else(|| {
                        let next = self.input.lines.get(i + 1)?;
                        find_zone(&format!("{} {next}", &l[statement.start()..]))
                    });
                zone.filter(|(z, _)| names_it(z)).map(|(z, _)| (z, i as u32 + 1))
            });
        }
        if found.is_none() {
            found = self.plain.iter().enumerate().find_map(|(i, l)| {
                // A zone after a time: the line has a digit and, for the
                // abbreviation or the long name, a capital letter.
                let candidate = l.bytes().any(|b| b.is_ascii_digit()) && l.bytes().any(|b| b.is_ascii_uppercase());
                if !candidate || outline.line_kind(i as u32 + 1) == LineKind::FencedCode {
                    return None;
                }
                times(l).filter_map(|t| t.zone).find(names_it).map(|z| (z, i as u32 + 1))
            });
        }
        if let Some((fm, line, _)) = front_matter {
            let text = found.map_or(fm.text, |(named, _)| named.text);
            found = Some((Zone { text, ..fm }, line));
        }
        match found {
            Some((zone, line)) => {
                self.note("timezone", FactSource::Prose, line);
                (zone, true)
            }
            None => (self.input.config.default_timezone.clone(), false),
        }
    }

    /// Whether `line` is one of the header lines an e-mail opens with
    /// (two or more of `From:`, `To:`, `Subject:`, `Date:` … at the top).
    fn mail_header(&self, line: u32) -> bool {
        let top = self.plain.iter().take(8).take_while(|l| !l.trim().is_empty());
        let headers = top.filter(|l| MAIL_HEADER.is_match(l)).count();
        headers >= 2 && line <= 8 && MAIL_HEADER.is_match(self.plain_line(line))
    }

    /// The day an e-mail write-up tells of: the day it was sent when it
    /// says "this morning" or "today", the day before for "yesterday".
    fn mail_day(&self) -> Option<Date> {
        let sent = (1..=8u32)
            .filter(|&line| self.mail_header(line))
            .filter_map(|line| self.plain_line(line).split_once(':'))
            .find_map(|(key, value)| key.trim().eq_ignore_ascii_case("date").then(|| find_dates(value, None)))?
            .first()?
            .date;
        let told = self.plain.iter().find_map(|l| MAIL_DAY.find(l).map(|m| m.as_str().to_ascii_lowercase()))?;
        match told.as_str() {
            "yesterday" | "last night" => sent.yesterday().ok(),
            _ => Some(sent),
        }
    }

    /// Date, start and end from front matter, labels and prose.
    pub(super) fn when(&mut self, zone: &Zone, day_first: bool) -> When {
        let mut when = When::default();
        if let Some(fm) = self.fm() {
            for (key, value) in [("start", &fm.start), ("end", &fm.end)] {
                let Some((dt, offset)) = value.as_deref().and_then(parse_datetime) else { continue };
                let line = self.fm_line(key);
                if !plausible(dt.date()) {
                    self.diagnostics.push(implausible_date(key, value.as_deref().unwrap_or_default(), line));
                    continue;
                }
                let z = ZonedTime::new(dt, offset.unwrap_or_else(|| zone.offset_at(dt)));
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
                if plausible(date) {
                    when.date = Some(date);
                    self.note("date", FactSource::FrontMatter, self.fm_line("date"));
                } else {
                    let line = self.fm_line("date");
                    self.diagnostics.push(implausible_date("date", fm.date.as_deref().unwrap_or_default(), line));
                }
            }
        }

        let start_in_front_matter = when.start.is_some();
        // Candidate texts, most trusted first: when-labels, then the
        // summary's sentences, the impact's, the preamble and the title.
        let mut candidates: Vec<(String, u32, FactSource)> = Vec::new();
        for label in &self.input.outline.labels {
            let name = &label.key;
            let is_when = name.contains("duration") && !name.contains("detect")
                || [
                    "date",
                    "when",
                    "time",
                    "dates",
                    "window",
                    "time window",
                    "incident window",
                    "outage window",
                    "incident date",
                    "date and time",
                    "durée",
                    "duración",
                    "dauer",
                    "fecha",
                    "datum",
                    "日時",
                    "故障时间",
                    "事件时间",
                ]
                .contains(&name.as_str());
            if is_when && !(name == "date" && self.mail_header(label.line)) {
                candidates.push((labelled_text(label), label.line, FactSource::Label));
            }
        }
        let told_first = [SectionKind::Summary, SectionKind::Impact];
        let mut first_told: Vec<_> = told_first.iter().flat_map(|kind| self.sections_of(*kind)).collect();
        // A story with neither opens in its first section of narrative
        // ("How we noticed", "A quiet Tuesday"); a heading stamped with a
        // date or time is an entry of a log or a thread, not a story's.
        if first_told.is_empty() {
            first_told.extend(self.input.outline.sections.iter().find(|s| {
                let heading = &s.section.heading;
                matches!(s.section.kind, SectionKind::Detection | SectionKind::Other)
                    && find_dates(heading, None).is_empty()
                    && times(heading).next().is_none()
            }));
        }
        for s in first_told {
            let text = self.section_text(s);
            for sentence in sentences(text) {
                candidates.push((sentence.to_string(), s.section.line, FactSource::Prose));
            }
        }
        let first_section =
            self.input.outline.sections.first().map_or(self.input.lines.len() as u32, |s| s.section.line);
        for line in 1..first_section.min(self.plain.len() as u32 + 1) {
            let text = self.plain_line(line);
            if !text.is_empty() && !self.mail_header(line) {
                candidates.push((text.to_string(), line, FactSource::Prose));
            }
        }

        // The day the incident happened, for times written without one.
        let file_date = || {
            FILE_DATE.captures(self.input.source).and_then(|c| c.get(1)).and_then(|m| m.as_str().parse::<Date>().ok())
        };
        // A byline's date ("Posted on 2024-03-28 by …") is when the
        // write-up was published, not when the incident happened.
        let first_date = |year: Option<i16>| {
            candidates
                .iter()
                .filter(|(t, _, _)| !BYLINE.is_match(t))
                .find_map(|(t, _, _)| find_dates_with(t, year, day_first).first().map(|d| d.date))
        };
        let mut date_hint = when.date.or_else(|| first_date(None));
        // A blog's front-matter date is the day it was posted: "If you tried
        // to buy something on Tuesday, August 6th" tells the incident's day,
        // the first the story tells as it is read ("On the evening of March
        // 14 …", before its summary's "recovered at 00:31 on March 15").
        let told_first = |year: Option<i16>| {
            let dated = candidates.iter().filter(|(t, _, _)| !BYLINE.is_match(t));
            let days = dated
                .filter_map(|(t, line, _)| find_dates_with(t, year, day_first).into_iter().next().map(|d| (*line, d)));
            days.min_by_key(|(line, _)| *line)
        };
        if let Some(posted) = when.date.filter(|_| !start_in_front_matter)
            && let Some(told) = told_first(Some(posted.year())).map(|(_, found)| before_posting(&found, posted))
            && told < posted
            && posted.since(told).is_ok_and(|span| span.get_days() <= 31)
        {
            date_hint = Some(told);
            when.story_day = Some(told);
        } else if let Some(posted) = when.date.filter(|_| !start_in_front_matter)
            && self.read_from_front_matter("date")
            && let Some((line, told)) = told_first(None).map(|(line, found)| (line, found.date))
            && told > posted
        {
            // Nothing is posted before what it tells: a front-matter date
            // before the first whole date of the story (a template's
            // leftover, a year mistyped) is not the day it was posted.
            date_hint = Some(told);
            when.story_day = Some(told);
            when.date = Some(told);
            self.note("date", FactSource::Prose, line);
        }
        // "On February 12" with no year: the year the document writes
        // elsewhere (a status page's "Posted 02/12/2024" lines).
        let written_year = if date_hint.is_none() { self.year_written_anywhere(day_first) } else { None };
        if written_year.is_some() {
            date_hint = first_date(written_year);
        }
        let date_hint = date_hint.or_else(|| self.mail_day()).or_else(file_date);

        // Explicit start/end labels ("Start Time: January 25, 2024, 10:30 AM").
        let default_year = date_hint.map(|d| d.year()).or(written_year);
        let mut ended_when_contained = false;
        for label in &self.input.outline.labels {
            // "Impact started at", "Outage end time": the moment, whoever's.
            let name = when_label_core(&label.key);
            let is_start = ["start", "started", "began", "発生日時", "발생 일시", "发生时间"].contains(&name);
            let is_end = ["end", "ended", "resolved", "recovered", "復旧日時", "복구 일시", "恢复时间"].contains(&name);
            // "Contained:", "Mitigated:": the end when no label says it ended.
            let contained = ["contained", "mitigated"].contains(&name);
            let is_end = is_end || contained;
            if !(is_start || is_end) {
                continue;
            }
            let value = plain_text(&label.value);
            let (Some(d), Some(t)) = (
                find_dates_with(&value, default_year, day_first).first().map(|d| d.date).or(date_hint),
                times(&value).next(),
            ) else {
                continue;
            };
            self.time_problem(&t, label.line);
            if let (Some(written), true) = (&t.zone, is_start) {
                when.zone = Some(written.text.clone());
            }
            let z = t.zone.as_ref().unwrap_or(zone).at(d.to_datetime(t.time));
            if is_start && when.start.is_none() {
                (when.start, when.start_line) = (Some(z), label.line);
                self.note("start", FactSource::Label, label.line);
            } else if is_end && (when.end.is_none() || ended_when_contained && !contained) {
                (when.end, when.end_line) = (Some(z), label.line);
                ended_when_contained = contained;
                self.note("end", FactSource::Label, label.line);
            }
        }

        // A range in one sentence: "from 10:00 AM to 12:00 PM (UTC) on
        // January 15th, 2024", "June 9, 2023, 10:00 AM to June 10, 2023, 2:00 PM".
        // Failing those, a story's first sentence that opens with its time
        // ("At 10:17 in the morning, a user …") on the day known from elsewhere.
        for story in [false, true] {
            if when.start.is_some() {
                break;
            }
            for (index, (text, line, source)) in candidates.iter().enumerate() {
                let mut times: Vec<FoundTime> = find_times(text);
                if times.is_empty() {
                    // Nothing to read here; most sentences have no time.
                    continue;
                }
                // "4h12 (14:33 → 18:45 UTC)": the duration is not a time.
                // (The minutes of "10시 02분" read alone as a length are the time's.)
                let durations = find_durations(text);
                times.retain(|t| !durations.iter().any(|d| d.span.start <= t.span.start && t.span.start < d.span.end));
                // "10h50 CET — Resolved. … The impact started at 08h57 CET":
                // a later time told as the start is the start, not the
                // update's own stamp before it.
                if let Some(told) = times.iter().skip(1).position(|t| told_to_start(&text[..t.span.start])) {
                    times.drain(..=told);
                }
                // The sentence of the first time, where its day and its
                // story's opening are read.
                let Some(sentence) = times.first().map(|t| sentence_around(text, t.span.start)) else { continue };
                let mut dates = find_dates_with(text, default_year, day_first);
                // In a line of prose, a date tells the day of a time in its
                // own sentence only: "… meant 'at midnight on the first of
                // every month'. … between 28 October and 1 November".
                if *source == FactSource::Prose {
                    dates.retain(|d| d.span.start < sentence.end && sentence.start < d.span.end);
                }
                let date = dates.first().map(|d| d.date).or(date_hint);
                // Two times make a range only when joined like one
                // ("10:00 to 12:00", "14:33 → 18:45"), not two moments of a story.
                if times.len() >= 2 && !is_range(text, &times[0], &times[1], &dates) {
                    times.truncate(1);
                }
                if let ([first, second, ..], None, None) = (times.as_slice(), date, when.range_minutes) {
                    // "From 6PM to 7PM GMT" on no written day: still 60 minutes.
                    let seconds = second.time.duration_since(first.time).as_secs().rem_euclid(24 * 3600);
                    when.range_minutes = Some(((seconds / 60) as u32, *line, *source));
                }
                let (Some(first), Some(d)) = (times.first(), date) else { continue };
                let before = &text[..first.span.start];
                let said_to_start = told_to_start(before);
                // A line of the lead that goes on with the sentence above it
                // ("… First one at 18:47. Then another / at 19:30.") opens no story.
                let continues_sentence = *source == FactSource::Prose && *line > 1 && *line < first_section && {
                    let above = self.plain_line(*line - 1).trim_end();
                    let kind = |l: u32| self.input.outline.line_kind(l);
                    let text_lines = kind(*line - 1) == LineKind::Text && kind(*line) == LineKind::Text;
                    text_lines && !above.is_empty() && !above.ends_with(['.', '!', '?', ':'])
                };
                // "… about Monday, March 24, 2025. At 16:05 CET the first
                // message failed": the sentence opens with its time.
                let opens_story =
                    story && !continues_sentence && OPENS_WITH.is_match(&text[sentence.start..first.span.start]);
                let alone_told_as_start = said_to_start || opens_story;
                // "The outage was resolved on 5 March 2024 at 14:00", "Erst am
                // 13. August gegen 16 Uhr konnte die Störung behoben werden":
                // a time told as the end is not the start.
                let told_as_end = || {
                    !said_to_start
                        && times.len() < 2
                        && (END_BEFORE.is_match(window_before(text, first.span.start, 80).1)
                            || END_AFTER.is_match(window_after(text, first.span.end, 80)))
                };
                if times.len() < 2 && dates.is_empty() && !alone_told_as_start || told_as_end() {
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
                let mut start = first.zone.as_ref().unwrap_or(&z).at(d.to_datetime(first.time));
                let mut start_line = *line;
                // "At 09:12 an engineer changed the record. … errors started
                // climbing at about 09:25": the first sentence tells the
                // trigger, one of the next few when the harm began.
                if times.len() < 2 && !said_to_start {
                    let told_later = candidates[index + 1..].iter().take(3).find_map(|(next, next_line, _)| {
                        let t = find_times(next).into_iter().find(|t| told_to_start(&next[..t.span.start]))?;
                        let harm = t.zone.as_ref().unwrap_or(&z).at(d.to_datetime(t.time));
                        start.minutes_until(&harm).filter(|m| (1..=180).contains(m)).map(|_| (harm, *next_line))
                    });
                    if let Some((harm, harm_line)) = told_later {
                        (start, start_line) = (harm, harm_line);
                    }
                }
                when.start = Some(start);
                when.start_line = start_line;
                self.note("start", *source, start_line);
                if let Some(second) = times.get(1) {
                    let end_date = dates
                        .iter()
                        .find(|dd| dd.span.start > first.span.end && dd.span.start < second.span.start)
                        .map_or(d, |dd| dd.date);
                    let mut end = second.zone.as_ref().unwrap_or(&z).at(end_date.to_datetime(second.time));
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

        // "The outage ended at 15:10 CET": an end told in a sentence of its own.
        if let (Some(start), None) = (when.start, when.end) {
            // The story's own sections tell the end too ("We reverted at
            // 14:08 and by 14:13 the error rate was back to normal").
            let mut proses = vec![self.preamble_prose()];
            for kind in [SectionKind::Resolution, SectionKind::Other] {
                proses.extend(self.sections_of(kind).into_iter().map(|s| self.prose(s)));
            }
            let mut told = candidates.clone();
            for prose in &proses {
                let sentences = prose.sentences().into_iter();
                told.extend(sentences.map(|(at, x)| (x.to_string(), prose.line_at(at), FactSource::Prose)));
            }
            'sentences: for (text, line, source) in &told {
                for t in find_times(text) {
                    let recovered_after =
                        || BY_OR_AT.is_match(&text[..t.span.start]) && THEN_RECOVERED.is_match(&text[t.span.end..]);
                    // "was resolved on 5 March 2024 at 14:00": the end's own
                    // date stands between the word and the time.
                    let ended_at = || {
                        let before = &text[..t.span.start];
                        ENDED_AT.is_match(before) || {
                            let dates = find_dates_with(before, default_year, day_first);
                            let mut undated = before.to_string();
                            for d in dates.iter().rev() {
                                undated.replace_range(d.span.clone(), "");
                            }
                            !dates.is_empty() && ENDED_AT.is_match(&undated)
                        }
                    };
                    if !ended_at() && !recovered_after() {
                        continue;
                    }
                    // "The index recovered at 12:26 and the placement
                    // subsystem at 13:54": the last part to recover ends it.
                    let mut t = t;
                    while let Some(next) = find_times(&text[t.span.end..]).into_iter().next()
                        && let between = &text[t.span.end..t.span.end + next.span.start]
                        && AND_ANOTHER_AT.is_match(between)
                        && !ACTS_OF_ITS_OWN.is_match(between)
                    {
                        let offset = t.span.end;
                        t = next;
                        t.span = t.span.start + offset..t.span.end + offset;
                    }
                    let dates = find_dates_with(text, default_year, day_first);
                    let day =
                        dates.iter().rev().find(|d| d.span.end <= t.span.start).map_or(start.civil.date(), |d| d.date);
                    let civil = day.to_datetime(t.time);
                    let mut end = ZonedTime::new(civil, t.zone.as_ref().map_or(start.offset, |z| z.offset_at(civil)));
                    if end.civil <= start.civil
                        && let Ok(next) = end.civil.checked_add(1.day())
                    {
                        end.civil = next;
                    }
                    self.time_problem(&t, *line);
                    (when.end, when.end_line) = (Some(end), *line);
                    self.note("end", *source, *line);
                    break 'sentences;
                }
            }
        }

        self.posting_day_gives_way(&mut when);
        if when.date.is_none() {
            if let Some(start) = when.start {
                when.date = Some(start.civil.date());
                self.note("date", FactSource::Derived, when.start_line);
            } else if let Some((d, line, source)) = {
                // A byline's date only when nothing else is dated.
                let dated = |(t, l, s): &(String, u32, FactSource)| {
                    find_dates_with(t, written_year, day_first).first().map(|d| (d.date, *l, *s))
                };
                let (bylines, others): (Vec<_>, Vec<_>) = candidates.iter().partition(|(t, _, _)| BYLINE.is_match(t));
                others.into_iter().find_map(dated).or_else(|| bylines.into_iter().find_map(dated))
            } {
                when.date = Some(d);
                self.note("date", source, line);
            } else if let Some(d) = file_date() {
                when.date = Some(d);
                self.note("date", FactSource::Filename, 0);
            }
        }
        self.warn_if_ambiguous(&when, day_first);
        when
    }

    /// "03/04/2024" in a file whose zone does not say which part is the
    /// day: read month first, and a warning says so.
    /// The year of the first whole date written anywhere in the body.
    fn year_written_anywhere(&self, day_first: bool) -> Option<i16> {
        let dated =
            |line: &std::borrow::Cow<str>| find_dates_with(line, None, day_first).first().map(|d| d.date.year());
        self.plain.iter().find_map(dated).or_else(|| self.plain.iter().find_map(|line| month_and_year(line)))
    }

    fn warn_if_ambiguous(&mut self, when: &When, day_first: bool) {
        let Some(provenance) = self.provenance.get("date") else { return };
        let line = if provenance.source == FactSource::Derived { when.start_line } else { provenance.line };
        let read = find_dates_with(self.plain_line(line), None, day_first);
        if let Some(date) = read.first().filter(|d| d.ambiguous && !day_first && Some(d.date) == when.date) {
            self.diagnostics.push(
                Diagnostic::warning(
                    "ambiguous-date",
                    line,
                    format!(
                        "`{}` could be either day first or month first; read as {}",
                        self.plain_line(line)[date.span.clone()].trim(),
                        date.date
                    ),
                )
                .with_help("write the date as YYYY-MM-DD, or a month name (4 March 2024)"),
            );
        }
    }

    pub(super) fn time_problem(&mut self, t: &FoundTime, line: u32) {
        if let Some(problem) = &t.problem {
            self.diagnostics.push(impossible_time(&t.text, problem, line));
        }
    }

    /// An end before the start is a typo a reader would not believe: a
    /// warning, and the end is left out (the text stays on the page).
    pub(super) fn drop_end_before_start(&mut self, when: &mut When) {
        let (Some(start), Some(end)) = (when.start, when.end) else { return };
        if start.minutes_until(&end).is_some_and(|m| m < 0) {
            self.diagnostics.push(
                Diagnostic::warning(
                    "implausible-value",
                    when.end_line,
                    format!("the end ({end}) is before the start ({start}); the end is left out"),
                )
                .with_help("check the date and the zone of the start and the end"),
            );
            when.end = None;
            self.provenance.remove("end");
        }
    }

    /// A duration of more than a year is no outage's length: a warning,
    /// and no duration.
    pub(super) fn plausible_duration(&mut self, minutes: u32) -> Option<u32> {
        const A_YEAR: u32 = 366 * 24 * 60;
        if minutes <= A_YEAR {
            return Some(minutes);
        }
        let line = self.provenance.get("duration_minutes").map_or(0, |p| p.line);
        self.diagnostics.push(
            Diagnostic::warning(
                "implausible-value",
                line,
                format!("a duration of {minutes} min is more than a year; left out"),
            )
            .with_help("check the stated duration, or the start and end dates"),
        );
        self.provenance.remove("duration_minutes");
        None
    }

    /// A start and a stated duration give the end ("for 6 hours starting
    /// at 4:30 PM").
    pub(super) fn end_from_duration(&mut self, when: &mut When, minutes: Option<u32>) {
        let (Some(start), None, Some(minutes)) = (when.start, when.end, minutes) else { return };
        if let Ok(end) = start.civil.checked_add(jiff::SignedDuration::from_mins(i64::from(minutes))) {
            when.end = Some(ZonedTime::new(end, start.offset));
            when.end_line = when.start_line;
            self.note("end", FactSource::Derived, when.start_line);
        }
    }

    /// A status page's first update was posted once the outage had begun
    /// and its last once it was over: they bound the outage, unless the
    /// text tells an earlier start (a write-up added below the updates).
    pub(super) fn start_end_from_status_updates(&mut self, when: &mut When, entries: &[crate::model::TimelineEntry]) {
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else { return };
        let (Some(posted), Some(over)) = (first.time, last.time) else { return };
        let at = |t: ZonedTime| t.timestamp();
        if when.start.is_some_and(|s| at(s) <= at(posted)) {
            return;
        }
        (when.start, when.start_line) = (Some(posted), first.line);
        self.note("start", FactSource::Derived, first.line);
        if when.end.is_none_or(|e| at(e) <= at(posted)) {
            (when.end, when.end_line) = (Some(over), last.line);
            self.note("end", FactSource::Derived, last.line);
        }
    }

    /// Whether `field` was read from the front matter.
    fn read_from_front_matter(&self, field: &str) -> bool {
        self.provenance.get(field).is_some_and(|p| p.source == FactSource::FrontMatter)
    }

    /// A blog's front-matter `date` is the day it was posted: a start the
    /// text or its timeline tells on an earlier day is the incident's.
    fn posting_day_gives_way(&mut self, when: &mut When) {
        if let (Some(posted), Some(start)) = (when.date, when.start)
            && (self.read_from_front_matter("date") || when.story_day.is_some())
            && !self.read_from_front_matter("start")
            && start.civil.date() < posted
        {
            when.date = Some(start.civil.date());
            self.note("date", FactSource::Derived, when.start_line);
        }
    }

    /// What the text did not say, the timeline does: its first dated entry
    /// is the start and its latest the end (provenance `derived`).
    pub(super) fn start_end_from_timeline(&mut self, when: &mut When, entries: &[crate::model::TimelineEntry]) {
        use crate::model::Milestone;
        let timed: Vec<_> = entries.iter().filter_map(|e| e.time.map(|t| (t, e.line, e.milestone))).collect();
        // An entry that says the outage began or ended beats the first and
        // the latest entry (the trigger, the write-up).
        let started = timed.iter().find(|(_, _, m)| *m == Some(Milestone::Started)).or(timed.first());
        if when.start.is_none()
            && let Some((t, line, _)) = started
        {
            (when.start, when.start_line) = (Some(*t), *line);
            self.note("start", FactSource::Derived, *line);
            self.posting_day_gives_way(when);
        }
        if let (None, Some(start)) = (when.end, when.start) {
            let resolved = timed.iter().rev().find(|(_, _, m)| *m == Some(Milestone::Resolved));
            let latest = resolved.or_else(|| timed.iter().max_by_key(|(t, _, _)| t.timestamp()));
            if let Some((last, line, _)) = latest.filter(|(t, _, _)| t.timestamp() > start.timestamp()) {
                (when.end, when.end_line) = (Some(*last), *line);
                self.note("end", FactSource::Derived, *line);
            }
        }
        if when.date.is_none()
            && let Some((t, line, _)) = timed.first()
        {
            when.date = Some(t.civil.date());
            self.note("date", FactSource::Derived, *line);
        }
    }

    /// Minutes from an explicit statement, else end − start; a warning when
    /// both exist and differ by more than 10%.
    pub(super) fn duration(&mut self, when: &When, timeline_span: Option<u32>, title: Option<&str>) -> Option<u32> {
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
        let mut explicit: Option<Stated> = None;
        if let Some(text) = self.fm().and_then(|m| m.duration.clone()) {
            let minutes = text.trim().parse::<u32>().ok().or_else(|| find_durations(&text).first().map(|d| d.minutes));
            let line = self.fm_line("duration");
            explicit = minutes.map(|minutes| Stated::exactly(minutes, line, FactSource::FrontMatter));
        }
        if explicit.is_none() {
            for label in &self.input.outline.labels {
                let name = &label.key;
                // "Time to recovery" says how long it lasted; "time to
                // detection" says only part of it.
                let recovery = name.starts_with("time to re") || ["ttr", "mttr", "ttm"].contains(&name.as_str());
                // "Gesamtdauer", "Ausfalldauer", "durée totale", "障害時間".
                // "Total customer-facing downtime: 92 minutes", "Total outage: 50 minutes".
                let names_length = [
                    "duration",
                    "durée",
                    "duración",
                    "duração",
                    "durata",
                    "dauer",
                    "duur",
                    "downtime",
                    "varaktighet",
                    "czas trwania",
                    "длительность",
                    "продолжительность",
                    "тривалість",
                    "süre",
                    "durasi",
                    "지속 시간",
                    "소요 시간",
                    "장애 시간",
                ]
                .iter()
                .any(|word| name.contains(word))
                    || name.starts_with("total ");
                if (names_length
                    || recovery
                    || [
                        "downtime",
                        "total downtime",
                        "outage length",
                        // "Window: 2026-05-06 -> 2026-05-14. ~8 days"
                        "window",
                        "time window",
                        "incident window",
                        "outage window",
                        "impact window",
                        "tiempo de inactividad",
                        "tempo de indisponibilidade",
                        "総影響時間",
                        "影響時間",
                        "障害時間",
                        "停止時間",
                        "影响时长",
                        "故障时长",
                        "持续时间",
                        "총 영향 시간",
                    ]
                    .contains(&name.as_str()))
                    && let Some(d) = find_durations(&labelled_text(label)).first()
                {
                    explicit = Some(Stated {
                        approximate: d.approximate,
                        ..Stated::exactly(d.minutes, label.line, FactSource::Label)
                    });
                    break;
                }
            }
        }
        if explicit.is_none() {
            explicit = self.prose_duration(title);
        }
        // Only a written start and end can contradict a statement; a span
        // guessed from the timeline cannot.
        let written =
            ["start", "end"].iter().all(|k| self.provenance.get(k).is_some_and(|p| p.source != FactSource::Derived));
        let agree = |a: u32, b: u32| (f64::from(a) - f64::from(b)).abs() <= 0.10 * f64::from(a.max(b));
        // "just over five hours" and a written 08:12 → 13:30: the two say
        // the same, and the times say it exactly.
        if let (Some(Stated { minutes, approximate: true, .. }), Some(derived), true) = (explicit, derived, written)
            && agree(minutes, derived)
        {
            explicit = None;
        }
        // A start and an end told in the text take in the whole outage (its
        // trigger, its clean-up): a sentence that says it lasted more than
        // twice as long is about something else ("for a week the peaks
        // came before the scale-down"), unless it gives the total.
        if let (Some(Stated { minutes, line, source: FactSource::Prose, total: false, .. }), Some(derived), true) =
            (explicit, derived, written)
            && derived > 0
            && minutes > derived.saturating_mul(2)
        {
            self.duration_mismatch(
                line,
                format!("the stated duration ({minutes} min) is more than twice start → end ({derived} min); using start → end"),
            );
            explicit = None;
        }
        match (explicit, derived) {
            (Some(Stated { minutes, line, source, .. }), derived) => {
                if let Some(derived) = derived
                    && written
                    && !agree(minutes, derived)
                {
                    // The author's "lasted about an hour" is what the
                    // outage meant to them: a start and end often take
                    // in the trigger before it or the clean-up after.
                    self.duration_mismatch(
                        line,
                        format!("the stated duration ({minutes} min) disagrees with start → end ({derived} min); using the stated {minutes} min"),
                    );
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

    /// A stated duration and the written start and end disagree.
    fn duration_mismatch(&mut self, line: u32, message: String) {
        self.diagnostics.push(
            Diagnostic::warning("duration-mismatch", line, message)
                .with_help("correct the stated duration or the start/end times"),
        );
    }

    /// "lasted approximately 3 hours" in the summary or impact: a duration
    /// right after "lasted"/"for"/"of"… in a sentence about the outage, so
    /// that "some invoices were 2 hours late" is not read as its length.
    pub(super) fn prose_duration(&self, title: Option<&str>) -> Option<Stated> {
        static LEAD: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(lasted|lasting|last|for|of|took|took (us|them|the team|engineers|the engineers|our team|the on-call)|spanned|totall?ing|(recover\w*|resolv\w*|restor\w*|mitigat\w*|fix\w*|heal\w*)( \w+){0,2} (in|after|within)|(downtime|outage|disruption|unavailability|interruption|duration|time to (recovery|recover|restore|resolve|resolution|mitigate|mitigation))( \w+)? (was|were|is|totall?ed|came to|amounted to)|(total|overall) (duration|downtime)\b[^.;:]{0,80}:)\s*(the (next|following) )?$",
            )
        });
        // The same in the other languages of the corpus: "durante 2 horas",
        // "durou quase 2 horas", "für knapp zwei Stunden", "a duré environ 50
        // minutes", "gedurende 1 uur", "(è) durato circa 40 minuti". A
        // qualifier ("quase", "knapp", "près de") is already part of the
        // duration found, so the lead word ends the text before it.
        static LEAD_ELSEWHERE: PerThread<Regex> = PerThread::new(|| {
            compile(
                r"(?i)\b(?:durante|por|duró|tardamos|tardó|durou|levou|levamos|demoramos|während|für|dauerte|über|pendant|durant|a duré|ont duré|durat[oaie](?: di)?|gedurende|duurde|i|varade|under|przez|trwał[aoy]?|в течение|длил(?:ся|ась|ось)|продолжал(?:ся|ась|ось)|протягом|трива(?:в|ла|ло)|selama|berlangsung|kéo dài|trong|trong vòng|ao todo(?: foram| durou)?|no total(?: foram)?|en total(?: fueron)?|au total|insgesamt|in totale|in totaal|totalt|łącznie|celkem|yhteensä|összesen|toplamda|всего|загалом)\s*$",
            )
        });
        // Italian "per" ("irraggiungibile per circa due ore") leads only a
        // duration in Italian units: "errors per 5 minutes" is a rate.
        static LEAD_PER: PerThread<Regex> = PerThread::new(|| compile(r"(?i)\bper\s*$"));
        static ITALIAN_UNIT: PerThread<Regex> =
            PerThread::new(|| compile(r"(?i)\b(?:ore|ora|minuti|minuto|giorni|giorno|settimane?)$"));
        // "3 hours of downtime", "a 45-minute outage", "About 57 hours in total.".
        static OUTAGE_NOUN: PerThread<Regex> = PerThread::new(|| {
            english(
                r"^(-long| long)?\s+(of\s+)?(total\s+|complete\s+|partial\s+|full\s+)?(downtime|outage|disruption|degradation|unavailability|interruption|service interruption)\b|^\s+(in total|all told|altogether)\b",
            )
        });
        static OUTAGE_NOUN_ELSEWHERE: PerThread<Regex> = PerThread::new(|| {
            compile(
                r"(?i)^(?:\s+lang\b|\s+(?:boyunca|sürdü|süren)\b|\s+(?:de|d'|di|da)\s*(?:caída|interrupci[oó]n|indisponibilidad|inactividad|indisponibilidade|interrupção|queda|panne|coupure|interruption|indisponibilité|disservizio|interruzione)|\s+(?:Ausfall|Störung|storing|uitval)|(?:程度|ほど)?(?:にわたり|にわたって|の間|の障害|の停止|停止|継続)|\s+तक)",
            )
        });
        // Words that make a sentence about the outage in the other languages.
        static OUTAGE_ELSEWHERE: PerThread<Regex> = PerThread::new(|| {
            compile(
                r"(?i)\b(?:otillgänglig\w*|avbrott\w*|störning\w*|nere|niedostępn\w*|awari\w*|przerw\w*|недоступ\w*|сбо[йя]\w*|отказ\w*|простой|зб(?:ій|ою|ої)\w*|простій|erişilemez|kesinti\w*|arıza\w*|çöktü|gangguan|tidak dapat diakses|ca[íi]d[ao]s?|cay[óo]|interrup\w*|indisponib\w*|inaccesib\w*|fall[óoa]\w*|errore?s?|sin servicio|no disponible|queda|falh\w*|erros?|fora do ar|ausf[aä]ll\w*|ausgefallen|störung\w*|nicht erreichbar|fehler\w*|fehlgeschlagen|panne|coupure|erreurs?|échou\w*|interruzione|disservizio|errori|non disponibil\w*|durat[oaie]|duró|durou|dauerte|duré|duurde|irraggiungibil\w*|inaccessibil\w*|fuori servizio|guast[oi]|malfunzionament\w*|bloccat[oiae]|storing|onbereikbaar|mislukt\w*|uitval)\b|障害|停止|エラー|ダウン|影響|不具合|接続でき|sự cố|gián đoạn|không thể|ngừng hoạt động|विफल|बाधित|ठप|रुक|त्रुटि|आउटेज",
            )
        });
        static OUTAGE: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(outage|down|downtime|(the )?whole thing|all told|in total|(was|were|went|been|left)\s+[\x22“]?without|exposed|leaked|public|publicly|from start to finish|unavailab\w*|unusable|delayed|(was|were|been) (shown )?(wrong|incorrect|inaccurate|stale)|blocked|stuck|hung|hanging|frozen|(did not|didn.t|stopped|not) work(ing)?|incident|issue|disruption|degrad\w*|stopped|stall\w*|fail\w*|errors?|broken|impact\w*|affect\w*|lasted|lasting|offline|inaccessible|unreachable|refus\w*|unable|could ?n[o']t|slow\w*|time[ds]? ?out\w*|recover\w*|restor\w*|resolv\w*|5\d\ds?|5xx)\b",
            )
        });
        static ARRIVED_LATE: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(landed|arrived|delivered|published|available|ready|completed|finished|shipped)\b[^.;]{0,80}\blate\b",
            )
        });
        static LATE: PerThread<Regex> = PerThread::new(|| english(r"^\s*late\b"));
        // "216 minutes of someone else's crypto mining": a length that
        // heads what it measures.
        static SPAN_OF: PerThread<Regex> = PerThread::new(|| english(r"^\s+of\s+\S"));
        // "Three hours and five minutes of \"please try again\".": a
        // sentence that is nothing but a length and what filled it.
        static SPAN_ALONE: PerThread<Regex> = PerThread::new(|| {
            english(r"^\W*\w[^,;:]{0,40}?\b(minutes?|mins?|hours?|hrs?|days?|weeks?)\s+of\s+[^,;:]+$")
        });
        // "… until the flag was reverted at 16:49 CET — 17 minutes, 100% of
        // users": a length set off by a dash right after the time a span
        // ended, and ending its clause, restates that span.
        static AFTER_A_TIME: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(\d{1,2}[:.h]\d{2}|\d{1,2} ?[ap]\.?m\.?)(\s*\(?[A-Z][A-Za-z]{1,4}([+-]\d{1,2}(:?\d{2})?)?\)?)?\s*[—–]\s*(about |around |roughly |approximately |nearly |almost |just over |just under )?$",
            )
        });
        static ENDS_THE_CLAUSE: PerThread<Regex> =
            PerThread::new(|| english(r"^\s*([,.;)]|$|in total\b|(of )?(total )?(downtime|outage)\b)"));
        // A sentence that gives the whole length: "Total duration of the
        // incident, until all services were confirmed operational: 43 minutes".
        static TOTAL: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(total|overall|whole|entire) (duration|downtime|outage|length|time to (recover|restore|resolve))\b|\bin total\b|\b(ao todo|no total|en total|au total|insgesamt|in totale|in totaal|totalt)\b",
            )
        });
        // "For most of a week": a share of a span, no measure of it.
        static SHARE_OF: PerThread<Regex> =
            PerThread::new(|| english(r"\b(most|much|part|parts|the rest|the better part|the bulk|half|some) of\s*$"));
        static REPEATS: PerThread<Regex> = PerThread::new(|| {
            english(r"^\s*(per|each|every|a (run|time|request|call|day|night|attempt))\b|^\s*at a time\b")
        });
        // The people an outage is lived by, in the languages of the corpus.
        static PEOPLE: PerThread<Regex> = PerThread::new(|| {
            compile(
                r"(?i)\b(?:users?|customers?|clients?|visitors?|usagers?|utilisateur\w*|usuari[oa]s?|clientes?|nutzer\w*|kunden?|benutzer\w*|utenti|gebruikers?|klanten?|użytkowni\w*)\b|ユーザー|利用者|お客様|用户|客户|사용자|고객",
            )
        });
        let mut proses: Vec<Prose> = [SectionKind::Summary, SectionKind::Impact]
            .iter()
            .flat_map(|kind| self.sections_of(*kind))
            .map(|s| self.prose(s))
            .collect();
        if proses.is_empty() {
            // A report written as prose, or with no summary.
            proses.push(self.story_prose());
        } else {
            // The lead paragraph before the first section often says it.
            proses.insert(0, self.preamble_prose());
        }
        // An archive entry's summary, then the title ("… outage for
        // approximately 2 weeks"), say it when nothing else does.
        if let Some(summary) = self.fm().and_then(|m| m.summary.as_deref()) {
            proses.push(Prose::of_line(summary, self.fm_line("summary")));
        }
        let title_prose = title.map(|title| {
            proses.push(Prose::of_line(title, self.title_line()));
            proses.len() - 1
        });
        // A clause of its own in the middle of the sentence must be about
        // the outage: "the clocks stepped back within a minute or two, and
        // by 15:10 the errors were gone" does not say how long the errors
        // lasted; "For 2 hours, lockers refused to open" does.
        let about_the_outage = |sentence: &str, span: &std::ops::Range<usize>| {
            let is_break = |c: char| matches!(c, ',' | ';' | ':' | '—');
            let Some(start) = sentence[..span.start].rfind(is_break) else { return true };
            // ", took ninety minutes": a clause that is only the lead word
            // goes on with the sentence's subject.
            let after_break = start + sentence[start..].chars().next().map_or(1, char::len_utf8);
            if sentence[after_break..span.start].split_whitespace().count() <= 1 {
                return true;
            }
            let end = sentence[span.end..].find(is_break).map_or(sentence.len(), |i| span.end + i);
            let clause = &sentence[start..end];
            OUTAGE.is_match(clause) || OUTAGE_ELSEWHERE.is_match(clause)
        };
        // The first length stated, unless a later sentence gives the total
        // ("without power for 4 minutes … Total duration of the incident:
        // 43 minutes").
        let mut first = None;
        for (index, prose) in proses.iter().enumerate() {
            // A title names the incident: a length in it that heads a noun
            // is the incident's.
            let in_title = title_prose == Some(index);
            for (offset, sentence) in prose.sentences() {
                let tells_an_outage = OUTAGE.is_match(sentence) || OUTAGE_ELSEWHERE.is_match(sentence);
                let arrived_late = ARRIVED_LATE.is_match(sentence);
                let span_alone = SPAN_ALONE.is_match(sentence);
                if !tells_an_outage && !arrived_late && !span_alone && !in_title && !PEOPLE.is_match(sentence) {
                    continue;
                }
                let fitting = find_durations(sentence).into_iter().filter(|d| {
                    let (before, after) = (&sentence[..d.span.start], &sentence[d.span.end..]);
                    // "For 85 minutes, users saw test data": a sentence that
                    // opens with its length frames what people lived through.
                    let frames_what_people_saw =
                        || before.split_whitespace().count() <= 2 && after.trim_start().starts_with(',');
                    // "The dataset landed at 11:25, 5 h 25 min late": how late
                    // it came is how long its users went without it.
                    let how_late = arrived_late && LATE.is_match(after);
                    let heads_what_it_measures = SPAN_OF.is_match(after)
                        && (in_title || span_alone && before.chars().all(|c| !c.is_alphanumeric()));
                    let restates_the_span = AFTER_A_TIME.is_match(before) && ENDS_THE_CLAUSE.is_match(after);
                    if !tells_an_outage
                        && !how_late
                        && !heads_what_it_measures
                        && !restates_the_span
                        && !frames_what_people_saw()
                    {
                        return false;
                    }
                    let italian = || ITALIAN_UNIT.is_match(&sentence[d.span.clone()]);
                    let led = LEAD.is_match(before)
                        || LEAD_ELSEWHERE.is_match(before)
                        || (LEAD_PER.is_match(before) && italian());
                    let names_the_outage = OUTAGE_NOUN.is_match(after) || OUTAGE_NOUN_ELSEWHERE.is_match(after);
                    // "hung for ~28 minutes per run": a span that repeats.
                    let repeats = REPEATS.is_match(after);
                    (led || names_the_outage || how_late || heads_what_it_measures || restates_the_span)
                        && !repeats
                        && !SHARE_OF.is_match(before)
                        && about_the_outage(sentence, &d.span)
                });
                let fitting: Vec<_> = fitting.collect();
                let stated = |d: &crate::ingest::when::FoundDuration, total: bool| Stated {
                    minutes: d.minutes,
                    line: prose.line_at(offset + d.span.start),
                    source: FactSource::Prose,
                    approximate: d.approximate,
                    total,
                };
                // "For 1 hour and 44 minutes requests failed, and events were
                // late for four and a half hours in total": the total's own.
                if let Some(total) = TOTAL.find(sentence) {
                    let in_total = total.as_str().eq_ignore_ascii_case("in total");
                    let its_own = match in_total {
                        true => fitting.iter().rev().find(|d| d.span.end <= total.start()),
                        false => fitting.iter().find(|d| d.span.start >= total.start()),
                    };
                    if let Some(d) = its_own {
                        return Some(stated(d, true));
                    }
                }
                if let Some(d) = fitting.first() {
                    first.get_or_insert(stated(d, false));
                }
            }
        }
        first
    }
}
