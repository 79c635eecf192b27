//! Text normalization applied before tokenizing, identically to FAQ text (at index
//! time) and to residents' questions (at query time).
//!
//! Steps, in order:
//! 1. Unicode NFKC: full-width ASCII → half-width, half-width ｶﾅ → full-width カナ,
//!    circled digits → digits, compatibility ideographs → standard ones.
//! 2. Case folding (lower case) for Latin letters.
//! 3. Control characters and punctuation become a single space (they never carry
//!    meaning for retrieval, and brackets/quotes confuse the segmenter).
//! 4. Long-vowel cleanup: hyphen-like marks after kana become `ー`; runs of `ー` and
//!    of the iteration-free wave dashes collapse.
//! 5. Whitespace collapses to single ASCII spaces; the result is trimmed.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Normalizes `text` as described in the module docs. Never panics, for any input, and
/// is idempotent: `normalize(normalize(x)) == normalize(x)`.
pub fn normalize(text: &str) -> String {
    let mut out = normalize_pass(text);
    // Dropping a mark (a variation selector between two combining marks, `・` between
    // a kana and a combining voicing mark) can leave text that NFKC would change again:
    // marks out of canonical order, or a base next to a mark it composes with. Another
    // pass settles it; text already in NFKC (nearly all) needs none.
    for _ in 0..MAX_EXTRA_PASSES {
        if is_nfkc_quick(out.chars()) == IsNormalized::Yes {
            break;
        }
        let again = normalize_pass(&out);
        if again == out {
            break;
        }
        out = again;
    }
    out
}

/// Extra passes allowed to settle the text (each only reorders or composes marks).
const MAX_EXTRA_PASSES: usize = 4;

/// One pass of the steps in the module docs.
fn normalize_pass(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        let mapped = map_char(c, prev);
        let Some(m) = mapped else { continue };
        if m == ' ' && (prev.is_none() || prev == Some(' ')) {
            continue;
        }
        if m == 'ー' && prev == Some('ー') {
            continue;
        }
        out.push(m);
        prev = Some(m);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Maps one (already NFKC-normalized, lower-cased) character; `None` drops it.
fn map_char(c: char, prev: Option<char>) -> Option<char> {
    if c.is_control() || c.is_whitespace() {
        return Some(' ');
    }
    // Hyphen-like marks directly after kana are long-vowel marks typed with the wrong key.
    if matches!(
        c,
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '～' | '〜' | '~'
    ) && prev.is_some_and(is_kana)
    {
        return Some('ー');
    }
    if c == 'ー' {
        return Some('ー');
    }
    if is_dropped_mark(c) {
        return None;
    }
    if is_separator_punct(c) {
        return Some(' ');
    }
    Some(c)
}

/// Zero-width and variation characters, and the middle dot, vanish rather than split words.
fn is_dropped_mark(c: char) -> bool {
    // 「・」 joins the parts of one name (子ども・子育て支援金): dropping keeps it one word.
    matches!(c, '・' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}')
        || ('\u{e0100}'..='\u{e01ef}').contains(&c)
}

/// Punctuation, symbols and emoji: replaced by a space.
fn is_separator_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '。' | '「' | '」' | '『' | '』' | '【' | '】' | '〈' | '〉' | '《'
                | '》' | '〔' | '〕' | '〜' | '～' | '※' | '〃' | '\u{3000}'
                | '\u{2010}'..='\u{2027}'  // dashes, quotes, bullets, leaders (… ‥)
                | '\u{2030}'..='\u{205e}'  // per-mille, primes, other general punctuation
                | '\u{2190}'..='\u{2bff}'  // arrows, math, technical, shapes, dingbats
                | '\u{1f000}'..='\u{1faff}' // emoji and pictographs
                | '\u{fff0}'..='\u{ffff}'  // specials and non-characters
        )
}

/// True for hiragana, katakana and the prolonged sound mark.
pub fn is_kana(c: char) -> bool {
    is_hiragana(c) || is_katakana(c)
}

/// True for hiragana letters (ぁ–ゖ, ゝゞ).
pub fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309d}' | '\u{309e}')
}

/// True for katakana letters and `ー`.
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30a1}'..='\u{30fa}' | '\u{30fc}'..='\u{30fe}')
}

/// Converts hiragana to katakana; other characters pass through unchanged.
pub fn to_katakana(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '\u{3041}'..='\u{3096}' | '\u{309d}' | '\u{309e}') {
                char::from_u32(c as u32 + 0x60).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Share of hiragana among the letters (non-space characters) of normalized `text`;
/// `0.0` for text with no letters. Used to weigh reading-based evidence for questions
/// typed in hiragana only.
pub fn hiragana_ratio(text: &str) -> f32 {
    let (mut hira, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        letters += 1;
        if is_hiragana(c) || (c == 'ー') {
            hira += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        hira as f32 / letters as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_kana_becomes_full_width() {
        assert_eq!(normalize("ｼﾞﾄﾞｳﾃｱﾃ"), "ジドウテアテ");
        assert_eq!(normalize("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ"), "マイナンバーカード");
    }

    #[test]
    fn full_width_alphanumerics_become_ascii_lower_case() {
        assert_eq!(normalize("ＡＴＭで１２３"), "atmで123");
        assert_eq!(normalize("PIN ｺｰﾄﾞ"), "pin コード");
    }

    #[test]
    fn hiragana_is_kept_and_spaces_collapse() {
        assert_eq!(
            normalize("  じどうてあて　　いつ\tふりこまれる "),
            "じどうてあて いつ ふりこまれる"
        );
    }

    #[test]
    fn punctuation_and_control_characters_become_spaces() {
        assert_eq!(
            normalize("児童手当は？「いつ」\u{0}届く。"),
            "児童手当は いつ 届く"
        );
        assert_eq!(normalize("a\u{7}b\u{1b}c"), "a b c");
    }

    #[test]
    fn hyphen_after_kana_is_a_long_vowel() {
        assert_eq!(normalize("カ-ド"), "カード");
        assert_eq!(normalize("マイナンバ〜カ〜ド"), "マイナンバーカード");
        assert_eq!(normalize("カーーード"), "カード");
        // between digits a hyphen is just a separator
        assert_eq!(normalize("0120-95-0178"), "0120 95 0178");
    }

    #[test]
    fn middle_dot_joins_words() {
        assert_eq!(normalize("子ども・子育て支援金"), "子ども子育て支援金");
        assert_eq!(normalize("ﾏｲﾅ･ﾎﾟｰﾀﾙ"), "マイナポータル");
    }

    #[test]
    fn emoji_and_symbols_vanish() {
        assert_eq!(normalize("😀😀😀"), "");
        assert_eq!(normalize("保険証❓🙏"), "保険証");
    }

    #[test]
    fn hiragana_to_katakana() {
        assert_eq!(to_katakana("じどうてあて ゔ"), "ジドウテアテ ヴ");
    }

    #[test]
    fn hiragana_ratio_counts_letters() {
        assert!((hiragana_ratio("じどうてあて") - 1.0).abs() < 1e-6);
        assert_eq!(hiragana_ratio(""), 0.0);
        assert!(hiragana_ratio("児童手当はいつ") < 0.5);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "\u{ffff}",
            "\u{10ffff}",
            "\u{d7ff}",
            "ー",
            "-",
            "゛゜",
            "\u{fe0f}",
        ] {
            let _ = normalize(s);
        }
    }
}
