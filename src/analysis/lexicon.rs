//! Reading lexicon: rewrites words a resident typed in hiragana into the spelling the
//! knowledge base uses, by sound (てつづき → 手続き, しかくかくにんしょ → 資格確認書).
//!
//! IPADIC cannot segment hiragana-only text (じどうてあて → じ|ど|うて|あて), so such
//! questions would only match on reading n-grams. The lexicon is built from the
//! knowledge itself: every content word with a kanji or katakana spelling, keyed by its
//! reading. It rewrites only whitespace-separated chunks made entirely of hiragana,
//! leftmost-longest, so ordinary mixed-script text (particles, okurigana) is untouched.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::normalize::{is_hiragana, to_katakana};

/// Shortest reading (in kana) the lexicon keeps: one-kana readings are too ambiguous.
const MIN_READING_CHARS: usize = 2;

/// Reading → spelling table.
#[derive(Debug, Clone, Default)]
pub struct ReadingLexicon {
    matcher: Option<AhoCorasick>,
    spellings: Vec<String>,
}

impl ReadingLexicon {
    /// Builds the table from (spelling, katakana reading) pairs; for a reading with
    /// several spellings the most frequent wins (ties: the longer, then the first).
    pub fn from_words<'a>(words: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut counts: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
        for (spelling, reading) in words {
            // Only spellings that differ from plain hiragana are worth rewriting to.
            let useful = spelling.chars().any(|c| !is_hiragana(c) && c != 'ー');
            if reading.chars().count() < MIN_READING_CHARS || !useful {
                continue;
            }
            *counts
                .entry(reading)
                .or_default()
                .entry(spelling)
                .or_default() += 1;
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

    /// Rewrites the all-hiragana chunks of normalized `text`.
    pub fn rewrite(&self, text: &str) -> String {
        let Some(ac) = &self.matcher else {
            return text.to_string();
        };
        text.split(' ')
            .map(|chunk| {
                if chunk.chars().count() < MIN_READING_CHARS
                    || !chunk.chars().all(|c| is_hiragana(c) || c == 'ー')
                {
                    return chunk.to_string();
                }
                // Katakana conversion keeps char boundaries 1:1, so byte offsets of the
                // katakana match map back onto the hiragana chunk by char index.
                let kata = to_katakana(chunk);
                let hira: Vec<char> = chunk.chars().collect();
                let mut out = String::new();
                let mut last = 0usize;
                for m in ac.find_iter(&kata) {
                    let (start, end) = (
                        kata[..m.start()].chars().count(),
                        kata[..m.end()].chars().count(),
                    );
                    out.extend(&hira[last..start]);
                    out.push_str(&self.spellings[m.pattern().as_usize()]);
                    last = end;
                }
                out.extend(&hira[last..]);
                out
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
        ])
    }

    #[test]
    fn hiragana_chunks_take_the_knowledge_spelling() {
        assert_eq!(
            lex().rewrite("ひっこし じどうてあて てつづき"),
            "引越し 児童手当 手続き"
        );
        assert_eq!(lex().rewrite("じどうてあてのてつづき"), "児童手当の手続き");
    }

    #[test]
    fn mixed_script_text_is_untouched() {
        assert_eq!(
            lex().rewrite("児童手当はいつ てあて"),
            "児童手当はいつ 手当"
        );
        assert_eq!(lex().rewrite("手続きのてあて"), "手続きのてあて");
    }

    #[test]
    fn hiragana_only_spellings_and_short_readings_are_not_kept() {
        assert_eq!(lex().len(), 5);
        assert_eq!(lex().rewrite("の"), "の");
    }
}
