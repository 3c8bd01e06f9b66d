//! One function per command: read the store, shape the contract's types. No decisions live here.

use super::types::*;
use crate::error::{Error, Result};
use crate::mail::sanitize::sanitize_html;
use crate::store::{Store, cases, customers, messages, orders, search, settings};
use crate::time::now_ms;
use crate::triage;

pub fn app_info(store: &mut Store, _: Empty) -> Result<AppInfo> {
    let conn = store.conn();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        role: settings::get(conn, settings::ROLE)?.unwrap_or_else(|| "owner".into()),
        demo: settings::get(conn, settings::DEMO)?.is_some(),
        db_path: store.path().display().to_string(),
        message_count: messages::count(conn)? as u32,
        case_count: cases::count(conn)? as u32,
    })
}

pub fn queue_counts(store: &mut Store, _: Empty) -> Result<QueueCounts> {
    let n = |q: QueueName| cases::count_where(store.conn(), q.condition()).map(|n| n as u32);
    Ok(QueueCounts {
        owner: n(QueueName::Owner)?,
        owner_excellent: n(QueueName::OwnerExcellent)?,
        owner_angry: n(QueueName::OwnerAngry)?,
        assistant: n(QueueName::Assistant)?,
        waiting: n(QueueName::Waiting)?,
        done: n(QueueName::Done)?,
        all: n(QueueName::All)?,
        review: n(QueueName::Review)?,
    })
}

pub fn queue(store: &mut Store, args: QueueArgs) -> Result<QueueResult> {
    let mut rows = cases::list_where(store.conn(), args.queue.condition())?;
    args.queue.sort(&mut rows);
    Ok(QueueResult { items: rows.into_iter().map(queue_item).collect() })
}

fn queue_item(c: cases::CaseRow) -> QueueItem {
    QueueItem {
        lane: Lane::parse(&c.lane).unwrap_or(Lane::Assistant),
        status: match c.status.as_str() {
            "waiting" => CaseStatus::Waiting,
            "closed" => CaseStatus::Closed,
            _ => CaseStatus::Open,
        },
        snippet: c.snippet.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect(),
        case_id: c.id,
        customer_email: c.customer_email,
        customer_name: c.customer_name,
        subject: c.subject,
        score: c.score,
        reasons: c.reasons,
        root_message_id: c.root_message_id,
        last_message_ms: c.last_message_ms,
        message_count: c.message_count as u32,
        unreadable: c.unreadable,
        suggested_lane: Lane::parse(&c.suggested_lane).unwrap_or(Lane::Assistant),
        lane_manual: c.lane_manual,
        tags: c.tags,
        reviewed: c.reviewed,
        corrections: c
            .corrections
            .iter()
            .filter_map(|x| serde_json::from_value(serde_json::Value::String(x.clone())).ok())
            .collect(),
    }
}

pub fn case(store: &mut Store, args: CaseArgs) -> Result<CaseDetail> {
    let conn = store.conn();
    let row = cases::get(conn, args.case_id.trim())?;
    let customer = match row.customer_id {
        Some(id) => customers::get(conn, id)?.map(|c| customer_view(conn, c)).transpose()?,
        None => None,
    };
    let messages =
        messages::for_case(conn, &row.id)?.into_iter().map(|m| message_view(conn, m)).collect::<Result<_>>()?;
    let notes = cases::notes(conn, &row.id)?
        .into_iter()
        .map(|n| NoteView { id: n.id, author_role: n.author_role, body: n.body, created_ms: n.created_ms })
        .collect();
    Ok(CaseDetail { summary: queue_item(row), messages, customer, notes })
}

fn customer_view(conn: &rusqlite::Connection, c: customers::Customer) -> Result<CustomerView> {
    let list = orders::for_customer(conn, c.id)?;
    let value = orders::value(&list);
    Ok(CustomerView {
        email: c.email,
        name: c.name,
        aliases: c.aliases,
        lifetime_value_minor: value.lifetime_minor,
        currency: value.currency,
        order_count: value.orders,
        refund_count: value.refunds,
        orders: list
            .into_iter()
            .map(|o| OrderView {
                order_id: o.order_id,
                product: o.product,
                amount_minor: o.amount_minor,
                currency: o.currency,
                purchased_ms: o.purchased_ms,
                refunded_ms: o.refunded_ms,
            })
            .collect(),
    })
}

fn message_view(conn: &rusqlite::Connection, m: messages::StoredMessage) -> Result<MessageView> {
    let sanitized = m.body_html.as_deref().map(sanitize_html);
    let raw_source = if m.unreadable {
        messages::raw(conn, &m.hash)?.map(|b| String::from_utf8_lossy(&b).into_owned())
    } else {
        None
    };
    Ok(MessageView {
        id: m.id,
        message_id: m.message_id,
        direction: match m.direction {
            messages::Direction::Inbound => Direction::Inbound,
            messages::Direction::Outbound => Direction::Outbound,
        },
        from_name: m.from_name,
        from_email: m.from_email,
        to: m.to,
        subject: m.subject,
        date_ms: m.date_ms,
        body_text: m.body_text,
        remote_content_blocked: sanitized.as_ref().is_some_and(|s| s.remote_blocked),
        html: sanitized.map(|s| s.html),
        attachments: m
            .attachments
            .into_iter()
            .map(|a| AttachmentView { name: a.name, mime: a.mime, size: a.size })
            .collect(),
        unreadable: m.unreadable,
        raw_source,
    })
}

pub fn search(store: &mut Store, args: SearchArgs) -> Result<SearchResult> {
    if args.query.trim().is_empty() {
        return Err(Error::BadArgs("type something to search for".into()));
    }
    let hits = search::search(store.conn(), &args.query, 100)?
        .into_iter()
        .map(|h| SearchHit {
            case_id: h.case_id,
            message_id: h.message_id,
            subject: h.subject,
            from_name: h.from_name,
            from_email: h.from_email,
            date_ms: h.date_ms,
            snippet: h.snippet,
        })
        .collect();
    Ok(SearchResult { hits })
}

pub fn set_lane(store: &mut Store, args: SetLaneArgs) -> Result<CaseDetail> {
    store.write(|tx| cases::set_manual_lane(tx, &args.case_id, args.lane.map(Lane::as_str)))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn correct_triage(store: &mut Store, args: CorrectArgs) -> Result<CaseDetail> {
    store.write(|tx| {
        cases::get(tx, &args.case_id)?;
        cases::set_correction(tx, &args.case_id, args.correction.as_str(), args.on, now_ms())?;
        triage::retriage(tx, &args.case_id, TriageSettings::load(tx)?).map(|_| ())
    })?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn review_confirm(store: &mut Store, args: ReviewArgs) -> Result<QueueCounts> {
    store.write(|tx| {
        let row = cases::get(tx, &args.case_id)?;
        // Moving a case away from triage's suggestion is a manual lane; confirming the suggestion
        // hands the case back to triage, even if it had been moved by hand before.
        let manual = (args.lane.as_str() != row.suggested_lane).then_some(args.lane.as_str());
        cases::set_manual_lane(tx, &args.case_id, manual)?;
        cases::mark_reviewed(tx, &args.case_id)
    })?;
    queue_counts(store, Empty {})
}

pub fn triage_settings(store: &mut Store, _: Empty) -> Result<TriageSettings> {
    TriageSettings::load(store.conn())
}

pub fn set_triage_settings(store: &mut Store, args: TriageSettings) -> Result<TriageSettings> {
    store.write(|tx| args.save(tx))?;
    Ok(args)
}
