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
    // A login is small: a body this large is refused before it is read in full.
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("for stor"), "{}", r.body);
    assert!(r.body.len() < 100_000, "{} bytes", r.body.len());
    // One under the body limit but far over an e-mail address's length.
    let long = format!("{}%40x.no", "z".repeat(30_000));
    let r = app
        .send(
            Method::POST,
            "/login",
            None,
            Some(&format!("email={long}&password=x&next=/")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.len() < 20_000, "{} bytes", r.body.len());
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
        assert_eq!(location(&r), "/tasks", "{next}: the work list instead");
        let r = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(location(&r), "/", "{next}");
    }
    let r = app
        .get("/lang/nn?next=%2Fregions%3Fdate%3D2020-01-01")
        .await;
    assert_eq!(location(&r), "/regions?date=2020-01-01");
}

/// A body over the limit is 413 with a message the sender can act on, for a page form
/// and for the API alike: never a server error.
#[tokio::test]
async fn a_body_too_large_is_413_and_says_so() {
    let app = app().await;
    let huge = format!("email=a%40b.no&password={}&next=/", "x".repeat(3 << 20));
    let r = app.send(Method::POST, "/login", None, Some(&huge)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body.contains("Det som ble sendt, er for stort"),
        "{}",
        &r.body[..r.body.len().min(500)]
    );
    let cookie = app.cookie("embete_staff");
    let form = format!("language=nb&version=0&facts={}", "x".repeat(3 << 20));
    let r = app
        .send(
            Method::POST,
            "/dialogue/dialogues/1/report",
            Some(&cookie),
            Some(&form),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let token = app.token("embete_staff").await;
    let (status, body) = app
        .api(
            Method::PUT,
            "/api/v1/dialogue/dialogues/1/report",
            &token,
            serde_json::json!({"language": "nb", "facts": "x".repeat(3 << 20)}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "body_too_large");
}

fn set_cookies(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// F11/F12: without being told otherwise samla expects HTTPS in front. The session
/// cookie is `__Host-` prefixed and `Secure`, every answer carries HSTS, and a cookie
/// without the prefix (which a neighbouring site or a plain-HTTP attacker could plant)
/// is not a session.
#[tokio::test]
async fn by_default_the_session_cookie_is_host_prefixed_and_secure_with_hsts() {
    let app = app().await;
    let ok = "email=embete_staff%40test.example&password=et+langt+passord&next=/";
    let r = app.send(Method::POST, "/login", None, Some(ok)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-samla_session="))
        .expect("a __Host- session cookie");
    for part in ["; Secure", "; HttpOnly", "; Path=/", "; SameSite=Lax"] {
        assert!(session.contains(part), "{session} lacks {part}");
    }
    assert!(
        !session.contains("Domain"),
        "a __Host- cookie has no Domain"
    );
    assert!(
        r.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let secret = session_from(&r.headers).unwrap();
    let unprefixed = format!("samla_session={secret}");
    let r = app
        .send(Method::GET, "/account", Some(&unprefixed), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "an unprefixed cookie is no session"
    );
    let language = app.get("/lang/nn?next=/").await;
    assert!(set_cookies(&language)[0].contains("; Secure"));
}

/// Plain HTTP is for local use and has to be asked for: then the cookie is neither
/// prefixed nor `Secure` (a browser would drop it over HTTP) and no HSTS is sent.
#[tokio::test]
async fn plain_http_when_asked_for_sets_a_plain_cookie_and_no_hsts() {
    let mut app = app().await;
    app.router = samla_web::router(samla_web::AppState::new(
        (*app.db).clone(),
        samla_web::WebConfig {
            plain_http: true,
            ..Default::default()
        },
    ));
    let ok = "email=embete_staff%40test.example&password=et+langt+passord&next=/";
    let r = app.send(Method::POST, "/login", None, Some(ok)).await;
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("samla_session="))
        .expect("a plain session cookie");
    assert!(!session.contains("Secure"), "{session}");
    assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let cookie = session.split(';').next().unwrap();
    let r = app.send(Method::GET, "/account", Some(cookie), None).await;
    assert_eq!(r.status, StatusCode::OK);
}
