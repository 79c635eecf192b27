//! The HTML report: one self-contained page (inline CSS and SVG, no scripts, no CDN),
//! every text from questions or entries escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::metrics::{Metrics, HEADLINE};
use super::Report;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

const CSS: &str = "body{font-family:system-ui,'Hiragino Sans','Noto Sans JP',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.5}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #1f6f8b}\
table{border-collapse:collapse;margin:.5rem 0;font-size:.92rem}th,td{border:1px solid #c8c8c8;padding:.3rem .55rem;text-align:left;vertical-align:top}\
th{background:#eef4f7}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.pass{color:#0a6b2d;font-weight:bold}.fail{color:#b00020;font-weight:bold}.better{color:#0a6b2d}.worse{color:#b00020}.same{color:#666}\
.badge{display:inline-block;padding:.2rem .7rem;border-radius:1rem;color:#fff}.badge.pass{background:#0a6b2d}.badge.fail{background:#b00020}\
small,.muted{color:#555}details{margin:.3rem 0}code{background:#f3f3f3;padding:0 .2rem}";

/// Horizontal bars for values in 0–1.
fn bars(title: &str, rows: &[(String, Option<f64>)]) -> String {
    let (label_w, bar_w, row_h) = (190.0, 420.0, 22.0);
    let h = rows.len() as f64 * row_h + 10.0;
    let mut s = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">",
        esc(title),
        label_w + bar_w + 60.0
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = v.unwrap_or(0.0).clamp(0.0, 1.0) * bar_w;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"{}\" fill=\"#e6e6e6\"/><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"#1f6f8b\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            esc(label),
            row_h - 6.0,
            row_h - 6.0,
            label_w + bar_w + 6.0,
            y + 14.0,
            pct(*v)
        );
    }
    s.push_str("</svg>");
    s
}

