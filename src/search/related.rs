//! Related incidents, from the index: an incident's telling words (in its
//! root cause and body, weighted by TF-IDF as tantivy's MoreLikeThis
//! weighs them), plus a boost for each root-cause tag and service it
//! shares. The build computes them for every incident; the preview server
//! for those that changed.

use super::{SearchError, SearchIndex};
use crate::archive::{Archive, IncidentIndex};
use crate::model::{Kind, Postmortem};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::postings::Postings;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

/// How many related incidents a page lists.
const LIMIT: usize = 5;
/// A shared root-cause tag and a shared service weigh as much as a word
/// the two incidents share this many times over (each scores BM25: a rare
/// tag or service counts for more than a common one).
const TAG_BOOST: f32 = 3.0;
const SERVICE_BOOST: f32 = 2.0;
/// See [`max_doc_frequency`].
const MAX_DOC_FREQUENCY: u64 = 500;

/// The file in the index folder that keeps the last build's lists (see
/// [`SearchIndex::related_all`]).
const KEPT_FILE: &str = "coroner-related";

/// Per segment, per document: the postmortem it is (see [`SearchIndex::postmortems_by_address`]).
type ByAddress = Vec<Arc<[Option<IncidentIndex>]>>;

/// [`ByAddress`] of the segments last searched, by segment, and the
/// archive's postmortems it was made for (a hash of their ids in order).
/// A segment's documents never change; deleted ones are never collected,
/// so a kept map stays right while the postmortems stay where they were:
/// a save then maps only the new small segment, not the whole index.
#[derive(Default)]
pub(super) struct Addresses {
    postmortems: u64,
    /// Each postmortem by id: made once for the postmortems, not for each
    /// new segment (a save makes one).
    by_id: HashMap<String, IncidentIndex>,
    segments: HashMap<tantivy::index::SegmentId, Arc<[Option<IncidentIndex>]>>,
}

