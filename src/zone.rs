//! Time zones as people write them: abbreviations ("PST", "CEST"), long
//! names ("West African Time"), "UTC+2", bare offsets. Below both
//! `config` (`default_timezone`) and `ingest` (every time in a file), so
//! that config need not import the ingest stage.

use crate::model::ZonedTime;
use crate::per_thread::PerThread;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use regex::Regex;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

/// Compiles one of this module's fixed patterns. They do not depend on the input and
/// every one is exercised by the tests, so a failure is a programming error.
pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern compiles")
}

/// An ASCII word boundary for the patterns that scan whole texts: a Unicode `\b` sends
/// the regex engine to a path about 100 times slower on non-ASCII text.
pub(crate) const B: &str = r"(?-u:\b)";

pub(crate) fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

pub(crate) fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// Whether `rest` continues the number just before it: a digit, or one of `seps`
/// followed by a digit (".0" after "v1.13", ":80" after "127.0.0.1").
pub(crate) fn continues_number(rest: &str, seps: &[char]) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if seps.contains(&c) => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// A zone as written in the text: a fixed offset ("PST", "UTC+2"), or a zone
/// whose offset follows daylight saving ("America/New_York", "Eastern time",
/// "London time"), read for the date it is written with.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The fixed offset; for a seasonal zone, its offset on the first of January,
    /// which is only used where no date is known.
    pub offset: Offset,
    /// The tz database's rules of a seasonal zone.
    pub rules: Option<TimeZone>,
    /// as written, e.g. "PST", "GMT+ 1", "West African Time"
    pub text: String,
}

impl Zone {
    /// The offset of this zone at local time `civil`. A local time that falls
    /// twice when the clocks go back takes the first (as `date` and most
    /// libraries do); one skipped when they go forward, the offset before.
    pub fn offset_at(&self, civil: DateTime) -> Offset {
        match &self.rules {
            Some(rules) => rules.to_ambiguous_timestamp(civil).compatible().map_or(self.offset, |t| rules.to_offset(t)),
            None => self.offset,
        }
    }

    /// Local time `civil` in this zone.
    pub fn at(&self, civil: DateTime) -> ZonedTime {
        ZonedTime::new(civil, self.offset_at(civil))
    }
}

/// Abbreviations with their offsets in minutes. Matched case-sensitively as whole
/// words, so the verb "eat" or the French "est" never read as zones.
#[rustfmt::skip]
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0), ("GMT", 0), ("UT", 0), ("PST", -480), ("PDT", -420),
    ("MST", -420), ("MDT", -360), ("CST", -360), ("CDT", -300), ("EST", -300), ("EDT", -240),
    ("AKST", -540), ("HST", -600), ("BST", 60), ("IST", 330), ("CET", 60),
    ("CEST", 120), ("EET", 120), ("EEST", 180), ("WET", 0), ("WEST", 60), ("MSK", 180),
    ("EAT", 180), ("WAT", 60), ("CAT", 120), ("SAST", 120), ("WIB", 420), ("SGT", 480),
    ("HKT", 480), ("JST", 540), ("KST", 540), ("AEST", 600), ("AEDT", 660), ("NZST", 720),
    ("NZDT", 780), ("MEZ", 60), ("MESZ", 120), ("AKDT", -480), ("PHT", 480), ("ICT", 420),
    ("TRT", 180), ("BRT", -180), ("ART", -180), ("UYT", -180), ("CLT", -240), ("VET", -240),
    ("COT", -300), ("PET", -300), ("ADT", -180), ("NST", -210), ("NDT", -150), ("PKT", 300),
    ("NPT", 345), ("WITA", 480), ("WIT", 540), ("MYT", 480), ("AWST", 480), ("ACST", 570),
    ("ACDT", 630), ("IRST", 210), ("AFT", 270), ("IDT", 180), ("YEKT", 300), ("SAMT", 240),
    ("WEZ", 0), ("WESZ", 60), ("OEZ", 120), ("OESZ", 180),
    // Canadian French: heure avancée / normale de l'Est, du Centre, du Pacifique.
    ("HAE", -240), ("HNE", -300), ("HAC", -300), ("HNC", -360), ("HAP", -420), ("HNP", -480),
];

