//! The secretariat's assessment of a submitted report, on the report's pages: one form per
//! answer, the release to the embete, and the embete's replies to questions
//! (`samla_app::assessment`).

use super::pages::{back_to_report, report_page, report_title, url, year_of};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::Notice;
use crate::forms::{FormErrors, MultiForm, Refusal};
use crate::routes::pages::{Page, embete_name, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use samla_app::assessment as use_case;
use samla_app::yearly_report::Opened;
use samla_domain::ErrorCode;
use samla_domain::assessment::{AssessmentInput, RISKS, RUBRIC};
use samla_domain::assignment::Requirement;
use samla_domain::yearly_report::Answer;

type ReportAt = (String, String, String);

#[derive(Template)]
#[template(path = "yearly_report/assess.html")]
struct AssessPage {
    page: Page,
    opened: Opened,
    requirement: Requirement,
    answer: Answer,
    typed: AssessmentInput,
    errors: FormErrors,
}

impl AssessPage {
    fn report_url(&self) -> String {
        let r = &self.opened.report;
        url(&r.embete, r.year, &r.period)
    }

    fn action(&self) -> String {
        format!("{}/assessments/{}", self.report_url(), self.requirement.id)
    }

    /// The rubric's or the risk's choices, each with its label.
    fn options(&self, kind: &str) -> Vec<(String, String)> {
        let values: &[&'static str] = if kind == "rubric" { &RUBRIC } else { &RISKS };
        values
            .iter()
            .map(|v| {
                let label = self
                    .page
                    .t(&format!("assessment-{kind}-{}", v.replace('_', "-")));
                ((*v).to_owned(), label)
            })
            .collect()
    }

    fn status(&self) -> String {
        self.page.t(&format!(
            "yearly-status-{}",
            self.answer.status.replace('_', "-")
        ))
    }
}

async fn assess_page(
    state: &AppState,
    ctx: &Ctx,
    (embete, year, period): (&str, i64, &str),
    requirement: i64,
    typed: Option<AssessmentInput>,
    errors: FormErrors,
) -> Result<AssessPage, AppError> {
    let actor = ctx.require_actor()?;
    let opened = samla_app::yearly_report::open(&state.db, actor, embete, year, period).await?;
    let not_found = || AppError::Code(ErrorCode::NotFound);
    if !opened.may_assess {
        return Err(not_found());
    }
    let requirement = opened
        .report
        .requirements
        .iter()
        .find(|r| r.id == requirement)
        .cloned()
        .ok_or_else(not_found)?;
    let answer = opened
        .report
        .answer(requirement.id)
        .cloned()
        .ok_or_else(not_found)?;
    let typed = typed.unwrap_or_else(|| {
        opened
            .assessed
            .as_ref()
            .and_then(|a| a.of(requirement.id))
            .map(AssessmentInput::of)
            .unwrap_or_default()
    });
    let name = embete_name(state, embete).await?;
    let mut page = Page::new(ctx, "", "yearly_reports");
    page.title = report_title(&page, period, year, &name);
    Ok(AssessPage {
        page,
        opened,
        requirement,
        answer,
        typed,
        errors,
    })
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, String, String, i64)>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let page = assess_page(&state, &ctx, at, requirement, None, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, String, String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let typed = AssessmentInput {
        rubric: form.get("rubric"),
        risk: form.get("risk"),
        comment: form.get("comment"),
        question: form.get("question"),
    };
    let refused = match use_case::assess(&state.db, actor, at, requirement, &typed).await {
        Ok(()) => {
            let to = Notice::AssessmentSaved.on(&url(&embete, year, &period));
            return Ok(Redirect::to(&format!("{to}#answer-{requirement}")).into_response());
        }
        Err(refused) => Refusal::of(ctx.lang, refused)?,
    };
    let page = assess_page(&state, &ctx, at, requirement, Some(typed), refused.errors).await?;
    Ok((refused.status, render(&page)?).into_response())
}

pub async fn release(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<ReportAt>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let result = use_case::release(&state.db, actor, at).await;
    back_to_report(&state, &ctx, at, result, Notice::AssessmentReleased).await
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, String, String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let text = form.get("reply");
    match use_case::reply(&state.db, actor, at, requirement, &text).await {
        Ok(()) => {
            let to = Notice::ReplySent.on(&url(&embete, year, &period));
            Ok(Redirect::to(&format!("{to}#answer-{requirement}")).into_response())
        }
        Err(refused) => {
            let refused = Refusal::of(ctx.lang, refused)?;
            let mut page =
                report_page(&state, &ctx, &embete, year, &period, None, refused.errors).await?;
            page.typed_reply = Some((requirement, text));
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// The secretariat reopens a submitted report with a reason; a refused reason is kept.
pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<ReportAt>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let reason = form.get("reason");
    match use_case::reopen(&state.db, actor, at, &reason).await {
        Ok(()) => Ok(
            Redirect::to(&Notice::YearlyReportReopened.on(&url(&embete, year, &period)))
                .into_response(),
        ),
        Err(refused) => {
            let refused = Refusal::of(ctx.lang, refused)?;
            let mut page =
                report_page(&state, &ctx, &embete, year, &period, None, refused.errors).await?;
            page.typed_reopen = reason;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}
