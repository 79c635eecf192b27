//! The Japanese dictionary, built locally and offline.
//!
//! lindera's `embed-*` features download IPADIC at build time, which fails on closed
//! networks. Instead we build lindera's binary dictionary from the IPADIC source files
//! Debian's `mecab-ipadic` package installs (`/usr/share/mecab/dic/ipadic`, EUC-JP),
//! with lindera's own builder, into a git-ignored folder. The build is idempotent: a
//! stamp file records what it was built from, and a matching stamp skips the work.
//!
//! Our user dictionary (`tokenizer-dict/user_dict.tsv`: `surface<TAB>reading`) keeps
//! government terms such as 児童手当 or マイナ保険証 whole. Each line becomes a full
//! IPADIC row (名詞,一般, with its reading), compiled in memory when the analyzer loads.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lindera::dictionary::{load_dictionary, Dictionary, UserDictionary};
use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::schema::Schema;
use serde::{Deserialize, Serialize};

use super::normalize::{normalize, to_katakana};
use super::AnalysisError;

/// Where Debian's `mecab-ipadic` package puts the IPADIC sources.
pub const DEFAULT_IPADIC_SOURCE: &str = "/usr/share/mecab/dic/ipadic";
/// Name of the stamp file written into a built dictionary folder.
const STAMP_FILE: &str = "madoguchi-dict.json";
/// IPADIC context id of 名詞,一般 (left and right), used for user-dictionary words.
const NOUN_GENERAL_CONTEXT_ID: u16 = 1285;
/// Word cost of user-dictionary words: low enough to beat IPADIC's split of a compound.
const USER_WORD_COST: i16 = -2000;

/// What a built dictionary was built from; equal stamps mean nothing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    builder: String,
    source: String,
    source_fingerprint: String,
}

/// Result of [`build_dictionary`].
#[derive(Debug, Clone)]
pub struct BuildOutcome {
    /// The folder that holds the built dictionary.
    pub out_dir: PathBuf,
    /// False when an up-to-date dictionary was already there.
    pub built: bool,
    /// Time spent building (zero when skipped).
    pub elapsed: Duration,
    /// Bytes on disk of the built dictionary.
    pub size_bytes: u64,
}

/// The IPADIC metadata for lindera's builder, reading Debian's EUC-JP sources.
fn ipadic_metadata() -> Metadata {
    Metadata::new(
        "ipadic".to_string(),
        "EUC-JP".to_string(),
        USER_WORD_COST,
        NOUN_GENERAL_CONTEXT_ID,
        NOUN_GENERAL_CONTEXT_ID,
        "*".to_string(),
        false,
        false,
        false,
        Schema::default(),
        Schema::new(vec![
            "surface".to_string(),
            "reading".to_string(),
            "pronunciation".to_string(),
        ]),
    )
}

/// Fingerprint of the source folder: names and sizes of its files (IPADIC sources are
/// immutable per package version, so this is cheap and sufficient).
fn source_fingerprint(source: &Path) -> Result<String, AnalysisError> {
    use sha2::{Digest, Sha256};
    let read_err = |e| AnalysisError::Read {
        path: source.to_path_buf(),
        source: e,
    };
    let mut names: Vec<(String, u64)> = Vec::new();
    for entry in std::fs::read_dir(source).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let meta = entry.metadata().map_err(read_err)?;
        if meta.is_file() {
            names.push((entry.file_name().to_string_lossy().into_owned(), meta.len()));
        }
    }
    names.sort();
    let mut h = Sha256::new();
    for (n, len) in &names {
        h.update(n.as_bytes());
        h.update(len.to_le_bytes());
    }
    Ok(format!("{:x}", h.finalize()))
}

fn expected_stamp(source: &Path) -> Result<Stamp, AnalysisError> {
    Ok(Stamp {
        builder: format!("lindera-dictionary {}", LINDERA_VERSION),
        source: source.display().to_string(),
        source_fingerprint: source_fingerprint(source)?,
    })
}

/// lindera version the binary format belongs to (bump with the dependency).
const LINDERA_VERSION: &str = "6.2";

/// True when `out_dir` holds a dictionary built from `source` by this builder.
pub fn is_up_to_date(source: &Path, out_dir: &Path) -> bool {
    let Ok(want) = expected_stamp(source) else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(out_dir.join(STAMP_FILE)) else {
        return false;
    };
    serde_json::from_str::<Stamp>(&text).is_ok_and(|have| have == want)
}

