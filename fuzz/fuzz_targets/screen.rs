//! Fuzz target: any text through the screening engine and a new site's
//! rules. It must never panic, and its work must stay linear in the
//! input: no more tokens than characters, a bounded number of features per
//! token (letter n-grams of at most 24 letters a word), each word-data
//! entry found at most once, and at most one hit per rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::moderation::lexicon::Lexicon;
use shared::moderation::{classifier, evaluate, normalize, Earlier, Rules};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let rules = Rules::new(shared::rules::default_rules()).expect("the default rules compile");
    let history = [Earlier { text: text.to_owned(), at: 1_000 }];
    let verdict = evaluate(text, 2_000, &history, &rules);
    assert!(verdict.hits.len() <= shared::rules::default_rules().len());

    let chars = text.chars().count();
    let tokens = normalize::tokens(text);
    assert!(tokens.len() <= chars, "{} tokens from {chars} characters", tokens.len());
    let runs: Vec<normalize::Runs> = tokens.iter().map(|t| normalize::runs(t)).collect();
    let lexicon = Lexicon::shipped();
    let found = lexicon.find(&tokens, &runs);
    let mut entries: Vec<usize> = found.iter().map(|f| f.entry).collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(entries.len(), found.len(), "an entry found twice");
    let features = classifier::features(text, &tokens, &found, lexicon);
    let per_token = 2 + 3 * (classifier::NGRAM_WORD + 2);
    assert!(
        features.len() <= per_token * tokens.len() + chars + 2 * found.len(),
        "{} features from {} tokens",
        features.len(),
        tokens.len()
    );
});
