//! The keyword (BM25) retriever on tantivy.
//!
//! Fields: `question`, `alt` (paraphrases and category), `answer` — content words, for
//! BM25 with per-field boosts; `qa` — the words of question + paraphrases + category,
//! used to measure coverage; `kana` — reading bigrams of question + paraphrases. A
//! second index (subfolder `paraphrases`) holds each phrasing alone, to score an
//! entry's best single phrasing. Both are rebuilt when the knowledge, the user
//! dictionary or the synonyms change (a manifest records their fingerprint), written to
//! a temporary folder and renamed into place so a reader never sees half an index.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STRING,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::compounds::Compounds;
use super::coverage::{kana_coverage, word_coverage, QueryWord, Targets};
use super::resemblance::{GramStats, GRAM_COUNT};
use super::{Candidate, RetrieveError};
use crate::analysis::{char_grams, is_short_form, tokenizer, Analysis, Analyzer};
use crate::config::RetrieveConfig;
use crate::knowledge::{KnowledgeBase, NATIONAL};

/// Bump when the schema or the analysis changes in a way that needs a re-index.
const INDEX_FORMAT: u32 = 7;
const MANIFEST: &str = "madoguchi-index.json";
/// `kind` of a document holding a whole entry.
const KIND_ENTRY: &str = "entry";
/// `kind` of a document holding one phrasing (the question or one alt_question) of an
/// entry, in the `question` and `kana` fields. These live in their own index (the
/// [`PARAPHRASES`] subfolder): BM25 statistics are per index, and a tenfold count of
/// short documents would skew the entry documents' scores.
const KIND_PARAPHRASE: &str = "paraphrase";
/// Subfolder of the keyword index holding the paraphrase index.
const PARAPHRASES: &str = "paraphrases";
/// True when `word` is a short form of another word of `words` (see
/// [`is_short_form`]).
fn spelled_out_in(word: &str, words: &[String]) -> bool {
    words.iter().any(|o| is_short_form(word, o))
}

/// BM25 boost of a compound that a question word is part of, relative to the word's.
const COMPOUND_BOOST: f32 = 0.1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    fingerprint: String,
    entries: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub tenant: Field,
    pub kind: Field,
    pub question: Field,
    pub alt: Field,
    pub answer: Field,
    pub qa: Field,
    pub kana: Field,
    /// Character n-grams of question + paraphrases, with counts (see
    /// [`super::resemblance`]).
    pub chars: Field,
    /// Number of those n-grams.
    pub gram_count: Field,
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
        id: b.add_text_field("id", STRING | FAST),
        tenant: b.add_text_field("tenant", STRING | FAST),
        kind: b.add_text_field("kind", STRING),
        question: b.add_text_field("question", text(tokenizer::WORDS)),
        alt: b.add_text_field("alt", text(tokenizer::WORDS)),
        answer: b.add_text_field("answer", text(tokenizer::WORDS)),
        qa: b.add_text_field("qa", text(tokenizer::WORDS)),
        kana: b.add_text_field("kana", text(tokenizer::KANA)),
        chars: b.add_text_field("chars", text(tokenizer::CHARS)),
        gram_count: b.add_u64_field(GRAM_COUNT, FAST),
    };
    (b.build(), fields)
}

