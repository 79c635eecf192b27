//! Hybrid candidates: keyword candidates and dense hits merged into one candidate
//! list, with the fused rank ([`super::fuse::reciprocal_rank`]) and the dense
//! confidence set on each. Pure; the engine decides when to call it (keyword first,
//! dense only when keyword retrieval is not already confident).

use super::fuse::{reciprocal_rank, RankedList};
use super::{Candidate, Found};

/// A dense hit resolved to its entry.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseCandidate {
    pub id: String,
    pub tenant: String,
    /// Cosine similarity to the question.
    pub similarity: f32,
    /// Confidence the similarity stands for (calibrated per model, capped).
    pub confidence: f32,
}

/// Fusion settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub keyword: f32,
    pub dense: f32,
    pub rrf_k: f32,
}

/// Merges `keyword` (in keyword rank order, best first) with `dense` (best first).
/// Every candidate of either list appears once, in fused order; an entry found only
/// by the dense retriever carries no word or reading coverage.
pub fn merge(keyword: Vec<Candidate>, dense: &[DenseCandidate], w: Weights) -> Vec<Candidate> {
    let key = |tenant: &str, id: &str| format!("{tenant}\u{0}{id}");
    let keyword_keys: Vec<String> = keyword.iter().map(|c| key(&c.tenant, &c.id)).collect();
    let dense_keys: Vec<String> = dense.iter().map(|d| key(&d.tenant, &d.id)).collect();
    let fused = reciprocal_rank(
        &[
            RankedList {
                items: &keyword_keys,
                weight: w.keyword,
            },
            RankedList {
                items: &dense_keys,
                weight: w.dense,
            },
        ],
        w.rrf_k,
    );
    let mut keyword: Vec<Option<Candidate>> = keyword.into_iter().map(Some).collect();
    fused
        .into_iter()
        .filter_map(|f| {
            let from_keyword = f.ranks[0].and_then(|r| keyword[r - 1].take());
            let from_dense = f.ranks[1].map(|r| &dense[r - 1]);
            let mut c = match (from_keyword, from_dense) {
                (Some(c), _) => c,
                (None, Some(d)) => Candidate {
                    id: d.id.clone(),
                    tenant: d.tenant.clone(),
                    bm25: 0.0,
                    word_coverage: 0.0,
                    kana_coverage: 0.0,
                    phrasing: 0.0,
                    dense_confidence: 0.0,
                    fused: None,
                    found_by: Found::default(),
                    same_aspect: false,
                    resemblance: 0.0,
                },
                (None, None) => return None,
            };
            c.found_by = Found {
                keyword: f.ranks[0].is_some(),
                dense: from_dense.is_some(),
            };
            c.dense_confidence = from_dense.map_or(0.0, |d| d.confidence);
            c.fused = Some(f.score);
            Some(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(id: &str) -> Candidate {
        Candidate {
            id: id.into(),
            tenant: "national".into(),
            bm25: 5.0,
            word_coverage: 0.6,
            kana_coverage: 0.5,
            phrasing: 0.0,
            dense_confidence: 0.0,
            fused: None,
            found_by: Found::KEYWORD,
            same_aspect: false,
            resemblance: 0.0,
        }
    }

    fn dn(id: &str, confidence: f32) -> DenseCandidate {
        DenseCandidate {
            id: id.into(),
            tenant: "national".into(),
            similarity: 0.9,
            confidence,
        }
    }

    const EVEN: Weights = Weights {
        keyword: 1.0,
        dense: 1.0,
        rrf_k: 20.0,
    };

    #[test]
    fn both_lists_merge_without_losing_evidence() {
        let out = merge(vec![kw("a"), kw("b")], &[dn("b", 0.4), dn("z", 0.5)], EVEN);
        let ids: Vec<&str> = out.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids[0], "b", "found by both retrievers");
        assert_eq!(ids.len(), 3);
        let b = &out[0];
        assert_eq!(b.word_coverage, 0.6, "keyword evidence kept");
        assert_eq!(b.dense_confidence, 0.4);
        assert!(b.found_by.keyword && b.found_by.dense);
        let z = out.iter().find(|c| c.id == "z").unwrap();
        assert_eq!((z.word_coverage, z.bm25), (0.0, 0.0));
        assert!(!z.found_by.keyword && z.found_by.dense);
        let a = out.iter().find(|c| c.id == "a").unwrap();
        assert!(a.found_by.keyword && !a.found_by.dense);
        assert!(out.iter().all(|c| c.fused.is_some()));
    }

    #[test]
    fn a_local_entry_and_a_national_one_with_the_same_id_stay_apart() {
        let mut local = kw("x");
        local.tenant = "990001".into();
        let out = merge(vec![local], &[dn("x", 0.3)], EVEN);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn without_dense_hits_the_keyword_order_is_kept() {
        let out = merge(vec![kw("a"), kw("b"), kw("c")], &[], EVEN);
        let ids: Vec<&str> = out.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert!((out[0].fused.unwrap() - 1.0).abs() < 1e-6);
    }
}
