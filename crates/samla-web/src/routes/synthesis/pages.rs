//! The synthesis's pages: the figures per requirement (an SVG chart and a table saying the
//! same) and per embete, the secretariat's text per section, the trend against earlier
//! years; the editor, the release and the publication (`samla_app::synthesis`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::{FormErrors, MultiForm, Refusal};
use crate::pdf;
use crate::routes::dialogue::reports::{csv_file, push_row};
use crate::routes::pages::{Page, embeter_today, render};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use samla_app::synthesis::{self as use_case, Opened};
use samla_db::synthesis::{Stage, Synthesis};
use samla_domain::ErrorCode;
use samla_domain::assessment::RUBRIC;
use samla_domain::regions::Embete;
use samla_domain::synthesis::{RequirementCount, section_key};

fn year_of(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .map_err(|_| AppError::Code(ErrorCode::NotFound))
}

fn stage_label(page: &Page, stage: &Stage) -> String {
    page.t(&format!("synthesis-stage-{}", stage.as_str()))
}

#[derive(Template)]
#[template(path = "synthesis/list.html")]
struct ListPage {
    page: Page,
    years: Vec<(i64, Stage)>,
    /// Years the secretariat may start a synthesis for.
    startable: Vec<i64>,
    errors: FormErrors,
}

impl ListPage {
    fn stage(&self, stage: &Stage) -> String {
        stage_label(&self.page, stage)
    }
}

