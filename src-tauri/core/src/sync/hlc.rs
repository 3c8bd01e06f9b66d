//! Hybrid logical clock: physical milliseconds, a counter for events in the same millisecond, and the
//! replica id as the tie-breaker. Written as fixed-width text, so comparing strings compares clocks.
//!
//! A replica never issues a clock below one it has seen, so an edit made after seeing another's
//! edit wins even when its wall clock runs an hour behind.

use std::fmt;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::settings;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub ms: i64,
    pub counter: u32,
    pub replica: String,
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:013}-{:06}-{}", self.ms, self.counter, self.replica)
    }
}

impl std::str::FromStr for Hlc {
    type Err = Error;

    fn from_str(s: &str) -> Result<Hlc> {
        let bad = || Error::Invalid(format!("not a sync clock: {s:?}"));
        let mut parts = s.splitn(3, '-');
        let ms = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let replica = parts.next().filter(|r| !r.is_empty()).ok_or_else(bad)?.to_string();
        Ok(Hlc { ms, counter, replica })
    }
}

const LAST: &str = "sync.hlc";

fn last(conn: &Connection) -> Result<Option<Hlc>> {
    Ok(settings::get(conn, LAST)?.and_then(|s| s.parse().ok()))
}

/// The next clock of this replica at wall time `now_ms`: after everything it issued or saw.
pub fn tick(conn: &Connection, replica: &str, now_ms: i64) -> Result<Hlc> {
    let next = match last(conn)? {
        Some(l) if l.ms >= now_ms => Hlc { ms: l.ms, counter: l.counter + 1, replica: replica.to_string() },
        _ => Hlc { ms: now_ms, counter: 0, replica: replica.to_string() },
    };
    settings::set(conn, LAST, &next.to_string())?;
    Ok(next)
}

/// Remembers a clock seen on another replica's op, so our next op sorts after it.
pub fn observe(conn: &Connection, seen: &Hlc) -> Result<()> {
    if last(conn)?.is_none_or(|l| (l.ms, l.counter) < (seen.ms, seen.counter)) {
        let mine = Hlc { ms: seen.ms, counter: seen.counter, replica: String::new() };
        settings::set(conn, LAST, &format!("{:013}-{:06}-x", mine.ms, mine.counter))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)").unwrap();
        c
    }

    #[test]
    fn text_order_is_clock_order() {
        let a = Hlc { ms: 999, counter: 12, replica: "b".into() };
        let b = Hlc { ms: 1_000, counter: 0, replica: "a".into() };
        assert!(a < b && a.to_string() < b.to_string());
        assert_eq!(a.to_string().parse::<Hlc>().unwrap(), a);
        assert!("12-x".parse::<Hlc>().is_err());
    }

    #[test]
    fn ticks_increase_even_when_the_wall_clock_goes_back_or_stands_still() {
        let c = conn();
        let t1 = tick(&c, "r1", 5_000).unwrap();
        let t2 = tick(&c, "r1", 5_000).unwrap();
        let t3 = tick(&c, "r1", 4_000).unwrap();
        assert!(t1 < t2 && t2 < t3, "{t1} {t2} {t3}");
        assert_eq!(t3.ms, 5_000);
    }

    #[test]
    fn a_clock_seen_from_a_replica_an_hour_ahead_orders_our_next_edit_after_it() {
        let c = conn();
        let theirs = Hlc { ms: 10_000 + 3_600_000, counter: 4, replica: "fast".into() };
        observe(&c, &theirs).unwrap();
        let mine = tick(&c, "slow", 10_000).unwrap();
        assert!(mine > theirs, "{mine} must sort after {theirs}");
        assert!(mine.to_string() > theirs.to_string());
    }
}
