//! Dialogue meetings: an embete's cycles and dialogues (inside the embete only), the
//! public page of a published dialogue, and coverage for an embete or the country.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::FormErrors;
use crate::forms::MultiForm;
use crate::map::{self, CoverageMap};
use crate::pdf;
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use samla_app::dialogue::{self as use_case, CycleDetail, CycleWork, DialogueWork};
use samla_app::public::PublicDialogue;
use samla_db::dialogue::{self, Coverage, Cycle, CycleSummary, Dialogue, StepRecord, Unit};
use samla_db::regions;
use samla_db::report::{self, Meeting, Report};
use samla_domain::access::{self, EmbeteWork};
use samla_domain::dates::{iso, parse_date, parse_region_date, today};
use samla_domain::dialogue::Stage;
use samla_domain::document::PieceChange;
use samla_domain::regions::Embete;
use samla_domain::report::MeetingKind;
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

/// The proof for the actor's own embete, or a refusal.
pub(crate) fn own_work(ctx: &Ctx) -> Result<EmbeteWork, AppError> {
    Ok(use_case::own_work(ctx.require_actor()?)?)
}

impl Page {
    /// A stage's name in the page's language ("no dialogue" for none).
    pub fn stage(&self, stage: &Option<Stage>) -> String {
        match stage {
            Some(s) => self.t(&format!("stage-{}", s.as_str())),
            None => self.t("stage-none"),
        }
    }

    pub fn stage_of(&self, stage: &Stage) -> String {
        self.stage(&Some(*stage))
    }
}

#[derive(Template)]
#[template(path = "dialogue/cycles.html")]
struct CyclesPage {
    page: Page,
    cycles: Vec<CycleSummary>,
    nav: crate::paging::PageNav,
    /// Right after a cycle was deleted.
    notice: Option<String>,
}