async fn list_page(state: &AppState, ctx: &Ctx, errors: FormErrors) -> Result<ListPage, AppError> {
    let actor = ctx.actor.as_ref();
    let years = use_case::list(&state.db, actor).await?;
    let startable = match actor.filter(|a| samla_domain::access::follow_reports(a).is_ok()) {
        Some(_) => samla_db::assignment::list(&state.db, None)
            .await?
            .into_iter()
            .map(|s| s.year)
            .filter(|y| !years.iter().any(|(had, _)| had == y))
            .collect(),
        None => Vec::new(),
    };
    let title = ctx.t("synthesis-list-title");
    Ok(ListPage {
        page: Page::new(ctx, &title, "syntheses"),
        years,
        startable,
        errors,
    })
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    Ok(render(&list_page(&state, &ctx, FormErrors::default()).await?)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    match use_case::create(&state.db, actor, year).await {
        Ok(()) => Ok(
            Redirect::to(&Notice::SynthesisCreated.on(&format!("/syntheses/{year}")))
                .into_response(),
        ),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = list_page(&state, &ctx, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// One bar of a requirement's chart: where it starts and how wide it is, in percent.
struct Bar {
    rubric: &'static str,
    x: f64,
    width: f64,
    count: usize,
}

#[derive(Template)]
#[template(path = "synthesis/synthesis.html")]
struct SynthesisPage {
    page: Page,
    opened: Opened,
    names: Vec<Embete>,
    notice: Option<String>,
    errors: FormErrors,
}

impl SynthesisPage {
    fn stage(&self) -> String {
        stage_label(&self.page, &self.opened.synthesis.stage)
    }

    fn rubrics(&self) -> Vec<&'static str> {
        RUBRIC.iter().copied().chain(["unassessed"]).collect()
    }

    fn rubric(&self, rubric: &str) -> String {
        match rubric {
            "unassessed" => self.page.t("synthesis-unassessed"),
            r => self
                .page
                .t(&format!("assessment-rubric-{}", r.replace('_', "-"))),
        }
    }

    fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|e| e.code == code)
            .map_or(code, |e| e.name.as_str())
    }

    /// The chart's bars: each rubric's share of the embeter, side by side.
    fn bars(&self, r: &RequirementCount) -> Vec<Bar> {
        let total = self.opened.figures.embeter.len().max(1) as f64;
        let mut x = 0.0;
        self.rubrics()
            .into_iter()
            .map(|rubric| {
                let count = r.count(rubric);
                let width = count as f64 * 100.0 / total;
                let bar = Bar {
                    rubric,
                    x,
                    width,
                    count,
                };
                x += width;
                bar
            })
            .filter(|b| b.count > 0)
            .collect()
    }

    fn chart_label(&self, r: &RequirementCount) -> String {
        let parts: Vec<String> = self
            .rubrics()
            .into_iter()
            .map(|k| format!("{} {}", self.rubric(k), r.count(k)))
            .collect();
        format!("{}: {}", r.title, parts.join(", "))
    }

    fn share(&self, r: &RequirementCount) -> String {
        r.share_fulfilled()
            .map(|s| format!("{s} %"))
            .unwrap_or_else(|| "–".into())
    }

    fn trend(&self, r: &RequirementCount) -> String {
        r.trend
            .iter()
            .map(|t| format!("{}: {} %", t.year, t.percent))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn text(&self, key: &str) -> &str {
        self.opened.text(key)
    }

    fn section(&self, r: &RequirementCount) -> String {
        section_key(r.requirement)
    }

    fn cell(&self, rubric: &Option<String>) -> String {
        match rubric {
            Some(r) => self.rubric(r),
            None => "–".into(),
        }
    }

    /// The same synthesis as a PDF: texts, each requirement's figures, the embeter's table.
    fn pdf(&self) -> samla_pdf::Document {
        let p = &self.page;
        let s = &self.opened.synthesis;
        let f = &self.opened.figures;
        let date = s.published_at.or(s.released_at).and_then(pdf::day_of);
        let mut doc = pdf::document(p.lang, &p.title, &pdf::secretariat(p.lang), date);
        doc.heading(1, p.t("synthesis-intro"))
            .text(self.text("intro"));
        doc.heading(1, p.t("yearly-by-requirement"));
        for r in &f.requirements {
            let mut header: Vec<String> = self.rubrics().iter().map(|k| self.rubric(k)).collect();
            header.extend([
                p.t("synthesis-high-risk"),
                p.t("synthesis-share"),
                p.t("synthesis-trend"),
            ]);
            let mut row: Vec<String> = self.rubrics().iter().map(|k| p.num(r.count(k))).collect();
            row.extend([p.num(r.high_risk), self.share(r), {
                let trend = self.trend(r);
                if trend.is_empty() {
                    p.t("synthesis-no-trend")
                } else {
                    trend
                }
            }]);
            doc.heading(2, &r.title)
                .table(
                    p.t1("synthesis-table-of", "title", &r.title),
                    header,
                    vec![row],
                )
                .text(self.text(&self.section(r)));
        }
        let mut header = vec![p.t("plans-col-embete")];
        header.extend(f.requirements.iter().map(|r| r.title.clone()));
        header.push(p.t("synthesis-fulfilled-count"));
        let rows = f
            .embeter
            .iter()
            .map(|e| {
                let mut row = vec![self.name(&e.embete).to_owned()];
                row.extend(e.rubrics.iter().map(|r| self.cell(r)));
                row.push(p.num(e.fulfilled));
                row
            })
            .collect();
        doc.heading(1, p.t("yearly-by-embete"))
            .table(p.t("yearly-by-embete"), header, rows);
        doc
    }
}

async fn synthesis_page(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<SynthesisPage, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    let title = crate::i18n::text(ctx.lang, "synthesis-title", &[("year", &year.to_string())]);
    Ok(SynthesisPage {
        page: Page::new(ctx, &title, "syntheses"),
        opened,
        names: embeter_today(state).await?,
        notice,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let notice = flash.text(
        &ctx,
        &[
            Notice::SynthesisCreated,
            Notice::SynthesisSaved,
            Notice::SynthesisReleased,
            Notice::SynthesisPublished,
        ],
    );
    let page = synthesis_page(&state, &ctx, year, notice, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// The synthesis as a PDF, for whoever may read its page.
pub async fn pdf_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let page = synthesis_page(&state, &ctx, year, None, FormErrors::default()).await?;
    pdf::file(page.pdf(), &format!("samla-synthesis-{year}.pdf")).await
}

async fn step(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    result: Result<(), samla_db::StoreError>,
    notice: Notice,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&notice.on(&format!("/syntheses/{year}"))).into_response()),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = synthesis_page(state, ctx, year, None, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

pub async fn release(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let version = form.get("version").parse::<i64>().unwrap_or(0);
    let result = use_case::release(&state.db, actor, year, version).await;
    step(&state, &ctx, year, result, Notice::SynthesisReleased).await
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let result = use_case::publish(&state.db, actor, year).await;
    step(&state, &ctx, year, result, Notice::SynthesisPublished).await
}

#[derive(Template)]
#[template(path = "synthesis/section.html")]
struct SectionPage {
    page: Page,
    year: i64,
    key: String,
    /// What the section is about: the introduction, or a requirement's title.
    heading: String,
    text: String,
    base: i64,
    errors: FormErrors,
}

async fn section_page(
    state: &AppState,
    ctx: &Ctx,
    (year, key): (i64, &str),
    typed: Option<String>,
    errors: FormErrors,
) -> Result<SectionPage, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    let heading = if key == "intro" {
        ctx.t("synthesis-intro")
    } else {
        opened
            .figures
            .requirements
            .iter()
            .find(|r| section_key(r.requirement) == key)
            .map(|r| r.title.clone())
            .ok_or(AppError::Code(ErrorCode::NotFound))?
    };
    if !opened.writable {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let title = crate::i18n::text(ctx.lang, "synthesis-title", &[("year", &year.to_string())]);
    Ok(SectionPage {
        page: Page::new(ctx, &title, "syntheses"),
        year,
        key: key.to_owned(),
        heading,
        text: typed.unwrap_or_else(|| opened.text(key).to_owned()),
        base: opened.synthesis.version,
        errors,
    })
}

pub async fn edit_section(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require_actor()?;
    let year = year_of(&year)?;
    let page = section_page(&state, &ctx, (year, &key), None, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_section(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, key)): Path<(String, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let text = form.get("text");
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    match use_case::save_section(&state.db, actor, year, &key, &text, base).await {
        Ok(_) => {
            let to = Notice::SynthesisSaved.on(&format!("/syntheses/{year}"));
            let anchor = key.replace(':', "-");
            Ok(Redirect::to(&format!("{to}#{anchor}")).into_response())
        }
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = section_page(&state, &ctx, (year, &key), Some(text), refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// Every embete's rubric per requirement, one row per pair, for anyone who may read it.
pub async fn csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    let f = &opened.figures;
    let mut out = String::new();
    let header = [
        "year",
        "embete",
        "requirement",
        "requirement_title",
        "rubric",
    ];
    push_row(&mut out, &header.map(str::to_owned), ',');
    for e in &f.embeter {
        for (r, rubric) in f.requirements.iter().zip(&e.rubrics) {
            let row = [
                year.to_string(),
                e.embete.clone(),
                r.requirement.to_string(),
                r.title.clone(),
                rubric.clone().unwrap_or_default(),
            ];
            push_row(&mut out, &row, ',');
        }
    }
    Ok(csv_file(&format!("samla-sammenstilling-{year}.csv"), out))
}

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(json))]
pub struct Api;

fn year_schema() -> utoipa::openapi::schema::Object {
    samla_domain::schema::integer(
        samla_domain::assignment::FIRST_YEAR,
        samla_domain::assignment::LAST_YEAR,
    )
}

/// `{year}`: a year's synthesis.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct YearPath {
    #[param(required, schema_with = year_schema)]
    pub year: i64,
}

/// A year's synthesis for the steering group: the secretariat's texts and the figures per requirement and embete.
///
/// Everyone once it is published; the steering group once it is released; the secretariat while it is written (with the figures as they stand). Not found (404) otherwise.
#[utoipa::path(get, path = "/syntheses/{year}", params(YearPath),
    responses((status = 200, description = "The synthesis", body = Synthesis), (status = 404)))]
pub async fn json(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i64>,
) -> Result<Response, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    let mut synthesis = opened.synthesis;
    synthesis.figures = Some(opened.figures);
    Ok(Json(synthesis).into_response())
}
