//! Why: the shipped knowledge base is the product. It must load with zero validation
//! problems, every entry must cite a source and date, and the questions we promise in
//! the README must be answered (or abstained) as promised.

mod common;

use madoguchi::decide::DecisionKind;
use madoguchi::knowledge::{Domain, KnowledgeBase};

#[test]
fn shipped_knowledge_loads_without_problems() {
    let kb =
        KnowledgeBase::load(&common::repo().join("knowledge")).unwrap_or_else(|e| panic!("{e}"));
    assert!(kb.len() >= 30);
    for d in Domain::ALL {
        assert!(
            kb.entries()
                .iter()
                .filter(|e| e.domain == d && e.tenant == "national")
                .count()
                >= 10,
            "{d}"
        );
    }
    for e in kb.entries() {
        assert!(
            e.source_url.starts_with("https://"),
            "{}: {}",
            e.id,
            e.source_url
        );
        assert!(!e.source.is_empty(), "{}", e.id);
    }
}

#[test]
fn the_readme_promises_hold() {
    let (engine, _tmp) = common::engine(&common::repo().join("knowledge"));
    let r = engine.ask("マイナンバーカードを紛失しました").unwrap();
    assert_eq!(r.decision, DecisionKind::Answer);
    let a = r.answer.unwrap();
    assert_eq!(a.id, "mynumber-card-lost");
    assert!(
        a.answer.contains("0120-95-0178") && a.answer.contains("一時利用停止"),
        "{}",
        a.answer
    );

    assert_eq!(
        common::answered(&engine, "じどうてあて いつ ふりこまれる"),
        "childcare-jidou-teate-payment-months"
    );
    assert_eq!(
        engine.ask("今日の天気は？").unwrap().decision,
        DecisionKind::Abstain
    );
}
