//! A dialogue's two meetings and its report: forms inside the embete that keep what
//! was typed, a report editor that never loses an edit to another editor, and the
//! report's own steps (drafted, approved by a leader, published).

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
use samla_app::dialogue::{self as use_case, DialogueWork};
use samla_db::dialogue::{self, Cycle, Dialogue};
use samla_db::documents::VersionInfo;
use samla_db::report::{self, Finding, FollowUp, Meeting, MeetingInput, Report, SaveError, Saved};
use samla_domain::access::{self, EmbeteWork};
use samla_domain::dates::{iso, parse_region_date, today};
use samla_domain::dialogue::Stage;
use samla_domain::document::{Piece, PieceChange, word_diff};
use samla_domain::report::{AGE_BANDS, FOLLOW_UP_STATUSES, MeetingKind, SERVICES, YOUTH_GROUPS};
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

/// The dialogue, if it belongs to the actor's own embete (others are not found).
pub(crate) async fn own<'c>(
    state: &AppState,
    ctx: &'c Ctx,
    id: i64,
) -> Result<DialogueWork<'c>, AppError> {
    Ok(DialogueWork::open(&state.db, ctx.require_actor()?, id).await?)
}

#[derive(Template)]
#[template(path = "dialogue/meeting.html")]
struct MeetingPage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    kind: MeetingKind,
    form: Meeting,
    participants: String,
    errors: FormErrors,
    notice: Option<String>,
    /// Whether the meeting has been recorded at all (the form starts from defaults).
    recorded: bool,
}

impl MeetingPage {
    /// Once the report is approved the meeting is shown, not edited; a refused save still
    /// shows the form with what was typed.
    fn read_only(&self) -> bool {
        self.dialogue.stage.report_is_approved() && self.errors.is_empty()
    }
    fn services(&self) -> &'static [&'static str] {
        &SERVICES
    }
    fn groups(&self) -> &'static [&'static str] {
        &YOUTH_GROUPS
    }
    fn bands(&self) -> &'static [&'static str] {
        &AGE_BANDS
    }
    fn has_service(&self, s: &str) -> bool {
        self.form.services.iter().any(|x| x == s)
    }
    fn has_band(&self, s: &str) -> bool {
        self.form.age_bands.iter().any(|x| x == s)
    }
    fn is_group(&self, s: &str) -> bool {
        self.form.youth_group.as_deref() == Some(s)
    }
    fn is_youth(&self) -> bool {
        self.kind == MeetingKind::Youth
    }
}

fn kind_of(kind: &str) -> Result<MeetingKind, AppError> {
    MeetingKind::parse(kind).ok_or(AppError::Code(ErrorCode::NotFound))
}

pub async fn meeting_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let DialogueWork {
        proof,
        dialogue,
        cycle,
        ..
    } = own(&state, &ctx, id).await?;
    let recorded = report::meeting(&state.db, &proof, id, kind).await?;
    let is_recorded = recorded.is_some();
    let form = recorded.unwrap_or_else(|| Meeting {
        held_on: iso(today()),
        ..Meeting::default()
    });
    let participants = form.participants.map(|n| n.to_string()).unwrap_or_default();
    let title = format!(
        "{} – {}",
        ctx.t(&format!("meeting-{}", kind.as_str())),
        dialogue.unit_name
    );
    Ok(render(&MeetingPage {
        page: Page::new(&ctx, &title, "dialogue"),
        dialogue,
        cycle,
        kind,
        form,
        participants,
        errors: FormErrors::default(),
        notice: flash.text(&ctx, &[Notice::MeetingSaved]),
        recorded: is_recorded,
    })?
    .into_response())
}

