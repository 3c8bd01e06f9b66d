//! The contract's types: what crosses from the core to any front end. Exported to TypeScript
//! (ui/src/bindings/index.ts) by `bindings::typescript`; never hand-written on the other side.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::care::CareSettings;
pub use crate::care::decisions::RefunderDecision;
pub use crate::care::draft::{AnswerPart, DraftCheck, DraftWarning};
pub use crate::care::feedback::{FeedbackCase, FeedbackGroup, FeedbackKind};
pub use crate::care::gifts::{Gift, GiftKind};
pub use crate::care::tasks::{Task, TaskKind};
pub use crate::care::templates::Template;
pub use crate::care::tracker::Answering;
pub use crate::commerce::refunds::{Eligibility, RefundPolicy};
pub use crate::mail::ack::AckSettings;
pub use crate::mail::connect::{ConnectArgs, ConnectOAuthArgs, MailServers};
pub use crate::mail::providers::ServerSettings;
pub use crate::sync::Role;
pub use crate::sync::state::{SyncPhase, SyncProgress, SyncState};
pub use crate::triage::{Lane, QueueName, TriageSettings};

/// The owner telling triage it was wrong about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    NotAngry,
    NotExcellent,
}

impl Correction {
    pub fn as_str(self) -> &'static str {
        match self {
            Correction::NotAngry => "not-angry",
            Correction::NotExcellent => "not-excellent",
        }
    }
}

/// Put a case in a lane by hand (it sticks), or `null` to hand it back to triage.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetLaneArgs {
    pub case_id: String,
    pub lane: Option<Lane>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CorrectArgs {
    pub case_id: String,
    pub correction: Correction,
    /// `false` takes the correction back.
    pub on: bool,
}

/// Review mode: the owner confirms the case's lane, or moves it, in one step.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReviewArgs {
    pub case_id: String,
    pub lane: Lane,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    Open,
    Waiting,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Waiting => "waiting",
            CaseStatus::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// Every error a front end sees: a stable code to switch on, and a message that says what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// Arguments of a command that takes none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(type = "Record<string, never>")]
