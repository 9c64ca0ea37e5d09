//! Nothing typed is lost when a session runs out (M5 of the new-user review): the
//! posted form is kept for the user whose session it was, the login page says why,
//! and after logging in that user alone gets the form back and sends it again.

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use samla_db::{kept_forms, sessions};

fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn report_body(facts: &str, version: i64) -> String {
    format!(
        "version={version}&language=nb&facts={facts}&leaders_said=Lederne&youth_said=Ungdommene\
         &advice=R%C3%A5d&child_summary=Vi+snakket+med+ungdomsr%C3%A5det\
         &finding_body_0=Funn&finding_crc_0=12&finding_steps_0=2"
    )
}

/// Logs in through the form as `role`; (new session cookie, where the login sent us).
async fn log_in_again(app: &App, role: &str) -> (String, String) {
    let body = format!(
        "email={role}%40test.example&password={}&next=/account",
        PASSWORD.replace(' ', "+")
    );
    let r = app.send(Method::POST, "/login", None, Some(&body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = format!("{}={}", common::SESSION, session_from(&r.headers).unwrap());
    (cookie, location(&r))
}

/// Posts the report form with an expired session; returns the kept form's id.
async fn post_after_expiry(app: &App, page_url: &str, body: &str) -> i64 {
    sessions::age_session(&app.db, &app.sessions["embete_staff"], 31 * 60)
        .await
        .unwrap();
    let r = app
        .send(
            Method::POST,
            page_url,
            Some(&app.cookie("embete_staff")),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = location(&r);
    let id = to
        .strip_prefix("/login?reason=expired&next=/kept-forms/")
        .unwrap_or_else(|| panic!("sent to {to}"));
    id.parse().unwrap()
}

/// A drafted report: (app, staff token, dialogue API url, report page, the report form
/// posted with `facts`).
async fn drafted_report(facts: &str) -> (App, String, String, String, String) {
    let app = app().await;
    let staff = app.token("embete_staff").await;
    let (url, _, report_version) = drafted(&app, &staff).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let page_url = format!("/dialogue/dialogues/{id}/report");
    let body = report_body(facts, report_version);
    (app, staff, url, page_url, body)
}

#[tokio::test]
async fn a_form_posted_after_expiry_comes_back_to_its_user_alone() {
    let (app, staff, url, page_url, body) =
        drafted_report("Skrevet+mens+%C3%B8kten+l%C3%B8p+ut").await;
    let kept = post_after_expiry(&app, &page_url, &body).await;

    // The login page says why, and that the form is kept.
    let login = app
        .get(&format!("/login?reason=expired&next=/kept-forms/{kept}"))
        .await;
    assert!(login.body.contains("Det du sendte, er tatt vare på"));
    // Nothing was saved, and nobody else can see the kept form.
    let stored = app.read(&format!("{url}/report"), &staff).await;
    assert_eq!(stored["facts"], "Om lag 3 000 innbyggjarar.");
    for role in ["embete_leader", "admin"] {
        let r = app.get_as(role, &format!("/kept-forms/{kept}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{role}");
    }

    // Logging in again, from any page, leads to the kept form.
    let (cookie, to) = log_in_again(&app, "embete_staff").await;
    assert_eq!(to, format!("/kept-forms/{kept}"));
    let page = app.send(Method::GET, &to, Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Skrevet mens økten løp ut"),
        "the text is shown"
    );
    let send_to = format!("{page_url}?kept={kept}");
    assert!(page.body.contains(&format!("action=\"{send_to}\"")));
    assert!(
        page.body
            .contains("name=\"facts\" value=\"Skrevet mens økten løp ut\"")
    );

    // Sending it again saves it through the report's own handler, and the copy is gone.
    let r = app
        .send(Method::POST, &send_to, Some(&cookie), Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.read(&format!("{url}/report"), &staff).await;
    assert_eq!(stored["facts"], "Skrevet mens økten løp ut");
    let r = app.send(Method::GET, &to, Some(&cookie), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (_, to) = log_in_again(&app, "embete_staff").await;
    assert_eq!(to, "/account", "no form waits any more");
}

#[tokio::test]
async fn a_kept_form_can_be_discarded_and_expires() {
    let (app, _, _, page_url, body) = drafted_report("Forkastes").await;

    let kept = post_after_expiry(&app, &page_url, &body).await;
    let (cookie, _) = log_in_again(&app, "embete_staff").await;
    let r = app
        .send(
            Method::POST,
            &format!("/kept-forms/{kept}/discard"),
            Some(&cookie),
            Some(""),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), page_url, "back where the form was posted");
    let user = samla_db::users::find_user_id(&app.db, "embete_staff@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept_forms::newest(&app.db, user).await.unwrap(), None);

    // A kept form nobody comes back for expires.
    let mut app = app;
    app.sessions.insert(
        "embete_staff",
        cookie[common::SESSION.len() + 1..].to_owned(),
    );
    let kept = post_after_expiry(&app, &page_url, &body).await;
    kept_forms::age(&app.db, kept, kept_forms::KEEP_FOR + 1)
        .await
        .unwrap();
    assert!(
        kept_forms::get(&app.db, kept, user)
            .await
            .unwrap()
            .is_none()
    );
    let (_, to) = log_in_again(&app, "embete_staff").await;
    assert_eq!(to, "/account");
}

#[tokio::test]
async fn only_expired_sessions_keep_forms() {
    let app = app().await;
    // A cookie the server never issued: the login page, and nothing is kept.
    let r = app
        .send(
            Method::POST,
            "/dialogue/cycles",
            Some(&format!("{}=not-a-session", common::SESSION)),
            Some("name=Runde&starts_on=2026-01-01&ends_on=2026-12-31"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=/dialogue/cycles&reason=expired");
    // A form from another site is refused before anything is kept.
    sessions::age_session(&app.db, &app.sessions["embete_staff"], 31 * 60)
        .await
        .unwrap();
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/dialogue/cycles")
        .header(header::HOST, "samla.test")
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, app.cookie("embete_staff"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("name=Planted"))
        .unwrap();
    use tower::ServiceExt;
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let user = samla_db::users::find_user_id(&app.db, "embete_staff@test.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept_forms::newest(&app.db, user).await.unwrap(), None);
}
