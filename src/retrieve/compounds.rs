//! Compound words: Japanese compounds are single tokens (マイナンバーカード), so a
//! resident's short form (カード) shares no word with an entry that only ever says the
//! compound. This map, read from the index's term dictionary when it opens, lists for
//! each indexed word the longer indexed words that begin or end with it; coverage
//! credits them (`retrieve.compound_credit`) and the keyword query adds them faintly.

use std::collections::{HashMap, HashSet};

use tantivy::schema::Field;

/// The indexed words of a field by their leading and trailing parts: which longer
/// words begin or end with a given word (カード → マイナンバーカード, 通知カード).
/// Japanese compounds are one token, so a resident's short form would otherwise not
/// match the entry that only ever says the compound.
#[derive(Debug, Default)]
pub(super) struct Compounds {
    by_part: HashMap<String, Vec<String>>,
}

/// Shortest part (in characters) that may stand for a compound.
const MIN_COMPOUND_PART: usize = 2;

impl Compounds {
    pub(super) fn read(searcher: &tantivy::Searcher, field: Field) -> tantivy::Result<Compounds> {
        let mut terms: HashSet<String> = HashSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                // Text fields hold UTF-8 terms; anything else is no word to match.
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    terms.insert(t.to_string());
                }
            }
        }
        Ok(Self::from_terms(&terms))
    }

    /// The map over a set of indexed words.
    fn from_terms(terms: &HashSet<String>) -> Compounds {
        let mut by_part: HashMap<String, Vec<String>> = HashMap::new();
        for term in terms {
            if term.is_ascii() {
                continue;
            }
            let chars: Vec<char> = term.chars().collect();
            for len in MIN_COMPOUND_PART..chars.len() {
                let head: String = chars[..len].iter().collect();
                let tail: String = chars[chars.len() - len..].iter().collect();
                for part in [head, tail] {
                    if terms.contains(&part) {
                        by_part.entry(part).or_default().push(term.clone());
                    }
                }
            }
        }
        for list in by_part.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Compounds { by_part }
    }

    /// The longer indexed words that begin or end with `word`.
    pub(super) fn containing(&self, word: &str) -> &[String] {
        self.by_part.get(word).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_lead_to_the_compounds_that_begin_or_end_with_them() {
        let terms: HashSet<String> = [
            "カード",
            "マイナンバーカード",
            "通知カード",
            "マイナンバー",
            "紛失",
            "紛失届",
            "ナンバ",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        let c = Compounds::from_terms(&terms);
        assert_eq!(c.containing("カード"), ["マイナンバーカード", "通知カード"]);
        assert_eq!(c.containing("マイナンバー"), ["マイナンバーカード"]);
        assert_eq!(c.containing("紛失"), ["紛失届"]);
        // A part in the middle (ナンバ of マイナンバーカード) stands for nothing.
        assert!(c.containing("ナンバ").is_empty());
        assert!(c.containing("届").is_empty());
    }
}
