//! The screening engine's word data: per language (`lexicon/*.txt`), per
//! category, words and phrases matched after normalisation (see
//! [`super::normalize`]), so evasions read as the word they hide. A decisive
//! entry (`!` in the data) is a hit on its own; the others are evidence the
//! classifier weighs with the rest of the message. The `[innocent]` section
//! lists ordinary words that contain or resemble harmful ones
//! ("retardant", "Scunthorpe", "niggle"): no entry matches them, and the
//! classifier reads them as whole words only.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::normalize::{Runs, Word};
use crate::rules::Category;

/// The word data, one file a language.
pub const DATA: &[(&str, &str)] = &[
    ("en", include_str!("lexicon/en.txt")),
    ("de", include_str!("lexicon/de.txt")),
    ("fr", include_str!("lexicon/fr.txt")),
    ("es", include_str!("lexicon/es.txt")),
    ("pt", include_str!("lexicon/pt.txt")),
];

/// One entry of the word data.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its category.
    pub category: Category,
    /// As written in the data (without the `!`s).
    pub text: String,
    /// Whether it decides on its own.
    pub decisive: bool,
    /// Whether it decides alone even as a single word (`!!`): a slur with
    /// no innocent reading, which the classifier may never have seen.
    pub alone: bool,
    /// The language of its data file.
    pub language: String,
    words: Vec<Word>,
}

/// An entry found in a message.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    /// The entry's index in [`Lexicon::entries`].
    pub entry: usize,
    /// The message's words that matched, joined by spaces.
    pub words: String,
    /// Where they start among the message's tokens.
    pub at: usize,
    /// For borrowing the lexicon.
    pub lexicon: &'a Lexicon,
}

impl Entry {
    /// Whether, though decisive, it needs the classifier's near-agreement:
    /// single profane or hateful words (a phrase carries its context), of
    /// a language the classifier was trained on (it cannot read the
    /// context of the others).
    pub fn gated(&self) -> bool {
        !self.alone
            && self.words.len() == 1
            && matches!(self.category, Category::Profanity | Category::Hate)
            && super::classifier::LANGUAGES.contains(&self.language.as_str())
    }
}

impl Found<'_> {
    /// The entry found.
    pub fn entry(&self) -> &Entry {
        &self.lexicon.entries[self.entry]
    }
}

/// The compiled word data of every language.
#[derive(Debug)]
pub struct Lexicon {
    /// Every entry, in data order.
    pub entries: Vec<Entry>,
    /// Entries by the first two letters of their first word (the second is
    /// `'\0'` for a one-letter word).
    index: HashMap<(char, char), Vec<usize>>,
    /// Entries whose first word may start inside a token (`*word`): tried at every token.
    loose: Vec<usize>,
    /// Innocent words, normalised.
    innocent: HashSet<String>,
}

/// A malformed line of the word data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{language} line {line}: {why}")]
pub struct DataError {
    /// The file's language.
    pub language: String,
    /// Line number (1-based).
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

fn key(runs: &Runs) -> (char, char) {
    (runs.first().map_or('\0', |r| r.0), runs.get(1).map_or('\0', |r| r.0))
}

impl Lexicon {
    /// Parses the word data (`[category]` headers, one entry a line, `#` comments).
    pub fn parse(data: &[(&str, &str)]) -> Result<Lexicon, DataError> {
        let mut entries = Vec::new();
        let mut innocent = HashSet::new();
        for (language, text) in data {
            let mut category = None;
            for (n, line) in text.lines().enumerate() {
                let err = |why: &str| DataError { language: language.to_string(), line: n + 1, why: why.into() };
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    category = match name {
                        "innocent" => Some(None),
                        _ => Some(Some(Category::from_key(name).ok_or_else(|| err("unknown category"))?)),
                    };
                    continue;
                }
                let Some(category) = category.ok_or_else(|| err("an entry before any [category]"))? else {
                    innocent.extend(super::normalize::tokens(line));
                    continue;
                };
                let (decisive, alone, entry) = match (line.strip_prefix("!!"), line.strip_prefix('!')) {
                    (Some(rest), _) => (true, true, rest),
                    (None, Some(rest)) => (true, false, rest),
                    (None, None) => (false, false, line),
                };
                let words: Vec<Word> = super::patterns(entry).iter().map(|w| Word::new(w)).collect();
                if words.is_empty() || words.iter().any(|w| w.letters() == 0) {
                    return Err(err("an entry with no letters"));
                }
                let language = language.to_string();
                entries.push(Entry { category, text: entry.to_owned(), decisive, alone, language, words });
            }
        }
        let mut index: HashMap<(char, char), Vec<usize>> = HashMap::new();
        let mut loose = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            match e.words[0].loose_start() {
                true => loose.push(i),
                false => index.entry(key(e.words[0].runs())).or_default().push(i),
            }
        }
        Ok(Lexicon { entries, index, loose, innocent })
    }

    /// The shipped word data, parsed once.
    pub fn shipped() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| Lexicon::parse(DATA).expect("the shipped word data parses (tested)"))
    }

    /// Whether a normalised token is an innocent word.
    pub fn innocent(&self, token: &str) -> bool {
        self.innocent.contains(token)
    }

    /// Every entry found among `tokens` (with their [`normalize::runs`]),
    /// each entry once, in the order of the tokens.
    pub fn find<'a>(&'a self, tokens: &[String], runs: &[Runs]) -> Vec<Found<'a>> {
        let mut out: Vec<Found<'a>> = Vec::new();
        // Looked up once a token, not once a candidate entry.
        let innocent: Vec<bool> = tokens.iter().map(|t| self.innocent(t)).collect();
        for (at, token) in runs.iter().enumerate() {
            let (a, b) = key(token);
            let keyed = self.index.get(&(a, b)).into_iter().chain(self.index.get(&(a, '\0'))).flatten();
            let candidates = keyed.chain(&self.loose);
            for &i in candidates {
                let words = &self.entries[i].words;
                let n = words.len();
                if at + n > runs.len() || out.iter().any(|f| f.entry == i) {
                    continue;
                }
                if !innocent[at..at + n].contains(&true)
                    && words.iter().zip(&runs[at..at + n]).all(|(w, t)| w.matches(t))
                {
                    out.push(Found { entry: i, words: tokens[at..at + n].join(" "), at, lexicon: self });
                }
            }
        }
        out
    }
}

