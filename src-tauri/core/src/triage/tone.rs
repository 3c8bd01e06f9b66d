//! Tone: how angry and how warm a text reads. Each head is a linear model over hashed word and
//! character n-grams (the surface: misspellings, other languages' word forms, shouting) plus the
//! text's sentence embedding (`embed`, distilled from MiniLM: meaning in words no list holds).
//! Trained on GoEmotions and X-CI complaint tweets, tuned on their dev splits by `kindly-tests`'
//! `train-tone` (see tests/eval/); the weights are compiled in. `features` and `embed` are the one
//! pair of feature functions both training and scoring use, so the two can never disagree.

use std::sync::LazyLock;

/// Hash buckets per model: 2^19 int8 weights = 512 KiB each.
pub const BUCKETS: usize = 1 << 19;
const MAGIC: &[u8; 6] = b"KTONE2";
/// Dense weights per head: one per embedding dimension.
pub const DIMS: usize = super::embed::DIMS;

fn fnv1a(kind: u8, parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ u32::from(kind);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h = (h ^ 0x1f).wrapping_mul(0x0100_0193);
        }
        for &b in *part {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    h
}

fn bucket(h: u32) -> u32 {
    h % BUCKETS as u32
}

/// The hashed features of `text`, appended to `out` (cleared first). Repeats count once each time.
pub fn features(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let lower = text.to_lowercase();
    let words = words(&lower);
    out.extend(words.iter().map(|w| unigram(w)));
    bigrams(&words, out);
    let mut scratch = Scratch::default();
    for w in &words {
        char_grams(w, &mut scratch, out);
    }
    shape(text, out);
}

fn words(lower: &str) -> Vec<&str> {
    lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty()).collect()
}

fn unigram(word: &str) -> u32 {
    bucket(fnv1a(1, &[word.as_bytes()]))
}

fn bigrams(words: &[&str], out: &mut Vec<u32>) {
    for pair in words.windows(2) {
        out.push(bucket(fnv1a(2, &[pair[0].as_bytes(), pair[1].as_bytes()])));
    }
}

#[derive(Default)]
struct Scratch {
    padded: String,
    bounds: Vec<usize>,
}

/// Character 3- to 5-grams of a word with boundary marks (as fastText): they carry misspellings,
/// inflections and other languages' word forms.
fn char_grams(word: &str, scratch: &mut Scratch, out: &mut Vec<u32>) {
    let Scratch { padded, bounds } = scratch;
    padded.clear();
    padded.push('<');
    padded.push_str(word);
    padded.push('>');
    bounds.clear();
    bounds.extend(padded.char_indices().map(|(i, _)| i).chain([padded.len()]));
    for n in 3..=5 {
        for start in 0..bounds.len().saturating_sub(n) {
            out.push(bucket(fnv1a(3, &[&padded.as_bytes()[bounds[start]..bounds[start + n]]])));
        }
    }
}

/// Shape: shouting and exclamation runs.
fn shape(text: &str, out: &mut Vec<u32>) {
    let caps = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_uppercase))
        .count();
    if caps > 0 {
        out.push(bucket(fnv1a(4, &[b"caps", &[caps.min(3) as u8]])));
    }
    if text.contains("!!") {
        out.push(bucket(fnv1a(4, &[b"!!"])));
    }
    if text.contains("?!") || text.contains("!?") {
        out.push(bucket(fnv1a(4, &[b"?!"])));
    }
}

/// One logistic model: `p = sigmoid(bias + scale · x · Σ weights[f] + dense · embedding)`, where
/// `x` is each hashed feature's value and `embedding` the text's unit-length sentence embedding.
pub struct Model {
    pub bias: f32,
    pub scale: f32,
    /// The probability at or above which the engine says the text carries the tone.
    pub threshold: f32,
    pub weights: Vec<i8>,
    pub dense: Vec<f32>,
}

/// Each feature's value in a text with `n` features: the vector has unit length, so long texts
/// and the many character n-grams do not drown the rest.
pub fn feature_value(n: usize) -> f32 {
    if n == 0 { 0.0 } else { 1.0 / (n as f32).sqrt() }
}

