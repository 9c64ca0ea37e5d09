//! "Mine oppgaver", where each person lands after logging in: what waits for them or their
//! organisation, from every capability (`samla_app::work_list`).

pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::get;

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new().route("/tasks", get(pages::list))
}
