//! The engine: loads everything once, then answers questions.
//!
//! `open` = dictionary (built if missing) → analyzer → knowledge (validated) → keyword
//! index (rebuilt if missing or stale). `ask` = validate input → analyze → retrieve →
//! decide → respond. `ask` never panics and never fails on odd text: only empty or
//! over-long questions are rejected, with a stable error code.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::analysis::aspects::Aspects;
use crate::analysis::personal::asks_about_own_record;
use crate::analysis::Analysis;
use crate::analysis::{dictionary, AnalysisError, Analyzer, AnalyzerFiles};
use crate::config::Config;
use crate::decide::{self, Decision, DecisionKind, QueryStats, Scored};
use crate::knowledge::{KnowledgeBase, KnowledgeError, NATIONAL};
use crate::respond::{self, AnswerView, EntryView, ErrorView, Response, SuggestionView};
use crate::retrieve::aspects::EntryAspects;
use crate::retrieve::dense::{DenseRetriever, DenseStatus};
use crate::retrieve::hybrid::{self, DenseCandidate, Weights};
use crate::retrieve::keyword::{IndexState, KeywordIndex};
use crate::retrieve::{Candidate, RetrieveError};

/// Errors of opening the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
    #[error(transparent)]
    Retrieve(#[from] RetrieveError),
}

/// Why a question was not processed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    #[error("質問が空です。知りたいことを入力してください。")]
    Empty,
    #[error("質問が長すぎます（{chars} 文字）。{max} 文字以内で入力してください。")]
    TooLong { chars: usize, max: usize },
    #[error("内部エラーのため回答できませんでした。")]
    Internal(String),
}

impl AskError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AskError::Empty => "empty_question",
            AskError::TooLong { .. } => "question_too_long",
            AskError::Internal(_) => "internal",
        }
    }
}

/// Progress events while opening, for a progress bar or a log.
#[derive(Debug, Clone)]
pub enum OpenProgress<'a> {
    Message(&'a str),
    Indexing {
        done: usize,
        total: usize,
    },
    /// Texts embedded for dense retrieval.
    Embedding {
        done: usize,
        total: usize,
    },
}

/// Which retrievers answer: production uses [`Retrievers::Hybrid`]; the others are
/// for comparing them in the eval report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retrievers {
    Keyword,
    Dense,
    /// Keyword first; dense too unless keyword retrieval already answers confidently
    /// (or no model is loaded).
    Hybrid,
}

/// What `open` did, for logs and `madoguchi index`.
#[derive(Debug, Clone)]
pub struct OpenReport {
    pub dictionary_built: bool,
    pub index_state: IndexState,
    pub entries: usize,
    /// Dense retrieval: on (with the model) or off (and why).
    pub dense: DenseStatus,
    pub elapsed_ms: u128,
}

/// A loaded engine. Immutable and `Sync`: share it behind an `Arc`.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    analyzer: Arc<Analyzer>,
    kb: KnowledgeBase,
    keyword: KeywordIndex,
    /// The dense retriever, when a model is loaded.
    dense: Option<DenseRetriever>,
    dense_status: DenseStatus,
    /// Distinct situations (categories) with their prepared text, in knowledge order;
    /// built on first use by the conversation layer.
    situations: OnceLock<Vec<(String, String)>>,
    /// What each entry's own question asks about; built on first use.
    aspects: OnceLock<EntryAspects>,
}

