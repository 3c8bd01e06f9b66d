//! One function per command: read the store, shape the contract's types. No decisions live here.

use super::types::*;
use crate::error::{Error, Result};
use crate::mail::sanitize::sanitize_html;
use crate::store::{Store, cases, customers, messages, orders, outbox, search};
use crate::sync::{edit, replica};
use crate::time::to_rfc3339;

pub fn app_info(store: &mut Store, _: Empty) -> Result<AppInfo> {
    let conn = store.conn();
    let me = replica::local(conn)?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        role: me.acting_role().as_str().into(),
        role_chosen: me.role.is_some(),
        replica_name: me.name,
        demo: crate::store::settings::get(conn, crate::store::settings::DEMO)?.is_some(),
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
        snoozed: n(QueueName::Snoozed)?,
        refunds_overdue: crate::commerce::refunds::overdue(store.conn(), store.now_ms())? as u32,
    })
}

pub fn queue(store: &mut Store, args: QueueArgs) -> Result<QueueResult> {
    let mut rows = cases::list_where(store.conn(), args.queue.condition())?;
    args.queue.sort(&mut rows);
    Ok(QueueResult { items: rows.into_iter().map(queue_item).collect() })
}

fn queue_item(c: cases::CaseRow) -> QueueItem {
    let lane = Lane::parse(&c.lane).unwrap_or(Lane::Assistant);
    let by_lane = if lane == Lane::Assistant { Role::Assistant } else { Role::Owner };
    QueueItem {
        assignee: c.assignee.as_deref().and_then(Role::parse).unwrap_or(by_lane),
        assignee_manual: c.assignee.is_some(),
        snoozed_until_ms: c.snoozed_until_ms,
        lane,
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
        Some(id) => customers::get(conn, id)?.map(|c| customer_view(conn, c, store.now_ms())).transpose()?,
        None => None,
    };
    let messages =
        messages::for_case(conn, &row.id)?.into_iter().map(|m| message_view(conn, m)).collect::<Result<_>>()?;
    let notes = cases::notes(conn, &row.id)?
        .into_iter()
        .map(|n| NoteView {
            id: n.uid,
            text: n.body,
            author_role: n.author_role,
            author_name: n.author_name,
            private: n.private,
            created_at: to_rfc3339(n.created_ms),
            created_ms: n.created_ms,
        })
        .collect();
    let me = replica::local(conn)?;
    let replying = replica::replying_on(conn, &row.id, &me.id, store.now_ms())?
        .into_iter()
        .map(|p| PeerView { name: p.name, role: p.role })
        .collect();
    let outbox = outbox::for_case(conn, &row.id)?
        .into_iter()
        .map(|o| OutboxView {
            kind: o.kind,
            message_id: o.message_id,
            to_email: o.to_email,
            state: o.state,
            attempts: o.attempts,
            last_error: o.last_error,
            created_ms: o.created_ms,
        })
        .collect();
    Ok(CaseDetail { summary: queue_item(row), messages, customer, notes, replying, outbox })
}

