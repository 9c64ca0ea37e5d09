//! The joint assignment's pages: the years, one year's assignment with its sections,
//! sign-offs and next steps, a section's editor, and this year against last year.

pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assignments", get(pages::list).post(pages::create))
        .route("/assignments/{year}", get(pages::show))
        .route(
            "/assignments/{year}/sections/{key}",
            get(pages::edit_section).post(pages::save_section),
        )
        .route("/assignments/{year}/sign-off", post(pages::sign_off))
        .route("/assignments/{year}/stage", post(pages::move_to))
        .route("/assignments/{year}/changes", get(pages::changes))
}