impl Engine {
    /// Opens the engine, building the dictionary and index when needed.
    pub fn open(
        config: &Config,
        progress: &dyn Fn(OpenProgress<'_>),
    ) -> Result<(Engine, OpenReport), EngineError> {
        let started = Instant::now();
        let paths = &config.paths;
        let dict_dir = paths.dictionary_dir();
        let dictionary_built = if dictionary::is_up_to_date(&paths.ipadic_source, &dict_dir)
            || (!paths.ipadic_source.exists() && dict_dir.exists())
        {
            false
        } else {
            dictionary::build_dictionary(&paths.ipadic_source, &dict_dir, &|m| {
                progress(OpenProgress::Message(m))
            })?
            .built
        };
        let files = paths.analyzer_files();
        let analyzer = Arc::new(Analyzer::load(&dict_dir, &files)?);
        progress(OpenProgress::Message("FAQ を読み込んでいます…"));
        let kb = KnowledgeBase::load(&paths.knowledge_dir)?;
        analyzer.install_lexicon(kb.entries().iter().flat_map(|e| {
            std::iter::once(e.question.as_str())
                .chain(e.alt_questions.iter().map(String::as_str))
                .chain([e.category.as_str(), e.answer.as_str()])
        }))?;
        let fingerprint = index_fingerprint(&kb, &analyzer, &files)?;
        let (keyword, index_state) = KeywordIndex::open_or_build(
            &paths.index_dir(),
            &kb,
            &analyzer,
            &fingerprint,
            &|done, total| progress(OpenProgress::Indexing { done, total }),
        )?;
        progress(OpenProgress::Message("埋め込みモデルを確認しています…"));
        let (dense, dense_status, broken) =
            match DenseRetriever::open(&config.dense, &paths.data_dir, &kb, &|done, total| {
                progress(OpenProgress::Embedding { done, total })
            }) {
                Ok(d) => {
                    let status = DenseStatus::on(&d);
                    (Some(d), status, false)
                }
                Err(e) => (None, DenseStatus::off(&e), !e.is_absence()),
            };
        log_dense_once(&dense_status, broken);
        let report = OpenReport {
            dictionary_built,
            index_state,
            entries: kb.len(),
            dense: dense_status.clone(),
            elapsed_ms: started.elapsed().as_millis(),
        };
        Ok((
            Engine {
                config: config.clone(),
                analyzer,
                kb,
                keyword,
                dense,
                dense_status,
                situations: OnceLock::new(),
                aspects: OnceLock::new(),
            },
            report,
        ))
    }

    /// Every distinct situation (see [`crate::converse`]) with its text as the analyzer
    /// prepares it, in knowledge order. Computed once.
    pub(crate) fn situations(&self) -> &[(String, String)] {
        self.situations.get_or_init(|| {
            let mut out: Vec<(String, String)> = Vec::new();
            for e in self.kb.entries() {
                let s = crate::converse::situation(&e.category);
                if !out.iter().any(|(known, _)| *known == s) {
                    let prepared = self.analyzer.prepare(&s);
                    out.push((s, prepared));
                }
            }
            out
        })
    }

    /// Marks the candidates whose entry's own question asks about an aspect the
    /// question does (see [`crate::analysis::aspects`]).
    fn mark_aspects(&self, analysis: &Analysis, candidates: &mut [Candidate]) {
        let asked = Aspects::of(&analysis.normalized);
        if asked.is_empty() {
            return;
        }
        self.aspects
            .get_or_init(|| EntryAspects::of(&self.kb, &self.analyzer))
            .mark(asked, candidates);
    }

    /// Dense retrieval: on (with its model) or off, and why.
    pub fn dense_status(&self) -> &DenseStatus {
        &self.dense_status
    }

    /// The dense retriever, when a model is loaded.
    pub fn dense(&self) -> Option<&DenseRetriever> {
        self.dense.as_ref()
    }

    /// The configuration the engine was opened with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The loaded knowledge.
    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    /// The shared analyzer.
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// Answers `question` for national FAQs.
    pub fn ask(&self, question: &str) -> Result<Response, AskError> {
        self.ask_for(question, NATIONAL)
    }

    /// Answers `question` for `tenant` (national entries plus the tenant's own).
    pub fn ask_for(&self, question: &str, tenant: &str) -> Result<Response, AskError> {
        let (_, decision) = self.run(question, tenant)?;
        Ok(self.respond(question, tenant, &decision))
    }

    /// Like [`Engine::ask_for`], also returning the best `n` candidates (entry id,
    /// confidence), best first, for the curation log.
    pub fn ask_with_candidates(
        &self,
        question: &str,
        tenant: &str,
        n: usize,
    ) -> Result<(Response, Vec<(String, f32)>), AskError> {
        let (_, decision) = self.run(question, tenant)?;
        let top = decision
            .ranked
            .iter()
            .take(n)
            .map(|s| (s.candidate.id.clone(), s.confidence))
            .collect();
        Ok((self.respond(question, tenant, &decision), top))
    }

    pub(crate) fn respond(&self, question: &str, tenant: &str, decision: &Decision) -> Response {
        let message = match decision.kind {
            DecisionKind::Answer => None,
            DecisionKind::Suggest => Some(respond::SUGGEST_MESSAGE.to_string()),
            DecisionKind::Abstain if decision.own_record => {
                Some(respond::OWN_RECORD_MESSAGE.to_string())
            }
            DecisionKind::Abstain => Some(respond::ABSTAIN_MESSAGE.to_string()),
            DecisionKind::Clarify => Some(respond::CLARIFY_MESSAGE.to_string()),
        };
        Response {
            query: question.to_string(),
            decision: decision.kind,
            answer: decision
                .top
                .as_ref()
                .and_then(|s| self.answer_view(s, tenant)),
            suggestions: decision
                .suggestions
                .iter()
                .filter_map(|s| self.suggestion_view(s, tenant))
                .collect(),
            message,
            tenant: tenant.to_string(),
            sources: shown_sources(decision),
            error: None,
            clarify: None,
        }
    }

    /// The decision with every candidate ranked, for evaluation.
    pub fn rank(&self, question: &str, tenant: &str) -> Result<Decision, AskError> {
        Ok(self.run(question, tenant)?.1)
    }

    /// Like [`Engine::rank`] with a choice of retrievers (the eval report compares
    /// them). `Dense` without a loaded model ranks nothing.
    pub fn rank_with(
        &self,
        question: &str,
        tenant: &str,
        retrievers: Retrievers,
    ) -> Result<Decision, AskError> {
        Ok(self.run_with(question, tenant, retrievers)?.1)
    }

    /// Validates the input, analyzes, retrieves (hybrid) and decides.
    pub(crate) fn run(
        &self,
        question: &str,
        tenant: &str,
    ) -> Result<(Analysis, Decision), AskError> {
        check_question(question, self.config.limits.max_question_chars)?;
        let (analysis, mut decision) = self.run_composed(question, tenant)?;
        // No entry answers for one person's record; the candidates stay ranked (for
        // evaluation and --explain) but none is offered as theirs.
        if asks_about_own_record(&analysis.normalized) {
            decision.kind = DecisionKind::Abstain;
            decision.top = None;
            decision.suggestions.clear();
            decision.own_record = true;
        }
        Ok((analysis, decision))
    }

    /// Analyzes, retrieves and decides on text the engine put together itself (the
    /// previous question and a reply, a category and a follow-up): the input limits
    /// apply to each message a resident types, not to such combinations.
    pub(crate) fn run_composed(
        &self,
        question: &str,
        tenant: &str,
    ) -> Result<(Analysis, Decision), AskError> {
        self.retrieve_and_decide(question, tenant, Retrievers::Hybrid, None)
    }

    /// Like [`Engine::run_composed`], with only the entries whose ids are in `within`
    /// as candidates: the best entry of one situation for a question.
    pub(crate) fn run_within(
        &self,
        question: &str,
        tenant: &str,
        within: &[&str],
    ) -> Result<Decision, AskError> {
        Ok(self
            .retrieve_and_decide(question, tenant, Retrievers::Hybrid, Some(within))?
            .1)
    }

    fn run_with(
        &self,
        question: &str,
        tenant: &str,
        retrievers: Retrievers,
    ) -> Result<(Analysis, Decision), AskError> {
        check_question(question, self.config.limits.max_question_chars)?;
        self.retrieve_and_decide(question, tenant, retrievers, None)
    }

    fn retrieve_and_decide(
        &self,
        question: &str,
        tenant: &str,
        retrievers: Retrievers,
        within: Option<&[&str]>,
    ) -> Result<(Analysis, Decision), AskError> {
        let internal = |e: &dyn std::fmt::Display| AskError::Internal(e.to_string());
        let analysis = self.analyzer.analyze(question).map_err(|e| internal(&e))?;
        let stats = QueryStats::of(&analysis);
        let mut candidates = match retrievers {
            Retrievers::Dense => Vec::new(),
            _ => self
                .keyword
                .search(&analysis, tenant, &self.config.retrieve, within)
                .map_err(|e| internal(&e))?,
        };
        self.mark_aspects(&analysis, &mut candidates);
        let decide = |c| decide::decide(c, &stats, &self.config.decide, &self.config.retrieve);
        let mut keyword = decide(candidates);
        keyword.sources = vec!["keyword"];
        let Some(dense) = self.dense.as_ref() else {
            return Ok((analysis, keyword));
        };
        let dense_cfg = &self.config.dense;
        let confident = keyword.kind == DecisionKind::Answer
            && keyword
                .top
                .as_ref()
                .is_some_and(|t| t.confidence >= dense_cfg.skip_above_confidence);
        if retrievers == Retrievers::Keyword || (retrievers == Retrievers::Hybrid && confident) {
            return Ok((analysis, keyword));
        }
        let hits = match dense.search(question, tenant, dense_cfg.top_k) {
            Ok(hits) => hits,
            Err(e) => {
                // Never an error to the resident: keyword results stand.
                tracing::warn!(error = %e, "dense retrieval failed; answering with keyword retrieval");
                return Ok((analysis, keyword));
            }
        };
        let cap = match retrievers {
            Retrievers::Dense => 1.0,
            _ => dense_cfg.max_confidence,
        };
        let entries = self.kb.entries();
        let dense_candidates: Vec<DenseCandidate> = hits
            .iter()
            .filter(|h| within.is_none_or(|ids| ids.contains(&entries[h.entry].id.as_str())))
            .map(|h| DenseCandidate {
                id: entries[h.entry].id.clone(),
                tenant: entries[h.entry].tenant.clone(),
                similarity: h.similarity,
                confidence: dense.spec().calibrate(h.similarity, cap),
            })
            .collect();
        let keyword_ranked = keyword.ranked.into_iter().map(|s| s.candidate).collect();
        let mut merged = hybrid::merge(
            keyword_ranked,
            &dense_candidates,
            Weights {
                keyword: dense_cfg.keyword_weight,
                dense: dense_cfg.dense_weight,
                rrf_k: dense_cfg.rrf_k,
            },
        );
        self.mark_aspects(&analysis, &mut merged);
        let mut decision = decide(merged);
        decision.sources = match retrievers {
            Retrievers::Dense => vec!["dense"],
            _ => vec!["keyword", "dense"],
        };
        Ok((analysis, decision))
    }

    /// The evidence behind an answer: terms, and the best candidates with their scores.
    pub fn explain(&self, question: &str, tenant: &str) -> Result<String, AskError> {
        let (a, d) = self.run(question, tenant)?;
        let mut out = format!(
            "normalized: {}\nwords: {}\nkana: {}\nhiragana ratio: {:.2}\ndecision: {}\n",
            a.normalized,
            a.words.join(" | "),
            a.kana.join(" "),
            a.hiragana_ratio,
            d.kind.as_str()
        );
        out.push_str(&format!("retrievers: {}\n", d.sources.join(" + ")));
        for s in d.ranked.iter().take(10) {
            let c = &s.candidate;
            out.push_str(&format!(
                "  {:<48} bm25 {:>6.2}  phrasing {:>6.2}  words {:.2}  kana {:.2}  resemblance {:.2}  dense {:.2}  confidence {:.2}  rank {:.3}\n",
                c.id, c.bm25, c.phrasing, c.word_coverage, c.kana_coverage, c.resemblance, c.dense_confidence, s.confidence, s.rank
            ));
        }
        Ok(out)
    }

    /// Like [`Engine::ask_for`], but a rejected question becomes an `abstain` response
    /// carrying the error (for JSONL and HTTP, where every question gets one object).
    pub fn ask_or_explain(&self, question: &str, tenant: &str) -> Response {
        self.ask_for(question, tenant).unwrap_or_else(|e| {
            if let AskError::Internal(detail) = &e {
                tracing::error!(error = %detail, "ask failed");
            }
            Response {
                query: question.chars().take(200).collect(),
                decision: DecisionKind::Abstain,
                answer: None,
                suggestions: Vec::new(),
                message: Some(e.to_string()),
                tenant: tenant.to_string(),
                sources: Vec::new(),
                error: Some(ErrorView {
                    code: e.code(),
                    message: e.to_string(),
                }),
                clarify: None,
            }
        })
    }

    fn answer_view(&self, s: &Scored, tenant: &str) -> Option<AnswerView> {
        let e = self.kb.get(tenant, &s.candidate.id)?;
        Some(AnswerView {
            entry: EntryView::of(e),
            score: round3(s.confidence),
        })
    }

    fn suggestion_view(&self, s: &Scored, tenant: &str) -> Option<SuggestionView> {
        let e = self.kb.get(tenant, &s.candidate.id)?;
        Some(SuggestionView {
            id: e.id.clone(),
            question: e.question.clone(),
            answer: e.answer.trim().to_string(),
            source_url: e.source_url.clone(),
            score: round3(s.confidence),
        })
    }
}

/// Retrievers that found what the response shows (answer and suggestions), or, when
/// it shows nothing, the retrievers consulted.
fn shown_sources(d: &Decision) -> Vec<&'static str> {
    let shown = decide::sources_of(d.top.iter().chain(&d.suggestions));
    if shown.is_empty() {
        d.sources.clone()
    } else {
        shown
    }
}

