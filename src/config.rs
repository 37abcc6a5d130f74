//! `site.toml` → [`Config`]: defaults, the root-cause taxonomy and section
//! synonyms, validated once so that parsing can stay a pure function of
//! `(path, bytes, &Config)`. An unusable config is the one fatal input error.

use crate::model::SectionKind;
use crate::tag_matcher::{TagMatcher, parse_rule};
use crate::zone::{Zone, parse_zone};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DEFAULT_TAXONOMY: &str = include_str!("default_taxonomy.toml");

/// Why a config cannot be used. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The validated configuration of one archive.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder that holds `site.toml` (paths below are relative to it).
    pub root: PathBuf,
    pub title: String,
    pub base_url: String,
    pub description: String,
    /// Zone used for files that write none (`tz_assumed`).
    pub default_timezone: Zone,
    pub theme: String,
    pub content_dir: PathBuf,
    /// File extensions read as postmortems, lower-case, without the dot.
    pub extensions: Vec<String>,
    pub taxonomy: Taxonomy,
    /// Extra heading phrases per section kind, added to the built-in ones.
    pub section_synonyms: Vec<(String, SectionKind)>,
    /// Sections every postmortem should have (`check` warns otherwise).
    pub required_sections: Vec<SectionKind>,
    pub recurrence_window_days: u32,
    /// Where `coroner build` writes the site.
    pub output_dir: PathBuf,
    /// Where the search index lives (outside the published site).
    pub index_dir: PathBuf,
    /// Incidents per page of every list.
    pub paginate: usize,
    /// Publish raw HTML from the markdown as written instead of sanitising it.
    pub unsafe_html: bool,
    /// When `coroner search` starts a watcher of its own (`[search] watcher`).
    pub search_watcher: SearchWatcher,
    /// How long that watcher stays without a search (`[search] watcher_idle`).
    pub search_watcher_idle: std::time::Duration,
    /// Free-form `[extra]` table for templates.
    pub extra: toml::Table,
}

/// When a search that finds no watcher vouching for the index starts one
/// (see `crate::watching::watch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchWatcher {
    /// At a terminal, outside CI: where the next search comes soon.
    Auto,
    Always,
    Never,
}

/// The default `[search] watcher_idle`: a while of looking things up.
const WATCHER_IDLE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Root-cause tags with their match rules, checked when loaded.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub tags: Vec<TagRule>,
    /// Tag i's `match` rules, with `\b` made ASCII, then (as matcher tag
    /// n + i, of n tags) its `hints`.
    rules: Vec<Vec<String>>,
    /// Parsed and compiled on first use: `coroner search` on a current
    /// index never needs it, and parsing the built-in rules alone was most
    /// of loading the config. The site's own rules are checked on loading.
    matcher: std::sync::OnceLock<TagMatcher>,
    /// The matcher cloned once per parsing thread (see `per_thread`: a
    /// regex shared by threads takes a lock on every search).
    matcher_clones: MatcherClones,
    /// How much a match counts by where it is found.
    pub weights: EvidenceWeights,
    /// The score a tag's evidence must reach for the tag to be inferred.
    pub threshold: f64,
    /// The share of its place's weight a hint counts.
    pub hint_weight: f64,
    /// Every tag's name and aliases as [`Taxonomy::closest`] compares
    /// them, made on first use (from `tags`, which nothing changes after
    /// the taxonomy is built).
    spellings: std::sync::OnceLock<Vec<Spelling>>,
}

/// A tag's name or alias, normalised ([`normalize_tag`]), with its letters
/// counted: a bound on its edit distance to another name without the
/// distance itself.
#[derive(Debug, Clone)]
struct Spelling {
    /// Index of its tag in `Taxonomy::tags`.
    tag: usize,
    text: String,
    letters: Letters,
}

/// A text's characters, each with how many times it occurs, sorted.
#[derive(Debug, Clone)]
struct Letters {
    counts: Vec<(char, usize)>,
    len: usize,
}