pub async fn cycles(
    State(state): State<AppState>,
    ctx: Ctx,
    uri: axum::http::Uri,
    Query(flash): Query<Flash>,
    Query(p): Query<crate::paging::PageQuery>,
) -> Result<Response, AppError> {
    let proof = own_work(&ctx)?;
    let paging = p.paging()?;
    let (cycles, total) = dialogue::cycles_window(
        &state.db,
        &proof,
        paging.offset() as i64,
        paging.per_page as i64,
    )
    .await?;
    let title = ctx.t("cycles-title");
    Ok(render(&CyclesPage {
        page: Page::new(&ctx, &title, "dialogue"),
        notice: flash.text(&ctx, &[Notice::CycleDeleted]),
        nav: crate::paging::PageNav::new(paging, &uri, total),
        cycles,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "dialogue/cycle_new.html")]
struct NewCyclePage {
    page: Page,
    name: String,
    starts_on: String,
    ends_on: String,
    errors: FormErrors,
}

pub async fn new_cycle(ctx: Ctx) -> Result<Response, AppError> {
    own_work(&ctx)?;
    let year = today().year();
    let title = ctx.t("cycles-new");
    Ok(render(&NewCyclePage {
        page: Page::new(&ctx, &title, "dialogue"),
        name: format!("Dialogrunde {year}"),
        starts_on: format!("{year}-01-01"),
        ends_on: format!("{year}-12-31"),
        errors: FormErrors::default(),
    })?
    .into_response())
}

pub async fn create_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultiForm,
) -> Result<Response, AppError> {
    let (name, starts_on, ends_on) = (form.get("name"), form.get("starts_on"), form.get("ends_on"));
    let actor = ctx.require_actor()?;
    match use_case::create_cycle(&state.db, actor, &name, &starts_on, &ends_on).await {
        Ok(cycle) => Ok(Redirect::to(&format!("/dialogue/cycles/{}", cycle.id)).into_response()),
        Err(Ok(errors)) => {
            let title = ctx.t("cycles-new");
            let html = render(&NewCyclePage {
                page: Page::new(&ctx, &title, "dialogue"),
                name,
                starts_on,
                ends_on,
                errors: FormErrors::from_domain(ctx.lang, &errors),
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(Err(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "dialogue/cycle.html")]
struct CyclePage {
    page: Page,
    cycle: Cycle,
    embete_name: String,
    dialogues: Vec<Dialogue>,
    available: Vec<Unit>,
    notice: Option<String>,
    errors: FormErrors,
    /// What the user sent with a refused form, so that nothing they chose is lost.
    typed: AddForm,
    /// Whether the cycle can still be renamed or deleted (no dialogue past "planned").
    can_fix: bool,
    fix: FixForm,
}

/// The rename and delete forms of a cycle, as typed (shown open after a refusal).
#[derive(Default)]
struct FixForm {
    name: String,
    rename_reason: String,
    delete_reason: String,
    open: bool,
}

/// The add-dialogues form: the units ticked and the planning date.
#[derive(Default)]
struct AddForm {
    units: Vec<String>,
    planned_on: String,
}

impl CyclePage {
    fn ticked(&self, number: &str) -> bool {
        self.typed.units.iter().any(|u| u == number)
    }
}

/// A cycle of the actor's own embete, or not found (other embeter's cycles are not shown to exist).
pub(crate) async fn own_cycle<'c>(
    state: &AppState,
    ctx: &'c Ctx,
    id: i64,
) -> Result<CycleWork<'c>, AppError> {
    Ok(CycleWork::open(&state.db, ctx.require_actor()?, id).await?)
}

async fn embete_name_on(state: &AppState, code: &str, date: &str) -> Result<String, AppError> {
    let date = parse_date(date, "date")?;
    let names: Vec<Embete> = regions::embeter_on(&state.db, date).await?;
    Ok(names
        .into_iter()
        .find(|e| e.code == code)
        .map(|e| e.name)
        .unwrap_or_else(|| code.to_owned()))
}

async fn cycle_page(
    state: &AppState,
    ctx: &Ctx,
    work: &CycleWork<'_>,
    notice: Option<String>,
    errors: FormErrors,
    typed: Option<AddForm>,
    fix: Option<FixForm>,
) -> Result<CyclePage, AppError> {
    let CycleDetail {
        cycle,
        dialogues,
        available,
    } = work.detail(&state.db).await?;
    let fix = fix.unwrap_or_else(|| FixForm {
        name: cycle.name.clone(),
        ..FixForm::default()
    });
    Ok(CyclePage {
        can_fix: dialogues.iter().all(|d| d.stage == Stage::Planned),
        fix,
        page: Page::new(ctx, &cycle.name, "dialogue"),
        embete_name: embete_name_on(state, &cycle.embete, &cycle.starts_on).await?,
        cycle,
        dialogues,
        available,
        notice,
        errors,
        typed: typed.unwrap_or_else(|| AddForm {
            units: Vec::new(),
            planned_on: iso(today()),
        }),
    })
}

pub async fn cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    let notice = flash.text(
        &ctx,
        &[
            Notice::CycleAdded,
            Notice::CycleRenamed,
            Notice::UnitRemoved,
        ],
    );
    let page = cycle_page(
        &state,
        &ctx,
        &work,
        notice,
        FormErrors::default(),
        None,
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// A refused correction of a cycle: the page again with the error at its field and the
/// forms open as typed. `field` renames the domain's field to the form's input.
async fn refused_fix(
    state: &AppState,
    ctx: &Ctx,
    work: &CycleWork<'_>,
    error: samla_db::StoreError,
    fix: FixForm,
    field: impl Fn(&'static str) -> &'static str,
) -> Result<Response, AppError> {
    match error {
        samla_db::StoreError::Domain(e)
            if !matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) =>
        {
            let status = crate::error::status_of(e.code);
            let e = DomainError {
                field: Some(field(e.field.unwrap_or("reason"))),
                ..e
            };
            let errors = FormErrors::from_domain(ctx.lang, &[e]);
            let fix = FixForm { open: true, ..fix };
            let page = cycle_page(state, ctx, work, None, errors, None, Some(fix)).await?;
            Ok((status, render(&page)?).into_response())
        }
        samla_db::StoreError::Domain(_) => Err(AppError::Code(ErrorCode::NotFound)),
        e => Err(e.into()),
    }
}

/// Renames a cycle none of whose dialogues has gone past "planned".
pub async fn rename_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    let fix = FixForm {
        name: form.get("name"),
        rename_reason: form.get("reason"),
        ..FixForm::default()
    };
    let renamed = work.rename(&state.db, &fix.name, &fix.rename_reason).await;
    match renamed {
        Ok(_) => Ok(
            Redirect::to(&Notice::CycleRenamed.on(&format!("/dialogue/cycles/{id}")))
                .into_response(),
        ),
        Err(e) => {
            refused_fix(&state, &ctx, &work, e, fix, |f| match f {
                "name" => "name",
                _ => "rename_reason",
            })
            .await
        }
    }
}

/// Deletes a cycle made by mistake, while every dialogue in it is planned with nothing recorded.
pub async fn delete_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    let fix = FixForm {
        name: work.cycle.name.clone(),
        delete_reason: form.get("reason"),
        ..FixForm::default()
    };
    match work.delete(&state.db, &fix.delete_reason).await {
        Ok(()) => Ok(Redirect::to(&Notice::CycleDeleted.on("/dialogue/cycles")).into_response()),
        Err(e) => refused_fix(&state, &ctx, &work, e, fix, |_| "delete_reason").await,
    }
}

pub async fn add_dialogues(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let work = own_cycle(&state, &ctx, id).await?;
    let typed = AddForm {
        units: form.all("unit"),
        planned_on: form.get("planned_on"),
    };
    let added = match planned_on(&typed.planned_on) {
        Ok(date) => work.add_dialogues(&state.db, &typed.units, date).await,
        Err(e) => Err(e.into()),
    };
    match added {
        Ok((n, _)) => Ok(Redirect::to(
            &Notice::CycleAdded.with(&format!("/dialogue/cycles/{id}"), &n.to_string()),
        )
        .into_response()),
        Err(samla_db::StoreError::Domain(e)) if e.field.is_some() => {
            let errors = FormErrors::from_domain(ctx.lang, &[e]);
            let page = cycle_page(&state, &ctx, &work, None, errors, Some(typed), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The planning date of new dialogues: today unless the user gives an earlier one.
pub(crate) fn planned_on(input: &str) -> Result<time::Date, DomainError> {
    match input.trim() {
        "" => Ok(today()),
        date => parse_date(date, "planned_on"),
    }
}

#[derive(Template)]
#[template(path = "dialogue/dialogue.html")]
struct DialoguePage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    steps: Vec<StepRecord>,
    next: Vec<Stage>,
    date_input: String,
    errors: FormErrors,
    /// The confirmation to show (the key of its text), after a step or an undo.
    notice: Option<String>,
    /// The stage undoing the last step goes back to, when this user may undo it.
    undo_to: Option<Stage>,
    /// The reason typed into a refused undo form.
    undo_reason: String,
    /// The steps whose date this user may correct (standing, not a publication or
    /// withdrawal), and the correction form as typed when it was refused.
    correctable: Vec<StepRecord>,
    correction: DateCorrection,
    /// Whether the unit can be removed from the cycle (planned, nothing recorded).
    removable: bool,
    /// The reason typed into a refused remove form.
    remove_reason: String,
    /// What has been written so far, for the cards that lead to the meetings and report.
    leaders: Option<Meeting>,
    youth: Option<Meeting>,
    report: Option<Report>,
}

/// What a dialogue page shows besides the dialogue: a confirmation, or a refused form's
/// input and errors.
#[derive(Default)]
struct DialogueForms {
    date_input: Option<String>,
    undo_reason: String,
    correction: DateCorrection,
    remove_reason: String,
    errors: FormErrors,
    notice: Option<String>,
}

/// The date correction form as typed.
#[derive(Default, Clone)]
struct DateCorrection {
    step: String,
    date: String,
    reason: String,
}

impl DialoguePage {
    fn correcting(&self, step: &StepRecord) -> bool {
        self.correction.step == step.id.to_string()
    }
}

async fn dialogue_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    forms: DialogueForms,
) -> Result<DialoguePage, AppError> {
    let DialogueForms {
        date_input,
        undo_reason,
        correction,
        remove_reason,
        errors,
        notice,
    } = forms;
    let work = super::report::own(state, ctx, id).await?;
    let proof = &work.proof;
    let use_case::DialogueDetail {
        dialogue,
        cycle,
        steps,
        next,
        undo_to,
        correctable,
    } = work.detail(&state.db).await?;
    // The report's steps are taken from the report's page.
    let next: Vec<Stage> = next.into_iter().filter(|s| !s.needs_report()).collect();
    let leaders = report::meeting(&state.db, proof, id, MeetingKind::Leaders).await?;
    let youth = report::meeting(&state.db, proof, id, MeetingKind::Youth).await?;
    let report = report::report(&state.db, proof, id).await?;
    let removable = dialogue.stage == Stage::Planned
        && leaders.is_none()
        && youth.is_none()
        && report.is_none();
    // The step that says a meeting was held is dated by that meeting, when it is recorded.
    let held = match next.first() {
        Some(Stage::LeadersMeetingHeld) => leaders.as_ref(),
        Some(Stage::YouthMeetingHeld) => youth.as_ref(),
        _ => None,
    };
    let date_input = date_input
        .or_else(|| held.map(|m| m.held_on.clone()))
        .unwrap_or_else(|| iso(today()));
    let title = format!("{} – {}", dialogue.unit_name, cycle.name);
    Ok(DialoguePage {
        page: Page::new(ctx, &title, "dialogue"),
        leaders,
        youth,
        report,
        removable,
        remove_reason,
        dialogue,
        cycle,
        steps,
        next,
        date_input,
        errors,
        notice,
        undo_to,
        undo_reason,
        correctable,
        correction,
    })
}

pub async fn show_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let notice = flash.text(
        &ctx,
        &[Notice::StepUndone, Notice::DateCorrected, Notice::StepSaved],
    );
    let forms = DialogueForms {
        notice,
        ..DialogueForms::default()
    };
    Ok(render(&dialogue_page(&state, &ctx, id, forms).await?)?.into_response())
}

/// The reason and the dialogue's version that a correction form sends.
fn reason_and_version(form: &MultiForm) -> Result<(String, i64), AppError> {
    let version = form
        .get("version")
        .parse()
        .map_err(|_| AppError::Code(ErrorCode::InvalidInput))?;
    Ok((form.get("reason"), version))
}

/// Undoes the dialogue's last step, with a reason that is kept in its history.
pub async fn undo_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    // Another embete's dialogue is not shown to exist, whatever the form holds.
    let work = super::report::own(&state, &ctx, id).await?;
    let (reason, version) = reason_and_version(&form)?;
    let undone = work.undo_step(&state.db, &reason, version).await;
    match undone {
        Ok(_) => Ok(
            Redirect::to(&Notice::StepUndone.on(&format!("/dialogue/dialogues/{id}")))
                .into_response(),
        ),
        Err(e) => {
            let forms = DialogueForms {
                undo_reason: reason,
                ..DialogueForms::default()
            };
            refused_on_page(&state, &ctx, id, e, forms, |f| f).await
        }
    }
}

/// Corrects the date of one of the dialogue's steps, with a reason that is kept.
pub async fn correct_date(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    // Another embete's dialogue is not shown to exist, whatever the form holds.
    let work = super::report::own(&state, &ctx, id).await?;
    let (reason, version) = reason_and_version(&form)?;
    let typed = DateCorrection {
        step: form.get("step"),
        date: form.get("date"),
        reason: reason.clone(),
    };
    let result = match (
        typed.step.parse::<i64>(),
        parse_region_date(&typed.date, "date"),
    ) {
        (Ok(step), Ok(date)) => {
            work.correct_date(&state.db, step, date, &reason, version)
                .await
        }
        (Err(_), _) => Err(DomainError::field(ErrorCode::Required, "step").into()),
        (_, Err(e)) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(
            Redirect::to(&Notice::DateCorrected.on(&format!("/dialogue/dialogues/{id}")))
                .into_response(),
        ),
        Err(e) => {
            let forms = DialogueForms {
                correction: typed,
                ..DialogueForms::default()
            };
            // The page's fields for this form are `correct_…`.
            let field = |f| match f {
                "reason" => "correct_reason",
                "date" => "correct_date",
                _ => "correct_step",
            };
            refused_on_page(&state, &ctx, id, e, forms, field).await
        }
    }
}

/// Removes a unit added to the cycle by mistake, before anything happened with it.
pub async fn remove_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    // Another embete's dialogue is not shown to exist, whatever the form holds.
    let work = super::report::own(&state, &ctx, id).await?;
    let (reason, version) = reason_and_version(&form)?;
    match work.remove(&state.db, &reason, version).await {
        Ok(detail) => Ok(Redirect::to(
            &Notice::UnitRemoved.on(&format!("/dialogue/cycles/{}", detail.cycle.id)),
        )
        .into_response()),
        Err(e) => {
            let forms = DialogueForms {
                remove_reason: reason,
                ..DialogueForms::default()
            };
            // The page's reason field for this form is `remove_reason`.
            let field = |f| if f == "reason" { "remove_reason" } else { f };
            refused_on_page(&state, &ctx, id, e, forms, field).await
        }
    }
}

/// A refused step or correction: another embete's dialogue is not found; otherwise the
/// page again, with the error at its field and what was typed. `field` renames the
/// domain's field to the form's input (as `refused_fix` does for a cycle).
async fn refused_on_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    error: samla_db::StoreError,
    forms: DialogueForms,
    field: impl Fn(&'static str) -> &'static str,
) -> Result<Response, AppError> {
    match error {
        samla_db::StoreError::Domain(e)
            if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) =>
        {
            Err(AppError::Code(ErrorCode::NotFound))
        }
        samla_db::StoreError::Domain(e) => {
            let status = crate::error::status_of(e.code);
            let e = DomainError {
                field: Some(field(e.field.unwrap_or("stage"))),
                ..e
            };
            let forms = DialogueForms {
                errors: FormErrors::from_domain(ctx.lang, &[e]),
                ..forms
            };
            let html = render(&dialogue_page(state, ctx, id, forms).await?)?;
            Ok((status, html).into_response())
        }
        e => Err(e.into()),
    }
}

pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: MultiForm,
) -> Result<Response, AppError> {
    own_work(&ctx)?;
    match step_from_form(&state, &ctx, id, &form).await {
        Ok(()) => Ok(
            Redirect::to(&Notice::StepSaved.on(&format!("/dialogue/dialogues/{id}")))
                .into_response(),
        ),
        Err(e) => {
            let forms = DialogueForms {
                date_input: Some(form.get("date")),
                ..DialogueForms::default()
            };
            refused_on_page(&state, &ctx, id, e, forms, |f| f).await
        }
    }
}

