//! One error type for the core. Every variant maps to a stable `code` the UI can act on, and its
//! message says what to do.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not open the case store at {path}: {source}. Check that the folder exists and is writable.")]
    OpenStore { path: PathBuf, source: rusqlite::Error },
    #[error("the case store was written by a newer Kindly (schema {found}, this build knows {known}). Update Kindly.")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("could not read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "no case with id {0}. It may have been merged or the id is mistyped; list cases with `kindly queue owner`."
    )]
    CaseNotFound(String),
    #[error("unknown command `{0}`")]
    UnknownCommand(String),
    #[error("invalid arguments: {0}")]
    BadArgs(String),
    #[error(
        "No mailbox is connected, so there is nothing to send from or sync with. Connect your support mailbox first (`kindly account add …`)."
    )]
    NoMailbox,
    #[error(
        "the OS keychain could not be used ({0}). Kindly keeps passwords in the Secret Service (GNOME Keyring or KWallet) on Linux: start one, or use --password-env VAR instead."
    )]
    Keychain(String),
    /// A must-edit template (the apology) about to go out unchanged: a gentle stop.
    #[error("{0}")]
    TemplateUnedited(String),
    /// Closing a case whose customer has not had an answer.
    #[error("{0}")]
    NeedsAnswer(String),
    /// An OAuth2 sign-in or token refresh failed; the message says what to do.
    #[error("{0}")]
    OAuth(String),
    /// The provider no longer accepts the saved sign-in (`invalid_grant`): sign in again.
    #[error("{0}")]
    SignInAgain(String),
    /// A payment provider (Stripe, Gumroad) refused or failed; the message says what to do.
    #[error("{0}")]
    Provider(String),
    /// A compiled-in model (tone heads, sentence embedding) is damaged: the build is broken.
    #[error("{0}")]
    Model(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// The stable machine-readable code; the UI and scripts switch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Error::OpenStore { .. } => "store_unavailable",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Db(_) => "database",
            Error::Io { .. } => "io",
            Error::CaseNotFound(_) => "case_not_found",
            Error::UnknownCommand(_) => "unknown_command",
            Error::BadArgs(_) => "bad_args",
            Error::NoMailbox => "no_mailbox",
            Error::TemplateUnedited(_) => "template_unedited",
            Error::NeedsAnswer(_) => "needs_answer",
            Error::Keychain(_) => "keychain",
            Error::OAuth(_) => "oauth",
            Error::SignInAgain(_) => "sign_in_again",
            Error::Provider(_) => "provider",
            Error::Model(_) => "model",
            Error::Invalid(_) => "invalid",
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
