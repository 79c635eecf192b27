//! Reading lexicon: rewrites words a resident typed in hiragana into the spelling the
//! knowledge base uses, by sound (てつづき → 手続き, しかくかくにんしょ → 資格確認書).
//!
//! IPADIC cannot segment hiragana-only text (じどうてあて → じ|ど|うて|あて), so such
//! questions would only match on reading n-grams. The lexicon is built from the
//! knowledge itself: every content word with a kanji or katakana spelling, keyed by its
//! reading. It rewrites only whitespace-separated chunks made entirely of hiragana (or
//! entirely of katakana: half-width ｻｲﾊｯｺｳ arrives as サイハッコウ → 再発行),
//! leftmost-longest, so ordinary mixed-script text (particles, okurigana) is untouched.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::normalize::{is_hiragana, to_katakana};

/// Shortest reading (in kana) the lexicon keeps: one-kana readings are too ambiguous.
const MIN_READING_CHARS: usize = 2;
/// Shortest reading that is rewritten inside a longer chunk.
const MIN_INNER_READING_CHARS: usize = 3;

/// Reading → spelling table.
#[derive(Debug, Clone, Default)]
pub struct ReadingLexicon {
    matcher: Option<AhoCorasick>,
    spellings: Vec<String>,
}

impl ReadingLexicon {
    /// Builds the table from (spelling, katakana reading) pairs. For each reading the
    /// most frequent spelling wins (ties: the longer, then the first); a reading whose
    /// winner is plain hiragana is dropped, because the knowledge itself writes that
    /// word in kana (いつ, いくら), so there is nothing to rewrite it to.
    pub fn from_words<'a>(words: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut counts: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
        for (spelling, reading) in words {
            if reading.chars().count() >= MIN_READING_CHARS {
                *counts
                    .entry(reading)
                    .or_default()
                    .entry(spelling)
                    .or_default() += 1;
            }
        }
        let mut pairs: Vec<(String, String)> = counts
            .into_iter()
            .filter_map(|(reading, spellings)| {
                spellings
                    .into_iter()
                    .max_by(|a, b| {
                        a.1.cmp(&b.1)
                            .then(a.0.chars().count().cmp(&b.0.chars().count()))
                            .then(b.0.cmp(a.0))
                    })
                    .filter(|(s, _)| s.chars().any(|c| !is_hiragana(c) && c != 'ー'))
                    .map(|(s, _)| (reading.to_string(), s.to_string()))
            })
            .collect();
        pairs.sort();
        if pairs.is_empty() {
            return Self::default();
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|(r, _)| r.as_str()))
            .ok();
        ReadingLexicon {
            matcher,
            spellings: pairs.into_iter().map(|(_, s)| s).collect(),
        }
    }

    /// Number of readings known.
    pub fn len(&self) -> usize {
        self.spellings.len()
    }

    /// True when the lexicon knows no reading.
    pub fn is_empty(&self) -> bool {
        self.spellings.is_empty()
    }

    /// Rewrites the all-hiragana chunks of normalized `text`. A chunk is left alone
    /// when `is_known_word` says the dictionary already reads it as one word (いくら,
    /// さようなら), or when knowledge spellings would cover less than half of it.
    pub fn rewrite(&self, text: &str, is_known_word: &dyn Fn(&str) -> bool) -> String {
        let Some(ac) = &self.matcher else {
            return text.to_string();
        };
        text.split(' ')
            .map(|chunk| {
                let len = chunk.chars().count();
                let kana_only = chunk.chars().all(|c| is_hiragana(c) || c == 'ー')
                    || chunk.chars().all(super::normalize::is_katakana);
                if len < MIN_READING_CHARS || !kana_only || is_known_word(chunk) {
                    return chunk.to_string();
                }
                // Katakana conversion keeps chars 1:1, so char positions of a match in
                // the katakana map back onto the hiragana chunk.
                let kata = to_katakana(chunk);
                let original: Vec<char> = chunk.chars().collect();
                let matches: Vec<(usize, usize, usize)> = ac
                    .find_iter(&kata)
                    .map(|m| {
                        (
                            kata[..m.start()].chars().count(),
                            kata[..m.end()].chars().count(),
                            m.pattern().as_usize(),
                        )
                    })
                    .collect();
                // A two-kana reading is more often a chance match inside a longer
                // chunk (いつまで has ツマ 妻, フリーランス has フリ 不利) than the
                // word: it counts only when the matches cover the whole chunk
                // (なんわり → 何割).
                let whole = matches.iter().map(|(s, e, _)| e - s).sum::<usize>() == len;
                let mut out = String::new();
                let (mut last, mut covered) = (0usize, 0usize);
                for (start, end, pattern) in matches {
                    if end - start < MIN_INNER_READING_CHARS && !whole {
                        continue;
                    }
                    out.extend(&original[last..start]);
                    out.push_str(&self.spellings[pattern]);
                    covered += end - start;
                    last = end;
                }
                out.extend(&original[last..]);
                if covered * 2 >= len {
                    out
                } else {
                    chunk.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> ReadingLexicon {
        ReadingLexicon::from_words([
            ("手続き", "テツヅキ"),
            ("児童手当", "ジドウテアテ"),
            ("手当", "テアテ"),
            ("引越し", "ヒッコシ"),
            ("引っ越し", "ヒッコシ"),
            ("引越し", "ヒッコシ"),
            ("の", "ノ"),
            ("マイナンバーカード", "マイナンバーカード"),
            ("いつ", "イツ"),
            ("いつ", "イツ"),
            ("何時", "イツ"),
        ])
    }

    fn unknown(_: &str) -> bool {
        false
    }

    #[test]
    fn hiragana_chunks_take_the_knowledge_spelling() {
        assert_eq!(
            lex().rewrite("ひっこし じどうてあて てつづき", &unknown),
            "引越し 児童手当 手続き"
        );
        assert_eq!(
            lex().rewrite("じどうてあてのてつづき", &unknown),
            "児童手当の手続き"
        );
    }

    #[test]
    fn katakana_only_chunks_are_rewritten_too() {
        assert_eq!(lex().rewrite("テツヅキ", &unknown), "手続き");
        assert_eq!(
            lex().rewrite("マイナンバーカード", &|w| w
                == "マイナンバーカード"),
            "マイナンバーカード"
        );
    }

    #[test]
    fn mixed_script_text_is_untouched() {
        assert_eq!(
            lex().rewrite("児童手当はいつ てあて", &unknown),
            "児童手当はいつ 手当"
        );
        assert_eq!(lex().rewrite("手続きのてあて", &unknown), "手続きのてあて");
    }

    #[test]
    fn known_words_and_mostly_unmatched_chunks_are_kept() {
        assert_eq!(lex().rewrite("てあて", &|w| w == "てあて"), "てあて");
        // テアテ covers 3 of 9 kana: not enough to trust.
        assert_eq!(
            lex().rewrite("ありがとうてあてまた", &unknown),
            "ありがとうてあてまた"
        );
    }

    #[test]
    fn two_kana_readings_inside_longer_chunks_are_not_rewritten() {
        let lex = ReadingLexicon::from_words([
            ("妻", "ツマ"),
            ("不利", "フリ"),
            ("欄", "ラン"),
            ("手当", "テアテ"),
        ]);
        assert_eq!(lex.rewrite("いつまで", &unknown), "いつまで");
        assert_eq!(lex.rewrite("フリーランス", &unknown), "フリーランス");
        // When the readings cover the whole chunk, two-kana ones count.
        assert_eq!(lex.rewrite("つま", &unknown), "妻");
        assert_eq!(lex.rewrite("つまてあて", &unknown), "妻手当");
        assert_eq!(lex.rewrite("つまのてあて", &unknown), "つまの手当");
    }

    #[test]
    fn kana_spellings_and_short_readings_are_not_rewritten() {
        // ノ is too short; イツ is mostly written いつ in the knowledge.
        assert_eq!(lex().len(), 5);
        assert_eq!(lex().rewrite("の", &unknown), "の");
        assert_eq!(lex().rewrite("いつ", &unknown), "いつ");
    }
}
