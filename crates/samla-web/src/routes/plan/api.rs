//! The county plans as JSON: every embete's newest anchored plan for everyone, and the
//! current version for the embete's own people, under the same rules as the pages.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use samla_app::plan as use_case;
use samla_db::plan::Plan;
use serde::Serialize;

/// An embete's plan as the list shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub embete: String,
    /// The newest anchored version; null before the first anchoring.
    pub anchored_version: Option<i64>,
    /// Unix seconds.
    pub anchored_at: Option<i64>,
    /// Measures in the newest anchored version.
    pub measures: usize,
    pub url: String,
}

/// Every embete's plan that has been anchored, with its newest anchored version.
#[utoipa::path(get, path = "/plans", operation_id = "list_plans",
    responses((status = 200, description = "Plans", body = Vec<PlanSummary>)))]
pub async fn list(State(state): State<AppState>) -> Result<Response, AppError> {
    let plans: Vec<PlanSummary> = use_case::list(&state.db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let anchored = s.anchored?;
            Some(PlanSummary {
                url: format!("/api/v1/plans/{}", s.embete),
                embete: s.embete,
                anchored_version: Some(anchored.version),
                anchored_at: Some(anchored.anchored_at),
                measures: s.measures,
            })
        })
        .collect();
    Ok(Json(plans).into_response())
}

/// `{embete}`: one embete's plan.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EmbetePath {
    /// The embete's code, such as `rogaland`.
    #[param(required, schema_with = embete_schema)]
    pub embete: String,
}

fn embete_schema() -> utoipa::openapi::schema::Object {
    let mut s = samla_domain::schema::text(64);
    s.pattern = Some("^[a-z0-9-]{1,64}$".into());
    s
}

/// One embete's plan: ambitions, goals and measures, the groups and the contact points.
///
/// Everyone reads the newest anchored version (without the name of the leader who anchored
/// it); the embete's own staff and leaders read the current version. Not found (404) when
/// the reader may see no version.
#[utoipa::path(get, path = "/plans/{embete}", operation_id = "show_plan", params(EmbetePath),
    responses((status = 200, description = "The plan", body = Plan), (status = 404)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(embete): Path<String>,
) -> Result<Response, AppError> {
    let opened = use_case::open(&state.db, ctx.actor.as_ref(), &embete).await?;
    let mut plan = opened.plan;
    if !opened.writable
        && let Some(a) = plan.anchored.as_mut()
    {
        a.anchored_by.clear();
    }
    Ok(Json(plan).into_response())
}

/// The feature's operations, for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, show))]
pub struct Api;