/// Spelled-out zone names (lower case, matched case-insensitively, except
/// where capitals tell them from a word), offsets in minutes.
/// "greenwitch" is a spelling found in real reports.
#[rustfmt::skip]
const LONG_NAMES: &[(&str, i32)] = &[
    ("pacific standard time", -480), ("pacific daylight time", -420),
    ("eastern standard time", -300), ("eastern daylight time", -240),
    ("central european summer time", 120), ("central european time", 60),
    ("west african time", 60), ("west africa time", 60), ("east african time", 180),
    ("east africa time", 180), ("greenwich mean time", 0), ("greenwich", 0), ("greenwitch", 0),
    ("coordinated universal time", 0), ("japan time", 540), ("korea standard time", 540),
    ("western indonesia time", 420),
    // Written in scripts whose letters no ASCII word boundary sets apart.
    ("北京时间", 480), ("北京時間", 480), ("中国标准时间", 480), ("日本时间", 540), ("日本時間", 540),
    ("한국 시간", 540), ("한국시간", 540),
    // Moscow time, abbreviated (capitals only: "Томск" holds "мск") and spelled out.
    ("МСК", 180), ("московскому времени", 180), ("московское время", 180),
];

/// [`LONG_NAMES`] written in a script without ASCII word boundaries.
fn unbounded(name: &str) -> bool {
    !name.is_ascii()
}

/// Names of zones with daylight saving, and the tz database zone each stands
/// for. Upper-case ones are matched as written, the others in any case.
#[rustfmt::skip]
const SEASONAL: &[(&str, &str)] = &[
    ("ET", "America/New_York"), ("PT", "America/Los_Angeles"), ("CT", "America/Chicago"), ("MT", "America/Denver"),
    ("eastern time", "America/New_York"), ("pacific time", "America/Los_Angeles"),
    ("central time", "America/Chicago"), ("mountain time", "America/Denver"),
    ("uk time", "Europe/London"), ("british time", "Europe/London"),
    ("horário de brasília", "America/Sao_Paulo"), ("hora de brasília", "America/Sao_Paulo"),
    ("brasília time", "America/Sao_Paulo"), ("brasilia time", "America/Sao_Paulo"),
    ("ora italiana", "Europe/Rome"), ("hora peninsular", "Europe/Madrid"),
    ("hora española", "Europe/Madrid"), ("heure française", "Europe/Paris"),
    ("deutsche zeit", "Europe/Berlin"), ("deutscher zeit", "Europe/Berlin"),
    // "w czasie polskim", "ora României", "svensk tid", "Nederlandse tijd",
    // "Suomen aikaa", "Türkiye saati", "pražského času": a country's time.
    ("czasie polskim", "Europe/Warsaw"), ("czasu polskiego", "Europe/Warsaw"), ("czas polski", "Europe/Warsaw"),
    ("ora româniei", "Europe/Bucharest"), ("ora romaniei", "Europe/Bucharest"),
    ("svensk tid", "Europe/Stockholm"), ("nederlandse tijd", "Europe/Amsterdam"),
    ("suomen aikaa", "Europe/Helsinki"), ("türkiye saati", "Europe/Istanbul"),
    ("pražského času", "Europe/Prague"), ("středoevropského času", "Europe/Prague"),
];

