//! Finds human-written dates, clock times, time zones and durations in free text.
//!
//! Postmortems are written by people under stress: "2:30 PM to 3:45 PM WAT",
//! "14th February, 9:00AM", "13:00 PM GMT", "Durée : 4h12". Every function here is
//! pure, reports byte spans into its input, and leaves it to the caller to combine
//! dates, times and zones. Nothing here panics, whatever the input.

use crate::per_thread::PerThread;
use crate::zone::{B, char_at, char_before, compile, continues_number, make_zone, numeric_offset, zone_at_start};
pub use crate::zone::{Zone, find_zone, parse_zone};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use regex::{Captures, Regex};
use std::cmp::Reverse;
use std::ops::Range;
use std::str::FromStr;

/// About `max` bytes of `text` before `end` (widened to a char boundary), with its start.
pub(crate) fn window_before(text: &str, end: usize, max: usize) -> (usize, &str) {
    let start = (0..=end.saturating_sub(max)).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    (start, text.get(start..end).unwrap_or(""))
}

/// At most `max` bytes of `text` from `start` (cut back to a char boundary).
pub(crate) fn window_after(text: &str, start: usize, max: usize) -> &str {
    let mut end = start.saturating_add(max).min(text.len());
    while end > start && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or("")
}

/// A named capture parsed as a number.
fn int<T: FromStr>(caps: &Captures, name: &str) -> Option<T> {
    caps.name(name)?.as_str().parse().ok()
}

/// Fractional seconds ("463" in "01.463") as nanoseconds; zero when not written.
fn nanos(frac: Option<&str>) -> Option<i32> {
    // At most nine digits by the patterns: "463" is padded to 463_000_000.
    frac.map_or(Some(0), |frac| format!("{frac:0<9}").parse().ok())
}

// ---- Clock times ----

#[derive(Debug, Clone, PartialEq)]
pub enum TimeProblem {
    /// An hour above 12 with a meridiem: "13:00 PM" or "14:30 am". Read as 24-hour.
    MeridiemOnTwentyFourHour,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FoundTime {
    pub time: Time,
    pub span: Range<usize>,
    /// as written, including meridiem and a zone written right after it:
    /// "10:00 AM (UTC)", "14:51 PST", "6PM", "11h40", "16 Uhr"
    pub text: String,
    /// a zone written immediately after the time ("03:15 UTC", "10:00 AM (EAT)")
    pub zone: Option<Zone>,
    pub problem: Option<TimeProblem>,
}

/// An hour, optionally followed by ":MM[:SS[.fff]]", ".MM", "hMM", the
/// French typography's "h MM" ("14 h 05"), the Japanese "時MM分" or the
/// Korean "시 MM분" ("10시 02분"). Which
/// of these is really a time is decided by what surrounds it (see [`clock_time`]).
static CLOCK: PerThread<Regex> =
    PerThread::new(|| compile(r"\d{1,2}(?:[:.h]\d{2}(?::\d{2}(?:\.\d{1,9})?)?| h \d{2}|時\d{2}分|시 ?\d{2}분)?"));

/// The parts of a [`CLOCK`] match. It matches every number in the text, so
/// its parts are read by splitting it at its separators (no digit is one),
/// which costs far less than capture groups.
struct ClockParts<'a> {
    hour: &'a str,
    sep: Option<char>,
    minute: Option<&'a str>,
    second: Option<&'a str>,
    frac: Option<&'a str>,
}

impl<'a> ClockParts<'a> {
    fn of(clock: &'a str) -> Self {
        let Some(at) = clock.find([':', '.', 'h', '時', '시']) else {
            return ClockParts { hour: clock, sep: None, minute: None, second: None, frac: None };
        };
        let sep = clock[at..].chars().next();
        // "MM", "MM:SS" or "MM:SS.fff" after the separator.
        let rest = clock[at + sep.map_or(1, char::len_utf8)..].trim_start_matches(' ').trim_end_matches(['分', '분']);
        let (minute, seconds) = rest.split_once(':').map_or((rest, None), |(m, s)| (m, Some(s)));
        let (second, frac) = match seconds.map(|s| s.split_once('.')) {
            Some(Some((s, f))) => (Some(s), Some(f)),
            Some(None) => (seconds, None),
            None => (None, None),
        };
        ClockParts { hour: clock[..at].trim_end_matches(' '), sep, minute: Some(minute), second, frac }
    }
}

/// Korean and Japanese write the half of the day before the time: whether
/// `before` ends with it, and whether it is the afternoon (as [`meridiem`]).
fn meridiem_before(before: &str) -> Option<(bool, usize)> {
    let before = before.trim_end_matches(' ');
    [("오후", true), ("午後", true), ("오전", false), ("午前", false)]
        .into_iter()
        .find(|(word, _)| before.ends_with(word))
        .map(|(_, pm)| (pm, 0))
}
static MERIDIEM: PerThread<Regex> = PerThread::new(|| compile(r"^[ \t]?(?i:(?P<ap>[ap])(?:\.m\.|\.m\b|m\b))"));
static UHR: PerThread<Regex> = PerThread::new(|| compile(r"^[ \t]?Uhr\b"));
/// "+01:00" / "-0800" written right after a time.
static BARE_OFFSET: PerThread<Regex> = PerThread::new(|| compile(r"^( ?)([+-])\d{2}:?\d{2}"));
/// Words after which "4h12" is a duration rather than the clock time "11h40".
static DURATION_WORD: PerThread<Regex> = PerThread::new(|| {
    compile(r"(?i)\b(?:took|takes|lasted|lasting|for|duration|durée|dauer|downtime|pendant|durant|durante)\W*$")
});

fn in_duration_context(text: &str, at: usize) -> bool {
    DURATION_WORD.is_match(window_before(text, at, 40).1)
}

/// The Nordic "kl. 07.45", "klockan 12.55", "klo 9.30": the word says a
/// time follows, as a meridiem or "Uhr" does after one.
static O_CLOCK_BEFORE: PerThread<Regex> =
    PerThread::new(|| compile(r"(?i)(?:^|[^\w])(?:kl\.?|klockan|klo|kello|pukul|jam|godz\.?|godzinie)\s*$"));
/// The second dotted time of a range ("13.40 – 14.25 WIB"), whose zone
/// makes both times.
static DOTTED_RANGE_END: PerThread<Regex> =
    PerThread::new(|| compile(r"^[ \t]*(?:[-–—~]|to|until|till|bis|sampai|hingga|s/d|tot|til)[ \t]*\d{1,2}\.\d{2}"));

/// Whether a dotted time ends a range whose second time carries a zone.
fn opens_a_zoned_dotted_range(after: &str) -> bool {
    DOTTED_RANGE_END.find(after).is_some_and(|end| zone_after_time(&after[end.end()..], false).is_some())
}

/// A clock time may not continue a word, number, version or address ("1.2:30",
/// "127.0.0.1:80"), nor be a relative offset ("T+00:05"). "2020-04-21T01:30" is fine.
fn may_start_time(text: &str, start: usize) -> bool {
    let mut before = text.get(..start).unwrap_or("").chars().rev();
    match (before.next(), before.next()) {
        (Some('T'), Some(c)) => c.is_ascii_digit(),
        (Some('+'), _) => false,
        (Some('-' | '−'), Some(c)) => !c.is_alphabetic(),
        // Chinese and Japanese run on without a space: "から11時20分", "在10:30".
        (Some(c), _) => c >= '\u{3000}' || !(c.is_alphanumeric() || matches!(c, '.' | ':' | '/' | '_' | '@')),
        (None, _) => true,
    }
}

/// `rest` without the one space or tab that may stand between a time and
/// its suffix. The suffixes' regexes run only when their first letter is
/// there: most times have no suffix.
fn after_blank(rest: &str) -> &str {
    rest.strip_prefix([' ', '\t']).unwrap_or(rest)
}

/// "am"/"pm"/"a.m."/"p.m." at the start of `rest`: (is pm, bytes used). A lowercase
/// "am" followed by a number is the German preposition ("15:00 am 13. August").
fn meridiem(rest: &str) -> Option<(bool, usize)> {
    if !after_blank(rest).starts_with(['a', 'A', 'p', 'P']) {
        return None;
    }
    let caps = MERIDIEM.captures(rest)?;
    let whole = caps.get(0)?;
    let after = rest.get(whole.end()..)?;
    let german = whole.as_str().trim_start() == "am"
        && after.starts_with(char::is_whitespace)
        && after.trim_start().starts_with(|c: char| c.is_ascii_digit());
    let pm = caps.name("ap")?.as_str().eq_ignore_ascii_case("p");
    (!german).then_some((pm, whole.end()))
}

/// A zone written right after a time: "Z" attached, "+01:00" (attached or after a
/// space), "-08:00" only attached to a time with seconds (else "10:00-11:00" would be
/// an offset), or a zone name after up to two spaces, optionally in () or [],
/// or last in a short aside ("(hora peninsular, CEST)").
fn zone_after_time(rest: &str, with_seconds: bool) -> Option<(Zone, usize)> {
    if let Some(after) = rest.strip_prefix('Z') {
        if after.starts_with(char::is_alphanumeric) {
            return None;
        }
        return Some((make_zone(0, "Z")?, 1));
    }
    let signed = rest.strip_prefix(' ').unwrap_or(rest).starts_with(['+', '-']);
    if let Some(caps) = signed.then(|| BARE_OFFSET.captures(rest)).flatten() {
        let whole = caps.get(0)?;
        let spaced = !caps.get(1)?.is_empty();
        let plus = caps.get(2)?.as_str() == "+";
        let fits = if plus { true } else { with_seconds && !spaced };
        let written = whole.as_str().trim_start();
        if fits && !char_at(rest, whole.end()).is_some_and(|c| c.is_ascii_digit()) {
            let (minutes, _) = numeric_offset(written)?;
            return Some((make_zone(minutes, written)?, whole.end()));
        }
        return None;
    }
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if gap > 2 {
        return None;
    }
    let after_gap = rest.get(gap..)?;
    let (close, inner) = match after_gap.chars().next() {
        Some('(') => (Some(')'), after_gap.get(1..)?),
        Some('[') => (Some(']'), after_gap.get(1..)?),
        Some('（') => (Some('）'), after_gap.get('（'.len_utf8()..)?),
        _ => (None, after_gap),
    };
    let closed = |(zone, len): (Zone, usize)| {
        let end = rest.len() - inner.len() + len;
        match close {
            Some(close) if char_at(rest, end) != Some(close) => None,
            Some(close) => Some((zone, end + close.len_utf8())),
            None => Some((zone, end)),
        }
    };
    if let Some(found) = zone_at_start(inner).and_then(closed) {
        return Some(found);
    }
    // "(hora peninsular, CEST)", "(our time, UTC+2)": an aside that ends
    // with the zone.
    let aside = inner.get(..inner.find(close?)?).filter(|aside| aside.len() <= 40)?;
    let zone = parse_zone(aside.rsplit(',').next()?)?;
    Some((zone, rest.len() - inner.len() + aside.len() + close?.len_utf8()))
}

