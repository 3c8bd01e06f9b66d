//! Evidence finders. Each returns the phrases it matched, taken from the customer's own words:
//! quoted replies (`>` lines, "On … wrote:" blocks, forwarded parts) are cut off first.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use aho_corasick::AhoCorasick;

use super::tone;

/// A kind of evidence, with the sentence a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Anger,
    ThreatPublic,
    Chargeback,
    Praise,
    SpecialRequest,
    /// Cold sales pitches and spam: nobody is waiting for an answer.
    Pitch,
}

/// (phrase, signal, weight). Lower case; matched on word-ish boundaries in lower-cased text.
const PHRASES: &[(&str, Signal, f64)] = &[
    // Anger and frustration (English, Spanish, German)
    ("unacceptable", Signal::Anger, 0.5),
    ("ridiculous", Signal::Anger, 0.4),
    ("furious", Signal::Anger, 0.6),
    ("disgusted", Signal::Anger, 0.5),
    ("scam", Signal::Anger, 0.6),
    ("scammer", Signal::Anger, 0.6),
    ("you people", Signal::Anger, 0.3),
    ("is anyone", Signal::Anger, 0.3),
    ("anyone there", Signal::Anger, 0.3),
    ("no response", Signal::Anger, 0.3),
    ("no reply", Signal::Anger, 0.3),
    ("haven't heard back", Signal::Anger, 0.3),
    ("still haven't", Signal::Anger, 0.3),
    ("ignored", Signal::Anger, 0.4),
    ("bitterly", Signal::Anger, 0.5),
    ("deeply disappointed", Signal::Anger, 0.5),
    ("very disappointed", Signal::Anger, 0.4),
    ("ripped off", Signal::Anger, 0.6),
    ("rip-off", Signal::Anger, 0.6),
    ("cheated", Signal::Anger, 0.5),
    ("charged twice", Signal::Anger, 0.5),
    ("charging me twice", Signal::Anger, 0.5),
    ("worst", Signal::Anger, 0.4),
    ("garbage", Signal::Anger, 0.4),
    ("total joke", Signal::Anger, 0.4),
    ("what a joke", Signal::Anger, 0.4),
    ("pathetic", Signal::Anger, 0.5),
    ("useless", Signal::Anger, 0.4),
    ("disgrace", Signal::Anger, 0.5),
    ("shameful", Signal::Anger, 0.5),
    ("appalling", Signal::Anger, 0.5),
    ("outraged", Signal::Anger, 0.6),
    ("livid", Signal::Anger, 0.6),
    ("fed up", Signal::Anger, 0.4),
    ("sick of", Signal::Anger, 0.4),
    ("incompetent", Signal::Anger, 0.5),
    ("liars", Signal::Anger, 0.5),
    ("lying to", Signal::Anger, 0.5),
    ("terrible service", Signal::Anger, 0.5),
    ("horrible", Signal::Anger, 0.4),
    ("infuriating", Signal::Anger, 0.5),
    ("absolutely ridiculous", Signal::Anger, 0.5),
    ("none of my", Signal::Anger, 0.3),
    ("would get robbed", Signal::Anger, 0.6),
    ("treated like a", Signal::Anger, 0.4),
    ("silencio absoluto", Signal::Anger, 0.4),
    ("ni una respuesta", Signal::Anger, 0.4),
    ("nadie me ha contestado", Signal::Anger, 0.4),
    ("keine antwort", Signal::Anger, 0.4),
    ("aucune réponse", Signal::Anger, 0.4),
    ("geen antwoord", Signal::Anger, 0.4),
    ("nessuna risposta", Signal::Anger, 0.4),
    ("still waiting", Signal::Anger, 0.3),
    ("no one has answered", Signal::Anger, 0.4),
    ("nobody has answered", Signal::Anger, 0.4),
    ("third email", Signal::Anger, 0.5),
    ("third time", Signal::Anger, 0.4),
    ("third message", Signal::Anger, 0.5),
    ("refund immediately", Signal::Anger, 0.4),
    ("want my money back", Signal::Anger, 0.5),
    ("waste of money", Signal::Anger, 0.5),
    ("never again", Signal::Anger, 0.3),
    ("inaceptable", Signal::Anger, 0.5),
    ("estafa", Signal::Anger, 0.6),
    ("vergonzoso", Signal::Anger, 0.5),
    ("indignante", Signal::Anger, 0.5),
    ("unverschämt", Signal::Anger, 0.5),
    ("frechheit", Signal::Anger, 0.5),
    ("betrug", Signal::Anger, 0.6),
    ("inakzeptabel", Signal::Anger, 0.5),
    // Going public
    ("trustpilot", Signal::ThreatPublic, 0.7),
    ("leave a review", Signal::ThreatPublic, 0.5),
    ("1-star", Signal::ThreatPublic, 0.6),
    ("one-star", Signal::ThreatPublic, 0.6),
    ("one star", Signal::ThreatPublic, 0.6),
    ("my followers", Signal::ThreatPublic, 0.7),
    ("followers", Signal::ThreatPublic, 0.6),
    ("instagram", Signal::ThreatPublic, 0.3),
    ("tell everyone", Signal::ThreatPublic, 0.6),
    ("warn everyone", Signal::ThreatPublic, 0.6),
    ("social media", Signal::ThreatPublic, 0.4),
    ("youtube", Signal::ThreatPublic, 0.3),
    ("reseña", Signal::ThreatPublic, 0.5),
    ("reddit", Signal::ThreatPublic, 0.5),
    ("subreddit", Signal::ThreatPublic, 0.6),
    ("linkedin", Signal::ThreatPublic, 0.3),
    ("twitter", Signal::ThreatPublic, 0.4),
    ("tag you", Signal::ThreatPublic, 0.4),
    ("on my blog", Signal::ThreatPublic, 0.5),
    ("my newsletter", Signal::ThreatPublic, 0.4),
    ("my subscribers", Signal::ThreatPublic, 0.5),
    ("write-up", Signal::ThreatPublic, 0.4),
    ("publish a review", Signal::ThreatPublic, 0.6),
    ("public review", Signal::ThreatPublic, 0.6),
    ("write a review", Signal::ThreatPublic, 0.5),
    ("warn others", Signal::ThreatPublic, 0.6),
    ("let people know", Signal::ThreatPublic, 0.5),
    ("post about", Signal::ThreatPublic, 0.5),
    ("avis", Signal::ThreatPublic, 0.3),
    ("recensione", Signal::ThreatPublic, 0.5),
    ("recensie", Signal::ThreatPublic, 0.5),
    ("avaliação", Signal::ThreatPublic, 0.4),
    ("share my experience", Signal::ThreatPublic, 0.5),
    ("in a review", Signal::ThreatPublic, 0.4),
    ("drafting a piece", Signal::ThreatPublic, 0.5),
    ("a piece about", Signal::ThreatPublic, 0.4),
    ("write about this", Signal::ThreatPublic, 0.5),
    ("post on", Signal::ThreatPublic, 0.3),
    ("bewertung", Signal::ThreatPublic, 0.5),
    // Money disputes and legal
    ("chargeback", Signal::Chargeback, 0.8),
    ("dispute", Signal::Chargeback, 0.6),
    ("my bank", Signal::Chargeback, 0.3),
    ("lawyer", Signal::Chargeback, 0.8),
    ("attorney", Signal::Chargeback, 0.8),
    ("small claims", Signal::Chargeback, 0.8),
    ("small-claims", Signal::Chargeback, 0.8),
    ("consumer protection", Signal::Chargeback, 0.7),
    ("better business bureau", Signal::Chargeback, 0.7),
    ("bbb", Signal::Chargeback, 0.6),
    ("abogado", Signal::Chargeback, 0.8),
    ("solicitor", Signal::Chargeback, 0.8),
    ("legal action", Signal::Chargeback, 0.8),
    ("consumer rights", Signal::Chargeback, 0.7),
    ("consumer office", Signal::Chargeback, 0.7),
    ("ombudsman", Signal::Chargeback, 0.7),
    ("trading standards", Signal::Chargeback, 0.7),
    ("card company", Signal::Chargeback, 0.6),
    ("card issuer", Signal::Chargeback, 0.6),
    ("reverse the charge", Signal::Chargeback, 0.7),
    ("reverse the payment", Signal::Chargeback, 0.7),
    ("paypal claim", Signal::Chargeback, 0.7),
    ("paypal case", Signal::Chargeback, 0.7),
    ("go to paypal", Signal::Chargeback, 0.6),
    ("paypal", Signal::Chargeback, 0.2),
    ("take it up with", Signal::Chargeback, 0.4),
    ("de consumo", Signal::Chargeback, 0.6),
    ("ante mi banco", Signal::Chargeback, 0.4),
    ("auprès de ma banque", Signal::Chargeback, 0.5),
    ("bei meiner bank", Signal::Chargeback, 0.4),
    ("terugboeking", Signal::Chargeback, 0.8),
    ("creditcardmaatschappij", Signal::Chargeback, 0.6),
    ("litige", Signal::Chargeback, 0.6),
    ("rétrofacturation", Signal::Chargeback, 0.8),
    ("contestation", Signal::Chargeback, 0.6),
    ("reclamación", Signal::Chargeback, 0.5),
    ("contracargo", Signal::Chargeback, 0.8),
    ("estorno", Signal::Chargeback, 0.7),
    ("storno", Signal::Chargeback, 0.6),
    ("anwalt", Signal::Chargeback, 0.8),
    ("rückbuchung", Signal::Chargeback, 0.8),
    ("verbraucherzentrale", Signal::Chargeback, 0.7),
    // Praise
    ("thank you", Signal::Praise, 0.3),
    ("thanks so much", Signal::Praise, 0.4),
    ("love", Signal::Praise, 0.3),
    ("amazing", Signal::Praise, 0.4),
    ("fantastic", Signal::Praise, 0.4),
    ("brilliant", Signal::Praise, 0.4),
    ("best course", Signal::Praise, 0.6),
    ("best book", Signal::Praise, 0.6),
    ("best thing", Signal::Praise, 0.5),
    ("changed how i", Signal::Praise, 0.7),
    ("changed my", Signal::Praise, 0.5),
    ("grateful", Signal::Praise, 0.4),
    ("recommend", Signal::Praise, 0.3),
    ("huge fan", Signal::Praise, 0.5),
    ("big fan", Signal::Praise, 0.5),
    ("incredible", Signal::Praise, 0.4),
    ("gracias", Signal::Praise, 0.3),
    ("danke", Signal::Praise, 0.3),
    ("top-notch", Signal::Praise, 0.4),
    ("five stars", Signal::Praise, 0.4),
    ("hats off", Signal::Praise, 0.4),
    ("well done", Signal::Praise, 0.3),
    ("great job", Signal::Praise, 0.3),
    ("merci", Signal::Praise, 0.3),
    ("grazie", Signal::Praise, 0.3),
    ("ringraziarti", Signal::Praise, 0.4),
    ("ringraziare", Signal::Praise, 0.4),
    ("mi ha cambiato", Signal::Praise, 0.6),
    ("ne è valsa la pena", Signal::Praise, 0.4),
    ("obrigado", Signal::Praise, 0.3),
    ("obrigada", Signal::Praise, 0.3),
    ("muito bem", Signal::Praise, 0.3),
    ("bedankt", Signal::Praise, 0.3),
    ("geweldig", Signal::Praise, 0.4),
    ("increíble", Signal::Praise, 0.4),
    ("enhorabuena", Signal::Praise, 0.4),
    ("de diez", Signal::Praise, 0.3),
    ("genial", Signal::Praise, 0.3),
    ("großartig", Signal::Praise, 0.4),
    ("magnifique", Signal::Praise, 0.4),
    // Special requests worth the owner's time
    ("team licence", Signal::SpecialRequest, 0.7),
    ("team license", Signal::SpecialRequest, 0.7),
    ("bulk", Signal::SpecialRequest, 0.5),
    ("seats", Signal::SpecialRequest, 0.4),
    ("podcast", Signal::SpecialRequest, 0.7),
    ("speak at", Signal::SpecialRequest, 0.6),
    ("interview", Signal::SpecialRequest, 0.5),
    ("partnership", Signal::SpecialRequest, 0.7),
    ("partner with", Signal::SpecialRequest, 0.6),
    ("affiliate", Signal::SpecialRequest, 0.6),
    ("joint venture", Signal::SpecialRequest, 0.7),
    ("testimonial", Signal::SpecialRequest, 0.6),
    ("case study", Signal::SpecialRequest, 0.6),
    ("workshop", Signal::SpecialRequest, 0.6),
    ("custom", Signal::SpecialRequest, 0.3),
    ("my students", Signal::SpecialRequest, 0.5),
    ("my class", Signal::SpecialRequest, 0.5),
    ("syllabus", Signal::SpecialRequest, 0.6),
    // Vendor pitches and spam
    ("seo", Signal::Pitch, 0.4),
    ("backlink", Signal::Pitch, 0.6),
    ("seo audit", Signal::Pitch, 0.6),
    ("organic traffic", Signal::Pitch, 0.5),
    ("monthly searches", Signal::Pitch, 0.5),
    ("ranking on page", Signal::Pitch, 0.5),
    ("no strings attached", Signal::Pitch, 0.3),
    ("reply stop", Signal::Pitch, 0.4),
    ("book a call", Signal::Pitch, 0.3),
    ("guest post", Signal::Pitch, 0.5),
    ("first page of google", Signal::Pitch, 0.7),
    ("rank higher", Signal::Pitch, 0.5),
    ("increase your traffic", Signal::Pitch, 0.6),
    ("boost your sales", Signal::Pitch, 0.5),
    ("lead generation", Signal::Pitch, 0.5),
    ("web design services", Signal::Pitch, 0.6),
    ("i came across your website", Signal::Pitch, 0.4),
    ("i came across your site", Signal::Pitch, 0.4),
    ("our agency", Signal::Pitch, 0.3),
    ("free audit", Signal::Pitch, 0.5),
    ("limited time offer", Signal::Pitch, 0.4),
    ("crypto", Signal::Pitch, 0.4),
    ("unsubscribe", Signal::Pitch, 0.3),
    ("opt out", Signal::Pitch, 0.3),
    ("bumping this", Signal::Pitch, 0.4),
    ("just bumping", Signal::Pitch, 0.4),
    ("following up on my previous email", Signal::Pitch, 0.3),
    ("in case my last email", Signal::Pitch, 0.3),
    ("our services", Signal::Pitch, 0.4),
    ("we specialize", Signal::Pitch, 0.4),
    ("agency", Signal::Pitch, 0.3),
    ("our rates", Signal::Pitch, 0.4),
    ("institutional", Signal::SpecialRequest, 0.6),
    ("educational licence", Signal::SpecialRequest, 0.6),
    ("students", Signal::SpecialRequest, 0.3),
    ("commission", Signal::SpecialRequest, 0.5),
    ("translation rights", Signal::SpecialRequest, 0.7),
    ("translate", Signal::SpecialRequest, 0.4),
    ("licences for", Signal::SpecialRequest, 0.5),
    ("licenses for", Signal::SpecialRequest, 0.5),
    ("seats for", Signal::SpecialRequest, 0.5),
    ("keynote", Signal::SpecialRequest, 0.7),
    ("conference", Signal::SpecialRequest, 0.4),
    ("honorarium", Signal::SpecialRequest, 0.6),
    ("invite you", Signal::SpecialRequest, 0.5),
    ("have you on", Signal::SpecialRequest, 0.6),
    ("q&a", Signal::SpecialRequest, 0.5),
    ("book club", Signal::SpecialRequest, 0.4),
    ("group discount", Signal::SpecialRequest, 0.4),
    ("sponsor", Signal::SpecialRequest, 0.5),
    ("profile of", Signal::SpecialRequest, 0.4),
    ("lizenzen für", Signal::SpecialRequest, 0.5),
    ("übersetzung", Signal::SpecialRequest, 0.5),
    ("licencias para", Signal::SpecialRequest, 0.5),
    ("licenças para", Signal::SpecialRequest, 0.5),
    ("traduire", Signal::SpecialRequest, 0.5),
    ("traduction", Signal::SpecialRequest, 0.5),
    ("partenariat", Signal::SpecialRequest, 0.6),
    ("custom work", Signal::SpecialRequest, 0.6),
    ("übersetzungsrechte", Signal::SpecialRequest, 0.7),
    ("derechos de traducción", Signal::SpecialRequest, 0.7),
    ("droits de traduction", Signal::SpecialRequest, 0.7),
    ("for the whole team", Signal::SpecialRequest, 0.4),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub signal: Signal,
    pub weight: f64,
    /// The tone reader's opinion rather than a phrase: one opinion per case, so `total` takes the
    /// strongest of these instead of adding up every message's.
    pub learned: bool,
    /// The sentence the phrase stands in, as the customer wrote it.
    pub quote: String,
}