/// Countries a Spanish, Portuguese, French or Italian report names its time
/// by ("hora de Colombia"), to the zone most of their people live in.
#[rustfmt::skip]
const COUNTRIES: &[(&str, &str)] = &[
    ("colombia", "America/Bogota"), ("mexico", "America/Mexico_City"), ("méxico", "America/Mexico_City"),
    ("argentina", "America/Argentina/Buenos_Aires"), ("chile", "America/Santiago"),
    ("peru", "America/Lima"), ("perú", "America/Lima"), ("españa", "Europe/Madrid"),
    ("espagne", "Europe/Madrid"), ("france", "Europe/Paris"), ("francia", "Europe/Paris"),
    ("italia", "Europe/Rome"), ("portugal", "Europe/Lisbon"), ("brasil", "America/Sao_Paulo"),
    ("alemania", "Europe/Berlin"), ("allemagne", "Europe/Berlin"), ("germania", "Europe/Berlin"),
];

/// US zones by region alone, a zone only right after a time ("9:14 AM (Eastern)"):
/// elsewhere "Eastern" and "Central" name regions.
const US_REGIONS: &[(&str, &str)] = &[
    ("Eastern", "America/New_York"),
    ("Central", "America/Chicago"),
    ("Mountain", "America/Denver"),
    ("Pacific", "America/Los_Angeles"),
];

/// The regions of tz database names ("Europe/Berlin", "America/Argentina/Salta").
const TZ_NAME: &str = r"(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Z][A-Za-z_\-]+(?:/[A-Z][A-Za-z_\-]+)?";

/// "Chicago time", "Sao Paulo time": a tz database city followed by "time".
const PLACE_TIME: &str = r"[A-Z][a-z]+(?:[ _][A-Z][a-z]+)?[ \t]+time";

/// "hora de Madrid", "heure de Paris", "ora di Roma", "horário de Lisboa":
/// a place's time in the Romance languages of the corpus, the words before
/// the place.
const ROMANCE_TIME_OF: &str = r"(?i:hora|heure|ora|horário|horario)[ \t]+(?:de|di|del)[ \t]+";
/// The place after [`ROMANCE_TIME_OF`].
const ROMANCE_PLACE: &str = r"[A-ZÁÉÍÓÚ][a-záéíóúãç]+(?:[ _][A-Z][a-záéíóúãç]+)?";
static ROMANCE_TIME_OF_AT_START: PerThread<Regex> = PerThread::new(|| compile(&format!("^(?i:{ROMANCE_TIME_OF})")));

/// The tz database's cities, lower case with spaces ("new york"), to their zones.
static CITIES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    jiff::tz::db()
        .available()
        .filter_map(|name| {
            let name = name.as_str();
            let city = name.rsplit('/').next()?.replace('_', " ").to_lowercase();
            name.contains('/').then(|| (city, name.to_string()))
        })
        .collect()
});

/// A seasonal zone from the tz database, with its offset on the first of January.
fn seasonal_zone(name: &str, text: &str) -> Option<Zone> {
    let rules = jiff::tz::db().get(name).ok()?;
    let mut zone = Zone { offset: Offset::UTC, rules: Some(rules), text: text.to_string() };
    zone.offset = zone.offset_at(jiff::civil::date(2024, 1, 1).to_datetime(jiff::civil::Time::midnight()));
    Some(zone)
}

fn zone_pattern() -> String {
    let mut long: Vec<&str> = LONG_NAMES.iter().map(|(name, _)| *name).filter(|name| !unbounded(name)).collect();
    long.extend(SEASONAL.iter().map(|(name, _)| *name).filter(|name| name.contains(' ')));
    long.sort_by_key(|name| Reverse(name.len()));
    let long = long.join("|").replace(' ', r"\s+");
    let cjk: Vec<&str> = LONG_NAMES.iter().map(|(name, _)| *name).filter(|name| unbounded(name)).collect();
    let cjk = cjk.join("|").replace(' ', r"\s*");
    let mut abbr: Vec<&str> = ABBREVIATIONS.iter().map(|(name, _)| *name).collect();
    abbr.extend(SEASONAL.iter().map(|(name, _)| *name).filter(|name| !name.contains(' ')));
    // A place's name may end in a letter that is no ASCII word character
    // ("Bogotá"): the words before it have their boundary, it needs none.
    format!(
        r"(?i:{B}(?:{long}){B})|{B}(?:{}|{TZ_NAME}|{PLACE_TIME}){B}|{B}{ROMANCE_TIME_OF}{ROMANCE_PLACE}|{cjk}",
        abbr.join("|")
    )
}

