//! The joint assignment over `/api/v1`, with the same use cases as the pages: the same
//! readers, the same owners per section, the same sign-off and stage rules, and audit.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::api::JsonBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use samla_app::assignment::{self as use_case, Opened};
use samla_db::assignment::{Assignment, Saved, SectionDiff, Summary};
use samla_domain::assignment::{FIRST_YEAR, LAST_YEAR, SECTION_MAX, Stage};
use samla_domain::{ErrorCode, schema};
use serde::{Deserialize, Serialize};

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, show, save_section, sign_off, move_to, changes))]
pub struct Api;

fn year_schema() -> utoipa::openapi::schema::Object {
    schema::integer(FIRST_YEAR, LAST_YEAR)
}

/// `{year}` in a path: the assignment's year.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct YearPath {
    #[param(required, schema_with = year_schema)]
    pub year: i64,
}

fn section_key() -> utoipa::openapi::schema::Object {
    let mut s = schema::text(64);
    s.pattern = Some("^[a-z0-9_-]{1,64}$".into());
    s
}

/// `{year}` and `{key}`: one section of a year's assignment.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SectionPath {
    #[param(required, schema_with = year_schema)]
    pub year: i64,
    /// The section's key: `innledning`, `rapportering` or a directorate's code.
    #[param(required, schema_with = section_key)]
    pub key: String,
}

/// A year's assignment as the caller sees it, and what the caller may do with it now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AssignmentView {
    #[serde(flatten)]
    assignment: Assignment,
    /// Whether this is the working draft (not only the published version).
    draft: bool,
    /// The sections the caller may write now.
    writable: Vec<String>,
    /// The directorate the caller may sign for now.
    may_sign: Option<String>,
    /// The stages the caller may move it to now.
    moves: Vec<Stage>,
}

impl From<Opened> for AssignmentView {
    fn from(o: Opened) -> Self {
        AssignmentView {
            assignment: o.assignment,
            draft: o.draft,
            writable: o.writable,
            may_sign: o.may_sign,
            moves: o.moves,
        }
    }
}

