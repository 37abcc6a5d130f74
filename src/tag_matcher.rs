//! Every match of every root-cause tag's rules in a text, fast on text the
//! matcher has never seen.
//!
//! One regex over all the rules, searched unanchored, makes the lazy DFA
//! build a state for each mix of half-matched rules that a text brings
//! ("the data…", "config…", "not…" all at once): on real postmortems it
//! built states for most of what it read, about 1 MB/s, most of parsing.
//! Instead an Aho-Corasick automaton finds where a rule can start (the
//! first letters of every rule), and only there is each such tag's
//! alternation tried, anchored: those states are few and every text
//! shares them.

use aho_corasick::AhoCorasick;
use regex_automata::{Anchored, Input, PatternID, meta};
use regex_syntax::hir::Hir;
use regex_syntax::hir::literal::{ExtractKind, Extractor, Literal};
// A byte of an ASCII word, as the rules' `\b` sees one.
use regex_syntax::is_word_byte;
use std::ops::Range;

/// How many bytes of a rule find where it may start: "configur", not
/// every "conf" and "the ".
const OPENING_LEN: usize = 8;
/// A rule whose opening is shorter than this ("n" of `n.t`, the "I " of
/// `(I|we) …`) would be tried at nearly every word: it is searched the
/// ordinary way instead, with the rules no literal opens.
const SHORTEST_OPENING: usize = 3;

/// A compiled set of tags, each a list of rules. Cloning shares the
/// compiled parts and gives the clone its own search caches.
#[derive(Clone, Debug)]
pub struct TagMatcher {
    /// Pattern i is tag i's rules as one alternation (earlier rules win
    /// where two match at the same place).
    tags: meta::Regex,
    /// The openings of every rule that has them, in any case; pattern i
    /// opens the tags in `opens[i]`, each with whether it opens only at
    /// the start of a word (a rule that begins with `\b`: "he " of
    /// `\b(he|she)` is not tried inside every "the ").
    openings: AhoCorasick,
    opens: Vec<Vec<Opens>>,
    /// Rules no literal opens (one that starts with a word class), searched
    /// the ordinary way; pattern i belongs to tag `unopened_tags[i]`.
    unopened: Option<meta::Regex>,
    unopened_tags: Vec<usize>,
}

/// A tag an opening may start a match of, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Opens {
    tag: usize,
    at_word_start: bool,
}

/// One match of one tag's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMatch {
    pub tag: usize,
    pub range: Range<usize>,
}

/// A `match` rule as the matcher reads it: case-insensitive, `\b` as
/// ASCII. The error is the parser's message.
pub fn parse_rule(pattern: &str) -> Result<Hir, String> {
    parse(pattern, true)
}

/// A rule as the matcher searches it: its written hyphens are spaces, as
/// the text's hyphens inside words are (`joined`), so "nil pointer"
/// finds "nil-pointer" and "off-by-one" finds "off by one".
fn parse(pattern: &str, case_insensitive: bool) -> Result<Hir, String> {
    let syntax = regex_automata::util::syntax::Config::new().case_insensitive(case_insensitive);
    regex_automata::util::syntax::parse_with(pattern, &syntax)
        .map(|hir| hyphens_as_spaces(&hir))
        .map_err(|e| e.to_string())
}

/// `hir` with every literal hyphen a space (a class is left as written:
/// `[a-z-]` is one word's letters, and a space there would let it run on
/// through the sentence).
fn hyphens_as_spaces(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, HirKind, Repetition};
    match hir.kind() {
        HirKind::Literal(literal) if literal.0.contains(&b'-') => {
            Hir::literal(literal.0.iter().map(|&b| if b == b'-' { b' ' } else { b }).collect::<Vec<u8>>())
        }
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(hyphens_as_spaces).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(hyphens_as_spaces).collect()),
        HirKind::Repetition(rep) => {
            Hir::repetition(Repetition { sub: Box::new(hyphens_as_spaces(&rep.sub)), ..rep.clone() })
        }
        HirKind::Capture(capture) => {
            Hir::capture(Capture { sub: Box::new(hyphens_as_spaces(&capture.sub)), ..capture.clone() })
        }
        _ => hir.clone(),
    }
}

/// `text` with each hyphen between two letters or digits a space, byte
/// for byte, so that a match's range is the same in both.
fn joined(text: &str) -> std::borrow::Cow<'_, str> {
    let inside_word = |i: usize| {
        text[..i].chars().next_back().is_some_and(char::is_alphanumeric)
            && text[i + 1..].chars().next().is_some_and(char::is_alphanumeric)
    };
    let hyphens: Vec<usize> = text.match_indices('-').map(|(i, _)| i).filter(|&i| inside_word(i)).collect();
    if hyphens.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut spaced = text.as_bytes().to_vec();
    for i in hyphens {
        spaced[i] = b' ';
    }
    // Only ASCII hyphens became ASCII spaces: still UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(spaced).unwrap_or_else(|_| text.to_string()))
}

