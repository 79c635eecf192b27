//! Privacy: removes personal numbers and addresses from text before anything a
//! resident typed is written anywhere (logs, feedback, the curation store).
//!
//! Redacted: 12-digit individual numbers (マイナンバー, with or without separators),
//! phone numbers, e-mail addresses, postal codes and other long digit runs (card or
//! account numbers). Full-width digits count as digits. Each match becomes a tag such
//! as `[個人番号]`, so curators still see what kind of thing was asked about.

use std::sync::OnceLock;

use regex::Regex;

struct Rules {
    email: Regex,
    mynumber: Regex,
    postal_marked: Regex,
    phone: Regex,
    postal: Regex,
    digits: Regex,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        // \d is Unicode-aware in `regex`: it matches full-width digits too. `regex` has
        // no look-behind, so "not inside a longer digit run" is a captured prefix.
        let sep = r"[\s\-‐－―ー−.．]?";
        let psep = r"[\s\-‐－―ー−.．(（)）]{0,2}";
        let compile = |pattern: &str| {
            Regex::new(pattern)
                .unwrap_or_else(|e| panic!("built-in redaction pattern {pattern}: {e}"))
        };
        Rules {
            email: compile(r"[\w.+\-]+[@＠][\w\-]+(?:[.．][\w\-]+)+"),
            mynumber: compile(&format!(r"(^|\D)\d{{4}}{sep}\d{{4}}{sep}\d{{4}}($|\D)")),
            postal_marked: compile(&format!(r"〒\s?\d{{3}}{sep}\d{{4}}")),
            phone: compile(&format!(
                r"(^|\D)(?:[+＋]81[\s\-]?|[0０])\d{{1,4}}{psep}\d{{1,4}}{psep}\d{{3,4}}"
            )),
            postal: compile(r"(^|\D)\d{3}[\-‐－ー−]\d{4}"),
            digits: compile(r"\d{6,}"),
        }
    })
}

/// The tags [`redact`] puts in place of what it removes. Text containing one was
/// redacted; it is never written back into the knowledge base.
pub const TAGS: [&str; 5] = [
    "[個人番号]",
    "[電話番号]",
    "[メール]",
    "[郵便番号]",
    "[番号]",
];

/// Returns `text` with personal numbers and addresses replaced by tags.
pub fn redact(text: &str) -> String {
    let r = rules();
    let text = r.email.replace_all(text, "[メール]");
    let text = r.mynumber.replace_all(&text, "${1}[個人番号]${2}");
    let text = r.postal_marked.replace_all(&text, "[郵便番号]");
    let text = r.phone.replace_all(&text, "${1}[電話番号]");
    let text = r.postal.replace_all(&text, "${1}[郵便番号]");
    r.digits.replace_all(&text, "[番号]").into_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redaction_matrix() {
        let cases = [
            ("私の番号は123456789012です", "私の番号は[個人番号]です"),
            ("1234-5678-9012", "[個人番号]"),
            ("１２３４ ５６７８ ９０１２", "[個人番号]"),
            ("電話は090-1234-5678まで", "電話は[電話番号]まで"),
            ("03(1234)5678", "[電話番号]"),
            ("＋81 90 1234 5678", "[電話番号]"),
            ("０３－１２３４－５６７８", "[電話番号]"),
            ("0120950178", "[電話番号]"),
            ("mail: taro.yamada+x@example.co.jp", "mail: [メール]"),
            ("〒100-0001 に住んでいます", "[郵便番号] に住んでいます"),
            ("住所は123-4567です", "住所は[郵便番号]です"),
            ("カード番号 4111111111111111", "カード番号 [番号]"),
            ("児童手当は月10000円", "児童手当は月10000円"),
            ("3歳から15歳まで", "3歳から15歳まで"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn every_tag_is_listed() {
        let out = redact("123456789012 090-1234-5678 a@b.jp 〒100-0001 4111111111111111");
        for tag in super::TAGS {
            assert!(out.contains(tag), "{tag} missing in {out}");
        }
    }

    #[test]
    fn no_twelve_digit_run_survives() {
        for input in ["a123456789012b", "番号:1234 5678 9012!", "1234.5678.9012"] {
            let out = redact(input);
            assert!(
                !out.chars().filter(char::is_ascii_digit).count().ge(&12),
                "{input} → {out}"
            );
        }
    }
}
