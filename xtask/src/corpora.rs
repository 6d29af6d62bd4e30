//! The public labelled messages the screening engine is trained and
//! measured on (sources, licences and commits in `docs/screening.md`), read
//! from a folder that holds each source's files at their paths upstream
//! (`--data DIR`), and split reproducibly: a message's split follows from a
//! hash of its text, so a message is never in two splits.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use shared::feedback::{Label, Verdict};
use shared::moderation::READ;

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Its set: the source's folder (see [`SOURCES`]).
    pub set: &'static str,
    /// The text, as a chat message would carry it (see [`as_chat`]).
    pub text: String,
    /// Whether people labelled it abusive or offensive.
    pub abusive: bool,
    /// Which split it is in.
    pub split: Split,
    /// The share of its annotators who agree with the label (1 where a
    /// source gives only the label).
    pub agreement: f32,
}

impl Sample {
    /// Its language: its set's ([`ANY`] for a site's labels).
    pub fn lang(&self) -> &'static str {
        SOURCES.iter().find(|(folder, ..)| *folder == self.set).map_or(ANY, |s| s.1)
    }
}

/// The set of a site's own labels (`--labels FILE`).
pub const SITE: &str = "site labels";
/// Their language: whatever the site's people write.
pub const ANY: &str = "any";

/// A site's moderators' decisions (the JSON of `GET …/labels`, see
/// `shared::feedback`) as development messages: a rejected held message or
/// a removed published one is abusive, an approved held one clean. Only
/// decisions about what the classifier reads count: a message held for a
/// link or a flood says nothing of its words.
pub fn site_labels(json: &str) -> Result<Vec<Sample>> {
    let labels: Vec<Label> = serde_json::from_str(json).context("a labels file is the JSON of GET …/labels")?;
    let read = |l: &Label| READ.iter().any(|c| l.rules.iter().any(|r| r == c.rule_id()));
    Ok(labels
        .iter()
        .filter(|l| l.verdict == Verdict::FalseNegative || read(l))
        .map(|l| Sample {
            set: SITE,
            text: as_chat(&l.text),
            abusive: l.verdict != Verdict::FalsePositive,
            split: Split::Train,
            agreement: 1.0,
        })
        .collect())
}

/// Where a message is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Development: training, and choosing the threshold by cross-validation.
    Train,
    /// Held out: only measured.
    Test,
}

/// Each source: its folder under `DIR` (the upstream repository's name) and language.
pub const SOURCES: &[(&str, &str, &str)] = &[
    ("hate-speech-and-offensive-language", "en", "Davidson et al. 2017, 24,783 tweets (MIT)"),
    ("GermEval-2018-Data", "de", "GermEval 2018, 8,541 tweets (CC BY 4.0)"),
    ("MLMA_hate_speech", "fr", "MLMA (Ousidhoum et al. 2019), 4,014 French tweets (MIT)"),
    ("hateval", "es", "HatEval 2019 trial set, 100 Spanish tweets"),
    ("ToLD-Br", "pt", "ToLD-Br (Leite et al. 2020), 21,000 tweets (CC BY-SA 4.0)"),
    (OLID, "en", "OLID (OffensEval 2019, Zampieri et al.), 14,100 tweets (CC BY 4.0)"),
];

/// OLID's folder: the copy in a repository that keeps OLID v1.0 whole.
const OLID: &str = "multi-task-offensive-language-detection";

