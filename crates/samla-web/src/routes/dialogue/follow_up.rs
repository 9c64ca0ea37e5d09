//! Follow-up items after published reports: a municipality's or district's contact
//! marks progress and comments; the embete sees every item of its reports. Overdue
//! items come first and are marked for both.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::{FormErrors, MultiForm};
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samla_db::follow_up::Item;
use samla_domain::report::FOLLOW_UP_STATUSES;

#[derive(Template)]
#[template(path = "dialogue/follow_ups.html")]
struct FollowUpsPage {
    page: Page,
    items: Vec<Item>,
    can_update: bool,
    errors: FormErrors,
    notice: Option<String>,
}

impl FollowUpsPage {
    fn statuses(&self) -> &'static [&'static str] {
        &FOLLOW_UP_STATUSES
    }
}

async fn items_for(state: &AppState, ctx: &Ctx) -> Result<(Vec<Item>, bool), AppError> {
    Ok(samla_app::follow_up::items(&state.db, ctx.require_actor()?).await?)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let (items, can_update) = items_for(&state, &ctx).await?;
    let title = ctx.t("follow-ups-title");
    Ok(render(&FollowUpsPage {
        page: Page::new(&ctx, &title, "follow_ups"),
        items,
        can_update,
        errors: FormErrors::default(),
        notice: flash.text(&ctx, &[Notice::FollowUpSaved]),
    })?
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let (status, comment) = (form.get("status"), form.get("comment"));
    match samla_app::follow_up::update(&state.db, actor, id, &status, &comment).await {
        Ok(_) => Ok(Redirect::to(&Notice::FollowUpSaved.on("/follow-ups")).into_response()),
        Err(samla_db::StoreError::Domain(e)) if e.field.is_some() => {
            let (items, can_update) = items_for(&state, &ctx).await?;
            let title = ctx.t("follow-ups-title");
            let html = render(&FollowUpsPage {
                page: Page::new(&ctx, &title, "follow_ups"),
                items,
                can_update,
                errors: FormErrors::from_domain(ctx.lang, &[e]),
                notice: None,
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
