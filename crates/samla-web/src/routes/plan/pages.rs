//! The county plans' pages. Everyone reads an embete's newest anchored plan; the embete's
//! own staff and leaders work on the current version, and its leaders anchor it
//! (`samla_app::plan`).

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
use samla_app::plan::{self as use_case, History, Opened};
use samla_db::StoreError;
use samla_db::plan::{PartDiff, Saved, Summary};
use samla_domain::ErrorCode;
use samla_domain::assignment::{Requirement, SECTORS};
use samla_domain::document::PieceChange;
use samla_domain::plan::{
    Contact, ContactInput, DEPARTMENTS, Indicator, IndicatorInput, Item, ItemInput,
    MEASURE_STATUSES, Member, MemberInput,
};
use samla_domain::regions::Embete;

/// The kinds of item as their path segment says them.
fn kind_of(segment: &str) -> Result<&'static str, AppError> {
    match segment {
        "ambitions" => Ok("ambition"),
        "goals" => Ok("goal"),
        "measures" => Ok("measure"),
        _ => Err(AppError::Code(ErrorCode::NotFound)),
    }
}

fn segment_of(kind: &str) -> &'static str {
    match kind {
        "ambition" => "ambitions",
        "goal" => "goals",
        _ => "measures",
    }
}

fn plan_title(ctx: &Ctx, name: &str) -> String {
    crate::i18n::text(ctx.lang, "plan-title", &[("embete", name)])
}

#[derive(Template)]
#[template(path = "plan/list.html")]
struct ListPage {
    page: Page,
    embeter: Vec<Embete>,
    plans: Vec<Summary>,
    /// The reader's own embete, if they work in one.
    own: Option<String>,
}

impl ListPage {
    fn plan(&self, code: &str) -> Option<&Summary> {
        self.plans.iter().find(|p| p.embete == code)
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let title = ctx.t("plans-title");
    let own = ctx
        .actor
        .as_ref()
        .and_then(|a| samla_domain::access::own_embete(a).map(str::to_owned));
    let page = ListPage {
        page: Page::new(&ctx, &title, "plans"),
        embeter: embeter_today(&state).await?,
        plans: use_case::list(&state.db).await?,
        own,
    };
    Ok(render(&page)?.into_response())
}

/// Starts the embete's plan; the page for an embete without one offers it to its staff.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    match use_case::create(&state.db, actor, &embete).await {
        Ok(())
        | Err(StoreError::Domain(samla_domain::DomainError {
            code: ErrorCode::DuplicateName,
            ..
        })) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&Notice::PlanCreated.on(&format!("/plans/{embete}"))).into_response())
}

#[derive(Template)]
#[template(path = "plan/plan.html")]
struct PlanPage {
    page: Page,
    /// `None` when the embete has not started its plan (shown to its own people only).
    opened: Option<Opened>,
    embete: String,
    /// The embete's name, which issues the plan's PDF.
    name: String,
    notice: Option<String>,
    errors: FormErrors,
}

impl PlanPage {
    fn department(&self, code: &str) -> String {
        self.page.t(&format!("plan-department-{code}"))
    }

    fn status(&self, status: &str) -> String {
        self.page.t(&format!("plan-status-{status}"))
    }

