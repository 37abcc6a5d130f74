//! The root cause and its root-cause tags.

use super::{Facts, Prose, is_placeholder_text, section_source};
use crate::ingest::sections::OutlineSection;
use crate::ingest::text::{english, shorten};
use crate::ingest::when::{window_after, window_before};
use crate::model::{FactSource, SectionKind, TagEvidence, TagsSource};
use crate::per_thread::PerThread;
use regex::Regex;
use std::collections::HashSet;

/// A root cause, and whether prose states it ("the cause was", "caused
/// by") rather than a root-cause section or a reason given in passing.
pub(super) struct RootCause {
    pub(super) text: String,
    pub(super) stated: bool,
}

static CAUSE_PROSE: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(root cause|caused|due to|the cause|stemmed from|traced (back )?to|triggered by|resulted from|the culprit|ursache|cause racine|causa)\b|原因",
    )
});
/// A reason given in passing ("went down because the ingress pods
/// crashed"): the root cause's text when nothing says more, but no
/// stronger evidence of a tag than the sentence's own place.
static REASON_PROSE: PerThread<Regex> =
    PerThread::new(|| english(r"\b(because|the reason|turned out|weil|parce que|à cause|debido a|porque)\b"));
static STATED_CAUSE: PerThread<Regex> = PerThread::new(|| {
    english(r"\b(root cause|the cause (was|is)|was caused by|culprit|ursache|cause racine|causa ra[ií]z)\b|原因")
});
static NEGATION: PerThread<Regex> = PerThread::new(|| {
    english(
        r"\b(not|no|never|ruled out|rather than|instead of|unrelated|without any|suspect\w*|initially|at first|first thought|looked for|(he|she|we|they|i) (first )?(checked|inspected|examined|investigated|looked at)|assum\w+|potential(ly)?|possibl[ey]|perhaps|maybe|explor\w+|hypothes\w+|if|unless|whether|in case|would have|could have|might have|should have|to (stop|prevent|avoid)|going forward|moving forward|in (the )?future|from now on|next time|will|we plan|plan to|(was|were|is|are|has|have|had)n['’]t)\b|次回|予定",
    )
});

