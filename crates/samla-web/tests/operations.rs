//! What an operator relies on: request ids and metrics.

mod common;

use axum::http::{StatusCode, header};
use common::*;

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = app().await;
    let a = app.get("/").await;
    let b = app.get("/").await;
    let id = |r: &Reply| r.headers["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id(&a).len(), 16);
    assert_ne!(id(&a), id(&b), "each request has its own");
    // A proxy's plain id is kept, so its logs and ours line up; anything else is replaced.
    let kept = app
        .get_with(
            "/",
            &[(header::HeaderName::from_static("x-request-id"), "lb-7f3a.2")],
        )
        .await;
    assert_eq!(id(&kept), "lb-7f3a.2");
    let odd = app
        .get_with(
            "/",
            &[(header::HeaderName::from_static("x-request-id"), "a b\"c")],
        )
        .await;
    assert_eq!(id(&odd).len(), 16);
}

#[tokio::test]
async fn metrics_count_routes_and_login_refusals_for_administrators_only() {
    let app = app().await;
    app.get("/dialogues/999999").await;
    app.send(
        axum::http::Method::POST,
        "/login",
        None,
        Some("email=admin%40test.example&password=feil+passord&next=/"),
    )
    .await;
    assert_eq!(app.get("/metrics").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_as("embete_leader", "/metrics").await.status,
        StatusCode::NOT_FOUND
    );
    let m = app.get_as("admin", "/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    for line in [
        "samla_http_requests_total{method=\"GET\",route=\"/dialogues/{id}\",status=\"404\"} 1",
        "samla_http_request_duration_seconds_bucket{method=\"GET\",route=\"/dialogues/{id}\",le=\"+Inf\"} 1",
        "samla_login_refusals_total{reason=\"invalid_credentials\"} 1",
        "samla_db_pool_max_connections ",
    ] {
        assert!(m.body.contains(line), "{line} missing from\n{}", m.body);
    }
}
