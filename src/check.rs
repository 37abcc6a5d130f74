//! `coroner check`: every parse diagnostic plus what only the whole archive
//! shows — duplicate ids, tags outside the taxonomy, templates left in,
//! missing required sections.

use crate::build::Ingested;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity};
use crate::model::Kind;
use serde::Serialize;
use std::collections::BTreeMap;

/// One diagnostic with the file it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(rename = "file")]
    pub source: String,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// All findings, sorted by file, then line.
pub fn check(archive: &Ingested, config: &Config) -> Vec<Finding> {
    let mut findings: Vec<Finding> = archive
        .problems
        .iter()
        .map(|p| Finding { source: p.source.clone(), diagnostic: p.diagnostic.clone() })
        .collect();

    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &archive.postmortems {
        by_id.entry(p.id.as_str()).or_default().push(p.source.as_str());
    }

    for p in &archive.postmortems {
        let mut add = |diagnostic: Diagnostic| findings.push(Finding { source: p.source.clone(), diagnostic });
        for d in &p.diagnostics {
            add(d.clone());
        }
        if let Some(others) = by_id.get(p.id.as_str()).filter(|s| s.len() > 1) {
            let other: Vec<&str> = others.iter().copied().filter(|s| *s != p.source).collect();
            let line = p.provenance.get("id").map_or(0, |pr| pr.line);
            add(Diagnostic::error("duplicate-id", line, format!("id `{}` is also used by {}", p.id, other.join(", ")))
                .with_help("give each postmortem a unique `id:` in its front matter, or rename the file"));
        }
        {
            let line = p.provenance.get("tags").map_or(0, |pr| pr.line);
            for tag in p.tags.iter().filter(|t| config.taxonomy.get(t).is_none()) {
                let hint = match config.taxonomy.nearest(tag) {
                    Some(near) => format!("did you mean `{near}`? Otherwise add `[taxonomy.tags.{tag}]` to site.toml"),
                    None => format!("use a taxonomy tag, or add `[taxonomy.tags.{tag}]` to site.toml"),
                };
                add(Diagnostic::warning("unknown-tag", line, format!("tag `{tag}` is not in the root-cause taxonomy"))
                    .with_help(hint));
            }
        }
        match p.kind {
            Kind::Template => {
                add(Diagnostic::warning("template", 0, "this file is a blank template, not a postmortem")
                    .with_help("move it out of the content folder or prefix its name with `_`"))
            }
            Kind::Postmortem => {
                for required in &config.required_sections {
                    let present = p.sections.iter().any(|s| s.kind == *required);
                    if !present {
                        add(Diagnostic::warning("missing-section", 0, format!("no `{required}` section")).with_help(
                            format!("add a heading for it (e.g. `## {}`)", section_title(required.as_str())),
                        ));
                    }
                }
            }
            Kind::List | Kind::Other => {}
        }
    }
    findings.sort_by(|a, b| (a.source.as_str(), a.diagnostic.line).cmp(&(b.source.as_str(), b.diagnostic.line)));
    findings
}

fn section_title(kind: &str) -> String {
    let words = kind.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// Counts per severity, for the summary line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Tally {
        let mut t = Tally::default();
        for f in findings {
            match f.diagnostic.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}
