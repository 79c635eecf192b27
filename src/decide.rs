//! Decide: from ranked candidates, answer, suggest or abstain.
//!
//! A pure function of the candidates and thresholds from config; no I/O, so it is
//! unit-tested here and tuned by `madoguchi eval`.
//!
//! - **confidence** of a candidate blends how much of the question's words it covers
//!   with how much of the question's *reading* it covers; reading evidence weighs more
//!   for questions typed in hiragana (where word segmentation is unreliable).
//! - candidates are **ranked** by a blend of confidence and BM25 relative to the best
//!   (with dense retrieval: the fused keyword + dense rank instead of BM25, and dense
//!   similarity as a second, capped source of confidence).
//! - **answer** when the top candidate is confident and leads the next by a margin;
//!   **suggest** when some candidates are plausible; **abstain** otherwise.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::config::{DecideConfig, RetrieveConfig};
use crate::knowledge::NATIONAL;
use crate::retrieve::Candidate;

/// The kind of decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Answer,
    Suggest,
    Abstain,
    /// Ask back: the strong candidates differ by situation (see [`crate::converse`]).
    Clarify,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Answer => "answer",
            DecisionKind::Suggest => "suggest",
            DecisionKind::Abstain => "abstain",
            DecisionKind::Clarify => "clarify",
        }
    }
}

/// A candidate with its confidence and ranking score.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub candidate: Candidate,
    /// Confidence that the candidate answers the question (0–1).
    pub confidence: f32,
    /// Ranking score (0–1, plus the local bonus): the order of candidates.
    pub rank: f32,
    /// The ranking score without the local bonus: how far the top candidate leads is
    /// judged on this, so a nearby local entry reorders candidates without making a
    /// clear national answer look uncertain.
    pub merit: f32,
}

/// The decision and the ranked candidates it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: DecisionKind,
    /// The answer (for `Answer`).
    pub top: Option<Scored>,
    /// Suggestions: for `Suggest` the plausible candidates, for `Answer` the runners-up.
    pub suggestions: Vec<Scored>,
    /// Every candidate, best first (for evaluation and `--explain`).
    pub ranked: Vec<Scored>,
    /// Retrievers consulted (set by the engine; `keyword`, `dense`).
    pub sources: Vec<&'static str>,
    /// The question asks about the resident's own record (set by the engine): an
    /// `Abstain` whatever matched, with its own message.
    pub own_record: bool,
}

/// Retrievers that found any of `scored` (keyword first).
pub fn sources_of<'a>(scored: impl IntoIterator<Item = &'a Scored>) -> Vec<&'static str> {
    let (mut keyword, mut dense) = (false, false);
    for s in scored {
        keyword |= s.candidate.found_by.keyword;
        dense |= s.candidate.found_by.dense;
    }
    [("keyword", keyword), ("dense", dense)]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| name)
        .collect()
}

/// Hiragana share at which reading evidence starts to gain weight. Ordinary mixed
/// text (kanji + okurigana + particles) stays below it; questions typed in kana only
/// (where word segmentation breaks down) are above it.
const HIRAGANA_RAMP_START: f32 = 0.7;

/// Weight of reading evidence for a question with this hiragana share.
pub fn kana_weight(hiragana_ratio: f32, cfg: &DecideConfig) -> f32 {
    let ramp =
        ((hiragana_ratio - HIRAGANA_RAMP_START) / (1.0 - HIRAGANA_RAMP_START)).clamp(0.0, 1.0);
    cfg.kana_weight_base + (cfg.kana_weight_hiragana - cfg.kana_weight_base) * ramp
}

/// What the decision needs to know about the question itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueryStats {
    /// The question has content words.
    pub has_words: bool,
    /// The question has reading n-grams.
    pub has_kana: bool,
    /// Share of hiragana letters (0–1).
    pub hiragana_ratio: f32,
    /// Sum of the topic weights of its distinct words (a scheme name or other noun
    /// counts 1; verbs, numbers, pronouns and one-kanji nouns less).
    pub topic_weight: f32,
}

impl QueryStats {
    /// Stats of an analyzed question.
    pub fn of(a: &Analysis) -> Self {
        let mut seen = std::collections::HashSet::new();
        let topic_weight = a
            .words
            .iter()
            .zip(&a.word_weights)
            .filter(|(w, _)| seen.insert(w.as_str()))
            .map(|(_, weight)| weight)
            .sum();
        QueryStats {
            has_words: !a.words.is_empty(),
            has_kana: !a.kana.is_empty(),
            hiragana_ratio: a.hiragana_ratio,
            topic_weight,
        }
    }
}

/// Topic weight of one noun: a question with less (only numbers, pronouns, generic
/// words — 「1 1」, 「今何時」) has nothing to answer about, and its confidence is scaled
/// down in proportion.
const MIN_TOPIC_WEIGHT: f32 = 1.0;

