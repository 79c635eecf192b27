//! Why: a public service takes every kind of input from anyone. Each hostile or broken
//! request to the real server binary (over a raw TCP socket, so bytes no HTTP client
//! library would send get through) must get a clear 4xx with a stable error code — or,
//! for a well-formed question that is merely odd, an ordinary answer — never a 5xx or
//! a crash; and the server must be healthy after the whole matrix.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    common::dictionary_dir();
    let data = tempfile::tempdir().unwrap();
    let config = data.path().join("madoguchi.toml");
    std::fs::write(
        &config,
        "[server]\nrate_limit_per_second = 100000\nrate_limit_burst = 100000\n[curation]\nwatch_knowledge = false\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .args(["serve", "--quiet", "--addr", "127.0.0.1:0"])
        .env("MADOGUCHI_CONFIG", &config)
        .env("MADOGUCHI_DATA_DIR", data.path())
        .env("MADOGUCHI_KNOWLEDGE_DIR", common::fixture_kb())
        .env(
            "MADOGUCHI_TOKENIZER_DIR",
            common::repo().join("tokenizer-dict"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Only the banner's first line is read, then the pipe is closed: the server must
    // keep serving when its standard output goes away (it once died printing the
    // rest of the banner).
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.split("serving on http://").nth(1).map(str::to_string))
        .expect("the server did not start");
    Server {
        child,
        addr,
        _data: data,
    }
}

/// Sends raw bytes; returns the status and the body. The connection is kept alive
/// (no `Connection: close`), so a server that answers before reading a body drains it
/// instead of resetting the connection; the response ends at its `content-length`.
fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut writer = s.try_clone().unwrap();
    let request_line: Vec<u8> = request.iter().take(120).copied().collect();
    let request = request.to_vec();
    let sending = std::thread::spawn(move || {
        // A refused rest of the body is expected.
        let _ = writer.write_all(&request);
    });
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    while !complete(&out) {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    drop(s);
    let _ = sending.join();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no HTTP response to {:?}",
                String::from_utf8_lossy(&request_line)
            )
        });
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// True when `out` holds a whole response (headers and `content-length` bytes).
fn complete(out: &[u8]) -> bool {
    let text = String::from_utf8_lossy(out);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= length
}

fn post(addr: &str, content_type: &str, body: &[u8]) -> (u16, String) {
    let mut req = format!(
        "POST /v1/ask HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    raw(addr, &req)
}

/// A POST announcing its body with `Expect: 100-continue`: a server that refuses the
/// body by its length answers before the body is sent (as browsers and curl do for
/// large uploads), so the answer cannot be lost to a connection reset.
fn post_large(addr: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "POST /v1/ask HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                if out.starts_with(b"HTTP/1.1 100") && out.ends_with(b"\r\n\r\n") {
                    out.clear();
                    s.write_all(body).unwrap();
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn code(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn every_bad_input_gets_a_clear_answer_and_the_server_stays_healthy() {
    let server = start();
    let a = server.addr.as_str();
    let json = "application/json";
    let q = |text: &str| serde_json::json!({ "q": text }).to_string().into_bytes();
    let nested = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let emoji = "😀".repeat(10_000);
    let mut invalid_utf8 = b"{\"q\":\"".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    invalid_utf8.extend_from_slice(b"\"}");
    // (what, status, body) → expected status and error code ("" = an ordinary answer)
    let cases: Vec<(&str, (u16, String), u16, &str)> = vec![
        (
            "empty question",
            post(a, json, &q("")),
            400,
            "empty_question",
        ),
        (
            "whitespace question",
            post(a, json, &q(" \t\n　 ")),
            400,
            "empty_question",
        ),
        (
            "1 MB body",
            post_large(a, &vec![b'a'; 1 << 20]),
            413,
            "payload_too_large",
        ),
        (
            "invalid UTF-8",
            post(a, json, &invalid_utf8),
            400,
            "invalid_json",
        ),
        (
            "NUL and controls",
            post(a, json, &q("児童手当\u{0}\u{1}\u{7f}\u{1b}[31m")),
            200,
            "",
        ),
        (
            "lone surrogate",
            post(a, json, r#"{"q":"\ud800 児童手当"}"#.as_bytes()),
            400,
            "invalid_json",
        ),
        (
            "10,000 emoji",
            post_large(a, &q(&emoji)),
            413,
            "payload_too_large",
        ),
        (
            "2,000 characters",
            post(a, json, &q(&"あ".repeat(2000))),
            400,
            "question_too_long",
        ),
        (
            "HTML injection",
            post(a, json, &q("<script>alert(1)</script>")),
            200,
            "",
        ),
        (
            "SQL-looking",
            post(a, json, &q("'; DROP TABLE asks; --")),
            200,
            "",
        ),
        (
            "wrong content type",
            post(a, "text/plain", &q("児童手当")),
            415,
            "unsupported_media_type",
        ),
        (
            "no content type",
            post(a, "", &q("児童手当")),
            415,
            "unsupported_media_type",
        ),
        (
            "malformed JSON",
            post(a, json, b"{\"q\": "),
            400,
            "invalid_json",
        ),
        (
            "deeply nested JSON",
            post(a, json, nested.as_bytes()),
            400,
            "invalid_json",
        ),
        (
            "JSON of the wrong type",
            post(a, json, br#"{"q": 42}"#),
            400,
            "invalid_json",
        ),
        (
            "unknown field",
            post(a, json, r#"{"q":"児童手当","admin":true}"#.as_bytes()),
            400,
            "invalid_json",
        ),
        (
            "unknown tenant",
            post(
                a,
                json,
                r#"{"q":"児童手当","tenant":"../../etc"}"#.as_bytes(),
            ),
            404,
            "unknown_tenant",
        ),
        (
            "huge header",
            raw(
                a,
                format!(
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
                    "a".repeat(200_000)
                )
                .as_bytes(),
            ),
            431,
            "headers_too_large",
        ),
        (
            "unknown route",
            raw(a, b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"),
            404,
            "not_found",
        ),
        (
            "wrong method",
            raw(a, b"DELETE /v1/ask HTTP/1.1\r\nHost: x\r\n\r\n"),
            405,
            "method_not_allowed",
        ),
        (
            "garbage request line",
            raw(a, b"\x00\x01\x02 nonsense\r\n\r\n"),
            400,
            "",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, (status, body), want_status, want_code) in &cases {
        let got = code(body);
        let ok = status == want_status && (want_code.is_empty() || got == *want_code);
        if !ok || *status >= 500 {
            wrong.push(format!(
                "{what}: {status} {got:?} (want {want_status} {want_code:?}) {}",
                body.chars().take(200).collect::<String>()
            ));
        }
        if *status == 200 {
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert!(v["decision"].is_string(), "{what}: {v}");
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    // Still healthy, still answering.
    let (s, _) = raw(
        a,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(s, 200);
    let (s, body) = post(a, json, &q("マイナンバーカードを紛失しました"));
    assert_eq!(s, 200);
    assert!(body.contains("fx-card-lost"), "{body}");
}
