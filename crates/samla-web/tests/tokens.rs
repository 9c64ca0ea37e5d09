//! API tokens as a client meets them: a token that is not valid is refused on every
//! endpoint, public ones included, and the refusal says so in the way RFC 6750 asks.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use tower::ServiceExt;

/// A GET with the given `Authorization` header: status, `WWW-Authenticate`, body.
async fn get_with(
    app: &App,
    uri: &str,
    authorization: Option<&str>,
) -> (StatusCode, String, String) {
    let mut req = Request::builder()
        .uri(uri)
        .header(header::HOST, "samla.test");
    if let Some(value) = authorization {
        req = req.header(header::AUTHORIZATION, value);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let challenge = res
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        challenge,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

#[tokio::test]
async fn a_token_that_is_not_valid_is_refused_on_public_endpoints_too() {
    let app = app().await;
    let valid = format!("Bearer {}", app.token("embete_staff").await);
    for uri in [
        "/api/v1/regions/embeter",
        "/api/v1/dialogue/reports",
        "/api/v1/dialogue/cycles",
    ] {
        for wrong in ["Bearer samla_nonsense", "Bearer ", "Basic c2FtbGE6c2FtbGE="] {
            let (status, challenge, body) = get_with(&app, uri, Some(wrong)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} {wrong}");
            assert_eq!(challenge, "Bearer error=\"invalid_token\"", "{uri} {wrong}");
            assert!(body.contains("\"code\":\"invalid_token\""), "{body}");
        }
        let (status, _, _) = get_with(&app, uri, Some(&valid)).await;
        assert_eq!(status, StatusCode::OK, "{uri} with a valid token");
    }
    // Without a token, public data is public and protected data asks for one.
    let (status, _, _) = get_with(&app, "/api/v1/regions/embeter", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, challenge, body) = get_with(&app, "/api/v1/dialogue/cycles", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge, "Bearer");
    assert!(body.contains("\"code\":\"login_required\""), "{body}");
}
