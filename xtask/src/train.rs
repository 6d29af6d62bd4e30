//! `cargo xtask train-screening --data DIR`: trains the screening engine's
//! classifier on the training split of the public labelled messages
//! ([`crate::corpora`]) and writes `shared/src/moderation/model.bin`.
//! Reproducible: the same data gives the same bytes (fixed order, a seeded
//! shuffle, no threads). Logistic regression by AdaGrad, each language's
//! two classes weighted equally; the threshold is the one that best
//! balances caught and passed on the English validation split.

use std::path::PathBuf;

use anyhow::{Context, Result};
use shared::moderation::classifier::{self, Model, BITS};
use shared::moderation::lexicon::{self, Found, Lexicon};
use shared::moderation::{flagged, normalize};

use crate::corpora::{self, Sample, Split};

/// How much annotators' disagreement lowers a message's weight
/// (agreement to this power; chosen on the validation split).
const AGREEMENT_POWER: f32 = 3.0;
/// Passes over the training split (chosen on the validation split).
const EPOCHS: usize = 10;
/// AdaGrad's step (chosen on the validation split).
const RATE: f32 = 0.2;

/// A message as the classifier sees it: its feature buckets, and the word data found.
pub fn featurize(text: &str) -> (Vec<u32>, Vec<Found<'static>>) {
    let tokens = normalize::tokens(text);
    let runs: Vec<normalize::Runs> = tokens.iter().map(|t| normalize::runs(t)).collect();
    let lexicon = Lexicon::shipped();
    let found = lexicon.find(&tokens, &runs);
    (classifier::features(text, &tokens, &found, lexicon), found)
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The `--data DIR` argument.
pub fn data_dir(args: &[String]) -> Result<PathBuf> {
    let at = args.iter().position(|a| a == "--data").context("--data DIR: the folder with the labelled messages")?;
    Ok(PathBuf::from(args.get(at + 1).context("--data needs a folder")?))
}

/// Trains on `samples`' training split; the threshold from the validation split.
pub fn train(samples: &[Sample]) -> Model {
    let train: Vec<(Vec<u32>, f32, f32)> = {
        let chosen: Vec<&Sample> = samples.iter().filter(|s| s.split == Split::Train).collect();
        // Each language's classes weigh the same in total.
        let weight = |lang: &str, abusive: bool| {
            let of = chosen.iter().filter(|s| s.lang == lang);
            let (all, same) = of.fold((0usize, 0usize), |(a, n), s| (a + 1, n + usize::from(s.abusive == abusive)));
            all as f32 / (2.0 * same.max(1) as f32)
        };
        chosen
            .iter()
            .map(|s| {
                let w = weight(s.lang, s.abusive) * s.agreement.powf(AGREEMENT_POWER);
                (featurize(&s.text).0, f32::from(u8::from(s.abusive)), w)
            })
            .collect()
    };
    let mut w = vec![0f32; 1 << BITS];
    let mut squares = vec![1e-6f32; 1 << BITS];
    let (mut bias, mut bias_squares) = (0f32, 1e-6f32);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    // The weights averaged over the later passes generalise better than the last ones.
    let mut average = vec![0f32; 1 << BITS];
    let mut average_bias = 0f32;
    for epoch in 0..EPOCHS {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let (features, label, weight) = &train[i];
            let x = classifier::weight_of(features.len().max(1));
            let z = bias + features.iter().map(|f| w[*f as usize]).sum::<f32>() * x;
            let g = (sigmoid(z) - label) * weight;
            for f in features {
                let gi = g * x;
                squares[*f as usize] += gi * gi;
                w[*f as usize] -= RATE * gi / squares[*f as usize].sqrt();
            }
            bias_squares += g * g;
            bias -= RATE * g / bias_squares.sqrt();
        }
        if epoch >= EPOCHS / 2 {
            average.iter_mut().zip(&w).for_each(|(a, v)| *a += v / (EPOCHS - EPOCHS / 2) as f32);
            average_bias += bias / (EPOCHS - EPOCHS / 2) as f32;
        }
    }
    let (w, bias) = (average, average_bias);
    let scale = w.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0;
    let weights = w.iter().map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8).collect();
    let mut model = Model { lexicon: lexicon::fingerprint(lexicon::DATA), bias, scale, threshold: 0.0, weights };
    model.threshold = threshold(&model, samples);
    model
}

/// The threshold that best balances caught and passed on the English
/// validation split, decisive entries' margin included.
fn threshold(model: &Model, samples: &[Sample]) -> f32 {
    let scored: Vec<(f32, Vec<Found<'static>>, bool)> = samples
        .iter()
        .filter(|s| s.split == Split::Validation && s.lang == "en")
        .map(|s| {
            let (features, found) = featurize(&s.text);
            (model.score(&features), found, s.abusive)
        })
        .collect();
    let abusive = scored.iter().filter(|s| s.2).count().max(1) as f32;
    let clean = scored.iter().filter(|s| !s.2).count().max(1) as f32;
    let mut best = (0f32, 0f32);
    let mut model = model.clone();
    for step in -400..400 {
        model.threshold = step as f32 / 100.0;
        let hit = |s: &&(f32, Vec<Found<'static>>, bool)| flagged(&model, s.0, &s.1);
        let caught = scored.iter().filter(|s| s.2 && hit(s)).count() as f32 / abusive;
        let passed = scored.iter().filter(|s| !s.2 && !hit(s)).count() as f32 / clean;
        if caught.min(passed) > best.0 {
            best = (caught.min(passed), model.threshold);
        }
    }
    println!("validation (en): caught and passed both at least {:.2} %", best.0 * 100.0);
    best.1
}

/// The verb: load, train, write the model, print what it weighs.
pub fn run(args: &[String]) -> Result<()> {
    let dir = data_dir(args)?;
    let samples = corpora::load(&dir)?;
    for (lang, split) in [("en", Split::Train), ("en", Split::Test), ("de", Split::Train), ("pt", Split::Train)] {
        let n = samples.iter().filter(|s| s.lang == lang && s.split == split).count();
        println!("{lang} {split:?}: {n} messages");
    }
    let model = train(&samples);
    let path = crate::root().join("shared/src/moderation/model.bin");
    std::fs::write(&path, model.write()).with_context(|| format!("writing {}", path.display()))?;
    let nonzero = model.weights.iter().filter(|w| **w != 0).count();
    println!(
        "wrote {} ({} buckets, {nonzero} non-zero; bias {:.3}, threshold {:.2})",
        path.display(),
        model.weights.len(),
        model.bias,
        model.threshold
    );
    Ok(())
}
