//! The joint assignment's pages as its users meet them: the secretariat starts a year,
//! each directorate writes its own part and signs, a change after the sign-offs voids
//! them and says so, the secretariat takes it to publication, and the public reads the
//! published version and what changed since the year before.

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use samla_db::audit::Who;
use samla_db::users::{self, NewUser};

/// A signed-in cookie for a member of each directorate (the shared test users have
/// only Bufdir's).
async fn directorate_cookies(app: &App) -> Vec<(&'static str, String)> {
    let authority = samla_domain::access::system_authority_for_command_line_and_demo();
    let mut cookies = Vec::new();
    for code in ["hdir", "bufdir", "nav", "imdi", "udir"] {
        if code == "bufdir" {
            cookies.push((code, app.cookie("directorate")));
            continue;
        }
        let email = format!("{code}-member@test.example");
        users::create_user(
            &app.db,
            &authority.manage_users(),
            &Who::system("test"),
            &NewUser {
                email: email.clone(),
                name: format!("Member of {code}"),
                organisation: code.into(),
                roles: vec!["directorate".into()],
                password: PASSWORD.into(),
            },
        )
        .await
        .ok()
        .unwrap();
        let session = app.login(&email, PASSWORD).await.unwrap();
        cookies.push((code, format!("{SESSION}={session}")));
    }
    cookies
}

