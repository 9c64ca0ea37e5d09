//! The joint assignment's pages. Everyone reads a published assignment; the
//! secretariat, the directorates and the steering group read the working draft, and
//! each writes and signs where the policy lets them (`samla_app::assignment`).

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::flash::{Flash, Notice};
use crate::forms::{FormErrors, MultiForm, Refusal};
use crate::pdf;
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use samla_app::assignment::{self as use_case, Opened};
use samla_db::StoreError;
use samla_db::assignment::{Saved, SectionDiff, Summary};
use samla_domain::ErrorCode;
use samla_domain::access::{DIRECTORATES, SECRETARIAT};
use samla_domain::assignment::{
    Carried, REQUIREMENT_KINDS, Requirement, RequirementInput, SECTORS, SignOffState, Stage,
};
use samla_domain::document::PieceChange;

/// An organisation's name, for a section's owner or a sign-off.
fn organisation_name(code: &str) -> &'static str {
    if code == SECRETARIAT.0 {
        return SECRETARIAT.1;
    }
    DIRECTORATES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| *name)
}

/// A section's heading: a directorate's section is named after it; the common parts
/// have texts of their own.
fn section_title(page: &Page, key: &str) -> String {
    match DIRECTORATES.iter().find(|(c, _)| *c == key) {
        Some((_, name)) => (*name).to_owned(),
        None => page.t(&format!("assignment-section-{key}")),
    }
}

/// What a compared part is called: its section, or "Requirement: <title>".
fn part_label(page: &Page, part: &SectionDiff) -> String {
    match &part.requirement {
        Some(title) => page.t1("assignment-requirement-label", "title", title),
        None => section_title(page, &part.key),
    }
}

fn stage_text(page: &Page, stage: &Stage) -> String {
    page.t(&format!("assignment-stage-{}", stage.as_str()))
}

fn year_of(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|y| {
            (samla_domain::assignment::FIRST_YEAR..=samla_domain::assignment::LAST_YEAR).contains(y)
        })
        .ok_or(AppError::Code(ErrorCode::NotFound))
}

#[derive(Template)]
#[template(path = "assignment/list.html")]
struct ListPage {
    page: Page,
    years: Vec<Summary>,
    may_create: bool,
    year_input: String,
    errors: FormErrors,
    notice: Option<String>,
}

