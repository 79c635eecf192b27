//! Aspects: what a question asks *about* a topic — its cost, how long it takes, when,
//! where, how, what to bring, who. Sibling entries share a topic and differ by aspect
//! (マイナンバーカードの再交付: how long vs. what it costs), and the aspect is told by a
//! few interrogative cues (「何日」「代は」「いくら」), which carry little weight as words.
//!
//! Both the resident's question and each entry's own question are read with the same
//! cues, after the analyzer's preparation (normalized, synonyms folded, English turned
//! into Japanese), so 「how much」 and 「なんぼ」 both ask about money.

/// One aspect a question can ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// An amount of money: a fee, a benefit amount, a premium.
    Money,
    /// How long something takes.
    Duration,
    /// A date, a deadline, an age limit.
    When,
    /// A place or counter.
    Where,
    /// A way of doing something.
    How,
    /// What to bring or submit.
    Documents,
    /// Who is covered or may do something.
    Who,
}

const ALL: [Aspect; 7] = [
    Aspect::Money,
    Aspect::Duration,
    Aspect::When,
    Aspect::Where,
    Aspect::How,
    Aspect::Documents,
    Aspect::Who,
];

impl Aspect {
    /// Substrings of prepared text that ask about this aspect.
    fn cues(self) -> &'static [&'static str] {
        match self {
            Aspect::Money => &[
                "いくら",
                "なんぼ",
                "費用",
                "手数料",
                "料金",
                "無料",
                "有料",
                "タダ",
                "代は",
                "代って",
                "代金",
                "金額",
                "自己負担",
                "お金",
                "安い",
                "高い",
                "何割",
            ],
            Aspect::Duration => &[
                "何日",
                "何週間",
                "何か月",
                "何ヶ月",
                "何カ月",
                "日数",
                "期間",
                "どれくらいかか",
                "どのくらいかか",
                "どれぐらいかか",
                "時間がかか",
                "届くまで",
                "来るまで",
            ],
            Aspect::When => &[
                "いつ",
                "期限",
                "締切",
                "締め切り",
                "何月",
                "何歳まで",
                "何日まで",
                "何時",
                "何曜",
            ],
            Aspect::Where => &["どこ", "場所", "何階", "どの店"],
            Aspect::How => &[
                "どうやって",
                "方法",
                "やり方",
                "手順",
                "どうすれば",
                "どうしたら",
                "使い方",
                "どう使",
            ],
            Aspect::Documents => &[
                "必要なもの",
                "持ち物",
                "書類",
                "何を持って",
                "持っていく",
                "何が必要",
                "何がいる",
            ],
            Aspect::Who => &["誰", "だれ", "対象"],
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Alt_questions that must ask about an aspect for the entry to be about it.
const MIN_ALTS: usize = 2;

/// The set of aspects a text asks about (empty when it names none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Aspects(u8);

impl Aspects {
    /// The aspects `prepared` (text as the analyzer prepares it) asks about.
    pub fn of(prepared: &str) -> Aspects {
        // 「誰でも」 (anyone) names a scheme (こども誰でも通園制度), not a question of who.
        let text = prepared.replace("誰でも", "").replace("だれでも", "");
        let mut bits = 0;
        for a in ALL {
            if a.cues().iter().any(|c| text.contains(c)) {
                bits |= a.bit();
            }
        }
        Aspects(bits)
    }

    /// What an entry answers about: the aspects its own question asks, plus any that
    /// at least [`MIN_ALTS`] of its alt_questions ask (「手数料は？」 written as 「代は？」).
    /// One alt alone may ask in passing; the entry is not about that.
    pub fn of_entry(question: &str, alts: &[String]) -> Aspects {
        let mut bits = Aspects::of(question).0;
        let per_alt: Vec<Aspects> = alts.iter().map(|a| Aspects::of(a)).collect();
        for a in ALL {
            if per_alt.iter().filter(|x| x.contains(a)).count() >= MIN_ALTS {
                bits |= a.bit();
            }
        }
        Aspects(bits)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, a: Aspect) -> bool {
        self.0 & a.bit() != 0
    }

    /// True when both ask about at least one same aspect.
    pub fn shares(self, other: Aspects) -> bool {
        self.0 & other.0 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_name_the_aspect() {
        assert!(Aspects::of("再交付の手数料はいくら").contains(Aspect::Money));
        assert!(Aspects::of("実物が来るまで何日くらい").contains(Aspect::Duration));
        assert!(Aspects::of("申請はいつまで").contains(Aspect::When));
        assert!(Aspects::of("児童手当について").is_empty());
    }

    #[test]
    fn sharing_needs_one_common_aspect() {
        let fee = Aspects::of("手数料はいくら");
        assert!(fee.shares(Aspects::of("作り直し代は")));
        assert!(!fee.shares(Aspects::of("何日かかる")));
        assert!(!fee.shares(Aspects::default()));
    }

    #[test]
    fn an_entry_is_about_what_its_question_or_several_alts_ask() {
        let alts = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = Aspects::of_entry(
            "再交付について",
            &alts(&["代は？", "手数料かかる？", "どこで"]),
        );
        assert!(e.contains(Aspect::Money));
        assert!(
            !e.contains(Aspect::Where),
            "one alt alone does not make the entry's aspect"
        );
        assert!(Aspects::of_entry("どこで申請？", &[]).contains(Aspect::Where));
        assert!(!Aspects::of("こども誰でも通園制度とは").contains(Aspect::Who));
    }
}
