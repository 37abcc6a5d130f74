//! What the document is: its title, a specific display title, summary,
//! authors, id and kind (postmortem, template, list, other).

use super::{Facts, PLACEHOLDER, is_placeholder_text, section_source};
use crate::diagnostics::Diagnostic;
use crate::ingest::sections::{LineKind, OutlineSection};
use crate::ingest::text::{english, plain_text, sentences, shorten};
use crate::ingest::when::{find_dates, times};
use crate::model::{FactSource, Kind, Postmortem, SectionKind};
use crate::per_thread::PerThread;
use regex::Regex;
use std::borrow::Cow;

/// What a by-line starts with.
const BY_WORDS: [&str; 5] = ["By", "by", "Author", "Authors", "Written by"];
/// A by-line. The name's Unicode class repeated 60 times makes this regex
/// costly to run, so lines are first checked for a [`BY_WORDS`] start.
static BY_LINE: PerThread<Regex> = PerThread::new(|| {
    Regex::new(&format!(r"^\s*(?:{})\s*[:]?\s+(@?[\w][\w .@'-]{{1,60}})", BY_WORDS.join("|"))).unwrap()
});
static GENERIC_WORDS: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(post[- ]?mortem|post[- ]?mortems|postmoterm|postmortum|report|incident|outage|issue|the|a|an|my|our|first|project|template|web ?stack|writing|task|summary|using|debugging|for|of|on|and|\d+|0x[0-9a-f]+|readme|document|analysis|title|blameless|service|services|failure)\b",
    )
});
static ASSIGNMENT: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(must contain|requirements?:|write a postmortem|write a (blameless |short |brief )?(post-?mortem|incident report)|you will write|get creative|invent your own|be brief and straight|your own|should contain|your (report|post-?mortem|write-?up) (should|must) (include|contain|cover|be)|in this assignment|will be graded|graded on|grading (criteria|rubric)|this template|how to write|a postmortem is a|this readme|explain in detail|learn how to)\b",
    )
});
/// Something went wrong, told as it happened, in the corpus's languages:
/// a failure ("went down", "returned 500", "fiel aus"), what was done
/// about it ("we rolled back", "restarted") or its cause ("caused by").
static FAILURE_NARRATIVE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b((was|were|went|became|been) (down|offline|unavailable|unreachable|inaccessible|degraded|broken|slow)|(failed|failing|crashed|broke|stopped|timed out|hung|went down|froze|freezing)\b|outage|downtime|returned (an? )?(http )?(500|502|503|504|errors?)|\b50[0234] (errors?|responses?|status)|(we|i|engineers?|the team|on-?call) (noticed|restarted|rolled back|reverted|fixed|discovered|found|identified|mitigated|restored|redeployed|rebooted)|(could not|couldn't|could no longer|were unable to|was unable to|unable to) (access|reach|connect|log ?in|load|use)|(was|were) caused by|root cause (was|is)|due to (a|an|the)|error rate|(fiel|fielen) aus|ausgefallen|nicht erreichbar|störung|panne|indisponible|est tombée?|caída|se cayó|falló|dej[oó] de (responder|funcionar)|no pod[ií]an|ficou fora|indisponível|gangguan|сбой|недоступ|авари)\b|障害|停止した|エラーが発生|장애|오류가 발생",
    )
});
/// Words of [`FAILURE_NARRATIVE`] that name a failure without telling one.
static FAILURE_NOUN: PerThread<Regex> = PerThread::new(|| english(r"^(outage|downtime|error rate)$"));
/// A document about postmortems, a project or a course, not about an
/// incident: a guide, a repository's README, a course questionnaire.
static ABOUT_POSTMORTEMS: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b((a|the) post-?mortem (is|should|must|helps?)|post-?mortems (are|help|ensure|should|must|provide|find)|this (readme|repository|repo|project|assignment|course|guide|document|page|note) (contains|provides|serves|is|describes|explains|will|was)|how to write|what did (i|we) learn|(this|the|your|my|our|course|class|homework|final|project|lab) assignment|assignment( \d+)?:|retrospective|lessons from (this|the) project|this (folder|directory) (holds|contains|keeps|is)|como escrever|cómo escribir|comment (rédiger|écrire)|wie (man )?(schreib|verfass)\w*|esta (pasta|carpeta) (guarda|contém|contiene|tiene)|ce (dossier|répertoire) (contient|regroupe)|dieser ordner (enthält|sammelt)|deze map bevat)\b",
    )
});
/// A title that names a quarter or a half year ("Q2 2024 Incident
/// Summary", "2023 H2 review"): a period's report, whose dated rows are its
/// incidents even where it states their causes.
static PERIOD_TITLE: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(q[1-4]|h[12])\s*(\d{4}|fy\d{2,4})\b|\b(\d{4}|fy\d{2,4})\s*[-/]?\s*(q[1-4]|h[12])\b")
});
/// "Template" in the corpus's languages, as a title says it.
static TEMPLATE_WORD: PerThread<Regex> = PerThread::new(|| {
    Regex::new(r"(?i)template|\b(?:vorlage|plantilla|gabarit|sjabloon|szablon|skabelon|malli|šablona|шаблон)\b|\b(?:modelo|mod[eè]le|modello) (?:de |di |du )?(?:post-?mortem|rapport|informe|relat[oó]rio|incidente?|rapporto)|テンプレート|模板|템플릿").unwrap()
});
/// Headings that organise a document rather than name its incident.
static NOT_A_TITLE: PerThread<Regex> = PerThread::new(|| {
    Regex::new(r"(?i)^\W*(table of contents|contents|toc|introduction|conclusion|appendix|references|resources|requirements|background|concepts|purpose|tasks|notes?)\b").unwrap()
});
/// A title that names another kind of document: a recurring meeting
/// ("Ops weekly — 2024-06-18", "Platform sync notes") or a runbook, a
/// how-to, a design, a report on a period, a service's SLO ("SLO:
/// Checkout API"). Its notes may tell incidents, but as items among
/// others. A period names the document only as its last word or before a
/// meeting's or report's noun: "the daily store-visits dataset" is a
/// job's output.
static OTHER_DOCUMENT_TITLE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(weekly|bi-?weekly|daily|monthly|quarterly)(\s+(stand-?up|sync|meeting|notes|report|review|digest|update|summary|check-?in|call|log|ops)\b|\s*($|[—–|:(]|- ))|\b(stand-?up|sync|meeting notes|minutes|agenda|all-hands|one-on-one|1:1|check-in|hand-?off|handover|shift report|sitzung|protokoll|réunion|compte rendu|reunión|acta|reunião|ata|runbook|playbook|how to|how-to|design doc(ument)?|adr|adr-\d+|(architecture )?decision record|rfc|proposal|release notes|changelog|handbook|checklist|standard operating procedure|sop)\b|^\W*(slos?|slas?|service level (objectives?|agreements?))\s*[:—–-]",
    )
});
/// Whether the words before a title's word count it: "down for 70
/// minutes", "a few minutes" are a length, not meeting minutes.
fn counted(before: &str) -> bool {
    static COUNT: PerThread<Regex> =
        PerThread::new(|| english(r"(\d|\b(a few|few|several|many|ten|twenty|thirty|forty|fifty|sixty|ninety))\s*$"));
    COUNT.is_match(before)
}

