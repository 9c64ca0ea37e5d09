//! The URL map. Each feature is a module with the same shape: handlers that parse
//! input, call the store with a capability from the access policy, and render a
//! template from `templates/<feature>/`.

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod dialogue;
pub mod dialogue_api;
pub mod follow_up;
pub mod home;
pub mod kept_forms;
pub mod pages;
pub mod regions;
pub mod report;
pub mod reports;

use crate::AppState;
use crate::error::{AppError, render_errors};
use crate::security;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use samla_domain::ErrorCode;
use tower_http::compression::CompressionLayer;

/// Every route of the application. The access-matrix test reads this list.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::index))
        .route("/healthz", get(healthz))
        .route("/assets/samla.css", get(assets::stylesheet))
        .route("/lang/{code}", get(auth::choose_language))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/kept-forms/{id}", get(kept_forms::show))
        .route("/kept-forms/{id}/discard", post(kept_forms::discard))
        .route("/regions", get(regions::index))
        .route("/regions/embeter/{code}", get(regions::embete))
        .route(
            "/regions/municipalities/{number}",
            get(regions::municipality),
        )
        .route(
            "/dialogue/cycles",
            get(dialogue::cycles).post(dialogue::create_cycle),
        )
        .route("/dialogue/cycles/new", get(dialogue::new_cycle))
        .route("/dialogue/cycles/{id}", get(dialogue::cycle))
        .route("/dialogue/cycles/{id}/rename", post(dialogue::rename_cycle))
        .route("/dialogue/cycles/{id}/delete", post(dialogue::delete_cycle))
        .route(
            "/dialogue/cycles/{id}/dialogues",
            post(dialogue::add_dialogues),
        )
        .route("/dialogue/dialogues/{id}", get(dialogue::show_dialogue))
        .route("/dialogue/dialogues/{id}/step", post(dialogue::take_step))
        .route("/dialogue/dialogues/{id}/undo", post(dialogue::undo_step))
        .route(
            "/dialogue/dialogues/{id}/remove",
            post(dialogue::remove_dialogue),
        )
        .route(
            "/dialogue/dialogues/{id}/meetings/{kind}",
            get(report::meeting_form).post(report::save_meeting),
        )
        .route(
            "/dialogue/dialogues/{id}/report",
            get(report::report_form).post(report::save_report),
        )
        .route(
            "/dialogue/dialogues/{id}/report/step",
            post(report::report_step),
        )
        .route("/dialogue/dialogues/{id}/withdraw", post(report::withdraw))
        .route("/dialogue/dialogues/{id}/reopen", post(report::reopen))
        .route(
            "/dialogue/dialogues/{id}/correct-date",
            post(dialogue::correct_date),
        )
        .route(
            "/dialogue/dialogues/{id}/report/versions",
            get(report::versions),
        )
        .route("/dialogues/{id}", get(dialogue::public_dialogue))
        .route("/coverage", get(dialogue::coverage))
        .route("/follow-ups", get(follow_up::list))
        .route("/follow-ups/{id}", post(follow_up::update))
        .route("/reports", get(reports::page))
        .route("/reports.csv", get(reports::csv))
        .route("/account", get(account::index))
        .route("/organisations/{code}", get(account::organisation))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/new", get(admin::new_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route("/admin/audit", get(admin::audit))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/regions/embeter", get(api::embeter))
        .route("/api/v1/regions/municipalities", get(api::municipalities))
        .route(
            "/api/v1/regions/municipalities/{number}/history",
            get(api::history),
        )
        .route("/api/v1/regions/districts", get(api::districts))
        .route("/api/v1/dialogue/coverage", get(api::coverage))
        .route("/api/v1/dialogue/reports", get(reports::json))
        .route("/api/v1/dialogue/reports/{id}", get(reports::one))
        .route(
            "/api/v1/dialogue/cycles",
            get(dialogue_api::cycles).post(dialogue_api::create_cycle),
        )
        .route("/api/v1/dialogue/cycles/{id}", get(dialogue_api::cycle))
        .route(
            "/api/v1/dialogue/cycles/{id}/dialogues",
            post(dialogue_api::add_dialogues),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}",
            get(dialogue_api::show_dialogue),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/steps",
            post(dialogue_api::take_step),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/withdraw",
            post(dialogue_api::withdraw),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/steps/{step}/date",
            post(dialogue_api::correct_date),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/reopen",
            post(dialogue_api::reopen),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/undo",
            post(dialogue_api::undo_step),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/remove",
            post(dialogue_api::remove_dialogue),
        )
        .route(
            "/api/v1/dialogue/cycles/{id}/rename",
            post(dialogue_api::rename_cycle),
        )
        .route(
            "/api/v1/dialogue/cycles/{id}/delete",
            post(dialogue_api::delete_cycle),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/meetings/{kind}",
            get(dialogue_api::meeting).put(dialogue_api::save_meeting),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/report",
            get(dialogue_api::report).put(dialogue_api::save_report),
        )
        .route("/api/v1/follow-ups", get(dialogue_api::follow_ups))
        .route(
            "/api/v1/follow-ups/{id}",
            post(dialogue_api::update_follow_up),
        )
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/organisations/{code}/members", get(api::members))
        .fallback(not_found)
        // Inside the error rendering (its refusals are rendered) and the CSRF check (a
        // form from another site is never kept).
        .layer(from_fn_with_state(state.clone(), kept_forms::keep_expired))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn(security::csrf))
        .layer(from_fn_with_state(state.clone(), security::headers))
        // Pages with a national table or map are large text; gzip makes them a fifth.
        .layer(CompressionLayer::new())
        .with_state(state)
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