/// The customer's own words: everything before a quoted reply or a forwarded part.
pub fn own_words(body: &str) -> String {
    let mut out = Vec::new();
    let lines: Vec<&str> = body.lines().collect();
    for (i, &line) in lines.iter().enumerate() {
        let t = line.trim();
        let lower = t.to_lowercase();
        // "On Tue, … Jo <support@…" wrapped before "wrote:".
        let wrapped_header = lower.starts_with("on ")
            && lower.contains('@')
            && lines.get(i + 1).is_some_and(|next| next.trim_end().to_lowercase().ends_with("wrote:"));
        // Outlook and friends: a rule of underscores, or a header block quoted in the body.
        let outlook = t.starts_with("_____")
            || lower.starts_with("-----ursprüngliche nachricht")
            || lower.starts_with("-----mensaje original")
            || lower.starts_with("-----message d'origine")
            || ((lower.starts_with("from:") || lower.starts_with("von:") || lower.starts_with("de:"))
                && lines.get(i + 1).is_some_and(|next| {
                    let n = next.trim_start().to_lowercase();
                    n.starts_with("sent:")
                        || n.starts_with("date:")
                        || n.starts_with("gesendet:")
                        || n.starts_with("enviado:")
                }));
        let reply_header = wrapped_header
            || outlook
            || (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
            || (lower.starts_with("el ") && lower.ends_with("escribió:"))
            || (lower.starts_with("le ") && lower.ends_with("écrit :"))
            || (lower.starts_with("op ") && lower.ends_with("geschreven:"))
            || (lower.starts_with("em ") && lower.ends_with("escreveu:"))
            || (lower.starts_with("il ") && lower.ends_with("scritto:"));
        if reply_header
            || lower.starts_with("-----original message")
            || lower.starts_with("---------- forwarded")
            || lower == "--"
            || lower.starts_with("sent from my ")
            || is_sign_off(t)
        {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}

/// "Thanks,", "Best regards", "Thanks, Raj", "Cheers!": the closing formula, not the message.
fn is_sign_off(line: &str) -> bool {
    const CLOSINGS: &[&str] = &[
        "thanks",
        "thank you",
        "many thanks",
        "thanks again",
        "thanks in advance",
        "best",
        "best regards",
        "kind regards",
        "regards",
        "warm regards",
        "warmly",
        "cheers",
        "sincerely",
        "yours",
        "all the best",
        "best wishes",
        "take care",
        "gracias",
        "saludos",
        "un saludo",
        "danke",
        "viele grüße",
        "liebe grüße",
        "mit freundlichen grüßen",
        "merci",
        "cordialement",
        "bien à vous",
        "obrigado",
        "obrigada",
        "abraços",
        "grazie",
        "cordiali saluti",
        "saluti",
        "groeten",
        "met vriendelijke groet",
        "bedankt",
    ];
    let (formula, rest) = line.split_once(',').unwrap_or((line, ""));
    let formula = formula.trim().trim_end_matches(['!', '.', ' ']).to_lowercase();
    // Nothing after the formula, or only a name: "Thanks, Raj" closes; "Thanks, that worked!" does not.
    let rest = rest.trim().trim_end_matches(['!', '.']);
    let name_only = rest.split_whitespace().count() <= 3
        && rest.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase));
    line.chars().count() <= 40 && CLOSINGS.contains(&formula.as_str()) && name_only
}

/// The sentence around `start..end`, whitespace folded. Mail is hard-wrapped, so a single line
/// break is not a sentence end; a blank line is. Long sentences are cut around the phrase.
fn sentence_around(text: &str, start: usize, end: usize) -> String {
    const MAX: usize = 140;
    let ends_sentence = |s: &str, i: usize| {
        let c = s.as_bytes()[i];
        matches!(c, b'.' | b'!' | b'?') || (c == b'\n' && s[i + 1..].starts_with('\n'))
    };
    let from = (0..start).rev().find(|&i| text.is_char_boundary(i) && ends_sentence(text, i)).map_or(0, |i| i + 1);
    let to = (end..text.len()).find(|&i| text.is_char_boundary(i) && ends_sentence(text, i)).unwrap_or(text.len());
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence: Vec<char> = fold(&text[from..to]).chars().collect();
    if sentence.len() <= MAX {
        return sentence.into_iter().collect();
    }
    // Where the phrase starts in the folded sentence, then a window of MAX characters around it.
    let prefix = &text[from..start];
    let at =
        fold(prefix).chars().count() + usize::from(!prefix.trim().is_empty() && prefix.ends_with(char::is_whitespace));
    let phrase_len = fold(&text[start..end]).chars().count();
    let lo = at.saturating_sub(MAX.saturating_sub(phrase_len) / 2).min(sentence.len() - MAX);
    let hi = lo + MAX;
    let window: String = sentence[lo..hi].iter().collect();
    format!("{}{}{}", if lo > 0 { "…" } else { "" }, window.trim(), if hi < sentence.len() { "…" } else { "" })
}

fn boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
    let after = text[end..].chars().next().is_none_or(|c| !c.is_alphanumeric() || c == 's');
    before && after
}

