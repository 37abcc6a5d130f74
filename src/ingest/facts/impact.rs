//! Impact (text and share of users), severity and services.

use super::{Facts, PLACEHOLDER, is_placeholder_text, section_source};
use crate::diagnostics::Diagnostic;
use crate::ingest::sections::LineKind;
use crate::ingest::text::{english, plain_text, sentences, shorten};
use crate::model::{FactSource, Impact, SectionKind};
use crate::per_thread::PerThread;
use regex::Regex;
use std::borrow::Cow;

static USERS_PCT: PerThread<Regex> = PerThread::new(|| {
    english(
        r"(\d{1,3}(?:[.,]\d+)?)\s?(?:%|percent\b|per cent\b)[^.%\n]{0,40}?\b(users?|customers?|requests?|visitors?|subscribers?|clients?|user ?base|traffic|tenants?|members?|players?|accounts?|transactions?|calls?|sessions?|queries|orders?|merchants?|devices?|stores?|sites?|shipments?|parcels?|payments?|logins?|utilisateurs|requêtes|nutzer\w*|benutzer\w*|kunden\w*|anfragen|usuarios|clientes|solicitudes|пользовател\w*)",
    )
});
static PCT_AFFECTED: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(?:affect\w*|impact\w*|prevent\w*)\b[^.%\n]{0,30}?(\d{1,3}(?:[.,]\d+)?)\s?(?:%|percent\b|per cent\b)")
});
/// "利用者の約30%": a share written after its noun, for labels and
/// sections that are about impact.
static ANY_PCT: PerThread<Regex> =
    PerThread::new(|| Regex::new(r"(\d{1,3}(?:[.,]\d+)?)\s?(?:%|(?i:percent\b|per cent\b))").unwrap());
/// "Half of all requests", "a third of customers".
static FRACTION: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(half|one half|a third|one third|a quarter|one quarter|two thirds|three quarters) of (all |the |our )?(users|customers|requests|traffic|visitors|clients|sessions|calls|queries|orders|logins|page ?loads|the user ?base)\b|\b(?:one|1) (?:in|out of) (two|three|four|five|ten|twenty|\d{1,3}) (users|customers|requests|visitors|clients|sessions|calls|queries|orders|logins|page ?loads)\b",
    )
});
static ALL_USERS: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(all (of )?(our |the )?(users|customers|visitors|clients|requests)|entire user ?base|every (user|customer|request|visitor|client)|100 percent|(for|to) (anyone|everyone|everybody)|(no ?one|nobody) (could|was able|can)|(complete|total|full|global) (outage|downtime|unavailability)|hard down|(the )?(whole|entire) (site|website|service|platform|app|application|api|product|system) (was|went) (down|offline|unavailable|unreachable|inaccessible)|(completely|entirely|totally|fully) (down|offline|unavailable|inaccessible|unreachable|unusable)|(all|every)( [\w.-]+)? (services|requests|pages|sites|systems|endpoints|apis)\b[^.]{0,30}\b(down|failed|offline|unavailable)|(success|availability)( rate| metric)? (reache[sd]|dropped to|fell to|went to|was) 0 ?%)",
    )
});
/// "No customer impact": nobody was affected.
static NO_USERS: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(no (user|customer|client|end-user|external|visible)[- ]?(facing )?impact|no (users|customers|clients) (were|was) (affected|impacted)|(did not|didn't) (affect|impact) (any )?(users|customers|clients)|without (any )?(user|customer) impact|(users|customers|clients) (were|was) not (affected|impacted)|(users|customers|clients) (experienced|saw|noticed|had) no (impact|disruption|errors)|no impact (to|on|for) (users|customers|clients))",
    )
});
/// A sentence that says the outage was partial does not say "everyone".
static PARTIAL: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(partial\w*|some|several|a few|subset|intermittent\w*|region\w*|degraded|slow\w*|(not|n't) (completely|entirely|totally|fully|all|every)|almost|nearly)\b",
    )
});
static SEV_PROSE: PerThread<Regex> = PerThread::new(|| english(r"\bsev(?:erity)?[- ]?([0-5])\b"));
static SEV_VALUE: PerThread<Regex> = PerThread::new(|| english(r"\b(?:sev(?:erity)?|p|s|level)?[- ]?([0-5])\b"));

