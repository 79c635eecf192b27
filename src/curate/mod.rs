//! Curation: turns the questions we could not answer (and every 「解決しなかった」)
//! into groups a curator can act on in one step — add the question as an
//! `alt_question` of an entry, draft a new entry, or dismiss the group.
//!
//! Grouping is deterministic and needs no dictionary: each question is reduced to a
//! key (normalized text without spaces or punctuation), identical keys merge, then
//! keys join the most frequent group whose representative shares enough character
//! bigrams (Jaccard ≥ [`SIMILARITY`]). Acting on a group records all its keys in the
//! store, so the group disappears and the same questions do not come back. The same
//! [`Curator`] serves `madoguchi curate …` and the `/admin/` dashboard.

mod edit;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use self::edit::{add_alt_question, write_draft};
use crate::analysis::normalize::normalize;
use crate::knowledge::{KnowledgeBase, NATIONAL};
use crate::store::{sqlite, Action, DailyCount, Store, StoreError};

/// Bigram Jaccard similarity at which two questions belong to one group.
pub const SIMILARITY: f32 = 0.45;

/// Most recent asks (and feedback) considered when grouping.
pub const WINDOW: usize = 20_000;

/// Errors of curation actions.
#[derive(Debug, thiserror::Error)]
pub enum CurateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no open group `{0}` (it may have been acted on already; list the groups again)")]
    UnknownGroup(String),
    #[error("no entry `{id}` for tenant {tenant} in the knowledge base")]
    UnknownEntry { id: String, tenant: String },
    #[error("the question contains redacted personal data ({0}); write it without personal data")]
    Redacted(String),
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("entry `{0}` already has this question")]
    AlreadyPresent(String),
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("the change would make the knowledge invalid, so it was not made:\n{0}")]
    Invalid(String),
}

/// An entry near a group, by the candidates its questions received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nearest {
    pub id: String,
    pub question: String,
    /// Mean confidence the group's questions gave this entry.
    pub score: f32,
}

/// Similar unanswered questions, with counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Stable id (hash of the representative question's key).
    pub id: String,
    /// The most frequent wording.
    pub question: String,
    /// Questions in the group (asks and 「解決しなかった」 feedback).
    pub count: usize,
    /// Of which 「解決しなかった」 feedback.
    pub unhelpful: usize,
    pub first_seen: String,
    pub last_seen: String,
    pub tenants: Vec<String>,
    /// Decision → count (`abstain`, `suggest`, `answer`, `unhelpful`).
    pub decisions: BTreeMap<String, usize>,
    /// Distinct wordings with counts, most frequent first (at most 20).
    pub variants: Vec<(String, usize)>,
    /// Normalized keys of every member (recorded when the group is acted on).
    #[serde(skip)]
    pub keys: Vec<String>,
    pub nearest: Vec<Nearest>,
}

impl Group {
    /// The tenant to act for: the only tenant, or national when several asked.
    pub fn tenant(&self) -> &str {
        match self.tenants.as_slice() {
            [one] => one,
            _ => NATIONAL,
        }
    }
}

/// One question to group.
#[derive(Debug, Clone)]
struct Item {
    query: String,
    at: String,
    tenant: String,
    decision: String,
    top: Vec<(String, f32)>,
}

/// The grouping key of a question: normalized, without spaces and punctuation.
pub fn key(query: &str) -> String {
    normalize(query)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn bigrams(key: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() == 1 {
        return BTreeSet::from([(chars[0], chars[0])]);
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn jaccard(a: &BTreeSet<(char, char)>, b: &BTreeSet<(char, char)>) -> f32 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f32 / union as f32
    }
}

fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(text.as_bytes()))[..10].to_string()
}

/// Groups `items`, skipping acted-on keys; groups are sorted by size, then recency.
fn group_items(
    items: Vec<Item>,
    acted: &HashMap<String, Action>,
    kb: Option<&KnowledgeBase>,
) -> Vec<Group> {
    let mut by_key: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for item in items {
        let k = key(&item.query);
        if !k.is_empty() && !acted.contains_key(&k) {
            by_key.entry(k).or_default().push(item);
        }
    }
    let mut keys: Vec<(String, Vec<Item>)> = by_key.into_iter().collect();
    keys.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    // (representative's bigrams, members by key)
    type Cluster = (BTreeSet<(char, char)>, Vec<(String, Vec<Item>)>);
    let mut clusters: Vec<Cluster> = Vec::new();
    for (k, members) in keys {
        let grams = bigrams(&k);
        let best = clusters
            .iter()
            .enumerate()
            .map(|(i, (rep, _))| (i, jaccard(rep, &grams)))
            .filter(|(_, s)| *s >= SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, _)) => clusters[i].1.push((k, members)),
            None => clusters.push((grams, vec![(k, members)])),
        }
    }
    let mut groups: Vec<Group> = clusters
        .into_iter()
        .map(|(_, members)| summarize(members, kb))
        .collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
    });
    groups
}

