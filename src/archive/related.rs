//! Related incidents: shared root-cause tags and services, and similar
//! words (TF-IDF over each incident's most telling terms). Candidates come
//! from an inverted index, so a 10,000-incident archive stays fast.

use super::IncidentIndex;
use crate::model::{Kind, Postmortem};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// How many related incidents a page lists.
const LIMIT: usize = 5;
/// Terms kept per incident: enough to compare, few enough to stay fast.
const TERMS_PER_INCIDENT: usize = 24;
/// Weight of one shared tag and one shared service, against a text
/// similarity between 0 and 1.
const TAG_WEIGHT: f64 = 0.35;
const SERVICE_WEIGHT: f64 = 0.2;
/// Below this, a pair has too little in common to call it related.
const MIN_SCORE: f64 = 0.15;

/// Up to [`LIMIT`] related postmortems per incident, best first.
pub fn related(incidents: &[Postmortem]) -> Vec<Vec<IncidentIndex>> {
    let vectors: Vec<Vec<(u32, f64)>> = term_vectors(incidents);
    let mut postings: HashMap<u32, Vec<IncidentIndex>> = HashMap::new();
    for (i, vector) in vectors.iter().enumerate() {
        for (term, _) in vector {
            postings.entry(*term).or_default().push(i);
        }
    }
    let mut by_label: HashMap<&str, Vec<IncidentIndex>> = HashMap::new();
    for (i, p) in incidents.iter().enumerate().filter(|(_, p)| p.kind == Kind::Postmortem) {
        for label in p.tags.iter().chain(&p.services) {
            by_label.entry(label.as_str()).or_default().push(i);
        }
    }
    (0..incidents.len())
        .into_par_iter()
        .map(|i| {
            if incidents[i].kind != Kind::Postmortem {
                return Vec::new();
            }
            let p = &incidents[i];
            let mut candidates: HashSet<IncidentIndex> = HashSet::new();
            for (term, _) in &vectors[i] {
                candidates.extend(postings.get(term).into_iter().flatten());
            }
            for label in p.tags.iter().chain(&p.services) {
                candidates.extend(by_label.get(label.as_str()).into_iter().flatten());
            }
            let mut scored: Vec<(f64, IncidentIndex)> = candidates
                .into_iter()
                .filter(|&j| j != i && incidents[j].kind == Kind::Postmortem)
                .map(|j| (score(p, &incidents[j], &vectors[i], &vectors[j]), j))
                .filter(|(s, _)| *s >= MIN_SCORE)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.into_iter().take(LIMIT).map(|(_, j)| j).collect()
        })
        .collect()
}

fn score(a: &Postmortem, b: &Postmortem, va: &[(u32, f64)], vb: &[(u32, f64)]) -> f64 {
    let shared = |x: &[String], y: &[String]| x.iter().filter(|t| y.contains(t)).count() as f64;
    TAG_WEIGHT * shared(&a.tags, &b.tags) + SERVICE_WEIGHT * shared(&a.services, &b.services) + cosine(va, vb)
}

/// Both vectors are sorted by term id and normalised.
fn cosine(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Each incident's top terms by TF-IDF, normalised, sorted by term id.
fn term_vectors(incidents: &[Postmortem]) -> Vec<Vec<(u32, f64)>> {
    let counts: Vec<HashMap<String, u32>> = incidents.par_iter().map(term_counts).collect();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut document_frequency: Vec<u32> = Vec::new();
    for terms in &counts {
        for term in terms.keys() {
            let next = ids.len() as u32;
            let id = *ids.entry(term.as_str()).or_insert(next);
            if id as usize == document_frequency.len() {
                document_frequency.push(0);
            }
            document_frequency[id as usize] += 1;
        }
    }
    let n = incidents.len() as f64;
    counts
        .iter()
        .map(|terms| {
            let mut weighted: Vec<(u32, f64)> = terms
                .iter()
                .map(|(term, count)| {
                    let id = ids[term.as_str()];
                    let idf = (n / f64::from(document_frequency[id as usize])).ln();
                    (id, (1.0 + f64::from(*count).ln()) * idf)
                })
                .filter(|(_, w)| *w > 0.0)
                .collect();
            weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            weighted.truncate(TERMS_PER_INCIDENT);
            let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            weighted.iter_mut().for_each(|(_, w)| *w /= norm);
            weighted.sort_by_key(|(id, _)| *id);
            weighted
        })
        .collect()
}

/// Words of three letters or more, lower-cased, without the commonest
/// English words; the title counts twice.
fn term_counts(p: &Postmortem) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    let title = p.display_title.as_str();
    for text in [title, title, p.body.as_str()] {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.chars().count() < 3 || word.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let word = word.to_lowercase();
            if !STOPWORDS.contains(&word.as_str()) {
                *counts.entry(word).or_insert(0) += 1;
            }
        }
    }
    counts
}

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "was", "were", "with", "that", "this", "from", "are", "not", "but", "have", "had", "has",
    "our", "their", "they", "which", "when", "what", "who", "all", "any", "been", "into", "out", "its", "also", "can",
    "than", "then", "there", "these", "those", "will", "would", "could", "should", "after", "before", "about", "more",
    "some", "such", "only", "other", "over", "under", "while", "during", "because", "did", "does", "one", "two", "via",
    "per", "may", "each", "how", "why", "where", "you", "your", "his", "her", "him", "she", "them",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_identical_normalised_vectors_is_one() {
        let v = [(1, 0.6), (4, 0.8)];
        assert!((cosine(&v, &v) - 1.0).abs() < 1e-9);
        assert_eq!(cosine(&v, &[(2, 1.0)]), 0.0);
    }
}