/// A read-only keyword index, ready to search.
pub struct KeywordIndex {
    reader: IndexReader,
    fields: Fields,
    /// One document per phrasing, to find each entry's best-matching phrasing.
    paraphrases: IndexReader,
    entry_keys: DocKeys,
    paraphrase_keys: DocKeys,
    compounds: Compounds,
    /// Gram totals for the resemblance model.
    grams: GramStats,
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
        let open_reader = |dir: &Path| -> Result<IndexReader, tantivy::TantivyError> {
            let index = Index::open_in_dir(dir)?;
            tokenizer::register(&index, analyzer);
            index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
        };
        let (_, fields) = schema();
        let reader = open_reader(dir).map_err(err)?;
        let paraphrases = open_reader(&dir.join(PARAPHRASES)).map_err(err)?;
        Ok(KeywordIndex {
            grams: GramStats::read(&reader.searcher(), fields.chars).map_err(err)?,
            compounds: Compounds::read(&reader.searcher(), fields.qa).map_err(err)?,
            entry_keys: DocKeys::read(&reader.searcher()).map_err(err)?,
            paraphrase_keys: DocKeys::read(&paraphrases.searcher()).map_err(err)?,
            reader,
            fields,
            paraphrases,
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
        let total = kb.len();
        write_index(&tmp, analyzer, |writer, f| {
            for (i, e) in kb.entries().iter().enumerate() {
                let mut doc = TantivyDocument::default();
                doc.add_text(f.id, &e.id);
                doc.add_text(f.tenant, &e.tenant);
                doc.add_text(f.question, &e.question);
                doc.add_text(f.qa, &e.question);
                doc.add_text(f.kana, &e.question);
                let mut grams = 0;
                for text in std::iter::once(&e.question).chain(&e.alt_questions) {
                    doc.add_text(f.chars, text);
                    grams += analyzer.grams(text).len() as u64;
                }
                doc.add_u64(f.gram_count, grams);
                for alt in e.alt_questions.iter().chain(std::iter::once(&e.category)) {
                    doc.add_text(f.alt, alt);
                    doc.add_text(f.qa, alt);
                    doc.add_text(f.kana, alt);
                }
                doc.add_text(f.answer, &e.answer);
                doc.add_text(f.kind, KIND_ENTRY);
                writer.add_document(doc)?;
                progress(i + 1, total);
            }
            Ok(())
        })?;
        // The paraphrase index: one document per question and alt_question.
        write_index(&tmp.join(PARAPHRASES), analyzer, |writer, f| {
            for e in kb.entries() {
                for text in std::iter::once(&e.question).chain(&e.alt_questions) {
                    let mut doc = TantivyDocument::default();
                    doc.add_text(f.id, &e.id);
                    doc.add_text(f.tenant, &e.tenant);
                    doc.add_text(f.kind, KIND_PARAPHRASE);
                    doc.add_text(f.question, text);
                    doc.add_text(f.kana, text);
                    writer.add_document(doc)?;
                }
            }
            Ok(())
        })?;
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
    /// entry with the same id as a national one replaces it. With `within`, only
    /// entries with those ids are candidates (scores are those of the whole index).
    pub fn search(
        &self,
        q: &Analysis,
        tenant: &str,
        cfg: &RetrieveConfig,
        within: Option<&[&str]>,
    ) -> Result<Vec<Candidate>, RetrieveError> {
        let f = self.fields;
        let words: Vec<QueryWord<'_>> = {
            let mut seen = HashSet::new();
            q.words
                .iter()
                .zip(&q.word_readings)
                .zip(&q.word_weights)
                .filter(|((w, _), _)| seen.insert(w.as_str()))
                // A short form the question also spells out (カード beside
                // マイナンバーカード) is that same word, not a second one to cover.
                .filter(|((w, _), _)| !spelled_out_in(w, &q.words))
                .map(|((text, reading), &weight)| QueryWord {
                    text,
                    reading,
                    weight,
                    compounds: self.compounds.containing(text),
                })
                .collect()
        };
        let kana: Vec<&String> = dedup(&q.kana);
        if words.is_empty() && kana.is_empty() {
            return Ok(Vec::new());
        }
        let mut entry_terms: Vec<(Field, &str, f32)> = Vec::new();
        for w in &words {
            entry_terms.push((f.question, w.text, cfg.boost_question));
            entry_terms.push((f.alt, w.text, cfg.boost_alt));
            entry_terms.push((f.answer, w.text, cfg.boost_answer));
            // The compounds a short form stands for (カード → マイナンバーカード) make
            // an entry that only says the compound a candidate at all; faintly, so
            // they do not reorder entries that say the word itself.
            for c in w.compounds {
                entry_terms.push((f.question, c, cfg.boost_question * COMPOUND_BOOST));
                entry_terms.push((f.alt, c, cfg.boost_alt * COMPOUND_BOOST));
            }
        }
        for g in &kana {
            entry_terms.push((f.kana, g, cfg.boost_kana));
        }
        let searcher = self.reader.searcher();
        let limit = cfg.top_k.saturating_mul(2);
        let mut hits = top_docs(
            &searcher,
            &self.entry_keys,
            f,
            KIND_ENTRY,
            tenant,
            within,
            &entry_terms,
            limit,
        )?;
        // Local overrides: a tenant entry hides the national entry with the same id.
        let local: HashSet<String> = hits
            .iter()
            .filter(|h| h.tenant != NATIONAL)
            .map(|h| h.id.clone())
            .collect();
        hits.retain(|h| h.tenant != NATIONAL || !local.contains(&h.id));
        hits.truncate(cfg.top_k);
        let addrs: Vec<DocAddress> = hits.iter().map(|h| h.addr).collect();
        let entries = searcher
            .doc_freq(&Term::from_field_text(f.kind, KIND_ENTRY))
            .map_err(|e| RetrieveError::Search(e.to_string()))?;
        let targets = Targets::new(&searcher, &addrs, entries);
        let word_cov = word_coverage(&targets, &f, &words, cfg)?;
        let kana_cov = kana_coverage(&targets, &f, &kana)?;
        let resemblance = if cfg.resemblance_weight > 0.0 {
            let grams = char_grams(&q.normalized);
            self.grams.resemblance(&targets, f.chars, &grams, &addrs)?
        } else {
            vec![0.0; addrs.len()]
        };
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        let best_phrasing = self.best_phrasings(&words, &kana, tenant, &ids, cfg)?;
        Ok(hits
            .into_iter()
            .enumerate()
            .map(|(i, h)| Candidate {
                phrasing: best_phrasing
                    .get(&entry_key(&h.tenant, &h.id))
                    .copied()
                    .unwrap_or(0.0),
                id: h.id,
                tenant: h.tenant,
                bm25: h.score,
                word_coverage: word_cov[i],
                kana_coverage: kana_cov[i],
                resemblance: resemblance[i],
                dense_confidence: 0.0,
                fused: None,
                found_by: super::Found::KEYWORD,
                same_aspect: false,
            })
            .collect())
    }

    /// BM25 of each entry's best-matching phrasing (its question or one alt_question),
    /// by [`entry_key`]. Unlike the entry score, which pools all phrasings, this rewards
    /// an entry with one phrasing that says what the question says, and nothing else:
    /// that is what tells neighbouring entries (amount vs. twins) apart.
    fn best_phrasings(
        &self,
        words: &[QueryWord<'_>],
        kana: &[&String],
        tenant: &str,
        ids: &[&str],
        cfg: &RetrieveConfig,
    ) -> Result<HashMap<String, f32>, RetrieveError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let f = self.fields;
        let mut terms: Vec<(Field, &str, f32)> = Vec::new();
        for w in words {
            terms.push((f.question, w.text, 1.0));
        }
        for g in kana {
            terms.push((f.kana, g, cfg.boost_kana));
        }
        let searcher = self.paraphrases.searcher();
        // Only the candidates' phrasings are scored (the id filter keeps this cheap at
        // any size), and all of them are collected.
        let limit = ids.len().saturating_mul(PHRASINGS_PER_CANDIDATE);
        let mut best = HashMap::new();
        for h in top_docs(
            &searcher,
            &self.paraphrase_keys,
            f,
            KIND_PARAPHRASE,
            tenant,
            Some(ids),
            &terms,
            limit,
        )? {
            // Hits come best first: the first per entry is its best phrasing.
            best.entry(entry_key(&h.tenant, &h.id)).or_insert(h.score);
        }
        Ok(best)
    }
}

/// Creates a new index in the folder `dir` (made if missing), lets `fill` add its
/// documents, and commits.
fn write_index(
    dir: &Path,
    analyzer: &Arc<Analyzer>,
    fill: impl FnOnce(&mut IndexWriter, Fields) -> tantivy::Result<()>,
) -> Result<(), RetrieveError> {
    std::fs::create_dir_all(dir).map_err(|e| RetrieveError::Write {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let err = |e: tantivy::TantivyError| RetrieveError::Index {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema).map_err(err)?;
    tokenizer::register(&index, analyzer);
    let mut writer = index.writer_with_num_threads(1, 50_000_000).map_err(err)?;
    fill(&mut writer, f).map_err(err)?;
    writer.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)
}

/// The best `limit` documents of `kind` visible to `tenant` for a disjunction of
/// boosted term queries.
#[allow(clippy::too_many_arguments)]
fn top_docs(
    searcher: &tantivy::Searcher,
    keys: &DocKeys,
    f: Fields,
    kind: &str,
    tenant: &str,
    only_ids: Option<&[&str]>,
    terms: &[(Field, &str, f32)],
    limit: usize,
) -> Result<Vec<Hit>, RetrieveError> {
    let term = |field: Field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    let should: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|&(field, text, boost)| {
            (
                Occur::Should,
                Box::new(BoostQuery::new(term(field, text), boost)) as Box<dyn Query>,
            )
        })
        .collect();
    let mut tenants = vec![(Occur::Should, term(f.tenant, NATIONAL))];
    if tenant != NATIONAL {
        tenants.push((Occur::Should, term(f.tenant, tenant)));
    }
    let mut filter = vec![
        (Occur::Must, term(f.kind, kind)),
        (
            Occur::Must,
            Box::new(BooleanQuery::new(tenants)) as Box<dyn Query>,
        ),
    ];
    if let Some(ids) = only_ids {
        let ids = ids
            .iter()
            .map(|id| (Occur::Should, term(f.id, id)))
            .collect();
        filter.push((Occur::Must, Box::new(BooleanQuery::new(ids))));
    }
    let filter = BooleanQuery::new(filter);
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
        ),
        (Occur::Must, Box::new(BooleanQuery::new(should))),
    ]);
    let search_err = |e: tantivy::TantivyError| RetrieveError::Search(e.to_string());
    let top = searcher
        .search(
            &query,
            &tantivy::collector::TopDocs::with_limit(limit).order_by_score(),
        )
        .map_err(search_err)?;
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let (tenant, id) = keys.get(addr).ok_or_else(|| {
            RetrieveError::Search(format!("document {addr:?} has no id (stale index?)"))
        })?;
        hits.push(Hit {
            score,
            addr,
            id: id.to_string(),
            tenant: tenant.to_string(),
        });
    }
    Ok(hits)
}