/// Decides whether one [`CLOCK`] match is a time. Forms and their conditions:
/// "14:02" always; "6 PM" / "16 Uhr" (hour only) need the meridiem or "Uhr";
/// "21.55" needs a meridiem, "Uhr" or a zone (so "1.5" and "4.8" are not times);
/// "11h40" is a time unless followed by 'm'/"min" ("2h15m") or preceded by a
/// duration word such as "took", "lasted", "for", "Durée" (then it is a duration).
fn clock_time(text: &str, core: regex::Match) -> Option<FoundTime> {
    let start = core.start();
    let parts = ClockParts::of(core.as_str());
    let sep = parts.sep;
    let with_seconds = parts.second.is_some();
    if !may_start_time(text, start) || (with_seconds && sep != Some(':')) {
        return None;
    }
    let after = text.get(core.end()..)?;
    if continues_number(after, &[':', '.']) {
        return None;
    }
    let mut end = core.end();
    let meridiem = meridiem(after);
    let uhr = match meridiem {
        None if after_blank(after).starts_with("Uhr") => UHR.find(after).map(|m| m.end()),
        _ => None,
    };
    end += meridiem.map_or(0, |(_, len)| len) + uhr.unwrap_or(0);
    let zone = text.get(end..).and_then(|rest| zone_after_time(rest, with_seconds));
    end += zone.as_ref().map_or(0, |(_, len)| *len);
    let suffixed = meridiem.is_some() || uhr.is_some();
    // Japanese runs on without a space: "10時05分から".
    // So do Korean particles: "15:20부터 17:05까지".
    let runs_on = |c: char| c.is_alphanumeric() && c < '\u{3000}';
    if !suffixed && zone.is_none() && !matches!(sep, Some('時' | '시')) && char_at(text, end).is_some_and(runs_on) {
        return None;
    }
    let accepted = match sep {
        None => suffixed,
        Some('.') => {
            suffixed
                || zone.is_some()
                || O_CLOCK_BEFORE.is_match(window_before(text, start, 12).1)
                || opens_a_zoned_dotted_range(after)
        }
        Some('h') => !in_duration_context(text, start),
        _ => true,
    };
    if !accepted {
        return None;
    }
    let hour: i8 = parts.hour.parse().ok()?;
    // "오후 3시 20분", "午後3時20分": the half of the day written before it.
    let meridiem = meridiem.or_else(|| meridiem_before(window_before(text, start, 12).1));
    let (hour, problem) = match meridiem {
        Some(_) if hour > 12 => (hour, Some(TimeProblem::MeridiemOnTwentyFourHour)),
        Some((pm, _)) => (hour % 12 + if pm { 12 } else { 0 }, None),
        None => (hour + afternoon_of_the_range(&parts, hour, after), None),
    };
    let minute: i8 = parts.minute.unwrap_or("0").parse().ok()?;
    let second: i8 = parts.second.unwrap_or("0").parse().ok()?;
    let time = Time::new(hour, minute, second, nanos(parts.frac)?).ok()?;
    Some(FoundTime {
        time,
        span: start..end,
        text: text.get(start..end)?.to_string(),
        zone: zone.map(|(zone, _)| zone),
        problem,
    })
}

/// "between 2:10 and 3:45 p.m.": the first time of a range takes the
/// second's "p.m." (12 hours more) when that keeps it before the second;
/// "9:00 to 5:00 pm" stays in the morning.
fn afternoon_of_the_range(parts: &ClockParts, hour: i8, after: &str) -> i8 {
    static THEN_PM: PerThread<Regex> = PerThread::new(|| {
        compile(r"(?i)^\s*(?:-|–|—|to|and|until|till|through)\s*(?P<hour>\d{1,2})(?::\d{2})?\s*p\.?\s?m\b")
    });
    let bare = parts.sep == Some(':') && !parts.hour.starts_with('0') && (1..12).contains(&hour);
    let second = || THEN_PM.captures(after)?.name("hour")?.as_str().parse::<i8>().ok();
    match (bare, second()) {
        (true, Some(second)) if (1..=12).contains(&second) && hour + 12 <= second % 12 + 12 => 12,
        _ => 0,
    }
}

/// Every clock time in the text, in order. See [`clock_time`] for what counts.
pub fn find_times(text: &str) -> Vec<FoundTime> {
    times(text).collect()
}

/// The clock times of [`find_times`], each found only when it is asked
/// for: a caller that wants the first one does not read the whole text.
/// Times in words ([`word_times`]) come in their place in the order; where
/// one covers a clock time ("4:30 in the afternoon") the longer wins.
pub fn times(text: &str) -> impl Iterator<Item = FoundTime> + '_ {
    // Every clock time has a digit; most prose lines have none.
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let mut clocks =
        has_digit.then(|| CLOCK.find_iter(text)).into_iter().flatten().filter_map(|c| clock_time(text, c)).peekable();
    let mut words = word_times(text).into_iter().peekable();
    let mut taken_until = 0;
    std::iter::from_fn(move || {
        loop {
            let word_first = match (clocks.peek(), words.peek()) {
                (None, None) => return None,
                (Some(c), Some(w)) => (w.span.start, Reverse(w.span.end)) <= (c.span.start, Reverse(c.span.end)),
                (c, _) => c.is_none(),
            };
            let time = if word_first { words.next() } else { clocks.next() }?;
            if time.span.start >= taken_until {
                taken_until = time.span.end;
                return Some(time);
            }
        }
    })
}

// ---- Times in words ----

/// A word that a time in words needs near it: most text has none, and
/// the full pattern then does not run.
static WORD_TIME_HINT: PerThread<Regex> = PerThread::new(|| {
    let hours = hour_words();
    compile(&format!(
        r"(?i){B}(?:noon|midday|midnight|o['’]clock|tonight|at\s+night|(?:half|quarter|to)\s+(?:{hours})|(?:past|after)\s+(?:{hours}|\d)|(?:in\s+the\s+(?:early\s+|late\s+)?|this\s+|that\s+)(?:morning|afternoon|evening|night)|(?:{hours})(?:\s+(?:fifteen|thirty|forty[-\ ]five))?\s*[ap]\.?m){B}"
    ))
});

/// [`HOUR_WORDS`] as a regex alternation.
fn hour_words() -> String {
    HOUR_WORDS.iter().map(|(word, _)| *word).collect::<Vec<_>>().join("|")
}

/// "half past four", "a quarter to midnight", "ten past 9", "nine o'clock",
/// "four thirty", "twelve noon", "3", "4:30": the hour phrase, whose
/// half of the day is told by what follows (see [`word_time`]).
static WORD_TIME: PerThread<Regex> = PerThread::new(|| {
    compile(&format!(
        r"(?xi) (?-u:\b)
        (?: (?P<by> half | (?:a\s+)?quarter | twenty[-\ ]five | twenty | ten | five | (?P<bymin>\d{{1,2}})\s+minutes? )
            \s+ (?P<rel> past | after | to ) \s+ )?
        (?P<hour> (?:(?:12|twelve)\s+)?(?:noon|midday|midnight)
                | {hours}
                | \d{{1,2}}(?::\d{{2}})? )
        (?: \s+ (?P<min> fifteen | thirty | forty[-\ ]five ) )?
        (?P<oclock> \s+ o['’]clock )?
        (?-u:\b)",
        hours = hour_words()
    ))
});

/// The half of the day after an hour: "in the afternoon", "this morning",
/// "at night", "tonight".
static DAY_PART: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"(?i)^\s+(?:in\s+the\s+(?:early\s+|late\s+)?(?:morning|afternoon|evening|night)|(?:this|that)\s+(?:morning|afternoon|evening)|at\s+night|tonight)(?-u:\b)",
    )
});

/// What a bare hour in words ("nine in the morning", "noon") must follow
/// to be a time rather than a count ("four in the morning shift").
static BEFORE_WORD_TIME: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"(?i)(?:(?-u:\b)(?:at|around|about|after|before|by|until|till|from|since|to|and|past|approximately|roughly|circa|near|towards?|between)|~)\s*$",
    )
});

#[rustfmt::skip]
const HOUR_WORDS: &[(&str, i32)] = &[
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7),
    ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12),
];

/// An hour from 1 to 12 in the half of the day `part` names.
fn in_day_part(hour: i32, part: &str) -> Option<i32> {
    let part = part.to_ascii_lowercase();
    if part.contains("morning") {
        Some(hour % 12)
    } else if part.contains("afternoon") {
        Some(if hour == 12 { 12 } else { hour + 12 })
    } else if part.contains("evening") {
        (hour < 12).then_some(hour + 12)
    } else {
        // "at night", "tonight": "eleven at night" is 23:00, "two at night" 02:00.
        Some(match hour {
            12 => 0,
            6..=11 => hour + 12,
            _ => hour,
        })
    }
}

/// Reads one [`WORD_TIME`] match: a time only when its half of the day is
/// known (noon, midnight, "in the afternoon", "pm") and, for a bare hour,
/// when it follows "at", "around", "after"… or opens the text.
fn word_time(text: &str, caps: &Captures) -> Option<FoundTime> {
    let whole = caps.get(0)?;
    let hour_text = caps.name("hour")?.as_str().to_ascii_lowercase();
    let digits = hour_text.starts_with(|c: char| c.is_ascii_digit());
    let by = caps.name("by").map(|b| b.as_str().to_ascii_lowercase());
    let to = caps.name("rel").is_some_and(|r| r.as_str().eq_ignore_ascii_case("to"));
    let oclock = caps.name("oclock").is_some();
    let start = whole.start();
    if digits && !may_start_time(text, caps.name("hour")?.start()) {
        return None;
    }
    // "half past", "quarter to", "o'clock" say it is a clock; a bare hour
    // must be said to be one.
    if by.is_none() && !oclock {
        let before = text.get(..start)?;
        let opens = before.chars().all(|c| !c.is_alphanumeric());
        if !opens && !BEFORE_WORD_TIME.is_match(window_before(text, start, 40).1) {
            return None;
        }
    }
    let by_minutes = match by.as_deref() {
        None => 0,
        Some("half") => 30,
        Some(b) if b.ends_with("quarter") => 15,
        Some(b) if b.starts_with("twenty") && b.ends_with("five") => 25,
        Some("twenty") => 20,
        Some("ten") => 10,
        Some("five") => 5,
        Some(_) => int::<i32>(caps, "bymin").filter(|m| (1..60).contains(m))?,
    };
    let mut end = whole.end();
    let definite = ["noon", "midday", "midnight"].iter().any(|w| hour_text.ends_with(w));
    let (hour, minute) = if definite {
        let hour = if hour_text.ends_with("midnight") { if to { 24 } else { 0 } } else { 12 };
        if caps.name("min").is_some() {
            return None;
        }
        (hour, 0)
    } else if digits {
        let (h, m) = hour_text.split_once(':').map_or((hour_text.as_str(), "0"), |(h, m)| (h, m));
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    } else {
        let hour = HOUR_WORDS.iter().find(|(w, _)| *w == hour_text).map(|(_, h)| *h)?;
        let minute = match caps.name("min").map(|m| m.as_str().to_ascii_lowercase()) {
            None => 0,
            Some(m) if m == "fifteen" => 15,
            Some(m) if m == "thirty" => 30,
            Some(_) => 45,
        };
        (hour, minute)
    };
    if !definite && !(1..=12).contains(&hour) || minute >= 60 || (by.is_some() && minute != 0) {
        return None;
    }
    // "a quarter to five" is 4:45, of whichever half of the day follows.
    let mut total = hour * 60 + if to { -by_minutes } else { by_minutes + minute };
    if !definite {
        let rest = text.get(end..)?;
        let (h12, m) = (total.div_euclid(60), total.rem_euclid(60));
        let h12 = if h12 == 0 { 12 } else { h12 };
        let hour = if let Some(part) = DAY_PART.find(rest) {
            end += part.end();
            in_day_part(h12, part.as_str())?
        } else if let Some((pm, len)) = meridiem(rest).filter(|_| !digits || by.is_some() || oclock) {
            end += len;
            h12 % 12 + if pm { 12 } else { 0 }
        } else {
            return None;
        };
        total = hour * 60 + m;
    }
    let total = total.rem_euclid(24 * 60);
    let time = Time::new(i8::try_from(total / 60).ok()?, i8::try_from(total % 60).ok()?, 0, 0).ok()?;
    let zone = text.get(end..).and_then(|rest| zone_after_time(rest, false));
    end += zone.as_ref().map_or(0, |(_, len)| *len);
    Some(FoundTime {
        time,
        span: start..end,
        text: text.get(start..end)?.to_string(),
        zone: zone.map(|(z, _)| z),
        problem: None,
    })
}

