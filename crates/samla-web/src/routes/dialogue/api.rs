//! The dialogue workflow over `/api/v1`: cycles, dialogues, steps, meetings, reports
//! and follow-up, with the same store calls and access proofs as the pages, so every
//! rule (order of steps, leaders approve, the identity-number gate, edit conflicts,
//! audit) holds for an API token exactly as for a person in the browser.

use super::dialogues::{own_cycle, own_work};
use super::report::own;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{AppError, EditConflict};
use crate::paging::PageQuery;
use crate::routes::api::{DateQuery, EmbeteQuery, IdPath, JsonBody};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use samla_app::dialogue as use_case;
use samla_app::dialogue::{CycleDetail, DialogueDetail};
use samla_db::dialogue::{self, Cycle, CycleSummary, Dialogue};
use samla_db::follow_up::Item;
use samla_db::report::{self, Meeting, MeetingInput, Report, SaveError};
use samla_domain::coverage::Coverage;
use samla_domain::dates::parse_region_date;
use samla_domain::dialogue::Stage;
use samla_domain::report::MeetingKind;
use samla_domain::schema;
use samla_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    coverage,
    super::reports::json,
    super::reports::one,
    cycles,
    create_cycle,
    cycle,
    add_dialogues,
    show_dialogue,
    take_step,
    correct_date,
    meeting,
    save_meeting,
    report,
    save_report,
    follow_ups,
    update_follow_up,
    withdraw,
    reopen,
    undo_step,
    remove_dialogue,
    rename_cycle,
    delete_cycle,
))]
pub struct Api;

/// `?cycle=`: only one cycle's dialogues.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CycleQuery {
    /// Only this cycle's dialogues. Empty: no filter.
    #[param(schema_with = schema::cycle_filter)]
    cycle: Option<String>,
}

/// Coverage of dialogue meetings on a date, for one embete or the whole country.
#[utoipa::path(get, path = "/dialogue/coverage", params(DateQuery, EmbeteQuery, CycleQuery),
    responses((status = 200, description = "Every unit valid on the date with its latest dialogue's stage", body = Coverage)))]
pub async fn coverage(
    State(state): State<AppState>,
    Query(date): Query<DateQuery>,
    Query(embete): Query<EmbeteQuery>,
    Query(q): Query<CycleQuery>,
) -> Result<Response, AppError> {
    let date = date.date()?;
    let embete = embete.embete(&state).await?;
    let cycle = match q.cycle.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .ok_or(DomainError::field(ErrorCode::InvalidInput, "cycle"))?,
        ),
    };
    // Computed from every dialogue and unit: kept until a dialogue changes.
    let (n, versions, last) = samla_db::dialogue::dialogues_marker(&state.db).await?;
    let key = format!("coverage:{date}:{embete:?}:{cycle:?}");
    let marker = vec![n, versions, last];
    let body = match state.data.get(&key, &marker) {
        Some(body) => body,
        None => {
            let coverage = samla_db::dialogue::coverage(&state.db, embete, date, cycle).await?;
            let body = axum::body::Bytes::from(
                serde_json::to_vec(&coverage).map_err(|e| AppError::Internal(e.to_string()))?,
            );
            state.data.keep(key, marker, body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// A store refusal as the API answers it: every field error at once, conflicts with
/// what the other editor saved.
fn refused(e: SaveError) -> AppError {
    match e {
        SaveError::Invalid(errors) => AppError::Fields(errors),
        // What is saved now, and the sections both sides changed: the client settles
        // those and saves again on top of `current.version`.
        SaveError::Conflict(c) => AppError::Conflict(Box::new(EditConflict {
            current: serde_json::json!(c.current),
            conflicts: serde_json::json!(c.clashes),
        })),
        SaveError::Store(e) => e.into(),
    }
}

fn created<T: Serialize>(location: String, body: T) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// The caller's embete's dialogue cycles, newest first.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404).
/// In pages (`page`, `per_page`), with `Link` and `X-Total-Count`.
#[utoipa::path(get, path = "/dialogue/cycles", security(("token" = [])), params(PageQuery),
    responses((status = 200, description = "Cycles with counts, one page", body = Vec<CycleSummary>)))]
pub async fn cycles(
    State(state): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let proof = own_work(&ctx)?;
    let paging = q.paging()?;
    let (cycles, total) = dialogue::cycles_window(
        &state.db,
        &proof,
        paging.offset() as i64,
        paging.per_page as i64,
    )
    .await?;
    Ok(paging.answer(&uri, total, cycles))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewCycle {
    #[serde(default)]
    #[schema(required, schema_with = schema::cycle_name)]
    name: String,
    #[serde(default)]
    #[schema(required, schema_with = schema::date)]
    starts_on: String,
    #[serde(default)]
    #[schema(required, schema_with = schema::date)]
    ends_on: String,
}

/// Plan a cycle.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404). Audited. A name is used once per embete: a second cycle with the same name (a
/// form sent twice, say) is refused with 409 duplicate_name.
#[utoipa::path(post, path = "/dialogue/cycles", security(("token" = [])), request_body = NewCycle,
    responses((status = 201, description = "The cycle (Location: its URL)", body = Cycle), (status = 409)))]
