//! The JSON API under `/api/v1`, described in `openapi.json`. The same access policy
//! applies as in the pages; a bearer token acts with its user's rights. Errors are
//! RFC 9457 problem bodies with a stable `code` (see `error.rs`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use samla_db::{regions, users};
use samla_domain::dates::{parse_region_date, today};
use samla_domain::regions::{
    District, Embete, HistoryEntry, Municipality, parse_municipality_number,
};
use samla_domain::{DomainError, ErrorCode, access};
use serde::{Deserialize, Serialize};
use time::Date;

const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

#[derive(Deserialize)]
pub struct RegionQuery {
    date: Option<String>,
    embete: Option<String>,
    /// Only for coverage: one cycle's dialogues.
    cycle: Option<String>,
}

fn date_param(q: &RegionQuery) -> Result<Date, AppError> {
    match q.date.as_deref() {
        None => Ok(today()),
        Some(s) => Ok(parse_region_date(s, "date")?),
    }
}

/// The embeter with the names valid on `date` (default today).
pub async fn embeter(
    State(state): State<AppState>,
    Query(q): Query<RegionQuery>,
) -> Result<Json<Vec<Embete>>, AppError> {
    Ok(Json(regions::embeter_on(&state.db, date_param(&q)?).await?))
}

/// The municipalities valid on `date`, optionally only one embete's.
pub async fn municipalities(
    State(state): State<AppState>,
    Query(q): Query<RegionQuery>,
) -> Result<Json<Vec<Municipality>>, AppError> {
    let date = date_param(&q)?;
    if let Some(code) = &q.embete
        && !regions::embete_exists(&state.db, code).await?
    {
        return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
    }
    Ok(Json(
        regions::municipalities_on(&state.db, date, q.embete.as_deref()).await?,
    ))
}

/// A municipality with its predecessors and successors, oldest first.
pub async fn history(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, AppError> {
    let number = parse_municipality_number(&number)?;
    let history = regions::history(&state.db, &number)
        .await?
        .ok_or(AppError::Field(DomainError::field(
            ErrorCode::UnknownMunicipality,
            "number",
        )))?;
    Ok(Json(history))
}

/// Oslo's districts valid on `date`.
pub async fn districts(
    State(state): State<AppState>,
    Query(q): Query<RegionQuery>,
) -> Result<Json<Vec<District>>, AppError> {
    Ok(Json(
        regions::districts_on(&state.db, date_param(&q)?).await?,
    ))
}

/// Coverage of dialogues on a date, for one embete or (without `embete`) the country.
pub async fn coverage(
    State(state): State<AppState>,
    Query(q): Query<RegionQuery>,
) -> Result<Json<samla_db::dialogue::Coverage>, AppError> {
    let date = date_param(&q)?;
    if let Some(code) = &q.embete
        && !regions::embete_exists(&state.db, code).await?
    {
        return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
    }
    let cycle = match q.cycle.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| DomainError::field(ErrorCode::InvalidInput, "cycle"))?,
        ),
    };
    Ok(Json(
        samla_db::dialogue::coverage(&state.db, q.embete.as_deref(), date, cycle).await?,
    ))
}

/// Who the caller is, as the server sees it.
pub async fn me(ctx: Ctx) -> Result<Json<access::Actor>, AppError> {
    Ok(Json(ctx.require_actor()?.clone()))
}

#[derive(Serialize)]
pub struct Member {
    email: String,
    name: String,
    roles: Vec<access::Role>,
    disabled: bool,
}

/// The members of an organisation, for its own members and administrators.
pub async fn members(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<Vec<Member>>, AppError> {
    let proof = access::view_organisation(ctx.require_actor()?, &code)?;
    let members = users::members(&state.db, &proof).await?;
    Ok(Json(
        members
            .into_iter()
            .map(|u| Member {
                email: u.email,
                name: u.name,
                roles: u.roles,
                disabled: u.disabled,
            })
            .collect(),
    ))
}
