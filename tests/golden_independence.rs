//! Why: golden questions measure how residents' own wordings are answered. If one
//! equals or nearly equals an indexed paraphrase (question or alt_question), the eval
//! measures string lookup, not understanding. Near-copy: character-bigram Dice
//! similarity ≥ 0.8 after normalization (NFKC, lower case, no spaces or punctuation).

mod common;

use std::collections::HashSet;

use madoguchi::analysis::normalize::normalize;
use madoguchi::eval::golden;
use madoguchi::knowledge::KnowledgeBase;

const NEAR_COPY: f64 = 0.8;

/// Character bigrams of a squashed text.
type Bigrams = HashSet<(char, char)>;

fn squash(s: &str) -> String {
    normalize(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn bigrams(s: &str) -> Bigrams {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &Bigrams, b: &Bigrams) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

#[test]
fn no_golden_question_copies_an_indexed_paraphrase() {
    no_question_copies_an_indexed_paraphrase("eval/golden");
}

#[test]
fn the_validation_set_loads_and_its_single_questions_copy_nothing() {
    // eval/validation: a second set written without reading eval/golden, for checking
    // that a change tuned on the tune split holds on questions nobody tuned on.
    no_question_copies_an_indexed_paraphrase("eval/validation/golden");
    let kb = KnowledgeBase::load(&common::repo().join("knowledge")).unwrap();
    let path = common::repo().join("eval/validation/conversations.tsv");
    let cases = madoguchi::eval::conversation::load(&path, &kb).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 60, "{} conversation cases", cases.len());
}

fn no_question_copies_an_indexed_paraphrase(dir: &str) {
    let kb = KnowledgeBase::load(&common::repo().join("knowledge")).unwrap();
    let cases = golden::load(&common::repo().join(dir), &kb).unwrap_or_else(|e| panic!("{e}"));
    let indexed: Vec<(String, Bigrams, &str)> = kb
        .entries()
        .iter()
        .flat_map(|e| {
            std::iter::once(&e.question)
                .chain(&e.alt_questions)
                .map(move |q| (q, e.id.as_str()))
        })
        .map(|(q, id)| (squash(q), bigrams(&squash(q)), id))
        .collect();
    let mut copies = Vec::new();
    for c in &cases {
        let s = squash(&c.question);
        let b = bigrams(&s);
        if let Some((_, _, id)) = indexed
            .iter()
            .find(|(t, tb, _)| *t == s || dice(&b, tb) >= NEAR_COPY)
        {
            copies.push(format!(
                "{}:{} 「{}」 ≈ a paraphrase of {id}",
                c.file, c.line, c.question
            ));
        }
    }
    assert!(
        copies.is_empty(),
        "{} golden questions copy indexed text:\n{}",
        copies.len(),
        copies.join("\n")
    );
}

#[test]
fn conversation_turns_do_not_copy_indexed_text_and_the_set_is_large() {
    let kb = KnowledgeBase::load(&common::repo().join("knowledge")).unwrap();
    let cases =
        madoguchi::eval::conversation::load(&common::repo().join("eval/conversations.tsv"), &kb)
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 60, "{} conversation cases", cases.len());
    for kind in ["clarify", "followup"] {
        for split in [golden::Split::Tune, golden::Split::Heldout] {
            let n = cases
                .iter()
                .filter(|c| c.kind == kind && c.split == split)
                .count();
            assert!(n >= 10, "{kind} cases in {split:?}: {n}");
        }
    }
    let indexed: Vec<Bigrams> = kb
        .entries()
        .iter()
        .flat_map(|e| std::iter::once(&e.question).chain(&e.alt_questions))
        .map(|q| bigrams(&squash(q)))
        .collect();
    let copies: Vec<String> = cases
        .iter()
        .flat_map(|c| [(&c.turn1, c.line), (&c.turn2, c.line)])
        .filter(|(t, _)| {
            let b = bigrams(&squash(t));
            indexed.iter().any(|i| dice(&b, i) >= NEAR_COPY)
        })
        .map(|(t, line)| format!("line {line}: {t}"))
        .collect();
    assert!(
        copies.is_empty(),
        "turns copying indexed text:\n{}",
        copies.join("\n")
    );
}

#[test]
fn golden_sets_are_large_and_split() {
    let kb = KnowledgeBase::load(&common::repo().join("knowledge")).unwrap();
    let cases =
        golden::load(&common::repo().join("eval/golden"), &kb).unwrap_or_else(|e| panic!("{e}"));
    let in_scope = cases.iter().filter(|c| !c.is_out_of_scope()).count();
    let out_of_scope = cases.len() - in_scope;
    assert!(in_scope >= 600, "{in_scope} in-scope questions");
    assert!(out_of_scope >= 80, "{out_of_scope} out-of-scope questions");
    let heldout = cases
        .iter()
        .filter(|c| c.split == golden::Split::Heldout)
        .count();
    assert!(
        heldout * 3 >= cases.len(),
        "held-out split too small: {heldout}"
    );
    // Every national entry is asked about at least once.
    let asked: HashSet<&str> = cases
        .iter()
        .flat_map(|c| c.expected.iter().map(String::as_str))
        .collect();
    let missing: Vec<&str> = kb
        .entries()
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| !asked.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "entries no golden question asks about: {missing:?}"
    );
}

#[test]
fn near_copy_detection_works() {
    let a = bigrams(&squash("マイナンバーカード 紛失 手続き"));
    assert_eq!(
        dice(&a, &bigrams(&squash("マイナンバーカード、紛失、手続き"))),
        1.0
    );
    assert!(dice(&a, &bigrams(&squash("マイナンバーカード紛失の手続き"))) >= NEAR_COPY);
    assert!(dice(&a, &bigrams(&squash("マイナカードなくした"))) < NEAR_COPY);
}