/// Every year's assignment the caller may read, newest first.
///
/// The secretariat, the directorates and the steering group see every year; anyone else the published ones.
#[utoipa::path(get, path = "/assignments",
    responses((status = 200, description = "The years", body = Vec<Summary>)))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<Summary>>, AppError> {
    Ok(Json(use_case::list(&state.db, ctx.actor.as_ref()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewAssignment {
    #[serde(default)]
    #[schema(required, schema_with = year_schema)]
    year: i64,
}

/// Start a year's assignment, as a copy of the year before when there is one.
///
/// The secretariat only. Audited. A year that exists is refused with 409 duplicate_name.
#[utoipa::path(post, path = "/assignments", security(("token" = [])), request_body = NewAssignment,
    responses((status = 201, description = "The assignment (Location: its URL)", body = AssignmentView), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(body): JsonBody<NewAssignment>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = use_case::create(&state.db, actor, &body.year.to_string()).await?;
    let view: AssignmentView = use_case::open(&state.db, Some(actor), year).await?.into();
    let location = format!("/api/v1/assignments/{year}");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response())
}

/// A year's assignment: the draft for those who read drafts, else the published version.
///
/// A year with nothing the caller may read is not found (404).
#[utoipa::path(get, path = "/assignments/{year}", params(YearPath),
    responses((status = 200, description = "The assignment", body = AssignmentView), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> Result<Json<AssignmentView>, AppError> {
    Ok(Json(
        use_case::open(&state.db, ctx.actor.as_ref(), year)
            .await?
            .into(),
    ))
}

fn section_text() -> utoipa::openapi::schema::Object {
    schema::text(SECTION_MAX)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SectionInput {
    #[serde(default)]
    #[schema(required, schema_with = section_text)]
    text: String,
    /// The version the text was written from.
    #[serde(default)]
    #[schema(required, schema_with = schema::id)]
    version: i64,
}

/// What a section save did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SectionSaved {
    /// The assignment's version now.
    version: i64,
    /// Whether the text differed from what was there.
    changed: bool,
    /// The directorates whose sign-off this change voided.
    voided: Vec<String>,
}

/// Write one section.
///
/// The owning directorate's members and the secretariat, while drafting or out for sign-off. Audited. Sections others changed since `version` are kept; if this section changed meanwhile the save is refused with 409 edit_conflict. A change after sign-offs voids them (named in `voided`).
#[utoipa::path(put, path = "/assignments/{year}/sections/{key}", security(("token" = [])), params(SectionPath), request_body = SectionInput,
    responses((status = 200, description = "Saved", body = SectionSaved), (status = 404), (status = 409)))]
pub async fn save_section(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, key)): Path<(i64, String)>,
    JsonBody(body): JsonBody<SectionInput>,
) -> Result<Json<SectionSaved>, AppError> {
    let actor = ctx.require_actor()?;
    let saved =
        use_case::save_section(&state.db, actor, year, &key, &body.text, body.version).await?;
    let (version, changed, voided) = match saved {
        Saved::Version { version, voided } => (version, true, voided),
        Saved::Unchanged => (body.version, false, Vec::new()),
    };
    // An unchanged save answers the version as it stands.
    let version = if changed {
        version
    } else {
        use_case::open(&state.db, Some(actor), year)
            .await?
            .assignment
            .version
    };
    Ok(Json(SectionSaved {
        version,
        changed,
        voided,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignOffInput {
    /// The version signed: the current one, as the signer read it.
    #[serde(default)]
    #[schema(required, schema_with = schema::id)]
    version: i64,
}

/// Sign the current version for the caller's directorate.
///
/// Directorate members, while the assignment is out for sign-off. Audited. A version that is no longer current is refused with 409 edit_conflict.
#[utoipa::path(post, path = "/assignments/{year}/sign-off", security(("token" = [])), params(YearPath), request_body = SignOffInput,
    responses((status = 200, description = "The assignment", body = AssignmentView), (status = 404), (status = 409)))]
pub async fn sign_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    JsonBody(body): JsonBody<SignOffInput>,
) -> Result<Json<AssignmentView>, AppError> {
    let actor = ctx.require_actor()?;
    use_case::sign_off(&state.db, actor, year, body.version).await?;
    Ok(Json(
        use_case::open(&state.db, Some(actor), year).await?.into(),
    ))
}

fn stage_choice() -> utoipa::openapi::schema::Object {
    let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    schema::choice(&names)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    #[serde(default)]
    #[schema(required, schema_with = stage_choice)]
    to: String,
}

/// Move the assignment to another stage.
///
/// The secretariat only. Audited. Quality assurance needs every directorate's sign-off of the current version (409 stage_not_allowed otherwise); publishing makes the current version public.
#[utoipa::path(post, path = "/assignments/{year}/stage", security(("token" = [])), params(YearPath), request_body = MoveInput,
    responses((status = 200, description = "The assignment", body = AssignmentView), (status = 404), (status = 409)))]
pub async fn move_to(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
    JsonBody(body): JsonBody<MoveInput>,
) -> Result<Json<AssignmentView>, AppError> {
    let actor = ctx.require_actor()?;
    use_case::move_to(&state.db, actor, year, &body.to).await?;
    Ok(Json(
        use_case::open(&state.db, Some(actor), year).await?.into(),
    ))
}

/// A year's assignment against the year before's, section by section, word by word.
///
/// Public once this year's is published; draft readers see the drafts. Not found (404) when there is nothing to compare.
#[utoipa::path(get, path = "/assignments/{year}/changes", params(YearPath),
    responses((status = 200, description = "The sections compared", body = Vec<SectionDiff>), (status = 404)))]
pub async fn changes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> Result<Json<Vec<SectionDiff>>, AppError> {
    use_case::against_last_year(&state.db, ctx.actor.as_ref(), year)
        .await?
        .map(Json)
        .ok_or(AppError::Code(ErrorCode::NotFound))
}