/// Each file read, by its path under `DIR`, with its SHA-256: the data
/// the shipped model was trained on, byte for byte.
pub const FILES: &[(&str, &str)] = &[
    (
        "hate-speech-and-offensive-language/data/labeled_data.csv",
        "fcb8bc7c68120ae4af04a5b9acd58585513ede11e1548ebf36a5c2040b6f6281",
    ),
    (
        "GermEval-2018-Data/germeval2018.training.txt",
        "0f88c63a344e1ab69c5407aa539d1612cd82a96b51ebd6bd613dc70ff9fef03e",
    ),
    ("GermEval-2018-Data/germeval2018.test.txt", "45f31510b305d080a933d4087b8d34f7a5e4087141718955b90357ca730074f2"),
    (
        "MLMA_hate_speech/hate_speech_mlma/fr_dataset.csv",
        "6b5cafa5f8986127639f973b2efa2e87419202af9cc121bef82ad0b010305af8",
    ),
    (
        "hateval/SemEval2019-Task5/datasets/trial/trial_es.tsv",
        "951c96f377d07f61d40fdf66c5f0313b78461e377964f78e089b5078bed5b193",
    ),
    ("ToLD-Br/ToLD-BR.csv", "a905b90d5886b9c80d737aa26c41dd29077155f23b9b857080634a78f8203c90"),
    (
        "List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words/en",
        "af851ecef1d5f212caba17339b12ac39cc2fef7d78c74876f67237644fcee8bd",
    ),
    ("Taskmaster/TM-4-2024/data/data_07.json", "b61f11f3c950c330049906ae249e858503ec7c905fcad5b4a7edd851ccf07bbc"),
    (
        "multi-task-offensive-language-detection/OLIDv1.0/olid-training-v1.0.tsv",
        "d976bd6faf7800571d06aa4fda00c11c1d39e6fd139747067f683d0c6e76d31f",
    ),
    (
        "multi-task-offensive-language-detection/OLIDv1.0/testset-levela.tsv",
        "5fff16b4fc474b859540200ef7befd42883fc42810e0a18d3bd621ba90b9cb9e",
    ),
    (
        "multi-task-offensive-language-detection/OLIDv1.0/labels-levela.csv",
        "f301af1a52210727e6601958e7b9795a0b22d81f51f9ad8e1870c503c684fc31",
    ),
];

/// The turns of the Taskmaster-4 dialogs (people ordering coffee from an
/// agent, both sides written by crowd workers): everyday service chat,
/// all clean; measured only.
pub fn service_chat(dir: &Path) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Dialog {
        utterances: Vec<Turn>,
    }
    #[derive(serde::Deserialize)]
    struct Turn {
        text: String,
    }
    let path = dir.join("Taskmaster/TM-4-2024/data/data_07.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let dialogs: Vec<Dialog> = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(dialogs.into_iter().flat_map(|d| d.utterances).map(|t| t.text).filter(|t| !t.trim().is_empty()).collect())
}

/// Fails unless every file under `dir` is the one documented.
pub fn check(dir: &Path) -> Result<()> {
    use sha2::Digest;
    for (path, want) in FILES {
        let bytes = std::fs::read(dir.join(path)).with_context(|| format!("reading {path} under {}", dir.display()))?;
        let have: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        anyhow::ensure!(have == *want, "{path} is not the documented file (SHA-256 {have}, want {want})");
    }
    Ok(())
}

