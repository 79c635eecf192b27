//! The keyword (BM25) retriever on tantivy.
//!
//! Fields: `question`, `alt` (paraphrases and category), `answer` — content words, for
//! BM25 with per-field boosts; `qa` — the words of question + paraphrases + category,
//! used to measure coverage; `kana` — reading bigrams of question + paraphrases. The
//! index is rebuilt when the knowledge, the user dictionary or the synonyms change (a
//! manifest records their fingerprint), written to a temporary folder and renamed into
//! place so a reader never sees half an index.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, ReloadPolicy, TantivyDocument, Term, TERMINATED,
};

use super::{Candidate, RetrieveError};
use crate::analysis::{tokenizer, Analysis, Analyzer};
use crate::config::RetrieveConfig;
use crate::knowledge::{KnowledgeBase, NATIONAL};

/// Bump when the schema or the analysis changes in a way that needs a re-index.
const INDEX_FORMAT: u32 = 1;
const MANIFEST: &str = "madoguchi-index.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    fingerprint: String,
    entries: usize,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    tenant: Field,
    question: Field,
    alt: Field,
    answer: Field,
    qa: Field,
    kana: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tok: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tok)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        tenant: b.add_text_field("tenant", STRING | STORED),
        question: b.add_text_field("question", text(tokenizer::WORDS)),
        alt: b.add_text_field("alt", text(tokenizer::WORDS)),
        answer: b.add_text_field("answer", text(tokenizer::WORDS)),
        qa: b.add_text_field("qa", text(tokenizer::WORDS)),
        kana: b.add_text_field("kana", text(tokenizer::KANA)),
    };
    (b.build(), fields)
}

/// A read-only keyword index, ready to search.
pub struct KeywordIndex {
    reader: IndexReader,
    fields: Fields,
    path: PathBuf,
}

impl std::fmt::Debug for KeywordIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeywordIndex")
            .field("path", &self.path)
            .finish()
    }
}

/// Whether [`KeywordIndex::open_or_build`] had to (re)build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexState {
    /// An up-to-date index was opened.
    Opened,
    /// The index was missing or stale and was rebuilt.
    Rebuilt,
}

impl KeywordIndex {
    /// Opens the index in `dir` if it matches `fingerprint`, else (re)builds it.
    pub fn open_or_build(
        dir: &Path,
        kb: &KnowledgeBase,
        analyzer: &Arc<Analyzer>,
        fingerprint: &str,
        progress: &dyn Fn(usize, usize),
    ) -> Result<(KeywordIndex, IndexState), RetrieveError> {
        let want = Manifest {
            format: INDEX_FORMAT,
            fingerprint: fingerprint.to_string(),
            entries: kb.len(),
        };
        let have: Option<Manifest> = std::fs::read_to_string(dir.join(MANIFEST))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if have.as_ref() == Some(&want) {
            if let Ok(idx) = Self::open(dir, analyzer) {
                return Ok((idx, IndexState::Opened));
            }
        }
        Self::build(dir, kb, analyzer, &want, progress)?;
        Ok((Self::open(dir, analyzer)?, IndexState::Rebuilt))
    }

