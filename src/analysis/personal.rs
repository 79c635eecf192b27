//! Questions about the resident's own record — 「私の児童手当は先月何日に振り込まれた？」,
//! 「先月申請した私のマイナンバーカードはもうできていますか」 — which no FAQ answers:
//! only the municipality, looking the person up, can. They are told so rather than
//! given a general answer that looks like theirs.
//!
//! A question is about one's own record when it says whose (私の, うちの, my …) and
//! asks for the state of that case (もうできて…, 振り込まれた, 何点だった, went
//! through …). Either alone is ordinary: 「うちの子は何歳まで対象？」 asks a rule,
//! 「カードはもうできていますか」 may be asked in general.

/// Words saying the case is the asker's own.
const WHOSE: &[&str] = &[
    "私の",
    "わたしの",
    "僕の",
    "ぼくの",
    "俺の",
    "おれの",
    "うちの",
    "自分の",
    "my ",
];

/// Words asking for the state of one case, not for a rule.
const STATE: &[&str] = &[
    "もうでき",
    "できあが",
    "でき上が",
    "できてますか",
    "できていますか",
    "振り込まれた",
    "振込まれた",
    "振り込まれてる",
    "入金された",
    "何点だった",
    "何点でした",
    "いくらになって",
    "審査の結果",
    "審査結果",
    "went through",
    "gone through",
    "been processed",
    "is ready yet",
    "ready yet",
];

/// True when the normalized question asks about the asker's own record.
pub fn asks_about_own_record(normalized: &str) -> bool {
    let t = normalized.to_lowercase();
    WHOSE.iter().any(|w| t.contains(w)) && STATE.iter().any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_record_needs_both_whose_and_state() {
        assert!(asks_about_own_record(
            "私の児童手当って、先月何日に振り込まれた"
        ));
        assert!(asks_about_own_record(
            "先月申請した私のマイナンバーカードはもうできあがっていますか"
        ));
        assert!(asks_about_own_record(
            "うちの子の保育園の選考、何点だったか教えて"
        ));
        assert!(asks_about_own_record(
            "can you tell me if my premium payment for june went through"
        ));
        assert!(!asks_about_own_record("うちの子は何歳まで児童手当の対象"));
        assert!(!asks_about_own_record(
            "マイナンバーカードはもうできていますか"
        ));
        assert!(!asks_about_own_record(
            "私の場合、児童手当はいくらになりますか"
        ));
    }
}