async fn step_from_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &MultiForm,
) -> Result<(), samla_db::StoreError> {
    let stage = Stage::parse(&form.get("stage"))
        .ok_or(DomainError::field(ErrorCode::StageNotAllowed, "stage"))?;
    let date = parse_region_date(&form.get("date"), "date")?;
    let version: i64 = form
        .get("version")
        .parse()
        .map_err(|_| DomainError::new(ErrorCode::InvalidInput))?;
    let step = use_case::Step {
        stage,
        date,
        version,
        report_version: None,
        report_sha256: None,
        confirm_eleven_digit_runs: false,
    };
    let actor = ctx
        .actor
        .as_ref()
        .ok_or(DomainError::new(ErrorCode::LoginRequired))?;
    DialogueWork::open(&state.db, actor, id)
        .await?
        .take_step(&state.db, &step)
        .await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "dialogue/public.html")]
struct PublicDialoguePage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    embete_name: String,
    steps: Vec<StepRecord>,
    report: Option<Report>,
    youth: Option<Meeting>,
    /// Right after the leader published it.
    notice: Option<String>,
    /// When the report was first published.
    published_on: String,
    /// The latest correction, if it was corrected after it was first published.
    corrected: Option<Corrected>,
}

impl PublicDialoguePage {
    /// The published report as a PDF, in the report's own language: the same sections,
    /// findings, follow-ups and steps as the page.
    fn pdf(&self) -> samla_pdf::Document {
        let p = &self.page;
        let date = samla_domain::dates::parse_date(&self.published_on, "published_on").ok();
        let mut doc = pdf::document(p.lang, &p.title, &self.embete_name, date);
        let Some(r) = &self.report else { return doc };
        if matches!(r.language.as_str(), "nb" | "nn" | "en") {
            doc.lang = r.language.clone();
        }
        doc.text(&p.t1("public-dialogue-lead", "unit", &self.dialogue.unit_name));
        if let Some(c) = &self.corrected {
            doc.heading(1, format!("{} {}", p.t("public-corrected"), p.date(&c.on)))
                .text(c.reason.as_deref().unwrap_or_default());
        }
        doc.heading(1, p.t("report-child-summary-public"))
            .text(&r.child_summary);
        let sections = [
            ("report-facts", &r.facts),
            ("report-leaders-said", &r.leaders_said),
        ];
        for (key, text) in sections {
            if !text.is_empty() {
                doc.heading(1, p.t(key)).text(text);
            }
        }
        if !r.youth_said.is_empty() {
            doc.heading(1, p.t("report-youth-said"));
            if let Some(y) = &self.youth
                && let Some(n) = y.participants
            {
                let mut context = p.t1("report-youth-context", "count", &n.to_string());
                if !y.age_bands.is_empty() {
                    context = format!("{context} ({})", p.age_bands(&y.age_bands));
                }
                doc.text(&context);
            }
            doc.text(&r.youth_said);
        }
        if !r.findings.is_empty() {
            let findings = r
                .findings
                .iter()
                .map(|f| {
                    let mut tags = Vec::new();
                    if !f.crc_articles.is_empty() {
                        tags.push(format!("{} {}", p.t("report-crc-short"), f.crc_articles));
                    }
                    if !f.steps.is_empty() {
                        tags.push(format!("{} {}", p.t("report-steps-short"), f.steps));
                    }
                    match tags.is_empty() {
                        true => f.body.clone(),
                        false => format!("{}\n({})", f.body, tags.join(" · ")),
                    }
                })
                .collect();
            doc.heading(1, p.t("report-findings")).list(findings);
        }
        if !r.advice.is_empty() {
            doc.heading(1, p.t("report-advice")).text(&r.advice);
        }
        if !r.follow_ups.is_empty() {
            let rows = r
                .follow_ups
                .iter()
                .map(|f| {
                    vec![
                        f.body.clone(),
                        f.owner.clone(),
                        p.date(&f.deadline),
                        p.t(&format!("fu-status-{}", f.status)),
                    ]
                })
                .collect();
            doc.heading(1, p.t("report-follow-ups")).table(
                p.t("report-follow-ups"),
                vec![
                    p.t("report-follow-up-text"),
                    p.t("report-owner"),
                    p.t("report-deadline"),
                    p.t("col-status"),
                ],
                rows,
            );
        }
        let steps = self
            .steps
            .iter()
            .map(|s| format!("{} – {}", p.stage_of(&s.stage), p.date(&s.step_date)))
            .collect();
        doc.heading(1, p.t("dialogue-steps")).list(steps);
        doc
    }
}