impl Facts<'_> {
    pub(super) fn impact(&mut self) -> Impact {
        let mut impact = Impact::default();
        let sections = self.sections_of(SectionKind::Impact);
        if let Some(s) = sections.iter().find(|s| !self.section_text(s).is_empty()) {
            let text = self.section_text(s).to_string();
            if !is_placeholder_text(&text) {
                self.note("impact", section_source(s), s.section.line);
                impact.text = Some(shorten(&text, 800));
            }
        }
        match self.users_pct() {
            Some((pct, line)) if pct > 100.0 => self.diagnostics.push(
                Diagnostic::warning(
                    "implausible-value",
                    line,
                    format!("{pct}% of users is more than all of them; left out"),
                )
                .with_help("write the share of users or requests affected, 0 to 100%"),
            ),
            Some((pct, line)) => {
                impact.users_pct = Some(pct);
                self.note("users_pct", FactSource::Prose, line);
            }
            None => {}
        }
        if impact.text.is_none() {
            // A sentence of the summary that says who was affected.
            let summary: Vec<_> = self.sections_of(SectionKind::Summary);
            for s in summary {
                let text = self.section_text(s);
                if let Some(sentence) = sentences(text).into_iter().find(|x| {
                    let l = x.to_lowercase();
                    l.contains("affect") || l.contains("impact") || l.contains("users")
                }) {
                    impact.text = Some(sentence.to_string());
                    self.note("impact", FactSource::Prose, s.section.line);
                    break;
                }
            }
        }
        impact
    }

    /// The share of users or requests affected, 0–100: "30% of users",
    /// "affecting 80%", "All users", an impact label's "約30%".
    pub(super) fn users_pct(&self) -> Option<(f64, u32)> {
        let outline = self.input.outline;
        let mut texts: Vec<(Cow<str>, u32, bool)> = Vec::new(); // (text, line, about impact)
        for kind in [SectionKind::Impact, SectionKind::Summary] {
            for s in self.sections_of(kind) {
                texts.push((Cow::Borrowed(self.section_text(s)), s.section.line, kind == SectionKind::Impact));
            }
        }
        // The lead paragraph before any section, and an archive entry's
        // summary, tell it too.
        let lead = self.preamble_prose();
        let lead = lead.split_at(lead.paragraph_end()).0;
        if !lead.text.trim().is_empty() {
            texts.push((Cow::Owned(lead.text), lead.first_line, false));
        }
        if let Some(summary) = self.fm().and_then(|m| m.summary.as_deref()) {
            texts.push((Cow::Borrowed(summary), self.fm_line("summary"), false));
        }
        for label in &outline.labels {
            let name = label.name.to_lowercase();
            let about_impact = ["impact", "affected", "影響", "touchés", "betroffen", "afectados", "영향"]
                .iter()
                .any(|w| name.contains(w));
            texts.push((plain_text(&label.value), label.line, about_impact));
        }
        let found = texts
            .iter()
            .find_map(|(t, l, _)| share(&USERS_PCT, t).map(|p| (p, *l)))
            .or_else(|| texts.iter().find_map(|(t, l, _)| share(&PCT_AFFECTED, t).map(|p| (p, *l))))
            .or_else(|| {
                texts.iter().filter(|(_, _, about)| *about).find_map(|(t, l, _)| share(&ANY_PCT, t).map(|p| (p, *l)))
            })
            .or_else(|| texts.iter().find_map(|(t, l, _)| fraction(t).map(|p| (p, *l))))
            .or_else(|| texts.iter().find_map(|(t, l, _)| said_of_everyone(t).then_some((100.0, *l))))
            .or_else(|| texts.iter().find_map(|(t, l, _)| NO_USERS.is_match(t).then_some((0.0, *l))));
        if found.is_some() {
            return found;
        }
        // Narrative reports: "78% of our subscribers" anywhere in the prose;
        // then "the site is hard down" anywhere, a timeline entry too.
        let lines = || (1..=self.plain.len() as u32).map(|line| (line, self.plain_line(line)));
        lines()
            .filter(|(line, _)| outline.line_kind(*line) == LineKind::Text)
            .find_map(|(line, text)| share(&USERS_PCT, text).map(|p| (p, line)))
            .or_else(|| lines().find_map(|(line, text)| said_of_everyone(text).then_some((100.0, line))))
    }

    /// (`SEV2`, as written).
    pub(super) fn severity(&mut self) -> Option<(String, String)> {
        let (text, line, source) = if let Some(s) = self.fm().and_then(|m| m.severity.clone()) {
            (s, self.fm_line("severity"), FactSource::FrontMatter)
        } else if let Some((v, line)) = self.label(&[
            "severity",
            "sev",
            "priority",
            "severidad",
            "sévérité",
            "severite",
            "schweregrad",
            "심각도",
            "障害レベル",
            "重大度",
            "重要度",
            "故障等级",
            "事故等级",
            "故障级别",
            "incident severity",
            "impact level",
        ]) {
            (plain_text(v).into_owned(), line, FactSource::Label)
        } else {
            let (line, m) = self
                .input
                .lines
                .iter()
                .enumerate()
                .find_map(|(i, l)| SEV_PROSE.find(l).map(|m| (i as u32 + 1, m.as_str().to_string())))?;
            (m, line, FactSource::Prose)
        };
        let normalized = normalize_severity(&text)?;
        self.note("severity", source, line);
        Some((normalized, text))
    }

    pub(super) fn services(&mut self) -> Vec<String> {
        if let Some(fm) = self.fm().filter(|m| !m.services.is_empty()) {
            self.note("services", FactSource::FrontMatter, self.fm_line("services"));
            return fm.services.clone();
        }
        let Some((value, line)) = self.label(&[
            "services",
            "service",
            "affected services",
            "services affected",
            "affected service",
            "service affected",
            "services impactés",
            "servicios afectados",
            "betroffene dienste",
            "影響サービス",
            "systems",
            "system",
            "components",
        ]) else {
            return Vec::new();
        };
        let plain = plain_text(value);
        if PLACEHOLDER.is_match(&plain) {
            return Vec::new();
        }
        let services: Vec<String> = plain
            .split([',', ';', '/'])
            .flat_map(|s| s.split(" and "))
            .map(|s| s.trim().trim_end_matches('.').to_string())
            .filter(|s| !s.is_empty() && s.chars().count() <= 60)
            .collect();
        if !services.is_empty() {
            self.note("services", FactSource::Label, line);
        }
        services
    }
}

