//! Why: residents type half-width kana (ｼﾞﾄﾞｳﾃｱﾃ), full-width letters and digits, or
//! hiragana only. Whatever the spelling, the analyzer must produce the terms the FAQ
//! text produces, or the question cannot be found.

mod common;

#[test]
fn half_width_kana_analyzes_like_full_width() {
    let an = common::analyzer(true);
    assert_eq!(
        an.analyze("ｼﾞﾄﾞｳﾃｱﾃ").unwrap().words,
        an.analyze("ジドウテアテ").unwrap().words
    );
    assert_eq!(an.prepare("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ"), "マイナンバーカード");
}

#[test]
fn full_width_alphanumerics_become_ascii() {
    let an = common::analyzer(true);
    assert_eq!(an.prepare("ＡＴＭで１２３４"), "atmで1234");
    assert_eq!(an.prepare("ＭＲワクチン"), an.prepare("MRワクチン"));
}

#[test]
fn hiragana_meets_kanji_through_synonyms_and_readings() {
    let an = common::analyzer(true);
    // Known terms: the synonym list maps the hiragana spelling to the kanji term.
    assert_eq!(an.analyze("じどうてあて").unwrap().words, ["児童手当"]);
    assert_eq!(an.analyze("こくほ").unwrap().words, ["国民健康保険"]);
    // Any term: the reading trigrams of hiragana and kanji spellings coincide.
    let kanji = an.analyze("振込").unwrap().kana;
    let kana = an.analyze("ふりこみ").unwrap().kana;
    assert_eq!(kanji, kana);
}

#[test]
fn variants_fold_to_one_form() {
    let an = common::analyzer(true);
    for (a, b) in [
        ("子供の医療費", "こどもの医療費"),
        ("保育園", "ほいくえん"),
        ("被保険者証", "保険証"),
    ] {
        assert_eq!(
            an.analyze(a).unwrap().words,
            an.analyze(b).unwrap().words,
            "{a} vs {b}"
        );
    }
}
