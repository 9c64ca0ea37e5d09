//! The JSON API under `/api/v1`, described in `openapi.json`. The same access policy
//! applies as in the pages; a bearer token acts with its user's rights. Errors are
//! RFC 9457 problem bodies with a stable `code` (see `error.rs`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samla_db::{regions, users};
use samla_domain::dates::{parse_region_date, today};
use samla_domain::regions::{
    District, Embete, HistoryEntry, Municipality, parse_municipality_number,
};
use samla_domain::{DomainError, ErrorCode, access};
use serde::{Deserialize, Serialize};
use time::Date;

const OPENAPI: &str = include_str!("../../openapi.json");

/// A JSON request body. JSON Schema counts `3.0` as the integer 3, so numbers with a
/// zero fraction are read as integers before the body is matched to its type; a body
/// that is not JSON, not sent as JSON or of the wrong shape is refused (415 or 400).
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let Json(mut value) = Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        integral_numbers_as_integers(&mut value);
        serde_json::from_value(value)
            .map(JsonBody)
            .map_err(|_| AppError::Code(ErrorCode::InvalidInput).into_response())
    }
}

fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                // Both ends open: a number just past the range rounds onto them.
                && f > i64::MIN as f64
                && f < i64::MAX as f64
            {
                *value = serde_json::Value::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

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

/// The embete asked for; an empty field (as a form sends it) asks for none.
fn embete_param(q: &RegionQuery) -> Option<&str> {
    q.embete.as_deref().filter(|code| !code.is_empty())
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
    if let Some(code) = embete_param(&q)
        && !regions::embete_exists(&state.db, code).await?
    {
        return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
    }
    Ok(Json(
        regions::municipalities_on(&state.db, date, embete_param(&q)).await?,
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
    if let Some(code) = embete_param(&q)
        && !regions::embete_exists(&state.db, code).await?
    {
        return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
    }
    let cycle = match q.cycle.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .ok_or(DomainError::field(ErrorCode::InvalidInput, "cycle"))?,
        ),
    };
    Ok(Json(
        samla_db::dialogue::coverage(&state.db, embete_param(&q), date, cycle).await?,
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

#[cfg(test)]
mod tests {
    #[test]
    fn integral_numbers_become_integers_and_the_rest_stay() {
        let mut v = serde_json::json!({"a": 3.0, "b": [1.5, -2.0], "c": "4.0", "d": 1e300, "e": -(2f64.powi(63))});
        super::integral_numbers_as_integers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 3, "b": [1.5, -2], "c": "4.0", "d": 1e300, "e": -(2f64.powi(63))})
        );
    }
}
