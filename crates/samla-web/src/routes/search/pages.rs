//! The search page (a form that works without JavaScript, and its answer) and the same
//! answer as JSON.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use samla_app::search::{self as use_case, Found, Question};
use samla_db::regions;
use samla_db::tags::{self, Tag};
use samla_domain::regions::Embete;
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

/// What is asked, as typed in the form (where every field may be empty).
#[derive(Deserialize, Default, Clone)]
pub struct SearchQuery {
    #[serde(default)]
    crc_article: String,
    #[serde(default)]
    embete: String,
    #[serde(default)]
    year: String,
}

/// What is asked through the API: the article is required.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiQuery {
    /// The article of the Convention on the Rights of the Child (1–54; 400
    /// invalid_crc_article otherwise).
    #[param(minimum = 1, maximum = 54)]
    crc_article: u32,
    /// An embete's code: only its plans and reports. Empty or left out: every embete.
    #[serde(default)]
    #[param(schema_with = crate::routes::api::embete_filter)]
    embete: String,
    /// The year (2000–2100): the year's assignment and the reports published in it. Empty
    /// or left out: this year.
    #[serde(default)]
    #[param(schema_with = year_filter)]
    year: String,
}

impl From<ApiQuery> for SearchQuery {
    fn from(q: ApiQuery) -> SearchQuery {
        SearchQuery {
            crc_article: q.crc_article.to_string(),
            embete: q.embete,
            year: q.year,
        }
    }
}

fn year_filter() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    samla_domain::schema::or_empty(samla_domain::schema::integer(2000, 2100))
}

/// The question the query asks, or every field that is wrong.
async fn question(state: &AppState, q: &SearchQuery) -> Result<Question, Vec<DomainError>> {
    let mut errors = Vec::new();
    let crc_article = match q.crc_article.trim() {
        "" => {
            errors.push(DomainError::field(ErrorCode::Required, "crc_article"));
            0
        }
        s => match s.parse::<u32>().ok().filter(|n| (1..=54).contains(n)) {
            Some(n) => n,
            None => {
                errors.push(DomainError::field(
                    ErrorCode::InvalidCrcArticle,
                    "crc_article",
                ));
                0
            }
        },
    };
    let embete = match q.embete.trim() {
        "" => None,
        code => match regions::embete_exists(&state.db, code).await {
            Ok(true) => Some(code.to_owned()),
            _ => {
                errors.push(DomainError::field(ErrorCode::UnknownEmbete, "embete"));
                None
            }
        },
    };
    let this_year = samla_domain::dates::today().year() as i64;
    let year = match q.year.trim() {
        "" => this_year,
        s => match s.parse::<i64>().ok().filter(|y| (2000..=2100).contains(y)) {
            Some(y) => y,
            None => {
                errors.push(DomainError::field(ErrorCode::InvalidInput, "year"));
                this_year
            }
        },
    };
    if errors.is_empty() {
        Ok(Question {
            crc_article,
            embete,
            year,
        })
    } else {
        Err(errors)
    }
}

async fn find(state: &AppState, q: &Question) -> Result<Found, AppError> {
    let embeter: Vec<String> = regions::embeter_on(&state.db, samla_domain::dates::today())
        .await?
        .into_iter()
        .map(|e| e.code)
        .collect();
    Ok(use_case::crc(&state.db, q, &embeter).await?)
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchPage {
    page: Page,
    q: SearchQuery,
    embeter: Vec<Embete>,
    articles: Vec<Tag>,
    found: Option<Found>,
    errors: crate::forms::FormErrors,
}

impl SearchPage {
    fn embete_name(&self, code: &str) -> String {
        self.embeter
            .iter()
            .find(|e| e.code == code)
            .map_or_else(|| code.to_owned(), |e| e.name.clone())
    }

    fn article_label(&self, tag: &Tag) -> String {
        format!("{} – {}", tag.number, tag.name(self.page.lang.code()))
    }

    fn chosen(&self, tag: &Tag) -> bool {
        self.q.crc_article.trim() == tag.number.to_string()
    }

    /// The answer's heading: the article by number and name, where, and the year.
    fn answer_heading(&self, found: &Found) -> String {
        let article = self
            .articles
            .iter()
            .find(|a| a.number == i64::from(found.crc_article))
            .map_or_else(|| found.crc_article.to_string(), |a| self.article_label(a));
        let place = match &found.embete {
            Some(code) => self.embete_name(code),
            None => self.page.t("coverage-whole-country"),
        };
        self.page.t2(
            "search-answer",
            "article",
            &article,
            "place",
            &format!("{place}, {}", found.year),
        )
    }

    fn status(&self, status: &str) -> String {
        self.page.t(&format!("plan-status-{status}"))
    }
}

/// The search page: the form, and once an article is chosen, what was found.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let asked = !q.crc_article.trim().is_empty() || !q.year.trim().is_empty();
    let (found, errors, status) = if asked {
        match question(&state, &q).await {
            Ok(question) => (Some(find(&state, &question).await?), Vec::new(), 200),
            Err(errors) => (None, errors, 400),
        }
    } else {
        (None, Vec::new(), 200)
    };
    let title = ctx.t("search-title");
    let page = SearchPage {
        page: Page::new(&ctx, &title, "reports"),
        q,
        embeter: regions::embeter_on(&state.db, samla_domain::dates::today()).await?,
        articles: tags::crc_articles(&state.db).await?,
        found,
        errors: crate::forms::FormErrors::from_domain(ctx.lang, &errors),
    };
    let status = axum::http::StatusCode::from_u16(status).unwrap_or_default();
    Ok((status, render(&page)?).into_response())
}

/// What is done about an article of the Convention on the Rights of the Child, where and when.
///
/// Across what is published only: the year's joint assignment (its requirements tagged with
/// the article), the anchored county plans (their measures tagged with it) and the dialogue
/// reports published in the year (with a finding tagged with it). Every wrong field is
/// answered at once (400).
#[utoipa::path(get, path = "/search", operation_id = "search_crc", params(ApiQuery),
    responses((status = 200, description = "What was found", body = Found), (status = 400)))]
pub async fn json(
    State(state): State<AppState>,
    Query(q): Query<ApiQuery>,
) -> Result<Response, AppError> {
    let question = question(&state, &q.into())
        .await
        .map_err(AppError::Fields)?;
    Ok(Json(find(&state, &question).await?).into_response())
}

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(json))]
pub struct Api;