impl TagMatcher {
    /// Tag i's rules are `rules[i]`, as written; a rule that does not parse
    /// (the config checked them all when it was loaded) is left out.
    pub fn new<S: AsRef<str>>(rules: &[Vec<S>]) -> TagMatcher {
        let mut extractor = Extractor::new();
        extractor.kind(ExtractKind::Prefix).limit_literal_len(OPENING_LEN);
        let mut openings: Vec<String> = Vec::new();
        let mut opens: Vec<Vec<Opens>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let (mut unopened, mut unopened_tags) = (Vec::new(), Vec::new());
        let mut alternations = Vec::new();
        for (tag, rules) in rules.iter().enumerate() {
            let mut parsed = Vec::new();
            for rule in rules {
                let Ok(hir) = parse_rule(rule.as_ref()) else { continue };
                // The openings as written (case aside: the automaton
                // ignores ASCII case, and `cased` adds the rest).
                let written = parse(rule.as_ref(), false).map(|h| extractor.extract(&h));
                let long_enough = |l: &Literal| whole_chars(l.as_bytes()).len() >= SHORTEST_OPENING;
                match written.as_ref().ok().and_then(|seq| seq.literals()) {
                    Some(found) if !found.is_empty() && found.iter().all(long_enough) => {
                        let opener = Opens { tag, at_word_start: opens_at_word_start(&hir) };
                        for opening in found.iter().flat_map(|l| cased(whole_chars(l.as_bytes()))) {
                            let at = *index.entry(opening.clone()).or_insert_with(|| {
                                openings.push(opening);
                                opens.push(Vec::new());
                                openings.len() - 1
                            });
                            if !opens[at].contains(&opener) {
                                opens[at].push(opener);
                            }
                        }
                    }
                    _ => {
                        unopened.push(hir.clone());
                        unopened_tags.push(tag);
                    }
                }
                parsed.push(hir);
            }
            alternations.push(Hir::alternation(parsed));
        }
        TagMatcher {
            tags: compile(&alternations),
            openings: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&openings)
                .expect("openings of a few letters always build"),
            opens,
            unopened: (!unopened.is_empty()).then(|| compile(&unopened)),
            unopened_tags,
        }
    }

    /// Every tag's matches in text order; one tag's matches never overlap
    /// (the earliest wins), but two tags' may: "a bad load balancer rule"
    /// is a wrong setting and, inside it, the network.
    pub fn find_all(&self, text: &str) -> Vec<TagMatch> {
        let text = &*joined(text);
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let bytes = text.as_bytes();
        for m in self.openings.find_overlapping_iter(text) {
            let at_word_start =
                m.start() == 0 || !is_word_byte(bytes[m.start() - 1]) || !is_word_byte(bytes[m.start()]);
            let opened = self.opens[m.pattern().as_usize()].iter().filter(|o| at_word_start || !o.at_word_start);
            starts.extend(opened.map(|o| (m.start(), o.tag)));
        }
        if let Some(unopened) = &self.unopened {
            starts.extend(unopened.find_iter(text).map(|m| (m.start(), self.unopened_tags[m.pattern().as_usize()])));
        }
        starts.sort_unstable();
        starts.dedup();
        let mut ends = vec![0; self.tags.pattern_len()];
        let mut found = Vec::new();
        for (at, tag) in starts {
            if at < ends[tag] {
                continue;
            }
            let Ok(pattern) = PatternID::new(tag) else { continue };
            let input = Input::new(text).range(at..).anchored(Anchored::Pattern(pattern));
            // Anchored, the match starts at `at`: only its end is searched
            // for (a full search runs the automaton back to find the start).
            if let Some(end) = self.tags.search_half(&input).map(|m| m.offset()).filter(|&end| end > at) {
                ends[tag] = end;
                found.push(TagMatch { tag, range: at..end });
            }
        }
        found
    }
}

/// Whether `hir` matches only where a word starts (or ends): every way
/// into it begins with a word boundary.
fn opens_at_word_start(hir: &Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Look(look) => {
            matches!(look, Look::WordAscii | Look::WordUnicode | Look::WordStartAscii | Look::WordStartUnicode)
        }
        HirKind::Concat(parts) => parts.first().is_some_and(opens_at_word_start),
        HirKind::Capture(capture) => opens_at_word_start(&capture.sub),
        HirKind::Alternation(branches) => branches.iter().all(opens_at_word_start),
        _ => false,
    }
}