static ZONE: PerThread<Regex> = PerThread::new(|| compile(&zone_pattern()));
static ZONE_AT_START: PerThread<Regex> = PerThread::new(|| compile(&format!("^(?:{})", zone_pattern())));
/// An offset after "UTC"/"GMT"/"UT" ("+1", "+ 1", " + 1", "-05:00", "+0530"), or alone.
static NUMERIC_OFFSET: PerThread<Regex> =
    PerThread::new(|| compile(r"^([ \t]?)([+\-−])([ \t]?)(\d{1,2})(?::?(\d{2}))?"));

/// Reads a numeric offset at the start of `rest`: (minutes east of UTC, bytes used).
/// When spaces surround the sign only whole hours are accepted, because
/// "12:00 UTC - 14:00" is a range, not UTC−14.
pub(crate) fn numeric_offset(rest: &str) -> Option<(i32, usize)> {
    // Most calls have no sign to read: skip the pattern (and compiling it).
    let sign_at = usize::from(rest.starts_with([' ', '\t']));
    if !rest.get(sign_at..)?.starts_with(['+', '-', '−']) {
        return None;
    }
    let caps = NUMERIC_OFFSET.captures(rest)?;
    let end = caps.get(0)?.end();
    let spaced = !caps.get(1)?.is_empty() || !caps.get(3)?.is_empty();
    let after = rest.get(end..)?;
    if continues_number(after, &[]) || (spaced && (caps.get(5).is_some() || continues_number(after, &[':', '.']))) {
        return None;
    }
    let hours: i32 = caps.get(4)?.as_str().parse().ok()?;
    let minutes: i32 = caps.get(5).map_or(Some(0), |m| m.as_str().parse().ok())?;
    if hours > 14 || minutes > 59 {
        return None;
    }
    let sign = if caps.get(2)?.as_str() == "+" { 1 } else { -1 };
    Some((sign * (hours * 60 + minutes), end))
}

pub(crate) fn make_zone(minutes: i32, text: &str) -> Option<Zone> {
    let offset = Offset::from_seconds(minutes.checked_mul(60)?).ok()?;
    Some(Zone { offset, rules: None, text: text.to_string() })
}

/// Turns a zone-name match at `range` of `text` into a zone, extending "UTC", "GMT" and
/// "UT" with a written offset. Abbreviations joined by hyphens ("US-WEST-1") are names
/// of other things.
fn zone_from_match(text: &str, range: Range<usize>) -> Option<(Zone, Range<usize>)> {
    let name = text.get(range.clone())?;
    let mut end = range.end;
    let hyphen = |c: Option<char>| matches!(c, Some('-' | '_' | '/'));
    let joined = |end: usize| hyphen(char_before(text, range.start)) || hyphen(char_at(text, end));
    let Some(&(_, mut minutes)) = ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == name) else {
        let abbreviation = name.bytes().all(|b| b.is_ascii_uppercase());
        if abbreviation && joined(end) {
            return None;
        }
        return Some((named_zone(name)?, range));
    };
    if matches!(name, "UTC" | "GMT" | "UT")
        && let Some((extra, len)) = text.get(end..).and_then(numeric_offset)
    {
        minutes += extra;
        end += len;
    }
    if joined(end) {
        return None;
    }
    Some((make_zone(minutes, text.get(range.start..end)?)?, range.start..end))
}