/// Every phrase found in `text` (the customer's own words), strongest first per signal.
pub fn find(text: &str) -> Vec<Evidence> {
    // All phrases in one pass over the text (one automaton, built once).
    static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(PHRASES.iter().map(|(phrase, _, _)| phrase)).expect("the phrase list is a valid automaton")
    });
    let lower = text.to_lowercase();
    // Byte offsets in `lower` match `text` only when lower-casing keeps lengths; else quote `lower`.
    let source = if lower.len() == text.len() { text } else { &lower };
    let mut first_match: Vec<Option<(usize, usize)>> = vec![None; PHRASES.len()];
    for m in MATCHER.find_overlapping_iter(&lower) {
        let slot = &mut first_match[m.pattern().as_usize()];
        if slot.is_none() && boundary(&lower, m.start(), m.end()) {
            *slot = Some((m.start(), m.end()));
        }
    }
    let mut found: Vec<Evidence> = PHRASES
        .iter()
        .zip(first_match)
        .filter_map(|(&(_, signal, weight), at)| {
            at.map(|(start, end)| Evidence {
                signal,
                weight,
                learned: false,
                quote: sentence_around(source, start, end),
            })
        })
        .collect();
    if let Some(e) = shouting(text) {
        found.push(e);
    }
    found
}

