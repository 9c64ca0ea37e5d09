//! Yearly reports over `/api/v1`, with the same use cases as the pages: the embete's own
//! people write, a leader approves, the embete submits, the secretariat reads what was
//! submitted and who has reported; nobody else sees a report.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::api::JsonBody;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use samla_app::yearly_report::{self as use_case, Opened, Step};
use samla_db::yearly_report::{Report, Saved, Stage, Summary};
use samla_domain::assignment::{FIRST_YEAR, LAST_YEAR, SECTION_MAX};
use samla_domain::yearly_report::{ANSWER_STATUSES, AnswerInput, Figure, PERIODS, Reported};
use samla_domain::{dates, schema};
use serde::{Deserialize, Serialize};

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, show, save_answer, approve, submit, status))]
pub struct Api;

fn year_schema() -> utoipa::openapi::schema::Object {
    schema::integer(FIRST_YEAR, LAST_YEAR)
}

fn period_schema() -> utoipa::openapi::schema::Object {
    schema::choice(&PERIODS)
}

fn embete_schema() -> utoipa::openapi::schema::Object {
    let mut s = schema::text(64);
    s.pattern = Some("^[a-z0-9-]{1,64}$".into());
    s
}

fn answer_status() -> utoipa::openapi::schema::Object {
    schema::choice(&ANSWER_STATUSES)
}

/// Identities of the embete's own items.
fn id_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(schema::id())
        .build()
}

fn answer_text() -> utoipa::openapi::schema::Object {
    schema::text(SECTION_MAX)
}

/// `{embete}`, `{year}` and `{period}`: one report.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportPath {
    /// The embete's code, such as `rogaland`.
    #[param(required, schema_with = embete_schema)]
    pub embete: String,
    #[param(required, schema_with = year_schema)]
    pub year: i64,
    /// `year` for the yearly report, `midyear` for the mid-year report.
    #[param(required, schema_with = period_schema)]
    pub period: String,
}

/// One answer of one report.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AnswerPath {
    #[param(required, schema_with = embete_schema)]
    pub embete: String,
    #[param(required, schema_with = year_schema)]
    pub year: i64,
    #[param(required, schema_with = period_schema)]
    pub period: String,
    /// The reporting requirement's stable identity.
    #[param(required, schema_with = schema::id)]
    pub requirement: i64,
}

/// `{year}` and `{period}`: every embete's reports of a period.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PeriodPath {
    #[param(required, schema_with = year_schema)]
    pub year: i64,
    #[param(required, schema_with = period_schema)]
    pub period: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The secretariat's list: every embete's reports of this year.
    #[param(schema_with = year_schema)]
    year: Option<i64>,
}

/// When one requirement's answer is due.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Due {
    requirement: i64,
    #[schema(format = Date)]
    date: String,
}

/// A report as the caller sees it, and what the caller may do with it now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    report: Report,
    /// The caller works in the embete and may still change the answers.
    writable: bool,
    may_approve: bool,
    may_submit: bool,
    deadlines: Vec<Due>,
}

impl From<Opened> for ReportView {
    fn from(o: Opened) -> Self {
        ReportView {
            deadlines: o
                .deadlines
                .iter()
                .map(|(requirement, d)| Due {
                    requirement: *requirement,
                    date: dates::iso(*d),
                })
                .collect(),
            report: o.report,
            writable: o.writable,
            may_approve: o.may_approve,
            may_submit: o.may_submit,
        }
    }
}