fn summarize(members: Vec<(String, Vec<Item>)>, kb: Option<&KnowledgeBase>) -> Group {
    let id = short_hash(&members[0].0);
    let keys: Vec<String> = members.iter().map(|(k, _)| k.clone()).collect();
    let items: Vec<Item> = members.into_iter().flat_map(|(_, v)| v).collect();
    let mut texts: HashMap<&str, usize> = HashMap::new();
    let mut decisions = BTreeMap::new();
    let mut tenants = BTreeSet::new();
    let mut scores: HashMap<&str, (f32, usize)> = HashMap::new();
    for it in &items {
        *texts.entry(it.query.trim()).or_insert(0) += 1;
        *decisions.entry(it.decision.clone()).or_insert(0) += 1;
        tenants.insert(it.tenant.clone());
        for (id, score) in &it.top {
            let s = scores.entry(id).or_insert((0.0, 0));
            s.0 += score;
            s.1 += 1;
        }
    }
    let mut variants: Vec<(String, usize)> =
        texts.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    variants.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    variants.truncate(20);
    let tenants: Vec<String> = tenants.into_iter().collect();
    let lookup_tenant = match tenants.as_slice() {
        [one] => one.as_str(),
        _ => NATIONAL,
    };
    let n = items.len() as f32;
    let mut nearest: Vec<Nearest> = scores
        .into_iter()
        .filter_map(|(id, (sum, _))| {
            let question = match kb {
                Some(kb) => kb.get(lookup_tenant, id)?.question.clone(),
                None => String::new(),
            };
            Some(Nearest {
                id: id.to_string(),
                question,
                score: sum / n,
            })
        })
        .collect();
    nearest.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    nearest.truncate(3);
    Group {
        id,
        question: variants.first().map(|v| v.0.clone()).unwrap_or_default(),
        count: items.len(),
        unhelpful: decisions.get("unhelpful").copied().unwrap_or(0),
        first_seen: items.iter().map(|i| i.at.clone()).min().unwrap_or_default(),
        last_seen: items.iter().map(|i| i.at.clone()).max().unwrap_or_default(),
        tenants,
        decisions,
        variants,
        keys,
        nearest,
    }
}

/// Curation over one store and one knowledge folder.
pub struct Curator {
    store: Arc<dyn Store>,
    knowledge_dir: PathBuf,
}

impl Curator {
    pub fn new(store: Arc<dyn Store>, knowledge_dir: &Path) -> Self {
        Curator {
            store,
            knowledge_dir: knowledge_dir.to_path_buf(),
        }
    }

    /// Open groups, optionally of one tenant (`kb` names the nearest entries).
    pub fn groups(
        &self,
        tenant: Option<&str>,
        kb: Option<&KnowledgeBase>,
    ) -> Result<Vec<Group>, CurateError> {
        let mut items: Vec<Item> = self
            .store
            .asks(tenant, WINDOW)?
            .into_iter()
            .map(|a| Item {
                query: a.query,
                at: a.at,
                tenant: a.tenant,
                decision: a.decision,
                top: a.top,
            })
            .collect();
        items.extend(
            self.store
                .feedback(WINDOW)?
                .into_iter()
                .filter(|f| !f.helpful && tenant.is_none_or(|t| t == f.tenant))
                .map(|f| Item {
                    query: f.query,
                    at: f.at,
                    tenant: f.tenant,
                    decision: "unhelpful".into(),
                    top: f.answer_id.map(|id| vec![(id, 0.5)]).unwrap_or_default(),
                }),
        );
        Ok(group_items(items, &self.store.actions()?, kb))
    }

