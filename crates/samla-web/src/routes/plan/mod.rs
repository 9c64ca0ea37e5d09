//! The county plans' pages: every embete's newest anchored plan, and for the embete's own
//! people the current version with its editors, the leader's anchoring and the history.

pub mod api;
pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(pages::list))
        .route("/plans/{embete}", get(pages::show).post(pages::create))
        .route(
            "/plans/{embete}/summary",
            get(pages::edit_summary).post(pages::save_summary),
        )
        .route(
            "/plans/{embete}/group",
            get(pages::edit_group).post(pages::save_group),
        )
        .route("/plans/{embete}/anchor", post(pages::anchor))
        .route("/plans/{embete}/history", get(pages::history))
        .route("/plans/{embete}/pdf", get(pages::pdf_file))
        .route("/api/v1/plans", get(api::list))
        .route("/api/v1/plans/{embete}", get(api::show))
        .route("/plans/{embete}/{kind}/new", get(pages::new_item))
        .route("/plans/{embete}/{kind}", post(pages::add_item))
        .route(
            "/plans/{embete}/{kind}/{id}",
            get(pages::edit_item).post(pages::save_item),
        )
        .route(
            "/plans/{embete}/{kind}/{id}/remove",
            post(pages::remove_item),
        )
}
