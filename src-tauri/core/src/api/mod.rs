//! The command contract: every front end (desktop window, web mode, CLI) calls `dispatch` with a
//! command name and JSON arguments. The `commands!` table below is the single declaration of the
//! commands; the TypeScript bindings and the dispatcher are both generated from it.

pub mod bindings;
mod handlers;
pub mod types;

use serde_json::Value;

use crate::error::Error;
use crate::store::Store;
pub use types::*;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError { code: e.code().to_string(), message: e.to_string() }
    }
}

macro_rules! commands {
    ($($name:ident($args:ty) -> $result:ty;)*) => {
        /// Runs command `name` with `args` (a JSON object; `null` counts as `{}`).
        pub fn dispatch(store: &mut Store, name: &str, args: Value) -> Result<Value, ApiError> {
            let args = if args.is_null() { Value::Object(Default::default()) } else { args };
            match name {
                $(stringify!($name) => {
                    let args: $args = serde_json::from_value(args)
                        .map_err(|e| Error::BadArgs(format!("{}: {e}", stringify!($name))))?;
                    let result: $result = handlers::$name(store, args)?;
                    Ok(serde_json::to_value(result).map_err(|e| Error::Invalid(e.to_string()))?)
                })*
                other => Err(Error::UnknownCommand(other.to_string()).into()),
            }
        }

        /// `export type Commands = { name: { args: A; result: R }; … }` for the TypeScript side.
        pub(crate) fn command_map_ts() -> String {
            use ts_rs::TS;
            let mut out = String::from("export type Commands = {\n");
            $(out.push_str(&format!(
                "  {}: {{ args: {}; result: {} }};\n",
                stringify!($name), <$args as TS>::name(), <$result as TS>::name()
            ));)*
            out.push_str("};\n");
            out
        }
    };
}

/// Commands that wait on the outside world for long (a browser sign-in, a payment provider's
/// pages): in a window they run on a store connection of their own, so the window's other calls
/// go on meanwhile (SQLite serializes the writes).
const LONG_COMMANDS: [&str; 2] = ["connect_oauth", "import_orders_provider"];

/// Runs `name` for a window whose store is shared (the desktop app, `kindly serve`): locked for
/// the command, except the long ones.
pub fn dispatch_shared(store: &std::sync::Mutex<Store>, name: &str, args: Value) -> Result<Value, ApiError> {
    let lock = || store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !LONG_COMMANDS.contains(&name) {
        return dispatch(&mut lock(), name, args);
    }
    let path = lock().path().to_path_buf();
    dispatch(&mut Store::open(&path)?, name, args)
}

commands! {
    app_info(Empty) -> AppInfo;
    queue_counts(Empty) -> QueueCounts;
    queue(QueueArgs) -> QueueResult;
    case(CaseArgs) -> CaseDetail;
    search(SearchArgs) -> SearchResult;
    set_lane(SetLaneArgs) -> CaseDetail;
    correct_triage(CorrectArgs) -> CaseDetail;
    review_confirm(ReviewArgs) -> QueueCounts;
    triage_settings(Empty) -> TriageSettings;
    set_triage_settings(TriageSettings) -> TriageSettings;
    update_case(UpdateCaseArgs) -> CaseDetail;
    set_role(SetRoleArgs) -> AppInfo;
    replying(ReplyingArgs) -> Empty;
    send_reply(SendReplyArgs) -> CaseDetail;
    sync_status(Empty) -> SyncState;
    ack_settings(Empty) -> AckSettings;
    set_ack_settings(AckSettings) -> AckSettings;
    discover_settings(DiscoverArgs) -> Option<ServerSettings>;
    connect_mailbox(ConnectArgs) -> SyncState;
    connect_oauth(ConnectOAuthArgs) -> SyncState;
    refund_order(RefundArgs) -> CaseDetail;
    refund_done(RefundArgs) -> CaseDetail;
    refund_policy(Empty) -> RefundPolicy;
    set_refund_policy(RefundPolicy) -> RefundPolicy;
    care_settings(Empty) -> CareSettings;
    set_care_settings(CareSettings) -> CareSettings;
    add_task(AddTaskArgs) -> CaseDetail;
    task_done(TaskDoneArgs) -> CaseDetail;
    give_gift(GiftArgs) -> CaseDetail;
    decide_refunder(RefunderArgs) -> CaseDetail;
    no_reply_needed(NoReplyArgs) -> CaseDetail;
    thank_you_back(CaseArgs) -> CaseDetail;
    render_template(TemplateArgs) -> RenderedTemplate;
    check_draft(CheckDraftArgs) -> DraftCheck;
    merge_cases(MergeArgs) -> CaseDetail;
    split_case(CaseArgs) -> CaseDetail;
    tag_suggestion(TopicArgs) -> CaseDetail;
    set_complaint_topic(TopicArgs) -> CaseDetail;
    feedback(FeedbackArgs) -> FeedbackView;
    feedback_done(FeedbackDoneArgs) -> FeedbackView;
    thank_feedback(ThankFeedbackArgs) -> ThankFeedbackResult;
    commerce_status(Empty) -> CommerceStatus;
    connect_commerce(ConnectCommerceArgs) -> CommerceStatus;
    disconnect_commerce(CommerceProviderArgs) -> CommerceStatus;
    import_orders_provider(ImportProviderArgs) -> ProviderImportResult;
    refund_at_provider(RefundArgs) -> CaseDetail;
}
