//! Who this replica is: a random id made on first use, the role chosen at first run, and the name
//! others see ("Dana is replying").

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Owner,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Assistant => "assistant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "assistant" => Some(Role::Assistant),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replica {
    pub id: String,
    /// `None` until the person answers "Are you the owner or an assistant?".
    pub role: Option<Role>,
    pub name: String,
}

impl Replica {
    /// The role this replica acts in; a store nobody has chosen for yet acts as the owner's.
    pub fn acting_role(&self) -> Role {
        self.role.unwrap_or(Role::Owner)
    }
}

const ID: &str = "sync.replica_id";
const NAME: &str = "sync.replica_name";

pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Invalid(format!("no randomness from the OS: {e}")))?;
    Ok(hex::encode(buf))
}

/// This replica, creating its id on first use.
pub fn local(conn: &Connection) -> Result<Replica> {
    let id = match settings::get(conn, ID)? {
        Some(id) => id,
        None => {
            let id = random_hex(8)?;
            settings::set(conn, ID, &id)?;
            id
        }
    };
    Ok(Replica {
        id,
        role: settings::get(conn, settings::ROLE)?.as_deref().and_then(Role::parse),
        name: settings::get(conn, NAME)?.unwrap_or_default(),
    })
}

pub fn set_role(conn: &Connection, role: Role, name: Option<&str>) -> Result<()> {
    settings::set(conn, settings::ROLE, role.as_str())?;
    // `None` keeps the name; an empty one clears it.
    match name.map(str::trim) {
        Some("") => {
            conn.execute("DELETE FROM settings WHERE key = ?1", [NAME])?;
        }
        Some(name) => settings::set(conn, NAME, name)?,
        None => {}
    }
    Ok(())
}

/// Another replica, as heard of through its ops.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    pub id: String,
    pub role: String,
    pub name: String,
    pub last_seen_ms: i64,
    pub replying_case: Option<String>,
    pub replying_until_ms: Option<i64>,
}

pub fn remember_peer(conn: &Connection, id: &str, role: &str, name: &str, seen_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO replicas (id, role, name, last_seen_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET role = excluded.role, name = excluded.name,
                                       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)",
    )?
    .execute(params![id, role, name, seen_ms])?;
    Ok(())
}

pub fn set_replying(conn: &Connection, id: &str, case_id: Option<&str>, until_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO replicas (id, role, name, last_seen_ms, replying_case, replying_until_ms)
         VALUES (?1, '', '', 0, ?2, ?3)
         ON CONFLICT(id) DO UPDATE SET replying_case = excluded.replying_case,
                                       replying_until_ms = excluded.replying_until_ms",
    )?
    .execute(params![id, case_id, until_ms])?;
    Ok(())
}

/// Other replicas with a reply open on `case_id` at `now_ms`.
pub fn replying_on(conn: &Connection, case_id: &str, me: &str, now_ms: i64) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, role, name, last_seen_ms, replying_case, replying_until_ms FROM replicas
         WHERE replying_case = ?1 AND replying_until_ms > ?2 AND id != ?3 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![case_id, now_ms, me], |r| {
        Ok(Peer {
            id: r.get(0)?,
            role: r.get(1)?,
            name: r.get(2)?,
            last_seen_ms: r.get(3)?,
            replying_case: r.get(4)?,
            replying_until_ms: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
