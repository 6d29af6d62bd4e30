//! The `screening` bench table: what screening a message costs in the
//! Worker's own code, run natively (the same Rust as the Worker's wasm, so
//! a floor, not the isolate's time): personal-data redaction, the default
//! moderation rules, and both, per message, p50 and p99 in microseconds,
//! over short chat lines and 2,000-character messages (the limit).

use std::time::{Duration, Instant};

use shared::moderation::{evaluate, Earlier, Rules};
use shared::redact::{redact, Redaction};

/// Chat lines as people write them, some with what screening looks for.
const LINES: &[&str] = &[
    "Hi, where is my parcel? It was due on Monday.",
    "my card 4242 4242 4242 4242 was charged twice",
    "password: hunter2 — can you reset it?",
    "this is sh1t service, f u c k this",
    "visit cheap-pills.xyz for deals",
    "THANK YOU SO MUCH FOR THE HELP!!!",
    "@ann @bob @cy @dee @eve look at this",
    "Meine IBAN ist DE89 3704 0044 0532 0130 00, bitte erstatten.",
    "Could you call me on +49 30 1234 5678 tomorrow?",
    "ok",
];

/// A message of `chars` characters built from the lines.
fn long(chars: usize) -> String {
    let mut s = String::new();
    for line in LINES.iter().cycle() {
        if s.chars().count() + line.chars().count() + 1 > chars {
            break;
        }
        s.push_str(line);
        s.push(' ');
    }
    s
}

fn micros(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort_unstable();
    let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[i].as_secs_f64() * 1e6
}

/// Times `f` over `texts`, `rounds` times each; (p50, p99) in µs.
fn time(texts: &[String], rounds: usize, f: &dyn Fn(&str)) -> (f64, f64) {
    let mut samples = Vec::with_capacity(texts.len() * rounds);
    for _ in 0..rounds {
        for t in texts {
            let start = Instant::now();
            f(t);
            samples.push(start.elapsed());
        }
    }
    (micros(&mut samples, 0.5), micros(&mut samples, 0.99))
}

/// Prints the table (`rounds`: how often each text is screened).
pub fn table(rounds: usize) -> anyhow::Result<()> {
    let rules = Rules::new(shared::rules::default_rules()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let history: Vec<Earlier> = LINES.iter().map(|l| Earlier { text: (*l).into(), at: 1_000 }).collect();
    let short: Vec<String> = LINES.iter().map(|l| (*l).to_owned()).collect();
    let longest = vec![long(shared::MAX_MESSAGE_CHARS)];
    let on = Redaction { contacts: true, ..Redaction::default() };
    let redaction = |t: &str| {
        std::hint::black_box(redact(t, on));
    };
    let screening = |t: &str| {
        std::hint::black_box(evaluate(t, 2_000, &history, &rules));
    };
    let both = |t: &str| {
        let (clean, _) = redact(t, on);
        std::hint::black_box(evaluate(&clean, 2_000, &history, &rules));
    };
    println!("\n==> screening one message natively (redaction, the default rules, both; µs)");
    println!("| per message | short lines p50 | p99 | {} chars p50 | p99 |", shared::MAX_MESSAGE_CHARS);
    println!("|---|---:|---:|---:|---:|");
    for (name, f) in
        [("redaction (every kind on)", &redaction as &dyn Fn(&str)), ("default rules", &screening), ("both", &both)]
    {
        let (s50, s99) = time(&short, rounds, f);
        let (l50, l99) = time(&longest, rounds * 2, f);
        println!("| {name} | {s50:.1} | {s99:.1} | {l50:.1} | {l99:.1} |");
    }
    Ok(())
}