/// A query's clauses.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// The incidents whose related list is asked again, and those of them
/// known to share no telling word (see [`SearchIndex::stale`]).
type Stale = (std::collections::BTreeSet<IncidentIndex>, std::collections::HashSet<IncidentIndex>);

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
        let found = self.related_found(archive, which, &std::collections::HashSet::new())?;
        Ok(found.into_iter().map(|found| (found.incident, found.list)).collect())
    }

    /// [`SearchIndex::related`], saying of each list whether it came from
    /// the incident's tags and services alone (no telling word); those of
    /// `alone` are known to, and their words are not looked for.
    fn related_found(
        &self,
        archive: &Archive,
        which: impl IntoIterator<Item = IncidentIndex>,
        alone: &std::collections::HashSet<IncidentIndex>,
    ) -> Result<Vec<Found>, SearchError> {
        let error = |source| SearchError::Index { path: self.dir.clone(), source };
        let searcher = self.reader.searcher();
        let postmortems = self.postmortems_by_address(&searcher, archive).map_err(error)?;
        let which: Vec<IncidentIndex> = which.into_iter().collect();
        let analyzers = thread_local::ThreadLocal::new();
        // Only incidents that share telling words with this one are
        // scored: a shared tag or service alone would score every
        // incident that has it (a third of the archive for `database`),
        // and the build would grow with the square of the archive. `None`:
        // no other postmortem shares a telling word.
        let mut found: Vec<(IncidentIndex, Option<Vec<IncidentIndex>>)> = which
            .par_iter()
            .map(|&i| {
                let Some(p) = archive.incidents.get(i).filter(|p| p.kind == Kind::Postmortem) else {
                    return Ok((i, Some(Vec::new())));
                };
                if alone.contains(&i) {
                    return Ok((i, None));
                }
                let analyzer = analyzers.get_or(|| RefCell::new(super::stemming::en_stem()));
                let words = self.words(&searcher, &mut analyzer.borrow_mut(), p)?;
                if words.is_empty() {
                    return Ok((i, None));
                }
                let mut clauses: Clauses = vec![(Occur::Must, Box::new(BooleanQuery::new(words)))];
                clauses.extend(self.labels(p));
                let best = best(&searcher, &BooleanQuery::new(clauses), &postmortems, Some(i), LIMIT)?;
                Ok((i, Some(best).filter(|best| !best.is_empty())))
            })
            .collect::<tantivy::Result<_>>()
            .map_err(error)?;
        // The others fall back to their tags and services, which score the
        // same for every incident that has the same ones: one query per
        // such set (a tie-complete list one longer, less the incident
        // itself), not one per incident, each scoring a third of the archive.
        let mut alike: HashMap<(&[String], &[String]), Vec<usize>> = HashMap::new();
        for (k, (i, list)) in found.iter().enumerate() {
            if list.is_none() {
                let p = &archive.incidents[*i];
                alike.entry((&p.tags, &p.services)).or_default().push(k);
            }
        }
        let alike: Vec<Vec<usize>> = alike.into_values().collect();
        let lists = alike
            .par_iter()
            .map(|members| {
                let labels = BooleanQuery::new(self.labels(&archive.incidents[found[members[0]].0]));
                best(&searcher, &labels, &postmortems, None, LIMIT + 1)
            })
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(error)?;
        for (members, list) in alike.iter().zip(&lists) {
            for &k in members {
                let i = found[k].0;
                found[k].1 = Some(list.iter().copied().filter(|&j| j != i).take(LIMIT).collect());
            }
        }
        let by_labels: std::collections::HashSet<usize> = alike.iter().flatten().copied().collect();
        Ok(found
            .into_iter()
            .enumerate()
            .map(|(k, (incident, list))| Found {
                incident,
                list: list.unwrap_or_default(),
                by_labels: by_labels.contains(&k),
            })
            .collect())
    }

    /// Related incidents of every incident of `archive`, by index, as
    /// [`SearchIndex::related`] finds them. The lists are kept in the index
    /// folder for the next build, each with its incident's id and digest,
    /// and asked again only for the incidents whose list an edit could
    /// change (see [`SearchIndex::stale`]): at 100,000 incidents asking
    /// for them all took longer than a whole unchanged build may. `salt`
    /// changes with coroner itself, and throws every kept list away.
    pub fn related_all(&self, archive: &Archive, salt: u64) -> Result<Vec<Vec<IncidentIndex>>, SearchError> {
        let n = archive.incidents.len();
        let header = format!("{KEPT_HEADER} {}", super::hex_digest((salt, super::DOCUMENT_FORMAT, LIMIT)));
        let digests: Vec<String> = archive.incidents.par_iter().map(|p| super::digest(p)).collect();
        let path = self.dir.join(KEPT_FILE);
        let kept = read_kept(&path, &header);
        let index_of: HashMap<&str, IncidentIndex> =
            archive.incidents.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let (stale, alone) = self.stale(archive, &digests, &kept, &index_of)?;
        // Nothing asked and nothing gone: the kept file says it all already.
        let same = stale.is_empty() && kept.len() == n;
        let mut lists = vec![Vec::new(); n];
        let mut by_labels = vec![false; n];
        for (i, p) in archive.incidents.iter().enumerate() {
            if let Some(kept) = kept.get(p.id.as_str()).filter(|_| !stale.contains(&i)) {
                lists[i] = kept.related.iter().filter_map(|id| index_of.get(id.as_str()).copied()).collect();
                by_labels[i] = kept.by_labels;
            }
        }
        for found in self.related_found(archive, stale, &alone)? {
            lists[found.incident] = found.list;
            by_labels[found.incident] = found.by_labels;
        }
        if same {
            return Ok(lists);
        }
        let mut text = format!("{header}\n");
        for (i, p) in archive.incidents.iter().enumerate() {
            let related: Vec<&str> = lists[i].iter().map(|&j| archive.incidents[j].id.as_str()).collect();
            let line = serde_json::to_string(&(&p.id, &digests[i], by_labels[i], related)).unwrap_or_default();
            text.push_str(&line);
            text.push('\n');
        }
        // Without it the next build asks again: not an error.
        let _ = super::write_aside(&path, text.as_bytes());
        Ok(lists)
    }

    /// The incidents whose related list must be asked again, against the
    /// lists `kept` by the last build: all of them when none were kept;
    /// else each incident that is new or changed, each whose list names
    /// one changed or gone, each that now shares a telling word with a
    /// changed one (which may now enter its list: see [`SearchIndex::sharing`]),
    /// and each whose list came from its tags and services alone that
    /// shares one with a changed incident. The others' lists stand, as do
    /// their scores up to the word statistics an edit moves a little (as
    /// an edited incident's old copy does: see docs/output.md). Second:
    /// those of them that still share no telling word (none of their words
    /// changed), whose lists are asked by their tags and services alone,
    /// one query per set of them: 65,877 of 100,000 generated incidents.
    fn stale(
        &self,
        archive: &Archive,
        digests: &[String],
        kept: &HashMap<String, Kept>,
        index_of: &HashMap<&str, IncidentIndex>,
    ) -> Result<Stale, SearchError> {
        let n = archive.incidents.len();
        if kept.is_empty() {
            return Ok(((0..n).collect(), std::collections::HashSet::new()));
        }
        let changed: Vec<IncidentIndex> = (0..n)
            .filter(|&i| kept.get(archive.incidents[i].id.as_str()).is_none_or(|k| k.digest != digests[i]))
            .collect();
        let mut touched: std::collections::HashSet<&str> =
            changed.iter().map(|&i| archive.incidents[i].id.as_str()).collect();
        touched.extend(kept.keys().map(String::as_str).filter(|id| !index_of.contains_key(id)));
        let mut stale: std::collections::BTreeSet<IncidentIndex> = changed.iter().copied().collect();
        let mut alone = std::collections::HashSet::new();
        if touched.is_empty() {
            return Ok((stale, alone));
        }
        let labels: std::collections::HashSet<(bool, &str)> = changed
            .iter()
            .flat_map(|&i| {
                let p = &archive.incidents[i];
                p.tags.iter().map(|t| (true, t.as_str())).chain(p.services.iter().map(|s| (false, s.as_str())))
            })
            .collect();
        for (i, p) in archive.incidents.iter().enumerate() {
            let Some(kept) = kept.get(p.id.as_str()) else { continue };
            let names_touched = kept.related.iter().any(|id| touched.contains(id.as_str()));
            let shares_label = || {
                kept.by_labels
                    && (p.tags.iter().any(|t| labels.contains(&(true, t.as_str())))
                        || p.services.iter().any(|s| labels.contains(&(false, s.as_str()))))
            };
            if names_touched || shares_label() {
                stale.insert(i);
                if kept.by_labels && kept.digest == digests[i] {
                    alone.insert(i);
                }
            }
        }
        for i in self.sharing(archive, &changed)? {
            stale.insert(i);
            alone.remove(&i);
        }
        Ok((stale, alone))
    }

    /// The postmortems that hold one of the words of one of `incidents`
    /// as one of their own telling words (in the same field, said twice,
    /// the root cause counting twice as in [`SearchIndex::words`], as the
    /// index holds the body: its plain text): those whose query may now
    /// find it.
    fn sharing(&self, archive: &Archive, incidents: &[IncidentIndex]) -> Result<Vec<IncidentIndex>, SearchError> {
        let error = |source| SearchError::Index { path: self.dir.clone(), source };
        let searcher = self.reader.searcher();
        let postmortems = self.postmortems_by_address(&searcher, archive).map_err(error)?;
        let (f, num_docs) = (self.fields, searcher.num_docs());
        let mut analyzer = super::stemming::en_stem();
        let mut terms = std::collections::BTreeSet::new();
        for p in incidents.iter().filter_map(|&i| archive.incidents.get(i)).filter(|p| p.kind == Kind::Postmortem) {
            let root_cause = p.root_cause.as_deref().unwrap_or("");
            for (field, text) in [(f.root_cause, root_cause), (f.body, p.body.as_str())] {
                analyzer.token_stream(text).process(&mut |token| {
                    if !token.text.is_empty() {
                        terms.insert(Term::from_field_text(field, &token.text));
                    }
                });
            }
        }
        let mut found = std::collections::BTreeSet::new();
        for term in terms {
            let doc_frequency = searcher.doc_freq(&term).map_err(error)?.min(num_docs);
            if !(2..=max_doc_frequency(num_docs)).contains(&doc_frequency) {
                continue;
            }
            let times = if term.field() == f.root_cause { 2 } else { 1 };
            for (segment, reader) in searcher.segment_readers().iter().enumerate() {
                let inverted = reader.inverted_index(term.field()).map_err(error)?;
                let Some(mut postings) =
                    inverted.read_postings(&term, IndexRecordOption::WithFreqs).map_err(|e| error(e.into()))?
                else {
                    continue;
                };
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if let Some(Some(j)) = postmortems[segment].get(doc as usize)
                        && postings.term_freq() * times >= 2
                    {
                        found.insert(*j);
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    /// What incident `p` is about, as tantivy's MoreLikeThis would ask it
    /// but built once, in a fixed order: every word (stem) said at least
    /// twice in its root cause (which counts twice, as in search) and body,
    /// and found in at least one other incident, boosted by its count
    /// times its IDF against the best word's. Not the top N: tantivy picks
    /// the top N out of a hash map, so ties would fall differently from one
    /// run to the next. A word said once in a long body seldom tells what
    /// it is about, and leaving those out keeps the query short.
    fn words(&self, searcher: &Searcher, analyzer: &mut TextAnalyzer, p: &Postmortem) -> tantivy::Result<Clauses> {
        let f = self.fields;
        let root_cause = p.root_cause.as_deref().unwrap_or("");
        let mut counts: HashMap<Term, usize> = HashMap::new();
        for (field, text, times) in [(f.root_cause, root_cause, 2), (f.body, p.body.as_str(), 1)] {
            analyzer.token_stream(text).process(&mut |token| {
                if !token.text.is_empty() {
                    *counts.entry(Term::from_field_text(field, &token.text)).or_default() += times;
                }
            });
        }
        let num_docs = searcher.num_docs();
        let mut scored = Vec::new();
        for (term, count) in counts {
            if count < 2 {
                continue;
            }
            // The count includes the old copies of re-indexed incidents: a
            // word in every incident would otherwise drop out of a small
            // archive's queries once one incident was edited, and every
            // page's related list would change with it.
            let doc_frequency = searcher.doc_freq(&term)?.min(num_docs);
            if (2..=max_doc_frequency(num_docs)).contains(&doc_frequency) {
                scored.push((count as Score * idf(doc_frequency, num_docs), term));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let top = scored.first().map_or(1.0, |(score, _)| *score);
        Ok(scored
            .into_iter()
            .map(|(score, term)| -> (Occur, Box<dyn Query>) {
                let word = TermQuery::new(term, IndexRecordOption::Basic);
                (Occur::Should, Box::new(BoostQuery::new(Box::new(word), score / top)))
            })
            .collect())
    }

    /// Incident `p`'s tags and services, each a clause that may match.
    fn labels(&self, p: &Postmortem) -> Clauses {
        let f = self.fields;
        let labelled = |field, value: &str, boost| -> (Occur, Box<dyn Query>) {
            let term = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
            (Occur::Should, Box::new(BoostQuery::new(Box::new(term), boost)))
        };
        let mut clauses: Clauses = p.tags.iter().map(|tag| labelled(f.tags, tag, TAG_BOOST)).collect();
        clauses.extend(p.services.iter().map(|s| labelled(f.services, &s.to_lowercase(), SERVICE_BOOST)));
        clauses
    }
}

/// BM25's inverse document frequency, as tantivy (and its MoreLikeThis)
/// computes it.
fn idf(doc_frequency: u64, num_docs: u64) -> Score {
    let rest = num_docs.saturating_sub(doc_frequency) as Score + 0.5;
    (1.0 + rest / (doc_frequency as Score + 0.5)).ln()
}

/// The best `limit` postmortems other than `except` that `query` finds,
/// in one pass. Scores are compared to a thousandth, so that the order in
/// which tantivy happened to add up a score's parts never decides a tie,
/// and ties go to the incident earlier in the archive.
fn best(
    searcher: &Searcher,
    query: &dyn Query,
    postmortems: &ByAddress,
    except: Option<IncidentIndex>,
    limit: usize,
) -> tantivy::Result<Vec<IncidentIndex>> {
    let collector = Best { postmortems, except, limit };
    Ok(searcher.search(query, &collector)?.into_iter().map(|(_, j)| j).collect())
}

/// A score to a thousandth, negated, beside the incident: smaller is better.
type Ranked = (i64, IncidentIndex);

/// [`best`]'s collector: the `limit` smallest [`Ranked`] of each segment, then of all.
struct Best<'a> {
    postmortems: &'a ByAddress,
    except: Option<IncidentIndex>,
    limit: usize,
}

struct BestInSegment {
    postmortems: Arc<[Option<IncidentIndex>]>,
    except: Option<IncidentIndex>,
    limit: usize,
    /// The best so far, the worst of them on top.
    kept: BinaryHeap<Ranked>,
}

impl Collector for Best<'_> {
    type Fruit = Vec<Ranked>;
    type Child = BestInSegment;

    fn for_segment(&self, segment: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<BestInSegment> {
        Ok(BestInSegment {
            postmortems: self.postmortems[segment as usize].clone(),
            except: self.except,
            limit: self.limit,
            kept: BinaryHeap::with_capacity(self.limit + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = segments.into_iter().flatten().collect();
        all.sort_unstable();
        all.truncate(self.limit);
        Ok(all)
    }
}

impl SegmentCollector for BestInSegment {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(Some(j)) = self.postmortems.get(doc as usize).copied() else { return };
        if Some(j) == self.except {
            return;
        }
        let ranked = (-rounded(score), j);
        if self.kept.len() < self.limit {
            self.kept.push(ranked);
        } else if self.kept.peek().is_some_and(|worst| ranked < *worst) {
            self.kept.pop();
            self.kept.push(ranked);
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        self.kept.into_vec()
    }
}

/// Words in more than one incident in twenty say little about any of
/// them, and walking their long posting lists would be most of the cost;
/// in a small archive, though, a word in 20 incidents may still tell. In
/// a big one, a word in more than 500 says little too, and the cap keeps
/// each incident's query as cheap at 100,000 incidents as at 10,000, so
/// the whole step grows with the archive, not with its square.
///
/// Never more than the incidents in the index (a word's document count is
/// capped at it too: see `words`).
fn max_doc_frequency(num_docs: u64) -> u64 {
    (num_docs / 20).clamp(20, MAX_DOC_FREQUENCY).min(num_docs)
}

fn rounded(score: f32) -> i64 {
    (f64::from(score) * 1000.0).round() as i64
}

/// One incident's list as the last build kept it.
struct Kept {
    digest: String,
    by_labels: bool,
    /// By id: the archive's order (its indices) may have changed since.
    related: Vec<String>,
}

/// One incident's list as [`SearchIndex::related_found`] finds it.
struct Found {
    incident: IncidentIndex,
    list: Vec<IncidentIndex>,
    /// Found by its tags and services alone: it shares no telling word.
    by_labels: bool,
}

/// The first line of the kept lists: their format, then a hash of what
/// they depend on beside the incidents (coroner, the list length).
const KEPT_HEADER: &str = "coroner-related 2";

/// The lists kept by [`SearchIndex::related_all`] under `header`, by id;
/// none when they are another coroner's, or unreadable.
fn read_kept(path: &std::path::Path, header: &str) -> HashMap<String, Kept> {
    let Ok(text) = std::fs::read_to_string(path) else { return HashMap::new() };
    let mut lines = text.lines();
    if lines.next() != Some(header) {
        return HashMap::new();
    }
    let kept: Option<HashMap<String, Kept>> = lines
        .map(|line| {
            let (id, digest, by_labels, related): (String, String, bool, Vec<String>) =
                serde_json::from_str(line).ok()?;
            Some((id, Kept { digest, by_labels, related }))
        })
        .collect();
    kept.unwrap_or_default()
}

impl SearchIndex {
    /// Per segment, per document: the postmortem it is, from the `id`
    /// field's terms (reading each stored document would cost far more).
    /// Documents of incidents no longer in the archive, and templates,
    /// lists and other documents are `None`; so may deleted ones be. Maps
    /// kept from the last call serve the segments it saw (see [`Addresses`]).
    fn postmortems_by_address(&self, searcher: &Searcher, archive: &Archive) -> tantivy::Result<ByAddress> {
        let postmortems = archive.postmortem_ids();
        let mut kept = self.addresses.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if kept.postmortems != postmortems {
            let by_id = archive.postmortems().map(|(i, p)| (p.id.clone(), i)).collect();
            *kept = Addresses { postmortems, by_id, segments: HashMap::new() };
        }
        let mut segments = HashMap::new();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let docs = match kept.segments.get(&segment.segment_id()) {
                Some(docs) => docs.clone(),
                None => segment_postmortems(segment, self.fields.id, &kept.by_id)?,
            };
            segments.insert(segment.segment_id(), docs.clone());
            out.push(docs);
        }
        kept.segments = segments;
        Ok(out)
    }
}

/// One segment's part of [`SearchIndex::postmortems_by_address`].
fn segment_postmortems(
    segment: &SegmentReader,
    id: tantivy::schema::Field,
    by_id: &HashMap<String, IncidentIndex>,
) -> tantivy::Result<Arc<[Option<IncidentIndex>]>> {
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
    Ok(docs.into())
}
