// Generated from kindly-core's contract (src-tauri/core/src/api). Do not edit: run
// `KINDLY_WRITE_BINDINGS=1 cargo test -p kindly-core bindings` after changing the Rust types.
export type Lane = "owner-excellent" | "owner-angry" | "assistant";
export type QueueName = "owner" | "owner-excellent" | "owner-angry" | "assistant" | "waiting" | "done" | "all" | "review" | "snoozed" | "unanswered" | "due" | "nudges";
export type CaseStatus = "open" | "waiting" | "closed";
export type Direction = "inbound" | "outbound";
export type ApiError = { code: string, message: string, };
export type Empty = Record<string, never>;
export type AppInfo = { version: string, 
/**
 * The role this replica acts in ("owner" until someone chooses).
 */
role: string, 
/**
 * False until the first-run question "Are you the owner or an assistant?" is answered.
 */
role_chosen: boolean, 
/**
 * The name the other replica sees ("Dana is replying").
 */
replica_name: string, demo: boolean, db_path: string, message_count: number, case_count: number, 
/**
 * The business's own addresses (mail from them is our reply): the account's and `--ours`.
 */
our_addresses: Array<string>, 
/**
 * … and those an import learned from the mail because none was configured.
 */
our_addresses_inferred: Array<string>, };
export type QueueCounts = { owner: number, owner_excellent: number, owner_angry: number, assistant: number, waiting: number, done: number, all: number, 
/**
 * New cases the owner has not reviewed yet.
 */
review: number, snoozed: number, 
/**
 * Refunds decided more than two days ago and not yet done at the payment provider.
 */
refunds_overdue: number, 
/**
 * Cases with a message nobody has answered, and those past their lane's target.
 */
unanswered: number, unanswered_overdue: number, 
/**
 * Cases we work on that owe the customer a status update.
 */
nudges: number, 
/**
 * Follow-ups and callbacks due now.
 */
due: number, };
export type QueueArgs = { queue: QueueName, };
export type QueueItem = { case_id: string, customer_email: string, customer_name: string, subject: string, lane: Lane, score: number, reasons: Array<string>, 
/**
 * With angle brackets.
 */
root_message_id: string, status: CaseStatus, last_message_ms: number, message_count: number, unreadable: boolean, snippet: string, 
/**
 * Triage's lane, even where a person chose another (`lane_manual`).
 */
suggested_lane: Lane, lane_manual: boolean, 
/**
 * `auto-reply`, `spam`.
 */
tags: Array<string>, 
/**
 * The owner has seen it in review.
 */
reviewed: boolean, corrections: Array<Correction>, 
/**
 * Who works the case: set by a person (`assignee_manual`), else by its lane.
 */
assignee: Role, assignee_manual: boolean, 
/**
 * Snoozed until then; `null` when awake.
 */
snoozed_until_ms: number | null, 
/**
 * Everyone gets an answer: what is unanswered, by when, and any status-update nudge.
 */
answering: Answering, 
/**
 * The soonest follow-up or callback due now, if any.
 */
due_task: Task | null, };
export type QueueResult = { items: Array<QueueItem>, };
export type CaseArgs = { case_id: string, };
export type AttachmentView = { name: string, mime: string, size: number, };
export type MessageView = { id: number, message_id: string, direction: Direction, from_name: string, from_email: string, to: Array<string>, subject: string, date_ms: number, body_text: string, 
/**
 * Sanitized in the core; show it only in a sandboxed frame.
 */
html: string | null, remote_content_blocked: boolean, attachments: Array<AttachmentView>, unreadable: boolean, 
/**
 * The message source, for messages that could not be read.
 */
raw_source: string | null, 
/**
 * The merged case it came from, when that is not the case shown: "From “Download link”".
 */
from_case: FromCase | null, };
export type FromCase = { case_id: string, subject: string, };
export type OrderView = { 
/**
 * `generic`, `stripe`, `gumroad`: with `order_id`, what a refund names.
 */
source: string, order_id: string, product: string, amount_minor: number, currency: string, purchased_ms: number, refunded_ms: number | null, 
/**
 * Whether it qualifies for a refund today, and the sentence that says so
 * ("day 92 of 90: inside the grace period — refund").
 */
eligibility: Eligibility, eligibility_note: string, 
/**
 * When we decided to refund it (the refund clock), and when it was done at the provider.
 */
refund_decided_ms: number | null, refund_done_ms: number | null, 
/**
 * Decided more than two days ago and still not done.
 */
refund_overdue: boolean, };
export type CustomerView = { email: string, name: string, aliases: Array<string>, lifetime_value_minor: number, currency: string, order_count: number, refund_count: number, orders: Array<OrderView>, 
/**
 * Gifts we gave them, newest first.
 */
gifts: Array<Gift>, 
/**
 * The serial-refunder signal's evidence ("4 of 5 orders refunded"), when it fires.
 */
serial_refunder: string | null, 
/**
 * The owner's call about them as a refunder.
 */
refunder_decision: RefunderDecision | null, 
/**
 * Refunded: no promotions go to them.
 */
do_not_promote: boolean, };
export type NoteView = { 
/**
 * The same on every replica.
 */
id: string, text: string, author_role: string, author_name: string, 
/**
 * Owner-only: kept on the owner's replica, never sent to the assistant's.
 */
private: boolean, created_ms: number, 
/**
 * RFC 3339, UTC.
 */
created_at: string, };
export type CaseDetail = { messages: Array<MessageView>, customer: CustomerView | null, notes: Array<NoteView>, 
/**
 * "Dana is replying": others writing a reply on this case right now.
 */
replying: Array<PeerView>, outbox: Array<OutboxView>, 
/**
 * Follow-ups and callbacks: open ones first.
 */
tasks: Array<Task>, 
/**
 * Phone numbers the customer wrote, offered for a callback.
 */
phone_numbers: Array<string>, 
/**
 * Their latest unanswered message is a thank-you note: offer "thank you back".
 */
thank_you_note: boolean, 
/**
 * The topic a person tagged this case with as a suggestion.
 */
suggestion: string | null, 
/**
 * The sentence where the customer suggests something, to offer tagging it.
 */
suggestion_hint: string | null, 
/**
 * What an unhappy customer's complaint is about (chosen by a person, else read from the mail).
 */
complaint_topic: string | null, 
/**
 * Cases shown inside this one (their messages are in `messages`), with why.
 */
merged: Array<MergedCase>, 
/**
 * When this case shows inside another one: that case's id.
 */
shown_in: string | null, 
/**
 * The same customer's other cases, to merge this one into.
 */
merge_candidates: Array<MergedCase>, case_id: string, customer_email: string, customer_name: string, subject: string, lane: Lane, score: number, reasons: Array<string>, 
/**
 * With angle brackets.
 */
root_message_id: string, status: CaseStatus, last_message_ms: number, message_count: number, unreadable: boolean, snippet: string, 
/**
 * Triage's lane, even where a person chose another (`lane_manual`).
 */
suggested_lane: Lane, lane_manual: boolean, 
/**
 * `auto-reply`, `spam`.
 */
tags: Array<string>, 
/**
 * The owner has seen it in review.
 */
reviewed: boolean, corrections: Array<Correction>, 
/**
 * Who works the case: set by a person (`assignee_manual`), else by its lane.
 */
assignee: Role, assignee_manual: boolean, 
/**
 * Snoozed until then; `null` when awake.
 */
snoozed_until_ms: number | null, 
/**
 * Everyone gets an answer: what is unanswered, by when, and any status-update nudge.
 */
answering: Answering, 
/**
 * The soonest follow-up or callback due now, if any.
 */
due_task: Task | null, };
export type SearchArgs = { query: string, };
export type SearchResult = { hits: Array<SearchHit>, };
export type SearchHit = { case_id: string, message_id: number, subject: string, from_name: string, from_email: string, date_ms: number, 
/**
 * Plain text; hits are wrapped in U+0002 … U+0003.
 */
snippet: string, };
export type Correction = "not-angry" | "not-excellent";
export type SetLaneArgs = { case_id: string, lane: Lane | null, };
export type CorrectArgs = { case_id: string, correction: Correction, 
/**
 * `false` takes the correction back.
 */
on: boolean, };
export type ReviewArgs = { case_id: string, lane: Lane, };
export type TriageSettings = { 
/**
 * A valuable customer has spent at least this much (minor units of their main currency).
 */
valuable_lifetime_minor: number, 
/**
 * … or bought at least this many times.
 */
valuable_orders: number, 
/**
 * A serial refunder has at least this many refunds …
 */
serial_refunds: number, 
/**
 * … and at least this share of their orders refunded (0..1).
 */
serial_refund_ratio: number, };
export type Role = "owner" | "assistant";
export type PeerView = { name: string, role: string, };
export type OutboxView = { 
/**
 * `reply`, or `ack` (the automatic acknowledgement).
 */
kind: string, message_id: string, to_email: string, 
/**
 * `queued`, `sending`, `sent`, `parked`.
 */
state: string, attempts: number, 
/**
 * Why it is parked or being retried, in words to act on.
 */
last_error: string | null, created_ms: number, };
export type AssignTo = "owner" | "assistant" | "auto";
export type UpdateCaseArgs = { case_id: string, status: CaseStatus | null, assign: AssignTo | null, note: string | null, 
/**
 * The note is the owner's alone.
 */
private_note: boolean, 
/**
 * Snooze until this time (ms); 0 wakes the case now.
 */
snooze_until_ms: number | null, 
/**
 * The owner's word that the messages so far need no answer (before closing without one).
 */
no_reply_needed: boolean, };
export type SetRoleArgs = { role: Role, name: string | null, };
export type ReplyingArgs = { case_id: string | null, };
export type SendReplyArgs = { case_id: string, body: string, 
/**
 * The canned reply the draft started from: a must-edit one sent unchanged is refused.
 */
template_id: string | null, };
export type SyncPhase = "not-connected" | "connecting" | "synced" | "error";
export type SyncProgress = { folder: string, done: number, total: number, };
export type SyncState = { phase: SyncPhase, mailbox: string | null, last_ok_ms: number | null, error: string | null, error_ms: number | null, 
/**
 * Case changes made here that the other replica has not been sent yet.
 */
changes_waiting: number, 
/**
 * Replies queued or retrying.
 */
replies_waiting: number, 
/**
 * Set while a pass is fetching.
 */
progress: SyncProgress | null, };
export type AckSettings = { enabled: boolean, 
/**
 * The owner's words. `{first_name}`, `{product}` and `{subject}` are filled in.
 */
body: string, 
/**
 * Mail that reached Kindly before this moment is never acknowledged.
 */
enabled_since_ms: number, };
export type Eligibility = "guarantee" | "grace" | "outside" | "refunded";
export type RefundPolicy = { 
/**
 * The advertised money-back guarantee.
 */
guarantee_days: number, 
/**
 * Quietly honoured after it (never advertised).
 */
grace_days: number, };
export type RefundArgs = { case_id: string, source: string, order_id: string, };
export type ServerSettings = { imap_host: string, imap_port: number, smtp_host: string, smtp_port: number, 
/**
 * For IMAP: `tls` or `starttls`. SMTP uses implicit TLS on 465, STARTTLS elsewhere.
 */
security: string, 
/**
 * Usually the address itself.
 */
username: string, 
/**
 * "Gmail", or the domain that published the settings.
 */
provider: string, 
/**
 * `built-in` or the URL the settings came from.
 */
source: string, 
/**
 * What the person should know, e.g. that Gmail wants an app password.
 */
advice: string | null, 
/**
 * `google` or `microsoft` when Kindly can sign in with the provider (OAuth2) instead of a
 * password.
 */
oauth: string | null, };
export type DiscoverArgs = { email: string, };
export type MailServers = { email: string, imap_host: string, imap_port: number, smtp_host: string, smtp_port: number, username: string, 
/**
 * `tls`, `starttls` or `none` (IMAP; SMTP uses TLS on 465, STARTTLS elsewhere).
 */
security: string, };
export type ConnectArgs = { 
/**
 * Goes to the OS keychain; never stored or logged by Kindly.
 */
password: string, email: string, imap_host: string, imap_port: number, smtp_host: string, smtp_port: number, username: string, 
/**
 * `tls`, `starttls` or `none` (IMAP; SMTP uses TLS on 465, STARTTLS elsewhere).
 */
security: string, };
export type Answering = { 
/**
 * Messages from the customer with no reply after them.
 */
unanswered: number, 
/**
 * The oldest of them.
 */
waiting_since_ms: number | null, 
/**
 * The target for an answer: sooner in the owner's lanes.
 */
answer_by_ms: number | null, overdue: boolean, 
/**
 * "Send Maria a status update: it's been 2 days".
 */
nudge: string | null, };
export type TaskKind = "follow-up" | "callback";
export type Task = { uid: string, case_id: string, kind: TaskKind, due_ms: number, note: string, phone: string | null, 
/**
 * IANA zone (`Europe/Berlin`) the customer asked to be called in.
 */
time_zone: string | null, author_name: string, created_ms: number, done_ms: number | null, };
export type GiftKind = "bonus" | "discount" | "credit";
export type Gift = { uid: string, case_id: string, customer_email: string, kind: GiftKind, 
/**
 * "Bonus: the Advanced Course", "Code THANKYOU30, 30% off".
 */
description: string, 
/**
 * A credit's value.
 */
amount_minor: number | null, currency: string | null, author_name: string, created_ms: number, };
export type RefunderDecision = "refund" | "refund-do-not-sell" | "decline-kindly";
export type Template = { id: string, name: string, body: string, 
/**
 * A frame to make personal: sent unchanged, it is blocked.
 */
must_edit: boolean, 
/**
 * One of Kindly's own buttons uses it (the apology, thank-you back…): editable, never
 * removed. Set from the id when the settings are loaded.
 */
built_in: boolean, };
export type CareSettings = { 
/**
 * Owner-lane mail is answered within this many hours (sooner than the rest) …
 */
answer_owner_hours: number, 
/**
 * … and everything else within this many.
 */
answer_assistant_hours: number, 
/**
 * A case waiting on us with no message to the customer for this long raises a nudge.
 */
status_update_hours: number, 
/**
 * Wording the composer warns about before sending ("per our policy"), case-insensitive.
 */
cold_words: Array<string>, 
/**
 * Canned replies with `{first_name}`, `{product}`, `{order_date}`, `{download_link}`,
 * `{my_name}` (and `{topic}` when thanking for a suggestion or a complaint).
 */
templates: Array<Template>, 
/**
 * The customer's download link, with `{order_id}` and `{product}` filled in.
 */
download_link: string, 
/**
 * Orders this close together are one purchase session: mails about them become one case.
 */
session_minutes: number, };
export type AddTaskArgs = { case_id: string, kind: TaskKind, due_ms: number, note: string, phone: string | null, time_zone: string | null, };
export type TaskDoneArgs = { case_id: string, task_id: string, 
/**
 * `false` puts it back on the list.
 */
done: boolean, };
export type GiftArgs = { case_id: string, kind: GiftKind, description: string, amount_minor: number | null, currency: string | null, };
export type RefunderArgs = { case_id: string, decision: RefunderDecision | null, };
export type NoReplyArgs = { case_id: string, 
/**
 * `false` takes it back.
 */
on: boolean, };
export type TemplateArgs = { case_id: string, template_id: string, };
export type RenderedTemplate = { template_id: string, name: string, body: string, must_edit: boolean, };
export type CheckDraftArgs = { case_id: string, body: string, };
export type DraftWarning = { 
/**
 * `name`, `wording`, `question`.
 */
kind: string, message: string, 
/**
 * What it is about: the name used, the words, the customer's question.
 */
evidence: string, };
export type AnswerPart = { id: string, label: string, covered: boolean, };
export type DraftCheck = { warnings: Array<DraftWarning>, 
/**
 * On an owner-angry case: the five parts of a good answer, ticked where the draft has them.
 */
good_answer: Array<AnswerPart>, };
export type MergedCase = { case_id: string, subject: string, 
/**
 * "Bought in one session: …", "Merged by Olivia".
 */
note: string | null, 
/**
 * A person merged it (a split undoes it); otherwise the purchase-session rule did.
 */
manual: boolean, };
export type MergeArgs = { case_id: string, 
/**
 * Show `case_id` inside this case.
 */
into_case_id: string, };
export type FeedbackKind = "suggestion" | "complaint";
export type FeedbackCase = { case_id: string, customer_name: string, customer_email: string, subject: string, last_message_ms: number, 
/**
 * When we thanked them for it.
 */
thanked_ms: number | null, };
export type FeedbackGroup = { kind: FeedbackKind, 
/**
 * The product a complaint is about ("" when unknown, and for suggestions).
 */
product: string, topic: string, cases: Array<FeedbackCase>, 
/**
 * When it shipped (a suggestion) or was fixed (a complaint's cause).
 */
done_ms: number | null, };
export type TopicArgs = { case_id: string, 
/**
 * `null` takes it away.
 */
topic: string | null, };
export type FeedbackArgs = { kind: FeedbackKind, };
export type FeedbackView = { groups: Array<FeedbackGroup>, };
export type FeedbackDoneArgs = { kind: FeedbackKind, product: string, topic: string, 
/**
 * Shipped or fixed; `false` takes it back.
 */
done: boolean, };
export type ThankFeedbackArgs = { kind: FeedbackKind, product: string, topic: string, 
/**
 * With `{first_name}`, `{product}`, `{topic}`, `{my_name}`: filled in for each customer.
 */
body: string, };
export type ThankFeedbackResult = { 
/**
 * Replies queued: one per customer not thanked before.
 */
queued: number, view: FeedbackView, };
export type ConnectOAuthArgs = { 
/**
 * `google` or `microsoft`.
 */
provider: string, email: string, imap_host: string, imap_port: number, smtp_host: string, smtp_port: number, username: string, 
/**
 * `tls`, `starttls` or `none` (IMAP; SMTP uses TLS on 465, STARTTLS elsewhere).
 */
security: string, };
export type ConnectCommerceArgs = { provider: string, 
/**
 * The secret key (Stripe) or access token (Gumroad): kept in the OS keychain, never in the store.
 */
key: string, };
export type CommerceProviderArgs = { 
/**
 * `stripe` or `gumroad`.
 */
provider: string, };
export type CommerceStatus = { stripe: boolean, gumroad: boolean, 
/**
 * A provider import running now, and how far it has read.
 */
importing: ImportProgress | null, };
export type ImportProgress = { 
/**
 * `stripe` or `gumroad`.
 */
provider: string, 
/**
 * Records read so far.
 */
records: number, };
export type ImportProviderArgs = { provider: string, 
/**
 * Everything again, not only what is new since the last import.
 */
full: boolean, };
export type ProviderImportResult = { 
/**
 * "4 new orders, 0 updated, 2 unchanged, 1 refunds, 1 skipped".
 */
summary: string, added: number, updated: number, unchanged: number, refunds: number, 
/**
 * One sentence per record that was skipped ("charge ch_4: amount … is not …").
 */
skipped: Array<string>, };
export type Commands = {
  app_info: { args: Empty; result: AppInfo };
  queue_counts: { args: Empty; result: QueueCounts };
  queue: { args: QueueArgs; result: QueueResult };
  case: { args: CaseArgs; result: CaseDetail };
  search: { args: SearchArgs; result: SearchResult };
  set_lane: { args: SetLaneArgs; result: CaseDetail };
  correct_triage: { args: CorrectArgs; result: CaseDetail };
  review_confirm: { args: ReviewArgs; result: QueueCounts };
  triage_settings: { args: Empty; result: TriageSettings };
  set_triage_settings: { args: TriageSettings; result: TriageSettings };
  update_case: { args: UpdateCaseArgs; result: CaseDetail };
  set_role: { args: SetRoleArgs; result: AppInfo };
  replying: { args: ReplyingArgs; result: Empty };
  send_reply: { args: SendReplyArgs; result: CaseDetail };
  sync_status: { args: Empty; result: SyncState };
  ack_settings: { args: Empty; result: AckSettings };
  set_ack_settings: { args: AckSettings; result: AckSettings };
  discover_settings: { args: DiscoverArgs; result: ServerSettings | null };
  connect_mailbox: { args: ConnectArgs; result: SyncState };
  connect_oauth: { args: ConnectOAuthArgs; result: SyncState };
  refund_order: { args: RefundArgs; result: CaseDetail };
  refund_done: { args: RefundArgs; result: CaseDetail };
  refund_policy: { args: Empty; result: RefundPolicy };
  set_refund_policy: { args: RefundPolicy; result: RefundPolicy };
  care_settings: { args: Empty; result: CareSettings };
  set_care_settings: { args: CareSettings; result: CareSettings };
  add_task: { args: AddTaskArgs; result: CaseDetail };
  task_done: { args: TaskDoneArgs; result: CaseDetail };
  give_gift: { args: GiftArgs; result: CaseDetail };
  decide_refunder: { args: RefunderArgs; result: CaseDetail };
  no_reply_needed: { args: NoReplyArgs; result: CaseDetail };
  thank_you_back: { args: CaseArgs; result: CaseDetail };
  render_template: { args: TemplateArgs; result: RenderedTemplate };
  check_draft: { args: CheckDraftArgs; result: DraftCheck };
  merge_cases: { args: MergeArgs; result: CaseDetail };
  split_case: { args: CaseArgs; result: CaseDetail };
  tag_suggestion: { args: TopicArgs; result: CaseDetail };
  set_complaint_topic: { args: TopicArgs; result: CaseDetail };
  feedback: { args: FeedbackArgs; result: FeedbackView };
  feedback_done: { args: FeedbackDoneArgs; result: FeedbackView };
  thank_feedback: { args: ThankFeedbackArgs; result: ThankFeedbackResult };
  commerce_status: { args: Empty; result: CommerceStatus };
  connect_commerce: { args: ConnectCommerceArgs; result: CommerceStatus };
  disconnect_commerce: { args: CommerceProviderArgs; result: CommerceStatus };
  import_orders_provider: { args: ImportProviderArgs; result: ProviderImportResult };
  refund_at_provider: { args: RefundArgs; result: CaseDetail };
};