/// The longest prefix of `bytes` made of whole characters: an opening
/// cut at its limit may end inside one.
fn whole_chars(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// An opening and the cases of it that ASCII case-insensitivity misses:
/// "über" is also "Über" and "ÜBER".
fn cased(opening: &str) -> Vec<String> {
    let mut forms = vec![opening.to_string()];
    if !opening.is_ascii() {
        let mut chars = opening.chars();
        let capital: String = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
        forms.extend([capital, opening.to_uppercase(), opening.to_lowercase()]);
        forms.sort();
        forms.dedup();
    }
    forms
}

/// Each search cache's room for lazy-DFA states: the rules' gaps ("lost
/// … data", up to 30 letters apart) make many, and a smaller cache built
/// them again and again.
const CACHE: usize = 32 << 20;

/// Every rule was parsed when the config was loaded (the built-in ones by
/// a test) and the size limit is lifted, so this cannot fail; if it ever
/// did, nothing would match.
fn compile(patterns: &[Hir]) -> meta::Regex {
    meta::Regex::builder()
        .configure(meta::Config::new().nfa_size_limit(None).hybrid_cache_capacity(CACHE))
        .build_many_from_hir(patterns)
        .unwrap_or_else(|_| meta::Regex::new_many::<&str>(&[]).expect("an empty set compiles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(tags: &[&[&str]]) -> TagMatcher {
        TagMatcher::new(&tags.iter().map(|rules| rules.to_vec()).collect::<Vec<_>>())
    }

    fn found(m: &TagMatcher, text: &str) -> Vec<(usize, String)> {
        m.find_all(text).into_iter().map(|f| (f.tag, text[f.range].to_string())).collect()
    }

    #[test]
    fn every_tags_matches_are_found_even_inside_another_tags_match() {
        let m = matcher(&[&["bad (load balancer )?rule"], &["load[- ]balanc"], &[r"\bdns\b"]]);
        assert_eq!(
            found(&m, "A bad load balancer rule, then DNS. Not dnssec."),
            [(0, "bad load balancer rule".into()), (1, "load balanc".into()), (2, "DNS".into())]
        );
    }

    #[test]
    fn one_tags_matches_do_not_overlap_and_its_earlier_rule_wins() {
        let m = matcher(&[&["config", "config change"]]);
        assert_eq!(found(&m, "config change, config"), [(0, "config".into()), (0, "config".into())]);
    }

    #[test]
    fn a_hyphen_inside_a_word_and_a_space_are_one() {
        let m = matcher(&[&["nil pointer"], &["off-by-one"], &[r"\bre-?start"]]);
        assert_eq!(
            found(&m, "A nil-pointer, an off by one, a re-start; not nil -pointer."),
            [(0, "nil-pointer".into()), (1, "off by one".into()), (2, "re-start".into())]
        );
    }

    #[test]
    fn a_rule_that_opens_with_a_word_class_is_still_found() {
        // No literal opens `\w+\.conf`: it is searched the ordinary way.
        let m = matcher(&[&[r"\b[a-z_]+\.conf\b"], &["nginx"]]);
        assert_eq!(found(&m, "edited nginx.conf"), [(0, "nginx.conf".into()), (1, "nginx".into())]);
    }

    #[test]
    fn a_rule_with_a_short_opening_is_still_found() {
        // "n" and "I " would open at nearly every word: these rules are
        // searched the ordinary way.
        let m = matcher(&[&[r"\b(never|n.t) checked"], &[r"\b(I|we) forgot"]]);
        assert_eq!(
            found(&m, "It was not checked, so I forgot; we forgot."),
            [(0, "not checked".into()), (1, "I forgot".into()), (1, "we forgot".into())]
        );
    }

    #[test]
    fn a_rule_that_opens_at_a_word_is_found_where_a_word_starts_and_only_there() {
        let m = matcher(&[&[r"\b(he|she) forgot"], &[r"\bport\b"]]);
        assert_eq!(
            found(&m, "he forgot (she forgot), the forgot; port, report, support-port."),
            [(0, "he forgot".into()), (0, "she forgot".into()), (1, "port".into()), (1, "port".into())]
        );
    }

    #[test]
    fn case_and_letters_beyond_ascii_match_as_written_rules_say() {
        let m = matcher(&[&["überlast"], &["disque plein"], &["Erreur"]]);
        assert_eq!(
            found(&m, "Überlast. DISQUE PLEIN, erreur"),
            [(0, "Überlast".into()), (1, "DISQUE PLEIN".into()), (2, "erreur".into())]
        );
    }
}
