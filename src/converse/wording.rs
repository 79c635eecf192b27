//! Reading the words of a conversation: whether a message asks or states, which
//! clarify option a reply names, and which situation (category label) a text names.
//! Pure functions over normalized or prepared text; the engine supplies the labels.

use crate::analysis::normalize::normalize;
use crate::respond::ClarifyOption;

/// The option a reply names by number (「1」「２番」) or label; `None` otherwise.
pub fn named_option(reply: &str, options: &[ClarifyOption]) -> Option<usize> {
    let r = normalize(reply);
    let digits: String = r.chars().filter(char::is_ascii_digit).collect();
    if !digits.is_empty() && r.chars().count() <= 3 {
        let n: usize = digits.parse().ok()?;
        return (1..=options.len()).contains(&n).then(|| n - 1);
    }
    options.iter().position(|o| {
        let label = normalize(&o.label);
        r == label || (r.chars().count() >= 2 && label.contains(&r)) || r.contains(&label)
    })
}

/// The situation a category stands for: a municipality's own version of a scheme
/// (「児童手当（窓口市）」) is the same situation as the national one.
pub(crate) fn situation(category: &str) -> String {
    match category.find(['（', '(']) {
        Some(i) if i > 0 => category[..i].trim().to_string(),
        _ => category.trim().to_string(),
    }
}

/// True when the prepared question `q` names the prepared category label `label`:
/// the whole label, its head (「マイナンバーカード」 of 「マイナンバーカードの申請」,
/// 「保育所」 of 「保育所・認定こども園」), or most of its beginning (「国民健康保険」 of
/// 「国民健康保険料」). A short head before の only modifies the label
/// (「子ども」 of 「子どものマイナンバーカード」): naming it names no scheme.
pub(super) fn names(q: &str, label: &str) -> bool {
    if q.contains(label) {
        return true;
    }
    let head = label.split(['の', '・', 'と']).next().unwrap_or("");
    let listed = label[head.len()..].starts_with(['・', 'と']);
    let long_enough = head.chars().count() >= if listed { 3 } else { 4 };
    if long_enough && q.contains(head) {
        return true;
    }
    // Any later item of a list (「母子健康手帳」 of 「妊娠届・母子健康手帳」).
    if label
        .split(['・', 'と'])
        .skip(1)
        .any(|item| item.chars().count() >= 3 && q.contains(item))
    {
        return true;
    }
    let chars: Vec<char> = label.chars().collect();
    (4..chars.len())
        .rev()
        .any(|n| n * 10 >= chars.len() * 6 && q.contains(&chars[..n].iter().collect::<String>()))
}

/// The parts of a category label (「マイナンバーカードの紛失・盗難」 → マイナンバーカード,
/// 紛失, 盗難), each passed through `prepare`.
pub(super) fn label_parts(label: &str, prepare: impl Fn(&str) -> String) -> Vec<String> {
    label
        .split(['の', '・', 'と'])
        .filter(|p| p.chars().count() >= 2)
        .map(prepare)
        .collect()
}

/// Of several labels a reply names (given as their [`label_parts`]), the one whose
/// parts the prepared first question `q` covers most of: after 「カードをなくした」,
/// 「マイナンバーカードです」 names both マイナンバーカードの申請 and
/// マイナンバーカードの紛失・盗難, and only the second says 紛失 as the question does.
/// `None` on a tie.
pub(super) fn best_covered(q: &str, labels: &[Vec<String>]) -> Option<usize> {
    let covered: Vec<usize> = labels
        .iter()
        .map(|parts| parts.iter().filter(|p| q.contains(p.as_str())).count())
        .collect();
    let best = covered.iter().copied().max().unwrap_or(0);
    let mut at_best = (0..covered.len()).filter(|&i| covered[i] == best);
    match (at_best.next(), at_best.next()) {
        (Some(i), None) if best > 0 => Some(i),
        _ => None,
    }
}

/// True when `text` points back to what was just said: it opens with a word that
/// continues the conversation (じゃあ, それ, その, あれ) — 「じゃあ手元のやつはどう捨てれば
/// いい？」 is about the insurance card just discussed.
pub(super) fn points_back(text: &str) -> bool {
    let t = normalize(text);
    ["じゃあ", "じゃ", "それ", "その", "あれ", "そっち", "では"]
        .iter()
        .any(|w| t.starts_with(w))
}

/// True when `text` asks something (question mark or an interrogative), as opposed
/// to a statement about the resident's situation.
pub fn is_question(text: &str) -> bool {
    if text.trim_end().ends_with(['?', '？']) {
        return true;
    }
    // 「…なんです(けど)」「…なんだけど」 explain (the copula), they do not ask なん(何).
    let t = normalize(text)
        .replace("なんです", "です")
        .replace("なんだ", "だ");
    t.ends_with('か')
        || t.ends_with('の')
        || [
            "いつ",
            "いくら",
            "どこ",
            "何",
            "なに",
            "なん",
            "どう",
            "どれ",
            "どの",
            "だれ",
            "誰",
            "ですか",
            "ますか",
            "できる",
            "教えて",
            "知りたい",
        ]
        .iter()
        .any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_options_by_number_or_label() {
        let options = vec![
            ClarifyOption {
                label: "児童手当".into(),
                ids: vec![],
            },
            ClarifyOption {
                label: "児童扶養手当".into(),
                ids: vec![],
            },
        ];
        assert_eq!(named_option("２", &options), Some(1));
        assert_eq!(named_option("児童扶養手当", &options), Some(1));
        assert_eq!(named_option("児童手当です", &options), Some(0));
        assert_eq!(named_option("3", &options), None);
        assert_eq!(named_option("ひとり親です", &options), None);
    }

    #[test]
    fn questions_statements_and_situations() {
        assert!(
            is_question("いつまで？") && is_question("金額は？") && is_question("費用はかかるの")
        );
        assert!(!is_question("国保です") && !is_question("会社員で産休をとります"));
        assert!(!is_question("今度75歳になる父のことなんですけど"));
        assert!(points_back("じゃあ手元のやつはどう捨てればいい？") && points_back("それって何？"));
        assert!(!points_back("マイナンバーカードの申請はどうやるの"));
        assert!(is_question("どういうことなんですか") && is_question("なんで止まったの"));
        assert_eq!(situation("児童手当（窓口市）"), "児童手当");
        assert!(names("国民健康保険に入っています", "国民健康保険料"));
        assert!(names(
            "マイナンバーカードを作りたい",
            "マイナンバーカードの申請"
        ));
        assert!(!names("保険料はいくら", "国民健康保険料"));
    }

    #[test]
    fn the_label_the_conversation_covers_most_is_chosen() {
        let parts = |l: &str| label_parts(l, str::to_string);
        let labels = [
            parts("マイナンバーカードの申請"),
            parts("マイナンバーカードの紛失・盗難"),
        ];
        assert_eq!(best_covered("カード紛失", &labels), Some(1));
        assert_eq!(best_covered("マイナンバーカード", &labels), None, "a tie");
        assert_eq!(best_covered("児童手当", &labels), None);
        assert!(names("保育所に入りたい", "保育所・認定こども園"));
        assert!(names("母子健康手帳です", "妊娠届・母子健康手帳"));
        assert!(!names(
            "ひとりで子どもを育てています",
            "子どものマイナンバーカード"
        ));
        assert!(!names("出産しました", "出産・育児の保険料免除"));
    }
}
