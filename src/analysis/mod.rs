//! Analysis: turns FAQ text and residents' questions into index terms.
//!
//! One [`Analyzer`] is built per engine and shared (behind an `Arc`) by indexing and
//! querying, so both sides always see the same terms:
//!
//! `text → normalize → synonyms → lindera (IPADIC + user dictionary) → terms`
//!
//! It yields two kinds of terms:
//! - **words**: content words (nouns, verbs and adjectives in base form), with particles,
//!   auxiliaries and a short list of empty verbs (する, ある…) removed;
//! - **kana**: character trigrams of the text's *reading* in katakana, so a question typed
//!   in hiragana (「じどうてあて」) meets an FAQ written in kanji (児童手当 → ジドウテアテ),
//!   and partial or misspelled terms still overlap.

pub mod aspects;
pub mod dictionary;
pub mod lexicon;
pub mod normalize;
pub mod personal;
pub mod synonyms;
pub mod tokenizer;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use lindera::mode::Mode;
use lindera::segmenter::Segmenter;

pub use self::lexicon::ReadingLexicon;
pub use self::synonyms::Synonyms;

/// Errors of the analysis layer.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "IPADIC sources not found in {path}. Install them with `apt-get install mecab-ipadic` \
         (Debian/Ubuntu), or point MADOGUCHI_IPADIC_SOURCE at a folder holding matrix.def and the *.csv files"
    )]
    MissingIpadicSource { path: PathBuf },
    #[error(
        "the dictionary has not been built yet ({path} is missing). Run `madoguchi dict build`"
    )]
    DictionaryMissing { path: PathBuf },
    #[error("building the dictionary failed: {message}")]
    DictionaryBuild { message: String },
    #[error("loading the dictionary from {path} failed: {message}. Rebuild it with `madoguchi dict build --force`")]
    DictionaryLoad { path: PathBuf, message: String },
    #[error("tokenizing failed: {message}")]
    Segment { message: String },
    #[error("problems in the synonym list {path}:\n  {}", problems.join("\n  "))]
    Synonyms {
        path: PathBuf,
        problems: Vec<String>,
    },
    #[error("problems in the user dictionary {path}:\n  {}", problems.join("\n  "))]
    UserDictionary {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// The terms of one text, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// The text after normalization and synonym folding.
    pub normalized: String,
    /// Content words (base forms; a word written in kana alone is kept in katakana).
    pub words: Vec<String>,
    /// Reading (katakana) of each word as written, aligned with `words`; lets a word
    /// match its other forms by sound (振り込む ~ 振込 share フリコ).
    pub word_readings: Vec<String>,
    /// How much each word says about the topic (0–1), aligned with `words`: see
    /// [`word_weight`].
    pub word_weights: Vec<f32>,
    /// Trigrams of the katakana reading (shorter chunks whole).
    pub kana: Vec<String>,
    /// Share of hiragana letters in the normalized text (0–1).
    pub hiragana_ratio: f32,
}

/// One token as lindera saw it, for snapshots and debugging (`madoguchi dict tokenize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub surface: String,
    pub pos: String,
    pub base: String,
    pub reading: String,
}

/// Base forms that carry no meaning for retrieval although they are content words.
const STOP_WORDS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "できる",
    "れる",
    "られる",
    "せる",
    "させる",
    "いう",
    "ない",
    "おる",
    "くださる",
    "いただく",
    "ござる",
    "もらう",
    // 〜てしまう: after a noun the synonyms produced (失くして → 紛失して), IPADIC
    // reads しまう as an independent verb; it never names a topic here.
    "しまう",
    "よい",
    "いい",
    "思う",
    "わかる",
    "分かる",
    "教える",
    "知る",
    "ほしい",
    "欲しい",
    "たい",
    "こと",
    "もの",
    // 「1週間で届くやつ」: colloquial "the one", a pointer to a topic, never one.
    "やつ",
    "ヤツ",
    "ため",
    "よう",
    "方",
    "際",
    "場合",
    "の",
    "ん",
    "さん",
    "様",
    "くる",
    "来る",
    "行く",
    "いく",
    "お願い",
    "願う",
    "すみません",
];

/// The data files of an analyzer (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalyzerFiles {
    /// `surface<TAB>reading` government terms.
    pub user_dictionary: Option<PathBuf>,
    /// Variant groups, canonical first; several files merge into one table.
    pub synonyms: Vec<PathBuf>,
    /// Latin-script function words, one per line.
    pub stopwords: Option<PathBuf>,
}

