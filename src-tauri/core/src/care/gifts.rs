//! Small gifts for customers we let down: a bonus product, a discount code, a credit. They stay
//! in the customer's history, so whoever replies next knows.

use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum GiftKind {
    Bonus,
    Discount,
    Credit,
}

impl GiftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GiftKind::Bonus => "bonus",
            GiftKind::Discount => "discount",
            GiftKind::Credit => "credit",
        }
    }

    fn parse(s: &str) -> GiftKind {
        match s {
            "discount" => GiftKind::Discount,
            "credit" => GiftKind::Credit,
            _ => GiftKind::Bonus,
        }
    }
}

/// A gift as stored, and as its `add` op carries it (the op's entity id is `uid`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Gift {
    #[serde(default)]
    pub uid: String,
    pub case_id: String,
    pub customer_email: String,
    pub kind: GiftKind,
    /// "Bonus: the Advanced Course", "Code THANKYOU30, 30% off".
    pub description: String,
    /// A credit's value.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub author_name: String,
    #[ts(type = "number")]
    pub created_ms: i64,
}

impl Gift {
    pub fn validate(&self) -> Result<()> {
        if self.description.trim().is_empty() {
            return Err(Error::BadArgs("say what the gift is (“Bonus: the Advanced Course”)".into()));
        }
        if self.kind == GiftKind::Credit && self.amount_minor.is_none_or(|a| a <= 0) {
            return Err(Error::BadArgs("a credit needs an amount above zero".into()));
        }
        Ok(())
    }
}

pub fn add(conn: &Connection, g: &Gift) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO gifts (uid, case_id, customer_email, kind, description, amount_minor, currency, author_name,
                            created_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(uid) DO NOTHING",
    )?
    .execute(params![
        g.uid,
        g.case_id,
        g.customer_email.to_ascii_lowercase(),
        g.kind.as_str(),
        g.description,
        g.amount_minor,
        g.currency,
        g.author_name,
        g.created_ms
    ])?;
    Ok(())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Gift> {
    Ok(Gift {
        uid: r.get(0)?,
        case_id: r.get(1)?,
        customer_email: r.get(2)?,
        kind: GiftKind::parse(&r.get::<_, String>(3)?),
        description: r.get(4)?,
        amount_minor: r.get(5)?,
        currency: r.get(6)?,
        author_name: r.get(7)?,
        created_ms: r.get(8)?,
    })
}

/// Every gift to any of `emails` (a customer and their aliases), newest first.
pub fn for_emails(conn: &Connection, emails: &[String]) -> Result<Vec<Gift>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT uid, case_id, customer_email, kind, description, amount_minor, currency, author_name, created_ms
         FROM gifts WHERE customer_email = ?1",
    )?;
    for email in emails {
        out.extend(stmt.query_map([email.to_ascii_lowercase()], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    out.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(a.uid.cmp(&b.uid)));
    Ok(out)
}
