//! Coverage: how much of a question each candidate entry covers, weighted by how
//! informative each question term is (IDF × topic weight). This, not the raw BM25
//! score, is what the decision stage trusts, because it is comparable across questions.

use std::collections::BTreeMap;

use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Term, TERMINATED};

use super::keyword::Fields;
use super::RetrieveError;
use crate::config::RetrieveConfig;

/// BM25's inverse document frequency; an unseen term gets the largest value, so words
/// the knowledge base has never seen weigh heavily against confidence.
fn idf(doc_freq: u64, n: f32) -> f32 {
    let df = doc_freq as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A question word with its reading and topic weight.
pub struct QueryWord<'a> {
    pub text: &'a String,
    pub reading: &'a String,
    pub weight: f32,
    /// Longer indexed words that begin or end with this one (カード → マイナンバーカード).
    pub compounds: &'a [String],
}

/// Fewest reading n-grams a word needs before it may match by sound.
const MIN_FUZZY_NGRAMS: usize = 2;

/// The candidate documents, grouped by segment in doc-id order (postings only seek
/// forward), each with its position in the candidate list.
pub struct Targets<'a> {
    searcher: &'a tantivy::Searcher,
    by_segment: BTreeMap<u32, Vec<(u32, usize)>>,
    len: usize,
    /// Number of documents, for IDF.
    n: f32,
}

impl<'a> Targets<'a> {
    /// Candidates at `addrs`; `documents` is the number of entries (for IDF).
    pub fn new(searcher: &'a tantivy::Searcher, addrs: &[DocAddress], documents: u64) -> Self {
        let mut by_segment: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
        for (i, a) in addrs.iter().enumerate() {
            by_segment
                .entry(a.segment_ord)
                .or_default()
                .push((a.doc_id, i));
        }
        for list in by_segment.values_mut() {
            list.sort_unstable();
        }
        Targets {
            searcher,
            by_segment,
            len: addrs.len(),
            n: documents as f32,
        }
    }

    /// IDF of `text` in `field`.
    fn idf(&self, field: Field, text: &str) -> Result<f32, RetrieveError> {
        let term = Term::from_field_text(field, text);
        let df = self
            .searcher
            .doc_freq(&term)
            .map_err(|e| RetrieveError::Search(e.to_string()))?;
        Ok(idf(df, self.n))
    }

    /// For each of `texts`, how often each candidate has it in `field`; `None` for a
    /// text no document of the index has.
    pub fn freqs(
        &self,
        field: Field,
        texts: &[&str],
    ) -> Result<Vec<Option<Vec<u32>>>, RetrieveError> {
        let mut out: Vec<Option<Vec<u32>>> = vec![None; texts.len()];
        let search = |e: tantivy::TantivyError| RetrieveError::Search(e.to_string());
        for (seg, docs) in &self.by_segment {
            let inverted = self
                .searcher
                .segment_reader(*seg)
                .inverted_index(field)
                .map_err(search)?;
            for (text, slot) in texts.iter().zip(out.iter_mut()) {
                let term = Term::from_field_text(field, text);
                let Some(mut postings) = inverted
                    .read_postings(&term, IndexRecordOption::WithFreqs)
                    .map_err(|e| RetrieveError::Search(e.to_string()))?
                else {
                    continue;
                };
                let freqs = slot.get_or_insert_with(|| vec![0u32; self.len]);
                for &(doc, i) in docs {
                    if postings.doc() == TERMINATED {
                        break;
                    }
                    // `seek` may only move forward: never call it past the target.
                    let at = if postings.doc() >= doc {
                        postings.doc()
                    } else {
                        postings.seek(doc)
                    };
                    if at == doc {
                        freqs[i] = postings.term_freq();
                    }
                }
            }
        }
        Ok(out)
    }

    /// Which candidates contain `text` in `field`.
    fn contains(&self, field: Field, text: &str) -> Result<Vec<bool>, RetrieveError> {
        Ok(match self.freqs(field, &[text])?.pop().flatten() {
            Some(freqs) => freqs.into_iter().map(|f| f > 0).collect(),
            None => vec![false; self.len],
        })
    }
}

/// IDF-weighted share of the question's words each candidate covers. A word found in
/// the question or paraphrases earns 1, in the answer only `answer_credit`; a word not
/// found as such earns up to `fuzzy_word_credit` × the share of its reading n-grams
/// found in the candidate (so 振り込む still partly matches 振込), and `compound_credit`
/// when the candidate has a longer word beginning or ending with it (カード in
/// マイナンバーカード).
pub fn word_coverage(
    t: &Targets<'_>,
    f: &Fields,
    words: &[QueryWord<'_>],
    cfg: &RetrieveConfig,
) -> Result<Vec<f32>, RetrieveError> {
    let mut got = vec![0f32; t.len];
    let mut total = 0f32;
    for &QueryWord {
        text: word,
        reading,
        weight,
        compounds,
    } in words
    {
        let w = t.idf(f.qa, word)? * weight;
        total += w;
        let in_qa = t.contains(f.qa, word)?;
        let in_answer = t.contains(f.answer, word)?;
        let mut credit: Vec<f32> = in_qa
            .iter()
            .zip(&in_answer)
            .map(|(&q, &a)| {
                if q {
                    1.0
                } else if a {
                    cfg.answer_credit
                } else {
                    0.0
                }
            })
            .collect();
        if credit.iter().any(|&c| c < cfg.compound_credit) {
            for compound in compounds {
                for (c, found) in credit.iter_mut().zip(t.contains(f.qa, compound)?) {
                    if found {
                        *c = c.max(cfg.compound_credit);
                    }
                }
            }
        }
        let grams = crate::analysis::reading_ngrams(reading);
        // A single n-gram is too little evidence (天気 テンキ would match 転居 テンキョ).
        if credit.iter().any(|&c| c < cfg.fuzzy_word_credit) && grams.len() >= MIN_FUZZY_NGRAMS {
            let mut hits = vec![0usize; t.len];
            for g in &grams {
                for (h, found) in hits.iter_mut().zip(t.contains(f.kana, g)?) {
                    *h += usize::from(found);
                }
            }
            for (c, h) in credit.iter_mut().zip(hits) {
                *c = c.max(cfg.fuzzy_word_credit * h as f32 / grams.len() as f32);
            }
        }
        for (g, c) in got.iter_mut().zip(credit) {
            *g += w * c;
        }
    }
    if total > 0.0 {
        got.iter_mut().for_each(|g| *g /= total);
    }
    Ok(got)
}

/// IDF-weighted share of the question's reading n-grams each candidate contains.
pub fn kana_coverage(
    t: &Targets<'_>,
    f: &Fields,
    grams: &[&String],
) -> Result<Vec<f32>, RetrieveError> {
    let mut got = vec![0f32; t.len];
    let mut total = 0f32;
    for g in grams {
        let w = t.idf(f.kana, g)?;
        total += w;
        for (acc, found) in got.iter_mut().zip(t.contains(f.kana, g)?) {
            if found {
                *acc += w;
            }
        }
    }
    if total > 0.0 {
        got.iter_mut().for_each(|g| *g /= total);
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::idf;

    #[test]
    fn unseen_terms_weigh_most() {
        assert!(idf(0, 100.0) > idf(1, 100.0));
        assert!(idf(1, 100.0) > idf(50, 100.0));
        assert!(idf(100, 100.0) > 0.0);
    }
}
