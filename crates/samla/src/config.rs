//! Configuration from flags, environment and an optional TOML file, in that order of
//! precedence, falling back to defaults that run samla with no set-up at all.

use serde::Deserialize;
use std::path::Path;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/samla.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What the optional file (`--config`, `SAMLA_CONFIG`) may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub plain_http: Option<bool>,
    pub behind_proxy: Option<bool>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub contact_email: Option<String>,
    /// The SMTP server e-mail goes through; without one, e-mail is off.
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    /// The site's address as users reach it, for links in e-mail.
    pub site_url: Option<String>,
}

impl FileConfig {
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("invalid config file {}: {e}", path.display()))
    }
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub listen: String,
    /// Served over plain HTTP (local use): cookies without `Secure`, no HSTS. Only
    /// when asked for; the demo asks.
    pub plain_http: bool,
    /// A reverse proxy in front appends the client's address to `X-Forwarded-For`.
    pub behind_proxy: bool,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Shown on the contact, accessibility and privacy pages.
    pub contact_email: Option<String>,
    /// E-mail, when an SMTP server is named (`smtp_url`, `SAMLA_SMTP_URL`).
    pub mail: Option<samla_web::mail::MailConfig>,
}

impl Settings {
    /// Flags and environment (already merged by clap) win over the file, the file over defaults.
    pub fn resolve(
        database_url: Option<String>,
        listen: Option<String>,
        plain_http: Option<bool>,
        behind_proxy: Option<bool>,
        file: FileConfig,
    ) -> Settings {
        let listen = listen
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.into());
        Settings {
            database_url: database_url
                .or(file.database_url)
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            plain_http: plain_http.or(file.plain_http).unwrap_or(false),
            behind_proxy: behind_proxy.or(file.behind_proxy).unwrap_or(false),
            session_idle_minutes: file.session_idle_minutes.unwrap_or(30),
            session_absolute_hours: file.session_absolute_hours.unwrap_or(12),
            contact_email: std::env::var("SAMLA_CONTACT_EMAIL")
                .ok()
                .filter(|e| !e.trim().is_empty())
                .or(file.contact_email),
            mail: env_or("SAMLA_SMTP_URL", file.smtp_url).map(|smtp_url| {
                samla_web::mail::MailConfig {
                    smtp_url,
                    from: env_or("SAMLA_MAIL_FROM", file.mail_from)
                        .unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
                    site_url: env_or("SAMLA_SITE_URL", file.site_url)
                        .unwrap_or_else(|| format!("http://{listen}")),
                }
            }),
            listen,
        }
    }
}

/// The sender when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "samla <ikke-svar@localhost>";

/// A setting from the environment when it is set and not blank, else from the file.
fn env_or(name: &str, file: Option<String>) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or(file)
        .filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileConfig =
            toml::from_str("database_url = \"sqlite://x.db\"\nlisten = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(None, Some("127.0.0.1:1".into()), None, None, file);
        assert_eq!(s.database_url, "sqlite://x.db");
        assert_eq!(s.listen, "127.0.0.1:1");
        let s = Settings::resolve(None, None, None, None, FileConfig::default());
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert!(
            !s.plain_http,
            "cookies are Secure unless plain HTTP is asked for"
        );
        assert!(toml::from_str::<FileConfig>("typo = 1").is_err());
        assert!(
            s.mail.is_none() || std::env::var("SAMLA_SMTP_URL").is_ok(),
            "e-mail is off unless named"
        );
        let file: FileConfig = toml::from_str("smtp_url = \"smtp://127.0.0.1:2525\"").unwrap();
        let s = Settings::resolve(None, Some("127.0.0.1:1".into()), None, None, file);
        let mail = s.mail.expect("e-mail is on");
        assert_eq!(mail.from, DEFAULT_MAIL_FROM);
        assert_eq!(mail.site_url, "http://127.0.0.1:1");
    }
}
