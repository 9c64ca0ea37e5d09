//! The dialogue feature (Sjumilstegdialog): cycles and their dialogues, the steps and
//! their corrections, the two meetings and the report (versions, merge, approval,
//! publication, withdrawal, correction), the public report pages and open data, the
//! coverage view and follow-up. Its pages are in `templates/dialogue/`, its texts in
//! `locales/<lang>/dialogue.ftl` and `report.ftl`.

pub mod api;
pub mod dialogues;
pub mod follow_up;
pub mod report;
pub mod reports;

use crate::AppState;
use crate::forms::REPORT_BODY_MAX;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

/// The feature's routes, pages and API. The access-matrix test reads this list too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/dialogue/cycles",
            get(dialogues::cycles).post(dialogues::create_cycle),
        )
        .route("/dialogue/cycles/new", get(dialogues::new_cycle))
        .route("/dialogue/cycles/{id}", get(dialogues::cycle))
        .route(
            "/dialogue/cycles/{id}/rename",
            post(dialogues::rename_cycle),
        )
        .route(
            "/dialogue/cycles/{id}/delete",
            post(dialogues::delete_cycle),
        )
        .route(
            "/dialogue/cycles/{id}/dialogues",
            post(dialogues::add_dialogues),
        )
        .route("/dialogue/dialogues/{id}", get(dialogues::show_dialogue))
        .route("/dialogue/dialogues/{id}/step", post(dialogues::take_step))
        .route("/dialogue/dialogues/{id}/undo", post(dialogues::undo_step))
        .route(
            "/dialogue/dialogues/{id}/remove",
            post(dialogues::remove_dialogue),
        )
        .route(
            "/dialogue/dialogues/{id}/meetings/{kind}",
            get(report::meeting_form).post(report::save_meeting),
        )
        .route(
            "/dialogue/dialogues/{id}/report",
            get(report::report_form)
                .post(report::save_report)
                .layer(DefaultBodyLimit::max(REPORT_BODY_MAX)),
        )
        .route(
            "/dialogue/dialogues/{id}/report/step",
            post(report::report_step),
        )
        .route("/dialogue/dialogues/{id}/withdraw", post(report::withdraw))
        .route("/dialogue/dialogues/{id}/reopen", post(report::reopen))
        .route(
            "/dialogue/dialogues/{id}/correct-date",
            post(dialogues::correct_date),
        )
        .route(
            "/dialogue/dialogues/{id}/report/versions",
            get(report::versions),
        )
        .route("/dialogues/{id}", get(dialogues::public_dialogue))
        .route("/dialogues/{id}/pdf", get(dialogues::public_pdf))
        .route("/coverage", get(dialogues::coverage))
        .route("/follow-ups", get(follow_up::list))
        .route("/follow-ups/{id}", post(follow_up::update))
        .route("/reports", get(reports::page))
        .route("/reports.csv", get(reports::csv))
        .route("/api/v1/dialogue/coverage", get(api::coverage))
        .route("/api/v1/dialogue/reports", get(reports::json))
        .route("/api/v1/dialogue/reports/{id}", get(reports::one))
        .route(
            "/api/v1/dialogue/cycles",
            get(api::cycles).post(api::create_cycle),
        )
        .route("/api/v1/dialogue/cycles/{id}", get(api::cycle))
        .route(
            "/api/v1/dialogue/cycles/{id}/dialogues",
            post(api::add_dialogues),
        )
        .route("/api/v1/dialogue/dialogues/{id}", get(api::show_dialogue))
        .route(
            "/api/v1/dialogue/dialogues/{id}/steps",
            post(api::take_step),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/withdraw",
            post(api::withdraw),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/steps/{step}/date",
            post(api::correct_date),
        )
        .route("/api/v1/dialogue/dialogues/{id}/reopen", post(api::reopen))
        .route("/api/v1/dialogue/dialogues/{id}/undo", post(api::undo_step))
        .route(
            "/api/v1/dialogue/dialogues/{id}/remove",
            post(api::remove_dialogue),
        )
        .route(
            "/api/v1/dialogue/cycles/{id}/rename",
            post(api::rename_cycle),
        )
        .route(
            "/api/v1/dialogue/cycles/{id}/delete",
            post(api::delete_cycle),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/meetings/{kind}",
            get(api::meeting).put(api::save_meeting),
        )
        .route(
            "/api/v1/dialogue/dialogues/{id}/report",
            get(api::report)
                .put(api::save_report)
                .layer(DefaultBodyLimit::max(REPORT_BODY_MAX)),
        )
        .route("/api/v1/follow-ups", get(api::follow_ups))
        .route("/api/v1/follow-ups/{id}", post(api::update_follow_up))
}
