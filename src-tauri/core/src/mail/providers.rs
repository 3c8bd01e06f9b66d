//! Server settings from an address: a built-in table for the providers most sellers use, then
//! Mozilla-style autoconfig (the domain's own file, then Thunderbird's ISPDB) where reachable.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServerSettings {
    pub imap_host: String,
    pub imap_port: u16,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// For IMAP: `tls` or `starttls`. SMTP uses implicit TLS on 465, STARTTLS elsewhere.
    pub security: String,
    /// Usually the address itself.
    pub username: String,
    /// "Gmail", or the domain that published the settings.
    pub provider: String,
    /// `built-in` or the URL the settings came from.
    pub source: String,
    /// What the person should know, e.g. that Gmail wants an app password.
    pub advice: Option<String>,
    /// `google` or `microsoft` when Kindly can sign in with the provider (OAuth2) instead of a
    /// password.
    pub oauth: Option<String>,
}

struct Known {
    domains: &'static [&'static str],
    provider: &'static str,
    imap: (&'static str, u16),
    smtp: (&'static str, u16),
    advice: &'static str,
}

const KNOWN: &[Known] = &[
    Known {
        domains: &["gmail.com", "googlemail.com"],
        provider: "Gmail",
        imap: ("imap.gmail.com", 993),
        smtp: ("smtp.gmail.com", 465),
        advice: "Gmail needs an app password (Google Account → Security → App passwords) unless you sign in with Google.",
    },
    Known {
        domains: &["outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com"],
        provider: "Microsoft 365 / Outlook",
        imap: ("outlook.office365.com", 993),
        smtp: ("smtp.office365.com", 587),
        advice: "Microsoft accounts sign in with Microsoft; an app password works where your admin allows it.",
    },
    Known {
        domains: &["fastmail.com", "fastmail.fm", "fastmail.net"],
        provider: "Fastmail",
        imap: ("imap.fastmail.com", 993),
        smtp: ("smtp.fastmail.com", 465),
        advice: "Fastmail needs an app password (Settings → Privacy & Security → App passwords).",
    },
    Known {
        domains: &["icloud.com", "me.com", "mac.com"],
        provider: "iCloud Mail",
        imap: ("imap.mail.me.com", 993),
        smtp: ("smtp.mail.me.com", 587),
        advice: "iCloud needs an app-specific password (appleid.apple.com → Sign-In and Security).",
    },
    Known {
        domains: &["zoho.com", "zohomail.com", "zoho.eu"],
        provider: "Zoho Mail",
        imap: ("imap.zoho.com", 993),
        smtp: ("smtp.zoho.com", 465),
        advice: "Zoho needs IMAP access switched on (Settings → Mail Accounts) and an app password with 2FA.",
    },
];

fn domain_of(email: &str) -> Result<String> {
    email
        .trim()
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .filter(|d| d.contains('.') && !d.contains('/'))
        .ok_or_else(|| Error::BadArgs(format!("`{email}` is not an email address")))
}

/// The built-in settings for `email`, if its provider is one Kindly knows.
pub fn built_in(email: &str) -> Result<Option<ServerSettings>> {
    let domain = domain_of(email)?;
    Ok(KNOWN.iter().find(|k| k.domains.contains(&domain.as_str())).map(|k| ServerSettings {
        imap_host: k.imap.0.into(),
        imap_port: k.imap.1,
        smtp_host: k.smtp.0.into(),
        smtp_port: k.smtp.1,
        security: "tls".into(),
        username: email.trim().to_string(),
        provider: k.provider.into(),
        source: "built-in".into(),
        advice: Some(k.advice.into()),
        oauth: super::oauth::Provider::for_settings(k.provider).map(|p| p.as_str().to_string()),
    }))
}

/// Where autoconfig files are looked for, in order. `KINDLY_AUTOCONFIG_URLS` (comma-separated,
/// `{domain}` and `{email}` filled in) replaces the list: tests point it at a local server.
fn autoconfig_urls(domain: &str, email: &str) -> Vec<String> {
    let templates = std::env::var("KINDLY_AUTOCONFIG_URLS").unwrap_or_else(|_| {
        "https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email},\
         https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml,\
         https://autoconfig.thunderbird.net/v1.1/{domain}"
            .into()
    });
    templates
        .split(',')
        .map(|t| t.trim().replace("{domain}", domain).replace("{email}", email))
        .filter(|u| !u.is_empty())
        .collect()
}

/// Settings for `email`: the built-in table first, then autoconfig. `Ok(None)` when nobody
/// knows: the person types them in.
pub async fn discover(email: &str) -> Result<Option<ServerSettings>> {
    if let Some(known) = built_in(email)? {
        return Ok(Some(known));
    }
    let domain = domain_of(email)?;
    let mut tls = (*super::tls::client_config()?).clone();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(std::time::Duration::from_secs(8))
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| Error::Invalid(format!("HTTP setup: {e}")))?;
    for url in autoconfig_urls(&domain, email.trim()) {
        let Ok(response) = client.get(&url).send().await else { continue };
        if !response.status().is_success() {
            continue;
        }
        // A config file is a few KB; refuse anything that is not.
        if response.content_length().is_some_and(|n| n > 256 * 1024) {
            continue;
        }
        let Ok(body) = response.text().await else { continue };
        if let Some(mut found) = parse_autoconfig(&body, email.trim()) {
            found.source = url;
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Reads a Mozilla autoconfig file (clientConfig v1.1): the first IMAP server and the first SMTP
/// server, preferring TLS over STARTTLS and never a plain connection.
pub fn parse_autoconfig(xml: &str, email: &str) -> Option<ServerSettings> {
    let (local, domain) = email.rsplit_once('@')?;
    let fill = |s: &str| {
        s.replace("%EMAILADDRESS%", email).replace("%EMAILLOCALPART%", local).replace("%EMAILDOMAIN%", domain)
    };
    let servers = |tag: &str, kind: &str| -> Vec<(String, u16, String, String)> {
        let open = format!("<{tag}");
        let close = format!("</{tag}>");
        xml.split(&open)
            .skip(1)
            .filter_map(|chunk| {
                let (head, rest) = chunk.split_once('>')?;
                if !head.contains(&format!("type=\"{kind}\"")) {
                    return None;
                }
                let body = rest.split(&close).next()?;
                let field = |name: &str| {
                    body.split(&format!("<{name}>")).nth(1)?.split(&format!("</{name}>")).next().map(|v| fill(v.trim()))
                };
                let security = match field("socketType")?.as_str() {
                    "SSL" => "tls",
                    "STARTTLS" => "starttls",
                    _ => return None,
                };
                let host = field("hostname").filter(|h| !h.is_empty() && !h.contains(['<', '/', ' ']))?;
                Some((host, field("port")?.parse().ok()?, security.to_string(), field("username").unwrap_or_default()))
            })
            .collect()
    };
    let pick = |mut list: Vec<(String, u16, String, String)>| {
        list.sort_by_key(|s| s.2 != "tls");
        list.into_iter().next()
    };
    let imap = pick(servers("incomingServer", "imap"))?;
    let smtp = pick(servers("outgoingServer", "smtp"))?;
    let provider = xml
        .split("<displayShortName>")
        .nth(1)
        .and_then(|s| s.split("</displayShortName>").next())
        .map_or_else(|| domain.to_string(), |s| s.trim().to_string());
    Some(ServerSettings {
        imap_host: imap.0,
        imap_port: imap.1,
        smtp_host: smtp.0,
        smtp_port: smtp.1,
        security: imap.2,
        username: if imap.3.is_empty() { email.to_string() } else { imap.3 },
        provider,
        source: String::new(),
        advice: None,
        oauth: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_providers_are_built_in() {
        let g = built_in("Shop.Owner@gmail.com").unwrap().unwrap();
        assert_eq!((g.imap_host.as_str(), g.imap_port, g.smtp_port), ("imap.gmail.com", 993, 465));
        assert_eq!(g.oauth.as_deref(), Some("google"));
        let m = built_in("me@outlook.com").unwrap().unwrap();
        assert_eq!(m.oauth.as_deref(), Some("microsoft"));
        assert_eq!(built_in("me@fastmail.com").unwrap().unwrap().oauth, None);
        assert_eq!((m.smtp_host.as_str(), m.smtp_port), ("smtp.office365.com", 587));
        assert!(built_in("me@icloud.com").unwrap().is_some() && built_in("me@fastmail.com").unwrap().is_some());
        assert!(built_in("me@zoho.com").unwrap().is_some());
        assert_eq!(built_in("me@myshop.example").unwrap(), None);
        assert!(built_in("not an address").is_err());
    }

    #[test]
    fn reads_an_autoconfig_file_and_prefers_tls_and_refuses_plain() {
        let xml = r#"<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="shop.example">
          <displayShortName>ShopMail</displayShortName>
          <incomingServer type="pop3"><hostname>pop.shop.example</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
          <incomingServer type="imap"><hostname>imap.shop.example</hostname><port>143</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></incomingServer>
          <incomingServer type="imap"><hostname>imaps.shop.example</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
          <outgoingServer type="smtp"><hostname>smtp.shop.example</hostname><port>25</port><socketType>plain</socketType></outgoingServer>
          <outgoingServer type="smtp"><hostname>smtp.shop.example</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
        </emailProvider></clientConfig>"#;
        let s = parse_autoconfig(xml, "ann@shop.example").unwrap();
        assert_eq!((s.imap_host.as_str(), s.imap_port, s.security.as_str()), ("imaps.shop.example", 993, "tls"));
        assert_eq!((s.smtp_host.as_str(), s.smtp_port), ("smtp.shop.example", 587));
        assert_eq!((s.username.as_str(), s.provider.as_str()), ("ann@shop.example", "ShopMail"));
        assert_eq!(parse_autoconfig("<html>not found</html>", "ann@shop.example"), None);
    }
}