pub async fn save_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let kind = kind_of(&kind)?;
    let work = own(&state, &ctx, id).await?;
    let input = MeetingInput {
        held_on: form.get("held_on"),
        place: form.get("place"),
        services: form.all("services"),
        roles: form.get("roles"),
        notes: form.get("notes"),
        youth_group: form.get("youth_group"),
        participants: form.get("participants"),
        age_bands: form.all("age_bands"),
    };
    let saved = work.save_meeting(&state.db, kind, &input).await;
    let DialogueWork {
        dialogue, cycle, ..
    } = work;
    match saved {
        Ok(_) => Ok(Redirect::to(&Notice::MeetingSaved.on(&format!(
            "/dialogue/dialogues/{id}/meetings/{}",
            kind.as_str()
        )))
        .into_response()),
        Err(SaveError::Invalid(errors)) => {
            let typed = Meeting {
                held_on: input.held_on.clone(),
                place: input.place.clone(),
                services: input.services.clone(),
                roles: input.roles.clone(),
                notes: input.notes.clone(),
                youth_group: Some(input.youth_group.clone()),
                participants: None,
                age_bands: input.age_bands.clone(),
            };
            let title = format!(
                "{} – {}",
                ctx.t(&format!("meeting-{}", kind.as_str())),
                dialogue.unit_name
            );
            let html = render(&MeetingPage {
                page: Page::new(&ctx, &title, "dialogue"),
                dialogue,
                cycle,
                kind,
                form: typed,
                participants: input.participants.clone(),
                errors: FormErrors::from_domain(ctx.lang, &errors),
                notice: None,
                recorded: true,
            })?;
            let status = if errors.iter().any(|e| e.code == ErrorCode::MeetingLocked) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, html).into_response())
        }
        Err(SaveError::Conflict(_)) => Err(AppError::Code(ErrorCode::EditConflict)),
        Err(SaveError::Store(e)) => Err(e.into()),
    }
}

/// One field where two versions of a report differ, with the text of the other version
/// (what someone else saved, or what the editor typed but could not save).
pub struct Difference {
    pub field: String,
    pub text: String,
}

/// A section both editors changed, as the merge view shows it: both texts side by
/// side, and the choice once made (kept when the page comes back with an error).
pub struct ClashView {
    /// The section key (`facts`, `finding_12` …), also the form's field suffix.
    pub key: String,
    pub label: String,
    pub mine: String,
    pub theirs: String,
    /// My side exactly as it will be saved if chosen (empty for a removed row).
    pub mine_raw: String,
    pub choice: String,
}

impl ClashView {
    fn field(&self) -> String {
        format!("choose_{}", self.key)
    }
}

/// A section's text for reading: a row's fields on one line, a removed row as such.
fn readable(ctx: &Ctx, key: &str, text: Option<&str>) -> String {
    let Some(text) = text else {
        return ctx.t("merge-row-removed");
    };
    match report::section_part(key) {
        "findings" => serde_json::from_str::<Finding>(text)
            .map(|f| format!("{} [{}; {}]", f.body, f.crc_articles, f.steps))
            .unwrap_or_default(),
        "follow_ups" => serde_json::from_str::<FollowUp>(text)
            .map(|f| format!("{} ({}, {}, {})", f.body, f.owner, f.deadline, f.status))
            .unwrap_or_default(),
        _ => text.to_owned(),
    }
}

fn clash_views(ctx: &Ctx, clashes: &[samla_domain::document::Clash]) -> Vec<ClashView> {
    clashes
        .iter()
        .map(|c| ClashView {
            key: c.section.clone(),
            label: ctx.t(label_key(report::section_part(&c.section))),
            mine: readable(ctx, &c.section, c.mine.as_deref()),
            theirs: readable(ctx, &c.section, c.theirs.as_deref()),
            mine_raw: c.mine.clone().unwrap_or_default(),
            choice: String::new(),
        })
        .collect()
}

/// The text key of a report field's label.
fn label_key(field: &str) -> &'static str {
    match field {
        "facts" => "report-facts",
        "leaders_said" => "report-leaders-said",
        "youth_said" => "report-youth-said",
        "advice" => "report-advice",
        "child_summary" => "report-child-summary",
        "language" => "report-language",
        "findings" => "report-findings",
        _ => "report-follow-ups",
    }
}

