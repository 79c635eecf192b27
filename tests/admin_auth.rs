//! Why: the dashboard can rewrite the knowledge base, so it must never be open by
//! accident. No configured token → every `/admin/` path is 404; with a token, no or a
//! wrong credential → 401; the right bearer token or a login session → in; a session's
//! forms need its CSRF token; everything residents typed is escaped.

mod common;

use common::http::{app, bearer, form, get, json, post, send, TOKEN};
use madoguchi::config::Secret;

const ME: [u8; 4] = [10, 0, 0, 7];

#[tokio::test]
async fn without_a_token_the_admin_area_does_not_exist() {
    let (app, _, _tmp) = app(|_| {});
    for (req, what) in [
        (get("/admin/"), "dashboard"),
        (get("/admin/api/groups"), "api"),
        (form("/admin/reload", ""), "reload"),
        (form("/admin/login", "token=anything-at-all-1234"), "login"),
        (bearer(get("/admin/"), TOKEN), "bearer"),
    ] {
        let (s, _, _) = send(&app, req, ME).await;
        assert_eq!(s, 404, "{what}");
    }
}

#[tokio::test]
async fn no_token_wrong_token_and_right_token() {
    let (app, _, _tmp) = app(|c| c.curation.admin_token = Some(Secret(TOKEN.into())));
    let (s, h, b) = send(&app, get("/admin/api/groups"), ME).await;
    assert_eq!(s, 401);
    assert_eq!(json(&b)["error"]["code"], "unauthorized");
    assert!(h.get("www-authenticate").is_some());
    let (s, _, b) = send(&app, get("/admin/"), ME).await;
    assert_eq!(s, 401, "the dashboard offers the login form");
    assert!(String::from_utf8(b)
        .unwrap()
        .contains("action=\"/admin/login\""));
    for wrong in [
        "nope",
        "test-admin-token-012345678",
        "test-admin-token-01234567890",
    ] {
        let (s, _, _) = send(&app, bearer(get("/admin/api/groups"), wrong), ME).await;
        assert_eq!(s, 401, "{wrong}");
        let (s, _, _) = send(&app, bearer(form("/admin/reload", ""), wrong), ME).await;
        assert_eq!(s, 401, "{wrong}");
    }
    let (s, _, b) = send(&app, bearer(get("/admin/api/groups"), TOKEN), ME).await;
    assert_eq!(s, 200);
    assert!(json(&b).is_array());
    let (s, _, b) = send(&app, bearer(form("/admin/reload", ""), TOKEN), ME).await;
    assert_eq!((s.as_u16(), json(&b)["ok"].as_bool()), (200, Some(true)));
}

#[tokio::test]
async fn browser_sessions_need_the_csrf_token_and_output_is_escaped() {
    let (app, state, _tmp) = app(|c| c.curation.admin_token = Some(Secret(TOKEN.into())));
    send(
        &app,
        post(
            "/v1/ask",
            r#"{"q":"<script>alert(1)</script> ごみ収集の日"}"#,
        ),
        ME,
    )
    .await;
    state.close();
    let (s, _, _) = send(&app, form("/admin/login", "token=wrong"), ME).await;
    assert_eq!(s, 401);
    let (s, h, _) = send(&app, form("/admin/login", &format!("token={TOKEN}")), ME).await;
    assert_eq!(s, 303);
    let set = h.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let with_cookie = |mut req: axum::http::Request<axum::body::Body>| {
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        req
    };
    let (s, h, b) = send(&app, with_cookie(get("/admin/")), ME).await;
    assert_eq!(s, 200);
    assert!(h.get("content-security-policy").is_some());
    let page = String::from_utf8(b).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        !page.contains("<script>alert(1)"),
        "resident text must be escaped"
    );
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (s, _, _) = send(&app, with_cookie(form("/admin/reload", "")), ME).await;
    assert_eq!(s, 403, "a form without the CSRF token is refused");
    let (s, _, _) = send(&app, with_cookie(form("/admin/reload", "csrf=0000")), ME).await;
    assert_eq!(s, 403, "a wrong CSRF token is refused");
    let (s, h, _) = send(
        &app,
        with_cookie(form("/admin/reload", &format!("csrf={csrf}"))),
        ME,
    )
    .await;
    assert_eq!(s, 303);
    assert!(h
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("/admin/?notice="));
}
