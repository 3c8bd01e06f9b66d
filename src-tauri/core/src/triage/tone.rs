//! Tone: how angry and how warm a text reads, from a linear model over hashed word and character
//! n-grams. Trained on GoEmotions `train.tsv` and tuned on `dev.tsv` by `kindly-tests`'
//! `train-tone` (see tests/eval/); the weights are compiled in. `features` is the one feature
//! function both training and scoring use, so the two can never disagree.

use std::sync::LazyLock;

/// Hash buckets per model: 2^19 int8 weights = 512 KiB each.
pub const BUCKETS: usize = 1 << 19;
const MAGIC: &[u8; 6] = b"KTONE1";

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
    let words: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')).filter(|w| !w.is_empty()).collect();
    for w in &words {
        out.push(bucket(fnv1a(1, &[w.as_bytes()])));
    }
    for pair in words.windows(2) {
        out.push(bucket(fnv1a(2, &[pair[0].as_bytes(), pair[1].as_bytes()])));
    }
    // Character 3- to 5-grams of each word with boundary marks (as fastText): they carry
    // misspellings, inflections and other languages' word forms.
    let mut padded = String::new();
    let mut bounds: Vec<usize> = Vec::new();
    for w in &words {
        padded.clear();
        padded.push('<');
        padded.push_str(w);
        padded.push('>');
        bounds.clear();
        bounds.extend(padded.char_indices().map(|(i, _)| i).chain([padded.len()]));
        for n in 3..=5 {
            for start in 0..bounds.len().saturating_sub(n) {
                out.push(bucket(fnv1a(3, &[&padded.as_bytes()[bounds[start]..bounds[start + n]]])));
            }
        }
    }
    // Shape: shouting and exclamation runs.
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

/// One logistic model: `p = sigmoid(bias + scale · Σ weights[f])`.
pub struct Model {
    pub bias: f32,
    pub scale: f32,
    /// The probability at or above which the engine says the text carries the tone.
    pub threshold: f32,
    pub weights: Vec<i8>,
}

/// Each feature's value in a text with `n` features: the vector has unit length, so long texts
/// and the many character n-grams do not drown the rest.
pub fn feature_value(n: usize) -> f32 {
    if n == 0 { 0.0 } else { 1.0 / (n as f32).sqrt() }
}

impl Model {
    pub fn probability(&self, features: &[u32]) -> f32 {
        let sum: i32 = features.iter().map(|&f| i32::from(self.weights[f as usize])).sum();
        sigmoid(self.bias + self.scale * feature_value(features.len()) * sum as f32)
    }

    /// Quantizes float weights to int8 with one scale for the model.
    pub fn quantize(bias: f32, threshold: f32, weights: &[f32]) -> Model {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / 127.0;
        let weights = weights.iter().map(|w| (w / scale).round().clamp(-127.0, 127.0) as i8).collect();
        Model { bias, scale, threshold, weights }
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
        for m in [&self.anger, &self.praise] {
            for v in [m.bias, m.scale, m.threshold] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend(m.weights.iter().map(|&w| w as u8));
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<ToneModels> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (n, mut rest) = rest.split_at_checked(4)?;
        if u32::from_le_bytes(n.try_into().ok()?) as usize != BUCKETS {
            return None;
        }
        let mut read = || -> Option<Model> {
            let (head, tail) = rest.split_at_checked(12 + BUCKETS)?;
            let f = |i: usize| f32::from_le_bytes(head[i..i + 4].try_into().unwrap_or_default());
            let weights = head[12..].iter().map(|&b| b as i8).collect();
            rest = tail;
            Some(Model { bias: f(0), scale: f(4), threshold: f(8), weights })
        };
        let anger = read()?;
        let praise = read()?;
        Some(ToneModels { anger, praise })
    }
}

static BUILTIN: LazyLock<Option<ToneModels>> =
    LazyLock::new(|| ToneModels::from_bytes(include_bytes!("tone_model.bin")));

/// The compiled-in models (`None` only if the file shipped is not a model: tests catch that).
pub fn builtin() -> Option<&'static ToneModels> {
    BUILTIN.as_ref()
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
    let mut f = Vec::with_capacity(text.len() * 3);
    features(text, &mut f);
    let anger = m.anger.probability(&f);
    let praise = m.praise.probability(&f);
    Tone { anger, praise, angry: anger >= m.anger.threshold, warm: praise >= m.praise.threshold }
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
    fn models_round_trip_through_bytes() {
        let weights: Vec<f32> = (0..BUCKETS).map(|i| ((i % 7) as f32 - 3.0) / 10.0).collect();
        let m = ToneModels { anger: Model::quantize(-1.0, 0.4, &weights), praise: Model::quantize(0.5, 0.6, &weights) };
        let back = ToneModels::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.anger.weights, m.anger.weights);
        assert_eq!((back.praise.bias, back.praise.threshold), (0.5, 0.6));
    }

    #[test]
    fn the_builtin_model_reads_plain_tone() {
        assert!(builtin().is_some(), "tone_model.bin is not a model: run tests/eval/run.sh");
        let angry = score("Stop lying to your customers, you scammers. This is infuriating.");
        let warm = score("Thank you so much, I love this course, it is wonderful!");
        let flat = score("Could you resend the invoice for order 1042?");
        assert!(angry.angry && !angry.warm, "{angry:?}");
        assert!(warm.warm && !warm.angry, "{warm:?}");
        assert!(!flat.angry && !flat.warm, "{flat:?}");
    }
}