impl AnalyzerFiles {
    /// The files of a tokenizer folder that exist: `user_dict.tsv`, `synonyms.tsv`,
    /// `english.tsv` (English phrases → Japanese terms) and `english_stopwords.txt`.
    pub fn in_dir(dir: &Path) -> Self {
        let existing = |name: &str| Some(dir.join(name)).filter(|p| p.is_file());
        AnalyzerFiles {
            user_dictionary: existing("user_dict.tsv"),
            synonyms: ["synonyms.tsv", "english.tsv"]
                .into_iter()
                .filter_map(existing)
                .collect(),
            stopwords: existing("english_stopwords.txt"),
        }
    }

    /// Every file, for fingerprints.
    pub fn all(&self) -> Vec<&Path> {
        self.user_dictionary
            .iter()
            .chain(&self.synonyms)
            .chain(&self.stopwords)
            .map(PathBuf::as_path)
            .collect()
    }
}

/// The shared analyzer. Cheap to share across threads; build it once.
pub struct Analyzer {
    segmenter: Segmenter,
    synonyms: Synonyms,
    /// Latin-script function words (the, is, my …) dropped from word terms.
    stopwords: HashSet<String>,
    /// Set once, after the knowledge is loaded (it is built from the knowledge).
    lexicon: std::sync::OnceLock<ReadingLexicon>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("synonyms", &self.synonyms.len())
            .finish()
    }
}

