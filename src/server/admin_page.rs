//! HTML of the `/admin/` dashboard: server-rendered, no scripts, every text that
//! came from residents, entries or files escaped ([`esc`]). Forms post back with the
//! session's CSRF token.

use std::fmt::Write;
use std::sync::atomic::Ordering::Relaxed;

use crate::curate::{Group, TrendRow};
use crate::eval::report::esc;
use crate::store::queue::Counters;

use super::reload::ReloadStatus;

const STYLE: &str = "body{font-family:system-ui,'Noto Sans JP','IPAGothic',sans-serif;margin:0;color:#1d2630;background:#f5f7f9}
header{background:#1f6f8b;color:#fff;padding:.8em 1.2em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
header h1{font-size:1.2em;margin:0;flex:1}header a{color:#fff}main{padding:1em 1.2em;max-width:1200px}
section{background:#fff;border:1px solid #d5dde3;border-radius:6px;padding:.8em 1em;margin-bottom:1em}
h2{font-size:1.05em;margin:.2em 0 .6em}table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #e3e8ec;padding:.3em .4em;text-align:left;vertical-align:top}td.n{text-align:right}
.notice{background:#fff8d6;border:1px solid #e6d27a;padding:.6em 1em;border-radius:6px;margin-bottom:1em;white-space:pre-wrap}
.err{background:#fde8e8;border-color:#e3a0a0}.ok{color:#2d7a3a}.bad{color:#b3261e}
.group{border-top:1px solid #e3e8ec;padding:.6em 0}.group:first-of-type{border-top:0}.q{font-weight:600}
.meta{color:#5a6873;font-size:.85em}form.inline{display:inline}input[type=text]{width:22em}
button{cursor:pointer}details{margin:.3em 0}pre{white-space:pre-wrap;font-size:.85em}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    )
}

/// The login form (the admin token is typed, never put in a URL).
pub fn login(error: Option<&str>) -> String {
    let err = error.map_or(String::new(), |e| {
        format!("<div class=\"notice err\">{}</div>", esc(e))
    });
    page(
        "madoguchi 管理画面",
        &format!(
            "<header><h1>madoguchi 管理画面</h1></header><main><section><h2>ログイン</h2>{err}\
             <form method=\"post\" action=\"/admin/login\"><label>管理トークン <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required></label> \
             <button type=\"submit\">ログイン</button></form>\
             <p class=\"meta\">トークンは設定 <code>curation.admin_token</code> または環境変数 <code>MADOGUCHI_ADMIN_TOKEN</code> の値です。</p></section></main>"
        ),
    )
}

/// A page with one message.
pub fn message(text: &str) -> String {
    page("madoguchi 管理画面", &format!("<main><section><p>{}</p><p><a href=\"/admin/\">管理画面へ戻る</a></p></section></main>", esc(text)))
}

/// Everything the dashboard shows.
pub struct Dashboard<'a> {
    pub csrf: &'a str,
    pub notice: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub tenants: &'a [(String, String)],
    pub groups: &'a [Group],
    pub trends: &'a [TrendRow],
    pub reload: &'a ReloadStatus,
    pub queue: Option<&'a Counters>,
    pub eval_report: bool,
}

fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    )
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

fn status_section(d: &Dashboard<'_>) -> String {
    let r = d.reload;
    let reload = match (&r.at, r.ok) {
        (None, _) => "起動後の再読み込みはまだありません。".to_string(),
        (Some(at), true) => format!("<span class=\"ok\">最後の再読み込み: {} ({}) 成功、{} 件</span>", esc(at), esc(&r.trigger), r.entries),
        (Some(at), false) => format!(
            "<span class=\"bad\">最後の再読み込み: {} ({}) 失敗 — 以前のFAQで回答を続けています。</span><pre>{}</pre>",
            esc(at),
            esc(&r.trigger),
            esc(r.error.as_deref().unwrap_or(""))
        ),
    };
    let queue = d.queue.map_or(
        "記録は無効です (curation.enabled = false)。".to_string(),
        |q| {
            format!(
                "記録キュー: 受付 {} / 書込 {} / 破棄 {} / 失敗 {}",
                q.accepted.load(Relaxed),
                q.written.load(Relaxed),
                q.dropped.load(Relaxed),
                q.failed.load(Relaxed)
            )
        },
    );
    format!(
        "<section><h2>状態</h2><p>{reload}</p><p class=\"meta\">{queue}</p>\
         <form class=\"inline\" method=\"post\" action=\"/admin/reload\">{}<button type=\"submit\">FAQを再読み込み</button></form> {}</section>",
        csrf_field(d.csrf),
        if d.eval_report { "<a href=\"/admin/eval\">最新の評価レポート</a>" } else { "<span class=\"meta\">評価レポートはまだありません（madoguchi eval）。</span>" }
    )
}

fn trends_section(rows: &[TrendRow]) -> String {
    let mut s = String::from("<section><h2>日別の状況（直近14日）</h2>");
    if rows.is_empty() {
        s.push_str("<p class=\"meta\">まだ記録がありません。</p></section>");
        return s;
    }
    s.push_str("<table><tr><th>日付 (UTC)</th><th>自治体</th><th>質問数</th><th>回答</th><th>候補提示</th><th>回答なし</th><th>聞き返し</th><th>「解決した」率</th></tr>");
    for r in rows {
        let fb = r.helpful + r.unhelpful;
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} <span class=\"meta\">({fb}件中)</span></td></tr>",
            esc(&r.day),
            esc(&r.tenant),
            r.asks,
            pct(r.answered, r.asks),
            pct(r.suggested, r.asks),
            pct(r.abstained, r.asks),
            pct(r.clarified, r.asks),
            pct(r.helpful, fb)
        );
    }
    s.push_str("</table></section>");
    s
}

fn group_html(g: &Group, csrf: &str) -> String {
    let id = esc(&g.id);
    let decisions: Vec<String> = g
        .decisions
        .iter()
        .map(|(k, v)| format!("{} {v}", esc(k)))
        .collect();
    let variants: String = g
        .variants
        .iter()
        .map(|(t, n)| format!("<li>{} <span class=\"meta\">×{n}</span></li>", esc(t)))
        .collect();
    let options: String = g
        .nearest
        .iter()
        .map(|n| {
            format!(
                "<option value=\"{}\">{} — {} ({:.2})</option>",
                esc(&n.id),
                esc(&n.id),
                esc(&n.question),
                n.score
            )
        })
        .collect();
    let nearest: String = g
        .nearest
        .iter()
        .map(|n| {
            format!(
                "<li><code>{}</code> {} <span class=\"meta\">{:.2}</span></li>",
                esc(&n.id),
                esc(&n.question),
                n.score
            )
        })
        .collect();
    format!(
        "<div class=\"group\"><div class=\"q\">{q}</div>\
         <div class=\"meta\">{count} 件（うち「解決しなかった」{unhelpful}）· {decisions} · 自治体 {tenants} · {first} 〜 {last} · id {id}</div>\
         <details><summary>言い方 {nv} 種類</summary><ul>{variants}</ul></details>\
         <details><summary>近いFAQ</summary><ul>{nearest}</ul></details>\
         <form method=\"post\" action=\"/admin/groups/{id}/add-alt\">{csrf}\
           <label>FAQ <select name=\"entry\"><option value=\"\">（FAQを選ぶ、または右にIDを入力）</option>{options}</select></label> \
           <label>または ID <input type=\"text\" name=\"entry_other\" placeholder=\"mynumber-card-lost\" style=\"width:12em\"></label><br>\
           <label>追加する言い方 <input type=\"text\" name=\"text\" value=\"{qv}\"></label> \
           <button type=\"submit\">言い換えとして追加</button></form>\
         <form class=\"inline\" method=\"post\" action=\"/admin/groups/{id}/draft\">{csrf}<button type=\"submit\">新しいFAQの下書きを作る</button></form> \
         <form class=\"inline\" method=\"post\" action=\"/admin/groups/{id}/dismiss\">{csrf}<button type=\"submit\">対象外にする</button></form></div>",
        q = esc(&g.question),
        count = g.count,
        unhelpful = g.unhelpful,
        decisions = decisions.join(" / "),
        tenants = esc(&g.tenants.join(", ")),
        first = esc(&g.first_seen),
        last = esc(&g.last_seen),
        nv = g.variants.len(),
        qv = esc(&g.question),
        csrf = csrf_field(csrf),
    )
}

/// The dashboard page.
pub fn dashboard(d: &Dashboard<'_>) -> String {
    let notice = d.notice.map_or(String::new(), |n| {
        format!("<div class=\"notice\">{}</div>", esc(n))
    });
    let mut tenant_options = String::from("<option value=\"\">すべて</option>");
    for (code, name) in
        std::iter::once(&("national".to_string(), "全国".to_string())).chain(d.tenants)
    {
        let selected = if d.tenant == Some(code.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            tenant_options,
            "<option value=\"{}\"{selected}>{} ({})</option>",
            esc(code),
            esc(name),
            esc(code)
        );
    }
    let groups: String = if d.groups.is_empty() {
        "<p class=\"meta\">対応待ちの質問はありません。</p>".into()
    } else {
        d.groups.iter().map(|g| group_html(g, d.csrf)).collect()
    };
    let logout = if d.csrf.is_empty() {
        String::new()
    } else {
        format!("<form class=\"inline\" method=\"post\" action=\"/admin/logout\">{}<button type=\"submit\">ログアウト</button></form>", csrf_field(d.csrf))
    };
    page(
        "madoguchi 管理画面",
        &format!(
            "<header><h1>madoguchi 管理画面</h1><form method=\"get\" action=\"/admin/\"><label>自治体 <select name=\"tenant\">{tenant_options}</select></label> <button type=\"submit\">絞り込み</button></form>{logout}</header>\
             <main>{notice}{status}{trends}<section><h2>回答できなかった質問（似た質問ごと、多い順）</h2>{groups}</section></main>",
            status = status_section(d),
            trends = trends_section(d.trends),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn resident_text_is_escaped_everywhere() {
        let evil = "<script>alert(1)</script>\"'&";
        let g = Group {
            id: "abc".into(),
            question: evil.into(),
            count: 1,
            unhelpful: 0,
            first_seen: evil.into(),
            last_seen: evil.into(),
            tenants: vec![evil.into()],
            decisions: BTreeMap::from([(evil.to_string(), 1)]),
            variants: vec![(evil.into(), 1)],
            keys: vec![],
            nearest: vec![],
        };
        let html = dashboard(&Dashboard {
            csrf: "t",
            notice: Some(evil),
            tenant: Some(evil),
            tenants: &[(evil.into(), evil.into())],
            groups: &[g],
            trends: &[],
            reload: &ReloadStatus {
                at: Some(evil.into()),
                ok: false,
                error: Some(evil.into()),
                ..Default::default()
            },
            queue: None,
            eval_report: false,
        });
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert(1)</"), "{html}");
    }
}