pub async fn create_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    JsonBody(body): JsonBody<NewCycle>,
) -> Result<Response, AppError> {
    match use_case::create_cycle(
        &state.db,
        ctx.require_actor()?,
        &body.name,
        &body.starts_on,
        &body.ends_on,
    )
    .await
    {
        Ok(cycle) => Ok(created(
            format!("/api/v1/dialogue/cycles/{}", cycle.id),
            cycle,
        )),
        Err(Ok(errors)) => Err(AppError::Fields(errors)),
        Err(Err(e)) => Err(e.into()),
    }
}

/// A cycle, its dialogues and the units that can still be added.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404).
#[utoipa::path(get, path = "/dialogue/cycles/{id}", security(("token" = [])), params(IdPath),
    responses((status = 200, description = "The cycle", body = CycleDetail), (status = 404)))]
pub async fn cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<CycleDetail>, AppError> {
    Ok(Json(
        own_cycle(&state, &ctx, id).await?.detail(&state.db).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDialogues {
    #[serde(default)]
    #[schema(required, schema_with = schema::unit_numbers)]
    units: Vec<String>,
    /// When the dialogues were planned (not in the future); today when left out, an
    /// earlier date when entering work already under way.
    #[serde(default)]
    #[schema(schema_with = schema::planned_on)]
    planned_on: String,
}

/// What adding dialogues answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Added {
    /// How many were added.
    added: usize,
    /// The cycle's dialogues.
    dialogues: Vec<Dialogue>,
}

/// Add dialogues with units of the embete's area valid on the cycle's first day.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404). Units that already have a dialogue in the cycle are left as they are. Audited.
#[utoipa::path(post, path = "/dialogue/cycles/{id}/dialogues", security(("token" = [])), params(IdPath), request_body = NewDialogues,
    responses((status = 201, description = "How many were added, and the cycle's dialogues", body = Added), (status = 404)))]
pub async fn add_dialogues(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<NewDialogues>,
) -> Result<Response, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    let date = super::dialogues::planned_on(&body.planned_on)?;
    let (added, detail) = work.add_dialogues(&state.db, &body.units, date).await?;
    Ok(created(
        format!("/api/v1/dialogue/cycles/{id}"),
        Added {
            added,
            dialogues: detail.dialogues,
        },
    ))
}

/// A dialogue, its recorded steps and the stages it may move to next.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404).
#[utoipa::path(get, path = "/dialogue/dialogues/{id}", security(("token" = [])), params(IdPath),
    responses((status = 200, description = "The dialogue", body = DialogueDetail), (status = 404)))]
pub async fn show_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<DialogueDetail>, AppError> {
    Ok(Json(own(&state, &ctx, id).await?.detail(&state.db).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    #[serde(default)]
    #[schema(required, value_type = Stage)]
    stage: String,
    #[serde(default)]
    #[schema(required, schema_with = schema::date)]
    date: String,
    /// The dialogue's `version` as last read; a newer one means someone else moved it.
    #[schema(required, value_type = i64, minimum = -9223372036854775808_i64, maximum = 9223372036854775807_i64)]
    version: Option<i64>,
    /// The report's version as the approver read it. Required for report_approved (400
    /// required otherwise); a report saved since is 409 edit_conflict with field
    /// report_version. Checked for published when given.
    #[schema(minimum = -9223372036854775808_i64, maximum = 9223372036854775807_i64)]
    report_version: Option<i64>,
    /// The SHA-256 of the report version as the approver read it (`sha256` of GET
    /// …/report). When given, a report whose content hashes differently is 409
    /// edit_conflict with field report_version. The step records the version and its hash.
    #[serde(default)]
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    report_sha256: Option<String>,
    /// Approving or publishing a report with an 11-digit run that is not a valid
    /// identity number needs this (it is written to the audit log).
    #[serde(default)]
    confirm_eleven_digit_runs: bool,
}

/// Take the next step.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404). Steps go in order (409 stage_not_allowed otherwise), are dated (not before the
/// previous step, not in the future) and audited. report_drafted, report_approved and
/// published need a report; approving is for the embete's leaders (403 leader_required);
/// approving names the report version the leader read (`report_version`; 409
/// edit_conflict when the report was saved since); approving and publishing are refused
/// while any public text (the report's fields, the cycle's name) holds a valid national
/// identity, D-, H- or synthetic number however it is written (422 personal_id_found,
/// `field` names it), and other 11-digit runs need `confirm_eleven_digit_runs` (recorded
/// in the audit log).
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/steps", security(("token" = [])), params(IdPath), request_body = StepBody,
    responses((status = 200, description = "The dialogue after the step", body = Dialogue), (status = 404), (status = 409)))]
pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<StepBody>,
) -> Result<Json<Dialogue>, AppError> {
    // Who asks and whether the dialogue is theirs come first, whatever the body says.
    let work = own(&state, &ctx, id).await?;
    let stage = Stage::parse(&body.stage);
    let date = parse_region_date(&body.date, "date");
    let version = body
        .version
        .ok_or(DomainError::field(ErrorCode::InvalidInput, "version"));
    let (stage, date, version) = match (stage, date, version) {
        (Some(s), Ok(d), Ok(v)) => (s, d, v),
        (s, d, v) => {
            let mut errors = Vec::new();
            if s.is_none() {
                errors.push(DomainError::field(ErrorCode::InvalidChoice, "stage"));
            }
            errors.extend(d.err());
            errors.extend(v.err());
            return Err(AppError::Fields(errors));
        }
    };
    let step = use_case::Step {
        stage,
        date,
        version,
        report_version: body.report_version,
        report_sha256: body.report_sha256,
        confirm_eleven_digit_runs: body.confirm_eleven_digit_runs,
    };
    let moved = work.take_step(&state.db, &step).await?;
    Ok(Json(moved))
}

/// A correction's body: why, and the dialogue's version as last read (withdraw, undo,
/// remove).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CorrectionBody {
    /// Why: kept in the dialogue's history and the audit log (a withdrawal's and a
    /// correction's reason is also shown publicly).
    #[serde(default)]
    #[schema(required, schema_with = schema::reason)]
    reason: String,
    /// The dialogue's `version` as last read.
    #[schema(required, value_type = i64, minimum = -9223372036854775808_i64, maximum = 9223372036854775807_i64)]
    version: Option<i64>,
}

/// Withdraw a published report.
///
/// For the leaders of the dialogue's embete (403 leader_required otherwise; other
/// embeter's dialogues are not found, 404). The report must be published (409
/// stage_not_allowed otherwise); version is the dialogue's version as last read (409
/// edit_conflict when it moved). The reason is required (400 required), at most 1,000
/// characters (400 text_too_long) and public, so an 11-digit number in it is refused (422
/// personal_id_found). Afterwards the public page answers 410 Gone with the date and the
/// reason, and the report leaves every list, CSV, JSON and the coverage count; the
/// dialogue's stage is withdrawn. A leader can take it up again with the step
/// report_drafted.
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/withdraw", security(("token" = [])), params(IdPath), request_body = CorrectionBody,
    responses((status = 200, description = "The dialogue, now withdrawn", body = Dialogue), (status = 404), (status = 409)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<Dialogue>, AppError> {
    leave_published(&state, &ctx, id, &body, Stage::Withdrawn).await
}

/// Reopen a published report for correction.
///
/// For the leaders of the dialogue's embete (403 leader_required otherwise; other
/// embeter's dialogues are not found, 404). The report must be published (409
/// stage_not_allowed otherwise); version is the dialogue's version as last read (409
/// edit_conflict when it moved). The reason is required (400 required), at most 1,000
/// characters (400 text_too_long) and public, so an 11-digit number in it is refused (422
/// personal_id_found). The dialogue's stage becomes report_drafted: the report can be
/// saved, approved (report_version, report_sha256) and published again. Until then the
/// version published stays public, in every list and in the coverage count; once the
/// corrected version is published, its page says "Korrigert" with the date, this reason
/// and a word-level list of what changed. Undoing this step (POST …/undo, leaders)
/// returns to published.
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/reopen", security(("token" = [])), params(IdPath), request_body = CorrectionBody,
    responses((status = 200, description = "The dialogue, now report_drafted", body = Dialogue), (status = 404), (status = 409)))]
pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<Dialogue>, AppError> {
    leave_published(&state, &ctx, id, &body, Stage::ReportDrafted).await
}

/// A leader's action with a reason that takes a published report to `to`.
async fn leave_published(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    body: &CorrectionBody,
    to: Stage,
) -> Result<Json<Dialogue>, AppError> {
    let work = own(state, ctx, id).await?;
    Ok(Json(
        work.leave_published(&state.db, &body.reason, body.version, to)
            .await?,
    ))
}

/// Undo the dialogue's last step.
///
/// For staff and leaders of the dialogue's embete (other embeter's dialogues are not
/// found, 404). The dialogue goes back to the stage and date before its last step; the
/// step stays in `steps`, marked `undone` with when, by whom and the reason. The first
/// step (planned), a publication (withdraw instead) and a withdrawal cannot be undone
/// (409 nothing_to_undo); what only a leader may do (approving, sending back) only a
/// leader may undo (403 leader_required). version is the dialogue's version as last read
/// (409 edit_conflict when it moved). The reason is required (400 required) and at most
/// 1,000 characters (400 text_too_long); it is kept in the history and the audit log, and
/// a valid identity number in it is refused (422 personal_id_found).
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/undo", security(("token" = [])), params(IdPath), request_body = CorrectionBody,
    responses((status = 200, description = "The dialogue, back at the stage before", body = Dialogue), (status = 404), (status = 409)))]
pub async fn undo_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<Dialogue>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let version = body.version()?;
    Ok(Json(
        work.undo_step(&state.db, &body.reason, version).await?,
    ))
}

/// A date correction's body: the right date, why, and the dialogue's version as last read.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DateBody {
    #[serde(default)]
    #[schema(required, schema_with = schema::date)]
    date: String,
    /// Why the date is corrected.
    #[serde(default)]
    #[schema(required, schema_with = schema::reason)]
    reason: String,
    /// The dialogue's version as last read.
    #[schema(required, value_type = i64, minimum = -9223372036854775808_i64, maximum = 9223372036854775807_i64)]
    version: Option<i64>,
}

/// `{id}/steps/{step}` in a path: a dialogue and one of its recorded steps.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StepPath {
    #[param(required, schema_with = schema::id)]
    id: i64,
    /// A standing step's id from `steps`.
    #[param(required, schema_with = schema::id)]
    step: i64,
}

/// Correct the date of a step.
///
/// For staff and leaders of the dialogue's embete (other embeter's dialogues are not
/// found, 404); a leader's decision (approving, sending back) only by a leader (403
/// leader_required). `step` is a standing step's id from `steps` (404 otherwise). The
/// date stays between the standing steps before and after it (422
/// date_before_previous_step, date_after_next_step), is not in the future (422
/// date_in_future); publications and withdrawals keep their dates (409
/// stage_not_allowed). version is the dialogue's version as last read (409 edit_conflict
/// when it moved). The reason is required (400 required), at most 1,000 characters (400
/// text_too_long), kept with the step under `corrected` with the date first recorded, and
/// in the audit log.
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/steps/{step}/date", security(("token" = [])), params(StepPath), request_body = DateBody,
    responses((status = 200, description = "The dialogue after the correction", body = Dialogue), (status = 404), (status = 409)))]
pub async fn correct_date(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(StepPath { id, step }): Path<StepPath>,
    JsonBody(body): JsonBody<DateBody>,
) -> Result<Json<Dialogue>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let version = body
        .version
        .ok_or(DomainError::field(ErrorCode::InvalidInput, "version"))?;
    let date = parse_region_date(&body.date, "date")?;
    Ok(Json(
        work.correct_date(&state.db, step, date, &body.reason, version)
            .await?,
    ))
}

/// Remove a unit added to a cycle by mistake.
///
/// For staff and leaders of the dialogue's embete (other embeter's dialogues are not
/// found, 404). Only while the dialogue is planned (409 stage_not_allowed) and no meeting
/// or report is recorded for it (409 has_records: they would be lost). version is the
/// dialogue's version as last read (409 edit_conflict). The reason is required (400
/// required), at most 1,000 characters (400 text_too_long) and kept in the audit log with
/// what was removed. Answers the cycle as it is now.
#[utoipa::path(post, path = "/dialogue/dialogues/{id}/remove", security(("token" = [])), params(IdPath), request_body = CorrectionBody,
    responses((status = 200, description = "The cycle, without the unit", body = CycleDetail), (status = 404), (status = 409)))]
