//! Why: curators change the knowledge while residents are asking. A reload must swap
//! the whole engine at once (no response mixes two versions, none fails), and an
//! invalid change must leave the previous knowledge serving, with the error visible.
//! The file watch picks up a saved change by itself.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http::{app_over, bearer, fixture_copy, form, get, json, post, send, TOKEN};
use madoguchi::config::Secret;

const Q: &str = r#"{"q":"マイナンバーカードをなくしたときはどうすればよいですか？"}"#;
const OLD_URL: &str = "https://www.kojinbango-card.go.jp/";
const NEW_URL: &str = "https://www.kojinbango-card.go.jp/new-version/";
const NEW_MARK: &str = "（改訂版）";

/// Changes the lost-card entry's answer and source URL together: a response that
/// mixes versions would pair one with the other.
fn revise(kb: &std::path::Path) {
    let path = kb.join("national/fixture.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("id = \"fx-card-lost\"").unwrap();
    let end = start + text[start..].find("[[entry]]").unwrap();
    let entry = text[start..end]
        .replace(
            "再交付を申請します。",
            &format!("再交付を申請します。{NEW_MARK}"),
        )
        .replace(
            &format!("source_url = \"{OLD_URL}\""),
            &format!("source_url = \"{NEW_URL}\""),
        );
    std::fs::write(&path, format!("{}{entry}{}", &text[..start], &text[end..])).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloads_under_load_never_fail_or_mix_and_invalid_knowledge_keeps_the_old() {
    let kb = fixture_copy();
    let (app, state, _data) = app_over(kb.path(), |c| {
        c.curation.admin_token = Some(Secret(TOKEN.into()));
        c.server.rate_limit_per_second = 100_000;
        c.server.rate_limit_burst = 100_000;
    });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut askers = Vec::new();
    for n in 0..4u8 {
        let (app, stop) = (app.clone(), Arc::clone(&stop));
        askers.push(tokio::spawn(async move {
            let (mut old, mut new) = (0usize, 0usize);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (s, _, b) = send(&app, post("/v1/ask", Q), [10, 1, 0, n]).await;
                assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
                let v = json(&b);
                assert_eq!(v["answer"]["id"], "fx-card-lost", "{v}");
                let text = v["answer"]["answer"].as_str().unwrap();
                let url = v["answer"]["source_url"].as_str().unwrap();
                match (text.contains(NEW_MARK), url) {
                    (false, OLD_URL) => old += 1,
                    (true, NEW_URL) => new += 1,
                    _ => panic!("a response mixed two versions: {v}"),
                }
                // In-process requests may never wait; let the timer and reload run.
                tokio::task::yield_now().await;
            }
            (old, new)
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    revise(kb.path());
    let (s, _, b) = send(
        &app,
        bearer(form("/admin/reload", ""), TOKEN),
        [10, 2, 0, 1],
    )
    .await;
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Break the knowledge: the reload fails, the revised version keeps serving.
    let broken = kb.path().join("national/broken.toml");
    std::fs::write(&broken, "[[entry]]\nid = \"fx-card-lost\"\nanswer = \"\"\n").unwrap();
    let (s, _, b) = send(
        &app,
        bearer(form("/admin/reload", ""), TOKEN),
        [10, 2, 0, 1],
    )
    .await;
    assert_eq!(
        (s.as_u16(), json(&b)["error"]["code"].as_str()),
        (422, Some("curation_failed"))
    );
    assert!(
        String::from_utf8_lossy(&b).contains("broken.toml"),
        "the error names the file"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut old, mut new) = (0, 0);
    for a in askers {
        let (o, n) = a.await.unwrap();
        old += o;
        new += n;
    }
    assert!(
        old > 0 && new > 0,
        "asks ran across the swap: old {old}, new {new}"
    );

    let status = state.reload_status();
    assert!(
        !status.ok
            && status
                .error
                .as_deref()
                .unwrap_or("")
                .contains("broken.toml")
    );
    let (_, _, b) = send(&app, bearer(get("/admin/"), TOKEN), [10, 2, 0, 1]).await;
    assert!(
        String::from_utf8_lossy(&b).contains("broken.toml"),
        "the dashboard shows the error"
    );
    let (_, _, b) = send(&app, post("/v1/ask", Q), [10, 2, 0, 2]).await;
    assert_eq!(json(&b)["answer"]["source_url"], NEW_URL);
    let (_, _, b) = send(&app, get("/metrics"), [10, 2, 0, 3]).await;
    let metrics = String::from_utf8(b).unwrap();
    assert!(
        metrics.contains("madoguchi_reloads_total{outcome=\"ok\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("madoguchi_reloads_total{outcome=\"failed\"} 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_watch_reloads_a_saved_change() {
    let kb = fixture_copy();
    let (app, state, _data) = app_over(kb.path(), |c| c.curation.watch_interval_ms = 100);
    let watcher = tokio::spawn(madoguchi::server::reload::watch(Arc::clone(&state)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    revise(kb.path());
    let started = Instant::now();
    loop {
        let (_, _, b) = send(&app, post("/v1/ask", Q), [10, 3, 0, 1]).await;
        if json(&b)["answer"]["source_url"] == NEW_URL {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the change was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.abort();
}