/// Clock times written in words: "at half past four in the afternoon
/// (UTC)", "shortly after nine in the morning Pacific time", "at a quarter
/// to midnight", "at noon CET", "around 3 in the morning (EST)", "4:30 in
/// the afternoon". Never "four servers": the words of a clock (half past,
/// quarter to, o'clock, in the morning, noon, midnight) or an am/pm are
/// needed, and a time whose half of the day is not told is not read.
fn word_times(text: &str) -> Vec<FoundTime> {
    if !WORD_TIME_HINT.is_match(text) {
        return Vec::new();
    }
    let mut found: Vec<FoundTime> = Vec::new();
    let mut pos = 0;
    while let Some(caps) = WORD_TIME.captures_at(text, pos) {
        let Some(whole) = caps.get(0) else { break };
        // Past a failed match, try again one word later ("ten" of "ten past").
        pos = text[whole.start()..].char_indices().nth(1).map_or(text.len(), |(i, _)| whole.start() + i);
        if let Some(time) = word_time(text, &caps) {
            pos = time.span.end;
            found.push(time);
        }
    }
    found
}

// ---- Dates ----

#[derive(Debug, Clone, PartialEq)]
pub struct FoundDate {
    pub date: Date,
    /// false when the year was filled from `default_year`
    pub year_written: bool,
    pub span: Range<usize>,
    /// A numeric date that reads as a valid day either way ("03/04/2024").
    pub ambiguous: bool,
}

/// Month names (lower case), full or abbreviated, in the languages of
/// the corpus: English, German, French, Spanish and Portuguese; Italian,
/// Dutch, Swedish, Indonesian and Turkish too; Polish, Russian,
/// Ukrainian and Greek in the genitive a date takes ("15 грудня 2022",
/// "4 Μαρτίου 2025"); Hindi.
#[rustfmt::skip]
const MONTHS: &[(&str, i8)] = &[
    ("january", 1), ("januar", 1), ("jan", 1), ("janvier", 1), ("enero", 1), ("janeiro", 1),
    ("february", 2), ("februar", 2), ("feb", 2), ("février", 2), ("fevrier", 2), ("febrero", 2),
    ("fevereiro", 2), ("march", 3), ("märz", 3), ("maerz", 3), ("mar", 3), ("mars", 3), ("marzo", 3),
    ("março", 3), ("marco", 3), ("april", 4), ("apr", 4), ("avril", 4), ("abril", 4), ("may", 5),
    ("mai", 5), ("mayo", 5), ("maio", 5), ("june", 6), ("juni", 6), ("jun", 6), ("juin", 6),
    ("junio", 6), ("junho", 6), ("july", 7), ("juli", 7), ("jul", 7), ("juillet", 7), ("julio", 7),
    ("julho", 7), ("august", 8), ("aug", 8), ("août", 8), ("aout", 8), ("agosto", 8),
    ("september", 9), ("sept", 9), ("sep", 9), ("septembre", 9), ("septiembre", 9), ("setiembre", 9),
    ("setembro", 9), ("october", 10), ("oktober", 10), ("oct", 10), ("okt", 10), ("octobre", 10),
    ("octubre", 10), ("outubro", 10), ("november", 11), ("nov", 11), ("novembre", 11),
    ("noviembre", 11), ("novembro", 11), ("december", 12), ("dezember", 12), ("dec", 12),
    ("dez", 12), ("décembre", 12), ("decembre", 12), ("diciembre", 12), ("dezembro", 12),
    ("gennaio", 1), ("januari", 1), ("febbraio", 2), ("februari", 2), ("maart", 3), ("aprile", 4),
    ("maggio", 5), ("mei", 5), ("giugno", 6), ("luglio", 7), ("augustus", 8), ("settembre", 9),
    ("ottobre", 10), ("dicembre", 12),
    ("maj", 5), ("augusti", 8), ("maret", 3), ("agustus", 8), ("desember", 12),
    ("ocak", 1), ("şubat", 2), ("mart", 3), ("nisan", 4), ("mayıs", 5), ("haziran", 6), ("temmuz", 7),
    ("ağustos", 8), ("eylül", 9), ("ekim", 10), ("kasım", 11), ("aralık", 12),
    ("stycznia", 1), ("lutego", 2), ("marca", 3), ("kwietnia", 4), ("maja", 5), ("czerwca", 6),
    ("lipca", 7), ("sierpnia", 8), ("września", 9), ("października", 10), ("listopada", 11), ("grudnia", 12),
    ("января", 1), ("февраля", 2), ("марта", 3), ("апреля", 4), ("мая", 5), ("июня", 6), ("июля", 7),
    ("августа", 8), ("сентября", 9), ("октября", 10), ("ноября", 11), ("декабря", 12),
    ("січня", 1), ("лютого", 2), ("березня", 3), ("квітня", 4), ("травня", 5), ("червня", 6),
    ("липня", 7), ("серпня", 8), ("вересня", 9), ("жовтня", 10), ("листопада", 11), ("грудня", 12),
    ("जनवरी", 1), ("फ़रवरी", 2), ("फरवरी", 2), ("मार्च", 3), ("अप्रैल", 4), ("मई", 5), ("जून", 6),
    ("जुलाई", 7), ("अगस्त", 8), ("सितंबर", 9), ("सितम्बर", 9), ("अक्टूबर", 10), ("नवंबर", 11),
    ("नवम्बर", 11), ("दिसंबर", 12), ("दिसम्बर", 12),
    ("ιανουαρίου", 1), ("φεβρουαρίου", 2), ("μαρτίου", 3), ("απριλίου", 4), ("μαΐου", 5),
    ("ιουνίου", 6), ("ιουλίου", 7), ("αυγούστου", 8), ("σεπτεμβρίου", 9), ("οκτωβρίου", 10),
    ("νοεμβρίου", 11), ("δεκεμβρίου", 12),
];
const WEEKDAYS: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|\
    mittwoch|donnerstag|freitag|samstag|sonntag|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun";

/// Whether a lower-case word names a day of the week ("saturday", "sat").
pub fn is_weekday(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    WEEKDAYS.split('|').any(|day| day.trim() == word)
}

/// The number of a month by its lower-case name or abbreviation.
fn month_number(name: &str) -> Option<i8> {
    MONTHS.iter().find(|(month, _)| *month == name).map(|(_, number)| *number)
}

/// The month names as alternatives, longest first, each a whole word: an
/// ASCII word boundary (the fast one) where the name starts or ends with
/// an ASCII letter; a Cyrillic name's own letters set it apart.
fn month_names() -> String {
    let mut months: Vec<&str> = MONTHS.iter().map(|(name, _)| *name).collect();
    months.sort_by_key(|name| Reverse(name.len()));
    let bounded = |name: &str| {
        let edge = |c: Option<char>| if c.is_some_and(|c| c.is_ascii()) { B } else { "" };
        format!("{}{name}{}", edge(name.chars().next()), edge(name.chars().next_back()))
    };
    months.into_iter().map(bounded).collect::<Vec<_>>().join("|")
}

/// The two spelled-month forms: day first ("14th February 2024", "Monday 3. February
/// 2020", "Tue, 1 Nov 2022", "7th of December", "12. - 13. August 2020") or month
/// first ("Sunday, May 13th, 2023", "Sep 27 2017", "Nov 1, 2022", "April 21-22 2020").
fn named_date_pattern(day_first: bool) -> String {
    let month = format!(r"(?P<mon>{})", month_names());
    let weekday = format!(r"(?:{B}(?:{WEEKDAYS}){B}\.?,?\s+)?");
    // Between a month name and a number: spaces (after an abbreviation's
    // dot) or one of `-/.` ("12-Mar-2024", "Mar/12/2024", "12.Mar.2024").
    let gap = r"(?:\.?\s+|\s*[-/.]\s*)";
    let year = format!(r"(?:\.?,?\s+|\s*[-/.]\s*|\s+de\s+)(?P<y>\d{{4}}){B}");
    if day_first {
        let from =
            format!(r"(?:{B}(?P<fromx>(?P<from>\d{{1,2}})(?:st|nd|rd|th|\.)?)\s*(?:-|–|&|and|und|bis|to|au|al)\s*)?");
        let day =
            format!(r"{B}(?P<dayx>(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|º)?)(?:\.?\s+(?:(?:of|de)\s+)?|\s*[-/.]\s*)");
        format!(r"(?i){weekday}{from}{day}{month}(?:{year})?")
    } else {
        let day = format!(r"{gap}(?P<dayx>(?P<day>\d{{1,2}})(?:st|nd|rd|th)?){B}");
        // A day range ("April 21-22 2020") only with a year, else "April 21 13:30–21:30".
        let to = format!(r"\s*[-–&]\s*(?P<tox>(?P<to>\d{{1,2}})(?:st|nd|rd|th)?),?\s+(?P<ry>\d{{4}}){B}");
        format!(r"(?i){weekday}{month}{day}(?:{to}|{year})?")
    }
}

/// "2018-03-26", "2019-1-17", "2023/06/09", "15.01.2024", "06/09/2023".
static NUMERIC_DATE: PerThread<Regex> = PerThread::new(|| compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}"));
/// What separates the parts of a [`NUMERIC_DATE`].
const DATE_SEPARATORS: [char; 3] = ['-', '.', '/'];
/// A month name as a word. Both spelled-month forms have one and most texts
/// none: one scan for it spares the two costlier ones.
static MONTH_NAME: PerThread<Regex> = PerThread::new(|| compile(&format!(r"(?i)(?:{})", month_names())));
/// A month and its year with no day ("June 2024", "(Mar. 2023)").
static MONTH_AND_YEAR: PerThread<Regex> =
    PerThread::new(|| compile(&format!(r"(?i)(?:{})\.?,?\s+(?P<y>(?:19|20)\d{{2}}){B}", month_names())));

