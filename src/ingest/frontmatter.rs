//! Front matter: a YAML (`---`) or TOML (`+++`) block at the top of a file.
//! Split off by hand so that a broken block is reported at its source line
//! and the body is still read; parsed into a generic value first and typed
//! key by key so that one bad key never loses the others.

use crate::diagnostics::Diagnostic;
use crate::per_thread::PerThread;
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterFormat {
    Yaml,
    Toml,
}

/// The keys coroner knows, typed; everything else in `extra`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    pub format: Option<FrontMatterFormat>,
    pub title: Option<String>,
    pub id: Option<String>,
    pub date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration: Option<String>,
    pub severity: Option<String>,
    pub services: Vec<String>,
    pub tags: Vec<String>,
    /// Topics that are not causes (`keywords`).
    pub keywords: Vec<String>,
    /// Where the report was first published.
    pub url: Option<String>,
    /// What the document is, as written (`postmortem`, `template`…).
    pub kind: Option<String>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    pub draft: Option<bool>,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// keys coroner does not know, values as written
    pub extra: BTreeMap<String, Value>,
    /// 1-based source line of every top-level key (known keys under their
    /// canonical name, unknown keys under their own name)
    pub key_lines: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub front_matter: Option<FrontMatter>,
    /// the text with the front-matter block (fences included) replaced by
    /// empty lines, so it has exactly as many lines as the input
    pub body: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Split front matter off by hand (YAML between `---` lines, closing `---`
/// or `...`; TOML between `+++` lines). The opening fence must be the first
/// non-blank line.
pub fn split(text: &str) -> Split {
    // Most files have none: no need to split them into lines.
    if text.split('\n').find(|l| !l.trim().is_empty()).and_then(fence_format).is_none() {
        return Split { front_matter: None, body: text.to_string(), diagnostics: Vec::new() };
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    let (front_matter, blank_to, diagnostics) = find(&lines).unwrap_or((None, None, vec![]));
    let body = match blank_to {
        Some(close) => {
            lines[..=close].fill("");
            lines.join("\n")
        }
        None => text.to_string(),
    };
    Split { front_matter, body, diagnostics }
}

/// The front matter, the index of the closing fence when the block is to be
/// blanked, and diagnostics; `None` when there is no fenced block.
fn find(lines: &[&str]) -> Option<(Option<FrontMatter>, Option<usize>, Vec<Diagnostic>)> {
    let open = lines.iter().position(|l| !l.trim().is_empty())?;
    let format = fence_format(lines[open])?;
    let closes = |l: &&str| match format {
        FrontMatterFormat::Yaml => matches!(l.trim_end(), "---" | "..."),
        FrontMatterFormat::Toml => l.trim_end() == "+++",
    };
    let close = open + 1 + lines[open + 1..].iter().position(closes)?;
    let block_lines = &lines[open + 1..close];
    let block = block_lines.join("\n");
    let fence = line_no(open);
    let (parsed, kind) = match format {
        FrontMatterFormat::Yaml => (parse_yaml(&block), "YAML"),
        FrontMatterFormat::Toml => (parse_toml(&block), "TOML"),
    };
    Some(match parsed {
        Ok(Some(map)) => {
            let (fm, diagnostics) = build(map, block_lines, fence, format);
            (Some(fm), Some(close), diagnostics)
        }
        Err((line, column, message)) if looks_like_mapping(block_lines) => {
            let line = fence.saturating_add(line).min(line_no(close));
            let message = format!("invalid {kind} front matter: {message}");
            let error = Diagnostic::error("front-matter-invalid", line, message)
                .at_column(column)
                .with_help("fix the front matter; the body was still read");
            (None, Some(close), vec![error])
        }
        _ => {
            let message = format!("lines {fence}–{} are not a `key: value` mapping: read as markdown", close + 1);
            let info = Diagnostic::info("front-matter-not-mapping", fence, message);
            (None, None, vec![info])
        }
    })
}

/// The front-matter format an opening fence line starts.
fn fence_format(line: &str) -> Option<FrontMatterFormat> {
    match line.trim_end() {
        "---" => Some(FrontMatterFormat::Yaml),
        "+++" => Some(FrontMatterFormat::Toml),
        _ => None,
    }
}

fn line_no(index: usize) -> u32 {
    to_u32(index + 1)
}

fn to_u32(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

/// A parse error: 1-based line and column inside the block, and message.
type ParseError = (u32, u32, String);

/// `Ok(None)` when the block is valid but not a mapping.
fn parse_yaml(block: &str) -> Result<Option<Map<String, Value>>, ParseError> {
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::FirstWins,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
    };
    match serde_saphyr::from_str_with_options::<Value>(block, options) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(Value::Null) => Ok(Some(Map::new())),
        Ok(_) => Ok(None),
        Err(e) => {
            let (line, column) = e.location().map_or((1, 0), |l| (l.line(), l.column()));
            let text = e.to_string();
            // Drop saphyr's "error: line 2 column 1: " prefix and snippet;
            // the diagnostic carries the source position.
            let first = text.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let message = match first.split_once(": ") {
                Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
                _ => first,
            };
            Err((to_u32(line), to_u32(column), message.to_owned()))
        }
    }
}

fn parse_toml(block: &str) -> Result<Option<Map<String, Value>>, ParseError> {
    match block.parse::<toml::Table>() {
        Ok(table) => Ok(Some(table.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())),
        Err(e) => {
            let start = e.span().map_or(0, |s| s.start);
            let before = block.get(..start).unwrap_or(block);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err((to_u32(line), to_u32(column), e.message().to_owned()))
        }
    }
}

/// TOML values as JSON; datetimes become their text.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::String(f.to_string()), Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// `key:` (YAML) or `key =` (TOML) at the start of a line.
static KEY: PerThread<Regex> =
    PerThread::new(|| Regex::new(r#"^("[^"]*"|'[^']*'|[\w-][\w.-]*)\s*(:(\s|$)|=)"#).expect("valid regex"));

/// Whether a block that failed to parse was meant as front matter: its
/// first line is `key:` and so are most top-level lines. Markdown after a
/// `---` thematic break may start with `Date: …` but is mostly prose.
fn looks_like_mapping(block_lines: &[&str]) -> bool {
    let mut lines = block_lines.iter().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some(first) = lines.next() else {
        return true;
    };
    let top: Vec<&&str> = lines.filter(|l| !l.starts_with([' ', '\t', '-', '['])).collect();
    let keys = top.iter().filter(|l| KEY.is_match(l)).count();
    KEY.is_match(first.trim_start()) && keys * 2 >= top.len()
}

/// Source lines where each top-level key is written, by key: no
/// indentation, then `key:`/`key =` (quoted or not). In TOML, keys after
/// the first `[table]` header belong to tables. One pass, however many keys.
fn key_lines<'a>(block_lines: &[&'a str], fence: u32, format: FrontMatterFormat) -> HashMap<&'a str, Vec<u32>> {
    let mut found: HashMap<&str, Vec<u32>> = HashMap::new();
    for (k, line) in block_lines.iter().enumerate() {
        if format == FrontMatterFormat::Toml && line.trim_start().starts_with('[') {
            break;
        }
        if let Some(key) = written_key(line, format) {
            found.entry(key).or_default().push(fence.saturating_add(line_no(k)));
        }
    }
    found
}