#[derive(Template)]
#[template(path = "dialogue/report.html")]
struct ReportPage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    form: Report,
    findings: Vec<Finding>,
    follow_ups: Vec<FollowUp>,
    errors: FormErrors,
    /// The sections both this editor and another changed, to choose between.
    clashes: Vec<ClashView>,
    /// The success notice to show (a text key), after a save or a step.
    notice: Option<String>,
    next: Vec<Stage>,
    is_leader: bool,
    date_input: String,
    youth: Option<Meeting>,
    /// What the editor typed into a report that was locked before they saved.
    unsaved: Vec<Difference>,
    /// The withdrawal reason as typed, kept when it is refused.
    reason: String,
    /// The reason for reopening as typed, kept when it is refused.
    reopen_reason: String,
}

impl ReportPage {
    /// The report to read instead of edit, once a leader has approved it.
    fn approved(&self) -> Option<&Report> {
        self.dialogue
            .stage
            .report_is_approved()
            .then_some(&self.form)
    }
    fn label_of(&self, field: &str) -> String {
        self.page.t(label_key(field))
    }
    fn statuses(&self) -> &'static [&'static str] {
        &FOLLOW_UP_STATUSES
    }
    /// Whether a field is shown as a choice between two texts instead of its editor.
    fn clashed(&self, key: &str) -> bool {
        self.clashes.iter().any(|c| c.key == key)
    }
    /// Whether a published report is being corrected: its published version is public.
    fn correcting(&self) -> bool {
        self.dialogue.is_public() && self.dialogue.stage != Stage::Published
    }
}

/// The rows a form shows: what there is, and two blank ones to add more without JavaScript.
fn with_blank<T: Default + Clone>(rows: &[T]) -> Vec<T> {
    let mut out = rows.to_vec();
    out.extend([T::default(), T::default()]);
    out
}

#[allow(clippy::too_many_arguments)]
async fn report_page(
    state: &AppState,
    ctx: &Ctx,
    dialogue: Dialogue,
    cycle: Cycle,
    form: Report,
    errors: FormErrors,
    clashes: Vec<ClashView>,
    notice: Option<String>,
    date_input: Option<String>,
) -> Result<ReportPage, AppError> {
    let actor = ctx.require_actor()?;
    let is_leader = access::approve_reports(actor, &cycle.embete).is_ok();
    let next = access::allowed_steps(actor, &cycle.embete, dialogue.stage)
        .into_iter()
        .filter(|s| s.needs_report())
        .collect();
    // A locked report is shown as it will read, with the children's meeting it draws on.
    let youth = if dialogue.stage.report_is_approved() {
        let proof = access::embete_work(actor, &cycle.embete)?;
        report::meeting(&state.db, &proof, dialogue.id, MeetingKind::Youth).await?
    } else {
        None
    };
    let title = format!("{} – {}", ctx.t("report-title"), dialogue.unit_name);
    Ok(ReportPage {
        page: Page::new(ctx, &title, "dialogue"),
        findings: with_blank(&form.findings),
        follow_ups: with_blank(&form.follow_ups),
        dialogue,
        cycle,
        form,
        errors,
        clashes,
        notice,
        next,
        is_leader,
        date_input: date_input.unwrap_or_else(|| iso(today())),
        youth,
        unsaved: Vec::new(),
        reason: String::new(),
        reopen_reason: String::new(),
    })
}

