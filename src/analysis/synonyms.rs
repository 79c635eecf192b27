//! Synonym and variant folding: every variant a resident may type (マイナ, こくほ,
//! 子供, ほいくえん …) is rewritten to one canonical form before segmentation, so FAQ
//! text and questions meet on the same words.
//!
//! The list lives in `tokenizer-dict/synonyms.tsv`: one group per line, canonical form
//! first, variants after it, separated by tabs; `#` starts a comment. Variants and
//! canonical forms are normalized with [`super::normalize::normalize`] when loaded, and
//! matched leftmost-longest, so a longer canonical form (マイナポータル) is never
//! rewritten by a shorter variant inside it (マイナ → マイナンバー).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::normalize::normalize;
use super::AnalysisError;

/// Compiled synonym table.
#[derive(Debug, Clone)]
pub struct Synonyms {
    matcher: Option<AhoCorasick>,
    /// The same patterns, reporting every match (overlapping), to find a shorter form
    /// when the longest one ends inside a word.
    every: Option<AhoCorasick>,
    /// Canonical replacement for each pattern, by pattern index.
    replacements: Vec<String>,
}

impl Synonyms {
    /// A table that rewrites nothing.
    pub fn empty() -> Self {
        Synonyms {
            matcher: None,
            every: None,
            replacements: Vec::new(),
        }
    }

    /// Loads and validates the synonym file at `path`.
    pub fn load(path: &Path) -> Result<Self, AnalysisError> {
        Self::load_many(&[path.to_path_buf()])
    }

