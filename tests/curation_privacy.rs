//! Why: residents type their individual number, phone number or e-mail into the chat.
//! None of it may reach the curation database or the logs, in any form we redact
//! (separators, full-width digits), whichever path writes it (ask, feedback comment).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::http::{app, json, post, send};

/// A log sink shared with the subscriber.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const SECRETS: [&str; 8] = [
    "123456789012",
    "1234-5678-9012",
    "１２３４５６７８９０１２",
    "090-1234-5678",
    "03(1234)5678",
    "taro.yamada@example.jp",
    "100-0001",
    "4111111111111111",
];

#[tokio::test]
async fn no_raw_number_reaches_the_database_or_the_logs() {
    let sink = Sink::default();
    let writer = sink.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();
    let (app, state, data) = app(|_| {});
    let mut ids = Vec::new();
    for (i, secret) in SECRETS.iter().enumerate() {
        // Out of scope, so the question itself is logged for curation.
        let q = format!("私の番号は{secret}です。ペットの登録は？");
        let (s, _, b) = send(
            &app,
            post("/v1/ask", &format!(r#"{{"q":"{q}"}}"#)),
            [10, 9, 0, i as u8],
        )
        .await;
        assert_eq!(s, 200);
        ids.push(json(&b)["request_id"].as_str().unwrap().to_string());
    }
    for (id, secret) in ids.iter().zip(SECRETS) {
        let body =
            format!(r#"{{"request_id":"{id}","helpful":false,"comment":"連絡先 {secret}"}}"#);
        let (s, _, _) = send(&app, post("/v1/feedback", &body), [10, 9, 1, 1]).await;
        assert_eq!(s, 200);
    }
    state.close();
    let store = &state.curation().unwrap().store;
    let asks = store.asks(None, 100).unwrap();
    assert_eq!(asks.len(), SECRETS.len(), "every question was logged");
    assert_eq!(store.feedback(100).unwrap().len(), SECRETS.len());
    let mut bytes = Vec::new();
    for e in std::fs::read_dir(data.path()).unwrap().flatten() {
        if e.file_name()
            .to_string_lossy()
            .starts_with("curation.sqlite3")
        {
            bytes.extend(std::fs::read(e.path()).unwrap());
        }
    }
    assert!(bytes.len() > 4096, "the database files were read");
    let db = String::from_utf8_lossy(&bytes);
    let logs = String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned();
    for secret in SECRETS {
        assert!(!db.contains(secret), "{secret} reached the database");
        assert!(!logs.contains(secret), "{secret} reached the logs");
    }
    assert!(db.contains("[個人番号]") && db.contains("[電話番号]") && db.contains("[メール]"));
}
