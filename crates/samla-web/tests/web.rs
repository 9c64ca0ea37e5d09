//! The web layer as a browser and an API client see it, on a fresh database with
//! the regions imported and one user per role.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use samla_db::audit::Who;
use samla_db::users::{self, NewUser};
use tower::ServiceExt;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = app().await;
    for uri in [
        "/",
        "/regions",
        "/does-not-exist",
        "/api/v1/regions/municipalities?date=x",
    ] {
        let r = app.get(uri).await;
        let csp = r
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{uri}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(
            r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff"
        );
        assert!(r.headers.contains_key(header::REFERRER_POLICY));
    }
    let r = app.get("/").await;
    assert!(!r.body.contains("<script"), "no inline script");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = app().await;
    let cookie = app.cookie("admin");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/admin/users/1/disable")
        .header(header::HOST, "samla.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.router.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::HOST, "samla.test")
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.router.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // Without either header a request that rides a cookie is refused too.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/logout")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        app.router.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // The session still works: nothing was changed.
    assert_eq!(app.get_as("admin", "/account").await.status, StatusCode::OK);
}

#[tokio::test]
async fn login_errors_keep_the_email_and_logout_ends_the_session() {
    let app = app().await;
    let r = app
        .send(
            Method::POST,
            "/login",
            None,
            Some("email=admin%40test.example&password=wrong+password&next=/"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.body.contains("value=\"admin@test.example\""),
        "the e-mail address is kept"
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert!(r.body.contains("E-postadressen eller passordet er feil"));

    let first = app
        .login("embete_staff@test.example", PASSWORD)
        .await
        .unwrap();
    let second = app
        .login("embete_staff@test.example", PASSWORD)
        .await
        .unwrap();
    assert_ne!(first, second, "every login gets a new session id");
    let cookie = format!("{}={first}", common::SESSION);
    assert_eq!(
        app.send(Method::GET, "/account", Some(&cookie), None)
            .await
            .status,
        StatusCode::OK
    );
    let out = app.send(Method::POST, "/logout", Some(&cookie), None).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    // The old cookie no longer works, even if a browser kept it.
    let r = app.send(Method::GET, "/account", Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}

#[tokio::test]
async fn regions_api_answers_by_date_and_refuses_bad_input_with_problems() {
    let app = app().await;
    let r = app
        .get("/api/v1/regions/municipalities?date=2019-06-01&embete=oslo-og-viken")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let list: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(list.len(), 62);
    let hurdal = list.iter().find(|m| m["number"] == "0239").unwrap();
    assert_eq!(hurdal["name"], "Hurdal");
    assert_eq!(hurdal["embete"], "oslo-og-viken");
    assert_eq!(hurdal["county"], "02");
    assert_eq!(hurdal["valid_to"], "2019-12-31");
    for (date, n) in [
        ("2019-06-01", 422),
        ("2021-06-01", 356),
        ("2024-06-01", 357),
    ] {
        let r = app
            .get(&format!("/api/v1/regions/municipalities?date={date}"))
            .await;
        let list: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
        assert_eq!(list.len(), n, "{date}");
    }
    let r = app.get("/api/v1/regions/municipalities/3242/history").await;
    let list: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
    let numbers: Vec<&str> = list.iter().map(|m| m["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["0239", "3037", "3242"]);
    let r = app.get("/api/v1/regions/districts?date=2021-01-01").await;
    let list: Vec<serde_json::Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(list.len(), 15);
    assert!(
        list.iter()
            .any(|d| d["number"] == "030109" && d["name"] == "Bjerke")
    );

    for (uri, status, code) in [
        (
            "/api/v1/regions/municipalities?date=2021-02-30",
            400,
            "invalid_date",
        ),
        (
            "/api/v1/regions/municipalities?date=yesterday",
            400,
            "invalid_date",
        ),
        (
            "/api/v1/regions/municipalities?date=2018-12-31",
            400,
            "date_out_of_range",
        ),
        (
            "/api/v1/regions/municipalities?embete=atlantis",
            400,
            "unknown_embete",
        ),
        (
            "/api/v1/regions/municipalities/12a4/history",
            400,
            "invalid_municipality_number",
        ),
        (
            "/api/v1/regions/municipalities/9999/history",
            404,
            "unknown_municipality",
        ),
        (
            "/api/v1/regions/districts?date=31.12.2020",
            400,
            "invalid_date",
        ),
        ("/api/v1/nothing-here", 404, "not_found"),
        (
            "/api/v1/regions/municipalities?date=%ZZ",
            400,
            "invalid_date",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status.as_u16(), status, "{uri}");
        assert_eq!(
            r.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json",
            "{uri}"
        );
        let problem: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(problem["code"], code, "{uri}");
        assert_eq!(problem["status"], status);
    }
}

#[tokio::test]
async fn region_pages_show_the_names_valid_at_the_date() {
    let app = app().await;
    let r = app.get("/regions?date=2019-06-01").await;
    assert!(r.body.contains("Fylkesmannen i Oslo og Viken"));
    assert!(!r.body.contains("Statsforvalteren i"));
    let r = app.get("/regions?date=2021-06-01").await;
    assert!(r.body.contains("Statsforvalteren i Oslo og Viken"));
    let r = app.get("/regions?date=2024-06-01").await;
    assert!(
        r.body
            .contains("Statsforvalteren i Østfold, Buskerud, Oslo og Akershus")
    );
    let r = app
        .get("/regions/embeter/oslo-og-viken?date=2019-06-01")
        .await;
    assert!(r.body.contains(">Hurdal<") && r.body.contains("/regions/municipalities/0239"));
    assert!(r.body.contains("Bjerke"));
    let r = app.get("/regions/municipalities/3037").await;
    assert_eq!(r.status, StatusCode::OK);
    for n in ["0239", "3037", "3242"] {
        assert!(
            r.body.contains(&format!("/regions/municipalities/{n}\"")),
            "{n}"
        );
    }
    let r = app.get("/regions?date=2019-02-30").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("value=\"2019-02-30\""),
        "what was typed is kept"
    );
    assert!(r.body.contains("ÅÅÅÅ-MM-DD"));
    assert_eq!(
        app.get("/regions/municipalities/0000").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/regions/embeter/atlantis").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_language_choice_is_remembered_and_sets_html_lang() {
    let app = app().await;
    let r = app.get("/lang/nn?next=/regions").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/regions");
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = app
        .send(Method::GET, "/regions?date=2020-01-01", Some(&cookie), None)
        .await;
    assert!(page.body.contains("<html lang=\"nn\">"));
    assert!(page.body.contains("Regionar"));
    assert!(page.body.contains("1. januar 2020"));
    let r = app.get("/lang/nn?next=https://evil.example").await;
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "/",
        "no open redirect"
    );
    assert!(app.get("/").await.body.contains("<html lang=\"nb\">"));
}

#[tokio::test]
async fn api_tokens_act_with_their_users_rights() {
    let app = app().await;
    let id = users::find_user_id(&app.db, "municipality@test.example")
        .await
        .unwrap()
        .unwrap();
    let token = samla_db::tokens::create_for(
        &app.db,
        &samla_domain::access::system_authority_for_command_line_and_demo(),
        &Who::system("test"),
        id,
        "test",
        samla_domain::tokens::DEFAULT_DAYS,
    )
    .await
    .unwrap()
    .secret;
    let bearer = |uri: &str, token: &str| {
        Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let r = app
        .router
        .clone()
        .oneshot(bearer("/api/v1/me", &token))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .router
        .clone()
        .oneshot(bearer("/api/v1/organisations/3242/members", &token))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .router
        .clone()
        .oneshot(bearer(
            "/api/v1/organisations/oslo-og-viken/members",
            &token,
        ))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .router
        .clone()
        .oneshot(bearer("/api/v1/me", "samla_not-a-token"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn admins_create_users_with_field_errors_and_an_audit_trail() {
    let app = app().await;
    let cookie = app.cookie("admin");
    let bad =
        "email=not-an-address&name=Per+Hansen&organisation=agder&role=municipality&password=kort";
    let r = app
        .send(Method::POST, "/admin/users", Some(&cookie), Some(bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("value=\"Per Hansen\""),
        "typed values are kept"
    );
    assert!(r.body.contains("value=\"not-an-address\""));
    assert!(
        r.body.contains("href=\"#email\"")
            && r.body.contains("href=\"#password\"")
            && r.body.contains("href=\"#role\"")
    );
    assert!(!r.body.contains("kort"), "the password is not echoed");
    let good = "email=per%40agder.example&name=Per+Hansen&organisation=agder&role=embete_staff&role=embete_leader&password=et+godt+passord";
    let r = app
        .send(Method::POST, "/admin/users", Some(&cookie), Some(good))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = app.get_as("admin", "/admin/users").await;
    assert!(list.body.contains("per@agder.example"));
    let audit = app.get_as("admin", "/admin/audit?action=user.create").await;
    assert!(audit.body.contains("per@agder.example") && audit.body.contains("admin@test.example"));
    let id = users::find_user_id(&app.db, "per@agder.example")
        .await
        .unwrap()
        .unwrap();
    app.send(
        Method::POST,
        &format!("/admin/users/{id}/disable"),
        Some(&cookie),
        None,
    )
    .await;
    let audit = app
        .get_as("admin", "/admin/audit?action=user.disable")
        .await;
    assert!(
        audit.body.contains("false → true"),
        "the change is shown as before → after"
    );
    let audit = app.get_as("admin", "/admin/audit?from=2019-13-01").await;
    assert_eq!(audit.status, StatusCode::BAD_REQUEST);
}

/// Expected status per requester: visitor, then the roles in `USERS` order.
type Row = (&'static str, Method, &'static str, [u16; 8]);

fn matrix(disable_id: i64) -> Vec<(String, Row)> {
    let d = disable_id;
    let rows: Vec<Row> = vec![
        // template,                                  method,       concrete path,                         vis  adm  sec  dir  stg  stf  ldr  mun
        (
            "/",
            Method::GET,
            "/",
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        ("/healthz", Method::GET, "/healthz", [200; 8]),
        (
            "/assets/samla.css",
            Method::GET,
            "/assets/samla.css",
            [200; 8],
        ),
        ("/lang/{code}", Method::GET, "/lang/en?next=/", [303; 8]),
        (
            "/login",
            Method::GET,
            "/login",
            [200, 303, 303, 303, 303, 303, 303, 303],
        ),
        ("/login", Method::POST, "/login", [401; 8]),
        ("/regions", Method::GET, "/regions", [200; 8]),
        (
            "/regions/embeter/{code}",
            Method::GET,
            "/regions/embeter/vestland",
            [200; 8],
        ),
        (
            "/regions/municipalities/{number}",
            Method::GET,
            "/regions/municipalities/4601",
            [200; 8],
        ),
        (
            "/account",
            Method::GET,
            "/account",
            [303, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/account/notifications",
            Method::GET,
            "/account/notifications",
            [303, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/account/notifications",
            Method::POST,
            "/account/notifications",
            [303, 303, 303, 303, 303, 303, 303, 303],
        ),
        (
            // The matrix's form has no label: refused, for every user alike.
            "/account/tokens",
            Method::POST,
            "/account/tokens",
            [303, 422, 422, 422, 422, 422, 422, 422],
        ),
        (
            // Only one's own tokens can be revoked; there is no token 999999.
            "/account/tokens/{id}/revoke",
            Method::POST,
            "/account/tokens/999999/revoke",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/dialogue/cycles",
            Method::GET,
            "/dialogue/cycles",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/cycles",
            Method::POST,
            "/dialogue/cycles",
            [303, 403, 403, 403, 403, 422, 422, 403],
        ),
        (
            "/dialogue/cycles/new",
            Method::GET,
            "/dialogue/cycles/new",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/cycles/{id}",
            Method::GET,
            "/dialogue/cycles/1",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        // Another embete's cycle is not shown to exist.
        (
            "/dialogue/cycles/{id}",
            Method::GET,
            "/dialogue/cycles/2",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/cycles/{id}/dialogues",
            Method::POST,
            "/dialogue/cycles/1/dialogues",
            [303, 403, 403, 403, 403, 422, 422, 403],
        ),
        (
            "/dialogue/cycles/{id}/dialogues",
            Method::POST,
            "/dialogue/cycles/2/dialogues",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}",
            Method::GET,
            "/dialogue/dialogues/2",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/dialogues/{id}",
            Method::GET,
            "/dialogue/dialogues/3",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/step",
            Method::POST,
            "/dialogue/dialogues/2/step",
            [303, 403, 403, 403, 403, 409, 409, 403],
        ),
        (
            "/dialogue/dialogues/{id}/step",
            Method::POST,
            "/dialogue/dialogues/3/step",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/follow-ups",
            Method::GET,
            "/follow-ups",
            [303, 403, 403, 403, 403, 200, 200, 200],
        ),
        (
            "/follow-ups/{id}",
            Method::POST,
            "/follow-ups/999",
            [303, 403, 403, 403, 403, 403, 403, 404],
        ),
        // Published dialogues are public; nothing else is, to anyone.
        (
            "/dialogue/dialogues/{id}/meetings/{kind}",
            Method::GET,
            "/dialogue/dialogues/2/meetings/leaders",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/dialogues/{id}/meetings/{kind}",
            Method::GET,
            "/dialogue/dialogues/3/meetings/youth",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/meetings/{kind}",
            Method::POST,
            "/dialogue/dialogues/2/meetings/youth",
            [303, 403, 403, 403, 403, 422, 422, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report",
            Method::GET,
            "/dialogue/dialogues/2/report",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report",
            Method::GET,
            "/dialogue/dialogues/3/report",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report",
            Method::POST,
            "/dialogue/dialogues/2/report",
            [303, 403, 403, 403, 403, 409, 409, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report/step",
            Method::POST,
            "/dialogue/dialogues/2/report/step",
            [303, 403, 403, 403, 403, 409, 409, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report/step",
            Method::POST,
            "/dialogue/dialogues/3/report/step",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/withdraw",
            Method::POST,
            "/dialogue/dialogues/1/withdraw",
            [303, 403, 403, 403, 403, 403, 400, 403],
        ),
        (
            "/dialogue/dialogues/{id}/withdraw",
            Method::POST,
            "/dialogue/dialogues/3/withdraw",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/correct-date",
            Method::POST,
            "/dialogue/dialogues/2/correct-date",
            [303, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/dialogue/dialogues/{id}/correct-date",
            Method::POST,
            "/dialogue/dialogues/3/correct-date",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/reopen",
            Method::POST,
            "/dialogue/dialogues/1/reopen",
            [303, 403, 403, 403, 403, 403, 400, 403],
        ),
        (
            "/dialogue/dialogues/{id}/reopen",
            Method::POST,
            "/dialogue/dialogues/3/reopen",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report/versions",
            Method::GET,
            "/dialogue/dialogues/1/report/versions",
            [303, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/dialogue/dialogues/{id}/report/versions",
            Method::GET,
            "/dialogue/dialogues/3/report/versions",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        // Corrections without their reason (or version) change nothing.
        (
            "/dialogue/cycles/{id}/rename",
            Method::POST,
            "/dialogue/cycles/1/rename",
            [303, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/dialogue/cycles/{id}/rename",
            Method::POST,
            "/dialogue/cycles/2/rename",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/cycles/{id}/delete",
            Method::POST,
            "/dialogue/cycles/1/delete",
            [303, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/dialogue/cycles/{id}/delete",
            Method::POST,
            "/dialogue/cycles/2/delete",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/dialogue/dialogues/{id}/remove",
            Method::POST,
            "/dialogue/dialogues/2/remove",
            [303, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/dialogue/dialogues/{id}/remove",
            Method::POST,
            "/dialogue/dialogues/3/remove",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        // Without a version nothing is undone.
        (
            "/dialogue/dialogues/{id}/undo",
            Method::POST,
            "/dialogue/dialogues/2/undo",
            [303, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/dialogue/dialogues/{id}/undo",
            Method::POST,
            "/dialogue/dialogues/3/undo",
            [303, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/reports",
            Method::GET,
            "/reports?embete=oslo-og-viken",
            [200; 8],
        ),
        ("/reports.csv", Method::GET, "/reports.csv", [200; 8]),
        (
            "/api/v1/dialogue/reports",
            Method::GET,
            "/api/v1/dialogue/reports?unit=3242",
            [200; 8],
        ),
        (
            "/api/v1/dialogue/reports/{id}",
            Method::GET,
            "/api/v1/dialogue/reports/1",
            [200; 8],
        ),
        (
            "/api/v1/dialogue/reports/{id}",
            Method::GET,
            "/api/v1/dialogue/reports/2",
            [404; 8],
        ),
        ("/dialogues/{id}", Method::GET, "/dialogues/1", [200; 8]),
        ("/dialogues/{id}", Method::GET, "/dialogues/2", [404; 8]),
        (
            "/dialogues/{id}/pdf",
            Method::GET,
            "/dialogues/1/pdf",
            [200; 8],
        ),
        (
            "/dialogues/{id}/pdf",
            Method::GET,
            "/dialogues/2/pdf",
            [404; 8],
        ),
        (
            "/coverage",
            Method::GET,
            "/coverage?embete=oslo-og-viken&date=2019-12-31",
            [200; 8],
        ),
        (
            "/api/v1/dialogue/coverage",
            Method::GET,
            "/api/v1/dialogue/coverage?date=2021-06-01",
            [200; 8],
        ),
        (
            "/organisations/{code}",
            Method::GET,
            "/organisations/oslo-og-viken",
            [303, 200, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/organisations/{code}",
            Method::GET,
            "/organisations/sekretariatet",
            [303, 200, 200, 403, 403, 403, 403, 403],
        ),
        (
            "/organisations/{code}",
            Method::GET,
            "/organisations/3242",
            [303, 200, 403, 403, 403, 403, 403, 200],
        ),
        (
            "/admin/users",
            Method::GET,
            "/admin/users",
            [303, 200, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/admin/users",
            Method::POST,
            "/admin/users",
            [303, 422, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/admin/users/new",
            Method::GET,
            "/admin/users/new",
            [303, 200, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/admin/audit",
            Method::GET,
            "/admin/audit",
            [303, 200, 403, 403, 403, 403, 200, 403],
        ),
        (
            "/api/v1/openapi.json",
            Method::GET,
            "/api/v1/openapi.json",
            [200; 8],
        ),
        (
            "/api/v1/regions/embeter",
            Method::GET,
            "/api/v1/regions/embeter",
            [200; 8],
        ),
        (
            "/api/v1/regions/municipalities",
            Method::GET,
            "/api/v1/regions/municipalities",
            [200; 8],
        ),
        (
            "/api/v1/regions/municipalities/{number}/history",
            Method::GET,
            "/api/v1/regions/municipalities/0301/history",
            [200; 8],
        ),
        (
            "/api/v1/regions/districts",
            Method::GET,
            "/api/v1/regions/districts",
            [200; 8],
        ),
        (
            "/api/v1/me",
            Method::GET,
            "/api/v1/me",
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        ("/assignments", Method::GET, "/assignments", [200; 8]),
        (
            "/assignments",
            Method::POST,
            "/assignments",
            [303, 403, 422, 403, 403, 403, 403, 403],
        ),
        // The 2019 assignment, in drafting: the secretariat, the directorates and the
        // steering group read it; nobody else learns that it exists.
        (
            "/assignments/{year}",
            Method::GET,
            "/assignments/2019",
            [404, 404, 200, 200, 200, 404, 404, 404],
        ),
        (
            "/assignments/{year}/sections/{key}",
            Method::GET,
            "/assignments/2019/sections/bufdir",
            [303, 404, 200, 200, 403, 404, 404, 404],
        ),
        (
            "/assignments/{year}/sections/{key}",
            Method::GET,
            "/assignments/2019/sections/hdir",
            [303, 404, 200, 403, 403, 404, 404, 404],
        ),
        // Sent without a base version: a writer is told the text changed meanwhile.
        (
            "/assignments/{year}/sections/{key}",
            Method::POST,
            "/assignments/2019/sections/bufdir",
            [303, 404, 409, 409, 403, 404, 404, 404],
        ),
        (
            "/assignments/{year}/sections/{key}/requirements/new",
            Method::GET,
            "/assignments/2019/sections/bufdir/requirements/new",
            [303, 404, 200, 200, 403, 404, 404, 404],
        ),
        // A form without its fields: each writer is shown what is missing.
        (
            "/assignments/{year}/sections/{key}/requirements",
            Method::POST,
            "/assignments/2019/sections/bufdir/requirements",
            [303, 404, 422, 422, 403, 404, 404, 404],
        ),
        (
            "/assignments/{year}/requirements/{id}",
            Method::GET,
            "/assignments/2019/requirements/999999",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/assignments/{year}/requirements/{id}",
            Method::POST,
            "/assignments/2019/requirements/999999",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/assignments/{year}/requirements/{id}/remove",
            Method::POST,
            "/assignments/2019/requirements/999999/remove",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        // County plans: Oslo og Viken has none yet, so outside the embete there is nothing
        // to find; its staff are offered to start it, and the start comes first.
        ("/plans", Method::GET, "/plans", [200; 8]),
        (
            "/plans/{embete}",
            Method::GET,
            "/plans/oslo-og-viken",
            [404, 404, 404, 404, 404, 200, 200, 404],
        ),
        (
            "/plans/{embete}",
            Method::POST,
            "/plans/oslo-og-viken",
            [303, 403, 403, 403, 403, 303, 303, 403],
        ),
        (
            "/plans/{embete}/summary",
            Method::GET,
            "/plans/oslo-og-viken/summary",
            [303, 404, 404, 404, 404, 200, 200, 404],
        ),
        // A form without a base version clashes with the plan as it stands.
        (
            "/plans/{embete}/summary",
            Method::POST,
            "/plans/oslo-og-viken/summary",
            [303, 404, 404, 404, 404, 409, 409, 404],
        ),
        (
            "/plans/{embete}/group",
            Method::GET,
            "/plans/oslo-og-viken/group",
            [303, 404, 404, 404, 404, 200, 200, 404],
        ),
        (
            "/plans/{embete}/group",
            Method::POST,
            "/plans/oslo-og-viken/group",
            [303, 404, 404, 404, 404, 409, 409, 404],
        ),
        // Only a leader anchors, and only the version they read.
        (
            "/plans/{embete}/anchor",
            Method::POST,
            "/plans/oslo-og-viken/anchor",
            [303, 404, 404, 404, 404, 403, 409, 404],
        ),
        // Before any anchoring, the history is the embete's own.
        (
            "/plans/{embete}/history",
            Method::GET,
            "/plans/oslo-og-viken/history",
            [404, 404, 404, 404, 404, 200, 200, 404],
        ),
        (
            "/plans/{embete}/pdf",
            Method::GET,
            "/plans/oslo-og-viken/pdf",
            [404, 404, 404, 404, 404, 200, 200, 404],
        ),
        ("/api/v1/plans", Method::GET, "/api/v1/plans", [200; 8]),
        (
            "/api/v1/plans/{embete}",
            Method::GET,
            "/api/v1/plans/oslo-og-viken",
            [404, 404, 404, 404, 404, 200, 200, 404],
        ),
        (
            "/plans/{embete}/{kind}/new",
            Method::GET,
            "/plans/oslo-og-viken/measures/new",
            [303, 404, 404, 404, 404, 200, 200, 404],
        ),
        (
            "/plans/{embete}/{kind}",
            Method::POST,
            "/plans/oslo-og-viken/ambitions",
            [303, 404, 404, 404, 404, 422, 422, 404],
        ),
        (
            "/plans/{embete}/{kind}/{id}",
            Method::GET,
            "/plans/oslo-og-viken/goals/999999",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/plans/{embete}/{kind}/{id}",
            Method::POST,
            "/plans/oslo-og-viken/goals/999999",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/plans/{embete}/{kind}/{id}/remove",
            Method::POST,
            "/plans/oslo-og-viken/goals/999999/remove",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        // Syntheses: none exists here; the list is everyone's, starting one the secretariat's.
        // The search reads only what is published: the same for everyone.
        ("/search", Method::GET, "/search", [200; 8]),
        (
            "/search",
            Method::GET,
            "/search?crc_article=12&year=2019",
            [200; 8],
        ),
        ("/search", Method::GET, "/search?crc_article=99", [400; 8]),
        (
            "/api/v1/search",
            Method::GET,
            "/api/v1/search?crc_article=12",
            [200; 8],
        ),
        (
            "/api/v1/search",
            Method::GET,
            "/api/v1/search?embete=x",
            [400; 8],
        ),
        ("/syntheses", Method::GET, "/syntheses", [200; 8]),
        (
            "/syntheses/{year}",
            Method::GET,
            "/syntheses/2019",
            [404; 8],
        ),
        (
            "/syntheses/{year}/pdf",
            Method::GET,
            "/syntheses/2019/pdf",
            [404; 8],
        ),
        (
            "/syntheses/{year}",
            Method::POST,
            "/syntheses/2019",
            [303, 403, 409, 403, 403, 403, 403, 403],
        ),
        (
            "/syntheses/{year}/sections/{key}",
            Method::GET,
            "/syntheses/2019/sections/intro",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/syntheses/{year}/sections/{key}",
            Method::POST,
            "/syntheses/2019/sections/intro",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/syntheses/{year}/release",
            Method::POST,
            "/syntheses/2019/release",
            [303, 403, 404, 403, 403, 403, 403, 403],
        ),
        (
            "/syntheses/{year}/publish",
            Method::POST,
            "/syntheses/2019/publish",
            [303, 403, 404, 403, 403, 403, 403, 403],
        ),
        (
            "/syntheses/{year}/figures.csv",
            Method::GET,
            "/syntheses/2019/figures.csv",
            [404; 8],
        ),
        (
            "/api/v1/syntheses/{year}",
            Method::GET,
            "/api/v1/syntheses/2019",
            [404; 8],
        ),
        // Everyone signed in has a work list.
        (
            "/tasks",
            Method::GET,
            "/tasks",
            [303, 200, 200, 200, 200, 200, 200, 200],
        ),
        // Yearly reports: the embete's own and the secretariat's. The 2019 assignment is
        // not published here, so nothing can be started or followed yet.
        (
            "/yearly-reports",
            Method::GET,
            "/yearly-reports",
            [303, 403, 200, 403, 403, 200, 200, 403],
        ),
        (
            "/yearly-reports/status/{year}/{period}",
            Method::GET,
            "/yearly-reports/status/2019/year",
            [303, 403, 404, 403, 403, 403, 403, 403],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}",
            Method::GET,
            "/yearly-reports/oslo-og-viken/2019/year",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/pdf",
            Method::GET,
            "/yearly-reports/oslo-og-viken/2019/year/pdf",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year",
            [303, 403, 403, 403, 403, 409, 409, 403],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}",
            Method::GET,
            "/yearly-reports/oslo-og-viken/2019/year/answers/1",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/answers/1",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/approve",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/approve",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/submit",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/submit",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        // The secretariat assesses submitted reports only; there is none here.
        (
            "/yearly-reports/{embete}/{year}/{period}/assessments/{requirement}",
            Method::GET,
            "/yearly-reports/oslo-og-viken/2019/year/assessments/1",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/assessments/{requirement}",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/assessments/1",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/release",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/release",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/reopen",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/reopen",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/yearly-reports/{embete}/{year}/{period}/answers/{requirement}/reply",
            Method::POST,
            "/yearly-reports/oslo-og-viken/2019/year/answers/1/reply",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        // The API asks the same questions; without a token a protected call is 401.
        (
            "/api/v1/yearly-reports",
            Method::GET,
            "/api/v1/yearly-reports",
            [401, 403, 200, 403, 403, 200, 200, 403],
        ),
        (
            "/api/v1/yearly-reports",
            Method::POST,
            "/api/v1/yearly-reports",
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/api/v1/yearly-reports/status/{year}/{period}",
            Method::GET,
            "/api/v1/yearly-reports/status/2019/year",
            [401, 403, 404, 403, 403, 403, 403, 403],
        ),
        (
            "/api/v1/yearly-reports/{embete}/{year}/{period}",
            Method::GET,
            "/api/v1/yearly-reports/oslo-og-viken/2019/year",
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/api/v1/yearly-reports/{embete}/{year}/{period}/answers/{requirement}",
            Method::PUT,
            "/api/v1/yearly-reports/oslo-og-viken/2019/year/answers/1",
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/api/v1/yearly-reports/{embete}/{year}/{period}/approve",
            Method::POST,
            "/api/v1/yearly-reports/oslo-og-viken/2019/year/approve",
            [401, 404, 404, 404, 404, 403, 404, 404],
        ),
        (
            "/api/v1/yearly-reports/{embete}/{year}/{period}/submit",
            Method::POST,
            "/api/v1/yearly-reports/oslo-og-viken/2019/year/submit",
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        // While drafting, a directorate cannot sign yet.
        (
            "/assignments/{year}/sign-off",
            Method::POST,
            "/assignments/2019/sign-off",
            [303, 404, 403, 409, 403, 404, 404, 404],
        ),
        (
            "/assignments/{year}/stage",
            Method::POST,
            "/assignments/2019/stage",
            [303, 404, 422, 403, 403, 404, 404, 404],
        ),
        // No 2018 assignment to compare with.
        (
            "/assignments/{year}/changes",
            Method::GET,
            "/assignments/2019/changes",
            [404; 8],
        ),
        (
            "/assignments/{year}/pdf",
            Method::GET,
            "/assignments/2019/pdf",
            [404, 404, 200, 200, 200, 404, 404, 404],
        ),
        (
            "/api/v1/assignments",
            Method::GET,
            "/api/v1/assignments",
            [200; 8],
        ),
        (
            "/api/v1/assignments",
            Method::POST,
            "/api/v1/assignments",
            [401, 403, 400, 403, 403, 403, 403, 403],
        ),
        (
            "/api/v1/assignments/{year}",
            Method::GET,
            "/api/v1/assignments/2019",
            [404, 404, 200, 200, 200, 404, 404, 404],
        ),
        (
            "/api/v1/assignments/{year}/sections/{key}",
            Method::PUT,
            "/api/v1/assignments/2019/sections/bufdir",
            [401, 404, 409, 409, 403, 404, 404, 404],
        ),
        (
            "/api/v1/assignments/{year}/sign-off",
            Method::POST,
            "/api/v1/assignments/2019/sign-off",
            [401, 404, 403, 409, 403, 404, 404, 404],
        ),
        (
            "/api/v1/assignments/{year}/stage",
            Method::POST,
            "/api/v1/assignments/2019/stage",
            [401, 404, 400, 403, 403, 404, 404, 404],
        ),
        (
            "/api/v1/assignments/{year}/changes",
            Method::GET,
            "/api/v1/assignments/2019/changes",
            [404; 8],
        ),
        (
            "/api/v1/me/tokens",
            Method::GET,
            "/api/v1/me/tokens",
            [401, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/api/v1/me/tokens/{id}/revoke",
            Method::POST,
            "/api/v1/me/tokens/999999/revoke",
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/api/v1/organisations/{code}/members",
            Method::GET,
            "/api/v1/organisations/oslo-og-viken/members",
            [401, 200, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/api/v1/organisations/{code}/members",
            Method::GET,
            "/api/v1/organisations/bufdir/members",
            [401, 200, 403, 200, 403, 403, 403, 403],
        ),
        // The dialogue workflow API: an embete's own staff and leaders only; an empty
        // body is refused field by field (400) or by the stage (409), never applied.
        (
            "/api/v1/dialogue/cycles",
            Method::GET,
            "/api/v1/dialogue/cycles",
            [401, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/api/v1/dialogue/cycles",
            Method::POST,
            "/api/v1/dialogue/cycles",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}",
            Method::GET,
            "/api/v1/dialogue/cycles/1",
            [401, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}",
            Method::GET,
            "/api/v1/dialogue/cycles/2",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}/dialogues",
            Method::POST,
            "/api/v1/dialogue/cycles/1/dialogues",
            [401, 403, 403, 403, 403, 422, 422, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}",
            Method::GET,
            "/api/v1/dialogue/dialogues/2",
            [401, 403, 403, 403, 403, 200, 200, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}",
            Method::GET,
            "/api/v1/dialogue/dialogues/3",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/steps",
            Method::POST,
            "/api/v1/dialogue/dialogues/2/steps",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        // Withdrawing a published report is for the embete's leaders only.
        (
            "/api/v1/dialogue/dialogues/{id}/withdraw",
            Method::POST,
            "/api/v1/dialogue/dialogues/1/withdraw",
            [401, 403, 403, 403, 403, 403, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/withdraw",
            Method::POST,
            "/api/v1/dialogue/dialogues/3/withdraw",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/steps/{step}/date",
            Method::POST,
            "/api/v1/dialogue/dialogues/2/steps/1/date",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/steps/{step}/date",
            Method::POST,
            "/api/v1/dialogue/dialogues/3/steps/1/date",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/reopen",
            Method::POST,
            "/api/v1/dialogue/dialogues/1/reopen",
            [401, 403, 403, 403, 403, 403, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/reopen",
            Method::POST,
            "/api/v1/dialogue/dialogues/3/reopen",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}/rename",
            Method::POST,
            "/api/v1/dialogue/cycles/1/rename",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}/rename",
            Method::POST,
            "/api/v1/dialogue/cycles/2/rename",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}/delete",
            Method::POST,
            "/api/v1/dialogue/cycles/1/delete",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/cycles/{id}/delete",
            Method::POST,
            "/api/v1/dialogue/cycles/2/delete",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/remove",
            Method::POST,
            "/api/v1/dialogue/dialogues/2/remove",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/remove",
            Method::POST,
            "/api/v1/dialogue/dialogues/3/remove",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/undo",
            Method::POST,
            "/api/v1/dialogue/dialogues/2/undo",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/undo",
            Method::POST,
            "/api/v1/dialogue/dialogues/3/undo",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/meetings/{kind}",
            Method::GET,
            "/api/v1/dialogue/dialogues/2/meetings/leaders",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/meetings/{kind}",
            Method::PUT,
            "/api/v1/dialogue/dialogues/2/meetings/youth",
            [401, 403, 403, 403, 403, 400, 400, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/report",
            Method::GET,
            "/api/v1/dialogue/dialogues/2/report",
            [401, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            "/api/v1/dialogue/dialogues/{id}/report",
            Method::PUT,
            "/api/v1/dialogue/dialogues/2/report",
            [401, 403, 403, 403, 403, 409, 409, 403],
        ),
        (
            "/api/v1/follow-ups",
            Method::GET,
            "/api/v1/follow-ups",
            [401, 403, 403, 403, 403, 200, 200, 200],
        ),
        (
            "/api/v1/follow-ups/{id}",
            Method::POST,
            "/api/v1/follow-ups/1",
            [401, 403, 403, 403, 403, 403, 403, 404],
        ),
        // State changes last; the target is a throwaway account.
        (
            "/admin/users/{id}/disable",
            Method::POST,
            "",
            [303, 303, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/admin/users/{id}/enable",
            Method::POST,
            "",
            [303, 303, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/admin/users/{id}/reset-link",
            Method::POST,
            "",
            [303, 200, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/about/accessibility",
            Method::GET,
            "/about/accessibility",
            [200; 8],
        ),
        ("/about/privacy", Method::GET, "/about/privacy", [200; 8]),
        ("/about/contact", Method::GET, "/about/contact", [200; 8]),
        (
            // Administrators, and the machine itself (not in this matrix: no address).
            "/metrics",
            Method::GET,
            "/metrics",
            [404, 200, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/account/password",
            Method::GET,
            "/account/password",
            [303, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            // The matrix's form gives no current password: refused for every user alike.
            "/account/password",
            Method::POST,
            "/account/password",
            [303, 422, 422, 422, 422, 422, 422, 422],
        ),
        // A reset link that was never made is gone for everyone, signed in or not.
        ("/reset/{secret}", Method::GET, "/reset/nonsense", [410; 8]),
        ("/reset/{secret}", Method::POST, "/reset/nonsense", [410; 8]),
        // Nobody has a kept form here: each user sees only their own.
        (
            "/kept-forms/{id}",
            Method::GET,
            "/kept-forms/1",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        (
            "/kept-forms/{id}/discard",
            Method::POST,
            "/kept-forms/1/discard",
            [303, 404, 404, 404, 404, 404, 404, 404],
        ),
        // Last: it ends every requester's session.
        ("/logout", Method::POST, "/logout", [303; 8]),
    ];
    rows.into_iter()
        .map(|(t, m, p, e)| {
            let path = if p.is_empty() {
                t.replace("{id}", &d.to_string())
            } else {
                p.to_owned()
            };
            (path, (t, m, p, e))
        })
        .collect()
}

#[tokio::test]
async fn every_route_as_every_role() {
    let app = app().await;
    let spare = NewUser {
        email: "spare@test.example".into(),
        name: "Spare".into(),
        organisation: "agder".into(),
        roles: vec!["embete_staff".into()],
        password: PASSWORD.into(),
    };
    let spare = users::create_user(
        &app.db,
        &samla_domain::access::system_authority_for_command_line_and_demo().manage_users(),
        &Who::system("test"),
        &spare,
    )
    .await
    .ok()
    .unwrap();
    let secretariat = samla_domain::access::Actor {
        user_id: users::find_user_id(&app.db, "secretariat@test.example")
            .await
            .unwrap()
            .unwrap(),
        email: "secretariat@test.example".into(),
        name: "Secretariat".into(),
        organisation: samla_domain::access::OrgRef {
            code: "sekretariatet".into(),
            kind: samla_domain::access::OrgKind::Secretariat,
        },
        roles: vec![samla_domain::access::Role::Secretariat],
    };
    samla_db::assignment::create(&app.db, &secretariat, 2019)
        .await
        .unwrap();
    let rows = matrix(spare.id);

    // Every route in the router has at least one row here.
    for (template, _) in routes() {
        assert!(
            rows.iter().any(|(_, (t, ..))| *t == template),
            "route {template} is missing from the access matrix"
        );
    }

    let requesters: Vec<Option<&str>> = std::iter::once(None)
        .chain(USERS.iter().map(|(r, _)| Some(*r)))
        .collect();
    for (path, (template, method, _, expected)) in &rows {
        for (i, who) in requesters.iter().enumerate() {
            let cookie = who.map(|r| app.cookie(r));
            // A different account per requester, so the login throttle is not what answers.
            let body = if path.starts_with("/api/") {
                "{}".to_owned()
            } else {
                format!("email=matrix{i}%40test.example&password=y")
            };
            let body = (*method != Method::GET).then_some(body.as_str());
            let r = app
                .send(method.clone(), path, cookie.as_deref(), body)
                .await;
            assert_eq!(
                r.status.as_u16(),
                expected[i],
                "{method} {path} ({template}) as {}",
                who.unwrap_or("visitor")
            );
        }
    }
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_at_once() {
    let app = app().await;
    let id = users::find_user_id(&app.db, "embete_leader@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.get_as("embete_leader", "/account").await.status,
        StatusCode::OK
    );
    let r = app
        .send(
            Method::POST,
            &format!("/admin/users/{id}/disable"),
            Some(&app.cookie("admin")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_as("embete_leader", "/account").await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        app.login("embete_leader@test.example", PASSWORD)
            .await
            .is_none()
    );
    // An admin cannot lock themselves out.
    let admin = users::find_user_id(&app.db, "admin@test.example")
        .await
        .unwrap()
        .unwrap();
    let r = app
        .send(
            Method::POST,
            &format!("/admin/users/{admin}/disable"),
            Some(&app.cookie("admin")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn healthz_and_the_stylesheet() {
    let app = app().await;
    assert_eq!(app.get("/healthz").await.body, "ok");
    let css = app.get("/assets/samla.css").await;
    assert!(css.body.contains(".ds-button") && css.body.contains(".site-header"));
    assert!(
        css.headers
            .get(header::CACHE_CONTROL)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn an_embete_plans_a_cycle_and_takes_dialogues_step_by_step() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    // Bad input keeps what was typed and points at the fields.
    let r = app
        .send(
            Method::POST,
            "/dialogue/cycles",
            Some(&staff),
            Some("name=&starts_on=2018-01-01&ends_on=2017-01-01"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#name\"") && r.body.contains("value=\"2018-01-01\""));
    let r = app
        .send(
            Method::POST,
            "/dialogue/cycles",
            Some(&staff),
            Some("name=Dialog+2021&starts_on=2021-01-01&ends_on=2021-12-31"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cycle = r
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    // Units are those valid at the cycle's start: Hurdal is 3037 in 2021, Bjerke a district.
    let page = app.send(Method::GET, &cycle, Some(&staff), None).await;
    assert!(page.body.contains("value=\"3037\"") && page.body.contains("value=\"030109\""));
    assert!(!page.body.contains("value=\"0239\"") && !page.body.contains("value=\"0301\""));
    let r = app
        .send(
            Method::POST,
            &format!("{cycle}/dialogues"),
            Some(&staff),
            Some("unit=3037&unit=030109"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(
            Method::POST,
            &format!("{cycle}/dialogues"),
            Some(&staff),
            Some("unit=4204"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Kristiansand is not in Oslo og Viken"
    );
    // A planning date to come is refused, and what was ticked and typed stays.
    let r = app
        .send(
            Method::POST,
            &format!("{cycle}/dialogues"),
            Some(&staff),
            Some("unit=3038&planned_on=2099-01-01"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"3038\" checked"));
    assert!(r.body.contains("value=\"2099-01-01\""));
    assert!(r.body.contains("href=\"#planned_on\""));
    // Work already under way is entered with the day it was really planned.
    let r = app
        .send(
            Method::POST,
            &format!("{cycle}/dialogues"),
            Some(&staff),
            Some("unit=3038&planned_on=2021-02-01"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.send(Method::GET, &cycle, Some(&staff), None).await;
    assert!(
        page.body.contains("1. februar 2021"),
        "Hole planned on the given day"
    );
    let page = app.send(Method::GET, &cycle, Some(&staff), None).await;
    let id: i64 = page
        .body
        .split("/dialogue/dialogues/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let step = |stage: &str, date: &str, version: i64| {
        format!("stage={stage}&date={date}&version={version}")
    };
    let url = format!("/dialogue/dialogues/{id}/step");
    let take = async |stage: &str, date: &str, version: i64| {
        app.send(
            Method::POST,
            &url,
            Some(&staff),
            Some(&step(stage, date, version)),
        )
        .await
    };
    let dialogue_page = async || {
        let page = format!("/dialogue/dialogues/{id}");
        app.send(Method::GET, &page, Some(&staff), None).await
    };
    // Skipping ahead is refused with a clear message; nothing changes.
    let r = take("leaders_meeting_held", "2021-03-01", 1).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("rekkefølge"));
    let r = take("invited", "2021-02-01", 1).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A second editor working from the old version gets a conflict, not an overwrite.
    let r = take("invited", "2021-02-02", 1).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Noen andre har endret"));
    let r = take("accepted", "2021-01-15", 2).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a step cannot be dated before the one before it"
    );
    assert!(
        r.body.contains("value=\"2021-01-15\""),
        "the typed date is kept"
    );
    let r = take("accepted", "2021-02-20", 2).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A recorded meeting's date is offered for the step that says it was held.
    let r = app
        .send(
            Method::POST,
            &format!("/dialogue/dialogues/{id}/meetings/leaders"),
            Some(&staff),
            Some("held_on=2021-03-03&place=R%C3%A5dhuset&services=health"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = dialogue_page().await;
    assert!(page.body.contains("name=\"date\" value=\"2021-03-03\""));
    for (stage, date, version) in [
        ("leaders_meeting_held", "2021-03-03", 3),
        ("youth_meeting_held", "2021-05-01", 4),
    ] {
        let r = take(stage, date, version).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{stage}");
    }
    // The report's steps are taken from the report, not from here.
    let r = take("report_drafted", "2021-05-10", 5).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = dialogue_page().await;
    assert!(page.body.contains("Møte med barn og unge holdt"));
    // The cards say what is written so far: the leaders' meeting, not yet the youth
    // meeting, and that the report may be started.
    assert!(page.body.contains("Holdt 3. mars 2021 · Rådhuset"));
    assert_eq!(page.body.matches("Ikke registrert ennå").count(), 1);
    assert!(page.body.contains("Ikke påbegynt"));
    let audit = app
        .get_as("embete_leader", "/admin/audit?action=dialogue.step")
        .await;
    assert!(audit.body.contains("youth_meeting_held"));
    // F15: an embete's unpublished work is not in anyone else's view of the log, not
    // even an administrator's.
    let admin_view = app
        .get_as("admin", "/admin/audit?action=dialogue.step")
        .await;
    assert_eq!(admin_view.status, StatusCode::OK);
    assert!(!admin_view.body.contains("youth_meeting_held"));
    // Not published: not visible to the public.
    assert_eq!(
        app.get(&format!("/dialogues/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn coverage_follows_renumbering_and_counts_units_valid_then() {
    let app = app().await;
    let r = app
        .get("/api/v1/dialogue/coverage?embete=oslo-og-viken&date=2019-12-31")
        .await;
    let c: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        c["total"],
        61 + 15,
        "61 municipalities besides Oslo, and Oslo's 15 districts"
    );
    assert_eq!(
        c["completed"],
        1,
        "{}",
        &r.body[r.body.find("030109").unwrap_or(0)..]
    );
    let units = c["units"].as_array().unwrap();
    let bjerke = units.iter().find(|u| u["number"] == "030109").unwrap();
    assert_eq!(bjerke["stage"], "published");
    assert_eq!(bjerke["kind"], "district");
    assert_eq!(bjerke["report_url"], "/dialogues/1");
    let hurdal = units.iter().find(|u| u["number"] == "0239").unwrap();
    assert_eq!(hurdal["stage"], "invited");
    assert!(hurdal["report_url"].is_null());
    assert!(units.iter().find(|u| u["number"] == "0623").unwrap()["stage"].is_null());

    let r = app
        .get("/api/v1/dialogue/coverage?embete=oslo-og-viken&date=2021-06-01")
        .await;
    let c: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(c["total"], 51 + 15);
    let hurdal = c["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["number"] == "3037")
        .unwrap();
    assert_eq!(
        hurdal["stage"], "invited",
        "the 2019 dialogue with 0239 counts for 3037"
    );

    let r = app.get("/api/v1/dialogue/coverage?date=2021-06-01").await;
    let c: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        c["total"],
        355 + 15,
        "the whole country: every municipality but Oslo, and its districts"
    );
    for (uri, code) in [
        ("/api/v1/dialogue/coverage?date=2021-13-01", "invalid_date"),
        (
            "/api/v1/dialogue/coverage?embete=atlantis",
            "unknown_embete",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains(code), "{uri}");
    }
    let page = app
        .get("/coverage?embete=oslo-og-viken&date=2019-12-31")
        .await;
    assert!(page.body.contains("1 av 76 enheter"));
    assert!(page.body.contains("href=\"/dialogues/1\""));
    // The map says the same as the table: 2019 is drawn on the 2020 boundaries, Oslo's
    // districts share Oslo's shape, and the legend counts units per stage group.
    let map = &page.body[page.body.find("<figure class=\"coverage-map\"").unwrap()..];
    assert!(map.contains("role=\"img\"") && map.contains("aria-labelledby=\"map-title map-desc\""));
    assert!(
        map.contains("Hurdal (0239): Invitert"),
        "Hurdal 2019 on its 2020 shape"
    );
    assert!(
        map.contains("Bjerke (030109): Publisert"),
        "Bjerke in Oslo's shape"
    );
    assert!(
        map.contains("class=\"map-mixed\""),
        "Oslo's districts differ"
    );
    assert!(map.contains("kommunegrensene fra 2020"));
    assert!(map.contains("Rapport publisert: <strong>1</strong></span>"));
    assert!(map.contains("Ingen dialog: <strong>74</strong>"));
    assert!(map.contains("Kartverket"));
    let page = app
        .get("/coverage?embete=oslo-og-viken&date=2021-06-01")
        .await;
    let map = &page.body[page.body.find("<figure class=\"coverage-map\"").unwrap()..];
    assert!(
        map.contains("Hurdal (3037): Invitert"),
        "the 2019 dialogue is drawn on Hurdal's 2021 shape"
    );
    assert!(map.contains("Ingen dialog: <strong>64</strong>"));
    let later = app.get("/coverage?date=2024-06-01").await;
    assert!(!later.body.contains("kommunegrensene fra 2020"));
    assert_eq!(later.body.matches("<path class=\"map-").count(), 357);
}

#[tokio::test]
async fn a_report_is_written_approved_by_a_leader_and_published_without_personal_data() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    let leader = app.cookie("embete_leader");
    // Hurdal (dialogue 2) is invited; bring it to the youth meeting.
    let url = "/dialogue/dialogues/2/step";
    for (stage, date, v) in [
        ("accepted", "2019-09-20", 2),
        ("leaders_meeting_held", "2019-11-12", 3),
        ("youth_meeting_held", "2019-11-26", 4),
    ] {
        let r = app
            .send(
                Method::POST,
                url,
                Some(&staff),
                Some(&format!("stage={stage}&date={date}&version={v}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{stage}");
    }
    // The youth meeting records a group, a count and age bands; bad input is kept and explained.
    let r = app
        .send(Method::POST, "/dialogue/dialogues/2/meetings/youth", Some(&staff), Some("held_on=2019-11-26&place=Hurdal+skole&youth_group=youth_council&participants=many&age_bands=13-15"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"many\"") && r.body.contains("href=\"#participants\""));
    let r = app
        .send(Method::POST, "/dialogue/dialogues/2/meetings/youth", Some(&staff), Some("held_on=2019-11-26&place=Hurdal+skole&youth_group=youth_council&participants=9&age_bands=13-15&age_bands=16-18&services=planning"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let fnr = synthetic_fnr();
    let report = |version: i64, summary: &str, youth: &str| {
        format!(
            "version={version}&language=nn&facts=Om+lag+2700+innbyggjarar&leaders_said=Leiarane+vil+samarbeide&youth_said={youth}\
             &finding_body_0=Barn+blir+ikkje+alltid+h%C3%B8yrde&finding_crc_0=12%2C+3&finding_steps_0=4&finding_body_1=&finding_crc_1=&finding_steps_1=\
             &advice=Lag+rutinar&child_summary={summary}\
             &follow_up_body_0=Rutine+for+%C3%A5+h%C3%B8yre+barn&follow_up_owner_0=Kommunalsjef&follow_up_deadline_0=2020-06-01&follow_up_status_0=open"
        )
    };
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/report",
            Some(&staff),
            Some(&report(0, "", &format!("Nr+{fnr}"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second editor who started from the empty report gets a conflict that keeps their text.
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/report",
            Some(&leader),
            Some(&report(0, "Mitt+samandrag", "Anna+tekst")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Mitt samandrag"), "their text is kept");
    assert!(
        r.body
            .contains("Noen andre har lagret rapporten mens du skrev"),
        "and the fields both changed are offered to choose from"
    );

    let step = |stage: &str, v: i64, rv: i64, confirm: bool| {
        format!(
            "stage={stage}&date=2019-12-01&dialogue_version={v}&report_version={rv}{}",
            if confirm {
                "&confirm_personal_ids=yes"
            } else {
                ""
            }
        )
    };
    let s = "/dialogue/dialogues/2/report/step";
    assert_eq!(
        app.send(
            Method::POST,
            s,
            Some(&staff),
            Some(&step("report_drafted", 5, 1, false))
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let r = app
        .send(
            Method::POST,
            s,
            Some(&staff),
            Some(&step("report_approved", 6, 1, false)),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "case officers do not approve"
    );
    let r = app
        .send(
            Method::POST,
            s,
            Some(&leader),
            Some(&step("report_approved", 6, 1, false)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#child_summary\""),
        "the child-friendly summary is required"
    );
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/report",
            Some(&staff),
            Some(&report(
                1,
                "Vi+snakka+med+ungdomsr%C3%A5det",
                &format!("Nr+{fnr}"),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(
            Method::POST,
            s,
            Some(&leader),
            Some(&step("report_approved", 6, 2, true)),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a valid identity number blocks, even when confirmed"
    );
    assert!(r.body.contains("href=\"#youth_said\"") && r.body.contains("fødselsnummer"));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/report",
            Some(&staff),
            Some(&report(
                2,
                "Vi+snakka+med+ungdomsr%C3%A5det",
                "Ring+99999999999",
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(
            Method::POST,
            s,
            Some(&leader),
            Some(&step("report_approved", 6, 3, false)),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "other 11-digit runs need a confirmation"
    );
    assert_eq!(
        app.send(
            Method::POST,
            s,
            Some(&leader),
            Some(&step("report_approved", 6, 3, true))
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let audit = app
        .get_as("embete_leader", "/admin/audit?action=dialogue.step")
        .await;
    assert!(
        audit.body.contains("eleven_digit_runs_in"),
        "the confirmation is audited"
    );
    // Approved reports are locked and read as they will be published; a save from an
    // editor who still had the form open is refused, and what they typed is shown.
    let page = app
        .send(
            Method::GET,
            "/dialogue/dialogues/2/report",
            Some(&staff),
            None,
        )
        .await;
    assert!(page.body.contains("<article class=\"report\" lang=\"nn\">"));
    assert!(!page.body.contains("<textarea"));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/2/report",
            Some(&staff),
            Some(&report(3, "Sein+endring", "y")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("href=\"#unsaved\""));
    let unsaved = &r.body[r.body.find("id=\"unsaved\"").unwrap()..];
    assert!(unsaved.contains("Sein endring"), "the typed text is kept");
    assert!(
        !unsaved[..unsaved.find("</section>").unwrap()].contains("Om lag 2700"),
        "only what differs from the approved report"
    );
    // Its meetings are locked with it: shown, not edited; a late save keeps what was typed.
    let page = app
        .send(
            Method::GET,
            "/dialogue/dialogues/2/meetings/youth",
            Some(&staff),
            None,
        )
        .await;
    assert!(
        page.body.contains("møtet kan ikke endres")
            && !page
                .body
                .contains("<form method=\"post\" action=\"/dialogue/dialogues/2/meetings")
    );
    assert!(page.body.contains("Hurdal skole"));
    let r = app
        .send(Method::POST, "/dialogue/dialogues/2/meetings/youth", Some(&staff), Some("held_on=2019-11-26&place=Sent+endra+stad&youth_group=youth_council&participants=9&age_bands=13-15"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("href=\"#form\"") && r.body.contains("value=\"Sent endra stad\""));
    let r = app
        .send(
            Method::POST,
            s,
            Some(&staff),
            Some(&step("published", 7, 3, true)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers.get(header::LOCATION).unwrap(),
        "/dialogues/2?published=1"
    );
    let public = app.get("/dialogues/2").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.body.contains("lang=\"nn\""),
        "the report is marked with its language"
    );
    let summary = public.body.find("Vi snakka med ungdomsrådet").unwrap();
    assert!(
        summary < public.body.find("Om lag 2700").unwrap(),
        "the child-friendly summary comes first"
    );
    assert!(public.body.contains("BK art. 3, 12") && public.body.contains("9 barn og unge deltok"));
    assert!(!public.body.contains(&fnr));

    // Hurdal's contact (3242) sees the item agreed with Hurdal (then 0239), overdue.
    let muni = app.cookie("municipality");
    let page = app
        .send(Method::GET, "/follow-ups", Some(&muni), None)
        .await;
    assert!(page.body.contains("Rutine for å høyre barn") && page.body.contains(">Forfalt<"));
    let id: i64 = page
        .body
        .split("action=\"/follow-ups/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let r = app
        .send(
            Method::POST,
            &format!("/follow-ups/{id}"),
            Some(&muni),
            Some("status=done&comment=Rutinen+er+vedtatt"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .send(
            Method::POST,
            &format!("/follow-ups/{id}"),
            Some(&muni),
            Some("status=finished&comment="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The embete sees the comment; the item is no longer overdue.
    let page = app
        .send(Method::GET, "/follow-ups", Some(&staff), None)
        .await;
    assert!(
        page.body.contains("Rutinen er vedtatt"),
        "{}",
        &page.body[page.body.find("<main").unwrap_or(0)..]
    );
    assert!(
        !page.body.contains(">Forfalt<"),
        "done items are not overdue"
    );
    assert!(
        !page.body.contains("action=\"/follow-ups/"),
        "the embete reads; the unit updates"
    );
}

#[tokio::test]
async fn published_reports_are_open_data_and_nothing_else_is() {
    let app = app().await;
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&app.get("/api/v1/dialogue/reports").await.body).unwrap();
    assert_eq!(list.len(), 1, "only Bjerke is published");
    assert_eq!(list[0]["unit_number"], "030109");
    assert_eq!(list[0]["url"], "/dialogues/1");
    for (query, n) in [
        ("unit=030109", 1),
        ("unit=3242", 0),
        ("embete=agder", 0),
        ("embete=oslo-og-viken", 1),
        ("cycle=1", 1),
        ("cycle=2", 0),
    ] {
        let list: Vec<serde_json::Value> = serde_json::from_str(
            &app.get(&format!("/api/v1/dialogue/reports?{query}"))
                .await
                .body,
        )
        .unwrap();
        assert_eq!(list.len(), n, "{query}");
    }
    // Malformed filters are 400; a unit that never existed is refused by the region data.
    for (query, status) in [
        ("embete=atlantis", StatusCode::BAD_REQUEST),
        ("unit=12ab", StatusCode::UNPROCESSABLE_ENTITY),
        ("cycle=x", StatusCode::BAD_REQUEST),
        ("cycle=0", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            app.get(&format!("/api/v1/dialogue/reports?{query}"))
                .await
                .status,
            status,
            "{query}"
        );
    }
    let csv = app.get("/reports.csv?embete=oslo-og-viken").await;
    assert!(
        csv.headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("id,embete,cycle_id") && lines[1].contains("Bydel Bjerke"));
    let page = app.get("/reports").await;
    assert!(page.body.contains("href=\"/dialogues/1\"") && !page.body.contains("/dialogues/2"));
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document() {
    let app = app().await;
    let doc: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/openapi.json").await.body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (template, route) in routes() {
        if let Some(path) = template.strip_prefix("/api/v1") {
            assert!(
                paths.contains_key(path),
                "{template} is not documented in openapi.json"
            );
            // Every method the router answers on the path is documented too.
            for method in ["get", "post", "put", "delete", "patch"] {
                if route.contains(&format!("{method}(")) {
                    assert!(
                        paths[path].get(method).is_some(),
                        "{method} {template} is not documented in openapi.json"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn the_whole_workflow_runs_through_the_api_with_the_same_rules() {
    use serde_json::json;
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let unit = app.token("municipality").await;
    let (get, post, put) = (Method::GET, Method::POST, Method::PUT);

    // Bad input is refused field by field, all at once.
    let (status, body) = app
        .api(
            post.clone(),
            "/api/v1/dialogue/cycles",
            &staff,
            json!({"name": "", "starts_on": "2021-02-30"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"starts_on"),
        "{body}"
    );

    let (status, cycle) = app
        .api(
            post.clone(),
            "/api/v1/dialogue/cycles",
            &staff,
            json!({"name": "Runde 2021", "starts_on": "2021-01-01", "ends_on": "2021-12-31"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cycle}");
    let cycle_url = format!("/api/v1/dialogue/cycles/{}", cycle["id"]);
    let (status, added) = app
        .api(
            post.clone(),
            &format!("{cycle_url}/dialogues"),
            &staff,
            json!({"units": ["3037"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["added"], 1);
    let id = added["dialogues"][0]["id"].as_i64().unwrap();
    // "all" adds every other unit of the area valid on the cycle's first day.
    let (status, rest) = app
        .api(
            post.clone(),
            &format!("{cycle_url}/dialogues"),
            &staff,
            json!({"units": ["all"]}),
        )
        .await;
    assert_eq!(
        (status, rest["added"].as_i64()),
        (StatusCode::CREATED, Some(51 + 15 - 1))
    );
    let url = format!("/api/v1/dialogue/dialogues/{id}");
    // The municipality's contact cannot plan anything.
    let (status, _) = app.api(get.clone(), &cycle_url, &unit, json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let step = |stage: &str, date: &str, version: i64| json!({"stage": stage, "date": date, "version": version});
    let steps_url = format!("{url}/steps");
    let take = async |token: &str, body: serde_json::Value| {
        app.api(post.clone(), &steps_url, token, body).await
    };
    let (status, d) = app.api(get.clone(), &url, &staff, json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["next"], json!(["invited"]));
    let version = d["dialogue"]["version"].as_i64().unwrap();
    // Skipping ahead is refused and changes nothing.
    let (status, body) = take(&staff, step("accepted", "2021-02-01", version)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("stage_not_allowed"))
    );
    let mut version = version;
    for (stage, date) in [("invited", "2021-02-01"), ("accepted", "2021-02-10")] {
        let (status, d) = take(&staff, step(stage, date, version)).await;
        assert_eq!(status, StatusCode::OK, "{stage}: {d}");
        assert_eq!(d["stage"], stage);
        version = d["version"].as_i64().unwrap();
    }
    // Dates: not in the future, not before the previous step, each with its own message.
    for (date, code) in [
        ("2099-01-01", "date_in_future"),
        ("2021-02-05", "date_before_previous_step"),
    ] {
        let (status, body) = take(&staff, step("leaders_meeting_held", date, version)).await;
        assert_eq!(
            (status, body["code"].as_str(), body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code), Some("date"))
        );
    }
    // A stale version is a conflict.
    let (status, body) = take(
        &staff,
        step("leaders_meeting_held", "2021-03-01", version - 1),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("edit_conflict"))
    );

    // Meetings: a youth meeting has a group, a count and age bands, and says what is wrong.
    let (status, m) = app
        .api(put.clone(), &format!("{url}/meetings/leaders"), &staff, json!({"held_on": "2021-03-01", "place": "Rådhuset", "services": ["health", "child_welfare"], "roles": "Kommunalsjef", "notes": "God dialog."}))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let (status, body) = app
        .api(put.clone(), &format!("{url}/meetings/youth"), &staff, json!({"held_on": "2021-03-15", "place": "Skolen", "youth_group": "youth_council", "participants": 0}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "participants"),
        "{body}"
    );
    let (status, _) = app
        .api(put.clone(), &format!("{url}/meetings/youth"), &staff, json!({"held_on": "2021-03-15", "place": "Skolen", "youth_group": "youth_council", "participants": 8, "age_bands": ["13-15"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (stage, date) in [
        ("leaders_meeting_held", "2021-03-01"),
        ("youth_meeting_held", "2021-03-15"),
    ] {
        let (status, d) = take(&staff, step(stage, date, version)).await;
        assert_eq!(status, StatusCode::OK, "{stage}: {d}");
        version = d["version"].as_i64().unwrap();
    }

    // The report, with an identity number hidden in the facts.
    let fnr = synthetic_fnr();
    let report = json!({
        "language": "nn",
        "facts": format!("Om lag 3 000 innbyggjarar. Sak {fnr}."),
        "leaders_said": "Leiarane vil samarbeide betre.",
        "youth_said": "Ungdomane vil bli høyrde.",
        "advice": "Lag ein plan for medverknad.",
        "child_summary": "Vi snakka med ungdomsrådet om korleis de har det.",
        "findings": [{"body": "Barn blir ikkje alltid høyrde.", "crc_articles": [12], "steps": [2, 3]}],
        "follow_ups": [{"body": "Plan for medverknad", "owner": "Kommunalsjef", "deadline": "2021-12-01", "status": "open"}],
        "version": 0
    });
    // An error names the row it is in. A blank row, which only a form's spare rows
    // can explain, is refused in the API rather than dropped without a word.
    for (findings, field) in [
        (
            json!([{"body": "Funn"}, {"body": "Funn", "crc_articles": "99"}]),
            "finding_crc_1",
        ),
        (json!([{}, {"body": "Funn"}]), "findings"),
    ] {
        let mut gap = report.clone();
        gap["findings"] = findings;
        let (status, body) = app
            .api(put.clone(), &format!("{url}/report"), &staff, gap)
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}"
        );
    }
    let (status, saved) = app
        .api(
            put.clone(),
            &format!("{url}/report"),
            &staff,
            report.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["findings"][0]["crc_articles"], "12");
    // Someone else's stale save gets 409 with what is saved now, and overwrites nothing.
    let mut stale = report.clone();
    stale["child_summary"] = json!("Annan tekst");
    let (status, body) = app
        .api(put.clone(), &format!("{url}/report"), &leader, stale)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current"]["child_summary"], saved["child_summary"]);

    let (status, d) = take(&staff, step("report_drafted", "2021-04-01", version)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    version = d["version"].as_i64().unwrap();
    // Only a leader approves, and not with an identity number in the text.
    let (status, body) = take(&staff, step("report_approved", "2021-04-02", version)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("leader_required"))
    );
    let approve = |version: i64, report_version: &serde_json::Value| {
        let mut body = step("report_approved", "2021-04-02", version);
        body["report_version"] = report_version.clone();
        body
    };
    // Approval names the report version the leader read.
    let (status, body) = take(&leader, step("report_approved", "2021-04-02", version)).await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("required"),
            Some("report_version")
        )
    );
    let (status, body) = take(&leader, approve(version, &saved["version"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "facts");
    let mut fixed = report.clone();
    fixed["facts"] = json!("Om lag 3 000 innbyggjarar.");
    fixed["version"] = saved["version"].clone();
    let (status, fixed) = app
        .api(put.clone(), &format!("{url}/report"), &staff, fixed)
        .await;
    assert_eq!(status, StatusCode::OK, "{fixed}");
    // The code review's §2.3: the leader read the first version; the text changed since,
    // so approving what they read is a conflict, not an approval of text they never saw.
    let (status, body) = take(&leader, approve(version, &saved["version"])).await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("edit_conflict"),
            Some("report_version")
        )
    );
    for stage in ["report_approved", "published"] {
        let mut body = step(stage, "2021-04-02", version);
        body["report_version"] = fixed["version"].clone();
        let (status, d) = take(&leader, body).await;
        assert_eq!(status, StatusCode::OK, "{stage}: {d}");
        version = d["version"].as_i64().unwrap();
    }
    // Published: public to everyone, in the lists, and its follow-up item reaches the unit.
    let page = app.get(&format!("/dialogues/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("lang=\"nn\""));
    let (_, list) = app
        .api(
            get.clone(),
            "/api/v1/dialogue/reports?unit=3037",
            &unit,
            json!(null),
        )
        .await;
    assert!(
        list.to_string().contains(&format!("/dialogues/{id}")),
        "{list}"
    );
    let (status, items) = app
        .api(get.clone(), "/api/v1/follow-ups", &unit, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK);
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["dialogue_id"] == id)
        .unwrap();
    let (status, body) = app
        .api(
            post.clone(),
            &format!("/api/v1/follow-ups/{}", item["id"]),
            &unit,
            json!({"status": "nonsense"}),
        )
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("status"))
    );
    let (status, updated) = app
        .api(
            post.clone(),
            &format!("/api/v1/follow-ups/{}", item["id"]),
            &unit,
            json!({"status": "in_progress", "comment": "Planen er i arbeid."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["status"], "in_progress");
    // Every change above is in the audit log under the token's user, for the embete's
    // leaders (it is the embete's own work, so administrators do not see it).
    let admin = samla_db::tokens::actor_for(&app.db, &app.token("embete_leader").await)
        .await
        .unwrap()
        .unwrap();
    let filter = samla_db::audit::Filter {
        action: Some("dialogue.step".into()),
        entity_id: Some(id.to_string()),
        ..Default::default()
    };
    let proof = samla_domain::access::read_audit(&admin).unwrap();
    let entries = samla_db::audit::list(&app.db, &proof, &filter, 100)
        .await
        .unwrap();
    assert!(
        entries.iter().all(|e| e.actor.contains("@test.example")),
        "{entries:?}"
    );
    let steps = entries.len();
    assert_eq!(steps, 7, "invited to published, every step audited");
    let administrator = samla_db::tokens::actor_for(&app.db, &app.token("admin").await)
        .await
        .unwrap()
        .unwrap();
    let outside = samla_domain::access::read_audit(&administrator).unwrap();
    let seen = samla_db::audit::list(&app.db, &outside, &filter, 100)
        .await
        .unwrap();
    assert!(seen.is_empty(), "{seen:?}");
}

/// The document promises every status an operation can answer (the contract fuzzer in
/// `.ci/contract` fails on any other): malformed input is 400 everywhere, a body can be
/// too large, not JSON or refused by a rule, and a protected operation needs a token.
#[tokio::test]
async fn every_operation_documents_the_statuses_it_can_answer() {
    let app = app().await;
    let doc: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/openapi.json").await.body).unwrap();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let documented = |status: &str| operation["responses"].get(status).is_some();
            let mut expected = Vec::new();
            let takes_input = operation.get("requestBody").is_some()
                || operation["parameters"]
                    .as_array()
                    .is_some_and(|p| !p.is_empty());
            if takes_input {
                expected.push("400");
            }
            if operation.get("requestBody").is_some() {
                expected.extend(["413", "415", "422"]);
            }
            if operation.get("security").is_some() {
                expected.push("401");
            }
            for status in expected {
                assert!(
                    documented(status),
                    "{method} {path} does not document {status}"
                );
            }
            // Each refusal points at the problem body shared by all of them.
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    let reference = response["$ref"].as_str().unwrap_or_default();
                    assert!(
                        reference.starts_with("#/components/responses/"),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    // Integers in requests are bounded (64 bits at most), so valid input never overflows.
    fn bounded(doc: &serde_json::Value, schema: &serde_json::Value, at: &str) {
        if let Some(name) = schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/"))
        {
            let (kind, name) = name.split_once('/').unwrap();
            return bounded(doc, &doc["components"][kind][name], at);
        }
        let is_integer = schema["type"] == "integer"
            || schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&"integer".into()));
        if is_integer {
            assert!(
                schema["minimum"].is_i64() && schema["maximum"].is_i64(),
                "{at}: {schema}"
            );
        }
        for key in ["properties"] {
            if let Some(map) = schema[key].as_object() {
                map.values().for_each(|s| bounded(doc, s, at));
            }
        }
        for key in ["items", "schema"] {
            if !schema[key].is_null() {
                bounded(doc, &schema[key], at);
            }
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(list) = schema[key].as_array() {
                list.iter().for_each(|s| bounded(doc, s, at));
            }
        }
    }
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let at = format!("{method} {path}");
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                bounded(&doc, parameter, &at);
            }
            bounded(
                &doc,
                &operation["requestBody"]["content"]["application/json"]["schema"],
                &at,
            );
        }
    }
}
