//! Table tests of the rule engine: plain violations, an adversarial list of
//! evasions that must still be caught, and innocent messages (the
//! "Scunthorpe" problem) that must not be. Prints the catch and
//! false-positive rates.

use super::*;

fn rule(id: &str, kind: RuleKind, severity: Severity, action: Action) -> Rule {
    Rule { id: id.into(), kind, severity, action }
}

fn words(list: &[&str]) -> RuleKind {
    RuleKind::Words { list: list.iter().map(|w| w.to_string()).collect() }
}

fn rules() -> Rules {
    Rules::new(vec![
        rule(
            "profanity",
            words(&["fuck*", "shit", "bitch", "asshole", "cunt", "cock", "dickhead", "ass"]),
            Severity::Medium,
            Action::Hold,
        ),
        rule(
            "threat",
            words(&["kill yourself", "kys", "i will find you"]),
            Severity::Critical,
            Action::Mute { minutes: 60 },
        ),
        rule("slur", RuleKind::Pattern { regex: r"\bn[i1!]gg(a|er)s?\b".into() }, Severity::High, Action::Block),
        rule("links", RuleKind::Links { allow: vec!["example.com".into()] }, Severity::Low, Action::Hold),
        rule("flood", RuleKind::Flood { max: 5, seconds: 10 }, Severity::Low, Action::Block),
        rule("repeat", RuleKind::Repeat { times: 3 }, Severity::Low, Action::Block),
        rule("caps", RuleKind::Caps { min_letters: 12, percent: 80 }, Severity::Low, Action::Flag),
        rule("mentions", RuleKind::Mentions { max: 3 }, Severity::Low, Action::Flag),
    ])
    .unwrap()
}

fn hit_ids(text: &str, history: &[Earlier]) -> Vec<String> {
    evaluate(text, 100_000, history, &rules()).hits.into_iter().map(|h| h.rule).collect()
}

/// (message, the rule it must hit).
const VIOLATIONS: &[(&str, &str)] = &[
    ("fuck this", "profanity"),
    ("this is shit", "profanity"),
    ("you absolute asshole", "profanity"),
    ("kill yourself", "threat"),
    ("go kys", "threat"),
    ("I will find you", "threat"),
    ("visit cheap-pills.xyz now", "links"),
    ("https://evil.example.net/win", "links"),
    ("www.scam.ru", "links"),
    ("WHY IS NOBODY ANSWERING MY QUESTION", "caps"),
    ("@ann @bob @cid @dan look", "mentions"),
];

/// (evasion, the rule it must still hit).
const EVASIONS: &[(&str, &str)] = &[
    ("FUCK this", "profanity"),
    ("fuuuuuck this", "profanity"),
    ("f.u.c.k this", "profanity"),
    ("f u c k this", "profanity"),
    ("f-u-c-k", "profanity"),
    ("fück this", "profanity"),
    ("fu\u{200B}ck this", "profanity"),
    ("f\u{00AD}uck", "profanity"),
    ("ｆｕｃｋ this", "profanity"),
    ("fu\u{0441}k this", "profanity"),
    ("fucking hell", "profanity"),
    ("sh1t", "profanity"),
    ("$hit", "profanity"),
    ("shiiiiit", "profanity"),
    ("b!tch", "profanity"),
    ("b1tch", "profanity"),
    ("a$$hole", "profanity"),
    ("4ssh0le", "profanity"),
    ("\u{0430}sshole", "profanity"),
    ("k1ll y0urself", "threat"),
    ("k i l l   y o u r s e l f", "threat"),
    ("f. u. c. k this", "profanity"),
    ("KILL   YOURSELF", "threat"),
    ("kill\u{200D} yourself", "threat"),
    ("k y s", "threat"),
    ("ni99er", "slur"),
    ("N1GGA", "slur"),
    ("evil[.]com", "links"),
    ("evil dot com", "links"),
    ("http://login.example.com.evil.io", "links"),
    ("ＷＷＷ.scam.ru", "links"),
];

/// Innocent messages that must pass every rule.
const INNOCENT: &[&str] = &[
    "I live in Scunthorpe",
    "The assassin in the classic film",
    "Cut the grass and pass the class",
    "My name is Dick Cockburn, from Sussex",
    "Shiitake mushrooms are great",
    "as soon as possible",
    "Top 10 tips, see you at 5",
    "e.g. this one, version 1.2.3",
    "attach the file report.txt please",
    "Reading Dickens with my therapist",
    "An analysis of our skills",
    "I assume the document passes",
    "Penistone and Arsenal fans",
    "The help page is https://help.example.com/faq",
    "example.com works for me",
    "OK",
    "NASA and ESA",
    "@support thanks!",
    "Hello there, my order 4711 has not arrived",
    "Could you skill up the team?",
    "I'm a bit shy to ask",
    "The shitzu breed? No, shih tzu",
    "Hancock is a surname",
    "Peacock feathers",
    "He said: \u{201C}fine\u{201D}",
];