impl Letters {
    fn of(text: &str) -> Letters {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        let mut counts: Vec<(char, usize)> = Vec::new();
        for c in &chars {
            match counts.last_mut() {
                Some((last, n)) if last == c => *n += 1,
                _ => counts.push((*c, 1)),
            }
        }
        Letters { counts, len: chars.len() }
    }

    /// The bag distance to `other`: a lower bound on the edit distance
    /// (each edit changes the count of at most one letter of each side),
    /// and on the difference in length.
    fn bag_distance(&self, other: &Letters) -> usize {
        let (a, b) = (&self.counts, &other.counts);
        let (mut i, mut j, mut common) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += a[i].1.min(b[j].1);
                    (i, j) = (i + 1, j + 1);
                }
            }
        }
        (self.len - common).max(other.len - common)
    }
}

/// Per-thread clones of the taxonomy's matcher. A cloned config starts
/// with none: each thread clones the compiled matcher again on first use.
#[derive(Default)]
struct MatcherClones(thread_local::ThreadLocal<TagMatcher>);

impl Clone for MatcherClones {
    fn clone(&self) -> Self {
        MatcherClones::default()
    }
}

impl std::fmt::Debug for MatcherClones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatcherClones")
    }
}

/// How much one match of a tag's rules counts, by where it is found: a
/// cause named in the root-cause section says more than one named in the
/// timeline. From `[taxonomy.weights]` over the built-in ones.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceWeights {
    pub title: f64,
    /// What a sentence says followed from the cause ("… led to a cascade
    /// of failures"), wherever it is: the mechanism of a failure is a
    /// cause, its victim not.
    pub consequence: f64,
    /// One weight per [`SectionKind::ALL`], in that order.
    sections: [f64; SectionKind::ALL.len()],
}

/// The place of a match its sentence gives as a consequence.
pub const CONSEQUENCE: &str = "consequence";

impl EvidenceWeights {
    pub fn of(&self, kind: SectionKind) -> f64 {
        SectionKind::ALL.iter().position(|k| *k == kind).map_or(0.0, |i| self.sections[i])
    }

    /// The weight of a place named `title` or by a section kind.
    pub fn of_place(&self, name: &str) -> f64 {
        match SectionKind::parse(name) {
            _ if name == "title" => self.title,
            _ if name == CONSEQUENCE => self.consequence,
            Some(kind) => self.of(kind),
            None => 0.0,
        }
    }

    /// The weights named in `written` set over `self`; an unknown name is an error.
    fn with(mut self, written: &BTreeMap<String, f64>) -> Result<Self, String> {
        for (name, weight) in written {
            if !weight.is_finite() || *weight < 0.0 {
                return Err(format!("taxonomy.weights.{name} = {weight}: a weight is a number, 0 or more"));
            }
            match SectionKind::parse(name) {
                _ if name == "title" => self.title = *weight,
                _ if name == CONSEQUENCE => self.consequence = *weight,
                Some(kind) => {
                    let i = SectionKind::ALL.iter().position(|k| *k == kind).unwrap_or_default();
                    self.sections[i] = *weight;
                }
                None => {
                    return Err(format!(
                        "taxonomy.weights: unknown place {name:?}; known: title, consequence, {}",
                        kind_names()
                    ));
                }
            }
        }
        Ok(self)
    }
}

#[derive(Debug, Clone)]
pub struct TagRule {
    pub name: String,
    pub label: String,
    pub description: String,
    /// Normalised ([`normalize_tag`]) when the taxonomy is built.
    pub aliases: Vec<String>,
    /// The taxonomy's weights with this tag's own over them: a monitoring
    /// gap is told where detection is discussed, not in the root cause.
    pub weights: EvidenceWeights,
}

impl Taxonomy {
    /// The tag a [`TagMatch`](crate::tag_matcher::TagMatch) of the matcher
    /// is for, and whether it matched one of the tag's hints.
    pub fn tag_of(&self, matched: usize) -> (usize, bool) {
        let n = self.tags.len();
        if matched >= n { (matched - n, true) } else { (matched, false) }
    }

