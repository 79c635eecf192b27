//! Why: the right entry must come first for the ways residents actually ask, including
//! wordings that share no word with the entry's question (synonyms, hiragana, readings).

mod common;

#[test]
fn residents_questions_find_the_right_entry() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    let cases = [
        ("マイナンバーカードを紛失しました", "fx-card-lost"),
        ("マイナカードなくした", "fx-card-lost"),
        ("まいなんばーかーど なくした", "fx-card-lost"),
        ("マイナンバーカードの再発行の手数料", "fx-card-reissue-fee"),
        ("暗証番号を間違えてロックされた", "fx-pin-lock"),
        ("児童手当はいつ振り込まれますか", "fx-teate-months"),
        ("じどうてあて いつ ふりこまれる", "fx-teate-months"),
        ("ｼﾞﾄﾞｳﾃｱﾃ いくら", "fx-teate-amount"),
        ("出産育児一時金の金額", "fx-ichijikin"),
        ("保険証が廃止されるのは本当ですか", "fx-paper-card-end"),
        ("会社を辞めたあとの国保の加入期限", "fx-kokuho-join"),
        ("こうがくりょうようひ", "fx-kougaku"),
    ];
    let mut failures = Vec::new();
    for (q, want) in cases {
        let got = common::answered(&engine, q);
        if got != want {
            failures.push(format!("{q} → {got} (want {want})"));
        }
    }
    assert!(failures.is_empty(), "misranked:\n{}", failures.join("\n"));
}

#[test]
fn answers_carry_source_and_runners_up() {
    let (engine, _tmp) = common::engine(&common::fixture_kb());
    let r = engine.ask("マイナンバーカードを紛失しました").unwrap();
    let a = r.answer.expect("an answer");
    assert_eq!(a.source_url, "https://www.kojinbango-card.go.jp/");
    assert_eq!(a.domain, "mynumber");
    assert!(a.score > 0.5 && a.score <= 1.0, "{}", a.score);
    assert!(r.suggestions.iter().all(|s| s.id != a.id));
}