/// A table of metrics per group, plus a bar chart of hit@1.
fn group_section(title: &str, groups: &BTreeMap<String, Metrics>) -> String {
    let mut s = format!(
        "<h2>{}</h2><table><tr><th>group</th><th>questions</th>",
        esc(title)
    );
    for (_, label, _) in HEADLINE {
        let _ = write!(s, "<th>{label}</th>");
    }
    s.push_str("</tr>");
    for (name, m) in groups {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"n\">{}</td>",
            esc(name),
            m.questions
        );
        for (metric, _, _) in HEADLINE {
            let _ = write!(s, "<td class=\"n\">{}</td>", pct(m.get(metric)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    let rows: Vec<(String, Option<f64>)> = groups
        .iter()
        .filter(|(_, m)| m.in_scope > 0)
        .map(|(k, m)| (format!("{k} hit@1"), m.hit_at_1))
        .collect();
    if !rows.is_empty() {
        s.push_str(&bars(&format!("{title}: hit@1"), &rows));
    }
    s
}

/// Renders the whole report.
pub fn html(r: &Report) -> String {
    let mut s = String::new();
    let verdict = if r.passed() {
        "<span class=\"badge pass\">PASS</span>"
    } else {
        "<span class=\"badge fail\">FAIL</span>"
    };
    let _ = write!(
        s,
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>madoguchi 評価レポート</title><style>{CSS}</style></head><body>\
<h1>madoguchi 評価レポート {verdict}</h1><p class=\"muted\">{} · madoguchi {} · {} FAQ entries · {} golden questions</p>",
        esc(&r.generated_at),
        r.madoguchi_version,
        r.knowledge_entries,
        r.splits.get("all").map_or(0, |m| m.questions)
    );
    s.push_str("<p>How to read this: <b>hit@1</b> = the right FAQ ranked first; <b>answer rate</b> = in-scope questions answered directly with a right entry; <b>answer precision</b> = direct answers that were right; <b>abstain recall</b> = out-of-scope questions we declined. The <b>heldout</b> split is never used for tuning, so it is the honest number.</p>");

    s.push_str("<h2>Thresholds</h2><table><tr><th>split</th><th>metric</th><th>limit</th><th>actual</th><th></th></tr>");
    for c in &r.thresholds {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{} {:.1}%</td><td class=\"n\">{}</td><td class=\"{}\">{}</td></tr>",
            esc(&c.split),
            esc(&c.metric),
            if c.bound == "max" { "≤" } else { "≥" },
            c.limit * 100.0,
            pct(c.actual),
            if c.pass { "pass" } else { "fail" },
            if c.pass { "pass" } else { "FAIL" }
        );
    }
    s.push_str("</table>");

    s.push_str("<h2>Headline metrics</h2><table><tr><th>metric</th>");
    let splits = ["all", "tune", "heldout"];
    for sp in splits {
        let n = r.splits.get(sp).map_or(0, |m| m.questions);
        let _ = write!(s, "<th>{sp} <small>({n})</small></th>");
    }
    s.push_str("</tr>");
    for (metric, label, _) in HEADLINE {
        let _ = write!(s, "<tr><td>{label}</td>");
        for sp in splits {
            let v = r.splits.get(sp).and_then(|m| m.get(metric));
            let delta = r
                .comparison
                .iter()
                .find(|d| d.split == sp && d.metric == *metric);
            let d = delta.map_or(String::new(), |d| {
                if d.verdict == "changed set" {
                    return " <small class=\"muted\">(other set)</small>".to_string();
                }
                format!(
                    " <small class=\"{}\">({}{:.1})</small>",
                    d.verdict,
                    if d.delta >= 0.0 { "+" } else { "" },
                    d.delta * 100.0
                )
            });
            let _ = write!(s, "<td class=\"n\">{}{d}</td>", pct(v));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    if r.comparison.is_empty() {
        s.push_str("<p class=\"muted\">No previous report to compare with.</p>");
    } else {
        let better = r
            .comparison
            .iter()
            .filter(|d| d.verdict == "better")
            .count();
        let worse = r.comparison.iter().filter(|d| d.verdict == "worse").count();
        let other = r
            .comparison
            .iter()
            .filter(|d| d.verdict == "changed set")
            .count();
        let _ = write!(s, "<p>Against the previous report: <span class=\"better\">{better} better</span>, <span class=\"worse\">{worse} worse</span> (points in brackets).");
        if other > 0 {
            let _ = write!(s, " {other} not compared: the split's golden questions or conversation cases changed since then, so its numbers measure another set.");
        }
        s.push_str("</p>");
    }

    let total: usize = r.decisions.values().sum();
    let rows: Vec<(String, Option<f64>)> = r
        .decisions
        .iter()
        .map(|(k, v)| (k.clone(), (total > 0).then(|| *v as f64 / total as f64)))
        .collect();
    s.push_str("<h2>Decisions</h2>");
    s.push_str(&bars("decisions", &rows));

    s.push_str(&group_section("By domain", &r.by_domain));
    s.push_str(&group_section("By register", &r.by_register));
    s.push_str(&group_section("By tenant", &r.by_tenant));
    s.push_str(&super::retrievers::html(
        &r.retrievers,
        r.dense_model.as_deref(),
        r.dense_calibration.as_ref(),
    ));

    let l = &r.latency_ms;
    let _ = write!(
        s,
        "<h2>Latency</h2><p>p50 {:.3} ms · p90 {:.3} ms · p99 {:.3} ms · max {:.3} ms · mean {:.3} ms (one process, the service's retrieval path)</p>",
        l.p50, l.p90, l.p99, l.max, l.mean
    );
    let n: usize = l.histogram.iter().map(|(_, c)| c).sum();
    let hist: Vec<(String, Option<f64>)> = l
        .histogram
        .iter()
        .map(|(upper, c)| {
            let label = if *upper == f64::MAX {
                "slower".to_string()
            } else {
                format!("≤ {upper} ms")
            };
            (label, (n > 0).then(|| *c as f64 / n as f64))
        })
        .collect();
    s.push_str(&bars("latency histogram", &hist));

    s.push_str("<h2>Confusion: which entries steal which</h2><table><tr><th>expected</th><th>ranked first instead</th><th>times</th><th>questions</th></tr>");
    for c in r.confusion.iter().take(40) {
        let qs: Vec<String> = c.questions.iter().map(|q| esc(q)).collect();
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&c.expected),
            esc(&c.got),
            c.count,
            qs.join("<br>")
        );
    }
    s.push_str("</table>");

    let _ = write!(s, "<h2>Failures ({})</h2><p class=\"muted\">Wrong decisions: an in-scope question not answered with a right entry, or an out-of-scope question not declined.</p>", r.failures.len());
    s.push_str("<table><tr><th>question</th><th>where</th><th>expected</th><th>decision</th><th>top 3</th></tr>");
    for f in &r.failures {
        let expected = if f.case.expected.is_empty() {
            "abstain".to_string()
        } else {
            f.case.expected.join(" | ")
        };
        let top: Vec<String> = f
            .top
            .iter()
            .take(3)
            .map(|(id, c)| format!("<code>{}</code> {:.2}", esc(id), c))
            .collect();
        let decision = match &f.answered {
            Some(a) => format!("answer <code>{}</code>", esc(a)),
            None => f.decision.as_str().to_string(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td><small>{}:{} · {} · {}</small></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&f.case.question),
            esc(&f.case.file),
            f.case.line,
            esc(&f.case.register),
            f.case.split.as_str(),
            esc(&expected),
            decision,
            top.join("<br>")
        );
    }
    s.push_str("</table>");
    s.push_str(&conversations_section(r));
    s.push_str("</body></html>\n");
    s
}

/// Two-turn conversation cases: per kind, and every failed case with both turns.
fn conversations_section(r: &Report) -> String {
    use super::conversation::ConvMetrics;
    let c = &r.conversations;
    if c.is_empty() {
        return String::new();
    }
    let mut s = String::from("<h2>Conversations (two turns)</h2><p class=\"muted\"><b>clarify</b>: an ambiguous question, then the resident's situation; <b>followup</b>: a question, then a follow-up without a topic. A case passes when the answer after the second turn is the expected entry. <b>clarify → right</b>: of the clarify cases where the first turn asked back, the share that ended right.</p><table><tr><th>kind</th><th>cases</th><th>pass</th><th>asked back</th><th>clarify → right</th></tr>");
    for kind in ["clarify", "followup"] {
        let m = ConvMetrics::of(c.iter().filter(|o| o.case.kind == kind));
        let _ = write!(
            s,
            "<tr><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.cases,
            pct(m.conversation_pass),
            m.clarified,
            pct(m.clarify_success)
        );
    }
    s.push_str("</table><h3>Failed conversations</h3><table><tr><th>turn 1</th><th>turn 2</th><th>expected</th><th>turn 1 gave</th><th>final</th></tr>");
    for o in c.iter().filter(|o| !o.pass) {
        let _ = write!(
            s,
            "<tr><td>{}<br><small>line {} · {} · {}</small></td><td>{}</td><td><code>{}</code></td><td>{} {}</td><td>{} <code>{}</code></td></tr>",
            esc(&o.case.turn1),
            o.case.line,
            esc(&o.case.kind),
            o.case.split.as_str(),
            esc(&o.case.turn2),
            esc(&o.case.expected),
            o.turn1_decision.as_str(),
            esc(&o.turn1_result.join(" / ")),
            o.final_decision.as_str(),
            esc(o.final_answer.as_deref().unwrap_or("–"))
        );
    }
    s.push_str("</table>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn bars_render_undefined_values() {
        let svg = bars("t", &[("a".into(), Some(0.5)), ("b<".into(), None)]);
        assert!(svg.contains("50.0%") && svg.contains("b&lt;") && svg.contains('–'));
    }
}
