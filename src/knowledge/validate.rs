//! Field-by-field validation of knowledge files. Parsing is done by hand from TOML
//! tables (not serde) so that one file can yield many precise problems.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use toml::{Table, Value};

use super::{Domain, Entry, NATIONAL};

/// Fields an entry may have.
const FIELDS: &[&str] = &[
    "id",
    "domain",
    "category",
    "question",
    "alt_questions",
    "answer",
    "source",
    "source_url",
    "reviewed",
    "tenant",
    "related",
];

/// One problem found in the knowledge files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line of the entry's `[[entry]]` header (or of the syntax error).
    pub line: Option<usize>,
    pub entry_id: Option<String>,
    pub field: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(path: &Path, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            file: path.to_path_buf(),
            line: None,
            entry_id: None,
            field: None,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.entry_id {
            write!(f, " [{id}]")?;
        }
        if let Some(field) = &self.field {
            write!(f, " {field}:")?;
        }
        write!(f, " {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, " — {}", self.hint)?;
        }
        Ok(())
    }
}

/// Renders problems one per line, indented.
pub fn render(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines (1-based) of each `[[entry]]` header in `text`, in order.
fn entry_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[entry]]"))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Parses one file, pushing its valid entries and its problems.
pub fn parse_file(
    path: &Path,
    text: &str,
    today: Option<NaiveDate>,
    entries: &mut Vec<Entry>,
    problems: &mut Vec<Problem>,
) {
    let table: Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            problems.push(Problem {
                line,
                ..Problem::file(
                    path,
                    format!("not valid TOML: {}", e.message()),
                    "fix the syntax at that line (quotes, brackets, commas)",
                )
            });
            return;
        }
    };
    for key in table.keys().filter(|k| k.as_str() != "entry") {
        problems.push(Problem::file(
            path,
            format!("unknown top-level key `{key}`"),
            "entries go in [[entry]] tables",
        ));
    }
    // `entry = []` holds no entries either: the same problem as no `entry` at all.
    let list = table
        .get("entry")
        .filter(|l| l.as_array().is_none_or(|a| !a.is_empty()));
    let Some(list) = list else {
        problems.push(Problem::file(
            path,
            "no [[entry]] tables",
            "add entries, or remove the file",
        ));
        return;
    };
    let Some(list) = list.as_array() else {
        problems.push(Problem::file(
            path,
            "`entry` must be written as [[entry]] tables",
            "write each entry under its own [[entry]] header",
        ));
        return;
    };
    let lines = entry_lines(text);
    for (i, item) in list.iter().enumerate() {
        let mut ctx = Ctx {
            path,
            line: lines.get(i).copied(),
            id: None,
            problems: &mut *problems,
        };
        match item.as_table() {
            Some(t) => {
                if let Some(e) = parse_entry(t, today, &mut ctx) {
                    entries.push(Entry {
                        file: path.to_path_buf(),
                        ..e
                    });
                }
            }
            None => ctx.push(
                None,
                "an entry must be a table",
                "write it as an [[entry]] table",
            ),
        }
    }
}

struct Ctx<'a> {
    path: &'a Path,
    line: Option<usize>,
    id: Option<String>,
    problems: &'a mut Vec<Problem>,
}

