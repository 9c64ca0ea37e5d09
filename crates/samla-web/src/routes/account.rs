//! The signed-in user's own page (who they are, their API tokens) and the inside of an
//! organisation.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::FormErrors;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use samla_db::tokens::{self, Token};
use samla_db::users::{self, Organisation, User};
use samla_domain::ErrorCode;
use samla_domain::access::{self, Actor};
use samla_domain::tokens::{DEFAULT_DAYS, LABEL_MAX, LIFETIMES, TokenState};
use serde::Deserialize;

/// A token row as the page shows it.
struct TokenRow {
    token: Token,
    state: TokenState,
}

/// What the token form holds (kept when it is refused).
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    days: String,
}

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    page: Page,
    actor: Actor,
    organisation: Option<Organisation>,
    tokens: Vec<TokenRow>,
    lifetimes: &'static [i64],
    label: String,
    days: i64,
    label_max: usize,
    errors: FormErrors,
    /// A token just made: shown in this one answer and never again.
    made: Option<tokens::NewToken>,
    notice: Option<String>,
}

impl AccountPage {
    fn state_key(&self, state: &TokenState) -> &'static str {
        match state {
            TokenState::Active => "token-state-active",
            TokenState::Expired => "token-state-expired",
            TokenState::Revoked => "token-state-revoked",
        }
    }
}

async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    form: TokenForm,
    errors: FormErrors,
    made: Option<tokens::NewToken>,
    notice: Option<String>,
) -> Result<AccountPage, AppError> {
    let actor = ctx.require_actor()?.clone();
    let organisation = users::organisation(&state.db, &actor.organisation.code).await?;
    let now = samla_db::now();
    let tokens = tokens::own(&state.db, &actor)
        .await?
        .into_iter()
        .map(|token| TokenRow {
            state: token.state(now),
            token,
        })
        .collect();
    let title = ctx.t("account-title");
    Ok(AccountPage {
        page: Page::new(ctx, &title, "account"),
        actor,
        organisation,
        tokens,
        lifetimes: &LIFETIMES,
        label: form.label,
        days: form.days.parse().unwrap_or(DEFAULT_DAYS),
        label_max: LABEL_MAX,
        errors,
        made,
        notice,
    })
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Html<String>, AppError> {
    let notice = flash.text(&ctx, &[Notice::TokenRevoked]);
    let page = account_page(
        &state,
        &ctx,
        TokenForm::default(),
        FormErrors::default(),
        None,
        notice,
    )
    .await?;
    render(&page)
}

/// Makes a token for the signed-in user and shows it once, in this answer (never in a
/// URL or a redirect, which a browser's history or a proxy log would keep).
pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::Form(form): axum::Form<TokenForm>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?.clone();
    let days: i64 = form.days.trim().parse().unwrap_or(0);
    // The page offers the lifetimes in its list; the command line may choose any.
    let offered = LIFETIMES.contains(&days);
    let checked = match samla_domain::tokens::check(&form.label, days) {
        Ok(ok) if offered => Ok(ok),
        Ok(_) => Err(Vec::new()),
        Err(errors) => Err(errors),
    }
    .map_err(|mut errors| {
        if !offered && !errors.iter().any(|e| e.field == Some("days")) {
            errors.push(samla_domain::DomainError::field(
                ErrorCode::InvalidChoice,
                "days",
            ));
        }
        errors
    });
    match checked {
        Ok((label, days)) => {
            let made = tokens::create_own(&state.db, &actor, &label, days).await?;
            let page = account_page(
                &state,
                &ctx,
                TokenForm::default(),
                FormErrors::default(),
                Some(made),
                None,
            )
            .await?;
            Ok(render(&page)?.into_response())
        }
        Err(errors) => {
            let errors = FormErrors::from_domain(ctx.lang, &errors);
            let page = account_page(&state, &ctx, form, errors, None, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let token = tokens::revoke_own(&state.db, actor, id).await?;
    Ok(Redirect::to(&Notice::TokenRevoked.with("/account", &token.label)).into_response())
}

#[derive(Template)]
#[template(path = "account/organisation.html")]
struct OrganisationPage {
    page: Page,
    organisation: Organisation,
    members: Vec<User>,
}

pub async fn organisation(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let actor = ctx.require_actor()?;
    let proof = access::view_organisation(actor, &code)?;
    let organisation = users::organisation(&state.db, &code)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let members = users::members(&state.db, &proof).await?;
    render(&OrganisationPage {
        page: Page::new(&ctx, &organisation.name, "organisation"),
        organisation,
        members,
    })
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct NotificationsPage {
    page: Page,
    /// The kinds this person may receive, with whether they want each.
    kinds: Vec<(&'static str, bool)>,
    mail_on: bool,
    notice: Option<String>,
}

/// Which e-mails the signed-in user wants, one checkbox per kind their roles receive.
pub async fn notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Html<String>, AppError> {
    let actor = ctx.require_actor()?;
    let refused = samla_db::outbox::opt_outs(&state.db, actor.user_id).await?;
    let kinds = crate::mail::kinds_for(actor)
        .into_iter()
        .map(|k| (k, !refused.iter().any(|r| r == k)))
        .collect();
    let title = ctx.t("notifications-title");
    render(&NotificationsPage {
        page: Page::new(&ctx, &title, "account"),
        kinds,
        mail_on: state.config.mail_on,
        notice: flash.text(&ctx, &[Notice::NotificationsSaved]),
    })
}

/// Saves the choices: every offered kind left unticked is said no to.
pub async fn save_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    form: crate::forms::MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let wanted = form.all("kind");
    let refused: Vec<&str> = crate::mail::kinds_for(actor)
        .into_iter()
        .filter(|k| !wanted.iter().any(|w| w == k))
        .collect();
    samla_db::outbox::set_opt_outs(&state.db, actor.user_id, &refused).await?;
    Ok(Redirect::to(&Notice::NotificationsSaved.on("/account/notifications")).into_response())
}
