//! Fuzz target: normalization and the full analyzer (synonyms, lindera with the user
//! dictionary, reading lexicon) on arbitrary text (bytes decoded lossily as UTF-8).
//!
//! Invariants: `normalize` is idempotent and yields what its docs promise (no control
//! characters, single ASCII spaces, trimmed, no upper-case ASCII, no `ーー`); `analyze`
//! and `tokens` never fail (a failure would be a 500 on `/v1/ask`); the analysis is
//! self-consistent (aligned word lists, weights and ratios in range, reading n-grams of
//! 1–3 characters, `normalized` = `prepare(text)`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use madoguchi::analysis::normalize::{hiragana_ratio, is_hiragana, normalize, to_katakana};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_normalize(&text);
    check_analyze(&text);
});

fn check_normalize(text: &str) {
    let n = normalize(text);
    assert_eq!(normalize(&n), n, "normalize is not idempotent");
    assert_eq!(n.trim_matches(' '), n, "not trimmed");
    assert!(!n.contains("  "), "double space in {n:?}");
    assert!(!n.contains("ーー"), "long-vowel run in {n:?}");
    for c in n.chars() {
        assert!(!c.is_control(), "control character {c:?} kept");
        assert!(c == ' ' || !c.is_whitespace(), "whitespace {c:?} kept");
        assert!(!c.is_ascii_uppercase(), "upper case {c:?} kept");
    }
    let ratio = hiragana_ratio(&n);
    assert!((0.0..=1.0).contains(&ratio), "hiragana ratio {ratio}");
    assert!(!to_katakana(&n).chars().any(is_hiragana));
}

fn check_analyze(text: &str) {
    let analyzer = madoguchi_fuzz::analyzer();
    let a = match analyzer.analyze(text) {
        Ok(a) => a,
        Err(e) => panic!("analyze failed: {e}"),
    };
    if let Err(e) = analyzer.tokens(text) {
        panic!("tokens failed: {e}");
    }
    assert_eq!(a.normalized, analyzer.prepare(text));
    assert_eq!(a.words.len(), a.word_readings.len());
    assert_eq!(a.words.len(), a.word_weights.len());
    assert!((0.0..=1.0).contains(&a.hiragana_ratio));
    for (w, weight) in a.words.iter().zip(&a.word_weights) {
        assert!(!w.is_empty(), "empty word");
        assert!(*weight > 0.0 && *weight <= 1.0, "weight {weight} of {w}");
    }
    for k in &a.kana {
        let n = k.chars().count();
        assert!((1..=3).contains(&n), "kana term {k:?}");
    }
}