/// The reports the caller follows.
///
/// An embete's staff and leaders: their embete's reports. The secretariat: every embete's reports of `year` (none without it). Anyone else is refused (403).
#[utoipa::path(get, path = "/yearly-reports", security(("token" = [])), params(ListQuery),
    responses((status = 200, description = "The reports", body = Vec<Summary>)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Summary>>, AppError> {
    let actor = ctx.require_actor()?;
    Ok(Json(use_case::list(&state.db, actor, q.year).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewReport {
    #[serde(default)]
    #[schema(required, schema_with = embete_schema)]
    embete: String,
    #[serde(default)]
    #[schema(required, schema_with = year_schema)]
    year: i64,
    #[serde(default)]
    #[schema(required, schema_with = period_schema)]
    period: String,
}

/// Start the embete's report for a year whose joint assignment is published.
///
/// The embete's staff and leaders. Audited. A report that exists is refused with 409 duplicate_name; a year whose assignment is not published with 409 stage_not_allowed.
#[utoipa::path(post, path = "/yearly-reports", security(("token" = [])), request_body = NewReport,
    responses((status = 201, description = "The report (Location: its URL)", body = ReportView), (status = 404), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(body): JsonBody<NewReport>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    use_case::create(&state.db, actor, &body.embete, body.year, &body.period).await?;
    let view: ReportView =
        use_case::standing(&state.db, actor, &body.embete, body.year, &body.period)
            .await?
            .into();
    let location = format!(
        "/api/v1/yearly-reports/{}/{}/{}",
        body.embete, body.year, view.report.period
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    )
        .into_response())
}

/// One report: the current version for the embete's own people, the submitted version for the secretariat.
///
/// Anyone else, and a report that does not exist, is not found (404).
#[utoipa::path(get, path = "/yearly-reports/{embete}/{year}/{period}", security(("token" = [])), params(ReportPath),
    responses((status = 200, description = "The report", body = ReportView), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, i64, String)>,
) -> Result<Json<ReportView>, AppError> {
    let actor = ctx.require_actor()?;
    Ok(Json(
        use_case::standing(&state.db, actor, &embete, year, &period)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    #[serde(default)]
    #[schema(required, schema_with = answer_status)]
    status: String,
    /// What the embete has done; required for `done` and `partly`.
    #[serde(default)]
    #[schema(schema_with = answer_text)]
    text: String,
    /// Why the requirement does not concern the embete; required for `not_relevant`.
    #[serde(default)]
    #[schema(schema_with = answer_text)]
    reason: String,
    /// The embete's plan measures that carry the work.
    #[serde(default)]
    #[schema(schema_with = id_list)]
    measures: Vec<i64>,
    /// The embete's dialogues whose published reports show the work.
    #[serde(default)]
    #[schema(schema_with = id_list)]
    dialogues: Vec<i64>,
    /// Follow-up items of those dialogues.
    #[serde(default)]
    #[schema(schema_with = id_list)]
    follow_ups: Vec<i64>,
    #[serde(default)]
    figures: Vec<Figure>,
    /// The version the answer was written from.
    #[serde(default)]
    #[schema(required, schema_with = schema::id)]
    version: i64,
}

/// What an answer save did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnswerSaved {
    /// The report's version now.
    version: i64,
    /// Whether the answer differed from what was there.
    changed: bool,
    /// Whether the save took a leader's approval away.
    voided: bool,
}

fn ids(list: &[i64]) -> Vec<String> {
    list.iter().map(i64::to_string).collect()
}

/// Write the answer to one reporting requirement.
///
/// The embete's staff and leaders, until the report is submitted. Audited. Every field's error is answered at once, in `errors`. Answers others changed since `version` are kept; if this answer changed meanwhile the save is refused with 409 edit_conflict. A save after a leader's approval voids it (`voided`).
#[utoipa::path(put, path = "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}", security(("token" = [])), params(AnswerPath), request_body = AnswerBody,
    responses((status = 200, description = "Saved", body = AnswerSaved), (status = 404), (status = 409)))]
pub async fn save_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, i64, String, i64)>,
    JsonBody(body): JsonBody<AnswerBody>,
) -> Result<Json<AnswerSaved>, AppError> {
    let actor = ctx.require_actor()?;
    let input = AnswerInput {
        status: body.status,
        text: body.text,
        reason: body.reason,
        measures: ids(&body.measures),
        dialogues: ids(&body.dialogues),
        follow_ups: ids(&body.follow_ups),
        figures: body
            .figures
            .iter()
            .map(|f| format!("{}: {}", f.name.replace(['\n', '\r'], " "), f.value))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let saved = use_case::save_answer(
        &state.db,
        actor,
        &embete,
        year,
        &period,
        requirement,
        &input,
        body.version,
    )
    .await
    .map_err(|refused| match refused {
        Ok(errors) => AppError::Fields(errors),
        Err(e) => e.into(),
    })?;
    let (version, changed, voided) = match saved {
        Saved::Version { version, voided } => (version, true, voided),
        Saved::Unchanged => {
            let now = use_case::standing(&state.db, actor, &embete, year, &period).await?;
            (now.report.version, false, false)
        }
    };
    Ok(Json(AnswerSaved {
        version,
        changed,
        voided,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VersionInput {
    /// The version acted on: the current one, as the caller read it.
    #[serde(default)]
    #[schema(required, schema_with = schema::id)]
    version: i64,
}

/// Takes a step and answers the report as it stands after it.
async fn take(
    state: &AppState,
    ctx: &Ctx,
    (embete, year, period): (String, i64, String),
    step: Step,
    version: i64,
) -> Result<Json<ReportView>, AppError> {
    let actor = ctx.require_actor()?;
    let at = (embete.as_str(), year, period.as_str());
    use_case::take(&state.db, actor, at, step, version).await?;
    Ok(Json(
        use_case::standing(&state.db, actor, &embete, year, &period)
            .await?
            .into(),
    ))
}

/// Approve the current version.
///
/// The embete's leaders, when every requirement is answered (409 answers_missing otherwise). Audited. A version that is no longer current is refused with 409 edit_conflict.
#[utoipa::path(post, path = "/yearly-reports/{embete}/{year}/{period}/approve", security(("token" = [])), params(ReportPath), request_body = VersionInput,
    responses((status = 200, description = "The report", body = ReportView), (status = 404), (status = 409)))]
pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, i64, String)>,
    JsonBody(body): JsonBody<VersionInput>,
) -> Result<Json<ReportView>, AppError> {
    take(
        &state,
        &ctx,
        (embete, year, period),
        Step::Approve,
        body.version,
    )
    .await
}

/// Submit the approved version to the secretariat; the answers are then locked.
///
/// The embete's staff and leaders, once a leader approved the current version (409 stage_not_allowed otherwise). Audited.
#[utoipa::path(post, path = "/yearly-reports/{embete}/{year}/{period}/submit", security(("token" = [])), params(ReportPath), request_body = VersionInput,
    responses((status = 200, description = "The report", body = ReportView), (status = 404), (status = 409)))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, i64, String)>,
    JsonBody(body): JsonBody<VersionInput>,
) -> Result<Json<ReportView>, AppError> {
    take(
        &state,
        &ctx,
        (embete, year, period),
        Step::Submit,
        body.version,
    )
    .await
}