/// A sentence about the write-up itself ("This post explains what
/// happened, because several of you asked"): its "because" is the
/// author's reason for writing, not the incident's cause.
static ABOUT_THE_WRITING: PerThread<Regex> = PerThread::new(|| {
    english(
        r"^\W*((in )?this (post|write-?up|article|document|report|post-?mortem|blog post|page|story)|i.m writing|we.re writing|i am writing|we are writing)\b|\b(several|many|some|a few|lots) of you (asked|have asked|wanted)\b",
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
        if let Some((text, section)) = texts.iter().max_by_key(|(t, _)| t.len()) {
            let source = section_source(section);
            self.note("root_cause", source, section.section.line);
            return Some(RootCause { text: shorten(text, 1500), stated: false });
        }
        let mut proses: Vec<(Prose, FactSource)> = Vec::new();
        // An archive entry's front-matter summary is its curator's account.
        if let Some(summary) = self.fm().and_then(|m| m.summary.as_deref()) {
            proses.push((Prose::of_line(summary, self.fm_line("summary")), FactSource::FrontMatter));
        }
        for kind in [SectionKind::Summary, SectionKind::Impact, SectionKind::Other] {
            proses.extend(self.sections_of(kind).into_iter().map(|s| (self.prose(s), FactSource::Prose)));
        }
        // Documents with no usable sections: anywhere in the prose.
        proses.push((self.document_prose(), FactSource::Prose));
        // "The cause was …" says more than a passing "caused by", which
        // says more than "because".
        for (pattern, states) in [(&*STATED_CAUSE, true), (&*CAUSE_PROSE, true), (&*REASON_PROSE, false)] {
            for (prose, source) in &proses {
                if let Some((offset, sentence)) =
                    prose.sentences().into_iter().find(|(_, x)| pattern.is_match(x) && !ABOUT_THE_WRITING.is_match(x))
                {
                    let line = prose.line_at(offset);
                    self.note("root_cause", *source, line);
                    let sentence = sentence.trim_end_matches(". ").trim();
                    return Some(RootCause { text: sentence.to_string(), stated: states });
                }
            }
        }
        None
    }

    /// Front-matter tags and categories that are taxonomy tags (or
    /// aliases of one) win; the others are topics, kept as keywords. The
    /// tags the document gives evidence for are inferred either way: a
    /// blog's `tags: [postgresql]` is a topic that names one cause at most.
    pub(super) fn tags(&mut self, title: Option<&str>, root_cause: Option<&RootCause>) -> Tags {
        let taxonomy = &self.input.config.taxonomy;
        let mut found = Tags::default();
        if let Some(fm) = self.fm() {
            // Each list's names as compared (ASCII case aside), so that a
            // file with thousands of tags stays linear.
            let (mut tags_seen, mut keywords_seen) = (HashSet::new(), HashSet::new());
            for (i, written) in fm.tags.iter().chain(&fm.keywords).enumerate() {
                let (list, seen, name) = match taxonomy.canonical(written) {
                    Some(tag) if i < fm.tags.len() || fm.tags.contains(written) => {
                        (&mut found.tags, &mut tags_seen, tag.to_string())
                    }
                    _ => (&mut found.keywords, &mut keywords_seen, written.trim().to_string()),
                };
                if seen.insert(name.to_ascii_lowercase()) {
                    list.push(name);
                }
            }
            if !found.keywords.is_empty() {
                let key = if fm.tags.iter().any(|t| found.keywords.contains(t)) { "tags" } else { "keywords" };
                self.note("keywords", FactSource::FrontMatter, self.fm_line(key));
            }
            if !found.tags.is_empty() {
                self.note("tags", FactSource::FrontMatter, self.fm_line("tags"));
                found.source = Some(TagsSource::FrontMatter);
            }
        }
        let places = self.evidence_places(title);
        let stated = root_cause.is_some_and(|rc| rc.stated);
        let mut evidence = infer_tags(taxonomy, &places, stated);
        // A tag the front matter gives needs no evidence, nor takes the
        // place of one inferred.
        evidence.retain(|e| !found.tags.contains(&e.tag));
        let mut inferred: Vec<String> = Vec::new();
        evidence.retain(|e| {
            if !inferred.contains(&e.tag) && inferred.len() < MAX_INFERRED {
                inferred.push(e.tag.clone());
            }
            inferred.contains(&e.tag)
        });
        for e in &evidence {
            if !found.tags.contains(&e.tag) {
                found.tags.push(e.tag.clone());
            }
        }
        if let Some(strongest) = evidence.first() {
            found.source = match found.source {
                Some(_) => Some(TagsSource::FrontMatterAndInferred),
                None => {
                    self.note("tags", FactSource::Derived, strongest.line);
                    Some(TagsSource::Inferred)
                }
            };
        }
        found.evidence = evidence;
        found
    }

    /// Where a cause may be named, each named by what it is (a match
    /// there weighs what the tag's weights say of that place):
    /// the title, every section by its kind (a combined heading by its
    /// heaviest kind), and the lead paragraph before any section as a
    /// summary and the rest of it as other text. (A sentence that states
    /// the cause weighs as a root cause wherever it is: see [`Connectives::role`].)
    fn evidence_places(&self, title: Option<&str>) -> Vec<Place> {
        let weights = &self.input.config.taxonomy.weights;
        let mut places = Vec::new();
        if let Some(title) = title {
            places.push(Place { name: "title", prose: Prose::of_line(title, self.title_line()) });
        }
        let summarised = self.fm().and_then(|m| m.summary.as_deref());
        if let Some(summary) = summarised {
            let prose = Prose::of_line(summary, self.fm_line("summary"));
            places.push(Place { name: SectionKind::Summary.as_str(), prose });
        }
        // Before any section: the lead paragraph is a summary, the rest
        // other text; a file without sections is all summary. Where the
        // front matter holds the summary (an archive's entry), the text
        // retells the story, naming much in passing: other text.
        let preamble = self.preamble_prose();
        let lead_end = match self.input.outline.sections.is_empty() {
            true => preamble.text.len(),
            false => preamble.paragraph_end(),
        };
        let (lead, rest) = preamble.split_at(lead_end);
        let lead_kind = if summarised.is_some() { SectionKind::Other } else { SectionKind::Summary };
        places.push(Place { name: lead_kind.as_str(), prose: lead });
        places.push(Place { name: SectionKind::Other.as_str(), prose: rest });
        for section in &self.input.outline.sections {
            let kinds = std::iter::once(section.section.kind).chain(section.also.iter().copied());
            let Some(kind) = kinds.max_by(|a, b| weights.of(*a).total_cmp(&weights.of(*b))) else { continue };
            places.push(Place { name: kind.as_str(), prose: self.prose_with_tables(section) });
        }
        places.retain(|p| !p.prose.text.trim().is_empty());
        places
    }
}

/// What the tags of one file are and why.
#[derive(Default)]
pub(super) struct Tags {
    pub(super) tags: Vec<String>,
    pub(super) source: Option<TagsSource>,
    pub(super) evidence: Vec<TagEvidence>,
    pub(super) keywords: Vec<String>,
}

/// A stretch of the document where a cause may be named.
struct Place {
    /// `title` or a section kind: what a match there weighs.
    name: &'static str,
    prose: Prose,
}

/// The places that state a cause.
const CAUSE_PLACES: [&str; 2] = ["root_cause", "contributing_factors"];
/// The places that tell what happened when, or what is to be done: a
/// cause said in passing there weighs what the place does ("10:40 found
/// the change was inadvertently routing all traffic to one server,
/// causing overload").
const NARRATIVE_PLACES: [&str; 2] = ["timeline", "action_items"];

/// At most this many matches of one tag count in one place: a section
/// that says "database" ten times is still one section's word.
const MATCHES_PER_PLACE: usize = 2;
/// At most this many tags are inferred, so that a long report does not
/// collect every tag it brushes against.
const MAX_INFERRED: usize = 5;

/// The evidence of every tag whose score reaches the taxonomy's threshold,
/// strongest tag first, each tag's matches heaviest first.
fn infer_tags(taxonomy: &crate::config::Taxonomy, places: &[Place], stated: bool) -> Vec<TagEvidence> {
    let mut by_tag: Vec<Vec<TagEvidence>> = vec![Vec::new(); taxonomy.tags.len()];
    // Whether something went wrong with the tag's part is said, or only
    // the part is named (a hint not given as the cause).
    let mut told = vec![false; taxonomy.tags.len()];
    for place in places {
        // A place no tag weighs (the action items, by default) is not read.
        if taxonomy.tags.iter().all(|rule| rule.weights.of_place(place.name) <= 0.0) {
            continue;
        }
        let text = &place.prose.text;
        let links = link_spans(text);
        let in_link = |at: usize| links.iter().any(|span| span.contains(&at));
        let mut connectives = None;
        // Each tag's evidence in this place, and whether it tells.
        let mut here: Vec<Vec<(TagEvidence, bool)>> = vec![Vec::new(); taxonomy.tags.len()];
        let found = taxonomy.matcher().find_all(text);
        for m in &found {
            let (tag, hint) = taxonomy.tag_of(m.tag);
            let (start, end) = (m.range.start, m.range.end);
            // A hint inside a match of the tag's own rules ("the database"
            // in "the database's connections") is that match.
            if hint && found.iter().any(|o| o.tag == tag && o.range.start < end && start < o.range.end) {
                continue;
            }
            let Some(rule) = taxonomy.tags.get(tag) else { continue };
            let weight = rule.weights.of_place(place.name);
            if weight <= 0.0
                || (negated(text, start) && !tells_an_absence(&text[start..end]))
                || in_link(start)
                || remedy(text, start, end)
                || cleared(text, end)
            {
                continue;
            }
            // What a sentence gives as the cause counts as a root cause
            // wherever it is written; what it says followed from the
            // cause, as a consequence, never more than where it is.
            let connectives = connectives.get_or_insert_with(|| Connectives::of(text));
            if connectives.asks(text, start, end) {
                continue;
            }
            let role = connectives.role(start, end);
            let (place_name, weight) = match role {
                _ if place.name == "timeline" && {
                    let entry = place.prose.line_span(start);
                    reports_the_cause(&text[entry.clone()], start - entry.start, end - entry.start)
                } =>
                {
                    (SectionKind::RootCause.as_str(), weight.max(rule.weights.of(SectionKind::RootCause)))
                }
                Role::Cause if !NARRATIVE_PLACES.contains(&place.name) => {
                    (SectionKind::RootCause.as_str(), weight.max(rule.weights.of(SectionKind::RootCause)))
                }
                Role::Consequence => {
                    (crate::config::CONSEQUENCE, weight.min(rule.weights.of_place(crate::config::CONSEQUENCE)))
                }
                Role::Cause | Role::Unsaid => (place.name, weight),
            };
            // "The database" or "saturated" alone names the part or the
            // symptom, which is as often the victim as the cause, unless
            // the sentence gives it as the cause ("caused by the database").
            let phrase = &text[m.range.clone()];
            let weight = if hint && role != Role::Cause { weight * taxonomy.hint_weight } else { weight };
            let evidence = TagEvidence {
                tag: rule.name.clone(),
                place: place_name.to_string(),
                line: place.prose.line_at(start),
                phrase: phrase.to_string(),
                weight,
            };
            here[tag].push((evidence, !hint || role == Role::Cause));
        }
        // The strongest matches count: the timeline's "Config change
        // identified" over its earlier "config change rolled out".
        for (tag, mut evidence) in here.into_iter().enumerate() {
            evidence.sort_by(|a, b| b.0.weight.total_cmp(&a.0.weight));
            evidence.truncate(MATCHES_PER_PLACE);
            for (evidence, tells) in evidence {
                told[tag] |= tells;
                by_tag[tag].push(evidence);
            }
        }
    }
    // A file that states its cause nowhere (no root-cause or contributing
    // section, no "the cause was" sentence) gives what it says elsewhere
    // more weight: half the threshold.
    let states_cause = stated || places.iter().any(|p| CAUSE_PLACES.contains(&p.name));
    // A part only named, and in one place only (a summary's passing "the
    // database … the database"), is one mention of what may be the
    // victim: it needs the whole threshold even there. Named across the
    // document's places, it is a thread of the story.
    let threshold = |tag: usize, evidence: &[TagEvidence]| {
        let one_place = evidence.iter().all(|e| evidence.first().is_some_and(|f| f.place == e.place));
        match states_cause || (!told[tag] && one_place) {
            true => taxonomy.threshold,
            false => taxonomy.threshold / 2.0,
        }
    };
    let score = |evidence: &[TagEvidence]| evidence.iter().map(|e| e.weight).sum::<f64>();
    let mut scored: Vec<(f64, usize, Vec<TagEvidence>)> = by_tag
        .into_iter()
        .enumerate()
        .map(|(i, evidence)| (score(&evidence), i, evidence))
        .filter(|(score, i, evidence)| *score >= threshold(*i, evidence))
        .filter(|(_, i, evidence)| !states_cause || evidence.iter().any(|e| tells(taxonomy, *i, &e.place)))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .flat_map(|(.., mut evidence)| {
            evidence.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.line.cmp(&b.line)));
            evidence
        })
        .collect()
}

