//! Clarification options: the categories (situations) of the strong candidates,
//! one pure function with its unit tests beside it.

use crate::decide::Scored;
use crate::respond::ClarifyOption;

/// Candidates within this merit of the best are "strong".
pub(super) const WINDOW: f32 = 0.12;
/// Candidates within this merit of the best may be options when the question names
/// only a kind of scheme (手当), which its best match spells out more fully than the rest.
pub(super) const KIND_WINDOW: f32 = 0.3;
/// Strong candidates considered at most.
const MAX_STRONG: usize = 8;
/// Options offered at most.
const MAX_OPTIONS: usize = 4;

/// Options from the categories of the strong candidates (confidence at least
/// `min_confidence`, merit within `window` of the best), best first; `None` when they
/// do not split into at least two categories.
pub fn clarify_options(
    ranked: &[Scored],
    min_confidence: f32,
    window: f32,
    category_of: impl Fn(&str) -> Option<String>,
) -> Option<Vec<ClarifyOption>> {
    let best = ranked.first()?.merit;
    let mut options: Vec<ClarifyOption> = Vec::new();
    let strong = ranked
        .iter()
        .filter(|s| s.confidence >= min_confidence && s.merit >= best - window)
        .take(MAX_STRONG);
    for s in strong {
        let Some(label) = category_of(&s.candidate.id) else {
            continue;
        };
        match options.iter_mut().find(|o| o.label == label) {
            Some(o) => o.ids.push(s.candidate.id.clone()),
            None => options.push(ClarifyOption {
                label,
                ids: vec![s.candidate.id.clone()],
            }),
        }
    }
    options.truncate(MAX_OPTIONS);
    (options.len() >= 2).then_some(options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrieve::Candidate;

    fn scored(id: &str, confidence: f32, merit: f32) -> Scored {
        Scored {
            candidate: Candidate {
                id: id.into(),
                tenant: "national".into(),
                bm25: 1.0,
                word_coverage: confidence,
                kana_coverage: 0.0,
                phrasing: 0.0,
                dense_confidence: 0.0,
                fused: None,
                found_by: crate::retrieve::Found::KEYWORD,
                same_aspect: false,
                resemblance: 0.0,
            },
            confidence,
            rank: merit,
            merit,
        }
    }

    fn category(id: &str) -> Option<String> {
        Some(id.split('-').next().unwrap().to_string())
    }

    #[test]
    fn strong_candidates_in_two_categories_give_options() {
        let ranked = [
            scored("kokuho-a", 0.5, 0.50),
            scored("kouki-a", 0.48, 0.47),
            scored("kokuho-b", 0.45, 0.44),
            scored("ninkei-a", 0.40, 0.30),
        ];
        let o = clarify_options(&ranked, 0.35, WINDOW, category).unwrap();
        assert_eq!(o.len(), 2, "ninkei is outside the window: {o:?}");
        assert_eq!((o[0].label.as_str(), o[0].ids.len()), ("kokuho", 2));
        assert_eq!(o[1].label, "kouki");
    }

    #[test]
    fn one_category_or_weak_candidates_give_none() {
        let same = [scored("kokuho-a", 0.5, 0.5), scored("kokuho-b", 0.49, 0.49)];
        assert!(clarify_options(&same, 0.35, WINDOW, category).is_none());
        let weak = [scored("kokuho-a", 0.5, 0.5), scored("kouki-a", 0.2, 0.49)];
        assert!(clarify_options(&weak, 0.35, WINDOW, category).is_none());
    }
}
