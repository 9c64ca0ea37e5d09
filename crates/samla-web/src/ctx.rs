//! The request context every page and API handler starts from: the interface
//! language, the acting user (from a session cookie or a bearer token) and the path.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use samla_domain::ErrorCode;
use samla_domain::access::{Actor, Role};

/// The session cookie over HTTPS (the default) and over plain HTTP (`plain_http`).
pub const SESSION_COOKIE_SECURE: &str = "__Host-samla_session";
pub const SESSION_COOKIE_PLAIN: &str = "samla_session";
pub const LANG_COOKIE: &str = "samla_lang";

/// This site's origin as the client reached it (`https://samla.example`), for links that
/// leave the site in a file or a message. The scheme follows the configuration: HTTPS
/// unless samla runs plain HTTP.
pub fn origin(config: &crate::WebConfig, headers: &HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    let scheme = if config.plain_http { "http" } else { "https" };
    format!("{scheme}://{host}")
}

/// The user behind a valid bearer token, found by the token middleware before the
/// handler runs.
#[derive(Debug, Clone)]
pub struct TokenActor(pub Actor);

/// Who is asking, in which language, for what.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub actor: Option<Actor>,
    /// The session secret from the cookie, when the actor came from one.
    pub session: Option<String>,
    /// Path and query of this request (for "back here after login" and the language choice).
    pub path: String,
}

/// Reads one cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer token of an `Authorization` header. Another scheme, or `Bearer` with
/// nothing after it, is an empty token, which no account has: a request that sends an
/// `Authorization` header is answered as its token deserves, never as if it sent none.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?;
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default(),
    )
}

/// The interface language: the one chosen in the cookie; before any choice, nynorsk for a
/// browser that prefers it to bokmål (`Accept-Language: nn` gets nynorsk on the first
/// visit); bokmål otherwise. English is a choice, never a guess: the interface is
/// Norwegian by default, and many Norwegians run their browser in English.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(accepted)
        })
        .unwrap_or_default()
}

/// The written Norwegian a browser prefers, from `Accept-Language` with its weights
/// (`nn, nb;q=0.9`). Norwegian without a written form (`no`) is bokmål.
fn accepted(header: &str) -> Option<Lang> {
    let mut wanted: Vec<(f32, Lang)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            let lang = match tag.split('-').next()? {
                "nn" => Lang::Nn,
                "nb" | "no" => Lang::Nb,
                _ => return None,
            };
            (weight > 0.0).then_some((weight, lang))
        })
        .collect();
    // Stable: of equal weights, the one named first wins.
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted.first().map(|(_, lang)| *lang)
}

impl Ctx {
    /// Builds the context from request headers; a dead session is simply no user.
    pub async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
        path: String,
    ) -> Result<Ctx, AppError> {
        let lang = lang_of(headers);
        if let Some(token) = bearer(headers) {
            let actor = samla_db::tokens::actor_for(&state.db, token).await?;
            if actor.is_none() {
                return Err(AppError::Code(ErrorCode::InvalidToken));
            }
            return Ok(Ctx {
                lang,
                actor,
                session: None,
                path,
            });
        }
        let session = cookie(headers, state.config.session_cookie())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let actor = match &session {
            Some(secret) => {
                samla_db::sessions::resolve(&state.db, secret, state.config.session).await?
            }
            None => None,
        };
        Ok(Ctx {
            lang,
            actor,
            session,
            path,
        })
    }

    /// Text in the request's language.
    pub fn t(&self, key: &str) -> String {
        i18n::text(self.lang, key, &[])
    }

    /// The acting user, or a refusal that sends the visitor to the login page.
    pub fn require_actor(&self) -> Result<&Actor, AppError> {
        self.actor
            .as_ref()
            .ok_or(AppError::Code(ErrorCode::LoginRequired))
    }

    pub fn is_admin(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| a.has(Role::Admin))
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        if let Some(TokenActor(actor)) = parts.extensions.remove::<TokenActor>() {
            return Ok(Ctx {
                lang: lang_of(&parts.headers),
                actor: Some(actor),
                session: None,
                path,
            });
        }
        Ctx::from_headers(state, &parts.headers, path).await
    }
}

#[cfg(test)]
mod tests {
    use super::accepted;
    use crate::i18n::Lang;

    #[test]
    fn a_browser_gets_the_written_norwegian_it_prefers() {
        assert_eq!(accepted("nn"), Some(Lang::Nn));
        assert_eq!(accepted("nn-NO,nb;q=0.9,en;q=0.5"), Some(Lang::Nn));
        assert_eq!(accepted("en-US,en;q=0.9,nn;q=0.8"), Some(Lang::Nn));
        assert_eq!(accepted("de,nn;q=0.3,nb;q=0.7"), Some(Lang::Nb));
        assert_eq!(accepted("no"), Some(Lang::Nb));
        assert_eq!(accepted("nn;q=0,nb"), Some(Lang::Nb));
        assert_eq!(accepted("en-US,en;q=0.9"), None);
        assert_eq!(accepted("nn;q=abc"), None);
    }
}