/// Evidence from the tone model: when the model reads the text as angry (or warm), the sentence it
/// reads as most angry (warmest) is the quote. Its weight stays below what phrases of open anger
/// carry, so the model alone does not put a customer in the owner's lane.
fn model_evidence(reading: &ModelReading<'_>) -> Vec<Evidence> {
    let mut out = Vec::new();
    for (decided, signal) in [(reading.tone.angry, Signal::Anger), (reading.tone.warm, Signal::Praise)] {
        if !decided {
            continue;
        }
        let key = |t: &tone::Tone| if signal == Signal::Anger { t.anger } else { t.praise };
        let best = reading.sentences.iter().max_by(|a, b| key(&a.1).total_cmp(&key(&b.1)));
        if let Some((sentence, _)) = best {
            let quote: String = sentence.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(140).collect();
            let weight = if signal == Signal::Anger { 0.4 } else { 0.25 };
            out.push(Evidence { signal, weight, learned: true, quote });
        }
    }
    out
}

/// The model's reading of a text: the strongest of its sentences (and of the whole, for texts of
/// a paragraph or so), because in a mail one furious sentence among polite ones is still anger.
struct ModelReading<'a> {
    tone: tone::Tone,
    sentences: Vec<(&'a str, tone::Tone)>,
}

/// Beyond this length the whole text adds nothing its sentences do not say.
const WHOLE_TEXT_MAX: usize = 2_000;