/// What a corrected report's page says: when, why, and what changed, word by word.
struct Corrected {
    on: String,
    reason: Option<String>,
    diffs: Vec<super::report::SectionDiff>,
}

/// Where a withdrawn report was: when and why it was withdrawn (answered with 410).
#[derive(Template)]
#[template(path = "dialogue/withdrawn.html")]
struct WithdrawnPage {
    page: Page,
    dialogue: Dialogue,
    cycle: Cycle,
    withdrawn_on: String,
    reason: String,
}

/// A published dialogue, for everyone. Anything not published is not found.
pub async fn public_dialogue(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let notice = flash.text(&ctx, &[Notice::ReportPublished]);
    // The page as the public sees it is the same for every visitor: kept and revalidated.
    let shared = ctx.actor.is_none() && notice.is_none();
    let marker = if shared {
        dialogue::public_marker(&state.db, samla_domain::access::PublicView, id).await?
    } else {
        None
    };
    if let Some(marker) = marker
        && let Some(answer) = state.pages.answer(id, ctx.lang, marker, &headers)
    {
        return Ok(answer);
    }
    let html = match public_page(&state, &ctx, id, notice).await? {
        Ok(html) => html,
        Err(other) => return Ok(other),
    };
    Ok(match marker {
        Some(marker) => state.pages.keep(id, ctx.lang, marker, html.0),
        None => html.into_response(),
    })
}

