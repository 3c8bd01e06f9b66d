//! Trains, tunes and reports Kindly's tone models on GoEmotions (see tests/eval/README.md).
//!
//! `train-tone [DATA_DIR]` fits logistic models over `kindly_core::triage::tone::features` on
//! `train.tsv`, picks the target definition, regularization, epochs, class weight and decision
//! threshold by F1 on `dev.tsv`, writes the quantized models to
//! `src-tauri/core/src/triage/tone_model.bin`, and only then scores `test.tsv` once, writing
//! `docs/triage-eval.md`. Nothing about the test split feeds back into any choice.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kindly_core::triage::tone::{self, BUCKETS, Model, ToneModels};
use kindly_tests::{repo_root, synth::Rng};

const ANGER: u8 = 2;
const ANNOYANCE: u8 = 3;
const DISGUST: u8 = 11;
const ADMIRATION: u8 = 0;
const GRATITUDE: u8 = 15;

struct Example {
    text: String,
    labels: Vec<u8>,
    features: Vec<u32>,
}

fn load(path: &Path) -> anyhow::Result<Vec<Example>> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cols = line.split('\t');
        let (Some(text), Some(labels)) = (cols.next(), cols.next()) else { continue };
        let labels = labels.split(',').filter_map(|l| l.trim().parse().ok()).collect();
        let mut features = Vec::new();
        tone::features(text, &mut features);
        out.push(Example { text: text.to_string(), labels, features });
    }
    Ok(out)
}

fn has(e: &Example, any: &[u8]) -> bool {
    e.labels.iter().any(|l| any.contains(l))
}

#[derive(Clone, Copy, Debug)]
struct Config {
    learning_rate: f32,
    l2: f32,
    epochs: usize,
    positive_weight: f32,
}

/// Logistic regression with AdaGrad over hashed features.
fn train(data: &[Example], target: &dyn Fn(&Example) -> bool, c: Config) -> (f32, Vec<f32>) {
    let mut w = vec![0f32; BUCKETS];
    let mut g2 = vec![1e-6f32; BUCKETS];
    let (mut bias, mut bias_g2) = (0f32, 1e-6f32);
    let lr = c.learning_rate;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = Rng::new(17);
    for _ in 0..c.epochs {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        for &i in &order {
            let e = &data[i];
            let y = target(e);
            let x = tone::feature_value(e.features.len());
            let z = bias + x * e.features.iter().map(|&f| w[f as usize]).sum::<f32>();
            let grad = (tone::sigmoid(z) - if y { 1.0 } else { 0.0 }) * if y { c.positive_weight } else { 1.0 };
            for &f in &e.features {
                let f = f as usize;
                let g = grad * x + c.l2 * w[f];
                g2[f] += g * g;
                w[f] -= lr * g / g2[f].sqrt();
            }
            bias_g2 += grad * grad;
            bias -= lr * grad / bias_g2.sqrt();
        }
    }
    (bias, w)
}

#[derive(Clone, Copy, Default, Debug)]
struct Score {
    precision: f64,
    recall: f64,
    f1: f64,
    support: usize,
}

fn score(predicted: &[bool], truth: &[bool]) -> Score {
    let tp = predicted.iter().zip(truth).filter(|(p, t)| **p && **t).count() as f64;
    let fp = predicted.iter().zip(truth).filter(|(p, t)| **p && !**t).count() as f64;
    let fn_ = predicted.iter().zip(truth).filter(|(p, t)| !**p && **t).count() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    Score { precision, recall, f1, support: truth.iter().filter(|t| **t).count() }
}

/// The threshold with the best F1 on `data` for a probability list.
fn best_threshold(probs: &[f32], truth: &[bool]) -> (f32, Score) {
    (5..=95)
        .map(|t| t as f32 / 100.0)
        .map(|t| (t, score(&probs.iter().map(|p| *p >= t).collect::<Vec<_>>(), truth)))
        .max_by(|a, b| a.1.f1.total_cmp(&b.1.f1))
        .unwrap_or((0.5, Score::default()))
}

struct Fitted {
    name: &'static str,
    config: Config,
    model: Model,
    dev: Score,
}

