//! CSV import and export, for municipal staff who keep FAQs in Excel.
//!
//! Columns follow the municipal standard open-data datasets (全国地方公共団体コード, ID,
//! 地方公共団体名 first), then our fields:
//!
//! | column | field | notes |
//! |---|---|---|
//! | 全国地方公共団体コード | `tenant` | empty for national entries |
//! | ID | `id` | |
//! | 地方公共団体名 | – | informational (`全国` for national entries); ignored on import |
//! | 分野 | `domain` | childcare / mynumber / health_insurance (子育て / マイナンバー / 健康保険 accepted) |
//! | 分類 | `category` | |
//! | 質問 | `question` | |
//! | 回答 | `answer` | |
//! | 言い換え | `alt_questions` | one per line inside the cell |
//! | 出典 | `source` | |
//! | URL | `source_url` | |
//! | 確認日 | `reviewed` | YYYY-MM-DD |
//! | 関連ID | `related` | separated by spaces |
//!
//! Export writes UTF-8 with a BOM (what Excel expects) or Shift_JIS (CP932); import
//! accepts UTF-8 with or without BOM and Shift_JIS/CP932. UTF-8 round-trips exactly;
//! Shift_JIS writes 〜 − ‖ — ¢ £ ¬ in their CP932 forms (see [`cp932_forms`]) and
//! refuses text it cannot hold (emoji, 𠮷), naming the row. Every row is validated like a
//! knowledge file; bad rows are reported with their row number and skipped.

use std::path::{Path, PathBuf};

use super::{Domain, Entry, KnowledgeBase, NATIONAL};

/// The header, in order.
pub const HEADER: [&str; 12] = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "分野",
    "分類",
    "質問",
    "回答",
    "言い換え",
    "出典",
    "URL",
    "確認日",
    "関連ID",
];

/// Text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark (Excel's choice for UTF-8).
    Utf8Bom,
    /// UTF-8 without BOM.
    Utf8,
    /// Shift_JIS as Windows uses it (CP932).
    ShiftJis,
}

/// Errors of CSV import/export.
#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("row {row}: {message}")]
    Unencodable { row: usize, message: String },
    #[error("the file is not UTF-8 and not valid Shift_JIS (CP932) either; save it as CSV UTF-8 from Excel")]
    Undecodable,
    #[error("the header must start with 全国地方公共団体コード,ID,地方公共団体名 and contain: {}; found: {found}", HEADER.join(","))]
    Header { found: String },
    #[error("CSV error: {0}")]
    Csv(#[from] csv::Error),
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based row number as Excel shows it (the header is row 1).
    pub row: usize,
    pub message: String,
}

/// Result of an import: the valid entries and every rejected row.
#[derive(Debug, Clone)]
pub struct Imported {
    pub entries: Vec<Entry>,
    pub problems: Vec<RowProblem>,
}

fn domain_label(d: Domain) -> &'static str {
    d.as_str()
}

/// Writes `entries` as CSV in `encoding`. `names` gives 地方公共団体名 per tenant code.
pub fn export(
    entries: &[Entry],
    encoding: Encoding,
    name_of: &dyn Fn(&str) -> String,
) -> Result<Vec<u8>, CsvError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    for (i, e) in entries.iter().enumerate() {
        let code = if e.tenant == NATIONAL {
            String::new()
        } else {
            e.tenant.clone()
        };
        let name = if e.tenant == NATIONAL {
            "全国".to_string()
        } else {
            name_of(&e.tenant)
        };
        let record = [
            code,
            e.id.clone(),
            name,
            domain_label(e.domain).to_string(),
            e.category.clone(),
            e.question.clone(),
            e.answer.trim().to_string(),
            e.alt_questions.join("\n"),
            e.source.clone(),
            e.source_url.clone(),
            e.reviewed.to_string(),
            e.related.join(" "),
        ];
        if encoding == Encoding::ShiftJis {
            // Every cell, not only the texts: the encoder would silently write what it
            // cannot hold as `&#…;` (a URL or related id with such a character, say).
            let unencodable = record
                .iter()
                .flat_map(|cell| cp932_forms(cell).chars().collect::<Vec<_>>())
                .find(|c| encoding_rs::SHIFT_JIS.encode(&c.to_string()).2);
            if let Some(c) = unencodable {
                return Err(CsvError::Unencodable {
                    row: i + 2,
                    message: format!(
                        "「{c}」 ({}) cannot be written in Shift_JIS; export as UTF-8 instead",
                        e.id
                    ),
                });
            }
        }
        w.write_record(&record)?;
    }
    let text = String::from_utf8(
        w.into_inner()
            .map_err(|e| CsvError::Csv(e.into_error().into()))?,
    )
    .unwrap_or_default();
    Ok(match encoding {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::Utf8Bom => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            out.extend(text.into_bytes());
            out
        }
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS
            .encode(&cp932_forms(&text))
            .0
            .into_owned(),
    })
}

/// Replaces characters that Windows' Shift_JIS (CP932) writes with look-alike code
/// points (the "wave dash problem"): 〜 → ～, ‖ → ∥, — → ―, ¢ → ￠, £ → ￡, ¬ → ￢.
/// Excel does the same when it saves Shift_JIS.
pub fn cp932_forms(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{301c}' => '\u{ff5e}',
            '\u{2016}' => '\u{2225}',
            '\u{2014}' => '\u{2015}',
            '\u{2212}' => '\u{ff0d}',
            '\u{a2}' => '\u{ffe0}',
            '\u{a3}' => '\u{ffe1}',
            '\u{ac}' => '\u{ffe2}',
            c => c,
        })
        .collect()
}

