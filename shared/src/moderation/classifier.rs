//! The screening engine's classifier: a linear model (logistic regression)
//! over hashed features of a message — its words, word pairs, letter
//! n-grams inside words, and the word data's entries and categories found
//! in it. Trained by `cargo xtask train-screening` on public labelled
//! messages (see `docs/screening.md`) and shipped as `model.bin`: a header
//! and one signed byte a feature bucket.

use std::sync::OnceLock;

use super::lexicon::{Found, Lexicon};

/// The languages of the messages the classifier was trained on (checked
/// by `cargo xtask train-screening`).
pub const LANGUAGES: [&str; 4] = ["en", "de", "fr", "pt"];

/// Feature buckets: 2^BITS.
pub const BITS: u32 = 18;
/// The model file's first four bytes.
pub const MAGIC: &[u8; 4] = b"SCR1";
/// Header size: magic, bits, word-data fingerprint, bias, scale, threshold.
pub const HEADER: usize = 24;

/// FNV-1a of a tag and a string, into a bucket.
fn bucket(tag: u8, text: &str) -> u32 {
    let mut h = 0x811c_9dc5u32 ^ u32::from(tag);
    h = h.wrapping_mul(0x0100_0193);
    for b in text.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h & ((1 << BITS) - 1)
}

/// A token with runs of three or more of one letter cut to one ("fuuuck"
/// reads as "fuck", "ass" stays "ass").
fn squeezed(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let n = if j - i >= super::normalize::STRETCHED { 1 } else { j - i };
        out.extend(std::iter::repeat_n(chars[i], n));
        i = j;
    }
    out
}

/// The longest word whose letter n-grams count (longer ones are cut).
pub const NGRAM_WORD: usize = 24;

/// The feature buckets of a message: its text's symbols (emoji and the
/// like), its normalised tokens (innocent words as whole words only) and
/// the word data found in it. Sorted, each once.
pub fn features(text: &str, tokens: &[String], found: &[Found<'_>], lexicon: &Lexicon) -> Vec<u32> {
    let mut out = Vec::with_capacity(tokens.len() * 8 + found.len() * 2);
    let mut symbol = [0u8; 4];
    for c in text.chars().filter(|c| !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace()) {
        out.push(bucket(b's', c.encode_utf8(&mut symbol)));
    }
    let mut previous: Option<String> = None;
    for token in tokens {
        let word = squeezed(token);
        out.push(bucket(b'w', &word));
        if let Some(p) = &previous {
            out.push(bucket(b'b', &format!("{p} {word}")));
        }
        if lexicon.innocent(token) {
            previous = Some(word);
            continue;
        }
        let padded: Vec<char> =
            std::iter::once('^').chain(word.chars().take(NGRAM_WORD)).chain(std::iter::once('$')).collect();
        for n in 3..=5 {
            for gram in padded.windows(n) {
                let gram: String = gram.iter().collect();
                out.push(bucket(b'0' + n as u8, &gram));
            }
        }
        previous = Some(word);
    }
    for f in found {
        out.push(bucket(b'e', &f.entry().text));
        out.push(bucket(b'c', f.entry().category.key()));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The features every message is counted as having on top of its own
/// (chosen on the validation split; also keeps "customer 2" clean).
const SHRINK: f32 = 30.0;

/// What each of `n` features of a message weighs: one over the square
/// root of their count and a few more, so that a short message's few
/// features do not swing its score on their own.
pub fn weight_of(n: usize) -> f32 {
    1.0 / (n as f32 + SHRINK).sqrt()
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The fingerprint of the word data it was trained with.
    pub lexicon: u32,
    /// The score of a message with no features.
    pub bias: f32,
    /// What one unit of a weight is worth.
    pub scale: f32,
    /// Scores at or above it read as abusive.
    pub threshold: f32,
    /// One weight a bucket.
    pub weights: Vec<i8>,
}

/// A model file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("screening model: {0}")]
pub struct ModelError(pub String);

impl Model {
    /// Reads a model file.
    pub fn read(bytes: &[u8]) -> Result<Model, ModelError> {
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"));
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(ModelError("not a model file".into()));
        }
        if word(4) != BITS || bytes.len() != HEADER + (1 << BITS) {
            return Err(ModelError(format!("{} bytes for {} bits", bytes.len(), word(4))));
        }
        Ok(Model {
            lexicon: word(8),
            bias: f32::from_bits(word(12)),
            scale: f32::from_bits(word(16)),
            threshold: f32::from_bits(word(20)),
            weights: bytes[HEADER..].iter().map(|b| *b as i8).collect(),
        })
    }

    /// The model as a file.
    pub fn write(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.weights.len());
        out.extend_from_slice(MAGIC);
        for word in [BITS, self.lexicon, self.bias.to_bits(), self.scale.to_bits(), self.threshold.to_bits()] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend(self.weights.iter().map(|w| *w as u8));
        out
    }

    /// The shipped model, read once.
    pub fn shipped() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::read(include_bytes!("model.bin")).expect("the shipped model reads (tested)"))
    }

    /// A message's score from its [`features`]: the weights' sum, scaled
    /// by one over the square root of their count (long messages are not
    /// abusive for being long).
    pub fn score(&self, features: &[u32]) -> f32 {
        if features.is_empty() {
            return self.bias;
        }
        let sum: i32 = features.iter().map(|f| i32::from(self.weights[*f as usize])).sum();
        self.bias + self.scale * sum as f32 * weight_of(features.len())
    }

    /// The feature that weighs most towards abuse (for saying why).
    pub fn strongest(&self, features: &[u32]) -> Option<u32> {
        features.iter().copied().max_by_key(|f| self.weights[*f as usize]).filter(|f| self.weights[*f as usize] > 0)
    }
}

