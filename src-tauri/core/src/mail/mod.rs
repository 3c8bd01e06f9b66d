//! Mail: parse raw messages, split mbox files, walk maildirs, thread, and import into the store.

pub mod ack;
pub mod compose;
pub mod connect;
pub mod imap;
pub mod import;
pub mod maildir;
pub mod mbox;
pub mod oauth;
pub mod ours;
pub mod parse;
pub mod providers;
pub mod sanitize;
pub mod smtp;
pub mod thread;
pub mod tls;

pub use parse::{Attachment, ParsedMessage, parse};