/// The year of a month written with it and no day: a title's "Checkout
/// outage (June 2024)" dates its story's "Tuesday 4th June".
pub fn month_and_year(text: &str) -> Option<i16> {
    MONTH_AND_YEAR.captures(text)?.name("y")?.as_str().parse().ok()
}
static MONTH_FIRST: PerThread<Regex> = PerThread::new(|| compile(&named_date_pattern(false)));
static DAY_FIRST: PerThread<Regex> = PerThread::new(|| compile(&named_date_pattern(true)));

/// Jira's and Oracle's "14/Mar/24", "14-MAR-24": the one spelled-month
/// form with a two-digit year, told by the slashes or dashes around it.
static SHORT_YEAR_DATE: PerThread<Regex> = PerThread::new(|| {
    compile(&format!(r"(?i){B}(?P<day>\d{{1,2}})(?P<s1>[-/])(?P<mon>{})(?P<s2>[-/])(?P<y>\d{{2}}){B}", month_names()))
});

/// "2023年9月5日" (Japanese, Chinese), "2023년 9월 5일" (Korean).
static CJK_DATE: PerThread<Regex> =
    PerThread::new(|| compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"));

/// Numbers written before a date must not belong to a version, address or larger number.
fn may_start_date(text: &str, start: usize) -> bool {
    let mut before = text.get(..start).unwrap_or("").chars().rev();
    match (before.next(), before.next()) {
        (Some('-'), Some(c)) => !c.is_ascii_digit(),
        (Some(c), _) => !(c.is_alphanumeric() || matches!(c, '.' | ':' | '/' | ',')),
        (None, _) => true,
    }
}

/// A numeric date. Year-first is always Y-M-D; dotted is always D.M.Y; slashed or
/// dashed with the year last is decided by a part above 12, else by
/// `day_first` (see [`day_comes_first`]), else read as US M/D/Y.
fn numeric_date(text: &str, whole: regex::Match, day_first: bool) -> Option<FoundDate> {
    // The parts, split at the separators (no digit is one): cheaper than
    // capture groups for a pattern that runs on every line.
    let (a, rest) = whole.as_str().split_once(DATE_SEPARATORS)?;
    let (b, c) = rest.split_once(DATE_SEPARATORS)?;
    let (sep, sep2) = (&whole.as_str()[a.len()..=a.len()], &rest[b.len()..=b.len()]);
    let continues = continues_number(text.get(whole.end()..)?, &['-', '.', '/', ':']);
    if sep != sep2 || continues || !may_start_date(text, whole.start()) {
        return None;
    }
    let (first, second): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    // "5-26-21", "05/26/21": a two-digit year, slashed or dashed only
    // (dotted, three short numbers are a version far more often).
    let short_year = a.len() <= 2 && c.len() == 2 && sep != ".";
    let (year, month, day) = match (a.len(), c.len()) {
        (4, 1..=2) => (a, b, c),
        (1..=2, 4) if sep == "." => (c, b, a),
        (1..=2, 4) | (1..=2, 2) if c.len() == 4 || short_year => match () {
            _ if second > 12 => (c, a, b),
            _ if first > 12 || day_first => (c, b, a),
            _ => (c, a, b),
        },
        _ => return None,
    };
    let year: i16 = year.parse().ok()?;
    let year = if short_year { 2000 + year } else { year };
    let date = Date::new(year, month.parse().ok()?, day.parse().ok()?).ok()?;
    let ambiguous = (c.len() == 4 || short_year) && sep != "." && first <= 12 && second <= 12 && first != second;
    Some(FoundDate { date, year_written: true, span: whole.range(), ambiguous })
}

/// One match of [`MONTH_FIRST`] or [`DAY_FIRST`]: one date, or two for a day range
/// (the first one's span then ends at its day number, the second's starts at its own).
fn named_dates(text: &str, caps: &Captures, default_year: Option<i16>) -> Option<Vec<FoundDate>> {
    let whole = caps.get(0)?;
    let month_text = caps.name("mon")?.as_str();
    let month_key = month_text.to_lowercase();
    let month = month_number(&month_key)?;
    let written_year = caps.name("y").or(caps.name("ry"));
    // "may", "march" and "mar" are also words: lowercase, they need a written year.
    // "Maja", "Nisan" and "Mart" are names too, whatever their case.
    let is_word = month_text == month_key && matches!(month_key.as_str(), "may" | "march" | "mar" | "mars" | "mayo")
        || matches!(month_key.as_str(), "mart" | "maj" | "maja" | "nisan");
    if is_word && written_year.is_none() {
        return None;
    }
    let year = match written_year {
        Some(y) => y.as_str().parse().ok()?,
        None => default_year?,
    };
    let days: Vec<_> = [("from", "fromx"), ("day", "dayx"), ("to", "tox")]
        .iter()
        .filter_map(|(day, with_ordinal)| Some((caps.name(day)?, caps.name(with_ordinal)?)))
        .collect();
    // What stands before the date: the month or weekday when it comes
    // first ("Mar/12/2024"), else the first day number.
    let starts_with_name = whole.as_str().starts_with(char::is_alphabetic);
    let first_number = if starts_with_name { whole.start() } else { days.first()?.0.start() };
    if !may_start_date(text, first_number) {
        return None;
    }
    // "May 13:00" is a time after a month, not the 13th.
    let dayx = caps.name("dayx")?;
    let year_follows = written_year.is_some_and(|y| y.start() <= dayx.end() + 3);
    if !year_follows && continues_number(text.get(dayx.end()..)?, &[':', '.']) {
        return None;
    }
    let mut found = Vec::new();
    for (i, (day, with_ordinal)) in days.iter().enumerate() {
        let start = if i == 0 { whole.start() } else { day.start() };
        let end = if i + 1 == days.len() { whole.end() } else { with_ordinal.end() };
        if let Ok(date) = Date::new(year, month, day.as_str().parse().ok()?) {
            found.push(FoundDate { date, year_written: written_year.is_some(), span: start..end, ambiguous: false });
        }
    }
    Some(found)
}

/// One match of [`SHORT_YEAR_DATE`], its two separators the same.
fn short_year_date(text: &str, caps: &Captures) -> Option<FoundDate> {
    let whole = caps.get(0)?;
    if caps.name("s1")?.as_str() != caps.name("s2")?.as_str() || !may_start_date(text, whole.start()) {
        return None;
    }
    let month = month_number(&caps.name("mon")?.as_str().to_lowercase())?;
    let date = Date::new(2000 + int::<i16>(caps, "y")?, month, int(caps, "day")?).ok()?;
    Some(FoundDate { date, year_written: true, span: whole.range(), ambiguous: false })
}

/// Every calendar date in the text, in order of appearance. Dates written without a
/// year ("14th February", "Sep 27", "March 28th") use `default_year`; with None they
/// are skipped. Invalid dates ("February 30, 2024") are not returned.
pub fn find_dates(text: &str, default_year: Option<i16>) -> Vec<FoundDate> {
    find_dates_with(text, default_year, false)
}

/// Whether "03/04/2024" is 3 April: the file's zone is east of UTC
/// (Europe, Africa and Asia write the day first), or the file is written
/// in another language than English (Latin America, west of UTC, too).
pub fn day_comes_first(zone: &Zone, other_language: bool) -> bool {
    // GMT, WET, Europe/London: a zone of Greenwich that is not UTC is
    // written where the day comes first (Britain, Ireland, Portugal, West Africa).
    let greenwich = zone.offset.seconds() == 0 && {
        let name = zone.text.trim();
        let utc = name.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("UTC"));
        !name.is_empty() && !name.eq_ignore_ascii_case("Z") && !utc && !name.starts_with(['+', '-'])
    };
    zone.offset.seconds() > 0 || greenwich || other_language
}

/// Whether a text is written in another language than English: its
/// commonest short words are not English ones ("de", "und", "não"…).
/// The first 200 words are enough to tell.
pub fn other_language<'a>(lines: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut english, mut other) = (0usize, 0usize);
    let words = lines
        .into_iter()
        .flat_map(|l| l.split(|c: char| c.is_ascii() && !c.is_ascii_alphabetic()))
        .filter(|w| !w.is_empty());
    // Every word listed is at most five bytes ("nicht", "não").
    for word in words.take(200).filter(|w| w.len() <= 5) {
        let mut lower = [0u8; 5];
        lower[..word.len()].copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        match &lower[..word.len()] {
            b"the" | b"and" | b"was" | b"were" | b"to" | b"of" | b"in" | b"we" | b"is" | b"it" | b"for" | b"on"
            | b"at" | b"with" | b"that" | b"our" => english += 1,
            b"de" | b"la" | b"le" | b"les" | b"des" | b"et" | b"est" | b"du" | b"el" | b"los" | b"las" | b"y"
            | b"que" | b"del" | b"und" | b"der" | b"die" | b"das" | b"ist" | b"nicht" | b"mit" | b"den"
            | b"n\xc3\xa3o" | b"em" | b"para" | b"uma" | b"um" | b"com" | b"foi" | b"do" | b"da" | b"het" | b"een"
            | b"van" | b"il" | b"di" | b"che" | b"per" | b"una" => other += 1,
            _ => {}
        }
    }
    other > english.max(5)
}

/// [`find_dates`], with numeric dates whose parts are both 12 or less read
/// day first ("03/04/2024" = 3 April) when `day_first`.
pub fn find_dates_with(text: &str, default_year: Option<i16>, day_first: bool) -> Vec<FoundDate> {
    // Every date has a day number.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut groups: Vec<(Range<usize>, Vec<FoundDate>)> = Vec::new();
    for m in NUMERIC_DATE.find_iter(text) {
        if let Some(date) = numeric_date(text, m, day_first) {
            groups.push((date.span.clone(), vec![date]));
        }
    }
    if !text.is_ascii() {
        for caps in CJK_DATE.captures_iter(text) {
            let (Some(whole), Some(y), Some(m), Some(d)) =
                (caps.get(0), int(&caps, "y"), int(&caps, "m"), int(&caps, "d"))
            else {
                continue;
            };
            if let Ok(date) = Date::new(y, m, d) {
                groups.push((
                    whole.range(),
                    vec![FoundDate { date, year_written: true, span: whole.range(), ambiguous: false }],
                ));
            }
        }
    }
    if MONTH_NAME.is_match(text) {
        for caps in SHORT_YEAR_DATE.captures_iter(text) {
            if let Some(date) = short_year_date(text, &caps) {
                groups.push((date.span.clone(), vec![date]));
            }
        }
        for re in [&*MONTH_FIRST, &*DAY_FIRST] {
            for caps in re.captures_iter(text) {
                if let (Some(whole), Some(dates)) = (caps.get(0), named_dates(text, &caps, default_year)) {
                    groups.push((whole.range(), dates));
                }
            }
        }
    }
    for (_, dates) in &mut groups {
        dates.retain(|d| plausible(d.date));
    }
    groups.sort_by_key(|(range, _)| (range.start, Reverse(range.end)));
    let mut taken_until = 0;
    let mut found = Vec::new();
    for (range, dates) in groups {
        if range.start >= taken_until && !dates.is_empty() {
            taken_until = range.end;
            found.extend(dates);
        }
    }
    found
}

