//! Action items from the action-item sections: task lists (`- [x]`),
//! bullets, numbered tasks, tables with an owner column, and — when a
//! section has no list at all — its plain lines (student reports write one
//! measure per paragraph).

use super::sections::{LineKind, Outline};
use super::text::{strip_inline_markup, table_cells};
use crate::model::{ActionItem, SectionKind};
use crate::per_thread::PerThread;
use regex::Regex;

/// A list item's marker and task box; the item's text is the rest of the
/// line (a capture of it would cost more than the whole prefix).
static LIST_ITEM: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?:\[([ xX])\]\s*)?").unwrap());
static OWNER: PerThread<Regex> = PerThread::new(|| {
    Regex::new(r"(?i)(?:\(\s*(?:owner|assignee|担当|responsable)\s*[:：]\s*([^),]+)[^)]*\)|(?:—|–|-)\s*(@[\w.-]+)\s*$|\s(@[\w.-]+)\s*$)").unwrap()
});
static OWNER_LINE: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"(?i)^\s*(?:owner|assignee|responsible|担当)\s*[:：]\s*(.+)$").unwrap());
static META_LINE: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"(?i)^\s*(?:due(?: date)?|deadline|priority|status|期限)\s*[:：]").unwrap());
static TASK_PREFIX: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?i)^(?:task|action|todo)\s*[:：]\s*").unwrap());

/// Every action item of the file, in order.
pub fn extract(outline: &Outline, lines: &[&str]) -> Vec<ActionItem> {
    let mut items = Vec::new();
    for section in outline
        .sections
        .iter()
        .filter(|s| s.section.kind == SectionKind::ActionItems || s.also.contains(&SectionKind::ActionItems))
    {
        let content = outline.content(section, lines);
        let has_list = content.iter().any(|(line, raw)| {
            outline.line_kind(*line) == LineKind::Text && LIST_ITEM.is_match(raw) && !is_heading_like(raw)
        });
        let has_table = content.iter().any(|(line, _)| outline.line_kind(*line) == LineKind::Table);
        let mut table = TableReader::default();
        for (line, raw) in content {
            match outline.line_kind(line) {
                LineKind::Table => {
                    if let Some(item) = table.row(raw, line) {
                        items.push(item);
                    }
                    continue;
                }
                LineKind::Html => {
                    items.extend(html_items(raw, line));
                    continue;
                }
                LineKind::Text if line != section.section.line || !section.value.is_empty() => {}
                _ => continue,
            }
            if raw.trim().is_empty() {
                continue;
            }
            if let Some(owner) = OWNER_LINE.captures(raw).and_then(|c| c.get(1)) {
                if let Some(last) = items.last_mut().filter(|i: &&mut ActionItem| i.owner.is_none()) {
                    last.owner = Some(owner.as_str().trim().to_string());
                }
                continue;
            }
            if META_LINE.is_match(raw) {
                continue;
            }
            if has_list && !TASK_PREFIX.is_match(raw.trim_start()) {
                if let Some(caps) = LIST_ITEM.captures(raw) {
                    let done = caps.get(1).is_some_and(|m| m.as_str().eq_ignore_ascii_case("x"));
                    let text = caps.get(0).map_or("", |m| &raw[m.end()..]);
                    if let Some(item) = item(text, done, line) {
                        items.push(item);
                    }
                }
            } else if !has_table
                && raw.trim().chars().count() <= 400
                && let Some(item) = item(raw, false, line)
            {
                items.push(item);
            }
        }
    }
    items
}

static HTML_ITEM: PerThread<Regex> = PerThread::new(|| Regex::new(r"(?is)<li[^>]*>(.*?)(?:</li>|$)").unwrap());

/// `<li>…</li>` items of an HTML list.
fn html_items(raw: &str, line: u32) -> Vec<ActionItem> {
    HTML_ITEM.captures_iter(raw).filter_map(|c| c.get(1)).filter_map(|m| item(m.as_str(), false, line)).collect()
}

/// `* Improvements:` and `**Tasks:**` introduce items; they are not items.
fn is_heading_like(raw: &str) -> bool {
    let text = strip_inline_markup(raw);
    let t = text.trim();
    t.ends_with(':') || t.ends_with('：')
}

fn item(raw: &str, done: bool, line: u32) -> Option<ActionItem> {
    let plain = strip_inline_markup(raw);
    let plain = plain.trim();
    if plain.is_empty() || plain.ends_with(':') || plain.ends_with('：') || plain.chars().all(|c| !c.is_alphanumeric())
    {
        return None;
    }
    let mut text = TASK_PREFIX.replace(plain, "").to_string();
    let mut owner = None;
    if let Some(caps) = OWNER.captures(&text) {
        owner = (1..=3).find_map(|i| caps.get(i)).map(|m| m.as_str().trim().to_string());
        if let Some(whole) = caps.get(0) {
            text.replace_range(whole.range(), "");
        }
    }
    let upper = text.to_uppercase();
    let done = done || upper.contains("(DONE)") || text.contains('✅');
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(ActionItem { text, done, owner, line })
}

/// Rows of a table in an action-item section; the header says which column
/// is the action and which the owner.
#[derive(Default)]
struct TableReader {
    columns: Option<(usize, Option<usize>)>,
}

impl TableReader {
    fn row(&mut self, raw: &str, line: u32) -> Option<ActionItem> {
        let cells = table_cells(raw)?;
        let Some((text_col, owner_col)) = self.columns else {
            let lower: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
            let find = |words: &[&str]| lower.iter().position(|c| words.iter().any(|w| c.contains(w)));
            let owner = find(&["owner", "assignee", "dueño", "responsible", "担当", "who"]);
            let text = find(&["description", "action", "acción", "task", "item", "what", "対策"])
                .or_else(|| (0..cells.len()).find(|i| Some(*i) != owner))
                .unwrap_or(0);
            self.columns = Some((text, owner));
            return None;
        };
        let text = cells.get(text_col)?.clone();
        let mut item = item(&text, false, line)?;
        if let Some(owner) = owner_col.and_then(|i| cells.get(i)).filter(|o| !o.is_empty()) {
            item.owner = Some(owner.clone());
        }
        Some(item)
    }
}