/// Phrasing documents collected per candidate entry: more than an entry has (question
/// plus alt_questions), so every candidate's best phrasing is among them.
const PHRASINGS_PER_CANDIDATE: usize = 64;

/// Tenant and id of every document, read once when the index is opened (the readers
/// never reload, so segments and doc ids stay fixed): a hit's entry is then a lookup,
/// not a document-store read.
struct DocKeys {
    /// Per segment, per doc id: index into `keys`.
    segments: Vec<Vec<u32>>,
    /// Distinct (tenant, id) pairs.
    keys: Vec<(String, String)>,
}

impl DocKeys {
    fn read(searcher: &tantivy::Searcher) -> tantivy::Result<DocKeys> {
        let mut keys = Vec::new();
        let mut known: HashMap<(String, String), u32> = HashMap::new();
        let mut segments = Vec::new();
        for segment in searcher.segment_readers() {
            let ff = segment.fast_fields();
            let missing =
                |name: &str| tantivy::TantivyError::SchemaError(format!("no fast field {name}"));
            let ids = ff.str("id")?.ok_or_else(|| missing("id"))?;
            let tenants = ff.str("tenant")?.ok_or_else(|| missing("tenant"))?;
            let text = |column: &StrColumn, ord: Option<u64>| -> tantivy::Result<String> {
                let mut out = String::new();
                if let Some(ord) = ord {
                    column.ord_to_str(ord, &mut out)?;
                }
                Ok(out)
            };
            // Strings are looked up once per distinct (tenant, id) of the segment, not
            // once per document (an entry has a document per phrasing).
            let mut by_ords: HashMap<(Option<u64>, Option<u64>), u32> = HashMap::new();
            let mut docs = Vec::with_capacity(segment.max_doc() as usize);
            for doc in 0..segment.max_doc() {
                let ords = (tenants.term_ords(doc).next(), ids.term_ords(doc).next());
                let at = match by_ords.get(&ords) {
                    Some(&at) => at,
                    None => {
                        let key = (text(&tenants, ords.0)?, text(&ids, ords.1)?);
                        let next = keys.len() as u32;
                        let at = *known.entry(key.clone()).or_insert_with(|| {
                            keys.push(key);
                            next
                        });
                        by_ords.insert(ords, at);
                        at
                    }
                };
                docs.push(at);
            }
            segments.push(docs);
        }
        Ok(DocKeys { segments, keys })
    }

    /// (tenant, id) of the document at `addr`.
    fn get(&self, addr: DocAddress) -> Option<(&str, &str)> {
        let at = *self
            .segments
            .get(addr.segment_ord as usize)?
            .get(addr.doc_id as usize)?;
        self.keys
            .get(at as usize)
            .map(|(tenant, id)| (tenant.as_str(), id.as_str()))
    }
}

/// Map key of an entry: tenant and id (a local entry may share a national id).
fn entry_key(tenant: &str, id: &str) -> String {
    format!("{tenant}\u{0}{id}")
}

/// A scored document with its entry id and tenant.
struct Hit {
    score: f32,
    addr: DocAddress,
    id: String,
    tenant: String,
}

fn dedup(terms: &[String]) -> Vec<&String> {
    let mut seen = HashSet::new();
    terms.iter().filter(|t| seen.insert(t.as_str())).collect()
}
