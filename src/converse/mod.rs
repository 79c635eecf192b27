//! Conversation: ask back when the answer depends on who is asking, and answer
//! follow-ups in the context of the previous answer — like a counter clerk.
//!
//! - **Clarify.** When no candidate is confident — or the best is tied in confidence
//!   with an entry of another category — and the strong ones belong to different
//!   categories (schemes such as 国民健康保険料 / 後期高齢者医療制度 / 任意継続),
//!   the options are those categories, taken from the entries themselves
//!   ([`clarify_options`]). Never when one candidate is clearly right (that is an
//!   answer), never more than [`MAX_ROUNDS`] times in a row. A question naming only
//!   a kind of scheme (手当, カード) that several strong candidates' labels end in
//!   (児童手当, 児童扶養手当, 出産手当金) is asked which, even when one is answered.
//! - **Reply.** The next message is read as a reply when it names an option (its
//!   number, its label, or one option in its own words after synonyms — of several
//!   named, the one whose label the first question covers most of), is a
//!   statement (「けがで休んでいる会社員です」), or, combined with the first question,
//!   ranks one option's entry first. The situation it points to
//!   (an option's or another) is answered by the first question searched among that
//!   situation's entries alone, with its short forms spelled out as the situation's
//!   label does (カード → マイナンバーカード). A *question* confidently answered on its
//!   own is new — or, answered within one of the options, is what is asked now; a
//!   question that only with the first points into an option is answered by the two
//!   together (「家族が代わりに行ってもいい？」 after 「暗証番号を忘れました」).
//! - **After suggestions.** A statement is read with the question they were offered
//!   for and answers the pair's best entry when sure enough.
//! - **Follow-up.** After an answer, a short or unanswerable *question*
//!   (「それはいつまで？」) is asked again with the previous entry's category in front and
//!   answered within that topic (its category or related entries); a longer one whose
//!   best match is on the topic, or fits the topic nearly as well as elsewhere, stays
//!   on it. A *statement* about the resident (「会社員で産休をとります」「国保です」)
//!   picks another situation for the previous question, or confirms the current one.
//!   A message naming a scheme of its own and answered is a new matter, unless it is
//!   a statement that confirms the topic or fits the previous question as surely;
//!   one naming a scheme and asking nothing of its own (「電子証明書のほうは？」)
//!   asks the previous question about that scheme. It is never answered from the
//!   old topic.
//!
//! The engine stays stateless: [`Context`] goes in and comes out; the server keeps it
//! per session ([`Sessions`]: in memory, TTL, bounded), the CLI per `chat`. A context
//! holds only entry ids, category labels and redacted question text.

mod options;
mod replies;
mod sessions;
mod situations;
mod wording;

pub use self::options::clarify_options;
use self::options::{KIND_WINDOW, WINDOW};

pub use self::sessions::Sessions;
use self::wording::label_parts;
use self::wording::points_back;
pub(crate) use self::wording::situation;
pub use self::wording::{is_question, named_option};
use crate::analysis::is_short_form;
use crate::analysis::normalize::normalize;
use crate::decide::{Decision, DecisionKind, Scored};
use crate::engine::{AskError, Engine};
use crate::respond::{ClarifyOption, ClarifyView, Response, CLARIFY_MESSAGE};

/// Clarifications asked in a row at most.
pub const MAX_ROUNDS: u8 = 2;
/// Messages this short (normalized characters) may be follow-ups even when answerable.
const SHORT: usize = 12;
/// Confidence a follow-up's topic entry needs when the follow-up alone finds nothing.
const FOLLOW_UP_MIN_CONFIDENCE: f32 = 0.15;
/// Confidence the previous question needs among the entries of the situation a
/// statement switches to (「会社を休んでいます」 → 傷病手当金 for 「手当の申請は？」).
const SWITCH_MIN_CONFIDENCE: f32 = 0.3;
/// A follow-up answered elsewhere goes to the conversation's topic when an entry of
/// that topic fits it within this much confidence.
const TOPIC_MARGIN: f32 = 0.1;
/// A statement naming a situation (「フリーランスで、国民健康保険に入っています」) is the
/// resident describing themselves when the previous question fits in that situation
/// within this much confidence of the statement's own best entry: it moves the question
/// there rather than starting a new matter.
const STATEMENT_MARGIN: f32 = 0.3;
/// An answer whose confidence another category's entry matches within this margin is
/// not "clearly right": both fit the words, only the situation tells them apart.
const TIE: f32 = 0.03;

