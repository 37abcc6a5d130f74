//! `coroner check`: every parse diagnostic plus what only the whole archive
//! shows — duplicate ids, broken links, tags outside the taxonomy,
//! templates left in, missing required sections.

use crate::archive::Archive;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Finding, Severity};
use crate::model::{Kind, Postmortem};

/// All findings, sorted by file, then line: what reading and assembling
/// found, plus the archive's own rules.
pub fn check(archive: &Archive, config: &Config) -> Vec<Finding> {
    let mut findings: Vec<Finding> = archive
        .problems
        .iter()
        .map(|p| Finding { source: p.source.clone(), diagnostic: p.diagnostic.clone() })
        .chain(archive.findings.iter().cloned())
        .collect();

    for p in &archive.incidents {
        findings.extend(incident_findings(p, config));
    }
    findings.sort_by(|a, b| (a.source.as_str(), a.diagnostic.line).cmp(&(b.source.as_str(), b.diagnostic.line)));
    findings
}

/// What the archive's rules say of one incident, beside what reading it
/// found: every finding `check` reports for its file, but those only the
/// whole archive shows (duplicate ids, broken links).
pub fn incident_findings(p: &Postmortem, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut add = |diagnostic: Diagnostic| findings.push(Finding { source: p.source.clone(), diagnostic });
    for d in &p.diagnostics {
        add(d.clone());
    }
    let line = p.provenance.get("keywords").or(p.provenance.get("tags")).map_or(0, |pr| pr.line);
    for (keyword, near) in p.keywords.iter().filter_map(|k| Some((k, config.taxonomy.misspelled(k)?))) {
        let hint = format!("did you mean `{near}`? Otherwise add `[taxonomy.tags.{keyword}]` to site.toml");
        add(Diagnostic::warning(
            "unknown-tag",
            line,
            format!("tag `{keyword}` is not in the root-cause taxonomy; kept as a keyword"),
        )
        .with_help(hint));
    }
    match p.kind {
        Kind::Template => add(Diagnostic::warning("template", 0, "this file is a blank template, not a postmortem")
            .with_help("move it out of the content folder or prefix its name with `_`")),
        Kind::Postmortem => {
            for required in &config.required_sections {
                let present = p.sections.iter().any(|s| s.kind == *required);
                if !present {
                    add(Diagnostic::warning("missing-section", 0, format!("no `{required}` section"))
                        .with_help(format!("add a heading for it (e.g. `## {}`)", section_title(required.as_str()))));
                }
            }
        }
        Kind::List | Kind::Prompt | Kind::Other => {}
    }
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