impl ListPage {
    fn stage(&self, stage: &Stage) -> String {
        stage_text(&self.page, stage)
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    year_input: String,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<ListPage, AppError> {
    let title = ctx.t("assignments-title");
    Ok(ListPage {
        page: Page::new(ctx, &title, "assignments"),
        years: use_case::list(&state.db, ctx.actor.as_ref()).await?,
        may_create: use_case::may_create(ctx.actor.as_ref()),
        year_input,
        errors,
        notice,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let next = samla_domain::dates::today().year() as i64 + 1;
    let notice = flash.text(&ctx, &[Notice::AssignmentCreated]);
    let page = list_page(
        &state,
        &ctx,
        next.to_string(),
        FormErrors::default(),
        notice,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let typed = form.get("year");
    match use_case::create(&state.db, actor, &typed).await {
        Ok(year) => Ok(Redirect::to(
            &Notice::AssignmentCreated.on(&format!("/assignments/{year}")),
        )
        .into_response()),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = list_page(&state, &ctx, typed, refused.errors, None).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "assignment/assignment.html")]
struct AssignmentPage {
    page: Page,
    opened: Opened,
    notice: Option<String>,
    errors: FormErrors,
}

impl AssignmentPage {
    fn title(&self, key: &str) -> String {
        section_title(&self.page, key)
    }

    fn owner(&self, code: &str) -> &'static str {
        organisation_name(code)
    }

    fn stage(&self, stage: &Stage) -> String {
        stage_text(&self.page, stage)
    }

    /// A sign-off's state in words.
    fn signed(&self, state: &SignOffState) -> String {
        match state {
            SignOffState::Missing => self.page.t("assignment-sign-off-missing"),
            SignOffState::Valid { version } => {
                self.page
                    .t1("assignment-sign-off-valid", "version", &version.to_string())
            }
            SignOffState::Void { version } => {
                self.page
                    .t1("assignment-sign-off-void", "version", &version.to_string())
            }
        }
    }

    /// The tag a requirement gets for how it stands against last year (none if unchanged).
    fn carried_key(&self, carried: &Carried) -> Option<&'static str> {
        match carried {
            Carried::New => Some("assignment-carried-new"),
            Carried::Changed => Some("assignment-carried-changed"),
            Carried::Unchanged => None,
        }
    }

    fn sector_names(&self, sectors: &[String]) -> String {
        sectors
            .iter()
            .map(|s| self.page.t(&format!("assignment-sector-{s}")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn articles(&self, articles: &[u32]) -> String {
        let list: Vec<String> = articles.iter().map(u32::to_string).collect();
        self.page
            .t1("assignment-articles", "list", &list.join(", "))
    }

    fn is_valid(&self, state: &SignOffState) -> bool {
        matches!(state, SignOffState::Valid { .. })
    }

    /// The button text for a move to `stage`.
    fn move_text(&self, stage: &Stage) -> String {
        self.page.t(&format!("assignment-move-{}", stage.as_str()))
    }

    /// The assignment as a PDF: its version, then each section with its requirements.
    fn pdf(&self) -> samla_pdf::Document {
        let p = &self.page;
        let a = &self.opened.assignment;
        let mut doc = pdf::document(p.lang, &p.title, &pdf::secretariat(p.lang), None);
        let version = a.version.to_string();
        let status = if self.opened.draft {
            p.t2(
                "assignment-draft-version",
                "stage",
                &self.stage(&a.stage),
                "version",
                &version,
            )
        } else {
            p.t1("assignment-published-version", "version", &version)
        };
        doc.text(&status);
        for s in &a.sections {
            doc.heading(1, self.title(&s.key));
            if self.owner(&s.owner) != self.title(&s.key) {
                doc.text(&p.t1("assignment-owner", "owner", self.owner(&s.owner)));
            }
            doc.text(&s.text);
            for row in &s.requirements {
                let r = &row.requirement;
                let mut kind = p.t(&format!("assignment-kind-{}", r.kind));
                if let Some(key) = row.carried.as_ref().and_then(|c| self.carried_key(c)) {
                    kind = format!("{kind} · {}", p.t(key));
                }
                let articles = if r.crc_articles.is_empty() {
                    String::new()
                } else {
                    self.articles(&r.crc_articles)
                };
                doc.heading(2, &r.title)
                    .facts(vec![
                        (p.t("assignment-field-kind"), kind),
                        (
                            p.t("assignment-field-deadline"),
                            r.deadline.as_deref().map(|d| p.date(d)).unwrap_or_default(),
                        ),
                        (
                            p.t("assignment-field-sectors"),
                            self.sector_names(&r.sectors),
                        ),
                        (p.t("assignment-crc"), articles),
                    ])
                    .text(&r.text);
            }
        }
        doc
    }

    /// The stages in order, with whether each is reached, for the progress list.
    fn progress(&self) -> Vec<(String, bool, bool)> {
        let now = self.opened.assignment.stage;
        let at = Stage::ALL.iter().position(|s| *s == now).unwrap_or(0);
        Stage::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| (stage_text(&self.page, s), i <= at, i == at))
            .collect()
    }
}

async fn assignment_page(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<AssignmentPage, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    let title = crate::i18n::text(ctx.lang, "assignment-title", &[("year", &year.to_string())]);
    Ok(AssignmentPage {
        page: Page::new(ctx, &title, "assignments"),
        opened,
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
            Notice::AssignmentCreated,
            Notice::SectionSavedVoided,
            Notice::SectionSaved,
            Notice::SignedOff,
            Notice::StageMoved,
        ],
    );
    let page = assignment_page(&state, &ctx, year, notice, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// The assignment as a PDF: the published version for everyone, the draft for those who
/// read it.
pub async fn pdf_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let page = assignment_page(&state, &ctx, year, None, FormErrors::default()).await?;
    pdf::file(page.pdf(), &format!("samla-assignment-{year}.pdf")).await
}

#[derive(Template)]
#[template(path = "assignment/section.html")]
struct SectionPage {
    page: Page,
    year: i64,
    key: String,
    heading: String,
    owner: &'static str,
    text: String,
    base: i64,
    /// The text as it stands now, when someone else changed it since the writer began.
    theirs: Option<String>,
    errors: FormErrors,
}

/// The year's assignment and a page for writing in its section `key`: 404 if there is no
/// such section, 403 if the actor may not write in it now.
async fn writable_section(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    key: &str,
) -> Result<(use_case::Opened, Page), AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), year).await?;
    if !opened.assignment.sections.iter().any(|s| s.key == key) {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    if !opened.may_write(key) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let title = crate::i18n::text(ctx.lang, "assignment-title", &[("year", &year.to_string())]);
    Ok((opened, Page::new(ctx, &title, "assignments")))
}

async fn section_page(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    key: &str,
    typed: Option<String>,
    errors: FormErrors,
) -> Result<SectionPage, AppError> {
    let (opened, page) = writable_section(state, ctx, year, key).await?;
    let section = opened
        .assignment
        .sections
        .iter()
        .find(|s| s.key == key)
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let heading = section_title(&page, key);
    let theirs = typed
        .as_ref()
        .filter(|t| **t != section.text)
        .map(|_| section.text.clone());
    Ok(SectionPage {
        page,
        year,
        key: key.to_owned(),
        heading,
        owner: organisation_name(&section.owner),
        text: typed.unwrap_or_else(|| section.text.clone()),
        base: opened.assignment.version,
        theirs,
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
    let page = section_page(&state, &ctx, year, &key, None, FormErrors::default()).await?;
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
        Ok(saved) => {
            let url = format!("/assignments/{year}");
            let notice = match saved {
                Saved::Version { voided, .. } if !voided.is_empty() => {
                    Notice::SectionSavedVoided.with(&url, &voided.len().to_string())
                }
                _ => Notice::SectionSaved.on(&url),
            };
            Ok(Redirect::to(&format!("{notice}#section-{key}")).into_response())
        }
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = section_page(&state, &ctx, year, &key, Some(text), refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// Answers a sign-off or a move: back to the assignment with a notice, or the page
/// again with the refusal where it applies.
async fn after_action(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    result: Result<(), StoreError>,
    notice: Notice,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&notice.on(&format!("/assignments/{year}"))).into_response()),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = assignment_page(state, ctx, year, None, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

pub async fn sign_off(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let version = form.get("version").parse::<i64>().unwrap_or(0);
    let result = use_case::sign_off(&state.db, actor, year, version).await;
    after_action(&state, &ctx, year, result, Notice::SignedOff).await
}

pub async fn move_to(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let result = use_case::move_to(&state.db, actor, year, &form.get("to")).await;
    after_action(&state, &ctx, year, result, Notice::StageMoved).await
}

#[derive(Template)]
#[template(path = "assignment/changes.html")]
struct ChangesPage {
    page: Page,
    year: i64,
    /// The sections that changed, compared word by word.
    diffs: Vec<crate::routes::dialogue::report::SectionDiff>,
    /// The sections carried forward unchanged, by title.
    unchanged: Vec<String>,
}

pub async fn changes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(year): Path<String>,
) -> Result<Response, AppError> {
    let year = year_of(&year)?;
    let sections = use_case::against_last_year(&state.db, ctx.actor.as_ref(), year)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let title = crate::i18n::text(
        ctx.lang,
        "assignment-changes-title",
        &[("year", &year.to_string())],
    );
    let page = Page::new(&ctx, &title, "assignments");
    let (changed, same): (Vec<SectionDiff>, Vec<SectionDiff>) =
        sections.into_iter().partition(|s| s.changed);
    let diffs = changed
        .into_iter()
        .map(|s| crate::routes::dialogue::report::SectionDiff {
            label: part_label(&page, &s),
            pieces: s.pieces,
        })
        .collect();
    let unchanged = same.iter().map(|s| part_label(&page, s)).collect();
    Ok(render(&ChangesPage {
        page,
        year,
        diffs,
        unchanged,
    })?
    .into_response())
}

/// A requirement's form, new or saved, with what was typed and its errors.
#[derive(Template)]
#[template(path = "assignment/requirement.html")]
struct RequirementPage {
    page: Page,
    year: i64,
    section: String,
    section_title: String,
    /// `None` for a new requirement.
    id: Option<i64>,
    typed: RequirementInput,
    base: i64,
    errors: FormErrors,
}

impl RequirementPage {
    fn kinds(&self) -> &'static [&'static str] {
        &REQUIREMENT_KINDS
    }

    fn sectors(&self) -> &'static [&'static str] {
        &SECTORS
    }

    fn ticked(&self, sector: &str) -> bool {
        self.typed.sectors.iter().any(|s| s == sector)
    }

    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/assignments/{}/requirements/{id}", self.year),
            None => format!(
                "/assignments/{}/sections/{}/requirements",
                self.year, self.section
            ),
        }
    }
}

fn typed_requirement(form: &MultiForm) -> RequirementInput {
    RequirementInput {
        kind: form.get("kind"),
        title: form.get("title"),
        text: form.get("text"),
        deadline: form.get("deadline"),
        sectors: form.all("sectors"),
        crc_articles: form.get("crc_articles"),
    }
}

fn input_of(r: &Requirement) -> RequirementInput {
    RequirementInput {
        kind: r.kind.clone(),
        title: r.title.clone(),
        text: r.text.clone(),
        deadline: r.deadline.clone().unwrap_or_default(),
        sectors: r.sectors.clone(),
        crc_articles: r
            .crc_articles
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The form for a requirement of `section`, if the actor may write there now.
async fn requirement_page(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    section: &str,
    id: Option<i64>,
    typed: RequirementInput,
    errors: FormErrors,
) -> Result<RequirementPage, AppError> {
    let (opened, page) = writable_section(state, ctx, year, section).await?;
    Ok(RequirementPage {
        section_title: section_title(&page, section),
        page,
        year,
        section: section.to_owned(),
        id,
        typed,
        base: opened.assignment.version,
        errors,
    })
}

pub async fn new_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require_actor()?;
    let year = year_of(&year)?;
    let typed = RequirementInput {
        kind: "task".into(),
        ..RequirementInput::default()
    };
    let page =
        requirement_page(&state, &ctx, year, &key, None, typed, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// Answers a requirement form: back to its section on the assignment, or the form again
/// with every error and what was typed.
#[allow(clippy::too_many_arguments)]
async fn after_requirement(
    state: &AppState,
    ctx: &Ctx,
    year: i64,
    section: &str,
    id: Option<i64>,
    typed: RequirementInput,
    result: use_case::RequirementResult<Saved>,
) -> Result<Response, AppError> {
    let refused = match result {
        Ok(saved) => {
            let url = format!("/assignments/{year}");
            let notice = match saved {
                Saved::Version { voided, .. } if !voided.is_empty() => {
                    Notice::SectionSavedVoided.with(&url, &voided.len().to_string())
                }
                _ => Notice::SectionSaved.on(&url),
            };
            return Ok(Redirect::to(&format!("{notice}#section-{section}")).into_response());
        }
        Err(refused) => Refusal::of(ctx.lang, refused)?,
    };
    let page = requirement_page(state, ctx, year, section, id, typed, refused.errors).await?;
    Ok((refused.status, render(&page)?).into_response())
}

pub async fn add_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, key)): Path<(String, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let typed = typed_requirement(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::add_requirement(&state.db, actor, year, &key, &typed, base)
        .await
        .map(|(_, saved)| saved);
    after_requirement(&state, &ctx, year, &key, None, typed, result).await
}

pub async fn edit_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, id)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let r = use_case::requirement(&state.db, actor, year, id).await?;
    let page = requirement_page(
        &state,
        &ctx,
        year,
        &r.section,
        Some(id),
        input_of(&r),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, id)): Path<(String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let section = use_case::requirement(&state.db, actor, year, id)
        .await?
        .section;
    let typed = typed_requirement(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::save_requirement(&state.db, actor, year, id, &typed, base).await;
    after_requirement(&state, &ctx, year, &section, Some(id), typed, result).await
}

pub async fn remove_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((year, id)): Path<(String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let year = year_of(&year)?;
    let current = use_case::requirement(&state.db, actor, year, id).await?;
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::remove_requirement(&state.db, actor, year, id, base)
        .await
        .map_err(Err);
    after_requirement(
        &state,
        &ctx,
        year,
        &current.section,
        Some(id),
        input_of(&current),
        result,
    )
    .await
}
