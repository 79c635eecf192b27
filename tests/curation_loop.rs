//! Why: the curation loop is how the bot gets better. A question we could not answer
//! is logged, shows up in a group (dashboard API and `madoguchi curate list`), a
//! curator adds it to the right entry in one action, and after the reload the same
//! question is answered. Draft and dismiss take a group out of the queue too.

mod common;

use std::process::Command;

use common::http::{app_over, bearer, fixture_copy, form, get, json, post, send, TOKEN};
use madoguchi::config::Secret;

const ME: [u8; 4] = [10, 0, 0, 8];
const UNANSWERED: &str = "財布ごと全部落とした";

async fn ask(app: &axum::Router, q: &str) -> serde_json::Value {
    let (s, _, b) = send(app, post("/v1/ask", &format!(r#"{{"q":"{q}"}}"#)), ME).await;
    assert_eq!(s, 200);
    json(&b)
}

/// Waits until the write queue has written everything it accepted.
async fn flushed(state: &madoguchi::server::AppState) {
    use std::sync::atomic::Ordering::Relaxed;
    let c = state.curation().unwrap().writer.counters();
    for _ in 0..200 {
        if c.written.load(Relaxed) + c.failed.load(Relaxed) >= c.accepted.load(Relaxed) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the curation queue did not drain");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_added_alt_question_is_answered_after_reload() {
    let kb = fixture_copy();
    let (app, state, data) = app_over(kb.path(), |c| {
        c.curation.admin_token = Some(Secret(TOKEN.into()))
    });
    let before = ask(&app, UNANSWERED).await;
    assert_eq!(before["decision"], "abstain", "{before}");
    ask(&app, "財布ごと全部落とした！").await;
    flushed(&state).await;

    let (s, _, b) = send(&app, bearer(get("/admin/api/groups"), TOKEN), ME).await;
    assert_eq!(s, 200);
    let groups = json(&b);
    let group = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["question"] == UNANSWERED)
        .unwrap_or_else(|| panic!("no group for the question: {groups}"));
    assert_eq!(group["count"], 2, "both wordings in one group: {group}");
    let id = group["id"].as_str().unwrap();

    // The CLI sees the same groups in the server's data folder.
    let out = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .args(["curate", "list", "--data-dir"])
        .arg(data.path())
        .arg("--knowledge-dir")
        .arg(kb.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(id) && text.contains(UNANSWERED), "{text}");

    let (s, _, b) = send(
        &app,
        bearer(
            form(&format!("/admin/groups/{id}/add-alt"), "entry=fx-card-lost"),
            TOKEN,
        ),
        ME,
    )
    .await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    let file = std::fs::read_to_string(kb.path().join("national/fixture.toml")).unwrap();
    assert!(file.contains(UNANSWERED));
    assert!(
        file.starts_with("# A small, stable knowledge base"),
        "comments are kept"
    );

    let after = ask(&app, UNANSWERED).await;
    assert_eq!(after["decision"], "answer", "{after}");
    assert_eq!(after["answer"]["id"], "fx-card-lost");
    let (_, _, b) = send(&app, bearer(get("/admin/api/groups"), TOKEN), ME).await;
    assert!(
        json(&b).as_array().unwrap().iter().all(|g| g["id"] != id),
        "the handled group is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_and_dismiss_take_groups_out_of_the_queue() {
    let kb = fixture_copy();
    let (app, state, _data) = app_over(kb.path(), |c| {
        c.curation.admin_token = Some(Secret(TOKEN.into()))
    });
    ask(&app, "粗大ごみの収集を申し込みたい").await;
    ask(&app, "犬の登録はどこでできますか").await;
    flushed(&state).await;
    let (_, _, b) = send(&app, bearer(get("/admin/api/groups"), TOKEN), ME).await;
    let groups = json(&b);
    let id_of = |q: &str| {
        groups
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["question"] == q)
            .map(|g| g["id"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no group for {q}: {groups}"))
    };
    let (garbage, dog) = (
        id_of("粗大ごみの収集を申し込みたい"),
        id_of("犬の登録はどこでできますか"),
    );
    let (s, _, b) = send(
        &app,
        bearer(form(&format!("/admin/groups/{garbage}/draft"), ""), TOKEN),
        ME,
    )
    .await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    let draft = std::fs::read_to_string(kb.path().join(format!("drafts/{garbage}.toml"))).unwrap();
    assert!(
        draft.contains("question = \"粗大ごみの収集を申し込みたい\""),
        "{draft}"
    );
    let (s, _, _) = send(
        &app,
        bearer(form(&format!("/admin/groups/{dog}/dismiss"), ""), TOKEN),
        ME,
    )
    .await;
    assert_eq!(s, 200);
    let (s, _, b) = send(
        &app,
        bearer(form(&format!("/admin/groups/{dog}/dismiss"), ""), TOKEN),
        ME,
    )
    .await;
    assert_eq!(
        (s.as_u16(), json(&b)["error"]["code"].as_str()),
        (404, Some("unknown_group"))
    );
    let (_, _, b) = send(&app, bearer(get("/admin/api/groups"), TOKEN), ME).await;
    assert!(
        json(&b).as_array().unwrap().is_empty(),
        "{}",
        String::from_utf8_lossy(&b)
    );
    // The draft (empty answer) is not loaded: the knowledge still reloads.
    let (s, _, b) = send(&app, bearer(form("/admin/reload", ""), TOKEN), ME).await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
}