/// A zone written as a long name, a seasonal abbreviation, a tz database name
/// or "<city> time".
fn named_zone(name: &str) -> Option<Zone> {
    let key = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = key.to_lowercase();
    if let Some((_, minutes)) = LONG_NAMES.iter().find(|(long, _)| long.to_lowercase() == lower) {
        return make_zone(*minutes, name);
    }
    let seasonal = SEASONAL.iter().find(|(written, _)| *written == key || *written == lower);
    if let Some((_, tz)) = seasonal {
        return seasonal_zone(tz, name);
    }
    if key.contains('/') {
        return seasonal_zone(&key, name);
    }
    if let Some(words) = ROMANCE_TIME_OF_AT_START.find(&key) {
        let place = lower.get(words.end()..)?.replace('_', " ");
        let country = COUNTRIES.iter().find(|(country, _)| *country == place).map(|(_, tz)| *tz);
        let unaccented: String = place.chars().map(unaccent).collect();
        return seasonal_zone(country.or_else(|| CITIES.get(&unaccented).map(String::as_str))?, name);
    }
    let city = lower.strip_suffix(" time")?.replace('_', " ");
    seasonal_zone(CITIES.get(&city)?, name)
}

/// The tz database writes its cities without accents ("Bogota").
fn unaccent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' => 'a',
        'é' | 'è' | 'ê' => 'e',
        'í' | 'ì' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' => 'o',
        'ú' | 'ù' | 'ü' => 'u',
        'ç' => 'c',
        other => other,
    }
}

/// A zone name starting exactly at the beginning of `s`, with its length.
pub(crate) fn zone_at_start(s: &str) -> Option<(Zone, usize)> {
    // Every zone name starts with a letter; most text after a time does not.
    if !s.starts_with(char::is_alphabetic) {
        return None;
    }
    if let Some(m) = ZONE_AT_START.find(s) {
        return zone_from_match(s, m.range()).map(|(zone, range)| (zone, range.end));
    }
    let (region, tz) = US_REGIONS.iter().find(|(region, _)| s.starts_with(region))?;
    let after = char_at(s, region.len());
    if after.is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some((seasonal_zone(tz, region)?, region.len()))
}

/// The whole string (trimmed, parentheses/brackets/trailing '.' ignored) names a zone.
/// Besides what [`find_zone`] knows, a whole string may be "Z", a bare offset
/// ("+01:00", "-0800") or an abbreviation in any case ("utc").
pub fn parse_zone(s: &str) -> Option<Zone> {
    let mut inner = s.trim();
    loop {
        let stripped = inner.trim_start_matches(['(', '[']).trim_end_matches([')', ']', '.']).trim();
        if stripped == inner {
            break;
        }
        inner = stripped;
    }
    if inner.eq_ignore_ascii_case("z") {
        return make_zone(0, inner);
    }
    if let Some((minutes, len)) = numeric_offset(inner) {
        return if len == inner.len() { make_zone(minutes, inner) } else { None };
    }
    let upper = inner.to_ascii_uppercase();
    [inner, upper.as_str()].into_iter().find_map(|candidate| {
        let zone = whole_zone(candidate)?;
        Some(Zone { text: inner.to_string(), ..zone })
    })
}

/// `s` is wholly a zone name, or "UTC", "GMT" or "UT" with an offset. Looked
/// up in the tables, not with [`ZONE_AT_START`]: loading site.toml (which
/// `coroner search` does before every query) would compile that pattern of
/// every zone name just to read "UTC".
fn whole_zone(s: &str) -> Option<Zone> {
    let letters = s.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(s.len());
    [s.len(), letters].into_iter().find_map(|end| {
        let (zone, range) = zone_from_match(s, 0..end)?;
        (range.end == s.len()).then_some(zone)
    })
}

/// First zone mentioned in free text, with its byte span. Used on lines such as
/// "All times in PST", "## Timeline (GMT+ 1)", "| Heure UTC | ...", "Timeline (Japan time)".
/// "Z" and bare offsets count only right after a time (see [`find_times`]).
pub fn find_zone(text: &str) -> Option<(Zone, Range<usize>)> {
    ZONE.find_iter(text).find_map(|m| zone_from_match(text, m.range()))
}
