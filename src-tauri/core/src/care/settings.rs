//! The owner's care settings, shared by both replicas: answer targets per lane, when a case we
//! work on needs a status update, the words the composer warns about, and the canned replies.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::templates::{self, Template};
use crate::error::{Error, Result};
use crate::store::settings;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CareSettings {
    /// Owner-lane mail is answered within this many hours (sooner than the rest) …
    pub answer_owner_hours: u32,
    /// … and everything else within this many.
    pub answer_assistant_hours: u32,
    /// A case waiting on us with no message to the customer for this long raises a nudge.
    pub status_update_hours: u32,
    /// Wording the composer warns about before sending ("per our policy"), case-insensitive.
    pub cold_words: Vec<String>,
    /// Canned replies with `{first_name}`, `{product}`, `{order_date}`, `{download_link}`,
    /// `{my_name}` (and `{topic}` when thanking for a suggestion or a complaint).
    pub templates: Vec<Template>,
    /// The customer's download link, with `{order_id}` and `{product}` filled in.
    pub download_link: String,
    /// Orders this close together are one purchase session: mails about them become one case.
    #[serde(default = "default_session_minutes")]
    pub session_minutes: u32,
}

fn default_session_minutes() -> u32 {
    30
}

impl Default for CareSettings {
    fn default() -> Self {
        CareSettings {
            answer_owner_hours: 4,
            answer_assistant_hours: 24,
            status_update_hours: 48,
            cold_words: [
                "blacklist",
                "as stated",
                "per our policy",
                "you failed to",
                "as i already said",
                "your fault",
                "unfortunately we cannot",
                "you should have",
                "obviously",
                "calm down",
            ]
            .map(String::from)
            .to_vec(),
            templates: templates::defaults(),
            download_link: String::new(),
            session_minutes: default_session_minutes(),
        }
    }
}

impl CareSettings {
    pub const KEY: &str = "care.settings";

    pub fn load(conn: &Connection) -> Result<Self> {
        let mut care: CareSettings =
            settings::get(conn, Self::KEY)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        for t in &mut care.templates {
            t.built_in = templates::BUILT_IN.contains(&t.id.as_str());
        }
        // Built-in replies added by a newer Kindly join settings saved before them.
        for t in templates::defaults() {
            if t.built_in && care.template(&t.id).is_none() {
                care.templates.push(t);
            }
        }
        Ok(care)
    }

    pub fn validate(&self) -> Result<()> {
        let hours = |h: u32| (1..=24 * 60).contains(&h);
        let problem = if !hours(self.answer_owner_hours) || !hours(self.answer_assistant_hours) {
            Some("answer targets are 1 to 1,440 hours".to_string())
        } else if self.session_minutes > 24 * 60 {
            Some("a purchase session is at most 1,440 minutes (a day); 0 switches merging off".to_string())
        } else if !hours(self.status_update_hours) {
            Some("the status-update nudge is 1 to 1,440 hours".to_string())
        } else if let Some(t) = self.templates.iter().find(|t| t.id.trim().is_empty() || t.body.trim().is_empty()) {
            Some(format!("the canned reply “{}” needs an id and some text", t.name))
        } else if self.templates.iter().enumerate().any(|(i, t)| self.templates[..i].iter().any(|u| u.id == t.id)) {
            Some("two canned replies share an id: give each its own".to_string())
        } else {
            templates::BUILT_IN
                .iter()
                .find(|id| self.template(id).is_none())
                .map(|id| format!("the canned reply `{id}` is used by Kindly's own buttons: edit it, but keep it"))
        };
        problem.map_or(Ok(()), |p| Err(Error::BadArgs(p)))
    }

    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }
}
