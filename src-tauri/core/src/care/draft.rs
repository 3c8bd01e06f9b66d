//! The composer's second pair of eyes: the right name, warm wording, every question answered,
//! and on an angry customer's case the five parts of a good answer. It warns; it never blocks.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::CareSettings;
use crate::error::Result;
use crate::store::{cases, messages};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DraftWarning {
    /// `name`, `wording`, `question`.
    pub kind: String,
    pub message: String,
    /// What it is about: the name used, the words, the customer's question.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnswerPart {
    pub id: String,
    pub label: String,
    pub covered: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DraftCheck {
    pub warnings: Vec<DraftWarning>,
    /// On an owner-angry case: the five parts of a good answer, ticked where the draft has them.
    pub good_answer: Vec<AnswerPart>,
}

pub fn check(conn: &Connection, case_id: &str, draft: &str, settings: &CareSettings) -> Result<DraftCheck> {
    let case = cases::get(conn, case_id)?;
    let thread = messages::for_case(conn, case_id)?;
    let lower = draft.to_lowercase();
    let mut warnings = Vec::new();
    if let Some(w) = wrong_name(draft, &case.customer_name) {
        warnings.push(w);
    }
    for word in &settings.cold_words {
        let word = word.trim().to_lowercase();
        if !word.is_empty() && contains_phrase(&lower, &word) {
            warnings.push(DraftWarning {
                kind: "wording".into(),
                message: format!("“{word}” can sound cold or blaming: say it the way you would to a friend"),
                evidence: word,
            });
        }
    }
    // The questions in what they wrote since our last reply (or in their latest message).
    let last_out = thread.iter().rposition(|m| m.direction == messages::Direction::Outbound);
    let theirs = thread.iter().enumerate().filter(|(i, m)| {
        m.direction == messages::Direction::Inbound && !m.automated && last_out.is_none_or(|o| *i > o)
    });
    let who = crate::mail::compose::first_name(&case.customer_name).unwrap_or("The customer").to_string();
    for (_, m) in theirs {
        for q in questions(&crate::triage::signals::own_words(&m.body_text)) {
            let keys = keywords(&q);
            if !keys.is_empty() && !keys.iter().any(|k| mentions(&lower, k)) {
                warnings.push(DraftWarning {
                    kind: "question".into(),
                    message: format!("{who} asked this, and the draft does not seem to answer it"),
                    evidence: q,
                });
            }
        }
    }
    let good_answer = if case.lane == "owner-angry" {
        GOOD_ANSWER
            .iter()
            .map(|(id, label, cues)| AnswerPart {
                id: (*id).into(),
                label: (*label).into(),
                covered: cues.iter().any(|c| lower.contains(c)),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DraftCheck { warnings, good_answer })
}

/// The five parts of a good answer to someone we let down, and words that show each.
const GOOD_ANSWER: &[(&str, &str, &[&str])] = &[
    (
        "what-went-wrong",
        "What went wrong",
        &[
            "sorry",
            "apolog",
            "went wrong",
            "mistake",
            "our fault",
            "my fault",
            "should have",
            "shouldn't have",
            "messed up",
            "dropped the ball",
        ],
    ),
    (
        "value",
        "That we value them",
        &[
            "value you",
            "valued",
            "appreciate",
            "means a lot",
            "mean a lot",
            "grateful",
            "loyal",
            "matter to",
            "glad to have you",
            "thank you for being",
        ],
    ),
    (
        "gift",
        "A gift",
        &["gift", "bonus", "free", "discount", "credit", "on us", "on the house", "complimentary", "coupon"],
    ),
    (
        "next",
        "What happens next, and when",
        &[
            "today",
            "tomorrow",
            "tonight",
            "this week",
            "next week",
            "within",
            "by monday",
            "by tuesday",
            "by wednesday",
            "by thursday",
            "by friday",
            "by the end",
            "next step",
            "what happens next",
            "in the next",
            "hours",
        ],
    ),
    (
        "empathy",
        "Empathy",
        &[
            "understand",
            "frustrat",
            "imagine",
            "must have been",
            "i hear you",
            "i would feel",
            "i'd feel",
            "annoying",
            "disappoint",
            "upsetting",
            "in your shoes",
        ],
    ),
];

/// "Hi Mary," when the customer is Maria.
fn wrong_name(draft: &str, customer_name: &str) -> Option<DraftWarning> {
    let expected = crate::mail::compose::first_name(customer_name)?;
    let first_line = draft.lines().map(str::trim).find(|l| !l.is_empty())?;
    let lower = first_line.to_lowercase();
    let rest = ["hi ", "hello ", "dear ", "hey ", "good morning ", "good afternoon "]
        .iter()
        .find_map(|g| lower.starts_with(g).then(|| &first_line[g.len()..]))?;
    let used: String = rest.trim().chars().take_while(|c| c.is_alphabetic() || matches!(c, '-' | '\'')).collect();
    let generic = ["there", "all", "everyone", "friend", "team"];
    if used.is_empty() || generic.contains(&used.to_lowercase().as_str()) || used.eq_ignore_ascii_case(expected) {
        return None;
    }
    Some(DraftWarning {
        kind: "name".into(),
        message: format!("The draft greets “{used}”, but the customer is {customer_name}"),
        evidence: used,
    })
}

/// `phrase` in `text` at word boundaries.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The sentences ending in `?` in a message, leaving out quoted lines and the signature.
fn questions(body: &str) -> Vec<String> {
    let own: String = body
        .lines()
        .take_while(|l| l.trim_end() != "--" && !(l.starts_with("On ") && l.trim_end().ends_with("wrote:")))
        .filter(|l| !l.trim_start().starts_with('>'))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in own.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            let sentence = own[start..=i].trim();
            if c == '?' && sentence.len() > 3 {
                out.push(sentence.to_string());
            }
            start = i + c.len_utf8();
        }
    }
    out
}

const STOP: &[&str] = &[
    "about", "also", "anything", "been", "could", "does", "doing", "from", "have", "here", "into", "just", "know",
    "like", "maybe", "much", "need", "please", "should", "some", "still", "than", "that", "them", "then", "there",
    "they", "this", "what", "when", "where", "which", "will", "with", "would", "your", "yours", "were", "thanks",
    "thank", "really", "able", "possible", "send", "tell", "there's", "what's", "can't", "anyone", "someone", "all",
    "and", "any", "are", "but", "can", "did", "for", "get", "got", "had", "has", "her", "him", "his", "how", "its",
    "may", "new", "not", "now", "one", "our", "out", "own", "she", "the", "too", "was", "way", "who", "why", "yes",
    "you", "i'm", "i've", "let", "it's", "don't",
];

/// The words that carry a question's meaning, cut to a stem ("licences" → "licen").
fn keywords(question: &str) -> Vec<String> {
    question
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

fn mentions(draft: &str, stem: &str) -> bool {
    draft.split(|c: char| !c.is_alphanumeric() && c != '\'').any(|w| w.starts_with(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_the_wrong_name_but_not_a_friendly_hello() {
        assert!(wrong_name("Hi Mary,\n\nDone.", "Maria Gonzalez").is_some());
        assert!(wrong_name("hi maria, done", "Maria Gonzalez").is_none());
        assert!(wrong_name("Hello there!", "Maria Gonzalez").is_none());
        assert!(wrong_name("Your refund is done.", "Maria Gonzalez").is_none());
        assert_eq!(wrong_name("Dear Anne-Marie,", "Maria").unwrap().evidence, "Anne-Marie");
    }

    #[test]
    fn cold_words_match_whole_phrases() {
        assert!(contains_phrase("as stated before, no.", "as stated"));
        assert!(!contains_phrase("was stated", "as stated"));
    }

    #[test]
    fn finds_the_questions_a_draft_leaves_open() {
        let body = "Hi! Can I get the PDF version too? Also, when will the course update arrive?\n\
                    > Did you get my order?\n-- \nMaria";
        let qs = questions(body);
        assert_eq!(qs, vec!["Can I get the PDF version too?", "Also, when will the course update arrive?"]);
        let draft = "here is the pdf of the book.";
        let open: Vec<_> = qs.iter().filter(|q| !keywords(q).iter().any(|k| mentions(draft, k))).collect();
        assert_eq!(open, vec!["Also, when will the course update arrive?"]);
    }
}