pub async fn remove_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<CycleDetail>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let version = body.version()?;
    Ok(Json(work.remove(&state.db, &body.reason, version).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RenameBody {
    #[serde(default)]
    #[schema(required, schema_with = schema::cycle_name)]
    name: String,
    /// Why the cycle is renamed; kept in the audit log.
    #[serde(default)]
    #[schema(required, schema_with = schema::reason)]
    reason: String,
}

/// Rename a cycle.
///
/// For staff and leaders of the cycle's embete (other embeter's cycles are not found,
/// 404). Only while no dialogue in the cycle has gone past planned (409
/// stage_not_allowed). The name is required (400 name_required), used once per embete
/// (409 duplicate_name) and public at once, so an identity number in it is refused (422
/// personal_id_found). The reason is required (400 required) and at most 1,000
/// characters (400 text_too_long); the audit log keeps the old and new name and the
/// reason.
#[utoipa::path(post, path = "/dialogue/cycles/{id}/rename", security(("token" = [])), params(IdPath), request_body = RenameBody,
    responses((status = 200, description = "The renamed cycle", body = Cycle), (status = 404), (status = 409)))]
pub async fn rename_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<RenameBody>,
) -> Result<Json<Cycle>, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    Ok(Json(
        work.rename(&state.db, &body.name, &body.reason).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    /// Why the cycle is deleted; kept in the audit log.
    #[serde(default)]
    #[schema(required, schema_with = schema::reason)]
    reason: String,
}

/// Delete a cycle made by mistake.
///
/// For staff and leaders of the cycle's embete (other embeter's cycles are not found,
/// 404). Only while every dialogue in it is planned with no meeting or report recorded
/// (409 stage_not_allowed). The cycle and its dialogues are deleted; the reason is
/// required (400 required), at most 1,000 characters (400 text_too_long), and the audit
/// log keeps the cycle, its units and the reason.
#[utoipa::path(post, path = "/dialogue/cycles/{id}/delete", security(("token" = [])), params(IdPath), request_body = ReasonBody,
    responses((status = 204, description = "Deleted"), (status = 404), (status = 409)))]
pub async fn delete_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Result<StatusCode, AppError> {
    own_cycle(&state, &ctx, id)
        .await?
        .delete(&state.db, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

impl CorrectionBody {
    /// The version is required: a correction of a dialogue someone moved since is a conflict.
    fn version(&self) -> Result<i64, DomainError> {
        self.version
            .ok_or(DomainError::field(ErrorCode::InvalidInput, "version"))
    }
}

fn kind_of(kind: &str) -> Result<MeetingKind, AppError> {
    MeetingKind::parse(kind).ok_or(AppError::Code(ErrorCode::NotFound))
}

/// `{id}/meetings/{kind}` in a path: a dialogue and one of its two meetings.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    #[param(required, schema_with = schema::id)]
    id: i64,
    #[param(required, schema_with = schema::meeting_kind)]
    kind: String,
}

/// A recorded meeting.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404).
#[utoipa::path(get, path = "/dialogue/dialogues/{id}/meetings/{kind}", security(("token" = [])), params(MeetingPath),
    responses((status = 200, description = "The meeting", body = Meeting), (status = 404)))]
pub async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(MeetingPath { id, kind }): Path<MeetingPath>,
) -> Result<Json<Meeting>, AppError> {
    let kind = kind_of(&kind)?;
    let work = own(&state, &ctx, id).await?;
    Ok(Json(
        report::meeting(&state.db, &work.proof, id, kind)
            .await?
            .ok_or(AppError::Code(ErrorCode::NotFound))?,
    ))
}

/// A meeting as an API client sends it. No names: a youth meeting has a group, a count
/// and age bands.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct MeetingBody {
    #[schema(required, schema_with = schema::date)]
    held_on: String,
    #[schema(required, schema_with = schema::place)]
    place: String,
    #[schema(schema_with = schema::services)]
    services: Vec<String>,
    roles: String,
    notes: String,
    /// Required for a youth meeting (422 required_for_youth_meeting when left out); null
    /// for a leaders' meeting.
    #[schema(schema_with = schema::youth_group)]
    youth_group: Option<String>,
    /// How many took part: required for a youth meeting (422 required_for_youth_meeting
    /// when left out).
    #[schema(schema_with = schema::participants)]
    participants: Option<i64>,
    #[schema(schema_with = schema::age_bands)]
    age_bands: Vec<String>,
}

