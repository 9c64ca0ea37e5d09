//! The joint assignment's pages: the years, one year's assignment with its sections,
//! sign-offs and next steps, a section's editor, and this year against last year; and
//! the same over the API.

pub mod api;
pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assignments", get(pages::list).post(pages::create))
        .route("/assignments/{year}", get(pages::show))
        .route(
            "/assignments/{year}/sections/{key}",
            get(pages::edit_section).post(pages::save_section),
        )
        .route(
            "/assignments/{year}/sections/{key}/requirements/new",
            get(pages::new_requirement),
        )
        .route(
            "/assignments/{year}/sections/{key}/requirements",
            post(pages::add_requirement),
        )
        .route(
            "/assignments/{year}/requirements/{id}",
            get(pages::edit_requirement).post(pages::save_requirement),
        )
        .route(
            "/assignments/{year}/requirements/{id}/remove",
            post(pages::remove_requirement),
        )
        .route("/assignments/{year}/sign-off", post(pages::sign_off))
        .route("/assignments/{year}/stage", post(pages::move_to))
        .route("/assignments/{year}/changes", get(pages::changes))
        .route("/assignments/{year}/pdf", get(pages::pdf_file))
        .route("/api/v1/assignments", get(api::list).post(api::create))
        .route("/api/v1/assignments/{year}", get(api::show))
        .route(
            "/api/v1/assignments/{year}/sections/{key}",
            put(api::save_section),
        )
        .route("/api/v1/assignments/{year}/sign-off", post(api::sign_off))
        .route("/api/v1/assignments/{year}/stage", post(api::move_to))
        .route("/api/v1/assignments/{year}/changes", get(api::changes))
}
