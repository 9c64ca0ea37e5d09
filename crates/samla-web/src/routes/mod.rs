//! The URL map. Each feature is a module with the same shape: handlers that parse
//! input, call the store with a capability from the access policy, and render a
//! template from `templates/<feature>/`.

pub mod about;
pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod assignment;
pub mod auth;
pub mod dialogue;
pub mod home;
pub mod kept_forms;
pub mod pages;
pub mod password;
pub mod plan;
pub mod regions;
pub mod search;
pub mod synthesis;
pub mod work_list;
pub mod yearly_report;

use crate::AppState;
use crate::error::{AppError, render_errors};
use crate::security;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use samla_domain::ErrorCode;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

/// How long a whole request may take, body included, before it is answered 408: a
/// client that sends its body a byte at a time cannot hold a worker for longer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route of the application. The access-matrix test reads this list.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::index))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::observe::metrics))
        .route("/assets/samla.css", get(assets::stylesheet))
        .route("/lang/{code}", get(auth::choose_language))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/kept-forms/{id}", get(kept_forms::show))
        .route("/kept-forms/{id}/discard", post(kept_forms::discard))
        .route("/about/accessibility", get(about::accessibility))
        .route("/about/privacy", get(about::privacy))
        .route("/about/contact", get(about::contact_page))
        .route("/regions", get(regions::index))
        .route("/regions/embeter/{code}", get(regions::embete))
        .route(
            "/regions/municipalities/{number}",
            get(regions::municipality),
        )
        .route("/account", get(account::index))
        .route(
            "/account/password",
            get(password::change_form).post(password::change),
        )
        .route(
            "/reset/{secret}",
            get(password::reset_form).post(password::reset),
        )
        .route("/admin/users/{id}/reset-link", post(password::issue))
        .route("/account/tokens", post(account::create_token))
        .route(
            "/account/notifications",
            get(account::notifications).post(account::save_notifications),
        )
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/organisations/{code}", get(account::organisation))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route("/admin/audit", get(admin::audit))
        .route("/api/v1/openapi.json", get(crate::openapi::document_itself))
        .route("/api/v1/regions/embeter", get(api::embeter))
        .route("/api/v1/regions/municipalities", get(api::municipalities))
        .route(
            "/api/v1/regions/municipalities/{number}/history",
            get(api::history),
        )
        .route("/api/v1/regions/districts", get(api::districts))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/me/tokens", get(api::my_tokens))
        .route("/api/v1/me/tokens/{id}/revoke", post(api::revoke_my_token))
        .route("/api/v1/organisations/{code}/members", get(api::members))
        .merge(dialogue::routes())
        .merge(assignment::routes())
        .merge(plan::routes())
        .merge(yearly_report::routes())
        .merge(work_list::routes())
        .merge(synthesis::routes())
        .merge(search::routes())
        .fallback(not_found)
        // Routes that take more (the report) say so on their own route.
        .layer(DefaultBodyLimit::max(crate::forms::BODY_MAX))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Inside the error rendering (its refusals are rendered) and the CSRF check (a
        // form from another site is never kept).
        .layer(from_fn_with_state(state.clone(), kept_forms::keep_expired))
        .layer(from_fn_with_state(state.clone(), security::api_tokens))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn(security::csrf))
        .layer(from_fn_with_state(state.clone(), security::headers))
        // Pages with a national table or map are large text; gzip makes them a fifth.
        .layer(CompressionLayer::new())
        // Outermost: the id and the span cover everything, and every answer is counted.
        .layer(from_fn_with_state(state.clone(), crate::observe::observe))
        .with_state(state)
}

/// The API's operations, feature by feature, for the OpenAPI document.
pub fn api_document() -> utoipa::openapi::OpenApi {
    use crate::openapi::tagged;
    use utoipa::OpenApi;
    let mut doc = tagged(api::Api::openapi(), "regions and people");
    doc.merge(tagged(dialogue::api::Api::openapi(), "dialogue"));
    doc.merge(tagged(assignment::api::Api::openapi(), "joint assignment"));
    doc.merge(tagged(yearly_report::api::Api::openapi(), "yearly reports"));
    doc.merge(tagged(synthesis::pages::Api::openapi(), "syntheses"));
    doc.merge(tagged(plan::api::Api::openapi(), "county plans"));
    doc.merge(tagged(search::pages::Api::openapi(), "search"));
    doc
}

async fn not_found() -> AppError {
    AppError::Code(ErrorCode::NotFound)
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}