fn location(r: &Reply) -> String {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The current version as the assignment page states it in its sign-off form.
fn version_on(body: &str) -> String {
    let start = body
        .find("name=\"version\" value=\"")
        .expect("a sign-off form")
        + 22;
    body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_assignment_is_written_signed_by_all_five_and_published() {
    let app = app().await;
    let sec = app.cookie("secretariat");
    let directorates = directorate_cookies(&app).await;

    // The secretariat starts 2019; a second start of the same year is refused in place.
    let r = app
        .send(Method::POST, "/assignments", Some(&sec), Some("year=2019"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/assignments/2019?created=1");
    let r = app
        .send(Method::POST, "/assignments", Some(&sec), Some("year=2019"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("value=\"2019\""), "what was typed is kept");
    let r = app
        .send(Method::POST, "/assignments", Some(&sec), Some("year=tjue"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"tjue\""));

    // Each directorate writes its own part.
    for (code, cookie) in &directorates {
        let page = app
            .send(
                Method::GET,
                &format!("/assignments/2019/sections/{code}"),
                Some(cookie),
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{code}");
        let base = {
            let start = page.body.find("name=\"base\" value=\"").unwrap() + 19;
            page.body[start..].split('"').next().unwrap().to_owned()
        };
        let text = format!("Statsforvalteren skal samordne tjenestene, sier {code}.");
        let r = app
            .send(
                Method::POST,
                &format!("/assignments/2019/sections/{code}"),
                Some(cookie),
                Some(&form(&[("text", &text), ("base", &base)])),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.body);
    }
    // Not another's part.
    let r = app
        .send(
            Method::GET,
            "/assignments/2019/sections/hdir",
            Some(&app.cookie("directorate")),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A stale save of a part someone else changed is refused, and keeps the text typed.
    let r = app
        .send(
            Method::POST,
            "/assignments/2019/sections/bufdir",
            Some(&sec),
            Some(&form(&[("text", "Sekretariatets forslag."), ("base", "1")])),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Sekretariatets forslag."), "{}", r.body);
    assert!(
        r.body.contains("sier bufdir."),
        "the text as it stands is shown"
    );

    // Nothing is public yet.
    assert_eq!(
        app.get("/assignments/2019").await.status,
        StatusCode::NOT_FOUND
    );

    let r = app
        .send(
            Method::POST,
            "/assignments/2019/stage",
            Some(&sec),
            Some("to=sign_off"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .send(
            Method::GET,
            "/assignments/2019",
            Some(&directorates[0].1),
            None,
        )
        .await;
    let version = version_on(&page.body);
    for (code, cookie) in &directorates {
        let r = app
            .send(
                Method::POST,
                "/assignments/2019/sign-off",
                Some(cookie),
                Some(&format!("version={version}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.body);
    }
    let page = app
        .send(Method::GET, "/assignments/2019", Some(&sec), None)
        .await;
    assert_eq!(
        page.body
            .matches(&format!("Signert versjon {version}"))
            .count(),
        5
    );

    // A change now voids all five, and the writer is told.
    let edit = app
        .send(
            Method::GET,
            "/assignments/2019/sections/innledning",
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    let r = app
        .send(
            Method::POST,
            "/assignments/2019/sections/innledning",
            Some(&sec),
            Some(&form(&[
                ("text", "Felles mål for 0–24."),
                ("base", &version),
            ])),
        )
        .await;
    assert_eq!(
        location(&r),
        "/assignments/2019?voided=5#section-innledning"
    );
    let page = app
        .send(Method::GET, "/assignments/2019?voided=5", Some(&sec), None)
        .await;
    assert!(
        page.body.contains("gjorde 5 signaturer ugyldige"),
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches("ugyldig etter en senere endring").count(),
        5
    );
    // Quality assurance waits for five valid sign-offs.
    let r = app
        .send(
            Method::POST,
            "/assignments/2019/stage",
            Some(&sec),
            Some("to=quality_assured"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let version = version_on(
        &app.send(
            Method::GET,
            "/assignments/2019",
            Some(&directorates[0].1),
            None,
        )
        .await
        .body,
    );
    for (_, cookie) in &directorates {
        app.send(
            Method::POST,
            "/assignments/2019/sign-off",
            Some(cookie),
            Some(&format!("version={version}")),
        )
        .await;
    }
    for to in ["quality_assured", "adopted", "published"] {
        let r = app
            .send(
                Method::POST,
                "/assignments/2019/stage",
                Some(&sec),
                Some(&format!("to={to}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{to}: {}", r.body);
    }

    // The public reads it, in nynorsk too.
    let public = app.get("/assignments/2019").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Felles mål for 0–24."));
    assert!(
        !public.body.contains("/sections/"),
        "no edit links for the public"
    );
    let nn = app
        .get_with("/assignments", &[(header::COOKIE, "samla_lang=nn")])
        .await;
    assert!(nn.body.contains("Fellesoppdrag per år"), "{}", nn.body);

    // 2020 starts as a copy; once published, its changes read against 2019.
    app.send(Method::POST, "/assignments", Some(&sec), Some("year=2020"))
        .await;
    let r = app
        .send(
            Method::POST,
            "/assignments/2020/sections/nav",
            Some(&directorates[2].1),
            Some(&form(&[
                (
                    "text",
                    "Statsforvalteren skal samordne tjenestene og arbeid, sier nav.",
                ),
                ("base", "1"),
            ])),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let changes = app
        .send(Method::GET, "/assignments/2020/changes", Some(&sec), None)
        .await;
    assert_eq!(changes.status, StatusCode::OK);
    assert!(changes.body.contains("<ins>"), "{}", changes.body);
    assert!(changes.body.contains("og arbeid"));
    assert_eq!(
        app.get("/assignments/2020/changes").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The same rules through the API, as a client with a token meets them.
#[tokio::test]
async fn the_api_writes_and_signs_under_the_same_rules() {
    let app = app().await;
    let sec = app.token("secretariat").await;
    let bufdir = app.token("directorate").await;
    let staff = app.token("embete_staff").await;

    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/assignments",
            &sec,
            serde_json::json!({ "year": 2022 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["year"], 2022);
    assert_eq!(body["stage"], "drafting");
    assert_eq!(body["sections"].as_array().unwrap().len(), 7);
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/assignments",
            &bufdir,
            serde_json::json!({ "year": 2023 }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, saved) = app
        .api(
            Method::PUT,
            "/api/v1/assignments/2022/sections/bufdir",
            &bufdir,
            serde_json::json!({ "text": "Bufdirs del.", "version": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["changed"], true);
    // The secretariat, writing from version 1, clashes on the same section.
    let (status, problem) = app
        .api(
            Method::PUT,
            "/api/v1/assignments/2022/sections/bufdir",
            &sec,
            serde_json::json!({ "text": "Noe annet.", "version": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "edit_conflict");
    // An embete does not see the draft at all.
    let (status, _) = app
        .api(
            Method::GET,
            "/api/v1/assignments/2022",
            &staff,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, view) = app
        .api(
            Method::POST,
            "/api/v1/assignments/2022/stage",
            &sec,
            serde_json::json!({ "to": "sign_off" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["stage"], "sign_off");
    let (status, view) = app
        .api(
            Method::POST,
            "/api/v1/assignments/2022/sign-off",
            &bufdir,
            serde_json::json!({ "version": 2 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let bufdir_state = view["sign_offs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["directorate"] == "bufdir")
        .unwrap()["state"]
        .clone();
    assert_eq!(
        bufdir_state,
        serde_json::json!({ "state": "valid", "version": 2 })
    );
    let (status, problem) = app
        .api(
            Method::POST,
            "/api/v1/assignments/2022/stage",
            &sec,
            serde_json::json!({ "to": "quality_assured" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "stage_not_allowed");
}

fn base_on(body: &str) -> String {
    let start = body.find("name=\"base\" value=\"").expect("a base") + 19;
    body[start..].split('"').next().unwrap().to_owned()
}

/// The id of the requirement called `title` on an assignment page.
fn requirement_id(body: &str, title: &str) -> String {
    let at = body
        .find(&format!(">{title}</h4>"))
        .expect("the requirement");
    let start = body[..at].rfind("id=\"requirement-").unwrap() + 16;
    body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn requirements_keep_what_was_typed_and_their_identity_across_years() {
    let app = app().await;
    let sec = app.cookie("secretariat");
    let bufdir = app.cookie("directorate");
    let r = app
        .send(Method::POST, "/assignments", Some(&sec), Some("year=2019"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let new = "/assignments/2019/sections/bufdir/requirements/new";
    let page = app.send(Method::GET, new, Some(&bufdir), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let base = base_on(&page.body);

    // Every mistake at once, each at its field, and nothing typed is lost.
    let bad = form(&[
        ("kind", "reporting"),
        ("title", ""),
        ("text", "Rapporter om samarbeidet med kommunene."),
        ("deadline", "2019-02-30"),
        ("sectors", "school"),
        ("sectors", "child_welfare"),
        ("crc_articles", "3, 99"),
        ("base", &base),
    ]);
    let add = "/assignments/2019/sections/bufdir/requirements";
    let r = app.send(Method::POST, add, Some(&bufdir), Some(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title-error", "deadline-error", "crc_articles-error"] {
        assert!(r.body.contains(&format!("id=\"{field}\"")), "{field}");
    }
    assert!(r.body.contains("Rapporter om samarbeidet med kommunene."));
    assert!(r.body.contains("value=\"2019-02-30\""));
    assert!(
        r.body.contains("type=\"text\" id=\"deadline\""),
        "an impossible date stays text"
    );
    assert!(r.body.contains("value=\"3, 99\""));
    assert!(
        r.body
            .contains("id=\"sector-school\" name=\"sectors\" value=\"school\" checked")
    );
    assert!(
        r.body
            .contains("id=\"kind-reporting\" name=\"kind\" value=\"reporting\" checked")
    );

    let good = form(&[
        ("kind", "reporting"),
        ("title", "Samordnet støtte"),
        ("text", "Rapporter om samarbeidet med kommunene."),
        ("deadline", "2020-03-01"),
        ("sectors", "school"),
        ("sectors", "child_welfare"),
        ("crc_articles", "12, 3"),
        ("base", &base),
    ]);
    let r = app
        .send(Method::POST, add, Some(&bufdir), Some(&good))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).ends_with("#section-bufdir"));
    let page = app
        .send(Method::GET, "/assignments/2019", Some(&bufdir), None)
        .await;
    assert!(page.body.contains("Barnevern, Skole") || page.body.contains("Skole, Barnevern"));
    assert!(page.body.contains("art. 3, 12"), "articles in order");
    let id = requirement_id(&page.body, "Samordnet støtte");
    // Hdir's part has no add link for Bufdir, and its form is refused.
    assert!(!page.body.contains("/sections/hdir/requirements/new"));
    let r = app
        .send(
            Method::GET,
            "/assignments/2019/sections/hdir/requirements/new",
            Some(&bufdir),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A year later the requirement is carried with the same identity and no tag.
    let r = app
        .send(Method::POST, "/assignments", Some(&sec), Some("year=2020"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app
        .send(Method::GET, "/assignments/2020", Some(&bufdir), None)
        .await;
    assert_eq!(requirement_id(&page.body, "Samordnet støtte"), id);
    assert!(!page.body.contains("Endret fra i fjor"));
    assert!(!page.body.contains("Nytt i år"));

    // Changed this year, and a new one beside it: each says so, and the changes page shows both.
    let edit = format!("/assignments/2020/requirements/{id}");
    let page = app.send(Method::GET, &edit, Some(&bufdir), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"12, 3\"") || page.body.contains("value=\"3, 12\""));
    let changed = form(&[
        ("kind", "reporting"),
        ("title", "Samordnet støtte"),
        (
            "text",
            "Rapporter om samarbeidet med kommunene og fylkeskommunen.",
        ),
        ("deadline", "2021-03-01"),
        ("sectors", "school"),
        ("crc_articles", "3, 12"),
        ("base", &base_on(&page.body)),
    ]);
    let r = app
        .send(Method::POST, &edit, Some(&bufdir), Some(&changed))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .send(
            Method::GET,
            "/assignments/2020/sections/bufdir/requirements/new",
            Some(&sec),
            None,
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the secretariat writes everywhere"
    );
    let fresh = form(&[
        ("kind", "task"),
        ("title", "Ungdomsmedvirkning"),
        ("text", "Hør ungdomsrådene."),
        ("base", &base_on(&page.body)),
    ]);
    let r = app
        .send(
            Method::POST,
            "/assignments/2020/sections/bufdir/requirements",
            Some(&sec),
            Some(&fresh),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .send(Method::GET, "/assignments/2020", Some(&bufdir), None)
        .await;
    assert!(page.body.contains("Endret fra i fjor"));
    assert!(page.body.contains("Nytt i år"));
    let changes = app
        .send(
            Method::GET,
            "/assignments/2020/changes",
            Some(&bufdir),
            None,
        )
        .await;
    assert_eq!(changes.status, StatusCode::OK);
    assert!(changes.body.contains("Krav: Samordnet støtte"));
    assert!(changes.body.contains("fylkeskommunen"));
    assert!(changes.body.contains("Krav: Ungdomsmedvirkning"));

    // Taken out of this year, kept in last year's.
    let page = app.send(Method::GET, &edit, Some(&bufdir), None).await;
    let r = app
        .send(
            Method::POST,
            &format!("{edit}/remove"),
            Some(&bufdir),
            Some(&form(&[("base", &base_on(&page.body))])),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app
        .send(Method::GET, "/assignments/2020", Some(&bufdir), None)
        .await;
    assert!(!page.body.contains(">Samordnet støtte</h4>"));
    let page = app
        .send(Method::GET, "/assignments/2019", Some(&bufdir), None)
        .await;
    assert!(page.body.contains(">Samordnet støtte</h4>"));
    let r = app.send(Method::GET, &edit, Some(&bufdir), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_published_assignment_downloads_as_a_pdf_for_everyone() {
    let app = app().await;
    assert_eq!(
        app.get("/assignments/2019/pdf").await.status,
        StatusCode::NOT_FOUND,
        "no assignment yet"
    );
    publish_assignment(&app, 2019, &[("Barn blir hørt i egen sak", "2020-03-01")]).await;
    let page = app.get("/assignments/2019").await;
    assert!(page.body.contains("href=\"/assignments/2019/pdf\""));
    let file = app.get("/assignments/2019/pdf").await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    let text = pdf_text(&file.bytes);
    for words in [
        "Fellesoppdraget 2019",
        "Barn blir hørt i egen sak",
        "1. mars 2020",
        "Side 1 av",
    ] {
        assert!(text.contains(words), "{words:?} not in {text}");
    }
    // In English the labels follow the reader; the text stays as written.
    let english = app
        .get_with(
            "/assignments/2019/pdf",
            &[(header::COOKIE, "samla_lang=en")],
        )
        .await;
    let text = pdf_text(&english.bytes);
    assert!(
        text.contains("Page 1 of") && text.contains("Barn blir hørt i egen sak"),
        "{text}"
    );
}
