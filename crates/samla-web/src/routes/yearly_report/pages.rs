//! The yearly reports' pages: the embete's own reports with their answer forms, the
//! leader's approval and the submission; the secretariat's reading of what was submitted
//! and its table of who has reported (`samla_app::yearly_report`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::{FormErrors, MultiForm, Refusal};
use crate::pdf;
use crate::routes::pages::{Page, embete_name, embeter_today, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use samla_app::yearly_report::{self as use_case, Named, Opened, Overview, Step};
use samla_db::yearly_report::{Saved, Stage, Summary};
use samla_domain::ErrorCode;
use samla_domain::assignment::Requirement;
use samla_domain::regions::Embete;
use samla_domain::yearly_report::{ANSWER_STATUSES, Answer, AnswerInput, PERIODS, Reported};

pub(super) fn url(embete: &str, year: i64, period: &str) -> String {
    format!("/yearly-reports/{embete}/{year}/{period}")
}

fn stage_label(page: &Page, stage: &Stage) -> String {
    page.t(&format!("yearly-stage-{}", stage.as_str()))
}

fn stage_color(stage: &Stage) -> &'static str {
    match stage {
        Stage::Drafting => "neutral",
        Stage::Approved => "info",
        Stage::Submitted => "success",
    }
}

pub(super) fn report_title(page: &Page, period: &str, year: i64, name: &str) -> String {
    page.t2(
        &format!("yearly-title-{period}"),
        "year",
        &year.to_string(),
        "embete",
        name,
    )
}

#[derive(Template)]
#[template(path = "yearly_report/list.html")]
struct ListPage {
    page: Page,
    /// The reader's own embete, if they work in one.
    own: Option<(String, String)>,
    /// Years whose assignment is published, newest first.
    years: Vec<i64>,
    reports: Vec<Summary>,
    notice: Option<String>,
    errors: FormErrors,
}

