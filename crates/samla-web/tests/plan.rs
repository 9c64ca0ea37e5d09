//! County plans as their users meet them: an embete's staff build the plan (bad input is
//! shown at its field with everything typed kept), a leader anchors it, the public reads
//! the anchored version only, and a later change is a new version whose difference the
//! history shows. Another embete never sees the drafts.

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use samla_db::audit::Who;
use samla_db::users::{self, NewUser};

fn base_on(body: &str) -> String {
    let start = body.find("name=\"base\" value=\"").expect("a base") + 19;
    body[start..].split('"').next().unwrap().to_owned()
}

/// The id in the redirect's fragment, as `#<kind>-<id>`.
fn id_in(r: &Reply) -> String {
    let location = r
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    location.rsplit('-').next().unwrap().to_owned()
}

async fn base(app: &App, cookie: &str, path: &str) -> String {
    let page = app.send(Method::GET, path, Some(cookie), None).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    base_on(&page.body)
}

#[tokio::test]
async fn a_plan_is_built_anchored_by_a_leader_and_read_by_everyone() {
    let app = app().await;
    let staff = app.cookie("embete_staff");
    let leader = app.cookie("embete_leader");
    let plan = "/plans/oslo-og-viken";

    // Nothing to see outside before anything is anchored; the staff start it.
    assert_eq!(app.get(plan).await.status, StatusCode::NOT_FOUND);
    let r = app.send(Method::POST, plan, Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let b = base(&app, &staff, &format!("{plan}/ambitions/new")).await;
    let r = post(
        &app,
        &staff,
        &format!("{plan}/ambitions"),
        &[("title", "Hjelp som henger sammen"), ("base", &b)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ambition = id_in(&r);
    let b = base(&app, &staff, &format!("{plan}/goals/new?parent={ambition}")).await;
    let r = post(
        &app,
        &staff,
        &format!("{plan}/goals"),
        &[
            ("parent", &ambition),
            ("title", "Felles plan i alle kommuner"),
            ("base", &b),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let goal = id_in(&r);

    // A measure with every mistake at once: each at its field, and all typed kept.
    let b = base(&app, &staff, &format!("{plan}/measures/new?parent={goal}")).await;
    let bad = [
        ("parent", goal.as_str()),
        ("title", "Dialogmøter i alle kommuner"),
        ("owner", ""),
        ("status", "in_progress"),
        ("deadline", "2022-02-30"),
        ("crc_articles", "12, 77"),
        ("steps", "2"),
        ("indicator_name", "Kommuner med møte"),
        ("indicator_baseline", "mange"),
        ("indicator_target", "66"),
        ("indicator_values", "2019: 18"),
        ("base", &b),
    ];
    let r = post(&app, &staff, &format!("{plan}/measures"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["owner", "deadline", "crc_articles", "indicators"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    for kept in [
        "value=\"Dialogmøter i alle kommuner\"",
        "value=\"2022-02-30\"",
        "value=\"12, 77\"",
        "value=\"mange\"",
        "value=\"2019: 18\"",
        "id=\"status-in_progress\" name=\"status\" value=\"in_progress\" checked",
    ] {
        assert!(r.body.contains(kept), "{kept}");
    }
    let mut good = bad.to_vec();
    good.retain(|(k, _)| !["owner", "deadline", "crc_articles", "indicator_baseline"].contains(k));
    good.extend([
        ("owner", "Oppvekstavdelingen"),
        ("deadline", "2022-12-31"),
        ("crc_articles", "12"),
        ("indicator_baseline", "0"),
    ]);
    let r = post(&app, &staff, &format!("{plan}/measures"), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let measure = id_in(&r);

    // The group: a member without a department is refused, and the rows are kept.
    let b = base(&app, &staff, &format!("{plan}/group")).await;
    let r = post(
        &app,
        &staff,
        &format!("{plan}/group"),
        &[
            ("member_name", "Tone Vik"),
            ("member_title", "seniorrådgiver"),
            ("member_department", ""),
            ("reference_name", "Per Li"),
            ("reference_title", "direktør"),
            ("contact_area", "school"),
            ("contact_name", "Tone Vik"),
            ("contact_email", "tone.vik"),
            ("base", &b),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"Tone Vik\"") && r.body.contains("value=\"Per Li\""));
    assert!(r.body.contains("id=\"contacts-error\"") && r.body.contains("value=\"tone.vik\""));
    let r = post(
        &app,
        &staff,
        &format!("{plan}/group"),
        &[
            ("member_name", "Tone Vik"),
            ("member_title", "seniorrådgiver"),
            ("member_department", "health"),
            ("reference_name", "Per Li"),
            ("reference_title", "direktør"),
            ("contact_area", "school"),
            ("contact_name", "Tone Vik"),
            ("contact_email", "Tone.Vik@sf.example"),
            ("base", &b),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Another embete sees nothing of it.
    let authority = samla_domain::access::system_authority_for_command_line_and_demo();
    users::create_user(
        &app.db,
        &authority.manage_users(),
        &Who::system("test"),
        &NewUser {
            email: "vestland@test.example".into(),
            name: "Vestland".into(),
            organisation: "vestland".into(),
            roles: vec!["embete_staff".into()],
            password: PASSWORD.into(),
        },
    )
    .await
    .ok()
    .unwrap();
    let vestland = format!(
        "{SESSION}={}",
        app.login("vestland@test.example", PASSWORD).await.unwrap()
    );
    for path in [
        plan.to_owned(),
        format!("{plan}/history"),
        format!("{plan}/measures/{measure}"),
    ] {
        let r = app.send(Method::GET, &path, Some(&vestland), None).await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::SEE_OTHER),
            "{path}: {}",
            r.status
        );
    }

    // Staff cannot anchor; the leader anchors the version they read.
    let page = app.send(Method::GET, plan, Some(&staff), None).await;
    assert!(!page.body.contains("/anchor\""), "no anchor form for staff");
    let page = app.send(Method::GET, plan, Some(&leader), None).await;
    let start = page.body.find("name=\"version\" value=\"").unwrap() + 22;
    let version = page.body[start..].split('"').next().unwrap().to_owned();
    let r = post(
        &app,
        &leader,
        &format!("{plan}/anchor"),
        &[("version", &version)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The public reads it, without the leader's address.
    let public = app.get(plan).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Dialogmøter i alle kommuner"));
    // The anchored plan is searchable and downloadable by everyone.
    let file = app.get(&format!("{plan}/pdf")).await;
    assert_eq!(file.status, StatusCode::OK);
    let text = pdf_text(&file.bytes);
    assert!(
        text.contains("Dialogmøter i alle kommuner") && text.contains("Tone Vik"),
        "{text}"
    );
    let reader = app.token("municipality").await;
    let (status, plans) = app
        .api(
            Method::GET,
            "/api/v1/plans",
            &reader,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plans[0]["embete"], "oslo-og-viken", "{plans}");
    let (status, read) = app
        .api(
            Method::GET,
            "/api/v1/plans/oslo-og-viken",
            &reader,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        read["anchored"]["anchored_by"], "",
        "the leader's name is the embete's own"
    );
    assert!(read.to_string().contains("Dialogmøter i alle kommuner"));
    assert_eq!(read["group"]["contacts"][0]["email"], "tone.vik@sf.example");
    let (status, found) = app
        .api(
            Method::GET,
            "/api/v1/search?crc_article=12&embete=oslo-og-viken",
            &reader,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(
        found["measures"][0]["title"], "Dialogmøter i alle kommuner",
        "{found}"
    );
    assert_eq!(found["measures"][0]["goal"], "Felles plan i alle kommuner");
    let (_, other) = app
        .api(
            Method::GET,
            "/api/v1/search?crc_article=3&embete=oslo-og-viken",
            &reader,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(other["measures"], serde_json::json!([]));
    let page = app.get("/search?crc_article=12&embete=oslo-og-viken").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(&format!("href=\"/plans/oslo-og-viken#measure-{measure}\"")),
        "{}",
        page.body
    );
    let refused = app.get("/search?crc_article=99&year=tjue").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("id=\"crc_article-error\"")
            && refused.body.contains("id=\"year-error\"")
    );
    assert!(
        refused.body.contains("value=\"tjue\""),
        "what was typed stays"
    );
    assert!(public.body.contains("Tone Vik"));
    assert!(!public.body.contains("embete_leader@test.example"));
    assert!(!public.body.contains("/measures/new"), "no editing links");

    // A later change is a new version: the public still reads the anchored one, and the
    // history shows the difference.
    let b = base(&app, &staff, &format!("{plan}/measures/{measure}")).await;
    let mut changed = good.clone();
    changed.retain(|(k, _)| *k != "status" && *k != "base");
    changed.extend([("status", "done"), ("base", b.as_str())]);
    let r = post(
        &app,
        &staff,
        &format!("{plan}/measures/{measure}"),
        &changed,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("changed=1")
    );
    let own = app.send(Method::GET, plan, Some(&staff), None).await;
    assert!(own.body.contains("Endret etter forankring"));
    assert!(own.body.contains("Gjennomført"));
    let public = app.get(plan).await;
    assert!(public.body.contains("Pågår") && !public.body.contains("Gjennomført"));
    let history = app
        .send(Method::GET, &format!("{plan}/history"), Some(&staff), None)
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("Tiltak: Dialogmøter i alle kommuner"));
    assert!(history.body.contains("<ins>"), "{}", history.body);
    // The public history lists the anchoring, but not the drafts between.
    let history = app.get(&format!("{plan}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(!history.body.contains("plan-col-saved") && !history.body.contains("<select"));

    // A goal with a measure under it cannot be taken out.
    let b = base(&app, &staff, &format!("{plan}/goals/{goal}")).await;
    let r = post(
        &app,
        &staff,
        &format!("{plan}/goals/{goal}/remove"),
        &[("base", &b)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}