    /// Every tag's `match` rules, compiled to find them all in one pass
    /// (see [`TagMatcher`]); this thread's clone of it.
    pub fn matcher(&self) -> &TagMatcher {
        self.matcher_clones.0.get_or(|| self.compiled_matcher().clone())
    }

    fn compiled_matcher(&self) -> &TagMatcher {
        self.matcher.get_or_init(|| {
            // Every rule parsed when the config was loaded (the built-in
            // ones by a test).
            TagMatcher::new(&self.rules)
        })
    }

    /// The canonical tag for a name or alias (case and `_`/space insensitive).
    pub fn canonical(&self, name: &str) -> Option<&str> {
        let wanted = normalize_tag(name);
        self.tags.iter().find(|t| t.name == wanted || t.aliases.contains(&wanted)).map(|t| t.name.as_str())
    }

    pub fn get(&self, name: &str) -> Option<&TagRule> {
        self.tags.iter().find(|t| t.name == name)
    }

    /// The known tag closest to an unknown one, for search's typos.
    pub fn nearest(&self, name: &str) -> Option<&str> {
        self.closest(name, 0.5)
    }

    /// The tag a front-matter keyword was probably meant to be
    /// (`databse`), for `check`'s hint: closer than [`Taxonomy::nearest`]
    /// asks, so that topics (`cloud`, `postmortem`) are left alone.
    pub fn misspelled(&self, name: &str) -> Option<&str> {
        self.closest(name, 0.75)
    }

    /// The tag whose name or an alias is the most like `name` (normalised
    /// Levenshtein similarity, the last of equals), when that similarity is
    /// `at_least`. A spelling whose bag distance says it can reach neither
    /// `at_least` nor the best so far is not compared letter by letter:
    /// `check` asks for every keyword (thousands in one file, each
    /// compared with every spelling), and most are no tag's.
    fn closest(&self, name: &str, at_least: f64) -> Option<&str> {
        let spellings = self.spellings.get_or_init(|| {
            let of = |(tag, text): (usize, String)| Spelling { letters: Letters::of(&text), tag, text };
            let named = self
                .tags
                .iter()
                .enumerate()
                .flat_map(|(i, t)| std::iter::once(&t.name).chain(&t.aliases).map(move |n| (i, normalize_tag(n))));
            named.map(of).collect()
        });
        let wanted = normalize_tag(name);
        let letters = Letters::of(&wanted);
        let mut best: Option<(f64, usize)> = None;
        for spelling in spellings {
            let longest = letters.len.max(spelling.letters.len);
            if longest > 0 {
                let can_reach = |distance: usize| {
                    let bound = 1.0 - (distance as f64) / (longest as f64);
                    bound >= at_least && best.is_none_or(|(score, _)| bound >= score)
                };
                // The lengths first: the bag distance is at least their difference.
                if !can_reach(letters.len.abs_diff(spelling.letters.len))
                    || !can_reach(letters.bag_distance(&spelling.letters))
                {
                    continue;
                }
            }
            let score = strsim::normalized_levenshtein(&wanted, &spelling.text);
            if score >= at_least && best.is_none_or(|(top, _)| score >= top) {
                best = Some((score, spelling.tag));
            }
        }
        best.map(|(_, tag)| self.tags[tag].name.as_str())
    }
}

/// `\b` → an ASCII word boundary. Unicode ones stop regex's fast engine on
/// any non-ASCII text (an em dash is enough), and coroner's patterns name
/// English words. Here, below ingest, because the taxonomy's rules get it too.
pub fn ascii_word_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