    fn status_color(&self, status: &str) -> &'static str {
        match status {
            "done" => "success",
            "in_progress" => "info",
            "stopped" => "danger",
            _ => "neutral",
        }
    }

    fn internal_in(&self, department: &str) -> Vec<&Member> {
        self.opened
            .as_ref()
            .map(|o| {
                o.plan
                    .group
                    .internal
                    .iter()
                    .filter(|m| m.department == department)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn departments(&self) -> &'static [&'static str] {
        &DEPARTMENTS
    }

    /// A requirement area's name (the assignment's sector).
    fn area(&self, area: &str) -> String {
        self.page.t(&format!("assignment-sector-{area}"))
    }

    fn numbers(&self, list: &[u32]) -> String {
        list.iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn figure(&self, n: &Option<f64>) -> String {
        n.map(|n| crate::i18n::format_decimal(self.page.lang, n))
            .unwrap_or_else(|| "–".into())
    }

    fn values(&self, indicator: &Indicator) -> String {
        indicator
            .values
            .iter()
            .map(|v| {
                format!(
                    "{}: {}",
                    v.year,
                    crate::i18n::format_decimal(self.page.lang, v.value)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The plan as a PDF: anchoring, summary, groups, then ambitions, goals and measures.
    fn pdf(&self) -> Result<samla_pdf::Document, AppError> {
        let p = &self.page;
        let o = self
            .opened
            .as_ref()
            .ok_or(AppError::Code(ErrorCode::NotFound))?;
        let plan = &o.plan;
        let date = plan
            .anchored
            .as_ref()
            .and_then(|a| pdf::day_of(a.anchored_at));
        let mut doc = pdf::document(p.lang, &p.title, &self.name, date);
        let anchoring = match &plan.anchored {
            Some(a) => format!(
                "{} {}.",
                p.t1("plans-anchored-on", "version", &a.version.to_string()),
                p.timestamp(a.anchored_at)
            ),
            None => p.t("plans-not-anchored"),
        };
        doc.text(&anchoring);
        doc.heading(1, p.t("plan-summary")).text(&plan.summary);
        doc.heading(1, p.t("plan-groups"));
        let named = |m: &Member| match m.title.as_str() {
            "" => m.name.clone(),
            title => format!("{} ({title})", m.name),
        };
        let internal = DEPARTMENTS
            .iter()
            .map(|d| {
                let names: Vec<String> = self.internal_in(d).into_iter().map(named).collect();
                (self.department(d), names.join(", "))
            })
            .collect();
        doc.heading(2, p.t("plan-internal-group"))
            .facts(internal)
            .heading(2, p.t("plan-reference-group"))
            .list(plan.group.reference.iter().map(named).collect());
        if !plan.group.contacts.is_empty() {
            let contacts = plan
                .group
                .contacts
                .iter()
                .map(|c| (self.area(&c.area), format!("{} <{}>", c.name, c.email)))
                .collect();
            doc.heading(2, p.t("plan-contacts")).facts(contacts);
        }
        doc.heading(1, p.t("plan-ambitions"));
        for ambition in plan.of_kind("ambition") {
            doc.heading(
                2,
                format!("{}: {}", p.t("plan-kind-ambition"), ambition.title),
            )
            .text(&ambition.text);
            for goal in plan.children(ambition.id) {
                doc.heading(3, format!("{}: {}", p.t("plan-kind-goal"), goal.title))
                    .text(&goal.text);
                for m in plan.children(goal.id) {
                    let Some(d) = &m.measure else { continue };
                    let requirements: Vec<String> = d
                        .requirements
                        .iter()
                        .map(|id| match self.requirement(*id) {
                            Some((_, r)) => r.title.clone(),
                            None => p.t("plan-requirement-unpublished"),
                        })
                        .collect();
                    let articles = match d.crc_articles.as_slice() {
                        [] => String::new(),
                        list => p.t1("assignment-articles", "list", &self.numbers(list)),
                    };
                    doc.heading(4, format!("{}: {}", p.t("plan-kind-measure"), m.title))
                        .facts(vec![
                            (p.t("plan-field-status"), self.status(&d.status)),
                            (p.t("plan-field-owner"), d.owner.clone()),
                            (
                                p.t("plan-field-deadline"),
                                d.deadline.as_deref().map(|x| p.date(x)).unwrap_or_default(),
                            ),
                            (p.t("plan-field-requirements"), requirements.join("\n")),
                            (p.t("assignment-crc"), articles),
                            (p.t("plan-field-steps"), self.numbers(&d.steps)),
                        ])
                        .text(&m.text);
                    if !d.indicators.is_empty() {
                        let rows = d
                            .indicators
                            .iter()
                            .map(|i| {
                                vec![
                                    i.name.clone(),
                                    self.figure(&i.baseline),
                                    self.figure(&i.target),
                                    self.values(i),
                                ]
                            })
                            .collect();
                        doc.table(
                            p.t1("plan-indicators-of", "title", &m.title),
                            vec![
                                p.t("plan-indicator-name"),
                                p.t("plan-indicator-baseline"),
                                p.t("plan-indicator-target"),
                                p.t("plan-indicator-values"),
                            ],
                            rows,
                        );
                    }
                }
            }
        }
        Ok(doc)
    }

    /// Where a requirement a measure serves is read: its newest published year.
    fn requirement(&self, id: i64) -> Option<(i64, &Requirement)> {
        self.opened.as_ref().and_then(|o| {
            o.requirements
                .iter()
                .find(|(_, r)| r.id == id)
                .map(|(y, r)| (*y, r))
        })
    }
}

async fn plan_page(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    notice: Option<String>,
    errors: FormErrors,
) -> Result<PlanPage, AppError> {
    let name = embete_name(state, embete).await?;
    let opened = match use_case::open(&state.db, ctx.actor.as_ref(), embete).await {
        Ok(o) => Some(o),
        // The embete's own people are offered to start it; everyone else finds nothing.
        Err(StoreError::Domain(e))
            if e.code == ErrorCode::NotFound
                && ctx
                    .actor
                    .as_ref()
                    .is_some_and(|a| samla_domain::access::embete_work(a, embete).is_ok()) =>
        {
            None
        }
        Err(e) => return Err(e.into()),
    };
    Ok(PlanPage {
        page: Page::new(ctx, &plan_title(ctx, &name), "plans"),
        opened,
        embete: embete.to_owned(),
        name,
        notice,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
    Query(flash): Query<Flash>,
) -> Result<Response, AppError> {
    let notice = flash.text(
        &ctx,
        &[
            Notice::PlanCreated,
            Notice::PlanSaved,
            Notice::PlanSavedAfterAnchoring,
            Notice::PlanAnchored,
        ],
    );
    let page = plan_page(&state, &ctx, &embete, notice, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

/// The plan as a PDF: the anchored version for everyone, the working one for its embete.
pub async fn pdf_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
) -> Result<Response, AppError> {
    let page = plan_page(&state, &ctx, &embete, None, FormErrors::default()).await?;
    pdf::file(page.pdf()?, &format!("samla-plan-{embete}.pdf")).await
}

/// Where a save lands: the plan, at the part that was saved, with what the save did.
fn saved_url(embete: &str, saved: &Saved, anchor: &str) -> String {
    let url = format!("/plans/{embete}");
    let notice = match saved {
        Saved::Version {
            after_anchoring: true,
            ..
        } => Notice::PlanSavedAfterAnchoring,
        _ => Notice::PlanSaved,
    };
    format!("{}#{anchor}", notice.on(&url))
}

pub async fn anchor(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let version = form.get("version").parse::<i64>().unwrap_or(0);
    match use_case::anchor(&state.db, actor, &embete, version).await {
        Ok(_) => {
            Ok(Redirect::to(&Notice::PlanAnchored.on(&format!("/plans/{embete}"))).into_response())
        }
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = plan_page(&state, &ctx, &embete, None, refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// The plan's own text.
#[derive(Template)]
#[template(path = "plan/summary.html")]
struct SummaryPage {
    page: Page,
    embete: String,
    name: String,
    text: String,
    base: i64,
    errors: FormErrors,
}

async fn writable(state: &AppState, ctx: &Ctx, embete: &str) -> Result<Opened, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), embete).await?;
    if !opened.writable {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    Ok(opened)
}

async fn summary_page(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    typed: Option<String>,
    errors: FormErrors,
) -> Result<SummaryPage, AppError> {
    let opened = writable(state, ctx, embete).await?;
    let name = embete_name(state, embete).await?;
    Ok(SummaryPage {
        page: Page::new(ctx, &plan_title(ctx, &name), "plans"),
        embete: embete.to_owned(),
        name,
        text: typed.unwrap_or(opened.plan.summary),
        base: opened.plan.version,
        errors,
    })
}

pub async fn edit_summary(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
) -> Result<Response, AppError> {
    ctx.require_actor()?;
    let page = summary_page(&state, &ctx, &embete, None, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_summary(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let text = form.get("text");
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    match use_case::save_summary(&state.db, actor, &embete, &text, base).await {
        Ok(saved) => Ok(Redirect::to(&saved_url(&embete, &saved, "summary")).into_response()),
        Err(e) => {
            let refused = Refusal::of_store(ctx.lang, e)?;
            let page = summary_page(&state, &ctx, &embete, Some(text), refused.errors).await?;
            Ok((refused.status, render(&page)?).into_response())
        }
    }
}

/// The internal 0–24 group and the reference group, with room for more rows.
#[derive(Template)]
#[template(path = "plan/group.html")]
struct GroupPage {
    page: Page,
    embete: String,
    internal: Vec<MemberInput>,
    reference: Vec<MemberInput>,
    /// One row per requirement area, in the assignment's order.
    contacts: Vec<ContactInput>,
    base: i64,
    errors: FormErrors,
}

impl GroupPage {
    fn departments(&self) -> &'static [&'static str] {
        &DEPARTMENTS
    }
}

/// Blank rows a group form offers beyond the members it has.
const BLANK_ROWS: usize = 3;

fn with_blanks(mut rows: Vec<MemberInput>) -> Vec<MemberInput> {
    rows.retain(|r| *r != MemberInput::default());
    rows.extend(std::iter::repeat_n(MemberInput::default(), BLANK_ROWS));
    rows
}

fn member_inputs(members: &[Member]) -> Vec<MemberInput> {
    members
        .iter()
        .map(|m| MemberInput {
            name: m.name.clone(),
            title: m.title.clone(),
            department: m.department.clone(),
        })
        .collect()
}

/// One contact row per requirement area, filled from what is saved or was typed.
fn contact_rows(have: &[ContactInput]) -> Vec<ContactInput> {
    SECTORS
        .iter()
        .map(|area| {
            have.iter()
                .find(|c| c.area == *area)
                .cloned()
                .unwrap_or_else(|| ContactInput {
                    area: (*area).to_owned(),
                    ..Default::default()
                })
        })
        .collect()
}

fn contact_inputs(contacts: &[Contact]) -> Vec<ContactInput> {
    contacts
        .iter()
        .map(|c| ContactInput {
            area: c.area.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
        })
        .collect()
}

/// Contact rows posted as repeated `contact_area`, `contact_name`, `contact_email`.
fn posted_contacts(form: &MultiForm) -> Vec<ContactInput> {
    let areas = form.all("contact_area");
    let names = form.all("contact_name");
    let emails = form.all("contact_email");
    areas
        .iter()
        .enumerate()
        .map(|(i, area)| ContactInput {
            area: area.clone(),
            name: names.get(i).cloned().unwrap_or_default(),
            email: emails.get(i).cloned().unwrap_or_default(),
        })
        .collect()
}

/// Rows posted as repeated fields `<prefix>_name`, `<prefix>_title` (and `_department`).
fn posted_members(form: &MultiForm, prefix: &str) -> Vec<MemberInput> {
    let names = form.all(&format!("{prefix}_name"));
    let titles = form.all(&format!("{prefix}_title"));
    let departments = form.all(&format!("{prefix}_department"));
    (0..names.len().max(titles.len()))
        .map(|i| MemberInput {
            name: names.get(i).cloned().unwrap_or_default(),
            title: titles.get(i).cloned().unwrap_or_default(),
            department: departments.get(i).cloned().unwrap_or_default(),
        })
        .collect()
}

/// A group form as typed: internal members, reference members, contact points.
type Typed = (Vec<MemberInput>, Vec<MemberInput>, Vec<ContactInput>);

async fn group_page(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    typed: Option<Typed>,
    errors: FormErrors,
) -> Result<GroupPage, AppError> {
    let opened = writable(state, ctx, embete).await?;
    let name = embete_name(state, embete).await?;
    let (internal, reference, contacts) = typed.unwrap_or_else(|| {
        (
            member_inputs(&opened.plan.group.internal),
            member_inputs(&opened.plan.group.reference),
            contact_inputs(&opened.plan.group.contacts),
        )
    });
    Ok(GroupPage {
        page: Page::new(ctx, &plan_title(ctx, &name), "plans"),
        embete: embete.to_owned(),
        internal: with_blanks(internal),
        reference: with_blanks(reference),
        contacts: contact_rows(&contacts),
        base: opened.plan.version,
        errors,
    })
}

pub async fn edit_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
) -> Result<Response, AppError> {
    ctx.require_actor()?;
    let page = group_page(&state, &ctx, &embete, None, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let internal = posted_members(&form, "member");
    let reference = posted_members(&form, "reference");
    let contacts = posted_contacts(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let saved = use_case::save_group(
        &state.db, actor, &embete, &internal, &reference, &contacts, base,
    )
    .await;
    let refused = match saved {
        Ok(saved) => {
            return Ok(Redirect::to(&saved_url(&embete, &saved, "group")).into_response());
        }
        Err(refused) => Refusal::of(ctx.lang, refused)?,
    };
    let typed = Some((internal, reference, contacts));
    let page = group_page(&state, &ctx, &embete, typed, refused.errors).await?;
    Ok((refused.status, render(&page)?).into_response())
}

/// An ambition's, goal's or measure's form, new or saved.
#[derive(Template)]
#[template(path = "plan/item.html")]
struct ItemPage {
    page: Page,
    embete: String,
    kind: &'static str,
    /// `None` for a new item.
    id: Option<i64>,
    typed: ItemInput,
    /// What the item may sit under: (id, title).
    parents: Vec<(i64, String)>,
    requirements: Vec<(i64, Requirement)>,
    base: i64,
    errors: FormErrors,
}

impl ItemPage {
    fn action(&self) -> String {
        let segment = segment_of(self.kind);
        match self.id {
            Some(id) => format!("/plans/{}/{segment}/{id}", self.embete),
            None => format!("/plans/{}/{segment}", self.embete),
        }
    }

    fn heading(&self) -> String {
        let verb = if self.id.is_some() { "edit" } else { "new" };
        self.page.t(&format!("plan-{}-{verb}", self.kind))
    }

    fn statuses(&self) -> &'static [&'static str] {
        &MEASURE_STATUSES
    }

    fn chosen(&self, id: &i64) -> bool {
        self.typed
            .requirements
            .iter()
            .any(|r| r.trim() == id.to_string())
    }

    fn indicator_rows(&self) -> Vec<IndicatorInput> {
        let mut rows: Vec<IndicatorInput> = self
            .typed
            .indicators
            .iter()
            .filter(|i| **i != IndicatorInput::default())
            .cloned()
            .collect();
        rows.extend(std::iter::repeat_n(IndicatorInput::default(), 2));
        rows
    }
}

fn typed_item(form: &MultiForm) -> ItemInput {
    let names = form.all("indicator_name");
    let baselines = form.all("indicator_baseline");
    let targets = form.all("indicator_target");
    let values = form.all("indicator_values");
    let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
    ItemInput {
        parent: form.get("parent"),
        title: form.get("title"),
        text: form.get("text"),
        owner: form.get("owner"),
        deadline: form.get("deadline"),
        status: form.get("status"),
        requirements: form.all("requirements"),
        crc_articles: form.get("crc_articles"),
        steps: form.get("steps"),
        indicators: (0..names.len())
            .map(|i| IndicatorInput {
                name: at(&names, i),
                baseline: at(&baselines, i),
                target: at(&targets, i),
                values: at(&values, i),
            })
            .collect(),
    }
}

fn input_of(item: &Item) -> ItemInput {
    let numbers = |n: &[u32]| n.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let decimal = |n: Option<f64>| {
        n.map(|n| n.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    let mut input = ItemInput {
        parent: item.parent.map(|p| p.to_string()).unwrap_or_default(),
        title: item.title.clone(),
        text: item.text.clone(),
        ..ItemInput::default()
    };
    if let Some(m) = &item.measure {
        input.owner = m.owner.clone();
        input.deadline = m.deadline.clone().unwrap_or_default();
        input.status = m.status.clone();
        input.requirements = m.requirements.iter().map(i64::to_string).collect();
        input.crc_articles = numbers(&m.crc_articles);
        input.steps = numbers(&m.steps);
        input.indicators = m
            .indicators
            .iter()
            .map(|i| IndicatorInput {
                name: i.name.clone(),
                baseline: decimal(i.baseline),
                target: decimal(i.target),
                values: i
                    .values
                    .iter()
                    .map(|v| format!("{}: {}", v.year, decimal(Some(v.value))))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect();
    }
    input
}

#[allow(clippy::too_many_arguments)]
async fn item_page(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    kind: &'static str,
    id: Option<i64>,
    typed: ItemInput,
    errors: FormErrors,
) -> Result<ItemPage, AppError> {
    let opened = writable(state, ctx, embete).await?;
    let name = embete_name(state, embete).await?;
    let parents = match samla_domain::plan::parent_kind(kind) {
        Some(parent) => opened
            .plan
            .of_kind(parent)
            .map(|i| (i.id, i.title.clone()))
            .collect(),
        None => Vec::new(),
    };
    Ok(ItemPage {
        page: Page::new(ctx, &plan_title(ctx, &name), "plans"),
        embete: embete.to_owned(),
        kind,
        id,
        typed,
        parents,
        requirements: opened.requirements,
        base: opened.plan.version,
        errors,
    })
}

#[derive(serde::Deserialize)]
pub struct NewItem {
    #[serde(default)]
    parent: String,
}

pub async fn new_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, segment)): Path<(String, String)>,
    Query(query): Query<NewItem>,
) -> Result<Response, AppError> {
    ctx.require_actor()?;
    let kind = kind_of(&segment)?;
    let typed = ItemInput {
        parent: query.parent,
        status: "planned".into(),
        ..ItemInput::default()
    };
    let page = item_page(
        &state,
        &ctx,
        &embete,
        kind,
        None,
        typed,
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// Answers an item form: back to the plan at the item, or the form again with every
/// error and what was typed.
#[allow(clippy::too_many_arguments)]
async fn after_item(
    state: &AppState,
    ctx: &Ctx,
    embete: &str,
    kind: &'static str,
    id: Option<i64>,
    typed: ItemInput,
    result: use_case::FormResult<(i64, Saved)>,
) -> Result<Response, AppError> {
    let refused = match result {
        Ok((id, saved)) => {
            let anchor = format!("{kind}-{id}");
            return Ok(Redirect::to(&saved_url(embete, &saved, &anchor)).into_response());
        }
        Err(refused) => Refusal::of(ctx.lang, refused)?,
    };
    let page = item_page(state, ctx, embete, kind, id, typed, refused.errors).await?;
    Ok((refused.status, render(&page)?).into_response())
}

pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, segment)): Path<(String, String)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let kind = kind_of(&segment)?;
    let typed = typed_item(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::add_item(&state.db, actor, &embete, kind, &typed, base)
        .await
        .map(|(item, saved)| (item.id, saved));
    after_item(&state, &ctx, &embete, kind, None, typed, result).await
}

pub async fn edit_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, segment, id)): Path<(String, String, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let kind = kind_of(&segment)?;
    let item = use_case::item(&state.db, actor, &embete, kind, id).await?;
    let page = item_page(
        &state,
        &ctx,
        &embete,
        kind,
        Some(id),
        input_of(&item),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn save_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, segment, id)): Path<(String, String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let kind = kind_of(&segment)?;
    let typed = typed_item(&form);
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::save_item(&state.db, actor, &embete, kind, id, &typed, base)
        .await
        .map(|saved| (id, saved));
    after_item(&state, &ctx, &embete, kind, Some(id), typed, result).await
}

pub async fn remove_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((embete, segment, id)): Path<(String, String, i64)>,
    form: MultiForm,
) -> Result<Response, AppError> {
    let actor = ctx.require_actor()?;
    let kind = kind_of(&segment)?;
    let current = use_case::item(&state.db, actor, &embete, kind, id).await?;
    let base = form.get("base").parse::<i64>().unwrap_or(0);
    let result = use_case::remove_item(&state.db, actor, &embete, kind, id, base).await;
    match result {
        Ok(saved) => {
            let anchor = match current.parent {
                Some(p) => format!(
                    "{}-{p}",
                    samla_domain::plan::parent_kind(kind).unwrap_or("")
                ),
                None => "ambitions".into(),
            };
            Ok(Redirect::to(&saved_url(&embete, &saved, &anchor)).into_response())
        }
        Err(e) => {
            let typed = input_of(&current);
            after_item(&state, &ctx, &embete, kind, Some(id), typed, Err(Err(e))).await
        }
    }
}

/// The plan's versions and anchorings, and two of them compared.
#[derive(Template)]
#[template(path = "plan/history.html")]
struct HistoryPage {
    page: Page,
    embete: String,
    name: String,
    history: History,
    from: Option<i64>,
    to: Option<i64>,
    diffs: Vec<crate::routes::dialogue::report::SectionDiff>,
    unchanged: Vec<String>,
}

impl HistoryPage {
    fn is_anchored(&self, version: &i64) -> bool {
        self.history
            .anchorings
            .iter()
            .any(|a| a.version == *version)
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Compare {
    from: Option<String>,
    to: Option<String>,
}

fn part_label(page: &Page, part: &PartDiff) -> String {
    match (&part.kind, &part.title) {
        (Some(kind), Some(title)) => page.t1(&format!("plan-part-{kind}"), "title", title),
        _ => page.t(&format!("plan-part-{}", part.key)),
    }
}

pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
    Query(query): Query<Compare>,
) -> Result<Response, AppError> {
    let name = embete_name(&state, &embete).await?;
    let history = use_case::history(&state.db, ctx.actor.as_ref(), &embete).await?;
    let number = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
    // Without a choice, the page compares what matters most: the newest anchoring against
    // the current version inside the embete, the last two anchorings outside it.
    let default = match history.versions.first().map(|v| v.version) {
        Some(current) => {
            let from = history
                .anchorings
                .first()
                .map(|a| a.version)
                .filter(|v| *v < current)
                .unwrap_or((current - 1).max(1));
            (from < current).then_some((from, current))
        }
        None => history
            .anchorings
            .get(1)
            .zip(history.anchorings.first())
            .map(|(older, newer)| (older.version, newer.version)),
    };
    let (from, to) = match (number(&query.from), number(&query.to)) {
        (Some(f), Some(t)) => (Some(f), Some(t)),
        _ => default.unzip(),
    };
    let page = Page::new(&ctx, &plan_title(&ctx, &name), "plans");
    let (mut diffs, mut unchanged) = (Vec::new(), Vec::new());
    if let (Some(f), Some(t)) = (from, to) {
        let parts = use_case::compare(&state.db, ctx.actor.as_ref(), &embete, f, t).await?;
        for part in parts {
            if part.changed {
                diffs.push(crate::routes::dialogue::report::SectionDiff {
                    label: part_label(&page, &part),
                    pieces: part.pieces,
                });
            } else {
                unchanged.push(part_label(&page, &part));
            }
        }
    }
    Ok(render(&HistoryPage {
        page,
        embete,
        name,
        history,
        from,
        to,
        diffs,
        unchanged,
    })?
    .into_response())
}