/// A date a reader would believe of an incident report: from 1970 to the
/// end of next year. Others ("0000-01-01", "2999-05-01") are typos or
/// placeholders, never an incident's day.
pub fn plausible(date: Date) -> bool {
    static LATEST: std::sync::OnceLock<i16> = std::sync::OnceLock::new();
    let latest =
        *LATEST.get_or_init(|| jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).year().saturating_add(1));
    (1970..=latest).contains(&date.year())
}

// ---- Machine date-times ----

static MACHINE_DATETIME: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"(?x) ^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})
        (?:[Tt\ ](?P<h>\d{2}):(?P<mi>\d{2}) (?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)? )?
        (?P<rest>.*)$",
    )
});

/// A whole string that is a machine date or date-time: RFC 3339 / ISO 8601
/// ("2020-04-21T01:30:00Z", "2024-07-30T21:45:00+02:00"), "2019-08-13 23:30:00",
/// "2024-01-15 14:02", "2025-03-02" (midnight), "1979-05-27 07:32:00-08:00". After a
/// time, anything [`parse_zone`] accepts may follow ("2024-06-20 14:00 UTC").
pub fn parse_datetime(s: &str) -> Option<(DateTime, Option<Offset>)> {
    let caps = MACHINE_DATETIME.captures(s.trim())?;
    let date = Date::new(int(&caps, "y")?, int(&caps, "mo")?, int(&caps, "d")?).ok()?;
    let time = match caps.name("h") {
        Some(_) => {
            let second = caps.name("s").map_or("0", |m| m.as_str()).parse().ok()?;
            let frac = caps.name("f").map(|m| m.as_str());
            Time::new(int(&caps, "h")?, int(&caps, "mi")?, second, nanos(frac)?).ok()?
        }
        None => Time::midnight(),
    };
    let rest = caps.name("rest").map_or("", |m| m.as_str()).trim();
    let civil = DateTime::from_parts(date, time);
    let offset = match (rest.is_empty(), caps.name("h").is_some()) {
        (true, _) => None,
        (false, true) => Some(parse_zone(rest)?.offset_at(civil)),
        (false, false) => return None,
    };
    Some((civil, offset))
}

// ---- Durations ----

#[derive(Debug, Clone, PartialEq)]
pub struct FoundDuration {
    pub minutes: u32,
    pub approximate: bool,
    /// includes a leading qualifier ("approximately 3 hours", "~8 hours")
    pub span: Range<usize>,
}

#[rustfmt::skip]
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("a", 1.0), ("an", 1.0), ("one", 1.0), ("two", 2.0), ("three", 3.0), ("four", 4.0),
    ("five", 5.0), ("six", 6.0), ("seven", 7.0), ("eight", 8.0), ("nine", 9.0), ("ten", 10.0),
    ("eleven", 11.0), ("twelve", 12.0), ("fifteen", 15.0), ("twenty", 20.0), ("thirty", 30.0),
    ("forty-five", 45.0), ("forty", 40.0), ("fifty", 50.0), ("sixty", 60.0), ("ninety", 90.0),
    // Spanish, Portuguese, French, Italian, German and Dutch: the numbers
    // reports write out before an hour or a minute.
    ("un", 1.0), ("una", 1.0), ("uno", 1.0), ("um", 1.0), ("uma", 1.0), ("une", 1.0),
    ("ein", 1.0), ("eine", 1.0), ("einer", 1.0), ("een", 1.0),
    ("dos", 2.0), ("dois", 2.0), ("duas", 2.0), ("deux", 2.0), ("due", 2.0), ("zwei", 2.0), ("twee", 2.0),
    ("tres", 3.0), ("três", 3.0), ("trois", 3.0), ("tre", 3.0), ("drei", 3.0), ("drie", 3.0),
    ("cuatro", 4.0), ("quatro", 4.0), ("quatre", 4.0), ("quattro", 4.0), ("vier", 4.0),
    ("cinco", 5.0), ("cinq", 5.0), ("cinque", 5.0), ("fünf", 5.0), ("vijf", 5.0),
    ("seis", 6.0), ("sechs", 6.0), ("zes", 6.0), ("acht", 8.0), ("zehn", 10.0), ("diez", 10.0),
    ("dez", 10.0), ("dix", 10.0), ("dieci", 10.0), ("tien", 10.0), ("quince", 15.0), ("quinze", 15.0),
    ("fünfzehn", 15.0), ("quindici", 15.0), ("veinte", 20.0), ("vinte", 20.0), ("vingt", 20.0),
    ("venti", 20.0), ("zwanzig", 20.0), ("treinta", 30.0), ("trinta", 30.0), ("trente", 30.0),
    ("trenta", 30.0), ("dreißig", 30.0), ("noventa", 90.0), ("neunzig", 90.0), ("quatre-vingt-dix", 90.0),
    // Halves said as one word: "anderthalb Stunden", "eineinhalb Stunden".
    ("anderthalb", 1.5), ("eineinhalb", 1.5), ("zweieinhalb", 2.5),
];

/// Seconds in a unit of each rank.
const UNIT_SECONDS: [f64; 5] = [1.0, 60.0, 3_600.0, 86_400.0, 604_800.0];

/// Unit words by rank (0 seconds, 1 minutes, 2 hours, 3 days, 4 weeks), in
/// English and the languages the corpus holds, then the Cyrillic, Japanese,
/// Chinese, Korean, Vietnamese and Hindi ones (no ASCII word boundary after
/// those: their letters, or their last, are not ASCII); single letters are
/// matched apart.
const UNIT_WORDS: [(&str, &str); 5] = [
    (
        "seconds?|secs?|segundos?|sekunden?|secondes?|secondi|seconden|sekunder|sekund|saniye|detik",
        "секунд[аы]?|秒|초|giây|सेकंड",
    ),
    (
        "minutes?|mins?|minutos?|minuten?|minuti|minuto|minuter|minut[ay]?|minuuttia?|dakika|menit|perc",
        "минут[аы]?|хвилин[аиу]?|分間?|분|phút|मिनट",
    ),
    (
        "hours?|hrs?|horas?|stunden?|std|heures?|ore|ora|uur|uren|timmar|timme|godzin[ay]?|godzinę|godz|hodin[ay]?|hod|tuntia?|óra|saat|jam",
        "час(?:ов|а)?|годин[аиу]?|時間|시간|tiếng|giờ|घंट(?:े|ा|ों)",
    ),
    (
        "days?|días?|dias?|tagen?|tage|tag|jours?|giorni|giorno|dagen|dag|dagar|dni|dzień|dny|päivää|gün|hari|zile",
        "дн(?:ей|я)|день|дні|днів|日間|일간|ngày|दिन",
    ),
    (
        "weeks?|wks?|semanas?|wochen?|semaines?|settimane?|weken|veckor|vecka|tygodni|hafta|minggu",
        "недел[ьиюя]|тижн(?:ів|і|я)|週間|tuần|सप्ताह|हफ़्ते|हफ्ते",
    ),
];

/// Units written short, which a full stop may follow.
static ABBREVIATED_UNIT: PerThread<Regex> = PerThread::new(|| compile(r"(?i)^(?:secs?|mins?|hrs?|std|godz|hod|wks?)$"));

/// Words for half of the unit after them: "half an hour", "media hora",
/// "meia hora", "eine halbe Stunde", "une demi-heure".
const HALF: &str = r"half[\ \t]+an?|media|meia|(?:eine[\ \t]+)?halbe|(?:une[\ \t]+)?demi|(?:een[\ \t]+)?half";

static HALF_WORD: PerThread<Regex> = PerThread::new(|| compile(&format!("^(?:{HALF})$")));

/// A half more of the unit before: "an hour and a half", "hora y media",
/// "hora e meia", "heure et demie", "ora e mezza".
static AND_A_HALF: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"^(?i:[\ \t]+and[\ \t]+a[\ \t]+half|[\ \t]+y[\ \t]+media|[\ \t]+e[\ \t]+meia|[\ \t]+et[\ \t]+demie|[\ \t]+e[\ \t]+mezz[ao])\b",
    )
});
/// "an hour and three quarters", "two hours and a quarter", "une heure et quart".
static AND_QUARTERS: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"^(?i:[\ \t]+and[\ \t]+(?P<three>three[\ \t]+quarters)|[\ \t]+and[\ \t]+a[\ \t]+quarter|[\ \t]+et[\ \t]+quart)\b",
    )
});

/// A number and a unit; single-letter units are lower case ("45M" is millions).
fn duration_pattern(prefix: &str) -> String {
    let mut words: Vec<&str> = NUMBER_WORDS.iter().map(|(w, _)| *w).collect();
    words.sort_by_key(|w| Reverse(w.len()));
    let words = words.join("|");
    let units: Vec<String> = UNIT_WORDS
        .iter()
        .enumerate()
        .map(|(rank, (words, cjk))| format!("(?P<u{rank}>(?:{words}){B}|{cjk})"))
        .collect();
    let units = units.join("|");
    format!(
        r"(?x) {prefix}
        (?P<num> \d{{1,6}}(?:[.,]\d{{1,3}})? | (?i:{B}(?:{HALF}|{words}){B}) )
        (?P<half> (?i:[\ \t]+and[\ \t]+a[\ \t]+half) )?
        (?P<gap> [\ \t\x{{A0}}] | - )?
        (?P<unit> (?i:{units}) | [hms] )"
    )
}

static DURATION_PART: PerThread<Regex> = PerThread::new(|| compile(&duration_pattern("")));
/// The next part of "5 hours, 26 minutes", "5 hours and 26 minutes", "2h15m".
static NEXT_DURATION_PART: PerThread<Regex> = PerThread::new(|| {
    compile(&duration_pattern(
        r"^(?P<sep> [\ \t]*,[\ \t]* | [\ \t]+(?i:and|y|e|und|et|en|och|og|i|ve|dan|и|і)[\ \t]+ | [\ \t]+ )?",
    ))
});
/// A qualifier before a duration, taken into its span whole: "just over",
/// "a little less than", "slightly more than", "well under", "nearly",
/// "près de", "für gut", "poco más de". Whatever leads the duration
/// ("lasted", "for", "durante") is read on the text before all of it.
static APPROXIMATELY: PerThread<Regex> = PerThread::new(|| {
    compile(
        r"(?i)(?:\b(?:(?:just|a\s+little|a\s+bit|slightly|well|a\s+good)\s+(?:over|under|more\s+than|less\s+than|shy\s+of)|(?:more|less)\s+than|upwards\s+of|close\s+to|under|approximately|approx\.?|about|around|roughly|nearly|almost|over|some|circa|ca\.|environ|(?:un\s+peu\s+)?(?:plus|moins)\s+d(?:e\b|['’])|près\s+d(?:e\b|['’])|presque|mehr\s+als|weniger\s+als|etwa|ungefähr|knapp|rund|fast|gut|über|aproximadamente|cerca\s+de|unos|unas|alrededor\s+de|casi|(?:poco\s+|algo\s+|pouco\s+)?(?:más|mais|menos)\s+de|quase|(?:poco\s+)?più\s+di|meno\s+di|quasi|oltre|ongeveer|bijna|ruim|(?:meer|minder)\s+dan)|~|≈|約|およそ|약|khoảng|gần|लगभग|करीब|क़रीब)[ \t]*$",
    )
});

