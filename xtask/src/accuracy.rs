//! `cargo xtask accuracy --data DIR`: the screening engines side by side on
//! the same held-out messages (the test split of [`crate::corpora`], never
//! trained on) and on an evasion list: the first round's default rules,
//! the new engine (the default rules of a new site) and a peer crate,
//! rustrict. Prints a table for BENCHMARKS.md: caught % of abusive,
//! passed % of clean, and the set's size and source.

use anyhow::Result;
use rustrict::CensorStr;
use shared::moderation::{evaluate, Rules};
use shared::rules::{Action, Rule, RuleKind};
use shared::workflow::Severity;

use crate::corpora::{self, Sample, Split};

/// The default rules of the first round, for comparison.
fn first_round_rules() -> Vec<Rule> {
    let words = |l: &[&str]| RuleKind::Words { list: l.iter().map(|w| w.to_string()).collect() };
    let rule = |id: &str, kind, severity, action| Rule { id: id.into(), kind, severity, action };
    vec![
        rule(
            "profanity",
            words(&["fuck*", "shit", "bitch", "asshole", "cunt", "dickhead"]),
            Severity::Medium,
            Action::Hold,
        ),
        rule("threat", words(&["kill yourself", "kys", "i will find you"]), Severity::Critical, Action::Block),
        rule("slur", RuleKind::Pattern { regex: r"\bn[i1!]gg(a|er)s?\b".into() }, Severity::High, Action::Block),
        rule("links", RuleKind::Links { allow: vec!["example.com".into()] }, Severity::Low, Action::Hold),
        rule("caps", RuleKind::Caps { min_letters: 16, percent: 80 }, Severity::Low, Action::Flag),
        rule("mentions", RuleKind::Mentions { max: 4 }, Severity::Low, Action::Flag),
    ]
}

/// Evasions of a word, as people write them to slip past filters.
fn evasions(word: &str) -> Vec<String> {
    let leet: String = word
        .chars()
        .map(|c| match c {
            'a' => '4',
            'e' => '3',
            'i' => '1',
            'o' => '0',
            's' => '$',
            other => other,
        })
        .collect();
    let spaced: String = word.chars().map(|c| c.to_string()).collect::<Vec<_>>().join(" ");
    let dotted: String = word.chars().map(|c| c.to_string()).collect::<Vec<_>>().join(".");
    let stretched: String = word.chars().flat_map(|c| if "aeiou".contains(c) { vec![c; 3] } else { vec![c] }).collect();
    let hidden: String = word.chars().map(|c| format!("{c}\u{200B}")).collect();
    let cyrillic: String = word
        .chars()
        .map(|c| match c {
            'a' => 'а',
            'e' => 'е',
            'o' => 'о',
            'p' => 'р',
            'c' => 'с',
            x => x,
        })
        .collect();
    vec![word.to_owned(), word.to_uppercase(), leet, spaced, dotted, stretched, hidden, cyrillic]
}

/// Innocent words that contain or resemble profanity (the Scunthorpe
/// problem), each in a plain sentence.
const LOOKALIKES: &[&str] = &[
    "Scunthorpe",
    "assassin",
    "class",
    "passion",
    "cocktail",
    "Dickens",
    "shiitake",
    "therapist",
    "grape",
    "analysis",
    "button",
    "Essex",
    "Sussex",
    "hello",
    "shell",
    "title",
    "cockpit",
    "peacock",
    "bass",
    "grass",
    "assume",
    "pussycat",
    "Matsushita",
    "cumulative",
    "document",
    "circumstance",
    "Penistone",
    "arsenal",
    "butter",
    "snigger",
    "niggle",
    "spicy",
    "crackers",
    "hoedown",
    "shitake",
    "hancock",
    "cocoa",
    "whoever",
    "raccoon",
    "coonhound",
    "sextant",
    "Sussex",
    "homogeneous",
    "therapists",
    "analytics",
    "mishit",
    "shuttlecock",
    "kumquat",
    "titmouse",
    "Titanic",
    "bumblebee",
    "Dick Van Dyke",
    "hoes in the garden",
    "Cockburn",
    "Lightwater",
    "scrapbook",
    "assistant",
];

