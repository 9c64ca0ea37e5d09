//! Yearly reports as their users meet them: the embete's staff answer each reporting
//! requirement (bad input is shown at its field with everything typed kept), a leader
//! approves a version (a later change voids it), the embete submits, and the secretariat
//! reads what was submitted and sees who has reported. Nobody else sees a report.

mod common;

use axum::http::{Method, StatusCode};
use common::*;

/// The version a page's form was written from.
async fn version(app: &App, cookie: &str, path: &str, name: &str) -> String {
    let page = app.send(Method::GET, path, Some(cookie), None).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.body.find(&marker).expect("a version") + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_report_is_answered_approved_submitted_and_followed_by_the_secretariat() {
    let app = app().await;
    let ids = publish_assignment(
        &app,
        2019,
        &[("Samordnet støtte", "2020-02-01"), ("Barn blir hørt", "")],
    )
    .await;
    let (a, b) = (ids[0], ids[1]);
    let staff = app.cookie("embete_staff");
    let leader = app.cookie("embete_leader");
    let secretariat = app.cookie("secretariat");
    let report = "/yearly-reports/oslo-og-viken/2019/year";

    // The embete's list offers to start the year's report; nobody outside sees one.
    let list = app.get_as("embete_staff", "/yearly-reports").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Årsrapport 2019"), "{}", list.body);
    assert_eq!(
        app.get_as("embete_staff", report).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.send(Method::POST, report, Some(&staff), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for role in [
        "secretariat",
        "directorate",
        "municipality",
        "steering_group",
    ] {
        assert_eq!(
            app.get_as(role, report).await.status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
    }
    assert_eq!(
        app.get_as("directorate", "/yearly-reports").await.status,
        StatusCode::FORBIDDEN
    );

    // Every mistake at once, each at its field, and everything typed kept.
    let answer_a = format!("{report}/answers/{a}");
    let base = version(&app, &staff, &answer_a, "base").await;
    let bad = [
        ("status", "done"),
        ("text", ""),
        ("dialogues", "999"),
        ("figures", "Kommuner med møte: mange"),
        ("base", base.as_str()),
    ];
    let r = post(&app, &staff, &answer_a, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["text", "dialogues", "figures"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(r.body.contains("Kommuner med møte: mange"));
    assert!(
        r.body
            .contains("id=\"status-done\" name=\"status\" value=\"done\" checked")
    );

    let good = [
        ("status", "done"),
        ("text", "Alle kommuner fikk tilbud om samordnet støtte."),
        ("dialogues", "1"),
        ("figures", "Kommuner med møte: 12"),
        ("base", base.as_str()),
    ];
    let r = post(&app, &staff, &answer_a, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get_as("embete_staff", report).await;
    assert!(page.body.contains("Alle kommuner fikk tilbud"));
    assert!(page.body.contains("Bydel Bjerke"), "the dialogue is named");
    assert!(page.body.contains("1 av 2 rapporteringskrav mangler svar"));

    // A leader cannot approve while a requirement has no answer.
    let r = post(
        &app,
        &leader,
        &format!("{report}/approve"),
        &[("version", "2")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("mangler svar"));

    let answer_b = format!("{report}/answers/{b}");
    let base = version(&app, &staff, &answer_b, "base").await;
    let r = post(
        &app,
        &staff,
        &answer_b,
        &[("status", "not_relevant"), ("reason", ""), ("base", &base)],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"reason-error\""));
    let r = post(
        &app,
        &staff,
        &answer_b,
        &[
            ("status", "not_relevant"),
            ("reason", "Embetet har ingen slike tjenester."),
            ("base", &base),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Staff cannot approve; the leader approves the version they read.
    let v = version(&app, &leader, report, "version").await;
    let r = post(
        &app,
        &staff,
        &format!("{report}/approve"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(
        &app,
        &leader,
        &format!("{report}/approve"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A change after the approval voids it, and says so.
    let base = version(&app, &staff, &answer_b, "base").await;
    let r = post(
        &app,
        &staff,
        &answer_b,
        &[
            ("status", "not_relevant"),
            ("reason", "Embetet har ingen slike tjenester i 2019."),
            ("base", &base),
        ],
    )
    .await;
    assert!(
        r.headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.contains("voided=")),
        "{:?}",
        r.headers
    );
    let r = post(
        &app,
        &staff,
        &format!("{report}/submit"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "the approved version is gone"
    );
    let v = version(&app, &leader, report, "version").await;
    let r = post(
        &app,
        &leader,
        &format!("{report}/approve"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(
        &app,
        &staff,
        &format!("{report}/submit"),
        &[("version", &v)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Submitted answers are locked.
    let r = post(
        &app,
        &staff,
        &answer_b,
        &[("status", "done"), ("text", "x"), ("base", &v)],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "no form once submitted");

    // The secretariat reads it and follows who has reported.
    let read = app
        .send(Method::GET, report, Some(&secretariat), None)
        .await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Alle kommuner fikk tilbud"));
    assert!(
        !read.body.contains("/answers/"),
        "the secretariat does not write"
    );
    let status = app
        .get_as("secretariat", "/yearly-reports/status/2019/year")
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(
        status.body.contains("For sent"),
        "submitted after the deadline"
    );
    assert!(status.body.contains("Mangler"), "the other embeter");
    assert_eq!(
        app.get_as("embete_staff", "/yearly-reports/status/2019/year")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_api_answers_approves_and_submits_with_the_same_rules() {
    use serde_json::json;
    let app = app().await;
    let ids = publish_assignment(&app, 2019, &[("Samordnet støtte", "")]).await;
    let staff = app.token("embete_staff").await;
    let leader = app.token("embete_leader").await;
    let secretariat = app.token("secretariat").await;
    let report = "/api/v1/yearly-reports/oslo-og-viken/2019/year";

    let (status, view) = app
        .api(
            Method::POST,
            "/api/v1/yearly-reports",
            &staff,
            json!({ "embete": "oslo-og-viken", "year": 2019, "period": "year" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    assert_eq!(view["stage"], "drafting");
    assert_eq!(view["deadlines"][0]["date"], "2020-03-01");
    let version = view["version"].as_i64().unwrap();

    // All errors at once, each naming its field.
    let answer = format!("{report}/answers/{}", ids[0]);
    let (status, body) = app
        .api(
            Method::PUT,
            &answer,
            &staff,
            json!({ "status": "done", "text": "", "measures": [999], "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        fields.contains(&"text") && fields.contains(&"measures"),
        "{body}"
    );

    let (status, saved) = app
        .api(
            Method::PUT,
            &answer,
            &staff,
            json!({
                "status": "partly",
                "text": "Godt i gang i elleve kommuner.",
                "dialogues": [1],
                "figures": [{ "name": "Kommuner", "value": 11 }],
                "version": version,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let version = saved["version"].as_i64().unwrap();

    let (status, _) = app
        .api(
            Method::POST,
            &format!("{report}/approve"),
            &staff,
            json!({ "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff cannot approve");
    let (status, view) = app
        .api(
            Method::POST,
            &format!("{report}/approve"),
            &leader,
            json!({ "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["may_submit"], true);
    let (status, view) = app
        .api(
            Method::POST,
            &format!("{report}/submit"),
            &staff,
            json!({ "version": version }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["stage"], "submitted");

    let read = app.read(report, &secretariat).await;
    assert_eq!(read["answers"][0]["figures"][0]["value"], 11.0);
    let status_view = app
        .read("/api/v1/yearly-reports/status/2019/year", &secretariat)
        .await;
    let oslo = status_view["embeter"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["embete"] == "oslo-og-viken")
        .unwrap();
    assert_eq!(oslo["stage"], "submitted");
    assert_eq!(oslo["standings"][0]["reported"], "late");
}

#[tokio::test]
async fn the_secretariat_assesses_asks_and_releases_and_the_embete_replies() {
    let app = app().await;
    let ids = submitted(&app).await;
    let (a, b) = (ids[0], ids[1]);
    let secretariat = app.cookie("secretariat");
    let staff = app.cookie("embete_staff");
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    let assess_a = format!("{report}/assessments/{a}");

    let page = app.get_as("secretariat", report).await;
    assert!(page.body.contains(&format!("href=\"{assess_a}\"")));
    for role in ["embete_staff", "embete_leader", "directorate"] {
        assert_eq!(
            app.get_as(role, &assess_a).await.status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
    }

    // Every mistake at once; what was typed stays.
    let r = post(
        &app,
        &secretariat,
        &assess_a,
        &[
            ("rubric", "kanskje"),
            ("comment", ""),
            ("question", "Hvilke kommuner gjenstår?"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["rubric", "risk", "comment"] {
        assert!(r.body.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(r.body.contains("Hvilke kommuner gjenstår?"));

    let r = post(
        &app,
        &secretariat,
        &assess_a,
        &[
            ("rubric", "partly"),
            ("risk", "medium"),
            ("comment", "Godt i gang, men ikke i alle kommuner."),
            ("question", "Hvilke kommuner gjenstår?"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Not released before every answer is assessed; the embete sees nothing yet.
    let r = post(&app, &secretariat, &format!("{report}/release"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("ikke vurdert"));
    let own = app.get_as("embete_staff", report).await;
    assert!(
        !own.body.contains("Godt i gang, men"),
        "not before the release"
    );

    let r = post(
        &app,
        &secretariat,
        &format!("{report}/assessments/{b}"),
        &[
            ("rubric", "fulfilled"),
            ("risk", "low"),
            ("comment", "Oppfylt."),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = post(&app, &secretariat, &format!("{report}/release"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The embete reads it, names the version assessed, and replies once.
    let own = app.get_as("embete_staff", report).await;
    assert!(own.body.contains("Godt i gang, men"));
    assert!(own.body.contains("Vurderte versjon"));
    assert!(own.body.contains("Hvilke kommuner gjenstår?"));
    let reply = format!("{report}/answers/{a}/reply");
    let r = post(&app, &staff, &reply, &[("reply", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &app,
        &staff,
        &reply,
        &[("reply", "Hurdal og Nesodden gjenstår.")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(&app, &staff, &reply, &[("reply", "En gang til.")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "no question waits");
    let read = app.get_as("secretariat", report).await;
    assert!(read.body.contains("Hurdal og Nesodden gjenstår."));
    // The secretariat does not reply in the embete's name.
    let r = post(&app, &secretariat, &reply, &[("reply", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_work_lists_show_what_waits_for_each_role() {
    let app = app().await;
    let tasks = |role: &'static str| {
        let app = &app;
        async move {
            let page = app.get_as(role, "/tasks").await;
            assert_eq!(page.status, StatusCode::OK, "{role}");
            page.body
        }
    };
    assert!(
        tasks("embete_staff")
            .await
            .contains("Ingenting venter på deg nå.")
    );

    let ids = submitted(&app).await;
    let secretariat = tasks("secretariat").await;
    assert!(
        secretariat.contains("Vurder og frigi rapporten 2019"),
        "{secretariat}"
    );
    assert!(secretariat.contains("href=\"/yearly-reports/oslo-og-viken/2019/year\""));
    let leader = tasks("embete_leader").await;
    assert!(!leader.contains("Godkjenn rapporten"), "submitted already");

    // A question waits for the embete once the assessments are released.
    let cookie = app.cookie("secretariat");
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    for (id, question) in [(ids[0], "Hvorfor?"), (ids[1], "")] {
        let r = post(
            &app,
            &cookie,
            &format!("{report}/assessments/{id}"),
            &[
                ("rubric", "partly"),
                ("risk", "low"),
                ("comment", "Greit."),
                ("question", question),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    post(&app, &cookie, &format!("{report}/release"), &[]).await;
    assert!(
        tasks("embete_staff")
            .await
            .contains("Svar på sekretariatets spørsmål")
    );
    assert!(
        !tasks("secretariat").await.contains("Vurder og frigi"),
        "released"
    );
}

#[tokio::test]
async fn a_synthesis_is_written_released_to_the_steering_group_and_published() {
    let app = app().await;
    let ids = submitted(&app).await;
    let secretariat = app.cookie("secretariat");
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    let rubrics = [
        (ids[0], "fulfilled", "high"),
        (ids[1], "not_fulfilled", "low"),
    ];
    for (id, rubric, risk) in rubrics {
        let fields = [("rubric", rubric), ("risk", risk), ("comment", "Vurdert.")];
        let r = post(
            &app,
            &secretariat,
            &format!("{report}/assessments/{id}"),
            &fields,
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }

    let r = post(&app, &secretariat, "/syntheses/2019", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for role in ["steering_group", "directorate", "embete_staff"] {
        assert_eq!(
            app.get_as(role, "/syntheses/2019").await.status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
    }
    assert_eq!(
        app.get("/syntheses/2019").await.status,
        StatusCode::NOT_FOUND
    );

    // The secretariat writes over live figures: a chart and a table saying the same.
    let page = app.get_as("secretariat", "/syntheses/2019").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("role=\"img\""));
    assert!(
        page.body.contains(
            "Samordnet støtte: Oppfylt 1, Delvis oppfylt 0, Ikke oppfylt 0, Ikke vurdert 9"
        ),
        "{}",
        page.body
    );
    let editor = app
        .get_as("secretariat", "/syntheses/2019/sections/intro")
        .await;
    let start = editor.body.find("name=\"base\" value=\"").unwrap() + 19;
    let base = editor.body[start..].split('"').next().unwrap().to_owned();
    let r = post(
        &app,
        &secretariat,
        "/syntheses/2019/sections/intro",
        &[("text", "Ett embete har rapportert."), ("base", &base)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get_as("secretariat", "/syntheses/2019").await;
    let start = page.body.find("name=\"version\" value=\"").unwrap() + 22;
    let version = page.body[start..].split('"').next().unwrap().to_owned();
    let r = post(
        &app,
        &secretariat,
        "/syntheses/2019/release",
        &[("version", &version)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The steering group reads the figures as they stood at the release.
    let fields = [
        ("rubric", "partly"),
        ("risk", "low"),
        ("comment", "Endret."),
    ];
    post(
        &app,
        &secretariat,
        &format!("{report}/assessments/{}", ids[0]),
        &fields,
    )
    .await;
    let read = app.get_as("steering_group", "/syntheses/2019").await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Ett embete har rapportert."));
    assert!(
        read.body.contains("Samordnet støtte: Oppfylt 1,"),
        "kept at the release"
    );
    assert!(
        !read.body.contains("/sections/intro"),
        "the steering group does not write"
    );
    assert_eq!(
        app.get("/syntheses/2019").await.status,
        StatusCode::NOT_FOUND
    );

    let r = post(&app, &secretariat, "/syntheses/2019/publish", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/syntheses/2019").await.status, StatusCode::OK);
    let csv = app.get("/syntheses/2019/figures.csv").await;
    assert!(
        csv.body
            .starts_with("year,embete,requirement,requirement_title,rubric\r\n")
    );
    assert!(csv.body.contains("2019,oslo-og-viken,"), "{}", csv.body);
    assert!(csv.body.contains(",fulfilled\r\n"));
    let json = app.get("/api/v1/syntheses/2019").await;
    assert!(json.body.contains("\"high_risk\":1"), "{}", json.body);
}

#[tokio::test]
async fn the_report_and_the_synthesis_download_as_pdfs_for_their_readers_only() {
    let app = app().await;
    let ids = submitted(&app).await;
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    let page = app.get_as("embete_staff", report).await;
    assert!(page.body.contains(&format!("href=\"{report}/pdf\"")));
    for role in ["embete_staff", "secretariat"] {
        let file = app.get_as(role, &format!("{report}/pdf")).await;
        assert_eq!(file.status, StatusCode::OK, "{role}");
        let text = pdf_text(&file.bytes);
        for words in [
            "Årsrapport 2019",
            "Samordnet støtte",
            &format!("Svar {}.", ids[0]),
            "Godkjent av",
            "Side 1 av",
        ] {
            assert!(text.contains(words), "{role}: {words:?} not in {text}");
        }
    }
    for role in ["municipality", "directorate", "steering_group"] {
        let file = app.get_as(role, &format!("{report}/pdf")).await;
        assert_eq!(file.status, StatusCode::NOT_FOUND, "{role}");
    }

    let secretariat = app.cookie("secretariat");
    let fields = [
        ("rubric", "fulfilled"),
        ("risk", "low"),
        ("comment", "Godt arbeid."),
    ];
    post(
        &app,
        &secretariat,
        &format!("{report}/assessments/{}", ids[0]),
        &fields,
    )
    .await;
    // Unreleased, the assessment is in the secretariat's PDF and not in the embete's.
    let mine = pdf_text(
        &app.get_as("embete_staff", &format!("{report}/pdf"))
            .await
            .bytes,
    );
    assert!(!mine.contains("Godt arbeid."), "{mine}");
    let theirs = pdf_text(
        &app.get_as("secretariat", &format!("{report}/pdf"))
            .await
            .bytes,
    );
    assert!(theirs.contains("Godt arbeid."), "{theirs}");

    let r = post(&app, &secretariat, "/syntheses/2019", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let file = app.get_as("secretariat", "/syntheses/2019/pdf").await;
    assert_eq!(file.status, StatusCode::OK);
    let text = pdf_text(&file.bytes);
    for words in [
        "Sammenstilling 2019",
        "Samordnet støtte",
        "Per embete",
        "Oppfylt",
    ] {
        assert!(text.contains(words), "{words:?} not in {text}");
    }
    assert_eq!(
        app.get_as("steering_group", "/syntheses/2019/pdf")
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not before the release"
    );
}

#[tokio::test]
async fn the_secretariat_reopens_a_submitted_report_with_a_reason_the_embete_reads() {
    let app = app().await;
    submitted(&app).await;
    let secretariat = app.cookie("secretariat");
    let staff = app.cookie("embete_staff");
    let report = "/yearly-reports/oslo-og-viken/2019/year";
    let reopen = format!("{report}/reopen");
    let r = post(&app, &staff, &reopen, &[("reason", "Vi vil rette")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not the embete's own step");
    let r = post(&app, &secretariat, &reopen, &[("reason", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"reason-error\""));
    let why = "Tallene for kommunene mangler. Legg dem inn og lever på nytt.";
    let r = post(&app, &secretariat, &reopen, &[("reason", why)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = app.get_as("embete_staff", report).await;
    assert!(page.body.contains(why), "the embete reads why");
    assert!(
        page.body.contains(&format!("{report}/answers/")),
        "it can answer again"
    );
    let (status, view) = app
        .api(
            axum::http::Method::GET,
            &format!("/api/v1{report}"),
            &app.token("embete_staff").await,
            serde_json::Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["stage"], "drafting", "{view}");
    assert_eq!(view["reopened"]["reason"], why);
    let r = post(&app, &secretariat, &reopen, &[("reason", why)]).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "only a submitted report is reopened"
    );
}