/// A title that says it is about an incident, whatever else it names.
/// A title whose last word names the document a policy, an agenda or a
/// runbook, whatever it is about: "Incident Response Policy", "Weekly
/// Incident Review — Agenda".
static OTHER_DOCUMENT_HEAD: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(policy|policies|agenda|runbook|playbook|handbook|guidelines|procedures?|charter|slos?|slas?|service level (objectives?|agreements?))\W*$",
    )
});
static INCIDENT_TITLE: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(post-?mortem|incident|outage|rca|root cause|review of|retrospective|sev ?\d|p\d)\b")
});
static INCIDENT_HEADING: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"(?i)^(incident|outage)\s*#?\s*\d+\b").unwrap());

/// Front matter of a curated archive's entry (a title, url or summary with
/// a date, services or tags): an incident, however short its body.
fn archive_entry_front_matter(fm: Option<&crate::ingest::frontmatter::FrontMatter>) -> bool {
    fm.is_some_and(|m| {
        (m.title.is_some() || m.url.is_some() || m.summary.is_some())
            && (m.date.is_some() || m.start.is_some() || !m.services.is_empty() || !m.tags.is_empty())
    })
}

impl Facts<'_> {
    pub(super) fn title(&mut self) -> Option<String> {
        if let Some(t) = self.fm().and_then(|m| m.title.clone()) {
            self.note("title", FactSource::FrontMatter, self.fm_line("title"));
            return Some(t);
        }
        let outline = self.input.outline;
        let first_section = outline.sections.first().map_or(u32::MAX, |s| s.section.line);
        if let Some(h) = outline.headings.first().filter(|h| {
            h.line < first_section
                || outline
                    .sections
                    .first()
                    .is_some_and(|s| s.section.line == h.line && s.section.kind == SectionKind::Other)
        }) && self
            .input
            .outline
            .sections
            .iter()
            .all(|s| s.section.line != h.line || s.section.kind == SectionKind::Other)
        {
            self.note("title", FactSource::Heading, h.line);
            let text = plain_text(&h.text);
            let text = text.strip_prefix("Title:").map_or(&*text, str::trim).to_string();
            return Some(text);
        }
        // A first short line before any section: "0x19. Postmortem".
        for line_no in 1..first_section.min(self.plain.len() as u32 + 1) {
            let text = self.plain_line(line_no).to_string();
            if text.is_empty() || text.chars().all(|c| !c.is_alphanumeric()) {
                continue;
            }
            if text.chars().count() <= 100 && !text.ends_with(':') {
                self.note("title", FactSource::Prose, line_no);
                return Some(text);
            }
            break;
        }
        None
    }

    pub(super) fn summary(&mut self) -> Option<String> {
        if let Some(s) = self.fm().and_then(|m| m.summary.clone()) {
            self.note("summary", FactSource::FrontMatter, self.fm_line("summary"));
            return Some(s);
        }
        // The summary section, else (one made only of facts such as
        // "**Duration:** …") the impact: what a list shows under the title.
        let mut sections = self.sections_of(SectionKind::Summary);
        sections.extend(self.sections_of(SectionKind::Impact));
        let (section, text) = sections.into_iter().find_map(|s| {
            let text = self.told(s);
            (!text.is_empty() && !is_placeholder_text(&text)).then_some((s, text))
        })?;
        let source = section_source(section);
        self.note("summary", source, section.section.line);
        Some(shorten(&sentence_case(&text), 600))
    }

    /// A section's sentences: a labelled line says its value, and one that
    /// states a fact the page shows in its own place ("**Duration:** …",
    /// "Severity: …") is left out.
    fn told(&self, section: &OutlineSection) -> String {
        let outline = self.input.outline;
        let mut told: Vec<String> = Vec::new();
        for (line, raw) in outline.content(section, self.input.lines) {
            let said = match outline.labels.iter().find(|l| l.line == line) {
                Some(label) if is_fact_label(&label.key) => continue,
                Some(label) => plain_text(&label.value),
                None if line == section.section.line => plain_text(raw),
                None if outline.line_kind(line) == LineKind::Text => Cow::Borrowed(self.plain_line(line)),
                None => continue,
            };
            if !said.trim().is_empty() {
                told.push(said.trim().to_string());
            }
        }
        told.join(" ")
    }

    pub(super) fn authors(&mut self) -> Vec<String> {
        if let Some(fm) = self.fm().filter(|m| !m.authors.is_empty()) {
            self.note("authors", FactSource::FrontMatter, self.fm_line("authors"));
            return fm.authors.clone();
        }
        if let Some((value, line)) = self.label(&[
            "author",
            "authors",
            "authors roles",
            "written by",
            "autor",
            "auteur",
            "作成者",
            "작성자",
            "penulis",
        ]) {
            let value = plain_text(value);
            if !PLACEHOLDER.is_match(&value) {
                self.note("authors", FactSource::Label, line);
                return value.split([',', ';']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            }
        }
        let first_section = self.input.outline.sections.first().map_or(30, |s| s.section.line as usize);
        for (i, line) in self.input.lines.iter().enumerate().take(first_section.min(30)) {
            let by_line = BY_WORDS.iter().any(|w| line.trim_start().starts_with(w));
            if let Some(name) = by_line.then(|| BY_LINE.captures(line)).flatten().and_then(|c| c.get(1)) {
                self.note("authors", FactSource::Prose, i as u32 + 1);
                return vec![person(name.as_str())];
            }
        }
        Vec::new()
    }

    pub(super) fn id(&mut self) -> String {
        if let Some(id) = self.fm().and_then(|m| m.id.clone()) {
            self.note("id", FactSource::FrontMatter, self.fm_line("id"));
            return slugify(&id);
        }
        let stem = self.input.source.rsplit('/').next().unwrap_or(self.input.source);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        self.note("id", FactSource::Filename, 0);
        slugify(stem)
    }

    /// What the document is. A postmortem unless something says
    /// otherwise: front-matter `kind`, placeholders (template), instructions
    /// to the reader (prompt), several incidents (list), or talk about
    /// postmortems, a project or a course with no failure narrated in it
    /// (other). A file not read as a postmortem gets a `kind` note that
    /// says why, with the line of the evidence.
    pub(super) fn kind(&mut self, p: &Postmortem) -> Kind {
        let (kind, line, why) = self.kind_and_evidence(p);
        if kind != Kind::Postmortem {
            self.diagnostics.push(
                Diagnostic::info("kind", line, format!("read as {}, not a postmortem: {why}", kind.as_str()))
                    .with_help("write `kind: postmortem` in the front matter if it reports an incident"),
            );
        }
        kind
    }

    fn kind_and_evidence(&mut self, p: &Postmortem) -> (Kind, u32, String) {
        if let Some(written) = self.fm().and_then(|m| m.kind.as_deref()) {
            let kind = match written.trim().to_lowercase().as_str() {
                "template" | "form" => Some(Kind::Template),
                "prompt" | "assignment" | "exercise" => Some(Kind::Prompt),
                "list" | "index" | "digest" => Some(Kind::List),
                "other" | "note" | "guide" | "readme" => Some(Kind::Other),
                "postmortem" | "post-mortem" | "incident" | "outage" | "report" | "incident-report" | "rca" => {
                    Some(Kind::Postmortem)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                return (kind, self.fm_line("kind"), format!("front matter says `kind: {written}`"));
            }
        }
        let lines = self.input.lines;
        let placeholders: Vec<(u32, String)> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| might_hold_placeholder(l))
            .flat_map(|(i, l)| PLACEHOLDER.find_iter(l).map(move |m| (i as u32 + 1, m.as_str().trim().to_string())))
            .collect();
        let known: Vec<_> =
            self.input.outline.sections.iter().filter(|s| s.section.kind != SectionKind::Other).collect();
        // Fewer than three letters or digits; counting stops at three.
        let empty: Vec<_> = known
            .iter()
            .filter(|s| self.section_text(s).chars().filter(|c| c.is_alphanumeric()).take(3).count() < 3)
            .collect();
        let title_says_template = p.title.as_deref().is_some_and(|t| TEMPLATE_WORD.is_match(t));
        let has_timed_entries = p.timeline.iter().any(|e| e.time.is_some());
        if placeholders.len() >= 3
            || (known.len() >= 4 && empty.len() * 4 >= known.len() * 3)
            // A blank form: a placeholder, and every known section empty.
            || (!placeholders.is_empty() && known.len() >= 2 && empty.len() == known.len())
            || (title_says_template && (!placeholders.is_empty() || empty.len() >= 2 || !has_timed_entries))
        {
            if let Some((line, text)) = placeholders.first() {
                self.diagnostics.push(
                    Diagnostic::info(
                        "placeholder",
                        *line,
                        format!("template placeholder `{text}` ({} in the file)", placeholders.len()),
                    )
                    .with_help("fill in the template, or move it out of the content folder (a `_` prefix hides it)"),
                );
            }
            let (line, why) = match (placeholders.first(), empty.first()) {
                (Some((line, text)), _) => (*line, format!("{} placeholders such as `{text}`", placeholders.len())),
                (None, Some(s)) if empty.len() >= 2 => {
                    (s.section.line, format!("{} of {} sections are empty", empty.len(), known.len()))
                }
                _ => (self.title_line(), "the title says it is a template".into()),
            };
            return (Kind::Template, line, why);
        }
        if let Some((line, text)) = placeholders.first() {
            self.diagnostics.push(
                Diagnostic::warning("placeholder", *line, format!("placeholder `{text}` left in the postmortem"))
                    .with_help("replace the placeholder with the real value"),
            );
        }
        let plain = &self.plain;
        let first_match = |pattern: &Regex| {
            plain.iter().enumerate().find_map(|(i, l)| pattern.find(l).map(|m| (i as u32 + 1, m.as_str().to_string())))
        };
        // Matches up to two: no rule below asks for more.
        let count = |pattern: &Regex| plain.iter().flat_map(|l| pattern.find_iter(l)).take(2).count();
        if !has_timed_entries
            && count(&ASSIGNMENT) >= 2
            && let Some((line, phrase)) = first_match(&ASSIGNMENT)
        {
            return (Kind::Prompt, line, format!("it asks the reader to write one (\"{phrase}\")"));
        }
        let incident_headings: Vec<_> =
            self.input.outline.headings.iter().filter(|h| INCIDENT_HEADING.is_match(&h.text)).collect();
        let dated_headings: Vec<_> = self
            .input
            .outline
            .headings
            .iter()
            .filter(|h| {
                h.level <= 3
                    && !self.in_timeline(h.line)
                    && find_dates(&h.text, None).len() == 1
                    && times(&h.text).next().is_none()
                    && h.text.split_whitespace().count() >= 3
            })
            .collect();
        if incident_headings.len() >= 2 || dated_headings.len() >= 3 {
            let (n, first) = match incident_headings.len() >= 2 {
                true => (incident_headings.len(), incident_headings[0]),
                false => (dated_headings.len(), dated_headings[0]),
            };
            return (Kind::List, first.line, format!("{n} headings each name an incident"));
        }
        let archive_entry = archive_entry_front_matter(self.fm());
        // The first H1 even where it reads as a section ("Incident Response
        // Policy"); "… after a bad IAM policy": a postmortem tells its cause
        // or its times.
        let heading = p.title.as_deref().or_else(|| self.input.outline.headings.first().map(|h| h.text.as_str()));
        let names_its_kind = heading
            .filter(|_| p.root_cause.is_none() && !has_timed_entries)
            .and_then(|title| OTHER_DOCUMENT_HEAD.find(title))
            .or_else(|| {
                let title = p.title.as_deref()?;
                OTHER_DOCUMENT_TITLE
                    .find_iter(title)
                    .find(|m| !counted(&title[..m.start()]))
                    .filter(|_| !INCIDENT_TITLE.is_match(title))
            });
        if let Some(other) = names_its_kind.filter(|_| !archive_entry) {
            let why = format!("the title names another kind of document (\"{}\"), not an incident", other.as_str());
            return (Kind::Other, self.title_line(), why);
        }
        // An index or a period's summary: rows or items that each date an
        // incident and link to its write-up, or table rows on three days or
        // more, in a file that tells no incident of its own and whose title names
        // no other kind of document (a meeting's notes track incidents too).
        // Rows are dated only where that could matter: most postmortems
        // tell a cause or timed entries, and read no table for this.
        let first_heading = self.input.outline.headings.first().map(|h| h.text.as_str());
        let names_a_period =
            [p.title.as_deref(), first_heading].into_iter().flatten().any(|t| PERIOD_TITLE.is_match(t));
        if (p.root_cause.is_none() && !has_timed_entries) || names_a_period {
            let mut days = Vec::new();
            let dated_rows: Vec<u32> = (1..)
                .zip(self.input.lines)
                .filter(|&(line, raw)| {
                    let row = raw.trim_start().starts_with('|');
                    // A timeline's row tells a moment of one incident; a
                    // row that links a write-up is an incident of its own.
                    let links = raw.contains("](");
                    if !links && (!row || self.in_timeline(line)) {
                        return false;
                    }
                    let Some(day) = find_dates(raw, None).first().map(|d| d.date) else { return false };
                    if !days.contains(&day) {
                        days.push(day);
                    }
                    true
                })
                .map(|(line, _)| line)
                .collect();
            if dated_rows.len() >= 3 && days.len() >= 3 {
                return (Kind::List, dated_rows[0], "3 or more rows each date an incident".into());
            }
        }
        // A failure narrated ("the API returned 500s", "we rolled back")
        // makes a postmortem of any write-up; talk about postmortems, a
        // project or a course without one makes something else.
        let narrated = count(&FAILURE_NARRATIVE);
        let facts = [
            p.root_cause.is_some(),
            !p.timeline.is_empty(),
            p.date.is_some() || p.start.is_some(),
            p.impact.text.is_some() || p.impact.users_pct.is_some() || p.duration_minutes.is_some(),
            p.summary.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        // "outage" or "downtime" alone is a word a guide uses too: a
        // document about postmortems must tell a failure as it happened.
        let told = plain
            .iter()
            .flat_map(|l| FAILURE_NARRATIVE.find_iter(l))
            .filter(|m| !FAILURE_NOUN.is_match(m.as_str()))
            .take(2)
            .count();
        let about = first_match(&ABOUT_POSTMORTEMS);
        let narrated = if about.is_some() && !archive_entry { told } else { narrated };
        if narrated >= 2 || (narrated >= 1 && facts >= 1) || archive_entry {
            return (Kind::Postmortem, 0, String::new());
        }
        if let Some((line, phrase)) = about {
            return (
                Kind::Other,
                line,
                format!("it talks about postmortems or a project (\"{phrase}\") and narrates no failure"),
            );
        }
        if facts == 0 && narrated == 0 {
            return (Kind::Other, 1, "it states no incident facts and narrates no failure".into());
        }
        (Kind::Postmortem, 0, String::new())
    }

    /// A title that says what happened: the title unless it is generic,
    /// else the first specific heading, else a short form of the summary's
    /// first sentence, else the file name.
    pub(super) fn display_title(&mut self, p: &Postmortem) -> String {
        if let Some(t) = p.title.as_deref().filter(|t| !is_generic_title(t) || p.kind == Kind::Template) {
            return without_date_prefix(t).to_string();
        }
        if let Some((line, subtitle)) = self.subtitle() {
            self.note("display_title", FactSource::Heading, line);
            return subtitle;
        }
        let outline = self.input.outline;
        let first_known =
            outline.sections.iter().find(|s| s.section.kind != SectionKind::Other).map_or(u32::MAX, |s| s.section.line);
        if let Some(h) = outline.headings.iter().skip(1).find(|h| {
            h.line < first_known
                && !NOT_A_TITLE.is_match(&h.text)
                && self
                    .input
                    .outline
                    .sections
                    .iter()
                    .all(|s| s.section.line != h.line || s.section.kind == SectionKind::Other)
                && !is_generic_title(&h.text)
                && times(&h.text).next().is_none()
                && h.text.split_whitespace().count() >= 3
        }) {
            self.note("display_title", FactSource::Heading, h.line);
            return plain_text(&h.text).into_owned();
        }
        for kind in [SectionKind::Summary, SectionKind::Impact, SectionKind::RootCause] {
            for s in self.sections_of(kind) {
                for (line, raw) in outline.content(s, self.input.lines) {
                    if outline.line_kind(line) != LineKind::Text {
                        continue;
                    }
                    let text = plain_text(raw);
                    if let Some(short) = sentences(&text).into_iter().find_map(headline) {
                        self.note("display_title", FactSource::Derived, line);
                        return short;
                    }
                }
            }
        }
        if let Some(t) = &p.title {
            return t.clone();
        }
        let stem = p.source.rsplit('/').next().unwrap_or(&p.source);
        stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_string()
    }

    /// A short line right under a generic title that names the incident
    /// (`# Postmortem` / `Checkout Payment Errors Caused by a Pooler Change`).
    fn subtitle(&self) -> Option<(u32, String)> {
        let outline = self.input.outline;
        let line = outline.headings.first()?.line + 1;
        if outline.line_kind(line) != LineKind::Text {
            return None;
        }
        let text = plain_text(self.input.lines.get(line as usize - 1)?).trim().to_string();
        let words = text.split_whitespace().count();
        let names_it = (3..=14).contains(&words)
            && text.len() <= 100
            && !text.ends_with(['.', ':', '!', '?'])
            && !text.contains(':')
            && !is_generic_title(&text)
            && times(&text).next().is_none();
        names_it.then_some((line, text))
    }
}

/// "2024-11-19, Delivery notifications delayed" → the words after the date:
/// lists already show the date.
fn without_date_prefix(title: &str) -> &str {
    static DATE_PREFIX: PerThread<Regex> = PerThread::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}\s*[,:–—-]?\s+").unwrap());
    match DATE_PREFIX.find(title) {
        Some(m) if title[m.end()..].split_whitespace().count() >= 3 => &title[m.end()..],
        _ => title,
    }
}