/// The public page of a dialogue, rendered; or the answer that is not the page (410 for
/// a withdrawn report).
async fn public_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    notice: Option<String>,
) -> Result<Result<axum::response::Html<String>, Response>, AppError> {
    Ok(match public_view(state, ctx, id, notice).await? {
        Ok(page) => Ok(render(&page)?),
        Err(other) => Err(other),
    })
}

/// The published dialogue as a PDF ("Last ned PDF" on its public page).
pub async fn public_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    match public_view(&state, &ctx, id, None).await? {
        Ok(page) => pdf::file(page.pdf(), &format!("samla-dialogue-{id}.pdf")).await,
        Err(other) => Ok(other),
    }
}

/// What the public reads of a dialogue; or the answer that is not the page.
async fn public_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    notice: Option<String>,
) -> Result<Result<PublicDialoguePage, Response>, AppError> {
    let public = match samla_app::public::dialogue(&state.db, id).await? {
        PublicDialogue::Published(public) => public,
        PublicDialogue::Withdrawn(withdrawn) => {
            let title = format!(
                "{} – {}",
                withdrawn.dialogue.unit_name, withdrawn.cycle.name
            );
            let withdrawn = *withdrawn;
            let page = WithdrawnPage {
                page: Page::new(ctx, &title, "reports"),
                dialogue: withdrawn.dialogue,
                cycle: withdrawn.cycle,
                withdrawn_on: withdrawn.withdrawn_on,
                reason: withdrawn.reason,
            };
            return Ok(Err((StatusCode::GONE, render(&page)?).into_response()));
        }
    };
    let embete_name = embete_name_on(state, &public.cycle.embete, &public.cycle.starts_on).await?;
    let corrected = public.corrected().map(|latest| Corrected {
        on: latest.published_on.clone(),
        reason: latest.reason.clone(),
        diffs: public
            .before_correction
            .as_ref()
            .map(|old| super::report::section_diffs(ctx, old, &public.report))
            .unwrap_or_default(),
    });
    let published_on = public.published_on().unwrap_or_default().to_owned();
    let public = *public;
    let title = format!("{} – {}", public.dialogue.unit_name, public.cycle.name);
    Ok(Ok(PublicDialoguePage {
        page: Page::new(ctx, &title, "coverage"),
        dialogue: public.dialogue,
        cycle: public.cycle,
        embete_name,
        steps: public.steps,
        report: Some(public.report),
        youth: public.youth,
        notice,
        published_on,
        corrected,
    }))
}