/// The reader reads this much of a message: several pages of anyone's own words. Beyond it is a
/// pasted log or document, and reading every sentence of a 1 MB one would cost a second.
const READ_MAX: usize = 16 * 1024;

fn read_model(text: &str) -> ModelReading<'_> {
    let mut end = text.len().min(READ_MAX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let sentences: Vec<(&str, tone::Tone)> = sentences(text).map(|s| (s, tone::score(s))).collect();
    let whole = if text.len() <= WHOLE_TEXT_MAX { Some(tone::score(text)) } else { None };
    let tone = sentences.iter().map(|(_, t)| *t).chain(whole).fold(
        tone::Tone { anger: 0.0, praise: 0.0, angry: false, warm: false },
        |a, b| tone::Tone {
            anger: a.anger.max(b.anger),
            praise: a.praise.max(b.praise),
            angry: a.angry || b.angry,
            warm: a.warm || b.warm,
        },
    );
    ModelReading { tone, sentences }
}

/// The sentences the model reads on their own: a hard-wrapped mail's sentence ends at . ! ? or a
/// blank line, not at a single line break. Fragments of fewer than four words (a product name, "Any
/// news?", a list item) carry too little to read a tone from; they count within the whole text.
/// (Public so that training tunes each head's threshold on the reading the engine makes.)
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?'])
        .flat_map(|s| s.split("\n\n"))
        .map(str::trim)
        .filter(|s| s.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() >= 4)
}

