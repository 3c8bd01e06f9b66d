//! One function per command: read the store, shape the contract's types. No decisions live here.

use super::types::*;
use crate::care::{self, CareSettings, tasks, tracker};
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
        our_addresses: crate::store::settings::configured_addresses(conn)?,
        our_addresses_inferred: crate::store::settings::inferred_addresses(conn)?,
    })
}

pub fn queue_counts(store: &mut Store, _: Empty) -> Result<QueueCounts> {
    let n = |q: QueueName| cases::count_where(store.conn(), q.condition()).map(|n| n as u32);
    let now = store.now_ms();
    let care = tracker::totals(&tracker::answering(store.conn(), None, &CareSettings::load(store.conn())?, now)?);
    Ok(QueueCounts {
        unanswered: care.cases,
        unanswered_overdue: care.overdue,
        nudges: care.nudges,
        due: n(QueueName::Due)?,
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
    let conn = store.conn();
    let now = store.now_ms();
    let mut answering = tracker::answering(conn, None, &CareSettings::load(conn)?, now)?;
    let mut due: std::collections::HashMap<String, tasks::Task> = Default::default();
    for task in tasks::due(conn, now)? {
        // The soonest per case, on the case it shows in.
        due.entry(cases::shown_in(conn, &task.case_id)?).or_insert(task);
    }
    let mut rows = cases::list_where(conn, args.queue.condition())?;
    rows.retain(|r| args.queue.keeps(answering.get(&r.id)));
    let due_ms = due.iter().map(|(id, t)| (id.clone(), t.due_ms)).collect();
    args.queue.sort(&mut rows, &answering, &due_ms);
    let items = rows
        .into_iter()
        .map(|r| {
            let a = answering.remove(&r.id).unwrap_or_default();
            let t = due.remove(&r.id);
            queue_item(r, a, t)
        })
        .collect();
    Ok(QueueResult { items })
}

fn queue_item(c: cases::CaseRow, answering: tracker::Answering, due_task: Option<tasks::Task>) -> QueueItem {
    let lane = Lane::parse(&c.lane).unwrap_or(Lane::Assistant);
    let by_lane = if lane == Lane::Assistant { Role::Assistant } else { Role::Owner };
    QueueItem {
        assignee: c.assignee.as_deref().and_then(Role::parse).unwrap_or(by_lane),
        assignee_manual: c.assignee.is_some(),
        snoozed_until_ms: c.snoozed_until_ms,
        answering,
        due_task,
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
    let now = store.now_ms();
    let row = cases::get(conn, args.case_id.trim())?;
    let customer = match row.customer_id {
        Some(id) => customers::get(conn, id)?.map(|c| customer_view(conn, c, store.now_ms())).transpose()?,
        None => None,
    };
    let stored = messages::for_case(conn, &row.id)?;
    let mut phone_numbers: Vec<String> = Vec::new();
    for m in stored.iter().filter(|m| m.direction == messages::Direction::Inbound) {
        for p in care::phones::find(&crate::triage::signals::own_words(&m.body_text)) {
            if !phone_numbers.contains(&p) {
                phone_numbers.push(p);
            }
        }
    }
    let answering = tracker::for_case(conn, &row.id, &CareSettings::load(conn)?, now)?;
    let thank_you_note = answering.unanswered > 0
        && stored
            .iter()
            .rev()
            .find(|m| m.direction == messages::Direction::Inbound && !m.automated)
            .is_some_and(|m| tracker::is_thank_you(&m.body_text));
    let suggestion_hint = stored
        .iter()
        .rev()
        .filter(|m| m.direction == messages::Direction::Inbound && !m.automated)
        .find_map(|m| care::feedback::suggestion_hint(&m.body_text));
    let suggestion = care::feedback::suggestion_of(conn, &row.id)?;
    let complaint_topic = care::feedback::topic_of(conn, &row)?.map(|(topic, _)| topic);
    // Cases shown inside this one bring their messages, notes and tasks along.
    let merged: Vec<MergedCase> = crate::cases::merge::merged_into(conn, &row.id)?
        .into_iter()
        .map(|m| MergedCase { case_id: m.case_id, subject: m.subject, note: m.note, manual: m.manual })
        .collect();
    let from_case = |home: &str| {
        merged
            .iter()
            .find(|m| m.case_id == home)
            .map(|m| FromCase { case_id: m.case_id.clone(), subject: m.subject.clone() })
    };
    let messages = stored
        .into_iter()
        .map(|m| {
            let from = from_case(&m.home_case);
            message_view(conn, m).map(|view| MessageView { from_case: from, ..view })
        })
        .collect::<Result<_>>()?;
    let family: Vec<String> = std::iter::once(row.id.clone()).chain(merged.iter().map(|m| m.case_id.clone())).collect();
    let mut notes = Vec::new();
    for id in &family {
        notes.extend(cases::notes(conn, id)?);
    }
    notes.sort_by(|a, b| a.created_ms.cmp(&b.created_ms).then(a.uid.cmp(&b.uid)));
    let notes = notes
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
    let mut tasks = Vec::new();
    for id in &family {
        tasks.extend(tasks::for_case(conn, id)?);
    }
    tasks.sort_by(|a, b| a.done_ms.is_some().cmp(&b.done_ms.is_some()).then(a.due_ms.cmp(&b.due_ms)));
    let shown_in = Some(cases::shown_in(conn, &row.id)?).filter(|s| *s != row.id);
    let merge_candidates = match row.customer_id {
        Some(customer) => cases::ids_for_customer(conn, customer)?
            .into_iter()
            .filter(|id| !family.contains(id))
            .filter_map(|id| cases::get(conn, &id).ok())
            .filter(|c| cases::shown_in(conn, &c.id).is_ok_and(|s| s == c.id))
            .map(|c| MergedCase { case_id: c.id, subject: c.subject, note: None, manual: false })
            .collect(),
        None => Vec::new(),
    };
    let due_task = tasks.iter().find(|t| t.done_ms.is_none() && t.due_ms <= now).cloned();
    Ok(CaseDetail {
        summary: queue_item(row, answering, due_task),
        messages,
        customer,
        notes,
        replying,
        outbox,
        tasks,
        phone_numbers,
        thank_you_note,
        suggestion,
        suggestion_hint,
        complaint_topic,
        merged,
        shown_in,
        merge_candidates,
    })
}

fn customer_view(conn: &rusqlite::Connection, c: customers::Customer, now_ms: i64) -> Result<CustomerView> {
    use crate::commerce::refunds;
    let list = orders::for_customer(conn, c.id)?;
    let policy = RefundPolicy::load(conn)?;
    let value = orders::value(&list);
    let mut emails = vec![c.email.clone()];
    emails.extend(c.aliases.iter().cloned());
    let serial_refunder = care::decisions::evidence(&value, &TriageSettings::load(conn)?);
    let refunder_decision = care::decisions::get(conn, &c.email)?.map(|(d, _)| d);
    Ok(CustomerView {
        gifts: care::gifts::for_emails(conn, &emails)?,
        serial_refunder,
        refunder_decision,
        do_not_promote: list.iter().any(|o| o.refunded_ms.is_some()),
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
        from_case: None,
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
        if args.no_reply_needed {
            edit::no_reply_needed(tx, now, &id, true)?;
        }
        if let Some(status) = args.status {
            if status == CaseStatus::Closed {
                tracker::check_can_close(tx, &id, now)?;
            }
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
    store.write(|tx| {
        if let Some(template) = args.template_id.as_deref() {
            care::templates::check_edited(tx, &args.case_id, template, &args.body)?;
        }
        crate::mail::compose::queue_reply(tx, now, &args.case_id, &args.body).map(drop)
    })?;
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
/// Waits for the browser sign-in (up to minutes): the window runs it on a connection of its own.
pub fn connect_oauth(store: &mut Store, args: ConnectOAuthArgs) -> Result<SyncState> {
    let account = crate::mail::connect::sign_in_oauth(&args)?;
    crate::mail::connect::save(store, &account)?;
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

pub fn care_settings(store: &mut Store, _: Empty) -> Result<CareSettings> {
    CareSettings::load(store.conn())
}

pub fn set_care_settings(store: &mut Store, args: CareSettings) -> Result<CareSettings> {
    let now = store.now_ms();
    store.write(|tx| edit::set_care_settings(tx, now, &args))?;
    CareSettings::load(store.conn())
}

/// Schedules a follow-up or a phone callback on the case.
pub fn add_task(store: &mut Store, args: AddTaskArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    let task = tasks::Task {
        uid: String::new(),
        case_id: args.case_id.clone(),
        kind: args.kind,
        due_ms: args.due_ms,
        note: args.note,
        phone: args.phone,
        time_zone: args.time_zone,
        author_name: String::new(),
        created_ms: now,
        done_ms: None,
    };
    store.write(|tx| edit::add_task(tx, now, &task))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn task_done(store: &mut Store, args: TaskDoneArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::task_done(tx, now, &args.task_id, args.done))?;
    case(store, CaseArgs { case_id: args.case_id })
}

/// Records a gift for the case's customer (sending the note about it is the composer's job).
pub fn give_gift(store: &mut Store, args: GiftArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    let gift = Gift {
        uid: String::new(),
        case_id: args.case_id.clone(),
        customer_email: String::new(),
        kind: args.kind,
        description: args.description,
        amount_minor: args.amount_minor,
        currency: args.currency,
        author_name: String::new(),
        created_ms: now,
    };
    store.write(|tx| edit::give_gift(tx, now, &gift))?;
    case(store, CaseArgs { case_id: args.case_id })
}

/// The owner's call on the case's customer as a serial refunder.
pub fn decide_refunder(store: &mut Store, args: RefunderArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| {
        let email = cases::customer_email(tx, &args.case_id)?
            .filter(|e| !e.is_empty())
            .ok_or_else(|| Error::BadArgs("this case has no customer to decide about".into()))?;
        edit::decide_refunder(tx, now, &email, args.decision)
    })?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn no_reply_needed(store: &mut Store, args: NoReplyArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::no_reply_needed(tx, now, &args.case_id, args.on))?;
    case(store, CaseArgs { case_id: args.case_id })
}

/// One click: the "thank you back" canned reply, with their name and what they bought, queued.
pub fn thank_you_back(store: &mut Store, args: CaseArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| {
        let (_, body) = care::templates::render(tx, &args.case_id, care::templates::THANK_YOU)?;
        crate::mail::compose::queue_reply(tx, now, &args.case_id, &body).map(drop)
    })?;
    case(store, args)
}

pub fn render_template(store: &mut Store, args: TemplateArgs) -> Result<RenderedTemplate> {
    let (t, body) = care::templates::render(store.conn(), &args.case_id, &args.template_id)?;
    Ok(RenderedTemplate { template_id: t.id, name: t.name, body, must_edit: t.must_edit })
}

pub fn check_draft(store: &mut Store, args: CheckDraftArgs) -> Result<DraftCheck> {
    let conn = store.conn();
    care::draft::check(conn, &args.case_id, &args.body, &CareSettings::load(conn)?)
}

pub fn tag_suggestion(store: &mut Store, args: TopicArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::tag_suggestion(tx, now, &args.case_id, args.topic.as_deref()))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn set_complaint_topic(store: &mut Store, args: TopicArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::set_complaint_topic(tx, now, &args.case_id, args.topic.as_deref()))?;
    case(store, CaseArgs { case_id: args.case_id })
}

pub fn feedback(store: &mut Store, args: FeedbackArgs) -> Result<FeedbackView> {
    Ok(FeedbackView { groups: care::feedback::groups(store.conn(), args.kind)? })
}

/// The suggestion shipped, or the complaint's cause is fixed.
pub fn feedback_done(store: &mut Store, args: FeedbackDoneArgs) -> Result<FeedbackView> {
    let now = store.now_ms();
    let key = care::feedback::key(args.kind, &args.product, &args.topic);
    store.write(|tx| edit::feedback_done(tx, now, &key, args.done))?;
    feedback(store, FeedbackArgs { kind: args.kind })
}

/// Thanks everyone who suggested the thing (or told us about the problem), once each.
pub fn thank_feedback(store: &mut Store, args: ThankFeedbackArgs) -> Result<ThankFeedbackResult> {
    let now = store.now_ms();
    let queued = store.write(|tx| care::feedback::thank(tx, now, args.kind, &args.product, &args.topic, &args.body))?;
    Ok(ThankFeedbackResult { queued, view: feedback(store, FeedbackArgs { kind: args.kind })? })
}
fn commerce_provider(name: &str) -> Result<crate::commerce::Provider> {
    crate::commerce::provider_of(name)
        .ok_or_else(|| Error::BadArgs(format!("provider `{name}`: Kindly talks to stripe and gumroad")))
}

pub fn commerce_status(store: &mut Store, _: Empty) -> Result<CommerceStatus> {
    use crate::commerce::{Provider, connected};
    Ok(CommerceStatus {
        stripe: connected(store, Provider::Stripe)?,
        gumroad: connected(store, Provider::Gumroad)?,
        importing: crate::commerce::progress::importing(),
    })
}

/// Keeps the key in the OS keychain (the store keeps only the entry's name).
pub fn connect_commerce(store: &mut Store, args: ConnectCommerceArgs) -> Result<CommerceStatus> {
    let provider = commerce_provider(&args.provider)?;
    store.write(|tx| crate::commerce::ingest::connect_keychain(tx, provider, &args.key))?;
    commerce_status(store, Empty {})
}

/// Forgets the provider's key on this machine; its orders stay.
pub fn disconnect_commerce(store: &mut Store, args: CommerceProviderArgs) -> Result<CommerceStatus> {
    let provider = commerce_provider(&args.provider)?;
    store.write(|tx| crate::commerce::ingest::disconnect(tx, provider))?;
    commerce_status(store, Empty {})
}

/// Imports what is new at the provider (blocks while it reads; retries are bounded).
pub fn import_orders_provider(store: &mut Store, args: ImportProviderArgs) -> Result<ProviderImportResult> {
    use crate::commerce::{Provider, gumroad::Gumroad, stripe::Stripe};
    let provider = commerce_provider(&args.provider)?;
    let not_connected =
        || Error::BadArgs(format!("{} is not connected: connect it with its key first", provider.display()));
    let tracking = crate::commerce::progress::track(provider);
    let summary = crate::mail::connect::block_on(async {
        match provider {
            Provider::Stripe => {
                let api = Stripe::connected(store)?.ok_or_else(not_connected)?;
                api.import(store, args.full, &mut |n| tracking.read(n)).await
            }
            Provider::Gumroad => {
                let api = Gumroad::connected(store)?.ok_or_else(not_connected)?;
                api.import(store, args.full, &mut |n| tracking.read(n)).await
            }
        }
    })??;
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(ProviderImportResult {
        summary: summary.to_string(),
        added: n(summary.added),
        updated: n(summary.updated),
        unchanged: n(summary.unchanged),
        refunds: n(summary.refunds),
        skipped: summary.errors.iter().map(|e| format!("{}: {}", e.record, e.reason)).collect(),
    })
}

/// Refunds the order in full and sends the money back through its payment provider, then records
/// it as done. The decision is recorded first: if the provider fails, it stands and this can be
/// run again (Stripe's idempotency key, Gumroad's check first: never twice).
pub fn refund_at_provider(store: &mut Store, args: RefundArgs) -> Result<CaseDetail> {
    let provider = commerce_provider(&args.source)?;
    let now = store.now_ms();
    let done = crate::commerce::refunds::get(store.conn(), &args.source, &args.order_id)?.and_then(|r| r.done_ms);
    store.write(|tx| {
        cases::get(tx, &args.case_id)?;
        edit::refund(tx, now, &args.source, &args.order_id, Some(&args.case_id))
    })?;
    if done.is_none() {
        crate::mail::connect::block_on(crate::commerce::refund_at_provider(store, provider, &args.order_id))??;
    }
    case(store, CaseArgs { case_id: args.case_id })
}

/// Shows the case inside another of the same customer's; returns that one.
pub fn merge_cases(store: &mut Store, args: MergeArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::merge(tx, now, &args.case_id, Some(&args.into_case_id)))?;
    let shown = cases::shown_in(store.conn(), &args.into_case_id)?;
    case(store, CaseArgs { case_id: shown })
}

/// Takes the case out of the one it shows in (a person's merge or the purchase-session rule's),
/// and keeps it apart from now on; returns it.
pub fn split_case(store: &mut Store, args: CaseArgs) -> Result<CaseDetail> {
    let now = store.now_ms();
    store.write(|tx| edit::merge(tx, now, &args.case_id, None))?;
    case(store, args)
}