#[derive(Deserialize, Default)]
pub struct CoverageQuery {
    embete: Option<String>,
    date: Option<String>,
    cycle: Option<String>,
    sort: Option<String>,
}

/// The columns the coverage table can be sorted by (server-side, so it works without JavaScript).
const SORTS: [&str; 4] = ["number", "name", "stage", "date"];

fn sort_units(units: &mut [samla_db::dialogue::CoverageUnit], sort: &str) {
    match sort {
        "name" => units.sort_by(|a, b| a.name.cmp(&b.name)),
        "stage" => units.sort_by(|a, b| {
            let p =
                |u: &samla_db::dialogue::CoverageUnit| u.stage.map(|s| s.progress()).unwrap_or(0);
            p(b).cmp(&p(a)).then_with(|| a.name.cmp(&b.name))
        }),
        "date" => units.sort_by(|a, b| {
            b.stage_date
                .cmp(&a.stage_date)
                .then_with(|| a.name.cmp(&b.name))
        }),
        _ => {}
    }
}

#[derive(Template)]
#[template(path = "dialogue/coverage.html")]
struct CoveragePage {
    page: Page,
    embeter: Vec<Embete>,
    cycles: Vec<(i64, String)>,
    cycle: String,
    sort: String,
    embete: String,
    date_input: String,
    date: String,
    errors: FormErrors,
    coverage: Option<Coverage>,
    map: Option<CoverageMap>,
}

