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

/// Reliability finding 6: a list comes in pages, and says where the rest is.
#[tokio::test]
async fn lists_come_in_pages_with_links_to_the_rest() {
    let app = app().await;
    let token = app.token("embete_staff").await;
    for i in 0..3 {
        let (status, _) = app
            .api(
                axum::http::Method::POST,
                "/api/v1/dialogue/cycles",
                &token,
                serde_json::json!({"name": format!("Side {i}"), "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let bearer = format!("Bearer {token}");
    let first = app
        .get_with(
            "/api/v1/dialogue/cycles?per_page=2",
            &[(header::AUTHORIZATION, &bearer)],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let total: usize = first.headers["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(total >= 3);
    let items: Vec<serde_json::Value> = serde_json::from_str(&first.body).unwrap();
    assert_eq!(items.len(), 2);
    let link = first.headers[header::LINK].to_str().unwrap();
    assert!(
        link.contains("</api/v1/dialogue/cycles?per_page=2&page=2>; rel=\"next\""),
        "{link}"
    );
    let last = total.div_ceil(2);
    let end = app
        .get_with(
            &format!("/api/v1/dialogue/cycles?per_page=2&page={last}"),
            &[(header::AUTHORIZATION, &bearer)],
        )
        .await;
    assert!(
        !end.headers[header::LINK]
            .to_str()
            .unwrap()
            .contains("rel=\"next\"")
    );
    let too_many = app
        .get_with(
            "/api/v1/dialogue/cycles?per_page=501",
            &[(header::AUTHORIZATION, &bearer)],
        )
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert!(too_many.body.contains("per_page"), "{}", too_many.body);
    // The page shows where it is and links on.
    let page = app
        .get_as("embete_staff", "/dialogue/cycles?per_page=2")
        .await;
    assert!(page.body.contains("Side 1 av"), "{}", page.body);
    assert!(page.body.contains("rel=\"next\""));
}