pub async fn report_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let DialogueWork {
        proof,
        dialogue,
        cycle,
        ..
    } = own(&state, &ctx, id).await?;
    let form = report::report(&state.db, &proof, id)
        .await?
        .unwrap_or_else(|| Report {
            language: if ctx.lang == crate::i18n::Lang::Nn {
                "nn"
            } else {
                "nb"
            }
            .into(),
            ..Report::default()
        });
    let page = report_page(
        &state,
        &ctx,
        dialogue,
        cycle,
        form,
        FormErrors::default(),
        vec![],
        flash.text(
            &ctx,
            &[
                Notice::ReportStep,
                Notice::ReportMerged,
                Notice::ReportSaved,
            ],
        ),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

fn rows<T>(form: &MultiForm, prefix: &str, make: impl Fn(&dyn Fn(&str) -> String) -> T) -> Vec<T> {
    let body = format!("{prefix}_body_");
    // More rows than a report may hold are refused by the report's check; building
    // twice that many shows it the excess without letting a huge form cost more.
    let count = form
        .keys_starting(&body)
        .take(2 * samla_domain::report::MAX_ROWS)
        .count();
    (0..count)
        .map(|i| make(&|name: &str| form.get(&format!("{prefix}_{name}_{i}"))))
        .collect()
}

fn report_from(form: &MultiForm) -> Report {
    Report {
        language: form.get("language"),
        facts: form.get("facts"),
        leaders_said: form.get("leaders_said"),
        youth_said: form.get("youth_said"),
        advice: form.get("advice"),
        child_summary: form.get("child_summary"),
        findings: rows(form, "finding", |g| Finding {
            id: g("id").parse().unwrap_or(0),
            body: g("body"),
            crc_articles: g("crc"),
            steps: g("steps"),
        }),
        follow_ups: rows(form, "follow_up", |g| FollowUp {
            id: g("id").parse().unwrap_or(0),
            body: g("body"),
            owner: g("owner"),
            deadline: g("deadline"),
            status: g("status"),
        }),
        version: form.get("version").parse().unwrap_or(-1),
    }
}

/// The fields where `theirs` differs from `ours`, with `theirs`' text: what another
/// editor saved (the conflict view), or what this editor typed but could not save.
fn differences(ours: &Report, theirs: &Report) -> Vec<Difference> {
    let pairs = [
        ("facts", &ours.facts, &theirs.facts),
        ("leaders_said", &ours.leaders_said, &theirs.leaders_said),
        ("youth_said", &ours.youth_said, &theirs.youth_said),
        ("advice", &ours.advice, &theirs.advice),
        ("child_summary", &ours.child_summary, &theirs.child_summary),
    ];
    let mut out: Vec<Difference> = pairs
        .into_iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(f, _, b)| Difference {
            field: f.to_owned(),
            text: b.clone(),
        })
        .collect();
    // Rows are compared as written lines; the form's blank rows are not a difference.
    let findings = |r: &Report| -> Vec<String> {
        r.findings
            .iter()
            .filter(|f| !f.body.trim().is_empty())
            .map(|f| format!("• {} [{}; {}]", f.body.trim(), f.crc_articles, f.steps))
            .collect()
    };
    let follow_ups = |r: &Report| -> Vec<String> {
        r.follow_ups
            .iter()
            .filter(|f| !f.body.trim().is_empty())
            .map(|f| {
                format!(
                    "• {} ({}, {}, {})",
                    f.body.trim(),
                    f.owner,
                    f.deadline,
                    f.status
                )
            })
            .collect()
    };
    let rows = [
        ("findings", findings(ours), findings(theirs)),
        ("follow_ups", follow_ups(ours), follow_ups(theirs)),
    ];
    for (field, ours, theirs) in rows {
        if ours != theirs {
            out.push(Difference {
                field: field.into(),
                text: theirs.join("\n"),
            });
        }
    }
    out
}

pub async fn save_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let work = own(&state, &ctx, id).await?;
    Ok(match save_posted(&state, &ctx, &work, &form).await? {
        Ok(saved) if !saved.merged.is_empty() => {
            Redirect::to(&Notice::ReportMerged.on(&format!("/dialogue/dialogues/{id}/report")))
                .into_response()
        }
        Ok(_) => Redirect::to(&Notice::ReportSaved.on(&format!("/dialogue/dialogues/{id}/report")))
            .into_response(),
        Err(page) => page,
    })
}