impl Analyzer {
    /// Loads the system dictionary from `dict_dir` and the given data files.
    pub fn load(dict_dir: &Path, files: &AnalyzerFiles) -> Result<Self, AnalysisError> {
        let system = dictionary::load_system_dictionary(dict_dir)?;
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| AnalysisError::Read {
                path: path.to_path_buf(),
                source: e,
            })
        };
        let user = match &files.user_dictionary {
            Some(path) => {
                let words = dictionary::parse_user_words(&read(path)?, path)?;
                Some(dictionary::compile_user_dictionary(&words)?)
            }
            None => None,
        };
        let synonyms = Synonyms::load_many(&files.synonyms)?;
        let stopwords = match &files.stopwords {
            Some(path) => read(path)?
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim().to_lowercase())
                .filter(|l| !l.is_empty())
                .collect(),
            None => HashSet::new(),
        };
        Ok(Analyzer {
            segmenter: Segmenter::new(Mode::Normal, system, user),
            synonyms,
            stopwords,
            lexicon: std::sync::OnceLock::new(),
        })
    }

    /// Normalizes, folds synonyms and (once set) rewrites hiragana-only chunks into
    /// the knowledge's spelling; does not tokenize.
    pub fn prepare(&self, text: &str) -> String {
        let folded = self.synonyms.apply(&normalize::normalize(text));
        match self.lexicon.get() {
            Some(lexicon) => lexicon.rewrite(&folded, &|chunk| self.is_known_word(chunk)),
            None => folded,
        }
    }

    /// The character n-grams of `text` as prepared ([`char_grams`]): those of
    /// `analyze(text).normalized`, without segmenting.
    pub fn grams(&self, text: &str) -> Vec<String> {
        char_grams(&self.prepare(text))
    }

    /// True when the dictionary reads `text` as exactly one known word.
    fn is_known_word(&self, text: &str) -> bool {
        match self.segmenter.segment(Cow::Borrowed(text)) {
            Ok(tokens) => tokens.len() == 1 && !tokens[0].word_id.is_unknown(),
            Err(_) => false,
        }
    }

    /// Builds the reading lexicon from `texts` (the knowledge) and installs it. Only
    /// the first call has an effect; returns the number of readings known.
    pub fn install_lexicon<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Result<usize, AnalysisError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for text in texts {
            for t in self.tokens(text)? {
                let mut pos = t.pos.split(',');
                let (major, minor) = (pos.next().unwrap_or(""), pos.next().unwrap_or(""));
                if is_content(major, minor) && !t.reading.is_empty() {
                    pairs.push((t.surface, t.reading));
                }
            }
        }
        let lexicon =
            ReadingLexicon::from_words(pairs.iter().map(|(s, r)| (s.as_str(), r.as_str())));
        let n = lexicon.len();
        let _ = self.lexicon.set(lexicon);
        Ok(n)
    }

    /// Lindera's tokens for already prepared text.
    fn segment<'a>(
        &'a self,
        prepared: &'a str,
    ) -> Result<Vec<lindera::token::Token<'a>>, AnalysisError> {
        self.segmenter
            .segment(Cow::Borrowed(prepared))
            .map_err(|e| AnalysisError::Segment {
                message: e.to_string(),
            })
    }

    /// Lindera's tokens for `text` after normalization and synonym folding.
    pub fn tokens(&self, text: &str) -> Result<Vec<TokenInfo>, AnalysisError> {
        let prepared = self.prepare(text);
        let mut out = Vec::new();
        let tokens = self.segment(&prepared)?;
        for mut t in tokens {
            let surface = t.surface.to_string();
            let d = t.details();
            let get = |i: usize| {
                d.get(i)
                    .copied()
                    .filter(|v| *v != "*")
                    .unwrap_or("")
                    .to_string()
            };
            out.push(TokenInfo {
                pos: [get(0), get(1)]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(","),
                base: get(6),
                reading: get(7),
                surface,
            });
        }
        Ok(out)
    }

    /// Analyzes `text` into word and kana terms.
    pub fn analyze(&self, text: &str) -> Result<Analysis, AnalysisError> {
        let prepared = self.prepare(text);
        let hiragana_ratio = normalize::hiragana_ratio(&prepared);
        // In ordinary mixed-script text the tagger finds particles reliably, and reading
        // n-grams across them (ドヲフ in カードを紛失) are noise; in kana-only text it
        // does not, so chunks there are split at spaces only.
        let split_at_function_words = hiragana_ratio < FUNCTION_WORD_SPLIT_MAX_HIRAGANA;
        let mut words = Vec::new();
        let mut word_readings = Vec::new();
        let mut word_weights = Vec::new();
        let mut chunks: Vec<String> = vec![String::new()];
        let mut last_end = 0usize;
        let tokens = self.segment(&prepared)?;
        for mut t in tokens {
            let surface = t.surface.to_string();
            if t.byte_start > last_end && prepared[last_end..t.byte_start].contains(' ') {
                chunks.push(String::new());
            }
            last_end = t.byte_end;
            let d = t.details();
            let field = |i: usize| d.get(i).copied().filter(|v| *v != "*" && !v.is_empty());
            let (pos, pos1) = (field(0).unwrap_or(""), field(1).unwrap_or(""));
            let function_word = matches!(pos, "助詞" | "助動詞");
            if pos == "記号"
                || surface.trim().is_empty()
                || (split_at_function_words && function_word)
            {
                chunks.push(String::new());
                continue;
            }
            let reading = field(7)
                .filter(|r| r.chars().all(normalize::is_katakana))
                .map(str::to_string)
                .unwrap_or_else(|| normalize::to_katakana(&surface));
            if let Some(chunk) = chunks.last_mut() {
                chunk.push_str(&reading);
            }
            // いくら ("how much") is tagged a noun before a particle (いくらですか) and an
            // adverb elsewhere (an English "how much" rewritten to いくら); it asks for
            // an amount either way.
            if is_content(pos, pos1) || (pos == "副詞" && surface == "いくら") {
                let base = field(6).unwrap_or(&surface).to_string();
                let single_kana = base.chars().count() == 1 && base.chars().all(normalize::is_kana);
                if !single_kana
                    && !STOP_WORDS.contains(&base.as_str())
                    && !self.stopwords.contains(&base)
                {
                    word_weights.push(word_weight(pos, pos1, &base));
                    // Kana words are written either way (かばん, カバン): one script.
                    let base = if base.chars().all(normalize::is_kana) {
                        normalize::to_katakana(&base)
                    } else {
                        base
                    };
                    words.push(base);
                    word_readings.push(reading.clone());
                }
            }
        }
        let kana = chunks.iter().flat_map(|c| ngrams(c, KANA_NGRAM)).collect();
        Ok(Analysis {
            hiragana_ratio,
            normalized: prepared,
            words,
            word_readings,
            word_weights,
            kana,
        })
    }
}

/// Longest character n-gram of [`char_grams`].
const CHAR_GRAM_MAX: usize = 3;