/// Decodes CSV bytes: UTF-8 (with or without BOM), else Shift_JIS/CP932.
pub fn decode(bytes: &[u8]) -> Result<String, CsvError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return String::from_utf8(rest.to_vec()).map_err(|_| CsvError::Undecodable);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    if bad {
        Err(CsvError::Undecodable)
    } else {
        Ok(text.into_owned())
    }
}

/// Parses CSV bytes into entries, validating each row like a knowledge file entry.
/// `existing` (if given) rejects rows whose id its tenant already has.
pub fn import(bytes: &[u8], existing: Option<&KnowledgeBase>) -> Result<Imported, CsvError> {
    let text = decode(bytes)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(h) => h?,
        None => {
            return Err(CsvError::Header {
                found: String::new(),
            })
        }
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let cols: Vec<Option<usize>> = HEADER.iter().map(|h| col(h)).collect();
    if cols[..3].iter().any(Option::is_none) || cols[5].is_none() || cols[6].is_none() {
        return Err(CsvError::Header {
            found: header.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, record) in records.enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(RowProblem {
                    row,
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |k: usize| {
            cols[k]
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        match row_to_entry(&get, row) {
            Ok(entry) => {
                if let Some(prev) = seen.insert((entry.tenant.clone(), entry.id.clone()), row) {
                    problems.push(RowProblem {
                        row,
                        message: format!("ID `{}` is already used on row {prev}", entry.id),
                    });
                } else if let Some(old) = existing.and_then(|kb| {
                    kb.entries()
                        .iter()
                        .find(|e| e.tenant == entry.tenant && e.id == entry.id)
                }) {
                    problems.push(RowProblem {
                        row,
                        message: format!(
                            "ID `{}` already exists in {}; rename it or edit that file",
                            entry.id,
                            old.file.display()
                        ),
                    });
                } else {
                    entries.push(entry);
                }
            }
            Err(messages) => problems.extend(
                messages
                    .into_iter()
                    .map(|message| RowProblem { row, message }),
            ),
        }
    }
    Ok(Imported { entries, problems })
}

/// Builds one entry from a row by writing it as a TOML entry and running the
/// knowledge validator on it, so CSV rows obey exactly the same rules as files.
fn row_to_entry(get: &dyn Fn(usize) -> String, row: usize) -> Result<Entry, Vec<String>> {
    let domain = match get(3).as_str() {
        "子育て" => "childcare".to_string(),
        "マイナンバー" => "mynumber".to_string(),
        "健康保険" => "health_insurance".to_string(),
        other => other.to_string(),
    };
    let mut t = toml::Table::new();
    let mut put = |k: &str, v: String| {
        if !v.is_empty() {
            t.insert(k.into(), toml::Value::String(v));
        }
    };
    put("id", get(1));
    put("domain", domain);
    put("category", get(4));
    put("question", get(5));
    put("answer", get(6));
    put("source", get(8));
    put("source_url", get(9));
    put("reviewed", get(10));
    let code = get(0);
    if !code.is_empty() && code != NATIONAL {
        t.insert("tenant".into(), toml::Value::String(code));
    }
    let list = |s: String, sep: &dyn Fn(char) -> bool| -> toml::Value {
        toml::Value::Array(
            s.split(sep)
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| toml::Value::String(x.into()))
                .collect(),
        )
    };
    t.insert(
        "alt_questions".into(),
        list(get(7), &|c| c == '\n' || c == '\r'),
    );
    let related = get(11);
    if !related.is_empty() {
        t.insert(
            "related".into(),
            list(related, &|c: char| c.is_whitespace() || c == ','),
        );
    }
    let mut doc = toml::Table::new();
    doc.insert(
        "entry".into(),
        toml::Value::Array(vec![toml::Value::Table(t)]),
    );
    let text = toml::to_string(&doc).map_err(|e| vec![e.to_string()])?;
    let origin = PathBuf::from(format!("row {row}"));
    let (kb, problems) = KnowledgeBase::from_sources(
        vec![(origin, text)],
        Some(chrono::Local::now().date_naive()),
    );
    let problems: Vec<String> = problems
        .into_iter()
        .filter(|p| !(p.field.as_deref() == Some("related") && p.message.contains("is not the id")))
        .map(|p| {
            format!(
                "{}: {} — {}",
                p.field.unwrap_or_default(),
                p.message,
                p.hint
            )
        })
        .collect();
    match kb.entries().first() {
        Some(e) if problems.is_empty() => Ok(Entry {
            file: PathBuf::new(),
            ..e.clone()
        }),
        _ => Err(if problems.is_empty() {
            vec!["not a valid entry".into()]
        } else {
            problems
        }),
    }
}

/// Renders entries as a knowledge TOML file (the format of `knowledge/`).
pub fn to_toml(entries: &[Entry], origin: &Path) -> String {
    let mut out = format!(
        "# Imported from {} by `madoguchi csv import`. Review before committing.\n",
        origin.display()
    );
    for e in entries {
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let list = |v: &[String]| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
        out.push_str(&format!(
            "\n[[entry]]\nid = {}\ndomain = {}\n",
            q(&e.id),
            q(e.domain.as_str())
        ));
        if e.tenant != NATIONAL {
            out.push_str(&format!("tenant = {}\n", q(&e.tenant)));
        }
        if !e.category.is_empty() {
            out.push_str(&format!("category = {}\n", q(&e.category)));
        }
        out.push_str(&format!(
            "question = {}\nalt_questions = [{}]\nanswer = {}\nsource = {}\nsource_url = {}\nreviewed = {}\n",
            q(&e.question),
            list(&e.alt_questions),
            q(e.answer.trim()),
            q(&e.source),
            q(&e.source_url),
            e.reviewed
        ));
        if !e.related.is_empty() {
            out.push_str(&format!("related = [{}]\n", list(&e.related)));
        }
    }
    out
}
