//! The root cause and its root-cause tags.

use super::{Facts, Prose, is_placeholder_text, section_source};
use crate::config::normalize_tag;
use crate::ingest::per_thread::PerThread;
use crate::ingest::sections::OutlineSection;
use crate::ingest::text::{english, shorten};
use crate::model::{FactSource, Provenance, SectionKind, TagsSource};
use regex::Regex;

/// A root cause and the text its tags are inferred from.
pub(super) struct RootCause {
    pub(super) text: String,
    pub(super) tag_text: String,
}

static CAUSE_PROSE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(root cause|caused|due to|the cause|stemmed from|traced (back )?to|triggered by|resulted from|the culprit|ursache|cause racine|causa)\b|原因",
    )
});
static STATED_CAUSE: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(root cause|the cause (was|is)|was caused by|culprit|ursache|cause racine|causa ra[ií]z)\b|原因")
});
static NEGATION: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(not|no|never|ruled out|rather than|instead of|unrelated|n't|without any|suspected|initially|assum\w+)\b",
    )
});

impl Facts<'_> {
    /// The root cause: the longest root-cause section, else a sentence that
    /// says "root cause" or "caused by".
    pub(super) fn root_cause(&mut self) -> Option<RootCause> {
        let sections = self.sections_of(SectionKind::RootCause);
        let mut texts: Vec<(String, &OutlineSection)> =
            sections.iter().map(|s| (self.section_text(s).to_string(), *s)).filter(|(t, _)| !t.is_empty()).collect();
        texts.retain(|(t, _)| !is_placeholder_text(t));
        let factors: String = self
            .sections_of(SectionKind::ContributingFactors)
            .iter()
            .map(|s| self.section_text(s))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((text, section)) = texts.iter().max_by_key(|(t, _)| t.len()) {
            let source = section_source(section);
            self.note("root_cause", source, section.section.line);
            let all: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
            return Some(RootCause { text: shorten(text, 1500), tag_text: format!("{} {}", all.join(" "), factors) });
        }
        let mut proses: Vec<Prose> = Vec::new();
        for kind in [SectionKind::Summary, SectionKind::Impact, SectionKind::Other] {
            proses.extend(self.sections_of(kind).into_iter().map(|s| self.prose(s)));
        }
        // Documents with no usable sections: anywhere in the prose.
        proses.push(self.document_prose());
        // "The cause was …" says more than a passing "caused by".
        for pattern in [&*STATED_CAUSE, &*CAUSE_PROSE] {
            for prose in &proses {
                if let Some((offset, sentence)) = prose.sentences().into_iter().find(|(_, x)| pattern.is_match(x)) {
                    self.note("root_cause", FactSource::Prose, prose.line_at(offset));
                    let sentence = sentence.trim_end_matches(". ").trim();
                    return Some(RootCause { text: sentence.to_string(), tag_text: format!("{sentence} {factors}") });
                }
            }
        }
        // Contributing factors alone still say what to tag.
        (!factors.is_empty()).then(|| RootCause { text: String::new(), tag_text: factors })
    }

    /// Front-matter tags win (aliases mapped). When none of them is in the
    /// taxonomy (keywords, blog categories), they are kept and the tags are
    /// also inferred: the taxonomy's rules run over the root-cause and
    /// contributing-factor text only, so a passing mention does not count.
    pub(super) fn tags(&mut self, root_cause: Option<&RootCause>) -> (Vec<String>, Option<TagsSource>) {
        let taxonomy = &self.input.config.taxonomy;
        let mut tags: Vec<String> = Vec::new();
        if let Some(fm) = self.fm().filter(|m| !m.tags.is_empty()) {
            for tag in &fm.tags {
                let canonical = taxonomy.canonical(tag).map_or_else(|| normalize_tag(tag), str::to_string);
                if !tags.contains(&canonical) {
                    tags.push(canonical);
                }
            }
            self.note("tags", FactSource::FrontMatter, self.fm_line("tags"));
            if tags.iter().any(|t| taxonomy.get(t).is_some()) {
                return (tags, Some(TagsSource::FrontMatter));
            }
        }
        let inferred = root_cause.map(|rc| infer_tags(taxonomy, &rc.tag_text)).unwrap_or_default();
        if inferred.is_empty() {
            let source = (!tags.is_empty()).then_some(TagsSource::FrontMatter);
            return (tags, source);
        }
        if let Some(p) = self.provenance.get("root_cause").cloned() {
            self.provenance.insert("tags", Provenance { source: FactSource::Derived, line: p.line });
        }
        tags.extend(inferred);
        (tags, Some(TagsSource::Inferred))
    }
}

/// Taxonomy tags whose rules match the text, most evidence first; at most
/// five, so a long root cause does not collect every tag it brushes against.
fn infer_tags(taxonomy: &crate::config::Taxonomy, text: &str) -> Vec<String> {
    let mut hits = vec![0usize; taxonomy.tags.len()];
    let links = link_spans(text);
    let in_link = |at: usize| links.iter().any(|span| span.contains(&at));
    for m in taxonomy.matcher().find_iter(text).filter(|m| !negated(text, m.start()) && !in_link(m.start())) {
        if let Some(count) = hits.get_mut(m.pattern().as_usize()) {
            *count += 1;
        }
    }
    let mut scored: Vec<(usize, usize)> =
        hits.into_iter().enumerate().filter(|(_, n)| *n > 0).map(|(i, n)| (n, i)).collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.iter().take(5).map(|(_, i)| taxonomy.tags[*i].name.clone()).collect()
}

/// Where links name other documents (`[[2024-03-12-checkout-dns-outage]]`,
/// `](../db.md)`): their words are addresses, not causes.
fn link_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    static LINK: PerThread<Regex> = PerThread::new(|| Regex::new(r"\[\[[^\]]*\]\]|\]\([^)]*\)").unwrap());
    if !text.contains("[[") && !text.contains("](") {
        return Vec::new();
    }
    LINK.find_iter(text).map(|m| m.range()).collect()
}

/// A match is negated when its clause says it was not the cause.
fn negated(text: &str, at: usize) -> bool {
    // Only the 60 bytes before the match, back to the clause's start.
    let window_start = (at.saturating_sub(60)..=at).find(|i| text.is_char_boundary(*i)).unwrap_or(at);
    let window = &text[window_start..at];
    let clause = window.rfind(['.', ';', '!', '?']).map_or(window, |i| &window[i + 1..]);
    NEGATION.is_match(clause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn words_inside_links_are_not_causes() {
        let config = Config::default_for(std::path::Path::new("."));
        let text = "A provider outage, as in [[2024-03-12-checkout-dns-outage]] and [the earlier one](dns-outage.md).";
        assert!(!infer_tags(&config.taxonomy, text).contains(&"dns".to_string()));
        assert!(infer_tags(&config.taxonomy, "The DNS record was wrong.").contains(&"dns".to_string()));
    }
}
