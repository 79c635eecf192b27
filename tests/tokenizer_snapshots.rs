//! Why: the user dictionary is what keeps government terms whole (児童手当, マイナ保険証);
//! a dependency upgrade or a dictionary edit that silently changes segmentation would
//! change every answer. These snapshots pin the tokenizer with and without it.

mod common;

fn render(with_user: bool, text: &str) -> String {
    common::analyzer(with_user)
        .tokens(text)
        .unwrap()
        .iter()
        .map(|t| format!("{}/{}", t.surface, t.reading))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn without_user_dictionary_ipadic_splits_compounds() {
    assert_eq!(
        render(false, "児童手当と出産育児一時金"),
        "児童/ジドウ 手当/テアテ と/ト 出産/シュッサン 育児/イクジ 一/イチ 時/ジ 金/キン"
    );
    assert_eq!(
        render(false, "マイナ保険証の資格確認書"),
        "マイナ/ 保険/ホケン 証/ショウ の/ノ 資格/シカク 確認/カクニン 書/ショ"
    );
    // IPADIC's known weakness: hiragana-only words fall apart.
    assert_eq!(
        render(false, "じどうてあて"),
        "じ/ジ ど/ド うて/ウテ あて/アテ"
    );
}

#[test]
fn with_user_dictionary_terms_stay_whole() {
    assert_eq!(
        render(true, "児童手当と出産育児一時金"),
        "児童手当/ジドウテアテ と/ト 出産育児一時金/シュッサンイクジイチジキン"
    );
    assert_eq!(
        render(true, "マイナ保険証の資格確認書"),
        "マイナ保険証/マイナホケンショウ の/ノ 資格確認書/シカクカクニンショ"
    );
    assert_eq!(
        render(true, "高額療養費の限度額適用認定証"),
        "高額療養費/コウガクリョウヨウヒ の/ノ 限度額適用認定証/ゲンドガクテキヨウニンテイショウ"
    );
    // The synonym list folds the hiragana spelling into the term before segmentation.
    assert_eq!(render(true, "じどうてあて"), "児童手当/ジドウテアテ");
}

#[test]
fn index_terms_drop_particles_and_empty_verbs() {
    let a = common::analyzer(true)
        .analyze("マイナンバーカードを紛失しました")
        .unwrap();
    assert_eq!(a.words, ["マイナンバーカード", "紛失"]);
    assert_eq!(
        a.kana,
        [
            "マイナ",
            "イナン",
            "ナンバ",
            "ンバー",
            "バーカ",
            "ーカー",
            "カード",
            "フンシ",
            "ンシツ",
            "シツシ"
        ]
    );
}

#[test]
fn words_that_carry_the_question_survive_odd_contexts() {
    let words = |text: &str| common::analyzer(true).analyze(text).unwrap().words;
    // 〜てしまう after a noun the synonyms made (失くして → 紛失して) is no topic.
    assert_eq!(words("カードを失くしてしまいました"), ["カード", "紛失"]);
    // いくら is an adverb when an English "how much" is rewritten to it; it still asks
    // for an amount.
    assert!(words("how much is the child allowance").contains(&"イクラ".to_string()));
    // Kana words are kept in one script, so かばん in an entry matches カバン asked.
    assert_eq!(words("かばんを盗まれた"), words("カバンを盗まれた"));
    // Two-kana readings inside a kana chunk are not taken for words: いつまで is not
    // い妻で, フリーランス is not 不利ー欄ス.
    let a = common::analyzer(true)
        .analyze("いつまで フリーランス")
        .unwrap();
    assert!(
        !a.normalized.contains('妻') && !a.normalized.contains("不利"),
        "{}",
        a.normalized
    );
}

#[test]
fn a_fee_followed_by_tte_stays_a_noun() {
    // IPADIC reads 「保険料って」 as the rare verb 料る (保険 | 料る), so a resident's
    // 「保険料っていくら？」 matched no 保険料 at all; the user dictionary keeps it whole.
    let words = |text: &str| common::analyzer(true).analyze(text).unwrap().words;
    // (Kana words are kept in katakana: いくら is indexed as イクラ.)
    assert_eq!(words("保険料っていくら"), ["保険料", "イクラ"]);
    assert_eq!(words("利用料ってかかる"), ["利用料", "カカル"]);
}
