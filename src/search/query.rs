//! The query language: words and "phrases" (stemmed English, OR between
//! them allowed), `tag:`/`root_cause:`, `service:`, `sev:`/`severity:`,
//! `after:`/`before:` (a year, month or day), `duration>N`/`duration<N`
//! (minutes), `kind:` (postmortem, template, list, other), and `-` in
//! front of a filter to exclude. Nothing a user
//! types is an error: what cannot be read becomes a note and is skipped.

use super::Fields;
use crate::config::Config;
use crate::ingest::facts::normalize_severity;
use jiff::ToSpan;
use jiff::civil::Date;
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, Term};

/// A query, read.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    /// The free-text part, as typed (words, "phrases", OR).
    words: Vec<String>,
    filters: Vec<(Occur, Filter)>,
    /// What was skipped or reinterpreted, for the user.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Filter {
    Tag(String),
    Service(String),
    Severity(String),
    /// `postmortem`, `template`, `list` or `other`.
    Kind(String),
    /// On or after this day.
    From(Date),
    /// Before this day: the one after the period `before:` names, which
    /// is included, as `after:`'s is.
    Until(Date),
    LongerThan(u64),
    ShorterThan(u64),
    /// A year, or any span of days: from the first day, before the second.
    Between(Date, Date),
    /// Any of these (`tag:dns,database`).
    Any(Vec<Filter>),
}

impl Parsed {
    pub fn parse(text: &str, config: &Config) -> Parsed {
        let mut parsed = Parsed::default();
        for token in tokens(text) {
            if token.starts_with('"') {
                parsed.words.push(token);
                continue;
            }
            let (occur, body) = match token.strip_prefix('-') {
                Some(rest) if rest.contains(':') || rest.contains('>') || rest.contains('<') => (Occur::MustNot, rest),
                _ => (Occur::Must, token.as_str()),
            };
            match filter(body, config) {
                Ok(Some(filter)) => parsed.filters.push((occur, filter)),
                Ok(None) => parsed.words.push(token.clone()),
                Err(note) => parsed.notes.push(note),
            }
        }
        parsed
    }

    pub fn has_words(&self) -> bool {
        self.words.iter().any(|w| w != "OR")
    }

