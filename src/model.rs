//! The incident model: what `coroner inspect --format json` prints and what
//! templates see. Field names are a contract (docs/model.md); unknown
//! values are `null` or empty, never a guess.

use crate::diagnostics::Diagnostic;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// One parsed file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Postmortem {
    /// Path of the file relative to the content directory, `/`-separated.
    pub source: String,
    /// Stable id: front-matter `id`/`slug`, else derived from the file name.
    pub id: String,
    pub kind: Kind,
    /// The title as written (front matter, first heading or first line).
    pub title: Option<String>,
    /// A specific title for lists: never "Postmortem" or "0x19. Postmortem".
    pub display_title: String,
    #[serde(serialize_with = "serialize_date")]
    pub date: Option<Date>,
    pub start: Option<ZonedTime>,
    pub end: Option<ZonedTime>,
    /// The time zone as written in the file (`PST`, `GMT+1`), if any.
    pub timezone: Option<String>,
    /// True when no zone was written and `default_timezone` was used.
    pub tz_assumed: bool,
    pub duration_minutes: Option<u32>,
    pub impact: Impact,
    /// Normalised `SEV1`..`SEV4`.
    pub severity: Option<String>,
    /// Severity exactly as written (`P2 Medium`, `critical`).
    pub severity_text: Option<String>,
    pub services: Vec<String>,
    /// Root-cause tags of the taxonomy.
    pub tags: Vec<String>,
    pub tags_source: Option<TagsSource>,
    /// Why each inferred tag was given, strongest evidence first (none
    /// for tags from front matter).
    pub tag_evidence: Vec<TagEvidence>,
    /// Front-matter tags, categories and keywords that are not root
    /// causes (`postmortem`, `cloud`): shown and searchable, never a tag.
    pub keywords: Vec<String>,
    /// Where the report was first published (front-matter `url`).
    pub source_url: Option<String>,
    pub root_cause: Option<String>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    pub draft: bool,
    pub aliases: Vec<String>,
    pub sections: Vec<Section>,
    pub timeline: Vec<TimelineEntry>,
    pub action_items: Vec<ActionItem>,
    /// Git conflicts found in the file: the HEAD side is used, the other
    /// side is kept here so that nothing is lost.
    pub conflicts: Vec<Conflict>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where each extracted fact came from.
    #[serde(deserialize_with = "deserialize_provenance")]
    pub provenance: BTreeMap<&'static str, Provenance>,
    /// Front-matter keys coroner does not know, kept as written.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Links to other postmortems (relative `.md` paths, `[[id]]`) and to
    /// anchors, as written; the archive resolves them.
    pub references: Vec<Reference>,
    /// The id of every heading, in document order, as the HTML gets them.
    #[serde(skip)]
    pub anchors: Vec<String>,
    /// The markdown body after repair, front matter removed (blank lines keep
    /// line numbers equal to the source file's).
    #[serde(skip)]
    pub body: String,
    /// The body's plain text, one line per block, headings and label names
    /// left out: what the static search indexes and quotes (see
    /// `ingest::sections::Outline::text`).
    #[serde(skip)]
    pub text: String,
    /// The text of every heading, in order: searched, never quoted.
    #[serde(skip)]
    pub headings: Vec<String>,
}

/// What kind of document a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A report of one incident.
    Postmortem,
    /// A blank template with placeholders such as `<YYYY-MM-DD>` or `[Time]`.
    Template,
    /// An assignment or guide asking the reader to write a postmortem.
    Prompt,
    /// Several incidents in one file.
    List,
    /// Anything else: guides, assignments, essays.
    Other,
}

impl Kind {
    /// The name `inspect` and the templates use (`postmortem`, `template`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Postmortem => "postmortem",
            Kind::Template => "template",
            Kind::Prompt => "prompt",
            Kind::List => "list",
            Kind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagsSource {
    FrontMatter,
    Inferred,
    /// Front-matter tags, and more that the text gives evidence for.
    FrontMatterAndInferred,
}

/// One match that counted towards an inferred root-cause tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagEvidence {
    pub tag: String,
    /// `title`, or the kind of the section the match is in.
    pub place: String,
    pub line: u32,
    /// The words that matched, as written.
    pub phrase: String,
    pub weight: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    pub text: Option<String>,
    /// Share of users or requests affected, 0–100.
    pub users_pct: Option<f64>,
}

/// Canonical section kinds; `Other` keeps its heading as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Summary,
    Impact,
    Timeline,
    RootCause,
    Resolution,
    Detection,
    ActionItems,
    LessonsLearned,
    ContributingFactors,
    Other,
}

