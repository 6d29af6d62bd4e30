//! Table tests of the screening engine, category by category: plain
//! messages, evasions of them that must still be caught, and innocent
//! messages with words that look like them that must pass.

use super::*;
use crate::rules::default_rules;

fn categories(text: &str) -> Vec<Category> {
    let rules = Rules::new(default_rules()).unwrap();
    let mut found: Vec<Category> = evaluate(text, 0, &[], &rules)
        .hits
        .iter()
        .filter_map(|h| Category::ALL.into_iter().find(|c| c.rule_id() == h.rule))
        .collect();
    found.sort();
    found
}

/// (message, a category it must fall in).
const CAUGHT: &[(&str, Category)] = &[
    // Profanity, and evasions of it.
    ("this is fucking useless", Category::Profanity),
    ("f u c k this", Category::Profanity),
    ("fuuuuck off", Category::Profanity),
    ("what a sh1tty service, motherf*cker", Category::Profanity),
    ("F\u{200B}U\u{200B}C\u{200B}K you", Category::Profanity),
    ("Scheiße, das geht wieder nicht", Category::Profanity),
    ("putain de merde", Category::Profanity),
    ("vai se foder", Category::Profanity),
    ("eres un pendejo", Category::Profanity),
    // Sexual content.
    ("send nudes", Category::Sexual),
    ("wanna see my d1ck pic", Category::Sexual),
    ("free p0rn here", Category::Sexual),
    // Hate and slurs.
    ("all n1ggers should leave", Category::Hate),
    ("you f@ggot", Category::Hate),
    ("go back to your country", Category::Hate),
    ("Ausländer raus", Category::Hate),
    ("sale arabe", Category::Hate),
    // A slur alone, which the classifier may never have seen, still decides.
    ("kike", Category::Hate),
    ("go home paki", Category::Hate),
    ("you are a r4ghead", Category::Hate),
    ("du Kanake", Category::Hate),
    // Harassment and threats.
    ("kill yourself", Category::Harassment),
    ("k y s", Category::Harassment),
    ("I know where you live", Category::Harassment),
    ("i will kill you and your family", Category::Harassment),
    ("ich bring dich um", Category::Harassment),
    ("te voy a matar", Category::Harassment),
    ("you're useless", Category::Harassment),
    ("shut up you moron", Category::Harassment),
    ("I hate you", Category::Harassment),
    ("f*** you", Category::Harassment),
    ("screw you", Category::Harassment),
    // Self-harm.
    ("i want to kill myself", Category::SelfHarm),
    ("honestly I just want to die", Category::SelfHarm),
    ("ich will sterben", Category::SelfHarm),
    ("quero morrer", Category::SelfHarm),
    // Spam and scams.
    ("FREE BITCOIN giveaway, double your money", Category::Spam),
    ("congratulations you won! click here to claim your prize", Category::Spam),
    ("send me your seed phrase to verify", Category::Spam),
    // Personal data (when contacts are not redacted).
    ("call me on +49 30 1234 5678", Category::PersonalData),
    ("write to jane.doe@example.org", Category::PersonalData),
];

/// Innocent messages, several with words that contain or resemble the above.
const PASSED: &[&str] = &[
    "Hi, where is my parcel? It was due on Monday.",
    "I live in Scunthorpe, near the station",
    "The assassin in chapter three is my favourite",
    "Is the class on Tuesday or Wednesday?",
    "I'd like a cocktail recipe with passion fruit",
    "We read Dickens at school",
    "Can you ship shiitake mushrooms?",
    "My therapist recommended your app",
    "The grapes arrived squashed",
    "Thanks for the analysis, very helpful",
    "Please press the button again",
    "We are based in Essex and Sussex",
    "Hello, is anyone there?",
    "The peacock feather arrived today",
    "Do you sell bass guitars?",
    "I assume the refund takes a week",
    "The cockpit tour was amazing",
    "my order is delayed: mi pedido está retrasado",
    "pros and cons of the premium plan?",
    "Tschüss und danke, bis morgen!",
    "Merci beaucoup pour votre aide",
    "Obrigado pela ajuda, até logo",
    "Muchas gracias por la ayuda",
    "can I hang the picture with these hooks?",
    "The fire retardant coating, is it safe?",
    "Just one small niggle: the lid doesn't close",
    "I hurt my back lifting the box, can someone help carry it?",
    "I live in Milford, is delivery free there?",
    "I placed a dummy order to test the checkout",
    "The dress is for my bride, can it be altered?",
    "I need assistance with my assignment",
    "Is the blood pressure monitor in stock?",
    "The old one was useless, this one works",
    "This company is a scam and I will report you",
    "Can you screw the legs on before delivery?",
    "cool beans, see you at the swap meet",
    "this manual is gobbledygook to me",
    "the Redskins won last night",
    "ok",
    "👍",
];

#[test]
fn each_category_catches_its_messages_and_their_evasions() {
    let missed: Vec<String> = CAUGHT
        .iter()
        .filter(|(text, category)| !categories(text).contains(category))
        .map(|(text, category)| format!("{text:?} should be {category:?}, is {:?}", categories(text)))
        .collect();
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn innocent_messages_and_look_alike_words_pass() {
    let flagged: Vec<String> = PASSED
        .iter()
        .filter(|text| !categories(text).is_empty())
        .map(|text| format!("{text:?}: {:?}", categories(text)))
        .collect();
    assert!(flagged.is_empty(), "{flagged:#?}");
}

#[test]
fn an_allowed_word_is_not_a_category_hit() {
    let rules = Rules::new(default_rules()).unwrap().allowing(&["twat".into()]);
    assert!(evaluate("Im a twat", 0, &[], &rules).hits.is_empty());
    let rules = Rules::new(default_rules()).unwrap();
    let hits = evaluate("Im a twat", 0, &[], &rules).hits;
    assert_eq!(
        hits.iter().map(|h| (h.rule.as_str(), h.found.as_deref())).collect::<Vec<_>>(),
        [("profanity", Some("twat"))]
    );
}

#[test]
fn a_category_hit_carries_its_rules_severity_and_action() {
    let mut rules = default_rules();
    let hate = rules.iter_mut().find(|r| r.id == "hate").unwrap();
    hate.action = Action::Mute { minutes: 5 };
    let verdict = evaluate("you f@ggot", 0, &[], &Rules::new(rules).unwrap());
    assert_eq!(verdict.action(), Some(Action::Mute { minutes: 5 }));
    assert!(verdict.hits[0].why.starts_with("Hate and slurs"), "{}", verdict.hits[0].why);
}

/// Everyday service words in any order of one to three pass: the
/// classifier's letter n-grams must not add up to abuse in words it never
/// saw ("ünïcödé" reads as "unicode"). These are the chaos test's words.
#[test]
fn everyday_words_in_any_order_pass() {
    let words = ["order", "refund", "hello", "<b>bold</b>", "ünïcödé", "🙂", "where", "is", "my", "parcel"];
    let mut flagged = Vec::new();
    for a in words {
        for b in words.iter().map(Some).chain([None]) {
            for c in words.iter().map(Some).chain([None]) {
                let text = [Some(&a), b, b.and(c)].into_iter().flatten().copied().collect::<Vec<_>>().join(" ");
                let tokens = normalize::tokens(&text);
                let runs: Vec<_> = tokens.iter().map(|t| normalize::runs(t)).collect();
                if !screen(&text, &tokens, &runs).is_empty() {
                    flagged.push(text);
                }
            }
        }
    }
    assert!(flagged.is_empty(), "{} flagged, e.g. {:?}", flagged.len(), &flagged[..flagged.len().min(5)]);
}