impl CoveragePage {
    /// The link that sorts the table by `column`, keeping the other choices.
    fn sort_href(&self, column: &str) -> String {
        format!(
            "/coverage?embete={}&date={}&cycle={}&sort={column}",
            crate::error::urlencode(&self.embete),
            crate::error::urlencode(&self.date),
            crate::error::urlencode(&self.cycle),
        )
    }

    fn sorted_by(&self, column: &str) -> bool {
        self.sort == column
    }

    fn is_cycle(&self, id: &i64) -> bool {
        self.cycle == id.to_string()
    }

    fn percent(&self, c: &Coverage) -> usize {
        (c.completed * 100).checked_div(c.total).unwrap_or(0)
    }

    /// The legend's text key for a class of the map.
    fn class_key(&self, class: &map::Class) -> String {
        format!("map-class-{}", class.as_str())
    }

    fn summary(&self, c: &Coverage) -> String {
        crate::i18n::text(
            self.page.lang,
            "coverage-summary",
            &[
                ("completed", &c.completed.to_string()),
                ("total", &c.total.to_string()),
                ("percent", &self.percent(c).to_string()),
            ],
        )
    }
}

/// Coverage for an embete or the whole country on a date: public (stages only, no content).
pub async fn coverage(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let title = ctx.t("coverage-title");
    let embete = q.embete.clone().filter(|e| !e.is_empty());
    let mut errors = Vec::new();
    let date = match q.date.as_deref().filter(|d| !d.trim().is_empty()) {
        None => Some(today()),
        Some(d) => parse_region_date(d, "date")
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if let Some(code) = &embete
        && !regions::embete_exists(&state.db, code).await?
    {
        errors.push(DomainError::field(ErrorCode::UnknownEmbete, "embete"));
    }
    let cycle = match q.cycle.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| errors.push(DomainError::field(ErrorCode::InvalidInput, "cycle")))
            .ok(),
    };
    let sort = q
        .sort
        .as_deref()
        .filter(|s| SORTS.contains(s))
        .unwrap_or("number")
        .to_owned();
    let shown = date.unwrap_or_else(today);
    let (coverage, map) = match (date, errors.is_empty()) {
        (Some(d), true) => {
            let changes = regions::all_changes(&state.db).await?;
            let mut c =
                dialogue::coverage_with(&state.db, embete.as_deref(), d, cycle, &changes).await?;
            sort_units(&mut c.units, &sort);
            let m = map::build(&c, &iso(d), &changes, embete.is_none(), ctx.lang);
            (Some(c), Some(m))
        }
        _ => (None, None),
    };
    let cycles = match &embete {
        Some(code) => {
            let proof = ctx
                .actor
                .as_ref()
                .and_then(|a| access::embete_work(a, code).ok());
            dialogue::cycle_names(&state.db, code, proof.as_ref()).await?
        }
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = render(&CoveragePage {
        page: Page::new(&ctx, &title, "coverage"),
        cycles,
        cycle: q.cycle.clone().unwrap_or_default(),
        sort,
        embeter: regions::embeter_on(&state.db, shown).await?,
        embete: embete.unwrap_or_default(),
        date_input: q.date.clone().unwrap_or_else(|| iso(shown)),
        date: iso(shown),
        errors: FormErrors::from_domain(ctx.lang, &errors),
        coverage,
        map,
    })?;
    Ok((status, html).into_response())
}