struct Tally {
    caught: usize,
    abusive: usize,
    passed: usize,
    clean: usize,
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        "–".into()
    } else {
        format!("{:.1} % ({n})", 100.0 * n as f64 / of as f64)
    }
}

fn tally(set: &[(String, bool)], flags: &dyn Fn(&str) -> bool) -> Tally {
    let mut t = Tally { caught: 0, abusive: 0, passed: 0, clean: 0 };
    for (text, abusive) in set {
        let flagged = flags(text);
        match abusive {
            true => (t.abusive += 1, t.caught += usize::from(flagged)),
            false => (t.clean += 1, t.passed += usize::from(!flagged)),
        };
    }
    t
}

/// A new site's rules, without the personal-data category (it finds
/// phone numbers and e-mail addresses, not abuse; a separate setting).
fn now_rules() -> Result<Rules> {
    let mut rules = shared::rules::default_rules();
    rules.retain(|r| r.id != shared::rules::Category::PersonalData.rule_id());
    Rules::new(rules).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The verb.
pub fn run(args: &[String]) -> Result<()> {
    let dir = crate::train::data_dir(args)?;
    let samples = corpora::load(&dir)?;
    let before = Rules::new(first_round_rules()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = now_rules()?;
    let engines: [(&str, Box<dyn Fn(&str) -> bool>); 3] = [
        ("first round's default rules", Box::new(move |t: &str| !evaluate(t, 0, &[], &before).hits.is_empty())),
        ("new engine (a new site's rules)", Box::new(move |t: &str| !evaluate(t, 0, &[], &now).hits.is_empty())),
        ("rustrict 0.7 (is_inappropriate)", Box::new(|t: &str| t.is_inappropriate())),
    ];
    let mut sets: Vec<(String, Vec<(String, bool)>)> = Vec::new();
    for (folder, lang, about) in corpora::SOURCES {
        let set: Vec<(String, bool)> = samples
            .iter()
            .filter(|s: &&Sample| s.set == *folder && s.split == Split::Test)
            .map(|s| (s.text.clone(), s.abusive))
            .collect();
        sets.push((format!("{lang}: {about}, held-out split (`{folder}`)"), set));
    }
    // The same English messages, only those every annotator labelled alike.
    let agreed = samples
        .iter()
        .filter(|s| s.set == corpora::SOURCES[0].0 && s.split == Split::Test && s.agreement == 1.0)
        .map(|s| (s.text.clone(), s.abusive))
        .collect();
    let (_, _, about) = corpora::SOURCES[0];
    sets.insert(1, (format!("en: {about}, held-out split, messages all annotators labelled alike"), agreed));
    let words = std::fs::read_to_string(dir.join("List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words/en"))?;
    let mut evasion: Vec<(String, bool)> =
        words.lines().filter(|w| !w.trim().is_empty()).flat_map(|w| evasions(w.trim())).map(|e| (e, true)).collect();
    evasion.extend(LOOKALIKES.iter().map(|w| (format!("I was reading about {w} today"), false)));
    sets.push(("en: LDNOOBW English list (CC BY 4.0) × 8 evasions each; innocent look-alikes".into(), evasion));
    let chat = corpora::service_chat(&dir)?.into_iter().map(|t| (t, false)).collect();
    sets.push(("en: Taskmaster-4 coffee-order dialogs (Google, CC BY 4.0), every turn; all clean".into(), chat));
    println!("| set | abusive / clean | engine | caught | passed |");
    println!("|---|---:|---|---:|---:|");
    for (name, set) in &sets {
        for (engine, flags) in &engines {
            let t = tally(set, flags.as_ref());
            println!(
                "| {name} | {} / {} | {engine} | {} | {} |",
                t.abusive,
                t.clean,
                percent(t.caught, t.abusive),
                percent(t.passed, t.clean)
            );
        }
    }
    Ok(())
}