/// One "number unit" part of a duration.
struct Part {
    seconds: f64,
    /// 0 seconds, 1 minutes, 2 hours, 3 days, 4 weeks: parts must descend
    rank: u8,
    letter: bool,
    /// a Japanese or Chinese unit, written against its number and the next part ("1時間35分")
    cjk: bool,
    digits: bool,
    /// a unit cut short that may end in a full stop ("3 Std. 45 Min.", "2 hrs. 10 mins.")
    abbreviated: bool,
    end: usize,
}

fn is_cjk(text: &str) -> bool {
    text.chars().next().is_some_and(|c| c >= '\u{3000}')
}

fn number_value(num: &str) -> Option<f64> {
    let lower = num.to_lowercase();
    if HALF_WORD.is_match(&lower) {
        return Some(0.5);
    }
    match NUMBER_WORDS.iter().find(|(word, _)| *word == lower) {
        Some(&(_, value)) => Some(value),
        // "1,5 Stunden": a decimal comma.
        None => lower.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite()),
    }
}

/// Reads one part; `base` is where the haystack of `caps` starts in the text.
/// "h" and "s" may follow their number after a space ("26 h", "1 min 44 s"), "m" only
/// attached ("5 m" may be metres); letters never follow spelled numbers.
fn read_part(caps: &Captures, base: usize) -> Option<Part> {
    let num = caps.name("num")?.as_str();
    let unit = caps.name("unit")?;
    let gap = caps.name("gap").map_or("", |g| g.as_str());
    let letter = unit.as_str().len() == 1;
    let cjk = is_cjk(unit.as_str());
    let digits = num.starts_with(|c: char| c.is_ascii_digit());
    // "two and a half hours": a half more of the unit.
    let half = if caps.name("half").is_some() { 0.5 } else { 0.0 };
    if letter && half > 0.0 {
        return None;
    }
    if letter {
        let gap_ok = match unit.as_str() {
            "h" | "s" => gap != "-",
            _ => gap.is_empty(),
        };
        if !digits || !gap_ok {
            return None;
        }
    }
    let rank = match unit.as_str() {
        "h" => 2,
        "m" => 1,
        "s" => 0,
        _ => ["u0", "u1", "u2", "u3", "u4"].iter().position(|group| caps.name(group).is_some())?,
    };
    let seconds = (number_value(num)? + half) * UNIT_SECONDS[rank];
    let abbreviated = ABBREVIATED_UNIT.is_match(unit.as_str());
    Some(Part { seconds, rank: rank as u8, letter, cjk, digits, abbreviated, end: base + unit.end() })
}

/// Grows one [`DURATION_PART`] match into a full duration statement, or rejects it.
fn duration_at(text: &str, caps: &Captures) -> Option<FoundDuration> {
    let start = caps.get(0)?.start();
    let first = read_part(caps, 0)?;
    let prev = char_before(text, start);
    // "約2時間" reads on from a word, "14時30分" is a clock time.
    let continues = |c: char| c.is_alphanumeric() && !(first.cjk && c >= '\u{3000}' && c != '時');
    if first.digits && prev.is_some_and(|c| continues(c) || matches!(c, '.' | ',' | ':' | '/' | '_')) {
        return None;
    }
    let mut parts = vec![first];
    while let Some(last) = parts.last() {
        // "3 Std. 45 Min.": a short unit's full stop does not end the duration.
        let from = last.end + usize::from(last.abbreviated && text[last.end..].starts_with(". "));
        let Some(next_caps) = text.get(from..).and_then(|rest| NEXT_DURATION_PART.captures(rest)) else {
            break;
        };
        let Some(next) = read_part(&next_caps, from) else {
            break;
        };
        let attached = next_caps.name("sep").is_none_or(|s| s.is_empty());
        if next.rank >= last.rank || (attached && !((last.letter || last.cjk) && next.digits)) {
            break;
        }
        parts.push(next);
    }
    let last = parts.last()?;
    let mut end = last.end;
    let mut seconds: f64 = parts.iter().map(|p| p.seconds).sum();
    // "4h12", "1 h 15": minutes without their unit, a duration only after
    // a duration word ("14 h 05" is the French clock's 14:05).
    let after = text.get(end..)?;
    let spaced = usize::from(last.letter && after.starts_with(' '));
    if after[spaced..].starts_with(|c: char| c.is_ascii_digit()) {
        let minutes = after.get(spaced..spaced + 2).filter(|m| m.bytes().all(|b| b.is_ascii_digit()))?;
        let then = char_at(after, spaced + 2);
        let fits = last.letter && last.rank == 2 && parts.len() == 1 && in_duration_context(text, start);
        if !fits || then.is_some_and(char::is_alphanumeric) {
            return None;
        }
        seconds += minutes.parse::<f64>().ok()? * 60.0;
        end += spaced + 2;
    } else if (after.starts_with(char::is_alphabetic) && !last.cjk) || parts.iter().all(|p| p.rank == 0) {
        return None;
    }
    // "an hour and a half": half of the last part's unit more.
    let unit = UNIT_SECONDS.get(usize::from(last.rank)).copied().unwrap_or(0.0);
    if let Some(and_a_half) = AND_A_HALF.find(after) {
        seconds += unit / 2.0;
        end += and_a_half.end();
    } else if let Some(quarters) = AND_QUARTERS.captures(after) {
        seconds += unit * if quarters.name("three").is_some() { 0.75 } else { 0.25 };
        end += quarters.get(0).map_or(0, |m| m.end());
    }
    let mut minutes = (seconds / 60.0).round();
    if seconds > 0.0 && minutes < 1.0 {
        minutes = 1.0;
    }
    if !(0.0..=f64::from(u32::MAX)).contains(&minutes) {
        return None;
    }
    let (window_start, window) = window_before(text, start, 32);
    let qualifier = APPROXIMATELY.find(window);
    Some(FoundDuration {
        minutes: minutes as u32,
        approximate: qualifier.is_some(),
        span: qualifier.map_or(start, |q| window_start + q.start())..end,
    })
}

