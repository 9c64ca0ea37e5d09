//! The yearly reports' pages: each embete's reports on the joint assignment (and its
//! mid-year statuses), answered requirement by requirement, approved by a leader and
//! submitted; the secretariat reads what was submitted and sees who has reported.

pub mod api;
pub mod assessment;
pub mod pages;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};

/// The feature's routes. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/yearly-reports", get(pages::list))
        .route("/yearly-reports/status/{year}/{period}", get(pages::status))
        .route(
            "/yearly-reports/{embete}/{year}/{period}",
            get(pages::show).post(pages::create),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}",
            get(pages::edit_answer).post(pages::save_answer),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/pdf",
            get(pages::pdf_file),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/approve",
            post(pages::approve),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/submit",
            post(pages::submit),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/assessments/{requirement}",
            get(assessment::edit).post(assessment::save),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/release",
            post(assessment::release),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/reopen",
            post(assessment::reopen),
        )
        .route(
            "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}/reply",
            post(assessment::reply),
        )
        .route("/api/v1/yearly-reports", get(api::list).post(api::create))
        .route(
            "/api/v1/yearly-reports/status/{year}/{period}",
            get(api::status),
        )
        .route(
            "/api/v1/yearly-reports/{embete}/{year}/{period}",
            get(api::show),
        )
        .route(
            "/api/v1/yearly-reports/{embete}/{year}/{period}/answers/{requirement}",
            put(api::save_answer),
        )
        .route(
            "/api/v1/yearly-reports/{embete}/{year}/{period}/approve",
            post(api::approve),
        )
        .route(
            "/api/v1/yearly-reports/{embete}/{year}/{period}/submit",
            post(api::submit),
        )
}
