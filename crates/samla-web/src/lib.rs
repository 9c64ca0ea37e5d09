//! samla's web layer: axum routes per feature, the request context, middleware,
//! templates, the stylesheet and the JSON API.
//!
//! Handlers parse input, call the store with a capability from the access policy,
//! and render. They hold no SQL and make no access decisions of their own.

pub mod ctx;
pub mod error;
pub mod flash;
pub mod forms;
pub mod i18n;
pub mod mail;
pub mod map;
pub mod observe;
pub mod openapi;
pub mod page_cache;
pub mod paging;
mod pdf;
pub mod routes;
pub mod security;

use samla_db::Db;
use samla_db::sessions::Lifetimes;

/// Settings the web layer needs at run time.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Served over plain HTTP (local use and the demo): the session cookie is neither
    /// `Secure` nor `__Host-` prefixed, and no HSTS is sent. Off unless asked for.
    pub plain_http: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry, which a reverse
    /// proxy in front appends; otherwise it is the connection's.
    pub behind_proxy: bool,
    pub session: Lifetimes,
    /// Where users write about the service, accessibility, privacy and security; shown
    /// on the contact, accessibility and privacy pages. Empty: they are sent to their
    /// county governor's contact point.
    pub contact_email: String,
    /// Whether an SMTP server is configured and the mail worker runs; without one, the
    /// preferences page says that e-mail is off.
    pub mail_on: bool,
}

impl WebConfig {
    /// The session cookie's name. Over HTTPS it carries the `__Host-` prefix, which
    /// browsers accept only from this host, over a secure connection, for the whole
    /// site: a neighbouring subdomain or a plain-HTTP attacker cannot plant one.
    pub fn session_cookie(&self) -> &'static str {
        if self.plain_http {
            ctx::SESSION_COOKIE_PLAIN
        } else {
            ctx::SESSION_COOKIE_SECURE
        }
    }

    /// The attributes every cookie samla sets ends with.
    pub fn cookie_attributes(&self) -> &'static str {
        if self.plain_http {
            "; Path=/; SameSite=Lax"
        } else {
            "; Path=/; SameSite=Lax; Secure"
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: WebConfig,
    pub metrics: std::sync::Arc<observe::Metrics>,
    /// Public report pages as last rendered (`page_cache`).
    pub pages: std::sync::Arc<page_cache::PageCache>,
    /// Answers computed from many rows (`page_cache::DataCache`).
    pub data: std::sync::Arc<page_cache::DataCache>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> AppState {
        AppState {
            db,
            config,
            metrics: Default::default(),
            pages: Default::default(),
            data: Default::default(),
        }
    }
}

pub use routes::router;
