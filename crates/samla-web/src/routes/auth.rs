//! Logging in and out, and the language choice.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::i18n::Lang;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use samla_db::audit::Who;
use samla_db::kept_forms;
use samla_db::sessions::{self, LoginOutcome};
use samla_db::users;
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

/// Only local paths are followed after login or a language change (no open redirects).
///
/// `next` arrives decoded. A browser drops tabs and line breaks from a URL and reads a
/// backslash as a slash, so `/\t/evil.example` would lead off the site: any control
/// character or backslash, anywhere, is refused, as is anything not starting with one
/// slash. Percent-escapes left in the path are decoded once more and checked the same way,
/// so an escaped control character cannot slip past either.
pub fn safe_next(next: Option<&str>) -> String {
    let local = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_control() || c == '\\')
            && !path.starts_with("/logout")
    };
    match next {
        Some(n) if local(n) && local(&crate::forms::percent_decode(n)) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Where a login leads: `next` when it is a page of this site other than the front page,
/// else the person's work list ("Mine oppgaver").
pub fn after_login(next: Option<&str>) -> String {
    match safe_next(next) {
        front if front == "/" => "/tasks".to_owned(),
        page => page,
    }
}

/// The client's address as the server sees it: the connection's, or, behind a reverse
/// proxy (`behind_proxy`), the last `X-Forwarded-For` entry, the one the proxy added.
pub struct Source(pub Option<String>);

impl axum::extract::FromRequestParts<AppState> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state.config.behind_proxy.then(|| {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty())
                .map(str::to_owned)
        });
        let connection = || {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        };
        Ok(Source(forwarded.flatten().or_else(connection)))
    }
}

/// Seconds a client is asked to wait when the password hasher is busy.
const BUSY_RETRY_AFTER: i64 = 2;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    /// Why the login is needed (`expired`: the session ran out).
    reason: Option<String>,
}

/// The notice the login page shows for the reason it was sent to (none without one).
fn login_notice(reason: Option<&str>, next: &str) -> Option<&'static str> {
    match reason {
        Some("expired") if next.starts_with(KEPT_PREFIX) => Some("login-expired-kept"),
        Some("expired") => Some("login-expired"),
        Some("password") => Some("login-password-set"),
        _ => None,
    }
}

/// Where a kept form waits for its user (see `kept_forms`).
const KEPT_PREFIX: &str = "/kept-forms/";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    email: String,
    next: String,
    /// `reason` as it came, carried through a refused attempt.
    reason: String,
    notice: Option<&'static str>,
    errors: FormErrors,
}

fn login_page(
    ctx: &Ctx,
    email: String,
    next: String,
    reason: Option<String>,
    errors: FormErrors,
) -> Result<axum::response::Html<String>, AppError> {
    let title = ctx.t("login-title");
    render(&LoginPage {
        page: Page::new(ctx, &title, "login"),
        email,
        notice: login_notice(reason.as_deref(), &next),
        next,
        reason: reason.unwrap_or_default(),
        errors,
    })
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    let next = after_login(q.next.as_deref());
    if ctx.actor.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(login_page(&ctx, String::new(), next, q.reason, FormErrors::default())?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    reason: Option<String>,
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let (name, attributes) = (
        state.config.session_cookie(),
        state.config.cookie_attributes(),
    );
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; Max-Age={max_age}{attributes}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Source(source): Source,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = after_login(form.next.as_deref());
    let mut errors = Vec::new();
    if form.email.trim().is_empty() {
        errors.push(DomainError::field(ErrorCode::InvalidEmail, "email"));
    }
    if form.password.is_empty() {
        errors.push(DomainError::field(
            ErrorCode::InvalidCredentials,
            "password",
        ));
    }
    let outcome = if errors.is_empty() {
        sessions::login(&state.db, &form.email, &form.password, source.as_deref()).await?
    } else {
        LoginOutcome::Refused
    };
    match outcome {
        LoginOutcome::Success { session, user_id } => {
            // A session that existed before login is ended: the new id replaces it.
            if let Some(old) = &ctx.session {
                sessions::logout(&state.db, old, &Who::system("login")).await?;
            }
            // A form kept when this user's last session ran out comes back first.
            let next = match kept_forms::newest(&state.db, user_id).await? {
                Some(id) if !next.starts_with(KEPT_PREFIX) => format!("{KEPT_PREFIX}{id}"),
                _ => next,
            };
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&state, &session, state.config.session.absolute),
            );
            // The language the user chose before, in whichever browser, comes back.
            if let Some(lang) = users::language(&state.db, user_id)
                .await?
                .as_deref()
                .and_then(Lang::parse)
            {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, lang_cookie(&state, lang));
            }
            Ok(response)
        }
        refused => {
            use crate::observe::Refusal;
            state.metrics.login_refused(match refused {
                LoginOutcome::Throttled { .. } => Refusal::Throttled,
                LoginOutcome::Busy => Refusal::Busy,
                _ => Refusal::Credentials,
            });
            let (code, status, retry_after) = match refused {
                LoginOutcome::Throttled { retry_after } => (
                    ErrorCode::TooManyAttempts,
                    StatusCode::TOO_MANY_REQUESTS,
                    Some(retry_after),
                ),
                LoginOutcome::Busy => (
                    ErrorCode::Busy,
                    StatusCode::SERVICE_UNAVAILABLE,
                    Some(BUSY_RETRY_AFTER),
                ),
                _ => (
                    ErrorCode::InvalidCredentials,
                    StatusCode::UNAUTHORIZED,
                    None,
                ),
            };
            if errors.is_empty() {
                errors.push(DomainError::field(code, "email"));
            }
            // What was typed comes back only as far as an e-mail address can be long.
            let email: String = form
                .email
                .trim()
                .chars()
                .take(samla_domain::throttle::EMAIL_MAX)
                .collect();
            let html = login_page(
                &ctx,
                email,
                next,
                form.reason,
                FormErrors::from_domain(ctx.lang, &errors),
            )?;
            let mut response = (status, html).into_response();
            if let Some(seconds) = retry_after
                && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(response)
        }
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if let (Some(secret), Some(actor)) = (&ctx.session, &ctx.actor) {
        sessions::logout(&state.db, secret, &Who::user(actor.user_id, &actor.email)).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// Remembers the chosen language in a cookie and returns to the page it was chosen on.
pub async fn choose_language(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::Code(ErrorCode::NotFound))?;
    // Signed in, the choice follows the user to their other browsers too.
    if let Some(actor) = &ctx.actor {
        users::set_language(&state.db, actor.user_id, lang.code()).await?;
    }
    let mut response = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, lang_cookie(&state, lang));
    Ok(response)
}

fn lang_cookie(state: &AppState, lang: Lang) -> HeaderValue {
    let cookie = format!(
        "{LANG_COOKIE}={}; Max-Age=31536000{}",
        lang.code(),
        state.config.cookie_attributes()
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/regions?date=2020-01-01")),
            "/regions?date=2020-01-01"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/logout",
            // F6 of the security review: a browser drops tabs and line breaks.
            "/\t/evil.example",
            "/\n/evil",
            "/\r/evil",
            "/%09/evil.example",
            "/%5C/evil.example",
            "/\u{7f}/evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
