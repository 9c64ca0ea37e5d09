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
pub mod map;
pub mod openapi;
pub mod routes;
pub mod security;

use samla_db::Db;
use samla_db::sessions::Lifetimes;

/// Settings the web layer needs at run time.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (and send HSTS): set when served over HTTPS.
    pub secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry, which a reverse
    /// proxy in front appends; otherwise it is the connection's.
    pub behind_proxy: bool,
    pub session: Lifetimes,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: WebConfig,
}

pub use routes::router;