/// Some sentence says everyone was affected ("the site was completely
/// down"), and does not say in the same breath that it was partial.
fn said_of_everyone(text: &str) -> bool {
    ALL_USERS.is_match(text) && sentences(text).into_iter().any(|s| ALL_USERS.is_match(s) && !PARTIAL.is_match(s))
}

/// "Half of all requests" = 50.
fn fraction(text: &str) -> Option<f64> {
    let caps = FRACTION.captures(text)?;
    // "One in ten requests" = 10.
    if let Some(of) = caps.get(4) {
        let n = match of.as_str().to_lowercase().as_str() {
            "two" => 2.0,
            "three" => 3.0,
            "four" => 4.0,
            "five" => 5.0,
            "ten" => 10.0,
            "twenty" => 20.0,
            digits => digits.parse::<f64>().ok().filter(|n| *n >= 1.0)?,
        };
        return Some((100.0 / n).round());
    }
    let words = caps.get(1)?.as_str().to_lowercase();
    Some(match words.trim_start_matches("a ").trim_start_matches("one ") {
        "half" => 50.0,
        "third" => 33.0,
        "quarter" => 25.0,
        "two thirds" => 67.0,
        _ => 75.0,
    })
}

/// The share captured by the first match of a percentage pattern (over
/// 100 too, to be reported). Each of them needs a `%` or "percent", which
/// most texts lack: checking for it first spares the regex.
fn share(pattern: &Regex, text: &str) -> Option<f64> {
    if !text.contains('%') && !text.contains("percent") && !text.contains("per cent") {
        return None;
    }
    let m = pattern.captures(text)?.get(1)?;
    // Three digits at most: "150%" is kept, to be reported as implausible.
    m.as_str().replace(',', ".").parse::<f64>().ok()
}

/// `P2 Medium` → `SEV2`, `critical` → `SEV1`, `SEV-3` → `SEV3`.
pub fn normalize_severity(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    if let Some(n) = SEV_VALUE.captures(&lower).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
        && (lower.trim_start().starts_with(|c: char| c.is_ascii_digit() || "psl".contains(c))
            || lower.contains("sev")
            || lower.contains("level"))
    {
        return Some(format!("SEV{n}"));
    }
    let word = |w: &str| lower.split(|c: char| !c.is_alphanumeric()).any(|x| x == w);
    if word("critical") || word("blocker") || word("major") && word("outage") {
        Some("SEV1".into())
    } else if word("high") || word("major") || word("severe") {
        Some("SEV2".into())
    } else if word("medium") || word("moderate") {
        Some("SEV3".into())
    } else if word("low") || word("minor") {
        Some("SEV4".into())
    } else {
        None
    }
}
