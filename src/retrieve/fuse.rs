//! Fusion of ranked lists from several retrievers (keyword, dense) into one ranking.
//!
//! Weighted reciprocal rank fusion (Cormack et al., 2009): an item at 1-based rank `r`
//! in a list of weight `w` earns `w / (k + r)`; an item's fused score is the sum over
//! the lists it appears in. Only ranks are used, so BM25 scores and cosine
//! similarities, which live on unrelated scales, never need to be compared. The score
//! is divided by the most any item could earn (first in every list), so it lies in
//! 0–1 and can be blended with a confidence.
//!
//! Pure: no I/O, no configuration lookups, deterministic (ties keep first-seen order).

use std::collections::HashMap;
use std::hash::Hash;

/// One retriever's ranking, best first, with the weight its ranks carry.
#[derive(Debug, Clone, Copy)]
pub struct RankedList<'a, K> {
    pub items: &'a [K],
    pub weight: f32,
}

/// One fused item.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused<K> {
    pub item: K,
    /// Fused score, 0–1 (1 = first in every list).
    pub score: f32,
    /// 1-based rank in each input list (same order as the lists), if present.
    pub ranks: Vec<Option<usize>>,
}

/// Fuses `lists` by weighted reciprocal rank with constant `k` (60 in the original
/// paper; smaller values favour the very top of each list). Lists with a weight ≤ 0
/// or that are empty contribute nothing. Returns every item of every list, best first;
/// equal scores keep the order in which items were first seen (earlier lists first).
pub fn reciprocal_rank<K: Clone + Eq + Hash>(lists: &[RankedList<'_, K>], k: f32) -> Vec<Fused<K>> {
    let k = if k.is_finite() && k >= 0.0 { k } else { 60.0 };
    let weight = |l: &RankedList<'_, K>| {
        if l.weight.is_finite() && l.weight > 0.0 {
            l.weight
        } else {
            0.0
        }
    };
    let best: f32 = lists
        .iter()
        .filter(|l| !l.items.is_empty())
        .map(|l| weight(l) / (k + 1.0))
        .sum();
    let mut index: HashMap<&K, usize> = HashMap::new();
    let mut out: Vec<Fused<K>> = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        let w = weight(list);
        for (pos, item) in list.items.iter().enumerate() {
            let slot = *index.entry(item).or_insert_with(|| {
                out.push(Fused {
                    item: item.clone(),
                    score: 0.0,
                    ranks: vec![None; lists.len()],
                });
                out.len() - 1
            });
            let f = &mut out[slot];
            // A duplicate within one list counts once, at its best rank.
            if f.ranks[li].is_none() {
                f.ranks[li] = Some(pos + 1);
                f.score += w / (k + (pos + 1) as f32);
            }
        }
    }
    if best > 0.0 {
        for f in &mut out {
            f.score /= best;
        }
    }
    // Stable sort: ties keep first-seen order.
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fuse(a: &[&'static str], wa: f32, b: &[&'static str], wb: f32) -> Vec<(&'static str, f32)> {
        reciprocal_rank(
            &[
                RankedList {
                    items: a,
                    weight: wa,
                },
                RankedList {
                    items: b,
                    weight: wb,
                },
            ],
            60.0,
        )
        .into_iter()
        .map(|f| (f.item, f.score))
        .collect()
    }

    #[test]
    fn agreement_wins_over_a_single_first_place() {
        // "b" is second in both lists; "a" and "c" are each first in only one.
        let f = fuse(&["a", "b"], 1.0, &["c", "b"], 1.0);
        assert_eq!(f[0].0, "b");
    }

    #[test]
    fn first_in_every_list_scores_one() {
        let f = fuse(&["a", "b"], 1.0, &["a", "c"], 2.0);
        assert_eq!(f[0].0, "a");
        assert!((f[0].1 - 1.0).abs() < 1e-6);
        assert!(f.iter().all(|(_, s)| (0.0..=1.0).contains(s)));
    }

    #[test]
    fn weights_decide_between_disagreeing_lists() {
        let keyword_heavy = fuse(&["a"], 2.0, &["b"], 1.0);
        assert_eq!(keyword_heavy[0].0, "a");
        let dense_heavy = fuse(&["a"], 1.0, &["b"], 2.0);
        assert_eq!(dense_heavy[0].0, "b");
    }

    #[test]
    fn items_found_by_only_one_retriever_are_kept_with_their_ranks() {
        let out = reciprocal_rank(
            &[
                RankedList {
                    items: &["a", "b"],
                    weight: 1.0,
                },
                RankedList {
                    items: &["z"],
                    weight: 1.0,
                },
            ],
            60.0,
        );
        assert_eq!(out.len(), 3);
        let z = out.iter().find(|f| f.item == "z").unwrap();
        assert_eq!(z.ranks, vec![None, Some(1)]);
        let b = out.iter().find(|f| f.item == "b").unwrap();
        assert_eq!(b.ranks, vec![Some(2), None]);
    }

    #[test]
    fn a_zero_weight_or_empty_list_changes_nothing() {
        let alone = fuse(&["a", "b", "c"], 1.0, &[], 1.0);
        assert_eq!(
            alone.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(
            (alone[0].1 - 1.0).abs() < 1e-6,
            "normalised without the empty list"
        );
        let ignored = fuse(&["a", "b"], 1.0, &["b"], 0.0);
        assert_eq!(ignored[0].0, "a");
    }

    #[test]
    fn duplicates_in_one_list_count_once() {
        let f = fuse(&["a", "a", "b"], 1.0, &[], 1.0);
        assert_eq!(f.len(), 2);
        assert!((f[0].1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn ties_keep_first_seen_order_and_bad_k_falls_back() {
        let f = reciprocal_rank(
            &[
                RankedList {
                    items: &["x"],
                    weight: 1.0,
                },
                RankedList {
                    items: &["y"],
                    weight: 1.0,
                },
            ],
            f32::NAN,
        );
        assert_eq!(f[0].item, "x");
        assert_eq!(f[1].item, "y");
        assert!((f[0].score - f[1].score).abs() < 1e-9);
    }
}