/// Whether a match in `place` tells that tag `tag` is a cause. Where a file
/// states its cause, a tag named only in its resolution, lessons or
/// timeline is the fix or a passing mention ("upgrading the library fixed
/// it"): the cause is told in the cause's own sections, the title and the
/// summary, or where the tag's own weights say it is told (a monitoring
/// gap, in the detection).
fn tells(taxonomy: &crate::config::Taxonomy, tag: usize, place: &str) -> bool {
    CAUSE_PLACES.contains(&place)
        || ["title", "summary"].contains(&place)
        || taxonomy.tags.get(tag).is_some_and(|rule| rule.weights.of_place(place) > taxonomy.weights.of_place(place))
}

/// Whether a timeline entry reports the match as the cause found: found
/// after it was looked for ("11:58 Config change identified", "Deploy
/// identified as the trigger") or named as what was found ("Found the
/// culprit: `ULIMIT=-n 15`", "traced to the firewall rule"). A team named
/// before its finding ("Database team identified the …") found it, and
/// is not it.
fn reports_the_cause(entry: &str, start: usize, end: usize) -> bool {
    static FOUND_AFTER: PerThread<Regex> = PerThread::new(|| {
        english(
            r"^[^.;]{0,40}?\b(identified|found|confirmed|pinpointed)\b(\s+(as|in|on|at|to be)\b|\s*([.;:,(\u{2014}-]|$))",
        )
    });
    static FOUND_BEFORE: PerThread<Regex> = PerThread::new(|| {
        english(r"\b(identified|found|traced (back )?to|pinpointed|culprit|(root )?cause)\b[^.;]{0,40}$")
    });
    // A match may run on past its entry's line: then nothing follows it there.
    entry.get(end..).is_some_and(|after| FOUND_AFTER.is_match(after))
        || entry.get(..start).is_some_and(|before| FOUND_BEFORE.is_match(before))
}

/// Where links name other documents (`[[2024-03-12-checkout-dns-outage]]`,
/// `](../db.md)`, a bare `https://…`): their words are addresses, not causes.
fn link_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    static LINK: PerThread<Regex> =
        PerThread::new(|| Regex::new(r"\[\[[^\]]*\]\]|\]\([^)]*\)|\bhttps?://\S+").unwrap());
    if !text.contains("[[") && !text.contains("](") && !text.contains("://") {
        return Vec::new();
    }
    LINK.find_iter(text).map(|m| m.range()).collect()
}

/// A match is negated when its clause says it was not the cause, only
/// might have been ("if the certificate had expired"), or is about what
/// will prevent it ("to stop this happening again, … the deploy script").
fn negated(text: &str, at: usize) -> bool {
    // Only the 60 bytes before the match, back to the clause's start: a
    // sentence break, or a word that turns to what was so ("on port 8080
    // instead of 80 because of a wrong setting", "not the DNS but a bad
    // deploy", "on the primary rather than the replica due to a
    // misconfigured DSN"); "not because of" stays one negation.
    static TURN: PerThread<Regex> = PerThread::new(|| {
        english(
            r"\b(but|however|although|whereas|because|due to|caused by|made possible by)\b|,\s*(and|so|which|then)\b",
        )
    });
    let (_, window) = window_before(text, at, 60);
    // A dash opens a clause of its own ("pages that never call it — a
    // classic cascading failure").
    let mut clause = window.rsplit(['.', ';', '!', '?', '—']).next().unwrap_or(window);
    if let Some(turn) = TURN.find_iter(clause).last() {
        let before = clause[..turn.start()].trim_end().to_lowercase();
        if !(before.ends_with("not") || before.ends_with("n't")) {
            clause = &clause[turn.end()..];
        }
    }
    NEGATION.is_match(clause)
}

/// Whether a match itself tells that something was missing ("ninguna
/// alerta", "keine Überwachung"): a negation before it is the language's
/// concord ("No existía ninguna alerta"), not a denial.
fn tells_an_absence(phrase: &str) -> bool {
    static ABSENCE: PerThread<Regex> =
        PerThread::new(|| english(r"^(ningun|ningún|nenhum|nessun|kein|aucun|żadn|pas d|(sin|sem|senza|geen|brak)\s)"));
    ABSENCE.is_match(phrase)
}

/// What a sentence makes of a match: the cause, a consequence, or
/// neither. Its connectives say which side is which: what follows "led
/// to", "resulting in" or "caused the" and what comes before "due to",
/// "because" or "caused by" is what followed ("a misconfigured load
/// balancer led to wrong routing of database queries" names the database
/// as the victim); what comes before the first kind and after "caused by",
/// "due to" or "the root cause was" is the cause.
#[derive(Debug, PartialEq)]
enum Role {
    Cause,
    Consequence,
    Unsaid,
}

#[derive(Clone, Copy, PartialEq)]
enum Turn {
    /// "caused by", "due to", "the root cause was": the cause follows.
    Cause,
    /// "led to", "resulting in", "caused the": what followed follows.
    Effect,
    /// "because": a reason follows, said in passing.
    Reason,
}

/// The sentence breaks and connectives of one place, found once.
struct Connectives {
    /// Where each sentence ends and the next begins.
    breaks: Vec<std::ops::Range<usize>>,
    turns: Vec<(std::ops::Range<usize>, Turn)>,
    /// Parenthesised asides: a connective inside one speaks only of what
    /// is inside it ("the dependency update (auto-merged because the tests
    /// passed) bumped the library": the update is no consequence).
    asides: Vec<std::ops::Range<usize>>,
    /// Where a clause of its own begins (", and nothing told us, because
    /// …"): a connective after it speaks of that clause, not of a match
    /// before it.
    clause_starts: Vec<usize>,
}

impl Connectives {
    fn of(text: &str) -> Self {
        static TURN: PerThread<Regex> = PerThread::new(|| {
            english(
                r"\b(?P<cause>caused by|made possible by|due to|as a result of|triggered by|resulted from|result of|stemm(ed|ing) from|traced (back )?to|root cause (was|is|of)|the cause (was|is))\b|\b(?P<effect>(was|were|is|are) the (real |actual |main |whole )?(problem|culprit|trigger)|led to|leading to|lead to|leads to|resulted in|resulting in|results in|causing|caused \w+|which meant|meaning that|so that|triggering|prevent(ed|ing) \w+|(saturat|overwhelm|exhaust|overload|flood|starv|hammer)(ed|ing) (the|its|our|their|every|all)|(took|brought|knocked|taking|bringing|knocking) down|knock(ed|ing) over)\b|\b(?P<reason>because)\b",
            )
        });
        static BREAK: PerThread<Regex> = PerThread::new(|| Regex::new(r"[.!?;:](\s|$)|\n").unwrap());
        let turns = TURN
            .captures_iter(text)
            .filter_map(|c| {
                let turn = match (c.name("cause"), c.name("effect")) {
                    (Some(_), _) => Turn::Cause,
                    (None, Some(_)) => Turn::Effect,
                    (None, None) => Turn::Reason,
                };
                Some((c.get(0)?.range(), turn))
            })
            .collect();
        static ASIDE: PerThread<Regex> = PerThread::new(|| Regex::new(r"\([^()\n]*\)").unwrap());
        let asides = ASIDE.find_iter(text).map(|m| m.range()).collect();
        static CLAUSE: PerThread<Regex> = PerThread::new(|| english(r",\s*(and|but|so|yet|while|although)\b"));
        let clause_starts = CLAUSE.find_iter(text).map(|m| m.start()).collect();
        Connectives { breaks: BREAK.find_iter(text).map(|m| m.range()).collect(), turns, asides, clause_starts }
    }