    fn open(dir: &Path, analyzer: &Arc<Analyzer>) -> Result<KeywordIndex, RetrieveError> {
        let err = |e: tantivy::TantivyError| RetrieveError::Index {
            path: dir.to_path_buf(),
            message: e.to_string(),
        };
        let index = Index::open_in_dir(dir).map_err(err)?;
        tokenizer::register(&index, analyzer);
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err)?;
        Ok(KeywordIndex {
            reader,
            fields,
            path: dir.to_path_buf(),
        })
    }

    fn build(
        dir: &Path,
        kb: &KnowledgeBase,
        analyzer: &Arc<Analyzer>,
        manifest: &Manifest,
        progress: &dyn Fn(usize, usize),
    ) -> Result<(), RetrieveError> {
        let parent = dir.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| RetrieveError::Write {
            path: parent.to_path_buf(),
            source: e,
        })?;
        let tmp = crate::fsutil::temp_sibling(dir);
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| RetrieveError::Write {
            path: tmp.clone(),
            source: e,
        })?;
        let err = |e: tantivy::TantivyError| RetrieveError::Index {
            path: tmp.clone(),
            message: e.to_string(),
        };
        let (schema, f) = schema();
        let index = Index::create_in_dir(&tmp, schema).map_err(err)?;
        tokenizer::register(&index, analyzer);
        let mut writer = index.writer_with_num_threads(1, 50_000_000).map_err(err)?;
        let total = kb.len();
        for (i, e) in kb.entries().iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &e.id);
            doc.add_text(f.tenant, &e.tenant);
            doc.add_text(f.question, &e.question);
            doc.add_text(f.qa, &e.question);
            doc.add_text(f.kana, &e.question);
            for alt in e.alt_questions.iter().chain(std::iter::once(&e.category)) {
                doc.add_text(f.alt, alt);
                doc.add_text(f.qa, alt);
                doc.add_text(f.kana, alt);
            }
            doc.add_text(f.answer, &e.answer);
            writer.add_document(doc).map_err(err)?;
            progress(i + 1, total);
        }
        writer.commit().map_err(err)?;
        writer.wait_merging_threads().map_err(err)?;
        let text = serde_json::to_string_pretty(manifest)
            .map_err(|e| RetrieveError::Search(e.to_string()))?;
        std::fs::write(tmp.join(MANIFEST), text).map_err(|e| RetrieveError::Write {
            path: tmp.clone(),
            source: e,
        })?;
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| RetrieveError::Write {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| RetrieveError::Write {
            path: dir.to_path_buf(),
            source: e,
        })?;
        Ok(())
    }

    /// Top candidates for `q` among national entries and those of `tenant`; a tenant
    /// entry with the same id as a national one replaces it.
    pub fn search(
        &self,
        q: &Analysis,
        tenant: &str,
        cfg: &RetrieveConfig,
    ) -> Result<Vec<Candidate>, RetrieveError> {
        let f = self.fields;
        let words: Vec<QueryWord<'_>> = {
            let mut seen = HashSet::new();
            q.words
                .iter()
                .zip(&q.word_readings)
                .zip(&q.word_weights)
                .filter(|((w, _), _)| seen.insert(w.as_str()))
                .map(|((text, reading), &weight)| QueryWord {
                    text,
                    reading,
                    weight,
                })
                .collect()
        };
        let kana: Vec<&String> = dedup(&q.kana);
        if words.is_empty() && kana.is_empty() {
            return Ok(Vec::new());
        }
        let term_query = |field: Field, text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            let tq = TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(tq), boost)),
            )
        };
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for QueryWord { text: w, .. } in &words {
            should.push(term_query(f.question, w, cfg.boost_question));
            should.push(term_query(f.alt, w, cfg.boost_alt));
            should.push(term_query(f.answer, w, cfg.boost_answer));
        }
        for g in &kana {
            should.push(term_query(f.kana, g, cfg.boost_kana));
        }
        let mut tenants: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(f.tenant, NATIONAL),
                IndexRecordOption::Basic,
            )),
        )];
        if tenant != NATIONAL {
            tenants.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.tenant, tenant),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(BooleanQuery::new(tenants)),
                    0.0,
                )),
            ),
            (Occur::Must, Box::new(BooleanQuery::new(should))),
        ]);
        let searcher = self.reader.searcher();
        let search_err = |e: tantivy::TantivyError| RetrieveError::Search(e.to_string());
        let top = searcher
            .search(
                &query,
                &tantivy::collector::TopDocs::with_limit(cfg.top_k.saturating_mul(2))
                    .order_by_score(),
            )
            .map_err(search_err)?;
        // Resolve ids; apply local overrides (tenant entry hides the national one).
        let mut hits: Vec<(f32, DocAddress, String, String)> = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(search_err)?;
            let get = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            hits.push((score, addr, get(f.id), get(f.tenant)));
        }
        let local: HashSet<String> = hits
            .iter()
            .filter(|h| h.3 != NATIONAL)
            .map(|h| h.2.clone())
            .collect();
        hits.retain(|h| h.3 != NATIONAL || !local.contains(&h.2));
        hits.truncate(cfg.top_k);
        let addrs: Vec<DocAddress> = hits.iter().map(|h| h.1).collect();
        let targets = Targets::new(&searcher, &addrs);
        let word_cov = word_coverage(&targets, &f, &words, cfg)?;
        let kana_cov = kana_coverage(&targets, &f, &kana)?;
        Ok(hits
            .into_iter()
            .enumerate()
            .map(|(i, (bm25, _, id, tenant))| Candidate {
                id,
                tenant,
                bm25,
                word_coverage: word_cov[i],
                kana_coverage: kana_cov[i],
            })
            .collect())
    }
}

fn dedup(terms: &[String]) -> Vec<&String> {
    let mut seen = HashSet::new();
    terms.iter().filter(|t| seen.insert(t.as_str())).collect()
}

/// BM25's inverse document frequency; an unseen term gets the largest value, so words
/// the knowledge base has never seen weigh heavily against confidence.
fn idf(doc_freq: u64, n: f32) -> f32 {
    let df = doc_freq as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// A question word with its reading and topic weight.
struct QueryWord<'a> {
    text: &'a String,
    reading: &'a String,
    weight: f32,
}

/// Fewest reading n-grams a word needs before it may match by sound.
const MIN_FUZZY_NGRAMS: usize = 2;

/// The candidate documents, grouped by segment in doc-id order (postings only seek
/// forward), each with its position in the candidate list.
struct Targets<'a> {
    searcher: &'a tantivy::Searcher,
    by_segment: BTreeMap<u32, Vec<(u32, usize)>>,
    len: usize,
    /// Number of documents, for IDF.
    n: f32,
}