    /// The tantivy query; `fuzzy` reads each word as "within one or two
    /// edits", for the second try when nothing matched.
    pub(super) fn query(&self, index: &Index, f: Fields, fuzzy: bool) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if self.has_words() {
            let text = if fuzzy { fuzzy_words(index, f, &self.words) } else { exact_words(index, f, &self.words) };
            clauses.push((Occur::Must, text));
        } else if !self.filters.iter().any(|(occur, _)| *occur == Occur::Must) {
            // Only exclusions: they exclude from everything.
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        for (occur, filter) in &self.filters {
            clauses.push((*occur, filter.query(f)));
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

impl Filter {
    fn query(&self, f: Fields) -> Box<dyn Query> {
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let range =
            |lower: Bound<Term>, upper: Bound<Term>| -> Box<dyn Query> { Box::new(RangeQuery::new(lower, upper)) };
        match self {
            Filter::Tag(tag) => term(f.tags, tag),
            Filter::Service(service) => term(f.services, service),
            Filter::Severity(sev) => term(f.severity, sev),
            Filter::Kind(kind) => term(f.kind, kind),
            Filter::From(date) => {
                range(Bound::Included(Term::from_field_date(f.date, super::day(*date))), Bound::Unbounded)
            }
            Filter::Until(date) => {
                range(Bound::Unbounded, Bound::Excluded(Term::from_field_date(f.date, super::day(*date))))
            }
            Filter::LongerThan(minutes) => {
                range(Bound::Excluded(Term::from_field_u64(f.duration, *minutes)), Bound::Unbounded)
            }
            Filter::ShorterThan(minutes) => {
                range(Bound::Unbounded, Bound::Excluded(Term::from_field_u64(f.duration, *minutes)))
            }
            Filter::Between(first, after) => range(
                Bound::Included(Term::from_field_date(f.date, super::day(*first))),
                Bound::Excluded(Term::from_field_date(f.date, super::day(*after))),
            ),
            Filter::Any(filters) => {
                Box::new(BooleanQuery::new(filters.iter().map(|filter| (Occur::Should, filter.query(f))).collect()))
            }
        }
    }
}

/// Title counts three times, the root cause twice, the body once.
fn exact_words(index: &Index, f: Fields, words: &[String]) -> Box<dyn Query> {
    let mut parser = QueryParser::for_index(index, vec![f.title, f.root_cause, f.body]);
    parser.set_field_boost(f.title, 3.0);
    parser.set_field_boost(f.root_cause, 2.0);
    let (query, _errors) = parser.parse_query_lenient(&words.join(" "));
    query
}

/// Each word, stemmed like the index, within one edit (two for longer
/// words) in any text field: "databse corupted" finds "database corrupted".
fn fuzzy_words(index: &Index, f: Fields, words: &[String]) -> Box<dyn Query> {
    let mut analyzer = index.tokenizers().get("en_stem").expect("tantivy registers en_stem");
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in words.iter().filter(|w| *w != "OR") {
        let mut stream = analyzer.token_stream(word.trim_matches('"'));
        while let Some(token) = stream.next() {
            let distance = if token.text.chars().count() > 5 { 2 } else { 1 };
            for (field, boost) in [(f.title, 3.0), (f.root_cause, 2.0), (f.body, 1.0)] {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &token.text), distance, true);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), boost))));
            }
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// `key:value` (or `duration>N`) as a filter; `Ok(None)` for a plain word,
/// `Err(note)` for a filter whose value cannot be read.
fn filter(token: &str, config: &Config) -> Result<Option<Filter>, String> {
    for (op, longer) in [('>', true), ('<', false)] {
        if let Some((key, value)) = token.split_once(op)
            && key.eq_ignore_ascii_case("duration")
        {
            let minutes = value
                .trim_start_matches('=')
                .parse::<u64>()
                .map_err(|_| format!("`{token}`: the duration is in minutes, e.g. duration>60; ignored"))?;
            return Ok(Some(if longer { Filter::LongerThan(minutes) } else { Filter::ShorterThan(minutes) }));
        }
    }
    let Some((key, value)) = token.split_once(':') else { return Ok(None) };
    if value.contains(',') {
        // `tag:dns,database`: any of them (what ticking two boxes asks).
        let any: Option<Vec<Filter>> = value
            .split(',')
            .filter(|v| !v.is_empty())
            .map(|v| filter(&format!("{key}:{v}"), config))
            .collect::<Result<_, _>>()?;
        return Ok(any.map(Filter::Any));
    }
    let value = value.trim_matches('"');
    match key.to_ascii_lowercase().as_str() {
        "tag" | "tags" | "root_cause" | "cause" => {
            let canonical =
                config.taxonomy.canonical(value).map_or_else(|| crate::config::normalize_tag(value), String::from);
            Ok(Some(Filter::Tag(canonical)))
        }
        "service" | "services" => Ok(Some(Filter::Service(value.to_lowercase()))),
        "kind" => Ok(Some(Filter::Kind(value.to_lowercase()))),
        "sev" | "severity" => {
            let written =
                if value.chars().all(|c| c.is_ascii_digit()) { format!("SEV{value}") } else { value.to_string() };
            normalize_severity(&written)
                .map(|sev| Some(Filter::Severity(sev)))
                .ok_or_else(|| format!("`{token}`: severity is SEV1–SEV4 (or 1–4, P1–P4); ignored"))
        }
        "after" | "since" => {
            day_range(value).map(|(first, _)| Some(Filter::From(first))).ok_or_else(|| date_note(token))
        }
        "year" => {
            day_range(value).map(|(first, after)| Some(Filter::Between(first, after))).ok_or_else(|| date_note(token))
        }
        "before" | "until" => {
            day_range(value).map(|(_, after)| Some(Filter::Until(after))).ok_or_else(|| date_note(token))
        }
        // `https://…`, `10:30` and other colons are words.
        _ => Ok(None),
    }
}

