//! API tokens as a client meets them: a token that is not valid is refused on every
//! endpoint, public ones included, and the refusal says so in the way RFC 6750 asks.

mod common;

use axum::http::{StatusCode, header};
use common::*;

/// A GET with the given `Authorization` header: status, `WWW-Authenticate`, body.
async fn get_with(
    app: &App,
    uri: &str,
    authorization: Option<&str>,
) -> (StatusCode, String, String) {
    let headers: Vec<(header::HeaderName, &str)> = authorization
        .map(|a| (header::AUTHORIZATION, a))
        .into_iter()
        .collect();
    let reply = app.get_with(uri, &headers).await;
    let challenge = reply
        .headers
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (reply.status, challenge, reply.body)
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
