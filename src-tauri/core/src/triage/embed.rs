//! Embed: a static sentence embedding, model2vec-style, distilled from all-MiniLM-L6-v2 by
//! `scripts/model/distill.py`. Each BERT word piece has a fixed 256-dim row (int8 with a per-row
//! scale); a text's vector is the mean of its pieces' rows, so embedding costs one tokenization and
//! a few thousand multiply-adds. The rows and the tokenizer are compiled in and checked against
//! their SHA-256 on first use: nothing loads at run time.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

/// Dimensions of an embedding.
pub const DIMS: usize = 256;

const MAGIC: &[u8; 6] = b"KEMB1\0";
const MODEL_BYTES: &[u8] = include_bytes!("embed_model.bin");
const TOKENIZER_BYTES: &[u8] = include_bytes!("embed_tokenizer.json");
/// Printed by `distill.py`; a rebuilt model must update both.
const MODEL_SHA256: &str = "d38daee5e3a27ca2e5c0a85a4883131a48a5a7948a54efb8e6b36f77844679bd";
const TOKENIZER_SHA256: &str = "5fd1c882abbd30517dced455a2c9768945ec726b96727927e4959348d9de550b";

/// The base model's context; pieces past it add little to a mean anyway.
const MAX_PIECES: usize = 512;
/// 512 pieces rarely need more than ~2,500 characters; cutting before tokenizing bounds the work on
/// a 1 MB message.
const MAX_CHARS: usize = 4_000;
/// Tokens with no meaning of their own ([MASK] only shows up if a text spells it out).
const SPECIAL: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

struct Model<'a> {
    tokenizer: Tokenizer,
    scales: Vec<f32>,
    /// vocab × DIMS int8 values, as bytes.
    rows: &'a [u8],
    special: Vec<u32>,
}

static BUILTIN: LazyLock<Result<Model<'static>, String>> = LazyLock::new(|| Model::load(MODEL_BYTES, TOKENIZER_BYTES));

impl<'a> Model<'a> {
    fn load(model: &'a [u8], tokenizer: &[u8]) -> Result<Self, String> {
        verify("embed_model.bin", model, MODEL_SHA256)?;
        verify("embed_tokenizer.json", tokenizer, TOKENIZER_SHA256)?;
        let bad = |why: &str| format!("embed_model.bin: {why}");
        let rest = model.strip_prefix(MAGIC).ok_or_else(|| bad("not a KEMB1 file"))?;
        let (header, rest) = rest.split_at_checked(8).ok_or_else(|| bad("truncated header"))?;
        let vocab = u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let dims = u32::from_le_bytes(header[4..].try_into().expect("4 bytes")) as usize;
        if dims != DIMS {
            return Err(bad(&format!("{dims} dims, this build expects {DIMS}")));
        }
        if rest.len() != vocab * (4 + DIMS) {
            return Err(bad(&format!("{} bytes of rows for a vocabulary of {vocab}", rest.len())));
        }
        let (scales, rows) = rest.split_at(vocab * 4);
        let scales: Vec<f32> =
            scales.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect();
        if scales.iter().any(|s| !s.is_finite() || *s < 0.0) {
            return Err(bad("a row scale is not a finite, non-negative number"));
        }

        let mut tokenizer = Tokenizer::from_bytes(tokenizer).map_err(|e| format!("embed_tokenizer.json: {e}"))?;
        // A sentence is a bag of pieces: no padding, and truncation is ours (MAX_PIECES).
        tokenizer.with_padding(None);
        tokenizer.with_truncation(None).map_err(|e| format!("embed_tokenizer.json: {e}"))?;
        let tokenizer_vocab = tokenizer.get_vocab_size(true);
        if tokenizer_vocab != vocab {
            return Err(format!("embed_model.bin has {vocab} rows but the tokenizer {tokenizer_vocab} tokens"));
        }
        let special = SPECIAL
            .iter()
            .map(|t| tokenizer.token_to_id(t).ok_or_else(|| format!("embed_tokenizer.json: no {t}")))
            .collect::<Result<_, _>>()?;
        Ok(Model { tokenizer, scales, rows, special })
    }