fn date_note(token: &str) -> String {
    format!("`{token}`: write the date as YYYY, YYYY-MM or YYYY-MM-DD; ignored")
}

/// `2023` → its first day and the day after its last; `2023-06` and
/// `2023-06-09` likewise.
fn day_range(text: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |i: usize| parts.get(i).and_then(|p| p.parse::<i16>().ok());
    let year = number(0)?;
    let (first, span) = match parts.len() {
        1 => (Date::new(year, 1, 1).ok()?, 1.year()),
        2 => (Date::new(year, i8::try_from(number(1)?).ok()?, 1).ok()?, 1.month()),
        3 => (Date::new(year, i8::try_from(number(1)?).ok()?, i8::try_from(number(2)?).ok()?).ok()?, 1.day()),
        _ => return None,
    };
    Some((first, first.checked_add(span).ok()?))
}

/// Split on spaces, keeping "quoted phrases" (and `key:"two words"`) whole.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Parsed {
        Parsed::parse(text, &Config::default_for(std::path::Path::new(".")))
    }

    #[test]
    fn commas_list_values_any_of_which_may_match() {
        let parsed = parse("tag:dns,misconfiguration year:2023,2024");
        assert_eq!(parsed.filters.len(), 2, "{:?}", parsed.notes);
        let Filter::Any(tags) = &parsed.filters[0].1 else { panic!("{:?}", parsed.filters) };
        assert_eq!(tags, &[Filter::Tag("dns".into()), Filter::Tag("config-change".into())]);
        let Filter::Any(years) = &parsed.filters[1].1 else { panic!("{:?}", parsed.filters) };
        assert_eq!(years.len(), 2);
        assert!(parse("https://a.example/x,y").filters.is_empty(), "a URL with a comma is a word");
    }

    #[test]
    fn filters_words_and_phrases_are_told_apart() {
        let p =
            parse(r#"tag:misconfiguration -service:Checkout sev:1 after:2023-01 "query logic" timeout -kind:template"#);
        assert_eq!(p.words, [r#""query logic""#, "timeout"]);
        assert_eq!(
            p.filters,
            [
                (Occur::Must, Filter::Tag("config-change".into())),
                (Occur::MustNot, Filter::Service("checkout".into())),
                (Occur::Must, Filter::Severity("SEV1".into())),
                (Occur::Must, Filter::From(jiff::civil::date(2023, 1, 1))),
                (Occur::MustNot, Filter::Kind("template".into())),
            ]
        );
    }

    #[test]
    fn what_cannot_be_read_is_a_note_not_an_error() {
        let p = parse("sev:banana before:someday duration>long https://x.example/a word");
        assert_eq!(p.notes.len(), 3, "{:?}", p.notes);
        assert_eq!(p.words, ["https://x.example/a", "word"]);
        assert!(p.filters.is_empty());
    }

    #[test]
    fn before_includes_the_day_or_month_it_names_as_after_does() {
        let until = |text: &str| parse(text).filters;
        assert_eq!(until("before:2024-06-30"), [(Occur::Must, Filter::Until(jiff::civil::date(2024, 7, 1)))]);
        assert_eq!(until("before:2024-06"), [(Occur::Must, Filter::Until(jiff::civil::date(2024, 7, 1)))]);
        assert_eq!(until("-before:2024"), [(Occur::MustNot, Filter::Until(jiff::civil::date(2025, 1, 1)))]);
        assert_eq!(until("after:2024-06"), [(Occur::Must, Filter::From(jiff::civil::date(2024, 6, 1)))]);
    }

    #[test]
    fn dates_cover_their_whole_period() {
        assert_eq!(day_range("2024").map(|r| r.1), Some(jiff::civil::date(2025, 1, 1)));
        assert_eq!(day_range("2024-02").map(|r| r.1), Some(jiff::civil::date(2024, 3, 1)));
        assert_eq!(day_range("2024-13"), None);
    }
}
