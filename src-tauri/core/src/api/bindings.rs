//! Generates `ui/src/bindings/index.ts` from the contract's types. A test fails when the committed
//! file differs; `KINDLY_WRITE_BINDINGS=1 cargo test -p kindly-core bindings` rewrites it.

use ts_rs::TS;

use super::types::*;

pub fn typescript() -> String {
    let decls = [
        Lane::decl(),
        QueueName::decl(),
        CaseStatus::decl(),
        Direction::decl(),
        ApiError::decl(),
        Empty::decl(),
        AppInfo::decl(),
        QueueCounts::decl(),
        QueueArgs::decl(),
        QueueItem::decl(),
        QueueResult::decl(),
        CaseArgs::decl(),
        AttachmentView::decl(),
        MessageView::decl(),
        FromCase::decl(),
        OrderView::decl(),
        CustomerView::decl(),
        NoteView::decl(),
        CaseDetail::decl(),
        SearchArgs::decl(),
        SearchResult::decl(),
        SearchHit::decl(),
        Correction::decl(),
        SetLaneArgs::decl(),
        CorrectArgs::decl(),
        ReviewArgs::decl(),
        TriageSettings::decl(),
        Role::decl(),
        PeerView::decl(),
        OutboxView::decl(),
        AssignTo::decl(),
        UpdateCaseArgs::decl(),
        SetRoleArgs::decl(),
        ReplyingArgs::decl(),
        SendReplyArgs::decl(),
        SyncPhase::decl(),
        SyncProgress::decl(),
        SyncState::decl(),
        AckSettings::decl(),
        Eligibility::decl(),
        RefundPolicy::decl(),
        RefundArgs::decl(),
        ServerSettings::decl(),
        DiscoverArgs::decl(),
        MailServers::decl(),
        ConnectArgs::decl(),
        Answering::decl(),
        TaskKind::decl(),
        Task::decl(),
        GiftKind::decl(),
        Gift::decl(),
        RefunderDecision::decl(),
        Template::decl(),
        CareSettings::decl(),
        AddTaskArgs::decl(),
        TaskDoneArgs::decl(),
        GiftArgs::decl(),
        RefunderArgs::decl(),
        NoReplyArgs::decl(),
        TemplateArgs::decl(),
        RenderedTemplate::decl(),
        CheckDraftArgs::decl(),
        DraftWarning::decl(),
        AnswerPart::decl(),
        DraftCheck::decl(),
        MergedCase::decl(),
        MergeArgs::decl(),
        FeedbackKind::decl(),
        FeedbackCase::decl(),
        FeedbackGroup::decl(),
        TopicArgs::decl(),
        FeedbackArgs::decl(),
        FeedbackView::decl(),
        FeedbackDoneArgs::decl(),
        ThankFeedbackArgs::decl(),
        ThankFeedbackResult::decl(),
        ConnectOAuthArgs::decl(),
        ConnectCommerceArgs::decl(),
        CommerceProviderArgs::decl(),
        CommerceStatus::decl(),
        crate::commerce::progress::ImportProgress::decl(),
        ImportProviderArgs::decl(),
        ProviderImportResult::decl(),
    ];
    let mut out = String::from(
        "// Generated from kindly-core's contract (src-tauri/core/src/api). Do not edit: run\n\
         // `KINDLY_WRITE_BINDINGS=1 cargo test -p kindly-core bindings` after changing the Rust types.\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out.push_str(&super::command_map_ts());
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_match_the_committed_file() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings/index.ts");
        let generated = super::typescript();
        if std::env::var_os("KINDLY_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings/index.ts is out of date with the Rust contract. \
             Run `KINDLY_WRITE_BINDINGS=1 cargo test -p kindly-core bindings` and commit the result."
        );
    }
}
