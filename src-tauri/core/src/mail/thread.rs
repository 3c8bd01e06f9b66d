//! Threading decisions that need no database: subject normalization and the case id.

use sha2::{Digest, Sha256};

/// Strips reply and forward prefixes in several languages and `[list]` tags, folds case and spaces.
pub fn normalize_subject(subject: &str) -> String {
    const PREFIXES: &[&str] = &["re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "rv", "enc", "tr", "r", "res"];
    let mut s = subject.trim();
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(_, r)| r) {
            s = rest.trim_start();
        }
        if let Some((head, rest)) = s.split_once(':') {
            let head = head.trim().to_ascii_lowercase();
            // "Re[2]" and "Re(2)" count as "Re".
            let word = head.split(['[', '(']).next().unwrap_or_default();
            if PREFIXES.contains(&word) {
                s = rest.trim_start();
            }
        }
        if s == before {
            break;
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The thread root of a message: the first References entry, else In-Reply-To, else its own id.
pub fn root_message_id<'a>(own: &'a str, in_reply_to: Option<&'a str>, references: &'a [String]) -> &'a str {
    references.first().map(String::as_str).or(in_reply_to).unwrap_or(own)
}

/// Deterministic case id: every replica derives the same id from the same thread root.
pub fn case_id_for_root(root_message_id: &str) -> String {
    hex::encode(&Sha256::digest(root_message_id.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_normalize_across_languages_and_tags() {
        assert_eq!(normalize_subject("Re: RE: Fwd:  Refund   please"), "refund please");
        assert_eq!(normalize_subject("AW: [Support] Rechnung"), "rechnung");
        assert_eq!(normalize_subject("Re[2]: Hello"), "hello");
        assert_eq!(normalize_subject("Question: about the course"), "question: about the course");
    }

    #[test]
    fn root_prefers_references() {
        let refs = vec!["<a@x>".to_string(), "<b@x>".to_string()];
        assert_eq!(root_message_id("<c@x>", Some("<b@x>"), &refs), "<a@x>");
        assert_eq!(root_message_id("<c@x>", Some("<b@x>"), &[]), "<b@x>");
        assert_eq!(root_message_id("<c@x>", None, &[]), "<c@x>");
        assert_eq!(case_id_for_root("<a@x>"), case_id_for_root("<a@x>"));
        assert_eq!(case_id_for_root("<a@x>").len(), 16);
    }
}