/// How many readings `reading` keeps at least: a few batches of an import, and every case a person
/// is working on. It keeps two generations of this many, so memory stays bounded and what was read
/// last is never the part forgotten.
const READINGS_KEPT: usize = 4_096;

#[derive(Default)]
pub(crate) struct Readings {
    new: HashMap<String, Arc<TextSignals>>,
    old: HashMap<String, Arc<TextSignals>>,
}

impl Readings {
    fn get(&mut self, text: &str) -> Option<Arc<TextSignals>> {
        if let Some(known) = self.new.get(text) {
            return Some(known.clone());
        }
        let known = self.old.remove(text)?;
        self.put(text, known.clone());
        Some(known)
    }

    fn put(&mut self, text: &str, reading: Arc<TextSignals>) {
        if self.new.len() >= READINGS_KEPT {
            self.old = std::mem::take(&mut self.new);
        }
        self.new.insert(text.to_owned(), reading);
    }
}

/// `analyze`, remembered by text. A case is re-triaged whenever anything about it changes, and its
/// older messages read the same every time; the import primes this on every core while it parses,
/// so the single writer only looks the readings up.
pub fn reading(text: &str) -> Arc<TextSignals> {
    static READINGS: LazyLock<Mutex<Readings>> = LazyLock::new(Default::default);
    remembered(&READINGS, text, || Arc::new(analyze(text)))
}

/// What `read` gives, remembered in `cache` under `key`.
pub(crate) fn remembered(
    cache: &Mutex<Readings>,
    key: &str,
    read: impl FnOnce() -> Arc<TextSignals>,
) -> Arc<TextSignals> {
    let readings = || cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = readings().get(key) {
        return known;
    }
    // Read outside the lock: parser threads read side by side.
    let fresh = read();
    readings().put(key, fresh.clone());
    fresh
}

/// What the engine reads in one text: the tone model's probabilities and every signal that fires.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSignals {
    /// 0..1: the model's probability, raised to the phrase evidence where that is stronger.
    pub anger: f64,
    pub praise: f64,
    /// `anger`, `praise`, `threat-public`, `chargeback`, `special-request`, `spam`.
    pub labels: Vec<&'static str>,
    pub evidence: Vec<Evidence>,
}

/// The engine's reading of `text`. `anger` is a label exactly when the engine treats the text as
/// angry (the model says so, or phrases of open anger add up), and likewise `praise`.
pub fn analyze(text: &str) -> TextSignals {
    let mut evidence = find(text);
    let reading = read_model(text);
    let model = reading.tone;
    let model_evidence = model_evidence(&reading);
    let phrases = evidence.len();
    evidence.extend(model_evidence);
    for e in evidence.iter_mut().filter(|e| e.signal == Signal::Anger && aimed_elsewhere(&e.quote)) {
        e.weight *= 0.25;
    }
    let failure = FAILURE.is_match(text);
    let complaint = COMPLAINT.is_match(text);
    for e in evidence.iter_mut() {
        match e.signal {
            // "Amazing service. Three weeks and still no access." Warm words around a clear failure
            // are sarcasm; plain thanks and apologies are not.
            Signal::Praise if failure && !is_courtesy(&e.quote) => {
                e.signal = Signal::Anger;
                e.weight = e.weight.max(0.4);
                e.quote = format!("{} (sarcasm)", e.quote);
            }
            // Going public is a threat only when something went wrong; an invitation to someone's
            // channel or blog is not.
            Signal::ThreatPublic if !complaint => e.weight *= 0.3,
            _ => {}
        }
    }
    // The model's anger counts only where its angriest sentence is about us.
    let model_angry = evidence[phrases..].iter().any(|e| e.signal == Signal::Anger && e.weight >= 0.4);
    let phrase_anger = total(&evidence[..phrases], Signal::Anger);
    let phrase_praise = total(&evidence[..phrases], Signal::Praise);
    let angry = model_angry || phrase_anger >= 0.5;
    let warm = model.warm || phrase_praise >= 0.5;
    let mut labels = Vec::new();
    if angry {
        labels.push("anger");
    }
    if warm {
        labels.push("praise");
    }
    for (signal, label) in [
        (Signal::ThreatPublic, "threat-public"),
        (Signal::Chargeback, "chargeback"),
        (Signal::SpecialRequest, "special-request"),
        (Signal::Pitch, "spam"),
    ] {
        if total(&evidence, signal) >= 0.5 {
            labels.push(label);
        }
    }
    TextSignals {
        anger: if model_angry || !model.angry { f64::from(model.anger).max(phrase_anger) } else { phrase_anger },
        praise: f64::from(model.praise).max(phrase_praise),
        labels,
        evidence,
    }
}