/// The report as posted, with the sections of a merge settled as the editor chose;
/// the sections left without a choice are listed, and nothing may be saved then.
async fn posted_report(
    state: &AppState,
    proof: &EmbeteWork,
    ctx: &Ctx,
    id: i64,
    form: &MultiForm,
) -> Result<(Report, Vec<ClashView>), AppError> {
    let mut mine = report_from(form);
    let keys = form.all("clash");
    if keys.is_empty() {
        return Ok((mine, Vec::new()));
    }
    let base: i64 = form.get("merge_base").parse().unwrap_or(-1);
    let theirs = match report::version(&state.db, proof, id, base).await? {
        Some(r) => r,
        None => report::report(&state.db, proof, id)
            .await?
            .unwrap_or_default(),
    };
    let their_sections = theirs.sections();
    let mut unsettled = Vec::new();
    for key in keys {
        let mine_raw = form.get(&format!("mine_{key}"));
        let mine_text = (!mine_raw.is_empty()).then_some(mine_raw.as_str());
        let their_text = their_sections.get(&key).map(String::as_str);
        let choice = form.get(&format!("choose_{key}"));
        match choice.as_str() {
            "mine" => mine.set_section(&key, mine_text),
            "theirs" => mine.set_section(&key, their_text),
            _ => unsettled.push(ClashView {
                label: ctx.t(label_key(report::section_part(&key))),
                mine: readable(ctx, &key, mine_text),
                theirs: readable(ctx, &key, their_text),
                mine_raw: mine_raw.clone(),
                choice: String::new(),
                key,
            }),
        }
    }
    Ok((mine, unsettled))
}

