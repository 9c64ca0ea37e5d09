//! Security middleware: response headers on every response, and cross-site request
//! forgery protection on every state-changing request.
//!
//! CSRF: browsers send `Sec-Fetch-Site` (and `Origin`) with every POST; a request is
//! accepted only if it comes from this site. A request with neither header is accepted
//! only when it carries no session cookie (a script with an API token, say), so a
//! cookie can never be ridden from another site. Session cookies are also
//! `SameSite=Lax` and `HttpOnly`. See docs/designs/0002-csrf.md.

use crate::AppState;
use crate::ctx::{SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE, cookie};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Adds the security headers to every response.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if !state.config.plain_http {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Whether a state-changing request may proceed.
pub fn same_site(request: &Request) -> bool {
    let h = request.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = h
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(origin);
        return !host.is_empty() && origin_host == host;
    }
    // Without either header only a request that carries no session may pass; both
    // names are checked so that the answer does not depend on the configuration.
    cookie(h, SESSION_COOKIE_SECURE).is_none() && cookie(h, SESSION_COOKIE_PLAIN).is_none()
}

/// Refuses cross-site state-changing requests.
/// A request to the API that carries a bearer token is answered 401 `invalid_token` when
/// the token is not valid, on public endpoints too: a client with a mistyped or revoked
/// token learns so at once, instead of reading public data as if it had sent none.
/// The actor found is handed to the handler's [`Ctx`], so the token is looked up once.
pub async fn api_tokens(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/")
        && let Some(token) = crate::ctx::bearer(request.headers())
    {
        match samla_db::tokens::actor_for(&state.db, token).await {
            Ok(Some(actor)) => {
                request
                    .extensions_mut()
                    .insert(crate::ctx::TokenActor(actor));
            }
            Ok(None) => {
                return crate::error::AppError::Code(samla_domain::ErrorCode::InvalidToken)
                    .into_response();
            }
            Err(e) => return crate::error::AppError::Internal(e.to_string()).into_response(),
        }
    }
    next.run(request).await
}

pub async fn csrf(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_site(&request) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused").into_response();
    }
    next.run(request).await
}