/// The key a line starts with, without its quotes: a quoted key, or what
/// comes before the first `: ` (YAML) or `=` (TOML).
fn written_key(line: &str, format: FrontMatterFormat) -> Option<&str> {
    let sep = if format == FrontMatterFormat::Yaml { ':' } else { '=' };
    let (key, rest) = match line.chars().next()? {
        quote @ ('"' | '\'') => {
            let end = 1 + line[1..].find(quote)?;
            (&line[1..end], &line[end + 1..])
        }
        _ => {
            let end = match format {
                FrontMatterFormat::Yaml => line
                    .match_indices(':')
                    .map(|(i, _)| i)
                    .find(|&i| line[i + 1..].chars().next().is_none_or(char::is_whitespace))?,
                FrontMatterFormat::Toml => line.find('=')?,
            };
            (line[..end].trim_end(), &line[end..])
        }
    };
    rest.trim_start().starts_with(sep).then_some(key)
}

/// Types the mapping key by key, in the order the keys are written.
fn build(
    map: Map<String, Value>,
    block_lines: &[&str],
    fence: u32,
    format: FrontMatterFormat,
) -> (FrontMatter, Vec<Diagnostic>) {
    let mut fm = FrontMatter { format: Some(format), ..FrontMatter::default() };
    let mut diagnostics = Vec::new();
    let mut entries: Vec<(u32, String, Value)> = Vec::new();
    let written = key_lines(block_lines, fence, format);
    for (key, value) in map {
        let lines = written.get(key.as_str()).map_or(&[][..], Vec::as_slice);
        for dup in lines.iter().skip(1) {
            let message = format!("front-matter key `{key}` is repeated; the first value is used");
            diagnostics.push(Diagnostic::warning("front-matter-duplicate", *dup, message));
        }
        // A key the scan cannot place (flow style) points at the fence.
        entries.push((lines.first().copied().unwrap_or(fence), key, value));
    }
    entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (line, key, value) in entries {
        let Some((canon, slot)) = known(&mut fm, &key) else {
            fm.key_lines.insert(key.clone(), line);
            fm.extra.insert(key, value);
            continue;
        };
        match set(slot, &value) {
            Outcome::Used => {
                fm.key_lines.insert(canon.to_owned(), line);
            }
            Outcome::Noted => {
                fm.key_lines.entry(canon.to_owned()).or_insert(line);
            }
            outcome => {
                if let Outcome::Wrong(expected) = outcome {
                    let message = format!("front-matter key `{key}` should be {expected}; kept as an extra field");
                    let help = format!("write `{key}` as {expected}");
                    diagnostics.push(Diagnostic::warning("front-matter-type", line, message).with_help(help));
                }
                fm.key_lines.entry(key.clone()).or_insert(line);
                fm.extra.entry(key).or_insert(value);
            }
        }
    }
    (fm, diagnostics)
}