impl SectionKind {
    pub const ALL: [SectionKind; 10] = [
        SectionKind::Summary,
        SectionKind::Impact,
        SectionKind::Timeline,
        SectionKind::RootCause,
        SectionKind::Resolution,
        SectionKind::Detection,
        SectionKind::ActionItems,
        SectionKind::LessonsLearned,
        SectionKind::ContributingFactors,
        SectionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Summary => "summary",
            SectionKind::Impact => "impact",
            SectionKind::Timeline => "timeline",
            SectionKind::RootCause => "root_cause",
            SectionKind::Resolution => "resolution",
            SectionKind::Detection => "detection",
            SectionKind::ActionItems => "action_items",
            SectionKind::LessonsLearned => "lessons_learned",
            SectionKind::ContributingFactors => "contributing_factors",
            SectionKind::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A section found in the body: a heading, a bold label or a `Label:` line.
/// A combined heading ("Root Cause and Resolution") appears once per kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The heading or label as written, markup removed.
    pub heading: String,
    /// 1-based line of the heading.
    pub line: u32,
    /// Last line (inclusive) that belongs to the section.
    pub end_line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Resolved instant when a date is known (written or carried from the
    /// incident), else `null`.
    pub time: Option<ZonedTime>,
    /// The time as written (`10:00 AM (UTC)`, `14:02`, `T+00:05`).
    pub time_text: String,
    pub text: String,
    pub line: u32,
    pub milestone: Option<Milestone>,
}

/// Phases an entry can mark; they give time to detect / mitigate / resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Milestone {
    Started,
    Detected,
    Escalated,
    Mitigated,
    Resolved,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub text: String,
    pub done: bool,
    pub owner: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Line of the `<<<<<<<` marker.
    pub line: u32,
    /// Line of the `>>>>>>>` marker (0 when the conflict is never closed).
    pub end_line: u32,
    /// The HEAD side, which coroner reads.
    pub ours: String,
    /// The other side, kept verbatim.
    pub theirs: String,
}

/// Where a fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: FactSource,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactSource {
    FrontMatter,
    Heading,
    Label,
    Prose,
    Filename,
    Derived,
}

/// The markdown dialect postmortems are read and rendered in. Both sides
/// must agree, or heading ids and links would not line up.
pub const MARKDOWN_OPTIONS: pulldown_cmark::Options = pulldown_cmark::Options::ENABLE_TABLES
    .union(pulldown_cmark::Options::ENABLE_FOOTNOTES)
    .union(pulldown_cmark::Options::ENABLE_STRIKETHROUGH)
    .union(pulldown_cmark::Options::ENABLE_TASKLISTS)
    .union(pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES)
    .union(pulldown_cmark::Options::ENABLE_WIKILINKS);

/// A link from one postmortem to another file, postmortem or anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The destination exactly as written (`../2023/db.md#timeline`).
    pub target: String,
    pub kind: ReferenceKind,
    pub line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    /// A relative path to a content file (`other.md`, `../2023/x.md#timeline`).
    File,
    /// A wiki link to an id or alias (`[[2023-06-09-gadgethub-outage]]`).
    Id,
    /// An anchor in the same page (`#timeline`).
    Anchor,
    /// A relative path to something that is not a postmortem (an image).
    Asset,
}

impl Reference {
    /// The part before `#`, and the anchor after it (if any).
    pub fn split(&self) -> (&str, Option<&str>) {
        match self.target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (&self.target, None),
        }
    }
}

/// A civil date-time with the fixed UTC offset it was written in.
/// Serialised as RFC 3339 with the offset (`2023-06-09T10:00:00-08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZonedTime {
    pub civil: DateTime,
    pub offset: Offset,
}

impl ZonedTime {
    pub fn new(civil: DateTime, offset: Offset) -> Self {
        ZonedTime { civil, offset }
    }

    /// The absolute instant; `None` only for dates at the edge of jiff's range.
    pub fn timestamp(&self) -> Option<jiff::Timestamp> {
        self.offset.to_timestamp(self.civil).ok()
    }

    /// Whole minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(&self, later: &ZonedTime) -> Option<i64> {
        let (a, b) = (self.timestamp()?, later.timestamp()?);
        Some((b.as_second() - a.as_second()).div_euclid(60))
    }
}

impl fmt::Display for ZonedTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.timestamp() {
            Some(ts) => write!(f, "{}", ts.display_with_offset(self.offset)),
            None => write!(f, "{}{}", self.civil, self.offset),
        }
    }
}

impl Serialize for ZonedTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back as `Display` writes it (for the ingest cache): RFC 3339 with
/// the offset.
impl<'de> Deserialize<'de> for ZonedTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use jiff::fmt::temporal::{Pieces, PiecesOffset};
        let text = String::deserialize(d)?;
        let pieces = Pieces::parse(&text).map_err(serde::de::Error::custom)?;
        let Some(PiecesOffset::Numeric(offset)) = pieces.offset() else {
            return Err(serde::de::Error::custom(format!("{text}: no UTC offset")));
        };
        let time = pieces.time().unwrap_or_default();
        Ok(ZonedTime { civil: pieces.date().to_datetime(time), offset: offset.offset() })
    }
}

fn deserialize_provenance<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<&'static str, Provenance>, D::Error> {
    let read = BTreeMap::<String, Provenance>::deserialize(d)?;
    Ok(read.into_iter().map(|(fact, provenance)| (crate::diagnostics::intern(fact), provenance)).collect())
}

fn serialize_date<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kinds_name_is_the_one_inspect_prints() {
        for kind in [Kind::Postmortem, Kind::Template, Kind::Prompt, Kind::List, Kind::Other] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