pub struct Empty {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// The role this replica acts in ("owner" until someone chooses).
    pub role: String,
    /// False until the first-run question "Are you the owner or an assistant?" is answered.
    pub role_chosen: bool,
    /// The name the other replica sees ("Dana is replying").
    pub replica_name: String,
    pub demo: bool,
    pub db_path: String,
    pub message_count: u32,
    pub case_count: u32,
    /// The business's own addresses (mail from them is our reply): the account's and `--ours`.
    pub our_addresses: Vec<String>,
    /// … and those an import learned from the mail because none was configured.
    pub our_addresses_inferred: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct QueueCounts {
    pub owner: u32,
    pub owner_excellent: u32,
    pub owner_angry: u32,
    pub assistant: u32,
    pub waiting: u32,
    pub done: u32,
    pub all: u32,
    /// New cases the owner has not reviewed yet.
    pub review: u32,
    pub snoozed: u32,
    /// Refunds decided more than two days ago and not yet done at the payment provider.
    pub refunds_overdue: u32,
    /// Cases with a message nobody has answered, and those past their lane's target.
    pub unanswered: u32,
    pub unanswered_overdue: u32,
    /// Cases we work on that owe the customer a status update.
    pub nudges: u32,
    /// Follow-ups and callbacks due now.
    pub due: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct QueueArgs {
    pub queue: QueueName,
}

/// One case as a queue row. `queue --json` prints these; their field names are a contract.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct QueueItem {
    pub case_id: String,
    pub customer_email: String,
    pub customer_name: String,
    pub subject: String,
    pub lane: Lane,
    pub score: f64,
    pub reasons: Vec<String>,
    /// With angle brackets.
    pub root_message_id: String,
    pub status: CaseStatus,
    #[ts(type = "number")]
    pub last_message_ms: i64,
    pub message_count: u32,
    pub unreadable: bool,
    pub snippet: String,
    /// Triage's lane, even where a person chose another (`lane_manual`).
    pub suggested_lane: Lane,
    pub lane_manual: bool,
    /// `auto-reply`, `spam`.
    pub tags: Vec<String>,
    /// The owner has seen it in review.
    pub reviewed: bool,
    pub corrections: Vec<Correction>,
    /// Who works the case: set by a person (`assignee_manual`), else by its lane.
    pub assignee: Role,
    pub assignee_manual: bool,
    /// Snoozed until then; `null` when awake.
    #[ts(type = "number | null")]
    pub snoozed_until_ms: Option<i64>,
    /// Everyone gets an answer: what is unanswered, by when, and any status-update nudge.
    pub answering: Answering,
    /// The soonest follow-up or callback due now, if any.
    pub due_task: Option<Task>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct QueueResult {
    pub items: Vec<QueueItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseArgs {
    pub case_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AttachmentView {
    pub name: String,
    pub mime: String,
    #[ts(type = "number")]
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MessageView {
    #[ts(type = "number")]
    pub id: i64,
    pub message_id: String,
    pub direction: Direction,
    pub from_name: String,
    pub from_email: String,
    pub to: Vec<String>,
    pub subject: String,
    #[ts(type = "number")]
    pub date_ms: i64,
    pub body_text: String,
    /// Sanitized in the core; show it only in a sandboxed frame.
    pub html: Option<String>,
    pub remote_content_blocked: bool,
    pub attachments: Vec<AttachmentView>,
    pub unreadable: bool,
    /// The message source, for messages that could not be read.
    pub raw_source: Option<String>,
    /// The merged case it came from, when that is not the case shown: "From “Download link”".
    pub from_case: Option<FromCase>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FromCase {
    pub case_id: String,
    pub subject: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OrderView {
    /// `generic`, `stripe`, `gumroad`: with `order_id`, what a refund names.
    pub source: String,
    pub order_id: String,
    pub product: String,
    #[ts(type = "number")]
    pub amount_minor: i64,
    pub currency: String,
    #[ts(type = "number")]
    pub purchased_ms: i64,
    #[ts(type = "number | null")]
    pub refunded_ms: Option<i64>,
    /// Whether it qualifies for a refund today, and the sentence that says so
    /// ("day 92 of 90: inside the grace period — refund").
    pub eligibility: Eligibility,
    pub eligibility_note: String,
    /// When we decided to refund it (the refund clock), and when it was done at the provider.
    #[ts(type = "number | null")]
    pub refund_decided_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub refund_done_ms: Option<i64>,
    /// Decided more than two days ago and still not done.
    pub refund_overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RefundArgs {
    pub case_id: String,
    #[serde(default = "generic_source")]
    pub source: String,
    pub order_id: String,
}

fn generic_source() -> String {
    "generic".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CustomerView {
    pub email: String,
    pub name: String,
    pub aliases: Vec<String>,
    #[ts(type = "number")]
    pub lifetime_value_minor: i64,
    pub currency: String,
    pub order_count: u32,
    pub refund_count: u32,
    pub orders: Vec<OrderView>,
    /// Gifts we gave them, newest first.
    pub gifts: Vec<Gift>,
    /// The serial-refunder signal's evidence ("4 of 5 orders refunded"), when it fires.
    pub serial_refunder: Option<String>,
    /// The owner's call about them as a refunder.
    pub refunder_decision: Option<RefunderDecision>,
    /// Refunded: no promotions go to them.
    pub do_not_promote: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoteView {
    /// The same on every replica.
    pub id: String,
    pub text: String,
    pub author_role: String,
    pub author_name: String,
    /// Owner-only: kept on the owner's replica, never sent to the assistant's.
    pub private: bool,
    #[ts(type = "number")]
    pub created_ms: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Someone on another replica with a reply open on this case.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PeerView {
    pub name: String,
    pub role: String,
}

/// A reply of ours on its way.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OutboxView {
    /// `reply`, or `ack` (the automatic acknowledgement).
    pub kind: String,
    pub message_id: String,
    pub to_email: String,
    /// `queued`, `sending`, `sent`, `parked`.
    pub state: String,
    pub attempts: u32,
    /// Why it is parked or being retried, in words to act on.
    pub last_error: Option<String>,
    #[ts(type = "number")]
    pub created_ms: i64,
}

/// A case with everything a person needs to answer it. The summary's fields sit at the top level.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub summary: QueueItem,
    pub messages: Vec<MessageView>,
    pub customer: Option<CustomerView>,
    pub notes: Vec<NoteView>,
    /// "Dana is replying": others writing a reply on this case right now.
    pub replying: Vec<PeerView>,
    pub outbox: Vec<OutboxView>,
    /// Follow-ups and callbacks: open ones first.
    pub tasks: Vec<Task>,
    /// Phone numbers the customer wrote, offered for a callback.
    pub phone_numbers: Vec<String>,
    /// Their latest unanswered message is a thank-you note: offer "thank you back".
    pub thank_you_note: bool,
    /// The topic a person tagged this case with as a suggestion.
    pub suggestion: Option<String>,
    /// The sentence where the customer suggests something, to offer tagging it.
    pub suggestion_hint: Option<String>,
    /// What an unhappy customer's complaint is about (chosen by a person, else read from the mail).
    pub complaint_topic: Option<String>,
    /// Cases shown inside this one (their messages are in `messages`), with why.
    pub merged: Vec<MergedCase>,
    /// When this case shows inside another one: that case's id.
    pub shown_in: Option<String>,
    /// The same customer's other cases, to merge this one into.
    pub merge_candidates: Vec<MergedCase>,
}

/// A case inside another (or one it could go into).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MergedCase {
    pub case_id: String,
    pub subject: String,
    /// "Bought in one session: …", "Merged by Olivia".
    pub note: Option<String>,
    /// A person merged it (a split undoes it); otherwise the purchase-session rule did.
    pub manual: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MergeArgs {
    pub case_id: String,
    /// Show `case_id` inside this case.
    pub into_case_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TopicArgs {
    pub case_id: String,
    /// `null` takes it away.
    pub topic: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeedbackArgs {
    pub kind: FeedbackKind,
}

/// Suggestions by topic, or complaints by product and topic, the largest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeedbackView {
    pub groups: Vec<FeedbackGroup>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeedbackDoneArgs {
    pub kind: FeedbackKind,
    #[serde(default)]
    pub product: String,
    pub topic: String,
    /// Shipped or fixed; `false` takes it back.
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ThankFeedbackArgs {
    pub kind: FeedbackKind,
    #[serde(default)]
    pub product: String,
    pub topic: String,
    /// With `{first_name}`, `{product}`, `{topic}`, `{my_name}`: filled in for each customer.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ThankFeedbackResult {
    /// Replies queued: one per customer not thanked before.
    pub queued: u32,
    pub view: FeedbackView,
}

/// Who should work a case; `auto` lets its lane decide again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum AssignTo {
    Owner,
    Assistant,
    Auto,
}

/// Changes to a case, made together: any of status, assignee and a note.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct UpdateCaseArgs {
    pub case_id: String,
    #[serde(default)]
    pub status: Option<CaseStatus>,
    #[serde(default)]
    pub assign: Option<AssignTo>,
    #[serde(default)]
    pub note: Option<String>,
    /// The note is the owner's alone.
    #[serde(default)]
    pub private_note: bool,
    /// Snooze until this time (ms); 0 wakes the case now.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub snooze_until_ms: Option<i64>,
    /// The owner's word that the messages so far need no answer (before closing without one).
    #[serde(default)]
    pub no_reply_needed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SetRoleArgs {
    pub role: Role,
    #[serde(default)]
    pub name: Option<String>,
}

/// The composer is open on `case_id` (or, with `null`, closed).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReplyingArgs {
    pub case_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SendReplyArgs {
    pub case_id: String,
    pub body: String,
    /// The canned reply the draft started from: a must-edit one sent unchanged is refused.
    #[serde(default)]
    pub template_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AddTaskArgs {
    pub case_id: String,
    pub kind: TaskKind,
    #[ts(type = "number")]
    pub due_ms: i64,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TaskDoneArgs {
    pub case_id: String,
    pub task_id: String,
    /// `false` puts it back on the list.
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GiftArgs {
    pub case_id: String,
    pub kind: GiftKind,
    pub description: String,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// The owner's call on a serial refunder (`null`: undecided).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RefunderArgs {
    pub case_id: String,
    pub decision: Option<RefunderDecision>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoReplyArgs {
    pub case_id: String,
    /// `false` takes it back.
    pub on: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TemplateArgs {
    pub case_id: String,
    pub template_id: String,
}

/// A canned reply filled in for one case.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RenderedTemplate {
    pub template_id: String,
    pub name: String,
    pub body: String,
    pub must_edit: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CheckDraftArgs {
    pub case_id: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchArgs {
    pub query: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub case_id: String,
    #[ts(type = "number")]
    pub message_id: i64,
    pub subject: String,
    pub from_name: String,
    pub from_email: String,
    #[ts(type = "number")]
    pub date_ms: i64,
    /// Plain text; hits are wrapped in U+0002 … U+0003.
    pub snippet: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchResult {
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DiscoverArgs {
    pub email: String,
}

/// `stripe` or `gumroad`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConnectCommerceArgs {
    pub provider: String,
    /// The secret key (Stripe) or access token (Gumroad): kept in the OS keychain, never in the store.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CommerceProviderArgs {
    /// `stripe` or `gumroad`.
    pub provider: String,
}

/// Which payment providers are connected on this machine.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CommerceStatus {
    pub stripe: bool,
    pub gumroad: bool,
    /// A provider import running now, and how far it has read.
    pub importing: Option<crate::commerce::progress::ImportProgress>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportProviderArgs {
    pub provider: String,
    /// Everything again, not only what is new since the last import.
    #[serde(default)]
    pub full: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ProviderImportResult {
    /// "4 new orders, 0 updated, 2 unchanged, 1 refunds, 1 skipped".
    pub summary: String,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub refunds: u32,
    /// One sentence per record that was skipped ("charge ch_4: amount … is not …").
    pub skipped: Vec<String>,
}
