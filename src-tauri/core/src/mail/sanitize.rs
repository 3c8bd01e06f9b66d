//! Mail HTML is hostile input. It is cleaned here, in the core, before any window sees it: no
//! scripts, no event handlers, no `javascript:` links, no forms or frames, and no remote content
//! (tracking pixels, remote images and styles) until the person allows it.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Sanitized {
    pub html: String,
    /// True when remote images or other remote content were removed.
    pub remote_blocked: bool,
}

pub fn sanitize_html(html: &str) -> Sanitized {
    let remote_blocked = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&remote_blocked);
    let cleaned = ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        // These tags' text is not content: drop it with the tag.
        .clean_content_tags(HashSet::from(["script", "style", "title", "head"]))
        .attribute_filter(move |element, attribute, value| {
            // Any image that is not an inline part would be fetched from the sender's server.
            let remote = (element == "img" && attribute == "src" && !value.trim_start().starts_with("cid:"))
                || attribute == "background"
                || (attribute == "style" && value.to_ascii_lowercase().contains("url("));
            if remote {
                flag.store(true, Ordering::Relaxed);
                return None;
            }
            Some(value.into())
        })
        .clean(html)
        .to_string();
    Sanitized { html: cleaned, remote_blocked: remote_blocked.load(Ordering::Relaxed) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_defanged() {
        let s = sanitize_html(
            r#"<title>Invoice overdue</title><p>Hi</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>
               <img src="https://tracker.example/p.gif"><iframe src="https://evil.example"></iframe>
               <a href="https://quillmark.example/help">help</a>"#,
        );
        let h = s.html.to_lowercase();
        for bad in ["<script", "onerror", "javascript:", "tracker.example", "<iframe", "invoice overdue"] {
            assert!(!h.contains(bad), "{bad} survived: {h}");
        }
        assert!(h.contains("https://quillmark.example/help"));
        assert!(s.remote_blocked);
    }

    #[test]
    fn inline_images_stay() {
        let s = sanitize_html(r#"<img src="cid:logo@x" alt="logo">"#);
        assert!(s.html.contains("cid:logo@x"));
        assert!(!s.remote_blocked);
    }
}