    /// The aside that holds `at`, if any.
    fn aside_of(&self, at: usize) -> Option<&std::ops::Range<usize>> {
        self.asides.iter().find(|a| a.contains(&at))
    }

    /// Whether the sentence that holds a match asks rather than tells ("is
    /// this a phishing attack??", "Was it DNS?"): a guess, not a finding.
    /// A why-question takes what it asks about as so ("Why did it go
    /// unnoticed?").
    fn asks(&self, text: &str, start: usize, end: usize) -> bool {
        static WHY: PerThread<Regex> = PerThread::new(|| english(r"^\W*(why|how come|warum|pourquoi|por ?qu[ée])\b"));
        let sentence_start = self.breaks.iter().rev().find(|b| b.end <= start).map_or(0, |b| b.end);
        let sentence_end = self.breaks.iter().find(|b| b.start >= end).map_or(text.len(), |b| b.end);
        text.get(end..sentence_end).is_some_and(|rest| rest.contains('?'))
            && !text.get(sentence_start..start).is_some_and(|head| WHY.is_match(head))
    }

    fn role(&self, start: usize, end: usize) -> Role {
        let sentence_start = self.breaks.iter().rev().find(|b| b.end <= start).map_or(0, |b| b.end);
        let sentence_end = self.breaks.iter().find(|b| b.start >= end).map_or(usize::MAX, |b| b.start);
        let aside = self.aside_of(start);
        let in_sentence = |r: &std::ops::Range<usize>| {
            r.start >= sentence_start && r.end <= sentence_end && self.aside_of(r.start) == aside
        };
        let preceding = self.turns.iter().rev().find(|(r, _)| r.end <= start && in_sentence(r));
        let following = self
            .turns
            .iter()
            .find(|(r, _)| r.start >= end && in_sentence(r))
            .filter(|(r, _)| !self.clause_starts.iter().any(|&c| c >= end && c < r.start));
        match (preceding, following) {
            (Some((_, Turn::Effect)), _) => Role::Consequence,
            (Some((_, Turn::Cause)), _) => Role::Cause,
            (Some(_), _) => Role::Unsaid,
            (None, Some((_, Turn::Effect))) => Role::Cause,
            (None, Some(_)) => Role::Consequence,
            (None, None) => Role::Unsaid,
        }
    }
}

/// A match next to "a fix" or "the patch" names the remedy, not the
/// cause: "we deployed a fix", "released the patch", "the hotfix was
/// released", "a patched build went live", "shipped 7.3.1, which fixes
/// it", "a new release … has since been published"; one before "report"
/// or "ticket" names the paperwork ("a detailed bug report"), one before
/// "pipeline", "bot" or "team" the tool or the people ("the deploy
/// pipeline's smoke test", "the deploy-bot token", "the database team").
fn remedy(text: &str, start: usize, end: usize) -> bool {
    static AFTER: PerThread<Regex> = PerThread::new(|| {
        english(
            r"^\W{0,3}(of |to )?(a |an |the |our )?(hot ?)?(fix|patch|workaround|mitigation)|^[ -](reports?|tickets?|trackers?|bount(y|ies)|pipelines?|bots?|workflows?|teams?|engineers?|trains?|freezes?|windows?|notes|calendars?|checklists?|keys?|tokens?|channels?)\b|^([^.;:]|\.\d){0,60}\b((which|that) (fix|fixes|fixed|corrects|corrected|restores|restored|reverts|reverted)|(has|have) since been)\b",
        )
    });
    static BEFORE: PerThread<Regex> = PerThread::new(|| {
        english(r"\b((hot ?)?(fix|fixes|patch|patches|workaround)|patched|fixed|corrected)( \w+){0,2}\W{0,3}$")
    });
    let (_, before) = window_before(text, start, 30);
    text.get(end..).is_some_and(|after| AFTER.is_match(after)) || BEFORE.is_match(before)
}