/// The report as posted, ready to save, or the page that asks for the merge choices
/// still missing (with everything typed still in it).
async fn report_to_save(
    state: &AppState,
    ctx: &Ctx,
    work: &DialogueWork<'_>,
    form: &MultiForm,
) -> Result<Result<Report, Response>, AppError> {
    let id = work.dialogue.id;
    let (mine, unsettled) = posted_report(state, &work.proof, ctx, id, form).await?;
    if unsettled.is_empty() {
        return Ok(Ok(mine));
    }
    // Saving again without choosing is not possible: the page comes back with the
    // same choices, each one that is missing marked.
    let mut page = report_page(
        state,
        ctx,
        work.dialogue.clone(),
        work.cycle.clone(),
        mine,
        FormErrors::default(),
        unsettled,
        None,
        None,
    )
    .await?;
    for c in &page.clashes {
        page.errors.0.push(crate::forms::FieldError {
            field: c.field(),
            message: ctx.t("merge-choice-required"),
        });
    }
    Ok(Err(
        (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response()
    ))
}

/// Saves the report as posted: the saved report, or the page that says why not (with
/// everything typed still in it).
async fn save_posted(
    state: &AppState,
    ctx: &Ctx,
    work: &DialogueWork<'_>,
    form: &MultiForm,
) -> Result<Result<Saved, Response>, AppError> {
    let mine = match report_to_save(state, ctx, work, form).await? {
        Ok(mine) => mine,
        Err(page) => return Ok(Err(page)),
    };
    match work.save_report(&state.db, mine.clone()).await {
        Ok(saved) => Ok(Ok(saved)),
        Err(e) => Ok(Err(save_refused(state, ctx, work, mine, e).await?)),
    }
}

/// The page for a save that was refused, with what the editor typed (`mine`) kept.
async fn save_refused(
    state: &AppState,
    ctx: &Ctx,
    work: &DialogueWork<'_>,
    mine: Report,
    refused: SaveError,
) -> Result<Response, AppError> {
    let (id, proof) = (work.dialogue.id, &work.proof);
    let (dialogue, cycle) = (work.dialogue.clone(), work.cycle.clone());
    let page = match refused {
        SaveError::Invalid(errors) if errors.iter().any(|e| e.code == ErrorCode::ReportLocked) => {
            // Approved (or not yet open) while this editor typed: show the report as it
            // stands, and keep what they typed beside it so that nothing is lost.
            let (dialogue, _) = dialogue::dialogue(&state.db, proof, id).await?;
            let saved = report::report(&state.db, proof, id)
                .await?
                .unwrap_or_default();
            let errors = FormErrors::from_domain(
                ctx.lang,
                &[DomainError::field(ErrorCode::ReportLocked, "unsaved")],
            );
            let mut page = report_page(
                state,
                ctx,
                dialogue,
                cycle,
                saved.clone(),
                errors,
                vec![],
                None,
                None,
            )
            .await?;
            page.unsaved = differences(&saved, &mine)
                .into_iter()
                .filter(|d| !d.text.trim().is_empty())
                .collect();
            (StatusCode::CONFLICT, render(&page)?).into_response()
        }
        SaveError::Invalid(errors) => {
            let errors = FormErrors::from_domain(ctx.lang, &errors);
            let page = report_page(
                state,
                ctx,
                dialogue,
                cycle,
                mine,
                errors,
                vec![],
                None,
                None,
            )
            .await?;
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response()
        }
        SaveError::Conflict(conflict) => {
            // Nothing is overwritten: what only the other editor changed is taken
            // in, what only this editor changed is kept, and each field both changed
            // is shown side by side to choose from. The next save builds on the
            // version saved now.
            let mut form = conflict.merged;
            for clash in &conflict.clashes {
                // A row both changed is shown only as the choice, not in the editor.
                if report::section_part(&clash.section) != clash.section {
                    form.set_section(&clash.section, None);
                }
            }
            let errors =
                FormErrors::from_domain(ctx.lang, &[DomainError::new(ErrorCode::EditConflict)]);
            let clashes = clash_views(ctx, &conflict.clashes);
            let page = report_page(
                state, ctx, dialogue, cycle, form, errors, clashes, None, None,
            )
            .await?;
            (StatusCode::CONFLICT, render(&page)?).into_response()
        }
        SaveError::Store(e) => return Err(e.into()),
    };
    Ok(page)
}

pub async fn report_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let work = own(&state, &ctx, id).await?;
    // While the report is open, the step box belongs to the report's form, so a step
    // never throws away unsaved text: what was typed is saved first (when it differs
    // from what is stored), and a refused save shows the page with everything typed.
    let typed = if form.has("language") {
        let stored = report::report(&state.db, &work.proof, id)
            .await?
            .unwrap_or_default();
        let typed = report_from(&form);
        if typed.language != stored.language || !differences(&stored, &typed).is_empty() {
            match report_to_save(&state, &ctx, &work, &form).await? {
                Ok(typed) => Some(typed),
                Err(page) => return Ok(page),
            }
        } else {
            None
        }
    } else {
        None
    };
    let step = async {
        let stage = Stage::parse(&form.get("stage"))
            .ok_or(DomainError::field(ErrorCode::StageNotAllowed, "stage"))?;
        let date = parse_region_date(&form.get("date"), "date")?;
        let version: i64 = form
            .get("dialogue_version")
            .parse()
            .map_err(|_| DomainError::new(ErrorCode::InvalidInput))?;
        Ok::<_, DomainError>(use_case::Step {
            stage,
            date,
            version,
            report_version: form.get("report_version").parse::<i64>().ok(),
            report_sha256: Some(form.get("report_hash")).filter(|h| !h.is_empty()),
            confirm_eleven_digit_runs: form.get("confirm_personal_ids") == "yes",
        })
    }
    .await;
    let result = match (typed, step) {
        // What was typed is not lost to a mistake in the step box: it is saved anyway.
        (Some(typed), Err(refused)) => match work.save_report(&state.db, typed.clone()).await {
            Ok(_) => Err(refused.into()),
            Err(e) => return save_refused(&state, &ctx, &work, typed, e).await,
        },
        (typed, Ok(step)) => {
            let kept = typed.clone();
            match work.save_then_step(&state.db, typed, step).await {
                Ok(d) => Ok(d),
                Err(use_case::SaveThenStep::Save(e)) => {
                    return save_refused(&state, &ctx, &work, kept.unwrap_or_default(), e).await;
                }
                Err(use_case::SaveThenStep::Step(e)) => Err(e),
            }
        }
        (None, Err(refused)) => Err(refused.into()),
    };
    let DialogueWork {
        proof,
        dialogue,
        cycle,
        ..
    } = work;
    match result {
        Ok(d) if d.stage == Stage::Published => Ok(Redirect::to(
            &Notice::ReportPublished.on(&format!("/dialogues/{id}")),
        )
        .into_response()),
        Ok(_) => Ok(Redirect::to(
            &Notice::ReportStep.on(&format!("/dialogue/dialogues/{id}/report")),
        )
        .into_response()),
        Err(samla_db::StoreError::Domain(e)) => {
            let status = crate::error::status_of(e.code);
            let form_report = report::report(&state.db, &proof, id)
                .await?
                .unwrap_or_default();
            let mut errors = FormErrors::from_domain(
                ctx.lang,
                &[DomainError {
                    // The report version is a hidden field: point at the step box.
                    field: Some(match e.field {
                        None | Some("report_version") => "stage",
                        Some(f) => f,
                    }),
                    ..e
                }],
            );
            // The identity-number messages are about a field far up the page: name it.
            if matches!(
                e.code,
                ErrorCode::PersonalIdFound | ErrorCode::PersonalIdUnconfirmed
            ) {
                for fe in &mut errors.0 {
                    fe.message = format!("{}: {}", field_label(&ctx, &fe.field), fe.message);
                }
            }
            // The confirmation is down by the step button, far from the field: link it too.
            if e.code == ErrorCode::PersonalIdUnconfirmed {
                errors.0.push(crate::forms::FieldError {
                    field: "confirm_personal_ids".into(),
                    message: ctx.t("report-confirm-digits-needed"),
                });
            }
            let page = report_page(
                &state,
                &ctx,
                dialogue,
                cycle,
                form_report,
                errors,
                vec![],
                None,
                Some(form.get("date")),
            )
            .await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A report field's name as the editor shows it ("Funn 2" for a finding's row).
fn field_label(ctx: &Ctx, field: &str) -> String {
    let row = |prefix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit('_').next())
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| (n + 1).to_string())
    };
    if let Some(n) = row("finding_") {
        crate::i18n::text(ctx.lang, "report-finding-row", &[("n", &n)])
    } else if let Some(n) = row("follow_up_") {
        crate::i18n::text(ctx.lang, "report-follow-up-row", &[("n", &n)])
    } else {
        ctx.t(&format!("report-{}", field.replace('_', "-")))
    }
}

