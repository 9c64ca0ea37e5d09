//! Regions through time: the embeter, an embete's area at a date, and a
//! municipality's history. Public pages; every name is the one valid at the date.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::forms::FormErrors;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use samla_db::regions;
use samla_domain::ErrorCode;
use samla_domain::dates::{iso, parse_region_date, today};
use samla_domain::regions::{
    County, District, Embete, HistoryEntry, Municipality, MunicipalityChange,
    parse_municipality_number,
};
use serde::Deserialize;
use time::Date;

#[derive(Deserialize, Default)]
pub struct DateQuery {
    date: Option<String>,
}

/// The date asked for (today if none), or the form error and what was typed.
pub fn date_from(q: &DateQuery, ctx: &Ctx) -> Result<Date, (String, FormErrors)> {
    match q.date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today()),
        Some(s) => parse_region_date(s, "date")
            .map_err(|e| (s.to_owned(), FormErrors::from_domain(ctx.lang, &[e]))),
    }
}

/// One embete's line in the overview.
pub struct EmbeteRow {
    pub embete: Embete,
    pub municipalities: usize,
    pub districts: usize,
}

#[derive(Template)]
#[template(path = "regions/index.html")]
struct IndexPage {
    page: Page,
    date_input: String,
    date: String,
    errors: FormErrors,
    rows: Vec<EmbeteRow>,
    total: usize,
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DateQuery>,
) -> Result<Response, AppError> {
    let title = ctx.t("regions-title");
    let page = Page::new(&ctx, &title, "regions");
    let date = match date_from(&q, &ctx) {
        Ok(d) => d,
        Err((typed, errors)) => {
            let html = render(&IndexPage {
                page,
                date_input: typed,
                date: String::new(),
                errors,
                rows: vec![],
                total: 0,
            })?;
            return Ok((StatusCode::BAD_REQUEST, html).into_response());
        }
    };
    let embeter = regions::embeter_on(&state.db, date).await?;
    let municipalities = regions::municipalities_on(&state.db, date, None).await?;
    let districts = regions::districts_on(&state.db, date).await?;
    let rows: Vec<EmbeteRow> = embeter
        .into_iter()
        .map(|e| EmbeteRow {
            municipalities: municipalities.iter().filter(|m| m.embete == e.code).count(),
            districts: districts.iter().filter(|d| d.embete == e.code).count(),
            embete: e,
        })
        .collect();
    let total = municipalities.len();
    Ok(render(&IndexPage {
        page,
        date_input: iso(date),
        date: iso(date),
        errors: FormErrors::default(),
        rows,
        total,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "regions/embete.html")]
struct EmbetePage {
    page: Page,
    code: String,
    date_input: String,
    date: String,
    errors: FormErrors,
    name: String,
    names: Vec<Embete>,
    counties: Vec<County>,
    municipalities: Vec<Municipality>,
    districts: Vec<District>,
}

impl EmbetePage {
    fn county_name(&self, number: &str) -> String {
        self.counties
            .iter()
            .find(|c| c.number == number)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }
}

pub async fn embete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<DateQuery>,
) -> Result<Response, AppError> {
    let names = regions::embete_names(&state.db, &code).await?;
    if names.is_empty() {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let (date, date_input, errors) = match date_from(&q, &ctx) {
        Ok(d) => (Some(d), iso(d), FormErrors::default()),
        Err((typed, errors)) => (None, typed, errors),
    };
    let shown = date.unwrap_or_else(today);
    let name = names
        .iter()
        .find(|n| samla_domain::regions::valid_on(&n.valid_from, n.valid_to.as_deref(), shown))
        .or(names.last())
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let mut page = EmbetePage {
        page: Page::new(&ctx, &name, "regions"),
        code: code.clone(),
        date_input,
        date: date.map(iso).unwrap_or_default(),
        errors,
        name,
        names,
        counties: vec![],
        municipalities: vec![],
        districts: vec![],
    };
    let Some(date) = date else {
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    };
    page.counties = regions::counties_on(&state.db, date, Some(&code)).await?;
    page.municipalities = regions::municipalities_on(&state.db, date, Some(&code)).await?;
    page.districts = regions::districts_on(&state.db, date)
        .await?
        .into_iter()
        .filter(|d| d.embete == code)
        .collect();
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "regions/municipality.html")]
struct MunicipalityPage {
    page: Page,
    names: RegionNames,
    current: Municipality,
    history: Vec<HistoryEntry>,
    changes: Vec<MunicipalityChange>,
}

/// Looks up the embete and county names valid at a date.
pub struct RegionNames {
    embeter: Vec<Embete>,
    counties: Vec<County>,
}

impl RegionNames {
    pub async fn load(db: &samla_db::Db) -> Result<RegionNames, AppError> {
        let (embeter, counties) = regions::name_tables(db).await?;
        Ok(RegionNames { embeter, counties })
    }

    fn on(valid_from: &str, valid_to: &Option<String>, date: &str) -> bool {
        valid_from <= date && valid_to.as_deref().is_none_or(|t| t >= date)
    }

    /// The embete's name on `date` (its code if unknown).
    pub fn embete(&self, code: &str, date: &str) -> String {
        self.embeter
            .iter()
            .find(|e| e.code == code && Self::on(&e.valid_from, &e.valid_to, date))
            .map(|e| e.name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    /// The county's name on `date` (its number if unknown).
    pub fn county(&self, number: &str, date: &str) -> String {
        self.counties
            .iter()
            .find(|c| c.number == number && Self::on(&c.valid_from, &c.valid_to, date))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| number.to_owned())
    }
}

impl MunicipalityPage {
    fn relation(&self, entry: &HistoryEntry) -> String {
        let key = match entry.relation {
            samla_domain::regions::Relation::Predecessor => "history-predecessor",
            samla_domain::regions::Relation::Itself => "history-itself",
            samla_domain::regions::Relation::Successor => "history-successor",
        };
        self.page.t(key)
    }

    fn change_kind(&self, change: &MunicipalityChange) -> String {
        self.page.t(&format!("change-{}", change.kind.as_str()))
    }

    fn name_of(&self, number: &str, date_key: &str, before: bool) -> String {
        // The version of `number` valid just before (predecessor) or on (successor) the change date.
        self.history
            .iter()
            .map(|h| &h.municipality)
            .filter(|m| m.number == number)
            .find(|m| {
                if before {
                    m.valid_to.as_deref().is_some_and(|t| t < date_key)
                } else {
                    m.valid_from.as_str() <= date_key
                }
            })
            .map(|m| m.name.clone())
            .unwrap_or_default()
    }

    fn predecessor_name(&self, change: &MunicipalityChange) -> String {
        self.name_of(&change.predecessor, &change.date, true)
    }

    fn successor_name(&self, change: &MunicipalityChange) -> String {
        self.name_of(&change.successor, &change.date, false)
    }
}

pub async fn municipality(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let number =
        parse_municipality_number(&number).map_err(|_| AppError::Code(ErrorCode::NotFound))?;
    let history = regions::history(&state.db, &number)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let current = history
        .iter()
        .filter(|h| h.relation == samla_domain::regions::Relation::Itself)
        .map(|h| h.municipality.clone())
        .next_back()
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    let mut changes = regions::all_changes(&state.db).await?;
    changes.retain(|c: &MunicipalityChange| {
        history
            .iter()
            .any(|h| h.municipality.number == c.predecessor)
            && history.iter().any(|h| h.municipality.number == c.successor)
    });
    changes.sort_by(|a, b| {
        (&a.date, &a.predecessor, &a.successor).cmp(&(&b.date, &b.predecessor, &b.successor))
    });
    let title = format!("{} ({})", current.name, current.number);
    let names = RegionNames::load(&state.db).await?;
    render(&MunicipalityPage {
        page: Page::new(&ctx, &title, "regions"),
        names,
        current,
        history,
        changes,
    })
    .map(IntoResponse::into_response)
}
