//! Writing curation results back to `knowledge/`: an alt question appended to an
//! entry (the file keeps its comments and layout), or a draft entry under
//! `knowledge/drafts/` (which the loader skips) for a curator to complete and move.
//! Every write is atomic (temporary file + rename); an edit that would make the
//! knowledge invalid is undone and reported, so nothing is lost.

use std::path::{Path, PathBuf};

use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::{key, CurateError, Group};
use crate::knowledge::{Domain, KnowledgeBase, NATIONAL};

fn file_err(path: &Path, message: impl Into<String>) -> CurateError {
    CurateError::File {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn write_atomic(path: &Path, text: &str) -> Result<(), CurateError> {
    let tmp = crate::fsutil::temp_sibling(path);
    std::fs::write(&tmp, text).map_err(|e| file_err(&tmp, e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| file_err(path, e.to_string()))
}

fn check_text(text: &str) -> Result<&str, CurateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CurateError::EmptyQuestion);
    }
    if let Some(tag) = crate::redact::TAGS.iter().find(|t| text.contains(*t)) {
        return Err(CurateError::Redacted((*tag).to_string()));
    }
    Ok(text)
}

/// Appends `text` to `alt_questions` of entry `id` in `file`, then checks that the
/// whole knowledge under `root` still loads; if not, the file is restored.
pub fn add_alt_question(root: &Path, file: &Path, id: &str, text: &str) -> Result<(), CurateError> {
    let text = check_text(text)?;
    let original = std::fs::read_to_string(file).map_err(|e| file_err(file, e.to_string()))?;
    let mut doc: DocumentMut = original
        .parse()
        .map_err(|e: toml_edit::TomlError| file_err(file, e.to_string()))?;
    let entries = doc
        .get_mut("entry")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| file_err(file, "no [[entry]] tables"))?;
    let entry = entries
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
        .ok_or_else(|| file_err(file, format!("no entry with id = \"{id}\"")))?;
    let question_key = entry.get("question").and_then(Item::as_str).map(key);
    if !entry.contains_key("alt_questions") {
        entry.insert("alt_questions", value(Array::new()));
    }
    let alts = entry
        .get_mut("alt_questions")
        .and_then(Item::as_array_mut)
        .ok_or_else(|| file_err(file, format!("entry {id}: alt_questions is not a list")))?;
    let new_key = key(text);
    if question_key.as_ref() == Some(&new_key)
        || alts
            .iter()
            .any(|v| v.as_str().map(key).as_ref() == Some(&new_key))
    {
        return Err(CurateError::AlreadyPresent(id.to_string()));
    }
    let multiline = alts.len() > 1 || original.contains("alt_questions = [\n");
    let mut v = Value::from(text);
    if multiline {
        v.decor_mut().set_prefix("\n  ");
        alts.push_formatted(v);
        alts.set_trailing("\n");
        alts.set_trailing_comma(true);
    } else {
        alts.push(text);
    }
    write_atomic(file, &doc.to_string())?;
    if let Err(e) = KnowledgeBase::load(root) {
        write_atomic(file, &original)?;
        return Err(CurateError::Invalid(e.to_string()));
    }
    Ok(())
}

/// Writes `knowledge/drafts/<group id>.toml`: an entry with the group's wordings and
/// empty answer and source for a curator to fill in.
pub fn write_draft(
    root: &Path,
    group: &Group,
    domain: Option<Domain>,
) -> Result<PathBuf, CurateError> {
    let dir = root.join("drafts");
    std::fs::create_dir_all(&dir).map_err(|e| file_err(&dir, e.to_string()))?;
    let path = dir.join(format!("{}.toml", group.id));
    if path.exists() {
        return Err(file_err(
            &path,
            "a draft for this group already exists; edit it",
        ));
    }
    let wordings: Vec<&str> = group
        .variants
        .iter()
        .map(|(t, _)| t.as_str())
        .filter(|t| check_text(t).is_ok())
        .collect();
    let Some((question, alts)) = wordings.split_first() else {
        return Err(CurateError::Redacted(
            "every wording in this group has redacted parts".into(),
        ));
    };
    let mut t = Table::new();
    t.insert("id", value(format!("draft-{}", group.id)));
    t.insert("domain", value(domain.map_or("", Domain::as_str)));
    t.insert("category", value(""));
    t.insert("question", value(*question));
    let mut arr = Array::new();
    for a in alts {
        let mut v = Value::from(*a);
        v.decor_mut().set_prefix("\n  ");
        arr.push_formatted(v);
    }
    arr.set_trailing("\n");
    arr.set_trailing_comma(true);
    t.insert("alt_questions", value(arr));
    t.insert("answer", value(""));
    t.insert("source", value(""));
    t.insert("source_url", value(""));
    t.insert(
        "reviewed",
        value(chrono::Local::now().date_naive().to_string()),
    );
    if group.tenant() != NATIONAL {
        t.insert("tenant", value(group.tenant()));
    }
    let mut entries = ArrayOfTables::new();
    entries.push(t);
    let mut doc = DocumentMut::new();
    doc.insert("entry", Item::ArrayOfTables(entries));
    let nearest: Vec<String> = group
        .nearest
        .iter()
        .map(|n| format!("{} ({})", n.id, n.question))
        .collect();
    let header = format!(
        "# 下書き (draft) from curation group {id}: {count} question(s), {first} – {last}.\n\
         # Nearest entries: {nearest}\n\
         # To publish: write the answer in our own words from the official page, fill in\n\
         # category, source, source_url and reviewed (a TOML date, e.g. 2026-11-23, without\n\
         # quotes), choose a final id, then move the entry into knowledge/national/<domain>/\n\
         # or knowledge/tenants/<code>/. Files under drafts/ are never loaded.\n\n",
        id = group.id,
        count = group.count,
        first = group.first_seen,
        last = group.last_seen,
        nearest = if nearest.is_empty() {
            "none".to_string()
        } else {
            nearest.join(", ")
        },
    );
    write_atomic(&path, &format!("{header}{doc}"))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# keep me\n[[entry]]\nid = \"a-b\"\nquestion = \"質問\"\nalt_questions = [\n  \"いい\",\n  \"です\",\n]\n";

    fn edit(text: &str) -> Result<String, CurateError> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.toml");
        std::fs::write(&f, FILE).unwrap();
        // The fixture is not a full entry, so validation fails and the file is
        // restored: the write-and-undo path is what this exercises.
        let r = add_alt_question(dir.path(), &f, "a-b", text);
        let after = std::fs::read_to_string(&f).unwrap();
        if r.is_err() {
            assert_eq!(
                after, FILE,
                "a refused or undone edit leaves the file as it was"
            );
        }
        r.map(|_| after)
    }

    #[test]
    fn invalid_results_are_undone_and_bad_text_is_refused() {
        assert!(matches!(edit("新しい質問"), Err(CurateError::Invalid(_))));
        assert!(matches!(
            edit("電話は[電話番号]"),
            Err(CurateError::Redacted(_))
        ));
        assert!(matches!(edit("  "), Err(CurateError::EmptyQuestion)));
        assert!(matches!(
            edit("いい。"),
            Err(CurateError::AlreadyPresent(_))
        ));
    }
}