/// Builds the IPADIC dictionary from `source` into `out_dir` unless an up-to-date one
/// is already there. Safe to run concurrently: each build writes a private temporary
/// folder and renames it into place.
pub fn build_dictionary(
    source: &Path,
    out_dir: &Path,
    progress: &dyn Fn(&str),
) -> Result<BuildOutcome, AnalysisError> {
    if !source.join("matrix.def").is_file() {
        return Err(AnalysisError::MissingIpadicSource {
            path: source.to_path_buf(),
        });
    }
    if is_up_to_date(source, out_dir) {
        return Ok(BuildOutcome {
            out_dir: out_dir.to_path_buf(),
            built: false,
            elapsed: Duration::ZERO,
            size_bytes: dir_size(out_dir),
        });
    }
    let started = Instant::now();
    let parent = out_dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| AnalysisError::Write {
        path: parent.to_path_buf(),
        source: e,
    })?;
    let tmp = crate::fsutil::temp_sibling(out_dir);
    let _ = std::fs::remove_dir_all(&tmp);
    progress("IPADIC のソースから辞書を構築しています (数秒かかります)…");
    DictionaryBuilder::new(ipadic_metadata())
        .build_dictionary(source, &tmp)
        .map_err(|e| AnalysisError::DictionaryBuild {
            message: e.to_string(),
        })?;
    let stamp = serde_json::to_string_pretty(&expected_stamp(source)?).map_err(|e| {
        AnalysisError::DictionaryBuild {
            message: e.to_string(),
        }
    })?;
    std::fs::write(tmp.join(STAMP_FILE), stamp).map_err(|e| AnalysisError::Write {
        path: tmp.clone(),
        source: e,
    })?;
    progress("構築した辞書を配置しています…");
    if out_dir.exists() {
        if is_up_to_date(source, out_dir) {
            // Someone else finished first; theirs is as good as ours.
            let _ = std::fs::remove_dir_all(&tmp);
        } else {
            std::fs::remove_dir_all(out_dir).map_err(|e| AnalysisError::Write {
                path: out_dir.to_path_buf(),
                source: e,
            })?;
        }
    }
    if !out_dir.exists() {
        if let Err(e) = std::fs::rename(&tmp, out_dir) {
            let _ = std::fs::remove_dir_all(&tmp);
            if !is_up_to_date(source, out_dir) {
                return Err(AnalysisError::Write {
                    path: out_dir.to_path_buf(),
                    source: e,
                });
            }
        }
    }
    Ok(BuildOutcome {
        out_dir: out_dir.to_path_buf(),
        built: true,
        elapsed: started.elapsed(),
        size_bytes: dir_size(out_dir),
    })
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Loads a dictionary built by [`build_dictionary`].
pub fn load_system_dictionary(dir: &Path) -> Result<Dictionary, AnalysisError> {
    if !dir.join(STAMP_FILE).is_file() {
        return Err(AnalysisError::DictionaryMissing {
            path: dir.to_path_buf(),
        });
    }
    load_dictionary(&dir.to_string_lossy()).map_err(|e| AnalysisError::DictionaryLoad {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })
}

/// One user-dictionary word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWord {
    /// Normalized surface form.
    pub surface: String,
    /// Reading in katakana.
    pub reading: String,
}

/// Parses the user dictionary TSV (`surface<TAB>reading`, `#` comments), reporting
/// every bad line at once.
pub fn parse_user_words(text: &str, origin: &Path) -> Result<Vec<UserWord>, AnalysisError> {
    let mut words = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let at = format!("{}:{line_no}", origin.display());
        if cols.len() != 2 || cols[0].is_empty() || cols[1].is_empty() {
            problems.push(format!(
                "{at}: expected `surface<TAB>reading`, got {} column(s)",
                cols.len()
            ));
            continue;
        }
        let surface = normalize(cols[0]);
        let reading = to_katakana(&normalize(cols[1]));
        if surface.contains([',', ' ', '"']) {
            problems.push(format!(
                "{at}: surface '{surface}' may not contain commas, spaces or quotes"
            ));
            continue;
        }
        if !reading.chars().all(super::normalize::is_katakana) {
            problems.push(format!(
                "{at}: reading '{}' must be kana only (e.g. ジドウテアテ)",
                cols[1]
            ));
            continue;
        }
        if let Some(prev) = seen.insert(surface.clone(), line_no) {
            problems.push(format!(
                "{at}: '{surface}' is already defined on line {prev}"
            ));
            continue;
        }
        words.push(UserWord { surface, reading });
    }
    if problems.is_empty() {
        Ok(words)
    } else {
        Err(AnalysisError::UserDictionary {
            path: origin.to_path_buf(),
            problems,
        })
    }
}

/// Compiles user words into a lindera user dictionary (full IPADIC rows, 名詞,一般).
pub fn compile_user_dictionary(words: &[UserWord]) -> Result<UserDictionary, AnalysisError> {
    let mut csv = String::new();
    for w in words {
        csv.push_str(&format!(
            "{s},{id},{id},{cost},名詞,一般,*,*,*,*,{s},{r},{r}\n",
            s = w.surface,
            r = w.reading,
            id = NOUN_GENERAL_CONTEXT_ID,
            cost = USER_WORD_COST,
        ));
    }
    DictionaryBuilder::new(ipadic_metadata())
        .build_user_dict_from_reader(csv.as_bytes())
        .map_err(|e| AnalysisError::DictionaryBuild {
            message: format!("user dictionary: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_words_parse_and_normalize() {
        let w = parse_user_words(
            "# terms\n児童手当\tジドウテアテ\nﾏｲﾅ保険証\tまいなほけんしょう\n",
            Path::new("u.tsv"),
        )
        .unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].surface, "マイナ保険証");
        assert_eq!(w[1].reading, "マイナホケンショウ");
    }

    #[test]
    fn bad_user_lines_are_all_reported() {
        let err = parse_user_words(
            "a\n児童手当\tジドウテアテ\n児童手当\tジドウテアテ\nb,c\tビ\nx\t漢字\n",
            Path::new("u.tsv"),
        )
        .unwrap_err()
        .to_string();
        for needle in ["u.tsv:1", "u.tsv:3", "u.tsv:4", "u.tsv:5"] {
            assert!(err.contains(needle), "missing {needle} in {err}");
        }
    }

    #[test]
    fn missing_source_is_a_clear_error() {
        let err = build_dictionary(
            Path::new("/nonexistent/ipadic"),
            Path::new("/tmp/x"),
            &|_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("mecab-ipadic"), "{err}");
    }
}