/// Tags are compared lower-case with `-` for spaces and underscores.
pub fn normalize_tag(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '_'], "-")
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    title: Option<String>,
    base_url: Option<String>,
    description: Option<String>,
    default_timezone: Option<String>,
    theme: Option<String>,
    recurrence_window_days: Option<u32>,
    output_dir: Option<PathBuf>,
    index_dir: Option<PathBuf>,
    paginate: Option<usize>,
    unsafe_html: Option<bool>,
    #[serde(default)]
    content: ContentToml,
    #[serde(default)]
    sections: SectionsToml,
    #[serde(default)]
    taxonomy: TaxonomyToml,
    #[serde(default)]
    search: SearchToml,
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SearchToml {
    watcher: Option<SearchWatcher>,
    /// A duration: `"15m"`, `"90s"`, `"1h"`.
    watcher_idle: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ContentToml {
    dir: Option<PathBuf>,
    extensions: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SectionsToml {
    required: Option<Vec<String>>,
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TaxonomyToml {
    #[serde(default)]
    replace: bool,
    /// The score a tag's evidence must reach to be inferred.
    threshold: Option<f64>,
    /// The share of its place's weight a match of a tag's `hints` counts.
    hint_weight: Option<f64>,
    /// Weight of a match by where it is: `title` or a section kind.
    #[serde(default)]
    weights: BTreeMap<String, f64>,
    #[serde(default)]
    tags: BTreeMap<String, TagToml>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct TagToml {
    label: Option<String>,
    description: Option<String>,
    aliases: Option<Vec<String>>,
    #[serde(rename = "match")]
    patterns: Option<Vec<String>>,
    /// Rules that only name the part or the symptom ("the database",
    /// "saturated"): matched like `match`, they count at `hint_weight`.
    hints: Option<Vec<String>>,
    /// Weights by place for this tag's matches, over `[taxonomy.weights]`.
    weights: Option<BTreeMap<String, f64>>,
}

/// The configuration file's name, in the site's root folder.
pub const FILE_NAME: &str = "site.toml";

impl Config {
    /// Read `root/site.toml`; a missing file gives the defaults, so coroner
    /// works in any folder.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(root, &path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::from_toml(root, &path, ""),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// The defaults, as if `site.toml` were empty.
    pub fn default_for(root: &Path) -> Config {
        Config::from_toml(root, &root.join(FILE_NAME), "").expect("the built-in defaults are valid")
    }

    pub fn from_toml(root: &Path, path: &Path, text: &str) -> Result<Config, ConfigError> {
        let site: SiteToml = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: format!("{} (see the site.toml reference in the README)", e.message().trim()),
        })?;
        let invalid = |message: String| ConfigError::Invalid { path: path.to_path_buf(), message };

        let tz_text = site.default_timezone.unwrap_or_else(|| "UTC".to_string());
        let default_timezone = parse_zone(&tz_text).ok_or_else(|| {
            invalid(format!(
                "default_timezone = {tz_text:?} is not a zone coroner knows; use an abbreviation (UTC, PST, CET) or an offset such as \"+01:00\""
            ))
        })?;

        let required_sections = match site.sections.required {
            Some(names) => names
                .iter()
                .map(|n| {
                    SectionKind::parse(n).ok_or_else(|| {
                        invalid(format!("sections.required: unknown section kind {n:?}; known kinds: {}", kind_names()))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => vec![SectionKind::Summary, SectionKind::Timeline, SectionKind::RootCause, SectionKind::ActionItems],
        };

        let mut section_synonyms = Vec::new();
        for (kind_name, phrases) in &site.sections.synonyms {
            let kind = SectionKind::parse(kind_name).ok_or_else(|| {
                invalid(format!("sections.synonyms: unknown section kind {kind_name:?}; known kinds: {}", kind_names()))
            })?;
            section_synonyms.extend(phrases.iter().map(|p| (p.to_lowercase(), kind)));
        }

        let taxonomy = build_taxonomy(&site.taxonomy).map_err(invalid)?;
        let paginate = match site.paginate {
            Some(0) => return Err(invalid("paginate = 0: a list page must show at least one incident".into())),
            n => n.unwrap_or(50),
        };
        let search_watcher_idle = match &site.search.watcher_idle {
            None => WATCHER_IDLE,
            Some(text) => text
                .parse::<jiff::SignedDuration>()
                .ok()
                .and_then(|d| std::time::Duration::try_from(d).ok())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    invalid(format!("[search] watcher_idle = {text:?}: a duration above 0, like \"15m\" or \"90s\""))
                })?,
        };
        let extensions = site
            .content
            .extensions
            .unwrap_or_else(|| vec!["md".into(), "markdown".into(), "txt".into()])
            .into_iter()
            .map(|e| e.trim_start_matches('.').to_lowercase())
            .collect();

        Ok(Config {
            root: root.to_path_buf(),
            title: site.title.unwrap_or_else(|| "Postmortems".to_string()),
            base_url: site.base_url.unwrap_or_else(|| "/".to_string()),
            description: site.description.unwrap_or_default(),
            default_timezone,
            theme: site.theme.unwrap_or_else(|| "default".to_string()),
            content_dir: root.join(site.content.dir.unwrap_or_else(|| PathBuf::from("content"))),
            extensions,
            taxonomy,
            section_synonyms,
            required_sections,
            recurrence_window_days: site.recurrence_window_days.unwrap_or(90),
            output_dir: root.join(site.output_dir.unwrap_or_else(|| PathBuf::from("public"))),
            index_dir: root.join(site.index_dir.unwrap_or_else(|| PathBuf::from(".coroner/index"))),
            paginate,
            unsafe_html: site.unsafe_html.unwrap_or(false),
            search_watcher: site.search.watcher.unwrap_or(SearchWatcher::Auto),
            search_watcher_idle,
            extra: site.extra,
        })
    }
}

fn kind_names() -> String {
    SectionKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
}

/// Merge the site's `[taxonomy]` over the built-in one and compile the rules.
fn build_taxonomy(site: &TaxonomyToml) -> Result<Taxonomy, String> {
    let mut merged: BTreeMap<String, TagToml> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut site_rules = std::collections::BTreeSet::new();
    let mut defaults: TaxonomyToml = toml::from_str(DEFAULT_TAXONOMY).map_err(|e| e.to_string())?;
    if !site.replace {
        // Keep the documented order of the default file, not BTreeMap order.
        for line in DEFAULT_TAXONOMY.lines() {
            if let Some(name) = line.strip_prefix("[tags.").and_then(|l| l.strip_suffix(']')) {
                order.push(name.to_string());
            }
        }
        merged = std::mem::take(&mut defaults.tags);
    }
    for (name, tag) in &site.tags {
        let name = normalize_tag(name);
        let entry = merged.entry(name.clone()).or_default();
        if tag.label.is_some() {
            entry.label.clone_from(&tag.label);
        }
        if tag.description.is_some() {
            entry.description.clone_from(&tag.description);
        }
        if tag.aliases.is_some() {
            entry.aliases.clone_from(&tag.aliases);
        }
        if tag.patterns.is_some() {
            entry.patterns.clone_from(&tag.patterns);
            site_rules.insert(name.clone());
        }
        if tag.hints.is_some() {
            entry.hints.clone_from(&tag.hints);
            site_rules.insert(name.clone());
        }
        if tag.weights.is_some() {
            entry.weights.clone_from(&tag.weights);
        }
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let zero = EvidenceWeights { title: 0.0, consequence: 0.0, sections: [0.0; SectionKind::ALL.len()] };
    let weights = zero.with(&defaults.weights)?.with(&site.weights)?;
    let threshold = site.threshold.or(defaults.threshold).unwrap_or(1.0);
    if !threshold.is_finite() || threshold <= 0.0 {
        return Err(format!("taxonomy.threshold = {threshold}: the threshold is a number above 0"));
    }
    let hint_weight = site.hint_weight.or(defaults.hint_weight).unwrap_or(1.0);
    if !hint_weight.is_finite() || hint_weight < 0.0 {
        return Err(format!("taxonomy.hint_weight = {hint_weight}: the hint weight is a number of 0 or more"));
    }
    let mut tags = Vec::with_capacity(order.len());
    let mut rules = Vec::with_capacity(order.len());
    let mut hints: Vec<Vec<String>> = Vec::with_capacity(order.len());
    for name in order {
        let Some(tag) = merged.remove(&name) else { continue };
        let hinted = tag.hints.as_ref().map_or(0, Vec::len);
        let written: Vec<String> =
            tag.patterns.unwrap_or_default().into_iter().chain(tag.hints.unwrap_or_default()).collect();
        let mut patterns: Vec<String> = written.iter().map(|p| ascii_word_boundaries(p)).collect();
        // The site's own rules are checked now, one at a time so that an
        // error names the bad one; the built-in ones by a test. A tag
        // without rules never matches.
        if site_rules.contains(&name) {
            for (p, pattern) in written.iter().zip(&patterns) {
                parse_rule(pattern).map_err(|e| format!("taxonomy.tags.{name}: bad match pattern {p:?}: {e}"))?;
            }
        }
        hints.push(patterns.split_off(written.len() - hinted));
        rules.push(patterns);
        let tag_weights = weights
            .clone()
            .with(&tag.weights.unwrap_or_default())
            .map_err(|e| e.replace("taxonomy.weights", &format!("taxonomy.tags.{name}.weights")))?;
        tags.push(TagRule {
            label: tag.label.unwrap_or_else(|| name.clone()),
            description: tag.description.unwrap_or_default(),
            aliases: tag.aliases.unwrap_or_default().iter().map(|a| normalize_tag(a)).collect(),
            weights: tag_weights,
            name,
        });
    }
    let matcher_clones = MatcherClones::default();
    rules.extend(hints);
    Ok(Taxonomy {
        tags,
        rules,
        matcher: std::sync::OnceLock::new(),
        matcher_clones,
        weights,
        threshold,
        hint_weight,
        spellings: std::sync::OnceLock::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(Path::new("."), Path::new("site.toml"), text)
    }

    #[test]
    fn empty_site_toml_gives_the_default_taxonomy_in_documented_order() {
        let config = load("").unwrap();
        let names: Vec<_> = config.taxonomy.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), 18);
        assert_eq!(names[0], "config-change");
        assert_eq!(names[17], "automation");
        assert_eq!(config.default_timezone.text, "UTC");
        assert_eq!(config.recurrence_window_days, 90);
    }

    /// The built-in rules are not checked when the config loads.
    #[test]
    fn every_built_in_rule_parses_and_tags_what_it_names() {
        let taxonomy = load("").unwrap().taxonomy;
        for (tag, rules) in taxonomy.tags.iter().zip(&taxonomy.rules) {
            assert!(!rules.is_empty(), "{} has no rules", tag.name);
        }
        for (i, rules) in taxonomy.rules.iter().enumerate() {
            let (tag, _) = taxonomy.tag_of(i);
            for rule in rules {
                assert!(parse_rule(rule).is_ok(), "{}: {rule}", taxonomy.tags[tag].name);
            }
        }
        let hinted = taxonomy.matcher().find_all("the database");
        assert_eq!(hinted.iter().map(|m| taxonomy.tag_of(m.tag)).collect::<Vec<_>>(), [(3, true)]);
        assert_eq!(taxonomy.tags[3].name, "database");
        let found = taxonomy.matcher().find_all("the config change was never reviewed");
        let names: Vec<_> = found.iter().map(|m| taxonomy.tags[m.tag].name.as_str()).collect();
        assert_eq!(names, ["config-change"]);
    }

    #[test]
    fn aliases_map_onto_canonical_tags() {
        let config = load("").unwrap();
        assert_eq!(config.taxonomy.canonical("Misconfiguration"), Some("config-change"));
        assert_eq!(config.taxonomy.canonical("DB"), Some("database"));
        assert_eq!(config.taxonomy.canonical("postmortem"), None);
        assert_eq!(config.taxonomy.nearest("databse"), Some("database"));
    }

    /// The closest tag as every spelling compared letter by letter gives it.
    fn closest_compared_all(taxonomy: &Taxonomy, name: &str, at_least: f64) -> Option<String> {
        let wanted = normalize_tag(name);
        taxonomy
            .tags
            .iter()
            .flat_map(|t| std::iter::once(&t.name).chain(&t.aliases).map(move |n| (t.name.as_str(), n)))
            .map(|(tag, n)| (strsim::normalized_levenshtein(&wanted, &normalize_tag(n)), tag))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(score, _)| *score >= at_least)
            .map(|(_, tag)| tag.to_string())
    }

    #[test]
    fn the_closest_tag_is_the_one_every_comparison_finds() {
        let config =
            load("[taxonomy.tags.dbs]\nmatch = ['x']\n[taxonomy.tags.ddos-attack]\naliases = ['Réseau', 'dns ']\n")
                .unwrap();
        let taxonomy = &config.taxonomy;
        let mut names = vec![String::new(), "databse".into(), "db".into(), "d".into(), "DNS".into(), "reseau".into()];
        names.extend(
            ["réseaux", "cloud", "postmortem", "topic-00042", "certifcate", "human error", "ddos_atack"]
                .map(String::from),
        );
        for t in &taxonomy.tags {
            for n in std::iter::once(&t.name).chain(&t.aliases) {
                let mut chars: Vec<char> = n.chars().collect();
                names.push(n.clone());
                chars.rotate_left(1);
                names.push(chars.iter().collect());
                chars.truncate(chars.len().saturating_sub(2));
                names.push(chars.iter().collect());
            }
        }
        for name in &names {
            for at_least in [0.0, 0.5, 0.75] {
                let expected = closest_compared_all(taxonomy, name, at_least);
                assert_eq!(taxonomy.closest(name, at_least).map(str::to_string), expected, "{name:?} at {at_least}");
            }
        }
        assert_eq!(taxonomy.misspelled("databse"), Some("database"));
        assert_eq!(taxonomy.misspelled("cloud"), None);
    }

    #[test]
    fn site_tags_extend_or_replace_the_taxonomy() {
        let extended = load("[taxonomy.tags.queue]\nlabel = \"Queue\"\nmatch = ['kafka']\n").unwrap();
        assert_eq!(extended.taxonomy.tags.len(), 19);
        let replaced = load("[taxonomy]\nreplace = true\n[taxonomy.tags.queue]\nmatch = ['kafka']\n").unwrap();
        assert_eq!(replaced.taxonomy.tags.len(), 1);
    }

    #[test]
    fn unusable_values_are_errors_that_say_what_to_do() {
        let err = load("default_timezone = \"Mars/Olympus\"").unwrap_err().to_string();
        assert!(err.contains("offset such as"), "{err}");
        let err = load("[taxonomy.tags.x]\nmatch = ['(']").unwrap_err().to_string();
        assert!(err.contains("bad match pattern"), "{err}");
        // A built-in tag's rules replaced by the site's are the site's.
        let err = load("[taxonomy.tags.Database]\nmatch = ['ok', 'db[']").unwrap_err().to_string();
        assert!(err.contains("taxonomy.tags.database: bad match pattern \"db[\""), "{err}");
        let err = load("[sections]\nrequired = [\"summry\"]").unwrap_err().to_string();
        assert!(err.contains("unknown section kind"), "{err}");
        assert!(load("titel = 1").is_err());
        for idle in ["0s", "soon", "-5m"] {
            let err = load(&format!("[search]\nwatcher_idle = \"{idle}\"")).unwrap_err().to_string();
            assert!(err.contains("a duration above 0, like \"15m\""), "{err}");
        }
    }

    #[test]
    fn the_search_watcher_is_auto_and_idles_out_after_15_minutes_unless_told() {
        let default = load("").unwrap();
        assert_eq!((default.search_watcher, default.search_watcher_idle), (SearchWatcher::Auto, WATCHER_IDLE));
        let set = load("[search]\nwatcher = \"never\"\nwatcher_idle = \"90s\"").unwrap();
        assert_eq!((set.search_watcher, set.search_watcher_idle.as_secs()), (SearchWatcher::Never, 90));
    }
}