/// Record or correct a meeting.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404). Every wrong field is listed in `errors`. Once the report is approved the
/// meetings are locked with it (409 meeting_locked). Audited.
#[utoipa::path(put, path = "/dialogue/dialogues/{id}/meetings/{kind}", security(("token" = [])), params(MeetingPath), request_body = MeetingBody,
    responses((status = 200, description = "The meeting as saved", body = Meeting), (status = 404), (status = 409)))]
pub async fn save_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(MeetingPath { id, kind }): Path<MeetingPath>,
    JsonBody(body): JsonBody<MeetingBody>,
) -> Result<Json<Meeting>, AppError> {
    let kind = kind_of(&kind)?;
    let work = own(&state, &ctx, id).await?;
    let input = MeetingInput {
        held_on: body.held_on,
        place: body.place,
        services: body.services,
        roles: body.roles,
        notes: body.notes,
        youth_group: body.youth_group.unwrap_or_default(),
        participants: body.participants.map(|n| n.to_string()).unwrap_or_default(),
        age_bands: body.age_bands,
    };
    work.save_meeting(&state.db, kind, &input)
        .await
        .map(Json)
        .map_err(refused)
}

/// A dialogue's report (draft or final).
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404).
#[utoipa::path(get, path = "/dialogue/dialogues/{id}/report", security(("token" = [])), params(IdPath),
    responses((status = 200, description = "The report", body = HashedReport), (status = 404)))]
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<HashedReport>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let report = report::report(&state.db, &work.proof, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(Json(HashedReport::of(report)))
}

/// A report as the API answers it: with the SHA-256 an approval can name.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HashedReport {
    #[serde(flatten)]
    report: Report,
    /// The SHA-256 of this version's content: what an approval names (report_sha256).
    sha256: String,
}

impl HashedReport {
    fn of(report: Report) -> HashedReport {
        let sha256 = report.sha256();
        HashedReport { report, sha256 }
    }
}

/// Save the whole report.
///
/// Staff and leaders of the cycle's embete only; other embeter's cycles and dialogues are not found (404). Only while the dialogue is between the leaders' meeting and the report's
/// approval, or reopened for correction (409 report_locked otherwise). Every save is a
/// version with its SHA-256. A stale `version` is merged field by field; only a field or
/// row both sides changed is 409 edit_conflict with `current` and `conflicts`, and
/// nothing is overwritten. Audited (which fields changed, as hashes).
#[utoipa::path(put, path = "/dialogue/dialogues/{id}/report", security(("token" = [])), params(IdPath), request_body = Report,
    responses((status = 200, description = "The report as saved, with its new version", body = HashedReport), (status = 404), (status = 409)))]
pub async fn save_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Report>,
) -> Result<Json<HashedReport>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let blank = samla_domain::report::blank_rows(&body);
    if !blank.is_empty() {
        return Err(AppError::Fields(blank));
    }
    work.save_report(&state.db, body)
        .await
        .map(|saved| Json(HashedReport::of(saved.report)))
        .map_err(refused)
}

/// Follow-up items: a unit's contact gets the items agreed with the unit; an embete's
/// staff and leaders get every item of its published reports.
///
/// Overdue items first, marked `overdue`.
/// In pages (`page`, `per_page`), with `Link` and `X-Total-Count`.
#[utoipa::path(get, path = "/follow-ups", security(("token" = [])), params(PageQuery),
    responses((status = 200, description = "Items, one page", body = Vec<Item>)))]
pub async fn follow_ups(
    State(state): State<AppState>,
    ctx: Ctx,
    uri: Uri,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let paging = q.paging()?;
    let (items, _) = samla_app::follow_up::items(&state.db, ctx.require_actor()?).await?;
    let total = items.len();
    Ok(paging.answer(&uri, total, paging.slice(items)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FollowUpBody {
    #[serde(default)]
    #[schema(required, schema_with = schema::follow_up_status)]
    status: String,
    #[serde(default)]
    #[schema(schema_with = schema::comment)]
    comment: String,
}

/// Mark progress on a follow-up item and comment.
///
/// For the unit's contact only. Audited.
#[utoipa::path(post, path = "/follow-ups/{id}", security(("token" = [])), params(IdPath), request_body = FollowUpBody,
    responses((status = 200, description = "The item after the change", body = Item), (status = 404)))]
pub async fn update_follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<FollowUpBody>,
) -> Result<Json<Item>, AppError> {
    let actor = ctx.require_actor()?;
    Ok(Json(
        samla_app::follow_up::update(&state.db, actor, id, &body.status, &body.comment).await?,
    ))
}
