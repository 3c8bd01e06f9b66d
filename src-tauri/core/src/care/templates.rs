//! Canned replies with the customer's details filled in. Some (the apology, the status update)
//! are only a frame: they hold `[bracketed]` parts to write, and sending one unchanged is blocked.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::CareSettings;
use crate::error::{Error, Result};
use crate::store::{cases, orders};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub body: String,
    /// A frame to make personal: sent unchanged, it is blocked.
    pub must_edit: bool,
    /// One of Kindly's own buttons uses it (the apology, thank-you back…): editable, never
    /// removed. Set from the id when the settings are loaded.
    #[serde(default)]
    pub built_in: bool,
}

/// Ids the app itself uses.
pub const APOLOGY: &str = "apology";
pub const THANK_YOU: &str = "thank-you";
pub const STATUS_UPDATE: &str = "status-update";
pub const DECLINE_KINDLY: &str = "decline-kindly";
pub const SUGGESTION_SHIPPED: &str = "suggestion-shipped";
pub const COMPLAINT_FIXED: &str = "complaint-fixed";
/// The canned replies the app's own buttons use.
pub const BUILT_IN: [&str; 6] =
    [APOLOGY, THANK_YOU, STATUS_UPDATE, DECLINE_KINDLY, SUGGESTION_SHIPPED, COMPLAINT_FIXED];

pub fn defaults() -> Vec<Template> {
    let t = |id: &str, name: &str, body: &str, must_edit| Template {
        id: id.into(),
        name: name.into(),
        body: body.into(),
        must_edit,
        built_in: BUILT_IN.contains(&id),
    };
    vec![
        t(
            APOLOGY,
            "Apology",
            "I'm truly sorry: [say what went wrong, in your own words].\n\n\
             You matter to us, and this is not how it should have gone. As a small thank-you for your \
             patience, [your gift].\n\n\
             Here is what happens next: [what we are doing, and by when].\n\n\
             {my_name}",
            true,
        ),
        t(
            THANK_YOU,
            "Thank you back",
            "Thank you so much for your kind words about {product}. Messages like yours are the reason \
             I love doing this, and yours made my day.\n\nWarmly,\n{my_name}",
            false,
        ),
        t(
            STATUS_UPDATE,
            "Status update",
            "A quick update on your request: [where things stand]. I will write again by [when] at the \
             latest, sooner if I have news.\n\nThank you for your patience,\n{my_name}",
            true,
        ),
        t(
            "download-check",
            "Did the download work?",
            "Did the new download of {product} work for you? Here is your link again, just in case: \
             {download_link}\n\nBest,\n{my_name}",
            false,
        ),
        t(
            SUGGESTION_SHIPPED,
            "Your suggestion shipped",
            "A while ago you suggested {topic}. I wanted you to be among the first to know: it is here \
             now, and it is here because you asked. Thank you for taking the time to tell us.\n\n\
             Warmly,\n{my_name}",
            false,
        ),
        t(
            COMPLAINT_FIXED,
            "We fixed what you told us about",
            "You told us about a problem with {product} ({topic}), and I wanted you to know that we have \
             fixed it, thanks to you. I am sorry again that you ran into it.\n\nWarmly,\n{my_name}",
            false,
        ),
        t(
            DECLINE_KINDLY,
            "Decline kindly",
            "Thank you for letting me know about {product}. [Explain kindly why we cannot refund this \
             time, and what we can do instead.]\n\nIf there is anything else I can help with, I am here.\n\n\
             {my_name}",
            true,
        ),
    ]
}

/// What fills a template's `{variables}` for one case.
pub struct Vars {
    pub first_name: String,
    pub product: String,
    pub order_date: String,
    pub download_link: String,
    pub my_name: String,
    /// A suggestion's or complaint's topic, when thanking for one.
    pub topic: String,
}

impl Vars {
    pub fn for_case(conn: &Connection, case_id: &str, settings: &CareSettings) -> Result<Vars> {
        let case = cases::get(conn, case_id)?;
        let latest = match case.customer_id {
            Some(id) => orders::for_customer(conn, id)?.into_iter().next(),
            None => None,
        };
        let link = latest
            .as_ref()
            .filter(|_| !settings.download_link.trim().is_empty())
            .map(|o| settings.download_link.replace("{order_id}", &o.order_id).replace("{product}", &o.product));
        Ok(Vars {
            first_name: crate::mail::compose::first_name(&case.customer_name).unwrap_or("there").to_string(),
            product: latest.as_ref().map_or_else(|| "your purchase".into(), |o| o.product.clone()),
            order_date: latest.as_ref().map_or_else(String::new, |o| human_date(o.purchased_ms)),
            download_link: link.unwrap_or_else(|| "[your download link]".into()),
            my_name: crate::sync::replica::local(conn)?.name,
            topic: String::new(),
        })
    }

    pub fn fill(&self, body: &str) -> String {
        body.replace("{first_name}", &self.first_name)
            .replace("{product}", &self.product)
            .replace("{order_date}", &self.order_date)
            .replace("{download_link}", &self.download_link)
            .replace("{my_name}", &self.my_name)
            .replace("{topic}", &self.topic)
            .trim_end()
            .to_string()
    }
}

fn human_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, |d| d.format("%-d %B %Y").to_string())
}

/// The canned reply `id`, filled in for `case_id`.
pub fn render(conn: &Connection, case_id: &str, id: &str) -> Result<(Template, String)> {
    let settings = CareSettings::load(conn)?;
    let template = settings
        .template(id)
        .cloned()
        .ok_or_else(|| Error::BadArgs(format!("there is no canned reply `{id}`: see Settings → Canned replies")))?;
    let body = Vars::for_case(conn, case_id, &settings)?.fill(&template.body);
    Ok((template, body))
}

/// A draft started from a must-edit template may go out only once someone has made it theirs:
/// changed it, and written every `[bracketed]` part.
pub fn check_edited(conn: &Connection, case_id: &str, template_id: &str, draft: &str) -> Result<()> {
    let (template, rendered) = render(conn, case_id, template_id)?;
    if !template.must_edit {
        return Ok(());
    }
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let unchanged = words(&rendered) == words(draft);
    let open_part = placeholders(&template.body).into_iter().find(|p| draft.contains(p.as_str()));
    match (unchanged, open_part) {
        (true, _) => Err(Error::TemplateUnedited(format!(
            "the {} is still the template word for word: make it personal before sending",
            template.name.to_lowercase()
        ))),
        (false, Some(part)) => {
            Err(Error::TemplateUnedited(format!("write the part that says {part} in your own words first")))
        }
        _ => Ok(()),
    }
}

/// The `[bracketed]` parts of a template body.
fn placeholders(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('[') {
        let Some(len) = rest[start..].find(']') else { break };
        out.push(rest[start..start + len + 1].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_parts_left_to_write() {
        assert_eq!(placeholders("I'm sorry: [what]. Next: [when]."), vec!["[what]", "[when]"]);
        assert!(placeholders("no parts").is_empty());
        assert_eq!(placeholders("broken [part"), Vec::<String>::new());
    }

    #[test]
    fn every_default_must_edit_template_has_parts_to_write() {
        for t in defaults() {
            assert_eq!(t.must_edit, !placeholders(&t.body).is_empty(), "{}", t.id);
        }
    }
}
