//! The synthesis for the steering group: the secretariat's pages to write, release and
//! publish it, and the pages, CSV and JSON everyone reads once it is published.

pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/syntheses", get(pages::list))
        .route("/syntheses/{year}", get(pages::show).post(pages::create))
        .route(
            "/syntheses/{year}/sections/{key}",
            get(pages::edit_section).post(pages::save_section),
        )
        .route("/syntheses/{year}/release", post(pages::release))
        .route("/syntheses/{year}/publish", post(pages::publish))
        .route("/syntheses/{year}/figures.csv", get(pages::csv))
        .route("/syntheses/{year}/pdf", get(pages::pdf_file))
        .route("/api/v1/syntheses/{year}", get(pages::json))
}