/// FNV-1a of a text: its split, and its fold in cross-validation.
pub fn hash(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// The split a text falls in: a fifth held out.
fn split_of(text: &str) -> Split {
    match hash(text) % 10 {
        0 | 1 => Split::Test,
        _ => Split::Train,
    }
}

/// A tweet as a chat message: HTML entities decoded, retweet marks,
/// @mentions and links taken out (the links and mentions rules are not
/// what is measured), spaces collapsed.
pub fn as_chat(tweet: &str) -> String {
    let decoded = tweet
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("|LBR|", " ");
    let decoded = numeric_entities(&decoded);
    let words: Vec<&str> = decoded
        .split_whitespace()
        .filter(|w| {
            let lower = w.to_lowercase();
            !(w.starts_with('@') || lower == "rt" || lower.starts_with("http"))
        })
        .collect();
    words.join(" ").trim_start_matches(':').trim().to_owned()
}

/// `&#8220;` and its kin as the characters they stand for.
fn numeric_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let end = tail.find(';').filter(|e| *e <= 7);
        match end.and_then(|e| tail[..e].parse::<u32>().ok().and_then(char::from_u32).map(|c| (e, c))) {
            Some((e, c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push_str("&#");
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

fn csv_rows(path: &Path, delimiter: u8) -> Result<Vec<csv::StringRecord>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    reader.records().collect::<Result<Vec<_>, _>>().with_context(|| format!("parsing {}", path.display()))
}

/// Where a message goes: its set (a source's folder) and its split, when
/// the source has its own (else a fifth is held out by hash).
type Origin = (&'static str, Option<Split>);

fn push(out: &mut Vec<Sample>, from: Origin, raw: &str, abusive: bool) {
    push_agreed(out, from, raw, abusive, 1.0);
}

fn push_agreed(out: &mut Vec<Sample>, (set, split): Origin, raw: &str, abusive: bool, agreement: f32) {
    let text = as_chat(raw);
    if text.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
        let split = split.unwrap_or_else(|| split_of(&text));
        out.push(Sample { set, text, abusive, split, agreement });
    }
}

/// Every source's messages under `dir` (checked against [`FILES`]).
pub fn load(dir: &Path) -> Result<Vec<Sample>> {
    check(dir)?;
    let mut out = Vec::new();
    // Davidson: class 0 hate speech, 1 offensive, 2 neither; then how many
    // coders saw it, and how many chose each class.
    for row in csv_rows(&dir.join("hate-speech-and-offensive-language/data/labeled_data.csv"), b',')? {
        let votes = |i: usize| row[i].parse::<f32>().unwrap_or(0.0);
        let abusive = &row[5] != "2";
        let agreeing = if abusive { votes(2) + votes(3) } else { votes(4) };
        push_agreed(&mut out, (SOURCES[0].0, None), &row[6], abusive, agreeing / votes(1).max(1.0));
    }
    // GermEval 2018: its own training and test files; OFFENSE or OTHER.
    for (file, test) in [("germeval2018.training.txt", false), ("germeval2018.test.txt", true)] {
        let path = dir.join("GermEval-2018-Data").join(file);
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        for line in text.lines() {
            let mut cols = line.split('\t');
            let (Some(tweet), Some(label)) = (cols.next(), cols.next()) else { continue };
            let split = if test { Split::Test } else { Split::Train };
            push(&mut out, ("GermEval-2018-Data", Some(split)), tweet, label == "OFFENSE");
        }
    }
    // MLMA, French: the "sentiment" column is "normal" for clean tweets.
    for row in csv_rows(&dir.join("MLMA_hate_speech/hate_speech_mlma/fr_dataset.csv"), b',')? {
        push(&mut out, ("MLMA_hate_speech", None), &row[1], &row[2] != "normal");
    }
    // HatEval trial, Spanish: id, text, HS, TR, AG.
    for row in csv_rows(&dir.join("hateval/SemEval2019-Task5/datasets/trial/trial_es.tsv"), b'\t')? {
        push(&mut out, ("hateval", Some(Split::Test)), &row[1], &row[2] == "1");
    }
    // ToLD-Br: text and six categories, each the number of annotators (of
    // three) who saw it; toxic when any annotator saw any (the authors' binary task).
    for row in csv_rows(&dir.join("ToLD-Br/ToLD-BR.csv"), b',')? {
        let votes: f32 = (1..7).filter_map(|i| row.get(i)?.parse::<f32>().ok()).sum();
        push(&mut out, ("ToLD-Br", None), &row[0], votes > 0.0);
    }
    // OLID: its own training file (id, tweet, OFF or NOT, …), and its test
    // file with the labels apart. "URL" stands for a link, which the
    // messages here do not carry.
    let at = dir.join(OLID).join("OLIDv1.0");
    for row in csv_rows(&at.join("olid-training-v1.0.tsv"), b'\t')? {
        push(&mut out, (OLID, Some(Split::Train)), &row[1].replace("URL", ""), &row[2] == "OFF");
    }
    let labels: HashMap<String, bool> = csv_rows(&at.join("labels-levela.csv"), b',')?
        .iter()
        .map(|row| (row[0].to_owned(), &row[1] == "OFF"))
        .collect();
    for row in csv_rows(&at.join("testset-levela.tsv"), b'\t')? {
        let abusive = *labels.get(&row[0]).with_context(|| format!("OLID tweet {} has no label", &row[0]))?;
        push(&mut out, (OLID, Some(Split::Test)), &row[1].replace("URL", ""), abusive);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sites_labels_are_development_messages_about_words_only() {
        let label = |verdict: &str, rules: &[&str], text: &str| serde_json::json!({ "at": 1, "verdict": verdict, "rules": rules, "text": text, "by": "mo" });
        let json = serde_json::json!([
            label("falsePositive", &["profanity"], "that was a hell of a deal"),
            label("truePositive", &["harassment"], "you idiot"),
            label("truePositive", &["links"], "see https://spam.example"),
            label("falseNegative", &[], "go back where you came from"),
        ])
        .to_string();
        let got: Vec<(String, bool)> = site_labels(&json).unwrap().into_iter().map(|s| (s.text, s.abusive)).collect();
        let want = [("that was a hell of a deal", false), ("you idiot", true), ("go back where you came from", true)];
        assert_eq!(got, want.map(|(t, a)| (t.to_owned(), a)));
        let sample = &site_labels(&json).unwrap()[0];
        assert_eq!((sample.set, sample.lang(), sample.split), (SITE, ANY, Split::Train));
        assert!(site_labels("{\"not\": \"labels\"}").is_err());
    }
}