/// A by-line's name without what follows it: "Dev Okonkwo for the platform
/// team" → "Dev Okonkwo".
fn person(by_line: &str) -> String {
    let name = by_line.trim().trim_end_matches(',').trim();
    let cut = [" for ", " on behalf of ", " from the "].iter().filter_map(|w| name.find(w)).min();
    cut.map_or(name, |at| &name[..at]).trim().to_string()
}

/// Every placeholder form has one of these; most lines have none, and most
/// do not even have the first character of one, found in a single pass.
fn might_hold_placeholder(line: &str) -> bool {
    line.bytes().any(|b| matches!(b, b'{' | b'<' | b'[' | b'Y' | b'H' | b'X' | b'_'))
        && (line.contains(['{', '<', '['])
            || line.contains("YYYY")
            || line.contains("HH:MM")
            || line.contains("XXX")
            || line.contains("____"))
}

/// "Postmortem", "Post-Mortem Report", "0x19. Postmortem": nothing specific.
pub fn is_generic_title(title: &str) -> bool {
    let rest = GENERIC_WORDS.replace_all(title, " ");
    rest.chars().filter(|c| c.is_alphabetic()).count() < 3
}

/// A sentence cut down to a headline: a leading label, date or time
/// removed, first clause, at most ~70 characters, capitalised. `None` for
/// sentences too short to say anything.
fn headline(sentence: &str) -> Option<String> {
    static LABEL: PerThread<Regex> = PerThread::new(|| Regex::new(r"^\p{L}[\p{L} /&'-]{0,30}:(?:\s+|$)").unwrap());
    static LEAD: PerThread<Regex> =
        PerThread::new(|| Regex::new(r"(?i)^(?:on|at|from|between|during|around|since|by)?[\s,]*$").unwrap());
    static CLAUSE: PerThread<Regex> = PerThread::new(|| {
        Regex::new(r",|;|\(| - | – | — | that | which | lasting | resulting | leading | causing | where ").unwrap()
    });
    let mut s = sentence.trim();
    while let Some(m) = LABEL.find(s) {
        s = &s[m.end()..];
    }
    // "On May 14th, 2024, at 6:48 AM PDT, the database …" → "the database …"
    loop {
        let date_end = find_dates(s, None).first().filter(|d| LEAD.is_match(&s[..d.span.start])).map(|d| d.span.end);
        let time_end = times(s).next().filter(|t| LEAD.is_match(&s[..t.span.start])).map(|t| t.span.end);
        let Some(end) = date_end.or(time_end) else { break };
        s = s[end..].trim_start_matches(|c: char| c.is_whitespace() || ",.:;".contains(c));
    }
    let clause = CLAUSE.split(s).next().unwrap_or(s).trim().trim_end_matches('.');
    // A clause that is about when ("The outage occurred on Aug 08") does
    // not say what happened.
    let about_when = !find_dates(clause, Some(2000)).is_empty() || times(clause).next().is_some();
    if clause.split_whitespace().count() < 4 || about_when {
        return None;
    }
    let short = shorten(clause, 70);
    let mut chars = short.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Lower-case ASCII letters, digits and single dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "untitled".to_string() } else { out }
}

/// A label whose value is a fact the page shows in its own place.
fn is_fact_label(key: &str) -> bool {
    const FACTS: [&str; 12] = [
        "duration", "date", "time", "start", "end", "severity", "status", "author", "service", "downtime", "priority",
        "when",
    ];
    FACTS.iter().any(|fact| key.split(|c: char| !c.is_alphanumeric()).any(|word| word.starts_with(fact)))
}

/// "for about forty minutes…" (the rest of an `Issue Summary:` line)
/// reads as a sentence with its first letter upper case.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => first.to_uppercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_date_is_dropped_only_when_words_remain() {
        assert_eq!(without_date_prefix("2024-11-19, Delivery notifications delayed"), "Delivery notifications delayed");
        assert_eq!(without_date_prefix("2024-11-19 — DNS outage"), "2024-11-19 — DNS outage");
        assert_eq!(without_date_prefix("Checkout down"), "Checkout down");
    }

    #[test]
    fn a_by_line_ends_with_the_name() {
        assert_eq!(person("Dev Okonkwo for the platform team"), "Dev Okonkwo");
        assert_eq!(person("Ana Lima, "), "Ana Lima");
    }
}