/// What a conversation remembers between turns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    /// The clarification waiting for a reply.
    pub pending: Option<Pending>,
    /// The entry of the last answer (or best suggestion): the topic of follow-ups.
    pub last_entry: Option<String>,
    /// The last question (redacted), which a reply may refine.
    pub last_question: Option<String>,
    /// Clarifications asked in a row.
    pub rounds: u8,
    /// The last entry was only suggested, not answered.
    pub suggested: bool,
}

/// A message after an answer, with what it may follow up on.
#[derive(Clone, Copy)]
struct Turn<'a> {
    question: &'a str,
    tenant: &'a str,
    /// The entry last answered: the conversation's topic.
    last: &'a crate::knowledge::Entry,
    /// The question that entry answered (redacted).
    previous: &'a str,
    /// The message's own decision, asked alone.
    plain: &'a Decision,
    /// The message asks something ([`Engine::asks`]) rather than states.
    asks: bool,
}

/// True when `e` is on the topic of the last answer `last`: its category or one of
/// its related entries.
fn in_topic(last: &crate::knowledge::Entry, e: &crate::knowledge::Entry) -> bool {
    e.category == last.category || last.related.contains(&e.id)
}

/// A clarification waiting for a reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The question that was ambiguous (redacted).
    pub question: String,
    pub options: Vec<ClarifyOption>,
}

impl Engine {
    /// Answers `question` as the next turn of a conversation; returns the response
    /// and the context for the turn after.
    pub fn converse(
        &self,
        question: &str,
        tenant: &str,
        ctx: &Context,
    ) -> Result<(Response, Context), AskError> {
        let (analysis, plain) = self.run(question, tenant)?;
        // A question about the resident's own record is never answered from the
        // conversation either; it leaves the conversation as it was.
        if plain.own_record {
            return Ok((self.respond(question, tenant, &plain), ctx.clone()));
        }
        let asks = self.asks(question);
        if let Some(p) = &ctx.pending {
            if let Some(decision) = self.reply(question, asks, tenant, p, &plain)? {
                return Ok(self.finish(question, tenant, decision, ctx.rounds));
            }
        }
        let mut decision = plain;
        let mut in_context = false;
        // A statement after suggestions completes the question they were offered for.
        if ctx.suggested && !asks {
            if let Some(previous) = &ctx.last_question {
                let (_, combined) = self.run_composed(&format!("{previous} {question}"), tenant)?;
                if let Some(d) = self.first_if_sure(&combined.ranked) {
                    return Ok(self.finish(question, tenant, d, 0));
                }
            }
        }
        if let Some(last) = ctx
            .last_entry
            .as_deref()
            .and_then(|id| self.knowledge().get(tenant, id))
        {
            let previous = ctx.last_question.as_deref().unwrap_or(&last.question);
            if let Some(d) = self.follow_up(Turn {
                question,
                tenant,
                last,
                previous,
                plain: &decision,
                asks,
            })? {
                decision = d;
                in_context = true;
            }
        } else if let Some(previous) = &ctx.last_question {
            // After a question we could not place, a second message may complete it;
            // a statement (「初めてマイナンバーカードを作ります」) always does, even one
            // that some entry would answer alone. A question answered alone keeps its
            // answer, and needs no clarification when the two together agree on it.
            let (_, combined) = self.run_composed(&format!("{previous} {question}"), tenant)?;
            if decision.kind == DecisionKind::Answer && asks {
                let top = |d: &Decision| d.ranked.first().map(|s| s.candidate.id.clone());
                in_context = top(&combined) == top(&decision);
            } else if combined.kind == DecisionKind::Answer {
                decision = combined;
                in_context = true;
            } else if !asks {
                if let Some(d) = self.first_if_sure(&combined.ranked) {
                    decision = d;
                    in_context = true;
                }
            }
        }
        let floor = match (&decision.kind, &decision.top) {
            _ if in_context || ctx.rounds >= MAX_ROUNDS => None,
            (DecisionKind::Suggest, _) => Some(self.config().decide.suggest_min_confidence),
            // Only short questions: a long one that ties is a wording problem, not a
            // missing situation.
            (DecisionKind::Answer, Some(top))
                if normalize(question).chars().count() <= SHORT
                    && !self
                        .category_of(tenant, &top.candidate.id)
                        .is_some_and(|c| self.names(question, c)) =>
            {
                Some(top.confidence - TIE)
            }
            _ => None,
        };
        let options = floor.and_then(|floor| {
            clarify_options(&decision.ranked, floor, WINDOW, |id| {
                self.category_of(tenant, id).map(situation)
            })
        });
        // A question that says only what kind of thing it is about (手当, カード),
        // answered by one of several schemes of that kind, is asked which one.
        let options = options.or_else(|| {
            let open = !in_context && ctx.rounds < MAX_ROUNDS;
            (open && decision.kind == DecisionKind::Answer)
                .then(|| self.kind_options(question, &analysis.words, tenant, &decision))
                .flatten()
        });
        // A question that names one of the situations is not ambiguous; one that
        // names several is asked about those only — unless it spells out exactly one
        // of them in full (国民健康保険料, whose 国民健康保険 also heads
        // 国民健康保険の加入・脱退).
        let options = options.and_then(|all| {
            let a = self.analyzer();
            let asked = a.prepare(question);
            let named: Vec<ClarifyOption> = all
                .iter()
                .filter(|o| self.names(question, &o.label))
                .cloned()
                .collect();
            let in_full = named
                .iter()
                .filter(|o| asked.contains(a.prepare(&o.label).as_str()))
                .count();
            if named.len() > 1 && in_full == 1 {
                return None;
            }
            match named.len() {
                0 => Some(all),
                1 => None,
                _ => Some(named),
            }
        });
        let Some(options) = options else {
            return Ok(self.finish(question, tenant, decision, 0));
        };
        // The conversation's topic settles an ambiguity between it and others.
        let topic = ctx
            .last_entry
            .as_deref()
            .and_then(|id| self.category_of(tenant, id))
            .map(situation);
        if let Some(topic) = topic.filter(|t| options.iter().any(|o| &o.label == t)) {
            let on_topic = |s: &Scored| {
                self.category_of(tenant, &s.candidate.id)
                    .map(situation)
                    .as_deref()
                    == Some(topic.as_str())
            };
            let floor = self.config().decide.suggest_min_confidence;
            if let Some(d) = self.answer_among(&decision.ranked, floor, on_topic) {
                return Ok(self.finish(question, tenant, d, 0));
            }
        }
        let mut response = self.respond(question, tenant, &decision);
        response.decision = DecisionKind::Clarify;
        response.message = Some(CLARIFY_MESSAGE.to_string());
        response.answer = None;
        response.suggestions.clear();
        response.clarify = Some(ClarifyView {
            question: CLARIFY_MESSAGE.to_string(),
            options: options.clone(),
        });
        let next = Context {
            pending: Some(Pending {
                question: crate::redact::redact(question),
                options,
            }),
            last_entry: None,
            last_question: None,
            rounds: ctx.rounds + 1,
            suggested: false,
        };
        Ok((response, next))
    }