    fn embed(&self, text: &str, out: &mut [f32; DIMS]) {
        out.fill(0.0);
        let head = text.char_indices().nth(MAX_CHARS).map_or(text, |(end, _)| &text[..end]);
        // An input the tokenizer rejects has no pieces: the zero vector, as for an empty text.
        let Ok(encoding) = self.tokenizer.encode_fast(head, false) else { return };
        let mut n = 0u32;
        for &id in encoding.get_ids().iter().take(MAX_PIECES) {
            let i = id as usize;
            if self.special.contains(&id) || i >= self.scales.len() {
                continue;
            }
            let scale = self.scales[i];
            let row = &self.rows[i * DIMS..(i + 1) * DIMS];
            for (o, &q) in out.iter_mut().zip(row) {
                *o += scale * f32::from(q as i8);
            }
            n += 1;
        }
        if n > 0 {
            let inv = 1.0 / n as f32;
            out.iter_mut().for_each(|o| *o *= inv);
        }
    }
}

fn verify(name: &str, bytes: &[u8], want: &str) -> Result<(), String> {
    let got = hex::encode(Sha256::digest(bytes));
    if got == want {
        Ok(())
    } else {
        Err(format!("{name} is corrupt or does not match this build: sha256 {got}, expected {want}"))
    }
}

fn builtin() -> Result<&'static Model<'static>, String> {
    BUILTIN.as_ref().map_err(Clone::clone)
}

/// Loads and checks the compiled-in model. Call at start-up: an `Err` means a broken build.
pub fn check() -> Result<(), String> {
    builtin().map(|_| ())
}

/// The mean of `text`'s word-piece rows (first 512 pieces of its first 4,000 characters; [CLS],
/// [SEP], [PAD], [UNK] and [MASK] left out), not normalized; zeros when there are none.
///
/// # Panics
/// If `out` is not `DIMS` long, or the compiled-in model fails [`check`] (a broken build, which
/// the unit tests rule out). No text makes it panic.
pub fn embed(text: &str, out: &mut [f32]) {
    let len = out.len();
    let out: &mut [f32; DIMS] = out.try_into().unwrap_or_else(|_| panic!("embed: out has {len} floats, not {DIMS}"));
    match builtin() {
        Ok(model) => model.embed(text, out),
        Err(e) => panic!("embed: {e}"),
    }
}

