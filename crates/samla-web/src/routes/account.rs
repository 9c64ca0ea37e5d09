//! The signed-in user's own page and the inside of an organisation.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use samla_db::users::{self, Organisation, User};
use samla_domain::ErrorCode;
use samla_domain::access::{self, Actor};

#[derive(Template)]
#[template(path = "account/index.html")]
struct AccountPage {
    page: Page,
    actor: Actor,
    organisation: Option<Organisation>,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx) -> Result<Html<String>, AppError> {
    let actor = ctx.require_actor()?.clone();
    let organisation = users::organisation(&state.db, &actor.organisation.code).await?;
    let title = ctx.t("account-title");
    render(&AccountPage {
        page: Page::new(&ctx, &title, "account"),
        actor,
        organisation,
    })
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
