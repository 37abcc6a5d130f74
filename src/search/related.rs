//! Related incidents, from the index: tantivy's MoreLikeThis over an
//! incident's root cause and body (its telling words, weighted by TF-IDF),
//! plus a boost for each root-cause tag and service it shares. The build
//! computes them for every incident; the preview server for those that
//! changed.

use super::{SearchError, SearchIndex};
use crate::archive::{Archive, IncidentIndex};
use crate::model::Kind;
use rayon::prelude::*;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

/// How many related incidents a page lists.
const LIMIT: usize = 5;
/// A shared root-cause tag and a shared service weigh as much as a word
/// the two incidents share this many times over (each scores BM25: a rare
/// tag or service counts for more than a common one).
const TAG_BOOST: f32 = 3.0;
const SERVICE_BOOST: f32 = 2.0;
/// See [`max_doc_frequency`].
const MAX_DOC_FREQUENCY: u64 = 500;

impl SearchIndex {
    /// Up to five related postmortems, best first, for each incident of
    /// `which` (in that order): never the incident itself, never a
    /// template, list or other document. Ties go to the incident earlier
    /// in the archive, so the lists do not depend on how the index is laid
    /// out in segments. The index must hold `archive` (after `update`); an
    /// index past the archive's end gets an empty list.
    pub fn related(
        &self,
        archive: &Archive,
        which: impl IntoIterator<Item = IncidentIndex>,
    ) -> Result<Vec<(IncidentIndex, Vec<IncidentIndex>)>, SearchError> {
        let error = |source| SearchError::Index { path: self.dir.clone(), source };
        let searcher = self.reader.searcher();
        let incidents = incidents_by_address(&searcher, self.fields.id, archive).map_err(error)?;
        let (which, num_docs): (Vec<IncidentIndex>, _) = (which.into_iter().collect(), searcher.num_docs());
        which
            .par_iter()
            .map(|&i| {
                if archive.incidents.get(i).is_none_or(|p| p.kind != Kind::Postmortem) {
                    return Ok((i, Vec::new()));
                }
                // Only incidents that share telling words with this one are
                // scored: a shared tag or service alone would score every
                // incident that has it (a third of the archive for
                // `database`), and the build would grow with the square of
                // the archive. An incident that shares no word with any
                // other falls back to its tags and services.
                let found = best(&searcher, &self.like(archive, i, num_docs, Occur::Must), &incidents, archive, i)?;
                if !found.is_empty() {
                    return Ok((i, found));
                }
                Ok((i, best(&searcher, &self.like(archive, i, num_docs, Occur::Should), &incidents, archive, i)?))
            })
            .collect::<tantivy::Result<_>>()
            .map_err(error)
    }

    /// What incident `i` is like: its words (`Must` to be among them, or
    /// `Should`), its tags and its services.
    fn like(&self, archive: &Archive, i: IncidentIndex, num_docs: u64, words_are: Occur) -> BooleanQuery {
        let (p, f) = (&archive.incidents[i], self.fields);
        // Every word said at least twice and found in at least one other
        // incident, not the top N: tantivy picks the top N out of a hash
        // map, so ties would fall differently from one run to the next. A
        // word said once in a long body seldom tells what it is about, and
        // leaving those out keeps the query short; the root cause counts
        // twice (as in search), so its words count even when said once.
        let root_cause = OwnedValue::Str(p.root_cause.clone().unwrap_or_default());
        let words = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency(max_doc_frequency(num_docs))
            .with_min_term_frequency(2)
            .with_max_query_terms(usize::MAX)
            .with_document_fields(vec![
                (f.root_cause, vec![root_cause.clone(), root_cause]),
                (f.body, vec![OwnedValue::Str(p.body.clone())]),
            ]);
        let labelled = |field, value: &str, boost| -> (Occur, Box<dyn Query>) {
            let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(term), boost)))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(words_are, Box::new(words))];
        clauses.extend(p.tags.iter().map(|tag| labelled(f.tags, tag, TAG_BOOST)));
        clauses.extend(p.services.iter().map(|s| labelled(f.services, &s.to_lowercase(), SERVICE_BOOST)));
        BooleanQuery::new(clauses)
    }
}

/// The best [`LIMIT`] postmortems other than `i` that `query` finds.
/// Scores are compared to a thousandth, so that the order in which tantivy
/// happened to add up a score's parts never decides a tie; and when a tie
/// reaches past what was fetched, more is fetched until it does not.
fn best(
    searcher: &Searcher,
    query: &BooleanQuery,
    incidents: &[Vec<Option<IncidentIndex>>],
    archive: &Archive,
    i: IncidentIndex,
) -> tantivy::Result<Vec<IncidentIndex>> {
    let mut fetch = LIMIT * 4;
    loop {
        let found = searcher.search(query, &TopDocs::with_limit(fetch).order_by_score())?;
        let complete = found.len() < fetch;
        let last = found.last().map_or(0, |(score, _)| rounded(*score));
        let mut ranked: Vec<(i64, IncidentIndex)> = found
            .into_iter()
            .filter_map(|(score, at)| {
                let j = incidents[at.segment_ord as usize][at.doc_id as usize]?;
                (j != i && archive.incidents[j].kind == Kind::Postmortem).then_some((-rounded(score), j))
            })
            .collect();
        ranked.sort_unstable();
        ranked.truncate(LIMIT);
        let cut = ranked.last().map(|(score, _)| -score);
        if complete || (ranked.len() == LIMIT && cut > Some(last)) {
            return Ok(ranked.into_iter().map(|(_, j)| j).collect());
        }
        fetch *= 4;
    }
}

/// Words in more than one incident in twenty say little about any of
/// them, and walking their long posting lists would be most of the cost;
/// in a small archive, though, a word in 20 incidents may still tell. In
/// a big one, a word in more than 500 says little too, and the cap keeps
/// each incident's query as cheap at 100,000 incidents as at 10,000, so
/// the whole step grows with the archive, not with its square.
///
/// Never more than the incidents in the index: a word's document count
/// still includes the old copies of re-indexed incidents, and tantivy's
/// MoreLikeThis panics on a word found in more documents than the index
/// holds; this cap makes it skip such a word first.
fn max_doc_frequency(num_docs: u64) -> u64 {
    (num_docs / 20).clamp(20, MAX_DOC_FREQUENCY).min(num_docs)
}

fn rounded(score: f32) -> i64 {
    (f64::from(score) * 1000.0).round() as i64
}

/// Per segment, per document: the incident it is, from the `id` field's
/// terms (reading each stored document would cost far more). Deleted
/// documents, and documents of incidents no longer in the archive, are
/// `None`.
fn incidents_by_address(
    searcher: &Searcher,
    id: tantivy::schema::Field,
    archive: &Archive,
) -> tantivy::Result<Vec<Vec<Option<IncidentIndex>>>> {
    let by_id: HashMap<&str, IncidentIndex> =
        archive.incidents.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut out = Vec::new();
    for segment in searcher.segment_readers() {
        let mut docs = vec![None; segment.max_doc() as usize];
        let ids = segment.inverted_index(id)?;
        let mut terms = ids.terms().stream()?;
        while terms.advance() {
            let Some(&incident) = std::str::from_utf8(terms.key()).ok().and_then(|key| by_id.get(key)) else {
                continue;
            };
            let mut postings = ids.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    docs[doc as usize] = Some(incident);
                }
                doc = postings.advance();
            }
        }
        out.push(docs);
    }
    Ok(out)
}
