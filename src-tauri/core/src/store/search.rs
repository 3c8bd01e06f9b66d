//! Full-text search over subject, body and sender (FTS5).

use rusqlite::{Connection, params};

use crate::error::Result;

/// Marks a hit's start and end in snippets; the UI turns them into highlights as text, never HTML.
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

#[derive(Debug, Clone)]
pub struct Hit {
    pub case_id: String,
    pub message_id: i64,
    pub subject: String,
    pub from_name: String,
    pub from_email: String,
    pub date_ms: i64,
    pub snippet: String,
}

/// Turns what a person typed into an FTS5 query: every word must match, the last one as a prefix.
/// Quoting each word means FTS5 operators and punctuation in the input are just text.
pub fn to_fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '@' && c != '.' && c != '-' && c != '_')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    let last = words.last()?.clone();
    let mut terms = words[..words.len() - 1].to_vec();
    terms.push(format!("{last}*"));
    Some(terms.join(" "))
}

pub fn search(conn: &Connection, input: &str, limit: usize) -> Result<Vec<Hit>> {
    let Some(query) = to_fts_query(input) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT m.case_id, m.id, m.subject, m.from_name, m.from_email, m.date_ms,
                snippet(messages_fts, -1, ?2, ?3, '…', 16)
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts MATCH ?1
         ORDER BY bm25(messages_fts, 4.0, 1.0, 2.0), m.date_ms DESC
         LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![query, HIT_START.to_string(), HIT_END.to_string(), limit as i64], |r| {
        Ok(Hit {
            case_id: r.get(0)?,
            message_id: r.get(1)?,
            subject: r.get(2)?,
            from_name: r.get(3)?,
            from_email: r.get(4)?,
            date_ms: r.get(5)?,
            snippet: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_input_cannot_inject_fts_syntax() {
        assert_eq!(to_fts_query("refund NOT \"x").as_deref(), Some("\"refund\" \"NOT\" \"x\"*"));
        assert_eq!(to_fts_query("  ** () "), None);
        assert_eq!(to_fts_query("ann@x.example").as_deref(), Some("\"ann@x.example\"*"));
    }
}
