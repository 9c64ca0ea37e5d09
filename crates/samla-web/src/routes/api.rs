//! The JSON API under `/api/v1` (its document: `crate::openapi`). The same access policy
//! applies as in the pages; a bearer token acts with its user's rights. Errors are
//! RFC 9457 problem bodies with a stable `code` (see `error.rs`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use samla_db::{regions, tokens, users};
use samla_domain::dates::{parse_region_date, today};
use samla_domain::regions::{
    District, Embete, HistoryEntry, Municipality, parse_municipality_number,
};
use samla_domain::{DomainError, ErrorCode, access};
use serde::{Deserialize, Serialize};
use time::Date;

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

/// The operations of this module, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        embeter,
        municipalities,
        history,
        districts,
        me,
        members,
        my_tokens,
        revoke_my_token
    ),
    components(schemas(EmbeteCode))
)]
pub struct Api;

/// `{id}` in a path: an item's identity.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    #[param(required, schema_with = samla_domain::schema::id)]
    pub id: i64,
}

/// `?date=`: a date from 2019-01-01; today when left out.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// A date from 2019-01-01 (YYYY-MM-DD); today if left out.
    #[param(schema_with = samla_domain::schema::date_filter)]
    date: Option<String>,
}

impl DateQuery {
    pub fn date(&self) -> Result<Date, AppError> {
        match self.date.as_deref() {
            None => Ok(today()),
            Some(s) => Ok(parse_region_date(s, "date")?),
        }
    }
}

/// `?embete=`: only one embete's units; empty or left out, every embete's.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmbeteQuery {
    /// An embete's code: only its units. Empty or left out: every embete.
    #[param(schema_with = embete_filter)]
    embete: Option<String>,
}

impl EmbeteQuery {
    /// The embete asked for, if it exists; an empty field (as a form sends it) asks for none.
    pub async fn embete(&self, state: &AppState) -> Result<Option<&str>, AppError> {
        let code = self.embete.as_deref().filter(|code| !code.is_empty());
        if let Some(code) = code
            && !regions::embete_exists(&state.db, code).await?
        {
            return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
        }
        Ok(code)
    }
}

/// The ten embeter (county governors) from 2019.
pub struct EmbeteCode;

impl utoipa::PartialSchema for EmbeteCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes = regions::embete_codes();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let mut schema = samla_domain::schema::choice(&codes);
        schema.description = Some("The ten embeter (county governors) from 2019.".into());
        schema.into()
    }
}

impl utoipa::ToSchema for EmbeteCode {}

/// An embete's code or the empty text a form sends for "every embete".
pub fn embete_filter() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    samla_domain::schema::described(
        samla_domain::schema::or_empty(utoipa::openapi::Ref::from_schema_name("EmbeteCode")),
        "An embete's code: only its units. Empty or left out: every embete.",
    )
}

/// The ten embeter with the names valid on a date.
#[utoipa::path(get, path = "/regions/embeter", params(DateQuery),
    responses((status = 200, description = "Embeter", body = Vec<Embete>)))]
pub async fn embeter(
    State(state): State<AppState>,
    Query(q): Query<DateQuery>,
) -> Result<Json<Vec<Embete>>, AppError> {
    Ok(Json(regions::embeter_on(&state.db, q.date()?).await?))
}

/// The municipalities valid on a date.
///
/// Optionally only one embete's.
#[utoipa::path(get, path = "/regions/municipalities", params(DateQuery, EmbeteQuery),
    responses((status = 200, description = "Municipalities ordered by number", body = Vec<Municipality>)))]
pub async fn municipalities(
    State(state): State<AppState>,
    Query(date): Query<DateQuery>,
    Query(embete): Query<EmbeteQuery>,
) -> Result<Json<Vec<Municipality>>, AppError> {
    let date = date.date()?;
    let embete = embete.embete(&state).await?;
    Ok(Json(
        regions::municipalities_on(&state.db, date, embete).await?,
    ))
}

