//! API tokens as a client meets them: a token that is not valid is refused on every
//! endpoint, public ones included, and the refusal says so in the way RFC 6750 asks.

mod common;

use axum::http::{Method, StatusCode, header};
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

fn secret_in(body: &str) -> String {
    let start = body
        .find("id=\"token-secret\">")
        .expect("the secret is shown")
        + 18;
    body[start..].split('<').next().unwrap().to_owned()
}

/// F15: a user makes a token on their own page, sees it once, sees when it was last
/// used, and revokes it; from then on it is refused like any token that is not valid.
#[tokio::test]
async fn a_user_makes_lists_and_revokes_their_own_token() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    let made = app
        .send(
            Method::POST,
            "/account/tokens",
            Some(&staff),
            Some("label=Uttrekk+til+fagsystemet&days=30"),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let secret = secret_in(&made.body);
    assert!(secret.starts_with("samla_"), "{secret}");
    let bearer = format!("Bearer {secret}");
    let (status, _, body) = get_with(&app, "/api/v1/me", Some(&bearer)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("embete_staff@test.example"));

    // The list shows it with its dates, and never the secret again.
    let page = app.get_as("embete_staff", "/account").await;
    assert!(page.body.contains("Uttrekk til fagsystemet"));
    assert!(
        !page.body.contains(&secret),
        "the secret is shown only once"
    );
    assert!(!page.body.contains("Aldri brukt"), "the use above is noted");
    let id = samla_db::tokens::own(&app.db, &actor(&app, "embete_staff").await)
        .await
        .unwrap()[0]
        .id;
    // Another user cannot revoke it.
    let other = app
        .send(
            Method::POST,
            &format!("/account/tokens/{id}/revoke"),
            Some(&app.cookie("embete_leader")),
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let revoked = app
        .send(
            Method::POST,
            &format!("/account/tokens/{id}/revoke"),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let back = revoked.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let page = app.get_as("embete_staff", &back).await;
    assert!(
        page.body
            .contains("er trukket tilbake og virker ikke lenger"),
        "{back}"
    );
    let (status, challenge, _) = get_with(&app, "/api/v1/regions/embeter", Some(&bearer)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(challenge, "Bearer error=\"invalid_token\"");
}

/// A refused token form says which field is wrong and keeps what was typed.
#[tokio::test]
async fn a_token_form_with_bad_input_points_at_the_field() {
    let app = app().await;
    let r = app
        .send(
            Method::POST,
            "/account/tokens",
            Some(&app.cookie("embete_staff")),
            Some("label=+&days=7"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#label\""), "{}", r.body);
    assert!(r.body.contains("href=\"#days\""));
    assert!(!r.body.contains("token-secret"));
}

async fn actor(app: &App, role: &str) -> samla_domain::access::Actor {
    let id = samla_db::users::find_user_id(&app.db, &format!("{role}@test.example"))
        .await
        .unwrap()
        .unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    samla_db::users::actor(conn.conn(), id)
        .await
        .unwrap()
        .unwrap()
}

/// A token stops working when its lifetime ends, and disabling its user revokes it for
/// good: enabling the account again does not bring it back.
#[tokio::test]
async fn tokens_expire_and_do_not_outlive_a_disabled_account() {
    let app = app().await;
    let staff = actor(&app, "embete_staff").await;
    let made = samla_db::tokens::create_own(&app.db, &staff, "kort", 30)
        .await
        .unwrap();
    let expires = made.token.expires_at;
    assert!(
        samla_db::tokens::actor_at(&app.db, &made.secret, expires - 1)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        samla_db::tokens::actor_at(&app.db, &made.secret, expires)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );

    let admin = app.cookie("admin");
    let bearer = format!("Bearer {}", made.secret);
    for step in ["disable", "enable"] {
        let r = app
            .send(
                Method::POST,
                &format!("/admin/users/{}/{step}", staff.user_id),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step}");
    }
    let (status, _, _) = get_with(&app, "/api/v1/me", Some(&bearer)).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "not revived by enabling the account"
    );
    let listed = samla_db::tokens::own(&app.db, &staff).await.unwrap();
    assert!(listed[0].revoked_at.is_some());
}

/// The API twin of the account page's list: a client sees its user's tokens and revokes
/// one; a revoked token is refused from then on, and another user's token is not found.
#[tokio::test]
async fn a_client_lists_and_revokes_its_users_tokens_through_the_api() {
    let app = app().await;
    let first = app.token("embete_staff").await;
    let second = app.token("embete_staff").await;
    let other = app.token("embete_leader").await;

    let (status, list) = app
        .api(
            Method::GET,
            "/api/v1/me/tokens",
            &first,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(
        list.iter()
            .all(|t| t["state"] == "active" && t.get("secret").is_none())
    );
    assert!(
        list[0]["expires_at"].as_str().unwrap().ends_with('Z'),
        "{list:?}"
    );
    // Using the first token noted its use.
    assert!(
        list.iter().any(|t| t["last_used_at"].is_string()),
        "{list:?}"
    );

    let leaders = app.read("/api/v1/me/tokens", &other).await;
    let leaders_id = leaders[0]["id"].as_i64().unwrap();
    let (status, body) = app
        .api(
            Method::POST,
            &format!("/api/v1/me/tokens/{leaders_id}/revoke"),
            &first,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // The first token revokes the second (newest first, so it is listed first).
    let second_id = list[0]["id"].as_i64().unwrap();
    let (status, revoked) = app
        .api(
            Method::POST,
            &format!("/api/v1/me/tokens/{second_id}/revoke"),
            &first,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["state"], "revoked");
    assert!(revoked["revoked_at"].is_string());
    let (status, _) = app
        .api(Method::GET, "/api/v1/me", &second, serde_json::Value::Null)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .api(Method::GET, "/api/v1/me", &first, serde_json::Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK);
}
