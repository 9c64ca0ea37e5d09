//! The dialogue workflow over `/api/v1`: cycles, dialogues, steps, meetings, reports
//! and follow-up, with the same store calls and access proofs as the pages, so every
//! rule (order of steps, leaders approve, the identity-number gate, edit conflicts,
//! audit) holds for an API token exactly as for a person in the browser.

use super::dialogues::{own_cycle, own_work};
use super::report::own;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::api::JsonBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use samla_app::dialogue as use_case;
use samla_app::dialogue::{CycleDetail, DialogueDetail};
use samla_db::dialogue::{self, Cycle, CycleSummary, Dialogue};
use samla_db::follow_up::Item;
use samla_db::report::{self, Meeting, MeetingInput, Report, SaveError};
use samla_domain::dates::parse_region_date;
use samla_domain::dialogue::Stage;
use samla_domain::report::MeetingKind;
use samla_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

/// A store refusal as the API answers it: every field error at once, conflicts with
/// what the other editor saved.
fn refused(e: SaveError) -> AppError {
    match e {
        SaveError::Invalid(errors) => AppError::Fields(errors),
        // What is saved now, and the sections both sides changed: the client settles
        // those and saves again on top of `current.version`.
        SaveError::Conflict(c) => AppError::Conflict(serde_json::json!({
            "current": c.current,
            "conflicts": c.clashes,
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

/// The actor's embete's cycles, newest first.
pub async fn cycles(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<CycleSummary>>, AppError> {
    let proof = own_work(&ctx)?;
    Ok(Json(dialogue::cycles(&state.db, &proof).await?))
}

#[derive(Deserialize)]
pub struct NewCycle {
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

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

pub async fn cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<CycleDetail>, AppError> {
    Ok(Json(
        own_cycle(&state, &ctx, id).await?.detail(&state.db).await?,
    ))
}

#[derive(Deserialize)]
pub struct NewDialogues {
    #[serde(default)]
    units: Vec<String>,
    /// YYYY-MM-DD; today when left out.
    #[serde(default)]
    planned_on: String,
}

/// Adds dialogues with the given units (numbers valid at the cycle's start).
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
        serde_json::json!({ "added": added, "dialogues": detail.dialogues }),
    ))
}

/// A dialogue with its recorded steps and the steps the caller may take next.
pub async fn show_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<DialogueDetail>, AppError> {
    Ok(Json(own(&state, &ctx, id).await?.detail(&state.db).await?))
}

#[derive(Deserialize)]
pub struct StepBody {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    date: String,
    /// The dialogue's `version` as last read; a newer one means someone else moved it.
    version: Option<i64>,
    /// The report's `version` as the approver read it: required to approve, so a
    /// leader never approves text saved after they read it.
    report_version: Option<i64>,
    /// The SHA-256 of that version (`sha256` of the report as read), if the client
    /// wants the approval to name exactly the text it showed.
    #[serde(default)]
    report_sha256: Option<String>,
    /// Approving or publishing a report with an 11-digit run that is not a valid
    /// identity number needs this (it is written to the audit log).
    #[serde(default)]
    confirm_eleven_digit_runs: bool,
}

/// Takes the next step. The report's steps (drafted, approved, published) check the
/// report; approval is for the embete's leaders.
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
#[derive(Deserialize)]
pub struct CorrectionBody {
    #[serde(default)]
    reason: String,
    /// The dialogue's `version` as last read.
    version: Option<i64>,
}

/// Withdraws a published report (the embete's leaders): its public page answers 410
/// with the date and the reason, and it leaves every list and the coverage count.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<Dialogue>, AppError> {
    leave_published(&state, &ctx, id, &body, Stage::Withdrawn).await
}

/// Reopens a published report for correction (the embete's leaders). The published
/// version stays public until the corrected one is published, which then says
/// "corrected" with the date, the reason and what changed.
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

/// Undoes the dialogue's last step (`{"reason", "version"}`): it goes back to the stage
/// and date before, and the step stays in `steps` with `undone`. What only a leader may
/// do, only a leader may undo.
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
#[derive(Deserialize)]
pub struct DateBody {
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
    version: Option<i64>,
}

/// Corrects the date of one of the dialogue's standing steps (`{"date", "reason",
/// "version"}`): it stays between the steps before and after, and the step keeps the
/// date first recorded under `corrected`.
pub async fn correct_date(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, step)): Path<(i64, i64)>,
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

/// Removes a unit added to a cycle by mistake (`{"reason", "version"}`): only while its
/// dialogue is planned with no meeting or report recorded. Answers the cycle as it is now.
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

#[derive(Deserialize)]
pub struct RenameBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    reason: String,
}

/// Renames a cycle none of whose dialogues has gone past "planned" (`{"name", "reason"}`).
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

#[derive(Deserialize)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// Deletes a cycle made by mistake (`{"reason"}`), while every dialogue in it is planned
/// with nothing recorded. 204 when it is gone.
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

pub async fn meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
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
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeetingBody {
    held_on: String,
    place: String,
    services: Vec<String>,
    roles: String,
    notes: String,
    youth_group: Option<String>,
    participants: Option<i64>,
    age_bands: Vec<String>,
}

pub async fn save_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
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

pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let report = report::report(&state.db, &work.proof, id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    Ok(Json(with_hash(&report)))
}

/// A report as the API answers it: with the SHA-256 an approval can name.
fn with_hash(report: &Report) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        fields.insert("sha256".into(), serde_json::json!(report.sha256()));
    }
    value
}

/// Saves the whole report. `version` is the one last read (0 for a first save); if
/// someone saved since, the answer is 409 with `current`, and nothing is overwritten.
pub async fn save_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<Report>,
) -> Result<Json<serde_json::Value>, AppError> {
    let work = own(&state, &ctx, id).await?;
    let blank = samla_domain::report::blank_rows(&body);
    if !blank.is_empty() {
        return Err(AppError::Fields(blank));
    }
    work.save_report(&state.db, body)
        .await
        .map(|saved| Json(with_hash(&saved.report)))
        .map_err(refused)
}

/// Follow-up items: a unit's contact gets the items agreed with the unit, an embete
/// gets every item of its published reports. Overdue items first.
pub async fn follow_ups(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<Item>>, AppError> {
    let (items, _) = samla_app::follow_up::items(&state.db, ctx.require_actor()?).await?;
    Ok(Json(items))
}

#[derive(Deserialize)]
pub struct FollowUpBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    comment: String,
}

/// A unit's contact marks progress on an item and may comment.
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