/// Character 1- to 3-grams of prepared text, spaces, punctuation and the long-vowel
/// mark left out: what the phrasing model ([`crate::retrieve::resemblance`]) compares.
/// They see past word boundaries the tagger may draw differently in a question and an
/// FAQ (妊娠したことを届けたい ~ 妊娠届), and past typos and kana spellings.
pub fn char_grams(prepared: &str) -> Vec<String> {
    let chars: Vec<char> = prepared
        .chars()
        .filter(|c| c.is_alphanumeric() && *c != 'ー')
        .collect();
    let mut out = Vec::with_capacity(chars.len() * CHAR_GRAM_MAX);
    for n in 1..=CHAR_GRAM_MAX {
        out.extend(chars.windows(n).map(|w| w.iter().collect::<String>()));
    }
    out
}

/// True when `word` (two characters or more) begins or ends the longer word `of`: it is
/// a short form of it (カード of マイナンバーカード, 手帳 of 母子健康手帳).
pub fn is_short_form(word: &str, of: &str) -> bool {
    word.chars().count() >= 2
        && of.len() > word.len()
        && (of.starts_with(word) || of.ends_with(word))
}

/// How much a word says about a question's topic. Scheme names and other nouns say
/// most; verbs and adjectives (払う, もらえる) less; one-kanji nouns and pronoun-like
/// or numeric nouns (今, 何, 額, 私) least. Used to weigh coverage, so that matching
/// only generic words (「今何時」 ~ 「何時まで」) does not look like an answer.
pub fn word_weight(pos: &str, pos1: &str, base: &str) -> f32 {
    match pos {
        "動詞" | "形容詞" => 0.5,
        "名詞" if matches!(pos1, "代名詞" | "副詞可能" | "数" | "接尾") => 0.3,
        "副詞" => 0.3,
        "名詞" if base.chars().count() == 1 => 0.4,
        _ => 1.0,
    }
}

/// True for parts of speech that carry meaning (unknown words count as content).
fn is_content(pos: &str, pos1: &str) -> bool {
    match pos {
        "名詞" => !matches!(pos1, "非自立" | "特殊" | "接続詞的" | "動詞非自立的"),
        "動詞" | "形容詞" => !matches!(pos1, "非自立" | "接尾"),
        "副詞" | "連体詞" | "接頭詞" | "助詞" | "助動詞" | "感動詞" | "フィラー" | "接続詞"
        | "その他" => false,
        "" | "未知語" | "UNK" => true,
        _ => false,
    }
}

/// Above this hiragana share, text is treated as kana-only (see [`Analyzer::analyze`]).
const FUNCTION_WORD_SPLIT_MAX_HIRAGANA: f32 = 0.75;

/// Length of the reading n-grams. Bigrams of katakana are too common to be evidence
/// (every bigram of キョウノテンキ occurs in some FAQ); trigrams are specific enough
/// while still matching parts of longer words (テアテ in ジドウテアテ).
const KANA_NGRAM: usize = 3;

/// Reading n-grams of one word or chunk, as indexed in the kana field.
pub fn reading_ngrams(s: &str) -> Vec<String> {
    ngrams(s, KANA_NGRAM)
}

/// Character n-grams of `s`; a string shorter than `n` yields itself.
fn ngrams(s: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    match chars.len() {
        0 => Vec::new(),
        len if len <= n => vec![s.to_string()],
        _ => chars.windows(n).map(|w| w.iter().collect()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrams_of_short_and_long_strings() {
        assert!(ngrams("", 3).is_empty());
        assert_eq!(ngrams("アイ", 3), vec!["アイ"]);
        assert_eq!(ngrams("アイウエ", 3), vec!["アイウ", "イウエ"]);
        assert_eq!(ngrams("アイウ", 2), vec!["アイ", "イウ"]);
    }

    #[test]
    fn char_grams_skip_spaces_punctuation_and_long_vowels() {
        assert_eq!(
            char_grams("再 発行？"),
            vec!["再", "発", "行", "再発", "発行", "再発行"]
        );
        assert_eq!(char_grams("カード"), vec!["カ", "ド", "カド"]);
        assert!(char_grams("？ ー、").is_empty());
    }

    #[test]
    fn content_parts_of_speech() {
        assert!(is_content("名詞", "一般"));
        assert!(is_content("動詞", "自立"));
        assert!(!is_content("助詞", "係助詞"));
        assert!(!is_content("名詞", "非自立"));
        assert!(!is_content("記号", "一般"));
    }
}