fn customer_view(conn: &rusqlite::Connection, c: customers::Customer, now_ms: i64) -> Result<CustomerView> {
    use crate::commerce::refunds;
    let list = orders::for_customer(conn, c.id)?;
    let policy = RefundPolicy::load(conn)?;
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
            .map(|o| {
                let refund = refunds::get(conn, &o.source, &o.order_id)?;
                let (eligibility, eligibility_note) =
                    refunds::judge(policy, o.purchased_ms, o.refunded_ms.is_some(), now_ms);
                Ok(OrderView {
                    refund_overdue: refund
                        .as_ref()
                        .is_some_and(|r| r.done_ms.is_none() && r.decided_ms < now_ms - refunds::DUE_WITHIN_MS),
                    refund_decided_ms: refund.as_ref().map(|r| r.decided_ms),
                    refund_done_ms: refund.and_then(|r| r.done_ms),
                    eligibility,
                    eligibility_note,
                    source: o.source,
                    order_id: o.order_id,
                    product: o.product,
                    amount_minor: o.amount_minor,
                    currency: o.currency,
                    purchased_ms: o.purchased_ms,
                    refunded_ms: o.refunded_ms,
                })
            })
            .collect::<Result<_>>()?,
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
    let now = store.now_ms();
    store.write(|tx| edit::set_lane(tx, now, &args.case_id, args.lane))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn correct_triage(store: &mut Store, args: CorrectArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::correct(tx, now, &args.case_id, args.correction.as_str(), args.on))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn review_confirm(store: &mut Store, args: ReviewArgs) -> Result<QueueCounts> {
    let now = store.now_ms();
    store.write(|tx| edit::review(tx, now, &args.case_id, args.lane))?;
    queue_counts(store, Empty {})
}

pub fn triage_settings(store: &mut Store, _: Empty) -> Result<TriageSettings> {
    TriageSettings::load(store.conn())
}

pub fn set_triage_settings(store: &mut Store, args: TriageSettings) -> Result<TriageSettings> {
    let now = store.now_ms();
    store.write(|tx| edit::set_triage_settings(tx, now, &args))?;
    Ok(args)
}

pub fn update_case(store: &mut Store, args: UpdateCaseArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    let id = args.case_id.trim().to_string();
    store.write(|tx| {
        cases::get(tx, &id)?;
        if let Some(status) = args.status {
            edit::set_status(tx, now, &id, status.as_str())?;
        }
        if let Some(assign) = args.assign {
            let to = match assign {
                AssignTo::Owner => Some(Role::Owner),
                AssignTo::Assistant => Some(Role::Assistant),
                AssignTo::Auto => None,
            };
            edit::assign(tx, now, &id, to)?;
        }
        if let Some(until) = args.snooze_until_ms {
            edit::snooze(tx, now, &id, (until > 0).then_some(until))?;
        }
        if let Some(note) = args.note.as_deref() {
            edit::add_note(tx, now, &id, note, args.private_note)?;
        }
        Ok(())
    })?;
    case(store, CaseArgs { case_id: id })
}

pub fn set_role(store: &mut Store, args: SetRoleArgs) -> Result<AppInfo> {
    let now = store.now_ms();
    store.write(|tx| {
        replica::set_role(tx, args.role, args.name.as_deref())?;
        edit::presence(tx, now, None)
    })?;
    app_info(store, Empty {})
}

pub fn replying(store: &mut Store, args: ReplyingArgs) -> Result<Empty> {
    let now = store.now_ms();
    store.write(|tx| edit::presence(tx, now, args.case_id.as_deref()))?;
    Ok(Empty {})
}

pub fn send_reply(store: &mut Store, args: SendReplyArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| crate::mail::compose::queue_reply(tx, now, &args.case_id, &args.body).map(drop))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn sync_status(store: &mut Store, _: Empty) -> Result<SyncState> {
    crate::sync::state::load(store.conn())
}

pub fn ack_settings(store: &mut Store, _: Empty) -> Result<AckSettings> {
    AckSettings::load(store.conn())
}

pub fn set_ack_settings(store: &mut Store, args: AckSettings) -> Result<AckSettings> {
    let now = store.now_ms();
    store.write(|tx| edit::set_ack_settings(tx, now, &args))?;
    AckSettings::load(store.conn())
}

/// The server settings for an address, from the built-in table or autoconfig (`null`: unknown).
pub fn discover_settings(_: &mut Store, args: DiscoverArgs) -> Result<Option<ServerSettings>> {
    crate::mail::connect::block_on(crate::mail::providers::discover(&args.email))?
}

/// Connects the support mailbox; the sync (in the window's background) starts within seconds.
pub fn connect_mailbox(store: &mut Store, args: ConnectArgs) -> Result<SyncState> {
    crate::mail::connect::connect(store, &args)?;
    crate::sync::state::load(store.conn())
}

/// Connects the support mailbox by signing in with Google or Microsoft in the system browser.
/// Blocks until the browser comes back (at most five minutes).
pub fn connect_oauth(store: &mut Store, args: ConnectOAuthArgs) -> Result<SyncState> {
    crate::mail::connect::connect_oauth(store, &args)?;
    crate::sync::state::load(store.conn())
}

/// Refunds the order in full (fees included) and starts the refund clock.
pub fn refund_order(store: &mut Store, args: RefundArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| {
        cases::get(tx, &args.case_id)?;
        edit::refund(tx, now, &args.source, &args.order_id, Some(&args.case_id))
    })?;
    case(store, CaseArgs { case_id: args.case_id })
}

/// The refund has been made at the payment provider: the clock stops.
pub fn refund_done(store: &mut Store, args: RefundArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::refund_done(tx, now, &args.source, &args.order_id))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn refund_policy(store: &mut Store, _: Empty) -> Result<RefundPolicy> {
    RefundPolicy::load(store.conn())
}

pub fn set_refund_policy(store: &mut Store, args: RefundPolicy) -> Result<RefundPolicy> {
    let now = store.now_ms();
    store.write(|tx| edit::set_refund_policy(tx, now, &args))?;
    RefundPolicy::load(store.conn())
}
