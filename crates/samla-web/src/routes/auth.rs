//! Logging in and out, and the language choice.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, SESSION_COOKIE};
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
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

/// Only local paths are followed after login or a language change (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.starts_with("/logout") =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

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
    let next = safe_next(q.next.as_deref());
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
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
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
        sessions::login(&state.db, &form.email, &form.password).await?
    } else {
        LoginOutcome::Refused(ErrorCode::InvalidCredentials)
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
            Ok(response)
        }
        LoginOutcome::Refused(code) => {
            if errors.is_empty() {
                errors.push(DomainError::field(code, "email"));
            }
            let status = crate::error::status_of(code);
            let status = if status == StatusCode::TOO_MANY_REQUESTS {
                status
            } else {
                StatusCode::UNAUTHORIZED
            };
            let html = login_page(
                &ctx,
                form.email.trim().to_owned(),
                next,
                form.reason,
                FormErrors::from_domain(ctx.lang, &errors),
            )?;
            Ok((status, html).into_response())
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
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::Code(ErrorCode::NotFound))?;
    let mut response = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
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
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