/// [`embed`] scaled to unit length (the zero vector stays zero).
pub fn embed_normalized(text: &str, out: &mut [f32]) {
    embed(text, out);
    let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        out.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn vector(text: &str) -> Vec<f32> {
        let mut out = vec![0.0; DIMS];
        embed_normalized(text, &mut out);
        out
    }

    fn cosine(a: &str, b: &str) -> f32 {
        vector(a).iter().zip(vector(b)).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn checksum_holds() {
        check().unwrap();
    }

    #[test]
    fn corrupt_files_are_errors() {
        let mut model = MODEL_BYTES.to_vec();
        model[1000] ^= 1;
        let err = Model::load(&model, TOKENIZER_BYTES).err().unwrap();
        assert!(err.contains("embed_model.bin is corrupt"), "{err}");
        let mut tokenizer = TOKENIZER_BYTES.to_vec();
        tokenizer.truncate(100);
        let err = Model::load(MODEL_BYTES, &tokenizer).err().unwrap();
        assert!(err.contains("embed_tokenizer.json is corrupt"), "{err}");
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated() {
        let scam = "I want my money back, this is a scam";
        let refund = "Refund me now, you ripped me off";
        let invoice = "Could you resend my invoice?";
        let (near, far) = (cosine(scam, refund), cosine(scam, invoice));
        // A bag of pieces: `refund` and `invoice` share "you" and "me"/"my", which puts them at
        // 0.405, above `near` (0.363); the full model has 0.62 vs 0.32. Features built on this
        // should expect that.
        eprintln!("scam~refund {near:.3}  scam~invoice {far:.3}  refund~invoice {:.3}", cosine(refund, invoice));
        assert!(near > far, "{near} vs {far}");

        let unrelated = [invoice, "Thank you so much, the shoes fit perfectly!", "Do you ship to Canada?"];
        for (a, b) in [
            ("How do I reset my password?", "I forgot my password and need to change it."),
            ("My order never arrived.", "I never received my order."),
            ("I was billed twice.", "There are two charges on my card."),
        ] {
            let near = cosine(a, b);
            let far = unrelated.iter().map(|u| cosine(a, u).max(cosine(b, u))).fold(f32::MIN, f32::max);
            eprintln!("{near:.3} vs at most {far:.3}: {a:?} ~ {b:?}");
            assert!(near > far, "{a:?} ~ {b:?}: {near} vs {far}");
        }
    }

    #[test]
    fn no_pieces_give_zeros() {
        for text in ["", "   \n\t", "[CLS] [SEP] [PAD]", "\u{0}\u{1}\u{fffd}"] {
            assert!(vector(text).iter().all(|&x| x == 0.0), "{text:?}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let binary = String::from_utf8_lossy(&bytes);
        let mixed = "Grüße aus Köln! 東京で注文した商品が届きません。Привет 🙂🙂 مرحبا ﷽ \u{202e}x\u{200d}";
        let long_word = "a".repeat(5_000);
        for text in [&*binary, mixed, &long_word, "\u{10ffff}\u{e000}"] {
            let v = vector(text);
            assert!(v.iter().all(|x| x.is_finite()));
        }
        assert!(vector(mixed).iter().any(|&x| x != 0.0));
    }

    #[test]
    fn long_input_is_bounded() {
        check().unwrap();
        let megabyte = "Where is my parcel? I ordered it weeks ago. ".repeat((1 << 20) / 44 + 1);
        let start = Instant::now();
        let v = vector(&megabyte);
        let took = start.elapsed();
        eprintln!("1 MB text: {took:?}");
        // Only the head counts, so the work doesn't grow with the text.
        assert_eq!(v, vector(&megabyte[..MAX_CHARS]));
        // Debug builds are ~10× slower than release; the release figure is what `bench` reports.
        let limit = if cfg!(debug_assertions) { 200 } else { 20 };
        assert!(took.as_millis() < limit, "{took:?}");
    }

    #[test]
    fn normalized_has_unit_length() {
        let v = vector("Can I change my shipping address?");
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{norm}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_embeds(text in "\\PC{0,300}") {
            let v = vector(&text);
            proptest::prop_assert!(v.iter().all(|x| x.is_finite()));
        }
    }

    /// `cargo test -p kindly-core --release -- --ignored --nocapture embed::tests::bench`
    #[test]
    #[ignore]
    fn bench() {
        check().unwrap();
        // Tweet-length (~140 bytes), varied so no cache or branch predictor sees one text.
        let openers = ["Hi there,", "Hello team!", "Hey,", "Good morning,", "To whom it may concern:"];
        let subjects = ["my order", "the refund", "your app", "the parcel", "my invoice", "this charge"];
        let moods = [
            "still hasn't arrived and nobody answers my emails, this is getting ridiculous. I want an answer today",
            "was great, thank you so much for sorting it out so quickly! I'll definitely be ordering again soon",
            "is wrong: I was billed twice for the same thing last Tuesday. Please fix it and refund the extra charge",
            "keeps crashing when I open it on my phone. Any idea what is going on? I've reinstalled it twice already",
        ];
        let texts: Vec<String> = (0..1_200)
            .map(|i| {
                format!("{} {} {} (ref #{})", openers[i % 5], subjects[i / 5 % 6], moods[i / 30 % 4], 10_000 + i * 7)
            })
            .collect();
        let mean_len = texts.iter().map(String::len).sum::<usize>() / texts.len();
        let mut out = vec![0.0; DIMS];
        let mut n = 0;
        let start = Instant::now();
        while start.elapsed().as_secs_f64() < 2.0 {
            for text in &texts {
                embed(text, &mut out);
            }
            n += texts.len();
        }
        let per_s = n as f64 / start.elapsed().as_secs_f64();
        println!("embed: {per_s:.0} texts/s on one thread ({mean_len} bytes each)");
    }
}
