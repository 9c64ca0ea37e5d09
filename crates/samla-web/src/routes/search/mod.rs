//! Search across what is published: "what is done about CRC article 12 in Vestland this
//! year", as a page and as JSON (`samla_app::search`).

pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(pages::page))
        .route("/api/v1/search", get(pages::json))
}