/// Logs the dense retrieval state when it changes (once per process for the usual
/// "no model here"), at a level that matches: a missing model or runtime is the
/// normal state of a fresh install (info), a broken one is a warning.
/// Returns whether it logged.
fn log_dense_once(status: &DenseStatus, broken: bool) -> bool {
    static LAST: std::sync::Mutex<Option<DenseStatus>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
    if last.as_ref() == Some(status) {
        return false;
    }
    *last = Some(status.clone());
    if broken {
        tracing::warn!("{}", status.reason);
    } else {
        tracing::info!("{}", status.reason);
    }
    true
}

/// The engine's only input checks: at most `max_chars` characters, not blank.
pub fn check_question(question: &str, max_chars: usize) -> Result<(), AskError> {
    let chars = question.chars().count();
    if chars > max_chars {
        return Err(AskError::TooLong {
            chars,
            max: max_chars,
        });
    }
    if question.trim().is_empty() {
        return Err(AskError::Empty);
    }
    Ok(())
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

/// Sample texts whose analysis stands for the analyzer's behaviour: if any code,
/// dictionary, user-dictionary or synonym change alters how they are analyzed, the
/// fingerprint changes and the index is rebuilt.
const ANALYSIS_PROBES: &[&str] = &[
    "マイナンバーカードを紛失しました。再交付の手数料はいくらですか？",
    "じどうてあて いつ ふりこまれる",
    "ｺｸﾎの保険料、子供の医療費助成と保険証（被保険者証）について",
    "出産育児一時金は５０万円です",
    "カードを失くしてしまいました",
    "how much is the school lunch fees",
    "いつまで フリーランス なんわり",
    "国民健康保険料って高い",
];

/// Fingerprint of everything the index depends on: the knowledge and the analysis.
fn index_fingerprint(
    kb: &KnowledgeBase,
    analyzer: &Analyzer,
    files: &AnalyzerFiles,
) -> Result<String, AnalysisError> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(kb.fingerprint().as_bytes());
    for probe in ANALYSIS_PROBES {
        let a = analyzer.analyze(probe)?;
        let grams = crate::analysis::char_grams(&a.normalized);
        h.update(format!("{:?}|{:?}|{:?}|{}", a.words, a.kana, grams, a.normalized).as_bytes());
    }
    for path in files.all() {
        h.update(path.to_string_lossy().as_bytes());
        h.update(std::fs::read(path).unwrap_or_default());
    }
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    Ok(format!("{:x}", h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrieve::dense::DenseError;

    #[test]
    fn the_dense_state_is_logged_once_until_it_changes() {
        let off = DenseStatus::off(&DenseError::Disabled);
        let other = DenseStatus::off(&DenseError::Model("x".into()));
        // Another engine in this test binary may have logged `off` already.
        log_dense_once(&off, false);
        assert!(!log_dense_once(&off, false), "a reload does not repeat it");
        assert!(log_dense_once(&other, true), "a new reason is logged");
        assert!(log_dense_once(&off, false));
    }
}
