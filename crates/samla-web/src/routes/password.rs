//! Setting a password after the account exists: the user's own change (knowing the
//! current one) and the one-time link an administrator hands over. Passwords typed are
//! never sent back in a page.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::FormErrors;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use samla_db::audit::Who;
use samla_db::passwords::{self, ChangeOutcome};
use samla_domain::access;
use samla_domain::users::MIN_PASSWORD_LEN;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: Page,
    /// Where the form posts.
    action: String,
    /// The user's own change asks for the current password; a reset link does not.
    ask_current: bool,
    /// Whose password a reset link sets.
    email: String,
    min_len: usize,
    errors: FormErrors,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeated: String,
}

fn page(
    ctx: &Ctx,
    action: &str,
    ask_current: bool,
    email: String,
    errors: FormErrors,
) -> PasswordPage {
    let title = ctx.t(if ask_current {
        "password-change-title"
    } else {
        "password-reset-title"
    });
    PasswordPage {
        page: Page::new(ctx, &title, "account"),
        action: action.to_owned(),
        ask_current,
        email,
        min_len: MIN_PASSWORD_LEN,
        errors,
        notice: None,
    }
}

pub async fn change_form(ctx: Ctx, Query(flash): Query<Flash>) -> Result<Html<String>, AppError> {
    let actor = ctx.require_actor()?;
    let mut p = page(
        &ctx,
        "/account/password",
        true,
        actor.email.clone(),
        FormErrors::default(),
    );
    p.notice = flash.text(&ctx, &[Notice::PasswordChanged]);
    render(&p)
}

pub async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?.clone();
    let outcome = passwords::change_own(
        &state.db,
        &actor,
        ctx.session.as_deref(),
        &form.current,
        &form.password,
        &form.repeated,
    )
    .await?;
    let refused =
        |errors: &[samla_domain::DomainError], status: StatusCode| -> Result<Response, AppError> {
            let errors = FormErrors::from_domain(ctx.lang, errors);
            let p = page(&ctx, "/account/password", true, actor.email.clone(), errors);
            Ok((status, render(&p)?).into_response())
        };
    match outcome {
        ChangeOutcome::Changed => {
            Ok(Redirect::to(&Notice::PasswordChanged.on("/account/password")).into_response())
        }
        ChangeOutcome::Refused(errors) => refused(&errors, StatusCode::UNPROCESSABLE_ENTITY),
        ChangeOutcome::Throttled { retry_after } => {
            let error = samla_domain::DomainError::field(
                samla_domain::ErrorCode::TooManyAttempts,
                "current",
            );
            let mut response = refused(&[error], StatusCode::TOO_MANY_REQUESTS)?;
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
        ChangeOutcome::Busy => Err(AppError::Code(samla_domain::ErrorCode::Busy)),
    }
}

#[derive(Template)]
#[template(path = "admin/reset_link.html")]
struct ResetLinkPage {
    page: Page,
    email: String,
    link: String,
    hours: i64,
}

/// An administrator makes a one-time link for a user and sees it once, in this answer.
pub async fn issue(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let proof = access::manage_users(actor)?;
    let user = samla_db::users::user(&state.db, id)
        .await?
        .ok_or(AppError::Code(samla_domain::ErrorCode::NotFound))?;
    let who = Who::user(actor.user_id, &actor.email);
    let secret = passwords::issue_reset(&state.db, &proof, &who, id).await?;
    let origin = crate::ctx::origin(&state.config, &headers);
    let title = ctx.t("reset-link-title");
    Ok(render(&ResetLinkPage {
        page: Page::new(&ctx, &title, "admin"),
        email: user.email,
        link: format!("{origin}/reset/{secret}"),
        hours: passwords::RESET_LIFETIME / 3600,
    })?
    .into_response())
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
) -> Result<Html<String>, AppError> {
    let (_, email, _) = passwords::reset_for(&state.db, &secret)
        .await?
        .ok_or(AppError::Code(samla_domain::ErrorCode::ResetLinkInvalid))?;
    render(&page(
        &ctx,
        &format!("/reset/{secret}"),
        false,
        email,
        FormErrors::default(),
    ))
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    match passwords::use_reset(&state.db, &secret, &form.password, &form.repeated).await? {
        Ok(()) => Ok(Redirect::to("/login?reason=password").into_response()),
        Err(errors) => {
            let email = passwords::reset_for(&state.db, &secret)
                .await?
                .map(|(_, email, _)| email)
                .unwrap_or_default();
            let errors = FormErrors::from_domain(ctx.lang, &errors);
            let p = page(&ctx, &format!("/reset/{secret}"), false, email, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
