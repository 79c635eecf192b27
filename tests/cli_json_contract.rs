//! Why: `ask --json` is a contract other programs (the widget, municipal systems, the
//! eval harness) read. Its fields, and JSONL in/out for batches, must not drift.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn cli(data: &std::path::Path) -> Command {
    cli_with(&common::fixture_kb(), data)
}

fn cli_with(knowledge: &std::path::Path, data: &std::path::Path) -> Command {
    common::dictionary_dir();
    let mut c = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    c.current_dir(common::repo())
        .env(
            "MADOGUCHI_TOKENIZER_DIR",
            common::repo().join("tokenizer-dict"),
        )
        .arg("--quiet")
        .arg("--knowledge-dir")
        .arg(knowledge)
        .arg("--data-dir")
        .arg(data);
    c
}

fn check_contract(v: &Value) {
    for key in ["query", "decision", "answer", "suggestions", "message"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    let decision = v["decision"].as_str().unwrap();
    assert!(
        ["answer", "suggest", "abstain"].contains(&decision),
        "{decision}"
    );
    if decision == "answer" {
        for key in ["id", "question", "answer", "domain", "source_url", "score"] {
            assert!(v["answer"].get(key).is_some(), "answer lacks {key}: {v}");
        }
    } else {
        assert!(v["answer"].is_null());
    }
    for s in v["suggestions"].as_array().unwrap() {
        for key in ["id", "question", "answer", "score"] {
            assert!(s.get(key).is_some(), "suggestion lacks {key}: {s}");
        }
    }
}

#[test]
fn one_question_prints_exactly_one_json_object() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path())
        .args(["ask", "--json", "マイナンバーカードを紛失しました"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    check_contract(&v);
    assert_eq!(v["decision"], "answer");
    assert_eq!(v["answer"]["id"], "fx-card-lost");
    assert!(v["answer"]["answer"]
        .as_str()
        .unwrap()
        .contains("0120-95-0178"));
}

#[test]
fn stdin_batch_is_jsonl_one_line_per_question() {
    let data = tempfile::tempdir().unwrap();
    let mut child = cli(data.path())
        .args(["ask", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = b"\xe5\x85\x90\xe7\xab\xa5\xe6\x89\x8b\xe5\xbd\x93\xe3\x81\xaf\xe3\x81\x84\xe3\x81\xa4\n\n\xff\xfe invalid utf-8\n\xe4\xbb\x8a\xe6\x97\xa5\xe3\x81\xae\xe5\xa4\xa9\xe6\xb0\x97\xe3\x81\xaf\xef\xbc\x9f\n";
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one object per input line");
    lines.iter().for_each(check_contract);
    assert_eq!(lines[0]["answer"]["id"], "fx-teate-months");
    assert_eq!(lines[1]["error"]["code"], "empty_question");
    assert_eq!(lines[2]["decision"], "abstain");
    assert_eq!(lines[3]["decision"], "abstain");
}

#[test]
fn empty_question_is_an_error_exit() {
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path()).args(["ask", "  "]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("質問が空です"));
}

#[test]
fn invalid_knowledge_is_reported_with_file_and_fix() {
    let data = tempfile::tempdir().unwrap();
    let kb = tempfile::tempdir().unwrap();
    std::fs::write(
        kb.path().join("bad.toml"),
        "[[entry]]\nid = \"x\"\ndomain = \"weather\"\n",
    )
    .unwrap();
    let out = cli_with(kb.path(), data.path())
        .args(["ask", "児童手当"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:1 [x] domain: unknown domain `weather`"),
        "{err}"
    );
    assert!(err.contains("answer: missing"), "{err}");
}
