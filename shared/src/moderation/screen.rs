//! The screening engine: what categories of harm a message falls in.
//! The classifier reads the whole message (its words, letter n-grams and
//! the word data found); when it reads as abusive, the category is the
//! gravest one whose words it contains (harassment when none). A decisive
//! word-data entry needs less: a phrase, or a word of a category the
//! classifier was not trained on (threats, self-harm, spam), decides alone;
//! a single profane or hateful word needs a score within
//! [`DECISIVE_MARGIN`] of the threshold (so "the Redskins won" is not a
//! slur, yet an unknown context does not excuse one). Personal data is
//! found by the redaction module's patterns.

use super::classifier::{self, Model};
use super::lexicon::{Entry, Found, Lexicon};
use super::normalize::Runs;
use crate::redact::{redact, Kind, Redaction};
use crate::rules::Category;

/// One category a message falls in, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The category.
    pub category: Category,
    /// The message's words that gave it away (normalised), if words did.
    pub found: Option<String>,
    /// Why, for moderators and the rule form's test box.
    pub why: String,
}

/// How far below the threshold a decisive entry still decides (score units).
pub const DECISIVE_MARGIN: f32 = 0.4;

/// The highest threshold at which an entry found in a message with this
/// score decides it: none unless it is decisive, any for an entry that
/// decides alone, its margin above the score for one the classifier gates.
fn reach(score: f32, entry: &Entry) -> Option<f32> {
    match (entry.decisive, entry.gated()) {
        (false, _) => None,
        (true, true) => Some(score + DECISIVE_MARGIN),
        (true, false) => Some(f32::INFINITY),
    }
}

/// Whether an entry decides a message with this score, given the
/// classifier's threshold.
fn decides(threshold: f32, score: f32, entry: &Entry) -> bool {
    reach(score, entry).is_some_and(|r| r >= threshold)
}

/// The highest threshold at which a message with this score and this word
/// data found is still a hit of some category read from words (what the
/// accuracy table counts): its score, or higher where an entry decides.
pub fn reach_of(score: f32, found: &[Found<'_>]) -> f32 {
    found.iter().filter_map(|f| reach(score, f.entry())).fold(score, f32::max)
}

/// The categories the classifier was trained to read, gravest first.
pub const READ: [Category; 4] = [Category::Hate, Category::Harassment, Category::Sexual, Category::Profanity];

/// What the classifier reads of a message (its text, normalised tokens and
/// their runs): its feature buckets, and the word data found in it.
pub fn read(text: &str, tokens: &[String], runs: &[Runs]) -> (Vec<u32>, Vec<Found<'static>>) {
    let lexicon = Lexicon::shipped();
    let found = lexicon.find(tokens, runs);
    (classifier::features(text, tokens, &found, lexicon), found)
}

/// Screens a message: its text, its normalised tokens (allowed words
/// already taken out) and their runs. At most one finding a category.
pub fn screen(text: &str, tokens: &[String], runs: &[Runs]) -> Vec<Finding> {
    let model = Model::shipped();
    let (features, found) = read(text, tokens, runs);
    let score = model.score(&features);
    let mut out: Vec<Finding> = Vec::new();
    for f in found.iter().filter(|f| decides(model.threshold, score, f.entry())) {
        let entry = f.entry();
        if out.iter().all(|o| o.category != entry.category) {
            out.push(Finding {
                category: entry.category,
                found: Some(f.words.clone()),
                why: format!("{}: {:?}", entry.category.label(), entry.text),
            });
        }
    }
    if score >= model.threshold {
        let category =
            READ.into_iter().find(|c| found.iter().any(|f| f.entry().category == *c)).unwrap_or(Category::Harassment);
        if out.iter().all(|o| o.category != category) {
            let word = found.iter().find(|f| f.entry().category == category).map(|f| f.words.clone()).or_else(|| {
                let strongest = model.strongest(&features)?;
                tokens.iter().find(|t| classifier::word_bucket(t) == strongest).cloned()
            });
            out.push(Finding {
                category,
                found: word,
                why: format!("{}: the message reads as abusive (score {score:.2})", category.label()),
            });
        }
    }
    if text.contains('@') || text.bytes().filter(u8::is_ascii_digit).count() >= 7 {
        let contacts = Redaction { payment: false, passwords: false, contacts: true };
        let (_, kinds) = redact(text, contacts);
        if let Some(kind) = kinds.first() {
            let what = if *kind == Kind::Email { "an e-mail address" } else { "a phone number" };
            out.push(Finding {
                category: Category::PersonalData,
                found: None,
                why: format!("{}: {what}", Category::PersonalData.label()),
            });
        }
    }
    out
}