/// One embete's standing on one requirement.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StandingView {
    requirement: i64,
    #[schema(format = Date)]
    deadline: String,
    reported: Reported,
}

/// One embete's report in the overview.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EmbeteStanding {
    embete: String,
    /// `null` when it has not started the report.
    stage: Option<Stage>,
    standings: Vec<StandingView>,
}

/// Who has reported on a year's period.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusView {
    year: i64,
    period: String,
    /// The reporting requirements' identities, in order.
    requirements: Vec<i64>,
    embeter: Vec<EmbeteStanding>,
}

/// Who has reported: per embete and requirement, expected, on time, late or missing.
///
/// The secretariat only. A year whose assignment is not published is not found (404).
#[utoipa::path(get, path = "/yearly-reports/status/{year}/{period}", security(("token" = [])), params(PeriodPath),
    responses((status = 200, description = "The standings", body = StatusView), (status = 404)))]
pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, period)): Path<(i64, String)>,
) -> Result<Json<StatusView>, AppError> {
    let actor = ctx.require_actor()?;
    let codes: Vec<String> = samla_db::regions::embeter_on(&state.db, samla_domain::dates::today())
        .await?
        .into_iter()
        .map(|e| e.code)
        .collect();
    let overview = use_case::overview(&state.db, actor, year, &period, &codes).await?;
    Ok(Json(StatusView {
        year: overview.year,
        period: overview.period.to_owned(),
        requirements: overview.requirements.iter().map(|r| r.id).collect(),
        embeter: overview
            .embeter
            .into_iter()
            .map(|(embete, stage, standings)| EmbeteStanding {
                embete,
                stage,
                standings: standings
                    .into_iter()
                    .map(|s| StandingView {
                        requirement: s.requirement,
                        deadline: dates::iso(s.deadline),
                        reported: s.reported,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
