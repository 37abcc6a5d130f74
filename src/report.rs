//! Printing diagnostics for people (miette's graphical style: the file,
//! line and column, the source line, the code and a hint) and for tools
//! (JSON).

use crate::diagnostics::Finding;
use crate::diagnostics::Severity;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::path::Path;

/// A finding in the shape miette renders.
#[derive(Debug)]
struct Rendered {
    finding: Finding,
    source: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.span.is_some() {
            f.write_str(&self.finding.diagnostic.message)
        } else {
            // No source line to show: say where in the message itself.
            write!(f, "{}: {}", self.finding.source, self.finding.diagnostic.message)
        }
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("{}[{}]", self.finding.diagnostic.severity, self.finding.diagnostic.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding.diagnostic.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(None, span))))
    }
}

/// Render findings as text. `root` is where the sources live (to show the
/// offending line); `color` for a terminal.
pub fn text(findings: &[Finding], root: &Path, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(0);
    let mut out = String::new();
    let mut cache: Option<(String, String)> = None; // (source, text) of the last file read
    for finding in findings {
        let line = finding.diagnostic.line as usize;
        let mut rendered = Rendered { finding: finding.clone(), source: None, span: None };
        if line > 0 {
            if cache.as_ref().is_none_or(|(s, _)| *s != finding.source) {
                let bytes = std::fs::read(root.join(&finding.source)).unwrap_or_default();
                let text = crate::ingest::decode::decode(&bytes).text;
                cache = Some((finding.source.clone(), text));
            }
            if let Some((_, text)) = &cache
                && let Some(span) = line_span(text, line, finding.diagnostic.column as usize)
            {
                let label = root.join(&finding.source).display().to_string();
                rendered.source = Some(NamedSource::new(label, text.clone()));
                rendered.span = Some(span);
            }
        }
        if handler.render_report(&mut out, &rendered).is_err() {
            out.push_str(&format!("{}: {}\n", finding.source, finding.diagnostic.message));
        }
    }
    out
}

/// The byte span of a line (from a column, when known), for the label.
fn line_span(text: &str, line: usize, column: usize) -> Option<SourceSpan> {
    let start: usize = text.split('\n').take(line - 1).map(|l| l.len() + 1).sum();
    let content = text.get(start..)?.split('\n').next()?;
    let skip = if column > 1 {
        content.char_indices().nth(column - 1).map_or(0, |(i, _)| i)
    } else {
        content.len() - content.trim_start().len()
    };
    Some(SourceSpan::new((start + skip).into(), content.len() - skip))
}

/// Findings as a JSON array.
pub fn json(findings: &[Finding]) -> String {
    serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".to_string())
}

/// A short human summary of one postmortem, for `inspect --format text`.
pub fn inspect_text(p: &crate::model::Postmortem) -> String {
    use std::fmt::Write as _;
    let none = || "—".to_string();
    let mut out = String::new();
    let kind = p.kind.as_str();
    let _ = writeln!(out, "{}  [{}]  id {}", p.source, kind, p.id);
    let _ = writeln!(out, "  title      {}", p.display_title);
    let when = match (&p.start, &p.end) {
        (Some(s), Some(e)) => format!("{s} → {e}"),
        (Some(s), None) => format!("{s} →"),
        _ => p.date.map_or_else(none, |d| d.to_string()),
    };
    let zone = p.timezone.clone().unwrap_or_else(|| if p.tz_assumed { "assumed".into() } else { none() });
    let _ = writeln!(out, "  when       {when}  (zone {zone})");
    let _ = writeln!(out, "  duration   {}", p.duration_minutes.map_or_else(none, |m| format!("{m} min")));
    let _ = writeln!(out, "  impact     {}", p.impact.users_pct.map_or_else(none, |u| format!("{u}% of users")));
    let _ = writeln!(out, "  severity   {}", p.severity.clone().unwrap_or_else(none));
    let _ = writeln!(out, "  services   {}", if p.services.is_empty() { none() } else { p.services.join(", ") });
    let _ = writeln!(out, "  tags       {}", if p.tags.is_empty() { none() } else { p.tags.join(", ") });
    for tag in &p.tags {
        let evidence: Vec<String> = p
            .tag_evidence
            .iter()
            .filter(|e| e.tag == *tag)
            .map(|e| format!("{} l.{} \"{}\" ({})", e.place, e.line, e.phrase, e.weight))
            .collect();
        if !evidence.is_empty() {
            let _ = writeln!(out, "    {tag}: {}", evidence.join("; "));
        }
    }
    if !p.keywords.is_empty() {
        let _ = writeln!(out, "  keywords   {}", p.keywords.join(", "));
    }
    let _ = writeln!(
        out,
        "  root cause {}",
        p.root_cause.as_deref().map_or_else(none, |r| crate::ingest::text::shorten(r, 100))
    );
    let sections: Vec<String> = p.sections.iter().map(|s| format!("{}@{}", s.kind, s.line)).collect();
    let _ = writeln!(out, "  sections   {}", sections.join(" "));
    let done = p.action_items.iter().filter(|a| a.done).count();
    let _ = writeln!(
        out,
        "  timeline   {} entries; action items {} ({} done)",
        p.timeline.len(),
        p.action_items.len(),
        done
    );
    for d in &p.diagnostics {
        let _ = writeln!(out, "  {}[{}] line {}: {}", d.severity, d.code, d.line, d.message);
    }
    out
}

/// Search results for people: rank, date, title, tags, duration, page, and
/// the matching words in brackets.
pub fn found_text(found: &crate::search::Found) -> String {
    if found.hits.is_empty() {
        return "no incident matches\n".to_string();
    }
    let mut out = String::new();
    for hit in &found.hits {
        let date = hit.date.as_deref().unwrap_or("undated   ");
        let mut line = format!("{:>2}. {date}  {}", hit.rank, hit.title);
        if !hit.tags.is_empty() {
            line += &format!("  [{}]", hit.tags.join(", "));
        }
        if let Some(minutes) = hit.duration_minutes {
            line += &format!("  {}", crate::render::view::minutes_text(minutes as i64));
        }
        out += &format!("{line}\n    incidents/{}/\n", hit.id);
        if let Some(snippet) = &hit.snippet {
            out += &format!("    {snippet}\n");
        }
    }
    if let Some(facets) = &found.facets {
        let counts = |values: &[(String, u64)]| {
            values.iter().map(|(name, n)| format!("{name} {n}")).collect::<Vec<_>>().join(" · ")
        };
        out += &format!("\nroot causes: {}\nservices: {}\n", counts(&facets.tags), counts(&facets.services));
    }
    out
}