    /// The response to `decision` and the context after it.
    fn finish(
        &self,
        question: &str,
        tenant: &str,
        decision: Decision,
        rounds: u8,
    ) -> (Response, Context) {
        // The topic for a follow-up: the answer, or the best suggestion.
        let topic = match decision.kind {
            DecisionKind::Answer => decision.top.as_ref(),
            DecisionKind::Suggest => decision.suggestions.first(),
            _ => None,
        };
        let next = Context {
            pending: None,
            last_entry: topic.map(|s| s.candidate.id.clone()),
            last_question: Some(crate::redact::redact(question)),
            rounds: if decision.kind == DecisionKind::Answer {
                0
            } else {
                rounds
            },
            suggested: decision.kind == DecisionKind::Suggest,
        };
        (self.respond(question, tenant, &decision), next)
    }

    /// An answer from the best of `ranked` when it reaches the suggestion floor — not
    /// from a lower-ranked one that does.
    fn first_if_sure(&self, ranked: &[Scored]) -> Option<Decision> {
        let floor = self.config().decide.suggest_min_confidence;
        let first = ranked.first()?.candidate.id.clone();
        self.answer_among(ranked, floor, |s| s.candidate.id == first)
    }

    /// An answer from the first of `ranked` that `keep` accepts with at least
    /// `min_confidence`; the next accepted ones become its suggestions.
    fn answer_among(
        &self,
        ranked: &[Scored],
        min_confidence: f32,
        keep: impl Fn(&Scored) -> bool,
    ) -> Option<Decision> {
        let mut kept = ranked
            .iter()
            .filter(|s| keep(s) && s.confidence >= min_confidence)
            .cloned();
        let top = kept.next()?;
        Some(Decision {
            kind: DecisionKind::Answer,
            top: Some(top),
            suggestions: kept.take(self.config().decide.max_suggestions).collect(),
            ranked: ranked.to_vec(),
            sources: crate::decide::sources_of(ranked),
            own_record: false,
        })
    }

