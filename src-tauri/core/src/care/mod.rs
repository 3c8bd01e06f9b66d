//! Caring for customers beyond the reply itself: everyone gets an answer (the unanswered tracker
//! and status-update nudges), follow-ups and callbacks, gifts for those we let down, the owner's
//! call on serial refunders, canned replies, and the composer's kindness checks.

pub mod decisions;
pub mod draft;
pub mod feedback;
pub mod gifts;
pub mod phones;
pub mod settings;
pub mod tasks;
pub mod templates;
pub mod tracker;

pub use settings::CareSettings;
