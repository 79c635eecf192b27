//! Which candidates answer the aspect a question asks about (cost, duration, date,
//! place, way, documents, who — see [`crate::analysis::aspects`]): each entry's
//! aspects, read once from its question and alt_questions, by tenant and id.

use std::collections::HashMap;

use super::Candidate;
use crate::analysis::aspects::Aspects;
use crate::analysis::Analyzer;
use crate::knowledge::KnowledgeBase;

/// The aspects of every entry: tenant → id → aspects.
#[derive(Debug, Default)]
pub struct EntryAspects(HashMap<String, HashMap<String, Aspects>>);

impl EntryAspects {
    /// Reads each entry's aspects from its question and alt_questions, prepared as
    /// questions are.
    pub fn of(kb: &KnowledgeBase, analyzer: &Analyzer) -> Self {
        let mut by_tenant: HashMap<String, HashMap<String, Aspects>> = HashMap::new();
        for e in kb.entries() {
            let alts: Vec<String> = e
                .alt_questions
                .iter()
                .map(|a| analyzer.prepare(a))
                .collect();
            let aspects = Aspects::of_entry(&analyzer.prepare(&e.question), &alts);
            by_tenant
                .entry(e.tenant.clone())
                .or_default()
                .insert(e.id.clone(), aspects);
        }
        EntryAspects(by_tenant)
    }

    /// Sets `same_aspect` on the candidates whose entry asks about an aspect of `asked`.
    pub fn mark(&self, asked: Aspects, candidates: &mut [Candidate]) {
        for c in candidates {
            c.same_aspect = self
                .0
                .get(&c.tenant)
                .and_then(|ids| ids.get(&c.id))
                .is_some_and(|a| a.shares(asked));
        }
    }
}
