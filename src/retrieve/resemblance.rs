//! Resemblance: how likely the question is one more phrasing of each candidate entry,
//! judged character by character.
//!
//! Each entry's question and alt_questions are a small sample of how people ask for it.
//! A multinomial naive Bayes model over their character 1- to 3-grams
//! ([`crate::analysis::char_grams`], indexed in the `chars` field with their counts)
//! gives the likelihood of the question's grams under each candidate; normalized per
//! gram and turned into a distribution over the candidates, it separates siblings that
//! word coverage scores alike: character grams see the short wordings, inflections,
//! typos and kana spellings residents use (作り直す, すてちゃった) as they occur in one
//! entry's phrasings and not in its neighbour's, where whole words would not match.
//!
//! Grams no entry has are left out (they say nothing about which entry), so an
//! out-of-scope question gets no lift from it: the distribution is relative, and the
//! ranking weighs it lightly (`retrieve.resemblance_weight`).

use std::collections::HashMap;

use tantivy::columnar::Column;
use tantivy::schema::Field;
use tantivy::DocAddress;

use super::coverage::Targets;
use super::RetrieveError;

/// Additive (Lidstone) smoothing of gram counts.
const SMOOTHING: f32 = 0.5;
/// Sharpness of the distribution over candidates: the mean per-gram log-likelihood is
/// multiplied by it before the softmax.
const SHARPNESS: f32 = 5.0;

/// Fast field of the entry index: the number of character n-grams of an entry's
/// phrasings.
pub const GRAM_COUNT: &str = "gram_count";

/// What the model needs of the entry index besides postings: each entry's number of
/// grams and the number of distinct grams, read once when the index is opened.
pub struct GramStats {
    /// Per segment: each document's number of grams.
    counts: Vec<Column<u64>>,
    /// Distinct grams indexed, summed over segments: exact for one segment, an upper
    /// bound for several, where it only smooths slightly more.
    vocabulary: f32,
}

impl GramStats {
    /// Reads them from `searcher`, whose `field` holds the grams.
    pub fn read(searcher: &tantivy::Searcher, field: Field) -> tantivy::Result<GramStats> {
        let mut counts = Vec::new();
        let mut vocabulary = 0u64;
        for segment in searcher.segment_readers() {
            counts.push(segment.fast_fields().u64(GRAM_COUNT)?);
            vocabulary += segment.inverted_index(field)?.terms().num_terms() as u64;
        }
        Ok(GramStats {
            counts,
            vocabulary: vocabulary as f32,
        })
    }

    /// [`resemblance`] of the question with `grams` for the candidates of `t`, found at
    /// `addrs`.
    pub fn resemblance(
        &self,
        t: &Targets<'_>,
        field: Field,
        grams: &[String],
        addrs: &[DocAddress],
    ) -> Result<Vec<f32>, RetrieveError> {
        let lengths: Vec<f32> = addrs
            .iter()
            .map(|a| {
                self.counts
                    .get(a.segment_ord as usize)
                    .and_then(|c| c.first(a.doc_id))
                    .unwrap_or(0) as f32
            })
            .collect();
        resemblance(t, field, grams, &lengths, self.vocabulary)
    }
}

/// The probability (summing to 1 over the candidates of `t`) that the question with
/// `grams` is a phrasing of each candidate. `lengths` holds each candidate's number of
/// grams over its phrasings; `vocabulary` the number of distinct grams indexed. All
/// zeros when no gram of the question is known.
pub fn resemblance(
    t: &Targets<'_>,
    field: Field,
    grams: &[String],
    lengths: &[f32],
    vocabulary: f32,
) -> Result<Vec<f32>, RetrieveError> {
    let mut counts: HashMap<&str, f32> = HashMap::new();
    for g in grams {
        *counts.entry(g.as_str()).or_default() += 1.0;
    }
    let (texts, times): (Vec<&str>, Vec<f32>) = counts.into_iter().unzip();
    let mut log_likelihood = vec![0f32; lengths.len()];
    let mut known = 0f32;
    for (freqs, times) in t.freqs(field, &texts)?.into_iter().zip(times) {
        let Some(freqs) = freqs else {
            continue;
        };
        known += times;
        for ((ll, tf), len) in log_likelihood.iter_mut().zip(freqs).zip(lengths) {
            *ll += times * ((tf as f32 + SMOOTHING) / (len + SMOOTHING * vocabulary)).ln();
        }
    }
    if known == 0.0 {
        return Ok(vec![0.0; lengths.len()]);
    }
    Ok(softmax(
        log_likelihood
            .iter()
            .map(|ll| SHARPNESS * ll / known)
            .collect(),
    ))
}

/// The softmax of `x` (empty for empty input).
fn softmax(mut x: Vec<f32>) -> Vec<f32> {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    if sum > 0.0 {
        x.iter_mut().for_each(|v| *v /= sum);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::softmax;

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let p = softmax(vec![-1.0, -3.0, -2.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[0] > p[2] && p[2] > p[1]);
        assert!(softmax(Vec::new()).is_empty());
    }

    #[test]
    fn softmax_is_stable_for_large_magnitudes() {
        let p = softmax(vec![-5000.0, -5001.0]);
        assert!(p.iter().all(|v| v.is_finite()));
        assert!(p[0] > p[1]);
    }
}