    /// The answer to `question` from the entries (visible to `tenant`) of the given
    /// situations alone, however weakly they match; `None` when none matches at all.
    fn best_in_situations(
        &self,
        question: &str,
        tenant: &str,
        situations: &[&str],
    ) -> Result<Option<Decision>, AskError> {
        let ids: Vec<&str> = self
            .knowledge()
            .entries()
            .iter()
            .filter(|e| e.visible_to(tenant))
            .filter(|e| situations.contains(&situation(&e.category).as_str()))
            .map(|e| e.id.as_str())
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        let decision = self.run_within(question, tenant, &ids)?;
        Ok(self.answer_among(&decision.ranked, f32::MIN, |_| true))
    }

    /// The best match for a message by its words: of the candidates ranked within
    /// what resemblance can add (`retrieve.resemblance_weight`) of the first, the one
    /// whose words fit best (highest confidence; the earlier on a tie). Resemblance may
    /// reorder such near-ties by phrasing; rules about what a message's words are about
    /// (its topic) look past that.
    pub(super) fn best_by_words<'a>(&self, ranked: &'a [Scored]) -> Option<&'a Scored> {
        let first = ranked.first()?.rank;
        let reach = self.config().retrieve.resemblance_weight;
        ranked.iter().take_while(|s| s.rank >= first - reach).fold(
            None,
            |best: Option<&Scored>, s| match best {
                Some(b) if b.confidence >= s.confidence => Some(b),
                _ => Some(s),
            },
        )
    }

    /// Of the candidates as sure as `top` (within [`TIE`]), one in `last`'s own
    /// category rather than a related entry of another: 「手元のは番号の証明に使える？」
    /// after 通知カードの廃止 is about 通知カード, not about 個人番号通知書.
    fn closest_to_topic(
        &self,
        ranked: &[Scored],
        top: &Scored,
        tenant: &str,
        last: &crate::knowledge::Entry,
    ) -> String {
        ranked
            .iter()
            .take_while(|s| s.confidence >= top.confidence - TIE)
            .find(|s| self.category_of(tenant, &s.candidate.id) == Some(last.category.as_str()))
            .unwrap_or(top)
            .candidate
            .id
            .clone()
    }

    /// The entries (visible to `tenant`) of `last`'s topic: its category and related.
    fn topic_ids(&self, tenant: &str, last: &crate::knowledge::Entry) -> Vec<&str> {
        self.knowledge()
            .entries()
            .iter()
            .filter(|e| e.visible_to(tenant) && in_topic(last, e))
            .map(|e| e.id.as_str())
            .collect()
    }

    /// True when `text` asks something ([`is_question`]), judged after synonyms so
    /// that kana spellings (「まいなかーどのほう」, whose かーどの holds どの) are read as
    /// the words they spell.
    fn asks(&self, text: &str) -> bool {
        text.trim_end().ends_with(['?', '？']) || is_question(&self.analyzer().prepare(text))
    }

    fn category_of(&self, tenant: &str, id: &str) -> Option<&str> {
        self.knowledge()
            .get(tenant, id)
            .map(|e| e.category.as_str())
    }

    /// `question` with the words of the chosen situation's `label` that a short form in
    /// it stands for: 「カードをなくした」 with マイナンバーカードの紛失・盗難 chosen is
    /// about マイナンバーカード.
    pub(super) fn spelled_out(&self, question: &str, label: &str) -> String {
        let a = self.analyzer();
        let Ok(asked) = a.analyze(question) else {
            return question.to_string();
        };
        let mut out = question.to_string();
        for part in label_parts(label, |p| a.prepare(p)) {
            if asked.words.iter().any(|w| is_short_form(w, &part)) {
                out.push(' ');
                out.push_str(&part);
            }
        }
        out
    }

    /// Reads `question` in the context of the last answer `last` when it looks like a
    /// follow-up: asked again with `last`'s category in front, keeping to entries of
    /// that category or related to `last`. `None` keeps the plain decision.
    fn follow_up(&self, turn: Turn<'_>) -> Result<Option<Decision>, AskError> {
        let Turn {
            question,
            tenant,
            last,
            previous,
            plain,
            asks,
        } = turn;
        // A message naming a scheme of its own, and answered, is a new matter
        // (「マイナンバーカードをなくしました」 after 児童手当), unless it is a statement that
        // confirms the topic (「昔の紙の健康保険証です」) or fits the previous question in
        // its situation nearly as surely as it fits its own entry ([`STATEMENT_MARGIN`]):
        // then it describes the resident rather than asking anything.
        let named = self.named_situations(question, tenant);
        let own_topic = plain.kind == DecisionKind::Answer && !named.is_empty();
        // A statement (「会社員です」「国保のほう」) describes the resident's situation:
        // it picks the category, the previous question what is asked about it.
        if !asks {
            if let Some(d) = self.situation_switch(turn)? {
                let sure = |d: &Decision| d.top.as_ref().map_or(0.0, |t| t.confidence);
                let confirms = d.top.as_ref().is_some_and(|t| t.candidate.id == last.id);
                if !own_topic || confirms || sure(&d) + STATEMENT_MARGIN >= sure(plain) {
                    return Ok(Some(d));
                }
            }
        }
        // A question naming a scheme and nothing it asks of its own asks the previous
        // question about that scheme.
        if let Some(d) = self.other_scheme_alike(turn, &named)? {
            return Ok(Some(d));
        }
        if own_topic {
            return Ok(None);
        }
        // A question of its own words whose best match, even if not sure enough to
        // answer alone, is on the conversation's topic: the topic settles it
        // (「届いたカードの有効期限って何年？」 after a child's card).
        // A short question, or one pointing back (「じゃあ手元のやつは…」「それって…」),
        // is about the topic whatever its words match elsewhere.
        let short = normalize(question).chars().count() <= SHORT || points_back(question);
        let on_topic = |s: &Scored| {
            self.knowledge()
                .get(tenant, &s.candidate.id)
                .is_some_and(|e| in_topic(last, e))
        };
        let floor = self.config().decide.suggest_min_confidence;
        if let Some(top) = self
            .best_by_words(&plain.ranked)
            .filter(|t| !short && on_topic(t) && t.confidence >= floor)
        {
            let id = self.closest_to_topic(&plain.ranked, top, tenant, last);
            return Ok(self.answer_among(&plain.ranked, f32::MIN, |s| s.candidate.id == id));
        }
        // A reply that describes another situation refines the previous question:
        // both together point to another category's entry, at least as surely as the
        // reply alone points anywhere.
        // A question naming schemes of its own (「マイナンバーカードの申請はどうやるの」
        // after 児童手当) is refined into one of those only.
        let (_, combined) = self.run_composed(&format!("{previous} {question}"), tenant)?;
        if let (DecisionKind::Answer, Some(top)) = (&combined.kind, &combined.top) {
            let category = self.category_of(tenant, &top.candidate.id);
            let fits_named =
                named.is_empty() || category.is_some_and(|c| named.contains(&situation(c)));
            let surer = plain.kind != DecisionKind::Answer
                || plain
                    .top
                    .as_ref()
                    .is_some_and(|p| top.confidence >= p.confidence);
            if surer
                && fits_named
                && top.candidate.id != last.id
                && category != Some(last.category.as_str())
            {
                return Ok(Some(combined));
            }
        }
        let plain_on_topic = plain.top.as_ref().is_some_and(|t| {
            self.category_of(tenant, &t.candidate.id) == Some(last.category.as_str())
        });
        if plain.kind == DecisionKind::Answer && plain_on_topic {
            return Ok(None);
        }
        if plain.kind == DecisionKind::Answer && !short {
            // A longer question answered elsewhere stays there unless the topic has an
            // entry that fits it about as well: the conversation's topic breaks the tie.
            let topical = self.run_within(question, tenant, &self.topic_ids(tenant, last))?;
            let best = plain.top.as_ref().map_or(0.0, |t| t.confidence);
            let Some(top) = topical
                .ranked
                .first()
                .filter(|t| t.confidence >= best - TOPIC_MARGIN)
            else {
                return Ok(None);
            };
            let id = self.closest_to_topic(&topical.ranked, top, tenant, last);
            return Ok(self.answer_among(&topical.ranked, f32::MIN, |s| s.candidate.id == id));
        }
        if !named.is_empty() && !named.contains(&situation(&last.category)) {
            return Ok(None);
        }
        let (_, anchored) = self.run_composed(&format!("{} {question}", last.category), tenant)?;
        // A follow-up without a topic of its own takes the topic's best entry, even at
        // lower confidence than an answer elsewhere.
        Ok(self.answer_among(&anchored.ranked, FOLLOW_UP_MIN_CONFIDENCE, on_topic))
    }
}
