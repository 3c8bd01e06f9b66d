// Generated from kindly-core's contract (src-tauri/core/src/api). Do not edit: run
// `KINDLY_WRITE_BINDINGS=1 cargo test -p kindly-core bindings` after changing the Rust types.
export type Lane = "owner-excellent" | "owner-angry" | "assistant";
export type QueueName = "owner" | "owner-excellent" | "owner-angry" | "assistant" | "waiting" | "done" | "all" | "review";
export type CaseStatus = "open" | "waiting" | "closed";
export type Direction = "inbound" | "outbound";
export type ApiError = { code: string, message: string, };
export type Empty = Record<string, never>;
export type AppInfo = { version: string, role: string, demo: boolean, db_path: string, message_count: number, case_count: number, };
export type QueueCounts = { owner: number, owner_excellent: number, owner_angry: number, assistant: number, waiting: number, done: number, all: number, 
/**
 * New cases the owner has not reviewed yet.
 */
review: number, };
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
reviewed: boolean, corrections: Array<Correction>, };
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
raw_source: string | null, };
export type OrderView = { order_id: string, product: string, amount_minor: number, currency: string, purchased_ms: number, refunded_ms: number | null, };
export type CustomerView = { email: string, name: string, aliases: Array<string>, lifetime_value_minor: number, currency: string, order_count: number, refund_count: number, orders: Array<OrderView>, };
export type NoteView = { id: number, author_role: string, body: string, created_ms: number, };
export type CaseDetail = { messages: Array<MessageView>, customer: CustomerView | null, notes: Array<NoteView>, case_id: string, customer_email: string, customer_name: string, subject: string, lane: Lane, score: number, reasons: Array<string>, 
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
reviewed: boolean, corrections: Array<Correction>, };
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
};