impl ListPage {
    fn periods(&self) -> &'static [&'static str] {
        &PERIODS
    }

    fn stage(&self, stage: &Stage) -> String {
        stage_label(&self.page, stage)
    }

    fn stage_color(&self, stage: &Stage) -> &'static str {
        stage_color(stage)
    }

    fn report(&self, year: &i64, period: &str) -> Option<&Summary> {
        self.reports
            .iter()
            .find(|r| r.year == *year && r.period == period)
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<ListPage, AppError> {
    let actor = ctx.require_actor()?;
    let title = ctx.t("yearly-list-title");
    let own = match samla_domain::access::own_embete(actor) {
        Some(code) => Some((code.to_owned(), embete_name(state, code).await?)),
        None => {
            samla_domain::access::follow_reports(actor)?;
            None
        }
    };
    let years = samla_db::assignment::list(&state.db, None)
        .await?
        .into_iter()
        .map(|s| s.year)
        .collect();
    Ok(ListPage {
        page: Page::new(ctx, &title, "yearly_reports"),
        reports: use_case::list(&state.db, actor, None).await?,
        own,
        years,
        notice,
        errors,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let notice = flash.text(&ctx, &[Notice::YearlyReportCreated]);
    let page = list_page(&state, &ctx, notice, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub(super) fn year_of(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .map_err(|_| AppError::Code(ErrorCode::NotFound))
}

/// The embete's staff start a report; one that exists already is simply opened.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    match use_case::create(&state.db, actor, &embete, year, &period).await {
        Ok(()) => Ok(
            Redirect::to(&Notice::YearlyReportCreated.on(&url(&embete, year, &period)))
                .into_response(),
        ),
        Err(samla_db::StoreError::Domain(e)) if e.code == ErrorCode::DuplicateName => {
            Ok(Redirect::to(&url(&embete, year, &period)).into_response())
        }
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = list_page(&state, &ctx, None, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "yearly_report/report.html")]
pub(super) struct ReportPage {
    page: Page,
    opened: Opened,
    /// The embete's name, which issues the report's PDF.
    name: String,
    notice: Option<String>,
    errors: FormErrors,
    /// A reply that was refused, kept as typed: (requirement, text).
    pub(super) typed_reply: Option<(i64, String)>,
    /// A reopening reason that was refused, kept as typed.
    pub(super) typed_reopen: String,
}

impl ReportPage {
    fn url(&self) -> String {
        let r = &self.opened.report;
        url(&r.embete, r.year, &r.period)
    }

    fn answer(&self, requirement: &i64) -> Option<&Answer> {
        self.opened.report.answer(*requirement)
    }

    fn status(&self, status: &str) -> String {
        self.page
            .t(&format!("yearly-status-{}", status.replace('_', "-")))
    }

    fn status_color(&self, status: &str) -> &'static str {
        match status {
            "done" => "success",
            "partly" => "warning",
            "not_started" => "danger",
            _ => "neutral",
        }
    }

    fn stage(&self) -> String {
        stage_label(&self.page, &self.opened.report.stage)
    }

    fn stage_color(&self) -> &'static str {
        stage_color(&self.opened.report.stage)
    }

    fn deadline(&self, requirement: &i64) -> String {
        self.opened
            .deadline(*requirement)
            .map(|d| self.page.date(samla_domain::dates::iso(d)))
            .unwrap_or_default()
    }

    fn named<'a>(&self, list: &'a [Named], id: &i64) -> Option<&'a Named> {
        list.iter().find(|n| n.id == *id)
    }

    fn unanswered(&self) -> usize {
        self.opened.report.unanswered().count()
    }

    fn rubric(&self, value: &str) -> String {
        self.page
            .t(&format!("assessment-rubric-{}", value.replace('_', "-")))
    }

    fn rubric_color(&self, value: &str) -> &'static str {
        match value {
            "fulfilled" => "success",
            "partly" => "warning",
            _ => "danger",
        }
    }

    fn risk(&self, value: &str) -> String {
        self.page.t(&format!("assessment-risk-{value}"))
    }

    fn reply_for(&self, requirement: &i64) -> &str {
        match &self.typed_reply {
            Some((r, text)) if r == requirement => text,
            _ => "",
        }
    }

    /// How many submitted answers are not assessed yet.
    fn unassessed(&self) -> usize {
        let assessed = self.opened.assessed.as_ref();
        self.opened
            .report
            .answers
            .iter()
            .filter(|a| assessed.is_none_or(|s| s.of(a.requirement).is_none()))
            .count()
    }

    fn figure(&self, value: &f64) -> String {
        crate::i18n::format_decimal(self.page.lang, *value)
    }

    fn evidence(&self, list: &[Named], ids: &[i64], missing: &str) -> String {
        ids.iter()
            .map(|id| match self.named(list, id) {
                Some(n) => n.name.clone(),
                None => self.page.t(missing),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The report as a PDF: where it stands, then each requirement's answer, evidence,
    /// figures and, once the reader may see it, the assessment and its thread.
    fn pdf(&self) -> samla_pdf::Document {
        let p = &self.page;
        let r = &self.opened.report;
        let sources = &self.opened.sources;
        let date = r.submitted.as_ref().and_then(|s| pdf::day_of(s.at));
        let mut doc = pdf::document(p.lang, &p.title, &self.name, date);
        let signed = |by: &str, at: i64, version: i64| {
            let version = p.t1("yearly-version", "version", &version.to_string());
            format!("{by}, {} ({version})", p.timestamp(at))
        };
        doc.facts(vec![
            (p.t("yearly-where"), self.stage()),
            (
                p.t("yearly-approved-by"),
                r.approved
                    .as_ref()
                    .map(|a| signed(&a.by, a.at, a.version))
                    .unwrap_or_default(),
            ),
            (
                p.t("yearly-submitted-by"),
                r.submitted
                    .as_ref()
                    .map(|s| signed(&s.by, s.at, s.version))
                    .unwrap_or_default(),
            ),
        ]);
        doc.heading(1, p.t("yearly-answers"));
        for q in &r.requirements {
            doc.heading(2, &q.title);
            let Some(a) = self.answer(&q.id) else {
                doc.text(&p.t("yearly-no-answer"));
                continue;
            };
            let follow_ups = if self.opened.writable || !sources.follow_ups.is_empty() {
                self.evidence(&sources.follow_ups, &a.follow_ups, "yearly-follow-up-gone")
            } else if a.follow_ups.is_empty() {
                String::new()
            } else {
                p.t1(
                    "yearly-follow-up-count",
                    "count",
                    &p.num(a.follow_ups.len()),
                )
            };
            doc.facts(vec![
                (p.t("yearly-field-status"), self.status(&a.status)),
                (p.t("yearly-field-deadline"), self.deadline(&q.id)),
                (p.t("yearly-field-reason"), a.reason.clone()),
                (
                    p.t("yearly-field-measures"),
                    self.evidence(&sources.measures, &a.measures, "yearly-measure-not-in-plan"),
                ),
                (
                    p.t("yearly-field-dialogues"),
                    self.evidence(
                        &sources.dialogues,
                        &a.dialogues,
                        "yearly-dialogue-not-public",
                    ),
                ),
                (p.t("yearly-field-follow-ups"), follow_ups),
            ])
            .text(&a.text);
            if !a.figures.is_empty() {
                let rows = a
                    .figures
                    .iter()
                    .map(|f| vec![f.name.clone(), self.figure(&f.value)])
                    .collect();
                doc.table(
                    p.t1("yearly-figures-of", "title", &q.title),
                    vec![p.t("yearly-figure-name"), p.t("yearly-figure-value")],
                    rows,
                );
            }
            let Some(assessed) = &self.opened.assessed else {
                continue;
            };
            if let Some(x) = assessed.of(q.id) {
                doc.heading(3, p.t("assessment-heading"))
                    .facts(vec![
                        (p.t("assessment-label-rubric"), self.rubric(&x.rubric)),
                        (p.t("assessment-label-risk"), self.risk(&x.risk)),
                    ])
                    .text(&x.comment)
                    .text(&format!(
                        "{}, {}",
                        p.t1(
                            "assessment-of-version",
                            "version",
                            &x.report_version.to_string()
                        ),
                        p.timestamp(x.assessed_at)
                    ));
            }
            for m in assessed.thread(q.id) {
                doc.facts(vec![(
                    p.t(&format!("assessment-from-{}", m.from)),
                    format!("{}\n{}", p.timestamp(m.at), m.text),
                )]);
            }
        }
        doc
    }
}

pub(super) async fn report_page(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    year: i64,
    period: &str,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<ReportPage, AppError> {
    let actor = ctx.require_actor()?;
    let opened = use_case::open(&state.db, actor, embete, year, period).await?;
    let name = embete_name(state, embete).await?;
    let mut page = Page::new(ctx, "", "yearly_reports");
    page.title = report_title(&page, period, year, &name);
    Ok(ReportPage {
        page,
        opened,
        name,
        notice,
        errors,
        typed_reply: None,
        typed_reopen: String::new(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let notice = flash.text(
        &ctx,
        &[
            Notice::YearlyReportCreated,
            Notice::AnswerSaved,
            Notice::AnswerSavedVoided,
            Notice::YearlyReportApproved,
            Notice::YearlyReportSubmitted,
            Notice::AssessmentSaved,
            Notice::AssessmentReleased,
            Notice::ReplySent,
            Notice::YearlyReportReopened,
        ],
    );
    let page = report_page(
        &state,
        &ctx,
        &embete,
        year,
        &period,
        notice,
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The report as a PDF, for whoever may read it.
pub async fn pdf_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let page = report_page(
        &state,
        &ctx,
        &embete,
        year,
        &period,
        None,
        FormErrors::default(),
    )
    .await?;
    let filename = format!("samla-yearly-report-{embete}-{year}-{period}.pdf");
    pdf::file(page.pdf(), &filename).await
}

/// Takes an approval or a submission: back to the report with a notice, or the report
/// again with the refusal.
async fn take(
    state: &AppState,
    ctx: &Ctx,
    (embete, year, period): (String, String, String),
    form: MultiForm,
    step: Step,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let version = form.get("version").parse::<i64>().unwrap_or(0);
    let at = (embete.as_str(), year, period.as_str());
    let notice = match step {
        Step::Approve => Notice::YearlyReportApproved,
        Step::Submit => Notice::YearlyReportSubmitted,
    };
    let result = use_case::take(&state.db, actor, at, step, version).await;
    back_to_report(state, ctx, at, result, notice).await
}

/// Answers a step on a report: back to it with `notice`, or the report again with the
/// refusal.
pub(super) async fn back_to_report(
    state: &AppState,
    ctx: &Ctx,
    (embete, year, period): (&str, i64, &str),
    result: Result<(), samla_db::StoreError>,
    notice: Notice,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&notice.on(&url(embete, year, period))).into_response()),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = report_page(state, ctx, embete, year, period, None, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<(String, String, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    take(&state, &ctx, at, form, Step::Approve).await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(at): Path<(String, String, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    take(&state, &ctx, at, form, Step::Submit).await
}

/// One answer's form.
#[derive(Template)]
#[template(path = "yearly_report/answer.html")]
struct AnswerPage {
    page: Page,
    opened: Opened,
    requirement: Requirement,
    typed: AnswerInput,
    errors: FormErrors,
}

impl AnswerPage {
    fn report_url(&self) -> String {
        let r = &self.opened.report;
        url(&r.embete, r.year, &r.period)
    }

    fn action(&self) -> String {
        format!("{}/answers/{}", self.report_url(), self.requirement.id)
    }

    fn statuses(&self) -> &'static [&'static str] {
        &ANSWER_STATUSES
    }

    fn status(&self, status: &str) -> String {
        self.page
            .t(&format!("yearly-status-{}", status.replace('_', "-")))
    }

    /// The items one evidence field offers, each with whether it is checked.
    fn choices(&self, field: &str) -> Vec<(&Named, bool)> {
        let sources = &self.opened.sources;
        let (options, typed) = match field {
            "measures" => (&sources.measures, &self.typed.measures),
            "dialogues" => (&sources.dialogues, &self.typed.dialogues),
            _ => (&sources.follow_ups, &self.typed.follow_ups),
        };
        options
            .iter()
            .map(|o| (o, typed.iter().any(|t| t.trim() == o.id.to_string())))
            .collect()
    }

    fn deadline(&self) -> String {
        self.opened
            .deadline(self.requirement.id)
            .map(|d| self.page.date(samla_domain::dates::iso(d)))
            .unwrap_or_default()
    }
}

async fn answer_page(
    state: &AppState,
    ctx: &Ctx,
    (embete, year, period): (&str, i64, &str),
    requirement: i64,
    typed: Option<AnswerInput>,
    errors: FormErrors,
) -> Result<AnswerPage, AppError> {
    let actor = ctx.require_actor()?;
    let opened = use_case::open(&state.db, actor, embete, year, period).await?;
    if !opened.writable {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let requirement = opened
        .report
        .requirements
        .iter()
        .find(|r| r.id == requirement)
        .cloned()
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let typed = typed.unwrap_or_else(|| {
        opened
            .report
            .answer(requirement.id)
            .map(AnswerInput::of)
            .unwrap_or_default()
    });
    let name = embete_name(state, embete).await?;
    let mut page = Page::new(ctx, "", "yearly_reports");
    page.title = report_title(&page, period, year, &name);
    Ok(AnswerPage {
        page,
        opened,
        requirement,
        typed,
        errors,
    })
}

pub async fn edit_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, String, String, i64)>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let at = (embete.as_str(), year, period.as_str());
    let page = answer_page(&state, &ctx, at, requirement, None, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

fn typed_answer(form: &MultiForm) -> AnswerInput {
    AnswerInput {
        status: form.get("status"),
        text: form.get("text"),
        reason: form.get("reason"),
        measures: form.all("measures"),
        dialogues: form.all("dialogues"),
        follow_ups: form.all("follow_ups"),
        figures: form.get("figures"),
    }
}

pub async fn save_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, year, period, requirement)): Path<(String, String, String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let typed = typed_answer(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::save_answer(
        &state.db,
        actor,
        &embete,
        year,
        &period,
        requirement,
        &typed,
        base,
    )
    .await;
    let refused = match result {
        Ok(saved) => {
            let notice = match saved {
                Saved::Version { voided: true, .. } => Notice::AnswerSavedVoided,
                _ => Notice::AnswerSaved,
            };
            let to = notice.on(&url(&embete, year, &period));
            return Ok(Redirect::to(&format!("{to}#answer-{requirement}")).into_response());
        }
        Err(refused) => Refusal::of(ctx.lang, refused)?,
    };
    let at = (embete.as_str(), year, period.as_str());
    let page = answer_page(&state, &ctx, at, requirement, Some(typed), refused.errors).await?;
    Ok((refused.status, render(&page)?).into_response())
}

/// Who has reported on a year's period, for the secretariat.
#[derive(Template)]
#[template(path = "yearly_report/status.html")]
struct StatusPage {
    page: Page,
    overview: Overview,
    names: Vec<Embete>,
}

impl StatusPage {
    fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|e| e.code == code)
            .map_or(code, |e| e.name.as_str())
    }

    fn kinds(&self) -> &'static [Reported] {
        &Reported::ALL
    }

    fn reported(&self, reported: &Reported) -> String {
        self.page.t(&format!(
            "yearly-reported-{}",
            reported.as_str().replace('_', "-")
        ))
    }

    fn reported_color(&self, reported: &Reported) -> &'static str {
        match reported {
            Reported::Expected => "neutral",
            Reported::OnTime => "success",
            Reported::Late => "warning",
            Reported::Missing => "danger",
        }
    }

    fn stage(&self, stage: &Option<Stage>) -> String {
        match stage {
            Some(s) => stage_label(&self.page, s),
            None => self.page.t("yearly-not-started"),
        }
    }

    fn report_url(&self, embete: &str) -> String {
        url(embete, self.overview.year, self.overview.period)
    }

    fn is_submitted(&self, stage: &Option<Stage>) -> bool {
        *stage == Some(Stage::Submitted)
    }

    fn date(&self, date: &time::Date) -> String {
        self.page.date(samla_domain::dates::iso(*date))
    }
}

pub async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let names = embeter_today(&state).await?;
    let codes: Vec<String> = names.iter().map(|e| e.code.clone()).collect();
    let overview = use_case::overview(&state.db, actor, year, &period, &codes).await?;
    let mut page = Page::new(&ctx, "", "yearly_reports");
    page.title = page.t2(
        &format!("yearly-status-title-{}", overview.period),
        "year",
        &year.to_string(),
        "embete",
        "",
    );
    Ok(render(&StatusPage {
        page,
        overview,
        names,
    })?
    .into_response())
}