/// Tries each target definition and config; keeps the model with the best dev F1 against `judge`.
fn fit(train_set: &[Example], dev: &[Example], targets: &[(&'static str, &[u8])], judge: &[u8]) -> Fitted {
    let truth: Vec<bool> = dev.iter().map(|e| has(e, judge)).collect();
    let mut best: Option<Fitted> = None;
    for &(name, labels) in targets {
        for (learning_rate, l2) in [(0.02f32, 0f32), (0.05, 0.0), (0.05, 1e-6), (0.1, 1e-6), (0.25, 1e-6)] {
            for epochs in [3, 6, 10] {
                for positive_weight in [1.0f32, 3.0] {
                    let config = Config { learning_rate, l2, epochs, positive_weight };
                    let (bias, weights) = train(train_set, &|e| has(e, labels), config);
                    let model = Model::quantize(bias, 0.5, &weights);
                    let probs: Vec<f32> = dev.iter().map(|e| model.probability(&e.features)).collect();
                    let (threshold, dev_score) = best_threshold(&probs, &truth);
                    eprintln!("  {name:<28} {config:?}: dev F1 {:.3} at {threshold:.2}", dev_score.f1);
                    if best.as_ref().is_none_or(|b| dev_score.f1 > b.dev.f1) {
                        best = Some(Fitted { name, config, model: Model { threshold, ..model }, dev: dev_score });
                    }
                }
            }
        }
    }
    best.expect("at least one configuration")
}

fn main() -> anyhow::Result<()> {
    let data: PathBuf =
        std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared/data/goemotions"));
    let started = Instant::now();
    let train_set = load(&data.join("train.tsv"))?;
    let dev = load(&data.join("dev.tsv"))?;
    eprintln!("loaded {} train / {} dev examples", train_set.len(), dev.len());

    eprintln!("anger:");
    let anger = fit(
        &train_set,
        &dev,
        &[
            ("anger", &[ANGER]),
            ("anger|annoyance", &[ANGER, ANNOYANCE]),
            ("anger|annoyance|disgust", &[ANGER, ANNOYANCE, DISGUST]),
        ],
        &[ANGER],
    );
    eprintln!("praise:");
    let praise = fit(&train_set, &dev, &[("gratitude|admiration", &[GRATITUDE, ADMIRATION])], &[GRATITUDE, ADMIRATION]);
    let models = ToneModels { anger: anger.model, praise: praise.model };
    let model_path = repo_root().join("src-tauri/core/src/triage/tone_model.bin");
    let bytes = models.to_bytes();
    std::fs::write(&model_path, &bytes)?;
    eprintln!(
        "wrote {} ({} KiB) in {:.0} s",
        model_path.display(),
        bytes.len() / 1024,
        started.elapsed().as_secs_f64()
    );

    // The test split, once, for the report.
    let test = load(&data.join("test.tsv"))?;
    let predict =
        |m: &Model, set: &[Example]| set.iter().map(|e| m.probability(&e.features) >= m.threshold).collect::<Vec<_>>();
    let truth = |labels: &[u8]| test.iter().map(|e| has(e, labels)).collect::<Vec<_>>();
    let anger_pred = predict(&models.anger, &test);
    let praise_pred = predict(&models.praise, &test);
    // The engine's decision as `kindly tone` makes it: the compiled-in models read sentence by
    // sentence, plus phrase evidence. Run this binary twice after retraining (the first run
    // writes the model the second compiles in); `engine_matches` says whether it was current.
    let engine_matches = tone::builtin().is_some_and(|b| b.to_bytes() == bytes);
    let engine = |set: &[Example], label: &str| {
        set.iter().map(|e| kindly_core::triage::signals::analyze(&e.text).labels.contains(&label)).collect::<Vec<_>>()
    };
    let dev_truth = |labels: &[u8]| dev.iter().map(|e| has(e, labels)).collect::<Vec<_>>();
    let engine_dev_anger = score(&engine(&dev, "anger"), &dev_truth(&[ANGER]));
    let engine_dev_praise = score(&engine(&dev, "praise"), &dev_truth(&[GRATITUDE, ADMIRATION]));
    let engine_anger = engine(&test, "anger");
    let engine_praise = engine(&test, "praise");
    let rows = [
        ("anger signal", "anger", score(&anger_pred, &truth(&[ANGER])), "0.47"),
        ("anger signal", "anger or annoyance", score(&anger_pred, &truth(&[ANGER, ANNOYANCE])), "0.47 / 0.34"),
        (
            "praise signal",
            "gratitude or admiration",
            score(&praise_pred, &truth(&[GRATITUDE, ADMIRATION])),
            "0.86 / 0.65",
        ),
        ("praise signal", "gratitude", score(&praise_pred, &truth(&[GRATITUDE])), "0.86"),
        ("praise signal", "admiration", score(&praise_pred, &truth(&[ADMIRATION])), "0.65"),
        ("engine `anger` label", "anger", score(&engine_anger, &truth(&[ANGER])), "0.47"),
        (
            "engine `anger` label",
            "anger or annoyance",
            score(&engine_anger, &truth(&[ANGER, ANNOYANCE])),
            "0.47 / 0.34",
        ),
        (
            "engine `praise` label",
            "gratitude or admiration",
            score(&engine_praise, &truth(&[GRATITUDE, ADMIRATION])),
            "0.86 / 0.65",
        ),
    ];

    // Speed: the full scoring path (features + both models) on the test texts, one thread.
    let texts: Vec<&str> = test.iter().map(|e| e.text.as_str()).collect();
    let speed_start = Instant::now();
    let mut rounds = 0;
    while speed_start.elapsed().as_secs_f64() < 2.0 {
        let mut f = Vec::new();
        for t in &texts {
            tone::features(t, &mut f);
            std::hint::black_box((models.anger.probability(&f), models.praise.probability(&f)));
        }
        rounds += 1;
    }
    let per_sec = (rounds * texts.len()) as f64 / speed_start.elapsed().as_secs_f64();

    let mut md = String::new();
    writeln!(md, "# Triage tone evaluation (GoEmotions)\n")?;
    writeln!(md, "Generated by `tests/eval/run.sh` (the `train-tone` binary); do not edit by hand.\n")?;
    writeln!(
        md,
        "- Model: logistic regression over hashed word unigrams and bigrams, character 3–5-grams and shouting features ({} buckets per model, int8 weights), compiled into the binary.",
        BUCKETS
    )?;
    writeln!(
        md,
        "- Fitted on `train.tsv` ({} texts). Target definition, L2, epochs, class weight and the decision threshold chosen by F1 on `dev.tsv` ({} texts). Scored once on `test.tsv` ({} texts); the test split fed no choice.",
        train_set.len(),
        dev.len(),
        test.len()
    )?;
    writeln!(
        md,
        "- Anger model: trained on `{}`, {:?}, threshold {:.2} (dev F1 {:.3} against label anger).",
        anger.name, anger.config, models.anger.threshold, anger.dev.f1
    )?;
    writeln!(
        md,
        "- Praise model: trained on `{}`, {:?}, threshold {:.2} (dev F1 {:.3}).",
        praise.name, praise.config, models.praise.threshold, praise.dev.f1
    )?;
    writeln!(
        md,
        "- The engine's labels (`kindly tone`, triage) combine the models read sentence by sentence with phrase evidence; on dev they score anger F1 {:.3} (label anger) and praise F1 {:.3}{}.",
        engine_dev_anger.f1,
        engine_dev_praise.f1,
        if engine_matches { "" } else { " (WARNING: the compiled-in model was not the one just trained; run again)" }
    )?;
    writeln!(
        md,
        "- Size on disk: {} KiB. Speed: {:.0} texts/s on one core (features and both models, test texts).\n",
        bytes.len() / 1024,
        per_sec
    )?;
    writeln!(md, "| signal | judged against (test) | precision | recall | F1 | support | BERT-base F1 (paper) |")?;
    writeln!(md, "|---|---|---|---|---|---|---|")?;
    for (signal, against, s, bert) in rows {
        writeln!(
            md,
            "| {signal} | {against} | {:.3} | {:.3} | **{:.3}** | {} | {bert} |",
            s.precision, s.recall, s.f1, s.support
        )?;
    }
    writeln!(
        md,
        "\nBERT-base figures are per-emotion F1 from Table 4 of Demszky et al. (2020); where two labels are joined, both single-label figures are given. GoEmotions texts are Reddit comments, not support mail: the triage engine adds phrase evidence (threats, disputes, requests) and order data on top of these models."
    )?;
    let report = repo_root().join("docs/triage-eval.md");
    std::fs::write(&report, &md)?;
    print!("{md}");
    Ok(())
}
