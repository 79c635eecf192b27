//! Respond: the public answer contract (the JSON of `ask --json` and, later, the HTTP
//! API) and its plain-text rendering for the terminal.

use serde::Serialize;

use crate::knowledge::Entry;

use crate::decide::DecisionKind;

/// Message shown when we cannot answer.
pub const ABSTAIN_MESSAGE: &str =
    "申し訳ありません。このご質問にお答えできる情報が見つかりませんでした。お住まいの市区町村の担当窓口にお問い合わせください。";
/// Message shown when the question is about the resident's own record.
pub const OWN_RECORD_MESSAGE: &str =
    "ご本人の手続きの状況や金額・振込日などの記録は、ここではお調べできません。お住まいの市区町村の担当窓口にお問い合わせください（本人確認のできる書類をお持ちください）。";
/// Message shown with suggestions.
pub const SUGGEST_MESSAGE: &str = "次のご質問の中に、お探しのものはありますか？";

/// Message of a clarifying question.
pub const CLARIFY_MESSAGE: &str = "ご状況によって答えが変わります。どれについてのご質問ですか？";

/// A clarifying question: choose one option (send its label back in the same session).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClarifyView {
    pub question: String,
    pub options: Vec<ClarifyOption>,
}

/// One option of a clarifying question: a situation and the entries it leads to.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClarifyOption {
    pub label: String,
    pub ids: Vec<String>,
}

/// The answer to one question. Field names are a public contract: add, never rename.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Response {
    pub query: String,
    pub decision: DecisionKind,
    pub answer: Option<AnswerView>,
    pub suggestions: Vec<SuggestionView>,
    pub message: Option<String>,
    /// Tenant the question was answered for.
    pub tenant: String,
    /// Retrievers that contributed candidates.
    pub sources: Vec<&'static str>,
    /// Set when the question itself was rejected (empty, too long); then `decision` is
    /// `abstain` and `message` says what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorView>,
    /// Set when `decision` is `clarify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clarify: Option<ClarifyView>,
}

/// An FAQ entry as the public sees it (the `GET /v1/faqs/{id}` body, and the core of
/// an answer).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub domain: String,
    pub category: String,
    pub source: String,
    pub source_url: String,
    pub reviewed: String,
    pub tenant: String,
    pub related: Vec<String>,
}

impl EntryView {
    /// The public view of `e`.
    pub fn of(e: &Entry) -> Self {
        EntryView {
            id: e.id.clone(),
            question: e.question.clone(),
            answer: e.answer.trim().to_string(),
            domain: e.domain.as_str().to_string(),
            category: e.category.clone(),
            source: e.source.clone(),
            source_url: e.source_url.clone(),
            reviewed: e.reviewed.to_string(),
            tenant: e.tenant.clone(),
            related: e.related.clone(),
        }
    }
}

/// The entry given as the answer: the entry's fields plus the confidence.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AnswerView {
    #[serde(flatten)]
    pub entry: EntryView,
    /// Confidence, 0–1.
    pub score: f32,
}

impl std::ops::Deref for AnswerView {
    type Target = EntryView;

    fn deref(&self) -> &EntryView {
        &self.entry
    }
}

/// A suggested entry.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub source_url: String,
    /// Confidence, 0–1.
    pub score: f32,
}

/// Why a question was rejected.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ErrorView {
    /// Stable machine-readable code, e.g. `empty_question`.
    pub code: &'static str,
    pub message: String,
}

impl Response {
    /// Renders the response for a person at a terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match (&self.decision, &self.answer) {
            (DecisionKind::Answer, Some(a)) => {
                out.push_str(&format!("Q. {}\n\n", a.question));
                out.push_str(a.answer.trim());
                out.push_str(&format!(
                    "\n\n出典: {} {}（{} 確認）\n[{} / 確信度 {:.2}]\n",
                    a.source, a.source_url, a.reviewed, a.id, a.score
                ));
                if !self.suggestions.is_empty() {
                    out.push_str("\n関連する質問:\n");
                }
            }
            _ => {
                if let Some(m) = &self.message {
                    out.push_str(m);
                    out.push('\n');
                }
                if let Some(c) = &self.clarify {
                    for (i, o) in c.options.iter().enumerate() {
                        out.push_str(&format!("  {}) {}\n", i + 1, o.label));
                    }
                }
            }
        }
        for (i, s) in self.suggestions.iter().enumerate() {
            out.push_str(&format!(
                "  {}. {} [{} / {:.2}]\n",
                i + 1,
                s.question,
                s.id,
                s.score
            ));
        }
        out
    }
}