/// Markers that something clearly failed the customer: warm words next to them are sarcasm.
const FAILURE_MARKERS: &[&str] = &[
    "still no",
    "still not",
    "still waiting",
    "still haven't",
    "no access",
    "can't access",
    "cannot access",
    "doesn't work",
    "does not work",
    "not working",
    "stopped working",
    "broken",
    "never received",
    "never arrived",
    "haven't received",
    "no reply",
    "no response",
    "no answer",
    "ignored",
    "robbed",
    "charged twice",
    "double charge",
    "wasted",
    "waste of",
    "rip-off",
    "ripped off",
    "garbage",
    "scam",
    "useless",
    "none of my",
    "wiped",
    "sigue sin",
    "ni acceso",
    "silencio absoluto",
    "ni una respuesta",
    "immer noch",
    "toujours pas",
    "ancora niente",
];

/// Markers that something went wrong at all: mentions of reviews or followers become threats.
const COMPLAINT_MARKERS: &[&str] = &[
    "refund",
    "money back",
    "disappointed",
    "unacceptable",
    "dispute",
    "chargeback",
    "lost",
    "gone",
    "waiting",
    "reembolso",
    "rückerstattung",
    "remboursement",
    "terugbetaling",
    "rimborso",
    "unless",
    "if i don't",
    "by friday",
    "end of this week",
    "rejected",
    "locked out",
    "error",
    "crash",
    "failed",
    "fails",
    "problem",
    "not happy",
    "unhappy",
    "frustrat",
    "one-star",
    "1-star",
    "one star",
    "within 48",
    "within 24",
    "fehler",
    "problema",
];

static FAILURE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder().ascii_case_insensitive(true).build(FAILURE_MARKERS).expect("valid markers")
});
/// Failures count as complaints too.
static COMPLAINT: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(FAILURE_MARKERS.iter().chain(COMPLAINT_MARKERS))
        .expect("valid markers")
});

/// Thanks and apologies stay courtesy even in a complaint.
fn is_courtesy(quote: &str) -> bool {
    let lower = quote.to_lowercase();
    ["thank", "sorry", "appreciate", "gracias", "danke", "merci"].iter().any(|w| lower.contains(w))
        && !lower.contains('"')
}

/// Third parties customers get angry at while writing to us kindly.
const THIRD_PARTIES: &[&str] = &[
    "my bank",
    "the bank",
    "paypal",
    "stripe",
    "my card",
    "credit card company",
    "the post office",
    "the courier",
    "my isp",
    "internet provider",
    "my laptop",
    "my computer",
    "windows",
    "apple",
    "amazon",
    "my boss",
    "my employer",
    "meine bank",
    "mi banco",
    "ma banque",
];

/// A sentence of anger about a third party that never addresses us ("you", "your") is not anger
/// at us: "My bank blocked the payment twice, so annoying!"
fn aimed_elsewhere(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric() && c != '\'').collect();
    let addresses_us = words
        .iter()
        .any(|w| matches!(*w, "you" | "your" | "you're" | "you've" | "yours" | "ihr" | "sie" | "usted" | "vous"));
    let exonerates_us = ["not at you", "not your fault", "nothing to do with you", "not you guys", "not on you"]
        .iter()
        .any(|p| lower.contains(p));
    exonerates_us || (!addresses_us && THIRD_PARTIES.iter().any(|p| lower.contains(p)))
}

/// A signal's weight over some evidence, capped at 1: the phrases add up, and the tone reader's
/// strongest opinion adds once.
pub fn total(evidence: &[Evidence], signal: Signal) -> f64 {
    let of = |learned: bool| evidence.iter().filter(move |e| e.signal == signal && e.learned == learned);
    let phrases: f64 = of(false).map(|e| e.weight).sum();
    let reader = of(true).map(|e| e.weight).fold(0.0, f64::max);
    (phrases + reader).min(1.0)
}