impl Model {
    pub fn probability(&self, features: &[u32], embedding: &[f32]) -> f32 {
        self.probability_of(self.sum(features), features.len(), embedding)
    }

    fn sum(&self, features: &[u32]) -> i32 {
        features.iter().map(|&f| i32::from(self.weights[f as usize])).sum()
    }

    /// The probability for `n` features whose weights add up to `sum`.
    fn probability_of(&self, sum: i32, n: usize, embedding: &[f32]) -> f32 {
        let dense: f32 = self.dense.iter().zip(embedding).map(|(w, x)| w * x).sum();
        sigmoid(self.bias + self.scale * feature_value(n) * sum as f32 + dense)
    }

    /// Quantizes the hashed weights to int8 with one scale for the model; dense weights stay f32.
    pub fn quantize(bias: f32, threshold: f32, weights: &[f32], dense: &[f32]) -> Model {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / 127.0;
        let weights = weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8).collect();
        Model { bias, scale, threshold, weights, dense: dense.to_vec() }
    }
}

pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// The anger and praise models.
pub struct ToneModels {
    pub anger: Model,
    pub praise: Model,
}

impl ToneModels {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(BUCKETS as u32).to_le_bytes());
        out.extend_from_slice(&(DIMS as u32).to_le_bytes());
        for m in [&self.anger, &self.praise] {
            for v in [m.bias, m.scale, m.threshold] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend(m.weights.iter().map(|&w| w as u8));
            for v in &m.dense {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<ToneModels> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (sizes, mut rest) = rest.split_at_checked(8)?;
        let size = |i: usize| sizes[i..i + 4].try_into().ok().map(u32::from_le_bytes);
        if size(0)? as usize != BUCKETS || size(4)? as usize != DIMS {
            return None;
        }
        let f = |b: &[u8]| f32::from_le_bytes(b.try_into().unwrap_or_default());
        let mut read = || -> Option<Model> {
            let (head, tail) = rest.split_at_checked(12 + BUCKETS + 4 * DIMS)?;
            let weights = head[12..12 + BUCKETS].iter().map(|&b| b as i8).collect();
            let dense = head[12 + BUCKETS..].chunks_exact(4).map(f).collect();
            rest = tail;
            Some(Model { bias: f(&head[0..4]), scale: f(&head[4..8]), threshold: f(&head[8..12]), weights, dense })
        };
        let anger = read()?;
        let praise = read()?;
        rest.is_empty().then_some(ToneModels { anger, praise })
    }
}

static BUILTIN: LazyLock<Option<ToneModels>> =
    LazyLock::new(|| ToneModels::from_bytes(include_bytes!("tone_model.bin")));

/// The compiled-in models (`None` only if the file shipped is not a model: `check` says so at
/// start-up, and tests catch it).
pub fn builtin() -> Option<&'static ToneModels> {
    BUILTIN.as_ref()
}

/// Start-up check: the tone heads and the embedding they read are whole and belong together.
/// A broken model is an error the app reports, never a quiet fall back to phrases alone.
pub fn check() -> Result<(), String> {
    super::embed::check()?;
    builtin().map(|_| ()).ok_or_else(|| {
        "the built-in tone model (triage/tone_model.bin) is damaged or from another build: reinstall Kindly".into()
    })
}

/// Model probabilities for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tone {
    pub anger: f32,
    pub praise: f32,
    pub angry: bool,
    pub warm: bool,
}

pub fn score(text: &str) -> Tone {
    let Some(m) = builtin() else {
        return Tone { anger: 0.0, praise: 0.0, angry: false, warm: false };
    };
    let mut embedding = [0f32; DIMS];
    super::embed::embed_normalized(text, &mut embedding);
    // The same features as `features(text)`, in another order (a sum does not care): each word's
    // own features are weighed once per thread and remembered, the rest are weighed here.
    let lower = text.to_lowercase();
    let words = words(&lower);
    let mut total = WORD_SUMS.with_borrow_mut(|known| {
        if known.len() > WORDS_KEPT {
            known.clear();
        }
        let mut scratch = Scratch::default();
        let mut total = Sums::default();
        for w in &words {
            let sums = match known.get(*w) {
                Some(sums) => *sums,
                None => {
                    let mut own = vec![unigram(w)];
                    char_grams(w, &mut scratch, &mut own);
                    let sums = Sums::of(m, &own);
                    known.insert((*w).into(), sums);
                    sums
                }
            };
            total.add(sums);
        }
        total
    });
    let mut rest = Vec::with_capacity(words.len() + 3);
    bigrams(&words, &mut rest);
    shape(text, &mut rest);
    total.add(Sums::of(m, &rest));
    let anger = m.anger.probability_of(total.anger, total.features, &embedding);
    let praise = m.praise.probability_of(total.praise, total.features, &embedding);
    Tone { anger, praise, angry: anger >= m.anger.threshold, warm: praise >= m.praise.threshold }
}

