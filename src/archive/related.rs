//! Related incidents: shared root-cause tags and services, and similar
//! words (TF-IDF over each incident's most telling terms). Candidates come
//! from an inverted index, so a 10,000-incident archive stays fast.

use std::sync::Arc;
use super::IncidentIndex;
use crate::model::{Kind, Postmortem};
use rayon::prelude::*;
use std::collections::HashMap;

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
/// Posting lists longer than this are skipped when gathering candidates.
const POSTING_CAP: usize = 400;

/// Up to [`LIMIT`] related postmortems per incident, best first.
///
/// Scores accumulate over posting lists, as a search engine does: each of an
/// incident's top terms adds its weight to every incident sharing it, then
/// shared tags and services add theirs. Lists longer than [`POSTING_CAP`]
/// say too little to be worth walking; a shared tag still counts for the
/// candidates the other lists found.
pub fn related(incidents: &[Arc<Postmortem>]) -> Vec<Vec<IncidentIndex>> {
    let vectors = term_vectors(incidents);
    let labels = label_ids(incidents);
    let mut term_postings: HashMap<u32, Vec<(IncidentIndex, f64)>> = HashMap::new();
    let mut label_postings: HashMap<u32, Vec<IncidentIndex>> = HashMap::new();
    for i in (0..incidents.len()).filter(|&i| incidents[i].kind == Kind::Postmortem) {
        for &(term, weight) in &vectors[i] {
            term_postings.entry(term).or_default().push((i, weight));
        }
        for &(label, _) in &labels[i] {
            label_postings.entry(label).or_default().push(i);
        }
    }
    (0..incidents.len())
        .into_par_iter()
        .map_init(
            || vec![0.0f64; incidents.len()],
            |scores, i| {
                if incidents[i].kind != Kind::Postmortem {
                    return Vec::new();
                }
                let mut touched: Vec<IncidentIndex> = Vec::new();
                let mut add = |j: IncidentIndex, amount: f64, scores: &mut Vec<f64>| {
                    if scores[j] == 0.0 {
                        touched.push(j);
                    }
                    scores[j] += amount;
                };
                for &(term, weight) in &vectors[i] {
                    let postings = term_postings.get(&term).map_or(&[][..], Vec::as_slice);
                    if postings.len() <= POSTING_CAP {
                        postings.iter().for_each(|&(j, w)| add(j, weight * w, scores));
                    }
                }
                for &(label, _) in &labels[i] {
                    let postings = label_postings.get(&label).map_or(&[][..], Vec::as_slice);
                    if postings.len() <= POSTING_CAP {
                        postings.iter().for_each(|&j| add(j, f64::MIN_POSITIVE, scores));
                    }
                }
                let mut scored: Vec<(f64, IncidentIndex)> = touched
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| (scores[j] + shared_labels(&labels[i], &labels[j]), j))
                    .filter(|(s, _)| *s >= MIN_SCORE)
                    .collect();
                touched.iter().for_each(|&j| scores[j] = 0.0);
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.into_iter().take(LIMIT).map(|(_, j)| j).collect()
            },
        )
        .collect()
}

/// Each incident's tags and services as sorted ids with their weights.
fn label_ids(incidents: &[Arc<Postmortem>]) -> Vec<Vec<(u32, f64)>> {
    let mut ids: HashMap<(bool, &str), u32> = HashMap::new();
    incidents
        .iter()
        .map(|p| {
            let tags = p.tags.iter().map(|t| ((true, t.as_str()), TAG_WEIGHT));
            let services = p.services.iter().map(|s| ((false, s.as_str()), SERVICE_WEIGHT));
            let mut labels: Vec<(u32, f64)> = tags
                .chain(services)
                .map(|(key, weight)| {
                    let next = ids.len() as u32;
                    (*ids.entry(key).or_insert(next), weight)
                })
                .collect();
            labels.sort_by_key(|(id, _)| *id);
            labels.dedup_by_key(|(id, _)| *id);
            labels
        })
        .collect()
}

/// The weights of the labels two incidents share (both lists sorted).
fn shared_labels(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    merge_sum(a, b, |weight, _| weight)
}

/// Walk two id-sorted lists together, summing `f` over the ids in both.
fn merge_sum(a: &[(u32, f64)], b: &[(u32, f64)], f: impl Fn(f64, f64) -> f64) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f(a[i].1, b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Each incident's top terms by TF-IDF, normalised, sorted by term id.
fn term_vectors(incidents: &[Arc<Postmortem>]) -> Vec<Vec<(u32, f64)>> {
    let counts: Vec<HashMap<String, u32>> = incidents.par_iter().map(|p| term_counts(p)).collect();
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
    fn shared_labels_add_their_weights() {
        let a = [(1, 0.35), (4, 0.2), (7, 0.35)];
        assert!((shared_labels(&a, &[(4, 0.2), (7, 0.35)]) - 0.55).abs() < 1e-9);
        assert_eq!(shared_labels(&a, &[(2, 0.35)]), 0.0);
    }
}