/// Every duration statement in the text, in order: "approximately 3 hours", "2h15m",
/// "5 hours and 26 minutes", "half an hour", "1 min 44 s" (rounded to the nearest
/// minute, at least 1). Durations in seconds alone ("10s") are not reported.
pub fn find_durations(text: &str) -> Vec<FoundDuration> {
    let mut found = Vec::new();
    let mut pos = 0;
    while let Some(caps) = DURATION_PART.captures_at(text, pos) {
        let Some(whole) = caps.get(0) else { break };
        pos = whole.end();
        if let Some(duration) = duration_at(text, &caps) {
            pos = duration.span.end;
            found.push(duration);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check! {f, input => rendering, ...}` compares `f(input)` with each rendering;
    /// `check! {f, none: input, ...}` expects an empty rendering.
    macro_rules! check {
        ($f:expr, none: $($input:expr),* $(,)?) => {
            $(assert_eq!($f($input), "", "input: {:?}", $input);)*
        };
        ($f:expr, $($input:expr => $want:expr),* $(,)?) => {
            $(assert_eq!($f($input), $want, "input: {:?}", $input);)*
        };
    }

    fn joined<T>(items: Vec<T>, show: impl Fn(&T) -> String) -> String {
        items.iter().map(show).collect::<Vec<_>>().join(", ")
    }

    fn zone(s: &str) -> String {
        parse_zone(s).map_or("-".into(), |z| format!("{} {}", z.text, z.offset))
    }

    fn found_zone(s: &str) -> String {
        let show = |(z, span): (Zone, Range<usize>)| format!("{} {} {span:?}", z.text, z.offset);
        find_zone(s).map_or("-".into(), show)
    }

    /// "time[ offset][ !]" for each time; "!" marks a problem.
    fn times(s: &str) -> String {
        joined(find_times(s), |t| {
            let zone = t.zone.as_ref().map(|z| format!(" {}", z.offset));
            let problem = if t.problem.is_some() { " !" } else { "" };
            format!("{}{}{problem}", t.time, zone.unwrap_or_default())
        })
    }

    /// Dates with the year filled from 2000 marked "?".
    fn dates(s: &str) -> String {
        joined(find_dates(s, Some(2000)), |d| format!("{}{}", d.date, if d.year_written { "" } else { "?" }))
    }

    /// Minutes, approximate ones marked "~".
    fn durations(s: &str) -> String {
        joined(find_durations(s), |d| format!("{}{}", d.minutes, if d.approximate { "~" } else { "" }))
    }

    #[test]
    fn zone_names() {
        check! {zone,
            "PST" => "PST -08", "PDT" => "PDT -07", "CEST" => "CEST +02", "EAT" => "EAT +03",
            "TRT" => "TRT +03", "BRT" => "BRT -03", "NPT" => "NPT +05:45", "WITA" => "WITA +08",
            "ACST" => "ACST +09:30", "OESZ" => "OESZ +03", "МСК" => "МСК +03",
            "IST" => "IST +05:30", " (West African Time). " => "West African Time +01",
            "[Greenwitch]" => "Greenwitch +00", "Japan time" => "Japan time +09",
            "pacific standard time" => "pacific standard time -08",
            "Western Indonesia Time" => "Western Indonesia Time +07",
            "Z" => "Z +00", "utc" => "utc +00", "-0800" => "-0800 -08",
            "Central European  Summer\tTime" => "Central European  Summer\tTime +02",
            "UTC tomorrow" => "-", "Mars time" => "-", "UTC5" => "-", "PST_x" => "-", "Japan time2" => "-",
        }
    }

    /// Zones with daylight saving are read for the date: their offset in
    /// January, and in July when asked for a summer time.
    #[test]
    fn seasonal_zones() {
        let summer = jiff::civil::date(2024, 7, 2).at(14, 5, 0, 0);
        let both =
            |s: &str| parse_zone(s).map_or("-".into(), |z| format!("{} {} {}", z.text, z.offset, z.offset_at(summer)));
        check! {both,
            "America/New_York" => "America/New_York -05 -04", "Europe/Berlin" => "Europe/Berlin +01 +02",
            "(Eastern time)" => "Eastern time -05 -04", "PT" => "PT -08 -07",
            "London time" => "London time +00 +01", "Sao Paulo time" => "Sao Paulo time -03 -03",
            "horário de Brasília" => "horário de Brasília -03 -03",
            "heure de Paris" => "heure de Paris +01 +02", "ora italiana" => "ora italiana +01 +02",
            "(hora de Bogotá)" => "hora de Bogotá -05 -05", "hora de Colombia" => "hora de Colombia -05 -05",
            "hora peninsular" => "hora peninsular +01 +02", "Hora de Inicio" => "-",
            // Fixed zones keep their offset in summer, as written.
            "PST" => "PST -08 -08", "CET" => "CET +01 +01",
            "America/Atlantis" => "-", "Response time" => "-",
        }
        // The hour that falls twice when the clocks go back is the first pass.
        let fold = jiff::civil::date(2024, 11, 3).at(1, 30, 0, 0);
        assert_eq!(parse_zone("America/New_York").unwrap().offset_at(fold).seconds(), -4 * 3600);
        // "Eastern" alone is a zone right after a time, not in a sentence.
        assert_eq!(times("at 9:14 AM (Eastern), the server"), "09:14:00 -05");
        assert_eq!(found_zone("Eastern Europe was asleep"), "-");
    }

    #[test]
    fn zone_offsets() {
        check! {zone,
            "GMT+1" => "GMT+1 +01", "GMT+ 1" => "GMT+ 1 +01", "GMT + 1" => "GMT + 1 +01",
            "GMT-5" => "GMT-5 -05", "UTC+2" => "UTC+2 +02", "UTC-05:00" => "UTC-05:00 -05",
            "UTC+05:30" => "UTC+05:30 +05:30", "UTC+15" => "-",
        }
    }

    #[test]
    fn zone_in_free_text() {
        check! {found_zone,
            "All times in PST" => "PST -08 13..16",
            "10:20 – 13:05 МСК" => "МСК +03 16..22",
            "Сервер в Томске упал" => "-",
            "## Timeline (GMT+ 1)" => "GMT+ 1 +01 13..19",
            "Timeline (all time in GMT + 1)" => "GMT + 1 +01 22..29",
            "| Heure UTC | Événement |" => "UTC +00 8..11",
            "2:30 PM to 3:45 PM WAT." => "WAT +01 19..22",
            "Timeline (Japan time)" => "Japan time +09 10..20",
            "All times in CET." => "CET +01 13..16",
            // A range after a zone is not an offset.
            "12:00 UTC - 14:00" => "UTC +00 6..9",
            // Words, lower case and names of other things are not zones.
            "we eat lunch, c'est la vie, est. 2020" => "-",
            "region US-WEST-1 and a Z" => "-",
        }
    }

    #[test]
    fn times_with_meridiem() {
        check! {times,
            "10:00 AM, 2:00 PM, 2:00PM, 9:00AM" => "10:00:00, 14:00:00, 14:00:00, 09:00:00",
            "6PM 6 PM 9AM" => "18:00:00, 18:00:00, 09:00:00",
            "12:00 PM and 12:00 AM" => "12:00:00, 00:00:00",
            "4:30 am, 9 a.m. and 3 p.m." => "04:30:00, 09:00:00, 15:00:00",
            // A range's first time takes the second's p.m. when it stays before it.
            "between 2:10 and 3:45 p.m.; 9:00 to 5:00 pm; 11:30-1 PM; 10:00 - 12:30 PM" => "14:10:00, 15:45:00, 09:00:00, 17:00:00, 11:30:00, 13:00:00, 10:00:00, 12:30:00",
        }
        assert_eq!(find_times("at 6 p.m. sharp")[0].text, "6 p.m.");
    }

    #[test]
    fn times_twenty_four_hour() {
        check! {times,
            "14:02 then 14:23:05" => "14:02:00, 14:23:05",
            "10:45 - 16:11 and 23:20-2:00" => "10:45:00, 16:11:00, 23:20:00, 02:00:00",
            "| 2021-12-10   15:40 | x" => "15:40:00",
            "2021-05-09T23:02:01.463" => "23:02:01.463",
            "11h40 le service tombe" => "11:40:00",
            "Gegen 16 Uhr und 16:00 Uhr" => "16:00:00, 16:00:00",
            "entre 14 h 05 et 15 h 20" => "14:05:00, 15:20:00",
            "10時05分から11時20分まで" => "10:05:00, 11:20:00",
            "오전 10시 02분부터 10시 51분까지 49분 동안" => "10:02:00, 10:51:00",
            "오후 3시 20분, 午後3時05分, 1시간 35분" => "15:20:00, 15:05:00",
            "2025년 4월 8일 10시 02분부터 10시 51분까지 결제" => "10:02:00, 10:51:00",
            "kl. 07.45 slutade systemet, klockan 12.55 fungerade det; 3.5 hours" => "07:45:00, 12:55:00",
        }
        assert_eq!(find_times("2025年3月4日 10時05分 JST")[0].text, "10時05分 JST");
        assert_eq!(find_times("15時10分（JST）までの")[0].text, "15時10分（JST）");
        // "Durée : 1 h 15" is how long, not when.
        assert!(find_times("Durée : 1 h 15").is_empty());
        assert_eq!(find_times("Gegen 16 Uhr")[0].text, "16 Uhr");
        // German "am" before a day number is a preposition, not a meridiem.
        assert_eq!(find_times("um 15:00 am 13. August")[0].text, "15:00");
    }

    #[test]
    fn times_with_zones() {
        let t = &find_times("10:00 AM (UTC): detected")[0];
        let zone = t.zone.as_ref().unwrap();
        assert_eq!((t.text.as_str(), zone.text.as_str()), ("10:00 AM (UTC)", "UTC"));
        assert_eq!(zone.offset, Offset::UTC);
        check! {times, "entre las 18:30 y las 20:15 (hora peninsular, CEST)" => "18:30:00, 20:15:00 +02", "at 04:07 (our time, UTC+2) the switch" => "04:07:00 +02", "at 14:30 (Jane, on-call)" => "14:30:00"}
        let t = &find_times("- *14:51 PST* restart")[0];
        assert_eq!((t.text.as_str(), t.span.clone()), ("14:51 PST", 3..12));
        assert_eq!(find_times("until 2:00 PM GMT+1.")[0].text, "2:00 PM GMT+1");
        check! {times,
            "10:20 pm (PST) -" => "22:20:00 -08", "| 21.55 WIB |" => "21:55:00 +07",
            "13.40 – 14.25 WIB" => "13:40:00, 14:25:00 +07", "pukul 09.15" => "09:15:00",
            "13.40 – 14.25 EUR" => "",
            "02:47 AM UTC" => "02:47:00 +00", "at 9AM (EAT)" => "09:00:00 +03",
            "2:00 PM GMT+1" => "14:00:00 +01", "2020-04-21T01:30:00Z" => "01:30:00 +00",
            "07:32:00-08:00" => "07:32:00 -08", "14:00 +0100" => "14:00:00 +01",
            // Not zones: a range, the verb "eat", a "T" without a date before it.
            "09:00-11:00" => "09:00:00, 11:00:00", "12:00 eat" => "12:00:00", "T01:30:00Z" => "",
        }
    }

    #[test]
    fn times_in_words() {
        check! {times,
            "at half past four in the afternoon (UTC) the geocoder" => "16:30:00 +00",
            "at a quarter to midnight UTC" => "23:45:00 +00",
            "at noon CET; until midnight" => "12:00:00 +01, 00:00:00",
            "around 3 in the morning (EST)" => "03:00:00 -05",
            "shortly after nine in the morning, the API" => "09:00:00",
            "at ten past nine in the evening and at eleven at night" => "21:10:00, 23:00:00",
            "at nine o'clock this morning; a quarter to five pm" => "09:00:00, 16:45:00",
            "from 10:00 in the morning to 4:30 in the afternoon" => "10:00:00, 16:30:00",
            "Midnight: the job ran twice" => "00:00:00",
            "at twelve noon and at half past midnight" => "12:00:00, 00:30:00",
        }
        let t = &find_times("shortly after nine in the morning Pacific time, the")[0];
        assert_eq!(t.text, "nine in the morning Pacific time");
        assert!(t.zone.is_some());
        // A count, and a time whose half of the day is not told, are no times.
        check! {times, none:
            "four servers restarted in the morning", "we had 3 in the morning queue",
            "at half past four", "at nine o'clock", "the midnight deploy", "ten to twenty minutes",
            "the night shift paged two engineers at night",
        }
    }

    #[test]
    fn times_with_problems() {
        check! {times,
            "9:00 AM to 13:00 PM GMT" => "09:00:00, 13:00:00 +00 !",
            "14:30 am - Issue detected" => "14:30:00 !",
        }
        let t = &find_times("13:00 PM")[0];
        assert_eq!(t.problem, Some(TimeProblem::MeridiemOnTwentyFourHour));
    }

    #[test]
    fn things_that_are_not_times() {
        check! {times, none:
            "2021-12-10", "v1.13.0", "1.270.0", "127.0.0.1:80", "localhost:8080", "2h15m",
            "1h50m", "T+00:05", "T-00:05", "ratio 1:1 or 3:2", "25:00", "12:75", "1.5 hours",
            "4.8 GB", "15.01.2024", "00:1a:2b:3c", "12:34:56:78", "Durée : 4h12", "took 4h12",
        }
    }

    #[test]
    fn dates_month_first() {
        check! {dates,
            "January 15th, 2024; August 14, 2024" => "2024-01-15, 2024-08-14",
            "June 9, 2023; May 14th, 2024" => "2023-06-09, 2024-05-14",
            "On May 9th 2021 at 6:48AM" => "2021-05-09",
            "### Sep 27 2017 13:06, Nov 1, 2022 6:00 AM" => "2017-09-27, 2022-11-01",
            "Aug 08, 2024; Sept 3, 2021; aug. 4 2022" => "2024-08-08, 2021-09-03, 2022-08-04",
            "between April 21-22 2020" => "2020-04-21, 2020-04-22",
        }
        let d = find_dates("On Sunday, May 13th, 2023 at 10:20", None);
        assert_eq!((d[0].date, d[0].span.clone()), (Date::constant(2023, 5, 13), 3..25));
        assert_eq!(find_dates("April 21-22 2020", None)[1].span, 9..16);
    }

    #[test]
    fn dates_day_first() {
        check! {dates,
            "On 14th February 2024; 14th August 2024" => "2024-02-14, 2024-08-14",
            "On Monday 3. February 2020 a planned upgrade" => "2020-02-03",
            "Am 12. August 2020, 1. Januar 2021" => "2020-08-12, 2021-01-01",
            "3. März 2020, 1. Mai 2020, 5. Juni 2020" => "2020-03-03, 2020-05-01, 2020-06-05",
            "6. Juli 2020, 9. Oktober 2020" => "2020-07-06, 2020-10-09",
            "2. Februar 2020, 24. Dezember 2021" => "2020-02-02, 2021-12-24",
            "Date: Tue, 1 Nov 2022 07:32:16 GMT" => "2022-11-01",
            "Ausfall 12. - 13. August 2020" => "2020-08-12, 2020-08-13",
            "outage 22nd & 23rd April 2020" => "2020-04-22, 2020-04-23",
            "15 грудня 2022 року; 3 марта 2024 г.; 7 października 2023" => "2022-12-15, 2024-03-03, 2023-10-07",
            "18 अगस्त 2023 (शुक्रवार); 2 फ़रवरी 2024" => "2023-08-18, 2024-02-02",
            "Τρίτη 4 Μαρτίου 2025; 15 Αυγούστου 2024" => "2025-03-04, 2024-08-15",
            "12 augusti 2024; 5 Şubat 2024; 17 Agustus 2024" => "2024-08-12, 2024-02-05, 2024-08-17",
            // Names that are words too need a year: "Maja 12", "nisan".
            "Maja 12 wrote; 3 maj 2024" => "2024-05-03",
        }
    }

    #[test]
    fn month_names_between_any_separators() {
        check! {dates,
            "12/Mar/2024 and 3-Apr-2024" => "2024-03-12, 2024-04-03",
            "12.Mar.2024, Mar/12/2024, Mar.12.2024" => "2024-03-12, 2024-03-12, 2024-03-12",
            "Sep-27-2017 13:06" => "2017-09-27",
            "Created 14/Mar/24 3:12 PM, 02-FEB-23" => "2024-03-14, 2023-02-02",
            // Not a two-digit year: a range of days, or two separators.
            "12 Mar-15 Mar, 12/Mar-24" => "2000-03-12?, 2000-03-15?, 2000-03-12?",
        }
    }

    #[test]
    fn month_names_in_french_spanish_and_portuguese() {
        check! {dates,
            "le 12 mars 2024, le 1er août 2023" => "2024-03-12, 2023-08-01",
            "el 4 de marzo de 2025; 9 de diciembre de 2024" => "2025-03-04, 2024-12-09",
            "em 15 de março de 2023" => "2023-03-15",
        }
    }

    #[test]
    fn numeric_dates_are_day_first_when_the_zone_says_so() {
        let read =
            |s: &str, day_first| find_dates_with(s, None, day_first).first().map(|d| (d.date.to_string(), d.ambiguous));
        assert_eq!(read("03/04/2024", false), Some(("2024-03-04".into(), true)));
        assert_eq!(read("03/04/2024", true), Some(("2024-04-03".into(), true)));
        assert_eq!(read("12/31/2024", true), Some(("2024-12-31".into(), false)));
        assert_eq!(read("25/03/2024", false), Some(("2024-03-25".into(), false)));
        assert_eq!(read("03.04.2024", false), Some(("2024-04-03".into(), false)));
    }

    #[test]
    fn implausible_years_are_no_dates() {
        check! {dates, none: "0000-01-01, 1901-05-03, 12 March 1965, 2999-05-01"}
        check! {dates, "1970-01-01" => "1970-01-01"}
    }

    #[test]
    fn dates_in_japanese_chinese_and_korean() {
        check! {dates,
            "発生日時: 2023年9月5日 10時00分" => "2023-09-05",
            "2024 年 3 月 12 日" => "2024-03-12",
            "발생: 2025년 1월 7일 14:20 KST" => "2025-01-07",
        }
        check! {dates, none: "2023年13月5日"}
    }

    #[test]
    fn dates_without_year() {
        check! {dates,
            "14th February, 9:00AM and Sep 27" => "2000-02-14?, 2000-09-27?",
            "March 28th at 20:49; on 7th of December" => "2000-03-28?, 2000-12-07?",
            // "may" and "march" as words need a capital or a year.
            "it may 5 times, we march 3 miles" => "", "may 5, 2023" => "2023-05-05",
        }
        assert_eq!(find_dates("14th February, Sep 27", None), []);
    }

    #[test]
    fn dates_numeric() {
        check! {dates,
            "2018-03-26, 2019-1-17, 2023/06/09" => "2018-03-26, 2019-01-17, 2023-06-09",
            "15.01.2024 / 07.12.2023 / 16.09.2026" => "2024-01-15, 2023-12-07, 2026-09-16",
            // Slashed: a part above 12 decides, otherwise US month/day.
            "06/09/2023 13/09/2023 09/13/2023" => "2023-06-09, 2023-09-13, 2023-09-13",
            "RCA-For-Incident-On-2020-04-21.pdf" => "2020-04-21",
            // A two-digit year, slashed or dashed.
            "Website Outage 5-26-21" => "2021-05-26", "on 26/05/21" => "2021-05-26",
        }
        assert_eq!(find_dates("x 2018-03-26 10:34", None)[0].span, 2..12);
    }

    #[test]
    fn things_that_are_not_dates() {
        check! {dates, none:
            "February 30, 2024", "2024-13-45", "v1.13.0", "6.17.0-35-generic", "127.0.0.1",
            "14:30", "+49 721 1234-5678-90", "YYYY-MM-DD", "July 2025", "May 13:00", "1.5 May",
            "12345-01-01", "2024-01-01-5", "10.100.16.12", "version 2.10.22", "1-2-3",
        }
    }

    #[test]
    fn machine_datetimes() {
        let show = |s: &str| match parse_datetime(s) {
            Some((dt, Some(offset))) => format!("{dt} {offset}"),
            Some((dt, None)) => dt.to_string(),
            None => "-".into(),
        };
        check! {show,
            "2020-04-21T01:30:00Z" => "2020-04-21T01:30:00 +00",
            "2021-05-09T23:02:01.463" => "2021-05-09T23:02:01.463",
            "2024-07-30T21:45:00+02:00" => "2024-07-30T21:45:00 +02",
            "2019-08-13 23:30:00" => "2019-08-13T23:30:00",
            " 2024-01-15 14:02 " => "2024-01-15T14:02:00",
            "2025-03-02" => "2025-03-02T00:00:00",
            "1979-05-27 07:32:00-08:00" => "1979-05-27T07:32:00 -08",
            "2024-06-20 14:00 UTC" => "2024-06-20T14:00:00 +00",
            "2024-02-30" => "-", "2024-01-15 25:00" => "-", "2025-03-02Z" => "-",
            "2024-01-15 soon" => "-", "March 2, 2025" => "-",
        }
    }

    #[test]
    fn durations_numeric() {
        check! {durations,
            "45 minutes, 139 minutes, 90 mins, 24 hrs, 1.5 hours" => "45, 139, 90, 1440, 90",
            "1 day; 5 days; 2 weeks; 3h; 45m." => "1440, 7200, 20160, 180, 45",
            "about 1h50m, then 2h15m" => "110~, 135",
            "5 hours 26 minutes; 5 hours and 26 minutes" => "326, 326",
            "2 hours 30 minutes; 2 hours, 30 minutes" => "150, 150",
            "= **1 min 44 s**; blocked for ~26 h;" => "2, 1560~",
            "**Durée** : 4h12 (14:33 → 18:45 UTC)" => "252",
            "**Durée :** 1 h 15, à 14 h 05" => "75",
            "a 30-minute window, 5 hours ago, within 1 week" => "30, 300, 10080",
        }
    }

    #[test]
    fn durations_in_words() {
        check! {durations,
            "one hour, an hour, two hours, half an hour" => "60, 60, 120, 30",
            "an hour and three quarters, two hours and a quarter, une heure et quart" => "105, 135, 75",
            "for a day, then two hours and thirty minutes" => "1440, 150",
            "down for about an hour and a half, then 2 days and a half" => "90~, 3600",
            "two and a half hours; 1 and a half days; three and a half minutes" => "150, 2160, 4",
        }
    }

    /// The languages of the corpus write durations their own way.
    #[test]
    fn durations_in_other_languages() {
        check! {durations,
            "duró 1 hora y 45 minutos; unas 3 horas; media hora" => "105, 180~, 30",
            "durou quase 2 horas; uma hora e meia; 3 horas e 15 minutos" => "120~, 90, 195",
            "für knapp zwei Stunden; 1 Stunde 25 Minuten; 2 Std. lang; eine halbe Stunde" => "120~, 85, 120, 30",
            "anderthalb Stunden; ca. 38 Stunden; 1,5 Stunden" => "90, 2280~, 90",
            "a duré environ 50 minutes; une demi-heure; une heure et demie" => "50~, 30, 90",
            "è durato circa due ore; 40 minuti; gedurende 1 uur en 35 minuten" => "120~, 40, 95",
            "障害時間：1時間35分、約2時間にわたり、45分間" => "95, 120~, 45",
            "5 timmar och 10 minuter; 4 години 35 хвилин; 2 часа 15 минут" => "310, 275, 135",
            "3 godziny i 20 minut; 2 saat 30 dakika; 1 jam 45 menit" => "200, 150, 105",
            "2 godz. 11 min; 3 hod. 20 min; 2 tuntia 15 minuuttia; 1 óra 30 perc; 3 uren" => "131, 200, 135, 90, 180",
            "장애 지속 시간: 약 1시간 45분" => "105~",
            "kéo dài khoảng 1 tiếng 40 phút; 2 giờ 15 phút; 3 ngày" => "100~, 135, 4320",
            "लगभग 4 घंटे तक; 45 मिनट; 2 दिन" => "240~, 45, 2880",
        }
        // A Japanese clock time is not a duration.
        check! {durations, none: "14時30分に復旧", "3 tags", "2 Minutenzeiger"}
    }

    #[test]
    fn durations_approximate() {
        let d = &find_durations("lasted approximately 3 hours")[0];
        assert_eq!((d.minutes, d.approximate, d.span.clone()), (180, true, 7..28));
        check! {durations,
            "Duration: ~8 hours, ~20 minutes, 45 minutes" => "480~, 20~, 45",
            "about 45 minutes; around 2 hours; roughly 5 days" => "45~, 120~, 7200~",
            "nearly 30 minutes; almost 80 days; over 5 hours" => "30~, 115200~, 300~",
            "≈ 3h; some 2 hours" => "180~, 120~",
            // A qualifier of several words is the duration's whole.
            "just over 2 hours; a little less than three hours" => "120~, 180~",
            "slightly more than 40 minutes; well over an hour; just under 5 days" => "40~, 60~, 7200~",
            "pendant près d'une heure; für gut zwei Stunden; poco más de 2 horas" => "60~, 120~, 120~",
            "per quasi tre ore; più di 20 minuti; ruim 3 uur" => "180~, 20~, 180~",
        }
        let d = &find_durations("the outage lasted just over 2 hours")[0];
        assert_eq!(d.span, 18..35);
    }

    #[test]
    fn things_that_are_not_durations() {
        check! {durations, none:
            "24/7", "45M lignes", "45MB", "Phase 1 (Minutes 0–30)", "10s", "p99 > 5s", "11h40",
            "2.00ms", "1st", "~2.3M", "10:45", "5 monkeys", "2hours5", "v2 hours",
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let odd = "é 🔥12:30🔥 ١٢:٣٠ 12:３０ 日本時間 2024年1月15日 10:00 JST ｐｍ 12:00\u{0}AM
            May\u{200b}5, 2024 GMT+\u{2212} UTC−5 ((((( 1:2:3:4:5:6 -0800 :8080 T+ 2024- 31.12.
            99999999 weeks 1.999 hours half Z 1:0 PM GMT+ ~3h am h\u{a0}é. 3 Mär 9 Uhr‽";
        let digits = "9".repeat(100_000);
        let huge = format!("{odd}{digits}:{digits} PM {}", "🔥5 May ".repeat(10_000));
        // Every suffix of the sample, so that each search starts at an odd place.
        let suffixes = odd.char_indices().map(|(i, _)| &odd[i..]);
        for s in suffixes.chain([digits.as_str(), huge.as_str()]) {
            find_times(s);
            find_durations(s);
            find_dates(s, Some(2024));
            find_dates(s, Some(i16::MAX));
            find_zone(s);
            parse_zone(s);
            parse_datetime(s);
        }
        assert_eq!(find_times(&digits), []);
        assert_eq!(find_durations("99999999 weeks"), []);
    }
}