/// Words whose weights a thread remembers before it starts over: a few MB at most.
const WORDS_KEPT: usize = 50_000;

thread_local! {
    static WORD_SUMS: std::cell::RefCell<std::collections::HashMap<Box<str>, Sums>> = Default::default();
}

/// Some features' weights added up for each model, and how many features there were.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    anger: i32,
    praise: i32,
    features: usize,
}

impl Sums {
    fn of(m: &ToneModels, features: &[u32]) -> Sums {
        Sums { anger: m.anger.sum(features), praise: m.praise.sum(features), features: features.len() }
    }

    fn add(&mut self, other: Sums) {
        self.anger += other.anger;
        self.praise += other.praise;
        self.features += other.features;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_stable_and_bounded() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        features("I'm SO angry!! Ünïcödé words", &mut a);
        features("I'm SO angry!! Ünïcödé words", &mut b);
        assert_eq!(a, b);
        assert!(a.iter().all(|&f| (f as usize) < BUCKETS));
        features("", &mut a);
        assert!(a.is_empty());
    }

    #[test]
    fn scores_are_exactly_the_models_over_features() {
        let m = builtin().unwrap();
        let texts = [
            "I'm SO ANGRY!! Where is my refund?! Third time I write.",
            "Thank you so much, thank you, I love it",
            "Ünïcödé wörds, naïve café — déjà vu",
            "",
            "a",
            "!!",
        ];
        let mut f = Vec::new();
        let mut e = [0f32; DIMS];
        // Twice: the second time every word's weights are remembered.
        for text in texts.iter().chain(&texts) {
            features(text, &mut f);
            super::super::embed::embed_normalized(text, &mut e);
            let tone = score(text);
            assert_eq!(tone.anger.to_bits(), m.anger.probability(&f, &e).to_bits(), "{text}");
            assert_eq!(tone.praise.to_bits(), m.praise.probability(&f, &e).to_bits(), "{text}");
        }
    }

    #[test]
    fn models_round_trip_through_bytes() {
        let weights: Vec<f32> = (0..BUCKETS).map(|i| ((i % 7) as f32 - 3.0) / 10.0).collect();
        let dense: Vec<f32> = (0..DIMS).map(|i| i as f32 / 100.0).collect();
        let m = ToneModels {
            anger: Model::quantize(-1.0, 0.4, &weights, &dense),
            praise: Model::quantize(0.5, 0.6, &weights, &dense),
        };
        let bytes = m.to_bytes();
        let back = ToneModels::from_bytes(&bytes).unwrap();
        assert_eq!(back.anger.weights, m.anger.weights);
        assert_eq!(back.praise.dense, dense);
        assert!(ToneModels::from_bytes(&bytes[..bytes.len() - 1]).is_none(), "a cut file is refused");
        assert_eq!((back.praise.bias, back.praise.threshold), (0.5, 0.6));
    }

    #[test]
    fn the_builtin_model_reads_plain_tone() {
        assert_eq!(check(), Ok(()), "tone_model.bin is not a model: run tests/eval/run.sh");
        let angry = score("Stop lying to your customers, you scammers. This is infuriating.");
        let warm = score("Thank you so much, I love this course, it is wonderful!");
        let flat = score("Could you resend the invoice for order 1042?");
        assert!(angry.angry && !angry.warm, "{angry:?}");
        assert!(warm.warm && !warm.angry, "{warm:?}");
        assert!(!flat.angry && !flat.warm, "{flat:?}");
    }
}