/// Where a known key's value goes.
enum Slot<'a> {
    Text(&'a mut Option<String>),
    List(&'a mut Vec<String>),
    Flag(&'a mut Option<bool>),
}

/// The canonical name and field of a known key (case-insensitive, `-` as `_`).
fn known<'a>(fm: &'a mut FrontMatter, key: &str) -> Option<(&'static str, Slot<'a>)> {
    Some(match key.to_lowercase().replace('-', "_").as_str() {
        "title" => ("title", Slot::Text(&mut fm.title)),
        "id" | "slug" => ("id", Slot::Text(&mut fm.id)),
        "date" => ("date", Slot::Text(&mut fm.date)),
        "start" | "start_time" | "started" | "started_at" | "start_date" => ("start", Slot::Text(&mut fm.start)),
        "end" | "end_time" | "ended" | "ended_at" | "end_date" | "resolved_at" => ("end", Slot::Text(&mut fm.end)),
        "duration" => ("duration", Slot::Text(&mut fm.duration)),
        "severity" | "sev" | "priority" => ("severity", Slot::Text(&mut fm.severity)),
        "services" | "service" | "product" | "products" | "company" | "systems" | "components"
        | "affected_services" => ("services", Slot::List(&mut fm.services)),
        "tags" | "root_cause" | "root_causes" | "categories" | "category" => ("tags", Slot::List(&mut fm.tags)),
        "keywords" | "keyword" | "topics" => ("keywords", Slot::List(&mut fm.keywords)),
        "url" | "source_url" => ("url", Slot::Text(&mut fm.url)),
        "kind" => ("kind", Slot::Text(&mut fm.kind)),
        "authors" | "author" => ("authors", Slot::List(&mut fm.authors)),
        "status" | "state" => ("status", Slot::Text(&mut fm.status)),
        "draft" => ("draft", Slot::Flag(&mut fm.draft)),
        "aliases" | "alias" => ("aliases", Slot::List(&mut fm.aliases)),
        "summary" | "description" | "excerpt" => ("summary", Slot::Text(&mut fm.summary)),
        _ => return None,
    })
}

/// What became of a known key's value: set; empty or merged into a list a
/// synonym filled first; lost to a synonym set first; of the wrong shape.
enum Outcome {
    Used,
    Noted,
    Lost,
    Wrong(&'static str),
}

/// Sets one known field: the first non-empty scalar wins, lists merge.
fn set(slot: Slot, value: &Value) -> Outcome {
    match slot {
        Slot::Text(_) if value.is_array() || value.is_object() => Outcome::Wrong("text"),
        Slot::Text(field) => match as_text(value) {
            None => Outcome::Noted,
            Some(_) if field.is_some() => Outcome::Lost,
            text => {
                *field = text;
                Outcome::Used
            }
        },
        Slot::Flag(field) => match as_flag(value) {
            Err(()) => Outcome::Wrong("true or false"),
            Ok(None) => Outcome::Noted,
            Ok(Some(_)) if field.is_some() => Outcome::Lost,
            Ok(flag) => {
                *field = flag;
                Outcome::Used
            }
        },
        Slot::List(field) => {
            let Some(items) = as_list(value) else {
                return Outcome::Wrong("a list or text");
            };
            let first = field.is_empty() && !items.is_empty();
            // A set, so that a list of thousands of tags stays linear.
            let mut seen: std::collections::HashSet<String> = field.iter().cloned().collect();
            for item in items {
                if seen.insert(item.clone()) {
                    field.push(item);
                }
            }
            if first { Outcome::Used } else { Outcome::Noted }
        }
    }
}

/// A scalar as its text; `None` for null, blank strings and non-scalars.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list of scalars, one scalar or a comma-separated string ("api, web");
/// `None` for a mapping or a list holding one.
fn as_list(value: &Value) -> Option<Vec<String>> {
    let items: Vec<String> = match value {
        Value::Array(items) if items.iter().any(|i| i.is_array() || i.is_object()) => return None,
        Value::Array(items) => items.iter().filter_map(as_text).collect(),
        Value::Object(_) => return None,
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        other => as_text(other).into_iter().collect(),
    };
    let items = items.iter().map(|t| t.trim()).filter(|t| !t.is_empty());
    Some(items.map(str::to_owned).collect())
}

fn as_flag(value: &Value) -> Result<Option<bool>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "" => Ok(None),
            "true" | "yes" | "on" => Ok(Some(true)),
            "false" | "no" | "off" => Ok(Some(false)),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use serde_json::json;

    /// `line:column code` of each diagnostic.
    fn codes(s: &Split) -> Vec<String> {
        let d = s.diagnostics.iter();
        d.map(|d| format!("{}:{} {}", d.line, d.column, d.code)).collect()
    }

    #[test]
    fn yaml_is_typed_and_blanked() {
        let text = "\n---\ntitle: DB outage\nslug: db-1\nsev: 2\nservice: api, web\n\
                    tags: [db, \"\"]\nauthor: Ann\ndraft: false\nteam: sre\n---\n# B";
        let s = split(text);
        assert_eq!(s.body, "\n\n\n\n\n\n\n\n\n\n\n# B");
        assert_eq!(s.diagnostics, []);
        let f = s.front_matter.unwrap();
        assert_eq!(f.format, Some(FrontMatterFormat::Yaml));
        let texts = [f.title.as_deref(), f.id.as_deref(), f.severity.as_deref()];
        assert_eq!(texts, [Some("DB outage"), Some("db-1"), Some("2")]);
        assert_eq!([f.services, f.tags, f.authors].concat(), ["api", "web", "db", "Ann"]);
        assert_eq!(f.draft, Some(false));
        assert_eq!(f.extra, [("team".into(), json!("sre"))].into());
        let want =
            r#"{"authors": 8, "draft": 9, "id": 4, "services": 6, "severity": 5, "tags": 7, "team": 10, "title": 3}"#;
        assert_eq!(format!("{:?}", f.key_lines), want);
    }

    #[test]
    fn keys_are_placed_quoted_spaced_nested_and_repeated() {
        let text = "---\n'my key': 1\nurl: \"http://a.b/c: d\"\nservice : api\nteam:\n  url: x\nurl: again\n---\n";
        let s = split(text);
        assert_eq!(codes(&s), ["7:0 front-matter-duplicate"]);
        let want = r#"{"my key": 2, "services": 4, "team": 5, "url": 3}"#;
        assert_eq!(format!("{:?}", s.front_matter.unwrap().key_lines), want);
    }

    #[test]
    fn synonyms_merge_lists_and_first_scalar_wins() {
        let text = "---\nsummary: first\ncategories:\n- cloud\ndescription: second\n\
                    Tags: [db, cloud]\nStart_Time: \"\"\nstarted-at: 2020-04-21T01:30:00Z\n---\n";
        let f = split(text).front_matter.unwrap();
        assert_eq!(f.summary.as_deref(), Some("first"));
        assert_eq!(f.tags, ["cloud", "db"]);
        assert_eq!(f.start.as_deref(), Some("2020-04-21T01:30:00Z"));
        assert_eq!(f.extra, [("description".into(), json!("second"))].into());
        let want = r#"{"description": 5, "start": 8, "summary": 2, "tags": 3}"#;
        assert_eq!(format!("{:?}", f.key_lines), want);
    }

    #[test]
    fn wrong_shape_warns_and_goes_to_extra() {
        let s = split("---\ntitle:\n  en: Outage\nstatus: 3\nauthors: [{n: A}]\ndraft: x\n---\n");
        let want = [2, 5, 6].map(|line| format!("{line}:0 front-matter-type"));
        assert_eq!(codes(&s), want);
        let d = &s.diagnostics[0];
        let message = "front-matter key `title` should be text; kept as an extra field";
        assert_eq!(d.message, message);
        assert_eq!(d.severity, Severity::Warning);
        let f = s.front_matter.unwrap();
        assert_eq!((f.title.as_deref(), f.status.as_deref()), (None, Some("3")));
        let extra = serde_json::to_string(&f.extra).unwrap_or_default();
        let want = r#"{"authors":[{"n":"A"}],"draft":"x","title":{"en":"Outage"}}"#;
        assert_eq!(extra, want);
        let want = r#"{"authors": 5, "draft": 6, "status": 4, "title": 2}"#;
        assert_eq!(format!("{:?}", f.key_lines), want);
    }

    #[test]
    fn toml_with_datetimes() {
        let text = "+++\ntitle = \"Paste\"\nstarted = 2020-04-21T01:30:00Z\ndate = 2020-04-21\n\
                    products = [\"LTE\"]\n[meta]\nid = \"x\"\n+++\nbody";
        let s = split(text);
        assert_eq!(s.body, "\n\n\n\n\n\n\n\nbody");
        let f = s.front_matter.unwrap();
        assert_eq!(f.format, Some(FrontMatterFormat::Toml));
        let texts = [&f.title, &f.start, &f.date, &f.id].map(|t| t.as_deref().unwrap_or("-"));
        assert_eq!(texts.join(" "), "Paste 2020-04-21T01:30:00Z 2020-04-21 -");
        assert_eq!(f.services, ["LTE"]);
        assert_eq!(f.extra, [("meta".into(), json!({"id": "x"}))].into());
    }

    #[test]
    fn invalid_front_matter_is_an_error_at_the_source_position() {
        let s = split("\n---\ntitle: ok\nrelated: [[a]], [[b]]\n---\nBody\n");
        assert_eq!(s.front_matter, None);
        assert_eq!(s.body, "\n\n\n\n\nBody\n");
        assert_eq!(codes(&s), ["4:15 front-matter-invalid"]);
        let d = &s.diagnostics[0];
        let message = "invalid YAML front matter: \
                       while parsing a block mapping, did not find expected key";
        assert_eq!(d.message, message);
        assert_eq!(d.severity, Severity::Error);
        let help = "fix the front matter; the body was still read";
        assert_eq!(d.help.as_deref(), Some(help));
        let s = split("+++\ntitle = \"x\"\ntags = [\"a\",\n+++\nBody");
        assert_eq!(s.front_matter, None);
        assert_eq!(s.body, "\n\n\n\nBody");
        assert_eq!(codes(&s), ["3:13 front-matter-invalid"]);
    }

    #[test]
    fn markdown_between_rules_is_not_front_matter() {
        let report = "---\n\n# Report\nDate: 2026-06-10\n**Severity:** P2\nStatus: Resolved\n\n\
                      It failed.\nIt was a bad image.\n---\n";
        let guide = "\n---\n\n# Guide\n\nA postmortem is a tool.\n\n- **Learning:** yes\n---\nmore\n";
        for text in [report, guide, "---\nA setext heading\n---\n", "---\n- a\n- b\n---\n"] {
            let s = split(text);
            assert_eq!(s.front_matter, None);
            assert_eq!(s.body, text);
            let line = text.find("---").map_or(0, |at| at + 1);
            assert_eq!(codes(&s), [format!("{line}:0 front-matter-not-mapping")]);
        }
        let unclosed = ["---\ntitle: x\n", "+++\ntitle = 1\n---\n", "", "---"];
        for text in unclosed.into_iter().chain(["text\n---\ntitle: x\n---\n"]) {
            let s = split(text);
            assert_eq!(s.front_matter, None);
            assert_eq!(s.body, text);
            assert_eq!(s.diagnostics, []);
        }
    }

    #[test]
    fn empty_front_matter_dot_close_and_duplicates() {
        let s = split("---\n---\n# T");
        let empty = FrontMatter { format: Some(FrontMatterFormat::Yaml), ..Default::default() };
        assert_eq!(s.front_matter, Some(empty));
        assert_eq!(s.body, "\n\n# T");
        assert_eq!(split("---\n---").body, "\n");
        let title = |s: Split| s.front_matter.and_then(|f| f.title);
        assert_eq!(title(split("---\ntitle: a\n...\nx")).as_deref(), Some("a"));
        let s = split("---\ntitle: one\ntitle: two\n---\n");
        assert_eq!(codes(&s), ["3:0 front-matter-duplicate"]);
        assert_eq!(title(s).as_deref(), Some("one"));
    }

    #[test]
    fn odd_inputs_never_panic() {
        let deep = format!("---\na: {}\n---\n", "[".repeat(100_000));
        let huge = format!("---\ntitle: {}\n---\n", "é".repeat(200_000));
        let odd = "|---|---\n...|---\n\u{0}\n---|---\n: x\n---|---\n? [a]\n: b\n---|---\na: *x\n---|\
                   +++\n= 1\n+++|+++\n[a\n+++|---\nx: .nan\nid: 1e999\n---|+++\nx = nan\n+++|\
                   ---\n\"title\": {a: [1, {b: c}]}\n---|+++\n+++|---\n";
        for input in odd.split('|').chain([deep.as_str(), huge.as_str()]) {
            let lines = split(input).body.split('\n').count();
            assert_eq!(lines, input.split('\n').count(), "{input:?}");
        }
    }
}