/// A fingerprint of the word data (FNV-1a), recorded in the trained model:
/// a model trained on other word data is refused by a test.
pub fn fingerprint(data: &[(&str, &str)]) -> u32 {
    data.iter()
        .fold(0x811c_9dc5u32, |h, (lang, text)| normalize_hash(normalize_hash(h, lang.as_bytes()), text.as_bytes()))
}

fn normalize_hash(mut h: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::normalize;

    #[test]
    fn shipped_data_parses_with_every_category_in_every_language() {
        let lexicon = Lexicon::parse(DATA).unwrap();
        assert!(lexicon.entries.len() > 800, "{}", lexicon.entries.len());
        for c in [Category::Profanity, Category::Sexual, Category::Hate, Category::Harassment, Category::SelfHarm] {
            assert!(lexicon.entries.iter().filter(|e| e.category == c).count() > 40, "{c:?}");
        }
    }

    #[test]
    fn malformed_data_is_refused_with_its_line() {
        let err = Lexicon::parse(&[("xx", "fuck\n")]).unwrap_err();
        assert_eq!((err.line, err.why.as_str()), (1, "an entry before any [category]"));
        let err = Lexicon::parse(&[("xx", "[rude]\nfuck\n")]).unwrap_err();
        assert_eq!(err.why, "unknown category");
        let lexicon = Lexicon::parse(&[("xx", "[innocent]\nRetardant\n")]).unwrap();
        assert!(lexicon.innocent("retardant") && lexicon.entries.is_empty());
        let err = Lexicon::parse(&[("xx", "[hate]\n!***\n")]).unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn finds_phrases_and_evasions_once_each() {
        let lexicon = Lexicon::parse(&[("xx", "[harassment]\n!kill yourself\n[profanity]\nshit*\n")]).unwrap();
        let tokens = normalize::tokens("go k1ll   yoursellf, shiiit, shit");
        let runs: Vec<Runs> = tokens.iter().map(|t| normalize::runs(t)).collect();
        let found: Vec<(String, String)> =
            lexicon.find(&tokens, &runs).iter().map(|f| (f.entry().text.clone(), f.words.clone())).collect();
        assert_eq!(found, vec![("kill yourself".into(), "kill yoursellf".into()), ("shit*".into(), "shiiit".into())]);
    }

    #[test]
    fn innocent_words_match_no_entry() {
        let lexicon = Lexicon::parse(&[("xx", "[hate]\n!n1gg*\n[innocent]\nniggle\n")]).unwrap();
        let found = |text: &str| {
            let tokens = normalize::tokens(text);
            let runs: Vec<Runs> = tokens.iter().map(|t| normalize::runs(t)).collect();
            lexicon.find(&tokens, &runs).len()
        };
        assert_eq!((found("one small niggle with my order"), found("n1ggers")), (0, 1));
    }

    /// English words a customer writes that the shipped word data of some
    /// language resembled: a doubled letter read as a stretch ("blood" as
    /// German "blöd"), or a word's start ("Milford" as "milf*", "bride" as
    /// French "bridé", "dummy" as German "dumm*").
    #[test]
    fn everyday_english_words_match_no_entry_of_any_language() {
        let lexicon = Lexicon::shipped();
        let words = "Milford bride bridesmaids pedestrian pedestal squawk pinched assistance assignment assist \
                     dummy dummies blood moose Moses morrow Morocco morose fodder null mussels burrow";
        for word in words.split_whitespace() {
            let tokens = normalize::tokens(word);
            let runs: Vec<Runs> = tokens.iter().map(|t| normalize::runs(t)).collect();
            let found: Vec<String> = lexicon.find(&tokens, &runs).iter().map(|f| f.entry().text.clone()).collect();
            assert!(found.is_empty(), "{word:?} matched {found:?}");
        }
    }

    #[test]
    fn a_doubled_letter_stretches_only_long_words() {
        let word = |entry: &str, token: &str| Word::new(entry).matches(&normalize::runs(token));
        assert!(word("fuck", "fuuuck") && word("ass", "asss") && word("yourself", "yoursellf"));
        assert!(word("slut*", "slutty") && !word("slut", "slutt"));
        assert!(!word("fuck", "fuuck") && !word("blöd*", "blood") && !word("as", "ass"));
    }
}