/// The bucket of a token's word feature (to tell which word weighed most).
pub fn word_bucket(token: &str) -> u32 {
    bucket(b'w', &squeezed(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeezes_long_runs_only() {
        assert_eq!(squeezed("fuuuuck"), "fuck");
        assert_eq!(squeezed("ass"), "ass");
        assert_eq!(squeezed("shiiiit"), "shit");
    }

    #[test]
    fn features_are_sorted_once_each_and_bounded_by_word_length() {
        let long = "abcdefghijklmnopqrstuvwxyz".repeat(400);
        let lexicon = Lexicon::parse(&[]).unwrap();
        let f = features("", &[long.clone(), long], &[], &lexicon);
        assert!(f.windows(2).all(|w| w[0] < w[1]));
        // The word, the pair, and n-grams of three to five of its first 24 letters and two ends.
        assert_eq!(f.len(), 2 + NGRAM_WORD + (NGRAM_WORD - 1) + (NGRAM_WORD - 2));
    }

    #[test]
    fn innocent_words_have_no_letter_ngrams() {
        let lexicon = Lexicon::parse(&[("xx", "[innocent]\nretardant\n")]).unwrap();
        let innocent = features("", &["retardant".into()], &[], &lexicon);
        let other = features("", &["retardent".into()], &[], &lexicon);
        assert_eq!((innocent.len(), other.len()), (1, 1 + 9 + 8 + 7));
    }

    #[test]
    fn a_model_reads_back_what_it_wrote_and_refuses_other_files() {
        let model = Model { lexicon: 7, bias: -1.5, scale: 0.01, threshold: 0.25, weights: vec![3; 1 << BITS] };
        assert_eq!(Model::read(&model.write()).unwrap(), model);
        assert!(Model::read(b"SCR1").is_err());
        assert!(Model::read(&model.write()[..1000]).is_err());
    }

    #[test]
    fn the_shipped_model_was_trained_with_the_shipped_word_data() {
        let model = Model::shipped();
        assert_eq!(
            model.lexicon,
            super::super::lexicon::fingerprint(super::super::lexicon::DATA),
            "the word data changed since the model was trained: run `cargo xtask train-screening`"
        );
    }
}