impl<'a> Targets<'a> {
    fn new(searcher: &'a tantivy::Searcher, addrs: &[DocAddress]) -> Self {
        let mut by_segment: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
        for (i, a) in addrs.iter().enumerate() {
            by_segment
                .entry(a.segment_ord)
                .or_default()
                .push((a.doc_id, i));
        }
        for list in by_segment.values_mut() {
            list.sort_unstable();
        }
        Targets {
            searcher,
            by_segment,
            len: addrs.len(),
            n: searcher.num_docs() as f32,
        }
    }

    /// IDF of `text` in `field`.
    fn idf(&self, field: Field, text: &str) -> Result<f32, RetrieveError> {
        let term = Term::from_field_text(field, text);
        let df = self
            .searcher
            .doc_freq(&term)
            .map_err(|e| RetrieveError::Search(e.to_string()))?;
        Ok(idf(df, self.n))
    }

    /// Which candidates contain `text` in `field`.
    fn contains(&self, field: Field, text: &str) -> Result<Vec<bool>, RetrieveError> {
        let mut found = vec![false; self.len];
        let term = Term::from_field_text(field, text);
        for (seg, docs) in &self.by_segment {
            let inverted = self
                .searcher
                .segment_reader(*seg)
                .inverted_index(field)
                .map_err(|e| RetrieveError::Search(e.to_string()))?;
            let postings = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| RetrieveError::Search(e.to_string()))?;
            let Some(mut postings) = postings else {
                continue;
            };
            for &(doc, i) in docs {
                let current = postings.doc();
                if current == TERMINATED {
                    break;
                }
                // `seek` may only move forward: never call it past the target.
                let at = if current >= doc {
                    current
                } else {
                    postings.seek(doc)
                };
                found[i] = at == doc;
            }
        }
        Ok(found)
    }
}

/// IDF-weighted share of the question's words each candidate covers. A word found in
/// the question or paraphrases earns 1, in the answer only `answer_credit`; a word not
/// found as such earns up to `fuzzy_word_credit` × the share of its reading n-grams
/// found in the candidate (so 振り込む still partly matches 振込).
fn word_coverage(
    t: &Targets<'_>,
    f: &Fields,
    words: &[QueryWord<'_>],
    cfg: &RetrieveConfig,
) -> Result<Vec<f32>, RetrieveError> {
    let mut got = vec![0f32; t.len];
    let mut total = 0f32;
    for &QueryWord {
        text: word,
        reading,
        weight,
    } in words
    {
        let w = t.idf(f.qa, word)? * weight;
        total += w;
        let in_qa = t.contains(f.qa, word)?;
        let in_answer = t.contains(f.answer, word)?;
        let mut credit: Vec<f32> = in_qa
            .iter()
            .zip(&in_answer)
            .map(|(&q, &a)| {
                if q {
                    1.0
                } else if a {
                    cfg.answer_credit
                } else {
                    0.0
                }
            })
            .collect();
        let grams = crate::analysis::reading_ngrams(reading);
        // A single n-gram is too little evidence (天気 テンキ would match 転居 テンキョ).
        if credit.iter().any(|&c| c < cfg.fuzzy_word_credit) && grams.len() >= MIN_FUZZY_NGRAMS {
            let mut hits = vec![0usize; t.len];
            for g in &grams {
                for (h, found) in hits.iter_mut().zip(t.contains(f.kana, g)?) {
                    *h += usize::from(found);
                }
            }
            for (c, h) in credit.iter_mut().zip(hits) {
                *c = c.max(cfg.fuzzy_word_credit * h as f32 / grams.len() as f32);
            }
        }
        for (g, c) in got.iter_mut().zip(credit) {
            *g += w * c;
        }
    }
    if total > 0.0 {
        got.iter_mut().for_each(|g| *g /= total);
    }
    Ok(got)
}

/// IDF-weighted share of the question's reading n-grams each candidate contains.
fn kana_coverage(
    t: &Targets<'_>,
    f: &Fields,
    grams: &[&String],
) -> Result<Vec<f32>, RetrieveError> {
    let mut got = vec![0f32; t.len];
    let mut total = 0f32;
    for g in grams {
        let w = t.idf(f.kana, g)?;
        total += w;
        for (acc, found) in got.iter_mut().zip(t.contains(f.kana, g)?) {
            if found {
                *acc += w;
            }
        }
    }
    if total > 0.0 {
        got.iter_mut().for_each(|g| *g /= total);
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::idf;

    #[test]
    fn unseen_terms_weigh_most() {
        assert!(idf(0, 100.0) > idf(1, 100.0));
        assert!(idf(1, 100.0) > idf(50, 100.0));
        assert!(idf(100, 100.0) > 0.0);
    }
}
