//! Why: curators edit FAQ files by hand. A mistake must be reported precisely (file,
//! line, entry id, field, what to do), and every mistake at once, not one per run.

use std::path::PathBuf;

use madoguchi::knowledge::{KnowledgeBase, Problem};

const GOOD: &str = r#"
[[entry]]
id = "good-entry"
domain = "childcare"
question = "児童手当はいつ？"
alt_questions = ["振込日"]
answer = "偶数月です。"
source = "こども家庭庁"
source_url = "https://www.cfa.go.jp/"
reviewed = 2026-11-01
"#;

fn problems(files: &[(&str, &str)]) -> Vec<Problem> {
    let sources = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    KnowledgeBase::from_sources(sources, chrono::NaiveDate::from_ymd_opt(2026, 11, 23)).1
}

fn one(text: &str) -> Problem {
    let p = problems(&[("k.toml", text)]);
    assert_eq!(p.len(), 1, "expected exactly one problem, got {p:#?}");
    p.into_iter().next().unwrap()
}

fn with(field: &str, value: &str) -> String {
    GOOD.lines()
        .map(|l| {
            if l.starts_with(&format!("{field} =")) {
                format!("{field} = {value}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_valid_entry_has_no_problems() {
    assert!(problems(&[("k.toml", GOOD)]).is_empty());
}

#[test]
fn syntax_errors_name_the_line() {
    let p = one("[[entry]]\nid = \"x\nanswer = 1\n");
    assert_eq!(p.file, PathBuf::from("k.toml"));
    assert!(p.line.is_some(), "{p}");
    assert!(p.message.contains("not valid TOML"), "{p}");
}

#[test]
fn missing_and_empty_fields() {
    let p = one(&GOOD.replace("answer = \"偶数月です。\"", "answer = \"  \""));
    assert_eq!(
        (p.field.as_deref(), p.message.as_str()),
        (Some("answer"), "is empty")
    );
    assert_eq!(p.entry_id.as_deref(), Some("good-entry"));
    assert_eq!(p.line, Some(2));
    let p = one(&GOOD.replace("source = \"こども家庭庁\"\n", ""));
    assert_eq!(
        (p.field.as_deref(), p.message.as_str()),
        (Some("source"), "missing")
    );
}

#[test]
fn unknown_domain() {
    let p = one(&with("domain", "\"pension\""));
    assert_eq!(p.field.as_deref(), Some("domain"));
    assert!(
        p.hint.contains("childcare, mynumber, health_insurance"),
        "{p}"
    );
}

#[test]
fn bad_url() {
    let p = one(&with("source_url", "\"www.cfa.go.jp\""));
    assert_eq!(p.field.as_deref(), Some("source_url"));
    let p = one(&with("source_url", "\"ftp://example.jp/x\""));
    assert_eq!(p.field.as_deref(), Some("source_url"));
}

#[test]
fn bad_and_future_dates() {
    let p = one(&with("reviewed", "\"2026-13-01\""));
    assert_eq!(
        (p.field.as_deref(), p.message.as_str()),
        (Some("reviewed"), "not a valid date")
    );
    let p = one(&with("reviewed", "2027-01-01"));
    assert!(p.message.contains("in the future"), "{p}");
}

#[test]
fn bad_id_and_unknown_field_with_suggestion() {
    let p = one(&with("id", "\"Bad Id\""));
    assert_eq!(p.field.as_deref(), Some("id"));
    let p = one(&GOOD.replace("alt_questions", "alt_question"));
    assert_eq!(p.field.as_deref(), Some("alt_question"));
    assert!(p.hint.contains("did you mean `alt_questions`"), "{p}");
}

#[test]
fn duplicate_ids_across_files() {
    let p = problems(&[("a.toml", GOOD), ("b.toml", GOOD)]);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(p[0].message.contains("duplicate id"), "{}", p[0]);
    // The same id in a tenant overlay is an override, not a duplicate.
    let local = GOOD.replace("reviewed", "tenant = \"990001\"\nreviewed");
    assert!(problems(&[("a.toml", GOOD), ("b.toml", &local)]).is_empty());
}

#[test]
fn dangling_related_ids() {
    let p = one(&GOOD.replace("reviewed", "related = [\"no-such-entry\"]\nreviewed"));
    assert_eq!(p.field.as_deref(), Some("related"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = GOOD
        .replace("\"childcare\"", "\"pension\"")
        .replace("https://www.cfa.go.jp/", "nope")
        .replace("偶数月です。", "");
    let p = problems(&[("k.toml", &bad), ("broken.toml", "[[entry]\n")]);
    let fields: Vec<_> = p
        .iter()
        .map(|p| p.field.clone().unwrap_or_default())
        .collect();
    assert_eq!(p.len(), 4, "{p:#?}");
    for f in ["domain", "source_url", "answer"] {
        assert!(fields.iter().any(|x| x == f), "missing {f}: {fields:?}");
    }
    assert!(p
        .iter()
        .any(|p| p.file == std::path::Path::new("broken.toml")));
}

#[test]
fn load_reports_files_in_the_error_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), with("domain", "\"pension\"")).unwrap();
    let msg = KnowledgeBase::load(dir.path()).unwrap_err().to_string();
    assert!(
        msg.contains("x.toml:2 [good-entry] domain: unknown domain `pension`"),
        "{msg}"
    );
}