/// Confidence that candidate `c` answers a question with stats `q`.
pub fn confidence(c: &Candidate, q: &QueryStats, cfg: &DecideConfig) -> f32 {
    let lambda = kana_weight(q.hiragana_ratio, cfg);
    let base = match (q.has_words, q.has_kana) {
        (true, true) => (1.0 - lambda) * c.word_coverage + lambda * c.kana_coverage,
        (true, false) => c.word_coverage,
        (false, true) => c.kana_coverage * lambda.max(0.5),
        (false, false) => 0.0,
    };
    if q.has_words && q.topic_weight < MIN_TOPIC_WEIGHT {
        base * q.topic_weight / MIN_TOPIC_WEIGHT
    } else {
        base
    }
}

/// Scores, ranks and decides.
pub fn decide(
    candidates: Vec<Candidate>,
    q: &QueryStats,
    dcfg: &DecideConfig,
    rcfg: &RetrieveConfig,
) -> Decision {
    let best_bm25 = candidates.iter().map(|c| c.bm25).fold(0f32, f32::max);
    let best_phrasing = candidates.iter().map(|c| c.phrasing).fold(0f32, f32::max);
    let rel = |x: f32, best: f32| if best > 0.0 { x / best } else { 0.0 };
    let p = rcfg.phrasing_weight;
    let mut scored: Vec<Scored> = candidates
        .into_iter()
        .map(|c| {
            // Dense similarity can vouch for a candidate the question's words miss.
            let confidence = confidence(&c, q, dcfg).max(c.dense_confidence);
            let local = if c.tenant == NATIONAL {
                0.0
            } else {
                rcfg.local_bonus
            };
            // Retrieval evidence: the fused keyword + dense rank when dense retrieval
            // took part, else BM25 relative to the best, blending the entry's pooled
            // score with that of its best single phrasing.
            let retrieval = c.fused.unwrap_or_else(|| {
                (1.0 - p) * rel(c.bm25, best_bm25) + p * rel(c.phrasing, best_phrasing)
            });
            let aspect = if c.same_aspect {
                rcfg.aspect_bonus
            } else {
                0.0
            };
            let merit = (1.0 - rcfg.rank_bm25_weight) * confidence
                + rcfg.rank_bm25_weight * retrieval
                + aspect
                + rcfg.resemblance_weight * c.resemblance;
            Scored {
                candidate: c,
                confidence,
                rank: merit + local,
                merit,
            }
        })
        .collect();
    scored.sort_by(|a, b| {
        b.rank
            .total_cmp(&a.rank)
            .then_with(|| a.candidate.id.cmp(&b.candidate.id))
    });
    let plausible: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.confidence >= dcfg.suggest_min_confidence)
        .collect();
    let margin = match plausible.as_slice() {
        [] => 0.0,
        [only] => only.merit,
        // A municipality's own entry ranked first needs its lead over other local
        // entries, but over a national entry the bonus counts as lead: the
        // municipality prefers its own answer (which carries its counter and rules)
        // when the two fit about equally.
        [first, rest @ ..] if first.candidate.tenant != NATIONAL => rest
            .iter()
            .map(|s| {
                if s.candidate.tenant == NATIONAL {
                    first.rank - s.rank + rcfg.local_bonus
                } else {
                    first.merit - s.merit
                }
            })
            .fold(f32::MAX, f32::min),
        [first, rest @ ..] => first.merit - rest.iter().map(|s| s.merit).fold(f32::MIN, f32::max),
    };
    let kind = match plausible.first() {
        None => DecisionKind::Abstain,
        Some(first)
            if first.confidence >= dcfg.answer_min_confidence
                && margin >= dcfg.answer_min_margin =>
        {
            DecisionKind::Answer
        }
        Some(_) => DecisionKind::Suggest,
    };
    let mut rest = plausible.into_iter().cloned();
    let top = if kind == DecisionKind::Answer {
        rest.next()
    } else {
        None
    };
    let suggestions = rest.take(dcfg.max_suggestions).collect();
    Decision {
        kind,
        top,
        suggestions,
        ranked: scored,
        sources: Vec::new(),
        own_record: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str, bm25: f32, word: f32, kana: f32) -> Candidate {
        Candidate {
            id: id.into(),
            tenant: "national".into(),
            bm25,
            word_coverage: word,
            kana_coverage: kana,
            phrasing: 0.0,
            dense_confidence: 0.0,
            fused: None,
            found_by: crate::retrieve::Found::KEYWORD,
            same_aspect: false,
            resemblance: 0.0,
        }
    }

    fn stats(hiragana_ratio: f32) -> QueryStats {
        QueryStats {
            has_words: true,
            has_kana: true,
            hiragana_ratio,
            topic_weight: 2.0,
        }
    }

    fn run(c: Vec<Candidate>) -> Decision {
        decide(
            c,
            &stats(0.0),
            &DecideConfig::default(),
            &RetrieveConfig::default(),
        )
    }

    #[test]
    fn no_candidates_abstains() {
        assert_eq!(run(vec![]).kind, DecisionKind::Abstain);
    }

    #[test]
    fn weak_candidates_abstain() {
        let d = run(vec![cand("a", 3.0, 0.1, 0.2), cand("b", 2.0, 0.05, 0.1)]);
        assert_eq!(d.kind, DecisionKind::Abstain);
        assert!(d.suggestions.is_empty());
    }

    #[test]
    fn a_clear_winner_is_answered_with_runners_up() {
        let d = run(vec![
            cand("a", 10.0, 0.95, 0.9),
            cand("b", 4.0, 0.5, 0.5),
            cand("c", 1.0, 0.1, 0.1),
        ]);
        assert_eq!(d.kind, DecisionKind::Answer);
        assert_eq!(d.top.unwrap().candidate.id, "a");
        assert_eq!(
            d.suggestions
                .iter()
                .map(|s| s.candidate.id.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
    }

    #[test]
    fn a_tie_between_strong_candidates_suggests() {
        let d = run(vec![cand("a", 10.0, 0.8, 0.8), cand("b", 10.0, 0.8, 0.8)]);
        assert_eq!(d.kind, DecisionKind::Suggest);
        assert_eq!(d.suggestions.len(), 2);
    }

    #[test]
    fn hiragana_questions_lean_on_readings() {
        let c = cand("a", 1.0, 0.1, 0.9);
        let cfg = DecideConfig::default();
        assert!(confidence(&c, &stats(1.0), &cfg) > confidence(&c, &stats(0.0), &cfg));
        assert!(confidence(&c, &stats(1.0), &cfg) > cfg.answer_min_confidence);
    }

    #[test]
    fn mixed_script_questions_trust_words() {
        // 「今日の天気は」: its reading n-grams may all occur somewhere, its words nowhere.
        let c = cand("a", 4.0, 0.0, 1.0);
        let cfg = DecideConfig::default();
        assert!(confidence(&c, &stats(0.33), &cfg) < cfg.suggest_min_confidence);
        assert_eq!(kana_weight(0.3, &cfg), cfg.kana_weight_base);
        assert!((kana_weight(1.0, &cfg) - cfg.kana_weight_hiragana).abs() < 1e-6);
    }

    #[test]
    fn questions_without_a_topic_are_not_confident() {
        // 「1 1」 or 「今何時」: only numbers or generic words matched.
        let c = cand("a", 4.0, 1.0, 1.0);
        let cfg = DecideConfig::default();
        let generic = QueryStats {
            topic_weight: 0.3,
            ..stats(0.0)
        };
        let full = confidence(&c, &stats(0.0), &cfg);
        assert!((full - 1.0).abs() < 1e-6);
        assert!((confidence(&c, &generic, &cfg) - 0.3 * full).abs() < 1e-6);
        assert!(confidence(&c, &generic, &cfg) < cfg.answer_min_confidence);
    }

    #[test]
    fn confidence_ranks_before_raw_bm25() {
        // b has the higher BM25 (e.g. a long answer repeating a word) but covers less.
        let d = run(vec![cand("a", 6.0, 0.9, 0.9), cand("b", 9.0, 0.3, 0.3)]);
        assert_eq!(d.top.unwrap().candidate.id, "a");
    }

    #[test]
    fn a_local_entry_as_good_as_a_national_one_is_answered() {
        // 窓口市's reissue entry (with its counter) vs the national 紛失 entry: both
        // cover the question; the local one comes first by the bonus and is answered.
        let local = |id: &str, bm25: f32| Candidate {
            tenant: "990001".into(),
            ..cand(id, bm25, 1.0, 1.0)
        };
        let d = run(vec![cand("national", 10.0, 1.0, 1.0), local("local", 8.0)]);
        assert_eq!(d.kind, DecisionKind::Answer);
        assert_eq!(d.top.unwrap().candidate.id, "local");
        // Two local entries that fit equally: no clear lead, suggest both.
        let d = run(vec![
            cand("national", 10.0, 1.0, 1.0),
            local("local-a", 8.0),
            local("local-b", 8.0),
        ]);
        assert_eq!(d.kind, DecisionKind::Suggest);
    }

    #[test]
    fn dense_evidence_lifts_a_candidate_the_words_miss() {
        // 「病院代が高すぎて払えない」: no word in common with the 高額療養費 entry, but
        // the dense retriever ranks it first (fused 1.0) with a capped confidence.
        let mut dense_only = cand("kougaku", 0.0, 0.0, 0.0);
        dense_only.dense_confidence = 0.5;
        dense_only.fused = Some(1.0);
        let mut weak = cand("other", 3.0, 0.2, 0.2);
        weak.fused = Some(0.5);
        let d = run(vec![weak, dense_only]);
        assert_eq!(
            d.kind,
            DecisionKind::Suggest,
            "dense alone suggests, never answers"
        );
        assert_eq!(d.suggestions[0].candidate.id, "kougaku");
        assert!((d.suggestions[0].confidence - 0.5).abs() < 1e-6);
    }
}