impl Ctx<'_> {
    fn push(&mut self, field: Option<&str>, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Problem {
            file: self.path.to_path_buf(),
            line: self.line,
            entry_id: self.id.clone(),
            field: field.map(str::to_string),
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// A required, non-empty string field.
    fn text(&mut self, t: &Table, field: &str, hint: &str) -> Option<String> {
        match t.get(field) {
            None => self.push(Some(field), "missing", hint),
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.push(Some(field), "is empty", hint)
            }
            Some(Value::String(s)) => return Some(s.trim().to_string()),
            Some(other) => self.push(
                Some(field),
                format!("must be a string, not {}", other.type_str()),
                hint,
            ),
        }
        None
    }

    /// An optional list of non-empty strings.
    fn list(&mut self, t: &Table, field: &str, hint: &str) -> Option<Vec<String>> {
        let Some(v) = t.get(field) else {
            return Some(Vec::new());
        };
        let Some(items) = v.as_array() else {
            self.push(
                Some(field),
                format!("must be a list of strings, not {}", v.type_str()),
                hint,
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match item.as_str().map(str::trim) {
                Some(s) if !s.is_empty() => out.push(s.to_string()),
                Some(_) => {
                    self.push(Some(field), format!("item {} is empty", i + 1), hint);
                    ok = false;
                }
                None => {
                    self.push(
                        Some(field),
                        format!("item {} must be a string", i + 1),
                        hint,
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn parse_entry(t: &Table, today: Option<NaiveDate>, ctx: &mut Ctx<'_>) -> Option<Entry> {
    let id = ctx.text(
        t,
        "id",
        "give the entry a stable slug such as `mynumber-card-lost`",
    );
    if let Some(id) = &id {
        ctx.id = Some(id.clone());
        if !is_slug(id) {
            ctx.push(
                Some("id"),
                format!("`{id}` is not a valid id"),
                "use lower-case a-z, 0-9 and '-' only (e.g. `childcare-jidou-teate-amount`)",
            );
        }
    }
    for key in t.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        let hint = FIELDS
            .iter()
            .min_by_key(|f| strsim_distance(key, f))
            .filter(|f| strsim_distance(key, f) <= 3)
            .map(|f| format!("did you mean `{f}`?"))
            .unwrap_or_else(|| format!("allowed fields: {}", FIELDS.join(", ")));
        ctx.push(Some(key), "unknown field", hint);
    }
    let domain = ctx
        .text(t, "domain", "one of: childcare, mynumber, health_insurance")
        .and_then(|d| {
            let parsed = Domain::parse(&d);
            if parsed.is_none() {
                ctx.push(
                    Some("domain"),
                    format!("unknown domain `{d}`"),
                    "one of: childcare, mynumber, health_insurance",
                );
            }
            parsed
        });
    let category = match t.get("category") {
        None => Some(String::new()),
        Some(_) => ctx.text(t, "category", "the scheme or sub-topic, e.g. 児童手当"),
    };
    let question = ctx.text(t, "question", "the question as a resident would ask it");
    let alt_questions = ctx.list(
        t,
        "alt_questions",
        "paraphrases of the question, as a list of strings",
    );
    if let (Some(q), Some(alts)) = (&question, &alt_questions) {
        let mut seen = HashSet::new();
        for a in alts {
            if a == q || !seen.insert(a.as_str()) {
                ctx.push(
                    Some("alt_questions"),
                    format!("duplicate paraphrase 「{a}」"),
                    "remove the repeated line",
                );
            }
        }
    }
    let answer = ctx.text(t, "answer", "write the answer in your own words");
    let source = ctx.text(
        t,
        "source",
        "the ministry or agency the facts come from, e.g. デジタル庁",
    );
    let source_url = ctx
        .text(
            t,
            "source_url",
            "the official page the facts were checked against",
        )
        .and_then(|u| match url::Url::parse(&u) {
            Ok(p)
                if matches!(p.scheme(), "https" | "http")
                    && p.host_str().is_some_and(|h| h.contains('.')) =>
            {
                Some(u)
            }
            _ => {
                ctx.push(
                    Some("source_url"),
                    format!("`{u}` is not a valid http(s) URL"),
                    "use the full address, e.g. https://www.digital.go.jp/…",
                );
                None
            }
        });
    let reviewed = parse_date(t, today, ctx);
    let tenant = match t.get("tenant") {
        None => Some(NATIONAL.to_string()),
        Some(_) => ctx
            .text(t, "tenant", "`national` or the municipality code")
            .and_then(|s| {
                if is_slug(&s) {
                    Some(s)
                } else {
                    ctx.push(
                        Some("tenant"),
                        format!("`{s}` is not a valid tenant code"),
                        "use `national` or the 6-digit municipality code",
                    );
                    None
                }
            }),
    };
    let related = ctx.list(t, "related", "ids of related entries");
    Some(Entry {
        id: id?,
        domain: domain?,
        category: category?,
        question: question?,
        alt_questions: alt_questions?,
        answer: answer?,
        source: source?,
        source_url: source_url?,
        reviewed: reviewed?,
        tenant: tenant?,
        related: related?,
        file: PathBuf::new(),
    })
}

fn parse_date(t: &Table, today: Option<NaiveDate>, ctx: &mut Ctx<'_>) -> Option<NaiveDate> {
    let hint = "write the date the facts were checked, e.g. reviewed = 2026-11-23";
    let date = match t.get("reviewed") {
        None => {
            ctx.push(Some("reviewed"), "missing", hint);
            return None;
        }
        Some(Value::Datetime(dt)) => match (dt.date, dt.time) {
            (Some(d), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
            _ => None,
        },
        Some(Value::String(s)) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        Some(_) => None,
    };
    match date {
        None => ctx.push(Some("reviewed"), "not a valid date", hint),
        // A string date may carry a sign or a fifth digit (-2026-11-23), which TOML
        // files cannot hold: `csv import --out` would write a file that does not load.
        Some(d) if !(0..=9999).contains(&d.year()) => {
            ctx.push(Some("reviewed"), format!("{d} is not a valid date"), hint);
            return None;
        }
        Some(d) if today.is_some_and(|t| d > t) => {
            ctx.push(Some("reviewed"), format!("{d} is in the future"), hint);
            return None;
        }
        Some(_) => {}
    }
    date
}

/// Checks that need all entries: duplicate ids (per tenant) and dangling `related`.
pub fn check_cross_entry(entries: &[Entry], problems: &mut Vec<Problem>) {
    let mut seen: HashMap<(&str, &str), &Entry> = HashMap::new();
    for e in entries {
        if let Some(first) = seen.insert((e.tenant.as_str(), e.id.as_str()), e) {
            problems.push(Problem {
                file: e.file.clone(),
                line: None,
                entry_id: Some(e.id.clone()),
                field: Some("id".into()),
                message: format!("duplicate id (also in {})", first.file.display()),
                hint: "ids must be unique within a tenant; rename one of them".into(),
            });
        }
    }
    for e in entries {
        for r in &e.related {
            let exists = seen.contains_key(&(e.tenant.as_str(), r.as_str()))
                || seen.contains_key(&(NATIONAL, r.as_str()));
            if !exists {
                problems.push(Problem {
                    file: e.file.clone(),
                    line: None,
                    entry_id: Some(e.id.clone()),
                    field: Some("related".into()),
                    message: format!("`{r}` is not the id of any entry"),
                    hint: "fix the id or remove it from `related`".into(),
                });
            }
        }
    }
}

/// Levenshtein distance, for "did you mean" hints on field names.
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("mynumber-card-lost"));
        assert!(!is_slug("Mynumber"));
        assert!(!is_slug("-x"));
        assert!(!is_slug("a b"));
    }

    #[test]
    fn distance_suggests_field_names() {
        assert_eq!(strsim_distance("alt_question", "alt_questions"), 1);
        assert_eq!(strsim_distance("", "id"), 2);
    }
}