#[test]
fn violations_and_evasions_are_caught_innocents_are_not() {
    let mut caught = 0;
    let all: Vec<&(&str, &str)> = VIOLATIONS.iter().chain(EVASIONS).collect();
    for (text, want) in &all {
        let hits = hit_ids(text, &[]);
        assert!(hits.iter().any(|h| h == want), "{text:?} should hit {want}, got {hits:?}");
        caught += 1;
    }
    let mut false_positives = 0;
    for text in INNOCENT {
        let hits = hit_ids(text, &[]);
        if !hits.is_empty() {
            false_positives += 1;
        }
        assert!(hits.is_empty(), "{text:?} is innocent, got {hits:?}");
    }
    println!(
        "rule engine: caught {caught}/{} ({} evasions), false positives {false_positives}/{}",
        all.len(),
        EVASIONS.len(),
        INNOCENT.len()
    );
}

#[test]
fn flood_and_repeat_look_at_the_senders_history() {
    let earlier = |text: &str, at: u64| Earlier { text: text.into(), at };
    let calm: Vec<Earlier> = (0..5).map(|i| earlier("hi", 10_000 + i * 1000)).collect();
    assert!(!hit_ids("hello", &calm).contains(&"flood".into()), "old messages are outside the window");
    let burst: Vec<Earlier> = (0..5).map(|i| earlier(&format!("m{i}"), 95_000 + i * 500)).collect();
    assert!(hit_ids("hello", &burst).contains(&"flood".into()), "six messages in ten seconds");
    let twice = vec![earlier("buy now", 1), earlier("BUY NOW", 2)];
    assert!(hit_ids("buy now", &twice).contains(&"repeat".into()), "third identical message (case folded)");
    assert!(!hit_ids("buy now", &twice[1..]).contains(&"repeat".into()), "second is fine");
}

#[test]
fn the_verdict_takes_the_strongest_action_and_severity() {
    let v = evaluate("kill yourself, visit spam.xyz", 0, &[], &rules());
    assert_eq!(v.action(), Some(Action::Mute { minutes: 60 }));
    assert_eq!(v.severity(), Some(Severity::Critical));
    assert_eq!(v.hits.len(), 2);
    assert_eq!(evaluate("hello", 0, &[], &rules()).action(), None);
}

#[test]
fn unusable_rules_are_named() {
    let bad = Rules::new(vec![rule("broken", RuleKind::Pattern { regex: "(".into() }, Severity::Low, Action::Flag)]);
    assert_eq!(bad.unwrap_err().rule, "broken");
    let empty = Rules::new(vec![rule("empty", words(&[" "]), Severity::Low, Action::Flag)]);
    assert!(empty.unwrap_err().why.contains("empty"));
}

#[test]
fn repeated_letters_never_turn_one_word_into_another() {
    use normalize::matches_word;
    assert!(matches_word("fuuuck", "fuck"));
    assert!(!matches_word("as", "ass"));
    assert!(matches_word("asss", "ass"));
    assert!(!matches_word("assassin", "ass"));
    assert!(matches_word("fucking", "fuck*"));
    assert!(!matches_word("unfuck", "fuck*"));
    assert!(matches_word("unfuck", "*fuck"));
}

#[test]
fn spaced_letters_spell_words_and_a_wider_gap_parts_them() {
    let tokens = |t: &str| normalize::tokens(t).join("|");
    assert_eq!(tokens("f u c k this"), "fuck|this");
    assert_eq!(tokens("f. u. c. k"), "fuck");
    assert_eq!(tokens("e a t   m y   a s s"), "eat|my|ass");
    assert_eq!(tokens("e.a.t. .m.y. .a.s.s"), "eat|my|ass");
    assert_eq!(tokens("k i l l  yourself"), "kill|yourself");
    assert_eq!(tokens("plan a or b"), "plan|a|or|b");
    assert_eq!(tokens("a, b, c"), "abc");
}

#[test]
fn an_allowed_word_is_no_longer_matched_and_the_rest_still_is() {
    let strict = Rules::new(vec![
        rule("profanity", words(&["*cunt*", "fuck*"]), Severity::Medium, Action::Hold),
        rule("slur", RuleKind::Pattern { regex: r"cunt".into() }, Severity::High, Action::Block),
    ])
    .unwrap();
    let text = "I live in Scunthorpe";
    let before = evaluate(text, 0, &[], &strict);
    let word = before.hits.iter().find(|h| h.rule == "profanity").expect("the false positive");
    assert_eq!(word.found.as_deref(), Some("scunthorpe"), "the word to allow, as the engine read it");
    assert!(before.hits.iter().any(|h| h.rule == "slur"));

    let allowing = strict.allowing(&["Scunthorpe".to_owned()]);
    assert!(evaluate(text, 0, &[], &allowing).hits.is_empty(), "allowed: neither rule matches it");
    // Evasions of the allowed word read as it; real abuse beside it is still caught.
    assert!(evaluate("SCUNTH0RPE rocks", 0, &[], &allowing).hits.is_empty());
    let rude = evaluate("scunthorpe, you cunt", 0, &[], &allowing);
    assert_eq!(rude.hits.iter().map(|h| h.rule.as_str()).collect::<Vec<_>>(), ["profanity", "slur"]);
    assert_eq!(rude.hits[0].found.as_deref(), Some("cunt"));
}