/// ALL-CAPS runs and repeated exclamation marks.
fn shouting(text: &str) -> Option<Evidence> {
    let caps_words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 3 && w.chars().all(|c| c.is_uppercase()))
        .count();
    let bangs = text.contains("!!!");
    (caps_words >= 3 || (caps_words >= 1 && bangs)).then(|| Evidence {
        signal: Signal::Anger,
        weight: 0.4,
        learned: false,
        quote: text
            .lines()
            .find(|l| {
                l.contains("!!!")
                    || l.split_whitespace()
                        .filter(|w| w.len() >= 3 && w.chars().all(|c| !c.is_lowercase() && c.is_alphabetic()))
                        .count()
                        >= 1
            })
            .map(|l| l.trim().chars().take(140).collect())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_keep_what_was_read_last_and_stay_bounded() {
        let mut readings = Readings::default();
        let flat = Arc::new(analyze("Could you resend the invoice?"));
        for i in 0..READINGS_KEPT * 3 {
            readings.put(&i.to_string(), flat.clone());
        }
        assert!(readings.new.len() + readings.old.len() <= 2 * READINGS_KEPT);
        let last = READINGS_KEPT * 3;
        assert!((last - READINGS_KEPT..last).all(|i| readings.get(&i.to_string()).is_some()));
        assert!(readings.get("0").is_none(), "the oldest generation is forgotten");
        // A lookup keeps an old reading: it moves to the new generation.
        let angry = reading("This is absolutely unacceptable. I am furious.");
        assert_eq!(reading("This is absolutely unacceptable. I am furious."), angry);
        assert!(angry.labels.contains(&"anger"));
    }

    #[test]
    fn sign_offs_end_the_message_but_thanks_in_a_sentence_do_not() {
        assert_eq!(
            own_words("Where is my invoice?\n\nThanks,\nRaj\nSent from my phone").trim(),
            "Where is my invoice?"
        );
        assert_eq!(own_words("Hi\nThanks, Raj").trim(), "Hi");
        assert_eq!(own_words("Thanks, that worked!").trim(), "Thanks, that worked!");
        assert_eq!(own_words("Best regards").trim(), "");
    }

    #[test]
    fn quoted_text_is_not_the_customers_words() {
        let body = "Thanks, that worked!\n\nOn Tue, 17 Nov 2026, Sam wrote:\n> this is unacceptable";
        assert_eq!(own_words(body).trim(), "Thanks, that worked!");
        assert!(find(&own_words(body)).iter().all(|e| e.signal != Signal::Anger));
    }

    #[test]
    fn finds_threats_with_their_sentence() {
        let ev = find("Hello. I will file a chargeback with my bank on Friday. Bye");
        let cb = ev.iter().find(|e| e.signal == Signal::Chargeback).unwrap();
        assert_eq!(cb.quote, "I will file a chargeback with my bank on Friday");
    }

    #[test]
    fn quotes_span_hard_wrapped_lines() {
        let ev = find(
            "Hello.\nI will be leaving one-star reviews on both\nTrustpilot and Google describing exactly what\nhappened to me.\n\nRegards",
        );
        let threat = ev.iter().find(|e| e.signal == Signal::ThreatPublic).unwrap();
        assert_eq!(
            threat.quote,
            "I will be leaving one-star reviews on both Trustpilot and Google describing exactly what happened to me"
        );
    }

    #[test]
    fn long_sentences_are_cut_around_the_phrase() {
        let long = format!("{} then I will file a chargeback {}", "word ".repeat(60), "more ".repeat(60));
        let cb = find(&long).into_iter().find(|e| e.signal == Signal::Chargeback).unwrap();
        assert!(cb.quote.contains("file a chargeback"), "{}", cb.quote);
        assert!(cb.quote.starts_with('…') && cb.quote.ends_with('…'), "{}", cb.quote);
        assert!(cb.quote.chars().count() <= 142);
    }

    #[test]
    fn the_engine_labels_what_it_reads() {
        let angry = analyze("This is absolutely unacceptable. I am furious and disgusted with how I was treated.");
        assert_eq!(angry.labels, vec!["anger"]);
        let threat = analyze("Refund me today or I file a chargeback and post a one-star review on Trustpilot.");
        assert!(
            threat.labels.contains(&"chargeback") && threat.labels.contains(&"threat-public"),
            "{:?}",
            threat.labels
        );
        let warm = analyze("Thank you so much, your course changed how I work!");
        assert!(warm.labels.contains(&"praise") && !warm.labels.contains(&"anger"), "{:?}", warm.labels);
        let flat = analyze("Could you resend the invoice for order 1042?");
        assert!(flat.labels.is_empty(), "{:?}", flat.labels);
        assert!((0.0..=1.0).contains(&flat.anger) && (0.0..=1.0).contains(&flat.praise));
    }

    #[test]
    fn model_evidence_quotes_the_most_angry_sentence() {
        let ev =
            analyze("Hi there. Honestly, what a total joke, this is the worst garbage I've ever paid for!! Regards");
        if let Some(e) = ev.evidence.iter().find(|e| e.signal == Signal::Anger && e.weight == 0.4) {
            assert!(e.quote.contains("garbage"), "{}", e.quote);
        }
        assert!(ev.labels.contains(&"anger"), "{:?}", ev.labels);
    }

    #[test]
    fn anger_at_a_third_party_is_not_anger_at_us() {
        let elsewhere =
            analyze("My bank blocked the payment twice, so annoying and ridiculous!! You've been lovely though.");
        assert!(!elsewhere.labels.contains(&"anger"), "{elsewhere:?}");
        let at_us = analyze("Your checkout is ridiculous and unacceptable, my bank says you charged me twice!!");
        assert!(at_us.labels.contains(&"anger"), "{at_us:?}");
    }

    #[test]
    fn shouting_counts_as_anger() {
        assert!(find("WHERE IS MY REFUND!!!").iter().any(|e| e.signal == Signal::Anger));
        assert!(find("I use the PDF and EPUB").iter().all(|e| e.signal != Signal::Anger));
    }

    #[test]
    fn words_inside_words_do_not_match() {
        assert!(find("I'm glad the cloves arrived").iter().all(|e| e.signal != Signal::Praise));
    }
}
