//! Retrieval: finds candidate entries for an analyzed question.
//!
//! [`keyword`] is the BM25 retriever over tantivy; [`dense`] finds entries by meaning
//! with an embedding model; [`fuse`] merges their rankings. Each [`Candidate`] carries, besides
//! its BM25 score, how much of the question it covers (IDF-weighted), which is what the
//! decision stage trusts: BM25 scores are not comparable across questions, coverage is.

pub mod aspects;
mod compounds;
mod coverage;
pub mod dense;
pub mod fuse;
pub mod hybrid;
pub mod keyword;
pub mod resemblance;

use std::path::PathBuf;

/// Errors of the retrieval layer.
#[derive(Debug, thiserror::Error)]
pub enum RetrieveError {
    #[error("search index error in {path}: {message}")]
    Index { path: PathBuf, message: String },
    #[error("cannot write the index to {path}: {source}. Check that the data folder is writable (MADOGUCHI_DATA_DIR)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search failed: {0}")]
    Search(String),
}

/// One retrieved entry with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Entry id.
    pub id: String,
    /// Tenant the entry belongs to (`national` or a municipality code).
    pub tenant: String,
    /// Raw BM25 score.
    pub bm25: f32,
    /// IDF-weighted share of the question's words found in the entry (0–1).
    pub word_coverage: f32,
    /// IDF-weighted share of the question's reading bigrams found in the entry (0–1).
    pub kana_coverage: f32,
    /// BM25 of the entry's best-matching single phrasing (question or one
    /// alt_question); 0 when none matched or for dense-only candidates.
    pub phrasing: f32,
    /// Confidence from dense similarity (0 when dense retrieval did not find it).
    pub dense_confidence: f32,
    /// Fused rank score of keyword and dense rankings (0–1); `None` for keyword alone.
    pub fused: Option<f32>,
    /// Retrievers that found this entry.
    pub found_by: Found,
    /// The entry's own question asks about an aspect the question asks about (see
    /// [`crate::analysis::aspects`]); set by the engine.
    pub same_aspect: bool,
    /// Probability, among the candidates, that the question is one more phrasing of
    /// this entry, by a character n-gram model of its phrasings (0–1; see
    /// [`resemblance`]); 0 for dense-only candidates.
    pub resemblance: f32,
}

/// Which retrievers found a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Found {
    pub keyword: bool,
    pub dense: bool,
}

impl Found {
    /// Keyword only.
    pub const KEYWORD: Found = Found {
        keyword: true,
        dense: false,
    };
}