/// A leader's action on a published report that takes a public reason.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leave {
    Withdraw,
    Reopen,
}

impl Leave {
    fn name(self) -> &'static str {
        match self {
            Leave::Withdraw => "withdraw",
            Leave::Reopen => "reopen",
        }
    }
}

/// Withdraws the published report (leaders only), with a reason that stays public.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    leave_published(&state, &ctx, id, &form, Leave::Withdraw).await
}

/// Reopens the published report for correction (leaders only); the published version
/// stays public until the corrected one is published.
pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    leave_published(&state, &ctx, id, &form, Leave::Reopen).await
}

async fn leave_published(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &MultiForm,
    leave: Leave,
) -> Result<Response, AppError> {
    let work = own(state, ctx, id).await?;
    let reason_field = format!("{}_reason", leave.name());
    let reason = form.get(&reason_field);
    let to = match leave {
        Leave::Withdraw => Stage::Withdrawn,
        Leave::Reopen => Stage::ReportDrafted,
    };
    let version = form.get("version").parse::<i64>().ok();
    let result = work.leave_published(&state.db, &reason, version, to).await;
    let DialogueWork {
        proof,
        dialogue,
        cycle,
        ..
    } = work;
    match result {
        Ok(_) if leave == Leave::Reopen => Ok(Redirect::to(
            &Notice::ReportStep.on(&format!("/dialogue/dialogues/{id}/report")),
        )
        .into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/dialogues/{id}")).into_response()),
        // Only a leader sees the form; anyone else is refused outright, not on the page.
        Err(samla_db::StoreError::Domain(e)) if e.code == ErrorCode::LeaderRequired => {
            Err(e.into())
        }
        Err(samla_db::StoreError::Domain(e)) => {
            let form_report = report::report(&state.db, &proof, id)
                .await?
                .unwrap_or_default();
            let field = match e.field {
                Some("reason") => reason_field.clone(),
                _ => leave.name().to_owned(),
            };
            let mut errors = FormErrors::from_domain(ctx.lang, &[DomainError { field: None, ..e }]);
            for fe in &mut errors.0 {
                fe.field = field.clone();
            }
            let mut page = report_page(
                state,
                ctx,
                dialogue,
                cycle,
                form_report,
                errors,
                vec![],
                None,
                None,
            )
            .await?;
            match leave {
                Leave::Withdraw => page.reason = reason,
                Leave::Reopen => page.reopen_reason = reason,
            }
            Ok((crate::error::status_of(e.code), render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One section's changes between two versions, word by word.
pub struct SectionDiff {
    pub label: String,
    pub pieces: Vec<Piece>,
}

/// What changed from `old` to `new`, section by section, in the order the report reads.
pub(crate) fn section_diffs(ctx: &Ctx, old: &Report, new: &Report) -> Vec<SectionDiff> {
    let (old, new) = (old.sections(), new.sections());
    let mut keys = samla_domain::document::changed_sections(&old, &new);
    let order = [
        "language",
        "child_summary",
        "facts",
        "leaders_said",
        "youth_said",
        "findings",
        "advice",
        "follow_ups",
    ];
    keys.sort_by_key(|k| {
        order
            .iter()
            .position(|o| *o == report::section_part(k))
            .unwrap_or(order.len())
    });
    keys.into_iter()
        .map(|key| {
            let before = readable(ctx, &key, old.get(&key).map(String::as_str));
            let after = readable(ctx, &key, new.get(&key).map(String::as_str));
            let (before, after) = match (old.contains_key(&key), new.contains_key(&key)) {
                (false, _) => (String::new(), after),
                (_, false) => (before, String::new()),
                _ => (before, after),
            };
            SectionDiff {
                label: ctx.t(label_key(report::section_part(&key))),
                pieces: word_diff(&before, &after),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "dialogue/report_versions.html")]
struct VersionsPage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    versions: Vec<VersionInfo>,
    from: i64,
    to: i64,
    /// `None` when one of the two versions' content was removed (it held a number).
    diffs: Option<Vec<SectionDiff>>,
}

impl VersionsPage {
    fn short(&self, hash: &str) -> String {
        hash.chars().take(12).collect()
    }
}

#[derive(Deserialize, Default)]
pub struct VersionsQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// Every saved version of a report, and a word-level comparison of any two.
pub async fn versions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<VersionsQuery>,
) -> Result<Response, AppError> {
    let DialogueWork {
        proof,
        dialogue,
        cycle,
        ..
    } = own(&state, &ctx, id).await?;
    let versions = report::versions(&state.db, &proof, id).await?;
    let newest = versions.first().map(|v| v.version).unwrap_or(0);
    let known = |v: i64| versions.iter().any(|x| x.version == v);
    let to = q.to.filter(|v| known(*v)).unwrap_or(newest);
    let from = q.from.filter(|v| known(*v)).unwrap_or_else(|| {
        versions
            .iter()
            .map(|v| v.version)
            .find(|v| *v < to)
            .unwrap_or(to)
    });
    let diffs = match (
        report::version(&state.db, &proof, id, from).await?,
        report::version(&state.db, &proof, id, to).await?,
    ) {
        (Some(old), Some(new)) => Some(section_diffs(&ctx, &old, &new)),
        _ => None,
    };
    let title = format!("{} – {}", ctx.t("versions-title"), dialogue.unit_name);
    Ok(render(&VersionsPage {
        page: Page::new(&ctx, &title, "dialogue"),
        dialogue,
        cycle,
        versions,
        from,
        to,
        diffs,
    })?
    .into_response())
}
