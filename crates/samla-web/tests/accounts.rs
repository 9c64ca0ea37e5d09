//! Accounts after they exist: a user changes their own password, an administrator hands
//! over a one-time link, and the chosen language follows the user.

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;

const NEW: &str = "grønn fjellbekk under isen";

fn form(current: &str, new: &str, repeated: &str) -> String {
    format!(
        "current={}&password={}&repeated={}",
        urlencode(current),
        urlencode(new),
        urlencode(repeated)
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_other_sessions_end() {
    let app = app().await;
    let other = app
        .login("embete_staff@test.example", PASSWORD)
        .await
        .unwrap();
    let other = format!("{SESSION}={other}");
    let mine = app.cookie("embete_staff");

    // Each refusal points at its field and sends no password back.
    for (body, field) in [
        (form("feil passord her", NEW, NEW), "current"),
        (
            form(PASSWORD, "passwordpassword", "passwordpassword"),
            "password",
        ),
        (form(PASSWORD, "kort", "kort"), "password"),
        (form(PASSWORD, NEW, "noe annet enn det"), "repeated"),
    ] {
        let r = app
            .send(Method::POST, "/account/password", Some(&mine), Some(&body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        assert!(r.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(!r.body.contains("value=\"grønn") && !r.body.contains("value=\"et langt"));
    }
    let r = app
        .send(
            Method::POST,
            "/account/password",
            Some(&mine),
            Some(&form(PASSWORD, NEW, NEW)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let page = app.get_as("embete_staff", &back).await;
    assert!(page.body.contains("Passordet er endret"), "{back}");
    let r = app.send(Method::GET, "/account", Some(&other), None).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the other session has ended"
    );
    assert!(
        app.login("embete_staff@test.example", PASSWORD)
            .await
            .is_none()
    );
    assert!(app.login("embete_staff@test.example", NEW).await.is_some());
}

#[tokio::test]
async fn an_administrator_hands_over_a_one_time_reset_link() {
    let app = app().await;
    let id = samla_db::users::find_user_id(&app.db, "municipality@test.example")
        .await
        .unwrap()
        .unwrap();
    let uri = format!("/admin/users/{id}/reset-link");
    let r = app
        .send(Method::POST, &uri, Some(&app.cookie("embete_leader")), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only administrators");
    let r = app
        .send(Method::POST, &uri, Some(&app.cookie("admin")), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = r
        .body
        .find("https://samla.test/reset/")
        .expect("the link is shown");
    let link = r.body[start + "https://samla.test".len()..]
        .split('<')
        .next()
        .unwrap()
        .to_owned();

    let page = app.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("municipality@test.example"));
    assert!(
        !page.body.contains("name=\"current\""),
        "no current password is asked"
    );
    let weak = app
        .send(
            Method::POST,
            &link,
            None,
            Some(&form("", "123456789012", "123456789012")),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .send(Method::POST, &link, None, Some(&form("", NEW, NEW)))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.headers[header::LOCATION], "/login?reason=password");
    assert!(app.login("municipality@test.example", NEW).await.is_some());
    // Used once, the link is gone.
    assert_eq!(app.get(&link).await.status, StatusCode::GONE);
    let again = app
        .send(Method::POST, &link, None, Some(&form("", NEW, NEW)))
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    let audit = app
        .get_as("admin", "/admin/audit?action=user.password_reset")
        .await;
    assert!(audit.body.contains("municipality@test.example"));
}

#[tokio::test]
async fn the_chosen_language_follows_the_user_to_another_browser() {
    let app = app().await;
    let r = app
        .send(
            Method::GET,
            "/lang/nn?next=/",
            Some(&app.cookie("embete_staff")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A new browser: no language cookie; the login brings the choice back.
    let login = app
        .send(
            Method::POST,
            "/login",
            None,
            Some("email=embete_staff%40test.example&password=et+langt+passord&next=/"),
        )
        .await;
    let cookies: Vec<&str> = login
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("samla_lang=nn")),
        "{cookies:?}"
    );
}
