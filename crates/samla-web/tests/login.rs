//! Logging in as an attacker would try it: guesses in a row, input far too long, and a
//! `next` that would lead off the site (findings F3–F6 of the security review).

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;

fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_throttled_login_says_how_long_to_wait() {
    let app = app().await;
    let wrong = "email=embete_staff%40test.example&password=feil+passord&next=/";
    for _ in 0..samla_domain::throttle::ACCOUNT.free {
        let r = app.send(Method::POST, "/login", None, Some(wrong)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Each further failure doubles the wait from one second, so within a few attempts
    // one arrives before its wait is over, however slow the machine.
    let mut r = app.send(Method::POST, "/login", None, Some(wrong)).await;
    for _ in 0..4 {
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        r = app.send(Method::POST, "/login", None, Some(wrong)).await;
    }
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=300).contains(&wait), "{wait}");
    assert!(r.body.contains("For mange mislykkede forsøk"));
}

/// F3: an e-mail field a megabyte long is refused, and the page does not send it back.
#[tokio::test]
async fn input_that_cannot_be_an_account_is_refused_and_not_echoed() {
    let app = app().await;
    let long = format!("{}%40x.no", "z".repeat(300_000));
    let r = app
        .send(
            Method::POST,
            "/login",
            None,
            Some(&format!("email={long}&password=x&next=/")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.len() < 100_000, "{} bytes", r.body.len());
}

/// F6: after a real login, and after choosing a language, only paths on this site are
/// followed, whatever a link hides in `next`.
#[tokio::test]
async fn next_never_leads_off_the_site() {
    let app = app().await;
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil",
        "%2F%255C%2Fevil.example",
    ] {
        let r = app
            .send(
                Method::POST,
                "/login",
                None,
                Some(&format!(
                    "email=embete_staff%40test.example&password={}&next={next}",
                    PASSWORD.replace(' ', "+")
                )),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location(&r), "/", "{next}");
        let r = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(location(&r), "/", "{next}");
    }
    let r = app
        .get("/lang/nn?next=%2Fregions%3Fdate%3D2020-01-01")
        .await;
    assert_eq!(location(&r), "/regions?date=2020-01-01");
}