    /// Loads several synonym files into one table; a form may belong to one group
    /// across all of them.
    pub fn load_many(paths: &[PathBuf]) -> Result<Self, AnalysisError> {
        let mut texts = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(path).map_err(|source| AnalysisError::Read {
                path: path.clone(),
                source,
            })?;
            texts.push((path.clone(), text));
        }
        Self::parse_many(&texts)
    }

    /// Parses synonym groups from `text` (see module docs); `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, AnalysisError> {
        Self::parse_many(&[(origin.to_path_buf(), text.to_string())])
    }

    /// Parses several (file, text) pairs into one table, reporting every problem.
    pub fn parse_many(files: &[(PathBuf, String)]) -> Result<Self, AnalysisError> {
        let mut map: HashMap<String, (String, String)> = HashMap::new();
        let mut problems = Vec::new();
        for (origin, text) in files {
            for (idx, raw) in text.lines().enumerate() {
                let at = format!("{}:{}", origin.display(), idx + 1);
                let line = raw.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let mut forms: Vec<String> = line
                    .split('\t')
                    .map(normalize)
                    .filter(|f| !f.is_empty())
                    .collect();
                // A hiragana variant also matches its katakana spelling (half-width ｻｲﾊｯｺｳ
                // arrives as サイハッコウ).
                let katakana: Vec<String> = forms
                    .iter()
                    .skip(1)
                    .filter(|f| {
                        f.chars()
                            .all(|c| super::normalize::is_hiragana(c) || c == 'ー')
                    })
                    .map(|f| super::normalize::to_katakana(f))
                    .filter(|k| !forms.contains(k))
                    .collect();
                forms.extend(katakana);
                if forms.len() < 2 {
                    problems.push(format!("{at}: a group needs a canonical form and at least one variant, separated by tabs"));
                    continue;
                }
                // A group whose head is already a form of another group joins that
                // group (english.tsv may target 妊婦健診, which synonyms.tsv folds into
                // 妊婦健康診査).
                let canonical = map
                    .get(&forms[0])
                    .map_or_else(|| forms[0].clone(), |(c, _)| c.clone());
                for form in &forms {
                    match map.get(form) {
                        Some((other, other_at)) if *other != canonical => problems.push(format!(
                            "{at}: '{form}' already belongs to the group of '{other}' ({other_at}); a form may map to one canonical form only"
                        )),
                        _ => {
                            map.insert(form.clone(), (canonical.clone(), at.clone()));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            let path = files.first().map(|(p, _)| p.clone()).unwrap_or_default();
            return Err(AnalysisError::Synonyms { path, problems });
        }
        Ok(Self::from_map(
            map.into_iter().map(|(k, (v, _))| (k, v)).collect(),
        ))
    }

    fn from_map(mut pairs: Vec<(String, String)>) -> Self {
        if pairs.is_empty() {
            return Self::empty();
        }
        pairs.sort();
        let patterns: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        let every = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        Synonyms {
            matcher,
            every,
            replacements: pairs.into_iter().map(|(_, v)| v).collect(),
        }
    }

    /// Number of forms (canonical and variants) in the table.
    pub fn len(&self) -> usize {
        self.replacements.len()
    }

    /// True when the table rewrites nothing.
    pub fn is_empty(&self) -> bool {
        self.replacements.is_empty()
    }

    /// Rewrites every variant in already-normalized `text` to its canonical form.
    ///
    /// A Latin-script form matches whole words only: "pin" must not fire inside
    /// "shopping". When the longest form at a place ends inside a word ("school lunch
    /// fee" in "school lunch fees"), the longest one there that ends at a word
    /// boundary ("school lunch") is taken instead. Kana and kanji have no word
    /// boundaries to respect.
    pub fn apply(&self, text: &str) -> String {
        let (Some(ac), Some(every)) = (&self.matcher, &self.every) else {
            return text.to_string();
        };
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let whole = |start: usize, end: usize| {
            let matched = &text[start..end];
            let latin = matched.starts_with(|c: char| c.is_ascii_alphanumeric())
                || matched.ends_with(|c: char| c.is_ascii_alphanumeric());
            !latin
                || !(glued(text[..start].chars().next_back()) || glued(text[end..].chars().next()))
        };
        let mut out = String::with_capacity(text.len() + 16);
        let mut pos = 0;
        while let Some(m) = ac.find(aho_corasick::Input::new(text).range(pos..)) {
            out.push_str(&text[pos..m.start()]);
            let chosen = if whole(m.start(), m.end()) {
                Some((m.end(), m.pattern()))
            } else {
                every
                    .find_overlapping_iter(aho_corasick::Input::new(text).range(m.start()..))
                    .filter(|o| o.start() == m.start() && whole(o.start(), o.end()))
                    .max_by_key(|o| o.end())
                    .map(|o| (o.end(), o.pattern()))
            };
            match chosen {
                Some((end, pattern)) => {
                    out.push_str(&self.replacements[pattern.as_usize()]);
                    pos = end;
                }
                None => {
                    // No form fits here: keep this character, look again after it.
                    let next = text[m.start()..]
                        .chars()
                        .next()
                        .map_or(text.len(), |c| m.start() + c.len_utf8());
                    out.push_str(&text[m.start()..next]);
                    pos = next;
                }
            }
        }
        out.push_str(&text[pos..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Synonyms {
        let text = "# comment\nマイナンバー\tマイナ\nマイナポータル\tまいなぽーたる\n国民健康保険\t国保\tこくほ\n子ども\t子供\tこども\n保険証\t被保険者証\n";
        Synonyms::parse(text, Path::new("syn.tsv")).expect("valid table")
    }

    #[test]
    fn variants_become_canonical() {
        let t = table();
        assert_eq!(t.apply("こくほの保険料"), "国民健康保険の保険料");
        assert_eq!(
            t.apply("子供の医療費"),
            "子ども医療費".replace("医療費", "の医療費")
        );
        assert_eq!(t.apply("被保険者証をなくした"), "保険証をなくした");
    }

    #[test]
    fn longest_form_wins() {
        let t = table();
        assert_eq!(t.apply("マイナポータルで確認"), "マイナポータルで確認");
        assert_eq!(t.apply("マイナカード"), "マイナンバーカード");
        assert_eq!(t.apply("マイナンバーカード"), "マイナンバーカード");
    }

    #[test]
    fn variants_are_normalized_when_loaded() {
        let t = Synonyms::parse("国民健康保険\tｺｸﾎ\n", Path::new("s")).unwrap();
        assert_eq!(t.apply("コクホ"), "国民健康保険");
    }

    #[test]
    fn a_group_headed_by_a_known_variant_joins_its_group() {
        let files = [
            (
                PathBuf::from("syn.tsv"),
                "妊婦健康診査\t妊婦健診\n".to_string(),
            ),
            (
                PathBuf::from("english.tsv"),
                "妊婦健診\tprenatal checkup\n".to_string(),
            ),
        ];
        let t = Synonyms::parse_many(&files).unwrap();
        assert_eq!(t.apply("prenatal checkup"), "妊婦健康診査");
    }

    #[test]
    fn hiragana_variants_match_in_katakana_too() {
        let t = Synonyms::parse("再交付\tさいはっこう\n", Path::new("s")).unwrap();
        assert_eq!(t.apply("サイハッコウ"), "再交付");
    }

    #[test]
    fn latin_forms_match_whole_words_only() {
        let t = Synonyms::parse("暗証番号\tpin\n手数料\tfee\n", Path::new("e")).unwrap();
        assert_eq!(t.apply("forgot my pin"), "forgot my 暗証番号");
        assert_eq!(t.apply("shopping coffee pin"), "shopping coffee 暗証番号");
        assert_eq!(t.apply("pinの番号"), "暗証番号の番号");
    }

    #[test]
    fn a_longest_form_ending_inside_a_word_gives_way_to_a_shorter_one() {
        let t = Synonyms::parse(
            "給食費\tschool lunch fee\n給食\tschool lunch\n手数料\tfees\n",
            Path::new("e"),
        )
        .unwrap();
        assert_eq!(t.apply("school lunch fee"), "給食費");
        assert_eq!(t.apply("school lunch fees"), "給食 手数料");
        assert_eq!(t.apply("school lunches"), "school lunches");
    }

    #[test]
    fn conflicting_groups_are_reported_with_lines() {
        let err = Synonyms::parse("a\tb\nc\tb\nlonely\n", Path::new("syn.tsv")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("syn.tsv:2"), "{msg}");
        assert!(msg.contains("syn.tsv:3"), "{msg}");
    }
}
