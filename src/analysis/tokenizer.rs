//! tantivy tokenizers backed by the shared [`Analyzer`]: `ja_words`, `ja_kana` and
//! `ja_chars`.
//!
//! They are registered once on the index ([`register`]) and used for indexing; the
//! query side calls the same [`Analyzer::analyze`], so terms always agree.

use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::Analyzer;

/// Name of the content-word tokenizer.
pub const WORDS: &str = "ja_words";
/// Name of the reading-bigram tokenizer.
pub const KANA: &str = "ja_kana";
/// Name of the character n-gram tokenizer.
pub const CHARS: &str = "ja_chars";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Words,
    Kana,
    Chars,
}

/// A tantivy tokenizer that emits one kind of [`Analyzer`] terms.
#[derive(Clone)]
pub struct AnalyzerTokenizer {
    analyzer: Arc<Analyzer>,
    kind: Kind,
}

/// Tokens collected up front, replayed as a tantivy token stream.
pub struct CollectedStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for AnalyzerTokenizer {
    type TokenStream<'a> = CollectedStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CollectedStream {
        // Indexing must not fail on one odd text: an unanalyzable text indexes no terms,
        // and the failure is logged once here.
        let analyzed = match self.kind {
            // Character n-grams need no segmentation.
            Kind::Chars => Ok(self.analyzer.grams(text)),
            Kind::Words => self.analyzer.analyze(text).map(|a| a.words),
            Kind::Kana => self.analyzer.analyze(text).map(|a| a.kana),
        };
        let terms = match analyzed {
            Ok(terms) => terms,
            Err(e) => {
                tracing::warn!(error = %e, "text could not be analyzed; indexing it without terms");
                Vec::new()
            }
        };
        let tokens = terms
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token {
                position,
                text,
                ..Token::default()
            })
            .collect();
        CollectedStream { tokens, index: 0 }
    }
}

impl TokenStream for CollectedStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// Registers the tokenizers on `index`.
pub fn register(index: &tantivy::Index, analyzer: &Arc<Analyzer>) {
    let manager = index.tokenizers();
    for (name, kind) in [
        (WORDS, Kind::Words),
        (KANA, Kind::Kana),
        (CHARS, Kind::Chars),
    ] {
        let tok = AnalyzerTokenizer {
            analyzer: Arc::clone(analyzer),
            kind,
        };
        manager.register(name, TextAnalyzer::from(tok));
    }
}