/// A municipality with its predecessors and successors, oldest first.
#[utoipa::path(get, path = "/regions/municipalities/{number}/history",
    params(("number" = String, Path, pattern = "^[0-9]{4}$")),
    responses((status = 200, description = "History", body = Vec<HistoryEntry>), (status = 404)))]
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

/// Oslo's districts valid on a date.
#[utoipa::path(get, path = "/regions/districts", params(DateQuery),
    responses((status = 200, description = "Districts", body = Vec<District>)))]
pub async fn districts(
    State(state): State<AppState>,
    Query(q): Query<DateQuery>,
) -> Result<Json<Vec<District>>, AppError> {
    Ok(Json(regions::districts_on(&state.db, q.date()?).await?))
}

/// The caller's identity, organisation and roles.
#[utoipa::path(get, path = "/me", security(("token" = [])),
    responses((status = 200, description = "The acting user", body = access::Actor)))]
pub async fn me(ctx: Ctx) -> Result<Json<access::Actor>, AppError> {
    Ok(Json(ctx.require_actor()?.clone()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Member {
    email: String,
    name: String,
    roles: Vec<access::Role>,
    disabled: bool,
}

/// An organisation's members (its own members and administrators only).
#[utoipa::path(get, path = "/organisations/{code}/members", security(("token" = [])),
    params(("code" = String, Path, pattern = "^[a-z0-9-]{1,64}$")),
    responses((status = 200, description = "Members", body = Vec<Member>)))]
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

/// One of the caller's API tokens, as its list shows it (never the secret).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    #[schema(schema_with = samla_domain::schema::id)]
    id: i64,
    label: String,
    #[schema(schema_with = samla_domain::schema::timestamp)]
    created_at: String,
    #[schema(schema_with = samla_domain::schema::timestamp)]
    expires_at: String,
    /// To the hour: use is noted at most once an hour. `null`: never used.
    #[schema(schema_with = samla_domain::schema::timestamp_or_null)]
    last_used_at: Option<String>,
    /// `null`: not revoked.
    #[schema(schema_with = samla_domain::schema::timestamp_or_null)]
    revoked_at: Option<String>,
    #[schema(schema_with = token_state)]
    state: &'static str,
}

fn token_state() -> utoipa::openapi::schema::Object {
    samla_domain::schema::choice(&["active", "expired", "revoked"])
}

impl ApiToken {
    fn of(t: tokens::Token, now: i64) -> ApiToken {
        use samla_domain::dates::rfc3339;
        ApiToken {
            state: t.state(now).as_str(),
            id: t.id,
            label: t.label,
            created_at: rfc3339(t.created_at),
            expires_at: rfc3339(t.expires_at),
            last_used_at: t.last_used_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
        }
    }
}

/// The caller's own API tokens, newest first.
///
/// New tokens are made on the account page, signed in with a password, or with
/// `samla api-token create`: a token cannot make another.
#[utoipa::path(get, path = "/me/tokens", security(("token" = [])),
    responses((status = 200, description = "The caller's tokens", body = Vec<ApiToken>)))]
pub async fn my_tokens(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ApiToken>>, AppError> {
    let actor = ctx.require_actor()?;
    let now = samla_db::now();
    let own = tokens::own(&state.db, actor).await?;
    Ok(Json(
        own.into_iter().map(|t| ApiToken::of(t, now)).collect(),
    ))
}

/// Revoke one of the caller's tokens; it stops working at once.
///
/// Audited. Revoking a revoked token changes nothing. Another user's token is not found (404).
#[utoipa::path(post, path = "/me/tokens/{id}/revoke", security(("token" = [])), params(IdPath),
    responses((status = 200, description = "The token, revoked", body = ApiToken), (status = 404)))]
pub async fn revoke_my_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<ApiToken>, AppError> {
    let actor = ctx.require_actor()?;
    let token = tokens::revoke_own(&state.db, actor, id).await?;
    Ok(Json(ApiToken::of(token, samla_db::now())))
}