    fn group(&self, id: &str, kb: Option<&KnowledgeBase>) -> Result<Group, CurateError> {
        self.groups(None, kb)?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| CurateError::UnknownGroup(id.chars().take(40).collect()))
    }

    fn record(
        &self,
        group: &Group,
        action: &str,
        target: Option<String>,
    ) -> Result<(), CurateError> {
        let action = Action {
            action: action.to_string(),
            target,
            at: sqlite::now(),
        };
        Ok(self.store.record_action(&group.keys, &action)?)
    }

    /// Adds `text` (default: the group's question) as an alt question of entry
    /// `entry_id` (as the group's tenant sees it); returns the file changed.
    pub fn add_alt(
        &self,
        group_id: &str,
        entry_id: &str,
        text: Option<&str>,
    ) -> Result<PathBuf, CurateError> {
        let kb = load_kb(&self.knowledge_dir)?;
        let group = self.group(group_id, Some(&kb))?;
        let entry = kb
            .get(group.tenant(), entry_id)
            .ok_or_else(|| CurateError::UnknownEntry {
                id: entry_id.chars().take(80).collect(),
                tenant: group.tenant().to_string(),
            })?;
        let text = text
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(&group.question);
        add_alt_question(&self.knowledge_dir, &entry.file, &entry.id, text)?;
        self.record(&group, "added", Some(entry.id.clone()))?;
        Ok(entry.file.clone())
    }

    /// Writes a draft entry for the group under `knowledge/drafts/`; returns its path.
    pub fn draft(&self, group_id: &str) -> Result<PathBuf, CurateError> {
        let kb = load_kb(&self.knowledge_dir)?;
        let group = self.group(group_id, Some(&kb))?;
        let domain = group
            .nearest
            .first()
            .and_then(|n| kb.get(group.tenant(), &n.id))
            .map(|e| e.domain);
        let path = write_draft(&self.knowledge_dir, &group, domain)?;
        self.record(&group, "drafted", Some(path.display().to_string()))?;
        Ok(path)
    }

    /// Dismisses the group: its questions are not shown again.
    pub fn dismiss(&self, group_id: &str) -> Result<(), CurateError> {
        let group = self.group(group_id, None)?;
        self.record(&group, "dismissed", None)
    }
}

/// One day and tenant of the trends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrendRow {
    pub day: String,
    pub tenant: String,
    pub asks: u64,
    pub answered: u64,
    pub suggested: u64,
    pub abstained: u64,
    /// Asked back (clarifying question).
    pub clarified: u64,
    /// 「解決した」 feedback.
    pub helpful: u64,
    /// 「解決しなかった」 feedback.
    pub unhelpful: u64,
}

/// Per day (newest first) and tenant, from the store's daily counters.
pub fn trends(daily: Vec<DailyCount>) -> Vec<TrendRow> {
    let mut rows: BTreeMap<(String, String), TrendRow> = BTreeMap::new();
    for d in daily {
        let row = rows
            .entry((d.day.clone(), d.tenant.clone()))
            .or_insert_with(|| TrendRow {
                day: d.day.clone(),
                tenant: d.tenant.clone(),
                ..TrendRow::default()
            });
        match d.metric.as_str() {
            "asks" => row.asks += d.n,
            "answer" => row.answered += d.n,
            "suggest" => row.suggested += d.n,
            "abstain" => row.abstained += d.n,
            "clarify" => row.clarified += d.n,
            "helpful" => row.helpful += d.n,
            "unhelpful" => row.unhelpful += d.n,
            _ => {}
        }
    }
    let mut v: Vec<TrendRow> = rows.into_values().collect();
    v.sort_by(|a, b| b.day.cmp(&a.day).then_with(|| a.tenant.cmp(&b.tenant)));
    v
}

fn load_kb(dir: &Path) -> Result<KnowledgeBase, CurateError> {
    KnowledgeBase::load(dir).map_err(|e| CurateError::File {
        path: dir.to_path_buf(),
        message: format!("the knowledge does not load, fix it first: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(q: &str, decision: &str, at: &str) -> Item {
        Item {
            query: q.into(),
            at: at.into(),
            tenant: "national".into(),
            decision: decision.into(),
            top: vec![("mynumber-card-lost".into(), 0.3)],
        }
    }

    #[test]
    fn similar_questions_group_and_different_ones_do_not() {
        let items = vec![
            item("マイナンバーカード なくした", "abstain", "2026-11-01"),
            item("マイナンバーカードなくした！", "abstain", "2026-11-03"),
            item("マイナンバーカードをなくしました", "suggest", "2026-11-02"),
            item("ごみの出し方を教えて", "abstain", "2026-11-05"),
        ];
        let groups = group_items(items, &HashMap::new(), None);
        assert_eq!(groups.len(), 2, "{groups:#?}");
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].first_seen, "2026-11-01");
        assert_eq!(groups[0].last_seen, "2026-11-03");
        assert_eq!(groups[0].decisions.get("abstain"), Some(&2));
        assert_eq!(groups[0].keys.len(), 2, "two distinct keys");
        assert_eq!(groups[1].question, "ごみの出し方を教えて");
    }

    #[test]
    fn acted_on_keys_are_left_out() {
        let acted = HashMap::from([(
            key("ごみの出し方を教えて"),
            Action {
                action: "dismissed".into(),
                target: None,
                at: String::new(),
            },
        )]);
        let groups = group_items(
            vec![item("ごみの出し方を教えて。", "abstain", "2026-11-05")],
            &acted,
            None,
        );
        assert!(groups.is_empty());
    }
}