/// Whether what follows a match clears it: "the database was never
/// involved", "DNS was not the cause", "the replicas stayed healthy".
fn cleared(text: &str, end: usize) -> bool {
    static CLEARED: PerThread<Regex> = PerThread::new(|| {
        english(
            r"^\W{0,3}([a-z0-9_-]+ ){0,2}((was|were|is|are|has been|have been) (never|not|in no way) (involved|at fault|to blame|the (root )?cause|the (culprit|problem|issue)|responsible)|(was|were|remained|stayed) (unaffected|fine|healthy|unharmed|untouched))\b|^\s*\((none|no|not|nothing)\b",
        )
    });
    // Korean and Japanese deny after the noun: "외부 공격도 아니었습니다"
    // (nor was it an attack), "攻撃ではありません"; the particle between is short.
    static DENIED_AFTER: PerThread<Regex> = PerThread::new(|| {
        Regex::new(r"^[^\s.。;!?]{0,3}\s?(아니|않았|않습니다|ではな|ではありません|じゃな|でもな)").unwrap()
    });
    let after = window_after(text, end, 80);
    CLEARED.is_match(after) || DENIED_AFTER.is_match(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_that_runs_past_its_timeline_entry_reports_nothing_after_it() {
        let entry = "10:25 AM - Second assumption: HAProxy config broken. haproxy -c -f ";
        assert!(!reports_the_cause(entry, 30, entry.len() + 12));
        assert!(reports_the_cause("11:58 Config change identified", 6, 19));
    }
    use crate::config::Config;

    /// The tags inferred from one root-cause paragraph.
    fn tags_of(text: &str) -> Vec<String> {
        let config = Config::default_for(std::path::Path::new("."));
        let place = Place { name: "root_cause", prose: Prose::of_line(text, 1) };
        let mut tags: Vec<String> = infer_tags(&config.taxonomy, &[place], false).into_iter().map(|e| e.tag).collect();
        tags.dedup();
        tags
    }

    /// Each of `told` is tagged `tag`, and none of `untold` is.
    fn tagged(tag: &str, told: &[&str], untold: &[&str]) {
        for text in told {
            assert!(tags_of(text).iter().any(|t| t == tag), "{tag}: {text}");
        }
        for text in untold {
            assert!(!tags_of(text).iter().any(|t| t == tag), "not {tag}: {text}");
        }
    }

    #[test]
    fn words_inside_links_are_not_causes() {
        let text = "A provider outage, as in [[2024-03-12-checkout-dns-outage]] and [the earlier one](dns-outage.md).";
        assert!(!tags_of(text).contains(&"dns".to_string()));
        assert!(tags_of("The DNS record was wrong.").contains(&"dns".to_string()));
        assert!(tags_of("See https://github.com/example/dns-deploy/issues/3 for the thread.").is_empty());
    }

    #[test]
    fn negated_hypothetical_and_remedial_mentions_do_not_count() {
        assert_eq!(tags_of("It was not the database."), Vec::<String>::new());
        assert_eq!(tags_of("The database was never involved."), Vec::<String>::new());
        assert_eq!(tags_of("DNS resolution was not the cause."), Vec::<String>::new());
        assert_eq!(tags_of("The DNS servers stayed healthy throughout."), Vec::<String>::new());
        assert_eq!(tags_of("He checked the deploys (none that day)."), Vec::<String>::new());
        assert_eq!(tags_of("It wasn’t the database."), Vec::<String>::new());
        // Denied after the noun: "nor was it an external attack".
        assert_eq!(tags_of("외부 공격도 아니었습니다."), Vec::<String>::new());
        assert_eq!(tags_of("外部からの攻撃ではありません。"), Vec::<String>::new());
        assert_eq!(tags_of("외부 공격이었습니다."), ["security"]);
        assert_eq!(tags_of("The deploy didn't know the cron script depended on it."), ["deploy", "automation"]);
        assert_eq!(
            tags_of("Pages that never call it failed too — a classic cascading failure."),
            ["cascading-failure"]
        );
        assert_eq!(tags_of("The DNS record was the cause."), ["dns"]);
        assert_eq!(tags_of("If the certificate had expired, logins would have failed."), Vec::<String>::new());
        assert_eq!(tags_of("We deployed a fix within the hour."), Vec::<String>::new());
        assert_eq!(tags_of("Matches failed until a patched build went live at 06:45."), Vec::<String>::new());
        assert_eq!(tags_of("The team shipped 7.3.1, which fixes the detection."), Vec::<String>::new());
        // A reason given in an aside does not make the sentence's subject a consequence.
        assert_eq!(
            tags_of("The dependency update (auto-merged because all tests passed) bumped our queue library."),
            ["dependency"]
        );
        assert_eq!(tags_of("A new release that pins the root has since been published."), Vec::<String>::new());
        assert_eq!(tags_of("The team says it will roll out limit changes one region at a time."), Vec::<String>::new());
        assert_eq!(tags_of("The hotfix was released at noon."), Vec::<String>::new());
        assert_eq!(
            tags_of("Moving forward, we plan to test configurations in the deployment pipeline."),
            Vec::<String>::new()
        );
        assert_eq!(tags_of("The deploy at 10:02 broke logins."), ["deploy"]);
        // The negation ends where the clause turns to what was so.
        assert_eq!(tags_of("It listened on 8080 instead of 80 because of a wrong setting."), ["config-change"]);
        assert_eq!(tags_of("It was not the DNS but a misconfigured proxy."), ["config-change"]);
        assert_eq!(tags_of("It was not because of the database."), Vec::<String>::new());
        // "Made possible by" gives what made it possible, no hypothesis.
        assert_eq!(tags_of("The outage was made possible by a misconfigured proxy."), ["config-change"]);
        assert_eq!(tags_of("A possible misconfiguration was looked into."), Vec::<String>::new());
    }

    #[test]
    fn a_monitoring_gap_in_plain_words() {
        for text in [
            "It failed in August and we had not noticed, because we never set up alerts on the sensors.",
            "Health checks looked at each node's own view, so a split brain was invisible to monitoring.",
            "The lag alert had been muted since the June maintenance window.",
            "The alert goes to a channel that is not paged, and nothing alerted on the queue.",
            "Partners noticed before we did.",
            "The lost updates were only found through support tickets.",
            "Our expiry monitoring scans only the endpoints we serve.",
            "The nearfull warning went to a channel that nobody reads.",
            // A clause of its own after ", and": the hypothetical before it is not this one's.
            "A daily report would have flagged it the next morning, and there was no alert on instance counts.",
            "There was no check that the export file was actually delivered.",
            "Det fanns ingen kontroll av att filen faktiskt levererats, och det märktes inte förrän på måndagen.",
        ] {
            assert_eq!(tags_of(text), ["monitoring-gap"], "{text}");
        }
    }

    /// Causes as write-ups state them, one sentence of a root-cause section each.
    #[test]
    fn causes_in_plain_words() {
        let cases: [(&str, &[&str]); 39] = [
            ("The API servers hit the database's maximum connection limit.", &["capacity", "database"]),
            ("Debug logs filled the data volume that holds the spool.", &["capacity"]),
            ("Their second uplinks had been disabled during the cabling work and never re-enabled.", &["human-error"]),
            ("The id column's 32-bit integer sequence overflowed after eight years.", &["software-bug"]),
            ("A change to the nginx configuration set worker_connections far too low.", &["config-change"]),
            ("A rule ordering change put the campaign's allow-all rule first.", &["config-change"]),
            ("The module's variable defaulted to false, and nobody set it.", &["config-change"]),
            ("The pool's floor had been reset to the default when it was recreated.", &["config-change"]),
            ("The web server could not read the files because of incorrect file permissions.", &["config-change"]),
            ("The open files limit for the app user was too low.", &["capacity"]),
            ("The domain's A record had been changed to point to the wrong IP address.", &["config-change", "dns"]),
            ("One of the web servers failed due to a faulty hard drive.", &["hardware"]),
            ("The PHP-FPM socket path in the Nginx config did not match the one it listened on.", &["config-change"]),
            ("AWS us-east-1 experienced elevated error rates for S3.", &["dependency"]),
            ("A switch in rack 12 failed, partitioning the cluster.", &["network"]),
            ("Retries from clients amplified the load until every service failed.", &["cascading-failure"]),
            ("The autoscaler terminated healthy instances after a bad metric.", &["automation", "capacity"]),
            ("Users saw browser security warnings because the TLS certificate had expired.", &["certificate"]),
            ("We fixed the record at our DNS provider.", &["dns"]),
            ("Two machines' clocks had drifted about 95 seconds fast.", &["time"]),
            ("The intermediate CA had no renewal automation or expiry monitoring.", &["monitoring-gap"]),
            ("Nginx still pointed at the wrong upstream port.", &["config-change"]),
            ("A route leak by a customer of our transit provider black-holed traffic.", &["network"]),
            // An upgrade names a change, not whose: here the automation's.
            ("The third-party packages were upgraded automatically overnight.", &["automation", "dependency"]),
            ("The new tax calculation throws on guest carts whose currency is null.", &["software-bug"]),
            ("A versão 7.14.0 lançava uma exceção não tratada no cálculo do frete.", &["software-bug"]),
            ("The nightly cleanup job deleted every upload older than a day.", &["automation"]),
            ("MySQL was started by the install script but never enabled at boot.", &["config-change"]),
            // A setting changed by hand, a default left in place, a secret made public.
            (
                "Marketing edited the SPF record and replaced the include instead of adding to it.",
                &["config-change", "human-error"],
            ),
            ("The IPsec overlay left the tunnel MTU at 1500.", &["config-change", "network"]),
            (
                "The change was made in the provider's web console instead of through Terraform.",
                &["config-change", "human-error"],
            ),
            ("A developer pushed an admin key to a public fork.", &["human-error", "security"]),
            // A party or a resource named alone may be context or the one ruled out.
            ("Um 14:02 meldete der Anbieter keine Störung.", &[]),
            ("Re-replication used the cluster's spare capacity.", &[]),
            ("Zadanie cron uruchomiło się dwa razy po zmianie czasu.", &["automation", "time"]),
            // The rate limit as a rule is configuration; being rate-limited is load.
            ("The rate limit was keyed on the client IP alone.", &[]),
            // Negative concord: the "no" does not deny the missing alert.
            ("No existía ninguna alerta sobre la saturación del pool de conexiones.", &["monitoring-gap"]),
            ("Its alerts went to an address nobody on the team reads.", &["monitoring-gap"]),
            ("The mail API rate-limited us after the campaign started.", &["capacity"]),
        ];
        for (text, want) in cases {
            let mut got = tags_of(text);
            got.sort();
            assert_eq!(got, want, "{text}");
        }
    }

    /// A setting told by where it lives or how its value moved, and a
    /// defect told by the code that did it.
    #[test]
    fn settings_and_code_told_in_their_own_terms() {
        tagged(
            "config-change",
            &[
                "The limits in /etc/security/limits.d/app.conf capped the worker at 64 processes.",
                "A Terraform change removed the listener that served port 443.",
                "The queue's hostname is managed in Terraform, and the rename dropped it.",
                "The deploy script set the reporting pool size to 4.",
                "Someone lowered `session.ttl.seconds` from 3600 to 60 while testing.",
                "Config CHG-8812: `max.poll.interval.ms` lowered from 300000 to 30000.",
                "`max_connections` ha pasado de 500 a 100 en el nuevo fichero.",
                // A setting lost on the way, a target pointed at wrongly, a
                // file made from the vendor's defaults.
                "The replica count override was lost when the chart was upgraded.",
                "The proxy pointed to the old primary instead of the cluster address.",
                "De proxy wees naar de oude server in plaats van naar het virtuele adres.",
                "The new node's sysctl file was generated from the distribution's default template.",
                "El fichero se generó a partir de la plantilla por defecto del proveedor.",
            ],
            // Numbers that moved without a setting being moved are no setting,
            // nor is a connection reset or a pointer that a dashboard showed.
            &[
                "Traffic rose from 200 to 900 requests a second.",
                "Every connection was reset by the peer.",
                "The dashboard pointed to the disk as the bottleneck.",
            ],
        );
        for text in [
            "The parser treated an empty header as the end of the stream.",
            "Invoice.total() rounded each line before summing.",
            "The shipping fee table was hard-coded for three regions.",
            "The job never checks whether a charge for that renewal already exists.",
        ] {
            assert_eq!(tags_of(text), ["software-bug"], "{text}");
        }
    }

    /// A command run where it was not meant to be: the production
    /// workspace still selected, a plan meant for staging.
    #[test]
    fn a_command_run_against_the_wrong_environment_is_a_human_error() {
        tagged(
            "human-error",
            &[
                "An engineer applied a plan intended for the staging network.",
                "The purge ran while the production profile was still active.",
                "His terminal's Terraform workspace was still set to prod.",
                // A person's slip told in the passive.
                "An intern's API token was accidentally committed to the public repo.",
                "The drain step was skipped by the night shift.",
                "The node count was entered incorrectly in the runbook's command.",
            ],
            &[
                "The staging workspace was selected and the plan was clean.",
                "Tests for the token parser were skipped on draft builds.",
            ],
        );
    }

    /// "Defect" inside another language's word is no bug ("por defecto" is
    /// Spanish for "by default"); a leak is the code's defect, not load.
    #[test]
    fn false_friends_of_a_bug_and_a_leak_that_is_no_load() {
        assert_eq!(tags_of("El servicio usaba los valores por defecto."), Vec::<String>::new());
        assert!(!tags_of("Een defecte voeding in de switch.").contains(&"software-bug".to_string()));
        assert_eq!(tags_of("A defect in the retry logic doubled every charge."), ["software-bug"]);
        assert_eq!(tags_of("A memory leak in the image resizer."), ["software-bug"]);
    }

    /// A failure passed on: what the first one left to the survivors,
    /// and what failed "in turn".
    #[test]
    fn a_failure_passed_on_to_the_survivors_is_a_cascade() {
        tagged(
            "cascading-failure",
            &[
                "Rebalancing traffic overwhelmed the three remaining gateways.",
                "The surviving workers took on the load of the lost zone.",
                "Slow shards were in turn marked as failed.",
                // One part's trouble passed to the rest through what they share.
                "The vendor's slow replies filled the shared connection pool.",
                "Every pod restarted at once and the reconnect storm kept the cache down.",
                "The readiness checks depended on the primary, so every web pod was pulled.",
                "Worker pods failed their liveness probes and were killed.",
            ],
            &[
                "The remaining tasks were scheduled for Monday.",
                "Each team has its own pool of reviewers.",
                "The health check page shows the build number.",
            ],
        );
    }

    /// Data lost told as a span of it ("minus two weeks of uploads") or
    /// as what is gone.
    #[test]
    fn data_lost_in_plain_words() {
        tagged(
            "data-corruption",
            &[
                "Everything came back, minus about two weeks of uploads.",
                "We lost three days of order data.",
                "Half the shared notes were gone after the restore.",
            ],
            &["We lost two hours of sleep over it.", "The banner is gone from the login page."],
        );
    }

    /// Out of file descriptors, in the words of the error or of a reader.
    #[test]
    fn file_descriptors_run_out_are_capacity() {
        tagged(
            "capacity",
            &[
                "Workers failed with `accept4() failed (24: Too many open files)`.",
                "Under the burst, file descriptors were exhausted within a minute.",
            ],
            &["The log lists which files were open at the time."],
        );
    }

    /// A monitoring gap is told in the sections on what went wrong more
    /// than in the root cause: there one mention weighs two.
    #[test]
    fn a_monitoring_gap_told_among_what_went_wrong() {
        let config = Config::default_for(std::path::Path::new("."));
        let other = [Place { name: "other", prose: Prose::of_line("There was no alert on partition usage.", 2) }];
        let evidence = infer_tags(&config.taxonomy, &other, false);
        assert_eq!(evidence.iter().map(|e| (e.tag.as_str(), e.weight)).collect::<Vec<_>>(), [("monitoring-gap", 2.0)]);
    }

    /// How an incident was found is told as the timeline goes: there a
    /// monitoring gap weighs more than a passing mention, even where
    /// another section states the cause.
    #[test]
    fn a_monitoring_gap_told_in_the_timeline() {
        let config = Config::default_for(std::path::Path::new("."));
        let tags = |timeline: &str| -> Vec<String> {
            let places = [
                Place { name: "root_cause", prose: Prose::of_line("An expired password broke the login.", 2) },
                Place { name: "timeline", prose: Prose::of_line(timeline, 5) },
            ];
            infer_tags(&config.taxonomy, &places, true).into_iter().map(|e| e.tag).collect()
        };
        let told = tags("10:20 A customer reported the errors; we had no monitoring on the site.");
        assert!(told.contains(&"monitoring-gap".to_string()), "{told:?}");
        // Said once, in passing, it is not enough where the cause is stated.
        let once = tags("10:20 We had no alert on it.");
        assert!(!once.contains(&"monitoring-gap".to_string()), "{once:?}");
    }

    /// A setting left on: turned on to look into something and never
    /// turned off, or a debug log level; a setting written out is a hint.
    #[test]
    fn a_setting_left_on_after_a_look_is_a_configuration() {
        for text in [
            "Query tracing was enabled to troubleshoot a slow report and stayed on.",
            "We raised the verbosity for the test and never switched it back off.",
            "The proxy still ran with trace logging from last week.",
        ] {
            assert!(tags_of(text).contains(&"config-change".to_string()), "{text}");
        }
        let config = Config::default_for(std::path::Path::new("."));
        let place = [Place { name: "root_cause", prose: Prose::of_line("Workers ran with `prefetch = 500`.", 1) }];
        let evidence = infer_tags(&config.taxonomy, &place, true);
        assert!(evidence.is_empty(), "one setting written out is a hint: {evidence:?}");
    }

    /// A migration as a noun, or data migrated, is a data migration; a
    /// service migrated to a new platform is not.
    #[test]
    fn a_platform_migrated_is_no_data_migration() {
        let has = |text: &str| tags_of(text).contains(&"data-migration".to_string());
        assert!(!has("The search cluster had been migrated to new hardware the week before."));
        assert!(has("The migration added a column with a default and locked the table."));
        assert!(has("We migrated the invoice rows in one transaction."));
        assert!(has("Old accounts were migrated without their time zone."));
    }

    /// "Reached its limit" in the corpus's other languages is load, as in English.
    #[test]
    fn a_limit_reached_in_other_languages() {
        for text in [
            "El clúster alcanzó su máximo de nodos a las 9.",
            "O pool atingiu o limite de conexões.",
            "La file a atteint sa limite en dix minutes.",
            "Der Dienst erreichte das Limit der Instanzen.",
            "Il servizio ha raggiunto il limite di connessioni.",
            "ワーカー数が上限に達しました。",
        ] {
            assert!(tags_of(text).contains(&"capacity".to_string()), "{text}");
        }
        assert!(tags_of("アプリからデータベースへの接続がすべて埋まった。").contains(&"database".to_string()));
    }

    #[test]
    fn a_value_returned_wrong_is_a_bug_and_an_exit_code_of_zero_is_not() {
        tagged(
            "software-bug",
            &[
                "The rate lookup returned zero when no rate existed.",
                // Code that goes on as if nothing were wrong, or stamps a wrong value.
                "An unset variable silently became an empty string.",
                "Its fallback for a missing price is zero rather than an error.",
                "The parser returns an empty list instead of raising an exception.",
                "Invoices were generated with a negative due date.",
            ],
            &[
                "The health check script returned 0 every time.",
                // A fallback chosen on purpose is no defect.
                "We chose to fall back to the replica rather than fail the request.",
            ],
        );
    }

    /// Each tag's core words in the languages postmortems are written in:
    /// a root cause told in Polish or Turkish is tagged as in English.
    #[test]
    fn a_cause_told_in_another_language_is_tagged_as_in_english() {
        for (text, tag) in [
            ("Wyciek pamięci w nowej wersji usługi.", "software-bug"),
            ("Przez literówkę w prefiksie ruch przestał płynąć.", "human-error"),
            ("Yazılım hatası yüzünden fatura tutarları sıfırlandı.", "software-bug"),
            ("Bellek sızıntısı podları yeniden başlattı.", "software-bug"),
            ("Schijf was vol door logbestanden.", "capacity"),
            ("Kesalahan ketik pada aturan firewall.", "human-error"),
            ("Сбой питания в стойке B.", "hardware"),
            ("数据丢失发生在迁移之后。", "data-corruption"),
            ("Klockorna ställdes om till sommartid och jobbet kördes inte.", "time"),
            ("Ingen övervakning fanns för exportfilen.", "monitoring-gap"),
            ("Une réaction en chaîne a saturé les autres nœuds.", "cascading-failure"),
            ("Sertifikat TLS gateway kedaluwarsa pada pukul 02.00.", "certificate"),
        ] {
            assert!(tags_of(text).contains(&tag.to_string()), "{text}: {:?}", tags_of(text));
        }
        // A word that only names the part (the database) is a hint there too.
        assert!(tags_of("La base de dados estava lenta.").is_empty());
    }

    #[test]
    fn a_victim_named_as_a_consequence_is_not_a_cause_but_a_mechanism_is() {
        assert_eq!(
            tags_of("A misconfigured load balancer led to incorrect routing of database queries."),
            ["config-change", "network"]
        );
        let mut got = tags_of("A bad routing rule sent all traffic to one server, which led to a cascade of failures.");
        got.sort();
        assert_eq!(got, ["cascading-failure", "config-change", "network"]);
        // What a failure saturated, overwhelmed or took down is its victim.
        assert_eq!(tags_of("A runaway batch job saturated the database's connections."), Vec::<String>::new());
        assert_eq!(tags_of("A bad deploy overwhelmed the MySQL connection slots."), ["deploy", "capacity"]);
        // A turn back to the cause ends the consequence.
        assert_eq!(tags_of("Logins failed, which was caused by the database."), ["database"]);
    }

    #[test]
    fn a_reason_given_in_a_later_clause_speaks_of_that_clause() {
        // "because" explains why nothing told us, not why the setting was
        // reset: the reset stays what the section says it is, a cause.
        let text = "It was reset to the vendor default when we applied the upgrade, and nothing told us, \
                    because the notes only said defaults were harmonised.";
        assert_eq!(tags_of(text), ["config-change"]);
        // Within one clause, what comes before "because" still followed.
        assert_eq!(tags_of("The database fell over because a runaway batch job ran."), Vec::<String>::new());
    }

    #[test]
    fn code_that_keeps_what_it_should_free_or_takes_one_thing_for_another_is_a_bug() {
        tagged(
            "software-bug",
            &[
                "The decoder keeps every frame in a per-request cache that is never cleared, so each request leaked frame buffers.",
                "The failover logic only treated timeouts as failures, so 503s were retried on the same provider.",
                "The garbage collector treated a truncated shard as an empty bucket and deleted live objects.",
                "Leverantören bekräftar en känd bugg i firmware 9.2.1.",
            ],
            &["We treated the page as noise for an hour.", "A route leak took our prefixes away."],
        );
    }

    #[test]
    fn data_cut_short_garbled_or_emptied_is_corrupted() {
        tagged(
            "data-corruption",
            &[
                "The new column was VARCHAR(64), silently truncating delivery addresses on new shipments.",
                "Dealer files were decoded into replacement characters and saved.",
                "The client uploaded empty note versions over the real ones.",
            ],
            &["We truncated the log table after the backup, as every night.", "The form was saved empty by the user."],
        );
    }

    #[test]
    fn a_release_or_a_cleanup_run_by_a_machine_is_automation() {
        tagged(
            "automation",
            &[
                "The pipeline's automatic Central release published the broken jar.",
                "The scheduled garbage collector deleted live objects.",
            ],
            &["The garbage collector paused the JVM for four seconds."],
        );
    }

    #[test]
    fn a_secret_pushed_to_a_public_place_is_a_human_error() {
        tagged(
            "human-error",
            &[
                "An engineer pushed a commit containing a `.env` file with a long-lived access key to the public repository.",
                "A partner-tier API key belonging to our own integrations team was committed in plaintext to a public repository.",
            ],
            &["We pushed the rotated keys to the vault.", "The public key was pushed to every host."],
        );
    }

    #[test]
    fn a_flag_turned_on_and_an_image_built_without_a_part_are_configuration() {
        tagged(
            "config-change",
            &[
                "Turning on the `new_home_feed` flag for 100% of Android users crashed the app.",
                "The flag was ramped from 5% to 100% in the console.",
                "Uma flag de funcionalidade estava ligada em produção desde um teste.",
                "New VMs built from a golden image without chronyd drifted four minutes behind.",
                "Il nuovo template usato per il cluster non abilitava `chronyd`.",
            ],
            &["We flagged the ticket for the on-call.", "The image was pulled from the registry."],
        );
    }

    #[test]
    fn a_cause_stated_in_the_summary_weighs_as_a_root_cause_and_a_bug_report_is_no_bug() {
        let config = Config::default_for(std::path::Path::new("."));
        let summary = |text| [Place { name: "summary", prose: Prose::of_line(text, 1) }];
        let evidence = infer_tags(&config.taxonomy, &summary("The outage was caused by an expired certificate."), true);
        assert_eq!(evidence.iter().map(|e| (e.place.as_str(), e.weight)).collect::<Vec<_>>(), [("root_cause", 3.0)]);
        // Said in passing, one mention in a summary is not enough where the cause is stated.
        assert!(infer_tags(&config.taxonomy, &summary("Our certificate dashboards were fine."), true).is_empty());
        assert!(infer_tags(&config.taxonomy, &summary("Thanks for the detailed bug report."), false).is_empty());
    }

    #[test]
    fn a_word_that_names_a_tool_or_a_team_is_no_cause() {
        assert_eq!(tags_of("The shared deploy-bot token hit GitHub's API rate limit."), ["capacity"]);
        assert_eq!(tags_of("The release workflow printed the secret; the database team saw it."), Vec::<String>::new());
        assert_eq!(tags_of("A bad deploy pushed the wrong image."), ["deploy"]);
        // Nor is a word inside an identifier.
        assert!(!tags_of("A job raised ranker_v2_rollout to 100%.").contains(&"deploy".to_string()));
    }

    #[test]
    fn where_a_cause_is_stated_a_fix_told_elsewhere_is_no_tag() {
        let config = Config::default_for(std::path::Path::new("."));
        let place = |name, text| Place { name, prose: Prose::of_line(text, 1) };
        let places = [
            place("root_cause", "A race condition in the session cache."),
            place("resolution", "Upgrading to the new version fixed it; the upgrade took an hour."),
            place("lessons_learned", "Test every upgrade."),
        ];
        let tags: Vec<String> = infer_tags(&config.taxonomy, &places, false).into_iter().map(|e| e.tag).collect();
        assert_eq!(tags, ["software-bug"]);
        // Without a stated cause, the same words are all there is to go on.
        let tags: Vec<String> = infer_tags(&config.taxonomy, &places[1..], false).into_iter().map(|e| e.tag).collect();
        assert!(tags.contains(&"deploy".to_string()), "{tags:?}");
    }

    #[test]
    fn one_phrase_may_be_evidence_of_two_tags() {
        assert_eq!(
            tags_of("A firewall rule pushed during maintenance blocked port 443."),
            ["config-change", "network"]
        );
    }

    #[test]
    fn a_part_named_is_a_hint_and_what_went_wrong_with_it_is_evidence() {
        let config = Config::default_for(std::path::Path::new("."));
        let place = |text| [Place { name: "root_cause", prose: Prose::of_line(text, 1) }];
        // The database named once in the cause counts half: it may be the victim.
        let named = infer_tags(&config.taxonomy, &place("A bad deploy took the database down."), true);
        assert_eq!(named.iter().map(|e| e.tag.as_str()).collect::<Vec<_>>(), ["deploy"]);
        let evidence = infer_tags(&config.taxonomy, &place("A deadlock in the database stalled writes."), true);
        assert_eq!(
            evidence.iter().map(|e| (e.phrase.as_str(), e.weight)).collect::<Vec<_>>(),
            [("deadlock", 3.0), ("database", 1.5)]
        );
    }

    #[test]
    fn a_timeline_entry_that_reports_the_cause_found_names_the_cause() {
        let config = Config::default_for(std::path::Path::new("."));
        let timeline = |text| [Place { name: "timeline", prose: Prose::of_line(text, 1) }];
        let found = |text| {
            let evidence = infer_tags(&config.taxonomy, &timeline(text), true);
            evidence.into_iter().map(|e| (e.tag, e.place)).collect::<Vec<_>>()
        };
        let config_change = || vec![("config-change".to_string(), "root_cause".to_string())];
        assert_eq!(found("11:58 Consumer logs show rebalances. Config change identified."), config_change());
        assert_eq!(found("09:19 Found the culprit: the limit in /etc/default/nginx."), config_change());
        // Told, not found: the timeline's word, which alone tags nothing where the cause is stated.
        assert!(found("09:14 Config change rolled out.").is_empty());
        // The team that found it is not what it found.
        assert!(found("16:30 Database team identified the problem.").is_empty());
        // The finding counts though two earlier mentions came first.
        let many = found("Config change rolled out; feature flag flipped; config change identified.");
        assert_eq!(many.first(), config_change().first());
    }

    #[test]
    fn a_question_is_a_guess_and_a_counterfactual_is_not_what_happened() {
        assert_eq!(tags_of("A customer wrote in: is this a phishing attack??"), Vec::<String>::new());
        assert_eq!(tags_of("Was it the database? We checked."), Vec::<String>::new());
        // A why-question takes what it asks about as so.
        assert_eq!(tags_of("Why did it go unnoticed for two days?"), ["monitoring-gap"]);
        assert_eq!(tags_of("That alone should have reduced capacity, not caused an outage."), Vec::<String>::new());
    }

    #[test]
    fn what_a_sentence_calls_the_problem_is_the_cause() {
        let config = Config::default_for(std::path::Path::new("."));
        let summary = [Place { name: "summary", prose: Prose::of_line("The feature flag was the culprit.", 1) }];
        let evidence = infer_tags(&config.taxonomy, &summary, true);
        assert_eq!(
            evidence.iter().map(|e| (e.tag.as_str(), e.place.as_str())).collect::<Vec<_>>(),
            [("config-change", "root_cause")]
        );
    }

    #[test]
    fn a_part_only_named_in_one_place_needs_the_whole_threshold_even_where_no_cause_is_stated() {
        let config = Config::default_for(std::path::Path::new("."));
        let summary = |text| [Place { name: "summary", prose: Prose::of_line(text, 1) }];
        // Checkout timed out behind the load balancer: the part named twice, nothing said wrong of it.
        let named = summary("Checkout requests through the load balancer timed out; the load balancer logged them.");
        assert!(infer_tags(&config.taxonomy, &named, false).is_empty());
        // Named in the title too, it is what the story is about.
        let across = [
            Place { name: "title", prose: Prose::of_line("Load balancer trouble at checkout", 1) },
            Place {
                name: "summary",
                prose: Prose::of_line("Checkout requests through the load balancer timed out.", 2),
            },
        ];
        assert_eq!(infer_tags(&config.taxonomy, &across, false).first().map(|e| e.tag.as_str()), Some("network"));
        // What went wrong with it, said once, is enough where no cause is stated.
        let told = summary("A failed load balancer dropped checkout requests.");
        assert_eq!(infer_tags(&config.taxonomy, &told, false).first().map(|e| e.tag.as_str()), Some("network"));
    }

    #[test]
    fn a_tag_needs_evidence_that_reaches_the_threshold() {
        let config = Config::default_for(std::path::Path::new("."));
        let place = |name, text| Place { name, prose: Prose::of_line(text, 1) };
        // One mention in the timeline is not enough; in the title and the summary it is.
        let weak = [place("timeline", "10:02 database alert")];
        assert!(infer_tags(&config.taxonomy, &weak, false).is_empty());
        let strong = [place("title", "Database failover"), place("summary", "the database failed over")];
        let evidence = infer_tags(&config.taxonomy, &strong, false);
        assert_eq!(
            evidence.iter().map(|e| (e.place.as_str(), e.phrase.as_str())).collect::<Vec<_>>(),
            [("title", "Database"), ("summary", "database")]
        );
    }
}
